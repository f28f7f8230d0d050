//! What spreads from one change to others: replacement along create-only references (a
//! subnet of a replaced VPC is replaced), and removal along conditions (a resource whose
//! condition may now be false may be deleted).

use std::collections::BTreeSet;

use serde_json::Value;

use super::paths::{references, values_at};
use super::{Fate, ResourceAction, ResourceChange, base, escalate, table};
use crate::template::{Resource, Template};

/// What a condition that may evaluate otherwise now does to the resources kept by the update,
/// in one pass over them:
/// - a resource whose `Condition` is new, another one, or one whose definition may evaluate
///   otherwise now (its expression, a condition it uses, or a parameter whose default or type
///   changes) may be deleted: CloudFormation "re-evaluates these conditions at each stack
///   update before updating any resources. ... Resources that are now associated with a false
///   condition are deleted.";
/// - a create-only property whose value is unchanged but chooses by such a condition
///   (`Fn::If`) may get another value: its resource may be replaced. (A changed value is
///   `compare`'s to judge.)
///
/// Whether either happens depends on the parameter values given at the update, which the
/// templates do not say; a resource already replaced stays so, as its old one is deleted
/// either way.
pub(super) fn conditional<'t>(
    old: &'t Template,
    new: &'t Template,
    conditions: &mut ConditionChanges<'t>,
    changes: &mut Vec<ResourceChange>,
) {
    let mut list = Changes::of(changes);
    for (id, new_r) in &new.resources {
        let Some(old_r) = old.resources.get(id) else {
            continue;
        };
        if let Some(why) =
            conditions.may_now_be_false(old_r.condition.as_deref(), new_r.condition.as_deref())
        {
            let why = format!("{why}; where it is false at the update, CloudFormation deletes it");
            let c = list.of_resource(id, new_r);
            escalate(c, ResourceAction::MayRemove, why);
            if c.fate.is_none() {
                c.fate = Some(Fate::on_removal(
                    new_r.deletion_policy,
                    &new_r.resource_type,
                    new_r,
                ));
            }
        }
        for why in chosen_values(conditions, old_r, new_r) {
            let c = list.of_resource(id, new_r);
            if !c.causes.contains(&why) {
                escalate(c, ResourceAction::MayReplace, why);
            }
            if c.fate.is_none() {
                c.fate = Some(Fate::on_replacement(new_r.update_replace_policy));
            }
        }
    }
    list.finish(new);
}

/// Why each create-only property of a resource, written the same in both templates, may get
/// another value: it chooses by a condition that may evaluate otherwise now.
fn chosen_values<'t>(
    conditions: &mut ConditionChanges<'t>,
    old_r: &Resource,
    new_r: &'t Resource,
) -> Vec<String> {
    let mut out = Vec::new();
    if old_r.resource_type != new_r.resource_type {
        return out;
    }
    for (pattern, _) in table::create_only(&new_r.resource_type).paths() {
        let segments: Vec<&str> = pattern.split('/').collect();
        let (Some(before), Some(after)) = (
            old_r.properties.get(segments[0]),
            new_r.properties.get(segments[0]),
        ) else {
            continue;
        };
        let after = values_at(after, &segments[1..]);
        if values_at(before, &segments[1..]) != after {
            continue;
        }
        for condition in after.iter().flatten().flat_map(|v| if_conditions(v)) {
            if let Some(how) = conditions.how(condition) {
                out.push(format!(
                    "{} is create-only and its value depends on the Condition {condition}, which {how}",
                    segments.join(".")
                ));
            }
        }
    }
    out
}

/// The conditions `Fn::If` chooses by, anywhere in a value.
fn if_conditions(v: &Value) -> Vec<&str> {
    let mut out = Vec::new();
    let mut stack = vec![v];
    while let Some(v) = stack.pop() {
        match v {
            Value::Object(m) => {
                if let Some(Value::Array(args)) = m.get("Fn::If")
                    && let Some(Value::String(c)) = args.first()
                {
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

/// The list of changes, and where each resource's change is in it, for passes that may add
/// changes to resources the list does not have yet: they go at the end, and `finish` puts
/// them where the new template lists their resources.
struct Changes<'c> {
    list: &'c mut Vec<ResourceChange>,
    at: std::collections::HashMap<String, usize>,
    appended: bool,
}

impl<'c> Changes<'c> {
    fn of(list: &'c mut Vec<ResourceChange>) -> Self {
        let at = list
            .iter()
            .enumerate()
            .map(|(i, c)| (c.logical_id.clone(), i))
            .collect();
        Changes {
            list,
            at,
            appended: false,
        }
    }

    /// The change of resource `id`, made (as modified) if there is none yet.
    fn of_resource(&mut self, id: &str, r: &crate::template::Resource) -> &mut ResourceChange {
        let list = &mut *self.list;
        let appended = &mut self.appended;
        let i = *self.at.entry(id.to_string()).or_insert_with(|| {
            list.push(base(id, r, ResourceAction::Modified));
            *appended = true;
            list.len() - 1
        });
        &mut self.list[i]
    }

    fn finish(self, new: &Template) {
        if self.appended {
            // A change made here goes where the new template lists its resource.
            self.list
                .sort_by_key(|c| new.resources.get_index_of(&c.logical_id));
        }
    }
}

/// Which conditions may evaluate otherwise in `new` than in `old`, and why: a condition's
/// expression differs, a condition it uses may, or a parameter it uses changes its default or
/// type. Each condition is judged once per diff (a chain of conditions each using the one
/// before, with a resource under the last, would otherwise cost the chain's length for every
/// resource); a cycle, which CloudFormation refuses, is cut rather than followed.
pub(super) struct ConditionChanges<'t> {
    old: &'t Template,
    new: &'t Template,
    touched_params: &'t BTreeSet<&'t str>,
    judged: std::collections::HashMap<&'t str, Option<Cause<'t>>>,
}

/// What makes a condition may evaluate otherwise.
#[derive(Clone)]
enum Cause<'t> {
    /// This condition's expression differs.
    Changes(&'t str),
    /// It uses this parameter, whose default or type changes.
    Parameter(String),
}

impl<'t> ConditionChanges<'t> {
    pub(super) fn new(
        old: &'t Template,
        new: &'t Template,
        touched_params: &'t BTreeSet<&'t str>,
    ) -> Self {
        ConditionChanges {
            old,
            new,
            touched_params,
            judged: std::collections::HashMap::new(),
        }
    }

    /// Why something under condition `after` (under `before` in the old template) may not be
    /// there after the update, if it may not: its condition is new, another one, or may evaluate
    /// otherwise. Nothing without a condition is ever left out.
    pub(super) fn may_now_be_false(
        &mut self,
        before: Option<&str>,
        after: Option<&'t str>,
    ) -> Option<String> {
        let condition = after?;
        match before {
            None => Some(format!("it now has the Condition {condition}")),
            Some(c) if c != condition => {
                Some(format!("its Condition changes from {c} to {condition}"))
            }
            Some(_) => self
                .how(condition)
                .map(|how| format!("its Condition {condition} {how}")),
        }
    }

    /// How condition `name` may evaluate otherwise, in words that follow its name, if it may:
    /// `changes`, `uses the Condition C, which changes`, `uses the parameter P, whose default or
    /// type changes`.
    pub(super) fn how(&mut self, name: &'t str) -> Option<String> {
        Some(match self.cause(name)? {
            Cause::Changes(c) if c == name => "changes".to_string(),
            Cause::Changes(c) => format!("uses the Condition {c}, which changes"),
            Cause::Parameter(p) => format!("uses the parameter {p}, whose default or type changes"),
        })
    }

    fn cause(&mut self, root: &'t str) -> Option<Cause<'t>> {
        let mut in_progress: BTreeSet<&'t str> = BTreeSet::new();
        // (condition, whether the conditions it uses have been judged)
        let mut todo: Vec<(&'t str, bool)> = vec![(root, false)];
        while let Some((c, used_judged)) = todo.pop() {
            if self.judged.contains_key(c) {
                continue;
            }
            let (Some(before), Some(after)) =
                (self.old.conditions.get(c), self.new.conditions.get(c))
            else {
                self.judged.insert(c, None);
                continue;
            };
            if before != after {
                self.judged.insert(c, Some(Cause::Changes(c)));
                continue;
            }
            if let Some(p) = references(after)
                .into_iter()
                .find(|r| self.touched_params.contains(r.as_str()))
            {
                self.judged.insert(c, Some(Cause::Parameter(p)));
                continue;
            }
            let used = used_conditions(after);
            if used_judged {
                in_progress.remove(c);
                let found = used
                    .iter()
                    .find_map(|u| self.judged.get(u).cloned().flatten());
                self.judged.insert(c, found);
            } else {
                in_progress.insert(c);
                todo.push((c, true));
                for u in used {
                    if !self.judged.contains_key(u) && !in_progress.contains(u) {
                        todo.push((u, false));
                    }
                }
            }
        }
        self.judged.get(root).cloned().flatten()
    }
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
pub(super) fn cascade(new: &Template, changes: &mut Vec<ResourceChange>) {
    let links = Links::of(new, changes);
    if links.all.is_empty() {
        return;
    }
    let mut list = Changes::of(changes);
    links.spread(new, &mut list, ResourceAction::Replaced);
    links.spread(new, &mut list, ResourceAction::MayReplace);
    list.finish(new);
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
    /// brought up, so a chain of references costs its length, not its square.
    fn spread(&self, new: &Template, changes: &mut Changes<'_>, level: ResourceAction) {
        use std::collections::HashSet;
        let reached = |a: ResourceAction| {
            a == ResourceAction::Replaced || (level == ResourceAction::MayReplace && a == level)
        };
        let words = if level == ResourceAction::Replaced {
            "is replaced"
        } else {
            "may be replaced"
        };
        let mut up: HashSet<String> = changes
            .list
            .iter()
            .filter(|c| reached(c.action))
            .map(|c| c.logical_id.clone())
            .collect();
        let mut last_round: Vec<String> = up.iter().cloned().collect();
        while !last_round.is_empty() {
            let mut looked_at: HashSet<&str> = HashSet::new();
            let mut now_up: Vec<String> = Vec::new();
            for target in &last_round {
                for &id in self.referrers.get(target).into_iter().flatten() {
                    if up.contains(id) || !looked_at.insert(id) {
                        continue;
                    }
                    let r = &new.resources[id];
                    let c = changes.of_resource(id, r);
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
    }
}

#[cfg(test)]
mod tests {
    use serde_json::json;

    use super::*;
    use crate::template::Resource;
    use crate::template::diff::{added, compare};
    use crate::testing::Rng;

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
}
