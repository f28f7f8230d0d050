//! The statements of a launch-role policy, from what the product templates need.

use std::collections::BTreeSet;

use super::table::Scope;
use super::{Needs, STACK_PREFIX, sagemaker};
use crate::iam::{Arn, Condition, ConditionOperator, PolicyDocument, Statement};
use crate::template::{Expr, Pseudo};

/// This account in this region, in an ARN.
const REGIONAL: &str = "${AWS::Region}:${AWS::AccountId}";

fn arn(text: String) -> Arn {
    Arn::new(text).expect("launch-role ARNs are built from well-formed parts")
}

fn cond(op: ConditionOperator, key: &str, values: Vec<Expr>) -> Condition {
    Condition::new(op, key, values).expect("well-formed condition keys")
}

fn in_this_region() -> Condition {
    cond(
        ConditionOperator::StringEquals,
        "aws:RequestedRegion",
        vec![Expr::pseudo(Pseudo::Region)],
    )
}

/// The stacks of Service Catalog, by ARN.
fn stacks_arn() -> String {
    format!("arn:${{AWS::Partition}}:cloudformation:{REGIONAL}:stack/{STACK_PREFIX}*/*")
}

impl Needs {
    /// The actions needed in `scope`, sorted.
    fn actions_in(&self, scope: Scope) -> Vec<&'static str> {
        self.actions
            .get(&scope)
            .map(|s| s.iter().copied().collect())
            .unwrap_or_default()
    }

    /// The statement `sid` granting the actions of `scope` on `resources`, if any are needed.
    fn scoped(
        &self,
        scope: Scope,
        sid: &str,
        resources: impl IntoIterator<Item = Arn>,
    ) -> Option<Statement> {
        let actions = self.actions_in(scope);
        (!actions.is_empty()).then(|| {
            Statement::allow()
                .sid(sid)
                .actions(actions)
                .resources(resources)
        })
    }

    /// The roles the templates make or pass, by ARN.
    fn role_arns(&self) -> Vec<Arn> {
        self.role_names
            .iter()
            .map(|n| {
                arn(format!(
                    "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{n}"
                ))
            })
            .collect()
    }
}

/// The launch-role policy: what every launch needs, then each scope's statements.
pub(super) fn statements(needs: &Needs) -> PolicyDocument {
    let statements = stack_statements()
        .into_iter()
        .chain(no_arn_statement(needs))
        .chain(network_statements(needs))
        .chain(needs.scoped(
            Scope::Kms,
            "ManageKeys",
            [arn(format!("arn:${{AWS::Partition}}:kms:{REGIONAL}:key/*"))],
        ))
        .chain(needs.scoped(
            Scope::LogGroups,
            "ManageLogGroups",
            needs.log_group_names.iter().map(|n| {
                // `log-group:NAME` for the newer APIs, `log-group:NAME:*` for the older.
                let n = if n.ends_with('*') {
                    n.clone()
                } else {
                    format!("{n}*")
                };
                arn(format!(
                    "arn:${{AWS::Partition}}:logs:{REGIONAL}:log-group:{n}"
                ))
            }),
        ))
        .chain(sagemaker_statements(needs))
        .chain(role_statements(needs))
        .chain(needs.scoped(
            Scope::Buckets,
            "LetFlowLogsWriteToTheirBuckets",
            [arn("arn:${AWS::Partition}:s3:::*".into())],
        ))
        .chain(needs.scoped(
            Scope::Parameters,
            "ManageParameters",
            needs.parameter_names.iter().map(|n| {
                arn(format!(
                    "arn:${{AWS::Partition}}:ssm:{REGIONAL}:parameter/{n}"
                ))
            }),
        ));
    statements.fold(PolicyDocument::new(), PolicyDocument::statement)
}

/// What every launch needs: managing Service Catalog's stacks, checking templates, and
/// reading the copies of the product templates.
fn stack_statements() -> [Statement; 3] {
    [
        Statement::allow()
            .sid("ManageServiceCatalogStacks")
            .actions([
                "cloudformation:CreateStack",
                "cloudformation:UpdateStack",
                "cloudformation:DeleteStack",
                "cloudformation:DescribeStacks",
                "cloudformation:DescribeStackEvents",
                "cloudformation:GetTemplate",
                "cloudformation:SetStackPolicy",
                "cloudformation:CreateChangeSet",
                "cloudformation:DescribeChangeSet",
                "cloudformation:ExecuteChangeSet",
                "cloudformation:DeleteChangeSet",
                "cloudformation:ListChangeSets",
                "cloudformation:TagResource",
                "cloudformation:UntagResource",
            ])
            .resource(arn(stacks_arn())),
        // Neither action takes a resource.
        Statement::allow()
            .sid("CheckTemplates")
            .actions([
                "cloudformation:GetTemplateSummary",
                "cloudformation:ValidateTemplate",
            ])
            .any_resource()
            .condition(in_this_region()),
        // Service Catalog copies each product template into a bucket it owns, and
        // CloudFormation reads it from there with this role. That bucket's name is not
        // published; its objects carry the tag `servicecatalog:provisioning=true`, the
        // condition AWS's Service Catalog guide asks launch roles to use.
        Statement::allow()
            .sid("ReadProductTemplatesServiceCatalogCopied")
            .action("s3:GetObject")
            .resource(arn("arn:${AWS::Partition}:s3:::*/*".into()))
            .condition(cond(
                ConditionOperator::StringEquals,
                "s3:ExistingObjectTag/servicecatalog:provisioning",
                vec![Expr::str("true")],
            )),
    ]
}

/// The calls that take no resource ARN, in this region.
fn no_arn_statement(needs: &Needs) -> Option<Statement> {
    let mut any: BTreeSet<&str> = needs.actions_in(Scope::Any).into_iter().collect();
    any.extend(needs.extra_any.iter().copied());
    (!any.is_empty()).then(|| {
        Statement::allow()
            .sid("CallsWithoutResourceArns")
            .actions(any)
            .any_resource()
            .condition(in_this_region())
    })
}

/// EC2 ARNs of `types` in this region.
fn ec2_arns(types: &BTreeSet<&'static str>) -> Vec<Arn> {
    types
        .iter()
        .map(|t| {
            // AWS owns the endpoint services and managed prefix lists the network uses.
            let account = if matches!(*t, "vpc-endpoint-service" | "prefix-list") {
                "*"
            } else {
                "${AWS::AccountId}"
            };
            arn(format!(
                "arn:${{AWS::Partition}}:ec2:${{AWS::Region}}:{account}:{t}/*"
            ))
        })
        .collect()
}

/// Managing the network resources, tagging them, and the private DNS of interface endpoints.
fn network_statements(needs: &Needs) -> Vec<Statement> {
    let mut out: Vec<Statement> = needs
        .scoped(
            Scope::Ec2,
            "ManageNetworkResources",
            ec2_arns(&needs.ec2_arn_types),
        )
        .into_iter()
        .collect();
    if !needs.ec2_tagged_types.is_empty() {
        let taggable: Vec<Arn> = ec2_arns(&needs.ec2_tagged_types);
        out.push(
            Statement::allow()
                .sid("TagNetworkResourcesOnCreate")
                .action("ec2:CreateTags")
                .resources(taggable.clone())
                .condition(cond(
                    ConditionOperator::StringEquals,
                    "ec2:CreateAction",
                    needs
                        .ec2_create_actions
                        .iter()
                        .map(|a| Expr::str(*a))
                        .collect(),
                )),
        );
        out.push(
            Statement::allow()
                .sid("RetagNetworkResourcesOfServiceCatalogStacks")
                .actions(["ec2:CreateTags", "ec2:DeleteTags"])
                .resources(taggable)
                .condition(cond(
                    ConditionOperator::ArnLike,
                    "aws:ResourceTag/aws:cloudformation:stack-id",
                    vec![Expr::sub(stacks_arn())],
                )),
        );
    }
    if needs.private_dns {
        out.push(
            Statement::allow()
                .sid("PrivateDnsOfInterfaceEndpoints")
                .action("route53:AssociateVPCWithHostedZone")
                .resources([
                    arn("arn:${AWS::Partition}:route53:::hostedzone/*".into()),
                    arn(format!("arn:${{AWS::Partition}}:ec2:{REGIONAL}:vpc/*")),
                ]),
        );
    }
    out
}

/// Managing SageMaker workloads (behind their guards) and SageMaker's service-linked role.
fn sagemaker_statements(needs: &Needs) -> Vec<Statement> {
    let mut out = Vec::new();
    let actions = needs.actions_in(Scope::SageMaker);
    if !actions.is_empty() {
        let workloads = arn(format!("arn:${{AWS::Partition}}:sagemaker:{REGIONAL}:*"));
        out.extend(sagemaker::guards(&actions, &workloads));
        out.push(
            Statement::allow()
                .sid("ManageSageMakerWorkloads")
                .actions(actions)
                .resource(workloads),
        );
    }
    out.extend(
        needs
            .scoped(
                Scope::SageMakerServiceLinkedRole,
                "CreateSageMakerServiceLinkedRole",
                [arn(
                    "arn:${AWS::Partition}:iam::${AWS::AccountId}:role/aws-service-role/sagemaker.amazonaws.com/*".into(),
                )],
            )
            .map(|s| {
                s.condition(cond(
                    ConditionOperator::StringEquals,
                    "iam:AWSServiceName",
                    vec![Expr::str("sagemaker.amazonaws.com")],
                ))
            }),
    );
    out
}

/// Managing the products' roles, creating them within the boundary, and passing them.
fn role_statements(needs: &Needs) -> Vec<Statement> {
    let mut out: Vec<Statement> = needs
        .scoped(Scope::Roles, "ManageProductRoles", needs.role_arns())
        .into_iter()
        .collect();
    // Only templates that create roles (each with its boundary) get these: a template that
    // only passes a role made by another product (a Studio user profile) names roles too.
    if !needs.boundaries.is_empty() {
        // Creating a role, or changing what its policies allow, only with the boundary the
        // templates set: whatever policy a product writes, its roles can do no more than the
        // boundary allows. Removing a boundary is never granted.
        let boundary = cond(
            ConditionOperator::StringEquals,
            "iam:PermissionsBoundary",
            needs
                .boundaries
                .iter()
                .map(|v| Expr::Literal(v.clone()))
                .collect(),
        );
        out.push(
            Statement::allow()
                .sid("CreateProductRolesWithinTheBoundary")
                .actions([
                    "iam:CreateRole",
                    "iam:PutRolePolicy",
                    "iam:DeleteRolePolicy",
                    "iam:PutRolePermissionsBoundary",
                ])
                .resources(needs.role_arns())
                .condition(boundary.clone()),
        );
        if !needs.managed_policies.is_empty() {
            let mut s = Statement::allow()
                .sid("AttachNamedManagedPoliciesWithinTheBoundary")
                .actions(["iam:AttachRolePolicy", "iam:DetachRolePolicy"])
                .resources(needs.role_arns())
                .condition(boundary);
            if needs.managed_policies_literal {
                s = s.condition(cond(
                    ConditionOperator::ArnEquals,
                    "iam:PolicyARN",
                    needs
                        .managed_policies
                        .iter()
                        .map(|v| Expr::Literal(v.clone()))
                        .collect(),
                ));
            }
            out.push(s);
        }
    }
    if !needs.pass_role_to.is_empty() {
        out.push(
            Statement::allow()
                .sid("PassProductRolesToTheirServices")
                .action("iam:PassRole")
                .resources(needs.role_arns())
                .condition(cond(
                    ConditionOperator::StringEquals,
                    "iam:PassedToService",
                    needs.pass_role_to.iter().map(|s| Expr::str(*s)).collect(),
                )),
        );
    }
    out
}
