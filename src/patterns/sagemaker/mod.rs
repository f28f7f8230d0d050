//! The secure network for Amazon SageMaker: private subnets, endpoints, security groups, flow
//! logs, in one call; as one stack, as a parameterized Service Catalog product, or as three
//! products (VPC, security groups, endpoints) launched one after the other.

mod builder;
mod check;
mod outputs;
mod parts;
mod split;

pub use split::{NetworkProducts, Wire};

use crate::error::{Error, Location, Result};
use crate::iam::PolicyDocument;
use crate::net::{
    EndpointRef, FlowLogRef, SecurityGroupRef, Service, SubnetSelection, Vpc, VpcRef,
};
use crate::template::{ConditionRef, Expr};

/// The condition that holds in AWS GovCloud (US).
pub const GOVCLOUD_CONDITION: &str = "IsGovCloudPartition";

/// What will run in the network; each needs some endpoints, which
/// [`SecureSageMakerNetwork::add_to`] checks are there.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Workload {
    /// Training, processing and hosting jobs: they call the SageMaker API and Runtime, get
    /// credentials from STS and write logs to CloudWatch Logs.
    Jobs,
    /// Notebook instances opened from inside the VPC: the notebook endpoint, and the SageMaker
    /// API that presigns their URLs.
    NotebookInstances,
    /// Containers pulled from Amazon ECR: `ecr.api`, `ecr.dkr`, and S3 for the image layers.
    EcrImages,
    /// SageMaker Projects, which launch templates through AWS Service Catalog.
    Projects,
}

impl Workload {
    /// Every workload.
    pub const ALL: [Workload; 4] = [
        Workload::Jobs,
        Workload::NotebookInstances,
        Workload::EcrImages,
        Workload::Projects,
    ];

    /// The workload's short name: `jobs`, `notebook-instances`, `ecr-images`, `projects`.
    pub fn id(self) -> &'static str {
        match self {
            Workload::Jobs => "jobs",
            Workload::NotebookInstances => "notebook-instances",
            Workload::EcrImages => "ecr-images",
            Workload::Projects => "projects",
        }
    }

    /// The workload of a short name, or an error that lists the names there are.
    ///
    /// ```
    /// use airgap::patterns::sagemaker::Workload;
    /// assert_eq!(Workload::from_id("ecr-images")?, Workload::EcrImages);
    /// assert!(Workload::from_id("ecr").is_err());
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_id(id: &str) -> Result<Workload> {
        Self::ALL.into_iter().find(|w| w.id() == id).ok_or_else(|| {
            let known: Vec<&str> = Self::ALL.iter().map(|w| w.id()).collect();
            Error::parse(
                Location::new("Workload", "id"),
                "workload",
                id,
                format!("the workloads are {}", known.join(", ")),
            )
        })
    }

    fn describe(self) -> &'static str {
        match self {
            Workload::Jobs => "running SageMaker training, processing and hosting jobs",
            Workload::NotebookInstances => "opening notebook instances from inside the VPC",
            Workload::EcrImages => "pulling images from Amazon ECR",
            Workload::Projects => "SageMaker Projects",
        }
    }

    fn needs(self) -> Vec<Service> {
        match self {
            Workload::Jobs => vec![
                Service::SAGEMAKER_API,
                Service::SAGEMAKER_RUNTIME,
                Service::STS,
                Service::LOGS,
            ],
            Workload::NotebookInstances => {
                vec![Service::SAGEMAKER_NOTEBOOK, Service::SAGEMAKER_API]
            }
            // S3 is always there as a gateway endpoint.
            Workload::EcrImages => vec![Service::ECR_API, Service::ECR_DKR],
            Workload::Projects => vec![Service::SERVICECATALOG],
        }
    }
}

/// Who may reach the interface endpoints.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointAccess {
    /// Only members of the workload security group (the default).
    WorkloadGroup,
    /// Anything in the VPC's block.
    VpcCidr,
}

/// The secure SageMaker network of the seed, with secure defaults and every part overridable.
///
/// By default: a `10.0.0.0/16` VPC over three zones with a private subnet and route table in
/// each, and nothing that reaches the internet; an S3 gateway endpoint on every route table;
/// interface endpoints for the SageMaker API, SageMaker Runtime, STS and CloudWatch Logs with
/// private DNS, each with an account-scoped policy; a workload security group that may send
/// only TCP 443 to the endpoint group and to S3's prefix list; an endpoint group that admits
/// only TCP 443 from the workload group and sends nothing; flow logs to an encrypted,
/// retained log group; and outputs exported for the products that launch into the network.
///
/// S3's managed prefix list differs by region and no intrinsic function looks it up, so unless
/// [`s3_prefix_list_id`](Self::s3_prefix_list_id) pins it, the template takes it as the
/// parameter `S3PrefixListId` (find it with `aws ec2 describe-managed-prefix-lists --filters
/// Name=prefix-list-name,Values=com.amazonaws.REGION.s3`). A parameter rather than a region
/// map: a map would go stale as regions are added, and a wrong ID silently breaks S3 access.
///
/// Three forms come from one description, so they cannot drift apart:
/// [`add_to`](Self::add_to) puts the whole network in one stack; with
/// [`parameterized`](Self::parameterized) that stack is a Service Catalog product whose launch
/// form asks for the project, environment, VPC block, zones, optional endpoints and buckets;
/// [`split`](Self::split) makes three products wired by parameters.
///
/// ```
/// use airgap::patterns::sagemaker::SecureSageMakerNetwork;
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let net = SecureSageMakerNetwork::new("DataScience")
///     .read_bucket("my_secure_bucket")
///     .add_to(&mut stack)?;
/// assert_eq!(net.vpc.subnets().len(), 3);
/// assert_eq!(net.interface_endpoints.len(), 4);
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SecureSageMakerNetwork {
    name: String,
    vpc: Vpc,
    endpoints: Vec<Service>,
    optional_endpoints: Vec<Service>,
    endpoint_policies: Vec<(Service, PolicyDocument)>,
    endpoint_subnets: SubnetSelection,
    s3_policy: Option<PolicyDocument>,
    read_buckets: Vec<String>,
    access: EndpointAccess,
    retention_days: u32,
    s3_prefix_list: Option<String>,
    workloads: Vec<Workload>,
    outputs: bool,
    distributed_training: bool,
    parameterized: bool,
    ssm_prefix: Option<String>,
    permissions_boundary: Option<Expr>,
}

/// What [`SecureSageMakerNetwork::add_to`] built.
#[derive(Debug, Clone)]
pub struct SageMakerNetworkRef {
    /// The VPC, its subnets and route tables.
    pub vpc: VpcRef,
    /// The group SageMaker notebooks, jobs and endpoints run in.
    pub workload_group: SecurityGroupRef,
    /// The group of the interface endpoints.
    pub endpoint_group: SecurityGroupRef,
    /// The S3 gateway endpoint.
    pub s3_endpoint: EndpointRef,
    /// Other gateway endpoints (DynamoDB).
    pub gateway_endpoints: Vec<EndpointRef>,
    /// The interface endpoints.
    pub interface_endpoints: Vec<EndpointRef>,
    /// The flow log and its key, group and role.
    pub flow_log: FlowLogRef,
    /// The buckets whose objects the network lets workloads read.
    pub read_buckets: Vec<String>,
    /// The workloads the network was checked for.
    pub workloads: Vec<Workload>,
}

/// Expressions of the launch-time choices, valid in the stack being built.
#[derive(Debug, Clone, Default)]
struct Choices {
    /// Conditions `HasZone2`.. for zones chosen at launch.
    zone_conditions: Vec<Option<ConditionRef>>,
    /// The `DataBucketNames` parameter.
    buckets: Option<Expr>,
}
