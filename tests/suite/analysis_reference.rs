//! The checks, the reachability and the report over real templates that airgap did not write:
//! the AWS samples the seed network comes from (tests/fixtures/reference, see its README).
//! Their known weaknesses must be found, each where it is, and nothing else.

use std::path::{Path, PathBuf};

use airgap::analysis::{Party, Reachability, check};
use airgap::render::{ReportOptions, review_report};
use airgap::template::Template;

const ROOT: &str = "tests/fixtures/reference";

fn read(path: &str) -> Template {
    let text = std::fs::read_to_string(Path::new(ROOT).join(path)).expect("fixture present");
    Template::parse(&text).unwrap_or_else(|e| panic!("{path}: {e}"))
}

/// The findings in a file, but for unknown actions (AG-IAM-003), which have a test of their own.
fn findings(path: &str) -> Vec<(String, String)> {
    check(&read(path))
        .into_iter()
        .filter(|f| f.rule.id != "AG-IAM-003")
        .map(|f| (f.rule.id.to_string(), f.resource))
        .collect()
}

fn pairs(expected: &[(&str, &str)]) -> Vec<(String, String)> {
    expected
        .iter()
        .map(|(r, id)| (r.to_string(), id.to_string()))
        .collect()
}

fn every_fixture() -> Vec<PathBuf> {
    let mut all = Vec::new();
    for dir in std::fs::read_dir(ROOT).unwrap() {
        let dir = dir.unwrap().path();
        if dir.is_dir() {
            for f in std::fs::read_dir(&dir).unwrap() {
                all.push(f.unwrap().path());
            }
        }
    }
    all.sort();
    all
}

#[test]
fn every_reference_template_reads_checks_and_reports() {
    let all = every_fixture();
    assert_eq!(all.len(), 26, "13 templates from each sample");
    for path in all {
        let text = std::fs::read_to_string(&path).unwrap();
        let t = Template::parse(&text).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert!(!t.resources.is_empty(), "{}", path.display());
        let report = review_report(&t, &ReportOptions::default()).unwrap();
        assert!(report.contains("```mermaid"), "{}", path.display());
    }
}

#[test]
fn the_reference_network_keeps_its_known_weaknesses() {
    let endpoints = [
        "VPCEndpointSSM",
        "VPCEndpointCW",
        "VPCEndpointCWL",
        "VPCEndpointSagemakerAPI",
        "VPCEndpointSageMakerRuntime",
        "VPCEndpointSageMakerNotebook",
        "VPCEndpointSTS",
        "VPCEndpointCodeCommit",
        "VPCEndpointCodeCommitAPI",
    ];
    let mut expected = pairs(&[
        // Zones hard-coded as ${AWS::Region}a/b/c.
        ("AG-NET-010", "PrivateSubnetA"),
        ("AG-NET-010", "PrivateSubnetB"),
        ("AG-NET-010", "PrivateSubnetC"),
        // Security groups without egress: all outbound traffic allowed.
        ("AG-SG-002", "VPCEndpointSecurityGroup"),
        ("AG-SG-002", "SageMakerSecurityGroup"),
        ("AG-SG-002", "SharedServicesVPCEndpointSecurityGroup"),
    ]);
    // Interface endpoint policies of * on * (SSM has none: the same). The PyPI mirror is an
    // endpoint service of the shared-services account: no AWS private DNS name, no IAM policy.
    expected.extend(
        endpoints
            .iter()
            .map(|e| ("AG-EP-003".to_string(), e.to_string())),
    );
    expected.push(("AG-LOG-001".into(), "SageMakerVPC".into()));
    assert_eq!(
        findings("secure-data-science-reference-architecture/ds_env_network.yaml"),
        expected
    );
}

#[test]
fn the_shared_services_vpc_has_an_internet_gateway() {
    assert_eq!(
        findings("secure-data-science-reference-architecture/ds_shared_services_network.yaml"),
        pairs(&[
            ("AG-NET-001", "SharedServicesIGW"),
            ("AG-NET-001", "SharedServicesIGWAttachment"),
            ("AG-NET-007", "SharedServicesPublicRoute"),
            ("AG-NET-010", "SharedServicesSubnetA"),
            ("AG-NET-010", "SharedServicesSubnetB"),
            ("AG-NET-010", "SharedServicesSubnetC"),
            ("AG-LOG-001", "SharedServicesVPC"),
        ])
    );
}

#[test]
fn the_notebooks_leave_root_access_on() {
    for v in ["v1", "v2"] {
        assert_eq!(
            findings(&format!(
                "secure-data-science-reference-architecture/ds_notebook_{v}.yaml"
            )),
            pairs(&[
                ("AG-SM-003", "NotebookInstance"),
                // The execution policy allows sagemaker:* on *; v1 with no condition, v2 with
                // a Deny when sagemaker:VpcSubnets is missing for five create actions, which
                // leaves notebooks with direct internet access, domains open to the internet,
                // and AutoML and monitoring jobs outside the VPC.
                ("AG-IAM-004", "SageMakerExecPolicy"),
            ])
        );
    }
}

#[test]
fn the_kms_key_policies_allow_with_string_not_equals_source_vpce() {
    for (path, key) in [
        (
            "secure-data-science-reference-architecture/ds_env_backing_store.yaml",
            "KMSCMK",
        ),
        (
            "studio-secure-data-science-workshop/ds_env_backing_store.yaml",
            "KMSCMK",
        ),
        (
            "studio-secure-data-science-workshop/ds_shared_data_lake.yaml",
            "KMSCMK",
        ),
        (
            "studio-secure-data-science-workshop/ds_env_sagemaker_studio.yaml",
            "SagemakerStudioKMS",
        ),
    ] {
        let mut expected = pairs(&[("AG-IAM-001", key)]);
        // The reference architecture's key is the one that does not rotate (the workshop's
        // copies set EnableKeyRotation: true).
        if path.starts_with("secure-data-science-reference-architecture") {
            expected.push(("AG-KMS-001".into(), key.into()));
        }
        // Studio's default execution role attaches AmazonSageMakerFullAccess: every user can
        // create notebooks with direct internet access and jobs outside the VPC.
        if path.ends_with("ds_env_sagemaker_studio.yaml") {
            expected.push(("AG-IAM-004".into(), "DataScientistDefaultRole".into()));
        }
        assert_eq!(findings(path), expected, "{path}");
    }
}

/// The (rule, resource) pairs a file is expected to have.
type Expected<'a> = &'a [(&'a str, &'a str)];

#[test]
fn identity_policies_that_let_sagemaker_leave_the_network_are_found() {
    let sdsra = "secure-data-science-reference-architecture";
    let studio = "studio-secure-data-science-workshop";
    let cases: &[(&str, &str, Expected)] = &[
        // The administrators' sagemaker:* on * has no condition; the launch role passes any
        // role to any service.
        (
            sdsra,
            "ds_admin_principals.yaml",
            &[
                ("AG-IAM-004", "DataScienceAdministrator"),
                ("AG-IAM-005", "SCLaunchRole"),
            ],
        ),
        (
            studio,
            "ds_admin_principals.yaml",
            &[
                ("AG-IAM-004", "DataScienceAdministrator"),
                // sagemaker:CreateDomain without sagemaker:AppNetworkAccessType.
                ("AG-IAM-004", "SCLaunchRole"),
                ("AG-IAM-005", "SCLaunchRole"),
            ],
        ),
        // The data scientists may create training jobs and models with no VPC condition.
        (
            sdsra,
            "ds_env_principals.yaml",
            &[
                ("AG-IAM-004", "DataScientistAdminRole"),
                ("AG-IAM-004", "DataScientistRole"),
            ],
        ),
        // CreateNotebookInstance without sagemaker:VpcSubnets or DirectInternetAccess, in its
        // own policy and again through AWS's AmazonSageMakerFullAccess.
        (
            studio,
            "ds_env_principals.yaml",
            &[
                ("AG-IAM-004", "DataScientistAdminRole"),
                ("AG-IAM-004", "DataScientistAdminRole"),
            ],
        ),
        // The Service Catalog launch role attaches AmazonSageMakerFullAccess.
        (
            sdsra,
            "ds_env_catalog.yaml",
            &[("AG-IAM-004", "SCLaunchRole")],
        ),
        // v1: two statements allow training and processing jobs with only KMS conditions or
        // `ForAllValues:StringEqualsIfExists sagemaker:VpcSubnets`, which a request without
        // subnets satisfies. v2 denies missing subnets for four job actions, but its
        // sagemaker:* still creates notebooks, models, clusters, AutoML V2 and monitoring jobs
        // without them, and domains open to the internet.
        (
            studio,
            "ds_env_studio_user_profile_v1.yaml",
            &[
                ("AG-IAM-004", "SageMakerExecPolicy1"),
                ("AG-IAM-004", "SageMakerExecPolicy1"),
            ],
        ),
        (
            studio,
            "ds_env_studio_user_profile_v2.yaml",
            &[("AG-IAM-004", "SageMakerExecPolicy1")],
        ),
    ];
    for (dir, file, expected) in cases {
        let path = format!("{dir}/{file}");
        assert_eq!(findings(&path), pairs(expected), "{path}");
    }
}

#[test]
fn the_pypi_mirror_logs_to_a_group_without_key_or_retention() {
    // Not a flow-log or SageMaker group: warnings, not errors.
    assert_eq!(
        findings("secure-data-science-reference-architecture/ds_shared_services_ecs.yaml"),
        pairs(&[
            ("AG-SG-002", "PyPIMirrorSecurityGroup"),
            ("AG-LOG-005", "LogGroup"),
            ("AG-LOG-006", "LogGroup"),
            // The mirror's tasks get public IPs, behind an internet-facing load balancer.
            ("AG-PUB-001", "PyPIMirrorService"),
            ("AG-PUB-003", "SharedServicesNLB"),
        ])
    );
}

#[test]
fn the_studio_network_repeats_the_weaknesses_and_adds_an_all_protocol_rule() {
    let found = findings("studio-secure-data-science-workshop/ds_shared_sagemaker_network.yaml");
    let count = |rule: &str| found.iter().filter(|(r, _)| r == rule).count();
    assert_eq!(count("AG-NET-010"), 3);
    assert_eq!(count("AG-SG-002"), 4);
    assert_eq!(count("AG-EP-003"), 12);
    assert_eq!(count("AG-LOG-001"), 1);
    assert!(found.contains(&("AG-SG-004".into(), "UserProfileSecurityGroupIngress".into())));
    assert!(found.contains(&("AG-EP-001".into(), "VPCEndpointCodeArtifactApi".into())));
    assert_eq!(found.len(), 3 + 4 + 12 + 1 + 2);
}

#[test]
fn templates_without_network_or_policy_weaknesses_have_no_findings() {
    for path in every_fixture() {
        let name = path.file_name().unwrap().to_str().unwrap();
        let quiet = [
            "ds_admin_detective.yaml",
            "ds_administration.yaml",
            "ds_env_sagemaker.yaml",
            "ds_environment.yaml",
            "ds_shared_code_artifact.yaml",
            "ds_shared_ecr.yaml",
        ];
        if quiet.contains(&name) {
            let rel = path.strip_prefix(ROOT).unwrap().to_str().unwrap();
            assert_eq!(findings(rel), [], "{}", path.display());
        }
    }
}

#[test]
fn in_the_reference_network_notebooks_reach_the_endpoints_on_443_only() {
    let t = read("secure-data-science-reference-architecture/ds_env_network.yaml");
    let reach = Reachability::of(&t);
    let notebooks = Party::Group("SageMakerSecurityGroup".into());
    let sts = Party::Endpoint("VPCEndpointSTS".into());
    let pypi = Party::Endpoint("SharedServicesPyPIMirrorVPCEndpoint".into());
    assert!(reach.can_reach(&notebooks, &sts, 443));
    assert!(!reach.can_reach(&notebooks, &sts, 80));
    assert!(reach.can_reach(&notebooks, &pypi, 80));
    // The endpoints' group keeps CloudFormation's allow-all egress, yet no group admits it.
    assert!(reach.has_default_egress("VPCEndpointSecurityGroup"));
    assert!(!reach.can_reach(&Party::Endpoint("VPCEndpointSTS".into()), &notebooks, 443));
    // The VPC's block is a parameter, known only at launch: it could be any block, so any
    // address may be inside the VPC, and the report says so.
    assert!(reach.can_reach(&notebooks, &Party::Cidr("8.8.8.8/32".into()), 443));
    assert!(
        reach
            .approximations()
            .iter()
            .any(|a| a.subject == "SageMakerVPC" && a.kind == "unknown-vpc-block"),
        "{:#?}",
        reach.approximations()
    );
    // Launched with the default block, no route leaves the VPC, so allow-all egress reaches
    // nothing outside it, although `0.0.0.0/0` (which holds the VPC's addresses) is reached.
    let mut launched = t.clone();
    launched.resources["SageMakerVPC"]
        .properties
        .insert("CidrBlock".into(), "10.2.0.0/16".into());
    let reach = Reachability::of(&launched);
    assert!(!reach.can_reach(&notebooks, &Party::Cidr("8.8.8.8/32".into()), 443));
    assert!(reach.can_reach(&notebooks, &Party::Cidr("0.0.0.0/0".into()), 443));
}

#[test]
fn actions_that_no_service_has_are_found_with_the_nearest_real_one() {
    let mut found = Vec::new();
    for path in every_fixture() {
        let rel = path
            .strip_prefix(ROOT)
            .unwrap()
            .to_str()
            .unwrap()
            .to_string();
        for f in check(&read(&rel)) {
            if f.rule.id == "AG-IAM-003" {
                let action = f.message.split('`').nth(1).unwrap_or_default().to_string();
                // A retired service's action is real, and said to be retired, not unknown.
                let retired = action.starts_with("elastic-inference:");
                assert_eq!(
                    f.message.contains("retired service"),
                    retired,
                    "{rel}: {}",
                    f.message
                );
                assert!(
                    !f.message.contains("not the action prefix"),
                    "{}",
                    f.message
                );
                found.push((rel.clone(), f.resource, action));
            }
        }
    }
    let sdsra = "secure-data-science-reference-architecture";
    let studio = "studio-secure-data-science-workshop";
    let mut expected: Vec<(String, String, String)> = [
        // HeadBucket is authorized by s3:ListBucket; there is no such IAM action.
        (
            sdsra,
            "ds_admin_principals.yaml",
            "SCLaunchRole",
            "s3:HeadBucket",
        ),
        // KMS has ReEncryptFrom and ReEncryptTo (kms:ReEncrypt* covers both).
        (
            sdsra,
            "ds_env_backing_store.yaml",
            "KMSCMK",
            "kms:ReEncrypt",
        ),
        (
            sdsra,
            "ds_env_principals.yaml",
            "DataScientistRole",
            "codecommit:CreatePullRequestApproval",
        ),
        // Elastic Inference is retired: its actions stay in the catalog, marked retired, and
        // grant nothing.
        (
            sdsra,
            "ds_notebook_v1.yaml",
            "SageMakerExecPolicy",
            "elastic-inference:Connect",
        ),
        (
            sdsra,
            "ds_notebook_v2.yaml",
            "SageMakerExecPolicy",
            "elastic-inference:Connect",
        ),
        (
            studio,
            "ds_env_backing_store.yaml",
            "KMSCMK",
            "kms:ReEncrypt",
        ),
        (
            studio,
            "ds_env_principals.yaml",
            "DataScientistRole",
            "kms:ReEncrypt",
        ),
        (
            studio,
            "ds_env_principals.yaml",
            "DataScientistRole",
            "codecommit:CreatePullRequestApproval",
        ),
        (
            studio,
            "ds_env_sagemaker_studio.yaml",
            "SagemakerStudioKMS",
            "kms:ReEncrypt",
        ),
        (
            studio,
            "ds_env_sagemaker_studio.yaml",
            "DataScientistDefaultRole",
            "codecommit:CreatePullRequestApproval",
        ),
        (
            studio,
            "ds_env_studio_user_profile_v1.yaml",
            "SageMakerExecPolicy1",
            "elastic-inference:Connect",
        ),
        (
            studio,
            "ds_env_studio_user_profile_v1.yaml",
            "SageMakerExecPolicy2",
            "kms:ReEncrypt",
        ),
        (
            studio,
            "ds_env_studio_user_profile_v2.yaml",
            "SageMakerExecPolicy1",
            "elastic-inference:Connect",
        ),
        (
            studio,
            "ds_env_studio_user_profile_v2.yaml",
            "SageMakerExecPolicy2",
            "kms:ReEncrypt",
        ),
        (
            studio,
            "ds_shared_data_lake.yaml",
            "KMSCMK",
            "kms:ReEncrypt",
        ),
    ]
    .iter()
    .map(|(d, f, r, a)| (format!("{d}/{f}"), r.to_string(), a.to_string()))
    .collect();
    found.sort();
    expected.sort();
    assert_eq!(found, expected);
}
