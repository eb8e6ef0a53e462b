//! What every write endpoint of the sample systems shares: `Idempotency-Key`
//! handling (a repeated key gets the first answer back without the change
//! being applied again; a key still being processed gets 409), counters per
//! key, and knobs tests turn to make a system slow or faulty.
//!
//! A write runs to its end even when the client goes away (as a real server
//! would), so a client killed mid-request still finds the change applied.

use super::state::{error, Shared};
use axum::body::{Body, Bytes};
use axum::extract::{Request, State};
use axum::http::{HeaderValue, Method, StatusCode};
use axum::middleware::Next;
use axum::response::{IntoResponse, Response};
use std::collections::{HashMap, HashSet, VecDeque};
use std::sync::atomic::{AtomicBool, AtomicU64, Ordering};
use std::sync::{Mutex, MutexGuard};
use std::time::Duration;

/// A fault to inject into the next write.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum Fault {
    /// Answer with this status and nothing applied.
    Status(u16),
    /// Apply the change, then break the connection instead of answering.
    ResetAfterApply,
}

/// Test knobs of one sample system. All start off.
#[derive(Debug, Default)]
pub struct Knobs {
    /// Delay before a write is applied (the request is in flight).
    pub sleep_before_ms: AtomicU64,
    /// A further delay before a write is applied, drawn at random from
    /// 0 to this many milliseconds for each write.
    pub sleep_jitter_ms: AtomicU64,
    /// Delay after a write was applied, before the answer goes out.
    pub sleep_after_ms: AtomicU64,
    faults: Mutex<VecDeque<Fault>>,
    /// OpenDSR: requests never complete.
    pub never_complete: AtomicBool,
    /// OpenDSR: a request completes at this status poll (0 = the default, 2).
    pub complete_after_polls: AtomicU64,
}

impl Knobs {
    /// The next write meets `fault` (faults are used in order).
    pub fn push_fault(&self, fault: Fault) {
        lock(&self.faults).push_back(fault);
    }

    fn next_fault(&self) -> Option<Fault> {
        lock(&self.faults).pop_front()
    }
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|e| e.into_inner())
}

/// The first answer to a key.
#[derive(Debug, Clone)]
struct Stored {
    status: StatusCode,
    content_type: Option<HeaderValue>,
    body: Bytes,
}

/// What the system saw of idempotency keys.
#[derive(Debug, Default)]
pub struct KeyLog {
    requests: HashMap<String, u64>,
    applied: HashMap<String, u64>,
    stored: HashMap<String, Stored>,
    in_flight: HashSet<String>,
    /// Writes without a key being processed.
    unkeyed_in_flight: usize,
    writes_applied: u64,
    /// Times each distinct change (method, path and body) was applied.
    changes: HashMap<String, u64>,
}

impl super::state::SystemState {
    fn keys(&self) -> MutexGuard<'_, KeyLog> {
        lock(&self.keys)
    }

    /// Write requests received with this key (replays included).
    pub fn key_requests(&self, key: &str) -> u64 {
        self.keys().requests.get(key).copied().unwrap_or(0)
    }

    /// Times a write with this key was applied (at most 1 when keys work).
    pub fn key_applied(&self, key: &str) -> u64 {
        self.keys().applied.get(key).copied().unwrap_or(0)
    }

    /// Writes applied, with or without a key.
    pub fn writes_applied(&self) -> u64 {
        self.keys().writes_applied
    }

    /// Writes being processed right now.
    pub fn writes_in_flight(&self) -> usize {
        let k = self.keys();
        k.in_flight.len() + k.unkeyed_in_flight
    }

    /// Every distinct change applied (`METHOD path body`), with the number
    /// of times it was applied: counted here, whatever the client thinks.
    pub fn changes_applied(&self) -> Vec<(String, u64)> {
        let mut all: Vec<(String, u64)> = self
            .keys()
            .changes
            .iter()
            .map(|(c, n)| (c.clone(), *n))
            .collect();
        all.sort();
        all
    }
}

fn replay(s: &Stored) -> Response {
    let mut resp = (s.status, s.body.clone()).into_response();
    if let Some(ct) = &s.content_type {
        resp.headers_mut()
            .insert(axum::http::header::CONTENT_TYPE, ct.clone());
    }
    resp.headers_mut()
        .insert("idempotent-replayed", HeaderValue::from_static("true"));
    resp
}

/// A response whose body breaks off: the client sees the connection end
/// without a complete answer.
fn broken() -> Response {
    let stream = futures::stream::once(async {
        Err::<Bytes, std::io::Error>(std::io::Error::new(
            std::io::ErrorKind::ConnectionReset,
            "connection reset by the sample system",
        ))
    });
    Response::builder()
        .status(StatusCode::OK)
        .header(axum::http::header::CONTENT_LENGTH, "64")
        .body(Body::from_stream(stream))
        .unwrap_or_else(|_| StatusCode::INTERNAL_SERVER_ERROR.into_response())
}

/// Middleware for write requests (anything but GET and HEAD).
pub async fn idempotent(State(st): State<Shared>, req: Request, next: Next) -> Response {
    if matches!(*req.method(), Method::GET | Method::HEAD) {
        return next.run(req).await;
    }
    let key = req
        .headers()
        .get("idempotency-key")
        .and_then(|v| v.to_str().ok())
        .map(str::to_string);
    if let Some(k) = &key {
        let mut log = st.keys();
        *log.requests.entry(k.clone()).or_insert(0) += 1;
        if let Some(s) = log.stored.get(k) {
            return replay(s);
        }
        if log.in_flight.contains(k) {
            return error(
                StatusCode::CONFLICT,
                "in_progress",
                "a request with this Idempotency-Key is still being processed",
            );
        }
    }
    let fault = st.knobs.next_fault();
    if let Some(Fault::Status(code)) = fault {
        let status = StatusCode::from_u16(code).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
        return error(status, "injected", format!("{}: injected failure", st.name));
    }
    match &key {
        Some(k) => {
            st.keys().in_flight.insert(k.clone());
        }
        None => st.keys().unkeyed_in_flight += 1,
    }
    let (parts, body) = req.into_parts();
    let sent = axum::body::to_bytes(body, 16 * 1024 * 1024)
        .await
        .unwrap_or_default();
    let change = format!(
        "{} {} {}",
        parts.method,
        parts.uri.path(),
        String::from_utf8_lossy(&sent)
    );
    let req = Request::from_parts(parts, Body::from(sent));
    // Run the write to its end even if the client goes away.
    let worker = {
        let st = st.clone();
        let key = key.clone();
        tokio::spawn(async move {
            let mut before = st.knobs.sleep_before_ms.load(Ordering::Relaxed);
            let jitter = st.knobs.sleep_jitter_ms.load(Ordering::Relaxed);
            if jitter > 0 {
                before += rand::random_range(0..jitter);
            }
            if before > 0 {
                tokio::time::sleep(Duration::from_millis(before)).await;
            }
            let resp = next.run(req).await;
            let (parts, body) = resp.into_parts();
            let bytes = axum::body::to_bytes(body, 16 * 1024 * 1024)
                .await
                .unwrap_or_default();
            let ok = parts.status.is_success();
            let mut log = st.keys();
            if ok {
                log.writes_applied += 1;
                *log.changes.entry(change).or_insert(0) += 1;
            }
            if key.is_none() {
                log.unkeyed_in_flight -= 1;
            }
            if let Some(k) = &key {
                log.in_flight.remove(k);
                if ok {
                    *log.applied.entry(k.clone()).or_insert(0) += 1;
                    log.stored.insert(
                        k.clone(),
                        Stored {
                            status: parts.status,
                            content_type: parts
                                .headers
                                .get(axum::http::header::CONTENT_TYPE)
                                .cloned(),
                            body: bytes.clone(),
                        },
                    );
                }
            }
            drop(log);
            Response::from_parts(parts, Body::from(bytes))
        })
    };
    let resp = match worker.await {
        Ok(r) => r,
        Err(_) => {
            return error(
                StatusCode::INTERNAL_SERVER_ERROR,
                "internal",
                "the write handler failed",
            )
        }
    };
    let after = st.knobs.sleep_after_ms.load(Ordering::Relaxed);
    if after > 0 {
        tokio::time::sleep(Duration::from_millis(after)).await;
    }
    if fault == Some(Fault::ResetAfterApply) {
        return broken();
    }
    resp
}
