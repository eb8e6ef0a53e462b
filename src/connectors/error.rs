//! What can go wrong when asking a connected system, and short, secret-free
//! descriptions of transport failures and HTTP error bodies.

use crate::domain::SystemStatus;
use serde_json::Value;
use std::error::Error as StdError;
use std::fmt;

/// Longest excerpt of an error body or transport error kept in a message.
pub(crate) const EXCERPT_CHARS: usize = 120;

/// Why a search or fetch of one system failed.
#[derive(Debug, Clone, PartialEq, Eq)]
pub enum ConnectorError {
    /// The system's time budget ran out (all pages and retries included).
    Timeout { after_ms: u64 },
    /// No answer at the transport level: refused, reset, DNS, TLS...
    Unreachable(String),
    /// The system answered with a non-success HTTP status.
    Http { code: u16, message: String },
    /// The answer could not be read or did not have the configured shape.
    BadResponse(String),
    /// The system cannot do what was asked (query kind, fetch).
    NotSupported(String),
}

impl ConnectorError {
    /// The status shown for the system in search results.
    pub fn to_status(&self) -> SystemStatus {
        match self {
            ConnectorError::Timeout { after_ms } => SystemStatus::Timeout {
                after_ms: *after_ms,
            },
            ConnectorError::Unreachable(e) => SystemStatus::Unreachable { error: e.clone() },
            ConnectorError::Http { code, message } => SystemStatus::HttpError {
                code: *code,
                error: message.clone(),
            },
            ConnectorError::BadResponse(e) => SystemStatus::BadResponse { error: e.clone() },
            ConnectorError::NotSupported(reason) => SystemStatus::NotAsked {
                reason: reason.clone(),
            },
        }
    }

    /// Apply `f` to the message text (used to mask secrets).
    pub(crate) fn map_text(self, f: impl Fn(&str) -> String) -> ConnectorError {
        match self {
            ConnectorError::Timeout { after_ms } => ConnectorError::Timeout { after_ms },
            ConnectorError::Unreachable(e) => ConnectorError::Unreachable(f(&e)),
            ConnectorError::Http { code, message } => ConnectorError::Http {
                code,
                message: f(&message),
            },
            ConnectorError::BadResponse(e) => ConnectorError::BadResponse(f(&e)),
            ConnectorError::NotSupported(e) => ConnectorError::NotSupported(f(&e)),
        }
    }
}

impl fmt::Display for ConnectorError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(&self.to_status().message().unwrap_or_default())
    }
}

impl StdError for ConnectorError {}

/// The system's secret and its URL-encoded forms (when at least 4
/// characters long), to be replaced by `***` in any message.
pub(crate) fn secret_forms(def: &crate::config::SystemDef) -> Vec<String> {
    let mut out = Vec::new();
    if let Some(secret) = def
        .auth
        .secret
        .as_ref()
        .map(|s| s.expose())
        .filter(|s| s.len() >= 4)
    {
        out.push(secret.to_string());
        let form: String = url::form_urlencoded::byte_serialize(secret.as_bytes()).collect();
        out.push(form.clone());
        out.push(form.replace('+', "%20"));
    }
    out
}

/// Replace every form in `secrets` by `***`.
pub(crate) fn mask_secrets(secrets: &[String], text: &str) -> String {
    let mut t = text.to_string();
    for s in secrets {
        if t.contains(s.as_str()) {
            t = t.replace(s.as_str(), "***");
        }
    }
    t
}

/// Collapse runs of whitespace and cut to [`EXCERPT_CHARS`].
pub(crate) fn shorten(text: &str) -> String {
    let collapsed = text.split_whitespace().collect::<Vec<_>>().join(" ");
    crate::domain::text::truncate_chars(&collapsed, EXCERPT_CHARS)
}

/// A short excerpt of an HTTP error body: the `error` / `message` text when the
/// body is JSON carrying one, else the body itself.
pub(crate) fn error_excerpt(body: &[u8]) -> String {
    if let Ok(v) = serde_json::from_slice::<Value>(body) {
        if let Some(t) = json_error_text(&v, 0) {
            return shorten(&t);
        }
    }
    shorten(&String::from_utf8_lossy(body))
}

fn json_error_text(v: &Value, depth: u8) -> Option<String> {
    let obj = v.as_object()?;
    for key in ["error", "message", "detail", "error_description", "title"] {
        match obj.get(key) {
            Some(Value::String(s)) if !s.trim().is_empty() => return Some(s.clone()),
            Some(inner @ Value::Object(_)) if depth < 2 => {
                if let Some(t) = json_error_text(inner, depth + 1) {
                    return Some(t);
                }
            }
            _ => {}
        }
    }
    None
}

/// A short description of a transport failure. Never includes the URL (which
/// may carry an API key in its query string): only the innermost cause.
pub(crate) fn describe_transport(err: reqwest::Error) -> String {
    use std::io::ErrorKind;
    let mut dns = false;
    let mut innermost: Option<String> = None;
    let mut src: Option<&(dyn StdError + 'static)> = err.source();
    while let Some(s) = src {
        if let Some(io) = s.downcast_ref::<std::io::Error>() {
            let known = match io.kind() {
                ErrorKind::ConnectionRefused => Some("connection refused"),
                ErrorKind::ConnectionReset => Some("connection reset by the server"),
                ErrorKind::ConnectionAborted => Some("connection aborted"),
                ErrorKind::TimedOut => Some("connection timed out"),
                ErrorKind::UnexpectedEof => Some("connection closed by the server"),
                _ => None,
            };
            if let Some(k) = known {
                return k.to_string();
            }
        }
        let text = s.to_string();
        if text.contains("dns error") {
            dns = true;
        }
        innermost = Some(text);
        src = s.source();
    }
    let is_connect = err.is_connect();
    let detail = innermost.unwrap_or_else(|| err.without_url().to_string());
    let text = if dns {
        format!("DNS lookup failed: {detail}")
    } else if is_connect {
        format!("cannot connect: {detail}")
    } else {
        detail
    };
    shorten(&text)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn excerpt_prefers_json_error_text() {
        assert_eq!(
            error_excerpt(br#"{"error":"database  down"}"#),
            "database down"
        );
        assert_eq!(
            error_excerpt(br#"{"error":{"code":7,"message":"quota"}}"#),
            "quota"
        );
        assert_eq!(
            error_excerpt(br#"{"message":"no such route"}"#),
            "no such route"
        );
        assert_eq!(
            error_excerpt(b"<html>\n Bad  gateway </html>"),
            "<html> Bad gateway </html>"
        );
        let long = "x".repeat(500);
        assert_eq!(
            error_excerpt(long.as_bytes()).chars().count(),
            EXCERPT_CHARS
        );
        assert_eq!(error_excerpt(b"\xff\xfe oops"), "\u{fffd}\u{fffd} oops");
    }

    #[test]
    fn status_mapping_keeps_the_details() {
        let e = ConnectorError::Http {
            code: 500,
            message: "boom".into(),
        };
        assert_eq!(
            e.to_status(),
            SystemStatus::HttpError {
                code: 500,
                error: "boom".into()
            }
        );
        assert_eq!(e.to_string(), "HTTP 500: boom");
        assert_eq!(
            ConnectorError::Timeout { after_ms: 1500 }.to_string(),
            "timed out after 1.5 s"
        );
    }
}
