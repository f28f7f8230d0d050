//! Address blocks judged by what they mean, not how they are written.
//!
//! EC2 keeps only the network part of a block: `192.168.1.0/0` is stored as `0.0.0.0/0`, every
//! address (it is the default `SSHLocation` of AWS's own EC2 samples), and `::0/0` or
//! `0:0:0:0:0:0:0:0/0` is `::/0`. Every rule that compares blocks parses them here, on top of
//! `ipnet`, so no spelling slips past a string comparison.

use ipnet::IpNet;

/// The network a block stands for, host bits dropped; `None` when it is no block at all (a
/// value known only at launch, a typo).
pub(crate) fn network(block: &str) -> Option<IpNet> {
    block.trim().parse::<IpNet>().ok().map(|n| n.trunc())
}

/// Whether a block is every address of its family (`0.0.0.0/0`, `::/0`, in any spelling).
pub(crate) fn is_everywhere(block: &str) -> bool {
    network(block).is_some_and(|n| n.prefix_len() == 0)
}

/// The blocks that, taken together, cover every address of their family: a default route
/// split in two (`0.0.0.0/1` and `128.0.0.0/1`), or in more pieces, is still a route to
/// anywhere. Returns the blocks that take part, in the order given, or nothing when neither
/// family is covered.
pub(crate) fn covering_everything(blocks: &[IpNet]) -> Vec<IpNet> {
    let mut out = Vec::new();
    for v4 in [true, false] {
        let family: Vec<IpNet> = blocks
            .iter()
            .copied()
            .filter(|b| matches!(b, IpNet::V4(_)) == v4)
            .collect();
        if IpNet::aggregate(&family)
            .iter()
            .any(|n| n.prefix_len() == 0)
        {
            // A block inside another of the set adds nothing to the cover.
            out.extend(
                family
                    .iter()
                    .copied()
                    .filter(|b| !family.iter().any(|other| other != b && other.contains(b))),
            );
        }
    }
    out
}

/// Whether two blocks share an address.
pub(crate) fn overlaps(a: &IpNet, b: &IpNet) -> bool {
    a.contains(&b.network()) || b.contains(&a.network())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn blocks_with_host_bits_are_the_network_ec2_keeps() {
        // "192.168.1.0/0" is the default SSHLocation of AWS's EC2 sample templates.
        assert!(is_everywhere("192.168.1.0/0"));
        assert!(is_everywhere("10.1.2.3/0"));
        assert_eq!(network("10.0.0.5/8").unwrap().to_string(), "10.0.0.0/8");
        assert!(!is_everywhere("10.0.0.0/8"));
        assert!(!is_everywhere("!Ref Cidr"));
    }

    #[test]
    fn every_spelling_of_ipv6_anywhere_is_anywhere() {
        for b in [
            "::/0",
            "::0/0",
            "0:0:0:0:0:0:0:0/0",
            "0::0/0",
            "2001:db8::/0",
            " ::/0",
        ] {
            assert!(is_everywhere(b), "{b}");
        }
        assert!(!is_everywhere("::/1"));
    }

    #[test]
    fn a_default_route_split_into_pieces_covers_everything() {
        let nets = |v: &[&str]| v.iter().map(|b| network(b).unwrap()).collect::<Vec<_>>();
        assert_eq!(
            covering_everything(&nets(&["0.0.0.0/1", "128.0.0.0/1"])).len(),
            2
        );
        let quarters = nets(&["0.0.0.0/2", "64.0.0.0/2", "128.0.0.0/2", "192.0.0.0/2"]);
        assert_eq!(covering_everything(&quarters).len(), 4);
        assert!(covering_everything(&nets(&["0.0.0.0/1", "10.0.0.0/8"])).is_empty());
        let with_inner = nets(&["0.0.0.0/1", "10.0.0.0/8", "128.0.0.0/1"]);
        assert_eq!(
            covering_everything(&with_inner),
            nets(&["0.0.0.0/1", "128.0.0.0/1"])
        );
        assert!(covering_everything(&nets(&["::/1", "8000::/1"])).len() == 2);
        // Halves of different families cover nothing.
        assert!(covering_everything(&nets(&["0.0.0.0/1", "8000::/1"])).is_empty());
    }
}
