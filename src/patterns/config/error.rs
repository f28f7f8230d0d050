//! The error of a config file: a pattern's options (or a suppression policy) written as JSON.

use crate::error::{Error, LayerError};

/// A config file is not JSON, or has a field that is unknown or of the wrong kind. A
/// [`crate::Error`] carries it ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
///
/// ```
/// use airgap::patterns::config::{ConfigError, NetworkConfig};
/// let err = NetworkConfig::from_json(r#"{"zonez": 2}"#).unwrap_err();
/// let config: &ConfigError = err.downcast_ref().expect("a config error");
/// assert_eq!(config.at, "field `zonez`");
/// assert!(err.to_string().starts_with("config field `zonez`: "));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error("config {at}: {message}")]
#[non_exhaustive]
pub struct ConfigError {
    /// Where: the field, such as ``field `tags.team` ``, or the place of a JSON syntax
    /// error, such as `line 3, column 7`.
    pub at: String,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl ConfigError {
    /// The error at `at` (a field, ``field `zones` ``, or a place in the text).
    pub(crate) fn new(at: impl Into<String>, message: impl Into<String>) -> Self {
        ConfigError {
            at: at.into(),
            message: message.into(),
        }
    }
}

impl From<ConfigError> for Error {
    fn from(e: ConfigError) -> Self {
        Error::Layer(LayerError::new(e))
    }
}
