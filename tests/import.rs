//! `recouvre import fec|csv`: the real binary on exports shaped like two accounting tools'
//! (tests/fixtures/import/), the expected dossiers and balances written by hand.
//!
//! Tool A (October): tab-separated, UTF-8 with a byte-order mark, CRLF, amounts padded with
//! spaces and zeros, signed Montantdevise. Tool B (November): `|`-separated, Windows-1252 (a
//! ’ byte), lower-case header, a `-` piece reference, plain amounts. Both at 2026-11-25 with
//! the default 30-day payment terms.

mod common;

use std::path::{Path, PathBuf};

use common::{cli, new_store, stderr, stdout};
use recouvre::domain::event::EventKind;

fn fixture(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/import")
        .join(name)
}

fn mapping(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("mappings")
        .join(name)
}

fn import(db: &Path, args: &[&str], file: &Path) -> std::process::Output {
    cli(db)
        .arg("import")
        .arg(args[0])
        .arg(file)
        .args(&args[1..])
        .output()
        .unwrap()
}

/// `status --json` of every dossier (closed ones too), as text and as values.
fn status(db: &Path) -> (String, Vec<serde_json::Value>) {
    let o = cli(db)
        .args(["status", "--closed", "--json"])
        .output()
        .unwrap();
    let text = stdout(&o);
    let v: serde_json::Value =
        serde_json::from_str(&text).unwrap_or_else(|e| panic!("{e}: {text}"));
    (text, v.as_array().cloned().unwrap_or_default())
}

/// (debtor, customer number, debtor type, balance) of each dossier, by id.
fn balances(db: &Path) -> Vec<(String, String, String, String)> {
    let (_, mut all) = status(db);
    all.sort_by_key(|d| d["id"].as_u64());
    all.iter()
        .map(|d| {
            (
                d["debtor"].as_str().unwrap().to_string(),
                d["customer_number"].as_str().unwrap_or("").to_string(),
                d["debtor_type"].as_str().unwrap().to_string(),
                d["balance"].as_str().unwrap().to_string(),
            )
        })
        .collect()
}

fn row(debtor: &str, number: &str, kind: &str, balance: &str) -> (String, String, String, String) {
    (debtor.into(), number.into(), kind.into(), balance.into())
}

#[test]
fn fec_import_creates_the_open_items_then_a_newer_file_adds_and_settles() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    let a = fixture("fec_tool_a_2026-10.txt");

    // A dry run says what would happen and writes nothing.
    let o = import(&db, &["fec", "--dry-run"], &a);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("+ nouveau dossier ACME SARL (B2B)"), "{out}");
    assert!(out.contains("date de la pièce + 30 jours"), "{out}");
    assert!(out.contains("rien n'a été écrit"), "{out}");
    assert!(balances(&db).is_empty());

    let o = import(&db, &["fec"], &a);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(
        stderr(&o).is_empty(),
        "no progress bar off a terminal: {}",
        stderr(&o)
    );
    // ACME: F-2026-101 1 437,12 less the 400,00 paid on account (VIR-0917, before the due
    // date, so all principal); F-2026-090 is lettered with its payment: settled, not imported.
    // Durand: F-2026-095 120,00 + F-2026-102 250,00 less the credit note AV-2026-007 50,00.
    assert_eq!(
        balances(&db),
        [
            row("ACME SARL", "C001", "b2b", "1037.12"),
            row("BOULANGERIE DURAND", "C002", "b2b", "320.00"),
        ]
    );
    let show = stdout(&cli(&db).args(["show", "2"]).output().unwrap());
    // The credit note names the invoice its label names; the due date is the piece's + 30 days.
    assert!(show.contains("F-2026-102 : avoir du 15/10/2026"), "{show}");
    assert!(show.contains("échéance 04/11/2026"), "{show}");
    assert!(show.contains("fec_tool_a_2026-10.txt"), "{show}");
    let show = stdout(&cli(&db).args(["show", "1"]).output().unwrap());
    assert!(show.contains("Paiement 17/09/2026"), "{show}");

    // The same file again changes nothing.
    let (before, _) = status(&db);
    let o = import(&db, &["fec"], &a);
    assert!(o.status.success(), "{}", stderr(&o));
    assert!(stdout(&o).contains("Rien de nouveau"), "{}", stdout(&o));
    assert_eq!(status(&db).0, before);

    // A proof noted later replaces the import's mark in letters, not where the invoice came
    // from: F-2026-095 is still settled below for being gone from the accounting.
    let o = cli(&db)
        .args([
            "edit",
            "2",
            "--invoice",
            "F-2026-095",
            "--proof",
            "Bon de livraison BL-77 signé",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));

    // November, from the other tool: F-2026-101 lettered with a new payment, F-2026-095 gone,
    // F-2026-102 now 260,00 in the books, a new invoice for ACME, a new debtor.
    let b = fixture("fec_tool_b_2026-11.txt");
    let o = import(&db, &["fec"], &b);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("(Windows-1252)"), "{out}");
    // Money is written with no-break spaces: the lines are matched around the amounts.
    let line_of = |needle: &str| {
        out.lines()
            .find(|l| l.contains(needle))
            .unwrap_or_else(|| panic!("{needle}: {out}"))
            .to_string()
    };
    let changed = line_of("F-2026-102");
    assert!(changed.starts_with("! #2 BOULANGERIE DURAND"), "{changed}");
    assert!(changed.contains("260,00"), "{changed}");
    assert!(changed.contains("(ligne 14) ; non modifié"), "{changed}");
    let lettered = line_of("F-2026-101");
    assert!(
        lettered.contains("lettrée AB (ligne 7) ; à solder avec --settle-missing"),
        "{lettered}"
    );
    assert!(
        line_of("F-2026-095").contains("absente du fichier"),
        "{out}"
    );
    assert_eq!(
        balances(&db),
        [
            row("ACME SARL", "C001", "b2b", "1637.12"),
            row("BOULANGERIE DURAND", "C002", "b2b", "320.00"),
            row("Société Générale d'Équipement", "C003", "b2b", "1200.00"),
        ]
    );
    let o = import(&db, &["fec", "--settle-missing"], &b);
    assert!(o.status.success(), "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("soldés : 2"), "{out}");
    assert_eq!(
        balances(&db),
        [
            row("ACME SARL", "C001", "b2b", "600.00"),
            row("BOULANGERIE DURAND", "C002", "b2b", "200.00"),
            row("Société Générale d'Équipement", "C003", "b2b", "1200.00"),
        ]
    );
    // The new debtor's invoice had "-" as its piece: the entry number is its reference.
    let show = stdout(&cli(&db).args(["show", "3"]).output().unwrap());
    assert!(show.contains("VT000231"), "{show}");
    // The settlement is a payment naming the invoice, saying where it came from, dated by the
    // lettering; the note
    // lists the file's lines.
    let store = recouvre::storage::Store::new(&db, recouvre::storage::StoreOptions::default());
    let acme = store.load(1).unwrap();
    let settled = acme.events.iter().find_map(|e| match &e.kind {
        EventKind::PaymentReceived {
            amount,
            reference: Some(r),
            invoice: Some(i),
        } if r.starts_with("Lettrage") => {
            Some((e.date.to_string(), amount.to_string(), r.clone(), i.clone()))
        }
        _ => None,
    });
    assert_eq!(
        settled,
        Some((
            // Dated when the books lettered it (DateLet): penalties stop then.
            "2026-11-02".to_string(),
            "1037.12".to_string(),
            "Lettrage AB (fec_tool_b_2026-11.txt)".to_string(),
            "F-2026-101".to_string()
        ))
    );
    let notes: Vec<String> = acme
        .events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Note { text, .. } => Some(text.clone()),
            _ => None,
        })
        .collect();
    // One note per run that wrote to the dossier: October, November, November settling.
    assert_eq!(notes.len(), 3, "{notes:?}");
    assert!(notes[0].contains("l. 10 : règlement VIR-0917"), "{notes:?}");
    assert!(notes[1].contains("l. 20 : facture F-2026-115"), "{notes:?}");
    assert!(notes[2].contains("fec_tool_b_2026-11.txt"), "{notes:?}");
    assert!(
        notes[2].contains("l. 7 : facture F-2026-101 lettrée (AB)"),
        "{notes:?}"
    );
    // And the newer file, once more, changes nothing.
    let (before, _) = status(&db);
    let o = import(&db, &["fec", "--settle-missing"], &b);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(status(&db).0, before);
}

#[test]
fn a_bad_file_writes_nothing_and_names_the_line_and_the_column() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    let o = import(&db, &["fec"], &fixture("fec_tool_a_2026-10.txt"));
    assert!(o.status.success(), "{}", stderr(&o));
    let (before, _) = status(&db);
    let o = import(&db, &["fec"], &fixture("fec_bad.txt"));
    assert_eq!(o.status.code(), Some(2), "{}", stdout(&o));
    let err = stderr(&o);
    assert!(err.contains("ligne 3, colonne Debit"), "{err}");
    assert!(err.contains("12a,00"), "{err}");
    assert!(err.contains("ligne 5 : 17 colonnes au lieu de 18"), "{err}");
    assert!(err.contains("rien n'a été écrit"), "{err}");
    assert_eq!(status(&db).0, before);
    // The line before the bad one was fine, and was not written either.
    assert!(!before.contains("DUPONT"));

    // Not a FEC at all: its header is refused, naming a missing column.
    let o = import(&db, &["fec"], &fixture("open_items_intl.csv"));
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("colonne JournalCode"), "{}", stderr(&o));
    // A missing file.
    let o = import(&db, &["fec"], &dir.path().join("nope.txt"));
    assert_eq!(o.status.code(), Some(2));
    assert_eq!(status(&db).0, before);
}

#[test]
fn debtors_are_never_merged_silently() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    // A dossier typed by hand for a debtor named like the file's C001, under another number.
    let o = cli(&db)
        .args([
            "add",
            "--debtor",
            "ACME SARL",
            "--b2b",
            "--invoice",
            "F-1",
            "--amount",
            "100",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-31",
            "--customer",
            "CL-77",
        ])
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", stderr(&o));
    let (before, _) = status(&db);
    let o = import(&db, &["fec"], &fixture("fec_tool_a_2026-10.txt"));
    assert_eq!(o.status.code(), Some(2));
    assert!(
        stderr(&o).contains("existe avec le numéro client CL-77, pas C001"),
        "{}",
        stderr(&o)
    );
    assert_eq!(status(&db).0, before);
}

#[test]
fn csv_through_the_shipped_mappings() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    let map = mapping("sage-balance-agee.toml");
    let file = fixture("balance_agee_sage.csv");
    let o = import(&db, &["csv", "--map", map.to_str().unwrap()], &file);
    assert!(o.status.success(), "{}", stderr(&o));
    // Garage Moreau: FA-5001 1 200,00 with 700,00 left (500,00 paid on account) and the
    // credit note AV-0042 100,00. Mme Lefèvre, a consumer: FA-5010 89,90. Atelier Roux's
    // FA-4990 has nothing left: settled, nothing to import.
    assert_eq!(
        balances(&db),
        [
            row("Garage Moreau", "C101", "b2b", "600.00"),
            row("Mme Lefèvre Hélène", "C102", "b2c", "89.90"),
        ]
    );
    let out = stdout(&o);
    assert!(out.contains("B2C : 1 facture(s) 89,90"), "{out}");
    // Idempotent, including the cumulative "paid on account".
    let (before, _) = status(&db);
    let o = import(&db, &["csv", "--map", map.to_str().unwrap()], &file);
    assert!(o.status.success(), "{}", stderr(&o));
    assert_eq!(status(&db).0, before);

    let o = import(
        &db,
        &[
            "csv",
            "--map",
            mapping("international.toml").to_str().unwrap(),
        ],
        &fixture("open_items_intl.csv"),
    );
    assert!(o.status.success(), "{}", stderr(&o));
    let all = balances(&db);
    assert_eq!(
        all[2],
        row("Northwind Traders, Ltd", "N-1", "b2b", "1000.00")
    );
}

#[test]
fn a_bad_mapping_is_refused_with_its_reason() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    let map = dir.path().join("map.toml");
    std::fs::write(
        &map,
        "[columns]\nname = \"Client\"\nreference = \"Pièce\"\n",
    )
    .unwrap();
    let o = import(
        &db,
        &["csv", "--map", map.to_str().unwrap()],
        &fixture("balance_agee_sage.csv"),
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(stderr(&o).contains("Correspondance"), "{}", stderr(&o));
    // Every shipped mapping parses.
    for entry in std::fs::read_dir(Path::new(env!("CARGO_MANIFEST_DIR")).join("mappings")).unwrap()
    {
        let p = entry.unwrap().path();
        let text = std::fs::read_to_string(&p).unwrap();
        recouvre::domain::import::csv::parse_mapping(&text)
            .unwrap_or_else(|e| panic!("{}: {e}", p.display()));
    }
}

#[test]
fn a_plan_is_refused_once_the_database_moved_and_writes_nothing() {
    use recouvre::domain::import::Settings;
    use recouvre::domain::model::DebtorType;
    use recouvre::storage::import::{Request, Source};
    use recouvre::storage::StoreError;
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let o = import(&db, &["fec"], &fixture("fec_tool_a_2026-10.txt"));
    assert!(o.status.success(), "{}", stderr(&o));
    let settings = Settings {
        today: common::d(common::TODAY),
        payment_terms_days: 30,
        debtor_type: DebtorType::B2b,
        profile: None,
        settle_missing: true,
        file_name: String::new(),
    };
    let req = Request::new(fixture("fec_tool_b_2026-11.txt"), Source::Fec, settings);
    let rules = recouvre::domain::assess::Rules::default();
    let plan = store.plan_import(&req, &rules, &mut |_, _| {}).unwrap();
    assert_eq!(plan.created(), 1);
    // A colleague writes meanwhile (the TUI shows the plan and waits for a yes).
    store
        .append(
            2,
            None,
            common::d(common::TODAY),
            vec![common::note("appel")],
        )
        .unwrap();
    let (before, _) = status(&db);
    assert!(matches!(store.apply_import(&plan), Err(StoreError::Moved)));
    assert_eq!(status(&db).0, before);
    // Planned again, it goes through; doctor finds the derived data in step.
    let plan = store.plan_import(&req, &rules, &mut |_, _| {}).unwrap();
    let done = store.apply_import(&plan).unwrap();
    assert_eq!(done.created.len(), 1);
    assert_eq!(done.updated.len(), 2);
    let o = cli(&db).arg("doctor").output().unwrap();
    assert!(o.status.success(), "{}{}", stdout(&o), stderr(&o));
}
