//! `recouvre backup FILE` and `recouvre restore FILE [--force]`: the whole database to a
//! portable file and back (format in `storage::backup_file`).

use crate::cli::args_export::{BackupArgs, RestoreArgs};
use crate::cli::{exit, Ctx, UserError};
use crate::i18n::tf;

pub fn backup(ctx: &Ctx, args: &BackupArgs) -> Result<i32, UserError> {
    let s = ctx.store.backup_to(&args.file)?;
    println!(
        "{}",
        tf(
            "backup.done",
            &[
                ("path", &args.file.display()),
                ("dossiers", &s.dossiers),
                ("events", &s.events),
                ("drafts", &s.drafts),
            ]
        )
    );
    Ok(exit::OK)
}

pub fn restore(ctx: &Ctx, args: &RestoreArgs) -> Result<i32, UserError> {
    let r = ctx.store.restore_from(&args.file, args.force)?;
    println!(
        "{}",
        tf(
            "backup.restored",
            &[
                ("path", &ctx.store.path().display()),
                ("dossiers", &r.summary.dossiers),
                ("events", &r.summary.events),
                ("drafts", &r.summary.drafts),
            ]
        )
    );
    if r.replaced > 0 {
        println!("{}", tf("backup.replaced", &[("count", &r.replaced)]));
    }
    if let Some(p) = &r.kept_journal {
        println!("{}", tf("backup.kept_journal", &[("path", &p.display())]));
    }
    Ok(exit::OK)
}
