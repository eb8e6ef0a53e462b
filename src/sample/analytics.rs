//! `analytics`: a web-analytics vendor acting as an OpenDSR (OpenGDPR)
//! processor. Not searchable: requests name the person by their e-mail
//! (raw or SHA-256). Bearer token. A request completes at the second status
//! poll (knobs: `complete_after_polls`, `never_complete`).
//!
//! GET  /opengdpr/discovery
//! POST /opengdpr/opengdpr_requests        {"subject_request_id": uuid4, "subject_request_type":
//!                                          "access|portability|erasure", "subject_identities": [...],
//!                                          "submitted_time": ..., "api_version": "0.1"}
//! GET  /opengdpr/opengdpr_requests/{id}   {"request_status": "pending|in_progress|completed", ...}
//! GET  /opengdpr/results/{id}             what an access request found
//! GET  /v1/profiles/{id}                  one profile (for looking)
//!
//! The profiles are derived from the CRM's customers with an e-mail address.

use super::idempotency::idempotent;
use super::state::{bad_request, error, guard, no_route, not_found, object_body, Shared};
use axum::body::Bytes;
use axum::extract::{Path, State};
use axum::http::StatusCode;
use axum::response::{IntoResponse, Response};
use axum::routing::{get, post};
use axum::{middleware, Json, Router};
use serde_json::{json, Value};
use sha2::{Digest, Sha256};
use std::collections::HashMap;
use std::sync::atomic::Ordering;
use std::sync::{Arc, Mutex, MutexGuard};

const TYPES: [&str; 3] = ["access", "portability", "erasure"];

/// One received request.
#[derive(Debug, Clone)]
struct DsrRequest {
    kind: String,
    /// Lower-cased e-mails and SHA-256 hashes of them.
    emails: Vec<String>,
    hashes: Vec<String>,
    received: String,
    status: &'static str,
    polls: u64,
    results: Option<Value>,
}

/// The router's state: the shared system state plus the requests.
pub struct Analytics {
    shared: Shared,
    requests: Mutex<HashMap<String, DsrRequest>>,
}

impl Analytics {
    fn requests(&self) -> MutexGuard<'_, HashMap<String, DsrRequest>> {
        self.requests.lock().unwrap_or_else(|e| e.into_inner())
    }
}

/// Analytics profiles derived from the CRM's customers (deterministic).
pub fn profiles(crm: &[Value]) -> Vec<Value> {
    crm.iter()
        .filter_map(|c| c["email"].as_str().filter(|e| !e.is_empty()).map(|e| (c, e)))
        .enumerate()
        .map(|(i, (c, email))| {
            let n = i as u64;
            json!({
                "user_id": format!("U-{:05}", 10_000 + n * 7),
                "email": email.trim().to_lowercase(),
                "first_seen": c["customer_since"],
                "sessions": 3 + (n * 37) % 200,
                "segments": if n.is_multiple_of(3) { json!(["newsletter-readers"]) } else { json!(["shoppers", "mobile"]) },
                "last_device": if n.is_multiple_of(2) { "iPhone" } else { "Android" },
            })
        })
        .collect()
}

pub fn router(state: Shared) -> Router {
    let app = Arc::new(Analytics {
        shared: state.clone(),
        requests: Mutex::new(HashMap::new()),
    });
    Router::new()
        .route("/opengdpr/discovery", get(discovery))
        .route("/opengdpr/opengdpr_requests", post(submit))
        .route("/opengdpr/opengdpr_requests/{id}", get(status))
        .route("/opengdpr/results/{id}", get(results))
        .route("/v1/profiles/{id}", get(profile))
        .fallback(no_route)
        .layer(middleware::from_fn_with_state(state.clone(), idempotent))
        .layer(middleware::from_fn_with_state(state, guard))
        .with_state(app)
}

async fn discovery() -> Response {
    Json(json!({
        "api_version": "0.1",
        "supported_identities": [
            {"identity_type": "email", "identity_format": "raw"},
            {"identity_type": "email", "identity_format": "sha256"}
        ],
        "supported_subject_request_types": TYPES,
        "processor_certificate": null
    }))
    .into_response()
}

fn is_uuid_v4(s: &str) -> bool {
    uuid::Uuid::parse_str(s).is_ok_and(|u| u.get_version_num() == 4)
}

fn sha256_hex(s: &str) -> String {
    hex::encode(Sha256::digest(s.trim().to_lowercase().as_bytes()))
}

async fn submit(State(app): State<Arc<Analytics>>, body: Bytes) -> Response {
    let b = match object_body(&body) {
        Ok(b) => b,
        Err(m) => return bad_request(m),
    };
    let Some(id) = b.get("subject_request_id").and_then(Value::as_str) else {
        return bad_request("subject_request_id is required");
    };
    if !is_uuid_v4(id) {
        return bad_request("subject_request_id must be a UUID v4");
    }
    let kind = b
        .get("subject_request_type")
        .and_then(Value::as_str)
        .unwrap_or("");
    if !TYPES.contains(&kind) {
        return bad_request(format!(
            "subject_request_type `{kind}` is not one of {}",
            TYPES.join(", ")
        ));
    }
    if b.get("api_version").and_then(Value::as_str) != Some("0.1") {
        return bad_request("api_version must be 0.1");
    }
    if b.get("submitted_time")
        .and_then(Value::as_str)
        .is_none_or(|t| chrono::DateTime::parse_from_rfc3339(t).is_err())
    {
        return bad_request("submitted_time must be an RFC 3339 time");
    }
    let Some(ids) = b
        .get("subject_identities")
        .and_then(Value::as_array)
        .filter(|a| !a.is_empty())
    else {
        return bad_request("subject_identities must list at least one identity");
    };
    let (mut emails, mut hashes) = (Vec::new(), Vec::new());
    for i in ids {
        let value = i["identity_value"].as_str().unwrap_or("");
        match (
            i["identity_type"].as_str(),
            i["identity_format"].as_str().unwrap_or("raw"),
        ) {
            (Some("email"), "raw") => emails.push(value.trim().to_lowercase()),
            (Some("email"), "sha256") => hashes.push(value.to_lowercase()),
            (t, f) => {
                return bad_request(format!(
                    "identity {} / {f} is not supported",
                    t.unwrap_or("(none)")
                ))
            }
        }
    }
    let received = super::state::now_jst();
    let mut reqs = app.requests();
    if !reqs.contains_key(id) {
        reqs.insert(
            id.to_string(),
            DsrRequest {
                kind: kind.to_string(),
                emails,
                hashes,
                received: received.clone(),
                status: "pending",
                polls: 0,
                results: None,
            },
        );
    }
    (
        StatusCode::CREATED,
        Json(json!({
            "controller_id": "privdesk",
            "subject_request_id": id,
            "received_time": reqs.get(id).map(|r| r.received.clone()),
            "expected_completion_time": null,
            "encoded_request": null,
        })),
    )
        .into_response()
}

async fn status(State(app): State<Arc<Analytics>>, Path(id): Path<String>) -> Response {
    let st = &app.shared;
    let mut reqs = app.requests();
    let Some(r) = reqs.get_mut(&id) else {
        return error(
            StatusCode::NOT_FOUND,
            "not_found",
            format!("no request {id}"),
        );
    };
    r.polls += 1;
    let after = match st.knobs.complete_after_polls.load(Ordering::Relaxed) {
        0 => 2,
        n => n,
    };
    if r.status != "completed" && r.status != "cancelled" {
        if !st.knobs.never_complete.load(Ordering::Relaxed) && r.polls >= after {
            let matches = |p: &Value| {
                let e = p["email"].as_str().unwrap_or("");
                r.emails.iter().any(|x| x == e) || r.hashes.contains(&sha256_hex(e))
            };
            if r.kind == "erasure" {
                let mut records = st.records.write().unwrap_or_else(|e| e.into_inner());
                records.retain(|p| !matches(p));
            } else {
                let found: Vec<Value> = st.read().iter().filter(|p| matches(p)).cloned().collect();
                r.results = Some(json!({"profiles": found}));
            }
            r.status = "completed";
        } else {
            r.status = "in_progress";
        }
    }
    let results_url = (r.status == "completed" && r.kind != "erasure")
        .then(|| format!("{}/opengdpr/results/{id}", st.base_url));
    Json(json!({
        "controller_id": "privdesk",
        "subject_request_id": id,
        "request_status": r.status,
        "api_version": "0.1",
        "results_url": results_url,
        "expected_completion_time": null,
    }))
    .into_response()
}

async fn results(State(app): State<Arc<Analytics>>, Path(id): Path<String>) -> Response {
    match app.requests().get(&id).and_then(|r| r.results.clone()) {
        Some(v) => Json(v).into_response(),
        None => not_found("result", &id),
    }
}

async fn profile(State(app): State<Arc<Analytics>>, Path(id): Path<String>) -> Response {
    match app.shared.find("user_id", &id) {
        Some(p) => Json(json!({"profile": p})).into_response(),
        None => not_found("profile", &id),
    }
}
