//! The secure SageMaker network as a Service Catalog portfolio: the whole network as one
//! product, and the same description split into three products launched in order.

use std::sync::LazyLock;

use super::sagemaker::{NetworkProducts, SecureSageMakerNetwork};
use super::workloads::WorkloadProducts;
use crate::catalog::{
    CatalogError, DEFAULT_BOUNDARY_NAME, LaunchRule, OrganizationNode, Portfolio,
    PortfolioPrincipal, Product, ProductVersion, Release, StackSetRollout, boundary_arn,
};
use crate::error::{Error, Result};
use crate::sagemaker::WorkloadKind;
use crate::template::{Expr, Stack, Synthesized};

/// The name of the product that holds the whole network.
pub const WHOLE_PRODUCT: &str = "sagemaker-network";

/// What the portfolio puts before a part's short name ([`NetworkProducts::LAUNCH_ORDER`]) to
/// name its product: `network-vpc`, ...
const PART_PREFIX: &str = "network-";

/// The products of the split network's parts, in launch order, named from the parts' short
/// names so that the names are spelled once.
static PART_NAMES: LazyLock<[String; 3]> =
    LazyLock::new(|| NetworkProducts::LAUNCH_ORDER.map(|part| format!("{PART_PREFIX}{part}")));

/// What the portfolio puts before a workload product's short name
/// ([`WorkloadProducts::NAMES`]) to name its product: `workload-notebook`, ...
const WORKLOAD_PREFIX: &str = "workload-";

/// The workload products, named from their short names so that the names are spelled once.
static WORKLOAD_NAMES: LazyLock<[String; 3]> =
    LazyLock::new(|| WorkloadProducts::NAMES.map(|w| format!("{WORKLOAD_PREFIX}{w}")));

/// The portfolio's name for the workload product whose short name is `short`, one of
/// [`WorkloadProducts::NAMES`].
fn workload_name(short: &str) -> &'static str {
    let i = WorkloadProducts::NAMES
        .iter()
        .position(|w| *w == short)
        .expect("workload products take their short names from WorkloadProducts::NAMES");
    &WORKLOAD_NAMES[i]
}

/// A product a [`NetworkPortfolio`] can make, for [`NetworkPortfolio::stack_set_rollout`]: the
/// whole network, one of its three composable parts, or a workload product.
///
/// ```
/// use airgap::patterns::portfolio::{NetworkProduct, WHOLE_PRODUCT};
/// assert_eq!(NetworkProduct::Whole.name(), WHOLE_PRODUCT);
/// assert_eq!(NetworkProduct::SecurityGroups.name(), "network-security-groups");
/// ```
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
#[non_exhaustive]
pub enum NetworkProduct {
    /// `sagemaker-network`: everything in one stack.
    Whole,
    /// `network-vpc`: the VPC, its subnets and route tables (not made
    /// [`without_split`](NetworkPortfolio::without_split)).
    Vpc,
    /// `network-security-groups`: the security groups, launched after the VPC.
    SecurityGroups,
    /// `network-endpoints`: the endpoints and flow logs, launched after the groups.
    Endpoints,
    /// `workload-notebook`: a notebook instance (made with [`WorkloadKind::Notebook`]).
    Notebook,
    /// `workload-studio-domain`: a Studio domain (made with [`WorkloadKind::Studio`]).
    StudioDomain,
    /// `workload-studio-user-profile`: user profiles of the Studio domain (made with
    /// [`WorkloadKind::Studio`]).
    StudioUserProfile,
}

impl NetworkProduct {
    /// Every product, in the order a portfolio that makes them all launches them.
    pub const ALL: [NetworkProduct; 7] = [
        NetworkProduct::Whole,
        NetworkProduct::Vpc,
        NetworkProduct::SecurityGroups,
        NetworkProduct::Endpoints,
        NetworkProduct::Notebook,
        NetworkProduct::StudioDomain,
        NetworkProduct::StudioUserProfile,
    ];

    /// The product's name in the portfolio and the release (`sagemaker-network`,
    /// `network-vpc`, ...).
    pub fn name(self) -> &'static str {
        match self {
            NetworkProduct::Whole => WHOLE_PRODUCT,
            NetworkProduct::Vpc => &PART_NAMES[0],
            NetworkProduct::SecurityGroups => &PART_NAMES[1],
            NetworkProduct::Endpoints => &PART_NAMES[2],
            NetworkProduct::Notebook => &WORKLOAD_NAMES[0],
            NetworkProduct::StudioDomain => &WORKLOAD_NAMES[1],
            NetworkProduct::StudioUserProfile => &WORKLOAD_NAMES[2],
        }
    }
}

/// The portfolio of the secure SageMaker network, ready for
/// [`render::publish::write_package`](crate::render::publish::write_package).
///
/// The network is made [parameterized](SecureSageMakerNetwork::parameterized) whatever it was:
/// a product asks at launch for what differs between launches. Products: `sagemaker-network`
/// (everything in one stack) and `network-vpc`, `network-security-groups`,
/// `network-endpoints` (the same resources in three stacks, each launched after the one
/// before it). A launch rule makes production networks span at least two zones.
///
/// ```
/// use airgap::patterns::portfolio::NetworkPortfolio;
/// use airgap::patterns::sagemaker::SecureSageMakerNetwork;
/// use airgap::template::Stack;
/// let release = NetworkPortfolio::new(
///     Stack::new("SageMakerNetwork").export_prefix("${ProjectName}-${EnvType}"),
///     SecureSageMakerNetwork::new("DataScience").read_bucket("my_secure_bucket"),
/// )
/// .principal("DataScientists", "Data scientists' IAM role ARN")
/// .release()?;
/// assert_eq!(release.launch_order, ["sagemaker-network", "network-vpc", "network-security-groups", "network-endpoints"]);
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct NetworkPortfolio {
    base: Stack,
    network: SecureSageMakerNetwork,
    display_name: String,
    owner: String,
    version: String,
    support_email: Option<String>,
    principals: Vec<PortfolioPrincipal>,
    tag_options: Vec<(String, String)>,
    split: bool,
    workloads: Vec<WorkloadKind>,
    guardrail_ids: Option<(Vec<String>, Vec<String>)>,
    earlier: Vec<(String, Vec<ProductVersion>)>,
    share_accounts: Vec<String>,
    share_org: Vec<OrganizationNode>,
    stack_sets: Vec<(NetworkProduct, StackSetRollout)>,
    boundary_name: String,
}

impl NetworkPortfolio {
    /// The portfolio of `network`, whose products are siblings of `base` (its description,
    /// tags, export prefix and region).
    pub fn new(base: Stack, network: SecureSageMakerNetwork) -> Self {
        Self {
            base,
            network: network.parameterized(),
            display_name: "Data science networks".into(),
            owner: "ML platform team".into(),
            version: "1.0.0".into(),
            support_email: None,
            principals: Vec::new(),
            tag_options: Vec::new(),
            split: true,
            workloads: Vec::new(),
            guardrail_ids: None,
            earlier: Vec::new(),
            share_accounts: Vec::new(),
            share_org: Vec::new(),
            stack_sets: Vec::new(),
            boundary_name: DEFAULT_BOUNDARY_NAME.into(),
        }
    }

    /// Shares the portfolio with another account, as [`Portfolio::share_with_account`].
    pub fn share_with_account(mut self, account: impl Into<String>) -> Self {
        self.share_accounts.push(account.into());
        self
    }

    /// Shares the portfolio with an organization or OU, as
    /// [`Portfolio::share_with_organization`].
    ///
    /// ```
    /// use airgap::catalog::{OrganizationNode, StackSetRollout};
    /// use airgap::patterns::portfolio::{NetworkPortfolio, NetworkProduct, WHOLE_PRODUCT};
    /// use airgap::patterns::sagemaker::SecureSageMakerNetwork;
    /// use airgap::template::Stack;
    /// let release = NetworkPortfolio::new(Stack::new("Net"), SecureSageMakerNetwork::new("DataScience"))
    ///     .principal("DataScientists", "Data scientists' IAM role ARN")
    ///     .share_with_organization(OrganizationNode::OrganizationalUnit("ou-ab12-cd34ef56".into()))
    ///     .stack_set_rollout(NetworkProduct::Whole, StackSetRollout::new(
    ///             "AWSCloudFormationStackSetAdministrationRole",
    ///             "AWSCloudFormationStackSetExecutionRole")
    ///         .accounts(["210987654321"]).regions(["eu-west-1"]))
    ///     .release()?;
    /// assert_eq!(release.share_organization.len(), 1);
    /// assert!(release.stack_sets.contains_key(WHOLE_PRODUCT));
    /// // The launch rule is kept: it is a launch-template constraint, not a launch constraint.
    /// assert!(release.portfolio.to_json_pretty().contains("ProductionSpansTwoZones"));
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn share_with_organization(mut self, node: OrganizationNode) -> Self {
        self.share_org.push(node);
        self
    }

    /// Rolls `product` out with StackSets instead of a launch role, as
    /// [`Product::stack_set_rollout`]. A product the portfolio does not make (a part of the
    /// network [`without_split`](Self::without_split), a workload not
    /// [added](Self::workloads)) is an error when the products are made.
    pub fn stack_set_rollout(mut self, product: NetworkProduct, rollout: StackSetRollout) -> Self {
        self.stack_sets.push((product, rollout));
        self
    }

    /// The name of the permissions-boundary policy of the products' roles, as
    /// [`Portfolio::boundary_name`]; the network's roles are given that boundary.
    pub fn boundary_name(mut self, name: impl Into<String>) -> Self {
        self.boundary_name = name.into();
        self
    }

    /// Adds the SageMaker workload products launched into the network (`workload-notebook`,
    /// `workload-studio-domain`, `workload-studio-user-profile`), each after the network, and
    /// the guardrail policy of the data scientists (see
    /// [`guardrail_portfolio_policy`](super::workloads::guardrail_portfolio_policy)). The
    /// network must have the endpoints the workloads need.
    pub fn workloads(mut self, kinds: &[WorkloadKind]) -> Self {
        for k in kinds {
            if !self.workloads.contains(k) {
                self.workloads.push(*k);
            }
        }
        self
    }

    /// The launched network's subnet and workload group IDs, when known: the release then
    /// also holds the guardrail as plain JSON (`guardrail/identity-policy.json`,
    /// `guardrail/scp.json`) and the portfolio template's parameters default to them.
    pub fn guardrail_ids(mut self, subnets: Vec<String>, groups: Vec<String>) -> Self {
        self.guardrail_ids = Some((subnets, groups));
        self
    }

    /// The portfolio's name in the console (default "Data science networks").
    pub fn display_name(mut self, name: impl Into<String>) -> Self {
        self.display_name = name.into();
        self
    }

    /// Who owns and provides the products (default "ML platform team").
    pub fn owner(mut self, owner: impl Into<String>) -> Self {
        self.owner = owner.into();
        self
    }

    /// The version label of this release (default `1.0.0`); the published version names add
    /// a hash of each template.
    pub fn version(mut self, version: impl Into<String>) -> Self {
        self.version = version.into();
        self
    }

    /// Where users ask for help with the products.
    pub fn support_email(mut self, email: impl Into<String>) -> Self {
        self.support_email = Some(email.into());
        self
    }

    /// A principal (an IAM role) allowed to launch the products, asked for as the portfolio
    /// stack's parameter `<name>PrincipalArn`.
    pub fn principal(mut self, name: impl Into<String>, label: impl Into<String>) -> Self {
        self.principals.push(PortfolioPrincipal::new(name, label));
        self
    }

    /// A TagOption: a tag value users choose from at launch.
    pub fn tag_option(mut self, key: impl Into<String>, value: impl Into<String>) -> Self {
        self.tag_options.push((key.into(), value.into()));
        self
    }

    /// Leaves out the three composable products: only the whole network.
    pub fn without_split(mut self) -> Self {
        self.split = false;
        self
    }

    /// Earlier versions to keep in each product (named by its slug), oldest first, as
    /// [`UpgradePlan::carried_versions`](crate::catalog::upgrade::UpgradePlan::carried_versions)
    /// gives them; a new version whose template is one of them is not added again.
    pub fn earlier_versions(mut self, versions: &[(String, Vec<ProductVersion>)]) -> Self {
        self.earlier = versions.to_vec();
        self
    }

    fn product(
        &self,
        name: &str,
        display: String,
        description: String,
        stack: &Stack,
        synth: &dyn Fn(&Stack) -> Result<Synthesized>,
    ) -> Result<Product> {
        let template = synth(stack)?.into_template();
        let mut p = Product::new(name, self.owner.clone())
            .display_name(display)
            .description(description);
        let earlier = self.earlier.iter().filter(|(n, _)| n == name);
        let mut unchanged = false;
        for v in earlier.flat_map(|(_, vs)| vs) {
            unchanged |= v.template() == &template;
            p = p.version(v.clone());
        }
        if !unchanged {
            p = p.version(ProductVersion::new(self.version.clone(), template));
        }
        if let Some(e) = &self.support_email {
            p = p.support_email(e.clone());
        }
        for (_, rollout) in self.stack_sets.iter().filter(|(p, _)| p.name() == name) {
            p = p.stack_set_rollout(rollout.clone());
        }
        Ok(p)
    }

    /// The products, in launch order, each template made from its stack by `synth`:
    /// [`NetworkPortfolio::products`] passes `Stack::synth`, which runs the privacy checks.
    pub fn products_with(
        &self,
        synth: &dyn Fn(&Stack) -> Result<Synthesized>,
    ) -> Result<Vec<Product>> {
        let network = self
            .network
            .clone()
            .permissions_boundary(boundary_arn(&self.boundary_name));
        let mut whole = self.base.sibling(self.base.name());
        if let Some(d) = &self.base.template().description {
            whole = whole.description(d.clone());
        }
        network.clone().add_to(&mut whole)?;
        let mut products = vec![self.product(
            WHOLE_PRODUCT,
            "Secure SageMaker network".into(),
            "A VPC with no path to the internet, VPC endpoints with policies and flow logs, for SageMaker".into(),
            &whole,
            synth,
        )?
        .launch_rule(Self::production_rule())];
        if self.split {
            let split = network.clone().split(&self.base)?;
            for ((name, stack), product_name) in
                split.in_launch_order().into_iter().zip(&*PART_NAMES)
            {
                let mut product = self.product(
                    product_name,
                    format!("SageMaker network: {name}"),
                    format!(
                        "The {name} of the secure SageMaker network, one of {} products launched in order",
                        NetworkProducts::LAUNCH_ORDER.len()
                    ),
                    stack,
                    synth,
                )?;
                if name == NetworkProducts::LAUNCH_ORDER[0] {
                    product = product.launch_rule(Self::production_rule());
                } else {
                    // Each part is launched after the one before it.
                    product = product.after(products.last().expect("the whole network is first"));
                }
                products.push(product);
            }
        }
        if !self.workloads.is_empty() {
            let workloads = WorkloadProducts::new(&network, &self.base, &self.workloads)?;
            for (name, stack) in &workloads.products {
                let after_name =
                    WorkloadProducts::launched_after(name).map_or(WHOLE_PRODUCT, workload_name);
                let after = products
                    .iter()
                    .find(|p| p.name() == after_name)
                    .expect("the network and the Studio domain come first")
                    .clone();
                let product = self
                    .product(
                        workload_name(name),
                        format!("SageMaker {}", name.replace('-', " ")),
                        stack
                            .template()
                            .description
                            .clone()
                            .unwrap_or_else(|| format!("SageMaker {name}")),
                        stack,
                        synth,
                    )?
                    .after(&after);
                products.push(product);
            }
        }
        for (product, _) in &self.stack_sets {
            if !products.iter().any(|p| p.name() == product.name()) {
                return Err(Error::from(CatalogError::ProductDependency {
                    product: product.name().to_string(),
                    message:
                        "a StackSet roll-out names this product, which the portfolio does not make"
                            .into(),
                }));
            }
        }
        Ok(products)
    }

    /// Production networks span at least two zones.
    fn production_rule() -> LaunchRule {
        LaunchRule::new("ProductionSpansTwoZones")
            .when(Expr::equals(Expr::ref_("EnvType"), Expr::str("prod")))
            .assert(
                Expr::contains(
                    ["2", "3", "4", "5", "6"].map(Expr::str),
                    Expr::ref_("Zones"),
                ),
                "A production network spans at least two zones",
            )
    }

    /// The portfolio and its products, checked and ready to write, each template made from
    /// its stack by `synth`: [`NetworkPortfolio::release`] passes `Stack::synth`, which runs
    /// the privacy checks.
    pub fn release_with(&self, synth: &dyn Fn(&Stack) -> Result<Synthesized>) -> Result<Release> {
        let mut portfolio = Portfolio::new(self.display_name.clone(), self.owner.clone())
            .description(
                "Private networks for SageMaker, launched with roles derived from what they create",
            );
        for product in self.products_with(synth)? {
            portfolio = portfolio.product(product);
        }
        for p in &self.principals {
            portfolio = portfolio.principal(p.clone());
        }
        for (k, v) in &self.tag_options {
            portfolio = portfolio.tag_option(k.clone(), v.clone());
        }
        for a in &self.share_accounts {
            portfolio = portfolio.share_with_account(a.clone());
        }
        for n in &self.share_org {
            portfolio = portfolio.share_with_organization(n.clone());
        }
        portfolio = portfolio.boundary_name(self.boundary_name.clone());
        if !self.workloads.is_empty() {
            portfolio = portfolio.managed_policy(super::workloads::guardrail_portfolio_policy(
                self.guardrail_ids.as_ref(),
            )?);
        }
        portfolio.build_with(synth)
    }
}
