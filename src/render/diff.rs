//! A [`TemplateDiff`] for people: text for a terminal (coloured on request) and Markdown to
//! paste into a pull request. `allowed` names the risks the caller accepts (`--allow ID`):
//! they are shown as accepted and do not count.
//!
//! ```
//! use airgap::render::diff::{markdown, text};
//! use airgap::template::{Template, diff};
//! let old = Template::from_yaml("Outputs:\n  VpcId:\n    Value: vpc-1\n    Export: {Name: net-VpcId}\n")?;
//! let new = Template::from_yaml("Outputs: {}\n")?;
//! let d = diff(&old, &new);
//! assert!(text(&d, &[], false).contains("export net-VpcId removed"));
//! assert!(markdown(&d, &[]).contains("| `VpcId` | removed |"));
//! # Ok::<(), airgap::Error>(())
//! ```

use anstyle::{AnsiColor, Style};
use serde_json::Value;

use crate::catalog::upgrade::UpgradePlan;
use crate::template::{EntryAction, ResourceAction, ResourceChange, Risk, TemplateDiff};

/// The risks of a diff that `allowed` does not accept.
pub fn blocking_risks(d: &TemplateDiff, allowed: &[String]) -> Vec<Risk> {
    d.risks()
        .into_iter()
        .filter(|r| !allowed.contains(&r.id))
        .collect()
}

fn short(v: Option<&Value>) -> String {
    match v {
        None => "(none)".into(),
        Some(Value::String(s)) if s.len() <= 60 => s.clone(),
        Some(v) => {
            let s = v.to_string();
            if s.chars().count() <= 60 {
                s
            } else {
                let cut: String = s.chars().take(57).collect();
                format!("{cut}...")
            }
        }
    }
}

fn resource_line(r: &ResourceChange) -> String {
    let mut line = format!(
        "{} {} ({})",
        r.action.as_str(),
        r.logical_id,
        r.resource_type
    );
    if let Some(to) = &r.renamed_to {
        line.push_str(&format!(
            ", looks renamed to {to}: keep the logical ID {} to update it in place",
            r.logical_id
        ));
    }
    if let Some(from) = &r.renamed_from {
        line.push_str(&format!(", looks renamed from {from}"));
    }
    if let Some(fate) = r.fate {
        let what = match fate.as_str() {
            "retained" => "the old one is retained (an orphan, no longer managed by the stack)",
            "snapshot" => "the old one is deleted after a snapshot",
            _ => "the old one is deleted",
        };
        line.push_str(&format!("; {what}"));
    }
    if let Some(why) = r.stateful.filter(|_| r.is_risky()) {
        line.push_str(&format!("; stateful: {why}"));
    }
    line
}

/// The style of a change's line: green for added, yellow for modified, bold red for what
/// removes or replaces a resource.
fn colour(action: ResourceAction, on: bool) -> Style {
    match (on, action) {
        (false, _) => Style::new(),
        (true, ResourceAction::Added) => AnsiColor::Green.on_default(),
        (true, ResourceAction::Modified) => AnsiColor::Yellow.on_default(),
        (true, _) => AnsiColor::Red.on_default().bold(),
    }
}

/// The diff as text, one line per change with the changed paths indented below; `color` adds
/// ANSI colours (for a terminal).
pub fn text(d: &TemplateDiff, allowed: &[String], color: bool) -> String {
    let mut out = String::new();
    if d.is_empty() {
        out.push_str("no changes\n");
        return out;
    }
    for r in &d.resources {
        let style = colour(r.action, color);
        out.push_str(&format!("{style}{}{style:#}\n", resource_line(r)));
        for why in &r.causes {
            out.push_str(&format!("    because {why}\n"));
        }
        for p in &r.via_parameters {
            out.push_str(&format!(
                "    through the parameter {p}, whose default changes\n"
            ));
        }
        for p in &r.properties {
            out.push_str(&format!(
                "    {}: {} -> {}\n",
                p.path,
                short(p.old.as_ref()),
                short(p.new.as_ref())
            ));
        }
    }
    for p in &d.parameters {
        let mut line = format!("parameter {} {}", p.name, p.action.as_str());
        if !p.fields.is_empty() {
            line.push_str(&format!(" ({})", p.fields.join(", ")));
        }
        if p.action == EntryAction::Added && !p.has_default {
            line.push_str(", without a default");
        }
        out.push_str(&line);
        out.push('\n');
    }
    for o in &d.outputs {
        out.push_str(&format!("output {} {}", o.name, o.action.as_str()));
        match (&o.old_export, &o.new_export) {
            (Some(a), Some(b)) if a != b => out.push_str(&format!(", export {a} renamed to {b}")),
            (Some(a), None) => out.push_str(&format!(", export {a} removed")),
            (None, Some(b)) => out.push_str(&format!(", exported as {b}")),
            _ => {}
        }
        if o.value_changes {
            out.push_str(", value changes");
        }
        out.push('\n');
    }
    for s in &d.sections {
        let name = if s.name.is_empty() {
            String::new()
        } else {
            format!(" {}", s.name)
        };
        out.push_str(&format!("{}{name} {}\n", s.section, s.action.as_str()));
    }
    summary(d, allowed, &mut out, |r| {
        format!("risk: {}: {}\n", r.id, r.message)
    });
    out
}

fn summary(d: &TemplateDiff, allowed: &[String], out: &mut String, line: impl Fn(&Risk) -> String) {
    let risks = d.risks();
    for r in &risks {
        if allowed.contains(&r.id) {
            out.push_str(&line(r).replacen(": ", " (allowed): ", 1));
        } else {
            out.push_str(&line(r));
        }
    }
    let blocking = risks.iter().filter(|r| !allowed.contains(&r.id)).count();
    out.push_str(&format!(
        "{} resource change(s), {} risk(s), {blocking} not allowed\n",
        d.resources.len(),
        risks.len()
    ));
}

fn cell(s: &str) -> String {
    s.replace('|', "\\|").replace('\n', " ")
}

/// The diff as Markdown: a table of resources, then parameters, outputs and the risks.
pub fn markdown(d: &TemplateDiff, allowed: &[String]) -> String {
    let mut out = String::from("## What this update does to running stacks\n\n");
    if d.is_empty() {
        out.push_str("No changes.\n");
        return out;
    }
    if !d.resources.is_empty() {
        out.push_str("| Resource | Type | Action | Changed | Why |\n|---|---|---|---|---|\n");
        for r in &d.resources {
            let paths: Vec<String> = r
                .properties
                .iter()
                .map(|p| format!("`{}`", p.path))
                .collect();
            let mut why: Vec<String> = r.causes.clone();
            if !r.via_parameters.is_empty() {
                why.push(format!(
                    "through the parameter(s) {}",
                    r.via_parameters.join(", ")
                ));
            }
            if let Some(to) = &r.renamed_to {
                why.push(format!("looks renamed to `{to}`: keep the logical ID"));
            }
            if let Some(fate) = r.fate {
                why.push(format!("old one {}", fate.as_str()));
            }
            let why = why.join("; ");
            let action = match r.action {
                ResourceAction::Replaced
                | ResourceAction::Removed
                | ResourceAction::MayReplace
                | ResourceAction::MayRemove => {
                    format!("**{}**", r.action.as_str())
                }
                a => a.as_str().to_string(),
            };
            out.push_str(&format!(
                "| `{}` | {} | {action} | {} | {} |\n",
                r.logical_id,
                r.resource_type,
                paths.join(", "),
                cell(&why)
            ));
        }
        out.push('\n');
    }
    if !d.parameters.is_empty() {
        out.push_str("| Parameter | Action | Fields | Default |\n|---|---|---|---|\n");
        for p in &d.parameters {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} |\n",
                p.name,
                p.action.as_str(),
                p.fields.join(", "),
                if p.has_default { "yes" } else { "**no**" }
            ));
        }
        out.push('\n');
    }
    if !d.outputs.is_empty() {
        out.push_str("| Output | Action | Export before | Export after | Value changes |\n|---|---|---|---|---|\n");
        for o in &d.outputs {
            out.push_str(&format!(
                "| `{}` | {} | {} | {} | {} |\n",
                o.name,
                o.action.as_str(),
                cell(o.old_export.as_deref().unwrap_or("")),
                cell(o.new_export.as_deref().unwrap_or("")),
                if o.value_changes { "yes" } else { "no" }
            ));
        }
        out.push('\n');
    }
    for s in &d.sections {
        out.push_str(&format!(
            "- {} `{}` {}\n",
            s.section,
            s.name,
            s.action.as_str()
        ));
    }
    if !d.sections.is_empty() {
        out.push('\n');
    }
    summary(d, allowed, &mut out, |r| {
        format!("- **risk**: `{}`: {}\n", r.id, cell(&r.message))
    });
    out
}

/// `UPGRADE.md` of a release built on a previous one: per product, the version it replaces and
/// what the update does to the stacks provisioned from it.
pub fn upgrade_markdown(plan: &UpgradePlan) -> String {
    let mut out = format!(
        "# Upgrade from {}\n\nWhat updating a provisioned product to this release's version does. Earlier versions stay in the portfolio until retired.\n",
        plan.previous.display()
    );
    for u in &plan.products {
        out.push_str(&format!("\n## {}\n\n", u.product));
        match (&u.from, &u.diff) {
            (None, _) => out.push_str(&format!("New product: {} is its first version.\n", u.to)),
            (Some(from), None) => {
                out.push_str(&format!("Unchanged: the current version stays {from}.\n"))
            }
            (Some(from), Some(d)) => {
                out.push_str(&format!("From {from} to {}.\n\n", u.to));
                out.push_str(&markdown(d, &[]).replacen(
                    "## What this update does to running stacks\n\n",
                    "",
                    1,
                ));
            }
        }
        if !u.carried.is_empty() {
            out.push_str(&format!(
                "\nKept in the portfolio: {}.\n",
                u.carried.join(", ")
            ));
        }
        if !u.retired.is_empty() {
            out.push_str(&format!("\nRetired: {}.\n", u.retired.join(", ")));
        }
    }
    out
}
