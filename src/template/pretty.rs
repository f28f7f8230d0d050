//! serde_json's pretty layout (two spaces per level), written with one call per line break.
//!
//! `serde_json::ser::PrettyFormatter` writes a line's indentation two bytes at a time, one
//! call per level: for a template that is some seven thousand writes of two bytes, about a
//! twentieth of a synthesis. This formatter writes the line break and the whole indentation
//! together; everything else (strings, numbers, escapes) is serde_json's own. A test holds it
//! to `serde_json::to_string_pretty` byte for byte.

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::{Formatter, Serializer};

/// A line break and enough indentation for 31 levels; deeper lines take two writes or more.
const BREAK: [u8; 63] = {
    let mut line = [b' '; 63];
    line[0] = b'\n';
    line
};

/// Writes `value` as serde_json's `to_writer_pretty` would.
pub(crate) fn to_writer_pretty<T: Serialize + ?Sized>(
    out: &mut Vec<u8>,
    value: &T,
) -> serde_json::Result<()> {
    let mut serializer = Serializer::with_formatter(out, Pretty::default());
    value.serialize(&mut serializer)
}

#[derive(Default)]
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    /// A line break, then the indentation of the current level.
    fn line<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        let mut spaces = 2 * self.level;
        let first = spaces.min(BREAK.len() - 1);
        w.write_all(&BREAK[..=first])?;
        spaces -= first;
        while spaces > 0 {
            let more = spaces.min(BREAK.len() - 1);
            w.write_all(&BREAK[1..=more])?;
            spaces -= more;
        }
        Ok(())
    }

    fn open<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level += 1;
        self.has_value = false;
        w.write_all(bracket)
    }

    fn close<W: ?Sized + Write>(&mut self, w: &mut W, bracket: &[u8]) -> io::Result<()> {
        self.level -= 1;
        if self.has_value {
            self.line(w)?;
        }
        w.write_all(bracket)
    }

    fn item<W: ?Sized + Write>(&self, w: &mut W, first: bool) -> io::Result<()> {
        if !first {
            w.write_all(b",")?;
        }
        self.line(w)
    }
}

impl Formatter for Pretty {
    fn begin_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"[")
    }

    fn end_array<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"]")
    }

    fn begin_array_value<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn end_array_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    fn begin_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.open(w, b"{")
    }

    fn end_object<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        self.close(w, b"}")
    }

    fn begin_object_key<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        self.item(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use serde_json::{Value, json};

    use super::to_writer_pretty;

    fn ours(v: &Value) -> String {
        let mut out = Vec::new();
        to_writer_pretty(&mut out, v).expect("values serialize");
        String::from_utf8(out).expect("JSON is UTF-8")
    }

    #[test]
    fn the_layout_is_serde_jsons_pretty_layout_byte_for_byte() {
        let mut deep = json!({"leaf": [1, {}, [], "x"]});
        for level in 0..40 {
            deep = if level % 2 == 0 {
                json!({ "k": deep, "empty": {}, "list": [] })
            } else {
                json!([deep, null, 1.5, "a\"b\n", []])
            };
        }
        for v in [
            json!(null),
            json!({}),
            json!([]),
            json!([[]]),
            json!({"a": {}}),
            json!({"a": [], "b": [{}], "c": [[], [1]]}),
            json!({"Resources": {"Vpc": {"Type": "AWS::EC2::VPC", "Properties": {
                "CidrBlock": "10.0.0.0/16", "Tags": [{"Key": "Name", "Value": {"Fn::Sub": "${AWS::StackName}-vpc"}}]
            }}}}),
            deep,
        ] {
            let theirs = serde_json::to_string_pretty(&v).expect("values serialize");
            assert_eq!(ours(&v), theirs);
        }
    }
}
