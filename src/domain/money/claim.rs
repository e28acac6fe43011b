//! What a dossier's debtor owes at a given date: principal, late-payment penalties or legal
//! interest, 40 € indemnities, recovery costs, NL/BE collection costs, with a line-by-line
//! breakdown. The conventions are in the module doc of `money`.

use crate::domain::money::calendar::add_days;
use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::Serialize;

use super::calendar::{days_in_year, next_working_day, split_half_years, HalfYear};
use super::rates::RateTable;
use super::scale::collection_costs;
use super::{format_rate, Imputation, MoneyError, MoneyRules};
use crate::domain::fold::{DossierState, Owing};
use crate::domain::model::{Creditor, Debtor, DebtorType, DossierKind, Item, Jurisdiction};
use crate::domain::parse::cents;
use crate::i18n::{self, tf};

/// Which rule makes the sums grow.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum Regime {
    /// Professional debtor: L441-10 penalties from the day after each due date, 40 € per late
    /// invoice, recorded recovery costs.
    B2bPenalties,
    /// Legal interest from the day after the formal notice was received (art. 1344-1, 1231-6
    /// Code civil). `from` is `None` while no notice has been sent.
    LegalInterest {
        from: Option<NaiveDate>,
        receipt_assumed: bool,
    },
    /// NL/BE consumer: the collection-cost scale, owed once the last notice's deadline passed.
    CollectionCosts,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum LineKind {
    /// An invoice that is due, and what paid or credited it.
    Principal,
    /// An invoice not yet due: listed, never claimed.
    NotYetDue,
    Penalty,
    Interest,
    Indemnity,
    Cost,
    CollectionCosts,
}

impl LineKind {
    /// Stable snake_case name (JSON).
    pub fn slug(self) -> &'static str {
        match self {
            LineKind::Principal => "principal",
            LineKind::NotYetDue => "not_yet_due",
            LineKind::Penalty => "penalty",
            LineKind::Interest => "interest",
            LineKind::Indemnity => "indemnity",
            LineKind::Cost => "cost",
            LineKind::CollectionCosts => "collection_costs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
            LineKind::Principal => i18n::t("money.line.principal"),
            LineKind::NotYetDue => i18n::t("money.line.not_yet_due"),
            LineKind::Penalty => i18n::t("money.line.penalty"),
            LineKind::Interest => i18n::t("money.line.interest"),
            LineKind::Indemnity => i18n::t("money.line.indemnity"),
            LineKind::Cost => i18n::t("money.line.cost"),
            LineKind::CollectionCosts => i18n::t("money.line.collection_costs"),
        }
    }
}

/// Where the rate of a line comes from: the distinct legal cases are kept apart.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum RateBasis {
    /// The rate in the terms of sale (checked against 3 × the legal rate).
    Contractual,
    /// No contractual rate: ECB refinancing rate of the half-year + 10 points (no floor).
    EcbPlus10,
    /// Legal rate for a creditor who is a natural person not acting professionally.
    LegalNaturalPerson,
    /// Legal rate, all other cases.
    LegalOther,
}

impl RateBasis {
    pub fn label(self) -> &'static str {
        match self {
            RateBasis::Contractual => i18n::t("money.basis.contractual"),
            RateBasis::EcbPlus10 => i18n::t("money.basis.ecb_plus_10"),
            RateBasis::LegalNaturalPerson => i18n::t("money.basis.legal_natural_person"),
            RateBasis::LegalOther => i18n::t("money.basis.legal_other"),
        }
    }
}

/// One line of the breakdown. Accrual lines cover one invoice, one half-year and one constant
/// base; fixed lines (indemnity, costs) have no period.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct BreakdownLine {
    pub kind: LineKind,
    /// Invoice reference, or the label of a recorded cost.
    pub item: String,
    /// First day counted.
    pub from: Option<NaiveDate>,
    /// Last day counted (included).
    pub to: Option<NaiveDate>,
    pub days: Option<i64>,
    pub half_year: Option<HalfYear>,
    /// Sum the rate applies to.
    pub base: Option<Decimal>,
    /// Percent per year.
    pub rate: Option<Decimal>,
    pub rate_basis: Option<RateBasis>,
    /// 365 or 366: the day-count denominator of this line.
    pub year_days: Option<i64>,
    pub amount: Decimal,
    /// Computed from a stand-in rate (half-year missing from the table or unconfirmed).
    pub provisional: bool,
    /// For a negative line: what reduced the sum (its date is `from`).
    pub settled_by: Option<Settled>,
}

impl BreakdownLine {
    fn fixed(kind: LineKind, item: &str, date: Option<NaiveDate>, amount: Decimal) -> Self {
        BreakdownLine {
            kind,
            item: item.to_string(),
            from: date,
            to: None,
            days: None,
            half_year: None,
            base: None,
            rate: None,
            rate_basis: None,
            year_days: None,
            amount,
            provisional: false,
            settled_by: None,
        }
    }

    /// A negative line: `amount` of `kind` paid, credited, waived or covered on `date`.
    fn cleared(kind: LineKind, by: Settled, date: NaiveDate, amount: Decimal) -> Self {
        BreakdownLine {
            settled_by: Some(by),
            ..BreakdownLine::fixed(kind, "", Some(date), -amount)
        }
    }

    /// One line of text for the CLI and letters, in the interface language.
    pub fn describe(&self) -> String {
        if let (Some(by), Some(date)) = (self.settled_by, self.from) {
            let key = match by {
                Settled::Payment => "money.line.by_payment",
                Settled::CreditNote => "money.line.by_credit_note",
                Settled::Waiver => "money.line.by_waiver",
                Settled::CoveredByIndemnities => "money.line.covered_by_indemnities",
            };
            let what = if self.item.is_empty() {
                self.kind.label().to_string()
            } else {
                format!("{} – {}", self.kind.label(), self.item)
            };
            return tf(
                key,
                &[
                    ("what", &what),
                    ("date", &i18n::date(date)),
                    ("amount", &i18n::money(self.amount)),
                ],
            );
        }
        match (self.from, self.to, self.days, self.rate, self.base) {
            (Some(from), Some(to), Some(days), Some(rate), Some(base)) => tf(
                "money.line.accrual",
                &[
                    ("kind", &self.kind.label()),
                    ("item", &self.item),
                    ("from", &i18n::date(from)),
                    ("to", &i18n::date(to)),
                    ("days", &days),
                    ("base", &i18n::money(base)),
                    ("rate", &format_rate(rate)),
                    ("year_days", &self.year_days.unwrap_or(365)),
                    ("amount", &i18n::money(self.amount)),
                ],
            ),
            _ if self.item.is_empty() => tf(
                "money.line.fixed_dossier",
                &[
                    ("kind", &self.kind.label()),
                    ("amount", &i18n::money(self.amount)),
                ],
            ),
            _ => tf(
                "money.line.fixed",
                &[
                    ("kind", &self.kind.label()),
                    ("item", &self.item),
                    ("amount", &i18n::money(self.amount)),
                ],
            ),
        }
    }
}

/// One item of the claim at the computation date.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ItemClaim {
    pub reference: String,
    pub issued: NaiveDate,
    pub due: NaiveDate,
    pub amount: Decimal,
    /// Principal still open after imputation of payments and credit notes.
    pub open: Decimal,
    /// Days between the due date and the computation date (0 when not late).
    pub days_late: i64,
    /// Due (its due date reached) at the computation date: part of the sum asked. An item not
    /// yet due is listed for information only.
    pub claimed: bool,
    /// Penalties or interest accrued on this item (before payments).
    pub accrued: Decimal,
    /// The 40 € indemnity accrued on this item (before payments).
    pub indemnity: Decimal,
}

/// How one payment was imputed.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Settlement {
    pub date: NaiveDate,
    pub amount: Decimal,
    pub to_penalties: Decimal,
    pub to_interest: Decimal,
    pub to_indemnities: Decimal,
    pub to_costs: Decimal,
    pub to_principal: Decimal,
    /// More than everything owed at that date.
    pub surplus: Decimal,
}

/// Things the user must know about the figures.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum ClaimNote {
    /// Rates for these half-years are stand-ins: the figures are provisional.
    ProvisionalRates { half_years: Vec<HalfYear> },
    /// Consumer: no interest until a formal notice is received.
    NoNoticeYet,
    /// No AR date recorded: receipt assumed the next working day after sending.
    ReceiptAssumed { date: NaiveDate },
    /// Recorded costs cannot be charged to a consumer; they are left out of the total.
    CostsNotChargeable { amount: Decimal },
    /// The debtor is under collective proceedings: no 40 € indemnity.
    NoIndemnityCollectiveProceedings,
    /// NL/BE: the collection costs to state in the last notice; owed only once its deadline passes.
    CollectionCostsAnnounced { amount: Decimal },
    /// NL/BE consumer: interest under local law is not computed here.
    LocalInterestNotComputed,
    /// Payments exceed everything owed.
    Overpaid { amount: Decimal },
}

impl ClaimNote {
    pub fn message(&self) -> String {
        match self {
            ClaimNote::ProvisionalRates { half_years } => {
                let list: Vec<String> = half_years.iter().map(|h| h.to_string()).collect();
                tf(
                    "money.note.provisional",
                    &[("half_years", &list.join(", "))],
                )
            }
            ClaimNote::NoNoticeYet => i18n::t("money.note.no_notice_yet").to_string(),
            ClaimNote::ReceiptAssumed { date } => tf(
                "money.note.receipt_assumed",
                &[("date", &i18n::date(*date))],
            ),
            ClaimNote::CostsNotChargeable { amount } => tf(
                "money.note.costs_not_chargeable",
                &[("amount", &i18n::money(*amount))],
            ),
            ClaimNote::NoIndemnityCollectiveProceedings => {
                i18n::t("money.note.collective_proceedings").to_string()
            }
            ClaimNote::CollectionCostsAnnounced { amount } => tf(
                "money.note.collection_costs_announced",
                &[("amount", &i18n::money(*amount))],
            ),
            ClaimNote::LocalInterestNotComputed => i18n::t("money.note.local_interest").to_string(),
            ClaimNote::Overpaid { amount } => {
                tf("money.note.overpaid", &[("amount", &i18n::money(*amount))])
            }
        }
    }
}

/// Everything owed at `at`, exact to the cent. Amounts are what is still owed once payments were
/// imputed; `lines` are the gross accruals and `settlements` how each payment was imputed, so that
/// `Σ lines of a kind − Σ settled to that kind = the total of that kind`.
///
/// Because payments settle penalties and indemnities before principal, `principal` can be higher
/// than `DossierState::balance()` (which nets every payment against the invoices): a debtor who
/// paid the invoice amount late still owes something.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct ClaimAmounts {
    pub at: NaiveDate,
    pub regime: Regime,
    /// Principal of the invoices due at the date (due date reached), still open.
    pub principal: Decimal,
    /// Principal of invoices not yet due: never part of `total_due`.
    pub not_yet_due: Decimal,
    pub penalties: Decimal,
    pub indemnities: Decimal,
    pub interest: Decimal,
    pub costs: Decimal,
    pub total_due: Decimal,
    /// What the total grows by per day after `at`.
    pub daily_growth: Decimal,
    /// Some figure depends on a rate missing from the table: show it as provisional.
    pub provisional: bool,
    pub provisional_half_years: Vec<HalfYear>,
    /// Serialised as `breakdown`, the name `recouvre status --json` uses.
    #[serde(rename = "breakdown")]
    pub lines: Vec<BreakdownLine>,
    pub settlements: Vec<Settlement>,
    /// Per item, oldest due date first: what the letter lists as "the claim".
    pub items: Vec<ItemClaim>,
    /// Sum of the items.
    pub invoiced: Decimal,
    /// Payments dated up to `at`.
    pub paid: Decimal,
    /// Credit notes dated up to `at`.
    pub credited: Decimal,
    /// Paid or credited beyond everything owed.
    pub surplus: Decimal,
    pub notes: Vec<ClaimNote>,
}

impl ClaimAmounts {
    /// Sum of the breakdown lines of one kind before anything reduced them.
    pub fn accrued(&self, kind: LineKind) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.kind == kind && l.settled_by.is_none())
            .map(|l| l.amount)
            .sum()
    }

    /// Principal still open, due or not: what the debtor will have to pay besides accessories.
    pub fn open_principal(&self) -> Decimal {
        self.principal + self.not_yet_due
    }

    /// Items with principal still open, oldest due date first.
    pub fn open_items(&self) -> impl Iterator<Item = &ItemClaim> {
        self.items.iter().filter(|i| i.open > Decimal::ZERO)
    }

    /// Nothing is owed now nor later: no open principal, no accessory left.
    pub fn settled(&self) -> bool {
        self.total_due <= Decimal::ZERO && self.not_yet_due <= Decimal::ZERO
    }

    /// What the stage and the schedule need to know.
    pub fn owing(&self) -> Owing {
        Owing {
            oldest_open_due: self.open_items().map(|i| i.due).min(),
            settled: self.settled(),
            principal_left: self.open_principal() > Decimal::ZERO,
        }
    }
}

/// Checks a contractual rate against the floor of half-year `h` (3 × the legal "other cases"
/// rate). Useful when the rate is typed in, before any claim is computed.
pub fn check_contractual_rate(
    rate: Decimal,
    rates: &RateTable,
    h: HalfYear,
) -> Result<(), MoneyError> {
    let floor = rates.lookup(h)?.row.contractual_floor();
    if rate < floor {
        return Err(MoneyError::ContractualRateBelowFloor {
            rate,
            floor,
            half_year: h,
        });
    }
    Ok(())
}

/// Checks a contractual rate against the floor of every half-year from `from` to `to` (the
/// period the claim's penalties run over), naming the first one it is below. Half-years before
/// the rate table are not checked (nothing is known of them).
pub fn check_contractual_rate_over(
    rate: Decimal,
    rates: &RateTable,
    from: NaiveDate,
    to: NaiveDate,
) -> Result<(), MoneyError> {
    let mut h = HalfYear::containing(from.min(to));
    let last = HalfYear::containing(to.max(from));
    loop {
        match check_contractual_rate(rate, rates, h) {
            Err(MoneyError::RateMissing { .. }) | Ok(()) => {}
            Err(e) => return Err(e),
        }
        if h >= last {
            return Ok(());
        }
        h = h.next();
    }
}

struct AppliedRate {
    rate: Decimal,
    basis: RateBasis,
    provisional: bool,
}

/// The growing part of the claim: penalties (B2B) or legal interest.
struct Accrual<'a> {
    kind: LineKind,
    rates: &'a RateTable,
    contractual: Option<Decimal>,
    natural_person_creditor: bool,
    /// Off when only the principal is wanted (the rates could not be applied).
    enabled: bool,
}

impl Accrual<'_> {
    fn rate(&self, h: HalfYear) -> Result<AppliedRate, MoneyError> {
        let l = self.rates.lookup(h)?;
        let (rate, basis) = match (self.kind, self.contractual) {
            (LineKind::Penalty, Some(c)) => {
                check_contractual_rate(c, self.rates, h)?;
                (c, RateBasis::Contractual)
            }
            (LineKind::Penalty, None) => (l.row.default_penalty_rate(), RateBasis::EcbPlus10),
            _ if self.natural_person_creditor => (
                l.row.legal_rate_consumer_creditor,
                RateBasis::LegalNaturalPerson,
            ),
            _ => (l.row.legal_rate_other, RateBasis::LegalOther),
        };
        Ok(AppliedRate {
            rate,
            basis,
            provisional: l.provisional,
        })
    }

    /// Lines for `base` over the days after `after` up to `until`, one per half-year.
    fn lines(
        &self,
        item: &str,
        base: Decimal,
        after: NaiveDate,
        until: NaiveDate,
    ) -> Result<Vec<BreakdownLine>, MoneyError> {
        if base <= Decimal::ZERO || !self.enabled {
            return Ok(vec![]);
        }
        split_half_years(after, until)
            .into_iter()
            .map(|p| {
                let r = self.rate(p.half_year)?;
                let year_days = days_in_year(p.half_year.year);
                let days = p.days();
                // Multiply before dividing so that the only rounding is the final one.
                let amount = cents(
                    base * r.rate * Decimal::from(days)
                        / (Decimal::from(100) * Decimal::from(year_days)),
                );
                Ok(BreakdownLine {
                    kind: self.kind,
                    item: item.to_string(),
                    from: Some(p.first),
                    to: Some(p.last),
                    days: Some(days),
                    half_year: Some(p.half_year),
                    base: Some(base),
                    rate: Some(r.rate),
                    rate_basis: Some(r.basis),
                    year_days: Some(year_days),
                    amount,
                    provisional: r.provisional,
                    settled_by: None,
                })
            })
            .collect()
    }
}

/// What reduced a sum: the negative lines of the breakdown say which.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Settled {
    Payment,
    CreditNote,
    /// A journaled waiver of the accessories.
    Waiver,
    /// Recorded costs up to the 40 € indemnities they are deemed to cover (L441-10 II).
    CoveredByIndemnities,
}

/// Running state of one item during the computation.
struct Track<'a> {
    item: &'a Item,
    /// Due date once the contractual payment terms are applied.
    due: NaiveDate,
    open: Decimal,
    /// Accrual runs on the days after this date (`None`: it does not run).
    start: Option<NaiveDate>,
    /// Start of the segment not yet written as lines (base unchanged since).
    seg_start: NaiveDate,
    lines: Vec<BreakdownLine>,
    /// What reduced the principal: date, by what, how much.
    reductions: Vec<(NaiveDate, Settled, Decimal)>,
    late: Option<bool>,
}

impl Track<'_> {
    fn accrued_until(&self, acc: &Accrual, d: NaiveDate) -> Result<Decimal, MoneyError> {
        let done: Decimal = self.lines.iter().map(|l| l.amount).sum();
        let pending: Decimal = match self.start {
            Some(_) => acc
                .lines(&self.item.reference, self.open, self.seg_start, d)?
                .iter()
                .map(|l| l.amount)
                .sum(),
            None => Decimal::ZERO,
        };
        Ok(done + pending)
    }

    /// Writes the segment up to `d` as lines so that the base can change from `d + 1`.
    fn close_segment(&mut self, acc: &Accrual, d: NaiveDate) -> Result<(), MoneyError> {
        if self.start.is_some() && d > self.seg_start {
            let l = acc.lines(&self.item.reference, self.open, self.seg_start, d)?;
            self.lines.extend(l);
            self.seg_start = d;
        }
        Ok(())
    }

    /// Takes up to `amount` off this item's principal; returns what was taken.
    fn reduce(
        &mut self,
        acc: &Accrual,
        amount: Decimal,
        date: NaiveDate,
        by: Settled,
    ) -> Result<Decimal, MoneyError> {
        let take = amount.min(self.open).max(Decimal::ZERO);
        if take > Decimal::ZERO {
            self.close_segment(acc, date)?;
            self.open -= take;
            self.reductions.push((date, by, take));
        }
        Ok(take)
    }
}

enum Movement<'a> {
    Payment {
        amount: Decimal,
        invoice: Option<&'a str>,
    },
    Credit {
        amount: Decimal,
        invoice: Option<&'a str>,
    },
    Waiver,
}

fn same_reference(a: &str, b: &str) -> bool {
    a.trim().eq_ignore_ascii_case(b.trim())
}

/// The item a payment goes to first: the invoice the debtor named, else the one whose open
/// principal the amount matches exactly (oldest first), which is how debtors pay in practice.
fn target_item(tracks: &[Track], invoice: Option<&str>, amount: Option<Decimal>) -> Option<usize> {
    match invoice {
        Some(r) => tracks
            .iter()
            .position(|t| same_reference(&t.item.reference, r)),
        None => amount.and_then(|a| {
            tracks
                .iter()
                .position(|t| t.open > Decimal::ZERO && t.open == a)
        }),
    }
}

/// Paid or waived so far, per kind of accessory, and the negative lines that say so.
#[derive(Default)]
struct Cleared {
    charges: Decimal,
    indemnities: Decimal,
    costs: Decimal,
    lines: Vec<BreakdownLine>,
}

impl Cleared {
    /// Clears up to `available` of what is still owed of `kind` (`owed` before anything cleared)
    /// on `date`, writes the line, and returns the amount taken.
    fn take(
        &mut self,
        kind: LineKind,
        owed: Decimal,
        available: Decimal,
        by: Settled,
        date: NaiveDate,
    ) -> Decimal {
        let done = match kind {
            LineKind::Indemnity => &mut self.indemnities,
            LineKind::Cost => &mut self.costs,
            _ => &mut self.charges,
        };
        let take = available.min(owed - *done).max(Decimal::ZERO);
        *done += take;
        if take > Decimal::ZERO {
            self.lines
                .push(BreakdownLine::cleared(kind, by, date, take));
        }
        take
    }
}

/// Everything owed on dossier `st` at `at` (the date of the letter or of the screen).
///
/// Only payments, credit notes, costs and waivers dated up to `at` count, so a past date gives the
/// figures as they stood then. Fails when a contractual rate is below the floor of a half-year
/// the claim spans, or when a half-year precedes the rate table; [`principal_claim`] then gives
/// the principal as the same imputation leaves it.
pub fn compute_claim(
    st: &DossierState,
    debtor: &Debtor,
    creditor: &Creditor,
    rates: &RateTable,
    rules: &MoneyRules,
    at: NaiveDate,
) -> Result<ClaimAmounts, MoneyError> {
    check_bounds(st)?;
    claim_with(st, debtor, creditor, rates, rules, at, true)
}

/// Years outside which a stored date is not computed with (wider than what input accepts, so
/// that older records typed before the input bounds still compute).
const GUARD_YEARS: std::ops::RangeInclusive<i32> =
    (crate::domain::parse::MIN_YEAR - 100)..=(crate::domain::parse::MAX_YEAR + 100);

/// The first money-bearing record of the dossier that is out of the bounds input enforces (an
/// amount above [`MAX_AMOUNT`](crate::domain::parse::MAX_AMOUNT), a rate outside 0–100 %, a date
/// far outside the accepted years), as `(record, value)`. Such a record can only come from an
/// older version or an import; computing with it could overflow, so the dossier shows an error
/// instead and the rest of the portfolio is unaffected.
pub fn out_of_bounds(st: &DossierState) -> Option<(String, String)> {
    use crate::domain::parse::MAX_AMOUNT;
    let amount_bad = |a: Decimal| a.abs() > MAX_AMOUNT;
    let date_bad = |d: NaiveDate| !GUARD_YEARS.contains(&chrono::Datelike::year(&d));
    let mut found: Option<(String, String)> = None;
    let mut check = |record: &str, amount: Option<Decimal>, dates: &[NaiveDate]| {
        if found.is_some() {
            return;
        }
        if let Some(a) = amount.filter(|a| amount_bad(*a)) {
            found = Some((record.to_string(), a.to_string()));
        } else if let Some(d) = dates.iter().find(|d| date_bad(**d)) {
            found = Some((record.to_string(), d.to_string()));
        }
    };
    check("created", None, &[st.created]);
    if let Some(r) = st.contractual_rate {
        if r.is_sign_negative() || r > MAX_RATE {
            return Some(("contractual_rate".into(), r.to_string()));
        }
    }
    for i in &st.items {
        check(&i.reference, Some(i.amount), &[i.issued, i.due]);
    }
    for p in &st.payments {
        check(&format!("#{}", p.seq), Some(p.amount), &[p.date]);
    }
    for c in &st.credit_notes {
        check(&c.reference, Some(c.amount), &[c.date]);
    }
    for c in &st.costs {
        check(&format!("#{}", c.seq), Some(c.amount), &[c.date]);
    }
    for w in &st.waivers {
        check(&format!("#{}", w.seq), None, &[w.date]);
    }
    if let Some(n) = &st.notice {
        let mut dates = vec![n.date, n.deadline];
        dates.extend(n.received);
        check(&format!("#{}", n.seq), None, &dates);
    }
    if let Some(p) = &st.promise {
        check(&format!("#{}", p.seq), Some(p.amount), &[p.date, p.until]);
    }
    if let Some(p) = &st.plan {
        for i in &p.instalments {
            check(&format!("#{}", p.seq), Some(i.amount), &[p.date, i.due]);
        }
    }
    found
}

/// Highest rate (percent per year) accepted for a contractual rate or a row of the rate table.
pub const MAX_RATE: Decimal = Decimal::from_parts(100, 0, 0, false, 0);

fn check_bounds(st: &DossierState) -> Result<(), MoneyError> {
    match out_of_bounds(st) {
        Some((record, value)) => Err(MoneyError::OutOfBounds { record, value }),
        None => Ok(()),
    }
}

/// The claim without penalties or interest: what is left of each invoice once payments and credit
/// notes are imputed, for when the rates cannot be applied (the error is shown beside it).
pub fn principal_claim(
    st: &DossierState,
    debtor: &Debtor,
    creditor: &Creditor,
    rules: &MoneyRules,
    at: NaiveDate,
) -> ClaimAmounts {
    let rates = RateTable::builtin();
    if out_of_bounds(st).is_some() {
        // Only the records within bounds: the error says which one was left out.
        let kept = within_bounds(st);
        return claim_with(&kept, debtor, creditor, &rates, rules, at, false)
            .expect("nothing that can fail runs without accrual");
    }
    claim_with(st, debtor, creditor, &rates, rules, at, false)
        .expect("nothing that can fail runs without accrual")
}

/// The dossier without its money-bearing records that are out of bounds.
fn within_bounds(st: &DossierState) -> DossierState {
    use crate::domain::parse::MAX_AMOUNT;
    let ok_amount = |a: Decimal| a.abs() <= MAX_AMOUNT;
    let ok_date = |d: NaiveDate| GUARD_YEARS.contains(&chrono::Datelike::year(&d));
    let mut st = st.clone();
    st.items
        .retain(|i| ok_amount(i.amount) && ok_date(i.issued) && ok_date(i.due));
    st.payments
        .retain(|p| ok_amount(p.amount) && ok_date(p.date));
    st.credit_notes
        .retain(|c| ok_amount(c.amount) && ok_date(c.date));
    st.costs.retain(|c| ok_amount(c.amount) && ok_date(c.date));
    st.waivers.retain(|w| ok_date(w.date));
    st.notice = st
        .notice
        .filter(|n| ok_date(n.date) && ok_date(n.deadline) && n.received.is_none_or(ok_date));
    st.promise = st
        .promise
        .filter(|p| ok_amount(p.amount) && ok_date(p.date) && ok_date(p.until));
    st.plan = st.plan.filter(|p| {
        ok_date(p.date)
            && p.instalments
                .iter()
                .all(|i| ok_amount(i.amount) && ok_date(i.due))
    });
    st.contractual_rate = st
        .contractual_rate
        .filter(|r| !r.is_sign_negative() && *r <= MAX_RATE);
    st
}

/// Whether the debtor is under collective proceedings: the dossier's journal, else the debtor
/// record.
pub fn in_collective_proceedings(st: &DossierState, debtor: &Debtor) -> bool {
    st.collective_proceedings
        .unwrap_or(debtor.collective_proceedings)
}

#[allow(clippy::too_many_arguments)]
fn claim_with(
    st: &DossierState,
    debtor: &Debtor,
    creditor: &Creditor,
    rates: &RateTable,
    rules: &MoneyRules,
    at: NaiveDate,
    accrue: bool,
) -> Result<ClaimAmounts, MoneyError> {
    let consumer = debtor.debtor_type == DebtorType::B2c;
    let mut notes = Vec::new();
    let regime = if consumer && st.jurisdiction != Jurisdiction::Fr {
        notes.push(ClaimNote::LocalInterestNotComputed);
        Regime::CollectionCosts
    } else if consumer || st.kind == DossierKind::Refund {
        // A French notice (not a NL/BE last notice) sent by `at` starts legal interest.
        match st
            .notice
            .as_ref()
            .filter(|n| !n.last_notice && n.date <= at)
        {
            Some(n) => {
                let receipt = n.received.unwrap_or_else(|| next_working_day(n.date));
                if n.received.is_none() {
                    notes.push(ClaimNote::ReceiptAssumed { date: receipt });
                }
                Regime::LegalInterest {
                    from: Some(receipt),
                    receipt_assumed: n.received.is_none(),
                }
            }
            None => {
                notes.push(ClaimNote::NoNoticeYet);
                Regime::LegalInterest {
                    from: None,
                    receipt_assumed: false,
                }
            }
        }
    } else {
        Regime::B2bPenalties
    };
    let b2b = regime == Regime::B2bPenalties;
    let collective = in_collective_proceedings(st, debtor);
    let indemnity_applies = b2b && !collective;
    if b2b && collective {
        notes.push(ClaimNote::NoIndemnityCollectiveProceedings);
    }
    let acc = Accrual {
        kind: if b2b {
            LineKind::Penalty
        } else {
            LineKind::Interest
        },
        rates,
        contractual: st.contractual_rate,
        natural_person_creditor: creditor.natural_person,
        enabled: accrue,
    };

    let mut tracks: Vec<Track> = st
        .items
        .iter()
        .map(|it| {
            let due = st.due_of(it);
            let start = match regime {
                Regime::B2bPenalties => Some(due),
                Regime::LegalInterest { from: Some(r), .. } => Some(r.max(due)),
                _ => None,
            };
            Track {
                item: it,
                due,
                open: it.amount,
                start,
                seg_start: start.unwrap_or(due),
                lines: vec![],
                reductions: vec![],
                late: None,
            }
        })
        .collect();
    tracks.sort_by_key(|t| (t.due, t.item.issued));

    // Recovery costs are the creditor's own burden against a consumer.
    let costs_chargeable = b2b || (st.kind == DossierKind::Refund && !consumer);
    let recorded_costs: Vec<_> = st.costs.iter().filter(|c| c.date <= at).collect();
    let recorded_total: Decimal = recorded_costs.iter().map(|c| c.amount).sum();
    if !costs_chargeable && recorded_total > Decimal::ZERO {
        notes.push(ClaimNote::CostsNotChargeable {
            amount: recorded_total,
        });
    }
    let indemnities_at = |tracks: &[Track]| -> Decimal {
        if indemnity_applies {
            rules.recovery_indemnity
                * Decimal::from(tracks.iter().filter(|t| t.late == Some(true)).count())
        } else {
            Decimal::ZERO
        }
    };
    // Only the part of the recorded costs above the 40 € indemnities is owed (L441-10 II).
    let costs_at = |tracks: &[Track], d: NaiveDate| -> Decimal {
        if !costs_chargeable {
            return Decimal::ZERO;
        }
        let recorded: Decimal = recorded_costs
            .iter()
            .filter(|c| c.date <= d)
            .map(|c| c.amount)
            .sum();
        (recorded - indemnities_at(tracks)).max(Decimal::ZERO)
    };

    let mut moves: Vec<(NaiveDate, u32, Movement)> = st
        .payments
        .iter()
        .filter(|p| p.date <= at)
        .map(|p| {
            (
                p.date,
                p.seq,
                Movement::Payment {
                    amount: p.amount,
                    invoice: p.invoice.as_deref(),
                },
            )
        })
        .chain(st.credit_notes.iter().filter(|c| c.date <= at).map(|c| {
            (
                c.date,
                c.seq,
                Movement::Credit {
                    amount: c.amount,
                    invoice: c.invoice.as_deref().or(Some(c.reference.as_str())),
                },
            )
        }))
        .chain(
            st.waivers
                .iter()
                .filter(|w| w.date <= at)
                .map(|w| (w.date, w.seq, Movement::Waiver)),
        )
        .collect();
    moves.sort_by_key(|m| (m.0, m.1));

    let mut settlements = Vec::new();
    let mut cleared = Cleared::default();
    let mut surplus = Decimal::ZERO;
    let mark_late = |tracks: &mut Vec<Track>, d: NaiveDate| {
        for t in tracks.iter_mut() {
            if t.late.is_none() && t.due < d {
                t.late = Some(t.open > Decimal::ZERO);
            }
        }
    };
    let accrued_at = |tracks: &[Track], d: NaiveDate| -> Result<Decimal, MoneyError> {
        let mut sum = Decimal::ZERO;
        for t in tracks {
            sum += t.accrued_until(&acc, d)?;
        }
        Ok(sum)
    };

    for (date, _, mv) in moves {
        mark_late(&mut tracks, date);
        match mv {
            Movement::Credit { amount, invoice } => {
                // A credit note cancels (part of) the invoice it names, then the oldest.
                let mut rest = amount;
                if let Some(i) = target_item(&tracks, invoice, None) {
                    rest -= tracks[i].reduce(&acc, rest, date, Settled::CreditNote)?;
                }
                for t in tracks.iter_mut() {
                    rest -= t.reduce(&acc, rest, date, Settled::CreditNote)?;
                }
                surplus += rest;
            }
            Movement::Waiver => {
                let everything = Decimal::MAX;
                let charges = accrued_at(&tracks, date)?;
                cleared.take(acc.kind, charges, everything, Settled::Waiver, date);
                let indemnities = indemnities_at(&tracks);
                cleared.take(
                    LineKind::Indemnity,
                    indemnities,
                    everything,
                    Settled::Waiver,
                    date,
                );
                let costs = costs_at(&tracks, date);
                cleared.take(LineKind::Cost, costs, everything, Settled::Waiver, date);
            }
            Movement::Payment { amount, invoice } => {
                let mut rest = amount;
                let mut s = Settlement {
                    date,
                    amount,
                    to_penalties: Decimal::ZERO,
                    to_interest: Decimal::ZERO,
                    to_indemnities: Decimal::ZERO,
                    to_costs: Decimal::ZERO,
                    to_principal: Decimal::ZERO,
                    surplus: Decimal::ZERO,
                };
                // The debtor's choice of invoice comes first (art. 1342-10 Code civil).
                if let Some(i) = target_item(&tracks, invoice, Some(amount)) {
                    let took = tracks[i].reduce(&acc, rest, date, Settled::Payment)?;
                    rest -= took;
                    s.to_principal += took;
                }
                let charges = |rest: &mut Decimal,
                               s: &mut Settlement,
                               tracks: &[Track],
                               cleared: &mut Cleared|
                 -> Result<(), MoneyError> {
                    let owed = accrued_at(tracks, date)?;
                    let take = cleared.take(acc.kind, owed, *rest, Settled::Payment, date);
                    *rest -= take;
                    if b2b {
                        s.to_penalties += take;
                    } else {
                        s.to_interest += take;
                    }
                    Ok(())
                };
                let fixed = |rest: &mut Decimal,
                             s: &mut Settlement,
                             tracks: &[Track],
                             cleared: &mut Cleared| {
                    let owed = indemnities_at(tracks);
                    let take =
                        cleared.take(LineKind::Indemnity, owed, *rest, Settled::Payment, date);
                    *rest -= take;
                    s.to_indemnities += take;
                    let owed = costs_at(tracks, date);
                    let take = cleared.take(LineKind::Cost, owed, *rest, Settled::Payment, date);
                    *rest -= take;
                    s.to_costs += take;
                };
                let principal =
                    |rest: &mut Decimal, s: &mut Settlement, tracks: &mut Vec<Track>| {
                        for t in tracks.iter_mut() {
                            let took = t.reduce(&acc, *rest, date, Settled::Payment)?;
                            *rest -= took;
                            s.to_principal += took;
                        }
                        Ok::<(), MoneyError>(())
                    };
                // Art. 1343-1: accrued penalties or interest first, then the interest-bearing
                // principal, and only then the indemnities and costs, which bear no interest.
                match rules.imputation {
                    Imputation::ChargesFirst => {
                        charges(&mut rest, &mut s, &tracks, &mut cleared)?;
                        principal(&mut rest, &mut s, &mut tracks)?;
                    }
                    Imputation::PrincipalFirst => {
                        principal(&mut rest, &mut s, &mut tracks)?;
                        charges(&mut rest, &mut s, &tracks, &mut cleared)?;
                    }
                }
                fixed(&mut rest, &mut s, &tracks, &mut cleared);
                s.surplus = rest;
                surplus += rest;
                settlements.push(s);
            }
        }
    }
    mark_late(&mut tracks, at);

    let mut lines = Vec::new();
    let mut item_claims = Vec::new();
    for t in tracks.iter_mut() {
        t.close_segment(&acc, at)?;
        let accrued: Decimal = t.lines.iter().map(|l| l.amount).sum();
        lines.append(&mut t.lines);
        let indemnity = if indemnity_applies && t.late == Some(true) {
            lines.push(BreakdownLine::fixed(
                LineKind::Indemnity,
                &t.item.reference,
                Some(add_days(t.due, 1)),
                rules.recovery_indemnity,
            ));
            rules.recovery_indemnity
        } else {
            Decimal::ZERO
        };
        item_claims.push(ItemClaim {
            reference: t.item.reference.clone(),
            issued: t.item.issued,
            due: t.due,
            amount: t.item.amount,
            open: t.open,
            days_late: (at - t.due).num_days().max(0),
            claimed: t.due <= at,
            accrued,
            indemnity,
        });
    }
    if costs_chargeable {
        lines.extend(
            recorded_costs
                .iter()
                .map(|c| BreakdownLine::fixed(LineKind::Cost, &c.label, Some(c.date), c.amount)),
        );
        // What a waiver or payment already cleared is not covered a second time.
        let covered = recorded_total
            .min(indemnities_at(&tracks))
            .min((recorded_total - cleared.costs).max(Decimal::ZERO));
        if covered > Decimal::ZERO {
            lines.push(BreakdownLine::cleared(
                LineKind::Cost,
                Settled::CoveredByIndemnities,
                at,
                covered,
            ));
        }
    }

    if regime == Regime::CollectionCosts {
        let principal_now: Decimal = tracks.iter().map(|t| t.open).sum();
        if let Some(n) = st.notice.as_ref().filter(|n| n.last_notice && n.date <= at) {
            let base = principal_open_on(&tracks, n.date);
            let amount = collection_costs(st.jurisdiction, base).unwrap_or_default();
            if at > n.deadline && principal_open_on(&tracks, n.deadline) > Decimal::ZERO {
                // The scale applies to the dossier as a whole, not to one invoice.
                lines.push(BreakdownLine::fixed(
                    LineKind::CollectionCosts,
                    "",
                    Some(add_days(n.deadline, 1)),
                    amount,
                ));
            } else {
                notes.push(ClaimNote::CollectionCostsAnnounced { amount });
            }
        } else if let Some(amount) = collection_costs(st.jurisdiction, principal_now) {
            notes.push(ClaimNote::CollectionCostsAnnounced { amount });
        }
    }
    lines.append(&mut cleared.lines);
    // Principal last: each invoice, then what paid or credited it. Invoices not yet due are kept
    // apart: a letter may list them but never asks for them.
    for t in &tracks {
        let kind = if t.due <= at {
            LineKind::Principal
        } else {
            LineKind::NotYetDue
        };
        lines.push(BreakdownLine::fixed(
            kind,
            &t.item.reference,
            Some(t.due),
            t.item.amount,
        ));
        for (date, by, amount) in &t.reductions {
            let mut l = BreakdownLine::cleared(kind, *by, *date, *amount);
            l.item = t.item.reference.clone();
            lines.push(l);
        }
    }

    // The growth a letter states is the current day's: using tomorrow's rate would make a claim
    // computed on 31 December or 30 June depend on a half-year that has not started.
    let mut daily = Decimal::ZERO;
    let mut growth_provisional = Vec::new();
    if accrue {
        for t in &tracks {
            if t.start.is_some_and(|s| s <= at) && t.open > Decimal::ZERO {
                let h = HalfYear::containing(at);
                let r = acc.rate(h)?;
                if r.provisional {
                    growth_provisional.push(h);
                }
                daily +=
                    t.open * r.rate / (Decimal::from(100) * Decimal::from(days_in_year(h.year)));
            }
        }
    }
    let daily_growth = cents(daily);

    let sum =
        |k: LineKind| -> Decimal { lines.iter().filter(|l| l.kind == k).map(|l| l.amount).sum() };
    let principal = sum(LineKind::Principal);
    let not_yet_due = sum(LineKind::NotYetDue);
    let penalties = sum(LineKind::Penalty);
    let interest = sum(LineKind::Interest);
    let indemnities = sum(LineKind::Indemnity);
    let costs = sum(LineKind::Cost) + sum(LineKind::CollectionCosts);
    let total_due = principal + penalties + interest + indemnities + costs;

    let mut provisional_half_years: Vec<HalfYear> = lines
        .iter()
        .filter(|l| l.provisional)
        .filter_map(|l| l.half_year)
        .chain(growth_provisional)
        .collect();
    provisional_half_years.sort();
    provisional_half_years.dedup();
    if !provisional_half_years.is_empty() {
        notes.insert(
            0,
            ClaimNote::ProvisionalRates {
                half_years: provisional_half_years.clone(),
            },
        );
    }
    if surplus > Decimal::ZERO {
        notes.push(ClaimNote::Overpaid { amount: surplus });
    }

    Ok(ClaimAmounts {
        at,
        regime,
        principal,
        not_yet_due,
        penalties,
        indemnities,
        interest,
        costs,
        total_due,
        daily_growth,
        provisional: !provisional_half_years.is_empty(),
        provisional_half_years,
        lines,
        settlements,
        items: item_claims,
        invoiced: st.total_items(),
        paid: st
            .payments
            .iter()
            .filter(|p| p.date <= at)
            .map(|p| p.amount)
            .sum(),
        credited: st
            .credit_notes
            .iter()
            .filter(|c| c.date <= at)
            .map(|c| c.amount)
            .sum(),
        surplus,
        notes,
    })
}

/// Principal still open at the end of day `d`, from the imputation's own record.
fn principal_open_on(tracks: &[Track], d: NaiveDate) -> Decimal {
    tracks
        .iter()
        .map(|t| {
            let reduced: Decimal = t
                .reductions
                .iter()
                .filter(|(date, _, _)| *date <= d)
                .map(|(_, _, a)| *a)
                .sum();
            t.item.amount - reduced
        })
        .sum()
}
