//! Values as accounting exports write them: padded, signed or bracketed amounts with a comma or
//! a point, `YYYYMMDD` or French or ISO dates. Built on `domain::parse`, with its bounds.

use chrono::NaiveDate;
use rust_decimal::Decimal;

use crate::domain::parse::{self, ParseError, MAX_YEAR, MIN_YEAR};

/// Which character separates the decimals, when the file (or its mapping) says.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Default)]
pub enum DecimalMark {
    /// French (`1 234,56`, `1.234,56`) or international (`1,234.56`, `1234.56`), told apart by
    /// the last separator.
    #[default]
    Auto,
    Comma,
    Point,
}

/// An amount of an export, which may be negative: `-12,50`, `12,50-`, `(12,50)`, padded with
/// spaces and zeros (` 000000000001437,12`). Empty is zero. At most two decimals, and within
/// [`parse::MAX_AMOUNT`].
pub fn signed_amount(field: &str, input: &str, mark: DecimalMark) -> Result<Decimal, ParseError> {
    let mut s = input.trim();
    if s.is_empty() {
        return Ok(Decimal::ZERO);
    }
    let mut negative = false;
    if let Some(inner) = s.strip_prefix('(').and_then(|r| r.strip_suffix(')')) {
        negative = true;
        s = inner.trim();
    }
    if let Some(rest) = s.strip_prefix('-') {
        negative = !negative;
        s = rest.trim_start();
    } else if let Some(rest) = s.strip_suffix('-') {
        negative = !negative;
        s = rest.trim_end();
    }
    let normalised: String = match mark {
        DecimalMark::Auto => {
            let last_comma = s.rfind(',');
            let last_point = s.rfind('.');
            match (last_comma, last_point) {
                // "1,234.56": commas group.
                (Some(c), Some(p)) if p > c => s.replace(',', ""),
                _ => s.to_string(),
            }
        }
        DecimalMark::Comma => s.replace('.', ""),
        DecimalMark::Point => s.replace(',', ""),
    };
    let value = parse::parse_amount(field, &normalised).map_err(|mut e| {
        e.input = input.to_string();
        e
    })?;
    Ok(if negative { -value } else { value })
}

/// A date as exports write it: `20261125` (FEC), `2026-11-25`, `25/11/2026`, `25.11.2026`, or
/// with a chrono `format` from the mapping. Years within [`MIN_YEAR`]..=[`MAX_YEAR`].
pub fn date(field: &str, input: &str, format: Option<&str>) -> Result<NaiveDate, ParseError> {
    let s = input.trim();
    let err = |problem| ParseError {
        field: field.to_string(),
        input: input.to_string(),
        problem,
    };
    let d = if let Some(f) = format {
        NaiveDate::parse_from_str(s, f).map_err(|_| err(parse::Problem::Date))?
    } else if s.len() == 8 && s.bytes().all(|b| b.is_ascii_digit()) {
        let n = |r: std::ops::Range<usize>| s[r].parse::<u32>().unwrap_or(0);
        NaiveDate::from_ymd_opt(n(0..4) as i32, n(4..6), n(6..8))
            .ok_or_else(|| err(parse::Problem::DateDoesNotExist))?
    } else {
        // A time after the date ("25/11/2026 00:00:00") is how spreadsheets save dates.
        let day = s.split_whitespace().next().unwrap_or("");
        return parse::parse_date(field, &day.replace('.', "/")).map_err(|mut e| {
            e.input = input.to_string();
            e
        });
    };
    if !(MIN_YEAR..=MAX_YEAR).contains(&chrono::Datelike::year(&d)) {
        return Err(err(parse::Problem::DateOutOfRange));
    }
    Ok(d)
}

/// A name as a person reads it: case, surrounding and repeated spaces ignored.
pub fn name_key(s: &str) -> String {
    s.split_whitespace()
        .collect::<Vec<_>>()
        .join(" ")
        .to_lowercase()
}

/// Names compared as a person reads them (see [`name_key`]).
pub fn same_name(a: &str, b: &str) -> bool {
    name_key(a) == name_key(b)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn amount(s: &str) -> Decimal {
        signed_amount("x", s, DecimalMark::Auto).unwrap()
    }

    #[test]
    fn amounts_of_real_exports() {
        assert_eq!(amount(" 000000000001437,12"), Decimal::new(143712, 2));
        assert_eq!(amount("1 437,12"), Decimal::new(143712, 2));
        assert_eq!(amount("1,437.12"), Decimal::new(143712, 2));
        assert_eq!(amount("1.437,12"), Decimal::new(143712, 2));
        assert_eq!(amount("-50,00"), Decimal::new(-5000, 2));
        assert_eq!(amount("50,00-"), Decimal::new(-5000, 2));
        assert_eq!(amount("(50.00)"), Decimal::new(-5000, 2));
        assert_eq!(amount(""), Decimal::ZERO);
        assert!(signed_amount("x", "12,345", DecimalMark::Auto).is_err());
        assert!(signed_amount("x", "abc", DecimalMark::Auto).is_err());
        assert_eq!(
            signed_amount("x", "1.437", DecimalMark::Comma).unwrap(),
            Decimal::new(1437, 0)
        );
    }

    #[test]
    fn dates_of_real_exports() {
        let d = |y, m, dd| NaiveDate::from_ymd_opt(y, m, dd).unwrap();
        assert_eq!(date("x", "20261125", None).unwrap(), d(2026, 11, 25));
        assert_eq!(date("x", "25/11/2026", None).unwrap(), d(2026, 11, 25));
        assert_eq!(date("x", "25.11.2026", None).unwrap(), d(2026, 11, 25));
        assert_eq!(date("x", "2026-11-25", None).unwrap(), d(2026, 11, 25));
        assert_eq!(
            date("x", "25/11/2026 00:00", None).unwrap(),
            d(2026, 11, 25)
        );
        assert_eq!(
            date("x", "11/25/2026", Some("%m/%d/%Y")).unwrap(),
            d(2026, 11, 25)
        );
        assert!(date("x", "20261131", None).is_err());
        assert!(date("x", "18991231", None).is_err());
    }
}
