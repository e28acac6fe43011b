//! Command-line grammar. Help texts come from the catalogue, so `--help` speaks French by default.

use std::path::PathBuf;

use chrono::NaiveDate;
use clap::{Args, Parser, Subcommand};

use crate::i18n::t;

fn h(key: &str) -> String {
    t(key).to_string()
}

fn parse_today(s: &str) -> Result<NaiveDate, String> {
    crate::domain::parse::parse_date("--today", s).map_err(|e| e.to_string())
}

#[derive(Debug, Parser)]
#[command(name = "recouvre", version, about = h("cli.about"), long_about = None, after_help = h("shell.exit_codes"))]
pub struct Cli {
    // RECOUVRE_DB is read in `Ctx::new`, not by clap: `--demo` must tell it from an explicit `--db`.
    #[arg(long, global = true, value_name = "PATH", help = h("cli.help.db"))]
    pub db: Option<PathBuf>,
    #[arg(long, global = true, value_name = "FILE", help = h("cli.help.config"))]
    pub config: Option<PathBuf>,
    #[arg(long, global = true, env = "RECOUVRE_TODAY", value_name = "DATE", value_parser = parse_today, help = h("cli.help.today"))]
    pub today: Option<NaiveDate>,
    #[arg(long, global = true, value_name = "fr|en", help = h("cli.help.lang"))]
    pub lang: Option<String>,
    #[arg(long, global = true, help = h("cli.help.demo"))]
    pub demo: bool,
    #[command(subcommand)]
    pub command: Option<Command>,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    #[command(about = h("cli.cmd.init"))]
    Init {
        #[arg(value_name = "PATH", help = h("cli.help.init_path"))]
        path: Option<PathBuf>,
        #[arg(long, requires = "group", help = h("shared.help_shared"))]
        shared: bool,
        #[arg(long, value_name = "GROUP", requires = "shared", help = h("shared.help_group"))]
        group: Option<String>,
    },
    #[command(about = h("cli.cmd.status"))]
    Status(StatusArgs),
    #[command(about = h("cli.cmd.add"))]
    Add(Box<AddArgs>),
    #[command(name = "add-item", about = h("cli.cmd.add_item"))]
    AddItem {
        #[arg(help = h("cli.help.id"))]
        id: String,
        #[command(flatten)]
        item: ItemArgs,
    },
    #[command(about = h("cli.cmd.log"))]
    Log {
        #[arg(help = h("cli.help.id"))]
        id: String,
        // Global within `log` so that `log 1 payment --amount 10 --date 05/03/2026` works too.
        #[arg(long, global = true, value_name = "DATE", help = h("cli.help.event_date"))]
        date: Option<String>,
        #[command(subcommand)]
        event: LogEvent,
    },
    #[command(about = h("cli.cmd.edit"))]
    Edit(EditArgs),
    #[command(about = h("cli.cmd.batch"))]
    Batch {
        #[command(subcommand)]
        what: BatchWhat,
    },
    #[command(about = h("cli.cmd.show"))]
    Show {
        #[arg(help = h("cli.help.id"))]
        id: String,
    },
    #[command(about = h("cli.cmd.letter"))]
    Letter(LetterArgs),
    /// Regenerates screenshots/ from the real rendering code on a fresh demo database.
    #[command(hide = true)]
    Screenshots {
        #[arg(long, default_value = "screenshots")]
        out: std::path::PathBuf,
        #[arg(long, default_value_t = 160)]
        width: u16,
        #[arg(long, default_value_t = 42)]
        height: u16,
    },
    #[command(about = h("report.help.cmd"))]
    Report(ReportArgs),
    #[command(about = h("import.cmd"))]
    Import(super::import_args::ImportArgs),
    #[command(about = h("export.cmd"))]
    Export(super::args_export::ExportArgs),
    #[command(about = h("backup.cmd"))]
    Backup(super::args_export::BackupArgs),
    #[command(about = h("backup.cmd_restore"))]
    Restore(super::args_export::RestoreArgs),
    #[command(about = h("cli.cmd.rates"))]
    Rates {
        #[arg(long, short, help = h("cli.help.verbose"))]
        verbose: bool,
    },
    #[command(about = h("cli.cmd.undo"))]
    Undo {
        #[arg(help = h("cli.help.id"))]
        id: String,
    },
    #[command(about = h("doctor.help"))]
    Doctor {
        #[arg(long, help = h("doctor.help_repair"))]
        repair: bool,
    },
    #[command(about = h("shell.cmd.config"))]
    Config {
        #[command(subcommand)]
        action: ConfigAction,
    },
    #[command(about = h("shell.cmd.completions"))]
    Completions {
        #[arg(value_name = "SHELL", help = h("shell.help.shell"))]
        shell: clap_complete::Shell,
    },
    #[command(about = h("shell.cmd.man"))]
    Man,
    /// Dossier ids and debtor names for the shell's completion (`--describe`: "id<TAB>name").
    #[command(name = "complete-ids", hide = true)]
    CompleteIds {
        #[arg(long)]
        describe: bool,
    },
}

#[derive(Debug, Subcommand)]
pub enum ConfigAction {
    #[command(about = h("shell.cmd.config_init"))]
    Init,
}

/// How `status` prints: aligned text for people, JSON or TSV for scripts.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum StatusFormat {
    Text,
    Json,
    Tsv,
}

/// Which collection report `report` prints.
#[derive(Debug, Clone, Copy, PartialEq, Eq, clap::ValueEnum)]
pub enum ReportKind {
    Ageing,
    Stages,
    Collected,
    Steps,
}

#[derive(Debug, Args)]
pub struct ReportArgs {
    #[arg(value_name = "ageing|stages|collected|steps", value_enum, help = h("report.help.kind"))]
    pub kind: ReportKind,
    #[arg(long, help = h("report.help.json"))]
    pub json: bool,
    #[arg(long, value_name = "DATE", help = h("report.help.from"))]
    pub from: Option<String>,
    #[arg(long, value_name = "DATE", help = h("report.help.to"))]
    pub to: Option<String>,
}

#[derive(Debug, Args)]
pub struct EditArgs {
    #[arg(help = h("cli.help.id"))]
    pub id: String,
    #[arg(long, value_name = "PERCENT", conflicts_with = "no_rate", help = h("cli.help.rate"))]
    pub rate: Option<String>,
    #[arg(long = "no-rate", help = h("cli.help.no_rate"))]
    pub no_rate: bool,
    #[arg(long, value_name = "TEXT", conflicts_with = "no_terms", help = h("cli.help.terms"))]
    pub terms: Option<String>,
    #[arg(long = "no-terms", help = h("cli.help.no_terms"))]
    pub no_terms: bool,
    #[arg(long = "collective-proceedings", value_name = "yes|no", help = h("cli.help.collective"))]
    pub collective_proceedings: Option<String>,
    #[arg(long, value_name = "TEXT", help = h("cli.help.edit_proof"))]
    pub proof: Option<String>,
    #[arg(long, value_name = "REF", requires = "proof", help = h("cli.help.edit_invoice"))]
    pub invoice: Option<String>,
}

#[derive(Debug, Args)]
pub struct LetterArgs {
    #[arg(value_name = "ID", help = h("cli.help.id"), required_unless_present = "list")]
    pub id: Option<String>,
    #[arg(long, help = h("cli.help.letter_list"))]
    pub list: bool,
    #[arg(long, help = h("cli.help.letter_next"), conflicts_with = "event")]
    pub next: bool,
    #[arg(long, value_name = "N", help = h("cli.help.letter_event"))]
    pub event: Option<u32>,
    #[arg(long, value_name = "STEP", requires = "next", help = h("cli.help.letter_step"))]
    pub step: Option<String>,
    #[arg(long, value_name = "CHANNEL", requires = "next", help = h("cli.help.channel"))]
    pub channel: Option<String>,
    #[arg(long = "deadline-days", value_name = "N", requires = "next", help = h("cli.help.deadline_days"))]
    pub deadline_days: Option<i64>,
    #[arg(long, value_name = "FILE", help = h("cli.help.out"))]
    pub out: Option<std::path::PathBuf>,
    #[arg(long, value_name = "FILE", help = h("pdf.help"))]
    pub pdf: Option<std::path::PathBuf>,
    #[arg(long, conflicts_with_all = ["next", "pdf"], help = h("cli.help.eml"))]
    pub eml: bool,
}

#[derive(Debug, Args)]
pub struct StatusArgs {
    #[arg(value_name = "QUERY", help = h("cli.help.query"))]
    pub query: Option<String>,
    #[arg(long, value_name = "STAGE", help = h("cli.help.stage"))]
    pub stage: Option<String>,
    #[arg(long, help = h("cli.help.overdue"))]
    pub overdue: bool,
    #[arg(long, help = h("cli.help.closed"))]
    pub closed: bool,
    #[arg(long, help = h("cli.help.json"))]
    pub json: bool,
    #[arg(long, value_name = "text|json|tsv", value_enum, conflicts_with = "json", help = h("shell.help.format"))]
    pub format: Option<StatusFormat>,
    #[arg(long, short, help = h("shell.help.quiet"))]
    pub quiet: bool,
    #[arg(long, help = h("shared.help_mine"))]
    pub mine: bool,
}

#[derive(Debug, Args)]
pub struct ItemArgs {
    #[arg(long, value_name = "REF", help = h("cli.help.invoice"))]
    pub invoice: String,
    #[arg(long, value_name = "AMOUNT", help = h("cli.help.amount"))]
    pub amount: String,
    #[arg(long, value_name = "DATE", help = h("cli.help.issued"))]
    pub issued: String,
    #[arg(long, value_name = "DATE", help = h("cli.help.due"))]
    pub due: String,
    #[arg(long, value_name = "TEXT", help = h("cli.help.description"))]
    pub description: Option<String>,
    #[arg(long, value_name = "TEXT", help = h("cli.help.proof"))]
    pub proof: Option<String>,
}

#[derive(Debug, Args)]
pub struct AddArgs {
    #[arg(long, value_name = "NAME", help = h("cli.help.debtor"))]
    pub debtor: String,
    #[arg(long, conflicts_with = "b2c", required_unless_present = "b2c", help = h("cli.help.b2b"))]
    pub b2b: bool,
    #[arg(long, help = h("cli.help.b2c"))]
    pub b2c: bool,
    #[command(flatten)]
    pub item: ItemArgs,
    #[arg(long, value_name = "invoices|refund|rent", help = h("cli.help.kind"))]
    pub kind: Option<String>,
    #[arg(long = "address", value_name = "LINE", help = h("cli.help.address"))]
    pub address: Vec<String>,
    #[arg(long, value_name = "TEXT", help = h("cli.help.contact"))]
    pub contact: Option<String>,
    #[arg(long, value_name = "EMAIL", help = h("cli.help.email"))]
    pub email: Option<String>,
    #[arg(long, value_name = "PHONE", help = h("cli.help.phone"))]
    pub phone: Option<String>,
    #[arg(long, value_name = "NUMBER", help = h("cli.help.customer"))]
    pub customer: Option<String>,
    #[arg(long, value_name = "SIREN", help = h("cli.help.siren"))]
    pub siren: Option<String>,
    #[arg(long, value_name = "b2b|b2c|rent", help = h("cli.help.profile"))]
    pub profile: Option<String>,
    #[arg(long, value_name = "fr|be|nl", help = h("cli.help.jurisdiction"))]
    pub jurisdiction: Option<String>,
    #[arg(long, value_name = "PERCENT", help = h("cli.help.rate"))]
    pub rate: Option<String>,
    #[arg(long, value_name = "TEXT", help = h("cli.help.terms"))]
    pub terms: Option<String>,
    #[arg(long = "refund-reason", value_name = "TEXT", help = h("cli.help.refund_reason"))]
    pub refund_reason: Option<String>,
}

#[derive(Debug, Subcommand)]
pub enum LogEvent {
    #[command(about = h("cli.log.relance"))]
    Relance {
        #[arg(long, value_name = "CHANNEL", help = h("cli.help.channel"))]
        channel: Option<String>,
        #[arg(long, value_name = "1-3", help = h("cli.help.level"))]
        level: Option<u8>,
        #[arg(long, help = h("cli.help.force"))]
        force: bool,
        #[arg(long, help = h("cli.help.send"))]
        send: bool,
        #[arg(long = "dry-run", conflicts_with = "send", help = h("cli.help.send_dry_run"))]
        dry_run: bool,
        #[arg(long, requires = "send", help = h("cli.help.resend"))]
        resend: bool,
    },
    #[command(about = h("cli.log.payment"))]
    Payment {
        #[arg(long, value_name = "AMOUNT", help = h("cli.help.amount"))]
        amount: String,
        #[arg(long, value_name = "TEXT", help = h("cli.help.reference"))]
        reference: Option<String>,
        #[arg(long, value_name = "REF", help = h("cli.help.for_invoice"))]
        invoice: Option<String>,
    },
    #[command(about = h("cli.log.contestation"))]
    Contestation {
        #[arg(long, value_name = "TEXT", help = h("cli.help.reason"))]
        reason: String,
        #[arg(long, value_name = "TEXT", help = h("cli.help.text"))]
        text: Option<String>,
        #[arg(long, value_name = "DATE", help = h("cli.help.review"))]
        review: Option<String>,
    },
    #[command(about = h("cli.log.resolve"))]
    Resolve {
        #[arg(value_name = "upheld|rejected|settled", help = h("cli.help.outcome"))]
        outcome: String,
        #[arg(long, value_name = "TEXT", help = h("cli.help.text"))]
        note: Option<String>,
    },
    #[command(about = h("cli.log.promise"))]
    Promise {
        #[arg(long, value_name = "AMOUNT", help = h("cli.help.amount"))]
        amount: String,
        #[arg(long, value_name = "DATE", help = h("cli.help.until"))]
        until: String,
    },
    #[command(about = h("cli.log.plan"))]
    Plan {
        #[arg(long = "instalment", value_name = "DATE=AMOUNT", required = true, help = h("cli.help.instalment"))]
        instalments: Vec<String>,
    },
    #[command(about = h("cli.log.notice"))]
    Notice {
        #[arg(long, value_name = "lrar|commissaire|avocat", help = h("cli.help.notice_channel"))]
        channel: String,
        #[arg(long = "deadline-days", value_name = "N", help = h("cli.help.deadline_days"))]
        deadline_days: Option<i64>,
        #[arg(long, value_name = "NUMBER", help = h("cli.help.tracking"))]
        tracking: Option<String>,
        #[arg(long, help = h("cli.help.force"))]
        force: bool,
    },
    #[command(name = "ar", about = h("cli.log.ar"))]
    Ar {
        #[arg(long, value_name = "NUMBER", help = h("cli.help.tracking"))]
        tracking: Option<String>,
    },
    #[command(about = h("cli.log.injonction"))]
    Injonction {
        #[arg(value_name = "STEP", help = h("cli.help.step"))]
        step: Option<String>,
        #[arg(long, value_name = "TEXT", help = h("cli.help.text"))]
        note: Option<String>,
    },
    #[command(about = h("cli.log.handover"))]
    Handover {
        #[arg(value_name = "enforcement|agency", help = h("cli.help.handover"))]
        to: String,
        #[arg(long, value_name = "NAME", help = h("cli.help.handover_name"))]
        name: Option<String>,
    },
    #[command(about = h("cli.log.note"))]
    Note {
        #[arg(value_name = "TEXT", required = true, num_args = 1.., help = h("cli.help.text"))]
        text: Vec<String>,
    },
    #[command(about = h("cli.log.call"))]
    Call {
        #[arg(value_name = "TEXT", required = true, num_args = 1.., help = h("cli.help.text"))]
        text: Vec<String>,
    },
    #[command(about = h("cli.log.acknowledgment"))]
    Acknowledgment {
        #[arg(value_name = "TEXT", required = true, num_args = 1.., help = h("cli.help.text"))]
        text: Vec<String>,
    },
    #[command(about = h("cli.log.cost"))]
    Cost {
        #[arg(long, value_name = "TEXT", help = h("cli.help.cost_label"))]
        label: String,
        #[arg(long, value_name = "AMOUNT", help = h("cli.help.amount"))]
        amount: String,
    },
    #[command(name = "credit-note", about = h("cli.log.credit_note"))]
    CreditNote {
        #[arg(long, value_name = "REF", help = h("cli.help.reference"))]
        reference: String,
        #[arg(long, value_name = "AMOUNT", help = h("cli.help.amount"))]
        amount: String,
        #[arg(long, value_name = "REF", help = h("cli.help.credit_invoice"))]
        invoice: Option<String>,
    },
    #[command(about = h("cli.log.waive"))]
    Waive {
        #[arg(value_name = "TEXT", required = true, num_args = 1.., help = h("cli.help.waive_reason"))]
        reason: Vec<String>,
    },
    #[command(about = h("cli.log.assign"))]
    Assign {
        #[arg(value_name = "USER", help = h("cli.help.user"))]
        user: Option<String>,
    },
    #[command(about = h("cli.log.close"))]
    Close {
        #[arg(value_name = "paid|written-off", help = h("cli.help.close_reason"))]
        reason: String,
    },
    #[command(about = h("cli.log.reopen"))]
    Reopen,
}

#[derive(Debug, Subcommand)]
pub enum BatchWhat {
    #[command(about = h("cli.batch.relance"))]
    Relance {
        #[arg(long, value_name = "CHANNEL", help = h("cli.help.batch_channel"))]
        channel: String,
        #[arg(long = "dry-run", help = h("cli.help.batch_dry_run"))]
        dry_run: bool,
        #[arg(long, help = h("cli.help.force"))]
        force: bool,
    },
}
