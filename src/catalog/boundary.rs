//! The permissions boundary of the roles products create.
//!
//! A launch role may create IAM roles and write their inline policies; without a boundary a
//! product could give its roles any permission, and anyone who may edit a product template
//! could escalate through it. So every role a product creates carries the portfolio's boundary
//! (`iam:PermissionsBoundary` is a condition of the launch role's `iam:CreateRole` and
//! `iam:PutRolePolicy`), and the boundary is a managed policy in the portfolio template that
//! allows exactly the actions the products' roles are given, on resources of this account.

use serde_json::Value;

use crate::error::{Error, Result};
use crate::iam::catalog::action_info;
use crate::iam::{Arn, PolicyDocument, Statement};
use crate::template::{Expr, Template};

/// The boundary's policy name unless [`Portfolio::boundary_name`](super::Portfolio::boundary_name)
/// says otherwise. IAM names are per account: two portfolios in one account need two names.
pub const DEFAULT_BOUNDARY_NAME: &str = "airgap-product-role-boundary";

/// The ARN of the boundary policy named `name` in the account a template is launched in: what
/// the roles of product templates set as `PermissionsBoundary`.
///
/// ```
/// use airgap::catalog::{DEFAULT_BOUNDARY_NAME, boundary_arn};
/// assert_eq!(
///     boundary_arn(DEFAULT_BOUNDARY_NAME).to_value(),
///     serde_json::json!({"Fn::Sub": "arn:${AWS::Partition}:iam::${AWS::AccountId}:policy/airgap-product-role-boundary"}),
/// );
/// ```
pub fn boundary_arn(name: &str) -> Expr {
    Expr::sub(format!(
        "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:policy/{name}"
    ))
}

/// Checks a boundary policy name: IAM's policy names are 1 to 128 of `\w+=,.@-`.
pub(super) fn check_boundary_name(construct: &str, name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 128
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "_+=,.@-".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            construct,
            "boundary_name",
            format!("`{name}` is not an IAM policy name (1 to 128 letters, digits and `_+=,.@-`)"),
        ))
    }
}

/// The boundary for the roles of `templates`: for each `Allow` statement of their inline
/// policies, its actions on the same service's resources of this account (any region), or on
/// `*` where the statement names `*`. `None` when no template creates a role.
///
/// Every role must already name `boundary` as its `PermissionsBoundary`, and may take no
/// managed policy (the boundary could not allow what it does not see).
pub(super) fn boundary_policy(
    templates: &[(&str, &Template)],
    boundary: &Expr,
) -> Result<Option<PolicyDocument>> {
    let mut statements: Vec<(Vec<String>, bool)> = Vec::new();
    let mut any_role = false;
    for (product, t) in templates {
        for (id, r) in t
            .resources
            .iter()
            .filter(|(_, r)| r.resource_type == "AWS::IAM::Role")
        {
            any_role = true;
            let refuse = |message: String| {
                Error::invalid(
                    format!("Product '{product}'"),
                    format!("role `{id}`"),
                    message,
                )
            };
            if r.properties.get("PermissionsBoundary") != Some(&boundary.to_value()) {
                return Err(refuse(format!(
                    "its PermissionsBoundary must be the portfolio's boundary, {}; set it with `FlowLog::permissions_boundary` or the role's `PermissionsBoundary` property",
                    boundary.to_value()
                )));
            }
            if r.properties.contains_key("ManagedPolicyArns") {
                return Err(refuse(
                    "it takes managed policies, which the portfolio's boundary cannot see; give the role its permissions as inline `Policies`".into(),
                ));
            }
            for p in r
                .properties
                .get("Policies")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                let statements_of = p["PolicyDocument"]["Statement"].clone();
                let list = match statements_of {
                    Value::Array(a) => a,
                    Value::Object(_) => vec![statements_of],
                    _ => Vec::new(),
                };
                for s in list.iter().filter(|s| s["Effect"] == "Allow") {
                    let actions: Vec<String> = match &s["Action"] {
                        Value::String(a) => vec![a.clone()],
                        Value::Array(a) => a
                            .iter()
                            .filter_map(Value::as_str)
                            .map(str::to_string)
                            .collect(),
                        _ => Vec::new(),
                    };
                    let any = match &s["Resource"] {
                        Value::String(r) => r == "*",
                        Value::Array(a) => a.iter().any(|r| r == "*"),
                        _ => false,
                    };
                    // An action that takes no resource ARN is authorized against "*" alone.
                    let (star, scoped): (Vec<String>, Vec<String>) = actions
                        .into_iter()
                        .partition(|a| any || action_info(a).is_some_and(|i| i.takes_only_star()));
                    for (list, any) in [(star, true), (scoped, false)] {
                        if !list.is_empty() {
                            statements.push((list, any));
                        }
                    }
                }
            }
        }
    }
    if !any_role {
        return Ok(None);
    }
    let mut doc = PolicyDocument::new();
    // One statement per service and resource kind, so the boundary reads like what it bounds.
    let mut by_service: indexmap::IndexMap<(String, bool), std::collections::BTreeSet<String>> =
        indexmap::IndexMap::new();
    for (actions, any) in statements {
        for a in actions {
            let service = a.split_once(':').map_or("*", |(s, _)| s).to_string();
            by_service.entry((service, any)).or_default().insert(a);
        }
    }
    for ((service, any), actions) in by_service {
        let sid = format!(
            "{}{}",
            crate::template::upper_camel_case(service.as_str()),
            if any {
                "AnyResource"
            } else {
                "ResourcesOfThisAccount"
            }
        );
        let s = Statement::allow().sid(sid).actions(actions);
        let s = if any {
            s.any_resource()
        } else {
            s.resource(service_arns(&service))
        };
        doc = doc.statement(s);
    }
    Ok(Some(doc))
}

/// The ARNs of every resource of `service` in this account.
fn service_arns(service: &str) -> Arn {
    let text = match service {
        "s3" => "arn:${AWS::Partition}:s3:::*".to_string(),
        "iam" => "arn:${AWS::Partition}:iam::${AWS::AccountId}:*".to_string(),
        _ => format!("arn:${{AWS::Partition}}:{service}:*:${{AWS::AccountId}}:*"),
    };
    Arn::new(text).expect("well-formed service ARN patterns")
}
