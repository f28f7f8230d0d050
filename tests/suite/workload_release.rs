//! The release with SageMaker workload products: the portfolio offers the network products and
//! the workload products, launched network first; each workload product's launch role covers
//! the handler permissions of the official resource schemas; the guardrail travels in the
//! portfolio template and as plain JSON.

use crate::common;

use airgap::catalog::Release;
use airgap::catalog::launch_role::derive_policy;
use airgap::iam::{Outcome, PolicyDocument, Request, wildcard_match};
use airgap::net::Service;
use airgap::patterns::portfolio::{NetworkPortfolio, NetworkProduct};
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::sagemaker::WorkloadKind;
use airgap::template::{Resource, Stack, Template};
use serde_json::{Value, json};

const SUBNETS: [&str; 2] = ["subnet-0aaa1111", "subnet-0bbb2222"];
const GROUP: &str = "sg-0ccc3333";

fn portfolio() -> NetworkPortfolio {
    let network = SecureSageMakerNetwork::new("DataScience")
        .endpoint(Service::SAGEMAKER_NOTEBOOK)
        .endpoint(Service::SAGEMAKER_STUDIO)
        .read_bucket("my_secure_bucket");
    NetworkPortfolio::new(
        Stack::new("SageMakerNetwork").export_prefix("${ProjectName}-${EnvType}"),
        network,
    )
    .principal("DataScientists", "Data scientists' IAM role ARN")
    .workloads(&WorkloadKind::ALL)
}

fn release() -> Release {
    portfolio()
        .guardrail_ids(SUBNETS.map(String::from).to_vec(), vec![GROUP.into()])
        .release()
        .unwrap()
}

#[test]
fn every_network_product_is_named_as_the_portfolio_makes_it() {
    let names: Vec<&str> = NetworkProduct::ALL.iter().map(|p| p.name()).collect();
    assert_eq!(release().launch_order, names);
}

#[test]
fn the_portfolio_offers_network_and_workload_products_network_first() {
    let r = release();
    assert_eq!(
        r.launch_order,
        [
            "sagemaker-network",
            "network-vpc",
            "network-security-groups",
            "network-endpoints",
            "workload-notebook",
            "workload-studio-domain",
            "workload-studio-user-profile"
        ]
    );
    let manifest = airgap::catalog::package::manifest(&r).unwrap();
    assert_eq!(manifest["launch_order"][4], "workload-notebook");
}

/// The schema's handler permissions (create, read, update, delete; `list` is not called when a
/// stack is launched) of `file` in tests/fixtures/sagemaker-schemas/.
fn handler_permissions(file: &str) -> (String, Vec<String>) {
    let path = format!(
        "{}/tests/fixtures/sagemaker-schemas/{file}",
        env!("CARGO_MANIFEST_DIR")
    );
    let schema: Value = serde_json::from_str(&std::fs::read_to_string(path).unwrap()).unwrap();
    let mut actions = Vec::new();
    for handler in ["create", "read", "update", "delete"] {
        for a in schema["handlers"][handler]["permissions"]
            .as_array()
            .into_iter()
            .flatten()
        {
            let a = a.as_str().unwrap();
            // The Domain schema writes `efs:CreateFileSystem`, but EFS's IAM prefix is
            // `elasticfilesystem` (no service has the prefix `efs` in the Service Authorization
            // Reference, as the catalog check below shows): the real action is what is granted.
            let a = match a.strip_prefix("efs:") {
                Some(name) => {
                    assert!(!airgap::iam::catalog::is_service("efs"));
                    format!("elasticfilesystem:{name}")
                }
                None => a.to_string(),
            };
            actions.push(a);
        }
    }
    (schema["typeName"].as_str().unwrap().to_string(), actions)
}

fn granted(policy: &PolicyDocument) -> Vec<String> {
    policy
        .statements()
        .iter()
        .filter(|s| s.effect() == airgap::iam::Effect::Allow)
        .flat_map(|s| s.action_names().to_vec())
        .collect()
}

fn uncovered(policy: &PolicyDocument, needed: &[String]) -> Vec<String> {
    let granted = granted(policy);
    needed
        .iter()
        // IAM action names are case-insensitive (the Domain schema spells
        // kms:GenerateDataKeyWithoutPlainText, the Service Authorization Reference
        // ...WithoutPlaintext).
        .filter(|a| !granted.iter().any(|g| wildcard_match(g, a, true)))
        .cloned()
        .collect()
}

#[test]
fn each_workload_launch_role_covers_the_schema_handler_permissions_of_its_types() {
    let r = release();
    let schemas: Vec<(String, Vec<String>)> = [
        "aws-sagemaker-domain.json",
        "aws-sagemaker-userprofile.json",
        "aws-sagemaker-space.json",
        "aws-sagemaker-app.json",
    ]
    .map(handler_permissions)
    .to_vec();
    let mut checked = 0;
    for p in r
        .products
        .iter()
        .filter(|p| p.name.starts_with("workload-"))
    {
        let t: Value = serde_json::from_str(&p.versions[0].body).unwrap();
        let policy = &r.launch_role_policies[&p.name];
        for (ty, needed) in &schemas {
            let uses = t["Resources"]
                .as_object()
                .unwrap()
                .values()
                .any(|res| res["Type"] == ty.as_str());
            if !uses {
                continue;
            }
            checked += 1;
            let missing = uncovered(policy, needed);
            assert!(
                missing.is_empty(),
                "{}'s launch role lacks {missing:?} of {ty}",
                p.name
            );
        }
    }
    assert_eq!(
        checked, 2,
        "the Studio products create a Domain and a UserProfile"
    );
}

#[test]
fn spaces_and_apps_get_their_schema_handler_permissions_too() {
    let mut stack = Stack::new("Spaces");
    stack
        .add_resource_of(
            "Space",
            "test",
            Resource::new("AWS::SageMaker::Space")
                .property("DomainId", "d-abc123")
                .property("SpaceName", "shared"),
        )
        .unwrap();
    stack
        .add_resource_of(
            "App",
            "test",
            Resource::new("AWS::SageMaker::App")
                .property("DomainId", "d-abc123")
                .property("AppName", "default")
                .property("AppType", "JupyterServer")
                .property("UserProfileName", "alice"),
        )
        .unwrap();
    let t: Template = stack.synth_unchecked().unwrap().into_template();
    let policy = derive_policy(&[("spaces", &t)]).unwrap();
    for file in ["aws-sagemaker-space.json", "aws-sagemaker-app.json"] {
        let (ty, needed) = handler_permissions(file);
        assert_eq!(uncovered(&policy, &needed), Vec::<String>::new(), "{ty}");
    }
}

#[test]
fn the_studio_launch_role_creates_only_vpc_only_domains_in_this_account() {
    let r = release();
    let policy = &r.launch_role_policies["workload-studio-domain"];
    let ask = |arn: &str| {
        Request::new("sagemaker:CreateDomain", arn)
            .account("111122223333")
            .region("eu-west-1")
            .context_values("sagemaker:VpcSubnets", ["subnet-0aaa1111"])
            .context("sagemaker:AppNetworkAccessType", "VpcOnly")
            .context("sagemaker:VolumeKmsKey", "key")
    };
    // Even the launch role cannot make a domain that leaves the network: a product template
    // edited to ask for one fails to launch.
    let public = ask("arn:aws:sagemaker:eu-west-1:111122223333:domain/d-abc123")
        .context("sagemaker:AppNetworkAccessType", "PublicInternetOnly");
    assert_eq!(
        policy.evaluate(&public).unwrap().outcome(),
        Outcome::ExplicitDeny
    );
    let here = policy
        .evaluate(&ask(
            "arn:aws:sagemaker:eu-west-1:111122223333:domain/d-abc123",
        ))
        .unwrap();
    assert_eq!(here.outcome(), Outcome::Allow, "{here}");
    let elsewhere = policy
        .evaluate(&ask(
            "arn:aws:sagemaker:eu-west-1:444455556666:domain/d-abc123",
        ))
        .unwrap();
    assert_eq!(elsewhere.outcome(), Outcome::ImplicitDeny, "{elsewhere}");
    let pass = Request::new(
        "iam:PassRole",
        "arn:aws:iam::111122223333:role/SC-111122223333-pp-abc-StudioExecutionRole-XYZ",
    )
    .account("111122223333")
    .region("eu-west-1")
    .context("iam:PassedToService", "sagemaker.amazonaws.com");
    assert_eq!(policy.evaluate(&pass).unwrap().outcome(), Outcome::Allow);
}

#[test]
fn the_guardrail_is_a_managed_policy_of_the_portfolio_and_plain_json_in_the_release() {
    let r = release();
    let t = r.portfolio.template().to_value();
    let guard = &t["Resources"]["GuardrailPolicy"];
    assert_eq!(guard["Type"], "AWS::IAM::ManagedPolicy");
    assert_eq!(guard["Condition"], "HasGuardrailNetwork");
    assert_eq!(
        t["Parameters"]["GuardrailSubnetIds"]["Default"],
        SUBNETS.join(",")
    );
    assert_eq!(
        guard["Properties"]["PolicyDocument"]["Statement"][1]["Condition"]["ForAnyValue:StringNotEquals"]
            ["sagemaker:VpcSubnets"],
        json!({"Ref": "GuardrailSubnetIds"})
    );
    let docs: Vec<&str> = r.documents.iter().map(|(p, _)| p.as_str()).collect();
    assert_eq!(
        docs,
        ["guardrail/identity-policy.json", "guardrail/scp.json"]
    );
    let plain = PolicyDocument::from_json(&r.documents[0].1).unwrap();
    let open_notebook = Request::new(
        "sagemaker:CreateNotebookInstance",
        "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/nb",
    )
    .context_values("sagemaker:VpcSubnets", [SUBNETS[0]])
    .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
    .context("sagemaker:VolumeKmsKey", "k")
    .context("sagemaker:RootAccess", "Disabled")
    .context("sagemaker:DirectInternetAccess", "Enabled");
    assert_eq!(
        plain.evaluate(&open_notebook).unwrap().outcome(),
        Outcome::ExplicitDeny
    );
    // Without the IDs the policy still ships in the template, created once they are given.
    let r = portfolio().release().unwrap();
    assert!(r.documents.is_empty());
    assert!(
        r.portfolio
            .template()
            .resources
            .contains_key("GuardrailPolicy")
    );
}

#[test]
fn the_release_templates_pass_cfn_lint_and_checkov() {
    let r = release();
    let mut all = vec![(
        "workload_release_portfolio.json".to_string(),
        r.portfolio.to_json_pretty().to_string(),
    )];
    for p in r
        .products
        .iter()
        .filter(|p| p.name.starts_with("workload-"))
    {
        all.push((
            format!("workload_release_{}.json", p.name),
            p.versions[0].body.clone(),
        ));
    }
    common::cfn_lint(&all);
    if let Some(failed) =
        common::checkov_failures("workload_release_portfolio_checkov.json", &all[0].1)
    {
        assert!(failed.is_empty(), "checkov: {failed:#?}");
    }
}

#[test]
fn the_portfolio_template_with_the_guardrail_matches_its_reviewed_snapshot() {
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("workload_release_portfolio", release().portfolio.to_json_pretty());
    });
}

#[test]
fn airgap_package_with_workloads_writes_them_after_the_network() {
    let dir = std::path::PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("workload_release");
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    let out = dir.join("release");
    let run = std::process::Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args([
            "package",
            "--workloads",
            "notebook,studio",
            "--bucket",
            "my_secure_bucket",
            "--out",
        ])
        .arg(&out)
        .output()
        .unwrap();
    assert_eq!(
        run.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&run.stderr)
    );
    let manifest: Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("manifest.json")).unwrap()).unwrap();
    let order: Vec<&str> = manifest["launch_order"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert_eq!(order.last(), Some(&"workload-studio-user-profile"));
    assert!(
        order.iter().position(|p| *p == "workload-notebook")
            > order.iter().position(|p| *p == "sagemaker-network")
    );
    let bad = std::process::Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args(["package", "--workloads", "canvas", "--out"])
        .arg(dir.join("bad"))
        .output()
        .unwrap();
    assert_eq!(bad.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&bad.stderr).contains("notebook, studio"));
    assert!(!dir.join("bad").exists());
}

#[test]
fn workload_execution_roles_carry_the_portfolio_boundary_and_the_user_profile_creates_no_role() {
    let r = release();
    let (boundary_name, _) = r.boundary.as_ref().expect("the products create roles");
    let mut roles = 0;
    for p in r
        .products
        .iter()
        .filter(|p| p.name.starts_with("workload-"))
    {
        let t = &p.versions.last().expect("a version").template;
        for (id, res) in &t.resources {
            if res.resource_type == "AWS::IAM::Role" {
                roles += 1;
                let b = res.properties["PermissionsBoundary"].to_string();
                assert!(
                    b.contains(&format!(":policy/{boundary_name}")),
                    "{}: {id} has boundary {b}",
                    p.name
                );
            }
        }
    }
    // The notebook's and the Studio domain's execution roles.
    assert_eq!(roles, 2);
    // The user profile passes the domain's role but creates none: its launch role may not
    // create roles at all.
    let profile = r.launch_role_policies["workload-studio-user-profile"]
        .to_value()
        .to_string();
    assert!(!profile.contains("iam:CreateRole"), "{profile}");
    assert!(profile.contains("iam:PassRole"));
}
