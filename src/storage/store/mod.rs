//! The store: every sled access of the program goes through [`Store`].
//!
//! No process keeps the database open while idle. Each operation takes our side lock, opens sled,
//! does its work in one transaction, flushes, syncs the files to disk, and closes. Several people
//! on one server can therefore share a database, each operation waiting briefly for the previous.
//!
//! The handle is in `handle`; each file adds the operations of one concern to it.

pub mod blocks;
mod create;
mod derive;
mod drafts;
mod dump;
mod handle;
mod import;
mod migrate;
pub(crate) mod open;
pub(crate) mod read;
mod repair;
pub(crate) mod tx;
mod write;

pub use create::init_shared;
pub use derive::DerivedDifference;
pub use dump::{BackupSummary, Restored};
pub use handle::{Held, Store};
pub use import::Imported;
pub use read::Designated;
pub use repair::JournalRepair;
