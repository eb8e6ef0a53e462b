//! The approval inbox's state: the actions waiting, the one selected, the
//! reason being typed.

use crate::desk::ActionView;
use crate::tui::app::ActionDialog;

/// The approval inbox: actions waiting for a supervisor, the selected
/// one's dry run below the list.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxScreen {
    pub rows: Vec<ActionView>,
    pub selected: usize,
    pub loading: bool,
    pub error: Option<String>,
    pub dialog: Option<ActionDialog>,
    /// How far the selected action's dry run is scrolled (page keys).
    pub scroll: u16,
}

impl InboxScreen {
    pub fn new() -> InboxScreen {
        InboxScreen {
            rows: Vec::new(),
            selected: 0,
            loading: true,
            error: None,
            dialog: None,
            scroll: 0,
        }
    }
}

impl Default for InboxScreen {
    fn default() -> Self {
        InboxScreen::new()
    }
}
