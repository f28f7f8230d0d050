use std::fmt;
use std::sync::Arc;

use serde_json::{Map, Value};

use super::cidr::Ipv4Cidr;
use super::vpc::{VpcRef, camel};
use crate::error::{Error, Location, Result};
use crate::template::{Expr, Resource, ResourceRef, Stack};

/// An IP protocol of a security group rule.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Protocol {
    /// TCP
    Tcp,
    /// UDP
    Udp,
    /// ICMP (ports are type and code)
    Icmp,
    /// Every protocol and port (`-1`)
    All,
}

impl Protocol {
    /// The protocol as CloudFormation writes it.
    pub fn as_str(self) -> &'static str {
        match self {
            Protocol::Tcp => "tcp",
            Protocol::Udp => "udp",
            Protocol::Icmp => "icmp",
            Protocol::All => "-1",
        }
    }
}

/// A protocol and port range. An inverted range is refused when the rule is added to a stack.
///
/// ```
/// use airgap::net::Port;
/// assert_eq!(Port::HTTPS, Port::tcp(443));
/// assert_eq!(Port::tcp(443).to_string(), "TCP 443");
/// assert_eq!(Port::tcp_range(1024, 2048).to_string(), "TCP 1024-2048");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub struct Port {
    protocol: Protocol,
    from: i64,
    to: i64,
}

impl Port {
    /// TCP 443: what every AWS service endpoint listens on.
    pub const HTTPS: Port = Port::tcp(443);
    /// TCP 80.
    pub const HTTP: Port = Port::tcp(80);

    /// One TCP port.
    pub const fn tcp(port: u16) -> Self {
        Self::tcp_range(port, port)
    }

    /// A TCP port range, `from` to `to` inclusive.
    pub const fn tcp_range(from: u16, to: u16) -> Self {
        Self {
            protocol: Protocol::Tcp,
            from: from as i64,
            to: to as i64,
        }
    }

    /// Every TCP port (0 to 65535).
    pub const fn all_tcp() -> Self {
        Self::tcp_range(0, u16::MAX)
    }

    /// One UDP port.
    pub const fn udp(port: u16) -> Self {
        Self::udp_range(port, port)
    }

    /// A UDP port range, `from` to `to` inclusive.
    pub const fn udp_range(from: u16, to: u16) -> Self {
        Self {
            protocol: Protocol::Udp,
            from: from as i64,
            to: to as i64,
        }
    }

    /// Every protocol and port. Rules with it are wide: prefer named ports.
    pub const fn all_traffic() -> Self {
        Self {
            protocol: Protocol::All,
            from: -1,
            to: -1,
        }
    }

    /// The protocol.
    pub fn protocol(&self) -> Protocol {
        self.protocol
    }

    /// The first port (`-1` for all traffic).
    pub fn from_port(&self) -> i64 {
        self.from
    }

    /// The last port (`-1` for all traffic).
    pub fn to_port(&self) -> i64 {
        self.to
    }

    pub(super) fn check(&self, at: &str, field: &str) -> Result<()> {
        // Ports are `u16` when written, so only the order can be wrong.
        if self.from > self.to {
            return Err(Error::invalid(
                at,
                field,
                format!(
                    "the port range {}-{} is inverted; write the lower port first",
                    self.from, self.to
                ),
            ));
        }
        Ok(())
    }

    fn id_part(&self) -> String {
        match self.protocol {
            Protocol::All => "AllTraffic".into(),
            p if self.from == self.to => format!("{}{}", camel(p.as_str()), self.from),
            p => format!("{}{}To{}", camel(p.as_str()), self.from, self.to),
        }
    }

    fn write(&self, m: &mut Map<String, Value>) {
        m.insert("IpProtocol".into(), self.protocol.as_str().into());
        if self.protocol != Protocol::All {
            m.insert("FromPort".into(), self.from.into());
            m.insert("ToPort".into(), self.to.into());
        }
    }
}

impl fmt::Display for Port {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let proto = match self.protocol {
            Protocol::All => return f.write_str("all traffic"),
            Protocol::Tcp => "TCP",
            Protocol::Udp => "UDP",
            Protocol::Icmp => "ICMP",
        };
        if self.from == self.to {
            write!(f, "{proto} {}", self.from)
        } else {
            write!(f, "{proto} {}-{}", self.from, self.to)
        }
    }
}

/// The other side of a security group rule.
///
/// ```
/// use airgap::net::{Peer, Port, SecurityGroup, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").cidr("10.1.0.0/16").add_to(&mut stack)?;
/// let proxy = SecurityGroup::new("Proxy", &vpc)
///     .ingress(Peer::vpc_cidr(&vpc), Port::tcp(3128))
///     .egress(Peer::prefix_list("pl-63a5400a"), Port::HTTPS)
///     .add_to(&mut stack)?;
/// let group = &stack.template().resources["ProxySecurityGroup"].properties;
/// assert_eq!(group["SecurityGroupIngress"][0]["CidrIp"], "10.1.0.0/16");
/// assert_eq!(group["SecurityGroupEgress"][0]["DestinationPrefixListId"], "pl-63a5400a");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Peer {
    /// An IPv4 block, checked when the rule is added.
    Ipv4(String),
    /// A managed prefix list, e.g. S3's (`pl-...`), by ID or template expression.
    PrefixList(Expr),
    /// The whole block of a VPC, known at synthesis or at deploy time.
    VpcCidr(VpcRef),
    /// Another security group of the stack.
    Group(SecurityGroupRef),
}

impl Peer {
    /// An IPv4 block. `0.0.0.0/0` is refused unless written as [`Peer::any_ipv4`].
    pub fn ipv4(block: impl Into<String>) -> Self {
        Peer::Ipv4(block.into())
    }

    /// The whole VPC's block.
    pub fn vpc_cidr(vpc: &VpcRef) -> Self {
        match vpc.cidr() {
            Some(block) => Peer::Ipv4(block.to_string()),
            None => Peer::VpcCidr(vpc.clone()),
        }
    }

    /// Every IPv4 address. Spelled out so that opening a rule to the world is never an accident.
    pub fn any_ipv4() -> Self {
        Peer::Ipv4("0.0.0.0/0".into())
    }

    /// A managed prefix list.
    pub fn prefix_list(id: impl Into<Expr>) -> Self {
        Peer::PrefixList(id.into())
    }

    /// Another security group.
    pub fn group(group: &SecurityGroupRef) -> Self {
        Peer::Group(group.clone())
    }

    fn describe(&self) -> String {
        match self {
            Peer::Ipv4(b) => b.clone(),
            Peer::PrefixList(e) => e
                .as_literal_str()
                .map_or_else(|| "the prefix list".to_string(), str::to_string),
            Peer::Group(g) => g.name().to_string(),
            Peer::VpcCidr(v) => format!("the {} VPC", v.name()),
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
struct Rule {
    peer: Peer,
    port: Port,
    description: Option<String>,
}

/// A security group: like resources grouped, with exactly the traffic they may send and receive.
///
/// Secure by default: a group without egress rules gets none, instead of CloudFormation's
/// allow-all default (a rule that matches no traffic stands in for "nothing", as AWS CDK does),
/// and `0.0.0.0/0` ingress is refused unless asked for with [`SecurityGroup::allow_open_ingress`].
/// Rules whose peer is another group become separate `SecurityGroupIngress` and
/// `SecurityGroupEgress` resources, so groups that name each other never form a dependency cycle.
///
/// ```
/// use airgap::net::{Peer, Port, SecurityGroup, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// let workloads = SecurityGroup::new("Workloads", &vpc).add_to(&mut stack)?;
/// let endpoints = SecurityGroup::new("Endpoints", &vpc)
///     .ingress(Peer::group(&workloads), Port::tcp(443))
///     .add_to(&mut stack)?;
/// assert!(stack.template().resources.contains_key("EndpointsFromWorkloadsTcp443"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SecurityGroup {
    name: String,
    vpc: VpcRef,
    description: Option<String>,
    ingress: Vec<Rule>,
    egress: Vec<Rule>,
    open_ingress: bool,
}

/// A security group in a stack: one added by [`SecurityGroup::add_to`], or one made by
/// another stack and brought in with [`SecurityGroupRef::imported`].
///
/// A handle is one shared pointer: cloning it into every rule and endpoint that names the
/// group copies nothing.
#[derive(Debug, Clone, PartialEq)]
pub struct SecurityGroupRef(Arc<GroupHandle>);

#[derive(Debug, PartialEq)]
struct GroupHandle {
    name: String,
    group: Option<ResourceRef>,
    id: Expr,
}

impl SecurityGroupRef {
    /// A group made by another stack, known here by its ID (a parameter of type
    /// `AWS::EC2::SecurityGroup::Id`, or `Fn::ImportValue`).
    ///
    /// ```
    /// use airgap::net::SecurityGroupRef;
    /// use airgap::template::Expr;
    /// let shared = SecurityGroupRef::imported("Shared", Expr::import_value(Expr::str("net-SharedSg")));
    /// assert!(shared.resource().is_none());
    /// ```
    pub fn imported(name: impl Into<String>, id: Expr) -> Self {
        Self(Arc::new(GroupHandle {
            name: name.into(),
            group: None,
            id,
        }))
    }

    /// The name given to [`SecurityGroup::new`].
    pub fn name(&self) -> &str {
        &self.0.name
    }

    /// The group resource, when it was made in a stack (not imported).
    pub fn resource(&self) -> Option<&ResourceRef> {
        self.0.group.as_ref()
    }

    /// The group's ID (`Fn::GetAtt [Group, GroupId]`, or the imported ID).
    pub fn id(&self) -> Expr {
        self.0.id.clone()
    }

    /// Checks that the group may be used in `stack`: made there, or imported.
    pub fn check_in(&self, stack: &Stack, at: Location) -> Result<()> {
        match &self.0.group {
            Some(r) => stack.check_owned(r, at),
            None => Ok(()),
        }
    }
}

impl SecurityGroup {
    /// A group named `name` in `vpc`, with no rules.
    pub fn new(name: impl Into<String>, vpc: &VpcRef) -> Self {
        Self {
            name: name.into(),
            vpc: vpc.clone(),
            description: None,
            ingress: Vec::new(),
            egress: Vec::new(),
            open_ingress: false,
        }
    }

    /// The group's description (shown in the console; defaults to one made from the name).
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Admits `port` from `peer`. The rule's description says so (`TCP 443 from 10.0.0.0/16`).
    pub fn ingress(mut self, peer: Peer, port: Port) -> Self {
        self.ingress.push(Rule {
            peer,
            port,
            description: None,
        });
        self
    }

    /// Admits `port` from `peer`, with a rule description of your own.
    pub fn ingress_described(
        mut self,
        peer: Peer,
        port: Port,
        description: impl Into<String>,
    ) -> Self {
        self.ingress.push(Rule {
            peer,
            port,
            description: Some(description.into()),
        });
        self
    }

    /// Lets the group send `port` to `peer`. The rule's description says so
    /// (`TCP 443 to pl-63a5400a`).
    pub fn egress(mut self, peer: Peer, port: Port) -> Self {
        self.egress.push(Rule {
            peer,
            port,
            description: None,
        });
        self
    }

    /// Lets the group send `port` to `peer`, with a rule description of your own.
    pub fn egress_described(
        mut self,
        peer: Peer,
        port: Port,
        description: impl Into<String>,
    ) -> Self {
        self.egress.push(Rule {
            peer,
            port,
            description: Some(description.into()),
        });
        self
    }

    /// Lets the group be built with ingress from `0.0.0.0/0`; without it such a rule is an
    /// error here. The template still fails `Stack::synth`'s privacy check `AG-SG-001` (an
    /// error-level rule) unless that check is suppressed on the group with a reason
    /// (`Stack::suppress`): opening a group to the internet takes both decisions.
    pub fn allow_open_ingress(mut self) -> Self {
        self.open_ingress = true;
        self
    }

    fn construct(&self) -> String {
        format!("SecurityGroup '{}'", self.name)
    }

    /// Adds the group and its rules to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<SecurityGroupRef> {
        let c = self.construct();
        self.vpc.check_in(stack, Location::new(&c, "vpc"))?;
        let mut inline_ingress = Vec::new();
        let mut inline_egress = Vec::new();
        let mut separate = Vec::new();
        for (direction, rules, inline) in [
            (Direction::Ingress, &self.ingress, &mut inline_ingress),
            (Direction::Egress, &self.egress, &mut inline_egress),
        ] {
            for rule in rules {
                rule.port.check(&c, direction.field())?;
                match &rule.peer {
                    Peer::Group(g) => {
                        g.check_in(stack, Location::new(&c, direction.field()))?;
                        separate.push((direction, rule));
                    }
                    peer => {
                        inline.push(Value::Object(self.inline_rule(direction, peer, rule, &c)?))
                    }
                }
            }
        }
        if inline_egress.is_empty() {
            inline_egress.push(no_traffic_rule());
        }
        let description = self
            .description
            .clone()
            .unwrap_or_else(|| format!("{} security group", self.name));
        let mut resource = Resource::new("AWS::EC2::SecurityGroup")
            .property("GroupDescription", description)
            .property("VpcId", self.vpc.id().to_value());
        if !inline_ingress.is_empty() {
            resource = resource.property("SecurityGroupIngress", Value::Array(inline_ingress));
        }
        resource = resource.property("SecurityGroupEgress", Value::Array(inline_egress));
        let group = stack.add_resource_tagged(
            format!("{}SecurityGroup", camel(&self.name)),
            &c,
            resource,
            &format!("{} security group", self.name),
        )?;
        let me = SecurityGroupRef(Arc::new(GroupHandle {
            name: self.name.clone(),
            id: group.get_att("GroupId"),
            group: Some(group),
        }));
        for (direction, rule) in separate {
            let Peer::Group(other) = &rule.peer else {
                unreachable!("only group peers are kept apart")
            };
            add_group_rule(
                stack,
                direction,
                &me,
                other,
                rule.port,
                rule.description.clone(),
            )?;
        }
        Ok(me)
    }

    fn inline_rule(
        &self,
        direction: Direction,
        peer: &Peer,
        rule: &Rule,
        c: &str,
    ) -> Result<Map<String, Value>> {
        let mut m = Map::new();
        rule.port.write(&mut m);
        match peer {
            Peer::Ipv4(block) => {
                let b = Ipv4Cidr::parse_at(block, Location::new(c, direction.field()))?;
                if b.is_any() && direction == Direction::Ingress && !self.open_ingress {
                    return Err(Error::invalid(
                        c,
                        "ingress",
                        "ingress from 0.0.0.0/0 opens the group to every address; narrow the peer, or call allow_open_ingress() if you mean it",
                    ));
                }
                m.insert("CidrIp".into(), b.to_string().into());
            }
            Peer::VpcCidr(vpc) => {
                let block = vpc.cidr_expr().ok_or_else(|| {
                    Error::invalid(
                        c,
                        direction.field(),
                        format!("the imported VPC {} was given without its block; give ImportedVpc::cidr", vpc.name()),
                    )
                })?;
                m.insert("CidrIp".into(), block.to_value());
            }
            Peer::PrefixList(e) => {
                let key = match direction {
                    Direction::Ingress => "SourcePrefixListId",
                    Direction::Egress => "DestinationPrefixListId",
                };
                m.insert(key.into(), e.to_value());
            }
            Peer::Group(_) => unreachable!("group peers are separate resources"),
        }
        let d = rule
            .description
            .clone()
            .unwrap_or_else(|| direction.describe(&rule.port, &peer.describe()));
        m.insert("Description".into(), d.into());
        Ok(m)
    }
}

/// The rule that stands for "no egress": ICMP type 252 code 86 to 255.255.255.255/32 matches
/// no traffic, and its presence removes CloudFormation's default allow-all egress rule.
fn no_traffic_rule() -> Value {
    serde_json::json!({
        "CidrIp": "255.255.255.255/32",
        "Description": "Disallow all traffic",
        "FromPort": 252,
        "IpProtocol": "icmp",
        "ToPort": 86
    })
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub(super) enum Direction {
    Ingress,
    Egress,
}

impl Direction {
    fn field(self) -> &'static str {
        match self {
            Direction::Ingress => "ingress",
            Direction::Egress => "egress",
        }
    }

    fn describe(self, port: &Port, peer: &str) -> String {
        match self {
            Direction::Ingress => format!("{port} from {peer}"),
            Direction::Egress => format!("{port} to {peer}"),
        }
    }
}

/// Writes one rule between two groups as its own resource: `group` admits `port` from `peer`
/// (ingress) or may send it to `peer` (egress). Its logical ID names both groups and the port,
/// e.g. `EndpointsFromWorkloadsTcp443`.
pub(super) fn add_group_rule(
    stack: &mut Stack,
    direction: Direction,
    group: &SecurityGroupRef,
    peer: &SecurityGroupRef,
    port: Port,
    description: Option<String>,
) -> Result<ResourceRef> {
    let c = format!("SecurityGroup '{}'", group.name());
    port.check(&c, direction.field())?;
    group.check_in(stack, Location::new(&c, "group"))?;
    peer.check_in(stack, Location::new(&c, direction.field()))?;
    let mut m = Map::new();
    m.insert("GroupId".into(), group.id().to_value());
    port.write(&mut m);
    let (resource_type, key, link) = match direction {
        Direction::Ingress => (
            "AWS::EC2::SecurityGroupIngress",
            "SourceSecurityGroupId",
            "From",
        ),
        Direction::Egress => (
            "AWS::EC2::SecurityGroupEgress",
            "DestinationSecurityGroupId",
            "To",
        ),
    };
    m.insert(key.into(), peer.id().to_value());
    let d = description.unwrap_or_else(|| direction.describe(&port, peer.name()));
    m.insert("Description".into(), d.into());
    let mut resource = Resource::new(resource_type);
    resource.properties = m.into_iter().collect();
    stack.add_resource_of(
        format!(
            "{}{link}{}{}",
            camel(group.name()),
            camel(peer.name()),
            port.id_part()
        ),
        &c,
        resource,
    )
}

/// A rule between two groups, kept apart from both groups' resources.
#[derive(Debug, Clone)]
struct GroupRule {
    group: SecurityGroupRef,
    peer: SecurityGroupRef,
    port: Port,
    description: Option<String>,
}

impl GroupRule {
    fn new(group: &SecurityGroupRef, peer: &SecurityGroupRef, port: Port) -> Self {
        Self {
            group: group.clone(),
            peer: peer.clone(),
            port,
            description: None,
        }
    }

    fn add_to(self, stack: &mut Stack, direction: Direction) -> Result<ResourceRef> {
        add_group_rule(
            stack,
            direction,
            &self.group,
            &self.peer,
            self.port,
            self.description,
        )
    }
}

/// An ingress rule as its own resource: `group` admits `port` from `source`.
///
/// Use it to add rules after both groups exist, e.g. when two groups refer to each other:
/// rules written inside the groups would make each group depend on the other, a cycle
/// CloudFormation refuses. A flow needs the egress rule on the other side too:
/// [`allow`](super::allow) writes both.
///
/// ```
/// use airgap::net::{Port, SecurityGroup, SecurityGroupEgress, SecurityGroupIngress, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// let workloads = SecurityGroup::new("Workloads", &vpc).add_to(&mut stack)?;
/// let endpoints = SecurityGroup::new("Endpoints", &vpc).add_to(&mut stack)?;
/// SecurityGroupIngress::new(&endpoints, &workloads, Port::tcp(443))
///     .description("HTTPS from the workloads")
///     .add_to(&mut stack)?;
/// SecurityGroupEgress::new(&workloads, &endpoints, Port::tcp(443)).add_to(&mut stack)?;
/// // `synth_unchecked`: this VPC has no flow logs, which `synth`'s checks refuse.
/// let t = stack.synth_unchecked()?.into_template();
/// let types: Vec<&str> = t.resources.values().map(|r| r.resource_type.as_str()).collect();
/// assert!(types.contains(&"AWS::EC2::SecurityGroupIngress"));
/// assert!(types.contains(&"AWS::EC2::SecurityGroupEgress"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct SecurityGroupIngress(GroupRule);

impl SecurityGroupIngress {
    /// `group` admits `port` from `source`.
    pub fn new(group: &SecurityGroupRef, source: &SecurityGroupRef, port: Port) -> Self {
        Self(GroupRule::new(group, source, port))
    }

    /// The rule's description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.0.description = Some(d.into());
        self
    }

    /// Adds the rule to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<ResourceRef> {
        self.0.add_to(stack, Direction::Ingress)
    }
}

/// An egress rule as its own resource: `group` may send `port` to `destination`. See
/// [`SecurityGroupIngress`] for an example with both, and [`allow`](super::allow), which
/// writes both rules of a flow in one call.
#[derive(Debug, Clone)]
#[must_use]
pub struct SecurityGroupEgress(GroupRule);

impl SecurityGroupEgress {
    /// `group` may send `port` to `destination`.
    pub fn new(group: &SecurityGroupRef, destination: &SecurityGroupRef, port: Port) -> Self {
        Self(GroupRule::new(group, destination, port))
    }

    /// The rule's description.
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.0.description = Some(d.into());
        self
    }

    /// Adds the rule to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<ResourceRef> {
        self.0.add_to(stack, Direction::Egress)
    }
}
