//! `update(&mut State, Action) -> Vec<Effect>`: every change of the screen goes through here.
//!
//! Pure: no terminal, no store. Writes are returned as effects; their results come back as actions.
//! Which handler a command reaches is decided once, by `State::mode()`.

mod advice;
mod common;
mod dossier;
mod editor;
mod forms;
mod import;
mod journal;
mod list;
mod mail;
mod order;
mod reports;
mod send;

use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, Effect};
use super::describe::who_did_what;
use super::entry::{assess_all, Loaded};
use super::failure::Failure;
use super::form::FormKind;
use super::mode::Mode;
use super::state::*;
use crate::i18n::{t, tf};
use crate::keymap::{Command, KeyChord};
use common::{load_all, notice, replace_entry, start_write};
use editor::{
    ask_command, close_editor, draft_loaded, draft_saved, editor_command, search_command,
};
pub use forms::validate;
use list::{filter_command, main_command, rebuild, scroll_into_view};
use send::send_letter;

/// Translates a terminal key into an action through the active keymap context.
pub fn key_to_action(state: &State, ev: KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let mode = state.mode();
    if let Some(chord) = KeyChord::from_event(&ev) {
        if let Some(cmd) = state.keymap.lookup(mode.context(), &chord) {
            return Some(Action::Command(cmd));
        }
    }
    // In a form, Enter submits whatever field has the focus (a note as well as an amount), and
    // Alt-Enter starts a new line in a multi-line field; the letter editor keeps Enter for lines.
    if mode == (Mode::Form { text: true }) && ev.code == KeyCode::Enter {
        if ev.modifiers.contains(KeyModifiers::ALT) {
            let plain = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
            return Some(Action::Key(plain));
        }
        if ev.modifiers.is_empty() {
            return Some(Action::Command(Command::Submit));
        }
    }
    mode.types_text().then_some(Action::Key(ev))
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
    // Only these bring journals in: the others cannot put the count over the capacity. A resize
    // asks for nothing (the loop drops its effects) and does not change the dossier on screen.
    let (brings_journals, resize) = (
        matches!(
            action,
            Action::Loaded(_)
                | Action::FirstScreen(_)
                | Action::Ready(_)
                | Action::Written { .. }
                | Action::Stale { .. }
                | Action::Patched(_)
                | Action::BatchStep { .. }
        ),
        matches!(action, Action::Resize(..)),
    );
    let mut effects = step(state, action);
    advice::refresh(state);
    if brings_journals {
        journal::trim(state);
    }
    if !resize {
        effects.extend(journal::wanted(state));
    }
    effects
}

fn step(state: &mut State, action: Action) -> Vec<Effect> {
    match action {
        Action::Command(cmd) => command(state, cmd),
        Action::Key(ev) => {
            typed(state, ev);
            vec![]
        }
        Action::Resize(w, h) => {
            state.size = (w, h);
            if state.layout_mode() != LayoutMode::Single {
                state.detail_full = false;
            }
            scroll_into_view(state);
            vec![]
        }
        Action::Loaded(res) => {
            let (today, env) = (state.today, std::sync::Arc::clone(&state.env));
            let keep = state.journal_capacity;
            loaded(
                state,
                res.map(|snap| Loaded::assess(snap, today, &env, keep)),
            );
            vec![]
        }
        Action::FirstScreen(first) => {
            let crate::model::FirstScreen {
                snapshot,
                total,
                drafts,
            } = *first;
            state.drafts = drafts.into_iter().collect();
            // A reload with a list on screen keeps it until the new one is complete.
            if !state.loaded || state.loading.is_some() {
                let mut entries = assess_all(snapshot.dossiers, state.today, &state.env);
                journal::carry_over(&mut state.entries, &Default::default(), &mut entries);
                state.entries = entries;
                state.order_sort = None;
                state.generation = snapshot.generation;
                state.loaded = true;
                state.loading = Some(total);
                rebuild(state);
            }
            vec![]
        }
        Action::Ready(res) => {
            loaded(state, res.map(|b| *b));
            // The "loading…" of the start or of a reload has done its job.
            if state
                .notice
                .as_ref()
                .is_some_and(|n| n.level == Level::Info)
            {
                state.notice = None;
            }
            vec![]
        }
        Action::Written {
            id,
            dossier,
            done,
            generation,
        } => {
            state.popup = None;
            state.mailing = false;
            if let Some(g) = generation {
                state.generation = g;
            }
            let mut effects = vec![];
            // The letter is in the journal: the editor and its draft have done their job.
            if state
                .editor
                .as_ref()
                .is_some_and(|e| e.sending && e.target.id == id)
            {
                state.editor = None;
                effects.push(Effect::DeleteDraft(id));
            }
            match dossier {
                Ok(d) => {
                    replace_entry(state, Entry::new(d, state.today, &state.env));
                    state.selected = Some(id);
                    rebuild(state);
                    notice(state, Level::Success, done);
                }
                Err(e) => {
                    // Written but not re-readable: say both, the write itself succeeded.
                    notice(state, Level::Error, format!("{done} — {e}"));
                }
            }
            effects
        }
        Action::Stale {
            id,
            newer,
            reloaded,
        } => {
            state.popup = None;
            state.mailing = false;
            let debtor = state
                .entry(id)
                .map(|e| e.debtor().to_string())
                .unwrap_or_default();
            let mut effects = vec![];
            if let Ok(d) = reloaded {
                let len = d.state.journal_len;
                replace_entry(state, Entry::new(d, state.today, &state.env));
                state.selected = Some(id);
                rebuild(state);
                // The letter stays open with its text: the user reads what changed, then sends
                // again (against the journal now on screen) or cancels. The text goes to the
                // drafts at once, in case they leave.
                if let Some(ed) = state.editor.as_mut().filter(|e| e.target.id == id) {
                    ed.sending = false;
                    ed.target.expected_len = len;
                    effects.push(Effect::SaveDraft {
                        id,
                        step: ed.step.slug().to_string(),
                        text: ed.text(),
                    });
                }
            }
            let what: Vec<String> = newer.iter().map(who_did_what).collect();
            notice(
                state,
                Level::Error,
                tf(
                    "tui.error.stale",
                    &[("debtor", &debtor), ("what", &what.join(" ; "))],
                ),
            );
            effects
        }
        Action::WriteFailed(msg) => {
            state.mailing = false;
            // The popup stays open so the user can retry (Enter) or cancel; nothing was written.
            notice(
                state,
                Level::Error,
                tf("tui.error.write_failed", &[("reason", &msg)]),
            );
            vec![]
        }
        // Past midnight, every figure that depends on the day (days late, penalties, what is due
        // today, a lapsed promise) and the date of what is logged or written from now on follow
        // the new day: the list is assessed again, and stays on screen until that is done.
        Action::DayChanged(day) if day != state.today => {
            state.today = day;
            notice(
                state,
                Level::Info,
                tf("tui.new_day", &[("date", &crate::i18n::date(day))]),
            );
            vec![load_all(state)]
        }
        Action::DayChanged(_) => vec![],
        // Nothing loaded yet (or the last load failed): everything; else only what changed.
        Action::ExternalChange if !state.loaded || state.load_error.is_some() => {
            vec![load_all(state)]
        }
        Action::ExternalChange => vec![Effect::LoadChanged {
            since: state.generation,
        }],
        Action::Patched(Ok(snap)) => {
            let today = state.today;
            state.generation = state.generation.max(snap.generation);
            // Each entry put back in place costs a pass over the order: past a few dozen, one
            // rebuild from every entry is cheaper.
            if snap.dossiers.len() > 64 {
                state.order_sort = None;
            }
            for d in snap.dossiers {
                replace_entry(state, Entry::new(d, today, &state.env));
            }
            if !snap.problems.is_empty() {
                state.problems = snap.problems;
            }
            rebuild(state);
            // A colleague's import may have changed thousands: each came back whole.
            journal::trim(state);
            vec![]
        }
        Action::JournalsLoaded(res) => {
            journal::loaded(state, res);
            vec![]
        }
        Action::ReportsComputed(res) => {
            reports::computed(state, res);
            vec![]
        }
        // A failed partial reload is retried as a full one on the next change.
        Action::Patched(Err(e)) => {
            notice(state, Level::Error, e.to_string());
            vec![]
        }
        Action::DraftLoaded { id, draft } => {
            draft_loaded(state, id, draft);
            vec![]
        }
        Action::DraftSaved { id, text, result } => draft_saved(state, id, text, result),
        Action::DraftDeleted { id, result } => {
            match result {
                Ok(()) => {
                    state.drafts.remove(&id);
                }
                Err(e) => notice(
                    state,
                    Level::Error,
                    tf("editor.error.draft_delete", &[("reason", &e)]),
                ),
            }
            vec![]
        }
        Action::DraftList(Ok(ids)) => {
            state.drafts = ids.into_iter().collect();
            vec![]
        }
        // Only a mark on screen: not worth an error over the real work.
        Action::DraftList(Err(_)) => vec![],
        Action::PathCompleted {
            field,
            typed,
            completed,
            candidates,
        } => {
            import::path_completed(state, field, &typed, completed, candidates);
            vec![]
        }
        Action::ImportPlanned(res) => {
            import::planned(state, res);
            vec![]
        }
        Action::Imported(res) => import::imported(state, res),
        Action::PdfWritten(result) => {
            match result {
                Ok(path) => notice(
                    state,
                    Level::Success,
                    tf("editor.done.pdf", &[("path", &path.display())]),
                ),
                Err(e) => notice(state, Level::Error, e),
            }
            vec![]
        }
        Action::MailProgress(p) => {
            mail::progress(state, p);
            vec![]
        }
        Action::MailNotSent { id, message } => {
            mail::not_sent(state, id, message);
            vec![]
        }
        Action::MailUnfinished { job, message } => {
            mail::unfinished(state, job, message);
            vec![]
        }
        Action::BatchPlanned(res) => {
            mail::planned(state, res);
            vec![]
        }
        Action::BatchStep {
            index,
            outcome,
            dossier,
        } => {
            let sent = (outcome == crate::app::mailing::StepOutcome::Sent)
                .then(|| dossier.as_ref().map(|d| d.state.id))
                .flatten();
            mail::step(state, index, outcome, sent);
            // The line's journal as it now stands (sent, or its failure recorded).
            if let Some(d) = dossier {
                let entry = Entry::new(*d, state.today, &state.env);
                replace_entry(state, entry);
                rebuild(state);
                // A round of thousands of letters: each line comes back whole.
                journal::trim(state);
            }
            vec![]
        }
        Action::BatchFinished => {
            mail::finished(state);
            vec![]
        }
        Action::AutosaveDue => match state.editor.as_deref() {
            // Also while a send waits for confirmation: until it is on disk, the draft is
            // the only copy.
            Some(ed) if ed.dirty() => vec![Effect::SaveDraft {
                id: ed.target.id,
                step: ed.step.slug().to_string(),
                text: ed.text(),
            }],
            _ => vec![],
        },
    }
}

fn loaded(state: &mut State, res: Result<Loaded, Failure>) {
    state.loading = None;
    match res {
        Ok(load) => {
            // A write of this session, or a colleague's change patched in, that landed after the
            // load read its records is newer than what the load brings (journals only grow), or
            // absent from it (a dossier created meanwhile).
            let mut load = load;
            journal::carry_over(&mut state.entries, &state.since_load, &mut load.entries);
            let mut mine: std::collections::HashMap<_, _> = state
                .entries
                .drain(..)
                .filter(|e| state.since_load.contains(&e.id()))
                .map(|e| (e.id(), e))
                .collect();
            state.entries = load
                .entries
                .into_iter()
                .map(|e| match mine.remove(&e.id()) {
                    Some(m) if m.journal_len > e.journal_len => m,
                    _ => e,
                })
                .collect();
            state.entries.extend(mine.into_values());
            state.order_sort = None;
            state.since_load.clear();
            state.problems = load.problems;
            state.generation = load.generation;
            state.load_error = None;
            state.loaded = true;
            if !state.problems.is_empty() {
                notice(
                    state,
                    Level::Error,
                    tf(
                        "tui.error.problems",
                        &[
                            ("count", &state.problems.len()),
                            ("first", &state.problems[0].key),
                        ],
                    ),
                );
            }
            rebuild(state);
        }
        Err(e) => {
            state.load_error = Some(e.to_string());
            notice(state, Level::Error, e.to_string());
        }
    }
}

fn command(state: &mut State, cmd: Command) -> Vec<Effect> {
    if cmd == Command::Quit {
        if let Some(ed) = state.editor.as_deref_mut() {
            // Ctrl-C in a letter leaves the letter, not the application: the text is kept as a
            // draft (when it was changed) and the list comes back.
            state.popup = None;
            if ed.search.is_some() {
                ed.search = None;
            }
            if !ed.modified() {
                close_editor(state);
                return vec![];
            }
            ed.close_after_save = true;
            return vec![Effect::SaveDraft {
                id: ed.target.id,
                step: ed.step.slug().to_string(),
                text: ed.text(),
            }];
        }
        // (The runtime still writes an open letter to the drafts on a signal or a hang-up.)
        state.quit = true;
        return vec![];
    }
    match state.mode() {
        Mode::Help => {
            help_command(state, cmd);
            vec![]
        }
        Mode::Reports => {
            reports::command(state, cmd);
            vec![]
        }
        Mode::Confirm => confirm_command(state, cmd),
        Mode::Batch => mail::command(state, cmd),
        Mode::Form { .. } => form_command(state, cmd),
        Mode::Ask => ask_command(state, cmd),
        Mode::Search => {
            search_command(state, cmd);
            vec![]
        }
        // The letter is with the server: nothing may change it until the answer comes.
        Mode::Letter if state.mailing => vec![],
        Mode::Letter => editor_command(state, cmd),
        Mode::Filter => {
            filter_command(state, cmd);
            vec![]
        }
        Mode::List | Mode::Detail => main_command(state, cmd),
    }
}

fn help_command(state: &mut State, cmd: Command) {
    let Some(Popup::Help { scroll }) = &mut state.popup else {
        return;
    };
    let page = table_rows(state.size) as u16;
    match cmd {
        Command::Up => *scroll = scroll.saturating_sub(1),
        Command::Down => *scroll = scroll.saturating_add(1),
        Command::PageUp => *scroll = scroll.saturating_sub(page),
        Command::PageDown => *scroll = scroll.saturating_add(page),
        Command::Top => *scroll = 0,
        // The renderer clamps to the real length.
        Command::Bottom => *scroll = u16::MAX,
        Command::Back | Command::Cancel | Command::Help => state.popup = None,
        _ => {}
    }
}

fn typed(state: &mut State, ev: KeyEvent) {
    match state.mode() {
        Mode::Search => {
            if let Some(input) = state.editor.as_deref_mut().and_then(|e| e.search.as_mut()) {
                input.handle(&ev);
            }
        }
        Mode::Letter if state.mailing => {}
        Mode::Letter => {
            if let Some(ed) = state.editor.as_deref_mut() {
                ed.textarea.input(tui_textarea::Input::from(ev));
            }
        }
        Mode::Filter => {
            if state.filter.handle(&ev) {
                // Incremental: the list narrows on every keystroke, from the top match.
                state.selected = None;
                state.cursor = 0;
                rebuild(state);
            }
        }
        Mode::Form { .. } => {
            if let Some(Popup::Form(form)) = &mut state.popup {
                if let Some(f) = form.focused_mut() {
                    f.handle(&ev);
                }
            }
        }
        Mode::List
        | Mode::Detail
        | Mode::Help
        | Mode::Confirm
        | Mode::Ask
        | Mode::Reports
        | Mode::Batch => {}
    }
}

fn form_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let today = state.today;
    let Some(Popup::Form(form)) = &mut state.popup else {
        return vec![];
    };
    match cmd {
        Command::NextField if form.kind != FormKind::Import => form.next_field(),
        Command::PrevField => form.prev_field(),
        Command::Cancel => {
            state.popup = None;
            if let Some(ed) = state.editor.as_deref_mut() {
                ed.sending = false;
            }
            notice(state, Level::Info, t("tui.cancelled"));
        }
        Command::Submit if form.kind == FormKind::SendLetter => return send_letter(state),
        Command::Submit if form.kind == FormKind::Import => return import::submit(state),
        Command::NextField if form.kind == FormKind::Import => return import::complete(state),
        Command::Submit => match validate(form, today) {
            Some(write) => return start_write(state, write),
            None => {
                form.focus_first_error();
                notice(state, Level::Error, t("tui.error.form"));
            }
        },
        _ => {}
    }
    vec![]
}

fn confirm_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    match cmd {
        Command::Submit => {
            if let Some(Popup::Confirm(c)) = &state.popup {
                let write = c.write.clone();
                return start_write(state, write);
            }
            vec![]
        }
        Command::Cancel | Command::Back => {
            state.popup = None;
            if let Some(ed) = state.editor.as_deref_mut() {
                ed.sending = false;
            }
            notice(state, Level::Info, t("tui.cancelled"));
            vec![]
        }
        _ => vec![],
    }
}
