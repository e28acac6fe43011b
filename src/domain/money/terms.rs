//! Payment terms as contracts write them, and the due date they give an invoice.

use crate::domain::money::calendar::add_days;
use chrono::{Datelike, Months, NaiveDate};
use serde::Serialize;

/// Payment terms as written in a contract.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "days", rename_all = "snake_case")]
pub enum PaymentTerms {
    /// "comptant", "à réception".
    Immediate,
    /// "30 jours", "60 jours net": days from the invoice date.
    Days(u32),
    /// "45 jours fin de mois", "30 jours FDM".
    DaysEndOfMonth(u32),
}

fn end_of_month(d: NaiveDate) -> NaiveDate {
    let first = d.with_day(1).expect("day 1 exists");
    first
        .checked_add_months(Months::new(1))
        .map_or(NaiveDate::MAX, |next| add_days(next, -1))
}

impl PaymentTerms {
    /// Reads the usual French and English phrasings; `None` when the text is not understood.
    pub fn parse(text: &str) -> Option<PaymentTerms> {
        let t = text.to_lowercase();
        let number: Option<u32> = t
            .split(|c: char| !c.is_ascii_digit())
            .find(|s| !s.is_empty())
            .and_then(|s| s.parse().ok());
        let eom = t.contains("fin de mois") || t.contains("fdm") || t.contains("end of month");
        match (number, eom) {
            (Some(n), true) => Some(PaymentTerms::DaysEndOfMonth(n)),
            (None, true) => Some(PaymentTerms::DaysEndOfMonth(0)),
            (Some(n), false) if t.contains("jour") || t.contains("day") => {
                Some(PaymentTerms::Days(n))
            }
            (None, false)
                if [
                    "comptant",
                    "réception",
                    "reception",
                    "immediate",
                    "immédiat",
                ]
                .iter()
                .any(|w| t.contains(w)) =>
            {
                Some(PaymentTerms::Immediate)
            }
            _ => None,
        }
    }

    /// The last day to pay an invoice issued on `issued`. "N jours fin de mois" has two accepted
    /// readings (N days then end of month, or end of month then N days); the later one is taken so
    /// that a notice is never sent before the term.
    pub fn due_from(self, issued: NaiveDate) -> NaiveDate {
        match self {
            PaymentTerms::Immediate => issued,
            PaymentTerms::Days(n) => add_days(issued, i64::from(n)),
            PaymentTerms::DaysEndOfMonth(n) => {
                let a = end_of_month(add_days(issued, i64::from(n)));
                let b = add_days(end_of_month(issued), i64::from(n));
                a.max(b)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn terms_are_read() {
        assert_eq!(
            PaymentTerms::parse("45 jours fin de mois"),
            Some(PaymentTerms::DaysEndOfMonth(45))
        );
        assert_eq!(
            PaymentTerms::parse("Fin de mois 45 jours"),
            Some(PaymentTerms::DaysEndOfMonth(45))
        );
        assert_eq!(
            PaymentTerms::parse("30 jours net"),
            Some(PaymentTerms::Days(30))
        );
        assert_eq!(
            PaymentTerms::parse("Paiement à réception"),
            Some(PaymentTerms::Immediate)
        );
        assert_eq!(PaymentTerms::parse("selon accord"), None);
    }

    #[test]
    fn end_of_month_terms_take_the_later_reading() {
        // Issued 10 Jan 2026, 45 days end of month:
        // (a) 10 Jan + 45 days = 24 Feb → end of month 28 Feb;
        // (b) end of January 31 Jan + 45 days = 17 Mar. The later is 17 Mar.
        let t = PaymentTerms::DaysEndOfMonth(45);
        assert_eq!(t.due_from(d("2026-01-10")), d("2026-03-17"));
        // Issued 20 Jan: (a) 6 Mar → 31 Mar; (b) 31 Jan + 45 = 17 Mar. The later is 31 Mar.
        assert_eq!(t.due_from(d("2026-01-20")), d("2026-03-31"));
        assert_eq!(
            PaymentTerms::Days(30).due_from(d("2026-01-31")),
            d("2026-03-02")
        );
    }
}
