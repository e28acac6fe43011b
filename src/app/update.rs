//! `update(&mut State, Action) -> Vec<Effect>`: every change of the screen goes through here.
//!
//! Pure: no terminal, no store. Writes are returned as effects; their results come back as actions.

use chrono::NaiveDate;
use crossterm::event::{KeyCode, KeyEvent, KeyEventKind, KeyModifiers};

use super::action::{Action, Effect};
use super::command::Command;
use super::describe::{channel_label, event_text, stage_label, step_label, who_did_what};
use super::editor::Editor;
use super::form::{Choice, Field, Form, FormKind, LineInput, Target};
use super::state::*;
use crate::domain::day::Nearest;
use crate::domain::event::{Channel, EventKind, InjonctionStep, NoteKind};
use crate::domain::fold::Stage;
use crate::domain::letters::{notice_step, suggest_step_with, LetterStep};
use crate::domain::model::{Debtor, DebtorType, DossierKind, Item, Jurisdiction};
use crate::domain::parse::parse_positive_amount;
use crate::domain::schedule::Profiles;
use crate::i18n::{date, money, t, tf};
use crate::keymap::{Context, KeyChord};
use crate::model::NewDossier;

/// Translates a terminal key into an action through the active keymap context.
pub fn key_to_action(state: &State, ev: KeyEvent) -> Option<Action> {
    if ev.kind == KeyEventKind::Release {
        return None;
    }
    let ctx = state.context();
    if let Some(chord) = KeyChord::from_event(&ev) {
        if let Some(cmd) = state.keymap.lookup(ctx, &chord) {
            return Some(Action::Command(cmd));
        }
    }
    // In a form, Enter submits whatever field has the focus (a note as well as an amount), and
    // Alt-Enter starts a new line in a multi-line field; the letter editor keeps Enter for lines.
    if let Some(Popup::Form(f)) = &state.popup {
        if ev.code == KeyCode::Enter && f.focused().is_some_and(|x| x.is_text()) {
            if ev.modifiers.contains(KeyModifiers::ALT) {
                let plain = KeyEvent::new(KeyCode::Enter, KeyModifiers::NONE);
                return Some(Action::Key(plain));
            }
            if ev.modifiers.is_empty() {
                return Some(Action::Command(Command::Submit));
            }
        }
    }
    let typing = matches!(ctx, Context::Form | Context::Editor);
    typing.then_some(Action::Key(ev))
}

pub fn update(state: &mut State, action: Action) -> Vec<Effect> {
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
            loaded(state, res);
            vec![]
        }
        Action::Written {
            id,
            dossier,
            done,
            generation,
        } => {
            state.popup = None;
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
            // The popup stays open so the user can retry (Enter) or cancel; nothing was written.
            notice(
                state,
                Level::Error,
                tf("tui.error.write_failed", &[("reason", &msg)]),
            );
            vec![]
        }
        // Nothing loaded yet (or the last load failed): everything; else only what changed.
        Action::ExternalChange if !state.loaded || state.load_error.is_some() => {
            vec![Effect::LoadAll]
        }
        Action::ExternalChange => vec![Effect::LoadChanged {
            since: state.generation,
        }],
        Action::Patched(Ok(snap)) => {
            let today = state.today;
            state.generation = state.generation.max(snap.generation);
            for d in snap.dossiers {
                replace_entry(state, Entry::new(d, today, &state.env));
            }
            if !snap.problems.is_empty() {
                state.problems = snap.problems;
            }
            rebuild(state);
            vec![]
        }
        // A failed partial reload is retried as a full one on the next change.
        Action::Patched(Err(e)) => {
            notice(state, Level::Error, e);
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

fn notice(state: &mut State, level: Level, text: impl Into<String>) {
    state.notice = Some(Notice {
        level,
        text: text.into(),
    });
}

fn loaded(state: &mut State, res: Result<crate::model::Snapshot, String>) {
    match res {
        Ok(snap) => {
            let today = state.today;
            state.entries = snap
                .dossiers
                .into_iter()
                .map(|d| Entry::new(d, today, &state.env))
                .collect();
            state.problems = snap.problems;
            state.generation = snap.generation;
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
            state.load_error = Some(e.clone());
            notice(state, Level::Error, e);
        }
    }
}

fn replace_entry(state: &mut State, entry: Entry) {
    match state.entries.iter_mut().find(|e| e.id() == entry.id()) {
        Some(slot) => *slot = entry,
        None => state.entries.push(entry),
    }
}

/// Recomputes the visible rows from filters and sort, keeping the cursor on the same dossier.
pub fn rebuild(state: &mut State) {
    let today = state.today;
    let filter = state.filter.text.clone();
    let query = crate::domain::summary::Query::new(&filter);
    let mut idx: Vec<usize> = state
        .entries
        .iter()
        .enumerate()
        .filter(|(_, e)| match state.view {
            View::Agenda => e.needs_action(today),
            View::List => state.show_closed || !e.is_closed(),
        })
        .filter(|(_, e)| state.stage_filter.is_none_or(|s| e.stage == s))
        .filter(|(_, e)| {
            !state.only_mine || e.dossier.state.assigned.as_deref() == Some(&state.user)
        })
        .filter(|(_, e)| filter.trim().is_empty() || e.matches_query(&query))
        .map(|(i, _)| i)
        .collect();
    let entries = &state.entries;
    match state.sort {
        SortKey::Urgency => idx.sort_by(|a, b| {
            let (a, b) = (&entries[*a], &entries[*b]);
            let key = |e: &Entry| (e.next.is_none(), e.next.as_ref().map(|n| n.date));
            key(a)
                .cmp(&key(b))
                .then(b.balance.cmp(&a.balance))
                .then(a.id().cmp(&b.id()))
        }),
        SortKey::Balance => idx.sort_by(|a, b| {
            let (a, b) = (&entries[*a], &entries[*b]);
            b.balance.cmp(&a.balance).then(a.id().cmp(&b.id()))
        }),
        SortKey::DaysPastDue => idx.sort_by(|a, b| {
            let (a, b) = (&entries[*a], &entries[*b]);
            b.days_past_due
                .cmp(&a.days_past_due)
                .then(b.balance.cmp(&a.balance))
                .then(a.id().cmp(&b.id()))
        }),
        SortKey::Debtor => idx.sort_by(|a, b| {
            let (a, b) = (&entries[*a], &entries[*b]);
            a.debtor()
                .to_lowercase()
                .cmp(&b.debtor().to_lowercase())
                .then(a.id().cmp(&b.id()))
        }),
    }
    state.visible = idx;
    let pos = state
        .selected
        .and_then(|id| state.visible.iter().position(|i| entries[*i].id() == id));
    match pos {
        Some(p) => state.cursor = p,
        None => {
            state.cursor = state.cursor.min(state.visible.len().saturating_sub(1));
            state.selected = state.current().map(|e| e.id());
            state.detail_scroll = 0;
        }
    }
    scroll_into_view(state);
}

fn scroll_into_view(state: &mut State) {
    let rows = table_rows(state.size);
    if state.cursor < state.offset {
        state.offset = state.cursor;
    } else if state.cursor >= state.offset + rows {
        state.offset = state.cursor + 1 - rows;
    }
    let max_offset = state.visible.len().saturating_sub(rows);
    state.offset = state.offset.min(max_offset);
}

fn move_cursor(state: &mut State, to: usize) {
    let n = state.visible.len();
    if n == 0 {
        return;
    }
    let to = to.min(n - 1);
    if to != state.cursor {
        state.detail_scroll = 0;
    }
    state.cursor = to;
    state.selected = state.current().map(|e| e.id());
    scroll_into_view(state);
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
    match state.context() {
        Context::Help => {
            help_command(state, cmd);
            vec![]
        }
        Context::Form | Context::Editor => match &state.popup {
            Some(Popup::Confirm(_)) => confirm_command(state, cmd),
            Some(Popup::Form(_)) => form_command(state, cmd),
            Some(Popup::Ask(_)) => ask_command(state, cmd),
            None if state.editor.as_ref().is_some_and(|e| e.search.is_some()) => {
                search_command(state, cmd);
                vec![]
            }
            None if state.editor.is_some() => editor_command(state, cmd),
            _ => {
                filter_command(state, cmd);
                vec![]
            }
        },
        Context::List | Context::Detail | Context::Global => main_command(state, cmd),
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

fn filter_command(state: &mut State, cmd: Command) {
    match cmd {
        Command::Submit => {
            state.filter_editing = false;
            if state.visible.is_empty() {
                notice(state, Level::Info, t("tui.filter.no_match"));
            }
        }
        Command::Cancel => {
            state.filter_editing = false;
            state.filter = Default::default();
            rebuild(state);
        }
        _ => {}
    }
}

fn typed(state: &mut State, ev: KeyEvent) {
    if state.popup.is_none() {
        if let Some(ed) = state.editor.as_deref_mut() {
            match &mut ed.search {
                Some(input) => {
                    input.handle(&ev);
                }
                None => {
                    ed.textarea.input(tui_textarea::Input::from(ev));
                }
            }
            return;
        }
    }
    if state.filter_editing && state.popup.is_none() {
        if state.filter.handle(&ev) {
            // Incremental: the list narrows on every keystroke, from the top match.
            state.selected = None;
            state.cursor = 0;
            rebuild(state);
        }
        return;
    }
    if let Some(Popup::Form(form)) = &mut state.popup {
        if let Some(f) = form.focused_mut() {
            f.handle(&ev);
        }
    }
}

fn main_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let page = table_rows(state.size);
    let in_detail = state.focus == Focus::Detail;
    match cmd {
        Command::Up if in_detail => state.detail_scroll = state.detail_scroll.saturating_sub(1),
        Command::Down if in_detail => state.detail_scroll = state.detail_scroll.saturating_add(1),
        Command::PageUp if in_detail => {
            state.detail_scroll = state.detail_scroll.saturating_sub(page as u16)
        }
        Command::PageDown if in_detail => {
            state.detail_scroll = state.detail_scroll.saturating_add(page as u16)
        }
        Command::Top if in_detail => state.detail_scroll = 0,
        Command::Bottom if in_detail => state.detail_scroll = u16::MAX,
        Command::Up => move_cursor(state, state.cursor.saturating_sub(1)),
        Command::Down => move_cursor(state, state.cursor + 1),
        Command::PageUp => move_cursor(state, state.cursor.saturating_sub(page)),
        Command::PageDown => move_cursor(state, state.cursor + page),
        Command::Top => move_cursor(state, 0),
        Command::Bottom => move_cursor(state, usize::MAX),
        Command::Open => {
            if state.current().is_some() {
                state.focus = Focus::Detail;
                state.detail_full = state.layout_mode() == LayoutMode::Single;
            }
        }
        Command::SwitchPane => {
            if state.focus == Focus::Detail {
                state.focus = Focus::List;
                state.detail_full = false;
            } else if state.current().is_some() {
                state.focus = Focus::Detail;
                state.detail_full = state.layout_mode() == LayoutMode::Single;
            }
        }
        Command::Back => {
            if state.focus == Focus::Detail {
                state.focus = Focus::List;
                state.detail_full = false;
            } else if !state.filter.text.is_empty()
                || state.stage_filter.is_some()
                || state.only_mine
            {
                // Every filter the empty-list message offers to clear, "mine" included.
                state.filter = Default::default();
                state.stage_filter = None;
                state.only_mine = false;
                rebuild(state);
                notice(state, Level::Info, t("tui.filter.cleared"));
            } else if state.view == View::Agenda {
                state.view = View::List;
                rebuild(state);
            }
        }
        Command::Agenda => {
            state.view = match state.view {
                View::List => View::Agenda,
                View::Agenda => View::List,
            };
            state.focus = Focus::List;
            state.detail_full = false;
            if state.view == View::Agenda {
                // The round starts at the most urgent dossier.
                state.sort = SortKey::Urgency;
                state.selected = None;
                state.cursor = 0;
            }
            rebuild(state);
        }
        Command::NextDue => next_due(state),
        Command::Filter => {
            state.filter_editing = true;
            state.filter.cursor = state.filter.text.chars().count();
        }
        Command::StageFilter => cycle_stage(state),
        Command::Sort => {
            state.sort = state.sort.next();
            rebuild(state);
            notice(
                state,
                Level::Info,
                tf("tui.sort.now", &[("sort", &t(state.sort.label_key()))]),
            );
        }
        Command::ToggleClosed => {
            state.show_closed = !state.show_closed;
            rebuild(state);
            let key = if state.show_closed {
                "tui.closed.shown"
            } else {
                "tui.closed.hidden"
            };
            notice(state, Level::Info, t(key));
        }
        Command::ToggleMine => {
            state.only_mine = !state.only_mine;
            rebuild(state);
            let text = if state.only_mine {
                tf("tui.mine.on", &[("user", &state.user)])
            } else {
                t("tui.mine.off").to_string()
            };
            notice(state, Level::Info, text);
        }
        Command::Reload => {
            notice(state, Level::Info, t("tui.reloading"));
            return vec![Effect::LoadAll, Effect::LoadDraftList];
        }
        Command::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        Command::AddDossier => {
            state.popup = Some(Popup::Form(Box::new(add_dossier_form(state.today))))
        }
        Command::Relance
        | Command::Contestation
        | Command::Payment
        | Command::Notice
        | Command::Injonction
        | Command::Note
        | Command::Call
        | Command::Letter
        | Command::Undo => return dossier_command(state, cmd),
        Command::Quit
        | Command::SaveDraft
        | Command::Redo
        | Command::Search
        | Command::SearchNext
        | Command::Submit
        | Command::Cancel
        | Command::NextField
        | Command::PrevField => {}
    }
    vec![]
}

fn next_due(state: &mut State) {
    let n = state.visible.len();
    let today = state.today;
    let found = (1..=n)
        .map(|k| (state.cursor + k) % n.max(1))
        .find(|&i| state.entries[state.visible[i]].needs_action(today));
    match found {
        // Landing on the current row again means it is the only one left.
        Some(i) if i != state.cursor || state.current().is_some_and(|e| e.needs_action(today)) => {
            move_cursor(state, i);
            state.detail_scroll = 0;
            let e = &state.entries[state.visible[i]];
            let what = e
                .next
                .as_ref()
                .map(crate::present::next_action_label)
                .unwrap_or_default();
            let text = tf(
                "tui.next_due.at",
                &[("debtor", &e.debtor()), ("what", &what)],
            );
            notice(state, Level::Info, text);
        }
        _ => notice(state, Level::Info, t("tui.next_due.none")),
    }
}

fn cycle_stage(state: &mut State) {
    let mut present: Vec<Stage> = state
        .entries
        .iter()
        .filter(|e| state.show_closed || !e.is_closed())
        .map(|e| e.stage)
        .collect();
    present.sort();
    present.dedup();
    state.stage_filter = match state.stage_filter {
        None => present.first().copied(),
        Some(cur) => present.iter().copied().find(|s| *s > cur),
    };
    state.selected = None;
    state.cursor = 0;
    rebuild(state);
    // The active filter is shown by the status line itself; only its removal is news.
    if state.stage_filter.is_none() {
        notice(state, Level::Info, t("tui.stage_filter.off"));
    } else {
        state.notice = None;
    }
}

fn target(e: &Entry) -> Target {
    Target {
        id: e.id(),
        expected_len: e.dossier.state.journal_len,
        debtor: e.debtor().to_string(),
        balance: e.assessment.claim.total_due + e.assessment.claim.not_yet_due,
    }
}

fn dossier_command(state: &mut State, cmd: Command) -> Vec<Effect> {
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
    let today = state.today;
    let result: Result<Popup, String> = match cmd {
        Command::Relance => {
            return match relance_step(e, &state.env.profiles) {
                Ok(step) => open_editor(state, step),
                Err(msg) => {
                    notice(state, Level::Error, msg);
                    vec![]
                }
            }
        }
        Command::Notice => {
            let step = notice_step(&e.dossier.state, e.dossier.debtor.debtor_type);
            return open_editor(state, step);
        }
        Command::Letter => {
            let step = suggest_step_with(
                &e.dossier.state,
                e.dossier.debtor.debtor_type,
                &state.env.profiles,
                today,
                &e.assessment.owing,
            );
            return open_editor(state, step);
        }
        Command::Injonction => injonction_popup(e, today),
        Command::Undo => undo_popup(e, today),
        Command::Payment => Ok(Popup::Form(Box::new(payment_form(e, today)))),
        // On a disputed dossier the same key records how the dispute ended.
        Command::Contestation if e.dossier.state.contestation.is_some() => {
            Ok(Popup::Form(Box::new(resolve_form(e))))
        }
        Command::Contestation => Ok(Popup::Form(Box::new(contestation_form(e)))),
        Command::Note => Ok(Popup::Form(Box::new(note_form(e, NoteKind::Note)))),
        Command::Call => Ok(Popup::Form(Box::new(note_form(e, NoteKind::PhoneCall)))),
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
fn relance_step(e: &Entry, profiles: &dyn Profiles) -> Result<LetterStep, String> {
    let st = &e.dossier.state;
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
    match crate::domain::schedule::next_reminder_level(st, e.dossier.debtor.debtor_type, profiles) {
        Some(1) => Ok(LetterStep::Relance1),
        Some(2) => Ok(LetterStep::Relance2),
        Some(3) => Ok(LetterStep::Relance3),
        _ => Err(tf("tui.error.relance_max", &[("debtor", &e.debtor())])),
    }
}

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

fn draft_loaded(
    state: &mut State,
    id: crate::domain::model::DossierId,
    draft: Result<Option<crate::model::Draft>, String>,
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

fn draft_saved(
    state: &mut State,
    id: crate::domain::model::DossierId,
    text: String,
    result: Result<chrono::DateTime<chrono::Utc>, String>,
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

fn close_editor(state: &mut State) {
    state.editor = None;
    notice(state, Level::Info, t("editor.closed"));
}

fn editor_command(state: &mut State, cmd: Command) -> Vec<Effect> {
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
fn search_command(state: &mut State, cmd: Command) {
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

fn ask_command(state: &mut State, cmd: Command) -> Vec<Effect> {
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
    }
    vec![]
}

/// Esc on a question: nothing is lost and nothing is sent.
fn cancel_question(state: &mut State, q: Question) -> Vec<Effect> {
    match q {
        // Keep editing.
        Question::DiscardLetter | Question::ChannelChanged { .. } => {}
        // The draft stays on disk; the fresh letter behind the question is not kept, so that
        // no autosave can overwrite the draft with it.
        Question::ResumeDraft(_) | Question::DeleteDraft(_) => {
            close_editor(state);
            notice(state, Level::Info, t("editor.draft.kept"));
        }
    }
    vec![]
}

const SEND_CHANNELS: [Channel; 5] = [
    Channel::Email,
    Channel::Letter,
    Channel::Lrar,
    Channel::Commissaire,
    Channel::Avocat,
];

fn send_form(ed: &Editor) -> Form {
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
fn send_letter(state: &mut State) -> Vec<Effect> {
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
fn recompose_for(state: &mut State, channel: Channel) {
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
fn send_checked(state: &mut State, channel: Channel, tracking: Option<String>) -> Vec<Effect> {
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
    let write = PendingWrite::Append {
        id: ed.target.id,
        expected_len: ed.target.expected_len,
        date: today,
        kinds,
        done,
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

fn injonction_popup(e: &Entry, today: NaiveDate) -> Result<Popup, String> {
    let st = &e.dossier.state;
    let step = match st.injonction {
        None => InjonctionStep::RequestFiled,
        Some((cur, _)) => cur
            .next()
            .ok_or_else(|| tf("tui.error.injonction_done", &[("step", &step_label(cur))]))?,
    };
    let mut notes = vec![
        tf("tui.confirm.debtor", &[("debtor", &e.debtor())]),
        tf("tui.confirm.balance", &[("amount", &money(e.balance))]),
    ];
    if step == InjonctionStep::RequestFiled && st.notice.is_none() {
        notes.push(t("tui.confirm.no_notice").to_string());
    }
    // The court's date, not the day it is typed: the order's date starts the service deadline.
    Ok(Popup::Form(Box::new(Form {
        kind: FormKind::Injonction(step),
        title: tf(
            "tui.confirm.injonction_title",
            &[("step", &step_label(step))],
        ),
        notes,
        target: Some(target(e)),
        fields: vec![
            Field::line("date", t("tui.field.step_date").into(), &date(today)),
            Field::line("note", t("tui.field.step_note").into(), ""),
        ],
        focus: 0,
    })))
}

fn undo_popup(e: &Entry, today: NaiveDate) -> Result<Popup, String> {
    let st = &e.dossier.state;
    let Some((seq, _, _)) = st.last_event.filter(|(seq, _, _)| *seq > 0) else {
        return Err(tf("tui.error.nothing_to_undo", &[("debtor", &e.debtor())]));
    };
    let ev = e
        .dossier
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
        write: PendingWrite::Append {
            id: e.id(),
            expected_len: st.journal_len,
            // The cancel is recorded today; the voided event keeps its own date.
            date: today,
            kinds: vec![EventKind::Cancel { target: seq }],
            done: tf("tui.done.undo", &[("what", &what), ("debtor", &e.debtor())]),
        },
    }))
}

fn payment_form(e: &Entry, today: NaiveDate) -> Form {
    // The debtor may say which invoice the payment is for (art. 1342-10 Code civil); otherwise
    // the statutory imputation applies.
    let invoices = std::iter::once(Choice {
        label: t("tui.field.payment_invoice_none").to_string(),
        value: String::new(),
    })
    .chain(e.assessment.claim.open_items().map(|i| Choice {
        label: format!("{} ({})", i.reference, money(i.open)),
        value: i.reference.clone(),
    }))
    .collect();
    Form {
        notes: vec![],
        kind: FormKind::Payment,
        title: tf("tui.form.payment_title", &[("debtor", &e.debtor())]),
        target: Some(target(e)),
        fields: vec![
            Field::line("amount", t("tui.field.amount").into(), ""),
            Field::line("date", t("tui.field.payment_date").into(), &date(today)),
            Field::line("reference", t("tui.field.payment_reference").into(), ""),
            Field::choice(
                "invoice",
                t("tui.field.payment_invoice").into(),
                invoices,
                0,
            ),
        ],
        focus: 0,
    }
}

const CONTESTATION_REASONS: [&str; 5] = ["quality", "delivery", "amount", "already_paid", "other"];

fn contestation_form(e: &Entry) -> Form {
    let reasons = CONTESTATION_REASONS
        .iter()
        .map(|r| Choice {
            label: t(&format!("tui.reason.{r}")).to_string(),
            value: r.to_string(),
        })
        .collect();
    Form {
        notes: vec![],
        kind: FormKind::Contestation,
        title: tf("tui.form.contestation_title", &[("debtor", &e.debtor())]),
        target: Some(target(e)),
        fields: vec![
            Field::choice("reason", t("tui.field.reason").into(), reasons, 0),
            Field::text("text", t("tui.field.contestation_text").into()),
            Field::line("review", t("tui.field.review_date").into(), ""),
        ],
        focus: 0,
    }
}

const OUTCOMES: [crate::domain::event::ContestationOutcome; 3] = [
    crate::domain::event::ContestationOutcome::Rejected,
    crate::domain::event::ContestationOutcome::Settled,
    crate::domain::event::ContestationOutcome::Upheld,
];

fn resolve_form(e: &Entry) -> Form {
    let options = OUTCOMES
        .iter()
        .map(|o| Choice {
            label: crate::present::outcome_label(*o),
            value: o.slug().to_string(),
        })
        .collect();
    Form {
        notes: vec![],
        kind: FormKind::Resolve,
        title: tf("tui.form.resolve_title", &[("debtor", &e.debtor())]),
        target: Some(target(e)),
        fields: vec![
            Field::choice("outcome", t("tui.field.outcome").into(), options, 0),
            Field::text("note", t("tui.field.resolve_note").into()),
        ],
        focus: 0,
    }
}

fn note_form(e: &Entry, kind: NoteKind) -> Form {
    let options = vec![
        Choice {
            label: t("tui.note_kind.note").into(),
            value: "note".into(),
        },
        Choice {
            label: t("tui.note_kind.call").into(),
            value: "call".into(),
        },
    ];
    let index = usize::from(kind == NoteKind::PhoneCall);
    Form {
        notes: vec![],
        kind: FormKind::Note,
        title: tf("tui.form.note_title", &[("debtor", &e.debtor())]),
        target: Some(target(e)),
        fields: vec![
            Field::choice("kind", t("tui.field.note_kind").into(), options, index),
            Field::text("text", t("tui.field.note_text").into()),
        ],
        // Straight into the text: the kind was chosen by the key.
        focus: 1,
    }
}

fn add_dossier_form(today: NaiveDate) -> Form {
    let types = vec![
        Choice {
            label: t("tui.debtor_type.b2b").into(),
            value: "b2b".into(),
        },
        Choice {
            label: t("tui.debtor_type.b2c").into(),
            value: "b2c".into(),
        },
    ];
    Form {
        notes: vec![],
        kind: FormKind::AddDossier,
        title: t("tui.form.add_title").into(),
        target: None,
        fields: vec![
            Field::line("debtor", t("tui.field.debtor").into(), ""),
            Field::choice("debtor_type", t("tui.field.debtor_type").into(), types, 0),
            Field::line("customer_number", t("tui.field.customer_number").into(), ""),
            Field::line("reference", t("tui.field.invoice_reference").into(), ""),
            Field::line("amount", t("tui.field.invoice_amount").into(), ""),
            Field::line("issued", t("tui.field.issued").into(), &date(today)),
            Field::line("due", t("tui.field.due").into(), ""),
        ],
        focus: 0,
    }
}

fn form_command(state: &mut State, cmd: Command) -> Vec<Effect> {
    let today = state.today;
    let Some(Popup::Form(form)) = &mut state.popup else {
        return vec![];
    };
    match cmd {
        Command::NextField => form.next_field(),
        Command::PrevField => form.prev_field(),
        Command::Cancel => {
            state.popup = None;
            if let Some(ed) = state.editor.as_deref_mut() {
                ed.sending = false;
            }
            notice(state, Level::Info, t("tui.cancelled"));
        }
        Command::Submit if form.kind == FormKind::SendLetter => return send_letter(state),
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

fn start_write(state: &mut State, write: PendingWrite) -> Vec<Effect> {
    notice(state, Level::Info, t("tui.writing"));
    vec![match write {
        PendingWrite::Append {
            id,
            expected_len,
            date,
            kinds,
            done,
        } => Effect::Append {
            id,
            expected_len,
            date,
            kinds,
            done,
        },
        PendingWrite::Create { new, done } => Effect::Create { new, done },
    }]
}

fn required(form: &mut Form, id: &str) -> Option<String> {
    let v = form.field(id).map(|f| f.value()).unwrap_or_default();
    if v.trim().is_empty() {
        let label = form.field(id).map(|f| f.label.clone()).unwrap_or_default();
        form.set_error(id, tf("tui.error.required", &[("field", &label)]));
        None
    } else {
        Some(v.trim().to_string())
    }
}

fn date_field(form: &mut Form, id: &str, today: NaiveDate, nearest: Nearest) -> Option<NaiveDate> {
    let f = form.field(id)?;
    let (label, value) = (f.label.clone(), f.value());
    // "hier", "31/12": the nearest past day for what happened, the nearest day to come for a
    // review, the closest for a due date.
    match crate::domain::day::parse_day(&label, &value, today, nearest) {
        Ok(d) if nearest == Nearest::Past && d > today => {
            form.set_error(
                id,
                tf(
                    "tui.error.future_date",
                    &[("field", &label), ("today", &date(today))],
                ),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            form.set_error(id, e.to_string());
            None
        }
    }
}

fn amount_field(form: &mut Form, id: &str) -> Option<rust_decimal::Decimal> {
    let f = form.field(id)?;
    let (label, value) = (f.label.clone(), f.value());
    match parse_positive_amount(&label, &value) {
        Ok(a) => Some(a),
        Err(e) => {
            form.set_error(id, e.to_string());
            None
        }
    }
}

fn optional(form: &Form, id: &str) -> Option<String> {
    form.field(id)
        .map(|f| f.value().trim().to_string())
        .filter(|s| !s.is_empty())
}

/// Checks every field (all errors at once, not one per submit) and builds the write.
pub fn validate(form: &mut Form, today: NaiveDate) -> Option<PendingWrite> {
    for f in &mut form.fields {
        f.error = None;
    }
    if !form.refuse_control_chars() {
        return None;
    }
    let append =
        |t: &Target, date: NaiveDate, kinds: Vec<EventKind>, done: String| PendingWrite::Append {
            id: t.id,
            expected_len: t.expected_len,
            date,
            kinds,
            done,
        };
    match form.kind {
        // Built by the editor from its letter, not from the form alone.
        FormKind::SendLetter => None,
        FormKind::Payment => {
            let amount = amount_field(form, "amount");
            let day = date_field(form, "date", today, Nearest::Past);
            let (amount, day) = (amount?, day?);
            let t = form.target.clone()?;
            let rest = t.balance - amount;
            let mut done = tf(
                "tui.done.payment",
                &[("amount", &money(amount)), ("debtor", &t.debtor)],
            );
            // What the payment leaves is the next thing the user wants to know.
            done.push(' ');
            done.push_str(&if rest > rust_decimal::Decimal::ZERO {
                tf("tui.done.payment_rest", &[("amount", &money(rest))])
            } else {
                crate::i18n::t("tui.done.payment_settled").to_string()
            });
            let reference = optional(form, "reference");
            Some(append(
                &t,
                day,
                vec![EventKind::PaymentReceived {
                    amount,
                    reference,
                    invoice: optional(form, "invoice"),
                }],
                done,
            ))
        }
        FormKind::Contestation => {
            let text = required(form, "text");
            let review = match optional(form, "review") {
                None => Some(None),
                Some(_) => date_field(form, "review", today, Nearest::Future).map(Some),
            };
            let (text, review) = (text?, review?);
            if let Some(r) = review {
                if r < today {
                    form.set_error(
                        "review",
                        tf("tui.error.past_date", &[("today", &date(today))]),
                    );
                    return None;
                }
            }
            let reason_slug = form.field("reason")?.value();
            let reason = t(&format!("tui.reason.{reason_slug}")).to_string();
            let t = form.target.clone()?;
            let done = tf("tui.done.contestation", &[("debtor", &t.debtor)]);
            Some(append(
                &t,
                today,
                vec![EventKind::ContestationReceived {
                    reason,
                    text,
                    review,
                }],
                done,
            ))
        }
        FormKind::Resolve => {
            let slug = form.field("outcome")?.value();
            let outcome = crate::domain::event::ContestationOutcome::parse(&slug)?;
            let note = form.field("note")?.value().trim().to_string();
            let t = form.target.clone()?;
            let done = tf(
                "tui.done.resolved",
                &[
                    ("outcome", &crate::i18n::t(&format!("outcome.{slug}"))),
                    ("debtor", &t.debtor),
                ],
            );
            Some(append(
                &t,
                today,
                vec![EventKind::ContestationResolved { outcome, note }],
                done,
            ))
        }
        FormKind::Injonction(step) => {
            let day = date_field(form, "date", today, Nearest::Past)?;
            let t = form.target.clone()?;
            let done = tf(
                "tui.done.injonction",
                &[("step", &step_label(step)), ("debtor", &t.debtor)],
            );
            Some(append(
                &t,
                day,
                vec![EventKind::Injonction {
                    step,
                    note: optional(form, "note"),
                }],
                done,
            ))
        }
        FormKind::Note => {
            let text = required(form, "text")?;
            let kind = if form.field("kind")?.value() == "call" {
                NoteKind::PhoneCall
            } else {
                NoteKind::Note
            };
            let t = form.target.clone()?;
            let key = match kind {
                NoteKind::Note => "tui.done.note",
                NoteKind::PhoneCall => "tui.done.call",
            };
            let done = tf(key, &[("debtor", &t.debtor)]);
            Some(append(
                &t,
                today,
                vec![EventKind::Note { kind, text }],
                done,
            ))
        }
        FormKind::AddDossier => {
            let name = required(form, "debtor");
            let reference = required(form, "reference");
            let amount = amount_field(form, "amount");
            let issued = date_field(form, "issued", today, Nearest::Past);
            let due = match optional(form, "due") {
                None => required(form, "due").and(None),
                Some(_) => date_field(form, "due", today, Nearest::Closest),
            };
            let (name, reference, amount, issued, due) =
                (name?, reference?, amount?, issued?, due?);
            if due < issued {
                form.set_error(
                    "due",
                    tf("tui.error.due_before_issue", &[("issued", &date(issued))]),
                );
                return None;
            }
            let debtor_type = if form.field("debtor_type")?.value() == "b2c" {
                DebtorType::B2c
            } else {
                DebtorType::B2b
            };
            let mut debtor = Debtor::new(0, name.clone(), debtor_type);
            debtor.customer_number = optional(form, "customer_number");
            let new = NewDossier {
                debtor,
                created: EventKind::Created {
                    debtor: 0,
                    kind: DossierKind::Invoices,
                    profile: None,
                    jurisdiction: Jurisdiction::Fr,
                    contractual_rate: None,
                    refund_reason: None,
                    terms: None,
                },
                items: vec![Item {
                    reference,
                    issued,
                    due,
                    amount,
                    description: None,
                    proof: None,
                }],
                date: today,
            };
            Some(PendingWrite::Create {
                new: Box::new(new),
                done: tf("tui.done.created", &[("debtor", &name)]),
            })
        }
    }
}
