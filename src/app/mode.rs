//! What the next key talks to, decided once from the state: the keymap context it is looked up
//! in, the handler `update` gives it and the keys the status line teaches all follow from it.

use super::state::{Focus, Popup, State};
use crate::keymap::{Context, HintSet};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// The dossier list has the focus.
    List,
    /// The dossier detail has the focus.
    Detail,
    /// The list's filter prompt: typing narrows the list.
    Filter,
    Help,
    /// A write waits for a yes.
    Confirm,
    /// A question with two answers (resume a draft, lose the edits…).
    Ask,
    /// A form; `text` when the focused field is a multi-line text, which takes the editor's keys.
    Form {
        text: bool,
    },
    /// The letter editor.
    Letter,
    /// The letter editor's search prompt.
    Search,
    /// The reports view over the list.
    Reports,
    /// The morning round by e-mail (preview, progress, summary).
    Batch,
}

impl Mode {
    /// Which keymap context the key is looked up in.
    pub fn context(self) -> Context {
        match self {
            Mode::List => Context::List,
            Mode::Detail => Context::Detail,
            Mode::Help => Context::Help,
            Mode::Reports => Context::Reports,
            Mode::Form { text: true } | Mode::Letter => Context::Editor,
            Mode::Filter
            | Mode::Batch
            | Mode::Confirm
            | Mode::Ask
            | Mode::Form { text: false }
            | Mode::Search => Context::Form,
        }
    }

    /// Whether a key no binding claims is text for a field (rather than ignored).
    pub fn types_text(self) -> bool {
        self != Mode::Batch && matches!(self.context(), Context::Form | Context::Editor)
    }

    /// The commands the status line teaches.
    pub fn hint_set(self) -> HintSet {
        match self {
            Mode::List => HintSet::List,
            Mode::Detail => HintSet::Detail,
            Mode::Help => HintSet::Help,
            Mode::Reports => HintSet::Reports,
            Mode::Filter | Mode::Confirm | Mode::Batch => HintSet::Prompt,
            Mode::Ask | Mode::Form { .. } => HintSet::Form,
            Mode::Letter | Mode::Search => HintSet::Letter,
        }
    }
}

impl State {
    /// Popups first (they sit over everything), then the letter, the filter prompt, the focus.
    pub fn mode(&self) -> Mode {
        match &self.popup {
            Some(Popup::Help { .. }) => Mode::Help,
            Some(Popup::Confirm(_)) => Mode::Confirm,
            Some(Popup::Ask(_)) => Mode::Ask,
            Some(Popup::Batch(_)) => Mode::Batch,
            Some(Popup::Form(f)) => Mode::Form {
                text: f.focused().is_some_and(|x| x.is_text()),
            },
            None if self.editor.as_ref().is_some_and(|e| e.search.is_some()) => Mode::Search,
            None if self.editor.is_some() => Mode::Letter,
            None if self.reports.is_some() => Mode::Reports,
            None if self.filter_editing => Mode::Filter,
            None => match self.focus {
                Focus::List => Mode::List,
                Focus::Detail => Mode::Detail,
            },
        }
    }

    /// Which keymap context the next key is looked up in.
    pub fn context(&self) -> Context {
        self.mode().context()
    }
}

/// The keys the status line on screen teaches, as (key, label), in order. The letter keeps its
/// own status line under the popups that open over it (the send form, a question), so while it
/// is open its keys are the ones shown.
pub fn hints(state: &State) -> Vec<(String, String)> {
    let (context, set) = match state.mode() {
        _ if state.editor.is_some() => (Context::Editor, HintSet::Letter),
        mode => (mode.context(), mode.hint_set()),
    };
    state
        .keymap
        .hints(context, set)
        .into_iter()
        .map(|(key, command)| (key.short(), set.label(command)))
        .collect()
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::keymap::{Command, Keymap};

    /// Whatever the mode, the status line teaches a way out of it, in every shipped keymap.
    #[test]
    fn every_mode_teaches_a_way_out() {
        let modes = [
            Mode::List,
            Mode::Detail,
            Mode::Filter,
            Mode::Help,
            Mode::Confirm,
            Mode::Ask,
            Mode::Form { text: false },
            Mode::Form { text: true },
            Mode::Letter,
            Mode::Search,
            Mode::Reports,
            Mode::Batch,
        ];
        for name in ["default", "vim", "emacs"] {
            let km = Keymap::named(name).unwrap();
            for mode in modes {
                let taught = km.hints(mode.context(), mode.hint_set());
                assert!(
                    taught
                        .iter()
                        .any(|(_, c)| matches!(c, Command::Quit | Command::Back | Command::Cancel)),
                    "{name} {mode:?}: {taught:?}"
                );
            }
        }
    }
}
