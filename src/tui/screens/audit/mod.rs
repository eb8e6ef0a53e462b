//! The audit trail: entries, filters, chain verification and a person's export.

pub mod effects;
pub mod msgs;
pub mod state;
pub mod update;
pub mod view;

use super::{Hint, HintKey, Screen};
use crate::tui::app::{Effect, State};
use crate::tui::keymap::{Command, Context};
use crossterm::event::KeyEvent;
use ratatui::layout::Rect;
use ratatui::Frame;

pub struct Audit;

impl Screen for Audit {
    fn context(&self) -> Option<Context> {
        Some(Context::Audit)
    }

    fn title(&self, _s: &State) -> String {
        "Audit trail".into()
    }

    fn hints(&self, s: &State) -> Vec<Hint> {
        use HintKey::{Cmd, Text};
        if update::prompting(s) {
            return vec![
                (Text("enter"), "ok"),
                (Text("tab"), "next"),
                (Text("esc"), "cancel"),
            ];
        }
        vec![
            (Cmd(Command::AuditFilters), "filter"),
            (Cmd(Command::AuditVerify), "verify"),
            (Cmd(Command::AuditExport), "export"),
            (Cmd(Command::Back), "back"),
            (Cmd(Command::Help), "help"),
        ]
    }

    fn key(&self, s: &mut State, k: KeyEvent) -> Option<Vec<Effect>> {
        update::prompting(s).then(|| update::prompt_key(s, k))
    }

    fn paste(&self, s: &mut State, text: &str) -> Option<Vec<Effect>> {
        if !update::prompting(s) {
            return None;
        }
        update::paste(s, text);
        Some(vec![])
    }

    fn command(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        let fx = match cmd {
            Command::AuditFilters => {
                update::open_filters(s);
                vec![]
            }
            Command::AuditVerify => update::verify(s),
            Command::AuditExport => {
                update::open_export(s);
                vec![]
            }
            Command::ReloadAudit => update::load(s),
            _ => return None,
        };
        Some(fx)
    }

    fn open_from_anywhere(&self, s: &mut State, cmd: Command) -> Option<Vec<Effect>> {
        (cmd == Command::AuditLog).then(|| update::open(s))
    }

    fn move_by(&self, s: &mut State, delta: i64) -> Vec<Effect> {
        update::move_by(s, delta);
        vec![]
    }

    fn draw(&self, s: &State, f: &mut Frame, area: Rect) {
        view::draw(s, f, area)
    }
}
