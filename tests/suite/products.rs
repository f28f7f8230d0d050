//! The network as Service Catalog products: one parameterized product, and three composable
//! products made from the same description.

use crate::common;

use std::collections::BTreeSet;

use airgap::Error;
use airgap::net::Service;
use airgap::patterns::sagemaker::{NetworkProducts, SecureSageMakerNetwork, Workload};
use airgap::sagemaker::SageMakerError;
use airgap::template::Stack;
use serde_json::{Value, json};

/// The description a platform team would publish: the seed's network, the seed's bucket as the
/// default data bucket, ECR and CloudWatch metrics as choices at launch, IDs in SSM.
fn network() -> SecureSageMakerNetwork {
    SecureSageMakerNetwork::new("DataScience")
        .read_bucket("my_secure_bucket")
        .optional_endpoint(Service::MONITORING)
        .optional_endpoint(Service::SSM)
        .parameterized()
        .ssm_parameters("/${ProjectName}/${EnvType}/network")
}

fn base() -> Stack {
    Stack::new("SageMakerNetwork")
        .description("Private network for Amazon SageMaker, as a Service Catalog product")
        .export_prefix("${ProjectName}-${EnvType}")
}

fn product() -> String {
    let mut stack = base();
    network().add_to(&mut stack).expect("the product builds");
    stack
        .synth()
        .expect("it synthesizes")
        .to_json_pretty()
        .to_string()
}

fn split() -> NetworkProducts {
    network().split(&base()).expect("the products build")
}

fn split_json() -> Vec<(String, String)> {
    split()
        .in_launch_order()
        .iter()
        .map(|(name, stack)| {
            (
                format!("product_{name}.json"),
                stack
                    .synth()
                    .expect("it synthesizes")
                    .to_json_pretty()
                    .to_string(),
            )
        })
        .collect()
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

#[test]
fn the_parameterized_product_and_the_three_products_lint_clean() {
    let mut all = split_json();
    all.push(("product_parameterized.json".into(), product()));
    let mut one_zone = Stack::new("One");
    SecureSageMakerNetwork::new("Ds")
        .zones(1)
        .parameterized()
        .add_to(&mut one_zone)
        .unwrap();
    all.push((
        "product_one_zone.json".into(),
        one_zone.synth().unwrap().to_json_pretty().to_string(),
    ));
    let pinned = {
        let mut s = Stack::new("Pinned").in_region("cn-northwest-1");
        SecureSageMakerNetwork::new("Ds")
            .read_bucket("ml-data-a")
            .read_bucket("ml-data-b")
            .endpoints_open_to_vpc()
            .parameterized()
            .split(&s)
            .unwrap()
            .in_launch_order()
            .iter()
            .map(|(n, st)| {
                (
                    format!("pinned_{n}.json"),
                    st.synth().unwrap().to_json_pretty().to_string(),
                )
            })
            .collect::<Vec<_>>()
            .into_iter()
            .chain(std::iter::once({
                SecureSageMakerNetwork::new("Ds")
                    .parameterized()
                    .read_bucket("ml-data-a")
                    .add_to(&mut s)
                    .unwrap();
                (
                    "pinned_single.json".to_string(),
                    s.synth().unwrap().to_json_pretty().to_string(),
                )
            }))
            .collect::<Vec<_>>()
    };
    all.extend(pinned);
    common::cfn_lint(&all);
}

#[test]
fn the_products_match_their_reviewed_snapshots() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("product_parameterized", product());
        for (name, body) in split_json() {
            insta::assert_snapshot!(name.trim_end_matches(".json").to_string(), body);
        }
    });
}

#[test]
fn the_launch_form_asks_for_project_network_endpoints_and_buckets() {
    let t = parse(&product());
    let params: Vec<&String> = t["Parameters"].as_object().unwrap().keys().collect();
    assert_eq!(
        params,
        [
            "ProjectName",
            "EnvType",
            "VpcCidr",
            "Zones",
            "S3PrefixListId",
            "DataBucketNames",
            "EnableMonitoringEndpoint",
            "EnableSsmEndpoint"
        ]
    );
    assert_eq!(
        t["Parameters"]["EnvType"]["AllowedValues"],
        json!(["dev", "test", "prod"])
    );
    assert_eq!(t["Parameters"]["Zones"]["Default"], "3");
    assert_eq!(t["Parameters"]["VpcCidr"]["Default"], "10.0.0.0/16");
    assert_eq!(
        t["Parameters"]["DataBucketNames"]["Default"],
        "my_secure_bucket"
    );
    let groups: Vec<&Value> = t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterGroups"]
        .as_array()
        .unwrap()
        .iter()
        .map(|g| &g["Label"]["default"])
        .collect();
    assert_eq!(
        groups,
        ["Project", "Network", "Data access", "Optional endpoints"]
    );
    let labels = &t["Metadata"]["AWS::CloudFormation::Interface"]["ParameterLabels"];
    for p in &params {
        assert!(
            labels[p.as_str()]["default"].is_string(),
            "{p} has no label"
        );
    }
}

#[test]
fn subnets_are_carved_at_deploy_time_and_zones_are_chosen_at_launch() {
    let t = parse(&product());
    let r = &t["Resources"];
    assert_eq!(
        r["DataScienceVpc"]["Properties"]["CidrBlock"],
        json!({"Ref": "VpcCidr"})
    );
    for n in 1..=6 {
        let subnet = &r[format!("DataSciencePrivateSubnet{n}")];
        assert_eq!(
            subnet["Properties"]["CidrBlock"],
            json!({"Fn::Select": [n - 1, {"Fn::Cidr": [{"Ref": "VpcCidr"}, 6, 13]}]})
        );
        if n == 1 {
            assert!(subnet.get("Condition").is_none());
        } else {
            assert_eq!(subnet["Condition"], format!("HasZone{n}"));
            let table = &r[format!("DataSciencePrivateSubnet{n}RouteTable")];
            assert_eq!(table["Condition"], format!("HasZone{n}"));
        }
    }
    assert_eq!(
        t["Conditions"]["HasZone3"],
        json!({"Fn::And": [{"Condition": "HasZone2"}, {"Fn::Not": [{"Fn::Equals": [{"Ref": "Zones"}, "2"]}]}]})
    );
    let subnets = &r["SagemakerApiEndpoint"]["Properties"]["SubnetIds"];
    assert_eq!(subnets[0], json!({"Ref": "DataSciencePrivateSubnet1"}));
    assert_eq!(
        subnets[5],
        json!({"Fn::If": ["HasZone6", {"Ref": "DataSciencePrivateSubnet6"}, {"Ref": "AWS::NoValue"}]})
    );
    assert_eq!(t["Outputs"]["Subnet4Id"]["Condition"], "HasZone4");
}

#[test]
fn optional_endpoints_exist_only_when_chosen() {
    let t = parse(&product());
    assert_eq!(
        t["Resources"]["MonitoringEndpoint"]["Condition"],
        "CreateMonitoringEndpoint"
    );
    assert_eq!(
        t["Conditions"]["CreateMonitoringEndpoint"],
        json!({"Fn::Equals": [{"Ref": "EnableMonitoringEndpoint"}, "true"]})
    );
    assert!(t["Resources"]["StsEndpoint"].get("Condition").is_none());
}

#[test]
fn the_bucket_policy_names_the_buckets_given_at_launch_in_every_partition() {
    let t = parse(&product());
    let statement =
        &t["Resources"]["S3GatewayEndpoint"]["Properties"]["PolicyDocument"]["Statement"][0];
    assert_eq!(statement["Sid"], "Access-to-specific-bucket-only");
    assert_eq!(statement["Action"], json!(["s3:GetObject"]));
    let resources = statement["Resource"].to_string();
    for partition in ["arn:aws:s3:::", "arn:aws-cn:s3:::", "arn:aws-us-gov:s3:::"] {
        assert!(resources.contains(partition), "{partition}");
    }
    assert_eq!(statement["Resource"]["Fn::If"][0], "IsChinaPartition");
    assert_eq!(
        t["Rules"]["DataBucketNamesGiven"]["Assertions"][0]["Assert"],
        json!({"Fn::Not": [{"Fn::Contains": [{"Ref": "DataBucketNames"}, ""]}]})
    );
}

#[test]
fn every_resource_carries_the_project_and_environment() {
    let t = parse(&product());
    for (id, r) in t["Resources"].as_object().unwrap() {
        match &r["Properties"]["Tags"] {
            Value::Array(tags) => {
                assert!(
                    tags.contains(&json!({"Key": "ProjectName", "Value": {"Ref": "ProjectName"}})),
                    "{id}"
                );
                assert!(
                    tags.contains(&json!({"Key": "EnvironmentType", "Value": {"Ref": "EnvType"}})),
                    "{id}"
                );
            }
            Value::Object(tags) => {
                assert_eq!(r["Type"], "AWS::SSM::Parameter");
                assert_eq!(tags["ProjectName"], json!({"Ref": "ProjectName"}), "{id}");
            }
            _ => {}
        }
    }
    assert_eq!(
        t["Outputs"]["VpcId"]["Export"]["Name"],
        json!({"Fn::Sub": "${ProjectName}-${EnvType}-VpcId"})
    );
}

#[test]
fn consumers_find_the_ids_in_ssm_too() {
    let t = parse(&product());
    let names: BTreeSet<String> = t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == "AWS::SSM::Parameter")
        .map(|r| {
            r["Properties"]["Name"]["Fn::Sub"]
                .as_str()
                .unwrap()
                .to_string()
        })
        .collect();
    let expected: BTreeSet<String> = [
        "vpc-id",
        "subnet-ids",
        "workload-security-group-id",
        "endpoint-security-group-id",
        "s3-endpoint-id",
    ]
    .iter()
    .map(|leaf| format!("/${{ProjectName}}/${{EnvType}}/network/{leaf}"))
    .collect();
    assert_eq!(names, expected);
}

#[test]
fn the_three_products_hold_exactly_the_resources_of_the_one() {
    let one: BTreeSet<String> = parse(&product())["Resources"]
        .as_object()
        .unwrap()
        .keys()
        .cloned()
        .collect();
    let mut three = BTreeSet::new();
    for (name, body) in split_json() {
        for id in parse(&body)["Resources"].as_object().unwrap().keys() {
            assert!(three.insert(id.clone()), "{id} is in two products ({name})");
        }
    }
    assert_eq!(one, three);
}

#[test]
fn each_later_product_takes_what_the_earlier_ones_publish() {
    let products: Vec<(String, Value)> = split_json()
        .into_iter()
        .map(|(n, b)| {
            (
                n.trim_start_matches("product_")
                    .trim_end_matches(".json")
                    .to_string(),
                parse(&b),
            )
        })
        .collect();
    let get = |n: &str| &products.iter().find(|(name, _)| name == n).unwrap().1;
    for wire in NetworkProducts::WIRING {
        let from = get(wire.from_product);
        let to = get(wire.to_product);
        assert!(
            from["Outputs"][wire.output]["Export"].is_object(),
            "{wire:?}"
        );
        let launch_order = NetworkProducts::LAUNCH_ORDER;
        let pos = |n: &str| launch_order.iter().position(|p| *p == n).unwrap();
        assert!(pos(wire.from_product) < pos(wire.to_product), "{wire:?}");
        // VpcCidr is asked for only where the endpoints are open to the whole VPC.
        if wire.parameter != "VpcCidr" {
            assert!(to["Parameters"][wire.parameter].is_object(), "{wire:?}");
        }
    }
    let endpoints = get("endpoints");
    assert_eq!(
        endpoints["Parameters"]["SubnetIds"]["Type"],
        "List<AWS::EC2::Subnet::Id>"
    );
    assert_eq!(
        endpoints["Parameters"]["EndpointSecurityGroupId"]["Type"],
        "AWS::EC2::SecurityGroup::Id"
    );
    assert_eq!(
        endpoints["Resources"]["StsEndpoint"]["Properties"]["SubnetIds"],
        json!({"Ref": "SubnetIds"})
    );
    assert_eq!(
        get("security-groups")["Parameters"]["VpcId"]["Type"],
        "AWS::EC2::VPC::Id"
    );
}

#[test]
fn a_parameterized_product_refuses_what_it_cannot_ask_at_launch() {
    let fails = |n: SecureSageMakerNetwork, field: &str| {
        let e = n.add_to(&mut Stack::new("T")).unwrap_err();
        match &e {
            Error::Invalid { at, .. } | Error::Parse { at, .. } => {
                assert_eq!(at.field, field, "{e}")
            }
            other => panic!("{other:?}"),
        }
    };
    fails(
        SecureSageMakerNetwork::new("Ds").optional_endpoint(Service::SSM),
        "optional_endpoint",
    );
    fails(
        SecureSageMakerNetwork::new("Ds")
            .parameterized()
            .zone_names(["eu-west-1a"]),
        "zone_names",
    );
    fails(
        SecureSageMakerNetwork::new("Ds")
            .parameterized()
            .cidr("10.0.0.0/20"),
        "cidr",
    );
    fails(
        SecureSageMakerNetwork::new("Ds")
            .parameterized()
            .subnet_prefix(24),
        "subnet_cidrs",
    );
    fails(
        SecureSageMakerNetwork::new("Ds").ssm_parameters("/aws/network"),
        "ssm_parameters",
    );
    fails(
        SecureSageMakerNetwork::new("Ds").ssm_parameters("network"),
        "ssm_parameters",
    );
    fails(
        SecureSageMakerNetwork::new("Ds")
            .parameterized()
            .optional_endpoint(Service::STS),
        "optional_endpoint",
    );
    let e = SecureSageMakerNetwork::new("Ds")
        .parameterized()
        .workload(Workload::EcrImages)
        .optional_endpoint(Service::ECR_API)
        .optional_endpoint(Service::ECR_DKR)
        .add_to(&mut Stack::new("T"))
        .unwrap_err();
    assert!(
        matches!(
            e.downcast_ref::<SageMakerError>(),
            Some(SageMakerError::MissingEndpoints { .. })
        ),
        "a required workload cannot rest on optional endpoints: {e:?}"
    );
}
