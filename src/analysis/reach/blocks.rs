//! Address blocks as far as the template determines them: literals, the intrinsics whose value
//! the template fixes (`!GetAtt Vpc.CidrBlock`, `!Sub` without variables, `!Select`/`!Cidr`
//! over known blocks), the VPCs' primary and secondary blocks, and the entries of prefix lists
//! defined in the template. Anything known only at launch (a parameter, an import, an
//! Amazon-provided IPv6 block) is [`Block::Unknown`]: it could be any block of its family.

use indexmap::IndexMap;
use ipnet::IpNet;
use serde_json::{Map, Value};

use super::super::cidr;
use super::super::model::{display, ref_target};
use crate::template::{Attribute, Intrinsic, Template, expand_sub};

/// IPv4 or IPv6.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub(crate) enum Family {
    V4,
    V6,
}

impl Family {
    fn of(net: &IpNet) -> Family {
        match net {
            IpNet::V4(_) => Family::V4,
            IpNet::V6(_) => Family::V6,
        }
    }
}

/// An address block a rule, a VPC or a prefix list names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Block {
    /// A block the template determines.
    Net(IpNet),
    /// A block known only at launch, as written; `family` when the property says which.
    Unknown {
        text: String,
        family: Option<Family>,
    },
}

impl Block {
    /// Whether some address could be in both blocks: an unknown block could be any block of
    /// its family.
    pub(crate) fn overlaps(&self, other: &Block) -> bool {
        match (self, other) {
            (Block::Net(a), Block::Net(b)) => cidr::overlaps(a, b),
            (Block::Net(n), Block::Unknown { family, .. })
            | (Block::Unknown { family, .. }, Block::Net(n)) => {
                family.is_none_or(|f| f == Family::of(n))
            }
            (Block::Unknown { family: a, .. }, Block::Unknown { family: b, .. }) => {
                a.is_none() || b.is_none() || a == b
            }
        }
    }

    /// Whether the template leaves this block to the launch.
    pub(crate) fn is_unknown(&self) -> bool {
        matches!(self, Block::Unknown { .. })
    }

    /// The block as the report shows it.
    pub(crate) fn text(&self) -> String {
        match self {
            Block::Net(n) => n.to_string(),
            Block::Unknown { text, .. } => text.clone(),
        }
    }

    /// Reads a block the way the table names parties (`10.0.0.0/16`, or text for unknown ones).
    pub(crate) fn parse(s: &str) -> Block {
        match cidr::network(s) {
            Some(n) => Block::Net(n),
            None => Block::Unknown {
                text: s.to_string(),
                family: None,
            },
        }
    }
}

/// One value a property may have at launch.
#[derive(Debug, Clone, PartialEq)]
enum Scalar {
    Known(String),
    Unknown,
    /// `!Ref AWS::NoValue`: the property is left out.
    Absent,
}

/// How deep intrinsics nest before airgap stops following them (a cycle would be invalid
/// anyway; this keeps a malformed template from looping).
const MAX_DEPTH: usize = 12;
/// How many alternatives (`Fn::If` branches, allowed values) are followed before the value
/// counts as unknown.
const MAX_ALTERNATIVES: usize = 64;

/// Resolves values of one template.
pub(crate) struct Resolver<'t> {
    t: &'t Template,
}

impl<'t> Resolver<'t> {
    pub(crate) fn new(t: &'t Template) -> Self {
        Resolver { t }
    }

    /// The blocks `v` may be at launch (several when it depends on a condition); an empty list
    /// when it is certainly left out.
    pub(crate) fn blocks(&self, v: &Value, family: Option<Family>) -> Vec<Block> {
        let mut out: Vec<Block> = Vec::new();
        for s in self.scalar(v, 0) {
            let b = match s {
                // As EC2 keeps it: host bits dropped (`192.168.1.0/0` is every address).
                Scalar::Known(s) => match cidr::network(&s) {
                    Some(n) => Block::Net(n),
                    None => Block::Unknown { text: s, family },
                },
                Scalar::Unknown => Block::Unknown {
                    text: display(v),
                    family,
                },
                Scalar::Absent => continue,
            };
            if !out.contains(&b) {
                out.push(b);
            }
        }
        out
    }

    fn scalar(&self, v: &Value, depth: usize) -> Vec<Scalar> {
        if depth > MAX_DEPTH {
            return vec![Scalar::Unknown];
        }
        let out = match v {
            Value::String(s) => vec![Scalar::Known(s.clone())],
            Value::Number(n) => vec![Scalar::Known(n.to_string())],
            _ => match Intrinsic::classify(v) {
                Some(call) => self.intrinsic(call, depth + 1),
                None => vec![Scalar::Unknown],
            },
        };
        if out.len() > MAX_ALTERNATIVES {
            vec![Scalar::Unknown]
        } else {
            out
        }
    }

    fn intrinsic(&self, call: Intrinsic<'_>, depth: usize) -> Vec<Scalar> {
        match call {
            Intrinsic::Ref(name) => self.reference(name),
            Intrinsic::GetAtt {
                resource,
                attribute: Attribute::Name(attribute),
            } => self.attribute(resource, attribute, depth),
            Intrinsic::If {
                then, otherwise, ..
            } => {
                let mut out = self.scalar(then, depth);
                out.extend(self.scalar(otherwise, depth));
                out
            }
            Intrinsic::Sub { text, variables } => vec![self.sub(text, variables, depth)],
            Intrinsic::Select { index, list } => self.select(index, list, depth),
            _ => vec![Scalar::Unknown],
        }
    }

    fn reference(&self, name: &str) -> Vec<Scalar> {
        if name == "AWS::NoValue" {
            return vec![Scalar::Absent];
        }
        match self.t.parameters.get(name) {
            // A parameter is known at launch only, unless it can take only listed values.
            Some(p) if !p.allowed_values.is_empty() => p
                .allowed_values
                .iter()
                .map(|v| match v {
                    Value::String(s) => Scalar::Known(s.clone()),
                    Value::Number(n) => Scalar::Known(n.to_string()),
                    _ => Scalar::Unknown,
                })
                .collect(),
            _ => vec![Scalar::Unknown],
        }
    }

    fn attribute(&self, id: &str, attr: &str, depth: usize) -> Vec<Scalar> {
        let Some(r) = self.t.resources.get(id) else {
            return vec![Scalar::Unknown];
        };
        match (r.resource_type.as_str(), attr) {
            ("AWS::EC2::VPC" | "AWS::EC2::Subnet", "CidrBlock") => {
                match r.properties.get("CidrBlock") {
                    Some(c) => self.scalar(c, depth),
                    None => vec![Scalar::Unknown],
                }
            }
            _ => vec![Scalar::Unknown],
        }
    }

    fn sub(&self, text: &str, vars: Option<&Map<String, Value>>, depth: usize) -> Scalar {
        let expanded = expand_sub(text, |var| {
            let value = match vars.and_then(|m| m.get(var)) {
                Some(v) => self.scalar(v, depth),
                None => match var.split_once('.') {
                    Some((id, attr)) => self.attribute(id, attr, depth),
                    None => self.reference(var),
                },
            };
            match value.as_slice() {
                [Scalar::Known(s)] => Ok(s.clone()),
                _ => Err(()),
            }
        });
        expanded.map_or(Scalar::Unknown, Scalar::Known)
    }

    fn select(&self, index: &Value, list: &Value, depth: usize) -> Vec<Scalar> {
        let Some(items) = self.list(list, depth) else {
            return vec![Scalar::Unknown];
        };
        let indexes: Vec<Option<usize>> = self
            .scalar(index, depth)
            .into_iter()
            .map(|s| match s {
                Scalar::Known(s) => s.parse().ok(),
                _ => None,
            })
            .collect();
        let mut out = Vec::new();
        for i in indexes {
            match i {
                Some(i) => match items.get(i) {
                    Some(item) => out.extend(item.iter().cloned()),
                    None => out.push(Scalar::Unknown),
                },
                None => out.extend(items.iter().flatten().cloned()),
            }
        }
        out
    }

    /// A list value, each element with the values it may have; `None` when the list itself is
    /// known only at launch.
    fn list(&self, v: &Value, depth: usize) -> Option<Vec<Vec<Scalar>>> {
        if depth > MAX_DEPTH {
            return None;
        }
        match v {
            Value::Array(items) => Some(items.iter().map(|i| self.scalar(i, depth + 1)).collect()),
            _ => match Intrinsic::classify(v)? {
                Intrinsic::Cidr { block, count, bits } => self.cidr(block, count, bits, depth + 1),
                _ => None,
            },
        }
    }

    /// `Fn::Cidr [block, count, bits]`: `count` consecutive blocks with `bits` host bits each,
    /// from the start of `block`.
    fn cidr(
        &self,
        block: &Value,
        count: &Value,
        bits: &Value,
        depth: usize,
    ) -> Option<Vec<Vec<Scalar>>> {
        let number = |v: &Value| -> Option<u32> {
            match self.scalar(v, depth).as_slice() {
                [Scalar::Known(s)] => s.parse().ok(),
                _ => None,
            }
        };
        let (count, bits) = (number(count)?.min(256) as usize, number(bits)?);
        let mut out: Vec<Vec<Scalar>> = vec![Vec::new(); count];
        for b in self.scalar(block, depth) {
            let net = match b {
                Scalar::Known(s) => s.parse::<IpNet>().ok(),
                _ => None,
            };
            let subnets: Vec<Scalar> = match net.and_then(|n| {
                let prefix =
                    u8::try_from(n.max_prefix_len() as u32 - bits.min(n.max_prefix_len() as u32))
                        .ok()?;
                n.subnets(prefix).ok()
            }) {
                Some(it) => it
                    .take(count)
                    .map(|n| Scalar::Known(n.to_string()))
                    .collect(),
                None => vec![Scalar::Unknown; count],
            };
            for (slot, s) in out.iter_mut().zip(
                subnets
                    .into_iter()
                    .chain(std::iter::repeat(Scalar::Unknown)),
            ) {
                slot.push(s);
            }
        }
        Some(out)
    }
}

/// The blocks of every VPC of the template: its primary IPv4 block and the blocks of its
/// `AWS::EC2::VPCCidrBlock` associations (secondary IPv4 blocks, IPv6 blocks).
pub(crate) fn vpc_blocks(t: &Template, resolver: &Resolver<'_>) -> IndexMap<String, Vec<Block>> {
    let mut out: IndexMap<String, Vec<Block>> = IndexMap::new();
    for (id, r) in t.resources_of_type("AWS::EC2::VPC") {
        let blocks = match r.properties.get("CidrBlock") {
            Some(c) => resolver.blocks(c, Some(Family::V4)),
            None => vec![Block::Unknown {
                text: format!("the IPv4 block of {id} (from an IPAM pool)"),
                family: Some(Family::V4),
            }],
        };
        out.insert(id.to_string(), blocks);
    }
    for (id, r) in t.resources_of_type("AWS::EC2::VPCCidrBlock") {
        let p = &r.properties;
        let Some(vpc) = p.get("VpcId").and_then(ref_target) else {
            continue;
        };
        let Some(list) = out.get_mut(vpc) else {
            continue;
        };
        let blocks = if let Some(c) = p.get("CidrBlock") {
            resolver.blocks(c, Some(Family::V4))
        } else if let Some(c) = p.get("Ipv6CidrBlock") {
            resolver.blocks(c, Some(Family::V6))
        } else {
            let v6 = p.keys().any(|k| k.contains("Ipv6"));
            vec![Block::Unknown {
                text: if v6 {
                    format!("the IPv6 block of {id} (assigned at launch)")
                } else {
                    format!("the IPv4 block of {id} (from an IPAM pool)")
                },
                family: Some(if v6 { Family::V6 } else { Family::V4 }),
            }]
        };
        for b in blocks {
            if !list.contains(&b) {
                list.push(b);
            }
        }
    }
    out
}

/// The entries of every prefix list defined in the template (`AWS::EC2::PrefixList`).
pub(crate) fn prefix_lists(t: &Template, resolver: &Resolver<'_>) -> IndexMap<String, Vec<Block>> {
    t.resources_of_type("AWS::EC2::PrefixList")
        .map(|(id, r)| {
            let family = match r.properties.get("AddressFamily").and_then(Value::as_str) {
                Some("IPv6") => Some(Family::V6),
                Some("IPv4") => Some(Family::V4),
                _ => None,
            };
            let entries = match r.properties.get("Entries") {
                Some(Value::Array(entries)) => entries
                    .iter()
                    .filter_map(|e| e.get("Cidr"))
                    .flat_map(|c| resolver.blocks(c, family))
                    .collect(),
                None => Vec::new(),
                // Entries the template computes some other way could be anything.
                Some(other) => vec![Block::Unknown {
                    text: display(other),
                    family,
                }],
            };
            (id.to_string(), entries)
        })
        .collect()
}
