//! The resources an update removes: where they go in the list of changes, and which of them
//! look renamed to one it adds.

use std::collections::BTreeSet;

use serde_json::Value;

use super::{Rename, ResourceAction, ResourceChange, paths, removed};
use crate::template::Template;

/// Puts each resource gone from `new` into the list of changes: after the last change to a
/// resource that came before it in `old` (after the removals placed there before it), so the
/// list reads in the old template's order where it can.
pub(super) fn place_removed(old: &Template, new: &Template, changes: &mut Vec<ResourceChange>) {
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
/// quadratic; past [`quota::RESOURCES`](crate::template::quota::RESOURCES) removed or added
/// resources (a template no update can go from or to) it is not made, and none is called
/// renamed.
pub(super) fn find_renames(
    old: &Template,
    new: &Template,
    changes: &mut [ResourceChange],
) -> Vec<Rename> {
    use crate::template::quota;
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
    use serde_json::json;

    use super::*;
    use crate::template::Resource;
    use crate::template::diff::{added, compare};
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
