//! SageMaker workloads that can only land inside a private network: notebook instances,
//! Studio domains and their user profiles, each with a KMS key and an execution role of its
//! own, and the guardrail policy that makes "inside the network" something IAM enforces.
//!
//! This layer sits above `net` and `iam` (it places workloads in subnets and security groups
//! and writes their policies) and below `catalog` and `patterns`: the composition with
//! [`SecureSageMakerNetwork`](crate::patterns::sagemaker::SecureSageMakerNetwork) lives in
//! [`patterns::workloads`](crate::patterns::workloads).

mod error;
mod guardrail;
mod key;
mod network;
pub mod network_outputs;
mod notebook;
mod role;
mod studio;

pub use error::SageMakerError;
pub use guardrail::{GUARDED_ACTIONS, Guardrail};
pub use key::WorkloadKey;
pub use network::{WorkloadKind, WorkloadNetwork};
pub use notebook::{LifecycleConfig, NotebookInstance, NotebookRef};
pub use role::ExecutionRole;
pub use studio::{StudioDomain, StudioDomainRef, UserProfiles};

/// UpperCamelCase of a construct name, for logical IDs.
pub(crate) fn camel(name: &str) -> String {
    crate::template::upper_camel_case(name)
        .chars()
        .filter(char::is_ascii_alphanumeric)
        .collect()
}
