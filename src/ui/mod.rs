//! Rendering: a pure function of `&State` and the `Theme` into a ratatui frame. Never mutates,
//! never panics on any terminal size (every rectangle is computed with saturating arithmetic and
//! clamped).

mod batch;
mod detail;
pub mod editor;
mod header;
mod popups;
mod reports;
mod status;
mod table;
pub mod theme;
mod widgets;

use ratatui::layout::{Alignment, Constraint, Layout, Rect};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;

use crate::app::state::{layout_mode, table_rows, LayoutMode, State, MIN_HEIGHT, MIN_WIDTH};
use crate::i18n::tf;
use crate::keymap::Command;
use crate::keymap::Context;
use detail::render_detail;
use header::render_header;
use popups::render_popup;
use status::render_status;
use table::render_table;
use theme::Theme;

/// The theme is the terminal's (colours, background), not the session's: whoever draws holds it.
pub fn render(frame: &mut Frame, state: &State, th: &Theme) {
    render_screen(frame, state, th);
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

fn render_screen(frame: &mut Frame, state: &State, th: &Theme) {
    let area = frame.area();
    if area.width < MIN_WIDTH || area.height < MIN_HEIGHT {
        too_small(frame, area, state, th);
        return;
    }
    if let Some(view) = state.reports.as_deref().filter(|_| state.editor.is_none()) {
        reports::render_reports(frame, area, state, th, view);
        render_popup(frame, area, state, th);
        return;
    }
    if let Some(ed) = &state.editor {
        editor::render_editor(frame, area, state, th, ed);
        render_popup(frame, area, state, th);
        return;
    }
    let [header, body, status] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(1),
        Constraint::Length(2),
    ])
    .areas(area);
    render_header(frame, header, state, th);
    // Layout from the frame actually drawn (not the last resize seen by update), so a render
    // into any buffer size is consistent.
    match layout_mode((area.width, area.height)) {
        LayoutMode::Single if state.detail_full => render_detail(frame, body, state, th),
        LayoutMode::Single => render_table(frame, body, state, th),
        LayoutMode::Side => {
            let [l, r] =
                Layout::horizontal([Constraint::Percentage(62), Constraint::Percentage(38)])
                    .areas(body);
            render_table(frame, l, state, th);
            render_detail(frame, r, state, th);
        }
        LayoutMode::Stacked => {
            let rows = table_rows((area.width, area.height)) as u16 + 3;
            let [top, bottom] =
                Layout::vertical([Constraint::Length(rows), Constraint::Min(1)]).areas(body);
            render_table(frame, top, state, th);
            render_detail(frame, bottom, state, th);
        }
    }
    render_status(frame, status, state, th);
    render_popup(frame, area, state, th);
}

fn too_small(frame: &mut Frame, area: Rect, state: &State, th: &Theme) {
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
            .style(th.title())
            .alignment(Alignment::Center)
            .wrap(Wrap { trim: true }),
        inner,
    );
}
