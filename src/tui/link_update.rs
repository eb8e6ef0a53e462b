//! Linking more records to a case from the desk: `L` on the case starts a
//! search (the requester's name filled in, not yet sent: searches are
//! audited), Enter on the person found opens them, and `L` there picks which
//! of their records to link. The desk links them (additive, audited in the
//! case's timeline) and the case is shown again with them.

use super::app::*;
use super::screens::case::update as case_update;
use super::update::{push, show};
use crate::domain::text::escape_controls;
use crate::domain::{LinkedRecord, Role};
use crossterm::event::{KeyCode, KeyEvent};

/// On the case screen: remember the case and go to the search box.
pub(crate) fn start(s: &mut State) -> Vec<Effect> {
    if s.operator.role == Role::Auditor {
        s.warn("auditors are read-only: they cannot link records");
        return vec![];
    }
    let Some(view) = s
        .screens
        .get::<CaseScreen>()
        .and_then(|c| c.view.data.as_deref())
    else {
        s.info("the case is still loading");
        return vec![];
    };
    let (case, version) = (view.case.id, view.case.version);
    let name = view.case.requester.name.as_deref().map(escape_controls);
    s.linking = Some(LinkTarget { case, version });
    push(s, ScreenState::Search(SearchScreen));
    s.focus = Focus::Query;
    if s.query.is_empty() {
        if let Some(n) = name {
            s.query = crate::tui::input::TextInput::new(&n);
        }
    }
    s.info(format!(
        "linking records to {case}: Enter searches, Enter on the person opens them, L picks the records"
    ));
    vec![]
}

/// On the person screen: pick which of their records to link.
pub(crate) fn open(s: &mut State) {
    let Some(target) = s.linking.clone() else {
        s.info("to link records to a case, press L on the case: it brings you here");
        return;
    };
    let Some(pv) = s.screens.get::<PersonView>() else {
        s.info("open a person first (Enter on a result)");
        return;
    };
    let linked: Vec<LinkedRecord> = s
        .screens
        .get::<CaseScreen>()
        .filter(|c| c.id == target.case)
        .and_then(|c| c.view.data.as_deref())
        .map(|v| v.links.clone())
        .unwrap_or_default();
    let records: Vec<(LinkedRecord, bool)> = pv
        .person
        .records
        .iter()
        .filter(|r| {
            !linked
                .iter()
                .any(|l| l.system == r.system && l.record_id == r.id)
        })
        .map(|r| {
            (
                LinkedRecord {
                    system: r.system.clone(),
                    record_id: r.id.clone(),
                    display_name: r.name.as_deref().map(escape_controls),
                },
                true,
            )
        })
        .collect();
    if records.is_empty() {
        s.info(format!(
            "every record of this person is linked to {} already",
            target.case
        ));
        return;
    }
    s.overlay = Some(Overlay::Link(LinkDialog {
        case: target.case,
        version: target.version,
        records,
        cursor: 0,
    }));
}

/// Keys of the pick list: ↑/↓ move, space ticks, Enter links, Esc closes.
pub(crate) fn key(s: &mut State, mut d: LinkDialog, k: KeyEvent) -> Vec<Effect> {
    let n = d.records.len();
    match k.code {
        KeyCode::Esc => {
            s.info(format!(
                "nothing linked; L picks again, or search for someone else to link to {}",
                d.case
            ));
            return vec![];
        }
        KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
            d.cursor = (d.cursor + 1).min(n.saturating_sub(1))
        }
        KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
            d.cursor = d.cursor.saturating_sub(1)
        }
        KeyCode::Char(' ') => {
            if let Some(r) = d.records.get_mut(d.cursor) {
                r.1 = !r.1;
            }
        }
        KeyCode::Char('a') => {
            let all = d.records.iter().all(|r| r.1);
            d.records.iter_mut().for_each(|r| r.1 = !all);
        }
        KeyCode::Enter => {
            let chosen: Vec<LinkedRecord> = d
                .records
                .iter()
                .filter(|r| r.1)
                .map(|r| r.0.clone())
                .collect();
            if chosen.is_empty() {
                s.warn("nothing ticked: space ticks a record, Esc closes");
                s.overlay = Some(Overlay::Link(d));
                return vec![];
            }
            s.linking = None;
            s.info(format!("linking {} record(s) to {}…", chosen.len(), d.case));
            let mut fx = if s
                .screens
                .get::<CaseScreen>()
                .is_some_and(|c| c.id == d.case)
            {
                show(s, |_| CaseScreen::new(d.case))
            } else {
                case_update::open_case(s, d.case, None)
            };
            fx.push(
                CaseEffect::Change {
                    id: d.case,
                    version: d.version,
                    change: CaseChange::Link(chosen),
                    key: None,
                }
                .into(),
            );
            return fx;
        }
        _ => {}
    }
    s.overlay = Some(Overlay::Link(d));
    vec![]
}
