//! What the server pushes to a session on its events stream, one JSON line
//! each, so no client polls: changes to cases and actions (whoever made
//! them, through whichever session), the rows of an open queue, and the
//! operator losing (or regaining) access.

use crate::domain::queue::QueuePage;
use crate::domain::CaseId;
use serde::{Deserialize, Serialize};

#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
#[serde(tag = "event", rename_all = "snake_case")]
pub enum Event {
    /// The events stream is open: every change from here on is pushed.
    Ready,
    /// Cases or actions changed. `cases` lists the cases concerned; empty
    /// means any (a change the server learnt of from the store itself).
    Changed {
        cases: Vec<CaseId>,
        /// Actions, jobs or approvals changed (the inbox may differ).
        actions: bool,
    },
    /// The open queue's rows and counts after a change.
    Queue { page: QueuePage },
    /// The operator may no longer use the desk: why.
    Refused { reason: String },
    /// The operator may use the desk again.
    Restored,
    /// The server is stopping; clients reconnect to its successor.
    Closing { reason: String },
}
