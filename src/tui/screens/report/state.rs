//! The report screen's state: the report as last loaded, or why not.

use crate::domain::report::Report;

/// The report screen.
#[derive(Debug, Clone, Default)]
pub struct ReportScreen {
    /// A load is on its way.
    pub loading: bool,
    /// Generation of the last load; older answers are dropped.
    pub gen: u64,
    pub report: Option<Report>,
    /// Why the report could not be loaded (e.g. not allowed).
    pub error: Option<String>,
    /// First row of the response-times table shown.
    pub scroll: usize,
}
