//! The messages the queue receives and the work it asks for.

use crate::domain::CaseId;
use crate::tui::app::*;

/// What comes back to the queue.
#[derive(Debug, Clone)]
pub enum QueueMsg {
    /// A window of the queue: the answer to a query, or a push after a change.
    Page(Result<Box<crate::domain::queue::QueuePage>, String>),
    /// Every case of the section shown (for marking them all).
    Ids(Result<Vec<(CaseId, i64)>, String>),
    BulkDone {
        op: BulkOp,
        results: Vec<BulkResult>,
    },
}

/// Work the queue asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum QueueEffect {
    /// Ask the server for a window of the queue; `open` opens it (audited),
    /// otherwise the open queue moves (another tab, filter or window).
    Query {
        open: bool,
        query: crate::domain::queue::QueueQuery,
    },
    /// Every case of the section shown, with the versions.
    Ids(crate::domain::queue::QueueQuery),
    /// Make one change to each case, at the version seen, one by one.
    Bulk {
        op: BulkOp,
        items: Vec<(CaseId, i64)>,
    },
}
