//! The morning round by e-mail over the screen: every dossier with its step, amount and
//! recipient, and what stops it; then each one's outcome as it is sent, and the summary.

use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Clear, Paragraph, Wrap};
use ratatui::Frame;

use super::theme::Theme;
use super::widgets::{block, centered};
use crate::app::mailing::{BatchView, Phase, StepOutcome};
use crate::app::state::State;
use crate::i18n::{money, t, tf};
use crate::keymap::{Command, Context};
use crate::present::{fit, rpad};

/// Fixed columns: n°, step, amount, state.
const ID_W: usize = 6;
const STEP_W: usize = 10;
const AMOUNT_W: usize = 12;
const STATE_W: usize = 11;

pub(super) fn render_batch(
    frame: &mut Frame,
    area: Rect,
    state: &State,
    th: &Theme,
    b: &BatchView,
) {
    let w = area.width.saturating_sub(2).min(118);
    // As tall as the list needs (column titles, reason, summary, keys and the frame), so a
    // short round does not hide the screen behind empty lines.
    let h = (b.candidates.len() as u16 + 8)
        .max(12)
        .min(area.height.saturating_sub(2));
    let r = centered(area, w, h);
    let (sent, skipped, failed) = b.counts();
    let going = b.to_send().len();
    let title = match b.phase {
        Phase::Preview => tf(
            "tui.batch.title_preview",
            &[("count", &b.candidates.len()), ("go", &going)],
        ),
        Phase::Sending => tf(
            "tui.batch.title_sending",
            &[
                ("done", &b.outcomes.iter().flatten().count()),
                ("go", &going),
            ],
        ),
        Phase::Done => t("tui.batch.title_done").to_string(),
    };
    let blk = block(th, title, true);
    let inner = blk.inner(r);
    frame.render_widget(Clear, r);
    frame.render_widget(blk, r);
    let [table, reason, summary, keys] = Layout::vertical([
        Constraint::Min(3),
        Constraint::Length(3),
        Constraint::Length(1),
        Constraint::Length(1),
    ])
    .areas(inner);

    let width = inner.width as usize;
    let flexible = width.saturating_sub(ID_W + STEP_W + AMOUNT_W + STATE_W + 5);
    let debtor_w = flexible / 2;
    let to_w = flexible - debtor_w;
    let row = |cells: [(String, usize, bool); 6]| -> String {
        let parts: Vec<String> = cells
            .iter()
            .map(|(s, w, right)| if *right { rpad(s, *w) } else { fit(s, *w) })
            .collect();
        parts.join(" ")
    };
    let mut lines = vec![Line::from(Span::styled(
        row([
            (t("tui.batch.col_id").into(), ID_W, false),
            (t("tui.col.debtor").into(), debtor_w, false),
            (t("tui.batch.col_step").into(), STEP_W, false),
            (t("tui.batch.col_amount").into(), AMOUNT_W, true),
            (t("tui.batch.col_to").into(), to_w, false),
            (t("tui.batch.col_state").into(), STATE_W, false),
        ]),
        th.label().add_modifier(Modifier::BOLD),
    ))];
    let rows_h = (table.height as usize).saturating_sub(1).max(1);
    let offset = b.cursor.saturating_sub(rows_h.saturating_sub(1));
    for (i, c) in b.candidates.iter().enumerate().skip(offset).take(rows_h) {
        let (status, style) = line_state(b, i, th);
        let step = match c.level {
            0 => "—".to_string(),
            n => tf("tui.batch.step", &[("level", &n)]),
        };
        let to = match c.to.as_slice() {
            [] => "—".to_string(),
            [one] => one.clone(),
            [first, rest @ ..] => format!("{first} +{}", rest.len()),
        };
        let text = row([
            (c.id.to_string(), ID_W, false),
            (c.debtor.clone(), debtor_w, false),
            (step, STEP_W, false),
            (money(c.amount), AMOUNT_W, true),
            (to, to_w, false),
            (status, STATE_W, false),
        ]);
        // The line under the cursor as in the list; its state keeps its colour in the cell.
        let style = if i == b.cursor { th.selected() } else { style };
        lines.push(Line::from(Span::styled(text, style)));
    }
    frame.render_widget(Paragraph::new(lines), table);

    // The line under the cursor in full: every recipient, and the reason it does not go (a
    // preflight message does not fit a cell).
    if let Some(c) = b.candidates.get(b.cursor) {
        let mut text = tf(
            "tui.batch.line",
            &[
                ("id", &c.id),
                ("debtor", &c.debtor),
                ("to", &c.to.join(", ")),
            ],
        );
        if let Some(r) = b.reason(b.cursor) {
            text = tf("tui.batch.reason", &[("line", &text), ("reason", &r)]);
        }
        frame.render_widget(
            Paragraph::new(text)
                .style(th.dim())
                .wrap(Wrap { trim: true }),
            reason,
        );
    }
    let line = match b.phase {
        Phase::Preview => tf(
            "tui.batch.summary_preview",
            &[("go", &going), ("skipped", &skipped)],
        ),
        _ => tf(
            "cli.batch.summary",
            &[("sent", &sent), ("skipped", &skipped), ("failed", &failed)],
        ),
    };
    let style = match b.phase {
        Phase::Done if failed > 0 => th.error(),
        Phase::Done => th.success(),
        _ => th.title(),
    };
    frame.render_widget(Paragraph::new(Span::styled(line, style)), summary);
    frame.render_widget(Paragraph::new(key_line(state, th, b, going)), keys);
}

/// The state cell of line `i` and its colour.
fn line_state(b: &BatchView, i: usize, th: &Theme) -> (String, Style) {
    let c = &b.candidates[i];
    match &b.outcomes[i] {
        Some(StepOutcome::Sent) => (format!("✓ {}", t("tui.batch.sent")), th.success()),
        Some(StepOutcome::Failed(_)) => (format!("✖ {}", t("tui.batch.failed")), th.error()),
        Some(StepOutcome::Skipped(_)) => (format!("– {}", t("tui.batch.skipped")), th.dim()),
        None if c.skip.is_some() => (format!("✖ {}", t("tui.batch.flagged")), th.overdue()),
        None if b.current == Some(c.id) => (format!("… {}", t("tui.batch.sending")), th.info()),
        None if b.phase == Phase::Preview => {
            (format!("  {}", t("tui.batch.ready")), Style::default())
        }
        None => (format!("  {}", t("tui.batch.waiting")), th.dim()),
    }
}

fn key_line(state: &State, th: &Theme, b: &BatchView, going: usize) -> Line<'static> {
    let key = |cmd| {
        state
            .keymap
            .hint_key(Context::Form, cmd)
            .map(|k| k.short())
            .unwrap_or_default()
    };
    let pairs: Vec<(String, String)> = match b.phase {
        // Nothing would go: the only way is out, with the reasons read.
        Phase::Preview if going == 0 => vec![
            (key(Command::Cancel), t("tui.batch.key_close").into()),
            ("↑↓".into(), t("tui.batch.key_reason").into()),
        ],
        Phase::Preview => vec![
            (
                key(Command::Submit),
                tf("tui.batch.key_send", &[("go", &going)]),
            ),
            (key(Command::Cancel), t("tui.batch.key_cancel").into()),
            ("↑↓".into(), t("tui.batch.key_reason").into()),
        ],
        Phase::Sending if b.stopping => vec![("".into(), t("tui.batch.stopping").into())],
        Phase::Sending => vec![(key(Command::Cancel), t("tui.batch.key_stop").into())],
        Phase::Done => vec![
            (key(Command::Submit), t("tui.batch.key_close").into()),
            ("↑↓".into(), t("tui.batch.key_reason").into()),
        ],
    };
    let mut spans = vec![];
    for (k, label) in pairs {
        if !k.is_empty() {
            spans.push(Span::styled(k, th.key()));
            spans.push(Span::raw(" "));
        }
        spans.push(Span::styled(format!("{label}   "), th.dim()));
    }
    Line::from(spans)
}
