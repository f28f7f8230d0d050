//! The evaluation table: each case is a policy, a request, the decision AWS would reach for
//! that one policy, the statement that decides, and a fragment of the reason.

use airgap::iam::{Arn, Outcome, PolicyDocument, Request, Statement, presets};
use airgap::template::Partition;
use serde_json::{Value, json};

struct Case {
    name: &'static str,
    policy: PolicyDocument,
    request: Request,
    outcome: Outcome,
    sid: Option<&'static str>,
    reason: &'static str,
}

fn policy(v: Value) -> PolicyDocument {
    PolicyDocument::from_value(&v).expect("a valid policy")
}

fn seed_parsed() -> PolicyDocument {
    PolicyDocument::from_json(include_str!("../fixtures/seed-s3-endpoint-policy.json")).unwrap()
}

fn seed_typed() -> PolicyDocument {
    PolicyDocument::new().statement(
        Statement::allow()
            .sid("Access-to-specific-bucket-only")
            .any_principal()
            .action("s3:GetObject")
            .resources([
                Arn::s3_bucket("my_secure_bucket").unwrap(),
                Arn::s3_objects("my_secure_bucket").unwrap(),
            ]),
    )
}

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

fn get(resource: &str) -> Request {
    Request::new("s3:GetObject", resource)
}

fn obj() -> Request {
    get("arn:aws:s3:::b/key")
}

const READER: &str = "arn:aws:iam::111122223333:role/Reader";

#[allow(clippy::too_many_lines)]
fn cases() -> Vec<Case> {
    use Outcome::{Allow, ExplicitDeny, ImplicitDeny};
    let case = |name, policy, request, outcome, sid, reason| Case {
        name,
        policy,
        request,
        outcome,
        sid,
        reason,
    };
    let sid = Some("Access-to-specific-bucket-only");
    let deny_delete = policy(json!({"Version": "2012-10-17", "Statement": [
        {"Sid": "AllowS3", "Effect": "Allow", "Action": "s3:*", "Resource": "*"},
        {"Sid": "NoDeletes", "Effect": "Deny", "Action": "s3:DeleteObject",
         "Resource": "arn:aws:s3:::b/*"}]}));
    let not_action = policy(json!({"Statement": [{"Sid": "AllButIam", "Effect": "Allow",
        "NotAction": "iam:*", "Resource": "*"}]}));
    let not_resource = policy(json!({"Statement": [
        {"Sid": "Put", "Effect": "Allow", "Action": "s3:PutObject", "Resource": "*"},
        {"Sid": "OnlySafe", "Effect": "Deny", "Action": "s3:PutObject",
         "NotResource": "arn:aws:s3:::safe/*"}]}));
    let wild = policy(json!({"Statement": [
        {"Sid": "Logs", "Effect": "Allow", "Action": "s3:Get*",
         "Resource": "arn:aws:s3:::logs-20??/*"},
        {"Sid": "Describe", "Effect": "Allow", "Action": ["ec2:Describe*"], "Resource": "*"}]}));
    let home = policy(json!({"Statement": [
        {"Sid": "Home", "Effect": "Allow", "Action": "s3:GetObject",
         "Resource": "arn:aws:s3:::home/${aws:username}/*"},
        {"Sid": "ListHome", "Effect": "Allow", "Action": "s3:ListBucket",
         "Resource": "arn:aws:s3:::home",
         "Condition": {"StringLike": {"s3:prefix": "${aws:username}/*"}}}]}));
    let principals = policy(json!({"Statement": [
        {"Sid": "Reader", "Effect": "Allow", "Principal": {"AWS": READER},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::b/*"},
        {"Sid": "Logs", "Effect": "Allow", "Principal": {"Service": "logs.amazonaws.com"},
         "Action": "s3:PutObject", "Resource": "arn:aws:s3:::b/*"},
        {"Sid": "Partner", "Effect": "Allow", "Principal": {"AWS": ["444455556666"]},
         "Action": "s3:ListBucket", "Resource": "arn:aws:s3:::b"},
        {"Sid": "AnyoneDeletes", "Effect": "Allow", "Principal": "*",
         "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::b"},
        {"Sid": "OnlyAdminDeletes", "Effect": "Deny",
         "NotPrincipal": {"AWS": "arn:aws:iam::111122223333:role/Admin"},
         "Action": "s3:DeleteBucket", "Resource": "arn:aws:s3:::b"}]}));
    let as_role = |role: &str, action: &str, resource: &str| {
        Request::new(action, resource)
            .principal_arn(format!("arn:aws:iam::111122223333:role/{role}"))
    };
    let account = presets::account_scoped_endpoint("s3").unwrap();
    let org = presets::organization_perimeter("o-a1b2c3d4e5").unwrap();
    let vpce_only =
        presets::deny_outside_vpc_endpoint("my_secure_bucket", "vpce-1a2b3c4d").unwrap();
    let reference_bucket = PolicyDocument::from_json(include_str!(
        "../fixtures/reference-data-bucket-policy.json"
    ))
    .unwrap();
    let reference_request = |action: &str| {
        Request::new(action, "arn:aws:s3:::ds-data-bucket/train.csv")
            .template_value("DataBucket", "ds-data-bucket")
            .template_value("ProjectName", "ds")
            .template_value("EnvType", "dev")
            .template_value("ds-s3-endpoint-ds-dev-id", "vpce-0ref")
    };
    let mb = "arn:aws:s3:::my_secure_bucket/x";

    vec![
        // The seed's three claims, for the policy as parsed from the seed and as built.
        case(
            "seed parsed: read in the bucket",
            seed_parsed(),
            get(mb),
            Allow,
            sid,
            "resource matches `arn:aws:s3:::my_secure_bucket/*`",
        ),
        case(
            "seed parsed: write in the bucket",
            seed_parsed(),
            Request::new("s3:PutObject", mb),
            ImplicitDeny,
            None,
            "matches no Action",
        ),
        case(
            "seed parsed: read in another bucket",
            seed_parsed(),
            get("arn:aws:s3:::other_bucket/x"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        case(
            "seed typed: read in the bucket",
            seed_typed(),
            get(mb),
            Allow,
            sid,
            "resource matches `arn:aws:s3:::my_secure_bucket/*`",
        ),
        case(
            "seed typed: write in the bucket",
            seed_typed(),
            Request::new("s3:PutObject", mb),
            ImplicitDeny,
            None,
            "matches no Action",
        ),
        case(
            "seed typed: read in another bucket",
            seed_typed(),
            get("arn:aws:s3:::other_bucket/x"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        case(
            "seed: listing the bucket is not reading",
            seed_parsed(),
            Request::new("s3:ListBucket", "arn:aws:s3:::my_secure_bucket"),
            ImplicitDeny,
            None,
            "matches no Action",
        ),
        case(
            "seed typed: the partition follows the request",
            seed_typed(),
            get("arn:aws-cn:s3:::my_secure_bucket/x"),
            Allow,
            sid,
            "arn:aws-cn:s3:::my_secure_bucket/*",
        ),
        case(
            "seed typed: a pinned partition does not match another",
            seed_typed(),
            get("arn:aws-cn:s3:::my_secure_bucket/x").partition(Partition::Aws),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        case(
            "seed parsed: written for aws only",
            seed_parsed(),
            get("arn:aws-cn:s3:::my_secure_bucket/x"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        // Case rules.
        case(
            "actions ignore case",
            seed_parsed(),
            Request::new("S3:getobject", mb),
            Allow,
            sid,
            "matches `s3:GetObject`",
        ),
        case(
            "ARNs keep case",
            seed_parsed(),
            get("arn:aws:s3:::MY_SECURE_BUCKET/x"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        // Explicit deny wins.
        case(
            "deny beats allow",
            deny_delete.clone(),
            Request::new("s3:DeleteObject", "arn:aws:s3:::b/k"),
            ExplicitDeny,
            Some("NoDeletes"),
            "denies",
        ),
        case(
            "allow where the deny does not reach",
            deny_delete.clone(),
            Request::new("s3:DeleteObject", "arn:aws:s3:::c/k"),
            Allow,
            Some("AllowS3"),
            "allows",
        ),
        case(
            "allow of another action",
            deny_delete,
            Request::new("s3:GetObject", "arn:aws:s3:::b/k"),
            Allow,
            Some("AllowS3"),
            "matches `s3:*`",
        ),
        // NotAction and NotResource.
        case(
            "NotAction excludes",
            not_action.clone(),
            Request::new("iam:CreateUser", "*"),
            ImplicitDeny,
            None,
            "excluded by NotAction `iam:*`",
        ),
        case(
            "NotAction lets the rest through",
            not_action,
            Request::new("s3:GetObject", "arn:aws:s3:::b/k"),
            Allow,
            Some("AllButIam"),
            "not in NotAction",
        ),
        case(
            "NotResource: inside the safe prefix",
            not_resource.clone(),
            Request::new("s3:PutObject", "arn:aws:s3:::safe/k"),
            Allow,
            Some("Put"),
            "Resource is `*`",
        ),
        case(
            "NotResource: outside it the deny applies",
            not_resource,
            Request::new("s3:PutObject", "arn:aws:s3:::other/k"),
            ExplicitDeny,
            Some("OnlySafe"),
            "not in NotResource",
        ),
        // Wildcards.
        case(
            "? is one character",
            wild.clone(),
            Request::new("s3:GetObjectAcl", "arn:aws:s3:::logs-2024/k"),
            Allow,
            Some("Logs"),
            "matches `s3:Get*`",
        ),
        case(
            "? is not zero characters",
            wild.clone(),
            Request::new("s3:GetObject", "arn:aws:s3:::logs-202/k"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        case(
            "? is not two characters",
            wild.clone(),
            Request::new("s3:GetObject", "arn:aws:s3:::logs-20245/k"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        case(
            "* crosses slashes",
            wild.clone(),
            Request::new("s3:GetObject", "arn:aws:s3:::logs-2024/a/b/c"),
            Allow,
            Some("Logs"),
            "resource matches",
        ),
        case(
            "action prefix wildcard",
            wild.clone(),
            Request::new("ec2:DescribeVpcs", "*"),
            Allow,
            Some("Describe"),
            "matches `ec2:Describe*`",
        ),
        case(
            "action wildcard ignores case",
            wild.clone(),
            Request::new("EC2:describevpcs", "*"),
            Allow,
            Some("Describe"),
            "ec2:Describe*",
        ),
        case(
            "action wildcard is not a substring match",
            wild.clone(),
            Request::new("ec2:RunInstances", "*"),
            ImplicitDeny,
            None,
            "matches no Action",
        ),
        case(
            "wildcard action does not cross services",
            wild,
            Request::new("s3express:GetBucketPolicy", "arn:aws:s3:::logs-2024/k"),
            ImplicitDeny,
            None,
            "matches no Action",
        ),
        // Policy variables.
        case(
            "${aws:username} in a resource",
            home.clone(),
            get("arn:aws:s3:::home/alice/notes").context("aws:username", "alice"),
            Allow,
            Some("Home"),
            "home/${aws:username}/*",
        ),
        case(
            "${aws:username} is someone else",
            home.clone(),
            get("arn:aws:s3:::home/bob/notes").context("aws:username", "alice"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        case(
            "a * in a variable's value stays literal",
            home.clone(),
            get("arn:aws:s3:::home/bob/notes").context("aws:username", "*"),
            ImplicitDeny,
            None,
            "matches no Resource",
        ),
        case(
            "${aws:username} in a condition",
            home.clone(),
            Request::new("s3:ListBucket", "arn:aws:s3:::home")
                .context("aws:username", "alice")
                .context("s3:prefix", "alice/docs"),
            Allow,
            Some("ListHome"),
            "StringLike",
        ),
        case(
            "${aws:username} in a condition, other prefix",
            home,
            Request::new("s3:ListBucket", "arn:aws:s3:::home")
                .context("aws:username", "alice")
                .context("s3:prefix", "bob/"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        // Principals.
        case(
            "named role",
            principals.clone(),
            as_role("Reader", "s3:GetObject", "arn:aws:s3:::b/k"),
            Allow,
            Some("Reader"),
            "principal matches",
        ),
        case(
            "other role",
            principals.clone(),
            as_role("Writer", "s3:GetObject", "arn:aws:s3:::b/k"),
            ImplicitDeny,
            None,
            "not named in Principal",
        ),
        case(
            "a session of the named role",
            principals.clone(),
            Request::new("s3:GetObject", "arn:aws:s3:::b/k")
                .principal_arn("arn:aws:sts::111122223333:assumed-role/Reader/alice"),
            Allow,
            Some("Reader"),
            "principal matches",
        ),
        case(
            "service principal",
            principals.clone(),
            Request::new("s3:PutObject", "arn:aws:s3:::b/k")
                .service_principal("logs.amazonaws.com"),
            Allow,
            Some("Logs"),
            "logs.amazonaws.com",
        ),
        case(
            "an account ID names its principals",
            principals.clone(),
            Request::new("s3:ListBucket", "arn:aws:s3:::b")
                .principal_arn("arn:aws:iam::444455556666:user/carol"),
            Allow,
            Some("Partner"),
            "444455556666",
        ),
        case(
            "NotPrincipal spares the admin",
            principals.clone(),
            as_role("Admin", "s3:DeleteBucket", "arn:aws:s3:::b"),
            Allow,
            Some("AnyoneDeletes"),
            "allows",
        ),
        case(
            "NotPrincipal denies everyone else",
            principals,
            as_role("Reader", "s3:DeleteBucket", "arn:aws:s3:::b"),
            ExplicitDeny,
            Some("OnlyAdminDeletes"),
            "not excluded by NotPrincipal",
        ),
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
        // Presets and template values.
        case(
            "account-scoped endpoint: this account",
            account.clone(),
            get("arn:aws:s3:::any/k")
                .account("111122223333")
                .principal_arn(READER),
            Allow,
            Some("AllowCallsFromThisAccountOnly"),
            "aws:PrincipalAccount",
        ),
        case(
            "account-scoped endpoint: another account",
            account,
            get("arn:aws:s3:::any/k")
                .account("111122223333")
                .principal_arn("arn:aws:iam::444455556666:role/Thief"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "organization perimeter: inside",
            org.clone(),
            get("arn:aws:s3:::any/k")
                .context("aws:PrincipalOrgID", "o-a1b2c3d4e5")
                .context("aws:ResourceOrgID", "o-a1b2c3d4e5"),
            Allow,
            Some("AllowRequestsInsideTheOrganization"),
            "aws:ResourceOrgID",
        ),
        case(
            "organization perimeter: a foreign bucket",
            org,
            get("arn:aws:s3:::any/k")
                .context("aws:PrincipalOrgID", "o-a1b2c3d4e5")
                .context("aws:ResourceOrgID", "o-zzzzzzzzzz"),
            ImplicitDeny,
            None,
            "aws:ResourceOrgID",
        ),
        case(
            "bucket policy: not through the endpoint",
            vpce_only.clone(),
            get(mb),
            ExplicitDeny,
            Some("DenyDataAccessNotThroughTheVpcEndpoint"),
            "not in the request",
        ),
        case(
            "bucket policy: through another endpoint",
            vpce_only.clone(),
            get(mb).context("aws:SourceVpce", "vpce-0other"),
            ExplicitDeny,
            Some("DenyDataAccessNotThroughTheVpcEndpoint"),
            "holds",
        ),
        case(
            "bucket policy: through the endpoint",
            vpce_only.clone(),
            get(mb).context("aws:SourceVpce", "vpce-1a2b3c4d"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
        case(
            "bucket policy: administration is not locked out",
            vpce_only,
            Request::new("s3:PutBucketPolicy", "arn:aws:s3:::my_secure_bucket"),
            ImplicitDeny,
            None,
            "matches no Action",
        ),
        case(
            "reference bucket policy: outside its endpoint",
            reference_bucket.clone(),
            reference_request("s3:GetObject"),
            ExplicitDeny,
            None,
            "ds-data-bucket",
        ),
        case(
            "reference bucket policy: through its endpoint",
            reference_bucket,
            reference_request("s3:GetObject").context("aws:sourcevpce", "vpce-0ref"),
            ImplicitDeny,
            None,
            "does not hold",
        ),
    ]
}

#[test]
fn the_evaluation_table() {
    let cases = cases();
    assert!(cases.len() >= 60, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        match c.policy.evaluate(&c.request) {
            Ok(d) => {
                let sid = d.statement().and_then(|s| s.sid.as_deref());
                let decider_ok = c.sid.is_none() || sid == c.sid;
                if d.outcome() != c.outcome || !decider_ok || !d.reason().contains(c.reason) {
                    failures.push(format!(
                        "{}: expected {} by {:?} with `{}`, got {} by {:?}: {}",
                        c.name,
                        c.outcome,
                        c.sid,
                        c.reason,
                        d.outcome(),
                        sid,
                        d.reason()
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: error {e}", c.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
