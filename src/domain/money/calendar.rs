//! Calendar pieces the money rules need: half-years, the day-count denominator and French working
//! days.

use chrono::{Datelike, Duration, NaiveDate, Weekday};
use serde::{Serialize, Serializer};
use std::fmt;
use std::str::FromStr;

/// A calendar half-year ("semestre"): every French legal rate and the ECB reference rate used by
/// L441-10 are fixed per half-year.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Hash, PartialOrd, Ord)]
pub struct HalfYear {
    pub year: i32,
    /// 1 for January–June, 2 for July–December.
    pub half: u8,
}

impl HalfYear {
    pub fn new(year: i32, half: u8) -> Option<HalfYear> {
        matches!(half, 1 | 2).then_some(HalfYear { year, half })
    }

    pub fn containing(d: NaiveDate) -> HalfYear {
        HalfYear {
            year: d.year(),
            half: if d.month() <= 6 { 1 } else { 2 },
        }
    }

    /// The half-year starting on `d`, if `d` is a 1 January or a 1 July.
    pub fn starting_on(d: NaiveDate) -> Option<HalfYear> {
        (d.day() == 1 && (d.month() == 1 || d.month() == 7)).then(|| HalfYear::containing(d))
    }

    pub fn first_day(self) -> NaiveDate {
        let month = if self.half == 1 { 1 } else { 7 };
        NaiveDate::from_ymd_opt(self.year, month, 1).expect("1 Jan / 1 Jul always exist")
    }

    pub fn last_day(self) -> NaiveDate {
        self.next().first_day() - Duration::days(1)
    }

    pub fn next(self) -> HalfYear {
        if self.half == 1 {
            HalfYear {
                year: self.year,
                half: 2,
            }
        } else {
            HalfYear {
                year: self.year + 1,
                half: 1,
            }
        }
    }
}

impl fmt::Display for HalfYear {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-H{}", self.year, self.half)
    }
}

impl FromStr for HalfYear {
    type Err = ();
    /// Parses `2026-H2` (also `2026-S2`, the French "semestre").
    fn from_str(s: &str) -> Result<Self, ()> {
        let s = s.trim().to_ascii_uppercase();
        let (y, h) = s.split_once('-').ok_or(())?;
        let h = h
            .strip_prefix('H')
            .or_else(|| h.strip_prefix('S'))
            .ok_or(())?;
        let year: i32 = y.parse().map_err(|_| ())?;
        let half: u8 = h.parse().map_err(|_| ())?;
        HalfYear::new(year, half).ok_or(())
    }
}

impl Serialize for HalfYear {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_str(self)
    }
}

/// The denominator of the day count: each day of interest is 1/365 or 1/366 of the yearly rate,
/// according to the year that day falls in.
pub fn days_in_year(year: i32) -> i64 {
    if NaiveDate::from_ymd_opt(year, 2, 29).is_some() {
        366
    } else {
        365
    }
}

/// Western Easter Sunday (anonymous Gregorian algorithm).
fn easter(year: i32) -> NaiveDate {
    let a = year % 19;
    let b = year / 100;
    let c = year % 100;
    let d = b / 4;
    let e = b % 4;
    let f = (b + 8) / 25;
    let g = (b - f + 1) / 3;
    let h = (19 * a + b - d - g + 15) % 30;
    let i = c / 4;
    let k = c % 4;
    let l = (32 + 2 * e + 2 * i - h - k) % 7;
    let m = (a + 11 * h + 22 * l) / 451;
    let month = (h + l - 7 * m + 114) / 31;
    let day = (h + l - 7 * m + 114) % 31 + 1;
    NaiveDate::from_ymd_opt(year, month as u32, day as u32).expect("Easter is a valid date")
}

/// The eleven national public holidays of metropolitan France (Alsace-Moselle's extra days are not
/// included).
pub fn is_french_public_holiday(d: NaiveDate) -> bool {
    let fixed = [
        (1, 1),
        (5, 1),
        (5, 8),
        (7, 14),
        (8, 15),
        (11, 1),
        (11, 11),
        (12, 25),
    ];
    if fixed.contains(&(d.month(), d.day())) {
        return true;
    }
    let e = easter(d.year());
    // Easter Monday, Ascension Thursday, Whit Monday.
    [1, 39, 50].iter().any(|&n| d == e + Duration::days(n))
}

/// Monday to Friday, not a French public holiday ("jour ouvré").
pub fn is_working_day(d: NaiveDate) -> bool {
    !matches!(d.weekday(), Weekday::Sat | Weekday::Sun) && !is_french_public_holiday(d)
}

/// `d` plus `n` days (`n` may be negative), saturating at the calendar's limits: a bad stored
/// date or a huge offset gives a far date, never an overflow that aborts the program.
pub fn add_days(d: NaiveDate, n: i64) -> NaiveDate {
    Duration::try_days(n)
        .and_then(|delta| d.checked_add_signed(delta))
        .unwrap_or(if n < 0 {
            NaiveDate::MIN
        } else {
            NaiveDate::MAX
        })
}

/// The first working day strictly after `d`.
pub fn next_working_day(d: NaiveDate) -> NaiveDate {
    let mut x = add_days(d, 1);
    // A week holds at least one working day; the bound only matters at the calendar's end.
    for _ in 0..14 {
        if is_working_day(x) {
            break;
        }
        x = add_days(x, 1);
    }
    x
}

/// `d` itself if it is a working day, else the next one: a time limit that would end on a weekend
/// or a public holiday runs to the next working day (art. 642 CPC).
pub fn roll_to_working_day(d: NaiveDate) -> NaiveDate {
    if is_working_day(d) {
        d
    } else {
        next_working_day(d)
    }
}

/// One piece of an accrual period that lies within a single half-year: days `first..=last`.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Piece {
    pub half_year: HalfYear,
    pub first: NaiveDate,
    pub last: NaiveDate,
}

impl Piece {
    pub fn days(&self) -> i64 {
        (self.last - self.first).num_days() + 1
    }
}

/// Splits the days after `after` up to and including `until` at each half-year boundary. A piece
/// never crosses a year end, so each piece has a single day-count denominator.
pub fn split_half_years(after: NaiveDate, until: NaiveDate) -> Vec<Piece> {
    let mut out = Vec::new();
    if until <= after {
        return out;
    }
    let mut first = add_days(after, 1);
    while first <= until {
        let h = HalfYear::containing(first);
        let last = h.last_day().min(until);
        out.push(Piece {
            half_year: h,
            first,
            last,
        });
        if last == NaiveDate::MAX {
            break;
        }
        first = add_days(last, 1);
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn half_years() {
        let h = HalfYear::containing(d("2026-11-25"));
        assert_eq!(h.to_string(), "2026-H2");
        assert_eq!(h.first_day(), d("2026-07-01"));
        assert_eq!(h.last_day(), d("2026-12-31"));
        assert_eq!(h.next().to_string(), "2027-H1");
        assert_eq!(
            "2024-h1".parse::<HalfYear>(),
            Ok(HalfYear::new(2024, 1).unwrap())
        );
        assert!("2024-H3".parse::<HalfYear>().is_err());
        assert_eq!(HalfYear::starting_on(d("2026-07-02")), None);
    }

    #[test]
    fn leap_years_have_366_days() {
        assert_eq!(days_in_year(2024), 366);
        assert_eq!(days_in_year(2025), 365);
        assert_eq!(days_in_year(2100), 365);
        assert_eq!(days_in_year(2000), 366);
    }

    #[test]
    fn easter_and_holidays() {
        assert_eq!(easter(2026), d("2026-04-05"));
        assert_eq!(easter(2024), d("2024-03-31"));
        assert!(is_french_public_holiday(d("2026-04-06"))); // Easter Monday
        assert!(is_french_public_holiday(d("2026-05-14"))); // Ascension
        assert!(is_french_public_holiday(d("2026-05-25"))); // Whit Monday
        assert!(!is_french_public_holiday(d("2026-05-26")));
        // Friday 13 Nov 2026 → Monday 16 (weekend); Tuesday 10 Nov → Thursday 12 (11 Nov holiday).
        assert_eq!(next_working_day(d("2026-11-13")), d("2026-11-16"));
        assert_eq!(next_working_day(d("2026-11-10")), d("2026-11-12"));
        assert_eq!(roll_to_working_day(d("2026-11-28")), d("2026-11-30"));
        assert_eq!(roll_to_working_day(d("2026-11-27")), d("2026-11-27"));
    }

    #[test]
    fn splitting_at_half_year_boundaries() {
        let p = split_half_years(d("2025-05-31"), d("2026-01-10"));
        let got: Vec<(String, i64)> = p
            .iter()
            .map(|x| (x.half_year.to_string(), x.days()))
            .collect();
        // June 2025: 30 days; H2 2025: 184; 1–10 Jan 2026: 10.
        assert_eq!(
            got,
            vec![
                ("2025-H1".into(), 30),
                ("2025-H2".into(), 184),
                ("2026-H1".into(), 10)
            ]
        );
        assert!(split_half_years(d("2026-01-10"), d("2026-01-10")).is_empty());
    }
}
