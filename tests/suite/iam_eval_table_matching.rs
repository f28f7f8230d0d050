//! Evaluation cases on what a statement matches: actions, resources, principals, presets.

use crate::iam_eval_table::{Case, case, get, policy};

use airgap::iam::{Outcome, PolicyDocument, Request, presets};
use airgap::template::Partition;
use serde_json::json;

fn seed_parsed() -> PolicyDocument {
    PolicyDocument::from_json(include_str!("../fixtures/seed-s3-endpoint-policy.json")).unwrap()
}

fn seed_typed() -> PolicyDocument {
    crate::common::seed_s3_policy()
}

const READER: &str = "arn:aws:iam::111122223333:role/Reader";

#[allow(clippy::too_many_lines)]
pub fn cases() -> Vec<Case> {
    use Outcome::{Allow, ExplicitDeny, ImplicitDeny};
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
