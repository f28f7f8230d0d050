use serde_json::json;

use super::cidr::Ipv4Cidr;
use crate::error::{Error, Location, Result};
use crate::template::{Expr, Parameter, Partition, Resource, ResourceRef, Stack};

/// The default VPC block.
pub const DEFAULT_VPC_CIDR: &str = "10.0.0.0/16";
/// How many zones a VPC spans unless told otherwise.
pub const DEFAULT_ZONES: usize = 3;
/// The most zones a VPC built here may span.
pub const MAX_ZONES: usize = 6;

/// The checked layout of a VPC: its block, each subnet's block and zone, and the region the
/// zones pin it to (if named).
struct Plan {
    vpc_cidr: Ipv4Cidr,
    subnets: Vec<(Ipv4Cidr, Expr)>,
    region: Option<String>,
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
/// assert_eq!(vpc.subnets()[0].cidr().to_string(), "10.0.0.0/18");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Vpc {
    name: String,
    cidr: String,
    zones: Zones,
    subnet_prefix: Option<u8>,
    subnet_cidrs: Vec<String>,
}

/// A private subnet of a [`VpcRef`], with its route table.
#[derive(Debug, Clone, PartialEq)]
pub struct SubnetRef {
    subnet: ResourceRef,
    route_table: ResourceRef,
    cidr: Ipv4Cidr,
    zone: Expr,
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

    /// Its block.
    pub fn cidr(&self) -> Ipv4Cidr {
        self.cidr
    }

    /// Its zone, as written in the template.
    pub fn zone(&self) -> &Expr {
        &self.zone
    }
}

/// A VPC added to a stack.
#[derive(Debug, Clone, PartialEq)]
pub struct VpcRef {
    name: String,
    vpc: ResourceRef,
    cidr: Ipv4Cidr,
    subnets: Vec<SubnetRef>,
}

impl VpcRef {
    /// The name given to [`Vpc::new`].
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The VPC resource.
    pub fn resource(&self) -> &ResourceRef {
        &self.vpc
    }

    /// `Ref` to the VPC (its ID).
    pub fn id(&self) -> Expr {
        self.vpc.ref_()
    }

    /// The VPC block.
    pub fn cidr(&self) -> Ipv4Cidr {
        self.cidr
    }

    /// The private subnets, one per zone.
    pub fn subnets(&self) -> &[SubnetRef] {
        &self.subnets
    }

    /// `Ref`s to every subnet.
    pub fn subnet_ids(&self) -> Expr {
        Expr::List(self.subnets.iter().map(|s| s.subnet.ref_()).collect())
    }

    /// `Ref`s to every route table.
    pub fn route_table_ids(&self) -> Expr {
        Expr::List(self.subnets.iter().map(|s| s.route_table.ref_()).collect())
    }
}

impl Vpc {
    /// A VPC named `name` (the name makes its logical IDs: `Network` gives `NetworkVpc`,
    /// `NetworkPrivateSubnet1`, ...), with the default block and three zones.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            cidr: DEFAULT_VPC_CIDR.to_string(),
            zones: Zones::Count(DEFAULT_ZONES),
            subnet_prefix: None,
            subnet_cidrs: Vec::new(),
        }
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

    fn zone_count(&self) -> usize {
        match &self.zones {
            Zones::Count(n) => *n,
            Zones::Named(z) => z.len(),
        }
    }

    /// Checks the description and plans the subnets: their blocks and zones.
    fn plan(&self, stack: &Stack) -> Result<Plan> {
        let c = self.construct();
        let vpc_cidr = Ipv4Cidr::parse_at(&self.cidr, Location::new(&c, "cidr"))?;
        if !(16..=28).contains(&vpc_cidr.prefix_len()) {
            return Err(Error::invalid(
                &c,
                "cidr",
                format!(
                    "a VPC block must be /16 to /28, and {vpc_cidr} is /{}",
                    vpc_cidr.prefix_len()
                ),
            ));
        }
        let count = self.zone_count();
        if !(1..=MAX_ZONES).contains(&count) {
            return Err(Error::invalid(
                &c,
                "zones",
                format!("a VPC here spans 1 to {MAX_ZONES} zones, not {count}"),
            ));
        }
        let (zones, region) = self.zone_exprs(stack, count)?;
        let blocks = if self.subnet_cidrs.is_empty() {
            self.carve(vpc_cidr, count)?
        } else {
            self.check_given_blocks(vpc_cidr, count)?
        };
        Ok(Plan {
            vpc_cidr,
            subnets: blocks.into_iter().zip(zones).collect(),
            region,
        })
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
        let c = self.construct();
        // The smallest power of two that holds `count` equal blocks.
        let bits = usize::BITS - (count - 1).leading_zeros();
        let needed = vpc_cidr.prefix_len() + bits as u8;
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
                    "{vpc_cidr} cannot hold {count} subnets: each would be /{prefix}, and AWS subnets are /16 to /28; use a larger VPC block or fewer zones"
                ),
            ));
        }
        if prefix < needed.max(16) {
            return Err(Error::invalid(
                &c,
                "subnet_prefix",
                format!(
                    "{count} subnets of /{prefix} do not fit in {vpc_cidr}: use /{} or longer",
                    needed.max(16)
                ),
            ));
        }
        vpc_cidr.carve(prefix, count).ok_or_else(|| {
            Error::invalid(
                &c,
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
                return Err(Error::SubnetOutsideVpc {
                    at: Location::new(&c, "subnet_cidrs"),
                    subnet: b.to_string(),
                    vpc: vpc_cidr.to_string(),
                });
            }
            if let Some(other) = blocks.iter().find(|o| o.overlaps(&b)) {
                return Err(Error::SubnetOverlap {
                    at: Location::new(&c, "subnet_cidrs"),
                    first: other.to_string(),
                    second: b.to_string(),
                });
            }
            blocks.push(b);
        }
        Ok(blocks)
    }

    /// Adds the VPC, its subnets, route tables and associations to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<VpcRef> {
        let Plan {
            vpc_cidr,
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
                .property("CidrBlock", vpc_cidr.to_string())
                .property("EnableDnsHostnames", true)
                .property("EnableDnsSupport", true),
            &format!("{} vpc", self.name),
        )?;
        let mut subnets = Vec::with_capacity(plan.len());
        let pinned = region.is_some();
        for (i, (block, zone)) in plan.into_iter().enumerate() {
            let n = i + 1;
            // A named zone becomes a parameter of the zone type, defaulting to that zone:
            // CloudFormation then checks at launch that the zone exists in the region, and
            // the template holds no hard-coded zone.
            let zone = match zone.as_literal_str() {
                Some(name) if pinned => stack.add_parameter(
                    format!("{base}Zone{n}"),
                    &c,
                    Parameter::new("AWS::EC2::AvailabilityZone::Name")
                        .description(format!("Availability Zone of private subnet {n} of {c}"))
                        .default_value(name),
                )?,
                _ => zone,
            };
            let subnet = stack.add_resource_tagged(
                format!("{base}PrivateSubnet{n}"),
                &c,
                Resource::new("AWS::EC2::Subnet")
                    .property("VpcId", vpc.ref_().to_value())
                    .property("AvailabilityZone", zone.to_value())
                    .property("CidrBlock", block.to_string())
                    .property("MapPublicIpOnLaunch", false),
                &format!("{} private subnet {n}", self.name),
            )?;
            let route_table = stack.add_resource_tagged(
                format!("{base}PrivateSubnet{n}RouteTable"),
                &c,
                Resource::new("AWS::EC2::RouteTable").property("VpcId", vpc.ref_().to_value()),
                &format!("{} private subnet {n} routes", self.name),
            )?;
            stack.add_resource(
                format!("{base}PrivateSubnet{n}RouteTableAssociation"),
                &c,
                Resource::new("AWS::EC2::SubnetRouteTableAssociation")
                    .property("RouteTableId", route_table.ref_().to_value())
                    .property("SubnetId", subnet.ref_().to_value()),
            )?;
            subnets.push(SubnetRef {
                subnet,
                route_table,
                cidr: block,
                zone,
            });
        }
        Ok(VpcRef {
            name: self.name,
            vpc,
            cidr: vpc_cidr,
            subnets,
        })
    }
}

/// UpperCamelCase of a construct name, for logical IDs.
pub(crate) fn camel(name: &str) -> String {
    use heck::ToUpperCamelCase;
    name.to_upper_camel_case()
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
