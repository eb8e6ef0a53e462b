//! The queue: every case the operator may see, by section, with bulk changes.

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{Hint, HintKey, Screen};
use crate::tui::app::QueueView;
use crate::tui::app::{Effect, State};
use crate::tui::keymap::{Command, Context};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Queue;

impl Screen for Queue {
    fn context(&self) -> Option<Context> {
        Some(Context::Queue)
    }

    fn title(&self, _s: &State) -> String {
        "Queue".into()
    }

    fn hints(&self, s: &State) -> Vec<Hint> {
        use HintKey::{Cmd, Text};
        if s.screens.get::<QueueView>().is_some_and(|q| q.typing) {
            return vec![
                (Text("enter"), "keep"),
                (Text("esc"), "clear"),
                (Text("↑↓"), "move"),
                (Cmd(Command::Help), "help"),
            ];
        }
        vec![
            (Cmd(Command::Open), "open"),
            (Cmd(Command::FocusQuery), "filter"),
            (Cmd(Command::QueueMark), "mark"),
            (Cmd(Command::QueueAssign), "assign"),
            (Cmd(Command::QueueEscalate), "escalate"),
            (Cmd(Command::QueueNextSection), "section"),
            (Cmd(Command::Help), "help"),
        ]
    }

    fn key(&self, s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
        update::key(s, k)
    }

    fn paste(&self, s: &mut State, text: &str) -> Option<Vec<Effect>> {
        update::paste(s, text)
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        match cmd {
            // Back first clears the filter and the marks, then leaves.
            Command::Back if !update::back_clears(s) => None,
            Command::Back
            | Command::FocusQuery
            | Command::Open
            | Command::QueueNextSection
            | Command::QueuePrevSection
            | Command::QueueMark
            | Command::QueueMarkAll
            | Command::QueueAssign
            | Command::QueueEscalate
            | Command::ReloadQueue => Some(update::run(s, cmd)),
            _ => None,
        }
    }

    fn open_from_anywhere(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        (cmd == Command::Queue).then(|| update::open(s))
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        update::move_by(s, delta)
    }

    /// The queue keeps its section, filter and cursor for the next visit.
    fn keeps_place(&self) -> bool {
        true
    }

    /// The new session knows nothing of the old one: the queue is opened
    /// (and audited) again.
    fn reconnected(&self, s: &mut State, shown: bool) -> Vec<Effect> {
        let Some(q) = s.screens.get_mut::<QueueView>() else {
            return vec![];
        };
        q.opened = false;
        if shown {
            return update::load(s);
        }
        vec![]
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
