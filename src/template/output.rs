use super::condition::ConditionRef;
use super::document::Output;
use super::expr::Expr;
use super::stack::Stack;
use crate::error::Result;

/// An output of a stack (the `Outputs` section), described like a construct and added with
/// [`StackOutput::add_to`]: a value other stacks, a product's launcher or a script read back.
///
/// ```
/// use airgap::template::{Expr, StackOutput, Stack};
/// let mut stack = Stack::new("Net").export_prefix("ds-network");
/// StackOutput::new("VpcId", "The VPC", Expr::str("vpc-0abc")).export().add_to(&mut stack)?;
/// let t = stack.synth_unchecked()?.into_template();
/// assert_eq!(t.outputs["VpcId"].export_name, Some(serde_json::json!("ds-network-VpcId")));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct StackOutput {
    id: String,
    description: String,
    value: Expr,
    export: bool,
    condition: Option<ConditionRef>,
}

impl StackOutput {
    /// An output `id` (which must be new in the stack) holding `value`.
    pub fn new(id: impl Into<String>, description: impl Into<String>, value: Expr) -> Self {
        Self {
            id: id.into(),
            description: description.into(),
            value,
            export: false,
            condition: None,
        }
    }

    /// Exports the value under the stack's export prefix and the output's ID
    /// (`${AWS::StackName}-VpcId` by default; see [`Stack::export_prefix`]), so other stacks
    /// can import it.
    pub fn export(mut self) -> Self {
        self.export = true;
        self
    }

    /// Makes the output exist only when `condition` holds (for an optional resource's value).
    pub fn condition(mut self, condition: &ConditionRef) -> Self {
        self.condition = Some(condition.clone());
        self
    }

    /// Adds the output to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<()> {
        let export_name = self.export.then(|| stack.export_name(&self.id).to_value());
        stack.insert_output(
            &self.id,
            Output {
                description: Some(self.description),
                value: self.value.to_value(),
                export_name,
                condition: self.condition.map(|c| c.name().to_string()),
            },
        )
    }
}
