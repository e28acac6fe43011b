//! What the store derives from the journal (digests, search index, urgency set, per-step tally)
//! always equals what the journal folds to: after every kind of write, concurrent writers, an
//! undo, a writer killed mid-stream, and on an older database that never had them.

mod common;

use std::io::Read;
use std::path::Path;
use std::time::Duration;

use common::*;
use recouvre::domain::assess::Rules;
use recouvre::domain::event::{EventKind, NoteKind};
use recouvre::domain::letters::{compose, ComposeChoices, Templates};
use recouvre::domain::schedule::BuiltinProfiles;
use recouvre::domain::summary::{search_text, Query};
use recouvre::storage::{Store, StoreError, StoreOptions};
use rust_decimal::Decimal;

#[test]
#[ignore = "helper process for the multi-process tests, run by them"]
fn writer_child() {
    writer_main();
}

fn demo_store(db: &Path) -> Store {
    let store = new_store(db);
    recouvre::demo::populate(&store, d(TODAY)).unwrap();
    store
}

/// sled opened directly, as an older version or a damaged disk would leave the files. sled
/// writes a snapshot file on open with the process umask: the store itself opens under its own
/// umask, so the test puts the snapshot back to the database's mode, lest `doctor` (rightly)
/// report a file left readable by everyone.
struct RawSled(sled::Db, std::path::PathBuf);

impl std::ops::Deref for RawSled {
    type Target = sled::Db;
    fn deref(&self) -> &sled::Db {
        &self.0
    }
}

impl Drop for RawSled {
    fn drop(&mut self) {
        use std::os::unix::fs::PermissionsExt;
        let _ = self.0.flush();
        for f in std::fs::read_dir(&self.1).unwrap().flatten() {
            if f.file_type().unwrap().is_file() {
                let p = std::fs::Permissions::from_mode(0o600);
                std::fs::set_permissions(f.path(), p).unwrap();
            }
        }
    }
}

fn raw_sled(db: &Path) -> RawSled {
    let data = db.join("data");
    RawSled(common::raw_sled(&data), data)
}

/// Retries while a colleague's write holds the lock, as a user would.
fn append_retrying(store: &Store, id: u64, kind: EventKind) {
    for _ in 0..200 {
        match store.append(id, None, d(TODAY), vec![kind.clone()]) {
            Ok(_) => return,
            Err(StoreError::Busy { .. }) => std::thread::sleep(Duration::from_millis(5)),
            Err(e) => panic!("append to {id}: {e}"),
        }
    }
    panic!("append to {id}: still busy");
}

/// Every dossier read from its digest equals the same dossier read from its journal (letter
/// bodies aside, which digests leave out), and a query finds the same dossiers both ways.
fn assert_digests_agree(store: &Store) {
    let differences = store.check_derived().unwrap();
    assert!(differences.is_empty(), "{differences:#?}");
    let snap = store.load_all().unwrap();
    assert!(snap.problems.is_empty(), "{:?}", snap.problems);
    assert!(!snap.dossiers.is_empty());
    for d in &snap.dossiers {
        let full = store.load(d.state.id).unwrap();
        assert_eq!(d.state, full.state, "dossier {}", d.state.id);
        assert_eq!(d.debtor, full.debtor);
        assert_eq!(d.events.len(), full.events.len());
    }
    for q in ["sarl", "F-2026", "hôtel", "12", "#3", "martin dupont"] {
        let query = Query::new(q);
        let mut via_index: Vec<u64> = store
            .find(&query)
            .unwrap()
            .dossiers
            .iter()
            .map(|d| d.state.id)
            .collect();
        let mut via_scan: Vec<u64> = snap
            .dossiers
            .iter()
            .filter(|d| query.matches(&search_text(&d.state, &d.debtor), d.state.id))
            .map(|d| d.state.id)
            .collect();
        via_index.sort_unstable();
        via_scan.sort_unstable();
        assert_eq!(via_index, via_scan, "query {q}");
    }
    let tally = store.tally().unwrap().expect("tally kept");
    assert_eq!(tally.total() as usize, snap.dossiers.len());
}

#[test]
fn derived_trees_follow_every_write_concurrent_undo_and_kill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = demo_store(&db);
    assert_digests_agree(&store);
    let ids: Vec<u64> = store
        .load_all()
        .unwrap()
        .dossiers
        .iter()
        .map(|d| d.state.id)
        .collect();

    // Three writers at once, each with its own handle, as three colleagues would.
    std::thread::scope(|s| {
        for w in 0..3u64 {
            let ids = &ids;
            let db = &db;
            s.spawn(move || {
                let store = Store::new(db, StoreOptions::default());
                for (n, id) in ids.iter().enumerate().filter(|(n, _)| *n as u64 % 3 == w) {
                    let kind = if n % 2 == 0 {
                        EventKind::Note {
                            kind: NoteKind::PhoneCall,
                            text: format!("Appel {w}-{n}"),
                        }
                    } else {
                        EventKind::PaymentReceived {
                            amount: Decimal::new(1_000, 2),
                            reference: Some(format!("VIR-{w}-{n}")),
                            invoice: None,
                        }
                    };
                    append_retrying(&store, *id, kind);
                }
            });
        }
    });
    assert_digests_agree(&store);

    // Undo through the real binary: a cancel event changes the fold, so the digest must follow.
    let out = cli(&db)
        .args(["undo", &ids[1].to_string()])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let out = cli(&db)
        .args(["log", &ids[2].to_string(), "note", "après l'annulation"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_digests_agree(&store);

    // A writer killed with SIGKILL in the middle of its stream of appends.
    let mut child = spawn_writer(&db, "K", &[(ids[0], 1_000_000)]);
    let mut out = child.stdout.take().unwrap();
    let reader = std::thread::spawn(move || {
        let mut s = String::new();
        let _ = out.read_to_string(&mut s);
        s
    });
    std::thread::sleep(Duration::from_millis(300));
    // SAFETY: signalling our own child process by its pid.
    unsafe { libc::kill(child.id() as i32, libc::SIGKILL) };
    child.wait().unwrap();
    let (acks, _, _) = parse_acks(&reader.join().unwrap());
    assert!(
        !acks.is_empty(),
        "the writer was killed before its first write"
    );
    assert_digests_agree(&store);
}

#[test]
fn a_letter_composed_from_the_digest_is_the_letter_composed_from_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = demo_store(&db);
    let rules = Rules::default();
    let templates = Templates::builtin();
    let mut composed = 0;
    for digest in store.load_all().unwrap().dossiers {
        let full = store.load(digest.state.id).unwrap();
        let letter = |x: &recouvre::model::LoadedDossier| {
            compose(
                &x.state,
                &x.events,
                &x.debtor,
                &rules,
                &BuiltinProfiles,
                &templates,
                d(TODAY),
                &ComposeChoices::default(),
            )
            .map(|c| c.text)
        };
        match (letter(&digest), letter(&full)) {
            (Ok(a), Ok(b)) => {
                assert_eq!(a, b, "dossier {}", digest.state.id);
                composed += 1;
            }
            (a, b) => assert_eq!(a.is_err(), b.is_err(), "dossier {}", digest.state.id),
        }
    }
    assert!(composed >= 20, "only {composed} letters composed");
}

#[test]
fn an_older_database_gets_its_derived_trees_on_first_open_and_doctor_repairs_them() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = demo_store(&db);
    let before = store.load_all().unwrap();
    // What a database made before the derived trees looks like.
    {
        let raw = raw_sled(&db);
        for t in ["digests", "index", "urgency", "search"] {
            raw.drop_tree(t).unwrap();
        }
        let meta = raw.open_tree("meta").unwrap();
        meta.remove("digest_format").unwrap();
        meta.remove("tally").unwrap();
        raw.flush().unwrap();
    }
    // The first command that opens it (doctor here, any command of a user who may write) builds
    // them, and finds the database sound.
    let out = cli(&db).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    let out = cli(&db).args(["status", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert_digests_agree(&store);
    let after = store.load_all().unwrap();
    assert_eq!(
        before.dossiers.iter().map(|d| &d.state).collect::<Vec<_>>(),
        after.dossiers.iter().map(|d| &d.state).collect::<Vec<_>>()
    );

    // A damaged digest and a wrong tally: doctor names them, --repair rebuilds from the journals.
    let victim = after.dossiers[3].state.id;
    {
        let raw = raw_sled(&db);
        let digests = raw.open_tree("digests").unwrap();
        digests
            .insert(victim.to_be_bytes(), &[2u8, 0, 0][..])
            .unwrap();
        raw.flush().unwrap();
    }
    let out = cli(&db).arg("doctor").output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    let text = stdout(&out);
    assert!(text.contains(&format!("digests/{victim}")), "{text}");
    // Reads never trust a digest that does not decode: they go to the journal.
    assert_eq!(
        store.load_all().unwrap().dossiers[3].state,
        after.dossiers[3].state
    );
    // The TUI's load, which builds its rows as dossiers are decoded, sees the same dossiers in
    // the same order, the one read from its journal included.
    let mapped = store.load_all_map(|d| d.state).unwrap();
    assert_eq!(
        mapped.items,
        after
            .dossiers
            .iter()
            .map(|d| d.state.clone())
            .collect::<Vec<_>>()
    );
    // Read in slices of a few dossiers (a large database is read so, 131 072 at a time, one
    // open of the database each): the same dossiers in the same order.
    for slice in [1, 2, 3, 5, 1000] {
        let sliced = recouvre::storage::Store::new(
            &db,
            recouvre::storage::StoreOptions {
                whole_load_slice: slice,
                ..recouvre::storage::StoreOptions::default()
            },
        );
        let items = sliced.load_all_map(|d| d.state).unwrap().items;
        assert_eq!(items, mapped.items, "slices of {slice}");
    }
    let out = cli(&db).args(["doctor", "--repair"]).output().unwrap();
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert_digests_agree(&store);

    // A damaged search block: a query still finds the dossier (from the index entries), doctor
    // names the block, --repair rebuilds it.
    let name = after.dossiers[3].debtor.name.clone();
    {
        let raw = raw_sled(&db);
        let search = raw.open_tree("search").unwrap();
        search.insert(0u64.to_be_bytes(), &[2u8, 0xff][..]).unwrap();
        raw.flush().unwrap();
    }
    let out = cli(&db).args(["status", "--json", &name]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    assert!(
        stdout(&out).contains(&format!("\"id\": {victim}")),
        "{}",
        stdout(&out)
    );
    let out = cli(&db).arg("doctor").output().unwrap();
    assert_ne!(out.status.code(), Some(0));
    assert!(stdout(&out).contains("search/0…63"), "{}", stdout(&out));
    let out = cli(&db).args(["doctor", "--repair"]).output().unwrap();
    assert!(out.status.success(), "{}\n{}", stdout(&out), stderr(&out));
    assert_digests_agree(&store);
}

/// Schema 1 kept one journal key per event; the first open by this build moves every event into
/// blocks (sled's open time grows with its number of keys), and the database reads the same.
#[test]
fn a_schema_1_journal_is_moved_into_blocks_on_first_open_and_reads_the_same() {
    use recouvre::storage::codec;
    use recouvre::storage::store::blocks::BLOCK_LEN;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = demo_store(&db);
    // One history longer than a block, so the move has a second block to make.
    for n in 0..BLOCK_LEN + 5 {
        append_retrying(
            &store,
            1,
            EventKind::Note {
                kind: NoteKind::PhoneCall,
                text: format!("Appel {n}"),
            },
        );
    }
    let before = store.load_all().unwrap();
    let events_in_all: usize = before.dossiers.iter().map(|d| d.events.len()).sum();
    assert_eq!(downgrade_to_schema_1(&db), events_in_all);
    // Any first command moves it; a listing then reads every dossier as before.
    let out = cli(&db).args(["status", "--json"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let after = store.load_all().unwrap();
    assert!(after.problems.is_empty(), "{:?}", after.problems);
    assert_eq!(
        before
            .dossiers
            .iter()
            .map(|d| (&d.state, &d.events))
            .collect::<Vec<_>>(),
        after
            .dossiers
            .iter()
            .map(|d| (&d.state, &d.events))
            .collect::<Vec<_>>()
    );
    {
        let raw = raw_sled(&db);
        let names: Vec<String> = raw
            .tree_names()
            .iter()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .collect();
        assert!(!names.contains(&"journal".to_string()), "{names:?}");
        let blocks = raw.open_tree("journal_blocks").unwrap();
        assert!(blocks
            .get(
                1u64.to_be_bytes()
                    .iter()
                    .chain(&1u32.to_be_bytes())
                    .copied()
                    .collect::<Vec<u8>>()
            )
            .unwrap()
            .is_some());
        let meta = raw.open_tree("meta").unwrap();
        let version: u32 = codec::decode(&meta.get("schema_version").unwrap().unwrap()).unwrap();
        assert_eq!(version, 2);
    }
    let out = cli(&db).arg("doctor").output().unwrap();
    assert_eq!(out.status.code(), Some(0), "{}", stdout(&out));
    // And it keeps growing: the long dossier's next event lands after its 37th note.
    let out = cli(&db)
        .args(["log", "1", "note", "après la migration"])
        .output()
        .unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let one = store.load(1).unwrap();
    assert_eq!(one.events.len(), before.dossiers[0].events.len() + 1);
    assert_eq!(
        one.events.last().unwrap().seq as usize,
        one.events.len() - 1
    );
    assert_digests_agree(&store);
}

/// The TUI's first screen: the most urgent dossiers by the urgency index, in its order (next
/// action date under the built-in schedules, then dossier number, undated last), how many
/// dossiers there are in all, and the user's drafts (not a colleague's).
#[test]
fn the_first_screen_is_the_head_of_the_urgency_index() {
    use chrono::Datelike;
    let dir = tempfile::tempdir().unwrap();
    let store = demo_store(&dir.path().join("db"));
    let all = store.load_all().unwrap().dossiers;
    let mut expected: Vec<(u32, u64)> = all
        .iter()
        .map(|d| {
            let as_of = d.events.iter().map(|e| e.date).max().unwrap();
            let hint = recouvre::domain::digest::urgency_hint(&d.state, &d.debtor, as_of);
            (
                hint.map_or(u32::MAX, |h| h.num_days_from_ce() as u32),
                d.state.id,
            )
        })
        .collect();
    expected.sort_unstable();
    let draft = |dossier: u64, user: &str| recouvre::model::Draft {
        dossier,
        user: user.into(),
        step: "relance_1".into(),
        text: "Madame, Monsieur,".into(),
        saved_at: chrono::Utc::now(),
    };
    let last = all.last().unwrap().state.id;
    store.save_draft(&draft(last, store.user())).unwrap();
    store
        .save_draft(&draft(all[0].state.id, "colleague"))
        .unwrap();
    let recouvre::model::FirstScreen {
        snapshot: first,
        total,
        drafts,
    } = store
        .load_most_urgent(5)
        .unwrap()
        .expect("derived trees built");
    assert_eq!(total as usize, all.len());
    assert_eq!(drafts, vec![last]);
    let got: Vec<u64> = first.dossiers.iter().map(|d| d.state.id).collect();
    let want: Vec<u64> = expected.iter().take(5).map(|(_, id)| *id).collect();
    assert_eq!(got, want);
    // Each is the dossier itself, not a partial view.
    for d in &first.dossiers {
        assert_eq!(d.state, store.load(d.state.id).unwrap().state);
    }
}

#[test]
fn derived_trees_of_a_newer_format_are_refused_not_rebuilt_older() {
    use recouvre::domain::digest::DIGEST_FORMAT;
    use recouvre::storage::codec;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let _ = demo_store(&db);
    // What a newer recouvre leaves behind.
    let newer = DIGEST_FORMAT + 1;
    {
        let raw = raw_sled(&db);
        let meta = raw.open_tree("meta").unwrap();
        meta.insert("digest_format", codec::encode(&newer).unwrap())
            .unwrap();
        raw.flush().unwrap();
    }
    for args in [&["status"][..], &["show", "1"], &["doctor"]] {
        let out = cli(&db).args(args).output().unwrap();
        assert!(!out.status.success(), "{args:?}: {}", stdout(&out));
        let err = stderr(&out);
        assert!(err.contains("version plus récente"), "{args:?}: {err}");
    }
    // Left as the newer program wrote it: nothing rebuilt to this older format.
    let raw = raw_sled(&db);
    let meta = raw.open_tree("meta").unwrap();
    let kept: u32 = codec::decode(&meta.get("digest_format").unwrap().unwrap()).unwrap();
    assert_eq!(kept, newer);
}
