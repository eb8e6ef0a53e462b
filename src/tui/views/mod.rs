//! Views: pure functions from the state to a frame. They never change state.

mod actions;
mod audit;
pub mod case;
mod cases;
mod chrome;
pub mod due;
mod form;
pub mod hours;
mod inbox;
mod new_case;
mod overlays;
pub use overlays::help_entries;
mod person;
mod queue;
mod refused;
mod report;
mod search;
pub mod widgets;

pub use person::field_label;

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
        Screen::Search => search::draw(s, f, body),
        Screen::Person => person::draw(s, f, body),
        Screen::Cases => cases::draw(s, f, body),
        Screen::Case => case::draw(s, f, body),
        Screen::NewCase => new_case::draw(s, f, body),
        Screen::Actions => actions::draw(s, f, body),
        Screen::Inbox => inbox::draw(s, f, body),
        Screen::Report => report::draw(s, f, body),
        Screen::Audit => audit::draw(s, f, body),
        Screen::Queue => queue::draw(s, f, body),
    }
    chrome::message(f, message, message_lines);
    chrome::status_bar(s, f, status);
    overlays::draw(s, f, f.area());
}
