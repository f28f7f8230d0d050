//! `Portfolio::build`: the checks, then one step per part of the portfolio template.

use indexmap::IndexMap;
use serde_json::{Value, json};

use super::{
    KEY_PREFIX, LaunchRule, PRINCIPAL_PATTERN, Portfolio, ROLE_INLINE_POLICY_CHARS, Release,
    TEMPLATE_BUCKET, check_principal_arn,
};
use crate::catalog::CatalogError;
use crate::catalog::boundary::{boundary_arn, boundary_policy, check_boundary_name};
use crate::catalog::launch_role::{check_grants, derive_policy};
use crate::catalog::product::{ProductRelease, first_unknown_name};
use crate::catalog::sharing::{StackSetRollout, check_account, stack_set_constraint};
use crate::error::{Error, Result};
use crate::iam::{
    Condition, ConditionKey, ConditionOperator, PolicyDocument, PolicyKind, Principal, Statement,
};
use crate::template::{
    Expr, LogicalId, Parameter, Pseudo, Resource, ResourceRef, Stack, StackOutput, Synthesized,
    Template, upper_camel_case,
};

/// The resources every part of a product hangs from: the portfolio, the product and the
/// association between them (constraints wait for it).
struct ProductRefs<'a> {
    portfolio: &'a ResourceRef,
    product: ResourceRef,
    association: ResourceRef,
}

impl ProductRefs<'_> {
    /// `resource` tied to the portfolio and product, made after the product joins the
    /// portfolio: Service Catalog refuses a constraint on a product not yet in it.
    fn constraint(&self, resource: Resource) -> Resource {
        let mut resource = resource
            .property("PortfolioId", self.portfolio.ref_().to_value())
            .property("ProductId", self.product.ref_().to_value());
        resource
            .depends_on
            .push(self.association.logical_id().to_string());
        resource
    }
}

impl Portfolio {
    /// Checks everything and makes the portfolio template from its stack with `synth`:
    /// [`Portfolio::build`] passes `Stack::synth`, which runs the privacy checks.
    pub fn build_with(self, synth: impl FnOnce(&Stack) -> Result<Synthesized>) -> Result<Release> {
        let construct = format!("Portfolio '{}'", self.display_name);
        let products = self.checked_products(&construct)?;
        let launch_order = launch_order(&products)?;
        if let Some(product) = self.products.iter().find(|p| p.stack_sets.len() > 1) {
            return Err(Error::from(CatalogError::ConflictingConstraints {
                product: product.name.clone(),
                message: "it has two StackSet roll-outs; Service Catalog takes one STACKSET constraint per product and portfolio: give one roll-out all the accounts and regions".into(),
            }));
        }
        check_boundary_name(&construct, &self.boundary_name)?;
        let all_templates: Vec<(&str, &Template)> = products
            .iter()
            .flat_map(|p| p.versions.iter().map(|v| (p.name.as_str(), &v.template)))
            .collect();
        let boundary = boundary_policy(&all_templates, &boundary_arn(&self.boundary_name))?;

        let mut stack = Stack::new("Portfolio").description(format!(
            "AWS Service Catalog portfolio '{}': its products, who may launch them and the roles they launch with",
            self.display_name
        ));
        let principal_parameters = self.add_parameters(&mut stack, &construct)?;
        let portfolio = self.add_portfolio(&mut stack, &construct, &principal_parameters)?;
        if let Some(doc) = &boundary {
            self.add_boundary(&mut stack, &construct, doc)?;
        }
        let mut launch_role_policies = IndexMap::new();
        for p in &products {
            let policy = self.add_product(&mut stack, &portfolio, p)?;
            launch_role_policies.insert(p.name.clone(), policy);
        }
        self.add_tag_options(&mut stack, &construct, &portfolio)?;
        self.add_shares(&mut stack, &construct, &portfolio)?;
        StackOutput::new(
            "PortfolioId",
            "The portfolio's ID (publish.sh shares it with organization nodes)",
            portfolio.ref_(),
        )
        .add_to(&mut stack)?;
        let mut documents = Vec::new();
        for policy in &self.policies {
            policy.add_to(&mut stack, &construct)?;
            documents.extend(policy.documents().iter().cloned());
        }
        let stack_sets = self.stack_sets();
        let synthesized = synth(&stack)?;
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
            stack_sets,
            boundary: boundary.map(|d| (self.boundary_name, d)),
            documents,
        })
    }

    /// The products rolled out with StackSets, by name, in the products' order.
    fn stack_sets(&self) -> IndexMap<String, StackSetRollout> {
        self.products
            .iter()
            .filter_map(|p| Some((p.name.clone(), p.stack_sets.first()?.clone())))
            .collect()
    }

    /// The portfolio's names checked, and its products rendered, each name once.
    fn checked_products(&self, construct: &str) -> Result<Vec<ProductRelease>> {
        check_len(construct, "display_name", &self.display_name, 1, 100)?;
        check_len(construct, "provider", &self.provider, 1, 50)?;
        if self.products.is_empty() {
            return Err(Error::invalid(
                construct,
                "product",
                "the portfolio has no product; add one with `.product(...)`",
            ));
        }
        let mut products: Vec<ProductRelease> = Vec::new();
        for p in &self.products {
            if products.iter().any(|q| q.name == p.name) {
                return Err(Error::from(CatalogError::DuplicateProduct {
                    name: p.name.clone(),
                }));
            }
            products.push(p.release()?);
        }
        Ok(products)
    }

    /// Where the product templates are, and who may launch them: the principal parameters as
    /// `(parameter, label, default)`.
    fn add_parameters(
        &self,
        stack: &mut Stack,
        construct: &str,
    ) -> Result<Vec<(String, String, Option<String>)>> {
        stack.add_parameter_labeled(
            TEMPLATE_BUCKET,
            construct,
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
            construct,
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
                construct,
                param,
                &p.label,
                "Who may launch the products",
            )?;
            principal_parameters.push((id.to_string(), p.label.clone(), p.default.clone()));
        }
        Ok(principal_parameters)
    }

    /// The portfolio, and its associations with the principal parameters.
    fn add_portfolio(
        &self,
        stack: &mut Stack,
        construct: &str,
        principal_parameters: &[(String, String, Option<String>)],
    ) -> Result<ResourceRef> {
        let mut portfolio_props = Resource::new("AWS::ServiceCatalog::Portfolio")
            .property("DisplayName", self.display_name.clone())
            .property("ProviderName", self.provider.clone());
        if let Some(d) = &self.description {
            portfolio_props = portfolio_props.property("Description", d.clone());
        }
        let portfolio = stack.add_resource_of("Portfolio", construct, portfolio_props)?;

        for (parameter, _, _) in principal_parameters {
            stack.add_resource_of(
                format!("{}Association", parameter.trim_end_matches("PrincipalArn")),
                construct,
                Resource::new("AWS::ServiceCatalog::PortfolioPrincipalAssociation")
                    .property("PortfolioId", portfolio.ref_().to_value())
                    .property("PrincipalARN", Expr::ref_(parameter.as_str()).to_value())
                    .property("PrincipalType", "IAM"),
            )?;
        }
        Ok(portfolio)
    }

    /// The permissions boundary of every role the products create, checked like a grant.
    fn add_boundary(&self, stack: &mut Stack, construct: &str, doc: &PolicyDocument) -> Result<()> {
        doc.validate(PolicyKind::Identity, construct)?;
        if let Some(p) = check_grants(doc).into_iter().next() {
            return Err(Error::invalid(
                construct,
                "permissions boundary",
                format!("{p}: fix the product role's policy this comes from"),
            ));
        }
        stack.add_resource_of(
                "ProductRoleBoundary",
                construct,
                Resource::new("AWS::IAM::ManagedPolicy")
                    .property("ManagedPolicyName", self.boundary_name.clone())
                    .property(
                        "Description",
                        "Permissions boundary of every role the portfolio's products create: the most those roles may do",
                    )
                    .property("PolicyDocument", doc.to_value()),
            )?;
        Ok(())
    }

    /// A product with its versions, its constraint (a launch role, or a StackSet roll-out) and
    /// its launch rules; returns its launch-role policy.
    fn add_product(
        &self,
        stack: &mut Stack,
        portfolio: &ResourceRef,
        p: &ProductRelease,
    ) -> Result<PolicyDocument> {
        let base = upper_camel_case(&p.name);
        let pc = format!("Product '{}'", p.name);
        let mut product = Resource::new("AWS::ServiceCatalog::CloudFormationProduct")
            .property("Name", p.display_name.clone())
            .property("Owner", p.owner.clone())
            .property("ProvisioningArtifactParameters", artifacts(p));
        for (key, v) in [
            ("Description", &p.description),
            ("Distributor", &p.distributor),
            ("SupportEmail", &p.support_email),
        ] {
            if let Some(v) = v {
                product = product.property(key, v.clone());
            }
        }
        let product = stack.add_resource_of(format!("{base}Product"), &pc, product)?;
        let association = stack.add_resource_of(
            format!("{base}Association"),
            &pc,
            Resource::new("AWS::ServiceCatalog::PortfolioProductAssociation")
                .property("PortfolioId", portfolio.ref_().to_value())
                .property("ProductId", product.ref_().to_value()),
        )?;
        let refs = ProductRefs {
            portfolio,
            product,
            association,
        };
        let policy = launch_role_policy(p, &pc)?;
        // Service Catalog takes one LAUNCH or one STACKSET constraint per product and
        // portfolio, never both: a product rolled out with StackSets is launched by the
        // StackSets execution role of each target account instead of a launch role.
        let rollout = self
            .products
            .iter()
            .find(|q| q.name == p.name)
            .and_then(|q| q.stack_sets.first());
        let (constraint_id, constraint) = match rollout {
            None => {
                let role = add_launch_role(stack, &pc, &base, &p.name, &policy)?;
                let constraint = Resource::new("AWS::ServiceCatalog::LaunchRoleConstraint")
                    .property(
                        "Description",
                        format!("Launch {} with its derived role", p.display_name),
                    )
                    .property("RoleArn", role.get_att("Arn").to_value());
                (format!("{base}LaunchConstraint"), constraint)
            }
            Some(rollout) => (
                format!("{base}StackSetConstraint"),
                stack_set_constraint(&pc, rollout)?,
            ),
        };
        stack.add_resource_of(constraint_id, &pc, refs.constraint(constraint))?;
        self.add_launch_rules(stack, &pc, &base, p, &refs)?;
        StackOutput::new(
            format!("{base}ProductId"),
            format!("The ID of product '{}'", p.name),
            refs.product.ref_(),
        )
        .add_to(stack)?;
        Ok(policy)
    }

    /// The launch rules given for product `p`, each checked against every version's
    /// parameters, as one constraint.
    fn add_launch_rules(
        &self,
        stack: &mut Stack,
        pc: &str,
        base: &str,
        p: &ProductRelease,
        refs: &ProductRefs<'_>,
    ) -> Result<()> {
        let rules: Vec<&LaunchRule> = self
            .products
            .iter()
            .filter(|q| q.name == p.name)
            .flat_map(|q| &q.launch_rules)
            .collect();
        if rules.is_empty() {
            return Ok(());
        }
        let mut body = serde_json::Map::new();
        for r in &rules {
            LogicalId::new(r.name.as_str())?;
            if r.assertions.is_empty() {
                return Err(Error::invalid(
                    pc,
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
                    return Err(Error::from(CatalogError::UndeclaredParameter {
                        product: p.name.clone(),
                        version: v.label.clone(),
                        at: format!("launch rule `{}`", r.name),
                        parameter: name,
                    }));
                }
            }
            body.insert(r.name.clone(), value);
        }
        let rules = refs
            .constraint(
                Resource::new("AWS::ServiceCatalog::LaunchTemplateConstraint")
                    .property("Description", format!("Launch rules of {}", p.display_name)),
            )
            .property(
                "Rules",
                serde_json::to_string(&Value::Object(body)).expect("JSON values serialize"),
            );
        stack.add_resource_of(format!("{base}LaunchRules"), pc, rules)?;
        Ok(())
    }

    /// The tag options end users pick from, associated with the portfolio.
    fn add_tag_options(
        &self,
        stack: &mut Stack,
        construct: &str,
        portfolio: &ResourceRef,
    ) -> Result<()> {
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
                        construct,
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
            let option = stack.add_resource_of(
                id.as_str(),
                construct,
                Resource::new("AWS::ServiceCatalog::TagOption")
                    .property("Key", key.clone())
                    .property("Value", value.clone())
                    .property("Active", true),
            )?;
            stack.add_resource_of(
                format!("{id}Association"),
                construct,
                Resource::new("AWS::ServiceCatalog::TagOptionAssociation")
                    .property("ResourceId", portfolio.ref_().to_value())
                    .property("TagOptionId", option.ref_().to_value()),
            )?;
        }
        Ok(())
    }

    /// The shares with other accounts (those with organization nodes are made by publish.sh,
    /// so only checked here).
    fn add_shares(
        &self,
        stack: &mut Stack,
        construct: &str,
        portfolio: &ResourceRef,
    ) -> Result<()> {
        for account in &self.share_accounts {
            check_account(construct, "share_with_account", account)?;
            stack.add_resource_of(
                format!("Share{account}"),
                construct,
                Resource::new("AWS::ServiceCatalog::PortfolioShare")
                    .property("AccountId", account.clone())
                    .property("PortfolioId", portfolio.ref_().to_value())
                    .property("ShareTagOptions", !self.tag_options.is_empty()),
            )?;
        }
        for node in &self.share_org {
            node.check()?;
        }
        Ok(())
    }
}

/// The provisioning artifacts of a product: one per version, loaded from the bucket
/// `publish.sh` uploads the templates to.
fn artifacts(p: &ProductRelease) -> Value {
    let artifacts = p
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
    Value::Array(artifacts)
}

/// The policy of product `p`'s launch role, derived from its versions' templates, valid and
/// within IAM's size for a role's inline policies.
fn launch_role_policy(p: &ProductRelease, pc: &str) -> Result<PolicyDocument> {
    let templates: Vec<(&str, &Template)> = p
        .versions
        .iter()
        .map(|v| (p.name.as_str(), &v.template))
        .collect();
    let policy = derive_policy(&templates)?;
    policy.validate(PolicyKind::Identity, pc)?;
    let chars: usize = policy
        .to_value()
        .to_string()
        .chars()
        .filter(|c| !c.is_whitespace())
        .count();
    if chars > ROLE_INLINE_POLICY_CHARS {
        return Err(Error::invalid(
            pc,
            "launch role",
            format!(
                "the derived launch-role policy has {chars} characters, over IAM's {ROLE_INLINE_POLICY_CHARS} for a role's inline policies; split the product"
            ),
        ));
    }
    Ok(policy)
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
) -> Result<ResourceRef> {
    // Service Catalog documents no confused-deputy condition for launch roles, and a
    // `StringEquals` on a key the service does not send would refuse every launch. The
    // `IfExists` form costs nothing when the key is absent and refuses any request made on
    // behalf of another account when it is present. (Another account's portfolio cannot name
    // this role anyway: a launch constraint passes the role, and `iam:PassRole` does not cross
    // accounts.)
    let same_account = Condition::new(
        ConditionOperator::StringEquals,
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
                return Err(Error::from(CatalogError::ProductDependency {
                    product: p.name.clone(),
                    message: format!(
                        "it is launched after `{dep}`, which the portfolio does not have; add that product or drop `.after(\"{dep}\")`"
                    ),
                }));
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
                return Err(Error::from(CatalogError::ProductDependency {
                    product: stuck.name.clone(),
                    message: "the products' `.after(...)` form a cycle, so none of them can be launched first; drop one edge".into(),
                }));
            }
        }
    }
    Ok(order)
}
