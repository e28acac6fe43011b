//! The forms opened on a dossier (and the one that creates a dossier): each form's builder and
//! the check that turns it into a journal write, side by side. The letter's send form lives with
//! the sending (`send.rs`), which needs the letter as well as the form.

use chrono::NaiveDate;

use crate::app::action::Effect;
use crate::app::describe::step_label;
use crate::app::entry::Whole;
use crate::app::form::{Choice, Field, Form, FormKind, Target};
use crate::app::state::*;
use crate::domain::day::Nearest;
use crate::domain::event::{EventKind, InjonctionStep, NoteKind};
use crate::domain::model::{Debtor, DebtorType, DossierKind, Item, Jurisdiction};
use crate::domain::parse::parse_positive_amount;
use crate::i18n::{date, money, t, tf};
use crate::model::NewDossier;

fn target(e: &Entry, w: &Whole) -> Target {
    Target {
        id: e.id(),
        expected_len: e.journal_len,
        debtor: e.debtor().to_string(),
        balance: w.assessment.claim.total_due + w.assessment.claim.not_yet_due,
    }
}

/// Checks every field (all errors at once, not one per submit) and builds the write.
pub fn validate(form: &mut Form, today: NaiveDate) -> Option<Effect> {
    for f in &mut form.fields {
        f.error = None;
    }
    if !form.refuse_control_chars() {
        return None;
    }
    match form.kind {
        // Built by the editor from its letter, not from the form alone.
        FormKind::SendLetter => None,
        // Read and planned by the runtime first (`update::import`).
        FormKind::Import => None,
        FormKind::Payment => validate_payment(form, today),
        FormKind::Contestation => validate_contestation(form, today),
        FormKind::Resolve => validate_resolve(form, today),
        FormKind::Injonction(step) => validate_injonction(form, today, step),
        FormKind::Note => validate_note(form, today),
        FormKind::Proof => validate_proof(form, today),
        FormKind::AddDossier => validate_add_dossier(form, today),
    }
}

/// A journal write on the form's dossier, against the journal length the user saw.
fn append(t: &Target, date: NaiveDate, kinds: Vec<EventKind>, done: String) -> Effect {
    Effect::Append {
        id: t.id,
        expected_len: t.expected_len,
        date,
        kinds,
        done,
    }
}

// Field readers: each marks its field in error and returns None, so that every error of a
// form shows at once.

fn required(form: &mut Form, id: &str) -> Option<String> {
    let v = form.field(id).map(|f| f.value()).unwrap_or_default();
    if v.trim().is_empty() {
        let label = form.field(id).map(|f| f.label.clone()).unwrap_or_default();
        form.set_error(id, tf("tui.error.required", &[("field", &label)]));
        None
    } else {
        Some(v.trim().to_string())
    }
}

fn date_field(form: &mut Form, id: &str, today: NaiveDate, nearest: Nearest) -> Option<NaiveDate> {
    let f = form.field(id)?;
    let (label, value) = (f.label.clone(), f.value());
    // "hier", "31/12": the nearest past day for what happened, the nearest day to come for a
    // review, the closest for a due date.
    match crate::domain::day::parse_day(&label, &value, today, nearest) {
        Ok(d) if nearest == Nearest::Past && d > today => {
            form.set_error(
                id,
                tf(
                    "tui.error.future_date",
                    &[("field", &label), ("today", &date(today))],
                ),
            );
            None
        }
        Ok(d) => Some(d),
        Err(e) => {
            form.set_error(id, e.to_string());
            None
        }
    }
}

fn amount_field(form: &mut Form, id: &str) -> Option<rust_decimal::Decimal> {
    let f = form.field(id)?;
    let (label, value) = (f.label.clone(), f.value());
    match parse_positive_amount(&label, &value) {
        Ok(a) => Some(a),
        Err(e) => {
            form.set_error(id, e.to_string());
            None
        }
    }
}

pub fn optional(form: &Form, id: &str) -> Option<String> {
    form.field(id)
        .map(|f| f.value().trim().to_string())
        .filter(|s| !s.is_empty())
}

// Payment: what the payment leaves due is said in the confirmation.

pub fn payment_form(e: &Entry, w: &Whole, today: NaiveDate) -> Form {
    // The debtor may say which invoice the payment is for (art. 1342-10 Code civil); otherwise
    // the statutory imputation applies.
    let invoices = std::iter::once(Choice {
        label: t("tui.field.payment_invoice_none").to_string(),
        value: String::new(),
    })
    .chain(w.assessment.claim.open_items().map(|i| Choice {
        label: format!("{} ({})", i.reference, money(i.open)),
        value: i.reference.clone(),
    }))
    .collect();
    Form {
        notes: vec![],
        kind: FormKind::Payment,
        title: tf("tui.form.payment_title", &[("debtor", &e.debtor())]),
        target: Some(target(e, w)),
        fields: vec![
            Field::line("amount", t("tui.field.amount").into(), ""),
            Field::line("date", t("tui.field.payment_date").into(), &date(today)),
            Field::line("reference", t("tui.field.payment_reference").into(), ""),
            Field::choice(
                "invoice",
                t("tui.field.payment_invoice").into(),
                invoices,
                0,
            ),
        ],
        focus: 0,
    }
}

fn validate_payment(form: &mut Form, today: NaiveDate) -> Option<Effect> {
    let amount = amount_field(form, "amount");
    let day = date_field(form, "date", today, Nearest::Past);
    let (amount, day) = (amount?, day?);
    let t = form.target.clone()?;
    let rest = t.balance - amount;
    let mut done = tf(
        "tui.done.payment",
        &[("amount", &money(amount)), ("debtor", &t.debtor)],
    );
    // What the payment leaves is the next thing the user wants to know.
    done.push(' ');
    done.push_str(&if rest > rust_decimal::Decimal::ZERO {
        tf("tui.done.payment_rest", &[("amount", &money(rest))])
    } else {
        crate::i18n::t("tui.done.payment_settled").to_string()
    });
    let reference = optional(form, "reference");
    Some(append(
        &t,
        day,
        vec![EventKind::PaymentReceived {
            amount,
            reference,
            invoice: optional(form, "invoice"),
        }],
        done,
    ))
}

// Contestation: the debtor disputes the claim; the review date says when to look again.

const CONTESTATION_REASONS: [&str; 5] = ["quality", "delivery", "amount", "already_paid", "other"];

pub fn contestation_form(e: &Entry, w: &Whole) -> Form {
    let reasons = CONTESTATION_REASONS
        .iter()
        .map(|r| Choice {
            label: t(&format!("tui.reason.{r}")).to_string(),
            value: r.to_string(),
        })
        .collect();
    Form {
        notes: vec![],
        kind: FormKind::Contestation,
        title: tf("tui.form.contestation_title", &[("debtor", &e.debtor())]),
        target: Some(target(e, w)),
        fields: vec![
            Field::choice("reason", t("tui.field.reason").into(), reasons, 0),
            Field::text("text", t("tui.field.contestation_text").into()),
            Field::line("review", t("tui.field.review_date").into(), ""),
        ],
        focus: 0,
    }
}

fn validate_contestation(form: &mut Form, today: NaiveDate) -> Option<Effect> {
    let text = required(form, "text");
    let review = match optional(form, "review") {
        None => Some(None),
        Some(_) => date_field(form, "review", today, Nearest::Future).map(Some),
    };
    let (text, review) = (text?, review?);
    if let Some(r) = review {
        if r < today {
            form.set_error(
                "review",
                tf("tui.error.past_date", &[("today", &date(today))]),
            );
            return None;
        }
    }
    let reason_slug = form.field("reason")?.value();
    let reason = t(&format!("tui.reason.{reason_slug}")).to_string();
    let t = form.target.clone()?;
    let done = tf("tui.done.contestation", &[("debtor", &t.debtor)]);
    Some(append(
        &t,
        today,
        vec![EventKind::ContestationReceived {
            reason,
            text,
            review,
        }],
        done,
    ))
}

// Resolve: how an open dispute ended (the contestation key on a disputed dossier).

const OUTCOMES: [crate::domain::event::ContestationOutcome; 3] = [
    crate::domain::event::ContestationOutcome::Rejected,
    crate::domain::event::ContestationOutcome::Settled,
    crate::domain::event::ContestationOutcome::Upheld,
];

pub fn resolve_form(e: &Entry, w: &Whole) -> Form {
    let options = OUTCOMES
        .iter()
        .map(|o| Choice {
            label: crate::present::outcome_label(*o),
            value: o.slug().to_string(),
        })
        .collect();
    Form {
        notes: vec![],
        kind: FormKind::Resolve,
        title: tf("tui.form.resolve_title", &[("debtor", &e.debtor())]),
        target: Some(target(e, w)),
        fields: vec![
            Field::choice("outcome", t("tui.field.outcome").into(), options, 0),
            Field::text("note", t("tui.field.resolve_note").into()),
        ],
        focus: 0,
    }
}

fn validate_resolve(form: &mut Form, today: NaiveDate) -> Option<Effect> {
    let slug = form.field("outcome")?.value();
    let outcome = crate::domain::event::ContestationOutcome::parse(&slug)?;
    let note = form.field("note")?.value().trim().to_string();
    let t = form.target.clone()?;
    let done = tf(
        "tui.done.resolved",
        &[
            ("outcome", &crate::i18n::t(&format!("outcome.{slug}"))),
            ("debtor", &t.debtor),
        ],
    );
    Some(append(
        &t,
        today,
        vec![EventKind::ContestationResolved { outcome, note }],
        done,
    ))
}

// Injonction: the next step of the injonction de payer.

pub fn injonction_popup(e: &Entry, w: &Whole, today: NaiveDate) -> Result<Popup, String> {
    let st = &w.state;
    let step = match st.injonction {
        None => InjonctionStep::RequestFiled,
        Some((cur, _)) => cur
            .next()
            .ok_or_else(|| tf("tui.error.injonction_done", &[("step", &step_label(cur))]))?,
    };
    let mut notes = vec![
        tf("tui.confirm.debtor", &[("debtor", &e.debtor())]),
        tf("tui.confirm.balance", &[("amount", &money(e.balance))]),
    ];
    if step == InjonctionStep::RequestFiled && st.notice.is_none() {
        notes.push(t("tui.confirm.no_notice").to_string());
    }
    // The court's date, not the day it is typed: the order's date starts the service deadline.
    Ok(Popup::Form(Box::new(Form {
        kind: FormKind::Injonction(step),
        title: tf(
            "tui.confirm.injonction_title",
            &[("step", &step_label(step))],
        ),
        notes,
        target: Some(target(e, w)),
        fields: vec![
            Field::line("date", t("tui.field.step_date").into(), &date(today)),
            Field::line("note", t("tui.field.step_note").into(), ""),
        ],
        focus: 0,
    })))
}

fn validate_injonction(form: &mut Form, today: NaiveDate, step: InjonctionStep) -> Option<Effect> {
    let day = date_field(form, "date", today, Nearest::Past)?;
    let t = form.target.clone()?;
    let done = tf(
        "tui.done.injonction",
        &[("step", &step_label(step)), ("debtor", &t.debtor)],
    );
    Some(append(
        &t,
        day,
        vec![EventKind::Injonction {
            step,
            note: optional(form, "note"),
        }],
        done,
    ))
}

// Note or phone call: one form, the kind preselected by the key.

pub fn note_form(e: &Entry, w: &Whole, kind: NoteKind) -> Form {
    let options = vec![
        Choice {
            label: t("tui.note_kind.note").into(),
            value: "note".into(),
        },
        Choice {
            label: t("tui.note_kind.call").into(),
            value: "call".into(),
        },
    ];
    let index = usize::from(kind == NoteKind::PhoneCall);
    Form {
        notes: vec![],
        kind: FormKind::Note,
        title: tf("tui.form.note_title", &[("debtor", &e.debtor())]),
        target: Some(target(e, w)),
        fields: vec![
            Field::choice("kind", t("tui.field.note_kind").into(), options, index),
            Field::text("text", t("tui.field.note_text").into()),
        ],
        // Straight into the text: the kind was chosen by the key.
        focus: 1,
    }
}

fn validate_note(form: &mut Form, today: NaiveDate) -> Option<Effect> {
    let text = required(form, "text")?;
    let kind = if form.field("kind")?.value() == "call" {
        NoteKind::PhoneCall
    } else {
        NoteKind::Note
    };
    let t = form.target.clone()?;
    let key = match kind {
        NoteKind::Note => "tui.done.note",
        NoteKind::PhoneCall => "tui.done.call",
    };
    let done = tf(key, &[("debtor", &t.debtor)]);
    Some(append(
        &t,
        today,
        vec![EventKind::Note { kind, text }],
        done,
    ))
}

// Proof of an invoice: what makes the claim "certaine" before a formal notice.

pub fn proof_form(e: &Entry, w: &Whole) -> Form {
    let items = &w.state.items;
    let notes = items
        .iter()
        .map(|i| match i.evidence() {
            Some(p) => tf(
                "tui.proof.noted",
                &[("invoice", &i.reference), ("proof", &p)],
            ),
            None => tf("tui.proof.missing", &[("invoice", &i.reference)]),
        })
        .collect();
    let invoices = items
        .iter()
        .map(|i| Choice {
            label: i.reference.clone(),
            value: i.reference.clone(),
        })
        .collect();
    // The first invoice still without one is the likely reason the key was pressed.
    let first_missing = items.iter().position(|i| i.evidence().is_none());
    Form {
        notes,
        kind: FormKind::Proof,
        title: tf("tui.form.proof_title", &[("debtor", &e.debtor())]),
        target: Some(target(e, w)),
        fields: vec![
            Field::choice(
                "invoice",
                t(match w.state.kind {
                    DossierKind::Invoices => "tui.field.proof_invoice",
                    DossierKind::Rent => "tui.field.proof_rent",
                    DossierKind::Refund => "tui.field.proof_refund",
                })
                .into(),
                invoices,
                first_missing.unwrap_or(0),
            ),
            Field::line("proof", t("tui.field.proof").into(), ""),
        ],
        focus: 1,
    }
}

fn validate_proof(form: &mut Form, today: NaiveDate) -> Option<Effect> {
    let proof = required(form, "proof");
    let invoice = form.field("invoice")?.value().to_string();
    let t = form.target.clone()?;
    let proof = proof?;
    let done = tf(
        "tui.done.proof",
        &[("invoice", &invoice), ("debtor", &t.debtor)],
    );
    Some(append(
        &t,
        today,
        vec![EventKind::ProofRecorded { invoice, proof }],
        done,
    ))
}

// New dossier: a debtor and its first invoice.

pub fn add_dossier_form(today: NaiveDate) -> Form {
    let types = vec![
        Choice {
            label: t("tui.debtor_type.b2b").into(),
            value: "b2b".into(),
        },
        Choice {
            label: t("tui.debtor_type.b2c").into(),
            value: "b2c".into(),
        },
    ];
    Form {
        notes: vec![],
        kind: FormKind::AddDossier,
        title: t("tui.form.add_title").into(),
        target: None,
        fields: vec![
            Field::line("debtor", t("tui.field.debtor").into(), ""),
            Field::choice("debtor_type", t("tui.field.debtor_type").into(), types, 0),
            Field::line("customer_number", t("tui.field.customer_number").into(), ""),
            // Where a formal notice must go (the registered office, or a consumer's home).
            Field::line("street", t("tui.field.street").into(), ""),
            Field::line("town", t("tui.field.town").into(), ""),
            Field::line("reference", t("tui.field.invoice_reference").into(), ""),
            Field::line("amount", t("tui.field.invoice_amount").into(), ""),
            Field::line("issued", t("tui.field.issued").into(), &date(today)),
            Field::line("due", t("tui.field.due").into(), ""),
            // Without it a formal notice is refused later ("créance non certaine").
            Field::line("proof", t("tui.field.proof").into(), ""),
        ],
        focus: 0,
    }
}

fn validate_add_dossier(form: &mut Form, today: NaiveDate) -> Option<Effect> {
    let name = required(form, "debtor");
    let reference = required(form, "reference");
    let amount = amount_field(form, "amount");
    let issued = date_field(form, "issued", today, Nearest::Past);
    let due = match optional(form, "due") {
        None => required(form, "due").and(None),
        Some(_) => date_field(form, "due", today, Nearest::Closest),
    };
    let (name, reference, amount, issued, due) = (name?, reference?, amount?, issued?, due?);
    if due < issued {
        form.set_error(
            "due",
            tf("tui.error.due_before_issue", &[("issued", &date(issued))]),
        );
        return None;
    }
    let debtor_type = if form.field("debtor_type")?.value() == "b2c" {
        DebtorType::B2c
    } else {
        DebtorType::B2b
    };
    let mut debtor = Debtor::new(0, name.clone(), debtor_type);
    debtor.customer_number = optional(form, "customer_number");
    // "Bâtiment B, 12 rue Colbert" is two lines of the address; the town is the last.
    debtor.address = optional(form, "street")
        .iter()
        .flat_map(|s| s.split(','))
        .map(|l| l.trim().to_string())
        .filter(|l| !l.is_empty())
        .chain(optional(form, "town"))
        .collect();
    let new = NewDossier {
        debtor,
        created: EventKind::Created {
            debtor: 0,
            kind: DossierKind::Invoices,
            profile: None,
            jurisdiction: Jurisdiction::Fr,
            contractual_rate: None,
            refund_reason: None,
            terms: None,
        },
        items: vec![Item {
            reference,
            issued,
            due,
            amount,
            description: None,
            proof: optional(form, "proof"),
        }],
        date: today,
    };
    Some(Effect::Create {
        new: Box::new(new),
        done: tf("tui.done.created", &[("debtor", &name)]),
    })
}
