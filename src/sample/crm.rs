//! `crm`: free-text search with page numbers, results under `data` and the
//! count under `meta`. Bearer token. Writes honour `Idempotency-Key`; the
//! fetch of one customer carries an `ETag`, and a write with `If-Match`
//! is refused with 412 once that tag is no longer current.
//!
//! GET    /api/v1/customers?q=...&page=N&per_page=M
//! GET    /api/v1/customers/{id}
//! GET    /api/v1/customers/{id}/export          everything held, with history
//! PATCH  /api/v1/customers/{id}                 {"email": ..., "address": {"postal_code": ...}}
//! DELETE /api/v1/customers/{id}                 204
//! POST   /api/v1/customers/{id}/restriction     {"reason": ...} -> processing = restricted
//! PUT    /api/v1/customers/{id}/sharing         {"third_party": false}

use super::conditional::{etag_header, if_match};
use super::idempotency::idempotent;
use super::matching::{any_name_matches, email_key, looks_like_phone, phone_key, Tolerance};
use super::state::{
    bad_request, guard, merge, no_route, not_found, now_jst, number_param, object_body, summary,
    unprocessable, valid_email, Shared,
};
use axum::body::Bytes;
use axum::extract::{Path, Query, State};
use axum::http::{header, HeaderMap, StatusCode};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use std::collections::HashMap;

/// Fields only the fetch endpoint returns.
const DETAIL: &[&str] = &["notes", "marketing_opt_in", "updated_at"];

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/api/v1/customers", get(search))
        .route(
            "/api/v1/customers/{id}",
            get(fetch).patch(update).delete(delete),
        )
        .route("/api/v1/customers/{id}/export", get(export))
        .route("/api/v1/customers/{id}/restriction", post(restrict))
        .route("/api/v1/customers/{id}/sharing", put(sharing))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), idempotent))
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
        Some(r) => ([(header::ETAG, etag_header(&r))], Json(json!({"data": r}))).into_response(),
        None => not_found("customer", &id),
    }
}

/// Fields a PATCH may change, and the address parts.
const UPDATABLE: &[&str] = &[
    "full_name",
    "name_romaji",
    "kana",
    "email",
    "phone",
    "birth_date",
    "address",
];
const ADDRESS: &[&str] = &["postal_code", "prefecture", "city", "line1"];

/// What is wrong with a PATCH body, if anything.
fn check_patch(body: &serde_json::Map<String, Value>) -> Result<(), String> {
    if body.is_empty() {
        return Err("nothing to change".into());
    }
    for (k, v) in body {
        if !UPDATABLE.contains(&k.as_str()) {
            return Err(format!("{k}: not a field that can be changed"));
        }
        if k == "address" {
            let Some(a) = v.as_object() else {
                return Err("address: must be an object".into());
            };
            for (ak, av) in a {
                if !ADDRESS.contains(&ak.as_str()) || !av.is_string() {
                    return Err(format!("address.{ak}: not a text field of the address"));
                }
            }
            if let Some(p) = a.get("postal_code").and_then(Value::as_str) {
                let ok = p.len() == 8
                    && p.chars().enumerate().all(|(i, c)| {
                        if i == 3 {
                            c == '-'
                        } else {
                            c.is_ascii_digit()
                        }
                    });
                if !ok {
                    return Err(format!(
                        "address.postal_code: `{p}` must be written NNN-NNNN"
                    ));
                }
            }
            continue;
        }
        let Some(text) = v.as_str() else {
            return Err(format!("{k}: must be text"));
        };
        if text.trim().is_empty() {
            return Err(format!("{k}: must not be empty"));
        }
        if k == "email" && !valid_email(text) {
            return Err(format!("email: `{text}` is not a valid e-mail address"));
        }
    }
    Ok(())
}

async fn update(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    if let Err(why) = check_patch(&body) {
        return unprocessable(why);
    }
    let patch = Value::Object(body);
    match st.update_if("id", &id, if_match(&headers).as_deref(), |r| {
        merge(r, &patch);
        r["updated_at"] = json!(now_jst());
        r.clone()
    }) {
        Ok(r) => Json(json!({"data": r})).into_response(),
        Err(why) => why.response("customer", &id),
    }
}

async fn delete(State(st): State<Shared>, Path(id): Path<String>, headers: HeaderMap) -> Response {
    match st.remove_if("id", &id, if_match(&headers).as_deref()) {
        Ok(_) => StatusCode::NO_CONTENT.into_response(),
        Err(why) => why.response("customer", &id),
    }
}

async fn restrict(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    let reason = body.get("reason").cloned().unwrap_or(Value::Null);
    match st.update_if("id", &id, if_match(&headers).as_deref(), |r| {
        r["processing"] = json!("restricted");
        r["restriction_reason"] = reason;
        r["updated_at"] = json!(now_jst());
    }) {
        Ok(()) => Json(json!({"data": {"id": id, "processing": "restricted"}})).into_response(),
        Err(why) => why.response("customer", &id),
    }
}

async fn sharing(
    State(st): State<Shared>,
    Path(id): Path<String>,
    headers: HeaderMap,
    body: Bytes,
) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    let Some(on) = body.get("third_party").and_then(Value::as_bool) else {
        return unprocessable("third_party: must be true or false");
    };
    match st.update_if("id", &id, if_match(&headers).as_deref(), |r| {
        r["third_party_sharing"] = json!(on);
        r["updated_at"] = json!(now_jst());
    }) {
        Ok(()) => Json(json!({"data": {"id": id, "third_party_sharing": on}})).into_response(),
        Err(why) => why.response("customer", &id),
    }
}

async fn export(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.find("id", &id) {
        Some(r) => {
            let history = json!([
                {"at": r["customer_since"], "what": "customer record created"},
                {"at": r["updated_at"], "what": "last change"},
            ]);
            Json(json!({"data": {"customer": r, "history": history}})).into_response()
        }
        None => not_found("customer", &id),
    }
}
