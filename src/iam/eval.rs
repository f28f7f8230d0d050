//! Offline evaluation of one policy against one request, after AWS's documented logic for a
//! single policy: an explicit deny wins, then an allow, else the request is implicitly denied.

use std::fmt;
use std::net::IpAddr;

use indexmap::IndexMap;
use ipnet::IpNet;
use serde_json::Value;

use super::catalog;
use super::policy::{Condition, Statement};
use super::policy::{ConditionOperator as Op, Effect, PolicyDocument, Principal, SetQualifier};
use super::wildcard::{Tok, match_tokens};
use crate::error::{Error, Location, Result};
use crate::template::Partition;

/// Who makes a request.
#[derive(Debug, Clone, PartialEq)]
enum Caller {
    Aws(String),
    Service(String),
    Federated(String),
    CanonicalUser(String),
}

/// A request to evaluate a policy against: the action, the resource, who asks, the request
/// context (condition keys and their values), and the values of the template names the policy
/// uses (`${AWS::AccountId}`, a `Ref` to a bucket, an `Fn::ImportValue`).
///
/// ```
/// use airgap::iam::{Outcome, PolicyDocument, Request};
/// let policy = PolicyDocument::from_json(r#"{"Statement": [{"Effect": "Allow", "Principal": "*",
///     "Action": "s3:GetObject", "Resource": "arn:aws:s3:::my_secure_bucket/*"}]}"#)?;
/// let get = Request::new("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x");
/// assert_eq!(policy.evaluate(&get)?.outcome(), Outcome::Allow);
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
#[must_use]
pub struct Request {
    action: String,
    resource: String,
    caller: Option<Caller>,
    /// Lower-cased key -> (values, multivalued).
    context: IndexMap<String, (Vec<String>, bool)>,
    partition: Option<Partition>,
    account: Option<String>,
    region: Option<String>,
    template: IndexMap<String, String>,
}

impl Request {
    /// A request for `action` (`s3:GetObject`) on `resource` (an ARN, or `*` for actions
    /// that take no resource).
    pub fn new(action: impl Into<String>, resource: impl Into<String>) -> Self {
        Self {
            action: action.into(),
            resource: resource.into(),
            caller: None,
            context: IndexMap::new(),
            partition: None,
            account: None,
            region: None,
            template: IndexMap::new(),
        }
    }

    /// The caller is the IAM user, role or assumed-role session with this ARN. Sets
    /// `aws:PrincipalArn` and `aws:PrincipalAccount` unless the context already has them.
    pub fn principal_arn(mut self, arn: impl Into<String>) -> Self {
        let arn = arn.into();
        if let Some(account) = arn.split(':').nth(4).filter(|a| !a.is_empty()) {
            self.context
                .entry("aws:principalaccount".into())
                .or_insert((vec![account.to_string()], false));
        }
        self.context
            .entry("aws:principalarn".into())
            .or_insert((vec![arn.clone()], false));
        self.caller = Some(Caller::Aws(arn));
        self
    }

    /// The caller is an AWS service (`logs.amazonaws.com`). Sets `aws:PrincipalServiceName`
    /// and `aws:PrincipalIsAWSService`.
    pub fn service_principal(mut self, service: impl Into<String>) -> Self {
        let service = service.into();
        self.context
            .entry("aws:principalservicename".into())
            .or_insert((vec![service.clone()], false));
        self.context
            .entry("aws:principalisawsservice".into())
            .or_insert((vec!["true".into()], false));
        self.caller = Some(Caller::Service(service));
        self
    }

    /// The caller is a federated user of this identity provider.
    pub fn federated_principal(mut self, provider: impl Into<String>) -> Self {
        self.caller = Some(Caller::Federated(provider.into()));
        self
    }

    /// The caller is this S3 canonical user.
    pub fn canonical_user(mut self, id: impl Into<String>) -> Self {
        self.caller = Some(Caller::CanonicalUser(id.into()));
        self
    }

    /// A single-valued context key, e.g. (`aws:SourceVpce`, `vpce-1a2b3c4d`). Keys compare
    /// case-insensitively.
    pub fn context(mut self, key: &str, value: impl Into<String>) -> Self {
        self.context
            .insert(key.to_ascii_lowercase(), (vec![value.into()], false));
        self
    }

    /// A multivalued context key, e.g. (`sagemaker:VpcSubnets`, [`subnet-1`, `subnet-2`]).
    pub fn context_values<I, S>(mut self, key: &str, values: I) -> Self
    where
        I: IntoIterator<Item = S>,
        S: Into<String>,
    {
        self.context.insert(
            key.to_ascii_lowercase(),
            (values.into_iter().map(Into::into).collect(), true),
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

    /// A request names one real action: a typo would otherwise be implicitly denied and read
    /// as proof that the policy works.
    fn check(&self) -> Result<()> {
        let at = || Location::new("Request", "action");
        if self.action.contains(['*', '?']) {
            return Err(Error::Invalid {
                at: at(),
                message: format!(
                    "`{}` is a pattern; a request is for one action, such as `s3:GetObject`",
                    self.action
                ),
            });
        }
        catalog::check_action(&self.action).map_err(|unknown| Error::UnknownAction {
            at: at(),
            action: self.action.clone(),
            reason: unknown.reason,
            suggestion: unknown.suggestion.map(String::into_boxed_str),
        })
    }

    fn partition_name(&self) -> Option<&str> {
        if let Some(p) = self.partition {
            return Some(p.name());
        }
        self.resource
            .strip_prefix("arn:")
            .and_then(|r| r.split(':').next())
            .filter(|p| ["aws", "aws-cn", "aws-us-gov"].contains(p))
    }

    fn lookup(&self, key: &str) -> Option<&(Vec<String>, bool)> {
        self.context.get(&key.to_ascii_lowercase())
    }
}

/// What a policy decides about a request.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Outcome {
    /// A statement allows the request and none denies it.
    Allow,
    /// A statement denies the request; nothing can allow it then.
    ExplicitDeny,
    /// No statement applies to the request, so it is denied by default.
    ImplicitDeny,
}

impl fmt::Display for Outcome {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            Outcome::Allow => "Allow",
            Outcome::ExplicitDeny => "ExplicitDeny",
            Outcome::ImplicitDeny => "ImplicitDeny",
        })
    }
}

/// A statement of a policy: its position (from 0) and its Sid.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct StatementRef {
    /// The position in the policy, from 0.
    pub index: usize,
    /// The statement's Sid, if it has one.
    pub sid: Option<String>,
}

impl fmt::Display for StatementRef {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match &self.sid {
            Some(sid) => write!(f, "#{} '{sid}'", self.index + 1),
            None => write!(f, "#{}", self.index + 1),
        }
    }
}

/// The result of [`PolicyDocument::evaluate`]: the outcome, the statement that decided it,
/// and why; for each statement that did not apply, the reason it did not.
#[derive(Debug, Clone, PartialEq)]
pub struct Decision {
    outcome: Outcome,
    statement: Option<StatementRef>,
    reason: String,
    not_applied: Vec<(StatementRef, String)>,
}

impl Decision {
    /// Allow, explicit deny or implicit deny.
    pub fn outcome(&self) -> Outcome {
        self.outcome
    }

    /// Whether the request is allowed.
    pub fn is_allowed(&self) -> bool {
        self.outcome == Outcome::Allow
    }

    /// The statement that decided (none for an implicit deny).
    pub fn statement(&self) -> Option<&StatementRef> {
        self.statement.as_ref()
    }

    /// Why, in words: what matched for an allow or deny, what failed for an implicit deny.
    pub fn reason(&self) -> &str {
        &self.reason
    }

    /// Each statement that did not apply, with the first reason it did not.
    pub fn not_applied(&self) -> &[(StatementRef, String)] {
        &self.not_applied
    }
}

impl fmt::Display for Decision {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.outcome, self.reason)
    }
}

impl PolicyDocument {
    /// Evaluates the policy against `request`, following AWS's logic for one policy: an
    /// explicit deny wins, then an allow, else an implicit deny.
    ///
    /// Actions compare case-insensitively, ARNs and condition values case-sensitively; `*`
    /// and `?` are wildcards; policy variables (`${aws:username}`) take the request's values;
    /// template names (`${AWS::Partition}`, `${AWS::AccountId}`, `Ref`, `Fn::ImportValue`)
    /// take the values the request gives them. A condition with a key the catalog does not
    /// know, or a value the request cannot supply, is an [`Error::CannotEvaluate`]: the
    /// evaluator never guesses, so it never allows by accident.
    ///
    /// ```
    /// use airgap::iam::{Arn, Outcome, PolicyDocument, Request, Statement};
    /// let policy = PolicyDocument::new().statement(
    ///     Statement::allow()
    ///         .sid("Access-to-specific-bucket-only")
    ///         .any_principal()
    ///         .action("s3:GetObject")
    ///         .resources([Arn::s3_bucket("my_secure_bucket")?, Arn::s3_objects("my_secure_bucket")?]),
    /// );
    /// let read = policy.evaluate(&Request::new("s3:GetObject", "arn:aws:s3:::my_secure_bucket/x"))?;
    /// assert_eq!(read.outcome(), Outcome::Allow);
    /// let write = policy.evaluate(&Request::new("s3:PutObject", "arn:aws:s3:::my_secure_bucket/x"))?;
    /// assert_eq!(write.outcome(), Outcome::ImplicitDeny);
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn evaluate(&self, request: &Request) -> Result<Decision> {
        request.check()?;
        let mut allow: Option<(StatementRef, String)> = None;
        let mut deny: Option<(StatementRef, String)> = None;
        let mut not_applied = Vec::new();
        for (index, s) in self.statements.iter().enumerate() {
            let at = StatementRef {
                index,
                sid: s.sid.clone(),
            };
            let fail = |message: String| Error::CannotEvaluate {
                statement: at.to_string(),
                message,
            };
            match applies(s, request).map_err(fail)? {
                Ok(why) => match s.effect {
                    Effect::Deny if deny.is_none() => deny = Some((at, why)),
                    Effect::Allow if allow.is_none() => allow = Some((at, why)),
                    _ => {}
                },
                Err(why_not) => not_applied.push((at, why_not)),
            }
        }
        let (outcome, decided) = match (deny, allow) {
            (Some(d), _) => (Outcome::ExplicitDeny, Some(d)),
            (None, Some(a)) => (Outcome::Allow, Some(a)),
            (None, None) => (Outcome::ImplicitDeny, None),
        };
        let (statement, reason) = match decided {
            Some((at, why)) => {
                let verb = if outcome == Outcome::Allow {
                    "allows"
                } else {
                    "denies"
                };
                let reason = format!("statement {at} {verb}: {why}");
                (Some(at), reason)
            }
            None if not_applied.is_empty() => (None, "the policy has no statement".to_string()),
            None => {
                let parts: Vec<String> = not_applied
                    .iter()
                    .map(|(at, why)| format!("{at}: {why}"))
                    .collect();
                (None, format!("no statement applies ({})", parts.join("; ")))
            }
        };
        Ok(Decision {
            outcome,
            statement,
            reason,
            not_applied,
        })
    }
}

type Applies = std::result::Result<String, String>;

/// Whether the statement applies to the request (`Ok(Ok(why))`), does not (`Ok(Err(why))`),
/// or cannot be evaluated (`Err(what is missing)`).
fn applies(s: &Statement, r: &Request) -> std::result::Result<Applies, String> {
    let mut why = Vec::new();
    // Principal
    if let Some(p) = &s.principal {
        match principal_matches(p, r)? {
            Some(m) => why.push(format!("principal matches `{m}`")),
            None => return Ok(Err("the principal is not named in Principal".into())),
        }
    }
    if let Some(p) = &s.not_principal {
        if let Some(m) = principal_matches(p, r)? {
            return Ok(Err(format!(
                "the principal is excluded by NotPrincipal `{m}`"
            )));
        }
        why.push("the principal is not excluded by NotPrincipal".into());
    }
    // Action
    let action_hit = |patterns: &[String]| {
        patterns
            .iter()
            .find(|p| super::wildcard::wildcard_match(p, &r.action, true))
            .cloned()
    };
    if !s.actions.is_empty() {
        match action_hit(&s.actions) {
            Some(m) => why.push(format!("action `{}` matches `{m}`", r.action)),
            None => {
                return Ok(Err(format!(
                    "action `{}` matches no Action ({})",
                    r.action,
                    s.actions.join(", ")
                )));
            }
        }
    }
    if !s.not_actions.is_empty() {
        if let Some(m) = action_hit(&s.not_actions) {
            return Ok(Err(format!(
                "action `{}` is excluded by NotAction `{m}`",
                r.action
            )));
        }
        why.push(format!("action `{}` is not in NotAction", r.action));
    }
    // Resource
    if s.any_resource {
        why.push("Resource is `*`".into());
    } else if let Some(list) = &s.resource_list {
        return Err(format!(
            "Resource is a list the template computes ({}); the evaluator cannot know its items, so evaluate a policy with the ARNs written out",
            list.to_value()
        ));
    } else if !s.resources.is_empty() {
        let mut shown = Vec::new();
        let mut hit = None;
        for arn in &s.resources {
            let text = resolve(&arn.to_value(), r)?;
            if match_tokens(&substitute(&text, r)?, &r.resource, false) {
                hit = Some(text);
                break;
            }
            shown.push(text);
        }
        match hit {
            Some(m) => why.push(format!("resource matches `{m}`")),
            None => {
                return Ok(Err(format!(
                    "resource `{}` matches no Resource ({})",
                    r.resource,
                    shown.join(", ")
                )));
            }
        }
    }
    if !s.not_resources.is_empty() {
        for arn in &s.not_resources {
            let text = resolve(&arn.to_value(), r)?;
            if match_tokens(&substitute(&text, r)?, &r.resource, false) {
                return Ok(Err(format!(
                    "resource `{}` is excluded by NotResource `{text}`",
                    r.resource
                )));
            }
        }
        why.push("the resource is not in NotResource".into());
    }
    // Conditions: all must hold.
    for c in &s.conditions {
        let (holds, detail) = condition(c, r)?;
        if !holds {
            return Ok(Err(format!(
                "condition {} on `{}` does not hold ({detail})",
                c.operator_name(),
                c.key.as_str()
            )));
        }
        why.push(format!(
            "condition {} on `{}` holds ({detail})",
            c.operator_name(),
            c.key.as_str()
        ));
    }
    Ok(Ok(why.join(", ")))
}

/// The principal value of `p` that names the caller, if one does.
fn principal_matches(p: &Principal, r: &Request) -> std::result::Result<Option<String>, String> {
    for (kind, values) in p.entries() {
        for v in values {
            let v = resolve(&v, r)?;
            if kind == "AWS" && v == "*" {
                return Ok(Some(v));
            }
            let Some(caller) = &r.caller else {
                return Err(format!(
                    "the statement names principals ({kind} `{v}`); give the request one with `principal_arn` or `service_principal`"
                ));
            };
            let hit = match (kind.as_str(), caller) {
                ("AWS", Caller::Aws(arn)) => aws_principal_matches(&v, arn),
                ("Service", Caller::Service(name)) => v == *name,
                ("Federated", Caller::Federated(name)) => v == *name,
                ("CanonicalUser", Caller::CanonicalUser(id)) => v == *id,
                _ => false,
            };
            if hit {
                return Ok(Some(v));
            }
        }
    }
    Ok(None)
}

/// An `AWS` principal names the caller by its ARN, by its role (for an assumed-role session),
/// or by its account (a 12-digit ID or the account's `:root` ARN).
fn aws_principal_matches(named: &str, caller: &str) -> bool {
    if named == caller {
        return true;
    }
    let parts: Vec<&str> = caller.splitn(6, ':').collect();
    if parts.len() < 6 {
        return false;
    }
    let (partition, account, resource) = (parts[1], parts[4], parts[5]);
    if named == account || named == format!("arn:{partition}:iam::{account}:root") {
        return true;
    }
    if parts[2] == "sts"
        && let Some(rest) = resource.strip_prefix("assumed-role/")
    {
        let role = rest.split('/').next().unwrap_or("");
        return named == format!("arn:{partition}:iam::{account}:role/{role}");
    }
    false
}

/// The string a policy value stands for once the template's names are given their values.
fn resolve(v: &Value, r: &Request) -> std::result::Result<String, String> {
    match v {
        Value::String(s) => Ok(s.clone()),
        Value::Bool(b) => Ok(b.to_string()),
        Value::Number(n) => Ok(n.to_string()),
        Value::Object(m) if m.len() == 1 => {
            let (f, arg) = m.iter().next().expect("one entry");
            match (f.as_str(), arg) {
                ("Ref", Value::String(name)) => name_value(name, r),
                ("Fn::Sub", Value::String(s)) => sub(s, &IndexMap::new(), r),
                ("Fn::Sub", Value::Array(a)) if a.len() == 2 => {
                    let text = a[0].as_str().ok_or("Fn::Sub needs a string")?;
                    let mut vars = IndexMap::new();
                    if let Value::Object(vm) = &a[1] {
                        for (k, x) in vm {
                            vars.insert(k.clone(), resolve(x, r)?);
                        }
                    }
                    sub(text, &vars, r)
                }
                ("Fn::GetAtt", Value::Array(a)) if a.len() == 2 => {
                    let id = a[0].as_str().unwrap_or_default();
                    let attr = a[1].as_str().unwrap_or_default();
                    name_value(&format!("{id}.{attr}"), r)
                }
                ("Fn::GetAtt", Value::String(s)) => name_value(s, r),
                ("Fn::ImportValue", x) => name_value(&resolve(x, r)?, r),
                ("Fn::Join", Value::Array(a)) if a.len() == 2 => {
                    let delim = a[0].as_str().ok_or("Fn::Join needs a delimiter")?;
                    let items = a[1].as_array().ok_or("Fn::Join needs a list")?;
                    let parts: std::result::Result<Vec<String>, String> =
                        items.iter().map(|x| resolve(x, r)).collect();
                    Ok(parts?.join(delim))
                }
                _ => Err(format!(
                    "`{v}` is a template function the evaluator does not resolve; give the request its value with `template_value`"
                )),
            }
        }
        other => Err(format!("`{other}` is not a policy value")),
    }
}

fn name_value(name: &str, r: &Request) -> std::result::Result<String, String> {
    let missing = |what: &str| format!("the policy uses `{name}`; give the request {what}");
    match name {
        "AWS::Partition" => r
            .partition_name()
            .map(str::to_string)
            .ok_or_else(|| missing("a partition (or a resource ARN)")),
        "AWS::AccountId" => r.account.clone().ok_or_else(|| missing("an `account`")),
        "AWS::Region" => r.region.clone().ok_or_else(|| missing("a `region`")),
        "AWS::URLSuffix" => Ok(match r.partition_name() {
            Some("aws-cn") => "amazonaws.com.cn".into(),
            _ => "amazonaws.com".into(),
        }),
        _ => r
            .template
            .get(name)
            .cloned()
            .ok_or_else(|| missing("its value with `template_value`")),
    }
}

/// `Fn::Sub`: template names get their values; `${!x}` stays as the policy variable `${x}`.
fn sub(
    s: &str,
    vars: &IndexMap<String, String>,
    r: &Request,
) -> std::result::Result<String, String> {
    crate::template::expand_sub(s, |var| match vars.get(var) {
        Some(v) => Ok(v.clone()),
        None => name_value(var, r),
    })
}

/// Replaces IAM policy variables (`${aws:username}`, `${aws:PrincipalTag/team, 'none'}`,
/// `${*}`, `${?}`, `${$}`) with the request's values, as literal text in a pattern.
fn substitute(s: &str, r: &Request) -> std::result::Result<Vec<Tok>, String> {
    let mut out = Vec::new();
    let mut rest = s;
    let push_pattern = |out: &mut Vec<Tok>, text: &str| out.extend(super::wildcard::tokens(text));
    while let Some(start) = rest.find("${") {
        push_pattern(&mut out, &rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            push_pattern(&mut out, &rest[start..]);
            rest = "";
            break;
        };
        let var = after[..end].trim();
        let literal = match var {
            "*" => "*".to_string(),
            "?" => "?".to_string(),
            "$" => "$".to_string(),
            _ => {
                let (key, default) = match var.split_once(',') {
                    Some((k, d)) => (k.trim(), Some(d.trim().trim_matches('\'').to_string())),
                    None => (var, None),
                };
                match r.lookup(key) {
                    Some((values, false)) if values.len() == 1 => values[0].clone(),
                    Some(_) => {
                        return Err(format!(
                            "the policy variable `${{{key}}}` names a multivalued key, which cannot be a variable"
                        ));
                    }
                    None => match default {
                        Some(d) => d,
                        None => {
                            return Err(format!(
                                "the policy uses the variable `${{{key}}}`; give the request `{key}` in its context"
                            ));
                        }
                    },
                }
            }
        };
        out.extend(literal.chars().map(Tok::Lit));
        rest = &after[end + 1..];
    }
    push_pattern(&mut out, rest);
    Ok(out)
}

fn literal(tokens: &[Tok]) -> String {
    tokens
        .iter()
        .map(|t| match t {
            Tok::Lit(c) => *c,
            Tok::Star => '*',
            Tok::One => '?',
        })
        .collect()
}

/// The positive operator a negated one is the opposite of.
fn positive(op: Op) -> (Op, bool) {
    match op {
        Op::StringNotEquals => (Op::StringEquals, true),
        Op::StringNotEqualsIgnoreCase => (Op::StringEqualsIgnoreCase, true),
        Op::StringNotLike => (Op::StringLike, true),
        Op::NumericNotEquals => (Op::NumericEquals, true),
        Op::DateNotEquals => (Op::DateEquals, true),
        Op::NotIpAddress => (Op::IpAddress, true),
        Op::ArnNotEquals => (Op::ArnEquals, true),
        Op::ArnNotLike => (Op::ArnLike, true),
        other => (other, false),
    }
}

fn condition(c: &Condition, r: &Request) -> std::result::Result<(bool, String), String> {
    let key = c.key.as_str();
    if !catalog::is_condition_key(key) {
        let hint = catalog::suggest_condition_key(key)
            .map(|s| format!("; did you mean `{s}`?"))
            .unwrap_or_default();
        return Err(format!("`{key}` is not a known condition key{hint}"));
    }
    let mut policy = Vec::new();
    for v in &c.values {
        policy.push(substitute(&resolve(&v.to_value(), r)?, r)?);
    }
    let present = r.lookup(key).filter(|(v, _)| !v.is_empty());
    if c.operator == Op::Null {
        let want_absent = match policy.first().map(|t| literal(t).to_ascii_lowercase()) {
            Some(v) if v == "true" => true,
            Some(v) if v == "false" => false,
            _ => return Err("Null takes `true` or `false`".into()),
        };
        let absent = present.is_none();
        let state = if absent { "absent" } else { "present" };
        return Ok((absent == want_absent, format!("the key is {state}")));
    }
    let Some((values, _)) = present else {
        let (_, negated) = positive(c.operator);
        let holds = c.if_exists
            || match c.set {
                Some(SetQualifier::ForAllValues) => true,
                Some(SetQualifier::ForAnyValue) => false,
                None => negated,
            };
        return Ok((holds, "the key is not in the request".into()));
    };
    let (op, negated) = positive(c.operator);
    let matches_one = |v: &str| -> std::result::Result<bool, String> {
        for p in &policy {
            if compare(op, p, v)? {
                return Ok(true);
            }
        }
        Ok(false)
    };
    let mut results = Vec::new();
    for v in values {
        results.push(matches_one(v)?);
    }
    let ok = |m: bool| m != negated;
    let holds = match c.set {
        Some(SetQualifier::ForAllValues) => results.iter().all(|&m| ok(m)),
        Some(SetQualifier::ForAnyValue) => results.iter().any(|&m| ok(m)),
        None if negated => !results.iter().any(|&m| m),
        None => results.iter().any(|&m| m),
    };
    let shown: Vec<String> = policy.iter().map(|p| literal(p)).collect();
    Ok((
        holds,
        format!("request has {values:?}, policy has {shown:?}"),
    ))
}

fn compare(op: Op, policy: &[Tok], value: &str) -> std::result::Result<bool, String> {
    let text = literal(policy);
    Ok(match op {
        Op::StringEquals => text == value,
        Op::StringEqualsIgnoreCase => text.to_lowercase() == value.to_lowercase(),
        Op::StringLike => match_tokens(policy, value, false),
        Op::NumericEquals
        | Op::NumericLessThan
        | Op::NumericLessThanEquals
        | Op::NumericGreaterThan
        | Op::NumericGreaterThanEquals => {
            let p: f64 = text
                .trim()
                .parse()
                .map_err(|_| format!("`{text}` is not a number for {}", op.name()))?;
            let Ok(v) = value.trim().parse::<f64>() else {
                return Ok(false);
            };
            ordered(op, v.partial_cmp(&p))
        }
        Op::DateEquals
        | Op::DateLessThan
        | Op::DateLessThanEquals
        | Op::DateGreaterThan
        | Op::DateGreaterThanEquals => {
            let p = parse_date(&text)
                .ok_or_else(|| format!("`{text}` is not a date (ISO 8601 or epoch seconds)"))?;
            let Some(v) = parse_date(value) else {
                return Ok(false);
            };
            ordered(op, v.partial_cmp(&p))
        }
        Op::Bool => {
            let p = parse_bool(&text).ok_or_else(|| format!("`{text}` is not true or false"))?;
            parse_bool(value) == Some(p)
        }
        Op::BinaryEquals => text == value,
        Op::IpAddress => {
            let net: IpNet = text
                .parse::<IpNet>()
                .or_else(|_| text.parse::<IpAddr>().map(IpNet::from))
                .map_err(|_| format!("`{text}` is not an IP address or CIDR block"))?;
            value.parse::<IpAddr>().is_ok_and(|ip| net.contains(&ip))
        }
        Op::ArnEquals | Op::ArnLike => arn_like(policy, value),
        Op::Null
        | Op::StringNotEquals
        | Op::StringNotEqualsIgnoreCase
        | Op::StringNotLike
        | Op::NumericNotEquals
        | Op::DateNotEquals
        | Op::NotIpAddress
        | Op::ArnNotEquals
        | Op::ArnNotLike => unreachable!("negated operators are compared as their positive"),
    })
}

fn ordered(op: Op, ord: Option<std::cmp::Ordering>) -> bool {
    use std::cmp::Ordering::{Equal, Greater, Less};
    match (op, ord) {
        (_, None) => false,
        (Op::NumericEquals | Op::DateEquals, Some(o)) => o == Equal,
        (Op::NumericLessThan | Op::DateLessThan, Some(o)) => o == Less,
        (Op::NumericLessThanEquals | Op::DateLessThanEquals, Some(o)) => o != Greater,
        (Op::NumericGreaterThan | Op::DateGreaterThan, Some(o)) => o == Greater,
        (Op::NumericGreaterThanEquals | Op::DateGreaterThanEquals, Some(o)) => o != Less,
        _ => false,
    }
}

fn parse_bool(s: &str) -> Option<bool> {
    match s.trim().to_ascii_lowercase().as_str() {
        "true" => Some(true),
        "false" => Some(false),
        _ => None,
    }
}

/// ArnEquals and ArnLike compare each of the six colon-separated parts on its own, with
/// wildcards that do not cross a colon.
fn arn_like(policy: &[Tok], value: &str) -> bool {
    let split = |toks: &[Tok]| -> Vec<Vec<Tok>> {
        let mut parts = vec![Vec::new()];
        for t in toks {
            if *t == Tok::Lit(':') && parts.len() < 6 {
                parts.push(Vec::new());
            } else {
                parts.last_mut().expect("one part").push(*t);
            }
        }
        parts
    };
    let p = split(policy);
    let v: Vec<&str> = value.splitn(6, ':').collect();
    if p.len() != 6 || v.len() != 6 {
        return false;
    }
    p.iter().zip(v).all(|(pp, vv)| match_tokens(pp, vv, false))
}

/// Seconds since the epoch of an ISO 8601 date or date-time, or of epoch seconds.
fn parse_date(s: &str) -> Option<f64> {
    let s = s.trim();
    if let Ok(n) = s.parse::<f64>() {
        return Some(n);
    }
    let (date, time) = match s.split_once(['T', 't', ' ']) {
        Some((d, t)) => (d, Some(t)),
        None => (s, None),
    };
    let mut d = date.split('-');
    let y: i64 = d.next()?.parse().ok()?;
    let m: i64 = d.next()?.parse().ok()?;
    let day: i64 = d.next()?.parse().ok()?;
    if d.next().is_some() || !(1..=12).contains(&m) || !(1..=31).contains(&day) {
        return None;
    }
    let mut secs = days_from_civil(y, m, day) as f64 * 86_400.0;
    if let Some(t) = time {
        let (clock, offset) = if let Some(c) = t.strip_suffix(['Z', 'z']) {
            (c, 0.0)
        } else if let Some(i) = t.rfind(['+', '-']) {
            let (c, o) = t.split_at(i);
            let sign = if o.starts_with('-') { -1.0 } else { 1.0 };
            let mut hm = o[1..].split(':');
            let h: f64 = hm.next()?.parse().ok()?;
            let mi: f64 = hm.next().unwrap_or("0").parse().ok()?;
            (c, sign * (h * 3600.0 + mi * 60.0))
        } else {
            (t, 0.0)
        };
        let mut c = clock.split(':');
        let h: f64 = c.next()?.parse().ok()?;
        let mi: f64 = c.next()?.parse().ok()?;
        let se: f64 = c.next().unwrap_or("0").parse().ok()?;
        secs += h * 3600.0 + mi * 60.0 + se - offset;
    }
    Some(secs)
}

/// Days since 1970-01-01 of a proleptic Gregorian date (Howard Hinnant's algorithm).
fn days_from_civil(y: i64, m: i64, d: i64) -> i64 {
    let y = if m <= 2 { y - 1 } else { y };
    let era = if y >= 0 { y } else { y - 399 } / 400;
    let yoe = y - era * 400;
    let mp = (m + 9) % 12;
    let doy = (153 * mp + 2) / 5 + d - 1;
    let doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
    era * 146_097 + doe - 719_468
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn dates() {
        assert_eq!(parse_date("1970-01-02"), Some(86_400.0));
        assert_eq!(parse_date("2020-01-01T00:00:00Z"), Some(1_577_836_800.0));
        assert_eq!(
            parse_date("2020-01-01T01:00:00+01:00"),
            Some(1_577_836_800.0)
        );
        assert_eq!(parse_date("1577836800"), Some(1_577_836_800.0));
        assert_eq!(parse_date("yesterday"), None);
    }
}
