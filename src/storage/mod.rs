//! Storage: sled behind one store type, every record through the codec.

pub mod backup_file;
pub mod codec;
pub mod derived;
pub mod doctor;
pub mod error;
pub mod files;
pub mod import;
pub mod journal;
pub mod keys;
mod legacy;
pub mod live;
pub mod lock;
pub mod options;
pub mod shared;
pub mod store;

pub use error::StoreError;
pub use options::StoreOptions;
pub use store::Store;
