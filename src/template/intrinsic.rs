//! Intrinsic functions read back from a template's JSON: the one place that knows that
//! `{"Ref": "Vpc"}`, `{"Fn::Sub": [...]}` or `{"Fn::If": [...]}` are function calls, what
//! their arguments look like, and which YAML short-form tag each one has.
//!
//! Builders write typed [`Expr`](super::Expr)s; everything that reads a template (the checks,
//! the reachability model, the policy evaluator, the diff) sees its values through
//! [`Intrinsic::classify`] instead of matching keys by hand.

use serde_json::{Map, Value};

/// The intrinsic functions and conditions that have a YAML short form: the tag and the long
/// name it stands for. The YAML reader turns each tag into its long form and the YAML writer
/// writes each long form with its tag, so the two always agree.
pub(crate) const SHORT_FORMS: &[(&str, &str)] = &[
    ("!Ref", "Ref"),
    ("!Condition", "Condition"),
    ("!GetAtt", "Fn::GetAtt"),
    ("!Sub", "Fn::Sub"),
    ("!If", "Fn::If"),
    ("!Select", "Fn::Select"),
    ("!GetAZs", "Fn::GetAZs"),
    ("!ImportValue", "Fn::ImportValue"),
    ("!Join", "Fn::Join"),
    ("!Split", "Fn::Split"),
    ("!Equals", "Fn::Equals"),
    ("!Not", "Fn::Not"),
    ("!And", "Fn::And"),
    ("!Or", "Fn::Or"),
    ("!FindInMap", "Fn::FindInMap"),
    ("!Base64", "Fn::Base64"),
    ("!Cidr", "Fn::Cidr"),
    ("!Length", "Fn::Length"),
    ("!ToJsonString", "Fn::ToJsonString"),
    ("!Transform", "Fn::Transform"),
    ("!ForEach", "Fn::ForEach"),
    // The functions of a template's `Rules` section.
    ("!Contains", "Fn::Contains"),
    ("!EachMemberEquals", "Fn::EachMemberEquals"),
    ("!EachMemberIn", "Fn::EachMemberIn"),
    ("!RefAll", "Fn::RefAll"),
    ("!ValueOf", "Fn::ValueOf"),
    ("!ValueOfAll", "Fn::ValueOfAll"),
];

/// The long name a short-form tag (`GetAtt`, as YAML gives the tag's suffix) stands for.
pub(crate) fn long_name(tag: &str) -> Option<&'static str> {
    SHORT_FORMS
        .iter()
        .find(|(t, _)| t.strip_prefix('!') == Some(tag))
        .map(|(_, l)| *l)
}

/// The short-form tag (`!GetAtt`) of a function's long name (`Fn::GetAtt`).
pub(crate) fn short_tag(long_name: &str) -> Option<&'static str> {
    SHORT_FORMS
        .iter()
        .find(|(_, l)| *l == long_name)
        .map(|(t, _)| *t)
}

/// Whether `key`, as the only key of a mapping, makes the mapping a function call: `Ref`,
/// `Condition` or any `Fn::...`.
pub fn is_function_name(key: &str) -> bool {
    key == "Ref" || key == "Condition" || key.starts_with("Fn::")
}

/// The attribute of an `Fn::GetAtt`: a name, or (rarely) a value computed by a function.
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Attribute<'a> {
    /// `Arn`, `CidrBlock`, `Endpoint.Address`, ...
    Name(&'a str),
    /// A name given by a function, e.g. `{"Ref": "AttributeParameter"}`.
    Computed(&'a Value),
}

impl<'a> Attribute<'a> {
    /// The attribute's name, when it is written as one.
    pub fn name(self) -> Option<&'a str> {
        match self {
            Attribute::Name(n) => Some(n),
            Attribute::Computed(_) => None,
        }
    }
}

/// One intrinsic function call (or condition reference) of a template, borrowed from its JSON.
///
/// A variant is given only when the argument has the shape CloudFormation documents; a call
/// whose argument does not (or a function this model does not read) is [`Intrinsic::Other`],
/// so that no reader has to trust the shape of user input.
///
/// ```
/// use airgap::template::Intrinsic;
/// let v = serde_json::json!({"Fn::GetAtt": ["Vpc", "CidrBlock"]});
/// match Intrinsic::classify(&v) {
///     Some(Intrinsic::GetAtt { resource, attribute }) => {
///         assert_eq!(resource, "Vpc");
///         assert_eq!(attribute.name(), Some("CidrBlock"));
///     }
///     other => panic!("{other:?}"),
/// }
/// assert!(Intrinsic::classify(&serde_json::json!("plain")).is_none());
/// ```
#[derive(Debug, Clone, Copy, PartialEq)]
pub enum Intrinsic<'a> {
    /// `Ref` to a resource, parameter or pseudo parameter.
    Ref(&'a str),
    /// `Fn::GetAtt [resource, attribute]`, or its `resource.attribute` string form (split at the
    /// first dot, as CloudFormation splits the short form).
    GetAtt {
        /// The resource's logical ID.
        resource: &'a str,
        /// The attribute.
        attribute: Attribute<'a>,
    },
    /// `Fn::Sub text` or `Fn::Sub [text, {variables}]`.
    Sub {
        /// The text with `${...}` variables.
        text: &'a str,
        /// The variables given with the text, if any.
        variables: Option<&'a Map<String, Value>>,
    },
    /// `Fn::Join [delimiter, list]`; the list is a JSON list or a function giving one.
    Join {
        /// The delimiter.
        delimiter: &'a str,
        /// The values joined.
        list: &'a Value,
    },
    /// `Fn::Select [index, list]`.
    Select {
        /// The index (a number, a numeric string or a function).
        index: &'a Value,
        /// The list selected from.
        list: &'a Value,
    },
    /// `Fn::Split [delimiter, source]`.
    Split {
        /// The delimiter.
        delimiter: &'a str,
        /// The string split.
        source: &'a Value,
    },
    /// `Fn::If [condition, then, else]`.
    If {
        /// The condition's name.
        condition: &'a str,
        /// The value when the condition holds.
        then: &'a Value,
        /// The value when it does not.
        otherwise: &'a Value,
    },
    /// `Fn::GetAZs region` (`""` for the stack's region).
    GetAzs(&'a Value),
    /// `Fn::Cidr [block, count, bits]`.
    Cidr {
        /// The block carved from.
        block: &'a Value,
        /// How many blocks.
        count: &'a Value,
        /// Host bits of each block.
        bits: &'a Value,
    },
    /// `Fn::ImportValue name`.
    ImportValue(&'a Value),
    /// `Fn::FindInMap [map, top-level key, second-level key]` (and an optional default).
    FindInMap(&'a [Value]),
    /// `Fn::Base64 value`.
    Base64(&'a Value),
    /// `Fn::ToJsonString value`.
    ToJsonString(&'a Value),
    /// `Fn::Length list`.
    Length(&'a Value),
    /// `Fn::Equals [a, b]`.
    Equals(&'a Value, &'a Value),
    /// `Fn::Not [condition]`.
    Not(&'a Value),
    /// `Fn::And [conditions]`.
    And(&'a [Value]),
    /// `Fn::Or [conditions]`.
    Or(&'a [Value]),
    /// `Condition name`: a condition used inside another.
    Condition(&'a str),
    /// Any other call: a function of a template's `Rules` (`Fn::Contains`, `Fn::ValueOf`, ...),
    /// `Fn::Transform`, `Fn::ForEach::...`, or a known function whose argument does not have
    /// CloudFormation's shape.
    Other {
        /// The function's name as written (`Fn::Contains`).
        function: &'a str,
        /// Its argument.
        arg: &'a Value,
    },
}

impl<'a> Intrinsic<'a> {
    /// The function call `v` is: a mapping with one key, `Ref`, `Condition` or `Fn::...`.
    /// `None` for anything else (literals, lists, ordinary mappings).
    pub fn classify(v: &'a Value) -> Option<Intrinsic<'a>> {
        let Value::Object(m) = v else { return None };
        if m.len() != 1 {
            return None;
        }
        let (function, arg) = m.iter().next()?;
        let function = function.as_str();
        if !is_function_name(function) {
            return None;
        }
        Some(Self::read(function, arg).unwrap_or(Intrinsic::Other { function, arg }))
    }

    /// The typed call, when `arg` has the shape `function` takes.
    fn read(function: &'a str, arg: &'a Value) -> Option<Intrinsic<'a>> {
        let list = arg.as_array().map(Vec::as_slice);
        Some(match function {
            "Ref" => Intrinsic::Ref(arg.as_str()?),
            "Condition" => Intrinsic::Condition(arg.as_str()?),
            "Fn::GetAtt" => match arg {
                Value::String(s) => {
                    let (resource, attribute) = s.split_once('.')?;
                    Intrinsic::GetAtt {
                        resource,
                        attribute: Attribute::Name(attribute),
                    }
                }
                _ => match list? {
                    [Value::String(resource), attribute] => Intrinsic::GetAtt {
                        resource,
                        attribute: match attribute {
                            Value::String(a) => Attribute::Name(a),
                            computed => Attribute::Computed(computed),
                        },
                    },
                    _ => return None,
                },
            },
            "Fn::Sub" => match arg {
                Value::String(text) => Intrinsic::Sub {
                    text,
                    variables: None,
                },
                _ => match list? {
                    [Value::String(text)] => Intrinsic::Sub {
                        text,
                        variables: None,
                    },
                    [Value::String(text), Value::Object(vars)] => Intrinsic::Sub {
                        text,
                        variables: Some(vars),
                    },
                    _ => return None,
                },
            },
            "Fn::Join" => match list? {
                [Value::String(delimiter), list] => Intrinsic::Join { delimiter, list },
                _ => return None,
            },
            "Fn::Select" => match list? {
                [index, list] => Intrinsic::Select { index, list },
                _ => return None,
            },
            "Fn::Split" => match list? {
                [Value::String(delimiter), source] => Intrinsic::Split { delimiter, source },
                _ => return None,
            },
            "Fn::If" => match list? {
                [Value::String(condition), then, otherwise] => Intrinsic::If {
                    condition,
                    then,
                    otherwise,
                },
                _ => return None,
            },
            "Fn::GetAZs" => Intrinsic::GetAzs(arg),
            "Fn::Cidr" => match list? {
                [block, count, bits] => Intrinsic::Cidr { block, count, bits },
                _ => return None,
            },
            "Fn::ImportValue" => Intrinsic::ImportValue(arg),
            "Fn::FindInMap" => match list? {
                args @ ([_, _, _] | [_, _, _, _]) => Intrinsic::FindInMap(args),
                _ => return None,
            },
            "Fn::Base64" => Intrinsic::Base64(arg),
            "Fn::ToJsonString" => Intrinsic::ToJsonString(arg),
            "Fn::Length" => Intrinsic::Length(arg),
            "Fn::Equals" => match list? {
                [a, b] => Intrinsic::Equals(a, b),
                _ => return None,
            },
            "Fn::Not" => match list? {
                [c] => Intrinsic::Not(c),
                _ => return None,
            },
            "Fn::And" => Intrinsic::And(list?),
            "Fn::Or" => Intrinsic::Or(list?),
            _ => return None,
        })
    }

    /// The function's name as written: `Ref`, `Condition`, `Fn::Sub`, ...
    pub fn function(&self) -> &'a str {
        match self {
            Intrinsic::Ref(_) => "Ref",
            Intrinsic::GetAtt { .. } => "Fn::GetAtt",
            Intrinsic::Sub { .. } => "Fn::Sub",
            Intrinsic::Join { .. } => "Fn::Join",
            Intrinsic::Select { .. } => "Fn::Select",
            Intrinsic::Split { .. } => "Fn::Split",
            Intrinsic::If { .. } => "Fn::If",
            Intrinsic::GetAzs(_) => "Fn::GetAZs",
            Intrinsic::Cidr { .. } => "Fn::Cidr",
            Intrinsic::ImportValue(_) => "Fn::ImportValue",
            Intrinsic::FindInMap(_) => "Fn::FindInMap",
            Intrinsic::Base64(_) => "Fn::Base64",
            Intrinsic::ToJsonString(_) => "Fn::ToJsonString",
            Intrinsic::Length(_) => "Fn::Length",
            Intrinsic::Equals(..) => "Fn::Equals",
            Intrinsic::Not(_) => "Fn::Not",
            Intrinsic::And(_) => "Fn::And",
            Intrinsic::Or(_) => "Fn::Or",
            Intrinsic::Condition(_) => "Condition",
            Intrinsic::Other { function, .. } => function,
        }
    }

    /// The logical ID a `Ref` or `Fn::GetAtt` points at.
    pub fn target(&self) -> Option<&'a str> {
        match *self {
            Intrinsic::Ref(name) => Some(name),
            Intrinsic::GetAtt { resource, .. } => Some(resource),
            _ => None,
        }
    }
}

/// The logical ID (or parameter) that `v`, a `Ref` or `Fn::GetAtt`, points at.
pub fn ref_target(v: &Value) -> Option<&str> {
    Intrinsic::classify(v)?.target()
}

/// The name `v` refers to when it is a `Ref`.
pub fn ref_name(v: &Value) -> Option<&str> {
    match Intrinsic::classify(v)? {
        Intrinsic::Ref(name) => Some(name),
        _ => None,
    }
}

/// The text of `v` when it is an `Fn::Sub` (with or without variables).
pub fn sub_text(v: &Value) -> Option<&str> {
    match Intrinsic::classify(v)? {
        Intrinsic::Sub { text, .. } => Some(text),
        _ => None,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_shape_is_read_or_kept_as_other() {
        let c = |v: &Value| Intrinsic::classify(v).map(|i| format!("{i:?}"));
        assert_eq!(ref_name(&json!({"Ref": "Vpc"})), Some("Vpc"));
        assert_eq!(
            ref_target(&json!({"Fn::GetAtt": "Db.Endpoint.Address"})),
            Some("Db")
        );
        assert_eq!(
            ref_target(&json!({"Fn::GetAtt": ["Db", {"Ref": "A"}]})),
            Some("Db")
        );
        assert_eq!(
            sub_text(&json!({"Fn::Sub": ["${A}", {"A": 1}]})),
            Some("${A}")
        );
        assert!(matches!(
            Intrinsic::classify(&json!({"Ref": 5})),
            Some(Intrinsic::Other {
                function: "Ref",
                ..
            })
        ));
        assert!(matches!(
            Intrinsic::classify(&json!({"Fn::If": ["C", 1]})),
            Some(Intrinsic::Other {
                function: "Fn::If",
                ..
            })
        ));
        assert!(matches!(
            Intrinsic::classify(&json!({"Fn::Contains": [[], "a"]})),
            Some(Intrinsic::Other {
                function: "Fn::Contains",
                ..
            })
        ));
        assert_eq!(c(&json!({"Ref": "A", "B": 1})), None);
        for v in [
            json!({"Fn::If": ["C", 1, 2]}),
            json!({"Condition": {}}),
            json!({"Fn::X": 1}),
        ] {
            let name = v.as_object().unwrap().keys().next().unwrap().clone();
            assert_eq!(Intrinsic::classify(&v).unwrap().function(), name);
        }
        assert_eq!(c(&json!({"Name": "A"})), None);
        assert_eq!(c(&json!(["Ref"])), None);
    }

    #[test]
    fn every_long_name_has_one_tag() {
        for (tag, long) in SHORT_FORMS {
            assert_eq!(long_name(&tag[1..]), Some(*long));
            assert_eq!(short_tag(long), Some(*tag));
        }
    }
}
