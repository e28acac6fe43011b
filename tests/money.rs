//! Money and legal rules, on dossiers built from journal events.
//!
//! Every worked example has its arithmetic in the comments; the figures were computed by hand with
//! the convention of `domain::money`: days after the due date up to and including the date of
//! computation, cut at half-years, each piece `base × rate × days / (100 × 365 or 366)`, each line
//! rounded to the cent (half away from zero).

use chrono::{NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use recouvre::domain::event::{
    Channel, ContestationOutcome, Event, EventKind, InjonctionStep, Instalment,
};
use recouvre::domain::fold::{fold, DossierState};
use recouvre::domain::model::*;
use recouvre::domain::money::calendar::HalfYear;
use recouvre::domain::money::channel::ChannelOption;
use recouvre::domain::money::*;
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

/// Builds a journal event by event, then folds it.
struct Journal {
    events: Vec<Event>,
}

impl Journal {
    fn new(created: &str, rate: Option<&str>, jurisdiction: Jurisdiction) -> Journal {
        Journal::with(created, rate, jurisdiction, DossierKind::Invoices, None)
    }

    fn with(
        created: &str,
        rate: Option<&str>,
        jurisdiction: Jurisdiction,
        kind: DossierKind,
        terms: Option<&str>,
    ) -> Journal {
        let mut j = Journal { events: vec![] };
        j.push(
            created,
            EventKind::Created {
                debtor: 1,
                kind,
                profile: None,
                jurisdiction,
                contractual_rate: rate.map(dec),
                refund_reason: None,
                terms: terms.map(str::to_string),
            },
        );
        j
    }

    fn push(&mut self, date: &str, kind: EventKind) -> &mut Self {
        let date = d(date);
        self.events.push(Event {
            seq: self.events.len() as u32,
            at: Utc.from_utc_datetime(&date.and_hms_opt(9, 0, 0).unwrap()),
            date,
            user: "test".into(),
            kind,
        });
        self
    }

    fn invoice(&mut self, reference: &str, issued: &str, due: &str, amount: &str) -> &mut Self {
        self.push(
            issued,
            EventKind::ItemAdded(Item {
                reference: reference.into(),
                issued: d(issued),
                due: d(due),
                amount: dec(amount),
                description: None,
                proof: Some("bon de livraison signé".into()),
            }),
        )
    }

    fn payment(&mut self, date: &str, amount: &str) -> &mut Self {
        self.push(
            date,
            EventKind::PaymentReceived {
                amount: dec(amount),
                reference: None,
                invoice: None,
            },
        )
    }

    fn credit_note(
        &mut self,
        date: &str,
        reference: &str,
        invoice: &str,
        amount: &str,
    ) -> &mut Self {
        self.push(
            date,
            EventKind::CreditNote {
                reference: reference.into(),
                amount: dec(amount),
                invoice: Some(invoice.into()),
            },
        )
    }

    fn notice(&mut self, date: &str, deadline: &str) -> &mut Self {
        self.push(
            date,
            EventKind::NoticeSent {
                channel: Channel::Lrar,
                deadline: d(deadline),
                tracking: None,
                letter: None,
                overrides: vec![],
            },
        )
    }

    fn state(&self) -> DossierState {
        fold(1, &self.events).unwrap()
    }
}

fn b2b() -> Debtor {
    Debtor::new(1, "ACME SARL", DebtorType::B2b)
}

fn b2c() -> Debtor {
    Debtor::new(1, "Jean Dupont", DebtorType::B2c)
}

fn company() -> Creditor {
    Creditor {
        name: "Fournitures Martin SAS".into(),
        ..Creditor::default()
    }
}

fn private_person() -> Creditor {
    Creditor {
        name: "Marie Curie".into(),
        natural_person: true,
        ..Creditor::default()
    }
}

fn claim(st: &DossierState, debtor: &Debtor, creditor: &Creditor, at: &str) -> ClaimAmounts {
    compute_claim(
        st,
        debtor,
        creditor,
        &RateTable::builtin(),
        &MoneyRules::default(),
        d(at),
    )
    .unwrap()
}

fn ready(st: &DossierState, today: &str) -> Readiness {
    readiness(st, &claim(st, &b2b(), &company(), today), d(today))
}

fn amounts(c: &ClaimAmounts, kind: LineKind) -> Vec<(String, i64, Decimal, Decimal)> {
    c.lines
        .iter()
        .filter(|l| l.kind == kind && l.settled_by.is_none())
        .map(|l| {
            (
                l.half_year.unwrap().to_string(),
                l.days.unwrap(),
                l.rate.unwrap(),
                l.amount,
            )
        })
        .collect()
}

// ---------------------------------------------------------------- worked examples: penalties

#[test]
fn invoice_spanning_two_half_years() {
    let mut j = Journal::new("2025-04-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-05-01", "2025-05-31", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-08-15");
    // 2025-H1, 1–30 June, 30 days at ECB 3.15 + 10 = 13.15 %:
    //   1000 × 13.15 × 30 / 36500 = 394500 / 36500 = 10.808… → 10.81
    // 2025-H2, 1 July–15 August, 31 + 15 = 46 days at ECB 2.15 + 10 = 12.15 %:
    //   1000 × 12.15 × 46 / 36500 = 558900 / 36500 = 15.312… → 15.31
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![
            ("2025-H1".into(), 30, dec("13.15"), dec("10.81")),
            ("2025-H2".into(), 46, dec("12.15"), dec("15.31")),
        ]
    );
    let first = &c.lines[0];
    assert_eq!(
        (first.from, first.to),
        (Some(d("2025-06-01")), Some(d("2025-06-30")))
    );
    assert_eq!(first.rate_basis, Some(RateBasis::EcbPlus10));
    assert_eq!(c.penalties, dec("26.12"));
    assert_eq!(c.indemnities, dec("40"));
    assert_eq!(c.principal, dec("1000.00"));
    assert_eq!(c.total_due, dec("1066.12"));
    // Per day at the 15 August rate: 1000 × 12.15 / 36500 = 0.3328… → 0.33.
    assert_eq!(c.daily_growth, dec("0.33"));
    assert!(!c.provisional);
}

#[test]
fn partial_payment_goes_to_penalties_then_principal_and_the_indemnity_last() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-7", "2025-01-01", "2025-01-31", "1000.00")
        .payment("2025-03-02", "500.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-03-31");
    // 1 Feb–2 Mar: 28 + 2 = 30 days on 1000 at 13.15 % → 10.81 (as above).
    // Art. 1343-1: the 500 € paid on 2 March settle the 10.81 of penalties, then the
    // interest-bearing principal (489.19: 1000 − 489.19 = 510.81 left); the 40 € indemnity,
    // which bears no interest, comes last and stays owed.
    // 3–31 March: 29 days on 510.81: 510.81 × 13.15 × 29 / 36500 = 194797.3935 / 36500
    //   = 5.3369… → 5.34
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![
            ("2025-H1".into(), 30, dec("13.15"), dec("10.81")),
            ("2025-H1".into(), 29, dec("13.15"), dec("5.34")),
        ]
    );
    assert_eq!(c.lines[1].base, Some(dec("510.81")));
    assert_eq!(c.lines[1].from, Some(d("2025-03-03")));
    let s = &c.settlements[0];
    assert_eq!(
        (s.to_penalties, s.to_indemnities, s.to_principal),
        (dec("10.81"), dec("0"), dec("489.19"))
    );
    assert_eq!(c.principal, dec("510.81"));
    assert_eq!(c.penalties, dec("5.34"));
    assert_eq!(c.indemnities, dec("40"));
    assert_eq!(c.accrued(LineKind::Indemnity), dec("40"));
    assert_eq!(c.total_due, dec("556.15"));
    // The breakdown reconciles: each total is the sum of its lines, negative ones included.
    let sum = |k: LineKind| -> Decimal {
        c.lines
            .iter()
            .filter(|l| l.kind == k)
            .map(|l| l.amount)
            .sum()
    };
    assert_eq!(sum(LineKind::Penalty), c.penalties);
    assert_eq!(sum(LineKind::Principal), c.principal);
    assert_eq!(sum(LineKind::Indemnity), c.indemnities);
}

#[test]
fn an_invoice_cancelled_by_a_credit_note_after_its_due_date_bears_no_penalty_and_no_indemnity() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-31", "1000.00")
        .invoice("F-2", "2025-01-01", "2025-01-31", "200.00")
        .credit_note("2025-03-02", "AV-1", "F-1", "1000.00");
    // A letter written before the credit note claimed F-1 whole: 1 Feb–1 March, 29 days on
    // 1200 at 13.15 %: 1200 × 13.15 × 29 / 36500 = 457620 / 36500 = 12.537… → 12.54.
    let before = claim(&j.state(), &b2b(), &company(), "2025-03-01");
    assert_eq!(before.penalties, dec("12.54"));
    assert_eq!(before.indemnities, dec("80"));
    // Once the credit note is issued, F-1 was never owed: no penalty on it for the days before
    // it either, and it was never late, so no 40 €. F-2 alone: 1 Feb–31 March, 59 days on 200:
    // 200 × 13.15 × 59 / 36500 = 155170 / 36500 = 4.251… → 4.25.
    let c = claim(&j.state(), &b2b(), &company(), "2025-03-31");
    assert_eq!(amounts(&c, LineKind::Penalty).len(), 1);
    assert_eq!(c.penalties, dec("4.25"));
    assert_eq!(c.indemnities, dec("40"));
    assert_eq!(c.principal, dec("200.00"));
    assert_eq!(c.total_due, dec("244.25"));
    let f1 = c.items.iter().find(|i| i.reference == "F-1").unwrap();
    assert_eq!(
        (f1.open, f1.accrued, f1.indemnity),
        (dec("0"), dec("0"), dec("0"))
    );
    // The breakdown still says what cancelled it, and when.
    assert!(c.lines.iter().any(|l| l.item == "F-1"
        && l.settled_by == Some(Settled::CreditNote)
        && l.from == Some(d("2025-03-02"))
        && l.amount == dec("-1000.00")));
}

#[test]
fn a_partial_credit_note_after_a_payment_leaves_penalties_on_the_corrected_amount() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-7", "2025-01-01", "2025-01-31", "1000.00")
        .payment("2025-03-02", "600.00")
        .credit_note("2025-03-20", "AV-7", "F-7", "400.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-03-31");
    // The invoice was 600 € once corrected, and paid 30 days late. 1 Feb–2 March, 30 days on
    // 600: 600 × 13.15 × 30 / 36500 = 236700 / 36500 = 6.484… → 6.48. The payment equals the
    // corrected invoice, so it goes to that invoice's principal (the debtor's evident choice,
    // art. 1342-10): nothing bears penalties after 2 March, and the 6.48 stay owed.
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![("2025-H1".into(), 30, dec("13.15"), dec("6.48"))]
    );
    assert_eq!(c.lines[0].base, Some(dec("600.00")));
    let s = &c.settlements[0];
    assert_eq!((s.to_penalties, s.to_principal), (dec("0"), dec("600.00")));
    assert_eq!(c.principal, dec("0.00"));
    assert_eq!(c.penalties, dec("6.48"));
    // Late all the same: the 40 € stays owed.
    assert_eq!(c.indemnities, dec("40"));
    assert_eq!(c.total_due, dec("46.48"));
    // The lines under the invoice are in date order: the payment, then the credit note.
    let under: Vec<_> = c
        .lines
        .iter()
        .filter(|l| l.item == "F-7" && l.settled_by.is_some())
        .map(|l| l.settled_by.unwrap())
        .collect();
    assert_eq!(under, vec![Settled::Payment, Settled::CreditNote]);
}

#[test]
fn principal_first_imputation_is_configurable() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-7", "2025-01-01", "2025-01-31", "1000.00")
        .payment("2025-03-02", "500.00");
    let rules = MoneyRules {
        imputation: Imputation::PrincipalFirst,
        ..MoneyRules::default()
    };
    let c = compute_claim(
        &j.state(),
        &b2b(),
        &company(),
        &RateTable::builtin(),
        &rules,
        d("2025-03-31"),
    )
    .unwrap();
    // The 500 € all go to principal: 500 left. 29 days on 500 at 13.15 %:
    //   500 × 13.15 × 29 / 36500 = 190675 / 36500 = 5.2239… → 5.22
    // Penalties 10.81 + 5.22 = 16.03; indemnity 40; total 500 + 16.03 + 40 = 556.03.
    assert_eq!(c.principal, dec("500.00"));
    assert_eq!(c.penalties, dec("16.03"));
    assert_eq!(c.total_due, dec("556.03"));
}

#[test]
fn leap_year_days_count_over_366() {
    let mut j = Journal::new("2024-01-01", None, Jurisdiction::Fr);
    j.invoice("F-2", "2024-01-01", "2024-01-31", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2024-03-01");
    // 1 Feb–1 Mar 2024: 29 + 1 = 30 days at ECB 4.50 + 10 = 14.50 %, 2024 has 366 days:
    //   1000 × 14.50 × 30 / 36600 = 435000 / 36600 = 11.885… → 11.89
    // (over 365 it would be 11.917… → 11.92)
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![("2024-H1".into(), 30, dec("14.50"), dec("11.89"))]
    );
    assert_eq!(c.lines[0].year_days, Some(366));
}

#[test]
fn each_day_uses_the_length_of_its_own_year() {
    let mut j = Journal::new("2024-11-01", None, Jurisdiction::Fr);
    j.invoice("F-3", "2024-11-15", "2024-12-15", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-01-15");
    // 16–31 Dec 2024: 16 days at 14.25 % over 366: 228000 / 36600 = 6.229… → 6.23
    // 1–15 Jan 2025: 15 days at 13.15 % over 365: 197250 / 36500 = 5.404… → 5.40
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![
            ("2024-H2".into(), 16, dec("14.25"), dec("6.23")),
            ("2025-H1".into(), 15, dec("13.15"), dec("5.40")),
        ]
    );
    assert_eq!(
        c.lines.iter().map(|l| l.year_days).collect::<Vec<_>>()[..2],
        [Some(366), Some(365)]
    );
    assert_eq!(c.penalties, dec("11.63"));
}

#[test]
fn nothing_is_owed_on_the_due_date_and_one_day_the_day_after() {
    let mut j = Journal::new("2025-04-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-05-01", "2025-05-31", "1000.00");
    let on_due = claim(&j.state(), &b2b(), &company(), "2025-05-31");
    assert_eq!(on_due.total_due, dec("1000.00"));
    assert!(on_due.lines.iter().all(|l| l.kind == LineKind::Principal));
    // The day before, it is not yet due: listed apart, never in the sum asked.
    let day_before = claim(&j.state(), &b2b(), &company(), "2025-05-30");
    assert_eq!(day_before.total_due, dec("0"));
    assert_eq!(day_before.not_yet_due, dec("1000.00"));
    // From tomorrow it grows by 1000 × 13.15 / 36500 = 0.360… → 0.36 a day.
    assert_eq!(on_due.daily_growth, dec("0.36"));
    let before = claim(&j.state(), &b2b(), &company(), "2025-05-30");
    assert_eq!(before.daily_growth, dec("0"));
    let next = claim(&j.state(), &b2b(), &company(), "2025-06-01");
    // One day: 1000 × 13.15 / 36500 = 0.360… → 0.36, plus the 40 € from the first day late.
    assert_eq!(next.penalties, dec("0.36"));
    assert_eq!(next.indemnities, dec("40"));
}

#[test]
fn several_invoices_in_one_dossier() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-31", "1000.00")
        .invoice("F-2", "2025-01-29", "2025-02-28", "2500.50")
        .invoice("F-3", "2025-03-31", "2025-04-30", "300.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-03-31");
    // F-1: 1 Feb–31 Mar = 28 + 31 = 59 days: 1000 × 13.15 × 59 / 36500 = 775850 / 36500
    //   = 21.256… → 21.26
    // F-2: 1–31 Mar = 31 days: 2500.50 × 13.15 × 31 / 36500 = 1019328.825 / 36500
    //   = 27.926… → 27.93
    // F-3 is not due yet: no penalty, no indemnity, and not in the sum asked.
    let by_item: Vec<(String, Decimal)> = c
        .lines
        .iter()
        .map(|l| (format!("{:?} {}", l.kind, l.item), l.amount))
        .collect();
    assert_eq!(
        by_item[4..],
        [
            ("Principal F-1".into(), dec("1000.00")),
            ("Principal F-2".into(), dec("2500.50")),
            ("NotYetDue F-3".into(), dec("300.00")),
        ]
    );
    let by_item = &by_item[..4];
    assert_eq!(
        by_item,
        vec![
            ("Penalty F-1".into(), dec("21.26")),
            ("Indemnity F-1".into(), dec("40")),
            ("Penalty F-2".into(), dec("27.93")),
            ("Indemnity F-2".into(), dec("40")),
        ]
    );
    assert_eq!(c.principal, dec("3500.50"));
    assert_eq!(c.not_yet_due, dec("300.00"));
    assert_eq!(c.penalties, dec("49.19"));
    assert_eq!(c.indemnities, dec("80"));
    assert_eq!(c.total_due, dec("3629.69"));
    // Per day: (1000 + 2500.50) × 13.15 / 36500 = 46031.575 / 36500 = 1.261… → 1.26
    assert_eq!(c.daily_growth, dec("1.26"));
}

#[test]
fn a_late_invoice_paid_in_full_still_owes_its_penalties_and_indemnity() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-31", "1000.00")
        .payment("2025-03-02", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-03-31");
    // 30 days → 10.81 of penalties. The 1000 € equal the invoice's balance, which tells which
    // debt the debtor meant to pay (art. 1342-10): the invoice is settled, the 10.81 of
    // penalties and the 40 € indemnity stay owed and nothing accrues any more.
    assert_eq!(c.principal, dec("0"));
    assert_eq!(c.penalties, dec("10.81"));
    assert_eq!(c.indemnities, dec("40"));
    assert_eq!(c.total_due, dec("50.81"));
    assert!(
        !c.settled(),
        "a paid principal with accessories owed is not settled"
    );
}

#[test]
fn an_invoice_paid_on_its_due_date_owes_nothing() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-31", "1000.00")
        .payment("2025-01-31", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-06-30");
    assert_eq!(c.total_due, dec("0"));
    assert!(c.settled());
    assert!(c.lines.iter().all(|l| l.kind == LineKind::Principal));
}

// ---------------------------------------------------------------- contractual rate and floor

#[test]
fn contractual_rate_below_the_floor_is_rejected_naming_the_half_year() {
    // 13 % is above the 2023-H2 floor (3 × 4.22 = 12.66) but below 2024-H1's (3 × 5.07 = 15.21).
    let mut j = Journal::new("2023-10-01", Some("13"), Jurisdiction::Fr);
    j.invoice("F-9", "2023-10-31", "2023-11-30", "1000.00");
    let err = compute_claim(
        &j.state(),
        &b2b(),
        &company(),
        &RateTable::builtin(),
        &MoneyRules::default(),
        d("2024-01-31"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        MoneyError::ContractualRateBelowFloor {
            rate: dec("13"),
            floor: dec("15.21"),
            half_year: HalfYear::new(2024, 1).unwrap(),
        }
    );
    let text = err.to_string();
    assert!(text.contains("2024-H1"), "{text}");
    assert!(text.contains("15,21") || text.contains("15.21"), "{text}");
    // Up to the end of 2023 the same rate is valid:
    //   1–31 Dec: 31 days × 1000 × 13 / 36500 = 403000 / 36500 = 11.041… → 11.04
    let c = claim(&j.state(), &b2b(), &company(), "2023-12-31");
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![("2023-H2".into(), 31, dec("13"), dec("11.04"))]
    );
    assert_eq!(c.lines[0].rate_basis, Some(RateBasis::Contractual));
    assert!(check_contractual_rate(
        dec("15.21"),
        &RateTable::builtin(),
        HalfYear::new(2024, 1).unwrap()
    )
    .is_ok());
}

#[test]
fn in_2024_h1_the_floor_exceeds_ecb_plus_10_but_the_default_still_applies() {
    let mut j = Journal::new("2024-01-01", None, Jurisdiction::Fr);
    j.invoice("F-4", "2024-01-30", "2024-02-29", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2024-03-31");
    // Floor 3 × 5.07 = 15.21 % > ECB 4.50 + 10 = 14.50 %, yet with no contractual rate the
    // default 14.50 % applies, not the floor:
    //   1–31 March: 31 days × 1000 × 14.50 / 36600 = 449500 / 36600 = 12.281… → 12.28
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![("2024-H1".into(), 31, dec("14.50"), dec("12.28"))]
    );
    assert_eq!(c.lines[0].rate_basis, Some(RateBasis::EcbPlus10));
    let row = RateTable::builtin()
        .lookup(HalfYear::new(2024, 1).unwrap())
        .unwrap()
        .row
        .clone();
    assert!(row.contractual_floor() > row.default_penalty_rate());
}

// ---------------------------------------------------------------- B2B vs B2C

#[test]
fn consumer_owes_no_penalty_nor_indemnity_and_no_interest_before_a_notice() {
    let mut j = Journal::new("2025-04-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-05-01", "2025-05-31", "1000.00");
    let c = claim(&j.state(), &b2c(), &company(), "2025-08-15");
    assert_eq!(c.total_due, dec("1000.00"));
    assert_eq!(c.penalties + c.indemnities + c.interest, dec("0"));
    assert!(c.notes.contains(&ClaimNote::NoNoticeYet));
    // Same invoice, professional debtor: 1066.12 (see invoice_spanning_two_half_years).
    assert_eq!(
        claim(&j.state(), &b2b(), &company(), "2025-08-15").total_due,
        dec("1066.12")
    );
}

#[test]
fn consumer_legal_interest_runs_from_the_notice_receipt() {
    let mut j = Journal::new("2025-04-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-05-01", "2025-05-31", "1000.00")
        .notice("2025-06-10", "2025-06-26")
        .push(
            "2025-06-12",
            EventKind::AcknowledgementReceived { tracking: None },
        );
    let c = claim(&j.state(), &b2c(), &company(), "2025-08-15");
    // Received 12 June: interest from 13 June, business creditor → "other cases" rate.
    // 13–30 June: 18 days × 1000 × 3.71 / 36500 = 66780 / 36500 = 1.829… → 1.83
    // 1 July–15 Aug: 46 days × 1000 × 2.76 / 36500 = 126960 / 36500 = 3.478… → 3.48
    assert_eq!(
        amounts(&c, LineKind::Interest),
        vec![
            ("2025-H1".into(), 18, dec("3.71"), dec("1.83")),
            ("2025-H2".into(), 46, dec("2.76"), dec("3.48")),
        ]
    );
    assert_eq!(c.lines[0].rate_basis, Some(RateBasis::LegalOther));
    assert_eq!(c.interest, dec("5.31"));
    assert_eq!(c.total_due, dec("1005.31"));

    // A creditor who is a private person gets the higher rate:
    // 18 × 1000 × 7.21 / 36500 = 3.555… → 3.56; 46 × 1000 × 6.65 / 36500 = 8.380… → 8.38
    let p = claim(&j.state(), &b2c(), &private_person(), "2025-08-15");
    assert_eq!(p.interest, dec("11.94"));
    assert_eq!(p.lines[0].rate_basis, Some(RateBasis::LegalNaturalPerson));
}

#[test]
fn without_an_ar_date_receipt_is_assumed_the_next_working_day() {
    let mut j = Journal::new("2025-04-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-05-01", "2025-05-31", "1000.00")
        .notice("2025-06-13", "2025-07-01"); // a Friday
    let c = claim(&j.state(), &b2c(), &company(), "2025-08-15");
    // Assumed received Monday 16 June; interest from 17 June:
    // 14 days × 1000 × 3.71 / 36500 = 51940 / 36500 = 1.423… → 1.42; July–15 Aug 3.48 as above.
    assert_eq!(
        c.regime,
        Regime::LegalInterest {
            from: Some(d("2025-06-16")),
            receipt_assumed: true
        }
    );
    assert_eq!(c.interest, dec("4.90"));
    assert!(c.notes.contains(&ClaimNote::ReceiptAssumed {
        date: d("2025-06-16")
    }));
}

#[test]
fn recovery_costs_count_against_a_professional_only() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-31", "1000.00")
        .push(
            "2025-02-10",
            EventKind::CostIncurred {
                label: "Sommation de payer".into(),
                amount: dec("35.00"),
            },
        );
    let pro = claim(&j.state(), &b2b(), &company(), "2025-01-31");
    // Not late yet: the cost dated 10 Feb is after this date and not counted either.
    assert_eq!(pro.costs, dec("0"));
    // 35 € of costs are within the 40 € indemnity, which is deemed to cover them (L441-10 II).
    let pro = claim(&j.state(), &b2b(), &company(), "2025-02-10");
    assert_eq!(pro.costs, dec("0"));
    assert_eq!(pro.indemnities, dec("40"));
    // A 100 € commissaire fee on top: only what exceeds the 40 € is owed, 135 − 40 = 95.
    j.push(
        "2025-02-12",
        EventKind::CostIncurred {
            label: "Frais de commissaire de justice".into(),
            amount: dec("100.00"),
        },
    );
    let pro = claim(&j.state(), &b2b(), &company(), "2025-02-12");
    assert_eq!(pro.costs, dec("95.00"));
    assert_eq!(
        pro.accrued(LineKind::Cost) - pro.costs,
        dec("40"),
        "the part covered by the indemnity is a line of its own"
    );
    let consumer = claim(&j.state(), &b2c(), &company(), "2025-02-10");
    assert_eq!(consumer.costs, dec("0"));
    assert_eq!(consumer.total_due, dec("1000.00"));
    assert!(consumer.notes.contains(&ClaimNote::CostsNotChargeable {
        amount: dec("35.00")
    }));
}

#[test]
fn no_indemnity_under_collective_proceedings() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-31", "1000.00");
    let mut debtor = b2b();
    debtor.collective_proceedings = true;
    let c = claim(&j.state(), &debtor, &company(), "2025-03-02");
    assert_eq!(c.indemnities, dec("0"));
    assert_eq!(c.penalties, dec("10.81"));
    assert!(c
        .notes
        .contains(&ClaimNote::NoIndemnityCollectiveProceedings));
}

// ---------------------------------------------------------------- provisional rates

#[test]
fn past_the_table_figures_are_provisional_until_the_half_year_is_added() {
    let mut j = Journal::new("2026-05-01", None, Jurisdiction::Fr);
    j.invoice("F-5", "2026-05-16", "2026-06-15", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2026-11-25");
    // 16–30 June: 15 days at 12.15 %: 182250 / 36500 = 4.993… → 4.99 (known rate)
    // 1 July–25 Nov: 31 + 31 + 30 + 31 + 25 = 148 days at 2026-H1's 12.15 % standing in:
    //   1798200 / 36500 = 49.265… → 49.27, provisional
    assert_eq!(
        amounts(&c, LineKind::Penalty),
        vec![
            ("2026-H1".into(), 15, dec("12.15"), dec("4.99")),
            ("2026-H2".into(), 148, dec("12.15"), dec("49.27")),
        ]
    );
    assert!(!c.lines[0].provisional);
    assert!(c.lines[1].provisional);
    assert!(c.provisional);
    assert_eq!(
        c.provisional_half_years,
        vec![HalfYear::new(2026, 2).unwrap()]
    );
    assert!(matches!(c.notes[0], ClaimNote::ProvisionalRates { .. }));

    let rows = rates::parse_rows(
        "[[semester]]\nstart = 2026-07-01\nlegal_rate_consumer_creditor = \"6.50\"\nlegal_rate_other = \"2.50\"\necb_refi_rate = \"2.00\"\nsource = \"test\"\n",
    )
    .unwrap();
    let table = RateTable::builtin()
        .with_overrides(rows, "config.toml")
        .unwrap();
    let c = compute_claim(
        &j.state(),
        &b2b(),
        &company(),
        &table,
        &MoneyRules::default(),
        d("2026-11-25"),
    )
    .unwrap();
    // With 2026-H2 known (ECB 2.00 → 12.00 %): 148 × 1000 × 12 / 36500 = 48.657… → 48.66
    assert_eq!(c.lines[1].amount, dec("48.66"));
    assert!(!c.provisional);
}

#[test]
fn growth_on_a_known_half_year_is_not_provisional() {
    let mut j = Journal::new("2026-05-01", None, Jurisdiction::Fr);
    j.invoice("F-5", "2026-05-16", "2026-06-15", "1000.00");
    // On 30 June 2026 every figure uses 2026-H1's known rate, even if tomorrow's is unknown.
    let c = claim(&j.state(), &b2b(), &company(), "2026-06-30");
    assert!(!c.provisional);
    // 1000 × 12.15 / 36500 = 0.3328… → 0.33
    assert_eq!(c.daily_growth, dec("0.33"));
    let c = claim(&j.state(), &b2b(), &company(), "2026-07-01");
    assert!(c.provisional);
}

#[test]
fn before_the_table_there_is_no_silent_zero() {
    let mut j = Journal::new("2014-05-01", None, Jurisdiction::Fr);
    j.invoice("F-0", "2014-05-01", "2014-05-31", "1000.00");
    let err = compute_claim(
        &j.state(),
        &b2b(),
        &company(),
        &RateTable::builtin(),
        &MoneyRules::default(),
        d("2015-02-01"),
    )
    .unwrap_err();
    assert_eq!(
        err,
        MoneyError::RateMissing {
            half_year: HalfYear::new(2014, 1).unwrap()
        }
    );
}

// ---------------------------------------------------------------- NL / BE scales

#[test]
fn dutch_scale_at_each_tier_boundary() {
    for (principal, costs) in [
        // 15 % of 100 = 15 → minimum 40
        ("100", "40.00"),
        // 15 % of 266.67 = 40.0005 → 40.00
        ("266.67", "40.00"),
        // 15 % of 2 500 = 375
        ("2500", "375.00"),
        // 375 + 10 % of 0.01 = 375.001 → 375.00
        ("2500.01", "375.00"),
        // 375 + 10 % of 2 500 = 625
        ("5000", "625.00"),
        // 625 + 5 % of 5 000 = 875
        ("10000", "875.00"),
        // 875 + 1 % of 190 000 = 2 775
        ("200000", "2775.00"),
        // 2 775 + 0.5 % of 800 000 = 6 775 (the maximum is reached exactly here)
        ("1000000", "6775.00"),
        ("2000000", "6775.00"),
    ] {
        assert_eq!(
            nl_collection_costs(dec(principal)),
            dec(costs),
            "{principal}"
        );
    }
}

#[test]
fn belgian_caps_at_each_tier_boundary() {
    for (principal, costs) in [
        ("150", "20.00"),
        // 30 + 10 % of 0.01 = 30.001 → 30.00
        ("150.01", "30.00"),
        // 30 + 10 % of 350 = 65
        ("500", "65.00"),
        // 65 + 5 % of 0.01 → 65.00
        ("500.01", "65.00"),
        // 65 + 5 % of 500 = 90
        ("1000", "90.00"),
        // 65 + 5 % of 38 700 = 2 000: the cap is reached exactly
        ("39200", "2000.00"),
        ("50000", "2000.00"),
    ] {
        assert_eq!(
            be_collection_costs(dec(principal)),
            dec(costs),
            "{principal}"
        );
    }
    assert_eq!(collection_costs(Jurisdiction::Fr, dec("1000")), None);
}

#[test]
fn dutch_consumer_owes_the_stated_costs_once_the_last_notice_expires() {
    let mut j = Journal::new("2026-09-01", None, Jurisdiction::Nl);
    j.invoice("F-NL", "2026-09-01", "2026-09-30", "1200.00")
        .push(
            "2026-10-05",
            EventKind::LastNoticeSent {
                channel: Channel::Email,
                deadline: d("2026-10-20"),
                costs: dec("180.00"),
                letter: None,
                overrides: vec![],
            },
        );
    // 15 % of 1 200 = 180, above the 40 € minimum.
    let before = claim(&j.state(), &b2c(), &company(), "2026-10-20");
    assert_eq!(before.total_due, dec("1200.00"));
    assert!(before.notes.contains(&ClaimNote::CollectionCostsAnnounced {
        amount: dec("180.00")
    }));
    let after = claim(&j.state(), &b2c(), &company(), "2026-11-25");
    assert_eq!(after.costs, dec("180.00"));
    assert_eq!(after.total_due, dec("1380.00"));
    assert_eq!(after.regime, Regime::CollectionCosts);
    let line = after
        .lines
        .iter()
        .find(|l| l.kind == LineKind::CollectionCosts)
        .unwrap();
    assert_eq!(line.from, Some(d("2026-10-21")));
    assert_eq!(
        line.describe(),
        "Frais de recouvrement (barème) : 180,00\u{a0}€"
    );
}

// ---------------------------------------------------------------- serialisation

#[test]
fn amounts_serialise_as_decimal_strings() {
    let mut j = Journal::new("2025-04-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-05-01", "2025-05-31", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-08-15");
    let v = serde_json::to_value(&c).unwrap();
    assert_eq!(v["total_due"], "1066.12");
    assert_eq!(v["provisional"], false);
    assert_eq!(v["breakdown"][0]["rate"], "13.15");
    assert_eq!(v["breakdown"][0]["from"], "2025-06-01");
    assert_eq!(v["breakdown"][0]["days"], 30);
    assert_eq!(v["breakdown"][0]["half_year"], "2025-H1");
}

// ---------------------------------------------------------------- properties

fn arb_case() -> impl Strategy<Value = (i64, i64, i64, Option<(i64, i64)>)> {
    (
        1i64..100_000_000,                                    // amount in cents
        0i64..4000,                                           // due date, days after 2015-01-01
        -60i64..1200, // computation date, days after the due date
        proptest::option::of((0i64..900, 1i64..100_000_000)), // payment: days after due, cents
    )
}

fn prop_journal(cents: i64, due_off: i64, pay: Option<(i64, i64)>) -> (Journal, NaiveDate) {
    let due = d("2015-01-01") + chrono::Duration::days(due_off);
    let issued = due - chrono::Duration::days(30);
    let mut j = Journal::new(&issued.to_string(), None, Jurisdiction::Fr);
    j.invoice(
        "P-1",
        &issued.to_string(),
        &due.to_string(),
        &Decimal::new(cents, 2).to_string(),
    );
    if let Some((off, amount)) = pay {
        let date = due + chrono::Duration::days(off);
        j.payment(&date.to_string(), &Decimal::new(amount, 2).to_string());
    }
    (j, due)
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(200))]

    #[test]
    fn penalties_are_never_negative_and_sum_their_pieces((cents, due_off, at_off, pay) in arb_case()) {
        let (j, due) = prop_journal(cents, due_off, pay);
        let at = due + chrono::Duration::days(at_off);
        let c = claim(&j.state(), &b2b(), &company(), &at.to_string());
        prop_assert!(c.penalties >= Decimal::ZERO);
        prop_assert!(c.total_due >= Decimal::ZERO);
        prop_assert!(c.lines.iter().filter(|l| l.settled_by.is_none()).all(|l| l.amount >= Decimal::ZERO));
        prop_assert!(c.lines.iter().filter(|l| l.settled_by.is_some()).all(|l| l.amount < Decimal::ZERO));
        let settled: Decimal = c.settlements.iter().map(|s| s.to_penalties).sum();
        prop_assert_eq!(c.accrued(LineKind::Penalty) - settled, c.penalties);
        prop_assert_eq!(
            c.principal + c.penalties + c.indemnities + c.interest + c.costs,
            c.total_due
        );
    }

    #[test]
    fn without_payments_the_pieces_cover_every_late_day_once((cents, due_off, at_off, _) in arb_case()) {
        let (j, due) = prop_journal(cents, due_off, None);
        let at = due + chrono::Duration::days(at_off);
        let c = claim(&j.state(), &b2b(), &company(), &at.to_string());
        let pieces: Vec<&BreakdownLine> = c.lines.iter().filter(|l| l.kind == LineKind::Penalty).collect();
        let sum: Decimal = pieces.iter().map(|l| l.amount).sum();
        prop_assert_eq!(sum, c.penalties);
        let days: i64 = pieces.iter().map(|l| l.days.unwrap()).sum();
        prop_assert_eq!(days, at_off.max(0));
        if let Some(first) = pieces.first() {
            prop_assert_eq!(first.from, Some(due + chrono::Duration::days(1)));
            prop_assert_eq!(pieces.last().unwrap().to, Some(at));
        }
        for w in pieces.windows(2) {
            prop_assert_eq!(w[0].to.unwrap() + chrono::Duration::days(1), w[1].from.unwrap());
            prop_assert_ne!(w[0].half_year, w[1].half_year);
        }
    }

    #[test]
    fn penalties_grow_with_the_end_date((cents, due_off, at_off, pay) in arb_case(), extra in 1i64..400) {
        let (j, due) = prop_journal(cents, due_off, pay);
        let at = due + chrono::Duration::days(at_off);
        let later = at + chrono::Duration::days(extra);
        let a = claim(&j.state(), &b2b(), &company(), &at.to_string());
        let b = claim(&j.state(), &b2b(), &company(), &later.to_string());
        prop_assert!(b.accrued(LineKind::Penalty) >= a.accrued(LineKind::Penalty));
        if pay.is_none() {
            prop_assert!(b.penalties >= a.penalties);
            prop_assert!(b.total_due >= a.total_due);
        }
    }

    #[test]
    fn nothing_accrues_up_to_the_due_date((cents, due_off, _, _) in arb_case(), before in 0i64..400) {
        let (j, due) = prop_journal(cents, due_off, None);
        let at = due - chrono::Duration::days(before);
        let c = claim(&j.state(), &b2b(), &company(), &at.to_string());
        prop_assert_eq!(c.penalties, Decimal::ZERO);
        prop_assert_eq!(c.indemnities, Decimal::ZERO);
        prop_assert!(c.lines.iter().all(|l| matches!(l.kind, LineKind::Principal | LineKind::NotYetDue)));
        // Due on its due date; before it, listed apart and never claimed.
        let (claimed, apart) = if before == 0 { (cents, 0) } else { (0, cents) };
        prop_assert_eq!(c.total_due, Decimal::new(claimed, 2));
        prop_assert_eq!(c.not_yet_due, Decimal::new(apart, 2));
    }
}

// ---------------------------------------------------------------- limitation

fn limit(st: &DossierState, debtor: &Debtor, creditor: &Creditor, today: &str) -> Limitation {
    let owing = compute_claim(
        st,
        debtor,
        creditor,
        &RateTable::builtin(),
        &MoneyRules::default(),
        d(today),
    )
    .unwrap()
    .owing();
    limitation(
        st,
        debtor,
        creditor,
        &MoneyRules::default(),
        d(today),
        owing.oldest_open_due,
    )
    .unwrap()
}

#[test]
fn limitation_is_five_years_between_professionals_with_a_six_month_warning() {
    let mut j = Journal::new("2021-02-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2021-02-08", "2021-03-10", "1000.00");
    let st = j.state();
    let l = limit(&st, &b2b(), &company(), "2025-09-10");
    assert_eq!(l.date, d("2026-03-10"));
    assert_eq!(l.basis, LimitationBasis::Commercial);
    // Exactly six months left: not yet "under six months".
    assert_eq!(l.state, LimitationState::Running);
    assert_eq!(
        limit(&st, &b2b(), &company(), "2025-09-11").state,
        LimitationState::Warning
    );
    assert_eq!(
        limit(&st, &b2b(), &company(), "2026-03-10").state,
        LimitationState::Warning
    );
    let gone = limit(&st, &b2b(), &company(), "2026-11-25");
    assert_eq!(gone.state, LimitationState::Expired);
    assert!(gone.days_left < 0);
}

#[test]
fn limitation_is_two_years_for_a_business_against_a_consumer() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-15", "200.00");
    let st = j.state();
    let l = limit(&st, &b2c(), &company(), "2026-11-25");
    assert_eq!(l.basis, LimitationBasis::ConsumerTwoYears);
    assert_eq!(l.date, d("2027-01-15"));
    assert_eq!(l.state, LimitationState::Warning);
    assert_eq!(l.days_left, 51);
    // A private creditor against a consumer: civil 5 years.
    let civil = limit(&st, &b2c(), &private_person(), "2026-11-25");
    assert_eq!(
        (civil.basis, civil.date),
        (LimitationBasis::Civil, d("2030-01-15"))
    );
}

#[test]
fn reminders_and_notices_do_not_interrupt_limitation_but_an_acknowledgment_does() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-15", "200.00")
        .push(
            "2025-02-01",
            EventKind::RelanceSent {
                level: 1,
                channel: Channel::Email,
                letter: None,
                overrides: vec![],
            },
        )
        .notice("2025-03-01", "2025-03-20");
    assert_eq!(
        limit(&j.state(), &b2c(), &company(), "2026-11-25").date,
        d("2027-01-15")
    );
    j.push(
        "2026-01-10",
        EventKind::DebtAcknowledged {
            text: "Je reconnais devoir 200 €".into(),
        },
    );
    let l = limit(&j.state(), &b2c(), &company(), "2026-11-25");
    assert_eq!(l.date, d("2028-01-10"));
    assert_eq!(l.interrupted_by, Some(Interruption::Acknowledgment));
    assert_eq!(l.state, LimitationState::Running);
}

#[test]
fn an_injonction_request_restarts_limitation_and_a_title_lasts_ten_years() {
    let mut j = Journal::new("2021-02-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2021-02-08", "2021-03-10", "1000.00")
        .push(
            "2025-06-01",
            EventKind::Injonction {
                step: InjonctionStep::RequestFiled,
                note: None,
            },
        );
    let l = limit(&j.state(), &b2b(), &company(), "2026-11-25");
    assert_eq!(l.date, d("2030-06-01"));
    assert_eq!(l.interrupted_by, Some(Interruption::InjonctionRequest));
    j.push(
        "2025-09-15",
        EventKind::Injonction {
            step: InjonctionStep::Enforceable,
            note: None,
        },
    );
    let l = limit(&j.state(), &b2b(), &company(), "2026-11-25");
    assert_eq!(
        (l.basis, l.date),
        (LimitationBasis::EnforceableTitle, d("2035-09-15"))
    );
}

#[test]
fn an_interruption_after_expiry_does_not_revive_the_claim() {
    let mut j = Journal::new("2023-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2023-01-01", "2023-01-15", "200.00").push(
        "2025-06-01",
        EventKind::Injonction {
            step: InjonctionStep::RequestFiled,
            note: None,
        },
    );
    let l = limit(&j.state(), &b2c(), &company(), "2026-11-25");
    assert_eq!(l.date, d("2025-01-15"));
    assert_eq!(l.state, LimitationState::Expired);
}

#[test]
fn an_old_consumer_claim_is_expired_unless_a_partial_payment_came_in_time() {
    let mut j = Journal::new("2023-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2023-01-01", "2023-01-15", "200.00");
    let l = limit(&j.state(), &b2c(), &company(), "2025-06-01");
    assert_eq!(l.basis, LimitationBasis::ConsumerTwoYears);
    assert_eq!(l.date, d("2025-01-15"));
    assert_eq!(l.state, LimitationState::Expired);
    assert!(l.is_expired());
    let warning = l
        .letter_warning()
        .expect("an expired claim warns before any letter");
    assert!(warning.contains("prescri"), "{warning}");

    // A partial payment before the end is a tacit acknowledgment (art. 2240 Code civil): a new
    // two-year period from 20 December 2024.
    j.payment("2024-12-20", "50.00");
    let l = limit(&j.state(), &b2c(), &company(), "2025-06-01");
    assert_eq!(l.interrupted_by, Some(Interruption::Payment));
    assert_eq!(l.runs_from, d("2024-12-20"));
    assert_eq!(l.date, d("2026-12-20"));
    assert_eq!(l.state, LimitationState::Running);
    assert!(!l.is_expired());
    assert_eq!(l.letter_warning(), None);
    assert!(l.message().contains("2240"), "{}", l.message());
}

#[test]
fn a_payment_after_expiry_or_before_the_due_date_does_not_move_the_limitation() {
    let mut j = Journal::new("2023-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2023-01-01", "2023-01-15", "200.00")
        .payment("2023-01-10", "20.00")
        .payment("2025-03-01", "20.00");
    let l = limit(&j.state(), &b2c(), &company(), "2025-06-01");
    assert_eq!((l.runs_from, l.interrupted_by), (d("2023-01-15"), None));
    assert_eq!(l.state, LimitationState::Expired);
}

#[test]
fn an_accepted_payment_plan_restarts_limitation() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-15", "600.00").push(
        "2026-01-10",
        EventKind::PaymentPlanAgreed {
            instalments: vec![Instalment {
                due: d("2026-02-10"),
                amount: dec("600.00"),
            }],
        },
    );
    let l = limit(&j.state(), &b2c(), &company(), "2026-01-20");
    assert_eq!(l.interrupted_by, Some(Interruption::PaymentPlan));
    assert_eq!(l.date, d("2028-01-10"));
}

#[test]
fn residential_rent_arrears_have_three_years() {
    let mut j = Journal::with(
        "2025-01-01",
        None,
        Jurisdiction::Fr,
        DossierKind::Rent,
        None,
    );
    j.invoice("L-2025-01", "2025-01-01", "2025-01-05", "850.00");
    let st = j.state();
    for creditor in [company(), private_person()] {
        let l = limit(&st, &b2c(), &creditor, "2026-11-25");
        assert_eq!(
            (l.basis, l.years, l.date),
            (LimitationBasis::ResidentialRent, 3, d("2028-01-05"))
        );
        assert!(l.basis.label().contains("89-462"));
    }
    // A commercial lease stays commercial.
    assert_eq!(
        limit(&st, &b2b(), &company(), "2026-11-25").basis,
        LimitationBasis::Commercial
    );
}

#[test]
fn dutch_and_belgian_consumers_do_not_get_the_french_consumer_code() {
    use recouvre::i18n::{t_in, Lang};
    let mut nl = Journal::new("2025-01-01", None, Jurisdiction::Nl);
    nl.invoice("F-1", "2025-01-01", "2025-01-15", "300.00");
    let l = limit(&nl.state(), &b2c(), &company(), "2026-11-25");
    assert_eq!(
        (l.basis, l.years, l.date),
        (LimitationBasis::DutchConsumer, 2, d("2027-01-15"))
    );
    for lang in [Lang::Fr, Lang::En] {
        let label = t_in(lang, "money.limitation.nl_consumer");
        assert!(
            label.contains("7:28 BW") && label.contains("3:307 BW"),
            "{label}"
        );
        assert!(!label.contains("L218-2"));
    }
    assert!(!l.message().contains("L218-2"));

    let mut be = Journal::new("2025-01-01", None, Jurisdiction::Be);
    be.invoice("F-1", "2025-01-01", "2025-01-15", "300.00");
    let l = limit(&be.state(), &b2c(), &company(), "2026-11-25");
    assert_eq!(
        (l.basis, l.years, l.date),
        (LimitationBasis::BelgianUnverified, 10, d("2035-01-15"))
    );
    assert!(l.basis.unverified());
    for lang in [Lang::Fr, Lang::En] {
        assert!(t_in(lang, "money.limitation.be_unverified").contains("2262bis"));
        let unknown = t_in(lang, "money.limitation.unverified");
        assert!(
            unknown.contains("belge") || unknown.contains("Belgian"),
            "{unknown}"
        );
    }
    assert!(l.message().contains("2262bis"), "{}", l.message());
    assert!(
        l.message()
            .contains(recouvre::i18n::t("money.limitation.unverified")),
        "the message says the tool does not know: {}",
        l.message()
    );
    // Professionals abroad keep the commercial period.
    assert_eq!(
        limit(&be.state(), &b2b(), &company(), "2026-11-25").basis,
        LimitationBasis::Commercial
    );
}

#[test]
fn the_request_of_a_lapsed_order_no_longer_interrupts() {
    let step = |step| EventKind::Injonction { step, note: None };
    let mut j = Journal::new("2024-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2024-01-01", "2024-01-15", "900.00")
        .push("2025-06-01", step(InjonctionStep::RequestFiled))
        // 6 months from 1 July 2025 is 1 January 2026 (a holiday): last day Friday 2 January.
        .push("2025-07-01", step(InjonctionStep::OrderIssued));
    let st = j.state();
    let l = limit(&st, &b2c(), &company(), "2026-01-02");
    assert_eq!(
        (l.interrupted_by, l.date),
        (Some(Interruption::InjonctionRequest), d("2027-06-01")),
        "still in time to serve"
    );
    let l = limit(&st, &b2c(), &company(), "2026-01-03");
    assert_eq!(
        (l.interrupted_by, l.date, l.state),
        (None, d("2026-01-15"), LimitationState::Warning),
        "lapsed: as if the request had never been filed (art. 1411 CPC)"
    );
    // Served in time: the request keeps its effect.
    j.push("2025-09-01", step(InjonctionStep::Served));
    let l = limit(&j.state(), &b2c(), &company(), "2026-03-01");
    assert_eq!(l.date, d("2027-06-01"));
}

// ---------------------------------------------------------------- readiness

#[test]
fn a_proven_due_undisputed_claim_is_ready() {
    let mut j = Journal::new("2026-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2026-10-01", "2026-10-31", "1000.00");
    let r = ready(&j.state(), "2026-11-25");
    assert!(r.passed(), "{r:?}");
    assert!(r.failed_checks().is_empty());
}

#[test]
fn readiness_names_each_failed_condition() {
    let mut j = Journal::new("2026-01-01", None, Jurisdiction::Fr);
    j.push(
        "2026-11-01",
        EventKind::ItemAdded(Item {
            reference: "F-2".into(),
            issued: d("2026-11-01"),
            due: d("2026-12-01"),
            amount: dec("500.00"),
            description: None,
            proof: None,
        }),
    )
    .push(
        "2026-11-20",
        EventKind::ContestationReceived {
            reason: "quantité".into(),
            text: "Il manque 3 cartons".into(),
            review: None,
        },
    );
    let r = ready(&j.state(), "2026-11-25");
    assert!(!r.passed());
    assert_eq!(r.failed_checks(), vec!["certaine", "liquide", "exigible"]);
    assert_eq!(
        r.certaine.problems,
        vec![ReadinessProblem::MissingProof { item: "F-2".into() }]
    );
    assert_eq!(
        r.liquide.problems,
        vec![ReadinessProblem::OpenDispute {
            since: d("2026-11-20")
        }]
    );
    assert_eq!(
        r.exigible.problems,
        vec![ReadinessProblem::NotYetDue {
            item: "F-2".into(),
            due: d("2026-12-01")
        }]
    );
    // Once the dispute is rejected the amount is liquid again.
    j.push(
        "2026-11-24",
        EventKind::ContestationResolved {
            outcome: ContestationOutcome::Rejected,
            note: "BL signé".into(),
        },
    );
    assert!(ready(&j.state(), "2026-11-25").liquide.ok);
}

#[test]
fn a_principal_paid_late_with_its_accessories_still_owed_is_a_liquid_claim() {
    let mut j = Journal::new("2026-01-01", None, Jurisdiction::Fr);
    j.invoice("F-5", "2026-08-01", "2026-08-31", "1000.00")
        .payment("2026-10-30", "1000.00");
    // The payment goes to the penalties first (art. 1343-1), so a little principal stays open:
    // pay that too, leaving the indemnity and the penalties run since.
    let c = claim(&j.state(), &b2b(), &company(), "2026-11-25");
    j.payment("2026-10-31", &c.items[0].open.to_string());
    let c = claim(&j.state(), &b2b(), &company(), "2026-11-25");
    assert_eq!(c.open_items().count(), 0, "{c:?}");
    assert!(c.total_due > Decimal::ZERO, "{c:?}");
    let r = ready(&j.state(), "2026-11-25");
    assert!(r.passed(), "accessories owed, yet {r:?}");
    // Once they are paid too, nothing is owed and the notice has nothing to claim.
    j.payment("2026-11-20", &c.total_due.to_string());
    let r = ready(&j.state(), "2026-11-25");
    assert_eq!(r.liquide.problems, vec![ReadinessProblem::NothingOwed]);
}

#[test]
fn contractual_terms_can_delay_exigibility_past_the_recorded_due_date() {
    // Recorded due date 30 Sep, but "45 jours fin de mois" from 20 Sep means 31 Oct + 45 days
    // = 15 Dec (the later of: 4 Nov → end of month 30 Nov; end of Sept 30 Sep + 45 = 14 Nov).
    let mut j = Journal::with(
        "2026-09-01",
        None,
        Jurisdiction::Fr,
        DossierKind::Invoices,
        Some("45 jours fin de mois"),
    );
    j.invoice("F-3", "2026-09-20", "2026-09-30", "800.00");
    let r = ready(&j.state(), "2026-11-25");
    assert_eq!(
        r.exigible.problems,
        vec![ReadinessProblem::TermNotReached {
            item: "F-3".into(),
            term_due: d("2026-11-30")
        }]
    );
    assert!(ready(&j.state(), "2026-12-01").exigible.ok);
}

#[test]
fn unreadable_terms_are_a_warning_not_a_failure() {
    let mut j = Journal::with(
        "2026-09-01",
        None,
        Jurisdiction::Fr,
        DossierKind::Invoices,
        Some("selon accord du directeur"),
    );
    j.invoice("F-3", "2026-09-20", "2026-09-30", "800.00");
    let r = ready(&j.state(), "2026-11-25");
    assert!(r.passed());
    assert_eq!(r.warnings.len(), 1);
}

// ---------------------------------------------------------------- notice deadline

fn deadline_for(
    sent: &str,
    received: Option<&str>,
    days: Option<i64>,
    channel: Channel,
    debtor_type: DebtorType,
    jurisdiction: Jurisdiction,
) -> DeadlineAdvice {
    notice_deadline(
        d(sent),
        received.map(d),
        days,
        channel,
        debtor_type,
        jurisdiction,
        &DeadlineRules::default(),
    )
}

#[test]
fn default_deadlines_and_resulting_dates() {
    // B2B, sent Friday 20 Nov 2026: received Monday 23, + 8 days = Tuesday 1 Dec.
    let a = deadline_for(
        "2026-11-20",
        None,
        None,
        Channel::Lrar,
        DebtorType::B2b,
        Jurisdiction::Fr,
    );
    assert_eq!(
        (a.days, a.receipt, a.deadline),
        (8, d("2026-11-23"), d("2026-12-01"))
    );
    assert!(a.receipt_assumed && a.warnings.is_empty());
    // B2C, sent Tuesday 24 Nov: received Wednesday 25, + 15 = Thursday 10 Dec.
    let c = deadline_for(
        "2026-11-24",
        None,
        None,
        Channel::Lrar,
        DebtorType::B2c,
        Jurisdiction::Fr,
    );
    assert_eq!((c.days, c.deadline), (15, d("2026-12-10")));
    // NL consumer last notice: 14 days by default.
    let nl = deadline_for(
        "2026-11-24",
        None,
        None,
        Channel::Email,
        DebtorType::B2c,
        Jurisdiction::Nl,
    );
    assert_eq!(
        (nl.kind, nl.days, nl.deadline),
        (NoticeKind::LastNotice, 14, d("2026-12-09"))
    );
}

#[test]
fn a_deadline_on_a_weekend_or_holiday_moves_to_the_next_working_day() {
    // Sent Thursday 26 Nov, received Friday 27, + 8 = Saturday 5 Dec → Monday 7 Dec.
    let a = deadline_for(
        "2026-11-26",
        None,
        None,
        Channel::Lrar,
        DebtorType::B2b,
        Jurisdiction::Fr,
    );
    assert_eq!(a.deadline, d("2026-12-07"));
    // Sent Wednesday 9 Dec, received Thursday 10, + 15 = Friday 25 Dec (Christmas) → Monday 28.
    let c = deadline_for(
        "2026-12-09",
        None,
        None,
        Channel::Lrar,
        DebtorType::B2c,
        Jurisdiction::Fr,
    );
    assert_eq!(c.deadline, d("2026-12-28"));
    // Sent Tuesday 10 Nov: 11 Nov is a holiday, received Thursday 12.
    let h = deadline_for(
        "2026-11-10",
        None,
        None,
        Channel::Lrar,
        DebtorType::B2b,
        Jurisdiction::Fr,
    );
    assert_eq!(h.receipt, d("2026-11-12"));
}

#[test]
fn a_recorded_ar_date_replaces_the_assumption() {
    let a = deadline_for(
        "2026-11-20",
        Some("2026-11-24"),
        None,
        Channel::Lrar,
        DebtorType::B2b,
        Jurisdiction::Fr,
    );
    assert!(!a.receipt_assumed);
    assert_eq!(a.deadline, d("2026-12-02"));
}

#[test]
fn belgian_receipt_is_the_third_working_day_on_paper_and_the_next_day_by_email() {
    // Sent Monday 23 Nov: paper → Thursday 26 (+14 = Thursday 10 Dec); e-mail → Tuesday 24
    // (+14 = Tuesday 8 Dec).
    let paper = deadline_for(
        "2026-11-23",
        None,
        None,
        Channel::Lrar,
        DebtorType::B2c,
        Jurisdiction::Be,
    );
    assert_eq!(
        (paper.receipt, paper.deadline),
        (d("2026-11-26"), d("2026-12-10"))
    );
    let mail = deadline_for(
        "2026-11-23",
        None,
        None,
        Channel::Email,
        DebtorType::B2c,
        Jurisdiction::Be,
    );
    assert_eq!(
        (mail.receipt, mail.deadline),
        (d("2026-11-24"), d("2026-12-08"))
    );
}

#[test]
fn unusual_deadlines_are_warned_about() {
    let short = deadline_for(
        "2026-11-20",
        None,
        Some(5),
        Channel::Lrar,
        DebtorType::B2b,
        Jurisdiction::Fr,
    );
    assert_eq!(
        short.warnings,
        vec![DeadlineWarning::TooShort { days: 5, min: 7 }]
    );
    let long = deadline_for(
        "2026-11-20",
        None,
        Some(45),
        Channel::Lrar,
        DebtorType::B2b,
        Jurisdiction::Fr,
    );
    assert_eq!(
        long.warnings,
        vec![DeadlineWarning::TooLong { days: 45, max: 30 }]
    );
    for ok in [7, 30] {
        let a = deadline_for(
            "2026-11-20",
            None,
            Some(ok),
            Channel::Lrar,
            DebtorType::B2b,
            Jurisdiction::Fr,
        );
        assert!(a.warnings.is_empty(), "{ok}");
    }
    let nl = deadline_for(
        "2026-11-20",
        None,
        Some(10),
        Channel::Email,
        DebtorType::B2c,
        Jurisdiction::Nl,
    );
    assert_eq!(
        nl.warnings,
        vec![DeadlineWarning::BelowLegalMinimum { days: 10, min: 14 }]
    );
}

// ---------------------------------------------------------------- channel advice

#[test]
fn channel_advice_by_amount_with_expected_cost() {
    let rules = ChannelRules::default();
    let none = ChannelHistory::default();
    let small = advise_channel(dec("999.99"), DebtorType::B2b, &none, &rules);
    assert_eq!(small.channel, Channel::Lrar);
    // 6.11 € registered letter + 1.25 to 1.50 € for the AR option.
    assert_eq!((small.cost_min, small.cost_max), (dec("7.36"), dec("7.61")));
    assert_eq!(small.reasons, vec![AdviceReason::Ordinary]);
    let mid = advise_channel(dec("1000"), DebtorType::B2b, &none, &rules);
    assert_eq!(mid.channel, Channel::Commissaire);
    assert_eq!((mid.cost_min, mid.cost_max), (dec("15"), dec("40")));
    let big = advise_channel(dec("5000"), DebtorType::B2b, &none, &rules);
    assert_eq!(big.channel, Channel::Avocat);
    assert_eq!((big.cost_min, big.cost_max), (dec("150"), dec("400")));
    assert_eq!(
        big.options.iter().map(|o| o.channel).collect::<Vec<_>>(),
        vec![Channel::Lrar, Channel::Commissaire, Channel::Avocat]
    );
    let _: &ChannelOption = &big.options[0];
}

#[test]
fn channel_advice_by_history() {
    let rules = ChannelRules::default();
    let repeat = ChannelHistory {
        previous_late_dossiers: 1,
        disputed: false,
    };
    let a = advise_channel(dec("300"), DebtorType::B2b, &repeat, &rules);
    assert_eq!(a.channel, Channel::Commissaire);
    assert_eq!(
        a.reasons,
        vec![AdviceReason::RepeatOffender { dossiers: 1 }]
    );

    let mut j = Journal::new("2026-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2026-10-01", "2026-10-31", "300.00").push(
        "2026-11-10",
        EventKind::ContestationReceived {
            reason: "qualité".into(),
            text: "Produit défectueux".into(),
            review: None,
        },
    );
    let history = ChannelHistory::from_state(&j.state(), 0);
    let a = advise_channel(dec("2000"), DebtorType::B2b, &history, &rules);
    assert_eq!(a.channel, Channel::Avocat);
    assert_eq!(a.reasons, vec![AdviceReason::Disputed]);
    // A lawyer (up to 400 €) for a disputed 300 € claim would cost more than 20 % of it: a
    // commissaire (up to 40 €) is advised instead, and the advice says why.
    let a = advise_channel(dec("300"), DebtorType::B2b, &history, &rules);
    assert_eq!(a.channel, Channel::Commissaire);
    assert_eq!(
        a.reasons,
        vec![
            AdviceReason::Disputed,
            AdviceReason::OutOfProportion {
                channel: Channel::Avocat,
                cost_max: dec("400"),
                percent: dec("20"),
            }
        ]
    );
    assert!(
        a.reasons[1].message().contains("avocat"),
        "{}",
        a.reasons[1].message()
    );
    // 45,87 € from a repeat offender: even a commissaire (up to 40 €) is out of proportion.
    let a = advise_channel(dec("45.87"), DebtorType::B2b, &repeat, &rules);
    assert_eq!(a.channel, Channel::Lrar);
    assert_eq!(
        a.reasons,
        vec![
            AdviceReason::RepeatOffender { dossiers: 1 },
            AdviceReason::OutOfProportion {
                channel: Channel::Commissaire,
                cost_max: dec("40"),
                percent: dec("20"),
            }
        ]
    );
    // The share is the user's. At 100 %, a lawyer (up to 400 €) still costs more than the whole
    // 300 € claim, and a commissaire (up to 40 €) no longer does more than 45,87 €.
    let lenient = ChannelRules {
        max_cost_percent: dec("100"),
        ..ChannelRules::default()
    };
    let a = advise_channel(dec("300"), DebtorType::B2b, &history, &lenient);
    assert_eq!(a.channel, Channel::Commissaire);
    let a = advise_channel(dec("45.87"), DebtorType::B2b, &repeat, &lenient);
    assert_eq!(a.channel, Channel::Commissaire);
}

#[test]
fn a_consumer_does_not_pay_the_commissaire_and_thresholds_are_configurable() {
    let rules = ChannelRules::default();
    let a = advise_channel(
        dec("1500"),
        DebtorType::B2c,
        &ChannelHistory::default(),
        &rules,
    );
    assert_eq!(a.channel, Channel::Commissaire);
    assert!(a.fee_stays_with_creditor);
    let custom = ChannelRules {
        commissaire_from: dec("2000"),
        ..ChannelRules::default()
    };
    let b = advise_channel(
        dec("1500"),
        DebtorType::B2c,
        &ChannelHistory::default(),
        &custom,
    );
    assert_eq!(b.channel, Channel::Lrar);
    assert!(!b.fee_stays_with_creditor);
}

#[test]
fn a_refund_claim_bears_legal_interest_not_late_payment_penalties() {
    // An overpayment to be returned by a company: no invoice, so no L441-10 penalty nor 40 €;
    // legal interest ("other cases") from the day after the notice was received.
    let mut j = Journal::with(
        "2025-06-01",
        None,
        Jurisdiction::Fr,
        DossierKind::Refund,
        None,
    );
    j.invoice("Trop-perçu", "2025-06-01", "2025-06-01", "1000.00")
        .notice("2025-06-10", "2025-06-26")
        .push(
            "2025-06-12",
            EventKind::AcknowledgementReceived { tracking: None },
        );
    let c = claim(&j.state(), &b2b(), &company(), "2025-08-15");
    // Same periods as the consumer example: 1.83 + 3.48.
    assert_eq!(c.interest, dec("5.31"));
    assert_eq!(c.penalties + c.indemnities, dec("0"));
}

#[test]
fn breakdown_lines_read_as_a_letter_shows_them() {
    let mut j = Journal::new("2025-04-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-05-01", "2025-05-31", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-08-15");
    // The interface language is French unless set otherwise.
    assert_eq!(
        c.lines[0].describe(),
        "Pénalités de retard – F-1 : du 01/06/2025 au 30/06/2025, 30 j × 1\u{a0}000,00\u{a0}€ × \
         13,15\u{a0}% / 365 = 10,81\u{a0}€"
    );
    assert_eq!(
        c.lines[2].describe(),
        "Indemnité forfaitaire pour frais de recouvrement – F-1 : 40,00\u{a0}€"
    );
}

#[test]
fn the_provisional_note_names_the_missing_half_year() {
    let mut j = Journal::new("2026-05-01", None, Jurisdiction::Fr);
    j.invoice("F-5", "2026-05-16", "2026-06-15", "1000.00");
    let c = claim(&j.state(), &b2b(), &company(), "2026-11-25");
    let text = c.notes[0].message();
    assert!(
        text.contains("2026-H2") && text.contains("provisoires"),
        "{text}"
    );
}

#[test]
fn each_item_gets_its_own_summary() {
    let mut j = Journal::new("2025-01-01", None, Jurisdiction::Fr);
    j.invoice("F-1", "2025-01-01", "2025-01-31", "1000.00")
        .invoice("F-2", "2025-01-29", "2025-02-28", "2500.50")
        .invoice("F-3", "2025-03-31", "2025-04-30", "300.00")
        .payment("2025-03-31", "100.00");
    let c = claim(&j.state(), &b2b(), &company(), "2025-03-31");
    // Same penalties as several_invoices_in_one_dossier (21.26 and 27.93): the 100 € paid on the
    // day go to F-1's 21.26 of penalties, then 27.93 of F-2's, then 50.81 of principal, oldest
    // invoice first (F-1); the indemnities, which bear no interest, come last.
    let summary: Vec<(&str, i64, Decimal, Decimal, Decimal)> = c
        .items
        .iter()
        .map(|i| {
            (
                i.reference.as_str(),
                i.days_late,
                i.open,
                i.accrued,
                i.indemnity,
            )
        })
        .collect();
    assert_eq!(
        summary,
        vec![
            ("F-1", 59, dec("949.19"), dec("21.26"), dec("40")),
            ("F-2", 31, dec("2500.50"), dec("27.93"), dec("40")),
            ("F-3", 0, dec("300.00"), dec("0"), dec("0")),
        ]
    );
    // 3629.69 − 100 = 3529.69 (F-3, not yet due, is not claimed); the indemnities stay whole.
    assert_eq!(c.indemnities, dec("80"));
    assert_eq!(c.penalties, dec("0"));
    assert_eq!(c.total_due, dec("3529.69"));
}

proptest! {
    /// `format_plain` is written by hand; it must say what `Decimal`'s own formatter says of the
    /// amount rounded to the cent, for any amount, scale and sign (negative zero included).
    #[test]
    fn format_plain_writes_what_decimal_formats_to_two_places(
        lo in any::<u32>(),
        mid in any::<u32>(),
        hi in prop_oneof![Just(0u32), 0u32..16, any::<u32>()],
        negative in any::<bool>(),
        scale in 0u32..=28,
    ) {
        let d = Decimal::from_parts(lo, mid, hi, negative, scale);
        let cents = recouvre::domain::parse::cents(d);
        prop_assert_eq!(recouvre::domain::parse::format_plain(d), format!("{cents:.2}"));
    }
}

#[test]
fn format_plain_of_the_usual_amounts() {
    use recouvre::domain::parse::format_plain;
    for (given, expected) in [
        ("0", "0.00"),
        ("1234.565", "1234.57"),
        ("-1234.565", "-1234.57"),
        ("0.1", "0.10"),
        ("-0.001", "0.00"),
        ("40", "40.00"),
        (
            "79228162514264337593543950335",
            "79228162514264337593543950335.00",
        ),
    ] {
        let d = Decimal::from_str(given).unwrap();
        assert_eq!(format_plain(d), expected, "{given}");
        assert_eq!(
            format_plain(d),
            format!("{:.2}", recouvre::domain::parse::cents(d))
        );
    }
}
