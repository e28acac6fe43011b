//! The grammar of `recouvre import` (kept apart from `args.rs` so that the command's file and
//! the grammar's do not import each other).

use std::path::PathBuf;

use clap::{Args, Subcommand};

use crate::i18n::t;

fn h(key: &str) -> String {
    t(key).to_string()
}

#[derive(Debug, Args)]
pub struct ImportArgs {
    #[command(subcommand)]
    pub format: ImportFormat,
}

#[derive(Debug, Subcommand)]
pub enum ImportFormat {
    #[command(about = h("import.cmd_fec"))]
    Fec {
        #[arg(value_name = "FILE", help = h("import.help_file"))]
        file: PathBuf,
        #[command(flatten)]
        options: ImportOptions,
    },
    #[command(about = h("import.cmd_csv"))]
    Csv {
        #[arg(value_name = "FILE", help = h("import.help_file"))]
        file: PathBuf,
        #[arg(long, value_name = "MAP", help = h("import.help_map"))]
        map: PathBuf,
        #[command(flatten)]
        options: ImportOptions,
    },
}

#[derive(Debug, Args)]
pub struct ImportOptions {
    #[arg(long = "dry-run", help = h("import.help_dry_run"))]
    pub dry_run: bool,
    #[arg(long = "settle-missing", help = h("import.help_settle_missing"))]
    pub settle_missing: bool,
}
