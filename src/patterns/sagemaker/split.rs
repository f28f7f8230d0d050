//! The network as three products wired by parameters.

use super::outputs::{
    add_endpoint_outputs, add_group_outputs, add_ssm, add_ssm_list, add_vpc_outputs,
};
use super::{Choices, EndpointAccess, SecureSageMakerNetwork};

use crate::error::Result;
use crate::net::{ImportedVpc, SecurityGroupRef, VpcRef};
use crate::template::{AwsParameterType, Expr, Parameter, Stack};

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

impl SecureSageMakerNetwork {
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
