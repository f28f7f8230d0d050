//! SageMaker workloads placed in the secure network: in the same stack, or as Service Catalog
//! products launched after the network product, taking its outputs as parameters.

use super::sagemaker::{SageMakerNetworkRef, SecureSageMakerNetwork, Workload};
use crate::catalog::PortfolioPolicy;
use crate::error::{Error, Result};
use crate::net::Service;
use crate::sagemaker::{
    Guardrail, NotebookInstance, StudioDomain, UserProfiles, WorkloadKind, WorkloadNetwork,
};
use crate::template::{Expr, Parameter, Stack, StackOutput};

impl SageMakerNetworkRef {
    /// The place in this network a SageMaker workload goes: its subnets, workload group,
    /// interface endpoints and the buckets it lets workloads read.
    ///
    /// ```
    /// use airgap::net::Service;
    /// use airgap::patterns::sagemaker::SecureSageMakerNetwork;
    /// use airgap::sagemaker::NotebookInstance;
    /// use airgap::template::Stack;
    /// let mut stack = Stack::new("Demo");
    /// let network = SecureSageMakerNetwork::new("DataScience")
    ///     .endpoint(Service::SAGEMAKER_NOTEBOOK)
    ///     .add_to(&mut stack)?;
    /// NotebookInstance::new("Research", &network.workload_network()).add_to(&mut stack)?;
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn workload_network(&self) -> WorkloadNetwork {
        let mut place = WorkloadNetwork::new(
            self.vpc.name(),
            self.vpc.id(),
            self.vpc.subnet_ids(),
            self.workload_group.id(),
        )
        .endpoints(self.interface_endpoints.iter().map(|e| e.service().clone()));
        if let Some(first) = self.vpc.subnets().first() {
            place = place.first_subnet(first.subnet().ref_());
        }
        offers(place, &self.workloads, &self.read_buckets)
    }

    /// The guardrail of this network (its subnets and workload group), for a policy in the
    /// same stack.
    pub fn guardrail(&self) -> Result<Guardrail> {
        Guardrail::new(
            self.vpc.subnets().iter().map(|s| s.subnet().ref_()),
            [self.workload_group.id()],
        )
    }
}

/// The workload place a product launched after `network` takes as parameters (see
/// [`WorkloadNetwork::parameters`]), with the endpoints and buckets the network
/// description declares.
pub fn network_parameters(
    network: &SecureSageMakerNetwork,
    kind: WorkloadKind,
    stack: &mut Stack,
) -> Result<WorkloadNetwork> {
    let place = WorkloadNetwork::parameters(network.name(), kind, stack)?
        .endpoints(network.endpoint_services().iter().cloned());
    let mut place = offers(place, network.declared_workloads(), network.read_buckets());
    if let Some(b) = network.role_boundary() {
        place = place.permissions_boundary(b.clone());
    }
    Ok(place)
}

/// What the network offers the workloads placed in it, whether in its stack or launched after
/// it: ECR images when it is built for them, and the buckets it lets workloads read.
fn offers(
    place: WorkloadNetwork,
    workloads: &[Workload],
    read_buckets: &[String],
) -> WorkloadNetwork {
    let mut place = place.ecr_images(workloads.contains(&Workload::EcrImages));
    for b in read_buckets {
        place = place.read_bucket(b.clone());
    }
    place
}

/// The notebook instance product's short name.
const NOTEBOOK_PRODUCT: &str = "notebook";
/// The Studio domain product's short name.
const STUDIO_DOMAIN_PRODUCT: &str = "studio-domain";
/// The Studio user profile product's short name.
const STUDIO_USER_PROFILE_PRODUCT: &str = "studio-user-profile";

/// The workload products of a network, each a stack launched after the network product.
#[derive(Debug, Clone)]
pub struct WorkloadProducts {
    /// `(short name, template)` in launch order: `notebook`, `studio-domain`,
    /// `studio-user-profile`.
    pub products: Vec<(&'static str, Stack)>,
}

impl WorkloadProducts {
    /// Every product's short name, in the order they are launched when every
    /// [`WorkloadKind`] is chosen in the order of [`WorkloadKind::ALL`].
    pub const NAMES: [&'static str; 3] = [
        NOTEBOOK_PRODUCT,
        STUDIO_DOMAIN_PRODUCT,
        STUDIO_USER_PROFILE_PRODUCT,
    ];

    /// The short name of the workload product that `product` (a short name) is launched
    /// after, or `None` when it is launched after the network: a user profile needs its
    /// Studio domain.
    pub(crate) fn launched_after(product: &str) -> Option<&'static str> {
        (product == STUDIO_USER_PROFILE_PRODUCT).then_some(STUDIO_DOMAIN_PRODUCT)
    }

    /// The products for `kinds`, made as siblings of `base`. Refuses a kind the network lacks
    /// endpoints for (`SageMakerError::MissingEndpoints`, listing them).
    ///
    /// ```
    /// use airgap::net::Service;
    /// use airgap::patterns::sagemaker::SecureSageMakerNetwork;
    /// use airgap::patterns::workloads::WorkloadProducts;
    /// use airgap::sagemaker::WorkloadKind;
    /// use airgap::template::Stack;
    /// let network = SecureSageMakerNetwork::new("DataScience").endpoint(Service::SAGEMAKER_NOTEBOOK);
    /// let products = WorkloadProducts::new(&network, &Stack::new("Ds"), &[WorkloadKind::Notebook])?;
    /// assert_eq!(products.products[0].0, "notebook");
    /// assert!(WorkloadProducts::new(&network, &Stack::new("Ds"), &[WorkloadKind::Studio]).is_err());
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn new(
        network: &SecureSageMakerNetwork,
        base: &Stack,
        kinds: &[WorkloadKind],
    ) -> Result<Self> {
        if kinds.is_empty() {
            return Err(Error::invalid(
                "WorkloadProducts",
                "kinds",
                "no workload is chosen; the workloads are notebook, studio",
            ));
        }
        let name = base.name().to_string();
        let mut products = Vec::new();
        for kind in kinds {
            match kind {
                WorkloadKind::Notebook => {
                    let mut stack = base.sibling(format!("{name}-{NOTEBOOK_PRODUCT}")).description(
                        "SageMaker notebook instance inside the private network: no internet access, no root access, encrypted volume (launch after the network product)",
                    );
                    let place = network_parameters(network, *kind, &mut stack)?;
                    let nb = NotebookInstance::new(network.name(), &place).add_to(&mut stack)?;
                    StackOutput::new(
                        "NotebookInstanceName",
                        "The notebook instance's name",
                        nb.instance.get_att("NotebookInstanceName"),
                    )
                    .add_to(&mut stack)?;
                    products.push((NOTEBOOK_PRODUCT, stack));
                }
                WorkloadKind::Studio => {
                    let mut stack = base.sibling(format!("{name}-{STUDIO_DOMAIN_PRODUCT}")).description(
                        "SageMaker Studio domain in VpcOnly mode inside the private network (launch after the network product)",
                    );
                    let place = network_parameters(network, *kind, &mut stack)?;
                    let studio = StudioDomain::new(network.name(), &place).add_to(&mut stack)?;
                    // Not exported: the base's export prefix may name parameters (the
                    // network's ProjectName) this product does not have.
                    StackOutput::new(
                        "DomainId",
                        "The Studio domain's ID (parameter DomainId of the user profile product)",
                        studio.domain.get_att("DomainId"),
                    )
                    .add_to(&mut stack)?;
                    products.push((STUDIO_DOMAIN_PRODUCT, stack));
                    let mut users = base.sibling(format!("{name}-{STUDIO_USER_PROFILE_PRODUCT}")).description(
                        "A user profile of the SageMaker Studio domain; it inherits the domain's network settings (launch after the Studio domain product)",
                    );
                    UserProfiles::new(network.name())
                        .user_per_launch()
                        .add_to(&mut users)?;
                    products.push((STUDIO_USER_PROFILE_PRODUCT, users));
                }
            }
        }
        Ok(Self { products })
    }

    /// The endpoints every workload product needs, for a network description to add.
    pub fn needed_endpoints(kinds: &[WorkloadKind]) -> Vec<Service> {
        let mut out: Vec<Service> = Vec::new();
        for k in kinds {
            for s in k.needs() {
                if !out.contains(&s) {
                    out.push(s);
                }
            }
        }
        out
    }
}

/// The guardrail of a network launched as a product, with its subnets and workload group
/// given as expressions (literal IDs once launched, or parameters of the template it goes in).
pub fn guardrail_of(subnets: Vec<Expr>, group: Expr) -> Result<Guardrail> {
    Guardrail::new(subnets, [group])
}

/// The guardrail as a managed policy of the portfolio template, for the data scientists' roles
/// to attach. The network's subnets and workload group are known only once the network is
/// launched, so they are the portfolio template's parameters `GuardrailSubnetIds` and
/// `GuardrailSecurityGroupIds` (comma separated), and the policy is created when they are
/// given: deploy the portfolio, launch the network, then update the portfolio stack with its
/// outputs `SubnetIds` and `WorkloadSecurityGroupId`. When the IDs are known at packaging
/// (`ids`), they are the parameters' defaults and the release also holds the policy and its
/// SCP variant as plain JSON (`guardrail/identity-policy.json`, `guardrail/scp.json`).
pub fn guardrail_portfolio_policy(
    ids: Option<&(Vec<String>, Vec<String>)>,
) -> Result<PortfolioPolicy> {
    let guard = Guardrail::new(
        [Expr::ref_("GuardrailSubnetIds")],
        [Expr::ref_("GuardrailSecurityGroupIds")],
    )?;
    let default = |i: usize| {
        ids.map(|(s, g)| if i == 0 { s.join(",") } else { g.join(",") })
            .unwrap_or_default()
    };
    let mut policy = PortfolioPolicy::new(
        "Guardrail",
        "SageMaker workloads only inside the private network; launch them through Service Catalog",
        guard.identity_policy()?,
    )
    .parameter(
        "GuardrailSubnetIds",
        Parameter::comma_delimited_list()
            .description("The network's private subnets (output SubnetIds of the network product); the guardrail policy is created once they are given")
            .default_value(default(0)),
        "Network subnets",
    )
    .parameter(
        "GuardrailSecurityGroupIds",
        Parameter::comma_delimited_list()
            .description("The network's workload security group (output WorkloadSecurityGroupId of the network product)")
            .default_value(default(1)),
        "Workload security group",
    )
    .when(
        "HasGuardrailNetwork",
        Expr::not_(Expr::equals(
            Expr::JoinList(String::new(), Box::new(Expr::ref_("GuardrailSubnetIds"))),
            Expr::str(""),
        )),
    );
    if let Some((subnets, groups)) = ids {
        let literal = Guardrail::new(subnets.clone(), groups.clone())?;
        policy = policy
            .document(
                "guardrail/identity-policy.json",
                &literal.identity_policy()?,
            )
            .document("guardrail/scp.json", &literal.scp()?);
    }
    Ok(policy)
}
