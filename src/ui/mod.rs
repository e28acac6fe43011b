//! Rendering: a pure function of `&State` into a ratatui frame. Never mutates, never panics on
//! any terminal size (every rectangle is computed with saturating arithmetic and clamped).

pub mod editor;
pub mod screenshot;
pub mod theme;

use crate::domain::money::{LineKind, Settled};
use chrono::{Datelike, NaiveDate};
use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders, Cell, Clear, Paragraph, Row, Table, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;

use crate::app::command::Command;
use crate::app::describe::*;
use crate::app::form::{FieldKind, Form};
use crate::app::state::*;
use crate::domain::fold::Stage;
use crate::i18n::{count, date, money, t, tf};
use crate::keymap::Context;
use theme::Theme;

pub fn render(frame: &mut Frame, state: &State) {
    render_screen(frame, state);
    scrub_controls(frame.buffer_mut());
}

/// The one place where data meets the terminal: ratatui 0.29 copies a `Span`'s control
/// characters into the cells (width 0, appended to the previous cell) and the backend writes them
/// out raw, so a debtor named with `ESC ] 52 ;…` would write the user's clipboard. Every cell
/// holding one is cleaned after drawing, whatever widget (table, paragraph, text area) put it
/// there: the control characters are dropped, and a cell that held nothing else shows U+FFFD.
fn scrub_controls(buf: &mut ratatui::buffer::Buffer) {
    for cell in buf.content.iter_mut() {
        if cell.symbol().chars().any(char::is_control) {
            let clean: String = cell.symbol().chars().filter(|c| !c.is_control()).collect();
            cell.set_symbol(if clean.is_empty() { "\u{fffd}" } else { &clean });
        }
    }
}

fn render_screen(frame: &mut Frame, state: &State) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, state);
        return;
    }
    if let Some(ed) = &state.editor {
        editor::render_editor(frame, area, state, ed);
        render_popup(frame, area, state);
        return;
    }
    let [header, body, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    render_header(frame, header, state);
    // Layout from the frame actually drawn (not the last resize seen by update), so a render
    // into any buffer size is consistent.
    match layout_mode((area.width, area.height)) {
        LayoutMode::Single if state.detail_full => render_detail(frame, body, state),
        LayoutMode::Single => render_table(frame, body, state),
        LayoutMode::Side => {
            let [l, r] =
                Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                    .areas(body);
            render_table(frame, l, state);
            render_detail(frame, r, state);
        }
        LayoutMode::Stacked => {
            let rows = table_rows((area.width, area.height)) as u16 + 3;
            let [top, bottom] =
                Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(body);
            render_table(frame, top, state);
            render_detail(frame, bottom, state);
        }
    }
    render_status(frame, status, state);
    render_popup(frame, area, state);
}

/// A one-line input with its cursor as a reversed cell, so it shows without colour too.
pub(crate) fn input_spans(text: &str, cursor: usize, style: Style) -> Vec<Span<'static>> {
    let before: String = text.chars().take(cursor).collect();
    let at: String = text
        .chars()
        .nth(cursor)
        .map(String::from)
        .unwrap_or(" ".into());
    let after: String = text.chars().skip(cursor + 1).collect();
    vec![
        Span::styled(before, style),
        Span::styled(at, style.add_modifier(Modifier::REVERSED)),
        Span::styled(after, style),
    ]
}

/// Width of the list's "last event" column: a short date and a short event name.
const LAST_W: u16 = 18;

fn render_popup(frame: &mut Frame, area: Rect, state: &State) {
    match &state.popup {
        Some(Popup::Help { scroll }) => render_help(frame, area, state, *scroll),
        Some(Popup::Confirm(c)) => render_confirm(frame, area, state, c),
        Some(Popup::Form(f)) => render_form(frame, area, state, f),
        Some(Popup::Ask(a)) => render_ask(frame, area, state, a),
        None => {}
    }
}

fn render_ask(frame: &mut Frame, area: Rect, state: &State, a: &Ask) {
    let th = &state.theme;
    let w = 76u16;
    let body_w = w.saturating_sub(2);
    let h = a.lines.iter().map(|l| wrapped_rows(l, body_w)).sum::<u16>() + 6;
    let r = centered(area, w, h);
    let blk = block(th, a.title.clone(), true);
    let mut lines: Vec<Line> = a.lines.iter().map(|l| Line::from(l.clone())).collect();
    lines.push(Line::default());
    // The two answers are buttons: Enter gives the highlighted one; Esc gives neither.
    let button = |label: &str, focused: bool| {
        let style = if focused {
            th.key().add_modifier(Modifier::REVERSED | Modifier::BOLD)
        } else {
            th.dim()
        };
        Span::styled(format!("[ {label} ]"), style)
    };
    lines.push(Line::from(vec![
        Span::raw("  "),
        button(&a.yes, !a.focus_no),
        Span::raw("   "),
        button(&a.no, a.focus_no),
    ]));
    lines.push(Line::default());
    let mut hint = vec![];
    for (cmd, key) in [
        (Command::Submit, "tui.ask.choose"),
        (Command::NextField, "tui.ask.other"),
        (Command::Cancel, "tui.ask.cancel"),
    ] {
        if let Some(k) = state.keymap.hint_key(Context::Form, cmd) {
            hint.push(Span::styled(k.short(), th.key()));
            hint.push(Span::styled(format!(" {}   ", t(key)), th.dim()));
        }
    }
    lines.push(Line::from(hint));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(blk).wrap(Wrap { trim: false }),
        r,
    );
}

fn too_small(frame: &mut Frame, area: Rect, state: &State) {
    let quit = state
        .keymap
        .hint_key(Context::List, Command::Quit)
        .map(|k| k.short())
        .unwrap_or_default();
    let text = tf(
        "tui.too_small",
        &[
            ("need", &format!("{MIN_WIDTH}×{MIN_HEIGHT}")),
            ("have", &format!("{}×{}", area.width, area.height)),
            ("quit", &quit),
        ],
    );
    let top = area.height.saturating_sub(3) / 2;
    let inner = Rect {
        y: area.y + top.min(area.height.saturating_sub(1)),
        height: area.height.saturating_sub(top),
        ..area
    };
    frame.render_widget(
        Paragraph::new(text)
            .style(state.theme.title())
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        inner,
    );
}

fn badge(th: &Theme, stage: Stage) -> Span<'static> {
    Span::styled(format!(" {:<6}", stage_badge(stage)), th.stage_badge(stage))
}

fn render_header(frame: &mut Frame, area: Rect, state: &State) {
    let th = &state.theme;
    let open: Vec<&Entry> = state.entries.iter().filter(|e| !e.is_closed()).collect();
    let total: Decimal = open.iter().map(|e| e.balance.max(Decimal::ZERO)).sum();
    let (today, overdue) = state.due_counts();
    let mut l1 = vec![
        Span::styled(" recouvre ", th.title().add_modifier(Modifier::REVERSED)),
        Span::raw(" "),
    ];
    if state.view == View::Agenda {
        l1.push(Span::styled(
            format!(" {} ", t("tui.header.agenda")),
            th.due_today().add_modifier(Modifier::REVERSED),
        ));
        l1.push(Span::raw(" "));
    }
    // The longest wording that fits: at 80 columns the counts and the date must stay, the words
    // around them give way first.
    let line1 = |short: bool| -> Vec<Span<'static>> {
        let sep = if short { " · " } else { "  ·  " };
        let k = |key: &str| {
            if short {
                format!("{key}_short")
            } else {
                key.to_string()
            }
        };
        let mut v = vec![];
        if !short {
            v.push(Span::styled(
                t("tui.header.outstanding").to_string(),
                th.label(),
            ));
        }
        v.extend([
            Span::styled(money(total), th.money()),
            Span::raw(sep),
            Span::raw(tf(&k("tui.header.open"), &[("count", &count(open.len()))])),
            Span::raw(sep),
            Span::styled(
                tf(&k("tui.header.due_today"), &[("count", &count(today))]),
                if today > 0 { th.due_today() } else { th.info() },
            ),
            Span::raw(sep),
            Span::styled(
                tf(&k("tui.header.overdue"), &[("count", &count(overdue))]),
                if overdue > 0 { th.overdue() } else { th.info() },
            ),
            Span::raw(sep),
            Span::styled(date(state.today), th.label()),
        ]);
        v
    };
    let head_w = Line::from(l1.clone()).width();
    let long = line1(false);
    if head_w + Line::from(long.clone()).width() <= area.width as usize {
        l1.extend(long);
    } else {
        l1.extend(line1(true));
    }
    // Chips: count and amount per stage, in ladder order.
    let build = |with_amount: bool| {
        let mut chips = vec![Span::raw(" ")];
        for stage in Stage::ALL {
            let of: Vec<&&Entry> = open.iter().filter(|e| e.stage == stage).collect();
            if of.is_empty() {
                continue;
            }
            let amount: Decimal = of.iter().map(|e| e.balance.max(Decimal::ZERO)).sum();
            chips.push(badge(th, stage));
            let text = if with_amount {
                format!(" {} · {}  ", of.len(), money(amount))
            } else {
                format!(" {}  ", of.len())
            };
            chips.push(Span::styled(text, th.stage_text(stage)));
        }
        chips
    };
    // A rate missing from the table makes every figure provisional: say so on every screen.
    let missing = state.env.rules.rates.missing_half_years(state.today);
    let warn = |key: &str| -> Vec<Span> {
        if missing.is_empty() {
            return vec![];
        }
        let list: Vec<String> = missing.iter().map(|h| h.to_string()).collect();
        vec![Span::styled(
            format!(" ⚠ {} ", tf(key, &[("half_years", &list.join(", "))])),
            th.due_today().add_modifier(Modifier::BOLD),
        )]
    };
    // The longest form that fits with every stage: full warning and amounts, then counts only,
    // then the short warning; no stage falls off the edge while a shorter form exists.
    let candidates = [
        ("tui.money.rates_missing", true),
        ("tui.money.rates_missing", false),
        ("tui.money.rates_missing_short", false),
    ];
    let fits = |v: &Vec<Span>| Line::from(v.clone()).width() <= area.width as usize;
    let mut chips = vec![];
    for (key, amounts) in candidates {
        chips = warn(key);
        chips.extend(build(amounts));
        if fits(&chips) {
            break;
        }
    }
    if !fits(&chips) {
        // Still too wide: the warning stays, the last stages (badge + count) give way to "…".
        let head = warn("tui.money.rates_missing_short").len() + 1;
        while chips.len() > head + 2
            && !fits(&{
                let mut v = chips.clone();
                v.push(Span::raw("…"));
                v
            })
        {
            chips.truncate(chips.len() - 2);
        }
        chips.push(Span::styled("…", th.dim()));
    }
    frame.render_widget(
        Paragraph::new(vec![Line::from(l1), Line::from(chips)]),
        area,
    );
}

fn block<'a>(th: &Theme, title: String, focused: bool) -> Block<'a> {
    block_styled(th, title, focused, th.title())
}

/// A pane's frame: thick and highlighted when it has the focus, so the active pane is visible
/// without colour too.
pub(crate) fn block_styled<'a>(
    th: &Theme,
    title: String,
    focused: bool,
    title_style: ratatui::style::Style,
) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_type(if focused {
            BorderType::Thick
        } else {
            BorderType::Plain
        })
        .border_style(if focused {
            th.border_focused()
        } else {
            th.border()
        })
        .title(Span::styled(format!(" {title} "), title_style))
}

fn short_date(d: NaiveDate, today: NaiveDate) -> String {
    // The year only when it differs (two digits): the list is about the weeks around today.
    let same_year = d.year() == today.year();
    match (crate::i18n::lang(), same_year) {
        (crate::i18n::Lang::Fr, true) => d.format("%d/%m").to_string(),
        (_, false) => crate::i18n::date_short(d),
        (crate::i18n::Lang::En, true) => d.format("%m-%d").to_string(),
    }
}

fn render_table(frame: &mut Frame, area: Rect, state: &State) {
    let th = &state.theme;
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
                // A letter draft waiting is marked where the round is done, not only in the detail.
                Cell::from(if state.drafts.contains(&e.id()) {
                    Line::from(vec![
                        Span::styled("✎ ", th.info()),
                        Span::raw(e.debtor().to_string()),
                    ])
                } else {
                    Line::from(e.debtor().to_string())
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
                    .dossier
                    .state
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

fn detail_lines(state: &State, e: &Entry, width: u16) -> Vec<Line<'static>> {
    let th = &state.theme;
    let st = &e.dossier.state;
    let d = &e.dossier.debtor;
    let today = state.today;
    let mut out: Vec<Line> = Vec::new();
    let section = |s: &str| {
        Line::from(Span::styled(
            s.to_string(),
            th.title().add_modifier(Modifier::UNDERLINED),
        ))
    };
    out.push(Line::from(vec![
        badge(th, e.stage),
        Span::raw(" "),
        Span::styled(stage_label(e.stage), th.stage_text(e.stage)),
    ]));
    let mut ident = vec![debtor_type_label(d.debtor_type)];
    if let Some(c) = &d.customer_number {
        ident.push(tf("tui.detail.customer", &[("number", c)]));
    }
    if let Some(s) = &d.siren {
        ident.push(format!("SIREN {s}"));
    }
    if state.drafts.contains(&e.id()) {
        let keys: Vec<String> = [Command::Relance, Command::Notice, Command::Letter]
            .iter()
            .filter_map(|c| state.keymap.hint_key(Context::List, *c).map(|k| k.short()))
            .collect();
        out.push(Line::from(Span::styled(
            tf("tui.money.draft_waiting", &[("keys", &keys.join("/"))]),
            th.due_today().add_modifier(Modifier::BOLD),
        )));
    }
    out.push(Line::from(Span::styled(d.name.clone(), th.title())));
    out.push(Line::from(ident.join(" · ")));
    if !d.address.is_empty() {
        out.push(Line::from(d.address.join(", ")));
    }
    let contact: Vec<String> = [&d.contact, &d.email, &d.phone]
        .into_iter()
        .flatten()
        .cloned()
        .collect();
    if !contact.is_empty() {
        out.push(Line::from(contact.join(" · ")));
    }
    if crate::domain::money::in_collective_proceedings(st, d) {
        out.push(Line::from(Span::styled(
            t("tui.detail.collective").to_string(),
            th.error(),
        )));
    }
    // A limitation about to expire (or expired) is the one thing that cannot wait: on top,
    // with a text mark, not only a colour.
    if let Some(lim) = &e.assessment.limitation {
        use crate::domain::money::LimitationState as L;
        match lim.state {
            L::Warning => out.push(Line::from(Span::styled(
                format!("⚠ {}", lim.message()),
                th.due_today().add_modifier(Modifier::BOLD),
            ))),
            L::Expired => out.push(Line::from(Span::styled(
                format!("✖ {}", lim.message()),
                th.error().add_modifier(Modifier::BOLD),
            ))),
            L::Running => {}
        }
    }
    if let Some(terms) = &st.terms {
        out.push(Line::from(vec![
            Span::styled(t("tui.detail.terms").to_string(), th.label()),
            Span::raw(terms.clone()),
        ]));
    }
    out.push(Line::default());
    out.push(section(t("tui.detail.items")));
    out.extend(item_rows(state, e, width));
    out.push(section(t("tui.detail.payments")));
    if st.payments.is_empty() {
        out.push(Line::from(Span::styled(
            format!("  {}", t("tui.detail.none")),
            th.dim(),
        )));
    }
    for p in &st.payments {
        out.push(Line::from(format!(
            "  {}  {:>13}  {}",
            date(p.date),
            money(p.amount),
            p.reference.clone().unwrap_or_default()
        )));
    }
    for c in &st.credit_notes {
        out.push(Line::from(tf(
            "tui.detail.credit_note",
            &[
                ("reference", &c.reference),
                ("amount", &money(c.amount)),
                ("date", &date(c.date)),
            ],
        )));
    }
    for c in &st.costs {
        out.push(Line::from(tf(
            "tui.detail.cost",
            &[
                ("label", &c.label),
                ("amount", &money(c.amount)),
                ("date", &date(c.date)),
            ],
        )));
    }
    out.push(Line::from(vec![
        Span::styled(t("tui.detail.balance").to_string(), th.title()),
        Span::styled(money(e.balance), th.money()),
        Span::styled(
            if e.days_past_due > 0 {
                tf("tui.detail.dpd", &[("days", &e.days_past_due)])
            } else {
                String::new()
            },
            th.dim(),
        ),
    ]));
    let assessment = &e.assessment;
    out.extend(money_lines(state, e, assessment));
    if let Some(n) = &e.next {
        let style = if n.date < today {
            th.overdue()
        } else if n.date == today {
            th.due_today()
        } else {
            th.info()
        };
        let mut spans = vec![
            Span::styled(t("tui.detail.next").to_string(), th.label()),
            Span::styled(
                format!(
                    "{} — {}",
                    crate::present::next_action_label(n),
                    date(n.date)
                ),
                style,
            ),
        ];
        if let Some(c) = n.channel {
            spans.push(Span::raw(format!(" ({})", channel_label(c))));
        }
        out.push(Line::from(spans));
    }
    if let Some(p) = &st.promise {
        out.push(Line::from(tf(
            "tui.detail.promise",
            &[("amount", &money(p.amount)), ("date", &date(p.until))],
        )));
    }
    if let Some(plan) = &st.plan {
        out.push(Line::from(Span::styled(
            tf("tui.detail.plan", &[("date", &date(plan.date))]),
            th.label(),
        )));
        for i in &plan.instalments {
            out.push(Line::from(format!(
                "  {}  {:>13}",
                date(i.due),
                money(i.amount)
            )));
        }
    }
    if let Some(a) = &st.assigned {
        out.push(Line::from(tf("tui.detail.assigned", &[("user", a)])));
    }
    if let Some(c) = &st.contestation {
        out.push(Line::from(Span::styled(
            tf(
                "tui.detail.contested",
                &[("reason", &c.reason), ("date", &date(c.review))],
            ),
            th.stage_text(Stage::Disputed),
        )));
    }
    if let Some(n) = &st.notice {
        out.push(Line::from(tf(
            "tui.detail.notice",
            &[
                ("channel", &channel_label(n.channel)),
                ("date", &date(n.date)),
                ("deadline", &date(n.deadline)),
            ],
        )));
    }
    out.extend(readiness_lines(state, assessment));
    out.push(Line::default());
    out.push(section(t("tui.detail.journal")));
    for ev in e.dossier.events.iter().rev() {
        let cancelled = st.cancelled.contains(&ev.seq);
        let style = if cancelled { th.cancelled() } else { th.info() };
        let mut spans = vec![
            Span::styled(format!("  {}  ", date(ev.date)), th.label()),
            Span::styled(event_text(&ev.kind), style),
        ];
        if cancelled {
            spans.push(Span::styled(
                format!(" {}", t("tui.detail.cancelled")),
                th.dim(),
            ));
        }
        spans.push(Span::styled(
            tf(
                "tui.detail.by",
                &[
                    ("user", &ev.user),
                    ("at", &crate::i18n::datetime_utc(ev.at)),
                ],
            ),
            th.dim(),
        ));
        out.push(Line::from(spans));
    }
    out
}

/// The items as a compact aligned table: reference, due date, amount, what is left. The
/// columns are sized to the pane so an amount never wraps onto the next line.
fn item_rows(state: &State, e: &Entry, width: u16) -> Vec<Line<'static>> {
    let th = &state.theme;
    let st = &e.dossier.state;
    let claimed = &e.assessment.claim.items;
    let ref_w = st
        .items
        .iter()
        .map(|i| i.reference.chars().count())
        .max()
        .unwrap_or(0)
        .clamp(7, 16);
    let amounts: Vec<String> = st.items.iter().map(|i| money(i.amount)).collect();
    let amount_w = amounts
        .iter()
        .map(|a| a.chars().count())
        .max()
        .unwrap_or(0)
        .max(8);
    // Two-digit years when the full date would push the row past the pane.
    let full = 2 + ref_w + 1 + 10 + 1 + amount_w + 1 + amount_w <= width as usize;
    let fmt_date = |d: NaiveDate| {
        if full {
            date(d)
        } else {
            crate::i18n::date_short(d)
        }
    };
    let date_w = if full { 10 } else { 8 };
    let show_rest = 2 + ref_w + 1 + date_w + 1 + amount_w + 1 + amount_w <= width as usize;
    let mut out = vec![];
    let mut head = format!(
        "  {:<ref_w$} {:<date_w$} {:>amount_w$}",
        t("tui.money.col_ref"),
        t("tui.money.col_due"),
        t("tui.money.col_amount"),
    );
    if show_rest {
        head.push_str(&format!(" {:>amount_w$}", t("tui.money.col_rest")));
    }
    out.push(Line::from(Span::styled(head, th.dim())));
    for (it, amount) in st.items.iter().zip(amounts) {
        let (rest, due, is_claimed) = claimed
            .iter()
            .find(|c| c.reference == it.reference)
            .map(|c| (c.open, c.due, c.claimed))
            .unwrap_or((Decimal::ZERO, it.due, false));
        let reference: String = if it.reference.chars().count() > ref_w {
            let mut r: String = it.reference.chars().take(ref_w - 1).collect();
            r.push('…');
            r
        } else {
            it.reference.clone()
        };
        let late = is_claimed && rest > Decimal::ZERO;
        let mut spans = vec![
            Span::raw(format!("  {reference:<ref_w$} ")),
            Span::styled(
                format!("{:<date_w$}", fmt_date(due)),
                if late { th.overdue() } else { th.info() },
            ),
            Span::styled(format!(" {amount:>amount_w$}"), th.money()),
        ];
        let rest_text = if rest <= Decimal::ZERO {
            t("tui.money.settled").to_string()
        } else {
            money(rest)
        };
        if show_rest {
            spans.push(Span::styled(format!(" {rest_text:>amount_w$}"), th.dim()));
        } else if rest <= Decimal::ZERO {
            spans.push(Span::styled(" ✓", th.dim()));
        }
        out.push(Line::from(spans));
    }
    out
}

/// The amounts owed today from the money engine: totals, daily growth, the breakdown and its
/// notes, with a PROVISOIRE mark in text when a rate is a stand-in.
fn money_lines(
    state: &State,
    e: &Entry,
    a: &crate::domain::assess::Assessment,
) -> Vec<Line<'static>> {
    let th = &state.theme;
    let mut out = vec![];
    let c = &a.claim;
    if let Some(err) = &a.money_error {
        out.push(Line::from(Span::styled(
            tf("tui.money.error", &[("reason", err)]),
            th.error(),
        )));
        out.push(Line::from(vec![
            Span::styled(format!("  {:<24}", t("tui.money.principal")), th.label()),
            Span::styled(format!("{:>14}", money(c.principal)), th.money()),
        ]));
        return out;
    }
    let mut title = vec![Span::styled(
        tf("tui.money.title", &[("date", &date(c.at))]),
        th.title().add_modifier(Modifier::UNDERLINED),
    )];
    if c.provisional {
        title.push(Span::raw(" "));
        title.push(Span::styled(
            format!(" {} ", t("tui.money.provisional")),
            th.error().add_modifier(Modifier::REVERSED | Modifier::BOLD),
        ));
    }
    out.push(Line::from(title));
    let row = |label: &str, amount: Decimal, style| {
        Line::from(vec![
            Span::styled(format!("  {label:<24}"), th.label()),
            Span::styled(format!("{:>14}", money(amount)), style),
        ])
    };
    out.push(row(t("tui.money.principal"), c.principal, th.money()));
    for (key, amount) in [
        ("tui.money.not_yet_due", c.not_yet_due),
        ("tui.money.penalties", c.penalties),
        ("tui.money.indemnities", c.indemnities),
        ("tui.money.interest", c.interest),
        ("tui.money.costs", c.costs),
    ] {
        if !amount.is_zero() {
            out.push(row(t(key), amount, th.money()));
        }
    }
    out.push(row(
        t("tui.money.total"),
        c.total_due,
        th.money().add_modifier(Modifier::BOLD),
    ));
    if !c.daily_growth.is_zero() {
        out.push(Line::from(Span::styled(
            tf("tui.money.daily", &[("amount", &money(c.daily_growth))]),
            th.dim(),
        )));
    }
    // One short row per piece, the amount aligned with the totals; the full wording (dates,
    // base, day count) is in `recouvre show` and in the letters.
    // Principal is in the items table above; here the accessories and what reduced them.
    let pieces: Vec<_> = c
        .lines
        .iter()
        .filter(|l| !matches!(l.kind, LineKind::Principal | LineKind::NotYetDue))
        .collect();
    let item_w = pieces
        .iter()
        .map(|l| l.item.chars().count())
        .max()
        .unwrap_or(0)
        .min(16);
    for l in pieces {
        let mark = if l.provisional { "*" } else { "·" };
        let kind = t(&format!("tui.money.kind_{}", line_kind_slug(l.kind))).to_string();
        let on = l.from.map(date).unwrap_or_default();
        let what = match (l.settled_by, l.days, l.rate) {
            (Some(Settled::Payment), ..) => {
                tf("tui.money.settled_on", &[("kind", &kind), ("date", &on)])
            }
            (Some(Settled::Waiver), ..) => {
                tf("tui.money.waived_on", &[("kind", &kind), ("date", &on)])
            }
            (Some(Settled::CreditNote), ..) => tf("tui.money.credited_on", &[("date", &on)]),
            (Some(Settled::CoveredByIndemnities), ..) => t("tui.money.covered").to_string(),
            (None, Some(days), Some(rate)) => tf(
                "tui.money.piece",
                &[("days", &days), ("rate", &crate::i18n::format_rate(rate))],
            ),
            _ => kind.to_string(),
        };
        let left = format!("  {mark} {:<item_w$} {what}", l.item);
        let pad = 40usize
            .saturating_sub(Span::raw(left.clone()).width())
            .max(1);
        out.push(Line::from(vec![
            Span::styled(left, th.dim()),
            Span::styled(format!("{:>pad$}", money(l.amount)), th.dim()),
        ]));
    }
    for n in &c.notes {
        out.push(Line::from(Span::styled(
            format!("  » {}", n.message()),
            th.info(),
        )));
    }
    // Channel advice for the notice, while none has been sent.
    if e.dossier.state.notice.is_none() && c.total_due > Decimal::ZERO {
        let adv = crate::domain::money::advise_channel(
            c.total_due,
            e.dossier.debtor.debtor_type,
            &crate::domain::money::ChannelHistory::from_state(&e.dossier.state, 0),
            &state.env.rules.channels,
        );
        out.push(Line::from(vec![
            Span::styled(t("tui.money.channel").to_string(), th.label()),
            Span::raw(tf(
                "tui.money.channel_value",
                &[
                    ("channel", &channel_label(adv.channel)),
                    ("min", &money(adv.cost_min)),
                    ("max", &money(adv.cost_max)),
                ],
            )),
        ]));
    }
    out
}

fn line_kind_slug(k: LineKind) -> &'static str {
    match k {
        LineKind::Principal => "principal",
        LineKind::NotYetDue => "not_yet_due",
        LineKind::Penalty => "penalty",
        LineKind::Interest => "interest",
        LineKind::Indemnity => "indemnity",
        LineKind::Cost => "cost",
        LineKind::CollectionCosts => "collection_costs",
    }
}

/// Readiness for a formal notice (certaine, liquide, exigible) with each problem listed, and
/// the limitation date.
fn readiness_lines(state: &State, a: &crate::domain::assess::Assessment) -> Vec<Line<'static>> {
    let th = &state.theme;
    let section = |s: &str| {
        Line::from(Span::styled(
            s.to_string(),
            th.title().add_modifier(Modifier::UNDERLINED),
        ))
    };
    let mut out = vec![Line::default(), section(t("tui.detail.readiness"))];
    let r = &a.readiness;
    for (check, key) in [
        (&r.certaine, "tui.detail.certaine"),
        (&r.liquide, "tui.detail.liquide"),
        (&r.exigible, "tui.detail.exigible"),
    ] {
        out.push(Line::from(vec![
            Span::styled(
                if check.ok { "  [x] " } else { "  [ ] " },
                if check.ok { th.success() } else { th.error() },
            ),
            Span::raw(t(key).to_string()),
        ]));
        for p in &check.problems {
            out.push(Line::from(Span::styled(
                format!("      ✖ {}", p.message()),
                th.error(),
            )));
        }
    }
    for w in &r.warnings {
        out.push(Line::from(Span::styled(
            format!("      ⚠ {}", w.message()),
            th.due_today(),
        )));
    }
    if let Some(lim) = &a.limitation {
        use crate::domain::money::LimitationState as L;
        let (mark, style) = match lim.state {
            L::Running => ("", th.info()),
            L::Warning => ("⚠ ", th.due_today().add_modifier(Modifier::BOLD)),
            L::Expired => ("✖ ", th.error().add_modifier(Modifier::BOLD)),
        };
        // The message names itself ("Prescription le …"): no label in front.
        out.push(Line::from(Span::styled(
            format!("{mark}{}", lim.message()),
            style,
        )));
    }
    out
}

fn render_detail(frame: &mut Frame, area: Rect, state: &State) {
    let th = &state.theme;
    let focused = state.focus == Focus::Detail && state.popup.is_none();
    let Some(e) = state.current() else {
        let blk = block(th, t("tui.detail.title_none").to_string(), focused);
        frame.render_widget(
            Paragraph::new(t("tui.detail.nothing").to_string())
                .style(th.dim())
                .block(blk),
            area,
        );
        return;
    };
    let title = tf(
        "tui.detail.title",
        &[("id", &e.id()), ("debtor", &e.debtor())],
    );
    let blk = block(th, title, focused);
    let inner = blk.inner(area);
    let lines = detail_lines(state, e, inner.width);
    let max_scroll = wrapped_height(&lines, inner.width).saturating_sub(inner.height as usize);
    let scroll = (state.detail_scroll as usize).min(max_scroll) as u16;
    frame.render_widget(
        Paragraph::new(lines)
            .block(blk)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        area,
    );
}

/// Rows the lines take once wrapped; word wrapping can take a little more than a plain cut, so
/// this errs on the generous side (scrolling a line too far is harmless, too short hides text).
fn wrapped_height(lines: &[Line], width: u16) -> usize {
    let w = width.max(1) as usize;
    lines
        .iter()
        .map(|l| {
            let n = l.width();
            if n <= w {
                1
            } else {
                n.div_ceil(w) + 1
            }
        })
        .sum()
}

/// Hints for the status line, taken from the active keymap so they can never drift.
fn hints(state: &State) -> Vec<(String, String)> {
    let ctx = state.context();
    let cmds: &[Command] = match ctx {
        Context::List | Context::Global => &[
            Command::Help,
            Command::Quit,
            Command::Open,
            Command::NextDue,
            Command::Relance,
            Command::Payment,
            Command::Contestation,
            Command::Notice,
            Command::Injonction,
            Command::Note,
            Command::Undo,
            Command::Agenda,
            Command::Filter,
            // Last: on 80 columns it is the one hint that may not fit (it is in the help).
            Command::Letter,
        ],
        Context::Detail => &[
            Command::Help,
            Command::Back,
            Command::Down,
            Command::NextDue,
            Command::Relance,
            Command::Payment,
            Command::Contestation,
            Command::Notice,
            Command::Letter,
            Command::Note,
            Command::Undo,
        ],
        Context::Form if matches!(state.popup, Some(Popup::Confirm(_))) || state.filter_editing => {
            &[Command::Submit, Command::Cancel]
        }
        Context::Form => &[Command::Submit, Command::NextField, Command::Cancel],
        Context::Editor => &[Command::Submit, Command::NextField, Command::Cancel],
        Context::Help => &[Command::Down, Command::Up, Command::Back],
    };
    cmds.iter()
        .filter_map(|c| {
            state
                .keymap
                .hint_key(ctx, *c)
                .map(|k| (k.short(), c.hint()))
        })
        .collect()
}

fn render_status(frame: &mut Frame, area: Rect, state: &State) {
    let th = &state.theme;
    let mut l1: Vec<Span> = vec![Span::raw(" ")];
    if state.filter_editing {
        l1.push(Span::styled("/", th.key()));
        let text = &state.filter.text;
        let cur = state.filter.cursor;
        let before: String = text.chars().take(cur).collect();
        let at: String = text
            .chars()
            .nth(cur)
            .map(String::from)
            .unwrap_or(" ".into());
        let after: String = text.chars().skip(cur + 1).collect();
        l1.push(Span::styled(before, th.input_focused()));
        l1.push(Span::styled(
            at,
            th.input_focused().add_modifier(Modifier::REVERSED),
        ));
        l1.push(Span::styled(after, th.input_focused()));
        l1.push(Span::styled(
            format!("  {}", t("tui.filter.help")),
            th.dim(),
        ));
        l1.push(Span::raw("  "));
    } else if !state.filter.text.is_empty() {
        l1.push(Span::styled(
            tf("tui.filter.active", &[("filter", &state.filter.text)]),
            th.key(),
        ));
        l1.push(Span::raw("  "));
    }
    if let Some(s) = state.stage_filter {
        l1.push(Span::styled(
            tf("tui.stage_filter.on", &[("stage", &stage_label(s))]),
            th.key(),
        ));
        l1.push(Span::raw("  "));
    }
    if state.only_mine {
        l1.push(Span::styled(
            tf("tui.mine.on", &[("user", &state.user)]),
            th.key(),
        ));
        l1.push(Span::raw("  "));
    }
    if state.show_closed {
        l1.push(Span::styled(t("tui.closed.shown").to_string(), th.key()));
        l1.push(Span::raw("  "));
    }
    if let Some(n) = &state.notice {
        let (prefix, style) = match n.level {
            Level::Error => (t("tui.level.error"), th.error()),
            Level::Success => (t("tui.level.ok"), th.success()),
            Level::Info => ("", th.info()),
        };
        l1.push(Span::styled(format!("{prefix}{}", n.text), style));
    }
    // A message wider than the screen (a confirmation naming the debtor and the channel) takes
    // both rows: right after an action it matters more than the key hints, which come back with
    // the next key.
    let free_first = l1.len() == 1;
    if !free_first && Line::from(l1.clone()).width() > area.width as usize {
        frame.render_widget(
            Paragraph::new(Line::from(l1)).wrap(Wrap { trim: true }),
            area,
        );
        return;
    }
    // Hints go whole (key + label) onto the second line, and onto the first as well when
    // there is nothing to report, so none is cut in half at the edge.
    let mut lines: Vec<Vec<Span>> = vec![vec![Span::raw(" ")], vec![Span::raw(" ")]];
    let mut row = if free_first { 0 } else { 1 };
    let mut used = 1usize;
    for (k, label) in hints(state) {
        let w = Span::raw(format!("{k} {label}  ")).width();
        if used + w > area.width as usize && row == 0 {
            row = 1;
            used = 1;
        }
        lines[row].push(Span::styled(k, th.key()));
        lines[row].push(Span::styled(format!(" {label}  "), th.dim()));
        used += w;
    }
    let [h1, h2]: [Vec<Span>; 2] = lines.try_into().unwrap_or_default();
    let first = if free_first { h1 } else { l1 };
    frame.render_widget(
        Paragraph::new(vec![Line::from(first), Line::from(h2)]),
        area,
    );
}

/// A rectangle of at most `w`×`h` centred in `area`, never larger than it.
fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

pub fn help_lines(state: &State) -> Vec<Line<'static>> {
    let th = &state.theme;
    let km = &state.keymap;
    let mut out = vec![
        Line::from(Span::styled(
            tf("tui.help.keymap", &[("name", &km.name)]),
            th.dim(),
        )),
        Line::from(Span::styled(t("tui.help.fallback").to_string(), th.dim())),
    ];
    for ctx in Context::ALL {
        let bindings = km.bindings(ctx);
        if bindings.is_empty() {
            continue;
        }
        out.push(Line::default());
        out.push(Line::from(Span::styled(
            t(&format!("tui.context.{}", ctx.name())).to_string(),
            th.title().add_modifier(Modifier::UNDERLINED),
        )));
        for (cmd, keys) in bindings {
            let keys: Vec<String> = keys.iter().map(|k| k.to_string()).collect();
            out.push(Line::from(vec![
                Span::styled(format!("  {:<22}", keys.join(", ")), th.key()),
                Span::raw(cmd.description()),
            ]));
        }
    }
    out
}

fn render_help(frame: &mut Frame, area: Rect, state: &State, scroll: u16) {
    let th = &state.theme;
    let r = centered(area, 84, area.height.saturating_sub(2));
    let blk = block(th, t("tui.help.title").to_string(), true);
    let lines = help_lines(state);
    let inner = blk.inner(r);
    let max = wrapped_height(&lines, inner.width).saturating_sub(inner.height as usize);
    let scroll = (scroll as usize).min(max) as u16;
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines)
            .block(blk)
            .wrap(Wrap { trim: false })
            .scroll((scroll, 0)),
        r,
    );
}

fn submit_hint(state: &State, ctx: Context) -> Line<'static> {
    let th = &state.theme;
    let mut spans = vec![];
    // In a form's text field Enter submits too (see `key_to_action`), Alt-Enter starts a line.
    let text_field = ctx == Context::Editor;
    if text_field {
        spans.push(Span::styled("⏎", th.key()));
        spans.push(Span::styled(
            format!(" {}   ", Command::Submit.hint()),
            th.dim(),
        ));
        spans.push(Span::styled("alt-⏎", th.key()));
        spans.push(Span::styled(
            format!(" {}   ", t("tui.form.newline")),
            th.dim(),
        ));
    }
    for c in [Command::Submit, Command::NextField, Command::Cancel] {
        if text_field && c == Command::Submit {
            continue;
        }
        if let Some(k) = state.keymap.hint_key(ctx, c) {
            spans.push(Span::styled(k.short(), th.key()));
            spans.push(Span::styled(format!(" {}   ", c.hint()), th.dim()));
        }
    }
    Line::from(spans)
}

fn render_confirm(frame: &mut Frame, area: Rect, state: &State, c: &Confirm) {
    let th = &state.theme;
    let h = c.lines.iter().map(|l| wrapped_rows(l, 70)).sum::<u16>() + 5;
    let r = centered(area, 72, h);
    let blk = block(th, c.title.clone(), true);
    let mut lines: Vec<Line> = c.lines.iter().map(|l| Line::from(l.clone())).collect();
    lines.push(Line::default());
    let mut hint = vec![];
    for cmd in [Command::Submit, Command::Cancel] {
        if let Some(k) = state.keymap.hint_key(Context::Form, cmd) {
            hint.push(Span::styled(k.short(), th.key()));
            let label = if cmd == Command::Submit {
                t("tui.confirm.yes").to_string()
            } else {
                cmd.hint()
            };
            hint.push(Span::styled(format!(" {label}   "), th.dim()));
        }
    }
    lines.push(Line::from(hint));
    frame.render_widget(Clear, r);
    frame.render_widget(
        Paragraph::new(lines).block(blk).wrap(Wrap { trim: false }),
        r,
    );
}

const LABEL_W: u16 = 26;

/// Rows an error message takes once wrapped in `width` columns.
fn wrapped_rows(text: &str, width: u16) -> u16 {
    let w = width.max(1) as usize;
    let len = Span::raw(text).width();
    len.div_ceil(w).clamp(1, 4) as u16
}

fn render_form(frame: &mut Frame, area: Rect, state: &State, form: &Form) {
    let th = &state.theme;
    let width = 84u16.min(area.width.saturating_sub(2));
    let field_w = width.saturating_sub(LABEL_W + 3);
    let err_w = width.saturating_sub(4);
    let mut height: u16 = 2 + 2;
    for n in &form.notes {
        height += wrapped_rows(n, err_w);
    }
    if !form.notes.is_empty() {
        height += 1;
    }
    for f in &form.fields {
        height += if f.is_text() { 4 } else { 1 };
        if let Some(e) = &f.error {
            height += wrapped_rows(&format!("✖ {e}"), err_w);
        }
        height += 1;
    }
    let r = centered(area, width, height);
    frame.render_widget(Clear, r);
    let ctx = state.context();
    let blk = block(th, form.title.clone(), true);
    let inner = blk.inner(r);
    frame.render_widget(blk, r);
    let mut y = inner.y;
    let bottom = inner.y + inner.height;
    for n in &form.notes {
        let h = wrapped_rows(n, err_w).min(bottom.saturating_sub(y));
        frame.render_widget(
            Paragraph::new(n.clone())
                .style(th.info())
                .wrap(Wrap { trim: true }),
            Rect {
                x: inner.x,
                y,
                width: inner.width,
                height: h,
            },
        );
        y += h;
    }
    if !form.notes.is_empty() {
        y += 1;
    }
    for (i, f) in form.fields.iter().enumerate() {
        if y >= bottom {
            break;
        }
        let focused = i == form.focus;
        let h = if f.is_text() { 4 } else { 1 }.min(bottom - y);
        let label_area = Rect {
            x: inner.x,
            y,
            width: LABEL_W.min(inner.width),
            height: 1,
        };
        let input_area = Rect {
            x: inner.x + LABEL_W.min(inner.width),
            y,
            width: field_w.min(inner.width.saturating_sub(LABEL_W)),
            height: h,
        };
        let label_style = if focused { th.title() } else { th.label() };
        frame.render_widget(
            Paragraph::new(Line::from(vec![
                Span::styled(if focused { "› " } else { "  " }, th.key()),
                Span::styled(format!("{} ", f.label), label_style),
            ])),
            label_area,
        );
        let style = if focused {
            th.input_focused()
        } else {
            th.input()
        };
        match &f.kind {
            FieldKind::Line(l) => {
                let mut spans = vec![];
                if focused {
                    spans.extend(input_spans(&l.text, l.cursor, style));
                } else {
                    spans.push(Span::styled(l.text.clone(), style));
                }
                frame.render_widget(Paragraph::new(Line::from(spans)).style(style), input_area);
            }
            FieldKind::Choice { options, index } => {
                let mut spans = vec![Span::styled("‹ ", th.key())];
                let all: usize = options.iter().map(|o| o.label.chars().count() + 2).sum();
                if all + 4 > input_area.width as usize {
                    // Too many to show side by side: the current one and where it stands.
                    if let Some(o) = options.get(*index) {
                        spans.push(Span::styled(
                            format!("[{}]", o.label),
                            style.add_modifier(Modifier::BOLD),
                        ));
                        spans.push(Span::styled(
                            format!(" ({}/{})", index + 1, options.len()),
                            th.dim(),
                        ));
                    }
                }
                for (j, o) in options
                    .iter()
                    .enumerate()
                    .filter(|_| all + 4 <= input_area.width as usize)
                {
                    if j == *index {
                        spans.push(Span::styled(
                            format!("[{}]", o.label),
                            style.add_modifier(Modifier::BOLD),
                        ));
                    } else {
                        spans.push(Span::styled(format!(" {} ", o.label), th.dim()));
                    }
                }
                spans.push(Span::styled(" ›", th.key()));
                frame.render_widget(Paragraph::new(Line::from(spans)), input_area);
            }
            FieldKind::Text(ta) => {
                let mut ta = (**ta).clone();
                ta.set_style(style);
                if focused {
                    ta.set_cursor_style(style.add_modifier(Modifier::REVERSED));
                } else {
                    ta.set_cursor_style(style);
                }
                frame.render_widget(&ta, input_area);
            }
        }
        y += h;
        if let Some(e) = &f.error {
            let text = tf("tui.form.field_error", &[("error", e)]);
            let rows = wrapped_rows(&text, err_w).min(bottom.saturating_sub(y));
            frame.render_widget(
                Paragraph::new(text)
                    .style(th.error())
                    .wrap(Wrap { trim: true }),
                Rect {
                    x: inner.x + 2,
                    y,
                    width: err_w.min(inner.width.saturating_sub(2)),
                    height: rows,
                },
            );
            y += rows;
        }
        y += 1;
    }
    if y < bottom {
        frame.render_widget(
            Paragraph::new(submit_hint(state, ctx)),
            Rect {
                x: inner.x + 2,
                y: bottom - 1,
                width: inner.width.saturating_sub(2),
                height: 1,
            },
        );
    }
}
