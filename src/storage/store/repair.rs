//! `doctor --repair` from the journal copy: compare sled with `journal.log`, complete the copy,
//! rebuild sled when it lacks what the copy holds.

use std::fs;
use std::path::PathBuf;

use super::blocks::{self, Block};
use super::handle::Store;
use super::open::sync_dir;
use super::tx::erased;
use crate::domain::event::{Event, EventKind};
use crate::domain::model::{Debtor, DebtorId, DossierId};
use crate::i18n::tf;
use crate::model::RecordProblem;
use crate::storage::codec;
use crate::storage::error::{corrupt, Result, StoreError};
use crate::storage::files::{self, Policy};
use crate::storage::journal::{self, JournalRecord};
use crate::storage::keys::{
    dossier_key, DossierRecord, KEY_GENERATION, KEY_NEXT_DEBTOR, KEY_NEXT_DOSSIER, KEY_SCHEMA,
    SCHEMA_VERSION, TREE_DEBTORS,
};
use crate::storage::shared::UmaskGuard;

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
    pub skipped: Vec<journal::Skipped>,
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
        if !self.path.join(journal::FILE).exists() {
            return Ok(None);
        }
        // The files may be replaced below: no handle of ours may stay open on the old ones.
        self.held.close_db();
        let policy = Policy::for_dir(&self.path)?;
        let _umask = UmaskGuard::for_dir(&self.path);
        let _guard = self.lock_unless_held()?;
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
        self.check_schema(&db).map_err(|e| e.to_string())?;
        self.read_open_sled(&db)
    }

    pub(super) fn read_open_sled(
        &self,
        db: &sled::Db,
    ) -> std::result::Result<SledContents, String> {
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
            let problem = |p: RecordProblem| format!("{}: {}", p.key, p.reason);
            let block = Block::parse(&k, &v).map_err(problem)?;
            for e in block.decode().map_err(problem)? {
                events.insert((block.id, e.seq), e);
            }
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
            let mut encoded = Vec::with_capacity(events.len());
            for ((id, seq), e) in events {
                encoded.push((*id, enc("event", e)?));
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
            for (k, v) in blocks::pack(encoded) {
                journal_t.insert(k, v).map_err(sled)?;
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
            self.build_derived(&db)?;
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
