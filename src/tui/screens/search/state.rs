//! The search screen's state on the stack. The query, the results and
//! the selection live in `State`: the status bar and the linking of
//! records read them from every screen.

/// The search screen (it keeps nothing of its own).
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct SearchScreen;
