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
//!         Some(ids) => for id in ids { let _fresh = store.load(id)?; /* replace in list */ },
//!         None => { let _all = store.load_all()?; /* too far behind: reload everything */ }
//!     }
//! }
//! # Ok::<(), recouvre::storage::StoreError>(())
//! ```
//!
//! A poll where nothing changed costs one `stat` (no lock, no sled); only a changed file leads to
//! one short locked read of the list of changed dossiers.

use std::fs;
use std::os::unix::fs::MetadataExt;
use std::time::SystemTime;

use super::store::{Result, Store};
use crate::domain::event::Event;
use crate::domain::model::DossierId;
use crate::i18n::tf;

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

/// Identity of the side file's current version: inode changes with every rename.
type Stamp = (u64, u64, Option<SystemTime>);

/// Polls a store for changes, skipping even the read of the side file while its metadata is
/// unchanged. Keeps the generation the caller has seen.
#[derive(Debug, Clone)]
pub struct ChangeWatcher {
    store: Store,
    seen: u64,
    stamp: Option<Stamp>,
}

impl ChangeWatcher {
    /// `generation` is the one of the snapshot the caller displays (`Snapshot::generation`).
    pub fn new(store: Store, generation: u64) -> ChangeWatcher {
        ChangeWatcher {
            store,
            seen: generation,
            stamp: None,
        }
    }

    pub fn generation(&self) -> u64 {
        self.seen
    }

    /// After a full reload done for other reasons, the generation of the new snapshot.
    pub fn acknowledge(&mut self, generation: u64) {
        self.seen = generation;
    }

    fn stamp(&self) -> Option<Stamp> {
        let m = fs::metadata(self.store.generation_path()).ok()?;
        Some((m.ino(), m.len(), m.modified().ok()))
    }

    /// Changes since the last poll (or since `new`), `None` when nothing changed.
    pub fn poll(&mut self) -> Result<Option<Changes>> {
        let stamp = self.stamp();
        if stamp.is_some() && stamp == self.stamp {
            return Ok(None);
        }
        let changes = self.store.poll_changes(self.seen)?;
        // Remember the stamp only once the change it announced has been handed over, so an error
        // above makes the next poll try again.
        self.stamp = stamp;
        if let Some(c) = &changes {
            self.seen = c.generation;
        }
        Ok(changes)
    }
}
