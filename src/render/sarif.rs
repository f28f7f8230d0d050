//! SARIF 2.1.0 logs of `airgap check` findings and `airgap diff` risks, in the shape GitHub code
//! scanning accepts: one run, the rules with their help text, and results with a level, a
//! message and a location (the file and the line where the resource, output or parameter is
//! declared, found in the template's text).
//!
//! ```
//! use airgap::analysis::check;
//! use airgap::render::sarif::check_log;
//! use airgap::template::Template;
//! let text = "Resources:\n  Igw:\n    Type: AWS::EC2::InternetGateway\n";
//! let log = check_log(&[("stack.yaml".into(), text.into(), check(&Template::parse(text)?))]);
//! assert_eq!(log["version"], "2.1.0");
//! let result = &log["runs"][0]["results"][0];
//! assert_eq!(result["ruleId"], "AG-NET-001");
//! assert_eq!(result["locations"][0]["physicalLocation"]["region"]["startLine"], 2);
//! # Ok::<(), airgap::Error>(())
//! ```

use serde_json::{Value, json};

use crate::analysis::{Finding, RULES, Severity};
use crate::template::TemplateDiff;

const SCHEMA: &str = "https://json.schemastore.org/sarif-2.1.0.json";

/// The rules of `airgap diff`: ID, risk kind, title, help.
const DIFF_RULES: &[(&str, &str, &str, &str)] = &[
    (
        "AG-DIFF-001",
        "stateful-replaced",
        "A stateful resource is replaced",
        "The update creates a new resource and deletes (or orphans, with UpdateReplacePolicy: Retain) the old one with what it holds. Keep the create-only properties and the logical ID as they were, or allow it (--allow ID) when the replacement is intended.",
    ),
    (
        "AG-DIFF-002",
        "stateful-removed",
        "A stateful resource is removed",
        "The update deletes the resource (or orphans it, with DeletionPolicy: Retain). If it was renamed, keep its logical ID; otherwise allow it (--allow ID) when the removal is intended.",
    ),
    (
        "AG-DIFF-003",
        "export-removed",
        "An export is removed or renamed",
        "CloudFormation refuses to remove an export that another stack imports. Keep the export, or remove the imports first.",
    ),
    (
        "AG-DIFF-004",
        "export-changed",
        "The value of an export changes",
        "CloudFormation refuses to change an export that another stack imports. Keep the value, or remove the imports first.",
    ),
    (
        "AG-DIFF-005",
        "required-parameter-added",
        "A parameter without a default is added",
        "An update of a running stack must now give the parameter a value. Give it a default.",
    ),
];

fn level(s: Severity) -> &'static str {
    match s {
        Severity::Error => "error",
        Severity::Warning => "warning",
        Severity::Info => "note",
    }
}

/// The line (from 1) where `id` is declared as a key of `section` (`Resources`, `Outputs`,
/// `Parameters`) in a JSON or YAML template's text; the line of the section, or 1, when the
/// key is not found.
pub fn declaration_line(text: &str, section: &str, id: &str) -> usize {
    let keys = [
        format!("\"{section}\""),
        format!("{section}:"),
        format!("'{section}'"),
    ];
    let ids = [format!("\"{id}\""), format!("{id}:"), format!("'{id}'")];
    let mut section_line = None;
    for (n, line) in text.lines().enumerate() {
        let t = line.trim_start();
        if section_line.is_none() {
            if keys.iter().any(|k| t.starts_with(k.as_str())) {
                section_line = Some(n + 1);
            }
            continue;
        }
        let declares = ids.iter().any(|k| {
            t.strip_prefix(k.as_str())
                .is_some_and(|rest| k.ends_with(':') || rest.trim_start().starts_with(':'))
        });
        if declares {
            return n + 1;
        }
    }
    section_line.unwrap_or(1)
}

/// A file name as a URI reference: `/` separators, and characters a URI may not hold
/// percent-encoded; stdin (`<stdin>`) is `stdin`.
pub fn file_uri(name: &str) -> String {
    if name == "<stdin>" || name == "-" {
        return "stdin".into();
    }
    let mut out = String::with_capacity(name.len());
    for b in name.replace('\\', "/").bytes() {
        if b.is_ascii_alphanumeric() || b"-._~/:@!$&'()*+,;=".contains(&b) {
            out.push(b as char);
        } else {
            out.push_str(&format!("%{b:02X}"));
        }
    }
    out
}

fn location(uri: &str, line: usize, id: &str, kind: &str) -> Value {
    json!({
        "physicalLocation": {
            "artifactLocation": {"uri": file_uri(uri)},
            "region": {"startLine": line}
        },
        "logicalLocations": [{"name": id, "kind": kind}]
    })
}

fn log(rules: Vec<Value>, results: Vec<Value>, uris: &[&str]) -> Value {
    let artifacts: Vec<Value> = uris
        .iter()
        .map(|u| json!({"location": {"uri": u}}))
        .collect();
    json!({
        "$schema": SCHEMA,
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {
                "name": "airgap",
                "version": env!("CARGO_PKG_VERSION"),
                "rules": rules,
            }},
            "artifacts": artifacts,
            "results": results,
        }]
    })
}

/// The SARIF log of `airgap check` over files given as (URI, text, findings).
pub fn check_log(files: &[(String, String, Vec<Finding>)]) -> Value {
    let rules: Vec<Value> = RULES
        .iter()
        .map(|r| {
            json!({
                "id": r.id,
                "name": r.title,
                "shortDescription": {"text": r.title},
                "fullDescription": {"text": r.rationale},
                "help": {"text": format!("{} Fix: {}", r.rationale, r.fix),
                         "markdown": format!("{}\n\n**Fix:** {}", r.rationale, r.fix)},
                "defaultConfiguration": {"level": level(r.severity)},
                "properties": {"tags": ["security", format!("{:?}", r.category).to_lowercase()]},
            })
        })
        .collect();
    let mut results = Vec::new();
    for (uri, text, findings) in files {
        for f in findings {
            let index = RULES.iter().position(|r| r.id == f.rule.id).unwrap_or(0);
            let line = declaration_line(text, "Resources", &f.resource);
            let mut result = json!({
                "ruleId": f.rule.id,
                "ruleIndex": index,
                "level": level(f.rule.severity),
                "message": {"text": format!("{}: {}", f.resource, f.message)},
                "locations": [location(uri, line, &f.resource, "resource")],
            });
            if let Some(reason) = &f.suppressed {
                result["suppressions"] = json!([{"kind": "inSource", "justification": reason}]);
            }
            results.push(result);
        }
    }
    let uris: Vec<&str> = files.iter().map(|(u, _, _)| u.as_str()).collect();
    log(rules, results, &uris)
}

/// The SARIF log of `airgap diff`: one result per risk, at the new template's declaration (or
/// the old one's, for what was removed); risks in `allowed` are reported as suppressed.
pub fn diff_log(d: &TemplateDiff, allowed: &[String], uri: &str, text: &str) -> Value {
    let rules: Vec<Value> = DIFF_RULES
        .iter()
        .map(|(id, kind, title, help)| {
            json!({
                "id": id,
                "name": kind,
                "shortDescription": {"text": title},
                "help": {"text": help, "markdown": help},
                "defaultConfiguration": {"level": "error"},
                "properties": {"tags": ["upgrade-safety"]},
            })
        })
        .collect();
    let results: Vec<Value> = d
        .risks()
        .iter()
        .map(|risk| {
            let index = DIFF_RULES
                .iter()
                .position(|(_, k, _, _)| *k == risk.kind)
                .unwrap_or(0);
            let (section, kind) = match risk.kind {
                "export-removed" | "export-changed" => ("Outputs", "member"),
                "required-parameter-added" => ("Parameters", "parameter"),
                _ => ("Resources", "resource"),
            };
            let line = declaration_line(text, section, &risk.id);
            let mut result = json!({
                "ruleId": DIFF_RULES[index].0,
                "ruleIndex": index,
                "level": "error",
                "message": {"text": risk.message},
                "locations": [location(uri, line, &risk.id, kind)],
            });
            if allowed.contains(&risk.id) {
                result["suppressions"] =
                    json!([{"kind": "external", "justification": "allowed with --allow"}]);
            }
            result
        })
        .collect();
    log(rules, results, &[uri])
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn file_names_become_uri_references() {
        assert_eq!(
            file_uri("templates/my stack.yaml"),
            "templates/my%20stack.yaml"
        );
        assert_eq!(file_uri("<stdin>"), "stdin");
        assert_eq!(file_uri("a\\b.json"), "a/b.json");
    }

    #[test]
    fn declarations_are_found_in_json_and_yaml() {
        let json = "{\n  \"Parameters\": {\"Vpc\": {}},\n  \"Resources\": {\n    \"Vpc\": {\n";
        assert_eq!(declaration_line(json, "Resources", "Vpc"), 4);
        let yaml = "Parameters:\n  Vpc: {}\nResources:\n  VpcX:\n  Vpc:\n    Type: x\n";
        assert_eq!(declaration_line(yaml, "Resources", "Vpc"), 5);
        assert_eq!(declaration_line(yaml, "Resources", "Gone"), 3);
    }
}
