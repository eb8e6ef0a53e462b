//! The refusal that replaces every screen when the operator may no longer
//! use the desk (removed from the configuration, role reduced), and the
//! keys that work while refused.

use super::app::{Effect, State};
use super::drafts;
use super::keymap::{Command, Context};
use super::update::run_command;
use crossterm::event::{KeyCode, KeyEvent};
use std::time::Instant;

/// The desk's answer: a refusal hides every screen and forgets what was
/// shown (typed text is kept as drafts first); a later "yes" lifts it.
pub fn checked(s: &mut State, result: Result<(), String>) -> Vec<Effect> {
    match result {
        Ok(()) => {
            if s.refused.take().is_some() {
                s.info("access restored");
            }
            vec![]
        }
        Err(why) => {
            if s.refused.is_none() {
                tracing::warn!("session refused by the desk");
            }
            s.refused = Some(why);
            let fx = drafts::sync(s, Instant::now(), true);
            // Answers still on their way are dropped when they arrive.
            s.search_gen += 1;
            s.search = None;
            s.screens.clear();
            s.overlay = None;
            fx
        }
    }
}

/// Keys while refused: quit, or ask again.
pub fn key(s: &mut State, k: KeyEvent) -> Vec<Effect> {
    match k.code {
        KeyCode::Char('r') | KeyCode::Enter => {
            s.access_checked = Instant::now();
            vec![Effect::CheckAccess]
        }
        _ => match s.keymap.command_for(Context::Global, &k) {
            Some(Command::Quit) => run_command(s, Command::Quit),
            _ => vec![],
        },
    }
}
