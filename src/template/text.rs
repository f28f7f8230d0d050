//! Reading text written by anyone into JSON values: JSON, or YAML with CloudFormation's
//! short-form tags.
//!
//! YAML is parsed with `yaml-rust2`'s event parser rather than a serde deserializer because the
//! short forms (`!Ref`, `!GetAtt`, `!Sub`, ...) are YAML tags, which serde-based readers either
//! drop or refuse. Each tagged node is rewritten into the long form CloudFormation itself uses
//! (`{"Ref": ...}`, `{"Fn::GetAtt": [...]}`), so everything downstream sees one shape.
//!
//! Both readers are hostile-input safe: the text may be at most [`quota::INPUT_BYTES`] long,
//! nested at most [`MAX_DEPTH`] levels (serde_json's own limit, so both formats agree), YAML
//! aliases may expand to at most [`MAX_ALIAS_EXPANSION`] bytes' worth of nodes, and a key given
//! twice in one mapping is refused with both places named, as CloudFormation refuses it.

use std::cell::Cell;
use std::collections::HashMap;

use serde::de::{DeserializeSeed, Deserializer, MapAccess, SeqAccess, Visitor};

use serde_json::{Map, Number, Value};
use yaml_rust2::parser::{Event, MarkedEventReceiver, Parser, Tag};
use yaml_rust2::scanner::{Marker, TScalarStyle};

use super::document::quota;
use super::intrinsic::{SHORT_FORMS, long_name};
use crate::error::{Error, Result};

/// How deep mappings and lists may nest, in JSON and YAML alike: serde_json's recursion
/// limit. Real templates nest a dozen levels; a policy document inside a resource some twenty.
pub const MAX_DEPTH: usize = 128;

/// How much YAML aliases may expand to, counted as the bytes of the strings they copy plus
/// [`NODE_WEIGHT`] per node. A "billion laughs" document of a few hundred bytes stops here
/// instead of filling memory; templates that use anchors for shared tags stay far below it.
pub const MAX_ALIAS_EXPANSION: usize = 16 * 1024 * 1024;

/// What one copied node counts for in [`MAX_ALIAS_EXPANSION`]: about what it costs in memory.
const NODE_WEIGHT: usize = 48;

/// Refuses text over [`quota::INPUT_BYTES`].
pub(crate) fn check_size(len: usize) -> Result<()> {
    if len > quota::INPUT_BYTES {
        return Err(Error::InputTooLarge {
            limit: quota::INPUT_BYTES,
        });
    }
    Ok(())
}

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
    check_size(text.len())?;
    // A byte-order mark is not content; JSON and YAML readers alike skip it.
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let mut text = std::borrow::Cow::Borrowed(text);
    // Hand-written templates often close a multi-line quoted policy at the key's own
    // indentation, which CloudFormation (and PyYAML) accept but a strict YAML 1.2 parser does
    // not. Leading spaces on the continuation lines of a quoted scalar are folded away, so
    // indenting them changes no value: do that and parse again. Each retry reads the whole
    // text, so the retries are bounded by the bytes they read, not only by their number.
    let mut budget = 64 * quota::INPUT_BYTES;
    loop {
        let mut builder = Builder::default();
        let mut parser = Parser::new_from_str(&text);
        match feed(&mut parser, &mut builder) {
            Err(e) if e.info() == "invalid indentation in quoted scalar" && budget > text.len() => {
                budget -= text.len();
                let m = e.marker();
                match indent_quoted(&text, m.line(), m.col()) {
                    Some(fixed) => text = std::borrow::Cow::Owned(fixed),
                    None => return Err(syntax("YAML", m, e.info())),
                }
            }
            Err(e) => {
                // The builder stops at the first error it finds; the parser may only fail later.
                return Err(builder
                    .error
                    .unwrap_or_else(|| syntax("YAML", e.marker(), e.info())));
            }
            Ok(()) => {
                if let Some(e) = builder.error {
                    return Err(e);
                }
                return Ok(builder.root.unwrap_or(Value::Null));
            }
        }
    }
}

/// Hands the parser's events to the builder until the stream ends or the builder has found an
/// error. `Parser::load` would recurse once per nesting level and overflow the stack on
/// hostile input; this loop does not, and the builder refuses depth past [`MAX_DEPTH`].
fn feed(
    parser: &mut Parser<std::str::Chars<'_>>,
    builder: &mut Builder,
) -> Result<(), yaml_rust2::ScanError> {
    loop {
        let (event, mark) = parser.next_token()?;
        let end = event == Event::StreamEnd;
        builder.on_event(event, mark);
        if end || builder.error.is_some() {
            return Ok(());
        }
    }
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
        /// Where each key was written, to name both places of a duplicate.
        marks: HashMap<String, Marker>,
        tag: Option<Tag>,
        anchor: usize,
        mark: Marker,
    },
}

#[derive(Default)]
struct Builder {
    stack: Vec<Frame>,
    /// Anchored values with their weight (see [`MAX_ALIAS_EXPANSION`]).
    anchors: HashMap<usize, (Value, usize)>,
    /// The weight aliases have copied so far.
    expanded: usize,
    /// Documents seen: a template is one.
    documents: usize,
    root: Option<Value>,
    error: Option<Error>,
}

/// What a value counts for in [`MAX_ALIAS_EXPANSION`].
fn weight(v: &Value) -> usize {
    NODE_WEIGHT
        + match v {
            Value::String(s) => s.len(),
            Value::Array(items) => items.iter().map(weight).sum(),
            Value::Object(m) => m.iter().map(|(k, v)| k.len() + weight(v)).sum(),
            _ => 0,
        }
}

impl Builder {
    fn anchor(&mut self, anchor: usize, v: &Value) {
        if anchor > 0 {
            self.anchors.insert(anchor, (v.clone(), weight(v)));
        }
    }

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
            Some(Frame::Map {
                map, key, marks, ..
            }) => match key.take() {
                None => {
                    let k = match value {
                        Value::String(s) => s,
                        Value::Number(n) => n.to_string(),
                        Value::Bool(b) => b.to_string(),
                        Value::Null => String::new(),
                        _ => {
                            self.fail(mark, "a mapping key must be a plain value".into());
                            return;
                        }
                    };
                    if let Some(first) = marks.get(&k) {
                        let message = format!(
                            "the key `{k}` appears twice in one mapping (first at line {}, column {}); CloudFormation refuses duplicate keys, so keep one",
                            first.line(),
                            first.col() + 1
                        );
                        self.fail(mark, message);
                        return;
                    }
                    marks.insert(k.clone(), *mark);
                    *key = Some(k);
                }
                Some(k) => {
                    map.insert(k, value);
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
        let Some(long) = long_name(&tag.suffix) else {
            self.fail(
                mark,
                format!(
                    "unknown tag `!{}`; CloudFormation's short forms are {}",
                    tag.suffix,
                    SHORT_FORMS
                        .iter()
                        .map(|(t, _)| *t)
                        .collect::<Vec<_>>()
                        .join(", ")
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
        m.insert(long.to_string(), arg);
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
                self.anchor(anchor, &v);
                self.push(v, &mark);
            }
            Event::SequenceStart(..) | Event::MappingStart(..) if self.stack.len() >= MAX_DEPTH => {
                self.fail(
                    &mark,
                    format!("nested more than {MAX_DEPTH} levels deep; no template needs that"),
                );
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
                marks: HashMap::new(),
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
                self.anchor(anchor, &v);
                self.push(v, &start);
            }
            Event::Alias(id) => match self.anchors.get(&id) {
                Some((v, w)) => {
                    self.expanded += w;
                    if self.expanded > MAX_ALIAS_EXPANSION {
                        let message = format!(
                            "aliases expand to more than {} MiB; a template that needs this many copies is refused (an alias bomb looks like this)",
                            MAX_ALIAS_EXPANSION >> 20
                        );
                        self.fail(&mark, message);
                    } else {
                        let v = v.clone();
                        self.push(v, &mark);
                    }
                }
                None => self.fail(&mark, "alias to an unknown anchor".into()),
            },
            Event::DocumentStart => {
                self.documents += 1;
                if self.documents > 1 {
                    self.fail(
                        &mark,
                        "a second YAML document starts here; a template is one document, so split the file or remove the `---`".into(),
                    );
                }
            }
            Event::Nothing | Event::StreamStart | Event::StreamEnd | Event::DocumentEnd => {}
        }
    }
}

/// Parses JSON text, reporting errors with line and column.
///
/// Refuses what CloudFormation refuses and serde_json alone would let through: a key given
/// twice in one object (the last one would win silently and could hide a resource).
///
/// ```
/// use airgap::template::json_to_value;
/// let e = json_to_value("{\"A\": 1,\n \"A\": 2}").unwrap_err();
/// assert!(e.to_string().contains("line 2"), "{e}");
/// ```
pub fn json_to_value(text: &str) -> Result<Value> {
    check_size(text.len())?;
    let text = text.strip_prefix('\u{feff}').unwrap_or(text);
    let syntax = |e: serde_json::Error| Error::TemplateSyntax {
        format: "JSON",
        line: e.line(),
        column: e.column(),
        message: e.to_string(),
    };
    let duplicate = Cell::new(false);
    let mut reader = serde_json::Deserializer::from_str(text);
    let value = Checked {
        duplicate: &duplicate,
    }
    .deserialize(&mut reader)
    .map_err(syntax)?;
    reader.end().map_err(syntax)?;
    // Only a document that holds a key twice is read again, to name both places.
    if duplicate.get()
        && let Some(d) = first_duplicate_key(text)
    {
        return Err(Error::TemplateSyntax {
            format: "JSON",
            line: d.second.0,
            column: d.second.1,
            message: format!(
                "the key `{}` appears twice in one object (first at line {}, column {}); CloudFormation refuses duplicate keys, so keep one",
                d.key, d.first.0, d.first.1
            ),
        });
    }
    Ok(value)
}

/// A JSON value as serde_json's own `Value` reads it (the last of two equal keys wins, in the
/// first one's place), noting in `duplicate` whether any object held a key twice: the map
/// being built says so when a key is inserted, so the check costs nothing on the way.
struct Checked<'a> {
    duplicate: &'a Cell<bool>,
}

impl<'de> DeserializeSeed<'de> for Checked<'_> {
    type Value = Value;

    fn deserialize<D: Deserializer<'de>>(self, d: D) -> std::result::Result<Value, D::Error> {
        d.deserialize_any(self)
    }
}

impl<'de> Visitor<'de> for Checked<'_> {
    type Value = Value;

    fn expecting(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("a JSON value")
    }

    fn visit_bool<E>(self, b: bool) -> std::result::Result<Value, E> {
        Ok(Value::Bool(b))
    }

    fn visit_i64<E>(self, n: i64) -> std::result::Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_u64<E>(self, n: u64) -> std::result::Result<Value, E> {
        Ok(Value::Number(n.into()))
    }

    fn visit_f64<E>(self, n: f64) -> std::result::Result<Value, E> {
        Ok(Number::from_f64(n).map_or(Value::Null, Value::Number))
    }

    fn visit_str<E>(self, s: &str) -> std::result::Result<Value, E> {
        Ok(Value::String(s.to_string()))
    }

    fn visit_string<E>(self, s: String) -> std::result::Result<Value, E> {
        Ok(Value::String(s))
    }

    fn visit_unit<E>(self) -> std::result::Result<Value, E> {
        Ok(Value::Null)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut seq: A) -> std::result::Result<Value, A::Error> {
        let mut items = Vec::with_capacity(seq.size_hint().unwrap_or(0));
        while let Some(item) = seq.next_element_seed(Checked {
            duplicate: self.duplicate,
        })? {
            items.push(item);
        }
        Ok(Value::Array(items))
    }

    fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> std::result::Result<Value, A::Error> {
        let mut m = Map::new();
        while let Some(key) = map.next_key::<String>()? {
            let value = map.next_value_seed(Checked {
                duplicate: self.duplicate,
            })?;
            if m.insert(key, value).is_some() {
                self.duplicate.set(true);
            }
        }
        Ok(Value::Object(m))
    }
}

/// The keys of an open object, each with where it was written: its line, the byte offset of
/// that line's start, and its own byte offset.
type Keys = HashMap<String, (usize, usize, usize)>;

struct Duplicate {
    key: String,
    first: (usize, usize),
    second: (usize, usize),
}

/// The first key written twice in one object of `text`, which must be valid JSON. One pass,
/// keeping the keys of the objects that are open.
fn first_duplicate_key(text: &str) -> Option<Duplicate> {
    let bytes = text.as_bytes();
    // One entry per open object or array; arrays hold no keys.
    let mut open: Vec<Option<Keys>> = Vec::new();
    let (mut line, mut line_start) = (1, 0);
    let mut expect_key = false;
    let mut i = 0;
    while i < bytes.len() {
        match bytes[i] {
            b'\n' => {
                line += 1;
                line_start = i + 1;
            }
            b'{' => {
                open.push(Some(HashMap::new()));
                expect_key = true;
            }
            b'[' => {
                open.push(None);
                expect_key = false;
            }
            b'}' | b']' => {
                open.pop();
                expect_key = false;
            }
            b',' => expect_key = matches!(open.last(), Some(Some(_))),
            b'"' => {
                let start = i;
                i += 1;
                while i < bytes.len() && bytes[i] != b'"' {
                    i += if bytes[i] == b'\\' { 2 } else { 1 };
                }
                if expect_key && let Some(Some(keys)) = open.last_mut() {
                    let key: String = serde_json::from_str(&text[start..=i]).ok()?;
                    // Columns are counted only for the answer: counting them for every key
                    // would make a one-line document quadratic.
                    let column = |(line, line_start, at): (usize, usize, usize)| {
                        (line, text[line_start..at].chars().count() + 1)
                    };
                    let here = (line, line_start, start);
                    if let Some(first) = keys.get(&key) {
                        return Some(Duplicate {
                            key,
                            first: column(*first),
                            second: column(here),
                        });
                    }
                    keys.insert(key, here);
                }
                expect_key = false;
            }
            _ => {}
        }
        i += 1;
    }
    None
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn block_nesting_past_the_limit_is_refused_not_a_stack_overflow() {
        let deep = "- ".repeat(30_000) + "a\n";
        let e = yaml_to_value(&deep).unwrap_err();
        assert!(e.to_string().contains("nested more than 128"), "{e}");
        let fine = "- ".repeat(MAX_DEPTH - 1) + "a\n";
        assert!(yaml_to_value(&fine).is_ok());
    }

    #[test]
    fn an_alias_bomb_is_refused_quickly() {
        let mut text = "a: &a [x, x, x, x, x, x, x, x, x]\n".to_string();
        for level in 1..9u8 {
            let (name, prev) = ((b'a' + level) as char, (b'a' + level - 1) as char);
            let refs = vec![format!("*{prev}"); 9].join(", ");
            text.push_str(&format!("{name}: &{name} [{refs}]\n"));
        }
        let started = std::time::Instant::now();
        let e = yaml_to_value(&text).unwrap_err();
        assert!(e.to_string().contains("aliases expand"), "{e}");
        assert!(started.elapsed().as_secs() < 5);
    }

    #[test]
    fn the_one_pass_reader_builds_what_serde_json_builds() {
        let text = r#"{"a": [1, -2, 3.5, 1e300, 18446744073709551615, true, null, "s\u0041"],
            "b": {"z": {}, "y": []}, "c": ""}"#;
        let expected: Value = serde_json::from_str(text).unwrap();
        assert_eq!(json_to_value(text).unwrap(), expected);
        // Key order survives, and so does a value serde_json would have taken.
        let keys: Vec<_> = json_to_value(text).unwrap()["b"]
            .as_object()
            .unwrap()
            .keys()
            .cloned()
            .collect();
        assert_eq!(keys, ["z", "y"]);
        assert!(json_to_value("{} x").is_err());
    }

    #[test]
    fn duplicate_keys_are_refused_in_json_with_both_places() {
        let e = json_to_value("{\"Resources\": {\"A\": {\"Type\": \"AWS::SNS::Topic\"},\n  \"A\": {\"Type\": \"AWS::EC2::InternetGateway\"}}}")
            .unwrap_err();
        let Error::TemplateSyntax {
            line,
            column,
            message,
            ..
        } = &e
        else {
            panic!("{e:?}")
        };
        assert_eq!((*line, *column), (2, 3));
        assert!(
            message.contains("`A` appears twice") && message.contains("first at line 1, column 16"),
            "{message}"
        );
        // The same key in different objects, escaped keys equal to plain ones, keys inside strings.
        assert!(
            json_to_value(r#"{"a": {"k": 1}, "b": {"k": 2}, "c": "\"k\": 1, \"k\": 2"}"#).is_ok()
        );
        assert!(json_to_value(r#"{"k": 1, "\u006b": 2}"#).is_err());
        assert!(json_to_value(r#"[{"k": 1}, {"k": 2}]"#).is_ok());
    }

    #[test]
    fn duplicate_keys_in_yaml_name_both_places() {
        let e = yaml_to_value("Resources:\n  A: {Type: X}\n  A: {Type: Y}\n").unwrap_err();
        let msg = e.to_string();
        assert!(
            msg.contains("line 3") && msg.contains("first at line 2, column 3"),
            "{msg}"
        );
    }

    #[test]
    fn a_second_yaml_document_is_refused() {
        let e = yaml_to_value("Resources: {}\n---\nResources: {}\n").unwrap_err();
        assert!(e.to_string().contains("second YAML document"), "{e}");
        assert!(yaml_to_value("---\nResources: {}\n...\n").is_ok());
    }

    #[test]
    fn a_byte_order_mark_is_skipped_in_both_formats() {
        assert_eq!(
            json_to_value("\u{feff}{\"a\": 1}").unwrap(),
            json!({"a": 1})
        );
        assert_eq!(yaml_to_value("\u{feff}a: 1\n").unwrap(), json!({"a": 1}));
    }

    #[test]
    fn input_over_the_limit_is_refused_before_parsing() {
        let big = " ".repeat(quota::INPUT_BYTES + 1);
        assert!(matches!(
            json_to_value(&big),
            Err(Error::InputTooLarge { .. })
        ));
        assert!(matches!(
            yaml_to_value(&big),
            Err(Error::InputTooLarge { .. })
        ));
    }

    #[test]
    fn rule_functions_have_short_forms() {
        let v = yaml_to_value(
            "a: !ValueOf [P, Tags.Env]\nb: !ValueOfAll [AWS::EC2::VPC::Id, Tags.Env]\nc: !RefAll AWS::EC2::VPC::Id\n\
             d: !Contains [[a], !Ref P]\ne: !EachMemberEquals [!RefAll T, x]\nf: !EachMemberIn [!RefAll T, [x]]\n",
        )
        .unwrap();
        assert_eq!(v["a"], json!({"Fn::ValueOf": ["P", "Tags.Env"]}));
        assert_eq!(v["c"], json!({"Fn::RefAll": "AWS::EC2::VPC::Id"}));
        assert_eq!(
            v["e"]["Fn::EachMemberEquals"][0],
            json!({"Fn::RefAll": "T"})
        );
        assert_eq!(v["f"]["Fn::EachMemberIn"][1], json!(["x"]));
        assert!(v["b"].get("Fn::ValueOfAll").is_some() && v["d"].get("Fn::Contains").is_some());
    }
}
