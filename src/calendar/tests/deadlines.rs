//! Due dates worked out by hand on the 2026 calendar (9:00-17:00 Tokyo,
//! Monday to Friday, national holidays, December 29 - January 3 closed).

use super::super::deadlines::*;
use super::super::Calendar;
use super::ymd;
use crate::domain::{Law, RequestKind};
use chrono::{DateTime, FixedOffset, NaiveDate};

fn at(s: &str) -> DateTime<FixedOffset> {
    DateTime::parse_from_rfc3339(s).unwrap()
}

fn run(
    law: Law,
    kind: Option<RequestKind>,
    received: &str,
    pauses: &[Pause],
    ext: Option<&Extension>,
) -> Result<Deadlines, DeadlineError> {
    run_with(&DeadlineConfig::default(), law, kind, received, pauses, ext)
}

fn run_with(
    cfg: &DeadlineConfig,
    law: Law,
    kind: Option<RequestKind>,
    received: &str,
    pauses: &[Pause],
    ext: Option<&Extension>,
) -> Result<Deadlines, DeadlineError> {
    let now = at("2026-12-01T12:00:00+09:00");
    compute_at(
        &Calendar::japan_default(),
        cfg,
        law,
        kind,
        at(received),
        pauses,
        ext,
        now,
    )
}

fn ok(law: Law, kind: RequestKind, received: &str) -> Deadlines {
    run(law, Some(kind), received, &[], None).unwrap()
}

fn has_step(d: &Deadlines, needle: &str) {
    assert!(
        d.steps.iter().any(|s| s.contains(needle)),
        "no step containing {needle:?}:\n{}",
        d.steps.join("\n")
    );
}

fn pause(from: &str, to: Option<&str>) -> Pause {
    Pause {
        from: at(from),
        to: to.map(at),
        reason: "waiting for identity documents".into(),
    }
}

#[test]
fn defaults_match_the_built_in_config() {
    let loaded = crate::config::load_str(
        "",
        std::path::Path::new("x.toml"),
        &crate::config::LoadOptions::isolated("t", &[]),
    )
    .unwrap();
    assert_eq!(loaded.deadlines, DeadlineConfig::default());
    assert_eq!(loaded.deadlines.appi.business_days, 10);
    assert_eq!(loaded.deadlines.ccpa.opt_out_business_days, 15);
}

#[test]
fn appi_friday_evening_before_a_holiday_monday() {
    // Fri 9 Jan 18:00 -> counts from Tue 13 (Sat, Sun, Coming of Age Day).
    // 14 15 16 | 19 20 21 22 23 | 26 27 -> Tue 27 Jan.
    let d = ok(
        Law::Appi,
        RequestKind::Disclosure,
        "2026-01-09T18:00:00+09:00",
    );
    assert_eq!(d.counts_from, ymd(2026, 1, 13));
    assert_eq!(d.due, ymd(2026, 1, 27));
    assert_eq!(d.practical_due, d.due);
    assert_eq!(
        (d.receipt_due, d.extended_due, d.paused_days),
        (None, None, 0)
    );
    has_step(&d, "received after closing time (17:00)");
    has_step(&d, "2026-01-12 成人の日 / Coming of Age Day");
    has_step(
        &d,
        "10 business days after 2026-01-13: 2026-01-27 (Tuesday)",
    );
}

#[test]
fn appi_across_the_year_end_closure() {
    // Fri 26 Dec 15:00 counts that day; closed 29 Dec - 4 Jan.
    // 5 6 7 8 9 | (12 holiday) 13 14 15 16 | 19 -> Mon 19 Jan.
    let d = ok(
        Law::Appi,
        RequestKind::Correction,
        "2025-12-26T15:00:00+09:00",
    );
    assert_eq!(d.counts_from, ymd(2025, 12, 26));
    assert_eq!(d.due, ymd(2026, 1, 19));
    has_step(&d, "2025-12-29 to 2025-12-31 year-end closure");
    has_step(&d, "2026-01-01 元日 / New Year's Day");
    has_step(&d, "2026-01-02 to 2026-01-03 year-end closure");
}

#[test]
fn appi_received_in_another_zone_counts_in_tokyo() {
    // 2026-01-08 23:30 UTC is Friday 9 Jan 08:30 in Tokyo: counts that day.
    let d = ok(Law::Appi, RequestKind::Disclosure, "2026-01-08T23:30:00Z");
    assert_eq!(d.counts_from, ymd(2026, 1, 9));
    // 13 14 15 16 | 19 20 21 22 23 | 26 -> Mon 26 Jan.
    assert_eq!(d.due, ymd(2026, 1, 26));
}

#[test]
fn appi_pause_of_three_business_days() {
    // Mon 2 Feb 10:00; unpaused: 3 4 5 6 | 9 10 (11 holiday) 12 13 | 16 17.
    let plain = ok(
        Law::Appi,
        RequestKind::Disclosure,
        "2026-02-02T10:00:00+09:00",
    );
    assert_eq!(plain.due, ymd(2026, 2, 17));
    // Waiting from Tue 3 Feb 16:00 to Mon 9 Feb 10:00 covers Wed, Thu, Fri whole.
    let p = pause(
        "2026-02-03T16:00:00+09:00",
        Some("2026-02-09T10:00:00+09:00"),
    );
    let d = run(
        Law::Appi,
        Some(RequestKind::Disclosure),
        "2026-02-02T10:00:00+09:00",
        &[p],
        None,
    )
    .unwrap();
    assert_eq!(d.paused_days, 3);
    assert_eq!(d.due, ymd(2026, 2, 20));
    assert!(!d.pause_ongoing);
    has_step(
        &d,
        "3 business days stopped (2026-02-04, 2026-02-05, 2026-02-06)",
    );
    has_step(
        &d,
        "Due date moved by 3 business days for the pauses: 2026-02-20 (Friday)",
    );
}

#[test]
fn appi_open_pause_counts_up_to_now() {
    let p = pause("2026-02-03T16:00:00+09:00", None);
    let now = at("2026-02-06T12:00:00+09:00");
    let d = compute_at(
        &Calendar::japan_default(),
        &DeadlineConfig::default(),
        Law::Appi,
        Some(RequestKind::Disclosure),
        at("2026-02-02T10:00:00+09:00"),
        &[p],
        None,
        now,
    )
    .unwrap();
    // Wed 4 and Thu 5 are fully paused; Friday 6 is not over yet.
    assert_eq!(d.paused_days, 2);
    assert_eq!(d.due, ymd(2026, 2, 19));
    assert!(d.pause_ongoing);
    has_step(&d, "still waiting");
}

#[test]
fn pause_after_the_due_date_has_no_effect() {
    let p = pause(
        "2026-03-02T09:00:00+09:00",
        Some("2026-03-10T17:00:00+09:00"),
    );
    let d = run(
        Law::Appi,
        Some(RequestKind::Disclosure),
        "2026-02-02T10:00:00+09:00",
        &[p],
        None,
    )
    .unwrap();
    assert_eq!((d.due, d.paused_days), (ymd(2026, 2, 17), 0));
    has_step(&d, "no effect");
}

#[test]
fn gdpr_one_month_clamped_to_the_end_of_february() {
    // 31 Jan 2026 -> 28 Feb (a Saturday): practically Monday 2 March.
    let d = ok(Law::Gdpr, RequestKind::Access, "2026-01-31T10:00:00+09:00");
    assert_eq!(d.due, ymd(2026, 2, 28));
    assert_eq!(d.practical_due, ymd(2026, 3, 2));
    has_step(&d, "February 2026 has no day 31");
    has_step(&d, "is a closed day (Saturday)");
    // 2028 is a leap year: 29 Feb (a Tuesday).
    let d = ok(Law::Gdpr, RequestKind::Erasure, "2028-01-31T10:00:00+09:00");
    assert_eq!(d.due, ymd(2028, 2, 29));
    assert_eq!(d.practical_due, ymd(2028, 2, 29));
    // Received at 20:00 UTC on the 30th: already the 31st in Tokyo.
    let d = ok(Law::Gdpr, RequestKind::Access, "2026-01-30T20:00:00Z");
    assert_eq!(d.due, ymd(2026, 2, 28));
}

#[test]
fn gdpr_extension_by_two_months() {
    // Tue 10 Mar -> Fri 10 Apr; extended: three months from receipt, Wed 10 Jun.
    let ext = Extension {
        reason: "Records held in five systems".into(),
        notice_date: ymd(2026, 4, 1),
    };
    let d = run(
        Law::Gdpr,
        Some(RequestKind::Access),
        "2026-03-10T11:00:00+09:00",
        &[],
        Some(&ext),
    )
    .unwrap();
    assert_eq!(d.due, ymd(2026, 4, 10));
    assert_eq!(d.extended_due, Some(ymd(2026, 6, 10)));
    assert_eq!(d.practical_extended_due, Some(ymd(2026, 6, 10)));
    assert_eq!(d.final_due(), ymd(2026, 6, 10));
    has_step(&d, "Records held in five systems");
    // From 31 January: 30 April, not 28 April.
    let d = run(
        Law::Gdpr,
        Some(RequestKind::Access),
        "2026-01-31T10:00:00+09:00",
        &[],
        Some(&Extension {
            reason: "complex".into(),
            notice_date: ymd(2026, 2, 20),
        }),
    )
    .unwrap();
    assert_eq!(d.extended_due, Some(ymd(2026, 4, 30)));
}

#[test]
fn gdpr_extension_notice_must_come_in_the_first_month() {
    let late = Extension {
        reason: "complex".into(),
        notice_date: ymd(2026, 4, 13),
    };
    let e = run(
        Law::Gdpr,
        Some(RequestKind::Access),
        "2026-03-10T11:00:00+09:00",
        &[],
        Some(&late),
    )
    .unwrap_err();
    assert_eq!(
        e,
        DeadlineError::NoticeTooLate {
            notice: ymd(2026, 4, 13),
            due: ymd(2026, 4, 10)
        }
    );
    let early = Extension {
        reason: "complex".into(),
        notice_date: ymd(2026, 3, 9),
    };
    let e = run(
        Law::Gdpr,
        Some(RequestKind::Access),
        "2026-03-10T11:00:00+09:00",
        &[],
        Some(&early),
    )
    .unwrap_err();
    assert!(
        matches!(e, DeadlineError::NoticeBeforeReceipt { .. }),
        "{e}"
    );
    let blank = Extension {
        reason: "  ".into(),
        notice_date: ymd(2026, 3, 20),
    };
    let e = run(
        Law::Gdpr,
        Some(RequestKind::Access),
        "2026-03-10T11:00:00+09:00",
        &[],
        Some(&blank),
    )
    .unwrap_err();
    assert_eq!(e, DeadlineError::ExtensionWithoutReason);
}

#[test]
fn gdpr_and_ccpa_ignore_pauses() {
    let p = pause(
        "2026-03-11T09:00:00+09:00",
        Some("2026-03-20T17:00:00+09:00"),
    );
    let d = run(
        Law::Gdpr,
        Some(RequestKind::Access),
        "2026-03-10T11:00:00+09:00",
        std::slice::from_ref(&p),
        None,
    )
    .unwrap();
    assert_eq!((d.due, d.paused_days), (ymd(2026, 4, 10), 0));
    has_step(&d, "1 pause ignored: the GDPR period does not stop");
    let d = run(
        Law::Ccpa,
        Some(RequestKind::Know),
        "2026-03-10T11:00:00+09:00",
        &[p],
        None,
    )
    .unwrap();
    assert_eq!(d.paused_days, 0);
    has_step(&d, "the CCPA period does not stop");
}

#[test]
fn ccpa_45_days_plus_45_and_receipt_in_10_business_days() {
    // Fri 9 Jan 18:00: 45 days -> Mon 23 Feb, the Emperor's Birthday -> Tue 24.
    let ext = Extension {
        reason: "Large volume of records".into(),
        notice_date: ymd(2026, 2, 20),
    };
    let d = run(
        Law::Ccpa,
        Some(RequestKind::Know),
        "2026-01-09T18:00:00+09:00",
        &[],
        Some(&ext),
    )
    .unwrap();
    assert_eq!(d.due, ymd(2026, 2, 23));
    assert_eq!(d.practical_due, ymd(2026, 2, 24));
    // Receipt: counts from Tue 13 Jan, ten business days -> Tue 27 Jan.
    assert_eq!(d.receipt_due, Some(ymd(2026, 1, 27)));
    // 45 more days from 23 Feb: Thu 9 April (90 days after 9 Jan).
    assert_eq!(d.extended_due, Some(ymd(2026, 4, 9)));
    assert_eq!(d.final_due(), ymd(2026, 4, 9));
    has_step(&d, "天皇誕生日 / The Emperor's Birthday");
    // The notice may come up to the practical due date.
    let on_time = Extension {
        notice_date: ymd(2026, 2, 24),
        ..ext.clone()
    };
    assert!(run(
        Law::Ccpa,
        Some(RequestKind::Delete),
        "2026-01-09T18:00:00+09:00",
        &[],
        Some(&on_time)
    )
    .is_ok());
}

#[test]
fn ccpa_opt_out_in_15_business_days() {
    // Wed 22 Apr 10:00: 23 24 | 27 28 (29 holiday) 30 | 1 (2-6 closed) |
    // 7 8 | 11 12 13 14 15 | 18 19 -> Tue 19 May.
    let d = ok(Law::Ccpa, RequestKind::OptOut, "2026-04-22T10:00:00+09:00");
    assert_eq!(d.due, ymd(2026, 5, 19));
    assert_eq!(d.receipt_due, None);
    let ext = Extension {
        reason: "x".into(),
        notice_date: ymd(2026, 4, 23),
    };
    let e = run(
        Law::Ccpa,
        Some(RequestKind::OptOut),
        "2026-04-22T10:00:00+09:00",
        &[],
        Some(&ext),
    )
    .unwrap_err();
    assert!(
        matches!(e, DeadlineError::ExtensionNotAllowed { .. }),
        "{e}"
    );
}

#[test]
fn practical_due_date_when_due_falls_on_a_sunday() {
    // Thu 14 May + one month = Sun 14 June -> Mon 15 June.
    let d = ok(
        Law::Gdpr,
        RequestKind::Rectification,
        "2026-05-14T10:00:00+09:00",
    );
    assert_eq!(d.due, ymd(2026, 6, 14));
    assert_eq!(d.practical_due, ymd(2026, 6, 15));
    has_step(
        &d,
        "2026-06-14 (Sunday) is a closed day (Sunday): practical due date 2026-06-15 (Monday)",
    );
    // Thu 30 April + 45 days = the same Sunday.
    let d = ok(Law::Ccpa, RequestKind::Delete, "2026-04-30T10:00:00+09:00");
    assert_eq!(
        (d.due, d.practical_due),
        (ymd(2026, 6, 14), ymd(2026, 6, 15))
    );
}

#[test]
fn complaints_use_the_contact_target_and_kinds_their_override() {
    let mut cfg = DeadlineConfig::default();
    cfg.appi.contact_business_days = 5;
    cfg.appi.kinds.insert("disclosure".into(), 3);
    // Thu 8 Jan 10:00: 9 | 13 14 15 16 -> Fri 16 Jan.
    let d = run_with(
        &cfg,
        Law::Appi,
        None,
        "2026-01-08T10:00:00+09:00",
        &[],
        None,
    )
    .unwrap();
    assert_eq!(d.due, ymd(2026, 1, 16));
    has_step(&d, "appropriately and promptly");
    // 9 | 13 14 -> Wed 14 Jan.
    let d = run_with(
        &cfg,
        Law::Appi,
        Some(RequestKind::Disclosure),
        "2026-01-08T10:00:00+09:00",
        &[],
        None,
    )
    .unwrap();
    assert_eq!(d.due, ymd(2026, 1, 14));
    has_step(&d, "[deadlines.appi.kinds] disclosure");
    // Other kinds keep the general target: 10 business days -> Fri 23 Jan.
    let d = run_with(
        &cfg,
        Law::Appi,
        Some(RequestKind::Correction),
        "2026-01-08T10:00:00+09:00",
        &[],
        None,
    )
    .unwrap();
    assert_eq!(d.due, ymd(2026, 1, 23));
}

#[test]
fn kind_of_another_law_is_an_error() {
    let e = run(
        Law::Appi,
        Some(RequestKind::Access),
        "2026-01-08T10:00:00+09:00",
        &[],
        None,
    )
    .unwrap_err();
    assert!(matches!(e, DeadlineError::KindLawMismatch { .. }));
    let text = e.to_string();
    assert!(
        text.contains("\"access\" is a GDPR request, not APPI"),
        "{text}"
    );
    assert!(text.contains("disclosure"), "{text}");
}

#[test]
fn extension_on_appi_is_an_error() {
    let ext = Extension {
        reason: "busy".into(),
        notice_date: ymd(2026, 1, 9),
    };
    for kind in [Some(RequestKind::Disclosure), None] {
        let e = run(
            Law::Appi,
            kind,
            "2026-01-08T10:00:00+09:00",
            &[],
            Some(&ext),
        )
        .unwrap_err();
        assert!(
            matches!(e, DeadlineError::ExtensionNotAllowed { .. }),
            "{e}"
        );
    }
}

#[test]
fn bad_pauses_are_errors() {
    let backwards = pause(
        "2026-01-10T10:00:00+09:00",
        Some("2026-01-09T10:00:00+09:00"),
    );
    let e = run(
        Law::Appi,
        Some(RequestKind::Disclosure),
        "2026-01-08T10:00:00+09:00",
        &[backwards],
        None,
    )
    .unwrap_err();
    assert!(
        matches!(e, DeadlineError::PauseEndsBeforeStart { .. }),
        "{e}"
    );
    let early = pause("2026-01-07T10:00:00+09:00", None);
    let e = run(
        Law::Appi,
        Some(RequestKind::Disclosure),
        "2026-01-08T10:00:00+09:00",
        &[early],
        None,
    )
    .unwrap_err();
    assert!(matches!(e, DeadlineError::PauseBeforeReceipt { .. }), "{e}");
}

#[test]
fn days_left_counts_calendar_days_to_the_practical_due_date() {
    let cal = Calendar::japan_default();
    let due = ymd(2026, 1, 27);
    assert_eq!(days_left(ymd(2026, 1, 20), due, &cal), 7);
    assert_eq!(days_left(due, due, &cal), 0);
    assert_eq!(days_left(ymd(2026, 1, 30), due, &cal), -3);
    // Due on Sunday 14 June: counts to Monday 15.
    let sunday: NaiveDate = ymd(2026, 6, 14);
    assert_eq!(days_left(ymd(2026, 6, 12), sunday, &cal), 3);
}

#[test]
fn deadlines_serialize_for_json() {
    let d = ok(Law::Ccpa, RequestKind::Know, "2026-01-09T18:00:00+09:00");
    let v = serde_json::to_value(&d).unwrap();
    assert_eq!(v["law"], "ccpa");
    assert_eq!(v["kind"], "know");
    assert_eq!(v["received"], "2026-01-09T18:00:00+09:00");
    assert_eq!(v["due"], "2026-02-23");
    assert_eq!(v["practical_due"], "2026-02-24");
    assert_eq!(v["receipt_due"], "2026-01-27");
    assert!(v["steps"].as_array().is_some_and(|s| s.len() >= 3));
}
