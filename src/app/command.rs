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
}

impl Command {
    pub const ALL: [Command; 32] = [
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
        }
    }

    pub fn parse(s: &str) -> Option<Command> {
        Command::ALL.into_iter().find(|c| c.name() == s)
    }

    /// Help text, from the catalogue (`tui.cmd.<name>`).
    pub fn description(self) -> String {
        crate::i18n::t(&format!("tui.cmd.{}", self.name())).to_string()
    }

    /// Short label for the status-line hints (`tui.hint.<name>`).
    pub fn hint(self) -> String {
        crate::i18n::t(&format!("tui.hint.{}", self.name())).to_string()
    }
}
