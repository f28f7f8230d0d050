//! The AWS data the diff reads: which properties of each resource type are create-only
//! (generated from CloudFormation's resource schemas by `scripts/gen_create_only.py`), and which
//! resource types hold something a replacement or deletion loses (hand-kept).

use std::sync::OnceLock;

const CREATE_ONLY: &str = include_str!("create_only.txt");
const STATEFUL: &str = include_str!("stateful.txt");

/// The create-only paths of one resource type, as the schema writes them below `/properties/`.
#[derive(Debug, Clone, Copy, Default)]
pub(crate) struct CreateOnly {
    /// `createOnlyProperties`: a change replaces the resource.
    pub always: &'static str,
    /// `conditionalCreateOnlyProperties`: a change may replace it, depending on the values.
    pub conditional: &'static str,
}

impl CreateOnly {
    /// Every path with whether its change always replaces the resource.
    pub fn paths(self) -> impl Iterator<Item = (&'static str, bool)> {
        let split = |s: &'static str| s.split(',').filter(|p| !p.is_empty());
        split(self.always)
            .map(|p| (p, true))
            .chain(split(self.conditional).map(|p| (p, false)))
    }
}

fn rows(text: &'static str) -> Vec<&'static str> {
    text.lines()
        .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
        .collect()
}

fn lookup(table: &'static [&'static str], resource_type: &str) -> Option<&'static str> {
    // Both tables are sorted by type name, so a binary search on the first field finds the row.
    table
        .binary_search_by(|row| {
            let name = row.split('\t').next().unwrap_or("");
            name.cmp(resource_type)
        })
        .ok()
        .map(|i| table[i])
}

fn create_only_rows() -> &'static [&'static str] {
    static ROWS: OnceLock<Vec<&'static str>> = OnceLock::new();
    ROWS.get_or_init(|| rows(CREATE_ONLY))
}

fn stateful_rows() -> &'static [&'static str] {
    static ROWS: OnceLock<Vec<&'static str>> = OnceLock::new();
    ROWS.get_or_init(|| {
        let mut rows = rows(STATEFUL);
        rows.sort_unstable_by_key(|r| r.split('\t').next().unwrap_or(""));
        rows
    })
}

/// The create-only properties of a resource type, as schema paths below `Properties`
/// (`DnsOptions/PrivateDnsPreference`), each with whether a change always replaces the resource
/// (`true`) or may (`false`, conditionally create-only); `None` for a type CloudFormation's
/// resource schemas do not know (custom resources, typos).
///
/// ```
/// let vpc = airgap::template::create_only_properties("AWS::EC2::VPC").unwrap();
/// assert!(vpc.contains(&("CidrBlock", true)));
/// assert!(airgap::template::create_only_properties("AWS::EC2::Vpc").is_none());
/// ```
pub fn create_only_properties(resource_type: &str) -> Option<Vec<(&'static str, bool)>> {
    lookup(create_only_rows(), resource_type).map(|_| create_only(resource_type).paths().collect())
}

/// The create-only properties of a resource type; none for a type the schemas do not know.
pub(crate) fn create_only(resource_type: &str) -> CreateOnly {
    lookup(create_only_rows(), resource_type)
        .map(|row| {
            let mut fields = row.split('\t').skip(1);
            CreateOnly {
                always: fields.next().unwrap_or(""),
                conditional: fields.next().unwrap_or(""),
            }
        })
        .unwrap_or_default()
}

/// Why a resource of this type is stateful (`holds objects`), or `None` when it is not.
pub(crate) fn stateful(resource_type: &str) -> Option<&'static str> {
    lookup(stateful_rows(), resource_type).and_then(|row| row.split('\t').nth(1))
}

/// The source line of the create-only table (`cfn-lint 1.51.0 ...`), for reports.
pub(crate) fn create_only_source() -> &'static str {
    CREATE_ONLY
        .lines()
        .find_map(|l| l.strip_prefix("# Source: "))
        .unwrap_or("unknown")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_tables_are_sorted_and_well_formed() {
        let rows = create_only_rows();
        assert!(rows.len() > 1000, "{} rows", rows.len());
        for pair in rows.windows(2) {
            let a = pair[0].split('\t').next().unwrap();
            let b = pair[1].split('\t').next().unwrap();
            assert!(a < b, "{a} before {b}");
        }
        for row in rows {
            assert_eq!(row.split('\t').count(), 3, "{row}");
        }
        for row in stateful_rows() {
            assert_eq!(row.split('\t').count(), 2, "{row}");
        }
    }

    #[test]
    fn a_vpc_block_is_create_only_and_its_tenancy_conditionally() {
        let vpc: Vec<_> = create_only("AWS::EC2::VPC").paths().collect();
        assert!(vpc.contains(&("CidrBlock", true)), "{vpc:?}");
        assert!(vpc.contains(&("InstanceTenancy", false)), "{vpc:?}");
        assert_eq!(create_only("AWS::Nothing::Here").paths().count(), 0);
        assert!(create_only_source().starts_with("cfn-lint "));
    }

    /// A misspelt type would never match a resource and quietly make nothing a risk: every
    /// stateful type is one CloudFormation's resource schemas (the create-only table) know.
    #[test]
    fn every_stateful_type_is_a_real_type() {
        for row in stateful_rows() {
            let ty = row.split('\t').next().unwrap();
            assert!(lookup(create_only_rows(), ty).is_some(), "{ty}");
        }
    }

    #[test]
    fn stateful_types_say_why() {
        assert_eq!(stateful("AWS::S3::Bucket"), Some("holds objects"));
        assert!(stateful("AWS::KMS::Key").is_some());
        assert_eq!(stateful("AWS::EC2::SecurityGroupIngress"), None);
    }
}
