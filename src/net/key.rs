//! The customer managed KMS keys constructs make for their own data (flow logs, workload
//! volumes): one shape, so every such key rotates, survives the stack, and is administered the
//! same way.

use crate::error::Result;
use crate::iam::{Arn, PolicyDocument, PolicyKind, Principal, Statement};
use crate::template::{Resource, ResourceRef, Stack};

/// A KMS key for one construct's data: rotation on, retained when the stack is deleted or the
/// key replaced (the data cannot be read without it), administered by the account (which grants
/// no use of the key), and used only as its use statement says.
#[derive(Debug, Clone)]
#[must_use]
pub(crate) struct DataKey {
    description: String,
    use_statement: Statement,
}

impl DataKey {
    /// A key described as `description` ("Encrypts ..."), usable as `use_statement` allows:
    /// by a service principal, or through named services, with its conditions.
    pub(crate) fn new(description: impl Into<String>, use_statement: Statement) -> Self {
        Self {
            description: description.into(),
            use_statement,
        }
    }

    /// The key's policy: administration by the account, then the use statement.
    fn policy(self) -> PolicyDocument {
        PolicyDocument::new()
            .statement(
                // Without an administrator the key could never be changed again (and
                // CloudFormation refuses such a policy); administration grants no use of the
                // key.
                Statement::allow()
                    .sid("AllowKeyAdministrationByThisAccount")
                    .principal(Principal::Aws(vec![Arn::account_root()]))
                    .actions([
                        "kms:Create*",
                        "kms:Describe*",
                        "kms:Enable*",
                        "kms:List*",
                        "kms:Put*",
                        "kms:Update*",
                        "kms:Revoke*",
                        "kms:Disable*",
                        "kms:Get*",
                        "kms:Delete*",
                        "kms:TagResource",
                        "kms:UntagResource",
                        "kms:ScheduleKeyDeletion",
                        "kms:CancelKeyDeletion",
                    ])
                    .any_resource(),
            )
            .statement(self.use_statement)
    }

    /// Adds the key as `logical_id`, tagged `name_tag`, its policy checked as a resource
    /// policy of `construct`.
    pub(crate) fn add_to(
        self,
        stack: &mut Stack,
        construct: &str,
        logical_id: &str,
        name_tag: &str,
    ) -> Result<ResourceRef> {
        let description = self.description.clone();
        let policy = self.policy();
        policy.validate(PolicyKind::Resource, construct)?;
        stack.add_resource_tagged(
            logical_id,
            construct,
            Resource::new("AWS::KMS::Key")
                .property("Description", description)
                .property("EnableKeyRotation", true)
                .property("KeyPolicy", policy.to_value())
                .retain(),
            name_tag,
        )
    }
}
