//! The business-day clock (APPI targets, complaints, CCPA opt-out and
//! receipt): count open days after the day a request counts as received,
//! skipping every business day a pause covered entirely (from opening to
//! closing time), and explain each step.

use super::deadlines::{day, practical, stamp, DeadlineError, Deadlines, Pause};
use super::{next_day, Calendar};
use chrono::{DateTime, FixedOffset, NaiveDate};
use chrono_tz::Tz;

/// Most days walked while counting business days (about 55 years).
const MAX_WALK_DAYS: u32 = 20_000;

/// Count `n` business days from the day the request counts as received,
/// skipping the business days a pause covered entirely.
pub(super) fn business_clock(
    cal: &Calendar,
    local: DateTime<Tz>,
    n: u32,
    pauses: &[Pause],
    now: DateTime<FixedOffset>,
    out: &mut Deadlines,
) -> Result<(), DeadlineError> {
    let r = cal.receipt_day(local);
    out.counts_from = r;
    let d0 = local.date_naive();
    if r == d0 {
        out.steps.push(format!(
            "Counts as received that day, {}: an open day, before closing time",
            day(r)
        ));
    } else {
        let why = match cal.closed_reason(d0) {
            Some(reason) => format!("received on a closed day ({reason})"),
            None => format!(
                "received after closing time ({})",
                cal.closes().format("%H:%M")
            ),
        };
        let between = closures_between(cal, d0, r);
        let also = if between.is_empty() {
            String::new()
        } else {
            format!("; closed in between: {}", between.join("; "))
        };
        out.steps.push(format!(
            "Counts as received on {}, the next open day: {why}{also}",
            day(r)
        ));
    }
    let tz = cal.time_zone();
    let spans: Vec<(DateTime<Tz>, DateTime<Tz>)> = pauses
        .iter()
        .map(|p| {
            let to = p.to.unwrap_or(now).max(p.from);
            (p.from.with_timezone(&tz), to.with_timezone(&tz))
        })
        .collect();
    let covering = |d: NaiveDate| {
        let (o, c) = (cal.at(d, cal.opens()), cal.at(d, cal.closes()));
        spans.iter().position(|(f, t)| *f <= o && *t >= c)
    };
    let mut d = r;
    let mut counted = 0;
    let mut paused: Vec<Vec<NaiveDate>> = vec![Vec::new(); pauses.len()];
    let mut walked = 0;
    while counted < n {
        let next = next_day(d);
        walked += 1;
        if next == d || walked > MAX_WALK_DAYS {
            return Err(DeadlineError::OutOfRange(format!(
                "{n} business days from {r}"
            )));
        }
        d = next;
        if cal.closure(d).is_some() {
            continue;
        }
        if let Some(i) = covering(d) {
            paused[i].push(d);
            continue;
        }
        counted += 1;
    }
    out.due = d;
    out.practical_due = d;
    out.paused_days = paused.iter().map(|v| v.len() as u32).sum();
    let unpaused = if out.paused_days == 0 {
        d
    } else {
        unpaused_count(cal, r, n)
    };
    out.steps.push(format!(
        "{n} business day{} after {}: {}",
        if n == 1 { "" } else { "s" },
        r,
        day(unpaused)
    ));
    let skipped = closures_between(cal, r, d);
    if !skipped.is_empty() {
        out.steps
            .push(format!("Closed days skipped: {}", skipped.join("; ")));
    }
    for (p, days) in pauses.iter().zip(&paused) {
        let until = match p.to {
            Some(t) => stamp(&t),
            None => {
                out.pause_ongoing = true;
                format!("still waiting (counted up to {})", stamp(&now))
            }
        };
        let covered = if days.is_empty() {
            "no business day inside the count was fully paused: no effect".to_string()
        } else {
            format!(
                "{} business day{} stopped ({})",
                days.len(),
                if days.len() == 1 { "" } else { "s" },
                days.iter()
                    .map(|d| d.to_string())
                    .collect::<Vec<_>>()
                    .join(", ")
            )
        };
        out.steps.push(format!(
            "Paused from {} to {until} ({}): {covered}",
            stamp(&p.from),
            p.reason.trim()
        ));
    }
    if out.paused_days > 0 {
        out.steps.push(format!(
            "Due date moved by {} business day{} for the pauses: {}",
            out.paused_days,
            if out.paused_days == 1 { "" } else { "s" },
            day(d)
        ));
    }
    if out.pause_ongoing {
        out.steps.push(
            "A pause is still open: each further business day of waiting moves the due date by one business day"
                .to_string(),
        );
    }
    practical(cal, d, "Due date", &mut out.steps);
    Ok(())
}

/// The n-th open day after `r` (no pauses).
fn unpaused_count(cal: &Calendar, r: NaiveDate, n: u32) -> NaiveDate {
    let mut d = r;
    for _ in 0..n {
        d = cal.open_day_after(d);
    }
    d
}

/// Holidays and company closures strictly between `from` and `to`, runs of
/// the same closure written as one range ("2025-12-29 to 2025-12-31 year-end
/// closure"). Weekly days off are left out.
fn closures_between(cal: &Calendar, from: NaiveDate, to: NaiveDate) -> Vec<String> {
    let mut runs: Vec<(NaiveDate, NaiveDate, &str)> = Vec::new();
    let mut d = next_day(from);
    while d < to {
        if let Some(reason) = cal.special_closure(d) {
            match runs.last_mut() {
                Some((_, last, name)) if *name == reason && next_day(*last) == d => *last = d,
                _ => runs.push((d, d, reason)),
            }
        }
        let next = next_day(d);
        if next == d {
            break;
        }
        d = next;
    }
    runs.iter()
        .map(|(f, t, name)| {
            if f == t {
                format!("{f} {name}")
            } else {
                format!("{f} to {t} {name}")
            }
        })
        .collect()
}
