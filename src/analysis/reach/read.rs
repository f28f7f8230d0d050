//! Reading security groups, their rules and the default egress from a template.

use std::collections::HashSet;

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::blocks::{Block, Family, Resolver};
use super::traffic::{Allowed, port, protocol};
use super::{Approximation, DefaultEgress};
use crate::analysis::model::{display, ref_target};
use crate::template::{Intrinsic, Template};

const NO_TRAFFIC: &str = "255.255.255.255/32";

/// Who a rule names.
#[derive(Debug, Clone, PartialEq)]
pub(crate) enum Peer {
    /// Address blocks (several when the value depends on a condition).
    Blocks(Vec<Block>),
    /// Members of a group of the template.
    Group(String),
    /// A group the template does not define (an import, a parameter).
    Foreign(String),
    /// A prefix list: its name in the table, and its entries when the template defines it.
    PrefixList {
        name: String,
        entries: Option<Vec<Block>>,
    },
}

/// Where a rule is written, so the table can say why a pair may talk.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct RuleSource {
    /// The group the rule belongs to.
    pub group: String,
    /// The resource that states it: the group itself for inline rules and the default egress,
    /// or an `AWS::EC2::SecurityGroupIngress`/`SecurityGroupEgress`.
    pub resource: String,
    /// Position in the group's `SecurityGroupIngress`/`SecurityGroupEgress` list (inline rules).
    pub index: Option<usize>,
    /// Egress (true) or ingress.
    pub egress: bool,
    /// The rule in words, e.g. `tcp 443 to DbSecurityGroup`.
    pub text: String,
}

/// One rule of a group, as AWS reads it.
#[derive(Debug, Clone)]
pub(crate) struct Rule {
    pub(crate) allowed: Allowed,
    pub(crate) peer: Peer,
    pub(crate) source: RuleSource,
}

/// A security group of the template.
#[derive(Debug, Clone)]
pub(crate) struct Group {
    pub(crate) vpc: Option<String>,
    pub(crate) ingress: Vec<Rule>,
    /// Every egress rule that may apply, the default allow-all included where it may remain.
    pub(crate) egress: Vec<Rule>,
    pub(crate) default_egress: DefaultEgress,
}

/// The values `v` may take: each branch of `Fn::If`, `None` for `AWS::NoValue`.
pub(crate) fn alternatives(v: &Value) -> Vec<Option<&Value>> {
    match Intrinsic::classify(v) {
        Some(Intrinsic::If {
            then, otherwise, ..
        }) => {
            let mut out = alternatives(then);
            out.extend(alternatives(otherwise));
            out
        }
        Some(Intrinsic::Ref("AWS::NoValue")) => vec![None],
        _ => vec![Some(v)],
    }
}

/// A rule object and its position in its group's list.
type Positioned<'v> = (usize, &'v Map<String, Value>);

/// The rule objects of an inline list with their positions, and whether the list may be empty
/// at launch (left out, `[]`, or every rule under a condition that may drop it).
fn inline_rules(v: Option<&Value>) -> (Vec<Positioned<'_>>, bool) {
    let Some(v) = v else {
        return (Vec::new(), true);
    };
    let mut rules = Vec::new();
    let mut may_be_empty = false;
    for list in alternatives(v) {
        let Some(Value::Array(items)) = list else {
            may_be_empty = true;
            continue;
        };
        let mut all_may_vanish = true;
        for (i, item) in items.iter().enumerate() {
            let mut vanishes = false;
            for alt in alternatives(item) {
                match alt.and_then(Value::as_object) {
                    Some(m) => rules.push((i, m)),
                    None => vanishes = true,
                }
            }
            all_may_vanish &= vanishes;
        }
        may_be_empty |= all_may_vanish;
    }
    (rules, may_be_empty)
}

/// Whether a value depends on a condition somewhere inside.
fn conditional(v: &Value) -> bool {
    match v {
        Value::Object(m) => {
            matches!(Intrinsic::classify(v), Some(Intrinsic::If { .. }))
                || m.values().any(conditional)
        }
        Value::Array(items) => items.iter().any(conditional),
        _ => false,
    }
}

/// Whether a rule is airgap's (and CDK's) "no traffic" placeholder.
pub(crate) fn is_no_traffic_rule(r: &Map<String, Value>) -> bool {
    r.get("CidrIp").and_then(Value::as_str) == Some(NO_TRAFFIC)
        && protocol(r.get("IpProtocol")) == Some(Some(1))
        && port(r.get("FromPort")) == Some(252)
        && port(r.get("ToPort")) == Some(86)
}

/// The groups of the template a rule resource adds its rule to (`GroupId`, or `GroupName` for
/// groups of the default VPC; both branches of an `Fn::If`).
fn owners<'t>(t: &'t Template, p: &'t IndexMap<String, Value>) -> Vec<&'t str> {
    p.get("GroupId")
        .or_else(|| p.get("GroupName"))
        .map(alternatives)
        .unwrap_or_default()
        .into_iter()
        .flatten()
        .filter_map(ref_target)
        .filter(|o| {
            t.resources
                .get(*o)
                .is_some_and(|r| r.resource_type == "AWS::EC2::SecurityGroup")
        })
        .collect()
}

/// What becomes of each group's default egress, with the separate egress resources that name
/// it: the one reading both the reachability and the checks (AG-SG-002, AG-SG-005) use.
pub(crate) fn default_egress(t: &Template) -> IndexMap<String, (DefaultEgress, Vec<String>)> {
    let mut standalone: IndexMap<&str, Vec<String>> = IndexMap::new();
    for (rid, r) in t.resources_of_type("AWS::EC2::SecurityGroupEgress") {
        for owner in owners(t, &r.properties) {
            standalone.entry(owner).or_default().push(rid.to_string());
        }
    }
    t.resources_of_type("AWS::EC2::SecurityGroup")
        .map(|(id, r)| {
            let (_, may_be_empty) = inline_rules(r.properties.get("SecurityGroupEgress"));
            let resources = standalone.get(id).cloned().unwrap_or_default();
            let state = match (may_be_empty, resources.is_empty()) {
                (false, _) => DefaultEgress::Removed,
                (true, true) => DefaultEgress::Kept,
                (true, false) => DefaultEgress::Disputed,
            };
            (id.to_string(), (state, resources))
        })
        .collect()
}

/// Reads groups, noting each approximation it had to make.
pub(crate) struct Reader<'t> {
    pub(crate) t: &'t Template,
    pub(crate) resolver: Resolver<'t>,
    pub(crate) prefix_lists: IndexMap<String, Vec<Block>>,
    pub(crate) approximations: Vec<Approximation>,
    /// The approximations noted so far, so that each is noted once without a search.
    pub(crate) noted: HashSet<Approximation>,
}

impl Reader<'_> {
    /// Notes an approximation, once.
    pub(crate) fn note(&mut self, subject: &str, kind: &'static str, text: String) {
        let a = Approximation {
            subject: subject.to_string(),
            kind,
            text,
        };
        if self.noted.insert(a.clone()) {
            self.approximations.push(a);
        }
    }

    fn peers(&mut self, r: &Map<String, Value>, egress: bool, at: &str) -> Vec<Peer> {
        let (groups, lists): (&[&str], &str) = if egress {
            (&["DestinationSecurityGroupId"], "DestinationPrefixListId")
        } else {
            (
                &["SourceSecurityGroupId", "SourceSecurityGroupName"],
                "SourcePrefixListId",
            )
        };
        let mut out = Vec::new();
        for (key, family) in [("CidrIp", Family::V4), ("CidrIpv6", Family::V6)] {
            if let Some(v) = r.get(key) {
                let blocks = self.resolver.blocks(v, Some(family));
                for b in blocks.iter().filter(|b| b.is_unknown()) {
                    self.note(
                        at,
                        "unknown-block",
                        format!(
                            "`{}` is known only at launch, so it counts as any address block",
                            b.text()
                        ),
                    );
                }
                if !blocks.is_empty() {
                    out.push(Peer::Blocks(blocks));
                }
            }
        }
        for key in groups {
            for alt in r.get(*key).map(alternatives).unwrap_or_default() {
                let Some(v) = alt else { continue };
                out.push(match ref_target(v) {
                    Some(id)
                        if self
                            .t
                            .resources
                            .get(id)
                            .is_some_and(|g| g.resource_type == "AWS::EC2::SecurityGroup") =>
                    {
                        Peer::Group(id.to_string())
                    }
                    _ => Peer::Foreign(display(v)),
                });
            }
        }
        for alt in r.get(lists).map(alternatives).unwrap_or_default() {
            let Some(v) = alt else { continue };
            let defined = ref_target(v).filter(|id| self.prefix_lists.contains_key(*id));
            out.push(match defined {
                Some(id) => Peer::PrefixList {
                    name: id.to_string(),
                    entries: Some(self.prefix_lists[id].clone()),
                },
                None => {
                    self.note(
                        at,
                        "unknown-prefix-list",
                        format!(
                            "the entries of prefix list `{}` are not in the template, so it counts as any address",
                            display(v)
                        ),
                    );
                    Peer::PrefixList {
                        name: display(v),
                        entries: None,
                    }
                }
            });
        }
        out
    }

    /// The rules one rule object states (one for each peer it may name).
    fn rules(
        &mut self,
        r: &Map<String, Value>,
        egress: bool,
        group: &str,
        resource: &str,
        index: Option<usize>,
    ) -> Vec<Rule> {
        let allowed = Allowed::of_rule(r);
        let peers = self.peers(r, egress, resource);
        peers
            .into_iter()
            .map(|peer| {
                let whom = match &peer {
                    Peer::Blocks(bs) => bs.iter().map(Block::text).collect::<Vec<_>>().join(" or "),
                    Peer::Group(g) | Peer::Foreign(g) => g.clone(),
                    Peer::PrefixList { name, .. } => format!("prefix list {name}"),
                };
                let text = format!("{allowed} {} {whom}", if egress { "to" } else { "from" });
                Rule {
                    allowed: allowed.clone(),
                    peer,
                    source: RuleSource {
                        group: group.to_string(),
                        resource: resource.to_string(),
                        index,
                        egress,
                        text,
                    },
                }
            })
            .collect()
    }

    /// Every security group of the template with its rules.
    pub(crate) fn groups(&mut self) -> IndexMap<String, Group> {
        let t = self.t;
        let mut groups: IndexMap<String, Group> = IndexMap::new();
        for (id, r) in t.resources_of_type("AWS::EC2::SecurityGroup") {
            let p = &r.properties;
            let mut g = Group {
                vpc: p.get("VpcId").and_then(ref_target).map(str::to_string),
                ingress: Vec::new(),
                egress: Vec::new(),
                default_egress: DefaultEgress::Removed,
            };
            if ["SecurityGroupIngress", "SecurityGroupEgress"]
                .iter()
                .filter_map(|k| p.get(*k))
                .any(conditional)
            {
                self.note(
                    id,
                    "conditional-rule",
                    format!("`{id}` has rules that depend on conditions: each counts as present, and as possibly absent where that leaves no egress rule"),
                );
            }
            let (ingress, _) = inline_rules(p.get("SecurityGroupIngress"));
            for (i, rule) in ingress {
                g.ingress.extend(self.rules(rule, false, id, id, Some(i)));
            }
            let (egress, _) = inline_rules(p.get("SecurityGroupEgress"));
            for (i, rule) in egress {
                if !is_no_traffic_rule(rule) {
                    g.egress.extend(self.rules(rule, true, id, id, Some(i)));
                }
            }
            groups.insert(id.to_string(), g);
        }
        for (kind, egress) in [
            ("AWS::EC2::SecurityGroupIngress", false),
            ("AWS::EC2::SecurityGroupEgress", true),
        ] {
            for (rid, r) in t.resources_of_type(kind) {
                let p = &r.properties;
                if r.condition.is_some() || p.values().any(conditional) {
                    self.note(
                        rid,
                        "conditional-rule",
                        format!("`{rid}` depends on a condition: it counts as present"),
                    );
                }
                let m: Map<String, Value> = p.iter().map(|(k, v)| (k.clone(), v.clone())).collect();
                for owner in owners(t, p) {
                    if egress && is_no_traffic_rule(&m) {
                        continue;
                    }
                    let rules = self.rules(&m, egress, owner, rid, None);
                    let g = &mut groups[owner];
                    if egress {
                        g.egress.extend(rules);
                    } else {
                        g.ingress.extend(rules);
                    }
                }
            }
        }
        for (id, (state, resources)) in default_egress(t) {
            let Some(g) = groups.get_mut(&id) else {
                continue;
            };
            g.default_egress = state;
            match state {
                DefaultEgress::Removed => continue,
                DefaultEgress::Kept => {}
                DefaultEgress::Disputed => self.note(
                    &id,
                    "disputed-default-egress",
                    format!(
                        "`{id}` has no inline egress rule and gets its egress from {}: whether CloudFormation then removes the default allow-all egress is disputed, so it counts as kept",
                        resources
                            .iter()
                            .map(|r| format!("`{r}`"))
                            .collect::<Vec<_>>()
                            .join(", ")
                    ),
                ),
            }
            for cidr in ["0.0.0.0/0", "::/0"] {
                g.egress.push(Rule {
                    allowed: Allowed::ALL,
                    peer: Peer::Blocks(vec![Block::parse(cidr)]),
                    source: RuleSource {
                        group: id.clone(),
                        resource: id.clone(),
                        index: None,
                        egress: true,
                        text: format!("all traffic to {cidr} (the default egress)"),
                    },
                });
            }
        }
        groups
    }
}
