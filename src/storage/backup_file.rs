//! The portable backup file of `recouvre backup` / `restore`: every record of the database as
//! JSON lines, independent of the on-disk codec.
//!
//! Why JSON and not the codec's bincode stream: a backup outlives the build that wrote it, and
//! bincode's layout is positional (a field or variant added in the middle changes every byte
//! after it), while JSON names every field; the file can also be read with `jq`, diffed, and
//! checked by hand. Decimals are strings (`serde-str`) and timestamps RFC 3339 with nanoseconds,
//! so nothing is rounded on the way.
//!
//! Layout, one JSON value per line:
//!
//! ```text
//! {"format":"recouvre-backup","version":1,"schema":1,"created":"…","program":"0.1.0"}
//! {"meta":{"next_dossier_id":47,"next_debtor_id":47,"generation":46,"recent_changes":[[1,1]]}}
//! {"debtor":{…}}                      one per debtor
//! {"dossier":{"id":1,"debtor":1,"journal_len":5}}
//! {"event":{"dossier":1,"event":{…}}} one per journal event, letters kept in full
//! {"draft":{…}}                       one per draft letter (any user)
//! {"end":{"records":N,"crc32":C}}
//! ```
//!
//! `records` counts the lines between the header and the end line; `crc32` is the CRC-32 of
//! every byte before the end line. A file cut short has no end line, a changed byte fails the
//! checksum: either is refused before anything is written. The derived trees (digests, index,
//! urgency, tally) are not in the file; restore rebuilds them.

use std::collections::{BTreeMap, BTreeSet};

use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

use super::keys::{DossierRecord, SCHEMA_VERSION};
use crate::domain::event::Event;
use crate::domain::model::{Debtor, DossierId};
use crate::i18n::tf;
use crate::model::Draft;

pub const FORMAT_NAME: &str = "recouvre-backup";
/// Version of this file layout; a file of a newer version is refused with its number.
pub const FORMAT_VERSION: u32 = 1;
/// A line longer than this is not one we wrote (a letter is a few KiB).
const MAX_LINE: usize = 64 * 1024 * 1024;

/// The non-derived entries of the meta tree.
#[derive(Debug, Clone, PartialEq, Eq, Default, Serialize, Deserialize)]
pub struct DumpMeta {
    pub next_dossier_id: Option<u64>,
    pub next_debtor_id: Option<u64>,
    pub generation: Option<u64>,
    #[serde(default)]
    pub recent_changes: Vec<(u64, DossierId)>,
}

/// Every record of a database, in key order: what a backup holds and a restore writes.
#[derive(Debug, Clone, PartialEq, Eq, Default)]
pub struct Dump {
    pub meta: DumpMeta,
    pub debtors: Vec<Debtor>,
    pub dossiers: Vec<DossierRecord>,
    pub events: Vec<(DossierId, Event)>,
    pub drafts: Vec<Draft>,
}

impl Dump {
    pub fn is_empty(&self) -> bool {
        self.debtors.is_empty()
            && self.dossiers.is_empty()
            && self.events.is_empty()
            && self.drafts.is_empty()
    }
}

#[derive(Debug, Serialize, Deserialize)]
struct Header {
    format: String,
    version: u32,
    schema: u32,
    created: DateTime<Utc>,
    program: String,
}

#[derive(Serialize)]
#[serde(rename_all = "snake_case")]
enum LineOut<'a> {
    Meta(&'a DumpMeta),
    Debtor(&'a Debtor),
    Dossier(&'a DossierRecord),
    Event {
        dossier: DossierId,
        event: &'a Event,
    },
    Draft(&'a Draft),
    End {
        records: u64,
        crc32: u32,
    },
}

#[derive(Deserialize)]
#[serde(rename_all = "snake_case")]
enum LineIn {
    Meta(DumpMeta),
    Debtor(Debtor),
    Dossier(DossierRecord),
    Event { dossier: DossierId, event: Event },
    Draft(Draft),
    End { records: u64, crc32: u32 },
}

/// Why a backup file is refused; nothing has been written when one is returned.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum BackupFileError {
    #[error("{}", crate::i18n::t("backup.file.empty"))]
    Empty,
    #[error("{}", crate::i18n::t("backup.file.not_backup"))]
    NotBackup,
    #[error("{}", tf("backup.file.newer", &[("version", .0), ("supported", &FORMAT_VERSION)]))]
    Newer(u32),
    #[error("{}", tf("backup.file.newer_schema", &[("schema", .0), ("supported", &SCHEMA_VERSION)]))]
    NewerSchema(u32),
    #[error("{}", tf("backup.file.bad_line", &[("line", line), ("reason", reason)]))]
    BadLine { line: usize, reason: String },
    #[error("{}", tf("backup.file.truncated", &[("line", .0)]))]
    Truncated(usize),
    #[error("{}", crate::i18n::t("backup.file.checksum"))]
    Checksum,
    #[error("{}", tf("backup.file.count", &[("announced", announced), ("found", found)]))]
    Count { announced: u64, found: u64 },
    #[error("{}", tf("backup.file.after_end", &[("line", .0)]))]
    AfterEnd(usize),
    #[error("{}", tf("backup.file.inconsistent", &[("what", .0)]))]
    Inconsistent(String),
}

fn json_line<T: Serialize>(v: &T, out: &mut Vec<u8>) -> Result<(), String> {
    serde_json::to_writer(&mut *out, v).map_err(|e| e.to_string())?;
    out.push(b'\n');
    Ok(())
}

/// The backup file's bytes for `dump`, made at `created`.
pub fn write(dump: &Dump, created: DateTime<Utc>) -> Result<Vec<u8>, String> {
    let mut out = Vec::new();
    json_line(
        &Header {
            format: FORMAT_NAME.into(),
            version: FORMAT_VERSION,
            schema: SCHEMA_VERSION,
            created,
            program: env!("CARGO_PKG_VERSION").into(),
        },
        &mut out,
    )?;
    let mut records = 1u64;
    json_line(&LineOut::Meta(&dump.meta), &mut out)?;
    for d in &dump.debtors {
        json_line(&LineOut::Debtor(d), &mut out)?;
        records += 1;
    }
    for d in &dump.dossiers {
        json_line(&LineOut::Dossier(d), &mut out)?;
        records += 1;
    }
    for (dossier, event) in &dump.events {
        json_line(
            &LineOut::Event {
                dossier: *dossier,
                event,
            },
            &mut out,
        )?;
        records += 1;
    }
    for d in &dump.drafts {
        json_line(&LineOut::Draft(d), &mut out)?;
        records += 1;
    }
    let crc32 = crc32fast::hash(&out);
    json_line(&LineOut::End { records, crc32 }, &mut out)?;
    Ok(out)
}

/// Reads a backup file whole and checks it: header, every line, the end line, the checksum,
/// and that the records hold together (see [`check`]).
pub fn parse(bytes: &[u8]) -> Result<Dump, BackupFileError> {
    if bytes.is_empty() {
        return Err(BackupFileError::Empty);
    }
    let mut lines = bytes.split_inclusive(|b| *b == b'\n');
    let first = lines.next().ok_or(BackupFileError::Empty)?;
    let header: serde_json::Value =
        serde_json::from_slice(first).map_err(|_| BackupFileError::NotBackup)?;
    if header.get("format").and_then(|f| f.as_str()) != Some(FORMAT_NAME) {
        return Err(BackupFileError::NotBackup);
    }
    match header.get("version").and_then(|v| v.as_u64()) {
        Some(v) if v == FORMAT_VERSION as u64 => {}
        Some(v) if v > FORMAT_VERSION as u64 => {
            return Err(BackupFileError::Newer(v.min(u32::MAX as u64) as u32))
        }
        _ => return Err(BackupFileError::NotBackup),
    }
    let header: Header = serde_json::from_value(header).map_err(|e| BackupFileError::BadLine {
        line: 1,
        reason: e.to_string(),
    })?;
    if header.schema > SCHEMA_VERSION {
        return Err(BackupFileError::NewerSchema(header.schema));
    }
    let mut dump = Dump::default();
    let mut offset = first.len();
    let mut line_no = 1;
    let mut meta_seen = false;
    // `records`: the lines read between the header and this one.
    for (records, line) in lines.enumerate() {
        line_no = records + 2;
        if !line.ends_with(b"\n") {
            // The last line lost its end: the file was cut.
            return Err(BackupFileError::Truncated(line_no - 1));
        }
        if line.len() > MAX_LINE {
            return Err(BackupFileError::BadLine {
                line: line_no,
                reason: format!("{} bytes", line.len()),
            });
        }
        let parsed: LineIn =
            serde_json::from_slice(line).map_err(|e| BackupFileError::BadLine {
                line: line_no,
                reason: e.to_string(),
            })?;
        match parsed {
            LineIn::End {
                records: announced,
                crc32,
            } => {
                if crc32fast::hash(&bytes[..offset]) != crc32 {
                    return Err(BackupFileError::Checksum);
                }
                if announced != records as u64 {
                    return Err(BackupFileError::Count {
                        announced,
                        found: records as u64,
                    });
                }
                if offset + line.len() != bytes.len() {
                    return Err(BackupFileError::AfterEnd(line_no + 1));
                }
                if !meta_seen {
                    return Err(BackupFileError::Inconsistent("meta".into()));
                }
                check(&dump).map_err(BackupFileError::Inconsistent)?;
                return Ok(dump);
            }
            LineIn::Meta(m) => {
                if meta_seen {
                    return Err(BackupFileError::Inconsistent("meta ×2".into()));
                }
                meta_seen = true;
                dump.meta = m;
            }
            LineIn::Debtor(d) => dump.debtors.push(d),
            LineIn::Dossier(d) => dump.dossiers.push(d),
            LineIn::Event { dossier, event } => dump.events.push((dossier, event)),
            LineIn::Draft(d) => dump.drafts.push(d),
        }
        offset += line.len();
    }
    Err(BackupFileError::Truncated(line_no))
}

/// That the records make a database: unique ids, every dossier's debtor present, every journal
/// complete (events 0 .. journal_len, none elsewhere), drafts on existing dossiers, the id
/// counters past every id in use. Returns what is wrong, in a few words.
pub fn check(dump: &Dump) -> Result<(), String> {
    let mut debtors = BTreeSet::new();
    for d in &dump.debtors {
        if !debtors.insert(d.id) {
            return Err(format!("debtor {} ×2", d.id));
        }
    }
    let mut dossiers = BTreeMap::new();
    for d in &dump.dossiers {
        if !debtors.contains(&d.debtor) {
            return Err(format!("dossier {}: debtor {}", d.id, d.debtor));
        }
        if dossiers.insert(d.id, d.journal_len).is_some() {
            return Err(format!("dossier {} ×2", d.id));
        }
    }
    let mut seqs: BTreeMap<DossierId, Vec<u32>> = BTreeMap::new();
    for (id, e) in &dump.events {
        if !dossiers.contains_key(id) {
            return Err(format!("event {id}#{}: no dossier", e.seq));
        }
        seqs.entry(*id).or_default().push(e.seq);
    }
    for (id, len) in &dossiers {
        let got = seqs.remove(id).unwrap_or_default();
        if got.len() != *len as usize || got.iter().enumerate().any(|(i, s)| *s != i as u32) {
            return Err(format!("dossier {id}: journal {} / {len}", got.len()));
        }
    }
    let mut drafts = BTreeSet::new();
    for d in &dump.drafts {
        if !dossiers.contains_key(&d.dossier) || !drafts.insert((d.dossier, d.user.as_str())) {
            return Err(format!("draft {} {}", d.dossier, d.user));
        }
    }
    let past = |next: Option<u64>, max: Option<&u64>| match (next, max) {
        (Some(n), Some(m)) => n > *m,
        (None, Some(_)) => false,
        _ => true,
    };
    if !past(dump.meta.next_dossier_id, dossiers.keys().next_back())
        || !past(dump.meta.next_debtor_id, debtors.iter().next_back())
    {
        return Err("next_dossier_id / next_debtor_id".into());
    }
    Ok(())
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::event::{EventKind, NoteKind};
    use crate::domain::model::DebtorType;

    fn sample() -> Dump {
        let at = chrono::TimeZone::with_ymd_and_hms(&Utc, 2026, 3, 5, 9, 30, 1).unwrap()
            + chrono::Duration::nanoseconds(123_456_789);
        let date = chrono::NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        Dump {
            meta: DumpMeta {
                next_dossier_id: Some(2),
                next_debtor_id: Some(2),
                generation: Some(1),
                recent_changes: vec![(1, 1)],
            },
            debtors: vec![Debtor::new(1, "ACME, \"SARL\"\n", DebtorType::B2b)],
            dossiers: vec![DossierRecord {
                id: 1,
                debtor: 1,
                journal_len: 1,
            }],
            events: vec![(
                1,
                Event {
                    seq: 0,
                    at,
                    date,
                    user: "alice".into(),
                    kind: EventKind::Note {
                        kind: NoteKind::PhoneCall,
                        text: "a\u{1b}b é".into(),
                    },
                },
            )],
            drafts: vec![Draft {
                dossier: 1,
                user: "bob".into(),
                step: "relance_1".into(),
                text: "Madame,\n".into(),
                saved_at: at,
            }],
        }
    }

    #[test]
    fn a_dump_round_trips_exactly() {
        let dump = sample();
        let bytes = write(&dump, Utc::now()).unwrap();
        assert_eq!(parse(&bytes).unwrap(), dump);
    }

    #[test]
    fn damage_is_named() {
        let bytes = write(&sample(), Utc::now()).unwrap();
        assert_eq!(parse(&[]), Err(BackupFileError::Empty));
        assert_eq!(parse(b"hello\n"), Err(BackupFileError::NotBackup));
        let newer =
            String::from_utf8(bytes.clone())
                .unwrap()
                .replacen("\"version\":1", "\"version\":7", 1);
        assert_eq!(parse(newer.as_bytes()), Err(BackupFileError::Newer(7)));
        // Cut anywhere after the header: truncated or a bad last line, never accepted.
        let first = bytes.iter().position(|b| *b == b'\n').unwrap() + 1;
        for cut in first..bytes.len() {
            assert!(parse(&bytes[..cut]).is_err(), "cut at {cut}");
        }
        // One changed character in a record: the checksum.
        let changed = String::from_utf8(bytes.clone())
            .unwrap()
            .replacen("alice", "alicf", 1);
        assert_eq!(parse(changed.as_bytes()), Err(BackupFileError::Checksum));
        let mut extra = bytes.clone();
        extra.extend_from_slice(b"{}\n");
        assert!(matches!(parse(&extra), Err(BackupFileError::AfterEnd(_))));
    }

    #[test]
    fn an_incomplete_journal_is_refused() {
        let mut dump = sample();
        dump.dossiers[0].journal_len = 2;
        assert!(check(&dump).is_err());
        let mut dump = sample();
        dump.meta.next_dossier_id = Some(1);
        assert!(check(&dump).is_err());
    }
}
