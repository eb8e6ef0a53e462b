//! The new-case form, with the duplicate check before creating.

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{Hint, Screen};
use crate::tui::app::NewCaseScreen;
use crate::tui::app::{Effect, State};
use crate::tui::form::Form;
use crate::tui::keymap::Command;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct NewCase;

impl Screen for NewCase {
    /// The form takes every typed key: only global commands apply.
    fn lists(&self) -> bool {
        false
    }

    fn title(&self, _s: &State) -> String {
        "New case".into()
    }

    fn hints(&self, _s: &State) -> Vec<Hint> {
        vec![]
    }

    fn form_open(&self, _s: &State) -> bool {
        true
    }

    fn key(&self, s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
        Some(update::key(s, k))
    }

    fn form<'a>(&self, s: &'a mut State) -> Option<&'a mut Form> {
        Some(&mut s.screens.get_mut::<NewCaseScreen>()?.form)
    }

    fn open_from_anywhere(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        (cmd == Command::NewBlankCase).then(|| update::open(s, false))
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
