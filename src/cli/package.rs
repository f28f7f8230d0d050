//! `airgap package`: the Service Catalog release folder of the secure SageMaker network.

use std::path::PathBuf;

use airgap::catalog::package::WriteOptions;
use airgap::patterns::portfolio::NetworkPortfolio;
use airgap::patterns::workloads::WorkloadProducts;
use airgap::sagemaker::WorkloadKind;

use super::io::write_stdout;
use super::synth::NetworkArgs;
use super::{Failure, Outcome};

/// The flags of `airgap package`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap package --out release
  airgap package --out release --force --bucket my_secure_bucket --principal DataScientists
  airgap package --out release --config network.json --release-version 1.1.0 --tag-option CostCenter=ml-research
  airgap package --out release --workloads notebook,studio
  airgap package --out release-1.1 --previous release-1.0 --release-version 1.1.0
  release/publish.sh --help

The folder holds products/<product>-<version>.template.json, portfolio.template.json,
manifest.json (versions, sha256, sizes, parameters, launch order) and publish.sh, which uploads
the products to S3 and deploys the portfolio with the AWS CLI. The network is always a
parameterized product; the network flags are those of `airgap synth`.")]
pub struct Args {
    /// The folder to write (built beside it and renamed into place).
    #[arg(long, short, value_name = "DIR")]
    out: PathBuf,

    /// Replace the folder if it exists.
    #[arg(long)]
    force: bool,

    /// The release's version label [default: 1.0.0]; version names add a hash of each template.
    #[arg(long, value_name = "LABEL", default_value = "1.0.0")]
    release_version: String,

    /// Who owns and provides the products.
    #[arg(long, default_value = "ML platform team")]
    owner: String,

    /// The portfolio's name in the console.
    #[arg(long, value_name = "NAME", default_value = "Data science networks")]
    portfolio_name: String,

    /// Where users ask for help with the products.
    #[arg(long, value_name = "EMAIL")]
    support_email: Option<String>,

    /// An IAM role allowed to launch the products, asked for when the portfolio is deployed as
    /// the parameter NAMEPrincipalArn (repeat) [default: DataScientists].
    #[arg(long, value_name = "NAME")]
    principal: Vec<String>,

    /// A TagOption users choose from at launch (repeat).
    #[arg(long, value_name = "KEY=VALUE", value_parser = parse_tag)]
    tag_option: Vec<(String, String)>,

    /// Only the whole network as one product, not also as three composable products.
    #[arg(long)]
    no_split: bool,

    /// SageMaker workload products launched into the network, comma separated: notebook,
    /// studio (the Studio domain and its user profiles). Adds the endpoints they need and the
    /// data scientists' guardrail policy to the portfolio.
    #[arg(long, value_name = "KIND,...", value_delimiter = ',', value_parser = parse_workload)]
    workloads: Vec<WorkloadKind>,

    /// A private subnet of the launched network, for the guardrail's JSON files (repeat).
    #[arg(long, value_name = "SUBNET_ID", requires = "guardrail_group")]
    guardrail_subnet: Vec<String>,

    /// The launched network's workload security group, for the guardrail's JSON files (repeat).
    #[arg(long, value_name = "GROUP_ID", requires = "guardrail_subnet")]
    guardrail_group: Vec<String>,

    /// The previous release folder: its product versions are kept (byte for byte), each new
    /// version is compared with its current one (UPGRADE.md, `upgrade_from` in the manifest),
    /// and a risky update is refused (exit 1, nothing written).
    #[arg(long, value_name = "DIR")]
    previous: Option<PathBuf>,

    /// With --previous: write the release even where an update replaces or removes a stateful
    /// resource or an export.
    #[arg(long, requires = "previous")]
    allow_replacements: bool,

    /// With --previous: drop a version of the previous release from the portfolio (repeat).
    #[arg(long, value_name = "PRODUCT@LABEL", requires = "previous")]
    retire: Vec<String>,

    #[command(flatten)]
    network: NetworkArgs,
}

fn parse_workload(s: &str) -> Result<WorkloadKind, String> {
    WorkloadKind::from_id(s).map_err(|e| e.to_string())
}

fn parse_tag(s: &str) -> Result<(String, String), String> {
    s.split_once('=')
        .filter(|(k, v)| !k.is_empty() && !v.is_empty())
        .map(|(k, v)| (k.to_string(), v.to_string()))
        .ok_or_else(|| format!("expected KEY=VALUE, such as CostCenter=ml-research; got `{s}`"))
}

/// Builds the release and writes the folder.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let config = args.network.config()?;
    let mut network = config.network();
    for service in WorkloadProducts::needed_endpoints(&args.workloads) {
        network = network.endpoint(service);
    }
    let mut portfolio = NetworkPortfolio::new(config.stack()?, network)
        .display_name(args.portfolio_name.clone())
        .owner(args.owner.clone())
        .version(args.release_version.clone());
    if let Some(e) = &args.support_email {
        portfolio = portfolio.support_email(e.clone());
    }
    let principals = if args.principal.is_empty() {
        vec!["DataScientists".to_string()]
    } else {
        args.principal.clone()
    };
    for p in principals {
        let label = format!("{p} IAM role ARN");
        portfolio = portfolio.principal(p, label);
    }
    for (k, v) in &args.tag_option {
        portfolio = portfolio.tag_option(k.clone(), v.clone());
    }
    if args.no_split {
        portfolio = portfolio.without_split();
    }
    if !args.workloads.is_empty() {
        portfolio = portfolio.workloads(&args.workloads);
        if !args.guardrail_subnet.is_empty() {
            portfolio = portfolio
                .guardrail_ids(args.guardrail_subnet.clone(), args.guardrail_group.clone());
        }
    }
    let options = WriteOptions { force: args.force };
    let summary = match &args.previous {
        None => airgap::render::publish::write_package(&args.out, &portfolio.release()?, options)?,
        Some(previous) => {
            let upgraded = super::upgrade::package_upgrade(
                portfolio,
                previous,
                &args.retire,
                args.allow_replacements,
                &args.out,
                options,
            )?;
            match upgraded {
                Some(summary) => summary,
                None => return Ok(Outcome::Findings),
            }
        }
    };
    let mut out = String::new();
    for (file, bytes) in &summary.files {
        out.push_str(&format!(
            "{bytes:>8}  {}\n",
            summary.dir.join(file).display()
        ));
    }
    out.push_str(&format!(
        "next: {}/publish.sh --help\n",
        summary.dir.display()
    ));
    write_stdout(out.as_bytes())?;
    Ok(Outcome::Success)
}
