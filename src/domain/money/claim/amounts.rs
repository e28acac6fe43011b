//! The claim as computed: totals, items, settlements and the notes the user must read.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::breakdown::{BreakdownLine, LineKind};
use crate::domain::fold::Owing;
use crate::domain::money::calendar::HalfYear;
use crate::i18n::{self, tf};

/// Which rule makes the sums grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Regime {
    /// Professional debtor: L441-10 penalties from the day after each due date, 40 € per late
    /// invoice, recorded recovery costs.
    B2bPenalties,
    /// Legal interest from the day after the formal notice was received (art. 1344-1, 1231-6
    /// Code civil). `from` is `None` while no notice has been sent.
    LegalInterest {
        from: Option<NaiveDate>,
        receipt_assumed: bool,
    },
    /// NL/BE consumer: the collection-cost scale, owed once the last notice's deadline passed.
    CollectionCosts,
}

/// One item of the claim at the computation date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemClaim {
    pub reference: String,
    pub issued: NaiveDate,
    pub due: NaiveDate,
    pub amount: Decimal,
    /// Principal still open after imputation of payments and credit notes.
    pub open: Decimal,
    /// Days between the due date and the computation date (0 when not late).
    pub days_late: i64,
    /// Due (its due date reached) at the computation date: part of the sum asked. An item not
    /// yet due is listed for information only.
    pub claimed: bool,
    /// Penalties or interest accrued on this item (before payments).
    pub accrued: Decimal,
    /// The 40 € indemnity accrued on this item (before payments).
    pub indemnity: Decimal,
}

/// How one payment was imputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub date: NaiveDate,
    pub amount: Decimal,
    pub to_penalties: Decimal,
    pub to_interest: Decimal,
    pub to_indemnities: Decimal,
    pub to_costs: Decimal,
    pub to_principal: Decimal,
    /// More than everything owed at that date.
    pub surplus: Decimal,
}

/// Things the user must know about the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClaimNote {
    /// Rates for these half-years are stand-ins: the figures are provisional.
    ProvisionalRates { half_years: Vec<HalfYear> },
    /// Consumer: no interest until a formal notice is received.
    NoNoticeYet,
    /// No AR date recorded: receipt assumed the next working day after sending.
    ReceiptAssumed { date: NaiveDate },
    /// Recorded costs cannot be charged to a consumer; they are left out of the total.
    CostsNotChargeable { amount: Decimal },
    /// The debtor is under collective proceedings: no 40 € indemnity.
    NoIndemnityCollectiveProceedings,
    /// NL/BE: the collection costs to state in the last notice; owed only once its deadline passes.
    CollectionCostsAnnounced { amount: Decimal },
    /// NL/BE consumer: interest under local law is not computed here.
    LocalInterestNotComputed,
    /// Payments exceed everything owed.
    Overpaid { amount: Decimal },
}

impl ClaimNote {
    pub fn message(&self) -> String {
        match self {
            ClaimNote::ProvisionalRates { half_years } => {
                let list: Vec<String> = half_years.iter().map(|h| h.to_string()).collect();
                tf(
                    "money.note.provisional",
                    &[("half_years", &list.join(", "))],
                )
            }
            ClaimNote::NoNoticeYet => i18n::t("money.note.no_notice_yet").to_string(),
            ClaimNote::ReceiptAssumed { date } => tf(
                "money.note.receipt_assumed",
                &[("date", &i18n::date(*date))],
            ),
            ClaimNote::CostsNotChargeable { amount } => tf(
                "money.note.costs_not_chargeable",
                &[("amount", &i18n::money(*amount))],
            ),
            ClaimNote::NoIndemnityCollectiveProceedings => {
                i18n::t("money.note.collective_proceedings").to_string()
            }
            ClaimNote::CollectionCostsAnnounced { amount } => tf(
                "money.note.collection_costs_announced",
                &[("amount", &i18n::money(*amount))],
            ),
            ClaimNote::LocalInterestNotComputed => i18n::t("money.note.local_interest").to_string(),
            ClaimNote::Overpaid { amount } => {
                tf("money.note.overpaid", &[("amount", &i18n::money(*amount))])
            }
        }
    }
}

/// Everything owed at `at`, exact to the cent. Amounts are what is still owed once payments were
/// imputed; `lines` are the gross accruals and `settlements` how each payment was imputed, so that
/// `Σ lines of a kind − Σ settled to that kind = the total of that kind`.
///
/// Because payments settle penalties and indemnities before principal, `principal` can be higher
/// than `DossierState::balance()` (which nets every payment against the invoices): a debtor who
/// paid the invoice amount late still owes something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimAmounts {
    pub at: NaiveDate,
    pub regime: Regime,
    /// Principal of the invoices due at the date (due date reached), still open.
    pub principal: Decimal,
    /// Principal of invoices not yet due: never part of `total_due`.
    pub not_yet_due: Decimal,
    pub penalties: Decimal,
    pub indemnities: Decimal,
    pub interest: Decimal,
    pub costs: Decimal,
    pub total_due: Decimal,
    /// What the total grows by per day after `at`.
    pub daily_growth: Decimal,
    /// Some figure depends on a rate missing from the table: show it as provisional.
    pub provisional: bool,
    pub provisional_half_years: Vec<HalfYear>,
    /// Serialised as `breakdown`, the name `recouvre status --json` uses.
    #[serde(rename = "breakdown")]
    pub lines: Vec<BreakdownLine>,
    pub settlements: Vec<Settlement>,
    /// Per item, oldest due date first: what the letter lists as "the claim".
    pub items: Vec<ItemClaim>,
    /// Sum of the items.
    pub invoiced: Decimal,
    /// Payments dated up to `at`.
    pub paid: Decimal,
    /// Credit notes dated up to `at`.
    pub credited: Decimal,
    /// Paid or credited beyond everything owed.
    pub surplus: Decimal,
    pub notes: Vec<ClaimNote>,
}

impl ClaimAmounts {
    /// Sum of the breakdown lines of one kind before anything reduced them.
    pub fn accrued(&self, kind: LineKind) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.kind == kind && l.settled_by.is_none())
            .map(|l| l.amount)
            .sum()
    }

    /// Principal still open, due or not: what the debtor will have to pay besides accessories.
    pub fn open_principal(&self) -> Decimal {
        self.principal + self.not_yet_due
    }

    /// Items with principal still open, oldest due date first.
    pub fn open_items(&self) -> impl Iterator<Item = &ItemClaim> {
        self.items.iter().filter(|i| i.open > Decimal::ZERO)
    }

    /// Nothing is owed now nor later: no open principal, no accessory left.
    pub fn settled(&self) -> bool {
        self.total_due <= Decimal::ZERO && self.not_yet_due <= Decimal::ZERO
    }

    /// What the stage and the schedule need to know.
    pub fn owing(&self) -> Owing {
        Owing {
            oldest_open_due: self.open_items().map(|i| i.due).min(),
            settled: self.settled(),
            principal_left: self.open_principal() > Decimal::ZERO,
        }
    }
}
