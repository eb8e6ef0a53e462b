//! `support`: one query parameter per kind of search, a bare JSON array as
//! the response, and the next page in an RFC 8288 `Link` header. API key in
//! the `X-Api-Key` header.
//!
//! GET    /tickets/requesters?email=...|phone=...|name=...&page=N&per_page=M
//! GET    /tickets/requesters/{id}
//! PATCH  /tickets/requesters/{id}   {"requester": {"name": ..., "email": ..., "phone": ...}}
//! DELETE /tickets/requesters/{id}   202 {"status": "deleted"}
//!
//! Writes honour `Idempotency-Key`.

use super::idempotency::idempotent;
use super::matching::{email_key, name_matches, phone_key, Tolerance};
use super::state::{
    bad_request, guard, merge, no_route, not_found, number_param, object_body, summary,
    unprocessable, valid_email, Shared,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::http::{header, HeaderValue};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

const DETAIL: &[&str] = &["tickets", "notes"];
const KINDS: [&str; 3] = ["email", "phone", "name"];

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/tickets/requesters", get(search))
        .route(
            "/tickets/requesters/{id}",
            get(fetch).patch(update).delete(delete),
        )
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), idempotent))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Whether a requester matches `value` searched as `kind` (email, phone or name;
/// names tolerate one typo per word).
pub fn matches(record: &Value, kind: &str, value: &str) -> bool {
    let s = |k: &str| record[k].as_str().unwrap_or("");
    match kind {
        "email" => email_key(s("email")) == email_key(value),
        "phone" => phone_key(value).is_some() && phone_key(s("phone")) == phone_key(value),
        _ => name_matches(value, s("name"), Tolerance::OneTypo),
    }
}

async fn search(
    State(st): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let given: Vec<&str> = KINDS
        .iter()
        .copied()
        .filter(|k| params.contains_key(*k))
        .collect();
    let kind = match given.as_slice() {
        [one] => *one,
        [] => return bad_request("give one of the query parameters email, phone or name"),
        _ => return bad_request("give only one of the query parameters email, phone or name"),
    };
    let value = params.get(kind).map(|v| v.trim()).unwrap_or("");
    if value.is_empty() {
        return bad_request(format!("`{kind}` must not be empty"));
    }
    let page = match number_param(&params, "page", 1, 1, 10_000) {
        Ok(n) => n as usize,
        Err(m) => return bad_request(m),
    };
    let per_page = match number_param(&params, "per_page", 10, 1, 100) {
        Ok(n) => n as usize,
        Err(m) => return bad_request(m),
    };
    let records = st.read();
    let hits: Vec<&Value> = records.iter().filter(|r| matches(r, kind, value)).collect();
    let items: Vec<Value> = hits
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|r| summary(r, DETAIL))
        .collect();
    let mut resp = Json(items).into_response();
    if page * per_page < hits.len() {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair(kind, value)
            .append_pair("page", &(page + 1).to_string())
            .append_pair("per_page", &per_page.to_string())
            .finish();
        let link = format!("<{}/tickets/requesters?{query}>; rel=\"next\"", st.base_url);
        if let Ok(v) = HeaderValue::from_str(&link) {
            resp.headers_mut().insert(header::LINK, v);
        }
    }
    resp
}

async fn fetch(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.find("requester_id", &id) {
        Some(r) => Json(r).into_response(),
        None => not_found("requester", &id),
    }
}

async fn update(State(st): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    let Some(Value::Object(changes)) = body.get("requester") else {
        return unprocessable("requester: an object of the fields to change is required");
    };
    for (k, v) in changes {
        if !matches!(k.as_str(), "name" | "email" | "phone") || !v.is_string() {
            return unprocessable(format!(
                "requester.{k}: only name, email and phone (text) can be changed"
            ));
        }
    }
    if let Some(e) = changes.get("email").and_then(Value::as_str) {
        if !valid_email(e) {
            return unprocessable(format!(
                "requester.email: `{e}` is not a valid e-mail address"
            ));
        }
    }
    let patch = Value::Object(changes.clone());
    match st.update("requester_id", &id, |r| {
        merge(r, &patch);
        r.clone()
    }) {
        Some(r) => Json(r).into_response(),
        None => not_found("requester", &id),
    }
}

async fn delete(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.remove("requester_id", &id) {
        Some(_) => (StatusCode::ACCEPTED, Json(json!({"status": "deleted"}))).into_response(),
        None => not_found("requester", &id),
    }
}
