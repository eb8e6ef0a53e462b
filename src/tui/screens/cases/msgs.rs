//! The messages the case list receives and the work it asks for.

use crate::domain::{CaseFilter, CaseSummary};

/// What comes back to the case list.
#[derive(Debug, Clone)]
pub enum CasesMsg {
    Loaded {
        gen: u64,
        result: Result<Vec<CaseSummary>, String>,
    },
}

/// Work the case list asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum CasesEffect {
    Load { gen: u64, filter: CaseFilter },
}
