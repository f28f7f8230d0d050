//! Sharing a portfolio and rolling its products out with StackSets: organization nodes, and
//! the StackSet constraint that replaces a product's launch role.

use serde_json::json;

use crate::error::{Error, Result};
use crate::template::Resource;

/// Where a product may be rolled out with CloudFormation StackSets
/// (`AWS::ServiceCatalog::StackSetConstraint`): accounts, regions and the StackSets roles.
///
/// Service Catalog takes either a LAUNCH or a STACKSET constraint on a product in a portfolio,
/// not both (CreateConstraint: "You cannot have both a LAUNCH and a STACKSET constraint"). So a
/// product with a roll-out has no launch role: StackSets assumes `admin_role`, which assumes
/// the execution role `execution_role_name` in each target account, and that role creates the
/// stack. The manifest lists, for each roll-out, the policy that execution role needs (the one
/// a launch role would have had) and the permissions boundary every target account must hold.
///
/// ```
/// use airgap::catalog::{Portfolio, Product, ProductVersion, StackSetRollout};
/// use airgap::template::{Resource, Stack};
/// let mut stack = Stack::new("Net");
/// stack.add_resource("Vpc", Resource::new("AWS::EC2::VPC").property("CidrBlock", "10.0.0.0/16"))?;
/// let release = Portfolio::new("Networks", "Platform team")
///     .product(Product::new("vpc", "Platform team")
///         .version(ProductVersion::new("1.0.0", stack.synth_unchecked()?.into_template()))
///         .stack_set_rollout(StackSetRollout::new(
///                 "AWSCloudFormationStackSetAdministrationRole",
///                 "AWSCloudFormationStackSetExecutionRole")
///             .accounts(["210987654321"])
///             .regions(["eu-west-1"])))
///     .build()?;
/// let portfolio = release.portfolio.to_json_pretty();
/// assert!(portfolio.contains("AWS::ServiceCatalog::StackSetConstraint"));
/// assert!(!portfolio.contains("AWS::ServiceCatalog::LaunchRoleConstraint"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct StackSetRollout {
    accounts: Vec<String>,
    regions: Vec<String>,
    admin_role: String,
    execution_role_name: String,
    allow_instance_control: bool,
}

impl StackSetRollout {
    /// Roll-out with the StackSets administration role `admin_role` (a role name in the
    /// portfolio's account, written as `arn:${AWS::Partition}:iam::${AWS::AccountId}:role/NAME`,
    /// or a full role ARN) and the execution role
    /// named `execution_role_name` in each target account (the StackSets defaults are
    /// `AWSCloudFormationStackSetAdministrationRole` and `AWSCloudFormationStackSetExecutionRole`).
    pub fn new(admin_role: impl Into<String>, execution_role_name: impl Into<String>) -> Self {
        Self {
            accounts: Vec::new(),
            regions: Vec::new(),
            admin_role: admin_role.into(),
            execution_role_name: execution_role_name.into(),
            allow_instance_control: false,
        }
    }

    /// Adds target accounts (12 digits each).
    pub fn accounts<I, S>(mut self, accounts: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.accounts.extend(accounts.into_iter().map(Into::into));
        self
    }

    /// Adds target regions.
    pub fn regions<I, S>(mut self, regions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.regions.extend(regions.into_iter().map(Into::into));
        self
    }

    /// The roll-out as the manifest lists it.
    pub(crate) fn to_manifest(&self) -> serde_json::Value {
        json!({
            "accounts": self.accounts,
            "regions": self.regions,
            "admin_role": self.admin_role,
            "execution_role_name": self.execution_role_name,
            "stack_instance_control": self.allow_instance_control,
        })
    }

    /// Lets end users add and remove stack instances themselves.
    pub fn allow_stack_instance_control(mut self) -> Self {
        self.allow_instance_control = true;
        self
    }
}

/// Who a portfolio is shared with in an organization. CloudFormation has no resource for
/// organization shares (`AWS::ServiceCatalog::PortfolioShare` takes one account ID), so these
/// go into the manifest and `publish.sh` creates them with `aws servicecatalog
/// create-portfolio-share --organization-node` after the portfolio stack is deployed.
///
/// ```
/// use airgap::catalog::OrganizationNode;
/// let ou = OrganizationNode::OrganizationalUnit("ou-ab12-cd34ef56".into());
/// assert_eq!((ou.kind(), ou.id()), ("ORGANIZATIONAL_UNIT", "ou-ab12-cd34ef56"));
/// let org = OrganizationNode::Organization("o-a1b2c3d4e5".into());
/// assert_eq!(org.kind(), "ORGANIZATION");
/// ```
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum OrganizationNode {
    /// The whole organization, `o-...`.
    Organization(String),
    /// An organizational unit, `ou-...-...`.
    OrganizationalUnit(String),
}

impl OrganizationNode {
    /// The node type as the Service Catalog API names it.
    pub fn kind(&self) -> &'static str {
        match self {
            OrganizationNode::Organization(_) => "ORGANIZATION",
            OrganizationNode::OrganizationalUnit(_) => "ORGANIZATIONAL_UNIT",
        }
    }

    /// The node's ID.
    pub fn id(&self) -> &str {
        match self {
            OrganizationNode::Organization(id) | OrganizationNode::OrganizationalUnit(id) => id,
        }
    }

    pub(super) fn check(&self) -> Result<()> {
        let id = self.id();
        let ok_chars = |s: &str| {
            !s.is_empty()
                && s.chars()
                    .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit())
        };
        let ok = match self {
            OrganizationNode::Organization(_) => id.strip_prefix("o-").is_some_and(ok_chars),
            OrganizationNode::OrganizationalUnit(_) => id
                .strip_prefix("ou-")
                .and_then(|r| r.split_once('-'))
                .is_some_and(|(a, b)| ok_chars(a) && ok_chars(b)),
        };
        if ok {
            Ok(())
        } else {
            Err(Error::invalid(
                "Portfolio",
                "share_with_organization",
                format!(
                    "`{id}` is not an organization (`o-...`) or organizational unit (`ou-...-...`) ID"
                ),
            ))
        }
    }
}

pub(super) fn check_account(construct: &str, field: &str, account: &str) -> Result<()> {
    if account.len() == 12 && account.chars().all(|c| c.is_ascii_digit()) {
        Ok(())
    } else {
        Err(Error::invalid(
            construct,
            field,
            format!("`{account}` is not an AWS account ID (12 digits)"),
        ))
    }
}

pub(super) fn stack_set_constraint(construct: &str, r: &StackSetRollout) -> Result<Resource> {
    if r.accounts.is_empty() || r.regions.is_empty() {
        return Err(Error::invalid(
            construct,
            "stack_set_rollout",
            "a StackSet roll-out needs at least one account and one region",
        ));
    }
    for a in &r.accounts {
        check_account(construct, "stack_set_rollout.accounts", a)?;
    }
    for region in &r.regions {
        crate::template::check_region(region)
            .map_err(|e| e.said_of(construct, "stack_set_rollout.regions"))?;
    }
    let admin_role = if r.admin_role.starts_with("arn:") {
        let is_role = super::portfolio::check_principal_arn("admin role", &r.admin_role).is_ok()
            && r.admin_role
                .splitn(6, ':')
                .nth(5)
                .is_some_and(|res| res.starts_with("role/"));
        if !is_role {
            return Err(Error::invalid(
                construct,
                "stack_set_rollout.admin_role",
                format!(
                    "`{}` is not an IAM role ARN (arn:aws:iam::123456789012:role/NAME) or role name",
                    r.admin_role
                ),
            ));
        }
        serde_json::Value::from(r.admin_role.clone())
    } else {
        check_role_name(construct, "stack_set_rollout.admin_role", &r.admin_role)?;
        // StackSets runs in the portfolio's account: its administration role is there too.
        crate::template::Expr::sub(format!(
            "arn:${{AWS::Partition}}:iam::${{AWS::AccountId}}:role/{}",
            r.admin_role
        ))
        .to_value()
    };
    check_role_name(
        construct,
        "stack_set_rollout.execution_role_name",
        &r.execution_role_name,
    )?;
    Ok(Resource::new("AWS::ServiceCatalog::StackSetConstraint")
        .property(
            "Description",
            "Accounts and regions this product may be rolled out to with StackSets",
        )
        .property("AccountList", json!(r.accounts))
        .property("RegionList", json!(r.regions))
        .property("AdminRole", admin_role)
        .property("ExecutionRole", r.execution_role_name.clone())
        .property(
            "StackInstanceControl",
            if r.allow_instance_control {
                "Allowed"
            } else {
                "NotAllowed"
            },
        ))
}

/// IAM role names: 1 to 64 letters, digits and `+=,.@_-` (a path may precede the name).
fn check_role_name(construct: &str, field: &str, name: &str) -> Result<()> {
    let last = name.rsplit('/').next().unwrap_or(name);
    let ok = !last.is_empty()
        && last.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || "+=,.@_-/".contains(c));
    if ok {
        Ok(())
    } else {
        Err(Error::invalid(
            construct,
            field,
            format!("`{name}` is not an IAM role name (1 to 64 letters, digits and `+=,.@_-`)"),
        ))
    }
}
