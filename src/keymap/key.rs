//! One key-chord syntax, parsed for keymap files and printed back for hints and help.
//!
//! Accepted spellings: `j`, `G`, `?`, `ctrl-s`, `C-s`, `<C-s>`, `alt-v`, `M-v`, `shift-tab`, `enter`,
//! `esc`, `pgup`, `f5`, `space`. Modifiers are case-insensitive and joined with `-` or `+`.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use std::fmt;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct KeyChord {
    pub code: ChordCode,
    pub ctrl: bool,
    pub alt: bool,
}

/// The subset of crossterm key codes a binding can name; `Ord` so help lists are stable.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub enum ChordCode {
    Char(char),
    F(u8),
    Enter,
    Esc,
    Tab,
    BackTab,
    Backspace,
    Delete,
    Insert,
    Up,
    Down,
    Left,
    Right,
    Home,
    End,
    PageUp,
    PageDown,
}

impl KeyChord {
    pub fn plain(code: ChordCode) -> KeyChord {
        KeyChord {
            code,
            ctrl: false,
            alt: false,
        }
    }

    /// The chord a terminal key event stands for, or `None` for keys we never bind (media keys…).
    ///
    /// Shift is folded into the character (`G` rather than `shift-g`) because terminals disagree on
    /// whether they report it for symbols such as `?`.
    pub fn from_event(ev: &KeyEvent) -> Option<KeyChord> {
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        let alt = ev.modifiers.contains(KeyModifiers::ALT);
        let shift = ev.modifiers.contains(KeyModifiers::SHIFT);
        let code = match ev.code {
            KeyCode::Char(c) => {
                // Ctrl+letter arrives lowercase on most terminals; keep bindings case-stable.
                let c = if ctrl && c.is_ascii_alphabetic() && !shift {
                    c.to_ascii_lowercase()
                } else {
                    c
                };
                ChordCode::Char(c)
            }
            KeyCode::F(n) => ChordCode::F(n),
            KeyCode::Enter => ChordCode::Enter,
            KeyCode::Esc => ChordCode::Esc,
            KeyCode::Tab if shift => ChordCode::BackTab,
            KeyCode::Tab => ChordCode::Tab,
            KeyCode::BackTab => ChordCode::BackTab,
            KeyCode::Backspace => ChordCode::Backspace,
            KeyCode::Delete => ChordCode::Delete,
            KeyCode::Insert => ChordCode::Insert,
            KeyCode::Up => ChordCode::Up,
            KeyCode::Down => ChordCode::Down,
            KeyCode::Left => ChordCode::Left,
            KeyCode::Right => ChordCode::Right,
            KeyCode::Home => ChordCode::Home,
            KeyCode::End => ChordCode::End,
            KeyCode::PageUp => ChordCode::PageUp,
            KeyCode::PageDown => ChordCode::PageDown,
            _ => return None,
        };
        Some(KeyChord { code, ctrl, alt })
    }

    /// True for a key that types text in an input field (so forms keep it instead of a global
    /// binding stealing it).
    pub fn is_typing(&self) -> bool {
        !self.ctrl && !self.alt && matches!(self.code, ChordCode::Char(_))
    }

    pub fn parse(input: &str) -> Result<KeyChord, String> {
        let s = input.trim();
        let s = s
            .strip_prefix('<')
            .and_then(|x| x.strip_suffix('>'))
            .unwrap_or(s);
        if s.is_empty() {
            return Err(input.to_string());
        }
        let mut ctrl = false;
        let mut alt = false;
        let mut shift = false;
        let mut rest = s;
        // Peel modifiers; a lone "-" or "+" is itself a key.
        while let Some(pos) = rest.find(['-', '+']) {
            if pos == 0 || pos + 1 >= rest.len() {
                break;
            }
            let m = rest[..pos].to_ascii_lowercase();
            match m.as_str() {
                "ctrl" | "control" | "c" => ctrl = true,
                "alt" | "meta" | "m" | "a" => alt = true,
                "shift" | "s" => shift = true,
                _ => return Err(input.to_string()),
            }
            rest = &rest[pos + 1..];
        }
        let lower = rest.to_ascii_lowercase();
        let code = match lower.as_str() {
            "enter" | "return" | "cr" => ChordCode::Enter,
            "esc" | "escape" => ChordCode::Esc,
            "tab" if shift => ChordCode::BackTab,
            "tab" => ChordCode::Tab,
            "backtab" => ChordCode::BackTab,
            "backspace" | "bs" => ChordCode::Backspace,
            "delete" | "del" => ChordCode::Delete,
            "insert" | "ins" => ChordCode::Insert,
            "up" => ChordCode::Up,
            "down" => ChordCode::Down,
            "left" => ChordCode::Left,
            "right" => ChordCode::Right,
            "home" => ChordCode::Home,
            "end" => ChordCode::End,
            "pgup" | "pageup" | "page_up" => ChordCode::PageUp,
            "pgdn" | "pgdown" | "pagedown" | "page_down" => ChordCode::PageDown,
            "space" => ChordCode::Char(' '),
            "minus" => ChordCode::Char('-'),
            "plus" => ChordCode::Char('+'),
            "lt" => ChordCode::Char('<'),
            "gt" => ChordCode::Char('>'),
            f if f.len() >= 2
                && f.starts_with('f')
                && f[1..].chars().all(|c| c.is_ascii_digit()) =>
            {
                match f[1..].parse::<u8>() {
                    Ok(n @ 1..=12) => ChordCode::F(n),
                    _ => return Err(input.to_string()),
                }
            }
            _ => {
                let mut chars = rest.chars();
                match (chars.next(), chars.next()) {
                    (Some(c), None) if !c.is_control() => {
                        if ctrl && c.is_ascii_alphabetic() {
                            // ctrl-S and ctrl-s are the same key for a terminal.
                            ChordCode::Char(c.to_ascii_lowercase())
                        } else if shift && c.is_ascii_alphabetic() {
                            ChordCode::Char(c.to_ascii_uppercase())
                        } else {
                            ChordCode::Char(c)
                        }
                    }
                    _ => return Err(input.to_string()),
                }
            }
        };
        Ok(KeyChord { code, ctrl, alt })
    }
}

impl fmt::Display for KeyChord {
    /// Canonical spelling; `parse(to_string())` gives the chord back.
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        if self.ctrl {
            f.write_str("ctrl-")?;
        }
        if self.alt {
            f.write_str("alt-")?;
        }
        match self.code {
            ChordCode::Char(' ') => f.write_str("space"),
            ChordCode::Char(c) => write!(f, "{c}"),
            ChordCode::F(n) => write!(f, "f{n}"),
            ChordCode::Enter => f.write_str("enter"),
            ChordCode::Esc => f.write_str("esc"),
            ChordCode::Tab => f.write_str("tab"),
            ChordCode::BackTab => f.write_str("shift-tab"),
            ChordCode::Backspace => f.write_str("backspace"),
            ChordCode::Delete => f.write_str("delete"),
            ChordCode::Insert => f.write_str("insert"),
            ChordCode::Up => f.write_str("up"),
            ChordCode::Down => f.write_str("down"),
            ChordCode::Left => f.write_str("left"),
            ChordCode::Right => f.write_str("right"),
            ChordCode::Home => f.write_str("home"),
            ChordCode::End => f.write_str("end"),
            ChordCode::PageUp => f.write_str("pgup"),
            ChordCode::PageDown => f.write_str("pgdn"),
        }
    }
}

impl KeyChord {
    /// Compact form for the status line: arrows as symbols, `^s` for ctrl.
    pub fn short(&self) -> String {
        let base = match self.code {
            ChordCode::Up => "↑".to_string(),
            ChordCode::Down => "↓".to_string(),
            ChordCode::Left => "←".to_string(),
            ChordCode::Right => "→".to_string(),
            ChordCode::Enter => "⏎".to_string(),
            _ => KeyChord::plain(self.code).to_string(),
        };
        let mut out = String::new();
        if self.ctrl {
            out.push('^');
        }
        if self.alt {
            out.push_str("M-");
        }
        out.push_str(&base);
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn spellings_normalise_to_one_chord() {
        let c = KeyChord::parse("ctrl-s").unwrap();
        for s in ["C-s", "<C-s>", "Ctrl+S", "control-s"] {
            assert_eq!(KeyChord::parse(s).unwrap(), c, "{s}");
        }
        assert_eq!(
            KeyChord::parse("shift-tab").unwrap(),
            KeyChord::parse("backtab").unwrap()
        );
        assert_eq!(
            KeyChord::parse("shift-g").unwrap(),
            KeyChord::parse("G").unwrap()
        );
        assert_eq!(KeyChord::parse("-").unwrap().code, ChordCode::Char('-'));
        assert_eq!(KeyChord::parse("alt--").unwrap().code, ChordCode::Char('-'));
    }

    #[test]
    fn display_round_trips() {
        for s in [
            "j",
            "G",
            "?",
            "/",
            "ctrl-s",
            "alt-v",
            "shift-tab",
            "enter",
            "esc",
            "pgup",
            "pgdn",
            "f5",
            "space",
            "home",
            "end",
            "+",
            "alt-<",
        ] {
            let c = KeyChord::parse(s).unwrap();
            assert_eq!(KeyChord::parse(&c.to_string()).unwrap(), c, "{s}");
        }
    }

    #[test]
    fn garbage_is_rejected() {
        for s in ["", "ctrl-", "hyper-x", "jk", "f13", "f0", "ctrl-enterr"] {
            assert!(KeyChord::parse(s).is_err(), "{s:?}");
        }
    }

    #[test]
    fn terminal_events_match_parsed_chords() {
        use crossterm::event::KeyEvent;
        let ev = KeyEvent::new(KeyCode::Char('G'), KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&ev), KeyChord::parse("G").ok());
        let ev = KeyEvent::new(KeyCode::BackTab, KeyModifiers::SHIFT);
        assert_eq!(KeyChord::from_event(&ev), KeyChord::parse("shift-tab").ok());
        let ev = KeyEvent::new(KeyCode::Char('s'), KeyModifiers::CONTROL);
        assert_eq!(KeyChord::from_event(&ev), KeyChord::parse("C-s").ok());
    }
}
