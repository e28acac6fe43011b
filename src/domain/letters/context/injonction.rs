//! The injonction de payer request: court, form, documents to attach and chronology.

use rust_decimal::Decimal;

use super::history::chronology;
use super::input::{LetterInput, LetterMoney};
use super::views::{InjonctionView, ItemView, NoticeView, ReminderView};
use super::wording::non_empty;
use crate::domain::event::Channel;
use crate::domain::letters::format::join_fr;
use crate::domain::letters::rules::{injonction_court, InjonctionCourt, SMALL_CLAIM_LIMIT};
use crate::domain::model::{DebtorType, DossierKind, Jurisdiction};

/// The court's town, taken from the last line of the debtor's address ("75008 Paris" → "Paris").
fn town_of(address: &[String]) -> Option<String> {
    let last = address.last()?.trim();
    let town = last
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '-')
        .trim();
    // "Lyon CEDEX 02": the CEDEX suffix is a postal routing code, not part of the town name.
    let town = match town.to_ascii_uppercase().find(" CEDEX") {
        Some(i) => &town[..i],
        None => town,
    };
    non_empty(town)
}

pub(super) fn injonction_view(
    input: &LetterInput<'_>,
    items: &[ItemView],
    reminders: &[ReminderView],
    notice: Option<&NoticeView>,
    money: &LetterMoney,
) -> InjonctionView {
    let st = input.state;
    let court_kind = injonction_court(
        st.kind,
        input.debtor.debtor_type,
        input.creditor.natural_person,
        st.jurisdiction,
    );
    let town = town_of(&input.debtor.address);
    let court = input.options.court.clone().unwrap_or_else(|| {
        let base = match court_kind {
            InjonctionCourt::Commerce => "Tribunal de commerce",
            InjonctionCourt::Judiciaire => "Tribunal judiciaire",
            InjonctionCourt::Protection => {
                "Juge des contentieux de la protection du tribunal judiciaire"
            }
            InjonctionCourt::EuropeanOrder => {
                return format!(
                    "Juridiction compétente {} (lieu du domicile du débiteur)",
                    state_of(st.jurisdiction)
                );
            }
        };
        match &town {
            Some(t) => format!("{base} de {t}"),
            None => format!("{base} du lieu où demeure le débiteur"),
        }
    });
    let mut docs = vec![match court_kind.cerfa() {
        Some(n) => format!(
            "le formulaire de requête en injonction de payer (Cerfa n° {n}), complété et signé"
        ),
        None => "le formulaire A de demande d'injonction de payer européenne (annexe I du règlement (CE) n° 1896/2006), complété et signé, dans une langue acceptée par la juridiction saisie".to_string(),
    }];
    for i in items {
        docs.push(match st.kind {
            DossierKind::Invoices => format!(
                "la facture n° {} du {} ({})",
                i.reference, i.issued, i.amount
            ),
            DossierKind::Rent => format!(
                "l'avis d'échéance {} du {} ({})",
                i.reference, i.issued, i.amount
            ),
            DossierKind::Refund => format!(
                "la pièce établissant la somme à rembourser : {} du {} ({})",
                i.reference, i.issued, i.amount
            ),
        });
    }
    docs.extend(claim_proofs(st.kind, items));
    if !reminders.is_empty() {
        let dates: Vec<String> = reminders.iter().map(|r| r.date_long.clone()).collect();
        docs.push(if dates.len() == 1 {
            format!("la copie de notre relance du {}", dates[0])
        } else {
            format!("la copie de nos relances des {}", join_fr(&dates))
        });
    }
    if let (Some(n), Some(sent)) = (notice, st.notice.as_ref()) {
        docs.push(notice_proof(n, sent.channel));
    }
    if st.contestation.is_some() || !st.contestations_resolved.is_empty() {
        docs.push("nos échanges au sujet de la contestation du débiteur".to_string());
    }
    let costs = if money.costs > Decimal::ZERO {
        ", frais de recouvrement"
    } else {
        ""
    };
    docs.push(if input.debtor.debtor_type == DebtorType::B2c {
        format!("le décompte détaillé des sommes réclamées (principal{costs} et intérêts)")
    } else {
        format!(
            "le décompte détaillé des sommes réclamées (principal, pénalités, indemnités{costs}, intérêts)"
        )
    });
    docs.push(if input.creditor.natural_person {
        "la copie de notre pièce d'identité".to_string()
    } else {
        "un extrait Kbis de notre société de moins de trois mois".to_string()
    });
    if input.debtor.debtor_type == DebtorType::B2b {
        docs.push(if court_kind == InjonctionCourt::EuropeanOrder {
            "un extrait du registre des sociétés de l'État du débiteur établissant l'adresse de son siège social"
                .to_string()
        } else {
            "un extrait Kbis ou un avis de situation SIRENE du débiteur établissant l'adresse de son siège social"
                .to_string()
        });
    }
    let european = court_kind == InjonctionCourt::EuropeanOrder;
    InjonctionView {
        court_kind,
        cerfa: court_kind.cerfa().map(str::to_string),
        form: court_kind.form(),
        european,
        court,
        documents: docs,
        chronology: chronology(input.events),
        // The simplified procedure of CPCE L125-1 is French only.
        small_claim_possible: !european && money.total_due <= Decimal::from(SMALL_CLAIM_LIMIT),
    }
}

/// `des Pays-Bas`, `de Belgique`: the debtor's state, after "juridiction compétente".
fn state_of(jurisdiction: Jurisdiction) -> &'static str {
    match jurisdiction {
        Jurisdiction::Fr => "de France",
        Jurisdiction::Be => "de Belgique",
        Jurisdiction::Nl => "des Pays-Bas",
    }
}

/// What proves the claim: the proof noted for each listed item (one line for the items sharing
/// it), then the usual pieces. For invoices whose proofs are all noted, the generic order and
/// delivery lines would only repeat them: the terms of sale remain, for the rate and the 40 €.
fn claim_proofs(kind: DossierKind, items: &[ItemView]) -> Vec<String> {
    let mut noted: Vec<(&str, Vec<String>)> = Vec::new();
    for i in items {
        let Some(p) = i.proof.as_deref() else {
            continue;
        };
        match noted.iter_mut().find(|(q, _)| *q == p) {
            Some((_, refs)) => refs.push(i.reference.clone()),
            None => noted.push((p, vec![i.reference.clone()])),
        }
    }
    let (one, several) = match kind {
        DossierKind::Invoices => ("de la facture", "des factures"),
        DossierKind::Rent => ("de l'avis d'échéance", "des avis d'échéance"),
        DossierKind::Refund => ("de la pièce", "des pièces"),
    };
    let mut docs: Vec<String> = noted
        .iter()
        .map(|(p, refs)| {
            let of = if refs.len() == 1 { one } else { several };
            format!("le justificatif {of} n° {} : {p}", join_fr(refs))
        })
        .collect();
    let all_noted = !items.is_empty() && items.iter().all(|i| i.proof.is_some());
    match kind {
        DossierKind::Invoices if all_noted => {
            docs.push("nos conditions générales de vente".to_string());
        }
        DossierKind::Invoices => {
            docs.push(
                "le bon de commande, le devis accepté ou le contrat, et nos conditions générales de vente"
                    .to_string(),
            );
            docs.push("les bons de livraison signés ou les procès-verbaux de réception".to_string());
        }
        DossierKind::Rent => {
            docs.push("le bail signé et, le cas échéant, l'acte de cautionnement".to_string());
            docs.push("le décompte locatif détaillé (loyers, charges, versements)".to_string());
        }
        DossierKind::Refund => docs.push(
            "les justificatifs du versement à rembourser et de sa cause (commande annulée, trop-perçu, prêt, dépôt)"
                .to_string(),
        ),
    }
    docs
}

/// The notice (or last reminder) among the attachments, with what proves it reached the debtor:
/// the deposit and the signed acknowledgment of a registered letter; a commissaire's act proves
/// its own service; anything else only a receipt the user recorded.
fn notice_proof(n: &NoticeView, channel: Channel) -> String {
    let mut s = match (n.last_notice, channel) {
        (true, _) => format!("la copie de notre dernier rappel du {}", n.date_long),
        (false, Channel::Commissaire) => format!(
            "l'acte de commissaire de justice du {} portant sommation de payer",
            n.date_long
        ),
        (false, Channel::Avocat) => format!(
            "la copie de la mise en demeure adressée par notre avocat le {}",
            n.date_long
        ),
        (false, Channel::Email) => format!(
            "la copie de la mise en demeure envoyée par courriel le {}",
            n.date_long
        ),
        (false, _) => format!("la copie de la mise en demeure du {}", n.date_long),
    };
    if let Some(t) = &n.tracking {
        s.push_str(&format!(", la preuve de dépôt (n° {t})"));
    }
    match (&n.received_long, channel) {
        (Some(r), Channel::Lrar) => s.push_str(&format!(" et l'avis de réception signé le {r}")),
        (None, Channel::Lrar) => s.push_str(" et l'avis de réception"),
        (_, Channel::Commissaire) => {}
        (Some(r), _) => s.push_str(&format!(" et la preuve de sa réception le {r}")),
        (None, _) => {}
    }
    s
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn towns_from_addresses() {
        assert_eq!(
            town_of(&["1 rue X".into(), "75008 Paris".into()]).as_deref(),
            Some("Paris")
        );
        assert_eq!(
            town_of(&["69002 Lyon CEDEX 02".into()]).as_deref(),
            Some("Lyon")
        );
        assert_eq!(town_of(&[]), None);
    }
}
