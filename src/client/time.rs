//! Times as the desk reads them, on the client: now and today in the
//! desk's time zone, and a time an operator typed.

use super::Client;
use crate::desk::DeskError;
use chrono::{DateTime, FixedOffset, NaiveDate, SubsecRound, Utc};

impl Client {
    /// Now, in the desk's time zone, to the second.
    pub fn local_now(&self) -> DateTime<FixedOffset> {
        Utc::now()
            .trunc_subsecs(0)
            .with_timezone(&self.calendar().time_zone())
            .fixed_offset()
    }

    /// Today in the desk's time zone.
    pub fn today(&self) -> NaiveDate {
        self.local_now().date_naive()
    }

    /// RFC 3339, or `YYYY-MM-DD HH:MM` in the desk's time zone.
    pub fn parse_time(&self, s: &str) -> Result<DateTime<FixedOffset>, DeskError> {
        self.calendar()
            .parse_datetime(s)
            .map(|t| t.fixed_offset())
            .map_err(DeskError::Invalid)
    }
}
