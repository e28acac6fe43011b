//! Helpers for the sled transactions of the store and of `doctor`: why one aborts, the id
//! counters and the generation number they advance.

use sled::transaction::{ConflictableTransactionError, TransactionError};

use super::handle::Store;
use crate::domain::model::DossierId;
use crate::storage::codec::{self, CodecError};
use crate::storage::error::{Result, StoreError};
use crate::storage::keys::{describe_key, KEY_CHANGES, KEY_GENERATION, TREE_META};

/// How many (generation, dossier) pairs are kept for live refresh.
const RECENT_CHANGES: usize = 512;

/// Abort reason inside a transaction.
pub(crate) enum Abort {
    Stale {
        expected: u32,
        actual: u32,
    },
    Unknown(DossierId),
    Behind(DossierId),
    Codec(String, CodecError),
    /// The database changed since an import was planned.
    Moved,
}

impl Store {
    pub(crate) fn map_tx<T>(
        &self,
        res: std::result::Result<T, TransactionError<Abort>>,
    ) -> Result<T> {
        match res {
            Ok(v) => Ok(v),
            Err(TransactionError::Abort(Abort::Unknown(id))) => Err(StoreError::UnknownDossier(id)),
            Err(TransactionError::Abort(Abort::Behind(id))) => Err(StoreError::RecordBehind(id)),
            Err(TransactionError::Abort(Abort::Codec(key, e))) => Err(StoreError::Corrupt {
                key,
                reason: e.to_string(),
            }),
            Err(TransactionError::Abort(Abort::Stale { expected, .. })) => Err(StoreError::Stale {
                id: 0,
                expected,
                newer: vec![],
            }),
            Err(TransactionError::Abort(Abort::Moved)) => Err(StoreError::Moved),
            Err(TransactionError::Storage(e)) => Err(self.sled_err(e)),
        }
    }
}

/// Lets the transaction closure encode values of different types through one helper.
pub(crate) mod erased {
    use crate::storage::codec::{self, CodecError};
    pub trait Enc {
        fn enc(&self) -> Result<Vec<u8>, CodecError>;
    }
    impl<T: serde::Serialize> Enc for T {
        fn enc(&self) -> Result<Vec<u8>, CodecError> {
            codec::encode(self)
        }
    }
}

/// Takes the next id from the counter at `k` (ids start at 1) and advances the counter, inside
/// the caller's transaction.
pub(super) fn next_id(
    meta: &sled::transaction::TransactionalTree,
    k: &[u8],
) -> std::result::Result<u64, ConflictableTransactionError<Abort>> {
    let cur = match meta.get(k)? {
        Some(v) => codec::decode::<u64>(&v).map_err(|e| {
            ConflictableTransactionError::Abort(Abort::Codec(describe_key(TREE_META, k), e))
        })?,
        None => 1,
    };
    let bytes = codec::encode(&(cur + 1)).map_err(|e| {
        ConflictableTransactionError::Abort(Abort::Codec(describe_key(TREE_META, k), e))
    })?;
    meta.insert(k, bytes)?;
    Ok(cur)
}

pub(crate) fn bump_generation(
    meta: &sled::transaction::TransactionalTree,
    id: DossierId,
) -> std::result::Result<u64, ConflictableTransactionError<Abort>> {
    let abort = |k: &[u8], e| {
        ConflictableTransactionError::Abort(Abort::Codec(describe_key(TREE_META, k), e))
    };
    let current = match meta.get(KEY_GENERATION)? {
        Some(v) => codec::decode::<u64>(&v).map_err(|e| abort(KEY_GENERATION, e))?,
        None => 0,
    };
    let generation = current + 1;
    meta.insert(
        KEY_GENERATION,
        codec::encode(&generation).map_err(|e| abort(KEY_GENERATION, e))?,
    )?;
    let mut changes: Vec<(u64, DossierId)> = match meta.get(KEY_CHANGES)? {
        Some(v) => codec::decode(&v).unwrap_or_default(),
        None => Vec::new(),
    };
    changes.push((generation, id));
    if changes.len() > RECENT_CHANGES {
        let cut = changes.len() - RECENT_CHANGES;
        changes.drain(..cut);
    }
    meta.insert(
        KEY_CHANGES,
        codec::encode(&changes).map_err(|e| abort(KEY_CHANGES, e))?,
    )?;
    Ok(generation)
}
