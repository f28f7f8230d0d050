//! What updating a stack from one template to another does: resources added, removed, modified
//! in place or replaced (with the create-only property that forces it), parameters, outputs and
//! exports, conditions and mappings, and the `DeletionPolicy` / `UpdateReplacePolicy` effects.
//!
//! It reads two [`Template`]s only, offline: replacement comes from CloudFormation's resource
//! schemas (`createOnlyProperties`, `conditionalCreateOnlyProperties`, a generated table), and a
//! short hand-kept table says which resource types hold data.
//!
//! ```
//! use airgap::template::{Template, diff};
//! let old = Template::from_yaml(
//!     "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.0.0.0/16\n",
//! )?;
//! let new = Template::from_yaml(
//!     "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: 10.1.0.0/16\n",
//! )?;
//! let d = diff(&old, &new);
//! assert_eq!(d.resources[0].action, airgap::template::ResourceAction::Replaced);
//! assert_eq!(d.risks()[0].id, "Vpc");
//! # Ok::<(), airgap::Error>(())
//! ```

mod outputs;
mod paths;
mod renames;
mod spread;
mod table;

use std::collections::BTreeSet;

use serde_json::{Value, json};

use super::document::{DeletionPolicy, Resource, Template};
pub use outputs::{Action as EntryAction, OutputChange, ParameterChange, SectionChange};
use paths::{Path, changed_leaves, references, values_at};
pub use table::create_only_properties;

/// What an update does to one resource.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum ResourceAction {
    /// New in the new template: created.
    Added,
    /// Gone from the new template: deleted (or kept, with `DeletionPolicy: Retain`).
    Removed,
    /// Updated in place.
    Modified,
    /// Updated in place, or replaced, depending on values known only at deploy time.
    MayReplace,
    /// Kept or deleted, depending on values known only at deploy time: its `Condition` changes,
    /// and where the condition is false at the update, CloudFormation deletes the resource.
    MayRemove,
    /// Replaced: a new physical resource is created and the old one deleted.
    Replaced,
}

impl ResourceAction {
    /// The lower-case name used in JSON and text (`may_replace`, ...).
    pub fn as_str(self) -> &'static str {
        match self {
            ResourceAction::Added => "added",
            ResourceAction::Removed => "removed",
            ResourceAction::Modified => "modified",
            ResourceAction::MayReplace => "may_replace",
            ResourceAction::MayRemove => "may_remove",
            ResourceAction::Replaced => "replaced",
        }
    }
}

/// What happens to the old physical resource when it is deleted or replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Fate {
    /// Deleted, with whatever it held.
    Deleted,
    /// Kept in the account but no longer managed by the stack: an orphan.
    Retained,
    /// Deleted after a final snapshot.
    Snapshot,
}

impl Fate {
    /// The fate of a resource the update removes, by its `DeletionPolicy`: "If a resource has
    /// no DeletionPolicy attribute, AWS CloudFormation deletes the resource by default", with
    /// one exception: "The default policy is Snapshot for AWS::RDS::DBCluster resources and for
    /// AWS::RDS::DBInstance resources that don't specify the DBClusterIdentifier property."
    ///
    /// `RetainExceptOnCreate` "behaves like Retain for stack operations, except for the stack
    /// operation that initially created the resource": an update that removes the resource
    /// retains it. (The template model keeps that policy as written, among the attributes it
    /// does not model.)
    fn on_removal(policy: Option<DeletionPolicy>, resource_type: &str, r: &Resource) -> Fate {
        let written = r.other.get("DeletionPolicy").and_then(Value::as_str);
        match policy {
            Some(policy) => Fate::by(policy),
            None if written == Some("RetainExceptOnCreate") => Fate::Retained,
            None if resource_type == "AWS::RDS::DBCluster"
                || (resource_type == "AWS::RDS::DBInstance"
                    && !r.properties.contains_key("DBClusterIdentifier")) =>
            {
                Fate::Snapshot
            }
            None => Fate::Deleted,
        }
    }

    /// The fate of the old resource when the update replaces it, by the `UpdateReplacePolicy`:
    /// "By default, CloudFormation then deletes the old resource." The `DeletionPolicy` and its
    /// Snapshot default for databases do not count: it "doesn't apply to resources whose
    /// physical instance is replaced during stack update operations".
    fn on_replacement(policy: Option<DeletionPolicy>) -> Fate {
        policy.map_or(Fate::Deleted, Fate::by)
    }

    fn by(policy: DeletionPolicy) -> Fate {
        match policy {
            DeletionPolicy::Retain => Fate::Retained,
            DeletionPolicy::Snapshot => Fate::Snapshot,
            DeletionPolicy::Delete => Fate::Deleted,
        }
    }

    /// `deleted`, `retained` or `snapshot`.
    pub fn as_str(self) -> &'static str {
        match self {
            Fate::Deleted => "deleted",
            Fate::Retained => "retained",
            Fate::Snapshot => "snapshot",
        }
    }
}

/// One property path whose value differs.
#[derive(Debug, Clone, PartialEq)]
pub struct PropertyChange {
    /// The path, `CidrBlock` or `PolicyDocument.Statement[0].Action`; resource attributes that
    /// are not properties are named as such (`DeletionPolicy`, `Condition`, `Type`, ...).
    pub path: String,
    /// The old value, if there was one.
    pub old: Option<Value>,
    /// The new value, if there is one.
    pub new: Option<Value>,
    /// Why this change replaces the resource (or may), when it does.
    pub replaces: Option<String>,
}

/// What an update does to one resource, with why.
#[derive(Debug, Clone, PartialEq)]
pub struct ResourceChange {
    /// Its logical ID.
    pub logical_id: String,
    /// Its type (the new one, when it is still there).
    pub resource_type: String,
    /// Added, removed, modified, may be replaced, may be removed or replaced.
    pub action: ResourceAction,
    /// The paths that changed, in the order the properties are written.
    pub properties: Vec<PropertyChange>,
    /// Why it is replaced (or may be): the create-only property, or the replaced resource a
    /// create-only property refers to.
    pub causes: Vec<String>,
    /// For a removed or replaced resource: what happens to the old one.
    pub fate: Option<Fate>,
    /// Why its type is stateful, when it is (`holds objects`).
    pub stateful: Option<&'static str>,
    /// For a removed resource that looks renamed: the new logical ID.
    pub renamed_to: Option<String>,
    /// For an added resource that looks renamed: the old logical ID.
    pub renamed_from: Option<String>,
    /// Parameters it refers to whose default (or type) changes: a stack that keeps the default
    /// gets new values here, updated in place unless a cause says otherwise.
    pub via_parameters: Vec<String>,
}

impl ResourceChange {
    /// True when the update deletes or replaces something stateful (a retained one is still
    /// left behind, and everything launched into it must move).
    pub fn is_risky(&self) -> bool {
        self.stateful.is_some()
            && matches!(
                self.action,
                ResourceAction::Removed
                    | ResourceAction::Replaced
                    | ResourceAction::MayReplace
                    | ResourceAction::MayRemove
            )
    }
}

/// What makes an update risky: exit 1 of `airgap diff`, unless allowed by its `id`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Risk {
    /// The logical ID of the resource, output or parameter it is about.
    pub id: String,
    /// A stable kind: `stateful-replaced`, `stateful-removed`, `export-removed`,
    /// `export-changed`, `required-parameter-added`.
    pub kind: &'static str,
    /// What happens, in a sentence.
    pub message: String,
}

/// A likely rename: a resource removed and one of the same type added with near-identical
/// properties. CloudFormation sees a deletion and a creation.
#[derive(Debug, Clone, PartialEq)]
pub struct Rename {
    /// The old logical ID.
    pub from: String,
    /// The new logical ID.
    pub to: String,
    /// The resource type.
    pub resource_type: String,
    /// The share of property values the two have in common, 0 to 1.
    pub similarity: f64,
}

/// Everything an update from one template to another changes. Built by [`diff`].
#[derive(Debug, Clone, PartialEq, Default)]
pub struct TemplateDiff {
    /// Resources that change, in template order (removed ones where they stood).
    pub resources: Vec<ResourceChange>,
    /// Likely renames.
    pub renames: Vec<Rename>,
    /// Parameters added, removed or changed.
    pub parameters: Vec<ParameterChange>,
    /// Outputs added, removed or changed, with their exports.
    pub outputs: Vec<OutputChange>,
    /// Conditions, mappings, rules and the description, added, removed or changed.
    pub sections: Vec<SectionChange>,
}

impl TemplateDiff {
    /// True when the two templates make the same stack.
    pub fn is_empty(&self) -> bool {
        self.resources.is_empty()
            && self.parameters.is_empty()
            && self.outputs.is_empty()
            && self.sections.is_empty()
    }

    /// What makes the update risky, in order: resources, then outputs, then parameters.
    pub fn risks(&self) -> Vec<Risk> {
        let mut risks = Vec::new();
        for r in self.resources.iter().filter(|r| r.is_risky()) {
            let fate = r.fate.map(Fate::as_str).unwrap_or("deleted");
            let (kind, what, is) = match r.action {
                ResourceAction::Removed => ("stateful-removed", "is removed", "is"),
                ResourceAction::MayRemove => ("stateful-removed", "may be removed", "would be"),
                ResourceAction::MayReplace => ("stateful-replaced", "may be replaced", "would be"),
                _ => ("stateful-replaced", "is replaced", "is"),
            };
            let mut message = format!(
                "{} ({}) {what}: the old one {is} {fate} (stateful: {})",
                r.logical_id,
                r.resource_type,
                r.stateful.unwrap_or("holds data")
            );
            if let Some(to) = &r.renamed_to {
                message.push_str(&format!(
                    "; it looks renamed to {to}: keep the logical ID {} to update it in place",
                    r.logical_id
                ));
            }
            risks.push(Risk {
                id: r.logical_id.clone(),
                kind,
                message,
            });
        }
        risks.extend(self.outputs.iter().filter_map(OutputChange::risk));
        risks.extend(self.parameters.iter().filter_map(ParameterChange::risk));
        risks
    }

    /// The diff as JSON, for other tools.
    pub fn to_value(&self) -> Value {
        let resources: Vec<Value> = self.resources.iter().map(resource_value).collect();
        let renames: Vec<Value> = self
            .renames
            .iter()
            .map(|r| {
                json!({"from": r.from, "to": r.to, "type": r.resource_type,
                "similarity": (r.similarity * 100.0).round() / 100.0})
            })
            .collect();
        let risks: Vec<Value> = self
            .risks()
            .iter()
            .map(|r| json!({"id": r.id, "kind": r.kind, "message": r.message}))
            .collect();
        json!({
            "resources": resources,
            "renames": renames,
            "parameters": self.parameters.iter().map(ParameterChange::to_value).collect::<Vec<_>>(),
            "outputs": self.outputs.iter().map(OutputChange::to_value).collect::<Vec<_>>(),
            "sections": self.sections.iter().map(SectionChange::to_value).collect::<Vec<_>>(),
            "risks": risks,
            "create_only_source": table::create_only_source(),
        })
    }
}

fn resource_value(r: &ResourceChange) -> Value {
    let props: Vec<Value> = r
        .properties
        .iter()
        .map(|p| json!({"path": p.path, "old": p.old, "new": p.new, "replaces": p.replaces}))
        .collect();
    json!({
        "logical_id": r.logical_id,
        "type": r.resource_type,
        "action": r.action.as_str(),
        "properties": props,
        "causes": r.causes,
        "fate": r.fate.map(Fate::as_str),
        "stateful": r.stateful,
        "renamed_to": r.renamed_to,
        "renamed_from": r.renamed_from,
        "via_parameters": r.via_parameters,
    })
}

/// What updating a stack from `old` to `new` does.
///
/// Replacement follows the resource schemas: a changed create-only property replaces the
/// resource; a conditionally create-only one, or a create-only one whose value is computed at
/// deploy time (an intrinsic, or a `Ref` to a parameter whose definition changed), may; and a
/// create-only property that refers to a replaced resource replaces this one too.
///
/// A removed resource whose properties are near-identical to an added one's of its type is
/// marked as looking renamed. That search compares each removed resource with each added one,
/// so it is not made when either template has more resources than
/// [`quota::RESOURCES`](super::quota::RESOURCES), as no stack update goes from or to such a
/// template.
///
/// ```
/// use airgap::template::{Template, diff};
/// let old = Template::parse(r#"{"Resources": {"Data": {"Type": "AWS::S3::Bucket",
///     "Properties": {"BucketName": "team-data"}}}}"#)?;
/// let new = Template::parse(r#"{"Resources": {"Data": {"Type": "AWS::S3::Bucket",
///     "Properties": {"BucketName": "team-data-v2"}}}}"#)?;
/// let change = diff(&old, &new);
/// // A bucket's name is create-only: the update replaces a resource that holds data.
/// assert_eq!(change.risks()[0].kind, "stateful-replaced");
/// assert!(diff(&old, &old).is_empty());
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn diff(old: &Template, new: &Template) -> TemplateDiff {
    let changed_params = outputs::parameters(old, new);
    // Parameters whose value may differ at the update: a new default or type.
    let touched_params: BTreeSet<&str> = changed_params
        .iter()
        .filter(|p| p.action == EntryAction::Modified)
        .filter(|p| p.fields.iter().any(|f| f == "Default" || f == "Type"))
        .map(|p| p.name.as_str())
        .collect();
    let mut changes: Vec<ResourceChange> = Vec::new();
    for (id, new_r) in &new.resources {
        let change = match old.resources.get(id) {
            None => Some(added(id, new_r)),
            Some(old_r) => compare(id, old_r, new_r, &touched_params),
        };
        changes.extend(change);
    }
    let mut conditions = spread::ConditionChanges::new(old, new, &touched_params);
    spread::conditional(old, new, &mut conditions, &mut changes);
    spread::cascade(new, &mut changes);
    renames::place_removed(old, new, &mut changes);
    let renames = renames::find_renames(old, new, &mut changes);
    let replaced: BTreeSet<&str> = changes
        .iter()
        .filter(|c| c.action != ResourceAction::Modified && c.action != ResourceAction::Added)
        .map(|c| c.logical_id.as_str())
        .collect();
    let may_replace: BTreeSet<&str> = changes
        .iter()
        .filter(|c| c.action == ResourceAction::MayReplace)
        .map(|c| c.logical_id.as_str())
        .collect();
    let outputs = outputs::outputs(old, new, &replaced, &may_replace, &mut conditions);
    let sections = outputs::sections(old, new);
    TemplateDiff {
        resources: changes,
        renames,
        parameters: changed_params,
        outputs,
        sections,
    }
}

fn base(id: &str, r: &Resource, action: ResourceAction) -> ResourceChange {
    ResourceChange {
        logical_id: id.to_string(),
        resource_type: r.resource_type.clone(),
        action,
        properties: Vec::new(),
        causes: Vec::new(),
        fate: None,
        stateful: table::stateful(&r.resource_type),
        renamed_to: None,
        renamed_from: None,
        via_parameters: Vec::new(),
    }
}

fn added(id: &str, r: &Resource) -> ResourceChange {
    base(id, r, ResourceAction::Added)
}

fn removed(id: &str, r: &Resource) -> ResourceChange {
    let mut c = base(id, r, ResourceAction::Removed);
    c.fate = Some(Fate::on_removal(r.deletion_policy, &r.resource_type, r));
    c
}

/// The attributes of a resource other than its properties, as values to compare.
fn attributes(r: &Resource) -> Vec<(&'static str, Value)> {
    let policy = |p: Option<DeletionPolicy>| p.map_or(Value::Null, |p| p.as_str().into());
    let mut attrs = vec![
        (
            "Condition",
            r.condition.clone().map_or(Value::Null, Value::from),
        ),
        ("DependsOn", json!(r.depends_on)),
        ("DeletionPolicy", policy(r.deletion_policy)),
        ("UpdateReplacePolicy", policy(r.update_replace_policy)),
        (
            "Metadata",
            Value::Object(r.metadata.clone().into_iter().collect()),
        ),
    ];
    for key in ["CreationPolicy", "UpdatePolicy"] {
        attrs.push((key, r.other.get(key).cloned().unwrap_or(Value::Null)));
    }
    attrs
}

fn compare(
    id: &str,
    old: &Resource,
    new: &Resource,
    touched_params: &BTreeSet<&str>,
) -> Option<ResourceChange> {
    if old == new && touched_params.is_empty() {
        return None;
    }
    let mut c = base(id, new, ResourceAction::Modified);
    if old.resource_type != new.resource_type {
        type_changed(&mut c, old, new);
        return Some(c);
    }
    let old_props = Value::Object(old.properties.clone().into_iter().collect());
    let new_props = Value::Object(new.properties.clone().into_iter().collect());
    let mut leaves = Vec::new();
    changed_leaves(
        Some(&old_props),
        Some(&new_props),
        &mut Path::default(),
        &mut leaves,
    );
    let create_only = table::create_only(&new.resource_type);
    let mut replacing: Vec<(Vec<&str>, String)> = Vec::new();
    for (pattern, always) in create_only.paths() {
        let pattern: Vec<&str> = pattern.split('/').collect();
        let before = values_at(&old_props, &pattern);
        let after = values_at(&new_props, &pattern);
        let shown = pattern.join(".");
        if before != after {
            let computed = before
                .iter()
                .chain(&after)
                .any(|v| v.is_some_and(paths::is_intrinsic_anywhere));
            let (action, why) = if !always {
                (
                    ResourceAction::MayReplace,
                    format!("{shown} changes; it is conditionally create-only"),
                )
            } else if computed {
                (
                    ResourceAction::MayReplace,
                    format!("{shown} changes and is computed at deploy time; it is create-only"),
                )
            } else {
                (
                    ResourceAction::Replaced,
                    format!("{shown} changes; it is create-only"),
                )
            };
            replacing.push((pattern.clone(), why.clone()));
            escalate(&mut c, action, why);
        } else if let Some(p) = after
            .iter()
            .flatten()
            .flat_map(|v| references(v))
            .find(|r| touched_params.contains(r.as_str()))
        {
            escalate(
                &mut c,
                ResourceAction::MayReplace,
                format!("{shown} is create-only and refers to the parameter {p}, which changes"),
            );
        }
    }
    let custom = new.resource_type.starts_with("Custom::")
        || new.resource_type == "AWS::CloudFormation::CustomResource";
    if !leaves.is_empty() && !custom && create_only_properties(&new.resource_type).is_none() {
        escalate(
            &mut c,
            ResourceAction::MayReplace,
            format!(
                "the resource schemas do not know {}: whether a change replaces it is unknown",
                new.resource_type
            ),
        );
    }
    for leaf in leaves {
        let replaces = replacing
            .iter()
            .find(|(pattern, _)| leaf.path.overlaps(pattern))
            .map(|(_, why)| why.clone());
        c.properties.push(PropertyChange {
            path: leaf.path.shown(),
            old: leaf.old,
            new: leaf.new,
            replaces,
        });
    }
    for ((name, before), (_, after)) in attributes(old).into_iter().zip(attributes(new)) {
        if before != after {
            let some = |v: Value| (!v.is_null()).then_some(v);
            c.properties.push(PropertyChange {
                path: name.into(),
                old: some(before),
                new: some(after),
                replaces: None,
            });
        }
    }
    if c.action != ResourceAction::Modified {
        c.fate = Some(Fate::on_replacement(new.update_replace_policy));
    }
    let mut via: BTreeSet<String> = BTreeSet::new();
    for v in new.properties.values() {
        via.extend(
            references(v)
                .into_iter()
                .filter(|r| touched_params.contains(r.as_str())),
        );
    }
    c.via_parameters = via.into_iter().collect();
    let changed = !c.properties.is_empty() || !c.causes.is_empty() || !c.via_parameters.is_empty();
    changed.then_some(c)
}

/// CloudFormation does not change a resource's type in place.
fn type_changed(c: &mut ResourceChange, old: &Resource, new: &Resource) {
    c.action = ResourceAction::Replaced;
    c.causes.push(format!(
        "the type changes from {} to {}: CloudFormation does not update a resource's type, \
             so give the new resource a new logical ID",
        old.resource_type, new.resource_type
    ));
    c.properties.push(PropertyChange {
        path: "Type".into(),
        old: Some(old.resource_type.clone().into()),
        new: Some(new.resource_type.clone().into()),
        replaces: Some("the type changes".into()),
    });
    c.fate = Some(Fate::on_replacement(new.update_replace_policy));
    // What is deleted is the old resource: whether that loses data is a question of its type.
    c.stateful = table::stateful(&old.resource_type);
}

fn escalate(c: &mut ResourceChange, action: ResourceAction, why: String) {
    let rank = |a: ResourceAction| match a {
        ResourceAction::Replaced => 2,
        ResourceAction::MayReplace | ResourceAction::MayRemove => 1,
        _ => 0,
    };
    if rank(action) > rank(c.action) {
        c.action = action;
    }
    c.causes.push(why);
}
