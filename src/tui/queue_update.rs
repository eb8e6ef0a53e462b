//! `update` for the queue screen: loading (and reloading when another
//! session changed something), sections, the `/` filter (answered by the
//! filter worker), marking cases, and bulk assign / escalate with a report
//! of what happened to each case.

use super::app::*;
use super::case_update;
use super::keymap::{is_printable_input, Command};
use super::queue_filter::{FilterJob, FilterResult};
use super::update::{form_fallback, go};
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// Show the queue (loading it, audited).
pub(crate) fn open(s: &mut State) -> Vec<Effect> {
    if s.queue.is_none() {
        s.queue = Some(QueueView::new(s.queue_sections.clone()));
    }
    go(s, Screen::Queue);
    load(s, false)
}

/// Ask for the queue again; `live` when another session changed something.
pub(crate) fn load(s: &mut State, live: bool) -> Vec<Effect> {
    let me = s.operator.username.clone();
    let Some(q) = s.queue.as_mut() else {
        return vec![];
    };
    s.cases_gen += 1;
    q.gen = s.cases_gen;
    q.loading = true;
    q.stale = false;
    vec![Effect::LoadQueue {
        gen: q.gen,
        live,
        sections: q.sections.clone(),
        me,
    }]
}

fn job(q: &QueueView, gen: u64, data: &QueueData) -> Effect {
    Effect::FilterQueue(FilterJob {
        gen,
        seq: q.seq,
        query: q.filter.text().to_string(),
        hay: data.hay.clone(),
    })
}

pub(crate) fn loaded(
    s: &mut State,
    gen: u64,
    result: Result<Box<QueueData>, String>,
) -> Vec<Effect> {
    let Some(q) = s.queue.as_mut().filter(|q| q.gen == gen) else {
        return vec![];
    };
    q.loading = false;
    let mut fx = Vec::new();
    match result {
        Ok(data) => {
            q.error = None;
            let data = *data;
            // Marks of cases no longer in the queue go.
            let ids: std::collections::HashSet<_> = data.rows.iter().map(|r| r.case.id).collect();
            q.marked.retain(|id| ids.contains(id));
            if q.filter.text().trim().is_empty() {
                q.data = Some(data);
                q.data_gen = gen;
                q.hits = None;
                q.next = None;
                q.refresh();
            } else {
                // Shown once the filter has answered for the new rows.
                q.seq += 1;
                fx.push(job(q, gen, &data));
                q.next = Some((gen, data));
            }
        }
        Err(e) => {
            q.error = Some(e.clone());
            s.error(e);
        }
    }
    if s.queue.as_ref().is_some_and(|q| q.stale) {
        fx.extend(load(s, true));
    }
    fx
}

pub(crate) fn filtered(s: &mut State, r: FilterResult) -> Vec<Effect> {
    let Some(q) = s.queue.as_mut() else {
        return vec![];
    };
    if r.seq != q.seq {
        return vec![];
    }
    if q.next.as_ref().is_some_and(|(g, _)| *g == r.gen) {
        if let Some((g, data)) = q.next.take() {
            q.data = Some(data);
            q.data_gen = g;
        }
    } else if r.gen != q.data_gen {
        return vec![];
    }
    q.applied = r.seq;
    q.hits = if q.filter.text().trim().is_empty() {
        None
    } else {
        Some(r.hits)
    };
    q.refresh();
    if std::mem::take(&mut q.to_top) {
        q.cursor = 0;
    }
    vec![]
}

/// The filter text changed: ask the worker (the rows shown stay until it answers).
fn filter_changed(q: &mut QueueView) -> Vec<Effect> {
    q.seq += 1;
    q.to_top = true;
    if q.filter.text().trim().is_empty() {
        // A load waiting for the filter's answer needs none now.
        if let Some((g, data)) = q.next.take() {
            q.data = Some(data);
            q.data_gen = g;
        }
        q.hits = None;
        q.applied = q.seq;
        q.to_top = false;
        q.refresh();
        return vec![];
    }
    match (&q.next, &q.data) {
        (Some((g, data)), _) => vec![job(q, *g, data)],
        (None, Some(data)) => vec![job(q, q.data_gen, data)],
        (None, None) => vec![],
    }
}

/// Keys the queue takes before the keymap: popups and the filter box.
/// `None` lets the keymap handle the key.
pub(crate) fn key(s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
    let q = s.queue.as_mut()?;
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
        KeyCode::Down => return Some(super::update::run_command(s, Command::MoveDown)),
        KeyCode::Up => return Some(super::update::run_command(s, Command::MoveUp)),
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
    let Some(q) = s.queue.as_mut() else {
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
    let Some(q) = s.queue.as_mut() else {
        return vec![];
    };
    let items = q.targets();
    if items.is_empty() {
        s.info("no case to change: the list is empty");
        return vec![];
    }
    q.popup = Some(QueuePopup::Working(op.clone()));
    vec![Effect::QueueBulk { op, items }]
}

pub(crate) fn bulk_done(s: &mut State, op: BulkOp, results: Vec<BulkResult>) -> Vec<Effect> {
    let report = BulkReport {
        op,
        results,
        scroll: 0,
    };
    let summary = format!("{}: {}", report.op.title(), report.summary());
    let Some(q) = s.queue.as_mut() else {
        return vec![];
    };
    // What went through is unmarked; refused and conflicting cases stay
    // marked, to look at and retry after the reload.
    for r in &report.results {
        if matches!(r.outcome, BulkOutcome::Done(_) | BulkOutcome::Unchanged) {
            q.marked.remove(&r.id);
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
    load(s, true)
}

/// Something changed in the store: bring the queue (if shown) and the case
/// on screen (unless a dialog is open on it) up to date.
pub(crate) fn store_changed(s: &mut State) -> Vec<Effect> {
    match s.screen {
        Screen::Queue => match s.queue.as_mut() {
            Some(q) if q.loading => {
                q.stale = true;
                vec![]
            }
            Some(_) => load(s, true),
            None => vec![],
        },
        Screen::Case => {
            if let Some(q) = s.queue.as_mut() {
                q.stale = true;
            }
            match &s.case {
                Some(c) if c.dialog.is_none() && !c.loading => match &c.view {
                    Some(v) => vec![Effect::RefreshCase {
                        id: c.id,
                        version: v.case.version,
                    }],
                    None => vec![],
                },
                _ => vec![],
            }
        }
        // A new action to approve shows up without a key, unless the
        // supervisor is typing a reason.
        Screen::Inbox if !super::action_update::has_form(s) => {
            if let Some(q) = s.queue.as_mut() {
                q.stale = true;
            }
            match &s.inbox {
                Some(i) if !i.loading => super::action_update::load_inbox(s),
                _ => vec![],
            }
        }
        _ => {
            if let Some(q) = s.queue.as_mut() {
                q.stale = true;
            }
            vec![]
        }
    }
}

/// Queue commands (and the list commands the queue reads its own way).
pub(crate) fn run(s: &mut State, cmd: Command) -> Vec<Effect> {
    let Some(q) = s.queue.as_mut() else {
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
            q.refresh();
            q.cursor = 0;
        }
        Command::FocusQuery => q.typing = true,
        Command::QueueMark => {
            if let Some(id) = q.current().map(|r| r.case.id) {
                if !q.marked.remove(&id) {
                    q.marked.insert(id);
                }
                // On to the next row, to mark several in a row.
                q.cursor = (q.cursor + 1).min(q.visible.len().saturating_sub(1));
            }
        }
        Command::QueueMarkAll => {
            let Some(data) = &q.data else {
                return vec![];
            };
            let shown: Vec<_> = q
                .visible
                .iter()
                .filter_map(|&i| data.rows.get(i as usize).map(|r| r.case.id))
                .collect();
            if shown.iter().all(|id| q.marked.contains(id)) {
                for id in &shown {
                    q.marked.remove(id);
                }
            } else {
                q.marked.extend(shown);
            }
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
        Command::ReloadQueue => return load(s, false),
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
    s.queue
        .as_ref()
        .is_some_and(|q| !q.filter.is_empty() || !q.marked.is_empty())
}

/// Text pasted while typing the filter goes into it.
pub(crate) fn paste(s: &mut State, text: &str) -> Option<Vec<Effect>> {
    let q = s.queue.as_mut().filter(|q| q.typing && q.popup.is_none())?;
    let clean: String = text.chars().filter(|c| !c.is_control()).collect();
    q.filter.insert_str(&clean);
    Some(filter_changed(q))
}

/// Move the cursor by `delta` rows.
pub(crate) fn move_by(s: &mut State, delta: i64) {
    let Some(q) = s.queue.as_mut() else { return };
    let len = q.visible.len();
    if len == 0 {
        return;
    }
    q.cursor = (q.cursor as i64)
        .saturating_add(delta)
        .clamp(0, len as i64 - 1) as usize;
}
