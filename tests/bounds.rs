//! Issue 10, availability and terminal injection: control characters never reach the terminal,
//! and a record out of bounds already in a database only puts its own dossier in error.

mod common;

use std::path::Path;
use std::process::Output;

use common::*;
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use recouvre::app::{update, Action};
use recouvre::domain::event::{EventKind, NoteKind};
use recouvre::storage::Store;
use rust_decimal::Decimal;

const OSC52: &str = "\x1b]52;c;SGVsbG8=\x07";
const OSC0: &str = "\x1b]0;pwned\x07";
const CLEAR: &str = "\x1b[2J";

fn run(db: &Path, args: &[&str]) -> Output {
    cli(db).args(args).output().expect("binary runs")
}

fn no_escape(what: &str, o: &Output) {
    for (stream, bytes) in [("stdout", &o.stdout), ("stderr", &o.stderr)] {
        assert!(
            !bytes.contains(&0x1b) && !bytes.contains(&0x07),
            "{what}: {stream} holds a raw control character:\n{}",
            String::from_utf8_lossy(bytes)
        );
        let text = String::from_utf8_lossy(bytes);
        assert!(
            !text.chars().any(|c| ('\u{80}'..='\u{9f}').contains(&c)),
            "{what}: {stream} holds a raw C1 control:\n{text}"
        );
    }
}

/// A dossier whose debtor, invoice and note carry escape sequences, written through the store as
/// older data or an import would have written it (bypassing the input checks).
fn hostile_db(dir: &Path) -> (std::path::PathBuf, Store) {
    let db = dir.join("db");
    let store = new_store(&db);
    let mut new = new_dossier(&format!("ACME{OSC52}"));
    new.items[0].reference = format!("F-1{OSC0}");
    let id = store.create(new).unwrap();
    store
        .append(
            id,
            None,
            d("2026-03-02"),
            vec![EventKind::Note {
                kind: NoteKind::Note,
                text: format!("appel {CLEAR} fin"),
            }],
        )
        .unwrap();
    // An 8-bit CSI (U+009B), which serde_json leaves raw.
    store.create(new_dossier("CSI\u{9b}31m")).unwrap();
    (db, store)
}

#[test]
fn escape_sequences_in_stored_text_never_reach_the_terminal() {
    let dir = tempfile::tempdir().unwrap();
    let (db, _store) = hostile_db(dir.path());
    for args in [
        &["status"][..],
        &["status", "--closed"],
        &["show", "1"],
        &["letter", "1", "--next"],
        &["log", "1", "note", "rappel"],
        &["status", "--json"],
        &["export", "--csv"],
        &["export", "--csv", "--fr", "--closed"],
        &["export", "--json"],
    ] {
        let o = run(&db, args);
        assert!(o.status.code().is_some(), "{args:?}");
        no_escape(&format!("{args:?}"), &o);
    }
    let json = run(&db, &["status", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&json.stdout).expect("valid JSON");
    assert!(v.to_string().contains("CSI\u{9b}31m"), "{v}");
    let show = run(&db, &["show", "1"]);
    let out = String::from_utf8_lossy(&show.stdout);
    assert!(out.contains("ACME^[]52;c;SGVsbG8=^G"), "{out}");
}

#[test]
fn escape_sequences_in_stored_text_never_reach_the_tui_buffer() {
    let dir = tempfile::tempdir().unwrap();
    let (_db, store) = hostile_db(dir.path());
    let today = d(TODAY);
    let mut state =
        recouvre::tui::initial_state(&recouvre::config::ui::UiConfig::default(), today).unwrap();
    update(
        &mut state,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    update(&mut state, Action::Resize(140, 36));
    let mut term = Terminal::new(TestBackend::new(140, 36)).unwrap();
    term.draw(|f| recouvre::ui::render(f, &state, &Default::default()))
        .unwrap();
    let buf = term.backend().buffer();
    let mut seen = String::new();
    for cell in buf.content.iter() {
        assert!(
            !cell.symbol().chars().any(char::is_control),
            "cell {:?} holds a control character",
            cell.symbol()
        );
        seen.push_str(cell.symbol());
    }
    assert!(seen.contains("ACME"), "{seen}");
}

#[test]
fn a_control_character_typed_in_a_text_field_is_refused_and_nothing_is_written() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    new_store(&db);
    let add = |debtor: &str, invoice: &str| {
        run(
            &db,
            &[
                "add",
                "--debtor",
                debtor,
                "--b2b",
                "--invoice",
                invoice,
                "--amount",
                "100",
                "--issued",
                "2026-01-05",
                "--due",
                "2026-02-04",
            ],
        )
    };
    let o = add(&format!("ACME{CLEAR}"), "F-1");
    assert_eq!(o.status.code(), Some(2));
    no_escape("add", &o);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--debtor") && err.contains("U+001B (ESC)"),
        "{err}"
    );
    let o = add("ACME", &format!("F-1{OSC0}"));
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--invoice"));
    let status = run(&db, &["status", "--closed", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&status.stdout).unwrap();
    assert_eq!(v.as_array().map(|a| a.len()), Some(0), "{v}");

    // Notes may span lines; a tab is fine; an escape is not.
    let o = add("ACME", "F-1");
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&db, &["log", "1", "note", "ligne 1\nligne 2\tfin"]);
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
    let o = run(&db, &["log", "1", "note", &format!("x{OSC52}")]);
    assert_eq!(o.status.code(), Some(2));
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("--text") && err.contains("U+001B (ESC)"),
        "{err}"
    );
    let o = run(
        &db,
        &["log", "1", "cost", "--label", "frais\nx", "--amount", "10"],
    );
    assert_eq!(o.status.code(), Some(2), "a label is one line");
}

#[test]
fn an_event_dated_in_the_future_is_refused() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    store.create(new_dossier("ACME")).unwrap();
    let o = run(
        &db,
        &[
            "log",
            "1",
            "--date",
            "2026-11-26",
            "payment",
            "--amount",
            "10",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&o.stderr).contains("--date"));
    let o = run(
        &db,
        &[
            "log",
            "1",
            "--date",
            "9999-12-31",
            "payment",
            "--amount",
            "10",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    let o = run(
        &db,
        &[
            "log",
            "1",
            "--date",
            "2026-11-25",
            "payment",
            "--amount",
            "10",
        ],
    );
    assert_eq!(
        o.status.code(),
        Some(0),
        "{}",
        String::from_utf8_lossy(&o.stderr)
    );
}

/// 4·10²⁶ € written straight through the store (as an old version's parser let it through).
#[test]
fn an_absurd_amount_in_the_database_puts_only_its_dossier_in_error() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let mut bad = new_dossier("ENORME");
    bad.items[0].amount = Decimal::from_i128_with_scale(4 * 10i128.pow(26), 0);
    let bad_id = store.create(bad).unwrap();
    let good_id = store.create(new_dossier("SAGE")).unwrap();
    for args in [
        vec!["status".to_string()],
        vec!["status".into(), "--closed".into()],
        vec!["show".into(), bad_id.to_string()],
        vec!["show".into(), good_id.to_string()],
        vec!["letter".into(), bad_id.to_string(), "--next".into()],
        vec!["export".into(), "--csv".into()],
        vec!["export".into(), "--json".into()],
    ] {
        let o = run(&db, &args.iter().map(String::as_str).collect::<Vec<_>>());
        let err = String::from_utf8_lossy(&o.stderr);
        assert!(
            !err.contains("panicked") && o.status.code().is_some_and(|c| c < 100),
            "{args:?}: {err}"
        );
    }
    let o = run(&db, &["status", "--closed", "--json"]);
    let v: serde_json::Value = serde_json::from_slice(&o.stdout)
        .unwrap_or_else(|e| panic!("{e}: {}", String::from_utf8_lossy(&o.stderr)));
    let dossiers = v.as_array().unwrap();
    let by_name = |n: &str| {
        dossiers
            .iter()
            .find(|d| d.to_string().contains(n))
            .unwrap_or_else(|| panic!("{n} missing from {v}"))
            .clone()
    };
    assert!(!by_name("ENORME")["error"].is_null(), "{v}");
    assert!(by_name("SAGE")["error"].is_null(), "{v}");

    // The TUI loads the portfolio through update without aborting.
    let mut state =
        recouvre::tui::initial_state(&recouvre::config::ui::UiConfig::default(), d(TODAY)).unwrap();
    update(
        &mut state,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    update(&mut state, Action::Resize(140, 36));
    let mut term = Terminal::new(TestBackend::new(140, 36)).unwrap();
    term.draw(|f| recouvre::ui::render(f, &state, &Default::default()))
        .unwrap();
    assert_eq!(state.visible.len(), 2);
}

/// A user template that loops too long or writes too much stops with an error naming the
/// template, promptly, and nothing is stored.
#[test]
fn runaway_user_templates_are_stopped_with_the_template_named() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    let store = new_store(&db);
    let id = store.create(new_dossier("ACME")).unwrap();
    let templates = dir.path().join("templates");
    std::fs::create_dir_all(&templates).unwrap();
    let journal_len = || store.load(id).unwrap().events.len();
    let before = journal_len();
    for (source, want) in [
        (
            "{% for a in range(100000) %}{% for b in range(100000) %}{% for c in range(100000) %}{% endfor %}{% endfor %}{% endfor %}",
            "opérations",
        ),
        (
            "{% for a in range(10000) %}{% for b in range(10000) %}xxxxxxxxx{% endfor %}{% endfor %}",
            "Kio",
        ),
        (
            "{% macro f(n) %}{{ f(n + 1) }}{% endmacro %}{{ f(0) }}",
            "relance_1.txt.j2",
        ),
    ] {
        std::fs::write(templates.join("relance_1.txt.j2"), source).unwrap();
        let started = std::time::Instant::now();
        let o = run(&db, &["letter", "1", "--next", "--step", "relance_1"]);
        let err = String::from_utf8_lossy(&o.stderr);
        assert_eq!(o.status.code(), Some(2), "{source}: {err}");
        assert!(err.contains("relance_1.txt.j2") && err.contains(want), "{source}: {err}");
        assert!(o.stdout.len() < 1024, "{source}: nothing printed");
        assert!(
            started.elapsed() < std::time::Duration::from_secs(20),
            "{source}: took {:?}",
            started.elapsed()
        );
        let o = run(&db, &["log", "1", "relance", "--channel", "email"]);
        assert_ne!(o.status.code(), Some(0), "{source}: a relance needs its letter");
    }
    assert_eq!(journal_len(), before, "nothing was written");
}

/// The TUI forms refuse the same characters, naming the field by its label.
#[test]
fn a_tui_form_refuses_control_characters_naming_the_field() {
    use recouvre::app::form::{Choice, Field, Form, FormKind};
    let today = d(TODAY);
    let form = |name: &str| Form {
        kind: FormKind::AddDossier,
        title: "Nouveau dossier".into(),
        notes: vec![],
        target: None,
        fields: vec![
            Field::line("debtor", "Débiteur".into(), name),
            Field::choice(
                "debtor_type",
                "Type".into(),
                vec![Choice {
                    label: "B2B".into(),
                    value: "b2b".into(),
                }],
                0,
            ),
            Field::line("customer_number", "N° client".into(), ""),
            Field::line("reference", "Facture".into(), "F-1"),
            Field::line("amount", "Montant".into(), "100"),
            Field::line("issued", "Émise le".into(), "2026-01-05"),
            Field::line("due", "Échéance".into(), "2026-02-04"),
        ],
        focus: 0,
    };
    let mut bad = form(&format!("ACME{OSC0}"));
    assert!(recouvre::app::update::validate(&mut bad, today).is_none());
    let err = bad.fields[0].error.clone().unwrap_or_default();
    assert!(
        err.contains("Débiteur") && err.contains("U+001B (ESC)"),
        "{err}"
    );
    let mut good = form("ACME");
    assert!(recouvre::app::update::validate(&mut good, today).is_some());
}
