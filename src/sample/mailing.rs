//! `mailing`: lookup by email only, no pagination. HTTP basic auth (a
//! different user from billing's).
//!
//! GET    /v3/subscribers/lookup?email=...
//! GET    /v3/subscribers/{sid}
//! PATCH  /v3/subscribers/{sid}               {"email": ...}
//! DELETE /v3/subscribers/{sid}               204
//! POST   /v3/subscribers/{sid}/unsubscribe   -> status = unsubscribed
//!
//! Writes honour `Idempotency-Key`.

use super::idempotency::idempotent;
use super::matching::email_key;
use super::state::{
    bad_request, guard, no_route, not_found, now_jst, object_body, unprocessable, valid_email,
    Shared,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/v3/subscribers/lookup", get(lookup))
        .route(
            "/v3/subscribers/{sid}",
            get(fetch).patch(update).delete(delete),
        )
        .route("/v3/subscribers/{sid}/unsubscribe", post(unsubscribe))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), idempotent))
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

async fn update(State(st): State<Shared>, Path(sid): Path<String>, body: Bytes) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    if let Some(k) = body.keys().find(|k| k.as_str() != "email") {
        return unprocessable(format!("{k}: only email can be changed"));
    }
    let Some(email) = body
        .get("email")
        .and_then(Value::as_str)
        .map(str::to_string)
    else {
        return unprocessable("email: required");
    };
    if !valid_email(&email) {
        return unprocessable(format!("email: `{email}` is not a valid e-mail address"));
    }
    match st.update("sid", &sid, |r| {
        r["email"] = json!(email);
        r.clone()
    }) {
        Some(r) => Json(json!({"subscriber": r})).into_response(),
        None => not_found("subscriber", &sid),
    }
}

async fn delete(State(st): State<Shared>, Path(sid): Path<String>) -> Response {
    match st.remove("sid", &sid) {
        Some(_) => StatusCode::NO_CONTENT.into_response(),
        None => not_found("subscriber", &sid),
    }
}

async fn unsubscribe(State(st): State<Shared>, Path(sid): Path<String>) -> Response {
    match st.update("sid", &sid, |r| {
        r["status"] = json!("unsubscribed");
        r["unsubscribed_at"] = json!(now_jst());
    }) {
        Some(()) => Json(json!({"sid": sid, "status": "unsubscribed"})).into_response(),
        None => not_found("subscriber", &sid),
    }
}
