//! Conditional writes, as HTTP has them: the fetch of one record carries an
//! `ETag` (a digest of the record as stored), and a write with `If-Match`
//! is applied only while that tag is still current; otherwise it is
//! refused with 412 and changes nothing. A write without `If-Match` is
//! applied as before.

use super::state::{error, not_found, SystemState};
use axum::http::{HeaderMap, HeaderValue, StatusCode};
use axum::response::Response;
use serde_json::Value;
use std::hash::{Hash, Hasher};

/// The entity tag of a record as stored now.
pub fn etag(record: &Value) -> String {
    let mut h = std::collections::hash_map::DefaultHasher::new();
    record.to_string().hash(&mut h);
    format!("\"{:016x}\"", h.finish())
}

/// The `ETag` header value of a record.
pub fn etag_header(record: &Value) -> HeaderValue {
    HeaderValue::from_str(&etag(record)).unwrap_or_else(|_| HeaderValue::from_static("\"0\""))
}

/// The `If-Match` a write carries, if any (`*` matches any record).
pub fn if_match(headers: &HeaderMap) -> Option<String> {
    headers
        .get(axum::http::header::IF_MATCH)
        .and_then(|v| v.to_str().ok())
        .map(|v| v.trim().to_string())
        .filter(|v| v != "*")
}

/// Why a conditional write was not applied.
pub enum Refused {
    Missing,
    Stale,
}

impl Refused {
    pub fn response(&self, what: &str, id: &str) -> Response {
        match self {
            Refused::Missing => not_found(what, id),
            Refused::Stale => error(
                StatusCode::PRECONDITION_FAILED,
                "precondition_failed",
                format!("the {what} {id} changed since the version given in If-Match"),
            ),
        }
    }
}

impl SystemState {
    /// Change the record whose `key` is `id`, if `tag` (when given) is
    /// still its entity tag; checked and changed under one lock.
    pub fn update_if<R>(
        &self,
        key: &str,
        id: &str,
        tag: Option<&str>,
        f: impl FnOnce(&mut Value) -> R,
    ) -> Result<R, Refused> {
        let mut out = Err(Refused::Missing);
        self.update(key, id, |r| {
            out = match tag {
                Some(t) if etag(r) != t => Err(Refused::Stale),
                _ => Ok(f(r)),
            };
        });
        out
    }

    /// Remove the record whose `key` is `id`, if `tag` (when given) is
    /// still its entity tag.
    pub fn remove_if(&self, key: &str, id: &str, tag: Option<&str>) -> Result<Value, Refused> {
        let mut records = self.records.write().unwrap_or_else(|e| e.into_inner());
        let i = records
            .iter()
            .position(|r| super::state::same_id(&r[key], id))
            .ok_or(Refused::Missing)?;
        if tag.is_some_and(|t| etag(&records[i]) != t) {
            return Err(Refused::Stale);
        }
        Ok(records.remove(i))
    }
}
