//! How each kind of config field is read, with messages in the words of the config's schema
//! (`expected a list, found a string`) rather than serde's (`invalid type: string "sts",
//! expected a sequence`). The path to the value (`endpoints[1]`, `tags.team`) is added by
//! `serde_path_to_error` around the whole reading, so these name only what is wrong.

use std::fmt;
use std::marker::PhantomData;

use indexmap::IndexMap;
use serde::de::{self, Deserialize, Deserializer, MapAccess, SeqAccess, Visitor};
use serde_json::Value;

use crate::error::Error;
use crate::net::{MAX_ZONES, Service};
use crate::patterns::sagemaker::Workload;
use crate::template::json_kind as kind;

/// The names of a struct's fields, as its derived `Deserialize` declares them.
pub(super) fn field_names<'de, T: Deserialize<'de>>() -> &'static [&'static str] {
    /// A deserializer that only notes the fields it is asked for.
    struct Fields(&'static [&'static str]);
    impl<'de> Deserializer<'de> for &mut Fields {
        type Error = de::value::Error;
        fn deserialize_any<V: Visitor<'de>>(self, _: V) -> Result<V::Value, Self::Error> {
            Err(de::Error::custom("only a struct's field names are read"))
        }
        fn deserialize_struct<V: Visitor<'de>>(
            self,
            _name: &'static str,
            fields: &'static [&'static str],
            visitor: V,
        ) -> Result<V::Value, Self::Error> {
            self.0 = fields;
            self.deserialize_any(visitor)
        }
        serde::forward_to_deserialize_any! {
            bool i8 i16 i32 i64 i128 u8 u16 u32 u64 u128 f32 f64 char str string bytes
            byte_buf option unit unit_struct newtype_struct seq tuple tuple_struct map enum
            identifier ignored_any
        }
    }
    let mut fields = Fields(&[]);
    let _ = T::deserialize(&mut fields);
    fields.0
}

/// A value read whole, then checked: the leaves of the config.
fn leaf<'de, D: Deserializer<'de>, T>(
    d: D,
    check: impl FnOnce(&Value) -> Result<T, String>,
) -> Result<T, D::Error> {
    let v = Value::deserialize(d)?;
    check(&v).map_err(de::Error::custom)
}

fn as_text(v: &Value) -> Result<String, String> {
    v.as_str()
        .map(str::to_string)
        .ok_or_else(|| format!("expected a string, found {}", kind(v)))
}

fn whole(v: &Value, min: u64, max: u64) -> Result<u64, String> {
    match v.as_u64() {
        Some(n) if (min..=max).contains(&n) => Ok(n),
        _ => Err(format!(
            "expected a whole number from {min} to {max}, found {}",
            match v {
                Value::Number(n) => n.to_string(),
                other => kind(other).to_string(),
            }
        )),
    }
}

/// A library error about one value, said of the config field that gave it.
fn named(e: Error) -> String {
    match e {
        Error::Parse {
            what,
            value,
            reason,
            ..
        } => format!("`{value}` is not a valid {what}: {reason}"),
        other => other.to_string(),
    }
}

pub(super) fn text<'de, D: Deserializer<'de>>(d: D) -> Result<String, D::Error> {
    leaf(d, as_text)
}

pub(super) fn some_text<'de, D: Deserializer<'de>>(d: D) -> Result<Option<String>, D::Error> {
    leaf(d, as_text).map(Some)
}

pub(super) fn flag<'de, D: Deserializer<'de>>(d: D) -> Result<bool, D::Error> {
    leaf(d, |v| {
        v.as_bool()
            .ok_or_else(|| format!("expected true or false, found {}", kind(v)))
    })
}

pub(super) fn zones<'de, D: Deserializer<'de>>(d: D) -> Result<Option<usize>, D::Error> {
    // MAX_ZONES is a small constant; the cast back cannot truncate.
    leaf(d, |v| {
        whole(v, 1, MAX_ZONES as u64).map(|n| Some(n as usize))
    })
}

pub(super) fn subnet_prefix<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u8>, D::Error> {
    leaf(d, |v| whole(v, 16, 28).map(|n| Some(n as u8)))
}

pub(super) fn retention_days<'de, D: Deserializer<'de>>(d: D) -> Result<Option<u32>, D::Error> {
    leaf(d, |v| whole(v, 1, 3653).map(|n| Some(n as u32)))
}

/// What a list of the config holds, read from one item.
pub(super) trait Item: Sized {
    fn read(v: &Value) -> Result<Self, String>;
}

impl Item for String {
    fn read(v: &Value) -> Result<Self, String> {
        as_text(v)
    }
}

impl Item for Service {
    fn read(v: &Value) -> Result<Self, String> {
        Service::from_id(&as_text(v)?).map_err(named)
    }
}

impl Item for Workload {
    fn read(v: &Value) -> Result<Self, String> {
        Workload::from_id(&as_text(v)?).map_err(named)
    }
}

/// One item, read through [`Item`] so that its place in the list is on the error's path.
struct One<T>(T);

impl<'de, T: Item> Deserialize<'de> for One<T> {
    fn deserialize<D: Deserializer<'de>>(d: D) -> Result<Self, D::Error> {
        leaf(d, T::read).map(One)
    }
}

/// Refuses every kind of JSON value but the one a visitor reads, in the schema's words.
macro_rules! refuse_other_kinds {
    () => {
        fn visit_unit<E: de::Error>(self) -> Result<Self::Value, E> {
            Err(self.found("null"))
        }
        fn visit_bool<E: de::Error>(self, _: bool) -> Result<Self::Value, E> {
            Err(self.found("a boolean"))
        }
        fn visit_i64<E: de::Error>(self, _: i64) -> Result<Self::Value, E> {
            Err(self.found("a number"))
        }
        fn visit_u64<E: de::Error>(self, _: u64) -> Result<Self::Value, E> {
            Err(self.found("a number"))
        }
        fn visit_f64<E: de::Error>(self, _: f64) -> Result<Self::Value, E> {
            Err(self.found("a number"))
        }
        fn visit_str<E: de::Error>(self, _: &str) -> Result<Self::Value, E> {
            Err(self.found("a string"))
        }
    };
}

struct ListOf<T>(PhantomData<T>);

impl<T> ListOf<T> {
    fn found<E: de::Error>(&self, what: &str) -> E {
        E::custom(format!("expected a list, found {what}"))
    }
}

impl<'de, T: Item> Visitor<'de> for ListOf<T> {
    type Value = Vec<T>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("a list")
    }

    fn visit_seq<A: SeqAccess<'de>>(self, mut items: A) -> Result<Self::Value, A::Error> {
        let mut all = Vec::new();
        while let Some(One(item)) = items.next_element()? {
            all.push(item);
        }
        Ok(all)
    }

    fn visit_map<A: MapAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.found("an object"))
    }

    refuse_other_kinds!();
}

pub(super) fn list<'de, D: Deserializer<'de>, T: Item>(d: D) -> Result<Vec<T>, D::Error> {
    d.deserialize_any(ListOf(PhantomData))
}

struct Tags;

impl Tags {
    fn found<E: de::Error>(&self, what: &str) -> E {
        E::custom(format!(
            "expected an object of tag names and values, found {what}"
        ))
    }
}

impl<'de> Visitor<'de> for Tags {
    type Value = IndexMap<String, String>;

    fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
        f.write_str("an object of tag names and values")
    }

    fn visit_map<A: MapAccess<'de>>(self, mut tags: A) -> Result<Self::Value, A::Error> {
        let mut all = IndexMap::new();
        while let Some((name, One(value))) = tags.next_entry::<String, One<String>>()? {
            all.insert(name, value);
        }
        Ok(all)
    }

    fn visit_seq<A: SeqAccess<'de>>(self, _: A) -> Result<Self::Value, A::Error> {
        Err(self.found("a list"))
    }

    refuse_other_kinds!();
}

pub(super) fn tags<'de, D: Deserializer<'de>>(d: D) -> Result<IndexMap<String, String>, D::Error> {
    d.deserialize_any(Tags)
}
