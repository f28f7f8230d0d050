//! CloudFormation YAML, written by hand from the template's JSON values.
//!
//! The layout is the one people write and AWS's own samples use: block mappings and sequences
//! indented by two, intrinsic functions in their short form (`!Ref`, `!GetAtt A.B`, `!Sub`,
//! `!If [...]`), short argument lists in flow style when they fit on the line, a blank line
//! between the template's sections and between resources, and quotes only where YAML would
//! otherwise read a string as something else.
//!
//! No YAML library is used: the output is a small, fixed subset of YAML whose every rule is
//! written down here, and the tests parse it back with two independent YAML readers.

use serde_json::{Map, Number, Value};

use super::intrinsic::short_tag;

/// Lines are kept to this width where a flow list would make them longer; long strings stay
/// on one line (YAML line folding would only make them harder to diff).
const WIDTH: usize = 100;

/// The sections whose entries are separated by a blank line.
const SPACED_SECTIONS: [&str; 3] = ["Parameters", "Resources", "Outputs"];

/// The template document `doc` (a JSON object) as CloudFormation YAML.
pub(crate) fn document(doc: &Value) -> String {
    let mut w = Writer { out: String::new() };
    match doc {
        Value::Object(sections) => {
            let mut previous_was_block = false;
            for (i, (key, value)) in sections.iter().enumerate() {
                let block = matches!(value, Value::Object(m) if !m.is_empty())
                    || matches!(value, Value::Array(a) if !a.is_empty());
                if i > 0 && (block || previous_was_block) {
                    w.out.push('\n');
                }
                previous_was_block = block;
                let spaced = SPACED_SECTIONS.contains(&key.as_str());
                match value {
                    Value::Object(entries) if spaced && !entries.is_empty() => {
                        w.key(key, 0);
                        w.out.push('\n');
                        w.map(entries, 2, false, true);
                    }
                    _ => w.entry(key, value, 0),
                }
            }
        }
        other => w.value_after(other, 0, 0),
    }
    w.out
}

struct Writer {
    out: String,
}

impl Writer {
    fn pad(&mut self, indent: usize) {
        const SPACES: &str = "                                        ";
        let mut left = indent;
        while left > 0 {
            let n = left.min(SPACES.len());
            self.out.push_str(&SPACES[..n]);
            left -= n;
        }
    }

    fn key(&mut self, key: &str, indent: usize) {
        self.pad(indent);
        push_str_scalar(&mut self.out, key, Context::Block);
        self.out.push(':');
    }

    /// `key: value` on a new line at `indent`.
    fn entry(&mut self, key: &str, value: &Value, indent: usize) {
        self.key(key, indent);
        let col = indent + key.len() + 2;
        self.value_after(value, indent, col);
    }

    /// The entries of `m` at `indent`. With `continued`, the first entry goes on a line already
    /// started (after a sequence's `- `).
    fn map(&mut self, m: &Map<String, Value>, indent: usize, continued: bool, spaced: bool) {
        for (i, (key, value)) in m.iter().enumerate() {
            if spaced && i > 0 {
                self.out.push('\n');
            }
            if i == 0 && continued {
                push_str_scalar(&mut self.out, key, Context::Block);
                self.out.push(':');
                self.value_after(value, indent, indent + key.len() + 2);
            } else {
                self.entry(key, value, indent);
            }
        }
    }

    /// The items of `a` at `indent`, the first on a line already started when `continued`.
    fn seq(&mut self, a: &[Value], indent: usize, continued: bool) {
        for (i, item) in a.iter().enumerate() {
            if !(i == 0 && continued) {
                self.pad(indent);
            }
            self.out.push('-');
            match item {
                Value::Object(m) if !m.is_empty() && short_form(m).is_none() => {
                    self.out.push(' ');
                    self.map(m, indent + 2, true, false);
                }
                Value::Array(inner) if !inner.is_empty() => {
                    self.out.push(' ');
                    self.seq(inner, indent + 2, true);
                }
                _ => self.value_after(item, indent, indent + 2),
            }
        }
    }

    /// Writes `v` after a `key:` or `-` on the current line: on that line when it fits, below
    /// it, indented from `indent`, when it does not. `col` is where it would start.
    fn value_after(&mut self, v: &Value, indent: usize, col: usize) {
        if !matches!(v, Value::Object(_) | Value::Array(_)) {
            self.out.push(' ');
            push_scalar(&mut self.out, v, Context::Block);
            self.out.push('\n');
            return;
        }
        if let Some(text) = inline(v, col) {
            self.out.push(' ');
            self.out.push_str(&text);
            self.out.push('\n');
            return;
        }
        let child = indent + 2;
        match v {
            Value::Object(m) => match short_form(m) {
                Some((tag, arg)) => {
                    self.out.push(' ');
                    self.out.push_str(tag);
                    self.out.push('\n');
                    match arg {
                        Value::Object(am) => self.map(am, child, false, false),
                        Value::Array(items) => self.seq(items, child, false),
                        // A scalar argument is always written inline.
                        scalar => {
                            self.pad(child);
                            push_scalar(&mut self.out, scalar, Context::Block);
                            self.out.push('\n');
                        }
                    }
                }
                None => {
                    self.out.push('\n');
                    self.map(m, child, false, false);
                }
            },
            Value::Array(items) => {
                self.out.push('\n');
                self.seq(items, child, false);
            }
            scalar => {
                self.out.push(' ');
                push_scalar(&mut self.out, scalar, Context::Block);
                self.out.push('\n');
            }
        }
    }
}

/// The short-form tag and argument of an intrinsic function call, when it can be written so.
///
/// YAML allows one tag per node, so a function whose argument is itself a single tagged node
/// (`Fn::ImportValue` of an `Fn::Sub`) keeps its long name as a mapping key, as AWS's
/// documentation requires; its argument still gets the short form.
fn short_form(m: &Map<String, Value>) -> Option<(&'static str, &Value)> {
    if m.len() != 1 {
        return None;
    }
    let (name, arg) = m.iter().next()?;
    let tag = short_tag(name)?;
    if let Value::Object(inner) = arg
        && short_form(inner).is_some()
    {
        return None;
    }
    if (name == "Ref" || name == "Condition") && !arg.is_string() {
        return None;
    }
    Some((tag, arg))
}

/// `A.B` for `Fn::GetAtt [A, B]`, when the parts are plain names (CloudFormation splits the
/// short form at the first dot, so only the resource's name must be free of dots).
fn get_att_dotted(arg: &Value) -> Option<String> {
    match arg {
        Value::Array(parts) => match parts.as_slice() {
            [Value::String(id), Value::String(attr)] if !id.contains('.') => {
                Some(format!("{id}.{attr}"))
            }
            _ => None,
        },
        Value::String(dotted) => Some(dotted.clone()),
        _ => None,
    }
}

/// `v` on one line starting at column `col`, if it belongs there.
fn inline(v: &Value, col: usize) -> Option<String> {
    match v {
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Array(a) if a.is_empty() => Some("[]".into()),
        Value::Object(m) => {
            let (tag, arg) = short_form(m)?;
            let text = tagged(tag, arg, Context::Block)?;
            // Scalar arguments stay inline at any length; lists only while they fit.
            (arg_is_scalar(tag, arg) || col + text.len() <= WIDTH).then_some(text)
        }
        Value::Array(_) => None,
        scalar => Some(scalar_text(scalar, Context::Block)),
    }
}

fn arg_is_scalar(tag: &str, arg: &Value) -> bool {
    !matches!(arg, Value::Array(_) | Value::Object(_))
        || (tag == "!GetAtt" && get_att_dotted(arg).is_some())
}

/// `!Tag argument` on one line, if the argument can be written in flow style.
fn tagged(tag: &str, arg: &Value, ctx: Context) -> Option<String> {
    if tag == "!GetAtt"
        && let Some(dotted) = get_att_dotted(arg)
    {
        return Some(format!("{tag} {}", scalar_str(&dotted, ctx)));
    }
    let text = match arg {
        Value::Array(_) => flow(arg)?,
        Value::Object(m) if m.is_empty() => "{}".into(),
        Value::Object(_) => return None,
        scalar => scalar_text(scalar, ctx),
    };
    Some(format!("{tag} {text}"))
}

/// `v` in flow style (inside `[...]`), if it has no mapping in it.
fn flow(v: &Value) -> Option<String> {
    match v {
        Value::Array(items) => {
            let parts: Option<Vec<String>> = items.iter().map(flow).collect();
            Some(format!("[{}]", parts?.join(", ")))
        }
        Value::Object(m) if m.is_empty() => Some("{}".into()),
        Value::Object(m) => {
            let (tag, arg) = short_form(m)?;
            tagged(tag, arg, Context::Flow)
        }
        scalar => Some(scalar_text(scalar, Context::Flow)),
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum Context {
    /// A block mapping value or sequence item.
    Block,
    /// Inside `[...]`, where `,`, `[`, `]`, `{`, `}` end a plain scalar.
    Flow,
}

fn scalar_text(v: &Value, ctx: Context) -> String {
    let mut out = String::new();
    push_scalar(&mut out, v, ctx);
    out
}

fn push_scalar(out: &mut String, v: &Value, ctx: Context) {
    match v {
        Value::Null => out.push_str("null"),
        Value::Bool(b) => out.push_str(if *b { "true" } else { "false" }),
        Value::Number(n) => out.push_str(&number(n)),
        Value::String(s) => push_str_scalar(out, s, ctx),
        Value::Array(_) | Value::Object(_) => unreachable!("only scalars are written as scalars"),
    }
}

/// A number as YAML 1.1 and 1.2 readers both take it: floats keep a `.` and a signed exponent.
fn number(n: &Number) -> String {
    let s = n.to_string();
    if n.is_f64()
        && let Some((mantissa, exponent)) = s.split_once(['e', 'E'])
    {
        let mantissa = if mantissa.contains('.') {
            mantissa.to_string()
        } else {
            format!("{mantissa}.0")
        };
        let exponent = if exponent.starts_with(['-', '+']) {
            exponent.to_string()
        } else {
            format!("+{exponent}")
        };
        return format!("{mantissa}e{exponent}");
    }
    s
}

/// A string, plain where YAML reads it back as the same string, double-quoted otherwise.
fn scalar_str(s: &str, ctx: Context) -> String {
    let mut out = String::new();
    push_str_scalar(&mut out, s, ctx);
    out
}

fn push_str_scalar(out: &mut String, s: &str, ctx: Context) {
    if plain_ok(s, ctx) {
        out.push_str(s);
    } else {
        push_double_quoted(out, s);
    }
}

/// Characters that must not appear raw in a YAML stream (or are line breaks to YAML 1.1).
fn needs_escape(c: char) -> bool {
    matches!(c, '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' | '\u{2028}' | '\u{2029}' | '\u{feff}' | '\u{fffe}' | '\u{ffff}')
}

fn push_double_quoted(out: &mut String, s: &str) {
    out.reserve(s.len() + 2);
    out.push('"');
    for c in s.chars() {
        match c {
            '"' => out.push_str("\\\""),
            '\\' => out.push_str("\\\\"),
            '\n' => out.push_str("\\n"),
            '\t' => out.push_str("\\t"),
            '\r' => out.push_str("\\r"),
            c if needs_escape(c) => out.push_str(&format!("\\u{:04x}", c as u32)),
            c => out.push(c),
        }
    }
    out.push('"');
}

/// Words YAML 1.1 or 1.2 reads as null or a boolean (compared without case), and the merge key.
const RESERVED: [&str; 12] = [
    "null", "~", "true", "false", "yes", "no", "y", "n", "on", "off", "<<", "=",
];

/// Whether `s` may be written without quotes and still be read back as this very string.
///
/// Deliberately stricter than YAML: a string that might be a number, a date or a boolean in any
/// YAML version is quoted, as is one with a character that YAML gives a meaning to where it
/// stands.
fn plain_ok(s: &str, ctx: Context) -> bool {
    let Some(first) = s.chars().next() else {
        return false;
    };
    if first.is_whitespace() || s.ends_with(char::is_whitespace) || s.ends_with(':') {
        return false;
    }
    if "-?:,[]{}#&*!|>'\"%@`".contains(first) {
        return false;
    }
    let mut previous = first;
    for c in s.chars() {
        let breaks = match c {
            // `: ` starts a value and ` #` a comment.
            ' ' => previous == ':',
            '#' => previous == ' ',
            '\t' => true,
            // Some YAML 1.1 readers refuse `:` anywhere in a flow scalar.
            ',' | '[' | ']' | '{' | '}' | ':' => ctx == Context::Flow,
            c => needs_escape(c),
        };
        if breaks {
            return false;
        }
        previous = c;
    }
    if s.len() <= 5 && RESERVED.iter().any(|r| r.eq_ignore_ascii_case(s)) {
        return false;
    }
    !looks_numeric(s)
}

/// Whether a YAML reader might take `s` for a number, a date or a time (`443`, `0x1F`, `1e3`,
/// `.inf`, `2010-09-09`, `12:30`): it starts with a digit or a dot (after a sign) and holds
/// nothing that no such literal holds.
fn looks_numeric(s: &str) -> bool {
    let body = s.strip_prefix(['+', '-']).unwrap_or(s);
    let starts = body
        .chars()
        .next()
        .is_some_and(|c| c.is_ascii_digit() || c == '.');
    starts
        && body
            .chars()
            .all(|c| c.is_ascii_hexdigit() || "_.:+-xXoOiInNtTzZ ".contains(c))
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    fn yaml(v: Value) -> String {
        document(&json!({ "K": v }))
    }

    #[test]
    fn strings_a_reader_would_take_for_something_else_are_quoted() {
        for s in [
            "true",
            "False",
            "yes",
            "NO",
            "on",
            "y",
            "null",
            "~",
            "",
            "443",
            "0x1F",
            "1e3",
            "2010-09-09",
            "12:30",
            ".inf",
            "-.5",
            "+1",
            "<<",
            "*",
            "&a",
            "!Ref",
            "- item",
            "key: value",
            "a #comment",
            "ends:",
            " lead",
            "trail ",
            "'q'",
            "\"q\"",
            "%x",
            "@x",
            "`x`",
            "|",
            ">",
            "#",
            "line\nbreak",
            "tab\there",
        ] {
            let out = yaml(json!(s));
            assert!(out.starts_with("K: \""), "{s:?} was written {out:?}");
        }
    }

    #[test]
    fn ordinary_strings_are_plain() {
        for s in [
            "10.0.0.0/16",
            "AWS::EC2::VPC",
            "s3:GetObject",
            "arn:${AWS::Partition}:s3:::my_secure_bucket/*",
            "${AWS::StackName}-vpc",
            "HTTPS from the VPC",
            "it's fine",
        ] {
            assert_eq!(yaml(json!(s)), format!("K: {s}\n"));
        }
    }

    #[test]
    fn flow_lists_quote_what_ends_a_flow_scalar() {
        let v = json!({"Fn::Join": [",", [{"Ref": "A"}, "a:b", "${X}", "plain"]]});
        assert_eq!(
            yaml(v),
            "K: !Join [\",\", [!Ref A, \"a:b\", \"${X}\", plain]]\n"
        );
    }

    #[test]
    fn short_forms() {
        assert_eq!(yaml(json!({"Ref": "AWS::Region"})), "K: !Ref AWS::Region\n");
        assert_eq!(
            yaml(json!({"Fn::GetAtt": ["Db", "Endpoint.Address"]})),
            "K: !GetAtt Db.Endpoint.Address\n"
        );
        assert_eq!(
            yaml(json!({"Fn::Select": [0, {"Fn::GetAZs": ""}]})),
            "K: !Select [0, !GetAZs \"\"]\n"
        );
        assert_eq!(
            yaml(json!({"Fn::Cidr": [{"Fn::GetAtt": ["Vpc", "CidrBlock"]}, 3, 8]})),
            "K: !Cidr [!GetAtt Vpc.CidrBlock, 3, 8]\n"
        );
    }

    #[test]
    fn a_function_of_a_single_tagged_argument_keeps_its_long_name() {
        assert_eq!(
            yaml(json!({"Fn::ImportValue": {"Fn::Sub": "${Net}-VpcId"}})),
            "K:\n  Fn::ImportValue: !Sub ${Net}-VpcId\n"
        );
    }

    #[test]
    fn long_argument_lists_go_below_their_tag() {
        let v = json!({"Fn::If": ["IsChinaPartition",
            {"Fn::Sub": "cn.com.amazonaws.${AWS::Region}.sagemaker.api"},
            {"Fn::Sub": "com.amazonaws.${AWS::Region}.sagemaker.api"}]});
        assert_eq!(
            yaml(v),
            "K: !If\n  - IsChinaPartition\n  - !Sub cn.com.amazonaws.${AWS::Region}.sagemaker.api\n  - !Sub com.amazonaws.${AWS::Region}.sagemaker.api\n"
        );
    }

    #[test]
    fn sub_with_variables_is_a_block() {
        let v = json!({"Fn::Sub": ["${A}-x", {"A": {"Ref": "B"}}]});
        assert_eq!(yaml(v), "K: !Sub\n  - ${A}-x\n  - A: !Ref B\n");
    }

    #[test]
    fn lists_of_mappings_and_lists() {
        let v = json!([{"Key": "Name", "Value": "x"}, ["a", "b"], []]);
        assert_eq!(
            yaml(v),
            "K:\n  - Key: Name\n    Value: x\n  - - a\n    - b\n  - []\n"
        );
    }

    #[test]
    fn floats_keep_a_dot_and_a_signed_exponent() {
        assert_eq!(yaml(json!(1e20)), "K: 1.0e+20\n");
        assert_eq!(yaml(json!(2.5)), "K: 2.5\n");
        assert_eq!(yaml(json!(443)), "K: 443\n");
    }

    #[test]
    fn every_short_form_reads_back_as_written() {
        use super::super::intrinsic::SHORT_FORMS;
        use super::super::text::yaml_to_value;
        for (tag, long) in SHORT_FORMS {
            let args = match *long {
                "Fn::GetAtt" => vec![json!(["Db", "Endpoint.Address"]), json!(["R", "Arn"])],
                "Fn::GetAZs" => vec![json!(""), json!({"Ref": "AWS::Region"})],
                _ => vec![
                    json!("Name"),
                    json!(["a", {"Ref": "B"}, ["c", 1]]),
                    json!({"Key": ["v", {"Fn::Sub": "${AWS::Region}"}]}),
                ],
            };
            for arg in args {
                let v = json!({ "K": { *long: arg } });
                let text = document(&v);
                assert!(
                    text.contains(tag) || !arg.is_string(),
                    "{long} was written {text:?}"
                );
                assert_eq!(yaml_to_value(&text).unwrap(), v, "{text}");
            }
        }
    }

    #[test]
    fn control_characters_are_escaped() {
        assert_eq!(yaml(json!("a\u{7}b\u{2028}")), "K: \"a\\u0007b\\u2028\"\n");
    }
}
