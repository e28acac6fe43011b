//! The grammar of `export`, `backup` and `restore` (beside `args`, which names the commands).

use std::path::PathBuf;

use crate::i18n::t;

#[derive(Debug, clap::Args)]
#[command(group(clap::ArgGroup::new("export_format").required(true).args(["csv", "json"])))]
pub struct ExportArgs {
    #[arg(long, help = t("export.help_csv").to_string())]
    pub csv: bool,
    #[arg(long, help = t("export.help_json").to_string())]
    pub json: bool,
    #[arg(long, value_name = "STAGE", help = t("cli.help.stage").to_string())]
    pub stage: Option<String>,
    #[arg(long, help = t("export.help_closed").to_string())]
    pub closed: bool,
    #[arg(long, conflicts_with = "json", help = t("export.help_fr").to_string())]
    pub fr: bool,
}

#[derive(Debug, clap::Args)]
pub struct BackupArgs {
    #[arg(value_name = "FILE", help = t("backup.help_file").to_string())]
    pub file: PathBuf,
}

#[derive(Debug, clap::Args)]
pub struct RestoreArgs {
    #[arg(value_name = "FILE", help = t("backup.help_restore_file").to_string())]
    pub file: PathBuf,
    #[arg(long, help = t("backup.help_force").to_string())]
    pub force: bool,
}
