use std::fmt;
use std::sync::Arc;

use super::expr::Expr;

/// A condition of a stack's template (the `Conditions` section), as returned by
/// [`Stack::add_condition`](super::Stack::add_condition) and
/// [`Stack::ensure_condition`](super::Stack::ensure_condition): constructs take it where they
/// may be created only sometimes, so a condition is named once, where it is defined, and a
/// misspelt name cannot reach the template.
///
/// ```
/// use airgap::template::{Expr, Pseudo, Resource, Stack};
/// let mut stack = Stack::new("Demo");
/// let prod = stack.add_condition(
///     "IsProduction",
///     Expr::Equals(Box::new(Expr::pseudo(Pseudo::Region)), Box::new(Expr::str("eu-west-1"))),
/// )?;
/// stack.add_resource("Topic", Resource::new("AWS::SNS::Topic").condition(&prod))?;
/// let size = prod.if_(Expr::str("large"), Expr::str("small"));
/// assert_eq!(size.to_value()["Fn::If"][0], "IsProduction");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionRef(Arc<str>);

impl ConditionRef {
    pub(super) fn new(name: &str) -> Self {
        Self(Arc::from(name))
    }

    /// The condition's name in the template.
    pub fn name(&self) -> &str {
        &self.0
    }

    /// `Fn::If`: `then` where the condition holds, `otherwise` where it does not.
    pub fn if_(&self, then: Expr, otherwise: Expr) -> Expr {
        Expr::if_(self.name(), then, otherwise)
    }
}

impl fmt::Display for ConditionRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

/// So that the document model's `Resource::condition` and `Expr::if_`, which take a name,
/// take a handle too.
impl From<&ConditionRef> for String {
    fn from(c: &ConditionRef) -> String {
        c.0.to_string()
    }
}
