//! Evaluation cases on conditions: every operator, `IfExists`, `Null` and multivalued keys.

use crate::iam_eval_table::{Case, case, get, policy};

use airgap::iam::{Outcome, PolicyDocument, Request};
use serde_json::{Value, json};

/// An identity policy allowing `s3:GetObject` on anything under one condition block.
fn when(condition: Value) -> PolicyDocument {
    policy(
        json!({"Statement": [{"Sid": "Cond", "Effect": "Allow", "Action": "s3:GetObject",
        "Resource": "*", "Condition": condition}]}),
    )
}

/// The same for `action`: a condition must be on a key the action's requests carry, or AWS
/// never sends the key and the condition sees it absent.
fn when_on(action: &str, condition: Value) -> PolicyDocument {
    policy(
        json!({"Statement": [{"Sid": "Cond", "Effect": "Allow", "Action": action,
        "Resource": "*", "Condition": condition}]}),
    )
}

fn list() -> Request {
    Request::new("s3:ListBucket", "arn:aws:s3:::b")
}

fn notebook() -> Request {
    Request::new(
        "sagemaker:CreateNotebookInstance",
        "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/nb",
    )
}

fn obj() -> Request {
    get("arn:aws:s3:::b/key")
}

#[allow(clippy::too_many_lines)]
pub fn cases() -> Vec<Case> {
    use Outcome::{Allow, ImplicitDeny};
    vec![
        // Every condition operator.
        case(
            "StringEquals holds",
            when(json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}})),
            obj().context("aws:SourceVpce", "vpce-1"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "StringEquals is case-sensitive",
            when(json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}})),
            obj().context("aws:SourceVpce", "VPCE-1"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "StringEquals: any listed value",
            when(json!({"StringEquals": {"aws:SourceVpce": ["vpce-1", "vpce-2"]}})),
            obj().context("aws:SourceVpce", "vpce-2"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "StringEquals: missing key",
            when(json!({"StringEquals": {"aws:SourceVpce": "vpce-1"}})),
            obj(),
            ImplicitDeny,
            None,
            "not in the request",
        ),
        case(
            "StringEqualsIfExists: missing key",
            when(json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})),
            obj(),
            Allow,
            Some("Cond"),
            "not in the request",
        ),
        case(
            "StringEqualsIfExists: present and wrong",
            when(json!({"StringEqualsIfExists": {"aws:SourceVpce": "vpce-1"}})),
            obj().context("aws:SourceVpce", "vpce-9"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "StringNotEquals holds for another value",
            when(json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})),
            obj().context("aws:SourceVpce", "vpce-9"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "StringNotEquals fails for the value",
            when(json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})),
            obj().context("aws:SourceVpce", "vpce-1"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "StringNotEquals holds for a missing key",
            when(json!({"StringNotEquals": {"aws:SourceVpce": "vpce-1"}})),
            obj(),
            Allow,
            Some("Cond"),
            "not in the request",
        ),
        case(
            "StringEqualsIgnoreCase",
            when(json!({"StringEqualsIgnoreCase": {"aws:PrincipalTag/team": "DATA"}})),
            obj().context("aws:PrincipalTag/team", "data"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "StringNotEqualsIgnoreCase",
            when(json!({"StringNotEqualsIgnoreCase": {"aws:PrincipalTag/team": "DATA"}})),
            obj().context("aws:PrincipalTag/team", "data"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "StringLike",
            when(json!({"StringLike": {"aws:userid": "AROA*:alice"}})),
            obj().context("aws:userid", "AROAEXAMPLE:alice"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "StringNotLike",
            when(json!({"StringNotLike": {"aws:userid": "AROA*"}})),
            obj().context("aws:userid", "AROAEXAMPLE:alice"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "NumericEquals",
            when_on(
                "s3:ListBucket",
                json!({"NumericEquals": {"s3:max-keys": "10"}}),
            ),
            list().context("s3:max-keys", "10"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "NumericNotEquals",
            when_on(
                "s3:ListBucket",
                json!({"NumericNotEquals": {"s3:max-keys": "10"}}),
            ),
            list().context("s3:max-keys", "10"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "NumericLessThan",
            when(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
            obj().context("aws:MultiFactorAuthAge", "60"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "NumericLessThanEquals at the bound",
            when(json!({"NumericLessThanEquals": {"aws:MultiFactorAuthAge": 3600}})),
            obj().context("aws:MultiFactorAuthAge", "3600"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "NumericGreaterThan",
            when(json!({"NumericGreaterThan": {"aws:MultiFactorAuthAge": "3600"}})),
            obj().context("aws:MultiFactorAuthAge", "60"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "NumericGreaterThanEquals",
            when(json!({"NumericGreaterThanEquals": {"aws:MultiFactorAuthAge": "60"}})),
            obj().context("aws:MultiFactorAuthAge", "60"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "Numeric on a non-number",
            when(json!({"NumericLessThan": {"aws:MultiFactorAuthAge": "3600"}})),
            obj().context("aws:MultiFactorAuthAge", "soon"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "DateEquals",
            when(json!({"DateEquals": {"aws:CurrentTime": "2026-01-01T00:00:00Z"}})),
            obj().context("aws:CurrentTime", "2026-01-01T01:00:00+01:00"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "DateNotEquals",
            when(json!({"DateNotEquals": {"aws:CurrentTime": "2026-01-01"}})),
            obj().context("aws:CurrentTime", "2026-01-02"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "DateLessThan",
            when(json!({"DateLessThan": {"aws:CurrentTime": "2026-06-30T00:00:00Z"}})),
            obj().context("aws:CurrentTime", "2026-11-29T03:00:00Z"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "DateLessThanEquals",
            when(json!({"DateLessThanEquals": {"aws:CurrentTime": "2026-06-30"}})),
            obj().context("aws:CurrentTime", "2026-06-30T00:00:00Z"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "DateGreaterThan with epoch seconds",
            when(json!({"DateGreaterThan": {"aws:TokenIssueTime": "1767225600"}})),
            obj().context("aws:TokenIssueTime", "2026-11-29T03:00:00Z"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "DateGreaterThanEquals",
            when(json!({"DateGreaterThanEquals": {"aws:CurrentTime": "2027-01-01"}})),
            obj().context("aws:CurrentTime", "2026-11-29T03:00:00Z"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "Bool true",
            when(json!({"Bool": {"aws:SecureTransport": "true"}})),
            obj().context("aws:SecureTransport", "true"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "Bool false against true",
            when(json!({"Bool": {"aws:SecureTransport": false}})),
            obj().context("aws:SecureTransport", "true"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "BinaryEquals",
            when(json!({"BinaryEquals": {"aws:PrincipalTag/key": "QmluYXJ5"}})),
            obj().context("aws:PrincipalTag/key", "QmluYXJ5"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "IpAddress inside the block",
            when(json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
            obj().context("aws:SourceIp", "203.0.113.7"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "IpAddress outside the block",
            when(json!({"IpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
            obj().context("aws:SourceIp", "198.51.100.7"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "IpAddress with IPv6",
            when(json!({"IpAddress": {"aws:SourceIp": "2001:db8::/32"}})),
            obj().context("aws:SourceIp", "2001:db8::1"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "NotIpAddress",
            when(json!({"NotIpAddress": {"aws:SourceIp": "203.0.113.0/24"}})),
            obj().context("aws:SourceIp", "198.51.100.7"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "ArnEquals",
            when(
                json!({"ArnEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:topic"}}),
            ),
            obj().context("aws:SourceArn", "arn:aws:sns:eu-west-1:111122223333:topic"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "ArnLike per part",
            when(
                json!({"ArnLike": {"aws:SourceArn": "arn:aws:ec2:*:111122223333:vpc-flow-log/*"}}),
            ),
            obj().context(
                "aws:SourceArn",
                "arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/fl-1",
            ),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "ArnLike: * does not cross a colon",
            when(json!({"ArnLike": {"aws:SourceArn": "arn:aws:ec2:*:vpc-flow-log/*"}})),
            obj().context(
                "aws:SourceArn",
                "arn:aws:ec2:eu-west-1:111122223333:vpc-flow-log/fl-1",
            ),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "ArnNotEquals",
            when(
                json!({"ArnNotEquals": {"aws:SourceArn": "arn:aws:sns:eu-west-1:111122223333:topic"}}),
            ),
            obj().context("aws:SourceArn", "arn:aws:sns:eu-west-1:111122223333:other"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "ArnNotLike",
            when(json!({"ArnNotLike": {"aws:PrincipalArn": "arn:aws:iam::*:role/Admin*"}})),
            obj().context(
                "aws:PrincipalArn",
                "arn:aws:iam::111122223333:role/AdminOps",
            ),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "Null true: the key is absent",
            when(json!({"Null": {"aws:SourceVpce": "true"}})),
            obj(),
            Allow,
            Some("Cond"),
            "absent",
        ),
        case(
            "Null false fails when the key is absent",
            when(json!({"Null": {"aws:SourceVpce": "false"}})),
            obj(),
            ImplicitDeny,
            None,
            "absent",
        ),
        case(
            "Null false holds when the key is present",
            when(json!({"Null": {"aws:SourceVpce": "false"}})),
            obj().context("aws:SourceVpce", "vpce-1"),
            Allow,
            Some("Cond"),
            "present",
        ),
        case(
            "condition keys ignore case",
            when(json!({"StringEquals": {"AWS:SOURCEVPCE": "vpce-1"}})),
            obj().context("aws:SourceVpce", "vpce-1"),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "two keys must both hold",
            when(
                json!({"StringEquals": {"aws:SourceVpce": "vpce-1", "aws:PrincipalAccount": "111122223333"}}),
            ),
            obj()
                .context("aws:SourceVpce", "vpce-1")
                .context("aws:PrincipalAccount", "444455556666"),
            ImplicitDeny,
            None,
            "aws:PrincipalAccount",
        ),
        // Multivalued keys.
        case(
            "ForAllValues: a subset",
            when_on(
                "sagemaker:CreateNotebookInstance",
                json!({"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-1", "subnet-2"]}}),
            ),
            notebook().context_values("sagemaker:VpcSubnets", ["subnet-1"]),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "ForAllValues: one outside",
            when_on(
                "sagemaker:CreateNotebookInstance",
                json!({"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-1", "subnet-2"]}}),
            ),
            notebook().context_values("sagemaker:VpcSubnets", ["subnet-1", "subnet-9"]),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "ForAllValues: a missing key holds",
            when_on(
                "sagemaker:CreateNotebookInstance",
                json!({"ForAllValues:StringEquals": {"sagemaker:VpcSubnets": ["subnet-1"]}}),
            ),
            notebook(),
            Allow,
            Some("Cond"),
            "not in the request",
        ),
        case(
            "ForAnyValue: one matches",
            when_on(
                "sagemaker:CreateNotebookInstance",
                json!({"ForAnyValue:StringEquals": {"sagemaker:VpcSecurityGroupIds": "sg-1"}}),
            ),
            notebook().context_values("sagemaker:VpcSecurityGroupIds", ["sg-9", "sg-1"]),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "ForAnyValue: a missing key fails",
            when_on(
                "sagemaker:CreateNotebookInstance",
                json!({"ForAnyValue:StringEquals": {"sagemaker:VpcSecurityGroupIds": "sg-1"}}),
            ),
            notebook(),
            ImplicitDeny,
            None,
            "not in the request",
        ),
        case(
            "ForAnyValue:StringNotLike",
            when(json!({"ForAnyValue:StringNotLike": {"aws:TagKeys": "team*"}})),
            obj().context_values("aws:TagKeys", ["team", "cost"]),
            Allow,
            Some("Cond"),
            "holds",
        ),
        case(
            "ForAllValues:StringLikeIfExists",
            when(json!({"ForAllValues:StringLikeIfExists": {"aws:TagKeys": "team*"}})),
            obj().context_values("aws:TagKeys", ["teamA", "cost"]),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "SageMaker: no direct internet access",
            when_on(
                "sagemaker:CreateNotebookInstance",
                json!({"StringEquals": {"sagemaker:DirectInternetAccess": "Disabled", "sagemaker:RootAccess": "Disabled"}}),
            ),
            notebook()
                .context("sagemaker:DirectInternetAccess", "Disabled")
                .context("sagemaker:RootAccess", "Enabled"),
            ImplicitDeny,
            None,
            "sagemaker:RootAccess",
        ),
    ]
}
