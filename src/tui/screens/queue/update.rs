//! `update` for the queue screen: the server holds the queue and sends
//! the window of rows around the cursor, the counts and, after any change,
//! the window again; the screen asks for another tab, filter or window as
//! the operator moves, marks cases, and bulk assigns or escalates them
//! with a report of what happened to each case.

use crate::tui::app::*;
use crate::tui::keymap::{is_printable_input, Command};
use crate::tui::screens::case::update as case_update;
use crate::tui::update::{form_fallback, show};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Show the queue (opening it in the server: audited).
pub(crate) fn open(s: &mut State) -> Vec<Effect> {
    let mut fx = show(s, |s| QueueView::new(s.queue_sections.clone()));
    match s.screens.get::<QueueView>() {
        Some(q) if q.opened && q.rows.data.is_some() => {}
        _ => fx.extend(load(s)),
    }
    fx
}

/// Open the queue again (audited), as `f` does.
pub(crate) fn load(s: &mut State) -> Vec<Effect> {
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    q.rows.start();
    q.opened = true;
    vec![QueueEffect::Query {
        open: true,
        query: q.query(),
    }
    .into()]
}

/// Ask for the window around the cursor, the tab and the filter as they are.
fn query(q: &mut QueueView) -> Vec<Effect> {
    q.rows.start();
    vec![QueueEffect::Query {
        open: !q.opened,
        query: q.query(),
    }
    .into()]
}

/// A page from the server: an answer or a push.
pub(crate) fn page(
    s: &mut State,
    result: Result<Box<crate::domain::queue::QueuePage>, String>,
) -> Vec<Effect> {
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    match result {
        Ok(page) => {
            // An answer to an older query (or a push about one) is dropped:
            // the newest is on its way.
            if page.seq < q.rows.gen {
                return vec![];
            }
            q.take_page(*page);
            if q.needs_window() {
                return query(q);
            }
        }
        Err(e) => {
            q.rows.finish(Err(e.clone()));
            s.error(e);
        }
    }
    vec![]
}

/// The filter text changed: ask the server (the rows shown stay until it answers).
fn filter_changed(q: &mut QueueView) -> Vec<Effect> {
    q.to_top = true;
    q.cursor = 0;
    query(q)
}

/// Keys the queue takes before the keymap: popups and the filter box.
/// `None` lets the keymap handle the key.
pub(crate) fn key(s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
    let q = s.screens.get_mut::<QueueView>()?;
    if let Some(popup) = q.popup.take() {
        return Some(popup_key(s, popup, k));
    }
    if !q.typing {
        return None;
    }
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    let fx = match k.code {
        KeyCode::Char(c) if is_printable_input(&k) => {
            q.filter.insert(c);
            filter_changed(q)
        }
        KeyCode::Backspace => {
            q.filter.backspace();
            filter_changed(q)
        }
        KeyCode::Delete => {
            q.filter.delete();
            filter_changed(q)
        }
        KeyCode::Char('u') if ctrl => {
            q.filter.clear_to_start();
            filter_changed(q)
        }
        KeyCode::Char('w') if ctrl => {
            q.filter.delete_word();
            filter_changed(q)
        }
        KeyCode::Left => {
            q.filter.left();
            vec![]
        }
        KeyCode::Right => {
            q.filter.right();
            vec![]
        }
        KeyCode::Home => {
            q.filter.home();
            vec![]
        }
        KeyCode::End => {
            q.filter.end();
            vec![]
        }
        KeyCode::Tab => return Some(run(s, Command::QueueNextSection)),
        KeyCode::BackTab => return Some(run(s, Command::QueuePrevSection)),
        KeyCode::Down => return Some(crate::tui::update::run_command(s, Command::MoveDown)),
        KeyCode::Up => return Some(crate::tui::update::run_command(s, Command::MoveUp)),
        KeyCode::Enter => {
            q.typing = false;
            vec![]
        }
        KeyCode::Esc => {
            q.typing = false;
            q.filter = Default::default();
            filter_changed(q)
        }
        _ => return Some(form_fallback(s, k)),
    };
    Some(fx)
}

fn popup_key(s: &mut State, popup: QueuePopup, k: KeyEvent) -> Vec<Effect> {
    let choices = s.case_settings.assignees.len() + 1;
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    match popup {
        QueuePopup::Assign { mut selected } => {
            match k.code {
                KeyCode::Esc => return vec![],
                KeyCode::Down | KeyCode::Char('j') | KeyCode::Tab => {
                    selected = (selected + 1).min(choices - 1)
                }
                KeyCode::Up | KeyCode::Char('k') | KeyCode::BackTab => {
                    selected = selected.saturating_sub(1)
                }
                KeyCode::Enter => {
                    let who = match selected {
                        0 => None,
                        i => s.case_settings.assignees.get(i - 1).map(|(u, _)| u.clone()),
                    };
                    return bulk(s, BulkOp::Assign(who));
                }
                _ => {}
            }
            q.popup = Some(QueuePopup::Assign { selected });
            vec![]
        }
        QueuePopup::ConfirmEscalate => match k.code {
            KeyCode::Char('y') | KeyCode::Enter => bulk(s, BulkOp::Escalate),
            KeyCode::Char('n') | KeyCode::Esc => vec![],
            _ => {
                q.popup = Some(QueuePopup::ConfirmEscalate);
                vec![]
            }
        },
        // Keys wait until the change is done.
        QueuePopup::Working(op) => {
            q.popup = Some(QueuePopup::Working(op));
            vec![]
        }
        QueuePopup::Report(mut r) => {
            match k.code {
                KeyCode::Down | KeyCode::Char('j') => {
                    r.scroll = (r.scroll + 1).min(r.results.len().saturating_sub(1))
                }
                KeyCode::Up | KeyCode::Char('k') => r.scroll = r.scroll.saturating_sub(1),
                // Any other key closes it.
                _ => return vec![],
            }
            q.popup = Some(QueuePopup::Report(r));
            vec![]
        }
    }
}

/// Start `op` on the marked cases (or the one under the cursor).
fn bulk(s: &mut State, op: BulkOp) -> Vec<Effect> {
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    let items = q.targets();
    if items.is_empty() {
        s.info("no case to change: the list is empty");
        return vec![];
    }
    q.popup = Some(QueuePopup::Working(op.clone()));
    vec![QueueEffect::Bulk { op, items }.into()]
}

pub(crate) fn bulk_done(s: &mut State, op: BulkOp, results: Vec<BulkResult>) -> Vec<Effect> {
    let report = BulkReport {
        op,
        results,
        scroll: 0,
    };
    let summary = format!("{}: {}", report.op.title(), report.summary());
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    // What went through is unmarked; refused and conflicting cases stay
    // marked, to look at and retry (the server sends the rows again).
    for r in &report.results {
        match r.outcome {
            BulkOutcome::Done(_) | BulkOutcome::Unchanged => {
                q.marked.shift_remove(&r.id);
            }
            _ => {}
        }
    }
    let all_ok = report
        .results
        .iter()
        .all(|r| matches!(r.outcome, BulkOutcome::Done(_) | BulkOutcome::Unchanged));
    q.popup = Some(QueuePopup::Report(report));
    if all_ok {
        s.info(summary);
    } else {
        s.warn(summary);
    }
    vec![]
}

/// Every case of the section: mark them all, or unmark them if all were.
pub(crate) fn ids(
    s: &mut State,
    result: Result<Vec<(crate::domain::CaseId, i64)>, String>,
) -> Vec<Effect> {
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    match result {
        Ok(all) => {
            if all.iter().all(|(id, _)| q.marked.contains_key(id)) {
                for (id, _) in &all {
                    q.marked.shift_remove(id);
                }
            } else {
                q.marked.extend(all);
            }
        }
        Err(e) => s.error(e),
    }
    vec![]
}

/// Queue commands (and the list commands the queue reads its own way).
pub(crate) fn run(s: &mut State, cmd: Command) -> Vec<Effect> {
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    match cmd {
        Command::QueueNextSection | Command::QueuePrevSection => {
            let n = q.tabs();
            q.tab = if cmd == Command::QueueNextSection {
                (q.tab + 1) % n
            } else {
                (q.tab + n - 1) % n
            };
            q.cursor = 0;
            q.keep = None;
            return query(q);
        }
        Command::FocusQuery => q.typing = true,
        Command::QueueMark => {
            if let Some((id, version)) = q.current().map(|r| (r.case.id, r.case.version)) {
                if q.marked.shift_remove(&id).is_none() {
                    q.marked.insert(id, version);
                }
                // On to the next row, to mark several in a row.
                q.cursor = (q.cursor + 1).min(q.total().saturating_sub(1));
                q.keep = q.current().map(|r| r.case.id);
                if q.needs_window() {
                    return query(q);
                }
            }
        }
        Command::QueueMarkAll => {
            let mut all = q.query();
            all.offset = 0;
            return vec![QueueEffect::Ids(all).into()];
        }
        Command::QueueAssign => {
            if q.targets().is_empty() {
                s.info("no case to assign");
                return vec![];
            }
            q.popup = Some(QueuePopup::Assign { selected: 0 });
        }
        Command::QueueEscalate => {
            if q.targets().is_empty() {
                s.info("no case to escalate");
                return vec![];
            }
            q.popup = Some(QueuePopup::ConfirmEscalate);
        }
        Command::ReloadQueue => return load(s),
        Command::Open => {
            let id = q.current().map(|r| r.case.id);
            return match id {
                Some(id) => case_update::open_case(s, id, None),
                None => {
                    s.info("no case selected");
                    vec![]
                }
            };
        }
        Command::Back if !q.filter.is_empty() => {
            q.filter = Default::default();
            return filter_changed(q);
        }
        Command::Back if !q.marked.is_empty() => {
            let n = q.marked.len();
            q.marked.clear();
            s.info(format!("{n} marks cleared"));
        }
        _ => {}
    }
    vec![]
}

/// Whether Esc clears something of the queue (the filter, then the marks)
/// instead of leaving it.
pub(crate) fn back_clears(s: &State) -> bool {
    s.screens
        .get::<QueueView>()
        .is_some_and(|q| !q.filter.is_empty() || !q.marked.is_empty())
}

/// Text pasted while typing the filter goes into it.
pub(crate) fn paste(s: &mut State, text: &str) -> Option<Vec<Effect>> {
    let q = s
        .screens
        .get_mut::<QueueView>()
        .filter(|q| q.typing && q.popup.is_none())?;
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    q.filter.insert_str(&clean);
    Some(filter_changed(q))
}

/// Move the cursor by `delta` rows; the window follows.
pub(crate) fn move_by(s: &mut State, delta: i64) -> Vec<Effect> {
    let Some(q) = s.screens.get_mut::<QueueView>() else {
        return vec![];
    };
    let len = q.total();
    if len == 0 {
        return vec![];
    }
    q.cursor = (q.cursor as i64)
        .saturating_add(delta)
        .clamp(0, len as i64 - 1) as usize;
    q.keep = q.current().map(|r| r.case.id);
    let outside = q.current().is_none();
    if outside || q.needs_window() {
        return query(q);
    }
    vec![]
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: QueueMsg) -> Vec<Effect> {
    match m {
        QueueMsg::Page(result) => page(s, result),
        QueueMsg::Ids(result) => ids(s, result),
        QueueMsg::BulkDone { op, results } => bulk_done(s, op, results),
    }
}
