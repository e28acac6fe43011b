//! One function per command. Each validates everything before writing anything.
//!
//! Each family has its file (`dossier`, `log`, `letter`); this one dispatches, and runs the
//! commands that start an interface (the TUI, the screenshots).

mod backup;
mod batch;
mod dossier;
mod email;
mod export;
pub mod import;
mod letter;
mod log;
mod pdf;

use super::args::*;
use super::{exit, Ctx, UserError};
use super::{output, status};
use crate::i18n::tf;
use dossier::{add, add_item, edit};
use letter::{letter, templates};
use log::{log, undo};

pub fn dispatch(ctx: &Ctx, cli: &Cli) -> Result<i32, UserError> {
    // The configuration warnings (missing file, placeholders) matter for letters only: they are
    // said when a letter is composed or recorded, by `doctor`, and after `init`.
    if cli.demo {
        ctx.ensure_demo()?;
    }
    // A command that reads a dossier, decides and writes does it all under one lock: what it
    // read cannot change before it writes, so it is never refused as stale.
    let _held = match &cli.command {
        // Sending by e-mail waits on a server (up to its timeout): the lock is not held across
        // it; the marker's append is refused as stale if someone wrote since the dossier was
        // read, before anything is sent.
        Some(Command::Log {
            event: LogEvent::Relance { send: true, .. },
            ..
        }) => None,
        Some(
            Command::Log { .. } | Command::Edit(_) | Command::AddItem { .. } | Command::Undo { .. },
        ) => Some(ctx.store.hold()?),
        _ => None,
    };
    let code = run_command(ctx, cli);
    for w in ctx.store.take_warnings() {
        eprintln!("recouvre: {w}");
    }
    code
}

fn run_command(ctx: &Ctx, cli: &Cli) -> Result<i32, UserError> {
    match &cli.command {
        None => tui(ctx),
        Some(Command::Screenshots { out, width, height }) => screenshots(ctx, out, *width, *height),
        Some(Command::Init {
            path,
            shared: true,
            group,
        }) => super::team::init_shared(ctx, path.as_deref(), group.as_deref().unwrap_or_default()),
        Some(Command::Init { path, .. }) => init(ctx, path.as_deref()),
        Some(Command::Doctor { repair }) => {
            super::shell::warn_config(ctx);
            super::doctor::run(ctx, *repair)
        }
        Some(Command::Config { .. } | Command::Completions { .. } | Command::Man) => {
            Ok(super::shell::without_ctx(cli).unwrap_or(exit::OK))
        }
        Some(Command::CompleteIds { describe }) => super::completions::complete_ids(ctx, *describe),
        Some(Command::Status(args)) => status::print_overview(ctx, args),
        Some(Command::Report(args)) => super::report::run(ctx, args),
        Some(Command::Add(args)) => add(ctx, args),
        Some(Command::AddItem { id, item }) => add_item(ctx, id, item),
        Some(Command::Log { id, date, event }) => log(ctx, id, date.as_deref(), event),
        Some(Command::Edit(args)) => edit(ctx, args),
        Some(Command::Batch {
            what:
                BatchWhat::Relance {
                    channel,
                    dry_run,
                    force,
                },
        }) => batch::relance(ctx, channel, *dry_run, *force),
        Some(Command::Show { id }) => {
            // Assessed once: to decide whether the debtor's other dossiers are needed, while
            // the database is open, then for what is printed.
            let assess = |d: &crate::model::LoadedDossier| {
                crate::domain::assess::assess(
                    &d.state,
                    &d.debtor,
                    &ctx.config,
                    &ctx.rules,
                    ctx.today,
                )
            };
            let mut assessed = None;
            let (d, namesakes) = dossier::resolve_then_find(ctx, id, |d| {
                let a = assess(d);
                let query = output::history_query(ctx, d, &a);
                assessed = Some(a);
                query
            })?;
            let a = assessed.unwrap_or_else(|| assess(&d));
            output::print_show(ctx, &d, &a, namesakes.as_ref());
            Ok(exit::OK)
        }
        Some(Command::Undo { id }) => undo(ctx, id),
        Some(Command::Letter(args)) => letter(ctx, args),
        Some(Command::Import(args)) => import::run(ctx, args),
        Some(Command::Export(args)) => export::export(ctx, args),
        Some(Command::Backup(args)) => backup::backup(ctx, args),
        Some(Command::Restore(args)) => backup::restore(ctx, args),
        Some(Command::Rates { verbose }) => {
            output::print_rates(ctx, *verbose);
            Ok(exit::OK)
        }
    }
}

fn init(ctx: &Ctx, path: Option<&std::path::Path>) -> Result<i32, UserError> {
    let store = match path {
        Some(p) => crate::storage::Store::new(p, crate::storage::StoreOptions::default()),
        None => ctx.store.clone(),
    };
    store.init()?;
    println!(
        "{}",
        tf("cli.init_done", &[("path", &store.path().display())])
    );
    super::shell::hint_config_after_init(ctx);
    Ok(exit::OK)
}

/// The main job: the full-screen daily review (or the overview when not on a terminal).
fn tui(ctx: &Ctx) -> Result<i32, UserError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return status::print_overview(
            ctx,
            &StatusArgs {
                query: None,
                stage: None,
                overdue: false,
                closed: false,
                json: false,
                format: None,
                quiet: false,
                mine: false,
            },
        );
    }
    let mut ui = ctx.config.ui.clone();
    if ui.keymap_file.is_none() {
        let user_keys = ctx.config_dir.join("keymap.toml");
        if user_keys.is_file() {
            ui.keymap_file = Some(user_keys);
        }
    }
    let follow_clock = !ctx.today_given;
    crate::tui::run(
        ctx.store.clone(),
        ui,
        ctx.today,
        follow_clock,
        letter_env(ctx)?,
    )
    .map_err(|e| UserError {
        code: exit::STORAGE,
        message: format!("{e:#}"),
    })?;
    Ok(exit::OK)
}

/// Rules, templates (with the user's overrides) and profiles for the TUI's letters and figures.
fn letter_env(ctx: &Ctx) -> Result<crate::app::editor::LetterEnv, UserError> {
    Ok(crate::app::editor::LetterEnv {
        rules: ctx.rules.clone(),
        templates: templates(ctx)?,
        profiles: pdf::with_resolved_paths(ctx),
    })
}

/// Renders the standard screens of a fresh demo database into `out` (SVG and text).
fn screenshots(
    ctx: &Ctx,
    out: &std::path::Path,
    width: u16,
    height: u16,
) -> Result<i32, UserError> {
    use crate::tui::screenshot::{write_demo_screens, ScreensError};
    let io = |e: std::io::Error| UserError {
        code: exit::STORAGE,
        message: tf(
            "cli.write_failed",
            &[("path", &out.display()), ("reason", &e)],
        ),
    };
    let tmp = std::env::temp_dir().join(format!("recouvre-screenshots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let store = crate::storage::Store::new(&tmp, crate::storage::StoreOptions::default());
    store.init()?;
    crate::demo::populate(&store, ctx.today)?;
    let written = write_demo_screens(&store, letter_env(ctx)?, ctx.today, out, width, height)
        .map_err(|e| match e {
            ScreensError::Setup(e) => UserError::usage(format!("{e:#}")),
            ScreensError::Write(e) => io(e),
        })?;
    let _ = std::fs::remove_dir_all(&tmp);
    for p in written {
        println!("{}", p.display());
    }
    Ok(exit::OK)
}
