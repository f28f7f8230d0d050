//! Allowing a flow between two parties in one call, as AWS CDK's `Connections` does: a flow
//! from A to B needs an egress rule on A's group *and* an ingress rule on B's group, and
//! writing one without the other is the commonest security-group mistake.

use super::endpoint::EndpointRef;
use super::security_group::{Direction, Port, SecurityGroupRef, add_group_rule};
use crate::error::{Error, Result};
use crate::template::{ResourceRef, Stack};

/// Something whose traffic security groups govern: a group itself, or an interface endpoint
/// (through its groups). Flows between two of them are written with [`allow`],
/// [`allow_default_port`], or the methods here.
///
/// ```
/// use airgap::net::{Connectable, Port, SecurityGroup, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// let app = SecurityGroup::new("App", &vpc).add_to(&mut stack)?;
/// let db = SecurityGroup::new("Db", &vpc).add_to(&mut stack)?;
/// app.allow_to(&db, Port::tcp(5432)).add_to(&mut stack)?;
/// // The same flow seen from the receiver: `db.allow_from(&app, Port::tcp(5432))`.
/// assert!(stack.template().resources.contains_key("DbFromAppTcp5432"));
/// assert!(stack.template().resources.contains_key("AppToDbTcp5432"));
/// # Ok::<(), airgap::Error>(())
/// ```
pub trait Connectable {
    /// The groups whose rules say what may reach this, and what this may reach.
    fn security_groups(&self) -> &[SecurityGroupRef];

    /// The port others reach this on, when it has one: an interface endpoint's
    /// [service port](super::Service::default_port). A bare group has none.
    fn default_port(&self) -> Option<Port> {
        None
    }

    /// A name for messages.
    fn label(&self) -> String;

    /// Lets this send `port` to `other`, and `other` admit it from this (see [`allow`]).
    fn allow_to(&self, other: &impl Connectable, port: Port) -> Flow
    where
        Self: Sized,
    {
        allow(self, other, port)
    }

    /// Lets `other` send `port` to this, and this admit it from `other` (see [`allow`]).
    fn allow_from(&self, other: &impl Connectable, port: Port) -> Flow
    where
        Self: Sized,
    {
        allow(other, self, port)
    }
}

impl Connectable for SecurityGroupRef {
    fn security_groups(&self) -> &[SecurityGroupRef] {
        std::slice::from_ref(self)
    }

    fn label(&self) -> String {
        format!("SecurityGroup '{}'", self.name())
    }
}

impl Connectable for EndpointRef {
    fn security_groups(&self) -> &[SecurityGroupRef] {
        EndpointRef::security_groups(self)
    }

    fn default_port(&self) -> Option<Port> {
        self.security_groups()
            .first()
            .map(|_| self.service().default_port())
    }

    fn label(&self) -> String {
        self.resource().construct().to_string()
    }
}

/// A flow from `from` to `to` on `port`: when added to a stack, an egress rule on each of
/// `from`'s groups to each of `to`'s, and the matching ingress rule on `to`'s groups. Each rule
/// is its own resource (`EndpointsFromWorkloadsTcp443`, then `WorkloadsToEndpointsTcp443`), so
/// groups that name each other never form a dependency cycle; a group may be on both sides
/// (members talking to each other).
///
/// ```
/// use airgap::net::{allow, Port, SecurityGroup, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// let workloads = SecurityGroup::new("Workloads", &vpc).add_to(&mut stack)?;
/// let endpoints = SecurityGroup::new("Endpoints", &vpc).add_to(&mut stack)?;
/// let rules = allow(&workloads, &endpoints, Port::HTTPS)
///     .description("HTTPS to the AWS service endpoints")
///     .add_to(&mut stack)?;
/// assert_eq!(rules.ingress()[0].logical_id().as_str(), "EndpointsFromWorkloadsTcp443");
/// assert_eq!(rules.egress()[0].logical_id().as_str(), "WorkloadsToEndpointsTcp443");
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn allow(from: &impl Connectable, to: &impl Connectable, port: Port) -> Flow {
    Flow::new(from, to, Some(port))
}

/// A flow from `from` to `to` on `to`'s [default port](Connectable::default_port): HTTPS to an
/// interface endpoint of an AWS service. A `to` without one (a bare group) is an error when the
/// flow is added.
///
/// ```
/// use airgap::net::{allow_default_port, InterfaceEndpoint, SecurityGroup, Service, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// let notebooks = SecurityGroup::new("Notebooks", &vpc).add_to(&mut stack)?;
/// let group = SecurityGroup::new("Sts Endpoint", &vpc).add_to(&mut stack)?;
/// let sts = InterfaceEndpoint::new(Service::STS, &vpc).security_group(&group).add_to(&mut stack)?;
/// allow_default_port(&notebooks, &sts).add_to(&mut stack)?;
/// assert!(stack.template().resources.contains_key("NotebooksToStsEndpointTcp443"));
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn allow_default_port(from: &impl Connectable, to: &impl Connectable) -> Flow {
    Flow::new(from, to, None)
}

/// A flow being described: see [`allow`]. Nothing is written until [`Flow::add_to`].
///
/// ```
/// use airgap::net::{allow, Port, SecurityGroup, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// let workers = SecurityGroup::new("Workers", &vpc).add_to(&mut stack)?;
/// // Members of one group talking to each other: the group is on both sides.
/// allow(&workers, &workers, Port::all_tcp())
///     .ingress_description("Training traffic from the other workers")
///     .egress_description("Training traffic to the other workers")
///     .add_to(&mut stack)?;
/// let rule = &stack.template().resources["WorkersFromWorkersTcp0To65535"];
/// assert_eq!(rule.properties["Description"], "Training traffic from the other workers");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct Flow {
    from: Vec<SecurityGroupRef>,
    to: Vec<SecurityGroupRef>,
    from_label: String,
    to_label: String,
    port: Option<Port>,
    ingress_description: Option<String>,
    egress_description: Option<String>,
}

impl Flow {
    fn new(from: &impl Connectable, to: &impl Connectable, port: Option<Port>) -> Self {
        Self {
            from: from.security_groups().to_vec(),
            to: to.security_groups().to_vec(),
            from_label: from.label(),
            to_label: to.label(),
            port: port.or_else(|| to.default_port()),
            ingress_description: None,
            egress_description: None,
        }
    }

    /// One description for both rules (default: e.g. `TCP 443 to Endpoints` on the egress
    /// rule and `TCP 443 from Workloads` on the ingress rule).
    pub fn description(self, d: impl Into<String>) -> Self {
        let d = d.into();
        self.ingress_description(d.clone()).egress_description(d)
    }

    /// The description of the ingress rule, as the receiving group shows it.
    pub fn ingress_description(mut self, d: impl Into<String>) -> Self {
        self.ingress_description = Some(d.into());
        self
    }

    /// The description of the egress rule, as the sending group shows it.
    pub fn egress_description(mut self, d: impl Into<String>) -> Self {
        self.egress_description = Some(d.into());
        self
    }

    /// Writes the rules: first every ingress rule, then every egress rule.
    pub fn add_to(self, stack: &mut Stack) -> Result<FlowRules> {
        let c = format!("Flow from {} to {}", self.from_label, self.to_label);
        let port = self.port.ok_or_else(|| {
            Error::invalid(
                &c,
                "port",
                format!(
                    "{} has no default port; name the port with allow(from, to, port)",
                    self.to_label
                ),
            )
        })?;
        for (side, label, groups) in [
            ("from", &self.from_label, &self.from),
            ("to", &self.to_label, &self.to),
        ] {
            if groups.is_empty() {
                return Err(Error::invalid(
                    &c,
                    side,
                    format!(
                        "{label} has no security group; a gateway endpoint is reached through route tables: allow its prefix list with SecurityGroup::egress(Peer::prefix_list(..), ..)"
                    ),
                ));
            }
        }
        let mut rules = FlowRules::default();
        for to in &self.to {
            for from in &self.from {
                rules.ingress.push(add_group_rule(
                    stack,
                    Direction::Ingress,
                    to,
                    from,
                    port,
                    self.ingress_description.clone(),
                )?);
            }
        }
        for from in &self.from {
            for to in &self.to {
                rules.egress.push(add_group_rule(
                    stack,
                    Direction::Egress,
                    from,
                    to,
                    port,
                    self.egress_description.clone(),
                )?);
            }
        }
        Ok(rules)
    }
}

/// The rule resources a [`Flow`] wrote.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct FlowRules {
    ingress: Vec<ResourceRef>,
    egress: Vec<ResourceRef>,
}

impl FlowRules {
    /// The `AWS::EC2::SecurityGroupIngress` resources, one per pair of groups.
    pub fn ingress(&self) -> &[ResourceRef] {
        &self.ingress
    }

    /// The `AWS::EC2::SecurityGroupEgress` resources, one per pair of groups.
    pub fn egress(&self) -> &[ResourceRef] {
        &self.egress
    }
}

#[cfg(test)]
mod tests {
    use super::{allow, allow_default_port};
    use crate::net::{GatewayEndpoint, Port, SecurityGroup, Vpc};
    use crate::template::Stack;

    #[test]
    fn a_flow_needs_a_port_and_groups_on_both_sides() {
        let mut stack = Stack::new("T");
        let vpc = Vpc::new("Network").add_to(&mut stack).unwrap();
        let app = SecurityGroup::new("App", &vpc).add_to(&mut stack).unwrap();
        let db = SecurityGroup::new("Db", &vpc).add_to(&mut stack).unwrap();
        let e = allow_default_port(&app, &db)
            .add_to(&mut stack)
            .unwrap_err()
            .to_string();
        assert!(e.contains("has no default port"), "{e}");
        let s3 = GatewayEndpoint::s3(&vpc).add_to(&mut stack).unwrap();
        let e = allow(&app, &s3, Port::HTTPS)
            .add_to(&mut stack)
            .unwrap_err()
            .to_string();
        assert!(e.contains("prefix list"), "{e}");
        // The same flow twice is a clash of logical IDs, not a silent second rule.
        allow(&app, &db, Port::tcp(5432))
            .add_to(&mut stack)
            .unwrap();
        assert!(
            allow(&app, &db, Port::tcp(5432))
                .add_to(&mut stack)
                .is_err()
        );
    }
}
