//! airgap's reachability never shows less than AWS allows.
//!
//! A second, deliberately simple model of AWS's documented security group semantics lives
//! here, written from the documentation and not from airgap's code:
//!
//! - traffic from A to B passes when an egress rule of A's groups admits it to B's address and
//!   an ingress rule of B's groups admits it from A's address ("An outbound rule permits
//!   instances to send traffic to the specified IPv4 or IPv6 address range, the IP addresses
//!   that are specified by a prefix list, or the instances that are associated with a
//!   destination security group"); both addresses are of the same family, and may be any
//!   address of the VPC's blocks (primary, secondary, IPv6);
//! - `-1` is every protocol; TCP and UDP match a port range; "a protocol number other than
//!   tcp, udp, icmp, or icmpv6 allows traffic on all ports, regardless of any port range";
//!   for ICMP and ICMPv6 `FromPort` is the type and `ToPort` the code, "-1 means all";
//! - "When you create a security group, if you do not add egress rules, we add egress rules
//!   that allow all outbound IPv4 and IPv6 traffic"; a separate egress resource "adds the
//!   specified outbound (egress) rule", so the default stays.
//!
//! A seeded generator writes random templates from random specifications; the model reads the
//! specification (with the values a launch actually gets), airgap reads the template. For
//! every pair of groups and endpoints and every probe, airgap must allow what the model
//! allows. Where airgap shows more, it must be for one of the reasons in [`Overstatement`]:
//! the test checks that airgap never exceeds the model with those relaxations applied.

use std::net::IpAddr;

use airgap::analysis::{Party, Reachability, Traffic};
use airgap::template::Template;
use serde_json::{Map, Value, json};

use super::common::Rng;

/// Why airgap may show more reach than AWS gives a particular launch. Each is a deliberate
/// overstatement, so that the review never hides a path.
#[derive(Debug, Clone, Copy)]
enum Overstatement {
    /// A value known only at launch (a parameter, the Amazon-provided IPv6 block, a prefix
    /// list the template does not define) counts as any block of its family.
    LaunchValuesAreAnyBlock,
    /// Both branches of every `Fn::If` count, whatever the condition.
    ConditionsBothWays,
    /// airgap does not keep the address family of a packet: an IPv4 egress rule and an IPv6
    /// ingress rule both count for the same pair.
    FamiliesMix,
}

const OVERSTATEMENTS: [Overstatement; 3] = [
    Overstatement::LaunchValuesAreAnyBlock,
    Overstatement::ConditionsBothWays,
    Overstatement::FamiliesMix,
];

// ---------------------------------------------------------------- a seeded generator

const VPC_BLOCKS: [&str; 3] = ["10.0.0.0/16", "10.1.0.0/16", "172.16.0.0/16"];
const SECONDARY_BLOCKS: [&str; 2] = ["100.64.0.0/16", "10.2.0.0/16"];
const AMAZON_IPV6: [&str; 2] = ["2600:1f18:1234:5600::/56", "2a05:d018:abcd:ef00::/56"];
const RULE_V4: [&str; 11] = [
    "10.0.0.0/8",
    "10.0.0.0/16",
    "10.0.5.0/24",
    "10.0.0.5/32",
    "10.1.0.0/16",
    "10.2.0.0/16",
    "172.16.0.0/12",
    "192.168.0.0/16",
    "100.64.0.0/16",
    "0.0.0.0/0",
    "203.0.113.0/24",
];
const RULE_V6: [&str; 4] = [
    "::/0",
    "2600:1f18::/32",
    "2600:1f18:1234:5600::/56",
    "fd00::/8",
];
const PORTS: [i64; 6] = [0, 22, 443, 1024, 5432, 65535];

/// How a block is written in the template.
#[derive(Debug, Clone)]
enum Written {
    Literal,
    /// `!GetAtt Vpc.CidrBlock` (only for the VPC's primary block).
    VpcAttribute,
    /// `!Sub` without variables.
    Sub,
    /// `!Select [i, !Cidr [!GetAtt Vpc.CidrBlock, n, bits]]`, which the model computes itself.
    SelectCidr {
        index: usize,
        count: usize,
        bits: u32,
    },
    /// A parameter whose default is `default`; the launch gives the block itself.
    Parameter {
        default: &'static str,
    },
}

#[derive(Debug, Clone)]
enum Peer {
    Group(usize),
    V4(String, Written),
    V6(String),
    /// The prefix list the template defines.
    DefinedList,
    /// A prefix list given as a parameter; the launch gives one with these entries.
    ListParameter(Vec<&'static str>),
}

#[derive(Debug, Clone)]
enum Protocol {
    All,
    Tcp(i64, i64),
    Udp(i64, i64),
    /// Written as a number: 6 is TCP, ports count.
    TcpNumber(i64, i64),
    Icmp(i64, i64),
    Icmpv6(Option<(i64, i64)>),
    /// 47 (GRE) or 50 (ESP), with a port range AWS ignores.
    Other(u8, i64, i64),
}

#[derive(Debug, Clone)]
struct RuleSpec {
    protocol: Protocol,
    peer: Peer,
    /// Under `Fn::If [Cond, rule, !Ref AWS::NoValue]`, with the condition's value at launch.
    condition: Option<bool>,
}

#[derive(Debug, Clone)]
enum InlineEgress {
    Absent,
    Empty,
    Rules(Vec<RuleSpec>),
}

#[derive(Debug, Clone)]
struct GroupSpec {
    ingress: Vec<RuleSpec>,
    ingress_resources: Vec<RuleSpec>,
    egress: InlineEgress,
    egress_resources: Vec<RuleSpec>,
}

#[derive(Debug, Clone)]
struct Spec {
    primary: &'static str,
    primary_from_parameter: bool,
    secondary: Option<&'static str>,
    ipv6: Option<&'static str>,
    list: Vec<&'static str>,
    groups: Vec<GroupSpec>,
    /// The groups of an interface endpoint, if there is one.
    endpoint: Option<Vec<usize>>,
}

fn port_range(rng: &mut Rng) -> (i64, i64) {
    let (a, b) = (*rng.pick(&PORTS), *rng.pick(&PORTS));
    (a.min(b), a.max(b))
}

fn protocol(rng: &mut Rng) -> Protocol {
    let icmp_type_code = |rng: &mut Rng| match rng.below(4) {
        0 => (-1, -1),
        1 => (8, -1),
        2 => (3, *rng.pick(&[-1, 1, 4])),
        _ => (*rng.pick(&[0, 4, 128]), 0),
    };
    match rng.below(9) {
        0 => Protocol::All,
        1 | 2 => {
            let (f, t) = port_range(rng);
            Protocol::Tcp(f, t)
        }
        3 => {
            let (f, t) = port_range(rng);
            Protocol::Udp(f, t)
        }
        4 => {
            let (f, t) = port_range(rng);
            Protocol::TcpNumber(f, t)
        }
        5 => Protocol::Icmp(icmp_type_code(rng).0, icmp_type_code(rng).1).normalized(),
        6 => Protocol::Icmpv6(rng.chance(50).then(|| icmp_type_code(rng))),
        _ => {
            let (f, t) = port_range(rng);
            Protocol::Other(*rng.pick(&[47, 50]), f, t)
        }
    }
}

impl Protocol {
    /// AWS wants all codes when all types are allowed.
    fn normalized(self) -> Protocol {
        match self {
            Protocol::Icmp(-1, _) => Protocol::Icmp(-1, -1),
            p => p,
        }
    }
}

fn peer(rng: &mut Rng, groups: usize, primary: &str) -> Peer {
    match rng.below(10) {
        0..=2 => Peer::Group(rng.below(groups)),
        3..=5 => {
            let block = rng.pick(&RULE_V4).to_string();
            let written = match rng.below(6) {
                0 => Written::Sub,
                1 => Written::Parameter {
                    default: RULE_V4[rng.below(RULE_V4.len())],
                },
                _ => Written::Literal,
            };
            Peer::V4(block, written)
        }
        6 => match rng.below(2) {
            0 => Peer::V4(primary.to_string(), Written::VpcAttribute),
            _ => Peer::V4(
                String::new(),
                Written::SelectCidr {
                    index: rng.below(4),
                    count: 4,
                    bits: *rng.pick(&[8, 12]),
                },
            ),
        },
        7 => Peer::V6(rng.pick(&RULE_V6).to_string()),
        8 => Peer::DefinedList,
        _ => Peer::ListParameter(vec![*rng.pick(&["52.216.0.0/15", "10.0.9.0/24"])]),
    }
}

fn rules(rng: &mut Rng, groups: usize, primary: &str, most: usize) -> Vec<RuleSpec> {
    (0..rng.below(most + 1))
        .map(|_| RuleSpec {
            protocol: protocol(rng),
            peer: peer(rng, groups, primary),
            condition: rng.chance(12).then(|| rng.chance(50)),
        })
        .collect()
}

fn spec(rng: &mut Rng) -> Spec {
    let primary = *rng.pick(&VPC_BLOCKS);
    let n = 2 + rng.below(3);
    let groups = (0..n)
        .map(|_| GroupSpec {
            ingress: rules(rng, n, primary, 3),
            ingress_resources: rules(rng, n, primary, 1),
            egress: match rng.below(5) {
                0 => InlineEgress::Absent,
                1 => InlineEgress::Empty,
                _ => InlineEgress::Rules(rules(rng, n, primary, 3)),
            },
            egress_resources: rules(rng, n, primary, 1),
        })
        .collect();
    Spec {
        primary,
        primary_from_parameter: rng.chance(10),
        secondary: rng.chance(30).then(|| *rng.pick(&SECONDARY_BLOCKS)),
        ipv6: rng.chance(35).then(|| *rng.pick(&AMAZON_IPV6)),
        list: vec![*rng.pick(&["10.0.7.0/24", "192.168.4.0/24", "100.64.1.0/24"])],
        groups,
        endpoint: rng
            .chance(50)
            .then(|| (0..1 + rng.below(2)).map(|_| rng.below(n)).collect()),
    }
}

// ---------------------------------------------------------------- writing the template

fn group_id(i: usize) -> String {
    format!("Group{i}")
}

struct Writer {
    parameters: Map<String, Value>,
    conditions: Map<String, Value>,
    resources: Map<String, Value>,
}

impl Writer {
    fn block(&mut self, block: &str, written: &Written) -> Value {
        match written {
            Written::Literal => json!(block),
            Written::VpcAttribute => json!({"Fn::GetAtt": ["Vpc", "CidrBlock"]}),
            Written::Sub => json!({"Fn::Sub": block}),
            Written::SelectCidr { index, count, bits } => json!({"Fn::Select": [
                index, {"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, count, bits]}
            ]}),
            Written::Parameter { default } => {
                let name = format!("Block{}", self.parameters.len());
                self.parameters
                    .insert(name.clone(), json!({"Type": "String", "Default": default}));
                json!({"Ref": name})
            }
        }
    }

    fn rule(&mut self, r: &RuleSpec, egress: bool) -> Map<String, Value> {
        let mut m = Map::new();
        let ports = |m: &mut Map<String, Value>, f: i64, t: i64| {
            m.insert("FromPort".into(), json!(f));
            m.insert("ToPort".into(), json!(t));
        };
        match r.protocol {
            Protocol::All => {
                m.insert("IpProtocol".into(), json!("-1"));
            }
            Protocol::Tcp(f, t) => {
                m.insert("IpProtocol".into(), json!("tcp"));
                ports(&mut m, f, t);
            }
            Protocol::Udp(f, t) => {
                m.insert("IpProtocol".into(), json!("udp"));
                ports(&mut m, f, t);
            }
            Protocol::TcpNumber(f, t) => {
                m.insert("IpProtocol".into(), json!("6"));
                ports(&mut m, f, t);
            }
            Protocol::Icmp(ty, code) => {
                m.insert("IpProtocol".into(), json!("icmp"));
                ports(&mut m, ty, code);
            }
            Protocol::Icmpv6(tc) => {
                m.insert("IpProtocol".into(), json!("icmpv6"));
                if let Some((ty, code)) = tc {
                    ports(&mut m, ty, code);
                }
            }
            Protocol::Other(n, f, t) => {
                m.insert("IpProtocol".into(), json!(n.to_string()));
                ports(&mut m, f, t);
            }
        }
        let (group_key, list_key) = if egress {
            ("DestinationSecurityGroupId", "DestinationPrefixListId")
        } else {
            ("SourceSecurityGroupId", "SourcePrefixListId")
        };
        let (key, value) = match &r.peer {
            // `Ref` of a VPC security group is its ID too.
            Peer::Group(g) if *g % 2 == 0 => (group_key, json!({"Ref": group_id(*g)})),
            Peer::Group(g) => (group_key, json!({"Fn::GetAtt": [group_id(*g), "GroupId"]})),
            Peer::V4(block, written) => ("CidrIp", self.block(block, written)),
            Peer::V6(block) => ("CidrIpv6", json!(block)),
            Peer::DefinedList => (list_key, json!({"Ref": "Offices"})),
            Peer::ListParameter(_) => {
                self.parameters.insert(
                    "ManagedList".into(),
                    json!({"Type": "String", "Default": "pl-63a5400a"}),
                );
                (list_key, json!({"Ref": "ManagedList"}))
            }
        };
        m.insert(key.into(), value);
        m
    }

    /// A new condition, true or false depending on the region the stack is launched in.
    fn condition(&mut self) -> String {
        let name = format!("Cond{}", self.conditions.len());
        self.conditions.insert(
            name.clone(),
            json!({"Fn::Equals": [{"Ref": "AWS::Region"}, "us-east-1"]}),
        );
        name
    }

    fn inline(&mut self, r: &RuleSpec, egress: bool) -> Value {
        let rule = Value::Object(self.rule(r, egress));
        match r.condition {
            None => rule,
            Some(_) => json!({"Fn::If": [self.condition(), rule, {"Ref": "AWS::NoValue"}]}),
        }
    }
}

fn template(s: &Spec) -> Template {
    let mut w = Writer {
        parameters: Map::new(),
        conditions: Map::new(),
        resources: Map::new(),
    };
    let primary = if s.primary_from_parameter {
        w.parameters.insert(
            "VpcBlock".into(),
            json!({"Type": "String", "Default": "10.9.0.0/16"}),
        );
        json!({"Ref": "VpcBlock"})
    } else {
        json!(s.primary)
    };
    w.resources.insert(
        "Vpc".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": primary}}),
    );
    if let Some(b) = s.secondary {
        w.resources.insert(
            "Secondary".into(),
            json!({"Type": "AWS::EC2::VPCCidrBlock",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "CidrBlock": b}}),
        );
    }
    if s.ipv6.is_some() {
        w.resources.insert(
            "Ipv6".into(),
            json!({"Type": "AWS::EC2::VPCCidrBlock",
            "Properties": {"VpcId": {"Ref": "Vpc"}, "AmazonProvidedIpv6CidrBlock": true}}),
        );
    }
    let entries: Vec<Value> = s.list.iter().map(|c| json!({"Cidr": c})).collect();
    w.resources.insert("Offices".into(), json!({"Type": "AWS::EC2::PrefixList", "Properties": {
        "PrefixListName": "offices", "AddressFamily": "IPv4", "MaxEntries": 4, "Entries": entries}}));
    for (i, g) in s.groups.iter().enumerate() {
        let mut p = Map::new();
        p.insert("GroupDescription".into(), json!("generated"));
        p.insert("VpcId".into(), json!({"Ref": "Vpc"}));
        let ingress: Vec<Value> = g.ingress.iter().map(|r| w.inline(r, false)).collect();
        p.insert("SecurityGroupIngress".into(), Value::Array(ingress));
        match &g.egress {
            InlineEgress::Absent => {}
            InlineEgress::Empty => {
                p.insert("SecurityGroupEgress".into(), json!([]));
            }
            InlineEgress::Rules(rules) => {
                let egress: Vec<Value> = rules.iter().map(|r| w.inline(r, true)).collect();
                p.insert("SecurityGroupEgress".into(), Value::Array(egress));
            }
        }
        w.resources.insert(
            group_id(i),
            json!({"Type": "AWS::EC2::SecurityGroup", "Properties": p}),
        );
        for (kind, rules, egress) in [
            (
                "AWS::EC2::SecurityGroupIngress",
                &g.ingress_resources,
                false,
            ),
            ("AWS::EC2::SecurityGroupEgress", &g.egress_resources, true),
        ] {
            for r in rules {
                let mut m = w.rule(r, egress);
                m.insert("GroupId".into(), json!({"Ref": group_id(i)}));
                let id = format!("{}Rule{}", group_id(i), w.resources.len());
                let mut resource = json!({"Type": kind, "Properties": m});
                if r.condition.is_some() {
                    resource["Condition"] = json!(w.condition());
                }
                w.resources.insert(id, resource);
            }
        }
    }
    if let Some(groups) = &s.endpoint {
        let ids: Vec<Value> = groups
            .iter()
            .map(|g| json!({"Ref": group_id(*g)}))
            .collect();
        w.resources.insert(
            "Endpoint".into(),
            json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": {
            "VpcId": {"Ref": "Vpc"}, "VpcEndpointType": "Interface", "PrivateDnsEnabled": true,
            "ServiceName": {"Fn::Sub": "com.amazonaws.${AWS::Region}.sts"},
            "SecurityGroupIds": ids}}),
        );
    }
    let doc = json!({
        "Parameters": w.parameters,
        "Conditions": w.conditions,
        "Resources": w.resources,
    });
    Template::from_json(&doc.to_string()).expect("a generated template reads")
}

// ---------------------------------------------------------------- the model

/// An address range: its family (IPv6 or not) and its first and last address.
#[derive(Debug, Clone, Copy, PartialEq)]
struct Range {
    v6: bool,
    first: u128,
    last: u128,
}

/// A block in the model: a range, or (relaxed) any block of a family.
#[derive(Debug, Clone, Copy, PartialEq)]
enum Addresses {
    Range(Range),
    AnyOf { v6: bool },
}

fn range(cidr: &str) -> Range {
    let (ip, len) = cidr.split_once('/').expect("a block");
    let len: u32 = len.parse().expect("a prefix length");
    let (v6, bits, value) = match ip.parse::<IpAddr>().expect("an address") {
        IpAddr::V4(a) => (false, 32, u128::from(u32::from(a))),
        IpAddr::V6(a) => (true, 128, u128::from(a)),
    };
    let host = bits - len;
    let mask = if host == 128 {
        u128::MAX
    } else {
        (1u128 << host) - 1
    };
    Range {
        v6,
        first: value & !mask,
        last: (value & !mask) | mask,
    }
}

fn overlap(a: Addresses, b: Addresses) -> bool {
    match (a, b) {
        (Addresses::Range(x), Addresses::Range(y)) => {
            x.v6 == y.v6 && x.first <= y.last && y.first <= x.last
        }
        (Addresses::Range(r), Addresses::AnyOf { v6 })
        | (Addresses::AnyOf { v6 }, Addresses::Range(r)) => r.v6 == v6,
        (Addresses::AnyOf { v6: a }, Addresses::AnyOf { v6: b }) => a == b,
    }
}

/// `Fn::Cidr` as CloudFormation documents it: `count` blocks of `bits` host bits each,
/// consecutive from the start of `block`.
fn cidr_function(block: &str, count: usize, bits: u32) -> Vec<String> {
    let r = range(block);
    assert!(!r.v6);
    let size = 1u128 << bits;
    (0..count as u128)
        .map(|i| {
            let start = r.first + i * size;
            let ip = std::net::Ipv4Addr::from(start as u32);
            format!("{ip}/{}", 32 - bits)
        })
        .collect()
}

struct Model<'s> {
    spec: &'s Spec,
    relaxed: bool,
}

/// A party of a pair: the groups whose rules apply to it.
#[derive(Debug, Clone)]
struct Member {
    party: Party,
    groups: Vec<usize>,
}

impl Model<'_> {
    fn vpc(&self) -> Vec<Addresses> {
        let mut out = vec![if self.spec.primary_from_parameter && self.relaxed {
            Addresses::AnyOf { v6: false }
        } else {
            Addresses::Range(range(self.spec.primary))
        }];
        out.extend(self.spec.secondary.map(|b| Addresses::Range(range(b))));
        out.extend(self.spec.ipv6.map(|b| {
            if self.relaxed {
                Addresses::AnyOf { v6: true }
            } else {
                Addresses::Range(range(b))
            }
        }));
        out
    }

    /// The blocks a rule's peer names, as the launch has them.
    fn blocks(&self, peer: &Peer) -> Vec<Addresses> {
        let r = |c: &str| Addresses::Range(range(c));
        match peer {
            Peer::Group(_) => Vec::new(),
            Peer::V4(_, Written::Parameter { .. }) if self.relaxed => {
                vec![Addresses::AnyOf { v6: false }]
            }
            Peer::V4(_, Written::VpcAttribute | Written::SelectCidr { .. })
                if self.spec.primary_from_parameter && self.relaxed =>
            {
                vec![Addresses::AnyOf { v6: false }]
            }
            Peer::V4(_, Written::SelectCidr { index, count, bits }) => {
                vec![r(&cidr_function(self.spec.primary, *count, *bits)[*index])]
            }
            Peer::V4(_, Written::VpcAttribute) => vec![r(self.spec.primary)],
            Peer::V4(block, _) | Peer::V6(block) => vec![r(block)],
            Peer::DefinedList => self.spec.list.iter().map(|c| r(c)).collect(),
            Peer::ListParameter(_) if self.relaxed => {
                vec![
                    Addresses::AnyOf { v6: false },
                    Addresses::AnyOf { v6: true },
                ]
            }
            Peer::ListParameter(entries) => entries.iter().map(|c| r(c)).collect(),
        }
    }

    fn present(&self, r: &RuleSpec) -> bool {
        self.relaxed || r.condition != Some(false)
    }

    /// The egress rules of a group, the default included where AWS adds it.
    fn egress(&self, g: usize) -> Vec<RuleSpec> {
        let spec = &self.spec.groups[g];
        let inline: Vec<RuleSpec> = match &spec.egress {
            InlineEgress::Rules(rules) => {
                rules.iter().filter(|r| self.present(r)).cloned().collect()
            }
            _ => Vec::new(),
        };
        let may_be_empty = match &spec.egress {
            InlineEgress::Rules(rules) => {
                inline.is_empty() || (self.relaxed && rules.iter().all(|r| r.condition.is_some()))
            }
            _ => true,
        };
        let mut out = inline;
        out.extend(
            spec.egress_resources
                .iter()
                .filter(|r| self.present(r))
                .cloned(),
        );
        if may_be_empty {
            for peer in [
                Peer::V4("0.0.0.0/0".into(), Written::Literal),
                Peer::V6("::/0".into()),
            ] {
                out.push(RuleSpec {
                    protocol: Protocol::All,
                    peer,
                    condition: None,
                });
            }
        }
        out
    }

    fn ingress(&self, g: usize) -> Vec<RuleSpec> {
        let spec = &self.spec.groups[g];
        spec.ingress
            .iter()
            .filter(|r| self.present(r))
            .chain(spec.ingress_resources.iter().filter(|r| self.present(r)))
            .cloned()
            .collect()
    }

    /// Whether a rule's peer covers some address of `m` of family `v6` (`None`: any family).
    fn covers(&self, peer: &Peer, m: &Member, v6: Option<bool>) -> bool {
        if let Peer::Group(g) = peer {
            return m.groups.contains(g);
        }
        let vpc = self.vpc();
        self.blocks(peer).into_iter().any(|b| {
            vpc.iter().any(|a| {
                let family_ok = match (v6, *a) {
                    (None, _) => true,
                    (Some(f), Addresses::Range(r)) => r.v6 == f,
                    (Some(f), Addresses::AnyOf { v6 }) => v6 == f,
                };
                family_ok && overlap(b, *a)
            })
        })
    }

    /// What may pass from `from` to `to`: for each family, the protocols of the egress rules
    /// that cover the receiver and of the ingress rules that cover the sender.
    fn pair(&self, from: &Member, to: &Member) -> Vec<(Vec<Protocol>, Vec<Protocol>)> {
        let out: Vec<RuleSpec> = from.groups.iter().flat_map(|g| self.egress(*g)).collect();
        let into: Vec<RuleSpec> = to.groups.iter().flat_map(|g| self.ingress(*g)).collect();
        let families: &[Option<bool>] = if self.relaxed {
            &[None]
        } else {
            &[Some(false), Some(true)]
        };
        families
            .iter()
            .map(|f| {
                let side = |rules: &[RuleSpec], m: &Member| -> Vec<Protocol> {
                    rules
                        .iter()
                        .filter(|r| self.covers(&r.peer, m, *f))
                        .map(|r| r.protocol.clone())
                        .collect()
                };
                (side(&out, to), side(&into, from))
            })
            .collect()
    }
}

/// Whether a packet passes: in some family, an egress rule and an ingress rule both admit it.
fn passes(pair: &[(Vec<Protocol>, Vec<Protocol>)], t: Traffic) -> bool {
    pair.iter()
        .any(|(out, into)| out.iter().any(|p| admits(p, t)) && into.iter().any(|p| admits(p, t)))
}

fn admits(p: &Protocol, t: Traffic) -> bool {
    let in_range = |f: i64, to: i64| f <= i64::from(t.port) && i64::from(t.port) <= to;
    let icmp = |ty: i64, code: i64| {
        ty == -1 || (ty == i64::from(t.port) && (code == -1 || code == i64::from(t.code)))
    };
    match *p {
        Protocol::All => true,
        Protocol::Tcp(f, to) | Protocol::TcpNumber(f, to) => t.protocol == 6 && in_range(f, to),
        Protocol::Udp(f, to) => t.protocol == 17 && in_range(f, to),
        Protocol::Icmp(ty, code) => t.protocol == 1 && icmp(ty, code),
        Protocol::Icmpv6(None) => t.protocol == 58,
        Protocol::Icmpv6(Some((ty, code))) => t.protocol == 58 && icmp(ty, code),
        Protocol::Other(n, _, _) => t.protocol == n,
    }
}

fn probes() -> Vec<Traffic> {
    let mut out: Vec<Traffic> = [0, 22, 80, 443, 1024, 5432, 65535]
        .into_iter()
        .map(Traffic::tcp)
        .collect();
    out.extend([53, 443].map(Traffic::udp));
    out.extend([(8, 0), (3, 4), (3, 1), (0, 0), (4, 0)].map(|(t, c)| Traffic::icmp(t, c)));
    out.extend([(128, 0), (1, 4)].map(|(t, c)| Traffic::icmpv6(t, c)));
    // A protocol without ports: the port a probe carries must not matter.
    out.extend([47, 50, 132].map(Traffic::protocol));
    out.extend([(47, 7), (50, 60000)].map(|(n, port)| Traffic {
        port,
        ..Traffic::protocol(n)
    }));
    out
}

// ---------------------------------------------------------------- the property

const TEMPLATES: u64 = 1000;
const SEED: u64 = 0x5EC0_6A7E;

#[test]
fn airgap_never_shows_less_reach_than_aws_allows() {
    let mut rng = Rng(SEED);
    let probes = probes();
    let (mut pairs, mut checks, mut overstated) = (0usize, 0usize, 0usize);
    for n in 0..TEMPLATES {
        let s = spec(&mut rng);
        let t = template(&s);
        let reach = Reachability::of(&t);
        let strict = Model {
            spec: &s,
            relaxed: false,
        };
        let relaxed = Model {
            spec: &s,
            relaxed: true,
        };
        let mut members: Vec<Member> = (0..s.groups.len())
            .map(|g| Member {
                party: Party::Group(group_id(g)),
                groups: vec![g],
            })
            .collect();
        if let Some(groups) = &s.endpoint {
            members.push(Member {
                party: Party::Endpoint("Endpoint".into()),
                groups: groups.clone(),
            });
        }
        for from in &members {
            for to in &members {
                pairs += 1;
                // `allows` is `allowed` and `admits`; reading the pair once keeps the run short.
                let allowed = reach.allowed(&from.party, &to.party);
                let (aws_pair, explained_pair) = (strict.pair(from, to), relaxed.pair(from, to));
                for &p in &probes {
                    checks += 1;
                    let shown = allowed.iter().any(|a| a.admits(p));
                    let aws = passes(&aws_pair, p);
                    assert!(
                        shown || !aws,
                        "template {n}: AWS allows {p:?} from {} to {}, airgap hides it\nspec: {s:#?}\ntemplate: {}",
                        from.party,
                        to.party,
                        t.to_json_pretty()
                    );
                    let explained = passes(&explained_pair, p);
                    assert!(
                        !shown || explained,
                        "template {n}: airgap shows {p:?} from {} to {}, more than any of {OVERSTATEMENTS:?} explains\nspec: {s:#?}\ntemplate: {}",
                        from.party,
                        to.party,
                        t.to_json_pretty()
                    );
                    overstated += usize::from(shown && !aws);
                }
            }
        }
    }
    // The run's size, so a change that generates nothing would be seen.
    assert!(pairs > 10 * TEMPLATES as usize, "{pairs} pairs");
    assert!(checks > 100 * TEMPLATES as usize, "{checks} checks");
    assert!(overstated > 0, "the overstatements are exercised");
    eprintln!("{TEMPLATES} templates, {pairs} pairs, {checks} checks, {overstated} overstated");
}
