//! AWS's official CloudFormation resource schemas, compiled in: the `handlers` permission lists
//! that say which IAM actions CloudFormation calls to create, read, update and delete a type.
//!
//! The files are in `data/resource-schemas/` (with their origin, date and license). Where a type
//! has one, the launch role takes that type's actions from it; [`uncovered`] checks a derived
//! policy against every schema, and [`super::derive_policy`] runs that check on itself.

use std::collections::{BTreeMap, BTreeSet};
use std::sync::OnceLock;

use serde_json::Value;

use crate::iam::PolicyDocument;
use crate::template::{Resource, Template};

/// The schemas airgap carries, by resource type.
const SCHEMAS: [(&str, &str); 4] = [
    (
        "AWS::EC2::FlowLog",
        include_str!("../../../data/resource-schemas/aws-ec2-flowlog.json"),
    ),
    (
        "AWS::KMS::Key",
        include_str!("../../../data/resource-schemas/aws-kms-key.json"),
    ),
    (
        "AWS::Logs::LogGroup",
        include_str!("../../../data/resource-schemas/aws-logs-loggroup.json"),
    ),
    (
        "AWS::SSM::Parameter",
        include_str!("../../../data/resource-schemas/aws-ssm-parameter.json"),
    ),
];

/// The handlers a launch role needs: `list` is called only by resource discovery, never by a
/// stack operation.
pub const STACK_HANDLERS: [&str; 4] = ["create", "read", "update", "delete"];

/// Actions a schema lists that a launch role needs only in some configurations of the type:
/// `(type, action, whether this resource needs it, why)`. The derivation grants them when the
/// resource has that configuration, and [`uncovered`] asks for them only then.
pub const CONDITIONAL: [Conditional; 3] = [
    (
        "AWS::EC2::FlowLog",
        "s3:GetBucketPolicy",
        flow_log_to_s3,
        "only flow logs delivered to S3 (LogDestinationType s3) read the bucket's policy",
    ),
    (
        "AWS::EC2::FlowLog",
        "s3:PutBucketPolicy",
        flow_log_to_s3,
        "only flow logs delivered to S3 add themselves to the bucket's policy",
    ),
    (
        "AWS::EC2::FlowLog",
        "iam:PassRole",
        flow_log_with_role,
        "only flow logs that deliver with a role (DeliverLogsPermissionArn) pass one",
    ),
];

/// An entry of [`CONDITIONAL`].
pub type Conditional = (
    &'static str,
    &'static str,
    fn(&Resource) -> bool,
    &'static str,
);

/// Whether `r` is a flow log delivered to an S3 bucket.
fn flow_log_to_s3(r: &Resource) -> bool {
    r.properties
        .get("LogDestinationType")
        .and_then(Value::as_str)
        .is_some_and(|t| t.eq_ignore_ascii_case("s3"))
}

fn flow_log_with_role(r: &Resource) -> bool {
    r.properties.contains_key("DeliverLogsPermissionArn")
}

/// Whether resource `r` needs `action` of its schema.
pub(super) fn needed(r: &Resource, action: &str) -> bool {
    CONDITIONAL
        .iter()
        .find(|(t, a, _, _)| *t == r.resource_type && *a == action)
        .is_none_or(|(_, _, applies, _)| applies(r))
}

fn parsed() -> &'static BTreeMap<&'static str, BTreeSet<String>> {
    static CELL: OnceLock<BTreeMap<&'static str, BTreeSet<String>>> = OnceLock::new();
    CELL.get_or_init(|| {
        SCHEMAS
            .iter()
            .map(|(ty, text)| {
                let schema: Value =
                    serde_json::from_str(text).expect("the bundled schemas are valid JSON");
                debug_assert_eq!(schema["typeName"], *ty);
                let actions = STACK_HANDLERS
                    .iter()
                    .flat_map(|h| {
                        schema["handlers"][h]["permissions"]
                            .as_array()
                            .cloned()
                            .unwrap_or_default()
                    })
                    .filter_map(|a| a.as_str().map(str::to_string))
                    .collect();
                (*ty, actions)
            })
            .collect()
    })
}

/// The resource types with an official schema in airgap.
pub fn schema_types() -> impl Iterator<Item = &'static str> {
    SCHEMAS.iter().map(|(t, _)| *t)
}

/// Every action the create, read, update and delete handlers of `resource_type` list, or
/// `None` when airgap carries no schema for the type.
///
/// ```
/// use airgap::catalog::launch_role::handler_permissions;
/// let log_group = handler_permissions("AWS::Logs::LogGroup").unwrap();
/// assert!(log_group.contains("logs:TagLogGroup"));
/// assert!(handler_permissions("AWS::EC2::VPC").is_none());
/// ```
pub fn handler_permissions(resource_type: &str) -> Option<&'static BTreeSet<String>> {
    parsed().get(resource_type)
}

/// A handler permission a launch role lacks.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Gap {
    /// The resource's logical ID.
    pub logical_id: String,
    /// Its type.
    pub resource_type: String,
    /// The action the schema lists and the policy does not allow.
    pub action: String,
}

/// Whether `policy` has an `Allow` statement naming `action` (exactly, or by a `*` pattern).
pub fn names_action(policy: &PolicyDocument, action: &str) -> bool {
    allowed_patterns(policy)
        .iter()
        .any(|p| action_matches(p, action))
}

/// The action patterns of the `Allow` statements of `policy`.
fn allowed_patterns(policy: &PolicyDocument) -> Vec<&str> {
    policy
        .statements()
        .iter()
        .filter(|s| s.effect() == crate::iam::Effect::Allow)
        .flat_map(|s| s.action_names().iter().map(String::as_str))
        .collect()
}

fn action_matches(pattern: &str, action: &str) -> bool {
    crate::iam::wildcard_match(pattern, action, true)
}

/// The handler permissions of the resources in `template` that `policy` does not allow: empty
/// for a launch role that is enough.
pub fn uncovered(template: &Template, policy: &PolicyDocument) -> Vec<Gap> {
    let allowed = allowed_patterns(policy);
    let mut gaps = Vec::new();
    for (id, r) in &template.resources {
        let Some(actions) = handler_permissions(&r.resource_type) else {
            continue;
        };
        for action in actions {
            if needed(r, action) && !allowed.iter().any(|p| action_matches(p, action)) {
                gaps.push(Gap {
                    logical_id: id.clone(),
                    resource_type: r.resource_type.clone(),
                    action: action.clone(),
                });
            }
        }
    }
    gaps
}
