//! `airgap diff`: what updating a running stack from one template to another does.

use std::path::PathBuf;

use airgap::render::diff::{blocking_risks, markdown, text};
use airgap::template::diff;

use airgap::template::{Template, quota};

use super::io::{colour_on, label, read_input, write_output};
use super::{Failure, Outcome, Ui};

/// How the diff is printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// For people: one line a change, coloured on a terminal.
    Text,
    /// Tables to paste into a pull request.
    Markdown,
    /// A JSON document, for other tools.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub and others).
    Sarif,
}

/// The flags of `airgap diff`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap diff release-1.0/products/network-vpc-1.0.0-7f77e7c9.template.json stack.json
  airgap diff --format markdown old.yaml new.yaml > UPGRADE.md
  airgap diff --allow FlowLogGroup old.json new.json

Exit codes: 0 nothing risky, 1 a replacement or removal of a stateful resource (VPC, subnet,
endpoint, KMS key, log group, bucket, ...), a removed or changed export, or a new parameter
without a default (each accepted with --allow ID), 2 a file that cannot be read or parsed.")]
pub struct Args {
    /// The template the running stacks were launched from (`-` reads stdin).
    #[arg(value_name = "OLD")]
    old: PathBuf,

    /// The new template.
    #[arg(value_name = "NEW")]
    new: PathBuf,

    /// How to print the diff.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,

    /// Accept a known risk by the logical ID it is about (a resource, output or parameter;
    /// repeat).
    #[arg(long, value_name = "ID")]
    allow: Vec<String>,

    /// Write to this file instead of stdout.
    #[arg(long, short, value_name = "FILE")]
    out: Option<PathBuf>,
}

fn parse(path: &std::path::Path, text: &str) -> Result<Template, Failure> {
    Template::parse(text).map_err(|error| Failure::Library {
        source: Some(label(path)),
        error: Box::new(error),
    })
}

/// Compares the two templates and prints what an update does.
pub fn run(args: Args, ui: &Ui) -> Result<Outcome, Failure> {
    if args.old.as_os_str() == "-" && args.new.as_os_str() == "-" {
        return Err(Failure::Usage(
            "only one of OLD and NEW can be stdin (`-`)".into(),
        ));
    }
    let old = parse(&args.old, &read_input(&args.old)?)?;
    let new_text = read_input(&args.new)?;
    let new = parse(&args.new, &new_text)?;
    for (path, t) in [(&args.old, &old), (&args.new, &new)] {
        if t.resources.len() > quota::RESOURCES {
            ui.warning(&format!(
                "{} has {} resources, more than the {} CloudFormation accepts in one template: no stack update goes from or to it, and renamed resources were not looked for",
                label(path),
                t.resources.len(),
                quota::RESOURCES
            ));
        }
    }
    let d = diff(&old, &new);
    let color = args.out.is_none() && colour_on(&std::io::stdout());
    let out = match args.format {
        Format::Text => text(&d, &args.allow, color),
        Format::Markdown => markdown(&d, &args.allow),
        Format::Json => {
            let mut v = d.to_value();
            v["old"] = label(&args.old).into();
            v["new"] = label(&args.new).into();
            v["allowed"] = args.allow.clone().into();
            v["blocking"] = blocking_risks(&d, &args.allow).len().into();
            let mut s = serde_json::to_string_pretty(&v).expect("a JSON value always serializes");
            s.push('\n');
            s
        }
        Format::Sarif => {
            let mut s = serde_json::to_string_pretty(&airgap::render::sarif::diff_log(
                &d,
                &args.allow,
                &label(&args.new),
                &new_text,
            ))
            .expect("a JSON value always serializes");
            s.push('\n');
            s
        }
    };
    write_output(args.out.as_deref(), out.as_bytes())?;
    Ok(if blocking_risks(&d, &args.allow).is_empty() {
        Outcome::Success
    } else {
        Outcome::Findings
    })
}
