//! Who can reach whom: security groups, their rules, and the routes that leave the VPC.
//!
//! Traffic from A to B is allowed when an egress rule of A's group admits B **and** an ingress
//! rule of B's group admits A (security groups are stateful, so replies need nothing more).
//! A group without any egress rule gets CloudFormation's default, allow-all egress; the
//! no-traffic rule airgap writes (ICMP type 252 code 86 to 255.255.255.255/32, CDK's idiom)
//! means "no egress". Where a rule names a block that overlaps a VPC, every member of every
//! group in that VPC counts as inside it: a review should rather overstate reach than hide it.
//! Addresses outside every VPC are reachable only where a route table sends them somewhere.

use std::fmt;

use indexmap::IndexMap;
use std::collections::{BTreeSet, HashMap, HashSet};

use ipnet::IpNet;
use serde_json::Value;

use super::cidr::{self, overlaps};
use super::model::{Network, display, ref_target, resolve_str};
use crate::template::Template;

/// One side of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// Members of a security group (its logical ID).
    Group(String),
    /// A VPC endpoint (its logical ID): reached through its security groups.
    Endpoint(String),
    /// An address block, e.g. `10.0.0.0/16` or `0.0.0.0/0`.
    Cidr(String),
    /// A managed prefix list (as written, e.g. `!Ref S3PrefixListId`).
    PrefixList(String),
}

impl fmt::Display for Party {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Party::Group(g) => write!(f, "{g}"),
            Party::Endpoint(e) => write!(f, "{e}"),
            Party::Cidr(c) => write!(f, "{c}"),
            Party::PrefixList(p) => write!(f, "prefix list {p}"),
        }
    }
}

/// A kind of traffic: a protocol and one port (or ICMP type).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traffic {
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP).
    pub protocol: u8,
    /// Port (TCP/UDP) or ICMP type.
    pub port: u16,
}

impl Traffic {
    /// TCP to `port`.
    pub fn tcp(port: u16) -> Self {
        Traffic { protocol: 6, port }
    }

    /// UDP to `port`.
    pub fn udp(port: u16) -> Self {
        Traffic { protocol: 17, port }
    }
}

/// A protocol and port range that is allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Allowed {
    /// IP protocol number; `None` is every protocol.
    pub protocol: Option<u8>,
    /// First port (or ICMP type); -1 for all.
    pub from_port: i64,
    /// Last port (or ICMP code); -1 for all.
    pub to_port: i64,
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.protocol {
            None => return write!(f, "all traffic"),
            Some(6) => "tcp".to_string(),
            Some(17) => "udp".to_string(),
            Some(1) => return write!(f, "icmp"),
            Some(58) => return write!(f, "icmpv6"),
            Some(n) => format!("protocol {n}"),
        };
        if self.from_port < 0 || (self.from_port == 0 && self.to_port == 65535) {
            write!(f, "{name} all ports")
        } else if self.from_port == self.to_port {
            write!(f, "{name} {}", self.from_port)
        } else {
            write!(f, "{name} {}-{}", self.from_port, self.to_port)
        }
    }
}

#[derive(Debug, Clone, PartialEq)]
enum Peer {
    Cidr(IpNet),
    Group(String),
    PrefixList(String),
    Unknown(String),
}

#[derive(Debug, Clone)]
struct Rule {
    allowed: Allowed,
    peer: Peer,
}

#[derive(Debug, Clone, Default)]
struct Group {
    vpc_cidr: Option<IpNet>,
    ingress: Vec<Rule>,
    /// `None`: no egress rule at all, so CloudFormation's allow-all default.
    egress: Option<Vec<Rule>>,
}

/// An entry of the reachability matrix: what `from` may send to `to`.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ReachEntry {
    /// The sender.
    pub from: Party,
    /// The receiver.
    pub to: Party,
    /// Protocols and ports allowed both out of `from` and into `to`.
    pub allowed: Vec<Allowed>,
}

/// Who can reach whom in a template.
///
/// ```
/// use airgap::analysis::{Party, Reachability};
/// use airgap::template::Template;
/// let t = Template::from_yaml(r#"
/// Resources:
///   Vpc: {Type: AWS::EC2::VPC, Properties: {CidrBlock: 10.0.0.0/16}}
///   App: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: app, VpcId: !Ref Vpc,
///         SecurityGroupEgress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, DestinationSecurityGroupId: !GetAtt Db.GroupId}]}}
///   Db:  {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: db, VpcId: !Ref Vpc,
///         SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !GetAtt App.GroupId}]}}
/// "#)?;
/// let reach = Reachability::of(&t);
/// let (app, db) = (Party::Group("App".into()), Party::Group("Db".into()));
/// assert!(reach.can_reach(&app, &db, 443));
/// assert!(!reach.can_reach(&app, &db, 22));
/// assert!(!reach.can_reach(&db, &app, 443));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Reachability {
    groups: IndexMap<String, Group>,
    endpoints: IndexMap<String, Vec<String>>,
    vpc_cidrs: Vec<IpNet>,
    routed: Vec<IpNet>,
    prefix_routes: bool,
}

const NO_TRAFFIC: &str = "255.255.255.255/32";

fn protocol(v: Option<&Value>) -> Option<Option<u8>> {
    let s = match v? {
        Value::String(s) => s.to_ascii_lowercase(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(match s.as_str() {
        "-1" | "all" => None,
        "tcp" => Some(6),
        "udp" => Some(17),
        "icmp" => Some(1),
        "icmpv6" => Some(58),
        n => Some(n.parse().ok()?),
    })
}

fn port(v: Option<&Value>) -> i64 {
    match v {
        Some(Value::Number(n)) => n.as_i64().unwrap_or(-1),
        Some(Value::String(s)) => s.parse().unwrap_or(-1),
        _ => -1,
    }
}

fn read_rule(t: &Template, r: &serde_json::Map<String, Value>, egress: bool) -> Option<Rule> {
    let proto = protocol(r.get("IpProtocol"))?;
    let (from_port, to_port) = match proto {
        None => (-1, -1),
        Some(6) | Some(17) => {
            let (f, to) = (port(r.get("FromPort")), port(r.get("ToPort")));
            if f < 0 || to < 0 { (0, 65535) } else { (f, to) }
        }
        Some(_) => (port(r.get("FromPort")), port(r.get("ToPort"))),
    };
    let keys: [&str; 4] = if egress {
        [
            "CidrIp",
            "CidrIpv6",
            "DestinationSecurityGroupId",
            "DestinationPrefixListId",
        ]
    } else {
        [
            "CidrIp",
            "CidrIpv6",
            "SourceSecurityGroupId",
            "SourcePrefixListId",
        ]
    };
    let peer = if let Some(c) = r.get(keys[0]).or_else(|| r.get(keys[1])) {
        match resolve_str(t, c).and_then(|s| cidr::network(&s)) {
            Some(net) => Peer::Cidr(net),
            None => Peer::Unknown(display(c)),
        }
    } else if let Some(g) = r.get(keys[2]).or_else(|| {
        if egress {
            None
        } else {
            r.get("SourceSecurityGroupName")
        }
    }) {
        match ref_target(g) {
            Some(id) if t.resources.contains_key(id) => Peer::Group(id.to_string()),
            _ => Peer::Unknown(display(g)),
        }
    } else if let Some(p) = r.get(keys[3]) {
        Peer::PrefixList(display(p))
    } else {
        return None;
    };
    Some(Rule {
        allowed: Allowed {
            protocol: proto,
            from_port,
            to_port,
        },
        peer,
    })
}

/// Whether a rule is airgap's (and CDK's) "no traffic" placeholder.
pub(crate) fn is_no_traffic_rule(r: &serde_json::Map<String, Value>) -> bool {
    r.get("CidrIp").and_then(Value::as_str) == Some(NO_TRAFFIC)
        && protocol(r.get("IpProtocol")) == Some(Some(1))
        && port(r.get("FromPort")) == 252
        && port(r.get("ToPort")) == 86
}

fn intersect(a: &Allowed, b: &Allowed) -> Option<Allowed> {
    let protocol = match (a.protocol, b.protocol) {
        (None, p) | (p, None) => p,
        (Some(x), Some(y)) if x == y => Some(x),
        _ => return None,
    };
    let all = |x: &Allowed| x.protocol.is_none() || x.from_port < 0;
    let (from_port, to_port) = match (all(a), all(b)) {
        (true, true) => (-1, -1),
        (true, false) => (b.from_port, b.to_port),
        (false, true) => (a.from_port, a.to_port),
        (false, false) => {
            let (f, t) = (a.from_port.max(b.from_port), a.to_port.min(b.to_port));
            if f > t {
                return None;
            }
            (f, t)
        }
    };
    let (from_port, to_port) = match protocol {
        Some(6) | Some(17) if from_port < 0 => (0, 65535),
        _ => (from_port, to_port),
    };
    Some(Allowed {
        protocol,
        from_port,
        to_port,
    })
}

impl Reachability {
    /// Reads the security groups, endpoints and routes of `t`.
    pub fn of(t: &Template) -> Reachability {
        let network = Network::of(t);
        let vpc_cidr: IndexMap<String, IpNet> = t
            .resources_of_type("AWS::EC2::VPC")
            .filter_map(|(id, r)| {
                let c = resolve_str(t, r.properties.get("CidrBlock")?)?;
                Some((id.to_string(), cidr::network(&c)?))
            })
            .collect();
        let mut groups: IndexMap<String, Group> = IndexMap::new();
        for (id, r) in t.resources_of_type("AWS::EC2::SecurityGroup") {
            let p = &r.properties;
            let mut g = Group {
                vpc_cidr: p
                    .get("VpcId")
                    .and_then(ref_target)
                    .and_then(|v| vpc_cidr.get(v).copied()),
                ..Group::default()
            };
            for rule in p
                .get("SecurityGroupIngress")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
            {
                if let Some(rule) = rule.as_object().and_then(|m| read_rule(t, m, false)) {
                    g.ingress.push(rule);
                }
            }
            if let Some(rules) = p.get("SecurityGroupEgress").and_then(Value::as_array) {
                let list = g.egress.get_or_insert_with(Vec::new);
                for rule in rules.iter().filter_map(Value::as_object) {
                    if !is_no_traffic_rule(rule)
                        && let Some(rule) = read_rule(t, rule, true)
                    {
                        list.push(rule);
                    }
                }
            }
            groups.insert(id.to_string(), g);
        }
        for (kind, egress) in [
            ("AWS::EC2::SecurityGroupIngress", false),
            ("AWS::EC2::SecurityGroupEgress", true),
        ] {
            for (_, r) in t.resources_of_type(kind) {
                let p = &r.properties;
                let owner = p
                    .get("GroupId")
                    .or_else(|| p.get("GroupName"))
                    .and_then(ref_target);
                let Some(g) = owner.and_then(|o| groups.get_mut(o)) else {
                    continue;
                };
                let m: serde_json::Map<String, Value> =
                    p.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                if egress {
                    let list = g.egress.get_or_insert_with(Vec::new);
                    if !is_no_traffic_rule(&m)
                        && let Some(rule) = read_rule(t, &m, true)
                    {
                        list.push(rule);
                    }
                } else if let Some(rule) = read_rule(t, &m, false) {
                    g.ingress.push(rule);
                }
            }
        }
        let endpoints = network
            .endpoints
            .iter()
            .filter(|e| e.is_interface())
            .map(|e| (e.id.clone(), e.security_groups.clone()))
            .collect();
        let routed = t
            .resources_of_type("AWS::EC2::Route")
            .filter_map(|(_, r)| {
                let d = r
                    .properties
                    .get("DestinationCidrBlock")
                    .or_else(|| r.properties.get("DestinationIpv6CidrBlock"))?;
                cidr::network(&resolve_str(t, d)?)
            })
            .collect();
        let prefix_routes = network
            .endpoints
            .iter()
            .any(|e| !e.is_interface() && !e.route_tables.is_empty());
        Reachability {
            groups,
            endpoints,
            vpc_cidrs: vpc_cidr.values().copied().collect(),
            routed,
            prefix_routes,
        }
    }

    fn groups_of<'a>(&'a self, p: &'a Party) -> Vec<&'a str> {
        match p {
            Party::Group(g) => vec![g.as_str()],
            Party::Endpoint(e) => self
                .endpoints
                .get(e)
                .map(|gs| gs.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// Whether a rule's peer covers party `p`.
    fn covers(&self, peer: &Peer, p: &Party) -> bool {
        match (peer, p) {
            (Peer::Group(g), Party::Group(_) | Party::Endpoint(_)) => {
                self.groups_of(p).contains(&g.as_str())
            }
            (Peer::Cidr(net), Party::Group(_) | Party::Endpoint(_)) => self
                .groups_of(p)
                .iter()
                .any(|g| match self.groups.get(*g).and_then(|g| g.vpc_cidr) {
                    Some(vpc) => overlaps(net, &vpc),
                    None => false,
                }),
            (Peer::Cidr(net), Party::Cidr(c)) => {
                cidr::network(c).is_some_and(|c| overlaps(net, &c))
            }
            (Peer::PrefixList(a), Party::PrefixList(b)) => a == b,
            _ => false,
        }
    }

    /// Whether an address block outside the VPCs has a route to or from it.
    fn routable(&self, p: &Party) -> bool {
        match p {
            Party::Cidr(c) => cidr::network(c).is_some_and(|c| {
                self.vpc_cidrs.iter().any(|v| v.contains(&c))
                    || self.routed.iter().any(|r| overlaps(r, &c))
            }),
            Party::PrefixList(_) => self.prefix_routes,
            _ => true,
        }
    }

    fn egress_of(&self, group: &str) -> Vec<Rule> {
        match self.groups.get(group).map(|g| g.egress.clone()) {
            Some(Some(rules)) => rules,
            Some(None) => ["0.0.0.0/0", "::/0"]
                .iter()
                .map(|c| Rule {
                    allowed: Allowed {
                        protocol: None,
                        from_port: -1,
                        to_port: -1,
                    },
                    peer: Peer::Cidr(c.parse().expect("a valid block")),
                })
                .collect(),
            None => Vec::new(),
        }
    }

    /// The protocols and ports `from` may send to `to`: allowed out of `from` and into `to`.
    pub fn allowed(&self, from: &Party, to: &Party) -> Vec<Allowed> {
        if !self.routable(from) || !self.routable(to) {
            return Vec::new();
        }
        let all = Allowed {
            protocol: None,
            from_port: -1,
            to_port: -1,
        };
        let out: Vec<Allowed> = match from {
            Party::Group(_) | Party::Endpoint(_) => self
                .groups_of(from)
                .iter()
                .flat_map(|g| self.egress_of(g))
                .filter(|r| self.covers(&r.peer, to))
                .map(|r| r.allowed)
                .collect(),
            _ => vec![all.clone()],
        };
        let into: Vec<Allowed> = match to {
            Party::Group(_) | Party::Endpoint(_) => self
                .groups_of(to)
                .iter()
                .filter_map(|g| self.groups.get(*g))
                .flat_map(|g| g.ingress.iter())
                .filter(|r| self.covers(&r.peer, from))
                .map(|r| r.allowed.clone())
                .collect(),
            _ => vec![all],
        };
        let mut result: Vec<Allowed> = Vec::new();
        for o in &out {
            for i in &into {
                if let Some(x) = intersect(o, i)
                    && !result.contains(&x)
                {
                    result.push(x);
                }
            }
        }
        result.sort();
        result
    }

    /// Whether `from` may open a TCP connection to `to` on `port`.
    pub fn can_reach(&self, from: &Party, to: &Party, port: u16) -> bool {
        self.allows(from, to, Traffic::tcp(port))
    }

    /// Whether `from` may send `traffic` to `to`.
    pub fn allows(&self, from: &Party, to: &Party, traffic: Traffic) -> bool {
        self.allowed(from, to).iter().any(|a| {
            a.protocol.is_none_or(|p| p == traffic.protocol)
                && (a.from_port < 0
                    || (a.from_port <= i64::from(traffic.port)
                        && i64::from(traffic.port) <= a.to_port))
        })
    }

    /// The security groups, by logical ID.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.keys().map(String::as_str)
    }

    /// Whether a group has no egress rule at all (so CloudFormation's allow-all default).
    pub fn has_default_egress(&self, group: &str) -> bool {
        self.groups.get(group).is_some_and(|g| g.egress.is_none())
    }

    /// The receivers (indices into `receivers`, in order) that `from` might reach: those its
    /// egress rules name. A group's egress to other groups then costs what its rules cost, not
    /// one try per receiver, which made the matrix of thousands of groups quadratic; rules to
    /// address blocks, and senders that are not groups, still try every receiver.
    fn candidates(
        &self,
        from: &Party,
        receivers: &[Party],
        index: &HashMap<&Party, usize>,
        by_group: &HashMap<&str, Vec<usize>>,
    ) -> Vec<usize> {
        let Party::Group(g) = from else {
            return (0..receivers.len()).collect();
        };
        let mut picked = BTreeSet::new();
        for rule in self.egress_of(g) {
            match &rule.peer {
                Peer::Group(peer) => {
                    picked.extend(by_group.get(peer.as_str()).into_iter().flatten().copied());
                }
                Peer::PrefixList(p) => {
                    picked.extend(index.get(&Party::PrefixList(p.clone())).copied());
                }
                Peer::Cidr(_) => return (0..receivers.len()).collect(),
                Peer::Unknown(_) => {}
            }
        }
        picked.into_iter().collect()
    }

    /// Every pair that can talk, with what it may send: senders are the groups and the blocks
    /// and prefix lists named in ingress rules; receivers are the groups, the interface
    /// endpoints, and the blocks and prefix lists named in egress rules (`0.0.0.0/0` where a
    /// group keeps the default egress). Pairs that may send nothing are left out.
    pub fn matrix(&self) -> Vec<ReachEntry> {
        let mut senders: Vec<Party> = self
            .groups
            .keys()
            .map(|g| Party::Group(g.clone()))
            .collect();
        let mut receivers = senders.clone();
        receivers.extend(self.endpoints.keys().map(|e| Party::Endpoint(e.clone())));
        let external = |peer: &Peer| match peer {
            Peer::Cidr(c) => Some(Party::Cidr(c.to_string())),
            Peer::PrefixList(p) => Some(Party::PrefixList(p.clone())),
            _ => None,
        };
        let mut seen_senders: HashSet<Party> = senders.iter().cloned().collect();
        let mut seen_receivers: HashSet<Party> = receivers.iter().cloned().collect();
        for g in self.groups.keys() {
            let group = &self.groups[g];
            for r in &group.ingress {
                if let Some(p) = external(&r.peer)
                    && seen_senders.insert(p.clone())
                {
                    senders.push(p);
                }
            }
            for r in self.egress_of(g) {
                if let Some(p) = external(&r.peer)
                    && seen_receivers.insert(p.clone())
                {
                    receivers.push(p);
                }
            }
        }
        // Which receivers a rule naming a group can lead to: the group and the endpoints in it.
        let mut by_group: HashMap<&str, Vec<usize>> = HashMap::new();
        let index: HashMap<&Party, usize> =
            receivers.iter().enumerate().map(|(i, p)| (p, i)).collect();
        for (i, to) in receivers.iter().enumerate() {
            for g in self.groups_of(to) {
                by_group.entry(g).or_default().push(i);
            }
        }
        let mut out = Vec::new();
        for from in &senders {
            for i in self.candidates(from, &receivers, &index, &by_group) {
                let to = &receivers[i];
                if from == to && !matches!(from, Party::Group(_)) {
                    continue;
                }
                let allowed = self.allowed(from, to);
                if !allowed.is_empty() {
                    out.push(ReachEntry {
                        from: from.clone(),
                        to: to.clone(),
                        allowed,
                    });
                }
            }
        }
        out
    }
}
