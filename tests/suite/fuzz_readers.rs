//! Property tests over everything that reads input from anyone: the template reader (JSON and
//! YAML), the policy parser, the config reader and the suppression policy reader, then the
//! checks and the review report over whatever template comes out. Whatever the bytes, each
//! returns a value or a typed error: no panic. A short budget keeps CI quick; the deep-nesting
//! and size cases, which could abort a process, are run as subprocesses in tests/suite/cli_hostile.rs.

use airgap::analysis::{SuppressionPolicy, check};
use airgap::iam::PolicyDocument;
use airgap::patterns::config::NetworkConfig;
use airgap::render::{ReportOptions, review_report};
use airgap::template::{Template, json_to_value, yaml_to_value};
use proptest::prelude::*;
use serde_json::{Map, Value, json};

fn config() -> ProptestConfig {
    ProptestConfig {
        cases: 64,
        ..ProptestConfig::default()
    }
}

/// Every reader, on `text`.
fn read_everything(text: &str) {
    let _ = Template::parse(text);
    let _ = yaml_to_value(text);
    let _ = json_to_value(text);
    let _ = PolicyDocument::from_json(text);
    let _ = NetworkConfig::from_json(text);
    let _ = SuppressionPolicy::from_json(text);
}

/// Text that looks like YAML or JSON: the characters that matter to both, in any order.
fn yamlish() -> impl Strategy<Value = String> {
    proptest::collection::vec(
        prop_oneof![
            Just("- ".to_string()),
            Just(": ".to_string()),
            Just("\n".to_string()),
            Just("  ".to_string()),
            Just("{".to_string()),
            Just("}".to_string()),
            Just("[".to_string()),
            Just("]".to_string()),
            Just(", ".to_string()),
            Just("&a ".to_string()),
            Just("*a".to_string()),
            Just("!Ref ".to_string()),
            Just("!GetAtt ".to_string()),
            Just("!If ".to_string()),
            Just("'q".to_string()),
            Just("\"".to_string()),
            Just("---\n".to_string()),
            Just("Resources".to_string()),
            Just("Type".to_string()),
            Just("Fn::ForEach::L".to_string()),
            "[a-zA-Z0-9:./]{1,8}",
        ],
        0..60,
    )
    .prop_map(|parts| parts.concat())
}

/// A JSON value of any shape, a few levels deep.
fn any_value() -> impl Strategy<Value = Value> {
    let leaf = prop_oneof![
        Just(Value::Null),
        any::<bool>().prop_map(Value::Bool),
        any::<i64>().prop_map(|n| json!(n)),
        "[ -~]{0,12}".prop_map(Value::String),
        Just(json!("0.0.0.0/0")),
        Just(json!("192.168.1.0/0")),
        Just(json!("::0/0")),
        Just(json!({"Ref": "AWS::NoValue"})),
    ];
    leaf.prop_recursive(5, 64, 6, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..6).prop_map(Value::Array),
            proptest::collection::btree_map("[A-Za-z:]{1,10}", inner.clone(), 0..6)
                .prop_map(|m| Value::Object(m.into_iter().collect())),
            inner
                .clone()
                .prop_map(|v| json!({"Fn::If": ["C", v, {"Ref": "AWS::NoValue"}]})),
        ]
    })
}

/// A template whose resources have types the rules read and properties of any shape.
fn any_template() -> impl Strategy<Value = Value> {
    let types = prop_oneof![
        Just("AWS::EC2::VPC"),
        Just("AWS::EC2::SecurityGroup"),
        Just("AWS::EC2::SecurityGroupIngress"),
        Just("AWS::EC2::Route"),
        Just("AWS::EC2::RouteTable"),
        Just("AWS::EC2::VPCEndpoint"),
        Just("AWS::EC2::Instance"),
        Just("AWS::EC2::FlowLog"),
        Just("AWS::ECS::Service"),
        Just("AWS::RDS::DBInstance"),
        Just("AWS::SageMaker::NotebookInstance"),
        Just("AWS::IAM::Role"),
        Just("AWS::S3::BucketPolicy"),
    ];
    let property = prop_oneof![
        Just("SecurityGroupIngress"),
        Just("SecurityGroupEgress"),
        Just("CidrIp"),
        Just("DestinationCidrBlock"),
        Just("RouteTableId"),
        Just("VpcId"),
        Just("PolicyDocument"),
        Just("NetworkConfiguration"),
        Just("NetworkInterfaces"),
        Just("SubnetIds"),
        Just("PubliclyAccessible"),
        Just("Policies"),
    ];
    let resource = (
        types,
        proptest::collection::vec((property, any_value()), 0..5),
        proptest::option::of(any_value()),
    )
        .prop_map(|(ty, props, metadata)| {
            let props: Map<String, Value> =
                props.into_iter().map(|(k, v)| (k.to_string(), v)).collect();
            let mut r = json!({"Type": ty, "Properties": props});
            if let Some(m) = metadata {
                r["Metadata"] = json!({"airgap": {"suppressions": m}});
            }
            r
        });
    proptest::collection::vec(resource, 1..8).prop_map(|rs| {
        let resources: Map<String, Value> = rs
            .into_iter()
            .enumerate()
            .map(|(i, r)| (format!("R{i}"), r))
            .collect();
        json!({"Resources": resources})
    })
}

proptest! {
    #![proptest_config(config())]

    #[test]
    fn random_bytes_never_panic_a_reader(bytes in proptest::collection::vec(any::<u8>(), 0..512)) {
        read_everything(&String::from_utf8_lossy(&bytes));
    }

    #[test]
    fn yaml_and_json_shaped_noise_never_panics_a_reader(text in yamlish()) {
        read_everything(&text);
    }

    #[test]
    fn checks_and_report_never_panic_on_a_template_of_any_shape(doc in any_template()) {
        if let Ok(t) = Template::from_value(&doc) {
            let _ = check(&t);
            let _ = review_report(&t, &ReportOptions::default());
            // What is read back from its own JSON and YAML is the same template.
            let again = Template::parse(&t.to_json_pretty()).expect("its own JSON reads back");
            prop_assert_eq!(again.resources.len(), t.resources.len());
            let yaml = Template::parse(&t.to_yaml()).expect("its own YAML reads back");
            prop_assert_eq!(yaml.resources.len(), t.resources.len());
        }
    }
}
