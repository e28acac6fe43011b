//! The money of the letter as printed: the breakdown table, its one-sentence summary and the
//! table of the items claimed.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::input::{LetterMoney, LetterMoneyKind};
use super::views::{ItemView, MoneyLineView, MoneyView};
use crate::domain::letters::format::{days_fr, format_rate_fr, join_fr, table, Align};
use crate::domain::letters::step::LetterStep;
use crate::domain::model::DossierKind;
use crate::domain::parse::{cents, format_date_fr};
use crate::i18n::format_eur_fr;

/// `2 084,56 € en principal, 26,29 € de pénalités de retard et 80,00 € d'indemnité forfaitaire
/// pour frais de recouvrement`: what the total is made of, in one phrase.
fn breakdown_text(money: &LetterMoney) -> String {
    let pos = |d: Decimal| d > Decimal::ZERO;
    // Once the principal is paid, the accessories are the whole sum: no "0,00 € en principal".
    let mut parts = Vec::new();
    if pos(money.principal) || money.total_due == money.principal {
        parts.push(format!("{} en principal", format_eur_fr(money.principal)));
    }
    if pos(money.penalties) {
        parts.push(format!(
            "{} de pénalités de retard",
            format_eur_fr(money.penalties)
        ));
    }
    if pos(money.interest) {
        parts.push(format!(
            "{} d'intérêts au taux légal",
            format_eur_fr(money.interest)
        ));
    }
    if pos(money.indemnities) {
        parts.push(format!(
            "{} d'indemnité forfaitaire pour frais de recouvrement",
            format_eur_fr(money.indemnities)
        ));
    }
    if pos(money.costs) {
        parts.push(format!(
            "{} de frais de recouvrement",
            format_eur_fr(money.costs)
        ));
    }
    join_fr(&parts)
}

pub(super) fn money_view(money: &LetterMoney, today: NaiveDate, step: LetterStep) -> MoneyView {
    let lines: Vec<MoneyLineView> = money
        .lines
        .iter()
        .map(|l| MoneyLineView {
            kind: l.kind,
            label: l.label.clone(),
            from: l.from.map(format_date_fr),
            to: l.to.map(format_date_fr),
            days: l.days,
            rate: l.rate.map(format_rate_fr),
            amount: format_eur_fr(l.amount),
        })
        .collect();
    // Rows of the breakdown: caller lines where given, else one aggregate row per kind.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let kinds = [
        (LetterMoneyKind::Principal, "Principal restant dû"),
        (LetterMoneyKind::Penalty, "Pénalités de retard"),
        (
            LetterMoneyKind::Indemnity,
            "Indemnité forfaitaire pour frais de recouvrement",
        ),
        (LetterMoneyKind::Interest, "Intérêts au taux légal"),
        (LetterMoneyKind::Cost, "Frais de recouvrement"),
    ];
    let last_notice = step == LetterStep::LastNoticeNlBe;
    for (kind, label) in kinds {
        // A last notice announces costs separately: they are not owed yet.
        if last_notice && kind == LetterMoneyKind::Cost {
            continue;
        }
        let of_kind: Vec<&MoneyLineView> = lines.iter().filter(|l| l.kind == kind).collect();
        if of_kind.is_empty() {
            let amount = money.amount_of(kind);
            if kind == LetterMoneyKind::Principal || !amount.is_zero() {
                rows.push(vec![label.to_string(), format_eur_fr(amount)]);
            }
            continue;
        }
        for l in of_kind {
            rows.push(vec![l.label.clone(), l.amount.clone()]);
            let mut detail = Vec::new();
            if let Some(rate) = &l.rate {
                detail.push(format!("taux {rate} l'an"));
            }
            match (&l.from, &l.to) {
                (Some(f), Some(t)) => detail.push(format!("du {f} au {t}")),
                (Some(f), None) => detail.push(format!("depuis le {f}")),
                _ => {}
            }
            if let Some(d) = l.days {
                detail.push(days_fr(d));
            }
            if !detail.is_empty() {
                rows.push(vec![format!("  {}", detail.join(", ")), String::new()]);
            }
        }
    }
    let footer = vec![vec![
        format!("Total dû au {}", format_date_fr(today)),
        format_eur_fr(money.total_due),
    ]];
    let table_text = table(&["", ""], &rows, &footer, &[Align::Left, Align::Right]);
    // The header row of `table` is empty here: drop it and its rule.
    let mut table_text: String = table_text.lines().skip(2).collect::<Vec<_>>().join("\n");
    // Figures resting on a rate not yet in the table must say so wherever they are printed; a
    // letter without any rate-based amount has nothing provisional in it.
    let provisional = money.is_provisional();
    if provisional {
        table_text.push_str("\n(sommes accessoires calculées à titre provisionnel, sous réserve du taux officiel applicable)");
    }
    let forty = Decimal::from(40);
    let indemnity_count = (!money.indemnities.is_zero() && (money.indemnities % forty).is_zero())
        .then(|| (money.indemnities / forty).normalize().to_string());
    MoneyView {
        principal: format_eur_fr(money.principal),
        penalties: format_eur_fr(money.penalties),
        indemnities: format_eur_fr(money.indemnities),
        interest: format_eur_fr(money.interest),
        costs: format_eur_fr(money.costs),
        total_due: format_eur_fr(money.total_due),
        total_with_costs: format_eur_fr(money.total_due + money.costs),
        daily_growth: format_eur_fr(money.daily_growth),
        has_penalties: !money.penalties.is_zero(),
        has_indemnities: !money.indemnities.is_zero(),
        has_interest: !money.interest.is_zero(),
        has_costs: !money.costs.is_zero(),
        has_daily_growth: !cents(money.daily_growth).is_zero(),
        has_extras: money.total_due != money.principal,
        breakdown_text: breakdown_text(money),
        provisional,
        indemnity_count,
        lines,
        table: table_text,
    }
}

pub(super) fn items_table(kind: DossierKind, items: &[ItemView], total: Decimal) -> String {
    let header: [&str; 5] = match kind {
        DossierKind::Rent => [
            "Échéance",
            "Appelée le",
            "Exigible le",
            "Montant",
            "Reste dû",
        ],
        DossierKind::Refund => [
            "Référence",
            "Date",
            "À rembourser le",
            "Montant",
            "Reste dû",
        ],
        DossierKind::Invoices => ["Facture n°", "Date", "Échéance", "Montant TTC", "Reste dû"],
    };
    let partial = items.iter().any(|i| i.partly_paid);
    let ncol = if partial { 5 } else { 4 };
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let mut r = vec![
                i.reference.clone(),
                i.issued.clone(),
                i.due.clone(),
                i.amount.clone(),
            ];
            if partial {
                r.push(i.open.clone());
            }
            r
        })
        .collect();
    let footer = if items.len() > 1 || partial {
        let mut f = vec![
            "Total".to_string(),
            String::new(),
            String::new(),
            String::new(),
        ];
        // The total goes under the last column: the amount, or "reste dû" when an item is
        // partly paid (indexing with `ncol - 1` before the push overflowed a 4-cell row).
        f[3] = format_eur_fr(total);
        if partial {
            f.push(format_eur_fr(total));
            f[3] = String::new();
        }
        vec![f]
    } else {
        vec![]
    };
    let align = [
        Align::Left,
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
    ];
    table(&header[..ncol], &rows, &footer, &align[..ncol])
}
