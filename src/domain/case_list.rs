//! The case queue: filters, summary rows, and the conflict reported when a
//! case changed since an operator looked at it.

use super::case::CaseEvent;
use super::case_id::CaseId;
use super::case_status::{CaseStatus, Priority};
use super::request::{Category, Law, RequestKind};
use chrono::{DateTime, FixedOffset, NaiveDate};
use serde::{Deserialize, Serialize};
use std::fmt;

/// Whose cases to list.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum AssigneeFilter {
    #[default]
    Anyone,
    Unassigned,
    User(String),
}

/// Which cases to list. The default is every case that is not closed,
/// sorted by due date.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct CaseFilter {
    /// Only this status (closed cases are listed only when asked for by
    /// status or with `include_closed`).
    pub status: Option<CaseStatus>,
    pub include_closed: bool,
    pub assignee: AssigneeFilter,
    /// Only open cases whose due date has passed (see [`CaseStatus::OPEN`];
    /// a case whose clock a running pause stopped is not overdue).
    pub overdue: bool,
    pub category: Option<Category>,
    pub law: Option<Law>,
    /// Text looked for in the case number, requester name and email, and
    /// description (case-insensitive for ASCII).
    pub text: Option<String>,
    /// At most this many rows.
    pub limit: Option<usize>,
}

/// One row of the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseSummary {
    pub id: CaseId,
    pub version: i64,
    pub status: CaseStatus,
    pub category: Category,
    pub kind: Option<RequestKind>,
    pub law: Law,
    pub priority: Priority,
    pub assignee: Option<String>,
    pub channel: String,
    pub received_at: DateTime<FixedOffset>,
    pub requester_name: Option<String>,
    /// The date the queue sorts by (see `CaseDeadlines::queue_due`).
    pub due: Option<NaiveDate>,
    /// Days from today to `due` (negative when late; a due date on a closed
    /// day counts to the next open day); filled in by the desk.
    pub days_left: Option<i64>,
    /// A running pause stops the clock (the due date moves on meanwhile).
    pub clock_stopped: bool,
    /// Open, the clock running, and past its due date.
    pub overdue: bool,
}

/// A change refused because the case changed since the operator saw it.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseConflict {
    pub case_id: CaseId,
    /// The version the operator saw.
    pub seen_version: i64,
    /// The version now stored.
    pub current_version: i64,
    /// What happened in between, oldest first.
    pub changes: Vec<CaseEvent>,
}

impl fmt::Display for CaseConflict {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(
            f,
            "case {} changed since you saw it (version {}, now {}); nothing was written. Changes since:",
            self.case_id, self.seen_version, self.current_version
        )?;
        for e in &self.changes {
            write!(
                f,
                "\n  v{} {} {}: {}",
                e.version,
                e.at.format("%Y-%m-%d %H:%M UTC"),
                super::text::escape_controls(&e.operator),
                e.summary()
            )?;
        }
        write!(
            f,
            "\nLook at the case again and redo your change if it still applies."
        )
    }
}
