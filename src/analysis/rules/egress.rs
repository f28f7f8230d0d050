//! The allow-all egress AWS adds to a group created without egress rules: AG-SG-002 where it
//! certainly stays, AG-SG-005 where the template leaves it in doubt. Both read the groups as
//! the reachability does, so the findings and the table never disagree.

use super::super::reach::{DefaultEgress, default_egress as read_default_egress};
use super::{Ctx, SG_DEFAULT_EGRESS, SG_DISPUTED_EGRESS};

pub(super) fn default_egress(c: &mut Ctx) {
    for (id, (state, _)) in read_default_egress(c.t) {
        match state {
            DefaultEgress::Kept => c.find(
                SG_DEFAULT_EGRESS,
                &id,
                "has no egress rule, so it allows all outbound traffic",
            ),
            DefaultEgress::Disputed => c.find(
                SG_DISPUTED_EGRESS,
                &id,
                "has no inline egress rule, only separate SecurityGroupEgress resources, so it may still allow all outbound traffic",
            ),
            DefaultEgress::Removed => {}
        }
    }
}
