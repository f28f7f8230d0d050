//! `airgap diff` and `template::diff`: what a new version of the network does to the stacks
//! already running, each case read from JSON and from YAML.
//!
//! The AWS rules the verdicts rest on, quoted from AWS's documentation:
//! - "Update behaviors of stack resources": on *Replacement*, "CloudFormation recreates the
//!   resource during an update, which also generates a new physical ID", and it "then deletes
//!   the old resource". Which property forces it comes from the resource schemas'
//!   `createOnlyProperties` (the table is generated from cfn-lint's copy of them; the official
//!   schema of one type is checked against it below).
//! - `Fn::ImportValue`: "You can't modify or remove an output value that is referenced by
//!   another stack."
//! - `UpdateReplacePolicy`: "By default, CloudFormation then deletes the old resource. Using the
//!   UpdateReplacePolicy, you can specify that CloudFormation retain or, in some cases, create a
//!   snapshot of the old resource."

use std::path::PathBuf;
use std::process::Command;

use airgap::iam::{Arn, PolicyDocument, Statement};
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::template::{Parameter, ResourceAction, Stack, Template, TemplateDiff, diff};
use serde_json::Value;

fn network(build: impl FnOnce(SecureSageMakerNetwork) -> SecureSageMakerNetwork) -> Template {
    let mut stack = Stack::new("Network");
    build(SecureSageMakerNetwork::new("DataScience"))
        .add_to(&mut stack)
        .expect("the network builds");
    stack
        .synth()
        .expect("the network synthesizes")
        .into_template()
}

fn standard() -> Template {
    network(|n| n)
}

fn bucket_policy(bucket: &str) -> PolicyDocument {
    PolicyDocument::new().statement(
        Statement::allow()
            .any_principal()
            .action("s3:GetObject")
            .resources([Arn::s3_objects(bucket).expect("a bucket name")]),
    )
}

/// What one case gives, read from one format.
struct Verdict {
    library: TemplateDiff,
    cli: Value,
    code: i32,
}

fn scratch(name: &str, body: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("diff");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write template");
    path
}

fn airgap_diff(old: &PathBuf, new: &PathBuf, extra: &[&str]) -> (Value, i32) {
    let out = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args(["diff", "--format", "json"])
        .args(extra)
        .arg(old)
        .arg(new)
        .output()
        .expect("run airgap");
    let text = String::from_utf8(out.stdout).expect("UTF-8");
    let json = serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (json, out.status.code().expect("exited"))
}

/// Runs the case over JSON files and over YAML files, through the library and the CLI, and
/// checks that both readings agree before handing each to `assert`.
fn each_format(
    case: &str,
    old: &Template,
    new: &Template,
    extra: &[&str],
    assert: impl Fn(&Verdict),
) {
    let mut verdicts = Vec::new();
    for (ext, old_text, new_text) in [
        ("json", old.to_json_pretty(), new.to_json_pretty()),
        ("yaml", old.to_yaml(), new.to_yaml()),
    ] {
        let read = |t: &str| {
            if ext == "json" {
                Template::from_json(t)
            } else {
                Template::from_yaml(t)
            }
            .expect("the template reads back")
        };
        let library = diff(&read(&old_text), &read(&new_text));
        let old_path = scratch(&format!("{case}-old.{ext}"), &old_text);
        let new_path = scratch(&format!("{case}-new.{ext}"), &new_text);
        let (cli, code) = airgap_diff(&old_path, &new_path, extra);
        let verdict = Verdict { library, cli, code };
        assert(&verdict);
        verdicts.push(verdict);
    }
    assert_eq!(
        verdicts[0].library, verdicts[1].library,
        "JSON and YAML read alike"
    );
}

fn action(v: &Verdict, id: &str) -> Option<ResourceAction> {
    v.library
        .resources
        .iter()
        .find(|r| r.logical_id == id)
        .map(|r| r.action)
}

fn risk_ids(v: &Verdict) -> Vec<String> {
    v.cli["risks"]
        .as_array()
        .expect("risks")
        .iter()
        .map(|r| r["id"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn a_new_cidr_block_replaces_the_vpc_and_everything_in_it_and_exits_1() {
    let new = network(|n| n.cidr("10.1.0.0/16"));
    each_format("cidr", &standard(), &new, &[], |v| {
        assert_eq!(v.code, 1);
        let vpc = &v.library.resources[0];
        assert_eq!(vpc.logical_id, "DataScienceVpc");
        assert_eq!(vpc.action, ResourceAction::Replaced);
        assert_eq!(vpc.causes, ["CidrBlock changes; it is create-only"]);
        assert_eq!(vpc.properties[0].path, "CidrBlock");
        assert_eq!(vpc.properties[0].new, Some("10.1.0.0/16".into()));
        // The subnets' own blocks change; route tables, security groups and the flow log name
        // the VPC in a create-only property, so they are replaced with it.
        for id in [
            "DataSciencePrivateSubnet1",
            "DataSciencePrivateSubnet1RouteTable",
            "DataScienceWorkloadsSecurityGroup",
            "DataScienceFlowLog",
            "SagemakerApiEndpoint",
        ] {
            assert_eq!(action(v, id), Some(ResourceAction::Replaced), "{id}");
        }
        let table = v
            .library
            .resources
            .iter()
            .find(|r| r.logical_id == "DataSciencePrivateSubnet1RouteTable")
            .unwrap();
        assert_eq!(
            table.causes,
            ["VpcId is create-only and refers to DataScienceVpc, which is replaced"]
        );
        let risks = risk_ids(v);
        assert!(risks.contains(&"DataScienceVpc".to_string()), "{risks:?}");
        // The exported VPC ID changes with it: an importing stack blocks the update.
        assert!(risks.contains(&"VpcId".to_string()), "{risks:?}");
        // Log group and key are not touched: they keep the audit data.
        assert_eq!(action(v, "DataScienceFlowLogGroup"), None);
        assert_eq!(action(v, "DataScienceFlowLogKey"), None);
    });
}

/// A resource the update adds is created, whatever it refers to: "Replacement" is for a resource
/// that exists ("CloudFormation recreates the resource ... then deletes the old resource"), and a
/// new one has no old resource. The diff once reported a subnet added to a replaced VPC as
/// replaced, its old one deleted, and counted it as a risk.
#[test]
fn a_subnet_added_to_a_replaced_vpc_is_created_not_replaced() {
    let old = standard();
    let new = network(|n| n.cidr("10.1.0.0/16").zones(4));
    each_format("added-to-replaced", &old, &new, &[], |v| {
        assert_eq!(action(v, "DataScienceVpc"), Some(ResourceAction::Replaced));
        assert_eq!(
            action(v, "DataSciencePrivateSubnet4"),
            Some(ResourceAction::Added)
        );
        let added = v
            .library
            .resources
            .iter()
            .find(|r| r.logical_id == "DataSciencePrivateSubnet4")
            .unwrap();
        assert!(added.causes.is_empty(), "{:?}", added.causes);
        assert!(added.fate.is_none());
        assert!(
            !risk_ids(v).contains(&"DataSciencePrivateSubnet4".to_string()),
            "{:?}",
            risk_ids(v)
        );
    });
}

/// If the VPC is replaced, its subnets are too (their `VpcId` is create-only and gets the new
/// VPC's ID); so if it may be, they may be. A VPC whose block comes from a parameter with a new
/// default may be replaced, and its subnet, which holds the instances, endpoints and notebooks,
/// was left out of the report.
#[test]
fn what_refers_to_a_vpc_that_may_be_replaced_may_be_replaced_too() {
    let by_parameter = |default: &str| {
        yaml(&format!(
            "Parameters:\n  Block: {{Type: String, Default: {default}}}\nResources:\n  Vpc: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: !Ref Block}}}}\n  Sub: {{Type: AWS::EC2::Subnet, Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}}}}\n"
        ))
    };
    each_format(
        "may-replace-spreads",
        &by_parameter("10.0.0.0/16"),
        &by_parameter("10.1.0.0/16"),
        &[],
        |v| {
            assert_eq!(action(v, "Vpc"), Some(ResourceAction::MayReplace));
            assert_eq!(action(v, "Sub"), Some(ResourceAction::MayReplace));
            let sub = v
                .library
                .resources
                .iter()
                .find(|r| r.logical_id == "Sub")
                .unwrap();
            assert_eq!(
                sub.causes,
                ["VpcId is create-only and refers to Vpc, which may be replaced"]
            );
            assert_eq!(risk_ids(v), ["Vpc", "Sub"]);
            assert_eq!(v.code, 1);
        },
    );
    // An export of the subnet's ID may change with it, and an importing stack would block the
    // update: said as what may happen, not as what will.
    let exported = |default: &str| {
        yaml(&format!(
            "Parameters:\n  Block: {{Type: String, Default: {default}}}\nResources:\n  Vpc: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: !Ref Block}}}}\n  Sub: {{Type: AWS::EC2::Subnet, Properties: {{VpcId: !Ref Vpc, CidrBlock: 10.0.0.0/24}}}}\nOutputs:\n  SubnetId: {{Value: !Ref Sub, Export: {{Name: net-subnet}}}}\n"
        ))
    };
    let d = diff(&exported("10.0.0.0/16"), &exported("10.1.0.0/16"));
    let export = d
        .risks()
        .into_iter()
        .find(|r| r.kind == "export-changed")
        .expect("the export is a risk");
    assert!(
        export
            .message
            .contains("net-subnet (output SubnetId) may change (Sub may be replaced)"),
        "{}",
        export.message
    );
}

/// CloudFormation does not change a resource's type in place: the old resource is deleted and a
/// new one made. Whether that loses data is a question of the old type; the diff asked the new
/// one, so a bucket turned into a managed policy under the same logical ID was no risk, exit 0.
#[test]
fn a_bucket_whose_logical_id_now_names_another_type_is_a_risk() {
    let old = yaml("Resources:\n  Data: {Type: AWS::S3::Bucket}\n");
    let new = yaml(
        "Resources:\n  Data: {Type: AWS::IAM::ManagedPolicy, Properties: {PolicyDocument: {Version: '2012-10-17', Statement: [{Effect: Allow, Action: 's3:GetObject', Resource: '*'}]}}}\n",
    );
    each_format("type-changed", &old, &new, &[], |v| {
        assert_eq!(action(v, "Data"), Some(ResourceAction::Replaced));
        assert_eq!(risk_ids(v), ["Data"]);
        assert!(
            v.library.risks()[0].message.contains("holds objects"),
            "{}",
            v.library.risks()[0].message
        );
        assert_eq!(v.code, 1);
    });
}

/// What an update does to the old resource follows two documented defaults that differ:
/// - removed, the `DeletionPolicy`: "If a resource has no DeletionPolicy attribute, AWS
///   CloudFormation deletes the resource by default", except "The default policy is Snapshot for
///   AWS::RDS::DBCluster resources and for AWS::RDS::DBInstance resources that don't specify the
///   DBClusterIdentifier property"; and `RetainExceptOnCreate` "behaves like Retain for stack
///   operations, except for the stack operation that initially created the resource";
/// - replaced, the `UpdateReplacePolicy`: "By default, CloudFormation then deletes the old
///   resource", the DeletionPolicy "doesn't apply to resources whose physical instance is
///   replaced during stack update operations".
///
/// A replaced database was said to leave a snapshot, by the removal default; and a bucket
/// removed under `RetainExceptOnCreate` to be deleted.
#[test]
fn removal_and_replacement_each_follow_their_own_default() {
    let fate = |old: &str, new: &str, id: &str| {
        diff(&yaml(old), &yaml(new))
            .resources
            .iter()
            .find(|r| r.logical_id == id)
            .and_then(|r| r.fate)
            .map(|f| f.as_str())
    };
    let db = |class: &str, extra: &str| {
        format!(
            "Resources:\n  Db:\n    Type: AWS::RDS::DBInstance\n{extra}    Properties: {{DBInstanceClass: {class}, Engine: postgres, DBInstanceIdentifier: {class}}}\n"
        )
    };
    let nothing = "Resources:\n  Other: {Type: AWS::SNS::Topic}\n";
    assert_eq!(fate(&db("a", ""), nothing, "Db"), Some("snapshot"));
    // `DBInstanceIdentifier` is create-only: a new one replaces the database.
    assert_eq!(fate(&db("a", ""), &db("b", ""), "Db"), Some("deleted"));
    assert_eq!(
        fate(
            &db("a", "    UpdateReplacePolicy: Snapshot\n"),
            &db("b", "    UpdateReplacePolicy: Snapshot\n"),
            "Db"
        ),
        Some("snapshot")
    );
    let bucket =
        "Resources:\n  Data: {Type: AWS::S3::Bucket, DeletionPolicy: RetainExceptOnCreate}\n";
    assert_eq!(fate(bucket, nothing, "Data"), Some("retained"));
}

/// CloudFormation "re-evaluates these conditions at each stack update before updating any
/// resources. Resources that are still associated with a true condition are updated.
/// Resources that are now associated with a false condition are deleted." (User Guide,
/// "Conditions template section".) A bucket moved under another condition, or under one that
/// may now evaluate otherwise, may be deleted by the update: it was reported as modified, no
/// risk, exit 0.
#[test]
fn a_bucket_whose_condition_may_now_be_false_may_be_removed() {
    let template = |env_default: &str, conditions: &str, condition: &str| {
        yaml(&format!(
            "Parameters:\n  Env: {{Type: String, Default: {env_default}}}\nConditions:\n{conditions}Resources:\n  Data:\n    Type: AWS::S3::Bucket\n{condition}"
        ))
    };
    let prod_and_dev = "  IsProd: !Equals [!Ref Env, prod]\n  IsDev: !Equals [!Ref Env, dev]\n  Live: {Condition: IsProd}\n";
    let under = |c: &str| format!("    Condition: {c}\n");
    let base = template("prod", prod_and_dev, &under("IsProd"));
    let cases = [
        (
            "another condition",
            template("prod", prod_and_dev, &under("IsDev")),
            "its Condition changes from IsProd to IsDev",
        ),
        (
            "a condition where there was none",
            template("prod", prod_and_dev, &under("IsProd")),
            "",
        ),
        (
            "the condition's expression",
            template(
                "prod",
                "  IsProd: !Equals [!Ref Env, production]\n  IsDev: !Equals [!Ref Env, dev]\n  Live: {Condition: IsProd}\n",
                &under("IsProd"),
            ),
            "its Condition IsProd changes",
        ),
        (
            "a condition the condition uses",
            template(
                "prod",
                "  IsProd: !Equals [!Ref Env, production]\n  IsDev: !Equals [!Ref Env, dev]\n  Live: {Condition: IsProd}\n",
                &under("Live"),
            ),
            "its Condition Live uses the Condition IsProd, which changes",
        ),
        (
            "a parameter's default",
            template("dev", prod_and_dev, &under("IsProd")),
            "its Condition IsProd uses the parameter Env, whose default or type changes",
        ),
    ];
    for (case, new, why) in &cases {
        let old = if case.starts_with("a condition where") {
            template("prod", prod_and_dev, "")
        } else if case.starts_with("a condition the") {
            template("prod", prod_and_dev, &under("Live"))
        } else {
            base.clone()
        };
        let d = diff(&old, new);
        let data = d
            .resources
            .iter()
            .find(|r| r.logical_id == "Data")
            .unwrap_or_else(|| panic!("{case}: Data is not reported"));
        assert_eq!(data.action, ResourceAction::MayRemove, "{case}");
        let why = if why.is_empty() {
            "it now has the Condition IsProd"
        } else {
            why
        };
        assert_eq!(
            data.causes,
            [format!(
                "{why}; where it is false at the update, CloudFormation deletes it"
            )],
            "{case}"
        );
        let risks = d.risks();
        assert_eq!(risks.len(), 1, "{case}: {risks:?}");
        assert_eq!(risks[0].kind, "stateful-removed", "{case}");
        assert!(risks[0].message.contains("may be removed"), "{case}");
    }
    // An export that may be gone after the update blocks it while another stack imports it,
    // as one removed does: "You can't modify or remove an output value that is referenced by
    // another stack."
    let exported = |condition: &str| {
        yaml(&format!(
            "Parameters:\n  Env: {{Type: String, Default: prod}}\nConditions:\n  IsDev: !Equals [!Ref Env, dev]\nResources:\n  Topic: {{Type: AWS::SNS::Topic}}\nOutputs:\n  TopicArn: {{{condition}Value: !Ref Topic, Export: {{Name: the-topic}}}}\n"
        ))
    };
    let d = diff(&exported(""), &exported("Condition: IsDev, "));
    let risks = d.risks();
    assert_eq!(risks.len(), 1, "{risks:?}");
    assert_eq!(risks[0].kind, "export-removed");
    assert!(
        risks[0].message.contains(
            "the export the-topic (output TopicArn) may be removed (it now has the Condition IsDev)"
        ),
        "{}",
        risks[0].message
    );
    // Without a condition it is created whatever the parameters: nothing to fear.
    let d = diff(&base, &template("prod", prod_and_dev, ""));
    assert!(d.risks().is_empty(), "{:?}", d.risks());
    each_format(
        "condition-changes",
        &base,
        &template("prod", prod_and_dev, &under("IsDev")),
        &[],
        |v| {
            assert_eq!(action(v, "Data"), Some(ResourceAction::MayRemove));
            assert_eq!(v.cli["resources"][0]["action"], "may_remove");
            assert_eq!(v.code, 1);
        },
    );
}

/// A create-only property written the same in both templates still gets another value when it
/// chooses by a condition (`Fn::If`) that may evaluate otherwise now; its resource may then be
/// replaced, and what refers to it may be too.
#[test]
fn a_create_only_value_that_chooses_by_a_changed_condition_may_replace() {
    let template = |zone_b: &str| {
        yaml(&format!(
            "Parameters:\n  Zones: {{Type: Number, Default: 2}}\nConditions:\n  TwoZones: !Equals [!Ref Zones, {zone_b}]\nResources:\n  Vpc: {{Type: AWS::EC2::VPC, Properties: {{CidrBlock: 10.0.0.0/16}}}}\n  Sub:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n      CidrBlock: 10.0.0.0/24\n      AvailabilityZone: !If [TwoZones, us-east-1b, us-east-1a]\n  Table:\n    Type: AWS::EC2::SubnetRouteTableAssociation\n    Properties: {{SubnetId: !Ref Sub, RouteTableId: rtb-1}}\n"
        ))
    };
    let d = diff(&template("2"), &template("3"));
    let sub = d
        .resources
        .iter()
        .find(|r| r.logical_id == "Sub")
        .expect("the subnet is reported");
    assert_eq!(sub.action, ResourceAction::MayReplace);
    assert_eq!(
        sub.causes,
        [
            "AvailabilityZone is create-only and its value depends on the Condition TwoZones, which changes"
        ]
    );
    let association = d
        .resources
        .iter()
        .find(|r| r.logical_id == "Table")
        .expect("what refers to the subnet is reported");
    assert_eq!(association.action, ResourceAction::MayReplace);
    assert!(d.risks().iter().any(|r| r.id == "Sub"), "{:?}", d.risks());
    assert!(diff(&template("2"), &template("2")).is_empty());
}

/// Conditions may use conditions. Each is judged once per diff: a chain of 10,000 conditions,
/// each using the one before, with 10,000 topics under the last, took 52 s when every topic
/// followed the chain anew. A cycle (CloudFormation refuses one) is cut, not followed.
#[test]
fn conditions_that_use_conditions_are_judged_once_and_cycles_end() {
    let chain = |first: &str| {
        let mut conditions = serde_json::Map::new();
        conditions.insert(
            "C0".into(),
            serde_json::json!({"Fn::Equals": [{"Ref": "AWS::Region"}, first]}),
        );
        for i in 1..10_000 {
            conditions.insert(
                format!("C{i}"),
                serde_json::json!({"Fn::Not": [{"Condition": format!("C{}", i - 1)}]}),
            );
        }
        let resources: serde_json::Map<String, Value> = (0..10_000)
            .map(|i| {
                (
                    format!("Topic{i}"),
                    serde_json::json!({"Type": "AWS::SNS::Topic", "Condition": "C9999"}),
                )
            })
            .collect();
        Template::from_value(&serde_json::json!({"Conditions": conditions, "Resources": resources}))
            .unwrap()
    };
    let started = std::time::Instant::now();
    assert!(diff(&chain("us-east-1"), &chain("us-east-1")).is_empty());
    let d = diff(&chain("us-east-1"), &chain("eu-west-1"));
    assert_eq!(d.resources.len(), 10_000);
    assert_eq!(
        d.resources[0].causes,
        [
            "its Condition C9999 uses the Condition C0, which changes; where it is false at the update, CloudFormation deletes it"
        ]
    );
    assert!(started.elapsed() < std::time::Duration::from_secs(60));

    let cycle = |topic: &str| {
        yaml(&format!(
            "Conditions:\n  A: !Not [{{Condition: B}}]\n  B: !Not [{{Condition: A}}]\nResources:\n  Topic: {{Type: AWS::SNS::Topic, Condition: A, Properties: {{TopicName: {topic}}}}}\n"
        ))
    };
    let d = diff(&cycle("one"), &cycle("two"));
    assert_eq!(
        d.resources[0].action,
        ResourceAction::Replaced,
        "TopicName is create-only"
    );
    assert_eq!(
        d.resources[0].causes.len(),
        1,
        "{:?}",
        d.resources[0].causes
    );
}

#[test]
fn every_risk_allowed_by_id_exits_0_and_is_shown_as_allowed() {
    let old = standard();
    let new = network(|n| n.cidr("10.1.0.0/16"));
    let ids: Vec<String> = diff(&old, &new).risks().into_iter().map(|r| r.id).collect();
    let mut extra = Vec::new();
    for id in &ids {
        extra.push("--allow");
        extra.push(id.as_str());
    }
    each_format("cidr-allowed", &old, &new, &extra, |v| {
        assert_eq!(v.code, 0, "{}", v.cli);
        assert_eq!(v.cli["blocking"], 0);
        assert_eq!(v.cli["risks"].as_array().unwrap().len(), ids.len());
    });
}

#[test]
fn an_endpoint_policy_change_is_made_in_place_and_exits_0() {
    let old = network(|n| n.s3_policy(bucket_policy("my_secure_bucket")));
    let new = network(|n| n.s3_policy(bucket_policy("other_bucket")));
    each_format("policy", &old, &new, &[], |v| {
        assert_eq!(v.code, 0, "{}", v.cli);
        assert_eq!(v.library.resources.len(), 1, "{:?}", v.library.resources);
        let endpoint = &v.library.resources[0];
        assert_eq!(endpoint.logical_id, "S3GatewayEndpoint");
        assert_eq!(endpoint.action, ResourceAction::Modified);
        assert!(endpoint.causes.is_empty());
        assert!(
            endpoint.properties.iter().all(|p| p
                .path
                .starts_with("PolicyDocument.Statement[0].Resource")
                && p.replaces.is_none()),
            "{:?}",
            endpoint.properties
        );
        assert!(v.library.risks().is_empty());
    });
}

#[test]
fn three_zones_to_two_removes_a_subnet_its_route_table_and_association() {
    let old = network(|n| n.zones(3).subnet_prefix(20));
    let new = network(|n| n.zones(2).subnet_prefix(20));
    each_format("zones", &old, &new, &[], |v| {
        assert_eq!(v.code, 1);
        for id in [
            "DataSciencePrivateSubnet3",
            "DataSciencePrivateSubnet3RouteTable",
            "DataSciencePrivateSubnet3RouteTableAssociation",
        ] {
            assert_eq!(action(v, id), Some(ResourceAction::Removed), "{id}");
        }
        // Subnets 1 and 2 keep their blocks: untouched.
        assert_eq!(action(v, "DataSciencePrivateSubnet1"), None);
        for id in [
            "SagemakerApiEndpoint",
            "StsEndpoint",
            "LogsEndpoint",
            "S3GatewayEndpoint",
        ] {
            assert_eq!(action(v, id), Some(ResourceAction::Modified), "{id}");
        }
        let subnet = v
            .library
            .resources
            .iter()
            .find(|r| r.logical_id == "DataSciencePrivateSubnet3")
            .unwrap();
        assert_eq!(subnet.fate.map(|f| f.as_str()), Some("deleted"));
        let mut risks = risk_ids(v);
        risks.sort();
        // The removed subnet, and the exports that named it.
        assert_eq!(
            risks,
            [
                "DataSciencePrivateSubnet3",
                "RouteTableIds",
                "Subnet3Id",
                "SubnetIds"
            ]
        );
        let kinds: Vec<&str> = v.cli["risks"]
            .as_array()
            .unwrap()
            .iter()
            .map(|r| r["kind"].as_str().unwrap())
            .collect();
        assert!(
            kinds.contains(&"export-removed") && kinds.contains(&"stateful-removed"),
            "{kinds:?}"
        );
    });
}

#[test]
fn a_renamed_construct_is_reported_as_a_rename_with_a_hint_to_keep_the_logical_id() {
    let old = standard();
    let renamed = old
        .to_json_pretty()
        .replace("DataScienceFlowLogGroup", "AuditFlowLogGroup");
    let new = Template::from_json(&renamed).unwrap();
    each_format("rename", &old, &new, &[], |v| {
        assert_eq!(v.code, 1);
        assert_eq!(v.library.renames.len(), 1);
        let rename = &v.library.renames[0];
        assert_eq!(
            (rename.from.as_str(), rename.to.as_str()),
            ("DataScienceFlowLogGroup", "AuditFlowLogGroup")
        );
        assert_eq!(rename.resource_type, "AWS::Logs::LogGroup");
        let gone = v
            .library
            .resources
            .iter()
            .find(|r| r.logical_id == "DataScienceFlowLogGroup")
            .unwrap();
        assert_eq!(gone.action, ResourceAction::Removed);
        // The group is retained on delete: the old one stays behind as an orphan.
        assert_eq!(gone.fate.map(|f| f.as_str()), Some("retained"));
        let risk = v
            .library
            .risks()
            .into_iter()
            .find(|r| r.id == "DataScienceFlowLogGroup")
            .unwrap();
        assert!(
            risk.message
                .contains("keep the logical ID DataScienceFlowLogGroup"),
            "{}",
            risk.message
        );
        assert_eq!(v.cli["renames"][0]["to"], "AuditFlowLogGroup");
    });
}

#[test]
fn a_removed_export_exits_1() {
    let old = standard();
    let mut new = old.clone();
    new.outputs.shift_remove("S3EndpointId");
    each_format("export", &old, &new, &[], |v| {
        assert_eq!(v.code, 1);
        assert!(v.library.resources.is_empty());
        let risks = v.library.risks();
        assert_eq!(risks.len(), 1);
        assert_eq!(
            (risks[0].id.as_str(), risks[0].kind),
            ("S3EndpointId", "export-removed")
        );
        assert!(risks[0].message.contains("${AWS::StackName}-S3EndpointId"));
    });
}

#[test]
fn a_new_parameter_without_default_breaks_updates_one_with_a_default_does_not() {
    let old = standard();
    let mut new = old.clone();
    new.parameters.insert(
        "Team".into(),
        Parameter::string().description("Owning team"),
    );
    new.parameters
        .insert("CostCenter".into(), Parameter::string().default_value("ml"));
    each_format("parameter", &old, &new, &[], |v| {
        assert_eq!(v.code, 1);
        let risks = v.library.risks();
        assert_eq!(risks.len(), 1, "{risks:?}");
        assert_eq!(
            (risks[0].id.as_str(), risks[0].kind),
            ("Team", "required-parameter-added")
        );
        let names: Vec<&str> = v
            .library
            .parameters
            .iter()
            .map(|p| p.name.as_str())
            .collect();
        assert_eq!(names, ["Team", "CostCenter"]);
    });
}

#[test]
fn the_same_template_twice_changes_nothing_and_exits_0() {
    each_format("same", &standard(), &standard(), &[], |v| {
        assert_eq!(v.code, 0);
        assert!(v.library.is_empty(), "{:?}", v.library);
        assert_eq!(v.cli["resources"], Value::Array(vec![]));
        assert_eq!(v.cli["risks"], Value::Array(vec![]));
    });
}

#[test]
fn text_and_markdown_say_what_is_replaced_and_why() {
    let old = scratch("text-old.json", &standard().to_json_pretty());
    let new = scratch(
        "text-new.yaml",
        &network(|n| n.cidr("10.1.0.0/16")).to_yaml(),
    );
    for (format, expect) in [
        ("text", "replaced DataScienceVpc (AWS::EC2::VPC)"),
        (
            "markdown",
            "| `DataScienceVpc` | AWS::EC2::VPC | **replaced** | `CidrBlock` |",
        ),
    ] {
        let out = Command::new(env!("CARGO_BIN_EXE_airgap"))
            .args(["diff", "--format", format])
            .arg(&old)
            .arg(&new)
            .output()
            .unwrap();
        let text = String::from_utf8(out.stdout).unwrap();
        assert_eq!(out.status.code(), Some(1));
        assert!(text.contains(expect), "{text}");
        assert!(
            text.contains("CidrBlock changes; it is create-only"),
            "{text}"
        );
        assert!(!text.contains('\x1b'), "no colour off a terminal");
    }
}

#[test]
fn unreadable_input_exits_2_and_names_the_file() {
    let old = scratch("bad-old.json", "{\"Resources\": ");
    let new = scratch("bad-new.json", &standard().to_json_pretty());
    let out = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .arg("diff")
        .arg(&old)
        .arg(&new)
        .output()
        .unwrap();
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("bad-old.json"));
}

/// The create-only table is generated from cfn-lint's copy of the resource schemas; the
/// official schema of `AWS::Logs::LogGroup` (tests/fixtures/aws-logs-loggroup.json) agrees:
/// renaming the group replaces it, changing its retention does not.
#[test]
fn the_create_only_table_agrees_with_the_official_log_group_schema() {
    let schema: Value =
        serde_json::from_str(include_str!("../fixtures/aws-logs-loggroup.json")).unwrap();
    let create_only: Vec<&str> = schema["createOnlyProperties"]
        .as_array()
        .unwrap()
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(create_only, ["/properties/LogGroupName"]);
    let yaml = |name: &str, days: u32| {
        Template::from_yaml(&format!(
            "Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n    Properties:\n      LogGroupName: {name}\n      RetentionInDays: {days}\n"
        ))
        .unwrap()
    };
    let renamed = diff(&yaml("a", 30), &yaml("b", 30));
    assert_eq!(renamed.resources[0].action, ResourceAction::Replaced);
    let retention = diff(&yaml("a", 30), &yaml("a", 365));
    assert_eq!(retention.resources[0].action, ResourceAction::Modified);
}

fn yaml(text: &str) -> Template {
    Template::from_yaml(text).expect("valid YAML template")
}

/// `UpdateReplacePolicy: Retain` keeps the old resource on replacement (an orphan); a block given
/// by a parameter whose default changes may be replaced; a conditionally create-only property
/// (`InstanceTenancy`) may replace; a changed type cannot be updated in place.
#[test]
fn policies_parameters_and_types_decide_what_happens_to_the_old_resource() {
    let vpc = |cidr: &str, extra: &str| {
        yaml(&format!(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    UpdateReplacePolicy: Retain\n    Properties:\n      CidrBlock: {cidr}\n{extra}"
        ))
    };
    let d = diff(&vpc("10.0.0.0/16", ""), &vpc("10.1.0.0/16", ""));
    assert_eq!(d.resources[0].fate.map(|f| f.as_str()), Some("retained"));

    let tenancy = diff(
        &vpc("10.0.0.0/16", "      InstanceTenancy: default\n"),
        &vpc("10.0.0.0/16", "      InstanceTenancy: dedicated\n"),
    );
    assert_eq!(tenancy.resources[0].action, ResourceAction::MayReplace);
    assert_eq!(
        tenancy.resources[0].causes,
        ["InstanceTenancy changes; it is conditionally create-only"]
    );

    let by_parameter = |default: &str| {
        yaml(&format!(
            "Parameters:\n  Cidr:\n    Type: String\n    Default: {default}\nResources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties:\n      CidrBlock: !Ref Cidr\n"
        ))
    };
    let d = diff(&by_parameter("10.0.0.0/16"), &by_parameter("10.1.0.0/16"));
    assert_eq!(d.resources[0].action, ResourceAction::MayReplace);
    assert_eq!(
        d.resources[0].causes,
        ["CidrBlock is create-only and refers to the parameter Cidr, which changes"]
    );
    assert_eq!(d.risks()[0].kind, "stateful-replaced");

    let typed = diff(
        &yaml("Resources:\n  Logs:\n    Type: AWS::Logs::LogGroup\n"),
        &yaml("Resources:\n  Logs:\n    Type: AWS::S3::Bucket\n"),
    );
    assert_eq!(typed.resources[0].action, ResourceAction::Replaced);
    assert!(typed.resources[0].causes[0].contains("the type changes"));
}

#[test]
fn a_whole_construct_renamed_is_reported_resource_by_resource() {
    let old = standard();
    let mut stack = Stack::new("Network");
    SecureSageMakerNetwork::new("Research")
        .add_to(&mut stack)
        .unwrap();
    let new = stack.synth().unwrap().into_template();
    each_format("construct-rename", &old, &new, &[], |v| {
        assert_eq!(v.code, 1);
        let renames: Vec<(&str, &str)> = v
            .library
            .renames
            .iter()
            .map(|r| (r.from.as_str(), r.to.as_str()))
            .collect();
        for pair in [
            ("DataScienceVpc", "ResearchVpc"),
            ("DataSciencePrivateSubnet1", "ResearchPrivateSubnet1"),
            ("DataScienceFlowLogGroup", "ResearchFlowLogGroup"),
            ("DataScienceFlowLogKey", "ResearchFlowLogKey"),
            (
                "DataSciencePrivateSubnet2RouteTable",
                "ResearchPrivateSubnet2RouteTable",
            ),
            (
                "DataSciencePrivateSubnet3RouteTableAssociation",
                "ResearchPrivateSubnet3RouteTableAssociation",
            ),
        ] {
            assert!(renames.contains(&pair), "{pair:?} in {renames:?}");
        }
        let vpc_risk = v
            .library
            .risks()
            .into_iter()
            .find(|r| r.id == "DataScienceVpc")
            .unwrap();
        assert!(
            vpc_risk.message.contains("looks renamed to ResearchVpc"),
            "{}",
            vpc_risk.message
        );
    });
}

/// Every resource type airgap writes, in the network, its products and the portfolio, is in the
/// create-only table, so the diff never has to guess about airgap's own templates.
#[test]
fn every_resource_type_airgap_writes_is_in_the_create_only_table() {
    use airgap::patterns::portfolio::NetworkPortfolio;
    let release = NetworkPortfolio::new(
        Stack::new("Network"),
        SecureSageMakerNetwork::new("DataScience"),
    )
    .release()
    .unwrap();
    let mut templates = vec![standard(), release.portfolio.template().clone()];
    for p in &release.products {
        templates.extend(p.versions.iter().map(|v| v.template.clone()));
    }
    let mut types: Vec<&str> = templates
        .iter()
        .flat_map(|t| t.resources.values().map(|r| r.resource_type.as_str()))
        .collect();
    types.sort_unstable();
    types.dedup();
    assert!(types.len() > 15, "{types:?}");
    for ty in types {
        assert!(
            airgap::template::create_only_properties(ty).is_some(),
            "{ty}"
        );
    }
    // A type the schemas do not know may be replaced by any change: said so, not guessed.
    let t = |v: u32| {
        yaml(&format!(
            "Resources:\n  Thing:\n    Type: AWS::Made::Up\n    Properties:\n      Size: {v}\n"
        ))
    };
    let d = diff(&t(1), &t(2));
    assert_eq!(d.resources[0].action, ResourceAction::MayReplace);
    assert!(d.resources[0].causes[0].contains("do not know AWS::Made::Up"));
}

#[test]
fn stdin_may_be_one_side_and_out_writes_a_file() {
    use std::io::Write;
    let new = scratch("stdin-new.json", &standard().to_json_pretty());
    let out_file = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("diff")
        .join("stdin.md");
    let _ = std::fs::remove_file(&out_file);
    let mut child = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args(["diff", "--format", "markdown", "--out"])
        .arg(&out_file)
        .arg("-")
        .arg(&new)
        .stdin(std::process::Stdio::piped())
        .spawn()
        .unwrap();
    child
        .stdin
        .take()
        .unwrap()
        .write_all(standard().to_yaml().as_bytes())
        .unwrap();
    assert_eq!(child.wait().unwrap().code(), Some(0));
    let md = std::fs::read_to_string(&out_file).unwrap();
    assert!(md.contains("No changes."), "{md}");

    let both = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args(["diff", "-", "-"])
        .output()
        .unwrap();
    assert_eq!(both.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&both.stderr).contains("only one of OLD and NEW"));
}
