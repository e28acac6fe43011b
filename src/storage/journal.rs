//! A second, independent copy of every acknowledged write: `journal.log`, beside sled's `data/`.
//!
//! sled keeps everything in a few files; one flipped bit in them and no dossier can be read, nor
//! can `doctor --repair` open the database. So every write also appends its journal events (and
//! the debtors it creates) to an append-only file, in the same locked operation, fsynced before
//! the success is reported. `doctor --repair` rebuilds the whole sled database from it.
//!
//! Each record is framed: `RJL1` (4 bytes), the payload length (u32 LE), a CRC-32 of the length
//! and the payload (u32 LE), then the payload: a [`JournalRecord`] through the codec (leading
//! format-version byte). A record whose checksum fails is reported and skipped; reading resumes at
//! the next frame (found by its magic and checksum when the length itself is damaged).
//!
//! The file is opened without following links or blocking (see [`super::files`]), with
//! `O_APPEND`: a record is one `write`, so records of two processes never interleave (the lock
//! serialises them anyway).
//!
//! Once a day, on the first write of the day, the journal is copied to
//! `backups/journal-YYYY-MM-DD.log`; the newest [`BACKUPS_KEPT`] copies are kept.

use std::collections::BTreeMap;
use std::fs;
use std::io::{self, Read, Write};
use std::path::{Path, PathBuf};

use serde::{Deserialize, Serialize};

use super::codec::{self, Record};
use super::error::StoreError;
use super::files::{self, io_err, Access, Policy};
use crate::domain::event::Event;
use crate::domain::model::{Debtor, DebtorId, DossierId};

pub const FILE: &str = "journal.log";
pub const BACKUP_DIR: &str = "backups";
pub const BACKUPS_KEPT: usize = 5;
const MAGIC: &[u8; 4] = b"RJL1";
const HEADER: usize = 12;
/// No record comes near this; a larger length is a damaged header.
const MAX_RECORD: usize = 64 * 1024 * 1024;

/// One entry of the journal copy.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum JournalRecord {
    /// A debtor as created (or re-recorded by a repair).
    Debtor(Debtor),
    /// An event of a dossier's journal, at its position.
    Event { dossier: DossierId, event: Event },
}

impl Record for JournalRecord {}

pub fn path(db: &Path) -> PathBuf {
    db.join(FILE)
}

fn frame(rec: &JournalRecord, out: &mut Vec<u8>) -> Result<(), StoreError> {
    let payload = codec::encode(rec).map_err(|e| StoreError::Corrupt {
        key: FILE.into(),
        reason: e.to_string(),
    })?;
    let len = (payload.len() as u32).to_le_bytes();
    let mut h = crc32fast::Hasher::new();
    h.update(&len);
    h.update(&payload);
    out.extend_from_slice(MAGIC);
    out.extend_from_slice(&len);
    out.extend_from_slice(&h.finalize().to_le_bytes());
    out.extend_from_slice(&payload);
    Ok(())
}

/// Appends `records` in one `write` and fsyncs the file (and the directory when the file is new).
pub(crate) fn append(
    db: &Path,
    policy: &Policy,
    records: &[JournalRecord],
) -> Result<(), StoreError> {
    if records.is_empty() {
        return Ok(());
    }
    let mut buf = Vec::new();
    for r in records {
        frame(r, &mut buf)?;
    }
    let p = path(db);
    let existed = fs::symlink_metadata(&p).is_ok();
    let mut f = files::open(&p, Access::Append, policy)?;
    f.write_all(&buf).map_err(|e| io_err(&p, e))?;
    f.sync_data().map_err(|e| io_err(&p, e))?;
    if !existed {
        fs::File::open(db)
            .and_then(|d| d.sync_all())
            .map_err(|e| io_err(db, e))?;
    }
    Ok(())
}

/// Replaces the journal copy by one holding exactly `records` (a restore): written to a
/// temporary file, fsynced, renamed over `journal.log`, the directory fsynced. The copy it
/// replaces, if any, is first linked as `backups/{keep_old_as}` and that path returned.
pub(crate) fn replace_all(
    db: &Path,
    policy: &Policy,
    records: impl Iterator<Item = JournalRecord>,
    keep_old_as: &str,
) -> Result<Option<PathBuf>, StoreError> {
    let mut buf = Vec::new();
    for r in records {
        frame(&r, &mut buf)?;
    }
    let p = path(db);
    let tmp = db.join(format!("{FILE}.tmp.{}", files::random_suffix()));
    let written = files::open(&tmp, Access::CreateNew, policy).and_then(|mut f| {
        f.write_all(&buf).map_err(|e| io_err(&tmp, e))?;
        f.sync_all().map_err(|e| io_err(&tmp, e))
    });
    if let Err(e) = written {
        let _ = fs::remove_file(&tmp);
        return Err(e);
    }
    let mut kept = None;
    if fs::symlink_metadata(&p).is_ok_and(|m| m.is_file()) {
        let dir = backup_dir(db, policy).map_err(|e| io_err(&db.join(BACKUP_DIR), e))?;
        let old = dir.join(keep_old_as);
        fs::hard_link(&p, &old).map_err(|e| io_err(&old, e))?;
        kept = Some(old);
    }
    fs::rename(&tmp, &p).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        io_err(&p, e)
    })?;
    fs::File::open(db)
        .and_then(|d| d.sync_all())
        .map_err(|e| io_err(db, e))?;
    Ok(kept)
}

/// `backups/` of the database, made (0700, or 2770 in a team database) when missing.
fn backup_dir(db: &Path, policy: &Policy) -> io::Result<PathBuf> {
    let dir = db.join(BACKUP_DIR);
    match fs::symlink_metadata(&dir) {
        Ok(m) if m.is_dir() => {}
        Ok(_) => {
            return Err(io::Error::other(format!(
                "{} is not a directory",
                dir.display()
            )))
        }
        Err(_) => {
            use std::os::unix::fs::DirBuilderExt;
            let mode = if policy.shared() { 0o2770 } else { 0o700 };
            fs::DirBuilder::new().mode(mode).create(&dir)?;
        }
    }
    Ok(dir)
}

/// A record that could not be read back.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Skipped {
    pub offset: u64,
    pub reason: String,
}

/// Everything readable in the journal copy.
#[derive(Debug, Clone, Default)]
pub struct Contents {
    pub debtors: BTreeMap<DebtorId, Debtor>,
    pub events: BTreeMap<(DossierId, u32), Event>,
    pub skipped: Vec<Skipped>,
    pub records: usize,
}

fn valid_at(buf: &[u8], pos: usize) -> Option<usize> {
    let h = buf.get(pos..pos + HEADER)?;
    if &h[..4] != MAGIC {
        return None;
    }
    let len = u32::from_le_bytes(h[4..8].try_into().ok()?) as usize;
    if len > MAX_RECORD {
        return None;
    }
    let payload = buf.get(pos + HEADER..pos + HEADER + len)?;
    let mut c = crc32fast::Hasher::new();
    c.update(&h[4..8]);
    c.update(payload);
    (c.finalize() == u32::from_le_bytes(h[8..12].try_into().ok()?)).then_some(len)
}

/// Parses a journal copy; damaged records are listed in `skipped`, never fatal.
pub fn parse(buf: &[u8]) -> Contents {
    let mut out = Contents::default();
    let mut pos = 0usize;
    while pos < buf.len() {
        if let Some(len) = valid_at(buf, pos) {
            let payload = &buf[pos + HEADER..pos + HEADER + len];
            match codec::decode::<JournalRecord>(payload) {
                Ok(JournalRecord::Debtor(d)) => {
                    out.debtors.insert(d.id, d);
                }
                Ok(JournalRecord::Event { dossier, event }) => {
                    out.events.entry((dossier, event.seq)).or_insert(event);
                }
                Err(e) => out.skipped.push(Skipped {
                    offset: pos as u64,
                    reason: e.to_string(),
                }),
            }
            out.records += 1;
            pos += HEADER + len;
            continue;
        }
        // Damaged: report it, then resume at the next frame that checks out.
        let reason = if buf.len() - pos < HEADER || &buf[pos..pos + 4] != MAGIC {
            "bad frame"
        } else {
            "checksum"
        };
        let next = (pos + 1..buf.len())
            .find(|&p| buf[p..].starts_with(MAGIC) && valid_at(buf, p).is_some())
            .unwrap_or(buf.len());
        let reason = if next == buf.len() && reason == "bad frame" && buf.len() - pos < HEADER {
            "truncated".to_string()
        } else {
            reason.to_string()
        };
        out.skipped.push(Skipped {
            offset: pos as u64,
            reason,
        });
        pos = next;
    }
    out
}

/// Reads the journal copy of `db`; `None` when there is none.
pub(crate) fn read(db: &Path, policy: &Policy) -> Result<Option<Contents>, StoreError> {
    let p = path(db);
    let Some(mut f) = files::open_existing(&p, policy)? else {
        return Ok(None);
    };
    let mut buf = Vec::new();
    f.read_to_end(&mut buf).map_err(|e| io_err(&p, e))?;
    Ok(Some(parse(&buf)))
}

/// On the first write of `today`, copies the journal to `backups/journal-YYYY-MM-DD.log` and
/// keeps the newest [`BACKUPS_KEPT`]. Called under the lock, after the journal append.
pub(crate) fn daily_backup(db: &Path, policy: &Policy, today: chrono::NaiveDate) -> io::Result<()> {
    let dir = db.join(BACKUP_DIR);
    let name = format!("journal-{}.log", today.format("%Y-%m-%d"));
    if fs::symlink_metadata(dir.join(&name)).is_ok() {
        return Ok(());
    }
    let src = path(db);
    let Ok(Some(mut input)) = files::open_existing(&src, policy) else {
        return Ok(());
    };
    backup_dir(db, policy)?;
    let mut bytes = Vec::new();
    input.read_to_end(&mut bytes)?;
    files::replace(&dir.join(&name), &bytes, policy)
        .map_err(|e| io::Error::other(e.to_string()))?;
    let mut old: Vec<PathBuf> = fs::read_dir(&dir)?
        .flatten()
        .map(|e| e.path())
        .filter(|p| {
            p.file_name().is_some_and(|n| {
                let n = n.to_string_lossy();
                n.starts_with("journal-") && n.ends_with(".log")
            })
        })
        .collect();
    old.sort();
    let extra = old.len().saturating_sub(BACKUPS_KEPT);
    for p in &old[..extra] {
        let _ = fs::remove_file(p);
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventKind, NoteKind};

    fn ev(seq: u32) -> JournalRecord {
        JournalRecord::Event {
            dossier: 1,
            event: Event {
                seq,
                // A fixed instant: `now()` encodes to a length that varies with its digits, and
                // the test below finds the records by equal size.
                at: chrono::DateTime::from_timestamp(1_767_261_600, 0).unwrap(),
                date: chrono::NaiveDate::from_ymd_opt(2026, 1, 1).unwrap(),
                user: "u".into(),
                kind: EventKind::Note {
                    kind: NoteKind::Note,
                    text: format!("n{seq}"),
                },
            },
        }
    }

    #[test]
    fn a_damaged_record_is_skipped_and_the_others_read() {
        let mut buf = Vec::new();
        for s in 0..5 {
            frame(&ev(s), &mut buf).unwrap();
        }
        let whole = parse(&buf);
        assert_eq!(whole.events.len(), 5);
        assert!(whole.skipped.is_empty());
        let one = buf.len() / 5;
        // A bit in the payload of record 2, then one in the length of record 4.
        let mut bad = buf.clone();
        bad[2 * one + 20] ^= 0x10;
        bad[4 * one + 5] ^= 0x01;
        let c = parse(&bad);
        let seqs: Vec<u32> = c.events.keys().map(|k| k.1).collect();
        assert_eq!(seqs, vec![0, 1, 3]);
        assert_eq!(c.skipped.len(), 2, "{:?}", c.skipped);
        assert_eq!(c.skipped[0].offset, (2 * one) as u64);
        // A torn last write.
        let c = parse(&buf[..buf.len() - 3]);
        assert_eq!(c.events.len(), 4);
        assert_eq!(c.skipped.len(), 1);
    }
}
