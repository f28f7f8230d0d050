//! Policy documents found in a template, read over their JSON (so they work on templates airgap
//! did not write), and put into plain words for the review report.

use std::borrow::Cow;

use serde_json::Value;

use super::model::{display, policy_in};
use crate::template::{Resource, Template, ref_name};

/// A policy document found in a template.
#[derive(Debug, Clone, PartialEq)]
pub struct PolicyStatement {
    /// The resource holding the policy.
    pub resource: String,
    /// The property, e.g. `KeyPolicy` or `Policies[0].PolicyDocument`.
    pub property: String,
    /// Whether it is a VPC endpoint policy (where `Principal: *` is the normal form).
    pub endpoint_policy: bool,
    /// The document.
    pub document: Value,
}

/// A policy document found in a template, borrowed from it where it is written as JSON: what
/// the checks read (copying every policy of every synthesis only to read it was a tenth of
/// their time). [`policy_documents`] hands out owned [`PolicyStatement`]s.
pub(crate) struct FoundPolicy<'a> {
    /// The resource holding the policy.
    pub(crate) resource: &'a str,
    /// The property, e.g. `KeyPolicy` or `Policies[0].PolicyDocument`.
    pub(crate) property: String,
    /// Whether it is a VPC endpoint policy.
    pub(crate) endpoint_policy: bool,
    /// The document.
    pub(crate) document: Cow<'a, Value>,
}

const POLICY_KEYS: &[&str] = &[
    "PolicyDocument",
    "KeyPolicy",
    "AssumeRolePolicyDocument",
    "ResourcePolicy",
    "Policy",
    "AccessPolicies",
];

/// The policy documents under `v`, whose path is `path` (one buffer for the whole walk, grown and
/// cut back as it goes down and up: most properties hold no policy, so their paths are never
/// copied).
fn collect<'a>(
    resource: &'a str,
    path: &mut String,
    v: &'a Value,
    endpoint: bool,
    out: &mut Vec<FoundPolicy<'a>>,
) {
    let nested = |v: &Value| matches!(v, Value::Object(_) | Value::Array(_));
    let depth = path.len();
    match v {
        Value::Object(m) => {
            for (k, val) in m {
                // A scalar holds no policy unless it is a policy key's JSON text.
                let policy_key = POLICY_KEYS.contains(&k.as_str());
                let may_hold_one = nested(val) || (policy_key && val.is_string());
                if !may_hold_one {
                    continue;
                }
                if !path.is_empty() {
                    path.push('.');
                }
                path.push_str(k);
                if policy_key && let Some(doc) = policy_in(val) {
                    out.push(FoundPolicy {
                        resource,
                        property: path.clone(),
                        endpoint_policy: endpoint && k == "PolicyDocument",
                        document: doc,
                    });
                } else {
                    collect(resource, path, val, endpoint, out);
                }
                path.truncate(depth);
            }
        }
        Value::Array(items) => {
            for (i, item) in items.iter().enumerate().filter(|(_, item)| nested(item)) {
                path.push('[');
                path.push_str(&i.to_string());
                path.push(']');
                collect(resource, path, item, endpoint, out);
                path.truncate(depth);
            }
        }
        _ => {}
    }
}

/// Every policy document in the resources of `t`, in template order.
pub fn policy_documents(t: &Template) -> Vec<PolicyStatement> {
    let found = policy_documents_where(t, |_| true).into_iter();
    found
        .map(|p| PolicyStatement {
            resource: p.resource.to_string(),
            property: p.property,
            endpoint_policy: p.endpoint_policy,
            document: p.document.into_owned(),
        })
        .collect()
}

/// The policy documents of the resources `keep` accepts (walking only those: the walk builds a
/// path for every property, and most checks want a few resource types).
pub(crate) fn policy_documents_where(
    t: &Template,
    keep: impl Fn(&Resource) -> bool,
) -> Vec<FoundPolicy<'_>> {
    let mut out = Vec::new();
    let mut path = String::new();
    for (id, r) in t.resources.iter().filter(|(_, r)| keep(r)) {
        let endpoint = r.resource_type == "AWS::EC2::VPCEndpoint";
        for (k, v) in &r.properties {
            if POLICY_KEYS.contains(&k.as_str())
                && let Some(doc) = policy_in(v)
            {
                out.push(FoundPolicy {
                    resource: id,
                    property: k.clone(),
                    endpoint_policy: endpoint && k == "PolicyDocument",
                    document: doc,
                });
            } else {
                path.clear();
                path.push_str(k);
                collect(id, &mut path, v, endpoint, &mut out);
            }
        }
    }
    out
}

/// The statements of a document (`Statement` may be one object or a list).
pub(crate) fn statements(doc: &Value) -> Vec<&Value> {
    match doc.get("Statement") {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(s @ Value::Object(_)) => vec![s],
        _ => Vec::new(),
    }
}

/// A field that may be one value or a list of them.
pub(crate) fn one_or_many(v: Option<&Value>) -> Vec<&Value> {
    match v {
        Some(Value::Array(a)) => a.iter().collect(),
        Some(other) => vec![other],
        None => Vec::new(),
    }
}

/// Whether a statement's principal is everyone (`*` or `{"AWS": "*"}`).
pub(crate) fn any_principal(statement: &Value) -> bool {
    match statement.get("Principal") {
        Some(Value::String(s)) => s == "*",
        Some(Value::Object(m)) => m
            .get("AWS")
            .map(|a| one_or_many(Some(a)).iter().any(|p| p.as_str() == Some("*")))
            .unwrap_or(false),
        _ => false,
    }
}

/// Whether a statement has a non-empty `Condition`.
pub(crate) fn has_condition(statement: &Value) -> bool {
    statement
        .get("Condition")
        .and_then(Value::as_object)
        .is_some_and(|m| !m.is_empty())
}

fn plain_value(v: &Value) -> String {
    match ref_name(v) {
        Some("AWS::AccountId") => "this account".into(),
        Some("AWS::Region") => "this region".into(),
        _ => display(v),
    }
}

fn plain_resource(v: &Value) -> String {
    let s = display(v);
    if s == "*" {
        return "any resource".into();
    }
    let s = s.replace("${AWS::Partition}", "aws");
    if let Some(bucket) = s.strip_prefix("arn:aws:s3:::") {
        return match bucket.strip_suffix("/*") {
            Some(b) => format!("the objects of {b}"),
            None => bucket.to_string(),
        };
    }
    s
}

fn plain_resources(list: &[&Value]) -> String {
    let names: Vec<String> = list.iter().map(|v| plain_resource(v)).collect();
    // "my_bucket and the objects of my_bucket" reads better as "my_bucket and its objects".
    let mut out: Vec<String> = Vec::new();
    for n in &names {
        if let Some(b) = n.strip_prefix("the objects of ")
            && let Some(pos) = out.iter().position(|o| o == b)
        {
            out[pos] = format!("{b} and its objects");
            continue;
        }
        out.push(n.clone());
    }
    join_words(&out)
}

fn join_words(items: &[String]) -> String {
    match items {
        [] => String::new(),
        [one] => one.clone(),
        [rest @ .., last] => format!("{} and {last}", rest.join(", ")),
    }
}

fn plain_principal(statement: &Value) -> String {
    if any_principal(statement) {
        return "any principal".into();
    }
    match statement.get("Principal") {
        Some(Value::Object(m)) => join_words(
            &m.iter()
                .flat_map(|(kind, v)| {
                    one_or_many(Some(v))
                        .into_iter()
                        .map(move |p| format!("{kind} {}", plain_value(p)))
                })
                .collect::<Vec<_>>(),
        ),
        Some(other) => plain_value(other),
        None => "the identities whose policies allow it".into(),
    }
}

fn plain_conditions(statement: &Value) -> String {
    let Some(Value::Object(ops)) = statement.get("Condition") else {
        return String::new();
    };
    let mut parts = Vec::new();
    for (op, keys) in ops {
        if let Value::Object(keys) = keys {
            for (key, values) in keys {
                let vals: Vec<String> = one_or_many(Some(values))
                    .into_iter()
                    .map(plain_value)
                    .collect();
                parts.push(format!("{key} {op} {}", vals.join(" or ")));
            }
        }
    }
    if parts.is_empty() {
        String::new()
    } else {
        format!(" when {}", parts.join(" and "))
    }
}

/// A policy document in plain words, one sentence per statement: "allows s3:GetObject on
/// my_secure_bucket and its objects to any principal".
///
/// ```
/// use airgap::analysis::describe_policy;
/// let doc = serde_json::json!({"Statement": [{"Effect": "Allow", "Principal": "*",
///     "Action": "s3:GetObject", "Resource": ["arn:aws:s3:::b", "arn:aws:s3:::b/*"]}]});
/// assert_eq!(describe_policy(Some(&doc)), ["allows s3:GetObject on b and its objects to any principal"]);
/// ```
pub fn describe_policy(doc: Option<&Value>) -> Vec<String> {
    let Some(doc) = doc else {
        return vec!["allows every action on any resource to any principal (no policy: AWS's default full-access policy)".into()];
    };
    statements(doc)
        .into_iter()
        .map(|s| {
            let verb = if s.get("Effect").and_then(Value::as_str) == Some("Deny") {
                "denies"
            } else {
                "allows"
            };
            let (actions, not_a) = match s.get("Action") {
                Some(a) => (one_or_many(Some(a)), ""),
                None => (one_or_many(s.get("NotAction")), "every action except "),
            };
            let actions: Vec<String> = actions
                .iter()
                .map(|a| {
                    if a.as_str() == Some("*") {
                        "every action".into()
                    } else {
                        display(a)
                    }
                })
                .collect();
            let (resources, not_r) = match s.get("Resource") {
                Some(r) => (one_or_many(Some(r)), ""),
                None => (one_or_many(s.get("NotResource")), "any resource except "),
            };
            format!(
                "{verb} {not_a}{} on {not_r}{} to {}{}",
                join_words(&actions),
                plain_resources(&resources),
                plain_principal(s),
                plain_conditions(s)
            )
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn conditions_and_account_refs_read_as_words() {
        let doc = json!({"Statement": {"Effect": "Allow", "Principal": "*", "Action": ["sts:*"], "Resource": "*",
            "Condition": {"StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}}}});
        assert_eq!(
            describe_policy(Some(&doc)),
            [
                "allows sts:* on any resource to any principal when aws:PrincipalAccount StringEquals this account"
            ]
        );
    }

    #[test]
    fn star_on_star_reads_as_every_action() {
        let doc = json!({"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]});
        assert_eq!(
            describe_policy(Some(&doc)),
            ["allows every action on any resource to any principal"]
        );
    }
}
