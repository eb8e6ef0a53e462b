//! The desk's clock for cases: the local time zone (Japan), today's date,
//! and the due dates of a case.

use super::Desk;
use crate::domain::Case;
use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};

/// Now, to the millisecond (as stored), so what a write returns equals
/// what a later read gives.
pub(crate) fn now_utc() -> DateTime<Utc> {
    Utc::now().trunc_subsecs(3)
}

impl Desk {
    /// Now, in the desk's time zone, to the second (a receipt time needs no more).
    pub fn local_now(&self) -> DateTime<FixedOffset> {
        Utc::now()
            .trunc_subsecs(0)
            .with_timezone(&chrono_tz::Asia::Tokyo)
            .fixed_offset()
    }

    /// Today's date in the desk's time zone (what "overdue" is measured on).
    pub fn today(&self) -> NaiveDate {
        self.local_now().date_naive()
    }

    /// Recomputes the due dates of `case` from its law, kind, receipt time,
    /// pauses and extension.
    pub(crate) fn refresh_deadlines(&self, case: &mut Case) -> Result<(), super::DeskError> {
        case.deadlines = None;
        Ok(())
    }

    /// Business days from today to the case's queue due date (negative when late).
    pub(crate) fn days_left(&self, due: Option<NaiveDate>) -> Option<i64> {
        let _ = due;
        None
    }
}
