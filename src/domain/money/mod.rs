//! Money and legal rules: late-payment penalties, the 40 € indemnity, legal interest, NL/BE
//! collection costs, limitation, readiness for a formal notice, the notice deadline and the advice
//! on the sending channel. Pure functions: every rule takes the date it is evaluated at.
//!
//! # Conventions (they decide cents, so they are fixed here and tested)
//!
//! - **Day count: actual days, each day weighted by the length of its own year.** A day of 2024
//!   accrues `rate / 366`, a day of 2025 `rate / 365`. Accrual periods are cut at every half-year
//!   boundary (the rates change there), so a piece never crosses a year end and each piece is
//!   `base × rate × days / (100 × 365 or 366)`.
//! - **Periods are `(start, end]`.** Penalties start the day *after* the due date and include the
//!   end date: at the due date itself nothing is owed; one day later one day is owed. Legal interest
//!   for a consumer starts the day after the notice was received. A payment dated `p` closes the
//!   segment at `p` (day `p` still accrues on the old base) and the lower base runs from `p + 1`.
//! - **Rounding:** each breakdown line is rounded to the cent, half away from zero; every total is
//!   the sum of its rounded lines, so a letter's lines always add up to its totals.
//! - **Daily growth** is what one more day adds on the outstanding base at the rate in force on
//!   `at`, rounded to the cent (zero while nothing is late).
//! - **Imputation of partial payments** (art. 1342-10 and 1343-1 Code civil, default): to the
//!   invoice the debtor named (or whose open balance the payment matches exactly), then accrued
//!   penalties or interest, then the interest-bearing principal, oldest due date first, and only
//!   then the 40 € indemnities and the part of recorded costs above them, which bear no interest.
//!   Credit notes reduce the principal of the invoice they name, else the oldest, from their own
//!   date. A waiver event clears the accessories owed at its date.
//!   [`Imputation::PrincipalFirst`] (principal, then penalties, then indemnities and costs) is the
//!   configurable alternative.
//! - **What is claimed:** only invoices past their due date (the contractual term applied) are in
//!   `total_due`; the others are `not_yet_due`. The breakdown holds every line, negative ones
//!   included, so that each total is the sum of its lines.
//! - **Rates past the table** use the last known half-year and flag every dependent figure
//!   `provisional`; a half-year before the table is an error, never a zero.
//! - **Working days** are Monday–Friday except the French national public holidays.

pub mod calendar;
pub mod channel;
pub mod claim;
pub mod deadline;
pub mod limitation;
pub mod rates;
pub mod readiness;
pub mod scale;

pub use calendar::HalfYear;
pub use channel::{advise_channel, AdviceReason, ChannelAdvice, ChannelHistory, ChannelRules};
pub use claim::{
    check_contractual_rate, check_contractual_rate_over, compute_claim, in_collective_proceedings,
    principal_claim, BreakdownLine, ClaimAmounts, ClaimNote, ItemClaim, LineKind, RateBasis,
    Regime, Settled, Settlement,
};
pub use deadline::{notice_deadline, DeadlineAdvice, DeadlineRules, DeadlineWarning, NoticeKind};
pub use limitation::{
    basis_for, limitation, Interruption, Limitation, LimitationBasis, LimitationState,
};
pub use rates::{RateLookup, RateOrigin, RateRow, RateTable};
pub use readiness::{readiness, Check, PaymentTerms, Readiness, ReadinessProblem};
pub use scale::{be_collection_costs, collection_costs, nl_collection_costs};

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};
use std::fmt;

use crate::i18n::{self, tf};

/// Order in which a partial payment settles what is owed.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize, Default)]
#[serde(rename_all = "snake_case")]
pub enum Imputation {
    /// Penalties/interest, then principal, then indemnities and costs (art. 1343-1 Code civil).
    #[default]
    ChargesFirst,
    /// Principal first, then penalties/interest, then indemnities and costs.
    PrincipalFirst,
}

/// The configurable parts of the money rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct MoneyRules {
    pub imputation: Imputation,
    /// Fixed recovery indemnity per late invoice (D441-5 Code de commerce).
    pub recovery_indemnity: Decimal,
    /// Below this many months before the limitation date, the dossier is in the warning state.
    pub limitation_warning_months: u32,
}

impl Default for MoneyRules {
    fn default() -> Self {
        MoneyRules {
            imputation: Imputation::ChargesFirst,
            recovery_indemnity: Decimal::from(40),
            limitation_warning_months: 6,
        }
    }
}

/// Why a money figure could not be computed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum MoneyError {
    /// The terms of sale set a rate below 3 × the legal rate of a half-year the claim spans.
    ContractualRateBelowFloor {
        rate: Decimal,
        floor: Decimal,
        half_year: HalfYear,
    },
    /// No rate is known for this half-year nor any earlier one.
    RateMissing {
        half_year: HalfYear,
    },
    /// A rate row could not be read.
    InvalidRateRow {
        origin: String,
        reason: String,
    },
    /// A rate row does not start on 1 January or 1 July.
    RateRowStart {
        origin: String,
        start: NaiveDate,
    },
    NegativeRate {
        origin: String,
        half_year: HalfYear,
    },
    /// A rate row outside 0–100 %.
    RateOutOfRange {
        origin: String,
        half_year: HalfYear,
        rate: Decimal,
    },
    /// A stored record beyond the bounds input enforces (from an older version or an import):
    /// the dossier's figures are not computed with it.
    OutOfBounds {
        record: String,
        value: String,
    },
}

impl fmt::Display for MoneyError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let text = match self {
            MoneyError::ContractualRateBelowFloor {
                rate,
                floor,
                half_year,
            } => tf(
                "money.error.below_floor",
                &[
                    ("rate", &format_rate(*rate)),
                    ("floor", &format_rate(*floor)),
                    ("half_year", half_year),
                ],
            ),
            MoneyError::RateMissing { half_year } => {
                tf("money.error.rate_missing", &[("half_year", half_year)])
            }
            MoneyError::InvalidRateRow { origin, reason } => tf(
                "money.error.invalid_row",
                &[("origin", origin), ("reason", reason)],
            ),
            MoneyError::RateRowStart { origin, start } => tf(
                "money.error.row_start",
                &[("origin", origin), ("start", &i18n::date(*start))],
            ),
            MoneyError::NegativeRate { origin, half_year } => tf(
                "money.error.negative_rate",
                &[("origin", origin), ("half_year", half_year)],
            ),
            MoneyError::RateOutOfRange {
                origin,
                half_year,
                rate,
            } => tf(
                "money.error.rate_range",
                &[
                    ("origin", origin),
                    ("half_year", half_year),
                    ("rate", rate),
                    ("max", &format_rate(claim::MAX_RATE)),
                ],
            ),
            MoneyError::OutOfBounds { record, value } => tf(
                "money.error.out_of_bounds",
                &[
                    ("record", &crate::present::printable(record)),
                    ("value", value),
                    ("max", &i18n::money(crate::domain::parse::MAX_AMOUNT)),
                    ("min_year", &crate::domain::parse::MIN_YEAR),
                    ("max_year", &crate::domain::parse::MAX_YEAR),
                ],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for MoneyError {}

/// A yearly rate as the interface language writes it: `12,15 %` or `12.15 %`.
pub fn format_rate(rate: Decimal) -> String {
    let mut r = rate.normalize();
    if r.scale() < 2 {
        r.rescale(2);
    }
    let s = r.to_string();
    match i18n::lang() {
        i18n::Lang::Fr => format!("{}\u{a0}%", s.replace('.', ",")),
        i18n::Lang::En => format!("{s} %"),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    #[test]
    fn below_floor_error_names_rate_floor_and_half_year() {
        let e = MoneyError::ContractualRateBelowFloor {
            rate: Decimal::from_str("12").unwrap(),
            floor: Decimal::from_str("15.21").unwrap(),
            half_year: HalfYear::new(2024, 1).unwrap(),
        };
        let text = e.to_string();
        let either = |fr: &str, en: &str| text.contains(fr) || text.contains(en);
        assert!(either("12,00", "12.00"), "{text}");
        assert!(either("15,21", "15.21"), "{text}");
        assert!(text.contains("2024-H1"), "{text}");
    }

    #[test]
    fn rates_keep_two_decimals() {
        // The default language is French.
        assert_eq!(format_rate(Decimal::from(10)), "10,00\u{a0}%");
        assert_eq!(
            format_rate(Decimal::from_str("15.210").unwrap()),
            "15,21\u{a0}%"
        );
    }
}
