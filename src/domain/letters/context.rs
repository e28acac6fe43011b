//! The letter context: every fact a template may print, computed once, pre-formatted in French.
//!
//! Templates stay simple (and safe for users to override) because amounts, dates, tables and
//! legal choices (Cerfa number, what a consumer may be charged) are decided here, in tested Rust.

use crate::domain::money::calendar::add_days;
use chrono::{Datelike, Months, NaiveDate, Weekday};
use rust_decimal::Decimal;
use serde::{Deserialize, Serialize};

use super::format::{days_fr, format_rate_fr, join_fr, table, Align};
use super::LetterStep;
use crate::domain::event::{Channel, Event, EventKind, Instalment};
use crate::domain::fold::DossierState;
use crate::domain::model::{Creditor, Debtor, DebtorType, DossierKind, Jurisdiction};
use crate::domain::parse::{cents, format_date_fr, format_date_long_fr};
use crate::i18n::format_eur_fr;
use crate::i18n::{t, tf};

/// What a money line is, so that the letter can print a rate and period where they matter and
/// drop what the law forbids claiming from a consumer.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, Serialize, Deserialize)]
#[serde(rename_all = "snake_case")]
pub enum LetterMoneyKind {
    Principal,
    /// B2B late-payment penalties (Code de commerce L441-10).
    Penalty,
    /// Fixed 40 € recovery indemnity per late invoice (D441-5), professionals only.
    Indemnity,
    /// Legal (moratory) interest.
    Interest,
    /// Recovery costs: justified costs (B2B), or the NL/BE collection costs a last notice
    /// announces.
    Cost,
}

/// One line of the money breakdown, as computed by the money rules.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterMoneyLine {
    pub kind: LetterMoneyKind,
    pub label: String,
    pub from: Option<NaiveDate>,
    pub to: Option<NaiveDate>,
    pub days: Option<i64>,
    /// Annual rate in percent (12.15 means 12,15 % per year).
    pub rate: Option<Decimal>,
    pub amount: Decimal,
}

/// The money section of a letter, filled by the caller (the money module computes it at the date
/// of the letter). For a NL/BE last notice, `costs` are the collection costs that become due if
/// the deadline is missed, and `total_due` excludes them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize, Default)]
pub struct LetterMoney {
    pub principal: Decimal,
    pub penalties: Decimal,
    pub indemnities: Decimal,
    pub interest: Decimal,
    pub costs: Decimal,
    pub total_due: Decimal,
    /// How much the total grows per day of further delay.
    pub daily_growth: Decimal,
    /// A rate the figures depend on is missing from the rate table: amounts are provisional.
    pub provisional: bool,
    pub lines: Vec<LetterMoneyLine>,
    /// Principal of invoices not yet due: listed for information, never in `total_due`.
    pub not_yet_due: Decimal,
    /// What is still open on each item, as the money rules imputed the payments.
    pub items: Vec<LetterItemMoney>,
}

/// One item as the claim stands at the letter's date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct LetterItemMoney {
    pub reference: String,
    /// Due date once the payment terms are applied.
    pub due: NaiveDate,
    pub open: Decimal,
    /// Past due: part of the sum asked.
    pub claimed: bool,
}

impl LetterMoney {
    /// Provisional figures matter only when the letter states a rate-based amount (penalties
    /// or interest): a principal-only letter is exact whatever the rate table holds.
    pub fn is_provisional(&self) -> bool {
        self.provisional
            && (!self.penalties.is_zero()
                || !self.interest.is_zero()
                || self.lines.iter().any(|l| {
                    matches!(l.kind, LetterMoneyKind::Penalty | LetterMoneyKind::Interest)
                }))
    }

    fn amount_of(&self, kind: LetterMoneyKind) -> Decimal {
        match kind {
            LetterMoneyKind::Principal => self.principal,
            LetterMoneyKind::Penalty => self.penalties,
            LetterMoneyKind::Indemnity => self.indemnities,
            LetterMoneyKind::Interest => self.interest,
            LetterMoneyKind::Cost => self.costs,
        }
    }

    /// Removes a kind of claim the law does not allow here; the total loses what was removed.
    fn drop_kind(&mut self, kind: LetterMoneyKind) -> bool {
        let aggregate = self.amount_of(kind);
        let in_lines: Decimal = self
            .lines
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.amount)
            .sum();
        let had_lines = self.lines.iter().any(|l| l.kind == kind);
        if aggregate.is_zero() && !had_lines {
            return false;
        }
        let removed = if aggregate.is_zero() {
            in_lines
        } else {
            aggregate
        };
        self.lines.retain(|l| l.kind != kind);
        match kind {
            LetterMoneyKind::Principal => self.principal = Decimal::ZERO,
            LetterMoneyKind::Penalty => self.penalties = Decimal::ZERO,
            LetterMoneyKind::Indemnity => self.indemnities = Decimal::ZERO,
            LetterMoneyKind::Interest => self.interest = Decimal::ZERO,
            LetterMoneyKind::Cost => self.costs = Decimal::ZERO,
        }
        self.total_due -= removed;
        true
    }
}

/// Choices the user makes when preparing a letter; everything is optional.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct LetterOptions {
    /// Days allowed to pay (default: 8, or the legal minimum of a last notice).
    pub deadline_days: Option<i64>,
    /// An explicit deadline date (wins over `deadline_days`).
    pub deadline: Option<NaiveDate>,
    pub channel: Option<Channel>,
    pub tracking: Option<String>,
    /// Reference the debtor must quote on the transfer (default: the invoice references).
    pub payment_reference: Option<String>,
    /// Place written before the date (default: the creditor's city).
    pub place: Option<String>,
    /// Instalments of a proposed payment plan (default: the agreed plan, else three monthly
    /// instalments).
    pub plan: Option<Vec<Instalment>>,
    /// Full name of the court for the injonction letter (default: derived from the debtor's
    /// address).
    pub court: Option<String>,
    /// Facts answering a contestation, point by point; missing points fall back to the proof
    /// recorded on the items.
    pub order_fact: Option<String>,
    pub delivery_fact: Option<String>,
    /// Whether the agreed payment plan makes the whole balance due when an instalment is missed
    /// (default: yes, as the plan letters of this tool state it).
    pub plan_acceleration: Option<bool>,
}

/// Everything needed to build a letter context.
#[derive(Debug, Clone)]
pub struct LetterInput<'a> {
    pub state: &'a DossierState,
    pub events: &'a [Event],
    pub debtor: &'a Debtor,
    pub creditor: &'a Creditor,
    pub today: NaiveDate,
    pub step: LetterStep,
    pub options: LetterOptions,
    pub money: LetterMoney,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PartyView {
    pub name: String,
    /// Address lines (the registered office for a debtor).
    pub address: Vec<String>,
    pub phone: Option<String>,
    pub email: Option<String>,
    pub siren: Option<String>,
    pub contact: Option<String>,
    pub customer_number: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct SignatoryView {
    pub name: String,
    pub function: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemView {
    pub reference: String,
    pub issued: String,
    pub issued_long: String,
    pub due: String,
    pub due_long: String,
    pub amount: String,
    /// What is still open on this item.
    pub open: String,
    pub partly_paid: bool,
    pub description: Option<String>,
    pub proof: Option<String>,
}

/// An invoice not yet due, named for information only.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NotYetDueView {
    pub reference: String,
    pub due_long: String,
    pub open: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyLineView {
    pub kind: LetterMoneyKind,
    pub label: String,
    pub from: Option<String>,
    pub to: Option<String>,
    pub days: Option<i64>,
    pub rate: Option<String>,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MoneyView {
    pub principal: String,
    pub penalties: String,
    pub indemnities: String,
    pub interest: String,
    pub costs: String,
    pub total_due: String,
    /// Total due plus the announced costs (NL/BE last notice).
    pub total_with_costs: String,
    pub daily_growth: String,
    pub has_penalties: bool,
    pub has_indemnities: bool,
    pub has_interest: bool,
    pub has_costs: bool,
    pub has_daily_growth: bool,
    /// Anything beyond the principal: the breakdown table is worth printing.
    pub has_extras: bool,
    /// What the total is made of, for one courteous sentence: `2 084,56 € en principal,
    /// 26,29 € de pénalités de retard et 80,00 € d'indemnité forfaitaire …`.
    pub breakdown_text: String,
    /// The letter states a rate-based amount (penalties or interest) resting on a rate missing
    /// from the table: only then is it provisional.
    pub provisional: bool,
    /// Number of 40 € indemnities (indemnity total / 40).
    pub indemnity_count: Option<String>,
    pub lines: Vec<MoneyLineView>,
    /// The breakdown as aligned plain text, ending with the total.
    pub table: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ReminderView {
    pub level: u8,
    pub date: String,
    pub date_long: String,
    pub channel: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct NoticeView {
    pub date: String,
    pub date_long: String,
    pub deadline: String,
    pub deadline_long: String,
    pub channel: String,
    pub tracking: Option<String>,
    pub received_long: Option<String>,
    pub last_notice: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineView {
    pub days: i64,
    /// The period counts from receipt of the letter (the date then includes the assumed
    /// delivery), not from the date of writing.
    pub from_receipt: bool,
    /// `8 jours`.
    pub days_text: String,
    pub date: String,
    pub date_long: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentView {
    pub iban: String,
    pub bic: String,
    pub holder: String,
    pub reference: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ContestationView {
    pub date_long: String,
    pub reason: String,
    pub text: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InstalmentView {
    pub number: usize,
    pub due: String,
    pub due_long: String,
    pub amount: String,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PlanView {
    pub instalments: Vec<InstalmentView>,
    pub count: usize,
    pub total: String,
    pub table: String,
    /// The plan was already agreed (journal) rather than proposed now.
    pub agreed: bool,
}

/// The instalments of an agreed plan that are past due and unpaid.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct MissedView {
    /// Date the plan was agreed.
    pub agreed_long: String,
    pub instalments: Vec<InstalmentView>,
    /// Sum still unpaid on the missed instalments: the sum this letter asks.
    pub total: String,
    /// The whole plan, for the reminder.
    pub plan_table: String,
    /// What remains owed on the whole claim, which becomes due if the plan lapses.
    pub balance: String,
    /// The plan provides that one missed instalment makes the whole balance due.
    pub acceleration: bool,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct PaymentRowView {
    pub date_long: String,
    pub amount: String,
    pub reference: Option<String>,
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ChronologyView {
    pub date: String,
    pub text: String,
}

/// Which injonction de payer form and court apply.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum InjonctionCourt {
    /// Tribunal de commerce, Cerfa 12946*02: commercial claims between traders.
    Commerce,
    /// Tribunal judiciaire, Cerfa 12948*06: civil claims (consumers, civil creditors).
    Judiciaire,
    /// Juge des contentieux de la protection, Cerfa 16040*01: residential rent, consumer credit.
    Protection,
    /// Debtor outside France: European order for payment (Regulation (EC) No 1896/2006), form A,
    /// filed with the competent court of the debtor's state — for a consumer, where he lives
    /// (art. 6(2) of the Regulation, Brussels I bis art. 18(2)). No French Cerfa.
    EuropeanOrder,
}

impl InjonctionCourt {
    /// The French Cerfa form, `None` for the European order (form A of the Regulation).
    pub fn cerfa(self) -> Option<&'static str> {
        match self {
            InjonctionCourt::Commerce => Some("12946*02"),
            InjonctionCourt::Judiciaire => Some("12948*06"),
            InjonctionCourt::Protection => Some("16040*01"),
            InjonctionCourt::EuropeanOrder => None,
        }
    }

    /// The form to attach, as printed in the letter.
    pub fn form(self) -> String {
        match self.cerfa() {
            Some(n) => format!("Cerfa n° {n}"),
            None => "formulaire A (demande d'injonction de payer européenne, annexe I du règlement (CE) n° 1896/2006)".to_string(),
        }
    }
}

/// The court and form of an injonction de payer request. A debtor outside France is never sent
/// to a French court on a French Cerfa: the European order for payment applies. Rent owed by a
/// consumer tenant goes to the juge des contentieux de la protection; a commercial lease stays
/// with the tribunal judiciaire (which has jurisdiction over commercial leases); commercial
/// claims between professionals go to the tribunal de commerce unless the creditor is a private
/// person.
pub fn injonction_court(
    kind: DossierKind,
    debtor_type: DebtorType,
    creditor_natural_person: bool,
    jurisdiction: Jurisdiction,
) -> InjonctionCourt {
    if jurisdiction != Jurisdiction::Fr {
        return InjonctionCourt::EuropeanOrder;
    }
    match (kind, debtor_type) {
        (DossierKind::Rent, DebtorType::B2c) => InjonctionCourt::Protection,
        (DossierKind::Rent, DebtorType::B2b) => InjonctionCourt::Judiciaire,
        (_, DebtorType::B2b) if !creditor_natural_person => InjonctionCourt::Commerce,
        _ => InjonctionCourt::Judiciaire,
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct InjonctionView {
    pub court_kind: InjonctionCourt,
    /// The French Cerfa number; `None` for the European order.
    pub cerfa: Option<String>,
    /// The form as printed: `Cerfa n° 12946*02`, or form A of Regulation (EC) No 1896/2006.
    pub form: String,
    /// The European order for payment (debtor outside France).
    pub european: bool,
    /// Full name of the court, e.g. "Tribunal de commerce de Paris".
    pub court: String,
    /// Documents to attach, in the order a clerk expects them.
    pub documents: Vec<String>,
    pub chronology: Vec<ChronologyView>,
    /// Above 5 000 € the simplified small-claims procedure is not available.
    pub small_claim_possible: bool,
}

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
    pub place: String,
    pub date: String,
    pub date_long: String,
    pub subject: String,
    /// `Facture n° F-1` / `Factures n° F-1 et F-2` / rent terms / refund sum.
    pub claim_label: String,
    /// The claim after "le règlement …": `de notre facture n° F-1 du 5 janvier 2026`, `du loyer et
    /// des charges échus le 5 mars 2026`, `de la somme de 1 500,00 € à nous rembourser`.
    pub claim_of: String,
    /// More than one item is listed (agreement of verbs and adjectives).
    pub plural: bool,
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
    /// `votre règlement de 300,00 € reçu le 20 février 2026, que nous avons imputé sur votre
    /// dette` (empty without payments since the last reminder).
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
    pub injonction: Option<InjonctionView>,
    /// Notes for the user (not printed by the built-in templates): things adjusted or missing.
    pub warnings: Vec<String>,
}

/// Default days to pay when the user does not choose: within the 8-15 day range expected of a
/// formal notice, and a usual "huitaine" for reminders.
pub const DEFAULT_DEADLINE_DAYS: i64 = 8;
/// Minimum days a NL/BE consumer last notice must give.
pub const LAST_NOTICE_MIN_DAYS: i64 = 14;
/// Above this a claim cannot use the simplified small-claims procedure (CPCE L125-1).
pub const SMALL_CLAIM_LIMIT: i64 = 5000;

/// Label of a sending channel as printed at the top of a letter.
pub fn channel_label(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "Envoyé par courriel",
        Channel::Letter => "Lettre simple",
        Channel::Lrar => "Lettre recommandée avec demande d'avis de réception",
        Channel::Phone => "",
        Channel::Commissaire => "Acte remis par commissaire de justice",
        Channel::Avocat => "Par l'intermédiaire de notre avocat",
    }
}

/// Short noun for a channel, used in the chronology of past steps.
fn channel_noun(channel: Channel) -> &'static str {
    match channel {
        Channel::Email => "courriel",
        Channel::Letter => "lettre simple",
        Channel::Lrar => "lettre recommandée avec AR",
        Channel::Phone => "téléphone",
        Channel::Commissaire => "commissaire de justice",
        Channel::Avocat => "avocat",
    }
}

/// What the letter is, for the channel it goes by: an e-mail is not a "courrier", and a notice
/// served by a commissaire de justice is an act (a "sommation de payer"), not a letter.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DocumentView {
    /// `ce courriel`, `ce courrier`, `cet acte`.
    pub this: String,
    /// `le présent courriel`, `la présente lettre`, `le présent acte`.
    pub present: String,
    /// The same, capitalised, to start a sentence.
    pub present_cap: String,
    /// `de la présente lettre`, `du présent courriel`, `du présent acte`.
    pub of_present: String,
    /// Served by a commissaire de justice.
    pub act: bool,
    pub email: bool,
}

fn document_view(channel: Channel) -> DocumentView {
    let (this, present) = match channel {
        Channel::Email => ("ce courriel", "le présent courriel"),
        Channel::Commissaire => ("cet acte", "le présent acte"),
        _ => ("ce courrier", "la présente lettre"),
    };
    let mut cap = present.to_string();
    cap.replace_range(..1, &present[..1].to_uppercase());
    DocumentView {
        this: this.into(),
        present: present.into(),
        present_cap: cap,
        of_present: match present.strip_prefix("le ") {
            Some(rest) => format!("du {rest}"),
            None => format!("de {present}"),
        },
        act: channel == Channel::Commissaire,
        email: channel == Channel::Email,
    }
}

/// The heading line of a letter for its channel: a formal notice served by a commissaire de
/// justice is a "sommation de payer", never a registered letter.
fn channel_heading(channel: Channel, step: LetterStep) -> &'static str {
    match channel {
        Channel::Commissaire if step.is_formal_notice() || step == LetterStep::LastNoticeNlBe => {
            "Sommation de payer — acte de commissaire de justice"
        }
        c => channel_label(c),
    }
}

fn non_empty(s: &str) -> Option<String> {
    let s = s.trim();
    (!s.is_empty()).then(|| s.to_string())
}

/// The third working day after `d` (weekends skipped; public holidays are not known here, so the
/// result may be a day early around a holiday: callers wanting margin should add it).
fn third_working_day_after(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    let mut n = 0;
    while n < 3 {
        day = add_days(day, 1);
        if day == NaiveDate::MAX {
            break;
        }
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
    }
    day
}

/// The earliest deadline a NL/BE consumer last notice may state: 14 days from the day after the
/// reminder (Netherlands, and Belgium for electronic sending) or from the third working day after a
/// paper sending (Belgium); one extra day is kept because receipt is not known in advance.
pub fn last_notice_min_deadline(
    today: NaiveDate,
    jurisdiction: Jurisdiction,
    channel: Channel,
) -> NaiveDate {
    let start = if jurisdiction == Jurisdiction::Be && channel != Channel::Email {
        third_working_day_after(today)
    } else {
        add_days(today, 1)
    };
    add_days(start, LAST_NOTICE_MIN_DAYS)
}

fn deadline_for(
    input: &LetterInput<'_>,
    channel: Channel,
    warnings: &mut Vec<String>,
) -> Option<DeadlineView> {
    let opts = &input.options;
    let today = input.today;
    let wanted = match (opts.deadline, opts.deadline_days) {
        (Some(d), _) => Some(d),
        (None, Some(n)) => Some(add_days(today, n)),
        (None, None) => None,
    };
    let date = match input.step {
        LetterStep::SettlementConfirmation | LetterStep::InjonctionLetter => wanted?,
        LetterStep::PaymentPlanProposal => wanted?,
        LetterStep::LastNoticeNlBe => {
            let min = last_notice_min_deadline(today, input.state.jurisdiction, channel);
            match wanted {
                Some(d) if d < min => {
                    warnings.push(tf(
                        "letters.warning.last_notice_min",
                        &[("date", &format_date_fr(min))],
                    ));
                    min
                }
                Some(d) => d,
                None => min,
            }
        }
        _ => wanted.unwrap_or(add_days(today, DEFAULT_DEADLINE_DAYS)),
    };
    // When the caller fixed both the period and the date, the period runs from receipt.
    let from_receipt = matches!((opts.deadline, opts.deadline_days), (Some(d), Some(n)) if d != add_days(today, n))
        && Some(date) == opts.deadline;
    let days = match (from_receipt, opts.deadline_days) {
        (true, Some(n)) => n,
        _ => (date - today).num_days(),
    };
    if input.step.is_formal_notice() {
        if days < DEFAULT_DEADLINE_DAYS {
            warnings.push(tf("letters.warning.deadline_short", &[("days", &days)]));
        } else if days > 30 {
            warnings.push(tf("letters.warning.deadline_long", &[("days", &days)]));
        }
    }
    Some(DeadlineView {
        days,
        from_receipt,
        days_text: days_fr(days),
        date: format_date_fr(date),
        date_long: format_date_long_fr(date),
    })
}

/// Applies what the law allows to claim from this debtor, warning about anything removed.
fn lawful_money(input: &LetterInput<'_>, warnings: &mut Vec<String>) -> LetterMoney {
    let mut money = input.money.clone();
    let consumer = input.debtor.debtor_type == DebtorType::B2c;
    if consumer {
        // No L441-10 penalties nor D441-5 indemnity toward a consumer.
        if money.drop_kind(LetterMoneyKind::Penalty) {
            // The daily growth came from those penalties; its interest part is unknown here.
            money.daily_growth = Decimal::ZERO;
            warnings.push(t("letters.warning.consumer_penalties").to_string());
        }
        if money.drop_kind(LetterMoneyKind::Indemnity) {
            warnings.push(t("letters.warning.consumer_indemnity").to_string());
        }
        // In France recovery costs stay with the creditor; NL/BE last notices state them.
        if input.state.jurisdiction == Jurisdiction::Fr && money.drop_kind(LetterMoneyKind::Cost) {
            warnings.push(t("letters.warning.consumer_costs").to_string());
        }
    } else if crate::domain::money::in_collective_proceedings(input.state, input.debtor)
        && money.drop_kind(LetterMoneyKind::Indemnity)
    {
        warnings.push(t("letters.warning.collective_indemnity").to_string());
    }
    if money.is_provisional() {
        warnings.push(t("letters.warning.provisional").to_string());
    }
    money
}

/// `2 084,56 € en principal, 26,29 € de pénalités de retard et 80,00 € d'indemnité forfaitaire
/// pour frais de recouvrement`: what the total is made of, in one phrase.
fn breakdown_text(money: &LetterMoney) -> String {
    let mut parts = vec![format!("{} en principal", format_eur_fr(money.principal))];
    let pos = |d: Decimal| d > Decimal::ZERO;
    if pos(money.penalties) {
        parts.push(format!(
            "{} de pénalités de retard",
            format_eur_fr(money.penalties)
        ));
    }
    if pos(money.interest) {
        parts.push(format!(
            "{} d'intérêts au taux légal",
            format_eur_fr(money.interest)
        ));
    }
    if pos(money.indemnities) {
        parts.push(format!(
            "{} d'indemnité forfaitaire pour frais de recouvrement",
            format_eur_fr(money.indemnities)
        ));
    }
    if pos(money.costs) {
        parts.push(format!(
            "{} de frais de recouvrement",
            format_eur_fr(money.costs)
        ));
    }
    join_fr(&parts)
}

fn money_view(money: &LetterMoney, today: NaiveDate, step: LetterStep) -> MoneyView {
    let lines: Vec<MoneyLineView> = money
        .lines
        .iter()
        .map(|l| MoneyLineView {
            kind: l.kind,
            label: l.label.clone(),
            from: l.from.map(format_date_fr),
            to: l.to.map(format_date_fr),
            days: l.days,
            rate: l.rate.map(format_rate_fr),
            amount: format_eur_fr(l.amount),
        })
        .collect();
    // Rows of the breakdown: caller lines where given, else one aggregate row per kind.
    let mut rows: Vec<Vec<String>> = Vec::new();
    let kinds = [
        (LetterMoneyKind::Principal, "Principal restant dû"),
        (LetterMoneyKind::Penalty, "Pénalités de retard"),
        (
            LetterMoneyKind::Indemnity,
            "Indemnité forfaitaire pour frais de recouvrement",
        ),
        (LetterMoneyKind::Interest, "Intérêts au taux légal"),
        (LetterMoneyKind::Cost, "Frais de recouvrement"),
    ];
    let last_notice = step == LetterStep::LastNoticeNlBe;
    for (kind, label) in kinds {
        // A last notice announces costs separately: they are not owed yet.
        if last_notice && kind == LetterMoneyKind::Cost {
            continue;
        }
        let of_kind: Vec<&MoneyLineView> = lines.iter().filter(|l| l.kind == kind).collect();
        if of_kind.is_empty() {
            let amount = money.amount_of(kind);
            if kind == LetterMoneyKind::Principal || !amount.is_zero() {
                rows.push(vec![label.to_string(), format_eur_fr(amount)]);
            }
            continue;
        }
        for l in of_kind {
            rows.push(vec![l.label.clone(), l.amount.clone()]);
            let mut detail = Vec::new();
            if let Some(rate) = &l.rate {
                detail.push(format!("taux {rate} l'an"));
            }
            match (&l.from, &l.to) {
                (Some(f), Some(t)) => detail.push(format!("du {f} au {t}")),
                (Some(f), None) => detail.push(format!("depuis le {f}")),
                _ => {}
            }
            if let Some(d) = l.days {
                detail.push(days_fr(d));
            }
            if !detail.is_empty() {
                rows.push(vec![format!("  {}", detail.join(", ")), String::new()]);
            }
        }
    }
    let footer = vec![vec![
        format!("Total dû au {}", format_date_fr(today)),
        format_eur_fr(money.total_due),
    ]];
    let table_text = table(&["", ""], &rows, &footer, &[Align::Left, Align::Right]);
    // The header row of `table` is empty here: drop it and its rule.
    let mut table_text: String = table_text.lines().skip(2).collect::<Vec<_>>().join("\n");
    // Figures resting on a rate not yet in the table must say so wherever they are printed; a
    // letter without any rate-based amount has nothing provisional in it.
    let provisional = money.is_provisional();
    if provisional {
        table_text.push_str("\n(sommes accessoires calculées à titre provisionnel, sous réserve du taux officiel applicable)");
    }
    let forty = Decimal::from(40);
    let indemnity_count = (!money.indemnities.is_zero() && (money.indemnities % forty).is_zero())
        .then(|| (money.indemnities / forty).normalize().to_string());
    MoneyView {
        principal: format_eur_fr(money.principal),
        penalties: format_eur_fr(money.penalties),
        indemnities: format_eur_fr(money.indemnities),
        interest: format_eur_fr(money.interest),
        costs: format_eur_fr(money.costs),
        total_due: format_eur_fr(money.total_due),
        total_with_costs: format_eur_fr(money.total_due + money.costs),
        daily_growth: format_eur_fr(money.daily_growth),
        has_penalties: !money.penalties.is_zero(),
        has_indemnities: !money.indemnities.is_zero(),
        has_interest: !money.interest.is_zero(),
        has_costs: !money.costs.is_zero(),
        has_daily_growth: !cents(money.daily_growth).is_zero(),
        has_extras: money.total_due != money.principal,
        breakdown_text: breakdown_text(money),
        provisional,
        indemnity_count,
        lines,
        table: table_text,
    }
}

fn items_table(kind: DossierKind, items: &[ItemView], total: Decimal) -> String {
    let header: [&str; 5] = match kind {
        DossierKind::Rent => [
            "Échéance",
            "Appelée le",
            "Exigible le",
            "Montant",
            "Reste dû",
        ],
        DossierKind::Refund => [
            "Référence",
            "Date",
            "À rembourser le",
            "Montant",
            "Reste dû",
        ],
        DossierKind::Invoices => ["Facture n°", "Date", "Échéance", "Montant TTC", "Reste dû"],
    };
    let partial = items.iter().any(|i| i.partly_paid);
    let ncol = if partial { 5 } else { 4 };
    let rows: Vec<Vec<String>> = items
        .iter()
        .map(|i| {
            let mut r = vec![
                i.reference.clone(),
                i.issued.clone(),
                i.due.clone(),
                i.amount.clone(),
            ];
            if partial {
                r.push(i.open.clone());
            }
            r
        })
        .collect();
    let footer = if items.len() > 1 || partial {
        let mut f = vec![
            "Total".to_string(),
            String::new(),
            String::new(),
            String::new(),
        ];
        // The total goes under the last column: the amount, or "reste dû" when an item is
        // partly paid (indexing with `ncol - 1` before the push overflowed a 4-cell row).
        f[3] = format_eur_fr(total);
        if partial {
            f.push(format_eur_fr(total));
            f[3] = String::new();
        }
        vec![f]
    } else {
        vec![]
    };
    let align = [
        Align::Left,
        Align::Left,
        Align::Left,
        Align::Right,
        Align::Right,
    ];
    table(&header[..ncol], &rows, &footer, &align[..ncol])
}

fn claim_label(kind: DossierKind, refs: &[String], principal: Decimal) -> String {
    match kind {
        DossierKind::Invoices if refs.len() == 1 => format!("Facture n° {}", refs[0]),
        DossierKind::Invoices => format!("Factures n° {}", join_fr(refs)),
        DossierKind::Rent if refs.len() == 1 => format!("Loyer et charges impayés ({})", refs[0]),
        DossierKind::Rent => format!("Loyers et charges impayés ({})", join_fr(refs)),
        DossierKind::Refund => format!("Remboursement de la somme de {}", format_eur_fr(principal)),
    }
}

fn claim_of(kind: DossierKind, items: &[ItemView], principal: Decimal) -> String {
    let refs: Vec<String> = items.iter().map(|i| i.reference.clone()).collect();
    let dues: Vec<String> = items.iter().map(|i| i.due_long.clone()).collect();
    match (kind, items) {
        (DossierKind::Invoices, [one]) => {
            format!(
                "de notre facture n° {} du {}",
                one.reference, one.issued_long
            )
        }
        (DossierKind::Invoices, _) => format!("de nos factures n° {}", join_fr(&refs)),
        (DossierKind::Rent, [one]) => {
            format!("du loyer et des charges échus le {}", one.due_long)
        }
        (DossierKind::Rent, _) => format!("des loyers et charges échus les {}", join_fr(&dues)),
        (DossierKind::Refund, _) => {
            format!(
                "de la somme de {} à nous rembourser",
                format_eur_fr(principal)
            )
        }
    }
}

fn subject(
    step: LetterStep,
    claim: &str,
    ctx_contestation: Option<&str>,
    c: &str,
    d: &str,
    european: bool,
) -> String {
    match step {
        LetterStep::Relance1 => format!("Rappel de paiement — {claim}"),
        LetterStep::Relance2 => format!("Deuxième relance — {claim}"),
        LetterStep::Relance3 => format!("Dernière relance avant mise en demeure — {claim}"),
        LetterStep::MiseEnDemeure => format!("MISE EN DEMEURE DE PAYER — {claim}"),
        LetterStep::MiseEnDemeureRemboursement => {
            format!("MISE EN DEMEURE DE REMBOURSER — {claim}")
        }
        LetterStep::LastNoticeNlBe => {
            format!("Dernier rappel avant frais de recouvrement — {claim}")
        }
        LetterStep::ContestationReply => match ctx_contestation {
            Some(date) => format!("Réponse à votre contestation du {date} — {claim}"),
            None => format!("Réponse à votre contestation — {claim}"),
        },
        LetterStep::PaymentPlanProposal => {
            format!("Proposition d'échéancier de paiement — {claim}")
        }
        LetterStep::SettlementConfirmation => format!("Confirmation de règlement — {claim}"),
        LetterStep::InjonctionLetter if european => {
            format!("Demande d'injonction de payer européenne — {c} contre {d}")
        }
        LetterStep::InstalmentReminder => {
            format!("Échéance impayée de votre échéancier — {claim}")
        }
        LetterStep::InjonctionLetter => {
            format!("Requête en injonction de payer — {c} contre {d}")
        }
    }
}

/// Splits `total` into `n` monthly instalments exact to the cent (the last one takes the rest).
fn default_plan(total: Decimal, first: NaiveDate, n: u32) -> Vec<Instalment> {
    let n = n.max(1);
    let share = cents(total / Decimal::from(n));
    (0..n)
        .map(|i| Instalment {
            due: first.checked_add_months(Months::new(i)).unwrap_or(first),
            amount: if i + 1 == n {
                total - share * Decimal::from(n - 1)
            } else {
                share
            },
        })
        .collect()
}

/// The court's town, taken from the last line of the debtor's address ("75008 Paris" → "Paris").
fn town_of(address: &[String]) -> Option<String> {
    let last = address.last()?.trim();
    let town = last
        .trim_start_matches(|c: char| c.is_ascii_digit() || c == ' ' || c == '-')
        .trim();
    // "Lyon CEDEX 02": the CEDEX suffix is a postal routing code, not part of the town name.
    let town = match town.to_ascii_uppercase().find(" CEDEX") {
        Some(i) => &town[..i],
        None => town,
    };
    non_empty(town)
}

fn chronology(events: &[Event]) -> Vec<ChronologyView> {
    let cancelled: Vec<u32> = events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Cancel { target } => Some(target),
            _ => None,
        })
        .collect();
    events
        .iter()
        .filter(|e| !cancelled.contains(&e.seq))
        .filter_map(|e| {
            let text = match &e.kind {
                EventKind::RelanceSent { level, channel, .. } => {
                    format!("relance n° {level} ({})", channel_noun(*channel))
                }
                EventKind::NoticeSent {
                    channel, tracking, ..
                } => match tracking {
                    Some(t) => format!("mise en demeure ({}, n° {t})", channel_noun(*channel)),
                    None => format!("mise en demeure ({})", channel_noun(*channel)),
                },
                EventKind::AcknowledgementReceived { .. } => {
                    "réception de la mise en demeure (avis de réception signé)".to_string()
                }
                EventKind::PaymentReceived { amount, .. } => {
                    format!("paiement partiel de {}", format_eur_fr(*amount))
                }
                EventKind::PromiseToPay { until, amount } => format!(
                    "promesse de paiement de {} au plus tard le {}, non tenue",
                    format_eur_fr(*amount),
                    format_date_long_fr(*until)
                ),
                EventKind::ContestationReceived { reason, .. } => {
                    format!("contestation du débiteur ({reason})")
                }
                EventKind::DebtAcknowledged { .. } => {
                    "reconnaissance de dette écrite du débiteur".to_string()
                }
                _ => return None,
            };
            Some(ChronologyView {
                date: format_date_long_fr(e.date),
                text,
            })
        })
        .collect()
}

fn injonction_view(
    input: &LetterInput<'_>,
    items: &[ItemView],
    reminders: &[ReminderView],
    notice: Option<&NoticeView>,
    money: &LetterMoney,
) -> InjonctionView {
    let st = input.state;
    let court_kind = injonction_court(
        st.kind,
        input.debtor.debtor_type,
        input.creditor.natural_person,
        st.jurisdiction,
    );
    let town = town_of(&input.debtor.address);
    let court = input.options.court.clone().unwrap_or_else(|| {
        let base = match court_kind {
            InjonctionCourt::Commerce => "Tribunal de commerce",
            InjonctionCourt::Judiciaire => "Tribunal judiciaire",
            InjonctionCourt::Protection => {
                "Juge des contentieux de la protection du tribunal judiciaire"
            }
            InjonctionCourt::EuropeanOrder => {
                return format!(
                    "Juridiction compétente {} (lieu du domicile du débiteur)",
                    state_of(st.jurisdiction)
                );
            }
        };
        match &town {
            Some(t) => format!("{base} de {t}"),
            None => format!("{base} du lieu où demeure le débiteur"),
        }
    });
    let mut docs = vec![match court_kind.cerfa() {
        Some(n) => format!(
            "le formulaire de requête en injonction de payer (Cerfa n° {n}), complété et signé"
        ),
        None => "le formulaire A de demande d'injonction de payer européenne (annexe I du règlement (CE) n° 1896/2006), complété et signé, dans une langue acceptée par la juridiction saisie".to_string(),
    }];
    for i in items {
        docs.push(match st.kind {
            DossierKind::Invoices => format!(
                "la facture n° {} du {} ({})",
                i.reference, i.issued, i.amount
            ),
            DossierKind::Rent => format!(
                "l'avis d'échéance {} du {} ({})",
                i.reference, i.issued, i.amount
            ),
            DossierKind::Refund => format!(
                "la pièce établissant la somme à rembourser : {} du {} ({})",
                i.reference, i.issued, i.amount
            ),
        });
    }
    match st.kind {
        DossierKind::Invoices => {
            docs.push(
                "le bon de commande, le devis accepté ou le contrat, et nos conditions générales de vente"
                    .to_string(),
            );
            docs.push("les bons de livraison signés ou les procès-verbaux de réception".to_string());
        }
        DossierKind::Rent => {
            docs.push("le bail signé et, le cas échéant, l'acte de cautionnement".to_string());
            docs.push("le décompte locatif détaillé (loyers, charges, versements)".to_string());
        }
        DossierKind::Refund => docs.push(
            "les justificatifs du versement à rembourser et de sa cause (commande annulée, trop-perçu, prêt, dépôt)"
                .to_string(),
        ),
    }
    let mut proofs: Vec<String> = st.items.iter().filter_map(|i| i.proof.clone()).collect();
    proofs.dedup();
    for p in proofs {
        docs.push(format!("la pièce justificative : {p}"));
    }
    if !reminders.is_empty() {
        let dates: Vec<String> = reminders.iter().map(|r| r.date_long.clone()).collect();
        docs.push(if dates.len() == 1 {
            format!("la copie de notre relance du {}", dates[0])
        } else {
            format!("la copie de nos relances des {}", join_fr(&dates))
        });
    }
    if let Some(n) = notice {
        let mut s = format!("la copie de la mise en demeure du {}", n.date_long);
        if let Some(t) = &n.tracking {
            s.push_str(&format!(", la preuve de dépôt (n° {t})"));
        }
        match &n.received_long {
            Some(r) => s.push_str(&format!(" et l'avis de réception signé le {r}")),
            None => s.push_str(" et l'avis de réception"),
        }
        docs.push(s);
    }
    if st.contestation.is_some() || !st.contestations_resolved.is_empty() {
        docs.push("nos échanges au sujet de la contestation du débiteur".to_string());
    }
    docs.push(if input.debtor.debtor_type == DebtorType::B2c {
        "le décompte détaillé des sommes réclamées (principal et intérêts)".to_string()
    } else {
        "le décompte détaillé des sommes réclamées (principal, pénalités, indemnités, intérêts)"
            .to_string()
    });
    docs.push(if input.creditor.natural_person {
        "la copie de notre pièce d'identité".to_string()
    } else {
        "un extrait Kbis de notre société de moins de trois mois".to_string()
    });
    if input.debtor.debtor_type == DebtorType::B2b {
        docs.push(if court_kind == InjonctionCourt::EuropeanOrder {
            "un extrait du registre des sociétés de l'État du débiteur établissant l'adresse de son siège social"
                .to_string()
        } else {
            "un extrait Kbis ou un avis de situation SIRENE du débiteur établissant l'adresse de son siège social"
                .to_string()
        });
    }
    let european = court_kind == InjonctionCourt::EuropeanOrder;
    InjonctionView {
        court_kind,
        cerfa: court_kind.cerfa().map(str::to_string),
        form: court_kind.form(),
        european,
        court,
        documents: docs,
        chronology: chronology(input.events),
        // The simplified procedure of CPCE L125-1 is French only.
        small_claim_possible: !european && money.total_due <= Decimal::from(SMALL_CLAIM_LIMIT),
    }
}

/// `des Pays-Bas`, `de Belgique`: the debtor's state, after "juridiction compétente".
fn state_of(jurisdiction: Jurisdiction) -> &'static str {
    match jurisdiction {
        Jurisdiction::Fr => "de France",
        Jurisdiction::Be => "de Belgique",
        Jurisdiction::Nl => "des Pays-Bas",
    }
}

fn payments_text(payments: &[PaymentRowView], paid: Decimal) -> String {
    match payments {
        [] => String::new(),
        [one] => format!(
            "votre règlement de {} reçu le {}, que nous avons imputé sur votre dette",
            one.amount, one.date_long
        ),
        many => format!(
            "vos règlements reçus les {}, d'un montant total de {}, que nous avons imputés sur votre dette",
            join_fr(&many.iter().map(|p| p.date_long.clone()).collect::<Vec<_>>()),
            format_eur_fr(paid)
        ),
    }
}

struct Replies {
    response: bool,
    payments: Vec<PaymentRowView>,
    paid: Decimal,
    rejected_on: Option<String>,
}

/// What the debtor did since the last reminder, read from the journal (cancelled events
/// ignored), and when we last rejected a dispute.
fn replies(input: &LetterInput<'_>) -> Replies {
    let st = input.state;
    let cancelled: Vec<u32> = input
        .events
        .iter()
        .filter_map(|e| match e.kind {
            EventKind::Cancel { target } => Some(target),
            _ => None,
        })
        .collect();
    let live = || {
        input
            .events
            .iter()
            .filter(|e| !cancelled.contains(&e.seq))
            .filter(|e| e.date <= input.today)
    };
    let mut r = Replies {
        response: false,
        payments: vec![],
        paid: Decimal::ZERO,
        rejected_on: None,
    };
    for e in live() {
        if let EventKind::ContestationResolved {
            outcome: crate::domain::event::ContestationOutcome::Rejected,
            ..
        } = e.kind
        {
            r.rejected_on = Some(format_date_long_fr(e.date));
        }
    }
    let Some(last) = st.reminders.last() else {
        return r;
    };
    for e in live().filter(|e| e.seq > last.seq) {
        match &e.kind {
            EventKind::PaymentReceived {
                amount, reference, ..
            } => {
                r.response = true;
                r.paid += *amount;
                r.payments.push(PaymentRowView {
                    date_long: format_date_long_fr(e.date),
                    amount: format_eur_fr(*amount),
                    reference: reference.clone(),
                });
            }
            // Plain notes are the user's own (and the copies of letters sent): not replies.
            EventKind::Note {
                kind: crate::domain::event::NoteKind::PhoneCall,
                ..
            }
            | EventKind::PromiseToPay { .. }
            | EventKind::PaymentPlanAgreed { .. }
            | EventKind::DebtAcknowledged { .. }
            | EventKind::ContestationReceived { .. }
            | EventKind::ContestationResolved { .. } => r.response = true,
            _ => {}
        }
    }
    r
}

/// The missed instalments of the agreed plan at the letter's date: payments since the plan are
/// allocated to instalments in order (as the schedule reads them).
fn missed_view(input: &LetterInput<'_>, money: &LetterMoney) -> Option<MissedView> {
    if input.step != LetterStep::InstalmentReminder {
        return None;
    }
    let plan = input.state.plan.as_ref()?;
    let mut paid: Decimal = input
        .state
        .payments
        .iter()
        .filter(|p| p.date >= plan.date)
        .map(|p| p.amount)
        .sum();
    let mut missed = Vec::new();
    let mut total = Decimal::ZERO;
    for (n, inst) in plan.instalments.iter().enumerate() {
        let covered = paid.min(inst.amount);
        paid -= covered;
        let rest = inst.amount - covered;
        if rest > Decimal::ZERO && inst.due < input.today {
            total += rest;
            missed.push(InstalmentView {
                number: n + 1,
                due: format_date_fr(inst.due),
                due_long: format_date_long_fr(inst.due),
                amount: format_eur_fr(rest),
            });
        }
    }
    let rows: Vec<Vec<String>> = plan
        .instalments
        .iter()
        .enumerate()
        .map(|(n, i)| {
            vec![
                (n + 1).to_string(),
                format_date_fr(i.due),
                format_eur_fr(i.amount),
            ]
        })
        .collect();
    let plan_total: Decimal = plan.instalments.iter().map(|i| i.amount).sum();
    Some(MissedView {
        agreed_long: format_date_long_fr(plan.date),
        instalments: missed,
        total: format_eur_fr(total),
        plan_table: table(
            &["Échéance n°", "Date", "Montant"],
            &rows,
            &[vec![
                "Total".into(),
                String::new(),
                format_eur_fr(plan_total),
            ]],
            &[Align::Left, Align::Left, Align::Right],
        ),
        balance: format_eur_fr(money.total_due),
        acceleration: input.options.plan_acceleration.unwrap_or(true),
    })
}

/// Builds the context of a letter from the dossier, the parties and the money section.
pub fn build_context(input: &LetterInput<'_>) -> LetterContext {
    let st = input.state;
    let step = input.step;
    let mut warnings = Vec::new();
    // The caller (compose) passes the channel it chose; built directly, the letter takes the
    // one the built-in schedule plans for its rung, like `compose` without configuration.
    let channel = input.options.channel.unwrap_or_else(|| {
        super::compose::default_channel(
            st,
            input.debtor,
            &crate::domain::schedule::BuiltinProfiles,
            step,
        )
    });
    let money = lawful_money(input, &mut warnings);
    let consumer = input.debtor.debtor_type == DebtorType::B2c;

    // Settled dossiers list everything that was claimed; others list what is still open and due
    // (what is not yet due is listed apart, for information).
    let open_of = |i: &crate::domain::model::Item| {
        money
            .items
            .iter()
            .find(|m| m.reference == i.reference)
            .map(|m| (m.open, m.claimed, m.due))
            .unwrap_or((i.amount, true, i.due))
    };
    let listed: Vec<(crate::domain::model::Item, Decimal)> =
        if step == LetterStep::SettlementConfirmation {
            st.items.iter().map(|i| (i.clone(), i.amount)).collect()
        } else {
            let mut open: Vec<(crate::domain::model::Item, Decimal)> = st
                .items
                .iter()
                .filter_map(|i| {
                    let (rest, claimed, due) = open_of(i);
                    (rest > Decimal::ZERO && claimed).then(|| {
                        let mut i = i.clone();
                        i.due = due;
                        (i, rest)
                    })
                })
                .collect();
            open.sort_by_key(|(i, _)| (i.due, i.issued));
            open
        };
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
            proof: i.proof.clone(),
        })
        .collect();
    let listed_total: Decimal = listed.iter().map(|(_, r)| *r).sum();
    // Invoices not yet due: never in the sum asked, only listed for information.
    let not_yet_due: Vec<NotYetDueView> = if step == LetterStep::SettlementConfirmation {
        vec![]
    } else {
        let mut v: Vec<(NaiveDate, NotYetDueView)> = st
            .items
            .iter()
            .filter_map(|i| {
                let (rest, claimed, due) = open_of(i);
                (rest > Decimal::ZERO && !claimed).then(|| {
                    (
                        due,
                        NotYetDueView {
                            reference: i.reference.clone(),
                            due_long: format_date_long_fr(due),
                            open: format_eur_fr(rest),
                        },
                    )
                })
            })
            .collect();
        v.sort_by_key(|(d, _)| *d);
        v.into_iter().map(|(_, v)| v).collect()
    };
    let references: Vec<String> = items.iter().map(|i| i.reference.clone()).collect();
    let claim = claim_label(st.kind, &references, money.principal);

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
    let deadline = deadline_for(input, channel, &mut warnings);
    let replies = replies(input);
    let missed = missed_view(input, &money);

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

    let plan = (step == LetterStep::PaymentPlanProposal).then(|| {
        let (instalments, agreed) = match (&input.options.plan, &st.plan) {
            (Some(p), _) => (p.clone(), false),
            (None, Some(p)) => (p.instalments.clone(), true),
            (None, None) => (
                default_plan(
                    money.total_due,
                    input
                        .today
                        .checked_add_months(Months::new(1))
                        .unwrap_or(input.today),
                    3,
                ),
                false,
            ),
        };
        let views: Vec<InstalmentView> = instalments
            .iter()
            .enumerate()
            .map(|(n, i)| InstalmentView {
                number: n + 1,
                due: format_date_fr(i.due),
                due_long: format_date_long_fr(i.due),
                amount: format_eur_fr(i.amount),
            })
            .collect();
        let total: Decimal = instalments.iter().map(|i| i.amount).sum();
        let rows: Vec<Vec<String>> = views
            .iter()
            .map(|v| vec![v.number.to_string(), v.due.clone(), v.amount.clone()])
            .collect();
        let table_text = table(
            &["Échéance n°", "Date", "Montant"],
            &rows,
            &[vec!["Total".into(), String::new(), format_eur_fr(total)]],
            &[Align::Left, Align::Left, Align::Right],
        );
        if total != money.total_due {
            warnings.push(tf(
                "letters.warning.plan_total",
                &[
                    ("plan", &format_eur_fr(total)),
                    ("due", &format_eur_fr(money.total_due)),
                ],
            ));
        }
        PlanView {
            count: views.len(),
            instalments: views,
            total: format_eur_fr(total),
            table: table_text,
            agreed,
        }
    });

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

    let money_view = money_view(&money, input.today, step);
    let first_due_long = listed
        .iter()
        .map(|(i, _)| i.due)
        .min()
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
    // A time-barred claim: the letter must not go out as if court action were still open. The
    // expiry does not depend on the warning period, so the default rules are enough here.
    let oldest_open_due = input
        .money
        .items
        .iter()
        .filter(|i| i.open > Decimal::ZERO)
        .map(|i| i.due)
        .min();
    if let Some(w) = crate::domain::money::limitation(
        st,
        input.debtor,
        input.creditor,
        &crate::domain::money::MoneyRules::default(),
        input.today,
        oldest_open_due,
    )
    .and_then(|l| l.letter_warning())
    {
        warnings.insert(0, w);
    }

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
        claim_of: claim_of(st.kind, &items, money.principal),
        plural: items.len() > 1,
        indemnity_claimable: !consumer
            && !crate::domain::money::in_collective_proceedings(st, debtor),
        contractual_rate: st.contractual_rate.map(format_rate_fr),
        proofs: {
            let mut p: Vec<String> = listed.iter().filter_map(|(i, _)| i.proof.clone()).collect();
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
        items_table: items_table(st.kind, &items, listed_total),
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
        paid_since_last_reminder: (!replies.payments.is_empty())
            .then(|| format_eur_fr(replies.paid)),
        payments_since_text: payments_text(&replies.payments, replies.paid),
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
        payments,
        injonction,
        warnings,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn cerfa_by_kind_and_parties() {
        use DebtorType::*;
        use DossierKind::*;
        let fr = Jurisdiction::Fr;
        let cerfa = |k, d, p| injonction_court(k, d, p, fr).cerfa();
        assert_eq!(cerfa(Invoices, B2b, false), Some("12946*02"));
        assert_eq!(cerfa(Invoices, B2c, false), Some("12948*06"));
        assert_eq!(cerfa(Invoices, B2b, true), Some("12948*06"));
        assert_eq!(cerfa(Refund, B2b, false), Some("12946*02"));
        assert_eq!(cerfa(Rent, B2c, false), Some("16040*01"));
        assert_eq!(cerfa(Rent, B2b, false), Some("12948*06"));
        // Outside France: the European order, never a French Cerfa.
        for j in [Jurisdiction::Nl, Jurisdiction::Be] {
            for (k, d, p) in [
                (Invoices, B2c, false),
                (Rent, B2c, true),
                (Invoices, B2b, false),
            ] {
                let court = injonction_court(k, d, p, j);
                assert_eq!(court, InjonctionCourt::EuropeanOrder);
                assert_eq!(court.cerfa(), None);
                assert!(court.form().contains("1896/2006"));
            }
        }
    }

    #[test]
    fn last_notice_deadline_counts_from_the_day_after() {
        // Friday 20 March 2026.
        let today = d("2026-03-20");
        assert_eq!(
            last_notice_min_deadline(today, Jurisdiction::Nl, Channel::Letter),
            d("2026-04-04")
        );
        assert_eq!(
            last_notice_min_deadline(today, Jurisdiction::Be, Channel::Email),
            d("2026-04-04")
        );
        // Paper in Belgium: third working day after Friday is Wednesday 25 March.
        assert_eq!(
            last_notice_min_deadline(today, Jurisdiction::Be, Channel::Letter),
            d("2026-04-08")
        );
    }

    #[test]
    fn default_plan_is_exact_to_the_cent() {
        let total = Decimal::new(100000, 2);
        let plan = default_plan(total, d("2026-04-20"), 3);
        assert_eq!(plan.iter().map(|i| i.amount).sum::<Decimal>(), total);
        assert_eq!(plan[0].amount, Decimal::new(33333, 2));
        assert_eq!(plan[2].amount, Decimal::new(33334, 2));
        assert_eq!(plan[2].due, d("2026-06-20"));
    }

    #[test]
    fn towns_from_addresses() {
        assert_eq!(
            town_of(&["1 rue X".into(), "75008 Paris".into()]).as_deref(),
            Some("Paris")
        );
        assert_eq!(
            town_of(&["69002 Lyon CEDEX 02".into()]).as_deref(),
            Some("Lyon")
        );
        assert_eq!(town_of(&[]), None);
    }
}
