//! The command line: the quick status check from the shell, and every journal action.

// Everything the command line prints goes through these, which shadow the standard macros in
// this module and all its children: text from the journal (debtor names, references, notes,
// letters) may hold control characters from older data or imports, and must never reach the
// terminal as escape sequences. JSON is unaffected (serde_json already escapes them).
macro_rules! println {
    () => { std::println!() };
    ($($arg:tt)*) => { std::println!("{}", $crate::domain::text::printable(&format!($($arg)*))) };
}
macro_rules! print {
    ($($arg:tt)*) => { std::print!("{}", $crate::domain::text::printable(&format!($($arg)*))) };
}
macro_rules! eprintln {
    () => { std::eprintln!() };
    ($($arg:tt)*) => { std::eprintln!("{}", $crate::domain::text::printable(&format!($($arg)*))) };
}

pub mod args;
pub mod args_export;
pub mod commands;
pub mod completions;
pub mod context;
pub mod doctor;
pub mod format;
pub mod import_args;
pub mod json;
pub mod localize;
pub mod output;
pub mod report;
pub mod shell;
pub mod status;
pub mod team;

use std::path::PathBuf;

use crate::config::{Config, Dirs};
use crate::i18n::{self, Lang};

pub use args::{Cli, Command};
pub use context::{exit, today_from, Ctx, UserError};

/// Picks the interface language before clap builds its (translated) help: `--lang`, then the
/// config file's `language`, then the locale.
pub fn preselect_language(args: &[String]) {
    let mut lang = None;
    let mut config = None;
    let mut it = args.iter().peekable();
    while let Some(a) = it.next() {
        if let Some(v) = a.strip_prefix("--lang=") {
            lang = Lang::parse(v);
        } else if a == "--lang" {
            lang = it.peek().and_then(|v| Lang::parse(v));
        } else if let Some(v) = a.strip_prefix("--config=") {
            config = Some(PathBuf::from(v));
        } else if a == "--config" {
            config = it.peek().map(PathBuf::from);
        }
    }
    let lang = lang.or_else(|| {
        let path = config.unwrap_or_else(|| Dirs::new().config_file());
        std::fs::read_to_string(&path)
            .ok()
            .and_then(|s| Config::parse(&path, &s).ok())
            .and_then(|c| c.lang())
    });
    i18n::set_lang(lang.unwrap_or_else(Lang::from_env));
}

/// Runs the parsed command line; returns the process exit code.
pub fn run(cli: Cli) -> i32 {
    if let Some(l) = cli.lang.as_deref().and_then(Lang::parse) {
        i18n::set_lang(l);
    }
    // `config init`, `completions` and `man` need no database and must work without a config.
    if let Some(code) = shell::without_ctx(&cli) {
        return code;
    }
    let ctx = match Ctx::new(&cli) {
        Ok(c) => c,
        Err(e) => {
            eprintln!("recouvre: {}", e.message);
            return e.code;
        }
    };
    team::warn_config_mode(&ctx);
    match commands::dispatch(&ctx, &cli) {
        Ok(code) => code,
        Err(e) => {
            eprintln!("recouvre: {}", e.message);
            e.code
        }
    }
}
