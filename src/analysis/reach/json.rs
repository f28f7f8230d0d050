//! The reachability as a JSON document, for other tools: every pair with what it may send and
//! the two rules that allow it, and the approximations the reading made.

use serde_json::{Value, json};

use super::{Allowed, Party, Reachability, RuleSource};

fn party(reach: &Reachability, p: &Party) -> Value {
    let (kind, id) = match p {
        Party::Group(g) => ("group", g),
        Party::Endpoint(e) => ("endpoint", e),
        Party::Cidr(c) => ("cidr", c),
        Party::PrefixList(l) => ("prefix-list", l),
    };
    if reach.inside_vpc_only(p) {
        json!({"kind": kind, "id": id, "inside_vpc_only": true})
    } else {
        json!({"kind": kind, "id": id})
    }
}

fn allowed(a: &Allowed) -> Value {
    let (ports, icmp) = match a.protocol {
        Some(6 | 17) => (json!({"from": a.from_port, "to": a.to_port}), Value::Null),
        Some(1 | 58) => (
            Value::Null,
            json!({
                "type": (a.from_port >= 0).then_some(a.from_port),
                "code": (a.from_port >= 0 && a.to_port >= 0).then_some(a.to_port),
            }),
        ),
        _ => (Value::Null, Value::Null),
    };
    json!({
        "protocol": a.protocol,
        "ports": ports,
        "icmp": icmp,
        "text": a.to_string(),
    })
}

fn rule(r: Option<&RuleSource>) -> Value {
    match r {
        None => Value::Null,
        Some(r) => json!({
            "group": r.group,
            "resource": r.resource,
            "index": r.index,
            "text": r.text,
        }),
    }
}

impl Reachability {
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
    /// let v = Reachability::of(&t).to_value();
    /// assert_eq!(v["default_egress"]["Sg"], "kept");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn to_value(&self) -> Value {
        let pairs: Vec<Value> = self
            .pairs()
            .into_iter()
            .map(|(from, to, grants)| {
                let mut kinds: Vec<Allowed> = grants.iter().map(|g| g.allowed.clone()).collect();
                kinds.dedup();
                json!({
                    "from": party(self, &from),
                    "to": party(self, &to),
                    "allowed": kinds.iter().map(allowed).collect::<Vec<_>>(),
                    "because": grants.iter().map(|g| json!({
                        "allowed": allowed(&g.allowed),
                        "egress": rule(g.egress.as_ref()),
                        "ingress": rule(g.ingress.as_ref()),
                    })).collect::<Vec<_>>(),
                })
            })
            .collect();
        let default_egress: serde_json::Map<String, Value> = self
            .groups
            .iter()
            .map(|(id, g)| {
                let state = match g.default_egress {
                    super::DefaultEgress::Removed => "removed",
                    super::DefaultEgress::Kept => "kept",
                    super::DefaultEgress::Disputed => "disputed",
                };
                (id.clone(), Value::String(state.into()))
            })
            .collect();
        let approximations: Vec<Value> = self
            .approximations
            .iter()
            .map(|a| json!({"subject": a.subject, "kind": a.kind, "text": a.text}))
            .collect();
        json!({
            "pairs": pairs,
            "default_egress": default_egress,
            "approximations": approximations,
        })
    }
}
