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

use super::app::State;
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
    crate::tui::screens::current(s).draw(s, f, body);
    chrome::message(f, message, message_lines);
    chrome::status_bar(s, f, status);
    overlays::draw(s, f, f.area());
}
