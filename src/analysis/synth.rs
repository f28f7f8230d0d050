//! `Stack::synth`: synthesis with the privacy checks.
//!
//! It lives here, not in the template layer, because the template layer must not know about
//! networks; see docs/design-notes.md.

use super::error::CheckError;
use super::rules::check;
use crate::catalog::{Portfolio, Product, Release};
use crate::error::Result;
use crate::patterns::config::NetworkConfig;
use crate::patterns::portfolio::NetworkPortfolio;
use crate::template::{Stack, Synthesized, Warning};

impl Stack {
    /// Finishes the template and runs the privacy checks: an error-level finding that is not
    /// suppressed on its resource (see [`Stack::suppress`]) fails synthesis with
    /// [`CheckError`]; warnings, info and suppressed findings are returned as
    /// [`Warning::Check`] in [`Synthesized::warnings`].
    ///
    /// ```
    /// use airgap::template::{Resource, Stack};
    /// let mut stack = Stack::new("Demo");
    /// let igw = stack.add_resource("Igw", Resource::new("AWS::EC2::InternetGateway"))?;
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
        return Err(CheckError {
            rule: first.rule.id.to_string(),
            resource: first.resource.clone(),
            message: format!("{}: {}{more}", first.rule.title, first.message),
            fix: first.rule.fix.to_string(),
        }
        .into());
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

// The checked forms of the lower layers' builders. Those layers take the synthesis as a
// function (`build_with`, `release_with`, ...) so that they never call up into this layer;
// these pass `Stack::synth`, and are what callers use unless they have a reason not to check.

impl Portfolio {
    /// Checks everything and synthesizes the portfolio template with the privacy checks
    /// ([`Portfolio::build_with`] with [`Stack::synth`]).
    pub fn build(self) -> Result<Release> {
        self.build_with(Stack::synth)
    }
}

impl NetworkPortfolio {
    /// The products, in launch order, their templates synthesized with the privacy checks
    /// ([`NetworkPortfolio::products_with`] with [`Stack::synth`]).
    pub fn products(&self) -> Result<Vec<Product>> {
        self.products_with(&Stack::synth)
    }

    /// The portfolio and its products, checked and ready to write, every template
    /// synthesized with the privacy checks ([`NetworkPortfolio::release_with`] with
    /// [`Stack::synth`]).
    pub fn release(&self) -> Result<Release> {
        self.release_with(&Stack::synth)
    }
}

impl NetworkConfig {
    /// Builds the network in a stack of its own and synthesizes the template with the privacy
    /// checks ([`NetworkConfig::network_stack`], then [`Stack::synth`]).
    pub fn synth(&self) -> Result<Synthesized> {
        // The stack is not needed afterwards: its template is moved into the result.
        self.network_stack()?.into_synth()
    }
}
