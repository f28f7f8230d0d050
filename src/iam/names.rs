use std::fmt;

use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::template::{Expr, Partition};

/// An IAM action such as `s3:GetObject`, `sagemaker:*` or `s3:Get*`, or `*` for every action.
///
/// Only the shape is checked here (`service:Action`, with `*` and `?` wildcards); the names of
/// real actions are checked against the action catalog where one is loaded.
///
/// ```
/// use airgap::iam::Action;
/// assert!(Action::new("s3:GetObject").is_ok());
/// assert!(Action::new("s3GetObject").is_err());
/// ```
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Action(String);

impl Action {
    /// Checks `action` as `service:Action`.
    pub fn new(action: impl Into<String>) -> Result<Self> {
        let action = action.into();
        if action == "*" {
            return Ok(Self(action));
        }
        let at = || Location::new("PolicyDocument", "Action");
        let Some((service, name)) = action.split_once(':') else {
            return Err(Error::parse(
                at(),
                "IAM action",
                &action,
                "an action is `service:Action`, e.g. `s3:GetObject`",
            ));
        };
        if service.is_empty()
            || !service
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '-' || c == '*' || c == '?')
        {
            // "The prefix and the action name are case insensitive" (IAM User Guide, Action).
            return Err(Error::parse(
                at(),
                "IAM action",
                &action,
                format!("the service prefix `{service}` must be letters, digits and `-`"),
            ));
        }
        if name.is_empty()
            || !name
                .chars()
                .all(|c| c.is_ascii_alphanumeric() || c == '*' || c == '?' || c == '-')
        {
            return Err(Error::parse(
                at(),
                "IAM action",
                &action,
                format!(
                    "the action name `{name}` must be letters and digits, with `*` or `?` as wildcards"
                ),
            ));
        }
        Ok(Self(action))
    }

    /// The service prefix (`s3` of `s3:GetObject`), or `*`.
    pub fn service(&self) -> &str {
        self.0.split_once(':').map_or("*", |(s, _)| s)
    }

    /// The action as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

impl fmt::Display for Action {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.0)
    }
}

impl std::str::FromStr for Action {
    type Err = Error;
    fn from_str(s: &str) -> Result<Self> {
        Self::new(s)
    }
}

/// An Amazon Resource Name, partition-aware.
///
/// ARNs made with the helpers use `${AWS::Partition}` (and `${AWS::Region}`,
/// `${AWS::AccountId}` where the resource has them) so a template works in every partition; they
/// are written as `Fn::Sub`. An ARN can also come from a template attribute
/// ([`Arn::from_expr`]), e.g. `Fn::GetAtt [LogGroup, Arn]`.
///
/// ```
/// use airgap::iam::Arn;
/// let bucket = Arn::s3_bucket("my_secure_bucket")?;
/// assert_eq!(bucket.as_text(), Some("arn:${AWS::Partition}:s3:::my_secure_bucket"));
/// assert!(Arn::new("arn:aws:s3").is_err());
/// # Ok::<(), airgap::Error>(())
/// ```
#[derive(Debug, Clone, PartialEq)]
pub struct Arn(ArnRepr);

#[derive(Debug, Clone, PartialEq)]
enum ArnRepr {
    Text(String),
    Expr(Expr),
}

const PARTITIONS: [&str; 4] = ["aws", "aws-cn", "aws-us-gov", "${AWS::Partition}"];

impl Arn {
    /// Parses `arn:partition:service:region:account:resource`.
    pub fn new(arn: impl Into<String>) -> Result<Self> {
        let arn = arn.into();
        let bad = |reason: String| {
            Err(Error::parse(
                Location::new("PolicyDocument", "Resource"),
                "ARN",
                &arn,
                reason,
            ))
        };
        // `${AWS::Partition}` and friends hold colons of their own, so split around them.
        let parts: Vec<String> = match arn.strip_prefix("arn:") {
            Some(rest) => {
                let (partition, tail) = match rest.strip_prefix("${AWS::Partition}:") {
                    Some(tail) => ("${AWS::Partition}", tail),
                    None => rest.split_once(':').unwrap_or((rest, "")),
                };
                let mut v = vec!["arn".to_string(), partition.to_string()];
                v.extend(split_arn_tail(tail, 4));
                v
            }
            None => Vec::new(),
        };
        if parts.len() < 6 || parts[0] != "arn" {
            return bad("an ARN is `arn:partition:service:region:account:resource`".into());
        }
        // A partition may be a pattern (`arn:*:s3:::bucket/*`) that stands for known ones.
        let partition_ok = PARTITIONS.contains(&parts[1].as_str())
            || (parts[1].contains(['*', '?'])
                && PARTITIONS[..3]
                    .iter()
                    .any(|p| crate::iam::wildcard_match(&parts[1], p, false)));
        if !partition_ok {
            return bad(format!(
                "unknown partition `{}`; use aws, aws-cn, aws-us-gov or ${{AWS::Partition}}",
                parts[1]
            ));
        }
        if parts[2].is_empty() {
            return bad("the service is empty".into());
        }
        if parts[5].is_empty() {
            return bad("the resource is empty".into());
        }
        Ok(Self(ArnRepr::Text(arn)))
    }

    /// An ARN computed by the template, such as `Fn::GetAtt [LogGroup, Arn]`.
    pub fn from_expr(expr: Expr) -> Self {
        Self(ArnRepr::Expr(expr))
    }

    /// An S3 bucket: `arn:${AWS::Partition}:s3:::BUCKET`. `*` and `?` may stand in the name.
    pub fn s3_bucket(bucket: &str) -> Result<Self> {
        check_bucket(bucket)?;
        Self::new(format!("arn:${{AWS::Partition}}:s3:::{bucket}"))
    }

    /// Every object in a bucket: `arn:${AWS::Partition}:s3:::BUCKET/*`.
    pub fn s3_objects(bucket: &str) -> Result<Self> {
        check_bucket(bucket)?;
        Self::new(format!("arn:${{AWS::Partition}}:s3:::{bucket}/*"))
    }

    /// The objects under a key prefix: `arn:${AWS::Partition}:s3:::BUCKET/PREFIX*`.
    pub fn s3_prefix(bucket: &str, prefix: &str) -> Result<Self> {
        check_bucket(bucket)?;
        Self::new(format!("arn:${{AWS::Partition}}:s3:::{bucket}/{prefix}*"))
    }

    /// The account's root principal: `arn:${AWS::Partition}:iam::${AWS::AccountId}:root`.
    pub fn account_root() -> Self {
        Self(ArnRepr::Text(
            "arn:${AWS::Partition}:iam::${AWS::AccountId}:root".into(),
        ))
    }

    /// Log groups of this account and region matching `name` (`*` for all).
    pub fn log_group(name: &str) -> Result<Self> {
        Self::new(format!(
            "arn:${{AWS::Partition}}:logs:${{AWS::Region}}:${{AWS::AccountId}}:log-group:{name}"
        ))
    }

    /// A SageMaker resource of this account and region, e.g. (`notebook-instance`, `*`).
    pub fn sagemaker(resource_type: &str, name: &str) -> Result<Self> {
        Self::new(format!(
            "arn:${{AWS::Partition}}:sagemaker:${{AWS::Region}}:${{AWS::AccountId}}:{resource_type}/{name}"
        ))
    }

    /// A KMS key of this account and region by key ID.
    pub fn kms_key(key_id: &str) -> Result<Self> {
        Self::new(format!(
            "arn:${{AWS::Partition}}:kms:${{AWS::Region}}:${{AWS::AccountId}}:key/{key_id}"
        ))
    }

    /// The ARN text, when it is not computed by the template.
    pub fn as_text(&self) -> Option<&str> {
        match &self.0 {
            ArnRepr::Text(s) => Some(s),
            ArnRepr::Expr(_) => None,
        }
    }

    /// The ARN as template JSON: `Fn::Sub` where it names pseudo parameters or template
    /// names (policy variables such as `${aws:username}` are escaped as `${!aws:username}`
    /// there), a plain string otherwise.
    pub fn to_value(&self) -> Value {
        match &self.0 {
            ArnRepr::Text(s) => text_to_value(s),
            ArnRepr::Expr(e) => e.to_value(),
        }
    }

    /// The template expression, when the ARN is computed by the template.
    pub fn as_expr(&self) -> Option<&Expr> {
        match &self.0 {
            ArnRepr::Text(_) => None,
            ArnRepr::Expr(e) => Some(e),
        }
    }

    /// The six parts `arn`, partition, service, region, account, resource of a textual ARN
    /// (template names such as `${AWS::Region}` stay as written).
    ///
    /// ```
    /// use airgap::iam::Arn;
    /// let key = Arn::kms_key("1234abcd")?;
    /// let parts = key.parts().unwrap();
    /// assert_eq!(parts[2], "kms");
    /// assert_eq!(parts[5], "key/1234abcd");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn parts(&self) -> Option<[String; 6]> {
        let text = self.as_text()?;
        split_arn(text)
    }

    /// The partition as written (`aws`, `aws-cn`, `aws-us-gov` or `${AWS::Partition}`).
    pub fn partition(&self) -> Option<String> {
        self.parts().map(|p| p[1].clone())
    }

    /// The service (`s3`, `kms`, ...).
    pub fn service(&self) -> Option<String> {
        self.parts().map(|p| p[2].clone())
    }

    /// The same ARN pinned to `partition`: `${AWS::Partition}` becomes its name.
    ///
    /// ```
    /// use airgap::iam::Arn;
    /// use airgap::template::Partition;
    /// let bucket = Arn::s3_bucket("data")?.in_partition(Partition::AwsCn);
    /// assert_eq!(bucket.as_text(), Some("arn:aws-cn:s3:::data"));
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn in_partition(&self, partition: Partition) -> Self {
        match &self.0 {
            ArnRepr::Text(s) => Self(ArnRepr::Text(
                s.replace("${AWS::Partition}", partition.name()),
            )),
            ArnRepr::Expr(_) => self.clone(),
        }
    }

    /// A SageMaker notebook instance of this account and region (`*` for all).
    pub fn sagemaker_notebook_instance(name: &str) -> Result<Self> {
        Self::sagemaker("notebook-instance", name)
    }

    /// A SageMaker training job of this account and region (`*` for all).
    pub fn sagemaker_training_job(name: &str) -> Result<Self> {
        Self::sagemaker("training-job", name)
    }
}

/// Whether `${var}` in an ARN or condition value is an IAM policy variable (`aws:username`,
/// `${*}`) rather than a CloudFormation name (`AWS::Region`, `Bucket`, `Role.Arn`).
pub(crate) fn is_policy_variable(var: &str) -> bool {
    matches!(var, "*" | "?" | "$") || (var.contains(':') && !var.contains("::"))
}

/// A string that may hold template names: `Fn::Sub` if it does (with policy variables escaped),
/// the plain string if it does not.
pub(crate) fn text_to_value(s: &str) -> Value {
    let has_template_name = crate::template::sub_variables(s).any(|v| !is_policy_variable(v));
    if !has_template_name {
        return Value::String(s.to_string());
    }
    let mut out = String::new();
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        match after.find('}') {
            Some(end) if is_policy_variable(&after[..end]) => {
                out.push_str("${!");
                out.push_str(&after[..=end]);
                rest = &after[end + 1..];
            }
            Some(end) => {
                out.push_str(&rest[start..start + 2 + end + 1]);
                rest = &after[end + 1..];
            }
            None => {
                out.push_str(&rest[start..]);
                rest = "";
            }
        }
    }
    out.push_str(rest);
    Expr::Sub(out).to_value()
}

/// The text an `Fn::Sub` string stands for in a policy: `${!x}` unescaped to `${x}`.
pub(crate) fn unescape_sub(s: &str) -> String {
    s.replace("${!", "${")
}

fn split_arn(arn: &str) -> Option<[String; 6]> {
    let rest = arn.strip_prefix("arn:")?;
    let (partition, tail) = match rest.strip_prefix("${AWS::Partition}:") {
        Some(tail) => ("${AWS::Partition}", tail),
        None => rest.split_once(':')?,
    };
    let tail = split_arn_tail(tail, 4);
    if tail.len() < 4 {
        return None;
    }
    let mut it = tail.into_iter();
    Some([
        "arn".to_string(),
        partition.to_string(),
        it.next()?,
        it.next()?,
        it.next()?,
        it.next()?,
    ])
}

fn split_arn_tail(rest: &str, n: usize) -> Vec<String> {
    // The tail may itself hold `${AWS::Region}` and `${AWS::AccountId}`: protect them.
    let protected = rest
        .replace("${AWS::Region}", "\u{1}R")
        .replace("${AWS::AccountId}", "\u{1}A");
    protected
        .splitn(n, ':')
        .map(|p| {
            p.replace("\u{1}R", "${AWS::Region}")
                .replace("\u{1}A", "${AWS::AccountId}")
        })
        .collect()
}

fn check_bucket(bucket: &str) -> Result<()> {
    let ok = (3..=255).contains(&bucket.len())
        && bucket
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || matches!(c, '.' | '-' | '_' | '*' | '?'));
    if ok {
        Ok(())
    } else {
        Err(Error::parse(
            Location::new("PolicyDocument", "Resource"),
            "S3 bucket name",
            bucket,
            "bucket names are 3 to 255 letters, digits, `.`, `-` or `_` (`*` and `?` as wildcards)",
        ))
    }
}
