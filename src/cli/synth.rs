//! `airgap synth`: the secure SageMaker network as a template, from flags and a config file.

use std::borrow::Cow;
use std::path::PathBuf;

use airgap::net::Service;
use airgap::patterns::config::NetworkConfig;
use airgap::patterns::sagemaker::Workload;
use serde_json::{Map, Value};

use super::io::{label, read_input, write_output};
use super::{Failure, Outcome, Ui};

/// The template's format.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// Pretty JSON (or compact with --minify).
    Json,
    /// YAML with CloudFormation's short-form tags (!Ref, !GetAtt, !Sub, ...).
    Yaml,
}

/// The flags of `airgap synth` (its description is on `Command::Synth`).
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap synth > stack.json
  airgap synth --zones 2 --bucket my_secure_bucket --format yaml --out stack.yaml
  airgap synth --zone eu-west-1a --zone eu-west-1b --endpoint ecr.api,ecr.dkr --workload ecr-images
  airgap synth --zones 3 --endpoint-zones 2
  airgap synth --config network.json --tag team=ml-platform --minify
  echo '{\"zones\": 2}' | airgap synth --config -
  airgap synth --parameterized --optional-endpoint ecr.api,ecr.dkr --bucket my_secure_bucket

Endpoint services: sagemaker.api, sagemaker.runtime, notebook, studio, sts, logs, monitoring, ssm,
ecr.api, ecr.dkr, kms, codecommit, git-codecommit, servicecatalog, s3, dynamodb.
Workloads: jobs, notebook-instances, ecr-images, projects.
The config file's fields are described in docs/synth-config.md.")]
pub struct Args {
    #[command(flatten)]
    network: NetworkArgs,

    /// The template's format [default: yaml when --out ends in .yaml or .yml, else json].
    #[arg(long, value_enum)]
    format: Option<Format>,

    /// Compact JSON on one line.
    #[arg(long)]
    minify: bool,

    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// The settings of the network, shared by the commands that build it.
///
/// Each flag is serialized under the name of the config field it sets (the serde names are
/// checked against [`NetworkConfig::fields`] by a test) and laid over the config file with
/// [`NetworkConfig::overlay`], so a flag is read and checked exactly as the field is. A flag
/// left out is not serialized and keeps the file's value.
#[derive(Debug, clap::Args, serde::Serialize)]
pub struct NetworkArgs {
    /// JSON config with the network's settings (`-` reads stdin).
    #[arg(long, value_name = "FILE")]
    #[serde(skip)]
    config: Option<PathBuf>,

    /// The network's name, which starts every logical ID [default: DataScience].
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    name: Option<String>,

    /// The VPC's IPv4 block [default: 10.0.0.0/16].
    #[arg(long, value_name = "CIDR")]
    #[serde(skip_serializing_if = "Option::is_none")]
    cidr: Option<String>,

    /// How many zones of the launch region, 1 to 6 [default: 3].
    #[arg(long, value_name = "N", conflicts_with = "zone")]
    #[serde(skip_serializing_if = "Option::is_none")]
    zones: Option<usize>,

    /// A zone by name, once per zone; pins the template to the zones' region.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    #[serde(rename = "zone_names", skip_serializing_if = "Vec::is_empty")]
    zone: Vec<String>,

    /// The subnets' prefix length [default: the largest that fits].
    #[arg(long, value_name = "LEN")]
    #[serde(skip_serializing_if = "Option::is_none")]
    subnet_prefix: Option<u8>,

    /// An endpoint to add to the defaults (repeat, or separate with commas).
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_service)]
    #[serde(rename = "endpoints", skip_serializing_if = "Vec::is_empty")]
    endpoint: Vec<String>,

    /// Put the interface endpoints in the first N zones only [default: every zone].
    #[arg(long, value_name = "N", conflicts_with = "endpoint_zone")]
    #[serde(skip_serializing_if = "Option::is_none")]
    endpoint_zones: Option<usize>,

    /// Put the interface endpoints in this named zone (repeat); the zones must be named too.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    #[serde(rename = "endpoint_zone_names", skip_serializing_if = "Vec::is_empty")]
    endpoint_zone: Vec<String>,

    /// Leave out the default endpoints (sagemaker.api, sagemaker.runtime, sts, logs).
    #[arg(long)]
    #[serde(
        rename = "default_endpoints",
        serialize_with = "not",
        skip_serializing_if = "unset"
    )]
    no_default_endpoints: bool,

    /// A workload whose endpoints must be there (repeat, or separate with commas).
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_workload)]
    #[serde(rename = "workloads", skip_serializing_if = "Vec::is_empty")]
    workload: Vec<String>,

    /// Do not require the endpoints of the default workload (jobs).
    #[arg(long)]
    #[serde(
        rename = "default_workloads",
        serialize_with = "not",
        skip_serializing_if = "unset"
    )]
    no_default_workloads: bool,

    /// A bucket the network may read objects of through S3 (repeat); without any, the S3
    /// endpoint admits the buckets of the stack's own account only.
    #[arg(long, value_name = "NAME")]
    #[serde(rename = "buckets", skip_serializing_if = "Vec::is_empty")]
    bucket: Vec<String>,

    /// Let the whole VPC reach the interface endpoints, not only the workload group.
    #[arg(long)]
    #[serde(skip_serializing_if = "unset")]
    endpoints_open_to_vpc: bool,

    /// Let members of the workload group talk to each other (multi-instance training).
    #[arg(long)]
    #[serde(skip_serializing_if = "unset")]
    distributed_training: bool,

    /// Days the flow logs are kept [default: 365].
    #[arg(long, value_name = "DAYS")]
    #[serde(
        rename = "flow_log_retention_days",
        skip_serializing_if = "Option::is_none"
    )]
    retention_days: Option<u32>,

    /// S3's managed prefix list (pl-...), for a template meant for one region.
    #[arg(long, value_name = "ID")]
    #[serde(skip_serializing_if = "Option::is_none")]
    s3_prefix_list_id: Option<String>,

    /// The one region the template is for [default: any].
    #[arg(long)]
    #[serde(skip_serializing_if = "Option::is_none")]
    region: Option<String>,

    /// A fixed prefix for export names [default: the launched stack's name].
    #[arg(long, value_name = "PREFIX")]
    #[serde(rename = "export_prefix", skip_serializing_if = "Option::is_none")]
    prefix: Option<String>,

    /// A tag for every resource that takes tags (repeat).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_tag)]
    #[serde(
        rename = "tags",
        serialize_with = "pairs",
        skip_serializing_if = "Vec::is_empty"
    )]
    tag: Vec<(String, String)>,

    /// Leave out the outputs and exports.
    #[arg(long)]
    #[serde(
        rename = "outputs",
        serialize_with = "not",
        skip_serializing_if = "unset"
    )]
    no_outputs: bool,

    /// Make a Service Catalog product that asks at launch for the project, environment, VPC
    /// block (/16), zones, optional endpoints and buckets.
    #[arg(long)]
    #[serde(skip_serializing_if = "unset")]
    parameterized: bool,

    /// An endpoint the person launching a --parameterized product may choose (repeat).
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_service)]
    #[serde(rename = "optional_endpoints", skip_serializing_if = "Vec::is_empty")]
    optional_endpoint: Vec<String>,

    /// Also publish the IDs as SSM parameters under this path, e.g. /ds-network.
    #[arg(long, value_name = "PATH")]
    #[serde(skip_serializing_if = "Option::is_none")]
    ssm_prefix: Option<String>,
}

/// A switch that was not given leaves the config's value alone.
#[allow(clippy::trivially_copy_pass_by_ref)] // serde passes fields by reference
fn unset(on: &bool) -> bool {
    !on
}

/// A `--no-...` switch sets its field to false.
#[allow(clippy::trivially_copy_pass_by_ref)]
fn not<S: serde::Serializer>(on: &bool, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_bool(!on)
}

/// `--tag KEY=VALUE` pairs as the config's object of tags.
fn pairs<S: serde::Serializer>(tags: &[(String, String)], s: S) -> Result<S::Ok, S::Error> {
    s.collect_map(tags.iter().map(|(k, v)| (k, v)))
}

/// The message of a library error about one value, for clap to show after the flag's name.
fn reason(e: airgap::Error) -> String {
    match e {
        airgap::Error::Parse { reason, .. } => reason,
        other => other.to_string(),
    }
}

/// An endpoint service name, checked here so that clap names the flag.
fn parse_service(s: &str) -> Result<String, String> {
    Service::from_id(s).map(|_| s.to_string()).map_err(reason)
}

/// A workload name, checked here so that clap names the flag.
fn parse_workload(s: &str) -> Result<String, String> {
    Workload::from_id(s).map(|_| s.to_string()).map_err(reason)
}

fn parse_tag(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, such as team=ml-platform; got `{s}`"))
}

impl Args {
    fn format(&self) -> Format {
        self.format.unwrap_or_else(|| {
            let yaml_file = self
                .out
                .as_ref()
                .and_then(|p| p.extension())
                .and_then(|e| e.to_str())
                .is_some_and(|e| e.eq_ignore_ascii_case("yaml") || e.eq_ignore_ascii_case("yml"));
            if yaml_file {
                Format::Yaml
            } else {
                Format::Json
            }
        })
    }
}

impl NetworkArgs {
    /// The flags given, by the config field each sets.
    fn overrides(&self) -> Map<String, Value> {
        match serde_json::to_value(self) {
            Ok(Value::Object(flags)) => flags,
            // A struct of strings, numbers and flags always serializes to an object.
            _ => unreachable!("flags serialize to an object"),
        }
    }

    /// The config file's settings with the flags laid over them.
    pub fn config(&self) -> Result<NetworkConfig, Failure> {
        let mut doc = Map::new();
        if let Some(path) = &self.config {
            // Read alone first, so that an error in the file is said of the file.
            let labelled = |error| Failure::Library {
                source: Some(label(path)),
                error: Box::new(error),
            };
            doc = NetworkConfig::document(&read_input(path)?).map_err(labelled)?;
            let _: NetworkConfig = NetworkConfig::from_document(&doc).map_err(labelled)?;
        }
        NetworkConfig::overlay(&mut doc, self.overrides());
        // The file's values were read above, so a value refused now is a flag's.
        NetworkConfig::from_document(&doc).map_err(|error| Failure::Library {
            source: Some("command line".into()),
            error: Box::new(error),
        })
    }
}

/// Synthesizes the template and writes it.
pub fn run(args: Args, ui: &Ui) -> Result<Outcome, Failure> {
    let format = args.format();
    if args.minify && format != Format::Json {
        return Err(Failure::Usage(
            "--minify makes compact JSON; leave it out with --format yaml".into(),
        ));
    }
    let synth = args.network.config()?.synth()?;
    for warning in synth.warnings() {
        ui.warning(&warning.to_string());
    }
    // The pretty JSON is made by synthesis already: written as it is, not copied.
    let body: Cow<str> = match (format, args.minify) {
        (Format::Yaml, _) => synth.to_yaml().into(),
        (Format::Json, true) => (synth.to_json_compact() + "\n").into(),
        (Format::Json, false) => synth.to_json_pretty().into(),
    };
    write_output(args.out.as_deref(), body.as_bytes())?;
    // The process ends after this command: the system takes the template's memory back at
    // once, where freeing it value by value was a twentieth of the process's instructions.
    std::mem::forget(synth);
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::{Args as _, Command, FromArgMatches};

    fn flags(args: &[&str]) -> NetworkArgs {
        let cmd = NetworkArgs::augment_args(Command::new("synth"));
        let matches = cmd.try_get_matches_from(args).expect("flags parse");
        NetworkArgs::from_arg_matches(&matches).expect("flags")
    }

    /// A value each flag accepts, by its long name.
    fn sample(flag: &str) -> Option<&'static str> {
        match flag {
            "zones" | "subnet-prefix" | "retention-days" | "endpoint-zones" => Some("20"),
            "endpoint" | "optional-endpoint" => Some("sts"),
            "workload" => Some("jobs"),
            "tag" => Some("team=ml"),
            _ => None,
        }
    }

    /// Every flag but `--config` sets exactly one config field, and the schema document's row
    /// of that field names the flag, so flags, fields and document cannot drift apart.
    #[test]
    fn every_flag_sets_one_config_field_that_the_document_names_it_for() {
        let doc = include_str!("../../docs/synth-config.md");
        let cmd = NetworkArgs::augment_args(Command::new("synth"));
        let mut seen = Vec::new();
        for arg in cmd.get_arguments() {
            let long = arg.get_long().expect("every flag is long");
            if long == "config" {
                continue;
            }
            let mut args = vec!["synth".to_string(), format!("--{long}")];
            if arg.get_action().takes_values() {
                args.push(sample(long).unwrap_or("x").to_string());
            }
            let args: Vec<&str> = args.iter().map(String::as_str).collect();
            let set = flags(&args).overrides();
            assert_eq!(set.len(), 1, "--{long} sets {set:?}");
            let field = set.keys().next().unwrap().clone();
            assert!(
                NetworkConfig::fields().contains(&field.as_str()),
                "--{long}: {field}"
            );
            let row = doc
                .lines()
                .find(|l| l.starts_with(&format!("| `{field}` |")))
                .unwrap_or_else(|| panic!("no row for `{field}`"));
            assert!(
                row.contains(&format!("`--{long}")),
                "the row of `{field}` names --{long}: {row}"
            );
            seen.push(field);
        }
        assert_eq!(
            seen.len(),
            NetworkConfig::fields().len() - 1,
            "all but the description have a flag"
        );
    }

    #[test]
    fn flags_lay_over_the_file() {
        let mut doc = NetworkConfig::document(
            r#"{"zone_names": ["eu-west-1a"], "buckets": ["a"], "outputs": true}"#,
        )
        .unwrap();
        let args = flags(&[
            "synth",
            "--zones",
            "2",
            "--bucket",
            "b",
            "--no-outputs",
            "--tag",
            "t=v",
        ]);
        NetworkConfig::overlay(&mut doc, args.overrides());
        let c = NetworkConfig::from_document(&doc).unwrap();
        assert_eq!((c.zones, c.zone_names.len()), (Some(2), 0));
        assert_eq!(c.buckets, ["a", "b"]);
        assert!(!c.outputs);
        assert_eq!(c.tags["t"], "v");
        assert!(flags(&["synth"]).overrides().is_empty());
    }
}
