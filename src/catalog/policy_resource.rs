//! Customer-managed policies that travel with a portfolio: a resource of the portfolio
//! template (created when the template's parameters say so) and a plain JSON document in the
//! release folder, for accounts that attach policies by hand or as SCPs.

use crate::error::Result;
use crate::iam::{PolicyDocument, PolicyKind};
use crate::template::{Expr, LogicalId, Parameter, Resource, Stack, StackOutput};

/// A managed policy of the portfolio template (`AWS::IAM::ManagedPolicy`), with the parameters
/// its document refers to and, optionally, a condition deciding whether it is created; and the
/// plain JSON documents written beside the templates.
///
/// ```
/// use airgap::catalog::{PortfolioPolicy};
/// use airgap::iam::{PolicyDocument, Statement};
/// let doc = PolicyDocument::new().statement(
///     Statement::deny().sid("NoDeletes").action("s3:DeleteBucket").any_resource());
/// let policy = PortfolioPolicy::new("Guardrail", "Keeps buckets", doc.clone())
///     .document("guardrail/policy.json", &doc);
/// assert_eq!(policy.documents().len(), 1);
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct PortfolioPolicy {
    name: String,
    description: String,
    policy: PolicyDocument,
    parameters: Vec<(String, Parameter, String)>,
    condition: Option<(String, Expr)>,
    documents: Vec<(String, String)>,
}

impl PortfolioPolicy {
    /// The policy `name` (its logical ID is `<Name>Policy`) with `policy` as its document.
    pub fn new(
        name: impl Into<String>,
        description: impl Into<String>,
        policy: PolicyDocument,
    ) -> Self {
        Self {
            name: name.into(),
            description: description.into(),
            policy,
            parameters: Vec::new(),
            condition: None,
            documents: Vec::new(),
        }
    }

    /// A parameter of the portfolio template the document refers to, with its label in the
    /// launch form.
    pub fn parameter(
        mut self,
        id: impl Into<String>,
        parameter: Parameter,
        label: impl Into<String>,
    ) -> Self {
        self.parameters.push((id.into(), parameter, label.into()));
        self
    }

    /// Creates the policy only when `condition` (a condition over the parameters, such as
    /// [`Expr::not_`]) holds; `name` is the condition's name in the portfolio template, written
    /// only here.
    pub fn when(mut self, name: impl Into<String>, condition: Expr) -> Self {
        self.condition = Some((name.into(), condition));
        self
    }

    /// A plain JSON document written into the release folder at `path`.
    pub fn document(mut self, path: impl Into<String>, policy: &PolicyDocument) -> Self {
        let mut text =
            serde_json::to_string_pretty(&policy.to_value()).expect("JSON values serialize");
        text.push('\n');
        self.documents.push((path.into(), text));
        self
    }

    /// The plain documents, `(path, JSON)`.
    pub fn documents(&self) -> &[(String, String)] {
        &self.documents
    }

    /// Adds the parameters, condition, policy and an output of its ARN to `stack`.
    pub(crate) fn add_to(&self, stack: &mut Stack, construct: &str) -> Result<()> {
        let c = format!("{construct}, policy '{}'", self.name);
        self.policy.validate(PolicyKind::Identity, &c)?;
        for (id, p, label) in &self.parameters {
            stack.add_parameter_labeled(
                id,
                &c,
                p.clone(),
                label,
                &format!("{} policy", self.name),
            )?;
        }
        let id = LogicalId::from_parts([self.name.as_str(), "policy"])?;
        let mut r = Resource::new("AWS::IAM::ManagedPolicy")
            .property("Description", self.description.clone())
            .property("PolicyDocument", self.policy.to_value());
        let condition = self
            .condition
            .as_ref()
            .map(|(name, cond)| stack.ensure_condition(name, cond.clone()));
        if let Some(cond) = &condition {
            r = r.condition(cond);
        }
        let policy = stack.add_resource_of(id.as_str(), &c, r)?;
        let description = format!("The ARN of the {} policy, to attach to roles", self.name);
        match &condition {
            Some(cond) => StackOutput::new(format!("{id}Arn"), &description, policy.ref_())
                .condition(cond)
                .add_to(stack),
            None => StackOutput::new(format!("{id}Arn"), &description, policy.ref_()).add_to(stack),
        }
    }
}
