//! # airgap
//!
//! Describe a private AWS network for data science in typed Rust and get CloudFormation that
//! launches as is: a VPC with no route to the internet, private subnets in several zones,
//! security groups that say who may talk to whom, and VPC endpoints with endpoint policies.
//!
//! The layers, lowest first: [`template`] (the CloudFormation document), [`iam`] (policy
//! documents), [`net`] (VPC, subnets, security groups, endpoints, flow logs), [`catalog`] (Service
//! Catalog portfolios and the release folder), [`patterns`] (ready architectures, first of all
//! [`patterns::sagemaker::SecureSageMakerNetwork`]), [`analysis`] (privacy checks and
//! reachability over any template) and [`render`] (text from `templates/`: the publish script,
//! the review report and its diagram).
#![warn(missing_docs)]

pub mod analysis;
pub mod catalog;
pub mod error;
pub mod iam;
pub mod net;
pub mod patterns;
pub mod render;
pub mod sagemaker;
pub mod template;

#[cfg(test)]
mod testing;

pub use error::{Error, IoError, LayerError, Location, Result};
