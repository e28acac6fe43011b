//! How the letter names things in French: its channel, itself, the claim and its subject.

use rust_decimal::Decimal;

use super::views::{DocumentView, ItemView};
use crate::domain::event::Channel;
use crate::domain::letters::format::join_fr;
use crate::domain::letters::step::LetterStep;
use crate::domain::model::{Debtor, DebtorType, DossierKind};
use crate::i18n::format_eur_fr;

/// Label of a sending channel as printed at the top of a letter.
pub fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "Envoyé par courriel",
        Channel::Letter => "Lettre simple",
        Channel::Lrar => "Lettre recommandée avec demande d'avis de réception",
        Channel::Phone => "",
        Channel::Commissaire => "Acte remis par commissaire de justice",
        Channel::Avocat => "Par l'intermédiaire de notre avocat",
    }
}

/// Short noun for a channel, used in the chronology of past steps.
pub(super) fn channel_noun(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "courriel",
        Channel::Letter => "lettre simple",
        Channel::Lrar => "lettre recommandée avec AR",
        Channel::Phone => "téléphone",
        Channel::Commissaire => "commissaire de justice",
        Channel::Avocat => "avocat",
    }
}

pub(super) fn document_view(channel: Channel) -> DocumentView {
    let (this, present) = match channel {
        Channel::Email => ("ce courriel", "le présent courriel"),
        Channel::Commissaire => ("cet acte", "le présent acte"),
        _ => ("ce courrier", "la présente lettre"),
    };
    let mut cap = present.to_string();
    cap.replace_range(..1, &present[..1].to_uppercase());
    DocumentView {
        this: this.into(),
        present: present.into(),
        present_cap: cap,
        of_present: match present.strip_prefix("le ") {
            Some(rest) => format!("du {rest}"),
            None => format!("de {present}"),
        },
        act: channel == Channel::Commissaire,
        email: channel == Channel::Email,
    }
}

/// The heading line of a letter for its channel: a formal notice served by a commissaire de
/// justice is a "sommation de payer", never a registered letter.
pub(super) fn channel_heading(channel: Channel, step: LetterStep) -> &'static str {
    match channel {
        Channel::Commissaire if step.is_formal_notice() || step == LetterStep::LastNoticeNlBe => {
            "Sommation de payer — acte de commissaire de justice"
        }
        c => channel_label(c),
    }
}

pub(super) fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

pub(super) fn claim_label(kind: DossierKind, refs: &[String], principal: Decimal) -> String {
    match kind {
        DossierKind::Invoices if refs.len() == 1 => format!("Facture n° {}", refs[0]),
        DossierKind::Invoices => format!("Factures n° {}", join_fr(refs)),
        DossierKind::Rent if refs.len() == 1 => format!("Loyer et charges impayés ({})", refs[0]),
        DossierKind::Rent => format!("Loyers et charges impayés ({})", join_fr(refs)),
        DossierKind::Refund => format!("Remboursement de la somme de {}", format_eur_fr(principal)),
    }
}

pub(super) fn claim_of(kind: DossierKind, items: &[ItemView], principal: Decimal) -> String {
    let refs: Vec<String> = items.iter().map(|i| i.reference.clone()).collect();
    let dues: Vec<String> = items.iter().map(|i| i.due_long.clone()).collect();
    match (kind, items) {
        (DossierKind::Invoices, [one]) => {
            format!(
                "de notre facture n° {} du {}",
                one.reference, one.issued_long
            )
        }
        (DossierKind::Invoices, _) => format!("de nos factures n° {}", join_fr(&refs)),
        (DossierKind::Rent, [one]) => {
            format!("du loyer et des charges échus le {}", one.due_long)
        }
        (DossierKind::Rent, _) => format!("des loyers et charges échus les {}", join_fr(&dues)),
        (DossierKind::Refund, _) => {
            format!(
                "de la somme de {} à nous rembourser",
                format_eur_fr(principal)
            )
        }
    }
}

pub(super) fn subject(
    step: LetterStep,
    claim: &str,
    ctx_contestation: Option<&str>,
    c: &str,
    d: &str,
    european: bool,
) -> String {
    match step {
        LetterStep::Relance1 => format!("Rappel de paiement — {claim}"),
        LetterStep::Relance2 => format!("Deuxième relance — {claim}"),
        LetterStep::Relance3 => format!("Dernière relance avant mise en demeure — {claim}"),
        LetterStep::MiseEnDemeure => format!("MISE EN DEMEURE DE PAYER — {claim}"),
        LetterStep::MiseEnDemeureRemboursement => {
            format!("MISE EN DEMEURE DE REMBOURSER — {claim}")
        }
        LetterStep::LastNoticeNlBe => {
            format!("Dernier rappel avant frais de recouvrement — {claim}")
        }
        LetterStep::ContestationReply => match ctx_contestation {
            Some(date) => format!("Réponse à votre contestation du {date} — {claim}"),
            None => format!("Réponse à votre contestation — {claim}"),
        },
        LetterStep::PaymentPlanProposal => {
            format!("Proposition d'échéancier de paiement — {claim}")
        }
        LetterStep::SettlementConfirmation => format!("Confirmation de règlement — {claim}"),
        LetterStep::InjonctionLetter if european => {
            format!("Demande d'injonction de payer européenne — {c} contre {d}")
        }
        LetterStep::InstalmentReminder => {
            format!("Échéance impayée de votre échéancier — {claim}")
        }
        LetterStep::InjonctionLetter => {
            format!("Requête en injonction de payer — {c} contre {d}")
        }
    }
}

/// The greeting a letter uses, from the civility that opens the name of the person it reaches:
/// a consumer's own name, or the contact named at a business. Without one (a company, a name
/// alone), the customary "Madame, Monsieur".
pub(super) fn salutation(debtor: &Debtor) -> &'static str {
    let person = match debtor.debtor_type {
        DebtorType::B2c => Some(debtor.name.as_str()),
        DebtorType::B2b => debtor.contact.as_deref(),
    };
    person.map_or("Madame, Monsieur", civility)
}

fn civility(name: &str) -> &'static str {
    let lower = name.trim().to_lowercase();
    let words: Vec<&str> = lower
        .split(|c: char| c.is_whitespace() || c == ',')
        .filter(|w| !w.is_empty())
        .take(3)
        .collect();
    let man = |w: &str| matches!(w, "m." | "m" | "mr" | "mr." | "monsieur");
    let woman = |w: &str| {
        matches!(
            w,
            "mme" | "mme." | "madame" | "mlle" | "mlle." | "mademoiselle"
        )
    };
    match words.as_slice() {
        // "M. et Mme Durand", "Mme ou M. Durand": a couple, both greeted.
        [a, "et" | "ou", b, ..] if (man(a) && woman(b)) || (woman(a) && man(b)) => {
            "Madame, Monsieur"
        }
        [a, ..] if man(a) => "Monsieur",
        [a, ..] if woman(a) => "Madame",
        _ => "Madame, Monsieur",
    }
}
