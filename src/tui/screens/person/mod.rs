//! One person: their records in every system, masked until revealed with a purpose.

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{step, Hint, HintKey, Screen};
use crate::tui::app::PersonView;
use crate::tui::app::{Effect, State};
use crate::tui::keymap::{Command, Context};
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Person;

impl Screen for Person {
    fn context(&self) -> Option<Context> {
        Some(Context::Person)
    }

    fn title(&self, _s: &State) -> String {
        "Person".into()
    }

    fn hints(&self, s: &State) -> Vec<Hint> {
        use HintKey::Cmd;
        if s.linking.is_some() {
            return vec![
                (Cmd(Command::LinkToCase), "link to case"),
                (Cmd(Command::Reveal), "reveal"),
                (Cmd(Command::Back), "back"),
                (Cmd(Command::Help), "help"),
                (Cmd(Command::Quit), "quit"),
            ];
        }
        vec![
            (Cmd(Command::Reveal), "reveal"),
            (Cmd(Command::NewCase), "case"),
            (Cmd(Command::Back), "back"),
            (Cmd(Command::Help), "help"),
            (Cmd(Command::Quit), "quit"),
        ]
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        let fx = match cmd {
            Command::Reveal => {
                update::reveal(s);
                vec![]
            }
            Command::RevealValue => {
                update::reveal_value(s);
                vec![]
            }
            Command::Refresh => update::refresh(s),
            Command::NewCase => super::new_case::update::open(s, true),
            Command::LinkToCase => {
                crate::tui::link_update::open(s);
                vec![]
            }
            Command::NextRecord => self.move_by(s, 1),
            Command::PrevRecord => self.move_by(s, -1),
            _ => return None,
        };
        Some(fx)
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        if let Some(p) = s.screens.get_mut::<PersonView>() {
            if let Some(next) = step(p.person.records.len(), p.selected, delta) {
                p.selected = next;
            }
        }
        vec![]
    }

    fn mask(&self, s: &mut State) {
        if let Some(p) = s.screens.get_mut::<PersonView>() {
            p.mask();
        }
    }

    /// Revealed values do not follow the operator to the next screen.
    fn covered(&self, s: &mut State) {
        self.mask(s)
    }

    fn shows_systems(&self) -> bool {
        true
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
