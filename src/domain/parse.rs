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
    /// More than [`MAX_AMOUNT`].
    AmountTooLarge,
    Date,
    DateDoesNotExist,
    /// A yearly rate above 100 %.
    RateTooLarge,
    /// A year outside [`MIN_YEAR`]..=[`MAX_YEAR`].
    DateOutOfRange,
    /// A control character (terminal escape, NUL…) in a text field.
    ControlChar(char),
}

/// The largest amount accepted anywhere (one thousand billion euros): far above any real claim,
/// and small enough that every computation on it (rate × days, sums over thousands of invoices)
/// stays well inside `Decimal`'s range.
pub const MAX_AMOUNT: Decimal = Decimal::from_parts(3_567_587_328, 232, 0, false, 0);
/// Dates typed or imported must fall within these years (inclusive).
pub const MIN_YEAR: i32 = 2000;
pub const MAX_YEAR: i32 = 2100;
/// Highest rate (percent per year) accepted for a contractual rate or a row of the rate table.
pub const MAX_RATE: Decimal = Decimal::from_parts(100, 0, 0, false, 0);

impl fmt::Display for ParseError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        let key = match self.problem {
            Problem::Amount => "parse.amount",
            Problem::AmountTooManyDecimals => "parse.amount_decimals",
            Problem::AmountNotPositive => "parse.amount_positive",
            Problem::AmountTooLarge => "parse.amount_too_large",
            Problem::RateTooLarge => "parse.rate_range",
            Problem::Date => "parse.date",
            Problem::DateDoesNotExist => "parse.date_invalid",
            Problem::DateOutOfRange => "parse.date_range",
            Problem::ControlChar(c) => {
                // The input is not echoed: it holds the very character being refused.
                return f.write_str(&crate::i18n::tf(
                    "parse.control_char",
                    &[("field", &self.field), ("char", &char_name(c))],
                ));
            }
        };
        f.write_str(&crate::i18n::tf(
            key,
            &[
                ("field", &self.field),
                ("input", &super::text::printable(&self.input)),
                ("max", &crate::i18n::money(MAX_AMOUNT)),
                ("min_year", &MIN_YEAR),
                ("max_year", &MAX_YEAR),
            ],
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
    let d = text.parse::<Decimal>().map_err(|_| err(Problem::Amount))?;
    if d > MAX_AMOUNT {
        return Err(err(Problem::AmountTooLarge));
    }
    Ok(d)
}

/// A yearly rate in percent (`12,15`, `10.5 %`), from 0 to 100.
pub fn parse_rate(field: &str, input: &str) -> Result<Decimal, ParseError> {
    let trimmed = input.trim();
    let number = trimmed.strip_suffix('%').unwrap_or(trimmed);
    let rate = parse_amount(field, number).map_err(|mut e| {
        e.input = input.to_string();
        e
    })?;
    if rate > MAX_RATE {
        return Err(ParseError {
            field: field.to_string(),
            input: input.to_string(),
            problem: Problem::RateTooLarge,
        });
    }
    Ok(rate)
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
    if !(MIN_YEAR..=MAX_YEAR).contains(&(y as i32)) {
        return Err(err(Problem::DateOutOfRange));
    }
    NaiveDate::from_ymd_opt(y as i32, m, d).ok_or_else(|| err(Problem::DateDoesNotExist))
}

/// Whether `d` is within the accepted years (records read back from older data may not be).
pub fn date_in_range(d: NaiveDate) -> bool {
    (MIN_YEAR..=MAX_YEAR).contains(&d.year())
}

/// Whether `c` may never appear in stored text: C0 controls (tab and newline excepted where
/// several lines are legitimate), DEL and the C1 controls. They are how a name turns into a
/// terminal escape sequence (clipboard writes, window titles, screen clearing).
pub fn is_forbidden_char(c: char, multiline: bool) -> bool {
    if multiline && (c == '\n' || c == '\t') {
        return false;
    }
    c.is_control()
}

/// Refuses a text field holding a control character; the message names the field and the
/// character (`U+001B (ESC)`). `multiline` allows newlines and tabs (notes, contestation text).
pub fn check_text(field: &str, input: &str, multiline: bool) -> Result<(), ParseError> {
    match input.chars().find(|&c| is_forbidden_char(c, multiline)) {
        Some(c) => Err(ParseError {
            field: field.to_string(),
            input: input.to_string(),
            problem: Problem::ControlChar(c),
        }),
        None => Ok(()),
    }
}

/// Checks every text field of a debtor and its first invoice before they are written; the field
/// is named as the command line spells it.
pub fn check_dossier_text(
    debtor: &crate::domain::model::Debtor,
    item: &crate::domain::model::Item,
) -> Result<(), ParseError> {
    check_text("--debtor", &debtor.name, false)?;
    for line in &debtor.address {
        check_text("--address", line, false)?;
    }
    for (field, v) in [
        ("--contact", &debtor.contact),
        ("--email", &debtor.email),
        ("--phone", &debtor.phone),
        ("--customer", &debtor.customer_number),
        ("--siren", &debtor.siren),
    ] {
        if let Some(v) = v {
            check_text(field, v, false)?;
        }
    }
    check_item_text(item)
}

fn check_item_text(item: &crate::domain::model::Item) -> Result<(), ParseError> {
    check_text("--invoice", &item.reference, false)?;
    if let Some(d) = &item.description {
        check_text("--description", d, true)?;
    }
    if let Some(p) = &item.proof {
        check_text("--proof", p, false)?;
    }
    Ok(())
}

/// Checks the text an event carries before it is written. Free text (notes, contestations, debt
/// acknowledgements) may span several lines; names, references and labels may not. Letters are
/// composed by the program and checked on output instead.
pub fn check_event_text(kind: &crate::domain::event::EventKind) -> Result<(), ParseError> {
    use crate::domain::event::EventKind as K;
    let opt = |field: &str, v: &Option<String>, multi: bool| match v {
        Some(v) => check_text(field, v, multi),
        None => Ok(()),
    };
    match kind {
        K::Created {
            refund_reason,
            terms,
            ..
        } => {
            opt("--refund-reason", refund_reason, true)?;
            opt("--terms", terms, false)
        }
        K::ItemAdded(item) => check_item_text(item),
        K::CreditNote {
            reference, invoice, ..
        } => {
            check_text("--reference", reference, false)?;
            opt("--invoice", invoice, false)
        }
        K::ContestationReceived { reason, text, .. } => {
            check_text("--reason", reason, false)?;
            check_text("--text", text, true)
        }
        K::ContestationResolved { note, .. } => check_text("--note", note, true),
        K::PaymentReceived {
            reference, invoice, ..
        } => {
            opt("--reference", reference, false)?;
            opt("--invoice", invoice, false)
        }
        K::NoticeSent { tracking, .. } | K::AcknowledgementReceived { tracking } => {
            opt("--tracking", tracking, false)
        }
        K::Injonction { note, .. } => opt("--text", note, true),
        K::HandedOver { name, .. } => opt("--name", name, false),
        K::Note { text, .. } | K::DebtAcknowledged { text } => check_text("--text", text, true),
        K::CostIncurred { label, .. } => check_text("--label", label, false),
        K::Assigned { to } => opt("user", to, false),
        K::TermsChanged { terms, .. } => opt("--terms", terms, false),
        K::Waived { reason } => check_text("--reason", reason, true),
        K::ProofRecorded { invoice, proof } => {
            check_text("--invoice", invoice, false)?;
            check_text("--proof", proof, false)
        }
        K::RelanceSent { .. }
        | K::PromiseToPay { .. }
        | K::PaymentPlanAgreed { .. }
        | K::LastNoticeSent { .. }
        | K::Closed { .. }
        | K::Reopened
        | K::Cancel { .. }
        | K::CollectiveProceedings { .. }
        // Made by the program; the server's words are cleaned of control characters first.
        | K::EmailSending { .. }
        | K::EmailSent { .. }
        | K::EmailFailed { .. } => Ok(()),
    }
}

/// `U+001B (ESC)`: a control character named so the user can find it.
pub fn char_name(c: char) -> String {
    const C0: [&str; 32] = [
        "NUL", "SOH", "STX", "ETX", "EOT", "ENQ", "ACK", "BEL", "BS", "TAB", "LF", "VT", "FF",
        "CR", "SO", "SI", "DLE", "DC1", "DC2", "DC3", "DC4", "NAK", "SYN", "ETB", "CAN", "EM",
        "SUB", "ESC", "FS", "GS", "RS", "US",
    ];
    let code = c as u32;
    let name = match code {
        0..=0x1f => Some(C0[code as usize]),
        0x7f => Some("DEL"),
        0x9b => Some("CSI"),
        0x9d => Some("OSC"),
        _ => None,
    };
    match name {
        Some(n) => format!("U+{code:04X} ({n})"),
        None => format!("U+{code:04X}"),
    }
}

/// Rounds to the cent, half away from zero (the usual commercial rounding).
pub fn cents(d: Decimal) -> Decimal {
    d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero)
}

/// Plain decimal string with two places (JSON, CSV): `1234.56`.
pub fn format_plain(d: Decimal) -> String {
    let mut s = String::with_capacity(16);
    write_plain(&mut s, d);
    s
}

/// `format_plain(d)`, written at the end of `out`.
pub fn write_plain(out: &mut String, d: Decimal) {
    let c = cents(d);
    // Rounded to two places, the scale is at most 2: the mantissa counts cents once scaled up.
    // Written by hand: `Decimal`'s formatter was a tenth of a whole-portfolio `status --json`.
    let scale = c.scale().min(2);
    let Some(mut n) = u64::try_from(c.mantissa().unsigned_abs())
        .ok()
        .and_then(|m| m.checked_mul(10u64.pow(2 - scale)))
    else {
        use std::fmt::Write;
        // Writing to a String cannot fail.
        let _ = write!(out, "{c:.2}");
        return;
    };
    // Digits from the last: cents, the point, then the units (at least one).
    let mut b = [0u8; 24];
    let mut i = b.len();
    for k in 0.. {
        if k == 2 {
            i -= 1;
            b[i] = b'.';
        }
        i -= 1;
        b[i] = b'0' + (n % 10) as u8;
        n /= 10;
        if n == 0 && k >= 2 {
            break;
        }
    }
    if c.is_sign_negative() {
        out.push('-');
    }
    out.extend(b[i..].iter().map(|&b| char::from(b)));
}

/// `#[serde(serialize_with = "parse::plain::serialize")]`: an amount as `format_plain` writes it.
pub mod plain {
    use rust_decimal::Decimal;
    use serde::Serializer;

    pub fn serialize<S: Serializer>(d: &Decimal, s: S) -> Result<S::Ok, S::Error> {
        s.serialize_str(&super::format_plain(*d))
    }

    pub fn serialize_opt<S: Serializer>(d: &Option<Decimal>, s: S) -> Result<S::Ok, S::Error> {
        match d {
            Some(d) => serialize(d, s),
            None => s.serialize_none(),
        }
    }
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
    fn amounts_and_dates_are_bounded_and_the_message_states_the_bound() {
        crate::i18n::set_lang(crate::i18n::Lang::Fr);
        assert_eq!(
            parse_amount("m", "1 000 000 000 000,00").unwrap(),
            MAX_AMOUNT
        );
        let e = parse_amount("--amount", "1000000000000.01").unwrap_err();
        assert_eq!(e.problem, Problem::AmountTooLarge);
        assert!(
            e.to_string()
                .contains("1\u{a0}000\u{a0}000\u{a0}000\u{a0}000,00\u{a0}€"),
            "{e}"
        );
        let e = parse_amount("--amount", "400000000000000000000000000").unwrap_err();
        assert_eq!(e.problem, Problem::AmountTooLarge);
        assert_eq!(
            parse_amount("m", "1,234").unwrap_err().problem,
            Problem::AmountTooManyDecimals
        );
        assert_eq!(
            parse_date("d", "1999-12-31").unwrap_err().problem,
            Problem::DateOutOfRange
        );
        assert_eq!(
            parse_date("d", "31/12/9999").unwrap_err().problem,
            Problem::DateOutOfRange
        );
        assert_eq!(
            parse_rate("--rate", "12,15 %").unwrap(),
            Decimal::new(1215, 2)
        );
        assert_eq!(parse_rate("--rate", "100").unwrap(), Decimal::ONE_HUNDRED);
        let e = parse_rate("--rate", "100.01").unwrap_err();
        assert_eq!(e.problem, Problem::RateTooLarge);
        assert!(e.to_string().contains("100"), "{e}");
        assert!(parse_rate("--rate", "-1").is_err());
        assert!(parse_date("d", "2000-01-01").is_ok());
        assert!(parse_date("d", "2100-12-31").is_ok());
        let e = parse_date("--date", "9999-12-31").unwrap_err().to_string();
        assert!(e.contains("2000") && e.contains("2100"), "{e}");
    }

    #[test]
    fn control_characters_are_refused_with_the_field_and_the_character_named() {
        crate::i18n::set_lang(crate::i18n::Lang::Fr);
        let e = check_text("--debtor", "ACME\x1b[2J", false).unwrap_err();
        assert_eq!(e.problem, Problem::ControlChar('\x1b'));
        let text = e.to_string();
        assert!(
            text.starts_with("--debtor") && text.contains("U+001B (ESC)"),
            "{text}"
        );
        assert!(
            !text.contains('\x1b'),
            "the message never echoes the character"
        );
        assert!(check_text("--text", "ligne 1\nligne 2\tfin", true).is_ok());
        assert!(check_text("--debtor", "a\nb", false).is_err());
        assert!(check_text("--text", "a\rb", true).is_err());
        assert!(check_text("--text", "\u{9b}31m", true).is_err());
        assert!(check_text("--debtor", "Société Générale — été", false).is_ok());
        assert_eq!(char_name('\u{7f}'), "U+007F (DEL)");
        assert_eq!(char_name('\u{9d}'), "U+009D (OSC)");
    }

    #[test]
    fn formatting() {
        assert_eq!(format_plain(dec("12")), "12.00");
        let d = NaiveDate::from_ymd_opt(2026, 3, 1).unwrap();
        assert_eq!(format_date_long_fr(d), "1er mars 2026");
    }
}
