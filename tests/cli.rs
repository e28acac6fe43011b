//! The real binary, as a user runs it from the shell.

mod common;

use std::path::Path;
use std::process::Command;

use common::{bin, binary, configure, run_at, run_wide as run, stderr, stdout};

fn json(db: &Path, args: &[&str]) -> serde_json::Value {
    let mut a = vec!["status"];
    a.extend_from_slice(args);
    a.push("--json");
    let o = run(db, &a);
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("{e}: {}", stdout(&o)))
}

#[test]
fn demo_then_status_then_log_then_status_shows_the_new_stage() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    configure(&db);
    let o = run(&db, &["--demo", "status"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Base de démonstration créée"),
        "{}",
        stderr(&o)
    );
    let out = stdout(&o);
    assert!(out.contains("Encours total"), "{out}");
    assert!(out.contains("Relance 1"), "{out}");

    let all = json(&db, &[]);
    let arr = all.as_array().unwrap();
    assert!(
        arr.len() >= 40,
        "demo has 40+ open dossiers, got {}",
        arr.len()
    );
    let stages: std::collections::HashSet<&str> =
        arr.iter().map(|d| d["stage"].as_str().unwrap()).collect();
    for s in [
        "not_due",
        "due",
        "relance_1",
        "relance_2",
        "relance_3",
        "mise_en_demeure",
        "injonction",
        "disputed",
        "payment_plan",
    ] {
        assert!(stages.contains(s), "demo lacks stage {s}: {stages:?}");
    }

    let acme = json(&db, &["ACME"]);
    let acme = &acme.as_array().unwrap()[0];
    assert_eq!(acme["stage"], "relance_1");
    assert_eq!(acme["balance"], "5434.56");
    assert_eq!(acme["next_action"], "relance_2");
    for key in [
        "id",
        "debtor",
        "days_past_due",
        "next_action_date",
        "last_event",
    ] {
        assert!(!acme[key].is_null(), "{key} missing in {acme}");
    }
    let id = format!("#{}", acme["id"].as_u64().unwrap());

    let o = run(&db, &["log", &id, "relance"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Relance 2 envoyée"), "{}", stdout(&o));
    let acme = json(&db, &[&id]);
    assert_eq!(acme[0]["stage"], "relance_2");
    assert_eq!(acme[0]["last_event"], "relance");

    // A partial payment typed the French way.
    let o = run(
        &db,
        &[
            "log",
            &id,
            "--date",
            "25/11/2026",
            "payment",
            "--amount",
            "1 234,56 €",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&db, &[&id])[0]["balance"], "4200.00");

    // Undo cancels the payment but keeps it in the journal.
    let o = run(&db, &["undo", &id]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(json(&db, &[&id])[0]["balance"], "5434.56");
    let show = stdout(&run(&db, &["show", &id]));
    assert!(show.contains("[annulé]"), "{show}");
    assert!(show.contains("Annulation de l'événement"), "{show}");
}

#[test]
fn add_validates_every_field_and_changes_nothing_on_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    let base = [
        "add",
        "--debtor",
        "Durand SA",
        "--b2b",
        "--invoice",
        "F-9",
        "--issued",
        "01/10/2026",
        "--due",
        "31/10/2026",
    ];
    let mut bad = base.to_vec();
    bad.extend(["--amount", "12,345"]);
    let o = run(&db, &bad);
    assert_eq!(o.status.code(), Some(2));
    let e = stderr(&o);
    assert!(
        e.contains("--amount") && e.contains("12,345") && e.contains("1\u{a0}234,56"),
        "{e}"
    );

    let mut bad = vec![
        "add",
        "--debtor",
        "Durand SA",
        "--b2b",
        "--invoice",
        "F-9",
        "--amount",
        "10",
        "--issued",
        "01/10/2026",
        "--due",
        "31/13/2026",
    ];
    let o = run(&db, &bad);
    assert!(
        stderr(&o).contains("--due") && stderr(&o).contains("05/03/2026"),
        "{}",
        stderr(&o)
    );
    bad.truncate(0);

    // Nothing was created by the failed commands.
    let o = run(&db, &["status", "--json"]);
    assert_eq!(stdout(&o).trim(), "[]");

    let mut ok = base.to_vec();
    ok.extend(["--amount", "1.234,56 €", "--customer", "C-77"]);
    let o = run(&db, &ok);
    assert!(o.status.success(), "{}", stderr(&o));
    let id = stdout(&o).trim().to_string();
    assert_eq!(id, "1");
    let o = run(
        &db,
        &[
            "add-item",
            "C-77",
            "--invoice",
            "F-10",
            "--amount",
            "100",
            "--issued",
            "2026-11-01",
            "--due",
            "2026-11-30",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&db, &["durand"]);
    assert_eq!(v[0]["balance"], "1334.56");
    assert_eq!(v[0]["stage"], "due");
    assert_eq!(v[0]["days_past_due"], 25);

    // Bad payment: message names the field, journal unchanged.
    let before = stdout(&run(&db, &["show", "1"]));
    let o = run(&db, &["log", "1", "payment", "--amount", "-5"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("--amount"), "{}", stderr(&o));
    assert_eq!(stdout(&run(&db, &["show", "1"])), before);
}

#[test]
fn status_query_exit_codes_and_filters() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    assert!(run(&db, &["--demo", "status"]).status.success());
    let o = run(&db, &["status", "nobody-here"]);
    assert_eq!(o.status.code(), Some(1));
    assert!(stdout(&o).contains("Aucun dossier"));
    // Accents do not matter; invoice numbers and customer numbers find the dossier.
    let found = stdout(&run(&db, &["status", "lefevre"]));
    assert!(found.contains("Transports Lefèvre"), "{found}");
    // Its block names the last event, read from the journal the query loaded.
    let flat = found.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        flat.contains("Dernier événement : Relance 2 envoyée (courrier simple) (20/11/2026)"),
        "{found}"
    );
    assert!(stdout(&run(&db, &["status", "F-2026-0280"])).contains("Transports Lefèvre"));
    assert!(stdout(&run(&db, &["status", "C-1011"])).contains("Transports Lefèvre"));
    let disputed = json(&db, &["--stage", "disputed"]);
    assert!(disputed
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["stage"] == "disputed"));
    assert_eq!(disputed.as_array().unwrap().len(), 2);
    let o = run(&db, &["status", "--stage", "bogus"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("relance_1"), "{}", stderr(&o));
    let overdue = json(&db, &["--overdue"]);
    assert!(overdue
        .as_array()
        .unwrap()
        .iter()
        .all(|d| d["next_action_date"].as_str().unwrap() <= "2026-11-25"));
}

#[test]
fn english_on_request() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    let o = run(&db, &["--demo", "--lang", "en", "status", "acme"]);
    assert!(stdout(&o).contains("Reminder 1"), "{}", stdout(&o));
    assert!(stdout(&o).contains("Next action"), "{}", stdout(&o));
    let o = Command::new(bin())
        .args(["--lang", "en", "--help"])
        .output()
        .unwrap();
    assert!(stdout(&o).contains("Portfolio status"), "{}", stdout(&o));
    let o = Command::new(bin())
        .env("LANG", "fr_FR.UTF-8")
        .env_remove("LC_ALL")
        .arg("--help")
        .output()
        .unwrap();
    assert!(
        stdout(&o).contains("Situation du portefeuille"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn missing_database_says_how_to_create_it() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&dir.path().join("none"), &["status"]);
    assert_eq!(o.status.code(), Some(3));
    assert!(stderr(&o).contains("recouvre init"), "{}", stderr(&o));
}

#[test]
fn relance_beyond_three_points_to_the_notice() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    configure(&db);
    assert!(run(&db, &["--demo", "status"]).status.success());
    let id = format!("#{}", json(&db, &["Perrin"])[0]["id"].as_u64().unwrap());
    let o = run(&db, &["log", &id, "relance"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("mise en demeure"), "{}", stderr(&o));
    let o = run(&db, &["log", &id, "notice", "--channel", "lrar"]);
    assert!(o.status.success(), "{}", stderr(&o));
    // Sent Wednesday 25/11: received Thursday 26/11, + 8 days for a business.
    assert!(stdout(&o).contains("04/12/2026"), "{}", stdout(&o));
    assert_eq!(json(&db, &[&id])[0]["stage"], "mise_en_demeure");
}

/// A command that reported success has made its write durable: killing the process right
/// after cannot lose it.
#[test]
fn acknowledged_writes_survive_sigkill() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "Kill SA",
            "--b2b",
            "--invoice",
            "K-1",
            "--amount",
            "1000",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-31",
        ],
    );
    assert!(o.status.success());
    let mut acknowledged = 0;
    for i in 0..15 {
        let mut child = binary(&db)
            .args(["log", "1", "note", &format!("note {i}")])
            .stdout(std::process::Stdio::piped())
            .spawn()
            .unwrap();
        // Wait for the success line, then kill the process before it can exit on its own terms.
        let mut out = child.stdout.take().unwrap();
        let mut buf = [0u8; 1];
        use std::io::Read;
        if out.read(&mut buf).unwrap_or(0) == 1 {
            acknowledged += 1;
        }
        let _ = child.kill();
        let _ = child.wait();
    }
    let show = stdout(&run(&db, &["show", "1"]));
    for i in 0..acknowledged {
        assert!(
            show.contains(&format!("Note : note {i}")),
            "note {i} lost:\n{show}"
        );
    }
    assert_eq!(acknowledged, 15);
}

#[test]
fn status_json_carries_the_amounts_owed_and_show_prints_the_breakdown() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    // 10 000 € due 30/06/2026, B2B, no contractual rate: ECB + 10 points.
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "Pénalités SA",
            "--b2b",
            "--invoice",
            "P-1",
            "--amount",
            "10000",
            "--issued",
            "2026-05-31",
            "--due",
            "2026-06-30",
            "--proof",
            "BL 42",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&db, &["#1"]);
    let d = &v[0];
    // 2026-H2 is not in the table: 148 days (1/7 → 25/11) at 12.15 % (2026-H1's rate, stand-in).
    // 10 000 × 12.15 % × 148 / 365 = 492.66
    assert_eq!(d["penalties"], "492.66");
    assert_eq!(d["indemnities"], "40.00");
    assert_eq!(d["principal"], "10000.00");
    assert_eq!(d["total_due"], "10532.66");
    assert_eq!(d["provisional"], true);
    let line = &d["breakdown"][0];
    assert_eq!(line["item"], "P-1");
    assert_eq!(line["from"], "2026-07-01");
    assert_eq!(line["to"], "2026-11-25");
    assert_eq!(line["days"], 148);
    assert_eq!(line["rate"], "12.15");
    assert_eq!(line["amount"], "492.66");

    let show = stdout(&run(&db, &["show", "1"]));
    assert!(
        show.contains("148 j × 10\u{a0}000,00\u{a0}€ × 12,15"),
        "{show}"
    );
    assert!(show.contains("[PROVISOIRE]"), "{show}");
    assert!(show.contains("TOTAL DÛ"), "{show}");
    assert!(show.contains("Prescription le 30/06/2031"), "{show}");

    // A user row for 2026-H2 removes the provisional mark.
    let cfg = dir.path().join("xdg-config/recouvre");
    std::fs::create_dir_all(&cfg).unwrap();
    std::fs::write(
        cfg.join("rates.toml"),
        "[[semester]]\nstart = \"2026-07-01\"\nlegal_rate_consumer_creditor = \"6.00\"\nlegal_rate_other = \"2.50\"\necb_refi_rate = \"2.00\"\nsource = \"Arrêté test\"\n",
    )
    .unwrap();
    let d = &json(&db, &["#1"])[0];
    assert_eq!(d["provisional"], false);
    // 10 000 × 12 % × 148 / 365 = 486.58
    assert_eq!(d["penalties"], "486.58");
    let rates = stdout(&run(&db, &["rates"]));
    assert!(rates.contains("2026-H2"), "{rates}");
    assert!(rates.contains("rates.toml"), "{rates}");
}

#[test]
fn a_notice_on_a_dossier_that_fails_a_check_needs_force_and_is_recorded() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    // Not yet due, no proof recorded.
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "Tôt SARL",
            "--b2b",
            "--invoice",
            "T-1",
            "--amount",
            "500",
            "--issued",
            "2026-11-01",
            "--due",
            "2026-12-31",
        ],
    );
    assert!(o.status.success());
    let o = run(&db, &["log", "1", "notice", "--channel", "lrar"]);
    assert_eq!(o.status.code(), Some(5));
    assert!(stderr(&o).contains("--force"), "{}", stderr(&o));
    assert!(!stdout(&run(&db, &["show", "1"])).contains("Mise en demeure envoyée"));
    let o = run(&db, &["log", "1", "notice", "--channel", "lrar", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stderr(&o).contains("noté au journal"), "{}", stderr(&o));
    assert_eq!(json(&db, &["#1"])[0]["stage"], "mise_en_demeure");
}

#[test]
fn letters_from_the_shell_next_kept_copy_list_and_override() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    configure(&db);
    assert!(run(&db, &["--demo", "status"]).status.success());
    let id = format!("#{}", json(&db, &["ACME"])[0]["id"].as_u64().unwrap());

    // The next letter is relance 2 with the amounts, invoices and the previous reminder's date.
    let o = run(&db, &["letter", &id, "--next"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let next = stdout(&o);
    assert!(next.contains("Deuxième relance"), "{next}");
    assert!(
        next.contains("F-2026-0301") && next.contains("F-2026-0318"),
        "{next}"
    );
    assert!(
        next.contains("18 novembre 2026"),
        "previous reminder date: {next}"
    );
    assert!(next.contains("5\u{a0}534,63\u{a0}€"), "total due: {next}");
    assert!(stderr(&o).contains("PROVISOIRES"), "{}", stderr(&o));

    // No letter kept yet for this dossier's relance 1 (demo history has none): exit 1.
    assert_eq!(run(&db, &["letter", &id]).status.code(), Some(1));
    // Logging the relance keeps the exact text as proof.
    assert!(run(&db, &["log", &id, "relance"]).status.success());
    let kept = stdout(&run(&db, &["letter", &id]));
    assert_eq!(kept, next, "the kept copy is the letter that was prepared");
    let out = dir.path().join("r2.txt");
    assert!(run(&db, &["letter", &id, "--out", out.to_str().unwrap()])
        .status
        .success());
    assert_eq!(std::fs::read_to_string(&out).unwrap(), next);

    // A user template replaces the built-in one; --list says where each comes from.
    let tdir = dir.path().join("xdg-config/recouvre/templates");
    std::fs::create_dir_all(&tdir).unwrap();
    std::fs::write(
        tdir.join("relance_3.txt.j2"),
        "Troisième relance, {{ debtor.name }}.\n",
    )
    .unwrap();
    let list = stdout(&run(&db, &["letter", "--list"]));
    let line = list
        .lines()
        .find(|l| l.starts_with("relance_3.txt.j2"))
        .unwrap();
    assert!(line.contains("templates/relance_3.txt.j2"), "{line}");
    assert!(
        list.lines()
            .any(|l| l.starts_with("relance_1.txt.j2") && l.contains("intégré")),
        "{list}"
    );
    let o = run(&db, &["letter", &id, "--next"]);
    assert_eq!(stdout(&o), "Troisième relance, ACME SARL.\n");
    // A broken template is named, with its line.
    std::fs::write(tdir.join("relance_3.txt.j2"), "ok\n{% if %}\n").unwrap();
    let o = run(&db, &["letter", &id, "--next"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("relance_3") && stderr(&o).contains('2'),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_belgian_consumer_gets_a_last_notice_stating_the_collection_costs() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    configure(&db);
    assert!(run(&db, &["--demo", "status"]).status.success());
    let id = format!("#{}", json(&db, &["Peeters"])[0]["id"].as_u64().unwrap());
    let letter = stdout(&run(&db, &["letter", &id, "--next"]));
    assert!(letter.contains("Dernier rappel"), "{letter}");
    // 320 € owed: 30 € + 10 % of the part above 150 € = 47 € (CDE book XIX cap).
    assert!(letter.contains("47,00\u{a0}€"), "{letter}");
    assert!(letter.contains("14 jours"), "{letter}");
    let o = run(&db, &["log", &id, "notice", "--channel", "lrar"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let v = json(&db, &[&id]);
    assert_eq!(v[0]["stage"], "last_notice");
    assert_eq!(v[0]["last_event"], "last_notice");
    let show = stdout(&run(&db, &["show", &id]));
    assert!(show.contains("frais annoncés 47,00"), "{show}");
}

#[test]
fn after_service_the_next_step_is_enforcement_the_day_after_the_last_day_to_oppose() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    assert!(run(&db, &["--demo", "status"]).status.success());
    // Served on 5 November 2026 (today − 20): one month ends Saturday 5 December, so the debtor
    // may oppose until Monday 7 December (art. 642 CPC); enforcement from Tuesday 8.
    let out = stdout(&run(&db, &["status", "Moulin"]));
    assert!(
        out.contains(
            "Sans opposition au plus tard le 07/12/2026 : faire exécuter l'ordonnance par le commissaire de justice, le 08/12/2026"
        ),
        "{out}"
    );
    assert!(!out.contains("formule exécutoire"), "{out}");
}

/// The events of dossier `id`, read through the library once the binary has exited.
fn events(db: &Path, id: u64) -> Vec<recouvre::domain::event::Event> {
    recouvre::storage::Store::new(db, recouvre::storage::StoreOptions::default())
        .load(id)
        .unwrap()
        .events
}

#[test]
fn a_notice_with_placeholders_and_no_registered_office_is_refused_unless_forced() {
    use recouvre::domain::event::EventKind;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    // No creditor configuration, no debtor address.
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "Sans Siège SARL",
            "--b2b",
            "--invoice",
            "S-1",
            "--amount",
            "900",
            "--issued",
            "2026-09-01",
            "--due",
            "2026-10-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&db, &["log", "1", "notice", "--channel", "lrar"]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let err = stderr(&o);
    for needle in ["[Votre société]", "[IBAN]", "siège social", "--force"] {
        assert!(err.contains(needle), "{needle}: {err}");
    }
    assert!(!events(&db, 1)
        .iter()
        .any(|e| matches!(e.kind, EventKind::NoticeSent { .. })));

    let o = run(&db, &["log", "1", "notice", "--channel", "lrar", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("Contrôles outrepassés"),
        "{}",
        stderr(&o)
    );
    let ev = events(&db, 1);
    let overrides = ev
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::NoticeSent { overrides, .. } => Some(overrides.clone()),
            _ => None,
        })
        .expect("notice recorded");
    assert!(
        overrides.contains(&"placeholders".to_string()),
        "{overrides:?}"
    );
    assert!(
        overrides.contains(&"debtor_address_missing".to_string()),
        "{overrides:?}"
    );
}

#[test]
fn a_relance_on_a_disputed_dossier_needs_force_and_the_override_is_journaled() {
    use recouvre::domain::event::EventKind;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    configure(&db);
    assert!(run(&db, &["init"]).status.success());
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "Conteste SA",
            "--b2b",
            "--address",
            "1 rue Haute",
            "--address",
            "75001 Paris",
            "--invoice",
            "C-1",
            "--amount",
            "900",
            "--issued",
            "2026-09-01",
            "--due",
            "2026-10-01",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    // Without a dispute the first reminder goes out.
    let o = run(&db, &["log", "1", "relance"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        &db,
        &[
            "log",
            "1",
            "contestation",
            "--reason",
            "livraison incomplète",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&db, &["log", "1", "relance"]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(stderr(&o).contains("contestation"), "{}", stderr(&o));
    let o = run(&db, &["log", "1", "relance", "--force"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let forced: Vec<Vec<String>> = events(&db, 1)
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::RelanceSent { overrides, .. } => Some(overrides.clone()),
            _ => None,
        })
        .collect();
    assert_eq!(forced, vec![vec![], vec!["dispute_open".to_string()]]);
}

#[test]
fn a_dutch_last_notice_states_the_deadline_the_journal_and_the_costs_use() {
    use recouvre::domain::event::EventKind;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    configure(&db);
    assert!(run(&db, &["init"]).status.success());
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "Dhr. Jan de Vries",
            "--b2c",
            "--jurisdiction",
            "nl",
            "--customer",
            "K-12",
            "--address",
            "Keizersgracht 1",
            "--address",
            "1015 Amsterdam",
            "--invoice",
            "NL-1",
            "--amount",
            "600",
            "--issued",
            "2026-09-01",
            "--due",
            "2026-10-01",
            "--description",
            "Onderhoud",
            "--proof",
            "bestelbon 2026-77",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(
        &db,
        &[
            "log",
            "1",
            "notice",
            "--channel",
            "lrar",
            "--deadline-days",
            "20",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let deadline = events(&db, 1)
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::LastNoticeSent { deadline, .. } => Some(*deadline),
            _ => None,
        })
        .expect("last notice recorded");
    // Sent Wednesday 25/11, received Thursday 26/11, + 20 days.
    assert_eq!(deadline.to_string(), "2026-12-16");
    let kept = stdout(&run(&db, &["letter", "1"]));
    assert!(
        kept.contains(&recouvre::domain::parse::format_date_long_fr(deadline)),
        "{kept}"
    );
    assert!(kept.contains("16/12/2026"), "{kept}");
    // The collection costs become owed the day after that same date, not before.
    let costs_at = |day: &str| {
        let o = run_at(&db, day, &["status", "#1", "--json"]);
        let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
        v[0]["costs"].as_str().unwrap_or("0").to_string()
    };
    assert_eq!(costs_at("2026-12-16"), "0.00");
    assert_ne!(costs_at("2026-12-17"), "0.00");
}

#[test]
fn a_first_reminder_without_rate_based_amounts_is_never_provisional_and_warnings_print_once() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    configure(&db);
    assert!(run(&db, &["--demo", "status"]).status.success());
    // ACME: relance 2 with penalties on a half-year missing from the table: said once.
    let id = format!("#{}", json(&db, &["ACME"])[0]["id"].as_u64().unwrap());
    let o = run(&db, &["letter", &id, "--next"]);
    assert_eq!(
        stderr(&o).matches("PROVISOIRES").count(),
        1,
        "{}",
        stderr(&o)
    );
    // A consumer's first reminder states no interest: nothing provisional in it.
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "Mme Claire Simon",
            "--b2c",
            "--address",
            "2 rue Basse",
            "--address",
            "33000 Bordeaux",
            "--invoice",
            "P-1",
            "--amount",
            "300",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-15",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let id = stdout(&o).trim().to_string();
    let o = run(&db, &["letter", &id, "--next"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Rappel de paiement"), "{}", stdout(&o));
    assert!(!stderr(&o).contains("PROVISOIRE"), "{}", stderr(&o));
    assert!(!stdout(&o).contains("provisionnel"), "{}", stdout(&o));
}

fn add_dossier(db: &Path, debtor: &str, invoice: &str) {
    let o = run(
        db,
        &[
            "add",
            "--debtor",
            debtor,
            "--b2b",
            "--invoice",
            invoice,
            "--amount",
            "1000",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-31",
        ],
    );
    assert!(o.status.success(), "{}", stderr(&o));
}

#[test]
fn a_bare_number_is_an_id_never_a_text_search() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    add_dossier(&db, "ACME SARL", "F-2026-012");
    add_dossier(&db, "ACME Industries", "F-2026-013");
    let before = events(&db, 1).len();
    for key in ["12", "#12", "2026"] {
        let o = run(&db, &["log", key, "payment", "--amount", "5000"]);
        assert_eq!(o.status.code(), Some(1), "{key}: {}", stdout(&o));
        assert!(
            stderr(&o)
                .to_lowercase()
                .contains(&format!("aucun dossier n° {}", key.trim_start_matches('#'))),
            "{}",
            stderr(&o)
        );
        let o = run(&db, &["log", key, "note", "hello"]);
        assert_eq!(o.status.code(), Some(1), "{key}");
    }
    assert_eq!(events(&db, 1).len(), before, "nothing written on dossier 1");
    // Several matches, one of them closed: refused with the list, whatever is open.
    let o = run(&db, &["log", "2", "close", "written-off"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let o = run(&db, &["log", "ACME", "note", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("#1 ACME SARL"), "{}", stderr(&o));
    assert!(stderr(&o).contains("#2 ACME Industries"), "{}", stderr(&o));
    // Every write says which dossier it acted on.
    let o = run(&db, &["log", "1", "note", "bonjour"]);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).starts_with("#1 ACME SARL : "), "{}", stdout(&o));
    let o = run(&db, &["log", "#1", "call", "répondeur"]);
    assert!(stdout(&o).starts_with("#1 ACME SARL : "), "{}", stdout(&o));
}

#[test]
fn demo_wins_over_recouvre_db_and_never_writes_the_real_database() {
    let dir = tempfile::tempdir().unwrap();
    let real = dir.path().join("real");
    assert!(run(&real, &["init"]).status.success());
    add_dossier(&real, "Vraie SA", "V-1");
    let before = events(&real, 1).len();
    let data = dir.path().join("xdg-data");
    let o = Command::new(bin())
        .args(["--demo", "log", "1", "note", "entraînement"])
        .env("RECOUVRE_DB", &real)
        .env("XDG_DATA_HOME", &data)
        .env("HOME", dir.path())
        .env("RECOUVRE_TODAY", "2026-11-25")
        .env("LANG", "fr_FR.UTF-8")
        .env("XDG_CONFIG_HOME", dir.path().join("xdg-config"))
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(
        events(&real, 1).len(),
        before,
        "the real journal is untouched"
    );
    assert!(data.join("recouvre/demo/data/conf").is_file());
    // --demo with --db naming the real database: refused, nothing created or written.
    let o = run(&real, &["--demo", "log", "1", "note", "x"]);
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    assert!(stderr(&o).contains("--demo"), "{}", stderr(&o));
    assert_eq!(events(&real, 1).len(), before);
}

#[test]
fn a_killed_demo_creation_always_ends_complete_on_the_next_run() {
    let dir = tempfile::tempdir().unwrap();
    let start = std::time::Instant::now();
    let o = run(&dir.path().join("timing"), &["--demo", "status"]);
    assert!(o.status.success());
    let full = start.elapsed();
    for i in 0..30u32 {
        let db = dir.path().join(format!("d{i}/demo"));
        std::fs::create_dir_all(db.parent().unwrap()).unwrap();
        let mut child = binary(&db)
            .args(["--demo", "status"])
            .stdout(std::process::Stdio::null())
            .stderr(std::process::Stdio::null())
            .spawn()
            .unwrap();
        // Delays spread over the whole creation, a little beyond.
        std::thread::sleep(full * i / 25);
        let _ = child.kill();
        let _ = child.wait();
        let o = run(&db, &["--demo", "status"]);
        assert!(o.status.success(), "run {i}: {}", stderr(&o));
        let store = recouvre::storage::Store::new(&db, Default::default());
        let n = store.load_all().unwrap().dossiers.len();
        assert_eq!(n, 46, "run {i} (killed after {:?})", full * i / 25);
        let leftovers: Vec<_> = std::fs::read_dir(db.parent().unwrap())
            .unwrap()
            .flatten()
            .map(|e| e.file_name())
            .filter(|n| n != "demo" && n != "xdg-config")
            .collect();
        assert!(leftovers.is_empty(), "run {i}: {leftovers:?}");
    }
}

#[test]
fn a_proof_noted_after_the_fact_lets_the_notice_go_and_is_journaled() {
    use recouvre::domain::event::EventKind;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    configure(&db);
    let invoice = |args: &[&str]| {
        let o = run(&db, args);
        assert!(o.status.success(), "{}", stderr(&o));
    };
    #[rustfmt::skip]
    invoice(&["add", "--debtor", "Sans Preuve SARL", "--b2b", "--address", "3 rue Neuve",
        "--address", "75002 Paris", "--invoice", "P-1", "--amount", "900",
        "--issued", "2026-08-01", "--due", "2026-09-01"]);
    #[rustfmt::skip]
    invoice(&["add-item", "1", "--invoice", "P-2", "--amount", "300",
        "--issued", "2026-08-10", "--due", "2026-09-10"]);

    // The refusal says which invoice lacks its proof and how to note it.
    let o = run(&db, &["log", "1", "notice", "--channel", "lrar"]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    let err = stderr(&o);
    assert!(err.contains("P-1 : aucune preuve notée"), "{err}");
    assert!(err.contains("recouvre edit --proof"), "{err}");

    // Two invoices: which one must be said; an empty text or an unknown invoice is refused.
    for (args, needle) in [
        (&["edit", "1", "--proof", "BC-1"][..], "P-1, P-2"),
        (
            &["edit", "1", "--invoice", "P-1", "--proof", "  "][..],
            "--proof",
        ),
        (
            &["edit", "1", "--invoice", "P-9", "--proof", "BC-9"][..],
            "P-9",
        ),
    ] {
        let o = run(&db, args);
        assert_eq!(o.status.code(), Some(2), "{args:?}: {}", stderr(&o));
        assert!(stderr(&o).contains(needle), "{args:?}: {}", stderr(&o));
    }
    let journal = events(&db, 1).len();
    invoice(&[
        "edit",
        "1",
        "--invoice",
        "P-1",
        "--proof",
        "Bon de commande BC-1 signé",
    ]);
    invoice(&[
        "edit",
        "1",
        "--invoice",
        "p-2",
        "--proof",
        "Bon de livraison BL-2",
    ]);
    assert_eq!(events(&db, 1).len(), journal + 2, "one event per proof");
    let shown = stdout(&run(&db, &["show", "1"]));
    assert!(
        shown.contains("Justificatif noté pour P-1 : Bon de commande BC-1 signé"),
        "{shown}"
    );
    // Under the invoice too, where the credit manager looks for it.
    assert!(
        shown.contains("P-1 ") && shown.contains("    justificatif : Bon de commande BC-1 signé\n"),
        "{shown}"
    );

    // Undone, the second proof is missing again.
    invoice(&["undo", "1"]);
    let o = run(&db, &["log", "1", "notice", "--channel", "lrar"]);
    assert_eq!(o.status.code(), Some(5), "{}", stderr(&o));
    assert!(
        stderr(&o).contains("P-2 : aucune preuve notée"),
        "{}",
        stderr(&o)
    );
    assert!(!stderr(&o).contains("P-1 : aucune"), "{}", stderr(&o));

    invoice(&[
        "edit",
        "1",
        "--invoice",
        "P-2",
        "--proof",
        "Bon de livraison BL-2",
    ]);
    let o = run(&db, &["log", "1", "notice", "--channel", "lrar"]);
    assert!(o.status.success(), "{}", stderr(&o));
    let overrides = events(&db, 1)
        .iter()
        .find_map(|e| match &e.kind {
            EventKind::NoticeSent { overrides, .. } => Some(overrides.clone()),
            _ => None,
        })
        .expect("notice recorded");
    assert!(overrides.is_empty(), "{overrides:?}");
}
