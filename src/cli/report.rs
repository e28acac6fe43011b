//! `recouvre report ageing|stages|collected|steps`: the collection reports as aligned tables that
//! fit 80 columns, or JSON. The figures come from `domain::report`, as in the TUI's reports view.

use rust_decimal::Decimal;

use super::args::{ReportArgs, ReportKind};
use super::format::{fit, rpad, say};
use super::{exit, Ctx, UserError};
use crate::domain::parse::parse_date;
use crate::domain::report::{Bucket, Period, Reports, Row, STEP_WINDOW_DAYS};
use crate::i18n::{count, date, euros, t, tf};
use crate::present::{report_bar, report_dso_line, report_share, report_step_label, stage_label};

/// The number of recent weeks the text form lists (the JSON has every week of the period).
const WEEKS_SHOWN: usize = 13;
/// Width of the proportional bars beside the figures.
const BAR: usize = 20;

pub fn run(ctx: &Ctx, args: &ReportArgs) -> Result<i32, UserError> {
    let from = args
        .from
        .as_deref()
        .map(|s| parse_date("--from", s))
        .transpose()?;
    let to = args
        .to
        .as_deref()
        .map(|s| parse_date("--to", s))
        .transpose()?
        .unwrap_or(ctx.today);
    if from.is_some_and(|f| f > to) {
        return Err(UserError::usage(t("report.error.period")));
    }
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
    let assessed = super::status::assess_each(ctx, &snap.dossiers);
    let rows: Vec<Row> = snap
        .dossiers
        .iter()
        .zip(&assessed)
        .map(|(d, a)| Row {
            state: &d.state,
            debtor: &d.debtor,
            assessment: a,
        })
        .collect();
    let r = Reports::compute(&rows, ctx.today, Period { from, to });
    if args.json {
        let json = match args.kind {
            ReportKind::Ageing => serde_json::to_string_pretty(&r.ageing),
            ReportKind::Stages => serde_json::to_string_pretty(&r.stages),
            ReportKind::Collected => serde_json::to_string_pretty(&serde_json::json!({
                "collected": r.collected,
                "dso": r.dso,
            })),
            ReportKind::Steps => serde_json::to_string_pretty(&r.steps),
        }
        .map_err(|e| UserError::usage(e.to_string()))?;
        std::println!("{json}");
        return Ok(exit::OK);
    }
    match args.kind {
        ReportKind::Ageing => print_ageing(&r),
        ReportKind::Stages => print_stages(&r),
        ReportKind::Collected => print_collected(&r),
        ReportKind::Steps => print_steps(&r),
    }
    Ok(exit::OK)
}

fn period_line(r: &Reports) -> String {
    match r.from {
        Some(f) => tf("report.period", &[("from", &date(f)), ("to", &date(r.to))]),
        None => tf("report.period_to", &[("to", &date(r.to))]),
    }
}

fn print_ageing(r: &Reports) {
    say("", &tf("report.ageing.title", &[("date", &date(r.today))]));
    println!();
    // 20 + 6 × 10 = 80 columns.
    let mut head = fit(t("report.ageing.debtor"), 20);
    for b in Bucket::ALL {
        head.push_str(&rpad(t(&format!("report.bucket.{}", b.slug())), 10));
    }
    head.push_str(&rpad(t("report.total"), 10));
    println!("{head}");
    let line = |name: &str, l: &crate::domain::report::AgeingLine| {
        let mut s = fit(name, 20);
        for a in l.buckets {
            s.push_str(&rpad(&cell(a), 10));
        }
        s.push_str(&rpad(&euros(l.total), 10));
        s
    };
    for d in &r.ageing.debtors {
        println!("{}", line(&d.debtor, d));
    }
    println!("{}", "─".repeat(80));
    println!("{}", line(t("report.total"), &r.ageing.total));
}

/// A zero stays blank, so the eye finds the amounts.
fn cell(a: Decimal) -> String {
    if a.is_zero() {
        "·".into()
    } else {
        euros(a)
    }
}

fn print_stages(r: &Reports) {
    say("", &tf("report.stages.title", &[("date", &date(r.today))]));
    println!();
    println!(
        "{}{}{}  {}",
        fit(t("report.stages.stage"), 26),
        rpad(t("report.stages.dossiers"), 9),
        rpad(t("report.stages.outstanding"), 14),
        t("report.stages.share")
    );
    let max = r
        .stages
        .iter()
        .map(|s| s.outstanding)
        .max()
        .unwrap_or_default();
    for s in &r.stages {
        println!(
            "{}{}{}  {}",
            fit(&stage_label(s.stage), 26),
            rpad(&count(s.dossiers), 9),
            rpad(&euros(s.outstanding), 14),
            report_bar(s.outstanding, max, BAR)
        );
    }
}

fn print_collected(r: &Reports) {
    println!(
        "{}",
        tf("report.collected.title", &[("period", &period_line(r))])
    );
    println!();
    let max = r
        .collected
        .months
        .iter()
        .map(|m| m.amount)
        .max()
        .unwrap_or_default();
    println!(
        "{}{}{}",
        fit(t("report.collected.month"), 16),
        rpad(t("report.collected.payments"), 11),
        rpad(t("report.collected.amount"), 14),
    );
    for m in &r.collected.months {
        println!(
            "{}{}{}  {}",
            fit(&m.start.format("%m/%Y").to_string(), 16),
            rpad(&count(m.payments), 11),
            rpad(&euros(m.amount), 14),
            report_bar(m.amount, max, BAR)
        );
    }
    println!();
    let weeks = &r.collected.weeks[r.collected.weeks.len().saturating_sub(WEEKS_SHOWN)..];
    let max = weeks.iter().map(|m| m.amount).max().unwrap_or_default();
    println!(
        "{}{}{}",
        fit(&tf("report.collected.week", &[("n", &weeks.len())]), 16),
        rpad(t("report.collected.payments"), 11),
        rpad(t("report.collected.amount"), 14),
    );
    for w in weeks {
        println!(
            "{}{}{}  {}",
            fit(&date(w.start), 16),
            rpad(&count(w.payments), 11),
            rpad(&euros(w.amount), 14),
            report_bar(w.amount, max, BAR)
        );
    }
    println!();
    println!(
        "{}",
        tf(
            "report.collected.total",
            &[("amount", &euros(r.collected.total))]
        )
    );
    say("", &report_dso_line(r.dso.as_ref()));
}

fn print_steps(r: &Reports) {
    say(
        "",
        &tf(
            "report.steps.title",
            &[("days", &STEP_WINDOW_DAYS), ("period", &period_line(r))],
        ),
    );
    println!();
    println!(
        "{}{}{}{}{}",
        fit(t("report.steps.step"), 24),
        rpad(t("report.steps.sent"), 10),
        rpad(t("report.steps.paid"), 10),
        rpad(t("report.steps.share"), 10),
        rpad(t("report.steps.amount"), 14),
    );
    for s in &r.steps {
        let share = report_share(s.share);
        println!(
            "{}{}{}{}{}",
            fit(&report_step_label(s.step), 24),
            rpad(&count(s.sent), 10),
            rpad(&count(s.paid), 10),
            rpad(&share, 10),
            rpad(&euros(s.amount), 14),
        );
    }
    println!();
    say("", &tf("report.steps.how", &[("days", &STEP_WINDOW_DAYS)]));
}
