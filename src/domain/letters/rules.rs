//! The legal rules of letters: which letter applies, the channel it goes by, the deadline it
//! states, what may be claimed from this debtor, the plan it proposes, and the court and form of
//! an injonction de payer. The context only words what is decided here.

use chrono::{Months, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::context::input::{LetterInput, LetterMoney, LetterMoneyKind};
use super::step::LetterStep;
use crate::domain::event::{Channel, Instalment};
use crate::domain::fold::{DossierState, Owing, Stage};
use crate::domain::model::{Debtor, DebtorType, DossierKind, Item, Jurisdiction};
use crate::domain::money::calendar::add_days;
use crate::domain::money::deadline::last_notice_min_deadline;
use crate::domain::money::{in_collective_proceedings, limitation, MoneyRules, NoticeKind};
use crate::domain::parse::{cents, format_date_fr};
use crate::domain::schedule::{
    next_action, next_rung, planned_channel, NextActionKind, Profiles, NOTICE,
};
use crate::i18n::{t, tf};

/// The notice that applies: refund, NL/BE consumer last notice, or the French notice to pay.
pub fn notice_step(st: &DossierState, debtor_type: DebtorType) -> LetterStep {
    if st.kind == DossierKind::Refund {
        return LetterStep::MiseEnDemeureRemboursement;
    }
    match NoticeKind::for_debtor(debtor_type, st.jurisdiction) {
        NoticeKind::LastNotice => LetterStep::LastNoticeNlBe,
        NoticeKind::MiseEnDemeure => LetterStep::MiseEnDemeure,
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
        if let Some(next) = next_action(st, debtor_type, profiles, today, owing).map(|a| a.kind) {
            match next {
                NextActionKind::MissedInstalment { .. } => return LetterStep::InstalmentReminder,
                NextActionKind::CheckInstalment { .. } => return LetterStep::PaymentPlanProposal,
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
    let next_reminder = next_rung(st, debtor_type, profiles)
        .map(|r| r.step.level)
        .filter(|l| *l != NOTICE);
    match next_reminder {
        Some(1) => LetterStep::Relance1,
        Some(2) => LetterStep::Relance2,
        Some(_) => LetterStep::Relance3,
        None => notice_step(st, debtor_type),
    }
}

/// The channel a letter goes by unless the user chooses: the one the dossier's schedule profile
/// plans for that rung, a registered letter for a formal notice or a reply to a contestation,
/// else a simple letter.
pub fn default_channel(
    st: &DossierState,
    debtor: &Debtor,
    profiles: &dyn Profiles,
    step: LetterStep,
) -> Channel {
    let planned = |level| planned_channel(st, debtor.debtor_type, profiles, level);
    match step.relance_level() {
        Some(level) => planned(level).unwrap_or(Channel::Letter),
        None if step.is_formal_notice() || step == LetterStep::LastNoticeNlBe => planned(NOTICE)
            .filter(|c| c.is_formal())
            .unwrap_or(Channel::Lrar),
        // Maintaining a disputed claim point by point: the answer must be provable.
        None if step == LetterStep::ContestationReply => Channel::Lrar,
        None => Channel::Letter,
    }
}

/// Default days to pay when the user does not choose: within the 8-15 day range expected of a
/// formal notice, and a usual "huitaine" for reminders.
pub const DEFAULT_DEADLINE_DAYS: i64 = 8;

/// The deadline a letter states, when it states one.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct LetterDeadline {
    pub date: NaiveDate,
    pub days: i64,
    /// The period counts from receipt of the letter, not from the date of writing.
    pub from_receipt: bool,
}

/// The deadline of the letter: the caller's date or period, else 8 days; for a NL/BE last notice
/// never before the legal minimum; letters that need none state one only when asked. A formal
/// notice giving less than 8 or more than 30 days is warned about.
pub fn letter_deadline(
    input: &LetterInput<'_>,
    channel: Channel,
    warnings: &mut Vec<String>,
) -> Option<LetterDeadline> {
    let opts = &input.options;
    let today = input.today;
    let wanted = match (opts.deadline, opts.deadline_days) {
        (Some(d), _) => Some(d),
        (None, Some(n)) => Some(add_days(today, n)),
        (None, None) => None,
    };
    let date = match input.step {
        LetterStep::SettlementConfirmation | LetterStep::InjonctionLetter => wanted?,
        LetterStep::PaymentPlanProposal => wanted?,
        LetterStep::LastNoticeNlBe => {
            let min = last_notice_min_deadline(today, input.state.jurisdiction, channel);
            match wanted {
                Some(d) if d < min => {
                    warnings.push(tf(
                        "letters.warning.last_notice_min",
                        &[("date", &format_date_fr(min))],
                    ));
                    min
                }
                Some(d) => d,
                None => min,
            }
        }
        _ => wanted.unwrap_or(add_days(today, DEFAULT_DEADLINE_DAYS)),
    };
    // When the caller fixed both the period and the date, the period runs from receipt.
    let from_receipt = matches!((opts.deadline, opts.deadline_days), (Some(d), Some(n)) if d != add_days(today, n))
        && Some(date) == opts.deadline;
    let days = match (from_receipt, opts.deadline_days) {
        (true, Some(n)) => n,
        _ => (date - today).num_days(),
    };
    if input.step.is_formal_notice() {
        if days < DEFAULT_DEADLINE_DAYS {
            warnings.push(tf("letters.warning.deadline_short", &[("days", &days)]));
        } else if days > 30 {
            warnings.push(tf("letters.warning.deadline_long", &[("days", &days)]));
        }
    }
    Some(LetterDeadline {
        date,
        days,
        from_receipt,
    })
}

/// What is still open on an item at the letter's date, whether it is claimed (its due date
/// passed) and that due date once the terms apply, as the money rules imputed the payments; an
/// item they do not know is claimed in full.
fn standing(money: &LetterMoney, i: &Item) -> (Decimal, bool, NaiveDate) {
    money
        .items
        .iter()
        .find(|m| m.reference == i.reference)
        .map(|m| (m.open, m.claimed, m.due))
        .unwrap_or((i.amount, true, i.due))
}

/// The items a letter claims, each with what is open on it: a settlement confirmation lists
/// everything that was claimed; other letters what is still open and due, oldest first, with the
/// due date the terms give.
pub fn claimed_items(
    st: &DossierState,
    step: LetterStep,
    money: &LetterMoney,
) -> Vec<(Item, Decimal)> {
    if step == LetterStep::SettlementConfirmation {
        st.items.iter().map(|i| (i.clone(), i.amount)).collect()
    } else {
        let mut open: Vec<(Item, Decimal)> = st
            .items
            .iter()
            .filter_map(|i| {
                let (rest, claimed, due) = standing(money, i);
                (rest > Decimal::ZERO && claimed).then(|| {
                    let mut i = i.clone();
                    i.due = due;
                    (i, rest)
                })
            })
            .collect();
        open.sort_by_key(|(i, _)| (i.due, i.issued));
        open
    }
}

/// An item whose principal was settled after its due date while the accessories of that
/// lateness (penalties or interest, the 40 € indemnity) are still claimed: the letter must name
/// it, with the day it was paid, since nothing else in it would say where those sums come from.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct PaidLate {
    pub item: Item,
    /// Due date once the terms apply.
    pub due: NaiveDate,
    pub settled_on: NaiveDate,
}

/// The items paid late whose accessories the letter claims, oldest due date first. None when the
/// letter claims no accessory (a consumer before any notice, a waiver, everything paid) or is the
/// settlement confirmation, which lists every item anyway.
pub fn paid_late_items(st: &DossierState, step: LetterStep, money: &LetterMoney) -> Vec<PaidLate> {
    let accessories_claimed = [
        LetterMoneyKind::Penalty,
        LetterMoneyKind::Interest,
        LetterMoneyKind::Indemnity,
        LetterMoneyKind::Cost,
    ]
    .iter()
    .any(|k| money.amount_of(*k) > Decimal::ZERO);
    if step == LetterStep::SettlementConfirmation || !accessories_claimed {
        return vec![];
    }
    // Costs belong to the dossier, not to an invoice (the NL/BE collection costs of a last
    // reminder the debtor let lapse before paying): once the principal is paid they are the
    // whole claim, and the invoices paid late are what it arose from.
    let only_costs_left = money.principal.is_zero() && money.costs > Decimal::ZERO;
    let mut v: Vec<PaidLate> = st
        .items
        .iter()
        .filter_map(|i| {
            let m = money.items.iter().find(|m| m.reference == i.reference)?;
            let settled_on = m.settled_on?;
            let accessories = m.accessories > Decimal::ZERO || only_costs_left;
            (m.claimed && m.open.is_zero() && settled_on > m.due && accessories).then(|| PaidLate {
                item: i.clone(),
                due: m.due,
                settled_on,
            })
        })
        .collect();
    v.sort_by_key(|p| (p.due, p.item.issued));
    v
}

/// Invoices still open but not yet due, with their due date and open amount, by due date: never
/// in the sum asked, only listed for information (a settlement confirmation lists none).
pub fn not_yet_due_items<'a>(
    st: &'a DossierState,
    step: LetterStep,
    money: &LetterMoney,
) -> Vec<(&'a Item, NaiveDate, Decimal)> {
    if step == LetterStep::SettlementConfirmation {
        return vec![];
    }
    let mut v: Vec<(&Item, NaiveDate, Decimal)> = st
        .items
        .iter()
        .filter_map(|i| {
            let (rest, claimed, due) = standing(money, i);
            (rest > Decimal::ZERO && !claimed).then_some((i, due, rest))
        })
        .collect();
    v.sort_by_key(|(_, d, _)| *d);
    v
}

/// The fixed 40 € indemnity may be claimed: a professional debtor not in collective proceedings.
pub fn indemnity_claimable(st: &DossierState, debtor: &Debtor) -> bool {
    debtor.debtor_type != DebtorType::B2c && !in_collective_proceedings(st, debtor)
}

/// Applies what the law allows to claim from this debtor, warning about anything removed.
pub fn lawful_money(input: &LetterInput<'_>, warnings: &mut Vec<String>) -> LetterMoney {
    let mut money = input.money.clone();
    let consumer = input.debtor.debtor_type == DebtorType::B2c;
    if consumer {
        // No L441-10 penalties nor D441-5 indemnity toward a consumer.
        if money.drop_kind(LetterMoneyKind::Penalty) {
            // The daily growth came from those penalties; its interest part is unknown here.
            money.daily_growth = Decimal::ZERO;
            warnings.push(t("letters.warning.consumer_penalties").to_string());
        }
        if money.drop_kind(LetterMoneyKind::Indemnity) {
            warnings.push(t("letters.warning.consumer_indemnity").to_string());
        }
        // In France recovery costs stay with the creditor; NL/BE last notices state them.
        if input.state.jurisdiction == Jurisdiction::Fr && money.drop_kind(LetterMoneyKind::Cost) {
            warnings.push(t("letters.warning.consumer_costs").to_string());
        }
    } else if !indemnity_claimable(input.state, input.debtor)
        && money.drop_kind(LetterMoneyKind::Indemnity)
    {
        warnings.push(t("letters.warning.collective_indemnity").to_string());
    }
    if money.is_provisional() {
        warnings.push(t("letters.warning.provisional").to_string());
    }
    money
}

/// A time-barred claim: the letter must not go out as if court action were still open. The
/// expiry does not depend on the warning period, so the default rules are enough here.
pub fn time_barred_warning(input: &LetterInput<'_>) -> Option<String> {
    let oldest_open_due = input
        .money
        .items
        .iter()
        .filter(|i| i.open > Decimal::ZERO)
        .map(|i| i.due)
        .min();
    limitation(
        input.state,
        input.debtor,
        input.creditor,
        &MoneyRules::default(),
        input.today,
        oldest_open_due,
    )
    .and_then(|l| l.letter_warning())
}

/// The instalments a plan letter states, and whether they were agreed: the user's, else the agreed
/// plan's, else three monthly instalments of the sum due from a month after the letter.
pub fn plan_instalments(input: &LetterInput<'_>, total_due: Decimal) -> (Vec<Instalment>, bool) {
    match (&input.options.plan, &input.state.plan) {
        (Some(p), _) => (p.clone(), false),
        (None, Some(p)) => (p.instalments.clone(), true),
        (None, None) => (
            default_plan(
                total_due,
                input
                    .today
                    .checked_add_months(Months::new(1))
                    .unwrap_or(input.today),
                3,
            ),
            false,
        ),
    }
}

/// Splits `total` into `n` monthly instalments exact to the cent (the last one takes the rest).
fn default_plan(total: Decimal, first: NaiveDate, n: u32) -> Vec<Instalment> {
    let n = n.max(1);
    let share = cents(total / Decimal::from(n));
    (0..n)
        .map(|i| Instalment {
            due: first.checked_add_months(Months::new(i)).unwrap_or(first),
            amount: if i + 1 == n {
                total - share * Decimal::from(n - 1)
            } else {
                share
            },
        })
        .collect()
}

/// Above this a claim cannot use the simplified small-claims procedure (CPCE L125-1).
pub const SMALL_CLAIM_LIMIT: i64 = 5000;

/// Which injonction de payer form and court apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InjonctionCourt {
    /// Tribunal de commerce, Cerfa 12946*02: commercial claims between traders.
    Commerce,
    /// Tribunal judiciaire, Cerfa 12948*06: civil claims (consumers, civil creditors).
    Judiciaire,
    /// Juge des contentieux de la protection, Cerfa 16040*01: residential rent, consumer credit.
    Protection,
    /// Debtor outside France: European order for payment (Regulation (EC) No 1896/2006), form A,
    /// filed with the competent court of the debtor's state — for a consumer, where he lives
    /// (art. 6(2) of the Regulation, Brussels I bis art. 18(2)). No French Cerfa.
    EuropeanOrder,
}

impl InjonctionCourt {
    /// The French Cerfa form, `None` for the European order (form A of the Regulation).
    pub fn cerfa(self) -> Option<&'static str> {
        match self {
            InjonctionCourt::Commerce => Some("12946*02"),
            InjonctionCourt::Judiciaire => Some("12948*06"),
            InjonctionCourt::Protection => Some("16040*01"),
            InjonctionCourt::EuropeanOrder => None,
        }
    }

    /// The form to attach, as printed in the letter.
    pub fn form(self) -> String {
        match self.cerfa() {
            Some(n) => format!("Cerfa n° {n}"),
            None => "formulaire A (demande d'injonction de payer européenne, annexe I du règlement (CE) n° 1896/2006)".to_string(),
        }
    }
}

/// The court and form of an injonction de payer request. A debtor outside France is never sent
/// to a French court on a French Cerfa: the European order for payment applies. Rent owed by a
/// consumer tenant goes to the juge des contentieux de la protection; a commercial lease stays
/// with the tribunal judiciaire (which has jurisdiction over commercial leases); commercial
/// claims between professionals go to the tribunal de commerce unless the creditor is a private
/// person.
pub fn injonction_court(
    kind: DossierKind,
    debtor_type: DebtorType,
    creditor_natural_person: bool,
    jurisdiction: Jurisdiction,
) -> InjonctionCourt {
    if jurisdiction != Jurisdiction::Fr {
        return InjonctionCourt::EuropeanOrder;
    }
    match (kind, debtor_type) {
        (DossierKind::Rent, DebtorType::B2c) => InjonctionCourt::Protection,
        (DossierKind::Rent, DebtorType::B2b) => InjonctionCourt::Judiciaire,
        (_, DebtorType::B2b) if !creditor_natural_person => InjonctionCourt::Commerce,
        _ => InjonctionCourt::Judiciaire,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cerfa_by_kind_and_parties() {
        use DebtorType::*;
        use DossierKind::*;
        let fr = Jurisdiction::Fr;
        let cerfa = |k, d, p| injonction_court(k, d, p, fr).cerfa();
        assert_eq!(cerfa(Invoices, B2b, false), Some("12946*02"));
        assert_eq!(cerfa(Invoices, B2c, false), Some("12948*06"));
        assert_eq!(cerfa(Invoices, B2b, true), Some("12948*06"));
        assert_eq!(cerfa(Refund, B2b, false), Some("12946*02"));
        assert_eq!(cerfa(Rent, B2c, false), Some("16040*01"));
        assert_eq!(cerfa(Rent, B2b, false), Some("12948*06"));
        // Outside France: the European order, never a French Cerfa.
        for j in [Jurisdiction::Nl, Jurisdiction::Be] {
            for (k, d, p) in [
                (Invoices, B2c, false),
                (Rent, B2c, true),
                (Invoices, B2b, false),
            ] {
                let court = injonction_court(k, d, p, j);
                assert_eq!(court, InjonctionCourt::EuropeanOrder);
                assert_eq!(court.cerfa(), None);
                assert!(court.form().contains("1896/2006"));
            }
        }
    }

    #[test]
    fn default_plan_is_exact_to_the_cent() {
        let total = Decimal::new(100000, 2);
        let plan = default_plan(total, d("2026-04-20"), 3);
        assert_eq!(plan.iter().map(|i| i.amount).sum::<Decimal>(), total);
        assert_eq!(plan[0].amount, Decimal::new(33333, 2));
        assert_eq!(plan[2].amount, Decimal::new(33334, 2));
        assert_eq!(plan[2].due, d("2026-06-20"));
    }
}
