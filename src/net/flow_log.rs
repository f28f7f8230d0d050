use super::DataKey;
use super::vpc::{VpcRef, camel};
use crate::error::{Error, Location, Result};
use crate::iam::{
    Arn, Condition, ConditionKey, ConditionOperator, PolicyDocument, PolicyKind, Principal,
    Statement,
};
use crate::template::{Expr, Pseudo, Resource, ResourceRef, Stack};

/// The retention periods CloudWatch Logs accepts, in days.
pub const RETENTION_DAYS: [u32; 22] = [
    1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 2192, 2557, 2922,
    3288, 3653,
];

/// How long flow logs are kept unless told otherwise: a year.
pub const DEFAULT_RETENTION_DAYS: u32 = 365;

/// VPC flow logs to a CloudWatch Logs group: the record of every connection in the VPC.
///
/// Adds four resources: a KMS key (rotation on) whose policy lets the account administer it and
/// only CloudWatch Logs of this account and region use it; the log group, encrypted with the key,
/// with a retention period; the IAM role flow logs deliver with, trusted only by flow logs of
/// this account and region and allowed only to write to that group; and the flow log itself.
///
/// Flow logs are audit data, so the key and the log group carry `DeletionPolicy` and
/// `UpdateReplacePolicy` `Retain`: deleting or replacing the stack loses none of it.
///
/// ```
/// use airgap::net::{FlowLog, Vpc};
/// use airgap::template::Stack;
/// let mut stack = Stack::new("Demo");
/// let vpc = Vpc::new("Network").add_to(&mut stack)?;
/// FlowLog::new("Network", &vpc).retention_days(90).add_to(&mut stack)?;
/// assert!(stack.template().resources.contains_key("NetworkFlowLogGroup"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone)]
#[must_use]
pub struct FlowLog {
    name: String,
    vpc: VpcRef,
    retention_days: u32,
    permissions_boundary: Option<Expr>,
}

/// The resources a [`FlowLog`] added.
#[derive(Debug, Clone, PartialEq)]
pub struct FlowLogRef {
    /// The KMS key that encrypts the log group.
    pub key: ResourceRef,
    /// The log group.
    pub log_group: ResourceRef,
    /// The role flow logs deliver with.
    pub role: ResourceRef,
    /// The flow log.
    pub flow_log: ResourceRef,
}

impl FlowLog {
    /// Flow logs of all traffic in `vpc`, named `name`.
    pub fn new(name: impl Into<String>, vpc: &VpcRef) -> Self {
        Self {
            name: name.into(),
            vpc: vpc.clone(),
            retention_days: DEFAULT_RETENTION_DAYS,
            permissions_boundary: None,
        }
    }

    /// Sets the permissions boundary of the delivery role (a managed policy's ARN), as a
    /// Service Catalog portfolio requires of every role its products create.
    pub fn permissions_boundary(mut self, policy_arn: Expr) -> Self {
        self.permissions_boundary = Some(policy_arn);
        self
    }

    /// How many days the log group keeps records; one of [`RETENTION_DAYS`].
    pub fn retention_days(mut self, days: u32) -> Self {
        self.retention_days = days;
        self
    }

    /// Adds the key, log group, role and flow log to `stack`.
    pub fn add_to(self, stack: &mut Stack) -> Result<FlowLogRef> {
        let c = format!("FlowLog '{}'", self.name);
        self.vpc.check_in(stack, Location::new(&c, "vpc"))?;
        if !RETENTION_DAYS.contains(&self.retention_days) {
            let near = RETENTION_DAYS
                .iter()
                .min_by_key(|d| d.abs_diff(self.retention_days))
                .copied()
                .unwrap_or(DEFAULT_RETENTION_DAYS);
            return Err(Error::invalid(
                &c,
                "retention_days",
                format!(
                    "CloudWatch Logs does not keep logs for {} days; the nearest period it offers is {near}",
                    self.retention_days
                ),
            ));
        }
        let base = format!("{}FlowLog", camel(&self.name));
        let key = DataKey::new(
            format!("Encrypts the VPC flow logs of {}", self.vpc.name()),
            logs_use_statement(),
        )
        .add_to(
            stack,
            &c,
            &format!("{base}Key"),
            &format!("{} flow log key", self.name),
        )?;
        let log_group = stack.add_resource_tagged(
            format!("{base}Group"),
            &c,
            Resource::new("AWS::Logs::LogGroup")
                .property("KmsKeyId", key.get_att("Arn").to_value())
                .property("RetentionInDays", self.retention_days)
                .retain(),
            &format!("{} flow log group", self.name),
        )?;
        let trust = trust_policy();
        trust.validate(PolicyKind::Trust, &c)?;
        let delivery = delivery_policy(&log_group);
        delivery.validate(PolicyKind::Identity, &c)?;
        let mut role = Resource::new("AWS::IAM::Role");
        if let Some(b) = &self.permissions_boundary {
            role = role.property("PermissionsBoundary", b.to_value());
        }
        let role = stack.add_resource_tagged(
            format!("{base}Role"),
            &c,
            role.property(
                "Description",
                format!(
                    "Delivers the VPC flow logs of {} to its log group",
                    self.vpc.name()
                ),
            )
            .property("AssumeRolePolicyDocument", trust.to_value())
            .property(
                "Policies",
                serde_json::json!([{
                    "PolicyName": "DeliverFlowLogs",
                    "PolicyDocument": delivery.to_value(),
                }]),
            ),
            &format!("{} flow log role", self.name),
        )?;
        let flow_log = stack.add_resource_tagged(
            base.clone(),
            &c,
            Resource::new("AWS::EC2::FlowLog")
                .property("ResourceId", self.vpc.id().to_value())
                .property("ResourceType", "VPC")
                .property("TrafficType", "ALL")
                .property("LogDestinationType", "cloud-watch-logs")
                .property("LogGroupName", log_group.ref_().to_value())
                .property("DeliverLogsPermissionArn", role.get_att("Arn").to_value()),
            &format!("{} flow log", self.name),
        )?;
        Ok(FlowLogRef {
            key,
            log_group,
            role,
            flow_log,
        })
    }
}

fn cond(op: ConditionOperator, key: &str, value: Expr) -> Condition {
    Condition::new(op, key, [value]).expect("well-formed condition keys")
}

/// CloudWatch Logs of this account and region may use the key for log groups.
fn logs_use_statement() -> Statement {
    Statement::allow()
        .sid("AllowCloudWatchLogsOfThisAccountAndRegion")
        .principal(Principal::Service(vec![Expr::sub(
            "logs.${AWS::Region}.${AWS::URLSuffix}",
        )]))
        .actions([
            "kms:Encrypt*",
            "kms:Decrypt*",
            "kms:ReEncrypt*",
            "kms:GenerateDataKey*",
            "kms:Describe*",
        ])
        .any_resource()
        .condition(cond(
            ConditionOperator::ArnLike,
            "kms:EncryptionContext:aws:logs:arn",
            Expr::sub("arn:${AWS::Partition}:logs:${AWS::Region}:${AWS::AccountId}:log-group:*"),
        ))
}

fn trust_policy() -> PolicyDocument {
    PolicyDocument::new().statement(
        Statement::allow()
            .sid("AllowFlowLogsOfThisAccount")
            .principal(Principal::Service(vec![Expr::str(
                "vpc-flow-logs.amazonaws.com",
            )]))
            .action("sts:AssumeRole")
            .condition(cond(
                ConditionOperator::StringEquals,
                ConditionKey::SOURCE_ACCOUNT,
                Expr::pseudo(Pseudo::AccountId),
            ))
            .condition(cond(
                ConditionOperator::ArnLike,
                ConditionKey::SOURCE_ARN,
                Expr::sub(
                    "arn:${AWS::Partition}:ec2:${AWS::Region}:${AWS::AccountId}:vpc-flow-log/*",
                ),
            )),
    )
}

fn delivery_policy(log_group: &ResourceRef) -> PolicyDocument {
    PolicyDocument::new()
        .statement(
            Statement::allow()
                .sid("WriteToTheFlowLogGroup")
                .actions([
                    "logs:CreateLogStream",
                    "logs:PutLogEvents",
                    "logs:DescribeLogStreams",
                ])
                .resource(Arn::from_expr(log_group.get_att("Arn"))),
        )
        .statement(
            // DescribeLogGroups has no resource type in IAM's reference: a log-group ARN
            // would never match it, only "*" does.
            Statement::allow()
                .sid("FindTheFlowLogGroup")
                .action("logs:DescribeLogGroups")
                .any_resource(),
        )
}
