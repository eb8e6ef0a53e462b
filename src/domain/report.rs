//! Reports for supervisors, auditors and the regulator: how many contacts
//! came in and of what kind, how fast they were answered, how many were
//! answered by their due date, refusals by ground, extensions by reason,
//! and the CCPA metrics of 11 CCR §7102 (requests to know, delete, correct
//! and opt out: received, complied with in whole or in part, denied, median
//! days to respond).
//!
//! A pure computation over [`ReportCase`] rows: the store reads them, the
//! desk supplies the calendar (local dates and open days). The rows hold no
//! personal data, so the numbers are the same before and after retention
//! purged a case.

use super::case_status::{CaseStatus, Outcome, RefusalGround};
use super::request::{Category, Law, RequestKind};
use chrono::{DateTime, Datelike, Days, FixedOffset, NaiveDate, Utc};
use serde::{Deserialize, Serialize};
use std::collections::BTreeMap;

/// What the report needs of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ReportCase {
    pub category: Category,
    pub kind: Option<RequestKind>,
    pub law: Law,
    pub status: CaseStatus,
    pub outcome: Option<Outcome>,
    pub received_at: DateTime<FixedOffset>,
    /// When the answer went out: the time of the refusal for a refused
    /// request, else the reply marked as the response.
    pub answered_at: Option<DateTime<Utc>>,
    pub closed_at: Option<DateTime<Utc>>,
    /// The date the answer was due (extended, and moved by pauses, as the
    /// deadline rules computed it).
    pub due: Option<NaiveDate>,
    /// A running pause stops the clock: not overdue meanwhile.
    pub clock_stopped: bool,
    pub refusal_grounds: Vec<RefusalGround>,
    /// The reason given for an extension, if the deadline was extended.
    pub extension_reason: Option<String>,
}

/// The dates a report covers, both included; cases count by the local date
/// they were received (closures by the date they were closed).
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize, Deserialize)]
pub struct Period {
    pub from: NaiveDate,
    pub to: NaiveDate,
}

impl Period {
    /// `from`..`to`; without `from`, the 365 days ending on `to`; without
    /// `to`, up to `today`. Refused when `from` is after `to`.
    pub fn new(
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
        today: NaiveDate,
    ) -> Result<Period, String> {
        let to = to.unwrap_or(today);
        let from = from.unwrap_or_else(|| to.checked_sub_days(Days::new(364)).unwrap_or(to));
        if from > to {
            return Err(format!(
                "the period starts ({from}) after it ends ({to}); give --from on or before --to"
            ));
        }
        Ok(Period { from, to })
    }

    pub fn contains(&self, d: NaiveDate) -> bool {
        self.from <= d && d <= self.to
    }
}

/// A number of cases under one key.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct Count {
    /// Machine name, e.g. `disclosure`, `in_progress`, `appi`.
    pub key: String,
    pub label: String,
    pub count: usize,
}

/// Days from receipt to answer for one kind (or, for complaints and
/// inquiries, one category).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ResponseTimes {
    pub key: String,
    pub label: String,
    /// Cases answered (the ones the figures are taken over).
    pub answered: usize,
    /// Calendar days, median (the mean of the two middle values for an even count).
    pub median_days: Option<f64>,
    /// Calendar days, 90th percentile (nearest rank).
    pub p90_days: Option<i64>,
    /// Open days of the desk's calendar after the day of receipt up to the
    /// day of the answer.
    pub median_business_days: Option<f64>,
    pub p90_business_days: Option<i64>,
}

/// How many answers went out by their due date, for one law or kind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct OnTime {
    pub key: String,
    pub label: String,
    /// Answered cases with a due date.
    pub answered: usize,
    /// Of those, answered on or before the due date.
    pub on_time: usize,
    /// `on_time / answered`, from 0 to 1.
    pub share: Option<f64>,
    /// Still open, the clock running, past the due date.
    pub overdue_open: usize,
}

/// One line of the CCPA metrics (11 CCR §7102(a)).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CcpaRow {
    pub kind: String,
    pub label: String,
    pub received: usize,
    /// Answered with the data or the change, in whole or in part.
    pub complied: usize,
    pub denied: usize,
    pub withdrawn: usize,
    /// Still waiting for an answer.
    pub pending: usize,
    /// Calendar days from receipt to answer, median.
    pub median_days: Option<f64>,
}

/// One week (Monday to Sunday) of the volume series.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct WeekCount {
    /// The Monday the week starts on.
    pub week: NaiveDate,
    pub received: usize,
    pub closed: usize,
}

/// The whole report.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct Report {
    pub period: Period,
    /// Cases received in the period.
    pub received: usize,
    /// Cases closed in the period (whenever received).
    pub closed: usize,
    /// Cases received in the period that still wait for an answer.
    pub pending: usize,
    /// Cases received in the period that were answered.
    pub answered: usize,
    pub by_category: Vec<Count>,
    pub by_kind: Vec<Count>,
    pub by_law: Vec<Count>,
    pub by_status: Vec<Count>,
    pub response_times: Vec<ResponseTimes>,
    pub on_time_by_law: Vec<OnTime>,
    pub on_time_by_kind: Vec<OnTime>,
    pub refusals_by_ground: Vec<Count>,
    pub extensions_by_reason: Vec<Count>,
    pub ccpa: Vec<CcpaRow>,
    pub weekly: Vec<WeekCount>,
}

/// What the report needs of the desk's calendar.
pub struct ReportCalendar<'a> {
    /// The local date of an instant (in the desk's time zone).
    pub local_date: &'a dyn Fn(DateTime<Utc>) -> NaiveDate,
    /// Whether the desk is open on a date.
    pub is_open_day: &'a dyn Fn(NaiveDate) -> bool,
    /// Today in the desk's time zone (what "overdue" is measured on).
    pub today: NaiveDate,
}

/// The key a case's response times and on-time share are grouped by: its
/// kind, or its category when it has none.
fn group(c: &ReportCase) -> (String, String) {
    match c.kind {
        Some(k) => (k.as_str().to_string(), k.label().to_string()),
        None => (
            c.category.as_str().to_string(),
            c.category.label().to_string(),
        ),
    }
}

/// Refused requests: refused, or closed with the outcome refused.
fn denied(c: &ReportCase) -> bool {
    c.status == CaseStatus::Refused || c.outcome == Some(Outcome::Refused)
}

fn withdrawn(c: &ReportCase) -> bool {
    c.status == CaseStatus::Withdrawn || c.outcome == Some(Outcome::Withdrawn)
}

/// Median of sorted values (the mean of the two middle ones for an even count).
pub fn median(sorted: &[i64]) -> Option<f64> {
    let n = sorted.len();
    if n == 0 {
        return None;
    }
    Some(if !n.is_multiple_of(2) {
        sorted[n / 2] as f64
    } else {
        (sorted[n / 2 - 1] + sorted[n / 2]) as f64 / 2.0
    })
}

/// The `p`-th percentile of sorted values by the nearest-rank method.
pub fn percentile(sorted: &[i64], p: u32) -> Option<i64> {
    if sorted.is_empty() {
        return None;
    }
    let rank = (u64::from(p) * sorted.len() as u64).div_ceil(100).max(1) as usize;
    sorted.get(rank - 1).copied()
}

/// The Monday of the week of `d`.
pub fn week_start(d: NaiveDate) -> NaiveDate {
    d.checked_sub_days(Days::new(u64::from(d.weekday().num_days_from_monday())))
        .unwrap_or(d)
}

/// Counts open days: `open_after(a, b)` is the number of open days `d`
/// with `a < d <= b`, in constant time after one pass over the dates.
struct OpenDays {
    start: NaiveDate,
    /// `prefix[i]`: open days from `start` up to `start + i`, included.
    prefix: Vec<u32>,
}

impl OpenDays {
    fn new(start: NaiveDate, end: NaiveDate, is_open: &dyn Fn(NaiveDate) -> bool) -> OpenDays {
        let mut prefix = Vec::new();
        let mut d = start;
        let mut n = 0u32;
        while d <= end {
            n += u32::from(is_open(d));
            prefix.push(n);
            match d.succ_opt() {
                Some(next) => d = next,
                None => break,
            }
        }
        OpenDays { start, prefix }
    }

    fn upto(&self, d: NaiveDate) -> u32 {
        let i = (d - self.start).num_days();
        if i < 0 || self.prefix.is_empty() {
            return 0;
        }
        let i = (i as usize).min(self.prefix.len() - 1);
        self.prefix[i]
    }

    fn open_after(&self, a: NaiveDate, b: NaiveDate) -> i64 {
        i64::from(self.upto(b)) - i64::from(self.upto(a))
    }
}

fn counts<K: Ord + Clone>(
    items: impl Iterator<Item = K>,
    describe: impl Fn(&K) -> (String, String),
) -> Vec<Count> {
    let mut map: BTreeMap<K, usize> = BTreeMap::new();
    for k in items {
        *map.entry(k).or_default() += 1;
    }
    map.into_iter()
        .map(|(k, count)| {
            let (key, label) = describe(&k);
            Count { key, label, count }
        })
        .collect()
}

/// Every value of `all` with its count (zeros included), in `all`'s order.
fn counts_of<T: Copy + PartialEq>(
    all: &[T],
    items: impl Iterator<Item = T>,
    describe: impl Fn(T) -> (String, String),
) -> Vec<Count> {
    let mut n = vec![0usize; all.len()];
    for x in items {
        if let Some(i) = all.iter().position(|a| *a == x) {
            n[i] += 1;
        }
    }
    all.iter()
        .zip(n)
        .map(|(a, count)| {
            let (key, label) = describe(*a);
            Count { key, label, count }
        })
        .collect()
}

#[derive(Default)]
struct Timing {
    days: Vec<i64>,
    business: Vec<i64>,
    with_due: usize,
    on_time: usize,
    overdue_open: usize,
}

impl Timing {
    fn response_times(mut self, key: String, label: String) -> ResponseTimes {
        self.days.sort_unstable();
        self.business.sort_unstable();
        ResponseTimes {
            key,
            label,
            answered: self.days.len(),
            median_days: median(&self.days),
            p90_days: percentile(&self.days, 90),
            median_business_days: median(&self.business),
            p90_business_days: percentile(&self.business, 90),
        }
    }

    fn on_time(&self, key: String, label: String) -> OnTime {
        OnTime {
            key,
            label,
            answered: self.with_due,
            on_time: self.on_time,
            share: (self.with_due > 0).then(|| self.on_time as f64 / self.with_due as f64),
            overdue_open: self.overdue_open,
        }
    }
}

/// The report over `cases` for `period`.
pub fn compute(cases: &[ReportCase], period: Period, cal: &ReportCalendar<'_>) -> Report {
    let received_on = |c: &ReportCase| (cal.local_date)(c.received_at.with_timezone(&Utc));
    let in_period: Vec<(&ReportCase, NaiveDate)> = cases
        .iter()
        .map(|c| (c, received_on(c)))
        .filter(|(_, d)| period.contains(*d))
        .collect();
    let answered_on = |c: &ReportCase| {
        if withdrawn(c) {
            None
        } else {
            c.answered_at.map(|t| (cal.local_date)(t))
        }
    };
    let last_answer = in_period
        .iter()
        .filter_map(|(c, _)| answered_on(c))
        .max()
        .unwrap_or(period.to)
        .max(period.to);
    let open_days = OpenDays::new(period.from, last_answer, cal.is_open_day);

    let mut by_group: BTreeMap<(String, String), Timing> = BTreeMap::new();
    let mut by_law: BTreeMap<Law, Timing> = BTreeMap::new();
    let mut answered = 0;
    for (c, received) in &in_period {
        let g = by_group.entry(group(c)).or_default();
        let l = by_law.entry(c.law).or_default();
        match answered_on(c) {
            Some(a) => {
                answered += 1;
                let days = (a - *received).num_days().max(0);
                let business = open_days.open_after(*received, a).max(0);
                g.days.push(days);
                g.business.push(business);
                l.days.push(days);
                if let Some(due) = c.due {
                    let ok = usize::from(a <= due);
                    g.with_due += 1;
                    g.on_time += ok;
                    l.with_due += 1;
                    l.on_time += ok;
                }
            }
            None => {
                let late =
                    c.status.is_open() && !c.clock_stopped && c.due.is_some_and(|d| d < cal.today);
                g.overdue_open += usize::from(late);
                l.overdue_open += usize::from(late);
            }
        }
    }

    let mut response_times = Vec::new();
    let mut on_time_by_kind = Vec::new();
    for ((key, label), t) in by_group {
        on_time_by_kind.push(t.on_time(key.clone(), label.clone()));
        response_times.push(t.response_times(key, label));
    }
    let on_time_by_law = by_law
        .into_iter()
        .map(|(law, t)| t.on_time(law.as_str().into(), law.label().into()))
        .collect();

    let cases_in = || in_period.iter().map(|(c, _)| *c);
    let closed_on = |c: &ReportCase| c.closed_at.map(|t| (cal.local_date)(t));
    let closed = cases
        .iter()
        .filter(|c| closed_on(c).is_some_and(|d| period.contains(d)))
        .count();

    let ccpa = [
        RequestKind::Know,
        RequestKind::Delete,
        RequestKind::Correct,
        RequestKind::OptOut,
    ]
    .into_iter()
    .map(|k| {
        let of_kind: Vec<&ReportCase> = cases_in().filter(|c| c.kind == Some(k)).collect();
        let mut days: Vec<i64> = in_period
            .iter()
            .filter(|(c, _)| c.kind == Some(k))
            .filter_map(|(c, r)| answered_on(c).map(|a| (a - *r).num_days().max(0)))
            .collect();
        days.sort_unstable();
        CcpaRow {
            kind: k.as_str().into(),
            label: k.label().into(),
            received: of_kind.len(),
            complied: of_kind
                .iter()
                .filter(|c| {
                    !denied(c)
                        && !withdrawn(c)
                        && (c.status == CaseStatus::Responded
                            || matches!(
                                c.outcome,
                                Some(Outcome::Fulfilled | Outcome::PartlyFulfilled)
                            ))
                })
                .count(),
            denied: of_kind.iter().filter(|c| denied(c)).count(),
            withdrawn: of_kind.iter().filter(|c| withdrawn(c)).count(),
            pending: of_kind.iter().filter(|c| c.status.is_open()).count(),
            median_days: median(&days),
        }
    })
    .collect();

    let mut weekly = Vec::new();
    let mut w = week_start(period.from);
    while w <= period.to {
        weekly.push(WeekCount {
            week: w,
            received: 0,
            closed: 0,
        });
        match w.checked_add_days(Days::new(7)) {
            Some(next) => w = next,
            None => break,
        }
    }
    let first = week_start(period.from);
    let slot = |d: NaiveDate| ((d - first).num_days() / 7) as usize;
    for (_, r) in &in_period {
        if let Some(x) = weekly.get_mut(slot(*r)) {
            x.received += 1;
        }
    }
    for d in cases.iter().filter_map(closed_on) {
        if period.contains(d) {
            if let Some(x) = weekly.get_mut(slot(d)) {
                x.closed += 1;
            }
        }
    }

    let mut extensions_by_reason = counts(
        cases_in().filter_map(|c| c.extension_reason.as_deref().map(str::trim)),
        |r| (r.to_string(), r.to_string()),
    );
    extensions_by_reason.sort_by(|a, b| b.count.cmp(&a.count).then(a.key.cmp(&b.key)));

    Report {
        period,
        received: in_period.len(),
        closed,
        pending: cases_in().filter(|c| c.status.is_open()).count(),
        answered,
        by_category: counts_of(&Category::ALL, cases_in().map(|c| c.category), |c| {
            (c.as_str().into(), c.label().into())
        }),
        by_kind: counts(cases_in().filter_map(|c| c.kind), |k| {
            (k.as_str().into(), k.label().into())
        }),
        by_law: counts_of(&Law::ALL, cases_in().map(|c| c.law), |l| {
            (l.as_str().into(), l.label().into())
        }),
        by_status: counts_of(&CaseStatus::ALL, cases_in().map(|c| c.status), |s| {
            (s.as_str().into(), s.label().into())
        }),
        response_times,
        on_time_by_law,
        on_time_by_kind,
        refusals_by_ground: counts(
            cases_in().flat_map(|c| c.refusal_grounds.iter().copied()),
            |g| (g.as_str().into(), g.label().into()),
        ),
        extensions_by_reason,
        ccpa,
        weekly,
    }
}

#[cfg(test)]
#[path = "report_tests.rs"]
mod tests;
