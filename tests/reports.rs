//! Collection reports on the demo database, through the real binary: figures checked by hand
//! against the demo's dossiers (today 25/11/2026), the TUI's reports view equal to the CLI's, and
//! the view readable without colour.

mod common;

use std::path::Path;
use std::sync::Arc;

use common::{run, stdout, TODAY};
use ratatui::backend::TestBackend;
use ratatui::Terminal;
use recouvre::app::state::ReportTab;
use recouvre::app::{update, Action, Command, State};
use recouvre::keymap::Keymap;
use recouvre::storage::{Store, StoreOptions};
use recouvre::ui::theme::{Palette, Theme};
use rust_decimal::Decimal;
use serde_json::Value;

fn demo(dir: &Path) -> std::path::PathBuf {
    let db = dir.join("demo");
    let o = run(&db, &["--demo", "status"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    db
}

fn json(db: &Path, kind: &str) -> Value {
    let o = run(db, &["report", kind, "--json"]);
    assert!(o.status.success(), "{}", common::stderr(&o));
    serde_json::from_slice(&o.stdout).unwrap()
}

fn dec(v: &Value) -> Decimal {
    v.as_str().unwrap_or_else(|| panic!("{v}")).parse().unwrap()
}

#[test]
fn ageing_buckets_each_invoice_by_its_own_due_date() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let a = json(&db, "ageing");
    // M. Paul Lemaire: rent of October due 55 days ago, of November 25 days ago, 850 € each,
    // nothing paid: one in 31–60, one in 1–30.
    let lemaire = a["debtors"]
        .as_array()
        .unwrap()
        .iter()
        .find(|d| d["debtor"] == "M. Paul Lemaire")
        .expect("Lemaire in the ageing");
    let buckets: Vec<Decimal> = lemaire["buckets"]
        .as_array()
        .unwrap()
        .iter()
        .map(dec)
        .collect();
    assert_eq!(
        buckets,
        ["0", "850.00", "850.00", "0", "0"]
            .iter()
            .map(|s| s.parse::<Decimal>().unwrap())
            .collect::<Vec<_>>()
    );
    assert_eq!(dec(&lemaire["total"]), Decimal::from(1700));
    // The total line is the sum of the debtors', bucket by bucket.
    for i in 0..5 {
        let sum: Decimal = a["debtors"]
            .as_array()
            .unwrap()
            .iter()
            .map(|d| dec(&d["buckets"][i]))
            .sum();
        assert_eq!(sum, dec(&a["total"]["buckets"][i]), "bucket {i}");
    }
    // The table fits 80 columns and names the buckets.
    let text = stdout(&run(&db, &["report", "ageing"]));
    assert!(
        text.contains("Non échu") && text.contains("> 90 j"),
        "{text}"
    );
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
    assert!(
        text.contains("M. Paul Lemaire              ·       850       850"),
        "{text}"
    );
}

#[test]
fn collected_per_month_and_week_from_the_payments() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let c = json(&db, "collected");
    // The demo's six payments: 16/10 2 230, 22/10 300, 26/10 1 500 (October: 4 030 in 3);
    // 22/11 500, 23/11 2 000, 24/11 1 260 (November: 3 760 in 3).
    let months = c["collected"]["months"].as_array().unwrap();
    let month = |start: &str| months.iter().find(|m| m["start"] == start).unwrap().clone();
    assert_eq!(dec(&month("2026-10-01")["amount"]), Decimal::from(4030));
    assert_eq!(month("2026-10-01")["payments"], 3);
    assert_eq!(dec(&month("2026-11-01")["amount"]), Decimal::from(3760));
    assert_eq!(dec(&c["collected"]["total"]), Decimal::from(7790));
    // Weeks start on Monday: 22/11 is a Sunday, so its 500 € belongs to the week of 16/11.
    let weeks = c["collected"]["weeks"].as_array().unwrap();
    let week = |start: &str| dec(&weeks.iter().find(|w| w["start"] == start).unwrap()["amount"]);
    assert_eq!(week("2026-11-23"), Decimal::from(3260));
    assert_eq!(week("2026-11-16"), Decimal::from(500));
    assert_eq!(week("2026-11-02"), Decimal::ZERO, "an empty week is listed");
    // DSO = receivables ÷ sales of the last 90 days × 90, one decimal.
    let d = &c["dso"];
    let expected = (dec(&d["receivables"]) / dec(&d["sales"]) * Decimal::from(90)).round_dp(1);
    assert_eq!(dec(&d["days"]), expected);
    // A period narrows the payments.
    let o = run(
        &db,
        &["report", "collected", "--json", "--from", "01/11/2026"],
    );
    let v: Value = serde_json::from_slice(&o.stdout).unwrap();
    assert_eq!(dec(&v["collected"]["total"]), Decimal::from(3760));
    // A reversed period is refused with a word on which option.
    let o = run(
        &db,
        &[
            "report",
            "collected",
            "--from",
            "01/12/2026",
            "--to",
            "01/11/2026",
        ],
    );
    assert_eq!(o.status.code(), Some(2));
    assert!(common::stderr(&o).contains("--from"));
}

#[test]
fn step_effect_counts_payments_within_fifteen_days() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let s = json(&db, "steps");
    let step = |name: &str| {
        s.as_array()
            .unwrap()
            .iter()
            .find(|x| x["step"] == name)
            .unwrap()
            .clone()
    };
    // Relance 2 paid within 15 days: Garnier Optique (relance 2 at D-55, 2 230 € at D-40, the
    // fifteenth day) and Librairie Fontaine (relance 2 at D-45, 1 500 € at D-30).
    let r2 = step("relance2");
    assert_eq!(r2["paid"], 2);
    assert_eq!(dec(&r2["amount"]), Decimal::from(3730));
    let sent = r2["sent"].as_u64().unwrap();
    let share = (Decimal::from(200) / Decimal::from(sent)).round_dp(1);
    assert_eq!(dec(&r2["share"]), share);
    // A relance 1 sent five days ago is not judged yet (its 15 days are not over).
    let r1 = step("relance1");
    assert!(r1["sent"].as_u64().unwrap() > 0);
    let text = stdout(&run(&db, &["report", "steps"]));
    assert!(text.contains("Relance 2"), "{text}");
    for line in text.lines() {
        assert!(line.chars().count() <= 80, "too wide: {line}");
    }
}

fn tui_state(db: &Path) -> State {
    let store = Store::new(db, StoreOptions::default());
    let keymap = Keymap::named("default").unwrap();
    let mut st = State::new(common::d(TODAY), Arc::new(keymap));
    update(
        &mut st,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    st
}

/// One computation: the TUI's reports are the CLI's, figure for figure.
#[test]
fn the_tui_reports_are_the_cli_reports() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut st = tui_state(&db);
    update(&mut st, Action::Command(Command::Reports));
    let r = &st.reports.as_ref().expect("reports open").reports;
    assert_eq!(
        serde_json::to_value(&r.ageing).unwrap(),
        json(&db, "ageing")
    );
    assert_eq!(
        serde_json::to_value(&r.stages).unwrap(),
        json(&db, "stages")
    );
    assert_eq!(serde_json::to_value(&r.steps).unwrap(), json(&db, "steps"));
    let c = json(&db, "collected");
    assert_eq!(serde_json::to_value(&r.collected).unwrap(), c["collected"]);
    assert_eq!(serde_json::to_value(&r.dso).unwrap(), c["dso"]);
}

/// A list too large to hold every dossier whole (rows only) computes its reports from the store,
/// off the UI thread: the same figures as the CLI's.
#[test]
fn a_list_of_rows_computes_its_reports_from_the_store_as_the_cli_does() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let store = Store::new(&db, StoreOptions::default());
    let keymap = Keymap::named("default").unwrap();
    let mut st = State::new(common::d(TODAY), Arc::new(keymap));
    st.journal_capacity = 1;
    update(
        &mut st,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    assert!(st.entries.iter().filter(|e| e.is_whole()).count() <= 1);
    let effects = update(&mut st, Action::Command(Command::Reports));
    assert!(st.reports.is_none(), "not before the figures are in");
    let [job @ recouvre::app::Effect::ComputeReports { .. }] = &effects[..] else {
        panic!("{effects:?}");
    };
    // A second key while they are computed asks nothing more.
    assert!(update(&mut st, Action::Command(Command::Reports)).is_empty());
    let answer = recouvre::tui::runtime::run_effect(&store, job.clone());
    update(&mut st, answer);
    let r = &st.reports.as_ref().expect("reports open").reports;
    assert_eq!(
        serde_json::to_value(&r.ageing).unwrap(),
        json(&db, "ageing")
    );
    assert_eq!(serde_json::to_value(&r.steps).unwrap(), json(&db, "steps"));
    let c = json(&db, "collected");
    assert_eq!(serde_json::to_value(&r.dso).unwrap(), c["dso"]);
}

fn screen(st: &mut State, w: u16, h: u16, theme: &Theme) -> String {
    update(st, Action::Resize(w, h));
    let mut term = Terminal::new(TestBackend::new(w, h)).unwrap();
    term.draw(|f| recouvre::ui::render(f, st, theme)).unwrap();
    recouvre::tui::screenshot::buffer_to_text(term.backend().buffer())
}

/// Without colour, every bar still says what it is and how much: labels and values are text.
#[test]
fn every_report_reads_without_colour_at_80_columns() {
    let dir = tempfile::tempdir().unwrap();
    let db = demo(dir.path());
    let mut st = tui_state(&db);
    let mono = Theme::new(Palette::Mono);
    let key = |st: &mut State, c: char| {
        let ev = crossterm::event::KeyEvent::new(
            crossterm::event::KeyCode::Char(c),
            crossterm::event::KeyModifiers::NONE,
        );
        if let Some(a) = recouvre::app::key_to_action(st, ev) {
            update(st, a);
        }
    };
    key(&mut st, 'g');
    let s = screen(&mut st, 80, 24, &mono);
    assert!(s.contains("Balance âgée"), "{s}");
    for label in ["Non échu", "1–30 j", "31–60 j", "61–90 j", "> 90 j"] {
        assert!(s.contains(label), "{label}:\n{s}");
    }
    assert!(
        s.contains("102\u{a0}157"),
        "the 1–30 days total on its bar:\n{s}"
    );
    assert!(
        s.contains("Distillerie Henry SA"),
        "a name whole at 80 columns:\n{s}"
    );
    // `r` is a relance on the list; here it does nothing (no dossier on screen to act on).
    key(&mut st, 'r');
    assert!(st.editor.is_none() && st.popup.is_none());
    update(&mut st, Action::Command(Command::NextReport));
    assert_eq!(st.reports.as_ref().unwrap().tab, ReportTab::Stages);
    let s = screen(&mut st, 80, 24, &mono);
    assert!(
        s.contains("Injonction de payer") && s.contains("41\u{a0}950 €"),
        "{s}"
    );
    update(&mut st, Action::Command(Command::NextReport));
    let s = screen(&mut st, 80, 24, &mono);
    assert!(s.contains("10/26") && s.contains("4\u{a0}030"), "{s}");
    assert!(s.contains("DSO"), "{s}");
    update(&mut st, Action::Command(Command::NextReport));
    let s = screen(&mut st, 80, 24, &mono);
    assert!(s.contains("Relance 2") && s.contains("(2/"), "{s}");
    // Tab wraps around; Esc goes back to the list.
    update(&mut st, Action::Command(Command::NextReport));
    assert_eq!(st.reports.as_ref().unwrap().tab, ReportTab::Ageing);
    update(&mut st, Action::Command(Command::Back));
    assert!(st.reports.is_none());
}
