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
    let same = |a: u8, b: u8| {
        if ignore_case {
            a.eq_ignore_ascii_case(&b)
        } else {
            a == b
        }
    };
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = match p.get(pi) {
            Some(b'?') => true,
            Some(b'*') | None => false,
            Some(&c) => same(c, t[ti]),
        };
        if step {
            pi += 1;
            ti += 1;
        } else if p.get(pi) == Some(&b'*') {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == b'*')
}

pub(crate) fn match_tokens(p: &[Tok], text: &str, ignore_case: bool) -> bool {
    let t: Vec<char> = text.chars().collect();
    let same = |a: char, b: char| {
        if ignore_case {
            a.to_lowercase().eq(b.to_lowercase())
        } else {
            a == b
        }
    };
    // Greedy scan that remembers the last `*` and backtracks to it: never recursive, so a
    // hostile pattern cannot blow the stack.
    let (mut pi, mut ti) = (0, 0);
    let mut star: Option<(usize, usize)> = None;
    while ti < t.len() {
        let step = match p.get(pi) {
            Some(Tok::One) => true,
            Some(Tok::Lit(c)) => same(*c, t[ti]),
            _ => false,
        };
        if step {
            pi += 1;
            ti += 1;
        } else if p.get(pi) == Some(&Tok::Star) {
            star = Some((pi, ti));
            pi += 1;
        } else if let Some((sp, st)) = star {
            pi = sp + 1;
            ti = st + 1;
            star = Some((sp, st + 1));
        } else {
            return false;
        }
    }
    p[pi..].iter().all(|&c| c == Tok::Star)
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
