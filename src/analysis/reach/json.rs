//! The reachability as a JSON document, for other tools: every pair with what it may send and
//! the two rules that allow it, and the approximations the reading made.
//!
//! The document is serialized from borrowed views of the pairs, not built as a
//! `serde_json::Value` first: a value tree took ten times the memory of the text it printed,
//! and a matrix may have [`MAX_PAIRS`](super::MAX_PAIRS) pairs.

use serde::Serialize;
use serde::ser::SerializeSeq;
use serde_json::Value;

use super::{Allowed, DefaultEgress, Grant, Party, Reachability, RuleSource};
use crate::error::Result;

#[derive(Serialize)]
struct PartyView<'a> {
    kind: &'static str,
    id: &'a str,
    #[serde(skip_serializing_if = "std::ops::Not::not")]
    inside_vpc_only: bool,
}

impl<'a> PartyView<'a> {
    fn of(reach: &Reachability, p: &'a Party) -> Self {
        let (kind, id) = match p {
            Party::Group(g) => ("group", g),
            Party::Endpoint(e) => ("endpoint", e),
            Party::Cidr(c) => ("cidr", c),
            Party::PrefixList(l) => ("prefix-list", l),
        };
        PartyView {
            kind,
            id,
            inside_vpc_only: reach.inside_vpc_only(p),
        }
    }
}

#[derive(Serialize)]
struct Ports {
    from: i64,
    to: i64,
}

#[derive(Serialize)]
struct Icmp {
    #[serde(rename = "type")]
    icmp_type: Option<i64>,
    code: Option<i64>,
}

#[derive(Serialize)]
struct AllowedView {
    protocol: Option<u8>,
    ports: Option<Ports>,
    icmp: Option<Icmp>,
    text: String,
}

impl AllowedView {
    fn of(a: &Allowed) -> Self {
        let (ports, icmp) = match a.protocol {
            Some(6 | 17) => (
                Some(Ports {
                    from: a.from_port,
                    to: a.to_port,
                }),
                None,
            ),
            Some(1 | 58) => (
                None,
                Some(Icmp {
                    icmp_type: (a.from_port >= 0).then_some(a.from_port),
                    code: (a.from_port >= 0 && a.to_port >= 0).then_some(a.to_port),
                }),
            ),
            _ => (None, None),
        };
        AllowedView {
            protocol: a.protocol,
            ports,
            icmp,
            text: a.to_string(),
        }
    }
}

#[derive(Serialize)]
struct RuleView<'a> {
    group: &'a str,
    resource: &'a str,
    index: Option<usize>,
    text: &'a str,
}

impl<'a> RuleView<'a> {
    fn of(r: Option<&'a RuleSource>) -> Option<Self> {
        r.map(|r| RuleView {
            group: &r.group,
            resource: &r.resource,
            index: r.index,
            text: &r.text,
        })
    }
}

#[derive(Serialize)]
struct Because<'a> {
    allowed: AllowedView,
    egress: Option<RuleView<'a>>,
    ingress: Option<RuleView<'a>>,
}

#[derive(Serialize)]
struct PairView<'a> {
    from: PartyView<'a>,
    to: PartyView<'a>,
    allowed: Vec<AllowedView>,
    because: Vec<Because<'a>>,
}

/// The pairs, each made into its view only as it is written.
struct Pairs<'a> {
    reach: &'a Reachability,
    pairs: &'a [(Party, Party, Vec<Grant>)],
}

impl Serialize for Pairs<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        let mut seq = s.serialize_seq(Some(self.pairs.len()))?;
        for (from, to, grants) in self.pairs {
            // Grants are sorted by what they allow first.
            let mut kinds: Vec<&Allowed> = grants.iter().map(|g| &g.allowed).collect();
            kinds.dedup();
            seq.serialize_element(&PairView {
                from: PartyView::of(self.reach, from),
                to: PartyView::of(self.reach, to),
                allowed: kinds.into_iter().map(AllowedView::of).collect(),
                because: grants
                    .iter()
                    .map(|g| Because {
                        allowed: AllowedView::of(&g.allowed),
                        egress: RuleView::of(g.egress.as_ref()),
                        ingress: RuleView::of(g.ingress.as_ref()),
                    })
                    .collect(),
            })?;
        }
        seq.end()
    }
}

#[derive(Serialize)]
struct Approximation<'a> {
    subject: &'a str,
    kind: &'static str,
    text: &'a str,
}

#[derive(Serialize)]
struct Document<'a> {
    pairs: Pairs<'a>,
    default_egress: indexmap::IndexMap<&'a str, &'static str>,
    approximations: Vec<Approximation<'a>>,
}

impl Reachability {
    /// Writes the document of [`to_value`](Self::to_value) to `out`, indented as
    /// `serde_json::to_string_pretty` indents, without making the value first.
    ///
    /// # Errors
    ///
    /// [`ReachTooLarge`](crate::analysis::ReachTooLarge) as [`matrix`](Self::matrix) gives it.
    pub fn write_json_pretty(&self, out: &mut Vec<u8>) -> Result<()> {
        let pairs = self.pairs(super::MAX_PAIRS, super::MAX_COMPARISONS)?;
        serde_json::to_writer_pretty(out, &self.document(&pairs))
            .expect("writing JSON into memory cannot fail");
        Ok(())
    }

    /// The reachability as JSON: `pairs` (each with `from` and `to`, `{kind, id}` with
    /// `inside_vpc_only: true` for a block reached only through its addresses inside the VPC,
    /// `allowed` and, for every
    /// protocol and port range, `because`: the egress and ingress rule that both admit it),
    /// `default_egress` per group and `approximations`.
    ///
    /// ```
    /// use airgap::analysis::Reachability;
    /// use airgap::template::Template;
    /// let t = Template::from_yaml("Resources:\n  Sg: {Type: AWS::EC2::SecurityGroup, Properties: {GroupDescription: x}}\n")?;
    /// let v = Reachability::of(&t).to_value()?;
    /// assert_eq!(v["default_egress"]["Sg"], "kept");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    ///
    /// # Errors
    ///
    /// [`ReachTooLarge`](crate::analysis::ReachTooLarge) as [`matrix`](Self::matrix) gives it.
    pub fn to_value(&self) -> Result<Value> {
        let pairs = self.pairs(super::MAX_PAIRS, super::MAX_COMPARISONS)?;
        Ok(serde_json::to_value(self.document(&pairs)).expect("the document is JSON"))
    }

    fn document<'a>(&'a self, pairs: &'a [(Party, Party, Vec<Grant>)]) -> Document<'a> {
        Document {
            pairs: Pairs { reach: self, pairs },
            default_egress: self
                .groups
                .iter()
                .map(|(id, g)| {
                    let state = match g.default_egress {
                        DefaultEgress::Removed => "removed",
                        DefaultEgress::Kept => "kept",
                        DefaultEgress::Disputed => "disputed",
                    };
                    (id.as_str(), state)
                })
                .collect(),
            approximations: self
                .approximations
                .iter()
                .map(|a| Approximation {
                    subject: &a.subject,
                    kind: a.kind,
                    text: &a.text,
                })
                .collect(),
        }
    }
}
