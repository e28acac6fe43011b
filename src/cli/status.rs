//! `recouvre status`: the portfolio overview, the actions due, and the forms for scripts (JSON
//! with stable field names, TSV, bare ids).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::args::StatusArgs;
use super::output::{pad, print_dossier_block, rpad, when};
use super::{exit, Ctx, UserError};
use crate::domain::assess::{assess, Assessment, Urgency};
use crate::domain::fold::Stage;
use crate::domain::parse::format_plain;
use crate::domain::summary::matches;
use crate::i18n::{count, date, money, t, tf};
use crate::model::LoadedDossier;
use crate::present::{next_action_label, stage_label};

/// One dossier in `status --json`. Field names and meanings are stable (see README).
#[derive(Debug, Serialize)]
pub struct JsonDossier<'a> {
    pub id: u64,
    pub debtor: &'a str,
    pub customer_number: Option<&'a str>,
    pub debtor_type: &'static str,
    pub stage: &'static str,
    /// Principal still open, due or not (`principal` + `not_yet_due`).
    #[serde(serialize_with = "crate::domain::parse::plain::serialize")]
    pub balance: Decimal,
    /// Everything the debtor owes: `total_due` + `not_yet_due` ("Solde" on screen).
    #[serde(serialize_with = "crate::domain::parse::plain::serialize")]
    pub outstanding: Decimal,
    pub days_past_due: i64,
    pub next_action: Option<&'static str>,
    #[serde(serialize_with = "crate::domain::stamp::opt_date::serialize")]
    pub next_action_date: Option<NaiveDate>,
    pub last_event: Option<&'static str>,
    #[serde(serialize_with = "crate::domain::stamp::opt_date::serialize")]
    pub last_event_date: Option<NaiveDate>,
    pub assigned_to: Option<&'a str>,
    /// Amounts owed at `--today` (decimal strings). `principal` is what is past due; invoices
    /// not yet due are in `not_yet_due` and never in `total_due`. When the rates cannot be
    /// applied (`error`), the accessories and `total_due` are null.
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub principal: Option<Decimal>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub not_yet_due: Option<Decimal>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub penalties: Option<Decimal>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub indemnities: Option<Decimal>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub interest: Option<Decimal>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub costs: Option<Decimal>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub total_due: Option<Decimal>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize_opt")]
    pub daily_growth: Option<Decimal>,
    /// Some figure uses a rate missing from the table (last known rate used).
    pub provisional: bool,
    /// Every line of the amounts, negative ones included: the lines of each kind add up to
    /// the total of that kind.
    pub breakdown: Vec<JsonLine<'a>>,
    pub error: Option<String>,
}

/// One accrual or fixed line of the amounts owed.
#[derive(Debug, Serialize)]
pub struct JsonLine<'a> {
    pub kind: &'static str,
    pub item: &'a str,
    #[serde(serialize_with = "crate::domain::stamp::opt_date::serialize")]
    pub from: Option<NaiveDate>,
    #[serde(serialize_with = "crate::domain::stamp::opt_date::serialize")]
    pub to: Option<NaiveDate>,
    pub days: Option<i64>,
    pub rate: Option<String>,
    #[serde(serialize_with = "crate::domain::parse::plain::serialize")]
    pub amount: Decimal,
    /// For a negative line: payment, credit_note, waiver or covered_by_indemnities.
    pub settled_by: Option<&'static str>,
}

impl JsonDossier<'_> {
    /// This dossier as an element of `status --json`'s array: exactly what serde_json prints of
    /// it there, with DEL and C1 escaped (`cli::json`). The fields are destructured so that a
    /// field added to the struct and not written here does not compile.
    pub fn element(&self) -> String {
        let JsonDossier {
            id,
            debtor,
            customer_number,
            debtor_type,
            stage,
            balance,
            outstanding,
            days_past_due,
            next_action,
            next_action_date,
            last_event,
            last_event_date,
            assigned_to,
            principal,
            not_yet_due,
            penalties,
            indemnities,
            interest,
            costs,
            total_due,
            daily_growth,
            provisional,
            breakdown,
            error,
        } = self;
        let mut w = super::json::Element::default();
        w.open_object();
        w.key("id");
        w.int(*id);
        for (key, value) in [
            ("debtor", Some(*debtor)),
            ("customer_number", *customer_number),
            ("debtor_type", Some(debtor_type)),
            ("stage", Some(stage)),
        ] {
            w.key(key);
            w.opt_str(value);
        }
        for (key, value) in [("balance", balance), ("outstanding", outstanding)] {
            w.key(key);
            w.plain(Some(*value));
        }
        w.key("days_past_due");
        w.int(*days_past_due);
        w.key("next_action");
        w.opt_str(*next_action);
        w.key("next_action_date");
        w.date(*next_action_date);
        w.key("last_event");
        w.opt_str(*last_event);
        w.key("last_event_date");
        w.date(*last_event_date);
        w.key("assigned_to");
        w.opt_str(*assigned_to);
        for (key, value) in [
            ("principal", principal),
            ("not_yet_due", not_yet_due),
            ("penalties", penalties),
            ("indemnities", indemnities),
            ("interest", interest),
            ("costs", costs),
            ("total_due", total_due),
            ("daily_growth", daily_growth),
        ] {
            w.key(key);
            w.plain(*value);
        }
        w.key("provisional");
        w.bool(*provisional);
        w.key("breakdown");
        w.open_array();
        for line in breakdown {
            let JsonLine {
                kind,
                item,
                from,
                to,
                days,
                rate,
                amount,
                settled_by,
            } = line;
            w.item();
            w.open_object();
            w.key("kind");
            w.opt_str(Some(kind));
            w.key("item");
            w.opt_str(Some(item));
            w.key("from");
            w.date(*from);
            w.key("to");
            w.date(*to);
            w.key("days");
            match days {
                Some(n) => w.int(*n),
                None => w.null(),
            }
            w.key("rate");
            w.opt_str(rate.as_deref());
            w.key("amount");
            w.plain(Some(*amount));
            w.key("settled_by");
            w.opt_str(*settled_by);
            w.close_object();
        }
        w.close_array();
        w.key("error");
        w.opt_str(error.as_deref());
        w.close_object();
        w.finish()
    }
}

/// The JSON object of one dossier, from its assessment (public for the agreement tests).
pub fn json_dossier<'a>(d: &'a LoadedDossier, a: &'a Assessment) -> JsonDossier<'a> {
    let c = &a.claim;
    let known = a.money_error.is_none();
    let f = |v: Decimal| known.then_some(v);
    JsonDossier {
        id: d.state.id,
        debtor: &d.debtor.name,
        customer_number: d.debtor.customer_number.as_deref(),
        debtor_type: match d.debtor.debtor_type {
            crate::domain::model::DebtorType::B2b => "b2b",
            crate::domain::model::DebtorType::B2c => "b2c",
        },
        stage: a.stage.slug(),
        balance: a.balance(),
        outstanding: a.outstanding(),
        days_past_due: a.days_past_due,
        next_action: a.next.as_ref().map(|n| n.kind.slug()),
        next_action_date: a.next.as_ref().map(|n| n.date),
        last_event: d.state.last_event.map(|e| e.2),
        last_event_date: d.state.last_event.map(|e| e.1),
        assigned_to: d.state.assigned.as_deref(),
        principal: Some(c.principal),
        not_yet_due: Some(c.not_yet_due),
        penalties: f(c.penalties),
        indemnities: f(c.indemnities),
        interest: f(c.interest),
        costs: f(c.costs),
        total_due: f(c.total_due),
        daily_growth: f(c.daily_growth),
        provisional: c.provisional,
        breakdown: c
            .lines
            .iter()
            .map(|l| JsonLine {
                kind: l.kind.slug(),
                item: &l.item,
                from: l.from,
                to: l.to,
                days: l.days,
                rate: l.rate.map(|r| r.normalize().to_string()),
                amount: l.amount,
                settled_by: l.settled_by.map(|s| s.slug()),
            })
            .collect(),
        error: a.money_error.as_ref().map(|e| e.to_string()),
    }
}

/// The stage named by `--stage` (the names of `status --json`'s `stage`), or the usage error
/// listing them. Shared by `status` and `export`.
pub fn parse_stage(arg: Option<&str>) -> Result<Option<Stage>, UserError> {
    match arg {
        Some(s) => Some(Stage::parse(s).ok_or_else(|| {
            let all: Vec<&str> = Stage::ALL.iter().map(|s| s.slug()).collect();
            UserError::usage(tf(
                "cli.bad_choice",
                &[
                    ("field", &"--stage"),
                    ("value", &s),
                    ("accepted", &all.join(", ")),
                ],
            ))
        }))
        .transpose(),
        None => Ok(None),
    }
}

/// Listed without `--closed`: an open dossier, or one paid in full but not closed yet.
pub fn listed_by_default(d: &LoadedDossier, a: &Assessment) -> bool {
    !a.stage.is_closed() || (a.stage == Stage::Paid && d.state.closed.is_none())
}

pub fn print_overview(ctx: &Ctx, args: &StatusArgs) -> Result<i32, UserError> {
    let stage_filter = parse_stage(args.stage.as_deref())?;
    let today = ctx.today;
    let keep = |d: &LoadedDossier, s: &Assessment| {
        let open = listed_by_default(d, s);
        (args.closed || args.query.is_some() || stage_filter.is_some() || open)
            && stage_filter.is_none_or(|f| f == s.stage)
            && (!args.overdue || s.action_due(today))
            && (!args.mine || d.state.assigned.as_deref() == Some(ctx.store.user()))
            && args
                .query
                .as_deref()
                .is_none_or(|q| matches(q, &d.state, &d.debtor))
    };
    let form = if args.quiet {
        Some(Form::Ids)
    } else if args.format == Some(super::args::StatusFormat::Tsv) {
        Some(Form::Tsv)
    } else if args.json || args.format == Some(super::args::StatusFormat::Json) {
        Some(Form::Json)
    } else {
        None
    };
    if let Some(form) = form {
        // Each line is written on the thread that assessed its dossier, and only the lines are
        // kept: holding every dossier and its assessment until the end took 840 MB and a second
        // pass for 100 000 dossiers.
        let mut lines = assessed_map(ctx, args, |d, a| {
            keep(&d, &a).then(|| Listed {
                urgency: a.urgency(),
                text: form.render(&d, &a),
            })
        })?;
        lines.sort_by_key(|l| l.urgency);
        form.print(&lines);
        return Ok(if lines.is_empty() && args.query.is_some() {
            exit::NO_MATCH
        } else {
            exit::OK
        });
    }
    // No line of the overview reads an event: they are dropped on the assessing threads. A
    // query's dossier blocks name the last event.
    let assessed = assessed_map(ctx, args, |d, a| {
        keep(&d, &a).then(|| {
            let d = match args.query {
                Some(_) => d,
                None => LoadedDossier {
                    events: Vec::new(),
                    ..d
                },
            };
            (a.urgency(), d, a)
        })
    })?;
    let mut rows = assessed;
    rows.sort_by_key(|(urgency, ..)| *urgency);
    let rows: Vec<(LoadedDossier, Assessment)> = rows.into_iter().map(|(_, d, a)| (d, a)).collect();
    if args.query.is_some() {
        if rows.is_empty() {
            println!(
                "{}",
                tf(
                    "cli.no_match",
                    &[("query", &args.query.as_deref().unwrap_or(""))]
                )
            );
            return Ok(exit::NO_MATCH);
        }
        for (d, s) in &rows {
            print_dossier_block(ctx, d, s);
        }
        return Ok(exit::OK);
    }
    // Portfolio overview.
    println!("{}", tf("cli.overview_title", &[("date", &date(today))]));
    let total: Decimal = rows
        .iter()
        .map(|(_, s)| s.outstanding().max(Decimal::ZERO))
        .sum();
    println!(
        "{}",
        tf(
            "cli.overview_total",
            &[("total", &money(total)), ("count", &count(rows.len()))]
        )
    );
    println!();
    println!(
        "  {}  {}  {}",
        pad(t("cli.col_stage"), 24),
        rpad(t("cli.col_count"), 8),
        rpad(t("cli.col_amount"), 14)
    );
    for stage in Stage::ALL {
        let of: Vec<&Assessment> = rows
            .iter()
            .filter(|(_, s)| s.stage == stage)
            .map(|(_, s)| s)
            .collect();
        if of.is_empty() {
            continue;
        }
        let amount: Decimal = of.iter().map(|s| s.outstanding()).sum();
        println!(
            "  {}  {}  {}",
            pad(&stage_label(stage), 24),
            rpad(&count(of.len()), 8),
            rpad(&money(amount), 14)
        );
    }
    let due: Vec<&(LoadedDossier, Assessment)> =
        rows.iter().filter(|(_, s)| s.action_due(today)).collect();
    let overdue = due
        .iter()
        .filter(|(_, s)| s.next.as_ref().is_some_and(|n| n.date < today))
        .count();
    println!();
    println!(
        "{}",
        tf(
            "cli.actions_due",
            &[("count", &count(due.len())), ("overdue", &count(overdue))]
        )
    );
    print_actions(&due, today);
    Ok(exit::OK)
}

/// The actions due, one line each, fitted to the terminal: the debtor's name and the action's
/// label give way (with `…`), the id, the amount and the delay never do.
fn print_actions(due: &[&(LoadedDossier, Assessment)], today: NaiveDate) {
    use super::format::{fit, lpad, share, terminal_width, width};
    let rows: Vec<[String; 5]> = due
        .iter()
        .filter_map(|(d, s)| {
            s.next.as_ref().map(|n| {
                [
                    format!("#{}", d.state.id),
                    d.debtor.name.clone(),
                    next_action_label(n),
                    money(s.total_due()),
                    when(n.date, today),
                ]
            })
        })
        .collect();
    let col = |i: usize| rows.iter().map(|r| width(&r[i])).max().unwrap_or(0);
    let (id_w, amount_w, when_w) = (col(0).max(5), col(3), col(4));
    // Two spaces before the first column and between columns.
    let fixed = 2 + id_w + 2 + 2 + 2 + amount_w + 2 + when_w;
    let room = terminal_width().saturating_sub(fixed);
    let w = share(room, &[col(1).min(30), col(2).min(42)], &[10, 12]);
    for r in &rows {
        let line = format!(
            "  {}  {}  {}  {}  {}",
            rpad(&r[0], id_w),
            fit(&r[1], w[0]),
            fit(&r[2], w[1]),
            rpad(&r[3], amount_w),
            lpad(&r[4], when_w)
        );
        println!("{}", line.trim_end());
    }
}

/// Every dossier assessed at `--today` with the user's rules, on every core.
pub fn assess_each(ctx: &Ctx, dossiers: &[LoadedDossier]) -> Vec<Assessment> {
    let (config, rules, today) = (&ctx.config, &ctx.rules, ctx.today);
    crate::domain::par::map(dossiers.iter().collect(), |d| {
        assess(&d.state, &d.debtor, config, rules, today)
    })
}

/// Every dossier `status` reads, assessed at `--today` with the user's rules and passed through
/// `f`, in dossier order; `f`'s `None` is left out. A query reads the search index and the
/// digests of what it finds, not every dossier. The whole portfolio is assessed on the decoding
/// threads as each dossier is folded, and `f` runs there too, so that what it drops (the events,
/// at 100 000 dossiers 1 GB) is never all held at once.
fn assessed_map<T: Send>(
    ctx: &Ctx,
    args: &StatusArgs,
    f: impl Fn(LoadedDossier, Assessment) -> Option<T> + Sync,
) -> Result<Vec<T>, UserError> {
    let (config, rules, today) = (&ctx.config, &ctx.rules, ctx.today);
    let one = |d: LoadedDossier| {
        let a = assess(&d.state, &d.debtor, config, rules, today);
        f(d, a)
    };
    let (items, problems) = match args.query.as_deref() {
        Some(q) => {
            let snap = ctx.store.find(&crate::domain::summary::Query::new(q))?;
            (crate::domain::par::map(snap.dossiers, one), snap.problems)
        }
        None => {
            let m = ctx.store.load_all_map(one)?;
            (m.items, m.problems)
        }
    };
    for p in &problems {
        eprintln!(
            "recouvre: {}",
            tf(
                "cli.skipped_record",
                &[("key", &p.key), ("reason", &p.reason)]
            )
        );
    }
    Ok(items.into_iter().flatten().collect())
}

/// The forms of `status` for scripts.
#[derive(Clone, Copy)]
enum Form {
    /// `--quiet`: the ids alone.
    Ids,
    /// `--format tsv`: a header, then one row per dossier; columns documented in the README.
    Tsv,
    /// `--json`: an array, exactly as `serde_json::to_string_pretty` prints it whole.
    Json,
}

/// One dossier's line (or JSON element) of a listing for scripts, and where it sorts.
struct Listed {
    urgency: Urgency,
    text: String,
}

const TSV_COLUMNS: [&str; 14] = [
    "id",
    "debtor",
    "customer_number",
    "debtor_type",
    "stage",
    "outstanding",
    "balance",
    "total_due",
    "days_past_due",
    "next_action",
    "next_action_date",
    "last_event",
    "last_event_date",
    "assigned_to",
];

impl Form {
    /// The text of one dossier, escaped as every line the CLI prints (`printable`).
    fn render(self, d: &LoadedDossier, a: &Assessment) -> String {
        match self {
            Form::Ids => d.state.id.to_string(),
            Form::Tsv => {
                let j = json_dossier(d, a);
                let opt = |v: Option<&str>| v.unwrap_or_default().to_string();
                let day = |v: Option<NaiveDate>| v.map(|d| d.to_string()).unwrap_or_default();
                let row = super::format::tsv_row(&[
                    j.id.to_string(),
                    j.debtor.to_string(),
                    opt(j.customer_number),
                    j.debtor_type.to_string(),
                    j.stage.to_string(),
                    format_plain(j.outstanding),
                    format_plain(j.balance),
                    j.total_due.map(format_plain).unwrap_or_default(),
                    j.days_past_due.to_string(),
                    opt(j.next_action),
                    day(j.next_action_date),
                    opt(j.last_event),
                    day(j.last_event_date),
                    opt(j.assigned_to),
                ]);
                match crate::domain::text::printable(&row) {
                    std::borrow::Cow::Borrowed(_) => row,
                    std::borrow::Cow::Owned(escaped) => escaped,
                }
            }
            Form::Json => json_dossier(d, a).element(),
        }
    }

    fn print(self, lines: &[Listed]) {
        use std::io::Write;
        let mut out = std::io::BufWriter::new(std::io::stdout().lock());
        // A closed pipe (`| head`): nothing more to say, and nobody to say it to.
        let _ = match self {
            Form::Ids => lines.iter().try_for_each(|l| writeln!(out, "{}", l.text)),
            Form::Tsv => writeln!(
                out,
                "{}",
                super::format::tsv_row(&TSV_COLUMNS.map(String::from))
            )
            .and_then(|()| lines.iter().try_for_each(|l| writeln!(out, "{}", l.text))),
            Form::Json if lines.is_empty() => writeln!(out, "[]"),
            Form::Json => writeln!(out, "[")
                .and_then(|()| {
                    lines.iter().enumerate().try_for_each(|(i, l)| {
                        let sep = if i + 1 < lines.len() { "," } else { "" };
                        writeln!(out, "{}{sep}", l.text)
                    })
                })
                .and_then(|()| writeln!(out, "]")),
        }
        .and_then(|()| out.flush());
    }
}
