//! The release folder: product templates, the portfolio template, a manifest and the publish
//! script, written atomically.
//!
//! ```text
//! DIR/
//!   products/<product>-<version>.template.json   one file per product version
//!   portfolio.template.json
//!   manifest.json
//!   publish.sh
//! ```
//!
//! The publish script is rendered by the `render` layer
//! ([`crate::render::publish::write_package`] does both); this module takes it as text.

use std::fs;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::launch_role::actions_for;
use super::portfolio::{Release, principal_env_var};
use super::product::{resource_type_counts, sha256_hex};
use crate::error::{Error, Result};
use crate::template::{Template, quota};

/// The portfolio template's file name in the package.
pub const PORTFOLIO_FILE: &str = "portfolio.template.json";
/// The manifest's file name.
pub const MANIFEST_FILE: &str = "manifest.json";
/// The publish script's file name.
pub const PUBLISH_FILE: &str = "publish.sh";

/// How to write the package.
#[derive(Debug, Clone, Copy, Default, PartialEq, Eq)]
pub struct WriteOptions {
    /// Replace the folder if it exists (otherwise that is [`Error::PackageExists`]).
    pub force: bool,
}

/// What was written.
#[derive(Debug, Clone, PartialEq)]
pub struct PackageSummary {
    /// The package folder.
    pub dir: PathBuf,
    /// Each file, relative to the folder, with its size in bytes.
    pub files: Vec<(String, usize)>,
}

fn parameters_json(template: &Template) -> Vec<Value> {
    let labels = template
        .metadata
        .get("AWS::CloudFormation::Interface")
        .and_then(|i| i.get("ParameterLabels"));
    template
        .parameters
        .iter()
        .map(|(name, p)| {
            let mut m = serde_json::Map::new();
            m.insert("name".into(), name.clone().into());
            m.insert("type".into(), p.parameter_type.clone().into());
            if let Some(label) = labels
                .and_then(|l| l.get(name))
                .and_then(|l| l.get("default"))
            {
                m.insert("label".into(), label.clone());
            }
            if let Some(d) = &p.description {
                m.insert("description".into(), d.clone().into());
            }
            if let Some(d) = &p.default {
                m.insert("default".into(), d.clone());
            }
            if !p.allowed_values.is_empty() {
                m.insert(
                    "allowed_values".into(),
                    Value::Array(p.allowed_values.clone()),
                );
            }
            Value::Object(m)
        })
        .collect()
}

/// The manifest: products, versions, hashes, sizes, parameters, launch order and shares. It
/// holds no time stamp, so the same release gives the same bytes.
pub fn manifest(release: &Release) -> Result<Value> {
    let portfolio = release.portfolio.to_json_pretty();
    let mut products = Vec::new();
    for p in &release.products {
        let mut versions = Vec::new();
        let mut actions = std::collections::BTreeSet::new();
        for v in &p.versions {
            actions.extend(actions_for(&p.name, &v.template)?);
            let mut notes = Vec::new();
            if v.over_inline_limit() {
                notes.push(format!(
                    "{} bytes, over the {} bytes CloudFormation takes inline: fine, Service Catalog loads products from S3",
                    v.body.len(),
                    quota::INLINE_BODY_BYTES
                ));
            }
            versions.push(json!({
                "label": v.label,
                "name": v.name,
                "file": v.file(&p.name),
                "sha256": v.sha256,
                "bytes": v.body.len(),
                "resources": v.template.resources.len(),
                "resource_types": resource_type_counts(&v.template),
                "parameters": parameters_json(&v.template),
                "notes": notes,
            }));
        }
        products.push(json!({
            "name": p.name,
            "display_name": p.display_name,
            "owner": p.owner,
            "after": p.after,
            "versions": versions,
            "launch_role_actions": actions,
        }));
    }
    let principals: Vec<Value> = release
        .principal_parameters
        .iter()
        .map(|(param, label, default)| {
            json!({
                "parameter": param,
                "label": label,
                "env": principal_env_var(param),
                "default": default,
            })
        })
        .collect();
    let mut portfolio_notes = Vec::new();
    if portfolio.len() > quota::INLINE_BODY_BYTES {
        portfolio_notes.push(format!(
            "{} bytes, over the {} bytes CloudFormation takes inline: publish.sh deploys it through the template bucket (--s3-bucket)",
            portfolio.len(),
            quota::INLINE_BODY_BYTES
        ));
    }
    Ok(json!({
        "manifest_version": 1,
        "portfolio": {
            "display_name": release.display_name,
            "file": PORTFOLIO_FILE,
            "sha256": sha256_hex(portfolio.as_bytes()),
            "bytes": portfolio.len(),
            "capabilities": ["CAPABILITY_IAM"],
            "default_key_prefix": release.key_prefix,
            "parameters": parameters_json(release.portfolio.template()),
            "principals": principals,
            "notes": portfolio_notes,
        },
        "products": products,
        "launch_order": release.launch_order,
        "shares": {
            "accounts": release.share_accounts,
            "organization_nodes": release
                .share_organization
                .iter()
                .map(|n| json!({"type": n.kind(), "id": n.id()}))
                .collect::<Vec<_>>(),
        },
        "publish_script": PUBLISH_FILE,
    }))
}

/// Every file of the package, relative to its folder, with its bytes.
pub fn files(release: &Release, manifest: &Value, publish_script: &str) -> Vec<(String, Vec<u8>)> {
    let mut files = Vec::new();
    for p in &release.products {
        for v in &p.versions {
            files.push((v.file(&p.name), v.body.clone().into_bytes()));
        }
    }
    for (path, text) in &release.documents {
        files.push((path.clone(), text.clone().into_bytes()));
    }
    files.push((
        PORTFOLIO_FILE.to_string(),
        release.portfolio.to_json_pretty().as_bytes().to_vec(),
    ));
    let mut m = serde_json::to_string_pretty(manifest).expect("JSON values serialize");
    m.push('\n');
    files.push((MANIFEST_FILE.to_string(), m.into_bytes()));
    files.push((PUBLISH_FILE.to_string(), publish_script.as_bytes().to_vec()));
    files
}

/// Writes the package for `release` to `dir`, with `publish_script` as `publish.sh`.
///
/// The files are written to a temporary folder next to `dir` and renamed into place, so an
/// error half way leaves no half-written package; an existing `dir` is replaced only with
/// `options.force`.
pub fn write_package(
    dir: &Path,
    release: &Release,
    publish_script: &str,
    options: WriteOptions,
) -> Result<PackageSummary> {
    let manifest = manifest(release)?;
    let files = files(release, &manifest, publish_script);
    write_atomically(dir, &files, options.force)?;
    Ok(PackageSummary {
        dir: dir.to_path_buf(),
        files: files.iter().map(|(f, b)| (f.clone(), b.len())).collect(),
    })
}

fn sibling(dir: &Path, tag: &str) -> Result<PathBuf> {
    let name = dir.file_name().ok_or_else(|| Error::Io {
        action: "use",
        path: dir.display().to_string(),
        message: "the package folder needs a name (not `/` or `..`)".into(),
    })?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok(parent.join(format!(
        ".{}.{tag}-{}",
        name.to_string_lossy(),
        std::process::id()
    )))
}

/// Writes `files` (relative paths, no `..`) into `dir` all at once.
pub(crate) fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<()> {
    if dir.exists() && !force {
        return Err(Error::PackageExists {
            path: dir.display().to_string(),
        });
    }
    let tmp = sibling(dir, "tmp")?;
    if tmp.exists() {
        fs::remove_dir_all(&tmp).map_err(|e| Error::io("remove", &tmp, &e))?;
    }
    let written = fill(&tmp, files);
    if let Err(e) = written {
        let _ = fs::remove_dir_all(&tmp);
        return Err(e);
    }
    if dir.exists() {
        let old = sibling(dir, "old")?;
        let _ = fs::remove_dir_all(&old);
        if let Err(e) = fs::rename(dir, &old) {
            let _ = fs::remove_dir_all(&tmp);
            return Err(Error::io("move aside", dir, &e));
        }
        if let Err(e) = fs::rename(&tmp, dir) {
            // Put the old package back: the caller keeps what it had.
            let _ = fs::rename(&old, dir);
            let _ = fs::remove_dir_all(&tmp);
            return Err(Error::io("rename into", dir, &e));
        }
        fs::remove_dir_all(&old).map_err(|e| Error::io("remove", &old, &e))?;
    } else if let Err(e) = fs::rename(&tmp, dir) {
        let _ = fs::remove_dir_all(&tmp);
        return Err(Error::io("rename into", dir, &e));
    }
    Ok(())
}

fn fill(tmp: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    fs::create_dir_all(tmp).map_err(|e| Error::io("create", tmp, &e))?;
    for (rel, bytes) in files {
        let rel_path = Path::new(rel);
        if rel_path.is_absolute()
            || rel_path
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::Io {
                action: "write",
                path: rel.clone(),
                message: "package files must be plain relative paths".into(),
            });
        }
        let path = tmp.join(rel_path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, &e))?;
        }
        fs::write(&path, bytes).map_err(|e| Error::io("write", &path, &e))?;
        if rel.ends_with(".sh") {
            set_executable(&path)?;
        }
    }
    Ok(())
}

#[cfg(unix)]
fn set_executable(path: &Path) -> Result<()> {
    use std::os::unix::fs::PermissionsExt;
    fs::set_permissions(path, fs::Permissions::from_mode(0o755))
        .map_err(|e| Error::io("make executable", path, &e))
}

#[cfg(not(unix))]
fn set_executable(_: &Path) -> Result<()> {
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;

    fn scratch(name: &str) -> PathBuf {
        let d = std::env::temp_dir().join(format!("airgap-pkg-{}-{name}", std::process::id()));
        let _ = fs::remove_dir_all(&d);
        fs::create_dir_all(&d).unwrap();
        d
    }

    fn leftovers(parent: &Path) -> Vec<String> {
        fs::read_dir(parent)
            .unwrap()
            .map(|e| e.unwrap().file_name().to_string_lossy().into_owned())
            .collect()
    }

    #[test]
    fn an_error_half_way_leaves_nothing_behind() {
        let parent = scratch("half");
        let dir = parent.join("release");
        // The second file cannot be written: its folder is already a file.
        let files = vec![
            ("products".to_string(), b"a file".to_vec()),
            ("products/x.json".to_string(), b"{}".to_vec()),
        ];
        let err = write_atomically(&dir, &files, false).unwrap_err();
        assert!(matches!(err, Error::Io { .. }), "{err}");
        assert!(leftovers(&parent).is_empty(), "{:?}", leftovers(&parent));
    }

    #[test]
    fn an_existing_package_is_kept_without_force_and_replaced_with_it() {
        let parent = scratch("force");
        let dir = parent.join("release");
        write_atomically(&dir, &[("a.txt".into(), b"one".to_vec())], false).unwrap();
        let err = write_atomically(&dir, &[("b.txt".into(), b"two".to_vec())], false).unwrap_err();
        assert!(matches!(err, Error::PackageExists { .. }));
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"one");
        write_atomically(&dir, &[("b.txt".into(), b"two".to_vec())], true).unwrap();
        assert!(!dir.join("a.txt").exists());
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"two");
        assert_eq!(leftovers(&parent), ["release"]);
    }

    #[test]
    fn paths_that_leave_the_folder_are_refused() {
        let parent = scratch("escape");
        let err =
            write_atomically(&parent.join("r"), &[("../x".into(), vec![])], false).unwrap_err();
        assert!(matches!(err, Error::Io { .. }));
        assert!(leftovers(&parent).is_empty());
    }
}
