//! Walking two property values side by side: the leaf paths that differ, the values at a
//! schema path (`Tags/*/Key`), the names an intrinsic refers to, and how alike two resources are.

use serde_json::Value;

use super::super::document::Resource;
use super::super::expr::sub_variables;
use super::super::intrinsic::Intrinsic;

/// One step of a property path.
#[derive(Debug, Clone, PartialEq, Eq)]
pub(crate) enum Seg {
    Key(String),
    Index(usize),
}

/// A property path, shown as `PolicyDocument.Statement[0].Action`.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub(crate) struct Path(pub Vec<Seg>);

impl Path {
    pub fn shown(&self) -> String {
        let mut s = String::new();
        for seg in &self.0 {
            match seg {
                Seg::Key(k) if s.is_empty() => s.push_str(k),
                Seg::Key(k) => {
                    s.push('.');
                    s.push_str(k);
                }
                Seg::Index(i) => s.push_str(&format!("[{i}]")),
            }
        }
        s
    }

    /// True when this path and the schema path `pattern` (segments, `*` for any item) lie on
    /// one branch: one is a prefix of the other.
    pub fn overlaps(&self, pattern: &[&str]) -> bool {
        self.0.iter().zip(pattern).all(|(seg, p)| match seg {
            Seg::Key(k) => k == p,
            Seg::Index(i) => *p == "*" || p.parse::<usize>().ok() == Some(*i),
        })
    }
}

/// A leaf that differs.
#[derive(Debug, Clone, PartialEq)]
pub(crate) struct Leaf {
    pub path: Path,
    pub old: Option<Value>,
    pub new: Option<Value>,
}

/// True for `{"Ref": ...}`, `{"Fn::...": ...}` and `{"Condition": ...}`: a value CloudFormation
/// computes, compared whole.
pub(crate) fn is_intrinsic(v: &Value) -> bool {
    Intrinsic::classify(v).is_some()
}

/// True when `v` holds an intrinsic function anywhere.
pub(crate) fn is_intrinsic_anywhere(v: &Value) -> bool {
    is_intrinsic(v)
        || match v {
            Value::Array(a) => a.iter().any(is_intrinsic_anywhere),
            Value::Object(m) => m.values().any(is_intrinsic_anywhere),
            _ => false,
        }
}

/// Pushes every leaf where `old` and `new` differ. Lists of equal length are compared item by
/// item; lists of different lengths and intrinsics are compared whole.
pub(crate) fn changed_leaves(
    old: Option<&Value>,
    new: Option<&Value>,
    path: &mut Path,
    out: &mut Vec<Leaf>,
) {
    if old == new {
        return;
    }
    match (old, new) {
        (Some(Value::Object(a)), Some(Value::Object(b)))
            if !is_intrinsic(old.unwrap_or(&Value::Null))
                && !is_intrinsic(new.unwrap_or(&Value::Null)) =>
        {
            for (k, va) in a {
                path.0.push(Seg::Key(k.clone()));
                changed_leaves(Some(va), b.get(k), path, out);
                path.0.pop();
            }
            for (k, vb) in b.iter().filter(|(k, _)| !a.contains_key(*k)) {
                path.0.push(Seg::Key(k.clone()));
                changed_leaves(None, Some(vb), path, out);
                path.0.pop();
            }
        }
        (Some(Value::Array(a)), Some(Value::Array(b))) if a.len() == b.len() => {
            for (i, (va, vb)) in a.iter().zip(b).enumerate() {
                path.0.push(Seg::Index(i));
                changed_leaves(Some(va), Some(vb), path, out);
                path.0.pop();
            }
        }
        _ => out.push(Leaf {
            path: path.clone(),
            old: old.cloned(),
            new: new.cloned(),
        }),
    }
}

/// The values at a schema path, `*` standing for every item of a list; `None` where a step
/// is missing.
pub(crate) fn values_at<'a>(v: &'a Value, pattern: &[&str]) -> Vec<Option<&'a Value>> {
    let Some((head, rest)) = pattern.split_first() else {
        return vec![Some(v)];
    };
    if is_intrinsic(v) {
        // A computed list or object: what lies below it is known only at deploy time, so it
        // stands for itself.
        return vec![Some(v)];
    }
    match (v, *head) {
        (Value::Array(items), "*") => items.iter().flat_map(|i| values_at(i, rest)).collect(),
        (Value::Object(m), key) => match m.get(key) {
            Some(next) => values_at(next, rest),
            None => vec![None],
        },
        _ => vec![None],
    }
}

/// The logical IDs and parameters a value refers to: `Ref`, `Fn::GetAtt`, `Fn::Sub` variables.
pub(crate) fn references(v: &Value) -> Vec<String> {
    let mut out = Vec::new();
    collect_references(v, &mut out);
    out
}

fn collect_references(v: &Value, out: &mut Vec<String>) {
    match Intrinsic::classify(v) {
        Some(Intrinsic::Ref(name)) => out.push(name.to_string()),
        Some(Intrinsic::GetAtt { resource, .. }) => out.push(resource.to_string()),
        Some(Intrinsic::Sub { text, variables }) => {
            sub_names(text, out);
            variables
                .into_iter()
                .flat_map(|vars| vars.values())
                .for_each(|i| collect_references(i, out));
        }
        _ => match v {
            Value::Array(items) => items.iter().for_each(|i| collect_references(i, out)),
            Value::Object(m) => m.values().for_each(|i| collect_references(i, out)),
            _ => {}
        },
    }
}

fn sub_names(s: &str, out: &mut Vec<String>) {
    for var in sub_variables(s) {
        out.push(var.split('.').next().unwrap_or(var).to_string());
    }
}

/// A resource's properties as one JSON object.
pub(crate) fn properties(r: &Resource) -> Value {
    Value::Object(r.properties.clone().into_iter().collect())
}

/// A resource's properties as compact JSON text, to be read with IDs replaced.
pub(crate) fn properties_text(r: &Resource) -> String {
    serde_json::to_string(&properties(r)).unwrap_or_default()
}

/// The share (0 to 1) of leaf values two resources have in common, the old logical ID read as
/// the new one: `old_text` is the old resource's [`properties_text`], `new_props` the new one's
/// [`properties`]. When the two IDs differ in a prefix only (`DataScienceVpc`, `ResearchVpc`:
/// a renamed construct), the prefix is read as the new one throughout, so references to the
/// construct's other resources and `Name` tags that carry its name line up too.
pub(crate) fn similarity(old_text: &str, new_props: &Value, from: &str, to: &str) -> f64 {
    let common = common_suffix(from, to);
    let (old_prefix, new_prefix) = (&from[..from.len() - common], &to[..to.len() - common]);
    let mut readings = vec![old_text.replace(from, to)];
    if old_prefix.len() >= 3 {
        // Names derived from the construct's name (`Name` tags, group names) are often its
        // kebab or snake case: read those as renamed too.
        use heck::{ToKebabCase, ToSnakeCase};
        let renamed = old_text
            .replace(old_prefix, new_prefix)
            .replace(&old_prefix.to_kebab_case(), &new_prefix.to_kebab_case())
            .replace(&old_prefix.to_snake_case(), &new_prefix.to_snake_case());
        readings.push(renamed);
    }
    readings
        .iter()
        .filter_map(|t| serde_json::from_str::<Value>(t).ok())
        .map(|renamed| share_alike(&renamed, new_props))
        .fold(0.0, f64::max)
}

/// The length in bytes of the longest common suffix of two names.
pub(crate) fn common_suffix(a: &str, b: &str) -> usize {
    a.chars()
        .rev()
        .zip(b.chars().rev())
        .take_while(|(x, y)| x == y)
        .map(|(x, _)| x.len_utf8())
        .sum()
}

fn share_alike(old: &Value, new: &Value) -> f64 {
    let total = leaf_count(old).max(leaf_count(new));
    if total == 0 {
        return 1.0;
    }
    let mut leaves = Vec::new();
    changed_leaves(Some(old), Some(new), &mut Path::default(), &mut leaves);
    let differing: usize = leaves
        .iter()
        .map(|l| {
            let a = l.old.as_ref().map_or(0, leaf_count);
            let b = l.new.as_ref().map_or(0, leaf_count);
            a.max(b).max(1)
        })
        .sum();
    1.0 - (differing.min(total) as f64 / total as f64)
}

fn leaf_count(v: &Value) -> usize {
    match v {
        Value::Array(a) if !a.is_empty() => a.iter().map(leaf_count).sum(),
        Value::Object(m) if !m.is_empty() && !is_intrinsic(v) => m.values().map(leaf_count).sum(),
        _ => 1,
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn leaves_name_the_innermost_change() {
        let old = json!({"PolicyDocument": {"Statement": [{"Action": "s3:GetObject"}]}, "A": 1});
        let new = json!({"PolicyDocument": {"Statement": [{"Action": "s3:*"}]}, "B": 2});
        let mut out = Vec::new();
        changed_leaves(Some(&old), Some(&new), &mut Path::default(), &mut out);
        let shown: Vec<_> = out.iter().map(|l| l.path.shown()).collect();
        assert_eq!(shown, ["PolicyDocument.Statement[0].Action", "A", "B"]);
    }

    #[test]
    fn schema_paths_expand_lists_and_stop_at_intrinsics() {
        let v = json!({"Tags": [{"Key": "a"}, {"Key": "b"}], "Ids": {"Ref": "P"}});
        assert_eq!(
            values_at(&v, &["Tags", "*", "Key"]),
            [Some(&json!("a")), Some(&json!("b"))]
        );
        assert_eq!(values_at(&v, &["Ids", "*"]), [Some(&json!({"Ref": "P"}))]);
        assert_eq!(values_at(&v, &["Missing"]), [None]);
    }

    #[test]
    fn references_cover_ref_getatt_and_sub() {
        let v = json!([{"Ref": "Vpc"}, {"Fn::GetAtt": ["Key", "Arn"]},
            {"Fn::Sub": "${Bucket}/${Role.Arn}/${!x}"}, {"Fn::Sub": ["${X}", {"X": {"Ref": "P"}}]}]);
        assert_eq!(references(&v), ["Vpc", "Key", "Bucket", "Role", "X", "P"]);
    }
}
