//! `airgap check --format sarif` and `airgap diff --format sarif` write SARIF 2.1.0 that the
//! published JSON schema accepts (tests/fixtures/sarif-schema-2.1.0.json, the OASIS schema as
//! shipped by `@microsoft/jest-sarif`), with rule IDs, levels, help text and line numbers.

use std::path::PathBuf;
use std::process::Command;

use serde_json::Value;

fn scratch(name: &str, body: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("sarif");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write template");
    path
}

fn airgap(args: &[&str], files: &[&PathBuf]) -> (Value, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args(args)
        .args(files)
        .output()
        .expect("run airgap");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let log = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (log, out.status.code().expect("exited"))
}

fn sarif_validator() -> jsonschema::Validator {
    // The published schema's `language` patterns (`^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$`,
    // on `run` and `toolComponent`) have a stray `]` that a strict regex engine refuses when it
    // compiles the schema. Our logs carry no `language`, so those patterns are loosened to what
    // they mean (a language tag) and every other keyword checks as published.
    let text = include_str!("../fixtures/sarif-schema-2.1.0.json").replace(
        r"^[a-zA-Z]{2}|^[a-zA-Z]{2}-[a-zA-Z]{2}]?$",
        r"^[a-zA-Z]{2}(-[a-zA-Z]{2})?$",
    );
    let schema: Value = serde_json::from_str(&text).unwrap();
    jsonschema::validator_for(&schema).expect("the schema compiles")
}

fn assert_valid_sarif(log: &Value) {
    let validator = sarif_validator();
    let errors: Vec<String> = validator
        .iter_errors(log)
        .map(|e| format!("{} at {}", e, e.instance_path()))
        .collect();
    assert!(errors.is_empty(), "{errors:#?}\n{log:#}");
    assert_eq!(log["version"], "2.1.0");
}

/// A public subnet and a route to the internet: two findings of the check, at known lines.
const OPEN_NETWORK: &str = "\
AWSTemplateFormatVersion: '2010-09-09'
Resources:
  Vpc:
    Type: AWS::EC2::VPC
    Properties:
      CidrBlock: 10.0.0.0/16
  Igw:
    Type: AWS::EC2::InternetGateway
";

#[test]
fn the_schema_refuses_what_is_not_sarif_2_1_0() {
    let validator = sarif_validator();
    assert!(
        !validator.is_valid(&serde_json::json!({"version": "2.1.0"})),
        "runs is required"
    );
    let bad_level = serde_json::json!({"version": "2.1.0", "runs": [{"tool": {"driver": {"name": "x"}},
        "results": [{"message": {"text": "m"}, "level": "fatal"}]}]});
    assert!(!validator.is_valid(&bad_level));
}

#[test]
fn check_writes_valid_sarif_with_rules_levels_and_lines() {
    let yaml = scratch("open.yaml", OPEN_NETWORK);
    let (log, code) = airgap(&["check", "--format", "sarif"], &[&yaml]);
    assert_eq!(code, 1);
    assert_valid_sarif(&log);
    let run = &log["runs"][0];
    assert_eq!(run["tool"]["driver"]["name"], "airgap");
    let rules = run["tool"]["driver"]["rules"].as_array().unwrap();
    assert!(rules.iter().all(|r| {
        r["help"]["text"]
            .as_str()
            .is_some_and(|t| t.contains("Fix:"))
    }));
    let results = run["results"].as_array().unwrap();
    let igw = results
        .iter()
        .find(|r| r["ruleId"] == "AG-NET-001")
        .expect("the gateway is found");
    assert_eq!(igw["level"], "error");
    let location = &igw["locations"][0]["physicalLocation"];
    assert!(
        location["artifactLocation"]["uri"]
            .as_str()
            .unwrap()
            .ends_with("open.yaml")
    );
    assert_eq!(location["region"]["startLine"], 7, "the line of `Igw:`");
    let index = igw["ruleIndex"].as_u64().unwrap() as usize;
    assert_eq!(rules[index]["id"], "AG-NET-001");
}

#[test]
fn diff_writes_valid_sarif_with_the_line_of_the_replaced_resource() {
    let old = scratch("old.yaml", OPEN_NETWORK);
    let new_json =
        airgap::template::Template::from_yaml(&OPEN_NETWORK.replace("10.0.0.0/16", "10.1.0.0/16"))
            .unwrap()
            .to_json_pretty()
            .to_string();
    let new = scratch("new.json", &new_json);
    let (log, code) = airgap(&["diff", "--format", "sarif"], &[&old, &new]);
    assert_eq!(code, 1);
    assert_valid_sarif(&log);
    let result = &log["runs"][0]["results"][0];
    assert_eq!(result["ruleId"], "AG-DIFF-001");
    assert_eq!(result["level"], "error");
    let line = new_json
        .lines()
        .position(|l| l.trim_start().starts_with("\"Vpc\""))
        .unwrap()
        + 1;
    assert_eq!(
        result["locations"][0]["physicalLocation"]["region"]["startLine"],
        line
    );

    // Allowed, the risk is still reported, as suppressed, and the exit is 0.
    let (log, code) = airgap(
        &["diff", "--format", "sarif", "--allow", "Vpc"],
        &[&old, &new],
    );
    assert_eq!(code, 0);
    assert_valid_sarif(&log);
    assert_eq!(
        log["runs"][0]["results"][0]["suppressions"][0]["kind"],
        "external"
    );
}

#[test]
fn the_pre_commit_hook_runs_airgap_check_on_templates() {
    let hooks = include_str!("../../.pre-commit-hooks.yaml");
    let hooks = airgap::template::yaml_to_value(hooks).expect("the hooks file is YAML");
    let hook = &hooks[0];
    assert_eq!(hook["id"], "airgap-check");
    assert_eq!(hook["entry"], "airgap check");
    assert_eq!(hook["language"], "rust");
    assert!(hook["files"].as_str().unwrap().contains("json"));
}
