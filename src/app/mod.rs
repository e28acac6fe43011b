//! The application core: state, actions, the pure `update`, forms. No terminal in here.

pub mod action;
pub mod command;
pub mod describe;
pub mod editor;
pub mod fixtures;
pub mod form;
pub mod state;
pub mod update;

pub use action::{Action, Effect};
pub use command::Command;
pub use state::State;
pub use update::{key_to_action, update};
