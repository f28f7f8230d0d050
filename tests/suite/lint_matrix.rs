//! Every shape of network a user can ask for is valid CloudFormation, and stays private.
//! All templates go through cfn-lint in one call (it is slow to start).

use crate::common;

use crate::examples::low_level_vpc as low_level;

use airgap::iam::{Arn, PolicyDocument, Statement};
use airgap::net::Service;
use airgap::patterns::sagemaker::{SecureSageMakerNetwork, Workload};
use airgap::template::Stack;
use serde_json::Value;

fn synth(stack: Stack, net: SecureSageMakerNetwork) -> String {
    let mut stack = stack;
    net.add_to(&mut stack).expect("the network builds");
    stack
        .synth()
        .expect("it synthesizes")
        .to_json_pretty()
        .to_string()
}

fn every_service() -> Vec<Service> {
    Service::CATALOG.to_vec()
}

fn matrix() -> Vec<(String, String)> {
    let mut out = Vec::new();
    for zones in 1..=6 {
        out.push((
            format!("zones_{zones}.json"),
            synth(
                Stack::new("M"),
                SecureSageMakerNetwork::new("Ds").zones(zones),
            ),
        ));
    }
    out.push((
        "small_block.json".into(),
        synth(
            Stack::new("M"),
            SecureSageMakerNetwork::new("Ds")
                .cidr("10.9.8.0/24")
                .zones(2)
                .subnet_prefix(26),
        ),
    ));
    out.push((
        "given_subnets.json".into(),
        synth(
            Stack::new("M"),
            SecureSageMakerNetwork::new("Ds")
                .cidr("10.2.0.0/16")
                .subnet_cidrs(["10.2.1.0/24", "10.2.2.0/24", "10.2.3.0/24"]),
        ),
    ));
    out.push((
        "pinned_zones.json".into(),
        synth(
            Stack::new("M").in_region("eu-west-1"),
            SecureSageMakerNetwork::new("Ds")
                .zone_names(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
                .s3_prefix_list_id("pl-6da54004"),
        ),
    ));
    out.push((
        "named_zones_unpinned_stack.json".into(),
        synth(
            Stack::new("M"),
            SecureSageMakerNetwork::new("Ds").zone_names(["us-east-1a", "us-east-1d"]),
        ),
    ));
    out.push((
        "china.json".into(),
        synth(
            Stack::new("M").in_region("cn-north-1"),
            SecureSageMakerNetwork::new("Ds").zones(2),
        ),
    ));
    out.push((
        "govcloud.json".into(),
        synth(
            Stack::new("M").in_region("us-gov-west-1"),
            SecureSageMakerNetwork::new("Ds"),
        ),
    ));
    out.push((
        "every_endpoint.json".into(),
        synth(
            Stack::new("M").tag("CostCenter", "1234"),
            SecureSageMakerNetwork::new("Ds")
                .endpoints(every_service())
                .workloads([
                    Workload::Jobs,
                    Workload::NotebookInstances,
                    Workload::EcrImages,
                    Workload::Projects,
                ])
                .read_bucket("ds-data-bucket-*")
                .read_bucket("ds-model-bucket-*"),
        ),
    ));
    out.push((
        "open_to_vpc_distributed.json".into(),
        synth(
            Stack::new("M").export_prefix("ds-network"),
            SecureSageMakerNetwork::new("Ds")
                .endpoints_open_to_vpc()
                .allow_distributed_training()
                .flow_log_retention_days(30),
        ),
    ));
    out.push((
        "custom_policies_no_outputs.json".into(),
        synth(
            Stack::new("M"),
            SecureSageMakerNetwork::new("Ds")
                .endpoint_policy(
                    Service::STS,
                    PolicyDocument::new().statement(
                        Statement::allow()
                            .any_principal()
                            .actions(["sts:AssumeRole", "sts:GetCallerIdentity"])
                            .any_resource(),
                    ),
                )
                .s3_policy(
                    PolicyDocument::new().statement(
                        Statement::allow()
                            .any_principal()
                            .action("s3:GetObject")
                            .resource(Arn::s3_objects("my_secure_bucket").unwrap()),
                    ),
                )
                .without_outputs(),
        ),
    ));
    out.push(("low_level.json".into(), low_level::build().unwrap()));
    out
}

#[test]
fn every_template_of_the_matrix_lints_clean() {
    common::cfn_lint(&matrix());
}

#[test]
fn every_template_of_the_matrix_stays_private() {
    for (name, body) in matrix() {
        let t: Value = serde_json::from_str(&body).unwrap();
        assert!(
            !body.contains("0.0.0.0/0") && !body.contains("::/0"),
            "{name}"
        );
        for (id, r) in t["Resources"].as_object().unwrap() {
            let ty = r["Type"].as_str().unwrap();
            assert!(
                !ty.contains("Gateway") || ty == "AWS::EC2::VPCEndpoint",
                "{name}: {id} is a {ty}"
            );
            if ty == "AWS::EC2::SecurityGroup" {
                assert!(
                    r["Properties"]["SecurityGroupEgress"].is_array(),
                    "{name}: {id}"
                );
            }
            if ty == "AWS::EC2::VPCEndpoint" {
                let custom = r["Properties"]["ServiceName"].get("Ref").is_some();
                let notebook = r["Properties"]["ServiceName"]
                    .to_string()
                    .contains("aws.sagemaker.");
                assert_eq!(
                    r["Properties"]["PolicyDocument"].is_object(),
                    !custom && !notebook,
                    "{name}: {id} policy"
                );
            }
        }
    }
}

#[test]
fn china_names_follow_the_partition() {
    let m = matrix();
    let body = |n: &str| m.iter().find(|(name, _)| name == n).unwrap().1.clone();
    let china = body("china.json");
    assert!(china.contains("cn.com.amazonaws.${AWS::Region}.sagemaker.api"));
    assert!(china.contains("\"com.amazonaws.${AWS::Region}.logs\""));
    assert!(!china.contains("IsChinaPartition"));
    let gov = body("govcloud.json");
    assert!(!gov.contains("cn.com.amazonaws") && !gov.contains("IsChinaPartition"));
    let any = body("zones_3.json");
    assert!(any.contains("\"IsChinaPartition\""));
}

#[test]
fn named_zones_pin_the_region_with_a_rule() {
    let m = matrix();
    let t: Value =
        serde_json::from_str(&m.iter().find(|(n, _)| n == "pinned_zones.json").unwrap().1).unwrap();
    assert_eq!(
        t["Rules"]["DsZonesRegion"]["Assertions"][0]["Assert"],
        serde_json::json!({"Fn::Equals": [{"Ref": "AWS::Region"}, "eu-west-1"]})
    );
    assert_eq!(
        t["Resources"]["DsPrivateSubnet2"]["Properties"]["AvailabilityZone"],
        serde_json::json!({"Ref": "DsZone2"})
    );
    assert_eq!(t["Parameters"]["DsZone2"]["Default"], "eu-west-1b");
    assert_eq!(
        t["Parameters"]["DsZone2"]["Type"],
        "AWS::EC2::AvailabilityZone::Name"
    );
    assert!(
        t["Parameters"].get("S3PrefixListId").is_none(),
        "the prefix list is pinned"
    );
}

#[test]
fn ecr_pulls_get_their_layer_bucket_through_s3() {
    let m = matrix();
    let t: Value = serde_json::from_str(
        &m.iter()
            .find(|(n, _)| n == "every_endpoint.json")
            .unwrap()
            .1,
    )
    .unwrap();
    let statements =
        t["Resources"]["S3GatewayEndpoint"]["Properties"]["PolicyDocument"]["Statement"]
            .as_array()
            .unwrap()
            .clone();
    assert_eq!(statements[0]["Sid"], "Access-to-specific-bucket-only");
    assert_eq!(statements[1]["Sid"], "AllowEcrImageLayers");
    assert_eq!(
        statements[1]["Resource"][0]["Fn::Sub"],
        "arn:${AWS::Partition}:s3:::prod-${AWS::Region}-starport-layer-bucket/*"
    );
}
