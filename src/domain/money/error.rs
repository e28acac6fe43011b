//! Why a money figure could not be computed, in the interface language.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use std::fmt;

use super::calendar::HalfYear;
use crate::domain::parse::{MAX_AMOUNT, MAX_RATE, MAX_YEAR, MIN_YEAR};
use crate::domain::text::printable;
use crate::i18n::{self, format_rate, tf};

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
                    ("max", &format_rate(MAX_RATE)),
                ],
            ),
            MoneyError::OutOfBounds { record, value } => tf(
                "money.error.out_of_bounds",
                &[
                    ("record", &printable(record)),
                    ("value", value),
                    ("max", &i18n::money(MAX_AMOUNT)),
                    ("min_year", &MIN_YEAR),
                    ("max_year", &MAX_YEAR),
                ],
            ),
        };
        f.write_str(&text)
    }
}

impl std::error::Error for MoneyError {}

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
}
