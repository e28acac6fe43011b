//! `recouvre letter`, and the composition and preflight that `log` uses for the letters it
//! records.

use chrono::NaiveDate;

use super::dossier::{bad_choice, check_deadline_days, resolve};
use crate::cli::args::*;
use crate::cli::{exit, Ctx, UserError};
use crate::domain::event::*;
use crate::i18n::{t, tf};
use crate::model::LoadedDossier;

pub(super) fn templates(ctx: &Ctx) -> Result<crate::domain::letters::Templates, UserError> {
    Ok(crate::config::Config::templates(&ctx.config_dir)?)
}

/// The preflight of a letter about to be logged: refused (exit 5, every reason listed) unless
/// `force`; forced, the overridden slugs are returned for the event and said on stderr.
pub(super) fn preflight_or_refuse(
    ctx: &Ctx,
    d: &LoadedDossier,
    date: NaiveDate,
    composed: &crate::domain::letters::Composed,
    force: bool,
) -> Result<Vec<String>, UserError> {
    use crate::domain::letters::preflight;
    let blockers = composed.blockers(&d.state, &d.debtor, &ctx.config, &ctx.rules, date);
    if blockers.is_empty() {
        return Ok(vec![]);
    }
    let list = blocker_list(&blockers);
    if !force {
        return Err(UserError::refused(tf(
            "cli.preflight_refused",
            &[("problems", &list.concat())],
        )));
    }
    eprintln!(
        "recouvre: {}",
        tf("cli.preflight_forced", &[("problems", &list.concat())])
    );
    Ok(preflight::slugs(&blockers))
}

/// `\n  - message [slug]` for each blocker.
fn blocker_list(blockers: &[crate::domain::letters::preflight::Blocker]) -> Vec<String> {
    blockers
        .iter()
        .map(|b| format!("\n  - {} [{}]", b.message, b.slug))
        .collect()
}

/// Composes the letter for a step at `date`, naming the template on error.
pub(super) fn compose_letter(
    ctx: &Ctx,
    d: &LoadedDossier,
    date: NaiveDate,
    choices: &crate::domain::letters::ComposeChoices,
) -> Result<crate::domain::letters::Composed, UserError> {
    crate::cli::shell::warn_config(ctx);
    let templates = templates(ctx)?;
    let composed = crate::domain::letters::compose(
        &d.state,
        &d.events,
        &d.debtor,
        &ctx.rules,
        &ctx.config,
        &templates,
        date,
        choices,
    )
    .map_err(|e| UserError::usage(e.to_string()))?;
    // The engine's notes, once (the provisional-figures one among them, only when the letter
    // states a rate-based amount).
    for w in &composed.context.warnings {
        eprintln!("recouvre: {w}");
    }
    if let Some(e) = &composed.money_error {
        eprintln!("recouvre: {}", tf("cli.amounts_error", &[("reason", e)]));
    }
    Ok(composed)
}

pub(super) fn letter(ctx: &Ctx, a: &LetterArgs) -> Result<i32, UserError> {
    use crate::domain::letters::{ComposeChoices, LetterStep};
    if a.list {
        for info in templates(ctx)?.list() {
            let label = info
                .step
                .map(|s| s.label().to_string())
                .unwrap_or_else(|| t("cli.letter_part").to_string());
            println!(
                "{}  {}  {}",
                crate::cli::output::pad(&info.file_name, 40),
                crate::cli::output::pad(&label, 44),
                info.origin.label()
            );
        }
        return Ok(exit::OK);
    }
    let key = a.id.as_deref().unwrap_or_default();
    let d = resolve(ctx, key)?;
    if a.eml {
        let eml = kept_eml(&d, a.event)?;
        return match &a.out {
            Some(path) => write_out(path, &eml),
            None => {
                use std::io::Write;
                std::io::stdout().write_all(&eml).map_err(|e| UserError {
                    code: exit::STORAGE,
                    message: e.to_string(),
                })?;
                Ok(exit::OK)
            }
        };
    }
    // The text, and for the PDF the step and date it was written for.
    let (text, step, date) = if a.next {
        let step = match &a.step {
            Some(s) => Some(LetterStep::parse(s).ok_or_else(|| {
                let all: Vec<&str> = LetterStep::ALL.iter().map(|s| s.slug()).collect();
                bad_choice("--step", s, &all.join(", "))
            })?),
            None => None,
        };
        let channel = match &a.channel {
            Some(c) => Some(Channel::parse(c).ok_or_else(|| {
                bad_choice(
                    "--channel",
                    c,
                    "email, letter, lrar, phone, commissaire, avocat",
                )
            })?),
            None => None,
        };
        check_deadline_days(a.deadline_days)?;
        let composed = compose_letter(
            ctx,
            &d,
            ctx.today,
            &ComposeChoices {
                step,
                channel,
                deadline_days: a.deadline_days,
                tracking: None,
            },
        )?;
        // A preview is printed whatever it says, but not silently when `log` would refuse it
        // (a reminder for 0,00 € on a dossier not yet due, a missing mention…).
        let blockers = composed.blockers(&d.state, &d.debtor, &ctx.config, &ctx.rules, ctx.today);
        if !blockers.is_empty() {
            eprintln!(
                "recouvre: {}",
                tf(
                    "cli.letter_preview_blocked",
                    &[("problems", &blocker_list(&blockers).concat())]
                )
            );
        }
        (composed.text, composed.step, ctx.today)
    } else {
        // The kept copy: the given event, else the latest event that carries a letter.
        let ev = match a.event {
            Some(n) => d.events.iter().find(|e| e.seq == n).ok_or_else(|| {
                UserError::usage(tf("cli.no_event", &[("seq", &n), ("id", &d.state.id)]))
            })?,
            None => d
                .events
                .iter()
                .rev()
                .find(|e| e.kind.letter().is_some())
                .ok_or_else(|| UserError {
                    code: exit::NO_MATCH,
                    message: tf("cli.no_letter", &[("id", &d.state.id)]),
                })?,
        };
        let text = ev
            .kind
            .letter()
            .ok_or_else(|| UserError::usage(tf("cli.event_without_letter", &[("seq", &ev.seq)])))?
            .to_string();
        let step = super::pdf::kept_step(&ev.kind, &text);
        (text, step, ev.date)
    };
    if let Some(path) = &a.pdf {
        super::pdf::write(ctx, &d, &text, step, date, path)?;
        if a.out.is_none() {
            return Ok(exit::OK);
        }
    }
    match &a.out {
        Some(path) => write_out(path, text.as_bytes()),
        None => {
            print!("{text}");
            Ok(exit::OK)
        }
    }
}

fn write_out(path: &std::path::Path, bytes: &[u8]) -> Result<i32, UserError> {
    std::fs::write(path, bytes).map_err(|e| UserError {
        code: exit::STORAGE,
        message: tf(
            "cli.write_failed",
            &[("path", &path.display()), ("reason", &e)],
        ),
    })?;
    eprintln!("{}", tf("cli.letter_written", &[("path", &path.display())]));
    Ok(exit::OK)
}

/// `recouvre letter ID --eml [--event N]`: the message kept with an e-mail sending, byte for
/// byte. `N` may be the `EmailSent` event or the letter's event just before it; without it, the
/// latest message sent.
fn kept_eml(d: &LoadedDossier, event: Option<u32>) -> Result<Vec<u8>, UserError> {
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
