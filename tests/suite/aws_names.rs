//! Names and settings AWS would refuse, refused at synthesis with a message that says what
//! to write instead: regions, S3 bucket names, endpoint policies that grant nothing of their
//! service, and two private-DNS endpoints for one service in one VPC.

use crate::common;

use airgap::Error;
use airgap::catalog::{Portfolio, Product, ProductVersion, StackSetRollout};
use airgap::iam::{Arn, PolicyDocument, Statement, bucket_name_problem, is_legacy_bucket_name};
use airgap::net::{InterfaceEndpoint, NetError, Peer, Port, SecurityGroup, Service, Vpc};
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::template::{PINNED_PARTITION_RULE, Resource, Stack, Warning, is_known_region};

#[test]
fn a_mistyped_region_is_refused_with_the_nearest_real_one() {
    // The builder carries the error to the first construct added, or to synthesis.
    let mut stack = Stack::new("Net").in_region("eu-wst-1");
    let e = Vpc::new("Network")
        .add_to(&mut stack)
        .unwrap_err()
        .to_string();
    assert!(e.contains("did you mean `eu-west-1`"), "{e}");
    let e = Stack::new("Net")
        .in_region("mars-1")
        .synth_unchecked()
        .unwrap_err()
        .to_string();
    assert!(e.contains("no region `mars-1`"), "{e}");
    for region in [
        "us-east-1",
        "eu-central-2",
        "cn-northwest-1",
        "us-gov-west-1",
    ] {
        let stack = Stack::new("Net").in_region(region);
        assert!(stack.check_settings().is_ok(), "{region}");
        assert_eq!(stack.region(), Some(region));
    }
}

#[test]
fn the_region_list_is_the_one_aws_publishes() {
    // botocore's endpoints.json, the region list of the AWS SDKs and CLI (see
    // scripts/gen_regions.py): a sample of what it lists, in each supported partition.
    for region in [
        "us-east-1",
        "ap-southeast-5",
        "mx-central-1",
        "cn-north-1",
        "us-gov-east-1",
    ] {
        assert!(is_known_region(region), "{region}");
    }
    assert!(
        !is_known_region("us-iso-east-1"),
        "isolated partitions are not supported"
    );
}

#[test]
fn a_stack_set_region_with_a_typo_is_refused_naming_the_product() {
    let mut t = airgap::template::Template::default();
    t.resources.insert(
        "Vpc".into(),
        Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"),
    );
    let e = Portfolio::new("P", "Platform")
        .product(
            Product::new("vpc", "Platform")
                .version(ProductVersion::new("1", t))
                .stack_set_rollout(
                    StackSetRollout::new("AdminRole", "ExecutionRole")
                        .accounts(["210987654321"])
                        .regions(["eu-west-1", "eu-centrl-1"]),
                ),
        )
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("Product 'vpc'") && e.contains("did you mean `eu-central-1`"),
        "{e}"
    );
}

#[test]
fn a_template_pinned_to_a_china_region_refuses_to_launch_outside_china() {
    let mut stack = Stack::new("Net").in_region("cn-north-1");
    SecureSageMakerNetwork::new("DataScience")
        .add_to(&mut stack)
        .unwrap();
    let synth = stack.synth().unwrap();
    let rule = &synth.template().rules[PINNED_PARTITION_RULE];
    assert_eq!(
        rule["Assertions"][0]["Assert"],
        serde_json::json!({"Fn::Contains": [["cn-north-1", "cn-northwest-1"], {"Ref": "AWS::Region"}]})
    );
    common::cfn_lint(&[(
        "china_pinned.json".into(),
        synth.to_json_pretty().to_string(),
    )]);
    // Other partitions name their endpoint services alike: no rule.
    let t = Stack::new("Net")
        .in_region("eu-west-1")
        .synth_unchecked()
        .unwrap();
    assert!(t.template().rules.is_empty());
}

#[test]
fn bucket_names_follow_s3s_naming_rules() {
    // Amazon S3 User Guide, "General purpose bucket naming rules": "Bucket names must be
    // between 3 (min) and 63 (max) characters long. Bucket names can consist only of
    // lowercase letters, numbers, periods (.), and hyphens (-). Bucket names must begin and end
    // with a letter or number. Bucket names must not contain two adjacent periods. Bucket names
    // must not be formatted as an IP address (for example, 192.168.5.4). Bucket names must not
    // start with the prefix xn--. [...] sthree- [...] amzn-s3-demo-. Bucket names must not end
    // with the suffix -s3alias [...] --ol-s3 [...] .mrap [...] --x-s3 [...] --table-s3."
    for bad in [
        "ML-Data-Prod",
        "-ml-data",
        "ml-data-",
        "192.168.5.4",
        "xn--ml-data",
        "sthree-data",
        "amzn-s3-demo-data",
        "ml..data",
        "ml-data-s3alias",
        "ml-data--ol-s3",
        "ml-data.mrap",
        "ml-data--x-s3",
        "ml",
        &"a".repeat(64),
    ] {
        assert!(
            bucket_name_problem(bad).is_some(),
            "{bad} is not a bucket name"
        );
        assert!(Arn::s3_bucket(bad).is_err(), "{bad}");
    }
    for good in [
        "ml-data-prod",
        "ml.data.prod",
        "abc",
        &"a".repeat(63),
        "ml-data-*",
    ] {
        assert_eq!(bucket_name_problem(good), None, "{good}");
    }
    let upper = bucket_name_problem("ML-Data-Prod").unwrap();
    assert!(upper.contains("`ml-data-prod`?"), "{upper}");
}

#[test]
fn an_underscore_is_accepted_as_the_legacy_name_it_is_with_a_warning() {
    // The seed's `my_secure_bucket`: S3's legacy rules let buckets created in us-east-1 before
    // March 1, 2018 have underscores, so a policy may name one; no new bucket can.
    assert_eq!(bucket_name_problem("my_secure_bucket"), None);
    assert!(is_legacy_bucket_name("my_secure_bucket"));
    let mut stack = Stack::new("Net");
    SecureSageMakerNetwork::new("DataScience")
        .read_bucket("my_secure_bucket")
        .add_to(&mut stack)
        .unwrap();
    let synth = stack.synth().unwrap();
    let legacy: Vec<&Warning> = synth
        .warnings()
        .iter()
        .filter(|w| w.to_string().contains("legacy S3 bucket name"))
        .collect();
    assert_eq!(legacy.len(), 1, "{:?}", synth.warnings());
    assert!(legacy[0].to_string().contains("`my_secure_bucket`"));
}

#[test]
fn a_bucket_name_s3_refuses_is_an_error_of_read_bucket_even_in_a_product() {
    let e = SecureSageMakerNetwork::new("Ds")
        .read_bucket("ML-Data-Prod")
        .parameterized()
        .add_to(&mut Stack::new("Test"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Parse { value, .. } if value == "ML-Data-Prod"),
        "{e}"
    );
    assert!(e.to_string().contains("read_bucket"), "{e}");
}

fn endpoint_group(stack: &mut Stack) -> (airgap::net::VpcRef, airgap::net::SecurityGroupRef) {
    let vpc = Vpc::new("Network").add_to(stack).unwrap();
    let sg = SecurityGroup::new("Endpoints", &vpc)
        .ingress(Peer::vpc_cidr(&vpc), Port::tcp(443))
        .add_to(stack)
        .unwrap();
    (vpc, sg)
}

#[test]
fn an_endpoint_policy_that_allows_nothing_of_its_service_is_refused_naming_both() {
    let mut stack = Stack::new("Net");
    let (vpc, sg) = endpoint_group(&mut stack);
    let s3_only = PolicyDocument::new().statement(
        Statement::allow()
            .any_principal()
            .action("s3:GetObject")
            .resource(Arn::s3_objects("ml-data").unwrap()),
    );
    let e = InterfaceEndpoint::new(Service::STS, &vpc)
        .security_group(&sg)
        .policy(s3_only)
        .add_to(&mut stack)
        .unwrap_err();
    match e.downcast_ref::<NetError>() {
        Some(NetError::EndpointPolicyOffService {
            at,
            service,
            prefix,
        }) => {
            assert_eq!(at.construct, "InterfaceEndpoint 'sts'");
            assert_eq!(service, "sts");
            assert_eq!(prefix, "sts");
        }
        _ => panic!("{e}"),
    }
    // A policy that allows the service's actions is fine, by name or by pattern.
    let sts = PolicyDocument::new().statement(
        Statement::allow()
            .any_principal()
            .action("sts:AssumeRole*")
            .any_resource(),
    );
    InterfaceEndpoint::new(Service::STS, &vpc)
        .security_group(&sg)
        .policy(sts)
        .add_to(&mut stack)
        .unwrap();
}

#[test]
fn a_second_private_dns_endpoint_for_one_service_in_one_vpc_is_refused() {
    // EC2 API Reference, CreateVpcEndpoint, PrivateDnsEnabled: "(Interface endpoint)
    // Indicates whether to associate a private hosted zone with the specified VPC. The private
    // hosted zone contains a record set for the default public DNS name for the service for
    // the Region": one such zone per name per VPC, so EC2 refuses a second endpoint with it.
    let mut stack = Stack::new("Net");
    let (vpc, sg) = endpoint_group(&mut stack);
    InterfaceEndpoint::new(Service::STS, &vpc)
        .security_group(&sg)
        .add_to(&mut stack)
        .unwrap();
    let e = InterfaceEndpoint::new(Service::STS, &vpc)
        .name("sts-again")
        .security_group(&sg)
        .add_to(&mut stack)
        .unwrap_err()
        .to_string();
    assert!(
        e.contains("InterfaceEndpoint 'sts-again'") && e.contains("StsEndpoint"),
        "{e}"
    );
    // Without private DNS a second endpoint is allowed (it has its own DNS names).
    InterfaceEndpoint::new(Service::STS, &vpc)
        .name("sts-no-dns")
        .security_group(&sg)
        .private_dns(false)
        .add_to(&mut stack)
        .unwrap();
}

#[test]
fn a_zone_in_a_region_aws_does_not_have_is_refused_with_the_nearest_region() {
    let e = Vpc::new("Network")
        .zone_names(["eu-wst-1a", "eu-wst-1b"])
        .add_to(&mut Stack::new("Net"))
        .unwrap_err();
    assert!(
        matches!(&e, Error::Parse { at, .. } if at.field == "zone_names"),
        "{e}"
    );
    assert!(e.to_string().contains("did you mean `eu-west-1`"), "{e}");
}
