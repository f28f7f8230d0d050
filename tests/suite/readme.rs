//! The README shows the example as it is: if one changes, this fails until the other follows.

#[test]
fn the_readme_shows_the_example_as_it_is() {
    let readme = include_str!("../../README.md");
    let example = include_str!("../../examples/sagemaker_vpc.rs");
    let block = readme
        .split("```rust\n")
        .nth(1)
        .and_then(|rest| rest.split("\n```").next())
        .expect("the README has a rust block");
    // Blank lines and the example's doc comments are left out of the README's copy.
    let keep = |l: &&str| {
        !l.trim().is_empty()
            && !l.trim_start().starts_with("//!")
            && !l.trim_start().starts_with("///")
    };
    let shown: Vec<&str> = block.lines().filter(keep).collect();
    let source: Vec<&str> = example.lines().filter(keep).collect();
    assert!(
        source.windows(shown.len()).any(|w| w == shown.as_slice()),
        "the README's example is not a copy of examples/sagemaker_vpc.rs; update one to match the other"
    );
}

#[test]
fn the_readme_shows_the_doctested_policy_check() {
    let readme = include_str!("../../README.md");
    let doctested = include_str!("../../docs/policy-readme-section.md");
    let block = readme
        .split("## Check a policy before you ship it")
        .nth(1)
        .and_then(|s| s.split("```rust\n").nth(1))
        .and_then(|s| s.split("\n```").next())
        .expect("the README shows checking a policy");
    let visible: Vec<&str> = doctested
        .lines()
        .filter(|l| !l.starts_with("# ") && *l != "#")
        .collect();
    for line in block.lines() {
        assert!(
            visible.contains(&line),
            "README line `{line}` is not in the doctested docs/policy-readme-section.md"
        );
    }
}

#[test]
fn the_readme_shows_the_doctested_construct_section() {
    let readme = include_str!("../../README.md");
    let doctested = include_str!("../../docs/network-readme-section.md");
    let block = readme
        .split("### Construct by construct")
        .nth(1)
        .and_then(|s| s.split("```rust\n").nth(1))
        .and_then(|s| s.split("\n```").next())
        .expect("the README shows building construct by construct");
    let visible: Vec<&str> = doctested
        .lines()
        .filter(|l| !l.starts_with("# ") && *l != "#")
        .collect();
    for line in block.lines() {
        assert!(
            visible.contains(&line),
            "README line `{line}` is not in the doctested docs/network-readme-section.md"
        );
    }
}

use crate::examples::sagemaker_vpc as example;

#[test]
fn the_readme_quotes_the_example_report_as_it_is() {
    let readme = include_str!("../../README.md");
    let t = airgap::template::Template::from_json(&example::build().unwrap()).unwrap();
    let report =
        airgap::render::review_report(&t, &airgap::render::ReportOptions::default()).unwrap();
    let quoted: Vec<&str> = readme
        .lines()
        .filter_map(|l| l.strip_prefix("> "))
        .filter(|l| l.starts_with('|') || l.starts_with("- ") || l.starts_with("**"))
        .collect();
    assert!(quoted.len() > 10, "the README quotes the example's report");
    for line in quoted {
        assert!(
            report.lines().any(|r| r == line),
            "README quotes `{line}`, which the report no longer says"
        );
    }
}
