//! Interface endpoints in some zones only (`SecureSageMakerNetwork::endpoint_subnets`): the
//! subnets each endpoint names in every shape of the network (one stack, named zones,
//! parameterized, split, a portfolio), through the library, the config file and the command
//! line, and the selections refused.

use crate::common;

use std::process::Command;

use airgap::Error;
use airgap::net::{SubnetSelection, Vpc};
use airgap::patterns::config::NetworkConfig;
use airgap::patterns::portfolio::NetworkPortfolio;
use airgap::patterns::sagemaker::{NetworkProducts, SecureSageMakerNetwork};
use airgap::template::Stack;
use serde_json::{Value, json};

/// The network of `examples/sagemaker_vpc.rs`, with its interface endpoints in two of its
/// three zones.
fn two_of_three() -> String {
    let mut stack = Stack::new("SageMakerSecureNetwork")
        .description("Private network for Amazon SageMaker: no internet path, VPC endpoints with policies, flow logs")
        .tag("Project", "data-science");
    let bucket_only = common::seed_s3_policy();
    SecureSageMakerNetwork::new("DataScience")
        .cidr("10.0.0.0/16")
        .zones(3)
        .s3_policy(bucket_only)
        .endpoint_subnets(SubnetSelection::first_zones(2))
        .add_to(&mut stack)
        .expect("the network builds");
    stack
        .synth()
        .expect("it synthesizes")
        .to_json_pretty()
        .to_string()
}

fn synth(stack: &Stack) -> String {
    stack
        .synth()
        .expect("it synthesizes")
        .to_json_pretty()
        .to_string()
}

fn one_stack(net: SecureSageMakerNetwork) -> String {
    let mut stack = Stack::new("T");
    net.add_to(&mut stack).expect("the network builds");
    synth(&stack)
}

fn parse(s: &str) -> Value {
    serde_json::from_str(s).unwrap()
}

/// The interface endpoints of a template, by logical ID.
fn interface_endpoints(t: &Value) -> Vec<(&String, &Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| {
            r["Type"] == "AWS::EC2::VPCEndpoint"
                && r["Properties"]["VpcEndpointType"] == "Interface"
        })
        .collect()
}

fn refs(ids: &[&str]) -> Value {
    Value::Array(ids.iter().map(|id| json!({"Ref": id})).collect())
}

/// The products of a split network, by short name, as JSON text.
fn products(products: &NetworkProducts, prefix: &str) -> Vec<(String, String)> {
    products
        .in_launch_order()
        .iter()
        .map(|(name, stack)| (format!("{prefix}_{name}.json"), synth(stack)))
        .collect()
}

fn parameterized_two() -> SecureSageMakerNetwork {
    SecureSageMakerNetwork::new("DataScience")
        .read_bucket("my_secure_bucket")
        .parameterized()
        .endpoint_subnets(SubnetSelection::first_zones(2))
}

fn named_network() -> SecureSageMakerNetwork {
    SecureSageMakerNetwork::new("Lab")
        .zone_names(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
        .endpoint_subnets(SubnetSelection::availability_zones([
            "eu-west-1c",
            "eu-west-1a",
        ]))
}

#[test]
fn the_example_with_endpoints_in_two_of_three_zones_matches_its_reviewed_snapshot() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sagemaker_vpc_two_endpoint_zones", two_of_three());
    });
}

/// Why a platform team selects: "You are billed for each hour that your interface VPC endpoint
/// is provisioned in each Availability Zone." (AWS PrivateLink guide, Access AWS services through
/// AWS PrivateLink, Pricing: https://docs.aws.amazon.com/vpc/latest/privatelink/privatelink-access-aws-services.html)
#[test]
fn each_interface_endpoint_names_only_the_selected_subnets() {
    let t = parse(&two_of_three());
    let endpoints = interface_endpoints(&t);
    assert_eq!(endpoints.len(), 4);
    for (id, e) in endpoints {
        assert_eq!(
            e["Properties"]["SubnetIds"],
            refs(&["DataSciencePrivateSubnet1", "DataSciencePrivateSubnet2"]),
            "{id}"
        );
    }
    // The network itself keeps its three zones, and S3's gateway every route table.
    let resources = t["Resources"].as_object().unwrap();
    let subnets = resources
        .values()
        .filter(|r| r["Type"] == "AWS::EC2::Subnet")
        .count();
    assert_eq!(subnets, 3);
    assert_eq!(
        t["Resources"]["S3GatewayEndpoint"]["Properties"]["RouteTableIds"]
            .as_array()
            .unwrap()
            .len(),
        3
    );
    assert_eq!(
        t["Outputs"]["SubnetIds"]["Value"]["Fn::Join"][1]
            .as_array()
            .unwrap()
            .len(),
        3,
        "consumers still get every subnet"
    );

    // Named zones are selected by name, in the order given.
    let t = parse(&one_stack(named_network()));
    for (id, e) in interface_endpoints(&t) {
        assert_eq!(
            e["Properties"]["SubnetIds"],
            refs(&["LabPrivateSubnet3", "LabPrivateSubnet1"]),
            "{id}"
        );
    }

    // By default, every subnet: the bytes of the example do not change.
    let t = parse(&one_stack(SecureSageMakerNetwork::new("Ds")));
    for (id, e) in interface_endpoints(&t) {
        assert_eq!(
            e["Properties"]["SubnetIds"],
            refs(&["DsPrivateSubnet1", "DsPrivateSubnet2", "DsPrivateSubnet3"]),
            "{id}"
        );
    }
}

#[test]
fn in_a_parameterized_product_the_first_zones_are_those_chosen_at_launch() {
    let t = parse(&one_stack(parameterized_two()));
    // Zone 2 exists only when at least two zones are chosen; the endpoints follow it.
    for (id, e) in interface_endpoints(&t) {
        assert_eq!(
            e["Properties"]["SubnetIds"],
            json!([
                {"Ref": "DataSciencePrivateSubnet1"},
                {"Fn::If": ["HasZone2", {"Ref": "DataSciencePrivateSubnet2"}, {"Ref": "AWS::NoValue"}]}
            ]),
            "{id}"
        );
    }
    assert_eq!(
        t["Parameters"]["Zones"]["Description"],
        "How many Availability Zones to spread the subnets over; the interface endpoints are in the first 2 of them"
    );
    // Up to the most zones a launch may choose.
    let six = one_stack(
        SecureSageMakerNetwork::new("Ds")
            .parameterized()
            .endpoint_subnets(SubnetSelection::first_zones(6)),
    );
    let six = parse(&six);
    assert_eq!(
        six["Resources"]["StsEndpoint"]["Properties"]["SubnetIds"]
            .as_array()
            .unwrap()
            .len(),
        6
    );
}

#[test]
fn the_split_products_wire_the_selected_subnets_from_the_vpc_product_to_the_endpoints() {
    let split = parameterized_two()
        .split(&Stack::new("Net").export_prefix("${ProjectName}-${EnvType}"))
        .unwrap();
    let vpc = parse(&synth(&split.vpc));
    let endpoints = parse(&synth(&split.endpoints));
    assert_eq!(
        vpc["Outputs"]["EndpointSubnetIds"]["Value"],
        json!({"Fn::If": ["HasZone2",
            {"Fn::Join": [",", [{"Ref": "DataSciencePrivateSubnet1"}, {"Ref": "DataSciencePrivateSubnet2"}]]},
            {"Fn::Join": [",", [{"Ref": "DataSciencePrivateSubnet1"}]]}]})
    );
    assert_eq!(
        vpc["Outputs"]["EndpointSubnetIds"]["Export"]["Name"],
        json!({"Fn::Sub": "${ProjectName}-${EnvType}-EndpointSubnetIds"})
    );
    assert_eq!(
        endpoints["Parameters"]["EndpointSubnetIds"]["Type"],
        "List<AWS::EC2::Subnet::Id>"
    );
    assert!(
        endpoints["Parameters"].get("SubnetIds").is_none(),
        "the endpoints product asks only for the subnets it uses"
    );
    for (id, e) in interface_endpoints(&endpoints) {
        assert_eq!(
            e["Properties"]["SubnetIds"],
            json!({"Ref": "EndpointSubnetIds"}),
            "{id}"
        );
    }
    // Every wire of this network holds: the output is exported by an earlier product and the
    // parameter is asked for by the later one.
    let by_name = |n: &str| -> Value {
        let (_, stack) = split
            .in_launch_order()
            .into_iter()
            .find(|(name, _)| *name == n)
            .unwrap();
        parse(&synth(stack))
    };
    let order = NetworkProducts::LAUNCH_ORDER;
    let pos = |n: &str| order.iter().position(|p| *p == n).unwrap();
    for wire in split.wiring() {
        assert!(
            by_name(wire.from_product)["Outputs"][wire.output]["Export"].is_object(),
            "{wire:?}"
        );
        assert!(pos(wire.from_product) < pos(wire.to_product), "{wire:?}");
        if wire.parameter != "VpcCidr" {
            assert!(
                by_name(wire.to_product)["Parameters"][wire.parameter].is_object(),
                "{wire:?}"
            );
        }
    }
    assert_ne!(split.wiring(), NetworkProducts::WIRING);

    // The three products hold exactly the resources of the one.
    let one = parse(&one_stack(parameterized_two()));
    let mut one: Vec<&String> = one["Resources"].as_object().unwrap().keys().collect();
    let three: Vec<Value> = split
        .in_launch_order()
        .iter()
        .map(|(_, s)| parse(&synth(s)))
        .collect();
    let mut three: Vec<&String> = three
        .iter()
        .flat_map(|t| t["Resources"].as_object().unwrap().keys())
        .collect();
    one.sort();
    three.sort();
    assert_eq!(one, three);

    // Named zones in a split network: a literal list, no conditions.
    let named = named_network().split(&Stack::new("Net")).unwrap();
    let vpc = parse(&synth(&named.vpc));
    assert_eq!(
        vpc["Outputs"]["EndpointSubnetIds"]["Value"],
        json!({"Fn::Join": [",", [{"Ref": "LabPrivateSubnet3"}, {"Ref": "LabPrivateSubnet1"}]]})
    );
}

#[test]
fn a_portfolio_of_a_network_with_endpoints_in_two_zones_releases() {
    let release = NetworkPortfolio::new(
        Stack::new("SageMakerNetwork").export_prefix("${ProjectName}-${EnvType}"),
        SecureSageMakerNetwork::new("DataScience")
            .endpoint_subnets(SubnetSelection::first_zones(2)),
    )
    .principal("DataScientists", "Data scientists' IAM role ARN")
    .release()
    .expect("the release builds");
    assert_eq!(
        release.launch_order,
        [
            "sagemaker-network",
            "network-vpc",
            "network-security-groups",
            "network-endpoints"
        ]
    );
}

#[test]
fn every_shape_with_selected_endpoint_subnets_lints_clean() {
    let mut all = vec![
        ("two_of_three.json".to_string(), two_of_three()),
        ("named.json".to_string(), one_stack(named_network())),
        (
            "parameterized.json".to_string(),
            one_stack(parameterized_two()),
        ),
        (
            "parameterized_one_zone.json".to_string(),
            one_stack(
                SecureSageMakerNetwork::new("Ds")
                    .zones(1)
                    .parameterized()
                    .endpoint_subnets(SubnetSelection::first_zones(1)),
            ),
        ),
    ];
    let base = Stack::new("Net").export_prefix("${ProjectName}-${EnvType}");
    all.extend(products(
        &parameterized_two().split(&base).unwrap(),
        "split",
    ));
    all.extend(products(
        &named_network()
            .split(&Stack::new("Lab").in_region("eu-west-1"))
            .unwrap(),
        "split_named",
    ));
    common::cfn_lint(&all);
}

/// The construct and field of a refusal, and its message.
fn refusal(e: &Error) -> (&str, &str, &str) {
    match e {
        Error::Invalid { at, message } => (&at.construct, &at.field, message),
        other => panic!("not a refusal of a value: {other:?}"),
    }
}

#[test]
fn an_interface_endpoint_takes_at_most_one_subnet_per_zone() {
    // AWS CDK, InterfaceVpcEndpointOptions, `subnets`: "The subnets in which to create an
    // endpoint network interface. At most one per availability zone."
    // (https://docs.aws.amazon.com/cdk/api/latest/python/aws_cdk.aws_ec2/InterfaceVpcEndpointOptions.html)
    // Each subnet of the network is a zone of its own, so a zone selected twice is refused.
    let e = SecureSageMakerNetwork::new("Ds")
        .zone_names(["eu-west-1a", "eu-west-1b"])
        .endpoint_subnets(SubnetSelection::availability_zones([
            "eu-west-1a",
            "eu-west-1a",
        ]))
        .add_to(&mut Stack::new("T"))
        .unwrap_err();
    let (construct, field, message) = refusal(&e);
    assert_eq!(
        (construct, field),
        ("SecureSageMakerNetwork 'Ds'", "endpoint_subnets")
    );
    assert!(
        message.contains("eu-west-1a is selected twice")
            && message.contains("at most one subnet per Availability Zone"),
        "{message}"
    );
}

#[test]
fn selections_that_make_no_sense_are_refused_saying_what_and_where() {
    let mut other = Stack::new("Other");
    let other_vpc = Vpc::new("Other").zones(2).add_to(&mut other).unwrap();
    let counted = || SecureSageMakerNetwork::new("Ds").zones(3);
    let named = || SecureSageMakerNetwork::new("Ds").zone_names(["eu-west-1a", "eu-west-1b"]);
    let cases: Vec<(SecureSageMakerNetwork, &str)> = vec![
        (
            counted().endpoint_subnets(SubnetSelection::first_zones(0)),
            "0 zones selected, but the network spans 3; select 1 to 3",
        ),
        (
            counted().endpoint_subnets(SubnetSelection::first_zones(4)),
            "4 zones selected, but the network spans 3; select 1 to 3",
        ),
        (
            named().endpoint_subnets(SubnetSelection::first_zones(3)),
            "3 zones selected, but the network spans 2; select 1 to 2",
        ),
        (
            counted()
                .parameterized()
                .endpoint_subnets(SubnetSelection::first_zones(7)),
            "7 zones selected, but a parameterized network spans at most 6 (its Zones parameter); select 1 to 6",
        ),
        (
            counted()
                .parameterized()
                .endpoint_subnets(SubnetSelection::availability_zones(["eu-west-1a"])),
            "a parameterized product chooses its zones at launch",
        ),
        (
            counted().endpoint_subnets(SubnetSelection::availability_zones(["eu-west-1a"])),
            "the network's zones are counted",
        ),
        (
            named().endpoint_subnets(SubnetSelection::availability_zones(["eu-west-1c"])),
            "the network has no zone eu-west-1c; its zones are eu-west-1a, eu-west-1b",
        ),
        (
            named().endpoint_subnets(SubnetSelection::availability_zones(Vec::<String>::new())),
            "no zone selected",
        ),
        (
            counted().endpoint_subnets(SubnetSelection::subnets(&other_vpc.subnets()[..1])),
            "the subnet `OtherPrivateSubnet1` is not one of this network's",
        ),
        (
            counted().endpoint_subnets(SubnetSelection::subnets([])),
            "no subnet selected",
        ),
    ];
    for (net, expected) in cases {
        // The same check before one stack, a split and a portfolio: nothing is built first.
        let errors = [
            net.clone().add_to(&mut Stack::new("T")).unwrap_err(),
            net.clone().split(&Stack::new("T")).unwrap_err(),
        ];
        for e in &errors {
            let (construct, field, message) = refusal(e);
            assert_eq!(
                (construct, field),
                ("SecureSageMakerNetwork 'Ds'", "endpoint_subnets"),
                "{e}"
            );
            assert!(message.starts_with(expected), "{expected}: {message}");
        }
    }
}

#[test]
fn the_config_file_selects_endpoint_zones_by_count_or_by_name() {
    let out = NetworkConfig::from_json(r#"{"zones": 3, "endpoint_zones": 2}"#)
        .unwrap()
        .synth()
        .unwrap()
        .into_template();
    assert_eq!(
        out.resources["StsEndpoint"].properties["SubnetIds"],
        refs(&["DataSciencePrivateSubnet1", "DataSciencePrivateSubnet2"])
    );
    let out = NetworkConfig::from_json(
        r#"{"zone_names": ["eu-west-1a", "eu-west-1b", "eu-west-1c"], "endpoint_zone_names": ["eu-west-1b"]}"#,
    )
    .unwrap()
    .synth()
    .unwrap()
    .into_template();
    assert_eq!(
        out.resources["StsEndpoint"].properties["SubnetIds"],
        refs(&["DataSciencePrivateSubnet2"])
    );
    let err = |json: &str| NetworkConfig::from_json(json).unwrap_err().to_string();
    assert!(
        err(r#"{"endpoint_zones": 0}"#)
            .contains("field `endpoint_zones`: expected a whole number from 1 to 6, found 0")
    );
    assert!(
        err(r#"{"endpoint_zone_names": "eu-west-1a"}"#)
            .contains("field `endpoint_zone_names`: expected a list, found a string")
    );
    assert!(
        err(r#"{"endpoint_zones": 2, "endpoint_zone_names": ["eu-west-1a"]}"#)
            .contains("field `endpoint_zone_names`: give either `endpoint_zones`")
    );
    // A value of the right kind that the network cannot meet is refused by the library's check.
    let e = NetworkConfig::from_json(r#"{"zones": 2, "endpoint_zones": 3}"#)
        .unwrap()
        .synth()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("field `endpoint_subnets`") && e.contains("spans 2"),
        "{e}"
    );
}

fn airgap(args: &[&str]) -> (i32, String, String) {
    let out = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args(args)
        .output()
        .expect("run airgap");
    (
        out.status.code().expect("exited"),
        String::from_utf8(out.stdout).unwrap(),
        String::from_utf8(out.stderr).unwrap(),
    )
}

#[test]
fn the_command_line_gives_the_config_s_network() {
    let from_config = NetworkConfig::from_json(r#"{"endpoint_zones": 2}"#)
        .unwrap()
        .synth()
        .unwrap()
        .to_json_pretty()
        .to_string();
    let (code, stdout, stderr) = airgap(&["synth", "--endpoint-zones", "2"]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(stdout, from_config);

    let (code, stdout, stderr) = airgap(&[
        "synth",
        "--zone",
        "eu-west-1a,eu-west-1b",
        "--endpoint-zone",
        "eu-west-1b",
    ]);
    assert_eq!(code, 0, "{stderr}");
    assert_eq!(
        parse(&stdout)["Resources"]["LogsEndpoint"]["Properties"]["SubnetIds"],
        refs(&["DataSciencePrivateSubnet2"])
    );

    let (code, _, stderr) = airgap(&["synth", "--endpoint-zones", "4"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(
        stderr.contains("SecureSageMakerNetwork 'DataScience', field `endpoint_subnets`"),
        "{stderr}"
    );
    let (code, _, stderr) = airgap(&["synth", "--endpoint-zones", "2", "--endpoint-zone", "a"]);
    assert_eq!(code, 2, "{stderr}");
    assert!(stderr.contains("--endpoint-zones"), "{stderr}");
}
