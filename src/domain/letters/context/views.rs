//! The pieces of the letter context, pre-formatted in French for the templates.

use serde::Serialize;

use super::input::LetterMoneyKind;
use crate::domain::letters::rules::InjonctionCourt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyView {
    pub name: String,
    /// Address lines (the registered office for a debtor).
    pub address: Vec<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub siren: Option<String>,
    pub contact: Option<String>,
    pub customer_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatoryView {
    pub name: String,
    pub function: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    pub reference: String,
    pub issued: String,
    pub issued_long: String,
    pub due: String,
    pub due_long: String,
    pub amount: String,
    /// What is still open on this item.
    pub open: String,
    pub partly_paid: bool,
    pub description: Option<String>,
    pub proof: Option<String>,
}

/// An item whose principal was paid after its due date, the penalties and indemnity of that
/// lateness still being claimed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaidLateView {
    pub reference: String,
    pub issued: String,
    pub issued_long: String,
    pub due: String,
    pub due_long: String,
    pub amount: String,
    /// The day its principal was paid (or credited) in full.
    pub paid: String,
    pub paid_long: String,
    pub days_late: i64,
    /// `14 jours`.
    pub days_late_text: String,
}

/// The accessories of items paid late, as the letter words them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct AccessoriesView {
    /// Nothing of the principal is claimed any more: the accessories are the whole claim.
    pub only: bool,
    pub items: Vec<PaidLateView>,
    /// The items with the day each was paid and how late.
    pub table: String,
    /// The sentence before the table: thanks for the payment (`only`), or `Par ailleurs, …`.
    pub intro: String,
    /// After the table: why the accessories are owed, with the articles of law.
    pub basis: String,
    /// `les pénalités de retard et l'indemnité forfaitaire pour frais de recouvrement`
    pub what: String,
    /// `des pénalités de retard et de l'indemnité forfaitaire pour frais de recouvrement`
    pub of_what: String,
    /// `pénalités de retard et indemnité forfaitaire`, for a subject line.
    pub short: String,
    /// Agreement of `what`: `dues` or `dus`.
    pub owed: String,
    /// `de notre facture n° F-1` / `de nos factures n° F-1 et F-2`.
    pub of_items: String,
}

/// An invoice not yet due, named for information only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotYetDueView {
    pub reference: String,
    pub due_long: String,
    pub open: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyLineView {
    pub kind: LetterMoneyKind,
    pub label: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub days: Option<i64>,
    pub rate: Option<String>,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyView {
    pub principal: String,
    pub penalties: String,
    pub indemnities: String,
    pub interest: String,
    pub costs: String,
    pub total_due: String,
    /// Total due plus the announced costs (NL/BE last notice).
    pub total_with_costs: String,
    pub daily_growth: String,
    pub has_penalties: bool,
    pub has_indemnities: bool,
    pub has_interest: bool,
    pub has_costs: bool,
    pub has_daily_growth: bool,
    /// Anything beyond the principal: the breakdown table is worth printing.
    pub has_extras: bool,
    /// What the total is made of, for one courteous sentence: `2 084,56 € en principal,
    /// 26,29 € de pénalités de retard et 80,00 € d'indemnité forfaitaire …`.
    pub breakdown_text: String,
    /// The letter states a rate-based amount (penalties or interest) resting on a rate missing
    /// from the table: only then is it provisional.
    pub provisional: bool,
    /// Number of 40 € indemnities (indemnity total / 40).
    pub indemnity_count: Option<String>,
    pub lines: Vec<MoneyLineView>,
    /// The breakdown as aligned plain text, ending with the total.
    pub table: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderView {
    pub level: u8,
    pub date: String,
    pub date_long: String,
    pub channel: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeView {
    pub date: String,
    pub date_long: String,
    pub deadline: String,
    pub deadline_long: String,
    pub channel: String,
    pub tracking: Option<String>,
    pub received_long: Option<String>,
    pub last_notice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineView {
    pub days: i64,
    /// The period counts from receipt of the letter (the date then includes the assumed
    /// delivery), not from the date of writing.
    pub from_receipt: bool,
    /// `8 jours`.
    pub days_text: String,
    pub date: String,
    pub date_long: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentView {
    pub iban: String,
    pub bic: String,
    pub holder: String,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContestationView {
    pub date_long: String,
    pub reason: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalmentView {
    pub number: usize,
    pub due: String,
    pub due_long: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    pub instalments: Vec<InstalmentView>,
    pub count: usize,
    pub total: String,
    pub table: String,
    /// The plan was already agreed (journal) rather than proposed now.
    pub agreed: bool,
}

/// The instalments of an agreed plan that are past due and unpaid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissedView {
    /// Date the plan was agreed.
    pub agreed_long: String,
    pub instalments: Vec<InstalmentView>,
    /// Sum still unpaid on the missed instalments: the sum this letter asks.
    pub total: String,
    /// The whole plan, for the reminder.
    pub plan_table: String,
    /// What remains owed on the whole claim, which becomes due if the plan lapses.
    pub balance: String,
    /// The plan provides that one missed instalment makes the whole balance due.
    pub acceleration: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRowView {
    pub date_long: String,
    pub amount: String,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChronologyView {
    pub date: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InjonctionView {
    pub court_kind: InjonctionCourt,
    /// The French Cerfa number; `None` for the European order.
    pub cerfa: Option<String>,
    /// The form as printed: `Cerfa n° 12946*02`, or form A of Regulation (EC) No 1896/2006.
    pub form: String,
    /// The European order for payment (debtor outside France).
    pub european: bool,
    /// Full name of the court, e.g. "Tribunal de commerce de Paris".
    pub court: String,
    /// Documents to attach, in the order a clerk expects them.
    pub documents: Vec<String>,
    pub chronology: Vec<ChronologyView>,
    /// Above 5 000 € the simplified small-claims procedure is not available.
    pub small_claim_possible: bool,
}

/// What the letter is, for the channel it goes by: an e-mail is not a "courrier", and a notice
/// served by a commissaire de justice is an act (a "sommation de payer"), not a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentView {
    /// `ce courriel`, `ce courrier`, `cet acte`.
    pub this: String,
    /// `le présent courriel`, `la présente lettre`, `le présent acte`.
    pub present: String,
    /// The same, capitalised, to start a sentence.
    pub present_cap: String,
    /// `de la présente lettre`, `du présent courriel`, `du présent acte`.
    pub of_present: String,
    /// Served by a commissaire de justice.
    pub act: bool,
    pub email: bool,
}
