//! An advisory lock of our own on a side file, taken before sled is opened.
//!
//! sled reports its own lock failure as `io::ErrorKind::Other` with the cause only in the text; our
//! lock tells "busy" apart from every other error and records who holds it.
//!
//! Waiting is done with a *blocking* `flock` in a helper thread rather than by polling
//! `try_lock` with sleeps: a poller only wins when it happens to wake inside the gap between two
//! operations of a busy writer (microseconds for a process that loops), so it can starve for the
//! whole retry window. A blocked `flock` is woken by the kernel at the very moment the holder
//! releases the lock. The helper thread owns a duplicate of the file descriptor; if we give up
//! before it gets the lock, both descriptors end up closed and the kernel drops the lock at once.

use std::fs::File;
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

use super::error::StoreError;
use super::files::{self, Access, Policy};

pub struct LockGuard {
    file: File,
}

impl Drop for LockGuard {
    fn drop(&mut self) {
        let _ = self.file.unlock();
    }
}

pub enum LockError {
    /// Still held by someone else after the retry window; the holder record, if readable.
    Busy(Option<String>),
    Io(std::io::Error),
    /// The lock file is a link, a FIFO, a stranger's file… (see [`files`]).
    Refused(StoreError),
}

pub fn lock_path(db: &Path) -> PathBuf {
    db.join("lock")
}

/// Takes the exclusive lock, waiting for up to `wait` for the current holder to release it.
///
/// The lock file is opened without following a link (a planted `lock -> ~alice/.bashrc` is
/// refused, never truncated). A lock file the user cannot write (a colleague's, made before the
/// team umask) is still good for locking: it is then opened read-only and the holder record is
/// not written.
pub fn acquire(db: &Path, wait: Duration, user: &str) -> Result<LockGuard, LockError> {
    let policy = &Policy::for_dir(db).map_err(LockError::Refused)?;
    let path = lock_path(db);
    let (mut file, writable) = match files::open(&path, Access::ReadWriteCreate, policy) {
        Ok(f) => (f, true),
        Err(StoreError::Io { source, .. })
            if source.kind() == std::io::ErrorKind::PermissionDenied =>
        {
            match files::open_existing(&path, policy).map_err(LockError::Refused)? {
                Some(f) => (f, false),
                None => return Err(LockError::Io(source)),
            }
        }
        Err(e) => return Err(LockError::Refused(e)),
    };
    take(&mut file, true, wait)?;
    if writable {
        // Who holds it, for the message another user will see. Best effort: the lock is what
        // counts.
        let record = format!(
            "{} (pid {}, {})",
            user,
            std::process::id(),
            chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
        );
        let _ = file.set_len(0);
        let _ = file.seek(SeekFrom::Start(0));
        let _ = file.write_all(record.as_bytes());
    }
    Ok(LockGuard { file })
}

/// Takes the lock shared, for a reader without write access to the database (which cannot
/// create the lock file): it keeps writers out while the reader copies the files. `None` when
/// there is no lock file (nobody has ever written with recouvre there).
pub(crate) fn acquire_shared(
    db: &Path,
    wait: Duration,
    policy: &Policy,
) -> Result<Option<LockGuard>, LockError> {
    let Some(mut file) =
        files::open_existing(&lock_path(db), policy).map_err(LockError::Refused)?
    else {
        return Ok(None);
    };
    take(&mut file, false, wait)?;
    Ok(Some(LockGuard { file }))
}

fn take(file: &mut File, exclusive: bool, wait: Duration) -> Result<(), LockError> {
    let tried = if exclusive {
        file.try_lock()
    } else {
        file.try_lock_shared()
    };
    match tried {
        Ok(()) => Ok(()),
        Err(std::fs::TryLockError::WouldBlock) => {
            let waiter = file.try_clone().map_err(LockError::Io)?;
            let (tx, rx) = mpsc::channel();
            std::thread::Builder::new()
                .name("recouvre-lock-wait".into())
                .spawn(move || {
                    // If the receiver gave up, the send fails and `waiter` is dropped: with the
                    // caller's descriptor already closed, the kernel releases the lock.
                    let got = if exclusive {
                        waiter.lock()
                    } else {
                        waiter.lock_shared()
                    };
                    let _ = tx.send(got);
                })
                .map_err(LockError::Io)?;
            match rx.recv_timeout(wait) {
                Ok(Ok(())) => Ok(()),
                Ok(Err(e)) => Err(LockError::Io(e)),
                Err(_) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim().to_string();
                    Err(LockError::Busy((!holder.is_empty()).then_some(holder)))
                }
            }
        }
        Err(std::fs::TryLockError::Error(e)) => Err(LockError::Io(e)),
    }
}
