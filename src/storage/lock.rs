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

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::sync::mpsc;
use std::time::Duration;

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
}

pub fn lock_path(db: &Path) -> PathBuf {
    db.join("lock")
}

/// Takes the exclusive lock, waiting for up to `wait` for the current holder to release it.
pub fn acquire(db: &Path, wait: Duration, user: &str) -> Result<LockGuard, LockError> {
    let path = lock_path(db);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(LockError::Io)?;
    match file.try_lock() {
        Ok(()) => {}
        Err(std::fs::TryLockError::WouldBlock) => {
            let waiter = file.try_clone().map_err(LockError::Io)?;
            let (tx, rx) = mpsc::channel();
            std::thread::Builder::new()
                .name("recouvre-lock-wait".into())
                .spawn(move || {
                    // If the receiver gave up, the send fails and `waiter` is dropped: with the
                    // caller's descriptor already closed, the kernel releases the lock.
                    let _ = tx.send(waiter.lock());
                })
                .map_err(LockError::Io)?;
            match rx.recv_timeout(wait) {
                Ok(Ok(())) => {}
                Ok(Err(e)) => return Err(LockError::Io(e)),
                Err(_) => {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim().to_string();
                    return Err(LockError::Busy((!holder.is_empty()).then_some(holder)));
                }
            }
        }
        Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
    }
    // Who holds it, for the message another user will see. Best effort: the lock is what counts.
    let record = format!(
        "{} (pid {}, {})",
        user,
        std::process::id(),
        chrono::Local::now().format("%Y-%m-%d %H:%M:%S")
    );
    let _ = file.set_len(0);
    let _ = file.seek(SeekFrom::Start(0));
    let _ = file.write_all(record.as_bytes());
    Ok(LockGuard { file })
}
