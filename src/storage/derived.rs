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
pub(crate) const TREE_SEARCH: &str = "search";
pub(crate) const KEY_TALLY: &[u8] = b"tally";
/// Dossiers per block of the search tree (see [`SearchBlock`]): some 5 KB, so that sled's leaf
/// of 16 blocks stays under its 128 KB limit past which it writes the leaf to a file of its own
/// (512 a block made 40 KB blocks, and a blob file per leaf rewritten).
pub(crate) const SEARCH_BLOCK: DossierId = 64;
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

/// The search texts of up to [`SEARCH_BLOCK`] consecutive dossiers, sorted by dossier: what a
/// query scans. One key per 64 dossiers instead of one per dossier, because sled's iteration
/// costs about 1.6 µs a key (a query over 100 000 index entries took 0.16 s of scan alone) and
/// its open time grows with its number of keys. A write rewrites its block (some 5 KB) only
/// when the dossier's search text changes: a new invoice, a renamed debtor.
///
/// Stored as the ids, the end of each text, and the texts end to end: three allocations to
/// decode a block instead of one per dossier (that was a third of a query's time).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SearchBlock {
    ids: Vec<DossierId>,
    ends: Vec<u32>,
    text: String,
}

impl SearchBlock {
    /// Every dossier's text, in dossier order.
    pub fn iter(&self) -> impl Iterator<Item = (DossierId, &str)> {
        let starts = std::iter::once(0).chain(self.ends.iter().copied());
        self.ids
            .iter()
            .zip(starts.zip(self.ends.iter().copied()))
            .map(|(id, (a, b))| (*id, self.text.get(a as usize..b as usize).unwrap_or("")))
    }

    /// Appends a dossier after every one already held (a build, in dossier order).
    pub fn push(&mut self, id: DossierId, text: &str) {
        self.ids.push(id);
        self.text.push_str(text);
        self.ends.push(self.text.len() as u32);
    }

    /// Sets dossier `id`'s text; false when it already was that.
    pub fn set(&mut self, id: DossierId, text: &str) -> bool {
        let mut entries: Vec<(DossierId, &str)> = self.iter().collect();
        match entries.binary_search_by_key(&id, |(i, _)| *i) {
            Ok(at) if entries[at].1 == text => return false,
            Ok(at) => entries[at].1 = text,
            Err(at) => entries.insert(at, (id, text)),
        }
        let mut new = SearchBlock::default();
        for (id, text) in entries {
            new.push(id, text);
        }
        *self = new;
        true
    }
}

/// The dossiers `q` finds, in dossier order, each block searched as a whole
/// ([`Query::matches_all`]); fails at a block that does not decode.
pub(crate) fn search_blocks(
    search: &sled::Tree,
    q: &crate::domain::summary::Query,
) -> Result<Vec<DossierId>, CodecError> {
    let mut found = Vec::new();
    for kv in search.iter() {
        let (_, v) = kv.map_err(|e| CodecError::Corrupt(e.to_string()))?;
        let block: SearchBlock = codec::decode(&v)?;
        let hits = q.matches_all(&block.text, &block.ends, &block.ids);
        found.extend(
            block
                .ids
                .iter()
                .zip(hits)
                .filter(|(_, h)| *h)
                .map(|(id, _)| *id),
        );
    }
    Ok(found)
}

pub(crate) fn search_key(id: DossierId) -> [u8; 8] {
    (id / SEARCH_BLOCK).to_be_bytes()
}

impl Record for SearchBlock {}
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
    pub search: &'a TransactionalTree,
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
        let mut search_changed = true;
        if let Some(old) = self.index.get(key)? {
            let old: IndexEntry = codec::decode(&old).map_err(|e| abort("index", e))?;
            self.urgency.remove(&urgency_key(old.urgency, id)[..])?;
            tally.remove(old.step);
            search_changed = old.search != new.entry.search;
        }
        if search_changed {
            let skey = search_key(id);
            let mut block: SearchBlock = match self.search.get(skey)? {
                Some(v) => codec::decode(&v).map_err(|e| abort("search", e))?,
                None => SearchBlock::default(),
            };
            if block.set(id, &new.entry.search) {
                self.search.insert(
                    &skey,
                    codec::encode(&block).map_err(|e| abort("search", e))?,
                )?;
            }
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
    fn a_search_block_keeps_dossiers_in_order_and_says_when_a_text_changed() {
        let mut b = SearchBlock::default();
        assert!(b.set(7, "dubois"));
        assert!(b.set(3, "acme"));
        assert!(!b.set(7, "dubois"));
        assert!(b.set(7, "dubois f-12"));
        assert_eq!(
            b.iter().collect::<Vec<_>>(),
            vec![(3, "acme"), (7, "dubois f-12")]
        );
        assert!(b.set(5, ""));
        assert_eq!(
            b.iter().collect::<Vec<_>>(),
            vec![(3, "acme"), (5, ""), (7, "dubois f-12")]
        );
        assert_eq!(search_key(63), search_key(0));
        assert_ne!(search_key(64), search_key(63));
    }

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
