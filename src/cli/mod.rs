//! The clap front end.
//!
//! Each command lives in a module of its own with an `Args` struct (clap's derive API, with an
//! example in its `after_help`) and a `run(args, &Ui) -> Result<Outcome, Failure>` function.
//! `run` below parses, dispatches and turns the outcome into the exit code: 0 success, 1
//! findings, 2 bad input or usage (clap's own usage errors included).

mod check;
mod completions;
mod diff;
mod io;
mod package;
mod policy;
mod reach;
mod report;
mod synth;
mod upgrade;

use std::process::ExitCode;

use clap::{Parser, Subcommand};

pub use io::{Failure, Ui};

/// How a command ended, when it ran to the end.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// It did what was asked: exit 0.
    Success,
    /// It ran, and found problems in what it checked (or a deny decision): exit 1.
    Findings,
}

/// Exit code for bad input or usage.
pub const EXIT_BAD_INPUT: u8 = 2;

const EXAMPLES: &str = "\
Examples:
  airgap synth > stack.json
  airgap synth --zones 2 --bucket my_secure_bucket --format yaml --out stack.yaml
  airgap synth --config network.json --tag team=ml-platform
  airgap check stack.json other-network.yaml
  airgap report stack.json > REVIEW.md
  airgap reach stack.json > reach.json
  airgap diff release-1.0/products/network-vpc-1.0.0-7f77e7c9.template.json stack.json
  airgap package --out release --bucket my_secure_bucket
  airgap policy validate endpoint-policy.json
  airgap policy simulate --policy endpoint-policy.json --action s3:GetObject --resource arn:aws:s3:::b/k
  airgap completions bash > /etc/bash_completion.d/airgap

Exit codes: 0 success, 1 findings, 2 bad input or usage.";

/// Private AWS networks for Amazon SageMaker, as CloudFormation.
#[derive(Debug, Parser)]
#[command(
    name = "airgap",
    version,
    about,
    long_about = "Private AWS networks for Amazon SageMaker, as CloudFormation: a VPC with no route \
to the internet, private subnets in several zones, security groups that say who may talk to whom, \
and VPC endpoints with endpoint policies.\n\nResults go to stdout (or --out), diagnostics to stderr. \
Colour is used on a terminal only, and never when NO_COLOR is set.",
    after_help = EXAMPLES,
    propagate_version = true
)]
pub struct Cli {
    #[command(subcommand)]
    command: Command,
}

#[derive(Debug, Subcommand)]
enum Command {
    /// The secure SageMaker network as a CloudFormation template.
    #[command(
        long_about = "The secure SageMaker network as a CloudFormation template.

By default: a 10.0.0.0/16 VPC over three zones of whichever region it is launched in, a private
subnet and route table in each and nothing that reaches the internet; an S3 gateway endpoint;
interface endpoints for the SageMaker API and Runtime, STS and CloudWatch Logs; security groups
that admit HTTPS from the workloads only; flow logs to an encrypted log group. Flags override
the config file's values and add to its lists."
    )]
    Synth(Deferred<Box<synth::Args>>),
    /// Privacy checks on any template (JSON or YAML): exit 1 on error-level findings.
    Check(Deferred<check::Args>),
    /// What updating running stacks from one template to another does: exit 1 when risky.
    Diff(Deferred<diff::Args>),
    /// The Markdown review report of a template, with its network diagram.
    Report(Deferred<report::Args>),
    /// Who can reach whom, as JSON: every pair, what it may send, and the two rules why.
    Reach(Deferred<reach::Args>),
    /// The Service Catalog release folder: product templates, portfolio, manifest, publish.sh.
    Package(Deferred<Box<package::Args>>),
    /// Check an IAM policy, or evaluate a request against it.
    Policy(policy::Args),
    /// Shell completions for bash, zsh, fish, elvish or PowerShell.
    Completions(completions::Args),
}

/// A command's arguments, declared to clap only when that command is the one being parsed (or
/// its help, or the completions, are written).
///
/// clap builds the whole command tree before it parses; declaring every command's arguments up
/// front (`synth`'s and `package`'s network options are most of them) cost more allocations and
/// instructions than `airgap synth` spends on anything but the network itself. The
/// names and one-line descriptions of the commands stay eager, so `airgap --help` lists them.
#[derive(Debug)]
struct Deferred<T>(pub(crate) T);

impl<T: clap::Args> clap::FromArgMatches for Deferred<T> {
    fn from_arg_matches(matches: &clap::ArgMatches) -> Result<Self, clap::Error> {
        T::from_arg_matches(matches).map(Deferred)
    }

    fn update_from_arg_matches(&mut self, matches: &clap::ArgMatches) -> Result<(), clap::Error> {
        self.0.update_from_arg_matches(matches)
    }
}

impl<T: clap::Args> clap::Args for Deferred<T> {
    fn augment_args(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_description(cmd, T::augment_args))
    }

    fn augment_args_for_update(cmd: clap::Command) -> clap::Command {
        cmd.defer(|cmd| keep_description(cmd, T::augment_args_for_update))
    }
}

/// Declares a command's arguments and keeps the description its `Command` variant gave it:
/// declared eagerly, the arguments came first and the variant's description overrode the one
/// the `Args` struct's own doc comment sets; declared late, they must not undo it.
fn keep_description(
    cmd: clap::Command,
    declare: fn(clap::Command) -> clap::Command,
) -> clap::Command {
    use clap::builder::Resettable;
    let kept = |text: Option<&clap::builder::StyledStr>| match text {
        Some(text) => Resettable::Value(text.clone()),
        None => Resettable::Reset,
    };
    let about = kept(cmd.get_about());
    let long_about = kept(cmd.get_long_about());
    declare(cmd).about(about).long_about(long_about)
}

/// Runs the command line with the process's arguments.
pub fn run() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            // --help and --version are "errors" to clap that print to stdout and succeed.
            let code = if e.use_stderr() { EXIT_BAD_INPUT } else { 0 };
            let _ = e.print();
            return ExitCode::from(code);
        }
    };
    let ui = Ui::from_env();
    // The library never panics on input; should a bug make it, the exit code still says the
    // command failed (2), never Rust's 101, so CI scripts that branch on 0/1/2 stay right.
    let dispatched = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| match cli.command {
        Command::Synth(Deferred(args)) => synth::run(*args, &ui),
        Command::Check(Deferred(args)) => check::run(args),
        Command::Diff(Deferred(args)) => diff::run(args, &ui),
        Command::Report(Deferred(args)) => report::run(args),
        Command::Reach(Deferred(args)) => reach::run(args),
        Command::Package(Deferred(args)) => package::run(*args),
        Command::Policy(args) => policy::run(args),
        Command::Completions(args) => completions::run(args),
    }));
    let Ok(result) = dispatched else {
        ui.error("airgap stopped on an internal error (a bug, described above), not on a problem with the input; please report it");
        return ExitCode::from(EXIT_BAD_INPUT);
    };
    match result {
        Ok(Outcome::Success) => ExitCode::SUCCESS,
        Ok(Outcome::Findings) => ExitCode::from(1),
        Err(failure) => {
            ui.error(&failure.to_string());
            ExitCode::from(EXIT_BAD_INPUT)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use clap::CommandFactory;

    #[test]
    fn the_command_line_is_well_formed() {
        Cli::command().debug_assert();
    }

    #[test]
    fn every_command_has_an_example() {
        let mut root = Cli::command();
        // The commands' arguments and help are declared when the tree is built, which also
        // adds clap's own `help` command.
        root.build();
        for sub in root
            .get_subcommands()
            .filter(|sub| sub.get_name() != "help")
        {
            let help = sub
                .get_after_help()
                .map(ToString::to_string)
                .unwrap_or_default();
            assert!(
                help.contains(&format!("airgap {}", sub.get_name())),
                "`airgap {}` has no example in its help",
                sub.get_name()
            );
        }
    }
}
