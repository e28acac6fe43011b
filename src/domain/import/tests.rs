//! The readers and the planner on small inputs written here.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::plan::{plan, Existing};
use super::*;
use crate::domain::event::{Event, EventKind};
use crate::domain::fold::fold;
use crate::domain::model::*;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn settings() -> Settings {
    Settings {
        today: d("2026-11-25"),
        payment_terms_days: 45,
        debtor_type: DebtorType::B2b,
        profile: None,
        settle_missing: false,
        file_name: "fec.txt".into(),
    }
}

const HEADER: &str = "journalcode|JOURNALLIB|EcritureNum|EcritureDate|CompteNum|CompteLib|CompAuxNum|CompAuxLib|PieceRef|PieceDate|EcritureLib|Debit|Credit|EcritureLet|DateLet|ValidDate|Montantdevise|Idevise";

fn fec(lines: &[&str]) -> Ledger {
    let text = format!("{HEADER}\r\n{}\r\n", lines.join("\r\n"));
    fec::parse(&text, "UTF-8", &settings(), &mut |_, _| {}).unwrap()
}

#[test]
fn fec_lines_become_invoices_payments_and_credit_notes() {
    let l = fec(&[
        "VT|Ventes|1|20261001|411000|Clients|C1|ACME|F-1|20261001|Facture|100,00||||20261001||",
        "VT|Ventes|2|20261001|411000|Clients|C1|ACME|-|20261002|Facture|  0000050,00||||20261002|-50,00|EUR",
        "BQ|Banque|3|20261010|411000|Clients|C1|ACME|VIR-1|20261010|Virement||30,00|||20261010||",
        "OD|Divers|4|20261011|411000|Clients|C1|ACME|AV-9|20261011|Remise||10,00|||20261011||",
        "VT|Ventes|5|20261001|411000|Clients|C1|ACME|F-0|20261001|Facture|70,00||AA|20261005|20261001||",
        "VT|Ventes|1|20261001|706000|Ventes|||F-1|20261001|Facture||100,00|||20261001||",
    ]);
    assert_eq!(l.accounts.len(), 1);
    let a = &l.accounts[0];
    assert_eq!(a.number.as_deref(), Some("C1"));
    let refs: Vec<(&str, Decimal, NaiveDate)> = a
        .invoices
        .iter()
        .map(|i| (i.reference.as_str(), i.amount, i.due))
        .collect();
    // "-" as piece: the entry number; due = piece date + 45 days.
    assert_eq!(
        refs,
        [
            ("F-1", Decimal::new(100, 0), d("2026-11-15")),
            ("2", Decimal::new(50, 0), d("2026-11-16")),
        ]
    );
    let kinds: Vec<(MovementKind, &str)> = a
        .movements
        .iter()
        .map(|m| (m.kind, m.reference.as_str()))
        .collect();
    assert_eq!(
        kinds,
        [
            (MovementKind::Payment, "VIR-1"),
            (MovementKind::CreditNote, "AV-9")
        ]
    );
    assert_eq!(a.lettered[0].reference, "F-0");
    assert_eq!(l.ignored, 1);
}

#[test]
fn credit_note_rule() {
    assert!(fec::is_credit_note("VT", "Ventes", "X-1", ""));
    assert!(fec::is_credit_note("VE01", "", "X-1", ""));
    assert!(fec::is_credit_note("OD", "Journal des avoirs", "X-1", ""));
    assert!(fec::is_credit_note(
        "OD",
        "Divers",
        "X-1",
        "Avoir commercial"
    ));
    assert!(!fec::is_credit_note("BQ", "Banque", "VIR-1", "Virement"));
    assert!(!fec::is_credit_note("CA", "Caisse", "ESP-1", "Espèces"));
}

fn existing_dossier(
    id: u64,
    debtor: &Debtor,
    items: &[(&str, &str)],
) -> crate::domain::fold::DossierState {
    let mut events = vec![Event {
        seq: 0,
        at: chrono::Utc::now(),
        date: d("2026-10-01"),
        user: "t".into(),
        kind: EventKind::Created {
            debtor: debtor.id,
            kind: DossierKind::Invoices,
            profile: None,
            jurisdiction: Jurisdiction::Fr,
            contractual_rate: None,
            refund_reason: None,
            terms: None,
        },
    }];
    for (i, (reference, proof)) in items.iter().enumerate() {
        events.push(Event {
            seq: i as u32 + 1,
            at: chrono::Utc::now(),
            date: d("2026-10-01"),
            user: "t".into(),
            kind: EventKind::ItemAdded(Item {
                reference: reference.to_string(),
                issued: d("2026-10-01"),
                due: d("2026-10-31"),
                amount: Decimal::new(100, 0),
                description: None,
                proof: Some(proof.to_string()).filter(|p| !p.is_empty()),
            }),
        });
    }
    fold(id, &events).unwrap()
}

#[test]
fn two_accounts_never_land_on_one_debtor() {
    let acme = Debtor::new(1, "ACME", DebtorType::B2b);
    let st = existing_dossier(1, &acme, &[("F-1", "")]);
    let existing = [Existing {
        state: &st,
        debtor: &acme,
        open: vec![("F-1".into(), Decimal::new(100, 0))],
    }];
    let l = fec(&[
        "VT|Ventes|1|20261001|411000|Clients||ACME|F-2|20261001|Facture|10,00||||20261001||",
        "VT|Ventes|2|20261001|411000|Clients||  acme |F-3|20261001|Facture|10,00||||20261001||",
    ]);
    // Without numbers, two spellings of one name are one account: matched by name.
    let p = plan(&l, &existing, &settings()).unwrap();
    assert_eq!(p.by_name, ["ACME"]);
    assert_eq!(p.updated(), 1);
    let l = fec(&[
        "VT|Ventes|1|20261001|411000|Clients|C1|ACME|F-2|20261001|Facture|10,00||||20261001||",
        "VT|Ventes|2|20261001|411000|Clients|C2|ACME|F-3|20261001|Facture|10,00||||20261001||",
    ]);
    let err = plan(&l, &existing, &settings()).unwrap_err();
    assert_eq!(err.len(), 1);
    assert_eq!(err[0].line, 3);
}

#[test]
fn only_imported_items_are_settled_for_being_absent() {
    let acme = Debtor::new(1, "ACME", DebtorType::B2b);
    let st = existing_dossier(1, &acme, &[("F-1", ""), ("F-2", "import: old.txt:4")]);
    let open = vec![
        ("F-1".to_string(), Decimal::new(100, 0)),
        ("F-2".to_string(), Decimal::new(100, 0)),
    ];
    let existing = [Existing {
        state: &st,
        debtor: &acme,
        open,
    }];
    let l = fec(&["BQ|Banque|1|20261001|512000|Banque|||X|20261001|Autre|10,00||||20261001||"]);
    let mut s = settings();
    s.settle_missing = true;
    let p = plan(&l, &existing, &s).unwrap();
    let missing: Vec<&str> = p.missing.iter().map(|m| m.reference.as_str()).collect();
    assert_eq!(missing, ["F-2"]);
    let events = &p.writes[0].events;
    assert!(matches!(
        &events[0].1,
        EventKind::PaymentReceived { amount, invoice: Some(i), .. }
            if *amount == Decimal::new(100, 0) && i == "F-2"
    ));
    assert!(matches!(&events[1].1, EventKind::Note { .. }));
}

#[test]
fn the_brief_report_counts_what_it_leaves_out() {
    let lines: Vec<String> = (0..30)
        .map(|i| format!("VT|Ventes|{i}|20261001|411000|Clients|C{i}|Client {i}|F-{i}|20261001|Facture|10,00||||20261001||"))
        .collect();
    let refs: Vec<&str> = lines.iter().map(String::as_str).collect();
    let p = plan(&fec(&refs), &[], &settings()).unwrap();
    assert_eq!(p.created(), 30);
    let all = report::lines(&p, true);
    let brief = report::brief(&p, true, 5);
    assert_eq!(all.len(), brief.len() + 25 - 1);
    assert!(
        brief.iter().any(|l| l.contains("25 ligne(s) de plus")),
        "{brief:?}"
    );
    assert_eq!(all.last(), brief.last());
}

#[test]
fn books_without_auxiliary_accounts_use_one_411_account_per_customer() {
    let l = fec(&[
        "VT|Ventes|1|20261001|4110042|ACME SARL|||F-1|20261001|Facture|100,00||||20261001||",
    ]);
    assert_eq!(l.accounts[0].number.as_deref(), Some("4110042"));
    assert_eq!(l.accounts[0].name, "ACME SARL");
    let text = format!(
        "{HEADER}\n{}\n",
        "VT|Ventes|1|20261001|411000|Clients|||F-1|20261001|Facture|100,00||||20261001||"
    );
    let err = fec::parse(&text, "UTF-8", &settings(), &mut |_, _| {}).unwrap_err();
    assert_eq!(
        (err[0].line, err[0].column.as_deref()),
        (2, Some("CompAuxNum"))
    );
}
