//! The approval inbox's messages; approving and denying are the actions
//! panel's update (`../actions/update.rs`).

use crate::tui::app::*;

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: InboxMsg) -> Vec<Effect> {
    match m {
        InboxMsg::Loaded { result } => {
            crate::tui::screens::actions::update::inbox_loaded(s, result)
        }
    }
}
