//! Terminal setup and, above all, restoration: on quit, on error, on panic and on signals.

use std::io::{self, Stdout};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;

use crossterm::cursor::{Hide, Show};
use crossterm::execute;
use crossterm::terminal::{
    disable_raw_mode, enable_raw_mode, EnterAlternateScreen, LeaveAlternateScreen,
};
use ratatui::backend::CrosstermBackend;
use ratatui::Terminal;

pub type Term = Terminal<CrosstermBackend<Stdout>>;

pub fn setup() -> io::Result<Term> {
    enable_raw_mode()?;
    let mut out = io::stdout();
    if let Err(e) = execute!(out, EnterAlternateScreen, Hide) {
        restore();
        return Err(e);
    }
    Terminal::new(CrosstermBackend::new(out))
}

/// Puts the terminal back as we found it. Safe to call more than once, and on a terminal that
/// is already gone (SIGHUP): every error is ignored because there is nobody left to tell.
pub fn restore() {
    let _ = disable_raw_mode();
    let _ = execute!(io::stdout(), LeaveAlternateScreen, Show);
}

/// Restores the terminal when dropped, so `?` and early returns cannot leave it in raw mode.
pub struct RestoreGuard;

impl Drop for RestoreGuard {
    fn drop(&mut self) {
        restore();
    }
}

/// On panic: restore the terminal first (so the message is readable and the shell usable), then
/// write the crash report with its backtrace. Replaces the CLI's hook, which restores nothing.
pub fn install_panic_hook() {
    crate::crash::install_panic_hook(restore);
}

/// SIGTERM, SIGHUP (the SSH session dropped) and SIGINT set the flag; the event loop polls it at
/// least every tick, finishes any write in progress, and leaves through the normal path.
pub fn stop_flag() -> io::Result<Arc<AtomicBool>> {
    let flag = Arc::new(AtomicBool::new(false));
    for sig in [
        signal_hook::consts::SIGTERM,
        signal_hook::consts::SIGHUP,
        signal_hook::consts::SIGINT,
    ] {
        signal_hook::flag::register(sig, Arc::clone(&flag))?;
    }
    Ok(flag)
}
