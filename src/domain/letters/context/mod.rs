//! The letter context: every fact a template may print, computed once, pre-formatted in French.
//!
//! Templates stay simple (and safe for users to override) because amounts, dates, tables and
//! legal choices (Cerfa number, what a consumer may be charged) are decided in tested Rust: the
//! rules in `letters::rules`, their wording here.

mod accessories;
mod amounts;
mod history;
mod injonction;
pub(super) mod input;
mod plan;
pub(super) mod views;
pub(super) mod wording;

use rust_decimal::Decimal;
use serde::Serialize;

use super::format::{days_fr, format_rate_fr, join_fr};
use super::rules::{
    claimed_items, default_channel, indemnity_claimable, lawful_money, letter_deadline,
    not_yet_due_items, paid_late_items, time_barred_warning,
};
use super::step::LetterStep;
use crate::domain::event::Channel;
use crate::domain::model::{DebtorType, DossierKind, Jurisdiction};
use crate::domain::parse::{format_date_fr, format_date_long_fr};
use crate::domain::schedule::BuiltinProfiles;
use crate::i18n::{format_eur_fr, t, tf};
use accessories::{accessories_view, first_due, Facts, LastNoticeFacts};
use amounts::{items_table, money_view};
use history::{payments_short, payments_text, replies};
use injonction::injonction_view;
use input::LetterInput;
use plan::{missed_view, plan_view};
use views::{
    AccessoriesView, ContestationView, DeadlineView, DocumentView, InjonctionView, ItemView,
    MissedView, MoneyView, NotYetDueView, NoticeView, PartyView, PaymentRowView, PaymentView,
    PlanView, ReminderView, SignatoryView,
};
use wording::{
    channel_heading, channel_noun, claim_label, claim_of, document_view, non_empty, salutation,
    subject,
};

/// The facts a letter template may use. Amounts and dates come pre-formatted in French.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct LetterContext {
    pub step: LetterStep,
    pub template: String,
    pub dossier_id: u64,
    pub kind: DossierKind,
    pub rent: bool,
    pub refund: bool,
    pub b2b: bool,
    pub consumer: bool,
    pub jurisdiction: Jurisdiction,
    pub creditor: PartyView,
    pub signatory: SignatoryView,
    pub debtor: PartyView,
    /// How the letter greets and takes leave of its reader: "Monsieur", "Madame", or
    /// "Madame, Monsieur" when the civility is unknown.
    pub salutation: &'static str,
    pub place: String,
    pub date: String,
    pub date_long: String,
    pub subject: String,
    /// `Facture n° F-1` / `Factures n° F-1 et F-2` / rent terms / refund sum.
    pub claim_label: String,
    /// The claim after "le règlement …": `de notre facture n° F-1 du 5 janvier 2026`, `du loyer et
    /// des charges échus le 5 mars 2026`, `de la somme de 1 500,00 € à nous rembourser`.
    pub claim_of: String,
    /// More than one item is listed (agreement of verbs and adjectives): the open items, or the
    /// items paid late when only their accessories are claimed.
    pub plural: bool,
    /// Items paid after their due date whose penalties and indemnity the letter claims, with the
    /// day each was paid, the legal basis and the thanks for the payment (`None` without any).
    /// With `accessories.only`, nothing of the principal is left: `items` is empty, and the
    /// subject, `claim_label`, `claim_of`, `references` and `items_table` name these items.
    pub accessories: Option<AccessoriesView>,
    /// The fixed 40 € indemnity may be claimed: professional debtor not in collective
    /// proceedings.
    pub indemnity_claimable: bool,
    /// Contractual late-payment rate from the terms of sale, `12,15 %`.
    pub contractual_rate: Option<String>,
    /// Proofs recorded on the listed items (order, delivery note, contract), deduplicated.
    pub proofs: Vec<String>,
    pub channel: Option<Channel>,
    /// `Lettre recommandée avec demande d'avis de réception`, … (empty for none).
    pub channel_label: String,
    /// How the letter names itself, for its channel.
    pub document: DocumentView,
    pub tracking: Option<String>,
    pub references: Vec<String>,
    pub references_text: String,
    pub items: Vec<ItemView>,
    pub items_table: String,
    /// Invoices not yet due, listed apart for information ("à échoir"), never in the sum asked.
    pub not_yet_due: Vec<NotYetDueView>,
    pub not_yet_due_total: String,
    /// Oldest due date among the listed items.
    pub first_due_long: Option<String>,
    pub money: MoneyView,
    pub reminders: Vec<ReminderView>,
    /// `du 9 février 2026 et du 19 février 2026`.
    pub reminders_text: String,
    pub notice: Option<NoticeView>,
    /// Date of the last reminder sent.
    pub last_reminder_long: Option<String>,
    /// The debtor did something since the last reminder (payment, promise, call, plan,
    /// acknowledgment, contestation): the reminders did not go "unanswered".
    pub response_since_last_reminder: bool,
    /// Payments received since the last reminder, to acknowledge them.
    pub payments_since_last_reminder: Vec<PaymentRowView>,
    /// Their total, formatted, when there are any.
    pub paid_since_last_reminder: Option<String>,
    /// An invoice asked for was paid in part: its payment is "incomplete". (A payment that went
    /// to another invoice leaves the ones asked for simply unpaid.)
    pub partly_paid: bool,
    /// `votre règlement de 300,00 € reçu le 20 février 2026 à la suite de notre relance du
    /// 9 février 2026, que nous avons imputé sur votre dette` (empty without payments since the
    /// last reminder).
    pub payments_since_text: String,
    /// `notre relance du 9 février 2026` / `nos relances du … et du …` (empty without any).
    pub reminders_phrase: String,
    /// The debtor disputed the claim at some point (open or resolved).
    pub disputed_before: bool,
    /// Date we rejected the debtor's dispute (our answer), if we did.
    pub dispute_rejected_on: Option<String>,
    /// An agreed payment plan with instalments past due and unpaid (the instalment reminder).
    pub missed: Option<MissedView>,
    pub deadline: Option<DeadlineView>,
    pub payment: PaymentView,
    pub refund_reason: Option<String>,
    pub terms: Option<String>,
    pub contestation: Option<ContestationView>,
    pub order_fact: Option<String>,
    pub delivery_fact: Option<String>,
    pub plan: Option<PlanView>,
    pub payments: Vec<PaymentRowView>,
    pub total_paid: String,
    pub last_payment_long: Option<String>,
    /// The creditor gave up the accessories (a journaled waiver) on this date: a settlement is
    /// then not "everything paid".
    pub waived_on: Option<String>,
    pub injonction: Option<InjonctionView>,
    /// Notes for the user (not printed by the built-in templates): things adjusted or missing.
    pub warnings: Vec<String>,
}

/// Builds the context of a letter from the dossier, the parties and the money section.
pub fn build_context(input: &LetterInput<'_>) -> LetterContext {
    let st = input.state;
    let step = input.step;
    let mut warnings = Vec::new();
    // The caller (compose) passes the channel it chose; built directly, the letter takes the
    // one the built-in schedule plans for its rung, like `compose` without configuration.
    let channel = input
        .options
        .channel
        .unwrap_or_else(|| default_channel(st, input.debtor, &BuiltinProfiles, step));
    let money = lawful_money(input, &mut warnings);
    let consumer = input.debtor.debtor_type == DebtorType::B2c;

    let listed = claimed_items(st, step, &money);
    let items: Vec<ItemView> = listed
        .iter()
        .map(|(i, rest)| ItemView {
            reference: i.reference.clone(),
            issued: format_date_fr(i.issued),
            issued_long: format_date_long_fr(i.issued),
            due: format_date_fr(i.due),
            due_long: format_date_long_fr(i.due),
            amount: format_eur_fr(i.amount),
            open: format_eur_fr(*rest),
            partly_paid: *rest != i.amount,
            description: i.description.clone(),
            proof: i.evidence().map(str::to_string),
        })
        .collect();
    let listed_total: Decimal = listed.iter().map(|(_, r)| *r).sum();
    let not_yet_due: Vec<NotYetDueView> = not_yet_due_items(st, step, &money)
        .into_iter()
        .map(|(i, due, rest)| NotYetDueView {
            reference: i.reference.clone(),
            due_long: format_date_long_fr(due),
            open: format_eur_fr(rest),
        })
        .collect();

    let reminders: Vec<ReminderView> = st
        .reminders
        .iter()
        .map(|r| ReminderView {
            level: r.level,
            date: format_date_fr(r.date),
            date_long: format_date_long_fr(r.date),
            channel: channel_noun(r.channel).to_string(),
        })
        .collect();
    let reminders_text = join_fr(
        &reminders
            .iter()
            .map(|r| format!("du {}", r.date_long))
            .collect::<Vec<_>>(),
    );
    let reminders_phrase = match reminders.len() {
        0 => String::new(),
        1 => format!("notre relance {reminders_text}"),
        _ => format!("nos relances {reminders_text}"),
    };
    let notice = st.notice.as_ref().map(|n| NoticeView {
        date: format_date_fr(n.date),
        date_long: format_date_long_fr(n.date),
        deadline: format_date_fr(n.deadline),
        deadline_long: format_date_long_fr(n.deadline),
        channel: channel_noun(n.channel).to_string(),
        tracking: n.tracking.clone(),
        received_long: n.received.map(format_date_long_fr),
        last_notice: n.last_notice,
    });
    let contestation = st.contestation.as_ref().map(|c| ContestationView {
        date_long: format_date_long_fr(c.date),
        reason: c.reason.clone(),
        text: c.text.clone(),
    });
    let deadline = letter_deadline(input, channel, &mut warnings).map(|d| DeadlineView {
        days: d.days,
        from_receipt: d.from_receipt,
        days_text: days_fr(d.days),
        date: format_date_fr(d.date),
        date_long: format_date_long_fr(d.date),
    });
    let replies = replies(input);
    let missed = missed_view(input, &money);

    // Items paid late whose accessories are claimed; with no open item left they are the claim.
    let paid_late = paid_late_items(st, step, &money);
    let accessories = accessories_view(
        &paid_late,
        &money,
        &Facts {
            kind: st.kind,
            only: items.is_empty(),
            contractual_rate: st.contractual_rate,
            payments_since: &payments_short(&replies.payments, replies.paid),
            reminders_phrase: &reminders_phrase,
            notice_long: notice.as_ref().map(|n| n.date_long.as_str()),
            last_notice: notice
                .as_ref()
                .filter(|n| n.last_notice)
                .map(|n| LastNoticeFacts {
                    date_long: &n.date_long,
                    deadline_long: &n.deadline_long,
                    jurisdiction: st.jurisdiction,
                }),
        },
    );
    let references: Vec<String> = items
        .iter()
        .map(|i| i.reference.clone())
        .chain(
            accessories
                .iter()
                .flat_map(|a| a.items.iter().map(|i| i.reference.clone())),
        )
        .collect();
    // A sum to refund is named by its amount: what is left of it, or once it is all refunded
    // (a settlement, interest on a late refund) what it was, never "0,00 €".
    let named = if money.principal > Decimal::ZERO {
        money.principal
    } else {
        st.items.iter().map(|i| i.amount).sum()
    };
    let claim = match &accessories {
        Some(a) if a.only => format!("{} ({})", claim_label(st.kind, &references, named), a.short),
        _ => claim_label(st.kind, &references, named),
    };

    let creditor = input.creditor;
    let debtor = input.debtor;
    let creditor_view = PartyView {
        name: creditor.name.clone(),
        address: creditor.address.clone(),
        phone: non_empty(&creditor.phone),
        email: non_empty(&creditor.email),
        siren: non_empty(&creditor.siren),
        contact: None,
        customer_number: None,
    };
    let debtor_view = PartyView {
        name: debtor.name.clone(),
        address: debtor.address.clone(),
        phone: debtor.phone.clone(),
        email: debtor.email.clone(),
        siren: debtor.siren.clone(),
        contact: debtor.contact.clone(),
        customer_number: debtor.customer_number.clone(),
    };
    if debtor.address.is_empty() {
        warnings.push(t("letters.warning.debtor_address").to_string());
    }
    if creditor.iban.trim().is_empty() {
        warnings.push(t("letters.warning.no_iban").to_string());
    }
    if step == LetterStep::InjonctionLetter && st.notice.is_none() {
        warnings.push(t("letters.warning.no_notice").to_string());
    }
    if step == LetterStep::LastNoticeNlBe && money.costs.is_zero() {
        warnings.push(t("letters.warning.last_notice_costs").to_string());
    }

    let payment = PaymentView {
        iban: creditor.iban.clone(),
        bic: creditor.bic.clone(),
        holder: non_empty(&creditor.account_holder).unwrap_or_else(|| creditor.name.clone()),
        reference: input.options.payment_reference.clone().unwrap_or_else(|| {
            // A tenant pays every month under the same reference; invoices are quoted.
            match (&debtor.customer_number, st.kind) {
                (Some(c), DossierKind::Rent) => c.clone(),
                _ if references.is_empty() => format!("DOSSIER {}", st.id),
                _ => references.join(", "),
            }
        }),
    };

    let plan =
        (step == LetterStep::PaymentPlanProposal).then(|| plan_view(input, &money, &mut warnings));

    let payments: Vec<PaymentRowView> = st
        .payments
        .iter()
        .map(|p| PaymentRowView {
            date_long: format_date_long_fr(p.date),
            amount: format_eur_fr(p.amount),
            reference: p.reference.clone(),
        })
        .collect();

    let injonction = (step == LetterStep::InjonctionLetter)
        .then(|| injonction_view(input, &items, &reminders, notice.as_ref(), &money));
    // The court is named after the town of the registered office, which may have none (Cognac
    // goes to Angoulême): the user checks it, as a clerk would refuse a misaddressed request.
    if let Some(j) = injonction.as_ref().filter(|j| !j.european) {
        if input.options.court.is_none() {
            warnings.push(tf("letters.warning.court_guessed", &[("court", &j.court)]));
        }
    }

    let money_view = money_view(&money, input.today, step);
    let first_due_long = listed
        .iter()
        .map(|(i, _)| i.due)
        .min()
        .or_else(|| first_due(&paid_late))
        .map(format_date_long_fr);
    let place = input
        .options
        .place
        .clone()
        .or_else(|| non_empty(&creditor.city))
        .unwrap_or_default();
    if place.is_empty() {
        warnings.push(t("letters.warning.no_place").to_string());
    }
    // A time-barred claim heads the warnings.
    if let Some(w) = time_barred_warning(input) {
        warnings.insert(0, w);
    }

    let partly_paid = items.iter().any(|i| i.partly_paid);
    LetterContext {
        step,
        template: step.file_name(),
        dossier_id: st.id,
        kind: st.kind,
        rent: st.kind == DossierKind::Rent,
        refund: st.kind == DossierKind::Refund,
        b2b: !consumer,
        consumer,
        jurisdiction: st.jurisdiction,
        subject: subject(
            step,
            &claim,
            contestation.as_ref().map(|c| c.date_long.as_str()),
            &creditor.name,
            &debtor.name,
            st.jurisdiction != Jurisdiction::Fr,
        ),
        claim_label: claim,
        claim_of: match &accessories {
            Some(a) if a.only => format!("{} {} au titre {}", a.of_what, a.owed, a.of_items),
            _ => claim_of(st.kind, &items, named),
        },
        plural: match &accessories {
            Some(a) if a.only => a.items.len() > 1,
            _ => items.len() > 1,
        },
        indemnity_claimable: indemnity_claimable(st, debtor),
        salutation: salutation(debtor),
        contractual_rate: st.contractual_rate.map(format_rate_fr),
        proofs: {
            let mut p: Vec<String> = listed
                .iter()
                .filter_map(|(i, _)| i.evidence().map(str::to_string))
                .collect();
            p.dedup();
            p
        },
        creditor: creditor_view,
        signatory: SignatoryView {
            name: creditor.signatory_name.clone(),
            function: creditor.signatory_function.clone(),
        },
        debtor: debtor_view,
        place,
        date: format_date_fr(input.today),
        date_long: format_date_long_fr(input.today),
        channel: (channel != Channel::Phone).then_some(channel),
        channel_label: channel_heading(channel, step).to_string(),
        document: document_view(channel),
        tracking: input.options.tracking.clone(),
        references_text: join_fr(&references),
        references,
        items_table: match &accessories {
            Some(a) if a.only => a.table.clone(),
            _ => items_table(st.kind, &items, listed_total),
        },
        not_yet_due_total: format_eur_fr(money.not_yet_due),
        not_yet_due,
        items,
        first_due_long,
        money: money_view,
        reminders,
        reminders_text,
        notice,
        last_reminder_long: st.reminders.last().map(|r| format_date_long_fr(r.date)),
        response_since_last_reminder: replies.response,
        partly_paid,
        paid_since_last_reminder: (!replies.payments.is_empty())
            .then(|| format_eur_fr(replies.paid)),
        payments_since_text: payments_text(&replies.payments, replies.paid, &reminders_phrase),
        reminders_phrase,
        payments_since_last_reminder: replies.payments,
        disputed_before: st.contestation.is_some() || !st.contestations_resolved.is_empty(),
        dispute_rejected_on: replies.rejected_on,
        missed,
        deadline,
        payment,
        refund_reason: st.refund_reason.clone(),
        terms: st.terms.clone(),
        contestation,
        order_fact: input.options.order_fact.clone(),
        delivery_fact: input.options.delivery_fact.clone(),
        plan,
        total_paid: format_eur_fr(st.total_paid()),
        last_payment_long: st.payments.last().map(|p| format_date_long_fr(p.date)),
        waived_on: st.waivers.last().map(|w| format_date_long_fr(w.date)),
        payments,
        injonction,
        accessories,
        warnings,
    }
}
