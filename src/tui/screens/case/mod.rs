//! One case: its deadline, notes, replies, and the dialogs that change it.

pub mod effects;
pub mod forms;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{Hint, HintKey, Screen};
use crate::tui::app::CaseScreen;
use crate::tui::app::{DialogKind, Effect, State};
use crate::tui::form::Form;
use crate::tui::keymap::{Command, Context};
use crate::tui::screens::actions::update as actions;
use crossterm::event::KeyEvent;
use msgs::*;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Case;

impl Screen for Case {
    fn context(&self) -> Option<Context> {
        Some(Context::Case)
    }

    fn title(&self, s: &State) -> String {
        match s.screens.get::<CaseScreen>() {
            Some(c) => format!("Case {}", c.id),
            None => "Case".into(),
        }
    }

    fn hints(&self, _s: &State) -> Vec<Hint> {
        use HintKey::Cmd;
        vec![
            (Cmd(Command::AddNote), "note"),
            (Cmd(Command::AddReply), "reply"),
            (Cmd(Command::ChangeStatus), "status"),
            (Cmd(Command::OpenActions), "actions"),
            (Cmd(Command::Back), "back"),
            (Cmd(Command::Help), "help"),
        ]
    }

    fn form_open(&self, s: &State) -> bool {
        s.screens
            .get::<CaseScreen>()
            .is_some_and(|c| c.dialog.is_some())
    }

    fn key(&self, s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
        self.form_open(s).then(|| update::dialog_key(s, k))
    }

    fn form<'a>(&self, s: &'a mut State) -> Option<&'a mut Form> {
        Some(&mut s.screens.get_mut::<CaseScreen>()?.dialog.as_mut()?.form)
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        let dialog = |s: &mut State, kind| Some(update::open_dialog(s, kind));
        match cmd {
            Command::AddNote => dialog(s, DialogKind::Note),
            Command::AddReply => dialog(s, DialogKind::Reply),
            Command::ChangeStatus => dialog(s, DialogKind::Status),
            Command::Assign => dialog(s, DialogKind::Assign),
            Command::VerifyIdentity => dialog(s, DialogKind::Verify),
            Command::WriteLetter => dialog(s, DialogKind::Letter),
            Command::RevealContact => {
                update::reveal_contact(s);
                Some(vec![])
            }
            Command::ReloadCase => Some(update::reload_case(s)),
            Command::LinkRecords => Some(crate::tui::link_update::start(s)),
            Command::OpenActions => Some(actions::open(s)),
            Command::BuildPackage => Some(actions::package(s, false)),
            Command::VerifyPackage => Some(actions::package(s, true)),
            _ => None,
        }
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        update::scroll(s, delta);
        vec![]
    }

    fn mask(&self, s: &mut State) {
        if let Some(c) = s.screens.get_mut::<CaseScreen>() {
            c.revealed = false;
        }
    }

    /// What was done above the case (actions, tasks, packages, decisions)
    /// changes its timeline: it is loaded again.
    fn returned(&self, s: &mut State) -> Vec<Effect> {
        update::reload_case(s)
    }

    /// The case is loaded again when someone changed it, unless a dialog
    /// is open (its text must not jump) or a load is on its way.
    fn store_changed(&self, s: &mut State) -> Vec<Effect> {
        match s.screens.get::<CaseScreen>() {
            Some(c) if c.dialog.is_none() && !c.view.loading => match &c.view.data {
                Some(v) => vec![CaseEffect::Refresh {
                    id: c.id,
                    version: v.case.version,
                    revealed: c.revealed,
                }
                .into()],
                None => vec![],
            },
            _ => vec![],
        }
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
