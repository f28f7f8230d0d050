//! The KMS key a workload encrypts its storage with.

use crate::error::Result;
use crate::iam::{Arn, Condition, ConditionOperator, Principal, Statement};
use crate::net::DataKey;
use crate::template::{Expr, ResourceRef, Stack};

/// The key that encrypts a workload's storage (a notebook's ML volume, a Studio domain's EFS
/// volume): a key of the workload's own (the default), or one the user names.
#[derive(Debug, Clone, PartialEq)]
pub enum WorkloadKey {
    /// A key made with the workload: rotation on, retained when the stack is deleted or the
    /// key replaced (the volume's data cannot be read without it), usable only through
    /// SageMaker, EC2 and EFS by principals of this account.
    Own,
    /// An existing key, by ID or ARN (a literal, a parameter or an import).
    Named(Expr),
}

/// A key in the stack: its ID (what `KmsKeyId` takes) and its ARN (what policies name).
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct KeyHandle {
    pub id: Expr,
    pub arn: Expr,
    pub resource: Option<ResourceRef>,
}

impl WorkloadKey {
    pub(crate) fn add_to(
        &self,
        stack: &mut Stack,
        construct: &str,
        logical_id: &str,
        purpose: &str,
        name_tag: &str,
    ) -> Result<KeyHandle> {
        match self {
            WorkloadKey::Named(key) => Ok(KeyHandle {
                id: key.clone(),
                arn: named_key_arn(key),
                resource: None,
            }),
            WorkloadKey::Own => {
                let key = DataKey::new(format!("Encrypts {purpose}"), use_statement())
                    .add_to(stack, construct, logical_id, name_tag)?;
                Ok(KeyHandle {
                    id: key.ref_(),
                    arn: key.get_att("Arn"),
                    resource: Some(key),
                })
            }
        }
    }
}

/// A named key's ARN: an ARN as given, a key ID made into one.
fn named_key_arn(key: &Expr) -> Expr {
    match key.as_literal_str() {
        Some(text) if text.starts_with("arn:") => key.clone(),
        Some(id) => Expr::sub(format!(
            "arn:${{AWS::Partition}}:kms:${{AWS::Region}}:${{AWS::AccountId}}:key/{id}"
        )),
        None => Expr::Literal(serde_json::json!({
            "Fn::Sub": [
                "arn:${AWS::Partition}:kms:${AWS::Region}:${AWS::AccountId}:key/${Key}",
                {"Key": key.to_value()}
            ]
        })),
    }
}

/// Use only through the services that encrypt the workload's volumes, and only by principals
/// of this account whose own IAM policies allow it too (the execution role's does, for this key
/// only).
fn use_statement() -> Statement {
    let services = ["sagemaker", "ec2", "elasticfilesystem"]
        .map(|s| Expr::sub(format!("{s}.${{AWS::Region}}.${{AWS::URLSuffix}}")));
    Statement::allow()
        .sid("AllowUseThroughSageMakerByThisAccount")
        .principal(Principal::Aws(vec![Arn::account_root()]))
        .actions([
            "kms:Encrypt",
            "kms:Decrypt",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:CreateGrant",
            "kms:DescribeKey",
        ])
        .any_resource()
        .condition(
            Condition::new(
                ConditionOperator::StringEquals,
                "kms:CallerAccount",
                [Expr::pseudo(crate::template::Pseudo::AccountId)],
            )
            .expect("a well-formed condition key"),
        )
        .condition(
            Condition::new(ConditionOperator::StringEquals, "kms:ViaService", services)
                .expect("a well-formed condition key"),
        )
}
