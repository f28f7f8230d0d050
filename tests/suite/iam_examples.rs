//! The policies in the examples' templates, read back from the synthesized JSON: each parses,
//! writes back the same JSON, validates, passes lint, and the seed's S3 endpoint policy
//! evaluates as the seed says.

use crate::examples::sagemaker_vpc;

use crate::examples::low_level_vpc;

use airgap::iam::{FindingKind, Outcome, PolicyDocument, PolicyKind, Request};
use serde_json::Value;

/// Every policy document of a template: (resource, property, kind, document).
fn policies(template: &Value) -> Vec<(String, &'static str, PolicyKind, &Value)> {
    let mut out = Vec::new();
    for (id, r) in template["Resources"].as_object().expect("Resources") {
        let p = &r["Properties"];
        for (property, kind) in [
            ("PolicyDocument", PolicyKind::Resource),
            ("KeyPolicy", PolicyKind::Resource),
            ("AssumeRolePolicyDocument", PolicyKind::Trust),
        ] {
            if p[property].is_object() {
                let kind = if r["Type"] == "AWS::IAM::Policy" {
                    PolicyKind::Identity
                } else {
                    kind
                };
                out.push((id.clone(), property, kind, &p[property]));
            }
        }
        for inline in p["Policies"].as_array().into_iter().flatten() {
            out.push((
                id.clone(),
                "Policies",
                PolicyKind::Identity,
                &inline["PolicyDocument"],
            ));
        }
    }
    out
}

#[test]
fn every_policy_of_the_examples_parses_round_trips_validates_and_lints_clean() -> airgap::Result<()>
{
    let mut seen = 0;
    for json in [sagemaker_vpc::build()?, low_level_vpc::build()?] {
        let template: Value = serde_json::from_str(&json).expect("JSON");
        for (id, property, kind, value) in policies(&template) {
            let policy = PolicyDocument::from_value(value)?;
            assert_eq!(&policy.to_value(), value, "{id}.{property}");
            policy.validate(kind, &id)?;
            // One finding is known and kept: the flow-log key's grant to CloudWatch Logs
            // follows AWS's documented key policy, whose `kms:Describe*` is conditioned on
            // `kms:EncryptionContext:aws:logs:arn`, a key DescribeKey never carries. That part
            // of the grant never applies (which is harmless: it grants nothing), and the lint
            // says so.
            let findings: Vec<_> = policy
                .lint()
                .into_iter()
                .filter(|f| {
                    !(f.kind == FindingKind::ConditionKeyNeverSent
                        && f.message.contains("`kms:Describe*`")
                        && id.ends_with("FlowLogKey"))
                })
                .collect();
            assert!(findings.is_empty(), "{id}.{property}: {findings:?}");
            seen += 1;
        }
    }
    assert!(seen >= 6, "only {seen} policies found");
    Ok(())
}

#[test]
fn the_examples_s3_endpoint_policy_evaluates_as_the_seed_says() -> airgap::Result<()> {
    let template: Value = serde_json::from_str(&sagemaker_vpc::build()?).expect("JSON");
    let (_, endpoint) = template["Resources"]
        .as_object()
        .expect("Resources")
        .iter()
        .find(|(_, r)| {
            r["Type"] == "AWS::EC2::VPCEndpoint" && r["Properties"]["VpcEndpointType"] == "Gateway"
        })
        .expect("the S3 gateway endpoint");
    let policy = PolicyDocument::from_value(&endpoint["Properties"]["PolicyDocument"])?;
    let ask = |action: &str, resource: &str| {
        policy
            .evaluate(&Request::new(action, resource).region("eu-west-1"))
            .map(|d| d.outcome())
    };
    assert_eq!(
        ask("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x")?,
        Outcome::Allow
    );
    assert_eq!(
        ask("s3:PutObject", "arn:aws:s3:::my_secure_bucket/x")?,
        Outcome::ImplicitDeny
    );
    assert_eq!(
        ask("s3:GetObject", "arn:aws:s3:::another_bucket/x")?,
        Outcome::ImplicitDeny
    );
    Ok(())
}
