//! The checks a letter must pass before it goes out, shared by the CLI (`log … relance|notice`)
//! and the editor's send: each failure is a blocker the user must explicitly override, with a
//! stable slug that the journal keeps in the event's `overrides`.
//!
//! Pure: it reads the dossier, its assessment at the letter's date, the composed text and its
//! context.

use super::context::LetterContext;
use super::mentions::check_mentions;
use super::step::LetterStep;
use crate::domain::assess::Assessment;
use crate::domain::event::Channel;
use crate::domain::fold::{DossierState, Stage};
use crate::domain::money::LimitationState;
use crate::domain::schedule::NextActionKind;
use crate::i18n::{t, tf};

/// One reason not to send the letter as it stands.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Blocker {
    /// Stable identifier, recorded in the journal when overridden (`dispute_open`,
    /// `mention:notice_title`, `exigible`, …).
    pub slug: String,
    /// What is wrong, in the interface language.
    pub message: String,
}

/// What the preflight reads.
#[derive(Debug, Clone, Copy)]
pub struct Preflight<'a> {
    pub state: &'a DossierState,
    /// The assessment at the letter's date.
    pub assessment: &'a Assessment,
    pub step: LetterStep,
    /// The channel the letter actually goes by.
    pub channel: Channel,
    /// The text as it will be kept (edited or not).
    pub text: &'a str,
    pub context: &'a LetterContext,
}

/// The slugs of a list of blockers, for the event's `overrides`.
pub fn slugs(blockers: &[Blocker]) -> Vec<String> {
    blockers.iter().map(|b| b.slug.clone()).collect()
}

/// Every blocker for this letter; empty when it may go out.
pub fn preflight(p: &Preflight<'_>) -> Vec<Blocker> {
    let mut out = Vec::new();
    let mut push = |slug: &str, message: String| {
        out.push(Blocker {
            slug: slug.to_string(),
            message,
        })
    };
    let a = p.assessment;
    let asks = p.step.asks_payment();
    let chasing = p.step.relance_level().is_some()
        || p.step.is_formal_notice()
        || p.step == LetterStep::LastNoticeNlBe;
    if chasing && a.stage == Stage::Disputed {
        push(
            "dispute_open",
            t("letters.preflight.dispute_open").to_string(),
        );
    }
    let plan_honoured = p.state.plan.is_some()
        && a.next
            .as_ref()
            .is_some_and(|n| matches!(n.kind, NextActionKind::CheckInstalment { .. }));
    if chasing && plan_honoured {
        push(
            "plan_running",
            t("letters.preflight.plan_running").to_string(),
        );
    }
    if asks {
        if let Some(l) = a
            .limitation
            .as_ref()
            .filter(|l| l.state == LimitationState::Expired)
        {
            push(
                "time_barred",
                tf(
                    "letters.preflight.time_barred",
                    &[("date", &crate::domain::parse::format_date_fr(l.date))],
                ),
            );
        }
        if a.claim.total_due <= rust_decimal::Decimal::ZERO {
            push(
                "nothing_owed",
                t("letters.preflight.nothing_owed").to_string(),
            );
        }
        // The last reminder is the step that makes collection costs due on unpaid invoices; with
        // every invoice paid there is nothing for it to give 14 days for (any costs already due
        // are claimed by the court step).
        if p.step == LetterStep::LastNoticeNlBe
            && p.context.items.is_empty()
            && a.claim.total_due > rust_decimal::Decimal::ZERO
        {
            push(
                "no_invoice_unpaid",
                t("letters.preflight.no_invoice_unpaid").to_string(),
            );
        }
        if let Some(e) = &a.money_error {
            push(
                "money_error",
                tf("letters.preflight.money_error", &[("reason", e)]),
            );
        }
    }
    for m in check_mentions(p.text, p.context) {
        out.push(Blocker {
            slug: format!("mention:{}", m.slug()),
            message: tf("letters.preflight.mention", &[("mention", &m.label())]),
        });
    }
    let placeholders = placeholders(p.text);
    if !placeholders.is_empty() {
        out.push(Blocker {
            slug: "placeholders".into(),
            message: tf(
                "letters.preflight.placeholders",
                &[("list", &placeholders.join(", "))],
            ),
        });
    }
    let c = &p.context.creditor;
    if c.name.trim().is_empty() || c.address.iter().all(|l| l.trim().is_empty()) {
        out.push(Blocker {
            slug: "creditor_missing".into(),
            message: t("letters.preflight.creditor_missing").to_string(),
        });
    }
    // A formal notice must reach the registered office; any paper letter needs an address.
    let needs_address = p.step.is_formal_notice()
        || p.step == LetterStep::LastNoticeNlBe
        || p.channel != Channel::Email;
    if needs_address && p.context.debtor.address.iter().all(|l| l.trim().is_empty()) {
        out.push(Blocker {
            slug: "debtor_address_missing".into(),
            message: t("letters.preflight.debtor_address_missing").to_string(),
        });
    }
    if p.step.is_formal_notice() || p.step == LetterStep::LastNoticeNlBe {
        let r = &a.readiness;
        for (name, check) in [
            ("certaine", &r.certaine),
            ("liquide", &r.liquide),
            ("exigible", &r.exigible),
        ] {
            if check.ok {
                continue;
            }
            let problems: Vec<String> = check.problems.iter().map(|p| p.message()).collect();
            out.push(Blocker {
                slug: name.to_string(),
                message: tf(
                    "letters.preflight.readiness",
                    &[("check", &name), ("problems", &problems.join(" ; "))],
                ),
            });
        }
    }
    out
}

/// `[Votre société]`, `[IBAN]`, …: bracketed placeholders left in the text (one line, short,
/// not a markdown-like checkbox), deduplicated in order of appearance.
pub fn placeholders(text: &str) -> Vec<String> {
    let mut found: Vec<String> = Vec::new();
    for line in text.lines() {
        let mut rest = line;
        while let Some(open) = rest.find('[') {
            let after = &rest[open + 1..];
            let Some(close) = after.find(']') else { break };
            let inner = &after[..close];
            if !inner.trim().is_empty() && inner.chars().count() <= 60 && !inner.contains('[') {
                let p = format!("[{inner}]");
                if !found.contains(&p) {
                    found.push(p);
                }
            }
            rest = &after[close + 1..];
        }
    }
    found
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn placeholders_are_found_once_each() {
        let text = "[Votre société]\n[Adresse]\nIBAN : [IBAN]\n[Votre société]\nsans crochet";
        assert_eq!(
            placeholders(text),
            vec!["[Votre société]", "[Adresse]", "[IBAN]"]
        );
        assert!(placeholders("Total [ ] et [").is_empty());
    }
}
