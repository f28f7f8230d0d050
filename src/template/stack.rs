use std::fmt;
use std::mem::take;
use std::sync::Arc;
use std::sync::atomic::{AtomicU64, Ordering};

use indexmap::IndexMap;
use serde_json::{Value, json};

use super::condition::ConditionRef;
use super::document::{Output, Parameter, Resource, Template, quota};
use super::expr::Expr;
use super::logical_id::LogicalId;
use crate::error::{Error, Location, Result};

mod finish;

static NEXT_STACK: AtomicU64 = AtomicU64::new(1);

/// The name of the rule that keeps a China-pinned template in its partition.
pub const PINNED_PARTITION_RULE: &str = "LaunchedInPinnedPartition";

/// An AWS partition: the set of regions that share ARNs, endpoints and accounts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Partition {
    /// `aws`: the commercial regions.
    Aws,
    /// `aws-cn`: Beijing and Ningxia.
    AwsCn,
    /// `aws-us-gov`: AWS GovCloud (US).
    AwsUsGov,
}

impl Partition {
    /// The partition a region belongs to.
    pub fn of_region(region: &str) -> Partition {
        if region.starts_with("cn-") {
            Partition::AwsCn
        } else if region.starts_with("us-gov-") {
            Partition::AwsUsGov
        } else {
            Partition::Aws
        }
    }

    /// The partition's name in ARNs.
    pub fn name(self) -> &'static str {
        match self {
            Partition::Aws => "aws",
            Partition::AwsCn => "aws-cn",
            Partition::AwsUsGov => "aws-us-gov",
        }
    }
}

/// How exports of a stack are named.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ExportPrefix {
    /// `${AWS::StackName}-...`: every launch of the template exports its own names, so one
    /// account can hold several copies (the default).
    StackName,
    /// A prefix of your own (which may name parameters): consumers can import names they know
    /// before launch.
    Fixed(String),
}

/// A cheap, typed reference to a resource added to a [`Stack`].
///
/// It remembers the stack it belongs to so that using it in another stack is an error instead
/// of a dangling `Ref`.
///
/// ```
/// use airgap::template::{Resource, Stack};
/// let mut stack = Stack::new("Demo");
/// let topic = stack.add_resource("Alarms", Resource::new("AWS::SNS::Topic"))?;
/// assert_eq!(topic.ref_().to_value(), serde_json::json!({"Ref": "Alarms"}));
/// assert_eq!(topic.get_att("TopicName").to_value(), serde_json::json!({"Fn::GetAtt": ["Alarms", "TopicName"]}));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ResourceRef {
    stack: u64,
    stack_name: Arc<str>,
    id: LogicalId,
    construct: Arc<str>,
}

impl ResourceRef {
    /// The resource's logical ID.
    pub fn logical_id(&self) -> &LogicalId {
        &self.id
    }

    /// `Ref` to the resource.
    pub fn ref_(&self) -> Expr {
        Expr::ref_(self.id.as_str())
    }

    /// `Fn::GetAtt` of one of its attributes.
    pub fn get_att(&self, attribute: &str) -> Expr {
        Expr::get_att(self.id.as_str(), attribute)
    }

    /// The construct that made it, e.g. `SecurityGroup 'Endpoints'`.
    pub fn construct(&self) -> &str {
        &self.construct
    }

    /// The name of the stack it belongs to.
    pub fn stack_name(&self) -> &str {
        &self.stack_name
    }
}

/// Something the caller should know about a synthesized template that does not stop it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Warning {
    /// A quota is more than 90% used.
    QuotaNearlyUsed {
        /// What is counted.
        quota: &'static str,
        /// How many are used.
        used: usize,
        /// CloudFormation's limit.
        limit: usize,
    },
    /// The body is too large to pass inline (`--template-body`); it must be uploaded to S3
    /// first, as Service Catalog does anyway.
    BodyTooLargeForInline {
        /// The body's size in bytes.
        bytes: usize,
    },
    /// A check below error level found something (or an error-level one was suppressed).
    Check {
        /// The rule's stable ID, e.g. `AG-NET-011`.
        rule: String,
        /// `warning`, `info`, or `suppressed`.
        level: String,
        /// The logical ID of the resource concerned.
        resource: String,
        /// What was found, and how to fix it.
        message: String,
    },
    /// A construct accepted a value that works but deserves a second look (e.g. a legacy S3
    /// bucket name).
    Construct {
        /// The construct, e.g. `SecureSageMakerNetwork 'DataScience'`.
        construct: String,
        /// What was noticed.
        message: String,
    },
}

impl fmt::Display for Warning {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Warning::QuotaNearlyUsed { quota, used, limit } => write!(
                f,
                "the template uses {used} of CloudFormation's {limit} {quota} (over 90%)"
            ),
            Warning::BodyTooLargeForInline { bytes } => write!(
                f,
                "the template body is {bytes} bytes, over the {} bytes allowed inline: upload it to S3 and launch it from there",
                quota::INLINE_BODY_BYTES
            ),
            Warning::Check {
                rule,
                level,
                resource,
                message,
            } => write!(f, "{rule} ({level}) on `{resource}`: {message}"),
            Warning::Construct { construct, message } => write!(f, "{construct}: {message}"),
        }
    }
}

/// A synthesized template with what synthesis noticed about it.
///
/// ```
/// use airgap::net::{FlowLog, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// FlowLog::new("Network", &vpc).add_to(&mut stack)?;
/// let out = stack.synth()?;
/// for warning in out.warnings() {
///     eprintln!("warning: {warning}");
/// }
/// assert!(out.to_json_pretty().starts_with('{'));
/// assert!(out.to_yaml().contains("AWS::EC2::VPC"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Synthesized {
    template: Template,
    json: String,
    warnings: Vec<Warning>,
}

impl From<Synthesized> for Template {
    fn from(s: Synthesized) -> Template {
        s.template
    }
}

impl Synthesized {
    /// The template.
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The template as pretty JSON (what `cargo run --example sagemaker_vpc` prints).
    pub fn to_json_pretty(&self) -> &str {
        &self.json
    }

    /// The template as CloudFormation YAML with short-form tags (see [`Template::to_yaml`]).
    pub fn to_yaml(&self) -> String {
        self.template.to_yaml()
    }

    /// The template as compact JSON, for bodies that must stay small.
    pub fn to_json_compact(&self) -> String {
        self.template.to_json_compact()
    }

    /// Warnings: quotas nearly used, a body too large to pass inline.
    pub fn warnings(&self) -> &[Warning] {
        &self.warnings
    }

    /// The template, consumed.
    pub fn into_template(self) -> Template {
        self.template
    }

    /// Adds a warning (for layers above that check what they know about).
    pub fn push_warning(&mut self, warning: Warning) {
        self.warnings.push(warning);
    }
}

/// How a resource type takes tags.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum TagFormat {
    /// `Tags: [{Key, Value}, ...]`, as most types take them.
    List,
    /// `Tags: {Key: Value, ...}`, as `AWS::SSM::Parameter` takes them.
    Map,
}

/// A setting given to the stack's builder that was wrong, kept until the stack is used: the
/// first construct added, or `synth`, returns its error (see [`Stack`]).
#[derive(Debug, Clone, PartialEq)]
enum Invalid {
    ExportPrefix(String),
    Region(String),
}

#[derive(Debug, Clone)]
struct Tagging {
    name: String,
    format: TagFormat,
}

/// The unit of deployment: a template being built, plus what applies to all of it (tags, the
/// export prefix, an optional pinned region).
///
/// Constructs are added with their `add_to(&mut stack)` methods and return handles that later
/// constructs use to refer to them.
///
/// The stack's own settings (`description`, `tag`, `export_prefix`, `in_region`) chain without
/// `?`: a wrong one is kept, and the first construct added to the stack, or `synth`, returns
/// its error, the way the `http` crate's builders carry an error to `body`.
///
/// ```
/// use airgap::template::{Stack, Resource};
/// let mut stack = Stack::new("Demo").description("A demo").tag("team", "ml-platform");
/// stack.add_resource_tagged("MyTopic", "Topic 'My'", Resource::new("AWS::SNS::Topic"), "my-topic")?;
/// let out = stack.synth()?;
/// assert!(out.to_json_pretty().contains("\"team\""));
///
/// let mut typo = Stack::new("Demo").in_region("eu-wst-1").tag("team", "ml-platform");
/// let e = typo.add_resource("MyTopic", Resource::new("AWS::SNS::Topic")).unwrap_err();
/// assert!(e.to_string().contains("did you mean `eu-west-1`"), "{e}");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct Stack {
    id: u64,
    name: Arc<str>,
    template: Template,
    tags: IndexMap<String, Expr>,
    export_prefix: ExportPrefix,
    region: Option<String>,
    invalid: Option<Invalid>,
    notes: Vec<Warning>,
    owners: IndexMap<String, String>,
    tagging: IndexMap<String, Tagging>,
    parameter_groups: IndexMap<String, Vec<String>>,
    parameter_labels: IndexMap<String, String>,
}

impl Stack {
    /// A new, empty stack. `name` identifies it in error messages and `Name` tags.
    pub fn new(name: impl Into<String>) -> Self {
        Self {
            id: NEXT_STACK.fetch_add(1, Ordering::Relaxed),
            name: Arc::from(name.into()),
            template: Template::default(),
            tags: IndexMap::new(),
            export_prefix: ExportPrefix::StackName,
            region: None,
            invalid: None,
            notes: Vec::new(),
            owners: IndexMap::new(),
            tagging: IndexMap::new(),
            parameter_groups: IndexMap::new(),
            parameter_labels: IndexMap::new(),
        }
    }

    /// Sets the template's description.
    #[must_use]
    pub fn description(mut self, description: impl Into<String>) -> Self {
        self.template.description = Some(description.into());
        self
    }

    /// Adds a tag to every resource that takes tags. The value may be an expression, e.g. a
    /// `Ref` to a parameter.
    #[must_use]
    pub fn tag(mut self, key: impl Into<String>, value: impl Into<Expr>) -> Self {
        self.tags.insert(key.into(), value.into());
        self
    }

    /// A new, empty stack that shares this one's tags, export prefix and region: for products
    /// that are launched together.
    pub fn sibling(&self, name: impl Into<String>) -> Stack {
        let mut s = Stack::new(name);
        s.tags = self.tags.clone();
        s.export_prefix = self.export_prefix.clone();
        s.region = self.region.clone();
        s.invalid = self.invalid.clone();
        s
    }

    /// Names exports with a prefix of your own instead of the stack name. The prefix may name
    /// parameters, e.g. `${ProjectName}-${EnvType}`, so consumers import names they can write
    /// before launch. A prefix with other characters than letters, digits, `-` and `:` is an
    /// error of the first construct added (or of `synth`).
    ///
    /// ```
    /// use airgap::template::{Expr, Stack, StackOutput};
    /// let mut stack = Stack::new("Net").export_prefix("ds-network");
    /// StackOutput::new("VpcId", "The VPC", Expr::str("vpc-0abc")).export().add_to(&mut stack)?;
    /// let t = stack.synth_unchecked()?.into_template();
    /// assert_eq!(t.outputs["VpcId"].export_name, Some(serde_json::json!("ds-network-VpcId")));
    ///
    /// assert!(Stack::new("Net").export_prefix("has space").synth_unchecked().is_err());
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn export_prefix(mut self, prefix: impl Into<String>) -> Self {
        let prefix = prefix.into();
        if check_export_prefix(&self.name, &prefix).is_err() {
            self.invalid.get_or_insert(Invalid::ExportPrefix(prefix));
        } else {
            self.export_prefix = ExportPrefix::Fixed(prefix);
        }
        self
    }

    /// Pins the stack to one region. Zones may then be named, and names that differ between
    /// partitions are written for the region's partition: interface endpoints of a China
    /// region use the `cn.com.amazonaws.` service names. ARNs keep `${AWS::Partition}`, which
    /// is right in every partition. Unpinned stacks work in any region.
    ///
    /// A stack pinned to a China region gets the rule `LaunchedInPinnedPartition`, which
    /// refuses a launch outside that partition before anything is created (its service names
    /// exist nowhere else). A region AWS does not publish is an error of the first construct
    /// added (or of `synth`) that names the nearest.
    ///
    /// ```
    /// use airgap::template::Stack;
    /// let china = Stack::new("Net").in_region("cn-north-1");
    /// let t = china.synth_unchecked()?.into_template();
    /// assert!(t.rules.contains_key("LaunchedInPinnedPartition"));
    ///
    /// let typo = Stack::new("Net").in_region("eu-wst-1").synth_unchecked().unwrap_err().to_string();
    /// assert!(typo.contains("did you mean `eu-west-1`"), "{typo}");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn in_region(mut self, region: impl Into<String>) -> Self {
        let region = region.into();
        if super::region::check_region(&region).is_err() {
            self.invalid.get_or_insert(Invalid::Region(region));
        } else {
            self.region = Some(region);
        }
        self
    }

    /// The error of a wrong setting given to the builder (`export_prefix`, `in_region`), if
    /// any; the first construct added and `synth` return it too. The check is run again, so
    /// the error is the one the setting's method would have returned.
    pub fn check_settings(&self) -> Result<()> {
        match &self.invalid {
            None => Ok(()),
            Some(Invalid::ExportPrefix(p)) => check_export_prefix(&self.name, p),
            Some(Invalid::Region(r)) => super::region::check_region(r),
        }
    }

    /// The stack's name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The rule a stack pinned to a China region carries: the launch region must be one of
    /// that partition's. Other partitions need none: their service names are the same.
    fn pinned_partition_rule(&self) -> Option<Value> {
        let region = self.region.as_deref()?;
        let partition = Partition::of_region(region);
        if partition != Partition::AwsCn {
            return None;
        }
        let regions: Vec<&str> = super::region::regions_of_partition(partition.name()).collect();
        Some(json!({
            "Assertions": [{
                "Assert": {"Fn::Contains": [regions, {"Ref": "AWS::Region"}]},
                "AssertDescription": format!(
                    "This template was made for {region} (partition {}): launch it in one of {}",
                    partition.name(),
                    regions.join(", ")
                ),
            }]
        }))
    }

    /// The pinned region, if any.
    pub fn region(&self) -> Option<&str> {
        self.region.as_deref()
    }

    /// The partition, when the region is pinned.
    pub fn partition(&self) -> Option<Partition> {
        self.region.as_deref().map(Partition::of_region)
    }

    /// The template built so far (before tags and checks are applied by `Stack::synth`).
    pub fn template(&self) -> &Template {
        &self.template
    }

    /// The export name for `suffix`, under the stack's export prefix.
    pub fn export_name(&self, suffix: &str) -> Expr {
        match &self.export_prefix {
            ExportPrefix::StackName => Expr::sub(format!("${{AWS::StackName}}-{suffix}")),
            ExportPrefix::Fixed(p) => Expr::sub(format!("{p}-{suffix}")),
        }
    }

    /// The `Name` tag value for a construct: the launched stack's name and the construct's.
    pub fn name_tag(&self, name: &str) -> Expr {
        Expr::sub(format!("${{AWS::StackName}}-{}", super::kebab_case(name)))
    }

    fn claim(&mut self, id: &LogicalId, construct: &str) -> Result<()> {
        self.check_settings()?;
        if let Some(first) = self.owners.get(id.as_str()) {
            return Err(Error::DuplicateLogicalId {
                id: id.to_string(),
                first: first.clone(),
                second: construct.to_string(),
            });
        }
        self.owners.insert(id.to_string(), construct.to_string());
        Ok(())
    }

    /// Adds a resource under `id` (which must be new). An error about it names it by its type
    /// and ID (`InternetGateway 'Igw'`); constructs that make resources use
    /// [`add_resource_of`](Self::add_resource_of) to be named as the user named them.
    ///
    /// ```
    /// use airgap::template::{Resource, Stack};
    /// let mut stack = Stack::new("Alarms");
    /// let topic = stack.add_resource("Topic", Resource::new("AWS::SNS::Topic"))?;
    /// assert_eq!(topic.logical_id().as_str(), "Topic");
    /// let again = stack.add_resource("Topic", Resource::new("AWS::SNS::Topic")).unwrap_err();
    /// assert!(again.to_string().contains("Topic 'Topic'"), "{again}");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn add_resource(&mut self, id: impl AsRef<str>, resource: Resource) -> Result<ResourceRef> {
        let kind = resource
            .resource_type
            .rsplit("::")
            .next()
            .unwrap_or_default();
        let label = format!("{kind} '{}'", id.as_ref());
        self.add_resource_of(id, &label, resource)
    }

    /// Adds a resource under `id` (which must be new), made by `construct`: errors about it
    /// name the construct as given, e.g. `InterfaceEndpoint 'PyPI mirror'`.
    pub fn add_resource_of(
        &mut self,
        id: impl AsRef<str>,
        construct: &str,
        resource: Resource,
    ) -> Result<ResourceRef> {
        let id = LogicalId::new(id.as_ref())?;
        self.claim(&id, construct)?;
        self.template.resources.insert(id.to_string(), resource);
        Ok(ResourceRef {
            stack: self.id,
            stack_name: self.name.clone(),
            id,
            construct: Arc::from(construct),
        })
    }

    /// Adds a resource that takes the standard `Tags` list: at synth it gets a `Name` tag of
    /// `name_tag` and the stack's tags.
    pub fn add_resource_tagged(
        &mut self,
        id: impl AsRef<str>,
        construct: &str,
        resource: Resource,
        name_tag: &str,
    ) -> Result<ResourceRef> {
        self.add_resource_with_tags(id, construct, resource, name_tag, TagFormat::List)
    }

    /// Adds a resource that takes tags in `format`: at synth it gets a `Name` tag of
    /// `name_tag` and the stack's tags.
    pub fn add_resource_with_tags(
        &mut self,
        id: impl AsRef<str>,
        construct: &str,
        resource: Resource,
        name_tag: &str,
        format: TagFormat,
    ) -> Result<ResourceRef> {
        let r = self.add_resource_of(id, construct, resource)?;
        self.tagging.insert(
            r.id.to_string(),
            Tagging {
                name: name_tag.to_string(),
                format,
            },
        );
        Ok(r)
    }

    /// Adds a parameter under `id` (which must be new) and returns a `Ref` to it.
    ///
    /// ```
    /// use airgap::template::{Parameter, Stack};
    /// let mut stack = Stack::new("Endpoints");
    /// let vpc_id = stack.add_parameter("VpcId", Parameter::new("AWS::EC2::VPC::Id"))?;
    /// assert_eq!(vpc_id.to_value(), serde_json::json!({"Ref": "VpcId"}));
    /// assert!(stack.add_parameter("VpcId", Parameter::string()).is_err());
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn add_parameter(&mut self, id: impl AsRef<str>, parameter: Parameter) -> Result<Expr> {
        let label = format!("Parameter '{}'", id.as_ref());
        self.add_parameter_of(id, &label, parameter)
    }

    /// Adds a parameter that `construct` needs, under `id` (which must be new); a clash names
    /// the construct. Returns a `Ref` to it.
    pub fn add_parameter_of(
        &mut self,
        id: impl AsRef<str>,
        construct: &str,
        parameter: Parameter,
    ) -> Result<Expr> {
        let id = LogicalId::new(id.as_ref())?;
        self.claim(&id, construct)?;
        self.template.parameters.insert(id.to_string(), parameter);
        Ok(Expr::ref_(id.as_str()))
    }

    /// Adds a parameter with a label and a group for the launch form: the console and Service
    /// Catalog show groups in the order they were first used, and each parameter under its
    /// label (`AWS::CloudFormation::Interface` metadata).
    pub fn add_parameter_labeled(
        &mut self,
        id: impl AsRef<str>,
        construct: &str,
        parameter: Parameter,
        label: &str,
        group: &str,
    ) -> Result<Expr> {
        let r = self.add_parameter_of(id.as_ref(), construct, parameter)?;
        let id = id.as_ref().to_string();
        self.parameter_labels.insert(id.clone(), label.to_string());
        self.parameter_groups
            .entry(group.to_string())
            .or_default()
            .push(id);
        let groups: Vec<Value> = self
            .parameter_groups
            .iter()
            .map(|(label, ids)| json!({"Label": {"default": label}, "Parameters": ids}))
            .collect();
        let labels: serde_json::Map<String, Value> = self
            .parameter_labels
            .iter()
            .map(|(id, label)| (id.clone(), json!({"default": label})))
            .collect();
        self.template.metadata.insert(
            "AWS::CloudFormation::Interface".into(),
            json!({"ParameterGroups": groups, "ParameterLabels": labels}),
        );
        Ok(r)
    }

    /// Adds a tag to every resource that takes tags, for a construct that adds tags of its own
    /// to the stack it is added to (callers configure the stack with [`Stack::tag`]).
    pub(crate) fn add_tag(&mut self, key: impl Into<String>, value: impl Into<Expr>) {
        self.tags.insert(key.into(), value.into());
    }

    /// Adds the output `id` (which must be new): see [`StackOutput`](super::StackOutput).
    pub(super) fn insert_output(&mut self, id: &str, output: Output) -> Result<()> {
        self.check_settings()?;
        let id = LogicalId::new(id)?;
        if self.template.outputs.contains_key(id.as_str()) {
            return Err(Error::DuplicateLogicalId {
                id: id.to_string(),
                first: format!("output `{id}`"),
                second: format!("output `{id}`"),
            });
        }
        self.template.outputs.insert(id.to_string(), output);
        Ok(())
    }

    /// Adds the condition `name` (which must be new) to the template's `Conditions`, and
    /// returns the handle constructs take (see [`ConditionRef`]).
    pub fn add_condition(&mut self, name: &str, condition: Expr) -> Result<ConditionRef> {
        self.check_settings()?;
        let id = LogicalId::new(name)?;
        if self.template.conditions.contains_key(id.as_str()) {
            return Err(Error::DuplicateLogicalId {
                id: id.to_string(),
                first: format!("condition `{id}`"),
                second: format!("condition `{id}`"),
            });
        }
        self.template
            .conditions
            .insert(id.to_string(), condition.to_value());
        Ok(ConditionRef::new(id.as_str()))
    }

    /// The condition `name`, added unless it is there already: for conditions that several
    /// constructs share under one well-known name (e.g. `IsChinaPartition`). The first
    /// definition stays.
    pub fn ensure_condition(&mut self, name: &str, condition: Expr) -> ConditionRef {
        self.template
            .conditions
            .entry(name.to_string())
            .or_insert_with(|| condition.to_value());
        ConditionRef::new(name)
    }

    /// Records a warning about a construct; synthesis returns it in
    /// [`Synthesized::warnings`]. The same warning is kept once.
    pub fn warn(&mut self, construct: &str, message: impl Into<String>) {
        let w = Warning::Construct {
            construct: construct.to_string(),
            message: message.into(),
        };
        if !self.notes.contains(&w) {
            self.notes.push(w);
        }
    }

    /// Adds a template rule (the `Rules` section), checked by CloudFormation before it creates
    /// anything.
    pub fn add_rule(&mut self, name: &str, rule: Value) -> Result<()> {
        let id = LogicalId::new(name)?;
        if self.template.rules.contains_key(id.as_str()) {
            return Err(Error::DuplicateLogicalId {
                id: id.to_string(),
                first: format!("rule `{id}`"),
                second: format!("rule `{id}`"),
            });
        }
        self.template.rules.insert(id.to_string(), rule);
        Ok(())
    }

    /// Mutable access to a resource added earlier, to attach what a later construct adds to it.
    pub fn resource_mut(&mut self, r: &ResourceRef) -> Option<&mut Resource> {
        self.template.resources.get_mut(r.id.as_str())
    }

    /// Checks that `r` was made in this stack.
    pub fn check_owned(&self, r: &ResourceRef, at: Location) -> Result<()> {
        if r.stack == self.id {
            Ok(())
        } else {
            Err(Error::ForeignConstruct {
                at,
                target: r.construct.to_string(),
                owner: r.stack_name.to_string(),
                stack: self.name.to_string(),
            })
        }
    }

    /// Records that check `rule_id` does not apply to resource `r`, and why.
    ///
    /// The suppression is written into the resource's `Metadata` as
    /// `airgap: {suppressions: [{id, reason}]}` (the shape cdk-nag and cfn-lint use), so it
    /// travels with the template: a reviewer sees it, and `airgap check` honours it on the file.
    /// Suppressed findings still appear in reports, marked as suppressed.
    ///
    /// ```
    /// use airgap::template::{Resource, Stack};
    /// let mut stack = Stack::new("Demo");
    /// let igw = stack.add_resource("Igw", Resource::new("AWS::EC2::InternetGateway"))?;
    /// stack.suppress(&igw, "AG-NET-001", "shared-services VPC: egress proxy lives here")?;
    /// let meta = &stack.template().resources["Igw"].metadata["airgap"];
    /// assert_eq!(meta["suppressions"][0]["id"], "AG-NET-001");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn suppress(&mut self, r: &ResourceRef, rule_id: &str, reason: &str) -> Result<()> {
        let at = || Location::new(r.construct.to_string(), "suppress");
        self.check_owned(r, at())?;
        if rule_id.trim().is_empty() {
            return Err(Error::Invalid {
                at: at(),
                message: "name the check to suppress by its ID, e.g. `AG-NET-001`".into(),
            });
        }
        if reason.trim().is_empty() {
            return Err(Error::Invalid {
                at: at(),
                message: format!(
                    "a suppression of {rule_id} needs a reason a reviewer can judge; say why the check does not apply"
                ),
            });
        }
        let resource = self
            .template
            .resources
            .get_mut(r.id.as_str())
            .ok_or_else(|| Error::DanglingReference {
                at: at(),
                target: r.id.to_string(),
            })?;
        let airgap = resource
            .metadata
            .entry("airgap".to_string())
            .or_insert_with(|| json!({}));
        if !airgap.is_object() {
            *airgap = json!({});
        }
        let list = airgap
            .as_object_mut()
            .expect("made an object above")
            .entry("suppressions")
            .or_insert_with(|| json!([]));
        if !list.is_array() {
            *list = json!([]);
        }
        let list = list.as_array_mut().expect("made an array above");
        list.retain(|s| s.get("id").and_then(Value::as_str) != Some(rule_id));
        list.push(json!({"id": rule_id, "reason": reason}));
        Ok(())
    }

    /// Finishes the template **without the privacy checks**: applies tags, checks every
    /// reference and CloudFormation's quotas, and renders JSON.
    ///
    /// `Stack::synth` (defined by the analysis layer, which may look at networks) runs this and
    /// then the checks; use this one only where the checks are run some other way.
    pub fn synth_unchecked(&self) -> Result<Synthesized> {
        self.finish(self.template.clone(), self.notes.clone())
    }

    /// `synth_unchecked` for a stack not needed afterwards: its template is moved, not copied.
    pub(crate) fn into_synth_unchecked(mut self) -> Result<Synthesized> {
        let (template, notes) = (take(&mut self.template), take(&mut self.notes));
        self.finish(template, notes)
    }
}

/// Checks an export-name prefix: letters, digits, `-`, `:` and `${Parameter}` only.
fn check_export_prefix(stack: &str, prefix: &str) -> Result<()> {
    let mut literal = prefix.to_string();
    for var in super::expr::sub_variables(prefix) {
        literal = literal.replace(&format!("${{{var}}}"), "");
    }
    if prefix.is_empty()
        || !literal
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == ':')
    {
        return Err(Error::parse(
            Location::new(format!("Stack '{stack}'"), "export_prefix"),
            "export name prefix",
            prefix,
            "use letters, digits, `-`, `:` and `${Parameter}` only",
        ));
    }
    Ok(())
}
