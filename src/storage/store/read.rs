//! Reading dossiers: all of them (decoded outside the lock), one, the debtors, what changed.

use std::collections::HashMap;

use super::blocks::{self, Block};
use super::handle::Store;
use super::open::read_u64;
use crate::domain::digest::{Digest, Tally};
use crate::domain::event::{Event, EventKind};
use crate::domain::fold::fold;
use crate::domain::model::{Debtor, DebtorId, DossierId};
use crate::domain::summary::{search_text, Query};
use crate::model::{FirstScreen, LoadedDossier, Mapped, RecordProblem, Snapshot};
use crate::storage::codec;
use crate::storage::derived::{dossier_of_urgency_key, search_blocks, IndexEntry, KEY_TALLY};
use crate::storage::error::{corrupt, Result, StoreError};
use crate::storage::keys::{
    describe_key, dossier_key, dossier_of_key, journal_name, DossierRecord, KEY_CHANGES,
    KEY_GENERATION, TREE_DEBTORS, TREE_DOSSIERS, TREE_META,
};

impl Store {
    /// Loads every dossier. Records that do not decode are reported and skipped.
    ///
    /// Under the lock only the raw records are copied out; decoding and folding (most of the
    /// time, 0.3 s at 20 000 dossiers) happen after the lock is released, so a reader never holds
    /// writers back for the length of a full load.
    pub fn load_all(&self) -> Result<Snapshot> {
        self.load_matching(Select::All)
    }

    /// The dossiers a query finds (`summary::Query`: debtor name, customer number, invoice,
    /// id), read from the search index and their digests without reading any journal.
    pub fn find(&self, query: &Query) -> Result<Snapshot> {
        self.load_matching(Select::Query(query))
    }

    /// The `limit` most urgent dossiers by the urgency index (next action date under the built-in
    /// schedules, undated last), how many dossiers there are in all, and the user's drafts: what
    /// the TUI shows while the whole list loads behind it. `None` when the derived trees are not
    /// built (a database of an earlier version opened read-only): then only a full load can tell.
    pub fn load_most_urgent(&self, limit: usize) -> Result<Option<FirstScreen>> {
        // One open of the database for all three (each open is most of the first screen's cost).
        let s = self.load_selected_map(Select::MostUrgent(limit), &|d| d)?;
        Ok(s.tally.map(|t| FirstScreen {
            snapshot: s.mapped.into(),
            total: t.total(),
            drafts: s.drafts,
        }))
    }

    /// Every dossier, or those `query` finds. From the digests when they are built (one small
    /// record per dossier, no letter bodies); a dossier whose digest is missing or behind its
    /// journal, and every dossier of a database whose derived trees are not built yet (a
    /// colleague's database opened read-only), is read from its journal as before.
    fn load_matching(&self, select: Select) -> Result<Snapshot> {
        Ok(self.load_selected_map(select, &|d| d)?.mapped.into())
    }

    /// Every dossier as [`Store::load_all`] reads it, each passed through `f` on the decoding
    /// threads as soon as it is folded: what the TUI's whole list is built with, so that the
    /// decoded dossiers (with their events) are never all held at once beside the rows.
    ///
    /// A large database is read in slices of `StoreOptions::whole_load_slice` dossiers
    /// ([`crate::storage::options::WHOLE_LOAD_SLICE`] by default), one open of the
    /// database each, every slice decoded before the next is read: the raw records copied out
    /// under the lock (1.1 GB of digests at a million dossiers) are then never all held at once,
    /// and a colleague's write waits for one slice, not the whole read. The generation is the
    /// first slice's, so that what changed during the later ones is read again by the next poll.
    pub fn load_all_map<T: Send>(
        &self,
        f: impl Fn(LoadedDossier) -> T + Sync,
    ) -> Result<Mapped<T>> {
        let limit = self.opts.whole_load_slice.max(1);
        let mut out: Option<Mapped<T>> = None;
        let mut after = None;
        loop {
            let select = Select::Slice { after, limit };
            let Some(raw) = self.read_db(|db| self.read_raw(db, select))? else {
                // Derived records not built: one read of every journal.
                return self
                    .finish_selected(None, Select::All, &f)
                    .map(|s| s.mapped);
            };
            let next = match raw.rows.len() {
                n if n == limit => raw.rows.last().and_then(|(k, _, _)| dossier_of_key(k)),
                _ => None,
            };
            let s = self.finish_selected(Some(raw), select, &f)?.mapped;
            match &mut out {
                None => out = Some(s),
                Some(o) => {
                    o.items.extend(s.items);
                    o.problems.extend(s.problems);
                }
            }
            if next.is_none() {
                return Ok(out.unwrap_or_default());
            }
            after = next;
        }
    }

    /// [`Store::load_matching`], with the per-step counts read in the same open of the database
    /// (`None` when the derived trees are not built: then the first screen cannot be told apart
    /// from a full load, and `MostUrgent` reads nothing).
    fn load_selected_map<T: Send>(
        &self,
        select: Select,
        f: &(dyn Fn(LoadedDossier) -> T + Sync),
    ) -> Result<Selected<T>> {
        // Under the lock only raw records are copied out; decoding and folding happen after.
        let raw = self.read_db(|db| self.read_raw(db, select))?;
        self.finish_selected(raw, select, f)
    }

    /// The raw records `select` names, copied out of an open database (`None` when the derived
    /// trees are not built).
    fn read_raw(&self, db: &sled::Db, select: Select) -> Result<Option<RawDigests>> {
        if !self.derived_current(db)? {
            return Ok(None);
        }
        let [_, dossiers_t, _, meta_t, drafts_t] = self.trees(db)?;
        let [digests_t, index_t, urgency_t, search_t] = self.derived_trees(db)?;
        let sled = |e: sled::Error| self.sled_err(e);
        let mut out = RawDigests {
            generation: read_u64(&meta_t, KEY_GENERATION).unwrap_or(0),
            tally: meta_t
                .get(KEY_TALLY)
                .map_err(sled)?
                .and_then(|v| codec::decode(&v).ok()),
            ..RawDigests::default()
        };
        match select {
            Select::Query(q) => {
                // A damaged search block (doctor names it) must not hide a dossier: the
                // query then reads every index entry instead, as before the blocks.
                let found = match search_blocks(&search_t, q) {
                    Ok(ids) => ids,
                    Err(_) => {
                        let mut found = Vec::new();
                        for kv in index_t.iter() {
                            let (k, v) = kv.map_err(sled)?;
                            let Some(id) = dossier_of_key(&k) else {
                                continue;
                            };
                            if codec::decode::<IndexEntry>(&v)
                                .is_ok_and(|e| q.matches(&e.search, id))
                            {
                                found.push(id);
                            }
                        }
                        found
                    }
                };
                for id in found {
                    let key = dossier_key(id);
                    if let Some(rec) = dossiers_t.get(key).map_err(sled)? {
                        let digest = digests_t.get(key).map_err(sled)?;
                        out.rows.push((key.as_ref().into(), rec, digest));
                    }
                }
            }
            Select::MostUrgent(limit) => {
                out.drafts = self.drafts_in(&drafts_t)?;
                for k in urgency_t.iter().keys().take(limit) {
                    let k = k.map_err(sled)?;
                    let Some(id) = dossier_of_urgency_key(&k) else {
                        continue;
                    };
                    let key = dossier_key(id);
                    if let Some(rec) = dossiers_t.get(key).map_err(sled)? {
                        let digest = digests_t.get(key).map_err(sled)?;
                        out.rows.push((key.as_ref().into(), rec, digest));
                    }
                }
            }
            Select::All | Select::Slice { .. } => {
                let (from, limit) = match select {
                    Select::Slice { after, limit } => {
                        (after.map_or(0, |a| a.saturating_add(1)), limit)
                    }
                    _ => (0, usize::MAX),
                };
                let from = dossier_key(from);
                // Both trees are keyed by dossier id: one pass over each, merged.
                let mut digests = digests_t.range(from..).peekable();
                for kv in dossiers_t.range(from..).take(limit) {
                    let (k, rec) = kv.map_err(sled)?;
                    let mut digest = None;
                    while let Some(Ok((dk, _))) = digests.peek() {
                        if dk.as_ref() > k.as_ref() {
                            break;
                        }
                        let (dk, dv) = digests.next().and_then(|r| r.ok()).unzip();
                        if dk.as_deref() == Some(k.as_ref()) {
                            digest = dv;
                        }
                    }
                    out.rows.push((k, rec, digest));
                }
            }
        }
        Ok(Some(out))
    }

    /// Decodes and folds what [`Store::read_raw`] copied out, after the database is closed; a
    /// dossier whose digest is missing or behind is read from its journal.
    fn finish_selected<T: Send>(
        &self,
        raw: Option<RawDigests>,
        select: Select,
        f: &(dyn Fn(LoadedDossier) -> T + Sync),
    ) -> Result<Selected<T>> {
        let Some(mut raw) = raw else {
            if let Select::MostUrgent(_) = select {
                return Ok(Selected::default());
            }
            let snap = self.load_journals()?;
            let dossiers = snap.dossiers.into_iter().filter(|d| match select {
                Select::All | Select::Slice { .. } | Select::MostUrgent(_) => true,
                Select::Query(q) => q.matches(&search_text(&d.state, &d.debtor), d.state.id),
            });
            return Ok(Selected {
                mapped: Mapped {
                    items: dossiers.map(f).collect(),
                    problems: snap.problems,
                    generation: snap.generation,
                },
                ..Selected::default()
            });
        };
        let (tally, generation) = (raw.tally.clone(), raw.generation);
        let drafts = std::mem::take(&mut raw.drafts);
        let (mut items, behind) = raw.decode_map(f);
        let mut problems = Vec::new();
        if !behind.is_empty() {
            // A digest missing, undecodable or behind its journal (doctor names it): these
            // dossiers are read from their journals, which are the truth.
            self.read_db(|db| {
                let [debtors_t, _, journal_t, _, _] = self.trees(db)?;
                let debtors = read_debtors(&debtors_t);
                for id in &behind {
                    match load_one(&journal_t, &debtors, *id) {
                        Ok(d) => items.push((*id, f(d))),
                        Err(p) => problems.push(p),
                    }
                }
                Ok(())
            })?;
            items.sort_by_key(|(id, _)| *id);
        }
        Ok(Selected {
            mapped: Mapped {
                items: items.into_iter().map(|(_, t)| t).collect(),
                problems,
                generation,
            },
            tally,
            drafts,
        })
    }

    /// Every dossier from its journal (the path before digests, and their fallback).
    fn load_journals(&self) -> Result<Snapshot> {
        type Raw = Vec<(sled::IVec, sled::IVec)>;
        let (generation, debtors_raw, dossier_keys, journal_raw) =
            self.read_db(|db| -> Result<(u64, Raw, Vec<sled::IVec>, Raw)> {
                let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
                let all = |t: &sled::Tree| -> Result<Raw> {
                    t.iter()
                        .map(|kv| kv.map_err(|e| self.sled_err(e)))
                        .collect()
                };
                let keys = dossiers_t
                    .iter()
                    .keys()
                    .map(|k| k.map_err(|e| self.sled_err(e)))
                    .collect::<Result<Vec<_>>>()?;
                Ok((
                    read_u64(&meta_t, KEY_GENERATION).unwrap_or(0),
                    all(&debtors_t)?,
                    keys,
                    all(&journal_t)?,
                ))
            })?;
        let mut snap = Snapshot {
            generation,
            ..Snapshot::default()
        };
        let mut debtors: HashMap<DebtorId, Debtor> = HashMap::new();
        for (k, v) in &debtors_raw {
            match codec::decode::<Debtor>(v) {
                Ok(d) => {
                    debtors.insert(d.id, d);
                }
                Err(e) => snap.problems.push(RecordProblem {
                    key: describe_key(TREE_DEBTORS, k),
                    reason: e.to_string(),
                }),
            }
        }
        // Journal blocks are keyed by dossier then block number: decode them by dossier. The
        // first problem of a dossier's journal stands for it.
        let mut journals: HashMap<DossierId, std::result::Result<Vec<Event>, RecordProblem>> =
            HashMap::new();
        for (k, v) in &journal_raw {
            let entry = journals
                .entry(Block::dossier_of(k))
                .or_insert_with(|| Ok(Vec::new()));
            if let Ok(events) = entry {
                match Block::parse(k, v).and_then(|b| b.decode()) {
                    Ok(more) => events.extend(more),
                    Err(p) => *entry = Err(p),
                }
            }
        }
        for k in &dossier_keys {
            let Ok(id_bytes) = <[u8; 8]>::try_from(k.as_ref()) else {
                snap.problems.push(RecordProblem {
                    key: describe_key(TREE_DOSSIERS, k),
                    reason: "bad key".into(),
                });
                continue;
            };
            let id = u64::from_be_bytes(id_bytes);
            let journal = journals.remove(&id).unwrap_or(Ok(Vec::new()));
            match journal.and_then(|events| fold_one(&debtors, id, events)) {
                Ok(d) => snap.dossiers.push(d),
                Err(p) => snap.problems.push(p),
            }
        }
        Ok(snap)
    }

    /// Loads one dossier with its journal and debtor.
    pub fn load(&self, id: DossierId) -> Result<LoadedDossier> {
        self.read_db(|db| self.load_in(db, id))
    }

    /// Loads one dossier, then, in the same open of the database (each open is most of a
    /// command's time), the dossiers of the query `then` asks for on seeing it, if any: `show`
    /// asks for the debtor's other dossiers only when they could change the advice it gives.
    pub fn load_then_find(
        &self,
        id: DossierId,
        then: impl FnOnce(&LoadedDossier) -> Option<Query>,
    ) -> Result<(LoadedDossier, Option<Snapshot>)> {
        let (loaded, asked) = self.read_db(|db| self.load_then_raw(db, id, then))?;
        Ok((loaded, self.finish_asked(asked)?))
    }

    /// What a text query designates. When the search finds exactly one dossier, it is loaded
    /// with its journal (and what `then` asks for) in the same open of the database: `show
    /// ACME`, `log ACME payment …` cost one open, not two. Otherwise the dossiers found, from
    /// their digests, for the caller to refuse or choose among.
    pub fn designate<'a>(
        &self,
        query: &Query,
        then: impl FnOnce(&LoadedDossier) -> Option<Query> + 'a,
    ) -> Result<Designated<'a>> {
        let mut then = Some(then);
        let found = self.read_db(|db| {
            let Some(raw) = self.read_raw(db, Select::Query(query))? else {
                return Ok(Err(None));
            };
            let one = match raw.rows.as_slice() {
                [(key, ..)] => <[u8; 8]>::try_from(key.as_ref()).ok(),
                _ => None,
            };
            match (one.map(u64::from_be_bytes), then.take()) {
                (Some(id), Some(then)) => self.load_then_raw(db, id, then).map(Ok),
                _ => Ok(Err(Some(raw))),
            }
        })?;
        match found {
            Ok((loaded, asked)) => Ok(Designated::One(Box::new(loaded), self.finish_asked(asked)?)),
            Err(raw) => {
                let s = self.finish_selected(raw, Select::Query(query), &|d| d)?;
                Ok(Designated::Candidates(
                    s.mapped.into(),
                    then.map(|t| Box::new(t) as Then<'a>),
                ))
            }
        }
    }

    /// [`Store::load_in`], then the raw records of the query `then` asks for, if any.
    fn load_then_raw(
        &self,
        db: &sled::Db,
        id: DossierId,
        then: impl FnOnce(&LoadedDossier) -> Option<Query>,
    ) -> Result<(LoadedDossier, Option<Asked>)> {
        let loaded = self.load_in(db, id)?;
        let asked = match then(&loaded) {
            Some(q) => {
                let raw = self.read_raw(db, Select::Query(&q))?;
                Some((q, raw))
            }
            None => None,
        };
        Ok((loaded, asked))
    }

    fn finish_asked(&self, asked: Option<Asked>) -> Result<Option<Snapshot>> {
        let Some((q, raw)) = asked else {
            return Ok(None);
        };
        let s = self.finish_selected(raw, Select::Query(&q), &|d| d)?;
        Ok(Some(s.mapped.into()))
    }

    fn load_in(&self, db: &sled::Db, id: DossierId) -> Result<LoadedDossier> {
        let [debtors_t, dossiers_t, journal_t, _, _] = self.trees(db)?;
        if !dossiers_t
            .contains_key(dossier_key(id))
            .map_err(|e| self.sled_err(e))?
        {
            return Err(StoreError::UnknownDossier(id));
        }
        let mut debtors = HashMap::new();
        let events = blocks::read(&journal_t, id).map_err(|p| StoreError::Corrupt {
            key: p.key,
            reason: p.reason,
        })?;
        if let Some(EventKind::Created { debtor, .. }) = events.first().map(|e| &e.kind) {
            let key = debtor.to_be_bytes();
            if let Some(v) = debtors_t.get(key).map_err(|e| self.sled_err(e))? {
                let d: Debtor = codec::decode(&v).map_err(|e| corrupt(TREE_DEBTORS, &key, e))?;
                debtors.insert(d.id, d);
            }
        }
        fold_one(&debtors, id, events).map_err(|p| StoreError::Corrupt {
            key: p.key,
            reason: p.reason,
        })
    }

    /// Every debtor, for completion and matching.
    pub fn debtors(&self) -> Result<Vec<Debtor>> {
        self.read_db(|db| {
            let [debtors_t, ..] = self.trees(db)?;
            let mut out = Vec::new();
            for kv in debtors_t.iter() {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                out.push(codec::decode(&v).map_err(|e| corrupt(TREE_DEBTORS, &k, e))?);
            }
            Ok(out)
        })
    }

    /// Dossiers changed since `generation` (None when too old to tell: reload everything).
    pub fn changed_since(&self, generation: u64) -> Result<(u64, Option<Vec<DossierId>>)> {
        self.read_db(|db| {
            let [_, _, _, meta_t, _] = self.trees(db)?;
            let current = read_u64(&meta_t, KEY_GENERATION).unwrap_or(0);
            let changes: Vec<(u64, DossierId)> =
                match meta_t.get(KEY_CHANGES).map_err(|e| self.sled_err(e))? {
                    Some(v) => codec::decode(&v).map_err(|e| corrupt(TREE_META, KEY_CHANGES, e))?,
                    None => Vec::new(),
                };
            let oldest = changes.first().map(|c| c.0).unwrap_or(current + 1);
            if generation + 1 < oldest && generation < current {
                return Ok((current, None));
            }
            let mut ids: Vec<DossierId> = changes
                .iter()
                .filter(|(g, _)| *g > generation)
                .map(|(_, id)| *id)
                .collect();
            ids.sort_unstable();
            ids.dedup();
            Ok((current, Some(ids)))
        })
    }
}

/// The query a caller asked for on seeing a dossier, and its raw records.
type Asked = (Query, Option<RawDigests>);

/// What a caller asks for on seeing the dossier it designated ([`Store::designate`]).
pub type Then<'a> = Box<dyn FnOnce(&LoadedDossier) -> Option<Query> + 'a>;

/// What [`Store::designate`] found.
pub enum Designated<'a> {
    /// Exactly one dossier, with its journal, and the dossiers `then` asked for.
    One(Box<LoadedDossier>, Option<Snapshot>),
    /// None or several (or a database whose derived trees are not built), from their digests,
    /// with `then` when it was not used.
    Candidates(Snapshot, Option<Then<'a>>),
}

/// Which dossiers [`Store::load_matching`] reads.
#[derive(Clone, Copy)]
enum Select<'a> {
    All,
    /// Up to `limit` dossiers in id order, after `after` (from the first when `None`).
    Slice {
        after: Option<DossierId>,
        limit: usize,
    },
    Query(&'a Query),
    /// The first of the urgency index, in its order.
    MostUrgent(usize),
}

/// What `load_matching` copies out under the lock: per dossier its key, its record and its
/// digest if any.
#[derive(Default)]
struct RawDigests {
    generation: u64,
    tally: Option<Tally>,
    rows: Vec<(sled::IVec, sled::IVec, Option<sled::IVec>)>,
    /// The user's drafts, read for the first screen only.
    drafts: Vec<DossierId>,
}

/// What one read of the digests gives: the dossiers passed through the caller's function, the
/// per-step counts (`None` when the derived trees are not built) and, for the first screen, the
/// user's drafts.
struct Selected<T> {
    mapped: Mapped<T>,
    tally: Option<Tally>,
    drafts: Vec<DossierId>,
}

impl<T> Default for Selected<T> {
    fn default() -> Self {
        Selected {
            mapped: Mapped::default(),
            tally: None,
            drafts: Vec::new(),
        }
    }
}

impl RawDigests {
    /// Decoded and folded on every core (at 100 000 dossiers this is most of a full load), each
    /// dossier passed through `f` as soon as it is folded and its raw record dropped, so that a
    /// caller building rows never holds every decoded dossier, nor every raw record, beside them.
    /// Also returns the dossiers whose digest cannot be used.
    fn decode_map<T: Send>(
        self,
        f: &(dyn Fn(LoadedDossier) -> T + Sync),
    ) -> (Vec<(DossierId, T)>, Vec<DossierId>) {
        let workers = std::thread::available_parallelism().map_or(1, |n| n.get().min(4));
        let chunk = self.rows.len().div_ceil(workers).max(1);
        let mut rows = self.rows.into_iter();
        let mut owned = Vec::with_capacity(workers);
        loop {
            let part: Vec<_> = rows.by_ref().take(chunk).collect();
            if part.is_empty() {
                break;
            }
            owned.push(part);
        }
        let parts: Vec<Vec<std::result::Result<(DossierId, T), DossierId>>> =
            std::thread::scope(|s| {
                let handles: Vec<_> = owned
                    .into_iter()
                    .map(|part| {
                        s.spawn(move || {
                            part.into_iter()
                                .map(|(k, rec, digest)| {
                                    from_digest(&k, &rec, digest.as_deref())
                                        .map(|d| (d.state.id, f(d)))
                                })
                                .collect()
                        })
                    })
                    .collect();
                handles
                    .into_iter()
                    .map(|h| h.join().unwrap_or_else(|e| std::panic::resume_unwind(e)))
                    .collect()
            });
        let mut out = Vec::new();
        let mut behind = Vec::new();
        for r in parts.into_iter().flatten() {
            match r {
                Ok(d) => out.push(d),
                Err(id) => behind.push(id),
            }
        }
        (out, behind)
    }
}

/// A dossier from its digest, or its id when the digest is missing, undecodable or not of the
/// journal's length.
fn from_digest(
    k: &[u8],
    rec: &[u8],
    digest: Option<&[u8]>,
) -> std::result::Result<LoadedDossier, DossierId> {
    let id = dossier_of_key(k).unwrap_or(0);
    let len = codec::decode::<DossierRecord>(rec)
        .map_err(|_| id)?
        .journal_len;
    let digest: Digest = codec::decode(digest.ok_or(id)?).map_err(|_| id)?;
    if digest.journal_len() != len {
        return Err(id);
    }
    let state = digest.state(id).map_err(|_| id)?;
    Ok(LoadedDossier {
        events: digest.events,
        state,
        debtor: digest.debtor,
    })
}

pub(super) fn read_debtors(debtors_t: &sled::Tree) -> HashMap<DebtorId, Debtor> {
    debtors_t
        .iter()
        .values()
        .filter_map(|v| v.ok())
        .filter_map(|v| codec::decode::<Debtor>(&v).ok())
        .map(|d| (d.id, d))
        .collect()
}

pub(crate) fn load_one(
    journal: &sled::Tree,
    debtors: &HashMap<DebtorId, Debtor>,
    id: DossierId,
) -> std::result::Result<LoadedDossier, RecordProblem> {
    let events = blocks::read(journal, id)?;
    fold_one(debtors, id, events)
}

pub(crate) fn fold_one(
    debtors: &HashMap<DebtorId, Debtor>,
    id: DossierId,
    events: Vec<Event>,
) -> std::result::Result<LoadedDossier, RecordProblem> {
    let state = fold(id, &events).map_err(|e| RecordProblem {
        key: journal_name(id),
        reason: e.to_string(),
    })?;
    let debtor = debtors
        .get(&state.debtor)
        .cloned()
        .ok_or_else(|| RecordProblem {
            key: format!("{TREE_DEBTORS}/{}", state.debtor),
            reason: "missing debtor".into(),
        })?;
    Ok(LoadedDossier {
        events,
        state,
        debtor,
    })
}
