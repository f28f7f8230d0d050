//! Launch-role grants of the SageMaker workload types: notebook instances and their lifecycle
//! configurations, Studio domains, user profiles, spaces and apps.
//!
//! `Domain`, `UserProfile`, `Space` and `App` follow the `handlers` sections of their registry
//! schemas (aws-cloudformation-resource-providers-sagemaker); the tests check the launch role
//! covers every action those list. `NotebookInstance` and its lifecycle configuration have no
//! public schema: their grants are the SageMaker API calls CloudFormation makes to create,
//! describe, update (stop, update, start) and delete them. Resources that take `Tags` also need
//! `sagemaker:AddTags` (SageMaker authorizes tags given on create separately).

use super::table::{Scope, Source, TypeGrants};
use crate::iam::{Arn, Condition, ConditionOperator, Statement, catalog};
use crate::template::Expr;

/// The SageMaker types whose launch-role permissions airgap can derive.
pub const TYPES: [&str; 6] = super::table::names(&GRANTS);

const TAGS: [&str; 3] = [
    "sagemaker:AddTags",
    "sagemaker:ListTags",
    "sagemaker:DeleteTags",
];

/// A SageMaker type: its actions, by scope.
const fn listed(
    resource_type: &'static str,
    actions: &'static [(Scope, &'static [&'static str])],
) -> TypeGrants {
    TypeGrants {
        resource_type,
        ec2_arn_types: &[],
        source: Source::Listed(actions),
        ec2_create_action: None,
    }
}

/// The grants of the SageMaker types.
pub(super) const GRANTS: [TypeGrants; 6] = [
    listed(
        "AWS::SageMaker::NotebookInstance",
        &[
            (
                Scope::SageMaker,
                &[
                    "sagemaker:CreateNotebookInstance",
                    "sagemaker:DescribeNotebookInstance",
                    "sagemaker:UpdateNotebookInstance",
                    "sagemaker:StartNotebookInstance",
                    "sagemaker:StopNotebookInstance",
                    "sagemaker:DeleteNotebookInstance",
                ],
            ),
            (Scope::SageMaker, &TAGS),
            (Scope::Kms, &["kms:CreateGrant", "kms:DescribeKey"]),
        ],
    ),
    listed(
        "AWS::SageMaker::NotebookInstanceLifecycleConfig",
        &[(
            Scope::SageMaker,
            &[
                "sagemaker:CreateNotebookInstanceLifecycleConfig",
                "sagemaker:DescribeNotebookInstanceLifecycleConfig",
                "sagemaker:UpdateNotebookInstanceLifecycleConfig",
                "sagemaker:DeleteNotebookInstanceLifecycleConfig",
            ],
        )],
    ),
    listed(
        "AWS::SageMaker::Domain",
        &[
            (
                Scope::SageMaker,
                &[
                    "sagemaker:CreateDomain",
                    "sagemaker:DescribeDomain",
                    "sagemaker:UpdateDomain",
                    "sagemaker:DeleteDomain",
                    "sagemaker:CreateApp",
                    "sagemaker:DeleteApp",
                    "sagemaker:DescribeImage",
                    "sagemaker:DescribeImageVersion",
                ],
            ),
            (Scope::SageMaker, &TAGS),
            (
                Scope::Kms,
                &[
                    "kms:CreateGrant",
                    "kms:Decrypt",
                    "kms:DescribeKey",
                    "kms:GenerateDataKeyWithoutPlaintext",
                ],
            ),
            // The domain's home directories: SageMaker creates the EFS file system with the
            // caller's permission; the call takes no ARN of a file system not yet made.
            (Scope::Any, &["elasticfilesystem:CreateFileSystem"]),
            (
                Scope::SageMakerServiceLinkedRole,
                &["iam:CreateServiceLinkedRole"],
            ),
        ],
    ),
    listed(
        "AWS::SageMaker::UserProfile",
        &[
            (
                Scope::SageMaker,
                &[
                    "sagemaker:CreateUserProfile",
                    "sagemaker:DescribeUserProfile",
                    "sagemaker:UpdateUserProfile",
                    "sagemaker:DeleteUserProfile",
                    "sagemaker:DescribeImage",
                    "sagemaker:DescribeImageVersion",
                ],
            ),
            (Scope::SageMaker, &TAGS),
        ],
    ),
    listed(
        "AWS::SageMaker::Space",
        &[
            (
                Scope::SageMaker,
                &[
                    "sagemaker:CreateSpace",
                    "sagemaker:DescribeSpace",
                    "sagemaker:UpdateSpace",
                    "sagemaker:DeleteSpace",
                ],
            ),
            (Scope::SageMaker, &TAGS),
        ],
    ),
    listed(
        "AWS::SageMaker::App",
        &[
            (
                Scope::SageMaker,
                &[
                    "sagemaker:CreateApp",
                    "sagemaker:DescribeApp",
                    "sagemaker:DeleteApp",
                ],
            ),
            (Scope::SageMaker, &TAGS),
        ],
    ),
];

/// Whether creating `resource_type` passes an execution role to SageMaker (`iam:PassRole`
/// with `iam:PassedToService` `sagemaker.amazonaws.com`).
pub(super) fn passes_role(resource_type: &str) -> bool {
    matches!(
        resource_type,
        "AWS::SageMaker::NotebookInstance"
            | "AWS::SageMaker::Domain"
            | "AWS::SageMaker::UserProfile"
    )
}

/// What a launch role must not create even though it may create SageMaker workloads: a
/// notebook or domain outside the VPC, with internet access or root access, or without a
/// volume key. The products never ask for one, and a launch role that could would let anyone
/// who edits a product template take a workload out of the network. One Deny per condition
/// key, naming only the actions whose requests carry it (from the IAM catalog).
const GUARDS: [(&str, &str, ConditionOperator, &str); 5] = [
    (
        "DenySageMakerOutsideTheVpc",
        "sagemaker:VpcSubnets",
        ConditionOperator::Null,
        "true",
    ),
    (
        "DenyNotebookInternetAccess",
        "sagemaker:DirectInternetAccess",
        ConditionOperator::StringNotEquals,
        "Disabled",
    ),
    (
        "DenyNotebookRootAccess",
        "sagemaker:RootAccess",
        ConditionOperator::StringNotEquals,
        "Disabled",
    ),
    (
        "DenyDomainsOutsideVpcOnly",
        "sagemaker:AppNetworkAccessType",
        ConditionOperator::StringNotEquals,
        "VpcOnly",
    ),
    (
        "DenyWithoutVolumeKey",
        "sagemaker:VolumeKmsKey",
        ConditionOperator::Null,
        "true",
    ),
];

/// The creating actions the guards apply to.
const CREATES: [&str; 2] = ["sagemaker:CreateNotebookInstance", "sagemaker:CreateDomain"];

/// The Deny statements that keep what the launch role creates inside the network, for the
/// SageMaker actions it is granted, on `resource`: the SageMaker ARNs the grant allows (a
/// Deny on `"*"` would refuse nothing more, and the grant lint wants ARNs for actions that
/// take them, whatever the effect).
pub(super) fn guards(granted: &[&str], resource: &Arn) -> Vec<Statement> {
    let mut out = Vec::new();
    for (sid, key, op, value) in GUARDS {
        let actions: Vec<&str> = CREATES
            .into_iter()
            .filter(|a| granted.contains(a))
            .filter(|a| catalog::action_info(a).is_some_and(|i| i.takes_condition_key(key)))
            .collect();
        if actions.is_empty() {
            continue;
        }
        out.push(
            Statement::deny()
                .sid(sid)
                .actions(actions)
                .resource(resource.clone())
                .condition(Condition::new(op, key, [Expr::str(value)]).expect("a well-formed key")),
        );
    }
    out
}
