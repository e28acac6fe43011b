//! Helpers shared by the tests that run the real binary or several processes.
//!
//! Writer processes are this very test binary, re-executed with only its ignored `writer_child`
//! test selected and its plan in the environment: a real separate process using the library's
//! store the way the CLI and the TUI do (open, transact, flush, sync, close per operation).

#![allow(dead_code)]

use std::io::Write;
use std::path::{Path, PathBuf};
use std::process::{Command, Output, Stdio};

use chrono::NaiveDate;
use recouvre::domain::event::{EventKind, NoteKind};
use recouvre::domain::model::*;
use recouvre::model::NewDossier;
use recouvre::storage::{Store, StoreError, StoreOptions};
use rust_decimal::Decimal;

pub const TODAY: &str = "2026-11-25";

pub fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

pub fn bin() -> &'static str {
    env!("CARGO_BIN_EXE_recouvre")
}

/// The real binary on `db`, French, at [`TODAY`], and nothing else from the environment that
/// runs the tests: no locale, no `RECOUVRE_DB`, no terminal width (lines fit the 80-column
/// default). Where the configuration comes from is left to [`cli`] and [`binary`].
fn base(db: &Path) -> Command {
    let mut c = Command::new(bin());
    c.arg("--db")
        .arg(db)
        .env("RECOUVRE_TODAY", TODAY)
        .env("LANG", "fr_FR.UTF-8")
        .env_remove("LC_ALL")
        .env_remove("LC_MESSAGES")
        .env_remove("RECOUVRE_DB")
        .env_remove("COLUMNS");
    c
}

/// The real binary on `db` with the explicit, empty config file [`new_store`] writes.
pub fn cli(db: &Path) -> Command {
    let mut c = base(db);
    c.arg("--config").arg(db.with_extension("config.toml"));
    c
}

/// The real binary on `db` as a user runs it: the configuration is the user's own, looked for
/// in [`config_path`] (a missing one is an error only when given explicitly).
pub fn binary(db: &Path) -> Command {
    let mut c = base(db);
    c.env("XDG_CONFIG_HOME", db.parent().unwrap().join("xdg-config"));
    c
}

/// The user's config file of [`binary`].
pub fn config_path(db: &Path) -> PathBuf {
    db.parent().unwrap().join("xdg-config/recouvre/config.toml")
}

/// [`binary`] with `args`, run to completion.
pub fn run(db: &Path, args: &[&str]) -> Output {
    binary(db).args(args).output().expect("binary runs")
}

/// [`run`] for content checks, not layout: wide enough that no line wraps.
pub fn run_wide(db: &Path, args: &[&str]) -> Output {
    binary(db)
        .env("COLUMNS", "400")
        .args(args)
        .output()
        .expect("binary runs")
}

/// [`run`] on another day than [`TODAY`].
pub fn run_at(db: &Path, today: &str, args: &[&str]) -> Output {
    binary(db)
        .env("RECOUVRE_TODAY", today)
        .args(args)
        .output()
        .expect("binary runs")
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// A complete creditor configuration in [`config_path`]: letters then carry no placeholder,
/// and the preflight lets them go out without --force.
pub fn configure(db: &Path) {
    let path = config_path(db);
    std::fs::create_dir_all(path.parent().unwrap()).unwrap();
    std::fs::write(
        &path,
        r#"[creditor]
name = "Atelier Durand SAS"
address = ["12 rue des Tanneurs", "69003 Lyon"]
city = "Lyon"
phone = "04 72 00 11 22"
email = "compta@atelier-durand.fr"
siren = "812 345 678"
iban = "FR76 3000 4000 0312 3456 7890 143"
bic = "BNPAFRPPXXX"
account_holder = "Atelier Durand SAS"
signatory_name = "Claire Martin"
signatory_function = "Responsable du recouvrement"
"#,
    )
    .unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&path, std::fs::Permissions::from_mode(0o600)).unwrap();
}

pub fn new_store(db: &Path) -> Store {
    // An explicit, empty config file keeps the "no configuration" warning out of stderr.
    std::fs::write(db.with_extension("config.toml"), "").unwrap();
    let s = Store::new(db, StoreOptions::default());
    s.init().unwrap();
    s
}

pub fn new_dossier(name: &str) -> NewDossier {
    NewDossier {
        debtor: Debtor::new(0, name, DebtorType::B2b),
        created: EventKind::Created {
            debtor: 0,
            kind: DossierKind::Invoices,
            profile: None,
            jurisdiction: Jurisdiction::Fr,
            contractual_rate: None,
            refund_reason: None,
            terms: None,
        },
        items: vec![Item {
            reference: format!("F-{name}"),
            issued: d("2026-01-05"),
            due: d("2026-02-04"),
            amount: Decimal::new(123456, 2),
            description: None,
            proof: None,
        }],
        date: d("2026-03-01"),
    }
}

pub fn note(text: &str) -> EventKind {
    EventKind::Note {
        kind: NoteKind::Note,
        text: text.to_string(),
    }
}

/// Note texts of a dossier's journal, in journal order, with their seq.
pub fn notes(store: &Store, id: DossierId) -> Vec<(u32, String)> {
    store
        .load(id)
        .unwrap()
        .events
        .into_iter()
        .filter_map(|e| match e.kind {
            EventKind::Note { text, .. } => Some((e.seq, text)),
            _ => None,
        })
        .collect()
}

/// Starts a writer process: `plan` is a list of (dossier, count); the writer alternates between
/// them, appending notes `"{tag}-{dossier}-{n}"` with the journal length it just read, retrying
/// stale refusals, and prints `ACK id seq text` after each acknowledged write, `STALE n` at the
/// end, and `ERR …` (then exits 1) on any other error.
pub fn spawn_writer(db: &Path, tag: &str, plan: &[(DossierId, usize)]) -> std::process::Child {
    use std::os::unix::process::CommandExt;
    let plan: Vec<String> = plan.iter().map(|(id, n)| format!("{id}:{n}")).collect();
    let mut cmd = Command::new(std::env::current_exe().unwrap());
    // A shell running the tests in the background ignores SIGINT and SIGQUIT, and an exec'd
    // child inherits that: give the writer the default dispositions a user's process has, so
    // the signals the tests send act as they would.
    // SAFETY: only async-signal-safe calls (signal) between fork and exec.
    unsafe {
        cmd.pre_exec(|| {
            for sig in [libc::SIGINT, libc::SIGQUIT, libc::SIGTERM, libc::SIGHUP] {
                libc::signal(sig, libc::SIG_DFL);
            }
            Ok(())
        });
    }
    cmd.args([
        "writer_child",
        "--exact",
        "--ignored",
        "--nocapture",
        "--quiet",
    ])
    .env("RECOUVRE_WRITER_DB", db)
    .env("RECOUVRE_WRITER_TAG", tag)
    .env("RECOUVRE_WRITER_PLAN", plan.join(","))
    .stdout(Stdio::piped())
    .stderr(Stdio::piped())
    .spawn()
    .unwrap()
}

/// Body of the `writer_child` pseudo-test.
pub fn writer_main() {
    let Ok(db) = std::env::var("RECOUVRE_WRITER_DB") else {
        return;
    };
    let tag = std::env::var("RECOUVRE_WRITER_TAG").unwrap();
    let mut plan: Vec<(DossierId, usize)> = std::env::var("RECOUVRE_WRITER_PLAN")
        .unwrap()
        .split(',')
        .map(|p| {
            let (id, n) = p.split_once(':').unwrap();
            (id.parse().unwrap(), n.parse().unwrap())
        })
        .collect();
    let store = Store::new(PathBuf::from(db), StoreOptions::default());
    let mut out = std::io::stdout().lock();
    let mut stale = 0usize;
    let mut n = 0usize;
    while plan.iter().any(|(_, left)| *left > 0) {
        for (id, left) in plan.iter_mut() {
            if *left == 0 {
                continue;
            }
            *left -= 1;
            n += 1;
            let text = format!("{tag}-{id}-{n}");
            loop {
                let len = match store.load(*id) {
                    Ok(d) => d.state.journal_len,
                    Err(e) => {
                        writeln!(out, "ERR {id} {e}").unwrap();
                        std::process::exit(1);
                    }
                };
                match store.append(*id, Some(len), d(TODAY), vec![note(&text)]) {
                    Ok(evs) => {
                        writeln!(out, "ACK {id} {} {text}", evs[0].seq).unwrap();
                        out.flush().unwrap();
                        break;
                    }
                    Err(StoreError::Stale { .. }) => stale += 1,
                    Err(e) => {
                        writeln!(out, "ERR {id} {e}").unwrap();
                        std::process::exit(1);
                    }
                }
            }
        }
    }
    writeln!(out, "STALE {stale}").unwrap();
}

/// An acknowledged write as printed by a writer.
#[derive(Debug, Clone, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct Ack {
    pub id: DossierId,
    pub seq: u32,
    pub text: String,
}

pub fn parse_acks(stdout: &str) -> (Vec<Ack>, Vec<String>, usize) {
    let mut acks = Vec::new();
    let mut errors = Vec::new();
    let mut stale = 0;
    for line in stdout.lines() {
        let mut parts = line.splitn(4, ' ');
        match parts.next() {
            Some("ACK") => {
                let id = parts.next().and_then(|p| p.parse().ok());
                let seq = parts.next().and_then(|p| p.parse().ok());
                // A line cut by a kill is not an acknowledgement.
                if let (Some(id), Some(seq), Some(text)) = (id, seq, parts.next()) {
                    acks.push(Ack {
                        id,
                        seq,
                        text: text.to_string(),
                    });
                }
            }
            Some("STALE") => stale = parts.next().and_then(|p| p.parse().ok()).unwrap_or(0),
            Some("ERR") => errors.push(line.to_string()),
            _ => {}
        }
    }
    (acks, errors, stale)
}

/// Opens a store's sled files directly, as an older version or a damaged disk would leave them.
/// The store closes sled on a thread of its own after each operation (and only then releases its
/// lock), so this waits for sled's file lock as the store's own open does.
#[allow(dead_code)]
pub fn raw_sled(data: &Path) -> sled::Db {
    let start = std::time::Instant::now();
    loop {
        match sled::Config::new().path(data).open() {
            Ok(db) => return db,
            Err(e)
                if e.to_string().contains("could not acquire lock")
                    && start.elapsed() < std::time::Duration::from_secs(10) =>
            {
                std::thread::sleep(std::time::Duration::from_millis(2))
            }
            Err(e) => panic!("{}: {e}", data.display()),
        }
    }
}

/// Rewrites a database as schema 1 left it: one journal key per event (dossier, then seq,
/// big-endian) in the `journal` tree, schema number 1. Returns how many events were moved.
/// sled's files keep their modes (sled writes its snapshot with the process umask).
#[allow(dead_code)]
pub fn downgrade_to_schema_1(db: &Path) -> usize {
    use recouvre::storage::codec;
    use recouvre::storage::store::blocks::BLOCK_LEN;
    use std::os::unix::fs::PermissionsExt;
    let data = db.join("data");
    let mut n = 0;
    {
        let raw = raw_sled(&data);
        let blocks = raw.open_tree("journal_blocks").unwrap();
        let old = raw.open_tree("journal").unwrap();
        for kv in blocks.iter() {
            let (k, v) = kv.unwrap();
            let first = u32::from_be_bytes(k[8..12].try_into().unwrap()) * BLOCK_LEN;
            for (i, record) in codec::split_block(&v).unwrap().into_iter().enumerate() {
                let mut key = k[..8].to_vec();
                key.extend_from_slice(&(first + i as u32).to_be_bytes());
                old.insert(key, record).unwrap();
                n += 1;
            }
        }
        raw.drop_tree("journal_blocks").unwrap();
        let meta = raw.open_tree("meta").unwrap();
        meta.insert("schema_version", codec::encode(&1u32).unwrap())
            .unwrap();
        raw.flush().unwrap();
    }
    for f in std::fs::read_dir(&data).unwrap().flatten() {
        if f.file_type().unwrap().is_file() {
            std::fs::set_permissions(f.path(), std::fs::Permissions::from_mode(0o600)).unwrap();
        }
    }
    n
}
