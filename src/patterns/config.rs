//! The secure SageMaker network described as data: the options of
//! [`SecureSageMakerNetwork`] as a JSON config, for people who do not write Rust (the
//! `airgap synth --config FILE` command reads it).
//!
//! The schema, field by field, is in `docs/synth-config.md`. Every field is optional; a field
//! that is unknown or of the wrong kind is refused with an error that names it.

use crate::template::json_kind as kind;
use indexmap::IndexMap;
use serde::Deserialize;
use serde_json::{Map, Value};

use super::sagemaker::{SecureSageMakerNetwork, Workload};
use crate::error::{Error, Location, Result};
use crate::net::{Service, SubnetSelection};
use crate::template::Stack;
pub use error::ConfigError;

mod error;
mod read;

/// The stack's name in error messages.
const STACK_NAME: &str = "SageMakerSecureNetwork";

/// The options of the secure SageMaker network, with the defaults of
/// [`SecureSageMakerNetwork::new`], as a config file or command-line flags give them.
///
/// The struct is the one list of the options: the config file's fields
/// ([`NetworkConfig::fields`]) and their reading come from it, `docs/synth-config.md` is tested
/// against it, and command-line flags are laid over a config by field name
/// ([`NetworkConfig::overlay`]).
///
/// ```
/// use airgap::patterns::config::NetworkConfig;
/// let config = NetworkConfig::from_json(r#"{"zones": 2, "buckets": ["my_secure_bucket"]}"#)?;
/// let out = config.synth()?;
/// assert_eq!(out.template().resources_of_type("AWS::EC2::Subnet").count(), 2);
///
/// let e = NetworkConfig::from_json(r#"{"zones": "two"}"#).unwrap_err();
/// assert!(e.to_string().contains("`zones`"), "{e}");
/// let e = NetworkConfig::from_json(r#"{"zonez": 2}"#).unwrap_err();
/// assert!(e.to_string().contains("did you mean `zones`?"), "{e}");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Deserialize)]
#[serde(default, deny_unknown_fields)]
#[must_use]
pub struct NetworkConfig {
    /// The network's name, which starts every logical ID (`DataScienceVpc`, ...).
    #[serde(deserialize_with = "read::text")]
    pub name: String,
    /// The template's description.
    #[serde(deserialize_with = "read::text")]
    pub description: String,
    /// The VPC's block (default `10.0.0.0/16`).
    #[serde(deserialize_with = "read::some_text")]
    pub cidr: Option<String>,
    /// How many zones of the launch region (1 to 6, default 3).
    #[serde(deserialize_with = "read::zones")]
    pub zones: Option<usize>,
    /// The zones by name, which pins the template to their region (instead of `zones`).
    #[serde(deserialize_with = "read::list")]
    pub zone_names: Vec<String>,
    /// The subnets' prefix length (default: the largest that fits).
    #[serde(deserialize_with = "read::subnet_prefix")]
    pub subnet_prefix: Option<u8>,
    /// Whether the network has [`SecureSageMakerNetwork::DEFAULT_ENDPOINTS`] (default true).
    #[serde(deserialize_with = "read::flag")]
    pub default_endpoints: bool,
    /// Endpoints to add.
    #[serde(deserialize_with = "read::list")]
    pub endpoints: Vec<Service>,
    /// Puts the interface endpoints in the first this many zones only (default: every zone;
    /// see [`SecureSageMakerNetwork::endpoint_subnets`]).
    #[serde(deserialize_with = "read::zones")]
    pub endpoint_zones: Option<usize>,
    /// Puts the interface endpoints in these named zones only (instead of `endpoint_zones`;
    /// the network's zones must be named).
    #[serde(deserialize_with = "read::list")]
    pub endpoint_zone_names: Vec<String>,
    /// Whether the network is checked for [`SecureSageMakerNetwork::DEFAULT_WORKLOADS`]
    /// (default true).
    #[serde(deserialize_with = "read::flag")]
    pub default_workloads: bool,
    /// Workloads to check the endpoints for.
    #[serde(deserialize_with = "read::list")]
    pub workloads: Vec<Workload>,
    /// Buckets whose objects the network may read through S3; none means every bucket of the
    /// account (see [`SecureSageMakerNetwork::read_bucket`]).
    #[serde(deserialize_with = "read::list")]
    pub buckets: Vec<String>,
    /// Lets the whole VPC reach the interface endpoints, not only the workload group.
    #[serde(deserialize_with = "read::flag")]
    pub endpoints_open_to_vpc: bool,
    /// Lets members of the workload group talk to each other (multi-instance training).
    #[serde(deserialize_with = "read::flag")]
    pub distributed_training: bool,
    /// Days flow logs are kept (default 365).
    #[serde(deserialize_with = "read::retention_days")]
    pub flow_log_retention_days: Option<u32>,
    /// S3's managed prefix list in the one region the template is for (default: a parameter).
    #[serde(deserialize_with = "read::some_text")]
    pub s3_prefix_list_id: Option<String>,
    /// The one region the template is for (default: any region).
    #[serde(deserialize_with = "read::some_text")]
    pub region: Option<String>,
    /// A fixed prefix for export names (default: the launched stack's name).
    #[serde(deserialize_with = "read::some_text")]
    pub export_prefix: Option<String>,
    /// Tags on every resource that takes tags.
    #[serde(deserialize_with = "read::tags")]
    pub tags: IndexMap<String, String>,
    /// Whether the template has outputs and exports (default true).
    #[serde(deserialize_with = "read::flag")]
    pub outputs: bool,
    /// Makes the template a Service Catalog product that asks at launch for the project,
    /// environment, VPC block, zones, optional endpoints and buckets (see
    /// [`SecureSageMakerNetwork::parameterized`]).
    #[serde(deserialize_with = "read::flag")]
    pub parameterized: bool,
    /// Endpoints chosen at launch (parameterized products only).
    #[serde(deserialize_with = "read::list")]
    pub optional_endpoints: Vec<Service>,
    /// Also publish the IDs as SSM parameters under this path.
    #[serde(deserialize_with = "read::some_text")]
    pub ssm_prefix: Option<String>,
}

impl Default for NetworkConfig {
    fn default() -> Self {
        Self {
            name: "DataScience".into(),
            description: "Private network for Amazon SageMaker: no internet path, VPC endpoints with policies, flow logs".into(),
            cidr: None,
            zones: None,
            zone_names: Vec::new(),
            subnet_prefix: None,
            default_endpoints: true,
            endpoints: Vec::new(),
            endpoint_zones: None,
            endpoint_zone_names: Vec::new(),
            default_workloads: true,
            workloads: Vec::new(),
            buckets: Vec::new(),
            endpoints_open_to_vpc: false,
            distributed_training: false,
            flow_log_retention_days: None,
            s3_prefix_list_id: None,
            region: None,
            export_prefix: None,
            tags: IndexMap::new(),
            outputs: true,
            parameterized: false,
            optional_endpoints: Vec::new(),
            ssm_prefix: None,
        }
    }
}

fn field_error(field: &str, message: impl Into<String>) -> Error {
    ConfigError::new(format!("field `{field}`"), message).into()
}

/// The known field nearest to a misspelt one, if it is near enough to be what was meant.
fn nearest(field: &str, known: &[&'static str]) -> Option<&'static str> {
    let limit = (field.chars().count() / 3).max(2);
    known
        .iter()
        .map(|k| (strsim::osa_distance(field, k), *k))
        .filter(|(d, _)| *d <= limit)
        .min()
        .map(|(_, k)| k)
}

/// The longest template description CloudFormation takes, in bytes.
const MAX_DESCRIPTION_BYTES: usize = 1024;

/// The longest export prefix: export names are at most 255 characters, and the longest output
/// name airgap writes after the prefix and its `-` is well under 55.
const MAX_EXPORT_PREFIX: usize = 200;

/// A character CloudFormation accepts in a tag key or value: the pattern
/// `^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$` of the `Tag` type of IAM roles, which airgap tags (cfn-lint E3031 refuses `a\nb` there).
fn tag_char(c: char) -> bool {
    c.is_alphabetic()
        || c.is_numeric()
        || (c.is_whitespace() && !c.is_control())
        || "_.:/=+-@".contains(c)
}

impl NetworkConfig {
    /// The config file's fields, in the order of the struct and of `docs/synth-config.md`.
    ///
    /// ```
    /// use airgap::patterns::config::NetworkConfig;
    /// assert_eq!(NetworkConfig::fields()[..3], ["name", "description", "cidr"]);
    /// ```
    pub fn fields() -> &'static [&'static str] {
        read::field_names::<Self>()
    }

    /// Reads a config from JSON text; fields left out keep their defaults.
    ///
    /// ```
    /// use airgap::patterns::config::NetworkConfig;
    /// let config = NetworkConfig::from_json(r#"{"name": "Research", "zones": 3}"#)?;
    /// assert_eq!(config.zones, Some(3));
    /// // A misspelled field is an error that names it, not a setting silently ignored.
    /// let err = NetworkConfig::from_json(r#"{"zone": 3}"#).unwrap_err();
    /// assert!(err.to_string().contains("zone"), "{err}");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Self> {
        Self::from_document(&Self::document(text)?)
    }

    /// The object of settings a config's JSON text holds, before its fields are read: a
    /// syntax error, or a document that is not an object, is an error that says where.
    pub fn document(text: &str) -> Result<Map<String, Value>> {
        // The template layer's JSON reader: the same size limit, byte-order mark handling and
        // refusal of duplicate keys as for templates.
        let doc: Value = crate::template::json_to_value(text).map_err(|e| match e {
            Error::TemplateSyntax {
                line,
                column,
                message,
                ..
            } => {
                let message = message
                    .split(" at line ")
                    .next()
                    .unwrap_or(&message)
                    .to_string();
                ConfigError::new(
                    format!("line {line}, column {column}"),
                    format!("not valid JSON: {message}"),
                )
                .into()
            }
            other => other,
        })?;
        match doc {
            Value::Object(fields) => Ok(fields),
            other => Err(ConfigError::new(
                "document",
                format!(
                    "expected an object of settings such as {{\"zones\": 2}}, found {}",
                    kind(&other)
                ),
            )
            .into()),
        }
    }

    /// Reads the settings of a config document (see [`NetworkConfig::document`]); an unknown
    /// field or a value of the wrong kind is an error that names the field.
    pub fn from_document(fields: &Map<String, Value>) -> Result<Self> {
        let known = Self::fields();
        // Checked before serde's `deny_unknown_fields` so that the message can suggest.
        if let Some(unknown) = fields.keys().find(|f| !known.contains(&f.as_str())) {
            let hint = nearest(unknown, known)
                .map(|n| format!(" did you mean `{n}`?"))
                .unwrap_or_default();
            return Err(field_error(
                unknown,
                format!(
                    "is not a setting;{hint} the settings are {}",
                    known.join(", ")
                ),
            ));
        }
        let c: Self = serde_path_to_error::deserialize(fields).map_err(|e| {
            let at = e.path().to_string();
            field_error(&at, e.into_inner().to_string())
        })?;
        if c.zones.is_some() && !c.zone_names.is_empty() {
            return Err(field_error(
                "zone_names",
                "give either `zones` (a count) or `zone_names`, not both",
            ));
        }
        if c.endpoint_zones.is_some() && !c.endpoint_zone_names.is_empty() {
            return Err(field_error(
                "endpoint_zone_names",
                "give either `endpoint_zones` (a count) or `endpoint_zone_names`, not both",
            ));
        }
        Ok(c)
    }

    /// Lays `overrides` (settings by field name, as command-line flags give them) over a
    /// config document: lists add to the document's, `tags` adds and replaces tags, other
    /// values replace the document's; `zones` and `zone_names` replace each other, and so do
    /// `endpoint_zones` and `endpoint_zone_names`.
    ///
    /// ```
    /// use airgap::patterns::config::NetworkConfig;
    /// let mut doc = NetworkConfig::document(r#"{"zones": 2, "buckets": ["a"]}"#)?;
    /// let flags = NetworkConfig::document(r#"{"zone_names": ["eu-west-1a"], "buckets": ["b"]}"#)?;
    /// NetworkConfig::overlay(&mut doc, flags);
    /// let c = NetworkConfig::from_document(&doc)?;
    /// assert_eq!(c.zones, None);
    /// assert_eq!(c.buckets, ["a", "b"]);
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn overlay(doc: &mut Map<String, Value>, overrides: Map<String, Value>) {
        for (field, value) in overrides {
            match field.as_str() {
                "zones" => drop(doc.remove("zone_names")),
                "zone_names" => drop(doc.remove("zones")),
                "endpoint_zones" => drop(doc.remove("endpoint_zone_names")),
                "endpoint_zone_names" => drop(doc.remove("endpoint_zones")),
                _ => {}
            }
            let one_choice = matches!(field.as_str(), "zone_names" | "endpoint_zone_names");
            match (doc.get_mut(&field), value) {
                // The zones are one choice, not a list that grows.
                (Some(Value::Array(old)), Value::Array(new)) if !one_choice => {
                    old.extend(new);
                }
                (Some(Value::Object(old)), Value::Object(new)) => old.extend(new),
                (_, value) => drop(doc.insert(field, value)),
            }
        }
    }

    /// The endpoints the network gets: the defaults (unless turned off), then the added ones.
    pub fn endpoint_list(&self) -> Vec<Service> {
        let mut all: Vec<Service> = Vec::new();
        if self.default_endpoints {
            all.extend(SecureSageMakerNetwork::DEFAULT_ENDPOINTS);
        }
        for s in &self.endpoints {
            if !all.contains(s) {
                all.push(s.clone());
            }
        }
        all
    }

    /// Checks every value the user gives against CloudFormation's limits for where it lands,
    /// so a template that would not launch is refused here, naming the field.
    fn check_limits(&self) -> Result<()> {
        if self.description.len() > MAX_DESCRIPTION_BYTES {
            return Err(Error::invalid(
                "config",
                "description",
                format!(
                    "the template's description is {} bytes; CloudFormation takes at most {MAX_DESCRIPTION_BYTES}",
                    self.description.len()
                ),
            ));
        }
        if let Some(p) = &self.export_prefix
            && p.len() > MAX_EXPORT_PREFIX
        {
            return Err(Error::invalid(
                "config",
                "export_prefix",
                format!(
                    "the prefix is {} characters; export names (prefix, `-` and the output's name) are at most 255, so keep it to {MAX_EXPORT_PREFIX}",
                    p.len()
                ),
            ));
        }
        self.check_tags()
    }

    fn check_tags(&self) -> Result<()> {
        for (k, v) in &self.tags {
            let problem = if k.is_empty() || k.chars().count() > 128 {
                Some("a tag key is 1 to 128 characters")
            } else if k.to_ascii_lowercase().starts_with("aws:") {
                Some("tag keys starting with `aws:` are reserved for AWS")
            } else if v.chars().count() > 256 {
                Some("a tag value is at most 256 characters")
            } else if !k.chars().all(tag_char) {
                Some("a tag key may hold letters, digits, spaces and `_ . : / = + - @` only")
            } else if !v.chars().all(tag_char) {
                Some(
                    "a tag value may hold letters, digits, spaces and `_ . : / = + - @` only (no line breaks or tabs)",
                )
            } else {
                None
            };
            if let Some(p) = problem {
                return Err(Error::Invalid {
                    at: Location::new(format!("tag `{k}`"), "tags"),
                    message: p.to_string(),
                });
            }
        }
        Ok(())
    }

    /// The stack the network goes in: description, tags, export prefix, region.
    pub fn stack(&self) -> Result<Stack> {
        self.check_limits()?;
        let mut stack = Stack::new(STACK_NAME).description(self.description.clone());
        for (k, v) in &self.tags {
            stack = stack.tag(k.clone(), v.clone());
        }
        if let Some(p) = &self.export_prefix {
            stack = stack.export_prefix(p.clone());
        }
        if let Some(r) = &self.region {
            stack = stack.in_region(r.clone());
        }
        stack.check_settings()?;
        Ok(stack)
    }

    /// The network the settings describe.
    pub fn network(&self) -> SecureSageMakerNetwork {
        let mut net = SecureSageMakerNetwork::new(self.name.clone());
        if let Some(cidr) = &self.cidr {
            net = net.cidr(cidr.clone());
        }
        if !self.zone_names.is_empty() {
            net = net.zone_names(self.zone_names.clone());
        } else if let Some(n) = self.zones {
            net = net.zones(n);
        }
        if let Some(p) = self.subnet_prefix {
            net = net.subnet_prefix(p);
        }
        net = net.endpoints(self.endpoint_list());
        if !self.endpoint_zone_names.is_empty() {
            net = net.endpoint_subnets(SubnetSelection::availability_zones(
                self.endpoint_zone_names.clone(),
            ));
        } else if let Some(n) = self.endpoint_zones {
            net = net.endpoint_subnets(SubnetSelection::first_zones(n));
        }
        let mut workloads = Vec::new();
        if self.default_workloads {
            workloads.extend(SecureSageMakerNetwork::DEFAULT_WORKLOADS);
        }
        workloads.extend(self.workloads.iter().copied());
        net = net.workloads(workloads);
        for b in &self.buckets {
            net = net.read_bucket(b.clone());
        }
        if self.endpoints_open_to_vpc {
            net = net.endpoints_open_to_vpc();
        }
        if self.distributed_training {
            net = net.allow_distributed_training();
        }
        if let Some(d) = self.flow_log_retention_days {
            net = net.flow_log_retention_days(d);
        }
        if let Some(id) = &self.s3_prefix_list_id {
            net = net.s3_prefix_list_id(id.clone());
        }
        if !self.outputs {
            net = net.without_outputs();
        }
        for s in &self.optional_endpoints {
            net = net.optional_endpoint(s.clone());
        }
        if let Some(p) = &self.ssm_prefix {
            net = net.ssm_parameters(p.clone());
        }
        if self.parameterized {
            net = net.parameterized();
        }
        net
    }

    /// Builds the network in a stack of its own, ready to synthesize
    /// ([`NetworkConfig::synth`] does both, with the privacy checks).
    pub fn network_stack(&self) -> Result<Stack> {
        let mut stack = self.stack()?;
        self.network().add_to(&mut stack)?;
        Ok(stack)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn err(json: &str) -> String {
        NetworkConfig::from_json(json).unwrap_err().to_string()
    }

    #[test]
    fn every_field_is_read() {
        let c = NetworkConfig::from_json(
            r#"{"name": "Ml", "description": "d", "cidr": "10.1.0.0/16", "zone_names": ["eu-west-1a"],
                "subnet_prefix": 20, "default_endpoints": false, "endpoints": ["sts"],
                "endpoint_zone_names": ["eu-west-1a"],
                "default_workloads": false, "workloads": ["projects"], "buckets": ["b"],
                "endpoints_open_to_vpc": true, "distributed_training": true,
                "flow_log_retention_days": 90, "s3_prefix_list_id": "pl-63a5400a",
                "region": "eu-west-1", "export_prefix": "ml", "tags": {"team": "a"}, "outputs": false,
                "parameterized": true, "optional_endpoints": ["ssm"], "ssm_prefix": "/ml"}"#,
        )
        .unwrap();
        assert_eq!(c.name, "Ml");
        assert_eq!(c.zone_names, ["eu-west-1a"]);
        assert_eq!(c.subnet_prefix, Some(20));
        assert_eq!(c.endpoint_zone_names, ["eu-west-1a"]);
        assert_eq!(c.endpoint_list(), [Service::STS]);
        assert_eq!(c.workloads, [Workload::Projects]);
        assert_eq!(c.flow_log_retention_days, Some(90));
        assert_eq!(c.tags["team"], "a");
        assert!(c.endpoints_open_to_vpc && c.distributed_training && !c.outputs);
        assert!(c.parameterized);
        assert_eq!(c.optional_endpoints, [Service::SSM]);
        assert_eq!(c.ssm_prefix.as_deref(), Some("/ml"));
    }

    #[test]
    fn a_parameterized_config_makes_the_product() {
        let c = NetworkConfig::from_json(
            r#"{"parameterized": true, "buckets": ["my_secure_bucket"], "optional_endpoints": ["ecr.api", "ecr.dkr"], "ssm_prefix": "/${ProjectName}/network"}"#,
        )
        .unwrap();
        let t = c.synth().unwrap().into_template();
        for p in [
            "ProjectName",
            "EnvType",
            "VpcCidr",
            "Zones",
            "DataBucketNames",
            "EnableEcrApiEndpoint",
            "EnableEcrDkrEndpoint",
        ] {
            assert!(t.parameters.contains_key(p), "{p}");
        }
        assert_eq!(t.resources_of_type("AWS::SSM::Parameter").count(), 5);
    }

    #[test]
    fn errors_name_the_field() {
        assert!(err(r#"{"zonez": 3}"#).contains("field `zonez`"));
        assert!(err(r#"{"zones": "3"}"#).contains("field `zones`: expected a whole number"));
        assert!(err(r#"{"zones": 7}"#).contains("from 1 to 6, found 7"));
        assert!(err(r#"{"endpoints": ["sts", "sagemaker"]}"#).contains("field `endpoints[1]`"));
        assert!(err(r#"{"workloads": ["ecr"]}"#).contains("field `workloads[0]`"));
        assert!(err(r#"{"tags": {"team": 1}}"#).contains("field `tags.team`"));
        assert!(err(r#"{"zones": 2, "zone_names": ["eu-west-1a"]}"#).contains("`zone_names`"));
        assert!(err("[1]").contains("config document"));
        assert!(err("{\n  \"zones\": 2,\n}").contains("config line 3, column 1"));
    }

    #[test]
    fn messages_are_in_the_schema_s_words() {
        for (json, message) in [
            (
                r#"{"cidr": 10}"#,
                "config field `cidr`: expected a string, found a number",
            ),
            (
                r#"{"zones": null}"#,
                "config field `zones`: expected a whole number from 1 to 6, found null",
            ),
            (
                r#"{"zones": 2.5}"#,
                "config field `zones`: expected a whole number from 1 to 6, found 2.5",
            ),
            (
                r#"{"outputs": "no"}"#,
                "config field `outputs`: expected true or false, found a string",
            ),
            (
                r#"{"endpoints": "sts"}"#,
                "config field `endpoints`: expected a list, found a string",
            ),
            (
                r#"{"buckets": {"a": 1}}"#,
                "config field `buckets`: expected a list, found an object",
            ),
            (
                r#"{"buckets": ["a", 1]}"#,
                "config field `buckets[1]`: expected a string, found a number",
            ),
            (
                r#"{"tags": ["team"]}"#,
                "config field `tags`: expected an object of tag names and values, found a list",
            ),
            (
                r#"{"tags": {"team": true}}"#,
                "config field `tags.team`: expected a string, found a boolean",
            ),
            (
                r#"{"workloads": ["jobs", "ecr"]}"#,
                "config field `workloads[1]`: `ecr` is not a valid workload: the workloads are jobs, notebook-instances, ecr-images, projects",
            ),
            (
                r#"{"zonez": 3}"#,
                "config field `zonez`: is not a setting; did you mean `zones`? the settings are name, description, cidr,",
            ),
            (
                r#"{"colour": 3}"#,
                "config field `colour`: is not a setting; the settings are name,",
            ),
        ] {
            let e = err(json);
            assert!(e.starts_with(message), "{json}: {e}");
        }
    }

    #[test]
    fn the_fields_are_the_struct_s_in_its_order() {
        let fields = NetworkConfig::fields();
        assert_eq!(fields.len(), 24);
        assert_eq!(fields[0], "name");
        assert_eq!(fields[23], "ssm_prefix");
    }

    /// The schema document has one table row per field, in the struct's order.
    #[test]
    fn the_schema_document_lists_exactly_the_fields() {
        let doc = include_str!("../../docs/synth-config.md");
        let rows: Vec<&str> = doc
            .lines()
            .filter_map(|l| l.strip_prefix("| `"))
            .filter_map(|l| l.split_once('`'))
            .map(|(field, _)| field)
            .collect();
        assert_eq!(rows, NetworkConfig::fields());
    }

    #[test]
    fn overrides_add_to_lists_and_tags_and_replace_the_rest() {
        let mut doc = NetworkConfig::document(
            r#"{"zones": 2, "endpoints": ["ssm"], "tags": {"a": "1", "b": "2"}, "name": "X"}"#,
        )
        .unwrap();
        let flags = NetworkConfig::document(
            r#"{"endpoints": ["kms"], "tags": {"b": "3"}, "name": "Y", "outputs": false}"#,
        )
        .unwrap();
        NetworkConfig::overlay(&mut doc, flags);
        let c = NetworkConfig::from_document(&doc).unwrap();
        assert_eq!(c.endpoints, [Service::SSM, Service::KMS]);
        assert_eq!(c.tags["a"], "1");
        assert_eq!(c.tags["b"], "3");
        assert_eq!((c.name.as_str(), c.outputs, c.zones), ("Y", false, Some(2)));
        let names = NetworkConfig::document(r#"{"zone_names": ["eu-west-1a"]}"#).unwrap();
        NetworkConfig::overlay(&mut doc, names.clone());
        NetworkConfig::overlay(&mut doc, names);
        let c = NetworkConfig::from_document(&doc).unwrap();
        assert_eq!(
            (c.zones, c.zone_names.len()),
            (None, 1),
            "a list of zones replaces"
        );
        let mut doc = NetworkConfig::document(r#"{"endpoint_zone_names": ["a", "b"]}"#).unwrap();
        let names = NetworkConfig::document(r#"{"endpoint_zone_names": ["c"]}"#).unwrap();
        NetworkConfig::overlay(&mut doc, names);
        let c = NetworkConfig::from_document(&doc).unwrap();
        assert_eq!(
            c.endpoint_zone_names,
            ["c"],
            "the endpoints' zones are one choice"
        );
        let count = NetworkConfig::document(r#"{"endpoint_zones": 2}"#).unwrap();
        NetworkConfig::overlay(&mut doc, count);
        let c = NetworkConfig::from_document(&doc).unwrap();
        assert_eq!(
            (c.endpoint_zones, c.endpoint_zone_names.len()),
            (Some(2), 0)
        );
    }

    #[test]
    fn values_over_cloudformation_s_limits_are_refused_naming_the_field() {
        // "The value for the description declaration must be a literal string that's between
        // 0 and 1024 bytes in length." (Template format, Description)
        let c = NetworkConfig {
            description: "d".repeat(2000),
            ..NetworkConfig::default()
        };
        let e = c.synth().unwrap_err().to_string();
        assert!(e.contains("`description`") && e.contains("1024"), "{e}");
        let c = NetworkConfig {
            description: "d".repeat(1024),
            ..NetworkConfig::default()
        };
        assert!(c.synth().is_ok());
        // cfn-lint E3031: tag values match ^([\p{L}\p{Z}\p{N}_.:/=+\-@]*)$, so no line break.
        let mut c = NetworkConfig::default();
        c.tags.insert("team".into(), "ml\nplatform".into());
        let e = c.synth().unwrap_err().to_string();
        assert!(e.contains("tag `team`") && e.contains("line breaks"), "{e}");
        let mut c = NetworkConfig::default();
        c.tags.insert(
            "team".into(),
            "ML platform: Zürich @ 2026 (1/2)".replace(['(', ')'], ""),
        );
        assert!(c.synth().is_ok());
        let c = NetworkConfig {
            export_prefix: Some("p".repeat(300)),
            ..NetworkConfig::default()
        };
        assert!(
            c.synth()
                .unwrap_err()
                .to_string()
                .contains("`export_prefix`")
        );
    }

    #[test]
    fn tags_follow_aws_rules() {
        let mut c = NetworkConfig::default();
        c.tags.insert("aws:owner".into(), "x".into());
        let e = c.synth().unwrap_err().to_string();
        assert!(e.contains("tag `aws:owner`"), "{e}");
    }
}
