//! The letters of the collection ladder, each with its own template.

use serde::{Deserialize, Serialize};

/// Extension of template files, built-in and overriding alike.
pub const EXTENSION: &str = ".txt.j2";

/// A letter of the collection process; each has its own template.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord, Serialize, Deserialize)]
pub enum LetterStep {
    #[serde(rename = "relance_1")]
    Relance1,
    #[serde(rename = "relance_2")]
    Relance2,
    #[serde(rename = "relance_3")]
    Relance3,
    #[serde(rename = "mise_en_demeure")]
    MiseEnDemeure,
    #[serde(rename = "mise_en_demeure_remboursement")]
    MiseEnDemeureRemboursement,
    #[serde(rename = "last_notice_nl_be")]
    LastNoticeNlBe,
    #[serde(rename = "contestation_reply")]
    ContestationReply,
    #[serde(rename = "payment_plan_proposal")]
    PaymentPlanProposal,
    #[serde(rename = "settlement_confirmation")]
    SettlementConfirmation,
    #[serde(rename = "injonction_letter")]
    InjonctionLetter,
    /// An agreed payment plan has a missed instalment: claim it and recall the plan.
    #[serde(rename = "relance_echeance")]
    InstalmentReminder,
}

impl LetterStep {
    pub const ALL: [LetterStep; 11] = [
        LetterStep::Relance1,
        LetterStep::Relance2,
        LetterStep::Relance3,
        LetterStep::MiseEnDemeure,
        LetterStep::MiseEnDemeureRemboursement,
        LetterStep::LastNoticeNlBe,
        LetterStep::ContestationReply,
        LetterStep::PaymentPlanProposal,
        LetterStep::SettlementConfirmation,
        LetterStep::InjonctionLetter,
        LetterStep::InstalmentReminder,
    ];

    /// Template name, also the stem of the override file name.
    pub fn slug(self) -> &'static str {
        match self {
            LetterStep::Relance1 => "relance_1",
            LetterStep::Relance2 => "relance_2",
            LetterStep::Relance3 => "relance_3",
            LetterStep::MiseEnDemeure => "mise_en_demeure",
            LetterStep::MiseEnDemeureRemboursement => "mise_en_demeure_remboursement",
            LetterStep::LastNoticeNlBe => "last_notice_nl_be",
            LetterStep::ContestationReply => "contestation_reply",
            LetterStep::PaymentPlanProposal => "payment_plan_proposal",
            LetterStep::SettlementConfirmation => "settlement_confirmation",
            LetterStep::InjonctionLetter => "injonction_letter",
            LetterStep::InstalmentReminder => "relance_echeance",
        }
    }

    pub fn parse(s: &str) -> Option<LetterStep> {
        let s = s.trim().to_ascii_lowercase().replace('-', "_");
        let s = s.strip_suffix(EXTENSION).unwrap_or(&s);
        LetterStep::ALL.into_iter().find(|st| st.slug() == s)
    }

    /// Name of the letter in the interface language (menus, `recouvre letter --list`).
    pub fn label(self) -> &'static str {
        use crate::i18n::t;
        match self {
            LetterStep::Relance1 => t("letters.step.relance_1"),
            LetterStep::Relance2 => t("letters.step.relance_2"),
            LetterStep::Relance3 => t("letters.step.relance_3"),
            LetterStep::MiseEnDemeure => t("letters.step.mise_en_demeure"),
            LetterStep::MiseEnDemeureRemboursement => {
                t("letters.step.mise_en_demeure_remboursement")
            }
            LetterStep::LastNoticeNlBe => t("letters.step.last_notice_nl_be"),
            LetterStep::ContestationReply => t("letters.step.contestation_reply"),
            LetterStep::PaymentPlanProposal => t("letters.step.payment_plan_proposal"),
            LetterStep::SettlementConfirmation => t("letters.step.settlement_confirmation"),
            LetterStep::InjonctionLetter => t("letters.step.injonction_letter"),
            LetterStep::InstalmentReminder => t("letters.step.relance_echeance"),
        }
    }

    /// `relance_1.txt.j2`: the file a user puts in the config dir to override the template.
    pub fn file_name(self) -> String {
        format!("{}{}", self.slug(), EXTENSION)
    }

    /// Formal notices must carry the nine mentions.
    pub fn is_formal_notice(self) -> bool {
        matches!(
            self,
            LetterStep::MiseEnDemeure | LetterStep::MiseEnDemeureRemboursement
        )
    }

    /// Letters that ask the debtor to pay (a sum and a deadline).
    pub fn asks_payment(self) -> bool {
        self.relance_level().is_some()
            || self.is_formal_notice()
            || matches!(
                self,
                LetterStep::LastNoticeNlBe | LetterStep::InstalmentReminder
            )
    }

    /// The reminder level this letter records in the journal, if it is a reminder.
    pub fn relance_level(self) -> Option<u8> {
        match self {
            LetterStep::Relance1 => Some(1),
            LetterStep::Relance2 => Some(2),
            LetterStep::Relance3 => Some(3),
            _ => None,
        }
    }
}
