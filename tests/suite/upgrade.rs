//! `airgap package --previous DIR`: a release built on the previous one keeps its versions byte
//! for byte, says what each update does (UPGRADE.md, `upgrade_from`), and refuses a risky one.

use std::path::{Path, PathBuf};
use std::process::Command;

use serde_json::Value;

fn folder(name: &str) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"))
        .join("upgrade")
        .join(name);
    let _ = std::fs::remove_dir_all(&dir);
    std::fs::create_dir_all(&dir).expect("scratch folder");
    dir
}

fn package(out: &Path, args: &[&str]) -> (i32, String) {
    let o = Command::new(env!("CARGO_BIN_EXE_airgap"))
        .arg("package")
        .arg("--out")
        .arg(out)
        .args(args)
        .env("NO_COLOR", "1")
        .output()
        .expect("run airgap");
    (
        o.status.code().expect("exited"),
        String::from_utf8_lossy(&o.stderr).into_owned(),
    )
}

fn manifest(dir: &Path) -> Value {
    serde_json::from_str(&std::fs::read_to_string(dir.join("manifest.json")).unwrap()).unwrap()
}

fn product<'a>(m: &'a Value, name: &str) -> &'a Value {
    m["products"]
        .as_array()
        .unwrap()
        .iter()
        .find(|p| p["name"] == name)
        .unwrap()
}

fn version_names(p: &Value) -> Vec<String> {
    p["versions"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v["name"].as_str().unwrap().to_string())
        .collect()
}

/// The first release, written once per test.
fn first_release(root: &Path) -> PathBuf {
    let r1 = root.join("release-1.0");
    let (code, err) = package(&r1, &["--bucket", "my_secure_bucket"]);
    assert_eq!(code, 0, "{err}");
    r1
}

#[test]
fn an_in_place_update_adds_a_version_and_keeps_the_old_one_byte_for_byte() {
    let root = folder("in-place");
    let r1 = first_release(&root);
    let r2 = root.join("release-1.1");
    let args = [
        "--previous",
        r1.to_str().unwrap(),
        "--release-version",
        "1.1.0",
        "--bucket",
        "other_bucket",
    ];
    let (code, err) = package(&r2, &args);
    assert_eq!(code, 0, "{err}");
    let (m1, m2) = (manifest(&r1), manifest(&r2));
    let old = product(&m1, "network-endpoints");
    let new = product(&m2, "network-endpoints");
    let old_name = old["versions"][0]["name"].as_str().unwrap();
    let names = version_names(new);
    assert_eq!(names.len(), 2, "{names:?}");
    assert_eq!(names[0], old_name, "the previous version is kept first");
    assert!(names[1].starts_with("1.1.0-"), "{names:?}");
    assert_eq!(new["current"], names[1].as_str());
    // The carried-over template is the previous release's file, byte for byte.
    let file = old["versions"][0]["file"].as_str().unwrap();
    assert_eq!(
        std::fs::read(r1.join(file)).unwrap(),
        std::fs::read(r2.join(file)).unwrap()
    );
    // The bucket is the default of a parameter the S3 endpoint's policy reads: the endpoint is
    // updated in place through it, nothing is replaced, nothing is risky.
    let from = &new["upgrade_from"];
    assert_eq!(from["version"], old_name);
    assert_eq!(from["risks"], Value::Array(vec![]));
    let resources = from["diff"]["resources"].as_array().unwrap();
    assert_eq!(resources.len(), 1, "{resources:?}");
    assert_eq!(resources[0]["logical_id"], "S3GatewayEndpoint");
    assert_eq!(resources[0]["action"], "modified");
    assert_eq!(resources[0]["via_parameters"][0], "DataBucketNames");
    assert_eq!(from["diff"]["parameters"][0]["name"], "DataBucketNames");
    assert_eq!(from["diff"]["parameters"][0]["fields"][0], "Default");
    // The VPC product did not change: its current version stays the previous one.
    let vpc = product(&m2, "network-vpc");
    assert_eq!(
        version_names(vpc),
        version_names(product(&m1, "network-vpc"))
    );
    assert_eq!(vpc["upgrade_from"]["unchanged"], true);
    // The portfolio offers both versions of the changed product.
    let portfolio = std::fs::read_to_string(r2.join("portfolio.template.json")).unwrap();
    for n in &names {
        assert!(portfolio.contains(&format!("\"Name\": \"{n}\"")), "{n}");
    }
    let upgrade = std::fs::read_to_string(r2.join("UPGRADE.md")).unwrap();
    assert!(
        upgrade.contains(&format!("From {old_name} to {}", names[1])),
        "{upgrade}"
    );
    assert!(
        upgrade.contains("| `DataBucketNames` | modified | Default | yes |"),
        "{upgrade}"
    );
    assert!(
        upgrade.contains("Unchanged: the current version stays 1.0.0-"),
        "{upgrade}"
    );
}

#[test]
fn a_stateful_replacement_is_refused_and_nothing_is_written_unless_allowed() {
    let root = folder("refused");
    let r1 = first_release(&root);
    let r2 = root.join("release-1.1");
    let prev = r1.to_str().unwrap();
    let args = [
        "--previous",
        prev,
        "--release-version",
        "1.1.0",
        "--bucket",
        "my_secure_bucket",
        "--cidr",
        "10.1.0.0/16",
    ];
    let (code, err) = package(&r2, &args);
    assert_eq!(code, 1, "{err}");
    assert!(
        err.contains("refused: network-vpc")
            && err.contains("DataScienceVpc (AWS::EC2::VPC) may be replaced"),
        "{err}"
    );
    assert!(!r2.exists(), "nothing is written");
    let allowed: Vec<&str> = args
        .iter()
        .copied()
        .chain(["--allow-replacements"])
        .collect();
    let (code, err) = package(&r2, &allowed);
    assert_eq!(code, 0, "{err}");
    let m2 = manifest(&r2);
    let risks = &product(&m2, "network-vpc")["upgrade_from"]["risks"];
    assert!(
        risks
            .as_array()
            .unwrap()
            .iter()
            .any(|r| r["id"] == "DataScienceVpc"),
        "{risks}"
    );
}

#[test]
fn a_label_that_goes_backwards_or_a_vanished_product_is_refused() {
    let root = folder("labels");
    let r1 = first_release(&root);
    let prev = r1.to_str().unwrap();
    let r2 = root.join("release-0.9");
    let (code, err) = package(
        &r2,
        &[
            "--previous",
            prev,
            "--release-version",
            "0.9.0",
            "--bucket",
            "other_bucket",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("does not come after the previous release's `1.0.0`"),
        "{err}"
    );
    let (code, err) = package(
        &r2,
        &[
            "--previous",
            prev,
            "--release-version",
            "1.1.0",
            "--bucket",
            "my_secure_bucket",
            "--no-split",
        ],
    );
    assert_eq!(code, 1);
    assert!(
        err.contains("network-vpc: the product is in the previous release but not in this one"),
        "{err}"
    );
    assert!(!r2.exists());
    // Retiring every version of the three products lets them go.
    let mut args = vec![
        "--previous",
        prev,
        "--release-version",
        "1.1.0",
        "--bucket",
        "my_secure_bucket",
        "--no-split",
    ];
    for p in [
        "network-vpc@1.0.0",
        "network-security-groups@1.0.0",
        "network-endpoints@1.0.0",
    ] {
        args.extend(["--retire", p]);
    }
    let (code, err) = package(&r2, &args);
    assert_eq!(code, 0, "{err}");
    assert_eq!(manifest(&r2)["products"].as_array().unwrap().len(), 1);
}

#[test]
fn a_retired_version_leaves_the_portfolio() {
    let root = folder("retire");
    let r1 = first_release(&root);
    let prev = r1.to_str().unwrap();
    let r2 = root.join("release-1.1");
    let args = [
        "--previous",
        prev,
        "--release-version",
        "1.1.0",
        "--bucket",
        "other_bucket",
        "--retire",
        "network-endpoints@1.0.0",
    ];
    let (code, err) = package(&r2, &args);
    assert_eq!(code, 0, "{err}");
    let m2 = manifest(&r2);
    let endpoints = product(&m2, "network-endpoints");
    let names = version_names(endpoints);
    assert_eq!(names.len(), 1, "{names:?}");
    assert!(names[0].starts_with("1.1.0-"));
    assert_eq!(
        endpoints["upgrade_from"]["retired"]
            .as_array()
            .unwrap()
            .len(),
        1
    );
    // An unknown version is bad input.
    let (code, err) = package(
        &root.join("x"),
        &["--previous", prev, "--retire", "network-endpoints@7.0.0"],
    );
    assert_eq!(code, 2);
    assert!(
        err.contains("no version `7.0.0` of product `network-endpoints`"),
        "{err}"
    );
}

#[test]
fn an_edited_previous_release_is_bad_input() {
    let root = folder("edited");
    let r1 = first_release(&root);
    let m = manifest(&r1);
    let file = product(&m, "network-vpc")["versions"][0]["file"]
        .as_str()
        .unwrap()
        .to_string();
    let path = r1.join(&file);
    let text = std::fs::read_to_string(&path).unwrap();
    std::fs::write(&path, text.replace("10.0.0.0/16", "10.9.0.0/16")).unwrap();
    let (code, err) = package(
        &root.join("r2"),
        &[
            "--previous",
            r1.to_str().unwrap(),
            "--release-version",
            "1.1.0",
        ],
    );
    assert_eq!(code, 2);
    assert!(err.contains("does not match its sha256"), "{err}");
}
