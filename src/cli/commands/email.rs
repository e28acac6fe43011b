//! `recouvre log ID relance --channel email --send`: the letter leaves by e-mail, and the journal
//! keeps the proof.
//!
//! Never half-recorded: an `EmailSending` marker is written *before* the message is handed to
//! the server. Accepted, the letter's event and an `EmailSent` (Message-ID, the server's reply,
//! the exact `.eml`) are written together; refused or unreachable, an `EmailFailed` closes the
//! marker, the letter is kept as a draft and the exit code is 6. A marker with no outcome (the
//! program stopped in between) blocks the next `--send`: the user checks the sent mailbox, then
//! either logs the relance by hand (without `--send`) or sends again with `--resend`.

use std::io::Write;

use chrono::NaiveDate;

use crate::cli::{exit, Ctx, UserError};
use crate::domain::event::{open_email_marker, Channel, EventKind};
use crate::domain::letters::Composed;
use crate::i18n::tf;
use crate::model::{Draft, LoadedDossier};

/// What `--send` / `--dry-run` / `--resend` asked for.
#[derive(Debug, Clone, Copy)]
pub(super) struct SendFlags {
    pub dry_run: bool,
    pub resend: bool,
}

/// The reminder `composed` (level `level`) sent by e-mail to the debtor, and journaled.
pub(super) fn send_relance(
    ctx: &Ctx,
    d: &LoadedDossier,
    date: NaiveDate,
    level: u8,
    composed: Composed,
    overrides: Vec<String>,
    flags: SendFlags,
) -> Result<i32, UserError> {
    let id = d.state.id;
    if composed.channel != Channel::Email {
        return Err(UserError::usage(tf(
            "cli.email.not_email",
            &[("channel", &crate::present::channel_label(composed.channel))],
        )));
    }
    // The message leaves now and its Date header says so: the journal must not date it
    // otherwise.
    if date != ctx.today && !flags.dry_run {
        return Err(UserError::usage(tf(
            "cli.email.not_today",
            &[("today", &crate::i18n::date(ctx.today))],
        )));
    }
    let to = crate::mail::recipients(d.debtor.email.as_deref().unwrap_or_default());
    if to.is_empty() {
        return Err(UserError::refused(tf(
            "cli.email.no_address",
            &[("id", &id), ("debtor", &d.debtor.name)],
        )));
    }
    let from_address = ctx
        .config
        .creditor
        .email
        .clone()
        .ok_or_else(|| UserError::usage(tf("cli.email.no_sender", &[])))?;
    let relance = EventKind::RelanceSent {
        level,
        channel: Channel::Email,
        letter: Some(composed.text.clone()),
        overrides,
    };
    // Checked now: after the server accepted, recording must not fail on the text.
    crate::domain::parse::check_event_text(&relance)?;

    let meta = crate::pdf::PdfMeta::for_letter(
        &id.to_string(),
        composed.step,
        date,
        &ctx.rules.creditor.name,
        &composed.text,
    );
    let pdf = ctx
        .config
        .letters
        .render_pdf(&ctx.config_dir, &composed.text, &meta)
        .map_err(|message| UserError {
            code: exit::STORAGE,
            message,
        })?;
    let subject = match meta.subject.as_str() {
        "" => format!("{} — {}", composed.step.label(), ctx.rules.creditor.name),
        s => s.to_string(),
    };
    let message_id = crate::mail::message_id(&from_address);
    let message = crate::mail::Outgoing {
        from_name: ctx.rules.creditor.name.clone(),
        from_address,
        to: to.clone(),
        subject,
        body: composed.text.clone(),
        pdf: Some((crate::config::letters::outbox_name(&meta), pdf.bytes)),
        message_id: message_id.clone(),
        date: std::time::SystemTime::now(),
    }
    .build()
    .map_err(UserError::usage)?;
    let eml = message.formatted();

    if flags.dry_run {
        std::io::stdout().write_all(&eml).ok();
        eprintln!("recouvre: {}", tf("cli.email.dry_run", &[("id", &id)]));
        return Ok(exit::OK);
    }
    let transport = ctx
        .config
        .email
        .transport(&ctx.config_dir)
        .map_err(UserError::usage)?;

    // A message that may have left already is never sent again blindly.
    let mut first = Vec::new();
    if let Some((seq, open_id)) = open_email_marker(&d.events) {
        if !flags.resend {
            return Err(UserError::refused(tf(
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
        message_id: message_id.clone(),
        to: to.clone(),
    });
    let written = ctx
        .store
        .append(id, Some(d.state.journal_len), date, first)?;
    let sending = written.last().map(|e| e.seq).unwrap_or_default();
    eprintln!(
        "recouvre: {}",
        tf(
            "cli.email.sending",
            &[("to", &to.join(", ")), ("server", &transport.describe())]
        )
    );

    match transport.send(&message) {
        Ok(reply) => {
            let kinds = vec![
                relance,
                EventKind::EmailSent {
                    sending,
                    message_id: message_id.clone(),
                    reply,
                    eml,
                },
            ];
            // The message has left: this is a fact, recorded whatever else was written meanwhile.
            match ctx.store.append(id, None, date, kinds) {
                Ok(events) => {
                    super::dossier::print_logged(&events, &d.debtor.name, id);
                    // The draft, if any, went out.
                    let _ = ctx.store.delete_draft(id);
                    Ok(exit::OK)
                }
                Err(e) => Err(UserError {
                    code: exit::STORAGE,
                    message: tf(
                        "cli.email.sent_not_recorded",
                        &[("message_id", &message_id), ("reason", &e)],
                    ),
                }),
            }
        }
        Err(reason) => {
            let closed = ctx.store.append(
                id,
                None,
                date,
                vec![EventKind::EmailFailed {
                    sending,
                    reason: reason.clone(),
                }],
            );
            if let Err(e) = closed {
                eprintln!("recouvre: {e}");
            }
            let draft = Draft {
                dossier: id,
                user: ctx.store.user().to_string(),
                step: composed.step.slug().to_string(),
                text: composed.text,
                saved_at: chrono::Utc::now(),
            };
            if let Err(e) = ctx.store.save_draft(&draft) {
                eprintln!("recouvre: {e}");
            }
            Err(UserError {
                code: exit::NOT_SENT,
                message: tf("cli.email.not_sent", &[("reason", &reason), ("id", &id)]),
            })
        }
    }
}

/// `recouvre letter ID --eml [--event N]`: the message kept with an e-mail sending, byte for
/// byte. `N` may be the `EmailSent` event or the letter's event just before it; without it, the
/// latest message sent.
pub(super) fn kept_eml(d: &LoadedDossier, event: Option<u32>) -> Result<Vec<u8>, UserError> {
    let eml_of = |seq: u32| {
        d.events.iter().find_map(|e| match &e.kind {
            EventKind::EmailSent { eml, .. } if e.seq == seq => Some(eml.clone()),
            _ => None,
        })
    };
    let found = match event {
        Some(n) => eml_of(n).or_else(|| {
            eml_of(n + 1).filter(|_| {
                d.events
                    .iter()
                    .any(|e| e.seq == n && e.kind.letter().is_some())
            })
        }),
        None => d.events.iter().rev().find_map(|e| match &e.kind {
            EventKind::EmailSent { eml, .. } => Some(eml.clone()),
            _ => None,
        }),
    };
    found.ok_or_else(|| UserError {
        code: exit::NO_MATCH,
        message: tf(
            "cli.email.no_eml",
            &[
                ("id", &d.state.id),
                ("seq", &event.map(|n| n.to_string()).unwrap_or_default()),
            ],
        ),
    })
}
