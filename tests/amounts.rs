//! Trustworthy amounts from the shell: each test is a case a credit manager met on the demo or on
//! a fresh database, checked by hand against domain.md, through the real binary.

mod common;

use std::path::Path;

use common::run;
use serde_json::Value;

fn ok(db: &Path, args: &[&str]) -> String {
    let o = run(db, args);
    assert!(
        o.status.success(),
        "{args:?} failed: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Bad input: exit 2.
fn refused(db: &Path, args: &[&str]) -> String {
    refused_with(db, args, 2)
}

/// Refused by a legal check (close paid while owed, a rate under the floor): exit 5.
fn refused_by_law(db: &Path, args: &[&str]) -> String {
    refused_with(db, args, 5)
}

fn refused_with(db: &Path, args: &[&str], code: i32) -> String {
    let o = run(db, args);
    assert_eq!(
        o.status.code(),
        Some(code),
        "{args:?} should be refused: {}{}",
        String::from_utf8_lossy(&o.stdout),
        String::from_utf8_lossy(&o.stderr)
    );
    String::from_utf8_lossy(&o.stderr).into_owned()
}

fn dossier(db: &Path, id: &str) -> Value {
    let o = run(db, &["status", &format!("#{id}"), "--json"]);
    let v: Value = serde_json::from_slice(&o.stdout).expect("json");
    v.as_array().unwrap()[0].clone()
}

fn field<'a>(v: &'a Value, name: &str) -> &'a str {
    v[name].as_str().unwrap_or_else(|| panic!("{name} in {v}"))
}

fn journal_len(db: &Path, id: &str) -> usize {
    ok(db, &["show", id])
        .lines()
        .skip_while(|l| !l.starts_with("Journal"))
        .skip(1)
        .count()
}

/// A fresh database with one B2B dossier: invoices as (reference, issued, due, amount).
fn setup(dir: &Path, invoices: &[(&str, &str, &str, &str)], extra: &[&str]) -> std::path::PathBuf {
    let db = dir.join("db");
    ok(&db, &["init"]);
    let (r, i, d, a) = invoices[0];
    let mut args = vec![
        "add",
        "--debtor",
        "Atelier Dubois EURL",
        "--b2b",
        "--invoice",
        r,
        "--issued",
        i,
        "--due",
        d,
        "--amount",
        a,
        "--address",
        "21 rue des Artisans",
        "--address",
        "25000 Besançon",
    ];
    args.extend_from_slice(extra);
    ok(&db, &args);
    for (r, i, d, a) in &invoices[1..] {
        ok(
            &db,
            &[
                "add-item",
                "1",
                "--invoice",
                r,
                "--issued",
                i,
                "--due",
                d,
                "--amount",
                a,
            ],
        );
    }
    db
}

#[test]
fn a_paid_principal_with_penalties_owed_is_not_settled_and_cannot_be_closed_as_paid() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[("F-2026-0310", "2026-09-16", "2026-10-16", "1260.00")],
        &[],
    );
    ok(
        &db,
        &[
            "log",
            "1",
            "payment",
            "--amount",
            "1 260,00",
            "--date",
            "2026-11-24",
        ],
    );
    let v = dossier(&db, "1");
    // 16 Oct → 24 Nov: 39 days at ECB 2.15 + 10 = 12.15 % (2026-H2 falls back to 2026-H1):
    // 1260 × 12.15 × 39 / 36500 = 597051 / 36500 = 16.357… → 16.36, plus the 40 € indemnity.
    assert_eq!(field(&v, "principal"), "0.00");
    assert_eq!(field(&v, "penalties"), "16.36");
    assert_eq!(field(&v, "indemnities"), "40.00");
    assert_eq!(field(&v, "total_due"), "56.36");
    // Not settled, and not "not yet due" either: the accessories are owed now.
    assert_eq!(field(&v, "stage"), "due", "{v}");
    assert_eq!(field(&v, "next_action"), "claim_accessories");

    let before = journal_len(&db, "1");
    let err = refused_by_law(&db, &["log", "1", "close", "paid"]);
    assert!(err.contains("56,36"), "{err}");
    assert!(err.contains("waive"), "{err}");
    assert_eq!(journal_len(&db, "1"), before, "nothing written");

    // The creditor waives them, in the journal: only then is the dossier settled.
    ok(&db, &["log", "1", "waive", "geste", "commercial"]);
    let v = dossier(&db, "1");
    assert_eq!(field(&v, "total_due"), "0.00");
    assert_eq!(field(&v, "stage"), "paid");
    assert_eq!(field(&v, "next_action"), "confirm_settlement");
    let waived: Vec<&Value> = v["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["settled_by"] == "waiver")
        .collect();
    assert_eq!(waived.len(), 2, "{v}");
    ok(&db, &["log", "1", "close", "paid"]);
    refused(&db, &["log", "1", "waive", "encore"]);
}

#[test]
fn a_payment_goes_to_the_invoice_it_names_or_whose_balance_it_matches() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[
            ("F-2026-0301", "2026-10-20", "2026-11-19", "4200.00"),
            ("F-2026-0318", "2026-10-24", "2026-11-23", "1234.56"),
        ],
        &[],
    );
    // No --invoice, but the amount is exactly the second invoice's balance.
    ok(&db, &["log", "1", "payment", "--amount", "1234,56"]);
    let v = dossier(&db, "1");
    let open: Vec<(String, String)> = v["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|l| l["kind"] == "principal")
        .map(|l| {
            (
                l["item"].as_str().unwrap().to_string(),
                l["amount"].as_str().unwrap().to_string(),
            )
        })
        .collect();
    assert!(
        open.contains(&("F-2026-0318".into(), "-1234.56".into())),
        "{open:?}"
    );
    assert_eq!(field(&v, "principal"), "4200.00");

    // Named invoice: 100 € for F-2026-0301 go there, not to penalties first.
    ok(
        &db,
        &[
            "log",
            "1",
            "payment",
            "--amount",
            "100",
            "--invoice",
            "f-2026-0301",
        ],
    );
    assert_eq!(field(&dossier(&db, "1"), "principal"), "4100.00");
    let shown = ok(&db, &["show", "1"]);
    assert!(shown.contains("(facture F-2026-0301)"), "{shown}");

    // An invoice the dossier does not have: refused, the list given, nothing written.
    let before = journal_len(&db, "1");
    let err = refused(
        &db,
        &["log", "1", "payment", "--amount", "5", "--invoice", "F-9"],
    );
    assert!(err.contains("F-2026-0301, F-2026-0318"), "{err}");
    assert_eq!(journal_len(&db, "1"), before);
}

#[test]
fn a_credit_note_cancels_its_own_invoice_which_leaves_the_letter() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[
            ("F-1", "2026-09-01", "2026-10-01", "500.00"),
            ("F-2", "2026-09-15", "2026-10-15", "300.00"),
        ],
        &[],
    );
    let err = refused(
        &db,
        &[
            "log",
            "1",
            "credit-note",
            "--reference",
            "AV-1",
            "--amount",
            "300",
        ],
    );
    assert!(err.contains("F-1, F-2"), "{err}");
    ok(
        &db,
        &[
            "log",
            "1",
            "credit-note",
            "--reference",
            "AV-1",
            "--amount",
            "300",
            "--invoice",
            "F-2",
        ],
    );
    let v = dossier(&db, "1");
    assert_eq!(field(&v, "principal"), "500.00");
    let letter = ok(&db, &["letter", "1", "--next", "--step", "relance_1"]);
    assert!(letter.contains("F-1"), "{letter}");
    assert!(
        !letter.contains("F-2 "),
        "the credited invoice is not claimed: {letter}"
    );
}

#[test]
fn a_late_invoice_cancelled_by_a_credit_note_leaves_nothing_owed_and_the_dossier_closes() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[("F-2026-0310", "2026-09-16", "2026-10-16", "1260.00")],
        &[],
    );
    // Something is owed and no notice was sent: `show` advises a channel for it.
    assert!(ok(&db, &["show", "1"]).contains("Canal conseillé pour la mise en demeure"));
    // Forty days late, the invoice is found wrong and cancelled whole.
    ok(
        &db,
        &[
            "log",
            "1",
            "credit-note",
            "--reference",
            "AV-2026-0044",
            "--amount",
            "1 260,00",
            "--date",
            "2026-11-24",
        ],
    );
    // It was never owed: no penalties for the forty days, no 40 € indemnity.
    let v = dossier(&db, "1");
    assert_eq!(field(&v, "principal"), "0.00");
    assert_eq!(field(&v, "penalties"), "0.00");
    assert_eq!(field(&v, "indemnities"), "0.00");
    assert_eq!(field(&v, "total_due"), "0.00");
    assert_eq!(field(&v, "stage"), "paid", "{v}");
    // Nothing owed, no notice to send: no channel advised (the TUI's detail uses the same rule).
    assert!(!ok(&db, &["show", "1"]).contains("Canal conseillé"));
    ok(&db, &["log", "1", "close", "paid"]);
}

#[test]
fn a_letter_preview_that_could_not_be_sent_says_why_and_is_still_printed() {
    let dir = tempfile::tempdir().unwrap();
    // Due on 7 December: nothing is owed on 25 November.
    let db = setup(
        dir.path(),
        &[("F-2026-0412", "2026-11-07", "2026-12-07", "1840.00")],
        &[],
    );
    let o = common::run(&db, &["letter", "1", "--next"]);
    assert!(o.status.success());
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("ne pourrait être ni enregistré ni envoyé"),
        "{err}"
    );
    assert!(err.contains("[nothing_owed]"), "{err}");
    assert!(!o.stdout.is_empty());
    // Recording it is refused for the same reason, and nothing is written.
    let before = journal_len(&db, "1");
    let refusal = refused_by_law(&db, &["log", "1", "relance"]);
    assert!(refusal.contains("[nothing_owed]"), "{refusal}");
    assert_eq!(journal_len(&db, "1"), before);
}

#[test]
fn a_debtor_already_chased_on_another_dossier_is_advised_a_commissaire() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[("F-2026-0201", "2026-08-01", "2026-08-31", "500.00")],
        &[],
    );
    let advice = |id: &str| {
        let shown = ok(&db, &["show", id]);
        shown
            .split("Canal conseillé")
            .nth(1)
            .unwrap_or_else(|| panic!("no advice: {shown}"))
            .to_string()
    };
    // Alone, 500 € and a few penalties: a registered letter.
    assert!(
        advice("1").contains("lettre recommandée"),
        "{}",
        advice("1")
    );
    // The same debtor's second invoice, in a dossier of its own, while the first needed a
    // reminder: a repeat offender, and a commissaire (up to 40 €) is in proportion to ~300 €.
    ok(
        &db,
        &["log", "1", "relance", "--force", "--date", "2026-09-10"],
    );
    ok(
        &db,
        &[
            "add",
            "--debtor",
            "Atelier Dubois EURL",
            "--b2b",
            "--invoice",
            "F-2026-0402",
            "--issued",
            "2026-10-01",
            "--due",
            "2026-10-31",
            "--amount",
            "300",
        ],
    );
    let second = advice("2");
    assert!(second.contains("commissaire de justice"), "{second}");
    assert!(
        second.contains("Débiteur déjà en retard sur 1 autre(s) dossier(s)"),
        "{second}"
    );
    // The first dossier's own reminder is not its history.
    assert!(
        advice("1").contains("lettre recommandée"),
        "{}",
        advice("1")
    );
}

#[test]
fn recorded_costs_are_owed_only_above_the_indemnities() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[("F-1", "2026-09-01", "2026-10-01", "1000.00")],
        &[],
    );
    ok(
        &db,
        &[
            "log",
            "1",
            "cost",
            "--label",
            "Sommation de payer",
            "--amount",
            "65",
        ],
    );
    let v = dossier(&db, "1");
    // 65 € of costs, 40 € of them covered by the indemnity: 25 € more, never 65 + 40.
    assert_eq!(field(&v, "indemnities"), "40.00");
    assert_eq!(field(&v, "costs"), "25.00");
}

#[test]
fn invoices_not_yet_due_are_not_in_the_sum_asked() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[
            ("F-1", "2026-09-01", "2026-10-01", "1000.00"),
            ("F-2", "2026-11-10", "2026-12-10", "700.00"),
        ],
        &[],
    );
    let v = dossier(&db, "1");
    assert_eq!(field(&v, "principal"), "1000.00");
    assert_eq!(field(&v, "not_yet_due"), "700.00");
    assert_eq!(field(&v, "balance"), "1700.00");
    let penalties = field(&v, "penalties").to_string();
    let indemnities = field(&v, "indemnities").to_string();
    // 1000 + penalties + 40: F-2 is nowhere in the total.
    let expected = rust_decimal::Decimal::from(1000)
        + penalties.parse::<rust_decimal::Decimal>().unwrap()
        + indemnities.parse::<rust_decimal::Decimal>().unwrap();
    assert_eq!(field(&v, "total_due"), expected.to_string());
}

#[test]
fn payment_terms_move_the_due_date_and_the_penalties() {
    let dir = tempfile::tempdir().unwrap();
    // Issued 10 Sept, "45 jours fin de mois", two accepted readings:
    // (a) 10 Sept + 45 d = 25 Oct → end of month 31 Oct; (b) end of Sept 30 Sept + 45 d = 14 Nov.
    // The later, 14 Nov, is the real due date: penalties run from 15 Nov, not from 11 Oct.
    let db = setup(
        dir.path(),
        &[("F-1", "2026-09-10", "2026-10-10", "1000.00")],
        &["--terms", "45 jours fin de mois"],
    );
    let v = dossier(&db, "1");
    let first = v["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "penalty")
        .expect("penalty line")
        .clone();
    assert_eq!(first["from"], "2026-11-15", "{v}");
    // 15–25 Nov: 11 days × 1000 × 12.15 % / 365 = 133650 / 36500 = 3.661… → 3.66
    assert_eq!(field(&v, "penalties"), "3.66");
    assert_eq!(v["days_past_due"], 11);
}

#[test]
fn a_rate_below_the_floor_is_refused_and_edit_corrects_the_terms_in_the_journal() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    ok(&db, &["init"]);
    // 2026-H1 legal rate (other cases) 6.67 % → floor 20.01 %.
    let err = refused_by_law(
        &db,
        &[
            "add",
            "--debtor",
            "ACME",
            "--b2b",
            "--invoice",
            "F-1",
            "--issued",
            "2026-09-01",
            "--due",
            "2026-10-01",
            "--amount",
            "1000",
            "--rate",
            "5",
        ],
    );
    assert!(err.contains("--rate"), "{err}");
    assert!(err.contains("plancher"), "{err}");
    assert!(
        ok(&db, &["status", "--json"]).trim() == "[]",
        "nothing created"
    );
    ok(
        &db,
        &[
            "add",
            "--debtor",
            "ACME",
            "--b2b",
            "--invoice",
            "F-1",
            "--issued",
            "2026-09-01",
            "--due",
            "2026-10-01",
            "--amount",
            "1000",
        ],
    );
    refused_by_law(&db, &["edit", "1", "--rate", "5"]);
    refused(&db, &["edit", "1"]);
    ok(&db, &["edit", "1", "--rate", "24", "--terms", "30 jours"]);
    let v = dossier(&db, "1");
    let line = v["breakdown"]
        .as_array()
        .unwrap()
        .iter()
        .find(|l| l["kind"] == "penalty")
        .unwrap()
        .clone();
    assert_eq!(line["rate"], "24");
    let shown = ok(&db, &["show", "1"]);
    assert!(shown.contains("Conditions corrigées"), "{shown}");
    // Collective proceedings: no 40 € from then on, journaled.
    assert_eq!(field(&v, "indemnities"), "40.00");
    ok(&db, &["edit", "1", "--collective-proceedings", "yes"]);
    assert_eq!(field(&dossier(&db, "1"), "indemnities"), "0.00");
    // The letters follow the journaled flag too: no 40 € announced.
    let letter = ok(&db, &["letter", "1", "--next", "--step", "relance_2"]);
    assert!(!letter.contains("40 €"), "{letter}");
    refused(&db, &["edit", "1", "--collective-proceedings", "peut-être"]);
}

#[test]
fn global_options_work_after_the_subcommand() {
    let dir = tempfile::tempdir().unwrap();
    let db = setup(
        dir.path(),
        &[("F-1", "2026-09-01", "2026-10-01", "1000.00")],
        &[],
    );
    // As the README writes it: the date after the event's own options.
    ok(
        &db,
        &[
            "log",
            "1",
            "payment",
            "--amount",
            "200",
            "--date",
            "05/11/2026",
        ],
    );
    let shown = ok(&db, &["show", "1"]);
    assert!(shown.contains("05/11/2026"), "{shown}");
    ok(&db, &["status", "1", "--today", "2026-11-20"]);
}

/// Every dossier of the demo: each total is the sum of its breakdown lines, and the total due is
/// principal + penalties + indemnities + interest + costs.
#[test]
fn every_demo_dossier_reconciles() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    ok(&db, &["--demo", "status"]);
    let o = run(&db, &["status", "--closed", "--json"]);
    let all: Value = serde_json::from_slice(&o.stdout).unwrap();
    let dec = |v: &Value| -> rust_decimal::Decimal {
        v.as_str().unwrap_or_else(|| panic!("{v}")).parse().unwrap()
    };
    for d in all.as_array().unwrap() {
        if !d["error"].is_null() {
            continue;
        }
        let sum = |kinds: &[&str]| -> rust_decimal::Decimal {
            d["breakdown"]
                .as_array()
                .unwrap()
                .iter()
                .filter(|l| kinds.contains(&l["kind"].as_str().unwrap()))
                .map(|l| dec(&l["amount"]))
                .sum()
        };
        let name = &d["debtor"];
        assert_eq!(sum(&["principal"]), dec(&d["principal"]), "{name}");
        assert_eq!(sum(&["not_yet_due"]), dec(&d["not_yet_due"]), "{name}");
        assert_eq!(sum(&["penalty"]), dec(&d["penalties"]), "{name}");
        assert_eq!(sum(&["interest"]), dec(&d["interest"]), "{name}");
        assert_eq!(sum(&["indemnity"]), dec(&d["indemnities"]), "{name}");
        assert_eq!(
            sum(&["cost", "collection_costs"]),
            dec(&d["costs"]),
            "{name}"
        );
        assert_eq!(
            dec(&d["principal"])
                + dec(&d["penalties"])
                + dec(&d["indemnities"])
                + dec(&d["interest"])
                + dec(&d["costs"]),
            dec(&d["total_due"]),
            "{name}"
        );
        assert_eq!(
            dec(&d["balance"]),
            dec(&d["principal"]) + dec(&d["not_yet_due"]),
            "{name}"
        );
        if d["stage"] == "paid" && d["last_event"] != "close" {
            assert_eq!(dec(&d["total_due"]), rust_decimal::Decimal::ZERO, "{name}");
        }
    }
}

/// A Dutch consumer let the 14-day last reminder lapse, then paid the invoice: the collection
/// costs it announced (15 % of 850 € = 127,50 €) are all that is owed. The court letter names
/// the invoice paid late (not an empty table), recalls the last reminder among the steps (not a
/// "mise en demeure"), and a last reminder can no longer be made for costs alone.
#[test]
fn costs_left_after_a_lapsed_last_reminder_are_claimed_on_the_invoice_paid_late() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("db");
    common::configure(&db);
    ok(&db, &["init"]);
    ok(
        &db,
        &[
            "add",
            "--debtor",
            "Jan de Vries",
            "--b2c",
            "--jurisdiction",
            "nl",
            "--invoice",
            "F-77",
            "--amount",
            "850,00",
            "--issued",
            "01/08/2026",
            "--due",
            "31/08/2026",
            "--proof",
            "contrat signé",
            "--address",
            "Keizersgracht 12",
            "--address",
            "1015 CS Amsterdam",
        ],
    );
    ok(&db, &["log", "1", "relance", "--date", "15/09/2026"]);
    ok(&db, &["log", "1", "relance", "--date", "01/10/2026"]);
    // Amounts are printed with non-breaking spaces.
    let plain = |s: String| s.replace(['\u{a0}', '\u{202f}'], " ");
    let sent = plain(ok(
        &db,
        &[
            "log",
            "1",
            "notice",
            "--channel",
            "lrar",
            "--date",
            "15/10/2026",
        ],
    ));
    assert!(sent.contains("frais annoncés 127,50 €"), "{sent}");
    ok(
        &db,
        &[
            "log",
            "1",
            "payment",
            "--amount",
            "850",
            "--date",
            "20/11/2026",
        ],
    );
    assert_eq!(field(&dossier(&db, "1"), "total_due"), "127.50");

    let o = common::run_wide(&db, &["letter", "1", "--next"]);
    let letter = plain(common::stdout(&o));
    assert!(
        letter.contains("injonction de payer européenne"),
        "{letter}"
    );
    let row = letter
        .lines()
        .find(|l| l.starts_with("F-77"))
        .unwrap_or_else(|| panic!("the invoice is listed:\n{letter}"));
    assert!(
        row.contains("20/11/2026") && row.contains("81 jours"),
        "{row}"
    );
    // Letters wrap at 78 columns: sentences are checked on the text as one line.
    let letter = letter.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        letter.contains("Notre créance porte sur les frais de recouvrement dus en raison du paiement tardif de la facture suivante"),
        "{letter}"
    );
    assert!(
        letter.contains("le 15 octobre 2026 : dernier rappel (lettre recommandée avec AR), délai de paiement au 30 octobre 2026, frais de recouvrement annoncés de 127,50 €"),
        "{letter}"
    );
    assert!(
        letter.contains("Le délai accordé par notre dernier rappel a expiré le 30 octobre 2026"),
        "{letter}"
    );
    assert!(letter.contains("la somme de 127,50 €, outre les intérêts au taux légal à compter de la présente requête"), "{letter}");
    assert!(!letter.contains("mise en demeure"), "{letter}");
    assert!(!letter.contains("restées vaines"), "{letter}");

    // A letter to the debtor says why the costs are owed, once.
    let o = common::run(&db, &["letter", "1", "--next", "--step", "relance_2"]);
    let reminder = plain(common::stdout(&o));
    let reminder = reminder.split_whitespace().collect::<Vec<_>>().join(" ");
    assert!(
        reminder.contains("Ce règlement est intervenu après l'expiration, le 30 octobre 2026, du délai que vous accordait notre dernier rappel du 15 octobre 2026 : les frais de recouvrement de 127,50 € que ce rappel vous annonçait, calculés selon le barème légal applicable aux Pays-Bas (article 6:96 du Code civil néerlandais), sont donc dus."),
        "{reminder}"
    );
    assert!(!reminder.contains("restent dus"), "{reminder}");

    let o = common::run(
        &db,
        &["letter", "1", "--next", "--step", "last_notice_nl_be"],
    );
    assert!(
        common::stderr(&o).contains("[no_invoice_unpaid]"),
        "{}",
        common::stderr(&o)
    );
}
