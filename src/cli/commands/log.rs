//! `recouvre log` (one journal event per subcommand) and `recouvre undo`.

use rust_decimal::Decimal;

use super::dossier::{
    append, bad_choice, check_deadline_days, invoice_of, named_or_only_invoice, resolve,
};
use super::letter::{compose_letter, preflight_or_refuse};
use crate::cli::args::*;
use crate::cli::output;
use crate::cli::{Ctx, UserError};
use crate::domain::assess::assess;
use crate::domain::event::*;
use crate::domain::parse::{parse_date, parse_positive_amount};
use crate::i18n::tf;

pub(super) fn log(
    ctx: &Ctx,
    key: &str,
    date: Option<&str>,
    ev: &LogEvent,
) -> Result<i32, UserError> {
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
            send,
            dry_run,
            resend,
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
                // Sending by e-mail means the e-mail channel.
                None if *send || *dry_run => Some(Channel::Email),
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
            if *send || *dry_run {
                let flags = super::email::SendFlags {
                    dry_run: *dry_run,
                    resend: *resend,
                };
                return super::email::send_relance(
                    ctx, &d, date, level, composed, overrides, flags,
                );
            }
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
            let invoice =
                named_or_only_invoice(&d, invoice.as_deref(), "cli.credit_note_needs_invoice")?;
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

pub(super) fn undo(ctx: &Ctx, key: &str) -> Result<i32, UserError> {
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
