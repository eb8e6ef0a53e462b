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
    // The gaps are wide (fail answers after 1 s, hang is cut off at 2 s and
    // would answer after 30 s) so that two busy cores cannot reorder them.
    let app = Router::new()
        .route(
            "/fast",
            get(|| async { Json(json!([{"id": "f1"}, {"id": "f2"}])) }),
        )
        .route(
            "/hang",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(30)).await;
                Json(json!([]))
            }),
        )
        .route(
            "/fail",
            get(|| async {
                tokio::time::sleep(Duration::from_secs(1)).await;
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
        mk("hang", "/hang", "timeout_secs = 2", "[\"name\"]"),
        mk("fail", "/fail", "retries = 0", "[\"name\"]"),
        mk("phones", "/fast", "", "[\"phone\"]"),
        mk("fast", "/fast", "", "[\"text\"]"),
    ];
    let t = Instant::now();
    let mut rx = fan_out(
        &connectors,
        &query(QueryKind::Name, "Yamada"),
        Duration::from_secs(10),
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
    let (fast, _) = &events[1];
    assert!(
        matches!(fast.status, SystemStatus::Ok { count: 2, .. }),
        "{:?}",
        fast.status
    );
    assert_eq!(fast.records.len(), 2);
    // The failing system really took its second, so the fast answer ahead
    // of it did not wait for it.
    let (fail, fail_at) = &events[2];
    assert_eq!(
        fail.status,
        SystemStatus::HttpError {
            code: 500,
            error: "broken".into()
        }
    );
    assert!(
        *fail_at >= Duration::from_secs(1),
        "fail came at {fail_at:?}"
    );
    let (hang, hang_at) = &events[3];
    assert_eq!(hang.status, SystemStatus::Timeout { after_ms: 2000 });
    assert!(
        *hang_at >= Duration::from_secs(2),
        "hang came at {hang_at:?}"
    );
    // Cut off by its timeout: nowhere near the 30 s its answer would take.
    assert!(
        total < Duration::from_secs(10),
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
    // The wait happened, and ended well before the system's own 5 s.
    let elapsed = t.elapsed();
    assert!(
        elapsed >= Duration::from_millis(290) && elapsed < Duration::from_secs(4),
        "{elapsed:?}"
    );
}

/// A system whose answers take 80 ms, counting requests in flight.
async fn slow_counter() -> (String, Arc<AtomicUsize>, Count) {
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
    (serve(app).await, peak, count)
}

#[tokio::test]
async fn concurrency_limits_one_sessions_requests_in_flight() {
    let (base, peak, count) = slow_counter().await;
    let c = Arc::new(
        Connector::new(
            "lim",
            &system(&base, &sys("/s", "concurrency = 2", "[\"name\"]")),
        )
        .unwrap(),
    );
    let q = query(QueryKind::Name, "x");
    let session = crate::connectors::limits::SessionSlots::new();
    let searches = (0..6).map(|_| {
        let (c, q) = (c.clone(), q.clone());
        crate::connectors::limits::within(Some(session.clone()), async move { c.search(&q).await })
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

#[tokio::test]
async fn max_in_flight_caps_all_sessions_together_and_each_keeps_its_share() {
    let (base, peak, count) = slow_counter().await;
    let c = Arc::new(
        Connector::new(
            "lim",
            &system(
                &base,
                &sys("/s", "concurrency = 2\nmax_in_flight = 3", "[\"name\"]"),
            ),
        )
        .unwrap(),
    );
    let q = query(QueryKind::Name, "x");
    // Three sessions of two searches each: six could go at once by the
    // sessions' shares, three may by the cap.
    let sessions: Vec<_> = (0..3)
        .map(|_| crate::connectors::limits::SessionSlots::new())
        .collect();
    let searches = (0..6).map(|i| {
        let (c, q) = (c.clone(), q.clone());
        crate::connectors::limits::within(Some(sessions[i % 3].clone()), async move {
            c.search(&q).await
        })
    });
    let results = futures::future::join_all(searches).await;
    assert!(results.iter().all(|r| r.is_ok()));
    assert_eq!(count.get(), 6);
    assert_eq!(peak.load(Ordering::SeqCst), 3, "the server-wide cap holds");
}

#[tokio::test]
async fn a_rate_limit_holds_every_sessions_requests_until_the_time_it_named() {
    let first = Arc::new(std::sync::Mutex::new(None::<tokio::time::Instant>));
    let arrivals = Arc::new(std::sync::Mutex::new(Vec::<tokio::time::Instant>::new()));
    let (f, a) = (first.clone(), arrivals.clone());
    let app = Router::new().route(
        "/s",
        get(move || {
            let (f, a) = (f.clone(), a.clone());
            async move {
                let now = tokio::time::Instant::now();
                a.lock().unwrap().push(now);
                let mut first = f.lock().unwrap();
                if first.is_none() {
                    *first = Some(now);
                    return (
                        axum::http::StatusCode::TOO_MANY_REQUESTS,
                        [("retry-after", "1")],
                        Json(json!({"error": "slow down"})),
                    )
                        .into_response();
                }
                Json(json!([{"id": 1}])).into_response()
            }
        }),
    );
    use axum::response::IntoResponse;
    let base = serve(app).await;
    let c = Arc::new(
        Connector::new(
            "rl",
            &system(
                &base,
                &sys("/s", "timeout_secs = 5\nretries = 2", "[\"name\"]"),
            ),
        )
        .unwrap(),
    );
    let q = query(QueryKind::Name, "x");
    let (ca, qa) = (c.clone(), q.clone());
    let a = tokio::spawn(crate::connectors::limits::within(
        Some(crate::connectors::limits::SessionSlots::new()),
        async move { ca.search(&qa).await },
    ));
    tokio::time::sleep(Duration::from_millis(150)).await;
    let b = crate::connectors::limits::within(
        Some(crate::connectors::limits::SessionSlots::new()),
        c.search(&q),
    )
    .await;
    assert!(b.is_ok(), "{b:?}");
    assert!(a.await.unwrap().is_ok());
    let t0 = first.lock().unwrap().expect("a first request");
    let later: Vec<_> = arrivals
        .lock()
        .unwrap()
        .iter()
        .skip(1)
        .map(|t| *t - t0)
        .collect();
    assert_eq!(later.len(), 2, "{later:?}");
    assert!(
        later.iter().all(|d| *d >= Duration::from_millis(950)),
        "nobody asked again before the second the system named: {later:?}"
    );
}
