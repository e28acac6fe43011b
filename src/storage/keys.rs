//! The layout of the database: tree names, meta keys, and how records are keyed.

use serde::{Deserialize, Serialize};

use crate::domain::model::{DebtorId, DossierId};

/// Schema of the trees and keys; bumped when their meaning changes.
pub const SCHEMA_VERSION: u32 = 1;

pub(crate) const TREE_DEBTORS: &str = "debtors";
pub(crate) const TREE_DOSSIERS: &str = "dossiers";
pub(crate) const TREE_JOURNAL: &str = "journal";
pub(crate) const TREE_META: &str = "meta";
pub(crate) const TREE_DRAFTS: &str = "drafts";
pub(crate) const KEY_SCHEMA: &[u8] = b"schema_version";
pub(crate) const KEY_NEXT_DOSSIER: &[u8] = b"next_dossier_id";
pub(crate) const KEY_NEXT_DEBTOR: &[u8] = b"next_debtor_id";
pub(crate) const KEY_GENERATION: &[u8] = b"generation";
pub(crate) const KEY_CHANGES: &[u8] = b"recent_changes";

/// Derived summary of a dossier, kept in the `dossiers` tree; the journal is the source of truth.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct DossierRecord {
    pub id: DossierId,
    pub debtor: DebtorId,
    pub journal_len: u32,
}

pub(crate) fn dossier_key(id: DossierId) -> [u8; 8] {
    id.to_be_bytes()
}

pub(crate) fn journal_key(id: DossierId, seq: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&id.to_be_bytes());
    k[8..].copy_from_slice(&seq.to_be_bytes());
    k
}

pub(crate) fn describe_key(tree: &str, key: &[u8]) -> String {
    match (tree, key.len()) {
        (TREE_JOURNAL, 12) => {
            let id = u64::from_be_bytes(key[..8].try_into().unwrap_or_default());
            let seq = u32::from_be_bytes(key[8..].try_into().unwrap_or_default());
            format!("{tree}/{id}#{seq}")
        }
        (_, 8) => format!(
            "{tree}/{}",
            u64::from_be_bytes(key.try_into().unwrap_or_default())
        ),
        _ => format!("{tree}/{}", String::from_utf8_lossy(key)),
    }
}
