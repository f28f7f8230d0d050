//! The errors of the analysis layer: synthesis refused because a privacy check failed, and a
//! reachability too large to work out.

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

/// A template's reachability matrix is too large to work out within airgap's bounds: more
/// pairs that can talk than [`MAX_PAIRS`](crate::analysis::MAX_PAIRS), or more comparisons of
/// an egress rule with an ingress rule than
/// [`MAX_COMPARISONS`](crate::analysis::MAX_COMPARISONS).
///
/// The matrix lists every pair that can talk, so it grows with the square of the groups, and
/// each pair costs the product of their rules: a 200 KB template can ask for a million pairs.
/// `airgap reach` and `airgap report` read templates from pull requests, where time and
/// memory must stay bounded, so they stop with this error instead.
/// [`Reachability::matrix`](crate::analysis::Reachability::matrix) returns it inside a
/// [`crate::Error`] ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[error(
    "the template's reachability is too large to work out: more than {} {what}, far more than in a network a review can follow; airgap stops rather than spend unbounded time and memory on it",
    thousands(*.limit)
)]
#[non_exhaustive]
pub struct ReachTooLarge {
    /// What there is too much of: `pairs that can talk` or `comparisons of an egress rule
    /// with an ingress rule`.
    pub what: &'static str,
    /// The bound that was passed.
    pub limit: usize,
}

/// `100000` as `100,000`.
fn thousands(n: usize) -> String {
    let digits = n.to_string();
    let mut out = String::new();
    for (i, d) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i).is_multiple_of(3) {
            out.push(',');
        }
        out.push(d);
    }
    out
}

impl From<ReachTooLarge> for Error {
    fn from(e: ReachTooLarge) -> Self {
        Error::Layer(LayerError::new(e))
    }
}
