//! The portfolio template: portfolio, products and their versions, who may launch them, launch
//! roles, tag options, launch rules and sharing.

use heck::{ToShoutySnakeCase, ToUpperCamelCase};
use indexmap::IndexMap;
use serde_json::{Value, json};

use super::boundary::{DEFAULT_BOUNDARY_NAME, boundary_arn, boundary_policy, check_boundary_name};
use super::launch_role::derive_policy;
use super::product::{Product, ProductRelease, first_unknown_name};
use super::sharing::{OrganizationNode, StackSetRollout, check_account, stack_set_constraint};
use crate::error::{Error, Result};
use crate::iam::{Arn, Condition, ConditionKey, PolicyDocument, PolicyKind, Principal, Statement};
use crate::template::{Expr, LogicalId, Parameter, Pseudo, Resource, Stack, Synthesized};

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
    let refuse = |reason: &str| Error::PrincipalNotAnArn {
        principal: principal.to_string(),
        value: value.to_string(),
        reason: reason.to_string(),
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
/// use serde_json::json;
/// let rule = LaunchRule::new("OnlyOurPrefixList")
///     .assert(json!({"Fn::Not": [{"Fn::Equals": [{"Ref": "S3PrefixListId"}, ""]}]}),
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

    /// Applies the rule only when `condition` (a rule function such as `Fn::Equals`) holds.
    pub fn when(mut self, condition: Value) -> Self {
        self.condition = Some(condition);
        self
    }

    /// Adds an assertion and the message shown when it fails.
    pub fn assert(mut self, assertion: Value, description: impl Into<String>) -> Self {
        self.assertions.push((assertion, description.into()));
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
/// stack.add_resource("Vpc", "Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let release = Portfolio::new("Data science networks", "Platform team")
///     .product(Product::new("vpc", "Platform team")
///         .version(ProductVersion::new("1.0.0").template(stack.synth_unchecked()?.into_template())))
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
    rules: Vec<(String, LaunchRule)>,
    share_accounts: Vec<String>,
    share_org: Vec<OrganizationNode>,
    stack_sets: IndexMap<String, StackSetRollout>,
    duplicate_rollout: Option<String>,
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
            rules: Vec::new(),
            share_accounts: Vec::new(),
            share_org: Vec::new(),
            stack_sets: IndexMap::new(),
            duplicate_rollout: None,
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

    /// Adds a launch rule to `product` (checked against its parameters).
    pub fn launch_rule(mut self, product: impl Into<String>, rule: LaunchRule) -> Self {
        self.rules.push((product.into(), rule));
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
    /// vpc.add_resource("Vpc", "Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
    /// let release = Portfolio::new("Networks", "Platform team")
    ///     .product(Product::new("vpc", "Platform team")
    ///         .version(ProductVersion::new("1.0.0").template(vpc.synth_unchecked()?.into_template())))
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
    /// `PermissionsBoundary` ([`boundary_arn`]). IAM names are per account: two portfolios
    /// in one account need two names.
    pub fn boundary_name(mut self, name: impl Into<String>) -> Self {
        self.boundary_name = name.into();
        self
    }

    /// Lets `product` be rolled out with StackSets to the accounts and regions of `rollout`,
    /// instead of launched with a launch role: see [`StackSetRollout`]. A second roll-out for
    /// the same product is [`Error::ConflictingConstraints`] at [`Portfolio::build`].
    pub fn stack_set_rollout(
        mut self,
        product: impl Into<String>,
        rollout: StackSetRollout,
    ) -> Self {
        let product = product.into();
        if self.stack_sets.contains_key(&product) {
            self.duplicate_rollout.get_or_insert(product.clone());
        }
        self.stack_sets.insert(product, rollout);
        self
    }

    /// Checks everything and synthesizes the portfolio template.
    pub fn build(self) -> Result<Release> {
        let construct = format!("Portfolio '{}'", self.display_name);
        check_len(&construct, "display_name", &self.display_name, 1, 100)?;
        check_len(&construct, "provider", &self.provider, 1, 50)?;
        if self.products.is_empty() {
            return Err(Error::invalid(
                &construct,
                "product",
                "the portfolio has no product; add one with `.product(...)`",
            ));
        }
        let mut products: Vec<ProductRelease> = Vec::new();
        for p in &self.products {
            if products.iter().any(|q| q.name == p.name) {
                return Err(Error::DuplicateProduct {
                    name: p.name.clone(),
                });
            }
            products.push(p.release()?);
        }
        let launch_order = launch_order(&products)?;
        if let Some(product) = &self.duplicate_rollout {
            return Err(Error::ConflictingConstraints {
                product: product.clone(),
                message: "it has two StackSet roll-outs; Service Catalog takes one STACKSET constraint per product and portfolio: give one roll-out all the accounts and regions".into(),
            });
        }
        check_boundary_name(&construct, &self.boundary_name)?;
        let all_templates: Vec<(&str, &crate::template::Template)> = products
            .iter()
            .flat_map(|p| p.versions.iter().map(|v| (p.name.as_str(), &v.template)))
            .collect();
        let boundary = boundary_policy(&all_templates, &boundary_arn(&self.boundary_name))?;

        let mut stack = Stack::new("Portfolio").description(format!(
            "AWS Service Catalog portfolio '{}': its products, who may launch them and the roles they launch with",
            self.display_name
        ));
        stack.add_parameter_labeled(
            TEMPLATE_BUCKET,
            &construct,
            Parameter::string()
                .description("The S3 bucket publish.sh uploaded the product templates to")
                .pattern(
                    r"^[a-z0-9][a-z0-9.-]{1,61}[a-z0-9]$",
                    "an S3 bucket name: 3 to 63 lowercase letters, digits, `.` and `-`",
                ),
            "Template bucket",
            "Where the product templates are",
        )?;
        stack.add_parameter_labeled(
            KEY_PREFIX,
            &construct,
            Parameter::string()
                .description("The key prefix of the product templates in the bucket (may be empty; ends with / when not)")
                .default_value(self.key_prefix.clone())
                .pattern(r"^([\w.!*'()/-]*/)?$", "empty, or a key prefix ending with /"),
            "Key prefix",
            "Where the product templates are",
        )?;
        let mut principal_parameters = Vec::new();
        for p in &self.principals {
            let id = LogicalId::from_parts([p.name.as_str(), "principal arn"])?;
            let mut param = Parameter::string()
                .description(format!("{}: the IAM role, user or group ARN that may launch the products", p.label))
                .pattern(PRINCIPAL_PATTERN, "an IAM role, user or group ARN, e.g. arn:aws:iam::123456789012:role/DataScientists");
            if let Some(d) = &p.default {
                check_principal_arn(&p.name, d)?;
                param = param.default_value(d.clone());
            }
            stack.add_parameter_labeled(
                id.as_str(),
                &construct,
                param,
                &p.label,
                "Who may launch the products",
            )?;
            principal_parameters.push((id.to_string(), p.label.clone(), p.default.clone()));
        }

        let mut portfolio_props = Resource::new("AWS::ServiceCatalog::Portfolio")
            .property("DisplayName", self.display_name.clone())
            .property("ProviderName", self.provider.clone());
        if let Some(d) = &self.description {
            portfolio_props = portfolio_props.property("Description", d.clone());
        }
        let portfolio = stack.add_resource("Portfolio", &construct, portfolio_props)?;

        for (parameter, _, _) in &principal_parameters {
            stack.add_resource(
                format!("{}Association", parameter.trim_end_matches("PrincipalArn")),
                &construct,
                Resource::new("AWS::ServiceCatalog::PortfolioPrincipalAssociation")
                    .property("PortfolioId", portfolio.ref_().to_value())
                    .property("PrincipalARN", Expr::ref_(parameter.as_str()).to_value())
                    .property("PrincipalType", "IAM"),
            )?;
        }

        if let Some(doc) = &boundary {
            doc.validate(PolicyKind::Identity, &construct)?;
            if let Some(p) = super::launch_role::check_grants(doc).into_iter().next() {
                return Err(Error::invalid(
                    &construct,
                    "permissions boundary",
                    format!("{p}: fix the product role's policy this comes from"),
                ));
            }
            stack.add_resource(
                "ProductRoleBoundary",
                &construct,
                Resource::new("AWS::IAM::ManagedPolicy")
                    .property("ManagedPolicyName", self.boundary_name.clone())
                    .property(
                        "Description",
                        "Permissions boundary of every role the portfolio's products create: the most those roles may do",
                    )
                    .property("PolicyDocument", doc.to_value()),
            )?;
        }
        let mut launch_role_policies = IndexMap::new();
        for p in &products {
            let base = p.name.to_upper_camel_case();
            let pc = format!("Product '{}'", p.name);
            let artifacts: Vec<Value> = p
                .versions
                .iter()
                .map(|v| {
                    let mut a = serde_json::Map::new();
                    a.insert("Name".into(), v.name.clone().into());
                    a.insert(
                        "Description".into(),
                        v.description
                            .clone()
                            .unwrap_or_else(|| format!("{} {} (template sha256 {})", p.display_name, v.label, v.sha256))
                            .into(),
                    );
                    a.insert(
                        "Info".into(),
                        json!({"LoadTemplateFromURL": Expr::sub(format!(
                            "https://${{{TEMPLATE_BUCKET}}}.s3.${{AWS::Region}}.${{AWS::URLSuffix}}/${{{KEY_PREFIX}}}{}",
                            v.file(&p.name)
                        )).to_value()}),
                    );
                    a.insert("Type".into(), "CLOUD_FORMATION_TEMPLATE".into());
                    Value::Object(a)
                })
                .collect();
            let mut product = Resource::new("AWS::ServiceCatalog::CloudFormationProduct")
                .property("Name", p.display_name.clone())
                .property("Owner", p.owner.clone())
                .property("ProvisioningArtifactParameters", Value::Array(artifacts));
            for (key, v) in [
                ("Description", &p.description),
                ("Distributor", &p.distributor),
                ("SupportEmail", &p.support_email),
            ] {
                if let Some(v) = v {
                    product = product.property(key, v.clone());
                }
            }
            let product_ref = stack.add_resource(format!("{base}Product"), &pc, product)?;
            let association = stack.add_resource(
                format!("{base}Association"),
                &pc,
                Resource::new("AWS::ServiceCatalog::PortfolioProductAssociation")
                    .property("PortfolioId", portfolio.ref_().to_value())
                    .property("ProductId", product_ref.ref_().to_value()),
            )?;

            let templates: Vec<(&str, &crate::template::Template)> = p
                .versions
                .iter()
                .map(|v| (p.name.as_str(), &v.template))
                .collect();
            let policy = derive_policy(&templates)?;
            policy.validate(PolicyKind::Identity, &pc)?;
            let chars: usize = policy
                .to_value()
                .to_string()
                .chars()
                .filter(|c| !c.is_whitespace())
                .count();
            if chars > ROLE_INLINE_POLICY_CHARS {
                return Err(Error::invalid(
                    &pc,
                    "launch role",
                    format!(
                        "the derived launch-role policy has {chars} characters, over IAM's {ROLE_INLINE_POLICY_CHARS} for a role's inline policies; split the product"
                    ),
                ));
            }
            // Service Catalog takes one LAUNCH or one STACKSET constraint per product and
            // portfolio, never both: a product rolled out with StackSets is launched by the
            // StackSets execution role of each target account instead of a launch role.
            let mut constraint = match self.stack_sets.get(&p.name) {
                None => {
                    let role = add_launch_role(&mut stack, &pc, &base, &p.name, &policy)?;
                    Resource::new("AWS::ServiceCatalog::LaunchRoleConstraint")
                        .property(
                            "Description",
                            format!("Launch {} with its derived role", p.display_name),
                        )
                        .property("RoleArn", role.get_att("Arn").to_value())
                }
                Some(rollout) => stack_set_constraint(&pc, rollout)?,
            }
            .property("PortfolioId", portfolio.ref_().to_value())
            .property("ProductId", product_ref.ref_().to_value());
            // Service Catalog refuses a constraint on a product not yet in the portfolio.
            constraint
                .depends_on
                .push(association.logical_id().to_string());
            let constraint_id = if self.stack_sets.contains_key(&p.name) {
                format!("{base}StackSetConstraint")
            } else {
                format!("{base}LaunchConstraint")
            };
            stack.add_resource(constraint_id, &pc, constraint)?;
            launch_role_policies.insert(p.name.clone(), policy);

            let rules: Vec<&LaunchRule> = self
                .rules
                .iter()
                .filter(|(n, _)| *n == p.name)
                .map(|(_, r)| r)
                .collect();
            if !rules.is_empty() {
                let mut body = serde_json::Map::new();
                for r in &rules {
                    LogicalId::new(r.name.as_str())?;
                    if r.assertions.is_empty() {
                        return Err(Error::invalid(
                            &pc,
                            "launch_rule",
                            format!("rule `{}` has no assertion", r.name),
                        ));
                    }
                    let value = r.to_value();
                    for v in &p.versions {
                        let known = |n: &str| {
                            v.template.parameters.contains_key(n) || Pseudo::from_name(n).is_some()
                        };
                        if let Some(name) = first_unknown_name(&value, &known, &[]) {
                            return Err(Error::UndeclaredParameter {
                                product: p.name.clone(),
                                version: v.label.clone(),
                                at: format!("launch rule `{}`", r.name),
                                parameter: name,
                            });
                        }
                    }
                    body.insert(r.name.clone(), value);
                }
                let mut c = Resource::new("AWS::ServiceCatalog::LaunchTemplateConstraint")
                    .property("Description", format!("Launch rules of {}", p.display_name))
                    .property("PortfolioId", portfolio.ref_().to_value())
                    .property("ProductId", product_ref.ref_().to_value())
                    .property(
                        "Rules",
                        serde_json::to_string(&Value::Object(body)).expect("JSON values serialize"),
                    );
                c.depends_on.push(association.logical_id().to_string());
                stack.add_resource(format!("{base}LaunchRules"), &pc, c)?;
            }
            stack.add_output(
                format!("{base}ProductId"),
                &format!("The ID of product '{}'", p.name),
                product_ref.ref_(),
                None,
            )?;
        }
        for name in self
            .rules
            .iter()
            .map(|(n, _)| n)
            .chain(self.stack_sets.keys())
        {
            if !products.iter().any(|p| &p.name == name) {
                return Err(Error::ProductDependency {
                    product: name.clone(),
                    message: "a launch rule or StackSet roll-out names this product, which the portfolio does not have".into(),
                });
            }
        }

        let mut seen_keys: IndexMap<String, usize> = IndexMap::new();
        for (key, value) in &self.tag_options {
            for (what, s, max) in [("key", key, 128), ("value", value, 256)] {
                let ok = !s.is_empty()
                    && s.chars().count() <= max
                    && s.chars().all(|c| {
                        c.is_alphanumeric() || c.is_whitespace() || "_.:/=+-@".contains(c)
                    });
                if !ok {
                    return Err(Error::invalid(
                        &construct,
                        "tag_option",
                        format!(
                            "tag option {what} `{s}` must be 1 to {max} letters, digits, spaces or `_.:/=+-@`"
                        ),
                    ));
                }
            }
            let n = seen_keys.entry(key.clone()).or_insert(0);
            *n += 1;
            let id = LogicalId::from_parts(["tag option", key.as_str(), &n.to_string()])?;
            let option = stack.add_resource(
                id.as_str(),
                &construct,
                Resource::new("AWS::ServiceCatalog::TagOption")
                    .property("Key", key.clone())
                    .property("Value", value.clone())
                    .property("Active", true),
            )?;
            stack.add_resource(
                format!("{id}Association"),
                &construct,
                Resource::new("AWS::ServiceCatalog::TagOptionAssociation")
                    .property("ResourceId", portfolio.ref_().to_value())
                    .property("TagOptionId", option.ref_().to_value()),
            )?;
        }

        for account in &self.share_accounts {
            check_account(&construct, "share_with_account", account)?;
            stack.add_resource(
                format!("Share{account}"),
                &construct,
                Resource::new("AWS::ServiceCatalog::PortfolioShare")
                    .property("AccountId", account.clone())
                    .property("PortfolioId", portfolio.ref_().to_value())
                    .property("ShareTagOptions", !self.tag_options.is_empty()),
            )?;
        }
        for node in &self.share_org {
            node.check()?;
        }
        stack.add_output(
            "PortfolioId",
            "The portfolio's ID (publish.sh shares it with organization nodes)",
            portfolio.ref_(),
            None,
        )?;
        let mut documents = Vec::new();
        for policy in &self.policies {
            policy.add_to(&mut stack, &construct)?;
            documents.extend(policy.documents().iter().cloned());
        }
        let synthesized = stack.synth()?;
        Ok(Release {
            display_name: self.display_name,
            portfolio: synthesized,
            products,
            launch_role_policies,
            launch_order,
            key_prefix: self.key_prefix,
            principal_parameters,
            share_accounts: self.share_accounts,
            share_organization: self.share_org,
            stack_sets: self.stack_sets,
            boundary: boundary.map(|d| (self.boundary_name, d)),
            documents,
        })
    }
}

fn check_len(construct: &str, field: &str, s: &str, min: usize, max: usize) -> Result<()> {
    let n = s.chars().count();
    if (min..=max).contains(&n) {
        Ok(())
    } else {
        Err(Error::invalid(
            construct,
            field,
            format!("must be {min} to {max} characters; it has {n}"),
        ))
    }
}

/// Adds the role Service Catalog launches product `name` with, whose policy is `policy`.
fn add_launch_role(
    stack: &mut Stack,
    construct: &str,
    base: &str,
    name: &str,
    policy: &PolicyDocument,
) -> Result<crate::template::ResourceRef> {
    // Service Catalog documents no confused-deputy condition for launch roles, and a
    // `StringEquals` on a key the service does not send would refuse every launch. The
    // `IfExists` form costs nothing when the key is absent and refuses any request made on
    // behalf of another account when it is present. (Another account's portfolio cannot name
    // this role anyway: a launch constraint passes the role, and `iam:PassRole` does not cross
    // accounts.)
    let same_account = Condition::new(
        crate::iam::ConditionOperator::StringEquals,
        ConditionKey::SOURCE_ACCOUNT,
        [Expr::pseudo(Pseudo::AccountId)],
    )?
    .if_exists();
    let trust = PolicyDocument::new().statement(
        Statement::allow()
            .sid("ServiceCatalogOfThisAccountLaunchesProducts")
            .principal(Principal::Service(vec![Expr::str(
                "servicecatalog.amazonaws.com",
            )]))
            .action("sts:AssumeRole")
            .condition(same_account),
    );
    trust.validate(PolicyKind::Trust, construct)?;
    stack.add_resource_tagged(
        format!("{base}LaunchRole"),
        construct,
        Resource::new("AWS::IAM::Role")
            .property(
                "Description",
                format!("Service Catalog launches product '{name}' with this role: only what its templates create"),
            )
            .property("AssumeRolePolicyDocument", trust.to_value())
            .property(
                "Policies",
                json!([{"PolicyName": "LaunchProduct", "PolicyDocument": policy.to_value()}]),
            ),
        &format!("{name} launch role"),
    )
}

/// Orders products so that each comes after those it names in [`Product::after`], keeping the
/// given order otherwise.
fn launch_order(products: &[ProductRelease]) -> Result<Vec<String>> {
    for p in products {
        for dep in &p.after {
            if !products.iter().any(|q| &q.name == dep) {
                return Err(Error::ProductDependency {
                    product: p.name.clone(),
                    message: format!(
                        "it is launched after `{dep}`, which the portfolio does not have; add that product or drop `.after(\"{dep}\")`"
                    ),
                });
            }
        }
    }
    let mut order: Vec<String> = Vec::new();
    while order.len() < products.len() {
        let next = products
            .iter()
            .find(|p| !order.contains(&p.name) && p.after.iter().all(|d| order.contains(d)));
        match next {
            Some(p) => order.push(p.name.clone()),
            None => {
                let stuck = products
                    .iter()
                    .find(|p| !order.contains(&p.name))
                    .expect("some product is left");
                return Err(Error::ProductDependency {
                    product: stuck.name.clone(),
                    message: "the products' `.after(...)` form a cycle, so none of them can be launched first; drop one edge".into(),
                });
            }
        }
    }
    Ok(order)
}

/// The environment variable `publish.sh` reads a principal parameter from, e.g.
/// `DataScientistsPrincipalArn` -> `DATA_SCIENTISTS_PRINCIPAL_ARN`.
pub fn principal_env_var(parameter: &str) -> String {
    parameter.to_shouty_snake_case()
}
