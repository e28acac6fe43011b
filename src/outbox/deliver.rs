//! One reminder by e-mail: the message built from the letter ([`Mailer::prepare`]), then handed
//! over between the journal's "sending" marker and its outcome ([`deliver`]).

use std::path::Path;

use chrono::NaiveDate;

use crate::config::Config;
use crate::domain::assess::Rules;
use crate::domain::event::{open_email_marker, Channel, Event, EventKind};
use crate::domain::letters::preflight::Blocker;
use crate::domain::letters::{compose, ComposeChoices, Composed, LetterStep, Templates};
use crate::domain::model::DossierId;
use crate::i18n::tf;
use crate::mail::Transport;
use crate::model::{Draft, LoadedDossier};
use crate::storage::{Store, StoreError};

/// What sending needs besides the dossier: the configuration (`[creditor]` for the sender,
/// `[letters]` for the PDF, `[email]` for the transport), the rules and the templates.
#[derive(Clone, Copy)]
pub struct Mailer<'a> {
    pub config: &'a Config,
    /// Where relative paths of the configuration (`password_file`, the logo) are read from.
    pub config_dir: &'a Path,
    pub rules: &'a Rules,
    pub templates: &'a Templates,
}

/// Why a reminder did not leave, or left without its record.
#[derive(Debug)]
pub enum SendError {
    /// The request or the configuration is wrong (no sender address, not today…): nothing done.
    Usage(String),
    /// A check said no (no address…): nothing done.
    Refused(String),
    /// An earlier sending of this dossier has no known outcome: nothing done until the user
    /// has checked the sent mailbox and asks to send again (`resend`).
    Unfinished(String),
    /// The store refused or failed before the message left (someone wrote meanwhile, busy…).
    Store(StoreError),
    /// The server refused or could not be reached: recorded as failed, the letter kept as a
    /// draft.
    NotSent(String),
    /// The message left but its record could not be written: the user must know.
    NotRecorded(String),
}

impl std::fmt::Display for SendError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SendError::Usage(m)
            | SendError::Refused(m)
            | SendError::Unfinished(m)
            | SendError::NotSent(m)
            | SendError::NotRecorded(m) => f.write_str(m),
            SendError::Store(e) => write!(f, "{e}"),
        }
    }
}

impl From<StoreError> for SendError {
    fn from(e: StoreError) -> Self {
        SendError::Store(e)
    }
}

/// What [`deliver`] reports while it works: the marker is on disk and the message is being
/// handed to `server`.
#[derive(Debug, Clone)]
pub struct Progress {
    pub id: DossierId,
    pub to: Vec<String>,
    pub server: String,
}

/// A reminder ready to leave: the message and the events that will record it.
pub struct Prepared {
    pub id: DossierId,
    pub debtor: String,
    pub to: Vec<String>,
    pub message: lettre::Message,
    pub eml: Vec<u8>,
    pub message_id: String,
    /// The reminder's own event (`RelanceSent` by e-mail, the text as sent).
    pub relance: EventKind,
    pub step: LetterStep,
    pub text: String,
    /// The day the message leaves (its Date header): the journal dates the events so.
    pub date: NaiveDate,
}

impl Mailer<'_> {
    /// The letter of reminder `level`, worded for e-mail, exactly as `recouvre letter` writes it.
    pub fn compose_relance(
        &self,
        d: &LoadedDossier,
        level: u8,
        date: NaiveDate,
    ) -> Result<Composed, String> {
        compose(
            &d.state,
            &d.events,
            &d.debtor,
            self.rules,
            self.config,
            self.templates,
            date,
            &ComposeChoices {
                step: Some(relance_step(level)),
                channel: Some(Channel::Email),
                ..Default::default()
            },
        )
        .map_err(|e| e.to_string())
    }

    /// What stops `text` from going out as it stands (empty: it may go): the preflight of every
    /// letter logged, in the CLI and the TUI.
    pub fn blockers(
        &self,
        d: &LoadedDossier,
        date: NaiveDate,
        composed: &Composed,
    ) -> Vec<Blocker> {
        composed.blockers(&d.state, &d.debtor, self.config, self.rules, date)
    }

    /// Builds the message of reminder `level` carrying `text` (as composed or as edited), with
    /// its PDF; `overrides` are the preflight checks the user chose to pass.
    pub fn prepare(
        &self,
        d: &LoadedDossier,
        level: u8,
        text: String,
        overrides: Vec<String>,
        date: NaiveDate,
    ) -> Result<Prepared, SendError> {
        let id = d.state.id;
        let to = crate::mail::recipients(d.debtor.email.as_deref().unwrap_or_default());
        if to.is_empty() {
            return Err(SendError::Refused(tf(
                "cli.email.no_address",
                &[("id", &id), ("debtor", &d.debtor.name)],
            )));
        }
        let from_address = self
            .config
            .creditor
            .email
            .clone()
            .ok_or_else(|| SendError::Usage(tf("cli.email.no_sender", &[])))?;
        let step = relance_step(level);
        let relance = EventKind::RelanceSent {
            level,
            channel: Channel::Email,
            letter: Some(text.clone()),
            overrides,
        };
        // Checked now: after the server accepted, recording must not fail on the text.
        crate::domain::parse::check_event_text(&relance)
            .map_err(|e| SendError::Usage(e.to_string()))?;
        let meta = crate::pdf::PdfMeta::for_letter(
            &id.to_string(),
            step,
            date,
            &self.rules.creditor.name,
            &text,
        );
        let pdf = self
            .config
            .letters
            .render_pdf(self.config_dir, &text, &meta)
            .map_err(SendError::Usage)?;
        let subject = match meta.subject.as_str() {
            "" => format!("{} — {}", step.label(), self.rules.creditor.name),
            s => s.to_string(),
        };
        let message_id = crate::mail::message_id(&from_address);
        let message = crate::mail::Outgoing {
            from_name: self.rules.creditor.name.clone(),
            from_address,
            to: to.clone(),
            subject,
            body: text.clone(),
            pdf: Some((crate::config::letters::outbox_name(&meta), pdf.bytes)),
            message_id: message_id.clone(),
            date: std::time::SystemTime::now(),
        }
        .build()
        .map_err(SendError::Usage)?;
        let eml = message.formatted();
        Ok(Prepared {
            id,
            debtor: d.debtor.name.clone(),
            to,
            message,
            eml,
            message_id,
            relance,
            step,
            text,
            date,
        })
    }

    /// The configured way out (`[email]`), with its password read now.
    pub fn transport(&self) -> Result<Transport, SendError> {
        self.config
            .email
            .transport(self.config_dir)
            .map_err(SendError::Usage)
    }
}

/// The letter step of reminder `level` (1 to 3).
pub fn relance_step(level: u8) -> LetterStep {
    match level {
        1 => LetterStep::Relance1,
        2 => LetterStep::Relance2,
        _ => LetterStep::Relance3,
    }
}

/// Hands `p` to `transport` between the journal's marker and its outcome, and returns the
/// events recording the sending (the reminder and its `EmailSent`).
///
/// `d` is the dossier as just read; `expected_len` the journal length the letter was composed
/// against (a write by someone else since then refuses, before anything leaves). An unfinished
/// earlier sending refuses too, unless `resend` (the user checked the sent mailbox).
pub fn deliver(
    store: &Store,
    d: &LoadedDossier,
    expected_len: u32,
    p: Prepared,
    transport: &Transport,
    resend: bool,
    on_progress: &mut dyn FnMut(Progress),
) -> Result<Vec<Event>, SendError> {
    let (id, date) = (p.id, p.date);
    let mut first = Vec::new();
    if let Some((seq, open_id)) = open_email_marker(&d.events) {
        if !resend {
            return Err(SendError::Unfinished(tf(
                "cli.email.open_marker",
                &[("id", &id), ("seq", &seq), ("message_id", &open_id)],
            )));
        }
        first.push(EventKind::EmailFailed {
            sending: seq,
            reason: tf("cli.email.resent", &[]),
        });
    }
    first.push(EventKind::EmailSending {
        message_id: p.message_id.clone(),
        to: p.to.clone(),
    });
    let written = store.append(id, Some(expected_len), date, first)?;
    let sending = written.last().map(|e| e.seq).unwrap_or_default();
    on_progress(Progress {
        id,
        to: p.to.clone(),
        server: transport.describe(),
    });
    match transport.send(&p.message) {
        Ok(reply) => {
            let kinds = vec![
                p.relance,
                EventKind::EmailSent {
                    sending,
                    message_id: p.message_id.clone(),
                    reply,
                    eml: p.eml,
                },
            ];
            // The message has left: this is a fact, recorded whatever else was written meanwhile.
            let events = store.append(id, None, date, kinds).map_err(|e| {
                SendError::NotRecorded(tf(
                    "cli.email.sent_not_recorded",
                    &[("message_id", &p.message_id), ("reason", &e)],
                ))
            })?;
            // The draft, if any, went out.
            let _ = store.delete_draft(id);
            Ok(events)
        }
        Err(reason) => {
            let closed = store.append(
                id,
                None,
                date,
                vec![EventKind::EmailFailed {
                    sending,
                    reason: reason.clone(),
                }],
            );
            let draft = Draft {
                dossier: id,
                user: store.user().to_string(),
                step: p.step.slug().to_string(),
                text: p.text,
                saved_at: chrono::Utc::now(),
            };
            let kept = store.save_draft(&draft);
            let mut message = tf("cli.email.not_sent", &[("reason", &reason), ("id", &id)]);
            for e in [closed.err(), kept.err()].into_iter().flatten() {
                message.push(' ');
                message.push_str(&e.to_string());
            }
            Err(SendError::NotSent(message))
        }
    }
}
