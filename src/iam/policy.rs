use std::fmt;

use indexmap::IndexMap;
use serde_json::{Map, Value, json};

use super::catalog;
use super::condition::Condition;
use super::conditions;
use super::error::IamError;
use super::names::{Action, Arn};
use crate::error::{Error, Location, Result};
use crate::template::Expr;

/// Whether a statement allows or denies.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Effect {
    /// `Allow`
    Allow,
    /// `Deny`
    Deny,
}

impl Effect {
    /// `Allow` or `Deny`.
    pub fn as_str(self) -> &'static str {
        match self {
            Effect::Allow => "Allow",
            Effect::Deny => "Deny",
        }
    }
}

/// Who a resource policy's statement is about.
#[derive(Debug, Clone, PartialEq)]
pub enum Principal {
    /// `"*"`: anyone (narrow it with conditions).
    Any,
    /// `{"AWS": [...]}`: accounts, users and roles by ARN.
    Aws(Vec<Arn>),
    /// `{"Service": [...]}`: AWS service principals such as `logs.amazonaws.com`.
    Service(Vec<Expr>),
    /// Principals as a parsed policy wrote them: each type (`AWS`, `Service`, `Federated`,
    /// `CanonicalUser`) with its values, in the order and shape (string or list) given.
    Written(Vec<PrincipalEntry>),
}

/// One principal type of a parsed `Principal` element with its values.
#[derive(Debug, Clone, PartialEq)]
pub struct PrincipalEntry {
    /// `AWS`, `Service`, `Federated` or `CanonicalUser`.
    pub kind: String,
    /// The values: ARNs, account IDs, service names, `*`, or template expressions.
    pub values: Vec<Expr>,
    /// Whether the values were written as a list (even of one).
    pub list: bool,
}

impl Principal {
    /// The principal as policy JSON.
    pub fn to_value(&self) -> Value {
        match self {
            Principal::Any => Value::String("*".into()),
            Principal::Aws(arns) => {
                json!({"AWS": one_or_many(arns.iter().map(Arn::to_value).collect())})
            }
            Principal::Service(s) => {
                json!({"Service": one_or_many(s.iter().map(Expr::to_value).collect())})
            }
            Principal::Written(entries) => Value::Object(
                entries
                    .iter()
                    .map(|e| {
                        let values: Vec<Value> = e.values.iter().map(Expr::to_value).collect();
                        let v = if e.list {
                            Value::Array(values)
                        } else {
                            one_or_many(values)
                        };
                        (e.kind.clone(), v)
                    })
                    .collect(),
            ),
        }
    }

    /// Each principal type with its values, in template JSON (`AWS` values of the typed form
    /// as their ARNs).
    pub fn entries(&self) -> Vec<(String, Vec<Value>)> {
        match self {
            Principal::Any => vec![("AWS".into(), vec![Value::String("*".into())])],
            Principal::Aws(arns) => vec![("AWS".into(), arns.iter().map(Arn::to_value).collect())],
            Principal::Service(s) => {
                vec![("Service".into(), s.iter().map(Expr::to_value).collect())]
            }
            Principal::Written(entries) => entries
                .iter()
                .map(|e| {
                    (
                        e.kind.clone(),
                        e.values.iter().map(Expr::to_value).collect(),
                    )
                })
                .collect(),
        }
    }
}

fn one_or_many(mut v: Vec<Value>) -> Value {
    if v.len() == 1 {
        v.remove(0)
    } else {
        Value::Array(v)
    }
}

/// One statement of a policy: whether (`Effect`) who (`Principal`, in resource policies) may
/// do what (`Action`) on what (`Resource`), and when (`Condition`).
///
/// ```
/// use airgap::iam::{Arn, Condition, ConditionKey, PolicyDocument, PolicyKind, Statement};
/// use airgap::template::{Expr, Pseudo};
/// let read = Statement::allow()
///     .sid("ReadTheDataBucketFromThisAccount")
///     .any_principal()
///     .action("s3:GetObject")
///     .resource(Arn::s3_objects("ml-data")?)
///     .condition(Condition::string_equals(
///         ConditionKey::PRINCIPAL_ACCOUNT,
///         Expr::pseudo(Pseudo::AccountId),
///     )?);
/// let policy = PolicyDocument::new().statement(read);
/// policy.validate(PolicyKind::Resource, "example")?;
/// let json = policy.to_value();
/// assert_eq!(json["Statement"][0]["Effect"], "Allow");
/// assert!(json.to_string().contains("aws:PrincipalAccount"));
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Statement {
    pub(super) sid: Option<String>,
    pub(super) effect: Effect,
    pub(super) principal: Option<Principal>,
    pub(super) not_principal: Option<Principal>,
    pub(super) actions: Vec<String>,
    pub(super) not_actions: Vec<String>,
    pub(super) resources: Vec<Arn>,
    pub(super) any_resource: bool,
    pub(super) resource_list: Option<Expr>,
    pub(super) not_resources: Vec<Arn>,
    pub(super) conditions: Vec<Condition>,
    /// Whether `Action`, `NotAction`, `Resource`, `NotResource` are written as lists (a parsed
    /// policy keeps the shape it was given).
    pub(super) lists: Lists,
}

#[derive(Debug, Clone, Copy, PartialEq)]
pub(super) struct Lists {
    pub(super) action: bool,
    pub(super) not_action: bool,
    pub(super) resource: bool,
    pub(super) not_resource: bool,
}

impl Statement {
    fn new(effect: Effect) -> Self {
        Self {
            sid: None,
            effect,
            principal: None,
            not_principal: None,
            actions: Vec::new(),
            not_actions: Vec::new(),
            resources: Vec::new(),
            any_resource: false,
            resource_list: None,
            not_resources: Vec::new(),
            conditions: Vec::new(),
            lists: Lists {
                action: true,
                not_action: true,
                resource: true,
                not_resource: true,
            },
        }
    }

    /// An `Allow` statement.
    pub fn allow() -> Self {
        Self::new(Effect::Allow)
    }

    /// A `Deny` statement.
    pub fn deny() -> Self {
        Self::new(Effect::Deny)
    }

    /// Names the statement.
    pub fn sid(mut self, sid: impl Into<String>) -> Self {
        self.sid = Some(sid.into());
        self
    }

    /// `Principal: "*"`.
    pub fn any_principal(mut self) -> Self {
        self.principal = Some(Principal::Any);
        self
    }

    /// Sets the principal.
    pub fn principal(mut self, p: Principal) -> Self {
        self.principal = Some(p);
        self
    }

    /// Sets `NotPrincipal` (refused on `Allow` statements).
    pub fn not_principal(mut self, p: Principal) -> Self {
        self.not_principal = Some(p);
        self
    }

    /// Adds an action (checked when the policy is validated).
    pub fn action(mut self, action: impl Into<String>) -> Self {
        self.actions.push(action.into());
        self
    }

    /// Adds actions.
    pub fn actions<I, S>(mut self, actions: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.actions.extend(actions.into_iter().map(Into::into));
        self
    }

    /// Adds a `NotAction`.
    pub fn not_action(mut self, action: impl Into<String>) -> Self {
        self.not_actions.push(action.into());
        self
    }

    /// Adds a resource.
    pub fn resource(mut self, arn: Arn) -> Self {
        self.resources.push(arn);
        self
    }

    /// Adds resources.
    pub fn resources(mut self, arns: impl IntoIterator<Item = Arn>) -> Self {
        self.resources.extend(arns);
        self
    }

    /// Resources computed by the template as a whole list (e.g. ARNs made from a
    /// `CommaDelimitedList` parameter with `Fn::Split`), written as the statement's `Resource`.
    pub fn resource_list(mut self, list: Expr) -> Self {
        self.resource_list = Some(list);
        self
    }

    /// `Resource: "*"`.
    pub fn any_resource(mut self) -> Self {
        self.any_resource = true;
        self.lists.resource = false;
        self
    }

    /// Adds a `NotResource`.
    pub fn not_resource(mut self, arn: Arn) -> Self {
        self.not_resources.push(arn);
        self
    }

    /// Adds a condition.
    pub fn condition(mut self, c: Condition) -> Self {
        self.conditions.push(c);
        self
    }

    /// The statement's effect.
    pub fn effect(&self) -> Effect {
        self.effect
    }

    /// The statement's Sid.
    pub fn sid_str(&self) -> Option<&str> {
        self.sid.as_deref()
    }

    /// The actions as written.
    pub fn action_names(&self) -> &[String] {
        &self.actions
    }

    /// The principal.
    pub fn principal_ref(&self) -> Option<&Principal> {
        self.principal.as_ref()
    }

    /// The resources (not counting `"*"`).
    pub fn resource_arns(&self) -> &[Arn] {
        &self.resources
    }

    /// Whether the statement applies to every resource.
    pub fn is_any_resource(&self) -> bool {
        self.any_resource
    }

    /// The conditions.
    pub fn conditions(&self) -> &[Condition] {
        &self.conditions
    }

    /// The `NotAction` entries as written.
    pub fn not_action_names(&self) -> &[String] {
        &self.not_actions
    }

    /// The `NotResource` entries.
    pub fn not_resource_arns(&self) -> &[Arn] {
        &self.not_resources
    }

    /// The `NotPrincipal`, if any.
    pub fn not_principal_ref(&self) -> Option<&Principal> {
        self.not_principal.as_ref()
    }

    fn validate(&self, kind: PolicyKind, at: &dyn Fn(&str) -> Location) -> Result<()> {
        let field = |f: &str| at(f);
        // Resource policies (KMS key policies above all, whose default Sids read "Enable IAM
        // User Permissions") accept spaces in a Sid; identity and trust policies do not.
        let space_ok = kind == PolicyKind::Resource;
        if let Some(sid) = &self.sid
            && (sid.is_empty()
                || !sid
                    .chars()
                    .all(|c| c.is_ascii_alphanumeric() || c == '-' || (space_ok && c == ' ')))
        {
            let allowed = if space_ok {
                "letters, digits, spaces and `-`"
            } else {
                "letters, digits and `-`"
            };
            return Err(Error::Invalid {
                at: field("Sid"),
                message: format!("Sid `{sid}` may hold only {allowed}"),
            });
        }
        if self.actions.is_empty() && self.not_actions.is_empty() {
            return Err(Error::Invalid {
                at: field("Action"),
                message: "the statement names no action; add at least one (e.g. `s3:GetObject`)"
                    .into(),
            });
        }
        if !self.actions.is_empty() && !self.not_actions.is_empty() {
            return Err(Error::Invalid {
                at: field("Action"),
                message: "a statement has Action or NotAction, not both".into(),
            });
        }
        for a in self.actions.iter().chain(&self.not_actions) {
            Action::new(a.clone()).map_err(|e| match e {
                Error::Parse {
                    what,
                    value,
                    reason,
                    ..
                } => Error::Parse {
                    at: field("Action"),
                    what,
                    value,
                    reason,
                },
                other => other,
            })?;
            if let Err(unknown) = catalog::check_action(a) {
                return Err(IamError::UnknownAction {
                    at: field("Action"),
                    action: a.clone(),
                    reason: unknown.reason,
                    suggestion: unknown.suggestion,
                }
                .into());
            }
        }
        for c in &self.conditions {
            if !catalog::is_condition_key(c.key.as_str()) {
                return Err(IamError::UnknownConditionKey {
                    at: field("Condition"),
                    key: c.key.as_str().to_string(),
                    suggestion: catalog::suggest_condition_key(c.key.as_str()),
                }
                .into());
            }
            for v in &c.values {
                let Expr::Literal(value) = v else { continue };
                if let Some(expected) = conditions::data_type_mismatch(c.operator, value) {
                    let shown = value
                        .as_str()
                        .map_or_else(|| value.to_string(), str::to_string);
                    return Err(Error::parse(
                        field("Condition"),
                        "condition value",
                        shown,
                        format!(
                            "{} on `{}` compares {expected}",
                            c.operator_name(),
                            c.key.as_str()
                        ),
                    ));
                }
            }
        }
        let has_resource = self.any_resource
            || self.resource_list.is_some()
            || !self.resources.is_empty()
            || !self.not_resources.is_empty();
        match kind {
            PolicyKind::Trust => {}
            _ if !has_resource => {
                return Err(Error::Invalid {
                    at: field("Resource"),
                    message:
                        "the statement names no resource; add one, or `any_resource()` for `*`"
                            .into(),
                });
            }
            _ => {}
        }
        if (self.any_resource || !self.resources.is_empty()) && !self.not_resources.is_empty() {
            return Err(Error::Invalid {
                at: field("Resource"),
                message: "a statement has Resource or NotResource, not both".into(),
            });
        }
        match kind {
            PolicyKind::Identity if self.principal.is_some() || self.not_principal.is_some() => {
                return Err(Error::Invalid {
                    at: field("Principal"),
                    message: "an identity policy has no Principal: it applies to whoever holds it"
                        .into(),
                })
            }
            PolicyKind::Resource | PolicyKind::Trust
                if self.principal.is_none() && self.not_principal.is_none() =>
            {
                return Err(Error::Invalid {
                    at: field("Principal"),
                    message: "a resource policy statement needs a Principal (`any_principal()` narrowed by a condition, or named principals)".into(),
                })
            }
            _ => {}
        }
        if self.not_principal.is_some() && self.effect == Effect::Allow {
            return Err(Error::Invalid {
                at: field("NotPrincipal"),
                message: "NotPrincipal with Allow grants access to everyone not named; use Principal with conditions instead".into(),
            });
        }
        Ok(())
    }

    /// The statement as policy JSON.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(s) = &self.sid {
            m.insert("Sid".into(), s.clone().into());
        }
        m.insert("Effect".into(), self.effect.as_str().into());
        if let Some(p) = &self.principal {
            m.insert("Principal".into(), p.to_value());
        }
        if let Some(p) = &self.not_principal {
            m.insert("NotPrincipal".into(), p.to_value());
        }
        let shaped = |v: Vec<Value>, list: bool| {
            if list {
                Value::Array(v)
            } else {
                one_or_many(v)
            }
        };
        let strings = |v: &[String]| v.iter().map(|a| Value::String(a.clone())).collect();
        let arns = |v: &[Arn]| v.iter().map(Arn::to_value).collect();
        if !self.actions.is_empty() {
            m.insert(
                "Action".into(),
                shaped(strings(&self.actions), self.lists.action),
            );
        }
        if !self.not_actions.is_empty() {
            m.insert(
                "NotAction".into(),
                shaped(strings(&self.not_actions), self.lists.not_action),
            );
        }
        if self.any_resource {
            m.insert(
                "Resource".into(),
                shaped(vec!["*".into()], self.lists.resource),
            );
        } else if let Some(list) = &self.resource_list {
            m.insert("Resource".into(), list.to_value());
        } else if !self.resources.is_empty() {
            m.insert(
                "Resource".into(),
                shaped(arns(&self.resources), self.lists.resource),
            );
        }
        if !self.not_resources.is_empty() {
            m.insert(
                "NotResource".into(),
                shaped(arns(&self.not_resources), self.lists.not_resource),
            );
        }
        if !self.conditions.is_empty() {
            let mut by_op: IndexMap<String, Map<String, Value>> = IndexMap::new();
            for c in &self.conditions {
                let values: Vec<Value> = c.values.iter().map(Expr::to_value).collect();
                by_op.entry(c.operator_name()).or_default().insert(
                    c.key.as_str().to_string(),
                    if c.list {
                        Value::Array(values)
                    } else {
                        one_or_many(values)
                    },
                );
            }
            m.insert(
                "Condition".into(),
                Value::Object(
                    by_op
                        .into_iter()
                        .map(|(k, v)| (k, Value::Object(v)))
                        .collect(),
                ),
            );
        }
        Value::Object(m)
    }
}

/// Where a policy is used, which decides what its statements must hold.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum PolicyKind {
    /// Attached to a resource (VPC endpoint, bucket, key): statements need a principal.
    Resource,
    /// Attached to a user or role: statements must not name a principal.
    Identity,
    /// A role's trust policy: principals, no resources.
    Trust,
}

impl fmt::Display for PolicyKind {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PolicyKind::Resource => "resource policy",
            PolicyKind::Identity => "identity policy",
            PolicyKind::Trust => "trust policy",
        })
    }
}

/// An IAM policy document: a list of statements, version `2012-10-17`.
///
/// ```
/// use airgap::iam::{Arn, PolicyDocument, PolicyKind, Statement};
/// let policy = PolicyDocument::new().statement(
///     Statement::allow()
///         .sid("Access-to-specific-bucket-only")
///         .any_principal()
///         .action("s3:GetObject")
///         .resources([Arn::s3_bucket("my_secure_bucket")?, Arn::s3_objects("my_secure_bucket")?]),
/// );
/// policy.validate(PolicyKind::Resource, "GatewayEndpoint 's3'")?;
/// assert_eq!(policy.to_value()["Statement"][0]["Action"][0], "s3:GetObject");
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct PolicyDocument {
    pub(super) version: Option<String>,
    pub(super) id: Option<String>,
    pub(super) statements: Vec<Statement>,
    /// Whether `Statement` is written as a list (a parsed policy may give a single object).
    pub(super) statement_list: bool,
}

impl Default for PolicyDocument {
    fn default() -> Self {
        Self {
            version: Some(VERSION.into()),
            id: None,
            statements: Vec::new(),
            statement_list: true,
        }
    }
}

/// The current policy language version.
pub const VERSION: &str = "2012-10-17";

impl PolicyDocument {
    /// An empty document (invalid until it has a statement).
    pub fn new() -> Self {
        Self::default()
    }

    /// Adds a statement.
    pub fn statement(mut self, s: Statement) -> Self {
        self.statements.push(s);
        self
    }

    /// The statements.
    pub fn statements(&self) -> &[Statement] {
        &self.statements
    }

    /// Checks the document for use as `kind`; `construct` names where it is used in errors.
    pub fn validate(&self, kind: PolicyKind, construct: &str) -> Result<()> {
        if self.statements.is_empty() {
            return Err(Error::invalid(
                construct,
                "PolicyDocument",
                format!("the {kind} has no statement"),
            ));
        }
        let mut sids = Vec::new();
        for (i, s) in self.statements.iter().enumerate() {
            let name = s.sid.clone().unwrap_or_else(|| format!("#{}", i + 1));
            let at =
                |f: &str| Location::new(construct, format!("PolicyDocument.Statement[{name}].{f}"));
            s.validate(kind, &at)?;
            if let Some(sid) = &s.sid {
                if sids.contains(&sid) {
                    return Err(Error::Invalid {
                        at: at("Sid"),
                        message: format!("Sid `{sid}` is used twice; Sids must be unique"),
                    });
                }
                sids.push(sid);
            }
        }
        Ok(())
    }

    /// The policy language version (`2012-10-17` unless a parsed policy said otherwise or
    /// said nothing).
    pub fn version(&self) -> Option<&str> {
        self.version.as_deref()
    }

    /// The document as template JSON.
    pub fn to_value(&self) -> Value {
        let mut m = Map::new();
        if let Some(v) = &self.version {
            m.insert("Version".into(), v.clone().into());
        }
        if let Some(id) = &self.id {
            m.insert("Id".into(), id.clone().into());
        }
        let mut statements: Vec<Value> = self.statements.iter().map(Statement::to_value).collect();
        let statements = if !self.statement_list && statements.len() == 1 {
            statements.remove(0)
        } else {
            Value::Array(statements)
        };
        m.insert("Statement".into(), statements);
        Value::Object(m)
    }
}
