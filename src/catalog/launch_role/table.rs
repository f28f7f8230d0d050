//! What each supported resource type needs of the launch role, and where that list comes from.
//!
//! Types with an official resource schema (`data/resource-schemas/`) take their actions from
//! its create, read, update and delete handlers; this table only says where each action may
//! act ([`Scope`]). Types without a public schema (the EC2 network types and IAM roles, whose
//! provider repositories AWS has not published) list their actions here, each list with its
//! source.

use super::schemas::handler_permissions;
use crate::template::Resource;

/// What a set of actions may act on.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub(super) enum Scope {
    /// `Resource: "*"` in this region: the action takes no resource ARN.
    Any,
    /// EC2 ARNs of this account and region, by resource type.
    Ec2,
    /// KMS keys of this account and region.
    Kms,
    /// Log groups by name.
    LogGroups,
    /// IAM roles by name (the statements that create roles or change their policies also
    /// require the permissions boundary).
    Roles,
    /// SSM parameters by name.
    Parameters,
    /// SageMaker resources of this account and region.
    SageMaker,
    /// SageMaker's service-linked role.
    SageMakerServiceLinkedRole,
    /// S3 buckets (flow logs delivered to S3 add themselves to the bucket's policy).
    Buckets,
    /// Granted by a statement of its own, with its own conditions: tagging EC2 resources
    /// (only while creating them, or on resources of Service Catalog stacks) and
    /// `iam:PassRole` (only to the services that need the roles).
    Dedicated,
}

/// Where a type's actions come from.
pub(super) enum Source {
    /// The type's official schema: every create/read/update/delete permission, placed in
    /// `default` unless `scopes` says otherwise; plus `beyond`, actions the snapshot does not
    /// list, each with the reason it is granted anyway.
    Schema {
        default: Scope,
        scopes: &'static [(&'static str, Scope)],
        beyond: &'static [(&'static str, Scope, &'static str)],
    },
    /// No public schema: the actions, by scope.
    Listed(&'static [(Scope, &'static [&'static str])]),
    /// No public schema, an EC2 type: `describe`, the calls that take no resource ARN, and
    /// `manage`, those that act on the type's EC2 ARNs.
    Ec2Calls {
        describe: &'static [&'static str],
        manage: &'static [&'static str],
    },
}

/// What one resource type needs of the launch role.
pub(super) struct TypeGrants {
    /// The CloudFormation type, `AWS::EC2::VPC`.
    pub resource_type: &'static str,
    /// The EC2 ARN types its calls act on; the first is the one its create call makes.
    pub ec2_arn_types: &'static [&'static str],
    pub source: Source,
    /// The EC2 call that creates it, when that call tags on create.
    pub ec2_create_action: Option<&'static str>,
}

/// The actions `r` needs, by scope.
pub(super) fn actions_of(r: &Resource, grants: &TypeGrants) -> Vec<(Scope, &'static str)> {
    match &grants.source {
        Source::Listed(list) => list
            .iter()
            .flat_map(|(scope, actions)| actions.iter().map(move |a| (*scope, *a)))
            .collect(),
        Source::Ec2Calls { describe, manage } => describe
            .iter()
            .map(|a| (Scope::Any, *a))
            .chain(manage.iter().map(|a| (Scope::Ec2, *a)))
            .collect(),
        Source::Schema {
            default,
            scopes,
            beyond,
        } => {
            let schema = handler_permissions(&r.resource_type)
                .expect("every type with a Schema source has a bundled schema");
            let mut out: Vec<(Scope, &'static str)> = schema
                .iter()
                .filter(|a| super::schemas::needed(r, a))
                .map(|a| {
                    let scope = scopes
                        .iter()
                        .find(|(s, _)| s == a)
                        .map_or(*default, |(_, scope)| *scope);
                    (scope, a.as_str())
                })
                .collect();
            out.extend(beyond.iter().map(|(a, scope, _)| (*scope, *a)));
            out
        }
    }
}

/// The names of the types of `grants`, in order.
pub(super) const fn names<const N: usize>(grants: &[TypeGrants; N]) -> [&'static str; N] {
    let mut out = [""; N];
    let mut i = 0;
    while i < N {
        out[i] = grants[i].resource_type;
        i += 1;
    }
    out
}

/// The grants of `resource_type`, or `None` when airgap does not support it.
pub(super) fn grants_of(resource_type: &str) -> Option<&'static TypeGrants> {
    TYPES
        .iter()
        .chain(super::sagemaker::GRANTS.iter())
        .find(|g| g.resource_type == resource_type)
}

/// An EC2 type without a public schema: the calls that create, describe, modify and delete it
/// (EC2 API Reference, one call per property the type has), and its ARN types from the Service
/// Authorization Reference.
const fn ec2(
    resource_type: &'static str,
    ec2_arn_types: &'static [&'static str],
    ec2_create_action: Option<&'static str>,
    describe: &'static [&'static str],
    manage: &'static [&'static str],
) -> TypeGrants {
    TypeGrants {
        resource_type,
        ec2_arn_types,
        source: Source::Ec2Calls { describe, manage },
        ec2_create_action,
    }
}

/// The supported types other than SageMaker's.
pub(super) const TYPES: [TypeGrants; 13] = [
    ec2(
        "AWS::EC2::VPC",
        &["vpc"],
        Some("CreateVpc"),
        &[
            "ec2:DescribeVpcs",
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeNetworkAcls",
        ],
        &[
            "ec2:CreateVpc",
            "ec2:DescribeVpcAttribute",
            "ec2:ModifyVpcAttribute",
            "ec2:DeleteVpc",
        ],
    ),
    ec2(
        "AWS::EC2::Subnet",
        &["subnet", "vpc"],
        Some("CreateSubnet"),
        &["ec2:DescribeSubnets", "ec2:DescribeNetworkAcls"],
        &[
            "ec2:CreateSubnet",
            "ec2:ModifySubnetAttribute",
            "ec2:DeleteSubnet",
        ],
    ),
    ec2(
        "AWS::EC2::RouteTable",
        &["route-table", "vpc"],
        Some("CreateRouteTable"),
        &["ec2:DescribeRouteTables"],
        &["ec2:CreateRouteTable", "ec2:DeleteRouteTable"],
    ),
    ec2(
        "AWS::EC2::SubnetRouteTableAssociation",
        &["route-table", "subnet"],
        None,
        &["ec2:DescribeRouteTables", "ec2:DescribeSubnets"],
        &[
            "ec2:AssociateRouteTable",
            "ec2:ReplaceRouteTableAssociation",
            "ec2:DisassociateRouteTable",
        ],
    ),
    ec2(
        "AWS::EC2::SecurityGroup",
        &["security-group", "security-group-rule", "vpc"],
        Some("CreateSecurityGroup"),
        &[
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSecurityGroupRules",
        ],
        &[
            "ec2:CreateSecurityGroup",
            "ec2:DeleteSecurityGroup",
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupEgress",
        ],
    ),
    ec2(
        "AWS::EC2::SecurityGroupIngress",
        &["security-group", "security-group-rule", "prefix-list"],
        None,
        &[
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSecurityGroupRules",
        ],
        &[
            "ec2:AuthorizeSecurityGroupIngress",
            "ec2:RevokeSecurityGroupIngress",
            "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
        ],
    ),
    ec2(
        "AWS::EC2::SecurityGroupEgress",
        &["security-group", "security-group-rule", "prefix-list"],
        None,
        &[
            "ec2:DescribeSecurityGroups",
            "ec2:DescribeSecurityGroupRules",
        ],
        &[
            "ec2:AuthorizeSecurityGroupEgress",
            "ec2:RevokeSecurityGroupEgress",
            "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
        ],
    ),
    ec2(
        "AWS::EC2::VPCEndpoint",
        &[
            "vpc-endpoint",
            "vpc",
            "subnet",
            "security-group",
            "route-table",
            "vpc-endpoint-service",
        ],
        Some("CreateVpcEndpoint"),
        &["ec2:DescribeVpcEndpoints"],
        &[
            "ec2:CreateVpcEndpoint",
            "ec2:ModifyVpcEndpoint",
            "ec2:DeleteVpcEndpoints",
        ],
    ),
    TypeGrants {
        resource_type: "AWS::EC2::FlowLog",
        ec2_arn_types: &["vpc-flow-log", "vpc", "subnet", "network-interface"],
        source: Source::Schema {
            default: Scope::Ec2,
            scopes: &[
                // Neither describe nor log deliveries take a resource ARN.
                ("ec2:DescribeFlowLogs", Scope::Any),
                ("logs:CreateLogDelivery", Scope::Any),
                ("logs:DeleteLogDelivery", Scope::Any),
                ("ec2:CreateTags", Scope::Dedicated),
                ("ec2:DeleteTags", Scope::Dedicated),
                ("iam:PassRole", Scope::Dedicated),
                ("s3:GetBucketPolicy", Scope::Buckets),
                ("s3:PutBucketPolicy", Scope::Buckets),
            ],
            beyond: &[],
        },
        ec2_create_action: Some("CreateFlowLogs"),
    },
    TypeGrants {
        resource_type: "AWS::KMS::Key",
        ec2_arn_types: &[],
        // `kms:TagResource` for tags given at creation needs "permission in an IAM policy
        // that covers all KMS keys in the account and Region" (KMS developer guide):
        // `key/*` of this account and region is that, so it stays in the Kms scope.
        source: Source::Schema {
            default: Scope::Kms,
            scopes: &[("kms:CreateKey", Scope::Any)],
            beyond: &[],
        },
        ec2_create_action: None,
    },
    TypeGrants {
        resource_type: "AWS::Logs::LogGroup",
        ec2_arn_types: &[],
        source: Source::Schema {
            default: Scope::LogGroups,
            // The Service Authorization Reference lists no resource type for
            // DescribeLogGroups: it takes only "*".
            scopes: &[("logs:DescribeLogGroups", Scope::Any)],
            beyond: &[
                (
                    "logs:TagResource",
                    Scope::LogGroups,
                    "later versions of the provider (AWS's live registry) tag with the newer tagging API",
                ),
                (
                    "logs:UntagResource",
                    Scope::LogGroups,
                    "later versions of the provider untag with the newer tagging API",
                ),
                (
                    "logs:ListTagsForResource",
                    Scope::LogGroups,
                    "later versions of the provider read tags with the newer tagging API",
                ),
            ],
        },
        ec2_create_action: None,
    },
    TypeGrants {
        resource_type: "AWS::IAM::Role",
        ec2_arn_types: &[],
        // No public schema: the IAM API calls for each property of the type (IAM API
        // Reference); creating a role and changing its policies are granted separately,
        // only with the permissions boundary.
        source: Source::Listed(&[(
            Scope::Roles,
            &[
                "iam:GetRole",
                "iam:DeleteRole",
                "iam:UpdateRole",
                "iam:UpdateRoleDescription",
                "iam:UpdateAssumeRolePolicy",
                "iam:GetRolePolicy",
                "iam:ListRolePolicies",
                "iam:ListAttachedRolePolicies",
                "iam:ListInstanceProfilesForRole",
                "iam:TagRole",
                "iam:UntagRole",
            ],
        )]),
        ec2_create_action: None,
    },
    TypeGrants {
        resource_type: "AWS::SSM::Parameter",
        ec2_arn_types: &[],
        source: Source::Schema {
            default: Scope::Parameters,
            scopes: &[],
            beyond: &[],
        },
        ec2_create_action: None,
    },
];
