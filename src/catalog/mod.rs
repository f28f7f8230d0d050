//! AWS Service Catalog: a portfolio of products, each with versioned templates, the roles they
//! launch with, who may launch them, tag options, launch rules and sharing; and the release
//! folder written to disk ([`package`]).
//!
//! This layer works on any product [`Template`](crate::template::Template): it knows nothing of
//! SageMaker. The launch role of each product is derived from the resource types its templates
//! create ([`launch_role`]).

pub mod launch_role;
pub mod package;
mod policy_resource;
mod portfolio;
mod product;
pub mod upgrade;

pub use policy_resource::PortfolioPolicy;
pub use portfolio::{
    LaunchRule, OrganizationNode, Portfolio, PortfolioPrincipal, ROLE_INLINE_POLICY_CHARS, Release,
    StackSetRollout, check_principal_arn, principal_env_var,
};
pub use product::{
    HASH_DIGITS, Product, ProductRelease, ProductVersion, VersionRelease, sha256_hex,
};
