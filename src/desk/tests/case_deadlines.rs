//! Due dates computed by the business calendar, stored with the case and
//! recomputed when the receipt time, a pause or an extension changes.

use super::{access_request, inquiry, Fixture};
use crate::desk::DeskError;
use crate::domain::{CaseFilter, RequestKind};
use chrono::{DateTime, FixedOffset, NaiveDate};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn day(s: &str) -> NaiveDate {
    NaiveDate::parse_from_str(s, "%Y-%m-%d").unwrap()
}

/// The queue date as stored in the SQL column.
fn stored_due(fx: &Fixture, id: crate::domain::CaseId) -> String {
    fx.raw()
        .query_row(
            "SELECT queue_due FROM cases WHERE id = ?1",
            [id.to_string()],
            |r| r.get(0),
        )
        .unwrap()
}

fn disclosure(received: &str) -> crate::domain::NewCase {
    let mut n = access_request();
    n.kind = Some(RequestKind::Disclosure);
    n.received_at = Some(at(received));
    n
}

#[test]
fn a_gdpr_request_is_due_in_a_month_and_can_be_extended_once_in_time() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    let mut n = access_request();
    n.received_at = Some(at("2025-06-02T10:00:00+09:00"));
    let c = alice.create_case(&n).unwrap();
    let d = c.deadlines.clone().expect("deadlines computed on create");
    assert_eq!(
        (d.due, d.practical_due, d.extended_due),
        (day("2025-07-02"), day("2025-07-02"), None)
    );
    assert!(
        d.steps.iter().any(|s| s.contains("one month from receipt")),
        "{:?}",
        d.steps
    );
    assert_eq!(stored_due(&fx, c.id), "2025-07-02");

    let err = sue
        .extend(c.id, 1, "complex", day("2025-07-10"))
        .unwrap_err();
    assert!(
        err.to_string()
            .contains("must be told within the first period"),
        "{err}"
    );
    let c = sue
        .extend(c.id, 1, "many systems to search", day("2025-06-20"))
        .unwrap();
    let d = c.deadlines.clone().unwrap();
    assert_eq!(d.extended_due, Some(day("2025-09-02")));
    assert_eq!(stored_due(&fx, c.id), "2025-09-02");
    let view = sue.get_case(c.id).unwrap();
    let ext = view.events.last().unwrap();
    assert_eq!(ext.kind, "extension");
    assert_eq!(ext.after["deadlines"]["extended_due"], "2025-09-02");
    assert!(
        ext.summary().contains("due dates recomputed"),
        "{}",
        ext.summary()
    );
    let rows = alice.list_cases(&CaseFilter::default()).unwrap();
    assert_eq!(rows[0].due, Some(day("2025-09-02")));
}

#[test]
fn an_appi_request_counts_business_days_and_cannot_be_extended() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let sue = fx.desk("sue");
    let c = alice
        .create_case(&disclosure("2025-06-02T10:00:00+09:00"))
        .unwrap();
    assert_eq!(
        c.deadlines.as_ref().unwrap().due,
        day("2025-06-16"),
        "10 business days"
    );
    let err = sue.extend(c.id, 1, "busy", day("2025-06-03")).unwrap_err();
    assert!(
        matches!(&err, DeskError::Invalid(m) if m.contains("cannot be extended")),
        "{err:?}"
    );
    assert_eq!(
        sue.get_case(c.id).unwrap().case.version,
        1,
        "nothing written"
    );
}

#[test]
fn a_finished_pause_moves_the_due_date_by_the_business_days_it_covered() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let c = alice
        .create_case(&disclosure("2025-06-02T10:00:00+09:00"))
        .unwrap();
    // Thursday 5 and Friday 6 June are covered from opening to closing.
    let c = alice
        .add_pause(
            c.id,
            1,
            at("2025-06-04T10:00:00+09:00"),
            Some(at("2025-06-06T18:00:00+09:00")),
            "waiting for ID",
        )
        .unwrap();
    let d = c.deadlines.clone().unwrap();
    assert_eq!(
        (d.due, d.paused_days, d.clock_stopped),
        (day("2025-06-18"), 2, false)
    );
    assert!(
        d.steps.iter().any(|s| s.contains("waiting for ID")),
        "{:?}",
        d.steps
    );
    assert_eq!(stored_due(&fx, c.id), "2025-06-18");
}

#[test]
fn a_running_pause_stops_the_clock_and_keeps_the_case_off_the_overdue_list() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let running = alice
        .create_case(&disclosure("2025-06-02T10:00:00+09:00"))
        .unwrap();
    let late = alice
        .create_case(&disclosure("2025-06-02T10:00:00+09:00"))
        .unwrap();
    let running = alice
        .add_pause(
            running.id,
            1,
            at("2025-06-04T10:00:00+09:00"),
            None,
            "waiting for the fee",
        )
        .unwrap();
    assert!(running.deadlines.as_ref().unwrap().clock_stopped);
    let overdue = |d: &crate::desk::Desk| {
        d.list_cases(&CaseFilter {
            overdue: true,
            ..Default::default()
        })
        .unwrap()
        .iter()
        .map(|r| r.id)
        .collect::<Vec<_>>()
    };
    assert_eq!(overdue(&alice), vec![late.id]);
    let view = alice.get_case(running.id).unwrap();
    assert!(!view.overdue);
    assert!(
        view.case.deadlines.as_ref().unwrap().due > alice.today(),
        "shown as of now"
    );
    let rows = alice.list_cases(&CaseFilter::default()).unwrap();
    let row = rows.iter().find(|r| r.id == running.id).unwrap();
    assert!(row.clock_stopped && !row.overdue);

    // The fee arrives: the clock runs again, two business days later.
    let ended = alice
        .end_pause(running.id, running.version, at("2025-06-06T18:00:00+09:00"))
        .unwrap();
    let d = ended.deadlines.unwrap();
    assert_eq!((d.due, d.clock_stopped), (day("2025-06-18"), false));
    assert_eq!(overdue(&alice), vec![late.id, running.id]);
}

#[test]
fn correcting_the_receipt_time_recomputes_and_a_fresh_case_is_not_overdue() {
    let fx = Fixture::new();
    let alice = fx.desk("alice");
    let mut n = inquiry("asks about the newsletter");
    n.received_at = Some(at("2025-06-02T10:00:00+09:00"));
    let c = alice.create_case(&n).unwrap();
    assert_eq!(c.deadlines.as_ref().unwrap().due, day("2025-06-16"));
    // Friday after closing time counts from Monday 9 June.
    let c = alice
        .set_received_at(c.id, 1, at("2025-06-06T18:00:00+09:00"))
        .unwrap();
    let d = c.deadlines.unwrap();
    assert_eq!(
        (d.counts_from, d.due),
        (day("2025-06-09"), day("2025-06-23"))
    );
    assert_eq!(stored_due(&fx, c.id), "2025-06-23");

    let fresh = alice.create_case(&inquiry("just now")).unwrap();
    let view = alice.get_case(fresh.id).unwrap();
    assert!(!view.overdue);
    assert!(view.days_left.unwrap() > 0, "{:?}", view.days_left);
}
