//! `backup` and `restore`: every record of the database copied out under the lock, and a
//! database rebuilt from such a copy beside `data/` and swapped in by one atomic rename (the
//! file format is in `storage::backup_file`).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sled::IVec;

use super::blocks::{self, decode_event, Block};
use super::drafts::draft_key;
use super::handle::Store;
use super::open::{read_u64, sync_dir};
use crate::domain::model::Debtor;
use crate::model::Draft;
use crate::storage::backup_file::{self, Dump, DumpMeta};
use crate::storage::codec::{self, Record};
use crate::storage::error::{corrupt, Result, StoreError};
use crate::storage::files::{self, expected_mode, io_err, Policy, TempDir};
use crate::storage::journal::{self, JournalRecord};
use crate::storage::keys::{
    describe_key, dossier_key, DossierRecord, KEY_CHANGES, KEY_GENERATION, KEY_NEXT_DEBTOR,
    KEY_NEXT_DOSSIER, KEY_SCHEMA, SCHEMA_VERSION, TREE_DEBTORS, TREE_DOSSIERS, TREE_DRAFTS,
    TREE_JOURNAL, TREE_META,
};
use crate::storage::shared::UmaskGuard;

/// What a backup file holds.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BackupSummary {
    pub dossiers: usize,
    pub events: usize,
    pub debtors: usize,
    pub drafts: usize,
    pub bytes: usize,
}

impl BackupSummary {
    fn of(dump: &Dump, bytes: usize) -> Self {
        BackupSummary {
            dossiers: dump.dossiers.len(),
            events: dump.events.len(),
            debtors: dump.debtors.len(),
            drafts: dump.drafts.len(),
            bytes,
        }
    }
}

/// What a restore did.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Restored {
    pub summary: BackupSummary,
    /// Dossiers the database held before (only with `force`).
    pub replaced: usize,
    /// Where the journal copy of the replaced database was kept, if there was one.
    pub kept_journal: Option<PathBuf>,
}

type Raw = Vec<(IVec, IVec)>;

fn decode<T: Record>(tree: &str, k: &[u8], v: &[u8]) -> Result<T> {
    codec::decode(v).map_err(|e| corrupt(tree, k, e))
}

/// A record stored under another key than its own: restoring it would not give the same
/// database back.
fn misplaced(tree: &str, k: &[u8]) -> StoreError {
    StoreError::Corrupt {
        key: describe_key(tree, k),
        reason: crate::i18n::t("backup.misplaced").to_string(),
    }
}

impl Store {
    /// Every record of the database. Only the raw records are copied under the lock (writers
    /// wait meanwhile, so the copy is of one moment); they are decoded after. A record that does
    /// not decode fails the whole dump: a backup never leaves anything out silently.
    pub fn dump(&self) -> Result<Dump> {
        let raw: [Raw; 5] = self.read_db(|db| {
            let trees = self.trees(db)?;
            let all = |t: &sled::Tree| -> Result<Raw> {
                t.iter()
                    .map(|kv| kv.map_err(|e| self.sled_err(e)))
                    .collect()
            };
            Ok([
                all(&trees[0])?,
                all(&trees[1])?,
                all(&trees[2])?,
                all(&trees[3])?,
                all(&trees[4])?,
            ])
        })?;
        let [debtors_raw, dossiers_raw, journal_raw, meta_raw, drafts_raw] = raw;
        let mut dump = Dump::default();
        for (k, v) in &debtors_raw {
            let d: Debtor = decode(TREE_DEBTORS, k, v)?;
            if k.as_ref() != d.id.to_be_bytes() {
                return Err(misplaced(TREE_DEBTORS, k));
            }
            dump.debtors.push(d);
        }
        for (k, v) in &dossiers_raw {
            let d: DossierRecord = decode(TREE_DOSSIERS, k, v)?;
            if k.as_ref() != dossier_key(d.id) {
                return Err(misplaced(TREE_DOSSIERS, k));
            }
            dump.dossiers.push(d);
        }
        for (k, v) in &journal_raw {
            let block = Block::parse(k, v).map_err(|p| StoreError::Corrupt {
                key: p.key,
                reason: p.reason,
            })?;
            for (seq, bytes) in block.events {
                let e = decode_event(block.id, seq, bytes).map_err(|p| StoreError::Corrupt {
                    key: p.key,
                    reason: p.reason,
                })?;
                if e.seq != seq {
                    return Err(misplaced(TREE_JOURNAL, k));
                }
                dump.events.push((block.id, e));
            }
        }
        for (k, v) in &drafts_raw {
            let d: Draft = decode(TREE_DRAFTS, k, v)?;
            if k.as_ref() != draft_key(d.dossier, &d.user) {
                return Err(misplaced(TREE_DRAFTS, k));
            }
            dump.drafts.push(d);
        }
        let meta: std::collections::HashMap<&[u8], &IVec> =
            meta_raw.iter().map(|(k, v)| (k.as_ref(), v)).collect();
        let u64_at = |key: &[u8]| -> Result<Option<u64>> {
            meta.get(key)
                .map(|v| decode::<u64>(TREE_META, key, v))
                .transpose()
        };
        dump.meta = DumpMeta {
            next_dossier_id: u64_at(KEY_NEXT_DOSSIER)?,
            next_debtor_id: u64_at(KEY_NEXT_DEBTOR)?,
            generation: u64_at(KEY_GENERATION)?,
            recent_changes: match meta.get(KEY_CHANGES) {
                Some(v) => decode(TREE_META, KEY_CHANGES, v)?,
                None => Vec::new(),
            },
        };
        Ok(dump)
    }

    /// Writes a backup of the database to `file`: the dump taken under the lock, then a
    /// temporary file beside `file` (the database's file mode, its team group), fsynced, renamed
    /// over `file`, the directory fsynced. Nothing is at `file` until the backup is complete.
    pub fn backup_to(&self, file: &Path) -> Result<BackupSummary> {
        let dump = self.dump()?;
        let bytes = backup_file::write(&dump, chrono::Utc::now()).map_err(|reason| {
            StoreError::Corrupt {
                key: file.display().to_string(),
                reason,
            }
        })?;
        let policy = Policy::for_dir(&self.path)?;
        write_durably(file, &bytes, &policy)?;
        Ok(BackupSummary::of(&dump, bytes.len()))
    }

    /// Restores the backup in `file` (see [`Store::restore`]). The whole file is read and
    /// checked before anything is written; a missing database is created first.
    pub fn restore_from(&self, file: &Path, force: bool) -> Result<Restored> {
        let dump =
            backup_file::parse(&read_regular(file)?).map_err(|reason| StoreError::BadBackup {
                path: file.to_path_buf(),
                reason,
            })?;
        self.restore(&dump, force)
    }

    /// Replaces every record of the database by `dump`'s. Under the lock: a database holding
    /// any record is refused unless `force`; a new sled database is built beside `data/` (in
    /// batches, its derived trees included), synced, and exchanged with `data/` in one atomic
    /// `rename`; then the journal copy is replaced the same way (the old one kept in
    /// `backups/`). A crash before the exchange leaves the database as it was. When records are
    /// replaced, the generation moves past both the old and the backup's and the change list is
    /// emptied, so every open screen reloads everything.
    pub fn restore(&self, dump: &Dump, force: bool) -> Result<Restored> {
        backup_file::check(dump).map_err(|what| StoreError::BadBackup {
            path: self.path.clone(),
            reason: backup_file::BackupFileError::Inconsistent(what),
        })?;
        if !self.exists() {
            self.init()?;
        }
        if !self.writable() {
            return Err(self.read_only());
        }
        // `data/` is replaced below: no handle of ours may stay open on it.
        self.held.close_db();
        let policy = Policy::for_dir(&self.path)?;
        let _umask = UmaskGuard::for_dir(&self.path);
        let _guard = self.lock_unless_held()?;
        files::check_tree(&self.path, &policy)?;
        remove_unfinished_restores(&self.path);
        let (held, replaced, old_generation) = {
            let db = self.open_sled(&self.data_dir())?;
            self.check_schema(&db)?;
            let [debtors, dossiers, journal, meta, drafts] = self.trees(&db)?;
            (
                debtors.len() + dossiers.len() + journal.len() + drafts.len(),
                dossiers.len(),
                read_u64(&meta, KEY_GENERATION).unwrap_or(0),
            )
        };
        if held > 0 && !force {
            return Err(StoreError::Occupied {
                path: self.path.clone(),
                dossiers: replaced,
            });
        }
        let (generation, changes) = match dump.meta.generation {
            Some(g) if held == 0 && g > old_generation => {
                (Some(g), dump.meta.recent_changes.clone())
            }
            g if held == 0 && old_generation == 0 => (g, dump.meta.recent_changes.clone()),
            g => (Some(g.unwrap_or(0).max(old_generation) + 1), Vec::new()),
        };
        let fresh =
            TempDir::new_in(&self.path, RESTORE_PREFIX).map_err(|e| io_err(&self.path, e))?;
        self.build_restored(fresh.path(), dump, generation, &changes)?;
        files::set_modes(fresh.path(), policy.shared()).map_err(|e| io_err(fresh.path(), e))?;
        sync_dir(fresh.path()).map_err(|e| self.io(e))?;
        exchange(fresh.path(), &self.data_dir()).map_err(|e| self.io(e))?;
        fs::File::open(&self.path)
            .and_then(|d| d.sync_all())
            .map_err(|e| self.io(e))?;
        // `fresh` now names the replaced sled files: removed when it is dropped.
        drop(fresh);
        let records = dump
            .debtors
            .iter()
            .cloned()
            .map(JournalRecord::Debtor)
            .chain(
                dump.events
                    .iter()
                    .map(|(dossier, event)| JournalRecord::Event {
                        dossier: *dossier,
                        event: event.clone(),
                    }),
            );
        let keep_as = format!(
            "before-restore-{}.log",
            chrono::Local::now().format("%Y%m%dT%H%M%S")
        );
        let kept_journal = if held == 0 && dump.debtors.is_empty() && dump.events.is_empty() {
            None
        } else {
            journal::replace_all(&self.path, &policy, records, &keep_as)?
        };
        if let Some(g) = generation {
            // Only a hint for live refresh: the authoritative number is in the meta tree.
            let _ = files::replace(
                &self.generation_path(),
                format!("{g}\n").as_bytes(),
                &policy,
            );
        }
        Ok(Restored {
            summary: BackupSummary::of(dump, 0),
            replaced,
            kept_journal,
        })
    }

    /// A new sled database at `dir` holding `dump`'s records, written in batches (bounded
    /// memory at any size), its derived trees built, flushed.
    fn build_restored(
        &self,
        dir: &Path,
        dump: &Dump,
        generation: Option<u64>,
        changes: &[(u64, u64)],
    ) -> Result<()> {
        let db = self.open_sled(dir)?;
        let [debtors_t, dossiers_t, journal_t, meta_t, drafts_t] = self.trees(&db)?;
        let sled = |e: sled::Error| self.sled_err(e);
        put_all(&debtors_t, &dump.debtors, |d| {
            Ok((d.id.to_be_bytes().to_vec(), enc("debtor", d)?))
        })
        .map_err(|e| self.sled_or(e))?;
        put_all(&dossiers_t, &dump.dossiers, |d| {
            Ok((dossier_key(d.id).to_vec(), enc("dossier", d)?))
        })
        .map_err(|e| self.sled_or(e))?;
        let events = dump
            .events
            .iter()
            .map(|(id, e)| Ok((*id, enc("event", e)?)))
            .collect::<Result<Vec<_>>>()?;
        put_all(&journal_t, &blocks::pack(events), |(k, v)| {
            Ok((k.to_vec(), v.clone()))
        })
        .map_err(|e| self.sled_or(e))?;
        put_all(&drafts_t, &dump.drafts, |d| {
            Ok((draft_key(d.dossier, &d.user), enc("draft", d)?))
        })
        .map_err(|e| self.sled_or(e))?;
        let mut meta = sled::Batch::default();
        meta.insert(KEY_SCHEMA, enc("schema_version", &SCHEMA_VERSION)?);
        for (k, v) in [
            (KEY_NEXT_DOSSIER, dump.meta.next_dossier_id),
            (KEY_NEXT_DEBTOR, dump.meta.next_debtor_id),
            (KEY_GENERATION, generation),
        ] {
            if let Some(v) = v {
                meta.insert(k, enc("meta", &v)?);
            }
        }
        if generation.is_some() {
            meta.insert(KEY_CHANGES, enc("recent_changes", &changes.to_vec())?);
        }
        meta_t.apply_batch(meta).map_err(sled)?;
        self.build_derived(&db)?;
        db.flush().map_err(sled)?;
        Ok(())
    }

    fn sled_or(&self, e: PutError) -> StoreError {
        match e {
            PutError::Sled(e) => self.sled_err(e),
            PutError::Store(e) => e,
        }
    }
}

/// The new database of a restore, beside `data/` until it is swapped in.
const RESTORE_PREFIX: &str = "data.restore-";

/// How many records go into one sled batch while restoring.
const RESTORE_BATCH: usize = 5_000;

enum PutError {
    Sled(sled::Error),
    Store(StoreError),
}

fn enc<T: serde::Serialize>(what: &str, v: &T) -> Result<Vec<u8>> {
    codec::encode(v).map_err(|e| StoreError::Corrupt {
        key: what.into(),
        reason: e.to_string(),
    })
}

/// Inserts `items` into `tree` as `record(item)` gives them (key, encoded value), in batches.
fn put_all<T>(
    tree: &sled::Tree,
    items: &[T],
    record: impl Fn(&T) -> Result<(Vec<u8>, Vec<u8>)>,
) -> std::result::Result<(), PutError> {
    for chunk in items.chunks(RESTORE_BATCH) {
        let mut batch = sled::Batch::default();
        for item in chunk {
            let (k, v) = record(item).map_err(PutError::Store)?;
            batch.insert(k, v);
        }
        tree.apply_batch(batch).map_err(PutError::Sled)?;
    }
    Ok(())
}

/// Removes what a killed restore left beside `data/` (its new database, never swapped in).
/// Called under the lock, so no restore is running.
fn remove_unfinished_restores(db: &Path) {
    let Ok(entries) = fs::read_dir(db) else {
        return;
    };
    for e in entries.flatten() {
        let is_dir = e.file_type().is_ok_and(|t| t.is_dir());
        if is_dir && e.file_name().to_string_lossy().starts_with(RESTORE_PREFIX) {
            let _ = fs::remove_dir_all(e.path());
        }
    }
}

/// Swaps the directories `a` and `b` in one atomic `rename` (Linux `RENAME_EXCHANGE`). Where
/// the file system cannot exchange, `b` is moved aside and `a` renamed into its place, and `a`
/// then names the old `b`: the same end state, with a moment in between without `b`.
fn exchange(a: &Path, b: &Path) -> std::io::Result<()> {
    use std::os::unix::ffi::OsStrExt;
    let c = |p: &Path| {
        std::ffi::CString::new(p.as_os_str().as_bytes())
            .map_err(|_| std::io::Error::from(std::io::ErrorKind::InvalidInput))
    };
    let (ca, cb) = (c(a)?, c(b)?);
    // SAFETY: both paths are NUL-terminated strings that outlive the call.
    let r = unsafe {
        libc::renameat2(
            libc::AT_FDCWD,
            ca.as_ptr(),
            libc::AT_FDCWD,
            cb.as_ptr(),
            libc::RENAME_EXCHANGE,
        )
    };
    if r == 0 {
        return Ok(());
    }
    let e = std::io::Error::last_os_error();
    if !matches!(e.raw_os_error(), Some(libc::EINVAL) | Some(libc::ENOSYS)) {
        return Err(e);
    }
    let aside = b.with_file_name(format!(
        "{}.old-{}",
        b.file_name().unwrap_or_default().to_string_lossy(),
        files::random_suffix()
    ));
    fs::rename(b, &aside)?;
    fs::rename(a, b)?;
    fs::rename(&aside, a)
}

/// Reads a whole regular file (a FIFO or device is refused, never waited on).
fn read_regular(file: &Path) -> Result<Vec<u8>> {
    use std::os::unix::fs::OpenOptionsExt;
    let mut f = fs::OpenOptions::new()
        .read(true)
        .custom_flags(libc::O_NONBLOCK)
        .open(file)
        .map_err(|e| io_err(file, e))?;
    let m = f.metadata().map_err(|e| io_err(file, e))?;
    if !m.is_file() {
        return Err(StoreError::NotRegular {
            path: file.to_path_buf(),
            kind: crate::i18n::t("security.kind_other").to_string(),
        });
    }
    let mut bytes = Vec::with_capacity(m.len() as usize);
    f.read_to_end(&mut bytes).map_err(|e| io_err(file, e))?;
    Ok(bytes)
}

/// `bytes` to `file` by way of a new temporary file in the same directory (`O_EXCL`, the
/// database's file mode and team group), fsynced, renamed over `file`, the directory fsynced.
fn write_durably(file: &Path, bytes: &[u8], policy: &Policy) -> Result<()> {
    use std::os::unix::fs::OpenOptionsExt;
    let name = file
        .file_name()
        .map(|n| n.to_string_lossy().into_owned())
        .ok_or_else(|| io_err(file, std::io::Error::from(std::io::ErrorKind::InvalidInput)))?;
    let dir = match file.parent() {
        Some(p) if !p.as_os_str().is_empty() => p.to_path_buf(),
        _ => PathBuf::from("."),
    };
    let tmp = dir.join(format!(".{name}.tmp-{}", files::random_suffix()));
    let result = (|| {
        let mut f = fs::OpenOptions::new()
            .write(true)
            .create_new(true)
            .mode(expected_mode(policy.shared(), false))
            .custom_flags(libc::O_NOFOLLOW)
            .open(&tmp)
            .map_err(|e| io_err(&tmp, e))?;
        // Exactly the database's mode, whatever the process umask.
        use std::os::unix::fs::PermissionsExt;
        f.set_permissions(fs::Permissions::from_mode(expected_mode(
            policy.shared(),
            false,
        )))
        .map_err(|e| io_err(&tmp, e))?;
        if let Some(gid) = policy.group() {
            // Best effort: a member of the team may give the file to the team's group.
            let _ = std::os::unix::fs::fchown(&f, None, Some(gid));
        }
        f.write_all(bytes).map_err(|e| io_err(&tmp, e))?;
        f.sync_all().map_err(|e| io_err(&tmp, e))?;
        fs::rename(&tmp, file).map_err(|e| io_err(file, e))?;
        fs::File::open(&dir)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_err(&dir, e))
    })();
    if result.is_err() {
        let _ = fs::remove_file(&tmp);
    }
    result
}
