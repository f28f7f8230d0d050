//! Who can reach whom: egress at the source and ingress at the destination must both allow.

use crate::examples::sagemaker_vpc as example;

use airgap::analysis::{DefaultEgress, Party, Reachability, Traffic};
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
    assert!(r.matrix().unwrap().is_empty());
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
    let matrix = r.matrix().unwrap();
    assert_eq!(matrix.len(), 6, "{matrix:#?}");
    assert!(matrix.iter().all(|e| e.from == workloads
        && e.allowed.len() == 1
        && e.allowed[0].to_string() == "tcp 443"));
}

// ---- Each way a path could hide, with the words of AWS's documentation it rests on. ----

fn reach(yaml: &str) -> Reachability {
    Reachability::of(&Template::from_yaml(yaml).unwrap())
}

/// A VPC (10.0.0.0/16 and whatever `extra` adds), `App` with the default egress, and `Db`
/// admitting what `db_ingress` says.
fn app_and_db(extra: &str, db_ingress: &str) -> Reachability {
    reach(&format!(
        "Parameters:
  AllowedBlock: {{Type: String, Default: 192.168.0.0/16}}
Resources:
  Vpc: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: 10.0.0.0/16}}}}
{extra}
  App: {{Type: AWS::EC2::SecurityGroup, Properties: {{GroupDescription: app, VpcId: !Ref Vpc}}}}
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{{CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}}]
      SecurityGroupIngress: [{db_ingress}]
"
    ))
}

fn app_reaches_db(extra: &str, db_ingress: &str, traffic: Traffic) -> bool {
    app_and_db(extra, db_ingress).allows(&group("App"), &group("Db"), traffic)
}

#[test]
fn a_block_the_template_determines_through_an_intrinsic_is_that_block() {
    // EC2's Vpc.CidrBlock, which `!GetAtt Vpc.CidrBlock` returns: "The primary IPv4 CIDR block
    // for the VPC." CloudFormation: `Fn::Cidr` "returns an array of CIDR address blocks", with
    // cidrBits "the number of subnet bits for the CIDR" (8 subnet bits make a /24).
    let tcp = Traffic::tcp(5432);
    let admits = |peer: &str| {
        app_reaches_db(
            "",
            &format!("{{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: {peer}}}"),
            tcp,
        )
    };
    assert!(admits("!GetAtt Vpc.CidrBlock"));
    assert!(admits("!Sub '10.0.0.0/16'"));
    assert!(admits("!Sub '${Vpc.CidrBlock}'"));
    assert!(admits("!Select [0, !Cidr [!GetAtt Vpc.CidrBlock, 4, 8]]"));
    assert!(admits("!If [SomeCondition, 192.168.0.0/16, 10.0.3.0/24]"));
    let r = app_and_db(
        "",
        "!If [SomeCondition, {IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/16}, !Ref AWS::NoValue]",
    );
    assert!(r.can_reach(&group("App"), &group("Db"), 5432));
    assert!(
        r.approximations()
            .iter()
            .any(|a| a.subject == "Db" && a.kind == "conditional-rule")
    );
    // Determined, and elsewhere: 192.168.1.0/24 is not in the VPC.
    assert!(!admits("!Select [1, !Cidr [192.168.0.0/16, 2, 8]]"));
    assert!(!admits("!Sub '192.168.0.0/16'"));
}

#[test]
fn a_block_known_only_at_launch_counts_as_any_block() {
    // A parameter takes whatever value the launch gives, its default or not; an import is
    // another stack's output.
    for peer in ["!Ref AllowedBlock", "!ImportValue shared-block"] {
        let r = app_and_db(
            "",
            &format!("{{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: {peer}}}"),
        );
        assert!(r.can_reach(&group("App"), &group("Db"), 5432), "{peer}");
        assert!(
            r.approximations()
                .iter()
                .any(|a| a.kind == "unknown-block" && a.text.contains(&peer[..10])),
            "{:#?}",
            r.approximations()
        );
    }
}

#[test]
fn a_secondary_vpc_block_holds_members_too() {
    // EC2 AssociateVpcCidrBlock: "You can associate a secondary IPv4 CIDR block, an
    // Amazon-provided IPv6 CIDR block, or an IPv6 CIDR block from an IPv6 address pool".
    let secondary = "  Secondary: {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref Vpc, CidrBlock: 100.64.0.0/16}}";
    let ingress = "{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 100.64.0.0/16}";
    assert!(app_reaches_db(secondary, ingress, Traffic::tcp(5432)));
    assert!(!app_reaches_db("", ingress, Traffic::tcp(5432)));
}

#[test]
fn an_empty_egress_list_keeps_the_default_allow_all_egress() {
    // AWS::EC2::SecurityGroup: "When you create a security group, if you do not add egress
    // rules, we add egress rules that allow all outbound IPv4 and IPv6 traffic."
    let r = two_groups("      SecurityGroupEgress: []", DB_FROM_APP_5432);
    assert!(r.has_default_egress("App"));
    assert!(r.can_reach(&group("App"), &group("Db"), 5432));
    let t = Template::from_yaml(
        "Resources:\n  App: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: app, SecurityGroupEgress: []}}\n",
    )
    .unwrap();
    let ids: Vec<&str> = airgap::analysis::check(&t)
        .iter()
        .map(|f| f.rule.id)
        .collect();
    assert!(ids.contains(&"AG-SG-002"), "{ids:?}");
}

#[test]
fn egress_only_from_separate_resources_may_keep_the_default_and_is_found() {
    // AWS::EC2::SecurityGroupEgress "Adds the specified outbound (egress) rule to a security
    // group"; the allow-all default is added "when you create a security group, if you do not
    // add egress rules". Whether CloudFormation removes it when a separate rule comes later is
    // reported both ways, so the review counts it as kept.
    let yaml = "Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  App: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: app, VpcId: !Ref Vpc}}
  AppTo443: {Type: AWS::EC2::SecurityGroupEgress, Properties: {GroupId: !Ref App, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}}
  Db:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: db
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}]
      SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourceSecurityGroupId: !Ref App}]
";
    let r = reach(yaml);
    assert_eq!(r.default_egress("App"), Some(DefaultEgress::Disputed));
    assert!(!r.has_default_egress("App"));
    assert!(
        r.can_reach(&group("App"), &group("Db"), 5432),
        "the default may remain"
    );
    assert!(
        r.approximations()
            .iter()
            .any(|a| a.subject == "App" && a.kind == "disputed-default-egress")
    );
    let findings = airgap::analysis::check(&Template::from_yaml(yaml).unwrap());
    let f = findings
        .iter()
        .find(|f| f.rule.id == "AG-SG-005")
        .expect("AG-SG-005");
    assert_eq!(f.resource, "App");
    assert!(f.message.contains("may still allow all outbound traffic"));
    assert!(f.rule.fix.contains("inline"));
    assert!(!findings.iter().any(|f| f.rule.id == "AG-SG-002"));

    // With the rule inline, the default is certainly gone.
    let inline = yaml.replace(
        "{GroupDescription: app, VpcId: !Ref Vpc}",
        "{GroupDescription: app, VpcId: !Ref Vpc, SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}]}",
    );
    let r = reach(&inline);
    assert_eq!(r.default_egress("App"), Some(DefaultEgress::Removed));
    assert!(!r.can_reach(&group("App"), &group("Db"), 5432));
    let findings = airgap::analysis::check(&Template::from_yaml(&inline).unwrap());
    assert!(!findings.iter().any(|f| f.rule.id == "AG-SG-005"));
}

#[test]
fn a_prefix_list_defined_in_the_template_admits_its_entries() {
    // EC2: an inbound rule permits traffic from "the IP addresses that are specified by a
    // prefix list".
    let list = |cidr: &str| {
        format!(
            "  Offices: {{Type: AWS::EC2::PrefixList, Properties: {{PrefixListName: offices, AddressFamily: IPv4, MaxEntries: 2, Entries: [{{Cidr: {cidr}}}]}}}}"
        )
    };
    let ingress =
        "{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourcePrefixListId: !Ref Offices}";
    assert!(app_reaches_db(
        &list("10.0.8.0/24"),
        ingress,
        Traffic::tcp(5432)
    ));
    assert!(!app_reaches_db(
        &list("192.168.8.0/24"),
        ingress,
        Traffic::tcp(5432)
    ));
    let by_attribute = "{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, SourcePrefixListId: !GetAtt Offices.PrefixListId}";
    assert!(app_reaches_db(
        &list("10.0.8.0/24"),
        by_attribute,
        Traffic::tcp(5432)
    ));
}

#[test]
fn icmp_rules_name_a_type_and_a_code() {
    // AWS::EC2::SecurityGroupIngress: "If the protocol is ICMP or ICMPv6, you must also
    // specify the ICMP/ICMPv6 type and code. To specify all types or all codes, use -1."
    // EC2 IcmpTypeCode: "The ICMP code. A value of -1 means all codes for the specified ICMP
    // type."
    let echo = "{IpProtocol: icmp, FromPort: 8, ToPort: -1, SourceSecurityGroupId: !Ref App}";
    assert!(app_reaches_db("", echo, Traffic::icmp(8, 0)));
    assert!(!app_reaches_db("", echo, Traffic::icmp(0, 0)));
    let unreachable_4 =
        "{IpProtocol: icmp, FromPort: 3, ToPort: 4, SourceSecurityGroupId: !Ref App}";
    assert!(app_reaches_db("", unreachable_4, Traffic::icmp(3, 4)));
    assert!(!app_reaches_db("", unreachable_4, Traffic::icmp(3, 1)));
    let r = app_and_db("", echo);
    assert_eq!(
        r.allowed(&group("App"), &group("Db"))
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["icmp type 8"]
    );

    // A type-4 egress and a type-3 ingress share nothing.
    let r = reach(
        "Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  App: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: app, VpcId: !Ref Vpc,
        SecurityGroupEgress: [{IpProtocol: icmp, FromPort: 4, ToPort: -1, CidrIp: 10.0.0.0/16}]}}
  Db:  {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: db, VpcId: !Ref Vpc,
        SecurityGroupIngress: [{IpProtocol: icmp, FromPort: 3, ToPort: -1, CidrIp: 10.0.0.0/16}]}}
",
    );
    assert!(r.allowed(&group("App"), &group("Db")).is_empty());
}

#[test]
fn protocols_without_ports_allow_every_port_whatever_range_is_written() {
    // EC2 IpPermission.IpProtocol: "specifying -1 or a protocol number other than tcp, udp,
    // icmp, or icmpv6 allows traffic on all ports, regardless of any port range you specify."
    let gre = "{IpProtocol: '47', FromPort: 10, ToPort: 20, SourceSecurityGroupId: !Ref App}";
    assert!(app_reaches_db("", gre, Traffic::protocol(47)));
    assert!(!app_reaches_db("", gre, Traffic::tcp(15)));
    let r = app_and_db("", gre);
    assert_eq!(
        r.allowed(&group("App"), &group("Db"))
            .iter()
            .map(ToString::to_string)
            .collect::<Vec<_>>(),
        ["protocol 47"]
    );
    // "For icmpv6, the port range is optional; if you omit the port range, traffic for all
    // types and codes is allowed."
    let icmpv6 = "{IpProtocol: icmpv6, SourceSecurityGroupId: !Ref App}";
    assert!(app_reaches_db("", icmpv6, Traffic::icmpv6(128, 0)));
}

#[test]
fn a_block_larger_than_the_vpc_covers_all_of_it_and_shows_in_the_table() {
    let r = app_and_db(
        "",
        "{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 10.0.0.0/8}",
    );
    let eight = Party::Cidr("10.0.0.0/8".into());
    assert!(r.can_reach(&eight, &group("Db"), 5432));
    assert!(
        r.matrix()
            .unwrap()
            .iter()
            .any(|e| e.from == eight && e.to == group("Db")),
        "{:#?}",
        r.matrix().unwrap()
    );
}

#[test]
fn an_ipv6_block_of_the_vpc_is_matched_by_ipv6_rules() {
    // CloudFormation's own IPv6 example: an AWS::EC2::VPCCidrBlock with
    // AmazonProvidedIpv6CidrBlock: true, "a /56 prefix length", its range chosen by AWS.
    let v6 = "  V6: {Type: AWS::EC2::VPCCidrBlock, Properties: {VpcId: !Ref Vpc, AmazonProvidedIpv6CidrBlock: true}}";
    let anywhere_v6 = "{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIpv6: ::/0}";
    assert!(app_reaches_db(v6, anywhere_v6, Traffic::tcp(5432)));
    // Without an IPv6 block the members have no IPv6 address to be admitted by.
    assert!(!app_reaches_db("", anywhere_v6, Traffic::tcp(5432)));
    // An IPv4 block elsewhere does not become a match because the IPv6 block is unknown.
    assert!(!app_reaches_db(
        v6,
        "{IpProtocol: tcp, FromPort: 5432, ToPort: 5432, CidrIp: 192.168.0.0/16}",
        Traffic::tcp(5432)
    ));
}

#[test]
fn the_json_form_says_why_each_pair_may_talk() {
    let r = two_groups("", DB_FROM_APP_5432);
    let v = r.to_value().unwrap();
    let pair = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["from"]["id"] == "App" && p["to"]["id"] == "Db")
        .expect("App to Db");
    assert_eq!(pair["allowed"][0]["protocol"], 6);
    assert_eq!(pair["allowed"][0]["ports"]["from"], 5432);
    assert_eq!(pair["because"][0]["ingress"]["resource"], "Db");
    assert_eq!(pair["because"][0]["ingress"]["index"], 0);
    assert_eq!(
        pair["because"][0]["egress"]["text"],
        "all traffic to 0.0.0.0/0 (the default egress)"
    );
    assert_eq!(v["default_egress"]["App"], "kept");
    assert_eq!(v["default_egress"]["Db"], "removed");
}

#[test]
fn a_block_reached_only_inside_the_vpc_says_so() {
    // App keeps the default egress to 0.0.0.0/0, but no route leaves the VPC: the table names
    // 0.0.0.0/0 as reached through its addresses inside the VPC only.
    let r = two_groups("", DB_FROM_APP_5432);
    let anywhere = Party::Cidr("0.0.0.0/0".into());
    assert!(r.can_reach(&group("App"), &anywhere, 443));
    assert!(r.inside_vpc_only(&anywhere));
    assert!(!r.inside_vpc_only(&Party::Cidr("10.0.4.0/24".into())));
    assert!(!r.inside_vpc_only(&group("App")));
    let pair = &r.to_value().unwrap()["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["to"]["id"] == "0.0.0.0/0")
        .cloned()
        .expect("App to 0.0.0.0/0");
    assert_eq!(pair["to"]["inside_vpc_only"], true);
    // With a route out, the block is reached beyond the VPC too.
    let routed = Template::from_yaml(
        "Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  Out: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, TransitGatewayId: tgw-0abc}}
  App: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: app, VpcId: !Ref Vpc}}
",
    )
    .unwrap();
    let r = Reachability::of(&routed);
    assert!(r.can_reach(&group("App"), &Party::Cidr("8.8.8.8/32".into()), 443));
    assert!(!r.inside_vpc_only(&anywhere));
}

#[test]
fn a_prefix_list_outside_the_vpc_is_reached_where_a_route_names_it() {
    let yaml = |route: &str| {
        format!(
            "Resources:
  Vpc: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: 10.0.0.0/16}}}}
  Partners: {{Type: AWS::EC2::PrefixList, Properties: {{PrefixListName: partners, AddressFamily: IPv4, MaxEntries: 1, Entries: [{{Cidr: 198.51.100.0/24}}]}}}}
  Rt: {{Type: AWS::EC2::RouteTable, Properties: {{VpcId: !Ref Vpc}}}}
{route}
  App:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: app
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{{IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationPrefixListId: !GetAtt Partners.PrefixListId}}]
"
        )
    };
    let partners = Party::PrefixList("Partners".into());
    let r = reach(&yaml(""));
    assert!(
        !r.can_reach(&group("App"), &partners, 443),
        "no route leads there"
    );
    let r = reach(&yaml(
        "  ToPartners: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, DestinationPrefixListId: !Ref Partners, TransitGatewayId: tgw-0abc}}",
    ));
    assert!(r.can_reach(&group("App"), &partners, 443));
    assert!(!r.inside_vpc_only(&partners));
}
