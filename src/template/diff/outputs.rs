//! The parts of a template around its resources: parameters, outputs and their exports,
//! conditions, mappings, rules.

use std::collections::BTreeSet;

use indexmap::IndexMap;
use serde_json::{Value, json};

use super::super::document::{Output, Parameter, Template};
use super::super::intrinsic::Intrinsic;
use super::Risk;
use super::paths::references;

/// Added, removed or changed.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Action {
    /// Only in the new template.
    Added,
    /// Only in the old template.
    Removed,
    /// In both, different.
    Modified,
}

impl Action {
    /// `added`, `removed` or `modified`.
    pub fn as_str(self) -> &'static str {
        match self {
            Action::Added => "added",
            Action::Removed => "removed",
            Action::Modified => "modified",
        }
    }
}

/// A parameter added, removed or changed.
#[derive(Debug, Clone, PartialEq)]
pub struct ParameterChange {
    /// Its name.
    pub name: String,
    /// Added, removed or modified.
    pub action: Action,
    /// For a modified one, the fields that differ (`Default`, `AllowedValues`, ...).
    pub fields: Vec<String>,
    /// Whether the new parameter has a default (an added one without breaks every update that
    /// does not pass it).
    pub has_default: bool,
}

impl ParameterChange {
    pub(crate) fn risk(&self) -> Option<Risk> {
        (self.action == Action::Added && !self.has_default).then(|| Risk {
            id: self.name.clone(),
            kind: "required-parameter-added",
            message: format!(
                "the new parameter {} has no default: every update of a running stack must now \
                 give it a value; give it a default",
                self.name
            ),
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        json!({"name": self.name, "action": self.action.as_str(), "fields": self.fields,
            "has_default": self.has_default})
    }
}

/// An output added, removed or changed, with its export.
#[derive(Debug, Clone, PartialEq)]
pub struct OutputChange {
    /// Its logical ID.
    pub name: String,
    /// Added, removed or modified.
    pub action: Action,
    /// The old export name, as written (`${AWS::StackName}-VpcId`), if it was exported.
    pub old_export: Option<String>,
    /// The new export name, if it is exported.
    pub new_export: Option<String>,
    /// Whether the value changes: its expression, or a resource it refers to is replaced.
    pub value_changes: bool,
    /// The replaced resources the value refers to (those that only may be replaced too).
    pub via_replaced: Vec<String>,
    /// Of `via_replaced`, those that only may be replaced: the value then may change.
    pub via_may_replace: Vec<String>,
    /// Whether the value's expression itself differs.
    pub expression_changes: bool,
    /// Why the output may be gone after the update, when it may: its `Condition` is new, another
    /// one, or may evaluate otherwise, and an output with a false condition is not there.
    pub may_vanish: Option<String>,
}

impl OutputChange {
    pub(crate) fn risk(&self) -> Option<Risk> {
        let old = self.old_export.as_ref()?;
        // "You can't modify or remove an output value that is referenced by another stack."
        let (kind, message) = if let (Some(why), true) =
            (&self.may_vanish, self.new_export.as_ref() == Some(old))
        {
            (
                "export-removed",
                format!(
                    "the export {old} (output {}) may be removed ({why}): CloudFormation \
                     refuses the update while another stack imports it",
                    self.name
                ),
            )
        } else if self.new_export.as_ref() != Some(old) {
            (
                "export-removed",
                format!(
                    "the export {old} (output {}) is removed: CloudFormation refuses the update \
                     while another stack imports it",
                    self.name
                ),
            )
        } else if self.value_changes {
            let (sure, may): (Vec<&String>, Vec<&String>) = self
                .via_replaced
                .iter()
                .partition(|r| !self.via_may_replace.contains(r));
            let join = |ids: &[&String]| {
                ids.iter()
                    .map(|s| s.as_str())
                    .collect::<Vec<_>>()
                    .join(", ")
            };
            let mut whys = Vec::new();
            if !sure.is_empty() {
                whys.push(format!("{} is replaced", join(&sure)));
            }
            if !may.is_empty() {
                whys.push(format!("{} may be replaced", join(&may)));
            }
            let why = if whys.is_empty() {
                String::new()
            } else {
                format!(" ({})", whys.join("; "))
            };
            // Only a resource that may be replaced stands between the value and a change.
            let changes = if sure.is_empty() && !may.is_empty() && !self.expression_changes {
                "may change"
            } else {
                "changes"
            };
            (
                "export-changed",
                format!(
                    "the value of the export {old} (output {}) {changes}{why}: CloudFormation \
                     refuses the update while another stack imports it",
                    self.name
                ),
            )
        } else {
            return None;
        };
        Some(Risk {
            id: self.name.clone(),
            kind,
            message,
        })
    }

    pub(crate) fn to_value(&self) -> Value {
        json!({"name": self.name, "action": self.action.as_str(), "old_export": self.old_export,
            "new_export": self.new_export, "value_changes": self.value_changes,
            "via_replaced": self.via_replaced, "via_may_replace": self.via_may_replace,
            "may_vanish": self.may_vanish})
    }
}

/// A condition, mapping or rule added, removed or changed, or the description changed.
#[derive(Debug, Clone, PartialEq)]
pub struct SectionChange {
    /// `Conditions`, `Mappings`, `Rules`, `Description`, `Transform`, ...
    pub section: String,
    /// The entry's name (empty for a section that is one value).
    pub name: String,
    /// Added, removed or modified.
    pub action: Action,
}

impl SectionChange {
    pub(crate) fn to_value(&self) -> Value {
        json!({"section": self.section, "name": self.name, "action": self.action.as_str()})
    }
}

fn keyed<'a, T: PartialEq>(
    old: &'a IndexMap<String, T>,
    new: &'a IndexMap<String, T>,
) -> Vec<(&'a str, Action)> {
    let mut out: Vec<(&str, Action)> = Vec::new();
    for (name, v) in new {
        match old.get(name) {
            None => out.push((name, Action::Added)),
            Some(o) if o != v => out.push((name, Action::Modified)),
            Some(_) => {}
        }
    }
    out.extend(
        old.keys()
            .filter(|k| !new.contains_key(*k))
            .map(|k| (k.as_str(), Action::Removed)),
    );
    out
}

pub(crate) fn parameters(old: &Template, new: &Template) -> Vec<ParameterChange> {
    keyed(&old.parameters, &new.parameters)
        .into_iter()
        .map(|(name, action)| {
            let fields = match (old.parameters.get(name), new.parameters.get(name)) {
                (Some(a), Some(b)) => parameter_fields(a, b),
                _ => Vec::new(),
            };
            ParameterChange {
                name: name.to_string(),
                action,
                fields,
                has_default: new
                    .parameters
                    .get(name)
                    .is_some_and(|p| p.default.is_some()),
            }
        })
        .collect()
}

fn parameter_fields(a: &Parameter, b: &Parameter) -> Vec<String> {
    let (a, b) = (a.to_value(), b.to_value());
    let keys: BTreeSet<&String> = a
        .as_object()
        .into_iter()
        .chain(b.as_object())
        .flat_map(|m| m.keys())
        .collect();
    keys.into_iter()
        .filter(|k| a.get(k.as_str()) != b.get(k.as_str()))
        .cloned()
        .collect()
}

fn export_name(o: &Output) -> Option<String> {
    o.export_name
        .as_ref()
        .map(|v| match (v, Intrinsic::classify(v)) {
            (Value::String(s), _) => s.clone(),
            (
                _,
                Some(Intrinsic::Sub {
                    text,
                    variables: None,
                }),
            ) => text.to_string(),
            (other, _) => other.to_string(),
        })
}

pub(crate) fn outputs<'t>(
    old: &'t Template,
    new: &'t Template,
    replaced: &BTreeSet<&str>,
    may_replace: &BTreeSet<&str>,
    conditions: &mut super::spread::ConditionChanges<'t>,
) -> Vec<OutputChange> {
    let mut out = Vec::new();
    for (name, o) in &new.outputs {
        let before = old.outputs.get(name);
        let via_replaced: Vec<String> = references(&o.value)
            .into_iter()
            .filter(|r| replaced.contains(r.as_str()))
            .collect();
        let via_may_replace: Vec<String> = via_replaced
            .iter()
            .filter(|r| may_replace.contains(r.as_str()))
            .cloned()
            .collect();
        let expression_changes = before.is_some_and(|b| b.value != o.value);
        let value_changes = expression_changes || !via_replaced.is_empty();
        let may_vanish = before.and_then(|b| {
            conditions.may_now_be_false(b.condition.as_deref(), o.condition.as_deref())
        });
        let action = match before {
            None => Action::Added,
            Some(b) if b != o || value_changes || may_vanish.is_some() => Action::Modified,
            Some(_) => continue,
        };
        out.push(OutputChange {
            name: name.clone(),
            action,
            old_export: before.and_then(export_name),
            new_export: export_name(o),
            value_changes: before.is_some() && value_changes,
            via_replaced,
            via_may_replace,
            expression_changes,
            may_vanish,
        });
    }
    for (name, o) in old
        .outputs
        .iter()
        .filter(|(k, _)| !new.outputs.contains_key(*k))
    {
        out.push(OutputChange {
            name: name.clone(),
            action: Action::Removed,
            old_export: export_name(o),
            new_export: None,
            value_changes: false,
            via_replaced: Vec::new(),
            via_may_replace: Vec::new(),
            expression_changes: false,
            may_vanish: None,
        });
    }
    out
}

pub(crate) fn sections(old: &Template, new: &Template) -> Vec<SectionChange> {
    let mut out = Vec::new();
    let named = [
        ("Conditions", &old.conditions, &new.conditions),
        ("Mappings", &old.mappings, &new.mappings),
        ("Rules", &old.rules, &new.rules),
        ("Metadata", &old.metadata, &new.metadata),
    ];
    for (section, a, b) in named {
        out.extend(keyed(a, b).into_iter().map(|(name, action)| SectionChange {
            section: section.into(),
            name: name.into(),
            action,
        }));
    }
    if old.description != new.description {
        out.push(SectionChange {
            section: "Description".into(),
            name: String::new(),
            action: Action::Modified,
        });
    }
    for (section, action) in keyed(&old.other, &new.other) {
        out.push(SectionChange {
            section: section.into(),
            name: String::new(),
            action,
        });
    }
    out
}
