use super::*;
use chrono::{NaiveTime, TimeZone};

fn d(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

fn at(s: &str) -> DateTime<Utc> {
    Utc.from_utc_datetime(&d(s).and_time(NaiveTime::from_hms_opt(3, 0, 0).unwrap()))
}

fn case(kind: RequestKind, received: &str, answered: Option<&str>, due: &str) -> ReportCase {
    ReportCase {
        category: Category::RightsRequest,
        kind: Some(kind),
        law: kind.law(),
        status: if answered.is_some() {
            CaseStatus::Responded
        } else {
            CaseStatus::InProgress
        },
        outcome: None,
        received_at: at(received).fixed_offset(),
        answered_at: answered.map(at),
        closed_at: None,
        due: Some(d(due)),
        clock_stopped: false,
        refusal_grounds: Vec::new(),
        extension_reason: None,
    }
}

fn weekdays(x: NaiveDate) -> bool {
    x.weekday().num_days_from_monday() < 5
}

#[test]
fn median_and_nearest_rank_percentile() {
    assert_eq!(median(&[]), None);
    assert_eq!(median(&[4]), Some(4.0));
    assert_eq!(median(&[1, 2, 3, 10]), Some(2.5));
    let v: Vec<i64> = (1..=10).collect();
    assert_eq!(percentile(&v, 90), Some(9));
    assert_eq!(percentile(&v, 100), Some(10));
    assert_eq!(percentile(&[7], 90), Some(7));
    let v: Vec<i64> = (1..=11).collect();
    // ceil(0.9 * 11) = 10
    assert_eq!(percentile(&v, 90), Some(10));
}

#[test]
fn days_business_days_and_on_time_share() {
    // Monday 2026-03-02 received; answered Monday 2026-03-09: 7 days, 5 open days.
    let cases = vec![
        case(
            RequestKind::Access,
            "2026-03-02",
            Some("2026-03-09"),
            "2026-04-02",
        ),
        // Answered a day after its due date.
        case(
            RequestKind::Access,
            "2026-03-02",
            Some("2026-03-04"),
            "2026-03-03",
        ),
        // Open and late.
        case(RequestKind::Access, "2026-03-02", None, "2026-03-05"),
        // Outside the period.
        case(
            RequestKind::Access,
            "2025-01-02",
            Some("2025-01-03"),
            "2025-02-02",
        ),
    ];
    let period = Period::new(
        Some(d("2026-03-01")),
        Some(d("2026-03-31")),
        d("2026-03-31"),
    )
    .unwrap();
    let local = |t: DateTime<Utc>| t.date_naive();
    let cal = ReportCalendar {
        local_date: &local,
        is_open_day: &weekdays,
        today: d("2026-03-31"),
    };
    let r = compute(&cases, period, &cal);
    assert_eq!(r.received, 3);
    assert_eq!(r.answered, 2);
    assert_eq!(r.pending, 1);
    let t = &r.response_times[0];
    assert_eq!(t.key, "access");
    assert_eq!(t.median_days, Some(4.5)); // 2 and 7
    assert_eq!(t.p90_days, Some(7));
    assert_eq!(t.median_business_days, Some(3.5)); // 2 and 5
    let o = &r.on_time_by_kind[0];
    assert_eq!((o.answered, o.on_time, o.overdue_open), (2, 1, 1));
    assert_eq!(o.share, Some(0.5));
    assert_eq!(r.weekly.first().map(|w| w.week), Some(d("2026-02-23")));
    assert_eq!(r.weekly.iter().map(|w| w.received).sum::<usize>(), 3);
}

#[test]
fn a_period_that_ends_before_it_starts_is_refused() {
    let e = Period::new(
        Some(d("2026-02-01")),
        Some(d("2026-01-01")),
        d("2026-03-01"),
    )
    .unwrap_err();
    assert!(
        e.contains("starts (2026-02-01) after it ends (2026-01-01)"),
        "{e}"
    );
    let p = Period::new(None, None, d("2026-03-01")).unwrap();
    assert_eq!((p.to - p.from).num_days(), 364);
}
