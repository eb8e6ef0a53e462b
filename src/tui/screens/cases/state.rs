//! The case list's state: which tab, the rows loaded, the cursor.

use crate::domain::CaseSummary;
use crate::tui::load::Load;

/// Which cases the list shows.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum CasesTab {
    /// Open cases assigned to the operator.
    Mine,
    /// Open cases nobody holds.
    Unassigned,
    /// Every case not closed.
    AllOpen,
}

impl CasesTab {
    pub const ALL: [CasesTab; 3] = [CasesTab::Mine, CasesTab::Unassigned, CasesTab::AllOpen];

    pub fn label(self) -> &'static str {
        match self {
            CasesTab::Mine => "Mine",
            CasesTab::Unassigned => "Unassigned",
            CasesTab::AllOpen => "All open",
        }
    }

    /// The tab after this one (wrapping around).
    pub fn next(self) -> CasesTab {
        match self {
            CasesTab::Mine => CasesTab::Unassigned,
            CasesTab::Unassigned => CasesTab::AllOpen,
            CasesTab::AllOpen => CasesTab::Mine,
        }
    }
}

/// The case list screen.
#[derive(Debug, Clone, PartialEq)]
pub struct CasesView {
    pub tab: CasesTab,
    /// The cases of the tab.
    pub rows: Load<Vec<CaseSummary>>,
    pub selected: usize,
}
