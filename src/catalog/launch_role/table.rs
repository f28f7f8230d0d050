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
}

pub(super) struct TypeGrants {
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

/// The grants of `resource_type`, or `None` when airgap does not support it.
pub(super) fn grants_of(resource_type: &str) -> Option<TypeGrants> {
    use Scope::*;
    // Types without a public schema list the EC2 API calls that create, describe, modify and
    // delete them (EC2 API Reference, one call per property the type has), and EC2's resource
    // ARN types from the Service Authorization Reference.
    Some(match resource_type {
        "AWS::EC2::VPC" => TypeGrants {
            ec2_arn_types: &["vpc"],
            source: Listed(&[
                (
                    Any,
                    &[
                        "ec2:DescribeVpcs",
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeNetworkAcls",
                    ],
                ),
                (
                    Ec2,
                    &[
                        "ec2:CreateVpc",
                        "ec2:DescribeVpcAttribute",
                        "ec2:ModifyVpcAttribute",
                        "ec2:DeleteVpc",
                    ],
                ),
            ]),
            ec2_create_action: Some("CreateVpc"),
        },
        "AWS::EC2::Subnet" => TypeGrants {
            ec2_arn_types: &["subnet", "vpc"],
            source: Listed(&[
                (Any, &["ec2:DescribeSubnets", "ec2:DescribeNetworkAcls"]),
                (
                    Ec2,
                    &[
                        "ec2:CreateSubnet",
                        "ec2:ModifySubnetAttribute",
                        "ec2:DeleteSubnet",
                    ],
                ),
            ]),
            ec2_create_action: Some("CreateSubnet"),
        },
        "AWS::EC2::RouteTable" => TypeGrants {
            ec2_arn_types: &["route-table", "vpc"],
            source: Listed(&[
                (Any, &["ec2:DescribeRouteTables"]),
                (Ec2, &["ec2:CreateRouteTable", "ec2:DeleteRouteTable"]),
            ]),
            ec2_create_action: Some("CreateRouteTable"),
        },
        "AWS::EC2::SubnetRouteTableAssociation" => TypeGrants {
            ec2_arn_types: &["route-table", "subnet"],
            source: Listed(&[
                (Any, &["ec2:DescribeRouteTables", "ec2:DescribeSubnets"]),
                (
                    Ec2,
                    &[
                        "ec2:AssociateRouteTable",
                        "ec2:ReplaceRouteTableAssociation",
                        "ec2:DisassociateRouteTable",
                    ],
                ),
            ]),
            ec2_create_action: None,
        },
        "AWS::EC2::SecurityGroup" => TypeGrants {
            ec2_arn_types: &["security-group", "security-group-rule", "vpc"],
            source: Listed(&[
                (
                    Any,
                    &[
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeSecurityGroupRules",
                    ],
                ),
                (
                    Ec2,
                    &[
                        "ec2:CreateSecurityGroup",
                        "ec2:DeleteSecurityGroup",
                        "ec2:AuthorizeSecurityGroupIngress",
                        "ec2:AuthorizeSecurityGroupEgress",
                        "ec2:RevokeSecurityGroupIngress",
                        "ec2:RevokeSecurityGroupEgress",
                    ],
                ),
            ]),
            ec2_create_action: Some("CreateSecurityGroup"),
        },
        "AWS::EC2::SecurityGroupIngress" => TypeGrants {
            ec2_arn_types: &["security-group", "security-group-rule", "prefix-list"],
            source: Listed(&[
                (
                    Any,
                    &[
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeSecurityGroupRules",
                    ],
                ),
                (
                    Ec2,
                    &[
                        "ec2:AuthorizeSecurityGroupIngress",
                        "ec2:RevokeSecurityGroupIngress",
                        "ec2:UpdateSecurityGroupRuleDescriptionsIngress",
                    ],
                ),
            ]),
            ec2_create_action: None,
        },
        "AWS::EC2::SecurityGroupEgress" => TypeGrants {
            ec2_arn_types: &["security-group", "security-group-rule", "prefix-list"],
            source: Listed(&[
                (
                    Any,
                    &[
                        "ec2:DescribeSecurityGroups",
                        "ec2:DescribeSecurityGroupRules",
                    ],
                ),
                (
                    Ec2,
                    &[
                        "ec2:AuthorizeSecurityGroupEgress",
                        "ec2:RevokeSecurityGroupEgress",
                        "ec2:UpdateSecurityGroupRuleDescriptionsEgress",
                    ],
                ),
            ]),
            ec2_create_action: None,
        },
        "AWS::EC2::VPCEndpoint" => TypeGrants {
            ec2_arn_types: &[
                "vpc-endpoint",
                "vpc",
                "subnet",
                "security-group",
                "route-table",
                "vpc-endpoint-service",
            ],
            source: Listed(&[
                (Any, &["ec2:DescribeVpcEndpoints"]),
                (
                    Ec2,
                    &[
                        "ec2:CreateVpcEndpoint",
                        "ec2:ModifyVpcEndpoint",
                        "ec2:DeleteVpcEndpoints",
                    ],
                ),
            ]),
            ec2_create_action: Some("CreateVpcEndpoint"),
        },
        "AWS::EC2::FlowLog" => TypeGrants {
            ec2_arn_types: &["vpc-flow-log", "vpc", "subnet", "network-interface"],
            source: Schema {
                default: Ec2,
                scopes: &[
                    // Neither describe nor log deliveries take a resource ARN.
                    ("ec2:DescribeFlowLogs", Any),
                    ("logs:CreateLogDelivery", Any),
                    ("logs:DeleteLogDelivery", Any),
                    ("ec2:CreateTags", Dedicated),
                    ("ec2:DeleteTags", Dedicated),
                    ("iam:PassRole", Dedicated),
                    ("s3:GetBucketPolicy", Buckets),
                    ("s3:PutBucketPolicy", Buckets),
                ],
                beyond: &[],
            },
            ec2_create_action: Some("CreateFlowLogs"),
        },
        "AWS::KMS::Key" => TypeGrants {
            ec2_arn_types: &[],
            // `kms:TagResource` for tags given at creation needs "permission in an IAM policy
            // that covers all KMS keys in the account and Region" (KMS developer guide):
            // `key/*` of this account and region is that, so it stays in the Kms scope.
            source: Schema {
                default: Kms,
                scopes: &[("kms:CreateKey", Any)],
                beyond: &[],
            },
            ec2_create_action: None,
        },
        "AWS::Logs::LogGroup" => TypeGrants {
            ec2_arn_types: &[],
            source: Schema {
                default: LogGroups,
                // The Service Authorization Reference lists no resource type for
                // DescribeLogGroups: it takes only "*".
                scopes: &[("logs:DescribeLogGroups", Any)],
                beyond: &[
                    (
                        "logs:TagResource",
                        LogGroups,
                        "later versions of the provider (AWS's live registry) tag with the newer tagging API",
                    ),
                    (
                        "logs:UntagResource",
                        LogGroups,
                        "later versions of the provider untag with the newer tagging API",
                    ),
                    (
                        "logs:ListTagsForResource",
                        LogGroups,
                        "later versions of the provider read tags with the newer tagging API",
                    ),
                ],
            },
            ec2_create_action: None,
        },
        "AWS::IAM::Role" => TypeGrants {
            ec2_arn_types: &[],
            // No public schema: the IAM API calls for each property of the type (IAM API
            // Reference); creating a role and changing its policies are granted separately,
            // only with the permissions boundary.
            source: Listed(&[(
                Roles,
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
        "AWS::SSM::Parameter" => TypeGrants {
            ec2_arn_types: &[],
            source: Schema {
                default: Parameters,
                scopes: &[],
                beyond: &[],
            },
            ec2_create_action: None,
        },
        other => return super::sagemaker::grants_of(other),
    })
}

use Source::{Listed, Schema};
