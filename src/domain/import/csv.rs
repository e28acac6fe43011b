//! A CSV of open items ("balance âgée"), read through a column mapping written in TOML (see
//! `mappings/` at the top of the repository for ready ones).
//!
//! Each row is one item. Its kind comes from the mapped `kind` column when there is one, else
//! from the sign of the amount: positive is an invoice, negative a credit note when its
//! reference starts with "AV" or its label says "avoir", else a payment. With an `open` column
//! ("reste dû"), an invoice partly paid gets one payment "Acompte REF" for what was paid, dated
//! the day of the import, and an invoice with nothing left is settled.

use serde::Deserialize;

use super::decode::Encoding;
use super::fields::{self, DecimalMark};
use super::{Account, Format, Invoice, Ledger, Lettered, Movement, MovementKind, Rejection};
use super::{Settings, MAX_REJECTIONS};
use crate::domain::model::DebtorType;
use crate::domain::parse::check_text;
use crate::i18n::tf;

/// A mapping file: how the columns of one accounting tool's export are named.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Mapping {
    /// Shown in the report ("Sage 100 — balance âgée").
    pub name: Option<String>,
    /// `;`, `,` or a tab; found from the header line when absent.
    pub separator: Option<String>,
    /// `auto` (default), `utf-8`, `windows-1252`, `iso-8859-15`.
    pub encoding: Option<String>,
    /// `auto` (default), `,` or `.`.
    pub decimal: Option<String>,
    /// A chrono format such as `%m/%d/%Y`; by default `25/11/2026`, `2026-11-25`, `25.11.2026`
    /// and `20261125` are understood.
    pub date_format: Option<String>,
    /// Lines before the header (titles some tools print).
    #[serde(default)]
    pub skip_lines: usize,
    /// Type of the debtors the file creates (`b2b` or `b2c`) when no column says.
    pub debtor_type: Option<String>,
    pub columns: Columns,
    #[serde(default)]
    pub kinds: Kinds,
}

/// Column names in the file's header (compared without regard to case or surrounding spaces).
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Columns {
    pub customer: Option<String>,
    pub name: String,
    pub reference: String,
    pub issued: String,
    pub due: Option<String>,
    pub amount: String,
    pub open: Option<String>,
    pub kind: Option<String>,
    pub invoice: Option<String>,
    pub label: Option<String>,
    pub debtor_type: Option<String>,
}

/// Values of the `kind` column, compared without regard to case.
#[derive(Debug, Clone, Deserialize, PartialEq, Eq)]
#[serde(deny_unknown_fields)]
pub struct Kinds {
    pub invoice: Vec<String>,
    pub credit_note: Vec<String>,
    pub payment: Vec<String>,
}

impl Default for Kinds {
    fn default() -> Self {
        let v = |l: &[&str]| l.iter().map(|s| s.to_string()).collect();
        Kinds {
            invoice: v(&["FA", "F", "Facture", "Invoice"]),
            credit_note: v(&["AV", "A", "Avoir", "Credit note"]),
            payment: v(&["RG", "R", "Règlement", "Reglement", "Paiement", "Payment"]),
        }
    }
}

/// What is wrong with a mapping file (message in the user's language).
pub fn parse_mapping(text: &str) -> Result<Mapping, String> {
    let m: Mapping = toml::from_str(text).map_err(|e| e.to_string())?;
    let bad = |key: &str, value: &str| {
        tf(
            "import.csv.bad_setting",
            &[("key", &key), ("value", &value)],
        )
    };
    if let Some(e) = &m.encoding {
        Encoding::parse(e).ok_or_else(|| bad("encoding", e))?;
    }
    if let Some(d) = &m.decimal {
        decimal_mark(d).ok_or_else(|| bad("decimal", d))?;
    }
    if let Some(s) = &m.separator {
        separator(s).ok_or_else(|| bad("separator", s))?;
    }
    if let Some(t) = &m.debtor_type {
        debtor_type(t).ok_or_else(|| bad("debtor_type", t))?;
    }
    Ok(m)
}

impl Mapping {
    pub fn encoding(&self) -> Encoding {
        self.encoding
            .as_deref()
            .and_then(Encoding::parse)
            .unwrap_or_default()
    }
}

fn decimal_mark(s: &str) -> Option<DecimalMark> {
    match s.trim() {
        "auto" => Some(DecimalMark::Auto),
        "," => Some(DecimalMark::Comma),
        "." => Some(DecimalMark::Point),
        _ => None,
    }
}

fn separator(s: &str) -> Option<u8> {
    match s {
        ";" => Some(b';'),
        "," => Some(b','),
        "\t" | "tab" => Some(b'\t'),
        "|" => Some(b'|'),
        _ => None,
    }
}

fn debtor_type(s: &str) -> Option<DebtorType> {
    match s.trim().to_lowercase().as_str() {
        "b2b" | "pro" | "professionnel" | "professional" | "entreprise" | "société" | "societe" => {
            Some(DebtorType::B2b)
        }
        "b2c" | "particulier" | "consumer" | "consommateur" => Some(DebtorType::B2c),
        _ => None,
    }
}

fn one_of(list: &[String], v: &str) -> bool {
    list.iter().any(|x| x.trim().eq_ignore_ascii_case(v.trim()))
}

/// Reads the text of a CSV through `mapping`. `progress(done, total)` is called now and then.
pub fn parse(
    text: &str,
    encoding: &'static str,
    mapping: &Mapping,
    settings: &Settings,
    progress: &mut dyn FnMut(usize, usize),
) -> Result<Ledger, Vec<Rejection>> {
    let mut rejections: Vec<Rejection> = Vec::new();
    // Skip the title lines; line numbers stay those of the file.
    let mut body = text;
    for _ in 0..mapping.skip_lines {
        body = body.split_once('\n').map(|(_, r)| r).unwrap_or("");
    }
    let offset = mapping.skip_lines as u64;
    let header_line = body.lines().next().unwrap_or("");
    let sep = match mapping.separator.as_deref().and_then(separator) {
        Some(s) => s,
        None => [b';', b',', b'\t']
            .into_iter()
            .max_by_key(|c| header_line.matches(*c as char).count())
            .unwrap_or(b';'),
    };
    let total = body.matches('\n').count().max(1);
    let mut reader = ::csv::ReaderBuilder::new()
        .delimiter(sep)
        .flexible(true)
        .has_headers(true)
        .from_reader(body.as_bytes());
    let headers: Vec<String> = match reader.headers() {
        Ok(h) => h.iter().map(|s| s.trim().to_string()).collect(),
        Err(e) => {
            push(&mut rejections, offset as usize + 1, None, e.to_string());
            return Err(rejections);
        }
    };
    let header_no = offset as usize + 1;
    let find = |name: &str| {
        headers
            .iter()
            .position(|h| h.eq_ignore_ascii_case(name.trim()))
    };
    let col = |name: &Option<String>, rejections: &mut Vec<Rejection>| match name {
        None => None,
        Some(n) => match find(n) {
            Some(i) => Some(i),
            None => {
                let columns = headers.join(", ");
                let reason = tf("import.csv.missing_column", &[("columns", &columns)]);
                push(rejections, header_no, Some(n), reason);
                None
            }
        },
    };
    let c = &mapping.columns;
    let customer = col(&c.customer, &mut rejections);
    let name = col(&Some(c.name.clone()), &mut rejections);
    let reference = col(&Some(c.reference.clone()), &mut rejections);
    let issued = col(&Some(c.issued.clone()), &mut rejections);
    let due = col(&c.due, &mut rejections);
    let amount = col(&Some(c.amount.clone()), &mut rejections);
    let open = col(&c.open, &mut rejections);
    let kind = col(&c.kind, &mut rejections);
    let invoice_col = col(&c.invoice, &mut rejections);
    let label_col = col(&c.label, &mut rejections);
    let type_col = col(&c.debtor_type, &mut rejections);
    let (Some(name), Some(reference), Some(issued), Some(amount)) =
        (name, reference, issued, amount)
    else {
        return Err(rejections);
    };
    if !rejections.is_empty() {
        return Err(rejections);
    }
    let mark = mapping
        .decimal
        .as_deref()
        .and_then(decimal_mark)
        .unwrap_or_default();
    let default_type = mapping
        .debtor_type
        .as_deref()
        .and_then(debtor_type)
        .unwrap_or(settings.debtor_type);
    let fmt = mapping.date_format.as_deref();
    let mut accounts: Vec<Account> = Vec::new();
    let mut index = std::collections::HashMap::new();
    let mut read = 0;
    let mut ignored = 0;
    let mut record = ::csv::StringRecord::new();
    loop {
        let line_no = |r: &::csv::StringRecord| {
            r.position()
                .map(|p| (p.line() + offset) as usize)
                .unwrap_or(0)
        };
        match reader.read_record(&mut record) {
            Ok(false) => break,
            Ok(true) => {}
            Err(e) => {
                let line = e
                    .position()
                    .map(|p| (p.line() + offset) as usize)
                    .unwrap_or(0);
                push(&mut rejections, line, None, e.to_string());
                break;
            }
        }
        let line = line_no(&record);
        if line % 1000 == 0 {
            progress(line, total);
        }
        if record.iter().all(|f| f.trim().is_empty()) {
            continue;
        }
        read += 1;
        if record.len() != headers.len() {
            push(
                &mut rejections,
                line,
                None,
                tf(
                    "import.column_count",
                    &[("found", &record.len()), ("expected", &headers.len())],
                ),
            );
            continue;
        }
        let cell = |i: usize| record.get(i).unwrap_or("").trim();
        let opt = |i: Option<usize>| i.map(cell).filter(|s| !s.is_empty());
        let mut bad =
            |i: usize, reason: String| push(&mut rejections, line, Some(&headers[i]), reason);
        let mut text_ok = true;
        for i in [
            customer,
            Some(name),
            Some(reference),
            invoice_col,
            label_col,
        ]
        .into_iter()
        .flatten()
        {
            if let Err(e) = check_text(&headers[i], cell(i), false) {
                bad(i, e.to_string());
                text_ok = false;
            }
        }
        if !text_ok {
            continue;
        }
        let value = match fields::signed_amount(&headers[amount], cell(amount), mark) {
            Ok(v) => v,
            Err(e) => {
                bad(amount, e.to_string());
                continue;
            }
        };
        if value.is_zero() {
            ignored += 1;
            continue;
        }
        let date = match fields::date(&headers[issued], cell(issued), fmt) {
            Ok(d) => d,
            Err(e) => {
                bad(issued, e.to_string());
                continue;
            }
        };
        let the_ref = cell(reference);
        if the_ref.is_empty() {
            bad(reference, tf("import.no_reference", &[]));
            continue;
        }
        let the_name = cell(name);
        let number = opt(customer);
        if the_name.is_empty() && number.is_none() {
            bad(name, tf("import.csv.no_debtor", &[]));
            continue;
        }
        let label = opt(label_col).map(str::to_string);
        let which = match opt(kind) {
            Some(k) if one_of(&mapping.kinds.invoice, k) => None,
            Some(k) if one_of(&mapping.kinds.credit_note, k) => Some(MovementKind::CreditNote),
            Some(k) if one_of(&mapping.kinds.payment, k) => Some(MovementKind::Payment),
            Some(k) => {
                let i = kind.unwrap_or(0);
                bad(i, tf("import.csv.bad_kind", &[("value", &k)]));
                continue;
            }
            None if value > rust_decimal::Decimal::ZERO => None,
            None => Some(
                if the_ref.to_lowercase().starts_with("av")
                    || label
                        .as_deref()
                        .is_some_and(|l| l.to_lowercase().contains("avoir"))
                {
                    MovementKind::CreditNote
                } else {
                    MovementKind::Payment
                },
            ),
        };
        let dtype = match opt(type_col) {
            Some(t) => match debtor_type(t) {
                Some(t) => t,
                None => {
                    bad(
                        type_col.unwrap_or(0),
                        tf("import.csv.bad_debtor_type", &[("value", &t)]),
                    );
                    continue;
                }
            },
            None => default_type,
        };
        let value = value.abs();
        match which {
            None => {
                let due_date = match opt(due) {
                    Some(s) => match fields::date(&headers[due.unwrap_or(0)], s, fmt) {
                        Ok(d) => d,
                        Err(e) => {
                            bad(due.unwrap_or(0), e.to_string());
                            continue;
                        }
                    },
                    None => {
                        crate::domain::money::calendar::add_days(date, settings.payment_terms_days)
                    }
                };
                if due_date < date {
                    bad(due.unwrap_or(0), tf("import.due_before_issue", &[]));
                    continue;
                }
                let left = match open {
                    Some(i) => match fields::signed_amount(&headers[i], cell(i), mark) {
                        Ok(v) if v < rust_decimal::Decimal::ZERO || v > value => {
                            bad(
                                i,
                                tf(
                                    "import.csv.bad_open",
                                    &[("amount", &crate::i18n::money(value))],
                                ),
                            );
                            continue;
                        }
                        Ok(v) => v,
                        Err(e) => {
                            bad(i, e.to_string());
                            continue;
                        }
                    },
                    None => value,
                };
                let account = Ledger::account_mut(
                    &mut accounts,
                    &mut index,
                    number,
                    if the_name.is_empty() {
                        number.unwrap_or("")
                    } else {
                        the_name
                    },
                    dtype,
                    line,
                );
                if left.is_zero() {
                    account.lettered.push(Lettered {
                        reference: the_ref.to_string(),
                        code: String::new(),
                        date: None,
                        line,
                    });
                    continue;
                }
                account.add_invoice(Invoice {
                    reference: the_ref.to_string(),
                    issued: date,
                    due: due_date,
                    amount: value,
                    label,
                    line,
                });
                if left < value {
                    account.add_movement(Movement {
                        kind: MovementKind::Payment,
                        // Language-neutral: it is the key a later import looks the payment up by.
                        reference: format!("Acompte {the_ref}"),
                        date: settings.today,
                        amount: value - left,
                        invoice: Some(the_ref.to_string()),
                        cumulative: true,
                        label: None,
                        line,
                    });
                }
            }
            Some(kind) => {
                if date > settings.today {
                    bad(
                        issued,
                        tf(
                            "import.future_movement",
                            &[("today", &crate::i18n::date(settings.today))],
                        ),
                    );
                    continue;
                }
                let account = Ledger::account_mut(
                    &mut accounts,
                    &mut index,
                    number,
                    if the_name.is_empty() {
                        number.unwrap_or("")
                    } else {
                        the_name
                    },
                    dtype,
                    line,
                );
                account.add_movement(Movement {
                    kind,
                    reference: the_ref.to_string(),
                    date,
                    amount: value,
                    invoice: opt(invoice_col).map(str::to_string),
                    cumulative: false,
                    label,
                    line,
                });
            }
        }
    }
    progress(total, total);
    if !rejections.is_empty() {
        return Err(rejections);
    }
    Ok(Ledger {
        format: Format::Csv,
        due_assumed: due.is_none(),
        accounts,
        lines: read,
        ignored,
        encoding,
    })
}

fn push(rejections: &mut Vec<Rejection>, line: usize, column: Option<&str>, reason: String) {
    if rejections.len() < MAX_REJECTIONS {
        rejections.push(Rejection {
            line,
            column: column.map(str::to_string),
            reason,
        });
    }
}
