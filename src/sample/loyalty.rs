//! `loyalty`: one search term (a name or a phone number), offset paging with
//! a relative next URL in the body (`links.next`, null at the end). API key
//! in the `api_key` query parameter.
//!
//! GET  /members/search?term=...&limit=N&offset=M
//! GET  /members/{id}
//! GET  /members/{id}/export
//! PUT  /members/{id}/profile    {"profile": {"tel": ..., "name": {"kanji": ...}}} (merged)
//! POST /members/{id}/withdraw   {"reason": ..., "erase": true} -> the member is gone
//! POST /members/{id}/consents   {"partner_sharing": false}
//!
//! Writes honour `Idempotency-Key`.

use super::idempotency::idempotent;
use super::matching::{any_name_matches, looks_like_phone, phone_key, Tolerance};
use super::state::{
    bad_request, guard, merge, no_route, not_found, number_param, object_body, summary,
    unprocessable, Shared,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

const DETAIL: &[&str] = &["history", "joined_at"];

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/members/search", get(search))
        .route("/members/{id}", get(fetch))
        .route("/members/{id}/export", get(export))
        .route("/members/{id}/profile", put(profile))
        .route("/members/{id}/withdraw", post(withdraw))
        .route("/members/{id}/consents", post(consents))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), idempotent))
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

async fn export(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.find("member_no", &id) {
        Some(r) => Json(json!({"member": r})).into_response(),
        None => not_found("member", &id),
    }
}

/// What is wrong with a profile change, if anything.
fn check_profile(p: &serde_json::Map<String, Value>) -> Result<(), String> {
    for (k, v) in p {
        match k.as_str() {
            "name" => {
                let ok = v.as_object().is_some_and(|n| {
                    n.iter()
                        .all(|(nk, nv)| matches!(nk.as_str(), "kanji" | "kana") && nv.is_string())
                });
                if !ok {
                    return Err("profile.name: only kanji and kana (text)".into());
                }
            }
            "tel" | "postal" | "address" => {
                if !v.is_string() {
                    return Err(format!("profile.{k}: must be text"));
                }
            }
            "birthday" => {
                let b = v.as_str().unwrap_or("");
                if b.len() != 8 || !b.chars().all(|c| c.is_ascii_digit()) {
                    return Err(format!("profile.birthday: `{b}` must be written YYYYMMDD"));
                }
            }
            other => return Err(format!("profile.{other}: not a field that can be changed")),
        }
    }
    Ok(())
}

async fn profile(State(st): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    let Some(Value::Object(p)) = body.get("profile") else {
        return unprocessable("profile: an object of the fields to change is required");
    };
    if let Err(why) = check_profile(p) {
        return unprocessable(why);
    }
    let patch = Value::Object(p.clone());
    match st.update("member_no", &id, |r| {
        merge(&mut r["profile"], &patch);
        r.clone()
    }) {
        Some(r) => Json(json!({"member": r})).into_response(),
        None => not_found("member", &id),
    }
}

async fn withdraw(State(st): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    if body.get("erase").and_then(Value::as_bool) != Some(true) {
        return unprocessable("erase: must be true to withdraw and erase the member's data");
    }
    match st.remove("member_no", &id) {
        Some(_) => Json(json!({"member_no": id, "status": "withdrawn"})).into_response(),
        None => not_found("member", &id),
    }
}

async fn consents(State(st): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    let Some(on) = body.get("partner_sharing").and_then(Value::as_bool) else {
        return unprocessable("partner_sharing: must be true or false");
    };
    match st.update("member_no", &id, |r| {
        r["consents"]["partner_sharing"] = json!(on);
    }) {
        Some(()) => {
            Json(json!({"member_no": id, "consents": {"partner_sharing": on}})).into_response()
        }
        None => not_found("member", &id),
    }
}
