//! `recouvre doctor [--repair]`: exit 0 when the database is healthy, 1 when problems remain.

use super::{exit, Ctx, UserError};
use crate::i18n::{t, tf};

/// Problems found (or left after `--repair`).
pub const PROBLEMS: i32 = 1;

pub fn run(ctx: &Ctx, repair: bool) -> Result<i32, UserError> {
    let store = &ctx.store;
    // Modes first, without opening the database: a world-writable file makes the open refuse,
    // and this list says which one and what to set.
    let modes_ok = print_modes(store.path());
    if repair {
        // The journal copy first: it can rebuild a sled database that no longer opens.
        if let Some(j) = store.repair_from_journal()? {
            print_journal_repair(&j);
        }
    }
    let report = if repair {
        store.repair()?
    } else {
        store.doctor().map_err(|e| {
            let mut err = UserError::from(e);
            // sled unreadable: the journal copy can rebuild it.
            if store.path().join(crate::storage::journal::FILE).is_file() {
                err.message = format!("{}\n{}", err.message, t("journal_copy.repair_hint"));
            }
            err
        })?
    };
    let path = store.path().display();
    if repair {
        if report.repairs.is_empty() {
            println!("{}", t("doctor.nothing_repaired"));
        } else {
            println!(
                "{}",
                tf("doctor.repaired", &[("count", &report.repairs.len())])
            );
            for line in &report.repairs {
                println!("  {line}");
            }
        }
    }
    if report.healthy() {
        if !modes_ok {
            println!("{}", t("security.modes_problem"));
            return Ok(PROBLEMS);
        }
        println!(
            "{}",
            tf(
                "doctor.healthy",
                &[
                    ("path", &path),
                    ("dossiers", &report.dossiers),
                    ("events", &report.events),
                    ("debtors", &report.debtors),
                ]
            )
        );
        return Ok(exit::OK);
    }
    println!(
        "{}",
        tf(
            "doctor.problems",
            &[("path", &path), ("count", &report.findings.len())]
        )
    );
    for f in &report.findings {
        println!("  {f}");
    }
    if report.findings.iter().any(|f| f.repairable()) && !repair {
        println!("{}", t("doctor.repairable_hint"));
    }
    if report.findings.iter().any(|f| !f.repairable()) {
        println!("{}", tf("doctor.unrepairable", &[("path", &path)]));
    }
    Ok(PROBLEMS)
}

/// Prints the mode of the directory and of every file below it, with the expected one; false
/// when one is more open than expected (or is a link, a FIFO…).
fn print_modes(db: &std::path::Path) -> bool {
    use crate::storage::files::{expected_mode, modes};
    let Ok(list) = modes(db) else {
        return true;
    };
    let shared = list.first().is_some_and(|m| m.expected & 0o2000 != 0);
    println!(
        "{}",
        tf(
            "security.modes_title",
            &[
                ("dir", &format!("{:o}", expected_mode(shared, true))),
                ("file", &format!("{:o}", expected_mode(shared, false))),
            ]
        )
    );
    let mut ok = true;
    for m in &list {
        let path = m.path.display();
        let mode = format!("{:o}", m.mode);
        let line = if m.not_regular {
            tf("security.mode_not_regular", &[("path", &path)])
        } else if m.too_open() {
            tf(
                "security.mode_bad",
                &[
                    ("path", &path),
                    ("mode", &mode),
                    ("expected", &format!("{:o}", m.expected)),
                ],
            )
        } else {
            tf("security.mode_ok", &[("path", &path), ("mode", &mode)])
        };
        ok &= !m.too_open();
        println!("  {line}");
    }
    ok
}

fn print_journal_repair(j: &crate::storage::store::JournalRepair) {
    for skip in &j.skipped {
        println!(
            "{}",
            tf(
                "journal_copy.skipped",
                &[("offset", &skip.offset), ("reason", &skip.reason)]
            )
        );
    }
    if let Some(reason) = &j.rebuilt_because {
        println!(
            "{}",
            tf(
                "journal_copy.rebuilt",
                &[
                    ("reason", reason),
                    ("dossiers", &j.dossiers),
                    ("events", &j.events),
                    ("debtors", &j.debtors),
                ]
            )
        );
    }
    if let Some(old) = &j.old_data {
        println!(
            "{}",
            tf("journal_copy.old_data", &[("path", &old.display())])
        );
    }
    if j.added_to_copy > 0 {
        println!(
            "{}",
            tf("journal_copy.added_to_copy", &[("count", &j.added_to_copy)])
        );
    }
}
