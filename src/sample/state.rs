//! Shared state of one sample system and the pieces every handler uses:
//! JSON errors, parameter parsing, and the middleware that counts requests,
//! adds demo latency and checks credentials.

use super::auth::Auth;
use axum::extract::{Request, State};
use axum::http::{header, HeaderValue, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use axum::Json;
use serde_json::{json, Value};
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, RwLock, RwLockReadGuard};

/// One sample system's state, shared by its handlers.
#[derive(Debug)]
pub struct SystemState {
    pub name: &'static str,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    /// The records, as returned by the fetch endpoint.
    pub records: RwLock<Vec<Value>>,
    /// Requests received, authorised or not.
    pub requests: AtomicU64,
    pub auth: Auth,
    /// Random delay range per request, in milliseconds.
    pub latency_ms: Option<(u64, u64)>,
    /// Test knobs: slow or faulty writes, OpenDSR completion.
    pub knobs: super::idempotency::Knobs,
    /// Idempotency keys seen, applied and answered.
    pub keys: std::sync::Mutex<super::idempotency::KeyLog>,
}

pub type Shared = Arc<SystemState>;

impl SystemState {
    /// Read access to the records; a poisoned lock still yields the data
    /// (a panicking handler cannot leave the records half-written).
    pub fn read(&self) -> RwLockReadGuard<'_, Vec<Value>> {
        self.records.read().unwrap_or_else(|e| e.into_inner())
    }

    /// The record whose `key` field equals `id` (compared as text).
    pub fn find(&self, key: &str, id: &str) -> Option<Value> {
        self.read()
            .iter()
            .find(|r| match &r[key] {
                Value::String(s) => s == id,
                Value::Number(n) => n.to_string() == id,
                _ => false,
            })
            .cloned()
    }
}

impl SystemState {
    /// Change the record whose `key` field equals `id`; None when there is none.
    pub fn update<R>(&self, key: &str, id: &str, f: impl FnOnce(&mut Value) -> R) -> Option<R> {
        let mut records = self.records.write().unwrap_or_else(|e| e.into_inner());
        records.iter_mut().find(|r| same_id(&r[key], id)).map(f)
    }

    /// Remove the record whose `key` field equals `id`.
    pub fn remove(&self, key: &str, id: &str) -> Option<Value> {
        let mut records = self.records.write().unwrap_or_else(|e| e.into_inner());
        let i = records.iter().position(|r| same_id(&r[key], id))?;
        Some(records.remove(i))
    }
}

pub(crate) fn same_id(v: &Value, id: &str) -> bool {
    match v {
        Value::String(s) => s == id,
        Value::Number(n) => n.to_string() == id,
        _ => false,
    }
}

/// 422 with the reason: the request is understood but refused as it is.
pub fn unprocessable(message: impl Into<String>) -> Response {
    error(StatusCode::UNPROCESSABLE_ENTITY, "invalid", message)
}

/// A JSON object body, or what is wrong with it (for a 400).
pub fn object_body(body: &[u8]) -> Result<serde_json::Map<String, Value>, String> {
    if body.iter().all(u8::is_ascii_whitespace) {
        return Ok(serde_json::Map::new());
    }
    match serde_json::from_slice::<Value>(body) {
        Ok(Value::Object(m)) => Ok(m),
        Ok(_) => Err("the request body must be a JSON object".into()),
        Err(e) => Err(format!("request body is not valid JSON: {e}")),
    }
}

/// Merge `patch` into `target`: objects key by key, anything else replaced.
pub fn merge(target: &mut Value, patch: &Value) {
    match (target, patch) {
        (Value::Object(t), Value::Object(p)) => {
            for (k, v) in p {
                merge(t.entry(k.clone()).or_insert(Value::Null), v);
            }
        }
        (t, p) => *t = p.clone(),
    }
}

/// A plausible e-mail address: something@domain.tld.
pub fn valid_email(s: &str) -> bool {
    match s.trim().rsplit_once('@') {
        Some((local, domain)) => {
            !local.is_empty()
                && domain.contains('.')
                && !domain.starts_with('.')
                && !domain.ends_with('.')
                && !s.contains(char::is_whitespace)
        }
        None => false,
    }
}

/// The time now in JST, as the sample systems write it.
pub fn now_jst() -> String {
    chrono::Utc::now()
        .with_timezone(&chrono::FixedOffset::east_opt(9 * 3600).expect("+09:00"))
        .to_rfc3339_opts(chrono::SecondsFormat::Secs, false)
}

/// A JSON error: `{"error": {"code": "...", "message": "..."}}`.
pub fn error(status: StatusCode, code: &str, message: impl Into<String>) -> Response {
    (
        status,
        Json(json!({"error": {"code": code, "message": message.into()}})),
    )
        .into_response()
}

pub fn bad_request(message: impl Into<String>) -> Response {
    error(StatusCode::BAD_REQUEST, "bad_request", message)
}

pub fn not_found(what: &str, id: &str) -> Response {
    error(
        StatusCode::NOT_FOUND,
        "not_found",
        format!("no {what} with id {id}"),
    )
}

/// A numeric query parameter within bounds, or the message of a 400 naming it.
pub fn number_param(
    params: &HashMap<String, String>,
    name: &str,
    default: u64,
    min: u64,
    max: u64,
) -> Result<u64, String> {
    match params.get(name) {
        None => Ok(default),
        Some(v) => match v.trim().parse::<u64>() {
            Ok(n) if (min..=max).contains(&n) => Ok(n),
            _ => Err(format!(
                "`{name}` must be a whole number from {min} to {max}"
            )),
        },
    }
}

/// A copy of a record without the fields only the fetch endpoint returns.
pub fn summary(record: &Value, detail_only: &[&str]) -> Value {
    let mut r = record.clone();
    if let Some(o) = r.as_object_mut() {
        for k in detail_only {
            o.shift_remove(*k);
        }
    }
    r
}

/// Middleware: count, delay, check credentials (401 with a JSON error).
///
/// With demo latency, a change waits first and is
/// applied at the end of its time, so that a client killed meanwhile
/// leaves it on its way. A read is answered first and held back until its
/// time is up: its work is part of its answer time, as for a real system
/// (reads done after the wait would pile up when many wake at once, and
/// time this process's CPU rather than the answer).
pub async fn guard(State(state): State<Shared>, req: Request, next: Next) -> Response {
    state.requests.fetch_add(1, Ordering::Relaxed);
    let answer_at = state.latency_ms.map(|(lo, hi)| {
        let ms = if hi > lo {
            rand::random_range(lo..=hi)
        } else {
            lo
        };
        tokio::time::Instant::now() + std::time::Duration::from_millis(ms)
    });
    let Some(at) = answer_at else {
        return checked(&state, req, next).await;
    };
    if is_read(&req) {
        let resp = checked(&state, req, next).await;
        tokio::time::sleep_until(at).await;
        resp
    } else {
        tokio::time::sleep_until(at).await;
        checked(&state, req, next).await
    }
}

/// Reads: GETs, and the searches some systems take as a POST.
fn is_read(req: &Request) -> bool {
    req.method() == axum::http::Method::GET || req.uri().path().ends_with("/search")
}

async fn checked(state: &Shared, req: Request, next: Next) -> Response {
    let (parts, body) = req.into_parts();
    if !state.auth.accepts(&parts) {
        let mut resp = error(
            StatusCode::UNAUTHORIZED,
            "unauthorized",
            format!("{}: missing or invalid credentials", state.name),
        );
        if let Some(c) = state.auth.challenge(state.name) {
            if let Ok(v) = HeaderValue::from_str(&c) {
                resp.headers_mut().insert(header::WWW_AUTHENTICATE, v);
            }
        }
        return resp;
    }
    next.run(Request::from_parts(parts, body)).await
}

/// Fallback for unknown paths.
pub async fn no_route() -> Response {
    error(StatusCode::NOT_FOUND, "not_found", "no such endpoint")
}
