//! Building and checking what is derived from the journal (`storage::derived`): on the first
//! open of a database made before the derived trees existed, after a rebuild from the journal
//! copy, and for `doctor`, which compares them with what the journal folds to.

use std::collections::{BTreeMap, HashMap};

use super::blocks;
use super::handle::Store;
use super::read::read_debtors;
use crate::domain::digest::{Tally, DIGEST_FORMAT};
use crate::domain::event::EventKind;
use crate::domain::model::{Debtor, DebtorId, DossierId};
use crate::i18n::tf;
use crate::storage::codec;
use crate::storage::derived::{
    search_key, urgency_key, Derived, IndexEntry, SearchBlock, KEY_DIGEST_FORMAT, KEY_TALLY,
    SEARCH_BLOCK, TREE_DIGESTS, TREE_INDEX, TREE_SEARCH, TREE_URGENCY,
};
use crate::storage::error::{Result, StoreError};
use crate::storage::keys::TREE_META;

/// How many dossiers go into one sled batch while building: bounded memory at any size.
const BUILD_BATCH: usize = 2_000;

/// A difference between the derived trees and the journal, as `doctor` words it.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct DerivedDifference {
    pub key: String,
    pub what: String,
}

impl Store {
    pub(crate) fn derived_trees(&self, db: &sled::Db) -> Result<[sled::Tree; 4]> {
        let t = |name| db.open_tree(name).map_err(|e| self.sled_err(e));
        Ok([
            t(TREE_DIGESTS)?,
            t(TREE_INDEX)?,
            t(TREE_URGENCY)?,
            t(TREE_SEARCH)?,
        ])
    }

    /// Whether the derived trees were built by this format: otherwise reads go to the journal.
    /// Trees of a newer format are refused, as a newer schema is: rebuilding them in this older
    /// format would have the newer program rebuild them back at its next command, and each
    /// rebuild reads every journal (10 s a command at 100 000 dossiers, two versions taking
    /// turns during an upgrade on a shared server).
    pub(crate) fn derived_current(&self, db: &sled::Db) -> Result<bool> {
        let meta = db.open_tree(TREE_META).map_err(|e| self.sled_err(e))?;
        let format = meta
            .get(KEY_DIGEST_FORMAT)
            .map_err(|e| self.sled_err(e))?
            .and_then(|v| codec::decode::<u32>(&v).ok());
        match format {
            Some(f) if f > DIGEST_FORMAT => Err(StoreError::NewerSchema {
                path: self.path.clone(),
                version: f,
            }),
            f => Ok(f == Some(DIGEST_FORMAT)),
        }
    }

    /// Builds the derived trees when they are missing or of an older format: the migration of a
    /// database made by an earlier version, run once by the first command that may write. The
    /// journal is only read; the day's backup of the journal copy is taken first all the same.
    pub(crate) fn ensure_derived(&self, db: &sled::Db) -> Result<()> {
        if self.derived_current(db)? {
            return Ok(());
        }
        self.backup_before_migration();
        self.build_derived(db)?;
        Ok(())
    }

    /// Rebuilds every derived tree from the journal, in batches. A dossier whose journal does not
    /// decode or fold gets no digest: reads fall back to its journal and report it, as before.
    pub(crate) fn build_derived(&self, db: &sled::Db) -> Result<usize> {
        let sled = |e: sled::Error| self.sled_err(e);
        let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
        let [digests_t, index_t, urgency_t, search_t] = self.derived_trees(db)?;
        let debtors = read_debtors(&debtors_t);
        let mut tally = Tally::default();
        let mut search = SearchBlocks::default();
        let mut built = 0;
        let ids: std::collections::BTreeSet<DossierId> = dossiers_t
            .iter()
            .keys()
            .filter_map(|k| k.ok())
            .filter_map(|k| Some(u64::from_be_bytes(k.as_ref().try_into().ok()?)))
            .collect();
        // Entries of dossiers that no longer exist go; the urgency set is rebuilt whole.
        for t in [&digests_t, &index_t] {
            for k in t.iter().keys().filter_map(|k| k.ok()) {
                let id = <[u8; 8]>::try_from(k.as_ref()).map(u64::from_be_bytes);
                if !id.is_ok_and(|id| ids.contains(&id)) {
                    t.remove(&k).map_err(sled)?;
                }
            }
        }
        urgency_t.clear().map_err(sled)?;
        search_t.clear().map_err(sled)?;
        let ids: Vec<DossierId> = ids.into_iter().collect();
        for chunk in ids.chunks(BUILD_BATCH) {
            let mut digests = sled::Batch::default();
            let mut index = sled::Batch::default();
            let mut urgency = sled::Batch::default();
            for &id in chunk {
                match derive_one(&journal_t, &debtors, id) {
                    Some(d) => {
                        stage(&mut digests, &mut index, &mut urgency, id, &d)?;
                        tally.add(d.entry.step);
                        search.add(id, d.entry.search);
                        built += 1;
                    }
                    // A damaged journal: what was derived before the damage stays.
                    None => {
                        if let Some(e) = self.stored_entry(&index_t, id)? {
                            urgency.insert(&urgency_key(e.urgency, id)[..], &[][..]);
                            tally.add(e.step);
                            search.add(id, e.search);
                        }
                    }
                }
            }
            digests_t.apply_batch(digests).map_err(sled)?;
            index_t.apply_batch(index).map_err(sled)?;
            urgency_t.apply_batch(urgency).map_err(sled)?;
        }
        let mut blocks = sled::Batch::default();
        for (k, block) in search.0 {
            blocks.insert(&k[..], encode("search", &block)?);
        }
        search_t.apply_batch(blocks).map_err(sled)?;
        meta_t
            .insert(KEY_TALLY, encode("tally", &tally)?)
            .map_err(sled)?;
        meta_t
            .insert(KEY_DIGEST_FORMAT, encode("digest_format", &DIGEST_FORMAT)?)
            .map_err(sled)?;
        db.flush().map_err(sled)?;
        Ok(built)
    }

    /// Every difference between the derived trees and what the journal folds to (empty when they
    /// agree). Read under the lock like any read.
    pub fn check_derived(&self) -> Result<Vec<DerivedDifference>> {
        self.read_db(|db| self.derived_differences(db))
    }

    pub(crate) fn derived_differences(&self, db: &sled::Db) -> Result<Vec<DerivedDifference>> {
        {
            let mut out = Vec::new();
            if !self.derived_current(db)? {
                out.push(DerivedDifference {
                    key: format!("{TREE_META}/digest_format"),
                    what: tf("doctor.derived.not_built", &[("format", &DIGEST_FORMAT)]),
                });
                return Ok(out);
            }
            let [debtors_t, dossiers_t, journal_t, meta_t, _] = self.trees(db)?;
            let [digests_t, index_t, urgency_t, search_t] = self.derived_trees(db)?;
            let debtors = read_debtors(&debtors_t);
            let mut tally = Tally::default();
            let mut search = SearchBlocks::default();
            let mut expected_urgency = std::collections::BTreeSet::new();
            let mut seen = std::collections::HashSet::new();
            for k in dossiers_t.iter().keys() {
                let k = k.map_err(|e| self.sled_err(e))?;
                let Ok(bytes) = <[u8; 8]>::try_from(k.as_ref()) else {
                    continue;
                };
                let id = u64::from_be_bytes(bytes);
                seen.insert(id);
                let Some(want) = derive_one(&journal_t, &debtors, id) else {
                    // A damaged journal (doctor names it): what is stored is what is expected.
                    if let Some(e) = self.stored_entry(&index_t, id)? {
                        tally.add(e.step);
                        expected_urgency.insert(urgency_key(e.urgency, id));
                        search.add(id, e.search);
                    }
                    continue;
                };
                tally.add(want.entry.step);
                search.add(id, want.entry.search.clone());
                expected_urgency.insert(urgency_key(want.entry.urgency, id));
                let key = id.to_be_bytes();
                let digest = digests_t.get(key).map_err(|e| self.sled_err(e))?;
                if digest.as_deref() != Some(&encode("digest", &want.digest)?[..]) {
                    out.push(diff(TREE_DIGESTS, id, "doctor.derived.digest"));
                }
                if self.stored_entry(&index_t, id)?.as_ref() != Some(&want.entry) {
                    out.push(diff(TREE_INDEX, id, "doctor.derived.index"));
                }
            }
            for t in [&digests_t, &index_t] {
                for k in t.iter().keys() {
                    let k = k.map_err(|e| self.sled_err(e))?;
                    let id = <[u8; 8]>::try_from(k.as_ref()).map(u64::from_be_bytes);
                    if id.is_ok_and(|id| !seen.contains(&id)) {
                        out.push(diff(
                            &String::from_utf8_lossy(&t.name()),
                            id.unwrap_or(0),
                            "doctor.derived.orphan",
                        ));
                    }
                }
            }
            let stored: std::collections::BTreeSet<Vec<u8>> = urgency_t
                .iter()
                .keys()
                .filter_map(|k| k.ok())
                .map(|k| k.to_vec())
                .collect();
            let want: std::collections::BTreeSet<Vec<u8>> =
                expected_urgency.iter().map(|k| k.to_vec()).collect();
            if stored != want {
                out.push(DerivedDifference {
                    key: TREE_URGENCY.into(),
                    what: tf(
                        "doctor.derived.urgency",
                        &[
                            ("missing", &want.difference(&stored).count()),
                            ("extra", &stored.difference(&want).count()),
                        ],
                    ),
                });
            }
            let mut stored_search = BTreeMap::new();
            for kv in search_t.iter() {
                let (k, v) = kv.map_err(|e| self.sled_err(e))?;
                stored_search.insert(k.to_vec(), v.to_vec());
            }
            for (k, block) in search.0 {
                let block = encode("search", &block)?;
                if stored_search.remove(&k[..]) != Some(block) {
                    out.push(search_diff(&k));
                }
            }
            for k in stored_search.keys() {
                out.push(search_diff(k));
            }
            let stored_tally: Option<Tally> = meta_t
                .get(KEY_TALLY)
                .map_err(|e| self.sled_err(e))?
                .and_then(|v| codec::decode(&v).ok());
            if stored_tally.as_ref() != Some(&tally) {
                out.push(DerivedDifference {
                    key: format!("{TREE_META}/tally"),
                    what: tf(
                        "doctor.derived.tally",
                        &[
                            ("stored", &stored_tally.map_or(0, |t| t.total())),
                            ("journal", &tally.total()),
                        ],
                    ),
                });
            }
            Ok(out)
        }
    }

    /// The index entry stored for `id`; `None` when missing or undecodable (the check says so).
    fn stored_entry(&self, index_t: &sled::Tree, id: DossierId) -> Result<Option<IndexEntry>> {
        Ok(index_t
            .get(id.to_be_bytes())
            .map_err(|e| self.sled_err(e))?
            .and_then(|v| codec::decode(&v).ok()))
    }

    /// `doctor --repair`: the derived trees rebuilt from the journal. Returns how many dossiers.
    pub fn rebuild_derived(&self) -> Result<usize> {
        self.with_db(false, |db| self.build_derived(db))
    }

    /// The per-step counts kept with every write (no scan); `None` on a database whose derived
    /// trees are not built (one that only its owner may write, never opened by them since).
    pub fn tally(&self) -> Result<Option<Tally>> {
        self.read_db(|db| {
            if !self.derived_current(db)? {
                return Ok(None);
            }
            let meta = db.open_tree(TREE_META).map_err(|e| self.sled_err(e))?;
            Ok(meta
                .get(KEY_TALLY)
                .map_err(|e| self.sled_err(e))?
                .and_then(|v| codec::decode(&v).ok()))
        })
    }
}

fn encode<T: serde::Serialize>(what: &str, v: &T) -> Result<Vec<u8>> {
    codec::encode(v).map_err(|e| StoreError::Corrupt {
        key: what.into(),
        reason: e.to_string(),
    })
}

fn diff(tree: &str, id: DossierId, key: &str) -> DerivedDifference {
    DerivedDifference {
        key: format!("{tree}/{id}"),
        what: crate::i18n::t(key).to_string(),
    }
}

/// The search blocks a build or a check expects, filled in dossier order.
#[derive(Default)]
struct SearchBlocks(BTreeMap<[u8; 8], SearchBlock>);

impl SearchBlocks {
    fn add(&mut self, id: DossierId, text: String) {
        self.0.entry(search_key(id)).or_default().push(id, &text);
    }
}

fn search_diff(key: &[u8]) -> DerivedDifference {
    let block = <[u8; 8]>::try_from(key).map_or(0, u64::from_be_bytes);
    let first = block.saturating_mul(SEARCH_BLOCK);
    DerivedDifference {
        key: format!(
            "{TREE_SEARCH}/{first}…{}",
            first.saturating_add(SEARCH_BLOCK - 1)
        ),
        what: crate::i18n::t("doctor.derived.index").to_string(),
    }
}

fn stage(
    digests: &mut sled::Batch,
    index: &mut sled::Batch,
    urgency: &mut sled::Batch,
    id: DossierId,
    d: &Derived,
) -> Result<()> {
    let key = id.to_be_bytes();
    digests.insert(&key[..], encode("digest", &d.digest)?);
    index.insert(&key[..], encode("index", &d.entry)?);
    urgency.insert(&urgency_key(d.entry.urgency, id)[..], &[][..]);
    Ok(())
}

/// What the journal of `id` derives to, or `None` when it cannot be read (the loads report it).
fn derive_one(
    journal_t: &sled::Tree,
    debtors: &HashMap<DebtorId, Debtor>,
    id: DossierId,
) -> Option<Derived> {
    let events = blocks::read(journal_t, id).ok()?;
    // A journal with a hole is the truth all the same, but no digest is derived from it: the
    // digest written before the damage keeps what the hole lost (doctor names the hole).
    if events.iter().enumerate().any(|(i, e)| e.seq != i as u32) {
        return None;
    }
    let EventKind::Created { debtor, .. } = &events.first()?.kind else {
        return None;
    };
    Derived::of_journal(id, debtors.get(debtor)?, &events).ok()
}
