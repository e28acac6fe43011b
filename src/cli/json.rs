//! JSON for scripts, written as `serde_json::to_string_pretty` writes it, with the C1 controls and
//! DEL that serde_json leaves raw escaped (`\u009b`), so that no listing can drive a terminal.
//!
//! `status --json` writes each dossier's element on the thread that assessed it, already indented
//! as an element of the whole array and already escaped. Escaping afterwards, over the whole
//! text, and indenting each element line by line took a fifth of that listing at 100 000 dossiers
//! (200 MB of text). Going through serde's `Serializer` took another third: every key escaped
//! again for every dossier, and every value through a visitor. The element is written by hand,
//! and the tests hold it to serde_json's own output.

/// One element of a top-level array, pretty-printed as serde_json prints it within the array
/// (two spaces per level, the element itself one level in).
pub struct Element {
    out: String,
    level: usize,
    /// Nothing written yet in the innermost open object or array.
    empty: bool,
}

impl Default for Element {
    fn default() -> Self {
        let mut out = String::with_capacity(2048);
        out.push_str("  ");
        Element {
            out,
            level: 1,
            empty: true,
        }
    }
}

impl Element {
    fn indent(&mut self) {
        // Two spaces per level: listings nest four deep at most, one push does it.
        const SPACES: &str = "                ";
        match SPACES.get(..2 * self.level) {
            Some(s) => self.out.push_str(s),
            None => (0..self.level).for_each(|_| self.out.push_str("  ")),
        }
    }

    /// Before a key or an array element.
    fn next(&mut self) {
        self.out.push_str(if self.empty { "\n" } else { ",\n" });
        self.empty = false;
        self.indent();
    }

    pub fn open_object(&mut self) {
        self.open('{');
    }

    pub fn close_object(&mut self) {
        self.close('}');
    }

    pub fn open_array(&mut self) {
        self.open('[');
    }

    pub fn close_array(&mut self) {
        self.close(']');
    }

    fn open(&mut self, bracket: char) {
        self.level += 1;
        self.empty = true;
        self.out.push(bracket);
    }

    /// An empty object or array stays on one line (`[]`), as serde_json prints it.
    fn close(&mut self, bracket: char) {
        self.level -= 1;
        if !self.empty {
            self.out.push('\n');
            self.indent();
        }
        // The enclosing object or array holds this one.
        self.empty = false;
        self.out.push(bracket);
    }

    /// A key of the innermost object, a name of the schema that needs no escape; its value
    /// follows.
    pub fn key(&mut self, key: &'static str) {
        debug_assert!(!key.bytes().any(needs_escape), "{key}");
        self.next();
        self.out.push('"');
        self.out.push_str(key);
        self.out.push_str("\": ");
    }

    /// Before an element of the innermost array.
    pub fn item(&mut self) {
        self.next();
    }

    pub fn opt_str(&mut self, value: Option<&str>) {
        match value {
            Some(v) => self.string(v),
            None => self.null(),
        }
    }

    /// A number, `true`, `false`: written as given.
    fn raw(&mut self, value: &str) {
        self.out.push_str(value);
    }

    /// An amount as a string of two decimals (`"1234.56"`, `format_plain`), or null.
    pub fn plain(&mut self, value: Option<rust_decimal::Decimal>) {
        match value {
            Some(v) => {
                self.out.push('"');
                crate::domain::parse::write_plain(&mut self.out, v);
                self.out.push('"');
            }
            None => self.null(),
        }
    }

    /// A date as chrono writes it (`"2026-03-05"`), or null.
    pub fn date(&mut self, value: Option<chrono::NaiveDate>) {
        match value {
            Some(d) => self.string(crate::domain::stamp::IsoDate::new(d).as_str()),
            None => self.null(),
        }
    }

    pub fn int(&mut self, value: impl Into<i128>) {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(self.out, "{}", value.into());
    }

    pub fn bool(&mut self, value: bool) {
        self.raw(if value { "true" } else { "false" });
    }

    pub fn null(&mut self) {
        self.raw("null");
    }

    /// The element's text, kept until the whole listing is sorted: not twice its size.
    pub fn finish(mut self) -> String {
        self.out.shrink_to_fit();
        self.out
    }

    /// A JSON string: serde_json's escapes (`\"`, `\\`, `\n`… and `\u00XX` for the other
    /// controls below 0x20), and `\u007f`-`\u009f` for DEL and C1, which serde_json leaves raw.
    fn string(&mut self, s: &str) {
        const HEX: &[u8; 16] = b"0123456789abcdef";
        self.out.push('"');
        if !s.bytes().any(needs_escape) {
            self.out.push_str(s);
        } else {
            for c in s.chars() {
                match c {
                    '"' => self.out.push_str("\\\""),
                    '\\' => self.out.push_str("\\\\"),
                    '\n' => self.out.push_str("\\n"),
                    '\r' => self.out.push_str("\\r"),
                    '\t' => self.out.push_str("\\t"),
                    '\u{8}' => self.out.push_str("\\b"),
                    '\u{c}' => self.out.push_str("\\f"),
                    '\0'..='\u{1f}' | '\u{7f}'..='\u{9f}' => {
                        let n = c as usize;
                        self.out.push_str("\\u00");
                        self.out.push(char::from(HEX[n >> 4]));
                        self.out.push(char::from(HEX[n & 0xf]));
                    }
                    _ => self.out.push(c),
                }
            }
        }
        self.out.push('"');
    }
}

/// A byte that starts something `Element::string` escapes. DEL is 0x7F and C1 is 0xC2 then 0x80
/// to 0x9F in UTF-8: most text has none of these. One table lookup per byte.
fn needs_escape(b: u8) -> bool {
    const TABLE: [bool; 256] = {
        let mut t = [false; 256];
        let mut i = 0;
        while i < 0x20 {
            t[i] = true;
            i += 1;
        }
        t[b'"' as usize] = true;
        t[b'\\' as usize] = true;
        t[0x7f] = true;
        t[0xc2] = true;
        t
    };
    TABLE[b as usize]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::text::printable;
    use serde::Serialize;

    #[derive(Serialize)]
    struct Sample {
        name: String,
        empty: Vec<u8>,
        lines: Vec<Line>,
        none: Option<u8>,
        flag: bool,
        nested: Vec<Vec<i64>>,
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
            flag: true,
            nested: vec![vec![], vec![1, 2]],
        }
    }

    fn by_hand(s: &Sample) -> String {
        let mut w = Element::default();
        w.open_object();
        w.key("name");
        w.opt_str(Some(&s.name));
        w.key("empty");
        w.open_array();
        w.close_array();
        w.key("lines");
        w.open_array();
        for l in &s.lines {
            w.item();
            w.open_object();
            w.key("item");
            w.opt_str(Some(&l.item));
            w.key("n");
            w.int(l.n);
            w.close_object();
        }
        w.close_array();
        w.key("none");
        w.opt_str(None);
        w.key("flag");
        w.bool(s.flag);
        w.key("nested");
        w.open_array();
        for v in &s.nested {
            w.item();
            w.open_array();
            for n in v {
                w.item();
                w.int(*n);
            }
            w.close_array();
        }
        w.close_array();
        w.close_object();
        w.finish()
    }

    /// What the whole array, printed by serde_json and then escaped, holds for this element.
    fn as_serde_json_prints_it(v: &Sample) -> String {
        let whole = serde_json::to_string_pretty(&[v]).unwrap();
        printable(&whole[2..whole.len() - 2]).into_owned()
    }

    #[test]
    fn an_element_is_written_as_the_whole_array_printed_by_serde_json_then_escaped_holds_it() {
        let every_control: String = ('\0'..='\u{a0}').collect();
        for name in [
            "ACME",
            "",
            "a\u{9b}b\u{7f}c\u{80}\u{9f}\u{a0}",
            "\x1b]52;c;SGVsbG8=\x07 \"q\" \\ é\n\t\r\u{8}\u{c}",
            "\u{7f}",
            &every_control,
        ] {
            let s = sample(name);
            assert_eq!(by_hand(&s), as_serde_json_prints_it(&s), "{name:?}");
        }
        // Still JSON, and the same text once read back.
        let s = sample(&every_control);
        let back: serde_json::Value = serde_json::from_str(&format!("[{}]", by_hand(&s))).unwrap();
        assert_eq!(back[0]["name"], every_control.as_str());
    }
}
