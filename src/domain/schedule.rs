//! What to do next on a dossier, and when, from its state and its schedule profile.

use crate::domain::money::calendar::add_days;
use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::event::{Channel, InjonctionStep};
use super::fold::{DossierState, Owing, Stage};
use super::model::{DebtorType, Jurisdiction, ProfileId};
use super::money::calendar::roll_to_working_day;

/// One rung of a schedule: a reminder level (1..=3) or the formal notice (level 0), sent `offset`
/// days after the due date by `channel`.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
pub struct Step {
    pub level: u8,
    pub offset: i64,
    pub channel: Channel,
}

pub const NOTICE: u8 = 0;

/// A schedule profile: the three reference schedules of domain.md, overridable in config.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Profile {
    pub id: ProfileId,
    pub steps: Vec<Step>,
}

impl Profile {
    pub fn builtin(id: ProfileId) -> Profile {
        let s = |level, offset, channel| Step {
            level,
            offset,
            channel,
        };
        let steps = match id {
            ProfileId::B2b => vec![
                s(1, 5, Channel::Email),
                s(2, 15, Channel::Letter),
                s(3, 25, Channel::Letter),
                s(NOTICE, 30, Channel::Commissaire),
            ],
            ProfileId::B2c => vec![
                s(1, 3, Channel::Email),
                s(2, 10, Channel::Letter),
                s(NOTICE, 15, Channel::Lrar),
            ],
            ProfileId::Rent => vec![
                s(1, 5, Channel::Letter),
                s(2, 10, Channel::Letter),
                s(NOTICE, 15, Channel::Commissaire),
            ],
        };
        Profile { id, steps }
    }
}

/// Looks up a profile; config may replace the built-in ones.
pub trait Profiles {
    fn profile(&self, id: ProfileId) -> Profile;
}

pub struct BuiltinProfiles;

impl Profiles for BuiltinProfiles {
    fn profile(&self, id: ProfileId) -> Profile {
        Profile::builtin(id)
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "action", rename_all = "snake_case")]
pub enum NextActionKind {
    /// Send reminder `level` (1..=3).
    Relance { level: u8 },
    /// Send the formal notice (mise en demeure).
    Notice,
    /// NL/BE consumer last notice (14 days, costs stated).
    LastNotice,
    /// The notice deadline passed in silence: file the injonction de payer request.
    FileInjonction,
    /// Same moment, debtor outside France: a French injonction (and its Cerfa) is the wrong
    /// tool. File a European order for payment (Regulation (EC) 1896/2006, form A) with the
    /// competent court of the debtor's state (a consumer's domicile, Brussels I bis art. 18(2)),
    /// or use that state's local procedure.
    FileEuropeanOrder,
    /// Follow up with the court on the filed request.
    AwaitOrder,
    /// Have the order served by a commissaire de justice before it lapses (date = last day).
    ServeOrder,
    /// The order was not served within its deadline: it lapsed (art. 1411 CPC). File a new
    /// request or decide what to do (date = first day after the deadline).
    OrderLapsed,
    /// Opposition window running after service. `last_day` is the last day the debtor may
    /// oppose (art. 642 CPC applied); the action, dated the day after, is to have the
    /// commissaire de justice enforce the order, which has become final. There is no
    /// "formule exécutoire" to request: orders are issued enforceable since 2022.
    AwaitOpposition { last_day: NaiveDate },
    /// Hand over to a commissaire de justice for enforcement.
    Enforce,
    /// Opposition filed: the case goes to a hearing.
    PrepareHearing,
    /// Follow up with the agency or the commissaire.
    FollowUpHandover,
    /// Review the dispute (freezes the ladder until then).
    ReviewContestation,
    /// Check that the promised payment arrived.
    CheckPromise,
    /// Check the next instalment of the plan.
    CheckInstalment { amount: Decimal },
    /// An instalment was missed: chase it.
    MissedInstalment { amount: Decimal },
    /// Fully paid: confirm in writing and close.
    ConfirmSettlement,
    /// The principal is paid but penalties, indemnities or costs are still owed: claim them or
    /// waive them (a journaled waiver), never close as paid in silence.
    ClaimAccessories,
}

impl NextActionKind {
    pub fn slug(&self) -> &'static str {
        match self {
            NextActionKind::Relance { level: 1 } => "relance_1",
            NextActionKind::Relance { level: 2 } => "relance_2",
            NextActionKind::Relance { .. } => "relance_3",
            NextActionKind::Notice => "mise_en_demeure",
            NextActionKind::LastNotice => "last_notice",
            NextActionKind::FileInjonction => "file_injonction",
            NextActionKind::FileEuropeanOrder => "file_european_order",
            NextActionKind::AwaitOrder => "await_order",
            NextActionKind::ServeOrder => "serve_order",
            NextActionKind::OrderLapsed => "order_lapsed",
            NextActionKind::AwaitOpposition { .. } => "await_opposition",
            NextActionKind::Enforce => "enforce",
            NextActionKind::PrepareHearing => "prepare_hearing",
            NextActionKind::FollowUpHandover => "follow_up_handover",
            NextActionKind::ReviewContestation => "review_contestation",
            NextActionKind::CheckPromise => "check_promise",
            NextActionKind::CheckInstalment { .. } => "check_instalment",
            NextActionKind::MissedInstalment { .. } => "missed_instalment",
            NextActionKind::ConfirmSettlement => "confirm_settlement",
            NextActionKind::ClaimAccessories => "claim_accessories",
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NextAction {
    pub kind: NextActionKind,
    pub date: NaiveDate,
    /// Suggested channel for letters.
    pub channel: Option<Channel>,
}

impl NextAction {
    pub fn is_due(&self, today: NaiveDate) -> bool {
        self.date <= today
    }
    pub fn is_overdue(&self, today: NaiveDate) -> bool {
        self.date < today
    }
}

/// Days the court usually takes before an order is issued; a follow-up date, not a legal term.
pub const ORDER_FOLLOW_UP_DAYS: i64 = 30;
/// Days between follow-ups of a dossier handed to an agency or for enforcement.
pub const HANDOVER_FOLLOW_UP_DAYS: i64 = 30;
/// Minimum time a consumer gets in a NL/BE last notice.
pub const LAST_NOTICE_DAYS: i64 = 14;

/// Last day to serve an injonction order (art. 1411 CPC): 6 months from its date, 3 months for
/// orders issued from 1 September 2026 (décret 2026-96). A month-based limit ends on the day of
/// the same number (the last day of a shorter month, art. 641 CPC), and one that would end on a
/// Saturday, Sunday or public holiday runs to the next working day (art. 642 CPC).
pub fn service_deadline(order_date: NaiveDate) -> NaiveDate {
    let cutoff = NaiveDate::from_ymd_opt(2026, 9, 1).expect("valid date");
    let months = if order_date >= cutoff { 3 } else { 6 };
    roll_to_working_day(
        order_date
            .checked_add_months(Months::new(months))
            .unwrap_or(order_date),
    )
}

/// Last day the debtor may oppose the order: one month from service (art. 1416 CPC), rolled to
/// the next working day per art. 642 CPC. The order can be enforced from the day after.
pub fn opposition_deadline(served: NaiveDate) -> NaiveDate {
    roll_to_working_day(served.checked_add_months(Months::new(1)).unwrap_or(served))
}

/// The date an order lapsed (the day after its service deadline) when the dossier's last
/// injonction step is an order that was not served in time (art. 1411 CPC), else `None`.
pub fn order_lapsed(st: &DossierState, today: NaiveDate) -> Option<NaiveDate> {
    match st.injonction {
        Some((InjonctionStep::OrderIssued, date)) => {
            let deadline = service_deadline(date);
            (today > deadline).then(|| add_days(deadline, 1))
        }
        _ => None,
    }
}

/// A French injonction de payer is only for debtors in France: elsewhere, the European order
/// for payment (or a local procedure) applies.
pub fn needs_european_order(st: &DossierState) -> bool {
    st.jurisdiction != Jurisdiction::Fr
}

fn needs_last_notice(st: &DossierState, debtor_type: DebtorType) -> bool {
    debtor_type == DebtorType::B2c && st.jurisdiction != Jurisdiction::Fr
}

/// The next rung of a dossier's ladder and the one before it.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Rung {
    pub step: Step,
    pub previous: Option<Step>,
}

/// The rung after the reminders already sent, from the dossier's schedule profile: the first
/// reminder above the current level, else the formal notice. The one place the ladder is read.
pub fn next_rung(
    st: &DossierState,
    debtor_type: DebtorType,
    profiles: &dyn Profiles,
) -> Option<Rung> {
    let profile = profiles.profile(
        st.profile
            .unwrap_or_else(|| ProfileId::default_for(st.kind, debtor_type)),
    );
    let level = st.relance_level();
    let idx = profile
        .steps
        .iter()
        .position(|s| s.level != NOTICE && s.level > level)
        .or_else(|| profile.steps.iter().position(|s| s.level == NOTICE))?;
    Some(Rung {
        step: profile.steps[idx],
        previous: idx.checked_sub(1).map(|i| profile.steps[i]),
    })
}

/// The reminder to send next on the dossier's ladder, or `None` when the next rung is the formal
/// notice (a schedule may plan two reminders, not three).
pub fn next_reminder_level(
    st: &DossierState,
    debtor_type: DebtorType,
    profiles: &dyn Profiles,
) -> Option<u8> {
    next_rung(st, debtor_type, profiles)
        .map(|r| r.step.level)
        .filter(|l| *l != NOTICE)
}

/// The channel the profile plans for a reminder level (or `NOTICE`), if it has that rung.
pub fn planned_channel(
    st: &DossierState,
    debtor_type: DebtorType,
    profiles: &dyn Profiles,
    level: u8,
) -> Option<Channel> {
    profiles
        .profile(
            st.profile
                .unwrap_or_else(|| ProfileId::default_for(st.kind, debtor_type)),
        )
        .steps
        .iter()
        .find(|s| s.level == level)
        .map(|s| s.channel)
}

/// The next action for an open dossier, or `None` when nothing is left to do.
pub fn next_action(
    st: &DossierState,
    debtor_type: DebtorType,
    profiles: &dyn Profiles,
    today: NaiveDate,
    owing: &Owing,
) -> Option<NextAction> {
    let at = |kind, date| {
        Some(NextAction {
            kind,
            date,
            channel: None,
        })
    };
    match st.stage(today, owing) {
        Stage::WrittenOff => return None,
        Stage::Paid => {
            return if st.closed.is_some() {
                None
            } else {
                let last_payment = st.payments.last().map(|p| p.date).unwrap_or(today);
                at(NextActionKind::ConfirmSettlement, last_payment)
            };
        }
        _ => {}
    }
    if let Some(c) = &st.contestation {
        return at(NextActionKind::ReviewContestation, c.review);
    }
    if let Some(p) = &st.promise {
        if today <= p.until {
            return at(NextActionKind::CheckPromise, p.until);
        }
    }
    if let Some(plan) = &st.plan {
        // The first instalment the payments since the plan do not cover.
        let unpaid = st.instalments_unpaid();
        if let Some((inst, rest)) = plan
            .instalments
            .iter()
            .zip(unpaid)
            .find(|(_, rest)| *rest > Decimal::ZERO)
        {
            let kind = if inst.due < today {
                NextActionKind::MissedInstalment { amount: rest }
            } else {
                NextActionKind::CheckInstalment { amount: rest }
            };
            return at(kind, inst.due);
        }
        // All instalments honoured but a balance remains: fall through to the ladder.
    }
    if let Some((to, date)) = st.handed_over {
        let _ = to;
        let mut d = add_days(date, HANDOVER_FOLLOW_UP_DAYS);
        while d < today {
            d = add_days(d, HANDOVER_FOLLOW_UP_DAYS);
        }
        return at(NextActionKind::FollowUpHandover, d);
    }
    if let Some((step, date)) = st.injonction {
        return match step {
            InjonctionStep::RequestFiled => at(
                NextActionKind::AwaitOrder,
                add_days(date, ORDER_FOLLOW_UP_DAYS),
            ),
            InjonctionStep::OrderIssued => match order_lapsed(st, today) {
                Some(lapsed) => at(NextActionKind::OrderLapsed, lapsed),
                None => at(NextActionKind::ServeOrder, service_deadline(date)),
            },
            InjonctionStep::Served => {
                let last_day = opposition_deadline(date);
                at(
                    NextActionKind::AwaitOpposition { last_day },
                    add_days(last_day, 1),
                )
            }
            InjonctionStep::Opposition => at(NextActionKind::PrepareHearing, date),
            InjonctionStep::Enforceable => at(NextActionKind::Enforce, date),
        };
    }
    if let Some(n) = &st.notice {
        let kind = if needs_european_order(st) {
            NextActionKind::FileEuropeanOrder
        } else {
            NextActionKind::FileInjonction
        };
        return at(kind, add_days(n.deadline, 1));
    }
    let Some(due) = owing.oldest_open_due else {
        // Nothing due or coming but the accessories: the ladder has no invoice to chase.
        return (!owing.settled && !owing.principal_left).then(|| NextAction {
            kind: NextActionKind::ClaimAccessories,
            date: st.payments.last().map(|p| p.date).unwrap_or(today),
            channel: None,
        });
    };
    let rung = next_rung(st, debtor_type, profiles)?;
    let step = rung.step;
    let mut date = add_days(due, step.offset);
    // If the previous rung went out late, keep the profile's spacing from it.
    if let (Some(last), Some(prev)) = (st.last_reminder(), rung.previous) {
        date = date.max(add_days(last.date, step.offset - prev.offset));
    }
    let kind = if step.level == NOTICE {
        if needs_last_notice(st, debtor_type) {
            NextActionKind::LastNotice
        } else {
            NextActionKind::Notice
        }
    } else {
        NextActionKind::Relance { level: step.level }
    };
    Some(NextAction {
        kind,
        date,
        channel: Some(step.channel),
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn service_deadline_runs_to_the_next_working_day() {
        // 6 months from 31 August 2026 is Sunday 28 February 2027 → Monday 1 March.
        assert_eq!(service_deadline(d("2026-08-31")), d("2027-03-01"));
        // 3 months from 25 September 2026 is Christmas (Friday) → Monday 28 December.
        assert_eq!(service_deadline(d("2026-09-25")), d("2026-12-28"));
        // 1 August 2026 is before the cutoff: 6 months, 1 February 2027 is a Monday.
        assert_eq!(service_deadline(d("2026-08-01")), d("2027-02-01"));
        // A working day stays as it is.
        assert_eq!(service_deadline(d("2026-09-01")), d("2026-12-01"));
    }

    #[test]
    fn opposition_deadline_runs_to_the_next_working_day() {
        // Served 15 October 2026: 15 November is a Sunday → Monday 16.
        assert_eq!(opposition_deadline(d("2026-10-15")), d("2026-11-16"));
        // Served 1 October 2026: 1 November (All Saints, a Sunday) → Monday 2.
        assert_eq!(opposition_deadline(d("2026-10-01")), d("2026-11-02"));
        // Served 25 November 2026: 25 December (Friday) → Monday 28.
        assert_eq!(opposition_deadline(d("2026-11-25")), d("2026-12-28"));
        // Served 31 January 2026: no 31 February, the month ends on 28 February 2026, a
        // Saturday → Monday 2 March.
        assert_eq!(opposition_deadline(d("2026-01-31")), d("2026-03-02"));
        assert_eq!(opposition_deadline(d("2026-09-15")), d("2026-10-15"));
    }
}
