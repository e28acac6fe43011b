//! Text from the journal made safe to show.

/// Text safe to write to a terminal: every control character but newline and tab (C0, DEL, C1)
/// is replaced by a visible escape (`^[` for ESC, `\u007f` for DEL, `\u009b` for a C1 control), so
/// that data from older records or imports can never drive the terminal (OSC 52 clipboard
/// writes, window titles, screen clearing). Borrowed when there is nothing to escape.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_escaped) {
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
}
