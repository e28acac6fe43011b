//! Several processes on one database: concurrent writers, stale-write refusal, lock waiting, and
//! the change detection an open TUI relies on.

mod common;

use std::collections::HashSet;
use std::time::{Duration, Instant};

use common::*;
use recouvre::domain::event::{Channel, EventKind};
use recouvre::storage::live::{stale_message, ChangeWatcher};
use recouvre::storage::{Store, StoreError, StoreOptions};

#[test]
#[ignore = "helper process for the multi-process tests, run by them"]
fn writer_child() {
    writer_main();
}

#[test]
fn two_writer_processes_lose_nothing_and_duplicate_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let shared = store.create(new_dossier("Partagé SA")).unwrap();
    let mine_a = store.create(new_dossier("Alpha SARL")).unwrap();
    let mine_b = store.create(new_dossier("Bravo SAS")).unwrap();
    let per_dossier = 120;

    let start = Instant::now();
    let a = spawn_writer(&db, "A", &[(shared, per_dossier), (mine_a, per_dossier)]);
    let b = spawn_writer(&db, "B", &[(shared, per_dossier), (mine_b, per_dossier)]);
    let outs = [a.wait_with_output().unwrap(), b.wait_with_output().unwrap()];
    let elapsed = start.elapsed();

    let mut all = Vec::new();
    let mut stale_total = 0;
    for out in &outs {
        let stdout = String::from_utf8_lossy(&out.stdout);
        let stderr = String::from_utf8_lossy(&out.stderr);
        let (acks, errors, stale) = parse_acks(&stdout);
        assert!(out.status.success(), "writer failed: {errors:?}\n{stderr}");
        // No lock error (or any other) reached the writer: every write eventually went through.
        assert!(errors.is_empty(), "{errors:?}");
        assert_eq!(acks.len(), 2 * per_dossier, "{stdout}");
        stale_total += stale;
        all.extend(acks);
    }
    eprintln!(
        "{} acknowledged writes in {elapsed:?}, {stale_total} stale refusals retried",
        all.len()
    );

    for id in [shared, mine_a, mine_b] {
        let journal = notes(&store, id);
        let texts: Vec<&String> = journal.iter().map(|(_, t)| t).collect();
        let unique: HashSet<&String> = texts.iter().copied().collect();
        assert_eq!(unique.len(), texts.len(), "duplicated event in #{id}");
        let acked: HashSet<(u32, String)> = all
            .iter()
            .filter(|a| a.id == id)
            .map(|a| (a.seq, a.text.clone()))
            .collect();
        // Exactly the acknowledged writes, each at the position the writer was told.
        let stored: HashSet<(u32, String)> = journal.into_iter().collect();
        assert_eq!(
            stored, acked,
            "journal of #{id} differs from the acknowledgements"
        );
    }
    assert_eq!(notes(&store, shared).len(), 2 * per_dossier);
    let report = store.doctor().unwrap();
    assert!(report.healthy(), "{:?}", report.findings);
}

#[test]
fn two_cli_processes_on_the_same_dossier_never_see_a_lock_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let id = store.create(new_dossier("Partagé SA")).unwrap();
    let per_process = 25;

    let run = |tag: &'static str| {
        let db = db.clone();
        std::thread::spawn(move || {
            let mut stale = 0;
            let mut done = Vec::new();
            for n in 0..per_process {
                let text = format!("{tag}{n}");
                loop {
                    let out = cli(&db)
                        .args(["log", &id.to_string(), "note", &text])
                        .output()
                        .unwrap();
                    let stderr = String::from_utf8_lossy(&out.stderr).to_string();
                    if out.status.success() {
                        done.push(text.clone());
                        break;
                    }
                    // The only acceptable refusal: someone else wrote first; try again.
                    assert!(
                        stderr.contains("n'a pas été enregistrée"),
                        "unexpected failure: {stderr}"
                    );
                    stale += 1;
                }
            }
            (done, stale)
        })
    };
    let (a, b) = (run("a"), run("b"));
    let (done_a, stale_a) = a.join().unwrap();
    let (done_b, stale_b) = b.join().unwrap();
    eprintln!("stale refusals retried: {}", stale_a + stale_b);
    let stored: Vec<String> = notes(&store, id).into_iter().map(|(_, t)| t).collect();
    let mut expected: Vec<String> = done_a.into_iter().chain(done_b).collect();
    let mut got = stored.clone();
    expected.sort();
    got.sort();
    assert_eq!(got, expected);
}

#[test]
fn the_second_session_is_refused_with_what_changed_and_who_did_it() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let alice = new_store(&db);
    let id = alice.create(new_dossier("ACME")).unwrap();
    let bob = Store::new(
        &db,
        StoreOptions {
            user: "bob".into(),
            ..StoreOptions::default()
        },
    );
    // Both look at the dossier, then both act on it.
    let seen_by_alice = alice.load(id).unwrap().state.journal_len;
    let seen_by_bob = bob.load(id).unwrap().state.journal_len;
    bob.append(
        id,
        Some(seen_by_bob),
        d(TODAY),
        vec![EventKind::RelanceSent {
            level: 1,
            channel: Channel::Email,
            letter: None,
            overrides: vec![],
        }],
    )
    .unwrap();
    let err = alice
        .append(id, Some(seen_by_alice), d(TODAY), vec![note("appel")])
        .unwrap_err();
    let StoreError::Stale { newer, .. } = err else {
        panic!("expected a stale refusal, got {err}");
    };
    recouvre::i18n::set_lang(recouvre::i18n::Lang::Fr);
    let msg = stale_message(&newer);
    assert!(msg.contains("Relance 1"), "{msg}");
    assert!(msg.contains("bob"), "{msg}");
    let at = newer[0]
        .at
        .with_timezone(&chrono::Local)
        .format("%H:%M")
        .to_string();
    assert!(msg.contains(&at), "{msg}");
    assert!(msg.contains("n'a pas été enregistrée"), "{msg}");
    // Nothing of alice's action was written.
    assert!(notes(&alice, id).is_empty());

    // The same through the real CLI as the first session: the TUI's action is refused.
    let seen = alice.load(id).unwrap().state.journal_len;
    let out = cli(&db)
        .args(["log", &id.to_string(), "payment", "--amount", "100"])
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let err = bob
        .append(id, Some(seen), d(TODAY), vec![note("relancé")])
        .unwrap_err();
    let StoreError::Stale { newer, .. } = err else {
        panic!("expected a stale refusal, got {err}");
    };
    let msg = stale_message(&newer);
    assert!(msg.contains("Paiement"), "{msg}");
    assert!(msg.contains(&recouvre::identity::current_user()), "{msg}");
}

#[test]
fn a_briefly_held_database_is_waited_for_and_a_stuck_one_names_its_holder() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let id = store.create(new_dossier("ACME")).unwrap();
    let hold = |for_ms: u64| {
        let lock = std::fs::OpenOptions::new()
            .read(true)
            .write(true)
            .open(db.join("lock"))
            .unwrap();
        lock.lock().unwrap();
        std::fs::write(db.join("lock"), "bob (pid 4242, 2026-11-25 10:42:00)").unwrap();
        std::thread::spawn(move || {
            std::thread::sleep(Duration::from_millis(for_ms));
            drop(lock);
        })
    };
    // Held for half a second: the command waits and succeeds.
    let h = hold(500);
    let start = Instant::now();
    let out = cli(&db)
        .args(["log", &id.to_string(), "note", "attendu"])
        .output()
        .unwrap();
    let waited = start.elapsed();
    h.join().unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    assert!(waited >= Duration::from_millis(400), "{waited:?}");
    assert_eq!(notes(&store, id).len(), 1);

    // Held for longer than the 2 s window: a message naming the holder and what to do.
    let h = hold(2600);
    let out = cli(&db).args(["status"]).output().unwrap();
    h.join().unwrap();
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(4), "busy: exit 4 {stderr}");
    assert!(stderr.contains("bob (pid 4242"), "{stderr}");
    assert!(stderr.contains("Réessayez"), "{stderr}");
}

#[test]
fn an_open_screen_learns_which_dossiers_changed_without_reloading_everything() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let a = store.create(new_dossier("Alpha")).unwrap();
    let b = store.create(new_dossier("Bravo")).unwrap();
    let c = store.create(new_dossier("Charlie")).unwrap();
    let snap = store.load_all().unwrap();
    let mut watcher = ChangeWatcher::new(store.clone(), snap.generation);
    assert_eq!(watcher.poll().unwrap(), None);
    assert_eq!(store.poll_changes(snap.generation).unwrap(), None);

    // Another process writes to two of the three dossiers.
    for id in [c, a] {
        let out = cli(&db)
            .args(["log", &id.to_string(), "note", "vu"])
            .output()
            .unwrap();
        assert!(out.status.success());
    }
    let changes = watcher.poll().unwrap().expect("a change is noticed");
    assert_eq!(changes.dossiers, Some(vec![a, c]));
    assert_eq!(changes.generation, snap.generation + 2);
    assert_eq!(watcher.poll().unwrap(), None, "reported once");
    // Only those are reloaded, in one read, with the other process's note in them.
    let fresh = store.load_dossiers(&[a, c, 999]).unwrap();
    assert!(fresh.problems.is_empty());
    assert_eq!(fresh.generation, changes.generation);
    let ids: Vec<u64> = fresh.dossiers.iter().map(|d| d.state.id).collect();
    assert_eq!(ids, vec![a, c]);
    for d in &fresh.dossiers {
        assert_eq!(d.events.len(), 3, "#{} lacks the new note", d.state.id);
        assert_eq!(d.debtor.id, d.state.debtor);
    }

    // From the very start: every dossier.
    let changes = store.poll_changes(0).unwrap().unwrap();
    assert_eq!(changes.dossiers, Some(vec![a, b, c]));

    // A screen that missed more changes than the database remembers reloads everything.
    let seen = watcher.generation();
    let batch: Vec<_> = (0..600)
        .map(|n| (new_dossier(&format!("Lot {n}")), vec![]))
        .collect();
    store.import(batch).unwrap();
    let changes = watcher.poll().unwrap().expect("a change is noticed");
    assert_eq!(changes.generation, seen + 600);
    assert_eq!(changes.dossiers, None);
}

#[test]
fn giving_up_on_a_busy_database_leaves_no_lock_behind() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    let holder = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(db.join("lock"))
        .unwrap();
    holder.lock().unwrap();
    let quick = Store::new(
        &db,
        StoreOptions {
            lock_wait: Duration::from_millis(100),
            ..StoreOptions::default()
        },
    );
    assert!(matches!(quick.load_all(), Err(StoreError::Busy { .. })));
    drop(holder);
    // The waiter we abandoned may get the lock for an instant, but must let go of it at once.
    let probe = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(db.join("lock"))
        .unwrap();
    let start = Instant::now();
    while probe.try_lock().is_err() {
        assert!(
            start.elapsed() < Duration::from_millis(500),
            "the lock stayed taken after the waiter gave up"
        );
        std::thread::sleep(Duration::from_millis(5));
    }
}

#[test]
fn dossiers_added_at_the_same_time_get_distinct_numbers_and_one_debtor() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let add = |tag: &'static str| {
        let db = db.clone();
        std::thread::spawn(move || {
            (0..8)
                .map(|n| {
                    let out = cli(&db)
                        .args(["add", "--debtor", "Même Client SA", "--b2b"])
                        .args(["--invoice", &format!("{tag}-{n}"), "--amount", "10"])
                        .args(["--issued", "2026-11-01", "--due", "2026-11-30"])
                        .output()
                        .unwrap();
                    assert!(
                        out.status.success(),
                        "{}",
                        String::from_utf8_lossy(&out.stderr)
                    );
                    String::from_utf8_lossy(&out.stdout)
                        .trim()
                        .parse::<u64>()
                        .unwrap()
                })
                .collect::<Vec<_>>()
        })
    };
    let (a, b) = (add("a"), add("b"));
    let mut ids: Vec<u64> = a
        .join()
        .unwrap()
        .into_iter()
        .chain(b.join().unwrap())
        .collect();
    ids.sort_unstable();
    assert_eq!(ids, (1..=16).collect::<Vec<u64>>());
    assert_eq!(store.debtors().unwrap().len(), 1);
    assert!(store.doctor().unwrap().healthy());
}

/// Several colleagues logging notes on the same dossier at once: each command reads and writes
/// under one lock, so none is refused as stale.
#[test]
fn cli_writers_on_one_dossier_are_never_refused_as_stale() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let id = store.create(new_dossier("Partagé SA")).unwrap();
    let (writers, each) = (6, 6);
    let start = Instant::now();
    let handles: Vec<_> = (0..writers)
        .map(|w| {
            let db = db.clone();
            std::thread::spawn(move || {
                let mut refused = Vec::new();
                for n in 0..each {
                    let out = cli(&db)
                        .args(["log", &id.to_string(), "note", &format!("w{w}-{n}")])
                        .output()
                        .unwrap();
                    if !out.status.success() {
                        refused.push(String::from_utf8_lossy(&out.stderr).to_string());
                    }
                }
                refused
            })
        })
        .collect();
    let refused: Vec<String> = handles
        .into_iter()
        .flat_map(|h| h.join().unwrap())
        .collect();
    eprintln!(
        "{} writes by {writers} writers in {:?}, {} refused",
        writers * each,
        start.elapsed(),
        refused.len()
    );
    assert!(refused.is_empty(), "{refused:?}");
    assert_eq!(notes(&store, id).len(), writers * each);
}

/// From a stale screen, a note is appended; a relance (whose level depends on what was seen) is
/// refused with what changed.
#[test]
fn a_stale_screen_appends_a_note_but_refuses_a_relance() {
    use recouvre::app::{Action, Effect};
    use recouvre::tui::runtime::run_effect;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let id = store.create(new_dossier("ACME")).unwrap();
    let seen = store.load(id).unwrap().state.journal_len;
    store
        .append(id, None, d(TODAY), vec![note("colleague")])
        .unwrap();
    let append = |kinds| Effect::Append {
        id,
        expected_len: seen,
        date: d(TODAY),
        kinds,
        done: String::new(),
    };
    let a = run_effect(&store, append(vec![note("mine")]));
    // The confirmation names the dossier by its number.
    let prefix = format!("#{id} — ");
    assert!(
        matches!(&a, Action::Written { done, .. } if done.starts_with(&prefix)),
        "{a:?}"
    );
    let relance = EventKind::RelanceSent {
        level: 1,
        channel: Channel::Email,
        letter: None,
        overrides: vec![],
    };
    let a = run_effect(&store, append(vec![relance]));
    assert!(matches!(a, Action::Stale { .. }), "{a:?}");
    let texts: Vec<String> = notes(&store, id).into_iter().map(|(_, t)| t).collect();
    assert_eq!(texts, vec!["colleague".to_string(), "mine".to_string()]);
}
