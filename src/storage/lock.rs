//! An advisory lock of our own on a side file, taken before sled is opened.
//!
//! sled reports its own lock failure as `io::ErrorKind::Other` with the cause only in the text; our
//! lock tells "busy" apart from every other error and records who holds it.

use std::fs::{File, OpenOptions};
use std::io::{Read, Seek, SeekFrom, Write};
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

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

/// Takes the exclusive lock, retrying with short backoff for up to `wait`.
pub fn acquire(db: &Path, wait: Duration, user: &str) -> Result<LockGuard, LockError> {
    let path = lock_path(db);
    let mut file = OpenOptions::new()
        .read(true)
        .write(true)
        .create(true)
        .truncate(false)
        .open(&path)
        .map_err(LockError::Io)?;
    let start = Instant::now();
    let mut pause = Duration::from_millis(2);
    loop {
        match file.try_lock() {
            Ok(()) => break,
            Err(std::fs::TryLockError::WouldBlock) => {
                if start.elapsed() >= wait {
                    let mut holder = String::new();
                    let _ = file.read_to_string(&mut holder);
                    let holder = holder.trim().to_string();
                    return Err(LockError::Busy((!holder.is_empty()).then_some(holder)));
                }
                std::thread::sleep(pause);
                pause = (pause * 2).min(Duration::from_millis(50));
            }
            Err(std::fs::TryLockError::Error(e)) => return Err(LockError::Io(e)),
        }
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
