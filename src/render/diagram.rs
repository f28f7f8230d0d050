//! The context of `templates/diagram.mmd.j2`: the network's boxes and arrows, with Mermaid
//! node IDs; the template words the labels and escapes them with the `label` filter.

use std::collections::HashSet;

use serde::Serialize;

use crate::analysis::{Network, Party, ReachEntry, Reachability};
use crate::error::Result;
use crate::template::Template;

/// Everything `diagram.mmd.j2` reads.
#[derive(Debug, Serialize)]
pub(super) struct Diagram {
    vpcs: Vec<VpcBox>,
    /// Security groups, each a box holding the interface endpoints that use it.
    groups: Vec<GroupBox>,
    /// Endpoints without a security group: gateway endpoints, linked to their subnets.
    loose_endpoints: Vec<LooseEndpoint>,
    /// Address blocks and prefix lists outside the VPC that flows reach.
    externals: Vec<Node>,
    edges: Vec<Edge>,
}

/// A Mermaid node and the name it is labelled with.
#[derive(Debug, Serialize)]
struct Node {
    node: String,
    name: String,
}

/// An interface endpoint inside its security group's box.
#[derive(Debug, Serialize)]
struct EndpointNode {
    node: String,
    service: String,
}

#[derive(Debug, Serialize)]
struct SubnetNode {
    node: String,
    id: String,
    cidr: String,
}

#[derive(Debug, Serialize)]
struct VpcBox {
    id: String,
    node: String,
    cidr: String,
    zones: Vec<ZoneBox>,
}

#[derive(Debug, Serialize)]
struct ZoneBox {
    node: String,
    zone: String,
    subnets: Vec<SubnetNode>,
}

#[derive(Debug, Serialize)]
struct GroupBox {
    node: String,
    id: String,
    endpoints: Vec<EndpointNode>,
    /// The VPC whose box holds the group; none draws it outside every VPC.
    vpc: Option<String>,
}

#[derive(Debug, Serialize)]
struct LooseEndpoint {
    node: String,
    service: String,
    /// `Gateway`, `Interface`, ...
    kind: String,
    /// The node IDs of the subnets whose route tables the endpoint serves.
    subnets: Vec<String>,
    vpc: Option<String>,
}

#[derive(Debug, Serialize)]
struct Edge {
    from: String,
    to: String,
    /// The protocols and ports both sides allow.
    allowed: String,
}

/// A Mermaid node ID: letters, digits and `_` only, prefixed so it never clashes with a
/// keyword such as `end`.
fn node_id(prefix: &str, logical_id: &str) -> String {
    let clean: String = logical_id
        .chars()
        .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
        .collect();
    format!("{prefix}_{clean}")
}

/// Text inside a quoted Mermaid label (the template's `label` filter).
pub(super) fn label(s: &str) -> String {
    s.replace('"', "#quot;")
        .replace('<', "#lt;")
        .replace('>', "#gt;")
}

fn party_node(p: &Party) -> String {
    match p {
        Party::Group(g) => node_id("sg", g),
        Party::Endpoint(e) => node_id("ep", e),
        Party::Cidr(c) => node_id("net", c),
        Party::PrefixList(pl) => node_id("pl", pl),
    }
}

impl Diagram {
    /// The boxes and arrows of `t`'s network.
    pub(super) fn of(t: &Template) -> Result<Diagram> {
        let network = Network::of(t);
        let reach = Reachability::of(t);
        let matrix = reach.matrix()?;
        Ok(Diagram::with(t, &network, &reach, &matrix))
    }

    /// [`Diagram::of`] from the network, reachability and matrix already read from `t`.
    pub(super) fn with(
        t: &Template,
        network: &Network,
        reach: &Reachability,
        matrix: &[ReachEntry],
    ) -> Diagram {
        let (externals, edges) = flows(matrix);
        Diagram {
            vpcs: vpcs(network),
            groups: groups(t, network, reach),
            loose_endpoints: loose_endpoints(network),
            externals,
            edges,
        }
    }
}

/// The one VPC of a template that has one, where a construct's own VPC is not known.
fn single_vpc(network: &Network) -> Option<String> {
    (network.vpcs.len() == 1).then(|| network.vpcs[0].id.clone())
}

fn groups(t: &Template, network: &Network, reach: &Reachability) -> Vec<GroupBox> {
    let vpc_of = |id: &str| -> Option<String> {
        let v = t.resources.get(id)?.properties.get("VpcId")?;
        crate::template::ref_name(v).map(str::to_string)
    };
    reach
        .groups()
        .map(|g| GroupBox {
            node: node_id("sg", g),
            id: g.to_string(),
            endpoints: network
                .endpoints
                .iter()
                .filter(|e| e.security_groups.first().map(String::as_str) == Some(g))
                .map(|e| EndpointNode {
                    node: node_id("ep", &e.id),
                    service: e.service.clone(),
                })
                .collect(),
            vpc: vpc_of(g).or_else(|| single_vpc(network)),
        })
        .collect()
}

fn loose_endpoints(network: &Network) -> Vec<LooseEndpoint> {
    network
        .endpoints
        .iter()
        .filter(|e| e.security_groups.is_empty())
        .map(|e| LooseEndpoint {
            node: node_id("ep", &e.id),
            service: e.service.clone(),
            kind: e.kind.clone(),
            subnets: network
                .subnets
                .iter()
                .filter(|s| {
                    s.route_table
                        .as_ref()
                        .is_some_and(|rt| e.route_tables.contains(rt))
                })
                .map(|s| node_id("subnet", &s.id))
                .collect(),
            vpc: e.vpc.clone().or_else(|| single_vpc(network)),
        })
        .collect()
}

fn vpcs(network: &Network) -> Vec<VpcBox> {
    network
        .vpcs
        .iter()
        .enumerate()
        .map(|(i, v)| VpcBox {
            id: v.id.clone(),
            node: node_id("vpc", &v.id),
            cidr: v.cidr.clone(),
            zones: network
                .subnets_by_zone()
                .into_iter()
                .filter(|(_, subnets)| {
                    // Subnets of no known VPC are drawn in the first.
                    subnets.iter().any(|s| {
                        s.vpc.as_deref() == Some(v.id.as_str()) || (i == 0 && s.vpc.is_none())
                    })
                })
                .enumerate()
                .map(|(zi, (zone, subnets))| ZoneBox {
                    node: node_id("zone", &format!("{}_{}", v.id, zi + 1)),
                    zone,
                    subnets: subnets
                        .iter()
                        .map(|s| SubnetNode {
                            node: node_id("subnet", &s.id),
                            id: s.id.clone(),
                            cidr: s.cidr.clone(),
                        })
                        .collect(),
                })
                .collect(),
        })
        .collect()
}

/// The address blocks outside the VPC that flows reach, and an arrow for each flow.
fn flows(matrix: &[ReachEntry]) -> (Vec<Node>, Vec<Edge>) {
    let mut externals: Vec<Node> = Vec::new();
    let mut external_nodes: HashSet<String> = HashSet::new();
    let mut edges = Vec::new();
    for entry in matrix {
        // An endpoint sits inside its group's box: the arrow to the group says it all.
        if matches!(entry.to, Party::Endpoint(_)) || matches!(entry.from, Party::Endpoint(_)) {
            continue;
        }
        for p in [&entry.from, &entry.to] {
            if matches!(p, Party::Cidr(_) | Party::PrefixList(_)) {
                let node = party_node(p);
                if external_nodes.insert(node.clone()) {
                    externals.push(Node {
                        node,
                        name: p.to_string(),
                    });
                }
            }
        }
        let ports: Vec<String> = entry.allowed.iter().map(ToString::to_string).collect();
        edges.push(Edge {
            from: party_node(&entry.from),
            to: party_node(&entry.to),
            allowed: ports.join(", "),
        });
    }
    (externals, edges)
}
