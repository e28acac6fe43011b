//! Invoices paid after their due date whose accessories are still claimed: the late-payment
//! penalties (or legal interest) and the 40 € indemnity that the lateness made due. A letter
//! claiming them names each invoice, the day it was paid and the legal basis, and thanks the
//! debtor for the payment; with nothing of the principal left, they are the whole claim.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::input::LetterMoney;
use super::views::{AccessoriesView, PaidLateView};
use crate::domain::letters::format::{days_fr, format_rate_fr, join_fr, table, Align};
use crate::domain::letters::rules::PaidLate;
use crate::domain::model::DossierKind;
use crate::domain::parse::{format_date_fr, format_date_long_fr};
use crate::i18n::format_eur_fr;

/// What the letter knows besides the accessories themselves.
pub(super) struct Facts<'a> {
    pub(super) kind: DossierKind,
    /// Nothing of the principal is claimed any more.
    pub(super) only: bool,
    pub(super) contractual_rate: Option<Decimal>,
    /// `votre règlement de 1 260,00 € reçu le 24 novembre 2026` (empty without payments since
    /// the last reminder).
    pub(super) payments_since: &'a str,
    /// `notre relance du 15 novembre 2026` (empty without reminders).
    pub(super) reminders_phrase: &'a str,
    /// Date of the formal notice, when one was sent (legal interest runs from it).
    pub(super) notice_long: Option<&'a str>,
    /// The NL/BE last reminder sent, whose lapse made its collection costs due.
    pub(super) last_notice: Option<LastNoticeFacts<'a>>,
}

/// The NL/BE last reminder as the basis of its collection costs.
pub(super) struct LastNoticeFacts<'a> {
    pub(super) date_long: &'a str,
    pub(super) deadline_long: &'a str,
    pub(super) jurisdiction: crate::domain::model::Jurisdiction,
}

pub(super) fn paid_late_view(p: &PaidLate) -> PaidLateView {
    let days = (p.settled_on - p.due).num_days();
    PaidLateView {
        reference: p.item.reference.clone(),
        issued: format_date_fr(p.item.issued),
        issued_long: format_date_long_fr(p.item.issued),
        due: format_date_fr(p.due),
        due_long: format_date_long_fr(p.due),
        amount: format_eur_fr(p.item.amount),
        paid: format_date_fr(p.settled_on),
        paid_long: format_date_long_fr(p.settled_on),
        days_late: days,
        days_late_text: days_fr(days),
    }
}

/// One kind of accessory as a sentence names it.
struct Named {
    /// `les pénalités de retard`
    the: String,
    /// `des pénalités de retard`
    of: String,
    /// `pénalités de retard`
    bare: String,
    feminine: bool,
}

fn named(money: &LetterMoney) -> Vec<Named> {
    let n = |the: &str, of: &str, bare: &str, feminine| Named {
        the: the.into(),
        of: of.into(),
        bare: bare.into(),
        feminine,
    };
    let mut v = Vec::new();
    if money.penalties > Decimal::ZERO {
        v.push(n(
            "les pénalités de retard",
            "des pénalités de retard",
            "pénalités de retard",
            true,
        ));
    }
    if money.interest > Decimal::ZERO {
        v.push(n(
            "les intérêts de retard au taux légal",
            "des intérêts de retard au taux légal",
            "intérêts de retard",
            false,
        ));
    }
    if money.indemnities > Decimal::ZERO {
        if money.indemnities > Decimal::from(40) {
            v.push(n(
                "les indemnités forfaitaires pour frais de recouvrement",
                "des indemnités forfaitaires pour frais de recouvrement",
                "indemnités forfaitaires",
                true,
            ));
        } else {
            v.push(n(
                "l'indemnité forfaitaire pour frais de recouvrement",
                "de l'indemnité forfaitaire pour frais de recouvrement",
                "indemnité forfaitaire",
                true,
            ));
        }
    }
    if money.costs > Decimal::ZERO {
        v.push(n(
            "les frais de recouvrement",
            "des frais de recouvrement",
            "frais de recouvrement",
            false,
        ));
    }
    v
}

/// `de notre facture n° F-1` / `de nos factures n° F-1 et F-2` (rent: the terms).
fn of_items(kind: DossierKind, items: &[PaidLateView]) -> String {
    let refs: Vec<String> = items.iter().map(|i| i.reference.clone()).collect();
    match (kind, items) {
        (DossierKind::Rent, [one]) => format!("du terme {}", one.reference),
        (DossierKind::Rent, _) => format!("des termes {}", join_fr(&refs)),
        (DossierKind::Refund, [one]) => format!("de la somme {}", one.reference),
        (DossierKind::Refund, _) => format!("des sommes {}", join_fr(&refs)),
        (_, [one]) => format!("de notre facture n° {}", one.reference),
        (_, _) => format!("de nos factures n° {}", join_fr(&refs)),
    }
}

pub(super) fn paid_late_table(kind: DossierKind, items: &[PaidLateView]) -> String {
    let header: [&str; 6] = match kind {
        DossierKind::Rent => [
            "Échéance",
            "Appelée le",
            "Exigible le",
            "Montant",
            "Réglée le",
            "Retard",
        ],
        // Narrower than the refund's own table: six columns and a long reference fit in 80.
        DossierKind::Refund => [
            "Référence",
            "Date",
            "Échéance",
            "Montant",
            "Remboursée le",
            "Retard",
        ],
        DossierKind::Invoices => [
            "Facture n°",
            "Date",
            "Échéance",
            "Montant TTC",
            "Réglée le",
            "Retard",
        ],
    };
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            vec![
                i.reference.clone(),
                i.issued.clone(),
                i.due.clone(),
                i.amount.clone(),
                i.paid.clone(),
                i.days_late_text.clone(),
            ]
        })
        .collect();
    let align = [
        Align::Left,
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Left,
        Align::Right,
    ];
    table(&header, &rows, &[], &align)
}

/// Why the accessories are owed, with the articles: L441-10 and D441-5 of the Code de commerce
/// between professionals, 1231-6 and 1344-1 of the Code civil for legal interest.
fn basis(money: &LetterMoney, facts: &Facts<'_>, plural: bool) -> String {
    let rent = facts.kind == DossierKind::Rent;
    let penalties = money.penalties > Decimal::ZERO;
    let indemnity = money.indemnities > Decimal::ZERO;
    let interest = money.interest > Decimal::ZERO;
    let mut out = Vec::new();
    if !facts.only {
        // The open items are asked too: one sentence says what this lateness adds.
        let mut parts = Vec::new();
        if penalties {
            parts.push(if rent {
                "Les pénalités de retard".to_string()
            } else {
                "Les pénalités de retard (article L441-10 du Code de commerce)".to_string()
            });
        }
        if interest {
            parts.push(
                "Les intérêts au taux légal (articles 1231-6 et 1344-1 du Code civil)".to_string(),
            );
        }
        if indemnity {
            let code = if penalties && !rent {
                "du même code"
            } else {
                "du Code de commerce"
            };
            let one = if parts.is_empty() { "L'" } else { "l'" };
            parts.push(format!(
                "{one}indemnité forfaitaire pour frais de recouvrement (article D441-5 {code})"
            ));
        }
        if !parts.is_empty() {
            let feminine = !interest;
            out.push(format!(
                "{} nées {} restent {} et sont comprises dans la somme demandée.",
                join_fr(&parts),
                if plural {
                    "de ces retards"
                } else {
                    "de ce retard"
                },
                if feminine { "dues" } else { "dus" },
            ));
        }
    } else {
        let rate = facts
            .contractual_rate
            .map(|r| format!(" au taux de {} l'an", format_rate_fr(r)))
            .unwrap_or_default();
        let delay = if plural {
            "ces retards ont"
        } else {
            "ce retard a"
        };
        let makes = if plural { "ils rendent" } else { "il rend" };
        match (penalties, indemnity) {
            (true, _) => {
                let mut s = if rent {
                    format!(
                        "En application du bail, {delay} fait courir de plein droit, du lendemain de l'échéance jusqu'au jour du règlement, des pénalités de retard{rate}"
                    )
                } else {
                    format!(
                        "Conformément à l'article L441-10 du Code de commerce et à nos conditions générales de vente, {delay} fait courir de plein droit, du lendemain de l'échéance jusqu'au jour du règlement, des pénalités de retard{rate}"
                    )
                };
                if indemnity {
                    s.push_str(&format!(
                        " ; {makes} en outre exigible une indemnité forfaitaire pour frais de recouvrement de 40 € par facture payée en retard (article D441-5 {})",
                        if rent { "du Code de commerce" } else { "du même code" }
                    ));
                }
                s.push('.');
                out.push(s);
            }
            (false, true) => out.push(format!(
                "Conformément à l'article D441-5 du Code de commerce, {} exigible une indemnité forfaitaire pour frais de recouvrement de 40 € par facture payée en retard.",
                if plural { "ces retards rendent" } else { "ce retard rend" }
            )),
            (false, false) => {}
        }
        if interest {
            out.push(format!(
                "{}, les intérêts au taux légal ont couru jusqu'au jour du règlement (articles 1231-6 et 1344-1 du Code civil).",
                match facts.notice_long {
                    Some(d) => format!(
                        "Ce règlement étant intervenu après notre mise en demeure du {d}"
                    ),
                    None => "Ce règlement étant intervenu après notre mise en demeure".to_string(),
                }
            ));
        }
        let others = penalties || indemnity || interest;
        if money.costs > Decimal::ZERO {
            out.push(match (&facts.last_notice, others) {
                (Some(l), _) => last_notice_costs(l, money.costs),
                (None, true) => "Les frais de recouvrement exposés restent également dus.".into(),
                (None, false) => "Les frais de recouvrement exposés restent dus.".into(),
            });
        }
        if others {
            out.push(
                if penalties || indemnity {
                    "Ces sommes restent dues."
                } else {
                    "Ils restent dus."
                }
                .to_string(),
            );
        }
    }
    out.join(" ")
}

/// Why the collection costs of an NL/BE last reminder are owed: it stated them, and its
/// deadline passed before the debtor paid.
fn last_notice_costs(l: &LastNoticeFacts<'_>, costs: Decimal) -> String {
    use crate::domain::model::Jurisdiction;
    let scale = match l.jurisdiction {
        Jurisdiction::Be => "applicable en Belgique (Code de droit économique, livre XIX)",
        _ => "applicable aux Pays-Bas (article 6:96 du Code civil néerlandais)",
    };
    format!(
        "Ce règlement est intervenu après l'expiration, le {}, du délai que vous accordait notre dernier rappel du {} : les frais de recouvrement de {} que ce rappel vous annonçait, calculés selon le barème légal {scale}, sont donc dus.",
        l.deadline_long,
        l.date_long,
        format_eur_fr(costs)
    )
}

fn intro(facts: &Facts<'_>, items: &[PaidLateView]) -> String {
    let plural = items.len() > 1;
    let of = of_items(facts.kind, items);
    let late = if plural {
        "Ces règlements sont toutefois intervenus après l'échéance :"
    } else {
        "Ce règlement est toutefois intervenu après l'échéance :"
    };
    if !facts.only {
        return match (facts.kind, items) {
            (DossierKind::Invoices, [one]) => format!(
                "Par ailleurs, notre facture n° {} a été réglée le {}, après son échéance du {} :",
                one.reference, one.paid_long, one.due_long
            ),
            (DossierKind::Invoices, _) => {
                "Par ailleurs, les factures suivantes ont été réglées après leur échéance :"
                    .to_string()
            }
            (_, [one]) => format!(
                "Par ailleurs, la somme {} a été réglée le {}, après son échéance du {} :",
                one.reference, one.paid_long, one.due_long
            ),
            _ => "Par ailleurs, les sommes suivantes ont été réglées après leur échéance :"
                .to_string(),
        };
    }
    if facts.payments_since.is_empty() {
        format!(
            "Nous avons bien reçu le règlement du principal {of}, et nous vous en remercions. {late}"
        )
    } else {
        let after = if facts.reminders_phrase.is_empty() {
            String::new()
        } else {
            format!(", à la suite de {}", facts.reminders_phrase)
        };
        format!(
            "Nous vous remercions de {}{after} : le principal {of} est ainsi intégralement réglé. {late}",
            facts.payments_since
        )
    }
}

/// The paid-late part of the letter, or `None` when no item paid late is claimed for.
pub(super) fn accessories_view(
    paid_late: &[PaidLate],
    money: &LetterMoney,
    facts: &Facts<'_>,
) -> Option<AccessoriesView> {
    if paid_late.is_empty() {
        return None;
    }
    let items: Vec<PaidLateView> = paid_late.iter().map(paid_late_view).collect();
    let names = named(money);
    let the: Vec<String> = names.iter().map(|n| n.the.clone()).collect();
    let of: Vec<String> = names.iter().map(|n| n.of.clone()).collect();
    let bare: Vec<String> = names.iter().map(|n| n.bare.clone()).collect();
    let feminine = names.iter().all(|n| n.feminine);
    let plural = items.len() > 1;
    Some(AccessoriesView {
        only: facts.only,
        intro: intro(facts, &items),
        table: paid_late_table(facts.kind, &items),
        basis: basis(money, facts, plural),
        what: join_fr(&the),
        of_what: join_fr(&of),
        short: join_fr(&bare),
        owed: if feminine { "dues" } else { "dus" }.to_string(),
        of_items: of_items(facts.kind, &items),
        items,
    })
}

/// The earliest due date among the items paid late (for "exigible depuis").
pub(super) fn first_due(paid_late: &[PaidLate]) -> Option<NaiveDate> {
    paid_late.iter().map(|p| p.due).min()
}
