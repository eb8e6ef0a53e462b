//! Dates and times typed by a user: RFC 3339, or a local `YYYY-MM-DD HH:MM`
//! in the calendar's time zone.

use chrono::{DateTime, LocalResult, NaiveDateTime, TimeZone};
use chrono_tz::Tz;

/// The accepted forms, for messages.
pub const DATETIME_FORMATS: &str =
    "RFC 3339 (e.g. 2026-01-09T18:30:00+09:00) or \"YYYY-MM-DD HH:MM\" in the calendar's time zone";

/// Local forms accepted besides RFC 3339.
const LOCAL_FORMATS: [&str; 4] = [
    "%Y-%m-%d %H:%M",
    "%Y-%m-%d %H:%M:%S",
    "%Y-%m-%dT%H:%M",
    "%Y-%m-%dT%H:%M:%S",
];

pub(crate) fn parse_datetime(s: &str, tz: Tz) -> Result<DateTime<Tz>, String> {
    let t = s.trim();
    if let Ok(dt) = DateTime::parse_from_rfc3339(t) {
        return Ok(dt.with_timezone(&tz));
    }
    let Some(naive) = LOCAL_FORMATS
        .iter()
        .find_map(|f| NaiveDateTime::parse_from_str(t, f).ok())
    else {
        let hint = if t.len() == 10 && !t.contains(':') {
            " (a time of day is needed too: the hour decides whether the desk was open)"
        } else {
            ""
        };
        return Err(format!(
            "\"{s}\" is not a date and time{hint}: use {DATETIME_FORMATS} ({})",
            tz.name()
        ));
    };
    match tz.from_local_datetime(&naive) {
        LocalResult::Single(dt) => Ok(dt),
        LocalResult::Ambiguous(first, _) => Ok(first),
        LocalResult::None => Err(format!(
            "\"{s}\" does not exist in {} (the clocks skip it); give an RFC 3339 time with its offset",
            tz.name()
        )),
    }
}
