//! `billing`: POST search with a JSON filter, nested holder/contact fields,
//! keyset cursor pagination (`page.after` = last account id seen;
//! `next_cursor` null at the end). HTTP basic auth.
//!
//! POST /v2/accounts/search  {"filter": {"field": "email|phone|name", "value": "..."},
//!                            "page": {"size": 10, "after": "B-86"}}
//! GET  /v2/accounts/{id}

use super::matching::{any_name_matches, email_key, phone_key, Tolerance};
use super::state::{bad_request, guard, no_route, not_found, summary, Shared};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};

const DETAIL: &[&str] = &["payment_method", "invoices"];
const MAX_SIZE: u64 = 50;

pub fn router(state: Shared) -> Router {
    Router::new()
        .route("/v2/accounts/search", post(search))
        .route("/v2/accounts/{id}", get(fetch))
        .fallback(no_route)
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
