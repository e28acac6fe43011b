//! The catalogue of user-facing strings, French by default and English on request.
//!
//! Both languages live in TOML files (`fr.toml`, `en.toml`), keyed by dotted ids, which build.rs
//! compiles into sorted static tables. Placeholders are written `{name}`. A test checks that both
//! files have the same keys and that every key used in the sources exists, so neither language
//! can drift.

use rust_decimal::{Decimal, RoundingStrategy};
use std::fmt::Display;
use std::sync::atomic::{AtomicU8, Ordering};

#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Lang {
    Fr,
    En,
}

impl Lang {
    pub fn parse(s: &str) -> Option<Lang> {
        let s = s.trim().to_ascii_lowercase();
        if s.starts_with("fr") {
            Some(Lang::Fr)
        } else if s.starts_with("en") {
            Some(Lang::En)
        } else {
            None
        }
    }

    /// Language from the POSIX locale variables, in their order of precedence.
    pub fn from_env() -> Lang {
        for var in ["LC_ALL", "LC_MESSAGES", "LANG"] {
            if let Ok(v) = std::env::var(var) {
                if v.is_empty() {
                    continue;
                }
                return Lang::parse(&v).unwrap_or(Lang::Fr);
            }
        }
        Lang::Fr
    }
}

static LANG: AtomicU8 = AtomicU8::new(0);

pub fn set_lang(lang: Lang) {
    LANG.store(
        match lang {
            Lang::Fr => 0,
            Lang::En => 1,
        },
        Ordering::Relaxed,
    );
}

pub fn lang() -> Lang {
    if LANG.load(Ordering::Relaxed) == 1 {
        Lang::En
    } else {
        Lang::Fr
    }
}

// `FR` and `EN`: every `dotted.key → text`, sorted by key (see build.rs).
include!(concat!(env!("OUT_DIR"), "/catalogue.rs"));

/// Every entry of a language's catalogue, sorted by key.
pub fn entries(lang: Lang) -> &'static [(&'static str, &'static str)] {
    match lang {
        Lang::Fr => FR,
        Lang::En => EN,
    }
}

/// Whether the catalogue of `lang` has `key`.
pub fn has(lang: Lang, key: &str) -> bool {
    lookup(lang, key).is_some()
}

fn lookup(lang: Lang, key: &str) -> Option<&'static str> {
    let table = entries(lang);
    table
        .binary_search_by(|(k, _)| (*k).cmp(key))
        .ok()
        .map(|i| table[i].1)
}

/// The text for `key` in the current language (the key itself if missing, so a gap is visible).
pub fn t(key: &str) -> &str {
    t_in(lang(), key)
}

pub fn t_in(lang: Lang, key: &str) -> &str {
    lookup(lang, key)
        .or_else(|| lookup(Lang::Fr, key))
        .unwrap_or(key)
}

/// The text for `key` with `{name}` placeholders filled.
pub fn tf(key: &str, args: &[(&str, &dyn Display)]) -> String {
    fill(t(key), args)
}

pub fn fill(template: &str, args: &[(&str, &dyn Display)]) -> String {
    let mut out = template.to_string();
    for (name, value) in args {
        out = out.replace(&format!("{{{name}}}"), &value.to_string());
    }
    out
}

/// Formats money for the interface language (letters always use the French form).
pub fn money(d: Decimal) -> String {
    match lang() {
        Lang::Fr => format_eur_fr(d),
        Lang::En => format_eur_en(d),
    }
}

/// A count with its digits grouped like the amounts ("100 000 dossiers", "100,000").
pub fn count(n: usize) -> String {
    let digits = n.to_string();
    match lang() {
        Lang::Fr => group_thousands(&digits, "\u{a0}"),
        Lang::En => group_thousands(&digits, ","),
    }
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
    // Rounded to the cent half away from zero, like the money rules' `cents`: a printed amount
    // is always the computed one.
    let r = d.round_dp_with_strategy(2, RoundingStrategy::MidpointAwayFromZero);
    let neg = r.is_sign_negative() && !r.is_zero();
    let s = format!("{:.2}", r.abs());
    let (i, f) = s.split_once('.').unwrap_or((&s, "00"));
    (neg, i.to_string(), f.to_string())
}

/// A whole-euro amount for report tables whose heading says "€": `12 346` (`12,346`).
pub fn euros(d: Decimal) -> String {
    let r = d.round_dp_with_strategy(0, RoundingStrategy::MidpointAwayFromZero);
    let neg = r.is_sign_negative() && !r.is_zero();
    let digits = r.abs().trunc().to_string();
    let sep = match lang() {
        Lang::Fr => "\u{a0}",
        Lang::En => ",",
    };
    format!(
        "{}{}",
        if neg { "-" } else { "" },
        group_thousands(&digits, sep)
    )
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

/// A yearly rate as the interface language writes it: `12,15 %` or `12.15 %`.
pub fn format_rate(rate: Decimal) -> String {
    let mut r = rate.normalize();
    if r.scale() < 2 {
        r.rescale(2);
    }
    let s = r.to_string();
    match lang() {
        Lang::Fr => format!("{}\u{a0}%", s.replace('.', ",")),
        Lang::En => format!("{s} %"),
    }
}

/// A recorded time as the journal shows it: in UTC and saying so, the same for every colleague.
pub fn datetime_utc(at: chrono::DateTime<chrono::Utc>) -> String {
    match lang() {
        Lang::Fr => at.format("%d/%m/%Y %H:%M UTC").to_string(),
        Lang::En => at.format("%Y-%m-%d %H:%M UTC").to_string(),
    }
}

/// A date and time for the interface language, in the local time zone.
pub fn datetime(at: chrono::DateTime<chrono::Utc>) -> String {
    let local = at.with_timezone(&chrono::Local);
    match lang() {
        Lang::Fr => local.format("%d/%m/%Y %H:%M").to_string(),
        Lang::En => local.format("%Y-%m-%d %H:%M").to_string(),
    }
}

/// A date with a two-digit year where room is short: 28/08/26, or 26-08-28 in English (the
/// order of the full form, so one screen never mixes two orders).
pub fn date_short(d: chrono::NaiveDate) -> String {
    match lang() {
        Lang::Fr => d.format("%d/%m/%y").to_string(),
        Lang::En => d.format("%y-%m-%d").to_string(),
    }
}

/// Formats a date for the interface language.
pub fn date(d: chrono::NaiveDate) -> String {
    match lang() {
        Lang::Fr => d.format("%d/%m/%Y").to_string(),
        Lang::En => d.format("%Y-%m-%d").to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use std::collections::HashMap;

    fn map(lang: Lang) -> HashMap<&'static str, &'static str> {
        entries(lang).iter().copied().collect()
    }

    #[test]
    fn both_catalogues_have_the_same_keys() {
        let fr = map(Lang::Fr);
        let en = map(Lang::En);
        let mut missing_en: Vec<_> = fr.keys().filter(|k| !en.contains_key(*k)).collect();
        let mut missing_fr: Vec<_> = en.keys().filter(|k| !fr.contains_key(*k)).collect();
        missing_en.sort();
        missing_fr.sort();
        assert!(missing_en.is_empty(), "missing in en.toml: {missing_en:?}");
        assert!(missing_fr.is_empty(), "missing in fr.toml: {missing_fr:?}");
        for (k, v) in &fr {
            let ph = |s: &str| {
                let mut v: Vec<String> = s
                    .split('{')
                    .skip(1)
                    .filter_map(|p| p.split_once('}').map(|(a, _)| a.to_string()))
                    .collect();
                v.sort();
                v
            };
            assert_eq!(ph(v), ph(en[k]), "placeholders differ for {k}");
        }
    }

    /// Every string literal in src/ that looks like a catalogue key (`"section.name"` where
    /// `section` is a top-level table of the catalogue) must exist, so a typo cannot ship.
    #[test]
    fn every_key_used_in_sources_exists() {
        let fr = map(Lang::Fr);
        let sections: std::collections::HashSet<&str> =
            fr.keys().filter_map(|k| k.split('.').next()).collect();
        let mut missing = Vec::new();
        let root = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("src");
        let mut stack = vec![root];
        while let Some(dir) = stack.pop() {
            for entry in std::fs::read_dir(&dir).unwrap() {
                let p = entry.unwrap().path();
                if p.is_dir() {
                    stack.push(p);
                    continue;
                }
                if p.extension().and_then(|e| e.to_str()) != Some("rs") {
                    continue;
                }
                let text = std::fs::read_to_string(&p).unwrap();
                for (i, lit) in text.split('"').enumerate() {
                    // Odd pieces are inside string literals (good enough for our sources).
                    if i % 2 == 0
                        || lit.contains(" ")
                        || lit.ends_with(".")
                        || lit.ends_with(".toml")
                    {
                        continue;
                    }
                    let Some((section, rest)) = lit.split_once('.') else {
                        continue;
                    };
                    let key_like = !rest.is_empty()
                        && rest.chars().all(|c| {
                            c.is_ascii_lowercase() || c.is_ascii_digit() || c == '_' || c == '.'
                        });
                    if key_like && sections.contains(section) && !fr.contains_key(lit) {
                        missing.push(format!("{}: {lit}", p.display()));
                    }
                }
            }
        }
        missing.sort();
        missing.dedup();
        assert!(
            missing.is_empty(),
            "keys missing from the catalogue: {missing:#?}"
        );
    }

    #[test]
    fn amounts_by_language() {
        let dec = |s: &str| s.parse::<Decimal>().unwrap();
        assert_eq!(format_eur_fr(dec("1234.5")), "1\u{a0}234,50\u{a0}€");
        assert_eq!(format_eur_fr(dec("0.005")), "0,01\u{a0}€");
        assert_eq!(
            format_eur_fr(dec("-1234567.891")),
            "-1\u{a0}234\u{a0}567,89\u{a0}€"
        );
        assert_eq!(format_eur_en(dec("1234.5")), "€1,234.50");
    }

    #[test]
    fn rates_keep_two_decimals() {
        // The default language is French.
        assert_eq!(format_rate(Decimal::from(10)), "10,00\u{a0}%");
        assert_eq!(
            format_rate("15.210".parse::<Decimal>().unwrap()),
            "15,21\u{a0}%"
        );
    }
}
