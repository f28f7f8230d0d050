//! The Service Catalog package of `examples/service_catalog.rs`: what a platform engineer
//! uploads. Its templates pass cfn-lint, its publish script passes bash -n and shellcheck, the
//! manifest describes the files as written, and the launch role allows only what the products
//! create.

use crate::common;

use crate::examples::service_catalog as example;

use std::path::{Path, PathBuf};
use std::process::Command;

use airgap::catalog::package::WriteOptions;
use airgap::catalog::{
    OrganizationNode, Portfolio, PortfolioPrincipal, Product, ProductVersion, StackSetRollout,
    sha256_hex,
};
use airgap::render::publish::write_package;
use airgap::template::{Resource, Stack, Template};
use serde_json::Value;

fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("service_catalog");
    std::fs::create_dir_all(&dir).unwrap();
    dir.join(name)
}

fn write_example(name: &str) -> PathBuf {
    let dir = scratch(name);
    let release = example::release().expect("the example's portfolio builds");
    write_package(&dir, &release, WriteOptions { force: true }).expect("the package is written");
    dir
}

fn read(dir: &Path, file: &str) -> String {
    std::fs::read_to_string(dir.join(file)).unwrap_or_else(|e| panic!("{file}: {e}"))
}

fn json(dir: &Path, file: &str) -> Value {
    serde_json::from_str(&read(dir, file)).expect("valid JSON")
}

/// The product files of the package, from its manifest.
fn product_files(manifest: &Value) -> Vec<String> {
    manifest["products"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["versions"].as_array().unwrap())
        .map(|v| v["file"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_template_of_the_package_passes_cfn_lint() {
    let dir = write_example("lint");
    let manifest = json(&dir, "manifest.json");
    let mut templates = vec![(
        "portfolio.template.json".to_string(),
        read(&dir, "portfolio.template.json"),
    )];
    for f in product_files(&manifest) {
        templates.push((f.replace('/', "-"), read(&dir, &f)));
    }
    assert_eq!(
        templates.len(),
        5,
        "the portfolio, the whole network and its three parts"
    );
    common::cfn_lint(&templates);
}

#[test]
fn the_portfolio_template_and_publish_script_match_the_reviewed_snapshots() {
    let dir = write_example("snapshots");
    insta::with_settings!({snapshot_path => "../../snapshots", prepend_module_to_snapshot => false}, {
        insta::assert_snapshot!("service_catalog_portfolio", read(&dir, "portfolio.template.json"));
        insta::assert_snapshot!("service_catalog_publish_sh", read(&dir, "publish.sh"));
    });
}

#[test]
fn the_package_has_one_file_per_product_version_and_the_manifest_describes_them() {
    let dir = write_example("manifest");
    let manifest = json(&dir, "manifest.json");
    let files = product_files(&manifest);
    assert_eq!(
        files.len(),
        std::fs::read_dir(dir.join("products")).unwrap().count()
    );
    for p in manifest["products"].as_array().unwrap() {
        for v in p["versions"].as_array().unwrap() {
            let bytes = std::fs::read(dir.join(v["file"].as_str().unwrap())).unwrap();
            assert_eq!(v["sha256"], sha256_hex(&bytes), "{}", v["file"]);
            assert_eq!(v["bytes"], bytes.len());
            let name = v["name"].as_str().unwrap();
            let label = v["label"].as_str().unwrap();
            assert_eq!(name, format!("{label}-{}", &sha256_hex(&bytes)[..8]));
            let parameters: Vec<&Value> = v["parameters"]
                .as_array()
                .unwrap()
                .iter()
                .map(|p| &p["name"])
                .collect();
            assert!(
                parameters.contains(&&Value::from("ProjectName"))
                    && parameters.contains(&&Value::from("EnvType")),
                "the launch form's parameters are listed: {parameters:?}"
            );
            assert!(v["resources"].as_u64().unwrap() > 0);
        }
    }
    let portfolio = std::fs::read(dir.join("portfolio.template.json")).unwrap();
    assert_eq!(manifest["portfolio"]["sha256"], sha256_hex(&portfolio));
    assert_eq!(
        manifest["launch_order"],
        serde_json::json!([
            "sagemaker-network",
            "network-vpc",
            "network-security-groups",
            "network-endpoints"
        ])
    );
    let vpc = &manifest["products"][1];
    assert_eq!(vpc["versions"][0]["resource_types"]["AWS::EC2::VPC"], 1);
    assert!(vpc["versions"][0]["resource_types"]["AWS::EC2::VPCEndpoint"].is_null());
    let endpoints = &manifest["products"][3];
    assert_eq!(
        endpoints["after"],
        serde_json::json!(["network-security-groups"])
    );
    let whole = &manifest["products"][0]["versions"][0];
    assert!(
        whole["bytes"].as_u64().unwrap() > 51_200,
        "the whole network is over the inline limit"
    );
    assert!(
        whole["notes"][0]
            .as_str()
            .unwrap()
            .contains("loads products from S3")
    );
    let actions = manifest["products"][0]["launch_role_actions"]
        .as_array()
        .unwrap();
    assert!(actions.iter().any(|a| a == "ec2:CreateVpcEndpoint"));
}

#[test]
fn publish_sh_passes_bash_n_and_shellcheck() {
    let dir = write_example("shellcheck");
    common::check_shell_script(&dir.join("publish.sh"));
    let shared = shared_package("shellcheck-shared");
    common::check_shell_script(&shared.join("publish.sh"));
}

#[test]
fn publish_sh_dry_run_prints_the_uploads_then_the_deploy_and_runs_nothing() {
    let dir = write_example("dry-run");
    let out = Command::new("bash")
        .arg(dir.join("publish.sh"))
        .args([
            "--dry-run",
            "--bucket",
            "my-templates",
            "--prefix",
            "ml/",
            "--data-scientists-principal-arn",
            "arn:aws:iam::123456789012:role/ml/Data+Scientists",
        ])
        .env(
            "PLATFORM_ADMINS_PRINCIPAL_ARN",
            "arn:aws:iam::123456789012:role/Admins",
        )
        .env("PATH", "/usr/bin:/bin")
        .env_remove("AWS_REGION")
        .output()
        .expect("run publish.sh");
    let stdout = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success(),
        "{stdout}{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let lines: Vec<&str> = stdout.lines().collect();
    let manifest = json(&dir, "manifest.json");
    for (i, f) in product_files(&manifest).iter().enumerate() {
        assert!(lines[i].starts_with("+ aws s3 cp"), "{}", lines[i]);
        assert!(
            lines[i].ends_with(&format!("s3://my-templates/ml/{f}")),
            "{}",
            lines[i]
        );
    }
    let deploy = lines.last().unwrap();
    assert!(deploy.starts_with("+ aws cloudformation deploy"));
    assert!(deploy.contains("TemplateBucket=my-templates KeyPrefix=ml/"));
    assert!(
        deploy.contains(
            "DataScientistsPrincipalArn=arn:aws:iam::123456789012:role/ml/Data+Scientists"
        ),
        "{deploy}"
    );
}

#[test]
fn publish_sh_refuses_to_run_without_a_bucket_or_with_a_changed_template() {
    let dir = write_example("refuse");
    let run = |args: &[&str]| {
        Command::new("bash")
            .arg(dir.join("publish.sh"))
            .args(args)
            .env(
                "DATA_SCIENTISTS_PRINCIPAL_ARN",
                "arn:aws:iam::123456789012:role/Ds",
            )
            .env(
                "PLATFORM_ADMINS_PRINCIPAL_ARN",
                "arn:aws:iam::123456789012:role/Admins",
            )
            .env_remove("AIRGAP_BUCKET")
            .output()
            .unwrap()
    };
    let out = run(&["--dry-run"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("--bucket"));
    let manifest = json(&dir, "manifest.json");
    let first = &product_files(&manifest)[0];
    std::fs::write(dir.join(first), "{}").unwrap();
    let out = run(&["--dry-run", "--bucket", "my-templates"]);
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("has changed since airgap wrote it"));
    assert!(out.stdout.is_empty(), "nothing was run");
}

fn small_template(name: &str) -> Template {
    let mut stack = Stack::new(name);
    stack
        .add_resource_of(
            "Vpc",
            "Vpc",
            Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"),
        )
        .unwrap();
    // A stand-in product body, not a network to ship: the privacy checks (flow logs, ...) do
    // not apply to it.
    stack.synth_unchecked().unwrap().into_template()
}

fn shared_package(name: &str) -> PathBuf {
    let release = Portfolio::new("Shared networks", "Platform")
        .product(
            Product::new("vpc", "Platform")
                .version(ProductVersion::new("1.0.0", small_template("A")))
                .stack_set_rollout(
                    StackSetRollout::new(
                        "arn:aws:iam::123456789012:role/AWSCloudFormationStackSetAdministrationRole",
                        "AWSCloudFormationStackSetExecutionRole",
                    )
                    .accounts(["210987654321", "333333333333"])
                    .regions(["eu-west-1", "eu-central-1"]),
                ),
        )
        .principal(
            PortfolioPrincipal::new("Admins", "Administrators")
                .default_arn("arn:aws:iam::123456789012:role/Admins"),
        )
        .share_with_account("210987654321")
        .share_with_organization(OrganizationNode::OrganizationalUnit(
            "ou-ab12-cd34ef56".into(),
        ))
        .build()
        .expect("the shared portfolio builds");
    let dir = scratch(name);
    write_package(&dir, &release, WriteOptions { force: true }).unwrap();
    dir
}

#[test]
fn a_shared_portfolio_with_a_stack_set_rollout_passes_cfn_lint_and_shares_with_the_ou() {
    let dir = shared_package("shared");
    let portfolio = json(&dir, "portfolio.template.json");
    let types: Vec<&str> = portfolio["Resources"]
        .as_object()
        .unwrap()
        .values()
        .map(|r| r["Type"].as_str().unwrap())
        .collect();
    assert!(types.contains(&"AWS::ServiceCatalog::PortfolioShare"));
    assert!(types.contains(&"AWS::ServiceCatalog::StackSetConstraint"));
    let script = read(&dir, "publish.sh");
    assert!(script.contains("servicecatalog create-portfolio-share"));
    assert!(script.contains("'Type=ORGANIZATIONAL_UNIT,Value=ou-ab12-cd34ef56'"));
    common::cfn_lint(&[(
        "shared-portfolio.template.json".into(),
        read(&dir, "portfolio.template.json"),
    )]);
}

#[test]
fn the_same_template_bytes_give_the_same_version_name_and_new_bytes_a_new_one() {
    let name_of = |t: Template| {
        let release = Portfolio::new("P", "Platform")
            .product(Product::new("vpc", "Platform").version(ProductVersion::new("1.0.0", t)))
            .build()
            .unwrap();
        release.products[0].versions[0].name.clone()
    };
    let first = name_of(small_template("A"));
    assert_eq!(first, name_of(small_template("A")));
    let mut changed = small_template("A");
    changed.description = Some("now with a description".into());
    assert_ne!(first, name_of(changed));
    assert!(first.starts_with("1.0.0-") && first.len() == "1.0.0-".len() + 8);
}

#[test]
fn the_launch_role_allows_only_what_the_network_creates() {
    let release = example::release().unwrap();
    let policy = release.launch_role_policies["sagemaker-network"].to_value();
    let mut all_actions = Vec::new();
    for s in policy["Statement"].as_array().unwrap() {
        let actions: Vec<&str> = s["Action"]
            .as_array()
            .unwrap()
            .iter()
            .map(|a| a.as_str().unwrap())
            .collect();
        for a in &actions {
            assert!(!a.contains('*'), "no wildcard actions: {a}");
            let service = a.split(':').next().unwrap();
            assert!(
                [
                    "cloudformation",
                    "s3",
                    "ec2",
                    "kms",
                    "logs",
                    "iam",
                    "route53",
                    "ssm"
                ]
                .contains(&service),
                "{a} is not needed by the network"
            );
        }
        if s["Resource"] == "*" {
            assert_eq!(
                s["Condition"]["StringEquals"]["aws:RequestedRegion"],
                serde_json::json!({"Ref": "AWS::Region"}),
                "{}",
                s["Sid"]
            );
            for a in &actions {
                assert!(
                    a.starts_with("ec2:Describe")
                        || [
                            "kms:CreateKey",
                            "logs:DescribeLogGroups",
                            "logs:CreateLogDelivery",
                            "logs:DeleteLogDelivery",
                            "cloudformation:GetTemplateSummary",
                            "cloudformation:ValidateTemplate"
                        ]
                        .contains(a),
                    "{a} must not be on every resource"
                );
            }
        }
        all_actions.extend(actions);
    }
    for needed in [
        "cloudformation:CreateStack",
        "s3:GetObject",
        "ec2:CreateVpc",
        "ec2:CreateSubnet",
        "ec2:AssociateRouteTable",
        "ec2:AuthorizeSecurityGroupEgress",
        "ec2:CreateVpcEndpoint",
        "ec2:CreateFlowLogs",
        "ec2:DescribeAvailabilityZones",
        "kms:CreateKey",
        "kms:ScheduleKeyDeletion",
        "logs:CreateLogGroup",
        "iam:CreateRole",
        "iam:PassRole",
        "route53:AssociateVPCWithHostedZone",
    ] {
        assert!(all_actions.contains(&needed), "{needed} is missing");
    }
    assert!(
        all_actions.contains(&"ssm:PutParameter"),
        "the network publishes IDs in SSM"
    );
    let parameters = policy["Statement"]
        .as_array()
        .unwrap()
        .iter()
        .find(|s| s["Sid"] == "ManageParameters")
        .expect("a statement for the SSM parameters");
    for arn in parameters["Resource"].as_array().unwrap() {
        let arn = arn["Fn::Sub"].as_str().unwrap();
        assert!(
            arn.contains(":parameter/*/*/network/"),
            "only the network's own names: {arn}"
        );
    }
    let actions_of = |product: &str| -> Vec<String> {
        release.launch_role_policies[product]
            .statements()
            .iter()
            .flat_map(|s| s.action_names().to_vec())
            .collect()
    };
    assert!(
        !actions_of("network-vpc").contains(&"ec2:CreateVpcEndpoint".to_string()),
        "the VPC product creates no endpoint"
    );
    let groups = actions_of("network-security-groups");
    assert!(
        !groups.contains(&"ec2:CreateVpc".to_string()),
        "the groups product creates no VPC"
    );
    assert!(
        !groups.iter().any(|a| a.starts_with("kms:")),
        "the groups product creates no key"
    );
    assert!(
        !all_actions.contains(&"iam:AttachRolePolicy"),
        "no role of the network takes a managed policy"
    );
    let portfolio = release.portfolio.to_json_pretty();
    assert!(!portfolio.contains("AdministratorAccess"));
    assert!(!portfolio.contains("ManagedPolicyArns"));
}

#[test]
fn names_from_the_template_scope_roles_and_parameters() {
    use airgap::catalog::launch_role::derive_policy;
    let mut t = Template::default();
    t.parameters
        .insert("Project".into(), airgap::template::Parameter::string());
    t.resources.insert(
        "VpcIdParameter".into(),
        Resource::new("AWS::SSM::Parameter")
            .property(
                "Name",
                serde_json::json!({"Fn::Sub": "/airgap/${Project}/vpc-id"}),
            )
            .property("Type", "String")
            .property("Value", "vpc-1"),
    );
    t.resources.insert(
        "Role".into(),
        Resource::new("AWS::IAM::Role")
            .property("RoleName", "ml-notebooks")
            .property(
                "PermissionsBoundary",
                airgap::catalog::boundary_arn("b").to_value(),
            )
            .property(
                "ManagedPolicyArns",
                serde_json::json!(["arn:aws:iam::aws:policy/ReadOnlyAccess"]),
            ),
    );
    let policy = derive_policy(&[("p", &t)]).unwrap().to_value().to_string();
    assert!(policy.contains(":parameter/airgap/*/vpc-id"), "{policy}");
    assert!(policy.contains(":role/ml-notebooks"), "{policy}");
    assert!(
        policy.contains(r#""iam:PolicyARN":"arn:aws:iam::aws:policy/ReadOnlyAccess""#),
        "{policy}"
    );
}

#[test]
fn a_product_template_over_the_inline_limit_is_fine_and_the_manifest_says_so() {
    let mut t = Template::default();
    for i in 0..400 {
        t.resources.insert(
            format!("Parameter{i}"),
            Resource::new("AWS::SSM::Parameter")
                .property("Type", "String")
                .property("Value", "a value long enough to make the template large"),
        );
    }
    let release = Portfolio::new("P", "Platform")
        .product(Product::new("params", "Platform").version(ProductVersion::new("1.0.0", t)))
        .build()
        .unwrap();
    let manifest = airgap::catalog::package::manifest(&release).unwrap();
    let version = &manifest["products"][0]["versions"][0];
    assert!(version["bytes"].as_u64().unwrap() > 51_200);
    let note = version["notes"][0].as_str().unwrap();
    assert!(
        note.contains("Service Catalog loads products from S3"),
        "{note}"
    );
}

#[test]
fn publish_sh_checks_every_argument_before_the_first_upload() {
    let dir = write_example("arguments");
    let good = [
        ("--bucket", "my-templates"),
        ("--region", "eu-west-1"),
        (
            "--data-scientists-principal-arn",
            "arn:aws:iam::123456789012:role/DataScientists",
        ),
        (
            "--platform-admins-principal-arn",
            "arn:aws:iam::123456789012:role/PlatformAdmins",
        ),
    ];
    let run = |change: (&str, &str)| {
        let mut args = vec!["--dry-run".to_string()];
        for (k, v) in good {
            args.push(k.to_string());
            args.push(if k == change.0 { change.1 } else { v }.to_string());
        }
        Command::new("bash")
            .arg(dir.join("publish.sh"))
            .args(&args)
            .env("PATH", "/usr/bin:/bin")
            .output()
            .expect("run publish.sh")
    };
    let ok = run(("--bucket", "my-templates"));
    assert!(
        ok.status.success(),
        "{}",
        String::from_utf8_lossy(&ok.stderr)
    );
    for (option, value, says) in [
        // IAM names allow letters, digits and +=,.@_- only: a space is no ARN at all.
        (
            "--data-scientists-principal-arn",
            "arn:aws:iam::123456789012:role/Data Scientists",
            "must be an IAM role, user or group ARN",
        ),
        (
            "--platform-admins-principal-arn",
            "arn:aws:iam::12345:role/Admins",
            "must be an IAM role, user or group ARN",
        ),
        ("--bucket", "My_Templates", "not an S3 bucket name"),
        ("--bucket", "192.168.5.4", "not an S3 bucket name"),
        ("--region", "eu-wst-1", "not an AWS region"),
    ] {
        let out = run((option, value));
        assert_eq!(out.status.code(), Some(2), "{option} {value}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains(says), "{option} {value}: {stderr}");
        assert!(
            out.stdout.is_empty(),
            "{option} {value}: nothing is uploaded before every argument is checked"
        );
    }
}
