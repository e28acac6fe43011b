//! The reports view: one report at a time, Tab to the next. Bars carry their label and their
//! value as text, so they read the same in 8 colours, in 256 and with `NO_COLOR`.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Bar, BarChart, BarGroup, Block, Borders, Paragraph, Sparkline, Tabs};
use ratatui::Frame;
use rust_decimal::prelude::ToPrimitive;
use rust_decimal::Decimal;

use super::status::render_status;
use super::theme::Theme;
use crate::app::state::{ReportTab, ReportsView, State};
use crate::domain::report::{Bucket, STEP_WINDOW_DAYS};
use crate::i18n::{count, date, euros, t, tf};
use crate::present::{report_bar, report_dso_line, report_share, report_step_label, stage_label};

/// Weeks the sparkline shows.
const WEEKS: usize = 13;
/// Months the bar chart shows.
const MONTHS: usize = 12;

pub(super) fn render_reports(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    th: &Theme,
    view: &ReportsView,
) {
    let [top, body, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    let titles: Vec<Line> = ReportTab::ALL
        .iter()
        .map(|tab| Line::from(format!(" {} ", t(tab.title_key()))))
        .collect();
    let selected = ReportTab::ALL
        .iter()
        .position(|x| *x == view.tab)
        .unwrap_or(0);
    let [head, tabs_area] =
        Layout::vertical([Constraint::Length(1), Constraint::Length(1)]).areas(top);
    frame.render_widget(
        Paragraph::new(Line::from(vec![
            Span::styled(" recouvre ", th.title().add_modifier(Modifier::REVERSED)),
            Span::raw(" "),
            Span::styled(
                tf("tui.reports.title", &[("date", &date(view.reports.today))]),
                th.label(),
            ),
        ])),
        head,
    );
    frame.render_widget(
        Tabs::new(titles)
            .select(selected)
            .style(th.dim())
            // Reversed as well as coloured: the current tab must show without colour.
            .highlight_style(th.title().add_modifier(Modifier::REVERSED | Modifier::BOLD))
            .divider("│"),
        tabs_area,
    );
    match view.tab {
        ReportTab::Ageing => ageing(frame, body, th, view),
        ReportTab::Stages => stages(frame, body, th, view),
        ReportTab::Collected => collected(frame, body, th, view),
        ReportTab::Steps => steps(frame, body, th, view),
    }
    render_status(frame, status, state, th);
}

/// Whole euros as a bar height: geometry, not money (the label beside it is the amount).
fn height(a: Decimal) -> u64 {
    a.round().to_u64().unwrap_or(0)
}

fn block<'a>(title: String, th: &Theme) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(th.border())
        .title(Span::styled(format!(" {title} "), th.title()))
}

/// Vertical bars, each with its label under it and its value on it; the bars share the width.
fn bar_chart<'a>(
    bars: Vec<(String, Decimal, ratatui::style::Style)>,
    area: Rect,
    th: &Theme,
    title: String,
) -> BarChart<'a> {
    let n = bars.len().max(1) as u16;
    let inner = area.width.saturating_sub(2);
    let gap = 1;
    let width = (inner.saturating_sub(gap * n) / n).clamp(3, 16);
    let bars: Vec<Bar> = bars
        .into_iter()
        .map(|(label, amount, style)| {
            Bar::default()
                .label(Line::from(label))
                .value(height(amount))
                .text_value(euros(amount))
                .style(style)
        })
        .collect();
    BarChart::default()
        .block(block(title, th))
        .data(BarGroup::default().bars(&bars))
        .bar_width(width)
        .bar_gap(gap)
        .bar_style(th.money())
        .value_style(th.title().add_modifier(Modifier::REVERSED))
        .label_style(th.label())
}

fn ageing(frame: &mut Frame, area: Rect, th: &Theme, view: &ReportsView) {
    let a = &view.reports.ageing;
    let [chart, table] = Layout::vertical([Constraint::Length(12), Constraint::Min(3)]).areas(area);
    let bars = Bucket::ALL
        .iter()
        .map(|b| {
            (
                t(&format!("report.bucket.{}", b.slug())).to_string(),
                a.total.buckets[*b as usize],
                // From calm to alarming, as the list colours lateness.
                match b {
                    Bucket::NotDue => th.success(),
                    Bucket::Days1To30 | Bucket::Days31To60 => th.due_today(),
                    Bucket::Days61To90 | Bucket::Over90 => th.overdue(),
                },
            )
        })
        .collect();
    frame.render_widget(
        bar_chart(bars, chart, th, t("tui.reports.ageing_chart").to_string()),
        chart,
    );
    // Amounts are whole euros ("102 157"): 9 columns each leave the names room at 80 columns.
    let num_w: usize = if table.width >= 110 { 11 } else { 9 };
    let name_w = (table.width as usize).saturating_sub(2 + 6 * num_w).max(12);
    let head = {
        let mut s = crate::present::fit(t("report.ageing.debtor"), name_w);
        for b in Bucket::ALL {
            let key = format!("report.bucket.{}", b.slug());
            s.push_str(&crate::present::rpad(t(&key), num_w));
        }
        s.push_str(&crate::present::rpad(t("report.total"), num_w));
        s
    };
    let line = |name: &str, l: &crate::domain::report::AgeingLine| {
        let mut s = crate::present::fit(name, name_w);
        for v in l.buckets {
            let cell = if v.is_zero() {
                "·".to_string()
            } else {
                euros(v)
            };
            s.push_str(&crate::present::rpad(&cell, num_w));
        }
        s.push_str(&crate::present::rpad(&euros(l.total), num_w));
        s
    };
    let mut lines = vec![Line::styled(head, th.label())];
    let room = table.height.saturating_sub(4) as usize;
    let start = (view.scroll as usize).min(a.debtors.len().saturating_sub(room.max(1)));
    lines.extend(
        a.debtors
            .iter()
            .skip(start)
            .take(room)
            .map(|d| Line::from(line(&d.debtor, d))),
    );
    lines.push(Line::styled(
        line(t("report.total"), &a.total),
        th.title().add_modifier(Modifier::BOLD),
    ));
    frame.render_widget(
        Paragraph::new(lines).block(block(t("tui.reports.ageing_debtors").to_string(), th)),
        table,
    );
}

/// One line per entry: its label, a bar in proportion to the largest, the figures as text.
fn bar_lines<'a>(
    rows: Vec<(String, Decimal, String, ratatui::style::Style)>,
    width: u16,
    th: &Theme,
) -> Vec<Line<'a>> {
    let max = rows.iter().map(|r| r.1).max().unwrap_or_default();
    let label_w = rows
        .iter()
        .map(|r| r.0.chars().count())
        .max()
        .unwrap_or(0)
        .min(28);
    let text_w = rows.iter().map(|r| r.2.chars().count()).max().unwrap_or(0);
    let bar_w = (width as usize)
        .saturating_sub(label_w + text_w + 6)
        .clamp(4, 50);
    rows.into_iter()
        .map(|(label, value, text, style)| {
            let bar = report_bar(value, max, bar_w);
            let pad = bar_w.saturating_sub(bar.chars().count());
            Line::from(vec![
                Span::styled(crate::present::fit(&label, label_w), th.label()),
                Span::raw(" "),
                Span::styled(bar, style),
                Span::raw(" ".repeat(pad + 1)),
                Span::styled(text, th.money()),
            ])
        })
        .collect()
}

fn stages(frame: &mut Frame, area: Rect, th: &Theme, view: &ReportsView) {
    let rows = view
        .reports
        .stages
        .iter()
        .map(|s| {
            (
                stage_label(s.stage),
                s.outstanding,
                format!(
                    "{:>14} · {:>9} €",
                    tf("tui.reports.dossiers", &[("count", &count(s.dossiers))]),
                    euros(s.outstanding)
                ),
                th.stage_text(s.stage),
            )
        })
        .collect();
    let lines = bar_lines(rows, area.width.saturating_sub(2), th);
    frame.render_widget(
        Paragraph::new(if lines.is_empty() {
            vec![Line::from(t("tui.reports.nothing"))]
        } else {
            lines
        })
        .block(block(t("tui.reports.stages_chart").to_string(), th)),
        area,
    );
}

fn collected(frame: &mut Frame, area: Rect, th: &Theme, view: &ReportsView) {
    let c = &view.reports.collected;
    let [months, weeks, dso] = Layout::vertical([
        Constraint::Min(8),
        Constraint::Length(5),
        Constraint::Length(3),
    ])
    .areas(area);
    let shown = &c.months[c.months.len().saturating_sub(MONTHS)..];
    let bars = shown
        .iter()
        .map(|m| (m.start.format("%m/%y").to_string(), m.amount, th.money()))
        .collect();
    frame.render_widget(
        bar_chart(bars, months, th, t("tui.reports.months_chart").to_string()),
        months,
    );
    let recent = &c.weeks[c.weeks.len().saturating_sub(WEEKS)..];
    let amounts: Vec<String> = recent.iter().map(|w| euros(w.amount)).collect();
    let data: Vec<u64> = recent.iter().map(|w| height(w.amount)).collect();
    frame.render_widget(
        Sparkline::default()
            .block(block(
                tf(
                    "tui.reports.weeks_chart",
                    &[("n", &recent.len()), ("amounts", &amounts.join(" · "))],
                ),
                th,
            ))
            .data(&data)
            .style(th.money()),
        weeks,
    );
    let text = report_dso_line(view.reports.dso.as_ref());
    frame.render_widget(
        Paragraph::new(vec![
            Line::styled(
                tf("report.collected.total", &[("amount", &euros(c.total))]),
                th.label(),
            ),
            Line::from(text),
        ])
        .wrap(ratatui::widgets::Wrap { trim: true }),
        dso.inner(ratatui::layout::Margin::new(1, 0)),
    );
}

fn steps(frame: &mut Frame, area: Rect, th: &Theme, view: &ReportsView) {
    let rows = view
        .reports
        .steps
        .iter()
        .map(|s| {
            let share = report_share(s.share);
            (
                report_step_label(s.step),
                s.share.unwrap_or_default(),
                format!(
                    "{share:>7}  ({}/{})  {:>9} €",
                    count(s.paid),
                    count(s.sent),
                    euros(s.amount)
                ),
                th.stage_text(s.step.stage()),
            )
        })
        .collect();
    let mut lines = bar_lines(rows, area.width.saturating_sub(2), th);
    lines.push(Line::from(""));
    lines.push(Line::styled(
        tf("report.steps.how", &[("days", &STEP_WINDOW_DAYS)]),
        th.dim(),
    ));
    frame.render_widget(
        Paragraph::new(lines)
            .wrap(ratatui::widgets::Wrap { trim: true })
            .block(block(
                tf("tui.reports.steps_chart", &[("days", &STEP_WINDOW_DAYS)]),
                th,
            )),
        area,
    );
}
