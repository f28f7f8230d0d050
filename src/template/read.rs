//! Reading templates written by anyone: JSON, or YAML with CloudFormation's short-form tags.
//!
//! YAML is parsed with `yaml-rust2`'s event parser rather than a serde deserializer because the
//! short forms (`!Ref`, `!GetAtt`, `!Sub`, ...) are YAML tags, which serde-based readers either
//! drop or refuse. Each tagged node is rewritten into the long form CloudFormation itself uses
//! (`{"Ref": ...}`, `{"Fn::GetAtt": [...]}`), so everything downstream sees one shape.

use indexmap::IndexMap;
use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::document::{DeletionPolicy, Output, Parameter, Resource, Template};
use crate::error::{Error, Location, Result};

/// The short-form tags and the long-form key each becomes.
const SHORT_FORMS: &[(&str, &str)] = &[
    ("Ref", "Ref"),
    ("Condition", "Condition"),
    ("GetAtt", "Fn::GetAtt"),
    ("Sub", "Fn::Sub"),
    ("If", "Fn::If"),
    ("Select", "Fn::Select"),
    ("GetAZs", "Fn::GetAZs"),
    ("ImportValue", "Fn::ImportValue"),
    ("Join", "Fn::Join"),
    ("Split", "Fn::Split"),
    ("Equals", "Fn::Equals"),
    ("Not", "Fn::Not"),
    ("And", "Fn::And"),
    ("Or", "Fn::Or"),
    ("FindInMap", "Fn::FindInMap"),
    ("Base64", "Fn::Base64"),
    ("Cidr", "Fn::Cidr"),
    ("Length", "Fn::Length"),
    ("ToJsonString", "Fn::ToJsonString"),
    ("Transform", "Fn::Transform"),
    ("ForEach", "Fn::ForEach"),
];

/// Parses YAML text into JSON, turning CloudFormation's short-form tags into their long form.
///
/// ```
/// use airgap::template::yaml_to_value;
/// let v = yaml_to_value("Value: !GetAtt Vpc.CidrBlock\nId: !Ref Vpc\n")?;
/// assert_eq!(v["Value"]["Fn::GetAtt"][1], "CidrBlock");
/// assert_eq!(v["Id"]["Ref"], "Vpc");
/// # Ok::<(), airgap::Error>(())
/// ```
pub fn yaml_to_value(text: &str) -> Result<Value> {
    let mut text = std::borrow::Cow::Borrowed(text);
    // Hand-written templates often close a multi-line quoted policy at the key's own
    // indentation, which CloudFormation (and PyYAML) accept but a strict YAML 1.2 parser does
    // not. Leading spaces on the continuation lines of a quoted scalar are folded away, so
    // indenting them changes no value: do that and parse again.
    for _ in 0..1000 {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(&text);
        match parser.load(&mut builder, false) {
            Err(e) if e.info() == "invalid indentation in quoted scalar" => {
                let m = e.marker();
                match indent_quoted(&text, m.line(), m.col()) {
                    Some(fixed) => text = std::borrow::Cow::Owned(fixed),
                    None => return Err(syntax("YAML", m, e.info())),
                }
            }
            Err(e) => return Err(syntax("YAML", e.marker(), e.info())),
            Ok(()) => {
                if let Some(e) = builder.error {
                    return Err(e);
                }
                return Ok(builder.root.unwrap_or(Value::Null));
            }
        }
    }
    Err(Error::TemplateSyntax {
        format: "YAML",
        line: 1,
        column: 1,
        message: "too many under-indented quoted scalars".into(),
    })
}

/// Indents the continuation lines of the quoted scalar that starts at `line` (from 1) and
/// `col` (from 0) past its opening quote; `None` when no quoted scalar starts there.
fn indent_quoted(text: &str, line: usize, col: usize) -> Option<String> {
    let start = text
        .split_inclusive('\n')
        .take(line.checked_sub(1)?)
        .map(str::len)
        .sum::<usize>();
    let line_text = &text[start..];
    let offset: usize = line_text.chars().take(col).map(char::len_utf8).sum();
    let open = start + offset;
    let quote = text[open..]
        .chars()
        .next()
        .filter(|c| *c == '\'' || *c == '"')?;
    let pad = " ".repeat(col + 1);
    let mut out = String::with_capacity(text.len() + 64);
    out.push_str(&text[..=open]);
    let mut rest = text[open + 1..].char_indices().peekable();
    let body = &text[open + 1..];
    while let Some((i, c)) = rest.next() {
        out.push(c);
        if c == '\\' && quote == '"' {
            if let Some((_, n)) = rest.next() {
                out.push(n);
            }
        } else if c == quote {
            if quote == '\'' && rest.peek().is_some_and(|(_, n)| *n == '\'') {
                rest.next();
                out.push('\'');
            } else {
                out.push_str(&body[i + 1..]);
                return Some(out);
            }
        } else if c == '\n' {
            out.push_str(&pad);
        }
    }
    None
}

fn syntax(format: &'static str, m: &Marker, message: &str) -> Error {
    Error::TemplateSyntax {
        format,
        line: m.line(),
        column: m.col() + 1,
        message: message.to_string(),
    }
}

enum Frame {
    Seq {
        items: Vec<Value>,
        tag: Option<Tag>,
        anchor: usize,
        mark: Marker,
    },
    Map {
        map: Map<String, Value>,
        key: Option<String>,
        tag: Option<Tag>,
        anchor: usize,
        mark: Marker,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    anchors: IndexMap<usize, Value>,
    root: Option<Value>,
    error: Option<Error>,
}

impl Builder {
    fn fail(&mut self, mark: &Marker, message: String) {
        if self.error.is_none() {
            self.error = Some(syntax("YAML", mark, &message));
        }
    }

    /// Places a finished node into its parent (or makes it the document).
    fn push(&mut self, value: Value, mark: &Marker) {
        match self.stack.last_mut() {
            None => {
                if self.root.is_none() {
                    self.root = Some(value);
                }
            }
            Some(Frame::Seq { items, .. }) => items.push(value),
            Some(Frame::Map { map, key, .. }) => match key.take() {
                None => match value {
                    Value::String(s) => *key = Some(s),
                    Value::Number(n) => *key = Some(n.to_string()),
                    Value::Bool(b) => *key = Some(b.to_string()),
                    Value::Null => *key = Some(String::new()),
                    _ => self.fail(mark, "a mapping key must be a plain value".into()),
                },
                Some(k) => {
                    if map.contains_key(&k) {
                        let message = format!("the key `{k}` appears twice in one mapping");
                        self.fail(mark, message);
                    } else {
                        map.insert(k, value);
                    }
                }
            },
        }
    }

    /// Rewrites a tagged node into its long form.
    fn apply_tag(&mut self, tag: Option<Tag>, value: Value, mark: &Marker) -> Value {
        let Some(tag) = tag else { return value };
        if tag.handle == "tag:yaml.org,2002:" {
            return value;
        }
        if tag.handle != "!" {
            self.fail(mark, format!("unknown tag `{}{}`", tag.handle, tag.suffix));
            return value;
        }
        let Some((_, long)) = SHORT_FORMS.iter().find(|(s, _)| *s == tag.suffix) else {
            self.fail(
                mark,
                format!(
                    "unknown tag `!{}`; CloudFormation's short forms are !Ref, !GetAtt, !Sub, !If, !Select, !GetAZs, !ImportValue, !Join, !Split, !Equals, !Not, !And, !Or, !FindInMap, !Base64, !Cidr and !Condition",
                    tag.suffix
                ),
            );
            return value;
        };
        let arg = match (tag.suffix.as_str(), value) {
            // `!GetAtt Resource.Attribute`: the attribute may itself hold dots
            // (`Endpoint.Address`), so only the first dot separates.
            ("GetAtt", Value::String(s)) => match s.split_once('.') {
                Some((r, a)) => Value::Array(vec![r.into(), a.into()]),
                None => {
                    self.fail(
                        mark,
                        format!("`!GetAtt {s}` needs the form `Resource.Attribute`"),
                    );
                    Value::String(s)
                }
            },
            ("GetAZs", Value::Null) => Value::String(String::new()),
            (_, v) => v,
        };
        let mut m = Map::new();
        m.insert((*long).to_string(), arg);
        Value::Object(m)
    }
}

fn plain_scalar(s: &str) -> Value {
    match s {
        "" | "~" | "null" | "Null" | "NULL" => return Value::Null,
        "true" | "True" | "TRUE" => return Value::Bool(true),
        "false" | "False" | "FALSE" => return Value::Bool(false),
        _ => {}
    }
    let digits = s.strip_prefix('-').unwrap_or(s);
    let integer = !digits.is_empty()
        && digits.bytes().all(|b| b.is_ascii_digit())
        && (digits == "0" || !digits.starts_with('0'));
    if integer && let Ok(i) = s.parse::<i64>() {
        return Value::Number(i.into());
    }
    let float = digits.contains('.')
        && digits.bytes().all(|b| {
            b.is_ascii_digit() || b == b'.' || b == b'e' || b == b'E' || b == b'-' || b == b'+'
        })
        && digits.starts_with(|c: char| c.is_ascii_digit());
    if float
        && let Ok(f) = s.parse::<f64>()
        && let Some(n) = Number::from_f64(f)
    {
        return Value::Number(n);
    }
    Value::String(s.to_string())
}

impl MarkedEventReceiver for Builder {
    fn on_event(&mut self, ev: Event, mark: Marker) {
        if self.error.is_some() {
            return;
        }
        match ev {
            Event::Scalar(text, style, anchor, tag) => {
                let explicit_str = tag
                    .as_ref()
                    .is_some_and(|t| t.handle == "tag:yaml.org,2002:" && t.suffix == "str");
                let raw = if style == TScalarStyle::Plain && !explicit_str {
                    plain_scalar(&text)
                } else {
                    Value::String(text)
                };
                let v = self.apply_tag(tag, raw, &mark);
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                self.push(v, &mark);
            }
            Event::SequenceStart(anchor, tag) => self.stack.push(Frame::Seq {
                items: Vec::new(),
                tag,
                anchor,
                mark,
            }),
            Event::MappingStart(anchor, tag) => self.stack.push(Frame::Map {
                map: Map::new(),
                key: None,
                tag,
                anchor,
                mark,
            }),
            Event::SequenceEnd | Event::MappingEnd => {
                let (v, tag, anchor, start) = match self.stack.pop() {
                    Some(Frame::Seq {
                        items,
                        tag,
                        anchor,
                        mark,
                    }) => (Value::Array(items), tag, anchor, mark),
                    Some(Frame::Map {
                        map,
                        tag,
                        anchor,
                        mark,
                        ..
                    }) => (Value::Object(map), tag, anchor, mark),
                    None => return,
                };
                let v = self.apply_tag(tag, v, &start);
                if anchor > 0 {
                    self.anchors.insert(anchor, v.clone());
                }
                self.push(v, &start);
            }
            Event::Alias(id) => match self.anchors.get(&id).cloned() {
                Some(v) => self.push(v, &mark),
                None => self.fail(&mark, "alias to an unknown anchor".into()),
            },
            Event::Nothing
            | Event::StreamStart
            | Event::StreamEnd
            | Event::DocumentStart
            | Event::DocumentEnd => {}
        }
    }
}

/// Parses JSON text, reporting errors with line and column.
fn json_to_value(text: &str) -> Result<Value> {
    serde_json::from_str(text).map_err(|e| Error::TemplateSyntax {
        format: "JSON",
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    })
}

fn shape(
    section: impl Into<String>,
    field: impl Into<String>,
    message: impl Into<String>,
) -> Error {
    Error::Invalid {
        at: Location::new(section, field),
        message: message.into(),
    }
}

fn object<'a>(v: &'a Value, section: &str, field: &str) -> Result<&'a Map<String, Value>> {
    v.as_object()
        .ok_or_else(|| shape(section, field, "must be a mapping of names to definitions"))
}

fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn to_map(m: &Map<String, Value>) -> IndexMap<String, Value> {
    m.iter().map(|(k, v)| (k.clone(), v.clone())).collect()
}

fn deletion_policy(s: &str) -> Option<DeletionPolicy> {
    match s {
        "Delete" => Some(DeletionPolicy::Delete),
        "Retain" => Some(DeletionPolicy::Retain),
        "Snapshot" => Some(DeletionPolicy::Snapshot),
        _ => None,
    }
}

fn read_resource(id: &str, v: &Value) -> Result<Resource> {
    let at = format!("resource `{id}`");
    let m = object(v, &at, "definition")?;
    let ty = m.get("Type").and_then(Value::as_str).ok_or_else(|| {
        shape(
            &at,
            "Type",
            "every resource needs a `Type` such as `AWS::EC2::VPC`",
        )
    })?;
    let mut r = Resource::new(ty);
    for (k, val) in m {
        match k.as_str() {
            "Type" => {}
            "Properties" => {
                if !val.is_null() {
                    r.properties = to_map(object(val, &at, "Properties")?);
                }
            }
            "Metadata" => r.metadata = to_map(object(val, &at, "Metadata")?),
            "Condition" => match val.as_str() {
                Some(c) => r.condition = Some(c.to_string()),
                None => return Err(shape(&at, "Condition", "must name a condition")),
            },
            "DependsOn" => match val {
                Value::String(s) => r.depends_on = vec![s.clone()],
                Value::Array(a) => {
                    r.depends_on = a
                        .iter()
                        .map(|d| {
                            d.as_str()
                                .map(str::to_string)
                                .ok_or_else(|| shape(&at, "DependsOn", "must list logical IDs"))
                        })
                        .collect::<Result<_>>()?;
                }
                _ => {
                    return Err(shape(
                        &at,
                        "DependsOn",
                        "must be a logical ID or a list of them",
                    ));
                }
            },
            "DeletionPolicy" | "UpdateReplacePolicy" => {
                match val.as_str().and_then(deletion_policy) {
                    Some(p) if k == "DeletionPolicy" => r.deletion_policy = Some(p),
                    Some(p) => r.update_replace_policy = Some(p),
                    // `RetainExceptOnDelete` or an intrinsic: keep it as written.
                    None => {
                        r.other.insert(k.clone(), val.clone());
                    }
                }
            }
            _ => {
                r.other.insert(k.clone(), val.clone());
            }
        }
    }
    Ok(r)
}

fn read_parameter(id: &str, v: &Value) -> Result<Parameter> {
    let at = format!("parameter `{id}`");
    let m = object(v, &at, "definition")?;
    let ty = m.get("Type").and_then(Value::as_str).ok_or_else(|| {
        shape(
            &at,
            "Type",
            "every parameter needs a `Type` such as `String`",
        )
    })?;
    let mut p = Parameter::new(ty);
    p.description = m.get("Description").and_then(string_of);
    p.default = m.get("Default").cloned();
    if let Some(Value::Array(a)) = m.get("AllowedValues") {
        p.allowed_values = a.clone();
    }
    p.allowed_pattern = m.get("AllowedPattern").and_then(string_of);
    p.constraint_description = m.get("ConstraintDescription").and_then(string_of);
    p.no_echo = matches!(m.get("NoEcho"), Some(Value::Bool(true)))
        || m.get("NoEcho").and_then(Value::as_str) == Some("true");
    Ok(p)
}

fn read_output(id: &str, v: &Value) -> Result<Output> {
    let at = format!("output `{id}`");
    let m = object(v, &at, "definition")?;
    let value = m
        .get("Value")
        .cloned()
        .ok_or_else(|| shape(&at, "Value", "every output needs a `Value`"))?;
    Ok(Output {
        description: m.get("Description").and_then(string_of),
        value,
        export_name: m
            .get("Export")
            .and_then(Value::as_object)
            .and_then(|e| e.get("Name"))
            .cloned(),
        condition: m
            .get("Condition")
            .and_then(Value::as_str)
            .map(str::to_string),
    })
}

impl Template {
    /// Reads a template from its JSON value (as parsed from JSON or YAML).
    ///
    /// Sections and resource attributes the model does not know are kept in `other`.
    pub fn from_value(value: &Value) -> Result<Template> {
        let m = value.as_object().ok_or_else(|| {
            shape(
                "template",
                "top level",
                "a template is a mapping of sections",
            )
        })?;
        let mut t = Template::default();
        for (k, v) in m {
            match k.as_str() {
                "AWSTemplateFormatVersion" => {}
                "Description" => t.description = string_of(v),
                "Metadata" => t.metadata = to_map(object(v, "template", "Metadata")?),
                "Parameters" => {
                    for (id, p) in object(v, "template", "Parameters")? {
                        t.parameters.insert(id.clone(), read_parameter(id, p)?);
                    }
                }
                "Mappings" => t.mappings = to_map(object(v, "template", "Mappings")?),
                "Conditions" => t.conditions = to_map(object(v, "template", "Conditions")?),
                "Rules" => t.rules = to_map(object(v, "template", "Rules")?),
                "Resources" => {
                    for (id, r) in object(v, "template", "Resources")? {
                        t.resources.insert(id.clone(), read_resource(id, r)?);
                    }
                }
                "Outputs" => {
                    for (id, o) in object(v, "template", "Outputs")? {
                        t.outputs.insert(id.clone(), read_output(id, o)?);
                    }
                }
                _ => {
                    t.other.insert(k.clone(), v.clone());
                }
            }
        }
        Ok(t)
    }

    /// Reads a JSON template.
    ///
    /// ```
    /// use airgap::template::Template;
    /// let t = Template::from_json(r#"{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}}"#)?;
    /// assert_eq!(t.resources["Vpc"].resource_type, "AWS::EC2::VPC");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_json(text: &str) -> Result<Template> {
        Template::from_value(&json_to_value(text)?)
    }

    /// Reads a YAML template, short-form tags included.
    ///
    /// ```
    /// use airgap::template::Template;
    /// let t = Template::from_yaml(
    ///     "Resources:\n  Subnet:\n    Type: AWS::EC2::Subnet\n    Properties:\n      VpcId: !Ref Vpc\n",
    /// )?;
    /// assert_eq!(t.resources["Subnet"].properties["VpcId"]["Ref"], "Vpc");
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn from_yaml(text: &str) -> Result<Template> {
        Template::from_value(&yaml_to_value(text)?)
    }

    /// Reads a template in either format: JSON when the first non-blank character is `{`,
    /// YAML otherwise (as CloudFormation decides).
    pub fn parse(text: &str) -> Result<Template> {
        if text.trim_start().starts_with('{') {
            Template::from_json(text)
        } else {
            Template::from_yaml(text)
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn every_short_form_becomes_its_long_form() {
        let v = yaml_to_value(
            "a: !Ref X\nb: !GetAtt R.Endpoint.Address\nc: !Sub '${AWS::Region}a'\nd: !If [C, 1, 2]\n\
             e: !Select [0, !GetAZs '']\nf: !ImportValue N\ng: !Join ['', [a, b]]\nh: !Split [',', s]\n\
             i: !Equals [a, b]\nj: !Not [!Condition C]\nk: !And [!Condition C, !Condition D]\n\
             l: !Or [!Condition C, !Condition D]\nm: !FindInMap [M, K, V]\nn: !Base64 x\no: !Cidr [c, 3, 8]\n\
             p: !GetAtt [R, Arn]\nq: !GetAZs\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({
                "a": {"Ref": "X"},
                "b": {"Fn::GetAtt": ["R", "Endpoint.Address"]},
                "c": {"Fn::Sub": "${AWS::Region}a"},
                "d": {"Fn::If": ["C", 1, 2]},
                "e": {"Fn::Select": [0, {"Fn::GetAZs": ""}]},
                "f": {"Fn::ImportValue": "N"},
                "g": {"Fn::Join": ["", ["a", "b"]]},
                "h": {"Fn::Split": [",", "s"]},
                "i": {"Fn::Equals": ["a", "b"]},
                "j": {"Fn::Not": [{"Condition": "C"}]},
                "k": {"Fn::And": [{"Condition": "C"}, {"Condition": "D"}]},
                "l": {"Fn::Or": [{"Condition": "C"}, {"Condition": "D"}]},
                "m": {"Fn::FindInMap": ["M", "K", "V"]},
                "n": {"Fn::Base64": "x"},
                "o": {"Fn::Cidr": ["c", 3, 8]},
                "p": {"Fn::GetAtt": ["R", "Arn"]},
                "q": {"Fn::GetAZs": ""},
            })
        );
    }

    #[test]
    fn plain_scalars_resolve_like_yaml_1_2_and_quoted_stay_strings() {
        let v = yaml_to_value(
            "a: true\nb: 443\nc: '443'\nd: 2012-10-17\ne: ~\nf: 0.5\ng: 0123\nh: -1\ni: \"true\"\n",
        )
        .unwrap();
        assert_eq!(
            v,
            json!({"a": true, "b": 443, "c": "443", "d": "2012-10-17", "e": null, "f": 0.5, "g": "0123", "h": -1, "i": "true"})
        );
    }

    #[test]
    fn a_quoted_policy_closed_at_the_key_indentation_is_read_as_cloudformation_does() {
        let v = yaml_to_value("A:\n  Doc: '{\n    \"k\": \"it''s\"\n  }'\n  B: 1\n").unwrap();
        assert_eq!(v, json!({"A": {"Doc": "{ \"k\": \"it's\" }", "B": 1}}));
    }

    #[test]
    fn anchors_and_aliases_are_copied() {
        let v = yaml_to_value("a: &x {k: v}\nb: *x\n").unwrap();
        assert_eq!(v["b"], json!({"k": "v"}));
    }

    #[test]
    fn syntax_errors_name_line_and_column() {
        let e = yaml_to_value("a: 1\nb: [1, 2\nc: 3\n").unwrap_err();
        assert!(
            matches!(
                e,
                Error::TemplateSyntax {
                    format: "YAML",
                    line: 3,
                    ..
                }
            ),
            "{e:?}"
        );
        let e = Template::from_json("{\n  \"Resources\": {,}\n}").unwrap_err();
        assert!(
            matches!(
                e,
                Error::TemplateSyntax {
                    format: "JSON",
                    line: 2,
                    column: 17,
                    ..
                }
            ),
            "{e:?}"
        );
    }

    #[test]
    fn unknown_tags_and_duplicate_keys_are_refused_with_their_place() {
        let e = yaml_to_value("a: 1\nb: !Reff X\n").unwrap_err();
        let msg = e.to_string();
        assert!(msg.contains("line 2") && msg.contains("!Reff"), "{msg}");
        let e = yaml_to_value("a: 1\na: 2\n").unwrap_err();
        assert!(e.to_string().contains("`a` appears twice"), "{e}");
    }

    #[test]
    fn unknown_sections_and_attributes_survive_a_round_trip() {
        let text = r#"{"AWSTemplateFormatVersion": "2010-09-09", "Transform": "AWS::Serverless-2016-10-31",
            "Resources": {"W": {"Type": "AWS::CloudFormation::WaitCondition", "CreationPolicy": {"ResourceSignal": {"Count": 1}},
            "DeletionPolicy": "RetainExceptOnDelete", "DependsOn": "X"}, "X": {"Type": "AWS::SNS::Topic"}}}"#;
        let t = Template::from_json(text).unwrap();
        assert_eq!(t.other["Transform"], "AWS::Serverless-2016-10-31");
        let w = &t.resources["W"];
        assert_eq!(w.depends_on, ["X"]);
        assert_eq!(w.other["DeletionPolicy"], "RetainExceptOnDelete");
        let again = Template::from_value(&t.to_value()).unwrap();
        assert_eq!(again, t);
    }

    #[test]
    fn a_resource_without_type_is_refused_by_name() {
        let e = Template::from_yaml("Resources:\n  Vpc:\n    Properties: {}\n").unwrap_err();
        assert!(e.to_string().contains("resource `Vpc`"), "{e}");
    }
}
