//! Manual run of the TUI on a throw-away database seeded with the fixture dossiers.
//!
//!   cargo run --example tui_sample -- [--keymap vim|emacs|PATH] [--keymap-file PATH]
//!                                     [--colors auto|16|8|none] [--theme dark|light] [--db DIR] [--today YYYY-MM-DD]
//!
//! Without `--db` the database lives in a temporary directory removed on exit.

use recouvre::app::fixtures;
use recouvre::config::ui::UiConfig;
use recouvre::storage::{Store, StoreOptions};
use recouvre::tui::run;

fn main() -> anyhow::Result<()> {
    let mut ui = UiConfig::default();
    let mut today = fixtures::today();
    let mut db: Option<std::path::PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{a} needs a value"))
        };
        match a.as_str() {
            "--keymap" => ui.keymap = val()?,
            "--keymap-file" => ui.keymap_file = Some(val()?.into()),
            "--colors" => ui.colors = toml::Value::String(val()?).try_into()?,
            "--theme" => ui.theme = toml::Value::String(val()?).try_into()?,
            "--db" => db = Some(val()?.into()),
            "--today" => today = chrono::NaiveDate::parse_from_str(&val()?, "%Y-%m-%d")?,
            other => anyhow::bail!("unknown argument {other}"),
        }
    }
    let tmp = tempfile::tempdir()?;
    let path = db.unwrap_or_else(|| tmp.path().join("db"));
    let store = Store::new(&path, StoreOptions::default());
    if !store.exists() {
        fixtures::seed_store(&store, today)?;
    }
    run(store, ui, today, false, Default::default())
}
