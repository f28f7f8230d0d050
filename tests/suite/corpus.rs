//! Templates in the shapes public repositories use (tests/fixtures/corpus, see its README) are
//! read right: language extensions expanded and their generated resources named, every rule
//! function read, nested stacks, a byte-order mark. cfn-lint, a judge we did not write, finds
//! no error in any of them, so they are templates CloudFormation takes.

use std::path::PathBuf;
use std::process::Command;

use airgap::analysis::check;
use airgap::template::Template;

fn corpus() -> Vec<(String, String)> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let mut files: Vec<(String, String)> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|e| e == "yaml" || e == "json"))
        .map(|p| {
            let name = p.file_name().unwrap().to_string_lossy().into_owned();
            (name, std::fs::read_to_string(p).unwrap())
        })
        .collect();
    files.sort();
    files
}

fn findings(name: &str) -> Vec<(String, String)> {
    let (_, text) = corpus().into_iter().find(|(n, _)| n == name).unwrap();
    let t = Template::parse(&text).unwrap_or_else(|e| panic!("{name}: {e}"));
    check(&t)
        .into_iter()
        .map(|f| (f.rule.id.to_string(), f.resource))
        .collect()
}

#[test]
fn every_corpus_template_is_read() {
    let files = corpus();
    assert!(files.len() >= 5);
    for (name, text) in &files {
        Template::parse(text).unwrap_or_else(|e| panic!("{name}: {e}"));
    }
}

#[test]
fn language_extensions_are_expanded_and_findings_name_the_generated_resources() {
    let f = findings("language-extensions.yaml");
    let open: Vec<&str> = f
        .iter()
        .filter(|(r, _)| r == "AG-SG-001")
        .map(|(_, res)| res.as_str())
        .collect();
    assert_eq!(open, ["WebGroup", "AppGroup"]);
    let (_, text) = corpus()
        .into_iter()
        .find(|(n, _)| n == "language-extensions.yaml")
        .unwrap();
    let t = Template::parse(&text).unwrap();
    // The collection is the list parameter's default; &{} drops non-alphanumerics.
    assert!(t.resources.contains_key("Bucketraw") && t.resources.contains_key("Bucketcurated"));
    assert!(t.outputs.contains_key("BucketrawArn"));
    assert_eq!(t.other["Transform"], "AWS::LanguageExtensions");
}

#[test]
fn rules_with_every_rule_function_are_read() {
    let (_, text) = corpus()
        .into_iter()
        .find(|(n, _)| n == "rules.yaml")
        .unwrap();
    let t = Template::parse(&text).unwrap();
    let rules = t.to_value()["Rules"].to_string();
    for f in [
        "Fn::Contains",
        "Fn::EachMemberEquals",
        "Fn::EachMemberIn",
        "Fn::ValueOf",
        "Fn::ValueOfAll",
        "Fn::RefAll",
    ] {
        assert!(rules.contains(f), "{f} in {rules}");
    }
}

#[test]
fn the_ec2_sample_s_ssh_location_default_is_every_address() {
    assert!(
        findings("ec2-sample.yaml").contains(&("AG-SG-001".into(), "InstanceSecurityGroup".into()))
    );
}

#[test]
fn cfn_lint_finds_no_error_in_the_corpus() {
    let exe = std::env::var("CFN_LINT").unwrap_or_else(|_| "cfn-lint".into());
    if Command::new(&exe).arg("--version").output().is_err() {
        assert!(
            std::env::var_os("AIRGAP_REQUIRE_TOOLS").is_none_or(|v| v.is_empty() || v == "0"),
            "cfn-lint is not installed, and AIRGAP_REQUIRE_TOOLS is set"
        );
        eprintln!("\n!!! SKIPPED: cfn-lint is not installed; the corpus was NOT linted. !!!\n");
        return;
    }
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/corpus");
    let out = Command::new(&exe)
        .args(["--format", "parseable", "--regions", "us-east-1", "--"])
        .args(corpus().iter().map(|(n, _)| dir.join(n)))
        .output()
        .expect("run cfn-lint");
    let text = String::from_utf8_lossy(&out.stdout);
    let errors: Vec<&str> = text.lines().filter(|l| l.contains(":E")).collect();
    assert!(errors.is_empty(), "{}", errors.join("\n"));
}
