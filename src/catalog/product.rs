//! Products and their versions: a product template, its content hash and the checks Service
//! Catalog and CloudFormation would otherwise make only at upload time.

use serde_json::Value;
use sha2::{Digest, Sha256};

use crate::catalog::CatalogError;
use crate::error::{Error, Result};
use crate::template::{Intrinsic, Pseudo, Template, quota, sub_variables};

/// How many hex digits of the template's SHA-256 the version name carries.
pub const HASH_DIGITS: usize = 8;

/// One version of a product: a label chosen by people (`1.2.0`) and the template it launches.
///
/// The version's name in Service Catalog is the label plus a short content hash of the
/// template's bytes (`1.2.0-3f2a9c1e`), so a changed template can never hide under an old
/// version name, and the same bytes always give the same name.
///
/// ```
/// use airgap::catalog::ProductVersion;
/// use airgap::template::{Resource, Stack};
/// let mut stack = Stack::new("Topic");
/// stack.add_resource("Topic", Resource::new("AWS::SNS::Topic"))?;
/// let v = ProductVersion::new("1.0.0", stack.synth()?);
/// assert_eq!(v.label(), "1.0.0");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct ProductVersion {
    label: String,
    description: Option<String>,
    template: Template,
}

impl ProductVersion {
    /// A version labelled `label` (letters, digits, `.`, `-`, `_`, `+`) that launches
    /// `template`: a synthesized stack ([`Synthesized`](crate::template::Synthesized) converts),
    /// or a template read from a file.
    pub fn new(label: impl Into<String>, template: impl Into<Template>) -> Self {
        Self {
            label: label.into(),
            description: None,
            template: template.into(),
        }
    }

    /// What changed in this version, shown in the console.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// The label as given.
    pub fn label(&self) -> &str {
        &self.label
    }

    /// The template this version launches.
    pub fn template(&self) -> &Template {
        &self.template
    }
}

/// A Service Catalog product: a name, who owns it, and one or more versions.
///
/// `name` is a short slug (`sagemaker-network`): it names the product's files in the package and
/// its resources in the portfolio template. The console shows [`Product::display_name`].
///
/// ```
/// use airgap::catalog::{Portfolio, Product, ProductVersion};
/// use airgap::template::{Resource, Stack};
/// let mut vpc = Stack::new("Vpc");
/// vpc.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let product = Product::new("network-vpc", "ML platform team")
///     .display_name("SageMaker network: vpc")
///     .description("The VPC of the secure SageMaker network")
///     .support_email("ml-platform@example.com")
///     .version(ProductVersion::new("1.0.0", vpc.synth_unchecked()?.into_template()));
/// let release = Portfolio::new("Networks", "ML platform team").product(product).build()?;
/// let version = &release.products[0].versions[0];
/// // The version's name carries the first 8 hex digits of the template's SHA-256.
/// assert!(version.name.starts_with("1.0.0-") && version.name.len() == 14);
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Product {
    pub(crate) name: String,
    pub(crate) display_name: Option<String>,
    pub(crate) owner: String,
    pub(crate) description: Option<String>,
    pub(crate) distributor: Option<String>,
    pub(crate) support_email: Option<String>,
    pub(crate) versions: Vec<ProductVersion>,
    pub(crate) after: Vec<String>,
    pub(crate) launch_rules: Vec<super::LaunchRule>,
    pub(crate) stack_sets: Vec<super::StackSetRollout>,
}

impl Product {
    /// A product named `name` (lowercase letters, digits and `-`), owned by `owner`.
    pub fn new(name: impl Into<String>, owner: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            display_name: None,
            owner: owner.into(),
            description: None,
            distributor: None,
            support_email: None,
            versions: Vec::new(),
            after: Vec::new(),
            launch_rules: Vec::new(),
            stack_sets: Vec::new(),
        }
    }

    /// The name shown in the console (default: the slug).
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = Some(name.into());
        self
    }

    /// What the product launches.
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.description = Some(description.into());
        self
    }

    /// Who distributes it (shown in the console).
    pub fn distributor(mut self, distributor: impl Into<String>) -> Self {
        self.distributor = Some(distributor.into());
        self
    }

    /// Where users ask for help.
    pub fn support_email(mut self, email: impl Into<String>) -> Self {
        self.support_email = Some(email.into());
        self
    }

    /// Adds a version.
    pub fn version(mut self, version: ProductVersion) -> Self {
        self.versions.push(version);
        self
    }

    /// Says that this product is launched after `product` (it uses what that one creates): the
    /// manifest lists products in an order that respects every such edge. The portfolio must
    /// hold `product` too.
    ///
    /// ```
    /// use airgap::catalog::{Portfolio, Product, ProductVersion};
    /// use airgap::template::{Resource, Stack, Template};
    /// let template = |cidr: &str| -> airgap::Result<Template> {
    ///     let mut s = Stack::new("Net");
    ///     s.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", cidr))?;
    ///     Ok(s.synth_unchecked()?.into_template())
    /// };
    /// let vpc = Product::new("vpc", "Platform team")
    ///     .version(ProductVersion::new("1.0.0", template("10.0.0.0/16")?));
    /// let peer = Product::new("peer-vpc", "Platform team")
    ///     .version(ProductVersion::new("1.0.0", template("10.1.0.0/16")?))
    ///     .after(&vpc);
    /// let release = Portfolio::new("Networks", "Platform team").product(peer).product(vpc).build()?;
    /// assert_eq!(release.launch_order, ["vpc", "peer-vpc"]);
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn after(mut self, product: &Product) -> Self {
        self.after.push(product.name.clone());
        self
    }

    /// Adds a rule checked when the product is launched (a launch template constraint); every
    /// version must declare the parameters it names. See [`LaunchRule`](super::LaunchRule).
    pub fn launch_rule(mut self, rule: super::LaunchRule) -> Self {
        self.launch_rules.push(rule);
        self
    }

    /// Rolls the product out with StackSets instead of a launch role (see
    /// [`StackSetRollout`](super::StackSetRollout)). Service Catalog takes one roll-out per
    /// product: a second is an error when the portfolio is built.
    pub fn stack_set_rollout(mut self, rollout: super::StackSetRollout) -> Self {
        self.stack_sets.push(rollout);
        self
    }

    /// The product's slug.
    pub fn name(&self) -> &str {
        &self.name
    }
}

/// A product version checked and rendered: its bytes, hash and name.
#[derive(Debug, Clone, PartialEq)]
pub struct VersionRelease {
    /// The label as given, e.g. `1.2.0`.
    pub label: String,
    /// The name in Service Catalog: label and short hash, e.g. `1.2.0-3f2a9c1e`.
    pub name: String,
    /// What changed, if said.
    pub description: Option<String>,
    /// SHA-256 of the template bytes, in hex.
    pub sha256: String,
    /// The template bytes (pretty JSON).
    pub body: String,
    /// The template.
    pub template: Template,
}

impl VersionRelease {
    /// The file, relative to the package folder: `products/<product>-<version>.template.json`.
    pub fn file(&self, product: &str) -> String {
        format!("products/{product}-{}.template.json", self.name)
    }

    /// Whether the template is too large to pass inline (it must load from S3, as Service
    /// Catalog does anyway).
    pub fn over_inline_limit(&self) -> bool {
        self.body.len() > quota::INLINE_BODY_BYTES
    }
}

/// A product checked and rendered.
#[derive(Debug, Clone, PartialEq)]
pub struct ProductRelease {
    /// The slug.
    pub name: String,
    /// The name shown in the console.
    pub display_name: String,
    /// The owner.
    pub owner: String,
    /// The description.
    pub description: Option<String>,
    /// The distributor.
    pub distributor: Option<String>,
    /// The support address.
    pub support_email: Option<String>,
    /// The products launched before this one.
    pub after: Vec<String>,
    /// The versions, in the order given.
    pub versions: Vec<VersionRelease>,
}

/// Hex SHA-256 of `bytes`.
pub fn sha256_hex(bytes: &[u8]) -> String {
    Sha256::digest(bytes)
        .iter()
        .map(|b| format!("{b:02x}"))
        .collect()
}

fn check_slug(name: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        && !name.starts_with('-')
        && !name.ends_with('-');
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("Product '{name}'"),
            "name",
            "a product name is 1 to 64 lowercase letters, digits and `-` (it names files and resources), e.g. `sagemaker-network`",
        ))
    }
}

fn check_label(product: &str, label: &str) -> Result<()> {
    let ok = !label.is_empty()
        && label.len() <= 64
        && label
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '+'));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            format!("Product '{product}'"),
            "version",
            format!(
                "version label `{label}` must be 1 to 64 letters, digits, `.`, `-`, `_` or `+`, e.g. `1.2.0`"
            ),
        ))
    }
}

impl Product {
    /// Checks the product and renders its versions.
    pub(crate) fn release(&self) -> Result<ProductRelease> {
        check_slug(&self.name)?;
        if self.versions.is_empty() {
            return Err(Error::invalid(
                format!("Product '{}'", self.name),
                "version",
                "the product has no version; add one with `.version(ProductVersion::new(\"1.0.0\", template))`",
            ));
        }
        let mut versions: Vec<VersionRelease> = Vec::new();
        for v in &self.versions {
            check_label(&self.name, &v.label)?;
            let release = release_version(&self.name, v, &v.template)?;
            for earlier in &versions {
                if earlier.label == release.label {
                    return Err(Error::from(CatalogError::DuplicateVersion {
                        product: self.name.clone(),
                        message: format!(
                            "version `{}` is given twice; give each version its own label",
                            release.label
                        ),
                    }));
                }
                if earlier.sha256 == release.sha256 {
                    return Err(Error::from(CatalogError::DuplicateVersion {
                        product: self.name.clone(),
                        message: format!(
                            "versions `{}` and `{}` have the same template bytes, so they are the same version; drop one",
                            earlier.label, release.label
                        ),
                    }));
                }
            }
            versions.push(release);
        }
        Ok(ProductRelease {
            name: self.name.clone(),
            display_name: self
                .display_name
                .clone()
                .unwrap_or_else(|| self.name.clone()),
            owner: self.owner.clone(),
            description: self.description.clone(),
            distributor: self.distributor.clone(),
            support_email: self.support_email.clone(),
            after: self.after.clone(),
            versions,
        })
    }
}

fn release_version(
    product: &str,
    v: &ProductVersion,
    template: &Template,
) -> Result<VersionRelease> {
    let too_large = |quota: &'static str, used: usize, limit: usize| {
        Error::from(CatalogError::ProductTemplateTooLarge {
            product: product.to_string(),
            version: v.label.clone(),
            quota,
            used,
            limit,
        })
    };
    if template.resources.len() > quota::RESOURCES {
        return Err(too_large(
            "resources",
            template.resources.len(),
            quota::RESOURCES,
        ));
    }
    check_parameters_declared(product, &v.label, template)?;
    template.check_references()?;
    let body = template.to_json_pretty();
    if body.len() > quota::BODY_BYTES {
        return Err(too_large("bytes", body.len(), quota::BODY_BYTES));
    }
    let sha256 = sha256_hex(body.as_bytes());
    Ok(VersionRelease {
        label: v.label.clone(),
        name: format!("{}-{}", v.label, &sha256[..HASH_DIGITS]),
        description: v.description.clone(),
        sha256,
        body,
        template: template.clone(),
    })
}

/// Checks that every `Ref` and `Fn::Sub` variable that is neither a resource nor a pseudo
/// parameter is a declared parameter.
pub(crate) fn check_parameters_declared(
    product: &str,
    version: &str,
    template: &Template,
) -> Result<()> {
    let undeclared = |at: String, parameter: &str| {
        Error::from(CatalogError::UndeclaredParameter {
            product: product.to_string(),
            version: version.to_string(),
            at,
            parameter: parameter.to_string(),
        })
    };
    let known = |name: &str| {
        template.resources.contains_key(name)
            || template.parameters.contains_key(name)
            || Pseudo::from_name(name).is_some()
    };
    let mut places: Vec<(String, &Value)> = Vec::new();
    for (id, r) in &template.resources {
        for v in r.properties.values() {
            places.push((format!("resource `{id}`"), v));
        }
    }
    for (id, o) in &template.outputs {
        places.push((format!("output `{id}`"), &o.value));
        if let Some(e) = &o.export_name {
            places.push((format!("output `{id}`"), e));
        }
    }
    for (id, c) in &template.conditions {
        places.push((format!("condition `{id}`"), c));
    }
    for (id, r) in &template.rules {
        places.push((format!("rule `{id}`"), r));
    }
    for (at, v) in places {
        if let Some(name) = first_unknown_name(v, &known, &[]) {
            return Err(undeclared(at, &name));
        }
    }
    Ok(())
}

/// The first name used by `Ref` or as an `Fn::Sub` variable in `v` that `known` does not know.
pub(crate) fn first_unknown_name(
    v: &Value,
    known: &dyn Fn(&str) -> bool,
    local: &[&str],
) -> Option<String> {
    match v {
        Value::Array(items) => items
            .iter()
            .find_map(|i| first_unknown_name(i, known, local)),
        Value::Object(m) => {
            match Intrinsic::classify(v) {
                Some(Intrinsic::Ref(name)) if !known(name) && !local.contains(&name) => {
                    return Some(name.to_string());
                }
                Some(Intrinsic::Sub { text, variables }) => {
                    let vars: Vec<&str> = variables
                        .into_iter()
                        .flat_map(|o| o.keys().map(String::as_str))
                        .collect();
                    if let Some(name) = unknown_sub_variable(text, known, &vars) {
                        return Some(name);
                    }
                    return variables
                        .into_iter()
                        .flat_map(|o| o.values())
                        .find_map(|i| first_unknown_name(i, known, local));
                }
                _ => {}
            }
            m.values().find_map(|i| first_unknown_name(i, known, local))
        }
        _ => None,
    }
}

fn unknown_sub_variable(s: &str, known: &dyn Fn(&str) -> bool, local: &[&str]) -> Option<String> {
    sub_variables(s)
        .filter(|var| Pseudo::from_name(var).is_none())
        // `${Resource.Attribute}` is a GetAtt, checked with the resources.
        .map(|var| var.split('.').next().unwrap_or(var))
        .find(|name| !local.contains(name) && !known(name))
        .map(str::to_string)
}

/// Resource types of `template` and how many of each, in order of first appearance.
pub(crate) fn resource_type_counts(template: &Template) -> Value {
    Value::Object(
        template
            .resource_counts()
            .into_iter()
            .map(|(t, n)| (t.to_string(), Value::from(n)))
            .collect(),
    )
}
