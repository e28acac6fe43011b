//! The letter editor: opening a letter, its commands and search, drafts, and the questions it
//! asks (lose the edits, resume a draft, redo for another channel).

use super::common::notice;
use super::send::{recompose_for, send_checked, send_form};
use crate::app::action::Effect;
use crate::app::editor::Editor;
use crate::app::failure::Failure;
use crate::app::form::LineInput;
use crate::app::state::*;
use crate::domain::letters::LetterStep;
use crate::i18n::{date, t, tf};
use crate::keymap::Command;

/// Opens the editor on the composed letter, and asks the store whether a draft waits.
pub fn open_editor(state: &mut State, step: LetterStep) -> Vec<Effect> {
    let Some(e) = state.current() else {
        return vec![];
    };
    match Editor::open(e, step, &state.env, state.today) {
        Ok(ed) => {
            let id = ed.target.id;
            let mut warn = vec![];
            // "Planned for later" only makes sense for the ladder's own steps.
            let ladder = step.relance_level().is_some()
                || step.is_formal_notice()
                || step == LetterStep::LastNoticeNlBe;
            if let Some(n) = e.next.as_ref().filter(|_| ladder) {
                if n.date > state.today {
                    warn.push(tf("tui.confirm.early", &[("date", &date(n.date))]));
                }
            }
            // What the send will ask to override (an open dispute, a running plan, placeholders…)
            // is said as soon as the letter opens, not only at the last step.
            let blockers = ed.blockers(ed.default_channel);
            warn.extend(blockers.iter().map(|b| b.message.clone()));
            let mut ed = Box::new(ed);
            ed.warnings.extend(warn);
            state.editor = Some(ed);
            state.popup = None;
            state.notice = None;
            if let Some(first) = blockers.first() {
                notice(
                    state,
                    Level::Error,
                    tf("editor.preflight.warning", &[("reason", &first.message)]),
                );
            }
            vec![Effect::LoadDraft(id)]
        }
        Err(msg) => {
            notice(
                state,
                Level::Error,
                tf("editor.error.compose", &[("reason", &msg)]),
            );
            vec![]
        }
    }
}

pub fn draft_loaded(
    state: &mut State,
    id: crate::domain::model::DossierId,
    draft: Result<Option<crate::model::Draft>, Failure>,
) {
    let Some(ed) = state.editor.as_deref() else {
        return;
    };
    if ed.target.id != id {
        return;
    }
    match draft {
        Ok(Some(d)) if d.text != ed.text() => {
            ask_resume(state, d);
        }
        Ok(_) => {}
        Err(e) => notice(
            state,
            Level::Error,
            tf("editor.error.draft_load", &[("reason", &e)]),
        ),
    }
}

/// A draft waits for this dossier: resume it, or start from the fresh letter (which asks again
/// before deleting the draft); Esc keeps it and closes the letter.
fn ask_resume(state: &mut State, d: crate::model::Draft) -> Vec<Effect> {
    let step = LetterStep::parse(&d.step)
        .map(|s| s.label().to_string())
        .unwrap_or_else(|| d.step.clone());
    let first: String = d
        .text
        .lines()
        .filter(|l| !l.trim().is_empty())
        .take(1)
        .collect();
    state.popup = Some(Popup::Ask(Ask {
        title: t("editor.draft.title").to_string(),
        lines: vec![
            tf(
                "editor.draft.found",
                &[("step", &step), ("saved", &saved_at(&d))],
            ),
            tf(
                "editor.draft.size",
                &[("lines", &d.text.lines().count()), ("first", &first)],
            ),
        ],
        yes: t("editor.draft.resume").to_string(),
        no: t("editor.draft.fresh").to_string(),
        question: Question::ResumeDraft(Box::new(d)),
        focus_no: false,
    }));
    vec![]
}

fn saved_at(d: &crate::model::Draft) -> String {
    crate::i18n::datetime(d.saved_at)
}

pub fn draft_saved(
    state: &mut State,
    id: crate::domain::model::DossierId,
    text: String,
    result: Result<chrono::DateTime<chrono::Utc>, Failure>,
) -> Vec<Effect> {
    if result.is_ok() {
        state.drafts.insert(id);
    }
    let Some(ed) = state.editor.as_deref_mut().filter(|e| e.target.id == id) else {
        // Saved after the editor closed (on the way out): nothing to show.
        return vec![];
    };
    match result {
        Ok(at) => {
            ed.persisted = text;
            ed.saved_at = Some(at);
            if ed.close_after_save {
                let debtor = ed.target.debtor.clone();
                state.editor = None;
                notice(
                    state,
                    Level::Success,
                    tf("editor.done.draft", &[("debtor", &debtor)]),
                );
            }
        }
        Err(e) => {
            ed.close_after_save = false;
            notice(
                state,
                Level::Error,
                tf("editor.error.draft_save", &[("reason", &e)]),
            );
        }
    }
    vec![]
}

pub fn close_editor(state: &mut State) {
    state.editor = None;
    notice(state, Level::Info, t("editor.closed"));
}

pub fn editor_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let Some(ed) = state.editor.as_deref_mut() else {
        return vec![];
    };
    match cmd {
        Command::Submit => {
            let form = send_form(ed);
            state.popup = Some(Popup::Form(Box::new(form)));
        }
        Command::SaveDraft => {
            ed.close_after_save = true;
            return vec![Effect::SaveDraft {
                id: ed.target.id,
                step: ed.step.slug().to_string(),
                text: ed.text(),
            }];
        }
        Command::Cancel | Command::Back => {
            if ed.modified() {
                state.popup = Some(Popup::Ask(Ask {
                    title: t("editor.discard.title").to_string(),
                    lines: vec![t("editor.discard.body").to_string()],
                    yes: t("editor.discard.yes").to_string(),
                    no: t("editor.discard.no").to_string(),
                    question: Question::DiscardLetter,
                    focus_no: false,
                }));
            } else {
                close_editor(state);
            }
        }
        Command::Pdf => {
            // The text on screen, edits included: the PDF is what would be sent now.
            let text = ed.text();
            let meta = crate::pdf::PdfMeta::for_letter(
                &ed.target.id.to_string(),
                ed.step,
                ed.today,
                &state.env.rules.creditor.name,
                &text,
            );
            let letters = state.env.profiles.letters.clone();
            let dir = letters.outbox_dir(std::path::Path::new("."), std::path::Path::new("."));
            let path = dir.join(crate::config::letters::outbox_name(&meta));
            return vec![Effect::WritePdf {
                letters,
                path,
                text,
                meta: Box::new(meta),
            }];
        }
        Command::Undo => {
            ed.textarea.undo();
        }
        Command::Redo => {
            ed.textarea.redo();
        }
        Command::Search => {
            // An empty prompt: typing replaces the last pattern; Enter alone repeats it.
            ed.search = Some(LineInput::default());
        }
        Command::SearchNext => search_next(state),
        Command::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        // There is no other field in a letter: Tab indents, as in any editor.
        Command::NextField => {
            ed.textarea.insert_tab();
        }
        _ => {}
    }
    vec![]
}

fn search_next(state: &mut State) {
    let Some(ed) = state.editor.as_deref_mut() else {
        return;
    };
    if ed.pattern.is_empty() {
        ed.search = Some(LineInput::default());
        return;
    }
    if !ed.find(false) {
        let p = ed.pattern.clone();
        notice(
            state,
            Level::Info,
            tf("editor.search.not_found", &[("pattern", &p)]),
        );
    }
}

/// Commands while the search prompt is open (form context: Enter searches, Esc closes).
pub fn search_command(state: &mut State, cmd: Command) {
    let Some(ed) = state.editor.as_deref_mut() else {
        return;
    };
    match cmd {
        Command::Submit | Command::Search | Command::SearchNext => {
            let typed = ed.search.take().map(|l| l.text).unwrap_or_default();
            if typed.is_empty() {
                // Enter (or the search key again) on an empty prompt: the next match.
                return search_next(state);
            }
            ed.pattern = typed.clone();
            let pattern = typed;
            if !ed.find(true) {
                notice(
                    state,
                    Level::Info,
                    tf("editor.search.not_found", &[("pattern", &pattern)]),
                );
            }
        }
        Command::Cancel | Command::Back => {
            ed.search = None;
        }
        _ => {}
    }
}

pub fn ask_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let Some(Popup::Ask(mut ask)) = state.popup.take() else {
        return vec![];
    };
    let yes = match cmd {
        Command::Submit => !ask.focus_no,
        // Esc closes the question and changes nothing, as it does everywhere else.
        Command::Cancel | Command::Back => return cancel_question(state, ask.question),
        Command::NextField | Command::PrevField | Command::Up | Command::Down => {
            ask.focus_no = !ask.focus_no;
            state.popup = Some(Popup::Ask(ask));
            return vec![];
        }
        _ => {
            state.popup = Some(Popup::Ask(ask));
            return vec![];
        }
    };
    match (ask.question, yes) {
        (Question::DiscardLetter, true) => {
            let id = state.editor.as_ref().map(|e| e.target.id);
            close_editor(state);
            // Thrown away on purpose: an old draft would only come back to haunt them.
            return id.map(Effect::DeleteDraft).into_iter().collect();
        }
        (Question::DiscardLetter, false) => {}
        (Question::ResumeDraft(d), true) => {
            if let Some(ed) = state.editor.as_deref_mut() {
                if let Some(step) = LetterStep::parse(&d.step).filter(|s| *s != ed.step) {
                    // The draft was for another letter: reopen that one under the draft's text.
                    let mut eff = open_editor(state, step);
                    eff.retain(|e| !matches!(e, Effect::LoadDraft(_)));
                    if let Some(ed) = state.editor.as_deref_mut() {
                        ed.set_text(&d.text);
                        ed.saved_at = Some(d.saved_at);
                    }
                    notice(state, Level::Info, t("editor.draft.resumed"));
                    return eff;
                }
                ed.set_text(&d.text);
                ed.saved_at = Some(d.saved_at);
            }
            notice(state, Level::Info, t("editor.draft.resumed"));
        }
        (Question::ResumeDraft(d), false) => {
            // Starting afresh deletes the draft: confirmed on its own.
            let saved = saved_at(&d);
            state.popup = Some(Popup::Ask(Ask {
                title: t("editor.draft.delete_title").to_string(),
                lines: vec![tf("editor.draft.delete_body", &[("saved", &saved)])],
                yes: t("editor.draft.delete_yes").to_string(),
                no: t("editor.draft.delete_no").to_string(),
                question: Question::DeleteDraft(d),
                focus_no: true,
            }));
        }
        (Question::DeleteDraft(d), true) => {
            notice(state, Level::Info, t("editor.draft.discarded"));
            return vec![Effect::DeleteDraft(d.dossier)];
        }
        (Question::DeleteDraft(d), false) => return ask_resume(state, *d),
        (Question::ChannelChanged { channel, .. }, true) => recompose_for(state, channel),
        (Question::ChannelChanged { channel, tracking }, false) => {
            return send_checked(state, channel, tracking)
        }
        (Question::ResendEmail(mut job), true) => {
            job.resend = true;
            return super::common::start_write(state, Effect::SendEmail(job));
        }
        (Question::ResendEmail(_), false) => notice(state, Level::Info, t("tui.mail.not_resent")),
    }
    vec![]
}

/// Esc on a question: nothing is lost and nothing is sent.
fn cancel_question(state: &mut State, q: Question) -> Vec<Effect> {
    match q {
        // Keep editing.
        Question::DiscardLetter | Question::ChannelChanged { .. } => {}
        Question::ResendEmail(_) => notice(state, Level::Info, t("tui.mail.not_resent")),
        // The draft stays on disk; the fresh letter behind the question is not kept, so that
        // no autosave can overwrite the draft with it.
        Question::ResumeDraft(_) | Question::DeleteDraft(_) => {
            close_editor(state);
            notice(state, Level::Info, t("editor.draft.kept"));
        }
    }
    vec![]
}
