//! SageMaker workloads that can only land inside the network: notebook instances, Studio
//! domains and user profiles, secure by default, with their endpoint fit, in one stack with
//! the network and as Service Catalog products launched after it.

use crate::common;

use airgap::analysis::check;
use airgap::net::Service;
use airgap::patterns::sagemaker::{SecureSageMakerNetwork, Workload};
use airgap::patterns::workloads::WorkloadProducts;
use airgap::sagemaker::SageMakerError;
use airgap::sagemaker::{
    LifecycleConfig, NotebookInstance, StudioDomain, UserProfiles, WorkloadKind, WorkloadNetwork,
};
use airgap::template::{Expr, Stack, Template};
use serde_json::{Value, json};

fn network() -> SecureSageMakerNetwork {
    SecureSageMakerNetwork::new("DataScience")
        .endpoint(Service::SAGEMAKER_NOTEBOOK)
        .endpoint(Service::SAGEMAKER_STUDIO)
        .read_bucket("my_secure_bucket")
}

/// The network, a notebook and a Studio domain with two users, in one stack.
fn one_stack() -> Template {
    let mut stack =
        Stack::new("Workloads").description("Private SageMaker network with a notebook and Studio");
    let net = network().add_to(&mut stack).unwrap();
    let place = net.workload_network();
    NotebookInstance::new("Research", &place)
        .instance_type("ml.t3.medium")
        .lifecycle_config(LifecycleConfig::on_start(
            "#!/bin/bash\nset -euo pipefail\necho started\n",
        ))
        .add_to(&mut stack)
        .unwrap();
    StudioDomain::new("research", &place)
        .user("alice")
        .user("bob")
        .add_to(&mut stack)
        .unwrap();
    stack.synth().unwrap().into_template()
}

fn products() -> Vec<(&'static str, String)> {
    let base = Stack::new("DataScience");
    WorkloadProducts::new(&network(), &base, &WorkloadKind::ALL)
        .unwrap()
        .products
        .into_iter()
        .map(|(name, stack)| (name, stack.synth().unwrap().to_json_pretty().to_string()))
        .collect()
}

fn of_type<'a>(t: &'a Value, ty: &str) -> Vec<(&'a String, &'a Value)> {
    t["Resources"]
        .as_object()
        .unwrap()
        .iter()
        .filter(|(_, r)| r["Type"] == ty)
        .collect()
}

#[test]
fn a_notebook_is_private_by_default() {
    let t = one_stack().to_value();
    let nbs = of_type(&t, "AWS::SageMaker::NotebookInstance");
    assert_eq!(nbs.len(), 1);
    let p = &nbs[0].1["Properties"];
    assert_eq!(p["DirectInternetAccess"], "Disabled");
    assert_eq!(p["RootAccess"], "Disabled");
    assert_eq!(
        p["InstanceMetadataServiceConfiguration"]["MinimumInstanceMetadataServiceVersion"],
        "2"
    );
    assert_eq!(p["SubnetId"], json!({"Ref": "DataSciencePrivateSubnet1"}));
    assert_eq!(
        p["SecurityGroupIds"],
        json!([{"Fn::GetAtt": ["DataScienceWorkloadsSecurityGroup", "GroupId"]}])
    );
    assert_eq!(p["KmsKeyId"], json!({"Ref": "ResearchNotebookKey"}));
    assert_eq!(
        p["RoleArn"],
        json!({"Fn::GetAtt": ["ResearchNotebookExecutionRole", "Arn"]})
    );
    assert_eq!(
        p["LifecycleConfigName"]["Fn::GetAtt"][0],
        "ResearchNotebookLifecycleConfig"
    );
    let key = &t["Resources"]["ResearchNotebookKey"];
    assert_eq!(key["Properties"]["EnableKeyRotation"], true);
    assert_eq!(key["DeletionPolicy"], "Retain");
    assert_eq!(key["UpdateReplacePolicy"], "Retain");
}

#[test]
fn a_studio_domain_is_vpc_only_with_iam_auth_and_its_own_key() {
    let t = one_stack().to_value();
    let d = &t["Resources"]["ResearchDomain"]["Properties"];
    assert_eq!(d["AppNetworkAccessType"], "VpcOnly");
    assert_eq!(d["AuthMode"], "IAM");
    assert_eq!(d["VpcId"], json!({"Ref": "DataScienceVpc"}));
    assert_eq!(d["KmsKeyId"], json!({"Ref": "ResearchStudioKey"}));
    assert_eq!(
        d["DefaultUserSettings"]["SecurityGroups"],
        json!([{"Fn::GetAtt": ["DataScienceWorkloadsSecurityGroup", "GroupId"]}])
    );
    assert_eq!(
        d["DefaultUserSettings"]["SharingSettings"]["NotebookOutputOption"],
        "Disabled"
    );
    assert_eq!(
        d["DefaultUserSettings"]["ExecutionRole"],
        json!({"Fn::GetAtt": ["ResearchStudioExecutionRole", "Arn"]})
    );
    let users = of_type(&t, "AWS::SageMaker::UserProfile");
    let names: Vec<&Value> = users
        .iter()
        .map(|(_, u)| &u["Properties"]["UserProfileName"])
        .collect();
    assert_eq!(names, [&json!("alice"), &json!("bob")]);
    for (_, u) in users {
        assert_eq!(
            u["Properties"]["DomainId"],
            json!({"Fn::GetAtt": ["ResearchDomain", "DomainId"]})
        );
    }
}

#[test]
fn execution_roles_are_least_privilege_and_derived_from_the_network() {
    let t = one_stack().to_value();
    for (id, role) in of_type(&t, "AWS::IAM::Role") {
        let text = role.to_string();
        assert!(
            !text.contains("ManagedPolicyArns"),
            "{id} has a managed policy"
        );
        assert!(!text.contains("FullAccess"), "{id}");
        assert!(
            !text.contains("\"sagemaker:*\"") && !text.contains("\"s3:*\""),
            "{id}"
        );
    }
    let policy = &t["Resources"]["ResearchNotebookExecutionRole"]["Properties"]["Policies"][0]["PolicyDocument"];
    let sids: Vec<&str> = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .map(|s| s["Sid"].as_str().unwrap())
        .collect();
    assert_eq!(
        sids,
        [
            "ReadDataObjects",
            "ListDataBuckets",
            "UseWorkloadAndDataKeys",
            "WriteSageMakerLogs",
            "NetworkInterfacesInThisAccount",
            "DescribeTheNetwork"
        ],
        "read-only buckets: no write statement; no ECR without the ECR workload"
    );
    assert_eq!(
        policy["Statement"][0]["Resource"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:s3:::my_secure_bucket/*"}])
    );
    assert_eq!(
        policy["Statement"][2]["Resource"],
        json!([{"Fn::GetAtt": ["ResearchNotebookKey", "Arn"]}])
    );
    assert_eq!(
        policy["Statement"][3]["Resource"],
        json!([{"Fn::Sub": "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/sagemaker/*"}])
    );
}

#[test]
fn ecr_pulls_are_granted_only_when_the_network_has_the_ecr_workload() {
    let mut stack = Stack::new("Ecr");
    let net = network()
        .endpoint(Service::ECR_API)
        .endpoint(Service::ECR_DKR)
        .workload(Workload::EcrImages)
        .add_to(&mut stack)
        .unwrap();
    NotebookInstance::new("Research", &net.workload_network())
        .add_to(&mut stack)
        .unwrap();
    let t = stack.synth().unwrap().into_template().to_value();
    let text = t["Resources"]["ResearchNotebookExecutionRole"].to_string();
    assert!(text.contains("ecr:BatchGetImage") && text.contains("ecr:GetAuthorizationToken"));
    let without = one_stack().to_value()["Resources"]["ResearchNotebookExecutionRole"].to_string();
    assert!(!without.contains("ecr:"));
}

#[test]
fn airgap_check_finds_nothing_in_any_workload_template() {
    let t = one_stack();
    assert_eq!(check(&t), vec![], "the one-stack template");
    for (name, body) in products() {
        let t = Template::parse(&body).unwrap();
        assert_eq!(check(&t), vec![], "product {name}");
    }
}

#[test]
fn every_workload_template_passes_cfn_lint() {
    let mut all = vec![(
        "workloads_one_stack.json".to_string(),
        one_stack().to_json_pretty(),
    )];
    for (name, body) in products() {
        all.push((format!("workload_{name}.json"), body));
    }
    common::cfn_lint(&all);
}

#[test]
fn checkov_and_the_offline_validator_report_nothing() {
    let mut all = vec![(
        "workloads_one_stack".to_string(),
        one_stack().to_json_pretty(),
    )];
    for (name, body) in products() {
        all.push((format!("workload_{name}"), body));
    }
    for (name, body) in &all {
        if let Some(failed) = common::checkov_failures(&format!("{name}_checkov.json"), body) {
            assert!(failed.is_empty(), "checkov on {name}: {failed:#?}");
        }
        if let Some(diags) = common::cloudformation_validate(&format!("{name}_cfv.json"), body) {
            assert!(
                diags.is_empty(),
                "cloudformation-validate on {name}: {diags:#?}"
            );
        }
    }
}

#[test]
fn workload_templates_match_their_reviewed_snapshots() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("workloads_one_stack", one_stack().to_json_pretty());
        for (name, body) in products() {
            insta::assert_snapshot!(format!("workload_product_{name}"), body);
        }
    });
}

#[test]
fn workload_products_take_the_network_as_typed_parameters() {
    for (name, body) in products() {
        let t: Value = serde_json::from_str(&body).unwrap();
        let params = &t["Parameters"];
        if name == "studio-user-profile" {
            assert_eq!(params["DomainId"]["Type"], "String");
            assert_eq!(params["UserProfileName"]["Type"], "String");
            continue;
        }
        if name == "notebook" {
            assert_eq!(params["SubnetId"]["Type"], "AWS::EC2::Subnet::Id");
            assert_eq!(
                t["Resources"]["DataScienceNotebook"]["Properties"]["SubnetId"],
                json!({"Ref": "SubnetId"})
            );
        } else {
            assert_eq!(params["VpcId"]["Type"], "AWS::EC2::VPC::Id", "{name}");
            assert_eq!(
                params["SubnetIds"]["Type"], "List<AWS::EC2::Subnet::Id>",
                "{name}"
            );
        }
        assert_eq!(
            params["WorkloadSecurityGroupId"]["Type"], "AWS::EC2::SecurityGroup::Id",
            "{name}"
        );
    }
}

// Refusals.

fn place(endpoints: &[Service]) -> WorkloadNetwork {
    WorkloadNetwork::new(
        "Ds",
        Expr::str("vpc-0a1b2c3d"),
        Expr::Literal(json!(["subnet-0a1b2c3d"])),
        Expr::str("sg-0a1b2c3d"),
    )
    .endpoints(endpoints.iter().cloned())
}

#[test]
fn a_notebook_in_a_network_without_the_notebook_endpoint_is_refused_naming_it() {
    // "To connect to your notebook instance through your VPC, ... create an interface VPC
    // endpoint (aws.sagemaker.region.notebook)"; the notebook's URL is presigned by the
    // SageMaker API (CreatePresignedNotebookInstanceUrl), so both are needed.
    let err = NotebookInstance::new("Research", &place(&[Service::SAGEMAKER_API]))
        .add_to(&mut Stack::new("S"))
        .unwrap_err();
    match err.downcast_ref::<SageMakerError>() {
        Some(SageMakerError::MissingEndpoints { missing, .. }) => assert_eq!(missing, "notebook"),
        _ => panic!("{err:?}"),
    }
    assert!(
        err.to_string().contains("NotebookInstance 'Research'"),
        "{err}"
    );
}

#[test]
fn studio_in_a_network_without_its_endpoints_is_refused_listing_every_missing_one() {
    // "you won't be able to run a Studio notebook unless your VPC has an interface endpoint
    // to the SageMaker API and runtime" (VpcOnly mode), and the Studio endpoint
    // (aws.sagemaker.region.studio) is how users reach Studio from inside the VPC.
    let err = StudioDomain::new("research", &place(&[Service::STS]))
        .add_to(&mut Stack::new("S"))
        .unwrap_err();
    match err.downcast_ref::<SageMakerError>() {
        Some(SageMakerError::MissingEndpoints { missing, .. }) => {
            assert_eq!(missing, "studio, sagemaker.api, sagemaker.runtime")
        }
        _ => panic!("{err:?}"),
    }
    let base = Stack::new("Ds");
    let net = SecureSageMakerNetwork::new("Ds");
    let err = WorkloadProducts::new(&net, &base, &[WorkloadKind::Studio]).unwrap_err();
    assert!(err.to_string().contains("studio"), "{err}");
}

#[test]
fn bad_notebook_settings_are_refused_with_the_field() {
    let ok = place(&[Service::SAGEMAKER_API, Service::SAGEMAKER_NOTEBOOK]);
    let err = NotebookInstance::new("R", &ok)
        .instance_type("t3.medium")
        .add_to(&mut Stack::new("S"))
        .unwrap_err();
    assert!(
        err.to_string().contains("instance_type") && err.to_string().contains("ml."),
        "{err}"
    );
    let err = NotebookInstance::new("R", &ok)
        .volume_size_gb(2)
        .add_to(&mut Stack::new("S"))
        .unwrap_err();
    assert!(err.to_string().contains("volume_size_gb"), "{err}");
}

#[test]
fn bad_studio_names_and_empty_user_lists_are_refused() {
    let ok = place(&[
        Service::SAGEMAKER_API,
        Service::SAGEMAKER_RUNTIME,
        Service::SAGEMAKER_STUDIO,
    ]);
    let err = StudioDomain::new("research", &ok)
        .user("alice_smith")
        .add_to(&mut Stack::new("S"))
        .unwrap_err();
    assert!(err.to_string().contains("alice_smith"), "{err}");
    let err = StudioDomain::new("-bad", &ok)
        .add_to(&mut Stack::new("S"))
        .unwrap_err();
    assert!(err.to_string().contains("-bad"), "{err}");
    let err = UserProfiles::new("research")
        .add_to(&mut Stack::new("S"))
        .unwrap_err();
    assert!(err.to_string().contains("no user"), "{err}");
}

#[test]
fn a_named_key_replaces_the_notebooks_own() {
    let ok = place(&[Service::SAGEMAKER_API, Service::SAGEMAKER_NOTEBOOK]);
    let mut stack = Stack::new("S");
    let nb = NotebookInstance::new("R", &ok)
        .kms_key(Expr::str("1234abcd-12ab-34cd-56ef-1234567890ab"))
        .add_to(&mut stack)
        .unwrap();
    assert!(nb.key.is_none());
    let t = stack.template().to_value();
    assert!(of_type(&t, "AWS::KMS::Key").is_empty());
    assert_eq!(
        t["Resources"]["RNotebook"]["Properties"]["KmsKeyId"],
        "1234abcd-12ab-34cd-56ef-1234567890ab"
    );
    let role = t["Resources"]["RNotebookExecutionRole"].to_string();
    assert!(
        role.contains("key/1234abcd-12ab-34cd-56ef-1234567890ab"),
        "{role}"
    );
}

#[test]
fn lifecycle_scripts_are_base64_encoded_as_cloudformation_wants() {
    let ok = place(&[Service::SAGEMAKER_API, Service::SAGEMAKER_NOTEBOOK]);
    let mut stack = Stack::new("S");
    let nb = NotebookInstance::new("R", &ok)
        .lifecycle_config(LifecycleConfig::on_create("echo created").and_on_start("echo started"))
        .add_to(&mut stack)
        .unwrap();
    let id = nb.lifecycle.unwrap();
    let t = stack.template().to_value();
    let lc = &t["Resources"][id.logical_id().as_str()]["Properties"];
    assert_eq!(
        lc["OnCreate"],
        json!([{"Content": {"Fn::Base64": "echo created"}}])
    );
    assert_eq!(
        lc["OnStart"],
        json!([{"Content": {"Fn::Base64": "echo started"}}])
    );
    let on_start = LifecycleConfig::on_start("echo started");
    let mut stack = Stack::new("S");
    NotebookInstance::new("R", &ok)
        .lifecycle_config(on_start)
        .add_to(&mut stack)
        .unwrap();
    let t = stack.template().to_value();
    let lc = &t["Resources"]["RNotebookLifecycleConfig"]["Properties"];
    assert_eq!(
        lc["OnStart"],
        json!([{"Content": {"Fn::Base64": "echo started"}}])
    );
    assert!(lc.get("OnCreate").is_none());
}
