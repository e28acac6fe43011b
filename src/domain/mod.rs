//! The pure domain core: dossiers, events, stages, money and dates.
//!
//! Nothing in here knows about sled, the terminal or the file system; every rule that depends on
//! "today" takes the date as an argument so that tests, demos and screenshots are deterministic.

pub mod assess;
pub mod day;
pub mod digest;
pub mod event;
pub mod fold;
pub mod import;
pub mod letters;
pub mod model;
pub mod money;
pub mod par;
pub mod parse;
pub mod report;
pub mod schedule;
pub mod stamp;
pub mod summary;
pub mod text;

pub use event::{Event, EventKind};
pub use fold::{fold, DossierState};
pub use model::*;
pub use schedule::{NextAction, NextActionKind};
