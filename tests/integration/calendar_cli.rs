//! `privdesk calendar ...` with the real binary: holidays, is-open, due, and
//! bad input (exit 2). No operator, store or sample system is needed.

use crate::common;

use common::{isolate, json, stderr, stdout, BIN};
use serde_json::{json, Value};
use std::path::Path;
use std::process::{Command, Output};
use tempfile::TempDir;

/// Run the binary in an empty temp home (the built-in defaults apply), or
/// with `config` written to a file there.
fn run_with(config: Option<&str>, args: &[&str]) -> Output {
    let dir = TempDir::new().unwrap();
    let mut c = Command::new(BIN);
    if let Some(text) = config {
        let path = dir.path().join("config.toml");
        std::fs::write(&path, text).unwrap();
        c.arg("--config").arg(&path);
    }
    c.args(args);
    isolate(&mut c, dir.path());
    c.output().expect("run privdesk")
}

fn run(args: &[&str]) -> Output {
    run_with(None, args)
}

fn code(o: &Output) -> i32 {
    o.status.code().unwrap_or(-1)
}

fn assert_usage_error(o: &Output, needles: &[&str]) {
    assert_eq!(code(o), 2, "stdout:\n{}\nstderr:\n{}", stdout(o), stderr(o));
    let err = stderr(o);
    for n in needles {
        assert!(err.contains(n), "stderr lacks {n:?}:\n{err}");
    }
}

#[test]
fn holidays_2026_json_is_the_official_list() {
    let o = run(&["calendar", "holidays", "2026", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    // 内閣府「国民の祝日について」, 2026 (令和8年).
    let want = json!([
        {"date": "2026-01-01", "name": "元日 / New Year's Day"},
        {"date": "2026-01-12", "name": "成人の日 / Coming of Age Day"},
        {"date": "2026-02-11", "name": "建国記念の日 / National Foundation Day"},
        {"date": "2026-02-23", "name": "天皇誕生日 / The Emperor's Birthday"},
        {"date": "2026-03-20", "name": "春分の日 / Vernal Equinox Day"},
        {"date": "2026-04-29", "name": "昭和の日 / Showa Day"},
        {"date": "2026-05-03", "name": "憲法記念日 / Constitution Memorial Day"},
        {"date": "2026-05-04", "name": "みどりの日 / Greenery Day"},
        {"date": "2026-05-05", "name": "こどもの日 / Children's Day"},
        {"date": "2026-05-06", "name": "振替休日 / Substitute holiday"},
        {"date": "2026-07-20", "name": "海の日 / Marine Day"},
        {"date": "2026-08-11", "name": "山の日 / Mountain Day"},
        {"date": "2026-09-21", "name": "敬老の日 / Respect for the Aged Day"},
        {"date": "2026-09-22", "name": "国民の休日 / Citizens' holiday"},
        {"date": "2026-09-23", "name": "秋分の日 / Autumnal Equinox Day"},
        {"date": "2026-10-12", "name": "スポーツの日 / Sports Day"},
        {"date": "2026-11-03", "name": "文化の日 / Culture Day"},
        {"date": "2026-11-23", "name": "勤労感謝の日 / Labor Thanksgiving Day"},
    ]);
    assert_eq!(json(&o), want);
}

#[test]
fn holidays_as_text_and_out_of_range() {
    let o = run(&["calendar", "holidays", "2019"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(out.contains("2019-05-01 Wed  即位の日"), "{out}");
    assert!(out.contains("2019-10-22 Tue  即位礼正殿の儀"), "{out}");
    assert!(out.contains("22 national holidays in 2019"), "{out}");
    let o = run(&["calendar", "holidays", "1979"]);
    assert_usage_error(&o, &["1980-2099", "1979"]);
    let o = run(&["calendar", "holidays", "twenty"]);
    assert_usage_error(&o, &["\"twenty\" is not a year", "1980 to 2099"]);
}

#[test]
fn is_open_at_fixed_moments() {
    let o = run(&["calendar", "is-open", "2026-01-12 10:00", "--json"]);
    assert_eq!(code(&o), 0, "closed still exits 0: {}", stderr(&o));
    assert_eq!(
        json(&o),
        json!({
            "at": "2026-01-12T10:00:00+09:00",
            "time_zone": "Asia/Tokyo",
            "open": false,
            "reason": "成人の日 / Coming of Age Day",
            "closes_at": null,
            "reopens_at": "2026-01-13T09:00:00+09:00",
        })
    );
    // 00:59 UTC is 09:59 in Tokyo, an ordinary Tuesday.
    let o = run(&["calendar", "is-open", "2026-01-13T00:59:00Z", "--json"]);
    let v = json(&o);
    assert_eq!(v["open"], true);
    assert_eq!(v["at"], "2026-01-13T09:59:00+09:00");
    assert_eq!(v["closes_at"], "2026-01-13T17:00:00+09:00");
    assert_eq!(v["reopens_at"], Value::Null);
    // Year end, as text.
    let o = run(&["calendar", "is-open", "2025-12-30 11:00"]);
    assert_eq!(code(&o), 0);
    let out = stdout(&o);
    assert!(
        out.starts_with("closed: 2025-12-30 11:00 (Tuesday) Asia/Tokyo: year-end closure"),
        "{out}"
    );
    assert!(out.contains("reopens 2026-01-05 09:00 (Monday)"), "{out}");
    let o = run(&["calendar", "is-open", "2026-01-13 17:00"]);
    assert!(
        stdout(&o).contains("after closing time (17:00)"),
        "{}",
        stdout(&o)
    );
}

#[test]
fn is_open_without_a_moment_answers_for_now() {
    let o = run(&["calendar", "is-open", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert!(v["open"].is_boolean());
    assert_eq!(v["open"].as_bool(), Some(v["reason"].is_null()));
    assert!(
        v["at"].as_str().is_some_and(|s| s.ends_with("+09:00")),
        "{v}"
    );
}

#[test]
fn is_open_follows_the_configured_calendar() {
    let config = r#"
[calendar]
time_zone = "Europe/Paris"
opens = "08:00"
closes = "12:00"
closures = [{ from = "2026-03-09", name = "office move" }]
"#;
    let o = run_with(
        Some(config),
        &["calendar", "is-open", "2026-03-09 10:00", "--json"],
    );
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["time_zone"], "Europe/Paris");
    assert_eq!(v["reason"], "office move");
    assert_eq!(v["reopens_at"], "2026-03-10T08:00:00+01:00");
    let bad = "[calendar]\nopens = \"25:00\"\n";
    let o = run_with(Some(bad), &["calendar", "is-open", "2026-03-09 10:00"]);
    assert_usage_error(&o, &["config.toml:2:1", "\"25:00\" is not a time of day"]);
}

#[test]
fn due_as_json() {
    let o = run(&[
        "calendar",
        "due",
        "--law",
        "appi",
        "--kind",
        "disclosure",
        "--received",
        "2026-02-02 10:00",
        "--paused-from",
        "2026-02-03 16:00",
        "--paused-to",
        "2026-02-09 10:00",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["law"], "appi");
    assert_eq!(v["kind"], "disclosure");
    assert_eq!(v["received"], "2026-02-02T10:00:00+09:00");
    assert_eq!(v["due"], "2026-02-20");
    assert_eq!(v["practical_due"], "2026-02-20");
    assert_eq!(v["final_due"], "2026-02-20");
    assert_eq!(v["paused_days"], 3);
    assert_eq!(v["pause_ongoing"], false);
    let steps: Vec<&str> = v["steps"]
        .as_array()
        .unwrap()
        .iter()
        .filter_map(Value::as_str)
        .collect();
    assert!(
        steps.iter().any(|s| s.contains("建国記念の日")),
        "{steps:?}"
    );

    let o = run(&[
        "calendar",
        "due",
        "--law",
        "ccpa",
        "--kind",
        "know",
        "--received",
        "2026-01-09T18:00:00+09:00",
        "--extended",
        "--reason",
        "Large volume",
        "--notice-date",
        "2026-02-20",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(v["receipt_due"], "2026-01-27");
    assert_eq!(v["due"], "2026-02-23");
    assert_eq!(v["practical_due"], "2026-02-24");
    assert_eq!(v["extended_due"], "2026-04-09");
    assert_eq!(v["final_due"], "2026-04-09");
}

#[test]
fn due_as_text_lists_the_steps() {
    let o = run(&[
        "calendar",
        "due",
        "--law",
        "gdpr",
        "--kind",
        "access",
        "--received",
        "2026-01-31 10:00",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let out = stdout(&o);
    assert!(
        out.contains("due                    2026-02-28 (Saturday)"),
        "{out}"
    );
    assert!(
        out.contains("practical due          2026-03-02 (Monday)"),
        "{out}"
    );
    assert!(
        out.contains("How it was computed:\n  1. Received 2026-01-31 10:00"),
        "{out}"
    );
}

#[test]
fn open_pause_is_counted_up_to_now() {
    let o = run(&[
        "calendar",
        "due",
        "--law",
        "appi",
        "--kind",
        "disclosure",
        "--received",
        "2026-02-02 10:00",
        "--paused-from",
        "2026-02-03 16:00",
        "--now",
        "2026-02-06 12:00",
        "--json",
    ]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    let v = json(&o);
    assert_eq!(
        (v["paused_days"].as_u64(), v["pause_ongoing"].as_bool()),
        (Some(2), Some(true))
    );
    assert_eq!(v["due"], "2026-02-19");
}

#[test]
fn bad_input_exits_2_and_says_what_is_accepted() {
    let due = |extra: &[&str]| {
        let mut args = vec!["calendar", "due"];
        args.extend_from_slice(extra);
        run(&args)
    };
    assert_usage_error(
        &due(&[
            "--law",
            "eu",
            "--kind",
            "access",
            "--received",
            "2026-01-08 10:00",
        ]),
        &["unknown law \"eu\"", "appi, gdpr, ccpa"],
    );
    assert_usage_error(
        &due(&[
            "--law",
            "gdpr",
            "--kind",
            "acess",
            "--received",
            "2026-01-08 10:00",
        ]),
        &["unknown request kind \"acess\"", "access, rectification"],
    );
    assert_usage_error(
        &due(&[
            "--law",
            "appi",
            "--kind",
            "access",
            "--received",
            "2026-01-08 10:00",
        ]),
        &["\"access\" is a GDPR request, not APPI", "disclosure"],
    );
    assert_usage_error(
        &due(&[
            "--law",
            "appi",
            "--kind",
            "disclosure",
            "--received",
            "08/01/2026 10:00",
        ]),
        &[
            "--received",
            "\"08/01/2026 10:00\"",
            "RFC 3339",
            "YYYY-MM-DD HH:MM",
        ],
    );
    assert_usage_error(
        &due(&[
            "--law",
            "appi",
            "--kind",
            "disclosure",
            "--received",
            "2026-01-08 10:00",
            "--extended",
            "--reason",
            "busy",
            "--notice-date",
            "2026-01-09",
        ]),
        &["cannot be extended"],
    );
    assert_usage_error(
        &due(&[
            "--law",
            "gdpr",
            "--kind",
            "access",
            "--received",
            "2026-01-08 10:00",
            "--extended",
            "--reason",
            "busy",
            "--notice-date",
            "9 Jan",
        ]),
        &["--notice-date", "YYYY-MM-DD"],
    );
    assert_usage_error(
        &due(&[
            "--law",
            "gdpr",
            "--kind",
            "access",
            "--received",
            "2026-01-08 10:00",
            "--extended",
        ]),
        &["--reason", "--notice-date"],
    );
    assert_usage_error(
        &due(&[
            "--law",
            "appi",
            "--received",
            "2026-01-08 10:00",
            "--paused-to",
            "2026-01-09 10:00",
        ]),
        &["--paused-from", "--paused-to"],
    );
    assert_usage_error(
        &run(&["calendar", "is-open", "noon"]),
        &["\"noon\" is not a date and time", "RFC 3339"],
    );
    // Nothing was written anywhere: no store, no config needed.
    let dir = TempDir::new().unwrap();
    let mut c = Command::new(BIN);
    c.args(["calendar", "holidays", "2026"]);
    isolate(&mut c, dir.path());
    assert!(c.output().unwrap().status.success());
    assert!(!Path::new(&dir.path().join("share/privdesk")).exists());
}

#[test]
fn a_reader_that_stops_reading_ends_the_output_quietly() {
    // `privdesk calendar holidays 2026 | head -0`: the pipe is closed
    // before anything is written, so every line meets a broken pipe.
    let dir = TempDir::new().unwrap();
    let mut c = Command::new(BIN);
    c.args(["calendar", "holidays", "2026"])
        .stdout(std::process::Stdio::piped())
        .stderr(std::process::Stdio::piped());
    isolate(&mut c, dir.path());
    let mut child = c.spawn().expect("run privdesk");
    drop(child.stdout.take());
    let o = child.wait_with_output().unwrap();
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(!err.contains("panicked"), "{err}");
    assert_eq!(o.status.code(), Some(0), "{err}");
}
