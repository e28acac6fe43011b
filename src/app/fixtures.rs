//! A small, deterministic set of dossiers for tests, snapshots and manual runs.
//!
//! Not the demo database (that generator lives with the CLI): just enough to show every part of
//! the screen. Dates are relative to `today`, timestamps are fixed, so renders are reproducible.

use std::str::FromStr;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use rust_decimal::Decimal;

use super::state::State;
use crate::domain::event::{Channel, Event, EventKind, InjonctionStep, Instalment, NoteKind};
use crate::domain::fold::fold;
use crate::domain::model::*;
use crate::keymap::Keymap;
use crate::model::{LoadedDossier, NewDossier, Snapshot};
use crate::storage::{Store, StoreError};

pub struct Spec {
    pub debtor: Debtor,
    pub kind: DossierKind,
    pub created: NaiveDate,
    pub items: Vec<Item>,
    /// Later events: (date, user, kind).
    pub events: Vec<(NaiveDate, &'static str, EventKind)>,
}

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).unwrap_or_default()
}

fn item(reference: &str, issued: NaiveDate, due: NaiveDate, amount: &str) -> Item {
    Item {
        reference: reference.into(),
        issued,
        due,
        amount: dec(amount),
        description: None,
        proof: Some("bon de livraison signé".into()),
    }
}

fn debtor(id: DebtorId, name: &str, t: DebtorType) -> Debtor {
    let mut d = Debtor::new(id, name, t);
    d.address = vec!["12 rue des Lilas".into(), "69003 Lyon".into()];
    d
}

/// Eight dossiers covering the ladder: due today, overdue, disputed, plan, injonction, paid…
pub fn specs(today: NaiveDate) -> Vec<Spec> {
    let d = |n: i64| today - Duration::days(n);
    let mut acme = debtor(1, "ACME SARL", DebtorType::B2b);
    acme.customer_number = Some("C-0042".into());
    acme.siren = Some("552 100 554".into());
    acme.contact = Some("Mme Durand (comptabilité)".into());
    acme.email = Some("compta@acme.example".into());
    acme.phone = Some("04 78 00 00 00".into());
    let mut dupont = debtor(3, "Jean Dupont", DebtorType::B2c);
    dupont.customer_number = Some("P-0007".into());
    vec![
        Spec {
            debtor: acme,
            kind: DossierKind::Invoices,
            created: d(40),
            items: vec![
                item("F-2026-101", d(45), d(15), "1234.56"),
                item("F-2026-118", d(40), d(10), "980.00"),
            ],
            events: vec![
                (
                    d(10),
                    "alice",
                    EventKind::RelanceSent {
                        level: 1,
                        channel: Channel::Email,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(5),
                    "bob",
                    EventKind::Note {
                        kind: NoteKind::PhoneCall,
                        text: "Promet un virement la semaine prochaine".into(),
                    },
                ),
            ],
        },
        Spec {
            debtor: debtor(2, "Boulangerie Martin", DebtorType::B2b),
            kind: DossierKind::Invoices,
            created: d(30),
            items: vec![item("F-2026-090", d(50), d(20), "412.30")],
            events: vec![],
        },
        Spec {
            debtor: dupont,
            kind: DossierKind::Invoices,
            created: d(60),
            items: vec![item("F-2026-033", d(70), d(40), "349.90")],
            events: vec![
                (
                    d(37),
                    "alice",
                    EventKind::RelanceSent {
                        level: 1,
                        channel: Channel::Email,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(30),
                    "alice",
                    EventKind::RelanceSent {
                        level: 2,
                        channel: Channel::Letter,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(25),
                    "alice",
                    EventKind::NoticeSent {
                        channel: Channel::Lrar,
                        deadline: d(10),
                        tracking: Some("1A 234 567 8901 2".into()),
                        letter: None,
                        overrides: vec![],
                    },
                ),
            ],
        },
        Spec {
            debtor: debtor(4, "Garage du Port", DebtorType::B2b),
            kind: DossierKind::Invoices,
            created: d(35),
            items: vec![item("F-2026-077", d(60), d(30), "2750.00")],
            events: vec![
                (
                    d(24),
                    "bob",
                    EventKind::RelanceSent {
                        level: 1,
                        channel: Channel::Email,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(6),
                    "bob",
                    EventKind::ContestationReceived {
                        reason: "Qualité".into(),
                        text: "Pièces livrées non conformes".into(),
                        review: Some(today + Duration::days(9)),
                    },
                ),
            ],
        },
        Spec {
            debtor: debtor(5, "Hôtel Belvédère", DebtorType::B2b),
            kind: DossierKind::Invoices,
            created: d(5),
            items: vec![item(
                "F-2026-140",
                d(5),
                today + Duration::days(25),
                "5600.00",
            )],
            events: vec![],
        },
        Spec {
            debtor: debtor(6, "Imprimerie Nouvelle SAS", DebtorType::B2b),
            kind: DossierKind::Invoices,
            created: d(120),
            items: vec![item("F-2026-012", d(150), d(120), "18450.00")],
            events: vec![
                (
                    d(115),
                    "alice",
                    EventKind::RelanceSent {
                        level: 1,
                        channel: Channel::Email,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(105),
                    "alice",
                    EventKind::RelanceSent {
                        level: 2,
                        channel: Channel::Letter,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(95),
                    "alice",
                    EventKind::RelanceSent {
                        level: 3,
                        channel: Channel::Letter,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(90),
                    "alice",
                    EventKind::NoticeSent {
                        channel: Channel::Commissaire,
                        deadline: d(75),
                        tracking: None,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(60),
                    "alice",
                    EventKind::Injonction {
                        step: InjonctionStep::RequestFiled,
                        note: None,
                    },
                ),
                (
                    d(20),
                    "alice",
                    EventKind::Injonction {
                        step: InjonctionStep::OrderIssued,
                        note: None,
                    },
                ),
            ],
        },
        Spec {
            debtor: debtor(7, "Transports Lemoine", DebtorType::B2b),
            kind: DossierKind::Invoices,
            created: d(50),
            items: vec![item("F-2026-055", d(80), d(50), "760.00")],
            events: vec![
                (
                    d(44),
                    "bob",
                    EventKind::RelanceSent {
                        level: 1,
                        channel: Channel::Email,
                        letter: None,
                        overrides: vec![],
                    },
                ),
                (
                    d(30),
                    "bob",
                    EventKind::PaymentReceived {
                        amount: dec("760.00"),
                        reference: Some("VIR 88213".into()),
                        invoice: None,
                    },
                ),
                (
                    d(29),
                    "bob",
                    EventKind::Closed {
                        reason: crate::domain::event::CloseReason::Paid,
                    },
                ),
            ],
        },
        Spec {
            debtor: debtor(8, "SCI Les Tilleuls", DebtorType::B2b),
            kind: DossierKind::Rent,
            created: d(70),
            items: vec![
                item("LOYER-09", d(85), d(85), "1100.00"),
                item("LOYER-10", d(55), d(55), "1100.00"),
            ],
            events: vec![
                (
                    d(50),
                    "alice",
                    EventKind::PaymentPlanAgreed {
                        instalments: vec![
                            Instalment {
                                due: d(20),
                                amount: dec("550.00"),
                            },
                            Instalment {
                                due: today + Duration::days(10),
                                amount: dec("550.00"),
                            },
                            Instalment {
                                due: today + Duration::days(40),
                                amount: dec("1100.00"),
                            },
                        ],
                    },
                ),
                (
                    d(19),
                    "alice",
                    EventKind::PaymentReceived {
                        amount: dec("550.00"),
                        reference: None,
                        invoice: None,
                    },
                ),
            ],
        },
    ]
}

fn created_event(spec: &Spec) -> EventKind {
    EventKind::Created {
        debtor: spec.debtor.id,
        kind: spec.kind,
        profile: None,
        jurisdiction: Jurisdiction::Fr,
        contractual_rate: None,
        refund_reason: None,
        // No contractual term: the fixture due dates are the real ones (a "30 jours fin de mois"
        // term pushed ACME and Boulangerie Martin past today once the claim applied it).
        terms: None,
    }
}

/// The fixture dossiers folded in memory, with fixed timestamps (no store involved).
pub fn dossiers(today: NaiveDate) -> Vec<LoadedDossier> {
    specs(today)
        .into_iter()
        .enumerate()
        .map(|(i, spec)| {
            let at =
                |d: NaiveDate| Utc.from_utc_datetime(&d.and_hms_opt(9, 30, 0).unwrap_or_default());
            let mut kinds: Vec<(NaiveDate, &str, EventKind)> =
                vec![(spec.created, "alice", created_event(&spec))];
            kinds.extend(
                spec.items
                    .iter()
                    .cloned()
                    .map(|it| (spec.created, "alice", EventKind::ItemAdded(it))),
            );
            kinds.extend(spec.events.iter().cloned());
            let events: Vec<Event> = kinds
                .into_iter()
                .enumerate()
                .map(|(seq, (date, user, kind))| Event {
                    seq: seq as u32,
                    at: at(date),
                    date,
                    user: user.into(),
                    kind,
                })
                .collect();
            let id = i as DossierId + 1;
            let state = fold(id, &events).expect("fixture journals start with Created");
            LoadedDossier {
                events,
                state,
                debtor: spec.debtor,
            }
        })
        .collect()
}

/// The fixtures' creditor (the user's company), complete.
pub fn creditor() -> crate::domain::model::Creditor {
    crate::domain::model::Creditor {
        name: "Atelier Durand SAS".into(),
        address: vec!["12 rue des Tanneurs".into(), "69003 Lyon".into()],
        phone: "04 72 00 11 22".into(),
        email: "compta@atelier-durand.fr".into(),
        siren: "812 345 678".into(),
        iban: "FR76 3000 4000 0312 3456 7890 143".into(),
        bic: "BNPAFRPPXXX".into(),
        account_holder: "Atelier Durand SAS".into(),
        signatory_name: "Claire Martin".into(),
        signatory_function: "Responsable du recouvrement".into(),
        city: "Lyon".into(),
        natural_person: false,
    }
}

/// Rules with a configured creditor, as a real user has: letters carry no placeholder.
pub fn env() -> super::editor::LetterEnv {
    super::editor::LetterEnv {
        rules: crate::domain::assess::Rules {
            creditor: creditor(),
            ..Default::default()
        },
        ..Default::default()
    }
}

/// A loaded state on the fixtures: default keymap, 16 colours, 120×36.
pub fn state(today: NaiveDate) -> State {
    let keymap = Keymap::named("default").expect("default keymap is valid");
    let mut st = State::new(today, Arc::new(keymap));
    st.env = Arc::new(env());
    super::update::update(
        &mut st,
        super::action::Action::Loaded(Ok(Snapshot {
            dossiers: dossiers(today),
            problems: vec![],
            generation: 1,
        })),
    );
    st.notice = None;
    st
}

/// Writes the fixtures into a real store through `create` and `append` (for manual runs and the
/// end-to-end test). Returns the dossier ids in fixture order.
pub fn seed_store(store: &Store, today: NaiveDate) -> Result<Vec<DossierId>, StoreError> {
    if !store.exists() {
        store.init()?;
    }
    let mut ids = Vec::new();
    for spec in specs(today) {
        let new = NewDossier {
            debtor: spec.debtor.clone(),
            created: created_event(&spec),
            items: spec.items.clone(),
            date: spec.created,
        };
        let id = store.create(new)?;
        for (date, _, kind) in spec.events {
            store.append(id, None, date, vec![kind])?;
        }
        ids.push(id);
    }
    Ok(ids)
}

/// The fixed "today" used by snapshots.
pub fn today() -> NaiveDate {
    NaiveDate::from_ymd_opt(2026, 11, 25).unwrap_or_default()
}
