//! Tests of the business calendar, the national holidays and the deadlines.

mod calendar;
mod deadlines;
mod holidays;

use chrono::{DateTime, NaiveDate, TimeZone};
use chrono_tz::Tz;

pub(super) fn ymd(y: i32, m: u32, d: u32) -> NaiveDate {
    NaiveDate::from_ymd_opt(y, m, d).unwrap()
}

/// A moment in Tokyo.
pub(super) fn tokyo(y: i32, mo: u32, d: u32, h: u32, mi: u32) -> DateTime<Tz> {
    chrono_tz::Asia::Tokyo
        .with_ymd_and_hms(y, mo, d, h, mi, 0)
        .unwrap()
}
