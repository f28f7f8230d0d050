use std::sync::Arc;

use serde_json::json;

use super::cidr::Ipv4Cidr;
use super::error::NetError;
use crate::error::{Error, Location, Result};
use crate::template::{
    AwsParameterType, ConditionRef, Expr, Parameter, Partition, Pseudo, Resource, ResourceRef,
    Stack,
};

/// The default VPC block.
pub const DEFAULT_VPC_CIDR: &str = "10.0.0.0/16";
/// How many zones a VPC spans unless told otherwise.
pub const DEFAULT_ZONES: usize = 3;
/// The most zones a VPC built here may span.
pub const MAX_ZONES: usize = 6;

/// The checked layout of a VPC: its block, each subnet's block and zone, and the region the
/// zones pin it to (if named).
struct Plan {
    vpc_cidr: Option<Ipv4Cidr>,
    vpc_cidr_expr: Expr,
    /// Each subnet's block (when known), block as written, and zone.
    subnets: Vec<(Option<Ipv4Cidr>, Expr, Expr)>,
    region: Option<String>,
}

fn check_vpc_prefix(c: &str, prefix: u8, block: &str) -> Result<()> {
    if (16..=28).contains(&prefix) {
        Ok(())
    } else {
        Err(Error::invalid(
            c,
            "cidr",
            format!("a VPC block must be /16 to /28, and {block} is /{prefix}"),
        ))
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Zones {
    Count(usize),
    Named(Vec<String>),
}

/// A VPC with one private subnet per Availability Zone, each with its own route table.
///
/// The VPC has DNS support and DNS hostnames on (interface endpoints with private DNS need
/// both), and nothing that reaches the internet: no Internet Gateway, NAT gateway, egress-only
/// gateway or VPN gateway, and no route to `0.0.0.0/0` or `::/0`. There is no builder method to
/// add one.
///
/// Zones are chosen with `Fn::Select` over `Fn::GetAZs`, so the template works in any region
/// with enough zones. Name them with [`Vpc::zone_names`] to pin them: each named zone becomes a
/// parameter of type `AWS::EC2::AvailabilityZone::Name` defaulting to it (CloudFormation checks
/// at launch that it exists), and a template rule refuses to launch in another region. Subnet
/// blocks are carved from the VPC block in equal parts unless given.
///
/// ```
/// use airgap::net::Vpc;
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").cidr("10.0.0.0/16").zones(3).add_to(&mut stack)?;
/// assert_eq!(vpc.subnets().len(), 3);
/// assert_eq!(vpc.subnets()[0].cidr().unwrap().to_string(), "10.0.0.0/18");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Vpc {
    name: String,
    cidr: String,
    cidr_parameter: Option<(Expr, u8)>,
    zones: Zones,
    zone_conditions: Vec<Option<ConditionRef>>,
    subnet_prefix: Option<u8>,
    subnet_cidrs: Vec<String>,
}

/// A private subnet of a [`VpcRef`], with its route table.
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetRef {
    subnet: ResourceRef,
    route_table: ResourceRef,
    cidr: Option<Ipv4Cidr>,
    cidr_expr: Expr,
    zone: Expr,
    zone_name: Option<String>,
    condition: Option<ConditionRef>,
}

impl SubnetRef {
    /// The subnet resource.
    pub fn subnet(&self) -> &ResourceRef {
        &self.subnet
    }

    /// Its route table.
    pub fn route_table(&self) -> &ResourceRef {
        &self.route_table
    }

    /// Its block, when known at synthesis (not when the VPC block is a parameter).
    pub fn cidr(&self) -> Option<Ipv4Cidr> {
        self.cidr
    }

    /// Its block as written in the template (a literal or `Fn::Select` over `Fn::Cidr`).
    pub fn cidr_expr(&self) -> &Expr {
        &self.cidr_expr
    }

    /// Its zone, as written in the template.
    pub fn zone(&self) -> &Expr {
        &self.zone
    }

    /// Its zone's name, when the VPC names its zones ([`Vpc::zone_names`]); counted zones are
    /// chosen at launch and have none.
    pub fn zone_name(&self) -> Option<&str> {
        self.zone_name.as_deref()
    }

    /// The condition under which the subnet exists, if it is optional.
    pub fn condition(&self) -> Option<&ConditionRef> {
        self.condition.as_ref()
    }

    /// `Ref` to the subnet, or, for an optional subnet, `Fn::If` that leaves it out of a list.
    pub fn list_item(&self, of: &ResourceRef) -> Expr {
        match &self.condition {
            Some(c) => c.if_(of.ref_(), Expr::pseudo(Pseudo::NoValue)),
            None => of.ref_(),
        }
    }
}

/// The parts of a VPC made by another stack, brought in by parameters or imports: enough to
/// put security groups and endpoints in it.
#[derive(Debug, Clone, PartialEq)]
pub struct ImportedVpc {
    /// A name for the VPC in messages and IDs.
    pub name: String,
    /// The VPC's ID (e.g. `Ref` to an `AWS::EC2::VPC::Id` parameter).
    pub id: Expr,
    /// The VPC's IPv4 block, if the stack needs it (rules open to the VPC).
    pub cidr: Option<Expr>,
    /// The private subnets' IDs, as a list.
    pub subnet_ids: Expr,
    /// The route tables' IDs, as a list (for gateway endpoints).
    pub route_table_ids: Expr,
}

/// A VPC in a stack: one added by [`Vpc::add_to`], or one imported from another stack with
/// [`VpcRef::imported`].
///
/// ```
/// use airgap::net::Vpc;
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").zones(2).add_to(&mut stack)?;
/// assert_eq!(vpc.cidr().unwrap().to_string(), "10.0.0.0/16");
/// assert_eq!(vpc.id().to_value(), serde_json::json!({"Ref": "NetworkVpc"}));
/// let first = &vpc.subnets()[0];
/// assert_eq!(first.subnet().logical_id().as_str(), "NetworkPrivateSubnet1");
/// assert_eq!(first.route_table().logical_id().as_str(), "NetworkPrivateSubnet1RouteTable");
/// # Ok::<(), airgap::Error>(())
/// ```
///
/// A handle is one shared pointer: every security group, endpoint and flow log that names the
/// VPC keeps a clone, and cloning copies no subnet list.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcRef(Arc<VpcHandle>);

#[derive(Debug, PartialEq)]
struct VpcHandle {
    name: String,
    vpc: Option<ResourceRef>,
    id: Expr,
    cidr: Option<Ipv4Cidr>,
    cidr_expr: Option<Expr>,
    subnets: Vec<SubnetRef>,
    subnet_ids: Expr,
    route_table_ids: Expr,
}

impl VpcRef {
    /// A VPC made by another stack. Constructs in this stack refer to it through the given
    /// expressions (parameters or `Fn::ImportValue`), never through a `Ref` that would dangle:
    /// the fix [`Error::ForeignConstruct`](crate::Error::ForeignConstruct) recommends when a
    /// handle of one stack is used in another.
    ///
    /// ```
    /// use airgap::net::{ImportedVpc, InterfaceEndpoint, Peer, Port, SecurityGroup, Service, VpcRef};
    /// use airgap::template::{Expr, Parameter, Stack};
    /// let mut stack = Stack::new("Endpoints");
    /// let vpc_id = stack.add_parameter("VpcId", Parameter::new("AWS::EC2::VPC::Id"))?;
    /// let subnets = stack.add_parameter("SubnetIds", Parameter::new("List<AWS::EC2::Subnet::Id>"))?;
    /// let vpc = VpcRef::imported(ImportedVpc {
    ///     name: "Network".into(),
    ///     id: vpc_id,
    ///     cidr: Some(Expr::import_value(Expr::str("network-VpcCidr"))),
    ///     subnet_ids: subnets,
    ///     route_table_ids: Expr::import_value(Expr::str("network-RouteTableIds")),
    /// });
    /// let group = SecurityGroup::new("Endpoints", &vpc)
    ///     .ingress(Peer::vpc_cidr(&vpc), Port::tcp(443))
    ///     .add_to(&mut stack)?;
    /// InterfaceEndpoint::new(Service::STS, &vpc).security_group(&group).add_to(&mut stack)?;
    /// let t = stack.synth_unchecked()?.into_template();
    /// assert_eq!(t.resources["StsEndpoint"].properties["VpcId"], serde_json::json!({"Ref": "VpcId"}));
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn imported(vpc: ImportedVpc) -> Self {
        Self(Arc::new(VpcHandle {
            name: vpc.name,
            vpc: None,
            id: vpc.id,
            cidr: None,
            cidr_expr: vpc.cidr,
            subnets: Vec::new(),
            subnet_ids: vpc.subnet_ids,
            route_table_ids: vpc.route_table_ids,
        }))
    }

    /// The name given to [`Vpc::new`].
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The VPC resource, when it was made in a stack (not imported).
    pub fn resource(&self) -> Option<&ResourceRef> {
        self.0.vpc.as_ref()
    }

    /// Checks that the VPC may be used in `stack`: made there, or imported.
    pub fn check_in(&self, stack: &Stack, at: Location) -> Result<()> {
        match &self.0.vpc {
            Some(r) => stack.check_owned(r, at),
            None => Ok(()),
        }
    }

    /// The VPC's ID.
    pub fn id(&self) -> Expr {
        self.0.id.clone()
    }

    /// The VPC block, when known at synthesis.
    pub fn cidr(&self) -> Option<Ipv4Cidr> {
        self.0.cidr
    }

    /// The VPC block as the template can use it (a literal, a parameter, an import).
    pub fn cidr_expr(&self) -> Option<Expr> {
        match (&self.0.cidr, &self.0.cidr_expr) {
            (Some(c), _) => Some(Expr::str(c.to_string())),
            (None, e) => e.clone(),
        }
    }

    /// The private subnets made with the VPC, one per zone (none when imported).
    pub fn subnets(&self) -> &[SubnetRef] {
        &self.0.subnets
    }

    /// Every subnet's ID, as a list.
    pub fn subnet_ids(&self) -> Expr {
        self.0.subnet_ids.clone()
    }

    /// Every route table's ID, as a list.
    pub fn route_table_ids(&self) -> Expr {
        self.0.route_table_ids.clone()
    }
}

impl Vpc {
    /// A VPC named `name` (the name makes its logical IDs: `Network` gives `NetworkVpc`,
    /// `NetworkPrivateSubnet1`, ...), with the default block and three zones.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            cidr: DEFAULT_VPC_CIDR.to_string(),
            cidr_parameter: None,
            zones: Zones::Count(DEFAULT_ZONES),
            zone_conditions: Vec::new(),
            subnet_prefix: None,
            subnet_cidrs: Vec::new(),
        }
    }

    /// Takes the VPC block at deploy time (e.g. from a parameter) instead of at synthesis.
    /// `prefix_len` is the block's prefix length, which the caller enforces (with the
    /// parameter's pattern); subnets are then carved with `Fn::Cidr`.
    pub fn cidr_parameter(mut self, block: Expr, prefix_len: u8) -> Self {
        self.cidr_parameter = Some((block, prefix_len));
        self
    }

    /// Makes zones optional: zone `i` (from 0) is created only when `conditions[i]` holds.
    /// Zones without an entry, or with `None`, are always created.
    pub fn zone_conditions<I>(mut self, conditions: I) -> Self
    where
        I: IntoIterator<Item = Option<ConditionRef>>,
    {
        self.zone_conditions = conditions.into_iter().collect();
        self
    }

    /// The VPC's IPv4 block, `/16` to `/28`.
    pub fn cidr(mut self, cidr: impl Into<String>) -> Self {
        self.cidr = cidr.into();
        self
    }

    /// Spans `count` zones (1 to 6) of whichever region the stack is launched in.
    pub fn zones(mut self, count: usize) -> Self {
        self.zones = Zones::Count(count);
        self
    }

    /// Spans the named zones (e.g. `eu-west-1a`), pinning the template to their region.
    pub fn zone_names<I, S>(mut self, zones: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.zones = Zones::Named(zones.into_iter().map(Into::into).collect());
        self
    }

    /// The prefix length of each carved subnet (default: the largest equal blocks that fit).
    pub fn subnet_prefix(mut self, prefix_len: u8) -> Self {
        self.subnet_prefix = Some(prefix_len);
        self
    }

    /// Gives each subnet's block instead of carving them, one per zone.
    pub fn subnet_cidrs<I, S>(mut self, blocks: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.subnet_cidrs = blocks.into_iter().map(Into::into).collect();
        self
    }

    fn construct(&self) -> String {
        format!("Vpc '{}'", self.name)
    }

    /// The block as given to [`Vpc::cidr`].
    pub(crate) fn cidr_text(&self) -> &str {
        &self.cidr
    }

    /// Whether the zones are named (pinned) rather than counted.
    pub(crate) fn has_named_zones(&self) -> bool {
        matches!(self.zones, Zones::Named(_))
    }

    /// The zones' names, when they are named rather than counted.
    pub(crate) fn named_zones(&self) -> Option<&[String]> {
        match &self.zones {
            Zones::Named(names) => Some(names),
            Zones::Count(_) => None,
        }
    }

    /// Whether the subnets' size or blocks were given.
    pub(crate) fn has_subnet_layout(&self) -> bool {
        self.subnet_prefix.is_some() || !self.subnet_cidrs.is_empty()
    }

    pub(crate) fn zone_count(&self) -> usize {
        match &self.zones {
            Zones::Count(n) => *n,
            Zones::Named(z) => z.len(),
        }
    }

    /// Checks the description and plans the subnets: their blocks and zones.
    fn plan(&self, stack: &Stack) -> Result<Plan> {
        let c = self.construct();
        let count = self.zone_count();
        if !(1..=MAX_ZONES).contains(&count) {
            return Err(Error::invalid(
                &c,
                "zones",
                format!("a VPC here spans 1 to {MAX_ZONES} zones, not {count}"),
            ));
        }
        if self.zone_conditions.len() > count {
            return Err(Error::invalid(
                &c,
                "zone_conditions",
                format!(
                    "{} zone conditions for {count} zones",
                    self.zone_conditions.len()
                ),
            ));
        }
        if self.zone_conditions.first().is_some_and(Option::is_some) {
            return Err(Error::invalid(
                &c,
                "zone_conditions",
                "the first zone cannot be optional: a VPC here always has a subnet",
            ));
        }
        let (zones, region) = self.zone_exprs(stack, count)?;
        if let Some((block, prefix)) = &self.cidr_parameter {
            if !self.subnet_cidrs.is_empty() {
                return Err(Error::invalid(
                    &c,
                    "subnet_cidrs",
                    "subnet blocks cannot be given when the VPC block is only known at deploy time",
                ));
            }
            check_vpc_prefix(&c, *prefix, &format!("the deploy-time block (/{prefix})"))?;
            let subnet_prefix =
                self.subnet_prefix_for(*prefix, count, &format!("a /{prefix} block"))?;
            let host_bits = 32 - u32::from(subnet_prefix);
            let cidrs = Expr::Cidr {
                block: Box::new(block.clone()),
                count: count as u32,
                cidr_bits: host_bits,
            };
            return Ok(Plan {
                vpc_cidr: None,
                vpc_cidr_expr: block.clone(),
                subnets: zones
                    .into_iter()
                    .enumerate()
                    .map(|(i, z)| (None, Expr::select(i as u32, cidrs.clone()), z))
                    .collect(),
                region,
            });
        }
        let vpc_cidr = Ipv4Cidr::parse_at(&self.cidr, Location::new(&c, "cidr"))?;
        check_vpc_prefix(&c, vpc_cidr.prefix_len(), &vpc_cidr.to_string())?;
        let blocks = if self.subnet_cidrs.is_empty() {
            self.carve(vpc_cidr, count)?
        } else {
            self.check_given_blocks(vpc_cidr, count)?
        };
        Ok(Plan {
            vpc_cidr: Some(vpc_cidr),
            vpc_cidr_expr: Expr::str(vpc_cidr.to_string()),
            subnets: blocks
                .into_iter()
                .zip(zones)
                .map(|(b, z)| (Some(b), Expr::str(b.to_string()), z))
                .collect(),
            region,
        })
    }

    /// The prefix length of `count` equal subnets of a `/vpc_prefix` block: the largest that
    /// fit, or the one asked for if it fits.
    fn subnet_prefix_for(&self, vpc_prefix: u8, count: usize, block: &str) -> Result<u8> {
        let c = self.construct();
        let bits = usize::BITS - (count - 1).leading_zeros();
        let needed = vpc_prefix + bits as u8;
        let prefix = self.subnet_prefix.unwrap_or(needed);
        if prefix > 28 {
            return Err(Error::invalid(
                &c,
                if self.subnet_prefix.is_some() {
                    "subnet_prefix"
                } else {
                    "cidr"
                },
                format!(
                    "{block} cannot hold {count} subnets: each would be /{prefix}, and AWS subnets are /16 to /28; use a larger VPC block or fewer zones"
                ),
            ));
        }
        if prefix < needed.max(16) {
            return Err(Error::invalid(
                &c,
                "subnet_prefix",
                format!(
                    "{count} subnets of /{prefix} do not fit in {block}: use /{} or longer",
                    needed.max(16)
                ),
            ));
        }
        Ok(prefix)
    }

    fn zone_exprs(&self, stack: &Stack, count: usize) -> Result<(Vec<Expr>, Option<String>)> {
        let c = self.construct();
        match &self.zones {
            Zones::Count(_) => Ok((
                (0..count)
                    .map(|i| Expr::select(i as u32, Expr::get_azs()))
                    .collect(),
                None,
            )),
            Zones::Named(names) => {
                let mut region: Option<String> = None;
                for (i, z) in names.iter().enumerate() {
                    let r = zone_region(z).ok_or_else(|| {
                        Error::parse(
                            Location::new(&c, "zone_names"),
                            "Availability Zone name",
                            z,
                            "expected a zone name such as `eu-west-1a`",
                        )
                    })?;
                    crate::template::check_region(r).map_err(|e| e.said_of(&c, "zone_names"))?;
                    if names[..i].contains(z) {
                        return Err(Error::invalid(
                            &c,
                            "zone_names",
                            format!("zone {z} is named twice; give each subnet its own zone"),
                        ));
                    }
                    match &region {
                        Some(first) if first != r => {
                            return Err(Error::invalid(
                                &c,
                                "zone_names",
                                format!(
                                    "zone {z} is in {r}, but the others are in {first}; a VPC lives in one region"
                                ),
                            ));
                        }
                        _ => region = Some(r.to_string()),
                    }
                }
                if let (Some(pinned), Some(r)) = (stack.region(), &region)
                    && pinned != r
                {
                    return Err(Error::invalid(
                        &c,
                        "zone_names",
                        format!("the zones are in {r}, but the stack is pinned to {pinned}"),
                    ));
                }
                Ok((names.iter().map(|z| Expr::str(z.clone())).collect(), region))
            }
        }
    }

    fn carve(&self, vpc_cidr: Ipv4Cidr, count: usize) -> Result<Vec<Ipv4Cidr>> {
        let prefix = self.subnet_prefix_for(vpc_cidr.prefix_len(), count, &vpc_cidr.to_string())?;
        vpc_cidr.carve(prefix, count).ok_or_else(|| {
            Error::invalid(
                self.construct(),
                "subnet_prefix",
                format!("{count} subnets of /{prefix} do not fit in {vpc_cidr}"),
            )
        })
    }

    fn check_given_blocks(&self, vpc_cidr: Ipv4Cidr, count: usize) -> Result<Vec<Ipv4Cidr>> {
        let c = self.construct();
        if self.subnet_cidrs.len() != count {
            return Err(Error::invalid(
                &c,
                "subnet_cidrs",
                format!(
                    "{} subnet blocks given for {count} zones; give one per zone",
                    self.subnet_cidrs.len()
                ),
            ));
        }
        let mut blocks: Vec<Ipv4Cidr> = Vec::with_capacity(count);
        for raw in &self.subnet_cidrs {
            let b = Ipv4Cidr::parse_at(raw, Location::new(&c, "subnet_cidrs"))?;
            if !(16..=28).contains(&b.prefix_len()) {
                return Err(Error::invalid(
                    &c,
                    "subnet_cidrs",
                    format!(
                        "subnet {b} is /{}; AWS subnets are /16 to /28",
                        b.prefix_len()
                    ),
                ));
            }
            if !vpc_cidr.contains(&b) {
                return Err(NetError::SubnetOutsideVpc {
                    at: Location::new(&c, "subnet_cidrs"),
                    subnet: b.to_string(),
                    vpc: vpc_cidr.to_string(),
                }
                .into());
            }
            if let Some(other) = blocks.iter().find(|o| o.overlaps(&b)) {
                return Err(NetError::SubnetOverlap {
                    at: Location::new(&c, "subnet_cidrs"),
                    first: other.to_string(),
                    second: b.to_string(),
                }
                .into());
            }
            blocks.push(b);
        }
        Ok(blocks)
    }

    /// Adds the VPC, its subnets, route tables and associations to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<VpcRef> {
        let Plan {
            vpc_cidr,
            vpc_cidr_expr,
            subnets: plan,
            region,
        } = self.plan(stack)?;
        let c = self.construct();
        if let Some(region) = &region {
            // Named zones pin the template: say so in a rule, so launching it elsewhere fails
            // before anything is created instead of half way.
            let partition = Partition::of_region(region);
            stack.add_rule(
                &format!("{}ZonesRegion", camel(&self.name)),
                json!({
                    "Assertions": [{
                        "Assert": {"Fn::Equals": [{"Ref": "AWS::Region"}, region]},
                        "AssertDescription": format!("The subnets of {c} are in zones of {region} ({}); launch this template in {region}.", partition.name()),
                    }]
                }),
            )?;
        }
        let base = camel(&self.name);
        let vpc = stack.add_resource_tagged(
            format!("{base}Vpc"),
            &c,
            Resource::new("AWS::EC2::VPC")
                .property("CidrBlock", vpc_cidr_expr.to_value())
                .property("EnableDnsHostnames", true)
                .property("EnableDnsSupport", true),
            &format!("{} vpc", self.name),
        )?;
        let mut subnets = Vec::with_capacity(plan.len());
        let pinned = region.is_some();
        for (i, (block, block_expr, zone)) in plan.into_iter().enumerate() {
            let n = i + 1;
            let condition = self.zone_conditions.get(i).cloned().flatten();
            // A named zone becomes a parameter of the zone type, defaulting to that zone:
            // CloudFormation then checks at launch that the zone exists in the region, and
            // the template holds no hard-coded zone.
            let zone_name = zone.as_literal_str().map(str::to_string);
            let zone = match zone.as_literal_str() {
                Some(name) if pinned => stack.add_parameter_of(
                    format!("{base}Zone{n}"),
                    &c,
                    Parameter::aws(AwsParameterType::AvailabilityZoneName)
                        .description(format!("Availability Zone of private subnet {n} of {c}"))
                        .default_value(name),
                )?,
                _ => zone,
            };
            let conditional = |r: Resource| match &condition {
                Some(cond) => r.condition(cond),
                None => r,
            };
            let subnet = stack.add_resource_tagged(
                format!("{base}PrivateSubnet{n}"),
                &c,
                conditional(
                    Resource::new("AWS::EC2::Subnet")
                        .property("VpcId", vpc.ref_().to_value())
                        .property("AvailabilityZone", zone.to_value())
                        .property("CidrBlock", block_expr.to_value())
                        .property("MapPublicIpOnLaunch", false),
                ),
                &format!("{} private subnet {n}", self.name),
            )?;
            let route_table = stack.add_resource_tagged(
                format!("{base}PrivateSubnet{n}RouteTable"),
                &c,
                conditional(
                    Resource::new("AWS::EC2::RouteTable").property("VpcId", vpc.ref_().to_value()),
                ),
                &format!("{} private subnet {n} routes", self.name),
            )?;
            stack.add_resource_of(
                format!("{base}PrivateSubnet{n}RouteTableAssociation"),
                &c,
                conditional(
                    Resource::new("AWS::EC2::SubnetRouteTableAssociation")
                        .property("RouteTableId", route_table.ref_().to_value())
                        .property("SubnetId", subnet.ref_().to_value()),
                ),
            )?;
            subnets.push(SubnetRef {
                subnet,
                route_table,
                cidr: block,
                cidr_expr: block_expr,
                zone,
                zone_name,
                condition,
            });
        }
        let subnet_ids = Expr::List(subnets.iter().map(|s| s.list_item(&s.subnet)).collect());
        let route_table_ids = Expr::List(
            subnets
                .iter()
                .map(|s| s.list_item(&s.route_table))
                .collect(),
        );
        Ok(VpcRef(Arc::new(VpcHandle {
            name: self.name,
            id: vpc.ref_(),
            vpc: Some(vpc),
            cidr: vpc_cidr,
            cidr_expr: Some(vpc_cidr_expr),
            subnets,
            subnet_ids,
            route_table_ids,
        })))
    }
}

/// UpperCamelCase of a construct name, for logical IDs.
pub(crate) fn camel(name: &str) -> String {
    crate::template::upper_camel_case(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}

/// The region of a zone name (`eu-west-1` of `eu-west-1a`), if it is one.
fn zone_region(zone: &str) -> Option<&str> {
    let (region, letter) = zone.split_at(zone.len().checked_sub(1)?);
    let letter_ok = letter.chars().all(|c| c.is_ascii_lowercase());
    let parts: Vec<&str> = region.split('-').collect();
    let region_ok = parts.len() >= 3
        && parts.iter().all(|p| {
            !p.is_empty()
                && p.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        })
        && parts
            .last()
            .is_some_and(|p| p.chars().all(|c| c.is_ascii_digit()));
    (letter_ok && region_ok).then_some(region)
}
