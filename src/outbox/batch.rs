//! The morning round by e-mail: which reminder a dossier is at, what stops it from going (the
//! same checks for the CLI's `batch relance` and the TUI's preview), and sending one of them
//! with everything checked again against the journal as it is at that moment — a colleague may
//! have written meanwhile, and nothing is ever sent twice.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::deliver::{deliver, Mailer, Progress};
use crate::domain::assess::{assess, Assessment};
use crate::domain::event::{open_email_marker, Event};
use crate::domain::letters::preflight::{self, Blocker};
use crate::domain::letters::Composed;
use crate::domain::model::DossierId;
use crate::domain::schedule::{NextAction, NextActionKind};
use crate::i18n::tf;
use crate::mail::Transport;
use crate::model::LoadedDossier;
use crate::storage::Store;

/// Why a dossier of the round is not sent.
#[derive(Debug, Clone, PartialEq)]
pub enum Skip {
    /// Closed, or its next step is not a reminder: what that step is, if any.
    NotAReminder {
        next: Option<String>,
    },
    NoAddress,
    /// An earlier sending has no known outcome: the sent mailbox must be checked first.
    Unfinished {
        seq: u32,
    },
    /// The letter could not be composed (the template's error).
    Compose(String),
    /// The letter's checks failed (a dispute, a plan, placeholders left…).
    Preflight(Vec<Blocker>),
    /// Between the preview and the sending, the dossier moved to another step (someone logged
    /// the reminder meanwhile).
    Changed {
        level: u8,
    },
}

impl Skip {
    /// For a line of the preview or of the summary.
    pub fn describe(&self) -> String {
        match self {
            Skip::NotAReminder { next: Some(next) } => {
                tf("outbox.not_a_reminder", &[("next", next)])
            }
            Skip::NotAReminder { next: None } => tf("outbox.nothing_due", &[]),
            Skip::NoAddress => tf("cli.batch.no_address", &[]),
            Skip::Unfinished { seq } => tf("outbox.unfinished", &[("seq", seq)]),
            Skip::Compose(reason) => reason.clone(),
            Skip::Preflight(blockers) => {
                let what: Vec<&str> = blockers.iter().map(|b| b.message.as_str()).collect();
                tf("outbox.preflight", &[("what", &what.join(" ; "))])
            }
            Skip::Changed { level } => tf("outbox.changed", &[("level", level)]),
        }
    }

    /// Whether `force` (`batch relance --force`) lets the line go anyway: only the letter's
    /// checks can be overridden, never a missing address or an unfinished sending.
    pub fn lifted_by(&self, force: bool) -> bool {
        force && matches!(self, Skip::Preflight(_))
    }

    /// The checks' names, as the journal records them when overridden.
    pub fn slugs(&self) -> Vec<String> {
        match self {
            Skip::Preflight(b) => preflight::slugs(b),
            _ => vec![],
        }
    }
}

/// One dossier of the round, as the preview lists it.
#[derive(Debug, Clone)]
pub struct Candidate {
    pub id: DossierId,
    pub debtor: String,
    /// The reminder it is at (1 to 3); 0 when it is at no reminder.
    pub level: u8,
    /// When that reminder is due.
    pub due: Option<NaiveDate>,
    /// What the letter claims now.
    pub amount: Decimal,
    pub to: Vec<String>,
    /// Why it would not go; `None`: it goes.
    pub skip: Option<Skip>,
}

/// The reminder a dossier is at, and when it is due: its next action, if that is a reminder of
/// an open dossier.
pub fn next_reminder(a: &Assessment) -> Option<(u8, NaiveDate)> {
    reminder_of(a.next.as_ref())
}

/// The reminder `next` plans, if it is one: level and date.
pub fn reminder_of(next: Option<&NextAction>) -> Option<(u8, NaiveDate)> {
    let n = next?;
    match n.kind {
        NextActionKind::Relance { level } => Some((level, n.date)),
        _ => None,
    }
}

/// The reminder due by `today`, if any: what the morning round sends.
pub fn due_reminder(a: &Assessment, today: NaiveDate) -> Option<u8> {
    reminder_due(a.next.as_ref(), today)
}

/// The same, from the next action alone (what a list row keeps).
pub fn reminder_due(next: Option<&NextAction>, today: NaiveDate) -> Option<u8> {
    reminder_of(next)
        .filter(|(_, date)| *date <= today)
        .map(|(level, _)| level)
}

/// Outcome of one dossier of a round that sends.
#[derive(Debug)]
pub enum Outcome {
    /// Sent and journaled: the events written.
    Sent {
        debtor: String,
        events: Vec<Event>,
    },
    Skipped {
        debtor: String,
        skip: Skip,
    },
    /// The server refused or could not be reached, or the store failed: what was said.
    Failed(String),
}

impl Mailer<'_> {
    /// The dossier as the preview shows it, and the letter that would go (when it would).
    pub fn check(&self, d: &LoadedDossier, today: NaiveDate) -> (Candidate, Option<Composed>) {
        let a = assess(&d.state, &d.debtor, self.config, self.rules, today);
        let reminder = next_reminder(&a).filter(|_| d.state.closed.is_none());
        let mut c = Candidate {
            id: d.state.id,
            debtor: d.debtor.name.clone(),
            level: reminder.map(|r| r.0).unwrap_or_default(),
            due: reminder.map(|r| r.1),
            amount: a.total_due(),
            to: crate::mail::recipients(d.debtor.email.as_deref().unwrap_or_default()),
            skip: None,
        };
        let skip = if reminder.is_none() {
            let next = a.next.as_ref().filter(|_| d.state.closed.is_none());
            Some(Skip::NotAReminder {
                next: next.map(crate::present::next_action_label),
            })
        } else if c.to.is_empty() {
            Some(Skip::NoAddress)
        } else if let Some((seq, _)) = open_email_marker(&d.events) {
            Some(Skip::Unfinished { seq })
        } else {
            None
        };
        if skip.is_some() {
            c.skip = skip;
            return (c, None);
        }
        match self.compose_relance(d, c.level, today) {
            Err(reason) => {
                c.skip = Some(Skip::Compose(reason));
                (c, None)
            }
            Ok(composed) => {
                let blockers = self.blockers(d, today, &composed);
                if !blockers.is_empty() {
                    c.skip = Some(Skip::Preflight(blockers));
                }
                (c, Some(composed))
            }
        }
    }

    /// Sends dossier `id`'s reminder `level` as the round previewed it, read again now: if it
    /// moved to another step meanwhile, or a check fails (unless `force`), it is skipped.
    #[allow(clippy::too_many_arguments)]
    pub fn send_one(
        &self,
        store: &Store,
        transport: &Transport,
        id: DossierId,
        level: u8,
        today: NaiveDate,
        force: bool,
        on_progress: &mut dyn FnMut(Progress),
    ) -> Outcome {
        let d = match store.load(id) {
            Ok(d) => d,
            Err(e) => return Outcome::Failed(e.to_string()),
        };
        let (c, composed) = self.check(&d, today);
        let debtor = c.debtor;
        if c.level != level && !matches!(c.skip, Some(Skip::NotAReminder { .. })) {
            let skip = Skip::Changed { level: c.level };
            return Outcome::Skipped { debtor, skip };
        }
        let overrides = match c.skip {
            None => vec![],
            Some(skip) if skip.lifted_by(force) => skip.slugs(),
            Some(skip) => return Outcome::Skipped { debtor, skip },
        };
        // `check` composes whenever it finds nothing else wrong.
        let Some(composed) = composed else {
            let skip = Skip::NotAReminder { next: None };
            return Outcome::Skipped { debtor, skip };
        };
        let sent = self
            .prepare(&d, level, composed.text, overrides, today)
            .and_then(|p| {
                deliver(
                    store,
                    &d,
                    d.state.journal_len,
                    p,
                    transport,
                    false,
                    on_progress,
                )
            });
        match sent {
            Ok(events) => Outcome::Sent { debtor, events },
            Err(e) => Outcome::Failed(e.to_string()),
        }
    }
}
