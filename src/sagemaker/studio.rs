//! A SageMaker Studio domain that can only run inside its network, and its user profiles.

use serde_json::json;

use super::camel;
use super::key::WorkloadKey;
use super::network::{WorkloadKind, WorkloadNetwork};
use super::role::ExecutionRole;
use crate::error::{Error, Location, Result};
use crate::template::{Expr, Parameter, Resource, ResourceRef, Stack};

/// A SageMaker Studio domain that can only run inside its network, secure by default:
/// `AppNetworkAccessType: VpcOnly` (all traffic of its apps goes through the VPC, which has no
/// internet path), IAM authentication, the network's private subnets and workload security
/// group, its EFS volume encrypted with a KMS key of its own or one you name, notebook output
/// sharing off, and default user settings with the workload group and an execution role of
/// its own. The network must have the Studio endpoint, the SageMaker API and the SageMaker
/// Runtime, or [`add_to`](Self::add_to) returns `SageMakerError::MissingEndpoints` naming them.
///
/// ```
/// use airgap::net::Service;
/// use airgap::sagemaker::{StudioDomain, WorkloadKind, WorkloadNetwork};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Studio");
/// let place = WorkloadNetwork::parameters("DataScience", WorkloadKind::Studio, &mut stack)?.endpoints([
///     Service::SAGEMAKER_API, Service::SAGEMAKER_RUNTIME, Service::SAGEMAKER_STUDIO]);
/// let studio = StudioDomain::new("Research", &place).add_to(&mut stack)?;
/// let props = &stack.template().resources[studio.domain.logical_id().as_str()].properties;
/// assert_eq!(props["AppNetworkAccessType"], "VpcOnly");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct StudioDomain {
    name: String,
    network: WorkloadNetwork,
    key: WorkloadKey,
    users: Vec<String>,
}

/// What [`StudioDomain::add_to`] built.
#[derive(Debug, Clone, PartialEq)]
pub struct StudioDomainRef {
    /// The domain.
    pub domain: ResourceRef,
    /// The default execution role of its users.
    pub role: ResourceRef,
    /// Its own KMS key, unless a key was named.
    pub key: Option<ResourceRef>,
    /// The user profiles made with it.
    pub users: Vec<ResourceRef>,
}

impl StudioDomain {
    /// The domain `name` (also its `DomainName`) in `network`.
    pub fn new(name: impl Into<String>, network: &WorkloadNetwork) -> Self {
        Self {
            name: name.into(),
            network: network.clone(),
            key: WorkloadKey::Own,
            users: Vec::new(),
        }
    }

    /// Encrypts the domain's EFS volume with an existing key (ID or ARN).
    pub fn kms_key(mut self, key: Expr) -> Self {
        self.key = WorkloadKey::Named(key);
        self
    }

    /// Adds a user profile in the same stack (for a separate product, see [`UserProfiles`]).
    pub fn user(mut self, name: impl Into<String>) -> Self {
        self.users.push(name.into());
        self
    }

    /// Adds the key, execution role, domain and user profiles to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<StudioDomainRef> {
        let c = format!("StudioDomain '{}'", self.name);
        self.network.check_fits(WorkloadKind::Studio, &c)?;
        check_name(&self.name, &c, "name")?;
        let Some(vpc_id) = self.network.vpc_id().cloned() else {
            return Err(Error::invalid(
                &c,
                "network",
                "a Studio domain needs the network's VPC ID; make the network with its VPC",
            ));
        };
        let base = camel(&self.name);
        let key = self.key.add_to(
            stack,
            &c,
            &format!("{base}StudioKey"),
            &format!("the EFS volume of the Studio domain {}", self.name),
            &format!("{} studio key", self.name),
        )?;
        let role = ExecutionRole::new(format!("{} studio", self.name), &self.network)
            .key(key.arn.clone())
            .add_to(stack)?;
        let group = self.network.security_group().to_value();
        let domain = stack.add_resource_tagged(
            format!("{base}Domain"),
            &c,
            Resource::new("AWS::SageMaker::Domain")
                .property("DomainName", self.name.clone())
                .property("AuthMode", "IAM")
                .property("AppNetworkAccessType", "VpcOnly")
                .property("VpcId", vpc_id.to_value())
                .property("SubnetIds", self.network.subnet_ids().to_value())
                .property("KmsKeyId", key.id.to_value())
                .property(
                    "DefaultUserSettings",
                    json!({
                        "ExecutionRole": role.get_att("Arn").to_value(),
                        "SecurityGroups": [group],
                        "SharingSettings": {"NotebookOutputOption": "Disabled"},
                    }),
                ),
            &format!("{} Studio domain", self.name),
        )?;
        let domain_id = domain.get_att("DomainId");
        let mut users = Vec::new();
        for user in &self.users {
            users.push(add_profile(stack, &c, user, &domain_id)?);
        }
        Ok(StudioDomainRef {
            domain,
            role,
            key: key.resource,
            users,
        })
    }
}

/// User profiles of a Studio domain as a product of their own, launched after the domain's:
/// it takes the domain's ID as the parameter `DomainId` and adds one
/// `AWS::SageMaker::UserProfile` per user, which inherits the domain's default settings (the
/// workload group and execution role), so a profile can land nowhere but inside the network.
///
/// ```
/// use airgap::sagemaker::UserProfiles;
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Users");
/// let users = UserProfiles::new("Research").user("alice").user("bob").add_to(&mut stack)?;
/// assert_eq!(users.len(), 2);
/// assert!(stack.template().parameters.contains_key("DomainId"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct UserProfiles {
    name: String,
    users: Vec<String>,
    per_launch: bool,
}

impl UserProfiles {
    /// The user profiles of the domain `name`.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            name: name.into(),
            users: Vec::new(),
            per_launch: false,
        }
    }

    /// Makes one profile per launch, named by the parameter `UserProfileName`: the form a
    /// Service Catalog product takes, launched once per user.
    pub fn user_per_launch(mut self) -> Self {
        self.per_launch = true;
        self
    }

    /// Adds a user (`UserProfileName`).
    pub fn user(mut self, name: impl Into<String>) -> Self {
        self.users.push(name.into());
        self
    }

    /// Adds the `DomainId` parameter and the profiles to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<Vec<ResourceRef>> {
        let c = format!("UserProfiles '{}'", self.name);
        if self.users.is_empty() && !self.per_launch {
            return Err(Error::invalid(
                &c,
                "user",
                "no user is given; add one with .user(\"alice\") or make one per launch",
            ));
        }
        let domain = stack.add_parameter_labeled(
            "DomainId",
            &c,
            Parameter::string()
                .description("The Studio domain (output DomainId of the Studio product)")
                .pattern(
                    "^d-(-*[a-z0-9]){1,61}$",
                    "must be a Studio domain ID such as d-abcdef123456",
                ),
            "Studio domain",
            "Studio",
        )?;
        let mut out = Vec::new();
        for user in &self.users {
            out.push(add_profile(stack, &c, user, &domain)?);
        }
        if self.per_launch {
            let name = stack.add_parameter_labeled(
                "UserProfileName",
                &c,
                Parameter::string()
                    .description("The user's profile name in the domain")
                    .pattern(
                        "^[a-zA-Z0-9](-*[a-zA-Z0-9]){0,62}$",
                        "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit",
                    ),
                "User profile name",
                "Studio",
            )?;
            out.push(
                stack.add_resource_tagged(
                    "UserProfile",
                    &c,
                    Resource::new("AWS::SageMaker::UserProfile")
                        .property("DomainId", domain.to_value())
                        .property("UserProfileName", name.to_value()),
                    "user profile",
                )?,
            );
        }
        Ok(out)
    }
}

/// SageMaker's rule for domain and user profile names.
fn check_name(name: &str, c: &str, field: &str) -> Result<()> {
    let ok = !name.is_empty()
        && name.len() <= 63
        && name.starts_with(|ch: char| ch.is_ascii_alphanumeric())
        && name.ends_with(|ch: char| ch.is_ascii_alphanumeric())
        && name
            .chars()
            .all(|ch| ch.is_ascii_alphanumeric() || ch == '-');
    if ok {
        return Ok(());
    }
    Err(Error::parse(
        Location::new(c, field),
        "SageMaker name",
        name,
        "1 to 63 letters, digits and hyphens, starting and ending with a letter or digit",
    ))
}

fn add_profile(stack: &mut Stack, c: &str, user: &str, domain: &Expr) -> Result<ResourceRef> {
    check_name(user, c, "user")?;
    stack.add_resource_tagged(
        format!("{}UserProfile", camel(user)),
        c,
        Resource::new("AWS::SageMaker::UserProfile")
            .property("DomainId", domain.to_value())
            .property("UserProfileName", user),
        &format!("{user} user profile"),
    )
}
