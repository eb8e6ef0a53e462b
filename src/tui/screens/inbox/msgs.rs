//! The messages the approval inbox receives and the work it asks for.

use crate::desk::ActionView;
use crate::tui::screens::actions::decision::Decision;

/// What comes back to the approval inbox.
#[derive(Debug, Clone)]
pub enum InboxMsg {
    Loaded {
        result: Result<Vec<ActionView>, String>,
    },
    /// The desk decided an action (or refused to).
    Decided {
        /// `A-3`.
        action: String,
        approve: bool,
        result: Result<Box<ActionView>, String>,
    },
}

/// Work the approval inbox asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum InboxEffect {
    Load,
    /// Approve or deny with the reason typed.
    Decide(Decision),
}
