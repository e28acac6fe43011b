//! Shell conventions, run on the real binary: exit codes, `status` for scripts, output that fits
//! the terminal, warnings only where they matter, clap in French, completions and man page.

mod common;

use std::path::Path;
use std::process::{Command, Output};

use common::{bin, binary, config_path, configure, run};

fn out(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

fn err(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn demo(db: &Path) {
    configure(db);
    let o = run(db, &["--demo", "status"]);
    assert!(o.status.success(), "{}", err(&o));
}

fn add(db: &Path, debtor: &str, due: &str) -> String {
    let o = run(
        db,
        &[
            "add",
            "--debtor",
            debtor,
            "--b2b",
            "--invoice",
            "F-1",
            "--amount",
            "500",
            "--issued",
            "2026-09-01",
            "--due",
            due,
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    out(&o).trim().to_string()
}

fn id_of(db: &Path, query: &str) -> String {
    let o = run(db, &["status", query, "-q"]);
    assert!(o.status.success(), "{}", err(&o));
    out(&o).lines().next().unwrap().to_string()
}

#[test]
fn exit_codes_are_documented_in_the_help() {
    let dir = tempfile::tempdir().unwrap();
    let o = run(&dir.path().join("db"), &["--help"]);
    assert!(o.status.success(), "{}", err(&o));
    let help = out(&o);
    assert!(help.contains("Codes de sortie"), "{help}");
    for line in [
        "  4  base occupée",
        "  5  refusé par une vérification légale",
    ] {
        assert!(help.contains(line), "{line:?} in {help}");
    }
    let readme = include_str!("../README.md");
    assert!(
        readme.contains("`4` busy"),
        "the README lists the exit codes"
    );
}

#[test]
fn a_database_locked_by_someone_else_exits_4() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    add(&db, "ACME", "2026-10-01");
    let lock = std::fs::OpenOptions::new()
        .read(true)
        .write(true)
        .open(db.join("lock"))
        .unwrap();
    lock.lock().unwrap();
    std::fs::write(db.join("lock"), "bob (pid 4242, 2026-11-25 10:42:00)").unwrap();
    let o = run(&db, &["log", "1", "note", "appelé"]);
    drop(lock);
    assert_eq!(o.status.code(), Some(4), "{}", err(&o));
    assert!(err(&o).contains("bob (pid 4242"), "{}", err(&o));
    // Released: the same command goes through.
    assert!(run(&db, &["log", "1", "note", "appelé"]).status.success());
}

#[test]
fn legal_refusals_exit_5_and_keep_their_message() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    configure(&db);
    assert!(run(&db, &["init"]).status.success());
    // Not yet due: a notice fails the "exigible" check.
    let id = add(&db, "Tôt SARL", "2026-12-31");
    let o = run(&db, &["log", &id, "notice", "--channel", "lrar"]);
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(err(&o).contains("--force"), "{}", err(&o));
    // Something is owed: closing as paid is refused.
    let o = run(&db, &["log", &id, "close", "paid"]);
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(err(&o).contains("written-off"), "{}", err(&o));
    // A contractual rate under the legal floor.
    let o = run(&db, &["edit", &id, "--rate", "1"]);
    assert_eq!(o.status.code(), Some(5), "{}", err(&o));
    assert!(err(&o).contains("plancher"), "{}", err(&o));
    // Bad input stays 2.
    let o = run(&db, &["edit", &id, "--rate", "abc"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
}

#[test]
fn status_tsv_and_quiet_for_scripts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    demo(&db);
    let o = run(&db, &["status", "--format", "tsv"]);
    assert!(o.status.success(), "{}", err(&o));
    let tsv = out(&o);
    let mut lines = tsv.lines();
    let header = lines.next().unwrap();
    assert_eq!(
        header,
        "id\tdebtor\tcustomer_number\tdebtor_type\tstage\toutstanding\tbalance\ttotal_due\t\
         days_past_due\tnext_action\tnext_action_date\tlast_event\tlast_event_date\tassigned_to"
    );
    let rows: Vec<Vec<&str>> = lines.map(|l| l.split('\t').collect()).collect();
    assert!(rows.len() >= 40, "{tsv}");
    assert!(rows.iter().all(|r| r.len() == 14), "{tsv}");
    // The same figures as the JSON, as plain decimals.
    let o = run(&db, &["status", "--json"]);
    let json: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let acme = json
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["debtor"].as_str().unwrap().contains("ACME"))
        .unwrap();
    let row = rows
        .iter()
        .find(|r| r[0] == acme["id"].as_u64().unwrap().to_string())
        .unwrap();
    assert_eq!(row[5], acme["outstanding"].as_str().unwrap());
    assert_eq!(row[4], "relance_1");
    assert!(!row[5].contains('€') && !row[5].contains(','), "{row:?}");

    // A tab or a newline inside a field (refused at input today, but possible in older data or
    // an import) never breaks the row.
    let id = {
        use recouvre::domain::event::EventKind;
        use recouvre::domain::model::*;
        let store = recouvre::storage::Store::new(&db, Default::default());
        store
            .create(recouvre::model::NewDossier {
                debtor: Debtor::new(0, "Tab\tAnd\nNewline SARL", DebtorType::B2b),
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
                    reference: "T-1".into(),
                    issued: chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
                    due: chrono::NaiveDate::from_ymd_opt(2026, 10, 1).unwrap(),
                    amount: rust_decimal::Decimal::from(500),
                    description: None,
                    proof: None,
                }],
                date: chrono::NaiveDate::from_ymd_opt(2026, 9, 1).unwrap(),
            })
            .unwrap()
            .to_string()
    };
    let o = run(&db, &["status", &format!("#{id}"), "--format", "tsv"]);
    let tsv = out(&o);
    assert_eq!(tsv.lines().count(), 2, "{tsv:?}");
    assert!(tsv.contains("\tTab And Newline SARL\t"), "{tsv:?}");

    // Ids only, one per line; a query that matches nothing exits 1 and prints nothing.
    let o = run(&db, &["status", "-q"]);
    assert!(o.status.success());
    let ids: Vec<u64> = out(&o).lines().map(|l| l.parse().unwrap()).collect();
    assert_eq!(ids.len(), json.as_array().unwrap().len() + 1);
    let o = run(&db, &["status", "--quiet", "ACME"]);
    assert_eq!(out(&o).trim(), acme["id"].as_u64().unwrap().to_string());
    let o = run(&db, &["status", "-q", "personne-de-ce-nom"]);
    assert_eq!(o.status.code(), Some(1));
    assert_eq!(out(&o), "");
    let o = run(&db, &["status", "--format", "tsv", "personne-de-ce-nom"]);
    assert_eq!(o.status.code(), Some(1));
}

#[test]
fn status_fits_80_columns_and_show_never_cuts_a_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    demo(&db);
    let o = binary(&db)
        .arg("status")
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    assert!(o.status.success(), "{}", err(&o));
    let text = out(&o);
    assert!(text.contains('…'), "long names are shortened: {text}");
    for line in text.lines() {
        assert!(
            line.chars().count() <= 80,
            "{} columns: {line}",
            line.chars().count()
        );
    }
    // Amounts are whole: every action line ends with its delay after a full amount.
    assert!(text.lines().any(|l| l.contains("\u{a0}€  ")), "{text}");

    let id = id_of(&db, "ACME");
    let o = run(
        &db,
        &[
            "log",
            &id,
            "payment",
            "--amount",
            "10",
            "--date",
            "20/11/2026",
        ],
    );
    assert!(o.status.success(), "{}", err(&o));
    let o = binary(&db)
        .args(["show", &id])
        .env("COLUMNS", "80")
        .output()
        .unwrap();
    let shown = out(&o);
    assert!(shown.contains("Paiement 20/11/2026"), "{shown}");
    // Every date-looking word is a full dd/mm/yyyy.
    for word in shown.split(|c: char| c.is_whitespace() || c == '(' || c == ')' || c == ',') {
        if word.len() >= 6 && word.chars().nth(2) == Some('/') && word.chars().nth(5) == Some('/') {
            let w = word.trim_end_matches(['.', ':', ';']);
            assert!(
                w.len() == 10 && chrono::NaiveDate::parse_from_str(w, "%d/%m/%Y").is_ok(),
                "cut date {word:?} in {shown}"
            );
        }
    }
}

#[test]
fn counts_are_grouped_like_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = recouvre::storage::Store::new(&db, recouvre::storage::StoreOptions::default());
    store.init().unwrap();
    let batch = (0..1000)
        .map(|i| (common::new_dossier(&format!("Client {i}")), vec![]))
        .collect();
    store.import(batch).unwrap();
    let o = run(&db, &["status"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).contains("sur 1\u{a0}000 dossier(s)"), "{}", out(&o));
    assert!(
        out(&o)
            .lines()
            .any(|l| l.trim_start().starts_with("Échu") && l.contains(" 1\u{a0}000 ")),
        "{}",
        out(&o)
    );
}

#[test]
fn the_missing_config_is_said_where_it_matters_and_config_init_writes_a_template() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let missing = "Pas de fichier de configuration";
    // init: once, with the command that creates the file.
    let o = run(&db, &["init"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(err(&o).contains("recouvre config init"), "{}", err(&o));
    // add, log, rates, a validation error: not a word about it.
    let o = run(
        &db,
        &[
            "add",
            "--debtor",
            "ACME",
            "--b2b",
            "--invoice",
            "F-1",
            "--amount",
            "12x",
            "--issued",
            "2026-09-01",
            "--due",
            "2026-10-01",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(!err(&o).contains(missing), "{}", err(&o));
    // The example of the error can never be split at its own spaces.
    assert!(err(&o).contains("1\u{a0}234,56"), "{}", err(&o));
    let id = add(&db, "ACME", "2026-10-01");
    for args in [
        vec!["log", &id, "note", "x"],
        vec!["rates"],
        vec!["show", &id],
    ] {
        let o = run(&db, &args);
        assert!(o.status.success(), "{args:?}: {}", err(&o));
        assert!(!err(&o).contains(missing), "{args:?}: {}", err(&o));
    }
    // Composing a letter, and doctor: said once.
    for args in [vec!["letter", &id, "--next"], vec!["doctor"]] {
        let o = run(&db, &args);
        assert_eq!(err(&o).matches(missing).count(), 1, "{args:?}: {}", err(&o));
    }

    // config init: the commented template, 0600, never over an existing file.
    let path = config_path(&db);
    let o = run(&db, &["config", "init"]);
    assert!(o.status.success(), "{}", err(&o));
    let text = std::fs::read_to_string(&path).unwrap();
    assert!(text.contains("# iban = "), "{text}");
    use std::os::unix::fs::PermissionsExt;
    let mode = std::fs::metadata(&path).unwrap().permissions().mode() & 0o777;
    assert_eq!(mode, 0o600);
    let o = run(&db, &["config", "init"]);
    assert_eq!(o.status.code(), Some(2), "{}", err(&o));
    assert!(err(&o).contains("existe déjà"), "{}", err(&o));
    assert_eq!(std::fs::read_to_string(&path).unwrap(), text);
    // The template is a valid configuration: commands run with it.
    let o = run(&db, &["rates"]);
    assert!(o.status.success(), "{}", err(&o));
    // An explicit path that does not exist yet.
    let other = dir.path().join("elsewhere/recouvre.toml");
    let o = run(
        &db,
        &["--config", other.to_str().unwrap(), "config", "init"],
    );
    assert!(o.status.success(), "{}", err(&o));
    assert!(other.is_file());
}

#[test]
fn the_provisional_rate_warning_prints_once_per_command() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    demo(&db);
    // ACME's relance 2 states penalties of a half-year missing from the rate table.
    let id = id_of(&db, "ACME");
    for args in [
        vec!["letter", &id, "--next"],
        vec!["log", &id, "relance", "--force"],
    ] {
        let o = run(&db, &args);
        assert!(o.status.success(), "{args:?}: {}", err(&o));
        assert_eq!(
            err(&o).matches("PROVISOIRES").count(),
            1,
            "{args:?}: {}",
            err(&o)
        );
    }
}

#[test]
fn clap_speaks_french() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let o = run(&db, &["--help"]);
    let help = out(&o);
    assert!(help.contains("Utilisation"), "{help}");
    assert!(
        help.contains("Commandes :") && help.contains("Options :"),
        "{help}"
    );
    assert!(help.contains("Afficher l'aide"), "{help}");
    for english in ["Usage:", "Print help", "Print version", "Commands:"] {
        assert!(!help.contains(english), "{english} in {help}");
    }
    let o = run(&db, &["help", "log"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(
        out(&o).contains("Utilisation : recouvre log"),
        "{}",
        out(&o)
    );

    let o = run(&db, &["frobnicate"]);
    assert_eq!(o.status.code(), Some(2));
    let e = err(&o);
    assert!(e.contains("sous-commande inconnue « frobnicate »"), "{e}");
    assert!(
        !e.contains("error:") && !e.contains("For more information"),
        "{e}"
    );
    let o = run(&db, &["status", "--frob"]);
    assert_eq!(o.status.code(), Some(2));
    assert!(
        err(&o).contains("argument inattendu « --frob »"),
        "{}",
        err(&o)
    );
    assert!(err(&o).contains("recouvre status --help"), "{}", err(&o));
    // English on request.
    let o = run(&db, &["--lang", "en", "--help"]);
    assert!(out(&o).contains("Usage:"), "{}", out(&o));
}

#[test]
fn completions_and_man_page() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let o = run(&db, &["completions", "bash"]);
    assert!(o.status.success(), "{}", err(&o));
    let bash = out(&o);
    assert!(bash.contains("_recouvre()"), "generated function");
    assert!(bash.contains("recouvre complete-ids"), "dossiers completed");
    assert!(bash.contains("complete -F _recouvre_dossiers"), "{bash}");
    for shell in ["zsh", "fish"] {
        let o = run(&db, &["completions", shell]);
        assert!(o.status.success(), "{shell}: {}", err(&o));
        let script = out(&o);
        assert!(
            script.contains("recouvre complete-ids --describe"),
            "{shell}: {script}"
        );
    }
    let zsh = out(&run(&db, &["completions", "zsh"]));
    assert!(zsh.contains("compdef _recouvre_dossiers recouvre"), "{zsh}");
    let o = run(&db, &["man"]);
    assert!(o.status.success(), "{}", err(&o));
    assert!(out(&o).starts_with(".TH "), "{}", out(&o));

    // What the completion asks for: ids, then names.
    assert!(run(&db, &["init"]).status.success());
    let id = add(&db, "ACME SARL", "2026-10-01");
    let o = run(&db, &["complete-ids"]);
    assert_eq!(out(&o), format!("{id}\nACME SARL\n"));
    let o = run(&db, &["complete-ids", "--describe"]);
    assert_eq!(out(&o), format!("{id}\tACME SARL\n"));
}

/// The bash function really completes a dossier, when bash is there to try it.
#[test]
fn bash_completes_dossier_names() {
    if Command::new("bash").arg("--version").output().is_err() {
        return;
    }
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    assert!(run(&db, &["init"]).status.success());
    add(&db, "ACME SARL", "2026-10-01");
    let script = out(&run(&db, &["completions", "bash"]));
    let bin_dir = Path::new(bin()).parent().unwrap();
    let probe = format!(
        "{script}\nCOMP_WORDS=(recouvre show AC); COMP_CWORD=2; _recouvre_dossiers recouvre AC show; printf '%s\\n' \"${{COMPREPLY[@]}}\"\n"
    );
    let o = Command::new("bash")
        .arg("-c")
        .arg(probe)
        .env("PATH", format!("{}:/usr/bin:/bin", bin_dir.display()))
        .env("RECOUVRE_DB", &db)
        .env("XDG_CONFIG_HOME", dir.path().join("xdg-config"))
        .output()
        .unwrap();
    assert_eq!(out(&o).trim(), "ACME\\ SARL", "{}", err(&o));
}

#[test]
fn status_of_one_debtor_and_show_fit_80_columns_without_cutting_amounts() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    let run = |args: &[&str]| {
        let o = binary(&db)
            .arg("--demo")
            .args(args)
            .env("COLUMNS", "80")
            .output()
            .unwrap();
        String::from_utf8_lossy(&o.stdout).into_owned()
    };
    for out in [run(&["status", "acme"]), run(&["show", "acme"])] {
        for line in out.lines() {
            assert!(
                line.chars().count() <= 80,
                "{} columns: {line}",
                line.chars().count()
            );
        }
        // The total line is still whole, its amounts unbroken.
        assert!(
            out.contains("5\u{a0}534,63\u{a0}€") || out.contains("534,63"),
            "{out}"
        );
    }
}
