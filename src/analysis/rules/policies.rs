//! The rules every policy document of a template is held to, wherever it sits (endpoint,
//! bucket, key and identity policies alike).

use serde_json::Value;

use super::{Ctx, IAM_ANY_PRINCIPAL, IAM_CONDITION_TYPE, IAM_NOT_SOURCE_VPCE, IAM_UNKNOWN_ACTION};
use crate::analysis::model::display;
use crate::analysis::policy::{
    FoundPolicy, any_principal, has_condition, one_or_many, policy_documents_where, statements,
};
use crate::iam::catalog::{ActionStatus, action_status, check_action};
use crate::iam::{retired_action, value_type_mismatch};

/// Longer than any IAM action (`service:Action`; the longest are under 100 characters).
const MAX_ACTION_LEN: usize = 256;

/// The checks on every policy document of the template: actions that do not exist or are
/// retired, condition values of the wrong type, `StringNotEquals aws:SourceVpce` on an Allow,
/// and any principal without a condition.
pub(super) fn policies(c: &mut Ctx) {
    for doc in policy_documents_where(c.t, |_| true) {
        for s in statements(&doc.document) {
            for key in ["Action", "NotAction"] {
                for action in one_or_many(s.get(key))
                    .into_iter()
                    .filter_map(Value::as_str)
                {
                    // No IAM action name comes near this length; the nearest-name search
                    // would cost time in proportion to it, so a longer one is simply unknown.
                    if action.len() > MAX_ACTION_LEN {
                        let shown: String = action.chars().take(60).collect();
                        c.find(
                            IAM_UNKNOWN_ACTION,
                            doc.resource,
                            format!(
                                "{} names `{shown}...`, {} characters long: no IAM action is longer than {MAX_ACTION_LEN}",
                                doc.property,
                                action.chars().count()
                            ),
                        );
                        continue;
                    }
                    // The common case, a current action named in full, in one lookup
                    // instead of the two below (every policy of every synthesis comes here).
                    let current = !action.contains(['*', '?'])
                        && action_status(action)
                            .is_some_and(|(_, _, status)| status != ActionStatus::Retired);
                    if current {
                        continue;
                    }
                    if let Some(why) = retired_action(action) {
                        c.find(
                            IAM_UNKNOWN_ACTION,
                            doc.resource,
                            format!("{}: {why}", doc.property),
                        );
                    } else if let Err(unknown) = check_action(action) {
                        let hint = unknown
                            .suggestion
                            .map(|n| format!("; did you mean `{n}`?"))
                            .unwrap_or_default();
                        c.find(
                            IAM_UNKNOWN_ACTION,
                            doc.resource,
                            format!(
                                "{} names `{action}`: {}{hint}",
                                doc.property, unknown.reason
                            ),
                        );
                    }
                }
            }
            condition_types(c, &doc, s);
            if s.get("Effect").and_then(Value::as_str) != Some("Allow") {
                continue;
            }
            let negated = s
                .get("Condition")
                .and_then(Value::as_object)
                .is_some_and(|ops| {
                    ops.iter().any(|(op, keys)| {
                        op.starts_with("StringNot")
                            && keys.as_object().is_some_and(|k| {
                                k.keys()
                                    .any(|key| key.eq_ignore_ascii_case("aws:SourceVpce"))
                            })
                    })
                });
            if negated {
                c.find(
                    IAM_NOT_SOURCE_VPCE,
                    doc.resource,
                    format!(
                        "{} allows when aws:SourceVpce is NOT the endpoint",
                        doc.property
                    ),
                );
            }
            if !doc.endpoint_policy && any_principal(s) && !has_condition(s) {
                c.find(
                    IAM_ANY_PRINCIPAL,
                    doc.resource,
                    format!("{} allows any principal without a condition", doc.property),
                );
            }
        }
    }
}

/// Condition values their operators cannot read (AG-IAM-008).
fn condition_types(c: &mut Ctx, doc: &FoundPolicy<'_>, statement: &Value) {
    let Some(operators) = statement.get("Condition").and_then(Value::as_object) else {
        return;
    };
    for (operator, keys) in operators {
        for (key, values) in keys.as_object().into_iter().flatten() {
            for value in one_or_many(Some(values)) {
                if let Some(expected) = value_type_mismatch(operator, value) {
                    c.find(
                        IAM_CONDITION_TYPE,
                        doc.resource,
                        format!(
                            "{}: {operator} on `{key}` has `{}`, which is not {expected}",
                            doc.property,
                            display(value)
                        ),
                    );
                }
            }
        }
    }
}
