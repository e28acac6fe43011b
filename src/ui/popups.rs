//! What sits over the screen: forms, confirmations, yes/no questions and the help.

use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use super::widgets::{block, centered, input_spans, wrapped_height, wrapped_rows};
use crate::app::form::{FieldKind, Form};
use crate::app::state::{Ask, Confirm, Popup, State};
use crate::i18n::{t, tf};
use crate::keymap::Command;
use crate::keymap::Context;

pub(super) fn render_popup(frame: &mut Frame, area: Rect, state: &State, th: &Theme) {
    match &state.popup {
        Some(Popup::Help { scroll }) => render_help(frame, area, state, th, *scroll),
        Some(Popup::Confirm(c)) => render_confirm(frame, area, state, th, c),
        Some(Popup::Form(f)) => render_form(frame, area, state, th, f),
        Some(Popup::Ask(a)) => render_ask(frame, area, state, th, a),
        Some(Popup::Batch(b)) => super::batch::render_batch(frame, area, state, th, b),
        None => {}
    }
}

fn render_ask(frame: &mut Frame, area: Rect, state: &State, th: &Theme, a: &Ask) {
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

pub fn help_lines(state: &State, th: &Theme) -> Vec<Line<'static>> {
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

fn render_help(frame: &mut Frame, area: Rect, state: &State, th: &Theme, scroll: u16) {
    let r = centered(area, 84, area.height.saturating_sub(2));
    let blk = block(th, t("tui.help.title").to_string(), true);
    let lines = help_lines(state, th);
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

fn submit_hint(state: &State, th: &Theme, ctx: Context) -> Line<'static> {
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

fn render_confirm(frame: &mut Frame, area: Rect, state: &State, th: &Theme, c: &Confirm) {
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

fn render_form(frame: &mut Frame, area: Rect, state: &State, th: &Theme, form: &Form) {
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
    }
    // A blank row between fields, unless the terminal is too short for them: every field
    // (the focused one above all) stays on screen at 80×24, errors shown.
    let fields = form.fields.len() as u16;
    let spacer = u16::from(height + fields <= area.height);
    height += spacer * fields;
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
        y += spacer;
    }
    if y < bottom {
        frame.render_widget(
            Paragraph::new(submit_hint(state, th, ctx)),
            Rect {
                x: inner.x + 2,
                y: bottom - 1,
                width: inner.width.saturating_sub(2),
                height: 1,
            },
        );
    }
}
