//! Limitation (prescription): the last day to bring the claim to court.
//!
//! Reminders and formal notices do not interrupt it. An injonction de payer request (a court
//! action, art. 2241 Code civil), an enforcement act (art. 2244) or the debtor's acknowledgment
//! (art. 2240) does, and a new period of the same length starts from that date (art. 2231). A
//! partial payment or an accepted payment plan is a tacit acknowledgment. The request of an order
//! that lapsed for want of service (art. 1411 CPC) is treated as never having interrupted. Once
//! the order is enforceable, a title can be executed for 10 years (L111-4 CPCE).
//!
//! Dutch and Belgian consumers follow their own law: the French L218-2 is never applied to them.

use chrono::{Months, NaiveDate};
use serde::Serialize;

use super::rules::MoneyRules;
use crate::domain::event::{HandOver, InjonctionStep};
use crate::domain::fold::DossierState;
use crate::domain::model::{Creditor, Debtor, DebtorType, DossierKind, Jurisdiction};
use crate::domain::schedule::service_deadline;
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
    /// 3 years, residential rent arrears (art. 7-1 loi n° 89-462 du 6 juillet 1989).
    ResidentialRent,
    /// 2 years, Dutch consumer: art. 7:28 BW (price of a consumer sale). A claim for services
    /// would get 5 years under art. 3:307 BW; the tool does not know which was sold, so it takes
    /// the shorter period, the conservative choice.
    DutchConsumer,
    /// 10 years, Belgian consumer: art. 2262bis § 1 of the Belgian Civil Code (personal actions),
    /// only as a fallback: the tool does not know the exact period, which may be shorter.
    BelgianUnverified,
    /// 10 years to execute an enforceable title (L111-4 CPCE).
    EnforceableTitle,
}

impl LimitationBasis {
    pub fn years(self) -> u32 {
        match self {
            LimitationBasis::Commercial | LimitationBasis::Civil => 5,
            LimitationBasis::ConsumerTwoYears | LimitationBasis::DutchConsumer => 2,
            LimitationBasis::ResidentialRent => 3,
            LimitationBasis::EnforceableTitle | LimitationBasis::BelgianUnverified => 10,
        }
    }
    /// The period is a guess the user must check against local law.
    pub fn unverified(self) -> bool {
        self == LimitationBasis::BelgianUnverified
    }
    pub fn label(self) -> &'static str {
        match self {
            LimitationBasis::Commercial => i18n::t("money.limitation.commercial"),
            LimitationBasis::ConsumerTwoYears => i18n::t("money.limitation.consumer"),
            LimitationBasis::Civil => i18n::t("money.limitation.civil"),
            LimitationBasis::ResidentialRent => i18n::t("money.limitation.rent"),
            LimitationBasis::DutchConsumer => i18n::t("money.limitation.nl_consumer"),
            LimitationBasis::BelgianUnverified => i18n::t("money.limitation.be_unverified"),
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
    /// A partial payment: tacit acknowledgment (art. 2240 Code civil).
    Payment,
    /// An accepted payment plan: tacit acknowledgment (art. 2240 Code civil).
    PaymentPlan,
}

impl Interruption {
    pub fn label(self) -> &'static str {
        i18n::t(match self {
            Interruption::InjonctionRequest => "money.interruption.injonction_request",
            Interruption::Enforcement => "money.interruption.enforcement",
            Interruption::Acknowledgment => "money.interruption.acknowledgment",
            Interruption::EnforceableTitle => "money.interruption.enforceable_title",
            Interruption::Payment => "money.interruption.payment",
            Interruption::PaymentPlan => "money.interruption.payment_plan",
        })
    }
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
        let mut out = tf(
            key,
            &[
                ("date", &i18n::date(self.date)),
                ("basis", &self.basis.label()),
                ("days", &self.days_left),
            ],
        );
        if let Some(why) = self.interrupted_by {
            out.push(' ');
            out.push_str(&tf(
                "money.limitation.interrupted",
                &[
                    ("what", &why.label()),
                    ("date", &i18n::date(self.runs_from)),
                ],
            ));
        }
        if self.basis.unverified() {
            out.push(' ');
            out.push_str(i18n::t("money.limitation.unverified"));
        }
        out
    }

    /// The last day to act has passed: the debtor can raise the limitation, a court step would
    /// fail.
    pub fn is_expired(&self) -> bool {
        self.state == LimitationState::Expired
    }

    /// A letter or a court step on an expired claim must not go out silently: threatening court
    /// action over a time-barred debt is misleading. The warning to show (and to confirm past)
    /// before any letter or step, or `None` while the claim is alive.
    pub fn letter_warning(&self) -> Option<String> {
        self.is_expired().then(|| {
            tf(
                "money.limitation.blocks_letters",
                &[
                    ("date", &i18n::date(self.date)),
                    ("basis", &self.basis.label()),
                ],
            )
        })
    }
}

/// The basis for the dossier's parties and kind, before any enforceable title.
pub fn basis_for(st: &DossierState, debtor: &Debtor, creditor: &Creditor) -> LimitationBasis {
    match (debtor.debtor_type, st.jurisdiction) {
        (DebtorType::B2c, Jurisdiction::Nl) => LimitationBasis::DutchConsumer,
        (DebtorType::B2c, Jurisdiction::Be) => LimitationBasis::BelgianUnverified,
        (DebtorType::B2c, Jurisdiction::Fr) if st.kind == DossierKind::Rent => {
            LimitationBasis::ResidentialRent
        }
        (DebtorType::B2b, _) => LimitationBasis::Commercial,
        (DebtorType::B2c, Jurisdiction::Fr) if creditor.natural_person => LimitationBasis::Civil,
        (DebtorType::B2c, Jurisdiction::Fr) => LimitationBasis::ConsumerTwoYears,
    }
}

/// Dates of injonction requests whose order lapsed for want of service within its deadline
/// (art. 1411 CPC): such a request no longer interrupts the limitation.
fn lapsed_requests(st: &DossierState, today: NaiveDate) -> Vec<NaiveDate> {
    let mut out = Vec::new();
    // Each request opens a procedure: (request date, order date, served).
    let mut current: Option<(Option<NaiveDate>, Option<NaiveDate>, bool)> = None;
    let mut close = |p: Option<(Option<NaiveDate>, Option<NaiveDate>, bool)>| {
        if let Some((Some(request), Some(order), false)) = p {
            if today > service_deadline(order) {
                out.push(request);
            }
        }
    };
    for (step, date) in &st.injonction_steps {
        match step {
            InjonctionStep::RequestFiled => {
                close(current.take());
                current = Some((Some(*date), None, false));
            }
            InjonctionStep::OrderIssued => {
                let p = current.get_or_insert((None, None, false));
                p.1 = Some(*date);
            }
            _ => {
                // Served, opposition or title: the order did not lapse.
                if let Some(p) = current.as_mut() {
                    p.2 = true;
                }
            }
        }
    }
    close(current);
    out
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
    let mut basis = basis_for(st, debtor, creditor);
    let lapsed = lapsed_requests(st, today);
    let mut events: Vec<(NaiveDate, Interruption)> = Vec::new();
    for (step, date) in &st.injonction_steps {
        match step {
            InjonctionStep::RequestFiled if !lapsed.contains(date) => {
                events.push((*date, Interruption::InjonctionRequest))
            }
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
    // Paying part of the debt, or agreeing to a plan, acknowledges it.
    events.extend(st.payments.iter().map(|p| (p.date, Interruption::Payment)));
    if let Some(plan) = &st.plan {
        events.push((plan.date, Interruption::PaymentPlan));
    }
    // Only acts after the period started and up to today count: a payment before the due date
    // must not pull the start earlier.
    events.retain(|(d, _)| *d > due && *d <= today);
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
