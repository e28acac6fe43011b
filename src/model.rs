//! The plain records the store takes in and hands out (a new dossier, a loaded one, a snapshot,
//! a draft letter): the app and the interfaces build and read them without depending on storage.

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};

use crate::domain::event::{Event, EventKind};
use crate::domain::fold::DossierState;
use crate::domain::model::{Debtor, DossierId, Item};

/// A letter being written: which dossier, for which step, by whom, and the text so far.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Draft {
    pub dossier: DossierId,
    pub user: String,
    /// Template / step name the letter was opened for (e.g. "relance_2").
    pub step: String,
    pub text: String,
    pub saved_at: chrono::DateTime<Utc>,
}

/// A dossier as loaded: its journal, the fold of it, and its debtor.
#[derive(Debug, Clone)]
pub struct LoadedDossier {
    pub events: Vec<Event>,
    pub state: DossierState,
    pub debtor: Debtor,
}

/// A record that could not be read; listings report it and go on.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct RecordProblem {
    pub key: String,
    pub reason: String,
}

/// A whole load with each dossier already turned into what the caller keeps
/// (`Store::load_all_map`): the TUI's rows.
#[derive(Debug, Clone)]
pub struct Mapped<T> {
    pub items: Vec<T>,
    pub problems: Vec<RecordProblem>,
    pub generation: u64,
}

impl<T> Default for Mapped<T> {
    fn default() -> Self {
        Mapped {
            items: Vec::new(),
            problems: Vec::new(),
            generation: 0,
        }
    }
}

impl From<Mapped<LoadedDossier>> for Snapshot {
    fn from(m: Mapped<LoadedDossier>) -> Snapshot {
        Snapshot {
            dossiers: m.items,
            problems: m.problems,
            generation: m.generation,
        }
    }
}

#[derive(Debug, Clone, Default)]
pub struct Snapshot {
    pub dossiers: Vec<LoadedDossier>,
    pub problems: Vec<RecordProblem>,
    pub generation: u64,
}

/// What `create` needs: the debtor (matched by name to an existing one, else created), the
/// creation event and the first items.
#[derive(Debug, Clone)]
pub struct NewDossier {
    pub debtor: Debtor,
    pub created: EventKind,
    pub items: Vec<Item>,
    pub date: NaiveDate,
}

/// What the TUI shows while the whole list loads: the most urgent dossiers, how many there are
/// in all, and the dossiers the user left a draft letter on (read in the same open of the
/// database: each open is most of the first screen's cost).
#[derive(Debug, Clone, Default)]
pub struct FirstScreen {
    pub snapshot: Snapshot,
    pub total: u64,
    pub drafts: Vec<crate::domain::model::DossierId>,
}
