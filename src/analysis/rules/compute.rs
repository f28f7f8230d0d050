//! EC2 capacity that escapes the template's subnets: launch configurations that hand out public
//! addresses, and instances or groups that land in the default VPC.

use super::{Ctx, NET_OUTSIDE_SUBNETS, NET_PUBLIC_ENI};
use crate::analysis::model::{ref_target, truthy};
use crate::analysis::policy::one_or_many;
use crate::template::Template;

pub(super) fn launch_configurations(c: &mut Ctx) {
    for (id, r) in
        c.t.resources_of_type("AWS::AutoScaling::LaunchConfiguration")
    {
        if truthy(r.properties.get("AssociatePublicIpAddress")) == Some(true) {
            c.find(
                NET_PUBLIC_ENI,
                id,
                "is a launch configuration with AssociatePublicIpAddress: true",
            );
        }
    }
}

/// Whether a launch template of this template puts its instances in a subnet. One from outside
/// the template is given the benefit of the doubt: nothing here says where it points.
fn launch_template_has_subnet(t: &Template, reference: Option<&serde_json::Value>) -> bool {
    let Some(spec) = reference else {
        return false;
    };
    let Some(lt) = spec
        .get("LaunchTemplateId")
        .or_else(|| spec.get("LaunchTemplateName"))
        .and_then(ref_target)
        .and_then(|id| t.resources.get(id))
    else {
        return true;
    };
    let interfaces = lt
        .properties
        .get("LaunchTemplateData")
        .and_then(|d| d.get("NetworkInterfaces"));
    one_or_many(interfaces)
        .iter()
        .any(|i| i.get("SubnetId").is_some())
}

pub(super) fn outside_subnets(c: &mut Ctx) {
    let t = c.t;
    for (id, r) in t.resources_of_type("AWS::EC2::Instance") {
        let p = &r.properties;
        let in_subnet = p.contains_key("SubnetId")
            // An interface named by NetworkInterfaceId sits in the subnet it was made in.
            || one_or_many(p.get("NetworkInterfaces"))
                .iter()
                .any(|i| i.get("SubnetId").is_some() || i.get("NetworkInterfaceId").is_some())
            || (p.contains_key("LaunchTemplate")
                && launch_template_has_subnet(t, p.get("LaunchTemplate")));
        if !in_subnet {
            c.find(
                NET_OUTSIDE_SUBNETS,
                id,
                "is an instance without SubnetId, so it launches in the default VPC",
            );
        }
    }
    for (id, r) in t.resources_of_type("AWS::AutoScaling::AutoScalingGroup") {
        if !r.properties.contains_key("VPCZoneIdentifier") {
            c.find(
                NET_OUTSIDE_SUBNETS,
                id,
                "is an Auto Scaling group without VPCZoneIdentifier, so it launches in the default VPC",
            );
        }
    }
}
