//! Small in-place forms: typed fields, validation with the domain parsers, errors beside fields.

use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};
use tui_textarea::TextArea;

use crate::domain::model::DossierId;

/// A one-line text input; the cursor is a char index so accented input edits correctly.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LineInput {
    pub text: String,
    pub cursor: usize,
}

impl LineInput {
    pub fn new(text: impl Into<String>) -> LineInput {
        let text = text.into();
        let cursor = text.chars().count();
        LineInput { text, cursor }
    }

    fn byte(&self, idx: usize) -> usize {
        self.text
            .char_indices()
            .nth(idx)
            .map(|(b, _)| b)
            .unwrap_or(self.text.len())
    }

    /// Applies an editing key; returns false when the key means nothing to a line input.
    pub fn handle(&mut self, ev: &KeyEvent) -> bool {
        let len = self.text.chars().count();
        let ctrl = ev.modifiers.contains(KeyModifiers::CONTROL);
        match ev.code {
            KeyCode::Char('a') if ctrl => self.cursor = 0,
            KeyCode::Char('e') if ctrl => self.cursor = len,
            KeyCode::Char('u') if ctrl => {
                let b = self.byte(self.cursor);
                self.text.drain(..b);
                self.cursor = 0;
            }
            KeyCode::Char('k') if ctrl => {
                let b = self.byte(self.cursor);
                self.text.truncate(b);
            }
            KeyCode::Char(c) if !ctrl && !ev.modifiers.contains(KeyModifiers::ALT) => {
                let b = self.byte(self.cursor);
                self.text.insert(b, c);
                self.cursor += 1;
            }
            KeyCode::Backspace if self.cursor > 0 => {
                let b = self.byte(self.cursor - 1);
                self.text.remove(b);
                self.cursor -= 1;
            }
            KeyCode::Delete if self.cursor < len => {
                let b = self.byte(self.cursor);
                self.text.remove(b);
            }
            KeyCode::Left => self.cursor = self.cursor.saturating_sub(1),
            KeyCode::Right => self.cursor = (self.cursor + 1).min(len),
            KeyCode::Home => self.cursor = 0,
            KeyCode::End => self.cursor = len,
            KeyCode::Backspace | KeyCode::Delete => {}
            _ => return false,
        }
        true
    }
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Choice {
    /// Shown label (translated).
    pub label: String,
    /// Stable value the submit code matches on.
    pub value: String,
}

#[derive(Debug, Clone)]
pub enum FieldKind {
    Line(LineInput),
    /// Multi-line free text, edited with tui-textarea (the "editor" keymap context).
    Text(Box<TextArea<'static>>),
    /// Cycled with ←/→ or space.
    Choice {
        options: Vec<Choice>,
        index: usize,
    },
}

#[derive(Debug, Clone)]
pub struct Field {
    /// Stable id used by validation (`amount`, `date`, …).
    pub id: &'static str,
    pub label: String,
    pub kind: FieldKind,
    pub error: Option<String>,
}

impl Field {
    pub fn line(id: &'static str, label: String, value: &str) -> Field {
        Field {
            id,
            label,
            kind: FieldKind::Line(LineInput::new(value)),
            error: None,
        }
    }

    pub fn text(id: &'static str, label: String) -> Field {
        let mut ta = TextArea::default();
        ta.set_cursor_line_style(ratatui::style::Style::default());
        Field {
            id,
            label,
            kind: FieldKind::Text(Box::new(ta)),
            error: None,
        }
    }

    pub fn choice(id: &'static str, label: String, options: Vec<Choice>, index: usize) -> Field {
        let index = index.min(options.len().saturating_sub(1));
        Field {
            id,
            label,
            kind: FieldKind::Choice { options, index },
            error: None,
        }
    }

    /// The field's content as text (the chosen value for a choice).
    pub fn value(&self) -> String {
        match &self.kind {
            FieldKind::Line(l) => l.text.clone(),
            FieldKind::Text(t) => t.lines().join("\n"),
            FieldKind::Choice { options, index } => options
                .get(*index)
                .map(|c| c.value.clone())
                .unwrap_or_default(),
        }
    }

    pub fn is_text(&self) -> bool {
        matches!(self.kind, FieldKind::Text(_))
    }

    /// Feeds an unbound key to the field. Editing clears the field's error: the user is fixing it.
    pub fn handle(&mut self, ev: &KeyEvent) -> bool {
        let used = match &mut self.kind {
            FieldKind::Line(l) => l.handle(ev),
            FieldKind::Text(t) => t.input(tui_textarea::Input::from(*ev)),
            FieldKind::Choice { options, index } => {
                let n = options.len().max(1);
                match ev.code {
                    KeyCode::Right | KeyCode::Char(' ') => {
                        *index = (*index + 1) % n;
                        true
                    }
                    KeyCode::Left => {
                        *index = (*index + n - 1) % n;
                        true
                    }
                    KeyCode::Char(c) => {
                        // Typing the first letter of an option selects it.
                        let c = c.to_lowercase().next().unwrap_or(c);
                        if let Some(i) = options
                            .iter()
                            .position(|o| o.label.to_lowercase().starts_with(c))
                        {
                            *index = i;
                        }
                        true
                    }
                    _ => false,
                }
            }
        };
        if used {
            self.error = None;
        }
        used
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum FormKind {
    Payment,
    Contestation,
    /// Outcome of an open contestation (same key as recording one).
    Resolve,
    /// Channel and tracking number of a letter about to be logged from the editor.
    SendLetter,
    Note,
    /// Where an invoice's proof is, noted after the dossier was opened.
    Proof,
    AddDossier,
    /// A file to import from the accounting system (FEC or CSV with its mapping).
    Import,
    /// The next step of the injonction de payer, dated by the user.
    Injonction(crate::domain::event::InjonctionStep),
}

/// The dossier a form acts on, with the journal length the user saw (the stale-write token).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Target {
    pub id: DossierId,
    pub expected_len: u32,
    pub debtor: String,
    /// Everything owed when the form opened (principal due or not, penalties, indemnities,
    /// costs), to tell the user what a payment leaves due.
    pub balance: rust_decimal::Decimal,
}

#[derive(Debug, Clone)]
pub struct Form {
    pub kind: FormKind,
    pub title: String,
    /// What the user should know before submitting (shown above the fields).
    pub notes: Vec<String>,
    pub target: Option<Target>,
    pub fields: Vec<Field>,
    pub focus: usize,
}

impl Form {
    pub fn focused(&self) -> Option<&Field> {
        self.fields.get(self.focus)
    }

    pub fn focused_mut(&mut self) -> Option<&mut Field> {
        self.fields.get_mut(self.focus)
    }

    pub fn field(&self, id: &str) -> Option<&Field> {
        self.fields.iter().find(|f| f.id == id)
    }

    pub fn set_error(&mut self, id: &str, msg: String) {
        if let Some(f) = self.fields.iter_mut().find(|f| f.id == id) {
            f.error = Some(msg);
        }
    }

    pub fn has_errors(&self) -> bool {
        self.fields.iter().any(|f| f.error.is_some())
    }

    pub fn next_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + 1) % self.fields.len();
        }
    }

    pub fn prev_field(&mut self) {
        if !self.fields.is_empty() {
            self.focus = (self.focus + self.fields.len() - 1) % self.fields.len();
        }
    }

    /// Marks every field holding a control character (a pasted escape sequence…) in error, named
    /// with its label; free-text areas may hold newlines and tabs. True when none does.
    pub fn refuse_control_chars(&mut self) -> bool {
        let mut clean = true;
        for f in &mut self.fields {
            let multiline = f.is_text();
            if let Err(e) = crate::domain::parse::check_text(&f.label, &f.value(), multiline) {
                f.error = Some(e.to_string());
                clean = false;
            }
        }
        clean
    }

    /// Moves the focus to the first field in error, so the user lands on what to fix.
    pub fn focus_first_error(&mut self) {
        if let Some(i) = self.fields.iter().position(|f| f.error.is_some()) {
            self.focus = i;
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn key(c: KeyCode) -> KeyEvent {
        KeyEvent::new(c, KeyModifiers::NONE)
    }

    #[test]
    fn line_input_edits_accented_text() {
        let mut l = LineInput::new("é1");
        l.handle(&key(KeyCode::Left));
        l.handle(&key(KeyCode::Backspace));
        assert_eq!(l.text, "1");
        l.handle(&key(KeyCode::Char('à')));
        assert_eq!(l.text, "à1");
        l.handle(&key(KeyCode::End));
        l.handle(&key(KeyCode::Char('€')));
        assert_eq!(l.text, "à1€");
        assert_eq!(l.cursor, 3);
    }

    #[test]
    fn choice_cycles_and_picks_by_letter() {
        let opts = vec![
            Choice {
                label: "LRAR".into(),
                value: "lrar".into(),
            },
            Choice {
                label: "Commissaire".into(),
                value: "commissaire".into(),
            },
            Choice {
                label: "Avocat".into(),
                value: "avocat".into(),
            },
        ];
        let mut f = Field::choice("c", "Canal".into(), opts, 0);
        f.handle(&key(KeyCode::Right));
        assert_eq!(f.value(), "commissaire");
        f.handle(&key(KeyCode::Left));
        f.handle(&key(KeyCode::Left));
        assert_eq!(f.value(), "avocat");
        f.handle(&key(KeyCode::Char('l')));
        assert_eq!(f.value(), "lrar");
    }
}
