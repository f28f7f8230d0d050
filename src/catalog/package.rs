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
//! The publish script is rendered by the `render` layer, and
//! [`crate::render::publish::write_package`] is the one public way to write a release; this
//! module makes the manifest and writes the files.

use std::fs;
use std::io;
use std::path::{Path, PathBuf};

use serde_json::{Value, json};

use super::launch_role::actions_for;
use super::portfolio::{Release, principal_env_var};
use super::product::{resource_type_counts, sha256_hex};
use crate::catalog::CatalogError;
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
    /// Replace the folder if it exists (otherwise that is [`CatalogError::PackageExists`]).
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

/// The manifest: products, versions, hashes, sizes, parameters, launch order, each product's
/// constraint (`LAUNCH` or `STACKSET`) and launch-role actions, the StackSet roll-outs with the
/// policy their execution roles need, the product roles' boundary, and shares. It holds no time
/// stamp, so the same release gives the same bytes.
///
/// ```
/// use airgap::catalog::{Portfolio, Product, ProductVersion};
/// use airgap::template::{Resource, Stack};
/// let mut vpc = Stack::new("Vpc");
/// vpc.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let release = Portfolio::new("Networks", "Platform team")
///     .product(Product::new("vpc", "Platform team")
///         .version(ProductVersion::new("1.0.0", vpc.synth_unchecked()?.into_template())))
///     .build()?;
/// let manifest = airgap::catalog::package::manifest(&release)?;
/// assert_eq!(manifest["products"][0]["constraint"], "LAUNCH");
/// assert!(manifest["products"][0]["launch_role_actions"].to_string().contains("ec2:CreateVpc"));
/// # Ok::<(), airgap::Error>(())
/// ```
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
        let constraint = if release.stack_sets.contains_key(&p.name) {
            "STACKSET"
        } else {
            "LAUNCH"
        };
        products.push(json!({
            "name": p.name,
            "display_name": p.display_name,
            "owner": p.owner,
            "after": p.after,
            "versions": versions,
            "constraint": constraint,
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
    // A StackSet roll-out has no launch role: the execution role of every target account
    // creates the stacks, so it needs what the launch role would have had, and the roles the
    // product creates need the boundary policy in that account.
    let stack_sets: Vec<Value> = release
        .stack_sets
        .iter()
        .map(|(product, rollout)| {
            let mut entry = rollout.to_manifest();
            entry["product"] = json!(product);
            entry["execution_role_policy"] = release
                .launch_role_policies
                .get(product)
                .map_or(Value::Null, |p| p.to_value());
            entry
        })
        .collect();
    let capability = if release.boundary.is_some() {
        // The boundary policy has a fixed name, so that product templates can name it.
        "CAPABILITY_NAMED_IAM"
    } else {
        "CAPABILITY_IAM"
    };
    Ok(json!({
        "manifest_version": 1,
        "portfolio": {
            "display_name": release.display_name,
            "file": PORTFOLIO_FILE,
            "sha256": sha256_hex(portfolio.as_bytes()),
            "bytes": portfolio.len(),
            "capabilities": [capability],
            "default_key_prefix": release.key_prefix,
            "parameters": parameters_json(release.portfolio.template()),
            "principals": principals,
            "notes": portfolio_notes,
        },
        "products": products,
        "launch_order": release.launch_order,
        "stack_set_constraints": stack_sets,
        "product_role_boundary": release.boundary.as_ref().map(|(name, doc)| json!({
            "policy_name": name,
            "policy": doc.to_value(),
        })),
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

/// Writes the package for `release` to `dir`, with `publish_script` as `publish.sh`: the
/// part of [`crate::render::publish::write_package`] (the one public way to write a release)
/// that needs no rendering.
///
/// The files are written to a temporary folder next to `dir` and renamed into place, so an
/// error half way leaves no half-written package; an existing `dir` is replaced only with
/// `options.force`.
pub(crate) fn write_files(
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

/// The folder `dir` is in, and the prefix of the temporary folders built beside it:
/// `.NAME.tmp-PID-` (the process's ID lets a later run tell a killed run's leftovers from a
/// run still writing).
fn beside(dir: &Path) -> Result<(PathBuf, String)> {
    let name = dir.file_name().ok_or_else(|| {
        Error::io(
            "use",
            dir,
            io::Error::new(
                io::ErrorKind::InvalidInput,
                "the package folder needs a name (not `/` or `..`)",
            ),
        )
    })?;
    let parent = match dir.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    Ok((parent, format!(".{}.", name.to_string_lossy())))
}

/// Removes the temporary folders that earlier runs writing `dir` left behind when they were
/// killed: `.NAME.tmp-PID-*` and `.NAME.old-PID-*` (and the `.NAME.tmp-PID` of older
/// versions) whose process is gone. Leftovers of a run still going are left alone.
fn remove_stale(parent: &Path, prefix: &str) {
    let Ok(entries) = fs::read_dir(parent) else {
        return;
    };
    for entry in entries.flatten() {
        let name = entry.file_name().to_string_lossy().into_owned();
        let Some(pid) = ["tmp-", "old-"].iter().find_map(|tag| {
            let rest = name.strip_prefix(prefix)?.strip_prefix(tag)?;
            rest.split('-').next()?.parse::<u32>().ok()
        }) else {
            continue;
        };
        if pid != std::process::id() && !process_alive(pid, &entry.path()) {
            let _ = fs::remove_dir_all(entry.path()).or_else(|_| fs::remove_file(entry.path()));
        }
    }
}

/// Whether process `pid` may still be writing `leftover`: on Linux, whether it exists; elsewhere,
/// whether the leftover changed in the last hour.
fn process_alive(pid: u32, leftover: &Path) -> bool {
    if cfg!(target_os = "linux") {
        return Path::new(&format!("/proc/{pid}")).exists();
    }
    fs::metadata(leftover)
        .and_then(|m| m.modified())
        .ok()
        .and_then(|t| t.elapsed().ok())
        .is_none_or(|age| age.as_secs() < 3600)
}

/// Swaps two paths in one step where the system can (Linux's `renameat2` with
/// `RENAME_EXCHANGE`), so `dir` never stops existing; `false` where it cannot.
#[cfg(target_os = "linux")]
fn exchange(a: &Path, b: &Path) -> bool {
    use rustix::fs::{CWD, RenameFlags, renameat_with};
    renameat_with(CWD, a, CWD, b, RenameFlags::EXCHANGE).is_ok()
}

#[cfg(not(target_os = "linux"))]
fn exchange(_: &Path, _: &Path) -> bool {
    false
}

/// Removes what `--force` replaced: a folder or a file. Failing to is not failing to write the
/// package, which is in place by then.
fn remove_replaced(path: &Path) {
    let _ = fs::remove_dir_all(path).or_else(|_| fs::remove_file(path));
}

/// Writes `files` (relative paths, no `..`) into `dir` all at once.
///
/// They are written to a temporary folder beside `dir` (so an error leaves nothing behind),
/// which then takes `dir`'s place: with `force`, by swapping the two in one step where the
/// system can, so the release never stops existing. Leftovers of killed earlier runs are
/// removed first.
pub(crate) fn write_atomically(dir: &Path, files: &[(String, Vec<u8>)], force: bool) -> Result<()> {
    let exists = fs::symlink_metadata(dir).is_ok();
    if exists && !force {
        return Err(Error::from(CatalogError::PackageExists {
            path: dir.display().to_string(),
        }));
    }
    let (parent, prefix) = beside(dir)?;
    // The release folder may be new and deep (`--out releases/2026/net`): its parents are
    // made, as they were before the temporary folder moved beside it.
    fs::create_dir_all(&parent).map_err(|e| Error::io("create", &parent, e))?;
    remove_stale(&parent, &prefix);
    let tmp = tempfile::Builder::new()
        .prefix(&format!("{prefix}tmp-{}-", std::process::id()))
        .tempdir_in(&parent)
        .map_err(|e| Error::io("create a temporary folder in", &parent, e))?;
    fill(tmp.path(), files)?;
    if !exists {
        // On success the temporary folder has become `dir`; dropping `tmp` finds nothing.
        return fs::rename(tmp.path(), dir).map_err(|e| Error::io("rename into", dir, e));
    }
    if exchange(tmp.path(), dir) {
        // `tmp`'s path now holds the old package, removed when `tmp` is dropped.
        remove_replaced(tmp.path());
        return Ok(());
    }
    let old = parent.join(format!("{prefix}old-{}", std::process::id()));
    remove_replaced(&old);
    fs::rename(dir, &old).map_err(|e| Error::io("move aside", dir, e))?;
    if let Err(e) = fs::rename(tmp.path(), dir) {
        // Put the old package back: the caller keeps what it had.
        let _ = fs::rename(&old, dir);
        return Err(Error::io("rename into", dir, e));
    }
    remove_replaced(&old);
    Ok(())
}

fn fill(tmp: &Path, files: &[(String, Vec<u8>)]) -> Result<()> {
    for (rel, bytes) in files {
        let rel_path = Path::new(rel);
        if rel_path.is_absolute()
            || rel_path
                .components()
                .any(|c| !matches!(c, std::path::Component::Normal(_)))
        {
            return Err(Error::io(
                "write",
                rel_path,
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    "package files must be plain relative paths",
                ),
            ));
        }
        let path = tmp.join(rel_path);
        if let Some(parent) = path.parent() {
            fs::create_dir_all(parent).map_err(|e| Error::io("create", parent, e))?;
        }
        fs::write(&path, bytes).map_err(|e| Error::io("write", &path, e))?;
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
        .map_err(|e| Error::io("make executable", path, e))
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
    fn a_folder_whose_parents_do_not_exist_yet_is_written() {
        let d = scratch("deep");
        let dir = d.join("releases").join("2026").join("net");
        let files = [("manifest.json".to_string(), b"{}".to_vec())];
        write_atomically(&dir, &files, false).unwrap();
        assert_eq!(fs::read(dir.join("manifest.json")).unwrap(), b"{}");
        fs::remove_dir_all(&d).unwrap();
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
        // The operating system's error is kept whole, as the source.
        let io = err.io_error().expect("an I/O error");
        let source = std::error::Error::source(&err).expect("a source");
        assert_eq!(source.to_string(), io.to_string());
        assert!(err.to_string().ends_with(&io.to_string()), "{err}");
        assert!(leftovers(&parent).is_empty(), "{:?}", leftovers(&parent));
    }

    #[test]
    fn an_existing_package_is_kept_without_force_and_replaced_with_it() {
        let parent = scratch("force");
        let dir = parent.join("release");
        write_atomically(&dir, &[("a.txt".into(), b"one".to_vec())], false).unwrap();
        let err = write_atomically(&dir, &[("b.txt".into(), b"two".to_vec())], false).unwrap_err();
        assert!(matches!(
            err.downcast_ref(),
            Some(CatalogError::PackageExists { .. })
        ));
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"one");
        write_atomically(&dir, &[("b.txt".into(), b"two".to_vec())], true).unwrap();
        assert!(!dir.join("a.txt").exists());
        assert_eq!(fs::read(dir.join("b.txt")).unwrap(), b"two");
        assert_eq!(leftovers(&parent), ["release"]);
    }

    #[test]
    fn force_over_a_regular_file_succeeds_and_leaves_nothing_behind() {
        let parent = scratch("over-file");
        let dir = parent.join("release");
        fs::write(&dir, b"a file where the folder goes").unwrap();
        write_atomically(&dir, &[("a.txt".into(), b"one".to_vec())], true).unwrap();
        assert_eq!(fs::read(dir.join("a.txt")).unwrap(), b"one");
        assert_eq!(leftovers(&parent), ["release"]);
    }

    #[test]
    #[cfg(target_os = "linux")]
    fn leftovers_of_killed_runs_are_removed_and_those_of_running_ones_kept() {
        let parent = scratch("stale");
        let dir = parent.join("release");
        // No process has this ID (Linux's limit is 2^22); process 1 always runs.
        let dead = parent.join(".release.tmp-4194999-abc");
        let dead_old = parent.join(".release.tmp-4194998");
        let running = parent.join(".release.tmp-1-xyz");
        for d in [&dead, &dead_old, &running] {
            fs::create_dir_all(d.join("products")).unwrap();
        }
        write_atomically(&dir, &[("a.txt".into(), b"one".to_vec())], false).unwrap();
        let mut left = leftovers(&parent);
        left.sort();
        assert_eq!(left, [".release.tmp-1-xyz", "release"]);
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
