//! The store: every sled access of the program goes through [`Store`].
//!
//! No process keeps the database open while idle. Each operation takes our side lock, opens sled,
//! does its work in one transaction, flushes, syncs the files to disk, and closes. Several people
//! on one server can therefore share a database, each operation waiting briefly for the previous.

use std::collections::HashMap;
use std::fs;
use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};
use std::time::Duration;

use chrono::{NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionError};
use sled::Transactional;

use super::codec::{self, CodecError};
use super::files::{self, Policy};
use super::journal::JournalRecord;
use super::lock::{self, LockError};
use crate::domain::event::{Event, EventKind};
use crate::domain::fold::{fold, DossierState};
use crate::domain::model::{Debtor, DebtorId, DossierId, Item};
use crate::i18n::tf;

/// Schema of the trees and keys; bumped when their meaning changes.
pub const SCHEMA_VERSION: u32 = 1;

pub(crate) const TREE_DEBTORS: &str = "debtors";
pub(crate) const TREE_DOSSIERS: &str = "dossiers";
pub(crate) const TREE_JOURNAL: &str = "journal";
pub(crate) const TREE_META: &str = "meta";
pub(crate) const TREE_DRAFTS: &str = "drafts";
pub(crate) const KEY_SCHEMA: &[u8] = b"schema_version";
pub(crate) const KEY_NEXT_DOSSIER: &[u8] = b"next_dossier_id";
pub(crate) const KEY_NEXT_DEBTOR: &[u8] = b"next_debtor_id";
pub(crate) const KEY_GENERATION: &[u8] = b"generation";
pub(crate) const KEY_CHANGES: &[u8] = b"recent_changes";
/// How many (generation, dossier) pairs are kept for live refresh.
const RECENT_CHANGES: usize = 512;

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long to retry a database held by another process before reporting it busy.
    pub lock_wait: Duration,
    /// sled page cache: small, because several users share the server's memory.
    pub cache_bytes: u64,
    /// Recorded on every event and in the lock owner record.
    pub user: String,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            lock_wait: Duration::from_secs(2),
            cache_bytes: 16 * 1024 * 1024,
            user: crate::identity::current_user(),
        }
    }
}

#[derive(Debug, thiserror::Error)]
pub enum StoreError {
    #[error("{}", tf("store.not_found", &[("path", &.0.display())]))]
    NotFound(PathBuf),
    #[error("{}", tf("store.exists", &[("path", &.0.display())]))]
    AlreadyExists(PathBuf),
    #[error("{}", tf("store.busy", &[("path", &.path.display()), ("holder", &.holder.clone().unwrap_or_else(|| "?".into()))]))]
    Busy {
        path: PathBuf,
        holder: Option<String>,
    },
    #[error("{}", tf("store.corrupt", &[("key", key), ("reason", reason)]))]
    Corrupt { key: String, reason: String },
    #[error("{}", tf("store.newer_schema", &[("path", &path.display()), ("version", version)]))]
    NewerSchema { path: PathBuf, version: u32 },
    #[error("{}", tf("store.unknown_dossier", &[("id", .0)]))]
    UnknownDossier(DossierId),
    /// Someone appended to the dossier since the user looked at it; nothing was written.
    #[error("{}", tf("store.stale", &[("id", id), ("expected", expected), ("actual", &newer.len())]))]
    Stale {
        id: DossierId,
        expected: u32,
        newer: Vec<Event>,
    },
    #[error("{}", tf("store.io", &[("path", &path.display()), ("reason", source)]))]
    Io {
        path: PathBuf,
        source: std::io::Error,
    },
    #[error("{}", tf("store.sled", &[("path", &path.display()), ("reason", reason)]))]
    Sled { path: PathBuf, reason: String },
    /// The database directory can be written by any account on the server.
    #[error("{}", tf("shared.world_writable", &[("path", &.0.display())]))]
    WorldWritable(PathBuf),
    /// A dossier's summary record is behind its journal: appending would overwrite history.
    #[error("{}", tf("shared.record_behind", &[("id", .0)]))]
    RecordBehind(DossierId),
    /// A file of the database directory is a symbolic link (never followed).
    #[error("{}", tf("security.symlink", &[("path", &.0.display())]))]
    Symlink(PathBuf),
    /// A FIFO, socket or device where recouvre expects a regular file (never opened).
    #[error("{}", tf("security.not_regular", &[("path", &path.display()), ("kind", kind)]))]
    NotRegular { path: PathBuf, kind: String },
    /// A file of the database that any account on the server can write to.
    #[error("{}", tf("security.world_writable_file", &[("path", &.0.display())]))]
    WorldWritableFile(PathBuf),
    /// A file owned by neither the user, the database's owner nor (team database) its group.
    #[error("{}", tf("security.foreign_owner", &[("path", &path.display()), ("owner", owner)]))]
    ForeignOwner { path: PathBuf, owner: String },
    /// The user may not enter or read the database; `blocked` is what stops them.
    #[error("{}", tf("security.permission_denied", &[("path", &path.display()), ("blocked", &blocked.display()), ("owner", owner), ("group", group), ("mode", mode), ("user", &crate::identity::current_user())]))]
    PermissionDenied {
        path: PathBuf,
        blocked: PathBuf,
        owner: String,
        group: String,
        mode: String,
    },
    /// A write to a database the user may only read (an auditor's copy).
    #[error("{}", tf("security.read_only", &[("path", &path.display()), ("owner", owner), ("user", user)]))]
    ReadOnly {
        path: PathBuf,
        owner: String,
        user: String,
    },
    /// `init` into a directory that already holds files (listed).
    #[error("{}", tf("shared.not_empty", &[("path", &path.display()), ("entries", entries)]))]
    NotEmpty { path: PathBuf, entries: String },
}

pub type Result<T> = std::result::Result<T, StoreError>;

/// Derived summary of a dossier, kept in the `dossiers` tree; the journal is the source of truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRecord {
    pub id: DossierId,
    pub debtor: DebtorId,
    pub journal_len: u32,
}

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

fn draft_key(dossier: DossierId, user: &str) -> Vec<u8> {
    let mut k = dossier.to_be_bytes().to_vec();
    k.extend_from_slice(user.as_bytes());
    k
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

#[derive(Debug, Clone)]
pub struct Store {
    path: PathBuf,
    opts: StoreOptions,
    /// The lock while a [`Held`] from [`Store::hold`] lives: operations then do not take it again.
    held: HeldSlot,
    /// Problems after a durable write (the journal copy, the backup): the write stands; the caller
    /// says them (stderr in the CLI, a notice in the TUI).
    warnings: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone, Default)]
struct HeldSlot(Arc<Mutex<Option<lock::LockGuard>>>);

impl std::fmt::Debug for HeldSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeldSlot")
    }
}

impl HeldSlot {
    fn is_held(&self) -> bool {
        self.0.lock().map(|g| g.is_some()).unwrap_or(false)
    }
}

/// The database lock held for a whole command (see [`Store::hold`]); released when dropped.
#[must_use]
pub struct Held {
    slot: Option<HeldSlot>,
}

impl Drop for Held {
    fn drop(&mut self) {
        if let Some(slot) = &self.slot {
            if let Ok(mut g) = slot.0.lock() {
                g.take();
            }
        }
    }
}

pub(crate) fn dossier_key(id: DossierId) -> [u8; 8] {
    id.to_be_bytes()
}

pub(crate) fn journal_key(id: DossierId, seq: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&id.to_be_bytes());
    k[8..].copy_from_slice(&seq.to_be_bytes());
    k
}

pub(crate) fn describe_key(tree: &str, key: &[u8]) -> String {
    match (tree, key.len()) {
        (TREE_JOURNAL, 12) => {
            let id = u64::from_be_bytes(key[..8].try_into().unwrap_or_default());
            let seq = u32::from_be_bytes(key[8..].try_into().unwrap_or_default());
            format!("{tree}/{id}#{seq}")
        }
        (_, 8) => format!(
            "{tree}/{}",
            u64::from_be_bytes(key.try_into().unwrap_or_default())
        ),
        _ => format!("{tree}/{}", String::from_utf8_lossy(key)),
    }
}

fn corrupt(tree: &str, key: &[u8], e: CodecError) -> StoreError {
    StoreError::Corrupt {
        key: describe_key(tree, key),
        reason: e.to_string(),
    }
}

/// Abort reason inside a transaction.
pub(crate) enum Abort {
    Stale { expected: u32, actual: u32 },
    Unknown(DossierId),
    Behind(DossierId),
    Codec(String, CodecError),
}

impl Store {
    pub fn new(path: impl Into<PathBuf>, opts: StoreOptions) -> Store {
        Store {
            path: path.into(),
            opts,
            held: HeldSlot::default(),
            warnings: Arc::default(),
        }
    }

    /// Takes the database lock until the returned [`Held`] is dropped: every operation of this
    /// store (and its clones) meanwhile runs under it without taking it again. A command that
    /// reads a dossier, decides, then writes does all of it under one lock, so what it read can
    /// never be stale. Nothing is held for a database the user may only read, or one that is
    /// missing (the operation itself then says why).
    pub fn hold(&self) -> Result<Held> {
        if self.held.is_held() || !self.exists() || !self.writable() {
            return Ok(Held { slot: None });
        }
        let _umask = super::shared::UmaskGuard::for_dir(&self.path);
        let guard = lock::acquire(&self.path, self.opts.lock_wait, &self.opts.user)
            .map_err(|e| self.lock_err(e))?;
        if let Ok(mut g) = self.held.0.lock() {
            *g = Some(guard);
        }
        Ok(Held {
            slot: Some(self.held.clone()),
        })
    }

    /// Warnings left by the last writes (see the `warnings` field), emptied.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    fn warn(&self, message: String) {
        if let Ok(mut w) = self.warnings.lock() {
            w.push(message);
        }
    }

    pub fn path(&self) -> &Path {
        &self.path
    }

    pub fn user(&self) -> &str {
        &self.opts.user
    }

    pub(crate) fn data_dir(&self) -> PathBuf {
        self.path.join("data")
    }

    /// Side file rewritten after every write: an open TUI polls its metadata to notice changes
    /// without taking the lock.
    pub fn generation_path(&self) -> PathBuf {
        self.path.join("generation")
    }

    pub fn exists(&self) -> bool {
        self.data_dir().join("conf").is_file()
    }

    fn io(&self, source: std::io::Error) -> StoreError {
        StoreError::Io {
            path: self.path.clone(),
            source,
        }
    }

    pub(crate) fn sled_err(&self, e: impl std::fmt::Display) -> StoreError {
        StoreError::Sled {
            path: self.path.clone(),
            reason: e.to_string(),
        }
    }

    /// Creates an empty personal database at this path: directory 0700, files 0600, built in a
    /// temporary sibling directory and renamed into place, so a failed or killed `init` leaves
    /// nothing half-made. A personal database on a shared server is nobody else's business
    /// (names, amounts owed); a team database is made with `init --shared` instead.
    pub fn init(&self) -> Result<()> {
        super::shared::create_database(&self.path, None, self.opts.clone()).map_err(|e| match e {
            super::shared::SharedError::Store(e) => e,
            other => self.io(std::io::Error::other(other.to_string())),
        })
    }

    /// Writes the schema of a new database into this (empty) directory.
    pub(crate) fn write_schema(&self) -> Result<()> {
        self.with_db(true, |db| {
            let meta = db.open_tree(TREE_META).map_err(|e| self.sled_err(e))?;
            let v =
                codec::encode(&SCHEMA_VERSION).map_err(|e| corrupt(TREE_META, KEY_SCHEMA, e))?;
            meta.insert(KEY_SCHEMA, v).map_err(|e| self.sled_err(e))?;
            Ok(())
        })
    }

    /// Runs `f` on an open database: lock, open, work, flush, sync, close.
    pub(crate) fn with_db<T>(
        &self,
        create: bool,
        f: impl FnOnce(&sled::Db) -> Result<T>,
    ) -> Result<T> {
        self.with_db_mode(create, true, f)
    }

    /// Like [`Store::with_db`] for work that writes nothing: the fsync of every file, which is
    /// what makes a write durable, is skipped (it cost a reader several ms on a busy disk).
    pub(crate) fn read_db<T>(&self, f: impl FnOnce(&sled::Db) -> Result<T>) -> Result<T> {
        self.with_db_mode(false, false, f)
    }

    fn with_db_mode<T>(
        &self,
        create: bool,
        durable: bool,
        f: impl FnOnce(&sled::Db) -> Result<T>,
    ) -> Result<T> {
        self.with_db_journaled(create, durable, |db| f(db).map(|t| (t, Vec::new())))
    }

    /// Like [`Store::with_db`] for a write whose journal events go to the journal copy too:
    /// after sled's commit is durable, and still under the lock, `records` are appended to
    /// `journal.log` and fsynced. Once sled's commit is durable the write stands: a failure of
    /// the copy is a warning (see [`Store::take_warnings`]), never an error that would make a
    /// script retry and duplicate the write.
    fn with_db_journaled<T>(
        &self,
        create: bool,
        durable: bool,
        f: impl FnOnce(&sled::Db) -> Result<(T, Vec<super::journal::JournalRecord>)>,
    ) -> Result<T> {
        if !create {
            self.check_present()?;
        }
        let policy = Policy::for_dir(&self.path)?;
        // Only reads skip the fsync; a reader without write access reads a private copy.
        if !create && !self.writable() {
            if durable {
                return Err(self.read_only());
            }
            return self.read_copy(&policy, |db| f(db).map(|(t, _)| t));
        }
        // In a group-shared directory every file we create (lock, sled segments, snapshots, the
        // generation hint) must stay group-writable whatever the user's own umask.
        let _umask = super::shared::UmaskGuard::for_dir(&self.path);
        let _guard = if self.held.is_held() {
            None
        } else {
            Some(
                lock::acquire(&self.path, self.opts.lock_wait, &self.opts.user)
                    .map_err(|e| self.lock_err(e))?,
            )
        };
        // Under the lock, just before sled opens its files (following links): no link, FIFO,
        // stranger's or world-writable file anywhere in the database.
        files::check_tree(&self.path, &policy)?;
        let db = self.open_sled(&self.data_dir())?;
        if !create {
            self.check_schema(&db)?;
        }
        let (out, mut records) = f(&db)?;
        db.flush().map_err(|e| self.sled_err(e))?;
        // No copy yet (a database from before the journal copy, or a copy removed): start it
        // with everything sled holds, this write included, or a rebuild from it would lose the
        // older history.
        if !records.is_empty() && !super::journal::path(&self.path).exists() {
            if let Ok((debtors, events)) = self.read_open_sled(&db) {
                records = debtors
                    .into_values()
                    .map(JournalRecord::Debtor)
                    .chain(
                        events
                            .into_iter()
                            .map(|((dossier, _), event)| JournalRecord::Event { dossier, event }),
                    )
                    .collect();
            }
        }
        let generation = db
            .open_tree(TREE_META)
            .ok()
            .and_then(|m| read_u64(&m, KEY_GENERATION));
        drop(db);
        // sled's flush only calls sync_file_range on Linux; make the write durable for real.
        if durable {
            sync_dir(&self.data_dir()).map_err(|e| self.io(e))?;
        }
        if !records.is_empty() {
            if let Err(e) = super::journal::append(&self.path, &policy, &records) {
                self.warn(tf("journal_copy.append_failed", &[("reason", &e)]));
            } else if let Err(e) =
                super::journal::daily_backup(&self.path, &policy, chrono::Local::now().date_naive())
            {
                self.warn(tf("journal_copy.backup_failed", &[("reason", &e)]));
            }
        }
        // The hint is written while we still hold the lock, so hints from two writers can never
        // land in the wrong order (a late, smaller number would hide a change from open TUIs).
        if let Some(g) = generation {
            if self.read_hint(&policy)? != Some(g) {
                // Only a hint for live refresh: the authoritative number is in the meta tree.
                let _ = files::replace(
                    &self.generation_path(),
                    format!("{g}\n").as_bytes(),
                    &policy,
                );
            }
        }
        Ok(out)
    }

    fn lock_err(&self, e: LockError) -> StoreError {
        match e {
            LockError::Busy(holder) => StoreError::Busy {
                path: self.path.clone(),
                holder,
            },
            LockError::Io(e) => self.io(e),
            LockError::Refused(e) => e,
        }
    }

    /// `NotFound` for no database, `PermissionDenied` (naming the owner) for one the user may
    /// not reach: both look alike to a plain `stat`.
    fn check_present(&self) -> Result<()> {
        let conf = self.data_dir().join("conf");
        match fs::symlink_metadata(&conf) {
            // A link is refused with its own message by the checks that follow.
            Ok(m) if m.file_type().is_symlink() => Ok(()),
            Ok(m) if m.is_file() => match files::denied_at(&conf) {
                Some(blocked) => Err(files::permission_denied(&self.path, blocked)),
                None => Ok(()),
            },
            Err(e) if e.kind() == std::io::ErrorKind::PermissionDenied => {
                let blocked = files::denied_at(&conf).unwrap_or_else(|| self.path.clone());
                Err(files::permission_denied(&self.path, blocked))
            }
            _ => Err(StoreError::NotFound(self.path.clone())),
        }
    }

    /// Whether the user may write the database (directories and sled's files).
    fn writable(&self) -> bool {
        let data = self.data_dir();
        let rwx = libc::W_OK | libc::X_OK;
        files::can(&self.path, rwx)
            && files::can(&data, rwx)
            && ["conf", "db"].iter().all(|f| {
                let p = data.join(f);
                !p.exists() || files::can(&p, libc::W_OK)
            })
    }

    fn read_only(&self) -> StoreError {
        use std::os::unix::fs::MetadataExt;
        let owner = fs::metadata(&self.path)
            .map(|m| crate::identity::user_name(m.uid()))
            .unwrap_or_else(|_| "?".into());
        StoreError::ReadOnly {
            path: self.path.clone(),
            owner,
            user: self.opts.user.clone(),
        }
    }

    /// Reads a database the user may not write to (an auditor's copy, a colleague's database
    /// opened read-only for them). sled 0.34 has no read-only mode: it opens its files for
    /// writing and may write on recovery. So the files are copied, under the shared lock (writers
    /// wait meanwhile), into a private temporary directory, and sled opens the copy, which is
    /// deleted afterwards. The cost is one copy of `data/` per read (measured in
    /// tests/shared.rs: a few ms for the demo database); writers are never slowed otherwise.
    fn read_copy<T>(&self, policy: &Policy, f: impl FnOnce(&sled::Db) -> Result<T>) -> Result<T> {
        let parent = std::env::temp_dir();
        let tmp = files::TempDir::new_in(&parent, "recouvre-lecture-")
            .map_err(|e| files::io_err(&parent, e))?;
        {
            let _guard = lock::acquire_shared(&self.path, self.opts.lock_wait, policy)
                .map_err(|e| self.lock_err(e))?;
            files::check_tree(&self.path, policy)?;
            files::copy_tree(&self.data_dir(), tmp.path(), policy).map_err(|e| match e {
                StoreError::Io { path, source }
                    if source.kind() == std::io::ErrorKind::PermissionDenied =>
                {
                    files::permission_denied(&self.path, path)
                }
                other => other,
            })?;
        }
        let db = self.open_sled(tmp.path())?;
        self.check_schema(&db)?;
        let out = f(&db);
        drop(db);
        drop(tmp);
        out
    }

    /// Opens sled under our lock. sled's own file lock is normally free by then; should the
    /// previous holder's sled still be releasing it, retry briefly rather than fail the user.
    fn open_sled(&self, data: &Path) -> Result<sled::Db> {
        remove_unfinished_snapshots(data).map_err(|e| self.io(e))?;
        let start = std::time::Instant::now();
        loop {
            match sled::Config::new()
                .path(data)
                .cache_capacity(self.opts.cache_bytes)
                // We flush and sync ourselves before reporting success; no background thread.
                .flush_every_ms(None)
                .open()
            {
                Ok(db) => return Ok(db),
                Err(e)
                    if e.to_string().contains("could not acquire lock")
                        && start.elapsed() < self.opts.lock_wait =>
                {
                    std::thread::sleep(Duration::from_millis(2));
                }
                Err(e) => return Err(self.sled_err(e)),
            }
        }
    }

    fn check_schema(&self, db: &sled::Db) -> Result<()> {
        let meta = db.open_tree(TREE_META).map_err(|e| self.sled_err(e))?;
        if let Some(v) = meta.get(KEY_SCHEMA).map_err(|e| self.sled_err(e))? {
            let version: u32 = codec::decode(&v).map_err(|e| corrupt(TREE_META, KEY_SCHEMA, e))?;
            if version > SCHEMA_VERSION {
                return Err(StoreError::NewerSchema {
                    path: self.path.clone(),
                    version,
                });
            }
        }
        Ok(())
    }

    pub(crate) fn trees(&self, db: &sled::Db) -> Result<[sled::Tree; 5]> {
        let t = |name| db.open_tree(name).map_err(|e| self.sled_err(e));
        Ok([
            t(TREE_DEBTORS)?,
            t(TREE_DOSSIERS)?,
            t(TREE_JOURNAL)?,
            t(TREE_META)?,
            t(TREE_DRAFTS)?,
        ])
    }

    /// Current generation number, read from the side file without opening the database. `None`
    /// when the file is missing, unreadable, or not a regular file of ours (a link or a FIFO is
    /// never followed or waited on; the next command names it).
    pub fn generation_hint(&self) -> Option<u64> {
        let policy = Policy::for_dir(&self.path).ok()?;
        self.read_hint(&policy).ok().flatten()
    }

    fn read_hint(&self, policy: &Policy) -> Result<Option<u64>> {
        use std::io::Read;
        let path = self.generation_path();
        let Some(file) = files::open_existing(&path, policy)? else {
            return Ok(None);
        };
        // The number and a newline; a larger file is not ours to read whole.
        let mut text = String::new();
        let _ = file.take(32).read_to_string(&mut text);
        Ok(text.trim().parse().ok())
    }

    /// Loads every dossier. Records that do not decode are reported and skipped.
    ///
    /// Under the lock only the raw records are copied out; decoding and folding (most of the
    /// time, 0.3 s at 20 000 dossiers) happen after the lock is released, so a reader never holds
    /// writers back for the length of a full load.
    pub fn load_all(&self) -> Result<Snapshot> {
        type Raw = Vec<(sled::IVec, sled::IVec)>;
        let (generation, debtors_raw, dossier_keys, journal_raw) =
            self.read_db(|db| -> Result<(u64, Raw, Vec<sled::IVec>, Raw)> {
                let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
                let all = |t: &sled::Tree| -> Result<Raw> {
                    t.iter()
                        .map(|kv| kv.map_err(|e| self.sled_err(e)))
                        .collect()
                };
                let keys = dossiers_t
                    .iter()
                    .keys()
                    .map(|k| k.map_err(|e| self.sled_err(e)))
                    .collect::<Result<Vec<_>>>()?;
                Ok((
                    read_u64(&meta_t, KEY_GENERATION).unwrap_or(0),
                    all(&debtors_t)?,
                    keys,
                    all(&journal_t)?,
                ))
            })?;
        let mut snap = Snapshot {
            generation,
            ..Snapshot::default()
        };
        let mut debtors: HashMap<DebtorId, Debtor> = HashMap::new();
        for (k, v) in &debtors_raw {
            match codec::decode::<Debtor>(v) {
                Ok(d) => {
                    debtors.insert(d.id, d);
                }
                Err(e) => snap.problems.push(RecordProblem {
                    key: describe_key(TREE_DEBTORS, k),
                    reason: e.to_string(),
                }),
            }
        }
        // Journal entries are keyed by dossier then sequence: group them by dossier.
        let mut journals: HashMap<DossierId, Vec<RawEntry>> = HashMap::new();
        for (k, v) in &journal_raw {
            let id = k
                .get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .unwrap_or(0);
            journals.entry(id).or_default().push((k, v));
        }
        for k in &dossier_keys {
            let Ok(id_bytes) = <[u8; 8]>::try_from(k.as_ref()) else {
                snap.problems.push(RecordProblem {
                    key: describe_key(TREE_DOSSIERS, k),
                    reason: "bad key".into(),
                });
                continue;
            };
            let id = u64::from_be_bytes(id_bytes);
            let raw = journals.remove(&id).unwrap_or_default();
            match decode_journal(raw).and_then(|events| fold_one(&debtors, id, events)) {
                Ok(d) => snap.dossiers.push(d),
                Err(p) => snap.problems.push(p),
            }
        }
        Ok(snap)
    }

    /// Loads one dossier with its journal and debtor.
    pub fn load(&self, id: DossierId) -> Result<LoadedDossier> {
        self.read_db(|db| {
            let [debtors_t, dossiers_t, journal_t, _, _] = self.trees(db)?;
            if !dossiers_t
                .contains_key(dossier_key(id))
                .map_err(|e| self.sled_err(e))?
            {
                return Err(StoreError::UnknownDossier(id));
            }
            let mut debtors = HashMap::new();
            let events = read_journal(&journal_t, id).map_err(|p| StoreError::Corrupt {
                key: p.key,
                reason: p.reason,
            })?;
            if let Some(EventKind::Created { debtor, .. }) = events.first().map(|e| &e.kind) {
                let key = debtor.to_be_bytes();
                if let Some(v) = debtors_t.get(key).map_err(|e| self.sled_err(e))? {
                    let d: Debtor =
                        codec::decode(&v).map_err(|e| corrupt(TREE_DEBTORS, &key, e))?;
                    debtors.insert(d.id, d);
                }
            }
            load_one(&journal_t, &debtors, id).map_err(|p| StoreError::Corrupt {
                key: p.key,
                reason: p.reason,
            })
        })
    }

    /// Every debtor, for completion and matching.
    pub fn debtors(&self) -> Result<Vec<Debtor>> {
        self.read_db(|db| {
            let [debtors_t, ..] = self.trees(db)?;
            let mut out = Vec::new();
            for kv in debtors_t.iter() {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                out.push(codec::decode(&v).map_err(|e| corrupt(TREE_DEBTORS, &k, e))?);
            }
            Ok(out)
        })
    }

    /// Creates a dossier (and its debtor when no debtor of that name exists) in one transaction.
    pub fn create(&self, new: NewDossier) -> Result<DossierId> {
        let user = self.opts.user.clone();
        let id = self.with_db_journaled(false, true, |db| {
            let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
            // Matched under the same lock as the write, so two people adding a dossier for the
            // same new debtor at the same moment do not create it twice.
            let mut same_name = None;
            for kv in debtors_t.iter() {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                let d: Debtor = codec::decode(&v).map_err(|e| corrupt(TREE_DEBTORS, &k, e))?;
                if d.name.trim().eq_ignore_ascii_case(new.debtor.name.trim()) {
                    same_name = Some(d);
                    break;
                }
            }
            let res = (&debtors_t, &dossiers_t, &journal_t, &meta_t).transaction(
                |(debtors, dossiers, journal, meta)| {
                    let enc = |key: &str, v: &dyn erased::Enc| {
                        v.enc().map_err(|e| {
                            ConflictableTransactionError::Abort(Abort::Codec(key.into(), e))
                        })
                    };
                    let next = |k: &[u8]| next_id(meta, k);
                    let mut records = Vec::new();
                    let debtor_id = match &same_name {
                        Some(d) => d.id,
                        None => {
                            let id = next(KEY_NEXT_DEBTOR)?;
                            let mut d = new.debtor.clone();
                            d.id = id;
                            debtors.insert(&id.to_be_bytes(), enc("debtor", &d)?)?;
                            records.push(JournalRecord::Debtor(d));
                            id
                        }
                    };
                    let id = next(KEY_NEXT_DOSSIER)?;
                    let mut created = new.created.clone();
                    if let EventKind::Created { debtor, .. } = &mut created {
                        *debtor = debtor_id;
                    }
                    let now = Utc::now();
                    let mut kinds = vec![created];
                    kinds.extend(new.items.iter().cloned().map(EventKind::ItemAdded));
                    for (seq, kind) in kinds.into_iter().enumerate() {
                        let ev = Event {
                            seq: seq as u32,
                            at: now,
                            date: new.date,
                            user: user.clone(),
                            kind,
                        };
                        journal.insert(&journal_key(id, seq as u32), enc("event", &ev)?)?;
                        records.push(JournalRecord::Event {
                            dossier: id,
                            event: ev,
                        });
                    }
                    let rec = DossierRecord {
                        id,
                        debtor: debtor_id,
                        journal_len: 1 + new.items.len() as u32,
                    };
                    dossiers.insert(&dossier_key(id), enc("dossier", &rec)?)?;
                    bump_generation(meta, id)?;
                    Ok((id, records))
                },
            );
            self.map_tx(res)
        })?;
        Ok(id)
    }

    /// Creates dossiers with a past history in one transaction (demo database, imports).
    /// Each history event carries its own business date; debtors are created as given.
    pub fn import(
        &self,
        batch: Vec<(NewDossier, Vec<(NaiveDate, EventKind)>)>,
    ) -> Result<Vec<DossierId>> {
        let user = self.opts.user.clone();
        let ids = self.with_db_journaled(false, true, |db| {
            let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
            let res = (&debtors_t, &dossiers_t, &journal_t, &meta_t).transaction(
                |(debtors, dossiers, journal, meta)| {
                    let abort = |key: &str, e| {
                        ConflictableTransactionError::Abort(Abort::Codec(key.into(), e))
                    };
                    let next = |k: &[u8]| next_id(meta, k);
                    let mut ids = Vec::new();
                    let mut records = Vec::new();
                    for (new, history) in &batch {
                        let debtor_id = next(KEY_NEXT_DEBTOR)?;
                        let mut d = new.debtor.clone();
                        d.id = debtor_id;
                        debtors.insert(
                            &debtor_id.to_be_bytes(),
                            codec::encode(&d).map_err(|e| abort("debtor", e))?,
                        )?;
                        records.push(JournalRecord::Debtor(d));
                        let id = next(KEY_NEXT_DOSSIER)?;
                        let mut created = new.created.clone();
                        if let EventKind::Created { debtor, .. } = &mut created {
                            *debtor = debtor_id;
                        }
                        let mut all: Vec<(NaiveDate, EventKind)> = vec![(new.date, created)];
                        all.extend(
                            new.items
                                .iter()
                                .cloned()
                                .map(|i| (new.date, EventKind::ItemAdded(i))),
                        );
                        all.extend(history.iter().cloned());
                        for (seq, (date, kind)) in all.iter().enumerate() {
                            let at = date
                                .and_hms_opt(9, 0, 0)
                                .map(|t| t.and_utc())
                                .unwrap_or_else(Utc::now)
                                + chrono::Duration::minutes(seq as i64);
                            let ev = Event {
                                seq: seq as u32,
                                at,
                                date: *date,
                                user: user.clone(),
                                kind: kind.clone(),
                            };
                            journal.insert(
                                &journal_key(id, seq as u32),
                                codec::encode(&ev).map_err(|e| abort("event", e))?,
                            )?;
                            records.push(JournalRecord::Event {
                                dossier: id,
                                event: ev,
                            });
                        }
                        let rec = DossierRecord {
                            id,
                            debtor: debtor_id,
                            journal_len: all.len() as u32,
                        };
                        dossiers.insert(
                            &dossier_key(id),
                            codec::encode(&rec).map_err(|e| abort("dossier", e))?,
                        )?;
                        bump_generation(meta, id)?;
                        ids.push(id);
                    }
                    Ok((ids, records))
                },
            );
            self.map_tx(res)
        })?;
        Ok(ids)
    }

    /// Appends events to a dossier's journal in one transaction.
    ///
    /// `expected_len` is the journal length the user saw: if someone appended meanwhile, nothing is
    /// written and [`StoreError::Stale`] carries the events the user has not seen.
    pub fn append(
        &self,
        id: DossierId,
        expected_len: Option<u32>,
        date: NaiveDate,
        kinds: Vec<EventKind>,
    ) -> Result<Vec<Event>> {
        let user = self.opts.user.clone();
        let events = self.with_db_journaled(false, true, |db| {
            let [_, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
            let res =
                (&dossiers_t, &journal_t, &meta_t).transaction(|(dossiers, journal, meta)| {
                    let abort = ConflictableTransactionError::Abort;
                    let raw = dossiers
                        .get(dossier_key(id))?
                        .ok_or(abort(Abort::Unknown(id)))?;
                    let mut rec: DossierRecord = codec::decode(&raw).map_err(|e| {
                        abort(Abort::Codec(
                            describe_key(TREE_DOSSIERS, &dossier_key(id)),
                            e,
                        ))
                    })?;
                    // The journal is the source of truth: never overwrite an entry, even when
                    // the summary record lags behind it (doctor --repair fixes the record).
                    if journal.get(journal_key(id, rec.journal_len))?.is_some() {
                        return Err(abort(Abort::Behind(id)));
                    }
                    if let Some(expected) = expected_len {
                        if expected != rec.journal_len {
                            return Err(abort(Abort::Stale {
                                expected,
                                actual: rec.journal_len,
                            }));
                        }
                    }
                    let now = Utc::now();
                    let mut written = Vec::new();
                    for kind in &kinds {
                        let ev = Event {
                            seq: rec.journal_len,
                            at: now,
                            date,
                            user: user.clone(),
                            kind: kind.clone(),
                        };
                        let bytes = codec::encode(&ev)
                            .map_err(|e| abort(Abort::Codec("event".into(), e)))?;
                        journal.insert(&journal_key(id, ev.seq), bytes)?;
                        rec.journal_len += 1;
                        written.push(ev);
                    }
                    let bytes = codec::encode(&rec)
                        .map_err(|e| abort(Abort::Codec("dossier".into(), e)))?;
                    dossiers.insert(&dossier_key(id), bytes)?;
                    bump_generation(meta, id)?;
                    Ok(written)
                });
            match res {
                Err(TransactionError::Abort(Abort::Stale { expected, actual })) => {
                    let mut newer =
                        read_journal(&journal_t, id).map_err(|p| StoreError::Corrupt {
                            key: p.key,
                            reason: p.reason,
                        })?;
                    newer.retain(|e| e.seq >= expected && e.seq < actual);
                    Err(StoreError::Stale {
                        id,
                        expected,
                        newer,
                    })
                }
                other => {
                    let written = self.map_tx(other)?;
                    let records = written
                        .iter()
                        .map(|e| JournalRecord::Event {
                            dossier: id,
                            event: e.clone(),
                        })
                        .collect();
                    Ok((written, records))
                }
            }
        })?;
        Ok(events)
    }

    /// Saves (replaces) the user's draft letter for a dossier. Drafts are not journal events:
    /// they are work in progress, kept so a dropped connection loses at most a few seconds.
    pub fn save_draft(&self, draft: &Draft) -> Result<()> {
        self.with_db(false, |db| {
            let [.., drafts] = self.trees(db)?;
            let key = draft_key(draft.dossier, &draft.user);
            let bytes = codec::encode(draft).map_err(|e| corrupt(TREE_DRAFTS, &key, e))?;
            drafts.insert(key, bytes).map_err(|e| self.sled_err(e))?;
            Ok(())
        })
    }

    /// The current user's draft for a dossier, if any.
    pub fn load_draft(&self, dossier: DossierId) -> Result<Option<Draft>> {
        self.read_db(|db| {
            let [.., drafts] = self.trees(db)?;
            let key = draft_key(dossier, &self.opts.user);
            match drafts.get(&key).map_err(|e| self.sled_err(e))? {
                Some(v) => Ok(Some(
                    codec::decode(&v).map_err(|e| corrupt(TREE_DRAFTS, &key, e))?,
                )),
                None => Ok(None),
            }
        })
    }

    /// Dossiers for which the current user has a draft waiting (for the list and detail).
    pub fn draft_dossiers(&self) -> Result<Vec<DossierId>> {
        self.read_db(|db| {
            let [.., drafts] = self.trees(db)?;
            let mut out = Vec::new();
            for kv in drafts.iter() {
                let (k, _) = kv.map_err(|e| self.sled_err(e))?;
                if k.len() > 8 && &k[8..] == self.opts.user.as_bytes() {
                    let mut id = [0u8; 8];
                    id.copy_from_slice(&k[..8]);
                    out.push(DossierId::from_be_bytes(id));
                }
            }
            Ok(out)
        })
    }

    pub fn delete_draft(&self, dossier: DossierId) -> Result<()> {
        self.with_db(false, |db| {
            let [.., drafts] = self.trees(db)?;
            drafts
                .remove(draft_key(dossier, &self.opts.user))
                .map_err(|e| self.sled_err(e))?;
            Ok(())
        })
    }

    /// Dossiers changed since `generation` (None when too old to tell: reload everything).
    pub fn changed_since(&self, generation: u64) -> Result<(u64, Option<Vec<DossierId>>)> {
        self.read_db(|db| {
            let [_, _, _, meta_t, _] = self.trees(db)?;
            let current = read_u64(&meta_t, KEY_GENERATION).unwrap_or(0);
            let changes: Vec<(u64, DossierId)> =
                match meta_t.get(KEY_CHANGES).map_err(|e| self.sled_err(e))? {
                    Some(v) => codec::decode(&v).map_err(|e| corrupt(TREE_META, KEY_CHANGES, e))?,
                    None => Vec::new(),
                };
            let oldest = changes.first().map(|c| c.0).unwrap_or(current + 1);
            if generation + 1 < oldest && generation < current {
                return Ok((current, None));
            }
            let mut ids: Vec<DossierId> = changes
                .iter()
                .filter(|(g, _)| *g > generation)
                .map(|(_, id)| *id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            Ok((current, Some(ids)))
        })
    }

    pub(crate) fn map_tx<T>(
        &self,
        res: std::result::Result<T, TransactionError<Abort>>,
    ) -> Result<T> {
        match res {
            Ok(v) => Ok(v),
            Err(TransactionError::Abort(Abort::Unknown(id))) => Err(StoreError::UnknownDossier(id)),
            Err(TransactionError::Abort(Abort::Behind(id))) => Err(StoreError::RecordBehind(id)),
            Err(TransactionError::Abort(Abort::Codec(key, e))) => Err(StoreError::Corrupt {
                key,
                reason: e.to_string(),
            }),
            Err(TransactionError::Abort(Abort::Stale { expected, .. })) => Err(StoreError::Stale {
                id: 0,
                expected,
                newer: vec![],
            }),
            Err(TransactionError::Storage(e)) => Err(self.sled_err(e)),
        }
    }
}

/// Lets the transaction closure encode values of different types through one helper.
mod erased {
    use super::codec::{self, CodecError};
    pub trait Enc {
        fn enc(&self) -> Result<Vec<u8>, CodecError>;
    }
    impl<T: serde::Serialize> Enc for T {
        fn enc(&self) -> Result<Vec<u8>, CodecError> {
            codec::encode(self)
        }
    }
}

pub(crate) fn read_u64(tree: &sled::Tree, key: &[u8]) -> Option<u64> {
    tree.get(key)
        .ok()
        .flatten()
        .and_then(|v| codec::decode(&v).ok())
}

/// Takes the next id from the counter at `k` (ids start at 1) and advances the counter, inside
/// the caller's transaction.
fn next_id(
    meta: &sled::transaction::TransactionalTree,
    k: &[u8],
) -> std::result::Result<u64, ConflictableTransactionError<Abort>> {
    let cur = match meta.get(k)? {
        Some(v) => codec::decode::<u64>(&v).map_err(|e| {
            ConflictableTransactionError::Abort(Abort::Codec(describe_key(TREE_META, k), e))
        })?,
        None => 1,
    };
    let bytes = codec::encode(&(cur + 1)).map_err(|e| {
        ConflictableTransactionError::Abort(Abort::Codec(describe_key(TREE_META, k), e))
    })?;
    meta.insert(k, bytes)?;
    Ok(cur)
}

pub(crate) fn bump_generation(
    meta: &sled::transaction::TransactionalTree,
    id: DossierId,
) -> std::result::Result<u64, ConflictableTransactionError<Abort>> {
    let abort = |k: &[u8], e| {
        ConflictableTransactionError::Abort(Abort::Codec(describe_key(TREE_META, k), e))
    };
    let current = match meta.get(KEY_GENERATION)? {
        Some(v) => codec::decode::<u64>(&v).map_err(|e| abort(KEY_GENERATION, e))?,
        None => 0,
    };
    let generation = current + 1;
    meta.insert(
        KEY_GENERATION,
        codec::encode(&generation).map_err(|e| abort(KEY_GENERATION, e))?,
    )?;
    let mut changes: Vec<(u64, DossierId)> = match meta.get(KEY_CHANGES)? {
        Some(v) => codec::decode(&v).unwrap_or_default(),
        None => Vec::new(),
    };
    changes.push((generation, id));
    if changes.len() > RECENT_CHANGES {
        let cut = changes.len() - RECENT_CHANGES;
        changes.drain(..cut);
    }
    meta.insert(
        KEY_CHANGES,
        codec::encode(&changes).map_err(|e| abort(KEY_CHANGES, e))?,
    )?;
    Ok(generation)
}

fn read_journal(
    journal: &sled::Tree,
    id: DossierId,
) -> std::result::Result<Vec<Event>, RecordProblem> {
    let mut events = Vec::new();
    for kv in journal.scan_prefix(id.to_be_bytes()) {
        let (k, v) = kv.map_err(|e| RecordProblem {
            key: format!("{TREE_JOURNAL}/{id}"),
            reason: e.to_string(),
        })?;
        let ev: Event = codec::decode(&v).map_err(|e| RecordProblem {
            key: describe_key(TREE_JOURNAL, &k),
            reason: e.to_string(),
        })?;
        events.push(ev);
    }
    Ok(events)
}

/// A journal entry as stored: key and encoded event.
type RawEntry<'a> = (&'a [u8], &'a [u8]);

fn decode_journal(raw: Vec<RawEntry>) -> std::result::Result<Vec<Event>, RecordProblem> {
    raw.into_iter()
        .map(|(k, v)| {
            codec::decode::<Event>(v).map_err(|e| RecordProblem {
                key: describe_key(TREE_JOURNAL, k),
                reason: e.to_string(),
            })
        })
        .collect()
}

pub(crate) fn load_one(
    journal: &sled::Tree,
    debtors: &HashMap<DebtorId, Debtor>,
    id: DossierId,
) -> std::result::Result<LoadedDossier, RecordProblem> {
    let events = read_journal(journal, id)?;
    fold_one(debtors, id, events)
}

fn fold_one(
    debtors: &HashMap<DebtorId, Debtor>,
    id: DossierId,
    events: Vec<Event>,
) -> std::result::Result<LoadedDossier, RecordProblem> {
    let state = fold(id, &events).map_err(|e| RecordProblem {
        key: format!("{TREE_JOURNAL}/{id}"),
        reason: e.to_string(),
    })?;
    let debtor = debtors
        .get(&state.debtor)
        .cloned()
        .ok_or_else(|| RecordProblem {
            key: format!("{TREE_DEBTORS}/{}", state.debtor),
            reason: "missing debtor".into(),
        })?;
    Ok(LoadedDossier {
        events,
        state,
        debtor,
    })
}

/// Deletes snapshot files sled was still writing when its process died.
///
/// sled 0.34 writes a snapshot to `snap.<lsn>.generating` and renames it when complete, but when
/// opening it takes the name that sorts last among `snap.*` files, `.generating` included: a
/// process killed mid-snapshot (kill -9, power loss) leaves a truncated file that makes every
/// later open fail with "Read corrupted data at file offset None" (spacejam/sled#1527). The
/// complete snapshot it was meant to replace is still there (old ones are deleted only after the
/// rename) and the log holds the rest, so the unfinished file carries nothing. We hold the lock,
/// so no other process can be writing one right now.
fn remove_unfinished_snapshots(data: &Path) -> std::io::Result<()> {
    let entries = match fs::read_dir(data) {
        Ok(e) => e,
        Err(e) if e.kind() == std::io::ErrorKind::NotFound => return Ok(()),
        Err(e) => return Err(e),
    };
    for entry in entries {
        let entry = entry?;
        let name = entry.file_name();
        let name = name.to_string_lossy();
        if name.starts_with("snap.") && name.ends_with(".generating") {
            fs::remove_file(entry.path())?;
        }
    }
    Ok(())
}

/// fsyncs every file below `dir`, then the directories themselves.
fn sync_dir(dir: &Path) -> std::io::Result<()> {
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        if ft.is_dir() {
            sync_dir(&entry.path())?;
        } else if ft.is_file() {
            use std::os::unix::fs::OpenOptionsExt;
            fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(entry.path())?
                .sync_all()?;
        }
    }
    fs::File::open(dir)?.sync_all()
}

/// What `doctor --repair` did from the journal copy (`journal.log`).
#[derive(Debug, Clone, Default)]
pub struct JournalRepair {
    /// Why sled was rebuilt (it could not be read, or it lacked acknowledged events); `None`
    /// when it was not.
    pub rebuilt_because: Option<String>,
    pub dossiers: usize,
    pub events: usize,
    pub debtors: usize,
    /// Records of the copy whose checksum (or decoding) failed, skipped.
    pub skipped: Vec<super::journal::Skipped>,
    /// Events sled had and the copy lacked (a copy that failed after a write), now added to it.
    pub added_to_copy: usize,
    /// Where the replaced sled files were moved (kept for inspection).
    pub old_data: Option<PathBuf>,
}

type SledContents = (
    std::collections::BTreeMap<DebtorId, Debtor>,
    std::collections::BTreeMap<(DossierId, u32), Event>,
);

impl Store {
    /// Compares sled with the journal copy and repairs from it: sled is rebuilt whole when it
    /// cannot be read or lacks an event of the copy (sled's own extra events are kept); events
    /// only sled has are added to the copy. `None` when there is no copy or nothing to do.
    pub fn repair_from_journal(&self) -> Result<Option<JournalRepair>> {
        use super::journal;
        if !self.path.join(journal::FILE).exists() {
            return Ok(None);
        }
        let policy = Policy::for_dir(&self.path)?;
        let _umask = super::shared::UmaskGuard::for_dir(&self.path);
        let _guard = if self.held.is_held() {
            None
        } else {
            Some(
                lock::acquire(&self.path, self.opts.lock_wait, &self.opts.user)
                    .map_err(|e| self.lock_err(e))?,
            )
        };
        files::check_tree(&self.path, &policy)?;
        let Some(copy) = journal::read(&self.path, &policy)? else {
            return Ok(None);
        };
        // A damaged file can make sled panic rather than fail: either way it is unreadable.
        let in_sled = std::panic::catch_unwind(std::panic::AssertUnwindSafe(|| self.read_sled()))
            .unwrap_or_else(|_| Err("sled panicked while reading".into()));
        let mut report = JournalRepair {
            skipped: copy.skipped.clone(),
            ..JournalRepair::default()
        };
        let (mut debtors, mut events) = (copy.debtors.clone(), copy.events.clone());
        match in_sled {
            Ok((s_debtors, s_events)) => {
                let missing = copy
                    .events
                    .iter()
                    .filter(|(k, e)| s_events.get(k) != Some(e))
                    .count();
                let mut extra = Vec::new();
                for (id, d) in &s_debtors {
                    if !copy.debtors.contains_key(id) {
                        extra.push(JournalRecord::Debtor(d.clone()));
                        debtors.insert(*id, d.clone());
                    }
                }
                for ((id, seq), e) in &s_events {
                    if !copy.events.contains_key(&(*id, *seq)) {
                        report.added_to_copy += 1;
                        extra.push(JournalRecord::Event {
                            dossier: *id,
                            event: e.clone(),
                        });
                        events.insert((*id, *seq), e.clone());
                    }
                }
                journal::append(&self.path, &policy, &extra)?;
                if missing == 0 {
                    return Ok(
                        (report.added_to_copy > 0 || !report.skipped.is_empty()).then_some(report)
                    );
                }
                report.rebuilt_because =
                    Some(tf("journal_copy.sled_lacks", &[("count", &missing)]));
            }
            Err(reason) => {
                report.rebuilt_because =
                    Some(tf("journal_copy.sled_unreadable", &[("reason", &reason)]))
            }
        }
        self.rebuild_sled(&debtors, &events, &mut report)?;
        Ok(Some(report))
    }

    /// Every debtor and event sled holds, or why it cannot be read.
    fn read_sled(&self) -> std::result::Result<SledContents, String> {
        let db = self
            .open_sled(&self.data_dir())
            .map_err(|e| e.to_string())?;
        self.read_open_sled(&db)
    }

    fn read_open_sled(&self, db: &sled::Db) -> std::result::Result<SledContents, String> {
        let [debtors_t, _, journal_t, ..] = self.trees(db).map_err(|e| e.to_string())?;
        let mut debtors = std::collections::BTreeMap::new();
        for kv in debtors_t.iter() {
            let (k, v) = kv.map_err(|e| e.to_string())?;
            let d: Debtor =
                codec::decode(&v).map_err(|e| corrupt(TREE_DEBTORS, &k, e).to_string())?;
            debtors.insert(d.id, d);
        }
        let mut events = std::collections::BTreeMap::new();
        for kv in journal_t.iter() {
            let (k, v) = kv.map_err(|e| e.to_string())?;
            let e: Event =
                codec::decode(&v).map_err(|e| corrupt(TREE_JOURNAL, &k, e).to_string())?;
            let id = k
                .get(..8)
                .and_then(|b| <[u8; 8]>::try_from(b).ok())
                .map(u64::from_be_bytes)
                .ok_or_else(|| describe_key(TREE_JOURNAL, &k))?;
            events.insert((id, e.seq), e);
        }
        Ok((debtors, events))
    }

    /// Builds a new sled database from `debtors` and `events` beside `data/`, then swaps it in
    /// (the old files are kept as `data.broken-TIMESTAMP`). Caller holds the lock.
    fn rebuild_sled(
        &self,
        debtors: &std::collections::BTreeMap<DebtorId, Debtor>,
        events: &std::collections::BTreeMap<(DossierId, u32), Event>,
        report: &mut JournalRepair,
    ) -> Result<()> {
        let fresh = self
            .path
            .join(format!("data.rebuild-{}", files::random_suffix()));
        let previous = self.generation_hint().unwrap_or(0);
        {
            let db = self.open_sled(&fresh)?;
            let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(&db)?;
            let enc = |key: &str, v: &dyn erased::Enc| {
                v.enc().map_err(|e| StoreError::Corrupt {
                    key: key.into(),
                    reason: e.to_string(),
                })
            };
            let sled = |e: sled::Error| self.sled_err(e);
            meta_t
                .insert(KEY_SCHEMA, enc("schema", &SCHEMA_VERSION)?)
                .map_err(sled)?;
            for d in debtors.values() {
                debtors_t
                    .insert(d.id.to_be_bytes(), enc("debtor", d)?)
                    .map_err(sled)?;
            }
            let mut records: std::collections::BTreeMap<DossierId, DossierRecord> =
                Default::default();
            for ((id, seq), e) in events {
                journal_t
                    .insert(journal_key(*id, *seq), enc("event", e)?)
                    .map_err(sled)?;
                let rec = records.entry(*id).or_insert(DossierRecord {
                    id: *id,
                    debtor: 0,
                    journal_len: 0,
                });
                rec.journal_len = rec.journal_len.max(seq + 1);
                if let EventKind::Created { debtor, .. } = &e.kind {
                    rec.debtor = *debtor;
                }
            }
            for rec in records.values() {
                dossiers_t
                    .insert(dossier_key(rec.id), enc("dossier", rec)?)
                    .map_err(sled)?;
            }
            let next_dossier = records.keys().max().map_or(1, |m| m + 1);
            let next_debtor = debtors.keys().max().map_or(1, |m| m + 1);
            meta_t
                .insert(KEY_NEXT_DOSSIER, enc("next", &next_dossier)?)
                .map_err(sled)?;
            meta_t
                .insert(KEY_NEXT_DEBTOR, enc("next", &next_debtor)?)
                .map_err(sled)?;
            meta_t
                .insert(KEY_GENERATION, enc("generation", &(previous + 1))?)
                .map_err(sled)?;
            db.flush().map_err(sled)?;
            report.dossiers = records.len();
        }
        sync_dir(&fresh).map_err(|e| self.io(e))?;
        let old = self.path.join(format!(
            "data.broken-{}-{}",
            chrono::Local::now().format("%Y%m%d-%H%M%S"),
            &files::random_suffix()[..4]
        ));
        if self.data_dir().exists() {
            fs::rename(self.data_dir(), &old).map_err(|e| self.io(e))?;
            report.old_data = Some(old);
        }
        fs::rename(&fresh, self.data_dir()).map_err(|e| self.io(e))?;
        fs::File::open(&self.path)
            .and_then(|d| d.sync_all())
            .map_err(|e| self.io(e))?;
        let _ = files::replace(
            &self.generation_path(),
            format!("{}\n", previous + 1).as_bytes(),
            &Policy::for_dir(&self.path)?,
        );
        report.events = events.len();
        report.debtors = debtors.len();
        Ok(())
    }
}
