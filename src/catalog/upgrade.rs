//! A release that follows an earlier one: what each product's new version does to the stacks
//! provisioned from the previous release's current version, which earlier versions the new
//! portfolio keeps (carried over byte for byte, so provisioned products keep their provisioning
//! artifact and can still be updated from it), and what stops the release.
//!
//! [`Previous::read`] reads the earlier release folder (its `manifest.json` and product files);
//! [`plan`] compares; [`annotate_manifest`] writes the result into the new manifest.

use std::cmp::Ordering;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::product::{Product, ProductVersion, sha256_hex};
use crate::error::{Error, Result};
use crate::template::{Template, TemplateDiff, diff};

/// One version of a product in the previous release, read from its folder.
#[derive(Debug, Clone)]
pub struct PreviousVersion {
    /// The label it was given (`1.0.0`).
    pub label: String,
    /// Its version name, label and content hash (`1.0.0-7f77e7c9`).
    pub name: String,
    /// Its SHA-256, as the manifest gives it and the bytes confirm.
    pub sha256: String,
    /// The template, as read.
    pub template: Template,
}

/// A product of the previous release, its versions oldest first.
#[derive(Debug, Clone)]
pub struct PreviousProduct {
    /// The product's slug.
    pub name: String,
    /// Its versions, as the manifest lists them.
    pub versions: Vec<PreviousVersion>,
    /// The name of its current version.
    pub current: String,
}

impl PreviousProduct {
    fn current(&self) -> &PreviousVersion {
        self.versions
            .iter()
            .find(|v| v.name == self.current)
            .unwrap_or_else(|| &self.versions[self.versions.len() - 1])
    }
}

/// The previous release folder, read and verified.
#[derive(Debug, Clone)]
pub struct Previous {
    /// The folder it was read from.
    pub dir: PathBuf,
    /// Its products.
    pub products: Vec<PreviousProduct>,
}

fn bad(dir: &Path, message: impl Into<String>) -> Error {
    Error::invalid(
        format!("previous release {}", dir.display()),
        "manifest.json",
        message,
    )
}

fn field<'a>(v: &'a Value, key: &str, dir: &Path) -> Result<&'a str> {
    v[key]
        .as_str()
        .ok_or_else(|| bad(dir, format!("`{key}` is missing or not a string in {v}")))
}

impl Previous {
    /// Reads `dir/manifest.json` and every product file it lists, checking each file's SHA-256
    /// against the manifest and that the template reads back to the very same bytes (so the
    /// new release can carry it over unchanged).
    pub fn read(dir: &Path) -> Result<Previous> {
        let manifest_path = dir.join("manifest.json");
        let text = std::fs::read_to_string(&manifest_path)
            .map_err(|e| Error::io("read", &manifest_path, e))?;
        let manifest: Value =
            serde_json::from_str(&text).map_err(|e| bad(dir, format!("not JSON: {e}")))?;
        let Some(products) = manifest["products"].as_array() else {
            return Err(bad(
                dir,
                "no `products` list; is this an airgap release folder?",
            ));
        };
        let mut out = Vec::new();
        for p in products {
            let name = field(p, "name", dir)?.to_string();
            let mut versions = Vec::new();
            for v in p["versions"].as_array().into_iter().flatten() {
                versions.push(read_version(dir, v)?);
            }
            let Some(last) = versions.last() else {
                return Err(bad(dir, format!("product `{name}` lists no version")));
            };
            let current = p["current"].as_str().unwrap_or(&last.name).to_string();
            if !versions.iter().any(|v| v.name == current) {
                return Err(bad(
                    dir,
                    format!("product `{name}`: current version `{current}` is not listed"),
                ));
            }
            out.push(PreviousProduct {
                name,
                versions,
                current,
            });
        }
        Ok(Previous {
            dir: dir.to_path_buf(),
            products: out,
        })
    }

    fn product(&self, name: &str) -> Option<&PreviousProduct> {
        self.products.iter().find(|p| p.name == name)
    }
}

fn read_version(dir: &Path, v: &Value) -> Result<PreviousVersion> {
    let file = field(v, "file", dir)?;
    if file.split('/').any(|part| part == ".." || part.is_empty()) || file.starts_with('/') {
        return Err(bad(
            dir,
            format!("the file `{file}` is not inside the release folder"),
        ));
    }
    let path = dir.join(file);
    let body = std::fs::read_to_string(&path).map_err(|e| Error::io("read", &path, e))?;
    let sha256 = field(v, "sha256", dir)?.to_string();
    if sha256_hex(body.as_bytes()) != sha256 {
        return Err(bad(
            dir,
            format!(
                "{file} does not match its sha256 in the manifest: the folder was changed after it was written"
            ),
        ));
    }
    let template = Template::from_json(&body)?;
    if template.to_json_pretty() != body {
        return Err(bad(
            dir,
            format!(
                "{file} does not read back to the same bytes, so it cannot be carried over unchanged; was it written by airgap?"
            ),
        ));
    }
    Ok(PreviousVersion {
        label: field(v, "label", dir)?.to_string(),
        name: field(v, "name", dir)?.to_string(),
        sha256,
        template,
    })
}

/// `1.10.0` after `1.9.0`: labels compared by their dot- and dash-separated parts, numbers as
/// numbers, and a label with a pre-release part (`1.1.0-rc1`) before the one without.
pub fn compare_labels(a: &str, b: &str) -> Ordering {
    let (a_main, a_pre) = a.split_once('-').map_or((a, None), |(m, p)| (m, Some(p)));
    let (b_main, b_pre) = b.split_once('-').map_or((b, None), |(m, p)| (m, Some(p)));
    let parts = |s: &str| -> Vec<(u64, String)> {
        s.split(['.', '+'])
            .map(|p| (p.parse::<u64>().unwrap_or(u64::MAX), p.to_string()))
            .collect()
    };
    parts(a_main)
        .cmp(&parts(b_main))
        .then_with(|| match (a_pre, b_pre) {
            (None, None) => Ordering::Equal,
            (Some(_), None) => Ordering::Less,
            (None, Some(_)) => Ordering::Greater,
            (Some(x), Some(y)) => parts(x).cmp(&parts(y)),
        })
}

/// What the new release does to one product.
#[derive(Debug, Clone)]
pub struct ProductUpgrade {
    /// The product's slug.
    pub product: String,
    /// The previous current version's name, if the product was in the previous release.
    pub from: Option<String>,
    /// The new current version's name.
    pub to: String,
    /// The new version's label (the previous one's, when the template did not change).
    pub label: String,
    /// What an update from `from` to `to` does; `None` for a new or unchanged product.
    pub diff: Option<TemplateDiff>,
    /// Earlier versions kept in the portfolio, oldest first.
    pub carried: Vec<String>,
    /// Earlier versions retired with `--retire`.
    pub retired: Vec<String>,
}

/// The comparison of a new release with the previous one. Built by [`plan`].
#[derive(Debug, Clone)]
pub struct UpgradePlan {
    /// The previous release folder.
    pub previous: PathBuf,
    /// Each product of the new release.
    pub products: Vec<ProductUpgrade>,
    /// Why the release must not be written, each reason a sentence; empty when it may.
    pub refusals: Vec<String>,
    carry: Vec<(String, Vec<ProductVersion>)>,
    unchanged: Vec<String>,
}

impl UpgradePlan {
    /// The earlier versions to keep, per product, for
    /// [`NetworkPortfolio::earlier_versions`](crate::patterns::portfolio::NetworkPortfolio::earlier_versions).
    pub fn carried_versions(&self) -> &[(String, Vec<ProductVersion>)] {
        &self.carry
    }

    /// The products whose template did not change: their current version stays the previous one.
    pub fn unchanged(&self) -> &[String] {
        &self.unchanged
    }
}

/// A `--retire PRODUCT@LABEL` argument: `network-vpc@1.0.0` or `network-vpc@1.0.0-7f77e7c9`.
pub fn parse_retire(s: &str) -> Result<(String, String)> {
    s.split_once('@')
        .filter(|(p, l)| !p.is_empty() && !l.is_empty())
        .map(|(p, l)| (p.to_string(), l.to_string()))
        .ok_or_else(|| {
            Error::invalid(
                "--retire",
                s,
                "expected PRODUCT@LABEL, such as network-vpc@1.0.0",
            )
        })
}

/// Compares the new release's `products` (one current version each) with `previous`.
///
/// A product's new version is refused when its label does not go forward, and when updating to
/// it is risky (a stateful resource replaced or removed, an export removed or changed, a
/// parameter without a default added) unless `allow_replacements`; a product of the previous
/// release that is missing from the new one is refused unless every version of it is retired.
pub fn plan(
    previous: &Previous,
    products: &[Product],
    retire: &[(String, String)],
    allow_replacements: bool,
) -> Result<UpgradePlan> {
    for (product, label) in retire {
        let found = previous.product(product).is_some_and(|p| {
            p.versions
                .iter()
                .any(|v| &v.label == label || &v.name == label)
        });
        if !found {
            return Err(Error::invalid(
                "--retire",
                format!("{product}@{label}"),
                format!(
                    "the previous release {} has no version `{label}` of product `{product}`",
                    previous.dir.display()
                ),
            ));
        }
    }
    let retired = |p: &str, v: &PreviousVersion| {
        retire
            .iter()
            .any(|(rp, rl)| rp == p && (*rl == v.label || *rl == v.name))
    };
    let mut plan = UpgradePlan {
        previous: previous.dir.clone(),
        products: Vec::new(),
        refusals: Vec::new(),
        carry: Vec::new(),
        unchanged: Vec::new(),
    };
    for product in products {
        let rel = product.release()?;
        let Some(new) = rel.versions.last() else {
            continue;
        };
        let Some(prev) = previous.product(&rel.name) else {
            plan.products.push(ProductUpgrade {
                product: rel.name.clone(),
                from: None,
                to: new.name.clone(),
                label: new.label.clone(),
                diff: None,
                carried: Vec::new(),
                retired: Vec::new(),
            });
            continue;
        };
        let kept: Vec<&PreviousVersion> = prev
            .versions
            .iter()
            .filter(|v| !retired(&prev.name, v))
            .collect();
        let same = kept.iter().find(|v| v.sha256 == new.sha256);
        let current = prev.current();
        let mut upgrade = ProductUpgrade {
            product: rel.name.clone(),
            from: Some(current.name.clone()),
            to: same.map_or_else(|| new.name.clone(), |v| v.name.clone()),
            label: same.map_or_else(|| new.label.clone(), |v| v.label.clone()),
            diff: None,
            carried: kept.iter().map(|v| v.name.clone()).collect(),
            retired: prev
                .versions
                .iter()
                .filter(|v| retired(&prev.name, v))
                .map(|v| v.name.clone())
                .collect(),
        };
        if same.is_some() {
            plan.unchanged.push(rel.name.clone());
        } else {
            if compare_labels(&new.label, &current.label) != Ordering::Greater {
                plan.refusals.push(format!(
                    "{}: the new version's label `{}` does not come after the previous release's `{}`; give it a later one (--release-version)",
                    rel.name, new.label, current.label
                ));
            }
            if kept.iter().any(|v| v.label == new.label) {
                plan.refusals.push(format!(
                    "{}: the label `{}` is already a version with other bytes",
                    rel.name, new.label
                ));
            }
            let d = diff(&current.template, &new.template);
            if !allow_replacements {
                for risk in d.risks() {
                    plan.refusals.push(format!(
                        "{}: updating {} to {}: {} (pass --allow-replacements if this is intended)",
                        rel.name, current.name, new.name, risk.message
                    ));
                }
            }
            upgrade.diff = Some(d);
        }
        let versions = kept
            .iter()
            .map(|v| ProductVersion::new(v.label.clone(), v.template.clone()))
            .collect();
        plan.carry.push((rel.name.clone(), versions));
        plan.products.push(upgrade);
    }
    for prev in &previous.products {
        let kept = prev
            .versions
            .iter()
            .filter(|v| !retired(&prev.name, v))
            .count();
        if kept > 0 && !plan.products.iter().any(|p| p.product == prev.name) {
            plan.refusals.push(format!(
                "{}: the product is in the previous release but not in this one; provisioned products still run on it: keep it, or retire its versions with --retire {}@LABEL",
                prev.name, prev.name
            ));
        }
    }
    Ok(plan)
}

/// Writes the plan into the new release's manifest: each product's `current` version and its
/// `upgrade_from` (the previous version, the diff, the risks, what was carried and retired).
pub fn annotate_manifest(manifest: &mut Value, plan: &UpgradePlan) {
    let Some(products) = manifest["products"].as_array_mut() else {
        return;
    };
    for p in products {
        let name = p["name"].as_str().unwrap_or("").to_string();
        let Some(u) = plan.products.iter().find(|u| u.product == name) else {
            continue;
        };
        p["current"] = u.to.clone().into();
        let risks: Vec<Value> = u
            .diff
            .iter()
            .flat_map(TemplateDiff::risks)
            .map(|r| json!({"id": r.id, "kind": r.kind, "message": r.message}))
            .collect();
        p["upgrade_from"] = json!({
            "previous_release": plan.previous.display().to_string(),
            "version": u.from,
            "unchanged": u.diff.is_none() && u.from.is_some(),
            "diff": u.diff.as_ref().map(TemplateDiff::to_value),
            "risks": risks,
            "carried_over": u.carried,
            "retired": u.retired,
        });
    }
}
