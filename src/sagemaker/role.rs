//! The execution role a workload runs with, derived from what its network allows.

use serde_json::json;

use super::network::WorkloadNetwork;
use crate::error::Result;
use crate::iam::{Arn, PolicyDocument, PolicyKind, Principal, Statement};
use crate::template::{Expr, Resource, ResourceRef, Stack};

/// The IAM role SageMaker runs a workload (a notebook, Studio apps) with, least privilege and
/// derived like a launch role: objects of the buckets the network lets workloads read (and
/// write, where declared), the workload's KMS key and the network's data keys, CloudWatch Logs
/// under `/aws/sagemaker/`, the network interfaces SageMaker makes in the network's subnets
/// for jobs started from the workload, ECR image pulls only when the network has the ECR
/// workload, and nothing else: no `AmazonSageMakerFullAccess`, no managed policy at all.
///
/// ```
/// use airgap::sagemaker::{ExecutionRole, WorkloadKind, WorkloadNetwork};
/// use airgap::template::{Expr, Stack};
/// let mut stack = Stack::new("Demo");
/// let place = WorkloadNetwork::parameters("DataScience", WorkloadKind::Notebook, &mut stack)?.read_bucket("my_secure_bucket");
/// let role = ExecutionRole::new("Research", &place).add_to(&mut stack)?;
/// let policy = &stack.template().resources[role.logical_id().as_str()].properties["Policies"];
/// assert!(!policy.to_string().contains("sagemaker:*"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct ExecutionRole {
    name: String,
    network: WorkloadNetwork,
    keys: Vec<Expr>,
}

impl ExecutionRole {
    /// The execution role of the workload `name`, in `network`.
    pub fn new(name: impl Into<String>, network: &WorkloadNetwork) -> Self {
        Self {
            name: name.into(),
            network: network.clone(),
            keys: Vec::new(),
        }
    }

    /// Lets the role use a KMS key (by ARN), such as the workload's own volume key.
    pub fn key(mut self, arn: Expr) -> Self {
        self.keys.push(arn);
        self
    }

    /// The role's policy document.
    pub fn policy(&self) -> Result<PolicyDocument> {
        let mut doc = PolicyDocument::new();
        let n = &self.network;
        let read: Vec<&String> = n.read_buckets().iter().collect();
        let write: Vec<&String> = n.read_write_buckets().iter().collect();
        if !read.is_empty() || !write.is_empty() {
            let mut objects = Vec::new();
            let mut buckets = Vec::new();
            for b in read.iter().chain(write.iter()) {
                objects.push(Arn::s3_objects(b)?);
                buckets.push(Arn::s3_bucket(b)?);
            }
            doc = doc
                .statement(
                    Statement::allow()
                        .sid("ReadDataObjects")
                        .action("s3:GetObject")
                        .resources(objects),
                )
                .statement(
                    Statement::allow()
                        .sid("ListDataBuckets")
                        .actions(["s3:ListBucket", "s3:GetBucketLocation"])
                        .resources(buckets),
                );
        }
        if !write.is_empty() {
            let mut objects = Vec::new();
            for b in &write {
                objects.push(Arn::s3_objects(b)?);
            }
            doc = doc.statement(
                Statement::allow()
                    .sid("WriteDataObjects")
                    .actions(["s3:PutObject", "s3:DeleteObject", "s3:AbortMultipartUpload"])
                    .resources(objects),
            );
        }
        let keys: Vec<Arn> = self
            .keys
            .iter()
            .chain(n.kms_keys())
            .cloned()
            .map(Arn::from_expr)
            .collect();
        if !keys.is_empty() {
            doc = doc.statement(
                Statement::allow()
                    .sid("UseWorkloadAndDataKeys")
                    .actions([
                        "kms:Decrypt",
                        "kms:Encrypt",
                        "kms:GenerateDataKey",
                        "kms:DescribeKey",
                        "kms:CreateGrant",
                    ])
                    .resources(keys),
            );
        }
        doc = doc
            .statement(
                Statement::allow()
                    .sid("WriteSageMakerLogs")
                    .actions([
                        "logs:CreateLogGroup",
                        "logs:CreateLogStream",
                        "logs:PutLogEvents",
                        "logs:DescribeLogStreams",
                    ])
                    .resource(Arn::new(
                        "arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:/aws/sagemaker/*",
                    )?),
            )
            .statement(
                // Jobs started from the workload run in the network: SageMaker makes their
                // network interfaces with the execution role.
                Statement::allow()
                    .sid("NetworkInterfacesInThisAccount")
                    .actions([
                        "ec2:CreateNetworkInterface",
                        "ec2:CreateNetworkInterfacePermission",
                        "ec2:DeleteNetworkInterface",
                        "ec2:DeleteNetworkInterfacePermission",
                    ])
                    .resources([
                        Arn::new("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:network-interface/*")?,
                        Arn::new("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:subnet/*")?,
                        Arn::new("arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:security-group/*")?,
                    ]),
            )
            .statement(
                Statement::allow()
                    .sid("DescribeTheNetwork")
                    .actions([
                        "ec2:DescribeNetworkInterfaces",
                        "ec2:DescribeVpcs",
                        "ec2:DescribeDhcpOptions",
                        "ec2:DescribeSubnets",
                        "ec2:DescribeSecurityGroups",
                    ])
                    .any_resource(),
            );
        if n.pulls_ecr_images() {
            doc = doc
                .statement(
                    // GetAuthorizationToken takes no resource but `*`.
                    Statement::allow()
                        .sid("EcrLogin")
                        .action("ecr:GetAuthorizationToken")
                        .any_resource(),
                )
                .statement(
                    Statement::allow()
                        .sid("PullImagesOfThisAccount")
                        .actions([
                            "ecr:BatchGetImage",
                            "ecr:GetDownloadUrlForLayer",
                            "ecr:BatchCheckLayerAvailability",
                        ])
                        .resource(Arn::new(
                            "arn:${AWS::Partition}:ecr:${AWS::Region}:${AWS::AccountId}:repository/*",
                        )?),
                );
        }
        Ok(doc)
    }

    /// Adds the role to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<ResourceRef> {
        let c = format!("ExecutionRole '{}'", self.name);
        let trust = PolicyDocument::new().statement(
            Statement::allow()
                .sid("SageMakerRunsTheWorkload")
                .principal(Principal::Service(vec![Expr::str(
                    "sagemaker.amazonaws.com",
                )]))
                .action("sts:AssumeRole"),
        );
        trust.validate(PolicyKind::Trust, &c)?;
        let policy = self.policy()?;
        policy.validate(PolicyKind::Identity, &c)?;
        let mut resource = Resource::new("AWS::IAM::Role")
            .property(
                "Description",
                format!(
                    "Runs the SageMaker workload {} inside its network",
                    self.name
                ),
            )
            .property("AssumeRolePolicyDocument", trust.to_value())
            .property(
                "Policies",
                json!([{"PolicyName": "WorkloadAccess", "PolicyDocument": policy.to_value()}]),
            );
        if let Some(b) = self.network.role_boundary() {
            resource = resource.property("PermissionsBoundary", b.to_value());
        }
        if self.network.pulls_ecr_images() {
            // checkov's "credentials exposure" check flags ecr:GetAuthorizationToken, which
            // every image pull needs and which takes no resource but `*`.
            resource.metadata.insert(
                "checkov".into(),
                json!({"skip": [{"id": "CKV_AWS_107", "comment": "ecr:GetAuthorizationToken is needed to pull images and takes only *"}]}),
            );
        }
        stack.add_resource_tagged(
            format!("{}ExecutionRole", super::camel(&self.name)),
            &c,
            resource,
            &format!("{} execution role", self.name),
        )
    }
}
