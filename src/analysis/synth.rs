//! `Stack::synth`: synthesis with the privacy checks.
//!
//! It lives here, not in the template layer, because the template layer must not know about
//! networks; see docs/design-notes.md.

use super::rules::check;
use crate::error::{Error, Result};
use crate::template::{Stack, Synthesized, Warning};

impl Stack {
    /// Finishes the template and runs the privacy checks: an error-level finding that is not
    /// suppressed on its resource (see [`Stack::suppress`]) fails synthesis with
    /// [`Error::CheckFailed`]; warnings, info and suppressed findings are returned as
    /// [`Warning::Check`] in [`Synthesized::warnings`].
    ///
    /// ```
    /// use airgap::template::{Resource, Stack};
    /// let mut stack = Stack::new("Demo");
    /// let igw = stack.add_resource("Igw", "InternetGateway 'Igw'", Resource::new("AWS::EC2::InternetGateway"))?;
    /// let err = stack.synth().unwrap_err();
    /// assert!(err.to_string().contains("AG-NET-001"));
    /// stack.suppress(&igw, "AG-NET-001", "the egress proxy's VPC")?;
    /// let out = stack.synth()?;
    /// assert!(out.warnings()[0].to_string().contains("suppressed"));
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn synth(&self) -> Result<Synthesized> {
        checked(self.synth_unchecked()?)
    }

    /// [`synth`](Self::synth) for a stack that is not needed afterwards: the template is moved
    /// into the result, not copied.
    pub(crate) fn into_synth(self) -> Result<Synthesized> {
        checked(self.into_synth_unchecked()?)
    }
}

/// Runs the privacy checks on a synthesized template.
fn checked(mut out: Synthesized) -> Result<Synthesized> {
    let findings = check(out.template());
    let blocking: Vec<_> = findings.iter().filter(|f| f.is_blocking()).collect();
    if let Some(first) = blocking.first() {
        let more = match blocking.len() - 1 {
            0 => String::new(),
            1 => " (and 1 more error-level finding)".into(),
            n => format!(" (and {n} more error-level findings)"),
        };
        return Err(Error::CheckFailed {
            rule: first.rule.id.to_string(),
            resource: first.resource.clone(),
            message: format!("{}: {}{more}", first.rule.title, first.message),
            fix: first.rule.fix.to_string(),
        });
    }
    for f in findings {
        let level = match (&f.suppressed, f.rule.severity) {
            (Some(reason), _) => format!("suppressed: {reason}"),
            (None, s) => s.as_str().to_string(),
        };
        out.push_warning(Warning::Check {
            rule: f.rule.id.to_string(),
            level,
            resource: f.resource,
            message: f.message,
        });
    }
    Ok(out)
}
