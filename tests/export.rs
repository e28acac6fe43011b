//! `recouvre export`, `backup` and `restore`, through the real binary on the demo database.

mod common;

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use common::*;
use recouvre::model::Draft;
use recouvre::storage::{Store, StoreOptions};
use rust_decimal::Decimal;
use serde_json::Value;

#[test]
#[ignore = "helper process for the multi-process tests, run by them"]
fn writer_child() {
    writer_main();
}

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(
        o.status.success(),
        "{args:?} failed: {}{}",
        stdout(&o),
        stderr(&o)
    );
    stdout(&o)
}

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo");
    ok(&db, &["--demo", "status"]);
    db
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("{v}")).parse().unwrap()
}

const HEADER: &str = "dossier,debtor,customer_number,invoice,invoice_date,due_date,amount,\
item_balance,item_days_late,item_accrued,item_indemnity,stage,next_action,next_action_date,\
balance,penalties,interest,indemnities,costs,total_due,provisional,error";

#[test]
fn csv_header_and_one_demo_row_are_exact() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out = ok(&db, &["export", "--csv"]);
    let mut lines = out.lines();
    assert_eq!(lines.next(), Some(HEADER));
    // Garage du Centre SAS, B2B, invoice F-2026-0388 of 2 480,40 € due 23/11/2026, two days
    // late at 25/11/2026. No contractual rate: ECB 2,15 % + 10 = 12,15 % (2026-H2 is not in
    // the table yet, so the 2026-H1 rate stands in: provisional).
    // Penalties 2 480,40 × 12,15 % × 2 / 365 = 1,6514… → 1,65; indemnity 40 €;
    // total due 2 480,40 + 1,65 + 40 = 2 522,05.
    let row = out
        .lines()
        .find(|l| l.contains("F-2026-0388"))
        .expect("the Garage du Centre invoice");
    assert_eq!(
        row,
        "6,Garage du Centre SAS,C-1005,F-2026-0388,2026-10-24,2026-11-23,2480.40,2480.40,2,\
1.65,40.00,due,relance_1,2026-11-28,2480.40,1.65,0.00,40.00,0.00,2522.05,true,"
    );
    // An empty export still has its header.
    let none = ok(&db, &["export", "--csv", "--stage", "enforcement"]);
    assert_eq!(none.lines().next(), Some(HEADER));
}

#[test]
fn fr_csv_uses_semicolons_and_decimal_commas() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let out = ok(&db, &["export", "--csv", "--fr"]);
    assert_eq!(out.lines().next(), Some(HEADER.replace(',', ";").as_str()));
    let row = out.lines().find(|l| l.contains("F-2026-0388")).unwrap();
    assert!(row.contains(";2480,40;2480,40;2;1,65;40,00;due;"), "{row}");
    assert!(row.ends_with(";2522,05;true;"), "{row}");
    // Same rows as the default CSV, field for field once the decimals are put back.
    let plain = ok(&db, &["export", "--csv"]);
    let mut fr = csv::ReaderBuilder::new()
        .delimiter(b';')
        .from_reader(out.as_bytes());
    let mut en = csv::Reader::from_reader(plain.as_bytes());
    let fr: Vec<csv::StringRecord> = fr.records().map(|r| r.unwrap()).collect();
    let en: Vec<csv::StringRecord> = en.records().map(|r| r.unwrap()).collect();
    assert_eq!(fr.len(), en.len());
    for (a, b) in fr.iter().zip(&en) {
        let a: Vec<String> = a.iter().map(|f| f.replace(',', ".")).collect();
        let b: Vec<String> = b.iter().map(String::from).collect();
        assert_eq!(a, b);
    }
    // --fr is for CSV only.
    let o = run(&db, &["export", "--json", "--fr"]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
}

#[test]
fn stage_filter_takes_the_names_status_takes() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    for stage in ["relance_2", "disputed", "paid", "due"] {
        let rows: Value = serde_json::from_str(&ok(&db, &["export", "--json", "--stage", stage]))
            .unwrap_or_else(|e| panic!("{stage}: {e}"));
        let status: Value =
            serde_json::from_str(&ok(&db, &["status", "--json", "--stage", stage])).unwrap();
        let ids = |v: &Value, key: &str| -> BTreeSet<u64> {
            v.as_array()
                .unwrap()
                .iter()
                .map(|r| r[key].as_u64().unwrap())
                .collect()
        };
        assert_eq!(ids(&rows, "dossier"), ids(&status, "id"), "{stage}");
        assert!(rows.as_array().unwrap().iter().all(|r| r["stage"] == stage));
    }
    let some: Value =
        serde_json::from_str(&ok(&db, &["export", "--json", "--stage", "relance_2"])).unwrap();
    assert!(!some.as_array().unwrap().is_empty());
    let o = run(&db, &["export", "--csv", "--stage", "relance_9"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("relance_2"), "{}", stderr(&o));
}

#[test]
fn json_export_agrees_with_status_json() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    for closed in [false, true] {
        let flag: &[&str] = if closed { &["--closed"] } else { &[] };
        let rows: Value =
            serde_json::from_str(&ok(&db, &[&["export", "--json"][..], flag].concat())).unwrap();
        let status: Value =
            serde_json::from_str(&ok(&db, &[&["status", "--json"][..], flag].concat())).unwrap();
        let mut by_id: BTreeMap<u64, Vec<&Value>> = BTreeMap::new();
        for r in rows.as_array().unwrap() {
            by_id
                .entry(r["dossier"].as_u64().unwrap())
                .or_default()
                .push(r);
        }
        let status = status.as_array().unwrap();
        assert_eq!(by_id.len(), status.len(), "closed={closed}");
        let (mut total_export, mut total_status) = (Decimal::ZERO, Decimal::ZERO);
        for d in status {
            let id = d["id"].as_u64().unwrap();
            let rows = &by_id[&id];
            for key in ["total_due", "penalties", "interest", "indemnities", "costs"] {
                assert!(rows.iter().all(|r| r[key] == d[key]), "{id} {key}");
            }
            assert!(rows.iter().all(|r| r["stage"] == d["stage"]
                && r["next_action"] == d["next_action"]
                && r["next_action_date"] == d["next_action_date"]));
            // The items' balances add up to the dossier's open principal.
            let items: Decimal = rows
                .iter()
                .filter(|r| !r["item_balance"].is_null())
                .map(|r| dec(&r["item_balance"]))
                .sum();
            assert_eq!(items, dec(&d["balance"]), "{id}");
            if !d["total_due"].is_null() {
                total_status += dec(&d["total_due"]);
                total_export += dec(&rows[0]["total_due"]);
            }
        }
        assert_eq!(total_export, total_status);
    }
}

#[test]
fn control_characters_in_data_never_reach_the_output() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let mut nd = new_dossier("ACME\u{1b}[31m \"rouge\", \u{9b}2J");
    nd.items[0].reference = "F-1\u{7}\n2".into();
    store.create(nd).unwrap();
    let out = cli(&db).args(["export", "--csv"]).output().unwrap();
    assert!(out.status.success(), "{}", stderr(&out));
    let text = stdout(&out);
    assert!(
        !text.chars().any(|c| c.is_control() && c != '\n'),
        "{text:?}"
    );
    assert!(text.contains("^["), "{text}");
    // Still one record with the name quoted whole.
    let mut r = csv::Reader::from_reader(text.as_bytes());
    let recs: Vec<_> = r.records().map(|r| r.unwrap()).collect();
    assert_eq!(recs.len(), 1);
    assert!(
        recs[0][1].starts_with("ACME^[[31m \"rouge\", "),
        "{:?}",
        &recs[0][1]
    );
    let json = cli(&db).args(["export", "--json"]).output().unwrap();
    let v: Value = serde_json::from_slice(&json.stdout).unwrap();
    assert!(v[0]["debtor"]
        .as_str()
        .unwrap()
        .starts_with("ACME\u{1b}[31m"));
    assert!(!json.stdout.contains(&0x1b));
}

/// Everything a user can see of a database: status, every dossier's detail and kept letter.
fn views(db: &Path) -> Vec<String> {
    let status = ok(db, &["status", "--closed", "--json"]);
    let all: Value = serde_json::from_str(&status).unwrap();
    let mut out = vec![status];
    for d in all.as_array().unwrap() {
        let id = d["id"].to_string();
        out.push(ok(db, &["show", &id]));
        let letter = run(db, &["letter", &id]);
        out.push(format!("{:?} {}", letter.status.code(), stdout(&letter)));
    }
    out
}

#[test]
fn backup_then_restore_gives_the_same_database() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    // A letter kept as proof in the journal.
    configure(&db);
    ok(&db, &["log", "6", "relance"]);
    let store = Store::new(&db, StoreOptions::default());
    let draft = Draft {
        dossier: 3,
        user: store.user().to_string(),
        step: "relance_2".into(),
        text: "Madame,\n\nSauf erreur de notre part…\n".into(),
        saved_at: chrono::Utc::now(),
    };
    store.save_draft(&draft).unwrap();
    let mut other = draft.clone();
    other.user = "colleague".into();
    other.dossier = 7;
    store.save_draft(&other).unwrap();
    let file = dir.path().join("sauvegarde.jsonl");
    let said = ok(&db, &["backup", file.to_str().unwrap()]);
    assert!(said.contains("46 dossier"), "{said}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&file).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    assert!(std::fs::read_dir(dir.path()).unwrap().all(|e| !e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .contains(".tmp")));

    let restored = dir.path().join("restauree");
    ok(&restored, &["restore", file.to_str().unwrap()]);
    let back = Store::new(&restored, StoreOptions::default());
    // Every record equal: debtors, dossier records, every event (users, timestamps, letters),
    // drafts of every user, id counters and generation.
    assert_eq!(back.dump().unwrap(), store.dump().unwrap());
    assert_eq!(back.load_draft(3).unwrap(), Some(draft));
    assert!(back.check_derived().unwrap().is_empty());
    let doctor = run(&restored, &["doctor"]);
    assert!(doctor.status.success(), "{}", stdout(&doctor));
    assert_eq!(views(&restored), views(&db));
    let letters = views(&db)
        .iter()
        .filter(|v| v.starts_with("Some(0)"))
        .count();
    assert!(letters > 0, "the demo keeps letters");
    // The restored database works on: the next dossier gets the next id.
    let add = ok(
        &restored,
        &[
            "add",
            "--debtor",
            "Nouvelle SARL",
            "--b2b",
            "--invoice",
            "N-1",
            "--amount",
            "10",
            "--issued",
            "2026-11-01",
            "--due",
            "2026-11-20",
        ],
    );
    assert!(add.contains("47"), "{add}");
}

#[test]
fn restore_refuses_a_database_in_use_without_force() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let other = dir.path().join("other");
    let store = new_store(&other);
    store.create(new_dossier("Autre SARL")).unwrap();
    let file = dir.path().join("b.jsonl");
    ok(&other, &["backup", file.to_str().unwrap()]);

    let demo_store = Store::new(&db, StoreOptions::default());
    let before = demo_store.dump().unwrap();
    let hint = std::fs::read(db.join("generation")).unwrap();
    let o = run(&db, &["restore", file.to_str().unwrap()]);
    assert_eq!(o.status.code(), Some(2), "{}", stderr(&o));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert_eq!(demo_store.dump().unwrap(), before);
    assert_eq!(std::fs::read(db.join("generation")).unwrap(), hint);

    // With --force the contents are replaced; the old journal copy is kept.
    let said = ok(&db, &["restore", "--force", file.to_str().unwrap()]);
    assert!(said.contains("46 dossier"), "{said}");
    let now = demo_store.dump().unwrap();
    let expected = store.dump().unwrap();
    assert_eq!(now.debtors, expected.debtors);
    assert_eq!(now.events, expected.events);
    // Past both generations, so every open screen reloads everything.
    assert!(now.meta.generation > before.meta.generation);
    assert!(std::fs::read_dir(db.join("backups")).unwrap().any(|e| e
        .unwrap()
        .file_name()
        .to_string_lossy()
        .starts_with("before-restore-")));
    let doctor = run(&db, &["doctor"]);
    assert!(doctor.status.success(), "{}", stdout(&doctor));
    let status: Value = serde_json::from_str(&ok(&db, &["status", "--closed", "--json"])).unwrap();
    assert_eq!(status.as_array().unwrap().len(), 1);
}

#[test]
fn a_damaged_backup_is_refused_and_changes_nothing() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let file = dir.path().join("b.jsonl");
    ok(&db, &["backup", file.to_str().unwrap()]);
    let good = std::fs::read(&file).unwrap();
    let text = String::from_utf8(good.clone()).unwrap();
    let cases: Vec<(&str, Vec<u8>, &str)> = vec![
        ("truncated", good[..good.len() * 2 / 3].to_vec(), "tronqué"),
        (
            "changed",
            text.replacen("Boulangerie", "Boulangerje", 1).into_bytes(),
            "somme de contrôle",
        ),
        (
            "newer",
            text.replacen("\"version\":1", "\"version\":2", 1)
                .into_bytes(),
            "format de sauvegarde 2",
        ),
        (
            "not a backup",
            b"dossier,debtor\n1,ACME\n".to_vec(),
            "pas une sauvegarde",
        ),
        ("empty", Vec::new(), "vide"),
    ];
    let empty = dir.path().join("empty");
    new_store(&empty);
    let empty_store = Store::new(&empty, StoreOptions::default());
    for (what, bytes, says) in cases {
        let bad = dir.path().join("bad.jsonl");
        std::fs::write(&bad, &bytes).unwrap();
        let fresh = dir.path().join("fresh");
        let o = run(&fresh, &["restore", bad.to_str().unwrap()]);
        assert_eq!(o.status.code(), Some(3), "{what}: {}", stderr(&o));
        assert!(stderr(&o).contains(says), "{what}: {}", stderr(&o));
        assert!(!fresh.exists(), "{what}: nothing created");
        let o = cli(&empty)
            .args(["restore", "--force", bad.to_str().unwrap()])
            .output()
            .unwrap();
        assert_eq!(o.status.code(), Some(3), "{what}");
        assert!(empty_store.dump().unwrap().is_empty(), "{what}");
    }
}

#[test]
fn a_backup_taken_while_another_process_writes_is_consistent() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let a = store.create(new_dossier("Alpha SARL")).unwrap();
    let b = store.create(new_dossier("Beta SAS")).unwrap();
    let writer = spawn_writer(&db, "W", &[(a, 60), (b, 60)]);
    let mut files = Vec::new();
    for n in 0..6 {
        let file = dir.path().join(format!("b{n}.jsonl"));
        let o = cli(&db)
            .args(["backup", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        files.push(file);
        std::thread::sleep(std::time::Duration::from_millis(30));
    }
    let out = writer.wait_with_output().unwrap();
    let (acks, errors, _) = parse_acks(&String::from_utf8_lossy(&out.stdout));
    assert!(errors.is_empty() && out.status.success(), "{errors:?}");
    assert_eq!(acks.len(), 120);
    let final_notes = [notes(&store, a), notes(&store, b)];
    let mut sizes = BTreeSet::new();
    for (n, file) in files.iter().enumerate() {
        let target = dir.path().join(format!("r{n}"));
        std::fs::write(target.with_extension("config.toml"), "").unwrap();
        let o = cli(&target)
            .args(["restore", file.to_str().unwrap()])
            .output()
            .unwrap();
        assert!(o.status.success(), "{}", stderr(&o));
        let doctor = cli(&target).arg("doctor").output().unwrap();
        assert!(doctor.status.success(), "{}", stdout(&doctor));
        let back = Store::new(&target, StoreOptions::default());
        // Each backup is the database at one moment: every journal a prefix of the final one.
        for (id, all) in [a, b].iter().zip(&final_notes) {
            let got = notes(&back, *id);
            assert_eq!(&all[..got.len()], &got[..], "backup {n}, dossier {id}");
            sizes.insert(got.len());
        }
    }
    eprintln!("journal lengths seen in the backups: {sizes:?}");
}

#[test]
fn a_team_database_backs_up_and_restores_with_its_modes() {
    use std::os::unix::fs::MetadataExt;
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let file = dir.path().join("b.jsonl");
    ok(&db, &["backup", file.to_str().unwrap()]);
    // SAFETY: getgid cannot fail.
    let gid = unsafe { libc::getgid() };
    let group = recouvre::storage::shared::group_name(gid).unwrap_or_else(|| gid.to_string());
    let team = dir.path().join("equipe");
    ok(
        &team,
        &[
            "init",
            "--shared",
            "--group",
            &group,
            team.to_str().unwrap(),
        ],
    );
    ok(&team, &["restore", file.to_str().unwrap()]);
    let doctor = run(&team, &["doctor"]);
    assert!(doctor.status.success(), "{}", stdout(&doctor));
    for m in recouvre::storage::files::modes(&team).unwrap() {
        assert!(!m.too_open(), "{m:?}");
        assert_eq!(m.mode & 0o7777, m.expected, "{m:?}");
    }
    let copy = dir.path().join("equipe.jsonl");
    ok(&team, &["backup", copy.to_str().unwrap()]);
    let m = std::fs::metadata(&copy).unwrap();
    assert_eq!(m.mode() & 0o777, 0o660);
    assert_eq!(m.gid(), gid);
    assert_eq!(
        Store::new(&team, StoreOptions::default()).dump().unwrap(),
        Store::new(&db, StoreOptions::default()).dump().unwrap()
    );
}

#[test]
fn what_a_killed_restore_left_is_removed_by_the_next_one() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    store.create(new_dossier("Alpha SARL")).unwrap();
    let file = dir.path().join("b.jsonl");
    let o = cli(&db)
        .args(["backup", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    // A restore killed before its exchange: the new database beside data/, never swapped in.
    let left = db.join("data.restore-0123456789abcdef");
    std::fs::create_dir(&left).unwrap();
    std::fs::write(left.join("db"), b"half-written").unwrap();
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(&left, std::fs::Permissions::from_mode(0o700)).unwrap();
    std::fs::set_permissions(left.join("db"), std::fs::Permissions::from_mode(0o600)).unwrap();
    let before = store.dump().unwrap();
    let o = cli(&db).arg("doctor").output().unwrap();
    assert!(o.status.success(), "{}", stdout(&o));
    let o = cli(&db)
        .args(["restore", "--force", file.to_str().unwrap()])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(!left.exists());
    let after = store.dump().unwrap();
    assert_eq!(after.events, before.events);
    assert_eq!(after.debtors, before.debtors);
}
