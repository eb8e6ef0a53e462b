//! `billing`: POST search with a JSON filter, nested holder/contact fields,
//! keyset cursor pagination (`page.after` = last account id seen;
//! `next_cursor` null at the end). HTTP basic auth.
//!
//! POST /v2/accounts/search  {"filter": {"field": "email|phone|name", "value": "..."},
//!                            "page": {"size": 10, "after": "B-86"}}
//! GET  /v2/accounts/{id}
//! PUT  /v2/accounts/{id}/contact   {"email": ..., "phone": ...} (the primary ones)
//! POST /v2/accounts/{id}/suspend   {"reason": ...} -> status = suspended
//!
//! No delete: invoices are kept for the statutory period, so erasure is a
//! manual task. Writes honour `Idempotency-Key`.

use super::idempotency::idempotent;
use super::matching::{any_name_matches, email_key, phone_key, Tolerance};
use super::state::{
    bad_request, guard, no_route, not_found, object_body, summary, unprocessable, valid_email,
    Shared,
};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post, put};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};

const DETAIL: &[&str] = &["payment_method", "invoices"];
const MAX_SIZE: u64 = 50;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/v2/accounts/search", post(search))
        .route("/v2/accounts/{id}", get(fetch))
        .route("/v2/accounts/{id}/contact", put(contact))
        .route("/v2/accounts/{id}/suspend", post(suspend))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), idempotent))
        .layer(middleware::from_fn_with_state(state.clone(), guard))
        .with_state(state)
}

/// What a search filters on.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Field {
    Email,
    Phone,
    Name,
}

/// Whether an account matches: any of its emails or phones, or the holder's
/// name (kanji/Latin in either order, or the reading) by substring.
pub fn matches(record: &Value, field: Field, value: &str) -> bool {
    let contact = &record["contact"];
    let list = |k: &str, leaf: &str| -> Vec<String> {
        contact[k]
            .as_array()
            .map(|a| {
                a.iter()
                    .filter_map(|e| e[leaf].as_str().map(str::to_string))
                    .collect()
            })
            .unwrap_or_default()
    };
    match field {
        Field::Email => list("emails", "address")
            .iter()
            .any(|e| email_key(e) == email_key(value)),
        Field::Phone => {
            let want = phone_key(value);
            want.is_some()
                && list("phones", "number")
                    .iter()
                    .any(|p| phone_key(p) == want)
        }
        Field::Name => {
            let h = &record["holder"];
            let s = |k: &str| h[k].as_str().unwrap_or("").to_string();
            let forms = [
                format!("{} {}", s("family_name"), s("given_name")),
                format!("{} {}", s("given_name"), s("family_name")),
                format!("{} {}", s("family_name_kana"), s("given_name_kana")),
            ];
            any_name_matches(value, forms.iter().map(String::as_str), Tolerance::Exact)
        }
    }
}

async fn search(State(st): State<Shared>, body: Bytes) -> Response {
    let body: Value = match serde_json::from_slice(&body) {
        Ok(v) => v,
        Err(e) => return bad_request(format!("request body is not valid JSON: {e}")),
    };
    let field = match body.pointer("/filter/field").and_then(Value::as_str) {
        Some("email") => Field::Email,
        Some("phone") => Field::Phone,
        Some("name") => Field::Name,
        Some(other) => {
            return bad_request(format!(
                "filter.field `{other}` is not one of email, phone, name"
            ))
        }
        None => return bad_request("filter.field is required"),
    };
    let value = match body
        .pointer("/filter/value")
        .and_then(Value::as_str)
        .map(str::trim)
    {
        Some(v) if !v.is_empty() => v.to_string(),
        _ => return bad_request("filter.value must be a non-empty string"),
    };
    let size = match body.pointer("/page/size") {
        None | Some(Value::Null) => 10,
        Some(v) => match v.as_u64() {
            Some(n) if (1..=MAX_SIZE).contains(&n) => n as usize,
            _ => {
                return bad_request(format!(
                    "page.size must be a whole number from 1 to {MAX_SIZE}"
                ))
            }
        },
    };
    let after = match body.pointer("/page/after") {
        None | Some(Value::Null) => None,
        Some(Value::String(s)) if s.is_empty() => None,
        Some(Value::String(s)) => Some(s.clone()),
        Some(_) => return bad_request("page.after must be a string cursor"),
    };
    let records = st.read();
    let start = match &after {
        None => 0,
        Some(cursor) => match records
            .iter()
            .position(|r| r["account_id"].as_str() == Some(cursor))
        {
            Some(i) => i + 1,
            None => return bad_request("page.after is not a cursor this server issued"),
        },
    };
    let mut hits = records[start..]
        .iter()
        .filter(|r| matches(r, field, &value));
    let page: Vec<&Value> = hits.by_ref().take(size).collect();
    let more = hits.next().is_some();
    let next = if more {
        page.last().map(|r| r["account_id"].clone())
    } else {
        None
    };
    let results: Vec<Value> = page.iter().map(|r| summary(r, DETAIL)).collect();
    Json(json!({"results": results, "next_cursor": next})).into_response()
}

async fn fetch(State(st): State<Shared>, Path(id): Path<String>) -> Response {
    match st.find("account_id", &id) {
        Some(r) => Json(json!({"account": r})).into_response(),
        None => not_found("account", &id),
    }
}

async fn contact(State(st): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    let body = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    if let Some(k) = body
        .keys()
        .find(|k| !matches!(k.as_str(), "email" | "phone"))
    {
        return unprocessable(format!("{k}: only email and phone can be changed here"));
    }
    let email = body.get("email").map(|v| v.as_str().unwrap_or(""));
    let phone = body.get("phone").map(|v| v.as_str().unwrap_or(""));
    if email.is_none() && phone.is_none() {
        return unprocessable("give email or phone");
    }
    if let Some(e) = email.filter(|e| !valid_email(e)) {
        return unprocessable(format!("email: `{e}` is not a valid e-mail address"));
    }
    if phone.is_some_and(|p| p.chars().filter(char::is_ascii_digit).count() < 9) {
        return unprocessable("phone: too few digits for a phone number");
    }
    let (email, phone) = (email.map(str::to_string), phone.map(str::to_string));
    match st.update("account_id", &id, |r| {
        if let Some(e) = &email {
            set_first(r, "emails", "address", e);
        }
        if let Some(p) = &phone {
            set_first(r, "phones", "number", p);
        }
        r.clone()
    }) {
        Some(r) => Json(json!({"account": r})).into_response(),
        None => not_found("account", &id),
    }
}

async fn suspend(State(st): State<Shared>, Path(id): Path<String>, body: Bytes) -> Response {
    if let Err(m) = object_body(&body) {
        return bad_request(m);
    }
    match st.update("account_id", &id, |r| {
        r["status"] = json!("suspended");
    }) {
        Some(()) => Json(json!({"account_id": id, "status": "suspended"})).into_response(),
        None => not_found("account", &id),
    }
}

/// Set `leaf` of the first entry of `contact.<list>`, creating it if needed.
fn set_first(record: &mut Value, list: &str, leaf: &str, value: &str) {
    if !record["contact"].is_object() {
        record["contact"] = json!({});
    }
    let l = &mut record["contact"][list];
    if !l.is_array() {
        *l = json!([]);
    }
    if let Some(a) = l.as_array_mut() {
        if !a.first().is_some_and(Value::is_object) {
            a.insert(0, json!({}));
        }
        a[0][leaf] = json!(value);
    }
}
