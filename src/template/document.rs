use indexmap::IndexMap;
use serde::ser::{Serialize, SerializeMap, Serializer};
use serde_json::Value;

use super::expr::{Pseudo, sub_variables};
use super::intrinsic::Intrinsic;
use crate::error::{Error, Location, Result};

/// What CloudFormation does with a resource's physical counterpart when the stack is deleted or
/// the resource is replaced.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum DeletionPolicy {
    /// Delete it (CloudFormation's default).
    Delete,
    /// Keep it: for audit data, keys and anything that must outlive the stack.
    Retain,
    /// Keep a snapshot, where the resource type supports one.
    Snapshot,
}

impl DeletionPolicy {
    pub(crate) fn as_str(self) -> &'static str {
        match self {
            DeletionPolicy::Delete => "Delete",
            DeletionPolicy::Retain => "Retain",
            DeletionPolicy::Snapshot => "Snapshot",
        }
    }
}

/// One resource of a template. Constructs make theirs; a type airgap has no construct for is
/// written with this and added with [`Stack::add_resource`](super::Stack::add_resource).
///
/// ```
/// use airgap::template::{Expr, Resource};
/// let bucket = Resource::new("AWS::S3::Bucket")
///     .property("BucketName", Expr::sub("${AWS::StackName}-data").to_value())
///     .retain();
/// assert_eq!(bucket.to_value()["DeletionPolicy"], "Retain");
/// assert_eq!(bucket.to_value()["Properties"]["BucketName"]["Fn::Sub"], "${AWS::StackName}-data");
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Resource {
    /// The resource type, e.g. `AWS::EC2::VPC`.
    pub resource_type: String,
    /// Its properties, in the order they are written.
    pub properties: IndexMap<String, Value>,
    /// Explicit `DependsOn`.
    pub depends_on: Vec<String>,
    /// The condition that decides whether it is created.
    pub condition: Option<String>,
    /// `DeletionPolicy`.
    pub deletion_policy: Option<DeletionPolicy>,
    /// `UpdateReplacePolicy`.
    pub update_replace_policy: Option<DeletionPolicy>,
    /// `Metadata` (check suppressions live here).
    pub metadata: IndexMap<String, Value>,
    /// Attributes this model does not know (`CreationPolicy`, `UpdatePolicy`, ...), kept as
    /// read so that a template read from a file loses nothing the analysis may need.
    pub other: IndexMap<String, Value>,
}

impl Resource {
    /// A resource of type `resource_type` with no properties yet.
    pub fn new(resource_type: impl Into<String>) -> Self {
        Self {
            resource_type: resource_type.into(),
            properties: IndexMap::new(),
            depends_on: Vec::new(),
            condition: None,
            deletion_policy: None,
            update_replace_policy: None,
            metadata: IndexMap::new(),
            other: IndexMap::new(),
        }
    }

    /// Sets a property (builder style).
    #[must_use]
    pub fn property(mut self, name: impl Into<String>, value: impl Into<Value>) -> Self {
        self.properties.insert(name.into(), value.into());
        self
    }

    /// Sets both `DeletionPolicy` and `UpdateReplacePolicy` to `Retain`.
    #[must_use]
    pub fn retain(mut self) -> Self {
        self.deletion_policy = Some(DeletionPolicy::Retain);
        self.update_replace_policy = Some(DeletionPolicy::Retain);
        self
    }

    /// Creates the resource only when `condition` holds.
    #[must_use]
    pub fn condition(mut self, condition: impl Into<String>) -> Self {
        self.condition = Some(condition.into());
        self
    }

    /// The resource as template JSON (its [`Serialize`](serde::Serialize) form).
    pub fn to_value(&self) -> Value {
        to_value(self)
    }
}

/// A parameter a person fills in when launching the stack.
///
/// ```
/// use airgap::template::{Parameter, Stack};
/// let mut stack = Stack::new("Demo");
/// let env = stack.add_parameter(
///     "EnvType",
///     Parameter::string()
///         .description("Which environment this is")
///         .allowed_values(["dev", "prod"])
///         .default_value("dev"),
/// )?;
/// assert_eq!(env.to_value(), serde_json::json!({"Ref": "EnvType"}));
/// assert_eq!(stack.template().parameters["EnvType"].default, Some(serde_json::json!("dev")));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Parameter {
    /// `String`, `Number`, `CommaDelimitedList`, `AWS::EC2::VPC::Id`, ...
    pub parameter_type: String,
    /// What the parameter is for, shown on the launch form.
    pub description: Option<String>,
    /// The value used when none is given.
    pub default: Option<Value>,
    /// The only values accepted.
    pub allowed_values: Vec<Value>,
    /// A regular expression a `String` must match.
    pub allowed_pattern: Option<String>,
    /// The message shown when a constraint fails.
    pub constraint_description: Option<String>,
    /// Hide the value in the console and API.
    pub no_echo: bool,
    /// Shortest accepted `String`.
    pub min_length: Option<u64>,
    /// Longest accepted `String`.
    pub max_length: Option<u64>,
    /// Smallest accepted `Number`.
    pub min_value: Option<i64>,
    /// Largest accepted `Number`.
    pub max_value: Option<i64>,
}

/// The AWS-specific parameter types: the launch form offers the account's existing resources,
/// and CloudFormation checks the value exists before it creates anything.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum AwsParameterType {
    /// `AWS::EC2::VPC::Id`
    VpcId,
    /// `AWS::EC2::Subnet::Id`
    SubnetId,
    /// `AWS::EC2::SecurityGroup::Id`
    SecurityGroupId,
    /// `AWS::EC2::AvailabilityZone::Name`
    AvailabilityZoneName,
    /// `AWS::EC2::KeyPair::KeyName`
    KeyPairName,
    /// `AWS::EC2::Image::Id`
    ImageId,
    /// `AWS::EC2::Instance::Id`
    InstanceId,
    /// `AWS::EC2::Volume::Id`
    VolumeId,
    /// `AWS::Route53::HostedZone::Id`
    HostedZoneId,
}

impl AwsParameterType {
    /// The type's name in a template.
    pub fn name(self) -> &'static str {
        match self {
            Self::VpcId => "AWS::EC2::VPC::Id",
            Self::SubnetId => "AWS::EC2::Subnet::Id",
            Self::SecurityGroupId => "AWS::EC2::SecurityGroup::Id",
            Self::AvailabilityZoneName => "AWS::EC2::AvailabilityZone::Name",
            Self::KeyPairName => "AWS::EC2::KeyPair::KeyName",
            Self::ImageId => "AWS::EC2::Image::Id",
            Self::InstanceId => "AWS::EC2::Instance::Id",
            Self::VolumeId => "AWS::EC2::Volume::Id",
            Self::HostedZoneId => "AWS::Route53::HostedZone::Id",
        }
    }
}

impl Parameter {
    /// A parameter of type `parameter_type`, as written in a template (prefer the typed
    /// constructors below).
    pub fn new(parameter_type: impl Into<String>) -> Self {
        Self {
            parameter_type: parameter_type.into(),
            description: None,
            default: None,
            allowed_values: Vec::new(),
            allowed_pattern: None,
            constraint_description: None,
            no_echo: false,
            min_length: None,
            max_length: None,
            min_value: None,
            max_value: None,
        }
    }

    /// A `String` parameter.
    pub fn string() -> Self {
        Self::new("String")
    }

    /// A `Number` parameter.
    pub fn number() -> Self {
        Self::new("Number")
    }

    /// A `CommaDelimitedList` parameter: `Ref` gives a list of strings.
    pub fn comma_delimited_list() -> Self {
        Self::new("CommaDelimitedList")
    }

    /// An AWS-specific parameter, e.g. `AWS::EC2::VPC::Id`.
    pub fn aws(ty: AwsParameterType) -> Self {
        Self::new(ty.name())
    }

    /// A list of an AWS-specific type, e.g. `List<AWS::EC2::Subnet::Id>`.
    pub fn list_of(ty: AwsParameterType) -> Self {
        Self::new(format!("List<{}>", ty.name()))
    }

    /// Restricts the value to `values`.
    #[must_use]
    pub fn allowed_values<I, V>(mut self, values: I) -> Self
    where
        I: IntoIterator<Item = V>,
        V: Into<Value>,
    {
        self.allowed_values = values.into_iter().map(Into::into).collect();
        self
    }

    /// Bounds a `String`'s length.
    #[must_use]
    pub fn length(mut self, min: u64, max: u64) -> Self {
        self.min_length = Some(min);
        self.max_length = Some(max);
        self
    }

    /// Bounds a `Number`.
    #[must_use]
    pub fn range(mut self, min: i64, max: i64) -> Self {
        self.min_value = Some(min);
        self.max_value = Some(max);
        self
    }

    /// Hides the value in the console, the API and events (for secrets).
    #[must_use]
    pub fn no_echo(mut self) -> Self {
        self.no_echo = true;
        self
    }

    /// Sets the description.
    #[must_use]
    pub fn description(mut self, d: impl Into<String>) -> Self {
        self.description = Some(d.into());
        self
    }

    /// Sets the allowed pattern and the message shown when it does not match.
    #[must_use]
    pub fn pattern(mut self, pattern: impl Into<String>, message: impl Into<String>) -> Self {
        self.allowed_pattern = Some(pattern.into());
        self.constraint_description = Some(message.into());
        self
    }

    /// Sets the default value.
    #[must_use]
    pub fn default_value(mut self, v: impl Into<Value>) -> Self {
        self.default = Some(v.into());
        self
    }

    /// The parameter as template JSON (its [`Serialize`](serde::Serialize) form).
    pub fn to_value(&self) -> Value {
        to_value(self)
    }
}

/// A value the stack publishes, optionally exported for other stacks to import.
#[derive(Debug, Clone, PartialEq)]
pub struct Output {
    /// What the value is.
    pub description: Option<String>,
    /// The value.
    pub value: Value,
    /// The export name, if exported.
    pub export_name: Option<Value>,
    /// The condition under which the output exists.
    pub condition: Option<String>,
}

impl Output {
    /// The output as template JSON (its [`Serialize`](serde::Serialize) form).
    pub fn to_value(&self) -> Value {
        to_value(self)
    }
}

/// A whole CloudFormation template, in the order a person would write it.
///
/// Maps keep insertion order, so the same program writes the same bytes every time.
#[derive(Debug, Clone, PartialEq, Default)]
pub struct Template {
    /// `Description`.
    pub description: Option<String>,
    /// Template-level `Metadata` (e.g. `AWS::CloudFormation::Interface`).
    pub metadata: IndexMap<String, Value>,
    /// `Parameters`.
    pub parameters: IndexMap<String, Parameter>,
    /// `Mappings`.
    pub mappings: IndexMap<String, Value>,
    /// `Conditions`.
    pub conditions: IndexMap<String, Value>,
    /// `Rules`.
    pub rules: IndexMap<String, Value>,
    /// `Resources`.
    pub resources: IndexMap<String, Resource>,
    /// `Outputs`.
    pub outputs: IndexMap<String, Output>,
    /// Top-level sections this model does not know (`Transform`, ...), kept as read.
    pub other: IndexMap<String, Value>,
}

/// CloudFormation's quotas that a synthesized template is checked against.
pub mod quota {
    /// Resources in one template.
    pub const RESOURCES: usize = 500;
    /// Parameters in one template.
    pub const PARAMETERS: usize = 200;
    /// Outputs in one template.
    pub const OUTPUTS: usize = 200;
    /// Mappings in one template.
    pub const MAPPINGS: usize = 200;
    /// Bytes of a template body uploaded through S3 (how Service Catalog loads products).
    pub const BODY_BYTES: usize = 1_000_000;
    /// Bytes of a template body passed inline to the API.
    pub const INLINE_BODY_BYTES: usize = 51_200;
    /// Bytes of the largest text airgap reads (a template, a policy, a config): eight times
    /// CloudFormation's own [`BODY_BYTES`], so no real template comes near it, while a
    /// hostile input (`/dev/zero`) is refused instead of read forever.
    pub const INPUT_BYTES: usize = 8 * 1024 * 1024;
}

impl Template {
    /// The template as JSON, sections in CloudFormation's documented order (its
    /// [`Serialize`](serde::Serialize) form).
    pub fn to_value(&self) -> Value {
        to_value(self)
    }

    /// Pretty JSON with two-space indents and a final newline.
    pub fn to_json_pretty(&self) -> String {
        // Sized for the whole body up front: grown from serde_json's 128 bytes by doubling,
        // the buffer touched about 2.5 times the body's size in fresh pages before it was
        // done. Room left unwritten costs nothing but address space.
        let guess = 4096 + 1024 * self.resources.len();
        let mut out = Vec::with_capacity(guess);
        super::pretty::to_writer_pretty(&mut out, self)
            .expect("a template of JSON values always serializes");
        out.push(b'\n');
        String::from_utf8(out).expect("serde_json writes UTF-8")
    }

    /// Compact JSON, for bodies that must stay small.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(self).expect("a template of JSON values always serializes")
    }

    /// CloudFormation YAML with the short-form tags (`!Ref`, `!GetAtt Vpc.CidrBlock`, `!Sub`,
    /// `!If [...]`), laid out as a person would write it, ending in a newline.
    ///
    /// It describes the same template as [`Template::to_json_pretty`]: read back by any YAML
    /// reader that knows CloudFormation's tags, it gives the same JSON.
    ///
    /// ```
    /// use airgap::template::{Expr, Resource, Template};
    /// let mut t = Template::default();
    /// t.resources.insert(
    ///     "Topic".into(),
    ///     Resource::new("AWS::SNS::Topic")
    ///         .property("TopicName", Expr::sub("${AWS::StackName}-alerts").to_value()),
    /// );
    /// assert_eq!(
    ///     t.to_yaml(),
    ///     "AWSTemplateFormatVersion: \"2010-09-09\"\n\nResources:\n  Topic:\n    Type: AWS::SNS::Topic\n    Properties:\n      TopicName: !Sub ${AWS::StackName}-alerts\n"
    /// );
    /// ```
    pub fn to_yaml(&self) -> String {
        super::yaml::document(&self.to_value())
    }

    /// How many resources of each type the template holds, in order of first appearance.
    pub fn resource_counts(&self) -> IndexMap<&str, usize> {
        let mut counts = IndexMap::new();
        for r in self.resources.values() {
            *counts.entry(r.resource_type.as_str()).or_insert(0) += 1;
        }
        counts
    }

    /// The logical IDs of the resources of type `resource_type`.
    pub fn resources_of_type<'a>(
        &'a self,
        resource_type: &'a str,
    ) -> impl Iterator<Item = (&'a str, &'a Resource)> + 'a {
        self.resources
            .iter()
            .filter(move |(_, r)| r.resource_type == resource_type)
            .map(|(k, r)| (k.as_str(), r))
    }

    /// Checks that every `Ref`, `Fn::GetAtt`, `Fn::Sub` variable, `DependsOn` and condition
    /// names something the template declares.
    pub fn check_references(&self) -> Result<()> {
        let known = |name: &str| {
            self.resources.contains_key(name)
                || self.parameters.contains_key(name)
                || Pseudo::from_name(name).is_some()
        };
        for (id, r) in &self.resources {
            let at = || Location::new(format!("resource `{id}`"), "Properties");
            for dep in &r.depends_on {
                if !self.resources.contains_key(dep) {
                    return Err(Error::DanglingReference {
                        at: Location::new(format!("resource `{id}`"), "DependsOn"),
                        target: dep.clone(),
                    });
                }
            }
            if let Some(c) = &r.condition
                && !self.conditions.contains_key(c)
            {
                return Err(Error::DanglingReference {
                    at: Location::new(format!("resource `{id}`"), "Condition"),
                    target: c.clone(),
                });
            }
            for v in r.properties.values() {
                check_value(v, &known, &self.conditions, &at)?;
            }
        }
        for (id, o) in &self.outputs {
            let at = || Location::new(format!("output `{id}`"), "Value");
            check_value(&o.value, &known, &self.conditions, &at)?;
            if let Some(e) = &o.export_name {
                check_value(e, &known, &self.conditions, &at)?;
            }
        }
        for (id, c) in &self.conditions {
            let at = || Location::new(format!("condition `{id}`"), "Conditions");
            check_value(c, &known, &self.conditions, &at)?;
        }
        Ok(())
    }
}

fn check_value(
    v: &Value,
    known: &dyn Fn(&str) -> bool,
    conditions: &IndexMap<String, Value>,
    at: &dyn Fn() -> Location,
) -> Result<()> {
    let dangling = |target: &str| Error::DanglingReference {
        at: at(),
        target: target.to_string(),
    };
    match v {
        Value::Array(items) => items
            .iter()
            .try_for_each(|i| check_value(i, known, conditions, at)),
        Value::Object(m) => {
            match Intrinsic::classify(v) {
                Some(Intrinsic::Ref(target)) if !known(target) => return Err(dangling(target)),
                Some(Intrinsic::GetAtt { resource, .. }) if !known(resource) => {
                    return Err(dangling(resource));
                }
                Some(Intrinsic::Sub { text, variables }) => {
                    let local: Vec<&str> = variables
                        .into_iter()
                        .flat_map(|vars| vars.keys().map(String::as_str))
                        .collect();
                    check_sub(text, &local, known, &dangling)?;
                }
                Some(Intrinsic::If { condition: c, .. } | Intrinsic::Condition(c))
                    if !conditions.contains_key(c) =>
                {
                    return Err(dangling(c));
                }
                _ => {}
            }
            m.values()
                .try_for_each(|i| check_value(i, known, conditions, at))
        }
        _ => Ok(()),
    }
}

fn check_sub(
    s: &str,
    local: &[&str],
    known: &dyn Fn(&str) -> bool,
    dangling: &dyn Fn(&str) -> Error,
) -> Result<()> {
    for var in sub_variables(s) {
        let name = if Pseudo::from_name(var).is_some() {
            var
        } else {
            var.split('.').next().unwrap_or(var)
        };
        if !local.contains(&name) && !known(name) {
            return Err(dangling(name));
        }
    }
    Ok(())
}

/// A value of the model as JSON. Serializing JSON values into a JSON value cannot fail: every
/// key is a string.
fn to_value(v: &impl Serialize) -> Value {
    serde_json::to_value(v).expect("a template of JSON values always serializes")
}

// The one place that fixes the order of a template's keys. `to_value` and the JSON writers
// both go through these impls; the writers stream straight to text, without building the
// intermediate `Value` tree (synthesis writes every template it makes, so the copies would
// cost more than the writing).

impl Serialize for Template {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("AWSTemplateFormatVersion", "2010-09-09")?;
        if let Some(d) = &self.description {
            m.serialize_entry("Description", d)?;
        }
        for (k, v) in &self.other {
            m.serialize_entry(k, v)?;
        }
        if !self.metadata.is_empty() {
            m.serialize_entry("Metadata", &self.metadata)?;
        }
        if !self.parameters.is_empty() {
            m.serialize_entry("Parameters", &self.parameters)?;
        }
        for (name, section) in [
            ("Mappings", &self.mappings),
            ("Conditions", &self.conditions),
            ("Rules", &self.rules),
        ] {
            if !section.is_empty() {
                m.serialize_entry(name, section)?;
            }
        }
        m.serialize_entry("Resources", &self.resources)?;
        if !self.outputs.is_empty() {
            m.serialize_entry("Outputs", &self.outputs)?;
        }
        m.end()
    }
}

impl Serialize for Resource {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", &self.resource_type)?;
        if let Some(c) = &self.condition {
            m.serialize_entry("Condition", c)?;
        }
        if !self.depends_on.is_empty() {
            m.serialize_entry("DependsOn", &self.depends_on)?;
        }
        if let Some(p) = self.deletion_policy {
            m.serialize_entry("DeletionPolicy", p.as_str())?;
        }
        if let Some(p) = self.update_replace_policy {
            m.serialize_entry("UpdateReplacePolicy", p.as_str())?;
        }
        if !self.metadata.is_empty() {
            m.serialize_entry("Metadata", &self.metadata)?;
        }
        for (k, v) in &self.other {
            m.serialize_entry(k, v)?;
        }
        if !self.properties.is_empty() {
            m.serialize_entry("Properties", &self.properties)?;
        }
        m.end()
    }
}

impl Serialize for Parameter {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", &self.parameter_type)?;
        if let Some(d) = &self.description {
            m.serialize_entry("Description", d)?;
        }
        if let Some(d) = &self.default {
            m.serialize_entry("Default", d)?;
        }
        if !self.allowed_values.is_empty() {
            m.serialize_entry("AllowedValues", &self.allowed_values)?;
        }
        if let Some(p) = &self.allowed_pattern {
            m.serialize_entry("AllowedPattern", p)?;
        }
        if let Some(c) = &self.constraint_description {
            m.serialize_entry("ConstraintDescription", c)?;
        }
        if let Some(n) = self.min_length {
            m.serialize_entry("MinLength", &n)?;
        }
        if let Some(n) = self.max_length {
            m.serialize_entry("MaxLength", &n)?;
        }
        if let Some(n) = self.min_value {
            m.serialize_entry("MinValue", &n)?;
        }
        if let Some(n) = self.max_value {
            m.serialize_entry("MaxValue", &n)?;
        }
        if self.no_echo {
            m.serialize_entry("NoEcho", &true)?;
        }
        m.end()
    }
}

impl Serialize for Output {
    fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        /// `Export: {Name: ...}`.
        struct Export<'a>(&'a Value);
        impl Serialize for Export<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
                let mut m = s.serialize_map(Some(1))?;
                m.serialize_entry("Name", self.0)?;
                m.end()
            }
        }
        let mut m = s.serialize_map(None)?;
        if let Some(d) = &self.description {
            m.serialize_entry("Description", d)?;
        }
        if let Some(c) = &self.condition {
            m.serialize_entry("Condition", c)?;
        }
        m.serialize_entry("Value", &self.value)?;
        if let Some(e) = &self.export_name {
            m.serialize_entry("Export", &Export(e))?;
        }
        m.end()
    }
}
