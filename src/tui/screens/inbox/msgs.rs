//! The messages the approval inbox receives and the work it asks for.

use crate::desk::ActionView;

/// What comes back to the approval inbox.
#[derive(Debug, Clone)]
pub enum InboxMsg {
    Loaded {
        result: Result<Vec<ActionView>, String>,
    },
}

/// Work the approval inbox asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum InboxEffect {
    Load,
}
