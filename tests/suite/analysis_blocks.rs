//! Address blocks are judged as the networks they stand for, in ingress, egress and routes
//! alike: a prefix length of 0 is every address whatever host bits are written before it (a
//! `/n` block is the addresses sharing the first n bits, RFC 4632 section 3.1), every spelling
//! of IPv6's `::/0` is `::/0` (RFC 4291 section 2.2 allows any number of zero groups), and
//! routes that together cover every address are a route to anywhere. Also: properties of the
//! wrong shape are findings, never skipped, and rules under `Fn::If` count in both branches.

use airgap::analysis::check;
use airgap::template::Template;

fn findings(yaml: &str) -> Vec<(String, String, String)> {
    let t = Template::from_yaml(yaml).expect("test template parses");
    check(&t)
        .into_iter()
        .map(|f| (f.rule.id.to_string(), f.resource, f.message))
        .collect()
}

fn fired(rule: &str, yaml: &str) -> Vec<String> {
    findings(yaml)
        .into_iter()
        .filter(|(r, _, _)| r == rule)
        .map(|(_, resource, _)| resource)
        .collect()
}

const HEAD: &str = "Resources:
  Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
";

fn ingress(block: &str, v6: bool) -> String {
    let key = if v6 { "CidrIpv6" } else { "CidrIp" };
    format!(
        "{HEAD}  In: {{Type: AWS::EC2::SecurityGroupIngress, Properties: {{GroupId: sg-12345678, IpProtocol: tcp, FromPort: 22, ToPort: 22, {key}: '{block}'}}}}\n"
    )
}

fn egress(block: &str, v6: bool) -> String {
    let key = if v6 { "CidrIpv6" } else { "CidrIp" };
    format!(
        "{HEAD}  Out: {{Type: AWS::EC2::SecurityGroupEgress, Properties: {{GroupId: sg-12345678, IpProtocol: '-1', {key}: '{block}'}}}}\n"
    )
}

fn route(id: &str, table: &str, block: &str) -> String {
    let key = if block.contains(':') {
        "DestinationIpv6CidrBlock"
    } else {
        "DestinationCidrBlock"
    };
    format!(
        "  {id}: {{Type: AWS::EC2::Route, Properties: {{RouteTableId: !Ref {table}, {key}: '{block}', TransitGatewayId: tgw-12345678}}}}\n"
    )
}

#[test]
fn a_slash_zero_block_with_host_bits_is_every_address_in_ingress_egress_and_routes() {
    // 192.168.1.0/0: the default SSHLocation of AWS's EC2 sample templates.
    let f = findings(&ingress("192.168.1.0/0", false));
    let open = f
        .iter()
        .find(|(r, _, _)| r == "AG-SG-001")
        .expect("AG-SG-001 fires");
    assert!(
        open.2
            .contains("192.168.1.0/0 (that is 0.0.0.0/0, every address)"),
        "{open:?}"
    );
    assert_eq!(fired("AG-SG-003", &egress("192.168.1.0/0", false)), ["Out"]);
    let yaml = format!("{HEAD}{}", route("Default", "Rt", "10.1.2.3/0"));
    assert_eq!(fired("AG-NET-007", &yaml), ["Default"]);
    // A block with host bits that is not every address stays what it is.
    assert!(fired("AG-SG-001", &ingress("10.0.0.5/16", false)).is_empty());
}

#[test]
fn every_spelling_of_ipv6_anywhere_is_anywhere() {
    for block in ["::/0", "::0/0", "0:0:0:0:0:0:0:0/0", "0::0/0"] {
        assert_eq!(fired("AG-SG-001", &ingress(block, true)), ["In"], "{block}");
        assert_eq!(fired("AG-SG-003", &egress(block, true)), ["Out"], "{block}");
        let yaml = format!("{HEAD}{}", route("Default", "Rt", block));
        assert_eq!(fired("AG-NET-007", &yaml), ["Default"], "{block}");
    }
}

#[test]
fn a_default_route_split_in_halves_is_a_route_to_anywhere() {
    let yaml = format!(
        "{HEAD}{}{}{}",
        route("Low", "Rt", "0.0.0.0/1"),
        route("High", "Rt", "128.0.0.0/1"),
        route("Corp", "Rt", "172.16.0.0/12"),
    );
    assert_eq!(fired("AG-NET-007", &yaml), ["Low", "High"]);
    let f = findings(&yaml);
    assert!(
        f.iter()
            .any(|(r, _, m)| r == "AG-NET-007" && m.contains("covers every address"))
    );
    // The halves in different route tables send no subnet everywhere.
    let split = format!(
        "{HEAD}  Rt2: {{Type: AWS::EC2::RouteTable, Properties: {{VpcId: !Ref Vpc}}}}\n{}{}",
        route("Low", "Rt", "0.0.0.0/1"),
        route("High", "Rt2", "128.0.0.0/1"),
    );
    assert!(fired("AG-NET-007", &split).is_empty());
    // IPv6 halves too.
    let v6 = format!(
        "{HEAD}{}{}",
        route("A", "Rt", "::/1"),
        route("B", "Rt", "8000::/1")
    );
    assert_eq!(fired("AG-NET-007", &v6), ["A", "B"]);
}

#[test]
fn security_group_rules_under_a_condition_count_in_both_branches() {
    let yaml = format!(
        "Conditions:\n  Dev: !Equals [!Ref AWS::Region, us-east-1]\n{HEAD}  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      VpcId: !Ref Vpc\n      SecurityGroupIngress:\n        - !If [Dev, {{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}}, !Ref AWS::NoValue]\n      SecurityGroupEgress: !If\n        - Dev\n        - [{{IpProtocol: '-1', CidrIp: 0.0.0.0/0}}]\n        - [{{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}}]\n"
    );
    assert_eq!(fired("AG-SG-001", &yaml), ["Sg"]);
    assert_eq!(fired("AG-SG-003", &yaml), ["Sg"]);
    assert!(fired("AG-SG-002", &yaml).is_empty());
    assert!(
        fired("AG-TPL-001", &yaml).is_empty(),
        "{:?}",
        findings(&yaml)
    );
}

#[test]
fn a_property_of_the_wrong_shape_is_a_finding_not_skipped() {
    // SecurityGroupIngress is "Type: Array of Ingress" in the resource reference.
    let object = format!(
        "{HEAD}  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      VpcId: !Ref Vpc\n      SecurityGroupIngress: {{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}}\n      SecurityGroupEgress: [{{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}}]\n"
    );
    let f = findings(&object);
    let shape = f
        .iter()
        .find(|(r, _, _)| r == "AG-TPL-001")
        .expect("AG-TPL-001 fires");
    assert_eq!(shape.1, "Sg");
    assert!(
        shape.2.contains("SecurityGroupIngress is an object"),
        "{shape:?}"
    );
    let item = object.replace(
        "SecurityGroupIngress: {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}",
        "SecurityGroupIngress: [sg-rule-as-a-string]",
    );
    assert_eq!(fired("AG-TPL-001", &item), ["Sg"]);
    let list = object.replace(
        "SecurityGroupIngress: {IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}",
        "SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}]",
    );
    assert!(fired("AG-TPL-001", &list).is_empty());
    assert_eq!(fired("AG-SG-001", &list), ["Sg"]);
    let endpoint = format!(
        "{HEAD}  Ep: {{Type: AWS::EC2::VPCEndpoint, Properties: {{VpcId: !Ref Vpc, ServiceName: com.amazonaws.us-east-1.s3, RouteTableIds: !Ref Rt}}}}\n"
    );
    // `!Ref` of one route table is a string where a list is required; an intrinsic that can
    // give a list (a CommaDelimitedList parameter) is accepted, since its value is known at launch.
    assert!(fired("AG-TPL-001", &endpoint).is_empty());
    let scalar = endpoint.replace("RouteTableIds: !Ref Rt", "RouteTableIds: rtb-12345678");
    assert_eq!(fired("AG-TPL-001", &scalar), ["Ep"]);
}

#[test]
fn a_rule_field_of_the_wrong_shape_inside_a_group_is_a_finding() {
    let yaml = format!(
        "{HEAD}  Sg:\n    Type: AWS::EC2::SecurityGroup\n    Properties:\n      GroupDescription: g\n      VpcId: !Ref Vpc\n      SecurityGroupIngress: [{{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: [0.0.0.0/0]}}]\n      SecurityGroupEgress: [{{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}}]\n"
    );
    let f = findings(&yaml);
    let shape = f
        .iter()
        .find(|(r, _, _)| r == "AG-TPL-001")
        .expect("AG-TPL-001 fires");
    assert!(
        shape
            .2
            .starts_with("SecurityGroupIngress[].CidrIp is a list"),
        "{shape:?}"
    );
}
