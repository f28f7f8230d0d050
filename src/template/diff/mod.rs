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
    conditional_removals(old, new, &touched_params, &mut changes);
    cascade(new, &mut changes);
    place_removed(old, new, &mut changes);
    let renames = find_renames(old, new, &mut changes);
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
    let outputs = outputs::outputs(old, new, &replaced, &may_replace, &touched_params);
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

/// A resource whose `Condition` is new, another one, or one whose definition may evaluate
/// otherwise now (its expression, a condition it uses, or a parameter whose default or type
/// changes) may be deleted: CloudFormation "re-evaluates these conditions at each stack update
/// before updating any resources. ... Resources that are now associated with a false condition
/// are deleted." Whether it is depends on the parameter values given at the update, which the
/// templates do not say; a resource already replaced stays so, as its old one is deleted
/// either way.
fn conditional_removals(
    old: &Template,
    new: &Template,
    touched_params: &BTreeSet<&str>,
    changes: &mut Vec<ResourceChange>,
) {
    let mut at: std::collections::HashMap<String, usize> = changes
        .iter()
        .enumerate()
        .map(|(i, c)| (c.logical_id.clone(), i))
        .collect();
    let mut appended = false;
    for (id, new_r) in &new.resources {
        let Some(old_r) = old.resources.get(id) else {
            continue;
        };
        let Some(condition) = new_r.condition.as_deref() else {
            continue;
        };
        let why = if old_r.condition.as_deref() != Some(condition) {
            match old_r.condition.as_deref() {
                None => format!("it now has the Condition {condition}"),
                Some(before) => format!("its Condition changes from {before} to {condition}"),
            }
        } else if let Some(how) = condition_may_differ(condition, old, new, touched_params) {
            format!("its Condition {condition} {how}")
        } else {
            continue;
        };
        let why = format!("{why}; where it is false at the update, CloudFormation deletes it");
        let i = *at.entry(id.clone()).or_insert_with(|| {
            changes.push(base(id, new_r, ResourceAction::Modified));
            appended = true;
            changes.len() - 1
        });
        let c = &mut changes[i];
        escalate(c, ResourceAction::MayRemove, why);
        if c.fate.is_none() {
            c.fate = Some(Fate::on_removal(
                new_r.deletion_policy,
                &new_r.resource_type,
                new_r,
            ));
        }
    }
    if appended {
        // A change made here goes where the new template lists its resource.
        changes.sort_by_key(|c| new.resources.get_index_of(&c.logical_id));
    }
}

/// How condition `name` may evaluate otherwise in `new` than in `old`, if it may: its
/// expression differs, a condition it uses may, or a parameter it uses changes its default or
/// type. Conditions use conditions only without cycles (CloudFormation refuses a cycle); a
/// visited set keeps a hostile template from looping anyway.
pub(super) fn condition_may_differ(
    name: &str,
    old: &Template,
    new: &Template,
    touched_params: &BTreeSet<&str>,
) -> Option<String> {
    let mut seen: BTreeSet<&str> = BTreeSet::new();
    let mut todo: Vec<&str> = vec![name];
    while let Some(c) = todo.pop() {
        if !seen.insert(c) {
            continue;
        }
        let (Some(before), Some(after)) = (old.conditions.get(c), new.conditions.get(c)) else {
            continue;
        };
        if before != after {
            return Some(if c == name {
                "changes".into()
            } else {
                format!("uses the Condition {c}, which changes")
            });
        }
        if let Some(p) = references(after)
            .iter()
            .find(|r| touched_params.contains(r.as_str()))
        {
            return Some(format!(
                "uses the parameter {p}, whose default or type changes"
            ));
        }
        todo.extend(used_conditions(after));
    }
    None
}

/// The conditions a condition's expression uses (`{"Condition": name}`).
fn used_conditions(v: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let (1, Some(Value::String(c))) = (m.len(), m.get("Condition")) {
                    out.push(c.as_str());
                }
                stack.extend(m.values());
            }
            Value::Array(a) => stack.extend(a),
            _ => {}
        }
    }
    out
}

/// A create-only property that refers to a replaced resource gets a new value, so its resource
/// is replaced too (a subnet of a replaced VPC); any other property that does changes in place.
/// One that refers to a resource that may be replaced may be replaced too. A resource the
/// update adds is created, whatever it refers to: it has no old one to replace.
fn cascade(new: &Template, changes: &mut Vec<ResourceChange>) {
    let links = Links::of(new, changes);
    if links.all.is_empty() {
        return;
    }
    let mut appended = links.spread(new, changes, ResourceAction::Replaced);
    appended |= links.spread(new, changes, ResourceAction::MayReplace);
    if appended {
        // A change made here goes where the new template lists its resource.
        changes.sort_by_key(|c| new.resources.get_index_of(&c.logical_id));
    }
}

/// The create-only references of a template's resources, but for those the update adds.
struct Links<'t> {
    /// (resource, property, target), in template order; a resource's own next to each other.
    all: Vec<(&'t str, String, String)>,
    /// Each resource's range of `all`.
    own: std::collections::HashMap<&'t str, std::ops::Range<usize>>,
    /// The resources that refer to each target.
    referrers: std::collections::HashMap<String, Vec<&'t str>>,
}

impl<'t> Links<'t> {
    fn of(new: &'t Template, changes: &[ResourceChange]) -> Links<'t> {
        let added: std::collections::HashSet<&str> = changes
            .iter()
            .filter(|c| c.action == ResourceAction::Added)
            .map(|c| c.logical_id.as_str())
            .collect();
        let mut links = Links {
            all: Vec::new(),
            own: std::collections::HashMap::new(),
            referrers: std::collections::HashMap::new(),
        };
        for (id, r) in &new.resources {
            if added.contains(id.as_str()) {
                continue;
            }
            let first = links.all.len();
            for (pattern, _) in table::create_only(&r.resource_type).paths() {
                let segments: Vec<&str> = pattern.split('/').collect();
                let Some(top) = r.properties.get(segments[0]) else {
                    continue;
                };
                for v in values_at(top, &segments[1..]).into_iter().flatten() {
                    for target in references(v) {
                        let ids = links.referrers.entry(target.clone()).or_default();
                        if ids.last() != Some(&id.as_str()) {
                            ids.push(id);
                        }
                        links.all.push((id, segments.join("."), target));
                    }
                }
            }
            if links.all.len() > first {
                links.own.insert(id, first..links.all.len());
            }
        }
        links
    }

    /// Spreads `level` (replaced, or may be replaced) in rounds: in each, a resource at a lower
    /// level that refers by a create-only property to one brought to `level` by the round
    /// before is brought to it, with a cause for each such property whose target is at `level`
    /// or above by then. A resource is looked at only when one it refers to has just been
    /// brought up, so a chain of references costs its length, not its square. Says whether it
    /// added changes at the end of the list.
    fn spread(
        &self,
        new: &Template,
        changes: &mut Vec<ResourceChange>,
        level: ResourceAction,
    ) -> bool {
        use std::collections::{HashMap, HashSet};
        let reached = |a: ResourceAction| {
            a == ResourceAction::Replaced || (level == ResourceAction::MayReplace && a == level)
        };
        let words = if level == ResourceAction::Replaced {
            "is replaced"
        } else {
            "may be replaced"
        };
        let mut at: HashMap<String, usize> = changes
            .iter()
            .enumerate()
            .map(|(i, c)| (c.logical_id.clone(), i))
            .collect();
        let mut up: HashSet<String> = changes
            .iter()
            .filter(|c| reached(c.action))
            .map(|c| c.logical_id.clone())
            .collect();
        let mut last_round: Vec<String> = up.iter().cloned().collect();
        let mut appended = false;
        while !last_round.is_empty() {
            let mut looked_at: HashSet<&str> = HashSet::new();
            let mut now_up: Vec<String> = Vec::new();
            for target in &last_round {
                for &id in self.referrers.get(target).into_iter().flatten() {
                    if up.contains(id) || !looked_at.insert(id) {
                        continue;
                    }
                    let r = &new.resources[id];
                    let i = *at.entry(id.to_string()).or_insert_with(|| {
                        changes.push(base(id, r, ResourceAction::Modified));
                        appended = true;
                        changes.len() - 1
                    });
                    let c = &mut changes[i];
                    for (_, property, target) in &self.all[self.own[id].clone()] {
                        if !up.contains(target) {
                            continue;
                        }
                        let why = format!(
                            "{property} is create-only and refers to {target}, which {words}"
                        );
                        if !c.causes.contains(&why) {
                            escalate(c, level, why);
                        }
                    }
                    c.fate = Some(Fate::on_replacement(r.update_replace_policy));
                    if reached(c.action) {
                        now_up.push(id.to_string());
                    }
                }
            }
            up.extend(now_up.iter().cloned());
            last_round = now_up;
        }
        appended
    }
}

/// Where a removed resource goes in the list: after the last resource that came before it in
/// the old template and is still listed.
/// Puts each resource gone from `new` into the list of changes: after the last change to a
/// resource that came before it in `old` (after the removals placed there before it), so the
/// list reads in the old template's order where it can.
fn place_removed(old: &Template, new: &Template, changes: &mut Vec<ResourceChange>) {
    // Where each change's resource was in `old`, and the changes by that place.
    let mut by_place: Vec<(usize, usize)> = changes
        .iter()
        .enumerate()
        .filter_map(|(i, c)| Some((old.resources.get_index_of(&c.logical_id)?, i)))
        .collect();
    by_place.sort_unstable();
    let mut after: Vec<Vec<ResourceChange>> = vec![Vec::new(); changes.len() + 1];
    let (mut next, mut last) = (0, 0);
    for (at, (id, old_r)) in old.resources.iter().enumerate() {
        if new.resources.contains_key(id) {
            continue;
        }
        // The last change (by position) to a resource earlier in `old`: removals come in
        // `old`'s order, so the earlier places only grow.
        while next < by_place.len() && by_place[next].0 < at {
            last = last.max(by_place[next].1 + 1);
            next += 1;
        }
        after[last].push(removed(id, old_r));
    }
    let kept = std::mem::take(changes);
    let mut groups = after.into_iter();
    changes.extend(groups.next().unwrap_or_default());
    for (change, removals) in kept.into_iter().zip(groups) {
        changes.push(change);
        changes.extend(removals);
    }
}

/// Pairs removed and added resources of one type whose properties are near-identical.
///
/// Each removed resource is compared with every added one of its type, so the search is
/// quadratic; past [`quota::RESOURCES`](super::document::quota::RESOURCES) removed or added
/// resources (a template no update can go from or to) it is not made, and none is called
/// renamed.
fn find_renames(old: &Template, new: &Template, changes: &mut [ResourceChange]) -> Vec<Rename> {
    use super::document::quota;
    let mut renames = Vec::new();
    let removed: Vec<String> = changes
        .iter()
        .filter(|c| c.action == ResourceAction::Removed)
        .map(|c| c.logical_id.clone())
        .collect();
    // The added resources by type, in order, each with its properties read once.
    let mut added: std::collections::HashMap<&str, Vec<(&str, Value)>> =
        std::collections::HashMap::new();
    let mut added_count = 0;
    for c in changes.iter().filter(|c| c.action == ResourceAction::Added) {
        let r = &new.resources[&c.logical_id];
        added
            .entry(r.resource_type.as_str())
            .or_default()
            .push((c.logical_id.as_str(), paths::properties(r)));
        added_count += 1;
    }
    if removed.len() > quota::RESOURCES || added_count > quota::RESOURCES {
        return renames;
    }
    let mut taken: BTreeSet<&str> = BTreeSet::new();
    for from in &removed {
        let old_r = &old.resources[from];
        let Some(candidates) = added.get(old_r.resource_type.as_str()) else {
            continue;
        };
        let old_text = paths::properties_text(old_r);
        let best = candidates
            .iter()
            .filter(|(to, _)| !taken.contains(to))
            .map(|(to, props)| (*to, paths::similarity(&old_text, props, from, to)))
            .filter(|(_, s)| *s >= 0.8)
            // Ties go to the ID that keeps more of the old one's ending (`...Subnet1Association`).
            .max_by(|a, b| {
                a.1.total_cmp(&b.1).then_with(|| {
                    paths::common_suffix(from, a.0).cmp(&paths::common_suffix(from, b.0))
                })
            });
        let Some((to, similarity)) = best else {
            continue;
        };
        taken.insert(to);
        renames.push(Rename {
            from: from.clone(),
            to: to.to_string(),
            resource_type: old_r.resource_type.clone(),
            similarity,
        });
    }
    let from_to: std::collections::HashMap<&str, &str> = renames
        .iter()
        .map(|r| (r.from.as_str(), r.to.as_str()))
        .collect();
    let to_from: std::collections::HashMap<&str, &str> = renames
        .iter()
        .map(|r| (r.to.as_str(), r.from.as_str()))
        .collect();
    for c in changes.iter_mut() {
        if let Some(to) = from_to.get(c.logical_id.as_str()) {
            c.renamed_to = Some((*to).to_string());
        } else if let Some(from) = to_from.get(c.logical_id.as_str()) {
            c.renamed_from = Some((*from).to_string());
        }
    }
    renames
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::testing::Rng;

    /// Where the first version put a removed resource: after the last change, in the list as
    /// it grew, to a resource that came before it in `old`. One pass per removal made it
    /// quadratic; `place_removed` must give the same order.
    fn placed_one_by_one(old: &Template, new: &Template, changes: &mut Vec<ResourceChange>) {
        for (id, old_r) in &old.resources {
            if !new.resources.contains_key(id) {
                let at = old.resources.get_index_of(id).unwrap_or(0);
                let mut best = 0;
                for (i, c) in changes.iter().enumerate() {
                    if let Some(j) = old.resources.get_index_of(&c.logical_id)
                        && j < at
                    {
                        best = i + 1;
                    }
                }
                changes.insert(best, removed(id, old_r));
            }
        }
    }

    fn random_template(rng: &mut Rng) -> Template {
        let mut ids: Vec<usize> = (0..12).filter(|_| rng.below(3) > 0).collect();
        // Shuffled, so the two templates list their common resources in other orders.
        for i in (1..ids.len()).rev() {
            ids.swap(i, rng.below(i + 1));
        }
        let mut t = Template::default();
        for i in ids {
            let mut r = Resource::new("AWS::SNS::Topic");
            if rng.below(2) == 0 {
                r.properties
                    .insert("TopicName".into(), json!(format!("t{}", rng.below(3))));
            }
            t.resources.insert(format!("Topic{i}"), r);
        }
        t
    }

    /// The first version of `cascade`: rounds over every link until nothing changes, each
    /// change found or placed by a pass over the list; quadratic in a chain's length. Kept to
    /// hold the worklist to the same answers (with added resources left alone, and "may be
    /// replaced" spread after "replaced", as both now do).
    fn cascade_by_rounds(new: &Template, changes: &mut Vec<ResourceChange>) {
        // The references themselves are read as `cascade` reads them: what differs is how the
        // replacement spreads along them.
        let links = Links::of(new, changes).all;
        for (level, words) in [
            (ResourceAction::Replaced, "is replaced"),
            (ResourceAction::MayReplace, "may be replaced"),
        ] {
            let reached = |a: ResourceAction| {
                a == ResourceAction::Replaced || (level == ResourceAction::MayReplace && a == level)
            };
            loop {
                let up: BTreeSet<String> = changes
                    .iter()
                    .filter(|c| reached(c.action))
                    .map(|c| c.logical_id.clone())
                    .collect();
                let mut grew = false;
                for (id, property, target) in &links {
                    if up.contains(*id) || !up.contains(target) {
                        continue;
                    }
                    grew = true;
                    let r = &new.resources[*id];
                    let i = match changes.iter().position(|c| c.logical_id == *id) {
                        Some(i) => i,
                        None => {
                            let mine = new.resources.get_index_of(*id);
                            let at = changes
                                .iter()
                                .position(|c| new.resources.get_index_of(&c.logical_id) > mine)
                                .unwrap_or(changes.len());
                            changes.insert(at, base(id, r, ResourceAction::Modified));
                            at
                        }
                    };
                    let c = &mut changes[i];
                    let why =
                        format!("{property} is create-only and refers to {target}, which {words}");
                    if !c.causes.contains(&why) {
                        escalate(c, level, why);
                    }
                    c.fate = Some(Fate::on_replacement(r.update_replace_policy));
                }
                if !grew {
                    break;
                }
            }
        }
    }

    /// An API's resources, each under the API's root or another of them (`ParentId` and
    /// `PathPart` are create-only), some with their path changed, some added or left out.
    fn api_tree(rng: &mut Rng, paths: &[Value]) -> Template {
        let mut t = Template::default();
        let mut api = Resource::new("AWS::ApiGateway::RestApi");
        api.properties.insert("Name".into(), json!("api"));
        t.resources.insert("Api".into(), api);
        let mut ids: Vec<String> = Vec::new();
        for (i, path) in paths.iter().enumerate() {
            if rng.below(8) == 0 {
                continue;
            }
            let parent = if ids.is_empty() || rng.below(4) == 0 {
                json!({"Fn::GetAtt": ["Api", "RootResourceId"]})
            } else {
                json!({"Ref": rng.pick(&ids)})
            };
            let mut r = Resource::new("AWS::ApiGateway::Resource");
            r.properties
                .insert("RestApiId".into(), json!({"Ref": "Api"}));
            r.properties.insert("ParentId".into(), parent);
            r.properties.insert("PathPart".into(), path.clone());
            let id = format!("Res{i}");
            t.resources.insert(id.clone(), r);
            ids.push(id);
        }
        t
    }

    #[test]
    fn replacement_spreads_as_by_rounds() {
        let mut rng = Rng(7);
        let (mut spread, mut may) = (0, 0);
        for case in 0..1_000 {
            // Some paths change (the resource is replaced); some come from a parameter whose
            // default changes, so the new one is known only at deploy time (it may be).
            let (mut paths, mut changed) = (Vec::new(), Vec::new());
            for p in 0..15 {
                let (before, after) = match rng.below(8) {
                    0 => (json!(format!("p{p}")), json!(format!("q{p}"))),
                    1 => (json!({"Ref": "Moving"}), json!({"Ref": "Moving"})),
                    _ => (json!(format!("p{p}")), json!(format!("p{p}"))),
                };
                paths.push(before);
                changed.push(after);
            }
            let (mut a, mut b) = (Rng(case), Rng(case));
            let (mut old, mut new) = (api_tree(&mut a, &paths), api_tree(&mut b, &changed));
            // One resource the update adds, one it removes (their children then refer to
            // nothing in one of the two, which the diff takes as it comes).
            for t in [&mut old, &mut new] {
                let gone = format!("Res{}", rng.below(15));
                t.resources.shift_remove(&gone);
            }
            let mut changes: Vec<ResourceChange> = Vec::new();
            for (id, new_r) in &new.resources {
                changes.extend(match old.resources.get(id) {
                    None => Some(added(id, new_r)),
                    Some(old_r) => compare(id, old_r, new_r, &BTreeSet::from(["Moving"])),
                });
            }
            let mut expected = changes.clone();
            cascade_by_rounds(&new, &mut expected);
            cascade(&new, &mut changes);
            let shown = |cs: &[ResourceChange]| -> Vec<String> {
                cs.iter()
                    .map(|c| format!("{} {:?} {:?}", c.logical_id, c.action, c.causes))
                    .collect()
            };
            assert_eq!(shown(&changes), shown(&expected), "case {case}");
            let spread_by = |words: &str| {
                changes
                    .iter()
                    .filter(|c| c.causes.iter().any(|w| w.ends_with(words)))
                    .count()
            };
            spread += spread_by("which is replaced");
            may += spread_by("which may be replaced");
        }
        assert!(spread > 500, "{spread} replacements spread");
        assert!(may > 200, "{may} possible replacements spread");
    }

    #[test]
    fn removed_resources_are_placed_as_one_by_one() {
        let mut rng = Rng(42);
        for case in 0..2_000 {
            let (old, new) = (random_template(&mut rng), random_template(&mut rng));
            let mut changes: Vec<ResourceChange> = Vec::new();
            for (id, new_r) in &new.resources {
                changes.extend(match old.resources.get(id) {
                    None => Some(added(id, new_r)),
                    Some(old_r) => compare(id, old_r, new_r, &BTreeSet::new()),
                });
            }
            let mut expected = changes.clone();
            placed_one_by_one(&old, &new, &mut expected);
            place_removed(&old, &new, &mut changes);
            let ids = |cs: &[ResourceChange]| -> Vec<String> {
                cs.iter().map(|c| c.logical_id.clone()).collect()
            };
            assert_eq!(ids(&changes), ids(&expected), "case {case}");
        }
    }
}
