//! Stage fold, balances and next actions over hand-written journals.

use chrono::{NaiveDate, TimeZone, Utc};
use recouvre::domain::event::*;
use recouvre::domain::fold::{fold, DossierState, Stage};
use recouvre::domain::model::*;
use recouvre::domain::money::{principal_claim, ClaimAmounts, MoneyRules};
use recouvre::domain::schedule::{next_action, BuiltinProfiles, NextAction, NextActionKind};
use rust_decimal::Decimal;
use std::str::FromStr;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn m(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap()
}

// The ladder is tested here on the principal alone (what payments and credit notes leave open);
// how penalties and indemnities keep a dossier open is tested in tests/money.rs.
fn principal(st: &DossierState) -> ClaimAmounts {
    let debtor = Debtor::new(1, "Débiteur", DebtorType::B2c);
    principal_claim(
        st,
        &debtor,
        &Creditor::default(),
        &MoneyRules::default(),
        d("2099-12-31"),
    )
}

fn balance(st: &DossierState) -> Decimal {
    principal(st).open_principal()
}

fn stage(st: &DossierState, today: NaiveDate) -> Stage {
    st.stage(today, &principal(st).owing())
}

fn next(st: &DossierState, debtor_type: DebtorType, today: NaiveDate) -> Option<NextAction> {
    next_action(
        st,
        debtor_type,
        &BuiltinProfiles,
        today,
        &principal(st).owing(),
    )
}

/// Builds a journal from (date, kind) pairs, numbering events in order.
struct Journal(Vec<Event>);

impl Journal {
    fn new(kind: DossierKind) -> Journal {
        let mut j = Journal(vec![]);
        j.push(
            "2026-01-01",
            EventKind::Created {
                debtor: 1,
                kind,
                profile: None,
                jurisdiction: Jurisdiction::Fr,
                contractual_rate: None,
                refund_reason: None,
                terms: None,
            },
        );
        j
    }
    fn push(&mut self, date: &str, kind: EventKind) -> u32 {
        let seq = self.0.len() as u32;
        self.0.push(Event {
            seq,
            at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
            date: d(date),
            user: "alice".into(),
            kind,
        });
        seq
    }
    fn invoice(&mut self, reference: &str, due: &str, amount: &str) -> u32 {
        self.push(
            "2026-01-01",
            EventKind::ItemAdded(Item {
                reference: reference.into(),
                issued: d("2026-01-01"),
                due: d(due),
                amount: m(amount),
                description: None,
                proof: None,
            }),
        )
    }
}

fn relance(level: u8) -> EventKind {
    EventKind::RelanceSent {
        level,
        channel: Channel::Email,
        letter: None,
        overrides: vec![],
    }
}

fn pay(amount: &str) -> EventKind {
    EventKind::PaymentReceived {
        amount: m(amount),
        reference: None,
        invoice: None,
    }
}

#[test]
fn ladder_from_not_due_to_notice() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-02-01", "1000.00");
    let st = fold(1, &j.0).unwrap();
    assert_eq!(stage(&st, d("2026-01-20")), Stage::NotDue);
    assert_eq!(
        stage(&st, d("2026-02-01")),
        Stage::NotDue,
        "due date itself is not late"
    );
    assert_eq!(stage(&st, d("2026-02-02")), Stage::Due);
    // B2B profile: R1 at J+5.
    let n = next(&st, DebtorType::B2b, d("2026-02-02")).unwrap();
    assert_eq!(n.kind, NextActionKind::Relance { level: 1 });
    assert_eq!(n.date, d("2026-02-06"));
    // B2C profile: R1 at J+3 by email.
    let n = next(&st, DebtorType::B2c, d("2026-02-02")).unwrap();
    assert_eq!(n.date, d("2026-02-04"));
    assert_eq!(n.channel, Some(Channel::Email));

    j.push("2026-02-06", relance(1));
    j.push("2026-02-16", relance(2));
    let st = fold(1, &j.0).unwrap();
    assert_eq!(stage(&st, d("2026-02-17")), Stage::Relance2);
    // B2B has a third reminder at J+25; B2C goes straight to the notice at J+15 (but not before
    // the profile's spacing after the late R2: 5 days).
    let b2b = next(&st, DebtorType::B2b, d("2026-02-17")).unwrap();
    assert_eq!(
        (b2b.kind.clone(), b2b.date),
        (NextActionKind::Relance { level: 3 }, d("2026-02-26"))
    );
    let b2c = next(&st, DebtorType::B2c, d("2026-02-17")).unwrap();
    assert_eq!(
        (b2c.kind.clone(), b2c.date),
        (NextActionKind::Notice, d("2026-02-21"))
    );

    j.push(
        "2026-03-03",
        EventKind::NoticeSent {
            channel: Channel::Lrar,
            deadline: d("2026-03-12"),
            tracking: None,
            letter: None,
            overrides: vec![],
        },
    );
    let st = fold(1, &j.0).unwrap();
    assert_eq!(stage(&st, d("2026-03-05")), Stage::MiseEnDemeure);
    let n = next(&st, DebtorType::B2b, d("2026-03-05")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (NextActionKind::FileInjonction, d("2026-03-13"))
    );
}

#[test]
fn partial_payments_and_credit_notes_reduce_the_balance_to_the_cent() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-02-01", "1234.56");
    j.invoice("F-2", "2026-03-01", "100.10");
    j.push("2026-02-10", pay("234.55"));
    j.push(
        "2026-02-11",
        EventKind::CreditNote {
            reference: "AV-1".into(),
            amount: m("0.01"),
            invoice: None,
        },
    );
    let st = fold(1, &j.0).unwrap();
    assert_eq!(balance(&st), m("1100.10"));
    // Allocation to the oldest due date first: F-1 keeps 1 000,00 open.
    let open = principal(&st).items;
    assert_eq!(open[0].reference, "F-1");
    assert_eq!(open[0].open, m("1000.00"));
    assert_eq!(
        stage(&st, d("2026-02-12")),
        Stage::Due,
        "a partial payment does not close"
    );
    j.push("2026-03-05", pay("1100.10"));
    let st = fold(1, &j.0).unwrap();
    assert_eq!(balance(&st), Decimal::ZERO);
    assert_eq!(stage(&st, d("2026-03-06")), Stage::Paid);
    let n = next(&st, DebtorType::B2b, d("2026-03-06")).unwrap();
    assert_eq!(n.kind, NextActionKind::ConfirmSettlement);
    j.push(
        "2026-03-06",
        EventKind::Closed {
            reason: CloseReason::Paid,
        },
    );
    let st = fold(1, &j.0).unwrap();
    assert_eq!(next(&st, DebtorType::B2b, d("2026-03-06")), None);
}

#[test]
fn cancel_voids_an_event_without_deleting_it() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-02-01", "500");
    j.push("2026-02-06", relance(1));
    let wrong = j.push("2026-02-07", pay("500"));
    assert_eq!(stage(&fold(1, &j.0).unwrap(), d("2026-02-08")), Stage::Paid);
    j.push("2026-02-08", EventKind::Cancel { target: wrong });
    let st = fold(1, &j.0).unwrap();
    assert_eq!(balance(&st), m("500"));
    assert_eq!(stage(&st, d("2026-02-08")), Stage::Relance1);
    assert_eq!(
        st.journal_len, 5,
        "the cancelled payment is still in the journal"
    );
    assert_eq!(st.cancelled, vec![wrong]);
    // Cancelling the creation event is meaningless and ignored.
    j.push("2026-02-09", EventKind::Cancel { target: 0 });
    assert!(fold(1, &j.0).is_ok());
}

#[test]
fn contestation_freezes_the_ladder_until_review() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-02-01", "800");
    j.push("2026-02-06", relance(1));
    j.push(
        "2026-02-10",
        EventKind::ContestationReceived {
            reason: "Livraison incomplète".into(),
            text: String::new(),
            review: None,
        },
    );
    let st = fold(1, &j.0).unwrap();
    assert_eq!(stage(&st, d("2026-02-11")), Stage::Disputed);
    let n = next(&st, DebtorType::B2b, d("2026-02-11")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (NextActionKind::ReviewContestation, d("2026-02-25"))
    );
    j.push(
        "2026-02-20",
        EventKind::ContestationResolved {
            outcome: ContestationOutcome::Rejected,
            note: String::new(),
        },
    );
    let st = fold(1, &j.0).unwrap();
    assert_eq!(stage(&st, d("2026-02-21")), Stage::Relance1);
    let n = next(&st, DebtorType::B2b, d("2026-02-21")).unwrap();
    assert_eq!(n.kind, NextActionKind::Relance { level: 2 });
}

#[test]
fn promise_pauses_chasing_and_plan_flags_missed_instalments() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-02-01", "900");
    j.push(
        "2026-02-05",
        EventKind::PromiseToPay {
            until: d("2026-02-20"),
            amount: m("900"),
        },
    );
    let st = fold(1, &j.0).unwrap();
    let n = next(&st, DebtorType::B2b, d("2026-02-10")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (NextActionKind::CheckPromise, d("2026-02-20"))
    );
    // Promise broken: chasing resumes.
    let n = next(&st, DebtorType::B2b, d("2026-02-21")).unwrap();
    assert_eq!(n.kind, NextActionKind::Relance { level: 1 });

    j.push(
        "2026-02-22",
        EventKind::PaymentPlanAgreed {
            instalments: vec![
                Instalment {
                    due: d("2026-03-01"),
                    amount: m("300"),
                },
                Instalment {
                    due: d("2026-04-01"),
                    amount: m("300"),
                },
                Instalment {
                    due: d("2026-05-01"),
                    amount: m("300"),
                },
            ],
        },
    );
    j.push("2026-03-01", pay("300"));
    j.push("2026-04-03", pay("100"));
    let st = fold(1, &j.0).unwrap();
    assert_eq!(stage(&st, d("2026-04-05")), Stage::PaymentPlan);
    let n = next(&st, DebtorType::B2b, d("2026-04-05")).unwrap();
    assert_eq!(
        n.kind,
        NextActionKind::MissedInstalment { amount: m("200") }
    );
    assert_eq!(n.date, d("2026-04-01"));
}

#[test]
fn injonction_steps_and_service_deadline_rule_of_september_2026() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-01-10", "4000");
    j.push(
        "2026-05-01",
        EventKind::Injonction {
            step: InjonctionStep::RequestFiled,
            note: None,
        },
    );
    j.push(
        "2026-08-31",
        EventKind::Injonction {
            step: InjonctionStep::OrderIssued,
            note: None,
        },
    );
    let st = fold(1, &j.0).unwrap();
    assert_eq!(stage(&st, d("2026-09-01")), Stage::Injonction);
    let n = next(&st, DebtorType::B2b, d("2026-09-01")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (NextActionKind::ServeOrder, d("2027-03-01")),
        "6 months before 1/9/2026: 28 February 2027 is a Sunday, the limit runs to Monday 1 March (art. 642 CPC)"
    );
    j.push(
        "2026-09-01",
        EventKind::Injonction {
            step: InjonctionStep::OrderIssued,
            note: None,
        },
    );
    let st = fold(1, &j.0).unwrap();
    let n = next(&st, DebtorType::B2b, d("2026-09-02")).unwrap();
    assert_eq!(
        n.date,
        d("2026-12-01"),
        "3 months from 1 September 2026 (décret 2026-96)"
    );
    j.push(
        "2026-09-15",
        EventKind::Injonction {
            step: InjonctionStep::Served,
            note: None,
        },
    );
    let st = fold(1, &j.0).unwrap();
    let n = next(&st, DebtorType::B2b, d("2026-09-16")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (
            NextActionKind::AwaitOpposition {
                last_day: d("2026-10-15")
            },
            d("2026-10-16")
        ),
        "the debtor may oppose until 15 October included; enforcement from the 16th"
    );
}

fn step(step: InjonctionStep) -> EventKind {
    EventKind::Injonction { step, note: None }
}

#[test]
fn opposition_period_ending_on_a_sunday_runs_to_monday_and_enforcement_is_the_day_after() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-01-10", "4000");
    j.push("2026-05-01", step(InjonctionStep::RequestFiled));
    j.push("2026-09-20", step(InjonctionStep::OrderIssued));
    j.push("2026-10-15", step(InjonctionStep::Served));
    let st = fold(1, &j.0).unwrap();
    // Served Thursday 15 October 2026: one month ends Sunday 15 November, so the debtor may still
    // oppose on Monday 16 November (art. 642 CPC); the commissaire can enforce from the 17th.
    let n = next(&st, DebtorType::B2b, d("2026-10-16")).unwrap();
    assert_eq!(
        n.kind,
        NextActionKind::AwaitOpposition {
            last_day: d("2026-11-16")
        }
    );
    assert_eq!(n.date, d("2026-11-17"));
    assert!(!n.is_due(d("2026-11-16")), "not on the last day to oppose");
    assert!(n.is_due(d("2026-11-17")));
}

#[test]
fn opposition_period_ending_on_a_public_holiday_runs_to_the_next_working_day() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-01-10", "4000");
    j.push("2026-09-20", step(InjonctionStep::OrderIssued));
    // 11 November 2026 (Armistice) is a Wednesday.
    j.push("2026-10-11", step(InjonctionStep::Served));
    let st = fold(1, &j.0).unwrap();
    let n = next(&st, DebtorType::B2b, d("2026-10-12")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (
            NextActionKind::AwaitOpposition {
                last_day: d("2026-11-12")
            },
            d("2026-11-13")
        )
    );
}

#[test]
fn an_order_not_served_in_time_lapses_instead_of_asking_to_serve_it() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.invoice("F-1", "2026-01-10", "4000");
    j.push("2026-08-01", step(InjonctionStep::RequestFiled));
    // 3 months from 25 September 2026 is Friday 25 December (Christmas): the limit runs to
    // Monday 28 December.
    j.push("2026-09-25", step(InjonctionStep::OrderIssued));
    let st = fold(1, &j.0).unwrap();
    let n = next(&st, DebtorType::B2b, d("2026-12-28")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (NextActionKind::ServeOrder, d("2026-12-28"))
    );
    let n = next(&st, DebtorType::B2b, d("2026-12-29")).unwrap();
    assert_eq!(
        (n.kind, n.date),
        (NextActionKind::OrderLapsed, d("2026-12-29"))
    );
}

#[test]
fn a_debtor_outside_france_is_offered_the_european_order_not_a_french_injonction() {
    for jurisdiction in [Jurisdiction::Nl, Jurisdiction::Be] {
        let mut j = Journal::new(DossierKind::Invoices);
        if let EventKind::Created {
            jurisdiction: x, ..
        } = &mut j.0[0].kind
        {
            *x = jurisdiction;
        }
        j.invoice("F-1", "2026-02-01", "300");
        j.push(
            "2026-02-20",
            EventKind::LastNoticeSent {
                channel: Channel::Email,
                deadline: d("2026-03-10"),
                costs: m("45"),
                letter: None,
                overrides: vec![],
            },
        );
        let st = fold(1, &j.0).unwrap();
        for debtor_type in [DebtorType::B2c, DebtorType::B2b] {
            let n = next(&st, debtor_type, d("2026-03-11")).unwrap();
            assert_eq!(
                (n.kind, n.date),
                (NextActionKind::FileEuropeanOrder, d("2026-03-11"))
            );
        }
    }
}

#[test]
fn nl_be_consumers_get_a_last_notice_not_a_french_notice() {
    let mut j = Journal::new(DossierKind::Invoices);
    if let EventKind::Created { jurisdiction, .. } = &mut j.0[0].kind {
        *jurisdiction = Jurisdiction::Nl;
    }
    j.invoice("F-1", "2026-02-01", "300");
    j.push("2026-02-04", relance(1));
    j.push("2026-02-11", relance(2));
    let st = fold(1, &j.0).unwrap();
    let n = next(&st, DebtorType::B2c, d("2026-02-20")).unwrap();
    assert_eq!(n.kind, NextActionKind::LastNotice);
    let n = next(&st, DebtorType::B2b, d("2026-02-20")).unwrap();
    assert_ne!(n.kind, NextActionKind::LastNotice, "only consumers");
}

#[test]
fn a_journal_must_start_with_creation() {
    let mut j = Journal::new(DossierKind::Invoices);
    j.0.remove(0);
    j.invoice("F-1", "2026-02-01", "1");
    assert!(fold(1, &j.0).is_err());
    assert!(fold(1, &[]).is_err());
}

#[test]
fn corrected_payment_terms_move_the_due_date_and_stage_at_once() {
    let mut j = Journal::new(DossierKind::Invoices);
    // Invoice dated 1 January, its own due date the same day.
    j.invoice("F-1", "2026-01-01", "1000.00");
    let st = fold(1, &j.0).unwrap();
    let item = st.items[0].clone();
    assert_eq!(st.due_of(&item), d("2026-01-01"));
    assert_eq!(stage(&st, d("2026-02-10")), Stage::Due);
    let terms = |t: Option<&str>| EventKind::TermsChanged {
        contractual_rate: None,
        terms: t.map(String::from),
    };
    // "45 jours fin de mois" puts it in March: not due in February any more.
    j.push("2026-01-05", terms(Some("45 jours fin de mois")));
    let st = fold(1, &j.0).unwrap();
    assert!(st.due_of(&item) > d("2026-02-28"), "{}", st.due_of(&item));
    assert_eq!(stage(&st, d("2026-02-10")), Stage::NotDue);
    // Terms no one can read, then none: the invoice's own date again.
    j.push("2026-01-06", terms(Some("selon accord")));
    assert_eq!(fold(1, &j.0).unwrap().due_of(&item), d("2026-01-01"));
    j.push("2026-01-07", terms(Some("30 jours fin de mois")));
    j.push("2026-01-08", terms(None));
    let st = fold(1, &j.0).unwrap();
    assert_eq!(st.due_of(&item), d("2026-01-01"));
    assert_eq!(stage(&st, d("2026-02-10")), Stage::Due);
}
