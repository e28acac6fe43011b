//! Whether a claim may go to a formal notice: certaine (it exists and is proven), liquide (its exact
//! amount is known and undisputed), exigible (its due date, and any contractual term, has passed).
//! A failing check does not forbid the notice; the caller asks for an explicit confirmation and
//! records the overridden checks (`Readiness::failed_checks`) in the journal.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::claim::ClaimAmounts;
use crate::domain::fold::DossierState;
use crate::domain::model::DossierKind;
use crate::i18n::{self, tf};

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
    // A principal paid late may still owe its penalties, interest or indemnity: those are
    // computed by law from known dates and rates, so the claim stays liquid while they are due.
    if !st.items.is_empty() && open.is_empty() && claim.total_due <= Decimal::ZERO {
        liquide.push(ReadinessProblem::NothingOwed);
    }

    let terms = st.terms.as_deref().filter(|t| !t.trim().is_empty());
    let parsed = terms.and(st.payment_terms);
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
