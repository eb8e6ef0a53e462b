//! Bearer, basic and API-key authentication; secrets never in messages.

use super::{query, serve, system, with_secret};
use crate::connectors::{Connector, ConnectorError};
use crate::domain::QueryKind;
use axum::extract::Query;
use axum::http::{HeaderMap, StatusCode};
use axum::routing::get;
use axum::{Json, Router};
use serde_json::json;
use std::collections::HashMap;

/// A server whose `/s` answers only when `check` accepts the request.
async fn guarded(check: fn(&HeaderMap, &HashMap<String, String>) -> bool) -> String {
    let app = Router::new().route(
        "/s",
        get(
            move |headers: HeaderMap, Query(p): Query<HashMap<String, String>>| async move {
                if check(&headers, &p) {
                    (StatusCode::OK, Json(json!([{"id": "ok"}])))
                } else {
                    let key = p.get("api_key").cloned().unwrap_or_default();
                    (
                        StatusCode::UNAUTHORIZED,
                        Json(json!({"error": format!("credentials rejected (key {key})")})),
                    )
                }
            },
        ),
    );
    serve(app).await
}

fn header<'a>(h: &'a HeaderMap, name: &str) -> &'a str {
    h.get(name).and_then(|v| v.to_str().ok()).unwrap_or("")
}

const SEARCH: &str = "[search]\nkinds = [\"name\"]\npath = \"/s\"\n[fields]\nid = \"id\"\n";

async fn try_with(base: &str, auth: &str, secret: &str) -> Result<usize, ConnectorError> {
    let def = with_secret(
        system(base, &format!("retries = 0\n{auth}\n{SEARCH}")),
        secret,
    );
    let c = Connector::new("sys", &def).map_err(ConnectorError::BadResponse)?;
    c.search(&query(QueryKind::Name, "x"))
        .await
        .map(|o| o.records.len())
}

#[tokio::test]
async fn bearer_token() {
    let base = guarded(|h, _| header(h, "authorization") == "Bearer tok-123").await;
    let auth = "[auth]\ntype = \"bearer\"\ntoken_env = \"CRM_TOKEN\"";
    assert_eq!(try_with(&base, auth, "tok-123").await, Ok(1));
    let err = try_with(&base, auth, "tok-999").await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::Http { code: 401, .. }),
        "{err:?}"
    );
    let none = try_with(&base, "", "tok-123").await.unwrap_err();
    assert!(
        matches!(none, ConnectorError::Http { code: 401, .. }),
        "{none:?}"
    );
}

#[tokio::test]
async fn basic_auth() {
    // base64("desk:s3cret pass")
    let base = guarded(|h, _| header(h, "authorization") == "Basic ZGVzazpzM2NyZXQgcGFzcw==").await;
    let auth = "[auth]\ntype = \"basic\"\nusername = \"desk\"\npassword_env = \"PW\"";
    assert_eq!(try_with(&base, auth, "s3cret pass").await, Ok(1));
    let err = try_with(&base, auth, "wrong pass").await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::Http { code: 401, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn api_key_in_a_header() {
    let base = guarded(|h, _| header(h, "x-api-key") == "k-42-secret").await;
    let auth = "[auth]\ntype = \"api_key\"\nheader = \"X-Api-Key\"\nkey_env = \"K\"";
    assert_eq!(try_with(&base, auth, "k-42-secret").await, Ok(1));
    let err = try_with(&base, auth, "k-43-secret").await.unwrap_err();
    assert!(
        matches!(err, ConnectorError::Http { code: 401, .. }),
        "{err:?}"
    );
}

#[tokio::test]
async fn api_key_in_the_query_never_shows_in_errors() {
    let base = guarded(|_, p| p.get("api_key").map(String::as_str) == Some("qk/7+secret")).await;
    let auth = "[auth]\ntype = \"api_key\"\nquery_param = \"api_key\"\nkey_env = \"K\"";
    assert_eq!(try_with(&base, auth, "qk/7+secret").await, Ok(1));

    // The server echoes the wrong key in its error body: it is masked.
    let err = try_with(&base, auth, "wrong/key+0001").await.unwrap_err();
    assert_eq!(
        err,
        ConnectorError::Http {
            code: 401,
            message: "credentials rejected (key ***)".into()
        }
    );

    // A transport error must not carry the URL (and its query string).
    let closed = {
        let l = std::net::TcpListener::bind("127.0.0.1:0").unwrap();
        l.local_addr().unwrap().port()
    };
    let err = try_with(
        &format!("http://127.0.0.1:{closed}"),
        auth,
        "wrong/key+0001",
    )
    .await
    .unwrap_err();
    let text = format!("{err} {err:?} {}", err.to_status());
    assert!(matches!(err, ConnectorError::Unreachable(_)), "{err:?}");
    for leak in ["wrong", "key+0001", "key%2B0001", "api_key", "127.0.0.1"] {
        assert!(!text.contains(leak), "`{leak}` leaked into: {text}");
    }
}
