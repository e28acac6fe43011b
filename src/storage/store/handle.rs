//! The [`Store`] handle itself: where the database is, how to reach it, and the lock a command
//! may hold across several operations.

use std::path::{Path, PathBuf};
use std::sync::{Arc, Mutex};

use crate::storage::error::{Result, StoreError};
use crate::storage::lock::{self, LockError};
use crate::storage::options::StoreOptions;
use crate::storage::shared::UmaskGuard;

#[derive(Debug, Clone)]
pub struct Store {
    pub(super) path: PathBuf,
    pub(super) opts: StoreOptions,
    /// The lock while a [`Held`] from [`Store::hold`] lives: operations then do not take it again.
    pub(super) held: HeldSlot,
    /// Problems after a durable write (the journal copy, the backup): the write stands; the caller
    /// says them (stderr in the CLI, a notice in the TUI).
    warnings: Arc<Mutex<Vec<String>>>,
}

#[derive(Clone, Default)]
pub(super) struct HeldSlot(
    Arc<Mutex<Option<lock::LockGuard>>>,
    Arc<Mutex<Option<sled::Db>>>,
);

impl std::fmt::Debug for HeldSlot {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("HeldSlot")
    }
}

impl HeldSlot {
    pub(super) fn is_held(&self) -> bool {
        self.0.lock().map(|g| g.is_some()).unwrap_or(false)
    }

    /// The database opened under this lock, if any.
    pub(super) fn db(&self) -> Option<sled::Db> {
        if !self.is_held() {
            return None;
        }
        self.1.lock().ok().and_then(|d| d.clone())
    }

    /// Closes the database kept open under the lock (before its files are replaced).
    pub(super) fn close_db(&self) {
        if let Ok(mut d) = self.1.lock() {
            d.take();
        }
    }

    /// Keeps `db` open until the lock is released, when a lock is held.
    pub(super) fn keep_db(&self, db: &sled::Db) {
        if self.is_held() {
            if let Ok(mut d) = self.1.lock() {
                *d = Some(db.clone());
            }
        }
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
            let db = slot.1.lock().ok().and_then(|mut d| d.take());
            let guard = slot.0.lock().ok().and_then(|mut g| g.take());
            close_behind(db, guard);
        }
    }
}

/// sled's close, then the lock's release, in that order (the next holder must find sled's files
/// free), on a thread of their own. Closing frees sled's page table and cache: 10–30 ms at
/// 100 000 dossiers, 0.1 s at a million, which the user would otherwise wait for after the work
/// is done and durable (flushed and fsynced before this). A command that ends meanwhile exits
/// without waiting: the kernel releases both locks, and sled's files are as a crash right after
/// the flush would leave them, which sled recovers from at every open. The next operation in this
/// process waits for the lock like any other.
pub(super) fn close_behind(db: Option<sled::Db>, guard: Option<lock::LockGuard>) {
    if db.is_none() && guard.is_none() {
        return;
    }
    // Fields drop in declaration order: sled first, then the lock, even if the thread cannot
    // be started and `closing` is dropped here.
    struct Closing {
        _db: Option<sled::Db>,
        _guard: Option<lock::LockGuard>,
    }
    let closing = Closing {
        _db: db,
        _guard: guard,
    };
    let _ = std::thread::Builder::new()
        .name("recouvre-close".into())
        .spawn(move || drop(closing));
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
        let _umask = UmaskGuard::for_dir(&self.path);
        let guard = lock::acquire(&self.path, self.opts.lock_wait, &self.opts.user)
            .map_err(|e| self.lock_err(e))?;
        if let Ok(mut g) = self.held.0.lock() {
            *g = Some(guard);
        }
        Ok(Held {
            slot: Some(self.held.clone()),
        })
    }

    /// The database lock for one operation, unless a [`Held`] of this store already has it.
    pub(super) fn lock_unless_held(&self) -> Result<Option<lock::LockGuard>> {
        if self.held.is_held() {
            return Ok(None);
        }
        lock::acquire(&self.path, self.opts.lock_wait, &self.opts.user)
            .map(Some)
            .map_err(|e| self.lock_err(e))
    }

    /// Warnings left by the last writes (see the `warnings` field), emptied.
    pub fn take_warnings(&self) -> Vec<String> {
        self.warnings
            .lock()
            .map(|mut w| std::mem::take(&mut *w))
            .unwrap_or_default()
    }

    pub(super) fn warn(&self, message: String) {
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

    pub(super) fn io(&self, source: std::io::Error) -> StoreError {
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

    pub(super) fn lock_err(&self, e: LockError) -> StoreError {
        match e {
            LockError::Busy(holder) => StoreError::Busy {
                path: self.path.clone(),
                holder,
            },
            LockError::Io(e) => self.io(e),
            LockError::Refused(e) => e,
        }
    }
}
