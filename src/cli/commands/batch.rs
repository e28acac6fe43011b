//! `recouvre batch relance --channel email [--dry-run]`: the morning round. Every open dossier
//! whose next reminder is due today is sent by e-mail, one by one, each success journaled as it
//! happens (see `email`). A dossier without an address, stopped by its preflight (unless
//! `--force`) or with an unfinished sending is skipped and said; a refusal by the server is
//! counted as failed and the round goes on. Rerunning sends only what is still due: the sent
//! ones have moved to their next rung.

use super::dossier::bad_choice;
use super::email::{send_relance, SendFlags};
use super::letter::{blockers, compose_letter};
use crate::cli::{exit, Ctx, UserError};
use crate::domain::assess::assess;
use crate::domain::event::{open_email_marker, Channel};
use crate::domain::letters::{preflight, ComposeChoices, LetterStep};
use crate::domain::model::DossierId;
use crate::domain::schedule::NextActionKind;
use crate::i18n::tf;

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
            match a.next? {
                n if !n.is_due(ctx.today) => None,
                n => match n.kind {
                    NextActionKind::Relance { level } => Some((d.state.id, level)),
                    _ => None,
                },
            }
        })
        .collect();
    due.sort();
    drop(snap);

    let (mut sent, mut skipped, mut failed) = (0u32, 0u32, 0u32);
    for (id, level) in due {
        let d = ctx.store.load(id)?;
        let name = d.debtor.name.clone();
        let skip = |reason: String| {
            println!(
                "{}",
                tf(
                    "cli.batch.skipped",
                    &[("id", &id), ("debtor", &name), ("reason", &reason)]
                )
            );
        };
        let to = crate::mail::recipients(d.debtor.email.as_deref().unwrap_or_default());
        if to.is_empty() {
            skip(tf("cli.batch.no_address", &[]));
            skipped += 1;
            continue;
        }
        if let Some((seq, _)) = open_email_marker(&d.events) {
            skip(tf("cli.batch.unfinished", &[("seq", &seq)]));
            skipped += 1;
            continue;
        }
        let step = match level {
            1 => LetterStep::Relance1,
            2 => LetterStep::Relance2,
            _ => LetterStep::Relance3,
        };
        let composed = match compose_letter(
            ctx,
            &d,
            ctx.today,
            &ComposeChoices {
                step: Some(step),
                channel: Some(Channel::Email),
                ..Default::default()
            },
        ) {
            Ok(c) => c,
            Err(e) => {
                skip(e.message);
                skipped += 1;
                continue;
            }
        };
        let problems = blockers(ctx, &d, ctx.today, &composed);
        if !problems.is_empty() && !force {
            skip(tf(
                "cli.batch.preflight",
                &[("slugs", &preflight::slugs(&problems).join(", "))],
            ));
            skipped += 1;
            continue;
        }
        if dry_run {
            println!(
                "{}",
                tf(
                    "cli.batch.would_send",
                    &[
                        ("id", &id),
                        ("debtor", &name),
                        ("level", &level),
                        ("to", &to.join(", "))
                    ]
                )
            );
            sent += 1;
            continue;
        }
        let overrides = preflight::slugs(&problems);
        let flags = SendFlags {
            dry_run: false,
            resend: false,
        };
        match send_relance(ctx, &d, ctx.today, level, composed, overrides, flags) {
            Ok(_) => sent += 1,
            Err(e) => {
                eprintln!("recouvre: {}", e.message);
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
