//! From a dossier to the finished letter: the step, the money at the letter's date, the deadline
//! that will be logged, and the rendered text. CLI and TUI both call this, so the text a script
//! gets with `recouvre letter --next` is the text the editor opens with.

use chrono::NaiveDate;

use super::context::input::{
    LetterInput, LetterItemMoney, LetterMoney, LetterMoneyKind, LetterMoneyLine, LetterOptions,
};
use super::context::{build_context, LetterContext};
use super::rules::{default_channel, suggest_step_with};
use super::step::LetterStep;
use super::templates::{LetterError, Templates};
use crate::domain::assess::Rules;
use crate::domain::event::{Channel, Event};
use crate::domain::fold::DossierState;
use crate::domain::model::Debtor;
use crate::domain::money::{
    collection_costs, last_notice_min_deadline, notice_deadline, BreakdownLine, ClaimAmounts,
    DeadlineAdvice, LineKind, MoneyError, Settled,
};
use crate::domain::parse::format_date_fr;
use crate::domain::schedule::Profiles;

/// The money section of a letter from the computed claim. Lines are the gross accruals, then
/// what payments, waivers or the indemnities settled, as negative lines, so the table adds up to
/// the total owed. Principal is listed by the items table, not here.
pub fn letter_money(c: &ClaimAmounts) -> LetterMoney {
    let kind = |k: LineKind| match k {
        LineKind::Penalty => Some(LetterMoneyKind::Penalty),
        LineKind::Interest => Some(LetterMoneyKind::Interest),
        LineKind::Indemnity => Some(LetterMoneyKind::Indemnity),
        LineKind::Cost | LineKind::CollectionCosts => Some(LetterMoneyKind::Cost),
        LineKind::Principal | LineKind::NotYetDue => None,
    };
    // Letters are always French, whatever the interface language.
    let label = |l: &BreakdownLine| {
        let base = match l.kind {
            LineKind::Penalty => "Pénalités de retard",
            LineKind::Interest => "Intérêts au taux légal",
            LineKind::Indemnity => "Indemnité forfaitaire (art. D441-5 C. com.)",
            LineKind::Cost => "Frais",
            LineKind::CollectionCosts => "Frais de recouvrement",
            LineKind::Principal | LineKind::NotYetDue => "Principal",
        };
        let what = match l.kind {
            LineKind::Penalty => "les pénalités",
            LineKind::Interest => "les intérêts",
            LineKind::Indemnity => "les indemnités",
            _ => "les frais",
        };
        let on = l.from.map(format_date_fr).unwrap_or_default();
        match l.settled_by {
            // Neutral: the same table goes to the debtor and, in the injonction request, to the judge.
            Some(Settled::Payment) => format!("Règlement du {on} imputé sur {what}"),
            Some(Settled::CreditNote) => format!("Avoir du {on} imputé sur {what}"),
            Some(Settled::Waiver) => format!("Abandon consenti le {on} sur {what}"),
            Some(Settled::CoveredByIndemnities) => {
                "Part des frais couverte par les indemnités forfaitaires".to_string()
            }
            None if l.item.is_empty() => base.to_string(),
            None => format!("{base} – {}", l.item),
        }
    };
    let lines: Vec<LetterMoneyLine> = c
        .lines
        .iter()
        .filter_map(|l| {
            Some(LetterMoneyLine {
                kind: kind(l.kind)?,
                label: label(l),
                from: l.from.filter(|_| l.settled_by.is_none()),
                to: l.to,
                days: l.days,
                rate: l.rate,
                amount: l.amount,
            })
        })
        .collect();
    LetterMoney {
        not_yet_due: c.not_yet_due,
        items: c
            .items
            .iter()
            .map(|i| LetterItemMoney {
                reference: i.reference.clone(),
                due: i.due,
                open: i.open,
                claimed: i.claimed,
                // The day a payment cleared its principal: an invoice a credit note cancelled
                // was not "paid late".
                settled_on: c
                    .lines
                    .iter()
                    .filter(|l| {
                        l.kind == LineKind::Principal
                            && l.settled_by.is_some()
                            && l.item == i.reference
                    })
                    .max_by_key(|l| l.from)
                    .filter(|l| i.open.is_zero() && l.settled_by == Some(Settled::Payment))
                    .and_then(|l| l.from),
                accessories: i.accrued + i.indemnity,
            })
            .collect(),
        principal: c.principal,
        penalties: c.penalties,
        indemnities: c.indemnities,
        interest: c.interest,
        costs: c.costs,
        total_due: c.total_due,
        daily_growth: c.daily_growth,
        provisional: c.provisional,
        lines,
    }
}

/// What the user chose for this letter (all optional).
#[derive(Debug, Clone, Default)]
pub struct ComposeChoices {
    pub step: Option<LetterStep>,
    pub channel: Option<Channel>,
    pub deadline_days: Option<i64>,
    pub tracking: Option<String>,
}

#[derive(Debug, Clone)]
pub struct Composed {
    pub step: LetterStep,
    pub context: LetterContext,
    pub text: String,
    /// The channel the letter was composed for (its wording depends on it).
    pub channel: Channel,
    /// For notices: the deadline the letter states and the journal will record.
    pub deadline: Option<DeadlineAdvice>,
    /// The figures rest on a rate missing from the table.
    pub provisional: bool,
    /// Collection costs the letter states (a NL/BE last notice), for the journal to record.
    pub stated_costs: rust_decimal::Decimal,
    /// The claim could not be computed (the letter then states the principal only).
    pub money_error: Option<MoneyError>,
}

impl Composed {
    /// What stops this letter from going out as composed, for the dossier assessed at the
    /// letter's `date`: the preflight of every letter logged or sent from the shell, and of every
    /// reminder the e-mail round sends (the TUI's editor checks the text as edited instead).
    pub fn blockers(
        &self,
        st: &DossierState,
        debtor: &Debtor,
        profiles: &dyn Profiles,
        rules: &Rules,
        date: NaiveDate,
    ) -> Vec<super::preflight::Blocker> {
        let assessment = crate::domain::assess::assess(st, debtor, profiles, rules, date);
        super::preflight::preflight(&super::preflight::Preflight {
            state: st,
            assessment: &assessment,
            step: self.step,
            channel: self.channel,
            text: &self.text,
            context: &self.context,
        })
    }
}

/// Composes the letter for a dossier at `today`.
#[allow(clippy::too_many_arguments)]
pub fn compose(
    st: &DossierState,
    events: &[Event],
    debtor: &Debtor,
    rules: &Rules,
    profiles: &dyn Profiles,
    templates: &Templates,
    today: NaiveDate,
    choices: &ComposeChoices,
) -> Result<Composed, LetterError> {
    let (claim, money_error) = rules.claim_or_principal(st, debtor, today);
    let step = choices.step.unwrap_or_else(|| {
        suggest_step_with(st, debtor.debtor_type, profiles, today, &claim.owing())
    });
    let mut money = letter_money(&claim);
    // A NL/BE last notice must state the collection costs that become due if it is ignored
    // (they are not owed yet, so the claim does not count them): without the amount in the
    // letter, they can never be charged.
    if step == LetterStep::LastNoticeNlBe && money.costs.is_zero() {
        if let Some(costs) = collection_costs(st.jurisdiction, money.principal) {
            money.costs = costs;
        }
    }
    // The deadline the letter states is the one the journal records (and, for a NL/BE last
    // notice, the day after which the collection costs become owed): computed once, here.
    let needs_deadline = step.is_formal_notice()
        || matches!(
            step,
            LetterStep::Relance2
                | LetterStep::Relance3
                | LetterStep::LastNoticeNlBe
                | LetterStep::InstalmentReminder
        );
    let channel = choices
        .channel
        .unwrap_or_else(|| default_channel(st, debtor, profiles, step));
    let deadline = needs_deadline.then(|| {
        let mut advice = notice_deadline(
            today,
            None,
            choices.deadline_days,
            channel,
            debtor.debtor_type,
            st.jurisdiction,
            &rules.deadlines,
        );
        if step == LetterStep::LastNoticeNlBe {
            // Never fewer than the legal 14 days: the letter and the journal move together.
            let min = last_notice_min_deadline(today, st.jurisdiction, channel);
            if advice.deadline < min {
                advice.deadline = min;
            }
        }
        advice
    });
    let options = LetterOptions {
        deadline_days: deadline.as_ref().map(|d| d.days),
        deadline: deadline.as_ref().map(|d| d.deadline),
        channel: Some(channel),
        tracking: choices.tracking.clone(),
        ..LetterOptions::default()
    };
    let context = build_context(&LetterInput {
        state: st,
        events,
        debtor,
        creditor: &rules.creditor,
        today,
        step,
        options,
        money: money.clone(),
    });
    let text = templates.render(&context)?;
    let provisional = context.money.provisional;
    Ok(Composed {
        step,
        context,
        text,
        channel,
        deadline,
        // Once the law's adjustments are applied: only a letter stating a rate-based amount.
        provisional,
        stated_costs: money.costs,
        money_error,
    })
}
