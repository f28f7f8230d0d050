//! What the values of a policy stand for in a request: template names (`${AWS::AccountId}`,
//! `Ref`, `Fn::ImportValue`) take the values the request gives them, and IAM policy variables
//! (`${aws:username}`) take the request context's.

use indexmap::IndexMap;
use serde_json::Value;

use super::policy::Effect;
use super::request::{Request, Slot};
use super::wildcard::Tok;
use crate::template::Intrinsic;

/// What an evaluation of one statement sees: the request, its context (given and derived
/// keys), and the statement's effect (which way an answer AWS does not document leans).
pub(super) struct Env<'a> {
    pub(super) request: &'a Request,
    pub(super) slots: &'a IndexMap<String, Slot>,
    pub(super) effect: Effect,
}

/// The string a policy value stands for once the template's names are given their values.
pub(super) fn resolve(v: &Value, r: &Request) -> std::result::Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        _ => match Intrinsic::classify(v) {
            Some(Intrinsic::Ref(name)) => name_value(name, r),
            Some(Intrinsic::Sub { text, variables }) => {
                let mut vars = IndexMap::new();
                for (k, x) in variables.into_iter().flatten() {
                    vars.insert(k.clone(), resolve(x, r)?);
                }
                sub(text, &vars, r)
            }
            Some(Intrinsic::GetAtt {
                resource,
                attribute,
            }) => name_value(
                &format!("{resource}.{}", attribute.name().unwrap_or_default()),
                r,
            ),
            Some(Intrinsic::ImportValue(x)) => name_value(&resolve(x, r)?, r),
            Some(Intrinsic::Join { delimiter, list }) => {
                let items = list.as_array().ok_or("Fn::Join needs a list")?;
                let parts: std::result::Result<Vec<String>, String> =
                    items.iter().map(|x| resolve(x, r)).collect();
                Ok(parts?.join(delimiter))
            }
            Some(_) => Err(format!(
                "`{v}` is a template function the evaluator does not resolve; give the request its value with `template_value`"
            )),
            None => Err(format!("`{v}` is not a policy value")),
        },
    }
}

fn name_value(name: &str, r: &Request) -> std::result::Result<String, String> {
    let missing = |what: &str| format!("the policy uses `{name}`; give the request {what}");
    match name {
        "AWS::Partition" => r
            .partition_name()
            .map(str::to_string)
            .ok_or_else(|| missing("a partition (or a resource ARN)")),
        "AWS::AccountId" => r.account.clone().ok_or_else(|| missing("an `account`")),
        "AWS::Region" => r.region.clone().ok_or_else(|| missing("a `region`")),
        "AWS::URLSuffix" => Ok(match r.partition_name() {
            Some("aws-cn") => "amazonaws.com.cn".into(),
            _ => "amazonaws.com".into(),
        }),
        _ => r
            .template
            .get(name)
            .cloned()
            .ok_or_else(|| missing("its value with `template_value`")),
    }
}

/// `Fn::Sub`: template names get their values; `${!x}` stays as the policy variable `${x}`.
fn sub(
    s: &str,
    vars: &IndexMap<String, String>,
    r: &Request,
) -> std::result::Result<String, String> {
    crate::template::expand_sub(s, |var| match vars.get(var) {
        Some(v) => Ok(v.clone()),
        None => name_value(var, r),
    })
}

/// Replaces IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
/// `${*}`, `${?}`, `${$}`) with the request's values, as literal text in a pattern.
pub(super) fn substitute(s: &str, env: &Env<'_>) -> std::result::Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    let push_pattern = |out: &mut Vec<Tok>, text: &str| out.extend(super::wildcard::tokens(text));
    while let Some(start) = rest.find("${") {
        push_pattern(&mut out, &rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            push_pattern(&mut out, &rest[start..]);
            rest = "";
            break;
        };
        let var = after[..end].trim();
        let literal = match var {
            "*" => "*".to_string(),
            "?" => "?".to_string(),
            "$" => "$".to_string(),
            _ => {
                let (key, default) = match var.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_string())),
                    None => (var, None),
                };
                match env.slots.get(&key.to_ascii_lowercase()) {
                    Some(Slot::Known(v)) if !v.multivalued && v.values.len() == 1 => {
                        v.values[0].clone()
                    }
                    Some(Slot::Known(_)) => {
                        return Err(format!(
                            "the policy variable `${{{key}}}` names a multivalued key, which cannot be a variable"
                        ));
                    }
                    Some(Slot::Unknown { why, .. }) => return Err(why.clone()),
                    None => match default {
                        Some(d) => d,
                        None => {
                            return Err(format!(
                                "the policy uses the variable `${{{key}}}`; give the request `{key}` in its context"
                            ));
                        }
                    },
                }
            }
        };
        out.extend(literal.chars().map(Tok::Lit));
        rest = &after[end + 1..];
    }
    push_pattern(&mut out, rest);
    Ok(out)
}

pub(super) fn literal(tokens: &[Tok]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Tok::Lit(c) => *c,
            Tok::Star => '*',
            Tok::One => '?',
        })
        .collect()
}
