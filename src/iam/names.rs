use std::fmt;

use serde_json::Value;

use crate::error::{Error, Location, Result};
use crate::template::Expr;

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
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-')
        {
            return Err(Error::parse(
                at(),
                "IAM action",
                &action,
                format!("the service prefix `{service}` must be lowercase letters, digits and `-`"),
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
        if !PARTITIONS.contains(&parts[1].as_str()) {
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

    /// The ARN as template JSON (`Fn::Sub` where it names pseudo parameters).
    pub fn to_value(&self) -> Value {
        match &self.0 {
            ArnRepr::Text(s) => Expr::sub(s.clone()).to_value(),
            ArnRepr::Expr(e) => e.to_value(),
        }
    }
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
