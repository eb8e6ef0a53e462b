//! The case list ("my cases") and its tabs.

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{step, Hint, HintKey, Screen};
use crate::tui::app::CasesView;
use crate::tui::app::{Effect, State};
use crate::tui::keymap::{Command, Context};
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Cases;

impl Screen for Cases {
    fn context(&self) -> Option<Context> {
        Some(Context::Cases)
    }

    fn title(&self, _s: &State) -> String {
        "My cases".into()
    }

    fn hints(&self, _s: &State) -> Vec<Hint> {
        use HintKey::Cmd;
        vec![
            (Cmd(Command::Open), "open"),
            (Cmd(Command::CasesView), "view"),
            (Cmd(Command::Back), "back"),
            (Cmd(Command::Help), "help"),
            (Cmd(Command::Quit), "quit"),
        ]
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        match cmd {
            Command::Open => Some(update::open_selected(s)),
            Command::CasesView => Some(update::next_tab(s)),
            Command::ReloadCases => Some(update::load(s)),
            _ => None,
        }
    }

    fn open_from_anywhere(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        (cmd == Command::Cases).then(|| update::open(s))
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        if let Some(c) = s.screens.get_mut::<CasesView>() {
            if let Some(next) = step(c.rows.data.len(), c.selected, delta) {
                c.selected = next;
            }
        }
        vec![]
    }

    /// The list keeps its tab for the next visit; it is loaded again then.
    fn keeps_place(&self) -> bool {
        true
    }

    /// The list may have changed while a case was open.
    fn returned(&self, s: &mut State) -> Vec<Effect> {
        update::load(s)
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
