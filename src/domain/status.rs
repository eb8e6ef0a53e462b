//! How one connected system answered one search.

use serde::{Deserialize, Serialize};
use std::fmt;

#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "status", rename_all = "snake_case")]
pub enum SystemStatus {
    /// Asked and still waiting.
    Pending,
    Ok {
        count: usize,
        elapsed_ms: u64,
    },
    /// The system cannot search this kind of query.
    NotAsked {
        reason: String,
    },
    Timeout {
        after_ms: u64,
    },
    Unreachable {
        error: String,
    },
    HttpError {
        code: u16,
        error: String,
    },
    BadResponse {
        error: String,
    },
}

impl SystemStatus {
    /// Short machine name as used in JSON output.
    pub fn code(&self) -> &'static str {
        match self {
            SystemStatus::Pending => "pending",
            SystemStatus::Ok { .. } => "ok",
            SystemStatus::NotAsked { .. } => "not_asked",
            SystemStatus::Timeout { .. } => "timeout",
            SystemStatus::Unreachable { .. } => "unreachable",
            SystemStatus::HttpError { .. } => "http_error",
            SystemStatus::BadResponse { .. } => "bad_response",
        }
    }

    /// True when the system was asked and failed.
    pub fn is_failure(&self) -> bool {
        matches!(
            self,
            SystemStatus::Timeout { .. }
                | SystemStatus::Unreachable { .. }
                | SystemStatus::HttpError { .. }
                | SystemStatus::BadResponse { .. }
        )
    }

    /// The error or reason text, if any.
    pub fn message(&self) -> Option<String> {
        match self {
            SystemStatus::Pending | SystemStatus::Ok { .. } => None,
            SystemStatus::NotAsked { reason } => Some(reason.clone()),
            SystemStatus::Timeout { after_ms } => {
                Some(format!("timed out after {}", fmt_ms(*after_ms)))
            }
            SystemStatus::Unreachable { error } => Some(format!("unreachable: {error}")),
            SystemStatus::HttpError { code, error } if error.is_empty() => {
                Some(format!("HTTP {code}"))
            }
            SystemStatus::HttpError { code, error } => Some(format!("HTTP {code}: {error}")),
            SystemStatus::BadResponse { error } => Some(format!("bad response: {error}")),
        }
    }
}

/// `1500` -> `1.5 s`, `5000` -> `5 s`, `120` -> `120 ms`.
pub fn fmt_ms(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms.is_multiple_of(1000) {
        format!("{} s", ms / 1000)
    } else {
        format!("{:.1} s", ms as f64 / 1000.0)
    }
}

impl fmt::Display for SystemStatus {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            SystemStatus::Pending => f.write_str("pending"),
            SystemStatus::Ok { count, elapsed_ms } => {
                write!(f, "ok {count} / {}", fmt_ms(*elapsed_ms))
            }
            other => f.write_str(&other.message().unwrap_or_default()),
        }
    }
}
