//! The report screen's state: the report as last loaded, or why not.

use crate::domain::report::Report;
use crate::tui::load::Load;

/// The report screen.
#[derive(Debug, Clone, Default)]
pub struct ReportScreen {
    /// The report (an error: e.g. not allowed).
    pub report: Load<Option<Report>>,
    /// First row of the response-times table shown.
    pub scroll: usize,
}
