//! Bad input is a typed error that says what and where, never a panic. One test per mistake a
//! user can make.

use airgap::iam::{Arn, PolicyDocument, Statement};
use airgap::net::{
    FlowLog, GatewayEndpoint, InterfaceEndpoint, NetError, Peer, Port, SecurityGroup, Service, Vpc,
};
use airgap::patterns::sagemaker::{SecureSageMakerNetwork, Workload};
use airgap::sagemaker::SageMakerError;
use airgap::template::{Expr, Resource, Stack, StackOutput, Warning};
use airgap::{Error, Location};

fn vpc_error(vpc: Vpc) -> Error {
    vpc.add_to(&mut Stack::new("Test")).unwrap_err()
}

fn at(e: &Error) -> &Location {
    if let Some(SageMakerError::MissingEndpoints { at, .. }) = e.downcast_ref() {
        return at;
    }
    if let Some(net) = e.downcast_ref::<NetError>() {
        return net.at();
    }
    match e {
        Error::Parse { at, .. }
        | Error::Invalid { at, .. }
        | Error::ForeignConstruct { at, .. }
        | Error::DanglingReference { at, .. } => at,
        other => panic!("{other:?} has no location"),
    }
}

fn assert_at(e: &Error, construct: &str, field: &str) {
    let loc = at(e);
    assert_eq!(loc.construct, construct, "{e}");
    assert!(loc.field.contains(field), "field {:?} in {e}", loc.field);
    let msg = e.to_string();
    assert!(msg.contains(construct) && msg.contains(field), "{msg}");
}

#[test]
fn a_cidr_that_does_not_parse() {
    let e = vpc_error(Vpc::new("Network").cidr("10.0.0/16"));
    assert!(
        matches!(
            e,
            Error::Parse {
                what: "IPv4 CIDR block",
                ..
            }
        ),
        "{e:?}"
    );
    assert_at(&e, "Vpc 'Network'", "cidr");
}

#[test]
fn a_cidr_with_host_bits_set_suggests_the_network() {
    let e = vpc_error(Vpc::new("Network").cidr("10.0.0.1/16"));
    assert!(e.to_string().contains("did you mean `10.0.0.0/16`"), "{e}");
}

#[test]
fn a_vpc_prefix_outside_16_to_28() {
    for block in ["10.0.0.0/8", "10.0.0.0/15", "10.0.0.0/29"] {
        let e = vpc_error(Vpc::new("Network").cidr(block).zones(1));
        assert!(matches!(e, Error::Invalid { .. }), "{block}: {e:?}");
        assert_at(&e, "Vpc 'Network'", "cidr");
    }
}

#[test]
fn subnets_that_overlap() {
    let e = vpc_error(Vpc::new("Network").cidr("10.0.0.0/16").subnet_cidrs([
        "10.0.0.0/24",
        "10.0.1.0/24",
        "10.0.1.128/25",
    ]));
    match e.downcast_ref::<NetError>() {
        Some(NetError::SubnetOverlap { first, second, .. }) => {
            assert_eq!(
                (first.as_str(), second.as_str()),
                ("10.0.1.0/24", "10.0.1.128/25")
            );
        }
        _ => panic!("{e:?}"),
    }
    assert_at(&e, "Vpc 'Network'", "subnet_cidrs");
}

#[test]
fn a_subnet_outside_the_vpc() {
    let e = vpc_error(Vpc::new("Network").cidr("10.0.0.0/16").subnet_cidrs([
        "10.0.0.0/24",
        "10.1.0.0/24",
        "10.0.2.0/24",
    ]));
    assert!(
        matches!(e.downcast_ref(), Some(NetError::SubnetOutsideVpc { subnet, .. }) if subnet == "10.1.0.0/24"),
        "{e:?}"
    );
}

#[test]
fn a_subnet_count_that_does_not_match_the_zones() {
    let e = vpc_error(Vpc::new("Network").subnet_cidrs(["10.0.0.0/24"]));
    assert_at(&e, "Vpc 'Network'", "subnet_cidrs");
}

#[test]
fn more_subnets_than_the_block_can_hold() {
    let e = vpc_error(Vpc::new("Network").cidr("10.0.0.0/28").zones(3));
    assert!(e.to_string().contains("cannot hold 3 subnets"), "{e}");
    let e = vpc_error(
        Vpc::new("Network")
            .cidr("10.0.0.0/24")
            .zones(6)
            .subnet_prefix(26),
    );
    assert_at(&e, "Vpc 'Network'", "subnet_prefix");
}

#[test]
fn zero_or_more_than_six_zones() {
    for n in [0, 7] {
        let e = vpc_error(Vpc::new("Network").zones(n));
        assert_at(&e, "Vpc 'Network'", "zones");
    }
}

#[test]
fn zone_names_that_are_not_zones_or_span_regions() {
    let e = vpc_error(Vpc::new("Network").zone_names(["eu-west-1a", "us-east-1b"]));
    assert!(e.to_string().contains("one region"), "{e}");
    let e = vpc_error(Vpc::new("Network").zone_names(["eu-west-1a", "eu-west-1a"]));
    assert!(e.to_string().contains("named twice"), "{e}");
    let e = vpc_error(Vpc::new("Network").zone_names(["west"]));
    assert!(matches!(e, Error::Parse { .. }), "{e:?}");
    let mut stack = Stack::new("Test").in_region("us-east-1");
    let e = Vpc::new("Network")
        .zone_names(["eu-west-1a"])
        .add_to(&mut stack)
        .unwrap_err();
    assert!(e.to_string().contains("pinned to us-east-1"), "{e}");
}

#[test]
fn two_constructs_whose_logical_ids_collide() {
    let mut stack = Stack::new("Test");
    Vpc::new("Network").add_to(&mut stack).unwrap();
    let e = Vpc::new("network").add_to(&mut stack).unwrap_err();
    match e {
        Error::DuplicateLogicalId { id, first, second } => {
            assert_eq!(id, "NetworkVpc");
            assert_eq!(
                (first.as_str(), second.as_str()),
                ("Vpc 'Network'", "Vpc 'network'")
            );
        }
        other => panic!("{other:?}"),
    }
}

fn s3_with(policy: PolicyDocument) -> Error {
    let mut stack = Stack::new("Test");
    let vpc = Vpc::new("Network").add_to(&mut stack).unwrap();
    GatewayEndpoint::s3(&vpc)
        .policy(policy)
        .add_to(&mut stack)
        .unwrap_err()
}

#[test]
fn an_empty_policy_or_statement() {
    let e = s3_with(PolicyDocument::new());
    assert_at(&e, "GatewayEndpoint 's3'", "PolicyDocument");
    let e = s3_with(
        PolicyDocument::new().statement(
            Statement::allow()
                .sid("NoAction")
                .any_principal()
                .any_resource(),
        ),
    );
    assert_at(&e, "GatewayEndpoint 's3'", "Statement[NoAction].Action");
}

#[test]
fn an_action_that_is_not_service_colon_action() {
    let e = s3_with(
        PolicyDocument::new().statement(
            Statement::allow()
                .any_principal()
                .action("GetObject")
                .any_resource(),
        ),
    );
    assert!(
        matches!(
            e,
            Error::Parse {
                what: "IAM action",
                ..
            }
        ),
        "{e:?}"
    );
    assert_at(&e, "GatewayEndpoint 's3'", "Statement[#1].Action");
}

#[test]
fn an_endpoint_policy_without_a_principal() {
    let e = s3_with(
        PolicyDocument::new().statement(Statement::allow().action("s3:GetObject").any_resource()),
    );
    assert_at(&e, "GatewayEndpoint 's3'", "Principal");
}

#[test]
fn a_malformed_arn() {
    for bad in [
        "arn:aws:s3",
        "arn:aws-moon:s3:::b",
        "s3:::bucket",
        "arn:aws::::x",
    ] {
        let e = Arn::new(bad).unwrap_err();
        assert!(
            matches!(e, Error::Parse { what: "ARN", .. }),
            "{bad}: {e:?}"
        );
    }
    assert!(Arn::s3_bucket("a/b").is_err());
}

#[test]
fn a_port_range_inverted() {
    // Ports out of range cannot be written: the constructors take `u16`.
    let mut stack = Stack::new("Test");
    let vpc = Vpc::new("Network").add_to(&mut stack).unwrap();
    for (port, needle) in [
        (Port::tcp_range(443, 80), "inverted"),
        (Port::udp_range(53, 1), "inverted"),
    ] {
        let e = SecurityGroup::new("Web", &vpc)
            .ingress(Peer::vpc_cidr(&vpc), port)
            .add_to(&mut stack)
            .unwrap_err();
        assert_at(&e, "SecurityGroup 'Web'", "ingress");
        assert!(e.to_string().contains(needle), "{e}");
    }
}

#[test]
fn open_ingress_must_be_asked_for() {
    let mut stack = Stack::new("Test");
    let vpc = Vpc::new("Network").add_to(&mut stack).unwrap();
    let e = SecurityGroup::new("Web", &vpc)
        .ingress(Peer::any_ipv4(), Port::tcp(443))
        .add_to(&mut stack)
        .unwrap_err();
    assert_at(&e, "SecurityGroup 'Web'", "ingress");
    SecurityGroup::new("Web", &vpc)
        .ingress(Peer::any_ipv4(), Port::tcp(443))
        .allow_open_ingress()
        .add_to(&mut stack)
        .expect("explicitly allowed");
}

#[test]
fn a_construct_from_another_stack() {
    let mut network = Stack::new("Network");
    let vpc = Vpc::new("Shared").add_to(&mut network).unwrap();
    let mut apps = Stack::new("Apps");
    let e = SecurityGroup::new("Web", &vpc)
        .add_to(&mut apps)
        .unwrap_err();
    match &e {
        Error::ForeignConstruct { owner, stack, .. } => {
            assert_eq!((owner.as_str(), stack.as_str()), ("Network", "Apps"));
        }
        other => panic!("{other:?}"),
    }
    assert_at(&e, "SecurityGroup 'Web'", "vpc");
}

#[test]
fn an_interface_endpoint_without_a_security_group() {
    let mut stack = Stack::new("Test");
    let vpc = Vpc::new("Network").add_to(&mut stack).unwrap();
    let e = InterfaceEndpoint::new(Service::STS, &vpc)
        .add_to(&mut stack)
        .unwrap_err();
    assert_at(&e, "InterfaceEndpoint 'sts'", "security_group");
}

#[test]
fn a_policy_on_an_endpoint_that_takes_none() {
    let mut stack = Stack::new("Test");
    let vpc = Vpc::new("Network").add_to(&mut stack).unwrap();
    let sg = SecurityGroup::new("Endpoints", &vpc)
        .add_to(&mut stack)
        .unwrap();
    let policy = PolicyDocument::new().statement(
        Statement::allow()
            .any_principal()
            .action("sagemaker:CreatePresignedNotebookInstanceUrl")
            .any_resource(),
    );
    let e = InterfaceEndpoint::new(Service::SAGEMAKER_NOTEBOOK, &vpc)
        .security_group(&sg)
        .policy(policy)
        .add_to(&mut stack)
        .unwrap_err();
    assert!(
        matches!(e.downcast_ref(), Some(NetError::EndpointPolicyNotSupported { service, .. }) if service == "notebook"),
        "{e:?}"
    );
}

#[test]
fn endpoints_that_do_not_fit_the_workload() {
    let e = SecureSageMakerNetwork::new("Ds")
        .workload(Workload::EcrImages)
        .add_to(&mut Stack::new("Test"))
        .unwrap_err();
    match e.downcast_ref::<SageMakerError>() {
        Some(SageMakerError::MissingEndpoints {
            missing, workload, ..
        }) => {
            assert_eq!(missing, "ecr.api, ecr.dkr");
            assert!(workload.contains("ECR"));
        }
        _ => panic!("{e:?}"),
    }
    let e = SecureSageMakerNetwork::new("Ds")
        .endpoints([Service::SAGEMAKER_NOTEBOOK, Service::STS])
        .workloads([])
        .add_to(&mut Stack::new("Test"))
        .unwrap_err();
    assert!(
        matches!(e.downcast_ref::<SageMakerError>(), Some(SageMakerError::MissingEndpoints { missing, .. }) if missing == "sagemaker.api"),
        "{e:?}"
    );
    let e = SecureSageMakerNetwork::new("Ds")
        .workload(Workload::Projects)
        .add_to(&mut Stack::new("Test"))
        .unwrap_err();
    assert!(e.to_string().contains("servicecatalog"), "{e}");
}

#[test]
fn a_flow_log_retention_logs_do_not_offer() {
    let mut stack = Stack::new("Test");
    let vpc = Vpc::new("Network").add_to(&mut stack).unwrap();
    let e = FlowLog::new("Network", &vpc)
        .retention_days(100)
        .add_to(&mut stack)
        .unwrap_err();
    assert_at(&e, "FlowLog 'Network'", "retention_days");
    assert!(
        e.to_string().contains("nearest period it offers is 90"),
        "{e}"
    );
}

#[test]
fn a_prefix_list_export_prefix_or_region_that_is_not_one() {
    let e = SecureSageMakerNetwork::new("Ds")
        .s3_prefix_list_id("pl-xyz")
        .add_to(&mut Stack::new("Test"))
        .unwrap_err();
    assert_at(&e, "SecureSageMakerNetwork 'Ds'", "s3_prefix_list_id");
    assert!(
        Stack::new("Test")
            .export_prefix("has space")
            .check_settings()
            .is_err()
    );
    assert!(
        Stack::new("Test")
            .in_region("Moon")
            .check_settings()
            .is_err()
    );
    assert!(
        Stack::new("Test")
            .in_region("eu-west-1")
            .check_settings()
            .is_ok()
    );
    // The first wrong setting is the one reported.
    let e = Stack::new("Test")
        .export_prefix("has space")
        .in_region("Moon")
        .synth_unchecked()
        .unwrap_err();
    assert!(e.to_string().contains("export"), "{e}");
}

#[test]
fn a_reference_to_nothing_fails_synthesis() {
    let mut stack = Stack::new("Test");
    stack
        .add_resource_of(
            "Topic",
            "Topic 'T'",
            Resource::new("AWS::SNS::Topic")
                .property("KmsMasterKeyId", Expr::ref_("MissingKey").to_value()),
        )
        .unwrap();
    let e = stack.synth().unwrap_err();
    assert!(
        matches!(e, Error::DanglingReference { ref target, .. } if target == "MissingKey"),
        "{e:?}"
    );
    let mut stack = Stack::new("Test");
    stack
        .add_resource_of(
            "Topic",
            "Topic 'T'",
            Resource::new("AWS::SNS::Topic").property(
                "DisplayName",
                Expr::sub("${AWS::StackName}-${Nope.Arn}").to_value(),
            ),
        )
        .unwrap();
    assert!(
        matches!(stack.synth().unwrap_err(), Error::DanglingReference { ref target, .. } if target == "Nope")
    );
}

fn topics(n: usize) -> Stack {
    let mut stack = Stack::new("Big");
    for i in 0..n {
        stack
            .add_resource_of(
                format!("Topic{i}"),
                "Topic",
                Resource::new("AWS::SNS::Topic"),
            )
            .unwrap();
    }
    stack
}

#[test]
fn over_a_quota_is_an_error_naming_what_used_it_up() {
    let e = topics(501).synth().unwrap_err();
    match &e {
        Error::QuotaExceeded {
            quota,
            used,
            limit,
            detail,
        } => {
            assert_eq!((*quota, *used, *limit), ("resources", 501, 500));
            assert_eq!(detail, "501 AWS::SNS::Topic");
        }
        other => panic!("{other:?}"),
    }
    let mut stack = Stack::new("Outputs");
    for i in 0..201 {
        StackOutput::new(format!("Out{i}"), "x", Expr::str("v"))
            .add_to(&mut stack)
            .unwrap();
    }
    assert!(matches!(
        stack.synth().unwrap_err(),
        Error::QuotaExceeded {
            quota: "outputs",
            ..
        }
    ));
    let mut stack = Stack::new("Huge");
    stack
        .add_resource_of(
            "Topic",
            "Topic",
            Resource::new("AWS::SNS::Topic").property("DisplayName", "x".repeat(1_100_000)),
        )
        .unwrap();
    assert!(matches!(
        stack.synth().unwrap_err(),
        Error::QuotaExceeded {
            quota: "bytes of template body",
            ..
        }
    ));
}

#[test]
fn past_ninety_percent_of_a_quota_is_a_warning() {
    let out = topics(451).synth().unwrap();
    assert!(out.warnings().contains(&Warning::QuotaNearlyUsed {
        quota: "resources",
        used: 451,
        limit: 500
    }));
    let mut stack = Stack::new("Wide");
    stack
        .add_resource_of(
            "Topic",
            "Topic",
            Resource::new("AWS::SNS::Topic").property("DisplayName", "x".repeat(60_000)),
        )
        .unwrap();
    let out = stack.synth().unwrap();
    assert!(
        matches!(out.warnings(), [Warning::BodyTooLargeForInline { bytes }] if *bytes > 60_000)
    );
    assert!(
        topics(450)
            .synth()
            .unwrap()
            .warnings()
            .iter()
            .all(|w| !matches!(w, Warning::QuotaNearlyUsed { .. }))
    );
}

#[test]
fn logical_ids_are_checked() {
    let mut stack = Stack::new("Test");
    let e = stack
        .add_resource_of("Bad-Id", "Topic", Resource::new("AWS::SNS::Topic"))
        .unwrap_err();
    assert!(
        matches!(
            e,
            Error::Parse {
                what: "logical ID",
                ..
            }
        ),
        "{e:?}"
    );
}

#[test]
fn a_bucket_name_that_is_not_one_is_said_of_the_pattern() {
    let e = SecureSageMakerNetwork::new("Ds")
        .read_bucket("b")
        .add_to(&mut Stack::new("Test"))
        .unwrap_err();
    assert_at(&e, "SecureSageMakerNetwork 'Ds'", "read_bucket");
}
