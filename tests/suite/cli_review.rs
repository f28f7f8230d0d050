//! The reviewer's commands `check`, `report` and `reach`, on our network and the reference one.

use crate::cli_run::{json, run, run_in, run_with_stdin, scratch};

const REFERENCE_NETWORK: &str = include_str!(
    "../fixtures/reference/secure-data-science-reference-architecture/ds_env_network.yaml"
);

#[test]
fn check_passes_our_network_and_fails_the_reference_one() {
    let ours = run(&["synth"]);
    let checked = run_with_stdin(&["check", "-"], &ours.stdout);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    assert_eq!(checked.stdout, "<stdin>: 0 finding(s), 0 blocking\n");

    let yaml = run(&["synth", "--format", "yaml"]);
    let checked = run_with_stdin(&["check", "-"], &yaml.stdout);
    assert_eq!(
        checked.code, 0,
        "the YAML form reads and checks the same: {}",
        checked.stdout
    );

    let dir = scratch("check");
    std::fs::write(dir.join("ds_env_network.yaml"), REFERENCE_NETWORK).unwrap();
    std::fs::write(dir.join("ours.json"), &ours.stdout).unwrap();
    let r = run_in(&dir, &["check", "ours.json", "ds_env_network.yaml"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    for expected in [
        "ds_env_network.yaml: error AG-SG-002 `SageMakerSecurityGroup`",
        "ds_env_network.yaml: error AG-EP-003 `VPCEndpointSTS`",
        "ds_env_network.yaml: warning AG-NET-010 `PrivateSubnetC`",
        "ours.json: 0 finding(s), 0 blocking",
    ] {
        assert!(
            r.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            r.stdout
        );
    }

    let j = run_in(&dir, &["check", "--format", "json", "ds_env_network.yaml"]);
    assert_eq!(j.code, 1);
    let report = json(&j.stdout);
    assert!(report["blocking"].as_u64().unwrap() > 0);
    let rules: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"AG-LOG-001"), "{rules:?}");
}

#[test]
fn check_and_report_refuse_what_they_cannot_read_with_exit_2() {
    let r = run_with_stdin(&["check", "-"], "Resources:\n  A: !Ref\n    - [unclosed\n");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line"),
        "a parse error gives the line: {}",
        r.stderr
    );
    let r = run(&["check", "/nonexistent/stack.json"]);
    assert_eq!(r.code, 2);
    let r = run(&["check"]);
    assert_eq!(r.code, 2, "a FILE is required");
    let r = run_with_stdin(&["report", "--endpoint-hourly-usd", "-1", "-"], "{}");
    assert_eq!(r.code, 2);
}

#[test]
fn report_renders_the_review_with_its_diagram() {
    let ours = run(&["synth"]);
    let r = run_with_stdin(
        &["report", "--title", "Data science network", "-"],
        &ours.stdout,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("# Network review: Data science network"),
        "{}",
        &r.stdout[..200]
    );
    assert!(r.stdout.contains("**Private: yes.**"));
    assert!(r.stdout.contains("```mermaid"));

    let dir = scratch("report");
    std::fs::write(dir.join("ds_env_network.yaml"), REFERENCE_NETWORK).unwrap();
    let r = run_in(
        &dir,
        &["report", "--out", "REVIEW.md", "ds_env_network.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let review = std::fs::read_to_string(dir.join("REVIEW.md")).unwrap();
    assert!(
        review.contains("**Private: no.**") || review.contains("AG-SG-002"),
        "{review}"
    );
}

#[test]
fn reach_prints_every_pair_with_its_two_rules_as_json() {
    let dir = scratch("reach");
    std::fs::write(dir.join("ds_env_network.yaml"), REFERENCE_NETWORK).unwrap();
    let r = run_in(&dir, &["reach", "ds_env_network.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    let pair = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["from"]["id"] == "SageMakerSecurityGroup" && p["to"]["id"] == "VPCEndpointSTS")
        .expect("notebooks reach the STS endpoint");
    assert_eq!(pair["to"]["kind"], "endpoint");
    assert_eq!(pair["allowed"][0]["text"], "tcp 443");
    assert_eq!(
        pair["because"][0]["ingress"]["group"],
        "VPCEndpointSecurityGroup"
    );
    assert_eq!(v["default_egress"]["SageMakerSecurityGroup"], "kept");
    assert!(
        v["approximations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "unknown-vpc-block"),
        "{}",
        r.stdout
    );
    let r = run_in(
        &dir,
        &["reach", "--out", "reach.json", "ds_env_network.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        json(&std::fs::read_to_string(dir.join("reach.json")).unwrap()),
        v
    );
    let r = run(&["reach", "/nonexistent/stack.json"]);
    assert_eq!(r.code, 2);
}
