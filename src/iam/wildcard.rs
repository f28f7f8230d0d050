//! IAM's wildcard matching: `*` matches any run of characters (also none), `?` exactly one.

/// One element of a pattern: a literal character or a wildcard. Text substituted from a
/// policy variable stays literal even when it holds `*` or `?`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(crate) enum Tok {
    Lit(char),
    Star,
    One,
}

pub(crate) fn tokens(pattern: &str) -> Vec<Tok> {
    pattern
        .chars()
        .map(|c| match c {
            '*' => Tok::Star,
            '?' => Tok::One,
            c => Tok::Lit(c),
        })
        .collect()
}

/// Whether `text` matches `pattern`, where `*` in the pattern stands for any run of characters
/// (also none) and `?` for exactly one. Actions compare case-insensitively, ARNs and condition
/// values case-sensitively: `ignore_case` chooses.
///
/// ```
/// use airgap::iam::wildcard_match;
/// assert!(wildcard_match("s3:Get*", "s3:GetObject", false));
/// assert!(wildcard_match("S3:GET*", "s3:GetObject", true));
/// assert!(!wildcard_match("arn:aws:s3:::b?", "arn:aws:s3:::b", false));
/// ```
pub fn wildcard_match(pattern: &str, text: &str, ignore_case: bool) -> bool {
    // Actions, ARNs and keys are nearly always ASCII, where a byte is a character and case is
    // ASCII case: matched in place, without the two lists of characters below.
    if pattern.is_ascii() && text.is_ascii() {
        return match_ascii(pattern.as_bytes(), text.as_bytes(), ignore_case);
    }
    match_tokens(&tokens(pattern), text, ignore_case)
}

/// [`match_tokens`] for an ASCII pattern (`*` and `?` its wildcards) and ASCII text.
fn match_ascii(p: &[u8], t: &[u8], ignore_case: bool) -> bool {
    scan(
        p,
        t,
        |&c| c == b'*',
        |&c, &x| {
            c == b'?'
                || (if ignore_case {
                    c.eq_ignore_ascii_case(&x)
                } else {
                    c == x
                })
        },
    )
}

pub(crate) fn match_tokens(p: &[Tok], text: &str, ignore_case: bool) -> bool {
    let t: Vec<char> = text.chars().collect();
    scan(
        p,
        &t,
        |&k| k == Tok::Star,
        |&k, &x| match k {
            Tok::One => true,
            Tok::Lit(c) if ignore_case => c.to_lowercase().eq(x.to_lowercase()),
            Tok::Lit(c) => c == x,
            Tok::Star => false,
        },
    )
}

/// The one matching loop, over pattern elements `P` and text elements `T`: a greedy scan that
/// remembers the last `*` and backtracks to it. Never recursive, so a hostile pattern cannot
/// blow the stack, and at most quadratic. `fits` says whether a pattern element other than
/// `*` takes one text element.
fn scan<P, T>(
    p: &[P],
    t: &[T],
    is_star: impl Fn(&P) -> bool,
    fits: impl Fn(&P, &T) -> bool,
) -> bool {
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        match p.get(pi) {
            Some(e) if is_star(e) => {
                star = Some((pi, ti));
                pi += 1;
            }
            Some(e) if fits(e, &t[ti]) => {
                pi += 1;
                ti += 1;
            }
            _ => match star {
                Some((sp, st)) => {
                    pi = sp + 1;
                    ti = st + 1;
                    star = Some((sp, st + 1));
                }
                None => return false,
            },
        }
    }
    p[pi..].iter().all(is_star)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn stars_and_question_marks() {
        assert!(wildcard_match("*", "", false));
        assert!(wildcard_match("a*b*c", "aXXbYYc", false));
        assert!(!wildcard_match("a*b*c", "aXXbYY", false));
        assert!(wildcard_match("a?c", "abc", false));
        assert!(!wildcard_match("a?c", "ac", false));
        assert!(!wildcard_match("ABC", "abc", false));
        assert!(wildcard_match("ABC", "abc", true));
    }

    /// The ASCII path answers as the general one does.
    #[test]
    fn ascii_text_matches_as_characters_do() {
        let patterns = [
            "*", "", "a*b*c", "A?C", "s3:Get*", "*:*", "a**", "?", "ab*?c",
        ];
        let texts = [
            "",
            "abc",
            "aXXbYYc",
            "ABC",
            "s3:GetObject",
            "S3:gEtObJeCt",
            "ac",
            "a",
        ];
        for p in patterns {
            for t in texts {
                for ignore_case in [false, true] {
                    assert_eq!(
                        wildcard_match(p, t, ignore_case),
                        match_tokens(&tokens(p), t, ignore_case),
                        "{p} {t} {ignore_case}"
                    );
                }
            }
        }
    }

    #[test]
    fn literal_tokens_do_not_act_as_wildcards() {
        assert!(!match_tokens(&[Tok::Lit('*')], "x", false));
        assert!(match_tokens(&[Tok::Lit('*')], "*", false));
    }
}
