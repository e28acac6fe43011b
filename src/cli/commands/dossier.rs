//! Dossiers: finding one from the command line, `add`, `add-item`, `edit`, and the checked
//! append every journal-writing command ends with.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::cli::args::*;
use crate::cli::output;
use crate::cli::{exit, Ctx, UserError};
use crate::domain::assess::assess;
use crate::domain::event::*;
use crate::domain::model::*;
use crate::domain::parse::{parse_date, parse_positive_amount};
use crate::domain::summary::matches;
use crate::i18n::{t, tf};
use crate::model::{LoadedDossier, NewDossier};
use crate::storage::StoreError;

/// Finds a dossier from an id (`12`, `#12`) or a text query that matches exactly one dossier.
///
/// A bare number is an id and nothing else: an unknown id is "no such dossier", never a text
/// search (`log 12 payment` must not land on the dossier whose invoice is F-2026-012). A text
/// query matching several dossiers is refused with the list, open or closed alike.
pub fn resolve(ctx: &Ctx, key: &str) -> Result<LoadedDossier, UserError> {
    resolve_then_find(ctx, key, |_| None).map(|(d, _)| d)
}

/// [`resolve`], and in the same open of the database as the dossier's own read, the dossiers of
/// the query `then` asks for on seeing it (see `Store::load_then_find`).
pub fn resolve_then_find(
    ctx: &Ctx,
    key: &str,
    then: impl FnOnce(&LoadedDossier) -> Option<crate::domain::summary::Query>,
) -> Result<(LoadedDossier, Option<crate::model::Snapshot>), UserError> {
    let trimmed = key.trim();
    let digits = trimmed.strip_prefix('#').unwrap_or(trimmed).trim();
    if !digits.is_empty() && digits.bytes().all(|b| b.is_ascii_digit()) {
        let unknown = || UserError {
            code: exit::NO_MATCH,
            message: tf("cli.no_such_id", &[("id", &digits)]),
        };
        let id = digits.parse::<u64>().map_err(|_| unknown())?;
        return match ctx.store.load_then_find(id, then) {
            Ok(found) => Ok(found),
            Err(StoreError::UnknownDossier(_)) => Err(unknown()),
            Err(e) => Err(e.into()),
        };
    }
    let no_match = || UserError {
        code: exit::NO_MATCH,
        message: tf("cli.no_dossier", &[("query", &key)]),
    };
    // One dossier found: loaded in the same open of the database as the search.
    let query = crate::domain::summary::Query::new(key);
    let (snap, then) = match ctx.store.designate(&query, then)? {
        crate::storage::store::Designated::One(d, found) => {
            return if matches(key, &d.state, &d.debtor) {
                Ok((*d, found))
            } else {
                Err(no_match())
            };
        }
        crate::storage::store::Designated::Candidates(snap, then) => (snap, then),
    };
    let mut found: Vec<LoadedDossier> = snap
        .dossiers
        .into_iter()
        .filter(|d| matches(key, &d.state, &d.debtor))
        .collect();
    match found.len() {
        0 => Err(no_match()),
        // The digest has no letter bodies; the command gets the whole journal.
        1 => {
            let then = then.unwrap_or_else(|| Box::new(|_: &LoadedDossier| None));
            Ok(ctx.store.load_then_find(found.remove(0).state.id, then)?)
        }
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

pub(super) fn item_from(args: &ItemArgs) -> Result<Item, UserError> {
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

pub(super) fn add(ctx: &Ctx, a: &AddArgs) -> Result<i32, UserError> {
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
pub(super) fn checked_rate(
    ctx: &Ctx,
    input: &str,
    oldest_due: NaiveDate,
) -> Result<Decimal, UserError> {
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
                ("rate", &crate::i18n::format_rate(rate)),
                ("floor", &crate::i18n::format_rate(floor)),
                ("half_year", &half_year),
            ],
        )),
        other => UserError::usage(other.to_string()),
    })?;
    Ok(rate)
}

/// Payment terms that move due dates must be understood, or they would silently not apply.
pub(super) fn check_terms(terms: &str) -> Result<(), UserError> {
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
pub(super) fn invoice_of(d: &LoadedDossier, field: &str, value: &str) -> Result<String, UserError> {
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

/// The invoice `--invoice` names, else the dossier's only one; with several and none named, the
/// message `which` lists them.
pub(super) fn named_or_only_invoice(
    d: &LoadedDossier,
    named: Option<&str>,
    which: &str,
) -> Result<String, UserError> {
    match (named, d.state.items.as_slice()) {
        (Some(i), _) => invoice_of(d, "--invoice", i),
        (None, [only]) => Ok(only.reference.clone()),
        (None, items) => {
            let list: Vec<&str> = items.iter().map(|i| i.reference.as_str()).collect();
            Err(UserError::usage(tf(
                which,
                &[("id", &d.state.id), ("list", &list.join(", "))],
            )))
        }
    }
}

/// `recouvre edit ID …`: corrected terms are journaled events, like everything else.
pub(super) fn edit(ctx: &Ctx, a: &EditArgs) -> Result<i32, UserError> {
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
    if let Some(proof) = &a.proof {
        if proof.trim().is_empty() {
            return Err(UserError::usage(t("cli.empty_proof")));
        }
        let invoice = named_or_only_invoice(&d, a.invoice.as_deref(), "cli.edit_proof_which")?;
        kinds.push(EventKind::ProofRecorded {
            invoice,
            proof: proof.trim().to_string(),
        });
    }
    if kinds.is_empty() {
        return Err(UserError::usage(t("cli.edit_nothing")));
    }
    append(ctx, &d, ctx.today, kinds)
}

pub(super) fn add_item(ctx: &Ctx, key: &str, args: &ItemArgs) -> Result<i32, UserError> {
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

/// One "logged" line per event written.
pub(super) fn print_logged(events: &[crate::domain::event::Event], debtor: &str, id: u64) {
    for e in events {
        println!(
            "{}",
            tf(
                "cli.logged",
                &[
                    ("what", &crate::present::describe_event(e)),
                    ("debtor", &debtor),
                    ("id", &id),
                ]
            )
        );
    }
}

/// Writes events with the journal length we read, so a concurrent change is refused, not lost.
pub(super) fn append(
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
            print_logged(&events, &d.debtor.name, d.state.id);
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
pub(super) fn check_deadline_days(days: Option<i64>) -> Result<(), UserError> {
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

pub(super) fn bad_choice(field: &str, value: &str, accepted: &str) -> UserError {
    UserError::usage(tf(
        "cli.bad_choice",
        &[
            ("field", &field),
            ("value", &value),
            ("accepted", &accepted),
        ],
    ))
}
