//! The errors of the IAM layer: actions and condition keys no AWS service has, policy JSON
//! that is not a policy, and policies that cannot be evaluated against a request.

use std::fmt;

use crate::error::{Error, LayerError, Location};

/// What can go wrong checking, reading or evaluating a policy. A [`crate::Error`] carries it
/// ([`Error::Layer`]); [`Error::downcast_ref`] gives it back.
///
/// ```
/// use airgap::iam::{IamError, PolicyDocument, PolicyKind, Statement};
/// let policy = PolicyDocument::new()
///     .statement(Statement::allow().any_principal().action("s3:GetObjekt").any_resource());
/// let err = policy.validate(PolicyKind::Resource, "GatewayEndpoint 's3'").unwrap_err();
/// let Some(IamError::UnknownAction { suggestion, .. }) = err.downcast_ref() else {
///     panic!("{err:?}")
/// };
/// assert_eq!(suggestion.as_deref(), Some("s3:GetObject"));
/// assert!(err.to_string().ends_with("did you mean `s3:GetObject`?"));
/// ```
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
#[non_exhaustive]
pub enum IamError {
    /// A policy names an action that no AWS service has.
    #[error(
        "{at}: `{action}` is not an IAM action: {reason}{}",
        did_you_mean(suggestion)
    )]
    UnknownAction {
        /// The statement and field.
        at: Location,
        /// The action as written.
        action: String,
        /// What is wrong with it, with the nearest real action when one is close.
        reason: String,
        /// The nearest real action, when one is close.
        suggestion: Option<String>,
    },
    /// A policy's condition names a key that is neither global nor a key of its service.
    #[error(
        "{at}: `{key}` is not a condition key of AWS or of its service{}",
        did_you_mean(suggestion)
    )]
    UnknownConditionKey {
        /// The statement and field.
        at: Location,
        /// The key as written.
        key: String,
        /// The nearest known key, when one is close.
        suggestion: Option<String>,
    },
    /// A policy document read from JSON is not a valid policy.
    #[error("policy JSON at `{path}`: {message}")]
    PolicyJson {
        /// Where in the document, as a JSON path such as `$.Statement[0].Effect`.
        path: String,
        /// What is wrong and how to fix it.
        message: String,
    },
    /// A policy cannot be evaluated against a request (an unknown operator or key, a template
    /// value or policy variable the request does not give): evaluation refuses to guess.
    #[error("cannot evaluate statement {statement}: {message}")]
    CannotEvaluate {
        /// The statement, as `#n` or `#n 'Sid'`.
        statement: String,
        /// What is missing or wrong and how to supply it.
        message: String,
    },
}

impl IamError {
    /// The nearest real action or condition key to the one written, when one is close: what
    /// a message's "did you mean" names.
    pub fn suggestion(&self) -> Option<&str> {
        match self {
            IamError::UnknownAction { suggestion, .. }
            | IamError::UnknownConditionKey { suggestion, .. } => suggestion.as_deref(),
            _ => None,
        }
    }
}

fn did_you_mean(suggestion: &Option<impl fmt::Display>) -> String {
    match suggestion {
        Some(s) => format!("; did you mean `{s}`?"),
        None => String::new(),
    }
}

impl From<IamError> for Error {
    fn from(e: IamError) -> Self {
        Error::Layer(LayerError::new(e))
    }
}
