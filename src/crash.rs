//! What happens when the program panics: the terminal is given back first, then a crash report
//! with the backtrace is written where the user can find it and send it.
//!
//! The data needs nothing here: every write is one sled transaction, flushed and synced before
//! it is acknowledged, so a crash (or a signal: SIGHUP when an SSH link drops, SIGTERM, SIGINT,
//! even SIGKILL) at any point leaves the database as it was before or after that write. The CLI
//! therefore keeps the default signal dispositions; only the TUI, which owns the terminal and
//! editor drafts, installs handlers of its own.

use std::backtrace::Backtrace;
use std::fs;
use std::io::Write;
use std::os::unix::fs::{DirBuilderExt, OpenOptionsExt};
use std::panic::PanicHookInfo;
use std::path::PathBuf;

use crate::i18n::tf;

/// Where crash reports go: the XDG state directory (`~/.local/state/recouvre/crashes`), else
/// the data directory, else the temporary directory.
pub fn report_dir() -> PathBuf {
    let base = directories::ProjectDirs::from("", "", "recouvre")
        .map(|p| {
            p.state_dir()
                .map(|s| s.to_path_buf())
                .unwrap_or_else(|| p.data_local_dir().to_path_buf())
        })
        .unwrap_or_else(std::env::temp_dir);
    base.join("crashes")
}

/// Lets `recouvre status | head` end quietly, as Unix tools do, instead of panicking on the
/// closed pipe (Rust ignores SIGPIPE by default, turning it into a write error). Harmless for
/// data: every command prints after its write is committed.
pub fn default_sigpipe() {
    // SAFETY: restoring the default disposition of one signal, before any thread is started.
    unsafe {
        libc::signal(libc::SIGPIPE, libc::SIG_DFL);
    }
}

/// At most two malloc arenas. glibc gives each thread that allocates an arena of its own, and
/// memory freed in one is not reused by another: the TUI's load (decoded on several threads,
/// assessed on several more) peaked at 1.23 GB at 100 000 dossiers with the default, 0.98 GB
/// with two (measured by `examples/bench`). On a shared server where each colleague keeps a TUI
/// open all day, that difference is per user; a command that ends in a second keeps glibc's
/// default, which is faster with several threads allocating at once.
pub fn limit_malloc_arenas() {
    #[cfg(all(target_os = "linux", target_env = "gnu"))]
    // SAFETY: a malloc tuning parameter set before any thread is started.
    unsafe {
        libc::mallopt(libc::M_ARENA_MAX, 2);
    }
}

/// Installs the panic hook. `restore` runs first (the TUI leaves raw mode and the alternate
/// screen there), so the message and the report path land on a usable terminal. Calling it again
/// replaces the previous hook.
pub fn install_panic_hook(restore: impl Fn() + Send + Sync + 'static) {
    std::panic::set_hook(Box::new(move |info| {
        restore();
        let report = render(info);
        match write_report(&report) {
            Ok(path) => eprintln!(
                "\n{}",
                tf("shared.crash_written", &[("path", &path.display())])
            ),
            Err(e) => {
                eprintln!("\n{}", tf("shared.crash_unwritten", &[("reason", &e)]));
                eprintln!("{report}");
            }
        }
    }));
}

fn render(info: &PanicHookInfo<'_>) -> String {
    let message = info
        .payload()
        .downcast_ref::<&str>()
        .map(|s| s.to_string())
        .or_else(|| info.payload().downcast_ref::<String>().cloned())
        .unwrap_or_else(|| "(no message)".into());
    let location = info
        .location()
        .map(|l| format!("{}:{}:{}", l.file(), l.line(), l.column()))
        .unwrap_or_default();
    let thread = std::thread::current();
    format!(
        "recouvre {} crash report\ntime: {}\nuser: {}\npid: {}\nthread: {}\nargs: {:?}\npanic: {}\nat: {}\n\nbacktrace:\n{}\n",
        env!("CARGO_PKG_VERSION"),
        chrono::Local::now().to_rfc3339(),
        crate::identity::current_user(),
        std::process::id(),
        thread.name().unwrap_or("?"),
        std::env::args().collect::<Vec<_>>(),
        message,
        location,
        Backtrace::force_capture()
    )
}

fn write_report(report: &str) -> std::io::Result<PathBuf> {
    let dir = report_dir();
    // Reports can quote debtor names: readable by their owner only.
    fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)?;
    let path = dir.join(format!(
        "crash-{}-{}.txt",
        chrono::Local::now().format("%Y%m%dT%H%M%S"),
        std::process::id()
    ));
    let mut f = fs::OpenOptions::new()
        .write(true)
        .create_new(true)
        .mode(0o600)
        .open(&path)?;
    f.write_all(report.as_bytes())?;
    f.sync_all()?;
    Ok(path)
}
