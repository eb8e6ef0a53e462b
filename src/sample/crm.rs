//! `crm`: free-text search with page numbers, results under `data` and the
//! count under `meta`. Bearer token.
//!
//! GET /api/v1/customers?q=...&page=N&per_page=M
//! GET /api/v1/customers/{id}

use super::matching::{any_name_matches, email_key, looks_like_phone, phone_key, Tolerance};
use super::state::{bad_request, guard, no_route, not_found, number_param, summary, Shared};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Fields only the fetch endpoint returns.
const DETAIL: &[&str] = &["notes", "marketing_opt_in", "updated_at"];

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/api/v1/customers", get(search))
        .route("/api/v1/customers/{id}", get(fetch))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Whether a customer matches the free-text query: an email exactly, a phone
/// by its digits, otherwise a name in kanji, romaji or kana (one typo allowed).
pub fn matches(record: &Value, q: &str) -> bool {
    let s = |k: &str| record[k].as_str().unwrap_or("");
    if q.contains('@') {
        return email_key(s("email")) == email_key(q);
    }
    if looks_like_phone(q) {
        return phone_key(s("phone")).is_some() && phone_key(s("phone")) == phone_key(q);
    }
    any_name_matches(
        q,
        [s("full_name"), s("name_romaji"), s("kana")],
        Tolerance::OneTypo,
    )
}

async fn search(
    State(st): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let q = params.get("q").map(|q| q.trim()).unwrap_or("");
    if q.is_empty() {
        return bad_request("query parameter `q` is required");
    }
    let page = match number_param(&params, "page", 1, 1, 10_000) {
        Ok(n) => n as usize,
        Err(m) => return bad_request(m),
    };
    let per_page = match number_param(&params, "per_page", 20, 1, 100) {
        Ok(n) => n as usize,
        Err(m) => return bad_request(m),
    };
    let records = st.read();
    let hits: Vec<&Value> = records.iter().filter(|r| matches(r, q)).collect();
    let data: Vec<Value> = hits
        .iter()
        .skip((page - 1) * per_page)
        .take(per_page)
        .map(|r| summary(r, DETAIL))
        .collect();
    Json(json!({"data": data, "meta": {"page": page, "per_page": per_page, "total": hits.len()}}))
        .into_response()
}

async fn fetch(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.find("id", &id) {
        Some(r) => Json(json!({"data": r})).into_response(),
        None => not_found("customer", &id),
    }
}
