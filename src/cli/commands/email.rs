//! `recouvre log ID relance --channel email --send`: the letter leaves by e-mail, and the journal
//! keeps the proof.
//!
//! The sending itself, with its journal marker and outcome, is `crate::outbox`'s, shared with the
//! TUI; here are the command's flags, its messages and its exit codes (6: not sent). A marker
//! with no outcome blocks the next `--send`: the user checks the sent mailbox, then either logs
//! the relance by hand (without `--send`) or sends again with `--resend`.

use std::io::Write;

use chrono::NaiveDate;

use crate::cli::{exit, Ctx, UserError};
use crate::domain::event::Channel;
use crate::domain::letters::{Composed, Templates};
use crate::i18n::tf;
use crate::model::LoadedDossier;
use crate::outbox::{deliver, Mailer, Progress, SendError};

/// What `--send` / `--dry-run` / `--resend` asked for.
#[derive(Debug, Clone, Copy)]
pub(super) struct SendFlags {
    pub dry_run: bool,
    pub resend: bool,
}

/// What sending needs, from the command's context.
pub(super) fn mailer<'a>(ctx: &'a Ctx, templates: &'a Templates) -> Mailer<'a> {
    Mailer {
        config: &ctx.config,
        config_dir: &ctx.config_dir,
        rules: &ctx.rules,
        templates,
    }
}

/// A sending that did not happen, as the command reports it (with its exit code).
pub(super) fn user_error(e: SendError) -> UserError {
    let (code, message) = match e {
        SendError::Usage(m) => (exit::USAGE, m),
        SendError::Refused(m) | SendError::Unfinished(m) => (exit::REFUSED, m),
        SendError::Store(e) => return e.into(),
        SendError::NotSent(m) => (exit::NOT_SENT, m),
        SendError::NotRecorded(m) => (exit::STORAGE, m),
    };
    UserError { code, message }
}

/// The "sending…" line, on stderr while the server works.
pub(super) fn say_progress(p: Progress) {
    eprintln!(
        "recouvre: {}",
        tf(
            "cli.email.sending",
            &[("to", &p.to.join(", ")), ("server", &p.server)]
        )
    );
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
    let templates = super::letter::templates(ctx)?;
    let mailer = mailer(ctx, &templates);
    let prepared = mailer
        .prepare(d, level, composed.text, overrides, date)
        .map_err(user_error)?;
    if flags.dry_run {
        std::io::stdout().write_all(&prepared.eml).ok();
        eprintln!("recouvre: {}", tf("cli.email.dry_run", &[("id", &id)]));
        return Ok(exit::OK);
    }
    let transport = mailer.transport().map_err(user_error)?;
    let events = deliver(
        &ctx.store,
        d,
        d.state.journal_len,
        prepared,
        &transport,
        flags.resend,
        &mut say_progress,
    )
    .map_err(user_error)?;
    super::dossier::print_logged(&events, &d.debtor.name, id);
    Ok(exit::OK)
}
