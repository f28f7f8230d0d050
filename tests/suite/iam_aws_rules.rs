//! One test per rule of AWS's policy evaluation that airgap once got wrong, each with the rule
//! in the words of AWS's documentation (the IAM User Guide unless said otherwise).

use airgap::iam::{ContextOrigin, FindingKind, Outcome, PolicyDocument, PolicyKind, Request};
use serde_json::{Value, json};

fn policy(v: Value) -> PolicyDocument {
    PolicyDocument::from_value(&v).expect("a valid policy")
}

const PIPELINE: &str = "arn:aws:iam::111122223333:role/service-role/Pipeline";
const PIPELINE_SESSION: &str = "arn:aws:sts::111122223333:assumed-role/Pipeline/build-42";
const BOB: &str = "arn:aws:sts::111122223333:federated-user/bob";

fn get() -> Request {
    Request::new("s3:GetObject", "arn:aws:s3:::data-bucket/x")
}

/// A bucket policy that denies one principal by `aws:PrincipalArn` and allows everyone else.
fn deny_by_principal_arn(arn: &str) -> PolicyDocument {
    policy(json!({"Statement": [
        {"Sid": "DenyPipeline", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"ArnEquals": {"aws:PrincipalArn": arn}}},
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}
    ]}))
}

// 1. "aws:PrincipalArn ... For IAM roles, the request context returns the ARN of the role, not
// the ARN of the user that assumed the role. ... IAM role – arn:aws:iam::123456789012:role/
// role-name. Do not specify the assumed role session ARN as a value for this condition key."
// (AWS global condition context keys)
#[test]
fn a_sessions_principal_arn_is_its_roles_arn_with_the_path() -> airgap::Result<()> {
    let deny = deny_by_principal_arn(PIPELINE);
    let decision = deny.evaluate(&get().assumed_role(PIPELINE, "build-42"))?;
    assert_eq!(decision.outcome(), Outcome::ExplicitDeny, "{decision}");
    let arn = decision
        .context()
        .iter()
        .find(|c| c.key == "aws:PrincipalArn")
        .expect("the derived key is shown");
    assert_eq!(arn.values, [PIPELINE]);
    assert!(matches!(arn.origin, ContextOrigin::Derived(_)));
    let account = decision
        .context()
        .iter()
        .find(|c| c.key == "aws:PrincipalAccount")
        .unwrap();
    assert_eq!(account.values, ["111122223333"]);

    // The same session given by its ARN with its role's path.
    let by_arn = get()
        .principal_arn(PIPELINE_SESSION)
        .role_path("/service-role/");
    assert_eq!(deny.evaluate(&by_arn)?.outcome(), Outcome::ExplicitDeny);

    // The session ARN alone does not show the path aws:PrincipalArn carries: no guess.
    let message = deny
        .evaluate(&get().principal_arn(PIPELINE_SESSION))
        .unwrap_err()
        .to_string();
    assert!(message.contains("role's path"), "{message}");
    Ok(())
}

// 2. "When they use those session credentials to perform operations in AWS, they become a role
// session principal", and a role principal in a resource-based policy grants to its sessions;
// a session ARN (`assumed-role/role-name/role-session-name`) has no path.
#[test]
fn a_role_named_with_its_path_matches_its_sessions() -> airgap::Result<()> {
    let allow = policy(json!({"Statement": [{"Effect": "Allow",
        "Principal": {"AWS": PIPELINE}, "Action": "s3:GetObject", "Resource": "*"}]}));
    let session = get().principal_arn(PIPELINE_SESSION);
    assert_eq!(allow.evaluate(&session)?.outcome(), Outcome::Allow);
    let other = get().principal_arn("arn:aws:sts::111122223333:assumed-role/Builder/build-42");
    assert_eq!(allow.evaluate(&other)?.outcome(), Outcome::ImplicitDeny);
    // Same name in another account is another role.
    let elsewhere = get().principal_arn("arn:aws:sts::444455556666:assumed-role/Pipeline/x");
    assert_eq!(allow.evaluate(&elsewhere)?.outcome(), Outcome::ImplicitDeny);
    Ok(())
}

// 3. "AWS STS federated user principals – The request context contains the following value for
// condition key aws:PrincipalArn: arn:aws:sts::123456789012:federated-user/user-name"; "To
// specify the federated user session ARN in the Principal element, use ...
// arn:aws:sts::AWS-account-ID:federated-user/user-name".
#[test]
fn federated_user_sessions_are_modelled() -> airgap::Result<()> {
    let caller = || get().principal_arn(BOB);
    let by_session = policy(json!({"Statement": [{"Effect": "Allow",
        "Principal": {"AWS": BOB}, "Action": "s3:GetObject", "Resource": "*"}]}));
    let decision = by_session.evaluate(&caller())?;
    assert_eq!(decision.outcome(), Outcome::Allow);
    let keys: Vec<(String, Vec<String>)> = decision
        .context()
        .iter()
        .map(|c| (c.key.clone(), c.values.clone()))
        .collect();
    assert!(keys.contains(&("aws:PrincipalArn".into(), vec![BOB.into()])));
    assert!(keys.contains(&("aws:PrincipalType".into(), vec!["FederatedUser".into()])));

    // "The account ARN and the shortened account ID behave the same way. Both delegate
    // permissions to the account."
    let by_account = policy(json!({"Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}]}));
    assert_eq!(by_account.evaluate(&caller())?.outcome(), Outcome::Allow);

    // Naming the IAM user who federated: undocumented, so the denying answer, said aloud.
    let by_user = |effect: &str| {
        policy(json!({"Statement": [
            {"Effect": effect, "Principal": {"AWS": "arn:aws:iam::111122223333:user/bob"},
             "Action": "s3:GetObject", "Resource": "*"},
            {"Effect": "Allow", "Principal": {"AWS": "444455556666"}, "Action": "s3:*", "Resource": "*"}
        ]}))
    };
    let allow = by_user("Allow").evaluate(&caller())?;
    assert_eq!(allow.outcome(), Outcome::ImplicitDeny);
    assert!(allow.assumptions()[0].contains("federated user"));
    let deny = by_user("Deny").evaluate(&caller())?;
    assert_eq!(deny.outcome(), Outcome::ExplicitDeny);
    Ok(())
}

// 4. "If a single condition operator includes multiple values for a context key, those values
// are evaluated using a logical OR." Null: "true (the key doesn't exist — it is null) or false
// (the key exists and its value is not null)".
#[test]
fn null_with_several_values_ors_them() -> airgap::Result<()> {
    let either = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"Null": {"aws:SourceVpce": ["false", "true"]}}}]}));
    assert_eq!(either.evaluate(&get())?.outcome(), Outcome::Allow);
    let through = get().context("aws:SourceVpce", "vpce-1a2b3c4d");
    assert_eq!(either.evaluate(&through)?.outcome(), Outcome::Allow);
    let absent_only = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"Null": {"aws:SourceVpce": ["true"]}}}]}));
    assert_eq!(
        absent_only.evaluate(&through)?.outcome(),
        Outcome::ImplicitDeny
    );
    Ok(())
}

// 5. "Multivalued context keys require a condition set operator. ... To compare your condition
// context key against a request context key with multiple values, you must use the
// ForAllValues or ForAnyValue set operators." (Single-valued vs. multivalued context keys.)
// What AWS does without one is not documented: airgap takes the answer that denies, says so,
// and lints the statement.
#[test]
fn a_plain_operator_on_a_multivalued_key_takes_the_denying_answer() -> airgap::Result<()> {
    let paths = || {
        get()
            .principal_arn("arn:aws:iam::111122223333:user/alice")
            .context(
                "aws:PrincipalOrgPaths",
                "o-a1b2c3d4e5/r-ab12/ou-ab12-11111111/",
            )
    };
    let with = |effect: &str, operator: &str| {
        policy(json!({"Statement": [
            {"Sid": "Org", "Effect": effect, "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {operator: {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}},
            {"Sid": "Account", "Effect": "Allow", "Principal": {"AWS": "111122223333"},
             "Action": "s3:GetObject", "Resource": "*"}
        ]}))
    };
    // A Deny that would not fire if the key were read as "no match": it fires.
    let deny = with("Deny", "StringNotLike").evaluate(&paths())?;
    assert_eq!(deny.outcome(), Outcome::ExplicitDeny);
    assert!(deny.assumptions()[0].contains("without a set operator"));
    let deny = with("Deny", "StringLike").evaluate(&paths())?;
    assert_eq!(deny.outcome(), Outcome::ExplicitDeny);
    // An Allow does not hold on it alone.
    let only_org = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringLike": {"aws:PrincipalOrgPaths": "o-a1b2c3d4e5/*"}}}]}));
    assert_eq!(
        only_org.evaluate(&paths())?.outcome(),
        Outcome::ImplicitDeny
    );
    // With the set operator AWS asks for, it is exact.
    let any = with("Deny", "ForAnyValue:StringNotLike").evaluate(&paths())?;
    assert_eq!(any.outcome(), Outcome::Allow);
    assert!(any.assumptions().is_empty());
    // And the lint says so.
    let kinds: Vec<FindingKind> = with("Deny", "StringLike")
        .lint()
        .into_iter()
        .map(|f| f.kind)
        .collect();
    assert!(
        kinds.contains(&FindingKind::PlainOperatorOnMultivaluedKey),
        "{kinds:?}"
    );
    Ok(())
}

// 6. The Service Authorization Reference lists, for each action, the condition keys a request
// for it can carry: s3:prefix is listed for ListBucket and not for GetObject. "If the key that
// you specify in a policy condition is not present in the request context, the values do not
// match and the condition is false."
#[test]
fn a_key_the_action_never_carries_is_ignored_and_linted() -> airgap::Result<()> {
    let home = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": ["s3:GetObject", "s3:ListBucket"], "Resource": "*",
        "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]}));
    let object = get().context("s3:prefix", "home/alice/");
    let decision = home.evaluate(&object)?;
    assert_eq!(decision.outcome(), Outcome::ImplicitDeny, "{decision}");
    assert_eq!(decision.ignored_keys()[0].0, "s3:prefix");
    assert!(decision.reason().contains("AWS never sends `s3:prefix`"));
    let list = Request::new("s3:ListBucket", "arn:aws:s3:::data-bucket")
        .context("s3:prefix", "home/alice/");
    let decision = home.evaluate(&list)?;
    assert_eq!(decision.outcome(), Outcome::Allow);
    assert!(decision.ignored_keys().is_empty());

    let findings = home.lint();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert_eq!(findings[0].kind, FindingKind::ConditionKeyNeverSent);
    assert!(findings[0].message.contains("`s3:GetObject`"));

    // The shape of the flow-log key policy: DescribeKey never carries the encryption context.
    let key_policy = policy(json!({"Statement": [{"Effect": "Allow",
        "Principal": {"Service": "logs.eu-west-1.amazonaws.com"},
        "Action": ["kms:Encrypt*", "kms:Describe*"], "Resource": "*",
        "Condition": {"ArnLike": {"kms:EncryptionContext:aws:logs:arn":
            "arn:aws:logs:eu-west-1:111122223333:log-group:*"}}}]}));
    let findings = key_policy.lint();
    assert_eq!(findings.len(), 1, "{findings:?}");
    assert!(findings[0].message.contains("`kms:Describe*`"));
    assert!(findings[0].message.contains("never applies"));
    Ok(())
}

// 7. "The prefix and the action name are case insensitive. For example, iam:ListAccessKeys is
// the same as IAM:listaccesskeys." (Action.) Resource ARNs take wildcards in any part,
// `arn:*:...` included (the partition is a part like the others).
#[test]
fn upper_case_prefixes_and_wildcard_partitions_are_valid() -> airgap::Result<()> {
    let p = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "S3:GetObject", "Resource": "arn:*:s3:::data-bucket/*"}]}));
    p.validate(PolicyKind::Resource, "bucket policy")?;
    assert_eq!(p.evaluate(&get())?.outcome(), Outcome::Allow);
    let cn = Request::new("s3:GetObject", "arn:aws-cn:s3:::data-bucket/x");
    assert_eq!(p.evaluate(&cn)?.outcome(), Outcome::Allow);
    // A partition no pattern of AWS's fits is still refused.
    assert!(
        PolicyDocument::from_json(
            r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
            "Resource": "arn:azure:s3:::b/*"}]}"#
        )
        .is_err()
    );
    Ok(())
}

// 8. Every entry point validates first: a statement "has Action or NotAction, not both" (the
// policy grammar: `<action_block> = ("Action" | "NotAction") : ...`).
#[test]
fn evaluate_runs_the_same_validation_as_validate() {
    let both = PolicyDocument::from_json(
        r#"{"Statement": [{"Sid": "Both", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}]}"#,
    )
    .expect("parses");
    let message = both.evaluate(&get()).unwrap_err().to_string();
    assert!(message.contains("Statement[Both].Action"), "{message}");
    assert!(message.contains("not both"), "{message}");
    let message = deny_by_principal_arn(PIPELINE)
        .evaluate(&get().principal_arn("notanarn"))
        .unwrap_err()
        .to_string();
    assert!(message.contains("not a principal ARN"), "{message}");
}

// 9. Anonymous requests: aws:PrincipalArn — "Anonymous requests do not include this key"; a
// "Principal": "*" names everyone, anonymous callers included ("All principals").
#[test]
fn anonymous_callers_and_one_element_sets() -> airgap::Result<()> {
    let public = policy(json!({"Statement": [
        {"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Deny", "Principal": {"AWS": "111122223333"}, "Action": "s3:*", "Resource": "*"}
    ]}));
    let decision = public.evaluate(&get().anonymous())?;
    assert_eq!(decision.outcome(), Outcome::Allow);
    // aws:PrincipalAccount: "For anonymous requests, the request context returns `anonymous`."
    let keys: Vec<(&str, &str)> = decision
        .context()
        .iter()
        .map(|c| (c.key.as_str(), c.values[0].as_str()))
        .collect();
    assert!(
        keys.contains(&("aws:PrincipalAccount", "anonymous")),
        "{keys:?}"
    );
    assert!(
        !keys.iter().any(|(k, _)| *k == "aws:PrincipalArn"),
        "{keys:?}"
    );
    let named = policy(json!({"Statement": [{"Effect": "Allow",
        "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}]}));
    assert_eq!(
        named.evaluate(&get().anonymous())?.outcome(),
        Outcome::ImplicitDeny
    );

    // A set of one value: ForAllValues holds, and the plain operator is not read as a string.
    let subnets = policy(json!({"Statement": [{"Effect": "Allow",
        "Action": "sagemaker:CreateNotebookInstance", "Resource": "*",
        "Condition": {"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-1"]}}}]}));
    let one = Request::new(
        "sagemaker:CreateNotebookInstance",
        "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/nb",
    )
    .context_values("sagemaker:VpcSubnets", ["subnet-1"]);
    assert_eq!(subnets.evaluate(&one)?.outcome(), Outcome::Allow);
    let decision = subnets.evaluate(&one)?;
    assert!(decision.context()[0].multivalued);
    Ok(())
}

// ForAnyValue: "If the key is missing ... the condition returns false"; ...IfExists: "If the
// key is not present, evaluate the condition element as true". Written together on an absent
// key, no page says which wins: the answer that denies, on either effect.
#[test]
fn for_any_value_if_exists_on_an_absent_key_takes_the_denying_answer() -> airgap::Result<()> {
    let with = |effect: &str| {
        policy(json!({"Statement": [
            {"Effect": effect, "Principal": "*", "Action": "s3:GetObject", "Resource": "*",
             "Condition": {"ForAnyValue:StringEqualsIfExists": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
            {"Effect": "Allow", "Principal": {"AWS": "111122223333"}, "Action": "s3:GetObject", "Resource": "*"}
        ]}))
    };
    let alice = || get().principal_arn("arn:aws:iam::111122223333:user/alice");
    let allow = with("Allow").evaluate(&get().anonymous())?;
    assert_eq!(allow.outcome(), Outcome::ImplicitDeny);
    assert!(allow.assumptions()[0].contains("not which wins"));
    assert_eq!(
        with("Deny").evaluate(&alice())?.outcome(),
        Outcome::ExplicitDeny
    );
    Ok(())
}

// "You can use wildcard characters (* and ?) within any ARN segment (the parts separated by
// colons) ... a wildcard character can't span segments" (Amazon S3 User Guide, "Wildcard
// characters in resource ARNs"). The resource part holds colons of its own: CloudWatch Logs'
// `log-group:NAME:*` names the group's streams.
#[test]
fn a_resource_wildcard_does_not_span_arn_segments() -> airgap::Result<()> {
    let p = policy(json!({"Statement": [{"Effect": "Allow", "Principal": "*",
        "Action": "logs:PutLogEvents",
        "Resource": ["arn:aws:logs:*:log-group:app", "arn:aws:logs:*:111122223333:log-group:ml:*"]}]}));
    let put = |arn: &str| Request::new("logs:PutLogEvents", arn);
    // The region's `*` does not swallow the account.
    let swallowed = p.evaluate(&put("arn:aws:logs:eu-west-1:111122223333:log-group:app"))?;
    assert_eq!(swallowed.outcome(), Outcome::ImplicitDeny, "{swallowed}");
    let stream = "arn:aws:logs:eu-west-1:111122223333:log-group:ml:log-stream:nb-1";
    assert_eq!(p.evaluate(&put(stream))?.outcome(), Outcome::Allow);
    Ok(())
}
