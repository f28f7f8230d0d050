use serde_json::Value;

/// CloudFormation's pseudo parameters, which every template can `Ref` without declaring them.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash)]
pub enum Pseudo {
    /// `AWS::AccountId`
    AccountId,
    /// `AWS::Partition`: `aws`, `aws-cn`, `aws-us-gov`, ...
    Partition,
    /// `AWS::Region`
    Region,
    /// `AWS::StackId`
    StackId,
    /// `AWS::StackName`
    StackName,
    /// `AWS::URLSuffix`: `amazonaws.com`, or `amazonaws.com.cn` in China.
    UrlSuffix,
    /// `AWS::NoValue`: removes the property it stands for.
    NoValue,
    /// `AWS::NotificationARNs`
    NotificationArns,
}

impl Pseudo {
    /// Every pseudo parameter.
    pub const ALL: [Pseudo; 8] = [
        Pseudo::AccountId,
        Pseudo::Partition,
        Pseudo::Region,
        Pseudo::StackId,
        Pseudo::StackName,
        Pseudo::UrlSuffix,
        Pseudo::NoValue,
        Pseudo::NotificationArns,
    ];

    /// The name as written in a template.
    pub fn name(self) -> &'static str {
        match self {
            Pseudo::AccountId => "AWS::AccountId",
            Pseudo::Partition => "AWS::Partition",
            Pseudo::Region => "AWS::Region",
            Pseudo::StackId => "AWS::StackId",
            Pseudo::StackName => "AWS::StackName",
            Pseudo::UrlSuffix => "AWS::URLSuffix",
            Pseudo::NoValue => "AWS::NoValue",
            Pseudo::NotificationArns => "AWS::NotificationARNs",
        }
    }

    /// The pseudo parameter named `name`, if it is one.
    pub fn from_name(name: &str) -> Option<Pseudo> {
        Self::ALL.into_iter().find(|p| p.name() == name)
    }
}

/// A value in a template: a literal or one of CloudFormation's intrinsic functions.
///
/// Constructs build their properties from `Expr`s so that a reference can only be written in a
/// form CloudFormation accepts; [`Expr::to_value`] turns it into the template's JSON.
///
/// ```
/// use airgap::template::{Expr, Pseudo};
/// let name = Expr::sub("com.amazonaws.${AWS::Region}.sts");
/// assert_eq!(name.to_value(), serde_json::json!({"Fn::Sub": "com.amazonaws.${AWS::Region}.sts"}));
/// let az = Expr::select(0, Expr::get_azs());
/// assert_eq!(az.to_value(), serde_json::json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]}));
/// assert_eq!(Expr::pseudo(Pseudo::Region).to_value(), serde_json::json!({"Ref": "AWS::Region"}));
/// ```
#[derive(Debug, Clone, PartialEq)]
pub enum Expr {
    /// Any literal JSON (strings, numbers, booleans, objects such as policy documents).
    Literal(Value),
    /// A list of values.
    List(Vec<Expr>),
    /// `Ref` to a resource, parameter or pseudo parameter.
    Ref(String),
    /// `Fn::GetAtt` of a resource's attribute.
    GetAtt(String, String),
    /// `Fn::Sub` with the template's own names as variables.
    Sub(String),
    /// `Fn::Join` of values with a delimiter.
    Join(String, Vec<Expr>),
    /// `Fn::Join` of a list-valued expression (a `CommaDelimitedList` parameter, ...).
    JoinList(String, Box<Expr>),
    /// `Fn::Select` of the n-th element of a list.
    Select(u32, Box<Expr>),
    /// `Fn::Split` of a string by a delimiter, giving a list.
    Split(String, Box<Expr>),
    /// `Fn::GetAZs` of the stack's region.
    GetAzs,
    /// `Fn::Cidr`: `count` blocks of `2^cidr_bits` addresses carved from a block.
    Cidr {
        /// The block to carve from.
        block: Box<Expr>,
        /// How many blocks.
        count: u32,
        /// Host bits of each block (32 minus the prefix length).
        cidr_bits: u32,
    },
    /// `Fn::ImportValue` of another stack's export.
    ImportValue(Box<Expr>),
    /// `Fn::If` on a named condition.
    If(String, Box<Expr>, Box<Expr>),
    /// `Fn::Equals`, for conditions and rules.
    Equals(Box<Expr>, Box<Expr>),
    /// `Fn::Not`, for conditions and rules.
    Not(Box<Expr>),
    /// `Fn::And`, for conditions and rules.
    And(Vec<Expr>),
    /// `Fn::Or`, for conditions and rules.
    Or(Vec<Expr>),
    /// `Fn::Contains [list, value]`: whether `value` is one of `list`; only in rules, such as
    /// a Service Catalog launch rule's assertions.
    Contains(Box<Expr>, Box<Expr>),
}

impl Expr {
    /// A string literal.
    pub fn str(s: impl Into<String>) -> Self {
        Expr::Literal(Value::String(s.into()))
    }

    /// A `Ref` to a logical ID or parameter.
    pub fn ref_(id: impl Into<String>) -> Self {
        Expr::Ref(id.into())
    }

    /// A `Ref` to a pseudo parameter.
    pub fn pseudo(p: Pseudo) -> Self {
        Expr::Ref(p.name().to_string())
    }

    /// `Fn::GetAtt [id, attribute]`.
    pub fn get_att(id: impl Into<String>, attribute: impl Into<String>) -> Self {
        Expr::GetAtt(id.into(), attribute.into())
    }

    /// `Fn::Sub` of a string, or the plain string when it has no `${...}` to substitute.
    pub fn sub(s: impl Into<String>) -> Self {
        let s = s.into();
        if sub_variables(&s).next().is_none() {
            Expr::str(s)
        } else {
            Expr::Sub(s)
        }
    }

    /// `Fn::Select [index, list]`.
    pub fn select(index: u32, list: Expr) -> Self {
        Expr::Select(index, Box::new(list))
    }

    /// `Fn::GetAZs ""`: the zones of the region the stack is launched in.
    pub fn get_azs() -> Self {
        Expr::GetAzs
    }

    /// `Fn::ImportValue` of an export name.
    pub fn import_value(name: Expr) -> Self {
        Expr::ImportValue(Box::new(name))
    }

    /// `Fn::Equals [a, b]`.
    ///
    /// ```
    /// use airgap::template::Expr;
    /// let prod = Expr::equals(Expr::ref_("EnvType"), Expr::str("prod"));
    /// assert_eq!(prod.to_value(), serde_json::json!({"Fn::Equals": [{"Ref": "EnvType"}, "prod"]}));
    /// let other = Expr::not_(prod);
    /// assert_eq!(other.to_value()["Fn::Not"][0]["Fn::Equals"][1], "prod");
    /// ```
    pub fn equals(a: Expr, b: Expr) -> Self {
        Expr::Equals(Box::new(a), Box::new(b))
    }

    /// `Fn::Not [condition]`.
    pub fn not_(condition: Expr) -> Self {
        Expr::Not(Box::new(condition))
    }

    /// `Fn::And` of conditions (CloudFormation takes 2 to 10).
    pub fn and(conditions: impl IntoIterator<Item = Expr>) -> Self {
        Expr::And(conditions.into_iter().collect())
    }

    /// `Fn::Or` of conditions (CloudFormation takes 2 to 10).
    pub fn or(conditions: impl IntoIterator<Item = Expr>) -> Self {
        Expr::Or(conditions.into_iter().collect())
    }

    /// `Fn::Contains [list, value]`, a rule function: whether `value` is one of `list`.
    ///
    /// ```
    /// use airgap::template::Expr;
    /// let zones = Expr::contains(["2", "3"].map(Expr::str), Expr::ref_("Zones"));
    /// assert_eq!(zones.to_value(), serde_json::json!({"Fn::Contains": [["2", "3"], {"Ref": "Zones"}]}));
    /// ```
    pub fn contains(list: impl IntoIterator<Item = Expr>, value: Expr) -> Self {
        Expr::Contains(
            Box::new(Expr::List(list.into_iter().collect())),
            Box::new(value),
        )
    }

    /// `Fn::If [condition, then, else]`.
    pub fn if_(condition: impl Into<String>, then: Expr, otherwise: Expr) -> Self {
        Expr::If(condition.into(), Box::new(then), Box::new(otherwise))
    }

    /// The JSON that CloudFormation reads.
    pub fn to_value(&self) -> Value {
        let pair = |a: Value, b: Value| Value::Array(vec![a, b]);
        match self {
            Expr::Literal(v) => v.clone(),
            Expr::List(items) => Value::Array(items.iter().map(Expr::to_value).collect()),
            Expr::Ref(id) => function("Ref", id.as_str().into()),
            Expr::GetAtt(id, attr) => {
                function("Fn::GetAtt", pair(id.as_str().into(), attr.as_str().into()))
            }
            Expr::Sub(s) => function("Fn::Sub", s.as_str().into()),
            Expr::Join(delim, items) => function(
                "Fn::Join",
                pair(
                    delim.as_str().into(),
                    Value::Array(items.iter().map(Expr::to_value).collect()),
                ),
            ),
            Expr::JoinList(delim, list) => {
                function("Fn::Join", pair(delim.as_str().into(), list.to_value()))
            }
            Expr::Select(i, list) => function("Fn::Select", pair((*i).into(), list.to_value())),
            Expr::Split(delim, s) => {
                function("Fn::Split", pair(delim.as_str().into(), s.to_value()))
            }
            Expr::GetAzs => function("Fn::GetAZs", "".into()),
            Expr::Cidr {
                block,
                count,
                cidr_bits,
            } => function(
                "Fn::Cidr",
                Value::Array(vec![block.to_value(), (*count).into(), (*cidr_bits).into()]),
            ),
            Expr::ImportValue(name) => function("Fn::ImportValue", name.to_value()),
            Expr::If(cond, a, b) => function(
                "Fn::If",
                Value::Array(vec![cond.as_str().into(), a.to_value(), b.to_value()]),
            ),
            Expr::Equals(a, b) => function("Fn::Equals", pair(a.to_value(), b.to_value())),
            Expr::Not(c) => function("Fn::Not", Value::Array(vec![c.to_value()])),
            Expr::And(cs) => function(
                "Fn::And",
                Value::Array(cs.iter().map(Expr::to_value).collect()),
            ),
            Expr::Or(cs) => function(
                "Fn::Or",
                Value::Array(cs.iter().map(Expr::to_value).collect()),
            ),
            Expr::Contains(list, value) => {
                function("Fn::Contains", pair(list.to_value(), value.to_value()))
            }
        }
    }

    /// The literal string this expression stands for, if it is one.
    pub fn as_literal_str(&self) -> Option<&str> {
        match self {
            Expr::Literal(Value::String(s)) => Some(s),
            _ => None,
        }
    }
}

/// `{name: argument}`, the one-key object of an intrinsic function. Made with room for its
/// one entry: `json!` starts an empty map, which grows to four entries of over a hundred bytes
/// each on its first insert, and a template holds hundreds of these.
fn function(name: &str, argument: Value) -> Value {
    let mut object = serde_json::Map::with_capacity(1);
    object.insert(name.to_owned(), argument);
    Value::Object(object)
}

impl From<&str> for Expr {
    fn from(s: &str) -> Self {
        Expr::str(s)
    }
}

impl From<String> for Expr {
    fn from(s: String) -> Self {
        Expr::str(s)
    }
}

impl From<bool> for Expr {
    fn from(b: bool) -> Self {
        Expr::Literal(Value::Bool(b))
    }
}

impl From<Value> for Expr {
    fn from(v: Value) -> Self {
        Expr::Literal(v)
    }
}

/// The variables named in an `Fn::Sub` string: `${Name}` and `${Name.Attribute}`, but not the
/// escaped `${!Literal}`.
pub fn sub_variables(s: &str) -> impl Iterator<Item = &str> {
    let mut rest = s;
    std::iter::from_fn(move || {
        loop {
            let start = rest.find("${")?;
            let after = &rest[start + 2..];
            let end = after.find('}')?;
            let var = &after[..end];
            rest = &after[end + 1..];
            if !var.starts_with('!') {
                return Some(var);
            }
        }
    })
}

/// Writes an `Fn::Sub` string with each variable (`Name`, `Name.Attribute`, `AWS::Region`)
/// replaced by what `value` gives for it, and each escaped `${!Literal}` written as `${Literal}`,
/// as CloudFormation does. An unterminated `${` is kept as written.
pub fn expand_sub<E>(
    s: &str,
    mut value: impl FnMut(&str) -> Result<String, E>,
) -> Result<String, E> {
    let mut out = String::with_capacity(s.len());
    let mut rest = s;
    while let Some(start) = rest.find("${") {
        out.push_str(&rest[..start]);
        let after = &rest[start + 2..];
        let Some(end) = after.find('}') else {
            out.push_str(&rest[start..]);
            return Ok(out);
        };
        let var = &after[..end];
        match var.strip_prefix('!') {
            Some(literal) => {
                out.push_str("${");
                out.push_str(literal);
                out.push('}');
            }
            None => out.push_str(&value(var)?),
        }
        rest = &after[end + 1..];
    }
    out.push_str(rest);
    Ok(out)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sub_variables_skip_escapes() {
        let vars: Vec<_> =
            sub_variables("arn:${AWS::Partition}:s3:::${Bucket}/${!literal}/${Role.Arn}").collect();
        assert_eq!(vars, ["AWS::Partition", "Bucket", "Role.Arn"]);
    }

    #[test]
    fn expand_sub_replaces_variables_and_unescapes_literals() {
        let out: Result<String, ()> =
            expand_sub("a-${X}-${!aws:username}-${AWS::Region}-${", |v| {
                Ok(format!("<{v}>"))
            });
        assert_eq!(out.unwrap(), "a-<X>-${aws:username}-<AWS::Region>-${");
    }

    #[test]
    fn sub_without_variables_is_a_plain_string() {
        assert_eq!(Expr::sub("plain"), Expr::str("plain"));
    }
}
