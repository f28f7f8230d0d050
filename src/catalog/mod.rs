//! AWS Service Catalog: a portfolio of products, each with versioned templates, the roles they
//! launch with, who may launch them, tag options, launch rules and sharing; and the release
//! folder written to disk ([`package`]).
//!
//! This layer works on any product [`Template`](crate::template::Template): it knows nothing of
//! SageMaker. The launch role of each product is derived from the resource types its templates
//! create ([`launch_role`]).

mod boundary;
mod error;
pub mod launch_role;
pub mod package;
mod policy_resource;
mod portfolio;
mod product;
mod sharing;
pub mod upgrade;

pub use boundary::{DEFAULT_BOUNDARY_NAME, boundary_arn};
pub use error::CatalogError;
pub use policy_resource::PortfolioPolicy;
pub use portfolio::{
    LaunchRule, Portfolio, PortfolioPrincipal, ROLE_INLINE_POLICY_CHARS, Release,
    check_principal_arn, principal_env_var,
};
pub use product::{
    HASH_DIGITS, Product, ProductRelease, ProductVersion, VersionRelease, sha256_hex,
};
pub use sharing::{OrganizationNode, StackSetRollout};
