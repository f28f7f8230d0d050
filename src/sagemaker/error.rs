//! The errors of the SageMaker layer: workloads that do not fit their network.

use crate::error::{Error, LayerError, Location};

/// What can go wrong placing SageMaker workloads in a network. A [`crate::Error`] carries it
/// ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum SageMakerError {
    /// A workload needs endpoints that the network does not have.
    #[error(
        "{at}: {workload} needs the {missing} endpoint(s), which the network does not have; add them or drop the workload"
    )]
    MissingEndpoints {
        /// The pattern.
        at: Location,
        /// What needs them, e.g. `pulling images from Amazon ECR`.
        workload: String,
        /// The missing services, comma separated.
        missing: String,
    },
}

impl From<SageMakerError> for Error {
    fn from(e: SageMakerError) -> Self {
        Error::Layer(LayerError::new(e))
    }
}
