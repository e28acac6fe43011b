//! What happened on the dossier, as the letter recalls it: the chronology of past steps and what
//! the debtor did since the last reminder.

use rust_decimal::Decimal;

use super::input::LetterInput;
use super::views::{ChronologyView, PaymentRowView};
use super::wording::channel_noun;
use crate::domain::event::{Channel, Event, EventKind};
use crate::domain::letters::format::join_fr;
use crate::domain::parse::format_date_long_fr;
use crate::i18n::format_eur_fr;

pub(super) fn chronology(events: &[Event]) -> Vec<ChronologyView> {
    let cancelled: Vec<u32> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Cancel { target } => Some(target),
            _ => None,
        })
        .collect();
    // What was invoiced, less credit notes and payments, as each payment came: a payment that
    // covers it is not called "partial", even when penalties or indemnities stay owed.
    let mut principal_left = Decimal::ZERO;
    // The last formal step sent, for what an acknowledgment of receipt acknowledges.
    let mut last_sent: Option<(bool, Channel)> = None;
    events
        .iter()
        .filter(|e| !cancelled.contains(&e.seq))
        .filter_map(|e| {
            let text = match &e.kind {
                EventKind::ItemAdded(item) => {
                    principal_left += item.amount;
                    return None;
                }
                EventKind::CreditNote { amount, .. } => {
                    principal_left -= *amount;
                    return None;
                }
                EventKind::RelanceSent { level, channel, .. } => {
                    format!("relance n° {level} ({})", channel_noun(*channel))
                }
                EventKind::NoticeSent {
                    channel, tracking, ..
                } => {
                    last_sent = Some((false, *channel));
                    match tracking {
                        Some(t) => {
                            format!("mise en demeure ({}, n° {t})", channel_noun(*channel))
                        }
                        None => format!("mise en demeure ({})", channel_noun(*channel)),
                    }
                }
                EventKind::LastNoticeSent {
                    channel,
                    deadline,
                    costs,
                    ..
                } => {
                    last_sent = Some((true, *channel));
                    format!(
                        "dernier rappel ({}), délai de paiement au {}, frais de recouvrement annoncés de {}",
                        channel_noun(*channel),
                        format_date_long_fr(*deadline),
                        format_eur_fr(*costs)
                    )
                }
                EventKind::AcknowledgementReceived { .. } => acknowledged(last_sent),
                EventKind::PaymentReceived { amount, .. } => {
                    principal_left -= *amount;
                    if principal_left > Decimal::ZERO {
                        format!("paiement partiel de {}", format_eur_fr(*amount))
                    } else {
                        // Imputation may still have sent part of it to penalties: say no more.
                        format!("paiement de {}", format_eur_fr(*amount))
                    }
                }
                EventKind::PromiseToPay { until, amount } => format!(
                    "promesse de paiement de {} au plus tard le {}, non tenue",
                    format_eur_fr(*amount),
                    format_date_long_fr(*until)
                ),
                EventKind::ContestationReceived { reason, .. } => {
                    format!("contestation du débiteur ({reason})")
                }
                EventKind::DebtAcknowledged { .. } => {
                    "reconnaissance de dette écrite du débiteur".to_string()
                }
                _ => return None,
            };
            Some(ChronologyView {
                date: format_date_long_fr(e.date),
                text,
            })
        })
        .collect()
}

/// `votre règlement de 300,00 € reçu le 20 février 2026` / `vos règlements reçus les …, d'un
/// montant total de …` (empty without payments).
pub(super) fn payments_short(payments: &[PaymentRowView], paid: Decimal) -> String {
    match payments {
        [] => String::new(),
        [one] => format!(
            "votre règlement de {} reçu le {}",
            one.amount, one.date_long
        ),
        many => format!(
            "vos règlements reçus les {}, d'un montant total de {}",
            join_fr(&many.iter().map(|p| p.date_long.clone()).collect::<Vec<_>>()),
            format_eur_fr(paid)
        ),
    }
}

/// `votre règlement de 300,00 € reçu le 20 février 2026 à la suite de notre relance du
/// 9 février 2026, que nous avons imputé sur votre dette`: what prompted the payment comes
/// before what we did with it (`after` is `reminders_phrase`, possibly empty).
pub(super) fn payments_text(payments: &[PaymentRowView], paid: Decimal, after: &str) -> String {
    let after = if after.is_empty() {
        String::new()
    } else {
        format!(" à la suite de {after}")
    };
    match payments {
        [] => String::new(),
        [_] => format!(
            "{}{after}, que nous avons imputé sur votre dette",
            payments_short(payments, paid)
        ),
        _ => format!(
            "{}{after}, que nous avons imputés sur votre dette",
            payments_short(payments, paid)
        ),
    }
}

pub(super) struct Replies {
    pub(super) response: bool,
    pub(super) payments: Vec<PaymentRowView>,
    pub(super) paid: Decimal,
    pub(super) rejected_on: Option<String>,
}

/// What the debtor did since the last reminder, read from the journal (cancelled events
/// ignored), and when we last rejected a dispute.
pub(super) fn replies(input: &LetterInput<'_>) -> Replies {
    let st = input.state;
    let cancelled: Vec<u32> = input
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Cancel { target } => Some(target),
            _ => None,
        })
        .collect();
    let live = || {
        input
            .events
            .iter()
            .filter(|e| !cancelled.contains(&e.seq))
            .filter(|e| e.date <= input.today)
    };
    let mut r = Replies {
        response: false,
        payments: vec![],
        paid: Decimal::ZERO,
        rejected_on: None,
    };
    for e in live() {
        if let EventKind::ContestationResolved {
            outcome: crate::domain::event::ContestationOutcome::Rejected,
            ..
        } = e.kind
        {
            r.rejected_on = Some(format_date_long_fr(e.date));
        }
    }
    let Some(last) = st.reminders.last() else {
        return r;
    };
    for e in live().filter(|e| e.seq > last.seq) {
        match &e.kind {
            EventKind::PaymentReceived {
                amount, reference, ..
            } => {
                r.response = true;
                r.paid += *amount;
                r.payments.push(PaymentRowView {
                    date_long: format_date_long_fr(e.date),
                    amount: format_eur_fr(*amount),
                    reference: reference.clone(),
                });
            }
            // Plain notes are the user's own (and the copies of letters sent): not replies.
            EventKind::Note {
                kind: crate::domain::event::NoteKind::PhoneCall,
                ..
            }
            | EventKind::PromiseToPay { .. }
            | EventKind::PaymentPlanAgreed { .. }
            | EventKind::DebtAcknowledged { .. }
            | EventKind::ContestationReceived { .. }
            | EventKind::ContestationResolved { .. } => r.response = true,
            _ => {}
        }
    }
    r
}

/// What a receipt acknowledges: the notice or the last reminder, with a signed "avis de
/// réception" only when it went registered (a commissaire's act or an e-mail has none).
fn acknowledged(last_sent: Option<(bool, Channel)>) -> String {
    let what = match last_sent {
        Some((true, _)) => "réception du dernier rappel",
        Some((false, _)) => "réception de la mise en demeure",
        None => "réception de notre courrier",
    };
    match last_sent {
        Some((_, Channel::Lrar)) | None => format!("{what} (avis de réception signé)"),
        Some(_) => what.to_string(),
    }
}
