//! `airgap package --previous DIR`: a release built on an earlier one.

use std::path::Path;

use airgap::catalog::package::{PackageSummary, WriteOptions};
use airgap::catalog::upgrade::{Previous, parse_retire, plan};
use airgap::patterns::portfolio::NetworkPortfolio;

use super::{Failure, Ui};

/// Compares the portfolio's products with the previous release and writes the release with
/// the earlier versions kept, or returns the reasons it is refused (nothing is written then).
pub fn package_upgrade(
    portfolio: NetworkPortfolio,
    previous: &Path,
    retire: &[String],
    allow_replacements: bool,
    out: &Path,
    options: WriteOptions,
) -> Result<Option<PackageSummary>, Failure> {
    let previous = Previous::read(previous)?;
    let retire = retire
        .iter()
        .map(|r| parse_retire(r))
        .collect::<airgap::Result<Vec<_>>>()?;
    let plan = plan(
        &previous,
        &portfolio.products()?,
        &retire,
        allow_replacements,
    )?;
    if !plan.refusals.is_empty() {
        let ui = Ui::from_env();
        for reason in &plan.refusals {
            ui.error(&format!("refused: {reason}"));
        }
        ui.error(&format!(
            "nothing was written to {}; {} reason(s) above",
            out.display(),
            plan.refusals.len()
        ));
        return Ok(None);
    }
    let release = portfolio
        .earlier_versions(plan.carried_versions())
        .release()?;
    Ok(Some(airgap::render::publish::write_upgrade_package(
        out, &release, &plan, options,
    )?))
}
