//! The pairs of the reachability matrix, found without trying every sender against every
//! receiver.
//!
//! A pair can talk only when an egress rule of the sender covers the receiver and an ingress
//! rule of the receiver covers the sender. A rule names either a group (one peer, so there are
//! as many such edges as rules) or addresses. Parties whose addresses are alike are covered by
//! the same address rules, so each distinct address rule is tried once per class of alike
//! parties (all groups of one VPC are one class), not once per party. Each sender is then tried
//! only against the receivers one of the two sides admits, whichever is fewer, and
//! [`Reachability::grants`] decides each such pair exactly as it decides any other. Twice the
//! groups in the usual shapes (group-to-group rules, the default egress, rules naming the
//! VPC's block) is then twice the work, where trying every pair was four times.

use std::collections::{BTreeMap, HashMap};
use std::hash::Hash;

use indexmap::IndexSet;
use ipnet::IpNet;

use super::blocks::{Block, Family};
use super::read::Peer;
use super::{Budget, Pairs, Party, Reachability};
use crate::analysis::ReachTooLarge;
use crate::error::Result;

/// What address rules see of a block: an unknown block could be any block of its family, so
/// its text does not matter.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum BlockKey {
    Net(IpNet),
    Unknown(Option<Family>),
}

fn block_keys(blocks: &[Block]) -> Vec<BlockKey> {
    blocks
        .iter()
        .map(|b| match b {
            Block::Net(n) => BlockKey::Net(*n),
            Block::Unknown { family, .. } => BlockKey::Unknown(*family),
        })
        .collect()
}

/// Everything an address rule's answer for a party depends on: the party's addresses, and the
/// name of a prefix list (a rule naming the list covers it whatever its entries).
type ClassKey = (Vec<BlockKey>, Option<String>);

/// An address rule's peer, as far as coverage goes.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
enum PeerKey {
    Blocks(Vec<BlockKey>),
    List(String, Option<Vec<BlockKey>>),
}

fn peer_key(peer: &Peer) -> Option<PeerKey> {
    match peer {
        Peer::Blocks(bs) => Some(PeerKey::Blocks(block_keys(bs))),
        Peer::PrefixList { name, entries } => Some(PeerKey::List(
            name.clone(),
            entries.as_deref().map(block_keys),
        )),
        Peer::Group(_) | Peer::Foreign(_) => None,
    }
}

/// Numbers distinct values in order of first appearance.
struct Interner<K>(HashMap<K, usize>);

impl<K: Hash + Eq> Interner<K> {
    fn id(&mut self, key: K) -> (usize, bool) {
        let next = self.0.len();
        let id = *self.0.entry(key).or_insert(next);
        (id, id == next)
    }
}

/// Where a known block lies: its family, first address and prefix length, in an order where
/// the blocks that start inside a given block form one range.
type NetKey = (u8, u128, u8);

fn net_key(n: &IpNet) -> NetKey {
    match n {
        IpNet::V4(v) => (4, u128::from(u32::from(v.network())), v.prefix_len()),
        IpNet::V6(v) => (6, u128::from(v.network()), v.prefix_len()),
    }
}

/// One side of the matrix (the senders or the receivers), its parties sorted into classes of
/// alike addresses, and the classes indexed by their blocks.
struct Side<'p> {
    parties: &'p [Party],
    /// The class of each party.
    class: Vec<usize>,
    /// The parties of each class, in order; the first one stands for the class.
    members: Vec<Vec<usize>>,
    /// The classes by each known block of theirs.
    nets: BTreeMap<NetKey, Vec<usize>>,
    /// The classes with a block known only at launch: any block may overlap them.
    vague: Vec<usize>,
    /// The classes of prefix lists, by name.
    lists: HashMap<&'p str, Vec<usize>>,
    /// Per distinct address peer (by its number): the classes it covers, once asked.
    covered: HashMap<usize, Vec<usize>>,
    /// How many times a class was tried against a peer.
    tried: usize,
}

impl<'p> Side<'p> {
    fn new(reach: &Reachability, parties: &'p [Party]) -> Self {
        let mut classes = Interner(HashMap::new());
        let mut side = Side {
            parties,
            class: Vec::with_capacity(parties.len()),
            members: Vec::new(),
            nets: BTreeMap::new(),
            vague: Vec::new(),
            lists: HashMap::new(),
            covered: HashMap::new(),
            tried: 0,
        };
        for (i, p) in parties.iter().enumerate() {
            let name = match p {
                Party::PrefixList(n) => Some(n.as_str()),
                _ => None,
            };
            let addresses = reach.addresses_of(p);
            let key: ClassKey = (block_keys(&addresses), name.map(str::to_string));
            let (c, new) = classes.id(key);
            if new {
                side.members.push(Vec::new());
                for b in addresses.iter() {
                    match b {
                        Block::Net(n) => side.nets.entry(net_key(n)).or_default().push(c),
                        Block::Unknown { .. } => side.vague.push(c),
                    }
                }
                if let Some(n) = name {
                    side.lists.entry(n).or_default().push(c);
                }
            }
            side.members[c].push(i);
            side.class.push(c);
        }
        side
    }

    /// The classes with a block that may overlap `b`: every class for an unknown block; for a
    /// known one, the classes with a block that starts inside it or contains it.
    fn near(&self, b: &Block, out: &mut Vec<usize>) {
        let Block::Net(n) = b else {
            out.extend(0..self.members.len());
            return;
        };
        let (family, first, _) = net_key(n);
        let last = match n {
            IpNet::V4(v) => u128::from(u32::from(v.broadcast())),
            IpNet::V6(v) => u128::from(v.broadcast()),
        };
        for (_, cs) in self
            .nets
            .range((family, first, 0)..=(family, last, u8::MAX))
        {
            out.extend_from_slice(cs);
        }
        // A block that starts before `n` and overlaps it contains it: one of its supernets.
        let mut wider = n.supernet();
        while let Some(w) = wider {
            if let Some(cs) = self.nets.get(&net_key(&w)) {
                out.extend_from_slice(cs);
            }
            wider = w.supernet();
        }
        out.extend_from_slice(&self.vague);
    }

    /// The classes an address peer covers: those whose blocks may overlap it, each tried on
    /// the party that stands for it.
    fn covered_by(&mut self, reach: &Reachability, id: usize, peer: &Peer) -> &[usize] {
        if !self.covered.contains_key(&id) {
            let mut near: Vec<usize> = Vec::new();
            match peer {
                Peer::Blocks(bs) => bs.iter().for_each(|b| self.near(b, &mut near)),
                Peer::PrefixList { name, entries } => {
                    if let Some(cs) = self.lists.get(name.as_str()) {
                        near.extend_from_slice(cs);
                    }
                    match entries {
                        Some(entries) => entries.iter().for_each(|b| self.near(b, &mut near)),
                        None => near.extend(0..self.members.len()),
                    }
                }
                Peer::Group(_) | Peer::Foreign(_) => {}
            }
            near.sort_unstable();
            near.dedup();
            self.tried += near.len();
            near.retain(|&c| reach.covers(peer, &self.parties[self.members[c][0]]));
            self.covered.insert(id, near);
        }
        &self.covered[&id]
    }
}

/// The pairs of the matrix with their grants, and the work it took: the pairs tried, and the
/// classes tried against address rules. Stops with `ReachTooLarge` past the budget.
pub(super) fn pairs(reach: &Reachability, budget: Budget) -> Result<(Pairs, usize)> {
    // A block or prefix list that no address of the VPCs and no route leads to talks to
    // nobody.
    let (senders, receivers) = parties(reach);
    let senders: Vec<Party> = senders.into_iter().filter(|p| reach.routable(p)).collect();
    let receivers: Vec<Party> = receivers
        .into_iter()
        .filter(|p| reach.routable(p))
        .collect();
    let mut send = Side::new(reach, &senders);
    let mut recv = Side::new(reach, &receivers);
    let mut peers: Interner<PeerKey> = Interner(HashMap::new());

    // Receivers by the groups they are members of (a group, the endpoints that use it).
    let mut members_of: HashMap<&str, Vec<usize>> = HashMap::new();
    // Receivers whose ingress names a group, by that group; and by the classes of senders
    // their address ingress covers. Blocks and prefix lists have no rules: they admit anyone.
    let mut admit_group: HashMap<&str, Vec<usize>> = HashMap::new();
    let mut admit_class: Vec<Vec<usize>> = vec![Vec::new(); send.members.len()];
    let mut admit_all: Vec<usize> = Vec::new();
    for (r, p) in receivers.iter().enumerate() {
        if !matches!(p, Party::Group(_) | Party::Endpoint(_)) {
            admit_all.push(r);
            continue;
        }
        let mut classes: Vec<usize> = Vec::new();
        for g in reach.groups_of(p) {
            members_of.entry(g).or_default().push(r);
            let Some(group) = reach.groups.get(g) else {
                continue;
            };
            for rule in &group.ingress {
                if let Peer::Group(h) = &rule.peer {
                    admit_group.entry(h.as_str()).or_default().push(r);
                } else if let Some(key) = peer_key(&rule.peer) {
                    let (id, _) = peers.id(key);
                    classes.extend_from_slice(send.covered_by(reach, id, &rule.peer));
                }
            }
        }
        classes.sort_unstable();
        classes.dedup();
        for c in classes {
            admit_class[c].push(r);
        }
    }
    let none: Vec<usize> = Vec::new();
    let members = |g: &str| members_of.get(g).unwrap_or(&none).as_slice();

    let mut out = Vec::new();
    let mut tried = 0;
    let mut compared = 0;
    let mut candidates: Vec<usize> = Vec::new();
    let mut named: Vec<&[usize]> = Vec::new();
    let mut classes: Vec<usize> = Vec::new();
    for (s, from) in senders.iter().enumerate() {
        // The receivers whose ingress admits the sender.
        let by_group = match from {
            Party::Group(g) => admit_group.get(g.as_str()).map_or(&[][..], Vec::as_slice),
            _ => &[],
        };
        let by_class = &admit_class[send.class[s]];
        let admitted = by_group.len() + by_class.len() + admit_all.len();
        // The receivers its egress covers, when they are fewer (a block or prefix list sends
        // anything, so for it the ingress side always is).
        named.clear();
        classes.clear();
        let egress_side = matches!(from, Party::Group(_)) && {
            for g in reach.groups_of(from) {
                for rule in reach.egress_of(g) {
                    if let Peer::Group(h) = &rule.peer {
                        named.push(members(h));
                    } else if let Some(key) = peer_key(&rule.peer) {
                        let (id, _) = peers.id(key);
                        classes.extend_from_slice(recv.covered_by(reach, id, &rule.peer));
                    }
                }
            }
            classes.sort_unstable();
            classes.dedup();
            let covered = named.iter().map(|m| m.len()).sum::<usize>()
                + classes
                    .iter()
                    .map(|&c| recv.members[c].len())
                    .sum::<usize>();
            covered < admitted
        };
        candidates.clear();
        if egress_side {
            for m in &named {
                candidates.extend_from_slice(m);
            }
            for &c in &classes {
                candidates.extend_from_slice(&recv.members[c]);
            }
        } else {
            candidates.extend_from_slice(by_group);
            candidates.extend_from_slice(by_class);
            candidates.extend_from_slice(&admit_all);
        }
        candidates.sort_unstable();
        candidates.dedup();
        for &r in &candidates {
            let to = &receivers[r];
            if from == to && !matches!(from, Party::Group(_)) {
                continue;
            }
            tried += 1;
            let grants = reach.grants_between(from, to, &mut compared, budget.max_comparisons)?;
            if !grants.is_empty() {
                if out.len() == budget.max_pairs {
                    let limit = budget.max_pairs;
                    return Err(ReachTooLarge {
                        what: "pairs that can talk",
                        limit,
                    }
                    .into());
                }
                out.push((from.clone(), to.clone(), grants));
            }
        }
    }
    Ok((out, tried + send.tried + recv.tried))
}

/// The senders (the groups, then the blocks and prefix lists named in ingress rules) and the
/// receivers (the groups, the interface endpoints, then the blocks and prefix lists named in
/// egress rules), in the matrix's order.
fn parties(reach: &Reachability) -> (Vec<Party>, Vec<Party>) {
    let groups = reach.groups.keys().map(|g| Party::Group(g.clone()));
    let mut senders: IndexSet<Party> = groups.clone().collect();
    let mut receivers: IndexSet<Party> = groups.collect();
    receivers.extend(reach.endpoints.keys().map(|e| Party::Endpoint(e.clone())));
    let external = |peer: &Peer| -> Vec<Party> {
        match peer {
            Peer::Blocks(bs) => bs.iter().map(|b| Party::Cidr(b.text())).collect(),
            Peer::PrefixList { name, .. } => vec![Party::PrefixList(name.clone())],
            _ => Vec::new(),
        }
    };
    for group in reach.groups.values() {
        senders.extend(group.ingress.iter().flat_map(|r| external(&r.peer)));
        receivers.extend(group.egress.iter().flat_map(|r| external(&r.peer)));
    }
    (
        senders.into_iter().collect(),
        receivers.into_iter().collect(),
    )
}

#[cfg(test)]
mod tests;
