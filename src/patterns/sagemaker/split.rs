//! The network as three products wired by parameters.

use super::outputs::{
    ENDPOINT_SECURITY_GROUP_ID, ENDPOINT_SUBNET_IDS, ROUTE_TABLE_IDS, SUBNET_IDS, VPC_CIDR, VPC_ID,
    add_endpoint_outputs, add_endpoint_ssm, add_endpoint_subnets_output, add_group_outputs,
    add_group_ssm, add_vpc_outputs, add_vpc_ssm,
};
use super::{Choices, EndpointAccess, SecureSageMakerNetwork};

use crate::error::{Error, Result};
use crate::net::{ImportedVpc, SecurityGroupRef, SubnetSelection, VpcRef};
use crate::template::{AwsParameterType, Expr, Parameter, Stack};

/// The VPC product's short name.
const VPC_PRODUCT: &str = "vpc";
/// The security groups product's short name.
const GROUPS_PRODUCT: &str = "security-groups";
/// The endpoints product's short name.
const ENDPOINTS_PRODUCT: &str = "endpoints";

/// The network as three products, launched in this order: the VPC (subnets, route tables,
/// flow logs), its security groups, its endpoints. Each later product takes what it needs from
/// the earlier ones as parameters of AWS-specific types (the launch form offers the account's
/// VPCs, subnets and groups); [`NetworkProducts::WIRING`] says which output feeds which
/// parameter (for this network: [`NetworkProducts::wiring`]), and each output is also exported.
///
/// ```
/// use airgap::patterns::sagemaker::{NetworkProducts, SecureSageMakerNetwork};
/// use airgap::template::Stack;
/// let products = SecureSageMakerNetwork::new("DataScience")
///     .parameterized()
///     .split(&Stack::new("Net").export_prefix("${ProjectName}-${EnvType}"))?;
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
    /// Which output feeds which parameter in these products.
    wiring: Vec<Wire>,
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

impl Wire {
    /// An output feeding the later product's parameter of the same name.
    const fn same_name(
        from_product: &'static str,
        name: &'static str,
        to_product: &'static str,
    ) -> Wire {
        Wire {
            from_product,
            output: name,
            to_product,
            parameter: name,
        }
    }
}

impl NetworkProducts {
    /// The products' short names, in launch order.
    pub const LAUNCH_ORDER: [&'static str; 3] = [VPC_PRODUCT, GROUPS_PRODUCT, ENDPOINTS_PRODUCT];

    /// Which output of which product feeds which parameter of a later product, when the
    /// interface endpoints are in every subnet (the default); [`NetworkProducts::wiring`] gives
    /// the wiring of a split network.
    pub const WIRING: [Wire; 6] = [
        Wire::same_name(VPC_PRODUCT, VPC_ID, GROUPS_PRODUCT),
        Wire::same_name(VPC_PRODUCT, VPC_CIDR, GROUPS_PRODUCT),
        Wire::same_name(VPC_PRODUCT, VPC_ID, ENDPOINTS_PRODUCT),
        Wire::same_name(VPC_PRODUCT, SUBNET_IDS, ENDPOINTS_PRODUCT),
        Wire::same_name(VPC_PRODUCT, ROUTE_TABLE_IDS, ENDPOINTS_PRODUCT),
        Wire::same_name(
            GROUPS_PRODUCT,
            ENDPOINT_SECURITY_GROUP_ID,
            ENDPOINTS_PRODUCT,
        ),
    ];

    /// Which output of which product feeds which parameter of a later product: the
    /// [`WIRING`](Self::WIRING), except that when the interface endpoints are in
    /// [selected subnets](SecureSageMakerNetwork::endpoint_subnets) the endpoints product takes
    /// the VPC product's `EndpointSubnetIds` instead of its `SubnetIds`.
    ///
    /// ```
    /// use airgap::net::SubnetSelection;
    /// use airgap::patterns::sagemaker::{NetworkProducts, SecureSageMakerNetwork};
    /// use airgap::template::Stack;
    /// let all = SecureSageMakerNetwork::new("DataScience").split(&Stack::new("Net"))?;
    /// assert_eq!(all.wiring(), NetworkProducts::WIRING);
    /// let two = SecureSageMakerNetwork::new("DataScience")
    ///     .endpoint_subnets(SubnetSelection::first_zones(2))
    ///     .split(&Stack::new("Net"))?;
    /// assert!(two.wiring().iter().any(|w| w.output == "EndpointSubnetIds" && w.to_product == "endpoints"));
    /// assert!(!two.wiring().iter().any(|w| w.output == "SubnetIds" && w.to_product == "endpoints"));
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn wiring(&self) -> &[Wire] {
        &self.wiring
    }

    /// The wiring of a split network, with the endpoints in every subnet or in `selected` ones.
    fn wiring_for(selected: bool) -> Vec<Wire> {
        Self::WIRING
            .into_iter()
            .map(|wire| {
                if selected && wire.to_product == ENDPOINTS_PRODUCT && wire.parameter == SUBNET_IDS
                {
                    Wire::same_name(VPC_PRODUCT, ENDPOINT_SUBNET_IDS, ENDPOINTS_PRODUCT)
                } else {
                    wire
                }
            })
            .collect()
    }

    /// The products with their short names, in launch order.
    pub fn in_launch_order(&self) -> [(&'static str, &Stack); 3] {
        [
            (Self::LAUNCH_ORDER[0], &self.vpc),
            (Self::LAUNCH_ORDER[1], &self.security_groups),
            (Self::LAUNCH_ORDER[2], &self.endpoints),
        ]
    }
}

/// The product's name as the launch form's descriptions say it.
fn product_title(product: &str) -> &str {
    match product {
        VPC_PRODUCT => "VPC",
        GROUPS_PRODUCT => "security groups",
        other => other,
    }
}

/// How a product asks for a wired value: the parameter's type, what it holds, and its label on
/// the launch form.
fn wired_parameter(name: &str) -> (Parameter, &'static str, &'static str) {
    match name {
        VPC_ID => (Parameter::aws(AwsParameterType::VpcId), "The VPC", "VPC"),
        VPC_CIDR => (
            Parameter::string().pattern(
                "^([0-9]{1,3}\\.){3}[0-9]{1,3}/([0-9]|[12][0-9]|3[0-2])$",
                "must be an IPv4 block such as 10.0.0.0/16",
            ),
            "The VPC's IPv4 block",
            "VPC block",
        ),
        SUBNET_IDS => (
            Parameter::list_of(AwsParameterType::SubnetId),
            "The private subnets, one per zone",
            "Subnets",
        ),
        ENDPOINT_SUBNET_IDS => (
            Parameter::list_of(AwsParameterType::SubnetId),
            "The private subnets of the interface endpoints, at most one per zone",
            "Endpoint subnets",
        ),
        ROUTE_TABLE_IDS => (
            Parameter::comma_delimited_list(),
            "The subnets' route tables, comma separated",
            "Route tables",
        ),
        // ENDPOINT_SECURITY_GROUP_ID, the one wire left.
        _ => (
            Parameter::aws(AwsParameterType::SecurityGroupId),
            "The endpoints' security group",
            "Endpoint security group",
        ),
    }
}

/// The parameters a product takes from earlier products, one per wire into it, in the order of
/// the wiring.
struct Wired(Vec<(&'static str, Expr)>);

impl Wired {
    /// Adds to `stack` the parameters of the wires of `wiring` into `product` that `wanted`
    /// keeps.
    fn add_to(
        stack: &mut Stack,
        construct: &str,
        wiring: &[Wire],
        product: &str,
        wanted: impl Fn(&str) -> bool,
    ) -> Result<Wired> {
        let mut values = Vec::new();
        for wire in wiring {
            if wire.to_product != product || !wanted(wire.parameter) {
                continue;
            }
            let (parameter, what, label) = wired_parameter(wire.parameter);
            let description = format!(
                "{what} (output {} of the {} product)",
                wire.output,
                product_title(wire.from_product)
            );
            let value = stack.add_parameter_labeled(
                wire.parameter,
                construct,
                parameter.description(description),
                label,
                "Network",
            )?;
            values.push((wire.parameter, value));
        }
        Ok(Wired(values))
    }

    /// The parameter `name`, if the product takes it.
    fn get(&self, name: &str) -> Option<Expr> {
        self.0
            .iter()
            .find(|(n, _)| *n == name)
            .map(|(_, e)| e.clone())
    }

    /// The parameter `name`, which every launch of the product takes.
    fn require(&self, construct: &str, name: &str) -> Result<Expr> {
        self.get(name).ok_or_else(|| {
            Error::invalid(
                construct,
                "split",
                format!("no output of an earlier product feeds the parameter {name}"),
            )
        })
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
        let wiring = NetworkProducts::wiring_for(!self.endpoint_subnets.is_all());
        Ok(NetworkProducts {
            vpc: self.vpc_product(base)?,
            security_groups: self.groups_product(base, &wiring)?,
            endpoints: self.endpoints_product(base, &wiring)?,
            wiring,
        })
    }

    /// Product 1: the VPC, subnets, route tables and flow logs.
    fn vpc_product(&self, base: &Stack) -> Result<Stack> {
        let c = self.construct();
        let mut stack = base
            .sibling(format!("{}-{VPC_PRODUCT}", base.name()))
            .description(format!(
                "{}: private VPC, subnets, route tables and flow logs (product 1 of 3)",
                self.name
            ));
        let mut choices = Choices::default();
        self.add_project_parameters(&mut stack)?;
        let (vpc, flow_log) = self.add_vpc_part(&mut stack, &mut choices)?;
        add_vpc_outputs(&mut stack, &vpc, &flow_log, &choices)?;
        add_endpoint_subnets_output(&mut stack, &c, &vpc, &self.endpoint_subnets)?;
        if let Some(prefix) = &self.ssm_prefix {
            add_vpc_ssm(&mut stack, &c, prefix, &vpc, &choices)?;
        }
        Ok(stack)
    }

    /// Product 2: the workload and endpoint security groups, in the VPC of product 1.
    fn groups_product(&self, base: &Stack, wiring: &[Wire]) -> Result<Stack> {
        let c = self.construct();
        let mut stack = base.sibling(format!("{}-{GROUPS_PRODUCT}", base.name())).description(format!(
            "{}: security groups of SageMaker workloads and VPC endpoints (product 2 of 3; launch after the VPC product)",
            self.name
        ));
        self.add_project_parameters(&mut stack)?;
        // The VPC's block is needed only where the endpoints admit the whole VPC.
        let wired = Wired::add_to(&mut stack, &c, wiring, GROUPS_PRODUCT, |p| {
            p != VPC_CIDR || self.access == EndpointAccess::VpcCidr
        })?;
        let imported = VpcRef::imported(ImportedVpc {
            name: self.name.clone(),
            id: wired.require(&c, VPC_ID)?,
            cidr: wired.get(VPC_CIDR),
            subnet_ids: Expr::List(Vec::new()),
            route_table_ids: Expr::List(Vec::new()),
        });
        let (workloads, endpoints) = self.add_groups_part(&mut stack, &imported)?;
        add_group_outputs(&mut stack, &workloads, &endpoints)?;
        if let Some(prefix) = &self.ssm_prefix {
            add_group_ssm(&mut stack, &c, prefix, &workloads, &endpoints)?;
        }
        Ok(stack)
    }

    /// Product 3: the gateway and interface endpoints, in the subnets and group of the others.
    fn endpoints_product(&self, base: &Stack, wiring: &[Wire]) -> Result<Stack> {
        let c = self.construct();
        let mut stack = base.sibling(format!("{}-{ENDPOINTS_PRODUCT}", base.name())).description(format!(
            "{}: S3 gateway and interface endpoints with endpoint policies (product 3 of 3; launch after the security groups product)",
            self.name
        ));
        self.add_project_parameters(&mut stack)?;
        let wired = Wired::add_to(&mut stack, &c, wiring, ENDPOINTS_PRODUCT, |_| true)?;
        // The subnets taken are those of the endpoints: every subnet, or the VPC product's
        // selection of them.
        let subnets = if self.endpoint_subnets.is_all() {
            SUBNET_IDS
        } else {
            ENDPOINT_SUBNET_IDS
        };
        let imported = VpcRef::imported(ImportedVpc {
            name: self.name.clone(),
            id: wired.require(&c, VPC_ID)?,
            cidr: None,
            subnet_ids: wired.require(&c, subnets)?,
            route_table_ids: wired.require(&c, ROUTE_TABLE_IDS)?,
        });
        let group = SecurityGroupRef::imported(
            format!("{} Endpoints", self.name),
            wired.require(&c, ENDPOINT_SECURITY_GROUP_ID)?,
        );
        let (s3, _, _) = self.add_endpoints_part(
            &mut stack,
            &imported,
            &group,
            &SubnetSelection::all(),
            &mut Choices::default(),
        )?;
        add_endpoint_outputs(&mut stack, &s3)?;
        if let Some(prefix) = &self.ssm_prefix {
            add_endpoint_ssm(&mut stack, &c, prefix, &s3)?;
        }
        Ok(stack)
    }
}
