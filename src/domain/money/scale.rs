//! Collection-cost scales for consumer debts in the Netherlands (art. 6:96 BW and the 2012 decree)
//! and Belgium (Code de droit économique, book XIX). French consumer debts have none: recovery
//! costs stay with the creditor.

use rust_decimal::Decimal;
use std::str::FromStr;

use crate::domain::model::Jurisdiction;
use crate::domain::parse::cents;

fn dec(s: &str) -> Decimal {
    Decimal::from_str(s).expect("constant decimal")
}

/// Sum of `rate × part of principal in each band`, bands given as (upper bound, rate).
fn banded(principal: Decimal, bands: &[(Option<&str>, &str)]) -> Decimal {
    let mut lower = Decimal::ZERO;
    let mut total = Decimal::ZERO;
    for (upper, rate) in bands {
        if principal <= lower {
            break;
        }
        let top = upper.map(dec).map_or(principal, |u| u.min(principal));
        total += (top - lower) * dec(rate);
        if let Some(u) = upper {
            lower = dec(u);
        }
    }
    total
}

/// Dutch extrajudicial collection costs on a principal: 15 % of the first 2 500 €, 10 % of the
/// next 2 500 €, 5 % of the next 5 000 €, 1 % of the next 190 000 €, 0.5 % above; at least 40 €,
/// at most 6 775 €.
pub fn nl_collection_costs(principal: Decimal) -> Decimal {
    if principal <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let raw = banded(
        principal,
        &[
            (Some("2500"), "0.15"),
            (Some("5000"), "0.10"),
            (Some("10000"), "0.05"),
            (Some("200000"), "0.01"),
            (None, "0.005"),
        ],
    );
    cents(raw.max(dec("40")).min(dec("6775")))
}

/// Belgian cap on the damages for a consumer debt: 20 € up to 150 €; 30 € + 10 % of the part from
/// 150.01 € to 500 €; above 500 €, 65 € + 5 % of the part above 500 €, at most 2 000 €.
pub fn be_collection_costs(principal: Decimal) -> Decimal {
    if principal <= Decimal::ZERO {
        return Decimal::ZERO;
    }
    let raw = if principal <= dec("150") {
        dec("20")
    } else if principal <= dec("500") {
        dec("30") + (principal - dec("150")) * dec("0.10")
    } else {
        dec("65") + (principal - dec("500")) * dec("0.05")
    };
    cents(raw.min(dec("2000")))
}

/// The collection costs a consumer last notice must state, or `None` where no scale applies (FR).
pub fn collection_costs(jurisdiction: Jurisdiction, principal: Decimal) -> Option<Decimal> {
    match jurisdiction {
        Jurisdiction::Fr => None,
        Jurisdiction::Nl => Some(nl_collection_costs(principal)),
        Jurisdiction::Be => Some(be_collection_costs(principal)),
    }
}
