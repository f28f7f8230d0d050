//! What `airgap synth` and the README's CLI commands write lints clean, as JSON and YAML.

use crate::cli_run::{files_in, json, run, scratch};
use crate::common;

use std::path::Path;
use std::process::Command;

/// The endpoint sets the matrix goes through, as `synth` flags.
const ENDPOINT_SETS: [(&str, &[&str]); 7] = [
    ("default", &[]),
    ("notebook", &["--endpoint", "notebook"]),
    (
        "ecr",
        &["--endpoint", "ecr.api,ecr.dkr", "--workload", "ecr-images"],
    ),
    ("gateways", &["--endpoint", "s3,dynamodb"]),
    (
        "all",
        &[
            "--endpoint",
            "notebook,studio,monitoring,ssm,ecr.api,ecr.dkr,kms,codecommit,git-codecommit,servicecatalog,dynamodb",
            "--workload",
            "jobs,notebook-instances,ecr-images,projects",
        ],
    ),
    (
        "minimal",
        &[
            "--no-default-endpoints",
            "--no-default-workloads",
            "--endpoint",
            "sts,logs",
        ],
    ),
    (
        "parameterized",
        &[
            "--parameterized",
            "--bucket",
            "my_secure_bucket",
            "--optional-endpoint",
            "monitoring,ssm",
            "--ssm-prefix",
            "/${ProjectName}/${EnvType}/network",
        ],
    ),
];

#[test]
fn synth_matrix_is_cfn_lint_clean_and_its_yaml_reads_back() {
    let mut templates = Vec::new();
    let mut yaml_forms = Vec::new();
    for zones in ["1", "2", "3", "6"] {
        for (set, flags) in ENDPOINT_SETS {
            let mut args = vec!["synth", "--zones", zones];
            args.extend_from_slice(flags);
            let json_run = run(&args);
            assert_eq!(json_run.code, 0, "{args:?}: {}", json_run.stderr);
            args.extend(["--format", "yaml"]);
            let yaml_run = run(&args);
            assert_eq!(yaml_run.code, 0, "{args:?}: {}", yaml_run.stderr);
            let name = format!("synth-{zones}-zones-{set}");
            yaml_forms.push((
                format!("{name}.yaml"),
                yaml_run.stdout.clone(),
                json(&json_run.stdout),
            ));
            templates.push((format!("{name}.json"), json_run.stdout));
            templates.push((format!("{name}.yaml"), yaml_run.stdout));
        }
    }
    assert_eq!(templates.len(), 56);
    common::cfn_lint(&templates);
    common::assert_yaml_reads_back(&yaml_forms);
}

/// The shell blocks of the README's CLI section, in order.
fn readme_scripts() -> Vec<String> {
    let path = Path::new(env!("CARGO_MANIFEST_DIR")).join("README.md");
    let readme = std::fs::read_to_string(&path).expect("the README");
    let text = readme
        .split("\n## The command line\n")
        .nth(1)
        .and_then(|rest| rest.split("\n## ").next())
        .expect("the README has a section `## The command line`");
    let mut scripts = Vec::new();
    let mut current: Option<String> = None;
    for line in text.lines() {
        match (&mut current, line.trim_end()) {
            (None, "```sh") => current = Some(String::new()),
            (Some(s), "```") => {
                scripts.push(std::mem::take(s));
                current = None;
            }
            (Some(s), l) => {
                s.push_str(l);
                s.push('\n');
            }
            (None, _) => {}
        }
    }
    scripts
}

#[test]
fn the_readme_commands_run_and_their_templates_lint_clean() {
    let scripts = readme_scripts();
    assert!(scripts.len() >= 3, "the CLI section lost its examples");
    let dir = scratch("readme");
    let bin = Path::new(env!("CARGO_BIN_EXE_airgap")).parent().unwrap();
    let path = format!(
        "{}:{}",
        bin.display(),
        std::env::var("PATH").unwrap_or_default()
    );
    for script in &scripts {
        let out = Command::new("sh")
            .args(["-eu", "-c", script])
            .current_dir(&dir)
            .env("PATH", &path)
            .env_remove("NO_COLOR")
            .output()
            .expect("run sh");
        assert!(
            out.status.success(),
            "README commands failed:\n{script}\nstderr:\n{}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
    let templates: Vec<(String, String)> = files_in(&dir)
        .into_iter()
        .filter(|f| f.starts_with("stack"))
        .map(|f| {
            let body = std::fs::read_to_string(dir.join(&f)).unwrap();
            (format!("readme-{f}"), body)
        })
        .collect();
    assert_eq!(
        templates
            .iter()
            .map(|(n, _)| n.as_str())
            .collect::<Vec<_>>(),
        [
            "readme-stack-config.yaml",
            "readme-stack-ecr.json",
            "readme-stack-endpoints.json",
            "readme-stack-min.json",
            "readme-stack.json",
            "readme-stack.yaml"
        ]
    );
    common::cfn_lint(&templates);
}
