//! Reading templates written by anyone: the template model from its JSON value.
//!
//! The text (JSON, or YAML with short-form tags) is read into that value by [`super::text`].

use indexmap::IndexMap;
use serde_json::{Map, Value};

use super::document::{DeletionPolicy, Output, Parameter, Resource, Template};
use super::text::{json_to_value, yaml_to_value};
use crate::error::{Error, Location, Result};

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

/// Like [`object`], taking the mapping out of `v` instead of borrowing it.
fn into_object(v: Value, section: &str, field: &str) -> Result<Map<String, Value>> {
    match v {
        Value::Object(m) => Ok(m),
        _ => Err(shape(
            section,
            field,
            "must be a mapping of names to definitions",
        )),
    }
}

fn string_of(v: &Value) -> Option<String> {
    match v {
        Value::String(s) => Some(s.clone()),
        Value::Number(n) => Some(n.to_string()),
        Value::Bool(b) => Some(b.to_string()),
        _ => None,
    }
}

fn to_map(m: Map<String, Value>) -> IndexMap<String, Value> {
    m.into_iter().collect()
}

fn deletion_policy(s: &str) -> Option<DeletionPolicy> {
    match s {
        "Delete" => Some(DeletionPolicy::Delete),
        "Retain" => Some(DeletionPolicy::Retain),
        "Snapshot" => Some(DeletionPolicy::Snapshot),
        _ => None,
    }
}

fn read_resource(id: &str, v: Value) -> Result<Resource> {
    let at = format!("resource `{id}`");
    let m = into_object(v, &at, "definition")?;
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
                    r.properties = to_map(into_object(val, &at, "Properties")?);
                }
            }
            "Metadata" => r.metadata = to_map(into_object(val, &at, "Metadata")?),
            "Condition" => match val.as_str() {
                Some(c) => r.condition = Some(c.to_string()),
                None => return Err(shape(&at, "Condition", "must name a condition")),
            },
            "DependsOn" => match val {
                Value::String(s) => r.depends_on = vec![s],
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
                    // `RetainExceptOnCreate` or an intrinsic: keep it as written.
                    None => {
                        r.other.insert(k, val);
                    }
                }
            }
            _ => {
                r.other.insert(k, val);
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
    ///
    /// `Fn::ForEach` loops (the `AWS::LanguageExtensions` transform) are expanded where their
    /// collection is known, so the resources they generate are read, and named, one by one.
    pub fn from_value(value: &Value) -> Result<Template> {
        match super::foreach::expand_loops(value)? {
            Some(expanded) => Template::read(expanded),
            None => Template::read(value.clone()),
        }
    }

    /// Reads a template from its JSON value, taking the value's parts instead of copying them:
    /// reading a file parses its text once and moves what it parsed into the model.
    fn from_owned_value(value: Value) -> Result<Template> {
        match super::foreach::expand_loops(&value)? {
            Some(expanded) => Template::read(expanded),
            None => Template::read(value),
        }
    }

    /// Reads a template whose loops are expanded.
    fn read(value: Value) -> Result<Template> {
        let Value::Object(m) = value else {
            return Err(shape(
                "template",
                "top level",
                "a template is a mapping of sections",
            ));
        };
        let mut t = Template::default();
        for (k, v) in m {
            match k.as_str() {
                "AWSTemplateFormatVersion" => {}
                "Description" => t.description = string_of(&v),
                "Metadata" => t.metadata = to_map(into_object(v, "template", "Metadata")?),
                "Parameters" => {
                    for (id, p) in object(&v, "template", "Parameters")? {
                        t.parameters.insert(id.clone(), read_parameter(id, p)?);
                    }
                }
                "Mappings" => t.mappings = to_map(into_object(v, "template", "Mappings")?),
                "Conditions" => t.conditions = to_map(into_object(v, "template", "Conditions")?),
                "Rules" => t.rules = to_map(into_object(v, "template", "Rules")?),
                "Resources" => {
                    for (id, r) in into_object(v, "template", "Resources")? {
                        let r = read_resource(&id, r)?;
                        t.resources.insert(id, r);
                    }
                }
                "Outputs" => {
                    for (id, o) in object(&v, "template", "Outputs")? {
                        t.outputs.insert(id.clone(), read_output(id, o)?);
                    }
                }
                _ => {
                    t.other.insert(k, v);
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
        Template::from_owned_value(json_to_value(text)?)
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
        Template::from_owned_value(yaml_to_value(text)?)
    }

    /// Reads a template in either format: JSON when the first non-blank character is `{`,
    /// YAML otherwise (as CloudFormation decides).
    ///
    /// ```
    /// use airgap::template::Template;
    /// let json = Template::parse(r#"{"Resources": {"Vpc": {"Type": "AWS::EC2::VPC"}}}"#)?;
    /// let yaml = Template::parse("Resources:\n  Vpc:\n    Type: AWS::EC2::VPC\n")?;
    /// assert_eq!(json, yaml);
    /// // A key written twice could hide a resource: it is refused, not read as the last one.
    /// assert!(Template::parse(r#"{"Resources": {}, "Resources": {}}"#).is_err());
    /// # Ok::<(), airgap::Error>(())
    /// ```
    pub fn parse(text: &str) -> Result<Template> {
        // A byte-order mark is not content, in either format.
        if text
            .trim_start_matches('\u{feff}')
            .trim_start()
            .starts_with('{')
        {
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
            "DeletionPolicy": "RetainExceptOnCreate", "DependsOn": "X"}, "X": {"Type": "AWS::SNS::Topic"}}}"#;
        let t = Template::from_json(text).unwrap();
        assert_eq!(t.other["Transform"], "AWS::Serverless-2016-10-31");
        let w = &t.resources["W"];
        assert_eq!(w.depends_on, ["X"]);
        assert_eq!(w.other["DeletionPolicy"], "RetainExceptOnCreate");
        let again = Template::from_value(&t.to_value()).unwrap();
        assert_eq!(again, t);
    }

    #[test]
    fn a_resource_without_type_is_refused_by_name() {
        let e = Template::from_yaml("Resources:\n  Vpc:\n    Properties: {}\n").unwrap_err();
        assert!(e.to_string().contains("resource `Vpc`"), "{e}");
    }
}
