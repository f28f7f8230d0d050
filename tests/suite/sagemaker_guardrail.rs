//! The preventive guardrail, proven with airgap's evaluator: a table of requests a data
//! scientist might make, each with the decision the policy must give.
//!
//! The AWS rules the table relies on, from the IAM and SageMaker documentation:
//! - "If the key that you specify in a policy condition is not present in the request
//!   context, the values do not match and the condition is false", except that negated
//!   operators (`StringNotEquals`) then return true, and `Null: true` matches an absent key.
//! - `ForAnyValue:` "returns true if at least one of the values in the request matches",
//!   and is false when the key is absent.
//! - SageMaker's condition keys (Service Authorization Reference): `sagemaker:VpcSubnets`,
//!   `sagemaker:VpcSecurityGroupIds`, `sagemaker:DirectInternetAccess` ("Enabled" or
//!   "Disabled"), `sagemaker:RootAccess`, `sagemaker:VolumeKmsKey`,
//!   `sagemaker:InterContainerTrafficEncryption`, `sagemaker:AppNetworkAccessType`; which
//!   actions carry each is read from the IAM catalog, not assumed.
//! - The SageMaker API reference (as the AWS SDK for Kotlin's documentation reproduces it):
//!   `RootAccess`: "Whether root access is enabled or disabled for users of the notebook
//!   instance. The default value is Enabled. If you set this to Disabled, users don't have root
//!   access on the notebook instance, but lifecycle configuration scripts still run with root
//!   permissions." `DirectInternetAccess`: "Sets whether SageMaker AI provides internet access
//!   to the notebook instance. If you set this to Disabled, this notebook instance is able to
//!   access resources only in your VPC"; its default is Enabled. So a request that leaves
//!   either key out gets the insecure value, and the guardrail denies it.

use airgap::iam::catalog::action_info;
use airgap::iam::{Outcome, PolicyDocument, Request, Statement};
use airgap::sagemaker::{GUARDED_ACTIONS, Guardrail};

const SUBNETS: [&str; 2] = ["subnet-0aaa1111", "subnet-0bbb2222"];
const GROUP: &str = "sg-0ccc3333";
const KEY: &str = "arn:aws:kms:eu-west-1:111122223333:key/1234abcd-12ab-34cd-56ef-1234567890ab";
const ARN: &str = "arn:aws:sagemaker:eu-west-1:111122223333";

/// A request built up one key at a time, and the decision the table expects.
struct Case {
    what: &'static str,
    request: Request,
    expect: Outcome,
}

fn on(action: &str, resource: &str) -> Request {
    Request::new(format!("sagemaker:{action}"), format!("{ARN}:{resource}"))
        .principal_arn("arn:aws:iam::111122223333:role/DataScientist")
        .account("111122223333")
        .region("eu-west-1")
}

/// A request with everything the guardrail asks of `action` (where the action carries it).
fn compliant(action: &str, resource: &str) -> Request {
    let info = action_info(&format!("sagemaker:{action}")).unwrap();
    let mut r = on(action, resource);
    let has = |k: &str| info.takes_condition_key(k);
    if has("sagemaker:VpcSubnets") {
        r = r.context_values("sagemaker:VpcSubnets", SUBNETS);
    }
    if has("sagemaker:VpcSecurityGroupIds") {
        r = r.context_values("sagemaker:VpcSecurityGroupIds", [GROUP]);
    }
    if has("sagemaker:VolumeKmsKey") {
        r = r.context("sagemaker:VolumeKmsKey", KEY);
    }
    if has("sagemaker:InterContainerTrafficEncryption") {
        r = r.context("sagemaker:InterContainerTrafficEncryption", "true");
    }
    if action == "CreateNotebookInstance" {
        r = r
            .context("sagemaker:DirectInternetAccess", "Disabled")
            .context("sagemaker:RootAccess", "Disabled");
    }
    if has("sagemaker:AppNetworkAccessType") {
        r = r.context("sagemaker:AppNetworkAccessType", "VpcOnly");
    }
    r
}

/// The guardrail next to what the data scientists' role is otherwise allowed (SageMaker and
/// Service Catalog at large), as IAM combines an account's identity policies: what the
/// guardrail does not deny stays allowed.
fn policy() -> PolicyDocument {
    let mut doc = Guardrail::new(SUBNETS, [GROUP])
        .unwrap()
        .identity_policy()
        .unwrap();
    doc = doc.statement(
        Statement::allow()
            .sid("TheRolesOtherPermissions")
            .actions(["sagemaker:*"])
            .any_resource(),
    );
    doc
}

fn cases() -> Vec<Case> {
    use Outcome::{Allow, ExplicitDeny as Deny};
    let nb = "notebook-instance/nb";
    let tj = "training-job/tj";
    let pj = "processing-job/pj";
    let hp = "hyper-parameter-tuning-job/hp";
    let md = "model/m";
    let dm = "domain/d-abc123";
    let xj = "transform-job/xj";
    let c = |what, request, expect| Case {
        what,
        request,
        expect,
    };
    vec![
        // Notebooks
        c(
            "a notebook in the network, everything as required",
            compliant("CreateNotebookInstance", nb),
            Allow,
        ),
        c(
            "a notebook with direct internet access",
            compliant("CreateNotebookInstance", nb)
                .context("sagemaker:DirectInternetAccess", "Enabled"),
            Deny,
        ),
        c(
            "a notebook that says nothing of internet access (AWS's default is Enabled)",
            on("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSubnets", SUBNETS)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
                .context("sagemaker:VolumeKmsKey", KEY)
                .context("sagemaker:RootAccess", "Disabled"),
            Deny,
        ),
        c(
            "a notebook with root access",
            compliant("CreateNotebookInstance", nb).context("sagemaker:RootAccess", "Enabled"),
            Deny,
        ),
        c(
            "a notebook that says nothing of root access (AWS's default is Enabled)",
            on("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSubnets", SUBNETS)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
                .context("sagemaker:VolumeKmsKey", KEY)
                .context("sagemaker:DirectInternetAccess", "Disabled"),
            Deny,
        ),
        c(
            "a notebook without a subnet (outside any VPC)",
            on("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
                .context("sagemaker:VolumeKmsKey", KEY)
                .context("sagemaker:DirectInternetAccess", "Disabled")
                .context("sagemaker:RootAccess", "Disabled"),
            Deny,
        ),
        c(
            "a notebook in another VPC's subnet",
            compliant("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSubnets", ["subnet-0ddd4444"]),
            Deny,
        ),
        c(
            "a notebook in another security group",
            compliant("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSecurityGroupIds", ["sg-0eee5555"]),
            Deny,
        ),
        c(
            "a notebook in the workload group and another group",
            compliant("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP, "sg-0eee5555"]),
            Deny,
        ),
        c(
            "a notebook without a volume KMS key",
            on("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSubnets", SUBNETS)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
                .context("sagemaker:DirectInternetAccess", "Disabled")
                .context("sagemaker:RootAccess", "Disabled"),
            Deny,
        ),
        c(
            "a notebook in the second of the network's subnets",
            compliant("CreateNotebookInstance", nb)
                .context_values("sagemaker:VpcSubnets", [SUBNETS[1]]),
            Allow,
        ),
        c(
            "turning root access on for an existing notebook",
            on("UpdateNotebookInstance", nb).context("sagemaker:RootAccess", "Enabled"),
            Deny,
        ),
        c(
            "resizing a notebook without touching root access",
            on("UpdateNotebookInstance", nb).context("sagemaker:InstanceTypes", "ml.t3.large"),
            Allow,
        ),
        // Studio
        c(
            "a VpcOnly Studio domain in the network",
            compliant("CreateDomain", dm),
            Allow,
        ),
        c(
            "a Studio domain with public internet access",
            compliant("CreateDomain", dm)
                .context("sagemaker:AppNetworkAccessType", "PublicInternetOnly"),
            Deny,
        ),
        c(
            "a Studio domain in another VPC's subnets",
            compliant("CreateDomain", dm).context_values(
                "sagemaker:VpcSubnets",
                ["subnet-0ddd4444", "subnet-0fff6666"],
            ),
            Deny,
        ),
        c(
            "a Studio domain without a KMS key",
            on("CreateDomain", dm)
                .context_values("sagemaker:VpcSubnets", SUBNETS)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
                .context("sagemaker:AppNetworkAccessType", "VpcOnly"),
            Deny,
        ),
        c(
            "a user profile that inherits the domain's groups",
            on("CreateUserProfile", "user-profile/d-abc123/alice"),
            Allow,
        ),
        c(
            "a user profile in another security group",
            on("CreateUserProfile", "user-profile/d-abc123/alice")
                .context_values("sagemaker:VpcSecurityGroupIds", ["sg-0eee5555"]),
            Deny,
        ),
        // Jobs
        c(
            "a training job in the network, encrypted",
            compliant("CreateTrainingJob", tj),
            Allow,
        ),
        c(
            "a training job without VPC config",
            on("CreateTrainingJob", tj)
                .context("sagemaker:VolumeKmsKey", KEY)
                .context("sagemaker:InterContainerTrafficEncryption", "true"),
            Deny,
        ),
        c(
            "a training job in another VPC's subnet",
            compliant("CreateTrainingJob", tj)
                .context_values("sagemaker:VpcSubnets", ["subnet-0ddd4444"]),
            Deny,
        ),
        c(
            "a training job in one good and one foreign subnet",
            compliant("CreateTrainingJob", tj)
                .context_values("sagemaker:VpcSubnets", [SUBNETS[0], "subnet-0ddd4444"]),
            Deny,
        ),
        c(
            "a training job without a volume key",
            on("CreateTrainingJob", tj)
                .context_values("sagemaker:VpcSubnets", SUBNETS)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
                .context("sagemaker:InterContainerTrafficEncryption", "true"),
            Deny,
        ),
        c(
            "a training job with inter-container traffic unencrypted",
            compliant("CreateTrainingJob", tj)
                .context("sagemaker:InterContainerTrafficEncryption", "false"),
            Deny,
        ),
        c(
            "a training job that says nothing of traffic encryption",
            on("CreateTrainingJob", tj)
                .context_values("sagemaker:VpcSubnets", SUBNETS)
                .context_values("sagemaker:VpcSecurityGroupIds", [GROUP])
                .context("sagemaker:VolumeKmsKey", KEY),
            Deny,
        ),
        c(
            "a processing job in the network, encrypted",
            compliant("CreateProcessingJob", pj),
            Allow,
        ),
        c(
            "a processing job without VPC config",
            on("CreateProcessingJob", pj)
                .context("sagemaker:VolumeKmsKey", KEY)
                .context("sagemaker:InterContainerTrafficEncryption", "true"),
            Deny,
        ),
        c(
            "a processing job in another security group",
            compliant("CreateProcessingJob", pj)
                .context_values("sagemaker:VpcSecurityGroupIds", ["sg-0eee5555"]),
            Deny,
        ),
        c(
            "a tuning job in the network, encrypted",
            compliant("CreateHyperParameterTuningJob", hp),
            Allow,
        ),
        c(
            "a tuning job without VPC config",
            on("CreateHyperParameterTuningJob", hp)
                .context("sagemaker:VolumeKmsKey", KEY)
                .context("sagemaker:InterContainerTrafficEncryption", "true"),
            Deny,
        ),
        c(
            "a transform job with a volume key",
            compliant("CreateTransformJob", xj),
            Allow,
        ),
        c(
            "a transform job without a volume key",
            on("CreateTransformJob", xj),
            Deny,
        ),
        c(
            "a model in the network",
            compliant("CreateModel", md),
            Allow,
        ),
        c("a model without VPC config", on("CreateModel", md), Deny),
        c(
            "a model in another VPC's subnet",
            compliant("CreateModel", md)
                .context_values("sagemaker:VpcSubnets", ["subnet-0ddd4444"]),
            Deny,
        ),
        c(
            "an AutoML job without VPC config",
            on("CreateAutoMLJobV2", "automl-job/a")
                .context("sagemaker:VolumeKmsKey", KEY)
                .context("sagemaker:InterContainerTrafficEncryption", "true"),
            Deny,
        ),
        // What the guardrail leaves alone
        c("listing notebooks", on("ListNotebookInstances", "*"), Allow),
        c(
            "opening a notebook",
            on("CreatePresignedNotebookInstanceUrl", nb),
            Allow,
        ),
    ]
}

#[test]
fn the_guardrail_decides_every_request_of_the_table_as_expected() {
    let policy = policy();
    let cases = cases();
    assert!(
        cases.len() >= 30,
        "the table holds {} requests",
        cases.len()
    );
    let mut wrong = Vec::new();
    for case in &cases {
        let decision = policy
            .evaluate(&case.request)
            .unwrap_or_else(|e| panic!("{}: {e}", case.what));
        if decision.outcome() != case.expect {
            wrong.push(format!(
                "{}: expected {:?}, got {decision}",
                case.what, case.expect
            ));
        }
    }
    assert!(wrong.is_empty(), "{}", wrong.join("\n"));
}

#[test]
fn the_guardrail_alone_allows_launching_products_and_opening_workloads() {
    let policy = Guardrail::new(SUBNETS, [GROUP])
        .unwrap()
        .identity_policy()
        .unwrap();
    let launch = Request::new(
        "servicecatalog:ProvisionProduct",
        "arn:aws:catalog:eu-west-1:111122223333:product/prod-abc",
    )
    .account("111122223333")
    .region("eu-west-1");
    assert_eq!(policy.evaluate(&launch).unwrap().outcome(), Outcome::Allow);
    let others = Request::new("servicecatalog:TerminateProvisionedProduct", "*")
        .context("servicecatalog:userLevel", "account");
    assert_eq!(
        policy.evaluate(&others).unwrap().outcome(),
        Outcome::ImplicitDeny
    );
    let own = Request::new("servicecatalog:TerminateProvisionedProduct", "*")
        .context("servicecatalog:userLevel", "self");
    assert_eq!(policy.evaluate(&own).unwrap().outcome(), Outcome::Allow);
    let create = compliant("CreateNotebookInstance", "notebook-instance/nb");
    assert_eq!(
        policy.evaluate(&create).unwrap().outcome(),
        Outcome::ImplicitDeny,
        "the guardrail grants no SageMaker creation of its own: workloads come from the products"
    );
}

#[test]
fn every_action_and_condition_key_is_in_the_iam_catalog_and_carried_by_its_actions() {
    let policy = Guardrail::new(SUBNETS, [GROUP])
        .unwrap()
        .identity_policy()
        .unwrap();
    for s in policy.statements() {
        for a in s.action_names() {
            let info = action_info(a).unwrap_or_else(|| panic!("{a} is not in the IAM catalog"));
            for c in s.conditions() {
                assert!(
                    info.takes_condition_key(c.key.as_str()),
                    "{a} never carries {}",
                    c.key.as_str()
                );
            }
        }
    }
    for a in GUARDED_ACTIONS {
        assert!(action_info(a).is_some(), "{a}");
    }
}

#[test]
fn the_scp_variant_holds_only_the_denies_and_fits_the_scp_size_limit() {
    let g = Guardrail::new(SUBNETS, [GROUP]).unwrap();
    let scp = g.scp().unwrap();
    assert!(
        scp.statements()
            .iter()
            .all(|s| s.effect() == airgap::iam::Effect::Deny)
    );
    assert_eq!(
        scp.statements().len(),
        g.identity_policy().unwrap().statements().len() - 4
    );
    // "Maximum size of a policy document: 5,120 characters" (AWS Organizations quotas).
    let compact = serde_json::to_string(&scp.to_value()).unwrap();
    assert!(
        compact.len() <= 5120,
        "the SCP is {} characters",
        compact.len()
    );
    let training = compliant("CreateTrainingJob", "training-job/tj")
        .context_values("sagemaker:VpcSubnets", ["subnet-0ddd4444"]);
    assert_eq!(
        scp.evaluate(&training).unwrap().outcome(),
        Outcome::ExplicitDeny
    );
}

#[test]
fn a_guardrail_without_subnets_or_groups_is_refused() {
    let none: [&str; 0] = [];
    assert!(
        Guardrail::new(none, [GROUP])
            .unwrap_err()
            .to_string()
            .contains("subnet")
    );
    assert!(
        Guardrail::new(SUBNETS, none)
            .unwrap_err()
            .to_string()
            .contains("security group")
    );
}
