//! Which existing debtor an account of the file is: by customer number, then by exact name,
//! and never a guess (two candidates, or a name whose recorded number differs, is refused).

use std::collections::{BTreeMap, HashMap};

use super::fields::name_key;
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

/// The existing debtors, indexed by customer number and by name.
pub(super) struct Directory<'a> {
    pub(super) debtors: BTreeMap<DebtorId, &'a Debtor>,
    by_number: HashMap<String, Vec<DebtorId>>,
    by_name: HashMap<String, Vec<DebtorId>>,
}

impl<'a> Directory<'a> {
    pub(super) fn new(debtors: BTreeMap<DebtorId, &'a Debtor>) -> Self {
        let mut by_number: HashMap<String, Vec<DebtorId>> = HashMap::new();
        let mut by_name: HashMap<String, Vec<DebtorId>> = HashMap::new();
        for d in debtors.values() {
            if let Some(n) = d
                .customer_number
                .as_deref()
                .filter(|n| !n.trim().is_empty())
            {
                by_number
                    .entry(n.trim().to_lowercase())
                    .or_default()
                    .push(d.id);
            }
            by_name.entry(name_key(&d.name)).or_default().push(d.id);
        }
        Directory {
            debtors,
            by_number,
            by_name,
        }
    }

    /// The existing debtor this account is, and whether only the name said so.
    pub(super) fn match_debtor(
        &self,
        account: &Account,
    ) -> Result<Option<(DebtorId, bool)>, String> {
        let debtors = &self.debtors;
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
            let found = self.by_number.get(&number.trim().to_lowercase());
            match found.map(Vec::as_slice).unwrap_or_default() {
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
        let found = self.by_name.get(&name_key(&account.name));
        match found.map(Vec::as_slice).unwrap_or_default() {
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
}
