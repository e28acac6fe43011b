//! Parsing and formatting of amounts and dates as credit managers type and read them.

use chrono::{Datelike, NaiveDate};
use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt;

/// What was wrong with a typed value. The message names the field and the accepted forms.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct ParseError {
    /// Field name as shown to the user (e.g. "--amount", "Montant").
    pub field: String,
    pub input: String,
    pub problem: Problem,
}

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Problem {
    Amount,
    AmountTooManyDecimals,
    AmountNotPositive,
    Date,
    DateDoesNotExist,
}

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = match self.problem {
            Problem::Amount => "parse.amount",
            Problem::AmountTooManyDecimals => "parse.amount_decimals",
            Problem::AmountNotPositive => "parse.amount_positive",
            Problem::Date => "parse.date",
            Problem::DateDoesNotExist => "parse.date_invalid",
        };
        f.write_str(&crate::i18n::tf(
            key,
            &[("field", &self.field), ("input", &self.input)],
        ))
    }
}

impl std::error::Error for ParseError {}

fn is_space(c: char) -> bool {
    matches!(c, ' ' | '\u{a0}' | '\u{202f}' | '\u{2009}' | '\'')
}

/// Parses an amount typed in French or international style: `1234.56`, `1 234,56`, `1.234,56 €`,
/// `1234,5 EUR`. Thousands separators must group by three; at most two decimals; never negative.
pub fn parse_amount(field: &str, input: &str) -> Result<Decimal, ParseError> {
    let err = |problem| ParseError {
        field: field.to_string(),
        input: input.to_string(),
        problem,
    };
    let mut s = input.trim();
    for suffix in ["€", "EUR", "eur", "Eur"] {
        if let Some(rest) = s.strip_suffix(suffix) {
            s = rest.trim_end();
            break;
        }
    }
    if s.is_empty() || s.starts_with('-') {
        return Err(err(if s.starts_with('-') {
            Problem::AmountNotPositive
        } else {
            Problem::Amount
        }));
    }
    let s = s.strip_prefix('+').unwrap_or(s);
    // The decimal separator is the last ',' or '.', provided what follows is 1-2 digits (a ','
    // is always decimal; a '.' followed by exactly 3 digits with a ',' elsewhere is grouping).
    let commas = s.matches(',').count();
    let dots = s.matches('.').count();
    let (int_part, frac_part, group_char) = match (commas, dots) {
        (0, 0) => (s, "", None),
        (1, 0) => {
            let (a, b) = s.split_once(',').unwrap_or((s, ""));
            (a, b, None)
        }
        (0, 1) => {
            let (a, b) = s.split_once('.').unwrap_or((s, ""));
            (a, b, None)
        }
        (1, _) => {
            // "1.234,56": dots group, comma is decimal.
            let (a, b) = s.split_once(',').unwrap_or((s, ""));
            if b.contains('.') {
                return Err(err(Problem::Amount));
            }
            (a, b, Some('.'))
        }
        (0, _) => {
            // "1.234.567": only valid as grouping with no decimals.
            (s, "", Some('.'))
        }
        _ => return Err(err(Problem::Amount)),
    };
    if !frac_part.chars().all(|c| c.is_ascii_digit()) {
        return Err(err(Problem::Amount));
    }
    if frac_part.len() > 2 {
        return Err(err(Problem::AmountTooManyDecimals));
    }
    if (commas + dots == 1) && frac_part.is_empty() {
        return Err(err(Problem::Amount));
    }
    // Split the integer part into groups on spaces or the grouping char.
    let groups: Vec<&str> = int_part
        .split(|c: char| is_space(c) || Some(c) == group_char)
        .collect();
    if groups
        .iter()
        .any(|g| g.is_empty() || !g.chars().all(|c| c.is_ascii_digit()))
    {
        return Err(err(Problem::Amount));
    }
    if groups.len() > 1 && (groups[0].len() > 3 || groups[1..].iter().any(|g| g.len() != 3)) {
        return Err(err(Problem::Amount));
    }
    let digits: String = groups.concat();
    let text = if frac_part.is_empty() {
        digits
    } else {
        format!("{digits}.{frac_part}")
    };
    text.parse::<Decimal>().map_err(|_| err(Problem::Amount))
}

/// Like [`parse_amount`] but the amount must be strictly positive (payments, invoices).
pub fn parse_positive_amount(field: &str, input: &str) -> Result<Decimal, ParseError> {
    let d = parse_amount(field, input)?;
    if d <= Decimal::ZERO {
        return Err(ParseError {
            field: field.to_string(),
            input: input.to_string(),
            problem: Problem::AmountNotPositive,
        });
    }
    Ok(d)
}

/// Parses `2026-03-05` or `05/03/2026` (day first, as written in France; `5/3/2026` too).
pub fn parse_date(field: &str, input: &str) -> Result<NaiveDate, ParseError> {
    let err = |problem| ParseError {
        field: field.to_string(),
        input: input.to_string(),
        problem,
    };
    let s = input.trim();
    let parts: Vec<&str>;
    let (y, m, d) = if s.contains('-') {
        parts = s.split('-').collect();
        if parts.len() != 3 || parts[0].len() != 4 || parts[1].len() != 2 || parts[2].len() != 2 {
            return Err(err(Problem::Date));
        }
        (parts[0], parts[1], parts[2])
    } else if s.contains('/') {
        parts = s.split('/').collect();
        if parts.len() != 3
            || parts[2].len() != 4
            || !(1..=2).contains(&parts[0].len())
            || !(1..=2).contains(&parts[1].len())
        {
            return Err(err(Problem::Date));
        }
        (parts[2], parts[1], parts[0])
    } else {
        return Err(err(Problem::Date));
    };
    let num = |t: &str| -> Result<u32, ParseError> {
        if t.chars().all(|c| c.is_ascii_digit()) {
            t.parse::<u32>().map_err(|_| err(Problem::Date))
        } else {
            Err(err(Problem::Date))
        }
    };
    let (y, m, d) = (num(y)?, num(m)?, num(d)?);
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| err(Problem::DateDoesNotExist))
}

/// Rounds to the cent, half away from zero (the usual commercial rounding).
pub fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

pub fn group_thousands(int_digits: &str, sep: &str) -> String {
    let mut out = String::new();
    let n = int_digits.len();
    for (i, c) in int_digits.chars().enumerate() {
        if i > 0 && (n - i).is_multiple_of(3) {
            out.push_str(sep);
        }
        out.push(c);
    }
    out
}

fn split_amount(d: Decimal) -> (bool, String, String) {
    let r = cents(d);
    let neg = r.is_sign_negative() && !r.is_zero();
    let s = format!("{:.2}", r.abs());
    let (i, f) = s.split_once('.').unwrap_or((&s, "00"));
    (neg, i.to_string(), f.to_string())
}

/// `1 234,56 €` with no-break spaces, as French typography (and the letters) want it.
pub fn format_eur_fr(d: Decimal) -> String {
    let (neg, i, f) = split_amount(d);
    format!(
        "{}{},{}\u{a0}€",
        if neg { "-" } else { "" },
        group_thousands(&i, "\u{a0}"),
        f
    )
}

/// `€1,234.56` for the English interface.
pub fn format_eur_en(d: Decimal) -> String {
    let (neg, i, f) = split_amount(d);
    format!(
        "{}€{}.{}",
        if neg { "-" } else { "" },
        group_thousands(&i, ","),
        f
    )
}

/// Plain decimal string with two places (JSON, CSV): `1234.56`.
pub fn format_plain(d: Decimal) -> String {
    format!("{:.2}", cents(d))
}

/// `05/03/2026`.
pub fn format_date_fr(d: NaiveDate) -> String {
    d.format("%d/%m/%Y").to_string()
}

/// French month names, lower case (letters, and the letter wrapper that must not split dates).
pub const MONTHS_FR: [&str; 12] = [
    "janvier",
    "février",
    "mars",
    "avril",
    "mai",
    "juin",
    "juillet",
    "août",
    "septembre",
    "octobre",
    "novembre",
    "décembre",
];

/// `5 mars 2026` (`1er mars 2026`), for letters.
pub fn format_date_long_fr(d: NaiveDate) -> String {
    let day = if d.day() == 1 {
        "1er".to_string()
    } else {
        d.day().to_string()
    };
    format!("{} {} {}", day, MONTHS_FR[d.month0() as usize], d.year())
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::str::FromStr;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn amounts_in_accepted_forms() {
        for (input, want) in [
            ("1234.56", "1234.56"),
            ("1 234,56", "1234.56"),
            ("1.234,56 €", "1234.56"),
            ("1\u{a0}234,56\u{a0}€", "1234.56"),
            ("1\u{202f}234,56€", "1234.56"),
            ("12,5", "12.5"),
            ("40", "40"),
            ("1 000 000", "1000000"),
            ("1.000.000", "1000000"),
            ("0,01 EUR", "0.01"),
        ] {
            assert_eq!(parse_amount("m", input).unwrap(), dec(want), "{input}");
        }
    }

    #[test]
    fn amounts_rejected() {
        for input in [
            "", "abc", "12,345", "1.234", "1,234.56", "12 34,00", "1 2345", "-5", "12,", "€",
            "1,2,3", "1.234.56", "12e3",
        ] {
            assert!(
                parse_amount("m", input).is_err(),
                "{input:?} should be rejected"
            );
        }
        assert!(parse_positive_amount("m", "0").is_err());
    }

    #[test]
    fn rejection_messages_name_the_field_and_the_accepted_forms() {
        crate::i18n::set_lang(crate::i18n::Lang::Fr);
        let e = parse_amount("--amount", "12,345").unwrap_err().to_string();
        assert_eq!(
            e,
            "--amount : « 12,345 » a plus de deux décimales. Formes acceptées : 1234.56, 1\u{a0}234,56, 1.234,56\u{a0}€"
        );
        let e = parse_amount("Montant", "douze").unwrap_err().to_string();
        assert!(
            e.starts_with("Montant : « douze » n'est pas un montant valide"),
            "{e}"
        );
        let e = parse_date("--due", "5 mars").unwrap_err().to_string();
        assert_eq!(
            e,
            "--due : « 5 mars » n'est pas une date valide. Formes acceptées : 2026-03-05 ou 05/03/2026"
        );
        let e = parse_positive_amount("--amount", "0,00")
            .unwrap_err()
            .to_string();
        assert!(e.contains("strictement positif"), "{e}");
    }

    #[test]
    fn dates() {
        let d = NaiveDate::from_ymd_opt(2026, 3, 5).unwrap();
        assert_eq!(parse_date("d", "2026-03-05").unwrap(), d);
        assert_eq!(parse_date("d", "05/03/2026").unwrap(), d);
        assert_eq!(parse_date("d", "5/3/2026").unwrap(), d);
        for bad in [
            "2026-3-5",
            "03/05/26",
            "31/02/2026",
            "2026/03/05",
            "hier",
            "05.03.2026",
        ] {
            assert!(parse_date("d", bad).is_err(), "{bad}");
        }
        assert_eq!(
            parse_date("d", "31/02/2026").unwrap_err().problem,
            Problem::DateDoesNotExist
        );
    }

    #[test]
    fn formatting() {
        assert_eq!(format_eur_fr(dec("1234.5")), "1\u{a0}234,50\u{a0}€");
        assert_eq!(format_eur_fr(dec("0.005")), "0,01\u{a0}€");
        assert_eq!(
            format_eur_fr(dec("-1234567.891")),
            "-1\u{a0}234\u{a0}567,89\u{a0}€"
        );
        assert_eq!(format_eur_en(dec("1234.5")), "€1,234.50");
        assert_eq!(format_plain(dec("12")), "12.00");
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(format_date_long_fr(d), "1er mars 2026");
    }
}
