//! The evaluation table: policies, requests and the decisions AWS would reach, case by case.

use airgap::iam::{Outcome, PolicyDocument, Request};
use serde_json::Value;

/// A policy, a request, the decision AWS would reach for that one policy, the statement that
/// decides, and a fragment of the reason.
pub struct Case {
    name: &'static str,
    policy: PolicyDocument,
    request: Request,
    outcome: Outcome,
    sid: Option<&'static str>,
    reason: &'static str,
}

/// A case, its fields in the table's column order.
pub fn case(
    name: &'static str,
    policy: PolicyDocument,
    request: Request,
    outcome: Outcome,
    sid: Option<&'static str>,
    reason: &'static str,
) -> Case {
    Case {
        name,
        policy,
        request,
        outcome,
        sid,
        reason,
    }
}

pub fn policy(v: Value) -> PolicyDocument {
    PolicyDocument::from_value(&v).expect("a valid policy")
}

pub fn get(resource: &str) -> Request {
    Request::new("s3:GetObject", resource)
}

fn cases() -> Vec<Case> {
    let mut cases = crate::iam_eval_table_matching::cases();
    cases.extend(crate::iam_eval_table_conditions::cases());
    cases
}

#[test]
fn the_evaluation_table() {
    let cases = cases();
    assert!(cases.len() >= 60, "the table has {} cases", cases.len());
    let mut failures = Vec::new();
    for c in &cases {
        match c.policy.evaluate(&c.request) {
            Ok(d) => {
                let sid = d.statement().and_then(|s| s.sid.as_deref());
                let decider_ok = c.sid.is_none() || sid == c.sid;
                if d.outcome() != c.outcome || !decider_ok || !d.reason().contains(c.reason) {
                    failures.push(format!(
                        "{}: expected {} by {:?} with `{}`, got {} by {:?}: {}",
                        c.name,
                        c.outcome,
                        c.sid,
                        c.reason,
                        d.outcome(),
                        sid,
                        d.reason()
                    ));
                }
            }
            Err(e) => failures.push(format!("{}: error {e}", c.name)),
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} cases fail:\n{}",
        failures.len(),
        cases.len(),
        failures.join("\n")
    );
}
