//! Suppressions written in a template count only as far as the person running the check
//! allows: by default `airgap check` shows them but their findings block, so a pull request
//! cannot silence the check on its own Internet Gateway.

use std::path::Path;
use std::process::Command;

use airgap::analysis::{SuppressionFormat, SuppressionPolicy, check, check_with};
use airgap::template::Template;

/// An Internet Gateway suppressed three ways: airgap's format with a thin reason, cdk-nag's, and
/// cfn-lint's (which carries no reason at all).
const SUPPRESSED: &str = "Resources:
  Igw:
    Type: AWS::EC2::InternetGateway
    Metadata:
      airgap:
        suppressions: [{id: AG-NET-001, reason: fine}]
  Nat:
    Type: AWS::EC2::NatGateway
    Properties: {SubnetId: subnet-12345678}
    Metadata:
      cdk_nag:
        rules_to_suppress: [{id: AG-NET-002, reason: shared NAT}]
  Vpn:
    Type: AWS::EC2::VPNGateway
    Properties: {Type: ipsec.1}
    Metadata:
      cfn-lint:
        config:
          ignore_checks: [AG-NET-005]
";

fn blocking(policy: &SuppressionPolicy) -> Vec<String> {
    let t = Template::from_yaml(SUPPRESSED).unwrap();
    check_with(&t, policy)
        .into_iter()
        .filter(|f| f.is_blocking())
        .map(|f| f.rule.id.to_string())
        .collect()
}

#[test]
fn a_template_s_own_suppressions_do_not_count_unless_allowed() {
    assert_eq!(
        blocking(&SuppressionPolicy::none()),
        ["AG-NET-001", "AG-NET-002", "AG-NET-005"]
    );
    // The library's `check` (what `Stack::synth` runs on a stack the caller built) trusts them.
    let t = Template::from_yaml(SUPPRESSED).unwrap();
    assert!(check(&t).iter().all(|f| !f.is_blocking()));
}

#[test]
fn the_policy_names_rules_formats_and_whether_a_reason_is_needed() {
    let airgap_any = SuppressionPolicy::none()
        .format(SuppressionFormat::Airgap)
        .allow_rule("*");
    assert_eq!(blocking(&airgap_any), ["AG-NET-002", "AG-NET-005"]);
    let nat_only = SuppressionPolicy::none()
        .format(SuppressionFormat::CdkNag)
        .allow_rule("AG-NET-002");
    assert_eq!(blocking(&nat_only), ["AG-NET-001", "AG-NET-005"]);
    // cfn-lint's form has no reason: it counts only where reasons are not required.
    let cfn = SuppressionPolicy::none()
        .format(SuppressionFormat::CfnLint)
        .allow_rule("AG-NET-*");
    assert_eq!(blocking(&cfn), ["AG-NET-001", "AG-NET-002", "AG-NET-005"]);
    assert_eq!(
        blocking(&cfn.require_reason(false)),
        ["AG-NET-001", "AG-NET-002"]
    );
}

#[test]
fn refused_suppressions_stay_in_the_output_marked() {
    let t = Template::from_yaml(SUPPRESSED).unwrap();
    let f = check_with(&t, &SuppressionPolicy::none());
    let igw = f.iter().find(|f| f.resource == "Igw").unwrap();
    assert_eq!(igw.suppressed.as_deref(), Some("fine"));
    let text = igw.to_string();
    assert!(
        text.contains("suppressed in the template (fine), not honoured"),
        "{text}"
    );
    assert_eq!(igw.to_value()["suppression_honoured"], false);
}

fn airgap(dir: &Path, args: &[&str]) -> (i32, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .current_dir(dir)
        .args(args)
        .output()
        .unwrap();
    (
        out.status.code().expect("exited"),
        String::from_utf8_lossy(&out.stdout).into_owned() + &String::from_utf8_lossy(&out.stderr),
    )
}

#[test]
fn airgap_check_blocks_by_default_and_follows_flags_and_a_policy_file() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.yaml"), SUPPRESSED).unwrap();
    let (code, out) = airgap(dir.path(), &["check", "t.yaml"]);
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("3 blocking"), "{out}");
    assert!(out.contains("not honoured"), "{out}");
    let (code, out) = airgap(
        dir.path(),
        &[
            "check",
            "--allow-suppression",
            "AG-NET-001,AG-NET-002,AG-NET-005",
            "--suppression-format",
            "airgap,cdk-nag,cfn-lint",
            "--allow-suppression-without-reason",
            "t.yaml",
        ],
    );
    assert_eq!(code, 0, "{out}");
    std::fs::write(
        dir.path().join("policy.json"),
        r#"{"allow": ["AG-NET-00*"], "formats": ["airgap", "cdk-nag"], "require_reason": true}"#,
    )
    .unwrap();
    let (code, out) = airgap(
        dir.path(),
        &["check", "--suppression-policy", "policy.json", "t.yaml"],
    );
    assert_eq!(code, 1, "{out}");
    assert!(out.contains("1 blocking"), "{out}");
    std::fs::write(dir.path().join("bad.json"), r#"{"allow": "AG-NET-001"}"#).unwrap();
    let (code, _) = airgap(
        dir.path(),
        &["check", "--suppression-policy", "bad.json", "t.yaml"],
    );
    assert_eq!(code, 2);
    let (code, _) = airgap(
        dir.path(),
        &["check", "--suppression-format", "checkov", "t.yaml"],
    );
    assert_eq!(code, 2);
}

#[test]
fn airgap_report_marks_refused_suppressions_and_follows_the_same_flags() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::write(dir.path().join("t.yaml"), SUPPRESSED).unwrap();
    let (code, out) = airgap(dir.path(), &["report", "t.yaml"]);
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("**Private: no.**"), "{out}");
    assert!(
        out.contains("(suppressed in the template: fine; not honoured:"),
        "{out}"
    );
    let (code, out) = airgap(
        dir.path(),
        &[
            "report",
            "--allow-suppression",
            "*",
            "--suppression-format",
            "airgap,cdk-nag,cfn-lint",
            "--allow-suppression-without-reason",
            "t.yaml",
        ],
    );
    assert_eq!(code, 0, "{out}");
    assert!(out.contains("**Private: yes.**"), "{out}");
}
