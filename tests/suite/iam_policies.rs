//! Policy documents: the seed's policy typed and parsed, round trips, the catalog's checks,
//! errors with JSON paths, lint findings and the presets.

use airgap::iam::{
    Arn, Condition, FindingKind, IamError, Outcome, PolicyDocument, PolicyKind, Request, Statement,
    catalog, presets,
};
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::template::{Partition, Stack};
use serde_json::{Value, json};

const SEED: &str = include_str!("../fixtures/seed-s3-endpoint-policy.json");
const REFERENCE_KEY: &str = include_str!("../fixtures/reference-kms-key-policy.json");
const REFERENCE_BUCKET: &str = include_str!("../fixtures/reference-data-bucket-policy.json");

fn seed_typed() -> airgap::Result<PolicyDocument> {
    Ok(PolicyDocument::new().statement(
        Statement::allow()
            .sid("Access-to-specific-bucket-only")
            .any_principal()
            .action("s3:GetObject")
            .resources([
                Arn::s3_bucket("my_secure_bucket")?,
                Arn::s3_objects("my_secure_bucket")?,
            ]),
    ))
}

/// The seed: "it would only allow read access to objects in the specified S3 bucket. Actions
/// against other buckets would be denied."
#[test]
fn the_seeds_policy_does_what_the_seed_says_typed_and_parsed() -> airgap::Result<()> {
    for policy in [seed_typed()?, PolicyDocument::from_json(SEED)?] {
        policy.validate(PolicyKind::Resource, "GatewayEndpoint 's3'")?;
        let ask = |action: &str, resource: &str| policy.evaluate(&Request::new(action, resource));
        let read = ask("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x")?;
        assert_eq!(read.outcome(), Outcome::Allow);
        assert_eq!(
            read.statement().and_then(|s| s.sid.as_deref()),
            Some("Access-to-specific-bucket-only")
        );
        let write = ask("s3:PutObject", "arn:aws:s3:::my_secure_bucket/x")?;
        assert_eq!(write.outcome(), Outcome::ImplicitDeny);
        let elsewhere = ask("s3:GetObject", "arn:aws:s3:::another_bucket/x")?;
        assert_eq!(elsewhere.outcome(), Outcome::ImplicitDeny);
    }
    Ok(())
}

#[test]
fn the_typed_seed_policy_is_the_seeds_json_once_the_partition_is_known() -> airgap::Result<()> {
    let typed = seed_typed()?;
    let parsed = PolicyDocument::from_json(SEED)?;
    let pinned: Vec<Value> = typed.statements()[0]
        .resource_arns()
        .iter()
        .map(|a| a.in_partition(Partition::Aws).to_value())
        .collect();
    assert_eq!(
        pinned,
        parsed.to_value()["Statement"][0]["Resource"]
            .as_array()
            .unwrap()
            .clone()
    );
    Ok(())
}

#[test]
fn parsed_policies_write_back_equal_json() -> airgap::Result<()> {
    let tricky = json!({
        "Id": "tricky",
        "Statement": {
            "Effect": "Deny",
            "NotPrincipal": {"AWS": ["arn:aws:iam::111122223333:role/Admin"], "Service": "logs.amazonaws.com"},
            "NotAction": "s3:Get*",
            "NotResource": ["arn:aws:s3:::home/${aws:username}/*"],
            "Condition": {
                "ForAnyValue:StringLikeIfExists": {"aws:TagKeys": ["team*"]},
                "Bool": {"aws:SecureTransport": false},
                "NumericLessThan": {"s3:max-keys": 10}
            }
        }
    });
    let subbed = json!({"Version": "2012-10-17", "Statement": [{
        "Effect": "Allow", "Principal": {"AWS": {"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:root"}},
        "Action": ["kms:Decrypt"], "Resource": "*"}, {
        "Effect": "Allow", "Principal": "*", "Action": "s3:GetObject",
        "Resource": {"Fn::Sub": "arn:${AWS::Partition}:s3:::${Bucket}/${!aws:username}/*"}}]});
    for text in [
        SEED.to_string(),
        REFERENCE_KEY.to_string(),
        REFERENCE_BUCKET.to_string(),
        tricky.to_string(),
        subbed.to_string(),
    ] {
        let original: Value = serde_json::from_str(&text).unwrap();
        let parsed = PolicyDocument::from_value(&original)?;
        assert_eq!(parsed.to_value(), original);
    }
    Ok(())
}

#[test]
fn a_policy_variable_beside_template_names_is_escaped_in_fn_sub() -> airgap::Result<()> {
    let arn = Arn::new("arn:${AWS::Partition}:s3:::home/${aws:username}/*")?;
    assert_eq!(
        arn.to_value(),
        json!({"Fn::Sub": "arn:${AWS::Partition}:s3:::home/${!aws:username}/*"})
    );
    let plain = Arn::new("arn:aws:s3:::home/${aws:username}/*")?;
    assert_eq!(
        plain.to_value(),
        json!("arn:aws:s3:::home/${aws:username}/*")
    );
    Ok(())
}

fn json_error(v: Value) -> (String, String) {
    let e = PolicyDocument::from_value(&v).unwrap_err();
    match e.downcast_ref::<IamError>() {
        Some(IamError::PolicyJson { path, message }) => (path.clone(), message.clone()),
        _ => panic!("expected a JSON error, got {e:?}"),
    }
}

#[test]
fn parse_errors_give_the_json_path() {
    let (path, message) = json_error(
        json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*"},
        {"Effect": "Permit", "Action": "s3:GetObject", "Resource": "*"}]}),
    );
    assert_eq!(path, "$.Statement[1].Effect");
    assert!(message.contains("Allow` or `Deny"), "{message}");

    let (path, _) = json_error(
        json!({"Statement": [{"Effect": "Allow", "Action": ["s3:GetObject", "s3 GetObject"], "Resource": "*"}]}),
    );
    assert_eq!(path, "$.Statement[0].Action[1]");

    let (path, message) = json_error(
        json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
        "Condition": {"StringEqualz": {"aws:SourceVpce": "vpce-1"}}}]}),
    );
    assert_eq!(path, "$.Statement[0].Condition.StringEqualz");
    assert!(message.contains("unknown condition operator"), "{message}");

    let (path, _) = json_error(
        json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject", "Resources": "*"}]}),
    );
    assert_eq!(path, "$.Statement[0].Resources");

    let (path, _) = json_error(
        json!({"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3"}]}),
    );
    assert_eq!(path, "$.Statement[0].Resource");

    let (path, _) = json_error(
        json!({"Statement": [{"Effect": "Allow", "Principal": {"Person": "me"},
        "Action": "s3:GetObject", "Resource": "*"}]}),
    );
    assert_eq!(path, "$.Statement[0].Principal.Person");
}

fn unknown_action(policy: &PolicyDocument) -> (String, Option<String>, String) {
    let e = policy
        .validate(PolicyKind::Resource, "GatewayEndpoint 's3'")
        .unwrap_err();
    match e.downcast_ref::<IamError>() {
        Some(IamError::UnknownAction {
            action, suggestion, ..
        }) => (action.clone(), suggestion.clone(), e.to_string()),
        _ => panic!("expected an unknown action, got {e:?}"),
    }
}

fn allow(action: &str) -> PolicyDocument {
    PolicyDocument::new().statement(
        Statement::allow()
            .any_principal()
            .action(action)
            .resource(Arn::s3_objects("my_secure_bucket").unwrap()),
    )
}

#[test]
fn misspelled_actions_are_refused_with_a_suggestion() {
    let (action, suggestion, message) = unknown_action(&allow("s3:GetObjekt"));
    assert_eq!(action, "s3:GetObjekt");
    assert_eq!(suggestion.as_deref(), Some("s3:GetObject"));
    assert!(
        message.contains("did you mean `s3:GetObject`?"),
        "{message}"
    );

    let (_, suggestion, _) = unknown_action(&allow("s4:GetObject"));
    assert_eq!(suggestion.as_deref(), Some("s3:GetObject"));

    let (_, suggestion, message) = unknown_action(&allow("s3:Gett*"));
    assert_eq!(suggestion, None);
    assert!(message.contains("matches no action of s3"), "{message}");

    for fine in [
        "s3:Get*",
        "s3:getobject",
        "s3:*",
        "*",
        "sagemaker:CreatePresignedNotebookInstanceUrl",
        "cloudwatch:PutMetricData",
        "servicecatalog:ProvisionProduct",
        "codecommit:GitPull",
    ] {
        allow(fine)
            .validate(PolicyKind::Resource, "GatewayEndpoint 's3'")
            .unwrap();
    }
}

#[test]
fn endpoint_policies_are_checked_when_the_network_is_built() {
    let mut stack = Stack::new("Checked");
    let result = SecureSageMakerNetwork::new("DataScience")
        .s3_policy(allow("s3:GetObjekt"))
        .add_to(&mut stack);
    let message = result.unwrap_err().to_string();
    assert!(
        message.contains("did you mean `s3:GetObject`?"),
        "{message}"
    );
}

#[test]
fn the_reference_key_policy_names_an_action_that_does_not_exist() -> airgap::Result<()> {
    let key = PolicyDocument::from_json(REFERENCE_KEY)?;
    let unknown: Vec<(String, Option<String>)> = key
        .statements()
        .iter()
        .flat_map(|s| s.action_names().to_vec())
        .filter_map(|a| catalog::check_action(&a).err().map(|e| (a, e.suggestion)))
        .collect();
    assert_eq!(unknown.len(), 1, "{unknown:?}");
    assert_eq!(unknown[0].0, "kms:ReEncrypt");
    // Validation says the same (its spaced Sids are fine in a key policy).
    let message = key
        .validate(PolicyKind::Resource, "KMS key 'KMSCMK'")
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("`kms:ReEncrypt` is not an IAM action"),
        "{message}"
    );
    assert!(
        unknown[0]
            .1
            .as_deref()
            .is_some_and(|s| s.starts_with("kms:ReEncrypt"))
    );
    Ok(())
}

#[test]
fn unknown_condition_keys_are_refused() {
    let policy = PolicyDocument::new().statement(
        Statement::allow()
            .any_principal()
            .action("s3:GetObject")
            .any_resource()
            .condition(Condition::string_equals("aws:SourceVcpe", "vpce-1").unwrap()),
    );
    let e = policy
        .validate(PolicyKind::Resource, "GatewayEndpoint 's3'")
        .unwrap_err();
    match e.downcast_ref::<IamError>() {
        Some(IamError::UnknownConditionKey {
            key, suggestion, ..
        }) => {
            assert_eq!(key, "aws:SourceVcpe");
            assert_eq!(suggestion.as_deref(), Some("aws:SourceVpce"));
        }
        _ => panic!("expected an unknown key, got {e:?}"),
    }
}

#[test]
fn resource_policy_rules() {
    let no_principal =
        PolicyDocument::new().statement(Statement::allow().action("s3:GetObject").any_resource());
    assert!(
        no_principal
            .validate(PolicyKind::Resource, "endpoint")
            .is_err()
    );
    assert!(no_principal.validate(PolicyKind::Identity, "role").is_ok());
    let with_principal = seed_typed().unwrap();
    assert!(
        with_principal
            .validate(PolicyKind::Identity, "role")
            .is_err()
    );
    let not_principal_allow = PolicyDocument::from_value(&json!({"Statement": [{"Effect": "Allow",
        "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/Admin"}, "Action": "s3:GetObject", "Resource": "*"}]}))
    .unwrap();
    let message = not_principal_allow
        .validate(PolicyKind::Resource, "bucket")
        .unwrap_err()
        .to_string();
    assert!(message.contains("NotPrincipal with Allow"), "{message}");
}

#[test]
fn evaluation_refuses_to_guess() -> airgap::Result<()> {
    let account = presets::account_scoped_endpoint("s3")?;
    let no_account = Request::new("s3:GetObject", "arn:aws:s3:::b/k")
        .principal_arn("arn:aws:iam::111122223333:role/R");
    let message = account.evaluate(&no_account).unwrap_err().to_string();
    assert!(
        message.contains("AWS::AccountId") && message.contains("account"),
        "{message}"
    );

    let home = PolicyDocument::from_json(
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::home/${aws:username}/*"}]}"#,
    )?;
    let message = home
        .evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::home/alice/x"))
        .unwrap_err()
        .to_string();
    assert!(message.contains("${aws:username}"), "{message}");
    // With a default, the variable needs no value.
    let defaulted = PolicyDocument::from_json(
        r#"{"Statement": [{"Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "arn:aws:s3:::home/${aws:username, 'guest'}/*"}]}"#,
    )?;
    let d = defaulted.evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::home/guest/x"))?;
    assert_eq!(d.outcome(), Outcome::Allow);

    let typo = PolicyDocument::from_json(
        r#"{"Statement": [{"Effect": "Deny", "Action": "s3:*", "Resource": "*",
        "Condition": {"StringNotEquals": {"aws:SourceVcpe": "vpce-1"}}}]}"#,
    )?;
    let message = typo
        .evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::b/k"))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("did you mean `aws:SourceVpce`?"),
        "{message}"
    );

    let seed = PolicyDocument::from_json(SEED)?;
    let message = seed
        .evaluate(&Request::new(
            "s3:GetObjekt",
            "arn:aws:s3:::my_secure_bucket/x",
        ))
        .unwrap_err()
        .to_string();
    assert!(
        message.contains("did you mean `s3:GetObject`?"),
        "{message}"
    );
    assert!(
        seed.evaluate(&Request::new("s3:Get*", "arn:aws:s3:::my_secure_bucket/x"))
            .is_err()
    );

    let named = PolicyDocument::from_json(
        r#"{"Statement": [{"Effect": "Deny", "Principal": {"AWS": "arn:aws:iam::111122223333:role/Bad"},
        "Action": "s3:*", "Resource": "*"}]}"#,
    )?;
    let message = named
        .evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::b/k"))
        .unwrap_err()
        .to_string();
    assert!(message.contains("give the request a caller"), "{message}");
    Ok(())
}

#[test]
fn lint_flags_the_reference_key_policys_negated_endpoint_condition() -> airgap::Result<()> {
    let findings = PolicyDocument::from_json(REFERENCE_KEY)?.lint();
    let kinds: Vec<_> = findings
        .iter()
        .map(|f| (f.kind, f.statement.sid.clone()))
        .collect();
    assert!(
        kinds.contains(&(
            FindingKind::NegatedNetworkConditionOnAllow,
            Some("Allow access for Key Users".into())
        )),
        "{findings:?}"
    );
    // The same condition on the reference's bucket policy is on a Deny, where it belongs.
    assert!(
        PolicyDocument::from_json(REFERENCE_BUCKET)?
            .lint()
            .is_empty()
    );
    // The reference's interface endpoints allow `*` on `*` to anyone.
    let open = PolicyDocument::from_value(
        &json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}),
    )?;
    assert_eq!(open.lint()[0].kind, FindingKind::AllowsEverything);
    let not_action = PolicyDocument::from_value(
        &json!({"Statement": [{"Effect": "Allow", "NotAction": "iam:*", "Resource": "*"}]}),
    )?;
    assert_eq!(not_action.lint()[0].kind, FindingKind::AllowWithNegation);
    Ok(())
}

#[test]
fn presets_validate_and_pass_lint() -> airgap::Result<()> {
    for (name, policy) in [
        (
            "bucket_read_only",
            presets::bucket_read_only("my_secure_bucket")?,
        ),
        (
            "account_scoped_endpoint",
            presets::account_scoped_endpoint("sagemaker")?,
        ),
        (
            "organization_perimeter",
            presets::organization_perimeter("o-a1b2c3d4e5")?,
        ),
        (
            "deny_outside_vpc_endpoint",
            presets::deny_outside_vpc_endpoint(
                "my_secure_bucket",
                airgap::template::Expr::ref_("S3Endpoint"),
            )?,
        ),
    ] {
        policy.validate(PolicyKind::Resource, name)?;
        assert!(policy.lint().is_empty(), "{name}: {:?}", policy.lint());
    }
    assert!(presets::organization_perimeter("my-org").is_err());
    Ok(())
}

#[test]
fn arns_are_partition_aware() -> airgap::Result<()> {
    let log_group = Arn::log_group("/aws/sagemaker/*")?;
    assert_eq!(log_group.partition().as_deref(), Some("${AWS::Partition}"));
    assert_eq!(log_group.service().as_deref(), Some("logs"));
    let gov = log_group.in_partition(Partition::AwsUsGov);
    assert_eq!(
        gov.as_text(),
        Some("arn:aws-us-gov:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/sagemaker/*")
    );
    assert!(Arn::new("arn:aws-mars:s3:::b").is_err());
    let notebook = Arn::sagemaker_notebook_instance("research")?;
    assert_eq!(notebook.parts().unwrap()[5], "notebook-instance/research");
    Ok(())
}
