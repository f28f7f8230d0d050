use indexmap::IndexMap;
use serde_json::{Map, Value};

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

/// One resource of a template.
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

    /// The resource as template JSON.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Type".into(), Value::String(self.resource_type.clone()));
        if let Some(c) = &self.condition {
            m.insert("Condition".into(), Value::String(c.clone()));
        }
        if !self.depends_on.is_empty() {
            m.insert(
                "DependsOn".into(),
                Value::Array(
                    self.depends_on
                        .iter()
                        .map(|d| Value::String(d.clone()))
                        .collect(),
                ),
            );
        }
        if let Some(p) = self.deletion_policy {
            m.insert("DeletionPolicy".into(), p.as_str().into());
        }
        if let Some(p) = self.update_replace_policy {
            m.insert("UpdateReplacePolicy".into(), p.as_str().into());
        }
        if !self.metadata.is_empty() {
            m.insert("Metadata".into(), map_value(&self.metadata));
        }
        for (k, v) in &self.other {
            m.insert(k.clone(), v.clone());
        }
        if !self.properties.is_empty() {
            m.insert("Properties".into(), map_value(&self.properties));
        }
        Value::Object(m)
    }
}

/// A parameter a person fills in when launching the stack.
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

    /// The parameter as template JSON.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("Type".into(), self.parameter_type.clone().into());
        if let Some(d) = &self.description {
            m.insert("Description".into(), d.clone().into());
        }
        if let Some(d) = &self.default {
            m.insert("Default".into(), d.clone());
        }
        if !self.allowed_values.is_empty() {
            m.insert(
                "AllowedValues".into(),
                Value::Array(self.allowed_values.clone()),
            );
        }
        if let Some(p) = &self.allowed_pattern {
            m.insert("AllowedPattern".into(), p.clone().into());
        }
        if let Some(c) = &self.constraint_description {
            m.insert("ConstraintDescription".into(), c.clone().into());
        }
        for (key, v) in [
            ("MinLength", self.min_length.map(Value::from)),
            ("MaxLength", self.max_length.map(Value::from)),
            ("MinValue", self.min_value.map(Value::from)),
            ("MaxValue", self.max_value.map(Value::from)),
        ] {
            if let Some(v) = v {
                m.insert(key.into(), v);
            }
        }
        if self.no_echo {
            m.insert("NoEcho".into(), true.into());
        }
        Value::Object(m)
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
    /// The output as template JSON.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(d) = &self.description {
            m.insert("Description".into(), d.clone().into());
        }
        if let Some(c) = &self.condition {
            m.insert("Condition".into(), c.clone().into());
        }
        m.insert("Value".into(), self.value.clone());
        if let Some(e) = &self.export_name {
            let mut ex = Map::new();
            ex.insert("Name".into(), e.clone());
            m.insert("Export".into(), Value::Object(ex));
        }
        Value::Object(m)
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
    /// The template as JSON, sections in CloudFormation's documented order.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        m.insert("AWSTemplateFormatVersion".into(), "2010-09-09".into());
        if let Some(d) = &self.description {
            m.insert("Description".into(), d.clone().into());
        }
        for (k, v) in &self.other {
            m.insert(k.clone(), v.clone());
        }
        if !self.metadata.is_empty() {
            m.insert("Metadata".into(), map_value(&self.metadata));
        }
        if !self.parameters.is_empty() {
            m.insert(
                "Parameters".into(),
                Value::Object(
                    self.parameters
                        .iter()
                        .map(|(k, p)| (k.clone(), p.to_value()))
                        .collect(),
                ),
            );
        }
        for (name, section) in [
            ("Mappings", &self.mappings),
            ("Conditions", &self.conditions),
        ] {
            if !section.is_empty() {
                m.insert(name.into(), map_value(section));
            }
        }
        if !self.rules.is_empty() {
            m.insert("Rules".into(), map_value(&self.rules));
        }
        m.insert(
            "Resources".into(),
            Value::Object(
                self.resources
                    .iter()
                    .map(|(k, r)| (k.clone(), r.to_value()))
                    .collect(),
            ),
        );
        if !self.outputs.is_empty() {
            m.insert(
                "Outputs".into(),
                Value::Object(
                    self.outputs
                        .iter()
                        .map(|(k, o)| (k.clone(), o.to_value()))
                        .collect(),
                ),
            );
        }
        Value::Object(m)
    }

    /// Pretty JSON with two-space indents and a final newline.
    pub fn to_json_pretty(&self) -> String {
        let mut s = serde_json::to_string_pretty(&TemplateJson(self))
            .expect("a template of JSON values always serializes");
        s.push('\n');
        s
    }

    /// Compact JSON, for bodies that must stay small.
    pub fn to_json_compact(&self) -> String {
        serde_json::to_string(&TemplateJson(self))
            .expect("a template of JSON values always serializes")
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

fn map_value(m: &IndexMap<String, Value>) -> Value {
    Value::Object(m.iter().map(|(k, v)| (k.clone(), v.clone())).collect())
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

/// The template written straight to JSON, in the order of [`Template::to_value`], without
/// building the intermediate `Value` tree (synthesis writes every template it makes, so the
/// copies would cost more than the writing).
struct TemplateJson<'a>(&'a Template);

/// A resource written straight to JSON, in the order of [`Resource::to_value`].
struct ResourceJson<'a>(&'a Resource);

/// An ordered map of values written as a JSON object.
struct MapJson<'a, V>(&'a IndexMap<String, V>);

/// The resources, each written straight to JSON.
struct ResourcesJson<'a>(&'a IndexMap<String, Resource>);

impl serde::Serialize for ResourcesJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, r)| (k, ResourceJson(r))))
    }
}

/// An ordered map whose items are written through their `to_value` (small sections).
struct WithJson<'a, T>(&'a IndexMap<String, T>, fn(&T) -> Value);

impl<T> serde::Serialize for WithJson<'_, T> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter().map(|(k, v)| (k, (self.1)(v))))
    }
}

impl<V: serde::Serialize> serde::Serialize for MapJson<'_, V> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        s.collect_map(self.0.iter())
    }
}

impl serde::Serialize for ResourceJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let r = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("Type", &r.resource_type)?;
        if let Some(c) = &r.condition {
            m.serialize_entry("Condition", c)?;
        }
        if !r.depends_on.is_empty() {
            m.serialize_entry("DependsOn", &r.depends_on)?;
        }
        if let Some(p) = r.deletion_policy {
            m.serialize_entry("DeletionPolicy", p.as_str())?;
        }
        if let Some(p) = r.update_replace_policy {
            m.serialize_entry("UpdateReplacePolicy", p.as_str())?;
        }
        if !r.metadata.is_empty() {
            m.serialize_entry("Metadata", &MapJson(&r.metadata))?;
        }
        for (k, v) in &r.other {
            m.serialize_entry(k, v)?;
        }
        if !r.properties.is_empty() {
            m.serialize_entry("Properties", &MapJson(&r.properties))?;
        }
        m.end()
    }
}

impl serde::Serialize for TemplateJson<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        use serde::ser::SerializeMap;
        let t = self.0;
        let mut m = s.serialize_map(None)?;
        m.serialize_entry("AWSTemplateFormatVersion", "2010-09-09")?;
        if let Some(d) = &t.description {
            m.serialize_entry("Description", d)?;
        }
        for (k, v) in &t.other {
            m.serialize_entry(k, v)?;
        }
        if !t.metadata.is_empty() {
            m.serialize_entry("Metadata", &MapJson(&t.metadata))?;
        }
        if !t.parameters.is_empty() {
            m.serialize_entry("Parameters", &WithJson(&t.parameters, Parameter::to_value))?;
        }
        for (name, section) in [("Mappings", &t.mappings), ("Conditions", &t.conditions)] {
            if !section.is_empty() {
                m.serialize_entry(name, &MapJson(section))?;
            }
        }
        if !t.rules.is_empty() {
            m.serialize_entry("Rules", &MapJson(&t.rules))?;
        }
        m.serialize_entry("Resources", &ResourcesJson(&t.resources))?;
        if !t.outputs.is_empty() {
            m.serialize_entry("Outputs", &WithJson(&t.outputs, Output::to_value))?;
        }
        m.end()
    }
}
