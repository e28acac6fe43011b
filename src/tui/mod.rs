//! The terminal user interface: the only module that touches the terminal.
//!
//! Entry point: [`run`]. The pure parts live in `app` (state, update), `ui` (render) and
//! `keymap`; this module wires them to crossterm, signals and the store.

pub mod runtime;
pub mod terminal;

use std::path::PathBuf;
use std::sync::Arc;
use std::time::Duration;

use anyhow::Context as _;
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};

use crate::app::State;
use crate::storage::Store;
use crate::ui::theme::{Background, ColorMode, Theme};

/// The `[ui]` section of config.toml.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(deny_unknown_fields, default)]
pub struct UiConfig {
    /// `default`, `vim`, `emacs`, or the path of a complete keymap file.
    pub keymap: String,
    /// A file of single-binding overrides applied over `keymap` (the CLI passes
    /// `<config dir>/keymap.toml` when it exists).
    pub keymap_file: Option<PathBuf>,
    /// `auto` (default; honours NO_COLOR and TERM), `16`, `8` or `none`.
    pub colors: ColorMode,
    /// `dark` (default) or `light`: the terminal's background, so text keeps its contrast.
    pub theme: Background,
    /// Seconds between checks for other users' writes; 0 turns live refresh off.
    pub refresh_seconds: u64,
}

impl Default for UiConfig {
    fn default() -> Self {
        UiConfig {
            keymap: "default".into(),
            keymap_file: None,
            colors: ColorMode::Auto,
            theme: Background::Dark,
            refresh_seconds: 1,
        }
    }
}

/// Builds the initial state: keymap errors surface here, before the terminal is touched, so the
/// message (file, line, conflict) is printed on a normal screen.
pub fn initial_state(ui: &UiConfig, today: NaiveDate) -> anyhow::Result<State> {
    let keymap = crate::keymap::load(&ui.keymap, ui.keymap_file.as_deref())?;
    let theme = Theme::from_env(ui.colors).with_background(ui.theme);
    Ok(State::new(today, Arc::new(keymap), theme))
}

/// Opens the TUI on `store` until the user quits or a signal arrives. `env` carries the rules,
/// templates and profiles the money figures and letters are computed with (as in the CLI).
pub fn run(
    store: Store,
    ui: UiConfig,
    today: NaiveDate,
    env: crate::app::editor::LetterEnv,
) -> anyhow::Result<()> {
    let mut state = initial_state(&ui, today)?;
    state.env = Arc::new(env);
    let stop = terminal::stop_flag().context("signal handlers")?;
    terminal::install_panic_hook();
    let mut term = terminal::setup().context("terminal setup")?;
    let _guard = terminal::RestoreGuard;
    let pending = Arc::new(std::sync::Mutex::new(None));
    terminal::watchdog(Arc::clone(&stop), store.clone(), Arc::clone(&pending));
    let opts = runtime::LoopOptions {
        refresh: (ui.refresh_seconds > 0).then(|| Duration::from_secs(ui.refresh_seconds)),
        pending_draft: Some(pending),
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

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ui_config_rejects_unknown_keys_and_has_defaults() {
        let c: UiConfig =
            toml::from_str("keymap = \"vim\"\ncolors = \"8\"\ntheme = \"light\"").unwrap();
        assert_eq!(c.theme, Background::Light);
        assert_eq!(c.keymap, "vim");
        assert_eq!(c.colors, ColorMode::Eight);
        assert_eq!(c.refresh_seconds, 1);
        assert!(toml::from_str::<UiConfig>("keymapp = \"vim\"").is_err());
    }
}
