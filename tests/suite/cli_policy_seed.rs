//! `airgap policy validate` and `policy simulate` on the seed's S3 endpoint policy and its kin.

use crate::cli_run::{run_in, run_with_stdin, scratch};

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
