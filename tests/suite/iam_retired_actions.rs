//! Actions of services AWS has retired are real: policies naming them are valid CloudFormation
//! and IAM, but grant nothing. The checks say "retired", not "unknown". Four policies of the
//! reference templates name `elastic-inference:Connect` (Amazon Elastic Inference, retired;
//! the catalog keeps its actions, marked as such).

use airgap::iam::{FindingKind, PolicyDocument, retired_action};

#[test]
fn a_retired_services_action_is_valid_and_linted_as_retired() {
    let doc = PolicyDocument::from_json(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow",
            "Action": ["elastic-inference:Connect", "s3:GetObject"],
            "Resource": "arn:aws:s3:::data/*"}]}"#,
    )
    .expect("a retired action is still an action");
    let findings = doc.lint();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].kind, FindingKind::RetiredAction);
    assert_eq!(findings[0].kind.code(), "retired-action");
    assert!(
        findings[0].message.contains("retired service"),
        "{}",
        findings[0].message
    );
    assert!(findings[0].message.contains("elastic-inference:Connect"));
}

#[test]
fn deny_statements_and_service_wildcards_are_linted_too() {
    let doc = PolicyDocument::from_json(
        r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Deny",
            "Action": "elastic-inference:*", "Resource": "*"}]}"#,
    )
    .unwrap();
    let kinds: Vec<FindingKind> = doc.lint().into_iter().map(|f| f.kind).collect();
    assert_eq!(kinds, [FindingKind::RetiredAction]);
}

#[test]
fn current_and_unknown_actions_are_not_called_retired() {
    assert_eq!(retired_action("sagemaker:CreateNotebookInstance"), None);
    assert_eq!(retired_action("sagemaker:Create*"), None);
    assert_eq!(retired_action("s4:GetObject"), None);
    assert!(retired_action("Elastic-Inference:connect").is_some());
}
