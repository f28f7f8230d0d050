//! `airgap policy simulate` asks the questions a security engineer asks: as an anonymous
//! caller, as a session of a role with a path, with a multivalued key of one value; and it
//! refuses what `validate` refuses, with exit code 2.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::cli_run::{Run, run};

fn policy_file(name: &str, body: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR")).join("cli_policy");
    std::fs::create_dir_all(&dir).expect("scratch folder");
    let path = dir.join(name);
    std::fs::write(&path, body).expect("write policy");
    path
}

fn simulate(policy: &Path, args: &[&str]) -> Run {
    let policy = policy.to_str().expect("a UTF-8 scratch path");
    let mut all = vec!["policy", "simulate", "--policy", policy];
    all.extend_from_slice(args);
    run(&all)
}

const GET: [&str; 4] = [
    "--action",
    "s3:GetObject",
    "--resource",
    "arn:aws:s3:::data-bucket/x",
];

#[test]
fn simulate_refuses_what_validate_refuses() {
    let both = policy_file(
        "both.json",
        r#"{"Statement": [{"Sid": "Both", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "NotAction": "s3:PutObject", "Resource": "*"}]}"#,
    );
    let r = simulate(&both, &GET);
    assert_eq!(r.code, 2, "{}", r.stdout);
    assert!(r.stdout.is_empty(), "{}", r.stdout);
    assert!(r.stderr.contains("Statement[Both].Action"), "{}", r.stderr);

    let public = policy_file(
        "public.json",
        r#"{"Statement": [{"Effect": "Allow", "Principal": "*", "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let mut args = GET.to_vec();
    args.extend(["--principal", "notanarn"]);
    let r = simulate(&public, &args);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("not a principal ARN"), "{}", r.stderr);
}

#[test]
fn simulate_as_an_anonymous_caller() {
    let policy = policy_file(
        "account-only.json",
        r#"{"Statement": [{"Effect": "Allow", "Principal": {"AWS": "111122223333"},
        "Action": "s3:GetObject", "Resource": "*"}]}"#,
    );
    let mut args = GET.to_vec();
    args.push("--anonymous");
    let r = simulate(&policy, &args);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(r.stdout.starts_with("ImplicitDeny"), "{}", r.stdout);
}

#[test]
fn simulate_shows_the_context_aws_derives_for_a_role_session() {
    let policy = policy_file(
        "deny-pipeline.json",
        r#"{"Statement": [
        {"Sid": "DenyPipeline", "Effect": "Deny", "Principal": "*", "Action": "s3:*", "Resource": "*",
         "Condition": {"ArnEquals": {"aws:PrincipalArn": "arn:aws:iam::111122223333:role/service-role/Pipeline"}}},
        {"Sid": "AllowAll", "Effect": "Allow", "Principal": "*", "Action": "s3:*", "Resource": "*"}]}"#,
    );
    let mut args = GET.to_vec();
    args.extend([
        "--principal",
        "arn:aws:sts::111122223333:assumed-role/Pipeline/build-42",
        "--role-path",
        "/service-role/",
    ]);
    let r = simulate(&policy, &args);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .starts_with("ExplicitDeny (statement #1 'DenyPipeline')"),
        "{}",
        r.stdout
    );
    assert!(
        r.stdout
            .contains("aws:PrincipalArn = arn:aws:iam::111122223333:role/service-role/Pipeline"),
        "{}",
        r.stdout
    );
    // Without the path, airgap cannot know aws:PrincipalArn and says how to give it.
    let r = simulate(&policy, &args[..6]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("--role-path"), "{}", r.stderr);
}

#[test]
fn simulate_takes_a_multivalued_key_of_one_value() {
    let policy = policy_file(
        "instance-types.json",
        r#"{"Statement": [{"Effect": "Allow", "Action": "sagemaker:CreateNotebookInstance",
        "Resource": "*", "Condition": {"ForAllValues:StringEquals": {"sagemaker:InstanceTypes": "ml.t3.medium"}}}]}"#,
    );
    let base = [
        "--action",
        "sagemaker:CreateNotebookInstance",
        "--resource",
        "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/nb",
    ];
    let mut one = base.to_vec();
    one.extend(["--context-values", "sagemaker:InstanceTypes=ml.t3.medium"]);
    let r = simulate(&policy, &one);
    assert_eq!(r.code, 0, "{}{}", r.stdout, r.stderr);
    assert!(
        r.stdout
            .contains("sagemaker:InstanceTypes = [ml.t3.medium]"),
        "{}",
        r.stdout
    );
    let mut two = one.clone();
    two.extend([
        "--context-values",
        "sagemaker:InstanceTypes=ml.p4d.24xlarge",
    ]);
    let r = simulate(&policy, &two);
    assert_eq!(r.code, 1, "{}{}", r.stdout, r.stderr);
}

#[test]
fn validate_flags_conditions_on_keys_the_actions_never_carry() {
    let policy = policy_file(
        "prefix-on-get.json",
        r#"{"Statement": [{"Sid": "Home", "Effect": "Allow", "Principal": "*",
        "Action": "s3:GetObject", "Resource": "arn:aws:s3:::data-bucket/*",
        "Condition": {"StringLike": {"s3:prefix": "home/*"}}}]}"#,
    );
    let out = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .args(["policy", "validate"])
        .arg(&policy)
        .output()
        .expect("run airgap");
    let stdout = String::from_utf8(out.stdout).unwrap();
    assert_eq!(out.status.code(), Some(1), "{stdout}");
    assert!(stdout.contains("condition-key-never-sent"), "{stdout}");
    assert!(stdout.contains("never applies"), "{stdout}");
}
