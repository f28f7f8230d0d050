//! Suppressions written in the template, and the policy of whoever runs the checks on whether
//! to honour them.
//!
//! A template can carry its own suppressions (airgap's `Metadata.airgap.suppressions`, cdk-nag's
//! `Metadata.cdk_nag.rules_to_suppress`, cfn-lint's `Metadata.cfn-lint.config.ignore_checks`).
//! Whoever wrote the template wrote those too, so a pull request could silence the check on its
//! own Internet Gateway. [`SuppressionPolicy`] is the reviewer's say: which formats count, which
//! rules may be suppressed, whether a reason is required. A suppression the policy does not
//! honour stays in every report, marked, and its finding still blocks.

use std::collections::BTreeSet;

use serde_json::Value;

use crate::analysis::policy::one_or_many;
use crate::patterns::config::ConfigError;
use crate::template::Resource;

/// Where a suppression was written.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum SuppressionFormat {
    /// `Metadata.airgap.suppressions: [{id, reason}]`, what `Stack::suppress` writes.
    Airgap,
    /// cdk-nag's `Metadata.cdk_nag.rules_to_suppress: [{id, reason}]`.
    CdkNag,
    /// cfn-lint's `Metadata.cfn-lint.config.ignore_checks: [ID]`, which has no reason.
    CfnLint,
}

impl SuppressionFormat {
    /// Every format.
    pub const ALL: [SuppressionFormat; 3] = [
        SuppressionFormat::Airgap,
        SuppressionFormat::CdkNag,
        SuppressionFormat::CfnLint,
    ];

    /// `airgap`, `cdk-nag` or `cfn-lint`.
    pub fn name(self) -> &'static str {
        match self {
            SuppressionFormat::Airgap => "airgap",
            SuppressionFormat::CdkNag => "cdk-nag",
            SuppressionFormat::CfnLint => "cfn-lint",
        }
    }

    /// The format named `name` (as [`SuppressionFormat::name`] gives it).
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|f| f.name() == name)
    }
}

/// Which in-template suppressions count.
///
/// ```
/// use airgap::analysis::{SuppressionFormat, SuppressionPolicy};
/// // What `airgap check` does unless told otherwise: nothing a template suppresses counts.
/// let strict = SuppressionPolicy::none();
/// assert!(strict.refusal("AG-NET-001", SuppressionFormat::Airgap, Some("fine")).is_some());
/// // A reviewer who accepts airgap's own suppressions of the VPN rule, with a reason:
/// let policy = SuppressionPolicy::none().allow_rule("AG-NET-005").format(SuppressionFormat::Airgap);
/// assert!(policy.refusal("AG-NET-005", SuppressionFormat::Airgap, Some("partner network")).is_none());
/// assert!(policy.refusal("AG-NET-001", SuppressionFormat::Airgap, Some("fine")).is_some());
/// assert!(policy.refusal("AG-NET-005", SuppressionFormat::CfnLint, None).is_some());
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
#[must_use]
pub struct SuppressionPolicy {
    /// Formats honoured.
    pub formats: BTreeSet<SuppressionFormat>,
    /// Rules that may be suppressed: IDs, or prefixes ending in `*` (`AG-SG-*`); `*` is all.
    pub rules: BTreeSet<String>,
    /// Whether a suppression without a reason is refused.
    pub require_reason: bool,
}

impl SuppressionPolicy {
    /// Every suppression counts, in every format, with or without a reason: for templates the
    /// caller wrote itself (what `Stack::synth` uses on its own stack).
    pub fn trusted() -> Self {
        Self {
            formats: SuppressionFormat::ALL.into_iter().collect(),
            rules: ["*".to_string()].into(),
            require_reason: false,
        }
    }

    /// No suppression counts: for templates someone else wrote (what `airgap check` starts
    /// from). Suppressed findings are still shown, marked as not honoured.
    pub fn none() -> Self {
        Self {
            formats: BTreeSet::new(),
            rules: BTreeSet::new(),
            require_reason: true,
        }
    }

    /// Lets rule `id` (or every rule matching `AG-SG-*`, or `*`) be suppressed.
    pub fn allow_rule(mut self, id: impl Into<String>) -> Self {
        self.rules.insert(id.into());
        self
    }

    /// Honours suppressions written in `format`.
    pub fn format(mut self, format: SuppressionFormat) -> Self {
        self.formats.insert(format);
        self
    }

    /// Whether suppressions without a reason count.
    pub fn require_reason(mut self, required: bool) -> Self {
        self.require_reason = required;
        self
    }

    /// Reads a policy file: `{"allow": ["AG-NET-005", "AG-SG-*"], "formats": ["airgap",
    /// "cdk-nag"], "require_reason": true}`. Fields left out keep [`SuppressionPolicy::none`]'s
    /// values, except `formats`, which is `["airgap"]`.
    ///
    /// ```
    /// use airgap::analysis::SuppressionPolicy;
    /// let p = SuppressionPolicy::from_json(r#"{"allow": ["AG-NET-005"]}"#)?;
    /// assert!(p.rules.contains("AG-NET-005") && p.require_reason);
    /// assert!(SuppressionPolicy::from_json(r#"{"allow": ["AG-NET-005"], "reason": true}"#).is_err());
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_json(text: &str) -> crate::Result<Self> {
        use crate::Error;
        let bad = |at: &str, message: String| Error::from(ConfigError::new(at, message));
        let doc = crate::template::json_to_value(text)?;
        let fields = doc.as_object().ok_or_else(|| {
            bad(
                "document",
                "a suppression policy is an object such as {\"allow\": [\"AG-NET-005\"]}".into(),
            )
        })?;
        let mut policy = Self::none().format(SuppressionFormat::Airgap);
        let strings = |v: &Value, at: &str| -> crate::Result<Vec<String>> {
            v.as_array()
                .and_then(|a| a.iter().map(|x| x.as_str().map(str::to_string)).collect())
                .ok_or_else(|| bad(at, "must be a list of strings".into()))
        };
        for (k, v) in fields {
            match k.as_str() {
                "allow" => policy.rules = strings(v, "field `allow`")?.into_iter().collect(),
                "formats" => {
                    policy.formats = strings(v, "field `formats`")?
                        .iter()
                        .map(|f| {
                            SuppressionFormat::from_name(f).ok_or_else(|| {
                                bad(
                                    "field `formats`",
                                    format!(
                                        "`{f}` is not a format; use airgap, cdk-nag or cfn-lint"
                                    ),
                                )
                            })
                        })
                        .collect::<crate::Result<_>>()?;
                }
                "require_reason" => {
                    policy.require_reason = v.as_bool().ok_or_else(|| {
                        bad("field `require_reason`", "must be true or false".into())
                    })?;
                }
                other => {
                    return Err(bad(
                        &format!("field `{other}`"),
                        "unknown; the fields are allow, formats and require_reason".into(),
                    ));
                }
            }
        }
        Ok(policy)
    }

    fn allows_rule(&self, rule: &str) -> bool {
        self.rules.iter().any(|r| match r.strip_suffix('*') {
            Some(prefix) => rule.starts_with(prefix),
            None => r == rule,
        })
    }

    /// Why a suppression of `rule` written in `format` with `reason` does not count, or `None`
    /// when it does.
    pub fn refusal(
        &self,
        rule: &str,
        format: SuppressionFormat,
        reason: Option<&str>,
    ) -> Option<String> {
        if !self.formats.contains(&format) {
            return Some(format!(
                "{} suppressions are not honoured by this check's policy",
                format.name()
            ));
        }
        if !self.allows_rule(rule) {
            return Some(format!(
                "the check's policy does not let {rule} be suppressed"
            ));
        }
        if self.require_reason && reason.is_none_or(|r| r.trim().is_empty()) {
            return Some("no reason is given, and the check's policy requires one".into());
        }
        None
    }
}

/// A suppression of `rule` on `r`: its reason (if any) and where it was written. The first
/// format that names the rule wins: airgap's, then cdk-nag's, then cfn-lint's.
pub(super) fn suppression(r: &Resource, rule: &str) -> Option<(Option<String>, SuppressionFormat)> {
    let listed = |v: Option<&Value>| -> Option<Option<String>> {
        one_or_many(v).into_iter().find_map(|s| {
            (s.get("id").and_then(Value::as_str) == Some(rule)).then(|| {
                s.get("reason")
                    .and_then(Value::as_str)
                    .filter(|r| !r.trim().is_empty())
                    .map(str::to_string)
            })
        })
    };
    let airgap = r.metadata.get("airgap").and_then(|a| a.get("suppressions"));
    let cdk = r
        .metadata
        .get("cdk_nag")
        .and_then(|a| a.get("rules_to_suppress"));
    let cfn_lint = r
        .metadata
        .get("cfn-lint")
        .and_then(|c| c.get("config"))
        .and_then(|c| c.get("ignore_checks"));
    listed(airgap)
        .map(|reason| (reason, SuppressionFormat::Airgap))
        .or_else(|| listed(cdk).map(|reason| (reason, SuppressionFormat::CdkNag)))
        .or_else(|| {
            one_or_many(cfn_lint)
                .iter()
                .any(|c| c.as_str() == Some(rule))
                .then_some((None, SuppressionFormat::CfnLint))
        })
}
