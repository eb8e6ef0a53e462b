//! Opening hours, closed days and business-day counting.

use super::super::Calendar;
use super::{tokyo, ymd};
use crate::config::{CalendarConfig, ClosureDef};
use chrono::{DateTime, FixedOffset, TimeZone};

fn cal() -> Calendar {
    Calendar::japan_default()
}

#[test]
fn default_equals_the_built_in_config() {
    let from_cfg = Calendar::from_config(&CalendarConfig::default()).unwrap();
    assert_eq!(from_cfg, cal());
    let loaded = crate::config::load_str(
        "",
        std::path::Path::new("x.toml"),
        &crate::config::LoadOptions::isolated("t", &[]),
    )
    .unwrap();
    assert_eq!(loaded.calendar, CalendarConfig::default());
    let from_file = Calendar::from_config(&loaded.calendar).unwrap();
    assert_eq!(from_file, cal());
}

#[test]
fn open_and_closed_at_the_boundaries() {
    let c = cal();
    // Thursday 2026-01-08, an ordinary day.
    assert!(!c.is_open_at(tokyo(2026, 1, 8, 8, 59)));
    assert!(c.is_open_at(tokyo(2026, 1, 8, 9, 0)));
    assert!(c.is_open_at(tokyo(2026, 1, 8, 16, 59)));
    assert!(!c.is_open_at(tokyo(2026, 1, 8, 17, 0)));
    // The same moment given in another zone: 01:00 UTC is 10:00 in Tokyo.
    let utc: DateTime<FixedOffset> = DateTime::parse_from_rfc3339("2026-01-08T01:00:00Z").unwrap();
    assert!(c.is_open_at(utc));
    let utc_late: DateTime<FixedOffset> =
        DateTime::parse_from_rfc3339("2026-01-08T08:00:00Z").unwrap();
    assert!(!c.is_open_at(utc_late));
}

#[test]
fn closed_days_and_their_reasons() {
    let c = cal();
    let reason = |y, m, d| c.closed_reason(ymd(y, m, d));
    assert_eq!(reason(2026, 1, 10).as_deref(), Some("Saturday"));
    assert_eq!(reason(2026, 1, 11).as_deref(), Some("Sunday"));
    assert_eq!(
        reason(2026, 1, 12).as_deref(),
        Some("成人の日 / Coming of Age Day")
    );
    assert_eq!(reason(2026, 1, 1).as_deref(), Some("元日 / New Year's Day"));
    assert_eq!(reason(2026, 1, 2).as_deref(), Some("year-end closure"));
    assert_eq!(reason(2025, 12, 29).as_deref(), Some("year-end closure"));
    assert_eq!(reason(2026, 1, 13), None);
    assert_eq!(reason(2025, 12, 26), None);
    assert!(!c.is_open_at(tokyo(2026, 1, 12, 10, 0)));
    assert!(!c.is_open_at(tokyo(2026, 1, 10, 10, 0)));
    assert!(!c.is_open_at(tokyo(2025, 12, 30, 10, 0)));
}

#[test]
fn next_opening_across_a_long_weekend_and_the_new_year() {
    let c = cal();
    // Friday 2026-01-09 after hours -> Sat, Sun, Coming of Age Day -> Tue 9:00.
    assert_eq!(
        c.next_opening(tokyo(2026, 1, 9, 17, 0)),
        tokyo(2026, 1, 13, 9, 0)
    );
    // Year end: Friday 2025-12-26 evening -> Monday 2026-01-05.
    assert_eq!(
        c.next_opening(tokyo(2025, 12, 26, 18, 30)),
        tokyo(2026, 1, 5, 9, 0)
    );
    // Before opening on an open day: the same day's opening.
    assert_eq!(
        c.next_opening(tokyo(2026, 1, 8, 7, 15)),
        tokyo(2026, 1, 8, 9, 0)
    );
    // Open: the moment itself.
    assert_eq!(
        c.next_opening(tokyo(2026, 1, 8, 11, 0)),
        tokyo(2026, 1, 8, 11, 0)
    );
    // Golden Week 2026: Sat 2 - Wed 6 May.
    assert_eq!(
        c.next_opening(tokyo(2026, 5, 1, 17, 0)),
        tokyo(2026, 5, 7, 9, 0)
    );
    assert_eq!(c.next_open_day(ymd(2026, 9, 19)), ymd(2026, 9, 24));
    assert_eq!(c.next_open_day(ymd(2026, 9, 24)), ymd(2026, 9, 24));
}

#[test]
fn state_says_why_and_until_when() {
    let c = cal();
    let s = c.state_at(tokyo(2026, 1, 12, 10, 0));
    assert!(!s.open);
    assert_eq!(s.reason.as_deref(), Some("成人の日 / Coming of Age Day"));
    assert_eq!(s.reopens_at, Some(tokyo(2026, 1, 13, 9, 0)));
    let s = c.state_at(tokyo(2026, 1, 13, 17, 0));
    assert_eq!(s.reason.as_deref(), Some("after closing time (17:00)"));
    assert_eq!(s.reopens_at, Some(tokyo(2026, 1, 14, 9, 0)));
    let s = c.state_at(tokyo(2026, 1, 13, 8, 0));
    assert_eq!(s.reason.as_deref(), Some("before opening time (09:00)"));
    let s = c.state_at(tokyo(2026, 1, 13, 12, 0));
    assert!(s.open && s.reason.is_none() && s.reopens_at.is_none());
    assert_eq!(s.closes_at, Some(tokyo(2026, 1, 13, 17, 0)));
}

#[test]
fn business_days_count_from_the_day_of_receipt() {
    let c = cal();
    // Received Thursday morning: day 1 is Friday.
    assert_eq!(
        c.add_business_days(tokyo(2026, 1, 8, 10, 0), 1),
        ymd(2026, 1, 9)
    );
    assert_eq!(
        c.add_business_days(tokyo(2026, 1, 8, 10, 0), 0),
        ymd(2026, 1, 8)
    );
    // Received Thursday at 17:00: counts as Friday, day 1 is Tuesday 13th.
    assert_eq!(c.receipt_day(tokyo(2026, 1, 8, 17, 0)), ymd(2026, 1, 9));
    assert_eq!(
        c.add_business_days(tokyo(2026, 1, 8, 17, 0), 1),
        ymd(2026, 1, 13)
    );
    // Received on Saturday: counts as Tuesday (Monday is a holiday).
    assert_eq!(c.receipt_day(tokyo(2026, 1, 10, 11, 0)), ymd(2026, 1, 13));
    // Received before opening on an open day counts that day.
    assert_eq!(c.receipt_day(tokyo(2026, 1, 8, 6, 0)), ymd(2026, 1, 8));
}

#[test]
fn configured_hours_days_zone_and_closures() {
    let cfg = CalendarConfig {
        time_zone: "Europe/Paris".into(),
        opens: "08:30".into(),
        closes: "12:00".into(),
        open_days: vec!["mon".into(), "wed".into(), "Saturday".into()],
        japanese_holidays: false,
        yearly_closures: vec![ClosureDef {
            from: "08-01".into(),
            to: Some("08-15".into()),
            name: "summer closure".into(),
        }],
        closures: vec![ClosureDef {
            from: "2026-03-04".into(),
            to: None,
            name: "office move".into(),
        }],
    };
    let c = Calendar::from_config(&cfg).unwrap();
    assert_eq!(c.time_zone(), chrono_tz::Europe::Paris);
    let paris = |d, h, m| {
        chrono_tz::Europe::Paris
            .with_ymd_and_hms(2026, 3, d, h, m, 0)
            .unwrap()
    };
    assert!(c.is_open_at(paris(2, 8, 30))); // Monday
    assert!(!c.is_open_at(paris(2, 12, 0)));
    assert!(!c.is_open_at(paris(3, 10, 0))); // Tuesday
    assert_eq!(c.closed_reason(ymd(2026, 3, 3)).as_deref(), Some("Tuesday"));
    assert_eq!(
        c.closed_reason(ymd(2026, 3, 4)).as_deref(),
        Some("office move")
    );
    assert!(c.is_open_at(paris(7, 9, 0))); // Saturday
    assert_eq!(
        c.closed_reason(ymd(2026, 8, 10)).as_deref(),
        Some("summer closure")
    );
    // Japanese holidays are off: 2026-03-20 (a Friday) is just a Friday.
    assert_eq!(c.closed_reason(ymd(2026, 3, 20)).as_deref(), Some("Friday"));
    // 10:00 in Tokyo is 02:00 in Paris: closed, opens at 08:30 Paris time.
    assert_eq!(c.next_opening(tokyo(2026, 3, 9, 10, 0)), paris(9, 8, 30));
}

#[test]
fn bad_config_is_refused_with_the_key() {
    let base = CalendarConfig::default();
    let bad = |f: &dyn Fn(&mut CalendarConfig)| {
        let mut c = base.clone();
        f(&mut c);
        Calendar::from_config(&c).unwrap_err()
    };
    assert!(bad(&|c| c.time_zone = "Asia/Tokio".into()).contains("calendar.time_zone"));
    assert!(bad(&|c| c.opens = "9h".into()).contains("calendar.opens"));
    assert!(bad(&|c| c.closes = "08:00".into()).contains("later than opens"));
    assert!(bad(&|c| c.open_days = vec!["funday".into()]).contains("funday"));
    assert!(bad(&|c| c.open_days.clear()).contains("no day"));
}

#[test]
fn user_datetimes() {
    let c = cal();
    assert_eq!(
        c.parse_datetime("2026-01-09 18:30").unwrap(),
        tokyo(2026, 1, 9, 18, 30)
    );
    assert_eq!(
        c.parse_datetime("2026-01-09T09:30:00Z").unwrap(),
        tokyo(2026, 1, 9, 18, 30)
    );
    let e = c.parse_datetime("09/01/2026").unwrap_err();
    assert!(
        e.contains("RFC 3339") && e.contains("YYYY-MM-DD HH:MM"),
        "{e}"
    );
    let e = c.parse_datetime("2026-01-09").unwrap_err();
    assert!(e.contains("time of day"), "{e}");
    let ny = Calendar::from_config(&CalendarConfig {
        time_zone: "America/New_York".into(),
        ..CalendarConfig::default()
    })
    .unwrap();
    let e = ny.parse_datetime("2026-03-08 02:30").unwrap_err();
    assert!(e.contains("does not exist"), "{e}");
}
