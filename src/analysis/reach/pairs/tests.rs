//! The indexed pairing finds exactly the pairs that trying every sender against every receiver
//! finds, and its work grows with the groups, not with their square.

use serde_json::{Map, Value, json};

use super::super::read::Peer;
use super::super::{Allowed, Budget, Grant, Party, Reachability, Traffic};
use super::pairs;
use crate::template::Template;
use crate::testing::Rng;

/// The matrix as it was first written: every sender against every receiver.
fn every_pair(reach: &Reachability) -> Vec<(Party, Party, Vec<Grant>)> {
    let mut senders: Vec<Party> = reach
        .groups
        .keys()
        .map(|g| Party::Group(g.clone()))
        .collect();
    let mut receivers = senders.clone();
    receivers.extend(reach.endpoints.keys().map(|e| Party::Endpoint(e.clone())));
    let external = |peer: &Peer| -> Vec<Party> {
        match peer {
            Peer::Blocks(bs) => bs.iter().map(|b| Party::Cidr(b.text())).collect(),
            Peer::PrefixList { name, .. } => vec![Party::PrefixList(name.clone())],
            _ => Vec::new(),
        }
    };
    for group in reach.groups.values() {
        for p in group.ingress.iter().flat_map(|r| external(&r.peer)) {
            if !senders.contains(&p) {
                senders.push(p);
            }
        }
        for p in group.egress.iter().flat_map(|r| external(&r.peer)) {
            if !receivers.contains(&p) {
                receivers.push(p);
            }
        }
    }
    let mut out = Vec::new();
    for from in &senders {
        for to in &receivers {
            if from == to && !matches!(from, Party::Group(_)) {
                continue;
            }
            let grants = reach.grants(from, to);
            if !grants.is_empty() {
                out.push((from.clone(), to.clone(), grants));
            }
        }
    }
    out
}

const BLOCKS: [&str; 9] = [
    "0.0.0.0/0",
    "::/0",
    "10.0.0.0/16",
    "10.0.1.0/24",
    "10.1.0.0/16",
    "192.168.0.0/16",
    "192.168.1.7/32",
    "2001:db8::/32",
    "10.0.0.0/8",
];

/// A random rule: its ports and a peer of every kind a rule may name.
fn rule(rng: &mut Rng, groups: usize, egress: bool) -> Value {
    let mut m = Map::new();
    let (protocol, from, to) = *rng.pick(&[
        ("tcp", 443, 443),
        ("tcp", 0, 65535),
        ("-1", -1, -1),
        ("udp", 53, 53),
        ("icmp", 8, -1),
    ]);
    m.insert("IpProtocol".into(), json!(protocol));
    m.insert("FromPort".into(), json!(from));
    m.insert("ToPort".into(), json!(to));
    let (group_key, list_key) = if egress {
        ("DestinationSecurityGroupId", "DestinationPrefixListId")
    } else {
        ("SourceSecurityGroupId", "SourcePrefixListId")
    };
    match rng.below(8) {
        0..=2 => {
            let g = format!("Group{}", rng.below(groups));
            m.insert(group_key.into(), json!({"Fn::GetAtt": [g, "GroupId"]}));
        }
        3 => {
            m.insert(group_key.into(), json!({"Fn::ImportValue": "Shared"}));
        }
        4 => {
            let list = *rng.pick(&["List", "pl-123"]);
            let v = if list == "List" {
                json!({"Ref": "List"})
            } else {
                json!(list)
            };
            m.insert(list_key.into(), v);
        }
        5 => {
            m.insert("CidrIp".into(), json!({"Ref": "Allowed"}));
        }
        _ => {
            let b = *rng.pick(&BLOCKS);
            let key = if b.contains(':') {
                "CidrIpv6"
            } else {
                "CidrIp"
            };
            m.insert(key.into(), json!(b));
        }
    }
    Value::Object(m)
}

fn random_template(rng: &mut Rng) -> Template {
    let groups = 1 + rng.below(7);
    let mut resources = Map::new();
    resources.insert(
        "Vpc".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}),
    );
    resources.insert(
        "Other".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": {"Ref": "OtherBlock"}}}),
    );
    resources.insert(
        "List".into(),
        json!({"Type": "AWS::EC2::PrefixList", "Properties": {"AddressFamily": "IPv4",
            "MaxEntries": 2, "PrefixListName": "l",
            "Entries": [{"Cidr": "192.168.0.0/16"}]}}),
    );
    if rng.below(2) == 0 {
        resources.insert(
            "Route".into(),
            json!({"Type": "AWS::EC2::Route", "Properties": {"RouteTableId": "rtb-1",
                "DestinationCidrBlock": *rng.pick(&BLOCKS), "TransitGatewayId": "tgw-1"}}),
        );
    }
    for i in 0..groups {
        let mut p = Map::new();
        p.insert("GroupDescription".into(), json!("g"));
        match rng.below(4) {
            0 => {}
            1 => {
                p.insert("VpcId".into(), json!({"Ref": "Other"}));
            }
            _ => {
                p.insert("VpcId".into(), json!({"Ref": "Vpc"}));
            }
        }
        let ingress: Vec<Value> = (0..rng.below(3))
            .map(|_| rule(rng, groups, false))
            .collect();
        p.insert("SecurityGroupIngress".into(), Value::Array(ingress));
        if rng.below(3) != 0 {
            let egress: Vec<Value> = (0..rng.below(3)).map(|_| rule(rng, groups, true)).collect();
            p.insert("SecurityGroupEgress".into(), Value::Array(egress));
        }
        resources.insert(
            format!("Group{i}"),
            json!({"Type": "AWS::EC2::SecurityGroup", "Properties": p}),
        );
    }
    for i in 0..rng.below(3) {
        let (kind, egress) = *rng.pick(&[
            ("AWS::EC2::SecurityGroupIngress", false),
            ("AWS::EC2::SecurityGroupEgress", true),
        ]);
        let Value::Object(mut p) = rule(rng, groups, egress) else {
            unreachable!("a rule is an object")
        };
        let owner = format!("Group{}", rng.below(groups));
        p.insert("GroupId".into(), json!({"Ref": owner}));
        resources.insert(format!("Rule{i}"), json!({"Type": kind, "Properties": p}));
    }
    for i in 0..rng.below(3) {
        let members: Vec<Value> = (0..rng.below(3))
            .map(|_| json!({"Ref": format!("Group{}", rng.below(groups))}))
            .collect();
        let mut p = Map::new();
        p.insert("VpcEndpointType".into(), json!("Interface"));
        p.insert("ServiceName".into(), json!("com.amazonaws.us-east-1.sts"));
        p.insert("SecurityGroupIds".into(), Value::Array(members));
        if rng.below(2) == 0 {
            p.insert("VpcId".into(), json!({"Ref": "Vpc"}));
        }
        resources.insert(
            format!("Endpoint{i}"),
            json!({"Type": "AWS::EC2::VPCEndpoint", "Properties": p}),
        );
    }
    let t = json!({
        "Parameters": {
            "Allowed": {"Type": "String"},
            "OtherBlock": {"Type": "String", "AllowedValues": ["10.1.0.0/16", "172.16.0.0/12"]},
        },
        "Resources": resources,
    });
    Template::from_value(&t).expect("a template")
}

#[test]
fn the_indexed_pairs_are_every_pair_that_can_talk() {
    let mut rng = Rng(10);
    for case in 0..400 {
        let t = random_template(&mut rng);
        let reach = Reachability::of(&t);
        let (indexed, _) = pairs(&reach, UNBOUNDED).unwrap();
        assert_eq!(indexed, every_pair(&reach), "case {case}");
    }
}

const UNBOUNDED: Budget = Budget {
    max_pairs: usize::MAX,
    max_comparisons: usize::MAX,
};

/// `allows` asks for one egress and one ingress rule that admit the traffic, not for what the
/// two allow together: the same answer, since what both allow admits a packet exactly when
/// each does. Checked against the answer from the grants, on every pair of random templates.
#[test]
fn allows_answers_as_the_grants_do() {
    let traffic = [
        Traffic::tcp(443),
        Traffic::tcp(22),
        Traffic::tcp(0),
        Traffic::tcp(65535),
        Traffic::udp(53),
        Traffic::icmp(8, 0),
        Traffic::icmp(3, 4),
        Traffic::protocol(47),
    ];
    let mut rng = Rng(77);
    for case in 0..200 {
        let t = random_template(&mut rng);
        let reach = Reachability::of(&t);
        let (senders, receivers) = super::parties(&reach);
        for from in &senders {
            for to in &receivers {
                let allowed: Vec<Allowed> = reach.allowed(from, to);
                for &t in &traffic {
                    assert_eq!(
                        reach.allows(from, to, t),
                        allowed.iter().any(|a| a.admits(t)),
                        "case {case}: {from} to {to}, {t:?}"
                    );
                }
            }
        }
    }
}

/// The matrix stops at its bounds with an error, never with a shorter list.
#[test]
fn the_matrix_stops_at_its_bounds() {
    let mut rng = Rng(5);
    let mut seen = 0;
    for _ in 0..100 {
        let t = random_template(&mut rng);
        let reach = Reachability::of(&t);
        let (all, _) = pairs(&reach, UNBOUNDED).unwrap();
        if all.len() < 2 {
            continue;
        }
        seen += 1;
        let exact = Budget {
            max_pairs: all.len(),
            max_comparisons: usize::MAX,
        };
        assert_eq!(pairs(&reach, exact).unwrap().0, all);
        let short = Budget {
            max_pairs: all.len() - 1,
            max_comparisons: usize::MAX,
        };
        let err = pairs(&reach, short).unwrap_err();
        assert!(
            err.to_string()
                .contains(&format!("more than {} pairs that can talk", all.len() - 1)),
            "{err}"
        );
        let no_comparisons = Budget {
            max_pairs: usize::MAX,
            max_comparisons: 0,
        };
        let err = pairs(&reach, no_comparisons).unwrap_err();
        assert!(
            err.to_string().contains("comparisons of an egress rule"),
            "{err}"
        );
    }
    assert!(seen > 20, "{seen} templates with pairs");
}

/// `groups` groups in one VPC; `rules(i, next, previous)` gives the properties of group `i`.
fn template(groups: usize, rules: impl Fn(usize, &str, &str) -> Value) -> Template {
    let mut resources = Map::new();
    resources.insert(
        "Vpc".into(),
        json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}),
    );
    for i in 0..groups {
        let next = format!("Group{}", (i + 1) % groups);
        let previous = format!("Group{}", (i + groups - 1) % groups);
        resources.insert(
            format!("Group{i}"),
            json!({"Type": "AWS::EC2::SecurityGroup", "Properties": rules(i, &next, &previous)}),
        );
    }
    Template::from_value(&json!({ "Resources": resources })).expect("a template")
}

fn https(key: &str, peer: Value) -> Value {
    json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, key: peer}])
}

/// How many pairs the matrix tries, and how many it keeps.
fn work(t: &Template) -> (usize, usize) {
    let reach = Reachability::of(t);
    let (kept, tried) = pairs(&reach, UNBOUNDED).unwrap();
    (tried, kept.len())
}

#[test]
fn twice_the_groups_is_twice_the_work_not_four_times() {
    type Shape = fn(usize, &str, &str) -> Value;
    let shapes: [(&str, Shape); 5] = [
        ("a ring of group-to-group rules", |_, next, previous| {
            json!({"GroupDescription": "g", "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": https("SourceSecurityGroupId", json!({"Ref": previous})),
                "SecurityGroupEgress": https("DestinationSecurityGroupId", json!({"Ref": next}))})
        }),
        (
            "the default egress, ingress from one group",
            |_, next, _| {
                json!({"GroupDescription": "g", "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": https("SourceSecurityGroupId", json!({"Ref": next}))})
            },
        ),
        (
            "ingress from the VPC's block, egress to one group",
            |_, next, _| {
                json!({"GroupDescription": "g", "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": https("CidrIp", json!("10.0.0.0/16")),
                "SecurityGroupEgress": https("DestinationSecurityGroupId", json!({"Ref": next}))})
            },
        ),
        (
            "groups of a VPC outside the template, default egress",
            |_, next, _| {
                json!({"GroupDescription": "g", "VpcId": "vpc-123",
                "SecurityGroupIngress": https("SourceSecurityGroupId", json!({"Ref": next}))})
            },
        ),
        ("each group admitting its own host", |i, next, _| {
            json!({"GroupDescription": "g", "VpcId": {"Ref": "Vpc"},
                "SecurityGroupIngress": https("CidrIp", json!(format!("10.0.{}.{}/32", i / 250, i % 250))),
                "SecurityGroupEgress": https("DestinationSecurityGroupId", json!({"Ref": next}))})
        }),
    ];
    for (shape, rules) in shapes {
        let (small, small_kept) = work(&template(500, rules));
        let (large, large_kept) = work(&template(1_000, rules));
        // Every pair tried is at most a few per group (the pairs kept, and the receivers one
        // side admits), and doubling the groups doubles it.
        assert!(
            small <= 4 * 500,
            "{shape}: {small} pairs tried for 500 groups"
        );
        assert!(
            large <= 2 * small + 8,
            "{shape}: {small} pairs tried for 500 groups, {large} for 1,000"
        );
        assert!(
            small_kept >= 500 && large_kept >= 2 * small_kept,
            "{shape}: {small_kept} and {large_kept} pairs kept"
        );
    }
}
