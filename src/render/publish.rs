//! `publish.sh`: the script that uploads a package's product templates to S3 and deploys its
//! portfolio stack, rendered from `templates/publish.sh.j2`.

use std::path::Path;

use minijinja::syntax::SyntaxConfig;
use minijinja::{Environment, UndefinedBehavior, Value as JinjaValue};
use serde::Serialize;
use serde_json::Value;

use super::RenderError;
use crate::catalog::Release;
use crate::catalog::package::{self, PackageSummary, WriteOptions};
use crate::error::{Error, Result};
use crate::template::{kebab_case, upper_camel_case};

const TEMPLATE_NAME: &str = "publish.sh.j2";
const TEMPLATE: &str = include_str!("../../templates/publish.sh.j2");

/// Quotes `s` for a POSIX shell: single quotes, with `'` written as `'\''`.
pub fn shell_quote(s: &str) -> String {
    format!("'{}'", s.replace('\'', r"'\''"))
}

fn render_error(e: &minijinja::Error) -> Error {
    RenderError::new(TEMPLATE_NAME, e).into()
}

/// Everything `publish.sh.j2` reads; the manifest's values go in as they are.
#[derive(Debug, Serialize)]
struct Publish<'a> {
    /// The portfolio's display name on one line.
    display_name: String,
    default_stack_name: String,
    default_prefix: &'a Value,
    portfolio_file: &'a Value,
    capabilities: &'a Value,
    principals: Vec<Principal<'a>>,
    /// The product templates to upload, in launch order.
    product_files: Vec<&'a Value>,
    launch_order: Vec<&'a str>,
    /// Every file with the SHA-256 it must have.
    checks: Vec<Check<'a>>,
    org_nodes: &'a Value,
    regions: Vec<&'static str>,
    regions_date: &'static str,
}

/// A principal the portfolio is shared with, asked for by an option of the script.
#[derive(Debug, Serialize)]
struct Principal<'a> {
    var: String,
    parameter: &'a str,
    option: String,
    env: &'a Value,
    label: String,
    default: &'a Value,
}

#[derive(Debug, Serialize)]
struct Check<'a> {
    file: &'a Value,
    sha256: &'a Value,
}

/// Renders `publish.sh` for the package described by `manifest` (as written by
/// [`package::manifest`]).
///
/// Every value taken from the manifest is shell-quoted where the script uses it.
pub fn publish_script(manifest: &Value) -> Result<String> {
    let portfolio = &manifest["portfolio"];
    let display_name = portfolio["display_name"].as_str().unwrap_or("portfolio");
    let one_line = display_name.replace(['\n', '\r'], " ");
    let stack_name = kebab_case(&format!("{}-portfolio", upper_camel_case(display_name)));
    let principals = portfolio["principals"]
        .as_array()
        .into_iter()
        .flatten()
        .enumerate()
        .map(|(i, p)| {
            let parameter = p["parameter"].as_str().unwrap_or_default();
            Principal {
                var: format!("principal_{}", i + 1),
                parameter,
                option: format!("--{}", kebab_case(parameter)),
                env: &p["env"],
                label: p["label"]
                    .as_str()
                    .unwrap_or_default()
                    .replace(['\n', '\r'], " "),
                default: &p["default"],
            }
        })
        .collect();
    let mut product_files = Vec::new();
    let mut checks = Vec::new();
    let order: Vec<&str> = manifest["launch_order"]
        .as_array()
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let products = manifest["products"]
        .as_array()
        .map_or(&[][..], Vec::as_slice);
    for name in &order {
        if let Some(p) = products.iter().find(|p| p["name"] == *name) {
            for v in p["versions"].as_array().into_iter().flatten() {
                product_files.push(&v["file"]);
                checks.push(Check {
                    file: &v["file"],
                    sha256: &v["sha256"],
                });
            }
        }
    }
    checks.push(Check {
        file: &portfolio["file"],
        sha256: &portfolio["sha256"],
    });
    let context = Publish {
        display_name: one_line,
        default_stack_name: stack_name,
        default_prefix: &portfolio["default_key_prefix"],
        portfolio_file: &portfolio["file"],
        capabilities: &portfolio["capabilities"],
        principals,
        product_files,
        launch_order: order,
        checks,
        org_nodes: &manifest["shares"]["organization_nodes"],
        regions: crate::template::known_regions().collect(),
        regions_date: crate::template::REGIONS_GENERATED,
    };
    let mut env = Environment::new();
    // Trim the newline after a block tag, as shell scripts want; keep the script's last one.
    env.set_syntax(
        SyntaxConfig::builder()
            .trim_blocks(true)
            .keep_trailing_newline(true)
            .build()
            .map_err(|e| render_error(&e))?,
    );
    // A misspelt name in the template is an error, not an empty string in the script.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("sq", |v: JinjaValue| -> String {
        match v.as_str() {
            Some(s) => shell_quote(s),
            None => shell_quote(&v.to_string()),
        }
    });
    env.add_template(TEMPLATE_NAME, TEMPLATE)
        .map_err(|e| render_error(&e))?;
    let tmpl = env
        .get_template(TEMPLATE_NAME)
        .map_err(|e| render_error(&e))?;
    tmpl.render(JinjaValue::from(minijinja::value::Serde(&context)))
        .map_err(|e| render_error(&e))
}

/// Writes the whole package for `release` to `dir`: product templates, portfolio template,
/// manifest and `publish.sh` (what `airgap package --out DIR` does).
///
/// This is the one public way to write a release. The folder appears whole or not at all:
/// the files are written to a temporary folder beside it and renamed into place, and an
/// existing folder is replaced only with `WriteOptions { force: true }`.
///
/// ```
/// use airgap::catalog::package::WriteOptions;
/// use airgap::catalog::{Portfolio, PortfolioPrincipal, Product, ProductVersion};
/// use airgap::template::{Resource, Stack};
/// let mut vpc = Stack::new("Vpc");
/// vpc.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let release = Portfolio::new("Networks", "Platform team")
///     .product(Product::new("vpc", "Platform team")
///         .version(ProductVersion::new("1.0.0", vpc.synth_unchecked()?.into_template())))
///     .principal(PortfolioPrincipal::new("DataScientists", "Data scientists' role ARN"))
///     .build()?;
/// let scratch = tempfile::tempdir().expect("a temporary folder");
/// let dir = scratch.path().join("release");
/// let summary = airgap::render::publish::write_package(&dir, &release, WriteOptions::default())?;
/// assert!(summary.files.iter().any(|(f, _)| f == "publish.sh"));
/// assert!(dir.join("manifest.json").exists());
/// // Writing again without `force` keeps what is there.
/// let again = airgap::render::publish::write_package(&dir, &release, WriteOptions::default());
/// use airgap::catalog::CatalogError;
/// assert!(matches!(again.unwrap_err().downcast_ref(), Some(CatalogError::PackageExists { .. })));
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn write_package(
    dir: &Path,
    release: &Release,
    options: WriteOptions,
) -> Result<PackageSummary> {
    let manifest = package::manifest(release)?;
    let script = publish_script(&manifest)?;
    package::write_files(dir, release, &script, options)
}

/// Writes the package of a release built on a previous one: as [`write_package`], with each
/// product's `current` version and `upgrade_from` in the manifest and `UPGRADE.md` beside it.
pub fn write_upgrade_package(
    dir: &Path,
    release: &Release,
    plan: &crate::catalog::upgrade::UpgradePlan,
    options: WriteOptions,
) -> Result<PackageSummary> {
    let mut manifest = package::manifest(release)?;
    crate::catalog::upgrade::annotate_manifest(&mut manifest, plan);
    let script = publish_script(&manifest)?;
    let mut files = package::files(release, &manifest, &script);
    files.push((
        "UPGRADE.md".into(),
        super::diff::upgrade_markdown(plan).into_bytes(),
    ));
    package::write_atomically(dir, &files, options.force)?;
    Ok(PackageSummary {
        dir: dir.to_path_buf(),
        files: files.iter().map(|(f, b)| (f.clone(), b.len())).collect(),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn quoting_survives_single_quotes() {
        assert_eq!(shell_quote("it's"), r"'it'\''s'");
        assert_eq!(shell_quote("$HOME"), "'$HOME'");
    }
}
