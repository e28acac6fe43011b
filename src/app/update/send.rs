//! Sending the letter: the channel form, the preflight in front of the journal write, and the
//! letter redone when it goes by another channel than it was worded for.

use super::common::{notice, start_write};
use super::forms::optional;
use crate::app::action::Effect;
use crate::app::describe::channel_label;
use crate::app::editor::Editor;
use crate::app::form::{Choice, Field, Form, FormKind};
use crate::app::mailing::MailJob;
use crate::app::state::*;
use crate::domain::event::{Channel, EventKind, NoteKind};
use crate::i18n::{t, tf};

const SEND_CHANNELS: [Channel; 5] = [
    Channel::Email,
    Channel::Letter,
    Channel::Lrar,
    Channel::Commissaire,
    Channel::Avocat,
];

pub fn send_form(ed: &Editor) -> Form {
    let options = SEND_CHANNELS
        .iter()
        .map(|c| Choice {
            label: channel_label(*c),
            value: c.slug().to_string(),
        })
        .collect();
    let index = SEND_CHANNELS
        .iter()
        .position(|c| *c == ed.default_channel)
        .unwrap_or(1);
    Form {
        notes: vec![],
        kind: FormKind::SendLetter,
        title: tf(
            "editor.send.title",
            &[("step", &ed.step.label()), ("debtor", &ed.target.debtor)],
        ),
        target: Some(ed.target.clone()),
        fields: vec![
            Field::choice("channel", t("tui.field.channel").into(), options, index),
            Field::line("tracking", t("tui.field.tracking").into(), ""),
        ],
        focus: 0,
    }
}

/// The send form was submitted. A channel other than the one the letter was worded for first
/// gets the letter redone for it (asked when the text was edited); then the preflight.
pub fn send_letter(state: &mut State) -> Vec<Effect> {
    let (Some(Popup::Form(form)), Some(ed)) = (&state.popup, state.editor.as_deref()) else {
        return vec![];
    };
    let Some(channel) = form
        .field("channel")
        .and_then(|f| Channel::parse(&f.value()))
    else {
        return vec![];
    };
    let tracking = optional(form, "tracking");
    // The same rule as every other field: no control character in the tracking number nor in
    // the letter (a paste can carry one), said with the field and the character.
    let label = form
        .field("tracking")
        .map(|f| f.label.clone())
        .unwrap_or_default();
    if let Err(e) =
        crate::domain::parse::check_text(&label, tracking.as_deref().unwrap_or(""), false)
    {
        if let Some(Popup::Form(f)) = state.popup.as_mut() {
            f.set_error("tracking", e.to_string());
        }
        return vec![];
    }
    if let Err(e) = crate::domain::parse::check_text(&ed.title(), &ed.text(), true) {
        notice(state, Level::Error, e.to_string());
        return vec![];
    }
    if channel != ed.default_channel {
        if !ed.modified() {
            recompose_for(state, channel);
            return vec![];
        }
        let from = channel_label(ed.default_channel);
        state.popup = Some(Popup::Ask(Ask {
            title: t("editor.channel.title").to_string(),
            lines: vec![tf(
                "editor.channel.body",
                &[("from", &from), ("to", &channel_label(channel))],
            )],
            yes: t("editor.channel.recompose").to_string(),
            no: t("editor.channel.keep").to_string(),
            question: Question::ChannelChanged { channel, tracking },
            focus_no: false,
        }));
        return vec![];
    }
    send_checked(state, channel, tracking)
}

/// Redoes the open letter for `channel` (the text was not edited, or the user chose to lose the
/// edits), and leaves it on screen to be read again before sending.
pub fn recompose_for(state: &mut State, channel: Channel) {
    let Some(ed) = state.editor.as_deref() else {
        return;
    };
    let (id, step, today) = (ed.target.id, ed.step, ed.today);
    let Some(e) = state.entry(id) else {
        return;
    };
    match Editor::open_for(e, step, &state.env, today, Some(channel)) {
        Ok(mut fresh) => {
            if let Some(old) = state.editor.as_deref() {
                // Same dossier, same journal token; the draft on disk stays the user's.
                fresh.target = old.target.clone();
                fresh.persisted = old.persisted.clone();
                fresh.saved_at = old.saved_at;
                fresh.warnings.extend(
                    old.warnings
                        .iter()
                        .filter(|w| !fresh.warnings.contains(w))
                        .cloned()
                        .collect::<Vec<_>>(),
                );
            }
            state.editor = Some(Box::new(fresh));
            state.popup = None;
            notice(
                state,
                Level::Info,
                tf(
                    "editor.channel.recomposed",
                    &[("channel", &channel_label(channel))],
                ),
            );
        }
        Err(msg) => {
            state.popup = None;
            notice(
                state,
                Level::Error,
                tf("editor.error.compose", &[("reason", &msg)]),
            );
        }
    }
}

/// Which blockers (by slug) go under a heading of the confirmation.
type SlugFilter = fn(&str) -> bool;

/// Builds the journal write, and puts every preflight blocker (the same checks as the CLI) in
/// front of it: confirmed, their slugs go into the event's `overrides`.
pub fn send_checked(state: &mut State, channel: Channel, tracking: Option<String>) -> Vec<Effect> {
    let today = state.today;
    let Some(ed) = state.editor.as_deref() else {
        return vec![];
    };
    let blockers = ed.blockers(channel);
    let overrides = crate::domain::letters::preflight::slugs(&blockers);
    let mut lines = vec![];
    let groups: [(&str, SlugFilter); 3] = [
        ("editor.mentions.missing", |s| s.starts_with("mention:")),
        ("editor.readiness.failed", |s| {
            matches!(s, "certaine" | "liquide" | "exigible")
        }),
        ("editor.preflight.blocked", |s| {
            !s.starts_with("mention:") && !matches!(s, "certaine" | "liquide" | "exigible")
        }),
    ];
    for (title, belongs) in groups {
        let of: Vec<&crate::domain::letters::Blocker> =
            blockers.iter().filter(|b| belongs(&b.slug)).collect();
        if of.is_empty() {
            continue;
        }
        lines.push(t(title).to_string());
        for b in of {
            lines.push(format!("  ✖ {}", b.message));
        }
    }
    let mut kinds = vec![ed.event(channel, tracking.clone(), overrides.clone())];
    // A reminder event has no tracking field: an LRAR number typed for it is kept as a note
    // in the same write rather than silently dropped.
    if let (Some(n), true) = (&tracking, ed.step.relance_level().is_some()) {
        kinds.push(EventKind::Note {
            kind: NoteKind::Note,
            text: tf(
                "editor.tracking_note",
                &[("step", &ed.step.label()), ("tracking", n)],
            ),
        });
    }
    let done = tf(
        "editor.done.sent",
        &[
            ("step", &ed.step.label()),
            ("channel", &channel_label(channel)),
            ("debtor", &ed.target.debtor),
        ],
    );
    // A reminder by e-mail leaves from here when `[email]` says how; otherwise "courriel"
    // records a message the user sent from their own mail program.
    let write = match ed.step.relance_level() {
        Some(level) if channel == Channel::Email && state.env.can_send_email() => {
            Effect::SendEmail(Box::new(MailJob {
                id: ed.target.id,
                expected_len: ed.target.expected_len,
                level,
                text: ed.text(),
                overrides: overrides.clone(),
                date: today,
                done: tf(
                    "tui.mail.sent",
                    &[("step", &ed.step.label()), ("debtor", &ed.target.debtor)],
                ),
                env: std::sync::Arc::clone(&state.env),
                resend: false,
            }))
        }
        _ => Effect::Append {
            id: ed.target.id,
            expected_len: ed.target.expected_len,
            date: today,
            kinds,
            done,
        },
    };
    if let Some(ed) = state.editor.as_deref_mut() {
        ed.sending = true;
    }
    if overrides.is_empty() {
        return start_write(state, write);
    }
    lines.push(String::new());
    lines.push(t("editor.override.recorded").to_string());
    state.popup = Some(Popup::Confirm(Confirm {
        title: t("editor.override.title").to_string(),
        lines,
        write,
    }));
    vec![]
}
