//! What a dossier's debtor owes at a given date: principal, late-payment penalties or legal
//! interest, 40 € indemnities, recovery costs, NL/BE collection costs, with a line-by-line
//! breakdown. The conventions are in the module doc of `money`.

use chrono::{Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::calendar::{days_in_year, next_working_day, split_half_years, HalfYear};
use super::rates::RateTable;
use super::scale::collection_costs;
use super::{format_rate, Imputation, MoneyError, MoneyRules};
use crate::domain::fold::DossierState;
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
            LineKind::Penalty => "penalty",
            LineKind::Interest => "interest",
            LineKind::Indemnity => "indemnity",
            LineKind::Cost => "cost",
            LineKind::CollectionCosts => "collection_costs",
        }
    }

    pub fn label(self) -> &'static str {
        match self {
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
        }
    }

    /// One line of text for the CLI and letters, in the interface language.
    pub fn describe(&self) -> String {
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
    pub principal: Decimal,
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
    pub notes: Vec<ClaimNote>,
}

impl ClaimAmounts {
    /// Sum of the breakdown lines of one kind (before payments).
    pub fn accrued(&self, kind: LineKind) -> Decimal {
        self.lines
            .iter()
            .filter(|l| l.kind == kind)
            .map(|l| l.amount)
            .sum()
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
        if base <= Decimal::ZERO {
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
                })
            })
            .collect()
    }
}

/// Running state of one item during the computation.
struct Track<'a> {
    item: &'a Item,
    open: Decimal,
    /// Accrual runs on the days after this date (`None`: it does not run).
    start: Option<NaiveDate>,
    /// Start of the segment not yet written as lines (base unchanged since).
    seg_start: NaiveDate,
    lines: Vec<BreakdownLine>,
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
}

#[derive(Clone, Copy)]
enum Movement {
    Payment(Decimal),
    Credit(Decimal),
}

/// Everything owed on dossier `st` at `at` (the date of the letter or of the screen).
///
/// Only payments, credit notes and costs dated up to `at` count, so a past date gives the figures
/// as they stood then. Fails when a contractual rate is below the floor of a half-year the claim
/// spans, or when a half-year precedes the rate table.
pub fn compute_claim(
    st: &DossierState,
    debtor: &Debtor,
    creditor: &Creditor,
    rates: &RateTable,
    rules: &MoneyRules,
    at: NaiveDate,
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
    let indemnity_applies = b2b && !debtor.collective_proceedings;
    if b2b && debtor.collective_proceedings {
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
    };

    let mut items: Vec<&Item> = st.items.iter().collect();
    items.sort_by_key(|i| (i.due, i.issued));
    let mut tracks: Vec<Track> = items
        .iter()
        .map(|it| {
            let start = match regime {
                Regime::B2bPenalties => Some(it.due),
                Regime::LegalInterest { from: Some(r), .. } => Some(r.max(it.due)),
                _ => None,
            };
            Track {
                item: it,
                open: it.amount,
                start,
                seg_start: start.unwrap_or(it.due),
                lines: vec![],
                late: None,
            }
        })
        .collect();

    // Recovery costs are the creditor's own burden against a consumer.
    let recorded_costs: Vec<_> = st.costs.iter().filter(|c| c.date <= at).collect();
    let recorded_total: Decimal = recorded_costs.iter().map(|c| c.amount).sum();
    let cost_lines: Vec<BreakdownLine> = if b2b || (st.kind == DossierKind::Refund && !consumer) {
        recorded_costs
            .iter()
            .map(|c| BreakdownLine::fixed(LineKind::Cost, &c.label, Some(c.date), c.amount))
            .collect()
    } else {
        if recorded_total > Decimal::ZERO {
            notes.push(ClaimNote::CostsNotChargeable {
                amount: recorded_total,
            });
        }
        vec![]
    };

    let mut moves: Vec<(NaiveDate, u32, Movement)> = st
        .payments
        .iter()
        .filter(|p| p.date <= at)
        .map(|p| (p.date, p.seq, Movement::Payment(p.amount)))
        .chain(
            st.credit_notes
                .iter()
                .filter(|c| c.date <= at)
                .map(|c| (c.date, c.seq, Movement::Credit(c.amount))),
        )
        .collect();
    moves.sort_by_key(|m| (m.0, m.1));

    let mut settlements = Vec::new();
    let mut paid_charges = Decimal::ZERO;
    let mut paid_indemnities = Decimal::ZERO;
    let mut paid_costs = Decimal::ZERO;
    let mut surplus = Decimal::ZERO;
    let mark_late = |tracks: &mut Vec<Track>, d: NaiveDate| {
        for t in tracks.iter_mut() {
            if t.late.is_none() && t.item.due < d {
                t.late = Some(t.open > Decimal::ZERO);
            }
        }
    };

    for (date, _, mv) in moves {
        mark_late(&mut tracks, date);
        match mv {
            Movement::Credit(amount) => {
                let rest = reduce_principal(&mut tracks, &acc, amount, date)?;
                surplus += rest;
            }
            Movement::Payment(amount) => {
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
                let mut charges = |rest: &mut Decimal,
                                   s: &mut Settlement,
                                   tracks: &Vec<Track>|
                 -> Result<(), MoneyError> {
                    let mut accrued = Decimal::ZERO;
                    for t in tracks {
                        accrued += t.accrued_until(&acc, date)?;
                    }
                    let take = (*rest).min(accrued - paid_charges).max(Decimal::ZERO);
                    paid_charges += take;
                    *rest -= take;
                    if b2b {
                        s.to_penalties += take;
                    } else {
                        s.to_interest += take;
                    }
                    let indemnities = if indemnity_applies {
                        rules.recovery_indemnity
                            * Decimal::from(tracks.iter().filter(|t| t.late == Some(true)).count())
                    } else {
                        Decimal::ZERO
                    };
                    let take = (*rest)
                        .min(indemnities - paid_indemnities)
                        .max(Decimal::ZERO);
                    paid_indemnities += take;
                    *rest -= take;
                    s.to_indemnities += take;
                    let costs: Decimal = cost_lines
                        .iter()
                        .filter(|c| c.from.is_some_and(|d| d <= date))
                        .map(|c| c.amount)
                        .sum();
                    let take = (*rest).min(costs - paid_costs).max(Decimal::ZERO);
                    paid_costs += take;
                    *rest -= take;
                    s.to_costs += take;
                    Ok(())
                };
                match rules.imputation {
                    Imputation::ChargesFirst => {
                        charges(&mut rest, &mut s, &tracks)?;
                        let left = reduce_principal(&mut tracks, &acc, rest, date)?;
                        s.to_principal = rest - left;
                        rest = left;
                    }
                    Imputation::PrincipalFirst => {
                        let left = reduce_principal(&mut tracks, &acc, rest, date)?;
                        s.to_principal = rest - left;
                        rest = left;
                        charges(&mut rest, &mut s, &tracks)?;
                    }
                }
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
                Some(t.item.due + Duration::days(1)),
                rules.recovery_indemnity,
            ));
            rules.recovery_indemnity
        } else {
            Decimal::ZERO
        };
        item_claims.push(ItemClaim {
            reference: t.item.reference.clone(),
            issued: t.item.issued,
            due: t.item.due,
            amount: t.item.amount,
            open: t.open,
            days_late: (at - t.item.due).num_days().max(0),
            accrued,
            indemnity,
        });
    }
    lines.extend(cost_lines);

    let principal: Decimal = tracks.iter().map(|t| t.open).sum();
    if regime == Regime::CollectionCosts {
        if let Some(n) = st.notice.as_ref().filter(|n| n.last_notice && n.date <= at) {
            let base = principal_open_on(st, n.date);
            let amount = collection_costs(st.jurisdiction, base).unwrap_or_default();
            if at > n.deadline && principal_open_on(st, n.deadline) > Decimal::ZERO {
                // The scale applies to the dossier as a whole, not to one invoice.
                lines.push(BreakdownLine::fixed(
                    LineKind::CollectionCosts,
                    "",
                    Some(n.deadline + Duration::days(1)),
                    amount,
                ));
            } else {
                notes.push(ClaimNote::CollectionCostsAnnounced { amount });
            }
        } else if let Some(amount) = collection_costs(st.jurisdiction, principal) {
            notes.push(ClaimNote::CollectionCostsAnnounced { amount });
        }
    }

    // The growth a letter states is the current day's: using tomorrow's rate would make a claim
    // computed on 31 December or 30 June depend on a half-year that has not started.
    let mut daily = Decimal::ZERO;
    let mut growth_provisional = Vec::new();
    for t in &tracks {
        if t.start.is_some_and(|s| s <= at) && t.open > Decimal::ZERO {
            let h = HalfYear::containing(at);
            let r = acc.rate(h)?;
            if r.provisional {
                growth_provisional.push(h);
            }
            daily += t.open * r.rate / (Decimal::from(100) * Decimal::from(days_in_year(h.year)));
        }
    }
    let daily_growth = cents(daily);

    let sum =
        |k: LineKind| -> Decimal { lines.iter().filter(|l| l.kind == k).map(|l| l.amount).sum() };
    let (penalties, interest) = if b2b {
        (sum(LineKind::Penalty) - paid_charges, Decimal::ZERO)
    } else {
        (Decimal::ZERO, sum(LineKind::Interest) - paid_charges)
    };
    let indemnities = sum(LineKind::Indemnity) - paid_indemnities;
    let costs = sum(LineKind::Cost) + sum(LineKind::CollectionCosts) - paid_costs;
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
        notes,
    })
}

/// Applies `amount` to principal, oldest due date first, closing each touched item's segment at
/// `date`. Returns what is left over.
fn reduce_principal(
    tracks: &mut [Track],
    acc: &Accrual,
    mut amount: Decimal,
    date: NaiveDate,
) -> Result<Decimal, MoneyError> {
    for t in tracks.iter_mut() {
        if amount <= Decimal::ZERO {
            break;
        }
        let take = amount.min(t.open);
        if take > Decimal::ZERO {
            t.close_segment(acc, date)?;
            t.open -= take;
            amount -= take;
        }
    }
    Ok(amount)
}

/// Principal still open on `d` when payments go to principal (no accrual in that regime).
fn principal_open_on(st: &DossierState, d: NaiveDate) -> Decimal {
    let paid: Decimal = st
        .payments
        .iter()
        .filter(|p| p.date <= d)
        .map(|p| p.amount)
        .chain(
            st.credit_notes
                .iter()
                .filter(|c| c.date <= d)
                .map(|c| c.amount),
        )
        .sum();
    (st.total_items() - paid).max(Decimal::ZERO)
}
