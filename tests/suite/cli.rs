//! The `airgap` command line as a user runs it: the built binary, its exit codes, what goes to
//! stdout and stderr, files written with `--out`, config files, and the commands of the
//! README's CLI section.

use crate::common;

use crate::examples::sagemaker_vpc as example;

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};

use serde_json::Value;

struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn airgap() -> Command {
    let mut c = Command::new(env!("CARGO_BIN_EXE_airgap"));
    c.env_remove("NO_COLOR");
    c
}

fn finish(out: std::process::Output) -> Run {
    Run {
        code: out.status.code().expect("exited, not killed"),
        stdout: String::from_utf8(out.stdout).expect("UTF-8 stdout"),
        stderr: String::from_utf8(out.stderr).expect("UTF-8 stderr"),
    }
}

fn run(args: &[&str]) -> Run {
    finish(airgap().args(args).output().expect("run airgap"))
}

fn run_in(dir: &Path, args: &[&str]) -> Run {
    finish(
        airgap()
            .args(args)
            .current_dir(dir)
            .output()
            .expect("run airgap"),
    )
}

fn run_with_stdin(args: &[&str], input: &str) -> Run {
    let mut child = airgap()
        .args(args)
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run airgap");
    // A command that refuses its flags exits before reading stdin: the pipe is then closed,
    // which is no failure of the test.
    if let Err(e) = child.stdin.take().unwrap().write_all(input.as_bytes()) {
        assert_eq!(e.kind(), std::io::ErrorKind::BrokenPipe, "{e}");
    }
    finish(child.wait_with_output().unwrap())
}

/// An empty folder of this test's own.
fn scratch(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("cli")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).unwrap();
    dir
}

fn files_in(dir: &Path) -> Vec<String> {
    let mut names: Vec<String> = std::fs::read_dir(dir)
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    names.sort();
    names
}

fn json(text: &str) -> Value {
    serde_json::from_str(text).unwrap_or_else(|e| panic!("not JSON ({e}):\n{text}"))
}

fn count(t: &Value, ty: &str) -> usize {
    t["Resources"]
        .as_object()
        .unwrap()
        .values()
        .filter(|r| r["Type"] == ty)
        .count()
}

#[track_caller]
fn assert_bad_input(r: &Run, mentions: &str) {
    assert_eq!(r.code, 2, "exit code; stderr:\n{}", r.stderr);
    assert!(
        r.stdout.is_empty(),
        "a failed run printed a result:\n{}",
        r.stdout
    );
    assert!(
        r.stderr.starts_with("error:") && r.stderr.contains(mentions),
        "stderr does not say `{mentions}`:\n{}",
        r.stderr
    );
}

#[test]
fn help_on_every_command_shows_an_example() {
    for (args, example) in [
        (&["--help"][..], "airgap synth"),
        (&["synth", "--help"][..], "airgap synth --zones 2"),
        (&["completions", "--help"][..], "airgap completions bash"),
        (&["help", "synth"][..], "airgap synth"),
    ] {
        let r = run(args);
        assert_eq!(r.code, 0, "{args:?}: {}", r.stderr);
        assert!(
            r.stdout.contains("Examples:") && r.stdout.contains(example),
            "{args:?} shows no example:\n{}",
            r.stdout
        );
    }
}

#[test]
fn version() {
    let r = run(&["--version"]);
    assert_eq!(r.code, 0);
    assert_eq!(r.stdout, format!("airgap {}\n", env!("CARGO_PKG_VERSION")));
}

#[test]
fn synth_prints_the_standard_network_and_says_nothing_else() {
    let r = run(&["synth"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stderr, "");
    let t = json(&r.stdout);
    assert_eq!(count(&t, "AWS::EC2::Subnet"), 3);
    assert_eq!(count(&t, "AWS::EC2::VPCEndpoint"), 5);
    assert_eq!(count(&t, "AWS::EC2::InternetGateway"), 0);
}

#[test]
fn synth_with_the_examples_knobs_prints_the_examples_template() {
    let r = run(&[
        "synth",
        "--bucket",
        "my_secure_bucket",
        "--tag",
        "Project=data-science",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, example::build().unwrap());
}

#[test]
fn synth_yaml_and_minified_json_are_the_same_template() {
    let pretty = json(&run(&["synth", "--zones", "2"]).stdout);
    let min = run(&["synth", "--zones", "2", "--minify"]);
    assert_eq!(min.code, 0);
    assert_eq!(min.stdout.lines().count(), 1, "minified JSON is one line");
    assert_eq!(json(&min.stdout), pretty);
    let yaml = run(&["synth", "--zones", "2", "--format", "yaml"]);
    assert_eq!(yaml.code, 0);
    assert!(yaml.stdout.contains("VpcId: !Ref DataScienceVpc"));
    common::assert_yaml_reads_back(&[("synth-2.yaml".into(), yaml.stdout, pretty)]);
}

#[test]
fn out_writes_the_file_and_picks_yaml_from_its_extension() {
    let dir = scratch("out");
    let r = run_in(&dir, &["synth", "--out", "stack.json"]);
    assert_eq!((r.code, r.stdout.as_str(), r.stderr.as_str()), (0, "", ""));
    let r = run_in(&dir, &["synth", "-o", "stack.yml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(
        files_in(&dir),
        ["stack.json", "stack.yml"],
        "no temporary file left"
    );
    let written = std::fs::read_to_string(dir.join("stack.json")).unwrap();
    assert_eq!(written, run(&["synth"]).stdout);
    let yaml = std::fs::read_to_string(dir.join("stack.yml")).unwrap();
    assert_eq!(yaml, run(&["synth", "--format", "yaml"]).stdout);
    // The file gets the permissions any new file gets, not a temporary file's private ones.
    #[cfg(unix)]
    {
        use std::os::unix::fs::PermissionsExt;
        std::fs::write(dir.join("plain"), "x").unwrap();
        let mode = |f: &str| std::fs::metadata(dir.join(f)).unwrap().permissions().mode() & 0o777;
        assert_eq!(mode("stack.json"), mode("plain"));
        std::fs::remove_file(dir.join("plain")).unwrap();
    }
    // `--out -` is stdout.
    assert_eq!(run_in(&dir, &["synth", "--out", "-"]).stdout, written);
}

#[test]
fn a_failed_run_leaves_the_old_file_untouched() {
    let dir = scratch("atomic");
    let target = dir.join("stack.json");
    std::fs::write(&target, "the reviewed template\n").unwrap();
    for args in [
        &["synth", "--zones", "9", "--out", "stack.json"][..],
        &["synth", "--config", "missing.json", "--out", "stack.json"][..],
        &[
            "synth",
            "--format",
            "yaml",
            "--minify",
            "--out",
            "stack.json",
        ][..],
        &["synth", "--endpoint", "nope", "--out", "stack.json"][..],
    ] {
        let r = run_in(&dir, args);
        assert_eq!(r.code, 2, "{args:?}");
        assert_eq!(
            std::fs::read_to_string(&target).unwrap(),
            "the reviewed template\n",
            "{args:?} changed the file"
        );
        assert_eq!(
            files_in(&dir),
            ["stack.json"],
            "{args:?} left a file behind"
        );
    }
    // A folder that does not exist: nothing is created, and the error says where.
    let r = run_in(&dir, &["synth", "--out", "no/such/folder/stack.json"]);
    assert_bad_input(&r, "no/such/folder/stack.json");
    assert_eq!(files_in(&dir), ["stack.json"]);
}

#[test]
fn usage_errors_exit_2() {
    for (args, mentions) in [
        (&[][..], "Usage: airgap"),
        (&["bogus"][..], "unrecognized subcommand 'bogus'"),
        (&["synth", "--bogus"][..], "--bogus"),
        (&["synth", "--zones"][..], "--zones"),
        (&["synth", "--zones", "two"][..], "two"),
        (
            &["synth", "--zones", "2", "--zone", "eu-west-1a"][..],
            "cannot be used with",
        ),
        (&["synth", "--endpoint", "sagemaker"][..], "sagemaker.api"),
        (&["synth", "--workload", "ecr"][..], "ecr-images"),
        (&["synth", "--tag", "novalue"][..], "KEY=VALUE"),
        (&["synth", "--format", "xml"][..], "xml"),
        (&["synth", "--format", "yaml", "--minify"][..], "--minify"),
        (&["completions"][..], "<SHELL>"),
        (&["completions", "tcsh"][..], "tcsh"),
    ] {
        let r = run(args);
        assert_eq!(r.code, 2, "{args:?}:\n{}", r.stderr);
        assert!(r.stdout.is_empty(), "{args:?}");
        assert!(r.stderr.contains(mentions), "{args:?}:\n{}", r.stderr);
    }
}

#[test]
fn input_the_network_refuses_exits_2_and_names_the_field() {
    for (args, mentions) in [
        (&["synth", "--zones", "9"][..], "field `zones`"),
        (&["synth", "--zones", "0"][..], "field `zones`"),
        (&["synth", "--cidr", "10.0.0.0/33"][..], "field `cidr`"),
        (
            &["synth", "--zone", "eu-west-1a", "--zone", "us-east-1a"][..],
            "field `zone_names`",
        ),
        (
            &["synth", "--no-default-endpoints"][..],
            "field `endpoints`",
        ),
        (&["synth", "--workload", "ecr-images"][..], "ecr.api"),
        (&["synth", "--retention-days", "17"][..], "retention_days"),
        (&["synth", "--prefix", "bad prefix"][..], "export_prefix"),
        (
            &["synth", "--s3-prefix-list-id", "pl-x"][..],
            "s3_prefix_list_id",
        ),
        (&["synth", "--region", "mars"][..], "region"),
        (&["synth", "--tag", "aws:owner=me"][..], "tag `aws:owner`"),
        (&["synth", "--bucket", "Not A Bucket"][..], "Not A Bucket"),
    ] {
        assert_bad_input(&run(args), mentions);
    }
}

#[test]
fn bad_config_files_exit_2_and_name_the_file_and_the_field() {
    let dir = scratch("config");
    for (i, (config, mentions)) in [
        ("{\"zonez\": 3}", "config field `zonez`: is not a setting"),
        (
            "{\"zones\": \"3\"}",
            "config field `zones`: expected a whole number",
        ),
        ("{\"zones\": 7}", "config field `zones`"),
        (
            "{\"zones\": 2, \"zone_names\": [\"eu-west-1a\"]}",
            "config field `zone_names`",
        ),
        (
            "{\"cidr\": 10}",
            "config field `cidr`: expected a string, found a number",
        ),
        (
            "{\"endpoints\": \"sts\"}",
            "config field `endpoints`: expected a list",
        ),
        (
            "{\"endpoints\": [\"sts\", \"sagemaker\"]}",
            "config field `endpoints[1]`",
        ),
        (
            "{\"workloads\": [\"jobs\", 3]}",
            "config field `workloads[1]`",
        ),
        ("{\"buckets\": [true]}", "config field `buckets[0]`"),
        ("{\"tags\": [\"team\"]}", "config field `tags`"),
        ("{\"tags\": {\"team\": 1}}", "config field `tags.team`"),
        (
            "{\"outputs\": \"no\"}",
            "config field `outputs`: expected true or false",
        ),
        ("{\"subnet_prefix\": 40}", "config field `subnet_prefix`"),
        (
            "{\"flow_log_retention_days\": -1}",
            "config field `flow_log_retention_days`",
        ),
        (
            "{\n  \"zones\": 2,\n}\n",
            "config line 3, column 1: not valid JSON",
        ),
        ("[\"zones\"]", "config document"),
        ("", "not valid JSON"),
        ("{\"cidr\": \"10.0.0.0/33\"}", "field `cidr`"),
    ]
    .into_iter()
    .enumerate()
    {
        let name = format!("bad-{i}.json");
        std::fs::write(dir.join(&name), config).unwrap();
        let r = run_in(&dir, &["synth", "--config", &name]);
        assert_bad_input(&r, mentions);
        assert!(
            r.stderr.contains(&name) || mentions == "field `cidr`",
            "{config}: the file is not named:\n{}",
            r.stderr
        );
    }
    assert_bad_input(
        &run_in(&dir, &["synth", "--config", "missing.json"]),
        "cannot read missing.json",
    );
}

#[test]
fn config_from_stdin_with_flags_over_it() {
    let config = r#"{"zones": 2, "endpoints": ["monitoring"], "tags": {"team": "ml"}}"#;
    let r = run_with_stdin(
        &["synth", "--config", "-", "--zones", "1", "--tag", "env=dev"],
        config,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let t = json(&r.stdout);
    assert_eq!(
        count(&t, "AWS::EC2::Subnet"),
        1,
        "the flag wins over the file"
    );
    assert!(t["Resources"]["MonitoringEndpoint"].is_object());
    let tags = &t["Resources"]["DataScienceVpc"]["Properties"]["Tags"];
    assert_eq!(tags[1]["Key"], "team");
    assert_eq!(tags[2]["Key"], "env");
    let r = run_with_stdin(&["synth", "--config", "-"], "{\"zones\": \"x\"}");
    assert_bad_input(&r, "<stdin>: config field `zones`");
}

#[test]
fn completions_for_each_shell() {
    for shell in ["bash", "zsh", "fish", "elvish", "powershell"] {
        let r = run(&["completions", shell]);
        assert_eq!(r.code, 0, "{shell}: {}", r.stderr);
        assert!(
            r.stdout.contains("airgap") && r.stdout.contains("no-default-endpoints"),
            "{shell}"
        );
    }
    let script = run(&["completions", "bash"]).stdout;
    if let Ok(out) = Command::new("bash").args(["-n", "-c", &script]).output() {
        assert!(
            out.status.success(),
            "bash: {}",
            String::from_utf8_lossy(&out.stderr)
        );
    }
}

#[test]
fn warnings_go_to_stderr_and_the_template_to_stdout() {
    // Six zones, every endpoint and a few tags: over the 51,200 bytes a body may be inline.
    let r = run(&[
        "synth",
        "--zones",
        "6",
        "--endpoint",
        "notebook,studio,monitoring,ssm,ecr.api,ecr.dkr,kms,codecommit,git-codecommit,servicecatalog,dynamodb",
        "--tag",
        "team=ml-platform",
        "--tag",
        "cost-center=1234",
        "--tag",
        "environment=production",
    ]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stderr.starts_with("warning: ") && r.stderr.contains("upload it to S3"),
        "{}",
        r.stderr
    );
    assert!(!r.stderr.contains('\x1b'), "colour on a pipe");
    json(&r.stdout);
}

/// Runs `airgap ARGS` on a pseudo-terminal (with `script`), returning what it printed.
fn on_a_terminal(args: &str, no_color: bool) -> Option<String> {
    let command = format!("{} {args}", env!("CARGO_BIN_EXE_airgap"));
    let mut c = Command::new("script");
    c.args(["-qec", &command, "/dev/null"])
        .env_remove("NO_COLOR");
    if no_color {
        c.env("NO_COLOR", "1");
    }
    let out = c.output().ok()?;
    Some(String::from_utf8_lossy(&out.stdout).into_owned())
}

#[test]
fn colour_only_on_a_terminal_and_never_with_no_color() {
    let Some(coloured) = on_a_terminal("synth --zones 9", false) else {
        eprintln!(
            "\n!!! SKIPPED: `script` (util-linux) is not installed; colour on a terminal is NOT checked. !!!\n"
        );
        return;
    };
    assert!(
        coloured.contains("\x1b[1m\x1b[31merror:\x1b[0m"),
        "{coloured:?}"
    );
    let plain = on_a_terminal("synth --zones 9", true).unwrap();
    assert!(
        plain.contains("error: ") && !plain.contains('\x1b'),
        "{plain:?}"
    );
}

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

const SEED_POLICY: &str = include_str!("../fixtures/seed-s3-endpoint-policy.json");

#[test]
fn policy_validate_passes_the_seed_policy_and_names_misspelled_actions() {
    let dir = scratch("policy-validate");
    std::fs::write(dir.join("seed.json"), SEED_POLICY).unwrap();
    let ok = run_in(&dir, &["policy", "validate", "seed.json"]);
    assert_eq!(ok.code, 0, "{}", ok.stderr);
    assert!(
        ok.stdout
            .contains("seed.json: valid resource policy with 1 statement(s)"),
        "{}",
        ok.stdout
    );

    let typo = SEED_POLICY.replace("s3:GetObject", "s3:GetObjekt");
    let bad = run_with_stdin(&["policy", "validate", "-"], &typo);
    assert_eq!(bad.code, 2);
    assert!(
        bad.stderr.contains("did you mean `s3:GetObject`?"),
        "{}",
        bad.stderr
    );
    assert!(bad.stderr.contains("<stdin>"), "{}", bad.stderr);

    let identity = run_in(
        &dir,
        &["policy", "validate", "--kind", "identity", "seed.json"],
    );
    assert_eq!(
        identity.code, 2,
        "an identity policy names no principal: {}",
        identity.stderr
    );

    let not_json = run_with_stdin(&["policy", "validate", "-"], "{\"Statement\": [");
    assert_eq!(not_json.code, 2);
}

#[test]
fn policy_validate_exits_1_on_risky_shapes() {
    let open = r#"{"Version": "2012-10-17", "Statement": [{"Effect": "Allow", "Principal": "*", "Action": "*", "Resource": "*"}]}"#;
    let r = run_with_stdin(&["policy", "validate", "-"], open);
    assert_eq!(r.code, 1, "{}\n{}", r.stdout, r.stderr);
    assert!(
        r.stdout.lines().count() >= 2,
        "a finding is printed: {}",
        r.stdout
    );
}

#[test]
fn policy_simulate_says_what_the_seed_says() {
    let dir = scratch("policy-simulate");
    std::fs::write(dir.join("seed.json"), SEED_POLICY).unwrap();
    let sim = |action: &str, resource: &str| {
        run_in(
            &dir,
            &[
                "policy",
                "simulate",
                "--policy",
                "seed.json",
                "--action",
                action,
                "--resource",
                resource,
            ],
        )
    };
    let read = sim("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x");
    assert_eq!(read.code, 0, "{}", read.stderr);
    assert!(
        read.stdout
            .starts_with("Allow (statement #1 'Access-to-specific-bucket-only')"),
        "{}",
        read.stdout
    );
    let write = sim("s3:PutObject", "arn:aws:s3:::my_secure_bucket/x");
    assert_eq!(write.code, 1);
    assert!(write.stdout.starts_with("ImplicitDeny"), "{}", write.stdout);
    let other = sim("s3:GetObject", "arn:aws:s3:::another_bucket/x");
    assert_eq!(other.code, 1);
    let unknown = sim("s3:GetObjekt", "arn:aws:s3:::my_secure_bucket/x");
    assert_eq!(
        unknown.code, 2,
        "an action that does not exist is bad input: {}",
        unknown.stdout
    );
    let bad_context = run_in(
        &dir,
        &[
            "policy",
            "simulate",
            "--policy",
            "seed.json",
            "--action",
            "s3:GetObject",
            "--resource",
            "arn:aws:s3:::b/x",
            "--context",
            "novalue",
        ],
    );
    assert_eq!(bad_context.code, 2);
}

#[test]
fn policy_simulate_reads_context_and_principals() {
    let policy = r#"{"Statement": [
        {"Sid": "OnlyThroughTheEndpoint", "Effect": "Deny", "Principal": "*", "Action": "s3:*",
         "Resource": "arn:aws:s3:::data/*",
         "Condition": {"StringNotEquals": {"aws:SourceVpce": "vpce-1a2b3c4d"}}},
        {"Sid": "Team", "Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::111122223333:root"},
         "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data/*"}]}"#;
    let args = |vpce: &str| {
        vec![
            "policy".to_string(),
            "simulate".into(),
            "--policy".into(),
            "-".into(),
            "--action".into(),
            "s3:GetObject".into(),
            "--resource".into(),
            "arn:aws:s3:::data/k".into(),
            "--principal".into(),
            "arn:aws:iam::111122223333:role/ml".into(),
            "--context".into(),
            format!("aws:SourceVpce={vpce}"),
        ]
    };
    let through: Vec<String> = args("vpce-1a2b3c4d");
    let r = run_with_stdin(
        &through.iter().map(String::as_str).collect::<Vec<_>>(),
        policy,
    );
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    let around: Vec<String> = args("vpce-99999999");
    let r = run_with_stdin(
        &around.iter().map(String::as_str).collect::<Vec<_>>(),
        policy,
    );
    assert_eq!(r.code, 1);
    assert!(
        r.stdout
            .starts_with("ExplicitDeny (statement #1 'OnlyThroughTheEndpoint')"),
        "{}",
        r.stdout
    );
}

#[test]
fn package_writes_a_release_folder_once_and_replaces_it_only_with_force() {
    let dir = scratch("package");
    let first = run_in(
        &dir,
        &[
            "package",
            "--out",
            "release",
            "--bucket",
            "my_secure_bucket",
        ],
    );
    assert_eq!(first.code, 0, "{}", first.stderr);
    assert!(
        first.stdout.contains("next: release/publish.sh --help"),
        "{}",
        first.stdout
    );
    let release = dir.join("release");
    let manifest: Value = json(&std::fs::read_to_string(release.join("manifest.json")).unwrap());
    let order: Vec<&str> = manifest["launch_order"]
        .as_array()
        .expect("the manifest gives the launch order")
        .iter()
        .map(|p| p.as_str().unwrap())
        .collect();
    assert_eq!(
        order,
        [
            "sagemaker-network",
            "network-vpc",
            "network-security-groups",
            "network-endpoints"
        ]
    );
    let mut templates = vec![(
        "package-portfolio.json".to_string(),
        std::fs::read_to_string(release.join("portfolio.template.json")).unwrap(),
    )];
    for entry in std::fs::read_dir(release.join("products")).unwrap() {
        let path = entry.unwrap().path();
        let name = format!("package-{}", path.file_name().unwrap().to_string_lossy());
        templates.push((name, std::fs::read_to_string(&path).unwrap()));
    }
    assert_eq!(templates.len(), 5);
    common::cfn_lint(&templates);
    let syntax = Command::new("bash")
        .arg("-n")
        .arg(release.join("publish.sh"))
        .status()
        .unwrap();
    assert!(syntax.success());

    let before = std::fs::read(release.join("manifest.json")).unwrap();
    let again = run_in(&dir, &["package", "--out", "release", "--zones", "2"]);
    assert_eq!(again.code, 2);
    assert!(again.stderr.contains("--force"), "{}", again.stderr);
    assert_eq!(
        std::fs::read(release.join("manifest.json")).unwrap(),
        before,
        "the folder was touched"
    );

    let forced = run_in(
        &dir,
        &[
            "package",
            "--out",
            "release",
            "--force",
            "--no-split",
            "--principal",
            "Analysts",
        ],
    );
    assert_eq!(forced.code, 0, "{}", forced.stderr);
    assert_eq!(
        std::fs::read_dir(release.join("products")).unwrap().count(),
        1
    );
    let portfolio = std::fs::read_to_string(release.join("portfolio.template.json")).unwrap();
    assert!(
        portfolio.contains("\"AnalystsPrincipalArn\""),
        "the principal is a parameter of the portfolio"
    );
}

#[test]
fn package_refuses_bad_input_with_exit_2() {
    let dir = scratch("package-bad");
    let r = run_in(
        &dir,
        &["package", "--out", "release", "--tag-option", "novalue"],
    );
    assert_eq!(r.code, 2);
    let r = run_in(
        &dir,
        &["package", "--out", "release", "--cidr", "10.0.0.0/20"],
    );
    assert_eq!(r.code, 2, "a product takes a /16: {}", r.stderr);
    assert!(r.stderr.contains("/16"), "{}", r.stderr);
    assert!(!dir.join("release").exists(), "nothing half-written");
}

const REFERENCE_NETWORK: &str = include_str!(
    "../fixtures/reference/secure-data-science-reference-architecture/ds_env_network.yaml"
);

#[test]
fn check_passes_our_network_and_fails_the_reference_one() {
    let ours = run(&["synth"]);
    let checked = run_with_stdin(&["check", "-"], &ours.stdout);
    assert_eq!(checked.code, 0, "{}{}", checked.stdout, checked.stderr);
    assert_eq!(checked.stdout, "<stdin>: 0 finding(s), 0 blocking\n");

    let yaml = run(&["synth", "--format", "yaml"]);
    let checked = run_with_stdin(&["check", "-"], &yaml.stdout);
    assert_eq!(
        checked.code, 0,
        "the YAML form reads and checks the same: {}",
        checked.stdout
    );

    let dir = scratch("check");
    std::fs::write(dir.join("ds_env_network.yaml"), REFERENCE_NETWORK).unwrap();
    std::fs::write(dir.join("ours.json"), &ours.stdout).unwrap();
    let r = run_in(&dir, &["check", "ours.json", "ds_env_network.yaml"]);
    assert_eq!(r.code, 1, "{}", r.stdout);
    for expected in [
        "ds_env_network.yaml: error AG-SG-002 `SageMakerSecurityGroup`",
        "ds_env_network.yaml: error AG-EP-003 `VPCEndpointSTS`",
        "ds_env_network.yaml: warning AG-NET-010 `PrivateSubnetC`",
        "ours.json: 0 finding(s), 0 blocking",
    ] {
        assert!(
            r.stdout.contains(expected),
            "missing `{expected}` in:\n{}",
            r.stdout
        );
    }

    let j = run_in(&dir, &["check", "--format", "json", "ds_env_network.yaml"]);
    assert_eq!(j.code, 1);
    let report = json(&j.stdout);
    assert!(report["blocking"].as_u64().unwrap() > 0);
    let rules: Vec<&str> = report["files"][0]["findings"]
        .as_array()
        .unwrap()
        .iter()
        .map(|f| f["rule"].as_str().unwrap())
        .collect();
    assert!(rules.contains(&"AG-LOG-001"), "{rules:?}");
}

#[test]
fn check_and_report_refuse_what_they_cannot_read_with_exit_2() {
    let r = run_with_stdin(&["check", "-"], "Resources:\n  A: !Ref\n    - [unclosed\n");
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("line"),
        "a parse error gives the line: {}",
        r.stderr
    );
    let r = run(&["check", "/nonexistent/stack.json"]);
    assert_eq!(r.code, 2);
    let r = run(&["check"]);
    assert_eq!(r.code, 2, "a FILE is required");
    let r = run_with_stdin(&["report", "--endpoint-hourly-usd", "-1", "-"], "{}");
    assert_eq!(r.code, 2);
}

#[test]
fn report_renders_the_review_with_its_diagram() {
    let ours = run(&["synth"]);
    let r = run_with_stdin(
        &["report", "--title", "Data science network", "-"],
        &ours.stdout,
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(
        r.stdout
            .starts_with("# Network review: Data science network"),
        "{}",
        &r.stdout[..200]
    );
    assert!(r.stdout.contains("**Private: yes.**"));
    assert!(r.stdout.contains("```mermaid"));

    let dir = scratch("report");
    std::fs::write(dir.join("ds_env_network.yaml"), REFERENCE_NETWORK).unwrap();
    let r = run_in(
        &dir,
        &["report", "--out", "REVIEW.md", "ds_env_network.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    let review = std::fs::read_to_string(dir.join("REVIEW.md")).unwrap();
    assert!(
        review.contains("**Private: no.**") || review.contains("AG-SG-002"),
        "{review}"
    );
}

#[test]
fn reach_prints_every_pair_with_its_two_rules_as_json() {
    let dir = scratch("reach");
    std::fs::write(dir.join("ds_env_network.yaml"), REFERENCE_NETWORK).unwrap();
    let r = run_in(&dir, &["reach", "ds_env_network.yaml"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let v = json(&r.stdout);
    let pair = v["pairs"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["from"]["id"] == "SageMakerSecurityGroup" && p["to"]["id"] == "VPCEndpointSTS")
        .expect("notebooks reach the STS endpoint");
    assert_eq!(pair["to"]["kind"], "endpoint");
    assert_eq!(pair["allowed"][0]["text"], "tcp 443");
    assert_eq!(
        pair["because"][0]["ingress"]["group"],
        "VPCEndpointSecurityGroup"
    );
    assert_eq!(v["default_egress"]["SageMakerSecurityGroup"], "kept");
    assert!(
        v["approximations"]
            .as_array()
            .unwrap()
            .iter()
            .any(|a| a["kind"] == "unknown-vpc-block"),
        "{}",
        r.stdout
    );
    let r = run_in(
        &dir,
        &["reach", "--out", "reach.json", "ds_env_network.yaml"],
    );
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(r.stdout, "");
    assert_eq!(
        json(&std::fs::read_to_string(dir.join("reach.json")).unwrap()),
        v
    );
    let r = run(&["reach", "/nonexistent/stack.json"]);
    assert_eq!(r.code, 2);
}
