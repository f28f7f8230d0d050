//! `airgap package`: the release folder it writes, replaces only with `--force`, never half-writes.

use crate::cli_run::{json, run_in, scratch};
use crate::common;

use std::process::Command;

use serde_json::Value;

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
