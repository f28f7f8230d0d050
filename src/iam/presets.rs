//! Ready policies for the patterns AWS recommends, each built from the typed model and each
//! tested by evaluation.

use super::condition::{Condition, ConditionKey};
use super::names::Arn;
use super::policy::{PolicyDocument, Statement};
use crate::error::{Error, Location, Result};
use crate::template::{Expr, Pseudo};

/// The seed's S3 endpoint policy: anyone on the network may read the objects of `bucket`
/// (`s3:GetObject`), and nothing else passes the endpoint.
///
/// ```
/// use airgap::iam::{Outcome, Request, presets};
/// let policy = presets::bucket_read_only("my_secure_bucket")?;
/// let get = |r: &str| Request::new("s3:GetObject", r);
/// assert_eq!(policy.evaluate(&get("arn:aws:s3:::my_secure_bucket/x"))?.outcome(), Outcome::Allow);
/// assert_eq!(policy.evaluate(&get("arn:aws:s3:::other_bucket/x"))?.outcome(), Outcome::ImplicitDeny);
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn bucket_read_only(bucket: &str) -> Result<PolicyDocument> {
    Ok(PolicyDocument::new().statement(
        Statement::allow()
            .sid("Access-to-specific-bucket-only")
            .any_principal()
            .action("s3:GetObject")
            .resources([Arn::s3_bucket(bucket)?, Arn::s3_objects(bucket)?]),
    ))
}

/// An endpoint policy that lets through every action of the service with action prefix
/// `prefix`, but only for principals of the stack's own account (`aws:PrincipalAccount`):
/// credentials from other accounts cannot carry data out through the endpoint.
pub fn account_scoped_endpoint(prefix: &str) -> Result<PolicyDocument> {
    Ok(PolicyDocument::new().statement(
        Statement::allow()
            .sid("AllowCallsFromThisAccountOnly")
            .any_principal()
            .action(format!("{prefix}:*"))
            .any_resource()
            .condition(Condition::string_equals(
                ConditionKey::PRINCIPAL_ACCOUNT,
                Expr::pseudo(Pseudo::AccountId),
            )?),
    ))
}

/// The organization data perimeter for an endpoint: requests pass only when both the caller
/// and the resource belong to the organization `org_id` (`aws:PrincipalOrgID`,
/// `aws:ResourceOrgID`).
pub fn organization_perimeter(org_id: &str) -> Result<PolicyDocument> {
    let ok = org_id.len() >= 12
        && org_id.len() <= 34
        && org_id.strip_prefix("o-").is_some_and(|rest| {
            rest.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        });
    if !ok {
        return Err(Error::parse(
            Location::new("organization_perimeter", "org_id"),
            "organization ID",
            org_id,
            "an organization ID is `o-` and 10 to 32 lowercase letters or digits",
        ));
    }
    Ok(PolicyDocument::new().statement(
        Statement::allow()
            .sid("AllowRequestsInsideTheOrganization")
            .any_principal()
            .action("*")
            .any_resource()
            .condition(Condition::string_equals(
                ConditionKey::PRINCIPAL_ORG_ID,
                org_id,
            )?)
            .condition(Condition::string_equals(
                ConditionKey::RESOURCE_ORG_ID,
                org_id,
            )?),
    ))
}

/// The data actions on a bucket and its objects that the bucket side of the seed keeps to the
/// VPC endpoint. Not `s3:*`: that would also refuse the bucket's own administration (policy,
/// encryption, lifecycle) from anywhere but the VPC, locking administrators out.
pub const BUCKET_DATA_ACTIONS: [&str; 7] = [
    "s3:GetObject*",
    "s3:PutObject*",
    "s3:DeleteObject*",
    "s3:RestoreObject",
    "s3:ListBucket*",
    "s3:ListMultipartUploadParts",
    "s3:AbortMultipartUpload",
];

/// The bucket side of the seed: a bucket policy that denies reading and writing `bucket`'s
/// data unless the request comes through the VPC endpoint `endpoint` (`aws:SourceVpce`, e.g.
/// the endpoint's `Ref`). Pairs with an endpoint policy such as [`bucket_read_only`].
///
/// ```
/// use airgap::iam::{Outcome, Request, presets};
/// let policy = presets::deny_outside_vpc_endpoint("my_secure_bucket", "vpce-1a2b3c4d")?;
/// let get = Request::new("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x");
/// assert_eq!(policy.evaluate(&get)?.outcome(), Outcome::ExplicitDeny);
/// let via_endpoint = get.context("aws:SourceVpce", "vpce-1a2b3c4d");
/// assert_eq!(policy.evaluate(&via_endpoint)?.outcome(), Outcome::ImplicitDeny);
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn deny_outside_vpc_endpoint(
    bucket: &str,
    endpoint: impl Into<Expr>,
) -> Result<PolicyDocument> {
    Ok(PolicyDocument::new().statement(
        Statement::deny()
            .sid("DenyDataAccessNotThroughTheVpcEndpoint")
            .any_principal()
            .actions(BUCKET_DATA_ACTIONS)
            .resources([Arn::s3_bucket(bucket)?, Arn::s3_objects(bucket)?])
            .condition(Condition::string_not_equals(
                ConditionKey::SOURCE_VPCE,
                endpoint,
            )?),
    ))
}
