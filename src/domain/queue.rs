//! The supervisors' queue: one row per case an operator may see, and the
//! sections (tabs) that split it (complaints, overdue, unassigned...). A
//! section is a filter over the loaded rows, so counting every section is
//! one pass in memory, not one query each.

use super::case_id::CaseId;
use super::case_list::CaseSummary;
use super::case_status::{CaseStatus, Priority};
use super::request::{Category, Law, RequestKind};
use serde::{Deserialize, Serialize};

/// One case in the queue.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct QueueRow {
    pub case: CaseSummary,
    /// Actions of the case waiting for a supervisor's approval.
    pub pending_approvals: u32,
}

/// A queue as loaded: its rows (soonest due first) and the start of each
/// case's description, for the filter (kept apart so the rows stay small).
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueueLoad {
    pub rows: Vec<QueueRow>,
    /// `descriptions[i]` belongs to `rows[i]` (at most
    /// [`QUEUE_DESCRIPTION_CHARS`] characters).
    pub descriptions: Vec<String>,
}

/// How much of a description the queue keeps for its filter.
pub const QUEUE_DESCRIPTION_CHARS: usize = 160;

/// Whose cases a section holds.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub enum SectionAssignee {
    #[default]
    Anyone,
    /// Nobody holds them.
    Unassigned,
    /// The operator looking at the queue holds them.
    Mine,
    /// This operator holds them.
    User(String),
}

/// Which rows a section holds; every field set must match.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct SectionFilter {
    pub category: Option<Category>,
    pub kind: Option<RequestKind>,
    pub law: Option<Law>,
    pub status: Option<CaseStatus>,
    pub priority: Option<Priority>,
    pub assignee: SectionAssignee,
    /// Only overdue cases (true) or only cases not overdue (false).
    pub overdue: Option<bool>,
    /// Open cases due within this many days from today (not overdue).
    pub due_within_days: Option<u32>,
    /// Cases waiting for a supervisor: an action awaits approval, or the
    /// answer does (status `awaiting_approval`); false for the others.
    pub awaiting_approval: Option<bool>,
}

/// A named section of the queue.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueSection {
    pub name: String,
    pub filter: SectionFilter,
}

/// A change made to every marked case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkOp {
    /// Assign to this operator, or to nobody.
    Assign(Option<String>),
    /// Priority urgent, with an `escalated` event.
    Escalate,
}

impl BulkOp {
    /// What was asked, for the report's title.
    pub fn title(&self) -> String {
        match self {
            BulkOp::Assign(Some(u)) => format!("Assign to {u}"),
            BulkOp::Assign(None) => "Unassign".into(),
            BulkOp::Escalate => "Escalate".into(),
        }
    }
}

/// How a bulk change went for one case.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub enum BulkOutcome {
    /// Changed; the case is now at this version.
    Done(i64),
    /// Already so: nothing written.
    Unchanged,
    /// The desk refused (role, rules).
    Refused(String),
    /// Someone changed the case since the queue was loaded.
    Conflict(String),
    Failed(String),
}

/// One case of a bulk change.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct BulkResult {
    pub id: CaseId,
    pub outcome: BulkOutcome,
}

/// The report of a bulk change, one line per case.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct BulkReport {
    pub op: BulkOp,
    pub results: Vec<BulkResult>,
    pub scroll: usize,
}

impl BulkReport {
    /// `3 done, 1 unchanged, 2 refused, 1 conflict`.
    pub fn summary(&self) -> String {
        let mut n = [0usize; 5];
        for r in &self.results {
            n[match r.outcome {
                BulkOutcome::Done(_) => 0,
                BulkOutcome::Unchanged => 1,
                BulkOutcome::Refused(_) => 2,
                BulkOutcome::Conflict(_) => 3,
                BulkOutcome::Failed(_) => 4,
            }] += 1;
        }
        let words = [
            "done",
            "unchanged",
            "refused",
            "changed meanwhile",
            "failed",
        ];
        let parts: Vec<String> = n
            .iter()
            .zip(words)
            .filter(|(c, _)| **c > 0)
            .map(|(c, w)| format!("{c} {w}"))
            .collect();
        parts.join(", ")
    }
}

/// What a queue screen asks the server for: a tab, the `/` filter as
/// typed, and a window of its rows.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct QueueQuery {
    /// 0 is every row; `i` is section `i - 1`.
    pub tab: usize,
    /// The filter as typed (empty: none, queue order).
    pub filter: String,
    /// The first row wanted, and how many.
    pub offset: usize,
    pub limit: usize,
    /// Echoed in the answer, so a screen keeps only the newest.
    pub seq: u64,
}

/// A window of the queue as the server holds it.
#[derive(Debug, Clone, Default, PartialEq, Serialize, Deserialize)]
pub struct QueuePage {
    /// The query this answers.
    pub seq: u64,
    pub tab: usize,
    pub filter: String,
    /// Rows of the tab under the filter.
    pub total: usize,
    /// Every row the operator may see, whatever the tab and the filter.
    #[serde(default)]
    pub all: usize,
    /// Rows in each tab under the filter.
    pub counts: Vec<usize>,
    /// Where `rows` starts in the tab.
    pub offset: usize,
    /// Requester names masked.
    pub rows: Vec<QueueRow>,
    /// Counts up with every change the server applied to its queue.
    pub generation: u64,
    /// For supervisors: what they should know today (operators who reached
    /// a limit).
    #[serde(default)]
    pub notices: Vec<String>,
}

/// Most sections a queue can have.
pub const MAX_SECTIONS: usize = 16;

impl QueueRow {
    /// Something in the case waits for a supervisor's decision.
    pub fn awaits_approval(&self) -> bool {
        self.pending_approvals > 0 || self.case.status == CaseStatus::AwaitingApproval
    }
}

impl SectionFilter {
    /// Whether `row` belongs here, for the operator `me`.
    pub fn matches(&self, row: &QueueRow, me: &str) -> bool {
        let c = &row.case;
        if self.category.is_some_and(|x| x != c.category)
            || self.kind.is_some_and(|k| Some(k) != c.kind)
            || self.law.is_some_and(|l| l != c.law)
            || self.status.is_some_and(|s| s != c.status)
            || self.priority.is_some_and(|p| p != c.priority)
            || self.overdue.is_some_and(|o| o != c.overdue)
            || self
                .awaiting_approval
                .is_some_and(|a| a != row.awaits_approval())
        {
            return false;
        }
        let holder_ok = match &self.assignee {
            SectionAssignee::Anyone => true,
            SectionAssignee::Unassigned => c.assignee.is_none(),
            SectionAssignee::Mine => c.assignee.as_deref() == Some(me),
            SectionAssignee::User(u) => c.assignee.as_deref() == Some(u.as_str()),
        };
        if !holder_ok {
            return false;
        }
        match self.due_within_days {
            None => true,
            Some(n) => {
                c.status.is_open()
                    && !c.overdue
                    && c.days_left.is_some_and(|d| (0..=i64::from(n)).contains(&d))
            }
        }
    }
}

/// The sections a queue has when the configuration names none.
pub fn default_sections() -> Vec<QueueSection> {
    let s = |name: &str, filter: SectionFilter| QueueSection {
        name: name.to_string(),
        filter,
    };
    vec![
        s(
            "Complaints",
            SectionFilter {
                category: Some(Category::Complaint),
                ..Default::default()
            },
        ),
        s(
            "Requests",
            SectionFilter {
                category: Some(Category::RightsRequest),
                ..Default::default()
            },
        ),
        s(
            "Awaiting approval",
            SectionFilter {
                awaiting_approval: Some(true),
                ..Default::default()
            },
        ),
        s(
            "Overdue",
            SectionFilter {
                overdue: Some(true),
                ..Default::default()
            },
        ),
        s(
            "Due this week",
            SectionFilter {
                due_within_days: Some(7),
                ..Default::default()
            },
        ),
        s(
            "Unassigned",
            SectionFilter {
                assignee: SectionAssignee::Unassigned,
                ..Default::default()
            },
        ),
        s(
            "Mine",
            SectionFilter {
                assignee: SectionAssignee::Mine,
                ..Default::default()
            },
        ),
    ]
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::domain::CaseId;
    use chrono::TimeZone;

    fn row(category: Category, assignee: Option<&str>, days_left: Option<i64>) -> QueueRow {
        QueueRow {
            case: CaseSummary {
                id: CaseId::parse("PD-2026-000001").expect("id"),
                version: 1,
                status: CaseStatus::InProgress,
                category,
                kind: None,
                law: Law::Appi,
                priority: Priority::Normal,
                assignee: assignee.map(str::to_string),
                channel: "email".into(),
                received_at: chrono::Utc
                    .with_ymd_and_hms(2026, 1, 5, 1, 0, 0)
                    .single()
                    .expect("time")
                    .fixed_offset(),
                requester_name: None,
                due: None,
                days_left,
                clock_stopped: false,
                overdue: days_left.is_some_and(|d| d < 0),
            },
            pending_approvals: 0,
        }
    }

    #[test]
    fn default_sections_split_rows_as_named() {
        let sections = default_sections();
        let names: Vec<&str> = sections.iter().map(|s| s.name.as_str()).collect();
        assert_eq!(
            names,
            [
                "Complaints",
                "Requests",
                "Awaiting approval",
                "Overdue",
                "Due this week",
                "Unassigned",
                "Mine"
            ]
        );
        let late = row(Category::Complaint, Some("ana"), Some(-2));
        let soon = row(Category::RightsRequest, None, Some(3));
        let mut waiting = row(Category::Inquiry, Some("ben"), Some(20));
        waiting.pending_approvals = 1;
        let hits = |r: &QueueRow| -> Vec<&str> {
            sections
                .iter()
                .filter(|s| s.filter.matches(r, "ana"))
                .map(|s| s.name.as_str())
                .collect()
        };
        assert_eq!(hits(&late), ["Complaints", "Overdue", "Mine"]);
        assert_eq!(hits(&soon), ["Requests", "Due this week", "Unassigned"]);
        assert_eq!(hits(&waiting), ["Awaiting approval"]);
    }

    #[test]
    fn a_named_assignee_and_a_negated_flag_match_exactly() {
        let f = SectionFilter {
            assignee: SectionAssignee::User("ben".into()),
            overdue: Some(false),
            ..Default::default()
        };
        assert!(f.matches(&row(Category::Inquiry, Some("ben"), Some(1)), "ana"));
        assert!(!f.matches(&row(Category::Inquiry, Some("ben"), Some(-1)), "ana"));
        assert!(!f.matches(&row(Category::Inquiry, None, Some(1)), "ana"));
    }
}
