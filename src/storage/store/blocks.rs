//! How a dossier's journal lies in sled: its events in blocks of [`BLOCK_LEN`], one key per block
//! (the dossier id, then the block number, both big-endian so a prefix scan reads a dossier's
//! blocks in order). Each event inside keeps its own codec format byte.
//!
//! Why blocks: sled 0.34 splits a leaf past 16 keys and, at every open, reads and indexes its
//! whole page table, so its open time and memory grow with the number of keys, not of bytes. With
//! one key per event the journal held two thirds of all keys (1.2 million of 1.8 million at
//! 100 000 dossiers); in blocks it holds one key per dossier for all but the longest histories,
//! and sled's open of that database went from 128 ms to 56 ms (its snapshot from 4.9 to 2.0 MB).
//! A block is rewritten whole on append: a few KB for a normal history, bounded by `BLOCK_LEN`.

use sled::transaction::{ConflictableTransactionError, TransactionalTree};

use super::tx::Abort;
use crate::domain::event::Event;
use crate::domain::model::DossierId;
use crate::model::RecordProblem;
use crate::storage::codec;
pub use crate::storage::keys::BLOCK_LEN;
use crate::storage::keys::{describe_key, event_name, TREE_JOURNAL};

/// The key of the block holding event `seq` of dossier `id`.
pub fn block_key(id: DossierId, seq: u32) -> [u8; 12] {
    let mut k = [0u8; 12];
    k[..8].copy_from_slice(&id.to_be_bytes());
    k[8..].copy_from_slice(&(seq / BLOCK_LEN).to_be_bytes());
    k
}

/// One stored block, framed but not decoded: the dossier, and each event's place in the journal
/// (from the block number and its rank in the block) with its encoded bytes.
pub(crate) struct Block<'a> {
    pub id: DossierId,
    pub events: Vec<(u32, &'a [u8])>,
}

impl<'a> Block<'a> {
    /// A block as read from the tree; a bad key or framing is one problem naming the block.
    pub fn parse(key: &[u8], value: &'a [u8]) -> Result<Block<'a>, RecordProblem> {
        let problem = |reason: String| RecordProblem {
            key: describe_key(TREE_JOURNAL, key),
            reason,
        };
        let (id, block) = match key.len() {
            12 => (
                u64::from_be_bytes(key[..8].try_into().unwrap_or_default()),
                u32::from_be_bytes(key[8..].try_into().unwrap_or_default()),
            ),
            _ => return Err(problem("bad key".into())),
        };
        let records = codec::split_block(value).map_err(|e| problem(e.to_string()))?;
        let first = block.saturating_mul(BLOCK_LEN);
        Ok(Block {
            id,
            events: (first..).zip(records).collect(),
        })
    }

    /// The block's events decoded, in order; the first that does not decode is the problem.
    pub fn decode(&self) -> Result<Vec<Event>, RecordProblem> {
        self.events
            .iter()
            .map(|&(seq, bytes)| decode_event(self.id, seq, bytes))
            .collect()
    }

    /// The block's dossier id, or 0 for a key too short to hold one (reported by `parse`).
    pub fn dossier_of(key: &[u8]) -> DossierId {
        key.get(..8)
            .and_then(|b| <[u8; 8]>::try_from(b).ok())
            .map_or(0, u64::from_be_bytes)
    }
}

/// Decodes one event found at place `seq` of dossier `id`'s journal.
pub(crate) fn decode_event(id: DossierId, seq: u32, bytes: &[u8]) -> Result<Event, RecordProblem> {
    codec::decode::<Event>(bytes).map_err(|e| RecordProblem {
        key: event_name(id, seq),
        reason: e.to_string(),
    })
}

/// Dossier `id`'s events, in order.
pub(crate) fn read(journal: &sled::Tree, id: DossierId) -> Result<Vec<Event>, RecordProblem> {
    let mut events = Vec::new();
    for kv in journal.scan_prefix(id.to_be_bytes()) {
        let (k, v) = kv.map_err(|e| RecordProblem {
            key: crate::storage::keys::journal_name(id),
            reason: e.to_string(),
        })?;
        events.extend(Block::parse(&k, &v)?.decode()?);
    }
    Ok(events)
}

type TxResult<T> = Result<T, ConflictableTransactionError<Abort>>;

/// Appends `events` (consecutive, from the journal's current length) to dossier `id`'s journal
/// inside the caller's transaction. The journal is the source of truth: if an event already
/// stands where the first one would go (the summary record lags behind the journal), nothing is
/// written and the transaction aborts with `Behind`.
pub(crate) fn append(journal: &TransactionalTree, id: DossierId, events: &[Event]) -> TxResult<()> {
    let abort = ConflictableTransactionError::Abort;
    let mut i = 0;
    while i < events.len() {
        let seq = events[i].seq;
        let key = block_key(id, seq);
        let old = journal.get(key)?;
        let mut records: Vec<Vec<u8>> = match &old {
            Some(v) => codec::split_block(v)
                .map_err(|e| abort(Abort::Codec(describe_key(TREE_JOURNAL, &key), e)))?
                .into_iter()
                .map(<[u8]>::to_vec)
                .collect(),
            None => Vec::new(),
        };
        if records.len() as u32 != seq % BLOCK_LEN {
            return Err(abort(Abort::Behind(id)));
        }
        while i < events.len() && block_key(id, events[i].seq) == key {
            let bytes = codec::encode(&events[i])
                .map_err(|e| abort(Abort::Codec(event_name(id, events[i].seq), e)))?;
            records.push(bytes);
            i += 1;
        }
        journal.insert(&key, codec::join_block(records.iter().map(Vec::as_slice)))?;
    }
    Ok(())
}

/// Aborts with `Behind` unless dossier `id`'s journal ends at `len` events: the check a write
/// makes before anything else, since a summary record that lags behind its journal must never
/// let a write overwrite history (doctor --repair fixes the record).
pub(crate) fn check_len(journal: &TransactionalTree, id: DossierId, len: u32) -> TxResult<()> {
    let stored = match journal.get(block_key(id, len))? {
        Some(v) => codec::split_block(&v).map_or(u32::MAX, |r| r.len() as u32),
        None => 0,
    };
    let next_block = journal.get(block_key(id, (len / BLOCK_LEN + 1) * BLOCK_LEN))?;
    if stored != len % BLOCK_LEN || next_block.is_some() {
        return Err(ConflictableTransactionError::Abort(Abort::Behind(id)));
    }
    Ok(())
}

/// The first `len` events of dossier `id` inside a transaction, or `None` if any is missing or
/// does not decode (the caller then derives nothing, as for any damaged journal).
pub(crate) fn read_in(
    journal: &TransactionalTree,
    id: DossierId,
    len: u32,
) -> TxResult<Option<Vec<Event>>> {
    let mut events = Vec::with_capacity(len as usize);
    let mut seq = 0;
    while seq < len {
        let Some(v) = journal.get(block_key(id, seq))? else {
            return Ok(None);
        };
        let Ok(records) = codec::split_block(&v) else {
            return Ok(None);
        };
        if records.is_empty() {
            return Ok(None);
        }
        for bytes in records {
            if seq >= len {
                break;
            }
            match codec::decode::<Event>(bytes) {
                Ok(e) => events.push(e),
                Err(_) => return Ok(None),
            }
            seq += 1;
        }
    }
    Ok(Some(events))
}

/// Packs encoded events, sorted by dossier then place, into block keys and values: for writes
/// outside a transaction (a restore, a rebuild, the migration). Events are placed by rank, so a
/// journal with a hole keeps its hole visible to `doctor` as an event out of place.
pub(crate) fn pack<B: AsRef<[u8]>>(
    events: impl IntoIterator<Item = (DossierId, B)>,
) -> Vec<([u8; 12], Vec<u8>)> {
    let mut out = Vec::new();
    let mut current: Option<(DossierId, u32, Vec<B>)> = None;
    let mut flush = |c: Option<(DossierId, u32, Vec<B>)>| {
        if let Some((id, rank, records)) = c {
            let first = rank - records.len() as u32;
            out.push((
                block_key(id, first),
                codec::join_block(records.iter().map(AsRef::as_ref)),
            ));
        }
    };
    for (id, bytes) in events {
        match &mut current {
            Some((cid, rank, records)) if *cid == id && *rank % BLOCK_LEN != 0 => {
                records.push(bytes);
                *rank += 1;
            }
            Some((cid, rank, _)) if *cid == id => {
                let next = *rank;
                flush(current.take());
                current = Some((id, next + 1, vec![bytes]));
            }
            _ => {
                flush(current.take());
                current = Some((id, 1, vec![bytes]));
            }
        }
    }
    flush(current.take());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn pack_fills_blocks_in_order_and_starts_a_new_one_per_dossier_and_every_block_len() {
        let mut events: Vec<(DossierId, Vec<u8>)> = Vec::new();
        for seq in 0..(BLOCK_LEN + 3) {
            events.push((7, vec![seq as u8]));
        }
        events.push((9, vec![200]));
        let blocks = pack(events);
        assert_eq!(blocks.len(), 3);
        assert_eq!(blocks[0].0, block_key(7, 0));
        assert_eq!(blocks[1].0, block_key(7, BLOCK_LEN));
        assert_eq!(blocks[2].0, block_key(9, 0));
        let second = Block::parse(&blocks[1].0, &blocks[1].1).unwrap();
        assert_eq!(second.id, 7);
        assert_eq!(
            second.events,
            vec![
                (BLOCK_LEN, &[BLOCK_LEN as u8][..]),
                (BLOCK_LEN + 1, &[BLOCK_LEN as u8 + 1][..]),
                (BLOCK_LEN + 2, &[BLOCK_LEN as u8 + 2][..]),
            ]
        );
        assert_eq!(
            Block::parse(&blocks[0].0, &blocks[0].1)
                .unwrap()
                .events
                .len(),
            32
        );
    }

    #[test]
    fn a_damaged_block_is_named_by_its_first_event() {
        let p = Block::parse(&block_key(4, 40), &[1, 9, 0, 0, 0, 1])
            .err()
            .unwrap();
        assert_eq!(p.key, format!("journal/4#{}…", BLOCK_LEN));
    }
}
