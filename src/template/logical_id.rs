use std::fmt;

use crate::error::{Error, Location, Result};

/// A CloudFormation logical ID: 1 to 255 ASCII letters and digits, unique in its template.
///
/// Logical IDs are derived from the names users give constructs, so the same program always
/// yields the same IDs (no hash suffixes): a diff of two templates lines up resource by resource.
///
/// ```
/// use airgap::template::LogicalId;
/// let id = LogicalId::from_parts(["data science", "private-subnet", "1"]).unwrap();
/// assert_eq!(id.as_str(), "DataSciencePrivateSubnet1");
/// assert!("Bad-Id".parse::<LogicalId>().is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct LogicalId(String);

impl LogicalId {
    /// Checks `id` as a logical ID, as is.
    pub fn new(id: impl Into<String>) -> Result<Self> {
        let id = id.into();
        let at = || Location::new(format!("logical ID `{id}`"), "id");
        if id.is_empty() || id.len() > 255 {
            return Err(Error::parse(
                at(),
                "logical ID",
                &id,
                "a logical ID has 1 to 255 characters",
            ));
        }
        if let Some(bad) = id.chars().find(|c| !c.is_ascii_alphanumeric()) {
            return Err(Error::parse(
                at(),
                "logical ID",
                &id,
                format!("`{bad}` is not allowed; use ASCII letters and digits only"),
            ));
        }
        Ok(Self(id))
    }

    /// Builds an ID from human names (`"data science"`, `"sagemaker.api"`) in UpperCamelCase,
    /// dropping anything CloudFormation does not allow.
    pub fn from_parts<I, S>(parts: I) -> Result<Self>
    where
        I: IntoIterator<Item = S>,
        S: AsRef<str>,
    {
        let mut id = String::new();
        for part in parts {
            let camel = super::upper_camel_case(part.as_ref());
            id.extend(camel.chars().filter(char::is_ascii_alphanumeric));
        }
        Self::new(id)
    }

    /// The ID as a string.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for LogicalId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for LogicalId {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

impl AsRef<str> for LogicalId {
    fn as_ref(&self) -> &str {
        &self.0
    }
}
