//! Commands on the selected dossier, and the popups they open (a form, an undo to confirm) or
//! the letter editor.

use chrono::NaiveDate;

use super::common::notice;
use super::editor::open_editor;
use super::forms::{
    contestation_form, injonction_popup, note_form, payment_form, proof_form, resolve_form,
};
use crate::app::action::Effect;
use crate::app::describe::{event_text, stage_label};
use crate::app::entry::Whole;
use crate::app::state::*;
use crate::domain::event::{EventKind, NoteKind};
use crate::domain::fold::Stage;
use crate::domain::letters::{notice_step, suggest_step_with, LetterStep};
use crate::domain::schedule::Profiles;
use crate::i18n::{date, t, tf};
use crate::keymap::Command;

pub fn dossier_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let Some(e) = state.current() else {
        notice(state, Level::Error, t("tui.error.no_selection"));
        return vec![];
    };
    let settled = matches!(e.stage, Stage::Paid | Stage::WrittenOff);
    let chasing = matches!(
        cmd,
        Command::Relance | Command::Notice | Command::Injonction | Command::Contestation
    );
    if settled && chasing {
        let text = tf(
            "tui.error.settled",
            &[("debtor", &e.debtor()), ("stage", &stage_label(e.stage))],
        );
        notice(state, Level::Error, text);
        return vec![];
    }
    // Every command reads the whole dossier, at hand for the rows on screen; a jump may come
    // before it is read.
    let Some(w) = e.whole() else {
        let text = tf("tui.error.dossier_loading", &[("debtor", &e.debtor())]);
        notice(state, Level::Info, text);
        return vec![];
    };
    let today = state.today;
    let result: Result<Popup, String> = match cmd {
        Command::Relance => {
            return match relance_step(e, w, &state.env.profiles) {
                Ok(step) => open_editor(state, step),
                Err(msg) => {
                    notice(state, Level::Error, msg);
                    vec![]
                }
            }
        }
        Command::Notice => {
            let step = notice_step(&w.state, e.debtor_type);
            return open_editor(state, step);
        }
        Command::Letter => {
            let step = suggest_step_with(
                &w.state,
                e.debtor_type,
                &state.env.profiles,
                today,
                &w.assessment.owing,
            );
            return open_editor(state, step);
        }
        Command::Injonction => injonction_popup(e, w, today),
        Command::Undo => undo_popup(e, w, today),
        Command::Payment => Ok(Popup::Form(Box::new(payment_form(e, w, today)))),
        // On a disputed dossier the same key records how the dispute ended.
        Command::Contestation if w.state.contestation.is_some() => {
            Ok(Popup::Form(Box::new(resolve_form(e, w))))
        }
        Command::Contestation => Ok(Popup::Form(Box::new(contestation_form(e, w)))),
        Command::Note => Ok(Popup::Form(Box::new(note_form(e, w, NoteKind::Note)))),
        Command::Call => Ok(Popup::Form(Box::new(note_form(e, w, NoteKind::PhoneCall)))),
        Command::Proof if w.state.items.is_empty() => Err(t("money.ready.no_items").to_string()),
        Command::Proof => Ok(Popup::Form(Box::new(proof_form(e, w)))),
        _ => return vec![],
    };
    match result {
        Ok(p) => state.popup = Some(p),
        Err(msg) => notice(state, Level::Error, msg),
    }
    vec![]
}

/// The next reminder: relance 1 → 2 → 3 (the instalment reminder when a plan instalment was
/// missed); none once a notice or court step exists.
fn relance_step(e: &Entry, w: &Whole, profiles: &dyn Profiles) -> Result<LetterStep, String> {
    let st = &w.state;
    if st.notice.is_some() || st.injonction.is_some() {
        return Err(tf(
            "tui.error.relance_after_notice",
            &[("debtor", &e.debtor())],
        ));
    }
    // An agreed plan with a missed instalment: chase the instalment, not the whole balance.
    if e.next.as_ref().is_some_and(|n| {
        matches!(
            n.kind,
            crate::domain::schedule::NextActionKind::MissedInstalment { .. }
        )
    }) {
        return Ok(LetterStep::InstalmentReminder);
    }
    // The dossier's own schedule says which reminder comes next (the same rule as the CLI).
    match crate::domain::schedule::next_reminder_level(st, e.debtor_type, profiles) {
        Some(1) => Ok(LetterStep::Relance1),
        Some(2) => Ok(LetterStep::Relance2),
        Some(3) => Ok(LetterStep::Relance3),
        _ => Err(tf("tui.error.relance_max", &[("debtor", &e.debtor())])),
    }
}

fn undo_popup(e: &Entry, w: &Whole, today: NaiveDate) -> Result<Popup, String> {
    let st = &w.state;
    let Some((seq, _, _)) = st.last_event.filter(|(seq, _, _)| *seq > 0) else {
        return Err(tf("tui.error.nothing_to_undo", &[("debtor", &e.debtor())]));
    };
    let ev = w
        .events
        .iter()
        .find(|ev| ev.seq == seq)
        .ok_or_else(|| tf("tui.error.nothing_to_undo", &[("debtor", &e.debtor())]))?;
    let what = event_text(&ev.kind);
    Ok(Popup::Confirm(Confirm {
        title: t("tui.confirm.undo_title").to_string(),
        lines: vec![
            tf("tui.confirm.debtor", &[("debtor", &e.debtor())]),
            tf(
                "tui.confirm.undo_what",
                &[
                    ("what", &what),
                    ("date", &date(ev.date)),
                    ("user", &ev.user),
                ],
            ),
            t("tui.confirm.undo_kept").to_string(),
        ],
        write: Effect::Append {
            id: e.id(),
            expected_len: st.journal_len,
            // The cancel is recorded today; the voided event keeps its own date.
            date: today,
            kinds: vec![EventKind::Cancel { target: seq }],
            done: tf("tui.done.undo", &[("what", &what), ("debtor", &e.debtor())]),
        },
    }))
}
