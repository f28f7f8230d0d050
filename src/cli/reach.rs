//! `airgap reach`: who can reach whom, as JSON for other tools.

use std::path::PathBuf;

use airgap::analysis::Reachability;

use super::check::read_template;
use super::io::{label, write_output};
use super::{Failure, Outcome};

/// The flags of `airgap reach`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap reach stack.json > reach.json
  airgap synth | airgap reach -
  airgap reach ds_env_network.yaml | jq '.pairs[] | select(.to.kind == \"endpoint\")'

Prints a JSON document: `pairs`, each with `from` and `to` ({kind, id}), `allowed` (protocol,
ports or ICMP type and code) and `because` (the egress rule of the sender and the ingress rule
of the receiver that both admit it); `default_egress` of each group (removed, kept, disputed);
and `approximations`, what the reading assumed where the template leaves a value to the launch.
The reading never shows less reach than AWS may allow. Past 100,000 pairs that can talk, or
20,000,000 comparisons of an egress rule with an ingress rule, it stops with exit 2 and writes
nothing: a small hostile template could otherwise ask for millions.")]
pub struct Args {
    /// The template, JSON or YAML with short-form tags (`-` reads stdin).
    #[arg(value_name = "FILE")]
    file: PathBuf,

    /// Write to FILE (atomically) instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

/// Reads the template and writes its reachability.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let template = read_template(&args.file)?;
    let mut text = Vec::new();
    Reachability::of(&template)
        .write_json_pretty(&mut text)
        .map_err(|error| Failure::Library {
            source: Some(label(&args.file)),
            error: Box::new(error),
        })?;
    text.push(b'\n');
    write_output(args.out.as_deref(), &text)?;
    Ok(Outcome::Success)
}

#[cfg(test)]
mod tests {
    use clap::Args as _;

    /// The help states the matrix's bounds in words; they must be the library's.
    #[test]
    fn the_help_names_the_bounds_the_library_keeps() {
        let cmd = super::Args::augment_args(clap::Command::new("reach"));
        let help = cmd.get_after_help().expect("an after-help").to_string();
        assert_eq!(airgap::analysis::MAX_PAIRS, 100_000);
        assert_eq!(airgap::analysis::MAX_COMPARISONS, 20_000_000);
        assert!(help.contains("Past 100,000 pairs that can talk"), "{help}");
        assert!(help.contains("20,000,000 comparisons"), "{help}");
    }
}
