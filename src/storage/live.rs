//! Live refresh for a long-running interface (the TUI): notice other people's writes cheaply.
//!
//! Every write bumps a generation number in the database and, while still holding the lock,
//! rewrites the small side file `generation` (by rename, so its inode changes each time). An
//! open interface polls that file about once a second:
//!
//! ```no_run
//! # use recouvre::storage::{Store, StoreOptions, live::ChangeWatcher};
//! # let store = Store::new("/srv/recouvre/equipe", StoreOptions::default());
//! let snapshot = store.load_all()?;
//! let mut watcher = ChangeWatcher::new(store.clone(), snapshot.generation);
//! // in the event loop, on a ~1 s tick:
//! if let Some(changes) = watcher.poll()? {
//!     match changes.dossiers {
//!         Some(ids) => {
//!             let fresh = store.load_dossiers(&ids)?;
//!             // replace those in the list (an id absent from `fresh.dossiers` and
//!             // `fresh.problems` was removed), keep the selection by id and the scroll offset
//!         }
//!         None => { let _all = store.load_all()?; /* too far behind: reload everything */ }
//!     }
//! }
//! # Ok::<(), recouvre::storage::StoreError>(())
//! ```
//!
//! A poll where nothing changed reads a few bytes (no lock, no sled: about 5 µs); only a changed
//! number leads to one short locked read of the list of changed dossiers, and
//! [`Store::load_dossiers`] reloads them all in one more.

use std::collections::HashMap;

use super::codec;
use super::error::Result;
use super::keys::{describe_key, KEY_GENERATION, TREE_DEBTORS};
use super::store::blocks;
use super::store::open::read_u64;
use super::store::read::fold_one;
use super::store::Store;
use crate::domain::event::{Event, EventKind};
use crate::domain::model::DossierId;
use crate::i18n::tf;
use crate::model::{RecordProblem, Snapshot};

/// The message for a refused stale write ([`super::StoreError::Stale`]): what the others did,
/// who, when ("Relance 2 par bob à 25/11 10:42 … votre action n'a pas été enregistrée"). Shared by
/// the CLI and the TUI, which then shows the reloaded dossier so the user can decide again.
pub fn stale_message(newer: &[Event]) -> String {
    let what: Vec<String> = newer
        .iter()
        .map(|e| {
            tf(
                "cli.stale_event",
                &[
                    ("what", &crate::present::describe_event(e)),
                    ("user", &e.user),
                    (
                        "at",
                        &e.at.with_timezone(&chrono::Local).format("%d/%m %H:%M"),
                    ),
                ],
            )
        })
        .collect();
    tf("cli.stale", &[("changes", &what.join("; "))])
}

/// What changed since the generation the caller last saw.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Changes {
    /// The generation now current: pass it to the next poll.
    pub generation: u64,
    /// The dossiers to reload, or `None` when the caller is too far behind (or the database was
    /// replaced) and must reload everything.
    pub dossiers: Option<Vec<DossierId>>,
}

impl Store {
    /// Changes since `last_seen`, or `None` when there are none. Reads the side file first (no
    /// lock); opens the database only when the number there differs from `last_seen`.
    pub fn poll_changes(&self, last_seen: u64) -> Result<Option<Changes>> {
        match self.generation_hint() {
            Some(hint) if hint == last_seen => Ok(None),
            None if last_seen == 0 => Ok(None),
            _ => self.changes_from_db(last_seen),
        }
    }

    /// Loads the given dossiers in one locked read (for a live refresh). Unknown ids are left
    /// out; a dossier that does not decode is reported in `problems`, as in `load_all`.
    pub fn load_dossiers(&self, ids: &[DossierId]) -> Result<Snapshot> {
        self.read_db(|db| {
            let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
            let mut snap = Snapshot {
                generation: read_u64(&meta_t, KEY_GENERATION).unwrap_or(0),
                ..Snapshot::default()
            };
            let mut debtors = HashMap::new();
            for &id in ids {
                let present = dossiers_t
                    .contains_key(id.to_be_bytes())
                    .map_err(|e| self.sled_err(e))?;
                if !present {
                    continue;
                }
                // The debtor id is in the creation event; fold_one reports a missing one.
                let events = match blocks::read(&journal_t, id) {
                    Ok(events) => events,
                    Err(p) => {
                        snap.problems.push(p);
                        continue;
                    }
                };
                if let Some(EventKind::Created { debtor, .. }) = events.first().map(|e| &e.kind) {
                    let key = debtor.to_be_bytes();
                    if let Some(v) = debtors_t.get(key).map_err(|e| self.sled_err(e))? {
                        match codec::decode(&v) {
                            Ok(d) => {
                                debtors.insert(*debtor, d);
                            }
                            Err(e) => {
                                snap.problems.push(RecordProblem {
                                    key: describe_key(TREE_DEBTORS, &key),
                                    reason: e.to_string(),
                                });
                                continue;
                            }
                        }
                    }
                }
                match fold_one(&debtors, id, events) {
                    Ok(d) => snap.dossiers.push(d),
                    Err(p) => snap.problems.push(p),
                }
            }
            Ok(snap)
        })
    }

    fn changes_from_db(&self, last_seen: u64) -> Result<Option<Changes>> {
        let (current, ids) = self.changed_since(last_seen)?;
        if current == last_seen {
            return Ok(None);
        }
        // A smaller number means the database was restored or replaced: nothing we hold is valid.
        let dossiers = if current < last_seen { None } else { ids };
        Ok(Some(Changes {
            generation: current,
            dossiers,
        }))
    }
}

/// Polls a store for changes and keeps the generation the caller has seen.
///
/// It reads the side file's few bytes rather than comparing its metadata: that costs about 5 µs
/// (see the bench), and metadata can repeat (an inode freed by one rename is reused two writes
/// later; mtime is coarse on some file systems), which would hide a change.
#[derive(Debug, Clone)]
pub struct ChangeWatcher {
    store: Store,
    seen: u64,
}

impl ChangeWatcher {
    /// `generation` is the one of the snapshot the caller displays (`Snapshot::generation`).
    pub fn new(store: Store, generation: u64) -> ChangeWatcher {
        ChangeWatcher {
            store,
            seen: generation,
        }
    }

    pub fn generation(&self) -> u64 {
        self.seen
    }

    /// After a full reload done for other reasons, the generation of the new snapshot.
    pub fn acknowledge(&mut self, generation: u64) {
        self.seen = generation;
    }

    /// Changes since the last poll (or since `new`), `None` when nothing changed.
    pub fn poll(&mut self) -> Result<Option<Changes>> {
        let changes = self.store.poll_changes(self.seen)?;
        if let Some(c) = &changes {
            self.seen = c.generation;
        }
        Ok(changes)
    }
}
