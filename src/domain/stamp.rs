//! The dates of records and of JSON listings, without chrono's general-purpose parser and
//! formatter.
//!
//! Records keep chrono's own text forms (`2026-03-05`, `2026-03-05T09:12:45.123456789Z`), byte
//! for byte. Reading takes the one form chrono writes by hand and hands anything else to chrono,
//! so what is accepted, and every error, is chrono's; a date of years 0 to 9999 is written by
//! hand the same way (`status --json` writes four per breakdown line).
//! Reading the digests of 100 000 dossiers spent over a quarter of its decoding time in chrono's
//! parser: each event has two of these, and a whole-portfolio read decodes some 400 000.

use chrono::{DateTime, FixedOffset, NaiveDate, NaiveDateTime, NaiveTime, Utc};
use serde::de::{Error, Visitor};
use serde::{Deserializer, Serialize, Serializer};

/// `YYYY-MM-DD`, as chrono writes a date of years 0 to 9999.
fn parse_date(s: &str) -> Option<NaiveDate> {
    let b = s.as_bytes();
    if b.len() != 10 || b[4] != b'-' || b[7] != b'-' {
        return None;
    }
    NaiveDate::from_ymd_opt(
        digits(&b[0..4])? as i32,
        digits(&b[5..7])?,
        digits(&b[8..10])?,
    )
}

/// `YYYY-MM-DDTHH:MM:SS[.fraction]Z`, as chrono writes an instant in UTC (a leap second is left
/// to chrono).
fn parse_instant(s: &str) -> Option<DateTime<Utc>> {
    let b = s.as_bytes();
    if b.len() < 20 || b[10] != b'T' || b[13] != b':' || b[16] != b':' || b.last() != Some(&b'Z') {
        return None;
    }
    let date = parse_date(s.get(..10)?)?;
    let (h, m, sec) = (
        digits(&b[11..13])?,
        digits(&b[14..16])?,
        digits(&b[17..19])?,
    );
    let nanos = match &b[19..b.len() - 1] {
        [] => 0,
        [b'.', frac @ ..] if (1..=9).contains(&frac.len()) => {
            digits(frac)? * 10u32.pow(9 - frac.len() as u32)
        }
        _ => return None,
    };
    if sec > 59 {
        return None;
    }
    let time = NaiveTime::from_hms_nano_opt(h, m, sec, nanos)?;
    Some(NaiveDateTime::new(date, time).and_utc())
}

/// A date as chrono writes it (`2026-03-05`), without allocating for years 0 to 9999.
pub struct IsoDate(Iso);

enum Iso {
    Short([u8; 10]),
    /// Beyond year 9999 or before year 0 (`+10000-01-01`): chrono's `Display`.
    Long(String),
}

impl IsoDate {
    pub fn new(d: NaiveDate) -> IsoDate {
        use chrono::Datelike;
        let y = d.year();
        if !(0..=9999).contains(&y) {
            return IsoDate(Iso::Long(d.to_string()));
        }
        let (y, m, day) = (y as u32, d.month(), d.day());
        IsoDate(Iso::Short([
            b'0' + (y / 1000) as u8,
            b'0' + (y / 100 % 10) as u8,
            b'0' + (y / 10 % 10) as u8,
            b'0' + (y % 10) as u8,
            b'-',
            b'0' + (m / 10) as u8,
            b'0' + (m % 10) as u8,
            b'-',
            b'0' + (day / 10) as u8,
            b'0' + (day % 10) as u8,
        ]))
    }

    pub fn as_str(&self) -> &str {
        match &self.0 {
            // Only ASCII digits and '-' were written.
            Iso::Short(b) => std::str::from_utf8(b).unwrap_or_default(),
            Iso::Long(s) => s,
        }
    }
}

fn write_date<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
    s.serialize_str(IsoDate::new(*d).as_str())
}

fn digits(b: &[u8]) -> Option<u32> {
    b.iter().try_fold(0u32, |n, &c| {
        c.is_ascii_digit().then(|| n * 10 + u32::from(c - b'0'))
    })
}

struct DateVisitor;

impl Visitor<'_> for DateVisitor {
    type Value = NaiveDate;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a formatted date string")
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<NaiveDate, E> {
        match parse_date(s) {
            Some(d) => Ok(d),
            None => s.parse().map_err(E::custom),
        }
    }
}

struct InstantVisitor;

impl Visitor<'_> for InstantVisitor {
    type Value = DateTime<Utc>;

    fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        f.write_str("a formatted date and time string or a unix timestamp")
    }

    fn visit_str<E: Error>(self, s: &str) -> Result<DateTime<Utc>, E> {
        match parse_instant(s) {
            Some(t) => Ok(t),
            None => s
                .parse::<DateTime<FixedOffset>>()
                .map(|t| t.with_timezone(&Utc))
                .map_err(E::custom),
        }
    }
}

/// `#[serde(with = "stamp::date")]` on a `NaiveDate`.
pub mod date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &NaiveDate, s: S) -> Result<S::Ok, S::Error> {
        write_date(d, s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
        d.deserialize_str(DateVisitor)
    }
}

/// `#[serde(with = "stamp::opt_date")]` on an `Option<NaiveDate>`.
pub mod opt_date {
    use super::*;

    pub fn serialize<S: Serializer>(d: &Option<NaiveDate>, s: S) -> Result<S::Ok, S::Error> {
        struct Day<'a>(&'a NaiveDate);
        impl Serialize for Day<'_> {
            fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
                write_date(self.0, s)
            }
        }
        match d {
            Some(d) => s.serialize_some(&Day(d)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<NaiveDate>, D::Error> {
        struct Opt;
        impl<'de> Visitor<'de> for Opt {
            type Value = Option<NaiveDate>;

            fn expecting(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
                f.write_str("a formatted date string or nothing")
            }

            fn visit_none<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_unit<E: Error>(self) -> Result<Self::Value, E> {
                Ok(None)
            }

            fn visit_some<D: Deserializer<'de>>(self, d: D) -> Result<Self::Value, D::Error> {
                d.deserialize_str(DateVisitor).map(Some)
            }
        }
        d.deserialize_option(Opt)
    }
}

/// `#[serde(with = "stamp::instant")]` on a `DateTime<Utc>`.
pub mod instant {
    use super::*;

    pub fn serialize<S: Serializer>(t: &DateTime<Utc>, s: S) -> Result<S::Ok, S::Error> {
        t.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<DateTime<Utc>, D::Error> {
        d.deserialize_str(InstantVisitor)
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::{Duration, TimeZone};
    use proptest::prelude::*;
    use serde::{Deserialize, Serialize};

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Fast {
        #[serde(with = "date")]
        d: NaiveDate,
        #[serde(with = "opt_date")]
        o: Option<NaiveDate>,
        #[serde(with = "instant")]
        t: DateTime<Utc>,
    }

    #[derive(Debug, PartialEq, Serialize, Deserialize)]
    struct Chrono {
        d: NaiveDate,
        o: Option<NaiveDate>,
        t: DateTime<Utc>,
    }

    fn bincode_of<T: Serialize>(v: &T) -> Vec<u8> {
        bincode::serde::encode_to_vec(v, bincode::config::standard()).unwrap()
    }

    fn from_bincode<T: serde::de::DeserializeOwned>(b: &[u8]) -> Result<T, String> {
        bincode::serde::decode_from_slice(b, bincode::config::standard())
            .map(|(v, _)| v)
            .map_err(|e| e.to_string())
    }

    fn instant(secs: i64, nanos: u32) -> DateTime<Utc> {
        Utc.timestamp_opt(secs, nanos).unwrap()
    }

    proptest! {
        /// The records are written as chrono writes them, and read back as chrono reads them,
        /// in bincode (the store) and JSON (backups, listings).
        #[test]
        fn records_are_the_same_bytes_and_read_the_same(
            days in -800_000i64..3_700_000,
            secs in 0i64..300_000_000_000,
            nanos in prop_oneof![Just(0u32), 0u32..1000, (0u32..1000).prop_map(|n| n * 1_000_000), 0u32..1_000_000_000],
            none in any::<bool>(),
        ) {
            let d = NaiveDate::from_ymd_opt(1, 1, 1).unwrap() + Duration::days(days);
            let fast = Fast { d, o: (!none).then_some(d), t: instant(secs, nanos) };
            let theirs = Chrono { d, o: fast.o, t: fast.t };
            prop_assert_eq!(bincode_of(&fast), bincode_of(&theirs));
            prop_assert_eq!(serde_json::to_string(&fast).unwrap(), serde_json::to_string(&theirs).unwrap());
            prop_assert_eq!(from_bincode::<Fast>(&bincode_of(&theirs)), Ok(fast));
            let json = serde_json::to_string(&theirs).unwrap();
            let back: Fast = serde_json::from_str(&json).unwrap();
            prop_assert_eq!(Chrono { d: back.d, o: back.o, t: back.t }, theirs);
        }

        /// Any text: the same value, or an error, as chrono's own parsers give.
        #[test]
        fn any_text_reads_as_chrono_reads_it(s in "[0-9T:.Z+ -]{8,32}") {
            prop_assert_eq!(
                DateVisitor.visit_str::<serde::de::value::Error>(&s).ok(),
                s.parse::<NaiveDate>().ok()
            );
            prop_assert_eq!(
                InstantVisitor.visit_str::<serde::de::value::Error>(&s).ok(),
                s.parse::<DateTime<FixedOffset>>().ok().map(|t| t.with_timezone(&Utc))
            );
        }
    }

    #[test]
    fn the_forms_chrono_writes_take_the_fast_path() {
        let t = instant(1_772_701_965, 123_456_789);
        assert_eq!(
            parse_instant(&t.to_rfc3339_opts(chrono::SecondsFormat::AutoSi, true)),
            Some(t)
        );
        assert_eq!(
            parse_instant("2026-03-05T09:12:45Z"),
            Some(instant(1_772_701_965, 0))
        );
        assert_eq!(
            parse_instant("2026-03-05T09:12:45.5Z"),
            Some(instant(1_772_701_965, 500_000_000))
        );
        assert_eq!(
            parse_date("2026-03-05"),
            NaiveDate::from_ymd_opt(2026, 3, 5)
        );
        // Left to chrono: an offset, a leap second, an impossible day.
        assert_eq!(parse_instant("2026-03-05T09:12:45+01:00"), None);
        assert_eq!(parse_instant("2026-12-31T23:59:60Z"), None);
        assert_eq!(parse_date("2026-02-30"), None);
        let leap = "2016-12-31T23:59:60Z";
        assert_eq!(
            InstantVisitor
                .visit_str::<serde::de::value::Error>(leap)
                .ok(),
            leap.parse::<DateTime<FixedOffset>>()
                .ok()
                .map(|t| t.with_timezone(&Utc))
        );
        // Written by hand up to year 9999, by chrono beyond: the same text either way.
        for (y, text) in [
            (0, "\"0000-01-01\""),
            (9999, "\"9999-01-01\""),
            (10_000, "\"+10000-01-01\""),
            (-1, "\"-0001-01-01\""),
        ] {
            let d = NaiveDate::from_ymd_opt(y, 1, 1).unwrap();
            let fast = Fast {
                d,
                o: Some(d),
                t: instant(0, 0),
            };
            let json = serde_json::to_string(&fast).unwrap();
            assert!(
                json.contains(&format!("\"d\":{text},\"o\":{text}")),
                "{json}"
            );
            assert_eq!(
                json,
                serde_json::to_string(&Chrono {
                    d,
                    o: Some(d),
                    t: fast.t
                })
                .unwrap()
            );
        }
        let err = DateVisitor
            .visit_str::<serde::de::value::Error>("2026-02-30")
            .unwrap_err();
        assert_eq!(
            err.to_string(),
            "2026-02-30".parse::<NaiveDate>().unwrap_err().to_string()
        );
    }
}
