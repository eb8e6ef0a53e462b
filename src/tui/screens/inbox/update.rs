//! The approval inbox: opening and loading it, and its messages; approving
//! and denying are the actions panel's update (`../actions/update.rs`).

use crate::desk::ActionView;
use crate::tui::app::*;
use crate::tui::update::show;

/// The approval inbox.
pub(crate) fn open(s: &mut State) -> Vec<Effect> {
    let mut fx = show(s, |_| InboxScreen::new());
    s.message = None;
    fx.extend(load(s));
    fx
}

pub(crate) fn load(s: &mut State) -> Vec<Effect> {
    match s.screens.get_mut::<InboxScreen>() {
        Some(i) => {
            i.rows.loading = true;
            vec![InboxEffect::Load.into()]
        }
        None => vec![],
    }
}

pub(crate) fn loaded(s: &mut State, result: Result<Vec<ActionView>, String>) -> Vec<Effect> {
    let Some(i) = s.screens.get_mut::<InboxScreen>() else {
        return vec![];
    };
    if let Ok(rows) = &result {
        i.selected = i.selected.min(rows.len().saturating_sub(1));
    }
    if let Some(e) = i.rows.finish(result) {
        s.error(e);
    }
    vec![]
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: InboxMsg) -> Vec<Effect> {
    match m {
        InboxMsg::Loaded { result } => loaded(s, result),
    }
}
