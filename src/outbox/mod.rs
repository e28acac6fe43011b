//! Letters leaving by e-mail, with the journal's proof: the one path that `log … --send`,
//! `batch relance`, the TUI letter editor and the TUI's morning batch all take.
//!
//! Never half-recorded: an `EmailSending` marker is written *before* the message is handed to
//! the server. Accepted, the letter's event and an `EmailSent` (Message-ID, the server's reply,
//! the exact `.eml`) are written together; refused or unreachable, an `EmailFailed` closes the
//! marker and the letter is kept as a draft. A marker with no outcome (the program stopped in
//! between) blocks the next sending until the user checks the sent mailbox and resends.

pub mod batch;
mod deliver;

pub use batch::{Candidate, Outcome, Skip};
pub use deliver::{deliver, Mailer, Prepared, Progress, SendError};
