//! What replaces every screen once the desk refuses the operator (removed
//! from the configuration, or given a role with fewer rights): nothing
//! personal stays on screen.

use super::widgets::{safe, wrap};
use crate::tui::app::State;
use crate::tui::keymap::Command;
use crate::tui::theme::Role as Ui;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(s: &State, why: &str, f: &mut Frame, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Error));
    let w = area.width.saturating_sub(4) as usize;
    let mut lines = vec![
        Line::from(""),
        Line::from(Span::styled("Access refused", s.theme.style(Ui::Error))),
        Line::from(""),
    ];
    for l in wrap(&safe(why), w) {
        lines.push(Line::from(Span::styled(l, s.theme.style(Ui::Muted))));
    }
    lines.extend([
        Line::from(""),
        Line::from(Span::styled(
            "Nothing more can be read or changed in this session.",
            s.theme.style(Ui::Muted),
        )),
        Line::from(Span::styled(
            "Unsent text is kept as a draft.",
            s.theme.style(Ui::Muted),
        )),
        Line::from(""),
        Line::from(Span::styled(
            format!(
                "Press {} to leave, r to check again.",
                super::chrome::key_of(s, Command::Quit, false)
            ),
            s.theme.style(Ui::Accent),
        )),
    ]);
    f.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .block(block),
        area,
    );
}
