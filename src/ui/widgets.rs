//! Pieces every pane and popup draws with: frames, inputs, badges, centring and row counts.

use ratatui::layout::Rect;
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, BorderType, Borders};

use super::theme::Theme;
use crate::app::describe::stage_badge;
use crate::domain::fold::Stage;

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

pub(super) fn badge(th: &Theme, stage: Stage) -> Span<'static> {
    Span::styled(format!(" {:<6}", stage_badge(stage)), th.stage_badge(stage))
}

pub(super) fn block<'a>(th: &Theme, title: String, focused: bool) -> Block<'a> {
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

/// A rectangle of at most `w`×`h` centred in `area`, never larger than it.
pub(super) fn centered(area: Rect, w: u16, h: u16) -> Rect {
    let w = w.min(area.width);
    let h = h.min(area.height);
    Rect {
        x: area.x + (area.width - w) / 2,
        y: area.y + (area.height - h) / 2,
        width: w,
        height: h,
    }
}

/// Rows an error message takes once wrapped in `width` columns.
pub(super) fn wrapped_rows(text: &str, width: u16) -> u16 {
    let w = width.max(1) as usize;
    let len = Span::raw(text).width();
    len.div_ceil(w).clamp(1, 4) as u16
}

/// Rows the lines take once wrapped; word wrapping can take a little more than a plain cut, so
/// this errs on the generous side (scrolling a line too far is harmless, too short hides text).
pub(super) fn wrapped_height(lines: &[Line], width: u16) -> usize {
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
