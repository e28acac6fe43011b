//! The letter editor screen: title, warnings, the text, the search prompt and the keys.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;

use ratatui::Frame;

use super::theme::Theme;
use super::widgets::{block_styled, input_spans};
use crate::app::editor::Editor;
use crate::app::state::{Level, State};
use crate::i18n::{t, tf};

/// The warnings (the preflight's blockers among them), the provisional mark last, each wrapped to the width, and within `max_rows`: what does not fit is counted on a last
/// line rather than cut mid-sentence.
fn warning_lines(th: &Theme, ed: &Editor, width: u16, max_rows: u16) -> Vec<Line<'static>> {
    let mut items: Vec<(String, ratatui::style::Style)> = vec![];
    // The provisional mark below says it already.
    let provisional = t("letters.warning.provisional");
    if let Some(e) = &ed.mail_error {
        items.push((format!("✖ {e}"), th.error()));
    }
    for w in ed
        .warnings
        .iter()
        .filter(|w| !(ed.provisional && *w == provisional))
    {
        items.push((format!("⚠ {w}"), th.due_today()));
    }
    let mut out = vec![];
    let mut rows = 0u16;
    let total = items.len() + usize::from(ed.provisional);
    for (i, (text, style)) in items.into_iter().enumerate() {
        let wrapped = wrap_line(&text, width);
        let h = wrapped.len() as u16;
        // Keep one row for the "more" line unless this is the last item.
        let reserve = u16::from(i + 1 < total);
        if rows + h + reserve > max_rows {
            out.push(Line::from(Span::styled(
                tf("editor.more_warnings", &[("count", &(total - i))]),
                th.dim(),
            )));
            return out;
        }
        rows += h;
        out.extend(
            wrapped
                .into_iter()
                .map(|l| Line::from(Span::styled(l, style))),
        );
    }
    if ed.provisional && rows < max_rows {
        out.push(Line::from(vec![
            Span::styled(
                format!(" {} ", t("editor.provisional_mark")),
                th.error().add_modifier(Modifier::REVERSED | Modifier::BOLD),
            ),
            Span::styled(format!(" {}", t("editor.provisional_check")), th.error()),
        ]));
    }
    out
}

/// Word-wraps one warning to `width` columns (a hanging indent keeps lists readable).
fn wrap_line(text: &str, width: u16) -> Vec<String> {
    let w = width.max(10) as usize;
    let mut out = vec![];
    let mut cur = String::new();
    for word in text.split(' ') {
        let candidate = if cur.is_empty() {
            word.to_string()
        } else {
            format!("{cur} {word}")
        };
        if !cur.is_empty() && Span::raw(candidate.as_str()).width() > w {
            out.push(std::mem::replace(&mut cur, format!("  {word}")));
        } else {
            cur = candidate;
        }
    }
    if !cur.is_empty() {
        out.push(cur);
    }
    out
}

pub fn render_editor(frame: &mut Frame, area: Rect, state: &State, th: &Theme, ed: &Editor) {
    // Warnings never take more than a third of the screen: the letter is the point.
    let warnings = warning_lines(th, ed, area.width, area.height / 3);
    let warn_h = (warnings.len() as u16).min(area.height / 3);
    let search_h = u16::from(ed.search.is_some());
    let [title, warn, body, search, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Length(warn_h),
        Constraint::Min(3),
        Constraint::Length(search_h),
        Constraint::Length(2),
    ])
    .areas(area);

    let mut spans = vec![
        Span::styled(" recouvre ", th.title().add_modifier(Modifier::REVERSED)),
        Span::raw(" "),
        Span::styled(ed.title(), th.title()),
    ];
    if ed.modified() {
        spans.push(Span::styled(
            format!("  ● {}", t("editor.modified")),
            th.due_today(),
        ));
    }
    if let Some(at) = ed.saved_at {
        spans.push(Span::styled(
            format!(
                "  {}",
                tf(
                    "editor.draft_saved_at",
                    &[("time", &at.with_timezone(&chrono::Local).format("%H:%M:%S"))]
                )
            ),
            th.dim(),
        ));
    }
    frame.render_widget(Paragraph::new(Line::from(spans)), title);
    if warn_h > 0 {
        frame.render_widget(Paragraph::new(warnings), warn);
    }

    let focused = state.popup.is_none() && ed.search.is_none();
    let (row, col) = ed.textarea.cursor();
    let blk = block_styled(
        th,
        tf(
            "editor.position",
            &[
                ("line", &(row + 1)),
                ("col", &(col + 1)),
                ("total", &ed.textarea.lines().len()),
            ],
        ),
        focused,
        th.dim(),
    );
    let inner = blk.inner(body);
    frame.render_widget(blk, body);
    // The stored textarea itself, not a clone: its viewport (an atomic inside tui-textarea)
    // remembers the scroll position between frames, so moving up does not jump the page.
    frame.render_widget(&ed.textarea, inner);

    if let Some(input) = &ed.search {
        let mut spans = vec![Span::styled(
            format!(" {} ", t("editor.search_prompt")),
            th.key(),
        )];
        spans.extend(input_spans(&input.text, input.cursor, th.input_focused()));
        let help = if ed.pattern.is_empty() {
            t("editor.search_help").to_string()
        } else {
            tf("editor.search_again", &[("pattern", &ed.pattern)])
        };
        spans.push(Span::styled(format!("  {help}"), th.dim()));
        frame.render_widget(Paragraph::new(Line::from(spans)), search);
    }

    // Status: the last result on the first line, the keys on the second.
    let mut l1 = vec![Span::raw(" ")];
    if let Some(n) = &state.notice {
        let (prefix, style) = match n.level {
            Level::Error => (t("tui.level.error"), th.error()),
            Level::Success => (t("tui.level.ok"), th.success()),
            Level::Info => ("", th.info()),
        };
        l1.push(Span::styled(format!("{prefix}{}", n.text), style));
    }
    let mut l2 = vec![Span::raw(" ")];
    let mut used = 1usize;
    for (k, label) in crate::app::hints(state) {
        let w = Span::raw(format!("{k} {label}  ")).width();
        if used + w > status.width as usize {
            break;
        }
        l2.push(Span::styled(k, th.key()));
        l2.push(Span::styled(format!(" {label}  "), th.dim()));
        used += w;
    }
    frame.render_widget(Paragraph::new(vec![Line::from(l1), Line::from(l2)]), status);
}
