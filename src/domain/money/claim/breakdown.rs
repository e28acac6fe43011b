//! The lines of a claim's breakdown: what each line is, the rate it used, and what settled it.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::domain::money::calendar::HalfYear;
use crate::i18n::{self, format_rate, tf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// An invoice that is due, and what paid or credited it.
    Principal,
    /// An invoice not yet due: listed, never claimed.
    NotYetDue,
    Penalty,
    Interest,
    Indemnity,
    Cost,
    CollectionCosts,
}

impl LineKind {
    /// Stable snake_case name (JSON).
    pub fn slug(self) -> &'static str {
        match self {
            LineKind::Principal => "principal",
            LineKind::NotYetDue => "not_yet_due",
            LineKind::Penalty => "penalty",
            LineKind::Interest => "interest",
            LineKind::Indemnity => "indemnity",
            LineKind::Cost => "cost",
            LineKind::CollectionCosts => "collection_costs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LineKind::Principal => i18n::t("money.line.principal"),
            LineKind::NotYetDue => i18n::t("money.line.not_yet_due"),
            LineKind::Penalty => i18n::t("money.line.penalty"),
            LineKind::Interest => i18n::t("money.line.interest"),
            LineKind::Indemnity => i18n::t("money.line.indemnity"),
            LineKind::Cost => i18n::t("money.line.cost"),
            LineKind::CollectionCosts => i18n::t("money.line.collection_costs"),
        }
    }
}

/// Where the rate of a line comes from: the distinct legal cases are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateBasis {
    /// The rate in the terms of sale (checked against 3 × the legal rate).
    Contractual,
    /// No contractual rate: ECB refinancing rate of the half-year + 10 points (no floor).
    EcbPlus10,
    /// Legal rate for a creditor who is a natural person not acting professionally.
    LegalNaturalPerson,
    /// Legal rate, all other cases.
    LegalOther,
}

impl RateBasis {
    pub fn label(self) -> &'static str {
        match self {
            RateBasis::Contractual => i18n::t("money.basis.contractual"),
            RateBasis::EcbPlus10 => i18n::t("money.basis.ecb_plus_10"),
            RateBasis::LegalNaturalPerson => i18n::t("money.basis.legal_natural_person"),
            RateBasis::LegalOther => i18n::t("money.basis.legal_other"),
        }
    }
}

/// One line of the breakdown. Accrual lines cover one invoice, one half-year and one constant
/// base; fixed lines (indemnity, costs) have no period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakdownLine {
    pub kind: LineKind,
    /// Invoice reference, or the label of a recorded cost.
    pub item: String,
    /// First day counted.
    pub from: Option<NaiveDate>,
    /// Last day counted (included).
    pub to: Option<NaiveDate>,
    pub days: Option<i64>,
    pub half_year: Option<HalfYear>,
    /// Sum the rate applies to.
    pub base: Option<Decimal>,
    /// Percent per year.
    pub rate: Option<Decimal>,
    pub rate_basis: Option<RateBasis>,
    /// 365 or 366: the day-count denominator of this line.
    pub year_days: Option<i64>,
    pub amount: Decimal,
    /// Computed from a stand-in rate (half-year missing from the table or unconfirmed).
    pub provisional: bool,
    /// For a negative line: what reduced the sum (its date is `from`).
    pub settled_by: Option<Settled>,
}

impl BreakdownLine {
    pub(super) fn fixed(
        kind: LineKind,
        item: &str,
        date: Option<NaiveDate>,
        amount: Decimal,
    ) -> Self {
        BreakdownLine {
            kind,
            item: item.to_string(),
            from: date,
            to: None,
            days: None,
            half_year: None,
            base: None,
            rate: None,
            rate_basis: None,
            year_days: None,
            amount,
            provisional: false,
            settled_by: None,
        }
    }

    /// A negative line: `amount` of `kind` paid, credited, waived or covered on `date`.
    pub(super) fn cleared(kind: LineKind, by: Settled, date: NaiveDate, amount: Decimal) -> Self {
        BreakdownLine {
            settled_by: Some(by),
            ..BreakdownLine::fixed(kind, "", Some(date), -amount)
        }
    }

    /// One line of text for the CLI and letters, in the interface language.
    pub fn describe(&self) -> String {
        if let (Some(by), Some(date)) = (self.settled_by, self.from) {
            let key = match by {
                Settled::Payment => "money.line.by_payment",
                Settled::CreditNote => "money.line.by_credit_note",
                Settled::Waiver => "money.line.by_waiver",
                Settled::CoveredByIndemnities => "money.line.covered_by_indemnities",
            };
            let what = if self.item.is_empty() {
                self.kind.label().to_string()
            } else {
                format!("{} – {}", self.kind.label(), self.item)
            };
            return tf(
                key,
                &[
                    ("what", &what),
                    ("date", &i18n::date(date)),
                    ("amount", &i18n::money(self.amount)),
                ],
            );
        }
        match (self.from, self.to, self.days, self.rate, self.base) {
            (Some(from), Some(to), Some(days), Some(rate), Some(base)) => tf(
                "money.line.accrual",
                &[
                    ("kind", &self.kind.label()),
                    ("item", &self.item),
                    ("from", &i18n::date(from)),
                    ("to", &i18n::date(to)),
                    ("days", &days),
                    ("base", &i18n::money(base)),
                    ("rate", &format_rate(rate)),
                    ("year_days", &self.year_days.unwrap_or(365)),
                    ("amount", &i18n::money(self.amount)),
                ],
            ),
            _ if self.item.is_empty() => tf(
                "money.line.fixed_dossier",
                &[
                    ("kind", &self.kind.label()),
                    ("amount", &i18n::money(self.amount)),
                ],
            ),
            _ => tf(
                "money.line.fixed",
                &[
                    ("kind", &self.kind.label()),
                    ("item", &self.item),
                    ("amount", &i18n::money(self.amount)),
                ],
            ),
        }
    }
}

/// What reduced a sum: the negative lines of the breakdown say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Settled {
    Payment,
    CreditNote,
    /// A journaled waiver of the accessories.
    Waiver,
    /// Recorded costs up to the 40 € indemnities they are deemed to cover (L441-10 II).
    CoveredByIndemnities,
}

impl Settled {
    /// The name in `status --json` (`settled_by`).
    pub fn slug(self) -> &'static str {
        match self {
            Settled::Payment => "payment",
            Settled::CreditNote => "credit_note",
            Settled::Waiver => "waiver",
            Settled::CoveredByIndemnities => "covered_by_indemnities",
        }
    }
}

impl Serialize for Settled {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(self.slug())
    }
}
