//! The error type of the library. It holds what the template layer itself knows (values that
//! do not parse or break a rule, logical IDs, references, quotas, template text, files); each
//! higher layer defines its own error (`iam::IamError`, `net::NetError`,
//! `sagemaker::SageMakerError`, `catalog::CatalogError`, `patterns::config::ConfigError`,
//! `analysis::CheckError`, `render::RenderError`), carried as `Error::Layer`, so this lowest
//! layer names none of their constructs.
//!
//! Every variant names the construct and the field that is wrong, so a message read in a terminal
//! or a CI log says what to fix without a stack trace.

use std::fmt;
use std::sync::Arc;

/// Where in the user's description a problem sits: the construct (by the name the user gave it)
/// and the field of that construct.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Location {
    /// The construct, as `Kind 'name'`, e.g. `Vpc 'Network'`.
    pub construct: String,
    /// The field or builder method, e.g. `cidr`.
    pub field: String,
}

impl Location {
    /// A location in construct `construct` at field `field`.
    pub fn new(construct: impl Into<String>, field: impl Into<String>) -> Self {
        Self {
            construct: construct.into(),
            field: field.into(),
        }
    }
}

impl fmt::Display for Location {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}, field `{}`", self.construct, self.field)
    }
}

/// Everything that can go wrong while describing or synthesizing a stack.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// A value does not parse as what the field needs (a CIDR block, an ARN, an action, ...).
    #[error("{at}: `{value}` is not a valid {what}: {reason}")]
    Parse {
        /// Where the value was given.
        at: Location,
        /// What kind of value was expected, e.g. `IPv4 CIDR block`.
        what: &'static str,
        /// The value as given.
        value: String,
        /// Why it was refused, with a hint where one helps.
        reason: String,
    },
    /// A value parses but breaks a rule of the field (out of range, wrong size, ...).
    #[error("{at}: {message}")]
    Invalid {
        /// Where the value was given.
        at: Location,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// Two constructs were given the same logical ID.
    #[error(
        "logical ID `{id}` of {second} is already used by {first}; give one of them another name"
    )]
    DuplicateLogicalId {
        /// The colliding logical ID.
        id: String,
        /// The construct that had it first.
        first: String,
        /// The construct that asked for it again.
        second: String,
    },
    /// A handle from one stack was used in another.
    #[error(
        "{at}: {target} belongs to stack `{owner}`, not to this stack `{stack}`; export it from `{owner}` and import it here instead"
    )]
    ForeignConstruct {
        /// Where the handle was used.
        at: Location,
        /// What the handle points to.
        target: String,
        /// The stack the handle came from.
        owner: String,
        /// The stack it was used in.
        stack: String,
    },
    /// A `Ref`, `Fn::GetAtt`, `Fn::Sub` variable or `DependsOn` names nothing in the template.
    #[error(
        "{at}: refers to `{target}`, which is neither a resource, a parameter nor a pseudo parameter of the template"
    )]
    DanglingReference {
        /// The resource or output holding the reference.
        at: Location,
        /// The name referred to.
        target: String,
    },
    /// A CloudFormation quota would be exceeded.
    #[error(
        "the template exceeds CloudFormation's quota of {limit} {quota}: it has {used} ({detail})"
    )]
    QuotaExceeded {
        /// What is counted, e.g. `resources`.
        quota: &'static str,
        /// How many the template has.
        used: usize,
        /// CloudFormation's limit.
        limit: usize,
        /// What used the quota up.
        detail: String,
    },
    /// Reading or writing a file failed.
    #[error("could not {action} {path}: {source}")]
    Io {
        /// What was being done, e.g. `write`.
        action: &'static str,
        /// The file or folder.
        path: String,
        /// The I/O error, kept whole: [`std::error::Error::source`] returns it.
        #[source]
        source: IoError,
    },
    /// A template read from text is not well-formed JSON or YAML.
    #[error(
        "{format} template, line {line}, column {column}: {message}; fix the text at that place"
    )]
    TemplateSyntax {
        /// `JSON` or `YAML`.
        format: &'static str,
        /// The line of the problem, counted from 1.
        line: usize,
        /// The column of the problem, counted from 1.
        column: usize,
        /// What the parser found wrong.
        message: String,
    },
    /// The input is larger than anything airgap reads.
    #[error(
        "the input is larger than {limit} bytes, far more than any CloudFormation template (at most 1 MB); check that this is the file you meant"
    )]
    InputTooLarge {
        /// The limit, `template::quota::INPUT_BYTES`.
        limit: usize,
    },
    /// An error a higher layer defines for its own constructs, so that this, the lowest
    /// layer, names none of them: `iam::IamError` (unknown actions and condition keys, policy
    /// JSON, evaluation), `net::NetError` (subnet plans, endpoint policies),
    /// `sagemaker::SageMakerError` (workloads that do not fit their network),
    /// `catalog::CatalogError` (products, versions, launch roles, packages),
    /// `patterns::config::ConfigError` (config files), `analysis::CheckError` (a failed
    /// privacy check) and `render::RenderError` (text templates). It says what that error
    /// says; [`Error::downcast_ref`] gives the error itself.
    #[error(transparent)]
    Layer(LayerError),
}

/// A [`std::io::Error`] kept whole in [`Error::Io`], shared so that [`Error`] stays `Clone`.
/// It says what the I/O error says, and dereferences to it (`kind()`, `raw_os_error()`, ...);
/// two are equal when their kinds and messages are.
#[derive(Debug, Clone)]
pub struct IoError(Arc<std::io::Error>);

impl IoError {
    /// The I/O error.
    pub fn get_ref(&self) -> &std::io::Error {
        &self.0
    }
}

impl From<std::io::Error> for IoError {
    fn from(e: std::io::Error) -> Self {
        IoError(Arc::new(e))
    }
}

impl std::ops::Deref for IoError {
    type Target = std::io::Error;
    fn deref(&self) -> &std::io::Error {
        &self.0
    }
}

impl PartialEq for IoError {
    fn eq(&self, other: &Self) -> bool {
        self.0.kind() == other.0.kind() && self.0.to_string() == other.0.to_string()
    }
}

impl Eq for IoError {}

impl fmt::Display for IoError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        self.0.fmt(f)
    }
}

impl std::error::Error for IoError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// A higher layer's error inside an [`Error`], shared so that [`Error`] stays `Clone`. It says
/// what that error says; two are equal when their debug forms (variant and fields) are.
#[derive(Clone)]
pub struct LayerError(Arc<dyn std::error::Error + Send + Sync>);

impl LayerError {
    /// Wraps a layer's error.
    pub(crate) fn new(e: impl std::error::Error + Send + Sync + 'static) -> Self {
        LayerError(Arc::new(e))
    }
}

impl fmt::Debug for LayerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&self.0, f)
    }
}

impl fmt::Display for LayerError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Display::fmt(&self.0, f)
    }
}

impl PartialEq for LayerError {
    fn eq(&self, other: &Self) -> bool {
        format!("{:?}", self.0) == format!("{:?}", other.0)
    }
}

impl Eq for LayerError {}

impl std::error::Error for LayerError {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        self.0.source()
    }
}

/// The library's result type.
pub type Result<T, E = Error> = std::result::Result<T, E>;

impl Error {
    /// The same error, said of the place the user wrote the value (a builder's field) rather
    /// than of the lower-level construct that checked it.
    pub(crate) fn said_of(self, construct: &str, field: &str) -> Self {
        match self {
            Error::Parse {
                what,
                value,
                reason,
                ..
            } => Error::Parse {
                at: Location::new(construct, field),
                what,
                value,
                reason,
            },
            Error::Invalid { message, .. } => Error::Invalid {
                at: Location::new(construct, field),
                message,
            },
            other => other,
        }
    }

    /// Shorthand for [`Error::Io`].
    pub(crate) fn io(action: &'static str, path: &std::path::Path, e: std::io::Error) -> Self {
        Error::Io {
            action,
            path: path.display().to_string(),
            source: e.into(),
        }
    }

    /// The higher layer's error inside an [`Error::Layer`], if it is a `T`
    /// (`net::NetError`, `catalog::CatalogError`, ...).
    pub fn downcast_ref<T: std::error::Error + 'static>(&self) -> Option<&T> {
        match self {
            Error::Layer(LayerError(e)) => e.downcast_ref::<T>(),
            _ => None,
        }
    }

    /// Whether this is an [`Error::Layer`] carrying a `T`, as `<dyn std::error::Error>::is` says
    /// of a boxed error.
    ///
    /// ```
    /// use airgap::net::{NetError, Vpc};
    /// use airgap::template::Stack;
    /// let err = Vpc::new("Network").cidr("10.0.0.0/16").zones(1).subnet_cidrs(["10.1.0.0/24"])
    ///     .add_to(&mut Stack::new("Demo")).unwrap_err();
    /// assert!(err.is::<NetError>());
    /// ```
    pub fn is<T: std::error::Error + 'static>(&self) -> bool {
        self.downcast_ref::<T>().is_some()
    }

    /// The I/O error behind an [`Error::Io`].
    pub fn io_error(&self) -> Option<&std::io::Error> {
        match self {
            Error::Io { source, .. } => Some(source.get_ref()),
            _ => None,
        }
    }

    /// Shorthand for [`Error::Invalid`].
    pub(crate) fn invalid(
        construct: impl Into<String>,
        field: impl Into<String>,
        message: impl Into<String>,
    ) -> Self {
        Error::Invalid {
            at: Location::new(construct, field),
            message: message.into(),
        }
    }

    /// Shorthand for [`Error::Parse`].
    pub(crate) fn parse(
        at: Location,
        what: &'static str,
        value: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::Parse {
            at,
            what,
            value: value.into(),
            reason: reason.into(),
        }
    }
}
