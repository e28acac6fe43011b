//! The two header rows: totals and due counts, then one chip per stage (and the rates warning).

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

use super::theme::Theme;
use super::widgets::badge;
use crate::app::state::{State, View};
use crate::i18n::{count, date, money, t, tf};

pub(super) fn render_header(frame: &mut Frame, area: Rect, state: &State, th: &Theme) {
    let totals = &state.totals;
    let (total, today, overdue) = (totals.outstanding, totals.due_today, totals.overdue);
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
    if let Some(total) = state.loading {
        // Totals over the first screen alone would be wrong: say what is coming instead.
        let head_w = Line::from(l1.clone()).width();
        let long = tf("tui.header.loading", &[("count", &count(total as usize))]);
        let text = if head_w + long.chars().count() + 14 <= area.width as usize {
            long
        } else {
            tf(
                "tui.header.loading_short",
                &[("count", &count(total as usize))],
            )
        };
        l1.extend([
            Span::styled(text, th.info()),
            Span::raw("  ·  "),
            Span::styled(date(state.today), th.label()),
        ]);
        frame.render_widget(Paragraph::new(Line::from(l1)), area);
        return;
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
            Span::raw(tf(&k("tui.header.open"), &[("count", &count(totals.open))])),
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
        for &(stage, n, amount) in &totals.per_stage {
            chips.push(badge(th, stage));
            let text = if with_amount {
                format!(" {} · {}  ", n, money(amount))
            } else {
                format!(" {}  ", n)
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
