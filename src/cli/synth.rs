//! `airgap synth`: the secure SageMaker network as a template, from flags and a config file.

use std::path::PathBuf;

use airgap::net::Service;
use airgap::patterns::config::NetworkConfig;
use airgap::patterns::sagemaker::Workload;

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
#[derive(Debug, clap::Args)]
pub struct NetworkArgs {
    /// JSON config with the network's settings (`-` reads stdin).
    #[arg(long, value_name = "FILE")]
    config: Option<PathBuf>,

    /// The network's name, which starts every logical ID [default: DataScience].
    #[arg(long)]
    name: Option<String>,

    /// The VPC's IPv4 block [default: 10.0.0.0/16].
    #[arg(long, value_name = "CIDR")]
    cidr: Option<String>,

    /// How many zones of the launch region, 1 to 6 [default: 3].
    #[arg(long, value_name = "N", conflicts_with = "zone")]
    zones: Option<usize>,

    /// A zone by name, once per zone; pins the template to the zones' region.
    #[arg(long, value_name = "NAME", value_delimiter = ',')]
    zone: Vec<String>,

    /// The subnets' prefix length [default: the largest that fits].
    #[arg(long, value_name = "LEN")]
    subnet_prefix: Option<u8>,

    /// An endpoint to add to the defaults (repeat, or separate with commas).
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_service)]
    endpoint: Vec<Service>,

    /// Leave out the default endpoints (sagemaker.api, sagemaker.runtime, sts, logs).
    #[arg(long)]
    no_default_endpoints: bool,

    /// A workload whose endpoints must be there (repeat, or separate with commas).
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_workload)]
    workload: Vec<Workload>,

    /// Do not require the endpoints of the default workload (jobs).
    #[arg(long)]
    no_default_workloads: bool,

    /// A bucket the network may read objects of through S3 (repeat); without any, the S3
    /// endpoint admits the buckets of the stack's own account only.
    #[arg(long, value_name = "NAME")]
    bucket: Vec<String>,

    /// Let the whole VPC reach the interface endpoints, not only the workload group.
    #[arg(long)]
    endpoints_open_to_vpc: bool,

    /// Let members of the workload group talk to each other (multi-instance training).
    #[arg(long)]
    distributed_training: bool,

    /// Days the flow logs are kept [default: 365].
    #[arg(long, value_name = "DAYS")]
    retention_days: Option<u32>,

    /// S3's managed prefix list (pl-...), for a template meant for one region.
    #[arg(long, value_name = "ID")]
    s3_prefix_list_id: Option<String>,

    /// The one region the template is for [default: any].
    #[arg(long)]
    region: Option<String>,

    /// A fixed prefix for export names [default: the launched stack's name].
    #[arg(long, value_name = "PREFIX")]
    prefix: Option<String>,

    /// A tag for every resource that takes tags (repeat).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_tag)]
    tag: Vec<(String, String)>,

    /// Leave out the outputs and exports.
    #[arg(long)]
    no_outputs: bool,

    /// Make a Service Catalog product that asks at launch for the project, environment, VPC
    /// block (/16), zones, optional endpoints and buckets.
    #[arg(long)]
    parameterized: bool,

    /// An endpoint the person launching a --parameterized product may choose (repeat).
    #[arg(long, value_name = "NAME", value_delimiter = ',', value_parser = parse_service)]
    optional_endpoint: Vec<Service>,

    /// Also publish the IDs as SSM parameters under this path, e.g. /ds-network.
    #[arg(long, value_name = "PATH")]
    ssm_prefix: Option<String>,
}

/// The message of a library error about one value, for clap to show after the flag's name.
fn reason(e: airgap::Error) -> String {
    match e {
        airgap::Error::Parse { reason, .. } => reason,
        other => other.to_string(),
    }
}

fn parse_service(s: &str) -> Result<Service, String> {
    Service::from_id(s).map_err(reason)
}

fn parse_workload(s: &str) -> Result<Workload, String> {
    Workload::from_id(s).map_err(reason)
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
    /// The config file's settings with the flags laid over them.
    pub fn config(&self) -> Result<NetworkConfig, Failure> {
        let mut c = match &self.config {
            Some(path) => {
                NetworkConfig::from_json(&read_input(path)?).map_err(|error| Failure::Library {
                    source: Some(label(path)),
                    error: Box::new(error),
                })?
            }
            None => NetworkConfig::default(),
        };
        let set = |slot: &mut Option<String>, flag: &Option<String>| {
            if let Some(v) = flag {
                *slot = Some(v.clone());
            }
        };
        if let Some(n) = &self.name {
            c.name = n.clone();
        }
        set(&mut c.cidr, &self.cidr);
        set(&mut c.s3_prefix_list_id, &self.s3_prefix_list_id);
        set(&mut c.region, &self.region);
        set(&mut c.export_prefix, &self.prefix);
        if let Some(n) = self.zones {
            c.zones = Some(n);
            c.zone_names.clear();
        }
        if !self.zone.is_empty() {
            c.zone_names = self.zone.clone();
            c.zones = None;
        }
        c.subnet_prefix = self.subnet_prefix.or(c.subnet_prefix);
        c.flow_log_retention_days = self.retention_days.or(c.flow_log_retention_days);
        c.default_endpoints &= !self.no_default_endpoints;
        c.endpoints.extend(self.endpoint.iter().cloned());
        c.default_workloads &= !self.no_default_workloads;
        c.workloads.extend(self.workload.iter().copied());
        c.buckets.extend(self.bucket.iter().cloned());
        c.endpoints_open_to_vpc |= self.endpoints_open_to_vpc;
        c.distributed_training |= self.distributed_training;
        c.outputs &= !self.no_outputs;
        c.parameterized |= self.parameterized;
        c.optional_endpoints
            .extend(self.optional_endpoint.iter().cloned());
        set(&mut c.ssm_prefix, &self.ssm_prefix);
        for (k, v) in &self.tag {
            c.tags.insert(k.clone(), v.clone());
        }
        Ok(c)
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
    let body = match (format, args.minify) {
        (Format::Yaml, _) => synth.to_yaml(),
        (Format::Json, true) => synth.to_json_compact() + "\n",
        (Format::Json, false) => synth.to_json_pretty().to_string(),
    };
    write_output(args.out.as_deref(), body.as_bytes())?;
    Ok(Outcome::Success)
}
