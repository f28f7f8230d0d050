//! The builder: defaults, options and what they read back.

use super::{EndpointAccess, SecureSageMakerNetwork, Workload};

use crate::iam::PolicyDocument;
use crate::net::{DEFAULT_RETENTION_DAYS, Service, SubnetSelection, Vpc};
use crate::template::Expr;

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
            endpoint_subnets: SubnetSelection::all(),
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

    /// Puts the interface endpoints' network interfaces in the selected subnets only (default:
    /// every subnet), as AWS CDK's `InterfaceVpcEndpoint` takes `subnets`. An interface endpoint
    /// is billed per zone per hour, so fewer zones cost less; workloads in the zones left out
    /// still reach the endpoints, across zones, and lose them when those zones fail. Gateway
    /// endpoints stay on every route table.
    ///
    /// Select by zone: [`SubnetSelection::first_zones`] works with counted, named and
    /// [parameterized](Self::parameterized) zones (in a parameterized product, the first `n` of
    /// the zones chosen at launch, or all of them when fewer are chosen, so `n` may be up to
    /// [`MAX_ZONES`](crate::net::MAX_ZONES)); [`SubnetSelection::availability_zones`] needs
    /// [named zones](Self::zone_names). The network's subnets are made when it is added to a
    /// stack, so [`SubnetSelection::subnets`] cannot name one of them and is refused. In a
    /// [split](Self::split) network the VPC product publishes the selected subnets as the output
    /// `EndpointSubnetIds`, which the endpoints product takes instead of `SubnetIds` (see
    /// [`NetworkProducts::wiring`](super::NetworkProducts::wiring)).
    ///
    /// ```
    /// use airgap::net::SubnetSelection;
    /// use airgap::patterns::sagemaker::SecureSageMakerNetwork;
    /// use airgap::template::Stack;
    /// let mut stack = Stack::new("Demo");
    /// SecureSageMakerNetwork::new("DataScience")
    ///     .zones(3)
    ///     .endpoint_subnets(SubnetSelection::first_zones(2))
    ///     .add_to(&mut stack)?;
    /// let subnets = &stack.template().resources["StsEndpoint"].properties["SubnetIds"];
    /// assert_eq!(subnets, &serde_json::json!([
    ///     {"Ref": "DataSciencePrivateSubnet1"}, {"Ref": "DataSciencePrivateSubnet2"}]));
    ///
    /// let e = SecureSageMakerNetwork::new("DataScience")
    ///     .zones(2)
    ///     .endpoint_subnets(SubnetSelection::first_zones(3))
    ///     .add_to(&mut Stack::new("Demo"))
    ///     .unwrap_err();
    /// assert!(e.to_string().contains("`endpoint_subnets`"), "{e}");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn endpoint_subnets(mut self, selection: SubnetSelection) -> Self {
        self.endpoint_subnets = selection;
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

    pub(super) fn construct(&self) -> String {
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

    pub(super) fn has(&self, s: &Service) -> bool {
        self.endpoints.contains(s) || self.optional_endpoints.contains(s)
    }
}
