//! One function per command. Each validates everything before writing anything.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::args::*;
use super::output;
use super::{exit, Ctx, UserError};
use crate::domain::assess::assess;
use crate::domain::event::*;
use crate::domain::model::*;
use crate::domain::parse::{parse_date, parse_positive_amount};
use crate::domain::summary::matches;
use crate::i18n::{t, tf};
use crate::model::{LoadedDossier, NewDossier};
use crate::storage::StoreError;

pub fn dispatch(ctx: &Ctx, cli: &Cli) -> Result<i32, UserError> {
    // The configuration warnings (missing file, placeholders) matter for letters only: they are
    // said when a letter is composed or recorded, by `doctor`, and after `init`.
    if cli.demo {
        ctx.ensure_demo()?;
    }
    // A command that reads a dossier, decides and writes does it all under one lock: what it
    // read cannot change before it writes, so it is never refused as stale.
    let _held = match &cli.command {
        Some(
            Command::Log { .. } | Command::Edit(_) | Command::AddItem { .. } | Command::Undo { .. },
        ) => Some(ctx.store.hold()?),
        _ => None,
    };
    let code = run_command(ctx, cli);
    for w in ctx.store.take_warnings() {
        eprintln!("recouvre: {w}");
    }
    code
}

fn run_command(ctx: &Ctx, cli: &Cli) -> Result<i32, UserError> {
    match &cli.command {
        None => tui(ctx),
        Some(Command::Screenshots { out, width, height }) => screenshots(ctx, out, *width, *height),
        Some(Command::Init {
            path,
            shared: true,
            group,
        }) => super::team::init_shared(ctx, path.as_deref(), group.as_deref().unwrap_or_default()),
        Some(Command::Init { path, .. }) => init(ctx, path.as_deref()),
        Some(Command::Doctor { repair }) => {
            super::shell::warn_config(ctx);
            super::doctor::run(ctx, *repair)
        }
        Some(Command::Config { .. } | Command::Completions { .. } | Command::Man) => {
            Ok(super::shell::without_ctx(cli).unwrap_or(exit::OK))
        }
        Some(Command::CompleteIds { describe }) => super::completions::complete_ids(ctx, *describe),
        Some(Command::Status(args)) => output::print_overview(ctx, args),
        Some(Command::Add(args)) => add(ctx, args),
        Some(Command::AddItem { id, item }) => add_item(ctx, id, item),
        Some(Command::Log { id, date, event }) => log(ctx, id, date.as_deref(), event),
        Some(Command::Edit(args)) => edit(ctx, args),
        Some(Command::Show { id }) => {
            let d = resolve(ctx, id)?;
            output::print_show(ctx, &d);
            Ok(exit::OK)
        }
        Some(Command::Undo { id }) => undo(ctx, id),
        Some(Command::Letter(args)) => letter(ctx, args),
        Some(Command::Rates { verbose }) => {
            output::print_rates(ctx, *verbose);
            Ok(exit::OK)
        }
    }
}

fn init(ctx: &Ctx, path: Option<&std::path::Path>) -> Result<i32, UserError> {
    let store = match path {
        Some(p) => crate::storage::Store::new(p, crate::storage::StoreOptions::default()),
        None => ctx.store.clone(),
    };
    store.init()?;
    println!(
        "{}",
        tf("cli.init_done", &[("path", &store.path().display())])
    );
    super::shell::hint_config_after_init(ctx);
    Ok(exit::OK)
}

/// Finds a dossier from an id (`12`, `#12`) or a text query that matches exactly one dossier.
///
/// A bare number is an id and nothing else: an unknown id is "no such dossier", never a text
/// search (`log 12 payment` must not land on the dossier whose invoice is F-2026-012). A text
/// query matching several dossiers is refused with the list, open or closed alike.
pub fn resolve(ctx: &Ctx, key: &str) -> Result<LoadedDossier, UserError> {
    let trimmed = key.trim();
    let digits = trimmed.strip_prefix('#').unwrap_or(trimmed).trim();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let unknown = || UserError {
            code: exit::NO_MATCH,
            message: tf("cli.no_such_id", &[("id", &digits)]),
        };
        let id = digits.parse::<u64>().map_err(|_| unknown())?;
        return match ctx.store.load(id) {
            Ok(d) => Ok(d),
            Err(StoreError::UnknownDossier(_)) => Err(unknown()),
            Err(e) => Err(e.into()),
        };
    }
    let snap = ctx.store.load_all()?;
    let mut found: Vec<LoadedDossier> = snap
        .dossiers
        .into_iter()
        .filter(|d| matches(key, &d.state, &d.debtor))
        .collect();
    match found.len() {
        0 => Err(UserError {
            code: exit::NO_MATCH,
            message: tf("cli.no_dossier", &[("query", &key)]),
        }),
        1 => Ok(found.remove(0)),
        _ => {
            found.sort_by_key(|d| d.state.id);
            let list: Vec<String> = found
                .iter()
                .map(|d| format!("#{} {}", d.state.id, d.debtor.name))
                .collect();
            Err(UserError::usage(tf(
                "cli.ambiguous",
                &[("query", &key), ("list", &list.join(", "))],
            )))
        }
    }
}

fn item_from(args: &ItemArgs) -> Result<Item, UserError> {
    let issued = parse_date("--issued", &args.issued)?;
    let due = parse_date("--due", &args.due)?;
    if due < issued {
        return Err(UserError::usage(tf(
            "cli.due_before_issue",
            &[("due", &args.due), ("issued", &args.issued)],
        )));
    }
    if args.invoice.trim().is_empty() {
        return Err(UserError::usage(t("cli.empty_reference")));
    }
    Ok(Item {
        reference: args.invoice.trim().to_string(),
        issued,
        due,
        amount: parse_positive_amount("--amount", &args.amount)?,
        description: args.description.clone(),
        proof: args.proof.clone(),
    })
}

fn add(ctx: &Ctx, a: &AddArgs) -> Result<i32, UserError> {
    let item = item_from(&a.item)?;
    let kind = match &a.kind {
        Some(k) => DossierKind::parse(k).ok_or_else(|| {
            UserError::usage(tf(
                "cli.bad_choice",
                &[
                    ("field", &"--kind"),
                    ("value", k),
                    ("accepted", &"invoices, refund, rent"),
                ],
            ))
        })?,
        None => DossierKind::Invoices,
    };
    let profile = match a
        .profile
        .as_deref()
        .or(ctx.config.defaults.profile.as_deref())
    {
        Some(p) => Some(ProfileId::parse(p).ok_or_else(|| {
            UserError::usage(tf(
                "cli.bad_choice",
                &[
                    ("field", &"--profile"),
                    ("value", &p),
                    ("accepted", &"b2b, b2c, rent"),
                ],
            ))
        })?),
        None => None,
    };
    let jurisdiction = match &a.jurisdiction {
        Some(j) => Jurisdiction::parse(j).ok_or_else(|| {
            UserError::usage(tf(
                "cli.bad_choice",
                &[
                    ("field", &"--jurisdiction"),
                    ("value", j),
                    ("accepted", &"fr, be, nl"),
                ],
            ))
        })?,
        None => Jurisdiction::Fr,
    };
    let contractual_rate = match &a.rate {
        Some(r) => Some(checked_rate(ctx, r, item.due)?),
        None => None,
    };
    if let Some(t) = &a.terms {
        check_terms(t)?;
    }
    if a.debtor.trim().is_empty() {
        return Err(UserError::usage(t("cli.empty_debtor")));
    }
    let debtor_type = if a.b2c {
        DebtorType::B2c
    } else {
        DebtorType::B2b
    };
    let mut debtor = Debtor::new(0, a.debtor.trim(), debtor_type);
    debtor.address = a.address.clone();
    debtor.contact = a.contact.clone();
    debtor.email = a.email.clone();
    debtor.phone = a.phone.clone();
    debtor.customer_number = a.customer.clone();
    debtor.siren = a.siren.clone();
    let created = EventKind::Created {
        debtor: 0,
        kind,
        profile,
        jurisdiction,
        contractual_rate,
        refund_reason: a.refund_reason.clone(),
        terms: a.terms.clone(),
    };
    crate::domain::parse::check_dossier_text(&debtor, &item)?;
    crate::domain::parse::check_event_text(&created)?;
    let id = ctx.store.create(NewDossier {
        debtor,
        created,
        items: vec![item],
        date: ctx.today,
    })?;
    println!("{id}");
    eprintln!(
        "{}",
        tf("cli.added", &[("id", &id), ("debtor", &a.debtor.trim())])
    );
    Ok(exit::OK)
}

/// A contractual rate as typed, refused below 3 × the legal rate of any half-year from the
/// oldest due date to today (the law forbids it; a letter must never drop penalties silently).
fn checked_rate(ctx: &Ctx, input: &str, oldest_due: NaiveDate) -> Result<Decimal, UserError> {
    let rate = crate::domain::parse::parse_rate("--rate", input)?;
    crate::domain::money::check_contractual_rate_over(
        rate,
        &ctx.rules.rates,
        oldest_due,
        ctx.today,
    )
    .map_err(|e| match e {
        crate::domain::money::MoneyError::ContractualRateBelowFloor {
            rate,
            floor,
            half_year,
        } => UserError::refused(tf(
            "cli.rate_below_floor",
            &[
                ("rate", &crate::domain::money::format_rate(rate)),
                ("floor", &crate::domain::money::format_rate(floor)),
                ("half_year", &half_year),
            ],
        )),
        other => UserError::usage(other.to_string()),
    })?;
    Ok(rate)
}

/// Payment terms that move due dates must be understood, or they would silently not apply.
fn check_terms(terms: &str) -> Result<(), UserError> {
    if !terms.trim().is_empty() && crate::domain::money::PaymentTerms::parse(terms).is_none() {
        return Err(UserError::usage(tf(
            "cli.terms_not_understood",
            &[("value", &terms)],
        )));
    }
    Ok(())
}

/// The dossier's invoice named by `--invoice`, as recorded (the reference is matched without
/// regard to case or surrounding spaces).
fn invoice_of(d: &LoadedDossier, field: &str, value: &str) -> Result<String, UserError> {
    d.state
        .items
        .iter()
        .find(|i| i.reference.trim().eq_ignore_ascii_case(value.trim()))
        .map(|i| i.reference.clone())
        .ok_or_else(|| {
            let list: Vec<&str> = d.state.items.iter().map(|i| i.reference.as_str()).collect();
            UserError::usage(tf(
                "cli.unknown_invoice",
                &[
                    ("field", &field),
                    ("id", &d.state.id),
                    ("value", &value),
                    ("list", &list.join(", ")),
                ],
            ))
        })
}

/// `recouvre edit ID …`: corrected terms are journaled events, like everything else.
fn edit(ctx: &Ctx, a: &EditArgs) -> Result<i32, UserError> {
    let d = resolve(ctx, &a.id)?;
    let st = &d.state;
    let mut kinds = Vec::new();
    if a.rate.is_some() || a.no_rate || a.terms.is_some() || a.no_terms {
        let oldest_due = st
            .items
            .iter()
            .map(|i| st.due_of(i))
            .min()
            .unwrap_or(ctx.today);
        let contractual_rate = match (&a.rate, a.no_rate) {
            (Some(r), _) => Some(checked_rate(ctx, r, oldest_due)?),
            (None, true) => None,
            (None, false) => st.contractual_rate,
        };
        let terms = match (&a.terms, a.no_terms) {
            (Some(t), _) => {
                check_terms(t)?;
                Some(t.trim().to_string())
            }
            (None, true) => None,
            (None, false) => st.terms.clone(),
        };
        kinds.push(EventKind::TermsChanged {
            contractual_rate,
            terms,
        });
    }
    if let Some(v) = &a.collective_proceedings {
        let open = match v.trim().to_lowercase().as_str() {
            "yes" | "oui" | "y" | "o" | "true" => true,
            "no" | "non" | "n" | "false" => false,
            _ => {
                return Err(UserError::usage(tf(
                    "cli.bad_yes_no",
                    &[("field", &"--collective-proceedings"), ("value", v)],
                )))
            }
        };
        kinds.push(EventKind::CollectiveProceedings { open });
    }
    if kinds.is_empty() {
        return Err(UserError::usage(t("cli.edit_nothing")));
    }
    append(ctx, &d, ctx.today, kinds)
}

fn add_item(ctx: &Ctx, key: &str, args: &ItemArgs) -> Result<i32, UserError> {
    let item = item_from(args)?;
    let d = resolve(ctx, key)?;
    if d.state.items.iter().any(|i| i.reference == item.reference) {
        return Err(UserError::usage(tf(
            "cli.duplicate_item",
            &[("reference", &item.reference), ("id", &d.state.id)],
        )));
    }
    append(ctx, &d, ctx.today, vec![EventKind::ItemAdded(item)])
}

/// Writes events with the journal length we read, so a concurrent change is refused, not lost.
fn append(
    ctx: &Ctx,
    d: &LoadedDossier,
    date: NaiveDate,
    kinds: Vec<EventKind>,
) -> Result<i32, UserError> {
    for k in &kinds {
        crate::domain::parse::check_event_text(k)?;
    }
    match ctx
        .store
        .append(d.state.id, Some(d.state.journal_len), date, kinds)
    {
        Ok(events) => {
            for e in &events {
                println!(
                    "{}",
                    tf(
                        "cli.logged",
                        &[
                            ("what", &crate::present::describe_event(e)),
                            ("debtor", &d.debtor.name),
                            ("id", &d.state.id),
                        ]
                    )
                );
            }
            // The write is durable: from here on a failure is a warning, never an exit code
            // that would make a script retry and record the event twice.
            match ctx.store.load(d.state.id) {
                Ok(after) => {
                    let a = assess(
                        &after.state,
                        &after.debtor,
                        &ctx.config,
                        &ctx.rules,
                        ctx.today,
                    );
                    println!("{}", output::stage_and_next_line(&a));
                }
                Err(e) => eprintln!(
                    "recouvre: {}",
                    tf("journal_copy.summary_failed", &[("reason", &e)])
                ),
            }
            Ok(exit::OK)
        }
        Err(StoreError::Stale { newer, .. }) => Err(UserError {
            code: exit::STORAGE,
            message: crate::storage::live::stale_message(&newer),
        }),
        Err(e) => Err(e.into()),
    }
}

/// `--deadline-days` within [`DEADLINE_DAYS`](crate::domain::money::deadline::DEADLINE_DAYS).
fn check_deadline_days(days: Option<i64>) -> Result<(), UserError> {
    use crate::domain::money::deadline::DEADLINE_DAYS;
    match days {
        Some(n) if !DEADLINE_DAYS.contains(&n) => Err(UserError::usage(tf(
            "cli.bad_deadline",
            &[
                ("value", &n),
                ("min", DEADLINE_DAYS.start()),
                ("max", DEADLINE_DAYS.end()),
            ],
        ))),
        _ => Ok(()),
    }
}

fn bad_choice(field: &str, value: &str, accepted: &str) -> UserError {
    UserError::usage(tf(
        "cli.bad_choice",
        &[
            ("field", &field),
            ("value", &value),
            ("accepted", &accepted),
        ],
    ))
}

fn log(ctx: &Ctx, key: &str, date: Option<&str>, ev: &LogEvent) -> Result<i32, UserError> {
    let date = match date {
        Some(s) => crate::domain::day::parse_day(
            "--date",
            s,
            ctx.today,
            crate::domain::day::Nearest::Past,
        )?,
        None => ctx.today,
    };
    // An event has happened: a payment dated next year would lower today's balance.
    if date > ctx.today {
        return Err(UserError::usage(tf(
            "tui.error.future_date",
            &[
                ("field", &"--date"),
                ("today", &crate::i18n::date(ctx.today)),
            ],
        )));
    }
    // Validate the typed values before touching the database.
    let kind = match ev {
        LogEvent::Payment {
            amount, reference, ..
        } => EventKind::PaymentReceived {
            amount: parse_positive_amount("--amount", amount)?,
            reference: reference.clone(),
            // Checked against the dossier once it is loaded.
            invoice: None,
        },
        LogEvent::Promise { amount, until } => EventKind::PromiseToPay {
            amount: parse_positive_amount("--amount", amount)?,
            until: parse_date("--until", until)?,
        },
        LogEvent::Plan { instalments } => {
            let mut list = Vec::new();
            for spec in instalments {
                let (d, a) = spec.split_once('=').ok_or_else(|| {
                    UserError::usage(tf("cli.bad_instalment", &[("value", spec)]))
                })?;
                list.push(Instalment {
                    due: parse_date("--instalment", d)?,
                    amount: parse_positive_amount("--instalment", a)?,
                });
            }
            list.sort_by_key(|i| i.due);
            EventKind::PaymentPlanAgreed { instalments: list }
        }
        LogEvent::Cost { label, amount } => EventKind::CostIncurred {
            label: label.clone(),
            amount: parse_positive_amount("--amount", amount)?,
        },
        LogEvent::CreditNote {
            reference, amount, ..
        } => EventKind::CreditNote {
            reference: reference.clone(),
            amount: parse_positive_amount("--amount", amount)?,
            invoice: None,
        },
        LogEvent::Waive { reason } => EventKind::Waived {
            reason: reason.join(" "),
        },
        LogEvent::Contestation {
            reason,
            text,
            review,
        } => EventKind::ContestationReceived {
            reason: reason.clone(),
            text: text.clone().unwrap_or_default(),
            review: review
                .as_deref()
                .map(|r| parse_date("--review", r))
                .transpose()?,
        },
        LogEvent::Resolve { outcome, note } => EventKind::ContestationResolved {
            outcome: ContestationOutcome::parse(outcome)
                .ok_or_else(|| bad_choice("outcome", outcome, "upheld, rejected, settled"))?,
            note: note.clone().unwrap_or_default(),
        },
        LogEvent::Note { text } => EventKind::Note {
            kind: NoteKind::Note,
            text: text.join(" "),
        },
        LogEvent::Call { text } => EventKind::Note {
            kind: NoteKind::PhoneCall,
            text: text.join(" "),
        },
        LogEvent::Acknowledgment { text } => EventKind::DebtAcknowledged {
            text: text.join(" "),
        },
        LogEvent::Ar { tracking } => EventKind::AcknowledgementReceived {
            tracking: tracking.clone(),
        },
        LogEvent::Handover { to, name } => EventKind::HandedOver {
            to: match to.as_str() {
                "enforcement" | "execution" | "exécution" => HandOver::Enforcement,
                "agency" | "agence" => HandOver::Agency,
                other => return Err(bad_choice("handover", other, "enforcement, agency")),
            },
            name: name.clone(),
        },
        LogEvent::Assign { user } => EventKind::Assigned { to: user.clone() },
        LogEvent::Close { reason } => EventKind::Closed {
            reason: match reason.as_str() {
                "paid" | "solde" | "soldé" => CloseReason::Paid,
                "written-off" | "written_off" | "perte" => CloseReason::WrittenOff,
                other => return Err(bad_choice("reason", other, "paid, written-off")),
            },
        },
        LogEvent::Reopen => EventKind::Reopened,
        // These depend on the dossier's current state.
        LogEvent::Relance { .. } | LogEvent::Notice { .. } | LogEvent::Injonction { .. } => {
            EventKind::Reopened
        }
    };
    let d = resolve(ctx, key)?;
    let st = &d.state;
    let closed_ok = matches!(
        ev,
        LogEvent::Reopen | LogEvent::Note { .. } | LogEvent::Call { .. } | LogEvent::Payment { .. }
    );
    if st.closed.is_some() && !closed_ok {
        return Err(UserError::usage(tf("cli.closed", &[("id", &st.id)])));
    }
    let kind = match ev {
        LogEvent::Relance {
            channel,
            level,
            force,
        } => {
            // The dossier's schedule says which reminder comes next; --level chooses another.
            let next =
                crate::domain::schedule::next_reminder_level(st, d.debtor.debtor_type, &ctx.config);
            let level = level.or(next).unwrap_or(4);
            if !(1..=3).contains(&level) {
                return Err(UserError::usage(tf("cli.relance_max", &[("id", &st.id)])));
            }
            let channel = match channel {
                Some(c) => Some(Channel::parse(c).ok_or_else(|| {
                    bad_choice(
                        "--channel",
                        c,
                        "email, letter, lrar, phone, commissaire, avocat",
                    )
                })?),
                None => None,
            };
            let step = match level {
                1 => crate::domain::letters::LetterStep::Relance1,
                2 => crate::domain::letters::LetterStep::Relance2,
                _ => crate::domain::letters::LetterStep::Relance3,
            };
            let composed = compose_letter(
                ctx,
                &d,
                date,
                &crate::domain::letters::ComposeChoices {
                    step: Some(step),
                    channel,
                    ..Default::default()
                },
            )?;
            let overrides = preflight_or_refuse(ctx, &d, date, &composed, *force)?;
            EventKind::RelanceSent {
                level,
                channel: composed.channel,
                letter: Some(composed.text),
                overrides,
            }
        }
        LogEvent::Notice {
            channel,
            deadline_days,
            tracking,
            force,
        } => {
            let channel = Channel::parse(channel)
                .filter(|c| c.is_formal())
                .ok_or_else(|| bad_choice("--channel", channel, "lrar, commissaire, avocat"))?;
            check_deadline_days(*deadline_days)?;
            // The letter states the deadline the journal records: the period runs from receipt
            // (next working day unless an AR says otherwise).
            let composed = compose_letter(
                ctx,
                &d,
                date,
                &crate::domain::letters::ComposeChoices {
                    step: Some(crate::domain::letters::notice_step(
                        st,
                        d.debtor.debtor_type,
                    )),
                    channel: Some(channel),
                    deadline_days: *deadline_days,
                    tracking: tracking.clone(),
                },
            )?;
            let advice = composed.deadline.clone().unwrap_or_else(|| {
                crate::domain::money::notice_deadline(
                    date,
                    None,
                    *deadline_days,
                    channel,
                    d.debtor.debtor_type,
                    st.jurisdiction,
                    &ctx.rules.deadlines,
                )
            });
            for w in &advice.warnings {
                eprintln!("recouvre: {}", w.message());
            }
            // Certaine, liquide, exigible, the mentions, placeholders, disputes…: refused unless
            // explicitly overridden, and then recorded.
            let overrides = preflight_or_refuse(ctx, &d, date, &composed, *force)?;
            if composed.step == crate::domain::letters::LetterStep::LastNoticeNlBe {
                let costs = composed.stated_costs;
                EventKind::LastNoticeSent {
                    channel,
                    deadline: advice.deadline,
                    costs,
                    letter: Some(composed.text),
                    overrides,
                }
            } else {
                EventKind::NoticeSent {
                    channel,
                    deadline: advice.deadline,
                    tracking: tracking.clone(),
                    letter: Some(composed.text),
                    overrides,
                }
            }
        }
        LogEvent::Injonction { step, note } => {
            let step = match step {
                Some(s) => InjonctionStep::parse(s).ok_or_else(|| {
                    bad_choice(
                        "STEP",
                        s,
                        "request_filed, order_issued, served, opposition, enforceable",
                    )
                })?,
                None => match st.injonction {
                    None => InjonctionStep::RequestFiled,
                    Some((cur, _)) => cur.next().ok_or_else(|| {
                        UserError::usage(tf("cli.injonction_done", &[("id", &st.id)]))
                    })?,
                },
            };
            EventKind::Injonction {
                step,
                note: note.clone(),
            }
        }
        LogEvent::Payment {
            invoice: Some(i), ..
        } => {
            let invoice = invoice_of(&d, "--invoice", i)?;
            match kind {
                EventKind::PaymentReceived {
                    amount, reference, ..
                } => EventKind::PaymentReceived {
                    amount,
                    reference,
                    invoice: Some(invoice),
                },
                other => other,
            }
        }
        LogEvent::CreditNote { invoice, .. } => {
            let invoice = match (invoice, st.items.as_slice()) {
                (Some(i), _) => invoice_of(&d, "--invoice", i)?,
                (None, [one]) => one.reference.clone(),
                (None, items) => {
                    let list: Vec<&str> = items.iter().map(|i| i.reference.as_str()).collect();
                    return Err(UserError::usage(tf(
                        "cli.credit_note_needs_invoice",
                        &[("id", &st.id), ("list", &list.join(", "))],
                    )));
                }
            };
            match kind {
                EventKind::CreditNote {
                    reference, amount, ..
                } => EventKind::CreditNote {
                    reference,
                    amount,
                    invoice: Some(invoice),
                },
                other => other,
            }
        }
        LogEvent::Waive { .. } => {
            let a = assess(st, &d.debtor, &ctx.config, &ctx.rules, date);
            let c = &a.claim;
            if (c.penalties + c.interest + c.indemnities + c.costs).is_zero() {
                return Err(UserError::usage(tf(
                    "cli.nothing_to_waive",
                    &[("id", &st.id)],
                )));
            }
            kind
        }
        LogEvent::Close { .. }
            if matches!(
                kind,
                EventKind::Closed {
                    reason: CloseReason::Paid
                }
            ) =>
        {
            // Paid means nothing is owed: principal, penalties, indemnities and costs.
            let a = assess(st, &d.debtor, &ctx.config, &ctx.rules, date);
            if !a.claim.settled() {
                return Err(UserError::refused(tf(
                    "cli.close_paid_owed",
                    &[
                        ("id", &st.id),
                        (
                            "total",
                            &crate::i18n::money(a.claim.total_due + a.claim.not_yet_due),
                        ),
                        ("detail", &output::amounts_line(&a, date)),
                    ],
                )));
            }
            kind
        }
        LogEvent::Payment { .. } => {
            if let EventKind::PaymentReceived { amount, .. } = &kind {
                let owed = assess(st, &d.debtor, &ctx.config, &ctx.rules, date)
                    .claim
                    .total_due;
                if *amount > owed && owed > Decimal::ZERO {
                    eprintln!(
                        "recouvre: {}",
                        tf(
                            "cli.overpayment",
                            &[
                                ("amount", &crate::i18n::money(*amount)),
                                ("balance", &crate::i18n::money(owed))
                            ]
                        )
                    );
                }
            }
            kind
        }
        _ => kind,
    };
    append(ctx, &d, date, vec![kind])
}

fn undo(ctx: &Ctx, key: &str) -> Result<i32, UserError> {
    let d = resolve(ctx, key)?;
    let cancelled: std::collections::HashSet<u32> = d.state.cancelled.iter().copied().collect();
    let target = d
        .events
        .iter()
        .rev()
        .find(|e| {
            e.seq != 0 && !cancelled.contains(&e.seq) && !matches!(e.kind, EventKind::Cancel { .. })
        })
        .ok_or_else(|| UserError::usage(tf("cli.nothing_to_undo", &[("id", &d.state.id)])))?;
    println!(
        "{}",
        tf(
            "cli.undoing",
            &[
                ("what", &crate::present::describe_event(target)),
                ("seq", &target.seq)
            ]
        )
    );
    append(
        ctx,
        &d,
        ctx.today,
        vec![EventKind::Cancel { target: target.seq }],
    )
}

fn templates(ctx: &Ctx) -> Result<crate::domain::letters::Templates, UserError> {
    Ok(crate::config::Config::templates(&ctx.config_dir)?)
}

/// The preflight of a letter about to be logged: refused (exit 5, every reason listed) unless
/// `force`; forced, the overridden slugs are returned for the event and said on stderr.
fn preflight_or_refuse(
    ctx: &Ctx,
    d: &LoadedDossier,
    date: NaiveDate,
    composed: &crate::domain::letters::Composed,
    force: bool,
) -> Result<Vec<String>, UserError> {
    use crate::domain::letters::preflight;
    let assessment = assess(&d.state, &d.debtor, &ctx.config, &ctx.rules, date);
    let blockers = preflight::preflight(&preflight::Preflight {
        state: &d.state,
        assessment: &assessment,
        step: composed.step,
        channel: composed.channel,
        text: &composed.text,
        context: &composed.context,
    });
    if blockers.is_empty() {
        return Ok(vec![]);
    }
    let list: Vec<String> = blockers
        .iter()
        .map(|b| format!("\n  - {} [{}]", b.message, b.slug))
        .collect();
    if !force {
        return Err(UserError::refused(tf(
            "cli.preflight_refused",
            &[("problems", &list.concat())],
        )));
    }
    eprintln!(
        "recouvre: {}",
        tf("cli.preflight_forced", &[("problems", &list.concat())])
    );
    Ok(preflight::slugs(&blockers))
}

/// Composes the letter for a step at `date`, naming the template on error.
fn compose_letter(
    ctx: &Ctx,
    d: &LoadedDossier,
    date: NaiveDate,
    choices: &crate::domain::letters::ComposeChoices,
) -> Result<crate::domain::letters::Composed, UserError> {
    super::shell::warn_config(ctx);
    let templates = templates(ctx)?;
    let composed = crate::domain::letters::compose(
        &d.state,
        &d.events,
        &d.debtor,
        &ctx.rules,
        &ctx.config,
        &templates,
        date,
        choices,
    )
    .map_err(|e| UserError::usage(e.to_string()))?;
    // The engine's notes, once (the provisional-figures one among them, only when the letter
    // states a rate-based amount).
    for w in &composed.context.warnings {
        eprintln!("recouvre: {w}");
    }
    if let Some(e) = &composed.money_error {
        eprintln!("recouvre: {}", tf("cli.amounts_error", &[("reason", e)]));
    }
    Ok(composed)
}

fn letter(ctx: &Ctx, a: &LetterArgs) -> Result<i32, UserError> {
    use crate::domain::letters::{ComposeChoices, LetterStep};
    if a.list {
        for info in templates(ctx)?.list() {
            let label = info
                .step
                .map(|s| s.label().to_string())
                .unwrap_or_else(|| t("cli.letter_part").to_string());
            println!(
                "{}  {}  {}",
                super::output::pad(&info.file_name, 40),
                super::output::pad(&label, 44),
                info.origin.label()
            );
        }
        return Ok(exit::OK);
    }
    let key = a.id.as_deref().unwrap_or_default();
    let d = resolve(ctx, key)?;
    let text = if a.next {
        let step = match &a.step {
            Some(s) => Some(LetterStep::parse(s).ok_or_else(|| {
                let all: Vec<&str> = LetterStep::ALL.iter().map(|s| s.slug()).collect();
                bad_choice("--step", s, &all.join(", "))
            })?),
            None => None,
        };
        let channel = match &a.channel {
            Some(c) => Some(Channel::parse(c).ok_or_else(|| {
                bad_choice(
                    "--channel",
                    c,
                    "email, letter, lrar, phone, commissaire, avocat",
                )
            })?),
            None => None,
        };
        check_deadline_days(a.deadline_days)?;
        let composed = compose_letter(
            ctx,
            &d,
            ctx.today,
            &ComposeChoices {
                step,
                channel,
                deadline_days: a.deadline_days,
                tracking: None,
            },
        )?;
        composed.text
    } else {
        // The kept copy: the given event, else the latest event that carries a letter.
        let ev = match a.event {
            Some(n) => d.events.iter().find(|e| e.seq == n).ok_or_else(|| {
                UserError::usage(tf("cli.no_event", &[("seq", &n), ("id", &d.state.id)]))
            })?,
            None => d
                .events
                .iter()
                .rev()
                .find(|e| e.kind.letter().is_some())
                .ok_or_else(|| UserError {
                    code: exit::NO_MATCH,
                    message: tf("cli.no_letter", &[("id", &d.state.id)]),
                })?,
        };
        ev.kind
            .letter()
            .ok_or_else(|| UserError::usage(tf("cli.event_without_letter", &[("seq", &ev.seq)])))?
            .to_string()
    };
    match &a.out {
        Some(path) => {
            std::fs::write(path, &text).map_err(|e| UserError {
                code: exit::STORAGE,
                message: tf(
                    "cli.write_failed",
                    &[("path", &path.display()), ("reason", &e)],
                ),
            })?;
            eprintln!("{}", tf("cli.letter_written", &[("path", &path.display())]));
        }
        None => print!("{text}"),
    }
    Ok(exit::OK)
}

/// The main job: the full-screen daily review (or the overview when not on a terminal).
fn tui(ctx: &Ctx) -> Result<i32, UserError> {
    use std::io::IsTerminal;
    if !std::io::stdout().is_terminal() || !std::io::stdin().is_terminal() {
        return output::print_overview(
            ctx,
            &StatusArgs {
                query: None,
                stage: None,
                overdue: false,
                closed: false,
                json: false,
                format: None,
                quiet: false,
                mine: false,
            },
        );
    }
    let mut ui = ctx.config.ui.clone();
    if ui.keymap_file.is_none() {
        let user_keys = ctx.config_dir.join("keymap.toml");
        if user_keys.is_file() {
            ui.keymap_file = Some(user_keys);
        }
    }
    crate::tui::run(ctx.store.clone(), ui, ctx.today, letter_env(ctx)?).map_err(|e| UserError {
        code: exit::STORAGE,
        message: format!("{e:#}"),
    })?;
    Ok(exit::OK)
}

/// Rules, templates (with the user's overrides) and profiles for the TUI's letters and figures.
fn letter_env(ctx: &Ctx) -> Result<crate::app::editor::LetterEnv, UserError> {
    Ok(crate::app::editor::LetterEnv {
        rules: ctx.rules.clone(),
        templates: templates(ctx)?,
        profiles: ctx.config.clone(),
    })
}

/// Renders the standard screens of a fresh demo database into `out` (SVG and text).
fn screenshots(
    ctx: &Ctx,
    out: &std::path::Path,
    width: u16,
    height: u16,
) -> Result<i32, UserError> {
    use crate::app::Action;
    let io = |e: std::io::Error| UserError {
        code: exit::STORAGE,
        message: tf(
            "cli.write_failed",
            &[("path", &out.display()), ("reason", &e)],
        ),
    };
    let tmp = std::env::temp_dir().join(format!("recouvre-screenshots-{}", std::process::id()));
    let _ = std::fs::remove_dir_all(&tmp);
    let store = crate::storage::Store::new(&tmp, crate::storage::StoreOptions::default());
    store.init()?;
    crate::demo::populate(&store, ctx.today)?;
    let ui = crate::tui::UiConfig::default();
    let mut state = crate::tui::initial_state(&ui, ctx.today)
        .map_err(|e| UserError::usage(format!("{e:#}")))?;
    state.env = std::sync::Arc::new(letter_env(ctx)?);
    // Fixed colours: the pictures must not depend on the terminal that made them.
    state.theme = crate::ui::theme::Theme::new(crate::ui::theme::Palette::Sixteen);
    crate::app::update(
        &mut state,
        Action::Loaded(store.load_all().map_err(|e| e.to_string())),
    );
    let written = crate::ui::screenshot::write_screens(out, &state, width, height).map_err(io)?;
    let _ = std::fs::remove_dir_all(&tmp);
    for p in written {
        println!("{}", p.display());
    }
    Ok(exit::OK)
}
