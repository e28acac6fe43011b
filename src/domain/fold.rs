//! The state of a dossier is a pure fold of its journal.

use crate::domain::money::calendar::add_days;
use crate::domain::money::terms::PaymentTerms;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;
use std::collections::HashSet;

use super::event::*;
use super::model::*;

/// Collection stage, as shown by the colour-coded badge and `--stage` filters.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Stage {
    NotDue,
    Due,
    Relance1,
    Relance2,
    Relance3,
    MiseEnDemeure,
    LastNotice,
    Injonction,
    Enforcement,
    Agency,
    Disputed,
    PaymentPlan,
    Paid,
    WrittenOff,
}

impl Stage {
    pub const ALL: [Stage; 14] = [
        Stage::NotDue,
        Stage::Due,
        Stage::Relance1,
        Stage::Relance2,
        Stage::Relance3,
        Stage::MiseEnDemeure,
        Stage::LastNotice,
        Stage::Injonction,
        Stage::Enforcement,
        Stage::Agency,
        Stage::Disputed,
        Stage::PaymentPlan,
        Stage::Paid,
        Stage::WrittenOff,
    ];

    /// Stable snake_case name (JSON, `--stage`, catalogue keys).
    pub fn slug(self) -> &'static str {
        match self {
            Stage::NotDue => "not_due",
            Stage::Due => "due",
            Stage::Relance1 => "relance_1",
            Stage::Relance2 => "relance_2",
            Stage::Relance3 => "relance_3",
            Stage::MiseEnDemeure => "mise_en_demeure",
            Stage::LastNotice => "last_notice",
            Stage::Injonction => "injonction",
            Stage::Enforcement => "enforcement",
            Stage::Agency => "agency",
            Stage::Disputed => "disputed",
            Stage::PaymentPlan => "payment_plan",
            Stage::Paid => "paid",
            Stage::WrittenOff => "written_off",
        }
    }

    pub fn parse(s: &str) -> Option<Stage> {
        let s = s.trim().to_ascii_lowercase().replace(['-', ' '], "_");
        let s = match s.as_str() {
            "relance1" | "r1" => "relance_1",
            "relance2" | "r2" => "relance_2",
            "relance3" | "r3" => "relance_3",
            "med" | "notice" => "mise_en_demeure",
            "ip" => "injonction",
            other => other,
        }
        .to_string();
        Stage::ALL.into_iter().find(|st| st.slug() == s)
    }

    pub fn is_closed(self) -> bool {
        matches!(self, Stage::Paid | Stage::WrittenOff)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Payment {
    pub seq: u32,
    pub date: NaiveDate,
    pub amount: Decimal,
    pub reference: Option<String>,
    /// The invoice the debtor named for it.
    pub invoice: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct CreditNoteLine {
    pub seq: u32,
    pub date: NaiveDate,
    pub reference: String,
    pub amount: Decimal,
    /// The invoice it cancels.
    pub invoice: Option<String>,
}

/// The creditor gave up the accessories (penalties, interest, indemnities, costs) owed at `date`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Waiver {
    pub seq: u32,
    pub date: NaiveDate,
    pub reason: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Cost {
    pub seq: u32,
    pub date: NaiveDate,
    pub label: String,
    pub amount: Decimal,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reminder {
    pub seq: u32,
    pub date: NaiveDate,
    pub level: u8,
    pub channel: Channel,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Notice {
    pub seq: u32,
    pub date: NaiveDate,
    pub channel: Channel,
    pub deadline: NaiveDate,
    pub tracking: Option<String>,
    /// Date of the acknowledgement of receipt, once recorded.
    pub received: Option<NaiveDate>,
    /// NL/BE consumer last notice rather than a French mise en demeure.
    pub last_notice: bool,
    pub overrides: Vec<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Contestation {
    pub seq: u32,
    pub date: NaiveDate,
    pub reason: String,
    pub text: String,
    pub review: NaiveDate,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Plan {
    pub seq: u32,
    pub date: NaiveDate,
    pub instalments: Vec<Instalment>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Promise {
    pub seq: u32,
    pub date: NaiveDate,
    pub until: NaiveDate,
    pub amount: Decimal,
}

/// Days a contestation freezes the ladder when no review date was given.
pub const DEFAULT_CONTESTATION_REVIEW_DAYS: i64 = 15;

/// Everything the fold of a journal tells about a dossier.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DossierState {
    pub id: DossierId,
    pub debtor: DebtorId,
    pub kind: DossierKind,
    pub profile: Option<ProfileId>,
    pub jurisdiction: Jurisdiction,
    pub contractual_rate: Option<Decimal>,
    pub refund_reason: Option<String>,
    pub terms: Option<String>,
    /// `terms` as understood (`None` when there are none, or they are not understood): read
    /// once here, not at every due date asked for (each assessment asks for every invoice's,
    /// several times; parsing them was 4 % of a whole-portfolio listing).
    #[serde(skip)]
    pub payment_terms: Option<PaymentTerms>,
    pub created: NaiveDate,
    pub items: Vec<Item>,
    /// References of the items read from an accounting import, as added: a proof noted later
    /// replaces the item's import mark but not where the item came from.
    #[serde(skip)]
    pub imported: Vec<String>,
    pub credit_notes: Vec<CreditNoteLine>,
    pub payments: Vec<Payment>,
    pub costs: Vec<Cost>,
    pub reminders: Vec<Reminder>,
    pub notice: Option<Notice>,
    pub injonction: Option<(InjonctionStep, NaiveDate)>,
    /// Dates of every injonction step, for deadlines (service within 6/3 months, 1-month opposition).
    pub injonction_steps: Vec<(InjonctionStep, NaiveDate)>,
    pub handed_over: Option<(HandOver, NaiveDate)>,
    pub contestation: Option<Contestation>,
    pub contestations_resolved: Vec<(ContestationOutcome, NaiveDate)>,
    pub plan: Option<Plan>,
    pub promise: Option<Promise>,
    pub acknowledgments: Vec<NaiveDate>,
    pub closed: Option<(CloseReason, NaiveDate)>,
    pub assigned: Option<String>,
    /// Collective proceedings recorded on this dossier (overrides the debtor record's flag).
    pub collective_proceedings: Option<bool>,
    pub waivers: Vec<Waiver>,
    /// Number of events in the journal (the optimistic-write token).
    pub journal_len: u32,
    /// Seqs voided by cancel events.
    pub cancelled: Vec<u32>,
    /// The last effective (non-cancelled, non-cancel) event, for "last event" columns.
    pub last_event: Option<(u32, NaiveDate, &'static str)>,
}

/// What the money rules say is still owed, as the stage and the schedule need it (computed by
/// `money::compute_claim`, which alone imputes payments).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub struct Owing {
    /// Due date of the oldest item with principal still open.
    pub oldest_open_due: Option<NaiveDate>,
    /// Nothing is owed now nor later.
    pub settled: bool,
    /// Some principal is still open (due or not).
    pub principal_left: bool,
}

impl Owing {
    pub fn days_past_due(&self, today: NaiveDate) -> i64 {
        match self.oldest_open_due {
            Some(d) if today > d => (today - d).num_days(),
            _ => 0,
        }
    }
}

/// Why a journal could not be folded.
#[derive(Debug, Clone, PartialEq, Eq, thiserror::Error)]
pub enum FoldError {
    #[error("empty journal")]
    Empty,
    #[error("the journal does not start with a creation event")]
    NoCreation,
}

impl DossierState {
    /// Whether the item with this reference was read from an accounting import.
    pub fn imported(&self, reference: &str) -> bool {
        self.imported.iter().any(|r| r == reference)
    }

    pub fn total_items(&self) -> Decimal {
        self.items.iter().map(|i| i.amount).sum()
    }
    pub fn total_paid(&self) -> Decimal {
        self.payments.iter().map(|p| p.amount).sum()
    }
    pub fn total_credit_notes(&self) -> Decimal {
        self.credit_notes.iter().map(|c| c.amount).sum()
    }
    pub fn total_costs(&self) -> Decimal {
        self.costs.iter().map(|c| c.amount).sum()
    }

    /// What is still unpaid on each instalment of the agreed plan, in order: the payments since
    /// the plan are allocated to its instalments oldest first. Empty without a plan.
    pub fn instalments_unpaid(&self) -> Vec<Decimal> {
        let Some(plan) = &self.plan else {
            return vec![];
        };
        let mut paid: Decimal = self
            .payments
            .iter()
            .filter(|p| p.date >= plan.date)
            .map(|p| p.amount)
            .sum();
        plan.instalments
            .iter()
            .map(|inst| {
                let covered = paid.min(inst.amount);
                paid -= covered;
                inst.amount - covered
            })
            .collect()
    }

    pub fn relance_level(&self) -> u8 {
        self.reminders.iter().map(|r| r.level).max().unwrap_or(0)
    }

    pub fn last_reminder(&self) -> Option<&Reminder> {
        self.reminders.last()
    }

    /// The day an item falls due: its own due date, or later when the dossier's payment terms
    /// ("45 jours fin de mois") give more time. Penalties, reminders and notices all start from it.
    pub fn due_of(&self, item: &Item) -> NaiveDate {
        match self.payment_terms {
            Some(t) => item.due.max(t.due_from(item.issued)),
            None => item.due,
        }
    }

    /// The escalation stage ignoring side states (dispute, plan, closure).
    pub fn ladder_stage(&self, today: NaiveDate, owing: &Owing) -> Stage {
        if let Some((to, _)) = self.handed_over {
            return match to {
                HandOver::Enforcement => Stage::Enforcement,
                HandOver::Agency => Stage::Agency,
            };
        }
        if self.injonction.is_some() {
            return Stage::Injonction;
        }
        if let Some(n) = &self.notice {
            return if n.last_notice {
                Stage::LastNotice
            } else {
                Stage::MiseEnDemeure
            };
        }
        match self.relance_level() {
            0 => match owing.oldest_open_due {
                Some(d) if today > d => Stage::Due,
                // The principal is paid but penalties or indemnities are owed: they are due now,
                // not "not yet due".
                None if !owing.settled && !owing.principal_left => Stage::Due,
                _ => Stage::NotDue,
            },
            1 => Stage::Relance1,
            2 => Stage::Relance2,
            _ => Stage::Relance3,
        }
    }

    /// The stage shown to the user, given what the money rules say is owed.
    pub fn stage(&self, today: NaiveDate, owing: &Owing) -> Stage {
        match self.closed {
            Some((CloseReason::Paid, _)) => return Stage::Paid,
            Some((CloseReason::WrittenOff, _)) => return Stage::WrittenOff,
            None => {}
        }
        // Paid only when nothing at all is owed: principal, penalties, indemnities and costs
        // (or a waiver cleared the accessories).
        if !self.items.is_empty() && owing.settled {
            return Stage::Paid;
        }
        if self.contestation.is_some() {
            return Stage::Disputed;
        }
        if self.plan.is_some() {
            return Stage::PaymentPlan;
        }
        self.ladder_stage(today, owing)
    }

    pub fn is_open(&self) -> bool {
        self.closed.is_none()
    }
}

fn understood(terms: &Option<String>) -> Option<PaymentTerms> {
    terms.as_deref().and_then(PaymentTerms::parse)
}

/// Folds a journal (in `seq` order) into the dossier's state.
pub fn fold(id: DossierId, events: &[Event]) -> Result<DossierState, FoldError> {
    let first = events.first().ok_or(FoldError::Empty)?;
    let EventKind::Created {
        debtor,
        kind,
        profile,
        jurisdiction,
        contractual_rate,
        refund_reason,
        terms,
    } = &first.kind
    else {
        return Err(FoldError::NoCreation);
    };
    let cancelled: HashSet<u32> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Cancel { target } if target != 0 => Some(target),
            _ => None,
        })
        .collect();
    let mut st = DossierState {
        id,
        debtor: *debtor,
        kind: *kind,
        profile: *profile,
        jurisdiction: *jurisdiction,
        contractual_rate: *contractual_rate,
        refund_reason: refund_reason.clone(),
        terms: terms.clone(),
        payment_terms: understood(terms),
        created: first.date,
        items: vec![],
        imported: vec![],
        credit_notes: vec![],
        payments: vec![],
        costs: vec![],
        reminders: vec![],
        notice: None,
        injonction: None,
        injonction_steps: vec![],
        handed_over: None,
        contestation: None,
        contestations_resolved: vec![],
        plan: None,
        promise: None,
        acknowledgments: vec![],
        closed: None,
        assigned: None,
        collective_proceedings: None,
        waivers: vec![],
        journal_len: events.len() as u32,
        cancelled: {
            let mut v: Vec<u32> = cancelled.iter().copied().collect();
            v.sort_unstable();
            v
        },
        last_event: None,
    };
    for e in &events[1..] {
        if cancelled.contains(&e.seq) || matches!(e.kind, EventKind::Cancel { .. }) {
            continue;
        }
        apply(&mut st, e);
        st.last_event = Some((e.seq, e.date, e.kind.slug()));
    }
    if st.last_event.is_none() {
        st.last_event = Some((first.seq, first.date, first.kind.slug()));
    }
    Ok(st)
}

fn apply(st: &mut DossierState, e: &Event) {
    let date = e.date;
    match &e.kind {
        EventKind::Created { .. } | EventKind::Cancel { .. } => {}
        EventKind::ItemAdded(item) => {
            if item.imported() {
                st.imported.push(item.reference.clone());
            }
            st.items.push(item.clone())
        }
        EventKind::CreditNote {
            reference,
            amount,
            invoice,
        } => st.credit_notes.push(CreditNoteLine {
            seq: e.seq,
            date,
            reference: reference.clone(),
            amount: *amount,
            invoice: invoice.clone(),
        }),
        EventKind::RelanceSent { level, channel, .. } => st.reminders.push(Reminder {
            seq: e.seq,
            date,
            level: *level,
            channel: *channel,
        }),
        EventKind::ContestationReceived {
            reason,
            text,
            review,
        } => {
            st.contestation = Some(Contestation {
                seq: e.seq,
                date,
                reason: reason.clone(),
                text: text.clone(),
                review: review.unwrap_or(add_days(date, DEFAULT_CONTESTATION_REVIEW_DAYS)),
            })
        }
        EventKind::ContestationResolved { outcome, .. } => {
            st.contestation = None;
            st.contestations_resolved.push((*outcome, date));
        }
        EventKind::PaymentReceived {
            amount,
            reference,
            invoice,
        } => {
            st.payments.push(Payment {
                seq: e.seq,
                date,
                amount: *amount,
                reference: reference.clone(),
                invoice: invoice.clone(),
            });
            // A payment that honours the promise ends it; a shortfall leaves it to be checked.
            if let Some(p) = &st.promise {
                let since: Decimal = st
                    .payments
                    .iter()
                    .filter(|x| x.date >= p.date)
                    .map(|x| x.amount)
                    .sum();
                if since >= p.amount {
                    st.promise = None;
                }
            }
        }
        EventKind::PromiseToPay { until, amount } => {
            st.promise = Some(Promise {
                seq: e.seq,
                date,
                until: *until,
                amount: *amount,
            })
        }
        EventKind::PaymentPlanAgreed { instalments } => {
            st.plan = Some(Plan {
                seq: e.seq,
                date,
                instalments: instalments.clone(),
            })
        }
        EventKind::NoticeSent {
            channel,
            deadline,
            tracking,
            overrides,
            ..
        } => {
            st.notice = Some(Notice {
                seq: e.seq,
                date,
                channel: *channel,
                deadline: *deadline,
                tracking: tracking.clone(),
                received: None,
                last_notice: false,
                overrides: overrides.clone(),
            })
        }
        EventKind::LastNoticeSent {
            channel, deadline, ..
        } => {
            st.notice = Some(Notice {
                seq: e.seq,
                date,
                channel: *channel,
                deadline: *deadline,
                tracking: None,
                received: None,
                last_notice: true,
                overrides: vec![],
            })
        }
        EventKind::AcknowledgementReceived { .. } => {
            if let Some(n) = &mut st.notice {
                n.received = Some(date);
            }
        }
        EventKind::Injonction { step, .. } => {
            st.injonction = Some((*step, date));
            st.injonction_steps.push((*step, date));
        }
        EventKind::HandedOver { to, .. } => st.handed_over = Some((*to, date)),
        EventKind::Note { .. } => {}
        EventKind::DebtAcknowledged { .. } => st.acknowledgments.push(date),
        EventKind::CostIncurred { label, amount } => st.costs.push(Cost {
            seq: e.seq,
            date,
            label: label.clone(),
            amount: *amount,
        }),
        EventKind::Assigned { to } => st.assigned = to.clone(),
        EventKind::Closed { reason } => st.closed = Some((*reason, date)),
        EventKind::Reopened => st.closed = None,
        EventKind::TermsChanged {
            contractual_rate,
            terms,
        } => {
            st.contractual_rate = *contractual_rate;
            st.terms = terms.clone();
            st.payment_terms = understood(terms);
        }
        EventKind::CollectiveProceedings { open } => st.collective_proceedings = Some(*open),
        EventKind::Waived { reason } => st.waivers.push(Waiver {
            seq: e.seq,
            date,
            reason: reason.clone(),
        }),
        EventKind::ProofRecorded { invoice, proof } => {
            if let Some(it) = st.items.iter_mut().find(|i| i.reference == *invoice) {
                it.proof = Some(proof.clone());
            }
        }
        // The letter's own event (logged with them) is what counts; these are its proof.
        EventKind::EmailSending { .. }
        | EventKind::EmailSent { .. }
        | EventKind::EmailFailed { .. } => {}
    }
}
