use std::borrow::Cow;

use serde_json::Value;

use super::error::NetError;
use super::security_group::{Port, SecurityGroupRef};
use super::selection::SubnetSelection;
use super::vpc::{VpcRef, camel};
use crate::error::{Error, Location, Result};
use crate::iam::{PolicyDocument, PolicyKind, presets};
use crate::template::{ConditionRef, Expr, Partition, Pseudo, Resource, ResourceRef, Stack};

/// The condition that holds in the China partition, where some endpoint services are named
/// `cn.com.amazonaws.REGION.NAME`.
pub const CHINA_CONDITION: &str = "IsChinaPartition";

/// How an endpoint service is named.
#[derive(Debug, Clone, PartialEq)]
enum ServiceName {
    /// `com.amazonaws.REGION.ID` (or `cn.com.amazonaws...` in China where the service says so).
    Aws(Cow<'static, str>),
    /// `aws.sagemaker.REGION.ID`: SageMaker's notebook and Studio endpoints.
    SageMaker(Cow<'static, str>),
    /// Any other name: an endpoint service of your own or a partner's, or a parameter.
    Custom(Expr),
}

/// Which endpoint types a service offers.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum EndpointType {
    /// PrivateLink network interfaces in the subnets, reached through a security group.
    Interface,
    /// A route-table target (S3 and DynamoDB only); free, and not reached through a group.
    Gateway,
}

/// An AWS service that VPC endpoints reach, with what airgap knows about it: its endpoint name,
/// its IAM action prefix, whether its endpoints accept a policy, and its name in China.
///
/// ```
/// use airgap::net::Service;
/// assert_eq!(Service::STS.id(), "sts");
/// assert_eq!(Service::MONITORING.iam_prefix(), Some("cloudwatch"));
/// assert!(!Service::SAGEMAKER_NOTEBOOK.supports_policy());
/// assert_eq!(Service::STS.default_port(), airgap::net::Port::HTTPS);
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Service {
    name: ServiceName,
    iam_prefix: Option<Cow<'static, str>>,
    interface: bool,
    gateway: bool,
    policies: bool,
    china_prefixed: bool,
    port: Port,
}

const fn aws(
    id: &'static str,
    iam_prefix: &'static str,
    gateway: bool,
    china_prefixed: bool,
) -> Service {
    Service {
        name: ServiceName::Aws(Cow::Borrowed(id)),
        iam_prefix: Some(Cow::Borrowed(iam_prefix)),
        interface: true,
        gateway,
        policies: true,
        china_prefixed,
        port: Port::HTTPS,
    }
}

impl Service {
    /// The SageMaker API (`CreateTrainingJob`, `CreatePresignedNotebookInstanceUrl`, ...).
    pub const SAGEMAKER_API: Service = aws("sagemaker.api", "sagemaker", false, true);
    /// SageMaker Runtime (`InvokeEndpoint`).
    pub const SAGEMAKER_RUNTIME: Service = aws("sagemaker.runtime", "sagemaker", false, true);
    /// The notebook instance endpoint, `aws.sagemaker.REGION.notebook`: the Jupyter UI of
    /// notebook instances from inside the VPC. It does not take an endpoint policy.
    pub const SAGEMAKER_NOTEBOOK: Service = Service {
        name: ServiceName::SageMaker(Cow::Borrowed("notebook")),
        iam_prefix: Some(Cow::Borrowed("sagemaker")),
        interface: true,
        gateway: false,
        policies: false,
        china_prefixed: false,
        port: Port::HTTPS,
    };
    /// The SageMaker Studio endpoint, `aws.sagemaker.REGION.studio`. It does not take an
    /// endpoint policy.
    pub const SAGEMAKER_STUDIO: Service = Service {
        name: ServiceName::SageMaker(Cow::Borrowed("studio")),
        iam_prefix: Some(Cow::Borrowed("sagemaker")),
        interface: true,
        gateway: false,
        policies: false,
        china_prefixed: false,
        port: Port::HTTPS,
    };
    /// AWS STS, for temporary credentials.
    pub const STS: Service = aws("sts", "sts", false, true);
    /// CloudWatch Logs.
    pub const LOGS: Service = aws("logs", "logs", false, false);
    /// CloudWatch metrics (`monitoring`).
    pub const MONITORING: Service = aws("monitoring", "cloudwatch", false, true);
    /// Systems Manager.
    pub const SSM: Service = aws("ssm", "ssm", false, false);
    /// Amazon ECR's API (authentication, image manifests).
    pub const ECR_API: Service = aws("ecr.api", "ecr", false, true);
    /// Amazon ECR's Docker registry endpoint (image pulls; layers come from S3).
    pub const ECR_DKR: Service = aws("ecr.dkr", "ecr", false, true);
    /// AWS KMS.
    pub const KMS: Service = aws("kms", "kms", false, false);
    /// The CodeCommit API.
    pub const CODECOMMIT: Service = aws("codecommit", "codecommit", false, false);
    /// CodeCommit's Git endpoint.
    pub const GIT_CODECOMMIT: Service = aws("git-codecommit", "codecommit", false, false);
    /// AWS Service Catalog (SageMaker Projects launch through it).
    pub const SERVICECATALOG: Service = aws("servicecatalog", "servicecatalog", false, true);
    /// Amazon S3: a gateway endpoint here.
    pub const S3: Service = aws("s3", "s3", true, true);
    /// Amazon DynamoDB: a gateway endpoint here.
    pub const DYNAMODB: Service = aws("dynamodb", "dynamodb", true, false);

    /// Every service in the catalog.
    pub const CATALOG: [Service; 16] = [
        Self::SAGEMAKER_API,
        Self::SAGEMAKER_RUNTIME,
        Self::SAGEMAKER_NOTEBOOK,
        Self::SAGEMAKER_STUDIO,
        Self::STS,
        Self::LOGS,
        Self::MONITORING,
        Self::SSM,
        Self::ECR_API,
        Self::ECR_DKR,
        Self::KMS,
        Self::CODECOMMIT,
        Self::GIT_CODECOMMIT,
        Self::SERVICECATALOG,
        Self::S3,
        Self::DYNAMODB,
    ];

    /// A catalog service by its short name (`sts`, `sagemaker.api`, `notebook`, ...).
    pub fn by_id(id: &str) -> Option<Service> {
        Self::CATALOG.into_iter().find(|s| s.id() == id)
    }

    /// A catalog service by its short name, or an error that lists the names there are.
    ///
    /// ```
    /// use airgap::net::Service;
    /// assert_eq!(Service::from_id("logs")?, Service::LOGS);
    /// let e = Service::from_id("sagemaker").unwrap_err().to_string();
    /// assert!(e.contains("sagemaker.api"), "{e}");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_id(id: &str) -> Result<Service> {
        Self::by_id(id).ok_or_else(|| {
            let catalog = Self::CATALOG;
            let known: Vec<&str> = catalog.iter().map(Service::id).collect();
            Error::parse(
                Location::new("Service", "id"),
                "endpoint service name",
                id,
                format!("the services airgap knows are {}", known.join(", ")),
            )
        })
    }

    /// Any other endpoint service by its full name (e.g. a PyPI mirror's
    /// `com.amazonaws.vpce.eu-west-1.vpce-svc-...`) or a parameter holding it. Such endpoint
    /// services take no endpoint policy. Its port is HTTPS unless given with [`Service::port`].
    ///
    /// ```
    /// use airgap::net::{Port, Service};
    /// let mirror = Service::custom("com.amazonaws.vpce.eu-west-1.vpce-svc-0123456789abcdef0")
    ///     .port(Port::HTTP);
    /// assert_eq!(mirror.default_port(), Port::HTTP);
    /// ```
    pub fn custom(name: impl Into<Expr>) -> Service {
        Service {
            name: ServiceName::Custom(name.into()),
            iam_prefix: None,
            interface: true,
            gateway: false,
            policies: false,
            china_prefixed: false,
            port: Port::HTTPS,
        }
    }

    /// The service listening on `port` instead (an endpoint service of your own).
    #[must_use]
    pub fn port(mut self, port: Port) -> Service {
        self.port = port;
        self
    }

    /// The port clients reach the service's interface endpoints on: HTTPS for every AWS
    /// service. [`allow_default_port`](super::allow_default_port) opens it.
    pub fn default_port(&self) -> Port {
        self.port
    }

    /// The short name: `sts`, `sagemaker.api`, `notebook`, or `custom`.
    pub fn id(&self) -> &str {
        match &self.name {
            ServiceName::Aws(id) | ServiceName::SageMaker(id) => id,
            ServiceName::Custom(e) => e.as_literal_str().unwrap_or("custom"),
        }
    }

    /// The prefix of the service's IAM actions (`cloudwatch` for `monitoring`).
    pub fn iam_prefix(&self) -> Option<&str> {
        self.iam_prefix.as_deref()
    }

    /// Whether the service's endpoints accept an endpoint policy.
    pub fn supports_policy(&self) -> bool {
        self.policies
    }

    /// Whether the service offers `kind` endpoints.
    pub fn offers(&self, kind: EndpointType) -> bool {
        match kind {
            EndpointType::Interface => self.interface,
            EndpointType::Gateway => self.gateway,
        }
    }

    /// The endpoint service name for `kind`, region-agnostic (`Fn::Sub` on `${AWS::Region}`),
    /// with China's `cn.com.amazonaws` prefix chosen by a condition unless the stack is pinned.
    pub fn endpoint_service_name(&self, kind: EndpointType, stack: &mut Stack) -> Expr {
        match &self.name {
            ServiceName::Custom(e) => e.clone(),
            ServiceName::SageMaker(id) => Expr::sub(format!("aws.sagemaker.${{AWS::Region}}.{id}")),
            ServiceName::Aws(id) => {
                let global = Expr::sub(format!("com.amazonaws.${{AWS::Region}}.{id}"));
                if kind == EndpointType::Gateway || !self.china_prefixed {
                    return global;
                }
                let china = Expr::sub(format!("cn.com.amazonaws.${{AWS::Region}}.{id}"));
                match stack.partition() {
                    Some(Partition::AwsCn) => china,
                    Some(_) => global,
                    None => {
                        let in_china = stack.ensure_condition(
                            CHINA_CONDITION,
                            Expr::Equals(
                                Box::new(Expr::pseudo(Pseudo::Partition)),
                                Box::new(Expr::str("aws-cn")),
                            ),
                        );
                        in_china.if_(china, global)
                    }
                }
            }
        }
    }

    /// The policy an endpoint gets when none is given: every action of this service, but only
    /// for principals of this account (`aws:PrincipalAccount`).
    ///
    /// Why not CloudFormation's default of `*` on `*`: an endpoint policy is the place where a
    /// network can refuse to carry calls made with credentials from other accounts, which is
    /// how data is moved out through an endpoint. Scoping to the account keeps every call the
    /// account's own roles make working, and stops the rest.
    pub fn default_policy(&self) -> Option<PolicyDocument> {
        let prefix = self.iam_prefix()?;
        if !self.policies {
            return None;
        }
        Some(presets::account_scoped_endpoint(prefix).expect("a well-formed action prefix"))
    }
}

/// A VPC endpoint added to a stack.
#[derive(Debug, Clone, PartialEq)]
pub struct EndpointRef {
    endpoint: ResourceRef,
    service: Service,
    kind: EndpointType,
    security_groups: Vec<SecurityGroupRef>,
}

impl EndpointRef {
    /// The endpoint resource.
    pub fn resource(&self) -> &ResourceRef {
        &self.endpoint
    }

    /// `Ref` to the endpoint (its ID).
    pub fn id(&self) -> Expr {
        self.endpoint.ref_()
    }

    /// The service it reaches.
    pub fn service(&self) -> &Service {
        &self.service
    }

    /// Interface or gateway.
    pub fn kind(&self) -> EndpointType {
        self.kind
    }

    /// The security groups of an interface endpoint's network interfaces (none for a gateway
    /// endpoint, which is reached through route tables).
    pub fn security_groups(&self) -> &[SecurityGroupRef] {
        &self.security_groups
    }
}

fn policy_value(
    service: &Service,
    policy: Option<&PolicyDocument>,
    construct: &str,
) -> Result<Option<Value>> {
    match policy {
        Some(_) if !service.supports_policy() => Err(NetError::EndpointPolicyNotSupported {
            at: Location::new(construct, "policy"),
            service: service.id().to_string(),
        }
        .into()),
        Some(p) => {
            p.validate(PolicyKind::Resource, construct)?;
            if let Some(prefix) = service.iam_prefix()
                && !allows_any_action_of(p, prefix)
            {
                return Err(NetError::EndpointPolicyOffService {
                    at: Location::new(construct, "policy"),
                    service: service.id().to_string(),
                    prefix: prefix.to_string(),
                }
                .into());
            }
            Ok(Some(p.to_value()))
        }
        None => Ok(service.default_policy().map(|p| p.to_value())),
    }
}

/// Whether some `Allow` statement of `policy` names an action of the service with IAM prefix
/// `prefix` (`*`, `prefix:*`, a pattern matching the prefix, or a `NotAction`).
fn allows_any_action_of(policy: &PolicyDocument, prefix: &str) -> bool {
    policy.statements().iter().any(|s| {
        s.effect() == crate::iam::Effect::Allow
            && (!s.not_action_names().is_empty()
                || s.action_names().iter().any(|a| {
                    let service = a.split_once(':').map_or(a.as_str(), |(p, _)| p);
                    a == "*" || crate::iam::wildcard_match(service, prefix, true)
                }))
    })
}

/// Refuses a second interface endpoint with private DNS for the same service in one VPC:
/// private DNS associates a private hosted zone for the service's public name with the VPC,
/// and the VPC can hold only one for that name.
fn check_private_dns_unique(
    stack: &Stack,
    construct: &str,
    vpc: &Value,
    service_name: &Value,
) -> Result<()> {
    let clash = stack.template().resources.iter().find(|(_, r)| {
        r.resource_type == "AWS::EC2::VPCEndpoint"
            && r.properties.get("VpcEndpointType") == Some(&Value::from("Interface"))
            && r.properties.get("PrivateDnsEnabled") == Some(&Value::Bool(true))
            && r.properties.get("VpcId") == Some(vpc)
            && r.properties.get("ServiceName") == Some(service_name)
    });
    match clash {
        None => Ok(()),
        Some((id, _)) => Err(Error::invalid(
            construct,
            "private_dns",
            format!(
                "`{id}` is already an interface endpoint of this service with private DNS in this VPC; AWS refuses a second one (the VPC already has the private hosted zone of the service's name): use `{id}`, or turn private DNS off on this one with `.private_dns(false)`"
            ),
        )),
    }
}

/// An interface endpoint (PrivateLink): network interfaces in every subnet of the VPC, behind a
/// security group, with private DNS on so the SDKs' usual hostnames resolve to it.
///
/// A security group is required: there is no implicit one open to the whole VPC. The endpoint
/// gets the service's [default policy](Service::default_policy) unless given one; services whose
/// endpoints take no policy refuse one with [`NetError::EndpointPolicyNotSupported`].
///
/// ```
/// use airgap::net::{InterfaceEndpoint, Peer, Port, SecurityGroup, Service, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// let sg = SecurityGroup::new("Endpoints", &vpc)
///     .ingress(Peer::vpc_cidr(&vpc), Port::tcp(443))
///     .add_to(&mut stack)?;
/// let sts = InterfaceEndpoint::new(Service::STS, &vpc).security_group(&sg).add_to(&mut stack)?;
/// assert_eq!(sts.resource().logical_id().as_str(), "StsEndpoint");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct InterfaceEndpoint {
    service: Service,
    vpc: VpcRef,
    name: Option<String>,
    security_groups: Vec<SecurityGroupRef>,
    policy: Option<PolicyDocument>,
    private_dns: bool,
    condition: Option<ConditionRef>,
    subnets: SubnetSelection,
}

impl InterfaceEndpoint {
    /// An endpoint for `service` in every subnet of `vpc`.
    pub fn new(service: Service, vpc: &VpcRef) -> Self {
        Self {
            service,
            vpc: vpc.clone(),
            name: None,
            security_groups: Vec::new(),
            policy: None,
            private_dns: true,
            condition: None,
            subnets: SubnetSelection::all(),
        }
    }

    /// Puts the endpoint's network interfaces in the selected subnets only (default: every
    /// subnet of the VPC). See [`SubnetSelection`].
    pub fn subnets(mut self, selection: SubnetSelection) -> Self {
        self.subnets = selection;
        self
    }

    /// Names the endpoint (default: the service's short name), which makes its logical ID.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Adds a security group to the endpoint's network interfaces.
    pub fn security_group(mut self, group: &SecurityGroupRef) -> Self {
        self.security_groups.push(group.clone());
        self
    }

    /// Sets the endpoint policy.
    pub fn policy(mut self, policy: PolicyDocument) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Creates the endpoint only when the template condition `condition` holds (e.g. an
    /// endpoint chosen at launch).
    pub fn condition(mut self, condition: &ConditionRef) -> Self {
        self.condition = Some(condition.clone());
        self
    }

    /// Turns private DNS on or off (on by default; custom services without a private DNS name
    /// need it off).
    pub fn private_dns(mut self, on: bool) -> Self {
        self.private_dns = on;
        self
    }

    /// Adds the endpoint to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<EndpointRef> {
        let name = self
            .name
            .clone()
            .unwrap_or_else(|| self.service.id().to_string());
        let c = format!("InterfaceEndpoint '{name}'");
        self.vpc.check_in(stack, Location::new(&c, "vpc"))?;
        if !self.service.offers(EndpointType::Interface) {
            return Err(Error::invalid(
                &c,
                "service",
                format!(
                    "{} offers no interface endpoint here; use GatewayEndpoint",
                    self.service.id()
                ),
            ));
        }
        if self.security_groups.is_empty() {
            return Err(Error::invalid(
                &c,
                "security_group",
                "an interface endpoint needs a security group that says who may reach it",
            ));
        }
        for g in &self.security_groups {
            g.check_in(stack, Location::new(&c, "security_group"))?;
        }
        let policy = policy_value(&self.service, self.policy.as_ref(), &c)?;
        let subnet_ids = self.subnets.subnet_ids(&self.vpc, &c)?;
        let service_name = self
            .service
            .endpoint_service_name(EndpointType::Interface, stack);
        let (service_name, vpc_id) = (service_name.to_value(), self.vpc.id().to_value());
        if self.private_dns {
            check_private_dns_unique(stack, &c, &vpc_id, &service_name)?;
        }
        let mut resource = Resource::new("AWS::EC2::VPCEndpoint")
            .property("ServiceName", service_name)
            .property("VpcEndpointType", "Interface")
            .property("VpcId", vpc_id)
            .property("SubnetIds", subnet_ids.to_value())
            .property(
                "SecurityGroupIds",
                Expr::List(
                    self.security_groups
                        .iter()
                        .map(SecurityGroupRef::id)
                        .collect(),
                )
                .to_value(),
            )
            .property("PrivateDnsEnabled", self.private_dns);
        if let Some(p) = policy {
            resource = resource.property("PolicyDocument", p);
        }
        if let Some(c) = &self.condition {
            resource = resource.condition(c);
        }
        let endpoint = stack.add_resource_tagged(
            format!("{}Endpoint", camel(&name)),
            &c,
            resource,
            &format!("{name} endpoint"),
        )?;
        Ok(EndpointRef {
            endpoint,
            service: self.service,
            kind: EndpointType::Interface,
            security_groups: self.security_groups,
        })
    }
}

/// A gateway endpoint (S3 or DynamoDB): a route in every route table of the VPC to the
/// service's prefix list, with an endpoint policy.
///
/// ```
/// use airgap::iam::{Arn, PolicyDocument, Statement};
/// use airgap::net::{GatewayEndpoint, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// GatewayEndpoint::s3(&vpc)
///     .policy(PolicyDocument::new().statement(
///         Statement::allow()
///             .sid("Access-to-specific-bucket-only")
///             .any_principal()
///             .action("s3:GetObject")
///             .resources([Arn::s3_bucket("my_secure_bucket")?, Arn::s3_objects("my_secure_bucket")?]),
///     ))
///     .add_to(&mut stack)?;
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct GatewayEndpoint {
    service: Service,
    vpc: VpcRef,
    policy: Option<PolicyDocument>,
    condition: Option<ConditionRef>,
}

impl GatewayEndpoint {
    /// The S3 gateway endpoint.
    pub fn s3(vpc: &VpcRef) -> Self {
        Self::new(Service::S3, vpc)
    }

    /// The DynamoDB gateway endpoint.
    pub fn dynamodb(vpc: &VpcRef) -> Self {
        Self::new(Service::DYNAMODB, vpc)
    }

    /// A gateway endpoint for `service` (S3 or DynamoDB).
    pub fn new(service: Service, vpc: &VpcRef) -> Self {
        Self {
            service,
            vpc: vpc.clone(),
            policy: None,
            condition: None,
        }
    }

    /// Creates the endpoint only when the template condition `condition` holds.
    pub fn condition(mut self, condition: &ConditionRef) -> Self {
        self.condition = Some(condition.clone());
        self
    }

    /// Sets the endpoint policy.
    pub fn policy(mut self, policy: PolicyDocument) -> Self {
        self.policy = Some(policy);
        self
    }

    /// Adds the endpoint to `stack`, attached to every route table of the VPC.
    pub fn add_to(self, stack: &mut Stack) -> Result<EndpointRef> {
        let id = self.service.id().to_string();
        let c = format!("GatewayEndpoint '{id}'");
        self.vpc.check_in(stack, Location::new(&c, "vpc"))?;
        if !self.service.offers(EndpointType::Gateway) {
            return Err(Error::invalid(
                &c,
                "service",
                format!("{id} offers no gateway endpoint; use InterfaceEndpoint"),
            ));
        }
        let policy = policy_value(&self.service, self.policy.as_ref(), &c)?;
        let service_name = self
            .service
            .endpoint_service_name(EndpointType::Gateway, stack);
        let mut resource = Resource::new("AWS::EC2::VPCEndpoint")
            .property("ServiceName", service_name.to_value())
            .property("VpcEndpointType", "Gateway")
            .property("VpcId", self.vpc.id().to_value())
            .property("RouteTableIds", self.vpc.route_table_ids().to_value());
        if let Some(p) = policy {
            resource = resource.property("PolicyDocument", p);
        }
        if let Some(c) = &self.condition {
            resource = resource.condition(c);
        }
        let endpoint = stack.add_resource_tagged(
            format!("{}GatewayEndpoint", camel(&id)),
            &c,
            resource,
            &format!("{id} gateway endpoint"),
        )?;
        Ok(EndpointRef {
            endpoint,
            service: self.service,
            kind: EndpointType::Gateway,
            security_groups: Vec::new(),
        })
    }
}
