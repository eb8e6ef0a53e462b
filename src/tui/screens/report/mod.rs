//! Counts, response times and deadlines met (supervisors, auditors).

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{Hint, HintKey, Screen};
use crate::tui::app::{Effect, State};
use crate::tui::keymap::Command;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Report;

impl Screen for Report {
    fn title(&self, _s: &State) -> String {
        "Report".into()
    }

    fn hints(&self, _s: &State) -> Vec<Hint> {
        use HintKey::Cmd;
        vec![
            (Cmd(Command::Report), "reload"),
            (Cmd(Command::MoveDown), "scroll"),
            (Cmd(Command::Back), "back"),
            (Cmd(Command::Help), "help"),
            (Cmd(Command::Quit), "quit"),
        ]
    }

    fn open_from_anywhere(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        (cmd == Command::Report).then(|| update::open(s))
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        update::scroll(s, delta);
        vec![]
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
