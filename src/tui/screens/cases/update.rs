//! The case list: opening it on a tab, loading it, opening a case from it.

use crate::domain::{AssigneeFilter, CaseFilter, CaseSummary, Role};
use crate::tui::app::*;
use crate::tui::load::Load;
use crate::tui::update::show;

/// The case list, on the tab last used (mine first; all open for auditors,
/// who hold no cases).
pub(crate) fn open(s: &mut State) -> Vec<Effect> {
    let mut fx = show(s, |s| CasesView {
        tab: if s.operator.role == Role::Auditor {
            CasesTab::AllOpen
        } else {
            CasesTab::Mine
        },
        rows: Load::default(),
        selected: 0,
    });
    fx.extend(load(s));
    fx
}

/// The filter of a tab.
pub fn filter_for(tab: CasesTab, me: &str) -> CaseFilter {
    CaseFilter {
        assignee: match tab {
            CasesTab::Mine => AssigneeFilter::User(me.to_string()),
            CasesTab::Unassigned => AssigneeFilter::Unassigned,
            CasesTab::AllOpen => AssigneeFilter::Anyone,
        },
        ..CaseFilter::default()
    }
}

/// Ask for the list of the current tab again.
pub(crate) fn load(s: &mut State) -> Vec<Effect> {
    let me = s.operator.username.clone();
    let Some(cv) = s.screens.get_mut::<CasesView>() else {
        return vec![];
    };
    let gen = cv.rows.start();
    vec![CasesEffect::Load {
        gen,
        filter: filter_for(cv.tab, &me),
    }
    .into()]
}

pub(crate) fn next_tab(s: &mut State) -> Vec<Effect> {
    if let Some(cv) = s.screens.get_mut::<CasesView>() {
        cv.tab = cv.tab.next();
        cv.selected = 0;
        cv.rows.data.clear();
    }
    load(s)
}

pub(crate) fn loaded(
    s: &mut State,
    gen: u64,
    result: Result<Vec<CaseSummary>, String>,
) -> Vec<Effect> {
    let Some(cv) = s
        .screens
        .get_mut::<CasesView>()
        .filter(|c| c.rows.awaits(gen))
    else {
        return vec![];
    };
    if let Ok(rows) = &result {
        cv.selected = cv.selected.min(rows.len().saturating_sub(1));
    }
    if let Some(e) = cv.rows.finish(result) {
        s.error(e);
    }
    vec![]
}

pub(crate) fn open_selected(s: &mut State) -> Vec<Effect> {
    let id = s
        .screens
        .get::<CasesView>()
        .and_then(|c| c.rows.data.get(c.selected))
        .map(|r| r.id);
    match id {
        Some(id) => crate::tui::screens::case::update::open_case(s, id, None),
        None => {
            s.info("no case selected");
            vec![]
        }
    }
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: CasesMsg) -> Vec<Effect> {
    match m {
        CasesMsg::Loaded { gen, result } => loaded(s, gen, result),
    }
}
