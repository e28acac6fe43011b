//! Bringing a database made by an earlier schema to this one, on its first open (under the lock,
//! before anything reads it). Schema 1 kept one journal key per event; schema 2 keeps blocks
//! (`blocks`). The old tree is only read, and dropped once the new one is complete and the new
//! schema number is flushed: an interrupted migration starts over at the next open.

use super::blocks;
use super::handle::Store;
use crate::domain::model::DossierId;
use crate::i18n::tf;
use crate::storage::codec;
use crate::storage::error::{corrupt, Result};
use crate::storage::journal;
use crate::storage::keys::{KEY_SCHEMA, TREE_JOURNAL, TREE_JOURNAL_V1, TREE_META};

/// Dossiers per sled batch while migrating: bounded memory at any size.
const MIGRATE_BATCH: usize = 2_000;

impl Store {
    /// Takes the day's backup of the journal copy before a migration rewrites derived or moved
    /// records (the copy holds every event independently of sled).
    pub(crate) fn backup_before_migration(&self) {
        // A reader without write access migrates only its private copy: nothing to back up,
        // and nowhere it may write.
        if !journal::path(&self.path).exists() || !self.writable() {
            return;
        }
        if let Ok(policy) = crate::storage::files::Policy::for_dir(&self.path) {
            if let Err(e) =
                journal::daily_backup(&self.path, &policy, chrono::Local::now().date_naive())
            {
                self.warn(tf(
                    "journal_copy.migration_backup_failed",
                    &[("reason", &e)],
                ));
            }
        }
    }

    /// Moves a schema-1 journal (one key per event) into blocks. `version` is the stored schema
    /// number (`None` on a database that never recorded one).
    pub(super) fn migrate_journal(&self, db: &sled::Db, version: Option<u32>) -> Result<()> {
        let sled = |e: sled::Error| self.sled_err(e);
        let has_old = db
            .tree_names()
            .iter()
            .any(|n| n.as_ref() == TREE_JOURNAL_V1.as_bytes());
        if version.is_some_and(|v| v >= 2) {
            // A migration interrupted after its schema number was flushed leaves the old tree.
            if has_old {
                db.drop_tree(TREE_JOURNAL_V1).map_err(sled)?;
            }
            return Ok(());
        }
        if !has_old {
            return Ok(());
        }
        self.backup_before_migration();
        let old = db.open_tree(TREE_JOURNAL_V1).map_err(sled)?;
        let new = db.open_tree(TREE_JOURNAL).map_err(sled)?;
        new.clear().map_err(sled)?;
        let mut pending: Vec<(DossierId, sled::IVec)> = Vec::new();
        let mut dossiers = 0;
        let mut odd_keys = 0;
        let flush = |pending: &mut Vec<(DossierId, sled::IVec)>| -> Result<()> {
            let mut batch = sled::Batch::default();
            for (k, v) in blocks::pack(pending.drain(..)) {
                batch.insert(&k[..], v);
            }
            new.apply_batch(batch).map_err(sled)
        };
        for kv in old.iter() {
            let (k, v) = kv.map_err(sled)?;
            // Schema 1's keys: the dossier, then the event's number.
            if k.len() != 12 {
                odd_keys += 1;
                continue;
            }
            let id = blocks::Block::dossier_of(&k);
            if pending.last().is_some_and(|(last, _)| *last != id) {
                dossiers += 1;
                if dossiers >= MIGRATE_BATCH {
                    flush(&mut pending)?;
                    dossiers = 0;
                }
            }
            pending.push((id, v));
        }
        flush(&mut pending)?;
        let meta = db.open_tree(TREE_META).map_err(sled)?;
        let v = codec::encode(&2u32).map_err(|e| corrupt(TREE_META, KEY_SCHEMA, e))?;
        meta.insert(KEY_SCHEMA, v).map_err(sled)?;
        db.flush().map_err(sled)?;
        // A key of no known shape stays where `doctor` of an older build can still see it.
        if odd_keys == 0 {
            db.drop_tree(TREE_JOURNAL_V1).map_err(sled)?;
        }
        Ok(())
    }
}
