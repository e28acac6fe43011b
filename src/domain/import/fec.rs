//! The FEC (fichier des écritures comptables, art. A47 A-1 LPF): 18 columns, tab or `|`
//! separated, dates `YYYYMMDD`, decimal comma.
//!
//! Open customer items are the lines on customer accounts (`CompteNum` starting with 411), one
//! debtor per auxiliary account (`CompAuxNum`, `CompAuxLib`; in books without auxiliary
//! accounts, per 411 account, `CompteNum`, `CompteLib`), that are not lettered
//! (`EcritureLet` empty). A debit is an invoice (its reference is `PieceRef`, or `EcritureNum`
//! when `PieceRef` is empty or `-`). A credit is a credit note when it was booked in a sales
//! journal (`JournalCode` `VT`, `VE`, `VTE`, `AV`… or a `JournalLib` saying "vente" or "avoir")
//! or its label or piece says "avoir"; any other credit (bank, cash, OD) is a payment. A
//! lettered debit is an invoice the books consider settled. A FEC has no due dates: due =
//! piece date + the configured payment terms.

use super::fields::{self, DecimalMark};
use super::{Account, Format, Invoice, Ledger, Lettered, Movement, MovementKind, Rejection};
use super::{Settings, MAX_REJECTIONS};
use crate::domain::parse::check_text;
use crate::i18n::tf;

/// The columns, in the order the standard fixes.
pub const COLUMNS: [&str; 18] = [
    "JournalCode",
    "JournalLib",
    "EcritureNum",
    "EcritureDate",
    "CompteNum",
    "CompteLib",
    "CompAuxNum",
    "CompAuxLib",
    "PieceRef",
    "PieceDate",
    "EcritureLib",
    "Debit",
    "Credit",
    "EcritureLet",
    "DateLet",
    "ValidDate",
    "Montantdevise",
    "Idevise",
];

const JOURNAL_CODE: usize = 0;
const JOURNAL_LIB: usize = 1;
const ECRITURE_NUM: usize = 2;
const ECRITURE_DATE: usize = 3;
const COMPTE_NUM: usize = 4;
const COMPTE_LIB: usize = 5;
const COMP_AUX_NUM: usize = 6;
const COMP_AUX_LIB: usize = 7;
const PIECE_REF: usize = 8;
const PIECE_DATE: usize = 9;
const ECRITURE_LIB: usize = 10;
const DEBIT: usize = 11;
const CREDIT: usize = 12;
const ECRITURE_LET: usize = 13;
const DATE_LET: usize = 14;

/// Whether a credit on a customer account is a credit note (see the module's rule).
pub fn is_credit_note(journal_code: &str, journal_lib: &str, piece: &str, label: &str) -> bool {
    let code = journal_code.trim().to_ascii_uppercase();
    let sales_code = ["VT", "VE", "VTE", "AV", "AVO", "VEN"]
        .iter()
        .any(|c| code == *c || (code.starts_with(c) && c.len() >= 2 && code.len() <= 4));
    let lower = |s: &str| s.to_lowercase();
    let says = |s: &str, w: &str| lower(s).contains(w);
    sales_code
        || says(journal_lib, "vente")
        || says(journal_lib, "avoir")
        || says(label, "avoir")
        || lower(piece.trim()).starts_with("av")
}

/// Reads a FEC's text. `progress(done, total)` is called now and then with line counts.
pub fn parse(
    text: &str,
    encoding: &'static str,
    settings: &Settings,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Ledger, Vec<Rejection>> {
    let lines: Vec<&str> = text.split('\n').collect();
    let total = lines.len();
    let mut rejections = Vec::new();
    let reject = |rejections: &mut Vec<Rejection>, line, column: Option<&str>, reason: String| {
        if rejections.len() < MAX_REJECTIONS {
            rejections.push(Rejection {
                line,
                column: column.map(str::to_string),
                reason,
            });
        }
    };
    let Some(header_at) = lines.iter().position(|l| !l.trim().is_empty()) else {
        return Err(vec![Rejection {
            line: 1,
            column: None,
            reason: tf("import.empty", &[]),
        }]);
    };
    let header = lines[header_at].trim_end_matches('\r');
    let sep = if header.matches('\t').count() >= header.matches('|').count() {
        '\t'
    } else {
        '|'
    };
    let names: Vec<&str> = header.split(sep).map(str::trim).collect();
    // Where each standard column is in this file: names in any case, in any order.
    let mut at = [usize::MAX; 18];
    for (i, col) in COLUMNS.iter().enumerate() {
        match names.iter().position(|n| n.eq_ignore_ascii_case(col)) {
            Some(p) => at[i] = p,
            None => reject(
                &mut rejections,
                header_at + 1,
                Some(col),
                tf("import.fec.missing_column", &[("found", &names.len())]),
            ),
        }
    }
    if !rejections.is_empty() {
        return Err(rejections);
    }
    let width = names.len();
    let mut accounts: Vec<Account> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut read = 0;
    let mut ignored = 0;
    for (i, raw) in lines.iter().enumerate().skip(header_at + 1) {
        let line_no = i + 1;
        if i % 1000 == 0 {
            progress(i, total);
        }
        let raw = raw.trim_end_matches('\r');
        if raw.trim().is_empty() {
            continue;
        }
        read += 1;
        let cells: Vec<&str> = raw.split(sep).collect();
        if cells.len() != width {
            reject(
                &mut rejections,
                line_no,
                None,
                tf(
                    "import.column_count",
                    &[("found", &cells.len()), ("expected", &width)],
                ),
            );
            continue;
        }
        let cell = |c: usize| cells[at[c]].trim();
        if !cell(COMPTE_NUM).starts_with("411") {
            ignored += 1;
            continue;
        }
        let mut bad = |col: usize, reason: String| {
            reject(&mut rejections, line_no, Some(names[at[col]]), reason)
        };
        let amount =
            |col: usize| fields::signed_amount(names[at[col]], cell(col), DecimalMark::Auto);
        let (debit, credit) = match (amount(DEBIT), amount(CREDIT)) {
            (Ok(d), Ok(c)) => (d, c),
            (Err(e), _) => {
                bad(DEBIT, e.to_string());
                continue;
            }
            (_, Err(e)) => {
                bad(CREDIT, e.to_string());
                continue;
            }
        };
        let entry_date = match fields::date(names[at[ECRITURE_DATE]], cell(ECRITURE_DATE), None) {
            Ok(d) => d,
            Err(e) => {
                bad(ECRITURE_DATE, e.to_string());
                continue;
            }
        };
        let piece_date = match cell(PIECE_DATE) {
            "" => entry_date,
            s => match fields::date(names[at[PIECE_DATE]], s, None) {
                Ok(d) => d,
                Err(e) => {
                    bad(PIECE_DATE, e.to_string());
                    continue;
                }
            },
        };
        let (mut number, mut name) = (cell(COMP_AUX_NUM), cell(COMP_AUX_LIB));
        if number.is_empty() && name.is_empty() {
            // Books without auxiliary accounts open one 411 account per customer (4110042
            // "ACME"): that account is the customer. The bare collective account is no one.
            let account = cell(COMPTE_NUM);
            if account.trim_end_matches('0') == "411" {
                bad(COMP_AUX_NUM, tf("import.fec.no_auxiliary", &[]));
                continue;
            }
            (number, name) = (account, cell(COMPTE_LIB));
        }
        let reference = match cell(PIECE_REF) {
            "" | "-" => cell(ECRITURE_NUM),
            r => r,
        };
        if reference.is_empty() {
            bad(PIECE_REF, tf("import.no_reference", &[]));
            continue;
        }
        let mut text_ok = true;
        for col in [COMP_AUX_NUM, COMP_AUX_LIB, PIECE_REF, ECRITURE_LIB] {
            if let Err(e) = check_text(names[at[col]], cell(col), false) {
                bad(col, e.to_string());
                text_ok = false;
            }
        }
        if !text_ok {
            continue;
        }
        let net = debit - credit;
        if net.is_zero() {
            ignored += 1;
            continue;
        }
        let label = Some(cell(ECRITURE_LIB).to_string()).filter(|s| !s.is_empty());
        let account = Ledger::account_mut(
            &mut accounts,
            &mut index,
            Some(number).filter(|n| !n.is_empty()),
            if name.is_empty() { number } else { name },
            settings.debtor_type,
            line_no,
        );
        let lettering = cell(ECRITURE_LET);
        if !lettering.is_empty() {
            // Settled in the books: only an invoice matters (to settle it here too).
            if net > rust_decimal::Decimal::ZERO {
                let date = match cell(DATE_LET) {
                    "" => None,
                    s => match fields::date(names[at[DATE_LET]], s, None) {
                        Ok(d) => Some(d).filter(|d| *d <= settings.today),
                        Err(e) => {
                            bad(DATE_LET, e.to_string());
                            continue;
                        }
                    },
                };
                account.lettered.push(Lettered {
                    reference: reference.to_string(),
                    code: lettering.to_string(),
                    date,
                    line: line_no,
                });
            }
            continue;
        }
        if net > rust_decimal::Decimal::ZERO {
            account.add_invoice(Invoice {
                reference: reference.to_string(),
                issued: piece_date,
                due: crate::domain::money::calendar::add_days(
                    piece_date,
                    settings.payment_terms_days,
                ),
                amount: net,
                label,
                line: line_no,
            });
        } else {
            if entry_date > settings.today {
                bad(
                    ECRITURE_DATE,
                    tf(
                        "import.future_movement",
                        &[("today", &crate::i18n::date(settings.today))],
                    ),
                );
                continue;
            }
            let kind = if is_credit_note(
                cell(JOURNAL_CODE),
                cell(JOURNAL_LIB),
                reference,
                cell(ECRITURE_LIB),
            ) {
                MovementKind::CreditNote
            } else {
                MovementKind::Payment
            };
            account.add_movement(Movement {
                kind,
                reference: reference.to_string(),
                date: entry_date,
                amount: -net,
                invoice: None,
                cumulative: false,
                label,
                line: line_no,
            });
        }
    }
    progress(total, total);
    if !rejections.is_empty() {
        return Err(rejections);
    }
    Ok(Ledger {
        format: Format::Fec,
        due_assumed: true,
        accounts,
        lines: read,
        ignored,
        encoding,
    })
}
