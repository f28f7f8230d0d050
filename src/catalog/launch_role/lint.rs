//! The launch role checked against IAM's own catalog of actions: every action exists, every
//! condition key is one IAM knows, and every resource fits what the action accepts.

use std::fmt;

use crate::error::{Error, Result};
use crate::iam::PolicyDocument;
use crate::iam::catalog::{check_action, is_condition_key};

/// Something wrong with one grant of a policy.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GrantProblem {
    /// The statement's Sid.
    pub sid: String,
    /// The action concerned.
    pub action: String,
    /// What is wrong.
    pub message: String,
}

impl fmt::Display for GrantProblem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "statement {}, {}: {}", self.sid, self.action, self.message)
    }
}

/// Checks every grant of `policy` against IAM's action catalog: the actions exist and the
/// condition keys are known.
///
/// ```
/// use airgap::catalog::launch_role::check_grants;
/// use airgap::iam::{PolicyDocument, Statement};
/// let policy = PolicyDocument::new()
///     .statement(Statement::allow().sid("Bad").action("logs:DescribeLogGroupz").any_resource());
/// assert_eq!(check_grants(&policy)[0].action, "logs:DescribeLogGroupz");
/// ```
pub fn check_grants(policy: &PolicyDocument) -> Vec<GrantProblem> {
    let mut problems = Vec::new();
    for (i, s) in policy.statements().iter().enumerate() {
        let sid = s
            .sid_str()
            .map_or_else(|| format!("#{}", i + 1), str::to_string);
        for action in s.action_names() {
            if let Err(e) = check_action(action) {
                problems.push(GrantProblem {
                    sid: sid.clone(),
                    action: action.clone(),
                    message: e.reason,
                });
            }
        }
        for c in s.conditions() {
            if !known_key(c.key.as_str()) {
                problems.push(GrantProblem {
                    sid: sid.clone(),
                    action: s.action_names().join(", "),
                    message: format!("`{}` is not a condition key IAM knows", c.key.as_str()),
                });
            }
        }
    }
    problems
}

/// Whether IAM knows `key`. The catalog writes some tag-key templates as `<key>`
/// (`s3:ExistingObjectTag/<key>`) rather than `${TagKey}`; both forms are accepted.
fn known_key(key: &str) -> bool {
    is_condition_key(key)
        || key
            .split_once('/')
            .is_some_and(|(head, _)| is_condition_key(&format!("{head}/<key>")))
}

/// [`check_grants`] as an error: the derivation runs it on every policy it makes.
pub(super) fn check(policy: &PolicyDocument) -> Result<()> {
    match check_grants(policy).into_iter().next() {
        None => Ok(()),
        Some(p) => Err(Error::invalid(
            "launch role",
            "policy",
            format!("{p}; this is a defect of airgap's launch-role table"),
        )),
    }
}
