//! Record layouts of earlier format versions, kept only to decode what older builds wrote.
//!
//! bincode is not self-describing: a variant that gains a field cannot read its old bytes. Each
//! format version whose layout changed keeps its old types here, with the conversion to today's.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::Deserialize;

use crate::domain::event::*;
use crate::domain::model::{DebtorId, DossierKind, Item, Jurisdiction, ProfileId};

/// An event as format version 1 wrote it.
#[derive(Deserialize)]
pub struct EventV1 {
    seq: u32,
    at: DateTime<Utc>,
    date: NaiveDate,
    user: String,
    kind: EventKindV1,
}

/// Version 1's event kinds, variant order unchanged (bincode encodes the variant index).
#[derive(Deserialize)]
enum EventKindV1 {
    Created {
        debtor: DebtorId,
        kind: DossierKind,
        profile: Option<ProfileId>,
        jurisdiction: Jurisdiction,
        contractual_rate: Option<Decimal>,
        refund_reason: Option<String>,
        terms: Option<String>,
    },
    ItemAdded(Item),
    CreditNote {
        reference: String,
        amount: Decimal,
    },
    RelanceSent {
        level: u8,
        channel: Channel,
        letter: Option<String>,
    },
    ContestationReceived {
        reason: String,
        text: String,
        review: Option<NaiveDate>,
    },
    ContestationResolved {
        outcome: ContestationOutcome,
        note: String,
    },
    PaymentReceived {
        amount: Decimal,
        reference: Option<String>,
    },
    PromiseToPay {
        until: NaiveDate,
        amount: Decimal,
    },
    PaymentPlanAgreed {
        instalments: Vec<Instalment>,
    },
    NoticeSent {
        channel: Channel,
        deadline: NaiveDate,
        tracking: Option<String>,
        letter: Option<String>,
        overrides: Vec<String>,
    },
    LastNoticeSent {
        channel: Channel,
        deadline: NaiveDate,
        costs: Decimal,
        letter: Option<String>,
    },
    AcknowledgementReceived {
        tracking: Option<String>,
    },
    Injonction {
        step: InjonctionStep,
        note: Option<String>,
    },
    HandedOver {
        to: HandOver,
        name: Option<String>,
    },
    Note {
        kind: NoteKind,
        text: String,
    },
    DebtAcknowledged {
        text: String,
    },
    CostIncurred {
        label: String,
        amount: Decimal,
    },
    Assigned {
        to: Option<String>,
    },
    Closed {
        reason: CloseReason,
    },
    Reopened,
    Cancel {
        target: u32,
    },
}

impl From<EventV1> for Event {
    fn from(e: EventV1) -> Event {
        use EventKindV1 as V;
        let kind = match e.kind {
            V::Created {
                debtor,
                kind,
                profile,
                jurisdiction,
                contractual_rate,
                refund_reason,
                terms,
            } => EventKind::Created {
                debtor,
                kind,
                profile,
                jurisdiction,
                contractual_rate,
                refund_reason,
                terms,
            },
            V::ItemAdded(i) => EventKind::ItemAdded(i),
            // Version 1 could not name the invoice: the credit note's own reference often is
            // the invoice's, which the imputation then recognises.
            V::CreditNote { reference, amount } => EventKind::CreditNote {
                reference,
                amount,
                invoice: None,
            },
            V::RelanceSent {
                level,
                channel,
                letter,
            } => EventKind::RelanceSent {
                level,
                channel,
                letter,
                overrides: vec![],
            },
            V::ContestationReceived {
                reason,
                text,
                review,
            } => EventKind::ContestationReceived {
                reason,
                text,
                review,
            },
            V::ContestationResolved { outcome, note } => {
                EventKind::ContestationResolved { outcome, note }
            }
            V::PaymentReceived { amount, reference } => EventKind::PaymentReceived {
                amount,
                reference,
                invoice: None,
            },
            V::PromiseToPay { until, amount } => EventKind::PromiseToPay { until, amount },
            V::PaymentPlanAgreed { instalments } => EventKind::PaymentPlanAgreed { instalments },
            V::NoticeSent {
                channel,
                deadline,
                tracking,
                letter,
                overrides,
            } => EventKind::NoticeSent {
                channel,
                deadline,
                tracking,
                letter,
                overrides,
            },
            V::LastNoticeSent {
                channel,
                deadline,
                costs,
                letter,
            } => EventKind::LastNoticeSent {
                channel,
                deadline,
                costs,
                letter,
                overrides: vec![],
            },
            V::AcknowledgementReceived { tracking } => {
                EventKind::AcknowledgementReceived { tracking }
            }
            V::Injonction { step, note } => EventKind::Injonction { step, note },
            V::HandedOver { to, name } => EventKind::HandedOver { to, name },
            V::Note { kind, text } => EventKind::Note { kind, text },
            V::DebtAcknowledged { text } => EventKind::DebtAcknowledged { text },
            V::CostIncurred { label, amount } => EventKind::CostIncurred { label, amount },
            V::Assigned { to } => EventKind::Assigned { to },
            V::Closed { reason } => EventKind::Closed { reason },
            V::Reopened => EventKind::Reopened,
            V::Cancel { target } => EventKind::Cancel { target },
        };
        Event {
            seq: e.seq,
            at: e.at,
            date: e.date,
            user: e.user,
            kind,
        }
    }
}
