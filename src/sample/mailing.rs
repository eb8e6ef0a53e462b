//! `mailing`: lookup by email only, no pagination. HTTP basic auth (a
//! different user from billing's).
//!
//! GET /v3/subscribers/lookup?email=...
//! GET /v3/subscribers/{sid}

use super::matching::email_key;
use super::state::{bad_request, guard, no_route, not_found, Shared};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde_json::{json, Value};

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/v3/subscribers/lookup", get(lookup))
        .route("/v3/subscribers/{sid}", get(fetch))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

async fn lookup(State(st): State<Shared>, Query(params): Query<Vec<(String, String)>>) -> Response {
    if let Some((other, _)) = params.iter().find(|(k, _)| k != "email") {
        return bad_request(format!(
            "unsupported query parameter `{other}`: look up by `email` only"
        ));
    }
    let email = match params.as_slice() {
        [(_, e)] if e.contains('@') => email_key(e),
        [(_, _)] => return bad_request("`email` must be an email address"),
        [] => return bad_request("query parameter `email` is required"),
        _ => return bad_request("give `email` once"),
    };
    let records = st.read();
    let subscribers: Vec<Value> = records
        .iter()
        .filter(|r| r["email"].as_str().is_some_and(|e| email_key(e) == email))
        .cloned()
        .collect();
    Json(json!({"subscribers": subscribers})).into_response()
}

async fn fetch(State(st): State<Shared>, Path(sid): Path<String>) -> Response {
    match st.find("sid", &sid) {
        Some(r) => Json(json!({"subscriber": r})).into_response(),
        None => not_found("subscriber", &sid),
    }
}
