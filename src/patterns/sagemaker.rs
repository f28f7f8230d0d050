//! The secure network for Amazon SageMaker: private subnets, endpoints, security groups, flow
//! logs, in one call; as one stack, as a parameterized Service Catalog product, or as three
//! products (VPC, security groups, endpoints) launched one after the other.

use serde_json::json;

use crate::error::{Error, Location, Result};
use crate::iam::{Arn, Condition, ConditionKey, ConditionOperator, PolicyDocument, Statement};
use crate::net::{
    CHINA_CONDITION, DEFAULT_RETENTION_DAYS, EndpointRef, FlowLog, FlowLogRef, GatewayEndpoint,
    ImportedVpc, InterfaceEndpoint, MAX_ZONES, Peer, Port, SecurityGroup, SecurityGroupEgress,
    SecurityGroupIngress, SecurityGroupRef, Service, Vpc, VpcRef,
};
use crate::template::{
    AwsParameterType, Expr, Parameter, Partition, Pseudo, Resource, Stack, TagFormat,
};

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

/// The network as three products, launched in this order: the VPC (subnets, route tables,
/// flow logs), its security groups, its endpoints. Each later product takes what it needs from
/// the earlier ones as parameters of AWS-specific types (the launch form offers the account's
/// VPCs, subnets and groups); [`NetworkProducts::WIRING`] says which output feeds which
/// parameter, and each output is also exported.
///
/// ```
/// use airgap::patterns::sagemaker::{NetworkProducts, SecureSageMakerNetwork};
/// use airgap::template::Stack;
/// let products = SecureSageMakerNetwork::new("DataScience")
///     .parameterized()
///     .split(&Stack::new("Net").export_prefix("${ProjectName}-${EnvType}")?)?;
/// let order: Vec<&str> = products.in_launch_order().iter().map(|(name, _)| *name).collect();
/// assert_eq!(order, NetworkProducts::LAUNCH_ORDER);
/// let endpoints = products.in_launch_order()[2].1.template();
/// assert!(endpoints.parameters.contains_key("VpcId"), "wired from the VPC product's output");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NetworkProducts {
    /// The VPC, subnets, route tables and flow logs.
    pub vpc: Stack,
    /// The workload and endpoint security groups and their rules.
    pub security_groups: Stack,
    /// The gateway and interface endpoints.
    pub endpoints: Stack,
}

/// One link between products: an output of one feeds a parameter of a later one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Wire {
    /// The product that publishes the value.
    pub from_product: &'static str,
    /// Its output.
    pub output: &'static str,
    /// The product that takes the value.
    pub to_product: &'static str,
    /// Its parameter.
    pub parameter: &'static str,
}

impl NetworkProducts {
    /// The products' short names, in launch order.
    pub const LAUNCH_ORDER: [&'static str; 3] = ["vpc", "security-groups", "endpoints"];

    /// Which output of which product feeds which parameter of a later product.
    pub const WIRING: [Wire; 6] = [
        Wire {
            from_product: "vpc",
            output: "VpcId",
            to_product: "security-groups",
            parameter: "VpcId",
        },
        Wire {
            from_product: "vpc",
            output: "VpcCidr",
            to_product: "security-groups",
            parameter: "VpcCidr",
        },
        Wire {
            from_product: "vpc",
            output: "VpcId",
            to_product: "endpoints",
            parameter: "VpcId",
        },
        Wire {
            from_product: "vpc",
            output: "SubnetIds",
            to_product: "endpoints",
            parameter: "SubnetIds",
        },
        Wire {
            from_product: "vpc",
            output: "RouteTableIds",
            to_product: "endpoints",
            parameter: "RouteTableIds",
        },
        Wire {
            from_product: "security-groups",
            output: "EndpointSecurityGroupId",
            to_product: "endpoints",
            parameter: "EndpointSecurityGroupId",
        },
    ];

    /// The products with their short names, in launch order.
    pub fn in_launch_order(&self) -> [(&'static str, &Stack); 3] {
        [
            (Self::LAUNCH_ORDER[0], &self.vpc),
            (Self::LAUNCH_ORDER[1], &self.security_groups),
            (Self::LAUNCH_ORDER[2], &self.endpoints),
        ]
    }
}

/// Expressions of the launch-time choices, valid in the stack being built.
#[derive(Debug, Clone, Default)]
struct Choices {
    /// Conditions `HasZone2`.. for zones chosen at launch.
    zone_conditions: Vec<Option<String>>,
    /// The `DataBucketNames` parameter.
    buckets: Option<Expr>,
}

impl SecureSageMakerNetwork {
    /// The interface endpoints the network has unless told otherwise: what SageMaker jobs need.
    pub const DEFAULT_ENDPOINTS: [Service; 4] = [
        Service::SAGEMAKER_API,
        Service::SAGEMAKER_RUNTIME,
        Service::STS,
        Service::LOGS,
    ];

    /// The workloads the network is checked for unless told otherwise.
    pub const DEFAULT_WORKLOADS: [Workload; 1] = [Workload::Jobs];

    /// The network named `name`, with every default.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        Self {
            vpc: Vpc::new(name.clone()),
            name,
            endpoints: Self::DEFAULT_ENDPOINTS.to_vec(),
            optional_endpoints: Vec::new(),
            endpoint_policies: Vec::new(),
            s3_policy: None,
            read_buckets: Vec::new(),
            access: EndpointAccess::WorkloadGroup,
            retention_days: DEFAULT_RETENTION_DAYS,
            s3_prefix_list: None,
            workloads: Self::DEFAULT_WORKLOADS.to_vec(),
            outputs: true,
            distributed_training: false,
            parameterized: false,
            ssm_prefix: None,
            permissions_boundary: None,
        }
    }

    /// Sets the permissions boundary (a managed policy's ARN) of every role the network creates
    /// (the flow logs' delivery role): a Service Catalog portfolio requires one, see
    /// [`crate::catalog::boundary_arn`].
    pub fn permissions_boundary(mut self, policy_arn: Expr) -> Self {
        self.permissions_boundary = Some(policy_arn);
        self
    }

    /// The VPC's block (default `10.0.0.0/16`; in a parameterized product, the default of the
    /// `VpcCidr` parameter).
    pub fn cidr(mut self, cidr: impl Into<String>) -> Self {
        self.vpc = self.vpc.cidr(cidr);
        self
    }

    /// How many zones (1 to 6, default 3; in a parameterized product, the default of the
    /// `Zones` parameter).
    pub fn zones(mut self, count: usize) -> Self {
        self.vpc = self.vpc.zones(count);
        self
    }

    /// Pins the zones by name.
    pub fn zone_names<I, S>(mut self, zones: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.vpc = self.vpc.zone_names(zones);
        self
    }

    /// The prefix length of the carved subnets.
    pub fn subnet_prefix(mut self, prefix_len: u8) -> Self {
        self.vpc = self.vpc.subnet_prefix(prefix_len);
        self
    }

    /// Gives the subnets' blocks, one per zone.
    pub fn subnet_cidrs<I, S>(mut self, blocks: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.vpc = self.vpc.subnet_cidrs(blocks);
        self
    }

    /// Adds an interface endpoint (S3 and DynamoDB become gateway endpoints).
    pub fn endpoint(mut self, service: Service) -> Self {
        if !self.endpoints.contains(&service) {
            self.endpoints.push(service);
        }
        self
    }

    /// Replaces the endpoint list.
    pub fn endpoints(mut self, services: impl IntoIterator<Item = Service>) -> Self {
        self.endpoints.clear();
        for s in services {
            self = self.endpoint(s);
        }
        self
    }

    /// Adds an endpoint that the person launching a [parameterized](Self::parameterized)
    /// product chooses to create or not (a parameter `Enable...Endpoint`, off by default).
    pub fn optional_endpoint(mut self, service: Service) -> Self {
        if !self.optional_endpoints.contains(&service) {
            self.optional_endpoints.push(service);
        }
        self
    }

    /// Sets the policy of one service's endpoint (instead of its account-scoped default).
    pub fn endpoint_policy(mut self, service: Service, policy: PolicyDocument) -> Self {
        self.endpoint_policies.retain(|(s, _)| *s != service);
        self.endpoint_policies.push((service, policy));
        self
    }

    /// Sets the S3 gateway endpoint's policy, replacing what [`Self::read_bucket`] or the
    /// default data perimeter would write. One statement may still be appended: when the
    /// network has ECR endpoints, a statement that lets image layers be read from the bucket
    /// AWS serves them from, without which image pulls fail.
    pub fn s3_policy(mut self, policy: PolicyDocument) -> Self {
        self.s3_policy = Some(policy);
        self
    }

    /// Lets the network read objects of `bucket` through S3, as the seed's
    /// `Access-to-specific-bucket-only` statement does; every other bucket is refused. In a
    /// parameterized product the buckets are the default of the `DataBucketNames` parameter.
    ///
    /// The name must follow S3's bucket naming rules (an error says which rule it breaks);
    /// a name with `_`, valid only for buckets made in us-east-1 before March 2018, is accepted
    /// with a warning.
    pub fn read_bucket(mut self, bucket: impl Into<String>) -> Self {
        self.read_buckets.push(bucket.into());
        self
    }

    /// Lets anything in the VPC's block reach the interface endpoints, not only the workload
    /// group.
    pub fn endpoints_open_to_vpc(mut self) -> Self {
        self.access = EndpointAccess::VpcCidr;
        self
    }

    /// How long flow logs are kept, in days (default 365).
    pub fn flow_log_retention_days(mut self, days: u32) -> Self {
        self.retention_days = days;
        self
    }

    /// Pins S3's managed prefix list (`pl-...`) instead of taking it as a parameter: for a
    /// template meant for one region.
    pub fn s3_prefix_list_id(mut self, id: impl Into<String>) -> Self {
        self.s3_prefix_list = Some(id.into());
        self
    }

    /// Declares a workload, whose endpoints are then required.
    pub fn workload(mut self, w: Workload) -> Self {
        if !self.workloads.contains(&w) {
            self.workloads.push(w);
        }
        self
    }

    /// Replaces the workloads (none: no endpoint is required).
    pub fn workloads(mut self, ws: impl IntoIterator<Item = Workload>) -> Self {
        self.workloads.clear();
        for w in ws {
            self = self.workload(w);
        }
        self
    }

    /// Lets members of the workload group talk to each other on every TCP port, as
    /// multi-instance training jobs need. Off by default.
    pub fn allow_distributed_training(mut self) -> Self {
        self.distributed_training = true;
        self
    }

    /// Leaves out the outputs and exports.
    pub fn without_outputs(mut self) -> Self {
        self.outputs = false;
        self
    }

    /// Makes the template a Service Catalog product that asks at launch for: `ProjectName` and
    /// `EnvType` (tagged on every resource), `VpcCidr` (a `/16`; the subnets are carved from it
    /// with `Fn::Cidr` at deploy time), `Zones` (1 to 6), an `Enable...Endpoint` choice for
    /// each [optional endpoint](Self::optional_endpoint), and `DataBucketNames` when buckets
    /// are [read](Self::read_bucket). The builder's values become the parameters' defaults.
    pub fn parameterized(mut self) -> Self {
        self.parameterized = true;
        self
    }

    /// Also publishes the IDs consumers need as SSM parameters under `prefix` (e.g.
    /// `/ds-network` or `/${ProjectName}/${EnvType}`): `PREFIX/vpc-id`, `PREFIX/subnet-ids`,
    /// `PREFIX/workload-security-group-id`, `PREFIX/endpoint-security-group-id`,
    /// `PREFIX/s3-endpoint-id`.
    pub fn ssm_parameters(mut self, prefix: impl Into<String>) -> Self {
        self.ssm_prefix = Some(prefix.into());
        self
    }

    fn construct(&self) -> String {
        format!("SecureSageMakerNetwork '{}'", self.name)
    }

    /// The network's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The interface endpoints every launch of the network has (optional endpoints, chosen at
    /// launch, are not among them: a workload cannot count on them).
    pub fn endpoint_services(&self) -> &[Service] {
        &self.endpoints
    }

    /// The permissions boundary of the roles the network creates, if set.
    pub fn role_boundary(&self) -> Option<&Expr> {
        self.permissions_boundary.as_ref()
    }

    /// The buckets whose objects the network lets workloads read.
    pub fn read_buckets(&self) -> &[String] {
        &self.read_buckets
    }

    /// The workloads the network is checked for.
    pub fn declared_workloads(&self) -> &[Workload] {
        &self.workloads
    }

    fn has(&self, s: &Service) -> bool {
        self.endpoints.contains(s) || self.optional_endpoints.contains(s)
    }

    fn check(&self) -> Result<()> {
        let c = self.construct();
        let required = |s: &Service| self.endpoints.iter().any(|e| e == s);
        let mut implied = self.workloads.clone();
        // The notebook endpoint is useless without the API that presigns notebook URLs.
        if self.has(&Service::SAGEMAKER_NOTEBOOK) && !implied.contains(&Workload::NotebookInstances)
        {
            implied.push(Workload::NotebookInstances);
        }
        for w in implied {
            let missing: Vec<String> = w
                .needs()
                .iter()
                .filter(|s| !required(s))
                .map(|s| s.id().to_string())
                .collect();
            if !missing.is_empty() {
                return Err(Error::MissingEndpoints {
                    at: Location::new(&c, "endpoints"),
                    workload: w.describe().to_string(),
                    missing: missing.join(", "),
                });
            }
        }
        for (service, _) in &self.endpoint_policies {
            if !self.has(service) {
                return Err(Error::invalid(
                    &c,
                    "endpoint_policy",
                    format!(
                        "a policy is given for the {} endpoint, which the network does not have",
                        service.id()
                    ),
                ));
            }
            if *service == Service::S3 {
                return Err(Error::invalid(
                    &c,
                    "endpoint_policy",
                    "set the S3 gateway endpoint's policy with s3_policy()",
                ));
            }
        }
        for s in &self.optional_endpoints {
            if !self.parameterized {
                return Err(Error::invalid(
                    &c,
                    "optional_endpoint",
                    format!(
                        "the {} endpoint is optional, but only a parameterized product asks at launch; call parameterized() or make it a plain endpoint",
                        s.id()
                    ),
                ));
            }
            if required(s) {
                return Err(Error::invalid(
                    &c,
                    "optional_endpoint",
                    format!("the {} endpoint is both required and optional", s.id()),
                ));
            }
            if *s == Service::S3 {
                return Err(Error::invalid(
                    &c,
                    "optional_endpoint",
                    "the S3 gateway endpoint is always there",
                ));
            }
        }
        if self.parameterized {
            if self.vpc.has_named_zones() {
                return Err(Error::invalid(
                    &c,
                    "zone_names",
                    "a parameterized product chooses its zones at launch; leave zones unnamed",
                ));
            }
            if self.vpc.has_subnet_layout() {
                return Err(Error::invalid(
                    &c,
                    "subnet_cidrs",
                    "a parameterized product carves its subnets from the VpcCidr parameter at deploy time; give no subnet blocks",
                ));
            }
            if !self.vpc.cidr_text().ends_with("/16") {
                return Err(Error::invalid(
                    &c,
                    "cidr",
                    format!(
                        "a parameterized product takes a /16 VPC block (the subnets are carved from it at deploy time), and {} is not one",
                        self.vpc.cidr_text()
                    ),
                ));
            }
        }
        if let Some(p) = &self.ssm_prefix {
            check_ssm_prefix(p, &c)?;
        }
        if let Some(id) = &self.s3_prefix_list {
            check_prefix_list(id, &c)?;
        }
        Ok(())
    }

    /// `ProjectName` and `EnvType`, tagged on everything, in a parameterized product.
    fn add_project_parameters(&self, stack: &mut Stack) -> Result<()> {
        if !self.parameterized {
            return Ok(());
        }
        let c = self.construct();
        let project = stack.add_parameter_labeled(
            "ProjectName",
            &c,
            Parameter::string()
                .description("Name of the data science project; tagged on every resource")
                .pattern(
                    "^[a-z][a-z0-9-]{0,31}$",
                    "1 to 32 lowercase letters, digits and hyphens, starting with a letter",
                ),
            "Project name",
            "Project",
        )?;
        let env = stack.add_parameter_labeled(
            "EnvType",
            &c,
            Parameter::string()
                .description("Environment type; tagged on every resource")
                .allowed_values(["dev", "test", "prod"])
                .default_value("dev"),
            "Environment type",
            "Project",
        )?;
        stack.add_tag("ProjectName", project);
        stack.add_tag("EnvironmentType", env);
        Ok(())
    }

    fn add_vpc_part(
        &self,
        stack: &mut Stack,
        choices: &mut Choices,
    ) -> Result<(VpcRef, FlowLogRef)> {
        let c = self.construct();
        let vpc = if self.parameterized {
            let count = self.vpc.zone_count();
            if !(1..=MAX_ZONES).contains(&count) {
                return Err(Error::invalid(
                    &c,
                    "zones",
                    format!("a VPC here spans 1 to {MAX_ZONES} zones, not {count}"),
                ));
            }
            let octet = "(25[0-5]|2[0-4][0-9]|1[0-9]{2}|[1-9]?[0-9])";
            let cidr = stack.add_parameter_labeled(
                "VpcCidr",
                &c,
                Parameter::string()
                    .description("IPv4 block of the VPC, a /16; each zone's subnet is a /19 of it")
                    .default_value(self.vpc.cidr_text())
                    .pattern(
                        format!("^{octet}\\.{octet}\\.0\\.0/16$"),
                        "must be a /16 block such as 10.0.0.0/16",
                    ),
                "VPC block",
                "Network",
            )?;
            let zones = stack.add_parameter_labeled(
                "Zones",
                &c,
                Parameter::string()
                    .description("How many Availability Zones to spread the subnets over")
                    .allowed_values((1..=MAX_ZONES).map(|n| n.to_string()))
                    .default_value(count.to_string()),
                "Availability Zones",
                "Network",
            )?;
            let mut conditions = vec![None];
            for k in 2..=MAX_ZONES {
                let name = format!("HasZone{k}");
                let fewer =
                    json!({"Fn::Not": [{"Fn::Equals": [zones.to_value(), (k - 1).to_string()]}]});
                let cond = if k == 2 {
                    fewer
                } else {
                    json!({"Fn::And": [{"Condition": format!("HasZone{}", k - 1)}, fewer]})
                };
                stack.ensure_condition(&name, Expr::Literal(cond));
                conditions.push(Some(name));
            }
            choices.zone_conditions = conditions.clone();
            self.vpc
                .clone()
                .cidr_parameter(cidr, 16)
                .zones(MAX_ZONES)
                .zone_conditions(conditions)
                .add_to(stack)?
        } else {
            self.vpc.clone().add_to(stack)?
        };
        let mut flow_log =
            FlowLog::new(self.name.clone(), &vpc).retention_days(self.retention_days);
        if let Some(b) = &self.permissions_boundary {
            flow_log = flow_log.permissions_boundary(b.clone());
        }
        let flow_log = flow_log.add_to(stack)?;
        Ok((vpc, flow_log))
    }

    fn add_groups_part(
        &self,
        stack: &mut Stack,
        vpc: &VpcRef,
    ) -> Result<(SecurityGroupRef, SecurityGroupRef)> {
        let c = self.construct();
        let s3_prefix_list = match &self.s3_prefix_list {
            Some(id) => Expr::str(id.clone()),
            None => stack.add_parameter_labeled(
                "S3PrefixListId",
                &c,
                Parameter::string()
                    .description("ID of the managed prefix list com.amazonaws.REGION.s3 of the region you launch in (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.REGION.s3)")
                    .pattern("^pl-[0-9a-f]{8,17}$", "must be a prefix list ID such as pl-63a5400a"),
                "S3 prefix list ID",
                "Network",
            )?,
        };
        let mut workloads = SecurityGroup::new(format!("{} Workloads", self.name), vpc)
            .description("SageMaker notebooks, jobs and endpoints: reach the VPC endpoints and S3 on 443 only")
            .egress_described(
                Peer::prefix_list(s3_prefix_list),
                Port::tcp(443),
                Some("HTTPS to S3 through the gateway endpoint"),
            );
        if self.has(&Service::DYNAMODB) {
            let ddb = stack.add_parameter_labeled(
                "DynamoDbPrefixListId",
                &c,
                Parameter::string()
                    .description("ID of the managed prefix list com.amazonaws.REGION.dynamodb of the region you launch in")
                    .pattern("^pl-[0-9a-f]{8,17}$", "must be a prefix list ID such as pl-02cd2c6b"),
                "DynamoDB prefix list ID",
                "Network",
            )?;
            workloads = workloads.egress_described(
                Peer::prefix_list(ddb),
                Port::tcp(443),
                Some("HTTPS to DynamoDB through the gateway endpoint"),
            );
        }
        let workloads = workloads.add_to(stack)?;
        let endpoints = SecurityGroup::new(format!("{} Endpoints", self.name), vpc).description(
            "VPC interface endpoints: admit HTTPS from SageMaker workloads only, send nothing",
        );
        let endpoints = match self.access {
            EndpointAccess::WorkloadGroup => endpoints.ingress_described(
                Peer::group(&workloads),
                Port::tcp(443),
                Some("HTTPS from SageMaker workloads"),
            ),
            EndpointAccess::VpcCidr => endpoints.ingress_described(
                Peer::vpc_cidr(vpc),
                Port::tcp(443),
                Some("HTTPS from the VPC"),
            ),
        }
        .add_to(stack)?;
        SecurityGroupEgress::new(&workloads, &endpoints, Port::tcp(443))
            .description("HTTPS to the VPC interface endpoints")
            .add_to(stack)?;
        if self.distributed_training {
            let all_tcp = Port::tcp_range(0, 65535);
            let why = "Distributed training: TCP between members of the group";
            SecurityGroupIngress::new(&workloads, &workloads, all_tcp)
                .description(why)
                .add_to(stack)?;
            SecurityGroupEgress::new(&workloads, &workloads, all_tcp)
                .description(why)
                .add_to(stack)?;
        }
        Ok((workloads, endpoints))
    }

    fn add_endpoints_part(
        &self,
        stack: &mut Stack,
        vpc: &VpcRef,
        endpoint_group: &SecurityGroupRef,
        choices: &mut Choices,
    ) -> Result<(EndpointRef, Vec<EndpointRef>, Vec<EndpointRef>)> {
        let c = self.construct();
        for b in &self.read_buckets {
            if let Some(reason) = crate::iam::bucket_name_problem(b) {
                return Err(Error::parse(
                    Location::new(&c, "read_bucket"),
                    "S3 bucket name",
                    b.clone(),
                    reason,
                ));
            }
            if crate::iam::is_legacy_bucket_name(b) {
                stack.warn(
                    &c,
                    format!(
                        "`{b}` is a legacy S3 bucket name: underscores are valid only in names of buckets created in us-east-1 before March 1, 2018; fine for such a bucket, but no new bucket can have this name"
                    ),
                );
            }
        }
        if self.parameterized && !self.read_buckets.is_empty() && self.s3_policy.is_none() {
            let buckets = stack.add_parameter_labeled(
                "DataBucketNames",
                &c,
                Parameter::comma_delimited_list()
                    .description("Names of the S3 buckets the network may read objects from, comma separated; every other bucket is refused")
                    .default_value(self.read_buckets.join(",")),
                "Data buckets",
                "Data access",
            )?;
            stack.add_rule(
                "DataBucketNamesGiven",
                json!({"Assertions": [{
                    "Assert": {"Fn::Not": [{"Fn::Contains": [buckets.to_value(), ""]}]},
                    "AssertDescription": "DataBucketNames must name at least one bucket, with no empty names",
                }]}),
            )?;
            choices.buckets = Some(buckets);
        }
        let s3_endpoint = GatewayEndpoint::s3(vpc)
            .policy(self.s3_policy_document(stack, choices)?)
            .add_to(stack)?;
        let mut gateway_endpoints = Vec::new();
        let mut interface_endpoints = Vec::new();
        let services = self
            .endpoints
            .iter()
            .map(|s| (s, false))
            .chain(self.optional_endpoints.iter().map(|s| (s, true)));
        for (service, optional) in services {
            if *service == Service::S3 {
                continue;
            }
            let policy = self
                .endpoint_policies
                .iter()
                .find(|(s, _)| s == service)
                .map(|(_, p)| p.clone());
            let condition = if optional {
                let id = camel(service.id());
                let choice = stack.add_parameter_labeled(
                    format!("Enable{id}Endpoint"),
                    &c,
                    Parameter::string()
                        .description(format!("Create the {} endpoint", service.id()))
                        .allowed_values(["true", "false"])
                        .default_value("false"),
                    &format!("{} endpoint", service.id()),
                    "Optional endpoints",
                )?;
                let name = format!("Create{id}Endpoint");
                stack.ensure_condition(
                    &name,
                    Expr::Equals(Box::new(choice), Box::new(Expr::str("true"))),
                );
                Some(name)
            } else {
                None
            };
            if *service == Service::DYNAMODB {
                let mut e = GatewayEndpoint::dynamodb(vpc);
                if let Some(p) = policy {
                    e = e.policy(p);
                }
                if let Some(cond) = condition {
                    e = e.condition(cond);
                }
                gateway_endpoints.push(e.add_to(stack)?);
                continue;
            }
            let mut e = InterfaceEndpoint::new(service.clone(), vpc).security_group(endpoint_group);
            if let Some(p) = policy {
                e = e.policy(p);
            }
            if let Some(cond) = condition {
                e = e.condition(cond);
            }
            interface_endpoints.push(e.add_to(stack)?);
        }
        Ok((s3_endpoint, gateway_endpoints, interface_endpoints))
    }

    fn s3_policy_document(&self, stack: &mut Stack, choices: &Choices) -> Result<PolicyDocument> {
        let uses_ecr = [Service::ECR_API, Service::ECR_DKR]
            .iter()
            .any(|s| self.has(s));
        let read = |resources: Statement| {
            PolicyDocument::new().statement(
                resources
                    .sid("Access-to-specific-bucket-only")
                    .any_principal()
                    .action("s3:GetObject"),
            )
        };
        let mut doc = if let Some(p) = &self.s3_policy {
            p.clone()
        } else if let Some(buckets) = &choices.buckets {
            read(Statement::allow().resource_list(bucket_arns(buckets, stack)))
        } else if !self.read_buckets.is_empty() {
            let mut arns = Vec::new();
            let c = self.construct();
            for b in &self.read_buckets {
                arns.push(Arn::s3_bucket(b).map_err(|e| e.said_of(&c, "read_bucket"))?);
                arns.push(Arn::s3_objects(b).map_err(|e| e.said_of(&c, "read_bucket"))?);
            }
            read(Statement::allow().resources(arns))
        } else {
            // A data perimeter: the network reaches the account's own buckets and no others.
            PolicyDocument::new().statement(
                Statement::allow()
                    .sid("AllowBucketsOfThisAccountOnly")
                    .any_principal()
                    .action("s3:*")
                    .any_resource()
                    .condition(Condition::new(
                        ConditionOperator::StringEquals,
                        ConditionKey::RESOURCE_ACCOUNT,
                        [Expr::pseudo(Pseudo::AccountId)],
                    )?),
            )
        };
        if uses_ecr {
            // ECR serves image layers from a bucket AWS owns; without this statement image
            // pulls fail at the layer download.
            doc = doc.statement(
                Statement::allow()
                    .sid("AllowEcrImageLayers")
                    .any_principal()
                    .action("s3:GetObject")
                    .resource(Arn::new(
                        "arn:${AWS::Partition}:s3:::prod-${AWS::Region}-starport-layer-bucket/*",
                    )?),
            );
        }
        Ok(doc)
    }

    /// Adds the whole network to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<SageMakerNetworkRef> {
        self.check()?;
        let mut choices = Choices::default();
        self.add_project_parameters(stack)?;
        let (vpc, flow_log) = self.add_vpc_part(stack, &mut choices)?;
        let (workload_group, endpoint_group) = self.add_groups_part(stack, &vpc)?;
        let (s3_endpoint, gateway_endpoints, interface_endpoints) =
            self.add_endpoints_part(stack, &vpc, &endpoint_group, &mut choices)?;
        let built = SageMakerNetworkRef {
            vpc,
            workload_group,
            endpoint_group,
            s3_endpoint,
            gateway_endpoints,
            interface_endpoints,
            flow_log,
            read_buckets: self.read_buckets.clone(),
            workloads: self.workloads.clone(),
        };
        if self.outputs {
            add_vpc_outputs(stack, &built.vpc, &built.flow_log, &choices)?;
            add_group_outputs(stack, &built.workload_group, &built.endpoint_group)?;
            add_endpoint_outputs(stack, &built.s3_endpoint)?;
        }
        if let Some(prefix) = &self.ssm_prefix {
            let c = self.construct();
            add_ssm(stack, &c, prefix, "vpc-id", "The VPC's ID", built.vpc.id())?;
            add_ssm_list(stack, &c, prefix, &built.vpc, &choices)?;
            add_ssm(
                stack,
                &c,
                prefix,
                "workload-security-group-id",
                "The SageMaker workload security group's ID",
                built.workload_group.id(),
            )?;
            add_ssm(
                stack,
                &c,
                prefix,
                "endpoint-security-group-id",
                "The VPC endpoints' security group's ID",
                built.endpoint_group.id(),
            )?;
            add_ssm(
                stack,
                &c,
                prefix,
                "s3-endpoint-id",
                "The S3 gateway endpoint's ID",
                built.s3_endpoint.id(),
            )?;
        }
        Ok(built)
    }

    /// Splits the network into three products wired by parameters, made as siblings of `base`
    /// (sharing its tags, export prefix and region). See [`NetworkProducts`].
    ///
    /// ```
    /// use airgap::patterns::sagemaker::SecureSageMakerNetwork;
    /// use airgap::template::Stack;
    /// let products = SecureSageMakerNetwork::new("DataScience").split(&Stack::new("Net"))?;
    /// for (name, stack) in products.in_launch_order() {
    ///     let t = stack.synth()?.into_template();
    ///     assert!(!t.resources.is_empty(), "{name}");
    /// }
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn split(self, base: &Stack) -> Result<NetworkProducts> {
        self.check()?;
        let c = self.construct();
        let name = base.name().to_string();

        let mut vpc_stack = base.sibling(format!("{name}-vpc")).description(format!(
            "{}: private VPC, subnets, route tables and flow logs (product 1 of 3)",
            self.name
        ));
        let mut choices = Choices::default();
        self.add_project_parameters(&mut vpc_stack)?;
        let (vpc, flow_log) = self.add_vpc_part(&mut vpc_stack, &mut choices)?;
        add_vpc_outputs(&mut vpc_stack, &vpc, &flow_log, &choices)?;
        if let Some(prefix) = &self.ssm_prefix {
            add_ssm(
                &mut vpc_stack,
                &c,
                prefix,
                "vpc-id",
                "The VPC's ID",
                vpc.id(),
            )?;
            add_ssm_list(&mut vpc_stack, &c, prefix, &vpc, &choices)?;
        }

        let mut groups_stack = base.sibling(format!("{name}-security-groups")).description(format!(
            "{}: security groups of SageMaker workloads and VPC endpoints (product 2 of 3; launch after the VPC product)",
            self.name
        ));
        self.add_project_parameters(&mut groups_stack)?;
        let vpc_id = groups_stack.add_parameter_labeled(
            "VpcId",
            &c,
            Parameter::aws(AwsParameterType::VpcId)
                .description("The VPC (output VpcId of the VPC product)"),
            "VPC",
            "Network",
        )?;
        let vpc_cidr = match self.access {
            EndpointAccess::VpcCidr => Some(
                groups_stack.add_parameter_labeled(
                    "VpcCidr",
                    &c,
                    Parameter::string()
                        .description("The VPC's IPv4 block (output VpcCidr of the VPC product)")
                        .pattern(
                            "^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$",
                            "must be an IPv4 block such as 10.0.0.0/16",
                        ),
                    "VPC block",
                    "Network",
                )?,
            ),
            EndpointAccess::WorkloadGroup => None,
        };
        let imported = VpcRef::imported(ImportedVpc {
            name: self.name.clone(),
            id: vpc_id,
            cidr: vpc_cidr,
            subnet_ids: Expr::List(Vec::new()),
            route_table_ids: Expr::List(Vec::new()),
        });
        let (workloads, endpoint_group) = self.add_groups_part(&mut groups_stack, &imported)?;
        add_group_outputs(&mut groups_stack, &workloads, &endpoint_group)?;
        if let Some(prefix) = &self.ssm_prefix {
            add_ssm(
                &mut groups_stack,
                &c,
                prefix,
                "workload-security-group-id",
                "The SageMaker workload security group's ID",
                workloads.id(),
            )?;
            add_ssm(
                &mut groups_stack,
                &c,
                prefix,
                "endpoint-security-group-id",
                "The VPC endpoints' security group's ID",
                endpoint_group.id(),
            )?;
        }

        let mut endpoints_stack = base.sibling(format!("{name}-endpoints")).description(format!(
            "{}: S3 gateway and interface endpoints with endpoint policies (product 3 of 3; launch after the security groups product)",
            self.name
        ));
        self.add_project_parameters(&mut endpoints_stack)?;
        let vpc_id = endpoints_stack.add_parameter_labeled(
            "VpcId",
            &c,
            Parameter::aws(AwsParameterType::VpcId)
                .description("The VPC (output VpcId of the VPC product)"),
            "VPC",
            "Network",
        )?;
        let subnet_ids = endpoints_stack.add_parameter_labeled(
            "SubnetIds",
            &c,
            Parameter::list_of(AwsParameterType::SubnetId).description(
                "The private subnets, one per zone (output SubnetIds of the VPC product)",
            ),
            "Subnets",
            "Network",
        )?;
        let route_table_ids = endpoints_stack.add_parameter_labeled(
            "RouteTableIds",
            &c,
            Parameter::comma_delimited_list()
                .description("The subnets' route tables, comma separated (output RouteTableIds of the VPC product)"),
            "Route tables",
            "Network",
        )?;
        let group_id = endpoints_stack.add_parameter_labeled(
            "EndpointSecurityGroupId",
            &c,
            Parameter::aws(AwsParameterType::SecurityGroupId).description(
                "The endpoints' security group (output EndpointSecurityGroupId of the security groups product)",
            ),
            "Endpoint security group",
            "Network",
        )?;
        let imported = VpcRef::imported(ImportedVpc {
            name: self.name.clone(),
            id: vpc_id,
            cidr: None,
            subnet_ids,
            route_table_ids,
        });
        let group = SecurityGroupRef::imported(format!("{} Endpoints", self.name), group_id);
        let mut endpoint_choices = Choices::default();
        let (s3, _, _) = self.add_endpoints_part(
            &mut endpoints_stack,
            &imported,
            &group,
            &mut endpoint_choices,
        )?;
        add_endpoint_outputs(&mut endpoints_stack, &s3)?;
        if let Some(prefix) = &self.ssm_prefix {
            add_ssm(
                &mut endpoints_stack,
                &c,
                prefix,
                "s3-endpoint-id",
                "The S3 gateway endpoint's ID",
                s3.id(),
            )?;
        }
        Ok(NetworkProducts {
            vpc: vpc_stack,
            security_groups: groups_stack,
            endpoints: endpoints_stack,
        })
    }
}

fn camel(s: &str) -> String {
    use heck::ToUpperCamelCase;
    s.to_upper_camel_case()
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The ARNs of the buckets named in a `CommaDelimitedList` and of their objects, as one list.
///
/// CloudFormation cannot map over a list, but it can join one: joining the names with
/// `,arn:PARTITION:s3:::` between them and splitting the result on `,` gives an ARN per name.
/// The delimiter of `Fn::Join` must be a literal, so the partition is chosen with conditions
/// unless the stack is pinned to a region.
fn bucket_arns(buckets: &Expr, stack: &mut Stack) -> Expr {
    let for_partition = |p: &str| {
        let prefix = format!("arn:{p}:s3:::");
        Expr::Split(
            ",".into(),
            Box::new(Expr::Join(
                String::new(),
                vec![
                    Expr::str(prefix.clone()),
                    Expr::JoinList(format!(",{prefix}"), Box::new(buckets.clone())),
                    Expr::str(format!(",{prefix}")),
                    Expr::JoinList(format!("/*,{prefix}"), Box::new(buckets.clone())),
                    Expr::str("/*"),
                ],
            )),
        )
    };
    match stack.partition() {
        Some(p) => for_partition(p.name()),
        None => {
            stack.ensure_condition(
                CHINA_CONDITION,
                Expr::Equals(
                    Box::new(Expr::pseudo(Pseudo::Partition)),
                    Box::new(Expr::str(Partition::AwsCn.name())),
                ),
            );
            stack.ensure_condition(
                GOVCLOUD_CONDITION,
                Expr::Equals(
                    Box::new(Expr::pseudo(Pseudo::Partition)),
                    Box::new(Expr::str(Partition::AwsUsGov.name())),
                ),
            );
            Expr::if_(
                CHINA_CONDITION,
                for_partition(Partition::AwsCn.name()),
                Expr::if_(
                    GOVCLOUD_CONDITION,
                    for_partition(Partition::AwsUsGov.name()),
                    for_partition(Partition::Aws.name()),
                ),
            )
        }
    }
}

/// A list written as `Fn::Join`, leaving out the items of zones not created: one join per
/// zone count, chosen with the zone conditions (zone k exists only if zone k-1 does).
fn joined(items: &[Expr], conditions: &[Option<String>]) -> Expr {
    let condition = |i: usize| conditions.get(i).cloned().flatten();
    let join = |n: usize| Expr::Join(",".into(), items[..n].to_vec());
    let always = (0..items.len())
        .take_while(|i| condition(*i).is_none())
        .count();
    let mut out = join(always.max(1));
    for k in always.max(1)..items.len() {
        if let Some(cond) = condition(k) {
            out = Expr::if_(cond, join(k + 1), out);
        }
    }
    out
}

fn add_vpc_outputs(
    stack: &mut Stack,
    vpc: &VpcRef,
    flow_log: &FlowLogRef,
    choices: &Choices,
) -> Result<()> {
    stack.add_output("VpcId", "The VPC", vpc.id(), Some("VpcId"))?;
    if let Some(block) = vpc.cidr_expr() {
        stack.add_output("VpcCidr", "The VPC's IPv4 block", block, Some("VpcCidr"))?;
    }
    for (i, s) in vpc.subnets().iter().enumerate() {
        let id = format!("Subnet{}Id", i + 1);
        let description = match s.cidr() {
            Some(block) => format!("Private subnet {} ({block})", i + 1),
            None => format!("Private subnet {}", i + 1),
        };
        match s.condition() {
            Some(cond) => {
                stack.add_output_when(cond, &id, &description, s.subnet().ref_(), Some(&id))?
            }
            None => stack.add_output(&id, &description, s.subnet().ref_(), Some(&id))?,
        }
    }
    let subnets: Vec<Expr> = vpc.subnets().iter().map(|s| s.subnet().ref_()).collect();
    let tables: Vec<Expr> = vpc
        .subnets()
        .iter()
        .map(|s| s.route_table().ref_())
        .collect();
    stack.add_output(
        "SubnetIds",
        "Every private subnet, comma separated",
        joined(&subnets, &choices.zone_conditions),
        Some("SubnetIds"),
    )?;
    stack.add_output(
        "RouteTableIds",
        "Every private route table, comma separated",
        joined(&tables, &choices.zone_conditions),
        Some("RouteTableIds"),
    )?;
    stack.add_output(
        "FlowLogGroupName",
        "The log group that holds the VPC flow logs",
        flow_log.log_group.ref_(),
        None,
    )?;
    Ok(())
}

fn add_group_outputs(
    stack: &mut Stack,
    workloads: &SecurityGroupRef,
    endpoints: &SecurityGroupRef,
) -> Result<()> {
    stack.add_output(
        "WorkloadSecurityGroupId",
        "The security group for SageMaker notebooks, jobs and endpoints",
        workloads.id(),
        Some("WorkloadSecurityGroupId"),
    )?;
    stack.add_output(
        "EndpointSecurityGroupId",
        "The security group of the VPC interface endpoints",
        endpoints.id(),
        Some("EndpointSecurityGroupId"),
    )
}

fn add_endpoint_outputs(stack: &mut Stack, s3: &EndpointRef) -> Result<()> {
    stack.add_output(
        "S3EndpointId",
        "The S3 gateway endpoint",
        s3.id(),
        Some("S3EndpointId"),
    )
}

fn add_ssm(
    stack: &mut Stack,
    construct: &str,
    prefix: &str,
    leaf: &str,
    description: &str,
    value: Expr,
) -> Result<()> {
    let id = format!("{}Parameter", camel(leaf));
    stack.add_resource_with_tags(
        id,
        construct,
        Resource::new("AWS::SSM::Parameter")
            .property("Name", Expr::sub(format!("{prefix}/{leaf}")).to_value())
            .property("Description", description)
            .property("Type", "String")
            .property("Value", value.to_value()),
        &format!("{leaf} parameter"),
        TagFormat::Map,
    )?;
    Ok(())
}

fn add_ssm_list(
    stack: &mut Stack,
    construct: &str,
    prefix: &str,
    vpc: &VpcRef,
    choices: &Choices,
) -> Result<()> {
    let subnets: Vec<Expr> = vpc.subnets().iter().map(|s| s.subnet().ref_()).collect();
    stack.add_resource_with_tags(
        "SubnetIdsParameter",
        construct,
        Resource::new("AWS::SSM::Parameter")
            .property("Name", Expr::sub(format!("{prefix}/subnet-ids")).to_value())
            .property("Description", "The private subnets' IDs, comma separated")
            .property("Type", "StringList")
            .property(
                "Value",
                joined(&subnets, &choices.zone_conditions).to_value(),
            ),
        "subnet-ids parameter",
        TagFormat::Map,
    )?;
    Ok(())
}

fn check_ssm_prefix(prefix: &str, c: &str) -> Result<()> {
    let mut literal = prefix.to_string();
    for var in crate::template::sub_variables(prefix) {
        literal = literal.replace(&format!("${{{var}}}"), "x");
    }
    let lower = literal.trim_start_matches('/').to_ascii_lowercase();
    let ok = prefix.starts_with('/')
        && !prefix.ends_with('/')
        && literal
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '/' | '_' | '.' | '-'))
        && !lower.starts_with("aws")
        && !lower.starts_with("ssm");
    if ok {
        Ok(())
    } else {
        Err(Error::parse(
            Location::new(c, "ssm_parameters"),
            "SSM parameter path",
            prefix,
            "a path starts with `/`, does not end with one, holds letters, digits, `_`, `.`, `-`, `/` and `${Parameter}`, and does not start with `aws` or `ssm`",
        ))
    }
}

fn check_prefix_list(id: &str, c: &str) -> Result<()> {
    let ok = id
        .strip_prefix("pl-")
        .is_some_and(|h| (8..=17).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(Error::parse(
            Location::new(c, "s3_prefix_list_id"),
            "prefix list ID",
            id,
            "expected `pl-` and 8 to 17 hex digits, e.g. `pl-63a5400a`",
        ))
    }
}
