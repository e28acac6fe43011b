//! The letter engine: one template per step of the collection ladder, rendered from a context
//! built from the journal, and the check of the mandatory mentions of a formal notice.
//!
//! Pure: the caller reads override files and configuration; this module takes strings and data.

mod compose;
mod context;
pub mod format;
mod mentions;
pub mod preflight;
mod templates;

use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

pub use compose::{compose, default_channel, letter_money, ComposeChoices, Composed};
pub use context::{
    build_context, channel_label, injonction_court, last_notice_min_deadline, ContestationView,
    DeadlineView, InjonctionCourt, InjonctionView, InstalmentView, ItemView, LetterContext,
    LetterInput, LetterItemMoney, LetterMoney, LetterMoneyKind, LetterMoneyLine, LetterOptions,
    MoneyLineView, MoneyView, NoticeView, PartyView, PaymentView, PlanView, ReminderView,
    SignatoryView, DEFAULT_DEADLINE_DAYS, LAST_NOTICE_MIN_DAYS,
};
pub use mentions::{check_last_notice_mentions, check_mentions, check_notice_mentions, Mention};
pub use preflight::{preflight, Blocker, Preflight};
pub use templates::{LetterError, TemplateInfo, TemplateOrigin, Templates};

use super::fold::{DossierState, Owing, Stage};
use super::model::{DebtorType, DossierKind, Jurisdiction};
use super::schedule::Profiles;

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
        let s = s.strip_suffix(templates::EXTENSION).unwrap_or(&s);
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
        format!("{}{}", self.slug(), templates::EXTENSION)
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

/// The notice that applies: refund, NL/BE consumer last notice, or the French notice to pay.
pub fn notice_step(st: &DossierState, debtor_type: DebtorType) -> LetterStep {
    if st.kind == DossierKind::Refund {
        LetterStep::MiseEnDemeureRemboursement
    } else if debtor_type == DebtorType::B2c && st.jurisdiction != Jurisdiction::Fr {
        LetterStep::LastNoticeNlBe
    } else {
        LetterStep::MiseEnDemeure
    }
}

/// Like [`suggest_step`] with the configured schedule profiles (whether a third reminder is part
/// of the ladder depends on the profile).
///
/// Order of precedence: paid → settlement confirmation; open contestation → reply; agreed plan
/// with a missed instalment → the instalment reminder; agreed plan still honoured → the plan
/// letter; notice sent → the notice again until its deadline, then
/// the injonction letter (also once a court step or hand-over exists); otherwise the next rung
/// after the highest reminder sent. A dossier not yet due still gets the first reminder: the
/// caller's readiness checks warn against sending it early.
pub fn suggest_step_with(
    st: &DossierState,
    debtor_type: DebtorType,
    profiles: &dyn Profiles,
    today: NaiveDate,
    owing: &Owing,
) -> LetterStep {
    match st.stage(today, owing) {
        Stage::Paid => return LetterStep::SettlementConfirmation,
        Stage::Disputed => return LetterStep::ContestationReply,
        _ => {}
    }
    if st.plan.is_some() {
        if let Some(next) =
            super::schedule::next_action(st, debtor_type, profiles, today, owing).map(|a| a.kind)
        {
            match next {
                super::NextActionKind::MissedInstalment { .. } => {
                    return LetterStep::InstalmentReminder
                }
                super::NextActionKind::CheckInstalment { .. } => {
                    return LetterStep::PaymentPlanProposal
                }
                _ => {}
            }
        }
    }
    if st.injonction.is_some() || st.handed_over.is_some() {
        return LetterStep::InjonctionLetter;
    }
    if let Some(n) = &st.notice {
        return if today > n.deadline {
            LetterStep::InjonctionLetter
        } else if n.last_notice {
            LetterStep::LastNoticeNlBe
        } else {
            notice_step(st, debtor_type)
        };
    }
    let next_reminder = super::schedule::next_rung(st, debtor_type, profiles)
        .map(|r| r.step.level)
        .filter(|l| *l != super::schedule::NOTICE);
    match next_reminder {
        Some(1) => LetterStep::Relance1,
        Some(2) => LetterStep::Relance2,
        Some(_) => LetterStep::Relance3,
        None => notice_step(st, debtor_type),
    }
}
