//! Collection reports: the ageing balance, the stage funnel, the money collected per week and per
//! month, the DSO and the effect of each step. One computation for the CLI and the TUI, from
//! dossiers already assessed at `today` by the same rules as every other figure: a report never
//! folds a journal or applies a money rule of its own.

use std::collections::BTreeMap;

use chrono::{Datelike, Duration, NaiveDate};
use rust_decimal::Decimal;
use serde::Serialize;

use super::assess::Assessment;
use super::fold::{DossierState, Stage};
use super::model::{Debtor, DebtorId};

/// One assessed dossier, as the reports read it.
#[derive(Debug, Clone, Copy)]
pub struct Row<'a> {
    pub state: &'a DossierState,
    pub debtor: &'a Debtor,
    pub assessment: &'a Assessment,
}

/// The dates a report covers: payments and steps dated within `from..=to` (no `from`: since the
/// first one).
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub struct Period {
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
}

impl Period {
    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from.is_none_or(|f| d >= f) && d <= self.to
    }
}

/// How late an open invoice is, in the usual ageing buckets.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum Bucket {
    NotDue,
    Days1To30,
    Days31To60,
    Days61To90,
    Over90,
}

impl Bucket {
    pub const ALL: [Bucket; 5] = [
        Bucket::NotDue,
        Bucket::Days1To30,
        Bucket::Days31To60,
        Bucket::Days61To90,
        Bucket::Over90,
    ];

    /// Days past the due date (0 or less: not due yet).
    pub fn of(days_late: i64) -> Bucket {
        match days_late {
            ..=0 => Bucket::NotDue,
            1..=30 => Bucket::Days1To30,
            31..=60 => Bucket::Days31To60,
            61..=90 => Bucket::Days61To90,
            _ => Bucket::Over90,
        }
    }

    pub fn slug(self) -> &'static str {
        match self {
            Bucket::NotDue => "not_due",
            Bucket::Days1To30 => "1_30",
            Bucket::Days31To60 => "31_60",
            Bucket::Days61To90 => "61_90",
            Bucket::Over90 => "over_90",
        }
    }
}

/// Open principal of one debtor (or of all), by bucket.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct AgeingLine {
    pub debtor: String,
    /// In the order of [`Bucket::ALL`].
    pub buckets: [Decimal; 5],
    pub total: Decimal,
}

impl AgeingLine {
    fn add(&mut self, bucket: Bucket, amount: Decimal) {
        self.buckets[bucket as usize] += amount;
        self.total += amount;
    }
}

#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct Ageing {
    /// Largest balance first.
    pub debtors: Vec<AgeingLine>,
    pub total: AgeingLine,
}

/// The open principal of each invoice of the open dossiers, by how late it is at `today` (the
/// invoice's due date, not the dossier's oldest): penalties and costs are not ageing, they are in
/// the total due.
pub fn ageing(rows: &[Row], today: NaiveDate) -> Ageing {
    let mut per: BTreeMap<DebtorId, AgeingLine> = BTreeMap::new();
    let mut total = AgeingLine::default();
    for r in rows.iter().filter(|r| !r.assessment.stage.is_closed()) {
        for item in r
            .assessment
            .claim
            .items
            .iter()
            .filter(|i| i.open > Decimal::ZERO)
        {
            let bucket = Bucket::of((today - item.due).num_days());
            per.entry(r.debtor.id)
                .or_insert_with(|| AgeingLine {
                    debtor: r.debtor.name.clone(),
                    ..Default::default()
                })
                .add(bucket, item.open);
            total.add(bucket, item.open);
        }
    }
    let mut debtors: Vec<AgeingLine> = per.into_values().collect();
    debtors.sort_by(|a, b| b.total.cmp(&a.total).then_with(|| a.debtor.cmp(&b.debtor)));
    Ageing { debtors, total }
}

/// Dossiers at one stage and what they still owe (total due and invoices not yet due).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StageLine {
    pub stage: Stage,
    pub dossiers: usize,
    pub outstanding: Decimal,
}

/// Every stage that has dossiers, in the ladder's order, closed ones last.
pub fn stages(rows: &[Row]) -> Vec<StageLine> {
    let mut per: BTreeMap<Stage, (usize, Decimal)> = BTreeMap::new();
    for r in rows {
        let slot = per.entry(r.assessment.stage).or_default();
        slot.0 += 1;
        slot.1 += r.assessment.outstanding().max(Decimal::ZERO);
    }
    Stage::ALL
        .iter()
        .filter_map(|s| {
            per.get(s).map(|(n, a)| StageLine {
                stage: *s,
                dossiers: *n,
                outstanding: *a,
            })
        })
        .collect()
}

/// Payments received in one week (starting on its Monday) or one month (its first day).
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Collected {
    pub start: NaiveDate,
    pub payments: usize,
    pub amount: Decimal,
}

/// Payments received within the period, per week and per month, every week and month of the
/// period listed (an empty one says nothing came in, which is worth seeing).
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize)]
pub struct CollectedReport {
    pub weeks: Vec<Collected>,
    pub months: Vec<Collected>,
    pub total: Decimal,
}

pub fn week_start(d: NaiveDate) -> NaiveDate {
    d - Duration::days(d.weekday().num_days_from_monday() as i64)
}

pub fn month_start(d: NaiveDate) -> NaiveDate {
    d.with_day(1).unwrap_or(d)
}

fn next_month(d: NaiveDate) -> NaiveDate {
    let (y, m) = if d.month() == 12 {
        (d.year() + 1, 1)
    } else {
        (d.year(), d.month() + 1)
    };
    NaiveDate::from_ymd_opt(y, m, 1).unwrap_or(d)
}

pub fn collected(rows: &[Row], period: Period) -> CollectedReport {
    let mut weeks: BTreeMap<NaiveDate, (usize, Decimal)> = BTreeMap::new();
    let mut months: BTreeMap<NaiveDate, (usize, Decimal)> = BTreeMap::new();
    let mut total = Decimal::ZERO;
    let mut first = period.from;
    for p in rows
        .iter()
        .flat_map(|r| r.state.payments.iter())
        .filter(|p| period.contains(p.date))
    {
        for (map, start) in [
            (&mut weeks, week_start(p.date)),
            (&mut months, month_start(p.date)),
        ] {
            let slot = map.entry(start).or_default();
            slot.0 += 1;
            slot.1 += p.amount;
        }
        total += p.amount;
        first = Some(first.map_or(p.date, |f| f.min(p.date)));
    }
    let Some(first) = first else {
        return CollectedReport::default();
    };
    let fill = |map: &BTreeMap<NaiveDate, (usize, Decimal)>,
                mut at: NaiveDate,
                step: &dyn Fn(NaiveDate) -> NaiveDate| {
        let mut out = Vec::new();
        while at <= period.to {
            let (n, a) = map.get(&at).copied().unwrap_or_default();
            out.push(Collected {
                start: at,
                payments: n,
                amount: a,
            });
            at = step(at);
        }
        out
    };
    CollectedReport {
        weeks: fill(&weeks, week_start(first), &|d| d + Duration::days(7)),
        months: fill(&months, month_start(first), &next_month),
        total,
    }
}

/// Days sales outstanding by the count-back-free method over the last [`DSO_DAYS`] days:
/// `receivables / sales × days`, where the receivables are the open principal of every dossier
/// not written off (due or not, at `today`) and the sales are the invoices issued in the
/// window. Only the invoices the portfolio knows count: a DSO of the whole company needs its
/// paid-on-time sales too, which never reach a collection tool.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Dso {
    pub days: Decimal,
    pub receivables: Decimal,
    pub sales: Decimal,
    pub window_days: i64,
}

pub const DSO_DAYS: i64 = 90;

pub fn dso(rows: &[Row], today: NaiveDate) -> Option<Dso> {
    let since = today - Duration::days(DSO_DAYS);
    let mut receivables = Decimal::ZERO;
    let mut sales = Decimal::ZERO;
    for r in rows {
        if r.assessment.stage != Stage::WrittenOff {
            receivables += r.assessment.balance().max(Decimal::ZERO);
        }
        sales += r
            .state
            .items
            .iter()
            .filter(|i| i.issued > since && i.issued <= today)
            .map(|i| i.amount)
            .sum::<Decimal>();
    }
    (sales > Decimal::ZERO).then(|| Dso {
        days: (receivables / sales * Decimal::from(DSO_DAYS)).round_dp(1),
        receivables,
        sales,
        window_days: DSO_DAYS,
    })
}

/// A step of the ladder whose effect is measured.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[serde(rename_all = "snake_case")]
pub enum MeasuredStep {
    Relance1,
    Relance2,
    Relance3,
    Notice,
}

impl MeasuredStep {
    pub const ALL: [MeasuredStep; 4] = [
        MeasuredStep::Relance1,
        MeasuredStep::Relance2,
        MeasuredStep::Relance3,
        MeasuredStep::Notice,
    ];

    pub fn stage(self) -> Stage {
        match self {
            MeasuredStep::Relance1 => Stage::Relance1,
            MeasuredStep::Relance2 => Stage::Relance2,
            MeasuredStep::Relance3 => Stage::Relance3,
            MeasuredStep::Notice => Stage::MiseEnDemeure,
        }
    }

    /// When the dossier got this step (the first time), if it did.
    fn sent(self, st: &DossierState) -> Option<NaiveDate> {
        match self {
            MeasuredStep::Notice => st.notice.as_ref().map(|n| n.date),
            _ => {
                let level = self as u8 + 1;
                st.reminders
                    .iter()
                    .filter(|r| r.level == level)
                    .map(|r| r.date)
                    .min()
            }
        }
    }
}

/// Days after a step within which a payment counts as its effect.
pub const STEP_WINDOW_DAYS: i64 = 15;

/// Of the dossiers that got a step in the period (and whose window has ended by `today`), how
/// many received a payment (in full or in part) within [`STEP_WINDOW_DAYS`] days after it, and
/// how much came in within those windows.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct StepEffect {
    pub step: MeasuredStep,
    pub sent: usize,
    pub paid: usize,
    /// `paid / sent` in percent, one decimal; none when nothing was sent.
    pub share: Option<Decimal>,
    pub amount: Decimal,
}

pub fn steps(rows: &[Row], period: Period, today: NaiveDate) -> Vec<StepEffect> {
    MeasuredStep::ALL
        .iter()
        .map(|&step| {
            let (mut sent, mut paid, mut amount) = (0, 0, Decimal::ZERO);
            for r in rows {
                let Some(d) = step.sent(r.state).filter(|d| period.contains(*d)) else {
                    continue;
                };
                let end = d + Duration::days(STEP_WINDOW_DAYS);
                if end > today {
                    continue;
                }
                sent += 1;
                let within: Decimal = r
                    .state
                    .payments
                    .iter()
                    .filter(|p| p.date >= d && p.date <= end)
                    .map(|p| p.amount)
                    .sum();
                if within > Decimal::ZERO {
                    paid += 1;
                    amount += within;
                }
            }
            StepEffect {
                step,
                sent,
                paid,
                share: (sent > 0).then(|| {
                    (Decimal::from(paid) * Decimal::from(100) / Decimal::from(sent)).round_dp(1)
                }),
                amount,
            }
        })
        .collect()
}

/// Every report at once, as the TUI shows them and `report --json` prints them.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Reports {
    pub today: NaiveDate,
    pub from: Option<NaiveDate>,
    pub to: NaiveDate,
    pub ageing: Ageing,
    pub stages: Vec<StageLine>,
    pub collected: CollectedReport,
    pub dso: Option<Dso>,
    pub steps: Vec<StepEffect>,
}

impl Reports {
    pub fn compute(rows: &[Row], today: NaiveDate, period: Period) -> Reports {
        Reports {
            today,
            from: period.from,
            to: period.to,
            ageing: ageing(rows, today),
            stages: stages(rows),
            collected: collected(rows, period),
            dso: dso(rows, today),
            steps: steps(rows, period, today),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn buckets_edges() {
        assert_eq!(Bucket::of(-3), Bucket::NotDue);
        assert_eq!(Bucket::of(0), Bucket::NotDue);
        assert_eq!(Bucket::of(1), Bucket::Days1To30);
        assert_eq!(Bucket::of(30), Bucket::Days1To30);
        assert_eq!(Bucket::of(31), Bucket::Days31To60);
        assert_eq!(Bucket::of(90), Bucket::Days61To90);
        assert_eq!(Bucket::of(91), Bucket::Over90);
    }

    #[test]
    fn weeks_start_on_monday_and_months_on_the_first() {
        let d = NaiveDate::from_ymd_opt(2026, 11, 25).unwrap(); // a Wednesday
        assert_eq!(
            week_start(d),
            NaiveDate::from_ymd_opt(2026, 11, 23).unwrap()
        );
        assert_eq!(
            month_start(d),
            NaiveDate::from_ymd_opt(2026, 11, 1).unwrap()
        );
        let dec = NaiveDate::from_ymd_opt(2026, 12, 1).unwrap();
        assert_eq!(
            next_month(dec),
            NaiveDate::from_ymd_opt(2027, 1, 1).unwrap()
        );
    }
}
