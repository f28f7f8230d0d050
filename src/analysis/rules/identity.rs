//! Identity policies that undo the network: a role that may create SageMaker resources outside
//! the VPC or with internet access, pass any role, or do anything at all.
//!
//! Conditions are judged, not just wildcards: `sagemaker:*` on `*` is fine when the statement
//! (or a Deny next to it) makes the VPC settings a condition, and an action that takes no
//! resource is never blamed for its `*`.

use std::collections::HashMap;

use serde_json::{Map, Value, json};

use super::{Ctx, IAM_ADMIN, IAM_NOT_ACTION, IAM_PASS_ROLE, IAM_SAGEMAKER_NETWORK};
use crate::analysis::model::{display, ref_list};
use crate::analysis::policy::{FoundPolicy, one_or_many, policy_documents_where, statements};
use crate::iam::catalog::action_info;
use crate::iam::wildcard_match;
use crate::template::{Template, sub_text};

/// Resource types whose policies are identity policies (attached to users, groups or roles).
const IDENTITY_TYPES: &[&str] = &[
    "AWS::IAM::Role",
    "AWS::IAM::Policy",
    "AWS::IAM::ManagedPolicy",
    "AWS::IAM::User",
    "AWS::IAM::Group",
    "AWS::IAM::RolePolicy",
    "AWS::IAM::UserPolicy",
    "AWS::IAM::GroupPolicy",
];

/// A condition a SageMaker create action must carry to keep what it creates in the network:
/// the key and, where only one value is safe, that value.
struct NetworkCondition {
    key: &'static str,
    safe_value: Option<&'static str>,
}

const IN_VPC: NetworkCondition = NetworkCondition {
    key: "sagemaker:VpcSubnets",
    safe_value: None,
};
const NO_DIRECT_INTERNET: NetworkCondition = NetworkCondition {
    key: "sagemaker:DirectInternetAccess",
    safe_value: Some("Disabled"),
};
const VPC_ONLY_APPS: NetworkCondition = NetworkCondition {
    key: "sagemaker:AppNetworkAccessType",
    safe_value: Some("VpcOnly"),
};

/// The SageMaker actions that create compute with a network, and the condition keys that keep
/// it in the VPC. They are the create actions for which the Service Authorization Reference
/// lists `sagemaker:VpcSubnets` (a unit test holds the table to the IAM catalog), but for
/// CreateEndpointConfig, whose endpoints take the VPC settings of their models. A domain needs
/// its subnets anyway; what keeps its apps off the internet is `sagemaker:AppNetworkAccessType`.
/// Update actions are left out: a request carries the key only when it changes the setting,
/// so a condition demanding it would refuse every other update.
const NETWORK_ACTIONS: &[(&str, &[NetworkCondition])] = &[
    (
        "sagemaker:CreateNotebookInstance",
        &[IN_VPC, NO_DIRECT_INTERNET],
    ),
    ("sagemaker:CreateDomain", &[VPC_ONLY_APPS]),
    ("sagemaker:CreateTrainingJob", &[IN_VPC]),
    ("sagemaker:CreateProcessingJob", &[IN_VPC]),
    ("sagemaker:CreateHyperParameterTuningJob", &[IN_VPC]),
    ("sagemaker:CreateModel", &[IN_VPC]),
    ("sagemaker:CreateAutoMLJob", &[IN_VPC]),
    ("sagemaker:CreateAutoMLJobV2", &[IN_VPC]),
    ("sagemaker:CreateCluster", &[IN_VPC]),
    ("sagemaker:CreateDataQualityJobDefinition", &[IN_VPC]),
    ("sagemaker:CreateModelBiasJobDefinition", &[IN_VPC]),
    (
        "sagemaker:CreateModelExplainabilityJobDefinition",
        &[IN_VPC],
    ),
    ("sagemaker:CreateModelQualityJobDefinition", &[IN_VPC]),
    ("sagemaker:CreateMonitoringSchedule", &[IN_VPC]),
];

fn is_allow(s: &Value) -> bool {
    s.get("Effect").and_then(Value::as_str) == Some("Allow")
}

fn strings(v: Option<&Value>) -> Vec<String> {
    one_or_many(v).into_iter().map(display).collect()
}

/// Whether the statement's `Action` covers `action` (IAM matches actions case-insensitively).
fn allows_action(s: &Value, action: &str) -> bool {
    // Asked for every action of every guard, so the usual plain strings are read in place.
    one_or_many(s.get("Action")).into_iter().any(|p| match p {
        Value::String(p) => wildcard_match(p, action, true),
        other => wildcard_match(&display(other), action, true),
    })
}

/// Whether the statement's `Resource` can name what `action` acts on (a statement for
/// `sagemaker:Create*` on experiments creates no notebook), by the action's resource types in
/// the IAM catalog. `NotResource`, `*` and values known only at launch are taken to match.
fn on_resources_of(s: &Value, action: &str) -> bool {
    let Some(resources) = s.get("Resource") else {
        return true;
    };
    let Some(info) = action_info(action) else {
        return true;
    };
    if info.resource_types.is_empty() {
        return true;
    }
    one_or_many(Some(resources)).iter().any(|r| match r {
        Value::String(arn) => info.accepts_resource(arn),
        sub if sub_text(sub).is_some() => info.accepts_resource(&display(sub)),
        _ => true,
    })
}

fn conditions(s: &Value) -> Vec<(&str, &str, Vec<String>)> {
    let Some(ops) = s.get("Condition").and_then(Value::as_object) else {
        return Vec::new();
    };
    ops.iter()
        .flat_map(|(op, keys)| {
            keys.as_object()
                .into_iter()
                .flat_map(Map::iter)
                .map(move |(k, v)| (op.as_str(), k.as_str(), strings(Some(v))))
        })
        .collect()
}

/// Whether an Allow statement only applies when the request carries `c.key` (with the safe
/// value, where there is one). `...IfExists` and `ForAllValues:` also match a request without
/// the key, so they prove nothing on their own.
fn allow_requires(s: &Value, c: &NetworkCondition) -> bool {
    conditions(s).iter().any(|(op, key, values)| {
        if !key.eq_ignore_ascii_case(c.key) {
            return false;
        }
        if *op == "Null" {
            return c.safe_value.is_none() && values.iter().all(|v| v == "false");
        }
        if op.ends_with("IfExists") || op.starts_with("ForAllValues:") || op.contains("Not") {
            return false;
        }
        c.safe_value
            .is_none_or(|safe| values.iter().all(|v| v.eq_ignore_ascii_case(safe)))
    })
}

/// Whether a Deny statement refuses `action` whenever the request lacks `c.key` (or, where
/// one value is safe, carries any other).
fn deny_enforces(s: &Value, action: &str, c: &NetworkCondition) -> bool {
    if s.get("Effect").and_then(Value::as_str) != Some("Deny") || !allows_action(s, action) {
        return false;
    }
    conditions(s).iter().any(|(op, key, values)| {
        if !key.eq_ignore_ascii_case(c.key) {
            return false;
        }
        if *op == "Null" {
            return c.safe_value.is_none() && values.iter().all(|v| v == "true");
        }
        // `StringNotEquals k v` also matches a request without k, so it refuses both.
        op.contains("Not")
            && !op.ends_with("IfExists")
            && !op.starts_with("ForAnyValue:")
            && c.safe_value
                .is_none_or(|safe| values.iter().all(|v| v.eq_ignore_ascii_case(safe)))
    })
}

fn is_admin(s: &Value) -> bool {
    is_allow(s)
        && strings(s.get("Action"))
            .iter()
            .any(|a| a == "*" || a == "*:*")
        && strings(s.get("Resource")).iter().any(|r| r == "*")
}

/// Whether a `Resource` names every role: `*`, or a role ARN whose name is `*`.
fn any_role(resource: &str) -> bool {
    resource == "*" || resource.ends_with(":role/*") || resource.ends_with(":*")
}

fn check_statement(c: &mut Ctx, resource: &str, at: &str, s: &Value, denies: &[&Value]) {
    if !is_allow(s) {
        return;
    }
    for (key, what) in [
        ("NotAction", "every action but"),
        ("NotResource", "every resource but"),
    ] {
        if let Some(v) = s.get(key) {
            c.find(
                IAM_NOT_ACTION,
                resource,
                format!("{at} allows {what} {} ({key})", strings(Some(v)).join(", ")),
            );
        }
    }
    if is_admin(s) {
        c.find(IAM_ADMIN, resource, format!("{at} allows * on *"));
        return;
    }
    let passes_any =
        allows_action(s, "iam:PassRole") && strings(s.get("Resource")).iter().any(|r| any_role(r));
    let limited = conditions(s)
        .iter()
        .any(|(_, k, _)| k.eq_ignore_ascii_case("iam:PassedToService"));
    if passes_any && !limited {
        c.find(
            IAM_PASS_ROLE,
            resource,
            format!("{at} allows iam:PassRole on every role without iam:PassedToService"),
        );
    }
    // For each missing condition, the actions allowed without it.
    let mut open: Vec<(String, Vec<&str>)> = Vec::new();
    for (action, needs) in NETWORK_ACTIONS {
        if !allows_action(s, action) || !on_resources_of(s, action) {
            continue;
        }
        for need in needs.iter() {
            if allow_requires(s, need) || denies.iter().any(|d| deny_enforces(d, action, need)) {
                continue;
            }
            let want = need
                .safe_value
                .map(|v| format!("{} = {v}", need.key))
                .unwrap_or_else(|| need.key.to_string());
            let name = action.trim_start_matches("sagemaker:");
            match open.iter_mut().find(|(w, _)| *w == want) {
                Some((_, actions)) => actions.push(name),
                None => open.push((want, vec![name])),
            }
        }
    }
    if !open.is_empty() {
        let parts: Vec<String> = open
            .iter()
            .map(|(want, actions)| format!("{} without {want}", actions.join(", ")))
            .collect();
        c.find(
            IAM_SAGEMAKER_NETWORK,
            resource,
            format!("{at} allows sagemaker:{}", parts.join("; sagemaker:")),
        );
    }
}

/// AWS managed policies that undo the network, as the statements that do it (from the AWS
/// Managed Policy Reference): AdministratorAccess allows `*` on `*`; PowerUserAccess every
/// action but IAM's, Organizations' and Account's; AmazonSageMakerFullAccess `sagemaker:*`
/// without conditions on everything but domains, user profiles, apps and spaces (so every
/// create action of the table but CreateDomain).
fn aws_managed(name: &str) -> Option<Value> {
    let statement = match name {
        "AdministratorAccess" => json!({"Effect": "Allow", "Action": "*", "Resource": "*"}),
        "PowerUserAccess" => json!({"Effect": "Allow",
            "NotAction": ["iam:*", "organizations:*", "account:*"], "Resource": "*"}),
        "AmazonSageMakerFullAccess" => {
            let creates: Vec<&str> = NETWORK_ACTIONS
                .iter()
                .map(|(a, _)| *a)
                .filter(|a| *a != "sagemaker:CreateDomain")
                .collect();
            json!({"Effect": "Allow", "Action": creates, "Resource": "*"})
        }
        _ => return None,
    };
    Some(statement)
}

/// The AWS managed policies a user, group or role attaches, by name.
fn managed_policy_names(r: &crate::template::Resource) -> Vec<String> {
    one_or_many(r.properties.get("ManagedPolicyArns"))
        .into_iter()
        .filter_map(|arn| {
            let arn = display(arn);
            let (_, name) = arn.split_once(":iam::aws:policy/")?;
            Some(name.rsplit('/').next().unwrap_or(name).to_string())
        })
        .collect()
}

/// The users, groups and roles whose permissions a resource's policies are part of: the
/// principal itself, those a policy names in `Roles`, `Users` or `Groups` (or `RoleName` ...
/// for the single-principal policy types), and those that attach it in `ManagedPolicyArns`.
fn principals(t: &Template, id: &str, attached_by: &HashMap<String, Vec<String>>) -> Vec<String> {
    let Some(r) = t.resources.get(id) else {
        return Vec::new();
    };
    let mut out: Vec<String> = match r.resource_type.as_str() {
        "AWS::IAM::Role" | "AWS::IAM::User" | "AWS::IAM::Group" => vec![id.to_string()],
        _ => Vec::new(),
    };
    for key in [
        "Roles",
        "Users",
        "Groups",
        "RoleName",
        "UserName",
        "GroupName",
    ] {
        out.extend(ref_list(r.properties.get(key)));
    }
    out.extend(attached_by.get(id).into_iter().flatten().cloned());
    out
}

/// The Deny statements that apply wherever the policies of `id` do: those of every identity
/// policy of the template that is part of the same principal's permissions.
fn denies_for<'a>(
    docs: &'a [FoundPolicy<'a>],
    held_by: &HashMap<&str, Vec<String>>,
    id: &str,
) -> Vec<&'a Value> {
    let mine = &held_by[id];
    docs.iter()
        .filter(|d| d.resource == id || held_by[d.resource].iter().any(|p| mine.contains(p)))
        .flat_map(|d| statements(&d.document))
        .filter(|s| s.get("Effect").and_then(Value::as_str) == Some("Deny"))
        .collect()
}

pub(super) fn identity_policies(c: &mut Ctx) {
    let t = c.t;
    let docs: Vec<FoundPolicy> =
        policy_documents_where(t, |r| IDENTITY_TYPES.contains(&r.resource_type.as_str()))
            .into_iter()
            .filter(|d| !d.property.contains("AssumeRolePolicyDocument"))
            .collect();
    // Which principals attach each customer managed policy of the template.
    let mut attached_by: HashMap<String, Vec<String>> = HashMap::new();
    for (id, r) in &t.resources {
        for policy in ref_list(r.properties.get("ManagedPolicyArns")) {
            attached_by.entry(policy).or_default().push(id.clone());
        }
    }
    let principal_ids = t
        .resources
        .iter()
        .filter(|(_, r)| {
            ["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"]
                .contains(&r.resource_type.as_str())
        })
        .map(|(id, _)| id.as_str());
    let mut held_by: HashMap<&str, Vec<String>> = HashMap::new();
    for id in docs.iter().map(|d| d.resource).chain(principal_ids) {
        held_by
            .entry(id)
            .or_insert_with(|| principals(t, id, &attached_by));
    }
    for doc in &docs {
        let denies = denies_for(&docs, &held_by, doc.resource);
        let listed = doc.document.get("Statement").is_some_and(Value::is_array);
        for (i, s) in statements(&doc.document).into_iter().enumerate() {
            let at = if listed {
                format!("{}.Statement[{i}]", doc.property)
            } else {
                format!("{}.Statement", doc.property)
            };
            check_statement(c, doc.resource, &at, s, &denies);
        }
    }
    for (id, r) in &t.resources {
        if !["AWS::IAM::Role", "AWS::IAM::User", "AWS::IAM::Group"]
            .contains(&r.resource_type.as_str())
        {
            continue;
        }
        let denies = denies_for(&docs, &held_by, id);
        for name in managed_policy_names(r) {
            if let Some(statement) = aws_managed(&name) {
                let at = format!("ManagedPolicyArns: AWS's {name}");
                check_statement(c, id, &at, &statement, &denies);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::iam::catalog::{ActionStatus, action_info, actions};

    /// The table against the IAM catalog (AWS's Service Authorization Reference): every create
    /// action that takes `sagemaker:VpcSubnets` is in it, and every condition it demands is
    /// one the action's requests can carry (a condition on any other key never matches).
    #[test]
    fn the_network_actions_are_those_the_reference_gives_vpc_conditions() {
        let mut from_reference: Vec<String> = actions("sagemaker")
            .unwrap()
            .iter()
            .map(|a| format!("sagemaker:{a}"))
            .filter(|a| a.starts_with("sagemaker:Create") && a != "sagemaker:CreateEndpointConfig")
            // Actions the reference does not model (known only from cfn-lint's list) are
            // assumed to carry every key: they say nothing here.
            .filter(|a| {
                action_info(a).is_some_and(|i| {
                    i.status == ActionStatus::Current
                        && i.takes_condition_key("sagemaker:VpcSubnets")
                })
            })
            .collect();
        let mut listed: Vec<String> = NETWORK_ACTIONS.iter().map(|(a, _)| a.to_string()).collect();
        from_reference.sort();
        listed.sort();
        assert_eq!(listed, from_reference);
        for (action, needs) in NETWORK_ACTIONS {
            let info = action_info(action).unwrap();
            for need in needs.iter() {
                assert!(info.takes_condition_key(need.key), "{action} {}", need.key);
            }
        }
    }
}
