//! Test support: property paths checked against the CloudFormation resource schemas that
//! cfn-lint ships (AWS's provider schemas), so a data table of paths cannot drift from them.

use std::io::Write;
use std::process::{Command, Stdio};

/// Fails the test if some `(resource type, dotted path)` is not in its type's schema (lists
/// are walked into). Skips loudly where python3 or cfn-lint is missing, unless
/// AIRGAP_REQUIRE_TOOLS is set.
pub(super) fn assert_in_schemas<'a>(paths: impl Iterator<Item = (&'a str, String)>) {
    let paths: Vec<(String, String)> = paths
        .map(|(ty, p)| (ty.to_string(), p.trim_start_matches('.').to_string()))
        .collect();
    let script = r#"
import json, sys
from cfnlint.schema import PROVIDER_SCHEMA_MANAGER as M
missing = []
for ty, path in json.load(sys.stdin):
    s = M.get_resource_schema("us-east-1", ty).schema
    defs = s.get("definitions", {})
    node = s
    for part in path.split("."):
        while True:
            if "$ref" in node:
                node = defs[node["$ref"].split("/")[-1]]
            elif node.get("type") == "array" or "items" in node:
                node = node["items"]
            else:
                break
        node = node.get("properties", {}).get(part)
        if node is None:
            missing.append(ty + " " + path)
            break
print(json.dumps(missing))
"#;
    let required =
        std::env::var_os("AIRGAP_REQUIRE_TOOLS").is_some_and(|v| !v.is_empty() && v != "0");
    let python = std::env::var("PYTHON").unwrap_or_else(|_| "python3".into());
    let child = Command::new(python)
        .args(["-c", script])
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn();
    let Ok(mut child) = child else {
        assert!(!required, "python3 is required");
        eprintln!(
            "\n!!! SKIPPED: python3 not found; paths NOT checked against cfn-lint's schemas !!!\n"
        );
        return;
    };
    let input = serde_json::to_string(&paths).expect("paths as JSON");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(input.as_bytes())
        .expect("write paths");
    let out = child.wait_with_output().expect("python3 runs");
    if !out.status.success() {
        assert!(
            !required,
            "cfn-lint's schemas are required: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        eprintln!(
            "\n!!! SKIPPED: cfn-lint not importable; paths NOT checked against its schemas !!!\n"
        );
        return;
    }
    let missing: Vec<String> = serde_json::from_slice(&out.stdout).expect("python3 prints JSON");
    assert!(missing.is_empty(), "not in the schemas: {missing:?}");
}
