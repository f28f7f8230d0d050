//! The secure network for Amazon SageMaker: private subnets, endpoints, security groups, flow
//! logs, in one call.

use crate::error::{Error, Location, Result};
use crate::iam::{Arn, Condition, ConditionKey, ConditionOperator, PolicyDocument, Statement};
use crate::net::{
    DEFAULT_RETENTION_DAYS, EndpointRef, FlowLog, FlowLogRef, GatewayEndpoint, InterfaceEndpoint,
    Peer, Port, SecurityGroup, SecurityGroupRef, Service, Vpc, VpcRef,
};
use crate::template::{Expr, Parameter, Pseudo, Stack};

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
    endpoint_policies: Vec<(Service, PolicyDocument)>,
    s3_policy: Option<PolicyDocument>,
    read_buckets: Vec<String>,
    access: EndpointAccess,
    retention_days: u32,
    s3_prefix_list: Option<String>,
    workloads: Vec<Workload>,
    outputs: bool,
    distributed_training: bool,
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
}

impl SecureSageMakerNetwork {
    /// The network named `name`, with every default.
    pub fn new(name: impl Into<String>) -> Self {
        let name = name.into();
        Self {
            vpc: Vpc::new(name.clone()),
            name,
            endpoints: vec![
                Service::SAGEMAKER_API,
                Service::SAGEMAKER_RUNTIME,
                Service::STS,
                Service::LOGS,
            ],
            endpoint_policies: Vec::new(),
            s3_policy: None,
            read_buckets: Vec::new(),
            access: EndpointAccess::WorkloadGroup,
            retention_days: DEFAULT_RETENTION_DAYS,
            s3_prefix_list: None,
            workloads: vec![Workload::Jobs],
            outputs: true,
            distributed_training: false,
        }
    }

    /// The VPC's block (default `10.0.0.0/16`).
    pub fn cidr(mut self, cidr: impl Into<String>) -> Self {
        self.vpc = self.vpc.cidr(cidr);
        self
    }

    /// How many zones (1 to 6, default 3).
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

    /// Sets the policy of one service's endpoint (instead of its account-scoped default).
    pub fn endpoint_policy(mut self, service: Service, policy: PolicyDocument) -> Self {
        self.endpoint_policies.retain(|(s, _)| *s != service);
        self.endpoint_policies.push((service, policy));
        self
    }

    /// Sets the S3 gateway endpoint's whole policy.
    pub fn s3_policy(mut self, policy: PolicyDocument) -> Self {
        self.s3_policy = Some(policy);
        self
    }

    /// Lets the network read objects of `bucket` through S3, as the seed's
    /// `Access-to-specific-bucket-only` statement does; every other bucket is refused.
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

    fn construct(&self) -> String {
        format!("SecureSageMakerNetwork '{}'", self.name)
    }

    fn check_workloads(&self) -> Result<()> {
        let c = self.construct();
        let has = |s: &Service| self.endpoints.iter().any(|e| e == s);
        let mut implied = self.workloads.clone();
        // The notebook endpoint is useless without the API that presigns notebook URLs.
        if has(&Service::SAGEMAKER_NOTEBOOK) && !implied.contains(&Workload::NotebookInstances) {
            implied.push(Workload::NotebookInstances);
        }
        for w in implied {
            let missing: Vec<String> = w
                .needs()
                .iter()
                .filter(|s| !has(s))
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
        Ok(())
    }

    fn s3_policy_document(&self) -> Result<PolicyDocument> {
        let uses_ecr = self
            .endpoints
            .iter()
            .any(|s| *s == Service::ECR_API || *s == Service::ECR_DKR);
        let mut doc = if let Some(p) = &self.s3_policy {
            p.clone()
        } else if !self.read_buckets.is_empty() {
            let mut arns = Vec::new();
            for b in &self.read_buckets {
                arns.push(Arn::s3_bucket(b)?);
                arns.push(Arn::s3_objects(b)?);
            }
            PolicyDocument::new().statement(
                Statement::allow()
                    .sid("Access-to-specific-bucket-only")
                    .any_principal()
                    .action("s3:GetObject")
                    .resources(arns),
            )
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
        self.check_workloads()?;
        let c = self.construct();
        for (service, _) in &self.endpoint_policies {
            if !self.endpoints.contains(service) {
                return Err(Error::invalid(
                    &c,
                    "endpoint_policy",
                    format!(
                        "a policy is given for the {} endpoint, which the network does not have",
                        service.id()
                    ),
                ));
            }
        }
        let vpc = self.vpc.clone().add_to(stack)?;

        let s3_prefix_list = match &self.s3_prefix_list {
            Some(id) => {
                check_prefix_list(id, &c)?;
                Expr::str(id.clone())
            }
            None => stack.add_parameter(
                "S3PrefixListId",
                &c,
                Parameter::new("String")
                    .description("ID of the managed prefix list com.amazonaws.REGION.s3 of the region you launch in (aws ec2 describe-managed-prefix-lists --filters Name=prefix-list-name,Values=com.amazonaws.REGION.s3)")
                    .pattern("^pl-[0-9a-f]{8,17}$", "must be a prefix list ID such as pl-63a5400a"),
            )?,
        };
        let workload_group = {
            let mut g = SecurityGroup::new(format!("{} Workloads", self.name), &vpc)
                .description("SageMaker notebooks, jobs and endpoints: reach the VPC endpoints and S3 on 443 only")
                .egress_described(
                    Peer::prefix_list(s3_prefix_list),
                    Port::tcp(443),
                    Some("HTTPS to S3 through the gateway endpoint"),
                );
            if self.has(&Service::DYNAMODB) {
                let ddb = stack.add_parameter(
                    "DynamoDbPrefixListId",
                    &c,
                    Parameter::new("String")
                        .description("ID of the managed prefix list com.amazonaws.REGION.dynamodb of the region you launch in")
                        .pattern("^pl-[0-9a-f]{8,17}$", "must be a prefix list ID such as pl-02cd2c6b"),
                )?;
                g = g.egress_described(
                    Peer::prefix_list(ddb),
                    Port::tcp(443),
                    Some("HTTPS to DynamoDB through the gateway endpoint"),
                );
            }
            g.add_to(stack)?
        };
        let endpoint_group = {
            let g = SecurityGroup::new(format!("{} Endpoints", self.name), &vpc).description(
                "VPC interface endpoints: admit HTTPS from SageMaker workloads only, send nothing",
            );
            let g = match self.access {
                EndpointAccess::WorkloadGroup => g.ingress_described(
                    Peer::group(&workload_group),
                    Port::tcp(443),
                    Some("HTTPS from SageMaker workloads"),
                ),
                EndpointAccess::VpcCidr => g.ingress_described(
                    Peer::vpc_cidr(&vpc),
                    Port::tcp(443),
                    Some("HTTPS from the VPC"),
                ),
            };
            g.add_to(stack)?
        };
        crate::net::SecurityGroupEgress::new(&workload_group, &endpoint_group, Port::tcp(443))
            .description("HTTPS to the VPC interface endpoints")
            .add_to(stack)?;
        if self.distributed_training {
            crate::net::SecurityGroupIngress::new(
                &workload_group,
                &workload_group,
                Port::tcp_range(0, 65535),
            )
            .description("Distributed training: TCP between members of the group")
            .add_to(stack)?;
            crate::net::SecurityGroupEgress::new(
                &workload_group,
                &workload_group,
                Port::tcp_range(0, 65535),
            )
            .description("Distributed training: TCP between members of the group")
            .add_to(stack)?;
        }

        let s3_endpoint = GatewayEndpoint::s3(&vpc)
            .policy(self.s3_policy_document()?)
            .add_to(stack)?;
        let mut gateway_endpoints = Vec::new();
        let mut interface_endpoints = Vec::new();
        for service in &self.endpoints {
            let policy = self
                .endpoint_policies
                .iter()
                .find(|(s, _)| s == service)
                .map(|(_, p)| p.clone());
            if *service == Service::S3 {
                if policy.is_some() {
                    return Err(Error::invalid(
                        &c,
                        "endpoint_policy",
                        "set the S3 gateway endpoint's policy with s3_policy()",
                    ));
                }
                continue;
            }
            if *service == Service::DYNAMODB {
                let mut e = GatewayEndpoint::dynamodb(&vpc);
                if let Some(p) = policy {
                    e = e.policy(p);
                }
                gateway_endpoints.push(e.add_to(stack)?);
                continue;
            }
            let mut e =
                InterfaceEndpoint::new(service.clone(), &vpc).security_group(&endpoint_group);
            if let Some(p) = policy {
                e = e.policy(p);
            }
            interface_endpoints.push(e.add_to(stack)?);
        }
        let flow_log = FlowLog::new(self.name.clone(), &vpc)
            .retention_days(self.retention_days)
            .add_to(stack)?;

        let built = SageMakerNetworkRef {
            vpc,
            workload_group,
            endpoint_group,
            s3_endpoint,
            gateway_endpoints,
            interface_endpoints,
            flow_log,
        };
        if self.outputs {
            add_outputs(stack, &built)?;
        }
        Ok(built)
    }

    fn has(&self, s: &Service) -> bool {
        self.endpoints.contains(s)
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

fn add_outputs(stack: &mut Stack, n: &SageMakerNetworkRef) -> Result<()> {
    stack.add_output("VpcId", "The VPC", n.vpc.id(), Some("VpcId"))?;
    stack.add_output(
        "VpcCidr",
        "The VPC's IPv4 block",
        n.vpc.cidr_expr().expect("a VPC made here knows its block"),
        Some("VpcCidr"),
    )?;
    for (i, s) in n.vpc.subnets().iter().enumerate() {
        let id = format!("Subnet{}Id", i + 1);
        stack.add_output(
            &id,
            &match s.cidr() {
                Some(block) => format!("Private subnet {} ({block})", i + 1),
                None => format!("Private subnet {}", i + 1),
            },
            s.subnet().ref_(),
            Some(&id),
        )?;
    }
    stack.add_output(
        "SubnetIds",
        "Every private subnet, comma separated",
        Expr::Join(
            ",".into(),
            n.vpc.subnets().iter().map(|s| s.subnet().ref_()).collect(),
        ),
        Some("SubnetIds"),
    )?;
    stack.add_output(
        "WorkloadSecurityGroupId",
        "The security group for SageMaker notebooks, jobs and endpoints",
        n.workload_group.id(),
        Some("WorkloadSecurityGroupId"),
    )?;
    stack.add_output(
        "EndpointSecurityGroupId",
        "The security group of the VPC interface endpoints",
        n.endpoint_group.id(),
        Some("EndpointSecurityGroupId"),
    )?;
    stack.add_output(
        "S3EndpointId",
        "The S3 gateway endpoint",
        n.s3_endpoint.id(),
        Some("S3EndpointId"),
    )?;
    stack.add_output(
        "FlowLogGroupName",
        "The log group that holds the VPC flow logs",
        n.flow_log.log_group.ref_(),
        None,
    )?;
    Ok(())
}
