//! A search where one system misbehaves: the message names that system and
//! what happened, the exit code is 3, and the other systems' results are
//! printed as usual.

use crate::common;

use axum::http::{header, StatusCode};
use axum::response::IntoResponse;
use axum::routing::get;
use axum::Router;
use common::fake::{add_system, closed_port_url, Fake};
use common::*;
use serde_json::{json, Value};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

/// Run `search taro.yamada@example.jp --json` with one extra system `name`
/// at `url`; expect exit 3 and return the JSON and stderr.
fn search_with_faulty(env: &Env, name: &str) -> (Value, String) {
    let o = env.run(&["search", "taro.yamada@example.jp", "--json"]);
    assert_exit(&o, 3);
    let v = json(&o);
    let err = stderr(&o);
    assert!(
        err.lines()
            .any(|l| l.starts_with(&format!("privdesk: {name}: "))),
        "no message naming {name}:\n{err}"
    );
    (v, err)
}

/// The five sample systems answered and Taro is linked across them all.
fn others_unaffected(env: &Env, v: &Value, faulty: &str) {
    for s in SAMPLE_SYSTEMS {
        assert_eq!(system(v, s)["status"], "ok", "{s}: {}", system(v, s));
    }
    let taro = person_with(v, "crm", "C-1001");
    assert_eq!(record_keys(taro), TARO);
    let e = env.audit("search");
    assert_eq!(e.len(), 1);
    assert_eq!(strings(&e[0].details["systems_failed"]), [faulty]);
}

fn env_with(name: &str, url: &str, timeout_secs: f64) -> Env {
    Env::start_with(|doc| add_system(doc, name, url, timeout_secs))
}

#[test]
fn a_closed_port_is_unreachable() {
    let url = closed_port_url();
    let env = env_with("orders", &url, 5.0);
    let (v, err) = search_with_faulty(&env, "orders");
    let st = system(&v, "orders");
    assert_eq!(st["status"], "unreachable", "{st}");
    assert_eq!(st["error"], "unreachable: connection refused");
    assert!(
        err.contains("privdesk: orders: unreachable: connection refused"),
        "{err}"
    );
    assert!(!err.contains(&url), "the URL may carry a key: {err}");
    others_unaffected(&env, &v, "orders");
}

#[test]
fn a_system_that_never_answers_times_out_on_its_own_budget() {
    let hang = Fake::hang();
    let env = env_with("archive", &hang.url, 0.5);
    let started = Instant::now();
    let (v, err) = search_with_faulty(&env, "archive");
    let took = started.elapsed();
    let st = system(&v, "archive");
    assert_eq!(st["status"], "timeout", "{st}");
    assert_eq!(st["error"], "timed out after 500 ms");
    assert!(
        err.contains("privdesk: archive: timed out after 500 ms"),
        "{err}"
    );
    others_unaffected(&env, &v, "archive");
    // Two rounds of 0.5 s at most: nowhere near the default 5 s per system.
    assert!(
        took < Duration::from_millis(4000),
        "the search waited {took:?}"
    );
    assert!(
        v["elapsed_ms"].as_u64().unwrap() < 4000,
        "{}",
        v["elapsed_ms"]
    );
}

#[test]
fn the_search_timeout_bounds_a_hung_system() {
    let hang = Fake::hang();
    let env = env_with("archive", &hang.url, 5.0);
    let started = Instant::now();
    let o = env.run(&["search", "yamada", "--json", "--timeout", "0.5"]);
    let took = started.elapsed();
    assert_exit(&o, 3);
    let v = json(&o);
    assert_eq!(system(&v, "archive")["status"], "timeout");
    assert!(
        stderr(&o).contains("privdesk: archive: timed out after 500 ms"),
        "{}",
        show(&o)
    );
    // The answers that came in time are there.
    assert_eq!(system(&v, "crm")["status"], "ok");
    assert!(!persons_with(&v, "crm", "C-1001").is_empty());
    assert!(
        took < Duration::from_millis(4000),
        "the search waited {took:?}"
    );
}

#[test]
fn http_500_names_the_status_and_the_error_text() {
    let app = Router::new().route(
        "/search",
        get(|| async {
            (
                StatusCode::INTERNAL_SERVER_ERROR,
                axum::Json(json!({"error": "database connection lost"})),
            )
        }),
    );
    let fake = Fake::serve(app);
    let env = env_with("orders", &fake.url, 5.0);
    let (v, err) = search_with_faulty(&env, "orders");
    let st = system(&v, "orders");
    assert_eq!(st["status"], "http_error");
    assert_eq!(st["http_status"], 500);
    assert_eq!(st["error"], "HTTP 500: database connection lost");
    assert!(
        err.contains("privdesk: orders: HTTP 500: database connection lost"),
        "{err}"
    );
    others_unaffected(&env, &v, "orders");
}

#[test]
fn rate_limited_with_a_long_retry_after_gives_up_and_says_why() {
    let app = Router::new().route(
        "/search",
        get(|| async {
            (
                StatusCode::TOO_MANY_REQUESTS,
                [(header::RETRY_AFTER, "120")],
                "slow down",
            )
        }),
    );
    let fake = Fake::serve(app);
    let env = env_with("orders", &fake.url, 5.0);
    let (v, err) = search_with_faulty(&env, "orders");
    let st = system(&v, "orders");
    assert_eq!(st["status"], "http_error");
    assert_eq!(st["http_status"], 429);
    assert_eq!(
        st["error"],
        "HTTP 429: rate limited: Retry-After 120 s exceeds the time left"
    );
    assert!(
        err.contains("privdesk: orders: HTTP 429: rate limited"),
        "{err}"
    );
    others_unaffected(&env, &v, "orders");
}

#[test]
fn rate_limited_with_a_short_retry_after_is_retried() {
    let calls = Arc::new(AtomicUsize::new(0));
    let seen = calls.clone();
    let app = Router::new().route(
        "/search",
        get(move || {
            let n = seen.fetch_add(1, Ordering::SeqCst);
            async move {
                if n == 0 {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "0")],
                        "slow down",
                    )
                        .into_response()
                } else {
                    axum::Json(json!({"items": [
                        {"id": "O-1", "name": "Taro Yamada", "email": "taro.yamada@example.jp"}
                    ]}))
                    .into_response()
                }
            }
        }),
    );
    let fake = Fake::serve(app);
    let env = env_with("orders", &fake.url, 5.0);
    let o = env.run(&["search", "taro.yamada@example.jp", "--json"]);
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(system(&v, "orders")["status"], "ok");
    assert!(calls.load(Ordering::SeqCst) >= 2);
    // The extra system's record joins Taro by his email.
    let taro = person_with(&v, "orders", "O-1");
    assert!(record_keys(taro).contains(&"crm:C-1001".to_string()));
}

/// A system answering every search with `body` as JSON content.
fn answering(body: &'static str) -> Fake {
    Fake::serve(Router::new().route(
        "/search",
        get(move || async move { ([(header::CONTENT_TYPE, "application/json")], body) }),
    ))
}

#[test]
fn invalid_json_is_a_bad_response_with_its_position() {
    let fake = answering("{\"items\": [ {\"id\": \"O-1\",, } ]");
    let env = env_with("orders", &fake.url, 5.0);
    let (v, err) = search_with_faulty(&env, "orders");
    let st = system(&v, "orders");
    assert_eq!(st["status"], "bad_response");
    let msg = str_of(&st["error"]);
    assert!(
        msg.starts_with("bad response: invalid JSON at line 1 column "),
        "{msg}"
    );
    assert!(err.contains(&format!("privdesk: orders: {msg}")), "{err}");
    others_unaffected(&env, &v, "orders");
}

#[test]
fn valid_json_of_the_wrong_shape_names_what_was_expected() {
    let fake = answering(r#"{"results": [{"id": "O-1"}], "total": 1}"#);
    let env = env_with("orders", &fake.url, 5.0);
    let (v, _) = search_with_faulty(&env, "orders");
    let st = system(&v, "orders");
    assert_eq!(st["status"], "bad_response");
    let msg = str_of(&st["error"]);
    assert!(
        msg.contains("items"),
        "the message does not name the path: {msg}"
    );
    others_unaffected(&env, &v, "orders");

    let fake = answering(r#"{"items": {"id": "O-1"}}"#);
    let env = env_with("orders", &fake.url, 5.0);
    let (v, _) = search_with_faulty(&env, "orders");
    let msg = str_of(&system(&v, "orders")["error"]);
    assert!(
        msg.contains("items") && msg.contains("an object") && msg.contains("array"),
        "{msg}"
    );
    others_unaffected(&env, &v, "orders");
}

#[test]
fn a_field_of_the_wrong_type_names_the_item_and_field() {
    let fake = answering(
        r#"{"items": [{"id": "O-1", "name": "Taro Yamada", "email": "taro.yamada@example.jp"},
                      {"id": "O-2", "name": {"family": "Yamada"}, "email": "x@example.jp"}]}"#,
    );
    let env = env_with("orders", &fake.url, 5.0);
    let (v, err) = search_with_faulty(&env, "orders");
    let st = system(&v, "orders");
    assert_eq!(st["status"], "bad_response");
    // Item positions count from 0, as docs/connectors.md says.
    assert_eq!(
        st["error"],
        "bad response: item 2: field name (`name`) is an object, expected text"
    );
    assert!(
        err.contains("privdesk: orders: bad response: item 2"),
        "{err}"
    );
    others_unaffected(&env, &v, "orders");
}

#[test]
fn text_output_shows_the_failure_next_to_the_answers() {
    let url = closed_port_url();
    let env = Env::start_with(|doc| {
        add_system(doc, "orders", &url, 5.0);
        doc["systems"]["orders"]["retries"] = toml_edit::value(0);
    });
    let o = env.run(&["search", "yamada"]);
    assert_exit(&o, 3);
    let out = stdout(&o);
    assert!(
        out.lines().any(|l| l.trim_start().starts_with("orders")
            && l.ends_with("unreachable: connection refused")),
        "{out}"
    );
    assert!(out.contains("crm C-1001  山田 太郎"), "{out}");
}

#[test]
fn a_hung_system_does_not_stop_the_second_round_by_email_and_phone() {
    let hang = Fake::hang();
    // Its own timeout outlasts the whole search: the first round cannot end early.
    let env = env_with("archive", &hang.url, 5.0);
    let o = env.run(&["search", "yamada", "--json", "--timeout", "1.5"]);
    assert_exit(&o, 3);
    let v = json(&o);
    assert_eq!(system(&v, "archive")["status"], "timeout", "{}", show(&o));
    // mailing searches by email only: its record can only come from the second round.
    let taro = person_with(&v, "crm", "C-1001");
    let keys = record_keys(taro);
    assert!(keys.contains(&"mailing:S-5".to_string()), "{keys:?}");
    assert!(keys.contains(&"loyalty:L-00042".to_string()), "{keys:?}");
}

#[test]
fn a_search_cut_short_by_leaving_is_still_audited() {
    let hang = Fake::hang();
    let env = env_with("archive", &hang.url, 30.0);
    let cfg = privdesk::config::load_file(&env.config).expect("config loads");
    let desk =
        privdesk::desk::Desk::open(cfg, &privdesk::config::current_username()).expect("desk opens");
    env.rt.block_on(async {
        let mut run = desk
            .start_search("yamada", privdesk::desk::SearchOptions::default())
            .expect("search starts");
        // Wait until the sample systems answered; archive hangs on.
        loop {
            let s = run.updates.recv().await.expect("a snapshot");
            if s.systems.iter().filter(|x| x.status.code() == "ok").count() >= 4 {
                break;
            }
        }
        drop(run);
        // Leaving: no time left to wait for the hung system.
        desk.settle(Duration::from_millis(100)).await;
    });
    let e = env.audit("search");
    assert_eq!(e.len(), 1, "{e:?}");
    assert_eq!(e[0].details["interrupted"], json!(true));
    assert_eq!(e[0].details["query"], "yamada");
    assert!(
        e[0].details["records"].as_u64().unwrap() > 0,
        "{:?}",
        e[0].details
    );
    assert!(strings(&e[0].details["systems_asked"]).contains(&"archive".to_string()));
}

/// One answer of 240,000 small records, just under the 8 MiB body cap.
fn bulk_answer() -> String {
    let mut body = String::from("{\"items\":[");
    for i in 0..240_000 {
        if i > 0 {
            body.push(',');
        }
        body.push_str(&format!("{{\"id\":\"R{i:06}\",\"name\":\"Ito\"}}"));
    }
    body.push_str("]}");
    assert!(body.len() < privdesk::connectors::MAX_BODY_BYTES);
    body
}

#[test]
fn a_huge_answer_is_cut_at_max_records_in_bounded_memory() {
    let body = Arc::new(bulk_answer());
    let served = body.clone();
    let asked = Arc::new(AtomicUsize::new(0));
    let counter = asked.clone();
    let fake = Fake::serve(Router::new().route(
        "/search",
        get(move || {
            let b = served.clone();
            counter.fetch_add(1, Ordering::SeqCst);
            async move { ([(header::CONTENT_TYPE, "application/json")], (*b).clone()) }
        }),
    ));
    let env = env_with("bulk", &fake.url, 10.0);
    let (o, peak_kib) = run_measured(env.command(&["search", "ito", "--json"]));
    assert_exit(&o, 0);
    let v = json(&o);
    let st = system(&v, "bulk");
    assert_eq!(
        (st["count"].as_u64(), st["truncated"].as_bool()),
        (Some(500), Some(true)),
        "{st}"
    );
    let kept: usize = v["persons"]
        .as_array()
        .unwrap()
        .iter()
        .flat_map(|p| p["records"].as_array().unwrap())
        .filter(|r| r["system"] == "bulk")
        .count();
    assert_eq!(kept, 500);
    // The system gave its 500 in the first round: the expansion by the
    // emails and phones found does not ask it again for more to throw away.
    assert_eq!(asked.load(Ordering::SeqCst), 1);
    eprintln!(
        "240,000 records ({:.1} MiB) from one system: peak RSS {:.1} MiB",
        body.len() as f64 / 1048576.0,
        peak_kib as f64 / 1024.0
    );
    assert!(
        peak_kib < 64 * 1024,
        "peak RSS {peak_kib} KiB for one search"
    );
    let e = env.audit("search");
    assert_eq!(e.len(), 1);

    let (o, _) = run_measured(env.command(&["search", "ito"]));
    assert_exit(&o, 0);
    let out = stdout(&o);
    let line = out
        .lines()
        .find(|l| l.trim_start().starts_with("bulk"))
        .unwrap_or_default();
    assert!(
        line.contains("500") && line.ends_with("(more records than shown: narrow the search)"),
        "{out}"
    );
}
