//! Views: pure functions from the state to a frame. They never change state.

mod chrome;
pub mod due;
pub mod form;
pub mod hours;
mod overlays;
pub use overlays::help_entries;
mod refused;
pub mod widgets;

pub use crate::tui::screens::person::view::field_label;

use super::app::{Screen, State};
use ratatui::layout::{Constraint, Layout};
use ratatui::Frame;

/// Draw the whole screen.
pub fn view(s: &State, f: &mut Frame) {
    // The message area grows with the message: it is never cut short.
    let area = f.area();
    let message_lines = chrome::message_lines(s, area.width as usize, area.height / 4);
    let [header, body, message, status] = Layout::vertical([
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(message_lines.len().max(1) as u16),
        Constraint::Length(1),
    ])
    .areas(area);
    if let Some(why) = &s.refused {
        refused::draw(s, why, f, body);
        chrome::status_bar(s, f, status);
        return;
    }
    if s.locked {
        chrome::lock(s, f, body);
        chrome::status_bar(s, f, status);
        return;
    }
    chrome::header(s, f, header);
    match s.screen {
        Screen::Search => crate::tui::screens::search::view::draw(s, f, body),
        Screen::Person => crate::tui::screens::person::view::draw(s, f, body),
        Screen::Cases => crate::tui::screens::cases::view::draw(s, f, body),
        Screen::Case => crate::tui::screens::case::view::draw(s, f, body),
        Screen::NewCase => crate::tui::screens::new_case::view::draw(s, f, body),
        Screen::Actions => crate::tui::screens::actions::view::draw(s, f, body),
        Screen::Inbox => crate::tui::screens::inbox::view::draw(s, f, body),
        Screen::Report => crate::tui::screens::report::view::draw(s, f, body),
        Screen::Audit => crate::tui::screens::audit::view::draw(s, f, body),
        Screen::Queue => crate::tui::screens::queue::view::draw(s, f, body),
    }
    chrome::message(f, message, message_lines);
    chrome::status_bar(s, f, status);
    overlays::draw(s, f, f.area());
}
