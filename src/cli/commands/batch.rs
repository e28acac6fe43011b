//! `recouvre batch relance --channel email [--dry-run] [--force]`: the morning round. Every open
//! dossier whose next reminder is due today is sent by e-mail, one by one, each success
//! journaled as it happens. Which dossiers, what stops one and the sending itself are
//! `crate::outbox`'s, the same as the TUI's round; here are the lines printed and the exit code.
//! Rerunning sends only what is still due: the sent ones have moved to their next rung.

use super::dossier::bad_choice;
use super::email::{mailer, say_progress, user_error};
use crate::cli::{exit, Ctx, UserError};
use crate::domain::assess::assess;
use crate::domain::event::Channel;
use crate::domain::model::DossierId;
use crate::i18n::tf;
use crate::outbox::batch::due_reminder;
use crate::outbox::{Outcome, Skip};

pub(super) fn relance(
    ctx: &Ctx,
    channel: &str,
    dry_run: bool,
    force: bool,
) -> Result<i32, UserError> {
    if Channel::parse(channel) != Some(Channel::Email) {
        return Err(bad_choice("--channel", channel, "email"));
    }
    let snap = ctx.store.load_all()?;
    let mut due: Vec<(DossierId, u8)> = snap
        .dossiers
        .iter()
        .filter(|d| d.state.closed.is_none())
        .filter_map(|d| {
            let a = assess(&d.state, &d.debtor, &ctx.config, &ctx.rules, ctx.today);
            due_reminder(&a, ctx.today).map(|level| (d.state.id, level))
        })
        .collect();
    due.sort();
    drop(snap);

    let templates = super::letter::templates(ctx)?;
    let mailer = mailer(ctx, &templates);
    let transport = match dry_run {
        true => None,
        false => Some(mailer.transport().map_err(user_error)?),
    };
    let (mut sent, mut skipped, mut failed) = (0u32, 0u32, 0u32);
    let skip = |id: DossierId, debtor: &str, s: &Skip| {
        // The shell's own way out, where the TUI's wording names its keys.
        let reason = match s {
            Skip::Preflight(_) => tf("cli.batch.preflight", &[("slugs", &s.slugs().join(", "))]),
            Skip::Unfinished { seq } => tf("cli.batch.unfinished", &[("seq", seq)]),
            _ => s.describe(),
        };
        println!(
            "{}",
            tf(
                "cli.batch.skipped",
                &[("id", &id), ("debtor", &debtor), ("reason", &reason)]
            )
        );
    };
    for (id, level) in due {
        let Some(transport) = &transport else {
            let d = ctx.store.load(id)?;
            let (c, _) = mailer.check(&d, ctx.today);
            match &c.skip {
                Some(s) if !s.lifted_by(force) => {
                    skip(id, &c.debtor, s);
                    skipped += 1;
                }
                _ => {
                    println!(
                        "{}",
                        tf(
                            "cli.batch.would_send",
                            &[
                                ("id", &id),
                                ("debtor", &c.debtor),
                                ("level", &level),
                                ("to", &c.to.join(", "))
                            ]
                        )
                    );
                    sent += 1;
                }
            }
            continue;
        };
        match mailer.send_one(
            &ctx.store,
            transport,
            id,
            level,
            ctx.today,
            force,
            &mut say_progress,
        ) {
            Outcome::Sent { debtor, events } => {
                super::dossier::print_logged(&events, &debtor, id);
                sent += 1;
            }
            Outcome::Skipped { debtor, skip: s } => {
                skip(id, &debtor, &s);
                skipped += 1;
            }
            Outcome::Failed(message) => {
                eprintln!("recouvre: {message}");
                failed += 1;
            }
        }
    }
    let key = if dry_run {
        "cli.batch.summary_dry_run"
    } else {
        "cli.batch.summary"
    };
    println!(
        "{}",
        tf(
            key,
            &[("sent", &sent), ("skipped", &skipped), ("failed", &failed)]
        )
    );
    Ok(if failed > 0 { exit::NOT_SENT } else { exit::OK })
}
