//! Records beyond the bounds input enforces: found, named, and left out of a principal-only claim.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::fold::DossierState;
use crate::domain::money::error::MoneyError;
use crate::domain::parse::MAX_RATE;

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

pub(super) fn check_bounds(st: &DossierState) -> Result<(), MoneyError> {
    match out_of_bounds(st) {
        Some((record, value)) => Err(MoneyError::OutOfBounds { record, value }),
        None => Ok(()),
    }
}

/// The dossier without its money-bearing records that are out of bounds.
pub(super) fn within_bounds(st: &DossierState) -> DossierState {
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
