//! Importing open items from the accounting system: a FEC (fichier des écritures comptables,
//! art. A47 A-1 LPF) or a CSV "balance âgée" read through a column mapping.
//!
//! Pure: bytes in, a [`Ledger`] out (`fec`, `csv`), then a [`plan::Plan`] against the dossiers
//! already in the journal (`plan`), worded by `report`. Reading the file and writing the plan
//! belong to the store.

pub mod csv;
pub mod decode;
pub mod fec;
pub mod fields;
mod matching;
pub mod plan;
pub mod report;
#[cfg(test)]
mod tests;

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::model::{DebtorType, ProfileId};

/// Which reader a file goes through.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Format {
    Fec,
    Csv,
}

impl Format {
    pub fn slug(self) -> &'static str {
        match self {
            Format::Fec => "FEC",
            Format::Csv => "CSV",
        }
    }
}

/// A line of the file that cannot be imported: where (1-based line, column name) and why.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Rejection {
    pub line: usize,
    /// The column's name as in the file's header (or the mapping), when one is at fault.
    pub column: Option<String>,
    /// Already in the user's language.
    pub reason: String,
}

impl std::fmt::Display for Rejection {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        let text = match &self.column {
            Some(c) => crate::i18n::tf(
                "import.rejected_at",
                &[
                    ("line", &self.line),
                    ("column", c),
                    ("reason", &self.reason),
                ],
            ),
            None => crate::i18n::tf(
                "import.rejected_line",
                &[("line", &self.line), ("reason", &self.reason)],
            ),
        };
        f.write_str(&super::text::printable(&text))
    }
}

/// At most this many rejections are collected: the first ones are enough to fix the file.
pub const MAX_REJECTIONS: usize = 20;

/// An open invoice of a customer account.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Invoice {
    pub reference: String,
    pub issued: NaiveDate,
    pub due: NaiveDate,
    pub amount: Decimal,
    pub label: Option<String>,
    /// Line of the file it comes from (the first, when several lines make one invoice).
    pub line: usize,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum MovementKind {
    Payment,
    CreditNote,
}

/// A payment or a credit note on a customer account not yet matched (lettered) in the books.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Movement {
    pub kind: MovementKind,
    pub reference: String,
    pub date: NaiveDate,
    pub amount: Decimal,
    /// The invoice it is for, when the file says so.
    pub invoice: Option<String>,
    /// The file states everything paid so far under this reference (a CSV "reste dû"): only what
    /// exceeds the payments already recorded under it is new.
    pub cumulative: bool,
    /// The line's label: a credit note's often names the invoice ("Avoir s/ F-2026-102").
    pub label: Option<String>,
    pub line: usize,
}

/// An invoice the books show as settled (lettered with its payments).
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Lettered {
    pub reference: String,
    /// The lettering code (`EcritureLet`).
    pub code: String,
    /// When it was lettered (`DateLet`), if the file says and it is not after today.
    pub date: Option<NaiveDate>,
    pub line: usize,
}

/// One customer (auxiliary) account of the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Account {
    /// Customer number (`CompAuxNum`, or the mapped column).
    pub number: Option<String>,
    pub name: String,
    pub debtor_type: DebtorType,
    /// First line of the account in the file: where an ambiguity is reported.
    pub line: usize,
    pub invoices: Vec<Invoice>,
    pub movements: Vec<Movement>,
    pub lettered: Vec<Lettered>,
}

/// What a file says about the customers' open items.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Ledger {
    pub format: Format,
    pub accounts: Vec<Account>,
    /// Data lines read.
    pub lines: usize,
    /// Lines that are not about customers' open items (other accounts, zero amounts).
    pub ignored: usize,
    /// The text encoding the file was read in.
    pub encoding: &'static str,
    /// Due dates were computed from the payment terms (the file has none).
    pub due_assumed: bool,
}

/// What the reading and the planning need besides the file.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Settings {
    pub today: NaiveDate,
    /// Due date = piece date + this many days when the file has no due date (a FEC never has).
    pub payment_terms_days: i64,
    /// Type of the debtors the file creates when it does not say.
    pub debtor_type: DebtorType,
    /// Schedule profile of new dossiers (`None`: by debtor type).
    pub profile: Option<ProfileId>,
    /// Settle the items that disappeared from the file or got lettered.
    pub settle_missing: bool,
    /// The file's name as the journal records it.
    pub file_name: String,
}

impl Ledger {
    /// The account with this number (or, without one, this name), created on first use.
    pub(crate) fn account_mut<'a>(
        accounts: &'a mut Vec<Account>,
        index: &mut std::collections::HashMap<String, usize>,
        number: Option<&str>,
        name: &str,
        debtor_type: DebtorType,
        line: usize,
    ) -> &'a mut Account {
        let key = match number {
            Some(n) => format!("#{}", n.trim().to_lowercase()),
            None => format!("@{}", fields::name_key(name)),
        };
        let pos = match index.get(&key) {
            Some(p) => *p,
            None => {
                index.insert(key, accounts.len());
                accounts.push(Account {
                    number: number.map(str::to_string),
                    name: name.to_string(),
                    debtor_type,
                    line,
                    invoices: vec![],
                    movements: vec![],
                    lettered: vec![],
                });
                accounts.len() - 1
            }
        };
        &mut accounts[pos]
    }
}

impl Account {
    /// Adds an invoice line; lines with the same reference make one invoice.
    pub(crate) fn add_invoice(&mut self, inv: Invoice) {
        match self
            .invoices
            .iter_mut()
            .find(|i| i.reference.eq_ignore_ascii_case(&inv.reference))
        {
            Some(i) => i.amount += inv.amount,
            None => self.invoices.push(inv),
        }
    }

    /// Adds a payment or credit-note line; lines with the same kind and reference make one.
    pub(crate) fn add_movement(&mut self, m: Movement) {
        match self
            .movements
            .iter_mut()
            .find(|x| x.kind == m.kind && x.reference.eq_ignore_ascii_case(&m.reference))
        {
            Some(x) => x.amount += m.amount,
            None => self.movements.push(m),
        }
    }
}
