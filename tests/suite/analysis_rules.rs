//! Each rule fires on the smallest template that breaks it and stays quiet on the fixed one.

use airgap::analysis::{RULES, Severity, check, rule};
use airgap::template::Template;

/// The (rule, resource) pairs `check` finds in a YAML template, for rule `id` only.
fn fired(id: &str, yaml: &str) -> Vec<String> {
    let t = Template::from_yaml(yaml).expect("test template parses");
    check(&t)
        .into_iter()
        .filter(|f| f.rule.id == id)
        .map(|f| f.resource)
        .collect()
}

const VPC: &str = "
  Vpc:
    Type: AWS::EC2::VPC
    Properties: {CidrBlock: 10.0.0.0/16, EnableDnsSupport: true, EnableDnsHostnames: true}
";

fn with_vpc(rest: &str) -> String {
    format!("Resources:{VPC}{rest}")
}

#[test]
fn every_rule_has_a_stable_id_a_rationale_and_a_fix() {
    let mut ids: Vec<&str> = RULES.iter().map(|r| r.id).collect();
    ids.dedup();
    assert_eq!(ids.len(), RULES.len(), "rule IDs are unique");
    for r in RULES {
        let parts: Vec<&str> = r.id.split('-').collect();
        assert!(
            parts.len() == 3
                && parts[0] == "AG"
                && parts[1].chars().all(|c| c.is_ascii_uppercase())
                && parts[2].len() == 3
                && parts[2].chars().all(|c| c.is_ascii_digit()),
            "{} is not of the form AG-AREA-NNN",
            r.id
        );
        assert!(!r.rationale.is_empty() && !r.fix.is_empty(), "{}", r.id);
        assert_eq!(rule(r.id), Some(*r));
    }
    assert_eq!(
        rule("AG-NET-010").map(|r| r.severity),
        Some(Severity::Warning)
    );
}

#[test]
fn net_001_internet_gateway_and_its_attachment() {
    let bad = with_vpc(
        "  Igw: {Type: AWS::EC2::InternetGateway}
  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, InternetGatewayId: !Ref Igw}}
",
    );
    assert_eq!(fired("AG-NET-001", &bad), ["Igw", "Attach"]);
    assert!(fired("AG-NET-001", &with_vpc("")).is_empty());
}

#[test]
fn net_002_nat_gateway() {
    let bad = with_vpc(
        "  Nat: {Type: AWS::EC2::NatGateway, Properties: {SubnetId: subnet-1, ConnectivityType: private}}\n",
    );
    assert_eq!(fired("AG-NET-002", &bad), ["Nat"]);
    assert!(fired("AG-NET-002", &with_vpc("")).is_empty());
}

#[test]
fn net_003_egress_only_gateway() {
    let bad = with_vpc(
        "  Eigw: {Type: AWS::EC2::EgressOnlyInternetGateway, Properties: {VpcId: !Ref Vpc}}\n",
    );
    assert_eq!(fired("AG-NET-003", &bad), ["Eigw"]);
    assert!(fired("AG-NET-003", &with_vpc("")).is_empty());
}

#[test]
fn net_004_elastic_ip() {
    let bad = with_vpc("  Ip: {Type: AWS::EC2::EIP, Properties: {Domain: vpc}}\n");
    assert_eq!(fired("AG-NET-004", &bad), ["Ip"]);
    assert!(fired("AG-NET-004", &with_vpc("")).is_empty());
}

#[test]
fn net_005_vpn() {
    let bad = with_vpc(
        "  Vgw: {Type: AWS::EC2::VPNGateway, Properties: {Type: ipsec.1}}
  Attach: {Type: AWS::EC2::VPCGatewayAttachment, Properties: {VpcId: !Ref Vpc, VpnGatewayId: !Ref Vgw}}
",
    );
    assert_eq!(fired("AG-NET-005", &bad), ["Vgw", "Attach"]);
    assert!(fired("AG-NET-005", &with_vpc("")).is_empty());
}

#[test]
fn net_006_transit_gateway_attachment() {
    let bad = with_vpc(
        "  Tgw: {Type: AWS::EC2::TransitGatewayAttachment, Properties: {TransitGatewayId: tgw-1, VpcId: !Ref Vpc, SubnetIds: [subnet-1]}}\n",
    );
    assert_eq!(fired("AG-NET-006", &bad), ["Tgw"]);
    assert!(fired("AG-NET-006", &with_vpc("")).is_empty());
}

#[test]
fn net_007_route_to_anywhere_v4_and_v6() {
    let bad = with_vpc(
        "  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  Out: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 0.0.0.0/0, GatewayId: igw-1}}
  Out6: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, DestinationIpv6CidrBlock: '::/0', GatewayId: igw-1}}
",
    );
    assert_eq!(fired("AG-NET-007", &bad), ["Out", "Out6"]);
    let peering = with_vpc(
        "  Rt: {Type: AWS::EC2::RouteTable, Properties: {VpcId: !Ref Vpc}}
  Peer: {Type: AWS::EC2::Route, Properties: {RouteTableId: !Ref Rt, DestinationCidrBlock: 10.1.0.0/16, VpcPeeringConnectionId: pcx-1}}
",
    );
    assert!(fired("AG-NET-007", &peering).is_empty());
}

#[test]
fn net_008_subnet_that_maps_public_ips() {
    let subnet = |map: &str| {
        with_vpc(&format!(
            "  Subnet: {{Type: AWS::EC2::Subnet, Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, MapPublicIpOnLaunch: {map}, AvailabilityZone: !Select [0, !GetAZs '']}}}}\n"
        ))
    };
    assert_eq!(fired("AG-NET-008", &subnet("true")), ["Subnet"]);
    assert!(fired("AG-NET-008", &subnet("false")).is_empty());
}

#[test]
fn net_009_public_ip_on_a_network_interface() {
    let instance = |public: &str| {
        with_vpc(&format!(
            "  Box: {{Type: AWS::EC2::Instance, Properties: {{ImageId: ami-1, NetworkInterfaces: [{{DeviceIndex: '0', SubnetId: subnet-1, AssociatePublicIpAddress: {public}}}]}}}}\n"
        ))
    };
    assert_eq!(fired("AG-NET-009", &instance("true")), ["Box"]);
    assert!(fired("AG-NET-009", &instance("false")).is_empty());
}

#[test]
fn net_010_hard_coded_zone() {
    let subnet = |zone: &str| {
        with_vpc(&format!(
            "  Subnet: {{Type: AWS::EC2::Subnet, Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24, AvailabilityZone: {zone}}}}}\n"
        ))
    };
    assert_eq!(
        fired("AG-NET-010", &subnet("!Sub '${AWS::Region}c'")),
        ["Subnet"]
    );
    assert_eq!(fired("AG-NET-010", &subnet("eu-west-1a")), ["Subnet"]);
    assert!(fired("AG-NET-010", &subnet("!Select [2, !GetAZs '']")).is_empty());
}

fn group(ingress: &str, egress: &str) -> String {
    with_vpc(&format!(
        "  Sg:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: test
      VpcId: !Ref Vpc
      SecurityGroupIngress: [{ingress}]
      SecurityGroupEgress: [{egress}]
  Other:
    Type: AWS::EC2::SecurityGroup
    Properties:
      GroupDescription: other
      VpcId: !Ref Vpc
      SecurityGroupEgress: [{{CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}}]
"
    ))
}

const HTTPS_OUT: &str = "{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}";

#[test]
fn sg_001_ingress_from_anywhere() {
    let open = group(
        "{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 0.0.0.0/0}",
        HTTPS_OUT,
    );
    assert_eq!(fired("AG-SG-001", &open), ["Sg"]);
    let open6 = group(
        "{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIpv6: '::/0'}",
        HTTPS_OUT,
    );
    assert_eq!(fired("AG-SG-001", &open6), ["Sg"]);
    let vpc_only = group(
        "{IpProtocol: tcp, FromPort: 22, ToPort: 22, CidrIp: 10.0.0.0/16}",
        HTTPS_OUT,
    );
    assert!(fired("AG-SG-001", &vpc_only).is_empty());
}

#[test]
fn sg_002_group_without_explicit_egress() {
    let bad = with_vpc(
        "  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: test, VpcId: !Ref Vpc}}\n",
    );
    assert_eq!(fired("AG-SG-002", &bad), ["Sg"]);
    // An egress rule of its own resource counts as explicit, and so does the no-traffic rule.
    let separate = format!(
        "{bad}  Out: {{Type: AWS::EC2::SecurityGroupEgress, Properties: {{GroupId: !GetAtt Sg.GroupId, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}}}}\n"
    );
    assert!(fired("AG-SG-002", &separate).is_empty());
    assert!(fired("AG-SG-002", &group(HTTPS_OUT, HTTPS_OUT)).is_empty());
    // "if you do not add egress rules, we add egress rules that allow all outbound IPv4 and
    // IPv6 traffic": an empty list adds none.
    let empty = with_vpc(
        "  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: test, VpcId: !Ref Vpc, SecurityGroupEgress: []}}\n",
    );
    assert_eq!(fired("AG-SG-002", &empty), ["Sg"]);
}

#[test]
fn sg_005_egress_only_from_separate_resources() {
    let inline_none = with_vpc(
        "  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: test, VpcId: !Ref Vpc}}
  Out: {Type: AWS::EC2::SecurityGroupEgress, Properties: {GroupId: !GetAtt Sg.GroupId, IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 10.0.0.0/16}}
",
    );
    assert_eq!(fired("AG-SG-005", &inline_none), ["Sg"]);
    // Inline egress replaces the default for certain, and a separate rule may add to it.
    let inline = inline_none.replace(
        "VpcId: !Ref Vpc}",
        "VpcId: !Ref Vpc, SecurityGroupEgress: [{CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}]}",
    );
    assert!(fired("AG-SG-005", &inline).is_empty());
    assert!(fired("AG-SG-005", &group(HTTPS_OUT, HTTPS_OUT)).is_empty());
}

#[test]
fn sg_003_egress_anywhere_on_all_ports() {
    let all = group(HTTPS_OUT, "{IpProtocol: '-1', CidrIp: 0.0.0.0/0}");
    assert_eq!(fired("AG-SG-003", &all), ["Sg"]);
    let all_tcp = group(
        HTTPS_OUT,
        "{IpProtocol: tcp, FromPort: 0, ToPort: 65535, CidrIp: 0.0.0.0/0}",
    );
    assert_eq!(fired("AG-SG-003", &all_tcp), ["Sg"]);
    let https = group(
        HTTPS_OUT,
        "{IpProtocol: tcp, FromPort: 443, ToPort: 443, CidrIp: 0.0.0.0/0}",
    );
    assert!(fired("AG-SG-003", &https).is_empty());
}

#[test]
fn sg_004_all_protocols_between_groups() {
    let all = group(
        "{IpProtocol: '-1', SourceSecurityGroupId: !GetAtt Other.GroupId}",
        HTTPS_OUT,
    );
    assert_eq!(fired("AG-SG-004", &all), ["Sg"]);
    let https = group(
        "{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !GetAtt Other.GroupId}",
        HTTPS_OUT,
    );
    assert!(fired("AG-SG-004", &https).is_empty());
}

fn endpoint(extra: &str) -> String {
    group(
        "{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !GetAtt Other.GroupId}",
        "{CidrIp: 255.255.255.255/32, IpProtocol: icmp, FromPort: 252, ToPort: 86}",
    ) + &format!(
        "  Sts:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.sts
      VpcEndpointType: Interface
      VpcId: !Ref Vpc
      SubnetIds: [subnet-1]
{extra}"
    )
}

const GOOD_ENDPOINT: &str = "      PrivateDnsEnabled: true
      SecurityGroupIds: [!GetAtt Sg.GroupId]
      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sts:*', Resource: '*', Condition: {StringEquals: {'aws:PrincipalAccount': !Ref AWS::AccountId}}}]}
";

#[test]
fn ep_001_interface_endpoint_without_private_dns() {
    let off =
        endpoint(&GOOD_ENDPOINT.replace("PrivateDnsEnabled: true", "PrivateDnsEnabled: false"));
    assert_eq!(fired("AG-EP-001", &off), ["Sts"]);
    let unset = endpoint(&GOOD_ENDPOINT.replace("      PrivateDnsEnabled: true\n", ""));
    assert_eq!(
        fired("AG-EP-001", &unset),
        ["Sts"],
        "CloudFormation's default is off"
    );
    assert!(fired("AG-EP-001", &endpoint(GOOD_ENDPOINT)).is_empty());
    // An endpoint service of your own has no AWS private DNS name to turn on.
    let own = off.replace(
        "!Sub com.amazonaws.${AWS::Region}.sts",
        "com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0",
    );
    assert!(fired("AG-EP-001", &own).is_empty());
}

#[test]
fn ep_002_endpoint_group_must_admit_only_the_vpc() {
    let none =
        endpoint(&GOOD_ENDPOINT.replace("      SecurityGroupIds: [!GetAtt Sg.GroupId]\n", ""));
    assert_eq!(fired("AG-EP-002", &none), ["Sts"]);
    let outside = endpoint(GOOD_ENDPOINT).replace(
        "SourceSecurityGroupId: !GetAtt Other.GroupId",
        "CidrIp: 192.168.0.0/16",
    );
    assert_eq!(fired("AG-EP-002", &outside), ["Sts"]);
    let vpc_block = endpoint(GOOD_ENDPOINT).replace(
        "SourceSecurityGroupId: !GetAtt Other.GroupId",
        "CidrIp: 10.0.0.0/16",
    );
    assert!(fired("AG-EP-002", &vpc_block).is_empty());
    assert!(fired("AG-EP-002", &endpoint(GOOD_ENDPOINT)).is_empty());
}

#[test]
fn ep_003_endpoint_policy_star_on_star_or_none() {
    let star = endpoint(&GOOD_ENDPOINT.replace(
        "Action: 'sts:*', Resource: '*', Condition: {StringEquals: {'aws:PrincipalAccount': !Ref AWS::AccountId}}",
        "Action: '*', Resource: '*'",
    ));
    assert_eq!(fired("AG-EP-003", &star), ["Sts"]);
    let none = endpoint(&GOOD_ENDPOINT.replace(
        "      PolicyDocument: {Statement: [{Effect: Allow, Principal: '*', Action: 'sts:*', Resource: '*', Condition: {StringEquals: {'aws:PrincipalAccount': !Ref AWS::AccountId}}}]}\n",
        "",
    ));
    assert_eq!(fired("AG-EP-003", &none), ["Sts"]);
    let star_in_account = endpoint(&GOOD_ENDPOINT.replace("Action: 'sts:*'", "Action: '*'"));
    assert!(
        fired("AG-EP-003", &star_in_account).is_empty(),
        "a condition narrows * on *"
    );
    // The notebook endpoint takes no policy at all, so having none is no finding.
    let notebook = none.replace(
        "com.amazonaws.${AWS::Region}.sts",
        "aws.sagemaker.${AWS::Region}.notebook",
    );
    assert!(fired("AG-EP-003", &notebook).is_empty());
    assert!(fired("AG-EP-003", &endpoint(GOOD_ENDPOINT)).is_empty());
}

fn s3_gateway(route_tables: &str) -> String {
    with_vpc(&format!(
        "  Subnet1: {{Type: AWS::EC2::Subnet, Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}}}}
  Subnet2: {{Type: AWS::EC2::Subnet, Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.1.0/24}}}}
  Rt1: {{Type: AWS::EC2::RouteTable, Properties: {{VpcId: !Ref Vpc}}}}
  Rt2: {{Type: AWS::EC2::RouteTable, Properties: {{VpcId: !Ref Vpc}}}}
  A1: {{Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {{SubnetId: !Ref Subnet1, RouteTableId: !Ref Rt1}}}}
  A2: {{Type: AWS::EC2::SubnetRouteTableAssociation, Properties: {{SubnetId: !Ref Subnet2, RouteTableId: !Ref Rt2}}}}
  S3:
    Type: AWS::EC2::VPCEndpoint
    Properties:
      ServiceName: !Sub com.amazonaws.${{AWS::Region}}.s3
      VpcId: !Ref Vpc
      RouteTableIds: [{route_tables}]
      PolicyDocument: {{Statement: [{{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'}}]}}
"
    ))
}

#[test]
fn ep_004_s3_gateway_endpoint_on_every_private_route_table() {
    assert_eq!(fired("AG-EP-004", &s3_gateway("!Ref Rt1")), ["Rt2"]);
    assert!(fired("AG-EP-004", &s3_gateway("!Ref Rt1, !Ref Rt2")).is_empty());
    // A route table made under a condition is listed under the same condition.
    let conditional = s3_gateway("!Ref Rt1, !If [HasZone2, !Ref Rt2, !Ref 'AWS::NoValue']");
    assert!(fired("AG-EP-004", &conditional).is_empty());
}

fn flow_log(retention: &str) -> String {
    with_vpc(&format!(
        "  Logs: {{Type: AWS::Logs::LogGroup, Properties: {{{retention}}}}}
  Flow: {{Type: AWS::EC2::FlowLog, Properties: {{ResourceId: !Ref Vpc, ResourceType: VPC, TrafficType: ALL, LogGroupName: !Ref Logs, DeliverLogsPermissionArn: arn:aws:iam::1:role/r}}}}
"
    ))
}

#[test]
fn log_001_vpc_without_flow_logs() {
    assert_eq!(fired("AG-LOG-001", &with_vpc("")), ["Vpc"]);
    assert!(fired("AG-LOG-001", &flow_log("RetentionInDays: 365")).is_empty());
}

#[test]
fn log_002_flow_log_group_without_retention() {
    assert_eq!(fired("AG-LOG-002", &flow_log("")), ["Logs"]);
    assert!(fired("AG-LOG-002", &flow_log("RetentionInDays: 365")).is_empty());
}

const NOTEBOOK_OK: &str = "  Notebook:
    Type: AWS::SageMaker::NotebookInstance
    Properties:
      InstanceType: ml.t3.medium
      RoleArn: arn:aws:iam::1:role/r
      SubnetId: subnet-1
      SecurityGroupIds: [sg-1]
      DirectInternetAccess: Disabled
      RootAccess: Disabled
      KmsKeyId: alias/notebooks
";

fn notebook_without(line: &str) -> String {
    with_vpc(&NOTEBOOK_OK.replace(&format!("      {line}\n"), ""))
}

const DOMAIN_OK: &str = "  Studio:
    Type: AWS::SageMaker::Domain
    Properties:
      DomainName: studio
      AuthMode: IAM
      DefaultUserSettings: {ExecutionRole: arn:aws:iam::1:role/r}
      VpcId: !Ref Vpc
      SubnetIds: [subnet-1]
      AppNetworkAccessType: VpcOnly
      KmsKeyId: alias/studio
";

#[test]
fn sm_001_sagemaker_outside_the_vpc() {
    assert_eq!(
        fired("AG-SM-001", &notebook_without("SubnetId: subnet-1")),
        ["Notebook"]
    );
    let domain = with_vpc(&DOMAIN_OK.replace("      VpcId: !Ref Vpc\n", ""));
    assert_eq!(fired("AG-SM-001", &domain), ["Studio"]);
    assert!(fired("AG-SM-001", &with_vpc(&format!("{NOTEBOOK_OK}{DOMAIN_OK}"))).is_empty());
}

#[test]
fn sm_002_direct_internet_access() {
    assert_eq!(
        fired(
            "AG-SM-002",
            &notebook_without("DirectInternetAccess: Disabled")
        ),
        ["Notebook"],
        "the default is Enabled"
    );
    let public = with_vpc(&DOMAIN_OK.replace("VpcOnly", "PublicInternetOnly"));
    assert_eq!(fired("AG-SM-002", &public), ["Studio"]);
    assert!(fired("AG-SM-002", &with_vpc(&format!("{NOTEBOOK_OK}{DOMAIN_OK}"))).is_empty());
}

#[test]
fn sm_003_notebook_root_access() {
    assert_eq!(
        fired("AG-SM-003", &notebook_without("RootAccess: Disabled")),
        ["Notebook"]
    );
    assert!(fired("AG-SM-003", &with_vpc(NOTEBOOK_OK)).is_empty());
}

#[test]
fn sm_004_sagemaker_storage_without_kms_key() {
    assert_eq!(
        fired("AG-SM-004", &notebook_without("KmsKeyId: alias/notebooks")),
        ["Notebook"]
    );
    let domain = with_vpc(&DOMAIN_OK.replace("      KmsKeyId: alias/studio\n", ""));
    assert_eq!(fired("AG-SM-004", &domain), ["Studio"]);
    assert!(fired("AG-SM-004", &with_vpc(&format!("{NOTEBOOK_OK}{DOMAIN_OK}"))).is_empty());
}

fn key_policy(effect: &str, operator: &str) -> String {
    with_vpc(&format!(
        "  Key:
    Type: AWS::KMS::Key
    Properties:
      KeyPolicy:
        Statement:
          - Effect: {effect}
            Principal: {{AWS: !Sub 'arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:root'}}
            Action: 'kms:Decrypt'
            Resource: '*'
            Condition: {{{operator}: {{'aws:sourceVpce': vpce-1}}}}
"
    ))
}

#[test]
fn iam_001_allow_with_string_not_equals_source_vpce() {
    assert_eq!(
        fired("AG-IAM-001", &key_policy("Allow", "StringNotEquals")),
        ["Key"]
    );
    assert!(fired("AG-IAM-001", &key_policy("Deny", "StringNotEquals")).is_empty());
    assert!(fired("AG-IAM-001", &key_policy("Allow", "StringEquals")).is_empty());
}

fn bucket_policy(condition: &str) -> String {
    with_vpc(&format!(
        "  Policy:
    Type: AWS::S3::BucketPolicy
    Properties:
      Bucket: b
      PolicyDocument: {{Statement: [{{Effect: Allow, Principal: '*', Action: 's3:GetObject', Resource: 'arn:aws:s3:::b/*'{condition}}}]}}
"
    ))
}

#[test]
fn iam_002_wildcard_principal_without_conditions() {
    assert_eq!(fired("AG-IAM-002", &bucket_policy("")), ["Policy"]);
    let in_vpc = bucket_policy(", Condition: {StringEquals: {'aws:SourceVpce': vpce-1}}");
    assert!(fired("AG-IAM-002", &in_vpc).is_empty());
    // In an endpoint policy `Principal: *` is the normal form: AG-EP-003 judges those.
    assert!(fired("AG-IAM-002", &s3_gateway("!Ref Rt1, !Ref Rt2")).is_empty());
}

#[test]
fn suppressions_in_metadata_are_honoured_and_reported() {
    let t = Template::from_yaml(&with_vpc(
        "  Igw:
    Type: AWS::EC2::InternetGateway
    Metadata:
      airgap:
        suppressions: [{id: AG-NET-001, reason: egress proxy VPC}]
  Nat:
    Type: AWS::EC2::NatGateway
    Metadata:
      cdk_nag:
        rules_to_suppress: [{id: AG-NET-002, reason: shared NAT}]
    Properties: {SubnetId: subnet-1}
",
    ))
    .unwrap();
    let findings = check(&t);
    let igw = findings.iter().find(|f| f.rule.id == "AG-NET-001").unwrap();
    assert_eq!(igw.suppressed.as_deref(), Some("egress proxy VPC"));
    assert!(!igw.is_blocking());
    let nat = findings.iter().find(|f| f.rule.id == "AG-NET-002").unwrap();
    assert_eq!(nat.suppressed.as_deref(), Some("shared NAT"));
    assert_eq!(igw.to_value()["suppressed"], "egress proxy VPC");
}

fn role_policy(action: &str) -> String {
    with_vpc(&format!(
        "  Role:
    Type: AWS::IAM::Role
    Properties:
      AssumeRolePolicyDocument: {{Statement: [{{Effect: Allow, Principal: {{Service: sagemaker.amazonaws.com}}, Action: 'sts:AssumeRole'}}]}}
      Policies:
        - PolicyName: read
          PolicyDocument: {{Statement: [{{Effect: Allow, Action: ['{action}'], Resource: '*'}}]}}
"
    ))
}

#[test]
fn iam_003_actions_no_service_has() {
    assert_eq!(fired("AG-IAM-003", &role_policy("s3:GetObjekt")), ["Role"]);
    let t = Template::from_yaml(&role_policy("s3:GetObjekt")).unwrap();
    let f = check(&t)
        .into_iter()
        .find(|f| f.rule.id == "AG-IAM-003")
        .unwrap();
    assert!(
        f.message.contains("did you mean `s3:GetObject`?"),
        "{}",
        f.message
    );
    assert!(fired("AG-IAM-003", &role_policy("s3:GetObject")).is_empty());
    assert!(fired("AG-IAM-003", &role_policy("s3:Get*")).is_empty());
}
