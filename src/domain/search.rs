//! The state of one search across the connected systems, as shown to the
//! operator while systems answer.

use super::{Person, SearchQuery, SystemStatus};
use serde::{Deserialize, Serialize};

/// One system's part in a search.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SystemState {
    pub system: String,
    pub display_name: String,
    pub badge: String,
    pub status: SystemStatus,
    /// More results existed than the page cap allowed to fetch.
    pub truncated: bool,
}

/// Everything known about a search at one moment.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct SearchSnapshot {
    pub query: SearchQuery,
    pub systems: Vec<SystemState>,
    pub persons: Vec<Person>,
    /// True on the last snapshot, sent after the audit entry was written.
    pub done: bool,
    pub elapsed_ms: u64,
    pub audit_id: Option<i64>,
    /// Set when the audit entry could not be written (the results stand, but
    /// the operator must know the access was not logged).
    pub audit_error: Option<String>,
}

impl SearchSnapshot {
    pub fn failed_systems(&self) -> Vec<&SystemState> {
        self.systems
            .iter()
            .filter(|s| s.status.is_failure())
            .collect()
    }
}
