//! The growing part of a claim: the rate that applies per half-year (contractual, ECB + 10 or
//! legal) and the accrual lines it gives.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::breakdown::{BreakdownLine, LineKind, RateBasis};
use crate::domain::money::calendar::{days_in_year, split_half_years, HalfYear, Piece};
use crate::domain::money::error::MoneyError;
use crate::domain::money::rates::RateTable;
use crate::domain::parse::cents;

/// Checks a contractual rate against the floor of half-year `h` (3 × the legal "other cases"
/// rate). Useful when the rate is typed in, before any claim is computed.
pub fn check_contractual_rate(
    rate: Decimal,
    rates: &RateTable,
    h: HalfYear,
) -> Result<(), MoneyError> {
    let floor = rates.lookup(h)?.row.contractual_floor();
    if rate < floor {
        return Err(MoneyError::ContractualRateBelowFloor {
            rate,
            floor,
            half_year: h,
        });
    }
    Ok(())
}

/// Checks a contractual rate against the floor of every half-year from `from` to `to` (the
/// period the claim's penalties run over), naming the first one it is below. Half-years before
/// the rate table are not checked (nothing is known of them).
pub fn check_contractual_rate_over(
    rate: Decimal,
    rates: &RateTable,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), MoneyError> {
    let mut h = HalfYear::containing(from.min(to));
    let last = HalfYear::containing(to.max(from));
    loop {
        match check_contractual_rate(rate, rates, h) {
            Err(MoneyError::RateMissing { .. }) | Ok(()) => {}
            Err(e) => return Err(e),
        }
        if h >= last {
            return Ok(());
        }
        h = h.next();
    }
}

pub(super) struct AppliedRate {
    pub(super) rate: Decimal,
    pub(super) basis: RateBasis,
    pub(super) provisional: bool,
}

/// The growing part of the claim: penalties (B2B) or legal interest.
pub(super) struct Accrual<'a> {
    pub(super) kind: LineKind,
    pub(super) rates: &'a RateTable,
    pub(super) contractual: Option<Decimal>,
    pub(super) natural_person_creditor: bool,
    /// Off when only the principal is wanted (the rates could not be applied).
    pub(super) enabled: bool,
}

impl Accrual<'_> {
    pub(super) fn rate(&self, h: HalfYear) -> Result<AppliedRate, MoneyError> {
        let l = self.rates.lookup(h)?;
        let (rate, basis) = match (self.kind, self.contractual) {
            (LineKind::Penalty, Some(c)) => {
                check_contractual_rate(c, self.rates, h)?;
                (c, RateBasis::Contractual)
            }
            (LineKind::Penalty, None) => (l.row.default_penalty_rate(), RateBasis::EcbPlus10),
            _ if self.natural_person_creditor => (
                l.row.legal_rate_consumer_creditor,
                RateBasis::LegalNaturalPerson,
            ),
            _ => (l.row.legal_rate_other, RateBasis::LegalOther),
        };
        Ok(AppliedRate {
            rate,
            basis,
            provisional: l.provisional,
        })
    }

    /// Lines for `base` over the days after `after` up to `until`, one per half-year.
    pub(super) fn lines(
        &self,
        item: &str,
        base: Decimal,
        after: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<BreakdownLine>, MoneyError> {
        self.pieces(base, after, until)
            .map(|p| {
                let (period, r, year_days, amount) = p?;
                Ok(BreakdownLine {
                    kind: self.kind,
                    item: item.to_string(),
                    from: Some(period.first),
                    to: Some(period.last),
                    days: Some(period.days()),
                    half_year: Some(period.half_year),
                    base: Some(base),
                    rate: Some(r.rate),
                    rate_basis: Some(r.basis),
                    year_days: Some(year_days),
                    amount,
                    provisional: r.provisional,
                    settled_by: None,
                })
            })
            .collect()
    }

    /// What [`Accrual::lines`] add up to, without writing them: every payment asks what has
    /// accrued on every invoice so far.
    pub(super) fn total(
        &self,
        base: Decimal,
        after: NaiveDate,
        until: NaiveDate,
    ) -> Result<Decimal, MoneyError> {
        self.pieces(base, after, until)
            .map(|p| p.map(|(.., amount)| amount))
            .sum()
    }

    /// Each half-year's period, rate, day-count denominator and amount.
    fn pieces(
        &self,
        base: Decimal,
        after: NaiveDate,
        until: NaiveDate,
    ) -> impl Iterator<Item = Result<(Piece, AppliedRate, i64, Decimal), MoneyError>> + '_ {
        let periods = if base <= Decimal::ZERO || !self.enabled {
            Vec::new()
        } else {
            split_half_years(after, until)
        };
        periods.into_iter().map(move |p| {
            let r = self.rate(p.half_year)?;
            let year_days = days_in_year(p.half_year.year);
            // Multiply before dividing so that the only rounding is the final one.
            let amount = cents(
                base * r.rate * Decimal::from(p.days())
                    / (Decimal::from(100) * Decimal::from(year_days)),
            );
            Ok((p, r, year_days, amount))
        })
    }
}
