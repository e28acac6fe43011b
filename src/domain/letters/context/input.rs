//! What the caller gives to build a letter: the dossier, the parties, the user's choices and the
//! money section computed at the letter's date.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use crate::domain::event::{Channel, Event, Instalment};
use crate::domain::fold::DossierState;
use crate::domain::letters::step::LetterStep;
use crate::domain::model::{Creditor, Debtor};

/// What a money line is, so that the letter can print a rate and period where they matter and
/// drop what the law forbids claiming from a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterMoneyKind {
    Principal,
    /// B2B late-payment penalties (Code de commerce L441-10).
    Penalty,
    /// Fixed 40 € recovery indemnity per late invoice (D441-5), professionals only.
    Indemnity,
    /// Legal (moratory) interest.
    Interest,
    /// Recovery costs: justified costs (B2B), or the NL/BE collection costs a last notice
    /// announces.
    Cost,
}

/// One line of the money breakdown, as computed by the money rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterMoneyLine {
    pub kind: LetterMoneyKind,
    pub label: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub days: Option<i64>,
    /// Annual rate in percent (12.15 means 12,15 % per year).
    pub rate: Option<Decimal>,
    pub amount: Decimal,
}

/// The money section of a letter, filled by the caller (the money module computes it at the date
/// of the letter). For a NL/BE last notice, `costs` are the collection costs that become due if
/// the deadline is missed, and `total_due` excludes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LetterMoney {
    pub principal: Decimal,
    pub penalties: Decimal,
    pub indemnities: Decimal,
    pub interest: Decimal,
    pub costs: Decimal,
    pub total_due: Decimal,
    /// How much the total grows per day of further delay.
    pub daily_growth: Decimal,
    /// A rate the figures depend on is missing from the rate table: amounts are provisional.
    pub provisional: bool,
    pub lines: Vec<LetterMoneyLine>,
    /// Principal of invoices not yet due: listed for information, never in `total_due`.
    pub not_yet_due: Decimal,
    /// What is still open on each item, as the money rules imputed the payments.
    pub items: Vec<LetterItemMoney>,
}

/// One item as the claim stands at the letter's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterItemMoney {
    pub reference: String,
    /// Due date once the payment terms are applied.
    pub due: NaiveDate,
    pub open: Decimal,
    /// Past due: part of the sum asked.
    pub claimed: bool,
    /// Day a payment cleared the last of its principal (`None` while some is open, or when a
    /// credit note did): an item paid after its due date still carries the penalties and
    /// indemnity of its lateness.
    #[serde(default)]
    pub settled_on: Option<NaiveDate>,
    /// Penalties or interest accrued on this item and its 40 € indemnity, before any payment.
    #[serde(default)]
    pub accessories: Decimal,
}

impl LetterMoney {
    /// Provisional figures matter only when the letter states a rate-based amount (penalties
    /// or interest): a principal-only letter is exact whatever the rate table holds.
    pub fn is_provisional(&self) -> bool {
        self.provisional
            && (!self.penalties.is_zero()
                || !self.interest.is_zero()
                || self.lines.iter().any(|l| {
                    matches!(l.kind, LetterMoneyKind::Penalty | LetterMoneyKind::Interest)
                }))
    }

    pub(crate) fn amount_of(&self, kind: LetterMoneyKind) -> Decimal {
        match kind {
            LetterMoneyKind::Principal => self.principal,
            LetterMoneyKind::Penalty => self.penalties,
            LetterMoneyKind::Indemnity => self.indemnities,
            LetterMoneyKind::Interest => self.interest,
            LetterMoneyKind::Cost => self.costs,
        }
    }

    /// Removes a kind of claim the law does not allow here; the total loses what was removed.
    pub(crate) fn drop_kind(&mut self, kind: LetterMoneyKind) -> bool {
        let aggregate = self.amount_of(kind);
        let in_lines: Decimal = self
            .lines
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.amount)
            .sum();
        let had_lines = self.lines.iter().any(|l| l.kind == kind);
        if aggregate.is_zero() && !had_lines {
            return false;
        }
        let removed = if aggregate.is_zero() {
            in_lines
        } else {
            aggregate
        };
        self.lines.retain(|l| l.kind != kind);
        match kind {
            LetterMoneyKind::Principal => self.principal = Decimal::ZERO,
            LetterMoneyKind::Penalty => self.penalties = Decimal::ZERO,
            LetterMoneyKind::Indemnity => self.indemnities = Decimal::ZERO,
            LetterMoneyKind::Interest => self.interest = Decimal::ZERO,
            LetterMoneyKind::Cost => self.costs = Decimal::ZERO,
        }
        self.total_due -= removed;
        true
    }
}

/// Choices the user makes when preparing a letter; everything is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterOptions {
    /// Days allowed to pay (default: 8, or the legal minimum of a last notice).
    pub deadline_days: Option<i64>,
    /// An explicit deadline date (wins over `deadline_days`).
    pub deadline: Option<NaiveDate>,
    pub channel: Option<Channel>,
    pub tracking: Option<String>,
    /// Reference the debtor must quote on the transfer (default: the invoice references).
    pub payment_reference: Option<String>,
    /// Place written before the date (default: the creditor's city).
    pub place: Option<String>,
    /// Instalments of a proposed payment plan (default: the agreed plan, else three monthly
    /// instalments).
    pub plan: Option<Vec<Instalment>>,
    /// Full name of the court for the injonction letter (default: derived from the debtor's
    /// address).
    pub court: Option<String>,
    /// Facts answering a contestation, point by point; missing points fall back to the proof
    /// recorded on the items.
    pub order_fact: Option<String>,
    pub delivery_fact: Option<String>,
    /// Whether the agreed payment plan makes the whole balance due when an instalment is missed
    /// (default: yes, as the plan letters of this tool state it).
    pub plan_acceleration: Option<bool>,
}

/// Everything needed to build a letter context.
#[derive(Debug, Clone)]
pub struct LetterInput<'a> {
    pub state: &'a DossierState,
    pub events: &'a [Event],
    pub debtor: &'a Debtor,
    pub creditor: &'a Creditor,
    pub today: NaiveDate,
    pub step: LetterStep,
    pub options: LetterOptions,
    pub money: LetterMoney,
}
