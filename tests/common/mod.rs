//! Helpers shared by the integration tests: the external validators every emitted template
//! goes through, and the few inputs and readings many modules use.
//!
//! The validators are Python tools. Where one is missing the check is skipped with a loud note
//! on stderr, unless `AIRGAP_REQUIRE_TOOLS` is set (CI sets it), in which case a missing tool
//! fails the test: CI never skips.
#![allow(dead_code)]

use std::path::PathBuf;
use std::process::Command;
use std::sync::atomic::{AtomicUsize, Ordering};

/// Writes `body` to a scratch folder of its own as `name` and returns the path. Each call gets
/// a new folder, since all tests run in one process at once and may use the same names.
pub fn write_scratch(name: &str, body: &str) -> PathBuf {
    static CALLS: AtomicUsize = AtomicUsize::new(0);
    let call = CALLS.fetch_add(1, Ordering::Relaxed);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("templates")
        .join(call.to_string());
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write scratch template");
    path
}

fn required() -> bool {
    std::env::var_os("AIRGAP_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0")
}

fn missing(tool: &str) {
    assert!(
        !required(),
        "{tool} is not installed, and AIRGAP_REQUIRE_TOOLS is set: install it (see .ci/run)"
    );
    eprintln!(
        "\n!!! SKIPPED: {tool} is not installed; templates were NOT checked with it. Run .ci/run's install steps. !!!\n"
    );
}

fn tool(env: &str, default: &str) -> String {
    std::env::var(env).unwrap_or_else(|_| default.to_string())
}

/// Runs cfn-lint over the templates and fails on any finding, error, warning or informational.
pub fn cfn_lint(templates: &[(String, String)]) {
    let exe = tool("CFN_LINT", "cfn-lint");
    if Command::new(&exe).arg("--version").output().is_err() {
        return missing("cfn-lint");
    }
    let paths: Vec<PathBuf> = templates
        .iter()
        .map(|(name, body)| write_scratch(name, body))
        .collect();
    let out = Command::new(&exe)
        .args(["--format", "parseable", "--include-checks", "I", "--"])
        .args(&paths)
        .output()
        .expect("run cfn-lint");
    let findings = String::from_utf8_lossy(&out.stdout);
    assert!(
        out.status.success() && findings.trim().is_empty(),
        "cfn-lint found problems (exit {:?}):\n{findings}\n{}",
        out.status.code(),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// The checkov to run, or `None` (said loudly) when it is not installed.
fn checkov() -> Option<String> {
    let exe = tool("CHECKOV", "checkov");
    if Command::new(&exe).arg("--version").output().is_err() {
        missing("checkov");
        return None;
    }
    Some(exe)
}

/// Runs checkov's CloudFormation checks on `path`, a file (`-f`) or a folder (`-d`), and
/// returns its JSON report and what it printed.
fn checkov_report(exe: &str, target: &str, path: &std::path::Path) -> (serde_json::Value, String) {
    let out = Command::new(exe)
        .args([
            "--framework",
            "cloudformation",
            "--skip-download",
            "--output",
            "json",
            "--quiet",
            target,
        ])
        .arg(path)
        .env("BC_SKIP_MAPPING", "TRUE")
        .output()
        .expect("run checkov");
    let stdout = String::from_utf8_lossy(&out.stdout).into_owned();
    let report = serde_json::from_str(&stdout).unwrap_or_else(|e| {
        panic!(
            "checkov printed no JSON ({e}):\n{stdout}\n{}",
            String::from_utf8_lossy(&out.stderr)
        )
    });
    (report, stdout)
}

/// Runs checkov's CloudFormation checks over one template; returns the failed check IDs.
pub fn checkov_failures(name: &str, body: &str) -> Option<Vec<String>> {
    let exe = checkov()?;
    let path = write_scratch(name, body);
    let (report, _) = checkov_report(&exe, "-f", &path);
    // A clean run with --quiet may print a summary object with no failed checks.
    let failed = report["results"]["failed_checks"]
        .as_array()
        .map(|a| {
            a.iter()
                .map(|c| {
                    format!(
                        "{} on {}",
                        c["check_id"].as_str().unwrap_or("?"),
                        c["resource"].as_str().unwrap_or("?")
                    )
                })
                .collect()
        })
        .unwrap_or_default();
    Some(failed)
}

/// Runs AWS's offline validator (`cloudformation-validate`, Rego engine) and returns every
/// diagnostic above INFO as `SEVERITY RULE message`.
pub fn cloudformation_validate(name: &str, body: &str) -> Option<Vec<String>> {
    let python = tool("PYTHON", "python3");
    let probe = Command::new(&python)
        .args(["-c", "import cloudformation_validate"])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        missing("cloudformation-validate (python package)");
        return None;
    }
    let path = write_scratch(name, body);
    let script = r#"
import sys, cloudformation_validate as cv
report = cv.RegoEngine().validate_template(sys.argv[1])
for d in report.diagnostics:
    if d.severity.value > cv.Severity.INFO.value:
        print(d.severity.name, d.rule_id, d.message)
print("status", report.status.name, file=sys.stderr)
"#;
    let out = Command::new(&python)
        .args(["-c", script])
        .arg(&path)
        .output()
        .expect("run cloudformation-validate");
    assert!(
        out.status.success(),
        "cloudformation-validate failed: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    Some(
        String::from_utf8_lossy(&out.stdout)
            .lines()
            .map(str::to_string)
            .collect(),
    )
}

/// Reads many `(file name, YAML body)` templates into the JSON each stands for.
pub type ReadYaml = fn(&[(String, String)]) -> Option<Vec<serde_json::Value>>;

/// A YAML reader that knows CloudFormation's short-form tags, run over many templates at once.
pub struct YamlReader {
    /// Its name in assertion messages.
    pub name: &'static str,
    /// Reads each YAML body into the JSON it stands for; `None` when the reader is not
    /// installed (after a loud note, or a failure under `AIRGAP_REQUIRE_TOOLS`).
    pub read: ReadYaml,
}

/// The readers YAML output is checked against: cfn-lint's own decoder (what the linter saw),
/// PyYAML with a constructor for each tag written from CloudFormation's documentation, and
/// airgap's own template reader, so that a template is read back by three parsers that share no
/// code with the writer.
pub fn yaml_readers() -> Vec<YamlReader> {
    vec![
        YamlReader {
            name: "cfn-lint's decoder",
            read: |t| python_yaml("cfn-lint", t),
        },
        YamlReader {
            name: "PyYAML with CloudFormation tags",
            read: |t| python_yaml("pyyaml", t),
        },
        // airgap's own reader (what `airgap check` and the report read files with): its YAML
        // parser is yaml-rust2, which shares no code with the hand-written writer either.
        YamlReader {
            name: "airgap's template reader",
            read: |t| {
                Some(
                    t.iter()
                        .map(|(name, yaml)| {
                            airgap::template::yaml_to_value(yaml)
                                .unwrap_or_else(|e| panic!("airgap cannot read {name}: {e}"))
                        })
                        .collect(),
                )
            },
        },
    ]
}

const READ_YAML: &str = r#"
import json, sys
which, paths = sys.argv[1], sys.argv[2:]
if which == "cfn-lint":
    from cfnlint.decode import decode_str
    def load(text):
        template, errors = decode_str(text)
        if errors:
            raise SystemExit("\n".join(str(e) for e in errors))
        return template
else:
    import yaml
    class Loader(yaml.SafeLoader):
        pass
    def construct(loader, suffix, node):
        if isinstance(node, yaml.ScalarNode):
            value = loader.construct_scalar(node)
        elif isinstance(node, yaml.SequenceNode):
            value = loader.construct_sequence(node, deep=True)
        else:
            value = loader.construct_mapping(node, deep=True)
        if suffix == "GetAtt" and isinstance(value, str):
            value = value.split(".", 1)
        return {suffix if suffix in ("Ref", "Condition") else "Fn::" + suffix: value}
    Loader.add_multi_constructor("!", construct)
    def load(text):
        return yaml.load(text, Loader=Loader)
for path in paths:
    with open(path, encoding="utf-8") as f:
        print(json.dumps(load(f.read())))
"#;

fn python_yaml(which: &str, templates: &[(String, String)]) -> Option<Vec<serde_json::Value>> {
    let python = tool("PYTHON", "python3");
    let module = if which == "cfn-lint" {
        "cfnlint"
    } else {
        "yaml"
    };
    let probe = Command::new(&python)
        .args(["-c", &format!("import {module}")])
        .output();
    if !probe.is_ok_and(|o| o.status.success()) {
        missing(&format!("the python module {module}"));
        return None;
    }
    let paths: Vec<PathBuf> = templates
        .iter()
        .map(|(name, body)| write_scratch(name, body))
        .collect();
    let out = Command::new(&python)
        .args(["-c", READ_YAML, which])
        .args(&paths)
        .output()
        .expect("run python");
    assert!(
        out.status.success(),
        "{which} could not read the YAML: {}",
        String::from_utf8_lossy(&out.stderr)
    );
    let values: Vec<serde_json::Value> = String::from_utf8_lossy(&out.stdout)
        .lines()
        .map(|l| serde_json::from_str(l).expect("the reader printed JSON"))
        .collect();
    assert_eq!(values.len(), templates.len());
    Some(values)
}

/// Checks that every reader reads each `(name, yaml)` back as `json`, the template's JSON form.
pub fn assert_yaml_reads_back(forms: &[(String, String, serde_json::Value)]) {
    let yamls: Vec<(String, String)> = forms
        .iter()
        .map(|(name, yaml, _)| (name.clone(), yaml.clone()))
        .collect();
    for reader in yaml_readers() {
        let Some(read) = (reader.read)(&yamls) else {
            continue;
        };
        for ((name, yaml, json), back) in forms.iter().zip(read) {
            assert!(
                &back == json,
                "{} reads {name} as a different template.\nYAML:\n{yaml}\nread back:\n{}\nJSON form:\n{}",
                reader.name,
                serde_json::to_string_pretty(&back).unwrap(),
                serde_json::to_string_pretty(json).unwrap()
            );
        }
    }
}

/// Checks a shell script with `bash -n` and `shellcheck`; fails on any finding.
pub fn check_shell_script(path: &std::path::Path) {
    let out = Command::new("bash")
        .arg("-n")
        .arg(path)
        .output()
        .expect("run bash -n");
    assert!(
        out.status.success(),
        "bash -n {} failed:\n{}",
        path.display(),
        String::from_utf8_lossy(&out.stderr)
    );
    let exe = tool("SHELLCHECK", "shellcheck");
    if Command::new(&exe).arg("--version").output().is_err() {
        return missing("shellcheck");
    }
    let out = Command::new(&exe)
        .args(["--shell=bash", "--severity=style"])
        .arg(path)
        .output()
        .expect("run shellcheck");
    assert!(
        out.status.success(),
        "shellcheck found problems in {}:\n{}{}",
        path.display(),
        String::from_utf8_lossy(&out.stdout),
        String::from_utf8_lossy(&out.stderr)
    );
}

/// Runs checkov's CloudFormation checks once over every template in `templates` (one run is
/// much faster than one per file); returns the failed checks as `ID on resource in file`.
pub fn checkov_failures_all(folder: &str, templates: &[(String, String)]) -> Option<Vec<String>> {
    let exe = checkov()?;
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join(folder);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    for (name, body) in templates {
        std::fs::write(dir.join(name), body).expect("write scratch template");
    }
    let (report, stdout) = checkov_report(&exe, "-d", &dir);
    let passed = report["summary"]["passed"].as_u64().unwrap_or(0)
        + report["results"]["passed_checks"]
            .as_array()
            .map_or(0, |a| a.len() as u64);
    assert!(
        passed > 0 || templates.is_empty(),
        "checkov checked nothing:\n{stdout}"
    );
    Some(
        report["results"]["failed_checks"]
            .as_array()
            .into_iter()
            .flatten()
            .map(|c| {
                format!(
                    "{} on {} in {}",
                    c["check_id"].as_str().unwrap_or("?"),
                    c["resource"].as_str().unwrap_or("?"),
                    c["file_path"].as_str().unwrap_or("?")
                )
            })
            .collect(),
    )
}

/// The seed's S3 endpoint policy (read access to one bucket's objects), built with the typed
/// API as `examples/sagemaker_vpc.rs` builds it.
pub fn seed_s3_policy() -> airgap::iam::PolicyDocument {
    use airgap::iam::{Arn, PolicyDocument, Statement};
    PolicyDocument::new().statement(
        Statement::allow()
            .sid("Access-to-specific-bucket-only")
            .any_principal()
            .action("s3:GetObject")
            .resources([
                Arn::s3_bucket("my_secure_bucket").expect("a valid bucket name"),
                Arn::s3_objects("my_secure_bucket").expect("a valid bucket name"),
            ]),
    )
}

/// How many resources of type `ty` a template (as JSON) holds.
pub fn count_of_type(t: &serde_json::Value, ty: &str) -> usize {
    t["Resources"]
        .as_object()
        .expect("a template has Resources")
        .values()
        .filter(|r| r["Type"] == ty)
        .count()
}

/// SplitMix64: small, seeded, and the same on every machine, for the generated cases.
pub struct Rng(pub u64);

impl Rng {
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^ (z >> 31)
    }

    /// A number below `n`.
    pub fn below(&mut self, n: usize) -> usize {
        (self.next() % n as u64) as usize
    }

    /// True `percent` times in a hundred.
    pub fn chance(&mut self, percent: u64) -> bool {
        self.next() % 100 < percent
    }

    /// One of `items`.
    pub fn pick<'a, T>(&mut self, items: &'a [T]) -> &'a T {
        &items[self.below(items.len())]
    }
}
