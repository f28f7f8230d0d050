//! Names in `kebab-case` and `UpperCamelCase`, exactly as `heck` writes them, without its
//! cost for the ASCII names airgap makes.
//!
//! Every synthesis converts a few dozen names (a `Name` tag per resource, logical IDs from
//! construct names). `heck` handles all of Unicode and writes each character through
//! `fmt`, which made these conversions a twentieth of a whole synthesis; names that are all
//! ASCII (every name airgap makes, and nearly every name a user gives) are split into words
//! here by the same rules, and anything else is still given to `heck`. A test compares the two
//! on every short string over an alphabet that exercises each rule.

use heck::{ToKebabCase, ToUpperCamelCase};

/// `s` in `kebab-case`: `DataScienceVpc` is `data-science-vpc`, `VPCEndpoint` is
/// `vpc-endpoint`.
pub(crate) fn kebab_case(s: &str) -> String {
    if !s.is_ascii() {
        return s.to_kebab_case();
    }
    let mut out = Vec::with_capacity(s.len() + 8);
    ascii_words(s, |word| {
        if !out.is_empty() {
            out.push(b'-');
        }
        out.extend(word.iter().map(u8::to_ascii_lowercase));
    });
    ascii_string(out)
}

/// `s` in `UpperCamelCase`: `data science` is `DataScience`, `vpc-endpoint` is
/// `VpcEndpoint`.
pub(crate) fn upper_camel_case(s: &str) -> String {
    if !s.is_ascii() {
        return s.to_upper_camel_case();
    }
    let mut out = Vec::with_capacity(s.len());
    ascii_words(s, |word| {
        if let Some((first, rest)) = word.split_first() {
            out.push(first.to_ascii_uppercase());
            out.extend(rest.iter().map(u8::to_ascii_lowercase));
        }
    });
    ascii_string(out)
}

/// The bytes of an ASCII name, as the `String` they are.
fn ascii_string(bytes: Vec<u8>) -> String {
    String::from_utf8(bytes).unwrap_or_default()
}

#[derive(Clone, Copy, PartialEq)]
enum Mode {
    Boundary,
    Lower,
    Upper,
}

/// Calls `word` with each word of an ASCII name, by `heck`'s rules: anything but a letter or
/// digit separates words; within a run of letters and digits, a word ends before an upper-case
/// letter that follows a lower-case one (`dataScience`), and before the last upper-case letter
/// of a run that a lower-case letter follows (`VPCEndpoint`). Digits take the case of what
/// came before them.
fn ascii_words(s: &str, mut word: impl FnMut(&[u8])) {
    let b = s.as_bytes();
    let mut at = 0;
    while at < b.len() {
        if !b[at].is_ascii_alphanumeric() {
            at += 1;
            continue;
        }
        let run_end = b[at..]
            .iter()
            .position(|c| !c.is_ascii_alphanumeric())
            .map_or(b.len(), |n| at + n);
        let run = &b[at..run_end];
        let (mut start, mut mode) = (0, Mode::Boundary);
        for i in 0..run.len() - 1 {
            let (c, next) = (run[i], run[i + 1]);
            let next_mode = if c.is_ascii_lowercase() {
                Mode::Lower
            } else if c.is_ascii_uppercase() {
                Mode::Upper
            } else {
                mode
            };
            if next_mode == Mode::Lower && next.is_ascii_uppercase() {
                word(&run[start..=i]);
                (start, mode) = (i + 1, Mode::Boundary);
            } else if mode == Mode::Upper && c.is_ascii_uppercase() && next.is_ascii_lowercase() {
                word(&run[start..i]);
                (start, mode) = (i, Mode::Boundary);
            } else {
                mode = next_mode;
            }
        }
        word(&run[start..]);
        at = run_end;
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every string of up to `len` characters over `alphabet`.
    fn all_strings(alphabet: &[char], len: usize) -> Vec<String> {
        let mut all = vec![String::new()];
        let mut last = vec![String::new()];
        for _ in 0..len {
            last = last
                .iter()
                .flat_map(|s| {
                    alphabet.iter().map(move |c| {
                        let mut t = s.clone();
                        t.push(*c);
                        t
                    })
                })
                .collect();
            all.extend(last.iter().cloned());
        }
        all
    }

    #[test]
    fn every_short_ascii_name_converts_as_heck_converts_it() {
        // Lower, upper, digit and two kinds of separator: every rule and every pair of them.
        for s in all_strings(&['a', 'B', 'c', 'D', '1', '-', ' '], 6) {
            assert_eq!(kebab_case(&s), s.to_kebab_case(), "kebab case of {s:?}");
            assert_eq!(
                upper_camel_case(&s),
                s.to_upper_camel_case(),
                "upper camel case of {s:?}"
            );
        }
    }

    #[test]
    fn the_names_airgap_makes_convert_as_heck_converts_them() {
        for s in [
            "DataScienceVpc",
            "VPCEndpoint",
            "SageMakerAPIEndpoint",
            "PrivateSubnet1",
            "Subnet1A",
            "data science",
            "ml_platform--team",
            "ecr.dkr",
            "git-codecommit",
            "S3",
            "",
            "---",
            "Zone2b",
        ] {
            assert_eq!(kebab_case(s), s.to_kebab_case(), "kebab case of {s:?}");
            assert_eq!(upper_camel_case(s), s.to_upper_camel_case(), "{s:?}");
        }
    }

    #[test]
    fn names_beyond_ascii_are_converted_by_heck() {
        for s in ["ΣίσυφοςΣ", "Café Crème", "naïveName"] {
            assert_eq!(kebab_case(s), s.to_kebab_case());
            assert_eq!(upper_camel_case(s), s.to_upper_camel_case());
        }
    }
}
