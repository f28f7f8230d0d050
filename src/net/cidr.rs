use std::fmt;
use std::net::Ipv4Addr;

use ipnet::Ipv4Net;

use crate::error::{Error, Location, Result};

/// An IPv4 CIDR block such as `10.0.0.0/16`, in canonical form (no host bits set).
///
/// ```
/// use airgap::net::Ipv4Cidr;
/// let block: Ipv4Cidr = "10.0.0.0/16".parse()?;
/// assert_eq!(block.prefix_len(), 16);
/// assert!("10.0.0.1/16".parse::<Ipv4Cidr>().is_err()); // host bits set
/// assert!("10.0.0.0/33".parse::<Ipv4Cidr>().is_err());
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ipv4Cidr(Ipv4Net);

impl Ipv4Cidr {
    /// Parses `block`, naming `at` in the error.
    pub fn parse_at(block: &str, at: Location) -> Result<Self> {
        let net: Ipv4Net = block.parse().map_err(|_| {
            Error::parse(
                at.clone(),
                "IPv4 CIDR block",
                block,
                "expected four dotted numbers 0-255, a `/` and a prefix length 0-32, e.g. `10.0.0.0/16`",
            )
        })?;
        if net.trunc() != net {
            return Err(Error::parse(
                at,
                "IPv4 CIDR block",
                block,
                format!("host bits are set; did you mean `{}`?", net.trunc()),
            ));
        }
        Ok(Self(net))
    }

    /// The prefix length (`16` of `10.0.0.0/16`).
    pub fn prefix_len(&self) -> u8 {
        self.0.prefix_len()
    }

    /// The first address.
    pub fn network(&self) -> Ipv4Addr {
        self.0.network()
    }

    /// Whether `other` lies wholly inside this block.
    pub fn contains(&self, other: &Ipv4Cidr) -> bool {
        self.0.contains(&other.0)
    }

    /// Whether the two blocks share any address.
    pub fn overlaps(&self, other: &Ipv4Cidr) -> bool {
        self.0.contains(&other.0) || other.0.contains(&self.0)
    }

    /// The first `count` blocks of prefix length `prefix_len` inside this one, or `None` when
    /// they do not fit.
    pub fn carve(&self, prefix_len: u8, count: usize) -> Option<Vec<Ipv4Cidr>> {
        let blocks: Vec<Ipv4Cidr> = self
            .0
            .subnets(prefix_len)
            .ok()?
            .take(count)
            .map(Ipv4Cidr)
            .collect();
        (blocks.len() == count).then_some(blocks)
    }

    /// The number of addresses AWS lets instances use in a subnet of this size (it keeps five).
    pub fn usable_addresses(&self) -> u64 {
        (1u64 << (32 - u32::from(self.prefix_len()))).saturating_sub(5)
    }

    /// Whether this is `0.0.0.0/0`.
    pub fn is_any(&self) -> bool {
        self.prefix_len() == 0
    }
}

impl fmt::Display for Ipv4Cidr {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}", self.0)
    }
}

impl std::str::FromStr for Ipv4Cidr {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::parse_at(s, Location::new("CIDR block", "value"))
    }
}
