//! E-mail as the screen holds it: the letter being sent from the editor, and the morning round
//! (its preview, then each dossier's outcome as it is sent). The sending itself is
//! `crate::outbox`'s, the same as the CLI's; the runtime runs it on a thread of its own.

use std::sync::Arc;

use chrono::NaiveDate;

use super::env::LetterEnv;
use crate::domain::model::DossierId;
use crate::outbox::Candidate;

/// A letter from the editor, to be sent by e-mail and journaled (`Effect::SendEmail`).
#[derive(Debug, Clone)]
pub struct MailJob {
    pub id: DossierId,
    /// The journal length the letter was composed against: a colleague's write since then
    /// stops the sending before anything leaves.
    pub expected_len: u32,
    pub level: u8,
    /// The letter as edited.
    pub text: String,
    /// The preflight checks the user chose to pass.
    pub overrides: Vec<String>,
    pub date: NaiveDate,
    /// Status-line text once it is sent and on disk.
    pub done: String,
    /// The user checked that an earlier sending left no message: send again, closing it.
    pub resend: bool,
    pub env: Arc<LetterEnv>,
}

/// Where the round is.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Phase {
    /// Read the list, then confirm once.
    Preview,
    Sending,
    Done,
}

/// What happened to one dossier of the round.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum StepOutcome {
    Sent,
    Skipped(String),
    Failed(String),
}

/// The morning round on screen.
#[derive(Debug, Clone)]
pub struct BatchView {
    pub candidates: Vec<Candidate>,
    /// Beside `candidates`: what happened to each, once it has been tried.
    pub outcomes: Vec<Option<StepOutcome>>,
    pub phase: Phase,
    /// The dossier being handed to the server now.
    pub current: Option<DossierId>,
    /// The line whose reason is shown in full under the table.
    pub cursor: usize,
    /// Asked to stop after the message in flight.
    pub stopping: bool,
}

impl BatchView {
    pub fn new(candidates: Vec<Candidate>) -> BatchView {
        BatchView {
            outcomes: vec![None; candidates.len()],
            candidates,
            phase: Phase::Preview,
            current: None,
            cursor: 0,
            stopping: false,
        }
    }

    /// The lines that go when confirmed: (line, dossier, reminder level).
    pub fn to_send(&self) -> Vec<(usize, DossierId, u8)> {
        self.candidates
            .iter()
            .enumerate()
            .filter(|(_, c)| c.skip.is_none())
            .map(|(i, c)| (i, c.id, c.level))
            .collect()
    }

    /// (sent, skipped, failed) so far; a line flagged in the preview counts as skipped.
    pub fn counts(&self) -> (usize, usize, usize) {
        let mut n = (0, 0, 0);
        for (c, o) in self.candidates.iter().zip(&self.outcomes) {
            match o {
                Some(StepOutcome::Sent) => n.0 += 1,
                Some(StepOutcome::Failed(_)) => n.2 += 1,
                Some(StepOutcome::Skipped(_)) => n.1 += 1,
                None if c.skip.is_some() => n.1 += 1,
                None => {}
            }
        }
        n
    }

    /// The reason shown for a line: its outcome, else what the preview found.
    pub fn reason(&self, i: usize) -> Option<String> {
        match self.outcomes.get(i)? {
            Some(StepOutcome::Skipped(r) | StepOutcome::Failed(r)) => Some(r.clone()),
            Some(StepOutcome::Sent) => None,
            None => self.candidates.get(i)?.skip.as_ref().map(|s| s.describe()),
        }
    }
}
