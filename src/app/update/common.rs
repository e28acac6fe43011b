//! What every handler uses: the status-line notice, and the start of a journal write.

use crate::app::action::Effect;
use crate::app::state::{Entry, Level, Notice, State};
use crate::i18n::t;

pub fn notice(state: &mut State, level: Level, text: impl Into<String>) {
    state.notice = Some(Notice {
        level,
        text: text.into(),
    });
}

/// Sends the write (`Effect::Append`, `Effect::Create` or a letter by `Effect::SendEmail`) and
/// says so until it is on disk.
pub fn start_write(state: &mut State, write: Effect) -> Vec<Effect> {
    if matches!(write, Effect::SendEmail(_)) {
        // The confirmation has been given: the letter is locked until the server answers, and
        // the status line follows the sending.
        state.popup = None;
        if let Some(ed) = state.editor.as_deref_mut() {
            ed.mail_error = None;
            // Its `Written` closes the letter (also when sent again after a question).
            ed.sending = true;
        }
        state.mailing = true;
        notice(state, Level::Info, t("tui.mail.preparing"));
    } else {
        notice(state, Level::Info, t("tui.writing"));
    }
    vec![write]
}

/// Asks for every dossier; what changes on screen before the answer comes is kept over it.
pub(super) fn load_all(state: &mut State) -> Effect {
    state.since_load.clear();
    Effect::LoadAll
}

/// Puts a reloaded dossier in place of its row (or adds it), and marks it newer than what a
/// background load may bring.
pub(super) fn replace_entry(state: &mut State, entry: Entry) {
    state.since_load.insert(entry.id());
    super::order::put_entry(state, entry);
}
