//! `airgap report`: the Markdown review report of a template, with its network diagram.

use std::path::PathBuf;

use airgap::render::{DEFAULT_ENDPOINT_HOURLY_USD, ReportOptions, review_report};

use super::check::{SuppressionArgs, read_template};
use super::io::{label, write_output};
use super::{Failure, Outcome};

/// The flags of `airgap report`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap report stack.json > REVIEW.md
  airgap report --title 'Data science network' --out REVIEW.md stack.yaml
  airgap synth | airgap report - > REVIEW.md
  airgap report --endpoint-hourly-usd 0.011 ds_env_network.yaml > REVIEW.md

The report says whether the network is private and why, lists parameters, subnets by zone,
route tables and endpoints (with their policies in plain words), the reachability matrix, the
findings of the checks with their fixes, an estimate of what the interface endpoints cost a
month, and a Mermaid diagram of the network. The template's own suppressions count only as the
suppression flags allow (see airgap check --help); refused ones are listed as not honoured.")]
pub struct Args {
    /// The template, JSON or YAML with short-form tags (`-` reads stdin).
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// The report's title [default: from the template's description].
    #[arg(long)]
    title: Option<String>,

    /// The hourly price of one interface endpoint in one zone, in US dollars, for the cost
    /// estimate.
    #[arg(long, value_name = "USD", default_value_t = DEFAULT_ENDPOINT_HOURLY_USD)]
    endpoint_hourly_usd: f64,

    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,

    /// Which of the template's own suppressions count, as for `airgap check` (none by default).
    #[command(flatten)]
    suppressions: SuppressionArgs,
}

/// Renders the report and writes it.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    if !(args.endpoint_hourly_usd.is_finite() && args.endpoint_hourly_usd >= 0.0) {
        return Err(Failure::Usage(format!(
            "--endpoint-hourly-usd must be a price of 0 or more, not {}",
            args.endpoint_hourly_usd
        )));
    }
    let template = read_template(&args.file)?;
    let mut options = ReportOptions::default()
        .endpoint_hourly_usd(args.endpoint_hourly_usd)
        .suppression_policy(args.suppressions.policy()?);
    if let Some(t) = &args.title {
        options = options.title(t.clone());
    }
    let report = review_report(&template, &options).map_err(|error| Failure::Library {
        source: Some(label(&args.file)),
        error: Box::new(error),
    })?;
    write_output(args.out.as_deref(), report.as_bytes())?;
    Ok(Outcome::Success)
}
