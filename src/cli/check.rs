//! `airgap check`: the privacy checks on any template, airgap's or hand-written.

use std::path::PathBuf;

use airgap::analysis::{Finding, check};
use airgap::template::Template;
use serde_json::{Value, json};

use super::io::{label, read_input, write_stdout};
use super::{Failure, Outcome};

/// How findings are printed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
enum Format {
    /// One line a finding: `FILE: SEVERITY RULE `resource`: message (fix: ...)`.
    Text,
    /// A JSON document: every file with its findings, for other tools.
    Json,
    /// SARIF 2.1.0, for code scanning (GitHub and others), with each resource's line.
    Sarif,
}

/// The flags of `airgap check`.
#[derive(Debug, clap::Args)]
#[command(after_help = "\
Examples:
  airgap check stack.json
  airgap check ds_env_network.yaml ds_notebook_v2.yaml
  airgap synth | airgap check -
  airgap check --format json stack.yaml > findings.json
  airgap check --format sarif stack.yaml > airgap.sarif

Exit codes: 0 no error-level finding, 1 error-level findings (suppressed ones do not count),
2 a file that cannot be read or parsed. Rules and their IDs (AG-NET-001, ...) are listed in the
README; suppress one on a resource with Metadata.airgap.suppressions [{id, reason}].")]
pub struct Args {
    /// Templates to check, JSON or YAML with short-form tags (`-` reads stdin).
    #[arg(value_name = "FILE", required = true)]
    files: Vec<PathBuf>,

    /// How to print the findings.
    #[arg(long, value_enum, default_value = "text")]
    format: Format,
}

/// Reads and parses a template file, naming the file in errors.
pub fn read_template(path: &std::path::Path) -> Result<Template, Failure> {
    Template::parse(&read_input(path)?).map_err(|error| Failure::Library {
        source: Some(label(path)),
        error: Box::new(error),
    })
}

/// Checks every file and prints the findings.
pub fn run(args: Args) -> Result<Outcome, Failure> {
    let mut checked: Vec<(String, Vec<Finding>)> = Vec::new();
    let mut texts: Vec<String> = Vec::new();
    for path in &args.files {
        let text = read_input(path)?;
        let template = Template::parse(&text).map_err(|error| Failure::Library {
            source: Some(label(path)),
            error: Box::new(error),
        })?;
        checked.push((label(path), check(&template)));
        texts.push(text);
    }
    let blocking = checked
        .iter()
        .flat_map(|(_, f)| f)
        .filter(|f| f.is_blocking())
        .count();
    let out = match args.format {
        Format::Text => {
            let mut out = String::new();
            for (file, findings) in &checked {
                for f in findings {
                    out.push_str(&format!("{file}: {f}\n"));
                }
                let errors = findings.iter().filter(|f| f.is_blocking()).count();
                out.push_str(&format!(
                    "{file}: {} finding(s), {errors} blocking\n",
                    findings.len()
                ));
            }
            out
        }
        Format::Json => {
            let files: Vec<Value> = checked
                .iter()
                .map(|(file, findings)| {
                    json!({
                        "file": file,
                        "findings": findings.iter().map(Finding::to_value).collect::<Vec<_>>(),
                    })
                })
                .collect();
            let mut s =
                serde_json::to_string_pretty(&json!({ "files": files, "blocking": blocking }))
                    .expect("a JSON value always serializes");
            s.push('\n');
            s
        }
        Format::Sarif => {
            let files: Vec<(String, String, Vec<Finding>)> = checked
                .iter()
                .zip(texts)
                .map(|((file, findings), text)| (file.clone(), text, findings.clone()))
                .collect();
            let log = airgap::render::sarif::check_log(&files);
            let mut s = serde_json::to_string_pretty(&log).expect("a JSON value always serializes");
            s.push('\n');
            s
        }
    };
    write_stdout(out.as_bytes())?;
    Ok(if blocking > 0 {
        Outcome::Findings
    } else {
        Outcome::Success
    })
}
