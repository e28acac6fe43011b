//! Commands that need neither the database nor a loaded configuration (`config init`,
//! `completions`, `man`), and the configuration warnings said only where they matter.

use std::io::Write;
use std::path::{Path, PathBuf};
use std::sync::atomic::{AtomicBool, Ordering};

use super::args::{Cli, Command, ConfigAction};
use super::{exit, Ctx};
use crate::config::Dirs;
use crate::i18n::{self, tf, Lang};

/// The commented template `config init` writes: the README's example, the creditor's fields to
/// fill in. One per language; both parse as a valid (empty) configuration.
const TEMPLATE_FR: &str = include_str!("config_template.fr.toml");
const TEMPLATE_EN: &str = include_str!("config_template.en.toml");

pub fn config_template() -> &'static str {
    match i18n::lang() {
        Lang::Fr => TEMPLATE_FR,
        Lang::En => TEMPLATE_EN,
    }
}

/// Runs the commands that need no context; `None` for every other command.
pub fn without_ctx(cli: &Cli) -> Option<i32> {
    let code = match cli.command.as_ref()? {
        Command::Config {
            action: ConfigAction::Init,
        } => {
            let path = cli
                .config
                .clone()
                .unwrap_or_else(|| Dirs::new().config_file());
            report(config_init(&path))
        }
        Command::Completions { shell } => report(super::completions::write_completions(
            *shell,
            &mut std::io::stdout(),
        )),
        Command::Man => report(super::completions::write_man(&mut std::io::stdout())),
        _ => return None,
    };
    Some(code)
}

fn report(r: Result<(), super::UserError>) -> i32 {
    match r {
        Ok(()) => exit::OK,
        Err(e) => {
            eprintln!("recouvre: {}", e.message);
            e.code
        }
    }
}

/// Writes the template to `path` (mode 0600, parent directories created); never replaces a file.
pub fn config_init(path: &Path) -> Result<(), super::UserError> {
    let failed = |e: std::io::Error| super::UserError {
        code: exit::STORAGE,
        message: tf(
            "shell.config_write_failed",
            &[("path", &path.display()), ("reason", &e)],
        ),
    };
    if path.exists() || path.is_symlink() {
        return Err(super::UserError::usage(tf(
            "shell.config_exists",
            &[("path", &path.display())],
        )));
    }
    if let Some(dir) = path.parent().filter(|d| !d.as_os_str().is_empty()) {
        std::fs::create_dir_all(dir).map_err(failed)?;
    }
    let mut options = std::fs::OpenOptions::new();
    // `create_new`: a file that appeared meanwhile (or a planted link) is never overwritten.
    options.write(true).create_new(true);
    #[cfg(unix)]
    {
        use std::os::unix::fs::OpenOptionsExt;
        // The file will hold an IBAN: readable by its owner only, from the first byte.
        options.mode(0o600);
    }
    let mut file = options.open(path).map_err(|e| {
        if e.kind() == std::io::ErrorKind::AlreadyExists {
            super::UserError::usage(tf("shell.config_exists", &[("path", &path.display())]))
        } else {
            failed(e)
        }
    })?;
    file.write_all(config_template().as_bytes())
        .and_then(|()| file.sync_all())
        .map_err(failed)?;
    eprintln!(
        "{}",
        tf("shell.config_written", &[("path", &path.display())])
    );
    Ok(())
}

static CONFIG_WARNED: AtomicBool = AtomicBool::new(false);

/// The configuration's warnings (missing file, creditor placeholders), once per command.
pub fn warn_config(ctx: &Ctx) {
    if CONFIG_WARNED.swap(true, Ordering::Relaxed) {
        return;
    }
    for w in &ctx.warnings {
        eprintln!("recouvre: {w}");
    }
}

/// After `init`: without a configuration file, the command that creates one.
pub fn hint_config_after_init(ctx: &Ctx) {
    if ctx.config_path.is_some() {
        return;
    }
    let path: PathBuf = ctx.config_dir.join("config.toml");
    eprintln!(
        "recouvre: {}",
        tf("shell.config_after_init", &[("path", &path.display())])
    );
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn both_templates_are_valid_configurations() {
        for t in [TEMPLATE_FR, TEMPLATE_EN] {
            let c = crate::config::Config::parse(Path::new("t.toml"), t).expect("template parses");
            assert!(c.creditor.name.is_none(), "the creditor is left to fill in");
        }
    }
}
