//! E-mail: the message a letter becomes (pure composition, [`compose`]) and handing it to a
//! server or to the local `sendmail` ([`send`]). Nothing here touches the journal: recording the
//! sending marker, the outcome and the kept `.eml` is the caller's job.

pub mod compose;
pub mod send;

pub use compose::{message_id, recipients, Outgoing};
pub use send::{Tls, Transport};
