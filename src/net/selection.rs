use super::vpc::{SubnetRef, VpcRef};
use crate::error::{Error, Result};
use crate::template::Expr;

/// Which subnets of a VPC a construct puts its network interfaces in, as AWS CDK's
/// `SubnetSelection` says it.
///
/// The default is every subnet of the VPC. Fewer zones cost less (an interface endpoint is
/// billed per zone) but lose the zones left out: workloads there still reach the endpoint,
/// across zones, and lose it when its zones fail. A selection is checked against the VPC when
/// the construct is added to a stack.
///
/// ```
/// use airgap::net::{InterfaceEndpoint, SecurityGroup, Service, SubnetSelection, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").zone_names(["eu-west-1a", "eu-west-1b", "eu-west-1c"])
///     .add_to(&mut stack)?;
/// let group = SecurityGroup::new("Endpoints", &vpc).add_to(&mut stack)?;
/// InterfaceEndpoint::new(Service::STS, &vpc)
///     .security_group(&group)
///     .subnets(SubnetSelection::availability_zones(["eu-west-1a", "eu-west-1c"]))
///     .add_to(&mut stack)?;
/// let subnets = &stack.template().resources["StsEndpoint"].properties["SubnetIds"];
/// assert_eq!(subnets, &serde_json::json!([
///     {"Ref": "NetworkPrivateSubnet1"}, {"Ref": "NetworkPrivateSubnet3"}]));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, Default, PartialEq)]
#[must_use]
pub struct SubnetSelection(Selection);

/// What a [`SubnetSelection`] asks for, for constructs that check it before their VPC exists.
#[derive(Debug, Clone, Default, PartialEq)]
pub(crate) enum Selection {
    /// Every subnet.
    #[default]
    All,
    /// The subnets of the first zones, in the VPC's order.
    FirstZones(usize),
    /// The subnets in the named zones.
    Zones(Vec<String>),
    /// These subnets.
    Subnets(Vec<SubnetRef>),
}

impl SubnetSelection {
    /// Every subnet of the VPC (the default).
    pub fn all() -> Self {
        Self(Selection::All)
    }

    /// The subnets of the VPC's first `count` zones, in the VPC's order. Works with counted
    /// zones too, whose names are only known at launch.
    pub fn first_zones(count: usize) -> Self {
        Self(Selection::FirstZones(count))
    }

    /// The subnets in the named zones (e.g. `eu-west-1a`); the VPC must name its zones
    /// ([`Vpc::zone_names`](super::Vpc::zone_names)).
    pub fn availability_zones<I, S>(zones: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        Self(Selection::Zones(
            zones.into_iter().map(Into::into).collect(),
        ))
    }

    /// These subnets of the VPC.
    pub fn subnets<'a, I>(subnets: I) -> Self
    where
        I: IntoIterator<Item = &'a SubnetRef>,
    {
        Self(Selection::Subnets(subnets.into_iter().cloned().collect()))
    }

    /// Whether this is every subnet of the VPC.
    pub fn is_all(&self) -> bool {
        self.0 == Selection::All
    }

    /// What the selection asks for.
    pub(crate) fn selection(&self) -> &Selection {
        &self.0
    }

    /// The selected subnets' IDs as a template list; `construct` names the caller in errors.
    pub(crate) fn subnet_ids(&self, vpc: &VpcRef, construct: &str) -> Result<Expr> {
        Ok(match self.subnets_of(vpc, construct)? {
            None => vpc.subnet_ids(),
            Some(chosen) => Expr::List(chosen.iter().map(|s| s.list_item(s.subnet())).collect()),
        })
    }

    /// The selected subnets of `vpc`, in the order selected; `None` for every subnet (which an
    /// imported VPC gives as one list). `construct` names the caller in errors.
    pub(crate) fn subnets_of<'v>(
        &self,
        vpc: &'v VpcRef,
        construct: &str,
    ) -> Result<Option<Vec<&'v SubnetRef>>> {
        let all = vpc.subnets();
        let refuse = |message: String| Err(Error::invalid(construct, "subnets", message));
        if self.is_all() {
            return Ok(None);
        }
        if all.is_empty() {
            return refuse(format!(
                "the subnets of the imported VPC {} are one list; import the list of the subnets this construct should use instead of selecting from it",
                vpc.name()
            ));
        }
        let chosen: Vec<&SubnetRef> = match &self.0 {
            Selection::All => all.iter().collect(),
            Selection::FirstZones(n) if (1..=all.len()).contains(n) => all[..*n].iter().collect(),
            Selection::FirstZones(n) => {
                return refuse(format!(
                    "{n} zones selected, but the VPC {} spans {}; select 1 to {}",
                    vpc.name(),
                    all.len(),
                    all.len()
                ));
            }
            Selection::Zones(names) => {
                if all.iter().any(|s| s.zone_name().is_none()) {
                    return refuse(format!(
                        "the zones of the VPC {} are counted, so their names are known only at launch; name them with Vpc::zone_names, or select with SubnetSelection::first_zones",
                        vpc.name()
                    ));
                }
                let mut chosen = Vec::with_capacity(names.len());
                for name in names {
                    match all.iter().find(|s| s.zone_name() == Some(name.as_str())) {
                        Some(s) => chosen.push(s),
                        None => {
                            let known: Vec<&str> =
                                all.iter().filter_map(SubnetRef::zone_name).collect();
                            return refuse(format!(
                                "the VPC {} has no subnet in {name}; its zones are {}",
                                vpc.name(),
                                known.join(", ")
                            ));
                        }
                    }
                }
                chosen
            }
            Selection::Subnets(given) => {
                let mut chosen = Vec::with_capacity(given.len());
                for s in given {
                    match all.iter().find(|a| *a == s) {
                        Some(a) => chosen.push(a),
                        None => {
                            return refuse(format!(
                                "the subnet `{}` is not one of the VPC {}",
                                s.subnet().logical_id(),
                                vpc.name()
                            ));
                        }
                    }
                }
                chosen
            }
        };
        if chosen.is_empty() {
            return refuse("no subnet selected; select at least one".into());
        }
        for (i, s) in chosen.iter().enumerate() {
            if chosen[..i].contains(s) {
                // AWS takes at most one subnet per zone for an endpoint, and each subnet here
                // is a zone of its own.
                return refuse(format!(
                    "the subnet `{}` is selected twice",
                    s.subnet().logical_id()
                ));
            }
        }
        Ok(Some(chosen))
    }
}

#[cfg(test)]
mod tests {
    use super::SubnetSelection;
    use crate::net::{ImportedVpc, InterfaceEndpoint, SecurityGroup, Service, Vpc, VpcRef};
    use crate::template::{Expr, Stack};

    fn endpoint_with(vpc: &VpcRef, stack: &mut Stack, s: SubnetSelection) -> crate::Result<()> {
        let n = stack.template().resources.len();
        let group = SecurityGroup::new(format!("G{n}"), vpc).add_to(stack)?;
        InterfaceEndpoint::new(Service::STS, vpc)
            .name(format!("E{n}"))
            .security_group(&group)
            .private_dns(false)
            .subnets(s)
            .add_to(stack)
            .map(|_| ())
    }

    fn error_of(vpc: &VpcRef, stack: &mut Stack, s: SubnetSelection) -> String {
        let e = endpoint_with(vpc, stack, s).unwrap_err().to_string();
        assert!(e.contains("`subnets`"), "{e}");
        e
    }

    #[test]
    fn a_selection_the_vpc_cannot_meet_is_refused_with_what_it_has() {
        let mut stack = Stack::new("T");
        let counted = Vpc::new("Counted").zones(2).add_to(&mut stack).unwrap();
        let e = error_of(&counted, &mut stack, SubnetSelection::first_zones(3));
        assert!(e.contains("spans 2"), "{e}");
        let e = error_of(&counted, &mut stack, SubnetSelection::first_zones(0));
        assert!(e.contains("select 1 to 2"), "{e}");
        let e = error_of(
            &counted,
            &mut stack,
            SubnetSelection::availability_zones(["eu-west-1a"]),
        );
        assert!(e.contains("Vpc::zone_names"), "{e}");
        let first = &counted.subnets()[0];
        let e = error_of(
            &counted,
            &mut stack,
            SubnetSelection::subnets([first, first]),
        );
        assert!(e.contains("selected twice"), "{e}");

        let named = Vpc::new("Named")
            .cidr("10.9.0.0/16")
            .zone_names(["eu-west-1a", "eu-west-1b"])
            .add_to(&mut stack)
            .unwrap();
        let e = error_of(
            &named,
            &mut stack,
            SubnetSelection::availability_zones(["eu-west-1c"]),
        );
        assert!(e.contains("eu-west-1a, eu-west-1b"), "{e}");
        let e = error_of(&named, &mut stack, SubnetSelection::subnets([first]));
        assert!(e.contains("is not one of the VPC Named"), "{e}");
        endpoint_with(&named, &mut stack, SubnetSelection::first_zones(1)).unwrap();

        let imported = VpcRef::imported(ImportedVpc {
            name: "Shared".into(),
            id: Expr::str("vpc-0abc"),
            cidr: None,
            subnet_ids: Expr::List(vec![Expr::str("subnet-1")]),
            route_table_ids: Expr::List(vec![]),
        });
        let e = error_of(&imported, &mut stack, SubnetSelection::first_zones(1));
        assert!(e.contains("imported VPC Shared"), "{e}");
        endpoint_with(&imported, &mut stack, SubnetSelection::all()).unwrap();
    }
}
