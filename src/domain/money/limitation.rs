//! Limitation (prescription): the last day to bring the claim to court.
//!
//! Reminders and formal notices do not interrupt it. An injonction de payer request (a court
//! action, art. 2241 Code civil), an enforcement act (art. 2244) or the debtor's acknowledgment
//! (art. 2240) does, and a new period of the same length starts from that date (art. 2231). Once the
//! order is enforceable, a title can be executed for 10 years (L111-4 CPCE).

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::MoneyRules;
use crate::domain::event::{HandOver, InjonctionStep};
use crate::domain::fold::DossierState;
use crate::domain::model::{Creditor, Debtor, DebtorType};
use crate::i18n::{self, tf};

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitationBasis {
    /// 5 years, claims between or against traders (L110-4 Code de commerce).
    Commercial,
    /// 2 years, a professional's claim against a consumer (L218-2 Code de la consommation).
    ConsumerTwoYears,
    /// 5 years, civil default (art. 2224 Code civil): a private creditor against a consumer.
    Civil,
    /// 10 years to execute an enforceable title (L111-4 CPCE).
    EnforceableTitle,
}

impl LimitationBasis {
    pub fn years(self) -> u32 {
        match self {
            LimitationBasis::Commercial | LimitationBasis::Civil => 5,
            LimitationBasis::ConsumerTwoYears => 2,
            LimitationBasis::EnforceableTitle => 10,
        }
    }
    pub fn label(self) -> &'static str {
        match self {
            LimitationBasis::Commercial => i18n::t("money.limitation.commercial"),
            LimitationBasis::ConsumerTwoYears => i18n::t("money.limitation.consumer"),
            LimitationBasis::Civil => i18n::t("money.limitation.civil"),
            LimitationBasis::EnforceableTitle => i18n::t("money.limitation.title"),
        }
    }
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Interruption {
    InjonctionRequest,
    Enforcement,
    Acknowledgment,
    EnforceableTitle,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LimitationState {
    Running,
    /// Less than the warning period (6 months by default) is left.
    Warning,
    /// The last day has passed.
    Expired,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Limitation {
    pub basis: LimitationBasis,
    pub years: u32,
    /// Due date of the oldest open item, or the date of the last interruption.
    pub runs_from: NaiveDate,
    pub interrupted_by: Option<Interruption>,
    /// Last day to act.
    pub date: NaiveDate,
    pub state: LimitationState,
    /// Days from `today` to `date` (negative once expired).
    pub days_left: i64,
}

impl Limitation {
    pub fn message(&self) -> String {
        let key = match self.state {
            LimitationState::Running => "money.limitation.running",
            LimitationState::Warning => "money.limitation.warning",
            LimitationState::Expired => "money.limitation.expired",
        };
        tf(
            key,
            &[
                ("date", &i18n::date(self.date)),
                ("basis", &self.basis.label()),
                ("days", &self.days_left),
            ],
        )
    }
}

/// The limitation of the oldest open item of the dossier (the first one to expire), or `None` when
/// nothing is owed.
pub fn limitation(
    st: &DossierState,
    debtor: &Debtor,
    creditor: &Creditor,
    rules: &MoneyRules,
    today: NaiveDate,
    oldest_open_due: Option<NaiveDate>,
) -> Option<Limitation> {
    let due = oldest_open_due?;
    let mut basis = match (debtor.debtor_type, creditor.natural_person) {
        (DebtorType::B2b, _) => LimitationBasis::Commercial,
        (DebtorType::B2c, false) => LimitationBasis::ConsumerTwoYears,
        (DebtorType::B2c, true) => LimitationBasis::Civil,
    };
    let mut events: Vec<(NaiveDate, Interruption)> = Vec::new();
    for (step, date) in &st.injonction_steps {
        match step {
            InjonctionStep::RequestFiled => events.push((*date, Interruption::InjonctionRequest)),
            InjonctionStep::Enforceable => events.push((*date, Interruption::EnforceableTitle)),
            _ => {}
        }
    }
    if let Some((HandOver::Enforcement, date)) = st.handed_over {
        events.push((date, Interruption::Enforcement));
    }
    events.extend(
        st.acknowledgments
            .iter()
            .map(|d| (*d, Interruption::Acknowledgment)),
    );
    events.retain(|(d, _)| *d <= today);
    // Interruptions after the period already ran out cannot revive it: only those in time count.
    events.sort_by_key(|e| e.0);
    let mut runs_from = due;
    let mut interrupted_by = None;
    for (d, why) in events {
        let end = add_years(runs_from, basis.years());
        if d > end {
            break;
        }
        runs_from = d;
        interrupted_by = Some(why);
        if why == Interruption::EnforceableTitle {
            basis = LimitationBasis::EnforceableTitle;
        }
    }
    let date = add_years(runs_from, basis.years());
    let days_left = (date - today).num_days();
    let warn_from = date
        .checked_sub_months(Months::new(rules.limitation_warning_months))
        .unwrap_or(date);
    let state = if today > date {
        LimitationState::Expired
    } else if today > warn_from {
        LimitationState::Warning
    } else {
        LimitationState::Running
    };
    Some(Limitation {
        basis,
        years: basis.years(),
        runs_from,
        interrupted_by,
        date,
        state,
        days_left,
    })
}

/// Same day N years later; 29 February becomes 28 February in a common year.
fn add_years(d: NaiveDate, years: u32) -> NaiveDate {
    d.checked_add_months(Months::new(12 * years)).unwrap_or(d)
}
