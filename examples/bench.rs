//! The scale benchmark of issue #13: an instrument, not a test. It never fails on slowness, only
//! on errors (a command exiting non-zero, a database that cannot be made).
//!
//!   cargo run --release --example bench -- --dossiers 1000,10000,100000
//!        [--runs R] [--keep DIR] [--seed S] [--today YYYY-MM-DD] [--bin PATH] [--open-only]
//!        [--letters]
//!
//! For each size it generates a database (the `gen` example's logic), or reuses the one in
//! `--keep DIR` made with the same size, seed and date, then measures:
//! - whole processes of the release binary (built first with `cargo build --release` unless
//!   `--bin` names one): `--version` (process start), `status QUERY` (one debtor), `status
//!   --json` (all), `show ID`, `log ID note x` (with its fsync): wall time from spawn to exit,
//!   and peak memory from the OS (`wait4` rusage `ru_maxrss`, i.e. VmHWM);
//! - sled's own open of `data/` (store's settings) in a child of this bench, with its peak
//!   memory;
//! - in this process: sled open and a raw scan of every tree, `Store::load_all`
//!   (open, scan, decode, fold) and building the TUI rows from it (assessment and sort), which
//!   split the cost of a whole-portfolio read;
//! - the TUI through the real event loop (`tui::runtime::run_loop`) on a 160×42 `TestBackend`
//!   with scripted keys, in a child process of this bench (so its peak memory is its own): time
//!   to the first frame with rows, then per keystroke (down, page down, a filter keystroke over
//!   every row, sort change) the time from the loop receiving the key to it asking for the next
//!   one, i.e. update, effects and the redraw.
//!
//! Each measure is taken `--runs` times (default 5) after one unmeasured warm-up run; the table
//! gives the median and the worst. `--open-only` (for 1 000 000) stops after generation, size
//! and sled's open time.

#[path = "common/gen.rs"]
mod gen;

use std::cell::RefCell;
use std::collections::VecDeque;
use std::fs::File;
use std::io::{BufRead, BufReader, Read, Write};
use std::path::{Path, PathBuf};
use std::process::{Command as Process, Stdio};
use std::sync::atomic::AtomicBool;
use std::sync::Arc;
use std::time::{Duration, Instant};

use anyhow::{bail, Context};
use chrono::NaiveDate;
use crossterm::event::{Event, KeyCode, KeyEvent, KeyModifiers};
use ratatui::backend::TestBackend;
use ratatui::Terminal;

// The crate's public paths, kept here so a move is one edit.
use recouvre::app::{fixtures, update, Action, State};
use recouvre::keymap::Keymap;
use recouvre::storage::Store;
use recouvre::tui::runtime::{run_loop, EventSource, LoopOptions};
use recouvre::ui::theme::{Palette, Theme};

use gen::{human_bytes, GenOptions};

const TUI_WIDTH: u16 = 160;
const TUI_HEIGHT: u16 = 42;
/// What sled is given by the store (`StoreOptions::default().cache_bytes`).
const SLED_CACHE: u64 = 16 * 1024 * 1024;

struct Args {
    sizes: Vec<u64>,
    runs: usize,
    keep: Option<PathBuf>,
    seed: u64,
    today: NaiveDate,
    bin: Option<PathBuf>,
    open_only: bool,
    letters: bool,
}

fn main() -> anyhow::Result<()> {
    let mut raw = std::env::args().skip(1).peekable();
    if raw.peek().map(String::as_str) == Some("--launcher") {
        return launcher_main();
    }
    if raw.peek().map(String::as_str) == Some("--sled-open-child") {
        raw.next();
        let data: PathBuf = raw.next().context("--sled-open-child DATA")?.into();
        return sled_open_child(&data);
    }
    if raw.peek().map(String::as_str) == Some("--tui-child") {
        raw.next();
        let db: PathBuf = raw.next().context("--tui-child DB TODAY")?.into();
        let today = NaiveDate::parse_from_str(&raw.next().context("TODAY")?, "%Y-%m-%d")?;
        let whole = raw.next().as_deref() == Some("whole");
        // As the real TUI does first thing.
        recouvre::crash::limit_malloc_arenas();
        return tui_child(&db, today, whole);
    }
    let args = parse_args(raw)?;
    let keep_tmp = tempfile::tempdir()?;
    let config_home = keep_tmp.path().join("config");
    std::fs::create_dir_all(&config_home)?;
    // First, while this process is small (see `Launcher`).
    let launcher = RefCell::new(Launcher::start(&config_home)?);
    let root = match &args.keep {
        Some(d) => {
            std::fs::create_dir_all(d)?;
            d.clone()
        }
        None => keep_tmp.path().to_path_buf(),
    };
    let bin = if args.open_only {
        PathBuf::new()
    } else {
        release_binary(&args)?
    };

    println!("# recouvre scale benchmark");
    println!();
    println!("- machine: {}", machine());
    println!("- load average at start: {}", loadavg());
    println!(
        "- seed {}, today {}, {}, {} runs per measure after one warm-up; median / worst",
        args.seed,
        args.today,
        if args.letters {
            "a letter kept in every reminder and notice"
        } else {
            "no letter texts (the demo's shape)"
        },
        args.runs
    );
    if !args.open_only {
        println!("- binary: {}", bin.display());
    }
    println!();

    let mut columns: Vec<Column> = Vec::new();
    for &n in &args.sizes {
        let db = root.join(format!(
            "recouvre-{n}-s{}-{}{}",
            args.seed,
            args.today,
            if args.letters { "-letters" } else { "" }
        ));
        let gen = ensure_db(&db, n, &args)?;
        let mut col = Column {
            n,
            gen,
            size: gen::dir_size(&db),
            load_before: loadavg(),
            ..Column::default()
        };
        let env = ChildEnv {
            launcher: &launcher,
            bin: &bin,
            db: &db,
            today: args.today,
            scratch: keep_tmp.path(),
        };
        col.sled_open = measure_sled_open(&env, args.runs)?;
        if !args.open_only {
            let id = (n / 2).max(1);
            let query = gen::query_for(args.seed, id - 1, args.today);
            col.query = query.clone();
            col.id = id;
            let id_s = id.to_string();
            col.procs = vec![
                env.measure("--version", &["--version"], args.runs, false)?,
                env.measure("status QUERY", &["status", &query], args.runs, true)?,
                env.measure("status --json", &["status", "--json"], args.runs, true)?,
                env.measure("show ID", &["show", &id_s], args.runs, true)?,
                env.measure(
                    "log ID note x",
                    &["log", &id_s, "note", "x"],
                    args.runs,
                    true,
                )?,
            ];
            let m = measure_in_process(&db, args.today, args.runs)?;
            col.scan = m.scan;
            col.load_all = m.load;
            col.rows = m.rows;
            col.put_one = m.put_one;
            col.put_many = m.put_many;
            col.tui = measure_tui(&env, args.runs)?;
        }
        col.load_after = loadavg();
        eprintln!("done: {n} dossiers (load average {})", col.load_after);
        columns.push(col);
    }
    print_table(&columns, args.open_only);
    println!();
    println!("- load average at end: {}", loadavg());
    if let Some(d) = &args.keep {
        println!("- databases kept in {}", d.display());
    }
    Ok(())
}

fn parse_args(mut it: impl Iterator<Item = String>) -> anyhow::Result<Args> {
    let mut a = Args {
        sizes: vec![1_000, 10_000, 100_000],
        runs: 5,
        keep: None,
        seed: 42,
        today: gen::default_today(),
        bin: None,
        open_only: false,
        letters: false,
    };
    while let Some(flag) = it.next() {
        let mut val = || it.next().with_context(|| format!("{flag} needs a value"));
        match flag.as_str() {
            "--dossiers" => {
                a.sizes = val()?
                    .split(',')
                    .map(gen::parse_count)
                    .collect::<anyhow::Result<_>>()?
            }
            "--runs" => a.runs = val()?.parse::<usize>()?.max(1),
            "--keep" => a.keep = Some(val()?.into()),
            "--seed" => a.seed = val()?.parse()?,
            "--today" => a.today = NaiveDate::parse_from_str(&val()?, "%Y-%m-%d")?,
            "--bin" => a.bin = Some(val()?.into()),
            "--open-only" => a.open_only = true,
            "--letters" => a.letters = true,
            "-h" | "--help" => {
                println!(
                    "bench --dossiers 1000,10000,100000 [--runs R] [--keep DIR] [--seed S] \
                     [--today YYYY-MM-DD] [--bin PATH] [--open-only] [--letters]"
                );
                std::process::exit(0);
            }
            other => bail!("unknown argument {other} (try --help)"),
        }
    }
    Ok(a)
}

/// The release binary: `--bin`, else built now with cargo (a no-op when up to date).
fn release_binary(args: &Args) -> anyhow::Result<PathBuf> {
    if let Some(b) = &args.bin {
        return Ok(b.clone());
    }
    let manifest = Path::new(env!("CARGO_MANIFEST_DIR"));
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .unwrap_or_else(|| manifest.join("target"));
    eprintln!("cargo build --release --bin recouvre");
    let status = Process::new(option_env!("CARGO").unwrap_or("cargo"))
        .args(["build", "--release", "--bin", "recouvre", "--manifest-path"])
        .arg(manifest.join("Cargo.toml"))
        .status()
        .context("running cargo build")?;
    if !status.success() {
        bail!("cargo build --release failed");
    }
    let bin = target.join("release").join("recouvre");
    if !bin.is_file() {
        bail!("{} not found after the build", bin.display());
    }
    Ok(bin)
}

fn ensure_db(db: &Path, n: u64, args: &Args) -> anyhow::Result<Option<gen::GenReport>> {
    if Store::new(db, gen::store_options()).exists() {
        eprintln!("reusing {}", db.display());
        return Ok(None);
    }
    let opts = GenOptions {
        seed: args.seed,
        today: args.today,
        letters: args.letters,
        ..GenOptions::new(n)
    };
    eprintln!("generating {n} dossiers into {}", db.display());
    let report = gen::generate(db, &opts, |done, elapsed| {
        if done % (opts.batch * 10) == 0 || done == n {
            eprintln!("  {done:>9} / {n}  {:>7.1} s", elapsed.as_secs_f64());
        }
    })?;
    Ok(Some(report))
}

// ---------------------------------------------------------------------------------------------
// Whole processes.

/// Median and worst of some durations, and the worst peak memory (KiB) when measured.
#[derive(Debug, Clone, Default)]
struct Stat {
    median: Duration,
    worst: Duration,
    samples: usize,
    peak_kib: Option<u64>,
}

impl Stat {
    fn of(mut v: Vec<Duration>, peak_kib: Option<u64>) -> Stat {
        v.sort();
        Stat {
            median: v.get(v.len() / 2).copied().unwrap_or_default(),
            worst: v.last().copied().unwrap_or_default(),
            samples: v.len(),
            peak_kib,
        }
    }

    fn cell(&self) -> String {
        if self.samples == 0 {
            return "–".into();
        }
        let mut s = format!("{} / {}", ms(self.median), ms(self.worst));
        if let Some(k) = self.peak_kib {
            s.push_str(&format!(", {:.0} MB", k as f64 / 1024.0));
        }
        s
    }
}

fn ms(d: Duration) -> String {
    let m = d.as_secs_f64() * 1000.0;
    if m >= 1000.0 {
        format!("{:.2} s", m / 1000.0)
    } else if m >= 10.0 {
        format!("{m:.0} ms")
    } else {
        format!("{m:.1} ms")
    }
}

struct ChildEnv<'a> {
    launcher: &'a RefCell<Launcher>,
    bin: &'a Path,
    db: &'a Path,
    today: NaiveDate,
    scratch: &'a Path,
}

/// What `wait4` says of a finished child.
struct Finished {
    wall: Duration,
    peak_kib: u64,
    stdout: String,
}

impl ChildEnv<'_> {
    fn run(&self, program: &Path, args: &[String]) -> anyhow::Result<Finished> {
        self.launcher.borrow_mut().run(program, args, self.scratch)
    }

    fn measure(
        &self,
        label: &str,
        args: &[&str],
        runs: usize,
        with_db: bool,
    ) -> anyhow::Result<(String, Stat)> {
        let mut full: Vec<String> = Vec::new();
        if with_db {
            full.extend([
                "--db".to_string(),
                self.db.display().to_string(),
                "--today".to_string(),
                self.today.to_string(),
            ]);
        }
        full.extend(args.iter().map(|a| a.to_string()));
        let mut times = Vec::with_capacity(runs);
        let mut peak = 0;
        for run in 0..=runs {
            let f = self
                .run(self.bin, &full)
                .with_context(|| format!("recouvre {label}"))?;
            // The first run warms the page cache (and makes the day's journal backup).
            if run > 0 {
                times.push(f.wall);
                peak = peak.max(f.peak_kib);
            }
        }
        Ok((label.to_string(), Stat::of(times, Some(peak))))
    }
}

/// Starts the measured children. A child's peak memory (`ru_maxrss`) counts the memory of the
/// process that spawned it as it was at the spawn (Linux keeps the high-water mark across
/// `exec`), so children are spawned by this small process, started before the bench loads any
/// database, not by the bench itself.
struct Launcher {
    child: std::process::Child,
    requests: std::process::ChildStdin,
    replies: BufReader<std::process::ChildStdout>,
}

/// Separates the fields of a request (never in a path or an argument here).
const SEP: char = '\u{1f}';

impl Launcher {
    fn start(config_home: &Path) -> anyhow::Result<Launcher> {
        let mut child = Process::new(std::env::current_exe()?)
            .arg("--launcher")
            // No user configuration may change what is measured.
            .env("XDG_CONFIG_HOME", config_home)
            .env_remove("RECOUVRE_DB")
            .env_remove("RECOUVRE_TODAY")
            .env_remove("RECOUVRE_CONFIG")
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .context("starting the launcher")?;
        let requests = child.stdin.take().context("launcher stdin")?;
        let replies = BufReader::new(child.stdout.take().context("launcher stdout")?);
        Ok(Launcher {
            child,
            requests,
            replies,
        })
    }

    fn run(&mut self, program: &Path, args: &[String], scratch: &Path) -> anyhow::Result<Finished> {
        let out_path = scratch.join("child.out");
        let err_path = scratch.join("child.err");
        let mut fields = vec![
            out_path.display().to_string(),
            err_path.display().to_string(),
            program.display().to_string(),
        ];
        fields.extend(args.iter().cloned());
        let line = fields.join(&SEP.to_string());
        if line.contains('\n') {
            bail!("a newline in a child's arguments");
        }
        writeln!(self.requests, "{line}")?;
        self.requests.flush()?;
        let mut reply = String::new();
        self.replies.read_line(&mut reply)?;
        let mut it = reply.split_whitespace();
        let mut num =
            || -> anyhow::Result<i64> { Ok(it.next().context("launcher reply")?.parse::<i64>()?) };
        let (wall_ns, peak_kib, status) = (num()?, num()?, num()? as libc::c_int);
        let mut stdout = String::new();
        File::open(&out_path)?.read_to_string(&mut stdout)?;
        if !(libc::WIFEXITED(status) && libc::WEXITSTATUS(status) == 0) {
            let mut err = String::new();
            File::open(&err_path)?.read_to_string(&mut err)?;
            bail!(
                "exit status {status:#x}: {}",
                err.lines().take(10).collect::<Vec<_>>().join("\n")
            );
        }
        Ok(Finished {
            wall: Duration::from_nanos(wall_ns.max(0) as u64),
            peak_kib: peak_kib.max(0) as u64,
            stdout,
        })
    }
}

impl Drop for Launcher {
    fn drop(&mut self) {
        // Our own child, idle between requests: nothing of it is lost.
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The launcher's loop: one request per line (files for stdout and stderr, program,
/// arguments), one reply per line (`wall_ns peak_kib wait_status`).
fn launcher_main() -> anyhow::Result<()> {
    let stdin = std::io::stdin();
    let mut out = std::io::stdout().lock();
    for line in stdin.lock().lines() {
        let line = line?;
        let fields: Vec<&str> = line.split(SEP).collect();
        let [out_path, err_path, program, args @ ..] = fields.as_slice() else {
            bail!("bad request {line:?}");
        };
        let mut c = Process::new(program);
        c.args(args)
            .stdin(Stdio::null())
            .stdout(File::create(out_path)?)
            .stderr(File::create(err_path)?);
        let start = Instant::now();
        let child = c.spawn()?;
        let pid = child.id() as libc::pid_t;
        let mut status: libc::c_int = 0;
        // SAFETY: rusage is plain data, filled in by the kernel.
        let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
        // SAFETY: waits for our own child; `status` and `usage` outlive the call.
        let r = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
        let wall = start.elapsed();
        if r != pid {
            bail!("wait4: {}", std::io::Error::last_os_error());
        }
        // Reaped above: the handle must not wait again.
        drop(child);
        // ru_maxrss is in KiB on Linux.
        writeln!(out, "{} {} {status}", wall.as_nanos(), usage.ru_maxrss)?;
        out.flush()?;
    }
    Ok(())
}

// ---------------------------------------------------------------------------------------------
// In this process.

/// sled's own open of the store's `data/`, as the store configures it. A retry when sled's lock
/// is still held by the previous open is not counted.
/// In a child process of this bench, so that sled's own memory shows (its page table is read
/// at open): the child prints the open's duration, the kernel gives its peak memory.
fn measure_sled_open(env: &ChildEnv, runs: usize) -> anyhow::Result<Stat> {
    let me = std::env::current_exe()?;
    let args = [
        "--sled-open-child".to_string(),
        env.db.join("data").display().to_string(),
    ];
    let mut times = Vec::new();
    let mut peak = 0;
    for run in 0..=runs {
        let f = env.run(&me, &args).context("sled open child")?;
        if run > 0 {
            times.push(Duration::from_micros(
                f.stdout.trim().parse().context("sled open child output")?,
            ));
            peak = peak.max(f.peak_kib);
        }
    }
    Ok(Stat::of(times, Some(peak)))
}

fn sled_open_child(data: &Path) -> anyhow::Result<()> {
    let (t, db) = open_sled(data)?;
    println!("{}", t.as_micros());
    drop(db);
    Ok(())
}

fn open_sled(data: &Path) -> anyhow::Result<(Duration, sled::Db)> {
    // sled writes a new snapshot file at open with the process umask; the store opens under its
    // own (600), and a 644 snapshot left by the bench would make `doctor` report the database.
    // SAFETY: umask cannot fail; the bench's other threads create no files meanwhile.
    unsafe { libc::umask(0o077) };
    let deadline = Instant::now() + Duration::from_secs(10);
    loop {
        let t = Instant::now();
        match sled::Config::new()
            .path(data)
            .cache_capacity(SLED_CACHE)
            .flush_every_ms(None)
            .open()
        {
            Ok(db) => return Ok((t.elapsed(), db)),
            Err(e) if e.to_string().contains("could not acquire lock") => {
                if Instant::now() > deadline {
                    bail!("sled lock still held after 10 s: {e}");
                }
                std::thread::sleep(Duration::from_millis(2));
            }
            Err(e) => bail!("sled open {}: {e}", data.display()),
        }
    }
}

/// What [`measure_in_process`] times.
struct InProcess {
    scan: Stat,
    load: Stat,
    rows: Stat,
    /// One dossier changed by a write, put back in the TUI's list (`update(Patched)`).
    put_one: Stat,
    /// 65 dossiers changed at once (a colleague's batch): the list rebuilt from every entry.
    put_many: Stat,
}

/// Where a whole-portfolio read spends its time: sled open plus a raw scan of every tree,
/// `Store::load_all` (that, plus decoding and folding), and the TUI rows built from its result
/// (assessment of every dossier, filter and sort); then what a write costs the list after it.
fn measure_in_process(db: &Path, today: NaiveDate, runs: usize) -> anyhow::Result<InProcess> {
    let data = db.join("data");
    let store = Store::new(db, gen::store_options());
    let (mut scans, mut loads, mut rows) = (Vec::new(), Vec::new(), Vec::new());
    let (mut put_one, mut put_many) = (Vec::new(), Vec::new());
    for run in 0..=runs {
        let t = Instant::now();
        let (_, sled_db) = open_sled(&data)?;
        let mut bytes = 0usize;
        for name in sled_db.tree_names() {
            let tree = sled_db.open_tree(&name)?;
            for kv in tree.iter() {
                let (k, v) = kv?;
                bytes += k.len() + v.len();
            }
        }
        let scan = t.elapsed();
        drop(sled_db);
        std::hint::black_box(bytes);

        let t = Instant::now();
        let snap = store.load_all()?;
        let load = t.elapsed();
        if !snap.problems.is_empty() {
            bail!("load_all reports problems: {:?}", &snap.problems[..1]);
        }
        // Dossiers from the middle of the list, as a write would bring them back.
        let mid = snap.dossiers.len() / 2;
        let changed: Vec<_> = snap.dossiers.iter().skip(mid).take(65).cloned().collect();
        let patch = |dossiers: Vec<_>| {
            Action::Patched(Ok(recouvre::model::Snapshot {
                dossiers,
                problems: vec![],
                generation: 0,
            }))
        };
        let mut st = tui_state(today);
        let t = Instant::now();
        update(&mut st, Action::Loaded(Ok(snap)));
        let built = t.elapsed();
        let t = Instant::now();
        update(&mut st, patch(changed[..1].to_vec()));
        let one = t.elapsed();
        let t = Instant::now();
        update(&mut st, patch(changed));
        let many = t.elapsed();
        if run > 0 {
            scans.push(scan);
            loads.push(load);
            rows.push(built);
            put_one.push(one);
            put_many.push(many);
        }
    }
    Ok(InProcess {
        scan: Stat::of(scans, None),
        load: Stat::of(loads, None),
        rows: Stat::of(rows, None),
        put_one: Stat::of(put_one, None),
        put_many: Stat::of(put_many, None),
    })
}

fn tui_state(today: NaiveDate) -> State {
    let keymap = Keymap::named("default").expect("the default keymap is valid");
    let mut st = State::new(today, Arc::new(keymap));
    st.env = Arc::new(fixtures::env());
    st
}

// ---------------------------------------------------------------------------------------------
// The TUI, in a child process.

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
enum KeyKind {
    Down,
    PageDown,
    Filter,
    /// Sort changes, in the order `o` cycles through them.
    SortBalance,
    SortDaysLate,
    SortDebtor,
    SortUrgency,
    /// Opening or leaving the filter, quitting: not reported.
    Other,
}

/// Each reported kind of key: its name in the child's output, its label in the table.
const KEY_KINDS: [(KeyKind, &str, &str); 7] = [
    (KeyKind::Down, "down", "↓ (down)"),
    (KeyKind::PageDown, "pgdn", "page down"),
    (KeyKind::Filter, "filter", "filter keystroke over all rows"),
    (
        KeyKind::SortBalance,
        "sort_balance",
        "sort change → balance",
    ),
    (
        KeyKind::SortDaysLate,
        "sort_days",
        "sort change → days late",
    ),
    (
        KeyKind::SortDebtor,
        "sort_debtor",
        "sort change → debtor name",
    ),
    (
        KeyKind::SortUrgency,
        "sort_urgency",
        "sort change → urgency",
    ),
];

/// Scripted keys that note when the loop asks for each one: the time between handing a key
/// over and the next request is that key's update, effects and redraw.
struct TimedEvents {
    script: VecDeque<(KeyKind, Event)>,
    handed: Option<(KeyKind, Instant)>,
    first_request: Option<Instant>,
    latencies: Vec<(KeyKind, Duration)>,
}

impl EventSource for TimedEvents {
    fn next(&mut self, _timeout: Duration) -> std::io::Result<Option<Event>> {
        let now = Instant::now();
        self.first_request.get_or_insert(now);
        if let Some((kind, at)) = self.handed.take() {
            self.latencies.push((kind, now - at));
        }
        let (kind, ev) = self
            .script
            .pop_front()
            .ok_or_else(|| std::io::Error::other("script exhausted before quit"))?;
        self.handed = Some((kind, Instant::now()));
        Ok(Some(ev))
    }
}

fn key(code: KeyCode) -> Event {
    Event::Key(KeyEvent::new(code, KeyModifiers::NONE))
}

fn tui_script() -> VecDeque<(KeyKind, Event)> {
    let mut s = VecDeque::new();
    for _ in 0..30 {
        s.push_back((KeyKind::Down, key(KeyCode::Down)));
    }
    for _ in 0..10 {
        s.push_back((KeyKind::PageDown, key(KeyCode::PageDown)));
    }
    // Incremental filter over every row: each keystroke narrows the whole list again.
    s.push_back((KeyKind::Other, key(KeyCode::Char('/'))));
    for c in "dupre".chars() {
        s.push_back((KeyKind::Filter, key(KeyCode::Char(c))));
    }
    s.push_back((KeyKind::Other, key(KeyCode::Esc)));
    // Four sort changes over all rows, back to the default order.
    for kind in [
        KeyKind::SortBalance,
        KeyKind::SortDaysLate,
        KeyKind::SortDebtor,
        KeyKind::SortUrgency,
    ] {
        s.push_back((kind, key(KeyCode::Char('o'))));
    }
    s.push_back((KeyKind::Other, key(KeyCode::Char('q'))));
    s
}

/// One TUI session. `whole`: the keys wait for the whole list (as a user who waits for the
/// header's totals), prints `first=US rows=N down=US,US,… pgdn=… filter=… sort_balance=…` with
/// `first` the time the whole list is ready; otherwise quits on the first screen, as drawn while
/// the rest loads, and prints `first=US rows=N` for that screen.
fn tui_child(db: &Path, today: NaiveDate, whole: bool) -> anyhow::Result<()> {
    let start = Instant::now();
    let store = Store::new(db, gen::store_options());
    let mut st = tui_state(today);
    let mut term = Terminal::new(TestBackend::new(TUI_WIDTH, TUI_HEIGHT))?;
    let mut events = TimedEvents {
        script: if whole {
            tui_script()
        } else {
            VecDeque::from([(KeyKind::Other, key(KeyCode::Char('q')))])
        },
        handed: None,
        first_request: None,
        latencies: Vec::new(),
    };
    let opts = LoopOptions {
        theme: Theme::new(Palette::Sixteen),
        refresh: None,
        tick: Duration::from_millis(1),
        wait_for_load: whole,
        wait_for_journals: false,
        ..Default::default()
    };
    let stop = AtomicBool::new(false);
    run_loop(&mut term, &mut events, &mut st, &store, &stop, &opts)?;
    if !st.quit {
        bail!("the TUI did not quit");
    }
    let first = events
        .first_request
        .map(|t| t - start)
        .context("the loop never asked for a key")?;
    let mut line = format!("first={} rows={}", first.as_micros(), st.entries.len());
    if whole {
        // What the session keeps once the load's transient memory is returned: what a TUI
        // left open all day weighs on a shared server.
        line.push_str(&format!(" rss={}", resident_kib()?));
    }
    for (kind, name, _) in KEY_KINDS {
        let v: Vec<String> = events
            .latencies
            .iter()
            .filter(|(k, _)| *k == kind)
            .map(|(_, d)| d.as_micros().to_string())
            .collect();
        line.push_str(&format!(" {name}={}", v.join(",")));
    }
    println!("{line}");
    Ok(())
}

/// This process's resident memory now, in KiB (Linux: `/proc/self/status`).
fn resident_kib() -> anyhow::Result<u64> {
    let status = std::fs::read_to_string("/proc/self/status")?;
    let line = status
        .lines()
        .find(|l| l.starts_with("VmRSS:"))
        .context("no VmRSS in /proc/self/status")?;
    let kib = line
        .split_whitespace()
        .nth(1)
        .context("VmRSS without a value")?;
    Ok(kib.parse()?)
}

#[derive(Debug, Clone, Default)]
struct TuiStats {
    /// The first screen, drawn from the urgency index while the rest loads.
    first: Stat,
    /// The whole list loaded and assessed (and the peak memory of a session that used it).
    whole: Stat,
    /// The largest resident memory of a session once its whole list was in, in KiB.
    resident_kib: u64,
    keys: Vec<(&'static str, Stat)>,
}

fn measure_tui(env: &ChildEnv, runs: usize) -> anyhow::Result<TuiStats> {
    let me = std::env::current_exe()?;
    let (mut firsts, mut wholes) = (Vec::new(), Vec::new());
    let mut keys: Vec<Vec<Duration>> = vec![Vec::new(); KEY_KINDS.len()];
    let (mut first_peak, mut peak, mut resident) = (0, 0, 0);
    for run in 0..=(2 * runs + 1) {
        let whole = run % 2 == 1;
        let args = [
            "--tui-child".to_string(),
            env.db.display().to_string(),
            env.today.to_string(),
            if whole { "whole" } else { "first" }.to_string(),
        ];
        let f = env.run(&me, &args).context("TUI child")?;
        if run < 2 {
            continue;
        }
        let firsts = if whole {
            peak = peak.max(f.peak_kib);
            &mut wholes
        } else {
            first_peak = first_peak.max(f.peak_kib);
            &mut firsts
        };
        for field in f.stdout.split_whitespace() {
            let (name, values) = field.split_once('=').context("TUI child output")?;
            let us = |s: &str| s.parse::<u64>().map(Duration::from_micros);
            match name {
                "first" => firsts.push(us(values)?),
                "rss" => resident = u64::max(resident, values.parse()?),
                "rows" => {
                    if values.parse::<u64>()? == 0 {
                        bail!("the TUI showed no rows");
                    }
                }
                _ => {
                    let i = KEY_KINDS
                        .iter()
                        .position(|(_, n, _)| *n == name)
                        .context("TUI child output")?;
                    for v in values.split(',').filter(|v| !v.is_empty()) {
                        keys[i].push(us(v)?);
                    }
                }
            }
        }
    }
    Ok(TuiStats {
        first: Stat::of(firsts, Some(first_peak)),
        whole: Stat::of(wholes, Some(peak)),
        resident_kib: resident,
        keys: KEY_KINDS
            .iter()
            .zip(keys)
            .map(|((_, name, _), v)| (*name, Stat::of(v, None)))
            .collect(),
    })
}

// ---------------------------------------------------------------------------------------------
// Report.

#[derive(Debug, Default)]
struct Column {
    n: u64,
    gen: Option<gen::GenReport>,
    size: gen::DirSize,
    load_before: String,
    load_after: String,
    query: String,
    id: u64,
    sled_open: Stat,
    procs: Vec<(String, Stat)>,
    scan: Stat,
    load_all: Stat,
    rows: Stat,
    put_one: Stat,
    put_many: Stat,
    tui: TuiStats,
}

fn thousands(n: u64) -> String {
    let s = n.to_string();
    let mut out = String::new();
    for (i, c) in s.chars().enumerate() {
        if i > 0 && (s.len() - i).is_multiple_of(3) {
            out.push('\u{202f}');
        }
        out.push(c);
    }
    out
}

fn print_table(cols: &[Column], open_only: bool) {
    let header: Vec<String> = cols
        .iter()
        .map(|c| format!("{} dossiers", thousands(c.n)))
        .collect();
    println!("| measure | {} |", header.join(" | "));
    println!("|---|{}", "---|".repeat(cols.len()));
    let row = |label: &str, cell: &dyn Fn(&Column) -> String| {
        let cells: Vec<String> = cols.iter().map(cell).collect();
        println!("| {label} | {} |", cells.join(" | "));
    };
    row("generation (once), size on disk", &|c| match &c.gen {
        Some(g) => format!(
            "{:.1} s, {} ({} allocated)",
            g.elapsed.as_secs_f64(),
            human_bytes(g.size.apparent),
            human_bytes(g.size.allocated)
        ),
        None => format!(
            "reused, {} ({} allocated)",
            human_bytes(c.size.apparent),
            human_bytes(c.size.allocated)
        ),
    });
    row("sled's own open of data/ (child process, peak RSS)", &|c| {
        c.sled_open.cell()
    });
    if !open_only {
        let labels: Vec<String> = cols
            .first()
            .map(|c| c.procs.iter().map(|(l, _)| l.clone()).collect())
            .unwrap_or_default();
        for (i, label) in labels.iter().enumerate() {
            row(&format!("`recouvre {label}` (process, peak RSS)"), &|c| {
                c.procs.get(i).map(|(_, s)| s.cell()).unwrap_or_default()
            });
        }
        row("sled open + raw scan of every tree (in process)", &|c| {
            c.scan.cell()
        });
        row("`Store::load_all`: open, scan, decode, fold", &|c| {
            c.load_all.cell()
        });
        row(
            "TUI rows from a snapshot: assess, sort (`update(Loaded)`)",
            &|c| c.rows.cell(),
        );
        row(
            "TUI: a dossier a write changed, put back in the list (`update(Patched)`)",
            &|c| c.put_one.cell(),
        );
        row(
            "TUI: 65 dossiers changed at once, the list rebuilt from every entry",
            &|c| c.put_many.cell(),
        );
        row(
            "TUI start → first frame with rows (process, peak RSS)",
            &|c| c.tui.first.cell(),
        );
        row(
            "TUI start → whole list loaded in the background (peak RSS)",
            &|c| c.tui.whole.cell(),
        );
        row(
            "TUI: resident memory once the whole list is in (largest of the runs)",
            &|c| human_bytes(c.tui.resident_kib * 1024),
        );
        for (i, (_, _, what)) in KEY_KINDS.iter().enumerate() {
            row(&format!("TUI key: {what} (update + redraw)"), &|c| {
                c.tui.keys.get(i).map(|(_, s)| s.cell()).unwrap_or_default()
            });
        }
    }
    row("load average before / after", &|c| {
        format!("{} / {}", c.load_before, c.load_after)
    });
    if !open_only {
        println!();
        for c in cols {
            println!("- {}: QUERY = `{}`, ID = {}", thousands(c.n), c.query, c.id);
        }
    }
}

fn loadavg() -> String {
    std::fs::read_to_string("/proc/loadavg")
        .map(|s| s.split_whitespace().take(3).collect::<Vec<_>>().join(" "))
        .unwrap_or_else(|_| "?".into())
}

fn machine() -> String {
    let cpus = std::thread::available_parallelism()
        .map(|n| n.get())
        .unwrap_or(0);
    let model = std::fs::read_to_string("/proc/cpuinfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("model name"))
                .and_then(|l| l.split_once(':'))
                .map(|(_, m)| m.trim().to_string())
        })
        .unwrap_or_else(|| "?".into());
    let mem = std::fs::read_to_string("/proc/meminfo")
        .ok()
        .and_then(|s| {
            s.lines()
                .find(|l| l.starts_with("MemTotal"))
                .and_then(|l| l.split_whitespace().nth(1))
                .and_then(|k| k.parse::<u64>().ok())
        })
        .map(|k| format!("{:.1} GB RAM", k as f64 / 1024.0 / 1024.0))
        .unwrap_or_default();
    format!("{cpus} CPUs ({model}), {mem}")
}
