//! Dates as people type them in a hurry: "hier", "aujourd'hui", "31/12" — on top of the full forms
//! `parse::parse_date` accepts (and checks).

use chrono::{Datelike, Duration, NaiveDate};

use super::parse::{parse_date, ParseError};

/// Which year a day-and-month without a year falls in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Nearest {
    /// The event already happened (a payment, a letter sent, a call): today or before.
    Past,
    /// A date to come (a promise, a review, an instalment): today or after.
    Future,
    /// Either way (an invoice's due date): the closest to today.
    Closest,
}

/// Parses `input` as a full date, a relative word (aujourd'hui, hier, demain and their English
/// forms) or a day and month (`31/12`) taken in the year that makes it nearest in `nearest`'s
/// direction from `today`.
pub fn parse_day(
    field: &str,
    input: &str,
    today: NaiveDate,
    nearest: Nearest,
) -> Result<NaiveDate, ParseError> {
    let word = input.trim().to_lowercase().replace('’', "'");
    match word.as_str() {
        "aujourd'hui" | "auj" | "auj." | "today" => return Ok(today),
        "hier" | "yesterday" => return Ok(today - Duration::days(1)),
        "demain" | "tomorrow" => return Ok(today + Duration::days(1)),
        _ => {}
    }
    let parts: Vec<&str> = word.split('/').collect();
    if let [d, m] = parts[..] {
        let num = |t: &str| {
            (!t.is_empty() && t.len() <= 2 && t.chars().all(|c| c.is_ascii_digit()))
                .then(|| t.parse::<u32>().ok())
                .flatten()
        };
        if let (Some(d), Some(m)) = (num(d), num(m)) {
            let year = today.year();
            let pick = |y: i32| NaiveDate::from_ymd_opt(y, m, d);
            let date = match (pick(year), nearest) {
                (Some(x), Nearest::Past) if x > today => pick(year - 1),
                (Some(x), Nearest::Future) if x < today => pick(year + 1),
                (Some(_), Nearest::Closest) => [year - 1, year, year + 1]
                    .into_iter()
                    .filter_map(pick)
                    .min_by_key(|x| (*x - today).num_days().abs()),
                (x, _) => x,
            };
            if let Some(x) = date {
                return Ok(x);
            }
            // 31/02: say the date does not exist, with the year it was read in.
            return parse_date(field, &format!("{d:02}/{m:02}/{year}")).map_err(|mut e| {
                e.input = input.to_string();
                e
            });
        }
    }
    parse_date(field, input)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn words_and_day_month_without_a_year() {
        let today = d("2026-01-05");
        let past = |s| parse_day("Date", s, today, Nearest::Past).unwrap();
        assert_eq!(past("hier"), d("2026-01-04"));
        assert_eq!(past("Aujourd'hui"), today);
        assert_eq!(past("aujourd’hui"), today);
        // 31/12 typed on 5 January for a payment: last year's, not next December's.
        assert_eq!(past("31/12"), d("2025-12-31"));
        assert_eq!(past("2/1"), d("2026-01-02"));
        let future = |s| parse_day("Date", s, today, Nearest::Future).unwrap();
        assert_eq!(future("2/1"), d("2027-01-02"));
        assert_eq!(future("31/12"), d("2026-12-31"));
        assert_eq!(future("demain"), d("2026-01-06"));
        let closest = |s| parse_day("Date", s, today, Nearest::Closest).unwrap();
        assert_eq!(closest("31/12"), d("2025-12-31"));
        assert_eq!(closest("20/1"), d("2026-01-20"));
        // Full forms still work, bad ones are still refused with the field named.
        assert_eq!(past("05/03/2025"), d("2025-03-05"));
        let e = parse_day("Date du paiement", "31/02", today, Nearest::Past).unwrap_err();
        assert!(e.to_string().contains("31/02"), "{e}");
        assert!(parse_day("Date", "12/13", today, Nearest::Past).is_err());
        assert!(parse_day("Date", "la semaine dernière", today, Nearest::Past).is_err());
    }
}
