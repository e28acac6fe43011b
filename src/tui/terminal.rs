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

/// Watches for a terminal that is gone (the SSH link dropped) or a stop signal the event loop
/// does not act on. Both happen because crossterm 0.28 spins forever inside `event::poll` once
/// its tty hangs up (crossterm#793): the loop never gets back to check the stop flag. Checked
/// five times a second without reading the terminal (no key is stolen); on either, the open
/// letter is saved as a draft, the terminal restored and the process ends.
pub fn watchdog(
    stop: Arc<AtomicBool>,
    store: crate::storage::Store,
    pending: Arc<std::sync::Mutex<Option<crate::model::Draft>>>,
) {
    use std::sync::atomic::Ordering;
    use std::time::{Duration, Instant};
    let _ = std::thread::Builder::new()
        .name("recouvre-tty-watchdog".into())
        .spawn(move || {
            let mut stop_seen: Option<Instant> = None;
            loop {
                std::thread::sleep(Duration::from_millis(200));
                let hung_up = tty_hung_up();
                if stop.load(Ordering::Relaxed) {
                    stop_seen.get_or_insert_with(Instant::now);
                }
                // The loop normally handles a signal within a tick; give it a second.
                let stuck = stop_seen.is_some_and(|t| t.elapsed() > Duration::from_secs(1));
                if hung_up || stuck {
                    let draft = pending.lock().ok().and_then(|mut p| p.take());
                    if let Some(d) = draft {
                        let _ = store.save_draft(&d);
                    }
                    restore();
                    std::process::exit(0);
                }
            }
        });
}

/// True once standard input's terminal has hung up (POLLHUP/POLLERR/POLLNVAL are reported
/// whatever events are asked for, so this never consumes input).
fn tty_hung_up() -> bool {
    let mut fds = libc::pollfd {
        fd: 0,
        events: 0,
        revents: 0,
    };
    // SAFETY: one valid pollfd, zero timeout.
    let n = unsafe { libc::poll(&mut fds, 1, 0) };
    n > 0 && fds.revents & (libc::POLLHUP | libc::POLLERR | libc::POLLNVAL) != 0
}
