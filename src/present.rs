//! Words for domain values, shared by the CLI and the TUI so both say the same thing.

use crate::domain::event::*;
use crate::domain::fold::Stage;
use crate::domain::schedule::{NextAction, NextActionKind};
use crate::i18n::{date, money, t, tf};

pub fn stage_label(stage: Stage) -> String {
    t(&format!("stage.{}", stage.slug())).to_string()
}

/// The stage with its detail where one exists (the injonction sub-step).
pub fn stage_long(stage: Stage, st: &crate::domain::fold::DossierState) -> String {
    match (stage, st.injonction) {
        (Stage::Injonction, Some((step, _))) => {
            format!("{} — {}", stage_label(stage), injonction_label(step))
        }
        _ => stage_label(stage),
    }
}

pub fn channel_label(c: Channel) -> String {
    t(&format!("channel.{}", c.slug())).to_string()
}

pub fn injonction_label(step: InjonctionStep) -> String {
    t(&format!("injonction.{}", step.slug())).to_string()
}

pub fn next_action_label(n: &NextAction) -> String {
    let key = format!("next.{}", n.kind.slug());
    match &n.kind {
        NextActionKind::CheckInstalment { amount }
        | NextActionKind::MissedInstalment { amount } => {
            format!("{} ({})", t(&key), money(*amount))
        }
        // The last day the debtor may oppose; the action itself is dated the day after.
        NextActionKind::AwaitOpposition { last_day } => tf(&key, &[("last_day", &date(*last_day))]),
        _ => t(&key).to_string(),
    }
}

/// The outcome of a contestation ("fondée", "rejetée", "accord trouvé").
pub fn outcome_label(o: ContestationOutcome) -> String {
    t(&format!("outcome.{}", o.slug())).to_string()
}

/// One line describing what an event did.
pub fn describe_event(e: &Event) -> String {
    describe_kind(&e.kind)
}

/// One line describing an event kind (notes keep their first line: a note may hold a letter).
pub fn describe_kind(kind: &EventKind) -> String {
    let k = |key: &str| format!("event.{key}");
    let first_line = |s: &str| s.lines().next().unwrap_or("").to_string();
    match kind {
        EventKind::Created { kind, .. } => tf(
            &k("created"),
            &[("kind", &t(&format!("kind.{}", kind.slug())))],
        ),
        EventKind::ItemAdded(i) => tf(
            &k("item_added"),
            &[
                ("reference", &i.reference),
                ("amount", &money(i.amount)),
                ("due", &date(i.due)),
            ],
        ),
        EventKind::CreditNote {
            reference,
            amount,
            invoice,
        } => {
            let line = tf(
                &k("credit_note"),
                &[("reference", reference), ("amount", &money(*amount))],
            );
            with_invoice(line, invoice.as_deref())
        }
        EventKind::RelanceSent { level, channel, .. } => tf(
            &k("relance"),
            &[("level", level), ("channel", &channel_label(*channel))],
        ),
        EventKind::ContestationReceived { reason, .. } => {
            tf(&k("contestation"), &[("reason", reason)])
        }
        EventKind::ContestationResolved { outcome, .. } => tf(
            &k("contestation_resolved"),
            &[("outcome", &outcome_label(*outcome))],
        ),
        EventKind::PaymentReceived {
            amount, invoice, ..
        } => with_invoice(
            tf(&k("payment"), &[("amount", &money(*amount))]),
            invoice.as_deref(),
        ),
        EventKind::PromiseToPay { until, amount } => tf(
            &k("promise"),
            &[("amount", &money(*amount)), ("until", &date(*until))],
        ),
        EventKind::PaymentPlanAgreed { instalments } => tf(
            &k("payment_plan"),
            &[
                ("count", &instalments.len()),
                ("total", &money(instalments.iter().map(|i| i.amount).sum())),
            ],
        ),
        EventKind::NoticeSent {
            channel, deadline, ..
        } => tf(
            &k("notice"),
            &[
                ("channel", &channel_label(*channel)),
                ("deadline", &date(*deadline)),
            ],
        ),
        EventKind::LastNoticeSent {
            deadline, costs, ..
        } => tf(
            &k("last_notice"),
            &[("deadline", &date(*deadline)), ("costs", &money(*costs))],
        ),
        EventKind::AcknowledgementReceived { .. } => t(&k("ar")).to_string(),
        EventKind::Injonction { step, .. } => {
            tf(&k("injonction"), &[("step", &injonction_label(*step))])
        }
        EventKind::HandedOver { to, name } => {
            let to = t(match to {
                HandOver::Enforcement => "event.handover_enforcement",
                HandOver::Agency => "event.handover_agency",
            });
            match name {
                Some(n) => format!("{to} : {n}"),
                None => to.to_string(),
            }
        }
        EventKind::Note { kind, text } => match kind {
            NoteKind::Note => tf(&k("note"), &[("text", &first_line(text))]),
            NoteKind::PhoneCall => tf(&k("call"), &[("text", &first_line(text))]),
        },
        EventKind::DebtAcknowledged { text } => tf(&k("acknowledgment"), &[("text", text)]),
        EventKind::CostIncurred { label, amount } => {
            tf(&k("cost"), &[("label", label), ("amount", &money(*amount))])
        }
        EventKind::Assigned { to } => match to {
            Some(u) => tf(&k("assign"), &[("user", u)]),
            None => t(&k("unassign")).to_string(),
        },
        EventKind::Closed { reason } => tf(
            &k("close"),
            &[(
                "reason",
                &t(match reason {
                    CloseReason::Paid => "event.closed_paid",
                    CloseReason::WrittenOff => "event.closed_written_off",
                }),
            )],
        ),
        EventKind::Reopened => t(&k("reopen")).to_string(),
        EventKind::Cancel { target } => tf(&k("cancel"), &[("target", target)]),
        EventKind::TermsChanged {
            contractual_rate,
            terms,
        } => tf(
            &k("terms_changed"),
            &[
                (
                    "rate",
                    &contractual_rate
                        .map(crate::domain::money::format_rate)
                        .unwrap_or_else(|| t("event.terms_default_rate").to_string()),
                ),
                ("terms", &terms.as_deref().unwrap_or("—")),
            ],
        ),
        EventKind::CollectiveProceedings { open: true } => {
            t(&k("collective_proceedings_open")).to_string()
        }
        EventKind::CollectiveProceedings { open: false } => {
            t(&k("collective_proceedings_closed")).to_string()
        }
        EventKind::Waived { reason } => tf(&k("waiver"), &[("reason", reason)]),
    }
}

/// "… (facture F-12)" when the money was tied to an invoice.
fn with_invoice(line: String, invoice: Option<&str>) -> String {
    match invoice {
        Some(i) => tf("event.for_invoice", &[("line", &line), ("invoice", &i)]),
        None => line,
    }
}

/// Text safe to write to a terminal: every control character but newline and tab (C0, DEL, C1)
/// is replaced by a visible escape (`^[` for ESC, `\u007f` for DEL, `\u009b` for a C1 control), so
/// that data from older records or imports can never drive the terminal (OSC 52 clipboard
/// writes, window titles, screen clearing). Borrowed when there is nothing to escape.
pub fn printable(s: &str) -> std::borrow::Cow<'_, str> {
    if !s.chars().any(is_escaped) {
        return std::borrow::Cow::Borrowed(s);
    }
    let mut out = String::with_capacity(s.len() + 8);
    for c in s.chars() {
        if !is_escaped(c) {
            out.push(c);
            continue;
        }
        let code = c as u32;
        match code {
            // Caret notation: ESC is ^[, NUL ^@, BEL ^G.
            0..=0x1f => {
                out.push('^');
                out.push(char::from_u32(code + 0x40).unwrap_or('?'));
            }
            // DEL and C1 as JSON-style escapes: serde_json leaves them raw, and this form keeps
            // a JSON document both valid and exact.
            _ => out.push_str(&format!("\\u{code:04x}")),
        }
    }
    std::borrow::Cow::Owned(out)
}

fn is_escaped(c: char) -> bool {
    c.is_control() && c != '\n' && c != '\t'
}

#[cfg(test)]
mod tests {
    use super::printable;

    #[test]
    fn printable_escapes_every_control_but_newline_and_tab() {
        assert_eq!(printable("ACME"), "ACME");
        assert!(matches!(
            printable("a\nb\tc"),
            std::borrow::Cow::Borrowed(_)
        ));
        assert_eq!(
            printable("\x1b]52;c;SGVsbG8=\x07x\x1b[2J\u{9b}\u{7f}\r"),
            "^[]52;c;SGVsbG8=^Gx^[[2J\\u009b\\u007f^M"
        );
        // What `status --json` prints stays valid JSON and decodes to the same text.
        let json = serde_json::to_string("a\u{9b}b\u{7f}\x1b").unwrap();
        let shown = printable(&json);
        let back: String = serde_json::from_str(&shown).unwrap();
        assert_eq!(back, "a\u{9b}b\u{7f}\x1b");
    }
}
