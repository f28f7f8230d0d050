//! Offline evaluation of one policy against one request, after AWS's documented logic for a
//! single policy: an explicit deny wins, then an allow, else the request is implicitly denied.

use std::fmt;

use indexmap::IndexMap;

use super::catalog;
use super::conditions::{arn_like, condition};
use super::error::IamError;
use super::policy::{Effect, PolicyDocument, PolicyKind, Principal, Statement};
use super::request::{Caller, ContextValue, Identity, Request, Slot};
use super::values::{Env, resolve, substitute};
use super::wildcard::{Tok, match_tokens};
use crate::error::Result;

/// What a policy decides about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A statement allows the request and none denies it.
    Allow,
    /// A statement denies the request; nothing can allow it then.
    ExplicitDeny,
    /// No statement applies to the request, so it is denied by default.
    ImplicitDeny,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allow => "Allow",
            Outcome::ExplicitDeny => "ExplicitDeny",
            Outcome::ImplicitDeny => "ImplicitDeny",
        })
    }
}

/// A statement of a policy: its position (from 0) and its Sid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// The position in the policy, from 0.
    pub index: usize,
    /// The statement's Sid, if it has one.
    pub sid: Option<String>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "#{} '{sid}'", self.index + 1),
            None => write!(f, "#{}", self.index + 1),
        }
    }
}

/// The result of [`PolicyDocument::evaluate`]: the outcome, the statement that decided it,
/// and why; for each statement that did not apply, the reason it did not.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    outcome: Outcome,
    statement: Option<StatementRef>,
    reason: String,
    not_applied: Vec<(StatementRef, String)>,
    context: Vec<ContextValue>,
    ignored: Vec<(String, String)>,
    assumed: Vec<String>,
}

impl Decision {
    /// Allow, explicit deny or implicit deny.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }

    /// The statement that decided (none for an implicit deny).
    pub fn statement(&self) -> Option<&StatementRef> {
        self.statement.as_ref()
    }

    /// Why, in words: what matched for an allow or deny, what failed for an implicit deny.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Each statement that did not apply, with the first reason it did not.
    pub fn not_applied(&self) -> &[(StatementRef, String)] {
        &self.not_applied
    }

    /// The request context the evaluation used: the keys the request gave and those AWS
    /// derives from the caller (`aws:PrincipalArn`, `aws:PrincipalAccount`, ...).
    pub fn context(&self) -> &[ContextValue] {
        &self.context
    }

    /// Keys the request gave that AWS never sends with this action (such as `s3:prefix` on
    /// `s3:GetObject`), with why: conditions on them were evaluated as if the key were absent.
    pub fn ignored_keys(&self) -> &[(String, String)] {
        &self.ignored
    }

    /// What the evaluation had to assume where AWS's documentation gives no answer (each time
    /// the answer that denies was taken); empty when nothing was assumed.
    pub fn assumptions(&self) -> &[String] {
        &self.assumed
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.outcome, self.reason)
    }
}

impl PolicyDocument {
    /// Evaluates the policy against `request`, following AWS's logic for one policy: an
    /// explicit deny wins, then an allow, else an implicit deny.
    ///
    /// Actions compare case-insensitively, ARNs and condition values case-sensitively; `*`
    /// and `?` are wildcards; policy variables (`${aws:username}`) take the request's values;
    /// template names (`${AWS::Partition}`, `${AWS::AccountId}`, `Ref`, `Fn::ImportValue`)
    /// take the values the request gives them. A condition with a key the catalog does not
    /// know, or a value the request cannot supply, is an [`IamError::CannotEvaluate`]: the
    /// evaluator never guesses, so it never allows by accident. Where AWS's documentation
    /// gives no answer, the evaluation takes the one that denies and says so in
    /// [`Decision::assumptions`].
    ///
    /// The policy is validated first, as [`PolicyDocument::validate`] does for its kind: a
    /// resource policy when a statement names a principal (a trust policy when none names a
    /// resource either), an identity policy otherwise.
    ///
    /// ```
    /// use airgap::iam::{Arn, Outcome, PolicyDocument, Request, Statement};
    /// let policy = PolicyDocument::new().statement(
    ///     Statement::allow()
    ///         .sid("Access-to-specific-bucket-only")
    ///         .any_principal()
    ///         .action("s3:GetObject")
    ///         .resources([Arn::s3_bucket("my_secure_bucket")?, Arn::s3_objects("my_secure_bucket")?]),
    /// );
    /// let read = policy.evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x"))?;
    /// assert_eq!(read.outcome(), Outcome::Allow);
    /// let write = policy.evaluate(&Request::new("s3:PutObject", "arn:aws:s3:::my_secure_bucket/x"))?;
    /// assert_eq!(write.outcome(), Outcome::ImplicitDeny);
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn evaluate(&self, request: &Request) -> Result<Decision> {
        self.validate(self.inferred_kind(), "policy document")?;
        let caller = request.check()?;
        let slots = request.context_slots(caller.as_ref());
        let ignored = ignored_keys(request, &slots);
        let slots: IndexMap<String, Slot> = slots
            .into_iter()
            .filter(|(k, _)| !ignored.iter().any(|(i, _)| i.eq_ignore_ascii_case(k)))
            .collect();
        let mut allow: Option<(StatementRef, String)> = None;
        let mut deny: Option<(StatementRef, String)> = None;
        let mut not_applied = Vec::new();
        let mut assumed = Vec::new();
        for (index, s) in self.statements.iter().enumerate() {
            let at = StatementRef {
                index,
                sid: s.sid.clone(),
            };
            let env = Env {
                request,
                slots: &slots,
                effect: s.effect,
            };
            let fail = |message: String| IamError::CannotEvaluate {
                statement: at.to_string(),
                message,
            };
            let mut notes = Vec::new();
            match applies(s, caller.as_ref(), &env, &mut notes).map_err(fail)? {
                Ok(why) => match s.effect {
                    Effect::Deny if deny.is_none() => deny = Some((at.clone(), why)),
                    Effect::Allow if allow.is_none() => allow = Some((at.clone(), why)),
                    _ => {}
                },
                Err(why_not) => not_applied.push((at.clone(), why_not)),
            }
            assumed.extend(notes.into_iter().map(|n| format!("statement {at}: {n}")));
        }
        let (outcome, decided) = match (deny, allow) {
            (Some(d), _) => (Outcome::ExplicitDeny, Some(d)),
            (None, Some(a)) => (Outcome::Allow, Some(a)),
            (None, None) => (Outcome::ImplicitDeny, None),
        };
        let (statement, reason) = match decided {
            Some((at, why)) => {
                let verb = if outcome == Outcome::Allow {
                    "allows"
                } else {
                    "denies"
                };
                let reason = format!("statement {at} {verb}: {why}");
                (Some(at), reason)
            }
            None if not_applied.is_empty() => (None, "the policy has no statement".to_string()),
            None => {
                let parts: Vec<String> = not_applied
                    .iter()
                    .map(|(at, why)| format!("{at}: {why}"))
                    .collect();
                (None, format!("no statement applies ({})", parts.join("; ")))
            }
        };
        let context = slots
            .into_values()
            .filter_map(|s| match s {
                Slot::Known(v) => Some(v),
                Slot::Unknown { .. } => None,
            })
            .collect();
        Ok(Decision {
            outcome,
            statement,
            reason,
            not_applied,
            context,
            ignored,
            assumed,
        })
    }

    /// The kind of policy the statements' shape says this is.
    fn inferred_kind(&self) -> PolicyKind {
        let named = |s: &Statement| s.principal.is_some() || s.not_principal.is_some();
        let resourced = |s: &Statement| {
            s.any_resource
                || s.resource_list.is_some()
                || !s.resources.is_empty()
                || !s.not_resources.is_empty()
        };
        if !self.statements.iter().any(named) {
            PolicyKind::Identity
        } else if self.statements.iter().any(resourced) {
            PolicyKind::Resource
        } else {
            PolicyKind::Trust
        }
    }
}

/// Context keys the request gives that AWS never sends with its action: the Service
/// Authorization Reference lists the keys each action (and its resource types) can carry, and
/// AWS puts no other service key in the request context, so a condition on one sees it absent.
fn ignored_keys(request: &Request, slots: &IndexMap<String, Slot>) -> Vec<(String, String)> {
    let Some(info) = catalog::action_info(&request.action) else {
        return Vec::new();
    };
    slots
        .values()
        .filter_map(|slot| match slot {
            Slot::Known(v) if !info.takes_condition_key(&v.key) => Some((
                v.key.clone(),
                format!(
                    "AWS never sends `{}` with {}:{}, so conditions see it absent",
                    v.key, info.prefix, info.name
                ),
            )),
            _ => None,
        })
        .collect()
}

type Applies = std::result::Result<String, String>;

/// Whether the statement applies to the request (`Ok(Ok(why))`), does not (`Ok(Err(why))`),
/// or cannot be evaluated (`Err(what is missing)`). What had to be assumed goes to `notes`.
fn applies(
    s: &Statement,
    caller: Option<&Caller>,
    env: &Env<'_>,
    notes: &mut Vec<String>,
) -> std::result::Result<Applies, String> {
    let r = env.request;
    let mut why = Vec::new();
    let deny = s.effect == Effect::Deny;
    if let Some(p) = &s.principal {
        match principal_matches(p, caller, env)? {
            Named::Yes(m) => why.push(format!("principal matches `{m}`")),
            Named::Maybe(m, doubt) if deny => {
                notes.push(doubt);
                why.push(format!("principal may match `{m}`"));
            }
            Named::Maybe(_, doubt) => {
                notes.push(doubt);
                return Ok(Err("the principal is not surely named in Principal".into()));
            }
            Named::No => return Ok(Err("the principal is not named in Principal".into())),
        }
    }
    if let Some(p) = &s.not_principal {
        match principal_matches(p, caller, env)? {
            Named::Yes(m) => {
                return Ok(Err(format!(
                    "the principal is excluded by NotPrincipal `{m}`"
                )));
            }
            // NotPrincipal stands on Deny statements only: the denying answer is "not excluded".
            Named::Maybe(_, doubt) => {
                notes.push(doubt);
                why.push("the principal is not surely excluded by NotPrincipal".into());
            }
            Named::No => why.push("the principal is not excluded by NotPrincipal".into()),
        }
    }
    // Action
    let action_hit = |patterns: &[String]| {
        patterns
            .iter()
            .find(|p| super::wildcard::wildcard_match(p, &r.action, true))
            .cloned()
    };
    if !s.actions.is_empty() {
        match action_hit(&s.actions) {
            Some(m) => why.push(format!("action `{}` matches `{m}`", r.action)),
            None => {
                return Ok(Err(format!(
                    "action `{}` matches no Action ({})",
                    r.action,
                    s.actions.join(", ")
                )));
            }
        }
    }
    if !s.not_actions.is_empty() {
        if let Some(m) = action_hit(&s.not_actions) {
            return Ok(Err(format!(
                "action `{}` is excluded by NotAction `{m}`",
                r.action
            )));
        }
        why.push(format!("action `{}` is not in NotAction", r.action));
    }
    // Resource
    if s.any_resource {
        why.push("Resource is `*`".into());
    } else if let Some(list) = &s.resource_list {
        return Err(format!(
            "Resource is a list the template computes ({}); the evaluator cannot know its items, so evaluate a policy with the ARNs written out",
            list.to_value()
        ));
    } else if !s.resources.is_empty() {
        let mut shown = Vec::new();
        let mut hit = None;
        for arn in &s.resources {
            let text = resolve(&arn.to_value(), r)?;
            if resource_matches(&substitute(&text, env)?, &r.resource) {
                hit = Some(text);
                break;
            }
            shown.push(text);
        }
        match hit {
            Some(m) => why.push(format!("resource matches `{m}`")),
            None => {
                return Ok(Err(format!(
                    "resource `{}` matches no Resource ({})",
                    r.resource,
                    shown.join(", ")
                )));
            }
        }
    }
    if !s.not_resources.is_empty() {
        for arn in &s.not_resources {
            let text = resolve(&arn.to_value(), r)?;
            if resource_matches(&substitute(&text, env)?, &r.resource) {
                return Ok(Err(format!(
                    "resource `{}` is excluded by NotResource `{text}`",
                    r.resource
                )));
            }
        }
        why.push("the resource is not in NotResource".into());
    }
    // Conditions: all must hold.
    for c in &s.conditions {
        let out = condition(c, env)?;
        let (holds, detail) = (out.holds, out.detail);
        notes.extend(out.assumed);
        if !holds {
            return Ok(Err(format!(
                "condition {} on `{}` does not hold ({detail})",
                c.operator_name(),
                c.key.as_str()
            )));
        }
        why.push(format!(
            "condition {} on `{}` holds ({detail})",
            c.operator_name(),
            c.key.as_str()
        ));
    }
    Ok(Ok(why.join(", ")))
}

/// Whether a principal element names the caller, and by which value.
enum Named {
    Yes(String),
    /// AWS's documentation does not say; the first text is the value, the second the doubt.
    Maybe(String, String),
    No,
}

/// Whether one principal value names the caller.
enum Hit {
    Yes,
    /// AWS's documentation does not say why not or why so: the doubt, in words.
    Maybe(String),
    No,
}

/// The principal value of `p` that names the caller, if one does.
fn principal_matches(
    p: &Principal,
    caller: Option<&Caller>,
    env: &Env<'_>,
) -> std::result::Result<Named, String> {
    let mut maybe = None;
    for (kind, values) in p.entries() {
        for v in values {
            let v = resolve(&v, env.request)?;
            // "Principal": "*" and {"AWS": "*"} name everyone, anonymous callers included.
            if kind == "AWS" && v == "*" {
                return Ok(Named::Yes(v));
            }
            let Some(caller) = caller else {
                return Err(format!(
                    "the statement names principals ({kind} `{v}`); give the request a caller (`principal_arn`, `service_principal`, `anonymous`)"
                ));
            };
            let hit = match (kind.as_str(), caller) {
                ("AWS", Caller::Aws { .. }) => aws_principal_matches(&v, caller),
                ("Service", Caller::Service(name)) => Hit::from(v == *name),
                ("Federated", Caller::Federated(name)) => Hit::from(v == *name),
                ("CanonicalUser", Caller::CanonicalUser(id)) => Hit::from(v == *id),
                _ => Hit::No,
            };
            match hit {
                Hit::Yes => return Ok(Named::Yes(v)),
                Hit::Maybe(doubt) => maybe = Some(Named::Maybe(v, doubt)),
                Hit::No => {}
            }
        }
    }
    Ok(maybe.unwrap_or(Named::No))
}

impl From<bool> for Hit {
    fn from(hit: bool) -> Self {
        if hit { Hit::Yes } else { Hit::No }
    }
}

/// An `AWS` principal names the caller by its ARN, by its account (a 12-digit ID or the
/// account's `:root` ARN: "The account ARN and the shortened account ID behave the same way.
/// Both delegate permissions to the account"), or, for a role session, by its role's ARN
/// (with any path: session ARNs carry none, and role names are unique in an account). "You
/// cannot use a wildcard to match part of a principal name or ARN."
fn aws_principal_matches(named: &str, caller: &Caller) -> Hit {
    let Caller::Aws {
        arn,
        partition,
        account,
        identity,
    } = caller
    else {
        return Hit::No;
    };
    if named == arn || named == account || named == format!("arn:{partition}:iam::{account}:root") {
        return Hit::Yes;
    }
    let iam_prefix = format!("arn:{partition}:iam::{account}:");
    let Some(resource) = named.strip_prefix(&iam_prefix) else {
        return Hit::No;
    };
    match identity {
        Identity::Session { role, .. } | Identity::Role { name: role, .. } => {
            let Some(named_role) = resource.strip_prefix("role/") else {
                return Hit::No;
            };
            let name = named_role.rsplit('/').next().unwrap_or(named_role);
            if name == role {
                Hit::Yes
            } else if name.eq_ignore_ascii_case(role) {
                Hit::Maybe(format!(
                    "the principal names role `{name}` and the caller's role is `{role}`: AWS does not document whether role names compare ignoring case, so airgap took the answer that denies"
                ))
            } else {
                Hit::No
            }
        }
        Identity::FederatedUser(user) => {
            let names_user = resource
                .strip_prefix("user/")
                .is_some_and(|path| path.rsplit('/').next() == Some(user.as_str()));
            if names_user {
                Hit::Maybe(format!(
                    "the principal names the IAM user `{resource}` and the caller is the federated user `{user}`: AWS documents naming a federated user by its session ARN (arn:aws:sts::ACCOUNT:federated-user/NAME), not whether the user that federated matches, so airgap took the answer that denies"
                ))
            } else {
                Hit::No
            }
        }
        Identity::Root | Identity::User(_) => Hit::No,
    }
}

/// Whether a `Resource` or `NotResource` entry names the request's resource. "You can use
/// wildcard characters (* and ?) within any ARN segment (the parts separated by colons) ...
/// a wildcard character can't span segments" (Amazon S3 User Guide, IAM User Guide): the five
/// parts before the resource compare on their own; the resource part is the rest of the ARN,
/// colons included (`log-group:NAME:*` covers the group's streams). An entry that is not an
/// ARN (`*`) compares as a whole.
fn resource_matches(pattern: &[Tok], resource: &str) -> bool {
    let colons = pattern.iter().filter(|t| **t == Tok::Lit(':')).count();
    if colons >= 5 {
        arn_like(pattern, resource)
    } else {
        match_tokens(pattern, resource, false)
    }
}
