//! Which commands a status line teaches, in the order shown. Curated rather than derived: the line
//! has room for a dozen keys out of thirty-odd commands, and the order follows a morning's work.
//! The keys themselves come from the active keymap (`Keymap::hints`), so they never drift.

use super::command::Command;

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum HintSet {
    /// The dossier list.
    List,
    /// The dossier detail.
    Detail,
    /// A confirmation or the list's filter prompt: only confirm and cancel.
    Prompt,
    /// A form or a question.
    Form,
    Help,
    /// The letter editor's own status line.
    Letter,
    Reports,
}

impl HintSet {
    pub fn commands(self) -> &'static [Command] {
        match self {
            HintSet::List => &[
                Command::Help,
                Command::Quit,
                Command::Open,
                Command::NextDue,
                Command::Relance,
                Command::Payment,
                Command::Contestation,
                Command::Notice,
                Command::Injonction,
                Command::Note,
                Command::Undo,
                Command::Agenda,
                Command::Filter,
                Command::Reports,
                // Last: on 80 columns it is the one hint that may not fit (it is in the help).
                Command::Letter,
            ],
            HintSet::Detail => &[
                Command::Help,
                Command::Back,
                Command::Down,
                Command::NextDue,
                Command::Relance,
                Command::Payment,
                Command::Contestation,
                Command::Notice,
                Command::Letter,
                Command::Note,
                Command::Undo,
            ],
            HintSet::Prompt => &[Command::Submit, Command::Cancel],
            HintSet::Form => &[Command::Submit, Command::NextField, Command::Cancel],
            HintSet::Help => &[Command::Down, Command::Up, Command::Back],
            HintSet::Reports => &[
                Command::NextReport,
                Command::PrevReport,
                Command::Down,
                Command::Up,
                Command::Back,
            ],
            // In order of use.
            HintSet::Letter => &[
                Command::Submit,
                Command::SaveDraft,
                Command::Pdf,
                Command::Cancel,
                Command::Undo,
                Command::Redo,
                Command::Search,
                Command::SearchNext,
                Command::Help,
            ],
        }
    }

    /// The label beside the key: in the letter "undo" means the last edit, not the last journal
    /// entry, so the editor has its own wording.
    pub fn label(self, command: Command) -> String {
        match self {
            HintSet::Letter => command.editor_hint(),
            _ => command.hint(),
        }
    }
}
