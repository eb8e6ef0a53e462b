//! The messages the report receives and the work it asks for.

/// What comes back to the report.
#[derive(Debug, Clone)]
pub enum ReportMsg {
    Loaded {
        gen: u64,
        result: Result<Box<crate::domain::report::Report>, String>,
    },
}

/// Work the report asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum ReportEffect {
    Load { gen: u64 },
}
