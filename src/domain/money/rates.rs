//! The rate table: per half-year, the two French legal interest rates and the ECB main refinancing
//! rate, each row with its source and where it comes from (the built-in file or the user's config).

use chrono::NaiveDate;
use rust_decimal::Decimal;
use serde::{Deserialize, Deserializer, Serialize};
use std::str::FromStr;
use std::sync::OnceLock;

use super::calendar::HalfYear;
use super::error::MoneyError;

/// The built-in table, compiled in: 2015-H1 to 2026-H1.
pub const BUILTIN_RATES: &str = include_str!("rates.toml");

/// Points added to the ECB rate for the statutory default B2B penalty (L441-10 II).
pub const ECB_MARGIN: Decimal = Decimal::from_parts(10, 0, 0, false, 0);
/// A contractual penalty rate may not be below this multiple of the legal "other cases" rate.
pub const FLOOR_MULTIPLE: Decimal = Decimal::from_parts(3, 0, 0, false, 0);

/// Where a row of the table comes from, for `recouvre rates`.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Default)]
#[serde(tag = "kind", content = "label", rename_all = "snake_case")]
pub enum RateOrigin {
    /// `src/domain/money/rates.toml`, compiled into the binary.
    #[default]
    Builtin,
    /// A user file or setting; the label says which (e.g. the config file path).
    Config(String),
}

impl RateOrigin {
    /// "where this row comes from", for `recouvre rates`.
    pub fn label(&self) -> String {
        match self {
            RateOrigin::Builtin => crate::i18n::t("money.rates.builtin").to_string(),
            RateOrigin::Config(l) => crate::i18n::tf("money.rates.config", &[("label", l)]),
        }
    }
}

/// One half-year of rates, in percent per year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct RateRow {
    /// 1 January or 1 July.
    #[serde(deserialize_with = "de_start")]
    pub start: NaiveDate,
    /// Creditor who is a natural person not acting for professional purposes.
    #[serde(deserialize_with = "de_decimal")]
    pub legal_rate_consumer_creditor: Decimal,
    /// Every other case (business creditors): also the base of the 3 × floor.
    #[serde(deserialize_with = "de_decimal")]
    pub legal_rate_other: Decimal,
    /// ECB main refinancing rate in force on the first day of the half-year.
    #[serde(deserialize_with = "de_decimal")]
    pub ecb_refi_rate: Decimal,
    #[serde(default)]
    pub source: String,
    #[serde(default)]
    pub ecb_source: String,
    /// False when the figures are not confirmed by the cited sources: dependent amounts are then
    /// provisional.
    #[serde(default = "yes")]
    pub confirmed: bool,
    #[serde(skip_deserializing)]
    pub origin: RateOrigin,
}

fn yes() -> bool {
    true
}

impl RateRow {
    pub fn half_year(&self) -> HalfYear {
        HalfYear::containing(self.start)
    }
    /// Statutory default B2B penalty rate: ECB + 10 points.
    pub fn default_penalty_rate(&self) -> Decimal {
        self.ecb_refi_rate + ECB_MARGIN
    }
    /// Minimum contractual B2B penalty rate: 3 × the legal "other cases" rate.
    pub fn contractual_floor(&self) -> Decimal {
        self.legal_rate_other * FLOOR_MULTIPLE
    }
}

/// Rates are written as quoted strings ("2.62") so that no binary float ever carries a rate.
fn de_decimal<'de, D: Deserializer<'de>>(d: D) -> Result<Decimal, D::Error> {
    let v = toml::Value::deserialize(d)?;
    match v {
        toml::Value::String(s) => Decimal::from_str(s.trim()).map_err(serde::de::Error::custom),
        toml::Value::Integer(i) => Ok(Decimal::from(i)),
        other => Err(serde::de::Error::custom(format!(
            "rate {other} must be written as a quoted decimal, e.g. \"2.62\""
        ))),
    }
}

/// `start = 2026-07-01`, `start = "2026-07-01"` or `start = "2026-H2"`.
fn de_start<'de, D: Deserializer<'de>>(d: D) -> Result<NaiveDate, D::Error> {
    let v = toml::Value::deserialize(d)?;
    let text = match v {
        toml::Value::Datetime(dt) => dt.to_string(),
        toml::Value::String(s) => s,
        other => {
            return Err(serde::de::Error::custom(format!(
                "start {other} must be a date such as 2026-07-01"
            )))
        }
    };
    if let Ok(h) = HalfYear::from_str(&text) {
        return Ok(h.first_day());
    }
    let date = NaiveDate::parse_from_str(text.trim(), "%Y-%m-%d")
        .map_err(|_| serde::de::Error::custom(format!("start {text} is not a date")))?;
    HalfYear::starting_on(date)
        .map(|h| h.first_day())
        .ok_or_else(|| {
            serde::de::Error::custom(format!("start {text} must be a 1 January or a 1 July"))
        })
}

#[derive(Deserialize)]
struct RateFile {
    #[serde(default)]
    semester: Vec<RateRow>,
}

/// The rates found for a half-year, and whether they are a stand-in.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct RateLookup<'a> {
    pub half_year: HalfYear,
    pub row: &'a RateRow,
    /// The half-year is not in the table (the last known row stands in) or the row is
    /// unconfirmed: every figure computed from it must be shown as provisional.
    pub provisional: bool,
}

/// Half-year rates, sorted by start date, one row per half-year.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct RateTable {
    rows: Vec<RateRow>,
}

impl RateTable {
    /// The compiled-in table.
    pub fn builtin() -> RateTable {
        static TABLE: OnceLock<RateTable> = OnceLock::new();
        TABLE
            .get_or_init(|| {
                // The embedded file is checked by the tests; failing here would be a build defect.
                RateTable::parse(BUILTIN_RATES, RateOrigin::Builtin)
                    .expect("built-in rates.toml parses")
            })
            .clone()
    }

    /// Parses `[[semester]]` rows in the format of `rates.toml`, tagging them with `origin`.
    pub fn parse(text: &str, origin: RateOrigin) -> Result<RateTable, MoneyError> {
        let rows = parse_rows(text)?;
        RateTable { rows: vec![] }.merged(rows, origin)
    }

    /// The table with `rows` added, replacing any half-year they share with it. Every added row is
    /// tagged as coming from the config labelled `origin_label`.
    pub fn with_overrides(
        self,
        rows: Vec<RateRow>,
        origin_label: &str,
    ) -> Result<RateTable, MoneyError> {
        self.merged(rows, RateOrigin::Config(origin_label.to_string()))
    }

    fn merged(mut self, rows: Vec<RateRow>, origin: RateOrigin) -> Result<RateTable, MoneyError> {
        for mut row in rows {
            let h = HalfYear::starting_on(row.start).ok_or_else(|| MoneyError::RateRowStart {
                origin: origin_text(&origin),
                start: row.start,
            })?;
            if [
                row.legal_rate_consumer_creditor,
                row.legal_rate_other,
                row.ecb_refi_rate,
            ]
            .iter()
            .any(|r| r.is_sign_negative() && !r.is_zero())
            {
                return Err(MoneyError::NegativeRate {
                    origin: origin_text(&origin),
                    half_year: h,
                });
            }
            if let Some(rate) = [
                row.legal_rate_consumer_creditor,
                row.legal_rate_other,
                row.ecb_refi_rate,
            ]
            .into_iter()
            .find(|r| *r > crate::domain::parse::MAX_RATE)
            {
                return Err(MoneyError::RateOutOfRange {
                    origin: origin_text(&origin),
                    half_year: h,
                    rate,
                });
            }
            row.origin = origin.clone();
            self.rows.retain(|r| r.half_year() != h);
            self.rows.push(row);
        }
        self.rows.sort_by_key(|r| r.start);
        Ok(self)
    }

    /// Every row, oldest first, with its origin.
    pub fn rows(&self) -> &[RateRow] {
        &self.rows
    }

    pub fn last(&self) -> Option<&RateRow> {
        self.rows.last()
    }

    /// Half-years up to the one containing `today` that have no row of their own: figures for
    /// them are provisional until the user adds them (e.g. `2026-H2` on 25 November 2026).
    pub fn missing_half_years(&self, today: NaiveDate) -> Vec<HalfYear> {
        let Some(first) = self.rows.first() else {
            return vec![];
        };
        let end = HalfYear::containing(today);
        let mut h = first.half_year();
        let mut out = Vec::new();
        while h <= end {
            if !self.rows.iter().any(|r| r.half_year() == h) {
                out.push(h);
            }
            h = h.next();
        }
        out
    }

    /// The rates for half-year `h`. A half-year missing from the table borrows the latest earlier
    /// row and is flagged provisional; before the first row there is nothing to borrow.
    pub fn lookup(&self, h: HalfYear) -> Result<RateLookup<'_>, MoneyError> {
        let row = self
            .rows
            .iter()
            .rev()
            .find(|r| r.half_year() <= h)
            .ok_or(MoneyError::RateMissing { half_year: h })?;
        Ok(RateLookup {
            half_year: h,
            row,
            provisional: row.half_year() != h || !row.confirmed,
        })
    }
}

fn origin_text(o: &RateOrigin) -> String {
    match o {
        RateOrigin::Builtin => "rates.toml".to_string(),
        RateOrigin::Config(l) => l.clone(),
    }
}

/// Parses `[[semester]]` rows (for a config layer that keeps its own rows in that format).
pub fn parse_rows(text: &str) -> Result<Vec<RateRow>, MoneyError> {
    toml::from_str::<RateFile>(text)
        .map(|f| f.semester)
        .map_err(|e| MoneyError::InvalidRateRow {
            origin: "toml".to_string(),
            reason: e.to_string(),
        })
}

#[cfg(test)]
mod tests {
    use super::*;

    fn dec(s: &str) -> Decimal {
        Decimal::from_str(s).unwrap()
    }

    #[test]
    fn builtin_table_covers_2015_h1_to_2026_h1_with_sources() {
        let t = RateTable::builtin();
        assert_eq!(t.rows().len(), 23);
        assert_eq!(t.rows()[0].half_year().to_string(), "2015-H1");
        assert_eq!(t.last().unwrap().half_year().to_string(), "2026-H1");
        for r in t.rows() {
            assert!(!r.source.is_empty(), "{} has no source", r.half_year());
            assert!(
                !r.ecb_source.is_empty(),
                "{} has no ECB source",
                r.half_year()
            );
            assert_eq!(r.origin, RateOrigin::Builtin);
        }
    }

    /// The file also states the derived figures; they must agree with what the code derives.
    #[test]
    fn derived_columns_of_the_file_match_the_rules() {
        #[derive(Deserialize)]
        struct Derived {
            #[serde(deserialize_with = "de_start")]
            start: NaiveDate,
            #[serde(deserialize_with = "de_decimal")]
            b2b_default_penalty_rate: Decimal,
            #[serde(deserialize_with = "de_decimal")]
            b2b_contractual_floor: Decimal,
        }
        #[derive(Deserialize)]
        struct F {
            semester: Vec<Derived>,
        }
        let f: F = toml::from_str(BUILTIN_RATES).unwrap();
        let t = RateTable::builtin();
        for d in f.semester {
            let row = t.lookup(HalfYear::containing(d.start)).unwrap().row;
            assert_eq!(
                row.default_penalty_rate(),
                d.b2b_default_penalty_rate,
                "{}",
                d.start
            );
            assert_eq!(
                row.contractual_floor(),
                d.b2b_contractual_floor,
                "{}",
                d.start
            );
        }
    }

    #[test]
    fn past_the_table_the_last_row_stands_in_provisionally() {
        let t = RateTable::builtin();
        let l = t.lookup(HalfYear::new(2026, 2).unwrap()).unwrap();
        assert!(l.provisional);
        assert_eq!(l.row.half_year().to_string(), "2026-H1");
        assert_eq!(l.row.legal_rate_other, dec("2.62"));
        let known = t.lookup(HalfYear::new(2026, 1).unwrap()).unwrap();
        assert!(!known.provisional);
        let today = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap();
        assert_eq!(
            t.missing_half_years(today),
            vec![HalfYear::new(2026, 2).unwrap()]
        );
        let june = NaiveDate::from_ymd_opt(2026, 6, 30).unwrap();
        assert!(t.missing_half_years(june).is_empty());
        assert_eq!(
            t.lookup(HalfYear::new(2014, 2).unwrap()).unwrap_err(),
            MoneyError::RateMissing {
                half_year: HalfYear::new(2014, 2).unwrap()
            }
        );
    }

    #[test]
    fn config_rows_add_and_override_and_say_where_they_come_from() {
        let rows = parse_rows(
            r#"
            [[semester]]
            start = "2026-H2"
            legal_rate_consumer_creditor = "6.50"
            legal_rate_other = "2.50"
            ecb_refi_rate = "2.00"
            source = "Arrêté du 26/06/2026"

            [[semester]]
            start = 2024-01-01
            legal_rate_consumer_creditor = "8.01"
            legal_rate_other = "5.07"
            ecb_refi_rate = "4.50"
            confirmed = false
            "#,
        )
        .unwrap();
        let t = RateTable::builtin()
            .with_overrides(rows, "/etc/recouvre.toml")
            .unwrap();
        assert_eq!(t.rows().len(), 24);
        let h2 = t.lookup(HalfYear::new(2026, 2).unwrap()).unwrap();
        assert!(!h2.provisional);
        assert_eq!(
            h2.row.origin,
            RateOrigin::Config("/etc/recouvre.toml".into())
        );
        assert_eq!(h2.row.default_penalty_rate(), dec("12.00"));
        // An unconfirmed override is itself provisional.
        assert!(
            t.lookup(HalfYear::new(2024, 1).unwrap())
                .unwrap()
                .provisional
        );
        let builtin_row = t.lookup(HalfYear::new(2025, 1).unwrap()).unwrap().row;
        assert_eq!(builtin_row.origin, RateOrigin::Builtin);
    }

    #[test]
    fn bad_rows_are_refused() {
        let float = parse_rows(
            "[[semester]]\nstart = 2026-07-01\nlegal_rate_consumer_creditor = 6.5\nlegal_rate_other = \"2\"\necb_refi_rate = \"2\"\n",
        );
        assert!(float.is_err());
        let mid_year = parse_rows(
            "[[semester]]\nstart = 2026-08-01\nlegal_rate_consumer_creditor = \"6.5\"\nlegal_rate_other = \"2\"\necb_refi_rate = \"2\"\n",
        );
        assert!(mid_year.is_err());
        let huge = parse_rows(
            "[[semester]]\nstart = 2026-07-01\nlegal_rate_consumer_creditor = \"6.5\"\nlegal_rate_other = \"2\"\necb_refi_rate = \"79228162514264337593543950335\"\n",
        )
        .unwrap();
        let err = RateTable::builtin()
            .with_overrides(huge, "rates.toml")
            .unwrap_err();
        assert!(matches!(err, MoneyError::RateOutOfRange { .. }), "{err}");
        let ok = parse_rows(
            "[[semester]]\nstart = 2026-07-01\nlegal_rate_consumer_creditor = \"100\"\nlegal_rate_other = \"0\"\necb_refi_rate = \"2\"\n",
        )
        .unwrap();
        assert!(RateTable::builtin()
            .with_overrides(ok, "rates.toml")
            .is_ok());
    }
}
