//! The journal: everything that happens to a dossier is an appended, dated event.
//!
//! Events are never edited or deleted; `Cancel` voids an earlier one so that undo keeps the history.

use chrono::{DateTime, NaiveDate, Utc};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::model::{DebtorId, DossierKind, Item, Jurisdiction, ProfileId};

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Event {
    /// Position in the dossier's journal, from 0 (the `Created` event).
    pub seq: u32,
    /// When the event was recorded (wall clock).
    #[serde(with = "super::stamp::instant")]
    pub at: DateTime<Utc>,
    /// Business date of the event (letter sent on, payment received on): what every rule uses.
    #[serde(with = "super::stamp::date")]
    pub date: NaiveDate,
    /// OS user (from the real uid) who recorded it.
    pub user: String,
    pub kind: EventKind,
}

/// How a reminder went out.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum Channel {
    Email,
    Letter,
    Lrar,
    Phone,
    Commissaire,
    Avocat,
}

impl Channel {
    pub const ALL: [Channel; 6] = [
        Channel::Email,
        Channel::Letter,
        Channel::Lrar,
        Channel::Phone,
        Channel::Commissaire,
        Channel::Avocat,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            Channel::Email => "email",
            Channel::Letter => "letter",
            Channel::Lrar => "lrar",
            Channel::Phone => "phone",
            Channel::Commissaire => "commissaire",
            Channel::Avocat => "avocat",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "email" | "mail" | "courriel" => Some(Channel::Email),
            "letter" | "courrier" | "lettre" => Some(Channel::Letter),
            "lrar" | "recommande" | "recommandé" => Some(Channel::Lrar),
            "phone" | "telephone" | "téléphone" => Some(Channel::Phone),
            "commissaire" | "huissier" | "commissaire-de-justice" => Some(Channel::Commissaire),
            "avocat" | "lawyer" => Some(Channel::Avocat),
            _ => None,
        }
    }
    /// Channels that can carry a formal notice.
    pub fn is_formal(self) -> bool {
        matches!(self, Channel::Lrar | Channel::Commissaire | Channel::Avocat)
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum InjonctionStep {
    RequestFiled,
    OrderIssued,
    Served,
    Opposition,
    Enforceable,
}

impl InjonctionStep {
    pub const ALL: [InjonctionStep; 5] = [
        InjonctionStep::RequestFiled,
        InjonctionStep::OrderIssued,
        InjonctionStep::Served,
        InjonctionStep::Opposition,
        InjonctionStep::Enforceable,
    ];
    pub fn slug(self) -> &'static str {
        match self {
            InjonctionStep::RequestFiled => "request_filed",
            InjonctionStep::OrderIssued => "order_issued",
            InjonctionStep::Served => "served",
            InjonctionStep::Opposition => "opposition",
            InjonctionStep::Enforceable => "enforceable",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        Self::ALL.into_iter().find(|x| x.slug() == s)
    }
    /// The step that normally follows (opposition ends the summary procedure).
    pub fn next(self) -> Option<InjonctionStep> {
        match self {
            InjonctionStep::RequestFiled => Some(InjonctionStep::OrderIssued),
            InjonctionStep::OrderIssued => Some(InjonctionStep::Served),
            InjonctionStep::Served => Some(InjonctionStep::Enforceable),
            InjonctionStep::Opposition | InjonctionStep::Enforceable => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum ContestationOutcome {
    /// The debtor was right: the disputed amount is abandoned (record a credit note if needed).
    Upheld,
    /// The contestation is unfounded: chasing resumes.
    Rejected,
    /// An arrangement was found.
    Settled,
}

impl ContestationOutcome {
    pub fn slug(self) -> &'static str {
        match self {
            ContestationOutcome::Upheld => "upheld",
            ContestationOutcome::Rejected => "rejected",
            ContestationOutcome::Settled => "settled",
        }
    }
    pub fn parse(s: &str) -> Option<Self> {
        match s.trim().to_ascii_lowercase().as_str() {
            "upheld" | "fondee" | "fondée" => Some(Self::Upheld),
            "rejected" | "rejetee" | "rejetée" => Some(Self::Rejected),
            "settled" | "accord" => Some(Self::Settled),
            _ => None,
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum HandOver {
    Enforcement,
    Agency,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum CloseReason {
    Paid,
    WrittenOff,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum NoteKind {
    Note,
    PhoneCall,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Instalment {
    #[serde(with = "super::stamp::date")]
    pub due: NaiveDate,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum EventKind {
    Created {
        debtor: DebtorId,
        kind: DossierKind,
        profile: Option<ProfileId>,
        jurisdiction: Jurisdiction,
        /// Contractual late-payment rate from the terms of sale, percent per year.
        contractual_rate: Option<Decimal>,
        /// For refund dossiers: why the sum must be returned.
        refund_reason: Option<String>,
        /// Payment terms as written in the contract (e.g. "45 jours fin de mois"), for the record.
        terms: Option<String>,
    },
    ItemAdded(Item),
    CreditNote {
        reference: String,
        amount: Decimal,
        /// The invoice the credit note cancels (a credit note always names one; `None` only in
        /// records written before invoices could be named).
        invoice: Option<String>,
    },
    RelanceSent {
        level: u8,
        channel: Channel,
        letter: Option<String>,
        /// Warnings the user explicitly overrode to send it (dispute open, plan running…).
        overrides: Vec<String>,
    },
    ContestationReceived {
        reason: String,
        text: String,
        #[serde(with = "super::stamp::opt_date")]
        review: Option<NaiveDate>,
    },
    ContestationResolved {
        outcome: ContestationOutcome,
        note: String,
    },
    PaymentReceived {
        amount: Decimal,
        reference: Option<String>,
        /// The invoice the debtor said the payment is for (art. 1342-10 Code civil).
        invoice: Option<String>,
    },
    PromiseToPay {
        #[serde(with = "super::stamp::date")]
        until: NaiveDate,
        amount: Decimal,
    },
    PaymentPlanAgreed {
        instalments: Vec<Instalment>,
    },
    NoticeSent {
        channel: Channel,
        #[serde(with = "super::stamp::date")]
        deadline: NaiveDate,
        tracking: Option<String>,
        letter: Option<String>,
        /// Readiness checks or mandatory mentions the user explicitly overrode.
        overrides: Vec<String>,
    },
    /// NL/BE consumer last reminder (14 days, collection costs stated).
    LastNoticeSent {
        channel: Channel,
        #[serde(with = "super::stamp::date")]
        deadline: NaiveDate,
        costs: Decimal,
        letter: Option<String>,
        overrides: Vec<String>,
    },
    /// Acknowledgement of receipt of a registered letter (AR), dated `Event::date`.
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
    /// The debtor acknowledged the debt in writing (interrupts limitation).
    DebtAcknowledged {
        text: String,
    },
    /// Justified recovery costs (e.g. a commissaire de justice fee).
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
    /// Voids the event with this `seq`.
    Cancel {
        target: u32,
    },
    /// The dossier's terms corrected: contractual late-payment rate and payment terms as they
    /// now stand (both fields replace the previous values).
    TermsChanged {
        contractual_rate: Option<Decimal>,
        terms: Option<String>,
    },
    /// The debtor entered (`true`) or left (`false`) collective proceedings (sauvegarde,
    /// redressement, liquidation): no 40 € indemnity while they run.
    CollectiveProceedings {
        open: bool,
    },
    /// The creditor waives what is still owed in penalties, interest, indemnities and costs at the
    /// event's date (principal is never waived this way: write the dossier off instead).
    Waived {
        reason: String,
    },
    /// A letter is about to be handed to the mail server (written *before* sending): if no
    /// outcome follows it, the program stopped in between and the message may or may not have
    /// left, so nothing is resent without the user checking (`--resend`).
    EmailSending {
        message_id: String,
        to: Vec<String>,
    },
    /// The server accepted the message announced by the marker `sending`. Appended together
    /// with (just after) the letter's own event. `eml` is the message exactly as sent
    /// (RFC 5322 bytes, PDF included): the proof.
    EmailSent {
        sending: u32,
        message_id: String,
        /// The server's reply to the message (its queue id, when it gives one).
        reply: String,
        eml: Vec<u8>,
    },
    /// The message announced by the marker `sending` did not go: what the server said, or why
    /// it could not be reached (or that the user resent it with `--resend`).
    EmailFailed {
        sending: u32,
        reason: String,
    },
    /// Where the proof of an invoice is (order, delivery note, contract), noted after the
    /// dossier was opened: it replaces the invoice's previous note. Last in the enum, so records
    /// written before it keep their variant numbers.
    ProofRecorded {
        invoice: String,
        proof: String,
    },
}

/// The latest `EmailSending` marker that has no outcome (no `EmailSent`/`EmailFailed` naming
/// it, and no letter logged after it by hand): `(seq, message_id)`.
pub fn open_email_marker(events: &[Event]) -> Option<(u32, &str)> {
    let mut open: Option<(u32, &str)> = None;
    for e in events {
        match &e.kind {
            EventKind::EmailSending { message_id, .. } => open = Some((e.seq, message_id)),
            EventKind::EmailSent { sending, .. } | EventKind::EmailFailed { sending, .. }
                if open.is_some_and(|(s, _)| s == *sending) =>
            {
                open = None
            }
            EventKind::RelanceSent { .. }
            | EventKind::NoticeSent { .. }
            | EventKind::LastNoticeSent { .. } => open = None,
            _ => {}
        }
    }
    open
}

impl EventKind {
    /// Whether the event's meaning depends on the dossier's state as the user saw it: a relance
    /// level, a notice, an injonction step, an undo (which event it cancels), closing, reopening,
    /// waiving or changing terms. Such an event from a stale screen is refused; anything else
    /// (a note, a call, a payment…) means the same whatever others wrote meanwhile.
    pub fn depends_on_state(&self) -> bool {
        matches!(
            self,
            EventKind::RelanceSent { .. }
                | EventKind::NoticeSent { .. }
                | EventKind::LastNoticeSent { .. }
                | EventKind::Injonction { .. }
                | EventKind::Cancel { .. }
                | EventKind::Closed { .. }
                | EventKind::Reopened
                | EventKind::Waived { .. }
                | EventKind::TermsChanged { .. }
                | EventKind::ContestationResolved { .. }
                | EventKind::HandedOver { .. }
        )
    }

    /// Stable snake_case name (CLI, JSON, catalogue keys).
    pub fn slug(&self) -> &'static str {
        match self {
            EventKind::Created { .. } => "created",
            EventKind::ItemAdded(_) => "item_added",
            EventKind::CreditNote { .. } => "credit_note",
            EventKind::RelanceSent { .. } => "relance",
            EventKind::ContestationReceived { .. } => "contestation",
            EventKind::ContestationResolved { .. } => "contestation_resolved",
            EventKind::PaymentReceived { .. } => "payment",
            EventKind::PromiseToPay { .. } => "promise",
            EventKind::PaymentPlanAgreed { .. } => "payment_plan",
            EventKind::NoticeSent { .. } => "notice",
            EventKind::LastNoticeSent { .. } => "last_notice",
            EventKind::AcknowledgementReceived { .. } => "ar",
            EventKind::Injonction { .. } => "injonction",
            EventKind::HandedOver { .. } => "handover",
            EventKind::Note {
                kind: NoteKind::Note,
                ..
            } => "note",
            EventKind::Note {
                kind: NoteKind::PhoneCall,
                ..
            } => "call",
            EventKind::DebtAcknowledged { .. } => "acknowledgment",
            EventKind::CostIncurred { .. } => "cost",
            EventKind::Assigned { .. } => "assign",
            EventKind::Closed { .. } => "close",
            EventKind::Reopened => "reopen",
            EventKind::Cancel { .. } => "cancel",
            EventKind::TermsChanged { .. } => "terms_changed",
            EventKind::CollectiveProceedings { .. } => "collective_proceedings",
            EventKind::Waived { .. } => "waiver",
            EventKind::EmailSending { .. } => "email_sending",
            EventKind::EmailSent { .. } => "email_sent",
            EventKind::EmailFailed { .. } => "email_failed",
            EventKind::ProofRecorded { .. } => "proof",
        }
    }

    /// The letter text kept as proof, when the event carries one.
    pub fn letter(&self) -> Option<&str> {
        match self {
            EventKind::RelanceSent { letter, .. }
            | EventKind::NoticeSent { letter, .. }
            | EventKind::LastNoticeSent { letter, .. } => letter.as_deref(),
            _ => None,
        }
    }
}
