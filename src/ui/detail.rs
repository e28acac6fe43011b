//! The detail pane: who the debtor is, the items, payments, the amounts owed today, the next
//! action, readiness for a formal notice and the journal.

use chrono::NaiveDate;
use ratatui::layout::Rect;
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Paragraph, Wrap};
use ratatui::Frame;
use rust_decimal::Decimal;

use super::theme::Theme;
use super::widgets::{badge, block, wrapped_height};
use crate::app::describe::{channel_label, debtor_type_label, event_text, stage_label};
use crate::app::entry::Whole;
use crate::app::state::{Entry, Focus, State};
use crate::domain::fold::Stage;
use crate::domain::money::{AdviceReason, LineKind, Settled};
use crate::i18n::{date, money, t, tf};
use crate::keymap::Command;
use crate::keymap::Context;

pub(super) fn render_detail(frame: &mut Frame, area: Rect, state: &State, th: &Theme) {
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
    let lines = detail_lines(state, th, e, inner.width);
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

fn stage_line(th: &Theme, e: &Entry) -> Line<'static> {
    Line::from(vec![
        badge(th, e.stage),
        Span::raw(" "),
        Span::styled(stage_label(e.stage), th.stage_text(e.stage)),
    ])
}

/// What the row knows, while the whole dossier is read (a jump to a row far from the cursor).
fn row_lines(state: &State, th: &Theme, e: &Entry) -> Vec<Line<'static>> {
    let mut out = vec![
        stage_line(th, e),
        Line::from(Span::styled(e.debtor().to_string(), th.title())),
        Line::default(),
        balance_line(th, e),
    ];
    out.extend(next_line(th, e, state.today));
    out.push(Line::default());
    out.push(Line::from(Span::styled(
        format!("  {}", t("tui.detail.loading")),
        th.dim(),
    )));
    out
}

fn balance_line(th: &Theme, e: &Entry) -> Line<'static> {
    Line::from(vec![
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
    ])
}

fn next_line(th: &Theme, e: &Entry, today: NaiveDate) -> Option<Line<'static>> {
    let n = e.next.as_ref()?;
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
    Some(Line::from(spans))
}

fn detail_lines(state: &State, th: &Theme, e: &Entry, width: u16) -> Vec<Line<'static>> {
    let Some(w) = e.whole() else {
        return row_lines(state, th, e);
    };
    let (st, d) = (&w.state, &w.debtor);
    let mut out: Vec<Line> = Vec::new();
    let section = |s: &str| {
        Line::from(Span::styled(
            s.to_string(),
            th.title().add_modifier(Modifier::UNDERLINED),
        ))
    };
    out.push(stage_line(th, e));
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
    if e.collective {
        out.push(Line::from(Span::styled(
            t("tui.detail.collective").to_string(),
            th.error(),
        )));
    }
    // A limitation about to expire (or expired) is the one thing that cannot wait: on top,
    // with a text mark, not only a colour.
    if let Some(lim) = &w.assessment.limitation {
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
    out.extend(item_rows(th, w, width));
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
    out.push(balance_line(th, e));
    let assessment = &w.assessment;
    out.extend(money_lines(th, assessment, state.advice_for(e)));
    out.extend(next_line(th, e, state.today));
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
    out.extend(readiness_lines(th, assessment));
    out.push(Line::default());
    out.push(section(t("tui.detail.journal")));
    for ev in w.events.iter().rev() {
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
fn item_rows(th: &Theme, w: &Whole, width: u16) -> Vec<Line<'static>> {
    let st = &w.state;
    let claimed = &w.assessment.claim.items;
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
    th: &Theme,
    a: &crate::domain::assess::Assessment,
    advice: Option<&crate::domain::money::ChannelAdvice>,
) -> Vec<Line<'static>> {
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
        let amount = money(l.amount);
        // Aligned with the totals when the wording fits, else one space after it: a narrow
        // pane read "12,15 %13,12 €".
        let pad = 40usize
            .saturating_sub(Span::raw(left.clone()).width())
            .max(amount.chars().count() + 1);
        out.push(Line::from(vec![
            Span::styled(left, th.dim()),
            Span::styled(format!("{amount:>pad$}"), th.dim()),
        ]));
    }
    for n in &c.notes {
        out.push(Line::from(Span::styled(
            format!("  » {}", n.message()),
            th.info(),
        )));
    }
    // Channel advice for the notice, while none has been sent.
    if let Some(adv) = advice {
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
        // Why, when it is not the ordinary case: the amount, the debtor's history, a dispute, or
        // a costlier channel set aside.
        let ordinary = |r: &&AdviceReason| matches!(r, AdviceReason::Ordinary);
        for r in adv.reasons.iter().filter(|r| !ordinary(r)) {
            out.push(Line::from(Span::styled(
                format!("  » {}", r.message()),
                th.dim(),
            )));
        }
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
fn readiness_lines(th: &Theme, a: &crate::domain::assess::Assessment) -> Vec<Line<'static>> {
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
