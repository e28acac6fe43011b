//! The named commands a key can be bound to. Their snake_case names are what keymap files use.

use serde::{Deserialize, Serialize};

/// Everything a user can bind. Internal plumbing (load results, text input) lives in
/// [`super::action::Action`] instead, so a keymap can never name it.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Command {
    Quit,
    Help,
    Up,
    Down,
    PageUp,
    PageDown,
    Top,
    Bottom,
    Open,
    Back,
    SwitchPane,
    Agenda,
    NextDue,
    Filter,
    StageFilter,
    Sort,
    ToggleClosed,
    ToggleMine,
    Reload,
    Relance,
    Contestation,
    Payment,
    Notice,
    Injonction,
    Note,
    Call,
    AddDossier,
    Undo,
    Submit,
    Cancel,
    NextField,
    PrevField,
    /// Opens the letter the dossier's stage calls for (reply, plan, settlement, injonction…).
    Letter,
    SaveDraft,
    Redo,
    Search,
    SearchNext,
}

impl Command {
    pub const ALL: [Command; 37] = [
        Command::Quit,
        Command::Help,
        Command::Up,
        Command::Down,
        Command::PageUp,
        Command::PageDown,
        Command::Top,
        Command::Bottom,
        Command::Open,
        Command::Back,
        Command::SwitchPane,
        Command::Agenda,
        Command::NextDue,
        Command::Filter,
        Command::StageFilter,
        Command::Sort,
        Command::ToggleClosed,
        Command::ToggleMine,
        Command::Reload,
        Command::Relance,
        Command::Contestation,
        Command::Payment,
        Command::Notice,
        Command::Injonction,
        Command::Note,
        Command::Call,
        Command::AddDossier,
        Command::Undo,
        Command::Submit,
        Command::Cancel,
        Command::NextField,
        Command::PrevField,
        Command::Letter,
        Command::SaveDraft,
        Command::Redo,
        Command::Search,
        Command::SearchNext,
    ];

    pub fn name(self) -> &'static str {
        match self {
            Command::Quit => "quit",
            Command::Help => "help",
            Command::Up => "up",
            Command::Down => "down",
            Command::PageUp => "page_up",
            Command::PageDown => "page_down",
            Command::Top => "top",
            Command::Bottom => "bottom",
            Command::Open => "open",
            Command::Back => "back",
            Command::SwitchPane => "switch_pane",
            Command::Agenda => "agenda",
            Command::NextDue => "next_due",
            Command::Filter => "filter",
            Command::StageFilter => "stage_filter",
            Command::Sort => "sort",
            Command::ToggleClosed => "toggle_closed",
            Command::ToggleMine => "toggle_mine",
            Command::Reload => "reload",
            Command::Relance => "relance",
            Command::Contestation => "contestation",
            Command::Payment => "payment",
            Command::Notice => "notice",
            Command::Injonction => "injonction",
            Command::Note => "note",
            Command::Call => "call",
            Command::AddDossier => "add_dossier",
            Command::Undo => "undo",
            Command::Submit => "submit",
            Command::Cancel => "cancel",
            Command::NextField => "next_field",
            Command::PrevField => "prev_field",
            Command::Letter => "letter",
            Command::SaveDraft => "save_draft",
            Command::Redo => "redo",
            Command::Search => "search",
            Command::SearchNext => "search_next",
        }
    }

    pub fn parse(s: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Catalogue section of the command's texts: the editor's commands came later and live in
    /// their own section (`editor.cmd.*`), the others in `tui.cmd.*`.
    fn section(self) -> &'static str {
        match self {
            Command::Letter
            | Command::SaveDraft
            | Command::Redo
            | Command::Search
            | Command::SearchNext => "editor",
            _ => "tui",
        }
    }

    pub fn description_key(self) -> String {
        format!("{}.cmd.{}", self.section(), self.name())
    }

    pub fn hint_key(self) -> String {
        format!("{}.hint.{}", self.section(), self.name())
    }

    /// Help text, from the catalogue.
    pub fn description(self) -> String {
        crate::i18n::t(&self.description_key()).to_string()
    }

    /// Short label for the status-line hints.
    pub fn hint(self) -> String {
        crate::i18n::t(&self.hint_key()).to_string()
    }

    /// Label in the letter editor's status line, where "undo" means the last edit, not the
    /// last journal entry (`editor.key.<name>`).
    pub fn editor_hint(self) -> String {
        crate::i18n::t(&format!("editor.key.{}", self.name())).to_string()
    }
}
