//! `recouvre import fec FILE` and `recouvre import csv FILE --map MAP`: open items from the
//! accounting system, planned against the journal, then written in one transaction (or, with
//! `--dry-run`, only described).

use std::io::IsTerminal;

use crate::cli::import_args::{ImportArgs, ImportFormat};
use crate::cli::{exit, Ctx, UserError};
use crate::domain::import::report;
use crate::domain::import::Settings;
use crate::i18n::t;
use crate::storage::import::{ImportError, Request, Source};

/// The settings an import runs with, from the configuration's `[import]` section.
pub fn settings(ctx: &Ctx, settle_missing: bool) -> Settings {
    Settings {
        today: ctx.today,
        payment_terms_days: ctx.config.import.payment_terms_days,
        debtor_type: ctx.config.import.debtor_type,
        profile: ctx.config.default_profile(),
        settle_missing,
        file_name: String::new(),
    }
}

pub fn run(ctx: &Ctx, args: &ImportArgs) -> Result<i32, UserError> {
    let (file, source, options) = match &args.format {
        ImportFormat::Fec { file, options } => (file, Source::Fec, options),
        ImportFormat::Csv { file, map, options } => {
            (file, Source::Csv { map: map.clone() }, options)
        }
    };
    let req = Request::new(file.clone(), source, settings(ctx, options.settle_missing));
    // Planned and written under one lock: what the plan read cannot change before the write.
    let _held = if options.dry_run {
        None
    } else {
        Some(ctx.store.hold()?)
    };
    // Small files are read in a blink: no bar to flash.
    let large = std::fs::metadata(file).is_ok_and(|m| m.len() > LARGE_FILE);
    let bar = progress_bar(large);
    let mut progress = |done: usize, total: usize| {
        bar.set_length(total as u64);
        bar.set_position(done as u64);
    };
    let planned = ctx.store.plan_import(&req, &ctx.rules, &mut progress);
    let plan = match planned {
        Ok(p) => p,
        Err(e) => {
            bar.finish_and_clear();
            return Err(import_error(e));
        }
    };
    if options.dry_run || plan.is_empty() {
        bar.finish_and_clear();
        for line in report::lines(&plan, options.dry_run) {
            println!("{line}");
        }
        return Ok(exit::OK);
    }
    bar.set_message(t("import.progress_write").to_string());
    bar.tick();
    let written = ctx.store.apply_import(&plan);
    bar.finish_and_clear();
    written?;
    for line in report::lines(&plan, false) {
        println!("{line}");
    }
    Ok(exit::OK)
}

/// From this size (bytes) a file gets a progress bar.
const LARGE_FILE: u64 = 1 << 20;

/// A bar on stderr for a large file, only when both outputs are a terminal (a script or a
/// pipe gets nothing on stderr but real problems).
fn progress_bar(large: bool) -> indicatif::ProgressBar {
    if !large || !std::io::stderr().is_terminal() || !std::io::stdout().is_terminal() {
        return indicatif::ProgressBar::hidden();
    }
    let bar = indicatif::ProgressBar::new(0);
    if let Ok(style) = indicatif::ProgressStyle::with_template("{msg} [{bar:30}] {pos}/{len}") {
        bar.set_style(style.progress_chars("=> "));
    }
    bar.set_message(t("import.progress_read").to_string());
    bar
}

fn import_error(e: ImportError) -> UserError {
    match e {
        // A refused line, an unreadable file or mapping: the input is wrong (exit 2).
        ImportError::Read(_) | ImportError::Rejected { .. } => UserError::usage(e.to_string()),
        ImportError::Store(e) => e.into(),
    }
}
