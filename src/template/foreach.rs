//! `Fn::ForEach`, of the `AWS::LanguageExtensions` transform, expanded where its collection is
//! known, so the checks see (and name) the resources, outputs and conditions it generates.
//!
//! `"Fn::ForEach::Name": [Identifier, Collection, {OutputKey: OutputValue}]` repeats the
//! fragment for each item of the collection: `${Identifier}` in a key becomes the item and
//! `&{Identifier}` the item without its non-alphanumeric characters; in values, `Ref:
//! Identifier` and `${Identifier}` in an `Fn::Sub` become the item. A collection is known when it
//! is a literal list, or a `Ref` to a list parameter with a default (what a launch with defaults
//! gets). A loop over a collection known only at launch is expanded once, with the identifier
//! left as `${Identifier}`, so its body is still checked.

use serde_json::{Map, Value};

use super::intrinsic::{Intrinsic, ref_name};
use crate::error::{Error, Location, Result};

/// How many entries loops may generate in all: far more than CloudFormation's 500 resources,
/// while a loop nested in loops over long lists is refused instead of filling memory.
const MAX_GENERATED: usize = 100_000;

const PREFIX: &str = "Fn::ForEach::";

/// Whether `v` holds a loop anywhere.
fn has_loop(v: &Value) -> bool {
    match v {
        Value::Object(m) => m.iter().any(|(k, v)| k.starts_with(PREFIX) || has_loop(v)),
        Value::Array(a) => a.iter().any(has_loop),
        _ => false,
    }
}

/// The template `doc` with every `Fn::ForEach` expanded (unchanged when it has none).
pub(crate) fn expand_loops(doc: &Value) -> Result<Option<Value>> {
    if !has_loop(doc) {
        return Ok(None);
    }
    let parameters = doc.get("Parameters").and_then(Value::as_object);
    let mut budget = MAX_GENERATED;
    expand(doc, parameters, &mut budget).map(Some)
}

fn invalid(name: &str, message: impl Into<String>) -> Error {
    Error::Invalid {
        at: Location::new(format!("`{PREFIX}{name}`"), "arguments"),
        message: message.into(),
    }
}

fn expand(v: &Value, parameters: Option<&Map<String, Value>>, budget: &mut usize) -> Result<Value> {
    match v {
        Value::Array(items) => items
            .iter()
            .map(|i| expand(i, parameters, budget))
            .collect::<Result<_>>()
            .map(Value::Array),
        Value::Object(m) => expand_map(m, parameters, budget).map(Value::Object),
        other => Ok(other.clone()),
    }
}

fn expand_map(
    m: &Map<String, Value>,
    parameters: Option<&Map<String, Value>>,
    budget: &mut usize,
) -> Result<Map<String, Value>> {
    let mut out = Map::new();
    for (k, v) in m {
        let Some(name) = k.strip_prefix(PREFIX) else {
            out.insert(k.clone(), expand(v, parameters, budget)?);
            continue;
        };
        let Some([Value::String(ident), collection, Value::Object(fragment)]) =
            v.as_array().map(Vec::as_slice)
        else {
            return Err(invalid(
                name,
                "must be [Identifier, Collection, {OutputKey: OutputValue}]",
            ));
        };
        let items = collection_items(collection, parameters)
            .unwrap_or_else(|| vec![format!("${{{ident}}}")]);
        for item in &items {
            // The fragment for this item, itself expanded: it may hold loops.
            let one: Map<String, Value> = fragment
                .iter()
                .map(|(key, value)| {
                    (
                        substitute_key(key, ident, item),
                        substitute(value, ident, item),
                    )
                })
                .collect();
            for (key, value) in expand_map(&one, parameters, budget)? {
                *budget = budget.checked_sub(1).ok_or_else(|| {
                    invalid(name, format!("generates more than {MAX_GENERATED} entries"))
                })?;
                if out.contains_key(&key) {
                    return Err(invalid(
                        name,
                        format!(
                            "generates `{key}` twice; give each item its own key with ${{{ident}}} or &{{{ident}}}"
                        ),
                    ));
                }
                out.insert(key, value);
            }
        }
    }
    Ok(out)
}

/// The items of a collection known before launch.
fn collection_items(v: &Value, parameters: Option<&Map<String, Value>>) -> Option<Vec<String>> {
    let scalar = |x: &Value| match x {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    };
    match v {
        Value::Array(items) => items.iter().map(scalar).collect(),
        _ => {
            let name = ref_name(v)?;
            match parameters?.get(name)?.get("Default")? {
                Value::String(s) => Some(s.split(',').map(|p| p.trim().to_string()).collect()),
                Value::Array(items) => items.iter().map(scalar).collect(),
                _ => None,
            }
        }
    }
}

/// A key with `${Identifier}` and `&{Identifier}` replaced.
fn substitute_key(key: &str, ident: &str, item: &str) -> String {
    let alphanumeric: String = item.chars().filter(char::is_ascii_alphanumeric).collect();
    key.replace(&format!("${{{ident}}}"), item)
        .replace(&format!("&{{{ident}}}"), &alphanumeric)
}

/// A value with `Ref: Identifier` and `${Identifier}` in `Fn::Sub` replaced by the item.
fn substitute(v: &Value, ident: &str, item: &str) -> Value {
    match v {
        Value::Array(items) => {
            Value::Array(items.iter().map(|i| substitute(i, ident, item)).collect())
        }
        _ if ref_name(v) == Some(ident) => Value::String(item.to_string()),
        Value::Object(m) => {
            let sub = matches!(Intrinsic::classify(v), Some(Intrinsic::Sub { .. }));
            Value::Object(
                m.iter()
                    .map(|(k, v)| {
                        let mut v = substitute(v, ident, item);
                        if sub {
                            // The text of an `Fn::Sub`, alone or first in its list.
                            let text = match &mut v {
                                Value::Array(parts) => parts.first_mut(),
                                text => Some(text),
                            };
                            if let Some(Value::String(s)) = text {
                                *s = substitute_key(s, ident, item);
                            }
                        }
                        (substitute_key(k, ident, item), v)
                    })
                    .collect(),
            )
        }
        other => other.clone(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn a_loop_over_a_literal_list_generates_one_entry_per_item() {
        let doc = json!({"Resources": {"Fn::ForEach::Topics": ["Name", ["Alpha", "beta-2"], {
            "Topic${Name}": {"Type": "AWS::SNS::Topic", "Properties": {"TopicName": {"Ref": "Name"},
                "DisplayName": {"Fn::Sub": "t-${Name}"}}},
            "Queue&{Name}": {"Type": "AWS::SQS::Queue"}
        }]}});
        let out = expand_loops(&doc).unwrap().unwrap();
        let r = &out["Resources"];
        assert_eq!(r["TopicAlpha"]["Properties"]["TopicName"], "Alpha");
        assert_eq!(
            r["Topicbeta-2"]["Properties"]["DisplayName"],
            json!({"Fn::Sub": "t-beta-2"})
        );
        assert!(r.get("Queuebeta2").is_some() && r.get("QueueAlpha").is_some());
        assert!(r.get("Fn::ForEach::Topics").is_none());
    }

    #[test]
    fn a_list_parameter_s_default_is_the_collection_and_an_unknown_one_expands_once() {
        let doc = json!({"Parameters": {"Names": {"Type": "CommaDelimitedList", "Default": "a, b"}},
            "Resources": {"Fn::ForEach::L": ["N", {"Ref": "Names"}, {"R${N}": {"Type": "X"}}],
                "Fn::ForEach::M": ["N", {"Fn::Split": [",", {"Ref": "Other"}]}, {"S${N}": {"Type": "X"}}]}});
        let out = expand_loops(&doc).unwrap().unwrap();
        let keys: Vec<&String> = out["Resources"].as_object().unwrap().keys().collect();
        assert_eq!(keys, ["Ra", "Rb", "S${N}"]);
    }

    #[test]
    fn nested_loops_expand_and_their_size_is_bounded() {
        let doc = json!({"Resources": {"Fn::ForEach::Outer": ["A", ["x", "y"], {
            "Fn::ForEach::Inner": ["B", ["1", "2"], {"R${A}${B}": {"Type": "X"}}]}]}});
        let out = expand_loops(&doc).unwrap().unwrap();
        assert_eq!(out["Resources"].as_object().unwrap().len(), 4);
        let items: Vec<String> = (0..400).map(|i| i.to_string()).collect();
        let bomb = json!({"Resources": {"Fn::ForEach::A": ["A", items, {
            "Fn::ForEach::B": ["B", items, {"R${A}x${B}": {"Type": "X"}}]}]}});
        assert!(expand_loops(&bomb).is_err());
    }

    #[test]
    fn a_malformed_loop_or_a_repeated_key_is_refused() {
        assert!(expand_loops(&json!({"Resources": {"Fn::ForEach::L": ["N", ["a"]]}})).is_err());
        let same =
            json!({"Resources": {"Fn::ForEach::L": ["N", ["a", "b"], {"R": {"Type": "X"}}]}});
        assert!(
            expand_loops(&same)
                .unwrap_err()
                .to_string()
                .contains("twice")
        );
        assert_eq!(expand_loops(&json!({"Resources": {}})).unwrap(), None);
    }
}
