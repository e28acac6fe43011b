//! The named commands a key can be bound to. Their snake_case names are what keymap files use.

use std::fmt;
use std::str::FromStr;

/// Declares every command once, with its keymap name: the enum, `ALL`, `name`, `parse` and the
/// serde and `FromStr` impls are generated from that one list, so a new command cannot be bindable
/// under one spelling and missing from another place.
macro_rules! commands {
    ($($(#[$doc:meta])* $variant:ident = $name:literal,)*) => {
        /// Everything a user can bind. Internal plumbing (load results, text input) lives in
        /// `app::Action` instead, so a keymap can never name it.
        #[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
        pub enum Command {
            $($(#[$doc])* $variant,)*
        }

        impl Command {
            pub const ALL: [Command; <[&str]>::len(&[$($name),*])] = [$(Command::$variant),*];

            /// The names keymap files use, in the order of `ALL`.
            pub const NAMES: [&'static str; <[&str]>::len(&[$($name),*])] = [$($name),*];

            pub fn name(self) -> &'static str {
                match self {
                    $(Command::$variant => $name,)*
                }
            }

            pub fn parse(s: &str) -> Option<Command> {
                match s {
                    $($name => Some(Command::$variant),)*
                    _ => None,
                }
            }
        }
    };
}

commands! {
    Quit = "quit",
    Help = "help",
    Up = "up",
    Down = "down",
    PageUp = "page_up",
    PageDown = "page_down",
    Top = "top",
    Bottom = "bottom",
    Open = "open",
    Back = "back",
    SwitchPane = "switch_pane",
    Agenda = "agenda",
    NextDue = "next_due",
    Filter = "filter",
    StageFilter = "stage_filter",
    Sort = "sort",
    ToggleClosed = "toggle_closed",
    ToggleMine = "toggle_mine",
    Reload = "reload",
    Relance = "relance",
    Contestation = "contestation",
    Payment = "payment",
    Notice = "notice",
    Injonction = "injonction",
    Note = "note",
    Call = "call",
    /// Notes where an invoice's proof is (order, delivery note, contract).
    Proof = "proof",
    AddDossier = "add_dossier",
    /// Opens the import from the accounting system (a FEC or a CSV file).
    Import = "import",
    Undo = "undo",
    /// Marks (or unmarks) the dossier for the round by e-mail.
    Mark = "mark",
    /// The round by e-mail: the marked dossiers, else every reminder due today.
    SendBatch = "send_batch",
    Submit = "submit",
    Cancel = "cancel",
    NextField = "next_field",
    PrevField = "prev_field",
    /// Opens the letter the dossier's stage calls for (reply, plan, settlement, injonction…).
    Letter = "letter",
    SaveDraft = "save_draft",
    /// Writes the PDF of the letter being edited into the outbox folder.
    Pdf = "pdf",
    Redo = "redo",
    Search = "search",
    SearchNext = "search_next",
    /// The collection reports (ageing, stages, money collected, effect of each step).
    Reports = "reports",
    NextReport = "next_report",
    PrevReport = "prev_report",
}

/// A name that is no command (`"fly".parse::<Command>()`).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct UnknownCommand(pub String);

impl fmt::Display for UnknownCommand {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&crate::i18n::tf(
            "keymap.unknown_command",
            &[("command", &self.0)],
        ))
    }
}

impl std::error::Error for UnknownCommand {}

impl FromStr for Command {
    type Err = UnknownCommand;

    fn from_str(s: &str) -> Result<Command, UnknownCommand> {
        Command::parse(s).ok_or_else(|| UnknownCommand(s.to_string()))
    }
}

impl serde::Serialize for Command {
    fn serialize<S: serde::Serializer>(&self, serializer: S) -> Result<S::Ok, S::Error> {
        serializer.serialize_str(self.name())
    }
}

impl<'de> serde::Deserialize<'de> for Command {
    fn deserialize<D: serde::Deserializer<'de>>(deserializer: D) -> Result<Command, D::Error> {
        let name = String::deserialize(deserializer)?;
        Command::parse(&name)
            .ok_or_else(|| serde::de::Error::unknown_variant(&name, &Command::NAMES))
    }
}

impl Command {
    /// Catalogue section of the command's texts: the editor's commands came later and live in
    /// their own section (`editor.cmd.*`), the others in `tui.cmd.*`.
    fn section(self) -> &'static str {
        match self {
            Command::Letter
            | Command::SaveDraft
            | Command::Pdf
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_name_parses_back_and_serde_agrees() {
        for c in Command::ALL {
            assert_eq!(Command::parse(c.name()), Some(c));
            assert_eq!(c.name().parse::<Command>(), Ok(c));
            let v: Command = toml::Value::String(c.name().into()).try_into().unwrap();
            assert_eq!(v, c);
        }
        assert!("fly".parse::<Command>().is_err());
        assert!(toml::Value::String("fly".into())
            .try_into::<Command>()
            .is_err());
    }
}
