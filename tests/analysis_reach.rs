//! Who can reach whom: egress at the source and ingress at the destination must both allow.

#[allow(dead_code)]
#[path = "../examples/sagemaker_vpc.rs"]
mod example;

use airgap::analysis::{Party, Reachability, Traffic};
use airgap::template::Template;

fn group(name: &str) -> Party {
    Party::Group(name.into())
}

fn two_groups(app_egress: &str, db_ingress: &str) -> Reachability {
    let yaml = format!(
        "Resources:
  Vpc: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: 10.0.0.0/16}}}}
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
{app_egress}
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{{CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}}]
{db_ingress}
"
    );
    Reachability::of(&Template::from_yaml(&yaml).unwrap())
}

const DB_FROM_APP_5432: &str = "      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: !GetAtt App.GroupId}]";

#[test]
fn both_egress_at_the_source_and_ingress_at_the_destination_must_allow() {
    let out = "      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, DestinationSecurityGroupId: !GetAtt Db.GroupId}]";
    let r = two_groups(out, DB_FROM_APP_5432);
    assert!(r.can_reach(&group("App"), &group("Db"), 5432));
    assert!(!r.can_reach(&group("App"), &group("Db"), 443));
    assert!(
        !r.can_reach(&group("Db"), &group("App"), 5432),
        "nothing admits Db into App"
    );

    let no_ingress = two_groups(out, "");
    assert!(!no_ingress.can_reach(&group("App"), &group("Db"), 5432));

    let other_port_out = "      SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationSecurityGroupId: !GetAtt Db.GroupId}]";
    let r = two_groups(other_port_out, DB_FROM_APP_5432);
    assert!(
        !r.can_reach(&group("App"), &group("Db"), 5432),
        "App may not send 5432"
    );
}

#[test]
fn a_group_without_egress_rules_may_send_anything_as_cloudformation_defaults() {
    let r = two_groups("", DB_FROM_APP_5432);
    assert!(r.has_default_egress("App"));
    assert!(r.can_reach(&group("App"), &group("Db"), 5432));
}

#[test]
fn the_no_traffic_rule_means_no_egress() {
    let r = two_groups(
        "      SecurityGroupEgress: [{CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}]",
        DB_FROM_APP_5432,
    );
    assert!(!r.has_default_egress("App"));
    assert!(!r.can_reach(&group("App"), &group("Db"), 5432));
    assert!(r.matrix().is_empty());
}

#[test]
fn blocks_that_cover_the_vpc_admit_its_groups() {
    let out = "      SecurityGroupEgress: [{IpProtocol: '-1', CidrIp: 10.0.0.0/8}]";
    let ingress = "      SecurityGroupIngress: [{IpProtocol: udp, FromPort: 53, ToPort: 53, CidrIp: 10.0.0.0/16}]";
    let r = two_groups(out, ingress);
    assert!(r.allows(&group("App"), &group("Db"), Traffic::udp(53)));
    assert!(!r.allows(&group("App"), &group("Db"), Traffic::tcp(53)));
    let elsewhere = "      SecurityGroupIngress: [{IpProtocol: udp, FromPort: 53, ToPort: 53, CidrIp: 192.168.0.0/16}]";
    let r = two_groups(out, elsewhere);
    assert!(!r.allows(&group("App"), &group("Db"), Traffic::udp(53)));
    // 192.168.0.0/16 itself has no route into the VPC, so it reaches nothing either.
    assert!(!r.allows(
        &Party::Cidr("192.168.0.0/16".into()),
        &group("Db"),
        Traffic::udp(53)
    ));
}

#[test]
fn in_the_example_workloads_reach_the_endpoints_and_s3_on_443_and_nothing_else() {
    let t = Template::from_json(&example::build().unwrap()).unwrap();
    let r = Reachability::of(&t);
    let workloads = group("DataScienceWorkloadsSecurityGroup");
    let endpoints = group("DataScienceEndpointsSecurityGroup");
    for e in [
        "SagemakerApiEndpoint",
        "SagemakerRuntimeEndpoint",
        "StsEndpoint",
        "LogsEndpoint",
    ] {
        assert!(
            r.can_reach(&workloads, &Party::Endpoint(e.into()), 443),
            "{e}"
        );
        assert!(
            !r.can_reach(&workloads, &Party::Endpoint(e.into()), 80),
            "{e}"
        );
        assert!(
            !r.can_reach(&Party::Endpoint(e.into()), &workloads, 443),
            "{e}"
        );
    }
    assert!(!r.can_reach(&endpoints, &workloads, 443));
    assert!(!r.can_reach(&workloads, &workloads, 22));
    // No route leaves the VPC: an address outside it is out of reach. (`0.0.0.0/0` itself is
    // reached, through S3's prefix list, whose entries the template leaves to the launch.)
    assert!(!r.can_reach(&workloads, &Party::Cidr("8.8.8.8/32".into()), 443));
    let s3 = Party::PrefixList("!Ref S3PrefixListId".into());
    assert!(r.can_reach(&workloads, &s3, 443));
    let matrix = r.matrix();
    assert_eq!(matrix.len(), 6, "{matrix:#?}");
    assert!(matrix.iter().all(|e| e.from == workloads
        && e.allowed.len() == 1
        && e.allowed[0].to_string() == "tcp 443"));
}
