//! The allow-all egress AWS adds to a group created without egress rules: AG-SG-002 where it
//! certainly stays, AG-SG-005 where the template leaves it in doubt. Both read the groups as
//! the reachability does, so the findings and the table never disagree.

use super::super::reach::{DefaultEgress, Reachability};
use super::{Ctx, SG_DEFAULT_EGRESS, SG_DISPUTED_EGRESS};

pub(super) fn default_egress(c: &mut Ctx) {
    let reach = Reachability::of(c.t);
    let groups: Vec<String> = reach.groups().map(str::to_string).collect();
    for id in groups {
        match reach.default_egress(&id) {
            Some(DefaultEgress::Kept) => c.find(
                SG_DEFAULT_EGRESS,
                &id,
                "has no egress rule, so it allows all outbound traffic",
            ),
            Some(DefaultEgress::Disputed) => c.find(
                SG_DISPUTED_EGRESS,
                &id,
                "has no inline egress rule, only separate SecurityGroupEgress resources, so it may still allow all outbound traffic",
            ),
            _ => {}
        }
    }
}
