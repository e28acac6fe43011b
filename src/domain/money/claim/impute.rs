//! Running state of the imputation: each item's open principal and accrual segments, and what
//! payments, credit notes and waivers cleared.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::accrual::Accrual;
use super::breakdown::{BreakdownLine, LineKind, Settled};
use crate::domain::model::Item;
use crate::domain::money::error::MoneyError;

/// Running state of one item during the computation.
pub(super) struct Track<'a> {
    pub(super) item: &'a Item,
    /// Due date once the contractual payment terms are applied.
    pub(super) due: NaiveDate,
    pub(super) open: Decimal,
    /// Accrual runs on the days after this date (`None`: it does not run).
    pub(super) start: Option<NaiveDate>,
    /// Start of the segment not yet written as lines (base unchanged since).
    pub(super) seg_start: NaiveDate,
    pub(super) lines: Vec<BreakdownLine>,
    /// What reduced the principal: date, by what, how much.
    pub(super) reductions: Vec<(NaiveDate, Settled, Decimal)>,
    pub(super) late: Option<bool>,
}

impl Track<'_> {
    pub(super) fn accrued_until(&self, acc: &Accrual, d: NaiveDate) -> Result<Decimal, MoneyError> {
        let done: Decimal = self.lines.iter().map(|l| l.amount).sum();
        let pending: Decimal = match self.start {
            Some(_) => acc.total(self.open, self.seg_start, d)?,
            None => Decimal::ZERO,
        };
        Ok(done + pending)
    }

    /// Writes the segment up to `d` as lines so that the base can change from `d + 1`.
    pub(super) fn close_segment(&mut self, acc: &Accrual, d: NaiveDate) -> Result<(), MoneyError> {
        if self.start.is_some() && d > self.seg_start {
            let l = acc.lines(&self.item.reference, self.open, self.seg_start, d)?;
            self.lines.extend(l);
            self.seg_start = d;
        }
        Ok(())
    }

    /// Takes up to `amount` off this item's principal; returns what was taken.
    pub(super) fn reduce(
        &mut self,
        acc: &Accrual,
        amount: Decimal,
        date: NaiveDate,
        by: Settled,
    ) -> Result<Decimal, MoneyError> {
        let take = amount.min(self.open).max(Decimal::ZERO);
        if take > Decimal::ZERO {
            self.close_segment(acc, date)?;
            self.open -= take;
            self.reductions.push((date, by, take));
        }
        Ok(take)
    }

    /// Takes up to `amount` off this item as if it had never been invoiced (a credit note, dated
    /// `date`); returns what was taken. Called before any accrual is written, so the whole
    /// accrual runs on what is left.
    pub(super) fn cancel(&mut self, amount: Decimal, date: NaiveDate) -> Decimal {
        debug_assert!(self.lines.is_empty(), "a credit note applied after accrual");
        let take = amount.min(self.open).max(Decimal::ZERO);
        if take > Decimal::ZERO {
            self.open -= take;
            self.reductions.push((date, Settled::CreditNote, take));
        }
        take
    }
}

pub(super) enum Movement<'a> {
    Payment {
        amount: Decimal,
        invoice: Option<&'a str>,
    },
    Waiver,
}

fn same_reference(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The item a payment goes to first: the invoice the debtor named, else the one whose open
/// principal the amount matches exactly (oldest first), which is how debtors pay in practice.
pub(super) fn target_item(
    tracks: &[Track],
    invoice: Option<&str>,
    amount: Option<Decimal>,
) -> Option<usize> {
    match invoice {
        Some(r) => tracks
            .iter()
            .position(|t| same_reference(&t.item.reference, r)),
        None => amount.and_then(|a| {
            tracks
                .iter()
                .position(|t| t.open > Decimal::ZERO && t.open == a)
        }),
    }
}

/// Paid or waived so far, per kind of accessory, and the negative lines that say so.
#[derive(Default)]
pub(super) struct Cleared {
    pub(super) charges: Decimal,
    pub(super) indemnities: Decimal,
    pub(super) costs: Decimal,
    pub(super) lines: Vec<BreakdownLine>,
}

impl Cleared {
    /// Clears up to `available` of what is still owed of `kind` (`owed` before anything cleared)
    /// on `date`, writes the line, and returns the amount taken.
    pub(super) fn take(
        &mut self,
        kind: LineKind,
        owed: Decimal,
        available: Decimal,
        by: Settled,
        date: NaiveDate,
    ) -> Decimal {
        let done = match kind {
            LineKind::Indemnity => &mut self.indemnities,
            LineKind::Cost => &mut self.costs,
            _ => &mut self.charges,
        };
        let take = available.min(owed - *done).max(Decimal::ZERO);
        *done += take;
        if take > Decimal::ZERO {
            self.lines
                .push(BreakdownLine::cleared(kind, by, date, take));
        }
        take
    }
}

/// Principal still open at the end of day `d`, from the imputation's own record.
pub(super) fn principal_open_on(tracks: &[Track], d: NaiveDate) -> Decimal {
    tracks
        .iter()
        .map(|t| {
            let reduced: Decimal = t
                .reductions
                .iter()
                .filter(|(date, _, _)| *date <= d)
                .map(|(_, _, a)| *a)
                .sum();
            t.item.amount - reduced
        })
        .sum()
}
