//! The status bar: filters in force, the last result, and the keys that apply now.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use crate::app::describe::stage_label;
use crate::app::state::{Level, State};
use crate::i18n::{t, tf};

/// The status bar; its keys come from `app::hints`, the one place that decides which commands a
/// mode teaches.
pub(super) fn render_status(frame: &mut Frame, area: Rect, state: &State, th: &Theme) {
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
    for (k, label) in crate::app::hints(state) {
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
