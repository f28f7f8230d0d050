//! A notebook instance that can only run inside its network.

use serde_json::{Value, json};

use super::camel;
use super::key::WorkloadKey;
use super::network::{WorkloadKind, WorkloadNetwork};
use super::role::ExecutionRole;
use crate::error::{Error, Result};
use crate::template::{Expr, Resource, ResourceRef, Stack};

/// The instance types SageMaker offers notebooks start with `ml.`; anything else is a typo.
const INSTANCE_PREFIX: &str = "ml.";

/// Scripts a notebook instance runs as root when it is created and each time it starts
/// (`AWS::SageMaker::NotebookInstanceLifecycleConfig`): the one place root access is still
/// needed once `RootAccess` is disabled, so it is reviewed with the template.
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct LifecycleConfig {
    on_create: Option<String>,
    on_start: Option<String>,
}

impl LifecycleConfig {
    /// A script run each time the instance starts.
    pub fn on_start(script: impl Into<String>) -> Self {
        Self {
            on_create: None,
            on_start: Some(script.into()),
        }
    }

    /// A script run once, when the instance is created.
    pub fn on_create(script: impl Into<String>) -> Self {
        Self {
            on_create: Some(script.into()),
            on_start: None,
        }
    }

    /// Adds (or replaces) the script run once, when the instance is created.
    pub fn and_on_create(mut self, script: impl Into<String>) -> Self {
        self.on_create = Some(script.into());
        self
    }

    /// Adds (or replaces) the script run each time the instance starts.
    pub fn and_on_start(mut self, script: impl Into<String>) -> Self {
        self.on_start = Some(script.into());
        self
    }

    fn hook(script: &Option<String>) -> Option<Value> {
        script
            .as_ref()
            .map(|s| json!([{"Content": {"Fn::Base64": s}}]))
    }
}

/// A SageMaker notebook instance that can only run inside its network, secure by default:
/// `DirectInternetAccess: Disabled`, `RootAccess: Disabled`, IMDSv2 only, in a private subnet
/// and the network's workload security group, its ML volume encrypted with a KMS key of its
/// own (rotation on, retained) or one you name, and an execution role of its own derived from
/// the network (see [`ExecutionRole`]). The network must have the notebook endpoint and the
/// SageMaker API, or [`add_to`](Self::add_to) returns `SageMakerError::MissingEndpoints` naming them.
///
/// ```
/// use airgap::net::Service;
/// use airgap::sagemaker::{NotebookInstance, WorkloadKind, WorkloadNetwork};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Notebook");
/// let place = WorkloadNetwork::parameters("DataScience", WorkloadKind::Notebook, &mut stack)?
///     .endpoints([Service::SAGEMAKER_API, Service::SAGEMAKER_NOTEBOOK]);
/// let notebook = NotebookInstance::new("Research", &place).instance_type("ml.t3.medium").add_to(&mut stack)?;
/// let props = &stack.template().resources[notebook.instance.logical_id().as_str()].properties;
/// assert_eq!(props["DirectInternetAccess"], "Disabled");
/// assert_eq!(props["RootAccess"], "Disabled");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct NotebookInstance {
    name: String,
    network: WorkloadNetwork,
    instance_type: String,
    volume_gb: u32,
    key: WorkloadKey,
    lifecycle: Option<LifecycleConfig>,
    platform: Option<String>,
}

/// What [`NotebookInstance::add_to`] built.
#[derive(Debug, Clone, PartialEq)]
pub struct NotebookRef {
    /// The notebook instance.
    pub instance: ResourceRef,
    /// Its execution role.
    pub role: ResourceRef,
    /// Its own KMS key, unless a key was named.
    pub key: Option<ResourceRef>,
    /// Its lifecycle configuration, if any.
    pub lifecycle: Option<ResourceRef>,
}

impl NotebookInstance {
    /// Default instance type: the smallest general-purpose one.
    pub const DEFAULT_INSTANCE_TYPE: &'static str = "ml.t3.medium";
    /// Default ML volume size, in GB.
    pub const DEFAULT_VOLUME_GB: u32 = 20;

    /// The notebook `name` in `network`.
    pub fn new(name: impl Into<String>, network: &WorkloadNetwork) -> Self {
        Self {
            name: name.into(),
            network: network.clone(),
            instance_type: Self::DEFAULT_INSTANCE_TYPE.into(),
            volume_gb: Self::DEFAULT_VOLUME_GB,
            key: WorkloadKey::Own,
            lifecycle: None,
            platform: None,
        }
    }

    /// The ML instance type (`ml.t3.medium`, ...).
    pub fn instance_type(mut self, t: impl Into<String>) -> Self {
        self.instance_type = t.into();
        self
    }

    /// The ML volume's size in GB (5 to 16384).
    pub fn volume_size_gb(mut self, gb: u32) -> Self {
        self.volume_gb = gb;
        self
    }

    /// Encrypts the volume with an existing key (ID or ARN) instead of one of its own.
    pub fn kms_key(mut self, key: Expr) -> Self {
        self.key = WorkloadKey::Named(key);
        self
    }

    /// Adds a lifecycle configuration.
    pub fn lifecycle_config(mut self, config: LifecycleConfig) -> Self {
        self.lifecycle = Some(config);
        self
    }

    /// The notebook platform (`notebook-al2-v3`, ...); SageMaker's default otherwise.
    pub fn platform(mut self, identifier: impl Into<String>) -> Self {
        self.platform = Some(identifier.into());
        self
    }

    fn check(&self, c: &str) -> Result<()> {
        self.network.check_fits(WorkloadKind::Notebook, c)?;
        if !self.instance_type.starts_with(INSTANCE_PREFIX) || self.instance_type.len() < 5 {
            return Err(Error::invalid(
                c,
                "instance_type",
                format!(
                    "`{}` is not a SageMaker instance type; they start with `ml.`, such as `ml.t3.medium`",
                    self.instance_type
                ),
            ));
        }
        if !(5..=16384).contains(&self.volume_gb) {
            return Err(Error::invalid(
                c,
                "volume_size_gb",
                format!(
                    "a notebook's ML volume holds 5 to 16384 GB, not {}",
                    self.volume_gb
                ),
            ));
        }
        Ok(())
    }

    /// Adds the key, execution role, lifecycle configuration and notebook to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<NotebookRef> {
        let c = format!("NotebookInstance '{}'", self.name);
        self.check(&c)?;
        let base = camel(&self.name);
        let key = self.key.add_to(
            stack,
            &c,
            &format!("{base}NotebookKey"),
            &format!("the ML volume of the notebook {}", self.name),
            &format!("{} notebook key", self.name),
        )?;
        let role = ExecutionRole::new(format!("{} notebook", self.name), &self.network)
            .key(key.arn.clone())
            .add_to(stack)?;
        let lifecycle = match &self.lifecycle {
            None => None,
            Some(l) => {
                let mut r = Resource::new("AWS::SageMaker::NotebookInstanceLifecycleConfig");
                if let Some(v) = LifecycleConfig::hook(&l.on_create) {
                    r = r.property("OnCreate", v);
                }
                if let Some(v) = LifecycleConfig::hook(&l.on_start) {
                    r = r.property("OnStart", v);
                }
                Some(stack.add_resource_of(format!("{base}NotebookLifecycleConfig"), &c, r)?)
            }
        };
        let mut notebook = Resource::new("AWS::SageMaker::NotebookInstance")
            .property("InstanceType", self.instance_type.clone())
            .property("RoleArn", role.get_att("Arn").to_value())
            .property("SubnetId", self.network.single_subnet().to_value())
            .property(
                "SecurityGroupIds",
                json!([self.network.security_group().to_value()]),
            )
            .property("DirectInternetAccess", "Disabled")
            .property("RootAccess", "Disabled")
            .property("KmsKeyId", key.id.to_value())
            .property("VolumeSizeInGB", self.volume_gb)
            .property(
                "InstanceMetadataServiceConfiguration",
                json!({"MinimumInstanceMetadataServiceVersion": "2"}),
            );
        if let Some(l) = &lifecycle {
            notebook = notebook.property(
                "LifecycleConfigName",
                l.get_att("NotebookInstanceLifecycleConfigName").to_value(),
            );
        }
        if let Some(p) = &self.platform {
            notebook = notebook.property("PlatformIdentifier", p.clone());
        }
        let instance = stack.add_resource_tagged(
            format!("{base}Notebook"),
            &c,
            notebook,
            &format!("{} notebook", self.name),
        )?;
        Ok(NotebookRef {
            instance,
            role,
            key: key.resource,
            lifecycle,
        })
    }
}
