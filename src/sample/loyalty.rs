//! `loyalty`: one search term (a name or a phone number), offset paging with
//! a relative next URL in the body (`links.next`, null at the end). API key
//! in the `api_key` query parameter.
//!
//! GET /members/search?term=...&limit=N&offset=M
//! GET /members/{id}

use super::matching::{any_name_matches, looks_like_phone, phone_key, Tolerance};
use super::state::{bad_request, guard, no_route, not_found, number_param, summary, Shared};
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::get;
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

const DETAIL: &[&str] = &["history", "joined_at"];

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/members/search", get(search))
        .route("/members/{id}", get(fetch))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// Whether a member matches the term: a phone by its digits, otherwise the
/// name in kanji or kana by substring.
pub fn matches(record: &Value, term: &str) -> bool {
    let profile = &record["profile"];
    if looks_like_phone(term) {
        let tel = profile["tel"].as_str().unwrap_or("");
        return phone_key(tel).is_some() && phone_key(tel) == phone_key(term);
    }
    let name = &profile["name"];
    let forms = [
        name["kanji"].as_str().unwrap_or(""),
        name["kana"].as_str().unwrap_or(""),
    ];
    any_name_matches(term, forms, Tolerance::Exact)
}

async fn search(
    State(st): State<Shared>,
    Query(params): Query<HashMap<String, String>>,
) -> Response {
    let term = params.get("term").map(|t| t.trim()).unwrap_or("");
    if term.is_empty() {
        return bad_request("query parameter `term` is required");
    }
    let limit = match number_param(&params, "limit", 20, 1, 50) {
        Ok(n) => n as usize,
        Err(m) => return bad_request(m),
    };
    let offset = match number_param(&params, "offset", 0, 0, 1_000_000) {
        Ok(n) => n as usize,
        Err(m) => return bad_request(m),
    };
    let records = st.read();
    let hits: Vec<&Value> = records.iter().filter(|r| matches(r, term)).collect();
    let members: Vec<Value> = hits
        .iter()
        .skip(offset)
        .take(limit)
        .map(|r| summary(r, DETAIL))
        .collect();
    let next = (offset + limit < hits.len()).then(|| {
        let query = url::form_urlencoded::Serializer::new(String::new())
            .append_pair("term", term)
            .append_pair("limit", &limit.to_string())
            .append_pair("offset", &(offset + limit).to_string())
            .finish();
        format!("/members/search?{query}")
    });
    Json(json!({"members": members, "links": {"next": next}})).into_response()
}

async fn fetch(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.find("member_no", &id) {
        Some(r) => Json(json!({"member": r})).into_response(),
        None => not_found("member", &id),
    }
}
