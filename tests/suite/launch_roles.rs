//! Releases that launch the first time: every launch role grants what AWS's resource schemas
//! say CloudFormation calls, reads the template where Service Catalog puts it, creates roles
//! only inside the portfolio's permissions boundary; a product rolled out with StackSets has
//! no launch constraint; and every template of every release passes the validators.
//!
//! The judges: AWS's official resource-provider schemas (`data/resource-schemas/`, read here
//! independently of the library), AWS's Service Catalog and IAM documentation (quoted where
//! a rule is checked), the IAM action catalog's resource types, cfn-lint,
//! cloudformation-validate and checkov.

use crate::common;

use crate::examples::service_catalog as example;

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};

use airgap::catalog::CatalogError;
use airgap::catalog::launch_role::{check_grants, derive_policy};
use airgap::catalog::package::WriteOptions;
use airgap::catalog::{
    OrganizationNode, Portfolio, PortfolioPrincipal, Product, ProductVersion, Release,
    StackSetRollout,
};
use airgap::patterns::portfolio::{NetworkPortfolio, NetworkProduct, WHOLE_PRODUCT};
use airgap::patterns::sagemaker::SecureSageMakerNetwork;
use airgap::render::publish::write_package;
use airgap::template::{Resource, Stack, Template};
use serde_json::{Value, json};

fn packages_root() -> PathBuf {
    PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("packages")
}

fn write(name: &str, release: &Release) -> PathBuf {
    let dir = packages_root().join(name);
    write_package(&dir, release, WriteOptions { force: true }).expect("the package is written");
    dir
}

fn rollout() -> StackSetRollout {
    StackSetRollout::new(
        "AWSCloudFormationStackSetAdministrationRole",
        "AWSCloudFormationStackSetExecutionRole",
    )
    .accounts(["210987654321"])
    .regions(["eu-west-1", "eu-central-1"])
}

fn network_portfolio() -> NetworkPortfolio {
    NetworkPortfolio::new(
        Stack::new("SageMakerNetwork").export_prefix("${ProjectName}-${EnvType}"),
        SecureSageMakerNetwork::new("DataScience").read_bucket("my_secure_bucket"),
    )
    .principal("DataScientists", "Data scientists' IAM role ARN")
}

/// A VPC whose flow logs go to an S3 bucket: the configuration whose handler permissions
/// (`s3:GetBucketPolicy`, `s3:PutBucketPolicy`) the network's own flow logs do not need.
fn flow_logs_to_s3() -> Template {
    let mut stack = Stack::new("S3FlowLogs");
    let vpc = stack
        .add_resource_of(
            "Vpc",
            "Vpc",
            Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"),
        )
        .unwrap();
    stack
        .add_resource_of(
            "FlowLog",
            "FlowLog",
            Resource::new("AWS::EC2::FlowLog")
                .property("ResourceId", vpc.ref_().to_value())
                .property("ResourceType", "VPC")
                .property("TrafficType", "ALL")
                .property("LogDestinationType", "s3")
                .property("LogDestination", "arn:aws:s3:::my-flow-log-bucket"),
        )
        .unwrap();
    stack.synth_unchecked().unwrap().into_template()
}

/// Every release the tests of this file write, by folder name.
fn every_release() -> Vec<(&'static str, Release)> {
    vec![
        ("example", example::release().expect("the example builds")),
        (
            "network-whole-only",
            network_portfolio().without_split().release().unwrap(),
        ),
        (
            "network-stack-set",
            network_portfolio()
                .share_with_account("210987654321")
                .share_with_organization(OrganizationNode::OrganizationalUnit(
                    "ou-ab12-cd34ef56".into(),
                ))
                .stack_set_rollout(NetworkProduct::Whole, rollout())
                .release()
                .unwrap(),
        ),
        (
            "flow-logs-to-s3",
            Portfolio::new("Flow logs", "Platform")
                .product(
                    Product::new("s3-flow-logs", "Platform")
                        .version(ProductVersion::new("1.0.0", flow_logs_to_s3())),
                )
                .principal(
                    PortfolioPrincipal::new("Admins", "Administrators")
                        .default_arn("arn:aws:iam::123456789012:role/Admins"),
                )
                .build()
                .unwrap(),
        ),
    ]
}

fn read_json(path: &Path) -> Value {
    let text = std::fs::read_to_string(path).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
    serde_json::from_str(&text).expect("valid JSON")
}

/// The create/read/update/delete permissions of every official schema in the repository, by
/// type, read straight from the schema files.
fn schema_permissions() -> Vec<(String, BTreeSet<String>)> {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("data/resource-schemas");
    let mut out = Vec::new();
    for entry in std::fs::read_dir(dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().is_some_and(|e| e == "json") {
            let schema = read_json(&path);
            let mut actions = BTreeSet::new();
            for handler in ["create", "read", "update", "delete"] {
                for a in schema["handlers"][handler]["permissions"]
                    .as_array()
                    .into_iter()
                    .flatten()
                {
                    actions.insert(a.as_str().unwrap().to_string());
                }
            }
            out.push((schema["typeName"].as_str().unwrap().to_string(), actions));
        }
    }
    assert!(out.len() >= 4, "the schemas are in data/resource-schemas");
    out
}

/// Schema permissions a resource does not need, and why: each is called only by a
/// configuration the resource does not have.
fn exempt(resource: &Value, resource_type: &str, action: &str) -> bool {
    let props = &resource["Properties"];
    match (resource_type, action) {
        // The flow-log handler reads and writes the destination bucket's policy only when the
        // logs go to S3.
        ("AWS::EC2::FlowLog", "s3:GetBucketPolicy" | "s3:PutBucketPolicy") => {
            props["LogDestinationType"] != "s3"
        }
        // It passes a role only when it delivers with one (CloudWatch Logs).
        ("AWS::EC2::FlowLog", "iam:PassRole") => props.get("DeliverLogsPermissionArn").is_none(),
        _ => false,
    }
}

fn glob(pattern: &str, text: &str) -> bool {
    let (p, t) = (pattern.to_ascii_lowercase(), text.to_ascii_lowercase());
    match p.split_once('*') {
        None => p == t,
        Some((head, rest)) => {
            t.starts_with(head)
                && (0..=t.len() - head.len()).any(|i| glob(rest, &t[head.len() + i..]))
        }
    }
}

fn allows(policy: &Value, action: &str) -> bool {
    policy["Statement"].as_array().unwrap().iter().any(|s| {
        s["Effect"] == "Allow"
            && match &s["Action"] {
                Value::String(a) => glob(a, action),
                Value::Array(list) => list.iter().any(|a| glob(a.as_str().unwrap(), action)),
                _ => false,
            }
    })
}

/// The policy each product of a written package launches with: its launch role's, or for a
/// StackSet roll-out the execution role's the manifest asks for.
fn policies_by_product_file(dir: &Path) -> Vec<(String, Value)> {
    let manifest = read_json(&dir.join("manifest.json"));
    let portfolio = read_json(&dir.join("portfolio.template.json"));
    let resources = portfolio["Resources"].as_object().unwrap();
    let mut out = Vec::new();
    for p in manifest["products"].as_array().unwrap() {
        let name = p["name"].as_str().unwrap();
        for v in p["versions"].as_array().unwrap() {
            let file = v["file"].as_str().unwrap();
            // The product resource that loads this file, and the constraint on it.
            let (product_id, _) = resources
                .iter()
                .find(|(_, r)| {
                    r["Type"] == "AWS::ServiceCatalog::CloudFormationProduct"
                        && r.to_string().contains(file)
                })
                .unwrap_or_else(|| panic!("no product loads {file}"));
            let launch = resources.values().find(|r| {
                r["Type"] == "AWS::ServiceCatalog::LaunchRoleConstraint"
                    && r["Properties"]["ProductId"]["Ref"] == product_id.as_str()
            });
            let policy = match launch {
                Some(c) => {
                    let role = c["Properties"]["RoleArn"]["Fn::GetAtt"][0]
                        .as_str()
                        .unwrap();
                    resources[role]["Properties"]["Policies"][0]["PolicyDocument"].clone()
                }
                None => manifest["stack_set_constraints"]
                    .as_array()
                    .unwrap()
                    .iter()
                    .find(|s| s["product"] == name)
                    .unwrap_or_else(|| {
                        panic!("{name} has neither a launch role nor a StackSet roll-out")
                    })["execution_role_policy"]
                    .clone(),
            };
            out.push((file.to_string(), policy));
        }
    }
    out
}

#[test]
fn every_launch_role_grants_every_handler_permission_aws_lists_for_what_its_product_creates() {
    for (name, release) in every_release() {
        write(name, &release);
    }
    let schemas = schema_permissions();
    let mut checked_types = BTreeSet::new();
    let mut checked = 0;
    // Every package under the folder: this module's (other modules write theirs elsewhere, as
    // they run at the same time), and those of earlier runs that the current code wrote.
    for entry in std::fs::read_dir(packages_root()).unwrap() {
        let dir = entry.unwrap().path();
        if !dir.join("manifest.json").exists() || written_by_older_code(&dir) {
            continue;
        }
        for (file, policy) in policies_by_product_file(&dir) {
            let template = read_json(&dir.join(&file));
            if template.get("Resources").is_none() {
                // A test changed this file by hand to see publish.sh refuse it.
                continue;
            }
            for (id, r) in template["Resources"].as_object().unwrap() {
                let ty = r["Type"].as_str().unwrap();
                let Some((_, actions)) = schemas.iter().find(|(t, _)| t == ty) else {
                    continue;
                };
                checked_types.insert(ty.to_string());
                for a in actions.iter().filter(|a| !exempt(r, ty, a)) {
                    assert!(
                        allows(&policy, a),
                        "{}: {file}: `{id}` ({ty}) needs `{a}`, which its launch role lacks",
                        dir.display()
                    );
                    checked += 1;
                }
            }
        }
    }
    for ty in [
        "AWS::EC2::FlowLog",
        "AWS::KMS::Key",
        "AWS::Logs::LogGroup",
        "AWS::SSM::Parameter",
    ] {
        assert!(checked_types.contains(ty), "no package created a {ty}");
    }
    // The log-group handlers tag with the old API: these were missing once.
    assert!(checked > 100, "{checked} permissions checked");
}

#[test]
fn the_log_group_tagging_actions_of_the_schema_are_granted() {
    let release = example::release().unwrap();
    let policy = release.launch_role_policies[WHOLE_PRODUCT].to_value();
    for a in [
        "logs:TagLogGroup",
        "logs:UntagLogGroup",
        "logs:ListTagsLogGroup",
    ] {
        assert!(allows(&policy, a), "{a}");
    }
}

#[test]
fn flow_logs_to_s3_get_the_bucket_policy_actions_and_others_do_not() {
    let releases = every_release();
    let s3 = &releases
        .iter()
        .find(|(n, _)| *n == "flow-logs-to-s3")
        .unwrap()
        .1;
    let policy = s3.launch_role_policies["s3-flow-logs"].to_value();
    assert!(allows(&policy, "s3:PutBucketPolicy"));
    assert!(!allows(&policy, "iam:PassRole"), "no delivery role to pass");
    let network = example::release().unwrap().launch_role_policies[WHOLE_PRODUCT].to_value();
    assert!(!allows(&network, "s3:PutBucketPolicy"));
}

#[test]
fn the_launch_role_reads_the_template_from_service_catalogs_own_bucket_by_its_tag() {
    // AWS Service Catalog Administrator Guide, "Step 7: Grant end users access to the
    // portfolio": "When you configure a launch role for a launch constraint, you must use this
    // string for s3:GetObject: "s3:ExistingObjectTag/servicecatalog:provisioning":"true"", and
    // "Launch constraints": the role needs "Read access to the AWS CloudFormation template in a
    // service-owned Amazon S3 bucket."
    let release = example::release().unwrap();
    for (product, policy) in &release.launch_role_policies {
        let policy = policy.to_value();
        let reads: Vec<&Value> = policy["Statement"]
            .as_array()
            .unwrap()
            .iter()
            .filter(|s| s["Action"].to_string().contains("s3:GetObject"))
            .collect();
        assert_eq!(reads.len(), 1, "{product}");
        let read = reads[0];
        assert_eq!(
            read["Condition"]["StringEquals"]["s3:ExistingObjectTag/servicecatalog:provisioning"],
            "true",
            "{product}"
        );
        // Objects of any bucket (the service's bucket name is not published), never "*".
        assert_eq!(
            read["Resource"],
            json!([{"Fn::Sub": "arn:${AWS::Partition}:s3:::*/*"}])
        );
        assert!(
            !policy.to_string().contains("${TemplateBucket}"),
            "the team's own upload bucket is not read at launch"
        );
    }
}

#[test]
fn every_grant_fits_the_resource_types_iam_lists_for_its_action() {
    // IAM's Service Authorization Reference: logs:DescribeLogGroups has no resource type, so
    // only "Resource": "*" matches it; ec2:DescribeVpcAttribute acts on `vpc`, and
    // kms:TagResource on `key`, so neither is granted on "*".
    for (_, release) in every_release() {
        for (product, policy) in &release.launch_role_policies {
            let problems = check_grants(policy);
            assert!(problems.is_empty(), "{product}: {problems:#?}");
            let v = policy.to_value();
            for s in v["Statement"].as_array().unwrap() {
                if s["Resource"] == "*" {
                    for a in [
                        "ec2:DescribeVpcAttribute",
                        "kms:TagResource",
                        "kms:PutKeyPolicy",
                    ] {
                        assert!(
                            !s["Action"].to_string().contains(&format!("\"{a}\"")),
                            "{product}: {a} on *"
                        );
                    }
                } else {
                    assert!(
                        !s["Action"]
                            .to_string()
                            .contains("\"logs:DescribeLogGroups\""),
                        "{product}: DescribeLogGroups takes only *"
                    );
                }
            }
        }
        if let Some((_, boundary)) = &release.boundary {
            assert!(check_grants(boundary).is_empty());
        }
    }
}

#[test]
fn a_product_with_a_stack_set_rollout_has_a_stackset_constraint_and_no_launch_constraint() {
    // Service Catalog API Reference, CreateConstraint: "You cannot have both a LAUNCH and a
    // STACKSET constraint."
    let release = network_portfolio()
        .stack_set_rollout(NetworkProduct::Whole, rollout())
        .release()
        .unwrap();
    let portfolio = release.portfolio.template();
    let constraints_on = |product: &str, ty: &str| {
        let id = format!("{}Product", heck_camel(product));
        portfolio
            .resources
            .values()
            .filter(|r| r.resource_type == ty && r.properties["ProductId"] == json!({"Ref": id}))
            .count()
    };
    assert_eq!(
        constraints_on(WHOLE_PRODUCT, "AWS::ServiceCatalog::StackSetConstraint"),
        1
    );
    assert_eq!(
        constraints_on(WHOLE_PRODUCT, "AWS::ServiceCatalog::LaunchRoleConstraint"),
        0
    );
    assert!(
        !portfolio
            .resources
            .contains_key("SagemakerNetworkLaunchRole"),
        "no launch role for a product StackSets launches"
    );
    for other in [
        "network-vpc",
        "network-security-groups",
        "network-endpoints",
    ] {
        assert_eq!(
            constraints_on(other, "AWS::ServiceCatalog::LaunchRoleConstraint"),
            1
        );
        assert_eq!(
            constraints_on(other, "AWS::ServiceCatalog::StackSetConstraint"),
            0
        );
    }
    let manifest = airgap::catalog::package::manifest(&release).unwrap();
    let entry = &manifest["stack_set_constraints"][0];
    assert_eq!(entry["product"], WHOLE_PRODUCT);
    assert_eq!(entry["regions"], json!(["eu-west-1", "eu-central-1"]));
    assert_eq!(
        entry["execution_role_name"],
        "AWSCloudFormationStackSetExecutionRole"
    );
    assert!(
        entry["execution_role_policy"]
            .to_string()
            .contains("ec2:CreateVpc"),
        "the execution role needs what a launch role would"
    );
    let whole = manifest["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == WHOLE_PRODUCT)
        .unwrap();
    assert_eq!(whole["constraint"], "STACKSET");
}

fn heck_camel(s: &str) -> String {
    s.split('-')
        .map(|w| {
            let mut c = w.chars();
            c.next()
                .map(|f| f.to_ascii_uppercase().to_string() + c.as_str())
                .unwrap_or_default()
        })
        .collect()
}

#[test]
fn two_stack_set_rollouts_of_one_product_are_a_typed_error_naming_it() {
    let err = network_portfolio()
        .stack_set_rollout(NetworkProduct::Whole, rollout())
        .stack_set_rollout(NetworkProduct::Whole, rollout().accounts(["333333333333"]))
        .release()
        .unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::ConflictingConstraints { product, .. }) if product == WHOLE_PRODUCT),
        "{err}"
    );
}

#[test]
fn a_stack_set_rollout_of_a_product_the_portfolio_does_not_make_is_refused() {
    let err = network_portfolio()
        .without_split()
        .stack_set_rollout(NetworkProduct::Vpc, rollout())
        .release()
        .unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::ProductDependency { product, .. }) if product == "network-vpc"),
        "{err}"
    );
}

#[test]
fn roles_the_products_create_carry_the_portfolios_boundary_and_the_launch_role_requires_it() {
    // IAM User Guide, "Permissions boundaries for IAM entities": "A permissions boundary is an
    // advanced feature for using a managed policy to set the maximum permissions that an
    // identity-based policy can grant to an IAM entity"; the `iam:PermissionsBoundary`
    // condition key lets a policy allow creating a role only with a given boundary.
    let release = example::release().unwrap();
    let (name, boundary) = release
        .boundary
        .clone()
        .expect("the network creates a role");
    assert_eq!(name, airgap::catalog::DEFAULT_BOUNDARY_NAME);
    let arn = airgap::catalog::boundary_arn(&name).to_value();
    for p in &release.products {
        for v in &p.versions {
            for (id, r) in &v.template.resources {
                if r.resource_type == "AWS::IAM::Role" {
                    assert_eq!(r.properties.get("PermissionsBoundary"), Some(&arn), "{id}");
                }
            }
        }
    }
    let portfolio = release.portfolio.template();
    let policy = &portfolio.resources["ProductRoleBoundary"];
    assert_eq!(policy.resource_type, "AWS::IAM::ManagedPolicy");
    assert_eq!(policy.properties["ManagedPolicyName"], json!(name));
    let b = boundary.to_value().to_string();
    assert!(
        b.contains("logs:PutLogEvents"),
        "what the flow-log role does"
    );
    assert!(
        !b.contains("iam:"),
        "nothing a role could escalate with: {b}"
    );
    for (product, policy) in &release.launch_role_policies {
        let v = policy.to_value();
        for s in v["Statement"].as_array().unwrap() {
            let actions = s["Action"].to_string();
            for a in [
                "iam:CreateRole",
                "iam:PutRolePolicy",
                "iam:AttachRolePolicy",
            ] {
                if actions.contains(&format!("\"{a}\"")) {
                    assert_eq!(
                        s["Condition"]["StringEquals"]["iam:PermissionsBoundary"], arn,
                        "{product}: {a}"
                    );
                }
            }
            assert!(
                !actions.contains("iam:DeleteRolePermissionsBoundary"),
                "{product}: a boundary is never removed"
            );
        }
    }
    let manifest = airgap::catalog::package::manifest(&release).unwrap();
    assert_eq!(
        manifest["portfolio"]["capabilities"],
        json!(["CAPABILITY_NAMED_IAM"]),
        "the boundary has a fixed name"
    );
}

#[test]
fn a_product_role_without_the_boundary_is_refused_naming_the_role() {
    let mut t = Template::default();
    t.resources.insert(
        "NotebookRole".into(),
        Resource::new("AWS::IAM::Role").property(
            "AssumeRolePolicyDocument",
            json!({"Version": "2012-10-17", "Statement": []}),
        ),
    );
    let err = derive_policy(&[("notebooks", &t)]).unwrap_err();
    assert!(
        matches!(err.downcast_ref::<CatalogError>(), Some(CatalogError::RoleWithoutBoundary { product, logical_id }) if product == "notebooks" && logical_id == "NotebookRole"),
        "{err}"
    );
    // Another boundary than the portfolio's is refused too, with the one to use.
    t.resources
        .get_mut("NotebookRole")
        .unwrap()
        .properties
        .insert(
            "PermissionsBoundary".into(),
            "arn:aws:iam::1:policy/x".into(),
        );
    let err = Portfolio::new("P", "Platform")
        .product(Product::new("notebooks", "Platform").version(ProductVersion::new("1", t)))
        .build()
        .unwrap_err()
        .to_string();
    assert!(
        err.contains("NotebookRole") && err.contains("airgap-product-role-boundary"),
        "{err}"
    );
}

#[test]
fn the_launch_role_trusts_service_catalog_of_this_account_only() {
    let release = example::release().unwrap();
    let portfolio = release.portfolio.template();
    let role = &portfolio.resources["SagemakerNetworkLaunchRole"];
    let trust = &role.properties["AssumeRolePolicyDocument"]["Statement"][0];
    assert_eq!(
        trust["Principal"]["Service"],
        "servicecatalog.amazonaws.com"
    );
    // IfExists: Service Catalog documents no confused-deputy key for launch roles, and a
    // plain StringEquals on a key the service does not send would refuse every launch.
    assert_eq!(
        trust["Condition"]["StringEqualsIfExists"]["aws:SourceAccount"],
        json!({"Ref": "AWS::AccountId"})
    );
}

#[test]
fn every_template_of_every_release_passes_cfn_lint_cloudformation_validate_and_checkov() {
    let mut templates = Vec::new();
    for (name, release) in every_release() {
        let dir = write(&format!("validators-{name}"), &release);
        let manifest = read_json(&dir.join("manifest.json"));
        let mut files = vec!["portfolio.template.json".to_string()];
        for p in manifest["products"].as_array().unwrap() {
            for v in p["versions"].as_array().unwrap() {
                files.push(v["file"].as_str().unwrap().to_string());
            }
        }
        for f in files {
            let body = std::fs::read_to_string(dir.join(&f)).unwrap();
            templates.push((format!("{name}-{}", f.replace('/', "-")), body));
        }
    }
    common::cfn_lint(&templates);
    if let Some(failed) = common::checkov_failures_all("release-checkov", &templates) {
        assert!(failed.is_empty(), "checkov: {failed:#?}");
    }
    // The offline validator takes one file per run: every portfolio template, and the product
    // templates of the example (the others are the same network with other settings).
    for (name, body) in templates
        .iter()
        .filter(|(n, _)| n.contains("portfolio") || n.starts_with("example-"))
    {
        let Some(diags) = common::cloudformation_validate(name, body) else {
            continue;
        };
        let unexpected: Vec<&String> = diags
            .iter()
            .filter(|d| {
                // The validator does not follow `Condition` references inside conditions: it
                // flags `Ref Subnet2` under `HasZone3`, though `HasZone3` is
                // `Fn::And [{Condition: HasZone2}, ...]` and so implies `HasZone2`. cfn-lint,
                // which does follow them, reports nothing.
                !(d.starts_with("WARN W1001 ") && d.contains("conditional on 'HasZone"))
            })
            .collect();
        assert!(
            unexpected.is_empty(),
            "{name}: cloudformation-validate: {unexpected:#?}"
        );
    }
}

#[test]
fn the_evaluator_allows_roles_only_with_the_boundary_and_templates_only_with_the_tag() {
    use airgap::iam::{Outcome, Request};
    let release = example::release().unwrap();
    let policy = &release.launch_role_policies[WHOLE_PRODUCT];
    let account = "123456789012";
    let at = |r: Request| r.account(account).region("eu-west-1");
    let role =
        format!("arn:aws:iam::{account}:role/SC-{account}-pp-abc123-DataScienceFlowLogRole-X");
    let boundary = format!("arn:aws:iam::{account}:policy/airgap-product-role-boundary");
    let outcome = |r: Request| policy.evaluate(&at(r)).unwrap().outcome();
    assert_eq!(
        outcome(
            Request::new("iam:CreateRole", &role).context("iam:PermissionsBoundary", &boundary)
        ),
        Outcome::Allow
    );
    for other in [
        format!("arn:aws:iam::{account}:policy/AdministratorAccess"),
        "arn:aws:iam::aws:policy/AdministratorAccess".to_string(),
    ] {
        for action in [
            "iam:CreateRole",
            "iam:PutRolePolicy",
            "iam:PutRolePermissionsBoundary",
        ] {
            assert_eq!(
                outcome(Request::new(action, &role).context("iam:PermissionsBoundary", &other)),
                Outcome::ImplicitDeny,
                "{action} with boundary {other}"
            );
        }
    }
    assert_eq!(
        outcome(Request::new("iam:DeleteRolePermissionsBoundary", &role)),
        Outcome::ImplicitDeny
    );
    let template = "arn:aws:s3:::cf-templates-sc-abc-eu-west-1/product/template.json";
    assert_eq!(
        outcome(
            Request::new("s3:GetObject", template)
                .context("s3:ExistingObjectTag/servicecatalog:provisioning", "true")
        ),
        Outcome::Allow
    );
    assert_eq!(
        outcome(
            Request::new("s3:GetObject", "arn:aws:s3:::someone-elses-data/secret.csv")
                .context("s3:ExistingObjectTag/servicecatalog:provisioning", "false")
        ),
        Outcome::ImplicitDeny
    );
}

/// Whether the package in `dir` is older than this test binary: a package an earlier run left
/// behind, written by code that has changed since, says nothing about today's launch roles.
fn written_by_older_code(dir: &std::path::Path) -> bool {
    let modified = |p: &std::path::Path| std::fs::metadata(p).and_then(|m| m.modified()).ok();
    let built = std::env::current_exe().ok().and_then(|exe| modified(&exe));
    match (modified(&dir.join("manifest.json")), built) {
        (Some(written), Some(built)) => written < built,
        _ => false,
    }
}
