//! The search: the query box's keys, sending a query, and the answers as
//! the systems send them.

use super::msgs::*;
use crate::domain::{SearchSnapshot, SystemStatus};
use crate::tui::app::{Effect, Focus, State};
use crate::tui::drafts;
use crate::tui::keymap::{is_printable_input, Command};
use crate::tui::update::edited;
use crossterm::event::{KeyCode, KeyEvent, KeyModifiers};

/// The shortest query sent to the systems.
pub const MIN_QUERY_CHARS: usize = 2;

/// An answer (or more of one) to the search `gen`.
pub fn updated(s: &mut State, gen: u64, snapshot: SearchSnapshot) -> Vec<Effect> {
    if gen != s.search_gen {
        return vec![];
    }
    if snapshot.done {
        let failed: Vec<String> = snapshot
            .failed_systems()
            .iter()
            .map(|f| format!("{}: {}", f.system, f.status.message().unwrap_or_default()))
            .collect();
        let cut: Vec<String> = snapshot
            .systems
            .iter()
            .filter(|x| x.truncated && !x.status.is_failure())
            .map(|x| match &x.status {
                SystemStatus::Ok { count, .. } => format!("{} (first {count})", x.system),
                _ => x.system.clone(),
            })
            .collect();
        if let Some(err) = &snapshot.audit_error {
            s.error(format!(
                "the search was not written to the audit log: {err}"
            ));
        } else if !failed.is_empty() {
            s.warn(failed.join("; "));
        } else if !cut.is_empty() {
            s.warn(format!(
                "more records than shown from {}; narrow the search (an email or phone)",
                cut.join(", ")
            ));
        } else if snapshot.persons.is_empty() {
            s.info("no customer found in any system");
        }
        // Otherwise the message line stays: it was cleared when the
        // search started, so whatever it says now came later (a
        // reveal cancelled or refused meanwhile) and still matters.
    }
    let n = snapshot.persons.len();
    s.search = Some(snapshot);
    s.selected = s.selected.min(n.saturating_sub(1));
    vec![]
}

/// The search `gen` failed as a whole.
pub fn failed(s: &mut State, gen: u64, error: String) -> Vec<Effect> {
    if gen != s.search_gen {
        return vec![];
    }
    s.search = None;
    s.error(error);
    vec![]
}

/// Keys of the query box; `None` lets the keymap handle the key.
pub fn query_key(s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
    let ctrl = k.modifiers.contains(KeyModifiers::CONTROL);
    match k.code {
        // No name, e-mail or phone holds `?` or `:`: in the query box they
        // stay the help and palette keys.
        KeyCode::Char('?' | ':') if is_printable_input(&k) && !ctrl => return None,
        KeyCode::Char(c) if is_printable_input(&k) => {
            s.query.insert(c);
            edited(s);
        }
        KeyCode::Enter => return Some(submit(s)),
        KeyCode::Down | KeyCode::Tab if !s.persons().is_empty() => s.focus = Focus::Results,
        KeyCode::Backspace => {
            s.query.backspace();
            edited(s);
        }
        KeyCode::Delete => {
            s.query.delete();
            edited(s);
        }
        KeyCode::Left => s.query.left(),
        KeyCode::Right => s.query.right(),
        KeyCode::Home => s.query.home(),
        KeyCode::End => s.query.end(),
        KeyCode::Char('a') if ctrl => s.query.home(),
        KeyCode::Char('e') if ctrl => s.query.end(),
        KeyCode::Char('u') if ctrl => {
            s.query.clear_to_start();
            edited(s);
        }
        KeyCode::Char('w') if ctrl => {
            s.query.delete_word();
            edited(s);
        }
        _ => return None,
    }
    Some(vec![])
}

/// Send the query box's text to every system.
fn submit(s: &mut State) -> Vec<Effect> {
    let q = s.query.text().trim().to_string();
    if q.is_empty() {
        s.error("type a name, an email or a phone number, then Enter");
        return vec![];
    }
    // A lone letter is a command key typed into the box, not a customer.
    if q.chars().count() < MIN_QUERY_CHARS {
        s.warn(format!(
            "nothing searched: type at least {MIN_QUERY_CHARS} characters of a name, an email or a phone number; letter keys are typed here, {} and {} run commands from anywhere",
            s.keymap.typing_hint(Command::Palette),
            s.keymap.typing_hint(Command::Help)
        ));
        return vec![];
    }
    s.search_gen += 1;
    s.search = None;
    s.selected = 0;
    s.message = None;
    // The text is sent now: it is no longer a draft.
    s.draft_saved = s.query.text().to_string();
    vec![
        SearchEffect::Start {
            gen: s.search_gen,
            query: q,
        }
        .into(),
        drafts::save(s, drafts::QUERY, String::new()),
    ]
}

/// A letter typed in the result list goes to the query box.
pub fn type_into_query(s: &mut State, k: &KeyEvent) {
    if is_printable_input(k) {
        if let KeyCode::Char(c) = k.code {
            s.focus = Focus::Query;
            s.query.insert(c);
            edited(s);
        }
    }
}

/// A message for this screen (an answer to one of its effects).
pub fn message(s: &mut State, m: SearchMsg) -> Vec<Effect> {
    match m {
        SearchMsg::Update { gen, snapshot } => updated(s, gen, *snapshot),
        SearchMsg::Failed { gen, error } => failed(s, gen, error),
    }
}
