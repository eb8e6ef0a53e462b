//! The messages the new-case form receives and the work it asks for.

use crate::desk::DuplicateQuery;
use crate::domain::{Case, CaseId, CaseSummary, NewCase};
use crate::tui::app::*;

/// What comes back to the new-case form.
#[derive(Debug, Clone)]
pub enum NewCaseMsg {
    /// Open cases for the person or contact of the new-case form `key`.
    DuplicatesFound {
        key: String,
        result: Result<Vec<CaseSummary>, String>,
    },
    Created {
        /// The draft key of the form.
        key: String,
        result: Result<Box<Case>, CreateError>,
        /// Created, but something after it failed (e.g. setting the fee).
        warning: Option<String>,
    },
}

/// Work the new-case form asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum NewCaseEffect {
    FindDuplicates {
        key: String,
        query: DuplicateQuery,
    },
    /// Check for open cases of the same person or contact (`seen` are the
    /// ones the operator was shown), then create the case and set the fee.
    Create {
        key: String,
        new: Box<NewCase>,
        fee: Option<u32>,
        seen: Vec<CaseId>,
        /// Requester fields the form had only masked: the server takes them
        /// from the linked records.
        fill: Vec<String>,
    },
}
