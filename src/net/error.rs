//! The errors of the network layer: subnet plans that do not fit their VPC, and endpoint
//! policies their endpoint cannot take or that would refuse every call.

use crate::error::{Error, LayerError, Location};

/// What can go wrong laying out a VPC or giving an endpoint its policy. A [`crate::Error`]
/// carries it ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
///
/// ```
/// use airgap::net::{NetError, Vpc};
/// use airgap::template::Stack;
/// let err = Vpc::new("Network")
///     .cidr("10.0.0.0/16")
///     .zones(2)
///     .subnet_cidrs(["10.0.0.0/24", "10.0.0.128/25"])
///     .add_to(&mut Stack::new("Demo"))
///     .unwrap_err();
/// let Some(net @ NetError::SubnetOverlap { first, second, .. }) = err.downcast_ref() else {
///     panic!("{err:?}")
/// };
/// assert_eq!((first.as_str(), second.as_str()), ("10.0.0.0/24", "10.0.0.128/25"));
/// assert_eq!(net.at().field, "subnet_cidrs");
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum NetError {
    /// Two subnets share addresses.
    #[error("{at}: subnet {first} overlaps subnet {second}; give each subnet its own block")]
    SubnetOverlap {
        /// The VPC whose subnets overlap.
        at: Location,
        /// The first subnet's block.
        first: String,
        /// The second subnet's block.
        second: String,
    },
    /// A subnet is not inside its VPC's block.
    #[error("{at}: subnet {subnet} is not inside the VPC block {vpc}")]
    SubnetOutsideVpc {
        /// The VPC.
        at: Location,
        /// The subnet's block.
        subnet: String,
        /// The VPC's block.
        vpc: String,
    },
    /// An endpoint policy was given for a service whose endpoints do not take one.
    #[error(
        "{at}: the {service} endpoint does not support endpoint policies; remove the policy (control access with the security group and identity policies instead)"
    )]
    EndpointPolicyNotSupported {
        /// The endpoint.
        at: Location,
        /// The service name.
        service: String,
    },
    /// An endpoint policy allows no action of the endpoint's own service, so every call
    /// through the endpoint would be refused.
    #[error(
        "{at}: the endpoint policy allows no action of {service} (`{prefix}:...`), so every call through this endpoint would be refused; allow the service's actions (e.g. `{prefix}:*` for principals of this account) or give the policy to the endpoint of the service it names"
    )]
    EndpointPolicyOffService {
        /// The endpoint.
        at: Location,
        /// The endpoint's service.
        service: String,
        /// Its IAM action prefix.
        prefix: String,
    },
}

impl NetError {
    /// The construct and field the error is about: the VPC's `subnet_cidrs`, or the endpoint's
    /// `policy`.
    pub fn at(&self) -> &Location {
        match self {
            NetError::SubnetOverlap { at, .. }
            | NetError::SubnetOutsideVpc { at, .. }
            | NetError::EndpointPolicyNotSupported { at, .. }
            | NetError::EndpointPolicyOffService { at, .. } => at,
        }
    }
}

impl From<NetError> for Error {
    fn from(e: NetError) -> Self {
        Error::Layer(LayerError::new(e))
    }
}
