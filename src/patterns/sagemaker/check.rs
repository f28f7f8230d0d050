//! The checks a network passes before anything is added to a stack.

use super::{SecureSageMakerNetwork, Workload};

use crate::error::{Error, Location, Result};
use crate::net::Service;
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
