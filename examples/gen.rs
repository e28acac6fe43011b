//! Generates a realistic database for measuring scale (issue #13), deterministically from a seed.
//!
//!   cargo run --release --example gen -- --dossiers N --db PATH
//!                                        [--seed S] [--today YYYY-MM-DD] [--batch B] [--letters]
//!
//! B2B, B2C, rent and refund dossiers with 1–5 items and 2–15 history events each, at every
//! stage (reminders, formal notice, injonction, enforcement, agency, dispute, payment plan,
//! paid, written off), French names with accents. Written with `Store::import` in batches of B
//! dossiers (default 1 000) so memory stays bounded. PATH must not hold a database yet.
//! Dossier ids run from 1 to N; all dates lie on or before `--today` (default 2026-11-25), so
//! run the CLI with the same `--today` to see the intended stages. `--letters` keeps a letter
//! text in every reminder and notice, as the CLI and the TUI do (the demo keeps none).

#[path = "common/gen.rs"]
mod gen;

use std::path::PathBuf;

use gen::{human_bytes, GenOptions};

fn main() -> anyhow::Result<()> {
    let mut opts = GenOptions::new(0);
    let mut db: Option<PathBuf> = None;
    let mut args = std::env::args().skip(1);
    while let Some(a) = args.next() {
        let mut val = || {
            args.next()
                .ok_or_else(|| anyhow::anyhow!("{a} needs a value"))
        };
        match a.as_str() {
            "--dossiers" => opts.dossiers = gen::parse_count(&val()?)?,
            "--db" => db = Some(val()?.into()),
            "--seed" => opts.seed = val()?.parse()?,
            "--today" => opts.today = chrono::NaiveDate::parse_from_str(&val()?, "%Y-%m-%d")?,
            "--batch" => opts.batch = gen::parse_count(&val()?)?,
            "--letters" => opts.letters = true,
            "-h" | "--help" => {
                println!(
                    "gen --dossiers N --db PATH [--seed S] [--today YYYY-MM-DD] [--batch B] [--letters]"
                );
                return Ok(());
            }
            other => anyhow::bail!("unknown argument {other} (try --help)"),
        }
    }
    let db = db.ok_or_else(|| anyhow::anyhow!("--db PATH is required"))?;
    if opts.dossiers == 0 {
        anyhow::bail!("--dossiers N is required (N > 0)");
    }
    eprintln!(
        "generating {} dossiers into {} (seed {}, today {}, {} per transaction)",
        opts.dossiers,
        db.display(),
        opts.seed,
        opts.today,
        opts.batch
    );
    let step = (opts.dossiers / 20).max(opts.batch);
    let mut shown = 0;
    let report = gen::generate(&db, &opts, |done, elapsed| {
        if done >= shown + step || done == opts.dossiers {
            shown = done;
            let secs = elapsed.as_secs_f64();
            eprintln!(
                "  {done:>9} / {}  {secs:>7.1} s  {:>6.0} dossiers/s",
                opts.dossiers,
                done as f64 / secs.max(1e-9)
            );
        }
    })?;
    println!(
        "{} dossiers, {} journal entries in {:.1} s ({:.1} s drawing them, the rest in \
         Store::import); on disk {} ({} allocated), data/ {}",
        report.dossiers,
        report.events,
        report.elapsed.as_secs_f64(),
        report.drawing.as_secs_f64(),
        human_bytes(report.size.apparent),
        human_bytes(report.size.allocated),
        human_bytes(gen::dir_size(&db.join("data")).allocated),
    );
    Ok(())
}
