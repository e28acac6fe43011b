//! Writing the journal: new dossiers, imported histories, appended events, each in one sled
//! transaction whose events also go to the journal copy.

use chrono::{NaiveDate, Utc};
use sled::transaction::{ConflictableTransactionError, TransactionError, TransactionalTree};
use sled::Transactional;

use super::blocks;
use super::handle::Store;
use super::tx::{bump_generation, erased, next_id, Abort};
use crate::domain::digest::Digest;
use crate::domain::event::{Event, EventKind};
use crate::domain::model::{Debtor, DossierId};
use crate::model::NewDossier;
use crate::storage::codec;
use crate::storage::derived::{Derived, DerivedTx};
use crate::storage::error::{corrupt, Result, StoreError};
use crate::storage::journal::JournalRecord;
use crate::storage::keys::{
    describe_key, dossier_key, DossierRecord, KEY_NEXT_DEBTOR, KEY_NEXT_DOSSIER, TREE_DEBTORS,
    TREE_DOSSIERS,
};

impl Store {
    /// Creates a dossier (and its debtor when no debtor of that name exists) in one transaction.
    pub fn create(&self, new: NewDossier) -> Result<DossierId> {
        let user = self.opts.user.clone();
        let id = self.with_db_journaled(false, true, |db| {
            let [debtors_t, ..] = self.trees(db)?;
            // Matched under the same lock as the write, so two people adding a dossier for the
            // same new debtor at the same moment do not create it twice.
            let mut same_name = None;
            for kv in debtors_t.iter() {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                let d: Debtor = codec::decode(&v).map_err(|e| corrupt(TREE_DEBTORS, &k, e))?;
                if d.name.trim().eq_ignore_ascii_case(new.debtor.name.trim()) {
                    same_name = Some(d);
                    break;
                }
            }
            let res =
                self.write_transaction(db, |(debtors, dossiers, journal, meta, derived)| {
                    let enc = |key: &str, v: &dyn erased::Enc| {
                        v.enc().map_err(|e| {
                            ConflictableTransactionError::Abort(Abort::Codec(key.into(), e))
                        })
                    };
                    let next = |k: &[u8]| next_id(meta, k);
                    let mut records = Vec::new();
                    let debtor = match &same_name {
                        Some(d) => d.clone(),
                        None => {
                            let id = next(KEY_NEXT_DEBTOR)?;
                            let mut d = new.debtor.clone();
                            d.id = id;
                            debtors.insert(&id.to_be_bytes(), enc("debtor", &d)?)?;
                            records.push(JournalRecord::Debtor(d.clone()));
                            d
                        }
                    };
                    let debtor_id = debtor.id;
                    let id = next(KEY_NEXT_DOSSIER)?;
                    let mut created = new.created.clone();
                    if let EventKind::Created { debtor, .. } = &mut created {
                        *debtor = debtor_id;
                    }
                    let now = Utc::now();
                    let mut events = Vec::new();
                    let mut kinds = vec![created];
                    kinds.extend(new.items.iter().cloned().map(EventKind::ItemAdded));
                    for (seq, kind) in kinds.into_iter().enumerate() {
                        let ev = Event {
                            seq: seq as u32,
                            at: now,
                            date: new.date,
                            user: user.clone(),
                            kind,
                        };
                        events.push(ev.clone());
                        records.push(JournalRecord::Event {
                            dossier: id,
                            event: ev,
                        });
                    }
                    blocks::append(journal, id, &events)?;
                    let rec = DossierRecord {
                        id,
                        debtor: debtor_id,
                        journal_len: 1 + new.items.len() as u32,
                    };
                    dossiers.insert(&dossier_key(id), enc("dossier", &rec)?)?;
                    put_derived(derived, id, &debtor, &events)?;
                    bump_generation(meta, id)?;
                    Ok((id, records))
                })?;
            self.map_tx(res)
        })?;
        Ok(id)
    }

    /// Creates dossiers with a past history in one transaction (demo database, imports).
    /// Each history event carries its own business date; debtors are created as given.
    pub fn import(
        &self,
        batch: Vec<(NewDossier, Vec<(NaiveDate, EventKind)>)>,
    ) -> Result<Vec<DossierId>> {
        let user = self.opts.user.clone();
        let ids = self.with_db_journaled(false, true, |db| {
            let res =
                self.write_transaction(db, |(debtors, dossiers, journal, meta, derived)| {
                    let abort = |key: &str, e| {
                        ConflictableTransactionError::Abort(Abort::Codec(key.into(), e))
                    };
                    let next = |k: &[u8]| next_id(meta, k);
                    let mut ids = Vec::new();
                    let mut records = Vec::new();
                    for (new, history) in &batch {
                        let debtor_id = next(KEY_NEXT_DEBTOR)?;
                        let mut d = new.debtor.clone();
                        d.id = debtor_id;
                        debtors.insert(
                            &debtor_id.to_be_bytes(),
                            codec::encode(&d).map_err(|e| abort("debtor", e))?,
                        )?;
                        records.push(JournalRecord::Debtor(d.clone()));
                        let id = next(KEY_NEXT_DOSSIER)?;
                        let mut events = Vec::with_capacity(new.items.len() + history.len() + 1);
                        let mut created = new.created.clone();
                        if let EventKind::Created { debtor, .. } = &mut created {
                            *debtor = debtor_id;
                        }
                        let mut all: Vec<(NaiveDate, EventKind)> = vec![(new.date, created)];
                        all.extend(
                            new.items
                                .iter()
                                .cloned()
                                .map(|i| (new.date, EventKind::ItemAdded(i))),
                        );
                        all.extend(history.iter().cloned());
                        for (seq, (date, kind)) in all.iter().enumerate() {
                            let at = date
                                .and_hms_opt(9, 0, 0)
                                .map(|t| t.and_utc())
                                .unwrap_or_else(Utc::now)
                                + chrono::Duration::minutes(seq as i64);
                            let ev = Event {
                                seq: seq as u32,
                                at,
                                date: *date,
                                user: user.clone(),
                                kind: kind.clone(),
                            };
                            events.push(ev.clone());
                            records.push(JournalRecord::Event {
                                dossier: id,
                                event: ev,
                            });
                        }
                        blocks::append(journal, id, &events)?;
                        let rec = DossierRecord {
                            id,
                            debtor: debtor_id,
                            journal_len: all.len() as u32,
                        };
                        dossiers.insert(
                            &dossier_key(id),
                            codec::encode(&rec).map_err(|e| abort("dossier", e))?,
                        )?;
                        put_derived(derived, id, &d, &events)?;
                        bump_generation(meta, id)?;
                        ids.push(id);
                    }
                    Ok((ids, records))
                })?;
            self.map_tx(res)
        })?;
        Ok(ids)
    }

    /// Appends events to a dossier's journal in one transaction.
    ///
    /// `expected_len` is the journal length the user saw: if someone appended meanwhile, nothing is
    /// written and [`StoreError::Stale`] carries the events the user has not seen.
    pub fn append(
        &self,
        id: DossierId,
        expected_len: Option<u32>,
        date: NaiveDate,
        kinds: Vec<EventKind>,
    ) -> Result<Vec<Event>> {
        let user = self.opts.user.clone();
        let events = self.with_db_journaled(false, true, |db| {
            let [_, _, journal_t, _, _] = self.trees(db)?;
            let res =
                self.write_transaction(db, |(debtors, dossiers, journal, meta, derived)| {
                    let abort = ConflictableTransactionError::Abort;
                    let raw = dossiers
                        .get(dossier_key(id))?
                        .ok_or(abort(Abort::Unknown(id)))?;
                    let mut rec: DossierRecord = codec::decode(&raw).map_err(|e| {
                        abort(Abort::Codec(
                            describe_key(TREE_DOSSIERS, &dossier_key(id)),
                            e,
                        ))
                    })?;
                    blocks::check_len(journal, id, rec.journal_len)?;
                    if let Some(expected) = expected_len {
                        if expected != rec.journal_len {
                            return Err(abort(Abort::Stale {
                                expected,
                                actual: rec.journal_len,
                            }));
                        }
                    }
                    let now = Utc::now();
                    let mut written = Vec::new();
                    for kind in &kinds {
                        let ev = Event {
                            seq: rec.journal_len,
                            at: now,
                            date,
                            user: user.clone(),
                            kind: kind.clone(),
                        };
                        rec.journal_len += 1;
                        written.push(ev);
                    }
                    blocks::append(journal, id, &written)?;
                    let bytes = codec::encode(&rec)
                        .map_err(|e| abort(Abort::Codec("dossier".into(), e)))?;
                    dossiers.insert(&dossier_key(id), bytes)?;
                    extend_derived(derived, journal, debtors, &rec, &written)?;
                    bump_generation(meta, id)?;
                    Ok(written)
                })?;
            match res {
                Err(TransactionError::Abort(Abort::Stale { expected, actual })) => {
                    let mut newer =
                        blocks::read(&journal_t, id).map_err(|p| StoreError::Corrupt {
                            key: p.key,
                            reason: p.reason,
                        })?;
                    newer.retain(|e| e.seq >= expected && e.seq < actual);
                    Err(StoreError::Stale {
                        id,
                        expected,
                        newer,
                    })
                }
                other => {
                    let written = self.map_tx(other)?;
                    let records = written
                        .iter()
                        .map(|e| JournalRecord::Event {
                            dossier: id,
                            event: e.clone(),
                        })
                        .collect();
                    Ok((written, records))
                }
            }
        })?;
        Ok(events)
    }
}

pub(super) type TxResult<T> = std::result::Result<T, ConflictableTransactionError<Abort>>;

/// The trees every journal write touches, inside its transaction: the records, the journal, the
/// meta counters, and what is derived from the journal (`storage::derived`).
pub(super) type WriteTrees<'a> = (
    &'a TransactionalTree,
    &'a TransactionalTree,
    &'a TransactionalTree,
    &'a TransactionalTree,
    &'a DerivedTx<'a>,
);

impl Store {
    /// Runs `f` in one sled transaction over debtors, dossiers, journal, meta and the derived
    /// trees: the one place a journal write's transaction is opened, so none can forget the
    /// derived trees.
    pub(super) fn write_transaction<T>(
        &self,
        db: &sled::Db,
        f: impl Fn(WriteTrees) -> TxResult<T>,
    ) -> Result<std::result::Result<T, TransactionError<Abort>>> {
        let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
        let [digests_t, index_t, urgency_t, search_t] = self.derived_trees(db)?;
        let trees = (
            &debtors_t,
            &dossiers_t,
            &journal_t,
            &meta_t,
            &digests_t,
            &index_t,
            &urgency_t,
            &search_t,
        );
        Ok(trees.transaction(
            |(debtors, dossiers, journal, meta, digests, index, urgency, search)| {
                let derived = DerivedTx {
                    digests,
                    index,
                    urgency,
                    search,
                    meta,
                };
                f((debtors, dossiers, journal, meta, &derived))
            },
        ))
    }
}

fn codec_abort(what: &str, e: codec::CodecError) -> Abort {
    Abort::Codec(what.into(), e)
}

/// Writes what the new journal derives to, in the caller's transaction. A journal the fold
/// refuses gets no digest (reads then go to the journal and report it, as they always did).
pub(super) fn put_derived(
    derived: &DerivedTx,
    id: DossierId,
    debtor: &Debtor,
    events: &[Event],
) -> TxResult<()> {
    match Derived::of_journal(id, debtor, events) {
        Ok(d) => derived.put(id, &d, codec_abort),
        Err(_) => Ok(()),
    }
}

/// The digest after an append: the previous digest extended by the new events, or, when there
/// is none (a dossier whose digest was never built), the whole journal read back in the
/// transaction.
pub(super) fn extend_derived(
    derived: &DerivedTx,
    journal: &TransactionalTree,
    debtors: &TransactionalTree,
    rec: &DossierRecord,
    written: &[Event],
) -> TxResult<()> {
    let id = rec.id;
    let previous = match derived.digests.get(id.to_be_bytes())? {
        Some(v) => codec::decode::<Digest>(&v).ok(),
        None => None,
    };
    let previous_len = rec.journal_len - written.len() as u32;
    let new = match previous.filter(|p| p.journal_len() == previous_len) {
        Some(p) => p.extended(id, written).ok(),
        None => {
            let Some(events) = blocks::read_in(journal, id, rec.journal_len)? else {
                return Ok(());
            };
            let debtor = match debtors.get(rec.debtor.to_be_bytes())? {
                Some(v) => codec::decode::<Debtor>(&v).ok(),
                None => None,
            };
            debtor.and_then(|d| Digest::new(id, &d, &events).ok())
        }
    };
    match new.map(|d| Derived::of_digest(id, d)) {
        Some(Ok(d)) => derived.put(id, &d, codec_abort),
        _ => Ok(()),
    }
}
