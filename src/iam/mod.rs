//! IAM policy documents as values: statements, effects, principals, actions, ARNs and
//! conditions, validated for the place they are used (resource, identity or trust policy),
//! checked against the catalog of real actions, parsed from existing JSON, evaluated offline
//! against a request, and linted for shapes that do not mean what they seem to.

pub mod catalog;
mod condition;
mod conditions;
mod error;
mod eval;
mod lint;
mod names;
mod parse;
mod policy;
pub mod presets;
mod request;
mod values;
mod wildcard;

pub use condition::{Condition, ConditionKey, ConditionOperator, SetQualifier};
pub(crate) use conditions::value_type_mismatch;
pub use error::IamError;
pub use eval::{Decision, Outcome, StatementRef};
pub use lint::{Finding, FindingKind, retired_action};
pub use names::{Action, Arn, bucket_name_problem, is_legacy_bucket_name};
pub use policy::{
    Effect, PolicyDocument, PolicyKind, Principal, PrincipalEntry, Statement, VERSION,
};
pub use request::{ContextOrigin, ContextValue, Request};
pub use wildcard::wildcard_match;

/// The README's policy section, run as a doctest so the five lines stay true.
#[cfg(doctest)]
#[doc = include_str!("../../docs/policy-readme-section.md")]
pub struct PolicyReadmeSection;
