//! Reports through the desk over fixture cases, checked against numbers
//! worked out here from the fixture definitions.

use super::report_fixture::{build_all, End, Spec};
use super::Fixture;
use crate::desk::DeskError;
use crate::domain::report::Report;
use crate::domain::{Case, Category, RefusalGround, RequestKind};
use chrono::NaiveDate;

/// Median and nearest-rank 90th percentile, written out again.
fn stats(mut v: Vec<i64>) -> (Option<f64>, Option<i64>) {
    v.sort();
    if v.is_empty() {
        return (None, None);
    }
    let n = v.len();
    let median = if !n.is_multiple_of(2) {
        v[n / 2] as f64
    } else {
        (v[n / 2 - 1] + v[n / 2]) as f64 / 2.0
    };
    let mut rank = (9 * n) / 10;
    if !(9 * n).is_multiple_of(10) {
        rank += 1;
    }
    (Some(median), Some(v[rank.max(1) - 1]))
}

fn group(s: &Spec) -> String {
    s.kind
        .map_or(s.category.as_str().to_string(), |k| k.as_str().to_string())
}

/// Checks `r` against the fixture `built`, answered on `today`.
pub(super) fn check_report(fx: &Fixture, r: &Report, built: &[(Spec, Case)], today: NaiveDate) {
    let cal = fx.desk("sue").calendar().clone();
    let inside: Vec<&(Spec, Case)> = built.iter().filter(|(s, _)| s.days_ago <= 364).collect();
    assert_eq!(r.received, inside.len());
    assert_eq!(
        r.answered,
        inside.iter().filter(|(s, _)| s.answered()).count()
    );
    let open = inside.iter().filter(|(s, _)| s.end == End::Open).count();
    assert_eq!(r.pending, open);
    // Every case closed today, the one outside the period included.
    let closed = built
        .iter()
        .filter(|(s, _)| s.status() == crate::domain::CaseStatus::Closed)
        .count();
    assert_eq!(r.closed, closed);

    for c in &r.by_status {
        let want = inside
            .iter()
            .filter(|(s, _)| s.status().as_str() == c.key)
            .count();
        assert_eq!(c.count, want, "status {}", c.key);
    }
    for c in &r.by_category {
        let want = inside
            .iter()
            .filter(|(s, _)| s.category.as_str() == c.key)
            .count();
        assert_eq!(c.count, want, "category {}", c.key);
    }
    let kinds: usize = r.by_kind.iter().map(|c| c.count).sum();
    assert_eq!(
        kinds,
        inside.iter().filter(|(s, _)| s.kind.is_some()).count()
    );
    for c in &r.by_kind {
        let want = inside
            .iter()
            .filter(|(s, _)| s.kind.map(|k| k.as_str()) == Some(c.key.as_str()))
            .count();
        assert_eq!(c.count, want, "kind {}", c.key);
    }

    let mut groups: Vec<String> = inside.iter().map(|(s, _)| group(s)).collect();
    groups.sort();
    groups.dedup();
    assert_eq!(r.response_times.len(), groups.len());
    for g in &groups {
        let answered: Vec<&&(Spec, Case)> = inside
            .iter()
            .filter(|(s, _)| group(s) == *g && s.answered())
            .collect();
        let days: Vec<i64> = answered.iter().map(|(s, _)| s.days_ago as i64).collect();
        let business: Vec<i64> = answered
            .iter()
            .map(|(s, _)| {
                let mut d = s.received(today);
                let mut n = 0;
                while d < today {
                    d = d.succ_opt().unwrap();
                    n += i64::from(cal.is_open_day(d));
                }
                n
            })
            .collect();
        let t = r.response_times.iter().find(|t| t.key == *g).unwrap();
        assert_eq!(t.answered, days.len(), "{g}");
        assert_eq!((t.median_days, t.p90_days), stats(days), "{g}");
        assert_eq!(
            (t.median_business_days, t.p90_business_days),
            stats(business),
            "{g}"
        );

        let with_due: Vec<&&&(Spec, Case)> = answered
            .iter()
            .filter(|(_, c)| c.queue_due().is_some())
            .collect();
        let on_time = with_due
            .iter()
            .filter(|(_, c)| c.queue_due().is_some_and(|d| today <= d))
            .count();
        let overdue = inside
            .iter()
            .filter(|(s, c)| {
                group(s) == *g && s.end == End::Open && c.queue_due().is_some_and(|d| d < today)
            })
            .count();
        let o = r.on_time_by_kind.iter().find(|o| o.key == *g).unwrap();
        assert_eq!(
            (o.answered, o.on_time, o.overdue_open),
            (with_due.len(), on_time, overdue),
            "{g}"
        );
    }
    // The fixture has late and timely answers and a late open case.
    let late: usize = r
        .on_time_by_kind
        .iter()
        .map(|o| o.answered - o.on_time)
        .sum();
    assert!(late >= 1, "{:?}", r.on_time_by_kind);
    assert!(r.on_time_by_law.iter().any(|o| o.overdue_open >= 1));

    for g in RefusalGround::ALL {
        let want = inside
            .iter()
            .filter(|(s, _)| s.end == End::Refused(g))
            .count();
        let got = r
            .refusals_by_ground
            .iter()
            .find(|c| c.key == g.as_str())
            .map_or(0, |c| c.count);
        assert_eq!(got, want, "{g}");
    }
    for reason in ["complex request", "volume of requests"] {
        let want = inside
            .iter()
            .filter(|(s, _)| s.extend == Some(reason))
            .count();
        let got = r
            .extensions_by_reason
            .iter()
            .find(|c| c.key == reason)
            .map_or(0, |c| c.count);
        assert_eq!((got, want), (1, 1), "{reason}");
    }
    for row in &r.ccpa {
        let of: Vec<&&(Spec, Case)> = inside
            .iter()
            .filter(|(s, _)| s.kind.map(|k| k.as_str()) == Some(row.kind.as_str()))
            .collect();
        let complied = of
            .iter()
            .filter(|(s, _)| matches!(s.end, End::Responded | End::Fulfilled))
            .count();
        let denied = of
            .iter()
            .filter(|(s, _)| matches!(s.end, End::Refused(_)))
            .count();
        let withdrawn = of.iter().filter(|(s, _)| s.end == End::Withdrawn).count();
        let pending = of.iter().filter(|(s, _)| s.end == End::Open).count();
        let days: Vec<i64> = of
            .iter()
            .filter(|(s, _)| s.answered())
            .map(|(s, _)| s.days_ago as i64)
            .collect();
        assert_eq!(
            (
                row.received,
                row.complied,
                row.denied,
                row.withdrawn,
                row.pending,
                row.median_days
            ),
            (
                of.len(),
                complied,
                denied,
                withdrawn,
                pending,
                stats(days).0
            ),
            "{}",
            row.kind
        );
    }
    assert_eq!(
        r.weekly.iter().map(|w| w.received).sum::<usize>(),
        inside.len()
    );
    assert_eq!(r.weekly.iter().map(|w| w.closed).sum::<usize>(), closed);
}

#[test]
fn the_report_counts_the_fixture_as_worked_out_by_hand() {
    let fx = Fixture::new();
    let built = build_all(&fx);
    let sue = fx.desk("sue");
    let today = sue.today();
    let r = sue.report(None, None).unwrap();
    check_report(&fx, &r, &built, today);
    assert_eq!(fx.audits("report", "cases"), 1);
    // The CCPA rows are there even for a kind nobody asked for.
    assert!(r
        .ccpa
        .iter()
        .any(|c| c.kind == RequestKind::Correct.as_str() && c.received == 0));
    assert!(r
        .by_category
        .iter()
        .any(|c| c.key == Category::Complaint.as_str() && c.count == 1));

    // A period of the last five days only.
    let from = today.checked_sub_days(chrono::Days::new(4)).unwrap();
    let r = fx.desk("audrey").report(Some(from), None).unwrap();
    let want = built.iter().filter(|(s, _)| s.days_ago <= 4).count();
    assert_eq!(r.received, want);
    assert_eq!(r.period.from, from);
}

#[test]
fn agents_are_refused_reports_and_the_attempt_is_audited() {
    let fx = Fixture::new();
    let err = fx.desk("alice").report(None, None).unwrap_err();
    assert!(matches!(err, DeskError::Denied(_)), "{err}");
    assert!(err
        .to_string()
        .contains("only supervisors and auditors read reports"));
    assert_eq!(fx.audits("denied", "report"), 1);
    assert_eq!(fx.audits("report", "cases"), 0);
    let today = fx.desk("sue").today();
    let err = fx
        .desk("sue")
        .report(Some(today), today.checked_sub_days(chrono::Days::new(1)))
        .unwrap_err();
    assert!(matches!(err, DeskError::Invalid(_)), "{err}");
}
