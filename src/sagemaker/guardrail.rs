//! The preventive guardrail: an identity policy (and an SCP variant) that denies creating
//! SageMaker workloads anywhere but inside the network.

use crate::error::{Error, Result};
use crate::iam::catalog;
use crate::iam::{
    Arn, Condition, ConditionOperator as Op, PolicyDocument, PolicyKind, SetQualifier, Statement,
};
use crate::template::{Expr, Resource, ResourceRef, Stack};

/// The SageMaker actions the guardrail governs: those that create compute or set where it
/// runs. Each deny statement names only the actions whose requests carry its condition key
/// (from the IAM catalog), since AWS never sends the key with the others.
pub const GUARDED_ACTIONS: [&str; 11] = [
    "sagemaker:CreateNotebookInstance",
    "sagemaker:UpdateNotebookInstance",
    "sagemaker:CreateDomain",
    "sagemaker:CreateTrainingJob",
    "sagemaker:CreateProcessingJob",
    "sagemaker:CreateTransformJob",
    "sagemaker:CreateHyperParameterTuningJob",
    "sagemaker:CreateAutoMLJob",
    "sagemaker:CreateAutoMLJobV2",
    "sagemaker:CreateModel",
    "sagemaker:CreateUserProfile",
];

/// What one deny statement refuses.
struct Rule {
    sid: &'static str,
    key: &'static str,
    operator: Op,
    set: Option<SetQualifier>,
    values: Values,
    /// The actions it covers, among those that carry the key; empty: every guarded action
    /// that carries it, but for updates and user profiles, which inherit a domain's settings
    /// and so may lack the key.
    only: &'static [&'static str],
}

enum Values {
    Fixed(&'static str),
    Subnets,
    Groups,
}

const RULES: [Rule; 11] = [
    Rule {
        sid: "DenyWithoutNetworkSubnets",
        key: "sagemaker:VpcSubnets",
        operator: Op::Null,
        set: None,
        values: Values::Fixed("true"),
        only: &[],
    },
    Rule {
        sid: "DenyOutsideNetworkSubnets",
        key: "sagemaker:VpcSubnets",
        operator: Op::StringNotEquals,
        set: Some(SetQualifier::ForAnyValue),
        values: Values::Subnets,
        only: &[],
    },
    Rule {
        sid: "DenyWithoutWorkloadGroup",
        key: "sagemaker:VpcSecurityGroupIds",
        operator: Op::Null,
        set: None,
        values: Values::Fixed("true"),
        only: &[],
    },
    Rule {
        sid: "DenyOtherSecurityGroups",
        key: "sagemaker:VpcSecurityGroupIds",
        operator: Op::StringNotEquals,
        set: Some(SetQualifier::ForAnyValue),
        values: Values::Groups,
        only: &[
            "sagemaker:CreateNotebookInstance",
            "sagemaker:CreateDomain",
            "sagemaker:CreateTrainingJob",
            "sagemaker:CreateProcessingJob",
            "sagemaker:CreateHyperParameterTuningJob",
            "sagemaker:CreateAutoMLJob",
            "sagemaker:CreateAutoMLJobV2",
            "sagemaker:CreateModel",
            "sagemaker:CreateUserProfile",
        ],
    },
    // DirectInternetAccess defaults to Enabled: a request without the key gets internet
    // access, so anything but an explicit Disabled is refused (StringNotEquals holds when the
    // key is absent).
    Rule {
        sid: "DenyDirectInternetAccess",
        key: "sagemaker:DirectInternetAccess",
        operator: Op::StringNotEquals,
        set: None,
        values: Values::Fixed("Disabled"),
        only: &["sagemaker:CreateNotebookInstance"],
    },
    // RootAccess defaults to Enabled as well.
    Rule {
        sid: "DenyRootAccess",
        key: "sagemaker:RootAccess",
        operator: Op::StringNotEquals,
        set: None,
        values: Values::Fixed("Disabled"),
        only: &["sagemaker:CreateNotebookInstance"],
    },
    // An update without the key leaves root access as it is.
    Rule {
        sid: "DenyEnablingRootAccess",
        key: "sagemaker:RootAccess",
        operator: Op::StringEquals,
        set: None,
        values: Values::Fixed("Enabled"),
        only: &["sagemaker:UpdateNotebookInstance"],
    },
    Rule {
        sid: "DenyDomainsOutsideVpcOnly",
        key: "sagemaker:AppNetworkAccessType",
        operator: Op::StringNotEquals,
        set: None,
        values: Values::Fixed("VpcOnly"),
        only: &["sagemaker:CreateDomain"],
    },
    Rule {
        sid: "DenyWithoutVolumeKmsKey",
        key: "sagemaker:VolumeKmsKey",
        operator: Op::Null,
        set: None,
        values: Values::Fixed("true"),
        only: &[],
    },
    Rule {
        sid: "DenyJobsWithoutTrafficEncryption",
        key: "sagemaker:InterContainerTrafficEncryption",
        operator: Op::Null,
        set: None,
        values: Values::Fixed("true"),
        only: &[],
    },
    Rule {
        sid: "DenyJobsWithUnencryptedTraffic",
        key: "sagemaker:InterContainerTrafficEncryption",
        operator: Op::Bool,
        set: None,
        values: Values::Fixed("false"),
        only: &[],
    },
];

/// Actions that inherit their network settings (or leave them unchanged), and so may rightly
/// lack a key that only a deny-if-absent rule would require.
const INHERITING: [&str; 2] = [
    "sagemaker:UpdateNotebookInstance",
    "sagemaker:CreateUserProfile",
];

/// The preventive guardrail for data scientists: denies creating SageMaker notebooks,
/// domains, training, processing, transform, AutoML and hyper-parameter tuning jobs and models
/// unless they run in the network's subnets and workload security group
/// (`sagemaker:VpcSubnets`, `sagemaker:VpcSecurityGroupIds`), with direct internet access and
/// root access disabled, a volume KMS key (`sagemaker:VolumeKmsKey`), domains in `VpcOnly`
/// mode and, for jobs, inter-container traffic encryption; and allows launching the workload
/// products through Service Catalog and opening the notebooks and Studio apps they make.
///
/// Every action and condition key is checked against the IAM catalog when the policy is made:
/// a deny statement names only the actions whose requests carry its key.
/// [`scp`](Self::scp) is the same denies as a service control policy for an OU.
///
/// ```
/// use airgap::iam::{Outcome, Request};
/// use airgap::sagemaker::Guardrail;
/// let policy = Guardrail::new(["subnet-0a1b2c3d"], ["sg-0a1b2c3d"])?.identity_policy()?;
/// let open_notebook = Request::new("sagemaker:CreateNotebookInstance",
///         "arn:aws:sagemaker:eu-west-1:111122223333:notebook-instance/nb")
///     .context_values("sagemaker:VpcSubnets", ["subnet-0a1b2c3d"])
///     .context_values("sagemaker:VpcSecurityGroupIds", ["sg-0a1b2c3d"])
///     .context("sagemaker:DirectInternetAccess", "Enabled");
/// assert_eq!(policy.evaluate(&open_notebook)?.outcome(), Outcome::ExplicitDeny);
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Guardrail {
    subnets: Vec<Expr>,
    groups: Vec<Expr>,
}

impl Guardrail {
    /// The guardrail of a network with these private subnets and workload security groups
    /// (literal IDs, parameters or imports).
    pub fn new<S, G>(
        subnets: impl IntoIterator<Item = S>,
        groups: impl IntoIterator<Item = G>,
    ) -> Result<Self>
    where
        S: Into<Expr>,
        G: Into<Expr>,
    {
        let subnets: Vec<Expr> = subnets.into_iter().map(Into::into).collect();
        let groups: Vec<Expr> = groups.into_iter().map(Into::into).collect();
        if subnets.is_empty() {
            return Err(Error::invalid(
                "Guardrail",
                "subnets",
                "no subnet is given; name the network's private subnets",
            ));
        }
        if groups.is_empty() {
            return Err(Error::invalid(
                "Guardrail",
                "groups",
                "no security group is given; name the network's workload security group",
            ));
        }
        Ok(Self { subnets, groups })
    }

    /// The deny statements, shared by the identity policy and the SCP.
    fn denies(&self) -> Result<Vec<Statement>> {
        let mut out = Vec::new();
        for rule in &RULES {
            let actions = covered(rule)?;
            if actions.is_empty() {
                return Err(Error::invalid(
                    "Guardrail",
                    rule.sid,
                    format!("no guarded action carries `{}`", rule.key),
                ));
            }
            let values = match rule.values {
                Values::Fixed(v) => vec![Expr::str(v)],
                Values::Subnets => self.subnets.clone(),
                Values::Groups => self.groups.clone(),
            };
            let mut condition = Condition::new(rule.operator, rule.key, values)?;
            if let Some(set) = rule.set {
                condition = condition.for_values(set);
            }
            out.push(
                Statement::deny()
                    .sid(rule.sid)
                    .actions(actions)
                    .any_resource()
                    .condition(condition),
            );
        }
        Ok(out)
    }

    /// The identity policy for the data scientists' role: the denies, and the allows to
    /// launch the workload products and open what they make.
    pub fn identity_policy(&self) -> Result<PolicyDocument> {
        let mut doc = PolicyDocument::new();
        for s in self.denies()? {
            doc = doc.statement(s);
        }
        doc = doc
            .statement(
                Statement::allow()
                    .sid("LaunchWorkloadProducts")
                    .actions([
                        "servicecatalog:ProvisionProduct",
                        "servicecatalog:DescribeProduct",
                        "servicecatalog:DescribeProvisioningParameters",
                        "servicecatalog:ListLaunchPaths",
                    ])
                    .resource(Arn::new(
                        "arn:${AWS::Partition}:catalog:${AWS::Region}:${AWS::AccountId}:product/*",
                    )?),
            )
            .statement(
                Statement::allow()
                    .sid("FindProducts")
                    .actions([
                        "servicecatalog:SearchProducts",
                        "servicecatalog:DescribeProductView",
                    ])
                    .any_resource(),
            )
            .statement(
                // Service Catalog's own key: the user manages only what they provisioned.
                Statement::allow()
                    .sid("ManageOwnProvisionedProducts")
                    .actions([
                        "servicecatalog:DescribeProvisionedProduct",
                        "servicecatalog:DescribeRecord",
                        "servicecatalog:SearchProvisionedProducts",
                        "servicecatalog:UpdateProvisionedProduct",
                        "servicecatalog:TerminateProvisionedProduct",
                    ])
                    .any_resource()
                    .condition(Condition::string_equals(
                        "servicecatalog:userLevel",
                        "self",
                    )?),
            )
            .statement(
                Statement::allow()
                    .sid("OpenNotebooksAndStudio")
                    .actions([
                        "sagemaker:CreatePresignedNotebookInstanceUrl",
                        "sagemaker:CreatePresignedDomainUrl",
                    ])
                    .resources([
                        Arn::sagemaker("notebook-instance", "*")?,
                        Arn::sagemaker("user-profile", "*")?,
                    ]),
            );
        doc.validate(PolicyKind::Identity, "Guardrail")?;
        check_keys(&doc)?;
        Ok(doc)
    }

    /// Adds the identity policy to `stack` as a customer-managed policy
    /// (`AWS::IAM::ManagedPolicy`, logical ID `<Name>GuardrailPolicy`) for the data
    /// scientists' roles to attach.
    pub fn add_to(&self, stack: &mut Stack, name: &str) -> Result<ResourceRef> {
        let c = format!("Guardrail '{name}'");
        let policy = self.identity_policy()?;
        stack.add_resource_of(
            format!("{}GuardrailPolicy", super::camel(name)),
            &c,
            Resource::new("AWS::IAM::ManagedPolicy")
                .property(
                    "Description",
                    "SageMaker workloads only inside the private network; launch them through Service Catalog",
                )
                .property("PolicyDocument", policy.to_value()),
        )
    }

    /// The same denies as a service control policy, for an OU of data science accounts: it
    /// binds every principal of those accounts, Service Catalog launch roles included (which
    /// the workload products satisfy). SCPs grant nothing, so it has no allows.
    pub fn scp(&self) -> Result<PolicyDocument> {
        let mut doc = PolicyDocument::new();
        for s in self.denies()? {
            doc = doc.statement(s);
        }
        doc.validate(PolicyKind::Identity, "Guardrail (SCP)")?;
        check_keys(&doc)?;
        Ok(doc)
    }
}

/// The guarded actions a rule covers: those listed (or all but the inheriting ones) whose
/// requests carry its key, according to the IAM catalog.
fn covered(rule: &Rule) -> Result<Vec<&'static str>> {
    let mut out = Vec::new();
    for action in GUARDED_ACTIONS {
        let chosen = if rule.only.is_empty() {
            !INHERITING.contains(&action)
        } else {
            rule.only.contains(&action)
        };
        if !chosen {
            continue;
        }
        let info = catalog::action_info(action).ok_or_else(|| {
            Error::invalid(
                "Guardrail",
                "actions",
                format!("`{action}` is not in the IAM catalog"),
            )
        })?;
        if info.takes_condition_key(rule.key) {
            out.push(action);
        }
    }
    Ok(out)
}

/// Every condition key a statement uses is one its actions' requests can carry.
fn check_keys(doc: &PolicyDocument) -> Result<()> {
    for s in doc.statements() {
        for c in s.conditions() {
            for a in s.action_names() {
                let info = catalog::action_info(a).ok_or_else(|| {
                    Error::invalid(
                        "Guardrail",
                        "actions",
                        format!("`{a}` is not in the IAM catalog"),
                    )
                })?;
                if !info.takes_condition_key(c.key.as_str()) {
                    return Err(Error::invalid(
                        "Guardrail",
                        s.sid_str().unwrap_or("statement"),
                        format!("`{a}` never carries the condition key `{}`", c.key.as_str()),
                    ));
                }
            }
        }
    }
    Ok(())
}
