//! Timeouts, unreachable systems, HTTP errors, retries and bad responses.

use super::{query, serve, system, Count};
use crate::connectors::{Connector, ConnectorError, MAX_BODY_BYTES};
use crate::domain::QueryKind;
use axum::body::Body;
use axum::http::{header, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::Router;
use std::time::{Duration, Instant};

/// A system at `base` asking `GET /s` (or `POST` when `method` says so).
fn connector(base: &str, extra_top: &str, method: &str) -> Connector {
    let def = system(
        base,
        &format!(
            "{extra_top}\n[search]\nkinds = [\"name\"]\nmethod = \"{method}\"\npath = \"/s\"\nresults = \"data\"\n[fields]\nid = \"id\"\nemail = \"contact.email\"\n"
        ),
    );
    Connector::new("sys", &def).unwrap()
}

/// A server answering `GET /s` and `POST /s` with `status` and `body`.
async fn answering(status: StatusCode, body: &'static [u8]) -> String {
    let reply = move || async move { (status, [(header::CONTENT_TYPE, "application/json")], body) };
    serve(Router::new().route("/s", get(reply).post(reply))).await
}

async fn search_err(c: &Connector) -> ConnectorError {
    c.search(&query(QueryKind::Name, "x")).await.unwrap_err()
}

#[tokio::test]
async fn a_slow_system_times_out_on_time() {
    let app = Router::new().route(
        "/s",
        get(|| async {
            tokio::time::sleep(Duration::from_secs(30)).await;
            "{}"
        }),
    );
    let base = serve(app).await;
    let c = connector(&base, "timeout_secs = 0.3", "GET");
    let t = Instant::now();
    let err = search_err(&c).await;
    let elapsed = t.elapsed();
    assert_eq!(err, ConnectorError::Timeout { after_ms: 300 });
    // The whole timeout was waited, and the answer due after 30 s was not.
    assert!(
        elapsed >= Duration::from_millis(290) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_closed_port_is_unreachable() {
    let port = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let c = connector(
        &format!("http://127.0.0.1:{port}"),
        "retries = 2\nbackoff_ms = 10\ntimeout_secs = 30",
        "GET",
    );
    let t = Instant::now();
    assert_eq!(
        search_err(&c).await,
        ConnectorError::Unreachable("connection refused".into())
    );
    // Given up after the short backoffs, not after waiting out the timeout.
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
}

#[tokio::test]
async fn http_500_with_a_json_error_is_reported_not_retried() {
    let count = Count::default();
    let c2 = count.clone();
    let app = Router::new().route(
        "/s",
        get(move || {
            c2.bump();
            async {
                (
                    StatusCode::INTERNAL_SERVER_ERROR,
                    r#"{"error": "database\nunavailable", "code": 17}"#,
                )
            }
        }),
    );
    let base = serve(app).await;
    let c = connector(&base, "backoff_ms = 10", "GET");
    assert_eq!(
        search_err(&c).await,
        ConnectorError::Http {
            code: 500,
            message: "database unavailable".into()
        }
    );
    assert_eq!(count.get(), 1);
    let base = answering(StatusCode::BAD_REQUEST, b"plain text complaint").await;
    let c = connector(&base, "", "GET");
    assert_eq!(
        search_err(&c).await,
        ConnectorError::Http {
            code: 400,
            message: "plain text complaint".into()
        }
    );
}

#[tokio::test]
async fn retry_after_is_honoured() {
    let count = Count::default();
    let c2 = count.clone();
    let app = Router::new().route(
        "/s",
        get(move || {
            let n = c2.bump();
            async move {
                if n == 1 {
                    (
                        StatusCode::TOO_MANY_REQUESTS,
                        [(header::RETRY_AFTER, "1")],
                        "slow down",
                    )
                        .into_response()
                } else {
                    r#"{"data": [{"id": 1}]}"#.into_response()
                }
            }
        }),
    );
    let base = serve(app).await;
    let c = connector(&base, "timeout_secs = 10\nbackoff_ms = 10", "GET");
    let t = Instant::now();
    let out = c.search(&query(QueryKind::Name, "x")).await.unwrap();
    let elapsed = t.elapsed();
    assert_eq!(out.records.len(), 1);
    assert_eq!(count.get(), 2);
    // The named second was waited, and not much more of the 10 s budget.
    assert!(
        elapsed >= Duration::from_millis(990) && elapsed < Duration::from_secs(5),
        "{elapsed:?}"
    );
}

#[tokio::test]
async fn a_retry_after_beyond_the_budget_fails_at_once() {
    let count = Count::default();
    let c2 = count.clone();
    let app = Router::new().route(
        "/s",
        get(move || {
            c2.bump();
            async {
                (
                    StatusCode::TOO_MANY_REQUESTS,
                    [(header::RETRY_AFTER, "30")],
                    "",
                )
            }
        }),
    );
    let base = serve(app).await;
    let c = connector(&base, "timeout_secs = 15", "GET");
    let t = Instant::now();
    let err = search_err(&c).await;
    assert_eq!(
        err,
        ConnectorError::Http {
            code: 429,
            message: "rate limited: Retry-After 30 s exceeds the time left".into()
        }
    );
    // At once: neither the 30 s nor the 15 s budget was waited out.
    assert!(t.elapsed() < Duration::from_secs(5), "{:?}", t.elapsed());
    assert_eq!(count.get(), 1);
}

#[tokio::test]
async fn posts_are_retried_only_when_idempotent() {
    let count = Count::default();
    let c2 = count.clone();
    let app = Router::new().route(
        "/s",
        post(move || {
            c2.bump();
            async { (StatusCode::SERVICE_UNAVAILABLE, "busy") }
        }),
    );
    let base = serve(app).await;
    let plain = connector(&base, "retries = 2\nbackoff_ms = 10", "POST");
    assert_eq!(
        search_err(&plain).await,
        ConnectorError::Http {
            code: 503,
            message: "busy".into()
        }
    );
    assert_eq!(count.get(), 1, "a POST is not sent again");

    let def = system(
        &base,
        "retries = 2\nbackoff_ms = 10\n[search]\nkinds = [\"name\"]\nmethod = \"POST\"\npath = \"/s\"\nidempotent = true\n[fields]\nid = \"id\"\n",
    );
    let idem = Connector::new("sys", &def).unwrap();
    assert!(matches!(
        search_err(&idem).await,
        ConnectorError::Http { code: 503, .. }
    ));
    assert_eq!(count.get(), 1 + 3, "first try plus two retries");
}

#[tokio::test]
async fn invalid_json_names_line_and_column() {
    let base = answering(StatusCode::OK, b"{\"data\": [\n  {\"id\": 1},,\n]}").await;
    let err = search_err(&connector(&base, "", "GET")).await;
    assert_eq!(
        err,
        ConnectorError::BadResponse("invalid JSON at line 2 column 13 (expected value)".into())
    );
    let base = answering(StatusCode::OK, b"{\"data\": [{\"id\": \"caf\xe9\"}]}").await;
    let err = search_err(&connector(&base, "", "GET")).await;
    assert_eq!(
        err,
        ConnectorError::BadResponse("response is not valid UTF-8 (at byte 21)".into())
    );
}

#[tokio::test]
async fn valid_json_of_the_wrong_shape() {
    let cases: [(&'static [u8], &str); 5] = [
        (br#"{"rows": []}"#, "field `data` missing"),
        (
            br#"{"data": {"id": 1}}"#,
            "`data` is an object, expected an array",
        ),
        (
            br#"{"data": [{"id": 1}, {"id": 2}, {"id": 3}, {"name": "x"}]}"#,
            "item 4: `id` missing",
        ),
        (
            br#"{"data": [{"id": 1}, {"id": 2, "contact": {"email": {"a": 1}}}]}"#,
            "item 2: field email (`contact.email`) is an object, expected text",
        ),
        (br#"[1, 2]"#, "field `data` missing"),
    ];
    for (body, want) in cases {
        let base = answering(StatusCode::OK, body).await;
        let err = search_err(&connector(&base, "", "GET")).await;
        assert_eq!(err, ConnectorError::BadResponse(want.into()));
    }
    // `null` where the array should be means no results.
    let base = answering(StatusCode::OK, br#"{"data": null}"#).await;
    let out = connector(&base, "", "GET")
        .search(&query(QueryKind::Name, "x"))
        .await
        .unwrap();
    assert!(out.records.is_empty());
}

#[tokio::test]
async fn oversized_responses_are_refused() {
    let big = || {
        format!(
            "{{\"data\": [], \"pad\": \"{}\"}}",
            "x".repeat(MAX_BODY_BYTES)
        )
    };
    let app = Router::new()
        .route("/s", get(move || async move { big() }))
        .route(
            "/chunked/s",
            get(|| async {
                // No Content-Length: the limit applies while reading.
                let chunk = bytes_of(1024 * 1024);
                let stream = futures::stream::iter(
                    (0..10).map(move |_| Ok::<_, std::io::Error>(chunk.clone())),
                );
                Response::new(Body::from_stream(stream))
            }),
        );
    let base = serve(app).await;
    let want = ConnectorError::BadResponse("response larger than 8 MiB".into());
    assert_eq!(search_err(&connector(&base, "", "GET")).await, want);
    assert_eq!(
        search_err(&connector(&format!("{base}/chunked"), "", "GET")).await,
        want
    );
}

fn bytes_of(n: usize) -> axum::body::Bytes {
    axum::body::Bytes::from(vec![b' '; n])
}
