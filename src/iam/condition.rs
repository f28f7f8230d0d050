//! The `Condition` element of a statement: operators with their set and `IfExists` forms,
//! context keys, and conditions. How a condition is evaluated is in `conditions.rs`.

use crate::error::{Error, Location, Result};
use crate::template::Expr;

/// A condition operator, with its set (`ForAllValues:`/`ForAnyValue:`) and `IfExists` forms.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum ConditionOperator {
    /// `StringEquals`
    StringEquals,
    /// `StringNotEquals`
    StringNotEquals,
    /// `StringEqualsIgnoreCase`
    StringEqualsIgnoreCase,
    /// `StringNotEqualsIgnoreCase`
    StringNotEqualsIgnoreCase,
    /// `StringLike`
    StringLike,
    /// `StringNotLike`
    StringNotLike,
    /// `NumericEquals`
    NumericEquals,
    /// `NumericNotEquals`
    NumericNotEquals,
    /// `NumericLessThan`
    NumericLessThan,
    /// `NumericLessThanEquals`
    NumericLessThanEquals,
    /// `NumericGreaterThan`
    NumericGreaterThan,
    /// `NumericGreaterThanEquals`
    NumericGreaterThanEquals,
    /// `DateEquals`
    DateEquals,
    /// `DateNotEquals`
    DateNotEquals,
    /// `DateLessThan`
    DateLessThan,
    /// `DateLessThanEquals`
    DateLessThanEquals,
    /// `DateGreaterThan`
    DateGreaterThan,
    /// `DateGreaterThanEquals`
    DateGreaterThanEquals,
    /// `Bool`
    Bool,
    /// `BinaryEquals`
    BinaryEquals,
    /// `IpAddress`
    IpAddress,
    /// `NotIpAddress`
    NotIpAddress,
    /// `ArnEquals`
    ArnEquals,
    /// `ArnLike`
    ArnLike,
    /// `ArnNotEquals`
    ArnNotEquals,
    /// `ArnNotLike`
    ArnNotLike,
    /// `Null`
    Null,
}

impl ConditionOperator {
    /// For a negated operator (`StringNotEquals`, `NotIpAddress`, ...), the positive one it is
    /// the opposite of; `None` for the others (`Null` included).
    ///
    /// ```
    /// use airgap::iam::ConditionOperator as Op;
    /// assert_eq!(Op::NotIpAddress.positive(), Some(Op::IpAddress));
    /// assert_eq!(Op::StringEquals.positive(), None);
    /// ```
    pub fn positive(self) -> Option<ConditionOperator> {
        Some(match self {
            Self::StringNotEquals => Self::StringEquals,
            Self::StringNotEqualsIgnoreCase => Self::StringEqualsIgnoreCase,
            Self::StringNotLike => Self::StringLike,
            Self::NumericNotEquals => Self::NumericEquals,
            Self::DateNotEquals => Self::DateEquals,
            Self::NotIpAddress => Self::IpAddress,
            Self::ArnNotEquals => Self::ArnEquals,
            Self::ArnNotLike => Self::ArnLike,
            _ => return None,
        })
    }

    /// Every operator.
    pub const ALL: [ConditionOperator; 27] = [
        Self::StringEquals,
        Self::StringNotEquals,
        Self::StringEqualsIgnoreCase,
        Self::StringNotEqualsIgnoreCase,
        Self::StringLike,
        Self::StringNotLike,
        Self::NumericEquals,
        Self::NumericNotEquals,
        Self::NumericLessThan,
        Self::NumericLessThanEquals,
        Self::NumericGreaterThan,
        Self::NumericGreaterThanEquals,
        Self::DateEquals,
        Self::DateNotEquals,
        Self::DateLessThan,
        Self::DateLessThanEquals,
        Self::DateGreaterThan,
        Self::DateGreaterThanEquals,
        Self::Bool,
        Self::BinaryEquals,
        Self::IpAddress,
        Self::NotIpAddress,
        Self::ArnEquals,
        Self::ArnLike,
        Self::ArnNotEquals,
        Self::ArnNotLike,
        Self::Null,
    ];

    /// The operator's name as written in a policy.
    pub fn name(self) -> &'static str {
        match self {
            Self::StringEquals => "StringEquals",
            Self::StringNotEquals => "StringNotEquals",
            Self::StringEqualsIgnoreCase => "StringEqualsIgnoreCase",
            Self::StringNotEqualsIgnoreCase => "StringNotEqualsIgnoreCase",
            Self::StringLike => "StringLike",
            Self::StringNotLike => "StringNotLike",
            Self::NumericEquals => "NumericEquals",
            Self::NumericNotEquals => "NumericNotEquals",
            Self::NumericLessThan => "NumericLessThan",
            Self::NumericLessThanEquals => "NumericLessThanEquals",
            Self::NumericGreaterThan => "NumericGreaterThan",
            Self::NumericGreaterThanEquals => "NumericGreaterThanEquals",
            Self::DateEquals => "DateEquals",
            Self::DateNotEquals => "DateNotEquals",
            Self::DateLessThan => "DateLessThan",
            Self::DateLessThanEquals => "DateLessThanEquals",
            Self::DateGreaterThan => "DateGreaterThan",
            Self::DateGreaterThanEquals => "DateGreaterThanEquals",
            Self::Bool => "Bool",
            Self::BinaryEquals => "BinaryEquals",
            Self::IpAddress => "IpAddress",
            Self::NotIpAddress => "NotIpAddress",
            Self::ArnEquals => "ArnEquals",
            Self::ArnLike => "ArnLike",
            Self::ArnNotEquals => "ArnNotEquals",
            Self::ArnNotLike => "ArnNotLike",
            Self::Null => "Null",
        }
    }

    /// The operator called `name`, if there is one.
    pub fn from_name(name: &str) -> Option<Self> {
        Self::ALL.into_iter().find(|o| o.name() == name)
    }
}

/// Whether a condition applies to each value of a multivalued key.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum SetQualifier {
    /// `ForAllValues:`
    ForAllValues,
    /// `ForAnyValue:`
    ForAnyValue,
}

/// A condition key such as `aws:PrincipalAccount` or `sagemaker:VpcSubnets`.
#[derive(Debug, Clone, PartialEq, Eq, Hash)]
pub struct ConditionKey(String);

impl ConditionKey {
    /// `aws:PrincipalAccount`: the account of the caller.
    pub const PRINCIPAL_ACCOUNT: &'static str = "aws:PrincipalAccount";
    /// `aws:PrincipalOrgID`: the organization of the caller.
    pub const PRINCIPAL_ORG_ID: &'static str = "aws:PrincipalOrgID";
    /// `aws:ResourceAccount`: the account that owns the resource.
    pub const RESOURCE_ACCOUNT: &'static str = "aws:ResourceAccount";
    /// `aws:ResourceOrgID`: the organization of the account that owns the resource.
    pub const RESOURCE_ORG_ID: &'static str = "aws:ResourceOrgID";
    /// `aws:SourceVpce`: the VPC endpoint a request came through.
    pub const SOURCE_VPCE: &'static str = "aws:SourceVpce";
    /// `aws:SourceVpc`: the VPC a request came from.
    pub const SOURCE_VPC: &'static str = "aws:SourceVpc";
    /// `aws:SecureTransport`: whether the request used TLS.
    pub const SECURE_TRANSPORT: &'static str = "aws:SecureTransport";
    /// `aws:SourceAccount`: the account on whose behalf a service acts.
    pub const SOURCE_ACCOUNT: &'static str = "aws:SourceAccount";
    /// `aws:SourceArn`: the resource on whose behalf a service acts.
    pub const SOURCE_ARN: &'static str = "aws:SourceArn";
    /// `aws:SourceIp`: the caller's public IP address (absent for calls through an endpoint).
    pub const SOURCE_IP: &'static str = "aws:SourceIp";
    /// `aws:PrincipalArn`: the ARN of the caller.
    pub const PRINCIPAL_ARN: &'static str = "aws:PrincipalArn";
    /// `sagemaker:VpcSubnets`: the subnets a SageMaker resource is created in (multivalued).
    pub const SAGEMAKER_VPC_SUBNETS: &'static str = "sagemaker:VpcSubnets";
    /// `sagemaker:VpcSecurityGroupIds`: the security groups of a SageMaker resource
    /// (multivalued).
    pub const SAGEMAKER_VPC_SECURITY_GROUP_IDS: &'static str = "sagemaker:VpcSecurityGroupIds";
    /// `sagemaker:DirectInternetAccess`: `Enabled` or `Disabled` for a notebook instance.
    pub const SAGEMAKER_DIRECT_INTERNET_ACCESS: &'static str = "sagemaker:DirectInternetAccess";
    /// `sagemaker:RootAccess`: `Enabled` or `Disabled` for a notebook instance.
    pub const SAGEMAKER_ROOT_ACCESS: &'static str = "sagemaker:RootAccess";

    /// Checks `key` as `prefix:Name`.
    pub fn new(key: impl Into<String>) -> Result<Self> {
        let key = key.into();
        let ok = key.split_once(':').is_some_and(|(p, n)| {
            !p.is_empty()
                && !n.is_empty()
                && p.chars().all(|c| c.is_ascii_alphanumeric() || c == '-')
                && !n.chars().any(char::is_whitespace)
        });
        if ok {
            Ok(Self(key))
        } else {
            Err(Error::parse(
                Location::new("PolicyDocument", "Condition"),
                "condition key",
                key,
                "a condition key is `prefix:Name`, e.g. `aws:PrincipalAccount`",
            ))
        }
    }

    /// The key as written.
    pub fn as_str(&self) -> &str {
        &self.0
    }
}

/// One condition: `operator` over `key` against `values`.
#[derive(Debug, Clone, PartialEq)]
pub struct Condition {
    /// The operator.
    pub operator: ConditionOperator,
    /// `ForAllValues:`/`ForAnyValue:`, for multivalued keys.
    pub set: Option<SetQualifier>,
    /// The `...IfExists` form: the condition holds when the key is absent.
    pub if_exists: bool,
    /// The key.
    pub key: ConditionKey,
    /// The values compared against (any one may match).
    pub values: Vec<Expr>,
    /// Whether the values are written as a list even when there is one.
    pub(super) list: bool,
}

impl Condition {
    /// A condition with one or more values.
    pub fn new(
        operator: ConditionOperator,
        key: &str,
        values: impl IntoIterator<Item = Expr>,
    ) -> Result<Self> {
        Ok(Self {
            operator,
            set: None,
            if_exists: false,
            key: ConditionKey::new(key)?,
            values: values.into_iter().collect(),
            list: false,
        })
    }

    /// `StringEquals` of `key` against one value.
    ///
    /// ```
    /// use airgap::iam::{Condition, ConditionKey};
    /// let c = Condition::string_equals(ConditionKey::SOURCE_VPCE, "vpce-1a2b3c4d")?;
    /// assert_eq!(c.operator_name(), "StringEquals");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn string_equals(key: &str, value: impl Into<Expr>) -> Result<Self> {
        Self::new(ConditionOperator::StringEquals, key, [value.into()])
    }

    /// `StringNotEquals` of `key` against one value.
    pub fn string_not_equals(key: &str, value: impl Into<Expr>) -> Result<Self> {
        Self::new(ConditionOperator::StringNotEquals, key, [value.into()])
    }

    /// `Bool` of `key` against `value`.
    pub fn bool(key: &str, value: bool) -> Result<Self> {
        Self::new(ConditionOperator::Bool, key, [Expr::from(value)])
    }

    /// The `...IfExists` form: the condition also holds when the request lacks the key.
    #[must_use]
    pub fn if_exists(mut self) -> Self {
        self.if_exists = true;
        self
    }

    /// The set form for multivalued keys (`ForAllValues:` or `ForAnyValue:`).
    #[must_use]
    pub fn for_values(mut self, set: SetQualifier) -> Self {
        self.set = Some(set);
        self
    }

    /// The operator as written, e.g. `ForAnyValue:StringLikeIfExists`.
    pub fn operator_name(&self) -> String {
        let set = match self.set {
            Some(SetQualifier::ForAllValues) => "ForAllValues:",
            Some(SetQualifier::ForAnyValue) => "ForAnyValue:",
            None => "",
        };
        let suffix = if self.if_exists { "IfExists" } else { "" };
        format!("{set}{}{suffix}", self.operator.name())
    }
}
