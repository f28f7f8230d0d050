//! What a reviewer signing off a data-science network expects the checks to say beyond routes
//! and groups: keys that rotate, logs that are encrypted, kept and complete, SageMaker storage
//! under a key of your own, EC2 capacity inside the template's subnets, and identity policies
//! that cannot undo the network. Each rule fires on the smallest template that breaks it and
//! stays quiet on the fixed one; the fixed templates also pass cfn-lint, so they are real
//! CloudFormation.

use crate::common;

use airgap::analysis::{Severity, check, rule};
use airgap::template::Template;

/// The (resource) IDs `check` finds for rule `id` in a YAML template.
fn fired(id: &str, yaml: &str) -> Vec<String> {
    let t = Template::from_yaml(yaml).expect("test template parses");
    check(&t)
        .into_iter()
        .filter(|f| f.rule.id == id)
        .map(|f| f.resource)
        .collect()
}

/// The messages of rule `id`'s findings.
fn messages(id: &str, yaml: &str) -> Vec<String> {
    let t = Template::from_yaml(yaml).expect("test template parses");
    check(&t)
        .into_iter()
        .filter(|f| f.rule.id == id)
        .map(|f| f.message)
        .collect()
}

fn template(resources: &str) -> String {
    format!("AWSTemplateFormatVersion: '2010-09-09'\nResources:\n{resources}")
}

const KEY: &str = "  Key:
    Type: AWS::KMS::Key
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      EnableKeyRotation: true
      KeyPolicy:
        Version: '2012-10-17'
        Statement:
          - Effect: Allow
            Principal: {AWS: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:root'}
            Action: 'kms:*'
            Resource: '*'
";

#[test]
fn kms_001_symmetric_key_without_rotation() {
    // "Automatic key rotation is supported only on symmetric encryption KMS keys. You cannot
    // enable automatic rotation of asymmetric KMS keys, HMAC KMS keys, KMS keys with imported
    // key material, or KMS keys in a custom key store." (KMS API Reference, EnableKeyRotation)
    let absent = template(&KEY.replace("      EnableKeyRotation: true\n", ""));
    let off = template(&KEY.replace("EnableKeyRotation: true", "EnableKeyRotation: false"));
    assert_eq!(fired("AG-KMS-001", &absent), ["Key"]);
    assert_eq!(fired("AG-KMS-001", &off), ["Key"]);
    assert!(messages("AG-KMS-001", &off)[0].contains("EnableKeyRotation: false"));
    let ok = template(KEY);
    assert!(fired("AG-KMS-001", &ok).is_empty());
    // Keys that cannot rotate are not asked to.
    for spec in [
        "KeySpec: RSA_2048\n      KeyUsage: SIGN_VERIFY",
        "KeySpec: HMAC_256\n      KeyUsage: GENERATE_VERIFY_MAC",
        "Origin: EXTERNAL",
    ] {
        let other = template(&KEY.replace("EnableKeyRotation: true", spec));
        assert!(fired("AG-KMS-001", &other).is_empty(), "{spec}");
    }
}

fn flow_log(traffic: &str) -> String {
    template(&format!(
        "  Vpc: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: 10.0.0.0/16}}}}
  Logs: {{Type: AWS::Logs::LogGroup, DeletionPolicy: Retain, UpdateReplacePolicy: Retain, Properties: {{RetentionInDays: 365, KmsKeyId: !GetAtt Key.Arn}}}}
  Flow: {{Type: AWS::EC2::FlowLog, Properties: {{ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: {traffic}, LogGroupName: !Ref Logs, DeliverLogsPermissionArn: !Sub 'arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/flow-logs'}}}}
{KEY}"
    ))
}

#[test]
fn log_003_flow_log_that_does_not_record_all_traffic() {
    // TrafficType: "The type of traffic to log. You can log traffic that the resource accepts
    // or rejects, or all traffic." (AWS::EC2::FlowLog resource schema)
    assert_eq!(fired("AG-LOG-003", &flow_log("REJECT")), ["Flow"]);
    assert!(messages("AG-LOG-003", &flow_log("REJECT"))[0].contains("no accepted connection"));
    assert_eq!(fired("AG-LOG-003", &flow_log("ACCEPT")), ["Flow"]);
    let ok = flow_log("ALL");
    assert!(fired("AG-LOG-003", &ok).is_empty());
}

fn log_group(name: &str, extra: &str) -> String {
    template(&format!(
        "  Logs:
    Type: AWS::Logs::LogGroup
    DeletionPolicy: Retain
    UpdateReplacePolicy: Retain
    Properties:
      LogGroupName: {name}
{extra}{KEY}"
    ))
}

const KEPT_AND_ENCRYPTED: &str = "      RetentionInDays: 365\n      KmsKeyId: !GetAtt Key.Arn\n";

#[test]
fn log_004_flow_log_and_sagemaker_groups_without_a_kms_key_are_errors() {
    // A flow log's group: the flow log's own fixture, without the key.
    let flow = flow_log("ALL").replace(", KmsKeyId: !GetAtt Key.Arn", "");
    assert_eq!(fired("AG-LOG-004", &flow), ["Logs"]);
    assert!(fired("AG-LOG-005", &flow).is_empty());
    // A flow log may name its group rather than refer to it.
    let by_name = flow
        .replace("LogGroupName: !Ref Logs", "LogGroupName: vpc-flow-logs")
        .replace(
            "Properties: {RetentionInDays",
            "Properties: {LogGroupName: vpc-flow-logs, RetentionInDays",
        );
    assert_eq!(fired("AG-LOG-004", &by_name), ["Logs"]);
    // SageMaker writes its logs to groups named /aws/sagemaker/...
    let sagemaker = log_group(
        "/aws/sagemaker/NotebookInstances",
        "      RetentionInDays: 365\n",
    );
    assert_eq!(fired("AG-LOG-004", &sagemaker), ["Logs"]);
    assert_eq!(rule("AG-LOG-004").unwrap().severity, Severity::Error);
    let ok = log_group("/aws/sagemaker/NotebookInstances", KEPT_AND_ENCRYPTED);
    assert!(fired("AG-LOG-004", &ok).is_empty());
    assert!(fired("AG-LOG-004", &flow_log("ALL")).is_empty());
}

#[test]
fn log_002_sagemaker_groups_need_retention_like_flow_log_groups() {
    let forever = log_group(
        "/aws/sagemaker/TrainingJobs",
        "      KmsKeyId: !GetAtt Key.Arn\n",
    );
    assert_eq!(fired("AG-LOG-002", &forever), ["Logs"]);
    assert!(messages("AG-LOG-002", &forever)[0].contains("SageMaker"));
    let ok = log_group("/aws/sagemaker/TrainingJobs", KEPT_AND_ENCRYPTED);
    assert!(fired("AG-LOG-002", &ok).is_empty());
}

#[test]
fn log_005_and_006_other_log_groups_are_warnings() {
    let bare = log_group("/ecs/pypi-mirror", "");
    assert_eq!(fired("AG-LOG-005", &bare), ["Logs"]);
    assert_eq!(fired("AG-LOG-006", &bare), ["Logs"]);
    assert!(fired("AG-LOG-004", &bare).is_empty());
    assert!(fired("AG-LOG-002", &bare).is_empty());
    assert_eq!(rule("AG-LOG-005").unwrap().severity, Severity::Warning);
    assert_eq!(rule("AG-LOG-006").unwrap().severity, Severity::Warning);
    let ok = log_group("/ecs/pypi-mirror", KEPT_AND_ENCRYPTED);
    assert!(fired("AG-LOG-005", &ok).is_empty());
    assert!(fired("AG-LOG-006", &ok).is_empty());
}

const ENDPOINT_CONFIG: &str = "  Hosting:
    Type: AWS::SageMaker::EndpointConfig
    Properties:
      KmsKeyId: !Ref Key
      ProductionVariants:
        - ModelName: model
          VariantName: main
          InitialInstanceCount: 1
          InitialVariantWeight: 1
          InstanceType: ml.m5.large
      DataCaptureConfig:
        InitialSamplingPercentage: 10
        DestinationS3Uri: s3://captures/hosting
        KmsKeyId: !Ref Key
        CaptureOptions: [{CaptureMode: Input}, {CaptureMode: Output}]
";

#[test]
fn sm_004_endpoint_configurations_need_keys_for_volumes_and_captures() {
    // "The Amazon Resource Name (ARN) of a AWS Key Management Service key that Amazon
    // SageMaker uses to encrypt data on the storage volume attached to the ML compute instance
    // that hosts the endpoint." (CreateEndpointConfig, KmsKeyId)
    let no_volume_key = template(&format!(
        "{}{KEY}",
        ENDPOINT_CONFIG.replacen("      KmsKeyId: !Ref Key\n", "", 1)
    ));
    assert_eq!(fired("AG-SM-004", &no_volume_key), ["Hosting"]);
    assert!(messages("AG-SM-004", &no_volume_key)[0].contains("ML storage volumes"));
    let no_capture_key = template(&format!(
        "{}{KEY}",
        ENDPOINT_CONFIG.replace("        KmsKeyId: !Ref Key\n", "")
    ));
    assert_eq!(
        messages("AG-SM-004", &no_capture_key),
        ["has no KmsKeyId in DataCaptureConfig, for captured requests and responses in S3"]
    );
    let ok = template(&format!("{ENDPOINT_CONFIG}{KEY}"));
    assert!(fired("AG-SM-004", &ok).is_empty());
    // "You can't request a KmsKeyId when using an instance type with local storage. If any of
    // the models that you specify in the ProductionVariants parameter use nitro-based instances
    // with local storage, do not specify a value for the KmsKeyId parameter."
    let nvme = no_volume_key.replace("ml.m5.large", "ml.g4dn.xlarge");
    assert!(fired("AG-SM-004", &nvme).is_empty());
}

const FEATURE_GROUP: &str = "  Features:
    Type: AWS::SageMaker::FeatureGroup
    Properties:
      FeatureGroupName: customers
      RecordIdentifierFeatureName: id
      EventTimeFeatureName: at
      FeatureDefinitions:
        - {FeatureName: id, FeatureType: String}
        - {FeatureName: at, FeatureType: String}
      RoleArn: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/features'
      OfflineStoreConfig:
        S3StorageConfig:
          S3Uri: s3://features/customers
          KmsKeyId: !Ref Key
";

#[test]
fn sm_004_feature_groups_and_job_definitions_need_keys() {
    let offline = template(&format!(
        "{}{KEY}",
        FEATURE_GROUP.replace("          KmsKeyId: !Ref Key\n", "")
    ));
    assert_eq!(
        messages("AG-SM-004", &offline),
        [
            "has no KmsKeyId in OfflineStoreConfig.S3StorageConfig, for the offline feature store in S3"
        ]
    );
    let ok = template(&format!("{FEATURE_GROUP}{KEY}"));
    assert!(fired("AG-SM-004", &ok).is_empty());
    // A feature group without an offline store stores nothing in S3.
    let online_only = template(
        &FEATURE_GROUP
            .split("      OfflineStoreConfig:")
            .next()
            .unwrap()
            .replace(
                "      RoleArn",
                "      OnlineStoreConfig: {EnableOnlineStore: true, SecurityConfig: {KmsKeyId: key}}\n      RoleArn",
            ),
    );
    assert!(fired("AG-SM-004", &online_only).is_empty());

    let job = |volume_key: &str| {
        template(&format!(
            "  Quality:
    Type: AWS::SageMaker::DataQualityJobDefinition
    Properties:
      RoleArn: arn:aws:iam::1:role/r
      DataQualityAppSpecification: {{ImageUri: image}}
      DataQualityJobInput: {{EndpointInput: {{EndpointName: e, LocalPath: /opt/ml/processing/input}}}}
      DataQualityJobOutputConfig:
        KmsKeyId: key
        MonitoringOutputs: [{{S3Output: {{S3Uri: s3://b/p, LocalPath: /opt/ml/processing/output}}}}]
      JobResources:
        ClusterConfig: {{InstanceCount: 1, InstanceType: ml.m5.large, VolumeSizeInGB: 20{volume_key}}}
"
        ))
    };
    assert_eq!(
        messages("AG-SM-004", &job("")),
        [
            "has no VolumeKmsKeyId in JobResources.ClusterConfig, for the monitoring instances' ML storage volumes"
        ]
    );
    assert!(fired("AG-SM-004", &job(", VolumeKmsKeyId: key")).is_empty());
}

#[test]
fn sm_004_studio_sharing_needs_a_key_only_when_cell_output_is_shared() {
    // S3KmsKeyId: "When NotebookOutputOption is Allowed, the AWS Key Management Service (KMS)
    // encryption key ID used to encrypt the notebook cell output in the Amazon S3 bucket."
    // (SageMaker API Reference, SharingSettings)
    let profile = |sharing: &str| {
        template(&format!(
            "  Profile:
    Type: AWS::SageMaker::UserProfile
    Properties:
      DomainId: d-1
      UserProfileName: alice
      UserSettings:
        SharingSettings: {{{sharing}}}
"
        ))
    };
    let shared = profile("NotebookOutputOption: Allowed, S3OutputPath: s3://b/shared");
    assert_eq!(fired("AG-SM-004", &shared), ["Profile"]);
    let keyed =
        profile("NotebookOutputOption: Allowed, S3OutputPath: s3://b/shared, S3KmsKeyId: key");
    assert!(fired("AG-SM-004", &keyed).is_empty());
    assert!(fired("AG-SM-004", &profile("NotebookOutputOption: Disabled")).is_empty());
}

const LAUNCH_CONFIGURATION: &str = "  Launch:
    Type: AWS::AutoScaling::LaunchConfiguration
    Properties:
      ImageId: ami-12345678
      InstanceType: t3.micro
      AssociatePublicIpAddress: false
  Group:
    Type: AWS::AutoScaling::AutoScalingGroup
    Properties:
      LaunchConfigurationName: !Ref Launch
      MinSize: '0'
      MaxSize: '1'
      VPCZoneIdentifier: [subnet-12345678]
";

#[test]
fn net_009_launch_configuration_with_public_addresses() {
    let public = template(&LAUNCH_CONFIGURATION.replace(
        "AssociatePublicIpAddress: false",
        "AssociatePublicIpAddress: true",
    ));
    assert_eq!(fired("AG-NET-009", &public), ["Launch"]);
    let ok = template(LAUNCH_CONFIGURATION);
    assert!(fired("AG-NET-009", &ok).is_empty());
}

#[test]
fn net_011_instances_and_groups_outside_the_subnets_land_in_the_default_vpc() {
    let group = template(&LAUNCH_CONFIGURATION.replace(
        "      VPCZoneIdentifier: [subnet-12345678]\n",
        "      AvailabilityZones: !GetAZs ''\n",
    ));
    assert_eq!(fired("AG-NET-011", &group), ["Group"]);
    assert!(fired("AG-NET-011", &template(LAUNCH_CONFIGURATION)).is_empty());

    let instance = |placement: &str| {
        template(&format!(
            "  Box:
    Type: AWS::EC2::Instance
    Properties:
      ImageId: ami-12345678
      InstanceType: t3.micro
{placement}"
        ))
    };
    assert_eq!(fired("AG-NET-011", &instance("")), ["Box"]);
    let in_subnet = instance("      SubnetId: subnet-12345678\n");
    assert!(fired("AG-NET-011", &in_subnet).is_empty());
    let by_interface =
        instance("      NetworkInterfaces: [{DeviceIndex: '0', SubnetId: subnet-12345678}]\n");
    assert!(fired("AG-NET-011", &by_interface).is_empty());
    let attached = instance(
        "      NetworkInterfaces: [{DeviceIndex: '0', NetworkInterfaceId: eni-12345678}]\n",
    );
    assert!(fired("AG-NET-011", &attached).is_empty());
    // A launch template of the same template decides: without a subnet, the default VPC.
    let from_template = |interfaces: &str| {
        template(&format!(
            "  Box:
    Type: AWS::EC2::Instance
    Properties:
      LaunchTemplate: {{LaunchTemplateId: !Ref Lt, Version: !GetAtt Lt.LatestVersionNumber}}
  Lt:
    Type: AWS::EC2::LaunchTemplate
    Properties:
      LaunchTemplateData: {{ImageId: ami-12345678{interfaces}}}
"
        ))
    };
    assert_eq!(fired("AG-NET-011", &from_template("")), ["Box"]);
    let placed =
        from_template(", NetworkInterfaces: [{DeviceIndex: 0, SubnetId: subnet-12345678}]");
    assert!(fired("AG-NET-011", &placed).is_empty());
}

/// A role whose one inline policy has the given statements (YAML flow list items).
fn role(statements: &[&str]) -> String {
    let list: String = statements
        .iter()
        .map(|s| format!("              - {s}\n"))
        .collect();
    template(&format!(
        "  Scientist:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument:
        Version: '2012-10-17'
        Statement:
          - {{Effect: Allow, Principal: {{Service: sagemaker.amazonaws.com}}, Action: 'sts:AssumeRole'}}
      Policies:
        - PolicyName: work
          PolicyDocument:
            Version: '2012-10-17'
            Statement:
{list}"
    ))
}

const CONDITIONED: &[&str] = &[
    "{Effect: Allow, Action: ['sagemaker:CreateNotebookInstance', 'sagemaker:CreateTrainingJob'], Resource: '*', Condition: {'ForAnyValue:StringEquals': {'sagemaker:VpcSubnets': [subnet-1]}, StringEquals: {'sagemaker:DirectInternetAccess': Disabled}}}",
];

const DENIED: &[&str] = &[
    "{Effect: Allow, Action: 'sagemaker:*', Resource: '*'}",
    "{Effect: Deny, Action: ['sagemaker:CreateNotebookInstance', 'sagemaker:CreateTrainingJob', 'sagemaker:CreateProcessingJob', 'sagemaker:CreateHyperParameterTuningJob', 'sagemaker:CreateModel', 'sagemaker:CreateAutoMLJob*', 'sagemaker:CreateCluster', 'sagemaker:Create*QualityJobDefinition', 'sagemaker:CreateModelBiasJobDefinition', 'sagemaker:CreateModelExplainabilityJobDefinition', 'sagemaker:CreateMonitoringSchedule'], Resource: '*', Condition: {'Null': {'sagemaker:VpcSubnets': 'true'}}}",
    "{Effect: Deny, Action: 'sagemaker:CreateNotebookInstance', Resource: '*', Condition: {StringNotEquals: {'sagemaker:DirectInternetAccess': Disabled}}}",
    "{Effect: Deny, Action: 'sagemaker:CreateDomain', Resource: '*', Condition: {StringNotEquals: {'sagemaker:AppNetworkAccessType': VpcOnly}}}",
];

const TO_SAGEMAKER: &[&str] = &[
    "{Effect: Allow, Action: 'iam:PassRole', Resource: '*', Condition: {StringEquals: {'iam:PassedToService': sagemaker.amazonaws.com}}}",
];

const DENY_NOT_ACTION: &[&str] = &[
    "{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*'}",
    "{Effect: Deny, NotAction: ['s3:*'], Resource: '*'}",
];

const NO_RESOURCE_ACTIONS: &[&str] = &[
    "{Effect: Allow, Action: ['ecr:GetAuthorizationToken', 'sts:GetCallerIdentity', 'sagemaker:ListNotebookInstances'], Resource: '*', Condition: {StringEquals: {'aws:RequestedRegion': eu-west-1}}}",
];

#[test]
fn iam_004_sagemaker_create_actions_without_network_conditions() {
    // "When your notebook allows direct internet access, SageMaker AI provides a network
    // interface that allows the notebook to communicate with the internet through a VPC
    // managed by SageMaker AI." (SageMaker Developer Guide, "Connect a Notebook Instance in a
    // VPC to External Resources"). The guard rail AWS shows is a Deny on the create actions
    // when the key is missing ("Effect": "Deny", ... "Condition": {"Null":
    // {"sagemaker:VolumeKmsKey": "true"}}, "Build a Secure Enterprise Machine Learning
    // Platform on AWS", Governance and control); and "...IfExists": "If the key that is
    // specified in a policy condition is not present in the request context, the values
    // match" (IAM User Guide, condition operators).
    let open = role(&["{Effect: Allow, Action: 'sagemaker:*', Resource: '*'}"]);
    assert_eq!(fired("AG-IAM-004", &open), ["Scientist"]);
    let said = &messages("AG-IAM-004", &open)[0];
    assert!(said.contains("CreateNotebookInstance"), "{said}");
    assert!(
        said.contains("sagemaker:DirectInternetAccess = Disabled"),
        "{said}"
    );
    assert!(
        said.contains("sagemaker:AppNetworkAccessType = VpcOnly"),
        "{said}"
    );
    assert_eq!(
        fired(
            "AG-IAM-004",
            &role(&["{Effect: Allow, Action: 'sagemaker:Create*', Resource: '*'}"])
        ),
        ["Scientist"]
    );
    // `...IfExists` lets a request without subnets through, so it proves nothing.
    let if_exists = role(&[
        "{Effect: Allow, Action: 'sagemaker:CreateTrainingJob', Resource: '*', Condition: {'ForAllValues:StringEqualsIfExists': {'sagemaker:VpcSubnets': [subnet-1]}}}",
    ]);
    assert_eq!(fired("AG-IAM-004", &if_exists), ["Scientist"]);
    // Conditions that require the subnets and the safe network settings keep it quiet ...
    let conditioned = role(CONDITIONED);
    assert!(fired("AG-IAM-004", &conditioned).is_empty());
    // ... as does the reference architecture's form: allow sagemaker:*, deny what lacks them.
    let denied = role(DENIED);
    assert!(fired("AG-IAM-004", &denied).is_empty());
    // Actions that create nothing with a network are not its business.
    let read_only = role(&[
        "{Effect: Allow, Action: ['sagemaker:Describe*', 'sagemaker:List*'], Resource: '*'}",
    ]);
    assert!(fired("AG-IAM-004", &read_only).is_empty());
}

#[test]
fn iam_005_pass_role_on_every_role_without_passed_to_service() {
    let any = role(&["{Effect: Allow, Action: 'iam:PassRole', Resource: '*'}"]);
    assert_eq!(fired("AG-IAM-005", &any), ["Scientist"]);
    let every_role = role(&[
        "{Effect: Allow, Action: 'iam:Pass*', Resource: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/*'}",
    ]);
    assert_eq!(fired("AG-IAM-005", &every_role), ["Scientist"]);
    let to_sagemaker = role(TO_SAGEMAKER);
    assert!(fired("AG-IAM-005", &to_sagemaker).is_empty());
    let named = role(&[
        "{Effect: Allow, Action: 'iam:PassRole', Resource: !Sub 'arn:${AWS::Partition}:iam::${AWS::AccountId}:role/notebook-execution'}",
    ]);
    assert!(fired("AG-IAM-005", &named).is_empty());
}

#[test]
fn iam_006_allow_with_not_action_or_not_resource() {
    let not_action = role(&["{Effect: Allow, NotAction: 'iam:*', Resource: '*'}"]);
    assert_eq!(fired("AG-IAM-006", &not_action), ["Scientist"]);
    let not_resource =
        role(&["{Effect: Allow, Action: 's3:GetObject', NotResource: 'arn:aws:s3:::secrets/*'}"]);
    assert_eq!(fired("AG-IAM-006", &not_resource), ["Scientist"]);
    // Deny with NotAction is the usual guard-rail form, not a grant.
    let deny = role(DENY_NOT_ACTION);
    assert!(fired("AG-IAM-006", &deny).is_empty());
}

#[test]
fn iam_007_administrator_access() {
    let admin = role(&["{Effect: Allow, Action: '*', Resource: '*'}"]);
    assert_eq!(fired("AG-IAM-007", &admin), ["Scientist"]);
    // One finding says it all: no second one for PassRole or SageMaker.
    assert!(fired("AG-IAM-004", &admin).is_empty());
    assert!(fired("AG-IAM-005", &admin).is_empty());
    let scoped = role(&["{Effect: Allow, Action: 's3:*', Resource: 'arn:aws:s3:::data/*'}"]);
    assert!(fired("AG-IAM-007", &scoped).is_empty());
}

#[test]
fn actions_that_take_no_resource_are_not_blamed_for_their_star() {
    // ecr:GetAuthorizationToken, sts:GetCallerIdentity and the List/Describe calls support only
    // `*` as their resource ("Resource types: -" in the Service Authorization Reference); a
    // plain no-wildcard-resource rule would fire on every role that pulls an image.
    let pulls = role(NO_RESOURCE_ACTIONS);
    let t = Template::from_yaml(&pulls).unwrap();
    let found: Vec<&str> = check(&t).iter().map(|f| f.rule.id).collect();
    assert!(found.is_empty(), "{found:?}");
}

/// The fixed templates above are real CloudFormation: cfn-lint, one run for all of them (the
/// launch configuration is left out: cfn-lint warns, W3697, that its service is in
/// maintenance mode, which is no news to a check that judges launch configurations).
#[test]
fn the_quiet_templates_pass_cfn_lint() {
    let quiet = [
        ("kms-rotation", template(KEY)),
        ("flow-log-all", flow_log("ALL")),
        (
            "sagemaker-log-group",
            log_group("/aws/sagemaker/NotebookInstances", KEPT_AND_ENCRYPTED),
        ),
        (
            "other-log-group",
            log_group("/ecs/pypi-mirror", KEPT_AND_ENCRYPTED),
        ),
        (
            "endpoint-config",
            template(&format!("{ENDPOINT_CONFIG}{KEY}")),
        ),
        ("feature-group", template(&format!("{FEATURE_GROUP}{KEY}"))),
        ("role-conditioned", role(CONDITIONED)),
        ("role-denied", role(DENIED)),
        ("role-passes-to-sagemaker", role(TO_SAGEMAKER)),
        ("role-deny-not-action", role(DENY_NOT_ACTION)),
        ("role-no-resource-actions", role(NO_RESOURCE_ACTIONS)),
    ];
    for (name, yaml) in &quiet {
        let t = Template::from_yaml(yaml).unwrap();
        let blocking: Vec<String> = check(&t)
            .iter()
            .filter(|f| f.is_blocking())
            .map(|f| f.to_string())
            .collect();
        assert!(blocking.is_empty(), "{name}: {blocking:?}");
    }
    let files: Vec<(String, String)> = quiet
        .into_iter()
        .map(|(n, y)| (format!("beyond-the-network-{n}.yaml"), y))
        .collect();
    common::cfn_lint(&files);
}

/// The README's rules table has a row for every rule, with its severity and a Guard Rules
/// Registry equivalent (or "none"), and no row for a rule that does not exist.
#[test]
fn the_readme_lists_every_rule_with_its_guard_equivalent() {
    let readme = include_str!("../../README.md");
    let rows: Vec<Vec<&str>> = readme
        .lines()
        .filter(|l| l.starts_with("| AG-"))
        .map(|l| l.trim_matches('|').split(" | ").map(str::trim).collect())
        .collect();
    for r in airgap::analysis::RULES {
        let row = rows
            .iter()
            .find(|row| row[0] == r.id)
            .unwrap_or_else(|| panic!("{} has no row in the README's rules table", r.id));
        assert_eq!(row.len(), 4, "{}: {row:?}", r.id);
        assert_eq!(row[1], r.severity.as_str(), "{}", r.id);
        let guard = row[3];
        assert!(
            guard == "none"
                || guard.split('`').skip(1).step_by(2).all(|name| name
                    .chars()
                    .all(|c| c.is_ascii_uppercase() || c.is_ascii_digit() || c == '_')),
            "{}: {guard}",
            r.id
        );
    }
    for row in &rows {
        assert!(
            rule(row[0]).is_some(),
            "the README lists {}, which is no rule",
            row[0]
        );
    }
}

/// A role attaching AWS managed policies, and an inline policy of its own.
fn role_with_managed(policies: &[&str], statements: &[&str]) -> String {
    let arns: Vec<String> = policies
        .iter()
        .map(|p| format!("!Sub 'arn:${{AWS::Partition}}:iam::aws:policy/{p}'"))
        .collect();
    role(statements).replace(
        "      Policies:\n",
        &format!(
            "      ManagedPolicyArns: [{}]\n      Policies:\n",
            arns.join(", ")
        ),
    )
}

#[test]
fn aws_managed_policies_that_undo_the_network_are_judged_by_what_they_allow() {
    // The AWS Managed Policy Reference: AmazonSageMakerFullAccess allows "sagemaker:*" on
    // every resource but domains, user profiles, apps and spaces, with no condition;
    // AdministratorAccess "*" on "*"; PowerUserAccess every action but iam:*, organizations:*
    // and account:*.
    let read = "{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*'}";
    let full = role_with_managed(&["AmazonSageMakerFullAccess"], &[read]);
    assert_eq!(fired("AG-IAM-004", &full), ["Scientist"]);
    let said = &messages("AG-IAM-004", &full)[0];
    assert!(said.starts_with("ManagedPolicyArns: AWS's AmazonSageMakerFullAccess allows sagemaker:CreateNotebookInstance"), "{said}");
    assert!(!said.contains("CreateDomain"), "{said}");
    assert_eq!(
        fired(
            "AG-IAM-007",
            &role_with_managed(&["AdministratorAccess"], &[read])
        ),
        ["Scientist"]
    );
    assert_eq!(
        fired(
            "AG-IAM-006",
            &role_with_managed(&["PowerUserAccess"], &[read])
        ),
        ["Scientist"]
    );
    // The Denies of the role's own policies still hold against a managed policy's Allow.
    let mut guarded: Vec<&str> = DENIED[1..].to_vec();
    guarded.push(read);
    let fenced = role_with_managed(&["AmazonSageMakerFullAccess"], &guarded);
    assert!(fired("AG-IAM-004", &fenced).is_empty());
    let read_only = role_with_managed(&["AmazonSageMakerReadOnly", "ReadOnlyAccess"], &[read]);
    let t = Template::from_yaml(&read_only).unwrap();
    assert!(check(&t).is_empty(), "{:?}", check(&t));
}

fn processing_job(network: &str) -> String {
    template(&format!(
        "  Prep:
    Type: AWS::SageMaker::ProcessingJob
    Properties:
      RoleArn: arn:aws:iam::1:role/r
      AppSpecification: {{ImageUri: image}}
      ProcessingResources:
        ClusterConfig: {{InstanceCount: 1, InstanceType: ml.m5.large, VolumeSizeInGB: 20, VolumeKmsKeyId: key}}
{network}"
    ))
}

#[test]
fn sm_001_jobs_and_monitoring_outside_the_vpc() {
    assert_eq!(fired("AG-SM-001", &processing_job("")), ["Prep"]);
    assert_eq!(
        messages("AG-SM-001", &processing_job("")),
        [
            "has no NetworkConfig.VpcConfig, so it runs in a network SageMaker manages, with internet access"
        ]
    );
    let in_vpc = processing_job(
        "      NetworkConfig: {VpcConfig: {SecurityGroupIds: [sg-1], Subnets: [subnet-1]}}\n",
    );
    assert!(fired("AG-SM-001", &in_vpc).is_empty());
    // Network isolation cuts the containers off from every network: nothing to leave by.
    let isolated = processing_job("      NetworkConfig: {EnableNetworkIsolation: true}\n");
    assert!(fired("AG-SM-001", &isolated).is_empty());
    // A schedule that names a separate job definition is judged there.
    let schedule = template(
        "  Watch:
    Type: AWS::SageMaker::MonitoringSchedule
    Properties:
      MonitoringScheduleName: watch
      MonitoringScheduleConfig: {MonitoringJobDefinitionName: quality, MonitoringType: DataQuality}
",
    );
    assert!(fired("AG-SM-001", &schedule).is_empty());
}

#[test]
fn iam_004_a_deny_in_any_policy_of_the_same_role_fences_the_allow() {
    // A customer managed policy allows sagemaker:*; the role that attaches it denies what
    // lacks the network conditions, in its own inline policy. Both ways of attaching count.
    let managed = |attach: &str, denies: &[&str]| {
        let mut t = role_with_managed(&[], denies).replace(
            "      ManagedPolicyArns: []\n",
            &format!("      ManagedPolicyArns: [{attach}]\n"),
        );
        t.push_str(
            "  Work:
    Type: AWS::IAM::ManagedPolicy
    Properties:
      PolicyDocument:
        Version: '2012-10-17'
        Statement: [{Effect: Allow, Action: 'sagemaker:*', Resource: '*'}]
",
        );
        t
    };
    let read = "{Effect: Allow, Action: 's3:GetObject', Resource: 'arn:aws:s3:::data/*'}";
    let mut fenced: Vec<&str> = DENIED[1..].to_vec();
    fenced.push(read);
    assert_eq!(
        fired("AG-IAM-004", &managed("!Ref Work", &[read])),
        ["Work"]
    );
    assert!(fired("AG-IAM-004", &managed("!Ref Work", &fenced)).is_empty());
    // Attached from the policy's side, with Roles.
    let from_policy = managed("", &fenced).replace(
        "      PolicyDocument:\n        Version: '2012-10-17'\n        Statement: [{Effect: Allow, Action: 'sagemaker:*'",
        "      Roles: [!Ref Scientist]\n      PolicyDocument:\n        Version: '2012-10-17'\n        Statement: [{Effect: Allow, Action: 'sagemaker:*'",
    );
    assert!(from_policy.contains("Roles: [!Ref Scientist]"));
    assert!(fired("AG-IAM-004", &from_policy).is_empty());
    // A Deny of another role fences nothing here.
    let other_role = role(&fenced).replace("Scientist", "Other");
    let elsewhere = format!(
        "{}{}",
        managed("!Ref Work", &[read]),
        other_role.split("Resources:\n").nth(1).unwrap()
    );
    assert_eq!(fired("AG-IAM-004", &elsewhere), ["Work"]);
}

#[test]
fn iam_004_a_create_wildcard_scoped_to_other_resources_creates_no_notebook() {
    // The IAM catalog gives each action the resource types it acts on: a statement whose
    // Resource names only experiments cannot create a notebook instance or a training job.
    let experiments = role(&[
        "{Effect: Allow, Action: 'sagemaker:Create*', Resource: !Sub 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:experiment/*'}",
    ]);
    assert!(fired("AG-IAM-004", &experiments).is_empty());
    let notebooks = role(&[
        "{Effect: Allow, Action: 'sagemaker:Create*', Resource: !Sub 'arn:${AWS::Partition}:sagemaker:${AWS::Region}:${AWS::AccountId}:notebook-instance/*'}",
    ]);
    assert_eq!(fired("AG-IAM-004", &notebooks), ["Scientist"]);
    assert!(messages("AG-IAM-004", &notebooks)[0].contains("CreateNotebookInstance"));
    // A resource known only at launch is taken to match.
    let imported = role(&[
        "{Effect: Allow, Action: 'sagemaker:Create*', Resource: !ImportValue notebook-arns}",
    ]);
    assert_eq!(fired("AG-IAM-004", &imported), ["Scientist"]);
}

#[test]
fn sm_001_a_model_with_network_isolation_is_not_outside_the_vpc() {
    // EnableNetworkIsolation: "Isolates the model container. No inbound or outbound network
    // calls can be made to or from the model container." (SageMaker API Reference, CreateModel)
    let model = |extra: &str| {
        template(&format!(
            "  Model:
    Type: AWS::SageMaker::Model
    Properties:
      ExecutionRoleArn: arn:aws:iam::1:role/r
      PrimaryContainer: {{Image: image}}
{extra}"
        ))
    };
    assert_eq!(fired("AG-SM-001", &model("")), ["Model"]);
    assert!(fired("AG-SM-001", &model("      EnableNetworkIsolation: true\n")).is_empty());
    assert!(
        fired(
            "AG-SM-001",
            &model("      VpcConfig: {SecurityGroupIds: [sg-1], Subnets: [subnet-1]}\n")
        )
        .is_empty()
    );
}
