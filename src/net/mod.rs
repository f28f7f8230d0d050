//! Network constructs: the VPC and its subnet plan, route tables, security groups and their
//! rules, gateway and interface endpoints with their service catalog, and flow logs.
//!
//! Nothing here can add a path to the internet: there is no construct for an Internet Gateway,
//! NAT gateway, egress-only gateway, VPN gateway or a default route.

mod cidr;
mod connections;
mod endpoint;
mod error;
mod flow_log;
mod key;
mod security_group;
mod selection;
mod vpc;

pub use cidr::Ipv4Cidr;
pub use connections::{Connectable, Flow, FlowRules, allow, allow_default_port};
pub use endpoint::{
    CHINA_CONDITION, EndpointRef, EndpointType, GatewayEndpoint, InterfaceEndpoint, Service,
};
pub use error::NetError;
pub use flow_log::{DEFAULT_RETENTION_DAYS, FlowLog, FlowLogRef, RETENTION_DAYS};
pub(crate) use key::DataKey;
pub use security_group::{
    Peer, Port, Protocol, SecurityGroup, SecurityGroupEgress, SecurityGroupIngress,
    SecurityGroupRef,
};
pub(crate) use selection::Selection;
pub use selection::SubnetSelection;
pub use vpc::{DEFAULT_VPC_CIDR, DEFAULT_ZONES, ImportedVpc, MAX_ZONES, SubnetRef, Vpc, VpcRef};

/// The README's construct-by-construct section, run as a doctest so it stays true.
#[cfg(doctest)]
#[doc = include_str!("../../docs/network-readme-section.md")]
pub struct NetworkReadmeSection;
