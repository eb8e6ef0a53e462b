//! The messages the case screen receives and the work it asks for.

use crate::desk::CaseView;
use crate::domain::{Case, CaseId};
use crate::tui::app::*;

/// What comes back to the case screen.
#[derive(Debug, Clone)]
pub enum CaseMsg {
    Loaded {
        id: CaseId,
        result: Result<Box<CaseView>, String>,
    },
    Changed {
        id: CaseId,
        /// The draft key of the dialog that asked for it.
        key: Option<String>,
        change: CaseChange,
        result: Result<Box<Case>, ChangeError>,
    },
    /// The case with its contact details unmasked, or why not.
    Revealed {
        id: CaseId,
        result: Result<Box<crate::desk::RevealedCase>, String>,
    },
}

/// Work the case screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum CaseEffect {
    /// Load a case; `revealed` keeps its contact details shown (when this
    /// session revealed them).
    Load {
        id: CaseId,
        revealed: bool,
    },
    /// Change a case the operator saw at `version`.
    Change {
        id: CaseId,
        version: i64,
        change: CaseChange,
        key: Option<String>,
    },
    Reveal {
        id: CaseId,
        purpose: String,
    },
    /// Load the case again if it is no longer at `version`.
    Refresh {
        id: CaseId,
        version: i64,
        revealed: bool,
    },
}
