//! The `airgap` command line as a user runs it: synth, `--out`, config, exit codes, colour.

use crate::cli_run::{
    assert_bad_input, count, files_in, json, run, run_in, run_with_stdin, scratch,
};
use crate::common;
use crate::examples::sagemaker_vpc as example;

use std::process::Command;

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
