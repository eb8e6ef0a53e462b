//! The search screen: the query box and the persons found across the systems.

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{step, Hint, HintKey, Screen};
use crate::tui::app::{Effect, Focus, State};
use crate::tui::keymap::Command;
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Search;

impl Screen for Search {
    fn title(&self, _s: &State) -> String {
        "Search".into()
    }

    fn hints(&self, s: &State) -> Vec<Hint> {
        use HintKey::{Cmd, Text};
        match s.focus {
            Focus::Query => vec![
                (Text("enter"), "search"),
                (Text("↓"), "list"),
                (Cmd(Command::Help), "help"),
                (Cmd(Command::Quit), "quit"),
                (Cmd(Command::Palette), "cmds"),
            ],
            Focus::Results => vec![
                (Cmd(Command::Open), "open"),
                (Cmd(Command::FocusQuery), "search"),
                (Cmd(Command::Help), "help"),
                (Cmd(Command::Quit), "quit"),
                (Cmd(Command::Palette), "cmds"),
            ],
        }
    }

    fn typing(&self, s: &State) -> bool {
        s.focus == Focus::Query
    }

    fn key(&self, s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
        if s.focus == Focus::Query {
            return update::query_key(s, k);
        }
        None
    }

    fn unbound_key(&self, s: &mut State, k: &KeyEvent) {
        update::type_into_query(s, k)
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        match cmd {
            Command::Back => {
                match s.focus {
                    Focus::Results => s.focus = Focus::Query,
                    Focus::Query if !s.persons().is_empty() => s.focus = Focus::Results,
                    Focus::Query => {}
                }
                Some(vec![])
            }
            Command::Open => Some(super::person::update::open(s)),
            _ => None,
        }
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        if let Some(next) = step(s.persons().len(), s.selected, delta) {
            s.selected = next;
            s.focus = Focus::Results;
        }
        vec![]
    }

    fn returned(&self, s: &mut State) -> Vec<Effect> {
        s.focus = if s.persons().is_empty() {
            Focus::Query
        } else {
            Focus::Results
        };
        vec![]
    }

    fn shows_systems(&self) -> bool {
        true
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
