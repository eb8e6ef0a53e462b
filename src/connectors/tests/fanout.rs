//! The fan-out search and the per-system limit on requests in flight.

use super::{query, serve, system, Count};
use crate::connectors::{fan_out, Connector};
use crate::domain::{QueryKind, SystemStatus};
use axum::http::StatusCode;
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

fn sys(path: &str, top: &str, kinds: &str) -> String {
    format!("{top}\n[search]\nkinds = {kinds}\npath = \"{path}\"\n[fields]\nid = \"id\"\n")
}

#[tokio::test]
async fn fast_answers_arrive_first_and_everyone_reports_once() {
    let app = Router::new()
        .route(
            "/fast",
            get(|| async { Json(json!([{"id": "f1"}, {"id": "f2"}])) }),
        )
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(10)).await;
                Json(json!([]))
            }),
        )
        .route(
            "/fail",
            get(|| async {
                tokio::time::sleep(Duration::from_millis(100)).await;
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    Json(json!({"message": "broken"})),
                )
            }),
        );
    let base = serve(app).await;
    let mk = |name: &str, path: &str, top: &str, kinds: &str| {
        Arc::new(Connector::new(name, &system(&base, &sys(path, top, kinds))).unwrap())
    };
    let connectors = vec![
        mk("hang", "/hang", "timeout_secs = 0.4", "[\"name\"]"),
        mk("fail", "/fail", "retries = 0", "[\"name\"]"),
        mk("phones", "/fast", "", "[\"phone\"]"),
        mk("fast", "/fast", "", "[\"text\"]"),
    ];
    let t = Instant::now();
    let mut rx = fan_out(
        &connectors,
        &query(QueryKind::Name, "Yamada"),
        Duration::from_secs(5),
    );
    let mut events = Vec::new();
    while let Some(ev) = rx.recv().await {
        events.push((ev, t.elapsed()));
    }
    let total = t.elapsed();
    let order: Vec<&str> = events.iter().map(|(e, _)| e.system.as_str()).collect();
    assert_eq!(order, vec!["phones", "fast", "fail", "hang"]);
    let (phones, _) = &events[0];
    assert_eq!(
        phones.status,
        SystemStatus::NotAsked {
            reason: "cannot search by name (searches by: phone)".into()
        }
    );
    let (fast, fast_at) = &events[1];
    assert!(
        matches!(fast.status, SystemStatus::Ok { count: 2, .. }),
        "{:?}",
        fast.status
    );
    assert_eq!(fast.records.len(), 2);
    assert!(
        *fast_at < Duration::from_millis(100),
        "fast answer took {fast_at:?}"
    );
    assert_eq!(
        events[2].0.status,
        SystemStatus::HttpError {
            code: 500,
            error: "broken".into()
        }
    );
    assert_eq!(events[3].0.status, SystemStatus::Timeout { after_ms: 400 });
    assert!(
        total < Duration::from_millis(800),
        "the channel closed after {total:?}"
    );
}

#[tokio::test]
async fn the_overall_bound_caps_each_system() {
    let app = Router::new().route(
        "/hang",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(10)).await;
            Json(json!([]))
        }),
    );
    let base = serve(app).await;
    let c = Arc::new(
        Connector::new(
            "slow",
            &system(&base, &sys("/hang", "timeout_secs = 5", "[\"name\"]")),
        )
        .unwrap(),
    );
    let t = Instant::now();
    let mut rx = fan_out(
        &[c],
        &query(QueryKind::Name, "x"),
        Duration::from_millis(300),
    );
    let ev = rx.recv().await.unwrap();
    assert_eq!(ev.status, SystemStatus::Timeout { after_ms: 300 });
    assert!(rx.recv().await.is_none());
    assert!(
        t.elapsed() < Duration::from_millis(700),
        "{:?}",
        t.elapsed()
    );
}

#[tokio::test]
async fn concurrency_limits_requests_in_flight() {
    let in_flight = Arc::new(AtomicUsize::new(0));
    let peak = Arc::new(AtomicUsize::new(0));
    let count = Count::default();
    let (f, p, c2) = (in_flight.clone(), peak.clone(), count.clone());
    let app = Router::new().route(
        "/s",
        get(move || {
            let (f, p) = (f.clone(), p.clone());
            c2.bump();
            async move {
                let now = f.fetch_add(1, Ordering::SeqCst) + 1;
                p.fetch_max(now, Ordering::SeqCst);
                tokio::time::sleep(Duration::from_millis(80)).await;
                f.fetch_sub(1, Ordering::SeqCst);
                Json(json!([{"id": 1}]))
            }
        }),
    );
    let base = serve(app).await;
    let c = Arc::new(
        Connector::new(
            "lim",
            &system(&base, &sys("/s", "concurrency = 2", "[\"name\"]")),
        )
        .unwrap(),
    );
    let q = query(QueryKind::Name, "x");
    let searches = (0..6).map(|_| {
        let (c, q) = (c.clone(), q.clone());
        async move { c.search(&q).await }
    });
    let results = futures::future::join_all(searches).await;
    assert!(results
        .iter()
        .all(|r| r.as_ref().is_ok_and(|o| o.records.len() == 1)));
    assert_eq!(count.get(), 6);
    assert_eq!(
        peak.load(Ordering::SeqCst),
        2,
        "at most two at once, and two did overlap"
    );
}
