//! Shapes of policy that validate but do not mean what they seem to.

use std::fmt;

use super::catalog;
use super::condition::ConditionOperator as Op;
use super::eval::StatementRef;
use super::policy::{Effect, PolicyDocument, Principal, Statement};
use super::request::is_multivalued_key;

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
    /// A condition on a multivalued key (`aws:PrincipalOrgPaths`, `aws:TagKeys`) without
    /// `ForAnyValue:` or `ForAllValues:`. AWS: "Multivalued context keys require a condition
    /// set operator"; it does not say what happens without one, so airgap's evaluation takes
    /// the answer that denies.
    PlainOperatorOnMultivaluedKey,
    /// A condition on a service key that none of the statement's actions carries (such as
    /// `s3:prefix` on `s3:GetObject`, or `kms:EncryptionContext:...` on `kms:DescribeKey`):
    /// AWS never sends the key, so the condition always sees it absent and the statement either
    /// never applies or applies unconditionally.
    ConditionKeyNeverSent,
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
            FindingKind::PlainOperatorOnMultivaluedKey => "plain-operator-on-multivalued-key",
            FindingKind::ConditionKeyNeverSent => "condition-key-never-sent",
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
    if !prefix.contains(['*', '?']) && catalog::is_retired_service(prefix) {
        return Some(format!(
            "`{action}` belongs to a retired service (`{prefix}`): it grants or denies nothing any more"
        ));
    }
    if name.contains(['*', '?']) {
        return None;
    }
    catalog::action_status(action)
        .filter(|&(_, _, status)| status == catalog::ActionStatus::Retired)
        .map(|(prefix, name, _)| {
            format!("`{prefix}:{name}` is a retired action: it grants or denies nothing any more")
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
        let mut expanded = Expanded::default();
        for (index, s) in self.statements.iter().enumerate() {
            let at = || StatementRef {
                index,
                sid: s.sid.clone(),
            };
            for (kind, message) in condition_findings(s, &mut expanded) {
                out.push(Finding {
                    kind,
                    statement: at(),
                    message,
                });
            }
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

/// Conditions that cannot mean what they say: a plain operator on a multivalued key, and a key
/// none of the statement's actions carries.
/// The real actions each action pattern of a policy stands for, read from the catalog once per
/// pattern: a policy repeats its patterns from statement to statement, and expanding one
/// (`s3:Get*`) reads a hundred catalog lines.
#[derive(Default)]
struct Expanded(std::collections::HashMap<String, std::rc::Rc<Vec<catalog::ActionInfo>>>);

impl Expanded {
    fn infos(&mut self, pattern: &str) -> std::rc::Rc<Vec<catalog::ActionInfo>> {
        self.0
            .entry(pattern.to_string())
            .or_insert_with(|| {
                std::rc::Rc::new(
                    catalog::expand(pattern)
                        .iter()
                        .filter_map(|x| catalog::action_info(x))
                        .collect(),
                )
            })
            .clone()
    }
}

fn condition_findings(s: &Statement, expanded: &mut Expanded) -> Vec<(FindingKind, String)> {
    let mut out = Vec::new();
    if s.conditions.is_empty() {
        // Nothing to say, and the actions' patterns need not be expanded.
        return out;
    }
    // Each action pattern with the real actions it stands for (a NotAction statement names
    // "everything else", which carries every key some action does: nothing to say there).
    let patterns: Vec<(&String, std::rc::Rc<Vec<catalog::ActionInfo>>)> = s
        .actions
        .iter()
        .filter(|a| a.as_str() != "*")
        .map(|a| (a, expanded.infos(a)))
        .collect();
    for c in &s.conditions {
        let key = c.key.as_str();
        if c.set.is_none() && c.operator != Op::Null && is_multivalued_key(key) {
            out.push((
                FindingKind::PlainOperatorOnMultivaluedKey,
                format!(
                    "`{key}` is multivalued and {} has no set operator; AWS requires ForAnyValue: or ForAllValues: with multivalued keys (\"Multivalued context keys require a condition set operator\") and does not say what happens without one: write ForAnyValue:{}",
                    c.operator_name(),
                    c.operator_name()
                ),
            ));
        }
        for (pattern, infos) in &patterns {
            if infos.is_empty() || infos.iter().any(|a| a.takes_condition_key(key)) {
                continue;
            }
            let effect = if absent_holds(c) {
                "applies to it whatever the request"
            } else {
                "never applies to it"
            };
            out.push((
                FindingKind::ConditionKeyNeverSent,
                format!(
                    "AWS never sends `{key}` with `{pattern}`, so {} always sees the key absent and the statement {effect}; move `{pattern}` to a statement with conditions on keys it carries",
                    c.operator_name()
                ),
            ));
        }
    }
    out
}

/// Whether a condition holds when its key is absent (negated operators, `...IfExists`,
/// `ForAllValues:` and `Null: true` do).
fn absent_holds(c: &super::condition::Condition) -> bool {
    use super::condition::SetQualifier;
    let negated = c.operator.positive().is_some();
    if c.operator == Op::Null {
        return c.values.iter().any(|v| {
            v.to_value()
                .as_str()
                .is_some_and(|t| t.eq_ignore_ascii_case("true"))
                || v.to_value() == serde_json::Value::Bool(true)
        });
    }
    match c.set {
        Some(SetQualifier::ForAllValues) => true,
        Some(SetQualifier::ForAnyValue) => false,
        None => c.if_exists || negated,
    }
}
