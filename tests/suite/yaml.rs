//! The YAML form of templates: it reads back as the same template as the JSON form, through
//! readers that share no code with the writer, and both forms lint clean with cfn-lint.

use crate::common;

use crate::examples::sagemaker_vpc as example;

use airgap::patterns::config::NetworkConfig;
use airgap::template::{Output, Parameter, Resource, Synthesized, Template};
use indexmap::IndexMap;
use serde_json::{Value, json};

/// The example's template. The example prints JSON; the same network in its config form (the
/// one `airgap synth --bucket my_secure_bucket --tag Project=data-science` builds) is checked to
/// be byte for byte the example's, and gives the template whose YAML is tested.
fn example_synth() -> Synthesized {
    let mut config = NetworkConfig::default();
    config.buckets.push("my_secure_bucket".into());
    config.tags.insert("Project".into(), "data-science".into());
    let synth = config.synth().expect("the example's network builds");
    assert_eq!(
        synth.to_json_pretty(),
        example::build().unwrap(),
        "the config form is no longer the example's network"
    );
    synth
}

/// Strings that a careless writer would let YAML read as something else.
const AWKWARD: [&str; 40] = [
    "true",
    "False",
    "yes",
    "no",
    "On",
    "off",
    "y",
    "n",
    "null",
    "~",
    "",
    "443",
    "-1",
    "+1",
    "0x1F",
    "0o17",
    "1e3",
    "1_000",
    ".inf",
    "-.Inf",
    ".NaN",
    "2010-09-09",
    "12:30:00",
    "- dash",
    "key: value",
    "a #hash",
    "ends with colon:",
    " leading",
    "trailing ",
    "'single'",
    "\"double\"",
    "%percent",
    "@at",
    "`tick`",
    "*star",
    "&anchor",
    "!bang",
    "|pipe",
    ">fold",
    "#hash",
];

const AWKWARD_TOO: [&str; 9] = [
    "multi\nline",
    "tab\there",
    "ünïcödé ✓",
    "{braces}",
    "[brackets]",
    "comma, here",
    "back\\slash",
    "<<",
    "$ {not: a Sub}",
];

/// A template that uses every intrinsic function with a short form, and awkward strings,
/// numbers and nesting in places CloudFormation leaves free.
fn every_form() -> Template {
    let mut t = Template {
        description: Some("Every short form: !Ref, !GetAtt, !Sub, ... and quoting".into()),
        ..Template::default()
    };
    let mut awkward = serde_json::Map::new();
    for (i, s) in AWKWARD.iter().chain(AWKWARD_TOO.iter()).enumerate() {
        awkward.insert(format!("S{i}"), json!(s));
    }
    t.metadata.insert("Awkward".into(), Value::Object(awkward));
    t.metadata.insert(
        "Shapes".into(),
        json!({"Negative": -7, "Empty": {}, "None": [],
               "Nested": [[1, [2, []]], [{"a": {}}], {"b": [{"c": "d"}]}], "true": "key that is a bool word"}),
    );
    t.parameters.insert(
        "Env".into(),
        Parameter {
            allowed_values: vec![json!("yes"), json!("no")],
            ..Parameter::new("String")
                .description("yes or no: a parameter whose values YAML would read as booleans")
                .default_value("yes")
        },
    );
    t.mappings.insert(
        "Names".into(),
        json!({"us-east-1": {"Suffix": "use1"}, "eu-west-1": {"Suffix": "euw1"}}),
    );
    t.conditions.insert(
        "IsYes".into(),
        json!({"Fn::Equals": [{"Ref": "Env"}, "yes"]}),
    );
    t.conditions.insert(
        "IsYesOutsideVirginia".into(),
        json!({"Fn::And": [{"Condition": "IsYes"},
                           {"Fn::Not": [{"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}]}]}),
    );
    t.conditions.insert(
        "IsEither".into(),
        json!({"Fn::Or": [{"Condition": "IsYes"}, {"Condition": "IsYesOutsideVirginia"}]}),
    );
    t.resources.insert(
        "Vpc".into(),
        Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"),
    );
    t.resources.insert(
        "Subnet".into(),
        Resource::new("AWS::EC2::Subnet")
            .property("VpcId", json!({"Ref": "Vpc"}))
            .property(
                "CidrBlock",
                json!({"Fn::Select": [0, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 2, 8]}]}),
            )
            .property(
                "AvailabilityZone",
                json!({"Fn::Select": [0, {"Fn::GetAZs": {"Ref": "AWS::Region"}}]}),
            ),
    );
    t.resources.insert(
        "Topic".into(),
        Resource::new("AWS::SNS::Topic")
            .property(
                "DisplayName",
                json!({"Fn::If": ["IsYes", {"Fn::Sub": "${AWS::StackName}: yes"}, {"Ref": "AWS::NoValue"}]}),
            )
            .property(
                "Tags",
                json!([
                    {"Key": "Join", "Value": {"Fn::Join": [",", [{"Ref": "Vpc"}, "a:b", "${X}", "plain"]]}},
                    {"Key": "Split", "Value": {"Fn::Select": [1, {"Fn::Split": [",", "a,b,c"]}]}},
                    {"Key": "Base64", "Value": {"Fn::Base64": "hello"}},
                    {"Key": "Import", "Value": {"Fn::ImportValue": {"Fn::Sub": "${AWS::StackName}-network-VpcId"}}},
                    {"Key": "SubVars", "Value": {"Fn::Sub": ["${A}-${B}", {"A": {"Ref": "Vpc"}, "B": {"Fn::GetAtt": ["Subnet", "AvailabilityZone"]}}]}},
                    {"Key": "Map", "Value": {"Fn::FindInMap": ["Names", {"Ref": "AWS::Region"}, "Suffix"]}},
                    {"Key": "Long", "Value": {"Fn::Join": ["-", [
                        {"Fn::Sub": "${AWS::StackName}-a-rather-long-part"},
                        {"Fn::Sub": "${AWS::Region}-another-rather-long-part"},
                        {"Fn::Sub": "${AWS::AccountId}-and-a-third"}]]}}
                ]),
            ),
    );
    let mut outputs = IndexMap::new();
    outputs.insert(
        "TopicArn".into(),
        Output {
            description: Some("The topic: 'quoted', #hashed".into()),
            value: json!({"Ref": "Topic"}),
            export_name: Some(json!({"Fn::Sub": "${AWS::StackName}-TopicArn"})),
            condition: Some("IsEither".into()),
        },
    );
    t.outputs = outputs;
    t
}

fn forms(name: &str, t: &Template) -> (String, String, Value) {
    (format!("{name}.yaml"), t.to_yaml(), t.to_value())
}

#[test]
fn the_example_in_yaml_matches_the_reviewed_snapshot() {
    let yaml = example_synth().to_yaml();
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sagemaker_vpc_stack_yaml", yaml);
    });
}

#[test]
fn yaml_reads_back_as_the_json_form() {
    let example = example_synth().into_template();
    common::assert_yaml_reads_back(&[
        forms("example", &example),
        forms("every_form", &every_form()),
    ]);
}

#[test]
fn both_forms_lint_clean() {
    let example = example_synth().into_template();
    let every = every_form();
    common::cfn_lint(&[
        ("example.json".into(), example.to_json_pretty()),
        ("example.yaml".into(), example.to_yaml()),
        ("every_form.json".into(), every.to_json_pretty()),
        ("every_form.yaml".into(), every.to_yaml()),
    ]);
}

#[test]
fn yaml_uses_the_short_forms_people_write() {
    let yaml = example_synth().to_yaml();
    for expected in [
        "AWSTemplateFormatVersion: \"2010-09-09\"\n",
        "      VpcId: !Ref DataScienceVpc\n",
        "      AvailabilityZone: !Select [0, !GetAZs \"\"]\n",
        "        - !GetAtt DataScienceEndpointsSecurityGroup.GroupId\n",
        "          Value: !Sub ${AWS::StackName}-data-science-vpc\n",
        "      ServiceName: !If\n        - IsChinaPartition\n",
        "        Version: \"2012-10-17\"\n",
        "            Principal: \"*\"\n",
    ] {
        assert!(yaml.contains(expected), "no {expected:?} in:\n{yaml}");
    }
    assert!(
        !yaml.contains("Fn::"),
        "a long form where a short one would do"
    );
    let every = every_form().to_yaml();
    assert!(every.contains(
        "          Value:\n            Fn::ImportValue: !Sub ${AWS::StackName}-network-VpcId\n"
    ));
    assert!(
        every.contains("  IsEither: !Or [!Condition IsYes, !Condition IsYesOutsideVirginia]\n")
    );
    assert!(every.contains(
        "AvailabilityZone: !Select\n        - 0\n        - Fn::GetAZs: !Ref AWS::Region\n"
    ));
}

#[test]
fn two_runs_give_the_same_yaml() {
    assert_eq!(example_synth().to_yaml(), example_synth().to_yaml());
}
