//! Property tests of every parser that reads what a user types or writes in a file: amounts,
//! rates, dates, text fields, `config.toml`, `rates.toml`, keymaps. For thousands of generated
//! inputs per run (arbitrary strings and near-valid ones), none panics, and each either refuses
//! the input with an error or returns a value within the bounds the program relies on. A last
//! property feeds values at those bounds to the money code and checks it cannot overflow.

use std::path::Path;

use chrono::{Datelike, NaiveDate, TimeZone, Utc};
use proptest::prelude::*;
use recouvre::app::Command;
use recouvre::config::{Config, PROFILE_DAYS};
use recouvre::domain::event::{Event, EventKind, Instalment};
use recouvre::domain::fold::fold;
use recouvre::domain::model::*;
use recouvre::domain::money::deadline::DEADLINE_DAYS;
use recouvre::domain::money::{compute_claim, rates, MoneyRules, RateTable};
use recouvre::domain::parse::{
    check_text, parse_amount, parse_date, parse_positive_amount, parse_rate, MAX_AMOUNT, MAX_YEAR,
    MIN_YEAR,
};
use recouvre::domain::schedule::{next_action, Profiles};
use recouvre::keymap::{Context, Keymap};
use rust_decimal::Decimal;

const CASES: u32 = 2000;

fn amount_ok(d: Decimal) -> bool {
    !d.is_sign_negative() && d <= MAX_AMOUNT && d.normalize().scale() <= 2
}

/// Near-valid amounts: digits, separators, signs, currency, exponent-looking tails.
fn amount_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[-+]?[0-9]{1,40}([.,][0-9]{0,4})?( ?€| EUR)?",
        "[0-9]{1,3}([ .\u{a0}\u{202f}'][0-9]{3}){0,12}(,[0-9]{1,3})?( €)?",
        "[-+0-9 .,€Ee]{0,30}",
        any::<String>(),
    ]
}

fn date_like() -> impl Strategy<Value = String> {
    prop_oneof![
        "[0-9]{1,6}-[0-9]{1,3}-[0-9]{1,3}",
        "[0-9]{1,3}/[0-9]{1,3}/[0-9]{1,6}",
        "(19|20|21|99)[0-9]{2}-(0[0-9]|1[0-3])-([0-3][0-9])",
        any::<String>(),
    ]
}

/// Decimal-looking strings, from plausible to absurd (quoted in TOML).
fn decimal_text() -> impl Strategy<Value = String> {
    prop_oneof![
        "-?[0-9]{1,3}(\\.[0-9]{1,4})?",
        "-?[0-9]{1,40}(\\.[0-9]{0,30})?",
        "[0-9eE.+-]{0,12}",
    ]
}

fn any_i64() -> impl Strategy<Value = i64> {
    prop_oneof![-100i64..4000, any::<i64>()]
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(CASES))]

    #[test]
    fn amounts_are_refused_or_within_bounds(s in amount_like()) {
        if let Ok(d) = parse_amount("m", &s) {
            prop_assert!(amount_ok(d), "{s:?} gave {d}");
        }
        if let Ok(d) = parse_positive_amount("m", &s) {
            prop_assert!(amount_ok(d) && d > Decimal::ZERO, "{s:?} gave {d}");
        }
        if let Ok(r) = parse_rate("r", &s) {
            prop_assert!(!r.is_sign_negative() && r <= Decimal::ONE_HUNDRED, "{s:?} gave {r}");
        }
        // Every refusal has a message naming the field.
        if let Err(e) = parse_amount("--amount", &s) {
            prop_assert!(e.to_string().starts_with("--amount"));
        }
    }

    #[test]
    fn dates_are_refused_or_within_bounds(s in date_like()) {
        match parse_date("--date", &s) {
            Ok(d) => prop_assert!((MIN_YEAR..=MAX_YEAR).contains(&d.year()), "{s:?} gave {d}"),
            Err(e) => prop_assert!(e.to_string().starts_with("--date")),
        }
    }

    #[test]
    fn accepted_text_holds_no_control_character(s in any::<String>(), multiline in any::<bool>()) {
        match check_text("--debtor", &s, multiline) {
            Ok(()) => prop_assert!(s
                .chars()
                .all(|c| !c.is_control() || (multiline && (c == '\n' || c == '\t')))),
            Err(e) => {
                let msg = e.to_string();
                prop_assert!(msg.contains("U+"), "{msg}");
                prop_assert!(!msg.chars().any(|c| c.is_control()), "{msg:?}");
            }
        }
        let shown = recouvre::domain::text::printable(&s);
        prop_assert!(shown.chars().all(|c| !c.is_control() || c == '\n' || c == '\t'));
    }

    #[test]
    fn config_is_refused_or_within_bounds(
        indemnity in decimal_text(),
        b2b in any_i64(),
        b2c in any_i64(),
        day1 in any_i64(),
        day2 in any_i64(),
        price in decimal_text(),
        months in prop_oneof![0u32..200, any::<u32>()],
    ) {
        let text = format!(
            "[money]\nrecovery_indemnity = \"{indemnity}\"\nlimitation_warning_months = {months}\n\
             [deadlines]\nb2b_days = {b2b}\nb2c_days = {b2c}\n\
             [channels]\nlrar_price = \"{price}\"\nmax_cost_percent = \"{price}\"\n\
             [profiles.b2b]\nsteps = [\n  {{ step = \"relance_1\", day = {day1}, channel = \"email\" }},\n  \
             {{ step = \"notice\", day = {day2}, channel = \"lrar\" }},\n]\n"
        );
        check_config(&text)?;
    }

    #[test]
    fn arbitrary_config_text_never_panics(text in any::<String>()) {
        check_config(&text)?;
    }

    #[test]
    fn rate_rows_are_refused_or_within_bounds(
        start in prop_oneof!["20[0-9]{2}-(01|07|03)-01", "[0-9]{4}-H[0-3]", any::<String>()],
        a in decimal_text(),
        b in decimal_text(),
        c in decimal_text(),
    ) {
        let text = format!(
            "[[semester]]\nstart = \"{}\"\nlegal_rate_consumer_creditor = \"{a}\"\n\
             legal_rate_other = \"{b}\"\necb_refi_rate = \"{c}\"\n",
            start.replace(['"', '\\'], "")
        );
        check_rates(&text)?;
    }

    #[test]
    fn arbitrary_rates_text_never_panics(text in any::<String>()) {
        check_rates(&text)?;
    }

    #[test]
    fn keymaps_are_refused_or_let_the_user_quit(
        bindings in proptest::collection::vec(
            (
                proptest::sample::select(vec!["global", "list", "detail", "form", "editor", "help", "nowhere"]),
                proptest::sample::select(vec!["q", "ctrl-c", "esc", "j", "f10", "ctrl-x", "hyper-j", "x", "enter"]),
                proptest::sample::select(vec!["quit", "help", "down", "back", "cancel", "fly"]),
            ),
            0..12,
        ),
        arbitrary in any::<String>(),
    ) {
        let mut text = String::new();
        for (ctx, key, cmd) in &bindings {
            text.push_str(&format!("[{ctx}]\n\"{key}\" = \"{cmd}\"\n"));
        }
        for src in [text.as_str(), arbitrary.as_str()] {
            if let Ok(km) = Keymap::from_source("k.toml", src) {
                for ctx in [Context::List, Context::Detail, Context::Form, Context::Editor] {
                    prop_assert!(!km.keys_for(ctx, Command::Quit).is_empty(), "{src}");
                }
            }
            let mut km = Keymap::named("default").unwrap();
            match km.apply_overrides("k.toml", src) {
                Ok(()) => prop_assert!(!km.keys_for(Context::List, Command::Quit).is_empty()),
                Err(e) => prop_assert!(e.to_string().contains("k.toml"), "{e}"),
            }
        }
    }
}

fn check_config(text: &str) -> Result<(), TestCaseError> {
    let Ok(cfg) = Config::parse(Path::new("c.toml"), text) else {
        return Ok(());
    };
    let m = &cfg.money;
    prop_assert!(!m.recovery_indemnity.is_sign_negative() || m.recovery_indemnity.is_zero());
    prop_assert!(m.recovery_indemnity <= Decimal::from(10_000));
    prop_assert!(m.limitation_warning_months <= 120);
    for days in [cfg.deadlines.b2b_days, cfg.deadlines.b2c_days] {
        prop_assert!(DEADLINE_DAYS.contains(&days), "{days}");
    }
    prop_assert!(cfg.channels.lrar_price <= Decimal::from(100_000));
    let share = cfg.channels.max_cost_percent;
    prop_assert!(
        !share.is_sign_negative() && share <= Decimal::from(100),
        "{share}"
    );
    for id in [ProfileId::B2b, ProfileId::B2c, ProfileId::Rent] {
        for step in cfg.profile(id).steps {
            prop_assert!(PROFILE_DAYS.contains(&step.offset), "{}", step.offset);
        }
    }
    Ok(())
}

fn check_rates(text: &str) -> Result<(), TestCaseError> {
    let Ok(rows) = rates::parse_rows(text) else {
        return Ok(());
    };
    if let Ok(table) = RateTable::builtin().with_overrides(rows, "rates.toml") {
        for r in table.rows() {
            for rate in [
                r.legal_rate_consumer_creditor,
                r.legal_rate_other,
                r.ecb_refi_rate,
            ] {
                prop_assert!(!rate.is_sign_negative() && rate <= Decimal::ONE_HUNDRED);
            }
        }
    }
    Ok(())
}

fn event(seq: usize, date: NaiveDate, kind: EventKind) -> Event {
    Event {
        seq: seq as u32,
        at: Utc.from_utc_datetime(&date.and_hms_opt(9, 0, 0).unwrap()),
        date,
        user: "test".into(),
        kind,
    }
}

fn day(offset: i64) -> NaiveDate {
    NaiveDate::from_ymd_opt(MIN_YEAR, 1, 1).unwrap() + chrono::Duration::days(offset)
}

/// Largest offset from 1 January 2000 that stays in the accepted years.
const SPAN: i64 = 36_890;

proptest! {
    #![proptest_config(ProptestConfig::with_cases(300))]

    /// Whatever the parsers let through (amounts up to 10¹², rates up to 100 %, dates 2000-2100)
    /// can be computed with: the claim and the schedule never overflow.
    #[test]
    fn values_at_the_bounds_compute_without_overflow(
        invoices in proptest::collection::vec(
            (0i64..SPAN, 0i64..400, prop_oneof![Just(MAX_AMOUNT), (1i64..100_000_000_000_000).prop_map(|c| Decimal::new(c, 2))]),
            1..6,
        ),
        payments in proptest::collection::vec((0i64..SPAN, 1i64..100_000_000_000_000), 0..4),
        rate in prop_oneof![Just(None), (0i64..=10_000).prop_map(|c| Some(Decimal::new(c, 2)))],
        plan in proptest::collection::vec((0i64..SPAN, 1i64..100_000_000_000_000), 0..3),
        today in 0i64..SPAN,
        consumer in any::<bool>(),
    ) {
        let mut events = vec![event(0, day(0), EventKind::Created {
            debtor: 1,
            kind: DossierKind::Invoices,
            profile: None,
            jurisdiction: Jurisdiction::Fr,
            contractual_rate: rate,
            refund_reason: None,
            terms: None,
        })];
        for (i, (issued, term, amount)) in invoices.iter().enumerate() {
            let n = events.len();
            events.push(event(n, day(*issued), EventKind::ItemAdded(Item {
                reference: format!("F-{i}"),
                issued: day(*issued),
                due: day((*issued + *term).min(SPAN)),
                amount: *amount,
                description: None,
                proof: None,
            })));
        }
        for (date, cents) in &payments {
            let n = events.len();
            events.push(event(n, day(*date), EventKind::PaymentReceived {
                amount: Decimal::new(*cents, 2),
                reference: None,
                invoice: None,
            }));
        }
        if !plan.is_empty() {
            let n = events.len();
            events.push(event(n, day(plan[0].0), EventKind::PaymentPlanAgreed {
                instalments: plan
                    .iter()
                    .map(|(d, c)| Instalment { due: day(*d), amount: Decimal::new(*c, 2) })
                    .collect(),
            }));
        }
        let Ok(st) = fold(1, &events) else { return Ok(()); };
        let debtor = Debtor::new(1, "ACME", if consumer { DebtorType::B2c } else { DebtorType::B2b });
        let creditor = Creditor::default();
        let rates = RateTable::builtin();
        let at = day(today);
        let claim = compute_claim(&st, &debtor, &creditor, &rates, &MoneyRules::default(), at);
        if let Ok(c) = &claim {
            let owing = c.owing();
            let _ = next_action(&st, debtor.debtor_type, &NoProfiles, at, &owing);
        }
    }
}

struct NoProfiles;

impl Profiles for NoProfiles {
    fn profile(&self, id: ProfileId) -> recouvre::domain::schedule::Profile {
        recouvre::domain::schedule::Profile::builtin(id)
    }
}
