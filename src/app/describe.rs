//! Words for domain values (stages, channels, events), shared by the list, the detail and messages.

use crate::domain::event::{Channel, Event, EventKind, InjonctionStep};
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
    crate::present::stage_label(s)
}

/// Short label inside the coloured badge: the stage must be readable without colour.
pub fn stage_badge(s: Stage) -> String {
    tk("badge", s.slug())
}

pub fn channel_label(c: Channel) -> String {
    crate::present::channel_label(c)
}

pub fn step_label(s: InjonctionStep) -> String {
    crate::present::injonction_label(s)
}

/// The list's short form of a next action: whole words, no amount (the detail has the rest).
pub fn next_short(k: &NextActionKind) -> String {
    tk("next", k.slug())
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

/// One line describing what an event did: the same words as the command line.
pub fn event_text(kind: &EventKind) -> String {
    crate::present::describe_kind(kind)
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

    /// Keys built at run time escape the catalogue's source scan; check them here.
    #[test]
    fn every_dynamic_key_exists_in_both_languages() {
        use crate::i18n::{has, Lang};
        let mut keys = Vec::new();
        for s in Stage::ALL {
            keys.push(format!("tui.badge.{}", s.slug()));
        }
        for c in crate::keymap::Command::ALL {
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
            "claim_accessories",
            "order_lapsed",
            "file_european_order",
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
            "terms_changed",
            "collective_proceedings",
            "waiver",
            "email_sending",
            "email_sent",
            "email_failed",
            "proof",
        ] {
            keys.push(format!("tui.event_short.{e}"));
        }
        let missing: Vec<_> = keys
            .iter()
            .filter(|k| !has(Lang::Fr, k) || !has(Lang::En, k))
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
