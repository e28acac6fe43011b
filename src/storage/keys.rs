//! The layout of the database: tree names, meta keys, and how records are keyed.

use serde::{Deserialize, Serialize};

use crate::domain::model::{DebtorId, DossierId};

/// Schema of the trees and keys; bumped when their meaning changes.
/// 1: one journal key per event (`TREE_JOURNAL_V1`); 2: journal events in blocks
/// (`TREE_JOURNAL`, see `store::blocks`), migrated on first open.
pub const SCHEMA_VERSION: u32 = 2;

pub(crate) const TREE_DEBTORS: &str = "debtors";
pub(crate) const TREE_DOSSIERS: &str = "dossiers";
/// The journal since schema 2: a dossier's events in blocks of `store::blocks::BLOCK_LEN`.
pub(crate) const TREE_JOURNAL: &str = "journal_blocks";
/// Events per journal block: most histories fit in one; a long one grows by a block, never
/// rewrites more.
pub const BLOCK_LEN: u32 = 32;
/// Schema 1's journal, one key per event: read once, by the migration.
pub(crate) const TREE_JOURNAL_V1: &str = "journal";
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

/// The dossier a key of a per-dossier tree names (`None` for a malformed key).
pub(crate) fn dossier_of_key(k: &[u8]) -> Option<DossierId> {
    <[u8; 8]>::try_from(k).ok().map(u64::from_be_bytes)
}

/// How messages name a dossier's journal and one of its events, whatever the layout on disk.
pub(crate) fn journal_name(id: DossierId) -> String {
    format!("journal/{id}")
}

pub(crate) fn event_name(id: DossierId, seq: u32) -> String {
    format!("journal/{id}#{seq}")
}

pub(crate) fn describe_key(tree: &str, key: &[u8]) -> String {
    match (tree, key.len()) {
        (TREE_JOURNAL_V1, 12) => {
            let id = u64::from_be_bytes(key[..8].try_into().unwrap_or_default());
            let seq = u32::from_be_bytes(key[8..].try_into().unwrap_or_default());
            event_name(id, seq)
        }
        (TREE_JOURNAL, 12) => {
            let id = u64::from_be_bytes(key[..8].try_into().unwrap_or_default());
            let block = u32::from_be_bytes(key[8..].try_into().unwrap_or_default());
            format!("journal/{id}#{}…", block.saturating_mul(BLOCK_LEN))
        }
        (_, 8) => format!(
            "{tree}/{}",
            u64::from_be_bytes(key.try_into().unwrap_or_default())
        ),
        _ => format!("{tree}/{}", String::from_utf8_lossy(key)),
    }
}
