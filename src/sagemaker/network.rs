//! Where a workload lands: the network's subnets, its workload security group, the endpoints
//! it offers, and the data the network lets workloads read.

use super::SageMakerError;
use super::network_outputs::{SUBNET_IDS, VPC_ID, WORKLOAD_SECURITY_GROUP_ID, subnet_id};
use crate::error::{Error, Location, Result};
use crate::net::Service;
use crate::template::{AwsParameterType, Expr, Parameter, Stack};

/// The kinds of SageMaker workload this layer builds, each with the interface endpoints it
/// cannot work without.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum WorkloadKind {
    /// A notebook instance (`AWS::SageMaker::NotebookInstance`).
    Notebook,
    /// A Studio domain in `VpcOnly` mode (`AWS::SageMaker::Domain`) and its user profiles.
    Studio,
}

impl WorkloadKind {
    /// Every kind, in the order products are offered.
    pub const ALL: [WorkloadKind; 2] = [WorkloadKind::Notebook, WorkloadKind::Studio];

    /// The short name used on the command line: `notebook`, `studio`.
    pub fn id(self) -> &'static str {
        match self {
            WorkloadKind::Notebook => "notebook",
            WorkloadKind::Studio => "studio",
        }
    }

    /// The kind of a short name, or an error listing the names there are.
    ///
    /// ```
    /// use airgap::sagemaker::WorkloadKind;
    /// assert_eq!(WorkloadKind::from_id("studio")?, WorkloadKind::Studio);
    /// assert!(WorkloadKind::from_id("canvas").is_err());
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_id(id: &str) -> Result<WorkloadKind> {
        Self::ALL.into_iter().find(|k| k.id() == id).ok_or_else(|| {
            Error::parse(
                Location::new("WorkloadKind", "id"),
                "workload",
                id,
                "the workloads are notebook, studio",
            )
        })
    }

    /// The interface endpoints the workload needs in a network without internet access.
    ///
    /// A notebook instance is opened through the notebook endpoint, and its URL is presigned
    /// by the SageMaker API; Studio in `VpcOnly` mode sends all traffic through the VPC, so its
    /// apps need the Studio endpoint, the SageMaker API and the SageMaker Runtime.
    pub fn needs(self) -> Vec<Service> {
        match self {
            WorkloadKind::Notebook => vec![Service::SAGEMAKER_NOTEBOOK, Service::SAGEMAKER_API],
            WorkloadKind::Studio => vec![
                Service::SAGEMAKER_STUDIO,
                Service::SAGEMAKER_API,
                Service::SAGEMAKER_RUNTIME,
            ],
        }
    }

    pub(crate) fn describe(self) -> &'static str {
        match self {
            WorkloadKind::Notebook => "a notebook instance",
            WorkloadKind::Studio => "a Studio domain in VpcOnly mode",
        }
    }
}

/// The place in a private network a workload is put: the VPC, its private subnets, the
/// workload security group, the interface endpoints the network has, and the data buckets
/// and KMS keys the network lets workloads use. Made from a network in the same stack
/// ([`SageMakerNetworkRef::workload_network`](crate::patterns::sagemaker::SageMakerNetworkRef::workload_network)),
/// or as launch parameters of AWS-specific types with [`WorkloadNetwork::parameters`], so the
/// launch form of a workload product offers only the account's real VPCs, subnets and groups.
///
/// ```
/// use airgap::net::Service;
/// use airgap::sagemaker::WorkloadNetwork;
/// use airgap::template::Expr;
/// let place = WorkloadNetwork::new("DataScience", Expr::str("vpc-0a1b2c3d"),
///         Expr::Literal(serde_json::json!(["subnet-1", "subnet-2"])), Expr::str("sg-0a1b2c3d"))
///     .endpoints([Service::SAGEMAKER_API, Service::SAGEMAKER_NOTEBOOK])
///     .read_bucket("my_secure_bucket");
/// assert_eq!(place.read_buckets(), ["my_secure_bucket"]);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct WorkloadNetwork {
    name: String,
    vpc_id: Option<Expr>,
    subnet_ids: Expr,
    first_subnet: Option<Expr>,
    security_group: Expr,
    endpoints: Vec<Service>,
    read_buckets: Vec<String>,
    read_write_buckets: Vec<String>,
    kms_keys: Vec<Expr>,
    ecr_images: bool,
    permissions_boundary: Option<Expr>,
}

impl WorkloadNetwork {
    /// The network named `name` (used in messages), by its VPC, a list of its private
    /// subnets, and its workload security group.
    pub fn new(
        name: impl Into<String>,
        vpc_id: Expr,
        subnet_ids: Expr,
        security_group: Expr,
    ) -> Self {
        Self {
            name: name.into(),
            vpc_id: Some(vpc_id),
            subnet_ids,
            first_subnet: None,
            security_group,
            endpoints: Vec::new(),
            read_buckets: Vec::new(),
            read_write_buckets: Vec::new(),
            kms_keys: Vec::new(),
            ecr_images: false,
            permissions_boundary: None,
        }
    }

    /// The network as launch parameters of `stack`, of AWS-specific types and named like the
    /// network product's outputs, so the launch form offers the account's real resources:
    /// for a notebook `SubnetId` (`AWS::EC2::Subnet::Id`, one of the outputs `Subnet1Id`..)
    /// and `WorkloadSecurityGroupId` (`AWS::EC2::SecurityGroup::Id`); for Studio also
    /// `VpcId` (`AWS::EC2::VPC::Id`) and `SubnetIds` (`List<AWS::EC2::Subnet::Id>`). Declare
    /// the endpoints and data the network has with the builder methods: the template cannot
    /// see them.
    pub fn parameters(
        name: impl Into<String>,
        kind: WorkloadKind,
        stack: &mut Stack,
    ) -> Result<Self> {
        let name = name.into();
        let c = format!("WorkloadNetwork '{name}'");
        let (vpc, subnets, first) = match kind {
            WorkloadKind::Notebook => {
                let subnet = stack.add_parameter_labeled(
                    "SubnetId",
                    &c,
                    Parameter::aws(AwsParameterType::SubnetId).description(format!(
                        "A private subnet of the network (output {}, {}, ... of the network product)",
                        subnet_id(1),
                        subnet_id(2)
                    )),
                    "Private subnet",
                    "Network",
                )?;
                (
                    None,
                    Expr::Literal(serde_json::json!([subnet.to_value()])),
                    Some(subnet),
                )
            }
            WorkloadKind::Studio => {
                let vpc = stack.add_parameter_labeled(
                    VPC_ID,
                    &c,
                    Parameter::aws(AwsParameterType::VpcId).description(format!(
                        "The private VPC (output {VPC_ID} of the network product)"
                    )),
                    "VPC",
                    "Network",
                )?;
                let subnets = stack.add_parameter_labeled(
                    SUBNET_IDS,
                    &c,
                    Parameter::list_of(AwsParameterType::SubnetId).description(format!(
                        "The network's private subnets (output {SUBNET_IDS} of the network product)"
                    )),
                    "Private subnets",
                    "Network",
                )?;
                (Some(vpc), subnets, None)
            }
        };
        let group = stack.add_parameter_labeled(
            WORKLOAD_SECURITY_GROUP_ID,
            &c,
            Parameter::aws(AwsParameterType::SecurityGroupId).description(format!(
                "The workload security group (output {WORKLOAD_SECURITY_GROUP_ID} of the network product)"
            )),
            "Workload security group",
            "Network",
        )?;
        let mut place = Self::new(name, Expr::str(""), subnets, group);
        place.vpc_id = vpc;
        place.first_subnet = first;
        Ok(place)
    }

    /// The subnet a single-instance workload (a notebook) goes in, when it is not the first
    /// of the list.
    pub fn first_subnet(mut self, subnet: Expr) -> Self {
        self.first_subnet = Some(subnet);
        self
    }

    /// Declares the interface endpoints the network has (replacing any declared before).
    pub fn endpoints(mut self, services: impl IntoIterator<Item = Service>) -> Self {
        self.endpoints = services.into_iter().collect();
        self
    }

    /// Declares a bucket whose objects the network lets workloads read.
    pub fn read_bucket(mut self, bucket: impl Into<String>) -> Self {
        self.read_buckets.push(bucket.into());
        self
    }

    /// Declares a bucket the network lets workloads read and write.
    pub fn read_write_bucket(mut self, bucket: impl Into<String>) -> Self {
        self.read_write_buckets.push(bucket.into());
        self
    }

    /// Declares a KMS key (its ARN) that encrypts the network's data, which execution roles
    /// may use to read and write it.
    pub fn kms_key(mut self, arn: Expr) -> Self {
        self.kms_keys.push(arn);
        self
    }

    /// Declares that the network pulls images from Amazon ECR (it has the ECR endpoints).
    pub fn ecr_images(mut self, on: bool) -> Self {
        self.ecr_images = on;
        self
    }

    /// Sets the permissions boundary (a managed policy's ARN) of the execution roles made for
    /// workloads in this network, as a Service Catalog portfolio requires of every role its
    /// products create (see [`crate::catalog::boundary_arn`]).
    pub fn permissions_boundary(mut self, policy_arn: Expr) -> Self {
        self.permissions_boundary = Some(policy_arn);
        self
    }

    /// The permissions boundary of the workloads' execution roles, if any.
    pub fn role_boundary(&self) -> Option<&Expr> {
        self.permissions_boundary.as_ref()
    }

    /// The network's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The VPC's ID, when known (a notebook product takes only a subnet).
    pub fn vpc_id(&self) -> Option<&Expr> {
        self.vpc_id.as_ref()
    }

    /// The private subnets, as a list.
    pub fn subnet_ids(&self) -> &Expr {
        &self.subnet_ids
    }

    /// The subnet a single-instance workload goes in: the one given, else the first.
    pub fn single_subnet(&self) -> Expr {
        self.first_subnet
            .clone()
            .unwrap_or_else(|| Expr::select(0, self.subnet_ids.clone()))
    }

    /// The workload security group.
    pub fn security_group(&self) -> &Expr {
        &self.security_group
    }

    /// The interface endpoints declared.
    pub fn endpoint_services(&self) -> &[Service] {
        &self.endpoints
    }

    /// Buckets workloads may read.
    pub fn read_buckets(&self) -> &[String] {
        &self.read_buckets
    }

    /// Buckets workloads may read and write.
    pub fn read_write_buckets(&self) -> &[String] {
        &self.read_write_buckets
    }

    /// The data keys declared.
    pub fn kms_keys(&self) -> &[Expr] {
        &self.kms_keys
    }

    /// Whether workloads pull images from Amazon ECR.
    pub fn pulls_ecr_images(&self) -> bool {
        self.ecr_images
    }

    /// Checks that the network has every endpoint `kind` needs; the error lists those missing.
    pub fn check_fits(&self, kind: WorkloadKind, construct: &str) -> Result<()> {
        let missing: Vec<String> = kind
            .needs()
            .iter()
            .filter(|s| !self.endpoints.contains(s))
            .map(|s| s.id().to_string())
            .collect();
        if missing.is_empty() {
            return Ok(());
        }
        Err(Error::from(SageMakerError::MissingEndpoints {
            at: Location::new(construct, "network"),
            workload: format!("{} in network '{}'", kind.describe(), self.name),
            missing: missing.join(", "),
        }))
    }
}
