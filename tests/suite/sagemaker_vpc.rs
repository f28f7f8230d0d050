//! The example a platform engineer runs, `cargo run --example sagemaker_vpc > stack.json`:
//! its whole template, and the properties that keep the network private, asserted one by one so
//! that loosening the network fails a test even if someone accepts the new snapshot.

use crate::common;

use crate::examples::sagemaker_vpc as example;

use serde_json::{Value, json};

fn stack() -> Value {
    serde_json::from_str(&example::build().expect("the example builds")).expect("valid JSON")
}

fn resources(t: &Value) -> impl Iterator<Item = (&String, &Value)> {
    t["Resources"].as_object().expect("Resources").iter()
}

fn of_type<'a>(t: &'a Value, ty: &'a str) -> Vec<(&'a String, &'a Value)> {
    resources(t).filter(|(_, r)| r["Type"] == ty).collect()
}

/// Every string anywhere in `v`.
fn strings(v: &Value, out: &mut Vec<String>) {
    match v {
        Value::String(s) => out.push(s.clone()),
        Value::Array(a) => a.iter().for_each(|i| strings(i, out)),
        Value::Object(m) => m.values().for_each(|i| strings(i, out)),
        _ => {}
    }
}

#[test]
fn the_whole_template_matches_the_reviewed_snapshot() {
    let json = example::build().unwrap();
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sagemaker_vpc_stack", json);
    });
}

#[test]
fn two_runs_give_the_same_bytes() {
    assert_eq!(example::build().unwrap(), example::build().unwrap());
}

#[test]
fn nothing_reaches_the_internet() {
    let t = stack();
    for forbidden in [
        "AWS::EC2::InternetGateway",
        "AWS::EC2::VPCGatewayAttachment",
        "AWS::EC2::NatGateway",
        "AWS::EC2::EgressOnlyInternetGateway",
        "AWS::EC2::EIP",
        "AWS::EC2::VPNGateway",
        "AWS::EC2::TransitGatewayAttachment",
        "AWS::EC2::Route",
    ] {
        assert!(
            of_type(&t, forbidden).is_empty(),
            "{forbidden} in the template"
        );
    }
    let mut all = Vec::new();
    strings(&t["Resources"], &mut all);
    assert!(
        !all.iter().any(|s| s == "0.0.0.0/0" || s == "::/0"),
        "an open block in the template"
    );
    for (id, subnet) in of_type(&t, "AWS::EC2::Subnet") {
        assert_eq!(subnet["Properties"]["MapPublicIpOnLaunch"], false, "{id}");
    }
}

#[test]
fn the_vpc_resolves_endpoint_names_privately() {
    let t = stack();
    let vpcs = of_type(&t, "AWS::EC2::VPC");
    assert_eq!(vpcs.len(), 1);
    let p = &vpcs[0].1["Properties"];
    assert_eq!(p["CidrBlock"], "10.0.0.0/16");
    assert_eq!(p["EnableDnsSupport"], true);
    assert_eq!(p["EnableDnsHostnames"], true);
}

#[test]
fn three_private_subnets_in_three_zones_of_any_region_each_with_its_own_route_table() {
    let t = stack();
    let subnets = of_type(&t, "AWS::EC2::Subnet");
    assert_eq!(subnets.len(), 3);
    for (i, (_, s)) in subnets.iter().enumerate() {
        assert_eq!(
            s["Properties"]["AvailabilityZone"],
            json!({"Fn::Select": [i, {"Fn::GetAZs": ""}]})
        );
        assert_eq!(
            s["Properties"]["CidrBlock"],
            format!("10.0.{}.0/18", i * 64)
        );
    }
    let mut all = Vec::new();
    strings(&t, &mut all);
    assert!(
        !all.iter().any(|s| s.contains("${AWS::Region}a")),
        "hard-coded zone"
    );
    let assocs = of_type(&t, "AWS::EC2::SubnetRouteTableAssociation");
    let tables = of_type(&t, "AWS::EC2::RouteTable");
    assert_eq!(tables.len(), 3);
    let mut seen_tables: Vec<&Value> = assocs
        .iter()
        .map(|(_, a)| &a["Properties"]["RouteTableId"]["Ref"])
        .collect();
    seen_tables.dedup();
    assert_eq!(seen_tables.len(), 3, "each subnet has its own route table");
}

#[test]
fn s3_is_a_gateway_on_every_route_table_with_exactly_the_seed_policy() {
    let t = stack();
    let s3 = &t["Resources"]["S3GatewayEndpoint"]["Properties"];
    assert_eq!(s3["VpcEndpointType"], "Gateway");
    assert_eq!(
        s3["ServiceName"],
        json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.s3"})
    );
    let tables: Vec<Value> = of_type(&t, "AWS::EC2::RouteTable")
        .iter()
        .map(|(id, _)| json!({"Ref": id}))
        .collect();
    assert_eq!(s3["RouteTableIds"], Value::Array(tables));
    assert_eq!(
        s3["PolicyDocument"],
        json!({
            "Version": "2012-10-17",
            "Statement": [{
                "Sid": "Access-to-specific-bucket-only",
                "Effect": "Allow",
                "Principal": "*",
                "Action": ["s3:GetObject"],
                "Resource": [
                    {"Fn::Sub": "arn:${AWS::Partition}:s3:::my_secure_bucket"},
                    {"Fn::Sub": "arn:${AWS::Partition}:s3:::my_secure_bucket/*"}
                ]
            }]
        })
    );
}

#[test]
fn every_endpoint_has_a_policy_and_none_allows_everything() {
    let t = stack();
    let endpoints = of_type(&t, "AWS::EC2::VPCEndpoint");
    let interface: Vec<_> = endpoints
        .iter()
        .filter(|(_, e)| e["Properties"]["VpcEndpointType"] == "Interface")
        .collect();
    let services: Vec<String> = interface
        .iter()
        .map(|(_, e)| e["Properties"]["ServiceName"].to_string())
        .collect();
    for s in ["sagemaker.api", "sagemaker.runtime", ".sts", ".logs"] {
        assert!(services.iter().any(|n| n.contains(s)), "no {s} endpoint");
    }
    for (id, e) in &endpoints {
        let policy = &e["Properties"]["PolicyDocument"];
        assert!(policy.is_object(), "{id} has no policy");
        for st in policy["Statement"].as_array().unwrap() {
            let star_action = st["Action"] == "*" || st["Action"] == json!(["*"]);
            let star_resource = st["Resource"] == "*";
            assert!(
                !(star_action && star_resource) || st.get("Condition").is_some(),
                "{id} allows * on * without a condition"
            );
            if st["Resource"] == "*" {
                assert!(
                    st.get("Condition").is_some(),
                    "{id}: * resource without condition"
                );
            }
        }
    }
    for (id, e) in interface {
        let p = &e["Properties"];
        assert_eq!(p["PrivateDnsEnabled"], true, "{id}");
        assert_eq!(
            p["SubnetIds"].as_array().unwrap().len(),
            3,
            "{id} is not in every subnet"
        );
        assert_eq!(
            p["SecurityGroupIds"],
            json!([{"Fn::GetAtt": ["DataScienceEndpointsSecurityGroup", "GroupId"]}])
        );
        assert_eq!(
            p["PolicyDocument"]["Statement"][0]["Condition"],
            json!({"StringEquals": {"aws:PrincipalAccount": {"Ref": "AWS::AccountId"}}}),
            "{id} is not scoped to the account"
        );
    }
}

#[test]
fn security_groups_say_exactly_who_talks_to_whom() {
    let t = stack();
    let groups = of_type(&t, "AWS::EC2::SecurityGroup");
    assert_eq!(groups.len(), 2);
    for (id, g) in &groups {
        let egress = g["Properties"]["SecurityGroupEgress"].as_array();
        assert!(
            egress.is_some_and(|e| !e.is_empty()),
            "{id} keeps CloudFormation's allow-all egress"
        );
        for rule in egress.unwrap() {
            assert_ne!(
                rule["IpProtocol"], "-1",
                "{id} has an all-traffic egress rule"
            );
        }
    }
    let endpoints = &t["Resources"]["DataScienceEndpointsSecurityGroup"]["Properties"];
    assert!(
        endpoints.get("SecurityGroupIngress").is_none(),
        "inline ingress on the endpoint group"
    );
    assert_eq!(
        endpoints["SecurityGroupEgress"],
        json!([{"CidrIp": "255.255.255.255/32", "Description": "Disallow all traffic",
                "FromPort": 252, "IpProtocol": "icmp", "ToPort": 86}]),
        "the endpoint group sends nothing"
    );
    let ingress = of_type(&t, "AWS::EC2::SecurityGroupIngress");
    assert_eq!(ingress.len(), 1);
    let rule = &ingress[0].1["Properties"];
    assert_eq!(
        rule["GroupId"]["Fn::GetAtt"][0],
        "DataScienceEndpointsSecurityGroup"
    );
    assert_eq!(
        rule["SourceSecurityGroupId"]["Fn::GetAtt"][0],
        "DataScienceWorkloadsSecurityGroup"
    );
    assert_eq!(
        (&rule["IpProtocol"], &rule["FromPort"], &rule["ToPort"]),
        (&json!("tcp"), &json!(443), &json!(443))
    );
    let egress = of_type(&t, "AWS::EC2::SecurityGroupEgress");
    assert_eq!(egress.len(), 1);
    let rule = &egress[0].1["Properties"];
    assert_eq!(
        rule["GroupId"]["Fn::GetAtt"][0],
        "DataScienceWorkloadsSecurityGroup"
    );
    assert_eq!(
        rule["DestinationSecurityGroupId"]["Fn::GetAtt"][0],
        "DataScienceEndpointsSecurityGroup"
    );
    assert_eq!(rule["FromPort"], 443);
    let workloads = &t["Resources"]["DataScienceWorkloadsSecurityGroup"]["Properties"];
    assert_eq!(
        workloads["SecurityGroupEgress"],
        json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443,
                "DestinationPrefixListId": {"Ref": "S3PrefixListId"},
                "Description": "HTTPS to S3 through the gateway endpoint"}])
    );
    assert_eq!(t["Parameters"]["S3PrefixListId"]["Type"], "String");
}

#[test]
fn flow_logs_go_to_an_encrypted_retained_group() {
    let t = stack();
    let r = &t["Resources"];
    let flow = &r["DataScienceFlowLog"]["Properties"];
    assert_eq!(flow["ResourceId"], json!({"Ref": "DataScienceVpc"}));
    assert_eq!(flow["TrafficType"], "ALL");
    let group = &r["DataScienceFlowLogGroup"];
    assert_eq!(group["Properties"]["RetentionInDays"], 365);
    assert_eq!(
        group["Properties"]["KmsKeyId"],
        json!({"Fn::GetAtt": ["DataScienceFlowLogKey", "Arn"]})
    );
    for id in ["DataScienceFlowLogGroup", "DataScienceFlowLogKey"] {
        assert_eq!(r[id]["DeletionPolicy"], "Retain", "{id}");
        assert_eq!(r[id]["UpdateReplacePolicy"], "Retain", "{id}");
    }
    let key = &r["DataScienceFlowLogKey"]["Properties"];
    assert_eq!(key["EnableKeyRotation"], true);
    let statements = key["KeyPolicy"]["Statement"].as_array().unwrap();
    let users: Vec<&Value> = statements
        .iter()
        .filter(|s| {
            s["Action"]
                .as_array()
                .unwrap()
                .iter()
                .any(|a| a == "kms:Decrypt*" || a == "kms:GenerateDataKey*")
        })
        .collect();
    assert_eq!(users.len(), 1, "only one statement may use the key");
    assert_eq!(
        users[0]["Principal"],
        json!({"Service": {"Fn::Sub": "logs.${AWS::Region}.${AWS::URLSuffix}"}})
    );
    assert_eq!(
        users[0]["Condition"]["ArnLike"]["kms:EncryptionContext:aws:logs:arn"],
        json!({"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"})
    );
    let role = &r["DataScienceFlowLogRole"]["Properties"];
    assert_eq!(
        role["AssumeRolePolicyDocument"]["Statement"][0]["Principal"],
        json!({"Service": "vpc-flow-logs.amazonaws.com"})
    );
}

#[test]
fn outputs_export_what_a_notebook_product_imports() {
    let t = stack();
    let outputs = t["Outputs"].as_object().unwrap();
    for name in [
        "VpcId",
        "Subnet1Id",
        "Subnet2Id",
        "Subnet3Id",
        "SubnetIds",
        "WorkloadSecurityGroupId",
        "EndpointSecurityGroupId",
        "S3EndpointId",
    ] {
        assert_eq!(
            outputs[name]["Export"]["Name"],
            json!({"Fn::Sub": format!("${{AWS::StackName}}-{name}")}),
            "{name}"
        );
    }
    let subnets: Vec<Value> = (1..=3)
        .map(|n| json!({"Ref": format!("DataSciencePrivateSubnet{n}")}))
        .collect();
    assert_eq!(
        outputs["SubnetIds"]["Value"],
        json!({"Fn::Join": [",", subnets]})
    );
    let tables: Vec<Value> = (1..=3)
        .map(|n| json!({"Ref": format!("DataSciencePrivateSubnet{n}RouteTable")}))
        .collect();
    assert_eq!(
        outputs["RouteTableIds"]["Value"],
        json!({"Fn::Join": [",", tables]})
    );
}

#[test]
fn every_resource_that_takes_tags_has_a_name_and_the_user_tags() {
    let t = stack();
    let untaggable = [
        "AWS::EC2::SubnetRouteTableAssociation",
        "AWS::EC2::SecurityGroupIngress",
        "AWS::EC2::SecurityGroupEgress",
    ];
    for (id, r) in resources(&t) {
        if untaggable.contains(&r["Type"].as_str().unwrap()) {
            continue;
        }
        let tags = r["Properties"]["Tags"]
            .as_array()
            .unwrap_or_else(|| panic!("{id} has no tags"));
        assert_eq!(tags[0]["Key"], "Name", "{id}");
        assert!(
            tags.iter()
                .any(|t| t["Key"] == "Project" && t["Value"] == "data-science"),
            "{id}"
        );
    }
}

#[test]
fn cfn_lint_finds_nothing() {
    common::cfn_lint(&[("sagemaker_vpc.json".into(), example::build().unwrap())]);
}

#[test]
fn checkov_fails_no_check() {
    if let Some(failed) =
        common::checkov_failures("sagemaker_vpc_checkov.json", &example::build().unwrap())
    {
        assert!(failed.is_empty(), "checkov failed: {failed:#?}");
    }
}

#[test]
fn aws_offline_validator_reports_nothing_above_info() {
    if let Some(diags) =
        common::cloudformation_validate("sagemaker_vpc_cfv.json", &example::build().unwrap())
    {
        assert!(diags.is_empty(), "cloudformation-validate: {diags:#?}");
    }
}
