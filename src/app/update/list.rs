//! The list and the detail: filters, sort, cursor, the agenda round, and the keys of both panes.

use super::common::notice;
use super::dossier::dossier_command;
use super::forms::add_dossier_form;
use crate::app::action::Effect;
use crate::app::state::*;
use crate::domain::fold::Stage;
use crate::i18n::{t, tf};
use crate::keymap::Command;

/// Recomputes the visible rows from filters and sort, keeping the cursor on the same dossier.
///
/// At 100 000 dossiers what costs is touching every entry in random order: the header totals
/// are recomputed only when the entries changed, and the sorted order of all entries only when
/// they or the sort changed, from the index's copies of the keys (a sort comparing entries in
/// place, 1.6 KB apart in memory, took 130–200 ms). A filter keystroke is then one search over
/// the index's texts and one pass over that order. A write puts its one entry back in place in
/// all three (`order::put_entry`).
pub fn rebuild(state: &mut State) {
    let today = state.today;
    if state.order_sort.is_none() || state.filter_index.len() != state.entries.len() {
        state.totals = crate::app::state::Totals::of(&state.entries, today);
        state.filter_index = crate::app::entry::FilterIndex::of(&state.entries, today, &state.user);
        state.order_sort = None;
        // Names compared byte by byte make the debtor order the slowest to sort (25 ms at
        // 100 000 rows, over a keystroke's 16): sorted here, with the index, and kept.
        state.kept_orders = vec![(
            SortKey::Debtor,
            super::order::sorted(&state.filter_index, SortKey::Debtor),
        )];
    }
    if state.order_sort != Some(state.sort) {
        let kept = state.kept_orders.iter().position(|(k, _)| *k == state.sort);
        let order = match kept {
            Some(p) => state.kept_orders.swap_remove(p).1,
            None => super::order::sorted(&state.filter_index, state.sort),
        };
        let previous = std::mem::replace(&mut state.order, order);
        if let Some(was) = state.order_sort {
            state.kept_orders.push((was, previous));
        }
        state.order_sort = Some(state.sort);
    }
    let ix = &state.filter_index;
    let found = (!state.filter.text.trim().is_empty())
        .then(|| ix.matching(&crate::domain::summary::Query::new(&state.filter.text)));
    state.visible = state
        .order
        .iter()
        .copied()
        .filter(|&i| {
            (match state.view {
                View::Agenda => ix.needs_action[i],
                View::List => state.show_closed || !ix.closed[i],
            }) && state.stage_filter.is_none_or(|s| ix.stages[i] == s)
                && (!state.only_mine || ix.mine[i])
                && found.as_ref().is_none_or(|f| f[i])
        })
        .collect();
    let pos = state
        .selected
        .and_then(|id| state.visible.iter().position(|i| ix.ids[*i] == id));
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

pub fn scroll_into_view(state: &mut State) {
    let rows = table_rows(state.size);
    if state.cursor < state.offset {
        state.offset = state.cursor;
    } else if state.cursor >= state.offset + rows {
        state.offset = state.cursor + 1 - rows;
    }
    let max_offset = state.visible.len().saturating_sub(rows);
    state.offset = state.offset.min(max_offset);
}

pub(super) fn move_cursor(state: &mut State, to: usize) {
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

pub fn filter_command(state: &mut State, cmd: Command) {
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

pub fn main_command(state: &mut State, cmd: Command) -> Vec<Effect> {
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
        Command::Reports => return super::reports::open(state),
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
            // The first screen brings the drafts with it, in the same open of the database.
            // Otherwise drafts first: a quick read, where after the load's start it would wait
            // for the lock behind the whole list (a second at 100 000 dossiers).
            if state.awaits_first_screen() {
                return vec![super::common::load_all(state)];
            }
            return vec![Effect::LoadDraftList, super::common::load_all(state)];
        }
        Command::Help => state.popup = Some(Popup::Help { scroll: 0 }),
        Command::AddDossier => {
            state.popup = Some(Popup::Form(Box::new(add_dossier_form(state.today))))
        }
        Command::Import => state.popup = Some(Popup::Form(Box::new(super::import::import_form()))),
        Command::Mark => {
            super::mail::mark(state);
            move_cursor(state, state.cursor + 1);
        }
        Command::SendBatch => return super::mail::open_batch(state),
        Command::Relance
        | Command::Contestation
        | Command::Payment
        | Command::Notice
        | Command::Injonction
        | Command::Note
        | Command::Call
        | Command::Proof
        | Command::Letter
        | Command::Undo => return dossier_command(state, cmd),
        Command::Quit
        | Command::SaveDraft
        | Command::Pdf
        | Command::Redo
        | Command::Search
        | Command::SearchNext
        | Command::Submit
        | Command::Cancel
        | Command::NextField
        | Command::PrevField
        | Command::NextReport
        | Command::PrevReport => {}
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
