//! `airgap report` on templates with SageMaker workloads: each workload's subnet, groups, the
//! endpoints it reaches on 443, and the guardrail's decisions.

use crate::examples::sagemaker_workloads as example;

use airgap::analysis::workloads;
use airgap::net::Service;
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::patterns::workloads::WorkloadProducts;
use airgap::render::{ReportOptions, review_report};
use airgap::sagemaker::WorkloadKind;
use airgap::template::{Stack, Template};

fn example() -> Template {
    Template::parse(&example::build().unwrap()).unwrap()
}

#[test]
fn the_report_places_each_workload_in_the_network() {
    let report = workloads(&example());
    let nb = report
        .workloads
        .iter()
        .find(|w| w.id == "ResearchNotebook")
        .unwrap();
    assert_eq!(nb.kind, "notebook instance");
    assert_eq!(nb.subnets, ["!Ref DataSciencePrivateSubnet1"]);
    assert_eq!(
        nb.groups,
        ["!GetAtt DataScienceWorkloadsSecurityGroup.GroupId"]
    );
    // The workload group reaches every interface endpoint (they admit 443 from it), and no
    // other group.
    assert_eq!(
        nb.reaches,
        [
            "SagemakerApiEndpoint",
            "SagemakerRuntimeEndpoint",
            "StsEndpoint",
            "LogsEndpoint",
            "NotebookEndpoint",
            "StudioEndpoint"
        ]
    );
    assert!(nb.guardrail.as_ref().unwrap().allowed, "{:?}", nb.guardrail);
    let domain = report
        .workloads
        .iter()
        .find(|w| w.id == "ResearchDomain")
        .unwrap();
    assert_eq!(domain.subnets.len(), 3);
    assert!(
        domain
            .settings
            .contains(&"AppNetworkAccessType: VpcOnly".to_string())
    );
}

#[test]
fn the_guardrail_table_allows_the_compliant_requests_and_denies_the_others() {
    let table = workloads(&example()).guardrail_table;
    assert_eq!(table.len(), 10);
    let allowed: Vec<&str> = table
        .iter()
        .filter(|g| g.allowed)
        .map(|g| g.request.as_str())
        .collect();
    assert_eq!(
        allowed,
        [
            "a notebook in the network, private and encrypted",
            "a training job in the network, encrypted"
        ]
    );
    let direct = table
        .iter()
        .find(|g| g.request.contains("direct internet"))
        .unwrap();
    assert!(
        direct.decision.contains("DenyDirectInternetAccess"),
        "{}",
        direct.decision
    );
}

#[test]
fn a_hand_written_notebook_with_internet_access_is_denied_by_the_guardrail() {
    let t = Template::parse(
        r#"{"Resources": {
            "Sn": {"Type": "AWS::EC2::Subnet", "Properties": {"VpcId": "vpc-1", "CidrBlock": "10.0.0.0/24"}},
            "Nb": {"Type": "AWS::SageMaker::NotebookInstance", "Properties": {
                "InstanceType": "ml.t3.medium", "RoleArn": "arn:aws:iam::111122223333:role/r",
                "SubnetId": {"Ref": "Sn"}, "SecurityGroupIds": ["sg-1"], "KmsKeyId": "k",
                "DirectInternetAccess": "Enabled"}}}}"#,
    )
    .unwrap();
    let w = &workloads(&t).workloads[0];
    let g = w.guardrail.as_ref().unwrap();
    assert!(!g.allowed);
    assert!(
        g.decision.contains("DenyDirectInternetAccess"),
        "{}",
        g.decision
    );
    assert!(
        w.settings
            .contains(&"RootAccess: Enabled (AWS's default)".to_string()),
        "{:?}",
        w.settings
    );
}

#[test]
fn the_review_report_of_the_example_shows_the_workloads_section() {
    let md = review_report(&example(), &ReportOptions::default()).unwrap();
    assert!(md.contains("## SageMaker workloads"));
    assert!(md.contains("| a notebook with direct internet access | **denied by"));
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("sagemaker_workloads_review", md);
    });
}

#[test]
fn a_workload_product_is_reported_with_its_parameters() {
    let network = SecureSageMakerNetwork::new("DataScience").endpoint(Service::SAGEMAKER_NOTEBOOK);
    let products =
        WorkloadProducts::new(&network, &Stack::new("Ds"), &[WorkloadKind::Notebook]).unwrap();
    let t = products.products[0].1.synth().unwrap().into_template();
    let w = &workloads(&t).workloads[0];
    assert_eq!(w.subnets, ["!Ref SubnetId"]);
    assert_eq!(w.groups, ["!Ref WorkloadSecurityGroupId"]);
    assert!(
        w.reaches.is_empty(),
        "the endpoints are in the network product"
    );
    assert!(w.guardrail.as_ref().unwrap().allowed);
}

#[test]
fn a_network_without_workloads_gets_no_workload_section() {
    let mut stack = Stack::new("N");
    SecureSageMakerNetwork::new("Ds")
        .add_to(&mut stack)
        .unwrap();
    let t = stack.synth().unwrap().into_template();
    assert!(workloads(&t).workloads.is_empty());
    assert!(
        !review_report(&t, &ReportOptions::default())
            .unwrap()
            .contains("SageMaker workloads")
    );
}

#[test]
fn airgap_report_and_check_on_a_workload_template_from_the_shell() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("report_workloads");
    std::fs::create_dir_all(&dir).unwrap();
    let path = dir.join("workloads.json");
    std::fs::write(&path, example::build().unwrap()).unwrap();
    let check = std::process::Command::new(env!("CARGO_BIN_EXE_airgap"))
        .arg("check")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(
        check.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&check.stdout)
    );
    let report = std::process::Command::new(env!("CARGO_BIN_EXE_airgap"))
        .arg("report")
        .arg(&path)
        .output()
        .unwrap();
    assert_eq!(report.status.code(), Some(0));
    let md = String::from_utf8(report.stdout).unwrap();
    assert!(
        md.contains(
            "| `ResearchNotebook` | notebook instance | `!Ref DataSciencePrivateSubnet1` |"
        ),
        "{md}"
    );
    assert!(md.contains("### Guardrail decisions"));
}
