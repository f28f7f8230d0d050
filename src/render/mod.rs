//! Text rendered from the templates in `templates/` with minijinja (compiled into the library,
//! so rendering needs no files at run time): the publish script of a Service Catalog package
//! ([`publish`]), and, here, the Markdown review report of a template and its Mermaid diagram.
//!
//! ```
//! use airgap::render::{ReportOptions, review_report};
//! use airgap::template::Template;
//! let t = Template::from_yaml("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n")?;
//! let md = review_report(&t, &ReportOptions::default())?;
//! assert!(md.contains("**Private: yes.**"));
//! assert!(md.contains("```mermaid"));
//! # Ok::<(), airgap::Error>(())
//! ```

mod diagram;
pub mod diff;
mod error;
pub mod publish;
mod review;
pub mod sarif;

use minijinja::{Environment, UndefinedBehavior};
use serde::Serialize;
use serde_json::Value;

use crate::analysis::{Network, Reachability, SuppressionPolicy};
use crate::error::{Error, Result};
use crate::template::Template;
pub use error::RenderError;

/// What an interface endpoint costs per zone and hour, in US dollars, when the caller gives no
/// price: the us-east-1 list price of AWS PrivateLink interface endpoints (data processing,
/// $0.01 per GB, is not included). Prices differ by region; pass yours in
/// [`ReportOptions::endpoint_hourly_usd`].
pub const DEFAULT_ENDPOINT_HOURLY_USD: f64 = 0.01;

/// Hours in a month, as AWS's pricing calculator counts them.
pub const HOURS_PER_MONTH: u32 = 730;

const REVIEW: &str = include_str!("../../templates/review.md.j2");
const DIAGRAM: &str = include_str!("../../templates/diagram.mmd.j2");

/// Settings of the review report.
#[derive(Debug, Clone, PartialEq)]
pub struct ReportOptions {
    /// The report's title; the template's description (or "CloudFormation template") if unset.
    pub title: Option<String>,
    /// Price of one interface endpoint in one zone for one hour, in US dollars.
    pub endpoint_hourly_usd: f64,
    /// Which of the template's own suppressions count (all, by default: `airgap report` starts
    /// from none, as `airgap check` does).
    pub suppressions: SuppressionPolicy,
}

impl Default for ReportOptions {
    fn default() -> Self {
        ReportOptions {
            title: None,
            endpoint_hourly_usd: DEFAULT_ENDPOINT_HOURLY_USD,
            suppressions: SuppressionPolicy::trusted(),
        }
    }
}

impl ReportOptions {
    /// Sets the title.
    #[must_use]
    pub fn title(mut self, title: impl Into<String>) -> Self {
        self.title = Some(title.into());
        self
    }

    /// Sets which of the template's own suppressions count.
    #[must_use]
    pub fn suppression_policy(mut self, policy: SuppressionPolicy) -> Self {
        self.suppressions = policy;
        self
    }

    /// Sets the hourly price of an interface endpoint per zone, in US dollars.
    #[must_use]
    pub fn endpoint_hourly_usd(mut self, price: f64) -> Self {
        self.endpoint_hourly_usd = price;
        self
    }
}

fn environment() -> Result<Environment<'static>> {
    let mut env = Environment::new();
    let syntax = minijinja::syntax::SyntaxConfig::builder()
        .trim_blocks(true)
        .lstrip_blocks(true)
        .keep_trailing_newline(true)
        .build()
        .map_err(|e| RenderError::new("(syntax)", e))?;
    env.set_syntax(syntax);
    // A name the template reads but the context lacks (a misspelt field) is an error, not an
    // empty cell.
    env.set_undefined_behavior(UndefinedBehavior::Strict);
    env.add_filter("label", |s: &str| diagram::label(s));
    for (name, source) in [("review.md.j2", REVIEW), ("diagram.mmd.j2", DIAGRAM)] {
        env.add_template(name, source)
            .map_err(|e| RenderError::new(name, e))?;
    }
    Ok(env)
}

fn render(name: &'static str, context: &impl Serialize) -> Result<String> {
    let env = environment()?;
    let err = |e: minijinja::Error| Error::from(RenderError::new(name, e));
    let tmpl = env.get_template(name).map_err(err)?;
    tmpl.render(minijinja::Value::from(minijinja::value::Serde(context)))
        .map_err(err)
}

/// The Mermaid flowchart of the network: VPCs, zones and subnets, security groups (holding the
/// interface endpoints that use them), gateway endpoints, and an arrow for each allowed flow
/// labelled with its protocols and ports.
///
/// ```
/// use airgap::render::mermaid_diagram;
/// use airgap::template::Template;
/// let t = Template::from_yaml("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n")?;
/// assert!(mermaid_diagram(&t)?.starts_with("flowchart LR"));
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn mermaid_diagram(t: &Template) -> Result<String> {
    render("diagram.mmd.j2", &diagram::Diagram::of(t)?)
}

/// Makes every string fit in a Markdown table cell: one line, no unescaped `|`.
fn table_safe(v: &mut Value) {
    match v {
        Value::String(s) => {
            *s = s
                .split_whitespace()
                .collect::<Vec<_>>()
                .join(" ")
                .replace('|', "\\|");
        }
        Value::Array(items) => items.iter_mut().for_each(table_safe),
        Value::Object(m) => m.values_mut().for_each(table_safe),
        _ => {}
    }
}

/// The Markdown review report of a template: summary (private or not, and why), parameters,
/// subnets by zone, route tables, endpoints and their policies in plain words, the monthly cost
/// of the interface endpoints, who can reach whom, the findings with their fixes, and the
/// Mermaid diagram.
///
/// ```
/// use airgap::render::{ReportOptions, review_report};
/// use airgap::template::Template;
/// let t = Template::from_yaml(
///     "Resources:\n  Gateway:\n    Type: AWS::EC2::InternetGateway\n",
/// )?;
/// let md = review_report(&t, &ReportOptions::default().title("Review"))?;
/// assert!(md.starts_with("# Network review: Review"));
/// assert!(md.contains("**Private: no.**"), "an internet gateway is a way out");
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn review_report(t: &Template, options: &ReportOptions) -> Result<String> {
    // Read once for the review and its diagram: the matrix is the costly part.
    let network = Network::of(t);
    let reach = Reachability::of(t);
    let matrix = reach.matrix()?;
    let review = review::Review::with(t, options, &network, &reach, &matrix);
    let mut context =
        serde_json::to_value(&review).map_err(|e| RenderError::new("review.md.j2", e))?;
    table_safe(&mut context);
    // The diagram goes in after `table_safe`: it is a block of lines, not a table cell.
    let diagram = diagram::Diagram::with(t, &network, &reach, &matrix);
    context["diagram"] = Value::String(render("diagram.mmd.j2", &diagram)?);
    render("review.md.j2", &context)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_misspelt_field_in_a_template_is_an_error_not_an_empty_cell() {
        let t = Template::from_yaml(
            "Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n    Properties: {CidrBlock: 10.0.0.0/16}\n",
        )
        .unwrap();
        let context = review::Review::of(&t, &ReportOptions::default()).unwrap();
        let mut env = environment().unwrap();
        env.add_template("right", "{{ cost.monthly }} {{ summary.routes }}")
            .unwrap();
        env.add_template("typo", "{{ cost.monthy }}").unwrap();
        env.add_template("typo_in_if", "{% if summary.privat %}yes{% endif %}")
            .unwrap();
        let render = |name: &str| {
            env.get_template(name)
                .unwrap()
                .render(minijinja::Value::from(minijinja::value::Serde(&context)))
        };
        assert_eq!(render("right").unwrap(), "0.00 0");
        for typo in ["typo", "typo_in_if"] {
            let e = render(typo).unwrap_err();
            assert_eq!(
                e.kind(),
                minijinja::ErrorKind::UndefinedError,
                "{typo}: {e}"
            );
        }
    }
}
