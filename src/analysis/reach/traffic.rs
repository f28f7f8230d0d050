//! Protocols and ports as security group rules state them, and as AWS reads them: `-1` is every
//! protocol; TCP and UDP take a port range; for ICMP and ICMPv6 `FromPort` is the type and
//! `ToPort` the code (`-1` for all); any other protocol number allows every port whatever range
//! is written.

use std::fmt;

use serde_json::Value;

const TCP: u8 = 6;
const UDP: u8 = 17;
const ICMP: u8 = 1;
const ICMPV6: u8 = 58;

/// A kind of traffic: a protocol and one port (or ICMP type and code).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Traffic {
    /// IP protocol number (6 TCP, 17 UDP, 1 ICMP, 58 ICMPv6, ...).
    pub protocol: u8,
    /// Port (TCP, UDP) or ICMP type (ICMP, ICMPv6); ignored for other protocols.
    pub port: u16,
    /// ICMP code (ICMP, ICMPv6); ignored for other protocols.
    pub code: u8,
}

impl Traffic {
    /// TCP to `port`.
    pub fn tcp(port: u16) -> Self {
        Traffic {
            protocol: TCP,
            port,
            code: 0,
        }
    }

    /// UDP to `port`.
    pub fn udp(port: u16) -> Self {
        Traffic {
            protocol: UDP,
            port,
            code: 0,
        }
    }

    /// An ICMP message of type `icmp_type` and code `code` (echo request is type 8, code 0).
    pub fn icmp(icmp_type: u8, code: u8) -> Self {
        Traffic {
            protocol: ICMP,
            port: u16::from(icmp_type),
            code,
        }
    }

    /// An ICMPv6 message of type `icmp_type` and code `code`.
    pub fn icmpv6(icmp_type: u8, code: u8) -> Self {
        Traffic {
            protocol: ICMPV6,
            ..Traffic::icmp(icmp_type, code)
        }
    }

    /// A packet of IP protocol `number` (e.g. 47, GRE), which has no ports.
    pub fn protocol(number: u8) -> Self {
        Traffic {
            protocol: number,
            port: 0,
            code: 0,
        }
    }
}

/// A protocol and the ports (or ICMP types and codes) that are allowed.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Allowed {
    /// IP protocol number; `None` is every protocol.
    pub protocol: Option<u8>,
    /// TCP/UDP: the first port. ICMP/ICMPv6: the type, -1 for all. Other protocols: -1.
    pub from_port: i64,
    /// TCP/UDP: the last port. ICMP/ICMPv6: the code, -1 for all. Other protocols: -1.
    pub to_port: i64,
}

impl Allowed {
    /// Every protocol, every port.
    pub(crate) const ALL: Allowed = Allowed {
        protocol: None,
        from_port: -1,
        to_port: -1,
    };

    /// A rule's protocol and ports as AWS reads them. A protocol or port the template leaves to
    /// the launch counts as all: the review must not show less than may be allowed.
    pub(crate) fn of_rule(rule: &serde_json::Map<String, Value>) -> Allowed {
        let protocol = match protocol(rule.get("IpProtocol")) {
            Some(p) => p,
            None => return Allowed::ALL,
        };
        let (from, to) = (port(rule.get("FromPort")), port(rule.get("ToPort")));
        let (from_port, to_port) = match protocol {
            None => (-1, -1),
            Some(TCP | UDP) => match (from, to) {
                (Some(f), Some(t)) if f >= 0 && t >= 0 => (f, t),
                _ => (0, 65535),
            },
            Some(ICMP | ICMPV6) => match (from, to) {
                (Some(ty), Some(code)) if ty >= 0 => (ty, code.max(-1)),
                (Some(ty), None) if ty >= 0 => (ty, -1),
                _ => (-1, -1),
            },
            Some(_) => (-1, -1),
        };
        Allowed {
            protocol,
            from_port,
            to_port,
        }
    }

    /// What both `self` and `other` allow.
    pub(crate) fn intersect(&self, other: &Allowed) -> Option<Allowed> {
        let protocol = match (self.protocol, other.protocol) {
            (None, p) | (p, None) => p,
            (Some(x), Some(y)) if x == y => Some(x),
            _ => return None,
        };
        let (from_port, to_port) = match protocol {
            None => (-1, -1),
            Some(TCP | UDP) => {
                let range = |a: &Allowed| {
                    if a.protocol.is_none() {
                        (0, 65535)
                    } else {
                        (a.from_port, a.to_port)
                    }
                };
                let ((f1, t1), (f2, t2)) = (range(self), range(other));
                let (f, t) = (f1.max(f2), t1.min(t2));
                if f > t {
                    return None;
                }
                (f, t)
            }
            Some(ICMP | ICMPV6) => {
                let type_code = |a: &Allowed| {
                    if a.protocol.is_none() || a.from_port < 0 {
                        (-1, -1)
                    } else {
                        (a.from_port, a.to_port)
                    }
                };
                let ((ty1, c1), (ty2, c2)) = (type_code(self), type_code(other));
                let ty = meet(ty1, ty2)?;
                let code = meet(if ty1 < 0 { -1 } else { c1 }, if ty2 < 0 { -1 } else { c2 })?;
                (ty, if ty < 0 { -1 } else { code })
            }
            Some(_) => (-1, -1),
        };
        Some(Allowed {
            protocol,
            from_port,
            to_port,
        })
    }

    /// Whether `traffic` is allowed.
    pub fn admits(&self, traffic: Traffic) -> bool {
        match self.protocol {
            None => true,
            Some(p) if p != traffic.protocol => false,
            Some(TCP | UDP) => {
                let port = i64::from(traffic.port);
                self.from_port <= port && port <= self.to_port
            }
            Some(ICMP | ICMPV6) => {
                self.from_port < 0
                    || (self.from_port == i64::from(traffic.port)
                        && (self.to_port < 0 || self.to_port == i64::from(traffic.code)))
            }
            Some(_) => true,
        }
    }
}

/// `-1` (all) meets anything; otherwise the two must be equal.
fn meet(a: i64, b: i64) -> Option<i64> {
    match (a, b) {
        (-1, x) | (x, -1) => Some(x),
        (x, y) if x == y => Some(x),
        _ => None,
    }
}

impl fmt::Display for Allowed {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let name = match self.protocol {
            None => return write!(f, "all traffic"),
            Some(TCP) => "tcp",
            Some(UDP) => "udp",
            Some(ICMP) => "icmp",
            Some(ICMPV6) => "icmpv6",
            Some(n) => return write!(f, "protocol {n}"),
        };
        match self.protocol {
            Some(ICMP | ICMPV6) => {
                if self.from_port < 0 {
                    write!(f, "{name} all types")
                } else if self.to_port < 0 {
                    write!(f, "{name} type {}", self.from_port)
                } else {
                    write!(f, "{name} type {} code {}", self.from_port, self.to_port)
                }
            }
            _ if self.from_port <= 0 && self.to_port >= 65535 => write!(f, "{name} all ports"),
            _ if self.from_port == self.to_port => write!(f, "{name} {}", self.from_port),
            _ => write!(f, "{name} {}-{}", self.from_port, self.to_port),
        }
    }
}

/// The protocol of a rule: `Some(None)` for every protocol, `None` when the template leaves it
/// to the launch.
pub(crate) fn protocol(v: Option<&Value>) -> Option<Option<u8>> {
    let s = match v? {
        Value::String(s) => s.to_ascii_lowercase(),
        Value::Number(n) => n.to_string(),
        _ => return None,
    };
    Some(match s.as_str() {
        "-1" | "all" => None,
        "tcp" => Some(TCP),
        "udp" => Some(UDP),
        "icmp" => Some(ICMP),
        "icmpv6" => Some(ICMPV6),
        n => Some(n.parse().ok()?),
    })
}

/// A port (or ICMP type or code); `None` when missing or left to the launch.
pub(crate) fn port(v: Option<&Value>) -> Option<i64> {
    match v? {
        Value::Number(n) => n.as_i64(),
        Value::String(s) => s.trim().parse().ok(),
        _ => None,
    }
}
