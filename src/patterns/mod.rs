//! Ready architectures built from the lower layers.
pub mod config;
pub mod portfolio;
pub mod sagemaker;
pub mod workloads;
