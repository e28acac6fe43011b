//! The terminal user interface: the only module that touches the terminal.
//!
//! Entry point: [`run`]. The pure parts live in `app` (state, update), `ui` (render) and
//! `keymap`; this module wires them to crossterm, signals and the store.

pub mod complete;
pub mod mailroom;
pub mod runtime;
pub mod screenshot;
pub mod terminal;

use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::NaiveDate;

use crate::app::State;
use crate::config::ui::UiConfig;
use crate::storage::Store;
use crate::ui::theme::Theme;

/// Builds the initial state: keymap errors surface here, before the terminal is touched, so the
/// message (file, line, conflict) is printed on a normal screen.
pub fn initial_state(ui: &UiConfig, today: NaiveDate) -> anyhow::Result<State> {
    let keymap = crate::keymap::load(&ui.keymap, ui.keymap_file.as_deref())?;
    Ok(State::new(today, Arc::new(keymap)))
}

/// The colours to draw with: the configured mode resolved against this terminal (NO_COLOR, TERM)
/// and the configured background.
pub fn theme(ui: &UiConfig) -> Theme {
    Theme::from_env(ui.colors).with_background(ui.theme)
}

/// Opens the TUI on `store` until the user quits or a signal arrives. `env` carries the rules,
/// templates and profiles the money figures and letters are computed with (as in the CLI).
pub fn run(
    store: Store,
    ui: UiConfig,
    today: NaiveDate,
    follow_clock: bool,
    env: crate::app::editor::LetterEnv,
) -> anyhow::Result<()> {
    // Before the loader and the watchdog threads: a TUI stays open all day, one per colleague.
    crate::crash::limit_malloc_arenas();
    let mut state = initial_state(&ui, today)?;
    state.env = Arc::new(env);
    let stop = terminal::stop_flag().context("signal handlers")?;
    terminal::install_panic_hook();
    let mut term = terminal::setup().context("terminal setup")?;
    let _guard = terminal::RestoreGuard;
    let pending = Arc::new(std::sync::Mutex::new(None));
    terminal::watchdog(Arc::clone(&stop), store.clone(), Arc::clone(&pending));
    let opts = runtime::LoopOptions {
        theme: theme(&ui),
        refresh: (ui.refresh_seconds > 0).then(|| Duration::from_secs(ui.refresh_seconds)),
        pending_draft: Some(pending),
        // The first screen answers keys while the rest of a large portfolio loads.
        wait_for_load: false,
        // Unless the day was given: the TUI stays open all day, and overnight.
        clock: follow_clock.then_some(local_today as fn() -> NaiveDate),
        ..Default::default()
    };
    runtime::run_loop(
        &mut term,
        &mut runtime::TerminalEvents,
        &mut state,
        &store,
        &stop,
        &opts,
    )?;
    Ok(())
}

fn local_today() -> NaiveDate {
    chrono::Local::now().date_naive()
}
