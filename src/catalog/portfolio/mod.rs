//! The portfolio template: portfolio, products and their versions, who may launch them, launch
//! roles, tag options, launch rules and sharing.

mod build;

use heck::ToShoutySnakeCase;
use indexmap::IndexMap;
use serde_json::{Value, json};

use super::boundary::DEFAULT_BOUNDARY_NAME;
use super::product::{Product, ProductRelease};
use super::sharing::{OrganizationNode, StackSetRollout};
use crate::catalog::CatalogError;
use crate::error::{Error, Result};
use crate::iam::{Arn, PolicyDocument};
use crate::template::{Expr, Synthesized};

/// IAM inline policies of one role may hold this many characters (whitespace not counted).
pub const ROLE_INLINE_POLICY_CHARS: usize = 10_240;

const TEMPLATE_BUCKET: &str = "TemplateBucket";
const KEY_PREFIX: &str = "KeyPrefix";
const PRINCIPAL_PATTERN: &str = r"^arn:aws[a-z-]*:iam::[0-9]{12}:(role|user|group)/[\w+=,.@/-]+$";

/// An IAM role, user or group that may see and launch the portfolio's products. Its ARN is a
/// parameter of the portfolio template (`<Name>PrincipalArn`), with a default when given.
///
/// ```
/// use airgap::catalog::{PortfolioPrincipal, principal_env_var};
/// let admins = PortfolioPrincipal::new("PlatformAdmins", "Platform administrators' role ARN")
///     .default_arn("arn:aws:iam::123456789012:role/PlatformAdmins");
/// # let _ = admins;
/// // publish.sh reads the parameter `PlatformAdminsPrincipalArn` from this variable:
/// assert_eq!(principal_env_var("PlatformAdminsPrincipalArn"), "PLATFORM_ADMINS_PRINCIPAL_ARN");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct PortfolioPrincipal {
    name: String,
    label: String,
    default: Option<String>,
}

impl PortfolioPrincipal {
    /// A principal called `name` (e.g. `DataScientists`), shown on the launch form as `label`.
    pub fn new(name: impl Into<String>, label: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            label: label.into(),
            default: None,
        }
    }

    /// The ARN used when none is given at deploy time.
    pub fn default_arn(mut self, arn: impl Into<String>) -> Self {
        self.default = Some(arn.into());
        self
    }
}

/// Checks that `value` is the ARN of an IAM role, user or group (`principal` names it in the
/// error): what `publish.sh` and the portfolio template's parameter check too.
///
/// ```
/// use airgap::catalog::check_principal_arn;
/// assert!(check_principal_arn("DataScientists", "arn:aws:iam::123456789012:role/ml/DataScientists").is_ok());
/// // IAM names hold letters, digits and `+=,.@_-`: a space is no name at all.
/// assert!(check_principal_arn("DataScientists", "arn:aws:iam::123456789012:role/Data Scientists").is_err());
/// assert!(check_principal_arn("DataScientists", "arn:aws:s3:::bucket").is_err());
/// ```
pub fn check_principal_arn(principal: &str, value: &str) -> Result<()> {
    let refuse = |reason: &str| {
        Error::from(CatalogError::PrincipalNotAnArn {
            principal: principal.to_string(),
            value: value.to_string(),
            reason: reason.to_string(),
        })
    };
    let arn = Arn::new(value)
        .map_err(|_| refuse("not of the form arn:partition:service:region:account:resource"))?;
    let text = arn.as_text().unwrap_or_default();
    let parts: Vec<&str> = text.splitn(6, ':').collect();
    if parts[1].starts_with('$') {
        return Err(refuse("give the partition itself, e.g. `aws`"));
    }
    if parts[2] != "iam" {
        return Err(refuse("the service must be `iam`"));
    }
    if !(parts[4].len() == 12 && parts[4].chars().all(|c| c.is_ascii_digit())) {
        return Err(refuse("the account must be 12 digits"));
    }
    let resource = parts[5];
    let ok = ["role/", "user/", "group/"].iter().any(|p| {
        resource.strip_prefix(p).is_some_and(|n| {
            !n.is_empty()
                && n.chars()
                    .all(|c| c.is_ascii_alphanumeric() || "+=,.@_/-".contains(c))
        })
    });
    if !ok {
        return Err(refuse(
            "the resource must be `role/NAME`, `user/NAME` or `group/NAME`",
        ));
    }
    Ok(())
}

/// A rule checked when a product is launched (`AWS::ServiceCatalog::LaunchTemplateConstraint`):
/// assertions over the product's parameters, optionally only when a condition holds.
///
/// ```
/// use airgap::catalog::LaunchRule;
/// use airgap::template::Expr;
/// let rule = LaunchRule::new("OnlyOurPrefixList")
///     .when(Expr::equals(Expr::ref_("EnvType"), Expr::str("prod")))
///     .assert(Expr::not_(Expr::equals(Expr::ref_("S3PrefixListId"), Expr::str(""))),
///             "Give the S3 prefix list of the region");
/// assert_eq!(rule.name(), "OnlyOurPrefixList");
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct LaunchRule {
    name: String,
    condition: Option<Value>,
    assertions: Vec<(Value, String)>,
}

impl LaunchRule {
    /// A rule named `name` (letters and digits).
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            condition: None,
            assertions: Vec::new(),
        }
    }

    /// Applies the rule only when `condition` (a rule function such as
    /// [`Expr::equals`](crate::template::Expr::equals)) holds.
    pub fn when(mut self, condition: Expr) -> Self {
        self.condition = Some(condition.to_value());
        self
    }

    /// Adds an assertion (a rule function such as
    /// [`Expr::contains`](crate::template::Expr::contains)) and the message shown when it
    /// fails.
    pub fn assert(mut self, assertion: Expr, description: impl Into<String>) -> Self {
        self.assertions
            .push((assertion.to_value(), description.into()));
        self
    }

    /// The rule's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    fn to_value(&self) -> Value {
        let mut m = serde_json::Map::new();
        if let Some(c) = &self.condition {
            m.insert("RuleCondition".into(), c.clone());
        }
        m.insert(
            "Assertions".into(),
            Value::Array(
                self.assertions
                    .iter()
                    .map(|(a, d)| json!({"Assert": a, "AssertDescription": d}))
                    .collect(),
            ),
        );
        Value::Object(m)
    }
}

/// A Service Catalog portfolio and everything in it, synthesized to one template by
/// [`Portfolio::build`].
///
/// The product templates are not inlined: each version loads from
/// `https://<TemplateBucket>.s3.<region>.<URLSuffix>/<KeyPrefix>products/<product>-<version>.template.json`,
/// with the bucket and prefix as parameters, which `publish.sh` fills in after uploading.
///
/// ```
/// use airgap::catalog::{Portfolio, PortfolioPrincipal, Product, ProductVersion};
/// use airgap::template::{Resource, Stack};
/// let mut stack = Stack::new("Net");
/// stack.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let release = Portfolio::new("Data science networks", "Platform team")
///     .product(Product::new("vpc", "Platform team")
///         .version(ProductVersion::new("1.0.0", stack.synth_unchecked()?.into_template())))
///     .principal(PortfolioPrincipal::new("DataScientists", "Data scientists' role ARN"))
///     .build()?;
/// assert!(release.portfolio.to_json_pretty().contains("AWS::ServiceCatalog::Portfolio"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Portfolio {
    display_name: String,
    provider: String,
    description: Option<String>,
    key_prefix: String,
    products: Vec<Product>,
    principals: Vec<PortfolioPrincipal>,
    tag_options: Vec<(String, String)>,
    share_accounts: Vec<String>,
    share_org: Vec<OrganizationNode>,
    boundary_name: String,
    policies: Vec<super::PortfolioPolicy>,
}

/// A portfolio ready to write: its template, the products' rendered versions, the derived
/// launch-role policies, and what the manifest and publish script need.
#[derive(Debug, Clone)]
pub struct Release {
    /// The portfolio's display name.
    pub display_name: String,
    /// The portfolio template.
    pub portfolio: Synthesized,
    /// The products, in the order given.
    pub products: Vec<ProductRelease>,
    /// Each product's launch-role policy, by product name.
    pub launch_role_policies: IndexMap<String, PolicyDocument>,
    /// Product names in an order they can be launched in.
    pub launch_order: Vec<String>,
    /// The default key prefix of the templates in the bucket.
    pub key_prefix: String,
    /// The principal ARN parameters: (parameter, label, default).
    pub principal_parameters: Vec<(String, String, Option<String>)>,
    /// Accounts the portfolio is shared with by the template.
    pub share_accounts: Vec<String>,
    /// Organization nodes `publish.sh` shares the portfolio with.
    pub share_organization: Vec<OrganizationNode>,
    /// The products rolled out with StackSets (a STACKSET constraint instead of a launch role).
    pub stack_sets: IndexMap<String, StackSetRollout>,
    /// The permissions boundary of the roles the products create: its policy name and
    /// document, when some product creates a role.
    pub boundary: Option<(String, PolicyDocument)>,
    /// Plain JSON documents written beside the templates, `(path, JSON)`: the portfolio
    /// policies' (see [`Portfolio::managed_policy`]).
    pub documents: Vec<(String, String)>,
}

impl Portfolio {
    /// A portfolio shown as `display_name`, provided by `provider`.
    pub fn new(display_name: impl Into<String>, provider: impl Into<String>) -> Self {
        Self {
            display_name: display_name.into(),
            provider: provider.into(),
            description: None,
            key_prefix: "airgap/".into(),
            products: Vec::new(),
            principals: Vec::new(),
            tag_options: Vec::new(),
            share_accounts: Vec::new(),
            share_org: Vec::new(),
            boundary_name: DEFAULT_BOUNDARY_NAME.into(),
            policies: Vec::new(),
        }
    }

    /// Adds a customer-managed policy to the portfolio template (and its plain documents to
    /// the release folder), such as a guardrail for the principals who launch the products.
    pub fn managed_policy(mut self, policy: super::PortfolioPolicy) -> Self {
        self.policies.push(policy);
        self
    }

    /// What the portfolio is for.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The default key prefix of the templates in the bucket (default `airgap/`; may be empty).
    pub fn key_prefix(mut self, prefix: impl Into<String>) -> Self {
        self.key_prefix = prefix.into();
        self
    }

    /// Adds a product.
    pub fn product(mut self, product: Product) -> Self {
        self.products.push(product);
        self
    }

    /// Lets a principal see and launch the products.
    pub fn principal(mut self, principal: PortfolioPrincipal) -> Self {
        self.principals.push(principal);
        self
    }

    /// Adds a tag option: end users pick one value per key for the resources they launch.
    pub fn tag_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tag_options.push((key.into(), value.into()));
        self
    }

    /// Shares the portfolio with another account (it must accept the share, e.g. `aws
    /// servicecatalog accept-portfolio-share`). Launch constraints are not shared: the other
    /// account adds its own launch role to the imported portfolio.
    ///
    /// ```
    /// use airgap::catalog::{OrganizationNode, Portfolio, Product, ProductVersion};
    /// use airgap::template::{Resource, Stack};
    /// let mut vpc = Stack::new("Vpc");
    /// vpc.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
    /// let release = Portfolio::new("Networks", "Platform team")
    ///     .product(Product::new("vpc", "Platform team")
    ///         .version(ProductVersion::new("1.0.0", vpc.synth_unchecked()?.into_template())))
    ///     .share_with_account("210987654321")
    ///     .share_with_organization(OrganizationNode::OrganizationalUnit("ou-ab12-cd34ef56".into()))
    ///     .build()?;
    /// // The account share is in the template; the OU share is made by publish.sh.
    /// assert!(release.portfolio.to_json_pretty().contains("AWS::ServiceCatalog::PortfolioShare"));
    /// assert_eq!(release.share_organization[0].kind(), "ORGANIZATIONAL_UNIT");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn share_with_account(mut self, account: impl Into<String>) -> Self {
        self.share_accounts.push(account.into());
        self
    }

    /// Shares the portfolio with an organization or OU (done by `publish.sh`: see
    /// [`OrganizationNode`]).
    pub fn share_with_organization(mut self, node: OrganizationNode) -> Self {
        self.share_org.push(node);
        self
    }

    /// The name of the permissions-boundary policy the portfolio template creates (default
    /// [`DEFAULT_BOUNDARY_NAME`]); every role of every product must name it as its
    /// `PermissionsBoundary` ([`boundary_arn`](super::boundary_arn)). IAM names are per account: two portfolios
    /// in one account need two names.
    pub fn boundary_name(mut self, name: impl Into<String>) -> Self {
        self.boundary_name = name.into();
        self
    }
}

/// The environment variable `publish.sh` reads a principal parameter from, e.g.
/// `DataScientistsPrincipalArn` -> `DATA_SCIENTISTS_PRINCIPAL_ARN`.
pub fn principal_env_var(parameter: &str) -> String {
    parameter.to_shouty_snake_case()
}
