//! How a store behaves: lock patience, cache size, who writes.

use std::time::Duration;

/// Dossiers per slice of a whole load (`Store::load_all_map`): a database this size or
/// smaller is read in one open. At a million dossiers, eight slices cost seven more opens of
/// sled (0.3 s each) on a load of twenty seconds, and save a gigabyte at its peak.
pub const WHOLE_LOAD_SLICE: usize = 131_072;

#[derive(Debug, Clone)]
pub struct StoreOptions {
    /// How long to retry a database held by another process before reporting it busy.
    pub lock_wait: Duration,
    /// sled page cache: small, because several users share the server's memory.
    pub cache_bytes: u64,
    /// Recorded on every event and in the lock owner record.
    pub user: String,
    /// Dossiers per open of the database when every dossier is read for the TUI's list
    /// ([`WHOLE_LOAD_SLICE`] by default).
    pub whole_load_slice: usize,
}

impl Default for StoreOptions {
    fn default() -> Self {
        StoreOptions {
            lock_wait: Duration::from_secs(2),
            cache_bytes: 16 * 1024 * 1024,
            user: crate::identity::current_user(),
            whole_load_slice: WHOLE_LOAD_SLICE,
        }
    }
}
