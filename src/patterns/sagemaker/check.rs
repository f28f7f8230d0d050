//! The checks a network passes before anything is added to a stack.

use super::{SecureSageMakerNetwork, Workload};

use crate::error::{Error, Location, Result};
use crate::net::{MAX_ZONES, Selection, Service};
use crate::sagemaker::SageMakerError;

impl SecureSageMakerNetwork {
    /// Every check, in the order their errors are reported.
    pub(super) fn check(&self) -> Result<()> {
        let c = self.construct();
        self.check_workloads(&c)?;
        self.check_endpoint_policies(&c)?;
        self.check_optional_endpoints(&c)?;
        if self.parameterized {
            self.check_parameterized(&c)?;
        }
        self.check_endpoint_subnets(&c)?;
        if let Some(p) = &self.ssm_prefix {
            check_ssm_prefix(p, &c)?;
        }
        if let Some(id) = &self.s3_prefix_list {
            check_prefix_list(id, &c)?;
        }
        Ok(())
    }

    /// Whether the endpoint of `s` is required (not optional).
    fn requires(&self, s: &Service) -> bool {
        self.endpoints.iter().any(|e| e == s)
    }

    /// Each workload, and those the endpoints imply, has the endpoints it needs.
    fn check_workloads(&self, c: &str) -> Result<()> {
        let mut implied = self.workloads.clone();
        // The notebook endpoint is useless without the API that presigns notebook URLs.
        if self.has(&Service::SAGEMAKER_NOTEBOOK) && !implied.contains(&Workload::NotebookInstances)
        {
            implied.push(Workload::NotebookInstances);
        }
        for w in implied {
            let missing: Vec<String> = w
                .needs()
                .iter()
                .filter(|s| !self.requires(s))
                .map(|s| s.id().to_string())
                .collect();
            if !missing.is_empty() {
                return Err(Error::from(SageMakerError::MissingEndpoints {
                    at: Location::new(c, "endpoints"),
                    workload: w.describe().to_string(),
                    missing: missing.join(", "),
                }));
            }
        }
        Ok(())
    }

    /// Endpoint policies are given only for endpoints the network has, and not for S3's.
    fn check_endpoint_policies(&self, c: &str) -> Result<()> {
        for (service, _) in &self.endpoint_policies {
            if !self.has(service) {
                return Err(Error::invalid(
                    c,
                    "endpoint_policy",
                    format!(
                        "a policy is given for the {} endpoint, which the network does not have",
                        service.id()
                    ),
                ));
            }
            if *service == Service::S3 {
                return Err(Error::invalid(
                    c,
                    "endpoint_policy",
                    "set the S3 gateway endpoint's policy with s3_policy()",
                ));
            }
        }
        Ok(())
    }

    /// Optional endpoints only in a parameterized product, never also required, never S3.
    fn check_optional_endpoints(&self, c: &str) -> Result<()> {
        for s in &self.optional_endpoints {
            if !self.parameterized {
                return Err(Error::invalid(
                    c,
                    "optional_endpoint",
                    format!(
                        "the {} endpoint is optional, but only a parameterized product asks at launch; call parameterized() or make it a plain endpoint",
                        s.id()
                    ),
                ));
            }
            if self.requires(s) {
                return Err(Error::invalid(
                    c,
                    "optional_endpoint",
                    format!("the {} endpoint is both required and optional", s.id()),
                ));
            }
            if *s == Service::S3 {
                return Err(Error::invalid(
                    c,
                    "optional_endpoint",
                    "the S3 gateway endpoint is always there",
                ));
            }
        }
        Ok(())
    }

    /// A parameterized product chooses its zones and carves its subnets at launch, from a /16.
    fn check_parameterized(&self, c: &str) -> Result<()> {
        if self.vpc.has_named_zones() {
            return Err(Error::invalid(
                c,
                "zone_names",
                "a parameterized product chooses its zones at launch; leave zones unnamed",
            ));
        }
        if self.vpc.has_subnet_layout() {
            return Err(Error::invalid(
                c,
                "subnet_cidrs",
                "a parameterized product carves its subnets from the VpcCidr parameter at deploy time; give no subnet blocks",
            ));
        }
        if !self.vpc.cidr_text().ends_with("/16") {
            return Err(Error::invalid(
                c,
                "cidr",
                format!(
                    "a parameterized product takes a /16 VPC block (the subnets are carved from it at deploy time), and {} is not one",
                    self.vpc.cidr_text()
                ),
            ));
        }
        Ok(())
    }

    /// The endpoints' subnets are selected by zones the network has, each zone at most once:
    /// checked here, before anything is built, so the error names the network's own field.
    fn check_endpoint_subnets(&self, c: &str) -> Result<()> {
        let refuse = |message: String| Err(Error::invalid(c, "endpoint_subnets", message));
        match self.endpoint_subnets.selection() {
            Selection::All => Ok(()),
            Selection::FirstZones(n) => {
                let (most, spans) = if self.parameterized {
                    (
                        MAX_ZONES,
                        format!(
                            "a parameterized network spans at most {MAX_ZONES} (its Zones parameter)"
                        ),
                    )
                } else {
                    let count = self.vpc.zone_count();
                    (count, format!("the network spans {count}"))
                };
                if (1..=most).contains(n) {
                    Ok(())
                } else {
                    refuse(format!(
                        "{n} zones selected, but {spans}; select 1 to {most}"
                    ))
                }
            }
            Selection::Zones(names) => {
                if self.parameterized {
                    return refuse(
                        "a parameterized product chooses its zones at launch, so they have no names here; select the first zones with SubnetSelection::first_zones".into(),
                    );
                }
                let Some(zones) = self.vpc.named_zones() else {
                    return refuse(
                        "the network's zones are counted, so their names are known only at launch; name them with zone_names, or select with SubnetSelection::first_zones".into(),
                    );
                };
                if names.is_empty() {
                    return refuse("no zone selected; name at least one".into());
                }
                for (i, name) in names.iter().enumerate() {
                    if !zones.contains(name) {
                        return refuse(format!(
                            "the network has no zone {name}; its zones are {}",
                            zones.join(", ")
                        ));
                    }
                    if names[..i].contains(name) {
                        return refuse(format!(
                            "{name} is selected twice; an interface endpoint takes at most one subnet per Availability Zone"
                        ));
                    }
                }
                Ok(())
            }
            Selection::Subnets(given) => match given.first() {
                None => refuse("no subnet selected; select at least one zone".into()),
                Some(s) => refuse(format!(
                    "the subnet `{}` is not one of this network's: its subnets are made when it is added to a stack, so select them by zone with SubnetSelection::first_zones or SubnetSelection::availability_zones",
                    s.subnet().logical_id()
                )),
            },
        }
    }
}

pub(super) fn check_ssm_prefix(prefix: &str, c: &str) -> Result<()> {
    let mut literal = prefix.to_string();
    for var in crate::template::sub_variables(prefix) {
        literal = literal.replace(&format!("${{{var}}}"), "x");
    }
    let lower = literal.trim_start_matches('/').to_ascii_lowercase();
    let ok = prefix.starts_with('/')
        && !prefix.ends_with('/')
        && literal
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || matches!(ch, '/' | '_' | '.' | '-'))
        && !lower.starts_with("aws")
        && !lower.starts_with("ssm");
    if ok {
        Ok(())
    } else {
        Err(Error::parse(
            Location::new(c, "ssm_parameters"),
            "SSM parameter path",
            prefix,
            "a path starts with `/`, does not end with one, holds letters, digits, `_`, `.`, `-`, `/` and `${Parameter}`, and does not start with `aws` or `ssm`",
        ))
    }
}

pub(super) fn check_prefix_list(id: &str, c: &str) -> Result<()> {
    let ok = id
        .strip_prefix("pl-")
        .is_some_and(|h| (8..=17).contains(&h.len()) && h.chars().all(|c| c.is_ascii_hexdigit()));
    if ok {
        Ok(())
    } else {
        Err(Error::parse(
            Location::new(c, "s3_prefix_list_id"),
            "prefix list ID",
            id,
            "expected `pl-` and 8 to 17 hex digits, e.g. `pl-63a5400a`",
        ))
    }
}
