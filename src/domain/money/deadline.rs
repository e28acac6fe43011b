//! The time a formal notice gives to pay, and the calendar date the letter states.

use crate::domain::money::calendar::add_days;
use chrono::{Datelike, NaiveDate, Weekday};
use serde::{Deserialize, Serialize};

use super::calendar::{is_working_day, next_working_day, roll_to_working_day};
use crate::domain::event::Channel;
use crate::domain::model::{DebtorType, Jurisdiction};
use crate::i18n::tf;

#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum NoticeKind {
    /// French mise en demeure.
    MiseEnDemeure,
    /// NL/BE consumer last notice: at least 14 days, collection costs stated.
    LastNotice,
}

impl NoticeKind {
    /// A consumer outside France gets the NL/BE last notice rather than a mise en demeure.
    pub fn for_debtor(debtor_type: DebtorType, jurisdiction: Jurisdiction) -> NoticeKind {
        if debtor_type == DebtorType::B2c && jurisdiction != Jurisdiction::Fr {
            NoticeKind::LastNotice
        } else {
            NoticeKind::MiseEnDemeure
        }
    }
}

/// Days a notice may give the debtor (`--deadline-days`, `[deadlines]`): a negative or
/// zero deadline makes no sense, and beyond three months a notice no longer says "now".
pub const DEADLINE_DAYS: std::ops::RangeInclusive<i64> = 1..=90;

/// Default and acceptable notice periods, in days; configurable.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(default, deny_unknown_fields)]
pub struct DeadlineRules {
    pub b2b_days: i64,
    pub b2c_days: i64,
    /// Legal minimum of a NL/BE consumer last notice.
    pub last_notice_min_days: i64,
    /// Under this, a notice looks abusive.
    pub warn_below_days: i64,
    /// Over this, a notice looks unconcerned.
    pub warn_above_days: i64,
}

impl Default for DeadlineRules {
    fn default() -> Self {
        DeadlineRules {
            b2b_days: 8,
            b2c_days: 15,
            last_notice_min_days: LAST_NOTICE_MIN_DAYS,
            warn_below_days: 7,
            warn_above_days: 30,
        }
    }
}

impl DeadlineRules {
    pub fn default_days(&self, debtor_type: DebtorType, kind: NoticeKind) -> i64 {
        match (kind, debtor_type) {
            (NoticeKind::LastNotice, _) => self.last_notice_min_days,
            (_, DebtorType::B2b) => self.b2b_days,
            (_, DebtorType::B2c) => self.b2c_days,
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", rename_all = "snake_case")]
pub enum DeadlineWarning {
    TooShort {
        days: i64,
        min: i64,
    },
    TooLong {
        days: i64,
        max: i64,
    },
    /// A NL/BE last notice below 14 days: the collection costs would not be owed.
    BelowLegalMinimum {
        days: i64,
        min: i64,
    },
}

impl DeadlineWarning {
    pub fn message(&self) -> String {
        match self {
            DeadlineWarning::TooShort { days, min } => {
                tf("money.deadline.too_short", &[("days", days), ("min", min)])
            }
            DeadlineWarning::TooLong { days, max } => {
                tf("money.deadline.too_long", &[("days", days), ("max", max)])
            }
            DeadlineWarning::BelowLegalMinimum { days, min } => tf(
                "money.deadline.below_minimum",
                &[("days", days), ("min", min)],
            ),
        }
    }
}

#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct DeadlineAdvice {
    pub kind: NoticeKind,
    pub days: i64,
    pub sent: NaiveDate,
    /// Day the period starts from: the AR date, or the assumed receipt.
    pub receipt: NaiveDate,
    pub receipt_assumed: bool,
    /// The date the letter states: receipt + days, moved to the next working day if it falls on a
    /// weekend or public holiday.
    pub deadline: NaiveDate,
    pub warnings: Vec<DeadlineWarning>,
}

/// The deadline of a notice sent on `sent`. `days` is the user's choice (`None`: the default for
/// the debtor). Without an AR date, receipt is assumed the next working day after sending; for a
/// Belgian paper letter, the third working day, and the next day for an e-mail (CDE book XIX).
pub fn notice_deadline(
    sent: NaiveDate,
    received: Option<NaiveDate>,
    days: Option<i64>,
    channel: Channel,
    debtor_type: DebtorType,
    jurisdiction: Jurisdiction,
    rules: &DeadlineRules,
) -> DeadlineAdvice {
    let kind = NoticeKind::for_debtor(debtor_type, jurisdiction);
    let days = days.unwrap_or_else(|| rules.default_days(debtor_type, kind));
    let receipt = match (received, jurisdiction, channel) {
        (Some(r), _, _) => r,
        (None, Jurisdiction::Be, Channel::Email) => add_days(sent, 1),
        (None, Jurisdiction::Be, _) => {
            let mut d = sent;
            for _ in 0..3 {
                d = next_working_day(d);
            }
            d
        }
        (None, _, _) => next_working_day(sent),
    };
    debug_assert!(
        received.is_some() || jurisdiction == Jurisdiction::Be || is_working_day(receipt)
    );
    let deadline = roll_to_working_day(add_days(receipt, days));
    let mut warnings = Vec::new();
    if kind == NoticeKind::LastNotice && days < rules.last_notice_min_days {
        warnings.push(DeadlineWarning::BelowLegalMinimum {
            days,
            min: rules.last_notice_min_days,
        });
    }
    if days < rules.warn_below_days {
        warnings.push(DeadlineWarning::TooShort {
            days,
            min: rules.warn_below_days,
        });
    }
    if days > rules.warn_above_days {
        warnings.push(DeadlineWarning::TooLong {
            days,
            max: rules.warn_above_days,
        });
    }
    DeadlineAdvice {
        kind,
        days,
        sent,
        receipt,
        receipt_assumed: received.is_none(),
        deadline,
        warnings,
    }
}

/// Minimum days a NL/BE consumer last notice must give.
pub const LAST_NOTICE_MIN_DAYS: i64 = 14;

/// The third working day after `d` (weekends skipped; public holidays are not known here, so the
/// result may be a day early around a holiday: callers wanting margin should add it).
fn third_working_day_after(d: NaiveDate) -> NaiveDate {
    let mut day = d;
    let mut n = 0;
    while n < 3 {
        day = add_days(day, 1);
        if day == NaiveDate::MAX {
            break;
        }
        if !matches!(day.weekday(), Weekday::Sat | Weekday::Sun) {
            n += 1;
        }
    }
    day
}

/// The earliest deadline a NL/BE consumer last notice may state: 14 days from the day after the
/// reminder (Netherlands, and Belgium for electronic sending) or from the third working day after a
/// paper sending (Belgium); one extra day is kept because receipt is not known in advance.
pub fn last_notice_min_deadline(
    today: NaiveDate,
    jurisdiction: Jurisdiction,
    channel: Channel,
) -> NaiveDate {
    let start = if jurisdiction == Jurisdiction::Be && channel != Channel::Email {
        third_working_day_after(today)
    } else {
        add_days(today, 1)
    };
    add_days(start, LAST_NOTICE_MIN_DAYS)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn d(s: &str) -> NaiveDate {
        NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
    }

    #[test]
    fn last_notice_deadline_counts_from_the_day_after() {
        // Friday 20 March 2026.
        let today = d("2026-03-20");
        assert_eq!(
            last_notice_min_deadline(today, Jurisdiction::Nl, Channel::Letter),
            d("2026-04-04")
        );
        assert_eq!(
            last_notice_min_deadline(today, Jurisdiction::Be, Channel::Email),
            d("2026-04-04")
        );
        // Paper in Belgium: third working day after Friday is Wednesday 25 March.
        assert_eq!(
            last_notice_min_deadline(today, Jurisdiction::Be, Channel::Letter),
            d("2026-04-08")
        );
    }
}
