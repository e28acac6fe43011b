//! Store latency at realistic sizes: what one CLI command or one TUI action costs.
//!
//! Run: `cargo bench --bench store` (add `RECOUVRE_BENCH_LARGE=1` for a 20 000-dossier,
//! ~140 000-record database). Prints median and 95th percentile per operation and size.

use std::time::{Duration, Instant};

use chrono::NaiveDate;
use recouvre::domain::event::{Channel, EventKind, NoteKind};
use recouvre::domain::model::*;
use recouvre::model::NewDossier;
use recouvre::storage::{Store, StoreOptions};
use rust_decimal::Decimal;

fn day(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A dossier with a history: creation, two items, then relances, a call, a payment.
fn dossier(n: usize) -> (NewDossier, Vec<(NaiveDate, EventKind)>) {
    let item = |r: &str, cents: i64| Item {
        reference: format!("F-{n}-{r}"),
        issued: day(2026, 1, 5),
        due: day(2026, 2, 4),
        amount: Decimal::new(cents + n as i64, 2),
        description: Some("Prestations".into()),
        proof: None,
    };
    let new = NewDossier {
        debtor: Debtor::new(0, format!("Débiteur {n} SARL"), DebtorType::B2b),
        created: EventKind::Created {
            debtor: 0,
            kind: DossierKind::Invoices,
            profile: None,
            jurisdiction: Jurisdiction::Fr,
            contractual_rate: None,
            refund_reason: None,
            terms: None,
        },
        items: vec![item("A", 123_456), item("B", 78_900)],
        date: day(2026, 2, 1),
    };
    let history = vec![
        (
            day(2026, 2, 12),
            EventKind::RelanceSent {
                level: 1,
                channel: Channel::Email,
                letter: Some("Madame, Monsieur, sauf erreur de notre part…".into()),
                overrides: vec![],
            },
        ),
        (
            day(2026, 2, 26),
            EventKind::Note {
                kind: NoteKind::PhoneCall,
                text: "Promet un virement".into(),
            },
        ),
        (
            day(2026, 3, 10),
            EventKind::PaymentReceived {
                amount: Decimal::new(50_000, 2),
                reference: Some("VIR".into()),
                invoice: None,
            },
        ),
    ];
    (new, history)
}

fn stats(mut v: Vec<Duration>) -> (Duration, Duration) {
    v.sort();
    let median = v[v.len() / 2];
    let p95 = v[((v.len() as f64 * 0.95).ceil() as usize).min(v.len()) - 1];
    (median, p95)
}

fn time<T>(n: usize, mut f: impl FnMut(usize) -> T) -> (Duration, Duration) {
    let mut v = Vec::with_capacity(n);
    for i in 0..n {
        let t = Instant::now();
        std::hint::black_box(f(i));
        v.push(t.elapsed());
    }
    stats(v)
}

fn ms(d: Duration) -> String {
    if d < Duration::from_millis(1) {
        format!("{:.1} µs", d.as_secs_f64() * 1e6)
    } else {
        format!("{:.2} ms", d.as_secs_f64() * 1000.0)
    }
}

fn main() {
    let mut sizes = vec![1_000usize, 10_000];
    if std::env::var_os("RECOUVRE_BENCH_LARGE").is_some() {
        sizes.push(20_000);
    }
    println!(
        "{:<9} {:>8} {:<38} {:>6} {:>11} {:>11}",
        "dossiers", "records", "operation", "runs", "median", "p95"
    );
    for &size in &sizes {
        let dir = tempfile::tempdir().unwrap();
        let store = Store::new(dir.path().join("db"), StoreOptions::default());
        store.init().unwrap();
        let t = Instant::now();
        for start in (0..size).step_by(1_000) {
            let batch: Vec<_> = (start..(start + 1_000).min(size)).map(dossier).collect();
            store.import(batch).unwrap();
        }
        let populate = t.elapsed();
        // Journal entries (6 per dossier) + dossier records + debtors.
        let records = size * 8;
        let row = |op: &str, runs: usize, (med, p95): (Duration, Duration)| {
            println!(
                "{:<9} {:>8} {:<38} {:>6} {:>11} {:>11}",
                size,
                records,
                op,
                runs,
                ms(med),
                ms(p95)
            );
        };
        row("populate (1 000 per transaction)", 1, (populate, populate));
        let today = day(2026, 11, 25);
        let mut lens: Vec<u32> = vec![0; size + 1];
        let runs = 60;
        row(
            "append (lock+open+tx+flush+fsync+close)",
            runs,
            time(runs, |i| {
                let id = (i * 97 % size) as u64 + 1;
                let expected = if lens[id as usize] == 0 {
                    6
                } else {
                    lens[id as usize]
                };
                let evs = store
                    .append(
                        id,
                        Some(expected),
                        today,
                        vec![EventKind::Note {
                            kind: NoteKind::Note,
                            text: format!("bench {i}"),
                        }],
                    )
                    .unwrap();
                lens[id as usize] = evs[0].seq + 1;
            }),
        );
        row(
            "load one dossier",
            runs,
            time(runs, |i| store.load((i * 31 % size) as u64 + 1).unwrap()),
        );
        let generation = store.load_all().unwrap().generation;
        row(
            "poll_changes, nothing new (no lock)",
            1_000,
            time(1_000, |_| store.poll_changes(generation).unwrap()),
        );
        row(
            "poll_changes, 1 change behind",
            runs,
            time(runs, |_| store.poll_changes(generation - 1).unwrap()),
        );
        let load_runs = if size > 10_000 { 3 } else { 7 };
        row(
            "load_all (decode + fold every dossier)",
            load_runs,
            time(load_runs, |_| {
                let s = store.load_all().unwrap();
                assert_eq!(s.dossiers.len(), size);
                s
            }),
        );
        // Contention: a reader loops over full loads while we append. Only the raw copy of the
        // records happens under the lock; decoding and folding no longer hold writers back.
        let stop = std::sync::Arc::new(std::sync::atomic::AtomicBool::new(false));
        let reader = {
            let (store, stop) = (store.clone(), std::sync::Arc::clone(&stop));
            std::thread::spawn(move || {
                while !stop.load(std::sync::atomic::Ordering::Relaxed) {
                    let _ = store.load_all();
                }
            })
        };
        row(
            "append while another loads everything",
            runs,
            time(runs, |i| {
                let id = (i * 89 % size) as u64 + 1;
                store
                    .append(
                        id,
                        None,
                        today,
                        vec![EventKind::Note {
                            kind: NoteKind::Note,
                            text: format!("contended {i}"),
                        }],
                    )
                    .unwrap()
            }),
        );
        stop.store(true, std::sync::atomic::Ordering::Relaxed);
        let _ = reader.join();
        row(
            "doctor (check every record)",
            3,
            time(3, |_| {
                let r = store.doctor().unwrap();
                assert!(r.healthy());
                r
            }),
        );
    }
}
