//! Opening the database for one operation: lock, checks, sled, flush, fsync, close; and a
//! private copy for a user who may only read.

use std::fs;
use std::path::Path;
use std::time::Duration;

use super::handle::Store;
use crate::i18n::tf;
use crate::storage::codec;
use crate::storage::error::{corrupt, Result, StoreError};
use crate::storage::files::{self, Policy};
use crate::storage::journal::{self, JournalRecord};
use crate::storage::keys::{
    KEY_GENERATION, KEY_SCHEMA, SCHEMA_VERSION, TREE_DEBTORS, TREE_DOSSIERS, TREE_DRAFTS,
    TREE_JOURNAL, TREE_META,
};
use crate::storage::lock;
use crate::storage::shared::UmaskGuard;

impl Store {
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
    pub(super) fn with_db_journaled<T>(
        &self,
        create: bool,
        durable: bool,
        f: impl FnOnce(&sled::Db) -> Result<(T, Vec<journal::JournalRecord>)>,
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
        let _umask = UmaskGuard::for_dir(&self.path);
        let guard = self.lock_unless_held()?;
        // A command holding the lock keeps sled open from its first operation to its last: one
        // open per command, not one per operation (at 100 000 dossiers sled's open is the
        // largest fixed cost of a command).
        let db = match self.held.db() {
            Some(db) => db,
            None => {
                // Under the lock, just before sled opens its files (following links): no link,
                // FIFO, stranger's or world-writable file anywhere in the database.
                files::check_tree(&self.path, &policy)?;
                let db = self.open_sled(&self.data_dir())?;
                if !create {
                    self.check_schema(&db)?;
                    self.ensure_derived(&db)?;
                }
                self.held.keep_db(&db);
                db
            }
        };
        let (out, mut records) = f(&db)?;
        db.flush().map_err(|e| self.sled_err(e))?;
        // No copy yet (a database from before the journal copy, or a copy removed): start it
        // with everything sled holds, this write included, or a rebuild from it would lose the
        // older history.
        if !records.is_empty() && !journal::path(&self.path).exists() {
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
        // sled's flush only calls sync_file_range on Linux; make the write durable for real.
        if durable {
            sync_recent(&self.data_dir()).map_err(|e| self.io(e))?;
        }
        if !records.is_empty() {
            if let Err(e) = journal::append(&self.path, &policy, &records) {
                self.warn(tf("journal_copy.append_failed", &[("reason", &e)]));
            } else if let Err(e) =
                journal::daily_backup(&self.path, &policy, chrono::Local::now().date_naive())
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
        match guard {
            // Our own open: close it behind us.
            Some(guard) => super::handle::close_behind(Some(db), Some(guard)),
            // The command's: a clone, dropped here; the last one closes when the lock goes.
            None => drop(db),
        }
        Ok(out)
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
    pub(super) fn writable(&self) -> bool {
        let data = self.data_dir();
        let rwx = libc::W_OK | libc::X_OK;
        files::can(&self.path, rwx)
            && files::can(&data, rwx)
            && ["conf", "db"].iter().all(|f| {
                let p = data.join(f);
                !p.exists() || files::can(&p, libc::W_OK)
            })
    }

    pub(super) fn read_only(&self) -> StoreError {
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
    pub(super) fn open_sled(&self, data: &Path) -> Result<sled::Db> {
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

    pub(super) fn check_schema(&self, db: &sled::Db) -> Result<()> {
        let meta = db.open_tree(TREE_META).map_err(|e| self.sled_err(e))?;
        let version = match meta.get(KEY_SCHEMA).map_err(|e| self.sled_err(e))? {
            Some(v) => {
                Some(codec::decode::<u32>(&v).map_err(|e| corrupt(TREE_META, KEY_SCHEMA, e))?)
            }
            None => None,
        };
        if let Some(version) = version.filter(|v| *v > SCHEMA_VERSION) {
            return Err(StoreError::NewerSchema {
                path: self.path.clone(),
                version,
            });
        }
        self.migrate_journal(db, version)
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
}

pub(crate) fn read_u64(tree: &sled::Tree, key: &[u8]) -> Option<u64> {
    tree.get(key)
        .ok()
        .flatten()
        .and_then(|v| codec::decode(&v).ok())
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
pub(super) fn sync_dir(dir: &Path) -> std::io::Result<()> {
    sync_changed(dir, None).map(drop)
}

/// How far back a file's last change makes [`sync_recent`] fsync it: far beyond the kernel's
/// own writeback of dirty pages (30 s by default).
const RECENT: Duration = Duration::from_secs(600);

/// fsyncs the files below `dir` changed in the last [`RECENT`], then the directories. sled never
/// rewrites a blob file (a value too large for its log, such as a journal block with letters):
/// it writes a new one, which it does not sync. An older blob was synced by the write that made
/// it, so a write need not fsync them all again (62 files at 100 000 dossiers, more with every
/// year of letters).
fn sync_recent(dir: &Path) -> std::io::Result<()> {
    let since = std::time::SystemTime::now()
        .checked_sub(RECENT)
        .unwrap_or(std::time::UNIX_EPOCH);
    sync_changed(dir, Some(since)).map(drop)
}

/// How many files it fsynced.
fn sync_changed(dir: &Path, since: Option<std::time::SystemTime>) -> std::io::Result<usize> {
    let mut synced = 0;
    for entry in fs::read_dir(dir)? {
        let entry = entry?;
        let ft = entry.file_type()?;
        if ft.is_dir() {
            synced += sync_changed(&entry.path(), since)?;
        } else if ft.is_file() {
            if let Some(since) = since {
                // A time we cannot read counts as recent.
                let changed = entry.metadata().and_then(|m| m.modified());
                if changed.is_ok_and(|t| t < since) {
                    continue;
                }
            }
            use std::os::unix::fs::OpenOptionsExt;
            fs::OpenOptions::new()
                .read(true)
                .custom_flags(libc::O_NOFOLLOW | libc::O_NONBLOCK)
                .open(entry.path())?
                .sync_all()?;
            synced += 1;
        }
    }
    fs::File::open(dir)?.sync_all()?;
    Ok(synced)
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A write fsyncs what changed, in sled's blob directory too, and not the blobs of earlier
    /// writes.
    #[test]
    fn a_write_syncs_only_recent_files() {
        let dir = tempfile::tempdir().unwrap();
        let blobs = dir.path().join("blobs");
        fs::create_dir(&blobs).unwrap();
        for f in ["db", "snap.1", "blobs/12", "blobs/13"] {
            fs::write(dir.path().join(f), b"x").unwrap();
        }
        let hour_ago = std::time::SystemTime::now() - Duration::from_secs(3600);
        for f in ["blobs/12", "snap.1"] {
            fs::File::options()
                .write(true)
                .open(dir.path().join(f))
                .unwrap()
                .set_modified(hour_ago)
                .unwrap();
        }
        let since = std::time::SystemTime::now() - RECENT;
        assert_eq!(sync_changed(dir.path(), Some(since)).unwrap(), 2);
        assert_eq!(sync_changed(dir.path(), None).unwrap(), 4);
    }
}
