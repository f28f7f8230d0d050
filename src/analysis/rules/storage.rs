//! Data at rest: KMS keys that rotate, log groups that are encrypted and expire, flow logs that
//! record everything, SageMaker storage under a key of your own.

use serde_json::Value;

use super::{
    Ctx, KMS_ROTATION, LOG_GROUP_KMS, LOG_GROUP_KMS_OTHER, LOG_RETENTION, LOG_RETENTION_OTHER,
    LOG_TRAFFIC, SM_KMS,
};
use crate::analysis::model::{display, ref_target, resolve_str, truthy};
use crate::analysis::policy::one_or_many;
use crate::template::{Resource, Template};

/// KMS keys whose key material AWS KMS can rotate: symmetric encryption keys it generated.
/// "Automatic key rotation is supported only on symmetric encryption KMS keys. You cannot enable
/// automatic rotation of asymmetric KMS keys, HMAC KMS keys, KMS keys with imported key
/// material, or KMS keys in a custom key store." (KMS API Reference, EnableKeyRotation)
fn rotatable(t: &Template, key: &Resource) -> bool {
    let p = &key.properties;
    let is = |k: &str, default: &str| {
        p.get(k)
            .map(|v| resolve_str(t, v).is_none_or(|s| s == default))
            .unwrap_or(true)
    };
    is("KeySpec", "SYMMETRIC_DEFAULT")
        && is("KeyUsage", "ENCRYPT_DECRYPT")
        && is("Origin", "AWS_KMS")
}

pub(super) fn kms_keys(c: &mut Ctx) {
    let t = c.t;
    for (id, key) in t.resources_of_type("AWS::KMS::Key") {
        if rotatable(t, key) && truthy(key.properties.get("EnableKeyRotation")) != Some(true) {
            let what = match truthy(key.properties.get("EnableKeyRotation")) {
                Some(false) => "sets EnableKeyRotation: false",
                _ => "has no EnableKeyRotation (rotation is off by default)",
            };
            c.find(KMS_ROTATION, id, format!("is a symmetric key that {what}"));
        }
    }
}

/// What writes into a log group, when the template says: a flow log, or SageMaker (its groups
/// are named `/aws/sagemaker/...`).
fn log_group_source(t: &Template, id: &str, group: &Resource) -> Option<String> {
    let name = group.properties.get("LogGroupName").map(display);
    let flow_log = t.resources_of_type("AWS::EC2::FlowLog").find(|(_, f)| {
        ["LogGroupName", "LogDestination"]
            .iter()
            .filter_map(|k| f.properties.get(*k))
            .any(|v| ref_target(v) == Some(id) || name.as_ref().is_some_and(|n| display(v) == *n))
    });
    if let Some((f, _)) = flow_log {
        return Some(format!("receives the flow log `{f}`"));
    }
    let name = name?;
    name.starts_with("/aws/sagemaker/")
        .then(|| format!("receives SageMaker's logs (`{name}`)"))
}

pub(super) fn log_groups(c: &mut Ctx) {
    let t = c.t;
    for (id, g) in t.resources_of_type("AWS::Logs::LogGroup") {
        let source = log_group_source(t, id, g);
        if !g.properties.contains_key("KmsKeyId") {
            match &source {
                Some(s) => c.find(LOG_GROUP_KMS, id, format!("{s} and has no KmsKeyId")),
                None => c.find(LOG_GROUP_KMS_OTHER, id, "has no KmsKeyId"),
            }
        }
        if !g.properties.contains_key("RetentionInDays") {
            match &source {
                Some(s) => c.find(LOG_RETENTION, id, format!("{s} and has no RetentionInDays")),
                None => c.find(LOG_RETENTION_OTHER, id, "has no RetentionInDays"),
            }
        }
    }
}

pub(super) fn flow_log_traffic(c: &mut Ctx) {
    let t = c.t;
    for (id, f) in t.resources_of_type("AWS::EC2::FlowLog") {
        let Some(kind) = f
            .properties
            .get("TrafficType")
            .and_then(|v| resolve_str(t, v))
        else {
            continue;
        };
        let missed = match kind.as_str() {
            "REJECT" => "records only rejected traffic, so no accepted connection is logged",
            "ACCEPT" => "records only accepted traffic, so probes the network refused go unseen",
            _ => continue,
        };
        c.find(
            LOG_TRAFFIC,
            id,
            format!("has TrafficType {kind}: it {missed}"),
        );
    }
}

/// A SageMaker property that names the KMS key for some storage: where it sits (`parent`, a
/// dotted path; lists are walked into), the key property under it, what it encrypts; for the
/// ML storage volumes of instances, where the instance type is (relative to `parent`); and
/// the setting under `parent` without which nothing is stored.
struct KmsProperty {
    resource_type: &'static str,
    parent: &'static str,
    key: &'static str,
    encrypts: &'static str,
    instance_type: Option<&'static str>,
    applies_when: Option<(&'static str, &'static str)>,
}

const fn kms(
    resource_type: &'static str,
    parent: &'static str,
    key: &'static str,
    encrypts: &'static str,
) -> KmsProperty {
    KmsProperty {
        resource_type,
        parent,
        key,
        encrypts,
        instance_type: None,
        applies_when: None,
    }
}

impl KmsProperty {
    const fn volume(self, instance_type: &'static str) -> Self {
        KmsProperty {
            instance_type: Some(instance_type),
            ..self
        }
    }

    const fn when(self, setting: &'static str, value: &'static str) -> Self {
        KmsProperty {
            applies_when: Some((setting, value)),
            ..self
        }
    }
}

/// Every KMS property of a SageMaker resource type that encrypts stored data, from the
/// CloudFormation resource reference (the provider schemas cfn-lint ships; a unit test
/// checks each path against them). Studio's sharing key only encrypts cell output, stored
/// "when NotebookOutputOption is Allowed" (SageMaker API Reference, SharingSettings).
static SAGEMAKER_KMS: &[KmsProperty] = &[
    kms(
        "AWS::SageMaker::NotebookInstance",
        "",
        "KmsKeyId",
        "the notebook's ML storage volume",
    ),
    kms(
        "AWS::SageMaker::Domain",
        "",
        "KmsKeyId",
        "the domain's EFS home directories",
    ),
    kms(
        "AWS::SageMaker::Domain",
        "DefaultUserSettings.SharingSettings",
        "S3KmsKeyId",
        "notebooks shared to S3",
    )
    .when("NotebookOutputOption", "Allowed"),
    kms(
        "AWS::SageMaker::UserProfile",
        "UserSettings.SharingSettings",
        "S3KmsKeyId",
        "notebooks shared to S3",
    )
    .when("NotebookOutputOption", "Allowed"),
    kms(
        "AWS::SageMaker::EndpointConfig",
        "",
        "KmsKeyId",
        "the hosting instances' ML storage volumes",
    )
    .volume("ProductionVariants.InstanceType"),
    kms(
        "AWS::SageMaker::EndpointConfig",
        "DataCaptureConfig",
        "KmsKeyId",
        "captured requests and responses in S3",
    ),
    kms(
        "AWS::SageMaker::EndpointConfig",
        "AsyncInferenceConfig.OutputConfig",
        "KmsKeyId",
        "asynchronous inference results in S3",
    ),
    kms(
        "AWS::SageMaker::FeatureGroup",
        "OfflineStoreConfig.S3StorageConfig",
        "KmsKeyId",
        "the offline feature store in S3",
    ),
    kms(
        "AWS::SageMaker::FeatureGroup",
        "OnlineStoreConfig",
        "SecurityConfig.KmsKeyId",
        "the online feature store",
    ),
    kms(
        "AWS::SageMaker::ProcessingJob",
        "ProcessingResources.ClusterConfig",
        "VolumeKmsKeyId",
        "the processing instances' ML storage volumes",
    )
    .volume("InstanceType"),
    kms(
        "AWS::SageMaker::ProcessingJob",
        "ProcessingOutputConfig",
        "KmsKeyId",
        "processing outputs in S3",
    ),
    kms(
        "AWS::SageMaker::DataQualityJobDefinition",
        "JobResources.ClusterConfig",
        "VolumeKmsKeyId",
        "the monitoring instances' ML storage volumes",
    )
    .volume("InstanceType"),
    kms(
        "AWS::SageMaker::DataQualityJobDefinition",
        "DataQualityJobOutputConfig",
        "KmsKeyId",
        "monitoring results in S3",
    ),
    kms(
        "AWS::SageMaker::ModelQualityJobDefinition",
        "JobResources.ClusterConfig",
        "VolumeKmsKeyId",
        "the monitoring instances' ML storage volumes",
    )
    .volume("InstanceType"),
    kms(
        "AWS::SageMaker::ModelQualityJobDefinition",
        "ModelQualityJobOutputConfig",
        "KmsKeyId",
        "monitoring results in S3",
    ),
    kms(
        "AWS::SageMaker::ModelBiasJobDefinition",
        "JobResources.ClusterConfig",
        "VolumeKmsKeyId",
        "the monitoring instances' ML storage volumes",
    )
    .volume("InstanceType"),
    kms(
        "AWS::SageMaker::ModelBiasJobDefinition",
        "ModelBiasJobOutputConfig",
        "KmsKeyId",
        "monitoring results in S3",
    ),
    kms(
        "AWS::SageMaker::ModelExplainabilityJobDefinition",
        "JobResources.ClusterConfig",
        "VolumeKmsKeyId",
        "the monitoring instances' ML storage volumes",
    )
    .volume("InstanceType"),
    kms(
        "AWS::SageMaker::ModelExplainabilityJobDefinition",
        "ModelExplainabilityJobOutputConfig",
        "KmsKeyId",
        "monitoring results in S3",
    ),
    kms(
        "AWS::SageMaker::MonitoringSchedule",
        "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringResources.ClusterConfig",
        "VolumeKmsKeyId",
        "the monitoring instances' ML storage volumes",
    )
    .volume("InstanceType"),
    kms(
        "AWS::SageMaker::MonitoringSchedule",
        "MonitoringScheduleConfig.MonitoringJobDefinition.MonitoringOutputConfig",
        "KmsKeyId",
        "monitoring results in S3",
    ),
    kms(
        "AWS::SageMaker::ModelPackage",
        "ValidationSpecification.ValidationProfiles.TransformJobDefinition.TransformResources",
        "VolumeKmsKeyId",
        "the validation transform instances' ML storage volumes",
    )
    .volume("InstanceType"),
    kms(
        "AWS::SageMaker::ModelPackage",
        "ValidationSpecification.ValidationProfiles.TransformJobDefinition.TransformOutput",
        "KmsKeyId",
        "validation transform results in S3",
    ),
    kms(
        "AWS::SageMaker::ModelCard",
        "",
        "SecurityConfig.KmsKeyId",
        "the model card's content",
    ),
    kms(
        "AWS::SageMaker::InferenceExperiment",
        "",
        "KmsKey",
        "the shadow variants' ML storage volumes",
    ),
    kms(
        "AWS::SageMaker::InferenceExperiment",
        "DataStorageConfig",
        "KmsKey",
        "captured inference data in S3",
    ),
    kms(
        "AWS::SageMaker::DeviceFleet",
        "OutputConfig",
        "KmsKeyId",
        "edge device data in S3",
    ),
];

/// The values at a dotted path under `v`, walking into every element of a list on the way.
pub(super) fn at<'a>(v: &'a Value, path: &str) -> Vec<&'a Value> {
    let mut here: Vec<&Value> = vec![v];
    for part in path.split('.').filter(|p| !p.is_empty()) {
        here = here
            .into_iter()
            .flat_map(|h| one_or_many(Some(h)))
            .filter_map(|h| h.get(part))
            .collect();
    }
    here.into_iter()
        .flat_map(|h| one_or_many(Some(h)))
        .collect()
}

/// Instance families with NVMe instance storage, which SageMaker encrypts with a hardware key
/// and for which it refuses a KMS key ("You can't request a KmsKeyId when using an instance
/// type with local storage", CreateEndpointConfig; the same for VolumeKmsKeyId). Families
/// with a `d` after their generation (`m5d`, `c6id`, `g4dn`, `p4d`, `p4de`, `p3dn`) have it;
/// the others are named in AWS's training storage guide ("ML instance families with the
/// NVMe-type instance storage include ml.p4d, ml.g4dn, and ml.g5") and the EC2 instance
/// type pages.
const NVME_FAMILIES: &[&str] = &["g5", "g6", "g6e", "p5", "p5e", "p5en", "trn1", "trn1n"];

fn has_local_storage(instance_type: &str) -> bool {
    let Some(family) = instance_type
        .strip_prefix("ml.")
        .and_then(|s| s.split('.').next())
    else {
        return false;
    };
    if NVME_FAMILIES.contains(&family) {
        return true;
    }
    // The letters after the generation digit: `m5d` -> "d", `c6id` -> "id", `g4dn` -> "dn".
    let attributes = family
        .trim_start_matches(|c: char| c.is_ascii_alphabetic())
        .trim_start_matches(|c: char| c.is_ascii_digit());
    attributes.contains('d')
}

pub(super) fn sagemaker_kms(c: &mut Ctx) {
    let t = c.t;
    for (id, r) in &t.resources {
        if !SAGEMAKER_KMS
            .iter()
            .any(|k| k.resource_type == r.resource_type)
        {
            continue;
        }
        let props = Value::Object(
            r.properties
                .iter()
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect(),
        );
        for k in SAGEMAKER_KMS
            .iter()
            .filter(|k| k.resource_type == r.resource_type)
        {
            for parent in at(&props, k.parent) {
                if !at(parent, k.key).is_empty() {
                    continue;
                }
                if let Some((setting, value)) = k.applies_when
                    && parent
                        .get(setting)
                        .and_then(|v| resolve_str(t, v))
                        .as_deref()
                        != Some(value)
                {
                    continue;
                }
                if let Some(path) = k.instance_type {
                    let types: Vec<String> = at(parent, path)
                        .into_iter()
                        .filter_map(|v| resolve_str(t, v))
                        .collect();
                    let no_volume = at(parent, path).is_empty();
                    if no_volume || types.iter().any(|ty| has_local_storage(ty)) {
                        continue;
                    }
                }
                let place = if k.parent.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", k.parent)
                };
                c.find(
                    SM_KMS,
                    id,
                    format!("has no {}{place}, for {}", k.key, k.encrypts),
                );
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn local_storage_families_are_read_from_the_instance_type() {
        for ty in [
            "ml.m5d.large",
            "ml.c6id.xlarge",
            "ml.g4dn.xlarge",
            "ml.p4d.24xlarge",
            "ml.p3dn.24xlarge",
            "ml.g5.2xlarge",
        ] {
            assert!(has_local_storage(ty), "{ty}");
        }
        for ty in [
            "ml.m5.large",
            "ml.c5.xlarge",
            "ml.p3.2xlarge",
            "ml.t3.medium",
            "m5d",
        ] {
            assert!(!has_local_storage(ty), "{ty}");
        }
    }

    /// Every path of the table exists in the CloudFormation resource schema of its type, as
    /// cfn-lint ships it (the provider schemas AWS publishes): a misspelt path would keep the
    /// rule quiet forever.
    #[test]
    fn every_kms_path_is_in_the_resource_schema() {
        let paths = SAGEMAKER_KMS
            .iter()
            .map(|k| (k.resource_type, [k.parent, k.key].join(".")));
        super::super::schema_paths::assert_in_schemas(paths);
    }
}
