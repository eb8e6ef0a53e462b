//! The approval inbox's state: the actions waiting, the one selected, the
//! reason being typed.

use crate::desk::ActionView;
use crate::tui::app::ActionDialog;
use crate::tui::load::Load;

/// The approval inbox: actions waiting for a supervisor, the selected
/// one's dry run below the list.
#[derive(Debug, Clone, PartialEq)]
pub struct InboxScreen {
    pub rows: Load<Vec<ActionView>>,
    pub selected: usize,
    pub dialog: Option<ActionDialog>,
    /// How far the selected action's dry run is scrolled (page keys).
    pub scroll: u16,
}

impl InboxScreen {
    pub fn new() -> InboxScreen {
        InboxScreen {
            rows: Load::new(Vec::new(), true),
            selected: 0,
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
