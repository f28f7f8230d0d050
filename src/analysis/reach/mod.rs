//! Who can reach whom: security groups, their rules, and the routes that leave the VPC.
//!
//! Traffic from A to B is allowed when an egress rule of A's group admits B **and** an ingress
//! rule of B's group admits A (security groups are stateful, so replies need nothing more).
//! The reading never shows less than AWS may allow:
//!
//! - a group whose egress list is left out or empty gets the default allow-all egress; where
//!   its egress comes only from separate `AWS::EC2::SecurityGroupEgress` resources, the default
//!   counts as kept, since sources disagree on whether CloudFormation removes it;
//! - the no-traffic rule airgap writes (ICMP type 252 code 86 to 255.255.255.255/32, CDK's
//!   idiom) means "no egress";
//! - a rule naming a block that overlaps one of a VPC's blocks (primary, secondary, IPv6)
//!   admits every group in that VPC; a block known only at launch counts as any block;
//! - addresses outside every VPC are reachable only where a route table sends them somewhere.

mod blocks;
mod json;
mod pairs;
mod read;
mod traffic;

use std::borrow::Cow;
use std::collections::HashSet;
use std::fmt;

use indexmap::IndexMap;

use self::blocks::{Block, Resolver, prefix_lists, vpc_blocks};
use self::read::{Group, Peer, Reader, Rule};
use super::error::ReachTooLarge;
use super::model::Network;
use crate::error::Result;
use crate::template::Template;

pub use self::read::RuleSource;
pub(crate) use self::read::{default_egress, is_no_traffic_rule};
pub use self::traffic::{Allowed, Traffic};

/// One side of a conversation.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum Party {
    /// Members of a security group (its logical ID).
    Group(String),
    /// A VPC endpoint (its logical ID): reached through its security groups.
    Endpoint(String),
    /// An address block, e.g. `10.0.0.0/16` or `0.0.0.0/0`, or a block known only at launch as
    /// written (`!Ref AllowedBlock`).
    Cidr(String),
    /// A prefix list: its logical ID when the template defines it, else as written (e.g.
    /// `!Ref S3PrefixListId`).
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

/// The most pairs that can talk [`Reachability::matrix`] lists before it stops with
/// [`ReachTooLarge`]: the pairs of 316 groups that all reach each other. A network a review can
/// follow has a few thousand; the matrix grows with the square of the groups, so a small
/// hostile template could otherwise ask for millions.
pub const MAX_PAIRS: usize = 100_000;

/// The most comparisons of an egress rule with an ingress rule [`Reachability::matrix`] makes
/// before it stops with [`ReachTooLarge`]. Each pair costs the product of the two sides'
/// rules that cover it; AWS allows at most 1,000 rules a group, and two groups of 5,000 (a
/// template of 800 KB) would cost 25 million comparisons for their one pair.
pub const MAX_COMPARISONS: usize = 20_000_000;

/// The pairs of a matrix, each with its grants.
type Pairs = Vec<(Party, Party, Vec<Grant>)>;

/// What a matrix may spend: pairs listed and rule comparisons made.
#[derive(Debug, Clone, Copy)]
struct Budget {
    max_pairs: usize,
    max_comparisons: usize,
}

/// Adds `n` to what has been `spent` of `limit`, or says there is too much of `what`.
fn spend(spent: &mut usize, n: usize, limit: usize, what: &'static str) -> Result<()> {
    *spent = spent.saturating_add(n);
    if *spent > limit {
        return Err(ReachTooLarge { what, limit }.into());
    }
    Ok(())
}

/// Whether a group keeps the allow-all egress AWS adds to a new group.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum DefaultEgress {
    /// The group states egress rules inline (the no-traffic rule counts): AWS adds no default.
    Removed,
    /// The group states no egress rule (left out or `[]`): AWS adds allow-all egress.
    Kept,
    /// No inline egress, but separate `AWS::EC2::SecurityGroupEgress` resources: AWS documents
    /// the default as added at creation and the resource as adding a rule, reports differ on
    /// what CloudFormation does; the reachability counts the default as kept.
    Disputed,
}

/// Something the reading had to assume, because the template does not determine it.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct Approximation {
    /// The resource it is about.
    pub subject: String,
    /// `unknown-block`, `unknown-vpc-block`, `unknown-prefix-list`, `disputed-default-egress`,
    /// `conditional-rule` or `vpc-outside-template`.
    pub kind: &'static str,
    /// What was assumed, in words.
    pub text: String,
}

/// Why a pair may exchange some traffic: the egress rule of the sender and the ingress rule of
/// the receiver that both admit it (`None` for a side that is not a group: an address block or
/// prefix list has no rules in the template).
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Grant {
    /// What both rules admit.
    pub allowed: Allowed,
    /// The sender's egress rule.
    pub egress: Option<RuleSource>,
    /// The receiver's ingress rule.
    pub ingress: Option<RuleSource>,
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
    /// Interface endpoints: their groups and the blocks their addresses are in.
    endpoints: IndexMap<String, (Vec<String>, Vec<Block>)>,
    /// Every block addresses inside the template's VPCs may be in.
    inside: Vec<Block>,
    vpcs: IndexMap<String, Vec<Block>>,
    /// Destinations of routes that leave the VPC.
    routed: Vec<Block>,
    /// Prefix lists named by routes, or any when a gateway endpoint has route tables.
    routed_lists: Vec<String>,
    prefix_routes: bool,
    /// Prefix lists named by rules: their entries when the template defines them.
    prefix_lists: IndexMap<String, Option<Vec<Block>>>,
    approximations: Vec<Approximation>,
}

/// The destinations of the template's routes: blocks, and prefix lists by name.
fn routes(t: &Template, resolver: &Resolver<'_>) -> (Vec<Block>, Vec<String>) {
    let mut blocks = Vec::new();
    let mut lists = Vec::new();
    for (_, r) in t.resources_of_type("AWS::EC2::Route") {
        let p = &r.properties;
        for key in ["DestinationCidrBlock", "DestinationIpv6CidrBlock"] {
            if let Some(d) = p.get(key) {
                blocks.extend(resolver.blocks(d, None));
            }
        }
        if let Some(d) = p.get("DestinationPrefixListId") {
            // Named as rules name it: the logical ID of a list the template defines, else as
            // written.
            let defined = super::model::ref_target(d).filter(|id| {
                t.resources
                    .get(*id)
                    .is_some_and(|r| r.resource_type == "AWS::EC2::PrefixList")
            });
            lists.push(defined.map_or_else(|| super::model::display(d), str::to_string));
        }
    }
    (blocks, lists)
}

/// A block that could be any address at all (a VPC the template does not define).
fn anywhere(text: String) -> Block {
    Block::Unknown { text, family: None }
}

impl Reachability {
    /// Reads the security groups, endpoints and routes of `t`.
    pub fn of(t: &Template) -> Reachability {
        let network = Network::of(t);
        let resolver = Resolver::new(t);
        let vpcs = vpc_blocks(t, &resolver);
        let mut reader = Reader {
            t,
            prefix_lists: prefix_lists(t, &resolver),
            resolver,
            approximations: Vec::new(),
            noted: HashSet::new(),
        };
        let groups = reader.groups();
        for (vpc, blocks) in &vpcs {
            for b in blocks.iter().filter(|b| b.is_unknown()) {
                reader.note(
                    vpc,
                    "unknown-vpc-block",
                    format!(
                        "`{}` is known only at launch, so any rule's block may overlap it",
                        b.text()
                    ),
                );
            }
        }
        let mut inside: Vec<Block> = vpcs.values().flatten().cloned().collect();
        let addresses = |vpc: Option<&String>| vpc.and_then(|v| vpcs.get(v)).cloned();
        for (id, g) in &groups {
            if addresses(g.vpc.as_ref()).is_none() {
                reader.note(
                    id,
                    "vpc-outside-template",
                    format!(
                        "the VPC of `{id}` is not in the template, so its members count as having any address"
                    ),
                );
                // One block that could be any address stands for all such VPCs: `inside` is
                // only ever asked what may overlap, and one answers as many would.
                if !inside
                    .last()
                    .is_some_and(|b| matches!(b, Block::Unknown { family: None, .. }))
                {
                    inside.push(anywhere(format!("the VPC of {id}")));
                }
            }
        }
        let approximations = std::mem::take(&mut reader.approximations);
        let endpoints = network
            .endpoints
            .iter()
            .filter(|e| e.is_interface())
            .map(|e| {
                let blocks = addresses(e.vpc.as_ref())
                    .or_else(|| {
                        let from_groups: Vec<Block> = e
                            .security_groups
                            .iter()
                            .filter_map(|g| groups.get(g))
                            .filter_map(|g| addresses(g.vpc.as_ref()))
                            .flatten()
                            .collect();
                        (!from_groups.is_empty()).then_some(from_groups)
                    })
                    .unwrap_or_else(|| vec![anywhere(format!("the VPC of {}", e.id))]);
                (e.id.clone(), (e.security_groups.clone(), blocks))
            })
            .collect();
        let (routed, routed_lists) = routes(t, &reader.resolver);
        let prefix_routes = network
            .endpoints
            .iter()
            .any(|e| !e.is_interface() && !e.route_tables.is_empty());
        let mut lists: IndexMap<String, Option<Vec<Block>>> = IndexMap::new();
        for rule in groups
            .values()
            .flat_map(|g| g.ingress.iter().chain(&g.egress))
        {
            if let Peer::PrefixList { name, entries } = &rule.peer {
                lists.insert(name.clone(), entries.clone());
            }
        }
        Reachability {
            groups,
            endpoints,
            inside,
            vpcs,
            routed,
            routed_lists,
            prefix_routes,
            prefix_lists: lists,
            approximations,
        }
    }

    fn groups_of<'a>(&'a self, p: &'a Party) -> Vec<&'a str> {
        match p {
            Party::Group(g) => vec![g.as_str()],
            Party::Endpoint(e) => self
                .endpoints
                .get(e)
                .map(|(gs, _)| gs.iter().map(String::as_str).collect())
                .unwrap_or_default(),
            _ => Vec::new(),
        }
    }

    /// The blocks the addresses of a party may be in.
    fn addresses_of(&self, p: &Party) -> Cow<'_, [Block]> {
        match p {
            Party::Group(g) => match self.groups.get(g) {
                Some(group) => match group.vpc.as_ref().and_then(|v| self.vpcs.get(v)) {
                    Some(blocks) => Cow::Borrowed(blocks),
                    None => Cow::Owned(vec![anywhere(g.clone())]),
                },
                None => Cow::Borrowed(&[]),
            },
            Party::Endpoint(e) => match self.endpoints.get(e) {
                Some((_, blocks)) => Cow::Borrowed(blocks),
                None => Cow::Borrowed(&[]),
            },
            Party::Cidr(c) => Cow::Owned(vec![Block::parse(c)]),
            Party::PrefixList(name) => match self.prefix_lists.get(name) {
                Some(Some(entries)) => Cow::Borrowed(entries),
                _ => Cow::Owned(vec![anywhere(name.clone())]),
            },
        }
    }

    /// Whether a rule's peer covers party `p`.
    fn covers(&self, peer: &Peer, p: &Party) -> bool {
        match peer {
            Peer::Group(g) => self.groups_of(p).contains(&g.as_str()),
            Peer::Foreign(_) => false,
            Peer::Blocks(blocks) => {
                let addresses = self.addresses_of(p);
                blocks
                    .iter()
                    .any(|b| addresses.iter().any(|a| b.overlaps(a)))
            }
            Peer::PrefixList { name, entries } => {
                if matches!(p, Party::PrefixList(n) if n == name) {
                    return true;
                }
                let addresses = self.addresses_of(p);
                match entries {
                    Some(entries) => entries
                        .iter()
                        .any(|b| addresses.iter().any(|a| b.overlaps(a))),
                    None => !addresses.is_empty(),
                }
            }
        }
    }

    /// Whether a block or prefix list has addresses inside a VPC, or a route to it.
    fn routable(&self, p: &Party) -> bool {
        match p {
            Party::Group(_) | Party::Endpoint(_) => true,
            Party::PrefixList(name) => {
                self.prefix_routes
                    || self.routed_lists.contains(name)
                    || self.reaches_inside_or_routes(&self.addresses_of(p))
            }
            Party::Cidr(_) => self.reaches_inside_or_routes(&self.addresses_of(p)),
        }
    }

    fn reaches_inside_or_routes(&self, blocks: &[Block]) -> bool {
        blocks.iter().any(|b| {
            self.inside.iter().any(|i| i.overlaps(b)) || self.routed.iter().any(|r| r.overlaps(b))
        })
    }

    /// Whether an address block or prefix list is reached only through its addresses inside
    /// the template's VPCs: part of it lies outside every VPC, and no route leads there. The
    /// table then says so, so that `0.0.0.0/0` is not read as the internet.
    pub fn inside_vpc_only(&self, p: &Party) -> bool {
        if matches!(p, Party::Group(_) | Party::Endpoint(_)) {
            return false;
        }
        if let Party::PrefixList(name) = p
            && (self.prefix_routes || self.routed_lists.contains(name))
        {
            return false;
        }
        let blocks = self.addresses_of(p);
        let known_inside = |b: &Block| match b {
            Block::Net(n) => self
                .inside
                .iter()
                .any(|i| matches!(i, Block::Net(v) if v.contains(n))),
            Block::Unknown { .. } => false,
        };
        !blocks.is_empty()
            && !blocks.iter().any(|b| b.is_unknown())
            && !self.inside.iter().any(Block::is_unknown)
            && !blocks.iter().all(known_inside)
            && !blocks
                .iter()
                .any(|b| self.routed.iter().any(|r| r.overlaps(b)))
    }

    fn egress_of(&self, group: &str) -> &[Rule] {
        self.groups
            .get(group)
            .map(|g| g.egress.as_slice())
            .unwrap_or_default()
    }

    /// Why `from` may send to `to`: every pair of an egress rule of `from` and an ingress rule of
    /// `to` that admit each other, with what both allow.
    ///
    /// Its cost is the product of the rules of the two sides that cover each other, which
    /// nothing bounds in a template that is not launched; [`matrix`](Self::matrix) is bounded.
    pub fn grants(&self, from: &Party, to: &Party) -> Vec<Grant> {
        if !self.routable(from) || !self.routable(to) {
            return Vec::new();
        }
        // Unbounded: it cannot fail.
        self.grants_between(from, to, &mut 0, usize::MAX)
            .unwrap_or_default()
    }

    /// [`grants`](Self::grants) for two parties already known to be routable, adding the rule
    /// comparisons to those `compared` so far, of at most `limit`.
    fn grants_between(
        &self,
        from: &Party,
        to: &Party,
        compared: &mut usize,
        limit: usize,
    ) -> Result<Vec<Grant>> {
        let out: Vec<(Allowed, Option<&Rule>)> = match from {
            Party::Group(_) | Party::Endpoint(_) => self
                .groups_of(from)
                .iter()
                .flat_map(|g| self.egress_of(g))
                .filter(|r| self.covers(&r.peer, to))
                .map(|r| (r.allowed.clone(), Some(r)))
                .collect(),
            _ => vec![(Allowed::ALL, None)],
        };
        let into: Vec<(Allowed, Option<&Rule>)> = match to {
            Party::Group(_) | Party::Endpoint(_) => self
                .groups_of(to)
                .iter()
                .filter_map(|g| self.groups.get(*g))
                .flat_map(|g| g.ingress.iter())
                .filter(|r| self.covers(&r.peer, from))
                .map(|r| (r.allowed.clone(), Some(r)))
                .collect(),
            _ => vec![(Allowed::ALL, None)],
        };
        spend(
            compared,
            out.len().saturating_mul(into.len()),
            limit,
            "comparisons of an egress rule with an ingress rule",
        )?;
        let mut grants: Vec<Grant> = Vec::new();
        for (o, orule) in &out {
            for (i, irule) in &into {
                if let Some(allowed) = o.intersect(i) {
                    grants.push(Grant {
                        allowed,
                        egress: orule.map(|r| r.source.clone()),
                        ingress: irule.map(|r| r.source.clone()),
                    });
                }
            }
        }
        // Sorted, then each once: a search of the list for every grant was quadratic in them.
        grants.sort();
        grants.dedup();
        Ok(grants)
    }

    /// The protocols and ports `from` may send to `to`: allowed out of `from` and into `to`.
    pub fn allowed(&self, from: &Party, to: &Party) -> Vec<Allowed> {
        // Grants are sorted by what they allow first.
        let mut result: Vec<Allowed> = self
            .grants(from, to)
            .into_iter()
            .map(|g| g.allowed)
            .collect();
        result.dedup();
        result
    }

    /// Whether `from` may open a TCP connection to `to` on `port`.
    pub fn can_reach(&self, from: &Party, to: &Party, port: u16) -> bool {
        self.allows(from, to, Traffic::tcp(port))
    }

    /// Whether `from` may send `traffic` to `to`.
    ///
    /// What two rules both allow admits `traffic` exactly when each of them does, so this asks
    /// for one egress rule and one ingress rule that admit it, never for their combinations:
    /// its cost is the sum of the two sides' rules, not their product.
    pub fn allows(&self, from: &Party, to: &Party, traffic: Traffic) -> bool {
        if !self.routable(from) || !self.routable(to) {
            return false;
        }
        let sent = match from {
            Party::Group(_) | Party::Endpoint(_) => self
                .groups_of(from)
                .iter()
                .flat_map(|g| self.egress_of(g))
                .any(|r| r.allowed.admits(traffic) && self.covers(&r.peer, to)),
            _ => true,
        };
        sent && match to {
            Party::Group(_) | Party::Endpoint(_) => self
                .groups_of(to)
                .iter()
                .filter_map(|g| self.groups.get(*g))
                .flat_map(|g| g.ingress.iter())
                .any(|r| r.allowed.admits(traffic) && self.covers(&r.peer, from)),
            _ => true,
        }
    }

    /// The security groups, by logical ID.
    pub fn groups(&self) -> impl Iterator<Item = &str> {
        self.groups.keys().map(String::as_str)
    }

    /// Whether a group certainly keeps the allow-all egress AWS adds to a group created without
    /// egress rules (its `SecurityGroupEgress` is left out or empty, and no separate egress
    /// resource names it).
    pub fn has_default_egress(&self, group: &str) -> bool {
        self.default_egress(group) == Some(DefaultEgress::Kept)
    }

    /// What becomes of the allow-all default egress of `group` (`None` when there is no such
    /// group in the template).
    pub fn default_egress(&self, group: &str) -> Option<DefaultEgress> {
        self.groups.get(group).map(|g| g.default_egress)
    }

    /// What the reading had to assume about this template, in template order.
    pub fn approximations(&self) -> &[Approximation] {
        &self.approximations
    }

    /// Every pair that can talk, with what it may send: senders are the groups and the blocks
    /// and prefix lists named in ingress rules; receivers are the groups, the interface
    /// endpoints, and the blocks and prefix lists named in egress rules (`0.0.0.0/0` and `::/0`
    /// where a group keeps the default egress). Pairs that may send nothing are left out.
    ///
    /// # Errors
    ///
    /// [`ReachTooLarge`] when there are more than [`MAX_PAIRS`] such pairs or working them out
    /// takes more than [`MAX_COMPARISONS`] rule comparisons: the matrix grows with the square
    /// of the groups, and a template that is read, not launched, bounds nothing.
    pub fn matrix(&self) -> Result<Vec<ReachEntry>> {
        self.matrix_within(MAX_PAIRS, MAX_COMPARISONS)
    }

    /// [`matrix`](Self::matrix) with other bounds: at most `max_pairs` pairs and
    /// `max_comparisons` rule comparisons.
    ///
    /// ```
    /// use airgap::analysis::{Reachability, ReachTooLarge};
    /// use airgap::template::Template;
    /// let t = Template::from_yaml(r#"
    /// Resources:
    ///   A: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: a}}
    ///   B: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: b,
    ///       SecurityGroupIngress: [{IpProtocol: tcp, FromPort: 443, ToPort: 443, SourceSecurityGroupId: !Ref A}]}}
    /// "#)?;
    /// let reach = Reachability::of(&t);
    /// // A to B; each to 0.0.0.0/0 and ::/0 by the default egress.
    /// assert_eq!(reach.matrix_within(10, 1_000)?.len(), 5);
    /// let err = reach.matrix_within(4, 1_000).unwrap_err();
    /// let too_large: &ReachTooLarge = err.downcast_ref().expect("bounded");
    /// assert_eq!((too_large.what, too_large.limit), ("pairs that can talk", 4));
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn matrix_within(
        &self,
        max_pairs: usize,
        max_comparisons: usize,
    ) -> Result<Vec<ReachEntry>> {
        Ok(self
            .pairs(max_pairs, max_comparisons)?
            .into_iter()
            .map(|(from, to, grants)| {
                // Grants are sorted by what they allow first.
                let mut allowed: Vec<Allowed> = grants.into_iter().map(|g| g.allowed).collect();
                allowed.dedup();
                ReachEntry { from, to, allowed }
            })
            .collect())
    }

    /// The pairs of [`matrix`](Self::matrix), each with its grants, within the bounds.
    fn pairs(&self, max_pairs: usize, max_comparisons: usize) -> Result<Pairs> {
        let budget = Budget {
            max_pairs,
            max_comparisons,
        };
        Ok(pairs::pairs(self, budget)?.0)
    }
}
