//! What the CLI prints for people: one dossier's block, `show`, `rates`, and the amounts and
//! stage lines the writing commands end with.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::format::say;
use super::Ctx;
use crate::domain::assess::Assessment;
use crate::domain::money::ClaimAmounts;

use crate::i18n::{date, money, t, tf};
use crate::model::LoadedDossier;
use crate::present::{describe_event, next_action_label, stage_label};

/// "Dû au … : principal … + pénalités … = total … (+… par jour)", with the provisional mark.
pub fn amounts_line(a: &Assessment, today: NaiveDate) -> String {
    let c: &ClaimAmounts = &a.claim;
    match &a.money_error {
        None => {
            let mut parts = vec![tf(
                "cli.amount_principal",
                &[("amount", &money(c.principal))],
            )];
            for (v, key) in [
                (c.penalties, "cli.amount_penalties"),
                (c.interest, "cli.amount_interest"),
                (c.indemnities, "cli.amount_indemnities"),
                (c.costs, "cli.amount_costs"),
            ] {
                if !v.is_zero() {
                    parts.push(tf(key, &[("amount", &money(v))]));
                }
            }
            let mut line = tf(
                "cli.amounts",
                &[
                    ("date", &date(today)),
                    ("parts", &parts.join(" + ")),
                    ("total", &money(c.total_due)),
                ],
            );
            if !c.daily_growth.is_zero() {
                line.push_str(&tf(
                    "cli.daily_growth",
                    &[("amount", &money(c.daily_growth))],
                ));
            }
            if c.provisional {
                line.push_str(t("cli.provisional_mark"));
            }
            if !c.not_yet_due.is_zero() {
                line.push_str(&tf(
                    "cli.amount_not_yet_due",
                    &[("amount", &money(c.not_yet_due))],
                ));
            }
            line
        }
        Some(e) => tf("cli.amounts_error", &[("reason", e)]),
    }
}

/// Free text in exactly `w` columns, cut with `…` when longer. Never give it a date or an
/// amount: size the column for those instead.
pub fn pad(s: &str, w: usize) -> String {
    super::format::fit(s, w)
}

pub(super) fn rpad(s: &str, w: usize) -> String {
    super::format::rpad(s, w)
}

pub fn stage_and_next_line(s: &Assessment) -> String {
    match &s.next {
        Some(n) => tf(
            "cli.stage_next",
            &[
                ("stage", &stage_label(s.stage)),
                ("balance", &money(s.total_due())),
                ("next", &next_action_label(n)),
                ("date", &date(n.date)),
            ],
        ),
        None => tf(
            "cli.stage_only",
            &[
                ("stage", &stage_label(s.stage)),
                ("balance", &money(s.total_due())),
            ],
        ),
    }
}

pub(super) fn when(n_date: NaiveDate, today: NaiveDate) -> String {
    let days = (today - n_date).num_days();
    match days {
        0 => t("cli.today").to_string(),
        d if d > 0 => tf("cli.late_by", &[("days", &d)]),
        d => tf("cli.in_days", &[("days", &-d)]),
    }
}

pub(super) fn print_dossier_block(ctx: &Ctx, d: &LoadedDossier, a: &Assessment) {
    let today = ctx.today;
    let s = a;
    let customer = d
        .debtor
        .customer_number
        .as_deref()
        .map(|c| format!(" ({c})"))
        .unwrap_or_default();
    say(
        "",
        &format!(
            "#{}  {}{} — {}",
            d.state.id,
            d.debtor.name,
            customer,
            crate::present::stage_long(s.stage, &d.state)
        ),
    );
    let last = d
        .events
        .iter()
        .rev()
        .find(|e| Some(e.seq) == d.state.last_event.map(|l| l.0))
        .map(|e| format!("{} ({})", describe_event(e), date(e.date)))
        .unwrap_or_default();
    say(
        "    ",
        &tf(
            "cli.block_line",
            &[
                ("balance", &money(s.outstanding())),
                ("days", &s.days_past_due),
                ("last", &last),
            ],
        ),
    );
    match &s.next {
        Some(n) => say(
            "    ",
            &tf(
                "cli.block_next",
                &[
                    ("next", &next_action_label(n)),
                    ("date", &date(n.date)),
                    ("when", &when(n.date, today)),
                ],
            ),
        ),
        None => say("    ", t("cli.block_no_next")),
    }
    if !a.claim.settled() {
        say("    ", &amounts_line(a, today));
    }
    if let Some(l) = &a.limitation {
        if l.state != crate::domain::money::LimitationState::Running {
            say("    ", &l.message());
        }
    }
}

/// The search for the debtor's other dossiers (the channel advice's history), asked only when
/// their count could change the advice on this dossier: a notice still to send, and an amount
/// for which a repeat offender gets a commissaire.
pub fn history_query(
    ctx: &Ctx,
    d: &LoadedDossier,
    a: &Assessment,
) -> Option<crate::domain::summary::Query> {
    let wanted =
        crate::domain::money::history_matters(&d.state, a.claim.total_due, &ctx.rules.channels);
    // The customer number, when there is one, finds the debtor's dossiers and few others; a
    // name shares its words with other debtors, whose digests would all be read.
    let key = d
        .debtor
        .customer_number
        .as_deref()
        .unwrap_or(&d.debtor.name);
    wanted.then(|| crate::domain::summary::Query::new(key))
}

/// Among `namesakes` (what [`history_query`] found), the debtor's other dossiers that needed
/// chasing.
fn chased_elsewhere(d: &LoadedDossier, namesakes: Option<&crate::model::Snapshot>) -> u32 {
    namesakes.map_or(0, |snap| {
        snap.dossiers
            .iter()
            .filter(|o| o.debtor.id == d.debtor.id && o.state.id != d.state.id)
            .filter(|o| crate::domain::money::needed_chasing(&o.state))
            .count() as u32
    })
}

/// `show`: `a` is the dossier's assessment at `--today`, `namesakes` the dossiers found by
/// [`history_query`], if it asked for any.
pub fn print_show(
    ctx: &Ctx,
    d: &LoadedDossier,
    a: &Assessment,
    namesakes: Option<&crate::model::Snapshot>,
) {
    print_dossier_block(ctx, d, a);
    let deb = &d.debtor;
    println!();
    println!("{}", t("cli.show_debtor"));
    println!("  {}", deb.name);
    for l in &deb.address {
        println!("  {l}");
    }
    let mut ids = vec![t(match deb.debtor_type {
        crate::domain::model::DebtorType::B2b => "cli.b2b",
        crate::domain::model::DebtorType::B2c => "cli.b2c",
    })
    .to_string()];
    if let Some(s) = &deb.siren {
        ids.push(format!("SIREN {s}"));
    }
    if let Some(e) = &deb.email {
        ids.push(e.clone());
    }
    if let Some(p) = &deb.phone {
        ids.push(p.clone());
    }
    println!("  {}", ids.join(" · "));
    println!();
    println!("{}", t("cli.show_items"));
    // The label column fits the payment labels (which hold a date) and the closing label in full;
    // only an unusually long invoice reference is shortened.
    let label_w = d
        .state
        .payments
        .iter()
        .map(|p| tf("cli.payment_on", &[("date", &date(p.date))]))
        .chain(std::iter::once(t("cli.principal_left").to_string()))
        .map(|l| super::format::width(&l))
        .max()
        .unwrap_or(0)
        .max(18);
    for it in &d.state.items {
        println!(
            "  {}  {}  {}  {}",
            pad(&it.reference, label_w),
            tf("cli.issued_on", &[("date", &date(it.issued))]),
            tf("cli.due_on", &[("date", &date(it.due))]),
            rpad(&money(it.amount), 14)
        );
        if let Some(p) = it.proof.as_deref().filter(|p| !p.trim().is_empty()) {
            println!("    {}", tf("cli.item_proof", &[("proof", &p)]));
        }
    }
    for c in &d.state.credit_notes {
        println!(
            "  {}  {}",
            pad(&c.reference, label_w),
            rpad(&money(-c.amount), 14)
        );
    }
    for p in &d.state.payments {
        println!(
            "  {}  {}",
            pad(&tf("cli.payment_on", &[("date", &date(p.date))]), label_w),
            rpad(&money(-p.amount), 14)
        );
    }
    println!(
        "  {}  {}",
        pad(t("cli.principal_left"), label_w),
        rpad(&money(a.balance()), 14)
    );
    print_money_details(ctx, d, a, chased_elsewhere(d, namesakes));
    println!();
    println!("{}", t("cli.show_journal"));
    let cancelled: std::collections::HashSet<u32> = d.state.cancelled.iter().copied().collect();
    for e in &d.events {
        let mark = if cancelled.contains(&e.seq) {
            t("cli.cancelled_mark")
        } else {
            ""
        };
        say(
            "",
            &format!(
                "  {}  {}  {}  {}{}",
                rpad(&e.seq.to_string(), 3),
                date(e.date),
                pad(&e.user, 10),
                describe_event(e),
                mark
            ),
        );
    }
}

/// The breakdown line by line, notes, limitation, readiness and channel advice.
/// `chased`: the debtor's other dossiers that needed chasing, for the channel advice.
fn print_money_details(ctx: &Ctx, d: &LoadedDossier, a: &Assessment, chased: u32) {
    println!();
    println!("{}", tf("cli.show_amounts", &[("date", &date(ctx.today))]));
    let c = &a.claim;
    match &a.money_error {
        None => {
            for l in &c.lines {
                let mark = if l.provisional {
                    t("cli.provisional_mark")
                } else {
                    ""
                };
                say("  ", &format!("{}{}", l.describe(), mark));
            }
            for (label, v) in [
                ("cli.total_principal", c.principal),
                ("cli.total_not_yet_due", c.not_yet_due),
                ("cli.total_penalties", c.penalties),
                ("cli.total_interest", c.interest),
                ("cli.total_indemnities", c.indemnities),
                ("cli.total_costs", c.costs),
            ] {
                if !v.is_zero() || label == "cli.total_principal" {
                    println!("  {}  {}", pad(t(label), 36), rpad(&money(v), 14));
                }
            }
            println!(
                "  {}  {}",
                pad(t("cli.total_due"), 36),
                rpad(&money(c.total_due), 14)
            );
            if !c.daily_growth.is_zero() {
                println!(
                    "  {}",
                    tf("cli.grows_by", &[("amount", &money(c.daily_growth))])
                );
            }
            for n in &c.notes {
                say("  ", &format!("! {}", n.message()));
            }
        }
        Some(e) => {
            println!("  ! {e}");
            println!(
                "  {}  {}",
                pad(t("cli.total_principal"), 36),
                rpad(&money(c.principal), 14)
            );
        }
    }
    if let Some(l) = &a.limitation {
        println!();
        say("", &l.message());
    }
    if d.state.is_open() && a.balance() > Decimal::ZERO {
        println!();
        println!("{}", t("cli.show_readiness"));
        for (name, check) in [
            ("cli.ready_certaine", &a.readiness.certaine),
            ("cli.ready_liquide", &a.readiness.liquide),
            ("cli.ready_exigible", &a.readiness.exigible),
        ] {
            let status = if check.ok {
                t("cli.ready_ok")
            } else {
                t("cli.ready_ko")
            };
            println!("  {} {}", status, t(name));
            for p in &check.problems {
                say("      ", &p.message());
            }
        }
        for w in &a.readiness.warnings {
            say("  ", &format!("! {}", w.message()));
        }
        let advice = crate::domain::money::notice_advice(
            &d.state,
            d.debtor.debtor_type,
            c.total_due,
            chased,
            &ctx.rules.channels,
        );
        if let Some(advice) = advice.filter(|_| a.money_error.is_none()) {
            println!();
            say(
                "",
                &tf(
                    "cli.channel_advice",
                    &[
                        ("channel", &crate::present::channel_label(advice.channel)),
                        ("min", &money(advice.cost_min)),
                        ("max", &money(advice.cost_max)),
                    ],
                ),
            );
            for r in &advice.reasons {
                say("  ", &r.message());
            }
        }
    }
}

/// `recouvre rates`: the table in force and where each row comes from.
pub fn print_rates(ctx: &Ctx, verbose: bool) {
    use crate::i18n::format_rate;
    println!("{}", t("cli.rates_title"));
    println!();
    println!("{}", t("cli.rates_header"));
    for row in ctx.rules.rates.rows() {
        println!(
            "{}  {}  {}  {}  {}  {}  {}",
            pad(&row.half_year().to_string(), 9),
            rpad(&format_rate(row.legal_rate_consumer_creditor), 18),
            rpad(&format_rate(row.legal_rate_other), 12),
            rpad(&format_rate(row.ecb_refi_rate), 4),
            rpad(&format_rate(row.default_penalty_rate()), 6),
            rpad(&format_rate(row.contractual_floor()), 11),
            row.origin.label()
        );
        if verbose {
            println!("{}", tf("cli.rates_source", &[("source", &row.source)]));
        }
    }
    let missing = ctx.rules.rates.missing_half_years(ctx.today);
    if !missing.is_empty() {
        let list: Vec<String> = missing.iter().map(|h| h.to_string()).collect();
        println!();
        println!(
            "{}",
            tf(
                "cli.rates_missing",
                &[
                    ("half_years", &list.join(", ")),
                    ("path", &ctx.config_dir.join("rates.toml").display())
                ]
            )
        );
    }
}
