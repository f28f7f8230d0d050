//! Reading existing policy JSON into the typed model, with errors that give the JSON path.

use crate::template::json_kind as kind;
use serde_json::Value;

use super::condition::{Condition, ConditionKey, ConditionOperator, SetQualifier};
use super::error::IamError;
use super::names::{Action, Arn, unescape_sub};
use super::policy::{Effect, Lists, PolicyDocument, Principal, PrincipalEntry, Statement};
use crate::error::{Error, Result};
use crate::template::{Expr, Intrinsic};

fn err(path: &str, message: impl Into<String>) -> Error {
    IamError::PolicyJson {
        path: path.to_string(),
        message: message.into(),
    }
    .into()
}

/// One value or a list of them, remembering which.
fn one_or_list<'a>(v: &'a Value, path: &str) -> Result<(Vec<(String, &'a Value)>, bool)> {
    match v {
        Value::Array(items) => {
            if items.is_empty() {
                return Err(err(path, "the list is empty; give at least one value"));
            }
            Ok((
                items
                    .iter()
                    .enumerate()
                    .map(|(i, x)| (format!("{path}[{i}]"), x))
                    .collect(),
                true,
            ))
        }
        other => Ok((vec![(path.to_string(), other)], false)),
    }
}

fn string<'a>(v: &'a Value, path: &str, what: &str) -> Result<&'a str> {
    v.as_str()
        .ok_or_else(|| err(path, format!("{what} must be a string, not {}", kind(v))))
}

/// Whether `v` is a CloudFormation intrinsic function (`{"Fn::Sub": ...}`, `{"Ref": ...}`).
fn is_intrinsic(v: &Value) -> bool {
    Intrinsic::classify(v).is_some_and(|f| f.function() != "Condition")
}

impl PolicyDocument {
    /// Reads a policy document from JSON text.
    ///
    /// ```
    /// use airgap::iam::PolicyDocument;
    /// let json = r#"{"Statement": [{"Effect": "Allow", "Principal": "*",
    ///     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my_secure_bucket/*"}]}"#;
    /// let policy = PolicyDocument::from_json(json)?;
    /// assert_eq!(policy.to_value(), serde_json::from_str::<serde_json::Value>(json).unwrap());
    /// let wrong = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Alow"}]}"#);
    /// assert!(wrong.unwrap_err().to_string().contains("$.Statement[0].Effect"));
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        let v: Value = serde_json::from_str(text).map_err(|e| {
            err(
                "$",
                format!("not JSON: {e} (line {}, column {})", e.line(), e.column()),
            )
        })?;
        Self::from_value(&v)
    }

    /// Reads a policy document from a JSON value, such as the `PolicyDocument` property of a
    /// template's resource (CloudFormation intrinsics such as `Fn::Sub` are kept as written).
    pub fn from_value(v: &Value) -> Result<Self> {
        let Some(m) = v.as_object() else {
            return Err(err("$", format!("a policy is an object, not {}", kind(v))));
        };
        let mut doc = PolicyDocument::new();
        doc.version = None;
        for (k, value) in m {
            let path = format!("$.{k}");
            match k.as_str() {
                "Version" => {
                    let version = string(value, &path, "Version")?;
                    if version != "2012-10-17" && version != "2008-10-17" {
                        return Err(err(
                            &path,
                            format!("unknown version `{version}`; use 2012-10-17"),
                        ));
                    }
                    doc.version = Some(version.to_string());
                }
                "Id" => doc.id = Some(string(value, &path, "Id")?.to_string()),
                "Statement" => {
                    let (items, list) = one_or_list(value, &path)?;
                    doc.statement_list = list;
                    for (p, item) in items {
                        doc.statements.push(statement(item, &p)?);
                    }
                }
                other => {
                    return Err(err(
                        &path,
                        format!("unknown field `{other}`; a policy has Version, Id and Statement"),
                    ));
                }
            }
        }
        if !m.contains_key("Statement") {
            return Err(err("$", "the policy has no Statement"));
        }
        Ok(doc)
    }
}

impl std::str::FromStr for PolicyDocument {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::from_json(s)
    }
}

fn statement(v: &Value, path: &str) -> Result<Statement> {
    let Some(m) = v.as_object() else {
        return Err(err(
            path,
            format!("a statement is an object, not {}", kind(v)),
        ));
    };
    let effect = match m.get("Effect") {
        Some(Value::String(e)) if e == "Allow" => Effect::Allow,
        Some(Value::String(e)) if e == "Deny" => Effect::Deny,
        Some(other) => {
            return Err(err(
                &format!("{path}.Effect"),
                format!("Effect is `Allow` or `Deny`, not {other}"),
            ));
        }
        None => return Err(err(path, "the statement has no Effect")),
    };
    let mut s = if effect == Effect::Allow {
        Statement::allow()
    } else {
        Statement::deny()
    };
    s.lists = Lists {
        action: true,
        not_action: true,
        resource: true,
        not_resource: true,
    };
    for (k, value) in m {
        let p = format!("{path}.{k}");
        match k.as_str() {
            "Effect" => {}
            "Sid" => s.sid = Some(string(value, &p, "Sid")?.to_string()),
            "Principal" => s.principal = Some(principal(value, &p)?),
            "NotPrincipal" => s.not_principal = Some(principal(value, &p)?),
            "Action" | "NotAction" => {
                let (items, list) = one_or_list(value, &p)?;
                let mut names = Vec::new();
                for (ip, item) in items {
                    let name = string(item, &ip, "an action")?;
                    Action::new(name).map_err(|e| err(&ip, e.to_string()))?;
                    names.push(name.to_string());
                }
                if k == "Action" {
                    s.actions = names;
                    s.lists.action = list;
                } else {
                    s.not_actions = names;
                    s.lists.not_action = list;
                }
            }
            "Resource" | "NotResource" => {
                let (items, list) = one_or_list(value, &p)?;
                let only_star = items.len() == 1 && items[0].1.as_str() == Some("*");
                if k == "Resource" && only_star {
                    s.any_resource = true;
                    s.lists.resource = list;
                    continue;
                }
                let mut arns = Vec::new();
                for (ip, item) in items {
                    arns.push(resource(item, &ip)?);
                }
                if k == "Resource" {
                    s.resources = arns;
                    s.lists.resource = list;
                } else {
                    s.not_resources = arns;
                    s.lists.not_resource = list;
                }
            }
            "Condition" => s.conditions = conditions(value, &p)?,
            other => {
                return Err(err(
                    &p,
                    format!(
                        "unknown field `{other}`; a statement has Sid, Effect, Principal, NotPrincipal, Action, NotAction, Resource, NotResource and Condition"
                    ),
                ));
            }
        }
    }
    if s.actions.is_empty() && s.not_actions.is_empty() {
        return Err(err(path, "the statement has neither Action nor NotAction"));
    }
    Ok(s)
}

fn resource(v: &Value, path: &str) -> Result<Arn> {
    match v {
        Value::String(text) if text == "*" => Ok(Arn::from_expr(Expr::str("*"))),
        Value::String(text) => Arn::new(text.clone()).map_err(|e| err(path, e.to_string())),
        Value::Object(_) if is_intrinsic(v) => {
            // A `Fn::Sub` of one string is an ARN whose template names are resolved later;
            // keep it typed when its text is an ARN, as written otherwise.
            if let Some(Intrinsic::Sub { text: sub, .. }) = Intrinsic::classify(v) {
                let text = unescape_sub(sub);
                if crate::template::sub_variables(sub).next().is_some()
                    && let Ok(arn) = Arn::new(text)
                    && arn.to_value() == *v
                {
                    return Ok(arn);
                }
            }
            Ok(Arn::from_expr(Expr::Literal(v.clone())))
        }
        other => Err(err(
            path,
            format!(
                "a resource is an ARN string or a template function, not {}",
                kind(other)
            ),
        )),
    }
}

const PRINCIPAL_KINDS: [&str; 4] = ["AWS", "Service", "Federated", "CanonicalUser"];

fn principal(v: &Value, path: &str) -> Result<Principal> {
    match v {
        Value::String(s) if s == "*" => Ok(Principal::Any),
        Value::Object(m) => {
            let mut entries = Vec::new();
            for (k, value) in m {
                let p = format!("{path}.{k}");
                if !PRINCIPAL_KINDS.contains(&k.as_str()) {
                    return Err(err(
                        &p,
                        format!(
                            "unknown principal type `{k}`; use AWS, Service, Federated or CanonicalUser"
                        ),
                    ));
                }
                let (items, list) = one_or_list(value, &p)?;
                let mut values = Vec::new();
                for (ip, item) in items {
                    if !(item.is_string() || is_intrinsic(item)) {
                        return Err(err(
                            &ip,
                            format!(
                                "a principal is a string or a template function, not {}",
                                kind(item)
                            ),
                        ));
                    }
                    values.push(Expr::Literal(item.clone()));
                }
                entries.push(PrincipalEntry {
                    kind: k.clone(),
                    values,
                    list,
                });
            }
            if entries.is_empty() {
                return Err(err(path, "the principal names nobody"));
            }
            Ok(Principal::Written(entries))
        }
        other => Err(err(
            path,
            format!("a principal is `\"*\"` or an object such as {{\"AWS\": ...}}, not {other}"),
        )),
    }
}

/// Splits `ForAnyValue:StringLikeIfExists` into its parts.
pub(super) fn operator(name: &str) -> Option<(Option<SetQualifier>, ConditionOperator, bool)> {
    let (set, rest) = if let Some(r) = name.strip_prefix("ForAllValues:") {
        (Some(SetQualifier::ForAllValues), r)
    } else if let Some(r) = name.strip_prefix("ForAnyValue:") {
        (Some(SetQualifier::ForAnyValue), r)
    } else {
        (None, name)
    };
    if let Some(op) = ConditionOperator::from_name(rest) {
        return Some((set, op, false));
    }
    let base = rest.strip_suffix("IfExists")?;
    let op = ConditionOperator::from_name(base)?;
    // `NullIfExists` means nothing: Null already asks whether the key exists.
    (op != ConditionOperator::Null).then_some((set, op, true))
}

fn conditions(v: &Value, path: &str) -> Result<Vec<Condition>> {
    let Some(ops) = v.as_object() else {
        return Err(err(
            path,
            format!("a Condition is an object, not {}", kind(v)),
        ));
    };
    let mut out = Vec::new();
    for (op_name, keys) in ops {
        let p = format!("{path}.{op_name}");
        let Some((set, op, if_exists)) = operator(op_name) else {
            return Err(err(
                &p,
                format!(
                    "unknown condition operator `{op_name}`; operators are such as StringEquals, ArnLike, IpAddress, Bool, Null, with `ForAllValues:`/`ForAnyValue:` before and `IfExists` after"
                ),
            ));
        };
        let Some(keys) = keys.as_object() else {
            return Err(err(
                &p,
                format!("an operator maps keys to values, not {}", kind(keys)),
            ));
        };
        if keys.is_empty() {
            return Err(err(&p, "the operator has no key"));
        }
        for (key, values) in keys {
            let kp = format!("{p}.{key}");
            let key = ConditionKey::new(key.clone()).map_err(|e| err(&kp, e.to_string()))?;
            let (items, list) = one_or_list(values, &kp)?;
            let mut vals = Vec::new();
            for (ip, item) in items {
                if item.is_null() || item.is_array() || (item.is_object() && !is_intrinsic(item)) {
                    return Err(err(
                        &ip,
                        format!(
                            "a condition value is a string, number, boolean or template function, not {}",
                            kind(item)
                        ),
                    ));
                }
                vals.push(Expr::Literal(item.clone()));
            }
            out.push(Condition {
                operator: op,
                set,
                if_exists,
                key,
                values: vals,
                list,
            });
        }
    }
    Ok(out)
}
