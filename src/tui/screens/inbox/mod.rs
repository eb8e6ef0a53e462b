//! Actions awaiting a supervisor's approval, approved or denied here with
//! a reason.

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{Hint, HintKey, Screen};
use crate::tui::app::InboxScreen;
use crate::tui::app::{Effect, State};
use crate::tui::keymap::{Command, Context};
use crate::tui::update::FormHooks;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Inbox;

impl Screen for Inbox {
    fn context(&self) -> Option<Context> {
        Some(Context::Inbox)
    }

    fn title(&self, _s: &State) -> String {
        "Approval inbox".into()
    }

    fn hints(&self, _s: &State) -> Vec<Hint> {
        use HintKey::Cmd;
        vec![
            (Cmd(Command::InboxApprove), "approve"),
            (Cmd(Command::InboxDeny), "deny"),
            (Cmd(Command::Open), "case"),
            (Cmd(Command::Back), "back"),
            (Cmd(Command::Help), "help"),
        ]
    }

    fn form_hooks(&self) -> Option<&'static FormHooks> {
        Some(&update::FORM)
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        let fx = match cmd {
            Command::Back => crate::tui::update::back(s),
            Command::Open => update::open_selected(s),
            Command::InboxApprove => update::decide(s, true),
            Command::InboxDeny => update::decide(s, false),
            Command::ReloadInbox => update::load(s),
            _ => return None,
        };
        Some(fx)
    }

    fn open_from_anywhere(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        (cmd == Command::ApprovalInbox).then(|| update::open(s))
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        update::move_by(s, delta);
        vec![]
    }

    /// A new action to approve shows up without a key, unless the
    /// supervisor is typing a reason.
    fn store_changed(&self, s: &mut State) -> Vec<Effect> {
        if update::has_form(s) {
            return vec![];
        }
        match s.screens.get::<InboxScreen>() {
            Some(i) if !i.rows.loading => update::load(s),
            _ => vec![],
        }
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
