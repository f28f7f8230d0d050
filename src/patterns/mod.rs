//! Ready architectures built from the lower layers.
pub mod sagemaker;
