//! Calendar benchmark: the one-time computation of every year's national
//! holidays (1980-2099), then per-call costs of a holiday lookup, an
//! open-day check and due-date computations the queue screens repeat for
//! every case.
//!
//!     cargo bench --bench calendar

#![allow(clippy::unwrap_used)] // a bench: a failure is its report

use chrono::{DateTime, NaiveDate};
use privdesk::calendar::deadlines::{compute_at, DeadlineConfig, Pause};
use privdesk::calendar::{holiday_name, holidays, Calendar};
use privdesk::domain::{Law, RequestKind};
use std::hint::black_box;
use std::time::Instant;

fn per_call(label: &str, n: u32, mut f: impl FnMut(u32)) {
    let start = Instant::now();
    for i in 0..n {
        f(i);
    }
    let ns = start.elapsed().as_nanos() as f64 / f64::from(n);
    println!("{label:<48} {:>10.0} ns/call  ({n} calls)", ns);
}

fn main() {
    let start = Instant::now();
    let first = holidays(2026);
    println!(
        "{:<48} {:>10.3} ms  ({} holidays in 2026)",
        "first use: every year 1980-2099 computed",
        start.elapsed().as_secs_f64() * 1000.0,
        first.len()
    );
    let cal = Calendar::japan_default();
    let cfg = DeadlineConfig::default();
    let base = NaiveDate::from_ymd_opt(2026, 1, 1).unwrap();
    per_call("holiday_name (any day 2026-2027)", 1_000_000, |i| {
        black_box(holiday_name(base + chrono::Days::new(u64::from(i % 730))));
    });
    per_call("is_open_day", 1_000_000, |i| {
        black_box(cal.is_open_day(base + chrono::Days::new(u64::from(i % 730))));
    });
    let received = DateTime::parse_from_rfc3339("2026-04-24T18:30:00+09:00").unwrap();
    let now = DateTime::parse_from_rfc3339("2026-06-01T12:00:00+09:00").unwrap();
    per_call("APPI 10 business days over Golden Week", 100_000, |_| {
        black_box(
            compute_at(
                &cal,
                &cfg,
                Law::Appi,
                Some(RequestKind::Disclosure),
                received,
                &[],
                None,
                now,
            )
            .unwrap(),
        );
    });
    let pauses = [Pause {
        from: DateTime::parse_from_rfc3339("2026-04-27T10:00:00+09:00").unwrap(),
        to: Some(DateTime::parse_from_rfc3339("2026-05-12T10:00:00+09:00").unwrap()),
        reason: "identity documents".into(),
    }];
    per_call(
        "APPI 10 business days with a two-week pause",
        100_000,
        |_| {
            black_box(
                compute_at(
                    &cal,
                    &cfg,
                    Law::Appi,
                    Some(RequestKind::Disclosure),
                    received,
                    &pauses,
                    None,
                    now,
                )
                .unwrap(),
            );
        },
    );
    per_call("CCPA know (45 days + receipt in 10 b.d.)", 100_000, |_| {
        black_box(
            compute_at(
                &cal,
                &cfg,
                Law::Ccpa,
                Some(RequestKind::Know),
                received,
                &[],
                None,
                now,
            )
            .unwrap(),
        );
    });
}
