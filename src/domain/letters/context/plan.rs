//! Payment plans in a letter: the plan proposed, and the instalments missed on an agreed one.

use rust_decimal::Decimal;

use super::input::{LetterInput, LetterMoney};
use super::views::{InstalmentView, MissedView, PlanView};
use crate::domain::letters::format::{table, Align};
use crate::domain::letters::rules::plan_instalments;
use crate::domain::letters::step::LetterStep;
use crate::domain::parse::{format_date_fr, format_date_long_fr};
use crate::i18n::{format_eur_fr, tf};

/// The plan a plan letter proposes (or recalls, once agreed), with a warning when its total is not
/// the sum due.
pub(super) fn plan_view(
    input: &LetterInput<'_>,
    money: &LetterMoney,
    warnings: &mut Vec<String>,
) -> PlanView {
    let (instalments, agreed) = plan_instalments(input, money.total_due);
    let views: Vec<InstalmentView> = instalments
        .iter()
        .enumerate()
        .map(|(n, i)| InstalmentView {
            number: n + 1,
            due: format_date_fr(i.due),
            due_long: format_date_long_fr(i.due),
            amount: format_eur_fr(i.amount),
        })
        .collect();
    let total: Decimal = instalments.iter().map(|i| i.amount).sum();
    let rows: Vec<Vec<String>> = views
        .iter()
        .map(|v| vec![v.number.to_string(), v.due.clone(), v.amount.clone()])
        .collect();
    let table_text = table(
        &["Échéance n°", "Date", "Montant"],
        &rows,
        &[vec!["Total".into(), String::new(), format_eur_fr(total)]],
        &[Align::Left, Align::Left, Align::Right],
    );
    if total != money.total_due {
        warnings.push(tf(
            "letters.warning.plan_total",
            &[
                ("plan", &format_eur_fr(total)),
                ("due", &format_eur_fr(money.total_due)),
            ],
        ));
    }
    PlanView {
        count: views.len(),
        instalments: views,
        total: format_eur_fr(total),
        table: table_text,
        agreed,
    }
}

/// The missed instalments of the agreed plan at the letter's date, as the schedule reads them.
pub(super) fn missed_view(input: &LetterInput<'_>, money: &LetterMoney) -> Option<MissedView> {
    if input.step != LetterStep::InstalmentReminder {
        return None;
    }
    let plan = input.state.plan.as_ref()?;
    let unpaid = input.state.instalments_unpaid();
    let mut missed = Vec::new();
    let mut total = Decimal::ZERO;
    for (n, (inst, rest)) in plan.instalments.iter().zip(unpaid).enumerate() {
        if rest > Decimal::ZERO && inst.due < input.today {
            total += rest;
            missed.push(InstalmentView {
                number: n + 1,
                due: format_date_fr(inst.due),
                due_long: format_date_long_fr(inst.due),
                amount: format_eur_fr(rest),
            });
        }
    }
    let rows: Vec<Vec<String>> = plan
        .instalments
        .iter()
        .enumerate()
        .map(|(n, i)| {
            vec![
                (n + 1).to_string(),
                format_date_fr(i.due),
                format_eur_fr(i.amount),
            ]
        })
        .collect();
    let plan_total: Decimal = plan.instalments.iter().map(|i| i.amount).sum();
    Some(MissedView {
        agreed_long: format_date_long_fr(plan.date),
        instalments: missed,
        total: format_eur_fr(total),
        plan_table: table(
            &["Échéance n°", "Date", "Montant"],
            &rows,
            &[vec![
                "Total".into(),
                String::new(),
                format_eur_fr(plan_total),
            ]],
            &[Align::Left, Align::Left, Align::Right],
        ),
        balance: format_eur_fr(money.total_due),
        acceleration: input.options.plan_acceleration.unwrap_or(true),
    })
}
