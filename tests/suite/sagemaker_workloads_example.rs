//! The example a platform engineer runs, `cargo run --example sagemaker_workloads`: the
//! network, a notebook, a Studio domain with two users and the guardrail policy, in one
//! template that every validator and airgap's own checks pass.

use crate::common;

use crate::examples::sagemaker_workloads as example;

use airgap::analysis::check;
use airgap::template::Template;
use serde_json::Value;

fn template() -> Value {
    serde_json::from_str(&example::build().expect("the example builds")).expect("valid JSON")
}

#[test]
fn the_example_holds_the_network_the_workloads_and_the_guardrail() {
    let t = template();
    let count = |ty: &str| crate::common::count_of_type(&t, ty);
    assert_eq!(count("AWS::SageMaker::NotebookInstance"), 1);
    assert_eq!(count("AWS::SageMaker::Domain"), 1);
    assert_eq!(count("AWS::SageMaker::UserProfile"), 2);
    assert_eq!(count("AWS::IAM::ManagedPolicy"), 1);
    assert_eq!(count("AWS::KMS::Key"), 3, "flow logs, notebook, Studio");
    let guard = &t["Resources"]["DataScienceGuardrailPolicy"]["Properties"]["PolicyDocument"];
    let subnets =
        &guard["Statement"][1]["Condition"]["ForAnyValue:StringNotEquals"]["sagemaker:VpcSubnets"];
    assert_eq!(
        subnets,
        &serde_json::json!([
            {"Ref": "DataSciencePrivateSubnet1"},
            {"Ref": "DataSciencePrivateSubnet2"},
            {"Ref": "DataSciencePrivateSubnet3"}
        ])
    );
}

#[test]
fn the_example_passes_airgap_check_and_every_validator() {
    let json = example::build().unwrap();
    assert_eq!(check(&Template::parse(&json).unwrap()), vec![]);
    common::cfn_lint(&[("sagemaker_workloads.json".into(), json.clone())]);
    if let Some(failed) = common::checkov_failures("sagemaker_workloads_checkov.json", &json) {
        assert!(failed.is_empty(), "checkov failed: {failed:#?}");
    }
    if let Some(diags) = common::cloudformation_validate("sagemaker_workloads_cfv.json", &json) {
        assert!(diags.is_empty(), "cloudformation-validate: {diags:#?}");
    }
}

#[test]
fn the_example_matches_its_reviewed_snapshot() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sagemaker_workloads_stack", example::build().unwrap());
    });
}
