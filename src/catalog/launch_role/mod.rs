//! The launch role's policy, derived from what the product templates create.
//!
//! Service Catalog launches a product by assuming the launch role and calling CloudFormation
//! with it; CloudFormation then calls every service with the same credentials. So the role needs
//! CloudFormation on the stacks Service Catalog creates (named `SC-<account>-pp-<id>`), read
//! access to Service Catalog's copy of the template (in a bucket the service owns, objects
//! tagged `servicecatalog:provisioning=true`), and for each resource type in the templates the
//! actions its CloudFormation handlers call to create, read, update and delete it: from AWS's
//! resource schemas where they are public ([`handler_permissions`]), from `table.rs` otherwise.
//!
//! Scoping, and what cannot be scoped:
//! - EC2 actions are limited to ARNs of this account and region by resource type (`vpc/*`,
//!   `subnet/*`, ...). EC2 `Describe*` calls take no resource ARN: they get `Resource: "*"`,
//!   narrowed by `aws:RequestedRegion`. Tagging is allowed only while creating
//!   (`ec2:CreateAction`), and re-tagging only of resources that carry the
//!   `aws:cloudformation:stack-id` tag of a Service Catalog stack.
//! - `kms:CreateKey` has no resource (the key does not exist yet): `Resource: "*"` with
//!   `aws:RequestedRegion`. Every other key action, `kms:TagResource` for tags given at creation
//!   included, is limited to `key/*` of this account and region (KMS asks for a permission
//!   "that covers all KMS keys in the account and Region"); a key's own policy still decides
//!   who may use it.
//! - `logs:DescribeLogGroups`, `logs:CreateLogDelivery`/`logs:DeleteLogDelivery` (flow logs),
//!   `cloudformation:ValidateTemplate` and `GetTemplateSummary` (called with a template URL)
//!   take no resource either.
//! - IAM roles, log groups and SSM parameters are limited by name: names the template gives
//!   (an `Fn::Sub` variable becomes `*`), or the names CloudFormation generates (roles and log
//!   groups start with the stack name, `SC-`; parameters with `CFN-`). Roles may be created,
//!   and their policies written, only with the permissions boundary the templates set
//!   (`iam:PermissionsBoundary`); a role without one is [`CatalogError::RoleWithoutBoundary`].
//!   `iam:PassRole` is limited to those roles and, with `iam:PassedToService`, to the services
//!   that need them.
//! - Interface endpoints with private DNS make EC2 associate the VPC with an AWS-managed
//!   private hosted zone whose ID is not known in advance: `route53:AssociateVPCWithHostedZone`
//!   gets `hostedzone/*`.
//! - SageMaker workloads ([`SAGEMAKER_TYPES`]) get their actions on SageMaker ARNs of this
//!   account and region, and `iam:PassRole` to `sagemaker.amazonaws.com` only.
//! - Resource types not in [`SUPPORTED_TYPES`] or [`SAGEMAKER_TYPES`] are an error, never a
//!   wildcard.
//!
//! Every derived policy is checked before it is returned: against the schemas ([`uncovered`])
//! and against IAM's action catalog ([`check_grants`]).

use std::collections::BTreeSet;

mod sagemaker;
pub use sagemaker::TYPES as SAGEMAKER_TYPES;

use indexmap::IndexMap;
use serde_json::Value;

mod lint;
mod schemas;
mod statements;
mod table;

pub use lint::{GrantProblem, check_grants};
pub use schemas::{
    Gap, STACK_HANDLERS, handler_permissions, names_action, schema_types, uncovered,
};

use statements::statements;
use table::{Scope, actions_of, grants_of};

use crate::catalog::CatalogError;
use crate::error::{Error, Result};
use crate::iam::PolicyDocument;
use crate::template::{Intrinsic, Template, sub_text};

/// The resource types whose launch-role permissions airgap can derive (besides
/// [`SAGEMAKER_TYPES`]).
pub const SUPPORTED_TYPES: [&str; 13] = table::names(&table::TYPES);

/// The prefix of the stacks Service Catalog creates (`SC-<account>-pp-<id>`), and so of the
/// names CloudFormation generates for their roles and log groups.
pub const STACK_PREFIX: &str = "SC-";

/// The call CloudFormation makes with the caller's credentials to check that the value of a
/// parameter of an AWS-specific type exists.
const PARAMETER_CHECKS: [(&str, &str); 8] = [
    ("AWS::EC2::VPC::Id", "ec2:DescribeVpcs"),
    ("AWS::EC2::Subnet::Id", "ec2:DescribeSubnets"),
    ("AWS::EC2::SecurityGroup::Id", "ec2:DescribeSecurityGroups"),
    (
        "AWS::EC2::AvailabilityZone::Name",
        "ec2:DescribeAvailabilityZones",
    ),
    ("AWS::EC2::KeyPair::KeyName", "ec2:DescribeKeyPairs"),
    ("AWS::EC2::Image::Id", "ec2:DescribeImages"),
    ("AWS::EC2::Instance::Id", "ec2:DescribeInstances"),
    ("AWS::EC2::Volume::Id", "ec2:DescribeVolumes"),
];

/// The parts of a launch-role policy, gathered from the product templates before they become
/// statements.
#[derive(Debug, Default)]
struct Needs {
    actions: IndexMap<Scope, BTreeSet<&'static str>>,
    extra_any: BTreeSet<&'static str>,
    ec2_arn_types: BTreeSet<&'static str>,
    ec2_create_actions: BTreeSet<&'static str>,
    ec2_tagged_types: BTreeSet<&'static str>,
    role_names: BTreeSet<String>,
    boundaries: Vec<Value>,
    log_group_names: BTreeSet<String>,
    parameter_names: BTreeSet<String>,
    pass_role_to: BTreeSet<&'static str>,
    managed_policies: Vec<Value>,
    managed_policies_literal: bool,
    private_dns: bool,
}

/// Derives the launch role's policy for products whose templates are `templates` (each with the
/// product's name, for errors).
///
/// The policy is checked against AWS's resource schemas before it is returned: a type whose
/// handlers list an action the policy does not grant is an error, never a launch that fails
/// half way.
///
/// ```
/// use airgap::catalog::launch_role::derive_policy;
/// use airgap::template::{Resource, Stack};
/// let mut stack = Stack::new("Net");
/// stack.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let t = stack.synth_unchecked()?.into_template();
/// let policy = derive_policy(&[("net", &t)])?;
/// let json = policy.to_value().to_string();
/// assert!(json.contains("ec2:CreateVpc"));
/// // Service Catalog's copy of the template, in a bucket it owns, tagged for provisioning.
/// assert!(json.contains("s3:ExistingObjectTag/servicecatalog:provisioning"));
/// assert!(!json.contains("\"*:*\""));
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn derive_policy(templates: &[(&str, &Template)]) -> Result<PolicyDocument> {
    let mut needs = Needs {
        managed_policies_literal: true,
        ..Needs::default()
    };
    for (product, template) in templates {
        gather(product, template, &mut needs)?;
    }
    let policy = statements(&needs);
    for (product, template) in templates {
        if let Some(gap) = uncovered(template, &policy).into_iter().next() {
            return Err(Error::invalid(
                format!("Product '{product}'"),
                "launch role",
                format!(
                    "the derived launch role lacks `{}`, which the {} handlers of `{}` call (AWS's resource schema); this is a defect of airgap's table in src/catalog/launch_role/table.rs",
                    gap.action, gap.resource_type, gap.logical_id
                ),
            ));
        }
    }
    lint::check(&policy)?;
    Ok(policy)
}

/// The launch-role actions for `template`, sorted: what the manifest and docs list.
pub fn actions_for(product: &str, template: &Template) -> Result<Vec<String>> {
    let policy = derive_policy(&[(product, template)])?;
    let mut actions: BTreeSet<String> = BTreeSet::new();
    for s in policy.statements() {
        actions.extend(s.action_names().iter().cloned());
    }
    Ok(actions.into_iter().collect())
}

fn gather(product: &str, template: &Template, needs: &mut Needs) -> Result<()> {
    for (id, r) in &template.resources {
        let Some(grants) = grants_of(&r.resource_type) else {
            return Err(Error::from(CatalogError::UnsupportedResourceType {
                product: product.to_string(),
                logical_id: id.clone(),
                resource_type: r.resource_type.clone(),
                supported: SUPPORTED_TYPES
                    .iter()
                    .chain(SAGEMAKER_TYPES.iter())
                    .copied()
                    .collect::<Vec<_>>()
                    .join(", "),
            }));
        };
        for (scope, action) in actions_of(r, grants) {
            needs.actions.entry(scope).or_default().insert(action);
        }
        needs
            .ec2_arn_types
            .extend(grants.ec2_arn_types.iter().copied());
        if let Some(create) = grants.ec2_create_action {
            needs.ec2_create_actions.insert(create);
            // The first ARN type is the one the create call makes, and so tags.
            needs
                .ec2_tagged_types
                .extend(grants.ec2_arn_types.first().copied());
        }
        gather_names(product, id, r, needs)?;
    }
    gather_parameters(template, needs);
    Ok(())
}

/// What a resource adds to the names the policy scopes by: roles (and their boundaries and
/// managed policies), log groups, parameters, the services roles are passed to, private DNS.
fn gather_names(
    product: &str,
    id: &str,
    r: &crate::template::Resource,
    needs: &mut Needs,
) -> Result<()> {
    let name_of =
        |property: &str, generated: &str| name_pattern(r.properties.get(property), generated);
    match r.resource_type.as_str() {
        "AWS::IAM::Role" => {
            let path = r
                .properties
                .get("Path")
                .and_then(Value::as_str)
                .unwrap_or("/")
                .trim_start_matches('/')
                .to_string();
            let name = name_of("RoleName", &format!("{STACK_PREFIX}*"));
            needs.role_names.insert(format!("{path}{name}"));
            if let Some(arns) = r.properties.get("ManagedPolicyArns") {
                match arns.as_array() {
                    Some(list) => {
                        for a in list {
                            needs.managed_policies_literal &= a.is_string();
                            needs.managed_policies.push(a.clone());
                        }
                    }
                    None => needs.managed_policies_literal = false,
                }
            }
            // The launch role may create a role only with a permissions boundary: without
            // one, a product could give its roles any permission at all.
            let Some(boundary) = r.properties.get("PermissionsBoundary") else {
                return Err(Error::from(CatalogError::RoleWithoutBoundary {
                    product: product.to_string(),
                    logical_id: id.to_string(),
                }));
            };
            if !needs.boundaries.contains(boundary) {
                needs.boundaries.push(boundary.clone());
            }
        }
        "AWS::Logs::LogGroup" => {
            needs
                .log_group_names
                .insert(name_of("LogGroupName", &format!("{STACK_PREFIX}*")));
        }
        "AWS::SSM::Parameter" => {
            let name = name_of("Name", "CFN-*");
            needs
                .parameter_names
                .insert(name.trim_start_matches('/').to_string());
        }
        "AWS::EC2::FlowLog" if r.properties.contains_key("DeliverLogsPermissionArn") => {
            needs.pass_role_to.insert("vpc-flow-logs.amazonaws.com");
        }
        ty if sagemaker::passes_role(ty) => {
            needs.pass_role_to.insert("sagemaker.amazonaws.com");
            // A user profile passes its domain's execution role, made by the domain's
            // product (a stack named SC-...), so CloudFormation named it SC-... too.
            if ty == "AWS::SageMaker::UserProfile" {
                needs.role_names.insert(format!("{STACK_PREFIX}*"));
            }
        }
        "AWS::EC2::VPCEndpoint" => {
            needs.private_dns |= r.properties.get("PrivateDnsEnabled") == Some(&Value::Bool(true));
        }
        _ => {}
    }
    Ok(())
}

/// What CloudFormation checks with the caller's credentials before any handler runs.
fn gather_parameters(template: &Template, needs: &mut Needs) {
    // CloudFormation resolves some things with the caller's credentials before any handler
    // runs: `Fn::GetAZs`, and the AWS-specific parameter types it checks exist.
    if uses_get_azs(template) {
        needs.extra_any.insert("ec2:DescribeAvailabilityZones");
    }
    for p in template.parameters.values() {
        let ty = p.parameter_type.as_str();
        let inner = ty
            .strip_prefix("List<")
            .and_then(|t| t.strip_suffix('>'))
            .unwrap_or(ty);
        if let Some((_, a)) = PARAMETER_CHECKS.iter().find(|(t, _)| *t == inner) {
            needs.extra_any.insert(a);
        }
        if inner.starts_with("AWS::SSM::Parameter::") {
            needs
                .actions
                .entry(Scope::Parameters)
                .or_default()
                .insert("ssm:GetParameters");
            let name = p
                .default
                .as_ref()
                .and_then(Value::as_str)
                .map_or("*".to_string(), |n| n.trim_start_matches('/').to_string());
            needs.parameter_names.insert(name);
        }
    }
}

/// The name pattern of a resource: the literal name, an `Fn::Sub` with every variable as `*`,
/// `generated` when the template gives none, `*` when it is computed otherwise.
fn name_pattern(v: Option<&Value>, generated: &str) -> String {
    match v {
        None => generated.to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => sub_text(v).map_or("*".to_string(), wildcard_variables),
    }
}

/// A name written with `Fn::Sub` as an IAM pattern: each variable becomes `*` (the stack name
/// becomes the `SC-` prefix Service Catalog gives stacks), and runs of `*` fold into one.
fn wildcard_variables(s: &str) -> String {
    let expanded = crate::template::expand_sub(s, |var| {
        Ok::<_, std::convert::Infallible>(if var == "AWS::StackName" {
            format!("{STACK_PREFIX}*")
        } else {
            "*".to_string()
        })
    })
    .unwrap_or_else(|never| match never {});
    let mut out = String::with_capacity(expanded.len());
    for c in expanded.chars() {
        if !(c == '*' && out.ends_with('*')) {
            out.push(c);
        }
    }
    out
}

fn uses_get_azs(template: &Template) -> bool {
    fn walk(v: &Value) -> bool {
        match v {
            Value::Object(m) => {
                matches!(Intrinsic::classify(v), Some(Intrinsic::GetAzs(_))) || m.values().any(walk)
            }
            Value::Array(a) => a.iter().any(walk),
            _ => false,
        }
    }
    template
        .resources
        .values()
        .any(|r| r.properties.values().any(walk))
        || template.outputs.values().any(|o| walk(&o.value))
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables_become_wildcards_and_the_stack_name_sc() {
        assert_eq!(
            wildcard_variables("/airgap/${Project}/${Env}/vpc-id"),
            "/airgap/*/*/vpc-id"
        );
        assert_eq!(wildcard_variables("${A}${B}-x"), "*-x");
        assert_eq!(
            wildcard_variables("${AWS::StackName}-flow-logs"),
            "SC-*-flow-logs"
        );
        assert_eq!(wildcard_variables("plain"), "plain");
    }

    #[test]
    fn every_action_and_condition_key_of_every_launch_role_is_a_real_one() {
        use crate::template::Resource;
        let mut t = Template::default();
        for ty in SUPPORTED_TYPES {
            t.resources.insert(ty.replace("::", ""), Resource::new(ty));
        }
        let role = t.resources.get_mut("AWSIAMRole").expect("the role");
        role.properties.insert(
            "ManagedPolicyArns".into(),
            serde_json::json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
        );
        role.properties.insert(
            "PermissionsBoundary".into(),
            "arn:aws:iam::1:policy/b".into(),
        );
        let flow_log = t.resources.get_mut("AWSEC2FlowLog").expect("the flow log");
        flow_log
            .properties
            .insert("DeliverLogsPermissionArn".into(), "arn".into());
        let endpoint = t
            .resources
            .get_mut("AWSEC2VPCEndpoint")
            .expect("the endpoint");
        endpoint
            .properties
            .insert("PrivateDnsEnabled".into(), true.into());
        let policy = derive_policy(&[("all", &t)]).unwrap();
        for s in policy.statements() {
            for a in s.action_names() {
                assert!(
                    crate::iam::catalog::check_action(a).is_ok(),
                    "{a} is not an IAM action"
                );
            }
            for c in s.conditions() {
                assert!(
                    crate::iam::catalog::is_condition_key(c.key.as_str()),
                    "{} is not a condition key",
                    c.key.as_str()
                );
            }
        }
    }

    #[test]
    fn unnamed_resources_get_the_generated_prefix() {
        assert_eq!(name_pattern(None, "SC-*"), "SC-*");
        assert_eq!(
            name_pattern(Some(&serde_json::json!({"Ref": "Name"})), "SC-*"),
            "*"
        );
    }
}
