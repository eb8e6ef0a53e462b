//! The desk's business hours in the status bar: `open until 17:00`, or
//! `closed · reopens Mon 09:00`.

use crate::calendar::Calendar;
use chrono::{DateTime, FixedOffset};

/// Whether the desk is open at `at`, in a few words.
pub fn hours_label(calendar: &Calendar, at: DateTime<FixedOffset>) -> String {
    let state = calendar.state_at(at);
    match (state.closes_at, state.reopens_at) {
        (Some(closes), _) if state.open => format!("open until {}", closes.format("%H:%M")),
        (_, Some(reopens)) => format!("closed · reopens {}", reopens.format("%a %H:%M")),
        _ => "closed".into(),
    }
}

/// The same in as few cells as possible, for narrow status bars:
/// `open→17:00`, `closed→Mon 09:00`.
pub fn hours_label_short(calendar: &Calendar, at: DateTime<FixedOffset>) -> String {
    let state = calendar.state_at(at);
    match (state.closes_at, state.reopens_at) {
        (Some(closes), _) if state.open => format!("open→{}", closes.format("%H:%M")),
        (_, Some(reopens)) => format!("closed→{}", reopens.format("%a %H:%M")),
        _ => "closed".into(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use chrono::TimeZone;

    fn jst(y: i32, m: u32, d: u32, h: u32, min: u32) -> DateTime<FixedOffset> {
        FixedOffset::east_opt(9 * 3600)
            .unwrap()
            .with_ymd_and_hms(y, m, d, h, min, 0)
            .unwrap()
    }

    #[test]
    fn open_closed_and_the_next_opening() {
        let cal = Calendar::japan_default();
        // Tuesday 2026-11-24, mid-morning.
        assert_eq!(
            hours_label(&cal, jst(2026, 11, 24, 10, 30)),
            "open until 17:00"
        );
        assert_eq!(
            hours_label(&cal, jst(2026, 11, 24, 17, 0)),
            "closed · reopens Wed 09:00"
        );
        assert_eq!(
            hours_label(&cal, jst(2026, 11, 24, 8, 59)),
            "closed · reopens Tue 09:00"
        );
        // Friday evening: the weekend follows.
        assert_eq!(
            hours_label(&cal, jst(2026, 11, 27, 18, 0)),
            "closed · reopens Mon 09:00"
        );
        // Labour Thanksgiving Day, a Monday in 2026.
        assert_eq!(
            hours_label(&cal, jst(2026, 11, 23, 11, 0)),
            "closed · reopens Tue 09:00"
        );
        // The year-end closure runs to January 3.
        assert_eq!(
            hours_label(&cal, jst(2026, 12, 30, 11, 0)),
            "closed · reopens Mon 09:00"
        );
    }
}
