//! Text from the journal made safe to show.

/// Text safe to write to a terminal: every control character but newline and tab (C0, DEL, C1)
/// is replaced by a visible escape (`^[` for ESC, `\u007f` for DEL, `\u009b` for a C1 control), so
/// that data from older records or imports can never drive the terminal (OSC 52 clipboard
/// writes, window titles, screen clearing). Borrowed when there is nothing to escape.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !has_escaped(s) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_escaped(c) {
            out.push(c);
            continue;
        }
        let code = c as u32;
        match code {
            // Caret notation: ESC is ^[, NUL ^@, BEL ^G.
            0..=0x1f => {
                out.push('^');
                out.push(char::from_u32(code + 0x40).unwrap_or('?'));
            }
            // DEL and C1 as JSON-style escapes: serde_json leaves them raw, and this form keeps
            // a JSON document both valid and exact.
            _ => out.push_str(&format!("\\u{code:04x}")),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_escaped(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

/// Whether `s` has a character [`is_escaped`] names, read byte by byte: every listing goes
/// through here (200 MB for `status --json` of 100 000 dossiers), and decoding each character
/// took an eighth of that listing's time. The controls are the bytes below 0x20 and 0x7F, and
/// C1 (U+0080 to U+009F), which UTF-8 writes as 0xC2 then 0x80 to 0x9F.
fn has_escaped(s: &str) -> bool {
    let b = s.as_bytes();
    b.iter().enumerate().any(|(i, &c)| match c {
        b'\n' | b'\t' => false,
        0..=0x1f | 0x7f => true,
        0xc2 => matches!(b.get(i + 1), Some(0x80..=0x9f)),
        _ => false,
    })
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn printable_escapes_every_control_but_newline_and_tab() {
        assert_eq!(printable("ACME"), "ACME");
        assert!(matches!(
            printable("a\nb\tc"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("\x1b]52;c;SGVsbG8=\x07x\x1b[2J\u{9b}\u{7f}\r"),
            "^[]52;c;SGVsbG8=^Gx^[[2J\\u009b\\u007f^M"
        );
        // What `status --json` prints stays valid JSON and decodes to the same text.
        let json = serde_json::to_string("a\u{9b}b\u{7f}\x1b").unwrap();
        let shown = printable(&json);
        let back: String = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, "a\u{9b}b\u{7f}\x1b");
    }

    #[test]
    fn the_byte_scan_finds_exactly_the_escaped_characters() {
        // Every character of the first three planes' interesting ranges, alone and between
        // others (the C1 test reads the byte after 0xC2).
        for code in (0..0x800).chain(0xfff0..0x10000).chain([0x1f600, 0x10ffff]) {
            let Some(c) = char::from_u32(code) else {
                continue;
            };
            for s in [c.to_string(), format!("é{c}é"), format!("a{c}")] {
                assert_eq!(
                    super::has_escaped(&s),
                    s.chars().any(super::is_escaped),
                    "U+{code:04X} in {s:?}"
                );
            }
        }
    }
}
