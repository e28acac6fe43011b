//! JSON for scripts, written as `serde_json::to_string_pretty` writes it, with the C1 controls and
//! DEL that serde_json leaves raw escaped (`\u009b`), so that no listing can drive a terminal.
//!
//! `status --json` writes each dossier's element on the thread that assessed it, already indented
//! as an element of the whole array and already escaped. Escaping afterwards, over the whole
//! text, and indenting each element line by line took a fifth of that listing at 100 000 dossiers
//! (200 MB of text).

use std::io::{self, Write};

use serde::Serialize;
use serde_json::ser::Formatter;

/// `value` pretty-printed as an element of an array at the top level: each line indented by two
/// more spaces, as `serde_json::to_string_pretty` prints the element within the array.
pub fn array_element<T: Serialize>(value: &T) -> String {
    let mut out = Vec::with_capacity(2048);
    out.extend_from_slice(b"  ");
    let mut ser = serde_json::Serializer::with_formatter(
        &mut out,
        Pretty {
            level: 1,
            has_value: false,
        },
    );
    if value.serialize(&mut ser).is_err() {
        out.truncate(2);
        out.extend_from_slice(b"null");
    }
    // Kept until the whole listing is sorted: not twice its size.
    out.shrink_to_fit();
    // serde_json writes UTF-8, and the escapes are ASCII.
    String::from_utf8(out).unwrap_or_default()
}

/// serde_json's `PrettyFormatter` (two spaces) starting at `level`, which escapes DEL and C1.
struct Pretty {
    level: usize,
    has_value: bool,
}

impl Pretty {
    fn indent<W: ?Sized + Write>(&self, w: &mut W) -> io::Result<()> {
        for _ in 0..self.level {
            w.write_all(b"  ")?;
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
            w.write_all(b"\n")?;
            self.indent(w)?;
        }
        w.write_all(bracket)
    }

    fn next<W: ?Sized + Write>(&mut self, w: &mut W, first: bool) -> io::Result<()> {
        w.write_all(if first { b"\n" } else { b",\n" })?;
        self.indent(w)
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
        self.next(w, first)
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
        self.next(w, first)
    }

    fn begin_object_value<W: ?Sized + Write>(&mut self, w: &mut W) -> io::Result<()> {
        w.write_all(b": ")
    }

    fn end_object_value<W: ?Sized + Write>(&mut self, _w: &mut W) -> io::Result<()> {
        self.has_value = true;
        Ok(())
    }

    /// The unescaped runs of a string: serde_json has escaped every control below 0x20 already.
    fn write_string_fragment<W: ?Sized + Write>(
        &mut self,
        w: &mut W,
        fragment: &str,
    ) -> io::Result<()> {
        // DEL is 0x7F and C1 is 0xC2 then 0x80 to 0x9F in UTF-8: most text has neither byte.
        if !fragment.bytes().any(|b| b == 0x7f || b == 0xc2) {
            return w.write_all(fragment.as_bytes());
        }
        let mut start = 0;
        for (i, c) in fragment.char_indices() {
            if c == '\u{7f}' || ('\u{80}'..='\u{9f}').contains(&c) {
                w.write_all(&fragment.as_bytes()[start..i])?;
                write!(w, "\\u{:04x}", c as u32)?;
                start = i + c.len_utf8();
            }
        }
        w.write_all(&fragment.as_bytes()[start..])
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::printable;

    #[derive(Serialize)]
    struct Sample {
        name: String,
        empty: Vec<u8>,
        lines: Vec<Line>,
        none: Option<u8>,
        map: std::collections::BTreeMap<String, Vec<u8>>,
    }

    #[derive(Serialize)]
    struct Line {
        item: String,
        n: i64,
    }

    fn sample(name: &str) -> Sample {
        Sample {
            name: name.into(),
            empty: vec![],
            lines: vec![
                Line {
                    item: format!("{name}-1"),
                    n: -3,
                },
                Line {
                    item: "°C\u{a0}€".into(),
                    n: 4,
                },
            ],
            none: None,
            map: [("k".to_string(), vec![1, 2]), ("e".to_string(), vec![])].into(),
        }
    }

    /// What the whole array, printed by serde_json and then escaped, holds for this element.
    fn as_before(v: &Sample) -> String {
        let whole = serde_json::to_string_pretty(&[v]).unwrap();
        printable(&whole[2..whole.len() - 2]).into_owned()
    }

    #[test]
    fn an_element_is_written_as_the_whole_array_printed_then_escaped_holds_it() {
        for name in [
            "ACME",
            "",
            "a\u{9b}b\u{7f}c\u{80}\u{9f}\u{a0}",
            "\x1b]52;c;SGVsbG8=\x07 \"q\" \\ é\n\t",
            "\u{7f}",
        ] {
            let s = sample(name);
            assert_eq!(array_element(&s), as_before(&s), "{name:?}");
        }
        // Still JSON, and the same text once read back.
        let s = sample("a\u{9b}b\u{7f}");
        let back: serde_json::Value =
            serde_json::from_str(&format!("[{}]", array_element(&s))).unwrap();
        assert_eq!(back[0]["name"], "a\u{9b}b\u{7f}");
    }
}
