//! Wildcard matching, checked against a reference matcher that is slow but plainly right.

use airgap::iam::{catalog, wildcard_match};
use proptest::prelude::*;

/// The definition, recursively: `*` eats nothing or one more character, `?` exactly one.
fn reference(p: &[char], t: &[char], ignore_case: bool) -> bool {
    match p.split_first() {
        None => t.is_empty(),
        Some(('*', rest)) => {
            reference(rest, t, ignore_case) || (!t.is_empty() && reference(p, &t[1..], ignore_case))
        }
        Some(('?', rest)) => !t.is_empty() && reference(rest, &t[1..], ignore_case),
        Some((c, rest)) => {
            t.first().is_some_and(|d| {
                if ignore_case {
                    c.to_lowercase().eq(d.to_lowercase())
                } else {
                    c == d
                }
            }) && reference(rest, &t[1..], ignore_case)
        }
    }
}

fn chars(s: &str) -> Vec<char> {
    s.chars().collect()
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(2000))]

    #[test]
    fn agrees_with_the_reference(pattern in "[ab*?:/]{0,8}", text in "[abAB:/]{0,10}", ignore_case: bool) {
        prop_assert_eq!(
            wildcard_match(&pattern, &text, ignore_case),
            reference(&chars(&pattern), &chars(&text), ignore_case)
        );
    }

    #[test]
    fn a_text_matches_itself_and_a_star(text in "[a-zA-Z0-9:/._-]{0,20}") {
        prop_assert!(wildcard_match(&text, &text, false));
        prop_assert!(wildcard_match("*", &text, false));
    }

    #[test]
    fn question_marks_count_characters(text in "[a-z]{0,12}", n in 0usize..12) {
        let pattern = "?".repeat(n);
        prop_assert_eq!(wildcard_match(&pattern, &text, false), text.chars().count() == n);
    }

    #[test]
    fn arn_patterns_with_wildcards(bucket in "[a-z]{3,8}", key in "[a-z/]{0,12}") {
        let arn = format!("arn:aws:s3:::{bucket}/{key}");
        let inside = format!("arn:aws:s3:::{}/*", bucket);
        let beside = format!("arn:aws:s3:::{}x/*", bucket);
        prop_assert!(wildcard_match(&inside, &arn, false));
        prop_assert!(!wildcard_match(&beside, &arn, false));
    }

    #[test]
    fn every_expanded_action_matches_its_pattern(stem in "(Get|Put|List|Describe|Create)[A-Z]?") {
        let pattern = format!("s3:{stem}*");
        for action in catalog::expand(&pattern) {
            prop_assert!(wildcard_match(&pattern, &action, true), "{} !~ {}", action, pattern);
        }
    }
}
