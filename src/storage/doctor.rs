//! `recouvre doctor`: checks a database against its journals, and rebuilds what is derived.
//!
//! The journal of each dossier is the source of truth. Everything else is derived from it and can
//! be rebuilt: the dossier summary records (debtor, journal length), the id counters, the
//! generation number and its list of recent changes, the `generation` side file. Journal entries
//! and debtors cannot be rebuilt: when one of them is damaged, doctor says so and touches nothing
//! of that dossier.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::fmt;

use sled::transaction::ConflictableTransactionError;
use sled::Transactional;

use super::codec;
use super::error::Result;
use super::keys::{
    describe_key, dossier_key, event_name, journal_name, DossierRecord, KEY_CHANGES,
    KEY_GENERATION, KEY_NEXT_DEBTOR, KEY_NEXT_DOSSIER, KEY_SCHEMA, TREE_DEBTORS, TREE_DOSSIERS,
    TREE_META,
};
use super::store::blocks::Block;
use super::store::tx::{bump_generation, Abort};
use super::store::Store;
use crate::domain::event::Event;
use crate::domain::fold::fold;
use crate::domain::model::{Debtor, DebtorId, DossierId};
use crate::i18n::tf;

/// One inconsistency, named by the record it concerns.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Finding {
    /// `tree/id`, `journal/id#seq` or `meta/name`.
    pub key: String,
    pub kind: FindingKind,
}

#[derive(Debug, Clone, PartialEq, Eq)]
pub enum FindingKind {
    Undecodable(String),
    BadKey,
    IdMismatch {
        found: u64,
    },
    SeqGap {
        expected: u32,
        found: u32,
    },
    NoCreation(String),
    MissingDebtor(DebtorId),
    NoRecord,
    NoJournal,
    LengthMismatch {
        stored: u32,
        actual: u32,
    },
    DebtorMismatch {
        stored: DebtorId,
        actual: DebtorId,
    },
    CounterLow {
        stored: u64,
        max: u64,
    },
    ChangesAhead {
        generation: u64,
    },
    /// A digest, an index entry, the urgency set or the tally differs from the journal.
    Derived(String),
}

impl Finding {
    /// Whether `--repair` can fix it from the journals.
    pub fn repairable(&self) -> bool {
        use FindingKind::*;
        let derived = self.key.starts_with(TREE_DOSSIERS) || self.key.starts_with(TREE_META);
        match &self.kind {
            NoRecord
            | NoJournal
            | LengthMismatch { .. }
            | DebtorMismatch { .. }
            | CounterLow { .. }
            | ChangesAhead { .. }
            | Derived(_) => true,
            Undecodable(_) | IdMismatch { .. } | BadKey => derived,
            SeqGap { .. } | NoCreation(_) | MissingDebtor(_) => false,
        }
    }
}

impl fmt::Display for Finding {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        use FindingKind::*;
        let key = &self.key;
        let text = match &self.kind {
            Undecodable(reason) => tf("doctor.undecodable", &[("key", key), ("reason", reason)]),
            BadKey => tf("doctor.bad_key", &[("key", key)]),
            IdMismatch { found } => tf("doctor.id_mismatch", &[("key", key), ("found", found)]),
            SeqGap { expected, found } => tf(
                "doctor.seq_gap",
                &[("key", key), ("expected", expected), ("found", found)],
            ),
            NoCreation(reason) => tf("doctor.no_creation", &[("key", key), ("reason", reason)]),
            MissingDebtor(d) => tf("doctor.missing_debtor", &[("key", key), ("debtor", d)]),
            NoRecord => tf("doctor.no_record", &[("key", key)]),
            NoJournal => tf("doctor.no_journal", &[("key", key)]),
            LengthMismatch { stored, actual } => tf(
                "doctor.len_mismatch",
                &[("key", key), ("stored", stored), ("actual", actual)],
            ),
            DebtorMismatch { stored, actual } => tf(
                "doctor.debtor_mismatch",
                &[("key", key), ("stored", stored), ("actual", actual)],
            ),
            CounterLow { stored, max } => tf(
                "doctor.counter_low",
                &[("key", key), ("stored", stored), ("max", max)],
            ),
            ChangesAhead { generation } => tf(
                "doctor.changes_ahead",
                &[("key", key), ("generation", generation)],
            ),
            Derived(what) => tf("doctor.derived_diff", &[("key", key), ("what", what)]),
        };
        f.write_str(&text)
    }
}

/// What doctor found (and, with `--repair`, what it changed and what is left).
#[derive(Debug, Clone, Default)]
pub struct Report {
    pub dossiers: usize,
    pub events: usize,
    pub debtors: usize,
    pub findings: Vec<Finding>,
    /// One line per change made by `repair`, in the user's language.
    pub repairs: Vec<String>,
}

impl Report {
    pub fn healthy(&self) -> bool {
        self.findings.is_empty()
    }
}

/// Everything read from the database, and what the derived data should be.
#[derive(Default)]
struct Scan {
    report: Report,
    /// Derived record each dossier should have, for dossiers whose journal is sound.
    wanted: BTreeMap<DossierId, DossierRecord>,
    /// Dossier record keys present (decodable or not) and their decoded value if any.
    records: BTreeMap<DossierId, Option<DossierRecord>>,
    /// Dossier record keys that are not 8 bytes long.
    bad_record_keys: Vec<Vec<u8>>,
    /// Dossiers with a journal (sound or not).
    journaled: BTreeSet<DossierId>,
    max_dossier: u64,
    max_debtor: u64,
    next_dossier: Option<u64>,
    next_debtor: Option<u64>,
    generation: Option<u64>,
    changes: Option<Vec<(u64, DossierId)>>,
}

impl Store {
    /// Checks every record; changes nothing. (The `generation` side file is not checked: every
    /// operation, this one included, rewrites it from the database when it differs.)
    pub fn doctor(&self) -> Result<Report> {
        self.read_db(|db| {
            let mut report = self.scan(db)?.report;
            report.findings.extend(derived_findings(self, db)?);
            Ok(report)
        })
    }

    /// Rebuilds the derived data from the journals in one transaction, then checks again. The
    /// returned report lists the changes made and the problems left (those of the journals
    /// themselves, which need a backup).
    pub fn repair(&self) -> Result<Report> {
        let repairs = self.with_db(false, |db| {
            let scan = self.scan(db)?;
            let mut repairs = self.apply_repairs(db, &scan)?;
            // After the records: digests are built from the repaired ones.
            if !self.derived_differences(db)?.is_empty() {
                let n = self.build_derived(db)?;
                repairs.push(tf("doctor.derived_rebuilt", &[("dossiers", &n)]));
            }
            Ok(repairs)
        })?;
        let mut report = self.doctor()?;
        report.repairs = repairs;
        Ok(report)
    }

    fn scan(&self, db: &sled::Db) -> Result<Scan> {
        let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
        let mut s = Scan::default();
        let find = |s: &mut Scan, key: String, kind| s.report.findings.push(Finding { key, kind });

        // Debtors: decodable, stored under their own id.
        let mut debtors: HashMap<DebtorId, Debtor> = HashMap::new();
        for kv in debtors_t.iter() {
            let (k, v) = kv.map_err(|e| self.sled_err(e))?;
            let key = describe_key(TREE_DEBTORS, &k);
            let Ok(id_bytes) = <[u8; 8]>::try_from(k.as_ref()) else {
                find(&mut s, key, FindingKind::BadKey);
                continue;
            };
            let id = u64::from_be_bytes(id_bytes);
            s.max_debtor = s.max_debtor.max(id);
            match codec::decode::<Debtor>(&v) {
                Ok(d) => {
                    if d.id != id {
                        find(&mut s, key, FindingKind::IdMismatch { found: d.id });
                    }
                    s.max_debtor = s.max_debtor.max(d.id);
                    debtors.insert(id, d);
                }
                Err(e) => find(&mut s, key, FindingKind::Undecodable(e.to_string())),
            }
        }
        s.report.debtors = debtors.len();

        // Journals: every block frames, every event decodes, seqs run 0, 1, 2… under the key's
        // dossier id. Events are stored by rank in their block, so a lost or extra event shows
        // as an event whose own number is not the next one.
        let mut journals: BTreeMap<DossierId, (Vec<Event>, bool)> = BTreeMap::new();
        for kv in journal_t.iter() {
            let (k, v) = kv.map_err(|e| self.sled_err(e))?;
            let id = Block::dossier_of(&k);
            let block = match Block::parse(&k, &v) {
                Ok(b) => b,
                Err(p) if k.len() != 12 => {
                    find(&mut s, p.key, FindingKind::BadKey);
                    continue;
                }
                Err(p) => {
                    s.journaled.insert(id);
                    s.max_dossier = s.max_dossier.max(id);
                    find(&mut s, p.key, FindingKind::Undecodable(p.reason));
                    journals.entry(id).or_insert_with(|| (Vec::new(), true)).1 = false;
                    continue;
                }
            };
            s.journaled.insert(id);
            s.max_dossier = s.max_dossier.max(id);
            for (place, bytes) in block.events {
                s.report.events += 1;
                let entry = journals.entry(id).or_insert_with(|| (Vec::new(), true));
                match codec::decode::<Event>(bytes) {
                    Ok(ev) => {
                        if ev.seq as usize != entry.0.len() && entry.1 {
                            find(
                                &mut s,
                                event_name(id, ev.seq),
                                FindingKind::SeqGap {
                                    expected: entry.0.len() as u32,
                                    found: ev.seq,
                                },
                            );
                            entry.1 = false;
                        }
                        entry.0.push(ev);
                    }
                    Err(e) => {
                        find(
                            &mut s,
                            event_name(id, place),
                            FindingKind::Undecodable(e.to_string()),
                        );
                        entry.1 = false;
                    }
                }
            }
        }
        for (id, (events, sound)) in &journals {
            if !sound {
                continue;
            }
            let key = journal_name(*id);
            match fold(*id, events) {
                Ok(state) => {
                    if !debtors.contains_key(&state.debtor) {
                        find(&mut s, key, FindingKind::MissingDebtor(state.debtor));
                    }
                    s.wanted.insert(
                        *id,
                        DossierRecord {
                            id: *id,
                            debtor: state.debtor,
                            journal_len: events.len() as u32,
                        },
                    );
                }
                Err(e) => find(&mut s, key, FindingKind::NoCreation(e.to_string())),
            }
        }

        // Dossier records: derived from the journals, so each must equal what its journal says.
        for kv in dossiers_t.iter() {
            let (k, v) = kv.map_err(|e| self.sled_err(e))?;
            let key = describe_key(TREE_DOSSIERS, &k);
            let Ok(id_bytes) = <[u8; 8]>::try_from(k.as_ref()) else {
                find(&mut s, key, FindingKind::BadKey);
                s.bad_record_keys.push(k.to_vec());
                continue;
            };
            let id = u64::from_be_bytes(id_bytes);
            s.max_dossier = s.max_dossier.max(id);
            s.report.dossiers += 1;
            let rec = match codec::decode::<DossierRecord>(&v) {
                Ok(r) => r,
                Err(e) => {
                    find(&mut s, key, FindingKind::Undecodable(e.to_string()));
                    s.records.insert(id, None);
                    continue;
                }
            };
            s.records.insert(id, Some(rec.clone()));
            if rec.id != id {
                find(
                    &mut s,
                    key.clone(),
                    FindingKind::IdMismatch { found: rec.id },
                );
            }
            if !s.journaled.contains(&id) {
                find(&mut s, key, FindingKind::NoJournal);
                continue;
            }
            if let Some(w) = s.wanted.get(&id).cloned() {
                if rec.journal_len != w.journal_len {
                    find(
                        &mut s,
                        key.clone(),
                        FindingKind::LengthMismatch {
                            stored: rec.journal_len,
                            actual: w.journal_len,
                        },
                    );
                }
                if rec.debtor != w.debtor {
                    find(
                        &mut s,
                        key,
                        FindingKind::DebtorMismatch {
                            stored: rec.debtor,
                            actual: w.debtor,
                        },
                    );
                }
            }
        }
        for id in &s.journaled.clone() {
            if !s.records.contains_key(id) {
                find(
                    &mut s,
                    format!("{TREE_DOSSIERS}/{id}"),
                    FindingKind::NoRecord,
                );
            }
        }

        // Meta: the schema, the counters above every id in use, the generation.
        let meta_key = |k: &[u8]| describe_key(TREE_META, k);
        if let Some(v) = meta_t.get(KEY_SCHEMA).map_err(|e| self.sled_err(e))? {
            if let Err(e) = codec::decode::<u32>(&v) {
                find(
                    &mut s,
                    meta_key(KEY_SCHEMA),
                    FindingKind::Undecodable(e.to_string()),
                );
            }
        }
        for (k, max) in [
            (KEY_NEXT_DOSSIER, s.max_dossier),
            (KEY_NEXT_DEBTOR, s.max_debtor),
        ] {
            let stored = match meta_t.get(k).map_err(|e| self.sled_err(e))? {
                Some(v) => match codec::decode::<u64>(&v) {
                    Ok(n) => Some(n),
                    Err(e) => {
                        find(&mut s, meta_key(k), FindingKind::Undecodable(e.to_string()));
                        None
                    }
                },
                // No counter yet means "start at 1".
                None => Some(1),
            };
            if let Some(n) = stored {
                if n <= max {
                    find(
                        &mut s,
                        meta_key(k),
                        FindingKind::CounterLow { stored: n, max },
                    );
                }
            }
            if k == KEY_NEXT_DOSSIER {
                s.next_dossier = stored;
            } else {
                s.next_debtor = stored;
            }
        }
        s.generation = match meta_t.get(KEY_GENERATION).map_err(|e| self.sled_err(e))? {
            Some(v) => match codec::decode::<u64>(&v) {
                Ok(g) => Some(g),
                Err(e) => {
                    find(
                        &mut s,
                        meta_key(KEY_GENERATION),
                        FindingKind::Undecodable(e.to_string()),
                    );
                    None
                }
            },
            None => Some(0),
        };
        s.changes = match meta_t.get(KEY_CHANGES).map_err(|e| self.sled_err(e))? {
            Some(v) => match codec::decode::<Vec<(u64, DossierId)>>(&v) {
                Ok(c) => Some(c),
                Err(e) => {
                    find(
                        &mut s,
                        meta_key(KEY_CHANGES),
                        FindingKind::Undecodable(e.to_string()),
                    );
                    None
                }
            },
            None => Some(Vec::new()),
        };
        if let (Some(g), Some(changes)) = (s.generation, &s.changes) {
            if changes.iter().any(|(cg, _)| *cg > g) {
                find(
                    &mut s,
                    meta_key(KEY_CHANGES),
                    FindingKind::ChangesAhead { generation: g },
                );
            }
        }
        Ok(s)
    }

    fn apply_repairs(&self, db: &sled::Db, s: &Scan) -> Result<Vec<String>> {
        let [_, dossiers_t, _, meta_t, _] = self.trees(db)?;
        let mut lines = Vec::new();
        // Dossier records: rebuilt from sound journals; removed when there is no journal at all.
        let mut put: Vec<DossierRecord> = Vec::new();
        for (id, want) in &s.wanted {
            if s.records.get(id).cloned().flatten().as_ref() != Some(want) {
                lines.push(tf(
                    "doctor.fixed_record",
                    &[
                        ("key", &describe_key(TREE_DOSSIERS, &dossier_key(*id))),
                        ("len", &want.journal_len),
                        ("debtor", &want.debtor),
                    ],
                ));
                put.push(want.clone());
            }
        }
        let mut remove: Vec<Vec<u8>> = s.bad_record_keys.clone();
        for id in s.records.keys() {
            if !s.journaled.contains(id) {
                lines.push(tf(
                    "doctor.removed_record",
                    &[("key", &describe_key(TREE_DOSSIERS, &dossier_key(*id)))],
                ));
                remove.push(dossier_key(*id).to_vec());
            }
        }
        for k in &s.bad_record_keys {
            lines.push(tf(
                "doctor.removed_record",
                &[("key", &describe_key(TREE_DOSSIERS, k))],
            ));
        }
        // Counters: one above the largest id in use, never lowered.
        let mut counters: Vec<(&[u8], u64)> = Vec::new();
        for (k, stored, max) in [
            (KEY_NEXT_DOSSIER, s.next_dossier, s.max_dossier),
            (KEY_NEXT_DEBTOR, s.next_debtor, s.max_debtor),
        ] {
            if stored.is_none_or(|n| n <= max) {
                counters.push((k, max + 1));
                lines.push(tf(
                    "doctor.fixed_counter",
                    &[("key", &describe_key(TREE_META, k)), ("value", &(max + 1))],
                ));
            }
        }
        // Generation: at least every generation already announced, so no open screen misses
        // the changes below; a damaged change list is dropped (open screens then reload all).
        let announced = s
            .changes
            .as_ref()
            .and_then(|c| c.iter().map(|(g, _)| *g).max())
            .unwrap_or(0);
        let base = s.generation.unwrap_or(0).max(announced);
        let reset_generation = s.generation != Some(base);
        let reset_changes = s.changes.is_none();
        if reset_generation {
            lines.push(tf(
                "doctor.fixed_generation",
                &[
                    ("key", &describe_key(TREE_META, KEY_GENERATION)),
                    ("value", &base),
                ],
            ));
        }
        if reset_changes {
            lines.push(tf(
                "doctor.fixed_changes",
                &[("key", &describe_key(TREE_META, KEY_CHANGES))],
            ));
        }
        if put.is_empty()
            && remove.is_empty()
            && counters.is_empty()
            && !reset_generation
            && !reset_changes
        {
            return Ok(lines);
        }
        let res = (&dossiers_t, &meta_t).transaction(|(dossiers, meta)| {
            let enc = |v: &dyn Fn() -> std::result::Result<Vec<u8>, codec::CodecError>| {
                v().map_err(|e| {
                    ConflictableTransactionError::Abort(Abort::Codec("doctor".into(), e))
                })
            };
            for k in &remove {
                dossiers.remove(k.as_slice())?;
            }
            for rec in &put {
                dossiers.insert(&dossier_key(rec.id), enc(&|| codec::encode(rec))?)?;
            }
            for (k, v) in &counters {
                meta.insert(*k, enc(&|| codec::encode(v))?)?;
            }
            if reset_generation {
                meta.insert(KEY_GENERATION, enc(&|| codec::encode(&base))?)?;
            }
            if reset_changes {
                let empty: Vec<(u64, DossierId)> = Vec::new();
                meta.insert(KEY_CHANGES, enc(&|| codec::encode(&empty))?)?;
            }
            // Open screens reload what was rebuilt.
            for rec in &put {
                bump_generation(meta, rec.id)?;
            }
            Ok(())
        });
        self.map_tx(res)?;
        Ok(lines)
    }
}

fn derived_findings(store: &Store, db: &sled::Db) -> Result<Vec<Finding>> {
    Ok(store
        .derived_differences(db)?
        .into_iter()
        .map(|d| Finding {
            key: d.key,
            kind: FindingKind::Derived(d.what),
        })
        .collect())
}
