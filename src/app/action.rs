//! Messages into `update` and the side effects it asks the runtime to perform.

use chrono::NaiveDate;
use crossterm::event::KeyEvent;

use super::command::Command;
use crate::domain::event::{Event, EventKind};
use crate::domain::model::DossierId;
use crate::storage::{LoadedDossier, NewDossier, Snapshot};

#[derive(Debug, Clone)]
pub enum Action {
    /// A bound key, or a command issued directly by a test.
    Command(Command),
    /// A key no binding claimed: text for the focused field or the filter.
    Key(KeyEvent),
    Resize(u16, u16),
    /// Result of `Effect::LoadAll`.
    Loaded(Result<Snapshot, String>),
    /// A write is on disk (flushed and synced); `dossier` is the reloaded dossier.
    Written {
        id: DossierId,
        dossier: Result<LoadedDossier, String>,
        done: String,
        generation: Option<u64>,
    },
    /// Someone else wrote to the dossier first: nothing of ours was written.
    Stale {
        id: DossierId,
        newer: Vec<Event>,
        reloaded: Result<LoadedDossier, String>,
    },
    WriteFailed(String),
    /// The database's generation moved (another user wrote): reload what changed.
    ExternalChange,
    /// Result of `Effect::LoadChanged`: the dossiers others changed, reloaded one by one, so
    /// the selection and the scroll position stay where the user left them.
    Patched(Result<crate::storage::Snapshot, String>),
}

#[derive(Debug, Clone)]
pub enum Effect {
    LoadAll,
    /// Reload only the dossiers changed since this generation (all of them if too far behind).
    LoadChanged {
        since: u64,
    },
    Append {
        id: DossierId,
        expected_len: u32,
        date: NaiveDate,
        kinds: Vec<EventKind>,
        done: String,
    },
    Create {
        new: Box<NewDossier>,
        done: String,
    },
}
