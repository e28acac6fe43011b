//! Letters being written: one draft per dossier and user, outside the journal.

use super::handle::Store;
use crate::domain::model::DossierId;
use crate::model::Draft;
use crate::storage::codec;
use crate::storage::error::{corrupt, Result};
use crate::storage::keys::TREE_DRAFTS;

pub(super) fn draft_key(dossier: DossierId, user: &str) -> Vec<u8> {
    let mut k = dossier.to_be_bytes().to_vec();
    k.extend_from_slice(user.as_bytes());
    k
}

impl Store {
    /// Saves (replaces) the user's draft letter for a dossier. Drafts are not journal events:
    /// they are work in progress, kept so a dropped connection loses at most a few seconds.
    pub fn save_draft(&self, draft: &Draft) -> Result<()> {
        self.with_db(false, |db| {
            let [.., drafts] = self.trees(db)?;
            let key = draft_key(draft.dossier, &draft.user);
            let bytes = codec::encode(draft).map_err(|e| corrupt(TREE_DRAFTS, &key, e))?;
            drafts.insert(key, bytes).map_err(|e| self.sled_err(e))?;
            Ok(())
        })
    }

    /// The current user's draft for a dossier, if any.
    pub fn load_draft(&self, dossier: DossierId) -> Result<Option<Draft>> {
        self.read_db(|db| {
            let [.., drafts] = self.trees(db)?;
            let key = draft_key(dossier, &self.opts.user);
            match drafts.get(&key).map_err(|e| self.sled_err(e))? {
                Some(v) => Ok(Some(
                    codec::decode(&v).map_err(|e| corrupt(TREE_DRAFTS, &key, e))?,
                )),
                None => Ok(None),
            }
        })
    }

    /// Dossiers for which the current user has a draft waiting (for the list and detail).
    pub fn draft_dossiers(&self) -> Result<Vec<DossierId>> {
        self.read_db(|db| {
            let [.., drafts] = self.trees(db)?;
            self.drafts_in(&drafts)
        })
    }

    /// The dossiers with a draft of the current user, in an open database.
    pub(super) fn drafts_in(&self, drafts: &sled::Tree) -> Result<Vec<DossierId>> {
        let mut out = Vec::new();
        for kv in drafts.iter() {
            let (k, _) = kv.map_err(|e| self.sled_err(e))?;
            if k.len() > 8 && &k[8..] == self.opts.user.as_bytes() {
                let mut id = [0u8; 8];
                id.copy_from_slice(&k[..8]);
                out.push(DossierId::from_be_bytes(id));
            }
        }
        Ok(out)
    }

    pub fn delete_draft(&self, dossier: DossierId) -> Result<()> {
        self.with_db(false, |db| {
            let [.., drafts] = self.trees(db)?;
            drafts
                .remove(draft_key(dossier, &self.opts.user))
                .map_err(|e| self.sled_err(e))?;
            Ok(())
        })
    }
}
