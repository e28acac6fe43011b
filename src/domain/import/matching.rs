//! Which existing debtor an account of the file is: by customer number, then by exact name,
//! and never a guess (two candidates, or a name whose recorded number differs, is refused).

use std::collections::BTreeMap;

use super::{Account, Format, Rejection};
use crate::domain::model::{Debtor, DebtorId};
use crate::i18n::tf;

pub(super) fn rejection(account: &Account, format: Format, reason: String) -> Rejection {
    let column = match format {
        Format::Fec => "CompAuxNum",
        Format::Csv => "customer",
    };
    Rejection {
        line: account.line,
        column: Some(column.to_string()),
        reason,
    }
}

/// The existing debtor this account is, and whether only the name said so.
pub(super) fn match_debtor(
    account: &Account,
    debtors: &BTreeMap<DebtorId, &Debtor>,
) -> Result<Option<(DebtorId, bool)>, String> {
    let list = |ids: &[DebtorId]| {
        ids.iter()
            .map(|i| {
                format!(
                    "{} ({})",
                    debtors[i].name,
                    debtors[i].customer_number.as_deref().unwrap_or("-")
                )
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    if let Some(number) = account.number.as_deref() {
        let by_number: Vec<DebtorId> = debtors
            .values()
            .filter(|d| {
                d.customer_number
                    .as_deref()
                    .is_some_and(|n| n.trim().eq_ignore_ascii_case(number.trim()))
            })
            .map(|d| d.id)
            .collect();
        match by_number.as_slice() {
            [one] => return Ok(Some((*one, false))),
            [] => {}
            many => {
                return Err(tf(
                    "import.ambiguous_number",
                    &[("number", &number), ("debtors", &list(many))],
                ))
            }
        }
    }
    let by_name: Vec<DebtorId> = debtors
        .values()
        .filter(|d| super::fields::same_name(&d.name, &account.name))
        .map(|d| d.id)
        .collect();
    match by_name.as_slice() {
        [] => Ok(None),
        [one] => {
            let d = debtors[one];
            match (d.customer_number.as_deref(), account.number.as_deref()) {
                (Some(theirs), Some(ours)) if !theirs.trim().is_empty() => Err(tf(
                    "import.name_other_number",
                    &[("name", &d.name), ("recorded", &theirs), ("number", &ours)],
                )),
                _ => Ok(Some((*one, true))),
            }
        }
        many => Err(tf(
            "import.ambiguous_name",
            &[("name", &account.name), ("debtors", &list(many))],
        )),
    }
}
