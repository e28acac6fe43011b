//! `recouvre doctor [--repair]`: exit 0 when the database is healthy, 1 when problems remain.

use super::{exit, Ctx, UserError};
use crate::i18n::{t, tf};

/// Problems found (or left after `--repair`).
pub const PROBLEMS: i32 = 1;

pub fn run(ctx: &Ctx, repair: bool) -> Result<i32, UserError> {
    let store = &ctx.store;
    let report = if repair {
        store.repair()?
    } else {
        store.doctor()?
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
