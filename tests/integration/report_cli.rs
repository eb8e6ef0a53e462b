//! `privdesk report` and `privdesk retention run` with the real binary on a
//! temp store: numbers from cases opened through the CLI, roles, bad input,
//! the dry run that changes nothing, the purge that keeps the numbers and
//! the audit chain.

use crate::common;

use chrono::{Days, NaiveDate};
use common::{assert_exit, json, show, stderr, stdout, Env};
use rusqlite::Connection;
use std::process::Output;

fn ok(o: &Output) {
    assert!(o.status.success(), "{}", show(o));
}

fn today() -> NaiveDate {
    chrono::Utc::now()
        .with_timezone(&chrono_tz::Asia::Tokyo)
        .date_naive()
}

/// Opens a case received `days_ago` days ago at 10:00 and returns its number.
fn open(env: &Env, category: &str, kind: Option<&str>, days_ago: u64) -> String {
    let received = format!(
        "{} 10:00",
        today().checked_sub_days(Days::new(days_ago)).unwrap()
    );
    let mut args = vec![
        "case",
        "new",
        "--category",
        category,
        "--channel",
        "email",
        "--received",
        &received,
        "--requester-name",
        "Hanako Suzuki",
        "--requester-email",
        "hanako@example.jp",
        "--description",
        "a personal story",
        "--json",
    ];
    if let Some(k) = kind {
        args.extend(["--kind", k]);
    }
    let o = env.run(&args);
    ok(&o);
    json(&o)["id"].as_str().unwrap().to_string()
}

fn case(env: &Env, args: &[&str]) {
    let mut all = vec!["case"];
    all.extend_from_slice(args);
    ok(&env.run(&all));
}

fn offline_with(edit: impl FnOnce(&mut toml_edit::DocumentMut)) -> Env {
    let rt = tokio::runtime::Builder::new_current_thread()
        .enable_all()
        .build()
        .unwrap();
    Env::against(rt, &[], edit)
}

/// A GDPR access answered after 10 days, a CCPA delete refused after 5, an
/// open complaint, and a withdrawn inquiry (closed).
fn fixture(env: &Env) -> [String; 4] {
    let access = open(env, "rights_request", Some("access"), 10);
    case(env, &["status", &access, "in_progress"]);
    case(
        env,
        &[
            "note",
            &access,
            "--text",
            "Dear Hanako, here it is",
            "--response",
        ],
    );
    case(env, &["status", &access, "responded"]);
    let delete = open(env, "rights_request", Some("delete"), 5);
    case(env, &["status", &delete, "in_progress"]);
    case(
        env,
        &[
            "status",
            &delete,
            "refused",
            "--ground",
            "identity_not_verified",
        ],
    );
    let complaint = open(env, "complaint", None, 2);
    let inquiry = open(env, "inquiry", None, 1);
    case(env, &["status", &inquiry, "withdrawn"]);
    case(env, &["status", &inquiry, "closed"]);
    [access, delete, complaint, inquiry]
}

#[test]
fn the_report_counts_cases_opened_through_the_cli() {
    let env = Env::offline();
    fixture(&env);
    let o = env.run(&["report", "--json"]);
    ok(&o);
    let r = json(&o);
    assert_eq!(r["received"], 4);
    assert_eq!(r["answered"], 2);
    assert_eq!(r["pending"], 1);
    assert_eq!(r["closed"], 1);
    let count = |list: &str, key: &str| {
        r[list]
            .as_array()
            .unwrap()
            .iter()
            .find(|c| c["key"] == key)
            .map_or(0, |c| c["count"].as_u64().unwrap())
    };
    assert_eq!(count("by_kind", "access"), 1);
    assert_eq!(count("by_kind", "delete"), 1);
    assert_eq!(count("by_category", "complaint"), 1);
    assert_eq!(count("by_status", "refused"), 1);
    assert_eq!(count("by_status", "closed"), 1);
    assert_eq!(count("refusals_by_ground", "identity_not_verified"), 1);
    let times = r["response_times"].as_array().unwrap();
    let access = times.iter().find(|t| t["key"] == "access").unwrap();
    assert_eq!(access["median_days"], 10.0);
    assert_eq!(access["p90_days"], 10);
    let delete = r["ccpa"]
        .as_array()
        .unwrap()
        .iter()
        .find(|c| c["kind"] == "delete")
        .unwrap();
    assert_eq!(
        (delete["received"].as_u64(), delete["denied"].as_u64()),
        (Some(1), Some(1))
    );
    assert_eq!(delete["median_days"], 5.0);
    let weeks = r["weekly"].as_array().unwrap();
    let sum: u64 = weeks.iter().map(|w| w["received"].as_u64().unwrap()).sum();
    assert_eq!(sum, 4);

    let o = env.run(&["report"]);
    ok(&o);
    let text = stdout(&o);
    assert!(text.starts_with("Report "), "{text}");
    assert!(text.contains("4 received, 2 answered, 1 pending"), "{text}");
    assert!(text.contains("CCPA requests (11 CCR 7102)"), "{text}");
    assert!(!text.contains("Hanako"), "{text}");

    // A period that leaves everything out.
    let o = env.run(&[
        "report",
        "--from",
        "2020-01-01",
        "--to",
        "2020-12-31",
        "--json",
    ]);
    ok(&o);
    assert_eq!(json(&o)["received"], 0);
}

#[test]
fn agents_and_bad_periods_are_refused() {
    let env = Env::offline();
    let o = env.run(&["--as", "demo-agent", "report"]);
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("only supervisors and auditors read reports"),
        "{}",
        show(&o)
    );
    assert_eq!(env.audit("denied").len(), 1);
    let o = env.run(&["--as", "demo-auditor", "report", "--json"]);
    ok(&o);
    let o = env.run(&["report", "--from", "2026-02-01", "--to", "2026-01-01"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("starts (2026-02-01) after it ends (2026-01-01)"),
        "{}",
        show(&o)
    );
    let o = env.run(&["report", "--from", "yesterday"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--from"), "{}", show(&o));
}

#[test]
fn a_bad_retention_period_is_located_in_the_config_file() {
    let env = offline_with(|doc| {
        doc["retention"]["closed_case_days"] = toml_edit::value(0);
        doc["retention"]["laws"]["gdrp"] = toml_edit::value(10);
    });
    let o = env.run(&["retention", "run", "--dry-run"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(err.contains("config.toml:"), "{err}");
    assert!(
        err.contains("0 is not a retention period: give a number of days from 1 to 36500"),
        "{err}"
    );
    assert!(
        err.contains("\"gdrp\" is not a law; laws: appi, gdpr, ccpa"),
        "{err}"
    );
}

#[test]
fn the_dry_run_changes_nothing_and_the_run_purges_old_closed_cases() {
    let env = offline_with(|doc| {
        doc["retention"]["closed_case_days"] = toml_edit::value(30);
    });
    let [access, delete, _complaint, inquiry] = fixture(&env);
    case(&env, &["status", &delete, "closed"]);
    case(
        &env,
        &["status", &access, "closed", "--outcome", "fulfilled"],
    );
    // The refused delete request was closed two years ago; the others today.
    let long_ago = (chrono::Utc::now() - chrono::Duration::days(730))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    Connection::open(env.store_path())
        .unwrap()
        .execute(
            "UPDATE cases SET closed_at = ?2 WHERE id = ?1",
            [delete.as_str(), long_ago.as_str()],
        )
        .unwrap();
    let report = json(&env.run(&["report", "--json"]));

    // Whatever an earlier command left in the write-ahead log goes into the
    // file first, and whatever the dry run writes is brought in after it.
    let settled = || {
        Connection::open(env.store_path())
            .unwrap()
            .query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
            .unwrap();
        std::fs::read(env.store_path()).unwrap()
    };
    let before = settled();
    let o = env.run(&["retention", "run", "--dry-run", "--json"]);
    ok(&o);
    let dry = json(&o);
    assert_eq!(dry["dry_run"], true);
    let ids: Vec<&str> = dry["cases"]
        .as_array()
        .unwrap()
        .iter()
        .map(|c| c["case_id"].as_str().unwrap())
        .collect();
    assert_eq!(ids, [delete.as_str()]);
    assert_eq!(dry["totals"]["cases"], 1);
    assert!(dry["totals"]["case_events"].as_u64().unwrap() >= 4);
    assert_eq!(settled(), before, "dry run changed the store");
    let o = env.run(&["retention", "run", "--dry-run"]);
    ok(&o);
    assert!(
        stdout(&o).contains(&format!("would purge 1 case(s)\n  {delete}  closed ")),
        "{}",
        show(&o)
    );

    let o = env.run(&["--as", "demo-agent", "retention", "run"]);
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("only supervisors run retention"),
        "{}",
        show(&o)
    );

    let o = env.run(&["retention", "run"]);
    ok(&o);
    assert!(
        stdout(&o).starts_with("retention: purged 1 case(s)"),
        "{}",
        show(&o)
    );
    let purges = env.audit("retention_purge");
    assert_eq!(purges.len(), 1);
    assert_eq!(purges[0].subject, delete);
    assert_eq!(purges[0].details["counts"]["cases"], 1);

    let shown = json(&env.run(&[
        "case",
        "show",
        &delete,
        "--json",
        "--reveal",
        "--purpose",
        "retention check",
    ]));
    let text = shown.to_string();
    assert!(
        !text.contains("Hanako") && !text.contains("hanako@") && !text.contains("personal story"),
        "{text}"
    );
    let kept = json(&env.run(&["case", "show", &inquiry, "--json"]));
    assert_eq!(kept["case"]["description"], "a personal story");

    // Same numbers (the report's own audit entries aside), intact chain.
    let mut again = json(&env.run(&["report", "--json"]));
    again["period"] = report["period"].clone();
    assert_eq!(again, report);
    let o = env.run(&["audit", "verify"]);
    assert_exit(&o, 0);
    let o = env.run(&["retention", "run", "--json"]);
    ok(&o);
    assert_eq!(json(&o)["cases"].as_array().unwrap().len(), 0);
    assert_eq!(env.audit("retention_purge").len(), 1);
}
