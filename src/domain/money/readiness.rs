//! Whether a claim may go to a formal notice: certaine (it exists and is proven), liquide (its exact
//! amount is known and undisputed), exigible (its due date, and any contractual term, has passed).
//! A failing check does not forbid the notice; the caller asks for an explicit confirmation and
//! records the overridden checks (`Readiness::failed_checks`) in the journal.

use crate::domain::money::calendar::add_days;
use chrono::{Datelike, Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::ClaimAmounts;
use crate::domain::fold::DossierState;
use crate::domain::model::DossierKind;
use crate::i18n::{self, tf};

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

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ReadinessProblem {
    NoItems,
    /// Item (1-based position) without a reference.
    MissingReference {
        position: usize,
    },
    MissingProof {
        item: String,
    },
    MissingRefundReason,
    NonPositiveAmount {
        item: String,
    },
    OpenDispute {
        since: NaiveDate,
    },
    NothingOwed,
    NotYetDue {
        item: String,
        due: NaiveDate,
    },
    /// The item's due date passed but the contractual term has not.
    TermNotReached {
        item: String,
        term_due: NaiveDate,
    },
    /// The dossier's terms could not be read: check them by hand (a warning only).
    TermsNotUnderstood {
        terms: String,
    },
}

impl ReadinessProblem {
    pub fn message(&self) -> String {
        use ReadinessProblem::*;
        match self {
            NoItems => i18n::t("money.ready.no_items").to_string(),
            MissingReference { position } => {
                tf("money.ready.missing_reference", &[("position", position)])
            }
            MissingProof { item } => tf("money.ready.missing_proof", &[("item", item)]),
            MissingRefundReason => i18n::t("money.ready.missing_refund_reason").to_string(),
            NonPositiveAmount { item } => tf("money.ready.non_positive", &[("item", item)]),
            OpenDispute { since } => tf(
                "money.ready.open_dispute",
                &[("since", &i18n::date(*since))],
            ),
            NothingOwed => i18n::t("money.ready.nothing_owed").to_string(),
            NotYetDue { item, due } => tf(
                "money.ready.not_yet_due",
                &[("item", item), ("due", &i18n::date(*due))],
            ),
            TermNotReached { item, term_due } => tf(
                "money.ready.term_not_reached",
                &[("item", item), ("date", &i18n::date(*term_due))],
            ),
            TermsNotUnderstood { terms } => {
                tf("money.ready.terms_not_understood", &[("terms", terms)])
            }
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Check {
    pub ok: bool,
    pub problems: Vec<ReadinessProblem>,
}

impl Check {
    fn from(problems: Vec<ReadinessProblem>) -> Check {
        Check {
            ok: problems.is_empty(),
            problems,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Readiness {
    pub certaine: Check,
    pub liquide: Check,
    pub exigible: Check,
    /// Worth a look but not a failed check.
    pub warnings: Vec<ReadinessProblem>,
}

impl Readiness {
    pub fn passed(&self) -> bool {
        self.certaine.ok && self.liquide.ok && self.exigible.ok
    }

    /// Names of the failed checks, as recorded in `NoticeSent::overrides` when the user confirms.
    pub fn failed_checks(&self) -> Vec<String> {
        [
            ("certaine", &self.certaine),
            ("liquide", &self.liquide),
            ("exigible", &self.exigible),
        ]
        .iter()
        .filter(|(_, c)| !c.ok)
        .map(|(n, _)| n.to_string())
        .collect()
    }
}

/// The three checks on the items still open at `today` (as `claim`, the claim at `today`,
/// imputed the payments).
pub fn readiness(st: &DossierState, claim: &ClaimAmounts, today: NaiveDate) -> Readiness {
    let open: Vec<&crate::domain::model::Item> = st
        .items
        .iter()
        .filter(|it| {
            claim
                .open_items()
                .any(|c| c.reference == it.reference && c.issued == it.issued)
        })
        .collect();
    let mut certaine = Vec::new();
    let mut liquide = Vec::new();
    let mut exigible = Vec::new();
    let mut warnings = Vec::new();

    if st.items.is_empty() {
        certaine.push(ReadinessProblem::NoItems);
    }
    if st.kind == DossierKind::Refund
        && st
            .refund_reason
            .as_deref()
            .is_none_or(|r| r.trim().is_empty())
    {
        certaine.push(ReadinessProblem::MissingRefundReason);
    }
    for (pos, it) in st.items.iter().enumerate() {
        if !open.iter().any(|o| std::ptr::eq(*o, it)) {
            continue;
        }
        if it.reference.trim().is_empty() {
            certaine.push(ReadinessProblem::MissingReference { position: pos + 1 });
        }
        if it.proof.as_deref().is_none_or(|p| p.trim().is_empty()) {
            certaine.push(ReadinessProblem::MissingProof {
                item: it.reference.clone(),
            });
        }
        if it.amount <= Decimal::ZERO {
            liquide.push(ReadinessProblem::NonPositiveAmount {
                item: it.reference.clone(),
            });
        }
    }
    if let Some(c) = &st.contestation {
        liquide.push(ReadinessProblem::OpenDispute { since: c.date });
    }
    if !st.items.is_empty() && open.is_empty() {
        liquide.push(ReadinessProblem::NothingOwed);
    }

    let terms = st.terms.as_deref().filter(|t| !t.trim().is_empty());
    let parsed = terms.and_then(PaymentTerms::parse);
    if let (Some(t), None) = (terms, parsed) {
        warnings.push(ReadinessProblem::TermsNotUnderstood {
            terms: t.to_string(),
        });
    }
    for it in &open {
        if today <= it.due {
            exigible.push(ReadinessProblem::NotYetDue {
                item: it.reference.clone(),
                due: it.due,
            });
        } else if let Some(term_due) = parsed.map(|p| p.due_from(it.issued)) {
            if today <= term_due {
                exigible.push(ReadinessProblem::TermNotReached {
                    item: it.reference.clone(),
                    term_due,
                });
            }
        }
    }

    Readiness {
        certaine: Check::from(certaine),
        liquide: Check::from(liquide),
        exigible: Check::from(exigible),
        warnings,
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
