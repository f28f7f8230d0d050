//! The launch role checked against IAM's own catalog of actions: every action exists, every
//! condition key is one IAM knows, and every resource fits what the action accepts.

use std::fmt;

use crate::error::{Error, Result};
use crate::iam::PolicyDocument;
use crate::iam::catalog::{action_info, check_action, is_condition_key};

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
        write!(
            f,
            "statement {}, {}: {}",
            self.sid, self.action, self.message
        )
    }
}

/// Checks every grant of `policy` against IAM's action catalog (the Service Authorization
/// Reference): each action exists and is not retired; each resource fits one of the action's
/// resource types' ARN formats, and an action that takes resource ARNs is not granted on `*`;
/// each condition key is one a request for every action of the statement carries (a condition
/// on a key AWS never sends fails, and with it the launch), unless written `...IfExists`.
///
/// ```
/// use airgap::catalog::launch_role::check_grants;
/// use airgap::iam::{Arn, PolicyDocument, Statement};
/// // DescribeLogGroups takes only "*": a log-group ARN would never match.
/// let policy = PolicyDocument::new().statement(
///     Statement::allow()
///         .sid("FindLogGroups")
///         .action("logs:DescribeLogGroups")
///         .resource(Arn::new("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*")?),
/// );
/// let problems = check_grants(&policy);
/// assert_eq!(problems[0].action, "logs:DescribeLogGroups");
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn check_grants(policy: &PolicyDocument) -> Vec<GrantProblem> {
    let mut problems = Vec::new();
    for (i, s) in policy.statements().iter().enumerate() {
        let sid = s
            .sid_str()
            .map_or_else(|| format!("#{}", i + 1), str::to_string);
        let mut problem = |action: &str, message: String| {
            problems.push(GrantProblem {
                sid: sid.clone(),
                action: action.to_string(),
                message,
            });
        };
        for c in s.conditions() {
            if !is_condition_key(c.key.as_str()) {
                problem(
                    &s.action_names().join(", "),
                    format!("`{}` is not a condition key IAM knows", c.key.as_str()),
                );
            }
        }
        for action in s.action_names() {
            if let Err(e) = check_action(action) {
                problem(action, e.reason);
                continue;
            }
            let Some(info) = action_info(action) else {
                continue;
            };
            if info.is_retired() {
                problem(
                    action,
                    "AWS has retired this action: it grants nothing".into(),
                );
            }
            let on_purpose = STAR_ON_PURPOSE
                .iter()
                .any(|(a, _)| a.eq_ignore_ascii_case(action));
            if s.is_any_resource() && !info.takes_only_star() && !on_purpose {
                problem(
                    action,
                    "granted on \"*\" though it takes resource ARNs: scope it to the resources the product creates".into(),
                );
            }
            // One statement grants its actions on all its resources, and IAM lets each action
            // use the ARNs that fit it: an action is wasted only when none of them fits.
            let texts: Vec<&str> = s
                .resource_arns()
                .iter()
                .filter_map(|a| a.as_text())
                .collect();
            if !s.is_any_resource()
                && !texts.is_empty()
                && !texts.iter().any(|text| info.accepts_resource(text))
            {
                let expected = if info.takes_only_star() {
                    "it takes only \"*\"".to_string()
                } else {
                    let formats: Vec<&str> = info.resource_types.iter().map(|t| t.arn).collect();
                    format!("it acts on {}", formats.join(" or "))
                };
                problem(
                    action,
                    format!("none of `{}` can match: {expected}", texts.join("`, `")),
                );
            }
            for c in s.conditions() {
                if !c.if_exists && !info.takes_condition_key(c.key.as_str()) {
                    problem(
                        action,
                        format!(
                            "a request for it never carries `{}`, so the condition would refuse it",
                            c.key.as_str()
                        ),
                    );
                }
            }
        }
        // An ARN that fits none of the statement's actions is not flagged: some are kept on
        // purpose where AWS's reference and practice may differ (prefix lists named in group
        // rules, the VPC beside a hosted zone), and an unused ARN grants nothing.
    }
    problems
}

/// Actions the launch role is granted on `"*"` although they can take an ARN, and why.
pub const STAR_ON_PURPOSE: [(&str, &str); 1] = [(
    "cloudformation:GetTemplateSummary",
    "its resource type (a stack) is optional: called with a template URL, before any stack exists, it is authorized against \"*\"",
)];

/// [`check_grants`] as an error: the derivation runs it on every policy it makes.
pub(super) fn check(policy: &PolicyDocument) -> Result<()> {
    let problems = check_grants(policy);
    if problems.is_empty() {
        return Ok(());
    }
    let list: Vec<String> = problems.iter().map(ToString::to_string).collect();
    Err(Error::invalid(
        "launch role",
        "policy",
        format!(
            "{}; this is a defect of airgap's launch-role table",
            list.join("; ")
        ),
    ))
}
