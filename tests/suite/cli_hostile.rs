//! The command line on hostile input and special files: no abort, no endless read, no file
//! replaced that should have been written into, and exit codes that tell the truth (0 ok,
//! 1 findings, 2 bad input). Every file is made in a temporary folder; no system path is
//! touched.

use std::io::Write;
use std::path::Path;
use std::process::{Command, Stdio};

use crate::cli_run::{airgap, run_in};
use std::time::{Duration, Instant};

fn write(dir: &Path, name: &str, body: &str) {
    std::fs::write(dir.join(name), body).unwrap();
}

#[test]
fn deep_nesting_in_every_style_is_refused_with_exit_2_not_an_abort() {
    let dir = tempfile::tempdir().unwrap();
    let cases = [
        ("block-seq.yaml", "- ".repeat(30_000) + "a\n"),
        (
            "block-map.yaml",
            (0..3_000)
                .map(|i| format!("{}k:\n", " ".repeat(i)))
                .collect::<String>()
                + &" ".repeat(3_000)
                + "v\n",
        ),
        ("flow.yaml", "a: ".to_string() + &"[".repeat(30_000)),
        ("deep.json", "[".repeat(30_000)),
        ("deep-object.json", "{\"a\":".repeat(30_000)),
    ];
    for (name, body) in &cases {
        write(dir.path(), name, body);
        for cmd in ["check", "report"] {
            let r = run_in(dir.path(), &[cmd, name]);
            assert_eq!(r.code, 2, "{cmd} {name}: {}", r.stderr);
        }
    }
}

#[test]
fn an_alias_bomb_is_refused_quickly() {
    let dir = tempfile::tempdir().unwrap();
    let mut text = "a: &a [x, x, x, x, x, x, x, x, x]\n".to_string();
    for level in 1..9u8 {
        let (name, prev) = ((b'a' + level) as char, (b'a' + level - 1) as char);
        let refs = vec![format!("*{prev}"); 9].join(", ");
        text.push_str(&format!("{name}: &{name} [{refs}]\n"));
    }
    write(dir.path(), "bomb.yaml", &text);
    let started = Instant::now();
    let r = run_in(dir.path(), &["check", "bomb.yaml"]);
    assert_eq!(r.code, 2);
    assert!(r.stderr.contains("aliases expand"), "{}", r.stderr);
    assert!(started.elapsed() < Duration::from_secs(10));
}

/// An endless stream on stdin (like `/dev/zero`) is refused after the limit, for every command
/// that reads input.
#[test]
fn endless_input_is_refused_after_the_limit() {
    for args in [
        &["check", "-"][..],
        &["report", "-"],
        &["policy", "validate", "-"],
        &["synth", "--config", "-"],
    ] {
        let mut child = airgap()
            .args(args)
            .stdin(Stdio::piped())
            .stdout(Stdio::null())
            .stderr(Stdio::piped())
            .spawn()
            .unwrap();
        let mut stdin = child.stdin.take().unwrap();
        let feeder = std::thread::spawn(move || {
            let block = vec![b' '; 1 << 16];
            // Stops when airgap closes its end.
            while stdin.write_all(&block).is_ok() {}
        });
        let out = child.wait_with_output().unwrap();
        feeder.join().unwrap();
        assert_eq!(out.status.code(), Some(2), "{args:?}");
        let stderr = String::from_utf8_lossy(&out.stderr);
        assert!(stderr.contains("larger than"), "{args:?}: {stderr}");
    }
}

#[test]
fn duplicate_keys_and_second_documents_are_bad_input() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "dup.json",
        "{\"Resources\": {\"Igw\": {\"Type\": \"AWS::EC2::InternetGateway\"},\n \"Igw\": {\"Type\": \"AWS::SNS::Topic\"}}}",
    );
    let r = run_in(dir.path(), &["check", "dup.json"]);
    assert_eq!(r.code, 2);
    assert!(
        r.stderr.contains("`Igw` appears twice") && r.stderr.contains("first at line 1"),
        "{}",
        r.stderr
    );
    write(
        dir.path(),
        "two.yaml",
        "Resources: {}\n---\nResources:\n  Igw: {Type: AWS::EC2::InternetGateway}\n",
    );
    assert_eq!(run_in(dir.path(), &["check", "two.yaml"]).code, 2);
}

#[test]
fn a_byte_order_mark_is_accepted_in_json_and_yaml_alike() {
    let dir = tempfile::tempdir().unwrap();
    write(
        dir.path(),
        "bom.json",
        "\u{feff}{\"Resources\": {\"Igw\": {\"Type\": \"AWS::EC2::InternetGateway\"}}}",
    );
    write(
        dir.path(),
        "bom.yaml",
        "\u{feff}Resources:\n  Igw: {Type: AWS::EC2::InternetGateway}\n",
    );
    for f in ["bom.json", "bom.yaml"] {
        let r = run_in(dir.path(), &["check", f]);
        assert_eq!(r.code, 1, "{f}: {}", r.stderr);
        assert!(r.stdout.contains("AG-NET-001"), "{f}: {}", r.stdout);
    }
}

#[cfg(unix)]
#[test]
fn out_onto_a_fifo_writes_into_it_and_leaves_it_a_fifo() {
    use std::io::Read;
    use std::os::unix::fs::FileTypeExt;
    let dir = tempfile::tempdir().unwrap();
    let fifo = dir.path().join("pipe");
    let made = Command::new("mkfifo")
        .arg(&fifo)
        .status()
        .expect("mkfifo runs");
    assert!(made.success());
    let reader = {
        let fifo = fifo.clone();
        std::thread::spawn(move || {
            let mut s = String::new();
            std::fs::File::open(fifo)
                .unwrap()
                .read_to_string(&mut s)
                .unwrap();
            s
        })
    };
    let r = run_in(dir.path(), &["synth", "--out", "pipe"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let read = reader.join().unwrap();
    assert!(read.contains("AWS::EC2::VPC"));
    let kind = std::fs::symlink_metadata(&fifo).unwrap().file_type();
    assert!(kind.is_fifo(), "the FIFO was replaced by {kind:?}");
    assert_eq!(
        std::fs::read_dir(dir.path()).unwrap().count(),
        1,
        "no temporary file left"
    );
}

#[cfg(unix)]
#[test]
fn out_onto_a_symlink_replaces_its_target_and_keeps_the_link() {
    let dir = tempfile::tempdir().unwrap();
    std::fs::create_dir(dir.path().join("real")).unwrap();
    write(dir.path(), "real/stack.json", "old");
    std::os::unix::fs::symlink("real/stack.json", dir.path().join("link.json")).unwrap();
    let r = run_in(dir.path(), &["synth", "--out", "link.json"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    let link = dir.path().join("link.json");
    assert!(
        std::fs::symlink_metadata(&link)
            .unwrap()
            .file_type()
            .is_symlink()
    );
    let written = std::fs::read_to_string(dir.path().join("real/stack.json")).unwrap();
    assert!(written.contains("AWS::EC2::VPC"));
}

#[test]
fn out_with_an_upper_case_yaml_extension_writes_yaml() {
    let dir = tempfile::tempdir().unwrap();
    for name in ["STACK.YAML", "stack.Yml"] {
        let r = run_in(dir.path(), &["synth", "--out", name]);
        assert_eq!(r.code, 0, "{}", r.stderr);
        let body = std::fs::read_to_string(dir.path().join(name)).unwrap();
        assert!(
            body.starts_with("AWSTemplateFormatVersion: "),
            "{name}: {}",
            &body[..40]
        );
    }
}

#[test]
fn package_force_over_a_regular_file_succeeds_and_leaves_nothing_behind() {
    let dir = tempfile::tempdir().unwrap();
    write(dir.path(), "release", "a file");
    let r = run_in(dir.path(), &["package", "--out", "release", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert!(dir.path().join("release/manifest.json").is_file());
    let names: Vec<String> = std::fs::read_dir(dir.path())
        .unwrap()
        .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
        .collect();
    assert_eq!(names, ["release"]);
    // And again over the folder: still one entry, the new release.
    let r = run_in(dir.path(), &["package", "--out", "release", "--force"]);
    assert_eq!(r.code, 0, "{}", r.stderr);
    assert_eq!(std::fs::read_dir(dir.path()).unwrap().count(), 1);
}

#[test]
fn a_100_000_character_action_is_refused_at_once() {
    let dir = tempfile::tempdir().unwrap();
    let action = format!("s3:{}", "G".repeat(100_000));
    let policy = serde_json::json!({"Version": "2012-10-17", "Statement": [
        {"Effect": "Allow", "Principal": {"AWS": "arn:aws:iam::123456789012:root"}, "Action": action, "Resource": "*"}]});
    write(dir.path(), "policy.json", &policy.to_string());
    let template = serde_json::json!({"Resources": {"B": {"Type": "AWS::S3::BucketPolicy",
        "Properties": {"Bucket": "b", "PolicyDocument": policy}}}});
    write(dir.path(), "t.json", &template.to_string());
    let started = Instant::now();
    let r = run_in(dir.path(), &["policy", "validate", "policy.json"]);
    assert_eq!(r.code, 2, "{}", r.stderr);
    assert!(r.stderr.contains("100003 characters long"), "{}", r.stderr);
    let r = run_in(dir.path(), &["check", "t.json"]);
    assert_eq!(r.code, 1);
    assert!(r.stdout.contains("AG-IAM-003"), "{}", r.stdout);
    // Both took milliseconds; the nearest-name search over 100,000 characters took seconds.
    assert!(started.elapsed() < Duration::from_secs(5));
}

/// `groups` security groups in one VPC, each with the ingress `rules(i)` gives.
fn groups_template(groups: usize, ingress: impl Fn(usize) -> serde_json::Value) -> String {
    let mut resources = serde_json::Map::new();
    resources.insert(
        "Vpc".into(),
        serde_json::json!({"Type": "AWS::EC2::VPC", "Properties": {"CidrBlock": "10.0.0.0/16"}}),
    );
    for i in 0..groups {
        resources.insert(
            format!("Group{i}"),
            serde_json::json!({"Type": "AWS::EC2::SecurityGroup", "Properties": {
                "GroupDescription": "g", "VpcId": {"Ref": "Vpc"}, "SecurityGroupIngress": ingress(i),
            }}),
        );
    }
    serde_json::json!({ "Resources": resources }).to_string()
}

/// The reachability matrix lists every pair that can talk, so it grows with the square of the
/// groups, and each pair costs the product of their rules. A 200 KB template of 1,000 groups
/// that each admit the VPC's block asks for a million pairs (a gigabyte of JSON, and over ten
/// gigabytes of memory before the bound); two groups of 5,000 rules ask for 25 million rule
/// comparisons for their one pair. `reach` and `report` refuse both at once, with exit 2 and
/// no file written, instead of working them out.
#[test]
fn a_reachability_too_large_to_work_out_is_refused_not_worked_out() {
    let dir = tempfile::tempdir().unwrap();
    let https_from_the_vpc = |_| serde_json::json!([{"IpProtocol": "tcp", "FromPort": 443, "ToPort": 443, "CidrIp": "10.0.0.0/8"}]);
    write(
        dir.path(),
        "mesh.json",
        &groups_template(1_000, https_from_the_vpc),
    );
    let many_ports = |i| {
        if i == 0 {
            return serde_json::json!([]);
        }
        (0..5_000)
            .map(|p| serde_json::json!({"IpProtocol": "tcp", "FromPort": p, "ToPort": p + 1, "SourceSecurityGroupId": {"Ref": "Group0"}}))
            .collect()
    };
    let mut rules: serde_json::Value =
        serde_json::from_str(&groups_template(2, many_ports)).unwrap();
    rules["Resources"]["Group0"]["Properties"]["SecurityGroupEgress"] = (0..5_000)
        .map(|p| serde_json::json!({"IpProtocol": "tcp", "FromPort": p, "ToPort": p + 1, "DestinationSecurityGroupId": {"Ref": "Group1"}}))
        .collect();
    write(dir.path(), "rules.json", &rules.to_string());
    for (file, too_many) in [
        ("mesh.json", "more than 100,000 pairs that can talk"),
        (
            "rules.json",
            "more than 20,000,000 comparisons of an egress rule",
        ),
    ] {
        for cmd in ["reach", "report"] {
            let started = Instant::now();
            let r = run_in(dir.path(), &[cmd, file, "--out", "out.txt"]);
            assert_eq!(r.code, 2, "{cmd} {file}: {}", r.stderr);
            assert!(
                r.stderr
                    .contains(&format!("{file}: the template's reachability is too large"))
                    && r.stderr.contains(too_many),
                "{cmd} {file}: {}",
                r.stderr
            );
            assert!(!dir.path().join("out.txt").exists(), "{cmd} {file} wrote");
            assert!(started.elapsed() < Duration::from_secs(60), "{cmd} {file}");
        }
        // The privacy checks do not need the matrix, and still run.
        let r = run_in(dir.path(), &["check", file]);
        assert!(r.code < 2, "check {file}: {}", r.stderr);
    }
}

/// Renamed resources are looked for by comparing every removed resource with every added one
/// of its type, and each removal was placed by a pass over the changes: two templates of 8,000
/// topics with other IDs took 40 s. CloudFormation accepts at most 500 resources in a template,
/// so between larger ones, which no update goes from or to, renames are not looked for, and
/// `diff` says so; the rest of the comparison is near linear.
#[test]
fn a_diff_of_templates_far_over_the_quota_ends_and_says_what_it_left_out() {
    let dir = tempfile::tempdir().unwrap();
    let topics = |prefix: &str| {
        let resources: serde_json::Map<String, serde_json::Value> = (0..20_000)
            .map(|i| {
                (
                    format!("{prefix}{i}"),
                    serde_json::json!({"Type": "AWS::SNS::Topic"}),
                )
            })
            .collect();
        serde_json::json!({ "Resources": resources }).to_string()
    };
    write(dir.path(), "old.json", &topics("Old"));
    write(dir.path(), "new.json", &topics("New"));
    let started = Instant::now();
    let r = run_in(dir.path(), &["diff", "old.json", "new.json"]);
    assert_eq!(r.code, 1, "{}", r.stderr);
    for file in ["old.json", "new.json"] {
        assert!(
            r.stderr.contains(&format!(
                "{file} has 20000 resources, more than the 500 CloudFormation accepts in one template"
            )) && r.stderr.contains("renamed resources were not looked for"),
            "{}",
            r.stderr
        );
    }
    assert!(
        !r.stdout.contains("looks renamed"),
        "no renames are claimed"
    );
    assert!(started.elapsed() < Duration::from_secs(60));
}
