//! `update(&mut State, Action) -> Vec<Effect>`: every change of the screen goes through here.
//!
//! Pure: no terminal, no store. Writes are returned as effects; their results come back as actions.

use chrono::{Duration, NaiveDate};
use crossterm::event::{KeyEvent, KeyEventKind};

use super::action::{Action, Effect};
use super::command::Command;
use super::describe::{channel_label, event_text, stage_label, step_label, who_did_what};
use super::form::{Choice, Field, Form, FormKind, Target};
use super::state::*;
use crate::domain::event::{Channel, EventKind, InjonctionStep, NoteKind};
use crate::domain::fold::Stage;
use crate::domain::model::{Debtor, DebtorType, DossierKind, Item, Jurisdiction};
use crate::domain::parse::{parse_date, parse_positive_amount};
use crate::domain::schedule::NextActionKind;
use crate::i18n::{date, money, t, tf};
use crate::keymap::{Context, KeyChord};
use crate::storage::NewDossier;

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
            match dossier {
                Ok(d) => {
                    replace_entry(state, Entry::new(d, state.today));
                    state.selected = Some(id);
                    rebuild(state);
                    notice(state, Level::Success, done);
                }
                Err(e) => {
                    // Written but not re-readable: say both, the write itself succeeded.
                    notice(state, Level::Error, format!("{done} — {e}"));
                }
            }
            vec![]
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
            if let Ok(d) = reloaded {
                replace_entry(state, Entry::new(d, state.today));
                state.selected = Some(id);
                rebuild(state);
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
            vec![]
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
                replace_entry(state, Entry::new(d, today));
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
    }
}

fn notice(state: &mut State, level: Level, text: impl Into<String>) {
    state.notice = Some(Notice {
        level,
        text: text.into(),
    });
}

fn loaded(state: &mut State, res: Result<crate::storage::Snapshot, String>) {
    match res {
        Ok(snap) => {
            let today = state.today;
            state.entries = snap
                .dossiers
                .into_iter()
                .map(|d| Entry::new(d, today))
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
        .filter(|(_, e)| filter.trim().is_empty() || e.matches(&filter))
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
            } else if !state.filter.text.is_empty() || state.stage_filter.is_some() {
                state.filter = Default::default();
                state.stage_filter = None;
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
            return vec![Effect::LoadAll];
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
        | Command::Undo => dossier_command(state, cmd),
        Command::Quit
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
                .map(|n| super::describe::next_label(&n.kind))
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
    let text = match state.stage_filter {
        Some(s) => tf("tui.stage_filter.on", &[("stage", &stage_label(s))]),
        None => t("tui.stage_filter.off").to_string(),
    };
    notice(state, Level::Info, text);
}

fn target(e: &Entry) -> Target {
    Target {
        id: e.id(),
        expected_len: e.dossier.state.journal_len,
        debtor: e.debtor().to_string(),
        balance: e.balance,
    }
}

fn dossier_command(state: &mut State, cmd: Command) {
    let Some(e) = state.current() else {
        notice(state, Level::Error, t("tui.error.no_selection"));
        return;
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
        return;
    }
    let today = state.today;
    let result: Result<Popup, String> = match cmd {
        Command::Relance => relance_popup(e, today),
        Command::Injonction => injonction_popup(e, today),
        Command::Undo => undo_popup(e, today),
        Command::Payment => Ok(Popup::Form(Box::new(payment_form(e, today)))),
        // On a disputed dossier the same key records how the dispute ended.
        Command::Contestation if e.dossier.state.contestation.is_some() => {
            Ok(Popup::Form(Box::new(resolve_form(e))))
        }
        Command::Contestation => Ok(Popup::Form(Box::new(contestation_form(e)))),
        Command::Notice => match e.dossier.state.oldest_open_due() {
            // Not exigible yet: a formal notice now would be premature (and a mistake in court).
            Some(due) if due >= today => Err(tf(
                "tui.error.not_exigible",
                &[("debtor", &e.debtor()), ("date", &date(due))],
            )),
            _ if needs_last_notice(e) => Ok(Popup::Form(Box::new(last_notice_form(e)))),
            _ => Ok(Popup::Form(Box::new(notice_form(e, today)))),
        },
        Command::Note => Ok(Popup::Form(Box::new(note_form(e, NoteKind::Note)))),
        Command::Call => Ok(Popup::Form(Box::new(note_form(e, NoteKind::PhoneCall)))),
        _ => return,
    };
    match result {
        Ok(p) => state.popup = Some(p),
        Err(msg) => notice(state, Level::Error, msg),
    }
}

/// The relance step. Until the letters issue lands this is a confirmation; the letter editor
/// will replace `Popup::Confirm` here and fill `letter` in the same `PendingWrite`.
fn relance_popup(e: &Entry, today: NaiveDate) -> Result<Popup, String> {
    let st = &e.dossier.state;
    if st.notice.is_some() || st.injonction.is_some() {
        return Err(tf(
            "tui.error.relance_after_notice",
            &[("debtor", &e.debtor())],
        ));
    }
    let level = st.relance_level() + 1;
    if level > 3 {
        return Err(tf("tui.error.relance_max", &[("debtor", &e.debtor())]));
    }
    let channel = match &e.next {
        Some(n) if n.kind == NextActionKind::Relance { level } => n.channel,
        _ => None,
    }
    .unwrap_or(if level == 1 {
        Channel::Email
    } else {
        Channel::Letter
    });
    let mut lines = vec![
        tf("tui.confirm.debtor", &[("debtor", &e.debtor())]),
        tf("tui.confirm.balance", &[("amount", &money(e.balance))]),
        tf(
            "tui.confirm.channel",
            &[("channel", &channel_label(channel))],
        ),
        tf("tui.confirm.date", &[("date", &date(today))]),
    ];
    if let Some(n) = &e.next {
        if n.date > today {
            lines.push(tf("tui.confirm.early", &[("date", &date(n.date))]));
        }
    }
    lines.push(t("tui.confirm.letter_later").to_string());
    Ok(Popup::Confirm(Confirm {
        title: tf("tui.confirm.relance_title", &[("level", &level)]),
        lines,
        write: PendingWrite::Append {
            id: e.id(),
            expected_len: st.journal_len,
            date: today,
            kinds: vec![EventKind::RelanceSent {
                level,
                channel,
                letter: None,
            }],
            done: tf(
                "tui.done.relance",
                &[("level", &level), ("debtor", &e.debtor())],
            ),
        },
    }))
}

fn injonction_popup(e: &Entry, today: NaiveDate) -> Result<Popup, String> {
    let st = &e.dossier.state;
    let step = match st.injonction {
        None => InjonctionStep::RequestFiled,
        Some((cur, _)) => cur
            .next()
            .ok_or_else(|| tf("tui.error.injonction_done", &[("step", &step_label(cur))]))?,
    };
    let mut lines = vec![
        tf("tui.confirm.debtor", &[("debtor", &e.debtor())]),
        tf("tui.confirm.balance", &[("amount", &money(e.balance))]),
        tf("tui.confirm.date", &[("date", &date(today))]),
    ];
    if step == InjonctionStep::RequestFiled && st.notice.is_none() {
        lines.push(t("tui.confirm.no_notice").to_string());
    }
    Ok(Popup::Confirm(Confirm {
        title: tf(
            "tui.confirm.injonction_title",
            &[("step", &step_label(step))],
        ),
        lines,
        write: PendingWrite::Append {
            id: e.id(),
            expected_len: st.journal_len,
            date: today,
            kinds: vec![EventKind::Injonction { step, note: None }],
            done: tf(
                "tui.done.injonction",
                &[("step", &step_label(step)), ("debtor", &e.debtor())],
            ),
        },
    }))
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
    Form {
        kind: FormKind::Payment,
        title: tf("tui.form.payment_title", &[("debtor", &e.debtor())]),
        target: Some(target(e)),
        fields: vec![
            Field::line("amount", t("tui.field.amount").into(), ""),
            Field::line("date", t("tui.field.payment_date").into(), &date(today)),
            Field::line("reference", t("tui.field.payment_reference").into(), ""),
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

const FORMAL_CHANNELS: [Channel; 3] = [Channel::Lrar, Channel::Commissaire, Channel::Avocat];
/// Days given to pay in a formal notice: under 7 looks abusive, over 30 unconcerned.
pub const NOTICE_DAYS_DEFAULT: i64 = 8;
pub const NOTICE_DAYS_MIN: i64 = 7;
pub const NOTICE_DAYS_MAX: i64 = 30;

fn notice_form(e: &Entry, _today: NaiveDate) -> Form {
    let suggested = e
        .next
        .as_ref()
        .and_then(|n| n.channel)
        .filter(|c| c.is_formal());
    let index = suggested
        .and_then(|c| FORMAL_CHANNELS.iter().position(|x| *x == c))
        .unwrap_or(0);
    let options = FORMAL_CHANNELS
        .iter()
        .map(|c| Choice {
            label: channel_label(*c),
            value: c.slug().to_string(),
        })
        .collect();
    Form {
        kind: FormKind::Notice,
        title: tf("tui.form.notice_title", &[("debtor", &e.debtor())]),
        target: Some(target(e)),
        fields: vec![
            Field::choice("channel", t("tui.field.channel").into(), options, index),
            Field::line(
                "days",
                t("tui.field.notice_days").into(),
                &NOTICE_DAYS_DEFAULT.to_string(),
            ),
            Field::line("tracking", t("tui.field.tracking").into(), ""),
        ],
        focus: 0,
    }
}

/// Dutch and Belgian consumers get a last reminder (14 days, costs stated) instead of a French
/// mise en demeure; the schedule says so through its next action.
fn needs_last_notice(e: &Entry) -> bool {
    let st = &e.dossier.state;
    matches!(
        e.next.as_ref().map(|n| &n.kind),
        Some(NextActionKind::LastNotice)
    ) || (e.dossier.debtor.debtor_type == DebtorType::B2c
        && st.jurisdiction != Jurisdiction::Fr
        && st.notice.is_none())
}

/// Minimum time a consumer gets in a NL/BE last reminder.
pub const LAST_NOTICE_DAYS_MIN: i64 = crate::domain::schedule::LAST_NOTICE_DAYS;
const DURABLE_CHANNELS: [Channel; 3] = [Channel::Email, Channel::Letter, Channel::Lrar];

fn last_notice_form(e: &Entry) -> Form {
    let options = DURABLE_CHANNELS
        .iter()
        .map(|c| Choice {
            label: channel_label(*c),
            value: c.slug().to_string(),
        })
        .collect();
    Form {
        kind: FormKind::LastNotice,
        title: tf("tui.form.last_notice_title", &[("debtor", &e.debtor())]),
        target: Some(target(e)),
        fields: vec![
            Field::choice("channel", t("tui.field.channel").into(), options, 1),
            Field::line(
                "days",
                t("tui.field.notice_days").into(),
                &LAST_NOTICE_DAYS_MIN.to_string(),
            ),
            Field::line("costs", t("tui.field.costs").into(), ""),
        ],
        focus: 2,
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
            label: t(&format!("tui.outcome.{}", o.slug())).to_string(),
            value: o.slug().to_string(),
        })
        .collect();
    Form {
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
            notice(state, Level::Info, t("tui.cancelled"));
        }
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

fn date_field(form: &mut Form, id: &str, today: NaiveDate, not_future: bool) -> Option<NaiveDate> {
    let f = form.field(id)?;
    let (label, value) = (f.label.clone(), f.value());
    match parse_date(&label, &value) {
        Ok(d) if not_future && d > today => {
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
    let append =
        |t: &Target, date: NaiveDate, kinds: Vec<EventKind>, done: String| PendingWrite::Append {
            id: t.id,
            expected_len: t.expected_len,
            date,
            kinds,
            done,
        };
    match form.kind {
        FormKind::Payment => {
            let amount = amount_field(form, "amount");
            let day = date_field(form, "date", today, true);
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
                vec![EventKind::PaymentReceived { amount, reference }],
                done,
            ))
        }
        FormKind::Contestation => {
            let text = required(form, "text");
            let review = match optional(form, "review") {
                None => Some(None),
                Some(_) => date_field(form, "review", today, false).map(Some),
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
        FormKind::Notice => {
            let channel = Channel::parse(&form.field("channel")?.value())?;
            let days_text = form.field("days")?.value();
            let days = match days_text.trim().parse::<i64>() {
                Ok(d) if (NOTICE_DAYS_MIN..=NOTICE_DAYS_MAX).contains(&d) => d,
                _ => {
                    form.set_error(
                        "days",
                        tf(
                            "tui.error.notice_days",
                            &[
                                ("input", &days_text),
                                ("min", &NOTICE_DAYS_MIN),
                                ("max", &NOTICE_DAYS_MAX),
                            ],
                        ),
                    );
                    return None;
                }
            };
            let deadline = today + Duration::days(days);
            let t = form.target.clone()?;
            let done = tf(
                "tui.done.notice",
                &[
                    ("channel", &channel_label(channel)),
                    ("debtor", &t.debtor),
                    ("date", &date(deadline)),
                ],
            );
            Some(append(
                &t,
                today,
                vec![EventKind::NoticeSent {
                    channel,
                    deadline,
                    tracking: optional(form, "tracking"),
                    letter: None,
                    overrides: vec![],
                }],
                done,
            ))
        }
        FormKind::LastNotice => {
            let channel = Channel::parse(&form.field("channel")?.value())?;
            let days_text = form.field("days")?.value();
            let days = match days_text.trim().parse::<i64>() {
                Ok(d) if (LAST_NOTICE_DAYS_MIN..=NOTICE_DAYS_MAX).contains(&d) => Some(d),
                _ => {
                    form.set_error(
                        "days",
                        tf(
                            "tui.error.last_notice_days",
                            &[("input", &days_text), ("min", &LAST_NOTICE_DAYS_MIN)],
                        ),
                    );
                    None
                }
            };
            let costs = {
                let f = form.field("costs")?;
                let (label, value) = (f.label.clone(), f.value());
                match crate::domain::parse::parse_amount(&label, &value) {
                    Ok(c) => Some(c),
                    Err(e) => {
                        form.set_error("costs", e.to_string());
                        None
                    }
                }
            };
            let (days, costs) = (days?, costs?);
            let deadline = today + Duration::days(days);
            let t = form.target.clone()?;
            let done = tf(
                "tui.done.last_notice",
                &[
                    ("channel", &channel_label(channel)),
                    ("debtor", &t.debtor),
                    ("date", &date(deadline)),
                ],
            );
            Some(append(
                &t,
                today,
                vec![EventKind::LastNoticeSent {
                    channel,
                    deadline,
                    costs,
                    letter: None,
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
                    ("outcome", &crate::i18n::t(&format!("tui.outcome.{slug}"))),
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
            let issued = date_field(form, "issued", today, true);
            let due = match optional(form, "due") {
                None => required(form, "due").and(None),
                Some(_) => date_field(form, "due", today, false),
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
