//! What IAM's numeric, date and IP operators take as a value, judged by the IAM User Guide and
//! by the independent evaluator (`@cloud-copilot/iam-simulate`, through the differential test's
//! runner).
//!
//! "Numeric condition operators let you construct Condition elements that restrict access
//! based on comparing a key to an integer or decimal value." (IAM User Guide, IAM JSON policy
//! elements: Condition operators, "Numeric condition operators".) And for dates: "You must
//! specify date/time values with one of the W3C implementations of the ISO 8601 date formats or
//! in epoch (UNIX) time." (the same page, "Date condition operators".)
//!
//! `inf`, `Infinity`, `NaN` and `1e3` are none of these. airgap once read them with Rust's float
//! syntax, so `NumericLessThan: "inf"` held for every request and an Allow under it allowed,
//! where the oracle denies. Both judges now agree that such a condition grants nothing.
//!
//! For IP operators "The value must be in the standard CIDR format (for example, 203.0.113.0/24
//! or 2001:DB8:1234:5678::/64)" (the same page, "IP address condition operators").
//! `010.0.0.0/8` is not: a leading zero is octal to some readers and decimal to others. airgap
//! read it as 10.0.0.0/8 (the `ipnet` crate's reader takes leading zeros in a block, though the
//! standard library refuses them in a bare address) and allowed; the oracle denies.

use airgap::analysis::{Severity, check, rule};
use airgap::iam::{Outcome, PolicyDocument, PolicyKind, Request};
use airgap::template::Template;
use serde_json::{Value, json};

use super::iam_differential::run_oracle;

const KEY: &str = "aws:MultiFactorAuthAge";
const NOT_NUMBERS: [&str; 5] = ["inf", "Infinity", "NaN", "1e3", "0x10"];

fn allow_when(operator: &str, key: &str, value: &str) -> Value {
    json!({
        "Version": "2012-10-17",
        "Statement": [{
            "Effect": "Allow",
            "Principal": "*",
            "Action": "s3:GetObject",
            "Resource": "*",
            "Condition": {operator: {key: value}},
        }],
    })
}

fn request(key: &str, value: &str) -> Request {
    Request::new("s3:GetObject", "arn:aws:s3:::bucket/key")
        .anonymous()
        .context(key, value)
}

fn oracle_line(policy: &Value, key: &str, value: &str) -> String {
    json!({
        "policy": policy,
        "action": "s3:GetObject",
        "resource": "arn:aws:s3:::bucket/key",
        "resourceAccount": "999988887777",
        "caller": {"anonymous": true},
        "context": {key: value},
    })
    .to_string()
}

/// Asks the oracle about each (policy, key, request value) and checks that it answers
/// `expected` to every one; does nothing when the oracle is not installed (and
/// `AIRGAP_REQUIRE_TOOLS` is not set).
fn assert_oracle_answers(cases: &[(Value, &str, &str)], expected: &str, why: &str) {
    let lines: Vec<String> = cases
        .iter()
        .map(|(policy, key, value)| oracle_line(policy, key, value))
        .collect();
    let Some(answers) = run_oracle(&lines) else {
        return;
    };
    for ((policy, key, value), answer) in cases.iter().zip(answers) {
        assert_eq!(
            answer["result"], expected,
            "{why}: {policy} with {key} = {value}"
        );
    }
}

#[test]
fn a_policy_value_that_is_not_an_integer_or_decimal_grants_nothing() {
    let mut cases = Vec::new();
    for bad in NOT_NUMBERS {
        cases.push(("NumericLessThan", KEY, bad, "5"));
        cases.push(("DateGreaterThan", "aws:EpochTime", bad, "5"));
    }
    for (operator, key, bad, _) in &cases {
        let policy = PolicyDocument::from_value(&allow_when(operator, key, bad)).unwrap();
        let err = policy
            .evaluate(&request(key, "5"))
            .expect_err("a value that is no number cannot be compared");
        let message = err.to_string();
        assert!(
            message.contains(&format!("`{bad}` is not a valid condition value")),
            "{operator} {bad}: {message}"
        );
    }
    let asked: Vec<(Value, &str, &str)> = cases
        .iter()
        .map(|(operator, key, bad, value)| (allow_when(operator, key, bad), *key, *value))
        .collect();
    assert_oracle_answers(
        &asked,
        "ImplicitlyDenied",
        "the oracle does not allow either",
    );
}

#[test]
fn a_request_value_that_is_not_a_number_does_not_satisfy_a_numeric_condition() {
    let policy = allow_when("NumericLessThan", KEY, "1000");
    let doc = PolicyDocument::from_value(&policy).unwrap();
    assert_eq!(
        doc.evaluate(&request(KEY, "5")).unwrap().outcome(),
        Outcome::Allow,
        "an integer is compared"
    );
    assert_eq!(
        doc.evaluate(&request(KEY, "999.5")).unwrap().outcome(),
        Outcome::Allow,
        "a decimal is compared"
    );
    for bad in NOT_NUMBERS {
        assert_eq!(
            doc.evaluate(&request(KEY, bad)).unwrap().outcome(),
            Outcome::ImplicitDeny,
            "`{bad}` is no number"
        );
    }
    // The oracle agrees on `inf`, `Infinity` and `NaN`. It reads request values with
    // JavaScript's `Number`, which also takes `1e3` and `0x10`; the documentation's "integer or
    // decimal value" does not, and airgap follows the documentation (a stricter answer: the
    // condition does not hold).
    let agreed = ["inf", "Infinity", "NaN"];
    let asked: Vec<(Value, &str, &str)> = agreed
        .iter()
        .map(|bad| (policy.clone(), KEY, *bad))
        .collect();
    assert_oracle_answers(&asked, "ImplicitlyDenied", "no number");
}

#[test]
fn an_ip_block_that_is_not_standard_cidr_grants_nothing() {
    let key = "aws:SourceIp";
    let standard = allow_when("IpAddress", key, "10.0.0.0/8");
    let doc = PolicyDocument::from_value(&standard).unwrap();
    assert_eq!(
        doc.evaluate(&request(key, "10.2.3.4")).unwrap().outcome(),
        Outcome::Allow
    );
    let not_standard = ["010.0.0.0/8", "10.0.0.0/08", "10.0.0.0/33"];
    for bad in not_standard {
        let policy = PolicyDocument::from_value(&allow_when("IpAddress", key, bad)).unwrap();
        let err = policy
            .evaluate(&request(key, "10.2.3.4"))
            .expect_err("not a CIDR block");
        assert!(
            err.to_string()
                .contains(&format!("`{bad}` is not a valid condition value")),
            "{bad}: {err}"
        );
        assert!(err.to_string().contains("standard CIDR format"), "{err}");
    }
    let asked: Vec<(Value, &str, &str)> = not_standard
        .iter()
        .map(|bad| (allow_when("IpAddress", key, bad), key, "10.2.3.4"))
        .collect();
    assert_oracle_answers(&asked, "ImplicitlyDenied", "not standard CIDR");
}

/// A Bool, date, number or IP value with spaces around it is no value of its type: not `true`
/// or `false` ("comparing a key to true or false"), not "one of the W3C implementations of the
/// ISO 8601 date formats", not "an integer or decimal value", not "the standard CIDR format".
/// airgap once trimmed Bool, date and number values, so `Bool: " true"` matched where the
/// oracle matches nothing: a Deny under it would have been reported as denying when the oracle
/// (and, as far as anything documents, AWS) never applies it. Now a padded policy value is
/// refused by validation and by the evaluator, and a padded request value satisfies nothing.
#[test]
fn a_typed_value_with_spaces_around_it_is_no_value_of_its_type() {
    let padded_policy = [
        ("Bool", "aws:SecureTransport", " true", "true"),
        ("Bool", "aws:SecureTransport", "true ", "true"),
        ("Null", "aws:SourceIp", " false", "10.0.0.1"),
        (
            "DateLessThan",
            "aws:CurrentTime",
            " 2030-01-01T00:00:00Z",
            "2020-01-01T00:00:00Z",
        ),
        (
            "DateLessThan",
            "aws:CurrentTime",
            "2030-01-01T00:00:00Z ",
            "2020-01-01T00:00:00Z",
        ),
        ("DateLessThan", "aws:EpochTime", " 1893456000", "1600000000"),
        ("IpAddress", "aws:SourceIp", " 10.0.0.0/8", "10.1.2.3"),
        ("NumericLessThan", KEY, " 10", "5"),
    ];
    for (operator, key, padded, value) in padded_policy {
        let policy = allow_when(operator, key, padded);
        let doc = PolicyDocument::from_value(&policy).unwrap();
        let err = doc
            .validate(PolicyKind::Resource, "policy")
            .expect_err("a padded value is of no type");
        let message = err.to_string();
        assert!(
            message.contains(&format!("`{padded}` is not a valid condition value"))
                && message.ends_with("with no spaces around it"),
            "{operator} {padded:?}: {message}"
        );
        assert!(
            doc.evaluate(&request(key, value)).is_err(),
            "{operator} {padded:?}: the evaluator cannot read it either"
        );
    }
    let padded_request = [
        ("Bool", "aws:SecureTransport", "true", " true"),
        (
            "DateLessThan",
            "aws:CurrentTime",
            "2030-01-01T00:00:00Z",
            " 2020-01-01T00:00:00Z",
        ),
        ("DateLessThan", "aws:EpochTime", "1893456000", " 1600000000"),
        ("IpAddress", "aws:SourceIp", "10.0.0.0/8", " 10.1.2.3"),
        ("NumericLessThan", KEY, "10", " 5"),
    ];
    for (operator, key, policy, padded) in padded_request {
        let doc = PolicyDocument::from_value(&allow_when(operator, key, policy)).unwrap();
        assert_eq!(
            doc.evaluate(&request(key, padded.trim()))
                .unwrap()
                .outcome(),
            Outcome::Allow,
            "{operator}: the same value unpadded matches"
        );
        assert_eq!(
            doc.evaluate(&request(key, padded)).unwrap().outcome(),
            Outcome::ImplicitDeny,
            "{operator} {padded:?}"
        );
    }
    // The oracle agrees on every Bool, Null, date and IP case.
    let agreed: Vec<(Value, &str, &str)> = padded_policy
        .iter()
        .chain(&padded_request)
        .filter(|(operator, ..)| !operator.starts_with("Numeric"))
        .map(|(operator, key, policy, value)| (allow_when(operator, key, policy), *key, *value))
        .collect();
    assert_oracle_answers(
        &agreed,
        "ImplicitlyDenied",
        "a padded value matches nothing",
    );
    // It reads numbers with JavaScript's `Number`, which trims them, and a date-only value
    // with a trailing space as the date. The documentation's "integer or decimal value" and
    // "W3C implementations of the ISO 8601 date formats" have no spaces; airgap follows it,
    // refusing the policy value and not matching the request value.
    let oracle_trims = [
        (allow_when("NumericLessThan", KEY, " 10"), KEY, "5"),
        (allow_when("NumericLessThan", KEY, "10"), KEY, " 5"),
        (
            allow_when("DateLessThan", "aws:CurrentTime", "2030-01-01 "),
            "aws:CurrentTime",
            "2020-01-01T00:00:00Z",
        ),
    ];
    assert_oracle_answers(
        &oracle_trims,
        "Allowed",
        "the pinned oracle's answer changed: see whether it still trims",
    );
}

/// Two answers where the oracle and the documentation disagree, and airgap follows the
/// documentation. The oracle's answers are asserted too, so a new oracle version that changes
/// them shows up here.
#[test]
fn where_the_oracle_and_the_documentation_disagree_airgap_follows_the_documentation() {
    // "The value must be in the standard CIDR format": `0.0.0.0/0` is every IPv4 address. The
    // oracle (0.1.173) matches no address against it.
    let everywhere = allow_when("IpAddress", "aws:SourceIp", "0.0.0.0/0");
    // "You must specify date/time values with one of the W3C implementations of the ISO 8601
    // date formats or in epoch (UNIX) time": an epoch value in the policy is a date, also
    // against `aws:CurrentTime`. The oracle (0.1.173) matches it against no ISO 8601 request
    // value.
    let before_2030 = allow_when("DateLessThan", "aws:CurrentTime", "1893456000");
    let cases = [
        (everywhere, "aws:SourceIp", "10.0.0.1"),
        (before_2030, "aws:CurrentTime", "2020-01-01T00:00:00Z"),
    ];
    for (policy, key, value) in &cases {
        let doc = PolicyDocument::from_value(policy).unwrap();
        assert_eq!(
            doc.evaluate(&request(key, value)).unwrap().outcome(),
            Outcome::Allow,
            "{policy} with {key} = {value}"
        );
    }
    assert_oracle_answers(
        &cases,
        "ImplicitlyDenied",
        "the pinned oracle's answer changed: see whether it now follows the documentation",
    );
}

/// IAM Access Analyzer reports a condition value of the wrong data type as an error: "Error –
/// Invalid condition data type ... The value in the condition key-value pair must match the data
/// type of the condition key and condition operator" (IAM User Guide, IAM Access Analyzer policy
/// check reference). `airgap policy validate` and every builder refuse such a value too, saying
/// what the operator compares, instead of accepting a policy the evaluator cannot read.
#[test]
fn validation_refuses_a_condition_value_of_the_wrong_data_type() {
    let wrong = [
        (
            "NumericLessThan",
            KEY,
            json!("ten"),
            "an integer or decimal value",
        ),
        (
            "NumericNotEquals",
            KEY,
            json!("1e3"),
            "an integer or decimal value",
        ),
        (
            "DateGreaterThan",
            "aws:CurrentTime",
            json!("2020-02-31"),
            "an ISO 8601 date",
        ),
        (
            "Bool",
            "aws:SecureTransport",
            json!("yes"),
            "`true` or `false`",
        ),
        (
            "Null",
            "aws:TokenIssueTime",
            json!("maybe"),
            "`true` or `false`",
        ),
        (
            "NotIpAddress",
            "aws:SourceIp",
            json!("10.0.0.0/33"),
            "an IP address or a block in standard CIDR format",
        ),
    ];
    for (operator, key, value, expected) in wrong {
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {operator: {key: value}},
        }]});
        let err = PolicyDocument::from_value(&policy)
            .and_then(|doc| doc.validate(PolicyKind::Identity, "policy"))
            .expect_err(operator);
        let message = err.to_string();
        assert!(message.contains("Condition"), "{message}");
        assert!(
            message.contains(&format!("{operator} on `{key}` compares {expected}")),
            "{message}"
        );
    }
    let right = [
        ("NumericLessThan", KEY, json!(3600)),
        ("NumericLessThan", KEY, json!("3600.5")),
        (
            "DateGreaterThan",
            "aws:CurrentTime",
            json!("2020-02-29T12:00:00Z"),
        ),
        ("DateGreaterThan", "aws:EpochTime", json!("1577836800")),
        // "one of the W3C implementations of the ISO 8601 date formats": year and month alone
        // is one of them.
        ("DateGreaterThan", "aws:CurrentTime", json!("2019-12")),
        ("Bool", "aws:SecureTransport", json!(true)),
        ("Bool", "aws:SecureTransport", json!("False")),
        ("IpAddress", "aws:SourceIp", json!("203.0.113.0/24")),
        (
            "IpAddress",
            "aws:SourceIp",
            json!("2001:DB8:1234:5678::/64"),
        ),
        // A policy variable is filled in per request: not judged until then.
        ("NumericLessThan", KEY, json!("${aws:PrincipalTag/max-age}")),
    ];
    for (operator, key, value) in right {
        let policy = json!({"Version": "2012-10-17", "Statement": [{
            "Effect": "Allow", "Action": "s3:GetObject", "Resource": "*",
            "Condition": {operator: {key: value}},
        }]});
        PolicyDocument::from_value(&policy)
            .and_then(|doc| doc.validate(PolicyKind::Identity, "policy"))
            .unwrap_or_else(|e| panic!("{operator} {value}: {e}"));
    }
}

/// `airgap check` holds the policies of any template to the same types (AG-IAM-008): a
/// hand-written bucket policy with `NumericLessThan: "ten"` is an error-level finding that says
/// where, and intrinsic functions and policy variables, known only at launch or per request,
/// are left alone.
#[test]
fn check_flags_condition_values_of_the_wrong_type_in_any_template() {
    let template = |condition: Value| {
        let t = json!({
            "Resources": {
                "Data": {"Type": "AWS::S3::Bucket"},
                "DataPolicy": {
                    "Type": "AWS::S3::BucketPolicy",
                    "Properties": {
                        "Bucket": {"Ref": "Data"},
                        "PolicyDocument": {"Version": "2012-10-17", "Statement": [{
                            "Effect": "Deny",
                            "Principal": "*",
                            "Action": "s3:*",
                            "Resource": {"Fn::Sub": "${Data.Arn}/*"},
                            "Condition": condition,
                        }]},
                    },
                },
            },
        });
        Template::from_json(&t.to_string()).unwrap()
    };
    let findings = |t: &Template| -> Vec<String> {
        check(t)
            .into_iter()
            .filter(|f| f.rule.id == "AG-IAM-008")
            .map(|f| format!("{}: {}", f.resource, f.message))
            .collect()
    };
    let wrong = template(json!({
        "NumericLessThan": {KEY: "ten"},
        "ForAnyValue:IpAddressIfExists": {"aws:SourceIp": ["10.0.0.0/8", "010.1.0.0/16"]},
        "Bool": {"aws:SecureTransport": "false "},
    }));
    assert_eq!(
        findings(&wrong),
        [
            "DataPolicy: PolicyDocument: NumericLessThan on `aws:MultiFactorAuthAge` has `ten`, which is not an integer or decimal value",
            "DataPolicy: PolicyDocument: ForAnyValue:IpAddressIfExists on `aws:SourceIp` has `010.1.0.0/16`, which is not an IP address or a block in standard CIDR format",
            "DataPolicy: PolicyDocument: Bool on `aws:SecureTransport` has `false `, which is not `true` or `false`, with no spaces around it",
        ]
    );
    assert_eq!(rule("AG-IAM-008").unwrap().severity, Severity::Error);
    let right = template(json!({
        "NumericLessThan": {KEY: [3600, "7200"]},
        "Bool": {"aws:SecureTransport": false},
        "DateGreaterThan": {"aws:CurrentTime": {"Ref": "AWS::NoValue"}},
        "StringEquals": {"aws:PrincipalTag/team": "ten"},
        "NumericGreaterThan": {"s3:max-keys": "${aws:PrincipalTag/limit}"},
    }));
    assert!(findings(&right).is_empty(), "{:?}", findings(&right));
}
