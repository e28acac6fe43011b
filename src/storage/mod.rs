//! Storage: sled behind one store type, every record through the codec.

pub mod codec;
pub mod doctor;
pub mod files;
pub mod journal;
mod legacy;
pub mod live;
pub mod lock;
pub mod shared;
pub mod store;

pub use store::{Draft, LoadedDossier, NewDossier, Snapshot, Store, StoreError, StoreOptions};
