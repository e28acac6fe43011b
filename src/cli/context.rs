//! What every command works with: the context resolved from flags, environment and config, the
//! exit codes, and the error a command reports to the user.

use std::path::PathBuf;

use chrono::NaiveDate;

use super::args::Cli;
use crate::config::{Config, Dirs, Loaded};
use crate::i18n::{self, tf};
use crate::storage::{Store, StoreOptions};

/// Everything a command needs, resolved once from flags, environment and config.
pub struct Ctx {
    pub store: Store,
    pub config: Config,
    pub config_path: Option<PathBuf>,
    pub config_dir: PathBuf,
    pub today: NaiveDate,
    /// `--today` (or `RECOUVRE_TODAY`) was given: the day does not follow the clock.
    pub today_given: bool,
    pub warnings: Vec<String>,
    pub rules: crate::domain::assess::Rules,
}

/// Exit codes (documented in `--help` and the README): 0 success, 1 nothing matched, 2 bad input
/// or usage, 3 no database or storage problem, 4 busy (locked by someone else), 5 refused by a
/// legal check, 6 an e-mail the server did not accept.
pub mod exit {
    pub const OK: i32 = 0;
    pub const NO_MATCH: i32 = 1;
    pub const USAGE: i32 = 2;
    pub const STORAGE: i32 = 3;
    pub const BUSY: i32 = 4;
    pub const REFUSED: i32 = 5;
    pub const NOT_SENT: i32 = 6;
}

/// An error for the user: the message is already in their language.
#[derive(Debug)]
pub struct UserError {
    pub code: i32,
    pub message: String,
}

impl UserError {
    pub fn usage(message: impl Into<String>) -> Self {
        UserError {
            code: exit::USAGE,
            message: message.into(),
        }
    }

    /// A legal check said no (a letter's preflight, `close paid` while something is owed, a
    /// rate under the floor): the input was well formed, the law refuses it.
    pub fn refused(message: impl Into<String>) -> Self {
        UserError {
            code: exit::REFUSED,
            message: message.into(),
        }
    }
}

impl From<crate::storage::StoreError> for UserError {
    fn from(e: crate::storage::StoreError) -> Self {
        // A non-empty directory given to `init` is a wrong argument, not a storage failure.
        let code = match e {
            crate::storage::StoreError::NotEmpty { .. } => exit::USAGE,
            // `restore` into a database in use without `--force`: a decision for the user.
            crate::storage::StoreError::Occupied { .. } => exit::USAGE,
            // Someone else holds the lock: worth retrying, unlike a real storage failure.
            crate::storage::StoreError::Busy { .. } => exit::BUSY,
            _ => exit::STORAGE,
        };
        UserError {
            code,
            message: e.to_string(),
        }
    }
}

impl From<crate::domain::parse::ParseError> for UserError {
    fn from(e: crate::domain::parse::ParseError) -> Self {
        UserError::usage(e.to_string())
    }
}

impl From<crate::config::ConfigError> for UserError {
    fn from(e: crate::config::ConfigError) -> Self {
        UserError::usage(e.to_string())
    }
}

pub fn today_from(flag: Option<NaiveDate>) -> NaiveDate {
    flag.unwrap_or_else(|| chrono::Local::now().date_naive())
}

impl Ctx {
    pub fn new(cli: &Cli) -> Result<Ctx, UserError> {
        let dirs = Dirs::new();
        let (config_file, explicit) = match &cli.config {
            Some(p) => (p.clone(), true),
            None => (dirs.config_file(), false),
        };
        let Loaded {
            config,
            path,
            warnings,
        } = Config::load(&config_file, explicit)?;
        if cli.lang.is_none() {
            if let Some(l) = config.lang() {
                i18n::set_lang(l);
            }
        }
        let env_db = std::env::var_os("RECOUVRE_DB")
            .filter(|v| !v.is_empty())
            .map(PathBuf::from);
        // `--demo` wins over RECOUVRE_DB (which teams export): practising must never write
        // into the real journal. An explicit `--db` with `--demo` names where the demo lives,
        // and is refused when it is the real database.
        let db = match (&cli.db, cli.demo) {
            (Some(p), true) => {
                let real = env_db.clone().unwrap_or_else(|| dirs.default_db());
                crate::demo::check_demo_path(p, &real).map_err(UserError::usage)?;
                p.clone()
            }
            (Some(p), false) => p.clone(),
            (None, true) => dirs.demo_db(),
            (None, false) => env_db.unwrap_or_else(|| dirs.default_db()),
        };
        let config_dir = config_file
            .parent()
            .map(|p| p.to_path_buf())
            .unwrap_or(dirs.config_dir);
        let rules = config.rules(&config_dir)?;
        Ok(Ctx {
            rules,
            store: Store::new(db, StoreOptions::default()),
            config,
            config_path: path,
            config_dir,
            today: today_from(cli.today),
            today_given: cli.today.is_some(),
            warnings,
        })
    }

    /// Creates the demo database on first use (atomically: see [`crate::demo::ensure`]).
    pub fn ensure_demo(&self) -> Result<(), UserError> {
        let opts = StoreOptions::default();
        if let Some(n) = crate::demo::ensure(self.store.path(), self.today, opts)? {
            eprintln!(
                "{}",
                tf(
                    "cli.demo_created",
                    &[
                        ("count", &i18n::count(n)),
                        ("path", &self.store.path().display())
                    ]
                )
            );
        }
        Ok(())
    }
}
