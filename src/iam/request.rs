//! The request a policy is evaluated against: who asks, for what, and the request context AWS
//! builds from that, including the keys AWS derives from the caller (`aws:PrincipalArn`,
//! `aws:PrincipalAccount`, ...).

use std::fmt;

use indexmap::IndexMap;

use super::catalog;
use super::error::IamError;
use crate::error::{Error, Location, Result};
use crate::template::Partition;

/// Who makes a request, as given to the builder (checked when the request is evaluated).
#[derive(Debug, Clone, PartialEq)]
enum CallerSpec {
    Anonymous,
    Arn(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

/// An AWS identity that signs a request, parsed from its ARN.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Identity {
    /// `arn:aws:iam::111122223333:root`
    Root,
    /// `arn:aws:iam::111122223333:user/path/name`: the part after `user/`.
    User(String),
    /// `arn:aws:iam::111122223333:role/path/name`: the path (`/` or `/a/b/`) and the name.
    Role { path: String, name: String },
    /// `arn:aws:sts::111122223333:assumed-role/Role/session`: the role's name, the session's
    /// name, and the role's path when the request knows it (session ARNs carry none).
    Session {
        role: String,
        session: String,
        role_path: Option<String>,
    },
    /// `arn:aws:sts::111122223333:federated-user/name`
    FederatedUser(String),
}

/// Who makes a request, once checked.
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Caller {
    Anonymous,
    Aws {
        arn: String,
        partition: String,
        account: String,
        identity: Identity,
    },
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

/// Where a value of the request context comes from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ContextOrigin {
    /// The request gave it.
    Given,
    /// AWS derives it from the caller; the text says from what.
    Derived(String),
}

/// One key of the request context an evaluation used, with its values.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ContextValue {
    /// The key as given or as AWS names it (`aws:PrincipalArn`).
    pub key: String,
    /// The values (one for a single-valued key).
    pub values: Vec<String>,
    /// Whether AWS sends the key as a set of values (`aws:PrincipalOrgPaths`).
    pub multivalued: bool,
    /// Given or derived.
    pub origin: ContextOrigin,
}

impl fmt::Display for ContextValue {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let values = if self.multivalued {
            format!("[{}]", self.values.join(", "))
        } else {
            self.values.join(", ")
        };
        match &self.origin {
            ContextOrigin::Given => write!(f, "{} = {values}", self.key),
            ContextOrigin::Derived(from) => write!(f, "{} = {values} ({from})", self.key),
        }
    }
}

/// A key of the request context: known with values, or one AWS sends but whose value the
/// request cannot know (a condition on it is then an error, never a guess).
#[derive(Debug, Clone, PartialEq)]
pub(super) enum Slot {
    Known(ContextValue),
    Unknown { key: String, why: String },
}

/// Global keys AWS sends as a set of values ("Value type – Multivalued" in the IAM User
/// Guide's list of global condition keys), and the SageMaker ones airgap's patterns use.
const MULTIVALUED_KEYS: &[&str] = &[
    "aws:calledvia",
    "aws:principalorgpaths",
    "aws:principalservicenameslist",
    "aws:resourceorgpaths",
    "aws:sourceorgpaths",
    "aws:tagkeys",
    "aws:vpceorgpaths",
    "sagemaker:vpcsecuritygroupids",
    "sagemaker:vpcsubnets",
];

/// Whether AWS sends `key` as a set of values.
pub(super) fn is_multivalued_key(key: &str) -> bool {
    MULTIVALUED_KEYS.contains(&key.to_ascii_lowercase().as_str())
}

/// A request to evaluate a policy against: the action, the resource, who asks, the request
/// context (condition keys and their values), and the values of the template names the policy
/// uses (`${AWS::AccountId}`, a `Ref` to a bucket, an `Fn::ImportValue`).
///
/// The keys AWS derives from the caller are derived here too, as AWS documents them: for a
/// session of a role, `aws:PrincipalArn` is the *role's* ARN (with its path), not the
/// session's.
///
/// ```
/// use airgap::iam::{Outcome, PolicyDocument, Request};
/// let policy = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow", "Principal": "*",
///     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my_secure_bucket/*"}]}"#)?;
/// let get = Request::new("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x")
///     .assumed_role("arn:aws:iam::111122223333:role/service-role/Pipeline", "build-42");
/// let decision = policy.evaluate(&get)?;
/// assert_eq!(decision.outcome(), Outcome::Allow);
/// let arn = decision.context().iter().find(|c| c.key == "aws:PrincipalArn").unwrap();
/// assert_eq!(arn.values, ["arn:aws:iam::111122223333:role/service-role/Pipeline"]);
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Request {
    pub(super) action: String,
    pub(super) resource: String,
    caller: Option<CallerSpec>,
    role_path: Option<String>,
    /// Lower-cased key -> (key as given, values, given as a set).
    context: IndexMap<String, (String, Vec<String>, bool)>,
    partition: Option<Partition>,
    pub(super) account: Option<String>,
    pub(super) region: Option<String>,
    pub(super) template: IndexMap<String, String>,
}

impl Request {
    /// A request for `action` (`s3:GetObject`) on `resource` (an ARN, or `*` for actions
    /// that take no resource).
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            resource: resource.into(),
            caller: None,
            role_path: None,
            context: IndexMap::new(),
            partition: None,
            account: None,
            region: None,
            template: IndexMap::new(),
        }
    }

    /// The caller signs with this ARN: an account's root user, an IAM user or role, a session
    /// of a role (`arn:aws:sts::111122223333:assumed-role/Role/session`) or a federated user
    /// (`arn:aws:sts::111122223333:federated-user/bob`). AWS derives `aws:PrincipalArn`,
    /// `aws:PrincipalAccount`, `aws:PrincipalType` (and `aws:username` for a user) from it.
    ///
    /// A session ARN does not show its role's path, which `aws:PrincipalArn` carries: give it
    /// with [`Request::role_path`] (or use [`Request::assumed_role`]) when a condition tests
    /// that key, or the evaluation says it cannot know.
    pub fn principal_arn(mut self, arn: impl Into<String>) -> Self {
        self.caller = Some(CallerSpec::Arn(arn.into()));
        self
    }

    /// The caller is a session named `session` of the role `role_arn`
    /// (`arn:aws:iam::111122223333:role/service-role/Pipeline`); its ARN is
    /// `arn:aws:sts::111122223333:assumed-role/Pipeline/session` and its `aws:PrincipalArn` is
    /// the role's ARN, path included.
    pub fn assumed_role(mut self, role_arn: &str, session: &str) -> Self {
        let parts: Vec<&str> = role_arn.splitn(6, ':').collect();
        match parts.as_slice() {
            [_, partition, _, _, account, resource] if resource.starts_with("role/") => {
                let full = &resource["role/".len()..];
                let (path, name) = match full.rfind('/') {
                    Some(i) => (format!("/{}", &full[..=i]), &full[i + 1..]),
                    None => ("/".to_string(), full),
                };
                self.role_path = Some(path);
                self.caller = Some(CallerSpec::Arn(format!(
                    "arn:{partition}:sts::{account}:assumed-role/{name}/{session}"
                )));
            }
            // Not a role ARN: keep it as the caller so that checking the request says so.
            _ => self.caller = Some(CallerSpec::Arn(role_arn.to_string())),
        }
        self
    }

    /// The path (`/service-role/`) of the role whose session is the caller.
    pub fn role_path(mut self, path: impl Into<String>) -> Self {
        self.role_path = Some(path.into());
        self
    }

    /// The caller is anonymous: an unsigned request, as to a public bucket. Only `"*"`
    /// principals name it, and AWS sends none of the principal keys.
    pub fn anonymous(mut self) -> Self {
        self.caller = Some(CallerSpec::Anonymous);
        self
    }

    /// The caller is an AWS service (`logs.amazonaws.com`). Sets `aws:PrincipalServiceName`
    /// and `aws:PrincipalIsAWSService`.
    pub fn service_principal(mut self, service: impl Into<String>) -> Self {
        self.caller = Some(CallerSpec::Service(service.into()));
        self
    }

    /// The caller is a web identity or SAML session of this identity provider (`Federated`
    /// principals, in role trust policies).
    pub fn federated_principal(mut self, provider: impl Into<String>) -> Self {
        self.caller = Some(CallerSpec::Federated(provider.into()));
        self
    }

    /// The caller is this S3 canonical user.
    pub fn canonical_user(mut self, id: impl Into<String>) -> Self {
        self.caller = Some(CallerSpec::CanonicalUser(id.into()));
        self
    }

    /// A context key and its value, e.g. (`aws:SourceVpce`, `vpce-1a2b3c4d`). Keys compare
    /// case-insensitively. A key AWS sends as a set (`aws:PrincipalOrgPaths`) is a set of
    /// this one value.
    pub fn context(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context.insert(
            key.to_ascii_lowercase(),
            (key.to_string(), vec![value.into()], false),
        );
        self
    }

    /// A multivalued context key, e.g. (`sagemaker:VpcSubnets`, [`subnet-1`, `subnet-2`]);
    /// one value is a set of one.
    pub fn context_values<I, S>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.context.insert(
            key.to_ascii_lowercase(),
            (
                key.to_string(),
                values.into_iter().map(Into::into).collect(),
                true,
            ),
        );
        self
    }

    /// The partition `${AWS::Partition}` stands for (by default the partition of the
    /// request's resource ARN).
    pub fn partition(mut self, partition: Partition) -> Self {
        self.partition = Some(partition);
        self
    }

    /// The account `${AWS::AccountId}` stands for.
    pub fn account(mut self, account: impl Into<String>) -> Self {
        self.account = Some(account.into());
        self
    }

    /// The region `${AWS::Region}` stands for.
    pub fn region(mut self, region: impl Into<String>) -> Self {
        self.region = Some(region.into());
        self
    }

    /// The value of a template name the policy uses: a parameter or resource (`Ref`, as
    /// `DataBucket`), an attribute (`Fn::GetAtt`, as `LogGroup.Arn`) or an export
    /// (`Fn::ImportValue`, by its name).
    pub fn template_value(mut self, name: impl Into<String>, value: impl Into<String>) -> Self {
        self.template.insert(name.into(), value.into());
        self
    }

    /// The action the request is for.
    pub fn action(&self) -> &str {
        &self.action
    }

    /// Checks the request: one real action, and a caller AWS could see. A typo would
    /// otherwise be implicitly denied and read as proof that the policy works.
    pub(super) fn check(&self) -> Result<Option<Caller>> {
        let at = |field: &str| Location::new("Request", field);
        if self.action.contains(['*', '?']) {
            return Err(Error::Invalid {
                at: at("action"),
                message: format!(
                    "`{}` is a pattern; a request is for one action, such as `s3:GetObject`",
                    self.action
                ),
            });
        }
        catalog::check_action(&self.action).map_err(|unknown| IamError::UnknownAction {
            at: at("action"),
            action: self.action.clone(),
            reason: unknown.reason,
            suggestion: unknown.suggestion,
        })?;
        if self.resource.is_empty() {
            return Err(Error::Invalid {
                at: at("resource"),
                message: "the resource is empty; give its ARN, or `*`".into(),
            });
        }
        let caller = match &self.caller {
            None => None,
            Some(CallerSpec::Anonymous) => Some(Caller::Anonymous),
            Some(CallerSpec::Service(s)) => Some(Caller::Service(s.clone())),
            Some(CallerSpec::Federated(s)) => Some(Caller::Federated(s.clone())),
            Some(CallerSpec::CanonicalUser(s)) => Some(Caller::CanonicalUser(s.clone())),
            Some(CallerSpec::Arn(arn)) => Some(parse_caller(arn, self.role_path.as_deref())?),
        };
        if let Some(path) = &self.role_path
            && !(path.starts_with('/') && path.ends_with('/'))
        {
            return Err(Error::Invalid {
                at: at("role_path"),
                message: format!(
                    "`{path}` is not a role path; a path starts and ends with `/`, as `/service-role/`"
                ),
            });
        }
        Ok(caller)
    }

    pub(super) fn partition_name(&self) -> Option<&str> {
        if let Some(p) = self.partition {
            return Some(p.name());
        }
        self.resource
            .strip_prefix("arn:")
            .and_then(|r| r.split(':').next())
            .filter(|p| ["aws", "aws-cn", "aws-us-gov"].contains(p))
    }

    /// The request context AWS would build: the keys given, and those derived from `caller`
    /// (a key given explicitly wins over the derived one).
    pub(super) fn context_slots(&self, caller: Option<&Caller>) -> IndexMap<String, Slot> {
        let mut out = IndexMap::new();
        for (lower, (key, values, set)) in &self.context {
            let multivalued = *set || is_multivalued_key(lower);
            out.insert(
                lower.clone(),
                Slot::Known(ContextValue {
                    key: key.clone(),
                    values: values.clone(),
                    multivalued,
                    origin: ContextOrigin::Given,
                }),
            );
        }
        for slot in derived(caller) {
            let lower = match &slot {
                Slot::Known(v) => v.key.to_ascii_lowercase(),
                Slot::Unknown { key, .. } => key.to_ascii_lowercase(),
            };
            out.entry(lower).or_insert(slot);
        }
        out
    }
}

fn known(key: &str, value: String, from: &str) -> Slot {
    Slot::Known(ContextValue {
        key: key.to_string(),
        values: vec![value],
        multivalued: false,
        origin: ContextOrigin::Derived(from.to_string()),
    })
}

/// The keys AWS puts in the request context for `caller`, after the IAM User Guide's "AWS
/// global condition context keys".
fn derived(caller: Option<&Caller>) -> Vec<Slot> {
    let Some(caller) = caller else {
        return Vec::new();
    };
    match caller {
        Caller::Aws {
            arn,
            partition,
            account,
            identity,
        } => {
            let from = "derived from the caller";
            let iam = |resource: &str| format!("arn:{partition}:iam::{account}:{resource}");
            let (principal_arn, kind) = match identity {
                Identity::Root => (Some(iam("root")), "Account"),
                Identity::User(_) => (Some(arn.clone()), "User"),
                Identity::Role { .. } => (Some(arn.clone()), "AssumedRole"),
                Identity::Session {
                    role,
                    role_path: Some(path),
                    ..
                } => (Some(iam(&format!("role{path}{role}"))), "AssumedRole"),
                Identity::Session { .. } => (None, "AssumedRole"),
                Identity::FederatedUser(_) => (Some(arn.clone()), "FederatedUser"),
            };
            let mut out = vec![match principal_arn {
                Some(a) => known(
                    "aws:PrincipalArn",
                    a,
                    "derived from the caller; for a role session, its role's ARN",
                ),
                None => Slot::Unknown {
                    key: "aws:PrincipalArn".into(),
                    why: format!(
                        "for the session `{arn}` AWS sets aws:PrincipalArn to its role's ARN, which holds the role's path and the session ARN does not show it; give the role's path (`role_path`, `--role-path /`)"
                    ),
                },
            }];
            out.push(known("aws:PrincipalAccount", account.clone(), from));
            out.push(known("aws:PrincipalType", kind.to_string(), from));
            out.push(known(
                "aws:PrincipalIsAWSService",
                "false".into(),
                "derived: the caller signs with AWS credentials",
            ));
            if let Identity::User(path_and_name) = identity {
                let name = path_and_name.rsplit('/').next().unwrap_or(path_and_name);
                out.push(known("aws:username", name.to_string(), from));
            }
            out.push(Slot::Unknown {
                key: "aws:userid".into(),
                why: "AWS always sends aws:userid for a signed request, and its value is an ID the request does not hold; give it in the context".into(),
            });
            out
        }
        Caller::Service(name) => vec![
            known(
                "aws:PrincipalServiceName",
                name.clone(),
                "derived from the service caller",
            ),
            known(
                "aws:PrincipalIsAWSService",
                "true".into(),
                "derived from the service caller",
            ),
        ],
        // aws:PrincipalAccount: "For anonymous requests, the request context returns
        // `anonymous`. Availability – This key is included in the request context for all
        // requests, including anonymous requests"; the same availability for aws:PrincipalType
        // and aws:userid, whose value for an anonymous caller is `Anonymous`/`anonymous`
        // ("Principal key values"). aws:PrincipalArn: "Anonymous requests do not include
        // this key."
        Caller::Anonymous => {
            let from = "derived: the request is anonymous";
            vec![
                known("aws:PrincipalAccount", "anonymous".into(), from),
                known("aws:PrincipalType", "Anonymous".into(), from),
                known("aws:userid", "anonymous".into(), from),
            ]
        }
        Caller::Federated(_) | Caller::CanonicalUser(_) => Vec::new(),
    }
}

/// Parses a caller's ARN into who it is.
fn parse_caller(arn: &str, role_path: Option<&str>) -> Result<Caller> {
    let bad = |why: &str| Error::Invalid {
        at: Location::new("Request", "principal"),
        message: format!(
            "`{arn}` is not a principal ARN: {why}; give an ARN such as arn:aws:iam::111122223333:role/Name, arn:aws:sts::111122223333:assumed-role/Name/session or arn:aws:iam::111122223333:user/name"
        ),
    };
    let parts: Vec<&str> = arn.splitn(6, ':').collect();
    let [prefix, partition, service, region, account, resource] = parts.as_slice() else {
        return Err(bad("an ARN has six parts separated by `:`"));
    };
    if *prefix != "arn" || !["aws", "aws-cn", "aws-us-gov"].contains(partition) {
        return Err(bad(
            "it starts with arn:aws:, arn:aws-cn: or arn:aws-us-gov:",
        ));
    }
    if !region.is_empty() {
        return Err(bad("IAM and STS principal ARNs have no region"));
    }
    if account.len() != 12 || !account.chars().all(|c| c.is_ascii_digit()) {
        return Err(bad("the account is 12 digits"));
    }
    let named = |rest: &str| !rest.is_empty() && !rest.ends_with('/') && !rest.contains(['*', '?']);
    let identity = match (*service, *resource) {
        ("iam", "root") => Identity::Root,
        ("iam", r) if r.strip_prefix("user/").is_some_and(named) => {
            Identity::User(r["user/".len()..].to_string())
        }
        ("iam", r) if r.strip_prefix("role/").is_some_and(named) => {
            let full = &r["role/".len()..];
            match full.rfind('/') {
                Some(i) => Identity::Role {
                    path: format!("/{}", &full[..=i]),
                    name: full[i + 1..].to_string(),
                },
                None => Identity::Role {
                    path: "/".into(),
                    name: full.to_string(),
                },
            }
        }
        ("sts", r) if r.starts_with("assumed-role/") => {
            let mut it = r["assumed-role/".len()..].splitn(2, '/');
            let (Some(role), Some(session)) = (it.next(), it.next()) else {
                return Err(bad("a session ARN is assumed-role/ROLE/SESSION"));
            };
            if !named(role) || !named(session) || session.contains('/') {
                return Err(bad("a session ARN is assumed-role/ROLE/SESSION"));
            }
            Identity::Session {
                role: role.to_string(),
                session: session.to_string(),
                role_path: role_path.map(str::to_string),
            }
        }
        ("sts", r) if r.strip_prefix("federated-user/").is_some_and(named) => {
            Identity::FederatedUser(r["federated-user/".len()..].to_string())
        }
        _ => {
            return Err(bad(
                "the resource is root, user/..., role/..., assumed-role/... or federated-user/...",
            ));
        }
    };
    Ok(Caller::Aws {
        arn: arn.to_string(),
        partition: (*partition).to_string(),
        account: (*account).to_string(),
        identity,
    })
}
