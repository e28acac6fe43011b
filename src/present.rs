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
                        .map(crate::i18n::format_rate)
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
        EventKind::ProofRecorded { invoice, proof } => {
            tf(&k("proof"), &[("invoice", invoice), ("proof", proof)])
        }
        EventKind::EmailSending { message_id, to } => tf(
            &k("email_sending"),
            &[("to", &to.join(", ")), ("message_id", message_id)],
        ),
        EventKind::EmailSent {
            message_id, reply, ..
        } => tf(
            &k("email_sent"),
            &[("message_id", message_id), ("reply", reply)],
        ),
        EventKind::EmailFailed { sending, reason } => tf(
            &k("email_failed"),
            &[("sending", sending), ("reason", &first_line(reason))],
        ),
    }
}

/// "… (facture F-12)" when the money was tied to an invoice.
fn with_invoice(line: String, invoice: Option<&str>) -> String {
    match invoice {
        Some(i) => tf("event.for_invoice", &[("line", &line), ("invoice", &i)]),
        None => line,
    }
}

/// A bar for a report table: `value` against the largest `max` over `width` columns, in whole
/// and half blocks (both in every terminal font, the Linux console's included).
pub fn report_bar(
    value: rust_decimal::Decimal,
    max: rust_decimal::Decimal,
    width: usize,
) -> String {
    use rust_decimal::prelude::ToPrimitive;
    if max <= rust_decimal::Decimal::ZERO || value <= rust_decimal::Decimal::ZERO {
        return String::new();
    }
    let halves = (value * rust_decimal::Decimal::from(width * 2) / max)
        .round()
        .to_usize()
        .unwrap_or(0)
        // Something, however small, shows as something.
        .max(1);
    let mut bar = "█".repeat(halves / 2);
    if halves % 2 == 1 {
        bar.push('▌');
    }
    bar
}

/// The DSO sentence, with how it is computed (the CLI's report and the TUI's say the same).
pub fn report_dso_line(dso: Option<&crate::domain::report::Dso>) -> String {
    use crate::domain::report::DSO_DAYS;
    use crate::i18n::euros;
    match dso {
        Some(d) => tf(
            "report.dso.line",
            &[
                (
                    "days",
                    &d.days.to_string().replace('.', t("report.decimal")),
                ),
                ("receivables", &euros(d.receivables)),
                ("sales", &euros(d.sales)),
                ("window", &DSO_DAYS),
            ],
        ),
        None => tf("report.dso.none", &[("window", &DSO_DAYS)]),
    }
}

/// A step's share of paying dossiers, one decimal (`4,2 %`), or a dash when nothing was sent.
pub fn report_share(share: Option<rust_decimal::Decimal>) -> String {
    share
        .map(|p| format!("{p:.1} %").replace('.', t("report.decimal")))
        .unwrap_or_else(|| "—".into())
}

pub fn report_step_label(step: crate::domain::report::MeasuredStep) -> String {
    stage_label(step.stage())
}

// Fitting plain text into columns, for the CLI's tables and the TUI's reports. Widths count
// characters: every string printed is made of single-width characters (French and English
// text, digits, `€`, `…`). Amounts and dates are never cut, only free text, and a cut shows `…`.

pub fn width(s: &str) -> usize {
    s.chars().count()
}

/// `s` in at most `w` columns: cut with `…` when longer (never padded).
pub fn shorten(s: &str, w: usize) -> String {
    if width(s) <= w {
        return s.to_string();
    }
    if w == 0 {
        return String::new();
    }
    let mut out: String = s.chars().take(w - 1).collect();
    out = out.trim_end().to_string();
    out.push('…');
    out
}

/// `s` shortened to `w` columns with `…`, then padded to exactly `w`.
pub fn fit(s: &str, w: usize) -> String {
    let s = shorten(s, w);
    let n = width(&s);
    format!("{s}{}", " ".repeat(w.saturating_sub(n)))
}

/// Pads to `w` columns on the left; never cuts (for amounts, dates, counts).
pub fn rpad(s: &str, w: usize) -> String {
    format!("{}{s}", " ".repeat(w.saturating_sub(width(s))))
}

/// Pads to `w` columns on the right; never cuts.
pub fn lpad(s: &str, w: usize) -> String {
    format!("{s}{}", " ".repeat(w.saturating_sub(width(s))))
}

#[cfg(test)]
mod tests {
    use super::*;

    /// Keys built at run time from enum slugs must exist for every variant.
    #[test]
    fn every_stage_channel_and_event_has_words() {
        use crate::i18n::{has, Lang};
        let mut keys = Vec::new();
        for s in Stage::ALL {
            keys.push(format!("stage.{}", s.slug()));
        }
        for c in Channel::ALL {
            keys.push(format!("channel.{}", c.slug()));
        }
        for i in InjonctionStep::ALL {
            keys.push(format!("injonction.{}", i.slug()));
        }
        let missing: Vec<_> = keys.iter().filter(|k| !has(Lang::Fr, k)).collect();
        assert!(missing.is_empty(), "{missing:?}");
    }
}
