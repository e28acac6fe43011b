//! From a dossier to the finished letter: the step, the money at the letter's date, the deadline
//! that will be logged, and the rendered text. CLI and TUI both call this, so the text a script
//! gets with `recouvre letter --next` is the text the editor opens with.

use chrono::NaiveDate;

use super::{
    build_context, suggest_step_with, LetterContext, LetterError, LetterInput, LetterMoney,
    LetterMoneyKind, LetterMoneyLine, LetterOptions, LetterStep, Templates,
};
use crate::domain::assess::Rules;
use crate::domain::event::{Channel, Event};
use crate::domain::fold::DossierState;
use crate::domain::model::Debtor;
use crate::domain::money::{
    collection_costs, notice_deadline, ClaimAmounts, DeadlineAdvice, LineKind, MoneyError,
};
use crate::domain::parse::format_date_fr;
use crate::domain::schedule::Profiles;

/// The money section of a letter from the computed claim. Lines are the gross accruals; what
/// payments settled is shown as negative lines so the table adds up to the total owed.
pub fn letter_money(c: &ClaimAmounts) -> LetterMoney {
    let kind = |k: LineKind| match k {
        LineKind::Penalty => LetterMoneyKind::Penalty,
        LineKind::Interest => LetterMoneyKind::Interest,
        LineKind::Indemnity => LetterMoneyKind::Indemnity,
        LineKind::Cost | LineKind::CollectionCosts => LetterMoneyKind::Cost,
    };
    // Letters are always French, whatever the interface language.
    let label = |k: LineKind, item: &str| {
        let base = match k {
            LineKind::Penalty => "Pénalités de retard",
            LineKind::Interest => "Intérêts au taux légal",
            LineKind::Indemnity => "Indemnité forfaitaire (art. D441-5 C. com.)",
            LineKind::Cost => "Frais",
            LineKind::CollectionCosts => "Frais de recouvrement",
        };
        if item.is_empty() {
            base.to_string()
        } else {
            format!("{base} – {item}")
        }
    };
    let mut lines: Vec<LetterMoneyLine> = c
        .lines
        .iter()
        .map(|l| LetterMoneyLine {
            kind: kind(l.kind),
            label: label(l.kind, &l.item),
            from: l.from,
            to: l.to,
            days: l.days,
            rate: l.rate,
            amount: l.amount,
        })
        .collect();
    for s in &c.settlements {
        for (k, amount, what) in [
            (LetterMoneyKind::Penalty, s.to_penalties, "les pénalités"),
            (LetterMoneyKind::Interest, s.to_interest, "les intérêts"),
            (
                LetterMoneyKind::Indemnity,
                s.to_indemnities,
                "les indemnités",
            ),
            (LetterMoneyKind::Cost, s.to_costs, "les frais"),
        ] {
            if !amount.is_zero() {
                lines.push(LetterMoneyLine {
                    kind: k,
                    label: format!(
                        "Votre règlement du {} imputé sur {what}",
                        format_date_fr(s.date)
                    ),
                    from: None,
                    to: None,
                    days: None,
                    rate: None,
                    amount: -amount,
                });
            }
        }
    }
    LetterMoney {
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
    /// For notices: the deadline the letter states and the journal will record.
    pub deadline: Option<DeadlineAdvice>,
    /// The figures rest on a rate missing from the table.
    pub provisional: bool,
    /// Collection costs the letter states (a NL/BE last notice), for the journal to record.
    pub stated_costs: rust_decimal::Decimal,
    /// The claim could not be computed (the letter then states the principal only).
    pub money_error: Option<MoneyError>,
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
    let step = choices
        .step
        .unwrap_or_else(|| suggest_step_with(st, debtor.debtor_type, profiles, today));
    let claim = rules.claim(st, debtor, today);
    let (mut money, money_error) = match &claim {
        Ok(c) => (letter_money(c), None),
        Err(e) => (LetterMoney::principal_only(st), Some(e.clone())),
    };
    // A NL/BE last notice must state the collection costs that become due if it is ignored
    // (they are not owed yet, so the claim does not count them): without the amount in the
    // letter, they can never be charged.
    if step == LetterStep::LastNoticeNlBe && money.costs.is_zero() {
        if let Some(costs) = collection_costs(st.jurisdiction, money.principal) {
            money.costs = costs;
        }
    }
    let needs_deadline =
        step.is_formal_notice() || matches!(step, LetterStep::Relance2 | LetterStep::Relance3);
    let channel = choices.channel.unwrap_or(if step.is_formal_notice() {
        Channel::Lrar
    } else {
        Channel::Letter
    });
    let deadline = needs_deadline.then(|| {
        notice_deadline(
            today,
            None,
            choices.deadline_days,
            channel,
            debtor.debtor_type,
            st.jurisdiction,
            &rules.deadlines,
        )
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
    Ok(Composed {
        step,
        context,
        text,
        deadline,
        provisional: money.provisional,
        stated_costs: money.costs,
        money_error,
    })
}
