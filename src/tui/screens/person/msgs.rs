//! The messages the person screen receives and the work it asks for.

use crate::domain::Record;

/// What comes back to the person screen.
#[derive(Debug, Clone)]
pub enum PersonMsg {
    /// The person's records as the systems sent them, or why not.
    Revealed {
        key: (String, String),
        result: Result<crate::desk::Revealed, String>,
    },
    /// One value of one record, as its system sent it, or why not.
    FieldRevealed {
        key: (String, String),
        field: String,
        result: Result<crate::desk::Revealed, String>,
    },
    Fetched {
        key: (String, String),
        result: Result<Box<Record>, String>,
    },
}

/// Work the person screen asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum PersonEffect {
    Reveal {
        key: (String, String),
        records: Vec<Record>,
        purpose: String,
    },
    RevealField {
        key: (String, String),
        record: (String, String),
        field: String,
        purpose: String,
    },
    Fetch {
        key: (String, String),
    },
}
