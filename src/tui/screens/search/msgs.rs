//! The messages the search receives and the work it asks for.

use crate::domain::SearchSnapshot;

/// What comes back to the search.
#[derive(Debug, Clone)]
pub enum SearchMsg {
    Update {
        gen: u64,
        snapshot: Box<SearchSnapshot>,
    },
    Failed {
        gen: u64,
        error: String,
    },
}

/// Work the search asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum SearchEffect {
    Start { gen: u64, query: String },
}
