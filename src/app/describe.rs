//! Words for domain values (stages, channels, events), shared by the list, the detail and messages.

use crate::domain::event::{
    Channel, ContestationOutcome, Event, EventKind, HandOver, InjonctionStep,
};
use crate::domain::fold::Stage;
use crate::domain::model::DebtorType;
use crate::domain::schedule::NextActionKind;
use crate::i18n::{date, money, t, tf};

/// Catalogue text for a dynamic key (`tui.stage.relance_1`…). Kept in one place so the test
/// below can check that every value of every enum has its entry.
fn tk(section: &str, slug: &str) -> String {
    t(&format!("tui.{section}.{slug}")).to_string()
}

pub fn stage_label(s: Stage) -> String {
    tk("stage", s.slug())
}

/// Short label inside the coloured badge: the stage must be readable without colour.
pub fn stage_badge(s: Stage) -> String {
    tk("badge", s.slug())
}

pub fn channel_label(c: Channel) -> String {
    tk("channel", c.slug())
}

pub fn step_label(s: InjonctionStep) -> String {
    tk("step", s.slug())
}

pub fn next_label(k: &NextActionKind) -> String {
    match k {
        NextActionKind::CheckInstalment { amount }
        | NextActionKind::MissedInstalment { amount } => {
            format!("{} {}", tk("next", k.slug()), money(*amount))
        }
        _ => tk("next", k.slug()),
    }
}

pub fn debtor_type_label(d: DebtorType) -> String {
    match d {
        DebtorType::B2b => t("tui.debtor_type.b2b").to_string(),
        DebtorType::B2c => t("tui.debtor_type.b2c").to_string(),
    }
}

fn outcome_label(o: ContestationOutcome) -> String {
    tk("outcome", o.slug())
}

fn first_line(s: &str) -> &str {
    s.lines().next().unwrap_or("")
}

/// One line describing what an event did.
pub fn event_text(kind: &EventKind) -> String {
    match kind {
        EventKind::Created { .. } => t("tui.event.created").to_string(),
        EventKind::ItemAdded(it) => tf(
            "tui.event.item_added",
            &[
                ("reference", &it.reference),
                ("amount", &money(it.amount)),
                ("due", &date(it.due)),
            ],
        ),
        EventKind::CreditNote { reference, amount } => tf(
            "tui.event.credit_note",
            &[("reference", reference), ("amount", &money(*amount))],
        ),
        EventKind::RelanceSent { level, channel, .. } => tf(
            "tui.event.relance",
            &[("level", level), ("channel", &channel_label(*channel))],
        ),
        EventKind::ContestationReceived { reason, .. } => {
            tf("tui.event.contestation", &[("reason", reason)])
        }
        EventKind::ContestationResolved { outcome, .. } => tf(
            "tui.event.contestation_resolved",
            &[("outcome", &outcome_label(*outcome))],
        ),
        EventKind::PaymentReceived { amount, .. } => {
            tf("tui.event.payment", &[("amount", &money(*amount))])
        }
        EventKind::PromiseToPay { until, amount } => tf(
            "tui.event.promise",
            &[("amount", &money(*amount)), ("date", &date(*until))],
        ),
        EventKind::PaymentPlanAgreed { instalments } => {
            tf("tui.event.payment_plan", &[("count", &instalments.len())])
        }
        EventKind::NoticeSent {
            channel, deadline, ..
        } => tf(
            "tui.event.notice",
            &[
                ("channel", &channel_label(*channel)),
                ("date", &date(*deadline)),
            ],
        ),
        EventKind::LastNoticeSent {
            channel, deadline, ..
        } => tf(
            "tui.event.last_notice",
            &[
                ("channel", &channel_label(*channel)),
                ("date", &date(*deadline)),
            ],
        ),
        EventKind::AcknowledgementReceived { .. } => t("tui.event.ar").to_string(),
        EventKind::Injonction { step, .. } => {
            tf("tui.event.injonction", &[("step", &step_label(*step))])
        }
        EventKind::HandedOver { to, .. } => tf(
            "tui.event.handover",
            &[(
                "to",
                &match to {
                    HandOver::Enforcement => t("tui.handover.enforcement"),
                    HandOver::Agency => t("tui.handover.agency"),
                },
            )],
        ),
        EventKind::Note { kind, text } => {
            let key = match kind {
                crate::domain::event::NoteKind::Note => "tui.event.note",
                crate::domain::event::NoteKind::PhoneCall => "tui.event.call",
            };
            tf(key, &[("text", &first_line(text))])
        }
        EventKind::DebtAcknowledged { .. } => t("tui.event.acknowledgment").to_string(),
        EventKind::CostIncurred { label, amount } => tf(
            "tui.event.cost",
            &[("label", label), ("amount", &money(*amount))],
        ),
        EventKind::Assigned { to } => tf(
            "tui.event.assign",
            &[("to", &to.clone().unwrap_or_else(|| "—".into()))],
        ),
        EventKind::Closed { reason } => tf(
            "tui.event.close",
            &[(
                "reason",
                &match reason {
                    crate::domain::event::CloseReason::Paid => t("tui.stage.paid"),
                    crate::domain::event::CloseReason::WrittenOff => t("tui.stage.written_off"),
                },
            )],
        ),
        EventKind::Reopened => t("tui.event.reopen").to_string(),
        EventKind::Cancel { target } => tf("tui.event.cancel", &[("seq", target)]),
    }
}

/// Short name of an event kind by slug ("relance", "paiement"), for the last-event column.
pub fn event_short(slug: &str) -> String {
    tk("event_short", slug)
}

/// "alice : Relance 2 (courrier) le 25/11/2026" — what someone else did, for stale-write messages.
pub fn who_did_what(ev: &Event) -> String {
    tf(
        "tui.who_did_what",
        &[
            ("user", &ev.user),
            ("what", &event_text(&ev.kind)),
            ("date", &date(ev.date)),
        ],
    )
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::i18n::{flatten, EN_SOURCE, FR_SOURCE};

    /// Keys built at run time escape the catalogue's source scan; check them here.
    #[test]
    fn every_dynamic_key_exists_in_both_languages() {
        let fr = flatten(FR_SOURCE).unwrap();
        let en = flatten(EN_SOURCE).unwrap();
        let mut keys = Vec::new();
        for s in Stage::ALL {
            keys.push(format!("tui.stage.{}", s.slug()));
            keys.push(format!("tui.badge.{}", s.slug()));
        }
        for c in Channel::ALL {
            keys.push(format!("tui.channel.{}", c.slug()));
        }
        for s in InjonctionStep::ALL {
            keys.push(format!("tui.step.{}", s.slug()));
        }
        for o in ["upheld", "rejected", "settled"] {
            keys.push(format!("tui.outcome.{o}"));
        }
        for c in crate::app::command::Command::ALL {
            keys.push(c.description_key());
            keys.push(c.hint_key());
        }
        for n in [
            "relance_1",
            "relance_2",
            "relance_3",
            "mise_en_demeure",
            "last_notice",
            "file_injonction",
            "await_order",
            "serve_order",
            "await_opposition",
            "enforce",
            "prepare_hearing",
            "follow_up_handover",
            "review_contestation",
            "check_promise",
            "check_instalment",
            "missed_instalment",
            "confirm_settlement",
        ] {
            keys.push(format!("tui.next.{n}"));
        }
        for e in [
            "created",
            "item_added",
            "credit_note",
            "relance",
            "contestation",
            "contestation_resolved",
            "payment",
            "promise",
            "payment_plan",
            "notice",
            "last_notice",
            "ar",
            "injonction",
            "handover",
            "note",
            "call",
            "acknowledgment",
            "cost",
            "assign",
            "close",
            "reopen",
            "cancel",
        ] {
            keys.push(format!("tui.event_short.{e}"));
        }
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| !fr.contains_key(*k) || !en.contains_key(*k))
            .collect();
        assert!(missing.is_empty(), "{missing:#?}");
    }

    #[test]
    fn badges_are_short() {
        for s in Stage::ALL {
            let b = stage_badge(s);
            assert!(ratatui::text::Span::raw(b.as_str()).width() <= 6, "{b}");
        }
    }
}
