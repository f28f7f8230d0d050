//! The parts of the network: project parameters, VPC and flow logs, security groups, endpoints.

use serde_json::json;

use super::outputs::{
    add_endpoint_outputs, add_endpoint_ssm, add_group_outputs, add_group_ssm, add_vpc_outputs,
    add_vpc_ssm,
};
use super::{
    Choices, EndpointAccess, GOVCLOUD_CONDITION, SageMakerNetworkRef, SecureSageMakerNetwork,
};

use crate::error::{Error, Location, Result};
use crate::iam::{Arn, Condition, ConditionKey, ConditionOperator, PolicyDocument, Statement};
use crate::net::{
    CHINA_CONDITION, EndpointRef, FlowLog, FlowLogRef, GatewayEndpoint, InterfaceEndpoint,
    MAX_ZONES, Peer, Port, SecurityGroup, SecurityGroupEgress, SecurityGroupRef, Selection,
    Service, SubnetSelection, VpcRef, allow,
};
use crate::template::{ConditionRef, Expr, Parameter, Partition, Pseudo, Stack};

impl SecureSageMakerNetwork {
    /// `ProjectName` and `EnvType`, tagged on everything, in a parameterized product.
    pub(super) fn add_project_parameters(&self, stack: &mut Stack) -> Result<()> {
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

    pub(super) fn add_vpc_part(
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
                    .description(self.zones_description())
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
                conditions.push(Some(stack.ensure_condition(&name, Expr::Literal(cond))));
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

    /// The `Zones` parameter's description, which says where the interface endpoints are
    /// when they are in the first zones only.
    fn zones_description(&self) -> String {
        let spread = "How many Availability Zones to spread the subnets over";
        match self.endpoint_subnets.selection() {
            Selection::FirstZones(n) => {
                format!("{spread}; the interface endpoints are in the first {n} of them")
            }
            _ => spread.to_string(),
        }
    }

    pub(super) fn add_groups_part(
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
                Port::HTTPS,
                "HTTPS to S3 through the gateway endpoint",
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
                Port::HTTPS,
                "HTTPS to DynamoDB through the gateway endpoint",
            );
        }
        let workloads = workloads.add_to(stack)?;
        let endpoints = SecurityGroup::new(format!("{} Endpoints", self.name), vpc).description(
            "VPC interface endpoints: admit HTTPS from SageMaker workloads only, send nothing",
        );
        let to_endpoints = "HTTPS to the VPC interface endpoints";
        let endpoints = match self.access {
            EndpointAccess::WorkloadGroup => {
                let endpoints = endpoints.add_to(stack)?;
                allow(&workloads, &endpoints, Port::HTTPS)
                    .ingress_description("HTTPS from SageMaker workloads")
                    .egress_description(to_endpoints)
                    .add_to(stack)?;
                endpoints
            }
            EndpointAccess::VpcCidr => {
                // The endpoints admit the whole VPC; the workloads still say where they send.
                let endpoints = endpoints
                    .ingress_described(Peer::vpc_cidr(vpc), Port::HTTPS, "HTTPS from the VPC")
                    .add_to(stack)?;
                SecurityGroupEgress::new(&workloads, &endpoints, Port::HTTPS)
                    .description(to_endpoints)
                    .add_to(stack)?;
                endpoints
            }
        };
        if self.distributed_training {
            allow(&workloads, &workloads, Port::all_tcp())
                .description("Distributed training: TCP between members of the group")
                .add_to(stack)?;
        }
        Ok((workloads, endpoints))
    }

    /// The endpoints: S3's gateway, then each service's endpoint, required or chosen at launch.
    pub(super) fn add_endpoints_part(
        &self,
        stack: &mut Stack,
        vpc: &VpcRef,
        endpoint_group: &SecurityGroupRef,
        subnets: &SubnetSelection,
        choices: &mut Choices,
    ) -> Result<(EndpointRef, Vec<EndpointRef>, Vec<EndpointRef>)> {
        self.check_read_buckets(stack)?;
        self.add_bucket_parameter(stack, choices)?;
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
            // S3's gateway is there already.
            if *service == Service::S3 {
                continue;
            }
            let condition = if optional {
                Some(self.add_endpoint_choice(stack, service)?)
            } else {
                None
            };
            let endpoint = ServiceEndpoint {
                vpc,
                service,
                policy: self.endpoint_policy_of(service),
                condition: condition.as_ref(),
            };
            if *service == Service::DYNAMODB {
                gateway_endpoints.push(endpoint.add_gateway(stack)?);
            } else {
                interface_endpoints.push(endpoint.add_interface(stack, endpoint_group, subnets)?);
            }
        }
        Ok((s3_endpoint, gateway_endpoints, interface_endpoints))
    }

    /// Each bucket to read has a valid name; a legacy name (with `_`) is said in a warning.
    fn check_read_buckets(&self, stack: &mut Stack) -> Result<()> {
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
        Ok(())
    }

    /// In a parameterized product that reads buckets, the `DataBucketNames` parameter and the
    /// rule that it names at least one bucket; the S3 policy then names the buckets it holds.
    fn add_bucket_parameter(&self, stack: &mut Stack, choices: &mut Choices) -> Result<()> {
        if !self.parameterized || self.read_buckets.is_empty() || self.s3_policy.is_some() {
            return Ok(());
        }
        let buckets = stack.add_parameter_labeled(
            "DataBucketNames",
            &self.construct(),
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
        Ok(())
    }

    /// The `Enable...Endpoint` parameter of an optional endpoint, and the condition under which
    /// the endpoint is made.
    fn add_endpoint_choice(&self, stack: &mut Stack, service: &Service) -> Result<ConditionRef> {
        let id = camel(service.id());
        let choice = stack.add_parameter_labeled(
            format!("Enable{id}Endpoint"),
            &self.construct(),
            Parameter::string()
                .description(format!("Create the {} endpoint", service.id()))
                .allowed_values(["true", "false"])
                .default_value("false"),
            &format!("{} endpoint", service.id()),
            "Optional endpoints",
        )?;
        Ok(stack.ensure_condition(
            &format!("Create{id}Endpoint"),
            Expr::Equals(Box::new(choice), Box::new(Expr::str("true"))),
        ))
    }

    /// The policy given for `service`'s endpoint, if one was.
    fn endpoint_policy_of(&self, service: &Service) -> Option<PolicyDocument> {
        self.endpoint_policies
            .iter()
            .find(|(s, _)| s == service)
            .map(|(_, p)| p.clone())
    }

    pub(super) fn s3_policy_document(
        &self,
        stack: &mut Stack,
        choices: &Choices,
    ) -> Result<PolicyDocument> {
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
        let (s3_endpoint, gateway_endpoints, interface_endpoints) = self.add_endpoints_part(
            stack,
            &vpc,
            &endpoint_group,
            &self.endpoint_subnets,
            &mut choices,
        )?;
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
            add_vpc_ssm(stack, &c, prefix, &built.vpc, &choices)?;
            add_group_ssm(
                stack,
                &c,
                prefix,
                &built.workload_group,
                &built.endpoint_group,
            )?;
            add_endpoint_ssm(stack, &c, prefix, &built.s3_endpoint)?;
        }
        Ok(built)
    }
}

/// One service's endpoint as the network makes it: its policy, and the condition of an
/// endpoint chosen at launch.
struct ServiceEndpoint<'a> {
    vpc: &'a VpcRef,
    service: &'a Service,
    policy: Option<PolicyDocument>,
    condition: Option<&'a ConditionRef>,
}

impl ServiceEndpoint<'_> {
    /// A gateway endpoint (DynamoDB), on every route table.
    fn add_gateway(self, stack: &mut Stack) -> Result<EndpointRef> {
        let mut e = GatewayEndpoint::dynamodb(self.vpc);
        if let Some(p) = self.policy {
            e = e.policy(p);
        }
        if let Some(cond) = self.condition {
            e = e.condition(cond);
        }
        e.add_to(stack)
    }

    /// An interface endpoint in the selected subnets, behind the endpoint group.
    fn add_interface(
        self,
        stack: &mut Stack,
        group: &SecurityGroupRef,
        subnets: &SubnetSelection,
    ) -> Result<EndpointRef> {
        let mut e = InterfaceEndpoint::new(self.service.clone(), self.vpc)
            .security_group(group)
            .subnets(subnets.clone());
        if let Some(p) = self.policy {
            e = e.policy(p);
        }
        if let Some(cond) = self.condition {
            e = e.condition(cond);
        }
        e.add_to(stack)
    }
}

pub(super) fn camel(s: &str) -> String {
    crate::template::upper_camel_case(s)
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
pub(super) fn bucket_arns(buckets: &Expr, stack: &mut Stack) -> Expr {
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
