//! AWS region names, checked against the regions AWS publishes (`region_data.rs`, generated
//! from botocore's `endpoints.json` by `scripts/gen_regions.py`, with its source and date).

use super::region_data::REGIONS;
use crate::error::{Error, Location, Result};

/// Whether `region` is a region AWS publishes in the `aws`, `aws-cn` or `aws-us-gov` partition.
///
/// ```
/// use airgap::template::is_known_region;
/// assert!(is_known_region("eu-west-1"));
/// assert!(is_known_region("cn-northwest-1"));
/// assert!(!is_known_region("eu-wst-1"));
/// ```
pub fn is_known_region(region: &str) -> bool {
    REGIONS
        .binary_search_by(|(r, _, _)| (*r).cmp(region))
        .is_ok()
}

/// When the region table was generated from botocore's list.
pub const REGIONS_GENERATED: &str = super::region_data::GENERATED;

/// Every region airgap knows, sorted.
pub fn known_regions() -> impl Iterator<Item = &'static str> {
    REGIONS.iter().map(|(r, _, _)| *r)
}

/// The published regions of `partition` (`aws`, `aws-cn` or `aws-us-gov`), sorted.
pub fn regions_of_partition(partition: &str) -> impl Iterator<Item = &'static str> {
    REGIONS
        .iter()
        .filter(move |(_, p, _)| *p == partition)
        .map(|(r, _, _)| *r)
}

/// Checks that `region` is a published region; the error names the nearest one.
///
/// ```
/// use airgap::template::check_region;
/// let e = check_region("eu-wst-1").unwrap_err().to_string();
/// assert!(e.contains("did you mean `eu-west-1`"), "{e}");
/// ```
pub fn check_region(region: &str) -> Result<()> {
    if is_known_region(region) {
        return Ok(());
    }
    let hint = match nearest(region) {
        Some(near) => format!("AWS has no region `{region}`; did you mean `{near}`?"),
        None => format!(
            "AWS has no region `{region}`; regions are named like `us-east-1`, `eu-central-2` or `cn-north-1`"
        ),
    };
    Err(Error::parse(
        Location::new("Stack", "region"),
        "region name",
        region,
        format!(
            "{hint} (regions as of {}; a newer region means `scripts/gen_regions.py` needs a run)",
            super::region_data::GENERATED
        ),
    ))
}

fn nearest(region: &str) -> Option<&'static str> {
    known_regions()
        .map(|r| (strsim::levenshtein(region, r), r))
        .filter(|(d, _)| *d <= 3)
        .min()
        .map(|(_, r)| r)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_table_is_sorted_so_binary_search_finds_every_region() {
        assert!(REGIONS.windows(2).all(|w| w[0].0 < w[1].0));
        assert!(known_regions().all(is_known_region));
    }

    #[test]
    fn typos_get_the_nearest_region() {
        assert_eq!(nearest("us-est-1"), Some("us-east-1"));
        assert_eq!(nearest("mars-north-1"), None);
    }
}
