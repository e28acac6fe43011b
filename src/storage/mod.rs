//! Storage: sled behind one store type, every record through the codec.

pub mod codec;
pub mod lock;
pub mod store;

pub use store::{Draft, LoadedDossier, NewDossier, Snapshot, Store, StoreError, StoreOptions};
