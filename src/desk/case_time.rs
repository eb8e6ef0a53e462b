//! The desk's clock for cases: the calendar's time zone, today's date, the
//! receipt times operators type, and the due dates of a case (computed by
//! `calendar::deadlines` and stored with the case).

use super::{Desk, DeskError};
use crate::calendar::deadlines::{self, Extension, Pause};
use crate::domain::{Case, CaseDeadlines};
use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};

/// Now, to the millisecond (as stored), so what a write returns equals
/// what a later read gives.
pub(crate) fn now_utc() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

/// What the due dates depend on; a change to any of these recomputes them.
fn deadline_inputs(c: &Case) -> impl PartialEq + '_ {
    (c.law, c.kind, c.received_at, &c.pauses, &c.extension)
}

impl Desk {
    /// Now, in the calendar's time zone, to the second (a receipt time needs
    /// no more).
    pub fn local_now(&self) -> DateTime<FixedOffset> {
        Utc::now()
            .trunc_subsecs(0)
            .with_timezone(&self.calendar().time_zone())
            .fixed_offset()
    }

    /// Today's date in the calendar's time zone (what "overdue" is measured on).
    pub fn today(&self) -> NaiveDate {
        self.local_now().date_naive()
    }

    /// A date and time typed by an operator: RFC 3339, or `YYYY-MM-DD HH:MM`
    /// in the calendar's time zone (see `calendar::DATETIME_FORMATS`).
    pub fn parse_time(&self, s: &str) -> Result<DateTime<FixedOffset>, DeskError> {
        self.calendar()
            .parse_datetime(s)
            .map(|t| t.fixed_offset())
            .map_err(DeskError::Invalid)
    }

    /// The due dates of `case` as of now, with every step of the computation.
    /// Refused (as invalid input) when the law does not allow what the case
    /// holds, e.g. an extension of an APPI request.
    pub fn compute_deadlines(&self, case: &Case) -> Result<CaseDeadlines, DeskError> {
        let pauses: Vec<Pause> = case
            .pauses
            .iter()
            .map(|p| Pause {
                from: p.from,
                to: p.to,
                reason: p.reason.clone(),
            })
            .collect();
        let extension = case.extension.as_ref().map(|e| Extension {
            reason: e.reason.clone(),
            notice_date: e.notice_date,
        });
        let d = deadlines::compute(
            self.calendar(),
            &self.config().deadlines,
            case.law,
            case.kind,
            case.received_at,
            &pauses,
            extension.as_ref(),
        )
        .map_err(|e| DeskError::Invalid(e.to_string()))?;
        // A running pause that began on or before the due date keeps moving
        // it: the case cannot fall overdue while it lasts.
        let tz = self.calendar().time_zone();
        let clock_stopped = d.pause_ongoing
            && case
                .open_pause()
                .is_some_and(|p| p.from.with_timezone(&tz).date_naive() <= d.due);
        Ok(CaseDeadlines {
            counts_from: d.counts_from,
            due: d.due,
            practical_due: d.practical_due,
            receipt_due: d.receipt_due,
            extended_due: d.extended_due,
            practical_extended_due: d.practical_extended_due,
            paused_days: d.paused_days,
            clock_stopped,
            steps: d.steps,
        })
    }

    /// Recomputes the stored due dates when what they depend on changed
    /// between `before` and `case` (or they were never computed).
    pub(crate) fn refresh_deadlines(
        &self,
        before: Option<&Case>,
        case: &mut Case,
    ) -> Result<(), DeskError> {
        let changed = match before {
            Some(b) => deadline_inputs(b) != deadline_inputs(case) || case.deadlines.is_none(),
            None => true,
        };
        if changed {
            case.deadlines = Some(self.compute_deadlines(case)?);
        }
        Ok(())
    }

    /// Days from today to `due` (negative when late), counting a due date on
    /// a closed day to the next open day.
    pub(crate) fn days_left(&self, due: Option<NaiveDate>) -> Option<i64> {
        due.map(|d| deadlines::days_left(self.today(), d, self.calendar()))
    }
}
