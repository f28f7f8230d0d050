//! IAM policy documents as values: statements, effects, principals, actions, ARNs and
//! conditions, validated for the place they are used (resource, identity or trust policy).

mod names;
mod policy;

pub use names::{Action, Arn};
pub use policy::{
    Condition, ConditionKey, ConditionOperator, Effect, PolicyDocument, PolicyKind, Principal,
    SetQualifier, Statement,
};
