//! The application core: state, actions, the pure `update`, forms. No terminal in here.

pub mod action;
pub mod describe;
pub mod editor;
pub mod entry;
pub mod env;
pub mod failure;
pub mod fixtures;
pub mod form;
pub mod mailing;
pub mod mode;
pub mod state;
pub mod update;

pub use crate::keymap::Command;
pub use action::{Action, Effect};
pub use failure::Failure;
pub use mode::{hints, Mode};
pub use state::State;
pub use update::{key_to_action, update};
