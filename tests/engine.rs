//! One rule engine: what the TUI shows, what `status --json` prints and what a letter asks come
//! from the same assessment, whatever the journal and the configuration.

mod common;

use std::collections::BTreeMap;
use std::sync::Arc;

use chrono::{Duration, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use recouvre::app::editor::LetterEnv;
use recouvre::app::{update, Action, State};
use recouvre::config::Config;
use recouvre::domain::assess::{assess, Rules};
use recouvre::domain::event::*;
use recouvre::domain::fold::{fold, Stage};
use recouvre::domain::letters::{compose, ComposeChoices, LetterStep, Templates};
use recouvre::domain::model::*;
use recouvre::domain::money::LineKind;
use recouvre::domain::parse::format_plain;
use recouvre::domain::schedule::BuiltinProfiles;
use recouvre::i18n::format_eur_fr;
use recouvre::keymap::Keymap;
use rust_decimal::Decimal;
use serde_json::Value;

/// A schedule unlike the built-in one: reminders later, no third reminder, notice by LRAR.
const CUSTOM_PROFILES: &str = r#"
[profiles.b2b]
steps = [
  { step = "relance_1", day = 9,  channel = "letter" },
  { step = "relance_2", day = 21, channel = "email" },
  { step = "notice",    day = 40, channel = "lrar" },
]
[profiles.b2c]
steps = [
  { step = "relance_1", day = 1,  channel = "email" },
  { step = "notice",    day = 20, channel = "lrar" },
]
"#;

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

#[test]
fn the_tui_and_status_json_agree_on_every_demo_dossier_with_a_custom_schedule() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    let config = dir.path().join("config.toml");
    std::fs::write(&config, CUSTOM_PROFILES).unwrap();
    let today = "2026-11-25";
    let out = common::binary(&db)
        .arg("--demo")
        .arg("--config")
        .arg(&config)
        .args(["status", "--closed", "--json"])
        .env("RECOUVRE_TODAY", today)
        .output()
        .unwrap();
    assert!(
        out.status.success(),
        "{}",
        String::from_utf8_lossy(&out.stderr)
    );
    let json: Value = serde_json::from_slice(&out.stdout).unwrap();
    let cli: BTreeMap<u64, &Value> = json
        .as_array()
        .unwrap()
        .iter()
        .map(|v| (v["id"].as_u64().unwrap(), v))
        .collect();

    // The TUI on the same database and the same configuration, through `update`.
    let loaded = Config::load(&config, true).unwrap();
    let env = LetterEnv {
        rules: loaded.config.rules(dir.path()).unwrap(),
        templates: Templates::builtin(),
        profiles: loaded.config.clone(),
    };
    let store = recouvre::storage::Store::new(&db, Default::default());
    let mut state = State::new(d(today), Arc::new(Keymap::named("default").unwrap()));
    state.env = Arc::new(env);
    update(
        &mut state,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    assert_eq!(state.entries.len(), cli.len());
    let mut differs_from_builtin = 0;
    for e in &state.entries {
        let j = cli[&e.id()];
        let name = e.debtor();
        assert_eq!(e.stage.slug(), j["stage"], "{name}");
        assert_eq!(
            e.next.as_ref().map(|n| n.kind.slug()),
            j["next_action"].as_str(),
            "{name}"
        );
        assert_eq!(
            e.next.as_ref().map(|n| n.date.to_string()),
            j["next_action_date"].as_str().map(str::to_string),
            "{name}"
        );
        assert_eq!(format_plain(e.balance), j["outstanding"], "{name}");
        assert_eq!(
            format_plain(e.whole().unwrap().assessment.total_due()),
            j["total_due"].as_str().unwrap_or("error"),
            "{name}"
        );
        let builtin = assess(
            &e.whole().unwrap().state,
            &e.whole().unwrap().debtor,
            &BuiltinProfiles,
            &state.env.rules,
            d(today),
        );
        if builtin.next != e.next {
            differs_from_builtin += 1;
        }
    }
    // The custom schedule really is in force (the old TUI used the built-in one).
    assert!(differs_from_builtin > 5, "{differs_from_builtin}");
}

#[test]
fn the_tui_filter_finds_what_status_finds_accents_aside() {
    let dir = tempfile::tempdir().unwrap();
    let db = dir.path().join("demo");
    let run = |q: &str| {
        let out = common::binary(&db)
            .args(["--demo", "status", q, "--json"])
            .output()
            .unwrap();
        let v: Value = serde_json::from_slice(&out.stdout).unwrap_or(Value::Null);
        let mut ids: Vec<u64> = v
            .as_array()
            .map(|a| a.iter().map(|d| d["id"].as_u64().unwrap()).collect())
            .unwrap_or_default();
        ids.sort();
        ids
    };
    let first = run("hotel");
    assert!(!first.is_empty(), "the demo has an Hôtel");
    let store = recouvre::storage::Store::new(&db, Default::default());
    let mut state = State::new(d("2026-11-25"), Arc::new(Keymap::named("default").unwrap()));
    state.show_closed = true;
    update(
        &mut state,
        Action::Loaded(store.load_all().map_err(Into::into)),
    );
    for q in ["hotel", "HÔTEL", "beau rivage", "C-10"] {
        let mut tui: Vec<u64> = state
            .entries
            .iter()
            .filter(|e| e.matches(q))
            .map(|e| e.id())
            .collect();
        tui.sort();
        assert_eq!(tui, run(q), "{q}");
    }
}

fn custom_config() -> Config {
    Config::parse(std::path::Path::new("config.toml"), CUSTOM_PROFILES).unwrap()
}

// ---------------------------------------------------------------- generated journals

#[derive(Debug, Clone)]
enum Step {
    Pay { cents: i64, invoice: Option<usize> },
    Credit { cents: i64, invoice: usize },
    Cost { cents: i64 },
    Relance,
    Dispute,
    Resolve,
    Plan { cents: i64 },
    Waive,
    UndoLast,
}

fn arb_step() -> impl Strategy<Value = Step> {
    prop_oneof![
        4 => (1i64..300_000, proptest::option::of(0usize..3))
            .prop_map(|(cents, invoice)| Step::Pay { cents, invoice }),
        1 => (1i64..100_000, 0usize..3).prop_map(|(cents, invoice)| Step::Credit { cents, invoice }),
        1 => (1i64..20_000).prop_map(|cents| Step::Cost { cents }),
        2 => Just(Step::Relance),
        1 => Just(Step::Dispute),
        1 => Just(Step::Resolve),
        1 => (1i64..100_000).prop_map(|cents| Step::Plan { cents }),
        1 => Just(Step::Waive),
        1 => Just(Step::UndoLast),
    ]
}

struct Case {
    events: Vec<Event>,
    debtor: Debtor,
    today: NaiveDate,
}

fn build(b2b: bool, invoices: &[(i64, i64)], steps: &[(i64, Step)], terms: bool) -> Case {
    let start = d("2025-01-01");
    let mut events = vec![];
    let push = |date: NaiveDate, kind: EventKind, events: &mut Vec<Event>| {
        let seq = events.len() as u32;
        events.push(Event {
            seq,
            at: Utc.with_ymd_and_hms(2026, 1, 1, 9, 0, 0).unwrap(),
            date,
            user: "alice".into(),
            kind,
        });
    };
    push(
        start,
        EventKind::Created {
            debtor: 1,
            kind: DossierKind::Invoices,
            profile: None,
            jurisdiction: Jurisdiction::Fr,
            contractual_rate: None,
            refund_reason: None,
            terms: terms.then(|| "45 jours fin de mois".into()),
        },
        &mut events,
    );
    for (i, (issue_off, cents)) in invoices.iter().enumerate() {
        let issued = start + Duration::days(*issue_off);
        push(
            start,
            EventKind::ItemAdded(Item {
                reference: format!("F-{i}"),
                issued,
                due: issued + Duration::days(30),
                amount: Decimal::new(*cents, 2),
                description: None,
                proof: Some("bon de livraison".into()),
            }),
            &mut events,
        );
    }
    let mut date = start;
    let mut level = 0u8;
    for (gap, step) in steps {
        date += Duration::days(*gap);
        let reference = |i: usize| format!("F-{}", i % invoices.len());
        let kind = match step {
            Step::Pay { cents, invoice } => EventKind::PaymentReceived {
                amount: Decimal::new(*cents, 2),
                reference: None,
                invoice: invoice.map(reference),
            },
            Step::Credit { cents, invoice } => EventKind::CreditNote {
                reference: "AV".into(),
                amount: Decimal::new(*cents, 2),
                invoice: Some(reference(*invoice)),
            },
            Step::Cost { cents } => EventKind::CostIncurred {
                label: "frais".into(),
                amount: Decimal::new(*cents, 2),
            },
            Step::Relance if level < 3 => {
                level += 1;
                EventKind::RelanceSent {
                    level,
                    channel: Channel::Letter,
                    letter: None,
                    overrides: vec![],
                }
            }
            Step::Relance => continue,
            Step::Dispute => EventKind::ContestationReceived {
                reason: "qualité".into(),
                text: String::new(),
                review: None,
            },
            Step::Resolve => EventKind::ContestationResolved {
                outcome: ContestationOutcome::Rejected,
                note: String::new(),
            },
            Step::Plan { cents } => EventKind::PaymentPlanAgreed {
                instalments: vec![
                    Instalment {
                        due: date + Duration::days(30),
                        amount: Decimal::new(*cents, 2),
                    },
                    Instalment {
                        due: date + Duration::days(60),
                        amount: Decimal::new(*cents, 2),
                    },
                ],
            },
            Step::Waive => EventKind::Waived {
                reason: "geste".into(),
            },
            Step::UndoLast => EventKind::Cancel {
                target: events.len() as u32 - 1,
            },
        };
        push(date, kind, &mut events);
    }
    let mut debtor = Debtor::new(
        1,
        "Débiteur",
        if b2b {
            DebtorType::B2b
        } else {
            DebtorType::B2c
        },
    );
    debtor.address = vec!["1 rue de la Paix".into(), "75002 Paris".into()];
    Case {
        events,
        debtor,
        today: date + Duration::days(20),
    }
}

/// A dossier of `status --json` as serde_json prints it within the whole array, then escaped as
/// every listing is (`printable`): what `JsonDossier::element` must write.
fn as_serde_json_prints_it(j: &recouvre::cli::status::JsonDossier) -> String {
    let whole = serde_json::to_string_pretty(&[j]).unwrap();
    recouvre::domain::text::printable(&whole[2..whole.len() - 2]).into_owned()
}

#[test]
fn status_json_elements_are_what_serde_json_prints_whatever_the_text_and_figures() {
    use recouvre::cli::status::{JsonDossier, JsonLine};
    let every_control: String = ('\0'..='\u{a0}').collect();
    let amount = |s: &str| s.parse::<Decimal>().unwrap();
    let line = |item, settled_by| JsonLine {
        kind: "penalty",
        item,
        from: Some(d("2026-01-31")),
        to: Some(NaiveDate::from_ymd_opt(10_000, 1, 1).unwrap()),
        days: Some(-3),
        rate: Some("12.5".into()),
        amount: amount("-0.014"),
        settled_by,
    };
    let full = || JsonDossier {
        id: u64::MAX,
        debtor: &every_control,
        customer_number: Some("C\"1\\2"),
        debtor_type: "b2b",
        stage: "disputed",
        balance: amount("1234567.885"),
        outstanding: amount("-5"),
        days_past_due: i64::MIN,
        next_action: Some("relance_1"),
        next_action_date: Some(NaiveDate::from_ymd_opt(-1, 12, 31).unwrap()),
        last_event: Some("note"),
        last_event_date: Some(d("2026-11-25")),
        assigned_to: Some("é\u{9b}[31m"),
        principal: Some(amount("1")),
        not_yet_due: Some(Decimal::ZERO),
        penalties: Some(amount("2.005")),
        indemnities: Some(amount("40.00")),
        interest: Some(amount("3.1")),
        costs: Some(amount("79228162514264337593543950335")),
        total_due: Some(amount("-0.001")),
        daily_growth: Some(amount("0.0000001")),
        provisional: true,
        breakdown: vec![line(&every_control, Some("payment")), line("", None)],
        error: Some("taux\nabsent\u{7f}".into()),
    };
    let bare = JsonDossier {
        customer_number: None,
        next_action: None,
        next_action_date: None,
        last_event: None,
        last_event_date: None,
        assigned_to: None,
        principal: None,
        not_yet_due: None,
        penalties: None,
        indemnities: None,
        interest: None,
        costs: None,
        total_due: None,
        daily_growth: None,
        provisional: false,
        breakdown: vec![],
        error: None,
        debtor: "",
        ..full()
    };
    for j in [&full(), &bare] {
        assert_eq!(j.element(), as_serde_json_prints_it(j));
    }
    // Still JSON, and the same text once read back.
    let back: Value = serde_json::from_str(&format!("[{}]", full().element())).unwrap();
    assert_eq!(back[0]["debtor"], every_control.as_str());
    assert_eq!(back[0]["breakdown"][0]["item"], every_control.as_str());
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    #[test]
    fn generated_journals_reconcile_everywhere(
        b2b in any::<bool>(),
        terms in any::<bool>(),
        invoices in proptest::collection::vec((0i64..200, 1i64..500_000), 1..4),
        steps in proptest::collection::vec((0i64..40, arb_step()), 0..12),
    ) {
        let case = build(b2b, &invoices, &steps, terms);
        let st = fold(1, &case.events).unwrap();
        let rules = Rules::default();
        let a = assess(&st, &case.debtor, &BuiltinProfiles, &rules, case.today);
        prop_assert!(a.money_error.is_none(), "{:?}", a.money_error);
        let c = &a.claim;
        let sum = |kinds: &[LineKind]| -> Decimal {
            c.lines.iter().filter(|l| kinds.contains(&l.kind)).map(|l| l.amount).sum()
        };
        // Each total is the sum of its lines.
        prop_assert_eq!(sum(&[LineKind::Principal]), c.principal);
        prop_assert_eq!(sum(&[LineKind::NotYetDue]), c.not_yet_due);
        prop_assert_eq!(sum(&[LineKind::Penalty]), c.penalties);
        prop_assert_eq!(sum(&[LineKind::Interest]), c.interest);
        prop_assert_eq!(sum(&[LineKind::Indemnity]), c.indemnities);
        prop_assert_eq!(sum(&[LineKind::Cost, LineKind::CollectionCosts]), c.costs);
        prop_assert_eq!(
            c.principal + c.penalties + c.indemnities + c.interest + c.costs,
            c.total_due
        );
        // Nothing owed is ever negative, and no invoice is open beyond its amount.
        for v in [c.principal, c.not_yet_due, c.penalties, c.interest, c.indemnities, c.costs] {
            prop_assert!(v >= Decimal::ZERO, "{:?}", c);
        }
        for i in &c.items {
            prop_assert!(i.open >= Decimal::ZERO && i.open <= i.amount);
        }
        // Money in = money imputed + surplus.
        let imputed: Decimal = c.settlements.iter().map(|s| {
            s.to_penalties + s.to_interest + s.to_indemnities + s.to_costs + s.to_principal + s.surplus
        }).sum();
        prop_assert_eq!(imputed, c.paid);
        // "Soldé" only when nothing at all is owed (the waiver clears the accessories first).
        if a.stage == Stage::Paid {
            prop_assert!(c.settled(), "paid with {} owed", c.total_due);
        }
        if c.settled() && !st.items.is_empty() && st.closed.is_none() {
            prop_assert_eq!(a.stage, Stage::Paid);
        }
        // The TUI's cached entry and the CLI's JSON agree, under a custom schedule.
        let config = custom_config();
        let env = LetterEnv {
            rules: rules.clone(),
            templates: Templates::builtin(),
            profiles: config.clone(),
        };
        let loaded = recouvre::model::LoadedDossier {
            events: case.events.clone(),
            state: st.clone(),
            debtor: case.debtor.clone(),
        };
        let entry = recouvre::app::state::Entry::new(loaded.clone(), case.today, &env);
        let assessed = assess(&st, &case.debtor, &config, &rules, case.today);
        let json = recouvre::cli::status::json_dossier(&loaded, &assessed);
        prop_assert_eq!(entry.stage.slug(), json.stage);
        prop_assert_eq!(entry.next.as_ref().map(|n| n.kind.slug()), json.next_action);
        prop_assert_eq!(entry.next.as_ref().map(|n| n.date), json.next_action_date);
        prop_assert_eq!(format_plain(entry.balance), format_plain(json.outstanding));
        prop_assert_eq!(
            Some(format_plain(entry.whole().unwrap().assessment.total_due())),
            json.total_due.map(format_plain)
        );
        // `status --json` writes each element by hand: exactly what serde_json prints of it.
        prop_assert_eq!(json.element(), as_serde_json_prints_it(&json));
        // The letter asks exactly the total due at its date.
        let step = if b2b { LetterStep::MiseEnDemeure } else { LetterStep::Relance2 };
        let composed = compose(
            &st,
            &case.events,
            &case.debtor,
            &rules,
            &BuiltinProfiles,
            &Templates::builtin(),
            case.today,
            &ComposeChoices { step: Some(step), ..Default::default() },
        ).unwrap();
        prop_assert_eq!(&composed.context.money.total_due, &format_eur_fr(c.total_due));
        prop_assert_eq!(&composed.context.money.principal, &format_eur_fr(c.principal));
    }
}
