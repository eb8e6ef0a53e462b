//! The actions panel of a case: prepare, approve, run, and the jobs and
//! tasks of each. The approval inbox (`../inbox`) shares its dialogs and
//! its update.

pub mod decision;
pub mod effects;
pub mod forms;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{Hint, HintKey, Screen};
use crate::tui::app::ActionsScreen;
use crate::tui::app::{ActionDialogKind, Effect, State};
use crate::tui::keymap::{Command, Context};
use crate::tui::update::FormHooks;
use msgs::*;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Actions;

impl Screen for Actions {
    fn context(&self) -> Option<Context> {
        Some(Context::Actions)
    }

    fn title(&self, s: &State) -> String {
        match s.screens.get::<ActionsScreen>() {
            Some(a) => format!("Actions · {}", a.case),
            None => "Actions".into(),
        }
    }

    fn hints(&self, s: &State) -> Vec<Hint> {
        use HintKey::Cmd;
        if s.screens
            .get::<ActionsScreen>()
            .is_some_and(|a| a.previewing())
        {
            return vec![
                (Cmd(Command::Open), "create it"),
                (Cmd(Command::Back), "back to the form"),
                (Cmd(Command::Help), "help"),
            ];
        }
        vec![
            (Cmd(Command::PrepareAction), "prepare"),
            (Cmd(Command::RunAction), "run"),
            (Cmd(Command::Open), "dry run"),
            (Cmd(Command::Back), "back"),
            (Cmd(Command::Help), "help"),
        ]
    }

    fn form_hooks(&self) -> Option<&'static FormHooks> {
        Some(&update::FORM)
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        let fx = match cmd {
            Command::Back => update::back(s),
            Command::Open => update::open_selected(s),
            Command::PrepareAction => update::prepare(s),
            Command::ApproveAction => update::decide(s, true),
            Command::DenyAction => update::decide(s, false),
            Command::RunAction => update::run(s),
            Command::RetryJob => update::job_command(s, None),
            Command::SkipJob => update::job_command(s, Some(ActionDialogKind::Skip)),
            Command::JobToManual => update::job_command(s, Some(ActionDialogKind::Manual)),
            Command::CompleteTask => update::job_command(s, Some(ActionDialogKind::TaskDone)),
            Command::ReloadActions => update::reload(s),
            _ => return None,
        };
        Some(fx)
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        update::move_by(s, delta);
        vec![]
    }

    /// An approval or a job's state shows up on the panel without a key,
    /// unless a form is open.
    fn store_changed(&self, s: &mut State) -> Vec<Effect> {
        if update::has_form(s) {
            return vec![];
        }
        match s.screens.get::<ActionsScreen>() {
            Some(a) if !a.loaded.loading => vec![ActionsEffect::Load { case: a.case }.into()],
            _ => vec![],
        }
    }

    fn reconnected(&self, s: &mut State, shown: bool) -> Vec<Effect> {
        match s.screens.get::<ActionsScreen>() {
            Some(a) if shown => vec![ActionsEffect::Load { case: a.case }.into()],
            _ => vec![],
        }
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
