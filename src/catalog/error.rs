//! The errors of the Service Catalog layer: products, versions, launch roles and packages.

use crate::error::{Error, LayerError};

/// What can go wrong with a portfolio, its products and their package. A [`crate::Error`]
/// carries it ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
///
/// ```
/// use airgap::catalog::{CatalogError, Portfolio, Product, ProductVersion};
/// use airgap::template::{Resource, Stack};
/// let mut vpc = Stack::new("Vpc");
/// vpc.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let product = || Product::new("vpc", "Platform team")
///     .version(ProductVersion::new("1.0.0", vpc.synth_unchecked().unwrap()));
/// let err = Portfolio::new("Networks", "Platform team").product(product()).product(product()).build().unwrap_err();
/// assert_eq!(err.downcast_ref(), Some(&CatalogError::DuplicateProduct { name: "vpc".into() }));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum CatalogError {
    /// A product's template is over a limit Service Catalog or CloudFormation puts on it.
    #[error(
        "product `{product}` version `{version}`: the template has {used} {quota}, over the limit of {limit}; split the product (e.g. VPC, security groups and endpoints as separate products)"
    )]
    ProductTemplateTooLarge {
        /// The product.
        product: String,
        /// The version label.
        version: String,
        /// What is counted: `bytes` or `resources`.
        quota: &'static str,
        /// How many the template has.
        used: usize,
        /// The limit.
        limit: usize,
    },
    /// A product's template uses a parameter (by `Ref` or in an `Fn::Sub`) that it does not declare.
    #[error(
        "product `{product}` version `{version}`: {at} uses the parameter `{parameter}`, which the template does not declare; add it to the template's Parameters or remove the reference"
    )]
    UndeclaredParameter {
        /// The product.
        product: String,
        /// The version label.
        version: String,
        /// Where it is used: a resource, output, condition or launch rule.
        at: String,
        /// The parameter's name.
        parameter: String,
    },
    /// Two products of a portfolio have the same name.
    #[error(
        "the portfolio has two products named `{name}`; product names name the files and the products in the console, so give each its own"
    )]
    DuplicateProduct {
        /// The name used twice.
        name: String,
    },
    /// Two versions of one product clash: the same label, or the same template bytes.
    #[error("product `{product}`: {message}")]
    DuplicateVersion {
        /// The product.
        product: String,
        /// Which versions clash and how to fix it.
        message: String,
    },
    /// A principal given to a portfolio is not the ARN of an IAM role, user or group.
    #[error(
        "portfolio principal `{principal}`: `{value}` is not an IAM principal ARN ({reason}); give `arn:aws:iam::123456789012:role/NAME` (or a user or group)"
    )]
    PrincipalNotAnArn {
        /// The principal's name in the portfolio.
        principal: String,
        /// The value given.
        value: String,
        /// Why it was refused.
        reason: String,
    },
    /// A product creates a resource type whose launch-role permissions airgap does not know.
    #[error(
        "product `{product}`: resource `{logical_id}` is of type `{resource_type}`, for which airgap knows no launch-role permissions (it never falls back to `*`); supported types: {supported}"
    )]
    UnsupportedResourceType {
        /// The product.
        product: String,
        /// The resource's logical ID.
        logical_id: String,
        /// Its type.
        resource_type: String,
        /// The types airgap can derive permissions for.
        supported: String,
    },
    /// A product template creates an IAM role without a permissions boundary.
    #[error(
        "product `{product}`: role `{logical_id}` has no PermissionsBoundary; the launch role may create roles only with the portfolio's boundary (give the role `PermissionsBoundary`, e.g. `FlowLog::permissions_boundary`, set to `airgap::catalog::boundary_arn(...)`)"
    )]
    RoleWithoutBoundary {
        /// The product.
        product: String,
        /// The role's logical ID.
        logical_id: String,
    },
    /// Two constraints of one product that Service Catalog refuses together.
    #[error("product `{product}`: {message}")]
    ConflictingConstraints {
        /// The product.
        product: String,
        /// Which constraints, and how to resolve it.
        message: String,
    },
    /// Products depend on one another in a way that cannot be launched in order.
    #[error("product `{product}`: {message}")]
    ProductDependency {
        /// The product.
        product: String,
        /// What is wrong (unknown product, cycle) and how to fix it.
        message: String,
    },
    /// The package folder exists and `force` was not given.
    #[error(
        "{path} already exists; choose another folder, remove it, or pass `force` (`--force`) to replace it"
    )]
    PackageExists {
        /// The folder.
        path: String,
    },
}

impl From<CatalogError> for Error {
    fn from(e: CatalogError) -> Self {
        Error::Layer(LayerError::new(e))
    }
}
