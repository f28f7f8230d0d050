//! Shapes of policy that validate but do not mean what they seem to.

use std::fmt;

use super::catalog::{action_info, is_retired_service};
use super::eval::StatementRef;
use super::policy::{ConditionOperator as Op, Effect, PolicyDocument, Principal};

/// What a lint finding is about.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FindingKind {
    /// An `Allow` whose condition is a negated match (`StringNotEquals`, `NotIpAddress`, ...)
    /// on where a request comes from (`aws:SourceVpce`, `aws:SourceVpc`, `aws:SourceIp`,
    /// `aws:VpcSourceIp`): it grants to every request that does *not* come through that
    /// endpoint or network. The shape belongs on a `Deny`.
    NegatedNetworkConditionOnAllow,
    /// An `Allow` with `NotAction` or `NotResource`: it grants everything except what is
    /// listed, including actions and resources that AWS adds later.
    AllowWithNegation,
    /// An `Allow` of every action on every resource to anyone, with no condition: the policy
    /// restricts nothing.
    AllowsEverything,
    /// An action (or a pattern over the actions of a service) that AWS has retired: the policy
    /// is valid, but the statement grants or denies nothing through it any more.
    RetiredAction,
}

impl FindingKind {
    /// A short stable name, for reports and for tools that filter findings.
    pub fn code(self) -> &'static str {
        match self {
            FindingKind::NegatedNetworkConditionOnAllow => "negated-network-condition-on-allow",
            FindingKind::AllowWithNegation => "allow-with-not-action-or-not-resource",
            FindingKind::AllowsEverything => "allows-everything",
            FindingKind::RetiredAction => "retired-action",
        }
    }
}

/// One finding of [`PolicyDocument::lint`].
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// What kind of problem.
    pub kind: FindingKind,
    /// The statement it is in.
    pub statement: StatementRef,
    /// What is wrong and how to fix it.
    pub message: String,
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "[{}] statement {}: {}",
            self.kind.code(),
            self.statement,
            self.message
        )
    }
}

/// Why `action` (`prefix:Name`, wildcards allowed in the name) matches nothing current, when
/// AWS has retired it or its whole service; `None` for current and unknown actions.
///
/// ```
/// use airgap::iam::retired_action;
/// assert!(retired_action("elastic-inference:Connect").unwrap().contains("retired service"));
/// assert!(retired_action("elastic-inference:*").is_some());
/// assert_eq!(retired_action("s3:GetObject"), None);
/// ```
pub fn retired_action(action: &str) -> Option<String> {
    let (prefix, name) = action.split_once(':')?;
    if !prefix.contains(['*', '?']) && is_retired_service(prefix) {
        return Some(format!(
            "`{action}` belongs to a retired service (`{prefix}`): it grants or denies nothing any more"
        ));
    }
    if name.contains(['*', '?']) {
        return None;
    }
    action_info(action)
        .filter(|info| info.is_retired())
        .map(|info| {
            format!(
                "`{}:{}` is a retired action: it grants or denies nothing any more",
                info.prefix, info.name
            )
        })
}

const NETWORK_KEYS: [&str; 4] = [
    "aws:sourcevpce",
    "aws:sourcevpc",
    "aws:sourceip",
    "aws:vpcsourceip",
];

impl PolicyDocument {
    /// Looks for statements that validate but grant more than they seem to.
    ///
    /// ```
    /// use airgap::iam::{FindingKind, PolicyDocument};
    /// // The shape of the reference architecture's KMS key policy.
    /// let key_policy = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow",
    ///     "Principal": {"AWS": "arn:aws:iam::111122223333:root"}, "Action": "kms:Decrypt",
    ///     "Resource": "*", "Condition": {"StringNotEquals": {"aws:sourceVpce": "vpce-1"}}}]}"#)?;
    /// let findings = key_policy.lint();
    /// assert_eq!(findings[0].kind, FindingKind::NegatedNetworkConditionOnAllow);
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn lint(&self) -> Vec<Finding> {
        let mut out = Vec::new();
        for (index, s) in self.statements.iter().enumerate() {
            let at = || StatementRef {
                index,
                sid: s.sid.clone(),
            };
            for a in s.actions.iter().chain(&s.not_actions) {
                if let Some(why) = retired_action(a) {
                    out.push(Finding {
                        kind: FindingKind::RetiredAction,
                        statement: at(),
                        message: format!("{why}; remove it"),
                    });
                }
            }
            if s.effect != Effect::Allow {
                continue;
            }
            for c in &s.conditions {
                let negated = matches!(
                    c.operator,
                    Op::StringNotEquals
                        | Op::StringNotEqualsIgnoreCase
                        | Op::StringNotLike
                        | Op::NotIpAddress
                        | Op::ArnNotEquals
                        | Op::ArnNotLike
                );
                if negated && NETWORK_KEYS.contains(&c.key.as_str().to_ascii_lowercase().as_str()) {
                    out.push(Finding {
                        kind: FindingKind::NegatedNetworkConditionOnAllow,
                        statement: at(),
                        message: format!(
                            "this Allow holds for requests that do NOT match `{}` ({}): it grants access from everywhere except the network it names; put the condition on a Deny statement, or use {} on the Allow",
                            c.key.as_str(),
                            c.operator_name(),
                            c.operator_name().replace("Not", "")
                        ),
                    });
                }
            }
            if !s.not_actions.is_empty() || !s.not_resources.is_empty() {
                out.push(Finding {
                    kind: FindingKind::AllowWithNegation,
                    statement: at(),
                    message: "an Allow with NotAction or NotResource grants everything not listed, including what AWS adds later; list what to allow instead".into(),
                });
            }
            let everyone = matches!(s.principal, Some(Principal::Any) | None);
            let every_action = s.actions.iter().any(|a| a == "*");
            if everyone && every_action && s.any_resource && s.conditions.is_empty() {
                out.push(Finding {
                    kind: FindingKind::AllowsEverything,
                    statement: at(),
                    message: "allows every action on every resource with no condition, so the policy restricts nothing; name the actions and resources, or scope it with aws:PrincipalAccount".into(),
                });
            }
        }
        out
    }
}
