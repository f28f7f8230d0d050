//! `airgap completions SHELL`: the completion script for a shell, on stdout.

use clap::CommandFactory;
use clap_complete::Shell;

use super::{Cli, Failure, Outcome};

/// Prints the shell completion script.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap completions bash > ~/.local/share/bash-completion/completions/airgap
  airgap completions zsh > \"${fpath[1]}/_airgap\"
  airgap completions fish > ~/.config/fish/completions/airgap.fish")]
pub struct Args {
    /// The shell to complete for.
    #[arg(value_enum)]
    shell: Shell,
}

/// Writes the script to stdout.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let mut script = Vec::new();
    clap_complete::generate(args.shell, &mut Cli::command(), "airgap", &mut script);
    super::io::write_stdout(&script)?;
    Ok(Outcome::Success)
}
