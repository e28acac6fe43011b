//! What the store derives from the journal and keeps beside it, written in the same transaction
//! as every journal write: one digest per dossier (`domain::digest`), a small index entry per
//! dossier (what a query searches, the step, the urgency hint), an urgency-ordered key set for the
//! first screen, and the per-step tally. `doctor` rebuilds all of it from the journal and reports
//! any difference; an older database gets it built on first open.

use chrono::{Datelike, NaiveDate};
use serde::{Deserialize, Serialize};
use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::codec::{self, CodecError, Record};
use crate::domain::digest::{urgency_hint, Digest, Step, Tally};
use crate::domain::event::Event;
use crate::domain::fold::FoldError;
use crate::domain::model::{Debtor, DossierId};
use crate::domain::summary::search_text;

pub(crate) const TREE_DIGESTS: &str = "digests";
pub(crate) const TREE_INDEX: &str = "index";
pub(crate) const TREE_URGENCY: &str = "urgency";
pub(crate) const KEY_TALLY: &[u8] = b"tally";
/// `domain::digest::DIGEST_FORMAT` of the derived trees on disk; absent on a database made before
/// they existed.
pub(crate) const KEY_DIGEST_FORMAT: &[u8] = b"digest_format";

/// What a query and the list's first screen read about a dossier without decoding its digest.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct IndexEntry {
    pub step: Step,
    /// The next action's date under the built-in schedules, as of the last event (a hint for the
    /// first screen's order only; see `domain::digest::urgency_hint`).
    pub urgency: Option<NaiveDate>,
    /// Normalised debtor name, customer number and invoice references (`summary::search_text`).
    pub search: String,
    pub journal_len: u32,
}

impl Record for Digest {}
impl Record for IndexEntry {}
impl Record for Tally {}

/// Everything derived from one dossier's journal.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Derived {
    pub digest: Digest,
    pub entry: IndexEntry,
}

impl Derived {
    pub fn of_journal(id: DossierId, debtor: &Debtor, events: &[Event]) -> Result<Self, FoldError> {
        Derived::of_digest(id, Digest::new(id, debtor, events)?)
    }

    pub fn of_digest(id: DossierId, digest: Digest) -> Result<Self, FoldError> {
        let st = digest.state(id)?;
        // As of the last event, not of the day it is computed: the same journal always gives the
        // same hint, so `doctor` can check it.
        let as_of = digest
            .events
            .iter()
            .map(|e| e.date)
            .max()
            .unwrap_or(st.created);
        let entry = IndexEntry {
            step: Step::of(&st),
            urgency: urgency_hint(&st, &digest.debtor, as_of),
            search: search_text(&st, &digest.debtor),
            journal_len: digest.journal_len(),
        };
        Ok(Derived { digest, entry })
    }
}

/// Key of the urgency set: the hint date (no date last), then the dossier, so a range scan from
/// the start yields the most urgent dossiers first.
pub(crate) fn urgency_key(date: Option<NaiveDate>, id: DossierId) -> [u8; 12] {
    let day = match date {
        // Shifted so the big-endian bytes of a negative day number still sort before positives.
        Some(d) => (d.num_days_from_ce() as u32) ^ 0x8000_0000,
        None => u32::MAX,
    };
    let mut k = [0u8; 12];
    k[..4].copy_from_slice(&day.to_be_bytes());
    k[4..].copy_from_slice(&id.to_be_bytes());
    k
}

pub(crate) fn dossier_of_urgency_key(k: &[u8]) -> Option<DossierId> {
    Some(u64::from_be_bytes(k.get(4..12)?.try_into().ok()?))
}

/// The derived trees inside a write transaction.
pub(crate) struct DerivedTx<'a> {
    pub digests: &'a TransactionalTree,
    pub index: &'a TransactionalTree,
    pub urgency: &'a TransactionalTree,
    pub meta: &'a TransactionalTree,
}

impl DerivedTx<'_> {
    /// Replaces what is stored for dossier `id` by `new`, keeping the tally and the urgency set
    /// in step with the previous entry.
    pub fn put<E>(
        &self,
        id: DossierId,
        new: &Derived,
        codec_err: impl Fn(&str, CodecError) -> E,
    ) -> Result<(), ConflictableTransactionError<E>> {
        let key = id.to_be_bytes();
        let abort = |what: &str, e| ConflictableTransactionError::Abort(codec_err(what, e));
        let mut tally: Tally = match self.meta.get(KEY_TALLY)? {
            Some(v) => codec::decode(&v).map_err(|e| abort("tally", e))?,
            None => Tally::default(),
        };
        if let Some(old) = self.index.get(key)? {
            let old: IndexEntry = codec::decode(&old).map_err(|e| abort("index", e))?;
            self.urgency.remove(&urgency_key(old.urgency, id)[..])?;
            tally.remove(old.step);
        }
        tally.add(new.entry.step);
        self.index.insert(
            &key,
            codec::encode(&new.entry).map_err(|e| abort("index", e))?,
        )?;
        self.urgency
            .insert(&urgency_key(new.entry.urgency, id)[..], &[][..])?;
        self.digests.insert(
            &key,
            codec::encode(&new.digest).map_err(|e| abort("digest", e))?,
        )?;
        self.meta.insert(
            KEY_TALLY,
            codec::encode(&tally).map_err(|e| abort("tally", e))?,
        )?;
        Ok(())
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn urgency_keys_sort_by_date_then_dossier_with_undated_last() {
        let d = |y, m, day| NaiveDate::from_ymd_opt(y, m, day);
        let mut keys = [
            urgency_key(None, 1),
            urgency_key(d(2026, 12, 1), 2),
            urgency_key(d(2026, 3, 1), 9),
            urgency_key(d(2026, 3, 1), 3),
            urgency_key(d(1, 1, 1), 4),
        ];
        keys.sort();
        let ids: Vec<_> = keys
            .iter()
            .filter_map(|k| dossier_of_urgency_key(k))
            .collect();
        assert_eq!(ids, [4, 3, 9, 2, 1]);
    }
}
