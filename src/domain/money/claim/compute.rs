//! The computation of a claim at a date: regime, accrual, imputation of every movement in date
//! order, then the lines and totals.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use super::accrual::Accrual;
use super::amounts::{ClaimAmounts, ClaimNote, ItemClaim, Regime, Settlement};
use super::bounds::{check_bounds, out_of_bounds, within_bounds};
use super::breakdown::{BreakdownLine, LineKind, Settled};
use super::impute::{principal_open_on, target_item, Cleared, Movement, Track};
use crate::domain::fold::DossierState;
use crate::domain::model::{Creditor, Debtor, DebtorType, DossierKind, Jurisdiction};
use crate::domain::money::calendar::{add_days, days_in_year, next_working_day, HalfYear};
use crate::domain::money::error::MoneyError;
use crate::domain::money::rates::RateTable;
use crate::domain::money::rules::{Imputation, MoneyRules};
use crate::domain::money::scale::collection_costs;
use crate::domain::parse::cents;

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

    // A credit note corrects its invoice: what it cancels was never owed, so it bore no penalty
    // or interest and made nothing late (no 40 €), whatever the credit note's date. It is applied
    // before any payment; its line keeps its own date. Only those issued by `at` count: a letter
    // written before one claimed the invoice whole.
    let mut credits: Vec<_> = st.credit_notes.iter().filter(|c| c.date <= at).collect();
    credits.sort_by_key(|c| (c.date, c.seq));
    for c in credits {
        // It cancels (part of) the invoice it names, then the oldest.
        let invoice = c.invoice.as_deref().or(Some(c.reference.as_str()));
        let mut rest = c.amount;
        if let Some(i) = target_item(&tracks, invoice, None) {
            rest -= tracks[i].cancel(rest, c.date);
        }
        for t in tracks.iter_mut() {
            rest -= t.cancel(rest, c.date);
        }
        surplus += rest;
    }

    for (date, _, mv) in moves {
        mark_late(&mut tracks, date);
        match mv {
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
        // In date order: credit notes were applied before the payments, whatever their date.
        let mut reductions: Vec<_> = t.reductions.iter().collect();
        reductions.sort_by_key(|(date, ..)| *date);
        for (date, by, amount) in reductions {
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
