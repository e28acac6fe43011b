//! Writing an import plan (`domain::import::plan`): new dossiers and events appended to existing
//! ones, all in one sled transaction with the derived trees, so a run is all or nothing.

use chrono::Utc;
use sled::transaction::ConflictableTransactionError;

use super::blocks;
use super::handle::Store;
use super::tx::{bump_generation, next_id, Abort};
use super::write::{extend_derived, put_derived};
use crate::domain::event::{Event, EventKind};
use crate::domain::import::plan::{DebtorRef, Plan, Target};
use crate::domain::model::{Debtor, DossierId};
use crate::storage::codec;
use crate::storage::error::Result;
use crate::storage::journal::JournalRecord;
use crate::storage::keys::{
    dossier_key, DossierRecord, KEY_GENERATION, KEY_NEXT_DEBTOR, KEY_NEXT_DOSSIER,
};

/// What a real import wrote.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Imported {
    pub created: Vec<DossierId>,
    pub updated: Vec<DossierId>,
    pub events: usize,
}

impl Store {
    /// Writes `plan` in one transaction: every new debtor and dossier, every appended event,
    /// their digests and index entries, or nothing. Refused with [`StoreError::Moved`] when the
    /// database changed since the plan was made (its generation moved): the plan was decided on
    /// what the user saw.
    ///
    /// [`StoreError::Moved`]: crate::storage::StoreError::Moved
    pub fn apply_import(&self, plan: &Plan) -> Result<Imported> {
        let user = self.opts.user.clone();
        self.with_db_journaled(false, true, |db| {
            let res =
                self.write_transaction(db, |(debtors, dossiers, journal, meta, derived)| {
                    let abort = |what: &str, e| {
                        ConflictableTransactionError::Abort(Abort::Codec(what.into(), e))
                    };
                    let generation = match meta.get(KEY_GENERATION)? {
                        Some(v) => codec::decode::<u64>(&v).map_err(|e| abort("generation", e))?,
                        None => 0,
                    };
                    if generation != plan.generation {
                        return Err(ConflictableTransactionError::Abort(Abort::Moved));
                    }
                    let now = Utc::now();
                    let mut out = Imported {
                        created: vec![],
                        updated: vec![],
                        events: 0,
                    };
                    let mut records = Vec::new();
                    for w in &plan.writes {
                        match &w.target {
                            Target::New { debtor, created } => {
                                let debtor = match debtor.as_ref() {
                                    DebtorRef::Existing(id) => {
                                        let raw = debtors.get(id.to_be_bytes())?.ok_or(
                                            ConflictableTransactionError::Abort(Abort::Moved),
                                        )?;
                                        codec::decode::<Debtor>(&raw)
                                            .map_err(|e| abort("debtor", e))?
                                    }
                                    DebtorRef::New(d) => {
                                        let mut d = d.clone();
                                        d.id = next_id(meta, KEY_NEXT_DEBTOR)?;
                                        debtors.insert(
                                            &d.id.to_be_bytes(),
                                            codec::encode(&d).map_err(|e| abort("debtor", e))?,
                                        )?;
                                        records.push(JournalRecord::Debtor(d.clone()));
                                        d
                                    }
                                };
                                let id = next_id(meta, KEY_NEXT_DOSSIER)?;
                                let mut created = (**created).clone();
                                if let EventKind::Created { debtor: d, .. } = &mut created {
                                    *d = debtor.id;
                                }
                                let mut events = Vec::with_capacity(w.events.len() + 1);
                                let all = std::iter::once((plan_today(w), created))
                                    .chain(w.events.iter().cloned());
                                for (seq, (date, kind)) in all.enumerate() {
                                    let ev = Event {
                                        seq: seq as u32,
                                        at: now,
                                        date,
                                        user: user.clone(),
                                        kind,
                                    };
                                    records.push(JournalRecord::Event {
                                        dossier: id,
                                        event: ev.clone(),
                                    });
                                    events.push(ev);
                                }
                                blocks::append(journal, id, &events)?;
                                let rec = DossierRecord {
                                    id,
                                    debtor: debtor.id,
                                    journal_len: events.len() as u32,
                                };
                                dossiers.insert(
                                    &dossier_key(id),
                                    codec::encode(&rec).map_err(|e| abort("dossier", e))?,
                                )?;
                                put_derived(derived, id, &debtor, &events)?;
                                bump_generation(meta, id)?;
                                out.events += events.len();
                                out.created.push(id);
                            }
                            Target::Existing { id, expected_len } => {
                                let id = *id;
                                let raw = dossiers
                                    .get(dossier_key(id))?
                                    .ok_or(ConflictableTransactionError::Abort(Abort::Moved))?;
                                let mut rec: DossierRecord =
                                    codec::decode(&raw).map_err(|e| abort("dossier", e))?;
                                if rec.journal_len != *expected_len {
                                    return Err(ConflictableTransactionError::Abort(Abort::Moved));
                                }
                                blocks::check_len(journal, id, rec.journal_len)?;
                                let mut written = Vec::with_capacity(w.events.len());
                                for (date, kind) in &w.events {
                                    let ev = Event {
                                        seq: rec.journal_len,
                                        at: now,
                                        date: *date,
                                        user: user.clone(),
                                        kind: kind.clone(),
                                    };
                                    rec.journal_len += 1;
                                    records.push(JournalRecord::Event {
                                        dossier: id,
                                        event: ev.clone(),
                                    });
                                    written.push(ev);
                                }
                                blocks::append(journal, id, &written)?;
                                dossiers.insert(
                                    &dossier_key(id),
                                    codec::encode(&rec).map_err(|e| abort("dossier", e))?,
                                )?;
                                extend_derived(derived, journal, debtors, &rec, &written)?;
                                bump_generation(meta, id)?;
                                out.events += written.len();
                                out.updated.push(id);
                            }
                        }
                    }
                    Ok((out, records))
                })?;
            self.map_tx(res)
        })
    }
}

/// The date a new dossier is created on: the day of the import (that of its closing note).
fn plan_today(w: &crate::domain::import::plan::Write) -> chrono::NaiveDate {
    w.events
        .last()
        .map(|(d, _)| *d)
        .unwrap_or_else(|| Utc::now().date_naive())
}
