//! SageMaker jobs and clusters that run outside the VPC: processing jobs, the four monitoring
//! job definitions, monitoring schedules that define their job inline, and HyperPod clusters.
//! (Notebooks, domains and models are checked with the other SageMaker rules.)

use serde_json::Value;

use super::storage::at;
use super::{Ctx, SM_VPC};
use crate::analysis::model::truthy;

/// Where a SageMaker resource type takes its network settings: the object holding `VpcConfig`
/// (a dotted path; empty for the resource itself). Without `VpcConfig` the containers run in a
/// network SageMaker manages, which reaches the internet, unless `EnableNetworkIsolation`
/// (beside it) cuts them off from every network.
static NETWORK_CONFIGS: &[(&str, &str)] = &[
    ("AWS::SageMaker::ProcessingJob", "NetworkConfig"),
    ("AWS::SageMaker::DataQualityJobDefinition", "NetworkConfig"),
    ("AWS::SageMaker::ModelQualityJobDefinition", "NetworkConfig"),
    ("AWS::SageMaker::ModelBiasJobDefinition", "NetworkConfig"),
    (
        "AWS::SageMaker::ModelExplainabilityJobDefinition",
        "NetworkConfig",
    ),
    (
        "AWS::SageMaker::MonitoringSchedule",
        "MonitoringScheduleConfig.MonitoringJobDefinition.NetworkConfig",
    ),
    ("AWS::SageMaker::Cluster", ""),
];

pub(super) fn jobs_outside_the_vpc(c: &mut Ctx) {
    for (id, r) in &c.t.resources {
        let Some((_, place)) = NETWORK_CONFIGS
            .iter()
            .find(|(ty, _)| *ty == r.resource_type)
        else {
            continue;
        };
        let props = Value::Object(
            r.properties
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
        // A schedule that names a separate job definition has its network settings there.
        if let Some((owner, _)) = place.rsplit_once(".NetworkConfig")
            && at(&props, owner).is_empty()
        {
            continue;
        }
        let configs = at(&props, place);
        let in_vpc = configs.iter().any(|n| n.get("VpcConfig").is_some());
        let isolated = configs
            .iter()
            .any(|n| truthy(n.get("EnableNetworkIsolation")) == Some(true));
        if !in_vpc && !isolated {
            let path = [*place, "VpcConfig"]
                .iter()
                .filter(|p| !p.is_empty())
                .copied()
                .collect::<Vec<_>>()
                .join(".");
            c.find(
                SM_VPC,
                id,
                format!(
                    "has no {path}, so it runs in a network SageMaker manages, with internet access"
                ),
            );
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Every place of the table is in its type's CloudFormation schema, with `VpcConfig` and,
    /// for jobs, `EnableNetworkIsolation` under it.
    #[test]
    fn every_network_config_path_is_in_the_resource_schema() {
        let paths = NETWORK_CONFIGS.iter().flat_map(|(ty, place)| {
            let mut keys = vec![format!("{place}.VpcConfig")];
            if !place.is_empty() {
                keys.push(format!("{place}.EnableNetworkIsolation"));
            }
            keys.into_iter().map(move |k| (*ty, k))
        });
        super::super::schema_paths::assert_in_schemas(paths);
    }
}
