//! `recouvre export --csv|--json`: one row per open item, for spreadsheets and scripts.
//!
//! Every figure comes from the same assessment as `status --json` (`json_dossier`): the item
//! columns from the claim's items, the dossier columns repeated on each of its rows. The
//! columns and their order are stable and listed in the README.

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use crate::cli::args_export::ExportArgs;
use crate::cli::status::{json_dossier, listed_by_default, parse_stage};
use crate::cli::{exit, Ctx, UserError};
use crate::domain::assess::assess;
use crate::domain::parse::format_plain;
use crate::domain::text::printable;
use crate::i18n::tf;

/// One row: an open item of a dossier (or the dossier alone when no item is open). Field
/// names are the CSV header and the JSON keys; `item_*`, `invoice*`, `due_date` and `amount`
/// are the item's, the others the dossier's.
#[derive(Debug, Clone, Serialize)]
struct Row {
    dossier: u64,
    debtor: String,
    customer_number: Option<String>,
    invoice: Option<String>,
    invoice_date: Option<NaiveDate>,
    due_date: Option<NaiveDate>,
    amount: Option<String>,
    item_balance: Option<String>,
    item_days_late: Option<i64>,
    item_accrued: Option<String>,
    item_indemnity: Option<String>,
    stage: &'static str,
    next_action: Option<&'static str>,
    next_action_date: Option<NaiveDate>,
    balance: String,
    penalties: Option<String>,
    interest: Option<String>,
    indemnities: Option<String>,
    costs: Option<String>,
    total_due: Option<String>,
    provisional: bool,
    error: Option<String>,
}

pub fn export(ctx: &Ctx, args: &ExportArgs) -> Result<i32, UserError> {
    let stage = parse_stage(args.stage.as_deref())?;
    let snap = ctx.store.load_all()?;
    for p in &snap.problems {
        eprintln!(
            "recouvre: {}",
            tf(
                "cli.skipped_record",
                &[("key", &p.key), ("reason", &p.reason)]
            )
        );
    }
    // Numbers: `1234.56`, or `1234,56` for a French spreadsheet; text: no control character.
    let fr = args.csv && args.fr;
    let number = |s: String| if fr { s.replace('.', ",") } else { s };
    let text = |s: String| {
        if args.csv {
            printable(&s).into_owned()
        } else {
            s
        }
    };
    let mut dossiers: Vec<_> = snap.dossiers.iter().collect();
    dossiers.sort_by_key(|d| d.state.id);
    let mut rows = Vec::new();
    for d in dossiers {
        let a = assess(&d.state, &d.debtor, &ctx.config, &ctx.rules, ctx.today);
        if !(args.closed || stage.is_some() || listed_by_default(d, &a))
            || stage.is_some_and(|s| s != a.stage)
        {
            continue;
        }
        let j = json_dossier(d, &a);
        let known = a.money_error.is_none();
        let money = |v: Decimal| number(format_plain(v));
        let base = Row {
            dossier: j.id,
            debtor: text(j.debtor.to_string()),
            customer_number: j.customer_number.map(|c| text(c.to_string())),
            invoice: None,
            invoice_date: None,
            due_date: None,
            amount: None,
            item_balance: None,
            item_days_late: None,
            item_accrued: None,
            item_indemnity: None,
            stage: j.stage,
            next_action: j.next_action,
            next_action_date: j.next_action_date,
            balance: money(j.balance),
            penalties: j.penalties.map(money),
            interest: j.interest.map(money),
            indemnities: j.indemnities.map(money),
            costs: j.costs.map(money),
            total_due: j.total_due.map(money),
            provisional: j.provisional,
            error: j.error.map(text),
        };
        let mut items = a.claim.open_items().peekable();
        if items.peek().is_none() {
            rows.push(base);
            continue;
        }
        for i in items {
            rows.push(Row {
                invoice: Some(text(i.reference.clone())),
                invoice_date: Some(i.issued),
                due_date: Some(i.due),
                amount: Some(money(i.amount)),
                item_balance: Some(money(i.open)),
                item_days_late: Some(i.days_late),
                item_accrued: known.then(|| money(i.accrued)),
                item_indemnity: known.then(|| money(i.indemnity)),
                ..base.clone()
            });
        }
    }
    if args.json {
        // Through the shadowed println!, which escapes the C1 controls JSON lets through.
        println!(
            "{}",
            serde_json::to_string_pretty(&rows).unwrap_or_else(|_| "[]".into())
        );
        return Ok(exit::OK);
    }
    let mut w = csv::WriterBuilder::new()
        .delimiter(if fr { b';' } else { b',' })
        .terminator(csv::Terminator::Any(b'\n'))
        .from_writer(Vec::new());
    let fail = |e: &dyn std::fmt::Display| UserError {
        code: exit::STORAGE,
        message: tf("export.failed", &[("reason", e)]),
    };
    if rows.is_empty() {
        // serde writes the header with the first row: an empty export still has it.
        w.write_record(COLUMNS).map_err(|e| fail(&e))?;
    }
    for r in &rows {
        w.serialize(r).map_err(|e| fail(&e))?;
    }
    let bytes = w.into_inner().map_err(|e| fail(&e))?;
    print!("{}", String::from_utf8_lossy(&bytes));
    Ok(exit::OK)
}

/// The header, for an export with no row (the field names of [`Row`], in order).
const COLUMNS: [&str; 22] = [
    "dossier",
    "debtor",
    "customer_number",
    "invoice",
    "invoice_date",
    "due_date",
    "amount",
    "item_balance",
    "item_days_late",
    "item_accrued",
    "item_indemnity",
    "stage",
    "next_action",
    "next_action_date",
    "balance",
    "penalties",
    "interest",
    "indemnities",
    "costs",
    "total_due",
    "provisional",
    "error",
];
