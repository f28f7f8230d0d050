//! The error of the analysis layer: synthesis refused because a privacy check failed.

use crate::error::{Error, LayerError};

/// An error-level privacy check failed on the synthesized template, and no suppression on its
/// resource allows it. [`Stack::synth`](crate::template::Stack::synth) returns it inside a
/// [`crate::Error`] ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
///
/// ```
/// use airgap::analysis::CheckError;
/// use airgap::template::{Resource, Stack};
/// let mut stack = Stack::new("Demo");
/// stack.add_resource("Igw", Resource::new("AWS::EC2::InternetGateway"))?;
/// let err = stack.synth().unwrap_err();
/// let failed: &CheckError = err.downcast_ref().expect("a failed check");
/// assert_eq!((failed.rule.as_str(), failed.resource.as_str()), ("AG-NET-001", "Igw"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "resource `{resource}` fails check {rule}, {message}; fix: {fix}; if this is intended, suppress {rule} on `{resource}` with a reason"
)]
#[non_exhaustive]
pub struct CheckError {
    /// The rule's stable ID, e.g. `AG-NET-001`.
    pub rule: String,
    /// The logical ID of the resource at fault.
    pub resource: String,
    /// The rule's title and what is wrong with the resource (and how many other
    /// error-level findings there are).
    pub message: String,
    /// How to fix it.
    pub fix: String,
}

impl From<CheckError> for Error {
    fn from(e: CheckError) -> Self {
        Error::Layer(LayerError::new(e))
    }
}
