//! The dossier list: one row per visible dossier, columns added as the width allows.

use chrono::{Datelike, NaiveDate};
use ratatui::layout::{Alignment, Constraint, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Cell, Paragraph, Row, Table, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use super::widgets::{badge, block};
use crate::app::describe::{event_short, next_short};
use crate::app::state::{Focus, State, View};
use crate::i18n::{money, t, tf};
use crate::keymap::Command;
use crate::keymap::Context;

/// Width of the list's "last event" column: a short date and a short event name.
const LAST_W: u16 = 18;

fn short_date(d: NaiveDate, today: NaiveDate) -> String {
    // The year only when it differs (two digits): the list is about the weeks around today.
    let same_year = d.year() == today.year();
    match (crate::i18n::lang(), same_year) {
        (crate::i18n::Lang::Fr, true) => d.format("%d/%m").to_string(),
        (_, false) => crate::i18n::date_short(d),
        (crate::i18n::Lang::En, true) => d.format("%m-%d").to_string(),
    }
}

pub(super) fn render_table(frame: &mut Frame, area: Rect, state: &State, th: &Theme) {
    let focused = state.focus == Focus::List && state.popup.is_none();
    let mut title = match state.view {
        View::List => tf("tui.list.title", &[("count", &state.visible.len())]),
        View::Agenda => tf("tui.list.agenda_title", &[("count", &state.visible.len())]),
    };
    title.push_str(&tf(
        "tui.list.sorted",
        &[("sort", &t(state.sort.label_key()))],
    ));
    let blk = block(th, title, focused);
    let inner = blk.inner(area);
    frame.render_widget(blk, area);
    if inner.height == 0 || inner.width == 0 {
        return;
    }
    if state.visible.is_empty() {
        let (text, style) = match &state.load_error {
            Some(e) => (
                tf(
                    "tui.list.load_error",
                    &[
                        ("error", e),
                        (
                            "key",
                            &state
                                .keymap
                                .hint_key(Context::List, Command::Reload)
                                .map(|k| k.short())
                                .unwrap_or_default(),
                        ),
                    ],
                ),
                th.error(),
            ),
            None if !state.loaded => (t("tui.list.loading").to_string(), th.dim()),
            None if state.view == View::Agenda => {
                (t("tui.list.agenda_empty").to_string(), th.success())
            }
            None => (t("tui.list.empty").to_string(), th.dim()),
        };
        frame.render_widget(
            Paragraph::new(text).style(style).wrap(Wrap { trim: true }),
            inner,
        );
        return;
    }
    let w = inner.width;
    // Every column the review needs as soon as it fits: the open-items count from 76 columns,
    // the last event ("18/11 relance") from 92; below that the detail pane shows them.
    let show_last = w >= 92;
    let show_open = w >= 76;
    // Fixed columns first; what is left is shared between the debtor and the next action
    // (whose label must stay readable).
    let fixed = 7 + if show_open { 4 } else { 0 } + 13 + 5 + if show_last { LAST_W } else { 0 };
    let spacing = if show_open { 5 } else { 4 } + u16::from(show_last);
    let rows_h = inner.height.saturating_sub(1) as usize;
    // Clamp locally as well, in case the last resize did not reach update yet.
    let mut offset = state.offset.min(state.visible.len().saturating_sub(1));
    if state.cursor < offset {
        offset = state.cursor;
    } else if rows_h > 0 && state.cursor >= offset + rows_h {
        offset = state.cursor + 1 - rows_h;
    }
    let free = w.saturating_sub(fixed + spacing);
    // The next-action column gets what its longest label on screen needs (mark, date, label),
    // so an action is never cut; the debtor name takes the rest.
    let today = state.today;
    let needed = state
        .visible
        .iter()
        .skip(offset)
        .take(rows_h)
        .filter_map(|i| state.entries.get(*i)?.next.as_ref())
        .map(|n| {
            3 + Span::raw(short_date(n.date, today)).width()
                + Span::raw(next_short(&n.kind)).width()
        })
        .max()
        .unwrap_or(12) as u16;
    let next_w = needed.clamp(12, 30).min(free.saturating_sub(12));
    let debtor_w = free.saturating_sub(next_w);
    let mut widths = vec![Constraint::Length(7), Constraint::Length(debtor_w)];
    let mut titles = vec![
        t("tui.col.stage").to_string(),
        t("tui.col.debtor").to_string(),
    ];
    if show_open {
        widths.push(Constraint::Length(4));
        titles.push(t("tui.col.open").into());
    }
    widths.extend([
        Constraint::Length(13),
        Constraint::Length(5),
        Constraint::Length(next_w),
    ]);
    titles.extend([
        t("tui.col.balance").to_string(),
        t("tui.col.dpd").to_string(),
        t("tui.col.next").to_string(),
    ]);
    if show_last {
        widths.push(Constraint::Length(LAST_W));
        titles.push(t("tui.col.last").into());
    }
    // Only the rows on screen are built.
    let rows: Vec<Row> = state
        .visible
        .iter()
        .enumerate()
        .skip(offset)
        .take(rows_h)
        .filter_map(|(pos, idx)| state.entries.get(*idx).map(|e| (pos, e)))
        .map(|(pos, e)| {
            let mut cells = vec![
                Cell::from(badge(th, e.stage)),
                // A letter draft waiting is marked where the round is done, not only in the
                // detail; so is a dossier marked for the e-mail round.
                Cell::from({
                    let mut spans = vec![];
                    if state.marked.contains(&e.id()) {
                        spans.push(Span::styled("● ", th.key()));
                    }
                    if state.drafts.contains(&e.id()) {
                        spans.push(Span::styled("✎ ", th.info()));
                    }
                    spans.push(Span::raw(e.debtor().to_string()));
                    Line::from(spans)
                }),
            ];
            if show_open {
                cells.push(Cell::from(
                    Line::from(e.open_items.to_string()).alignment(Alignment::Right),
                ));
            }
            cells.push(Cell::from(
                Line::from(money(e.balance)).alignment(Alignment::Right),
            ));
            cells.push(Cell::from(
                Line::from(if e.days_past_due > 0 {
                    e.days_past_due.to_string()
                } else {
                    "—".into()
                })
                .alignment(Alignment::Right),
            ));
            cells.push(match &e.next {
                Some(n) => {
                    let (mark, style) = if n.date < today {
                        ("!!", th.overdue())
                    } else if n.date == today {
                        ("! ", th.due_today())
                    } else {
                        ("  ", th.info())
                    };
                    Cell::from(Line::from(vec![
                        Span::styled(mark, style),
                        Span::styled(format!("{} ", short_date(n.date, today)), style),
                        Span::styled(next_short(&n.kind), style),
                    ]))
                }
                None => Cell::from(Span::styled("  —", th.dim())),
            });
            if show_last {
                let last = e
                    .last_event
                    .map(|(_, d, slug)| format!("{} {}", short_date(d, today), event_short(slug)))
                    .unwrap_or_default();
                cells.push(Cell::from(Span::styled(last, th.dim())));
            }
            let row = Row::new(cells);
            if pos == state.cursor {
                row.style(th.selected())
            } else {
                row
            }
        })
        .collect();
    let header = Row::new(titles).style(th.label().add_modifier(Modifier::BOLD));
    frame.render_widget(
        Table::new(rows, widths).header(header).column_spacing(1),
        inner,
    );
}
