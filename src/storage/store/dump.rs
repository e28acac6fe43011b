//! `backup` and `restore`: every record of the database copied out under the lock, and a
//! database rebuilt from such a copy in one transaction (see `storage::backup_file`).

use std::fs;
use std::io::{Read, Write};
use std::path::{Path, PathBuf};

use sled::transaction::TransactionError;
use sled::{IVec, Transactional};

use super::drafts::draft_key;
use super::handle::Store;
use super::open::{read_u64, sync_dir};
use crate::domain::event::Event;
use crate::domain::model::Debtor;
use crate::model::Draft;
use crate::storage::backup_file::{self, Dump, DumpMeta};
use crate::storage::codec::{self, Record};
use crate::storage::error::{corrupt, Result, StoreError};
use crate::storage::files::{self, expected_mode, io_err, Policy};
use crate::storage::journal::{self, JournalRecord};
use crate::storage::keys::{
    describe_key, dossier_key, journal_key, DossierRecord, KEY_CHANGES, KEY_GENERATION,
    KEY_NEXT_DEBTOR, KEY_NEXT_DOSSIER, KEY_SCHEMA, SCHEMA_VERSION, TREE_DEBTORS, TREE_DOSSIERS,
    TREE_DRAFTS, TREE_JOURNAL, TREE_META,
};

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
            let e: Event = decode(TREE_JOURNAL, k, v)?;
            let id = k
                .get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .ok_or_else(|| misplaced(TREE_JOURNAL, k))?;
            if k.as_ref() != journal_key(id, e.seq) {
                return Err(misplaced(TREE_JOURNAL, k));
            }
            dump.events.push((id, e));
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
        let bytes = read_regular(file)?;
        let dump = backup_file::parse(&bytes).map_err(|reason| StoreError::BadBackup {
            path: file.to_path_buf(),
            reason,
        })?;
        self.restore(&dump, force)
    }

    /// Replaces every record of the database by `dump`'s, in one sled transaction under the
    /// lock; then rebuilds the derived trees, syncs, and replaces the journal copy. A database
    /// holding any record is refused unless `force`. When records are replaced, the generation
    /// moves past both the old and the backup's and the change list is emptied, so every open
    /// screen reloads everything.
    pub fn restore(&self, dump: &Dump, force: bool) -> Result<Restored> {
        backup_file::check(dump).map_err(|what| StoreError::BadBackup {
            path: self.path.clone(),
            reason: backup_file::BackupFileError::Inconsistent(what),
        })?;
        if !self.exists() {
            self.init()?;
        }
        let enc = |key: &str, v: &dyn super::tx::erased::Enc| {
            v.enc().map_err(|e| StoreError::Corrupt {
                key: key.into(),
                reason: e.to_string(),
            })
        };
        // Encoded before the lock is taken: a record that does not encode stops here.
        let mut new: [Vec<(Vec<u8>, Vec<u8>)>; 4] = Default::default();
        for d in &dump.debtors {
            new[0].push((d.id.to_be_bytes().to_vec(), enc("debtor", d)?));
        }
        for d in &dump.dossiers {
            new[1].push((dossier_key(d.id).to_vec(), enc("dossier", d)?));
        }
        for (id, e) in &dump.events {
            new[2].push((journal_key(*id, e.seq).to_vec(), enc("event", e)?));
        }
        for d in &dump.drafts {
            new[3].push((draft_key(d.dossier, &d.user), enc("draft", d)?));
        }
        let records: Vec<JournalRecord> = dump
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
            )
            .collect();
        let summary = BackupSummary::of(dump, 0);
        self.with_db(false, |db| {
            let [debtors_t, dossiers_t, journal_t, meta_t, drafts_t] = self.trees(db)?;
            let held = debtors_t.len() + dossiers_t.len() + journal_t.len() + drafts_t.len();
            let replaced = dossiers_t.len();
            if held > 0 && !force {
                return Err(StoreError::Occupied {
                    path: self.path.clone(),
                    dossiers: replaced,
                });
            }
            let old_generation = read_u64(&meta_t, KEY_GENERATION).unwrap_or(0);
            let (generation, changes) = match dump.meta.generation {
                Some(g) if held == 0 && g > old_generation => {
                    (Some(g), dump.meta.recent_changes.clone())
                }
                g if held == 0 && old_generation == 0 => (g, dump.meta.recent_changes.clone()),
                g => (Some(g.unwrap_or(0).max(old_generation) + 1), Vec::new()),
            };
            let mut meta_new: Vec<(&[u8], Vec<u8>)> =
                vec![(KEY_SCHEMA, enc("schema_version", &SCHEMA_VERSION)?)];
            for (k, v) in [
                (KEY_NEXT_DOSSIER, dump.meta.next_dossier_id),
                (KEY_NEXT_DEBTOR, dump.meta.next_debtor_id),
                (KEY_GENERATION, generation),
            ] {
                if let Some(v) = v {
                    meta_new.push((k, enc("meta", &v)?));
                }
            }
            if dump.meta.generation.is_some() || !changes.is_empty() {
                meta_new.push((KEY_CHANGES, enc("recent_changes", &changes)?));
            }
            let keys = |t: &sled::Tree| -> Result<Vec<IVec>> {
                t.iter()
                    .keys()
                    .map(|k| k.map_err(|e| self.sled_err(e)))
                    .collect()
            };
            // Everything, the derived tally and format included: with those gone, a crash
            // before the rebuild below leaves derived trees that the next open rebuilds.
            let old = [
                keys(&debtors_t)?,
                keys(&dossiers_t)?,
                keys(&journal_t)?,
                keys(&drafts_t)?,
                keys(&meta_t)?,
            ];
            let res: std::result::Result<(), TransactionError<()>> =
                (&debtors_t, &dossiers_t, &journal_t, &drafts_t, &meta_t).transaction(
                    |(debtors, dossiers, journal, drafts, meta)| {
                        let trees = [debtors, dossiers, journal, drafts, meta];
                        for (t, ks) in trees.iter().zip(&old) {
                            for k in ks {
                                t.remove(k)?;
                            }
                        }
                        for (t, kvs) in trees.iter().zip(&new) {
                            for (k, v) in kvs {
                                t.insert(&k[..], &v[..])?;
                            }
                        }
                        for (k, v) in &meta_new {
                            meta.insert(*k, &v[..])?;
                        }
                        Ok(())
                    },
                );
            res.map_err(|e| self.sled_err(format!("{e:?}")))?;
            self.build_derived(db)?;
            db.flush().map_err(|e| self.sled_err(e))?;
            // The journal copy is replaced only once sled's records are on disk: a crash in
            // between leaves the old copy, which `doctor` then reports as different.
            sync_dir(&self.data_dir()).map_err(|e| self.io(e))?;
            let policy = Policy::for_dir(&self.path)?;
            let keep_as = format!(
                "before-restore-{}.log",
                chrono::Local::now().format("%Y%m%dT%H%M%S")
            );
            let kept_journal = if held == 0 && records.is_empty() {
                None
            } else {
                journal::replace_all(&self.path, &policy, &records, &keep_as)?
            };
            Ok(Restored {
                summary: summary.clone(),
                replaced,
                kept_journal,
            })
        })
    }
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
