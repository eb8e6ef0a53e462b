//! The frame around every screen: header, message line, status bar, lock panel.

use super::widgets::{fit, safe, width, SPINNER};
use crate::tui::app::{Focus, Level, Screen, State};
use crate::tui::keymap::Command;
use crate::tui::theme::Role as Ui;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn header(s: &State, f: &mut Frame, area: Rect) {
    let title = match s.screen {
        Screen::Search => "Search",
        Screen::Person => "Person",
    };
    let line = Line::from(vec![
        Span::styled(" privdesk ", s.theme.style(Ui::Title)),
        Span::styled(format!(" {title}"), s.theme.style(Ui::Accent)),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

pub fn message(s: &State, f: &mut Frame, area: Rect) {
    let Some(m) = &s.message else { return };
    let (role, mark) = match m.level {
        Level::Info => (Ui::Muted, ""),
        Level::Warning => (Ui::Warning, "! "),
        Level::Error => (Ui::Error, "✗ "),
    };
    let text = fit(&format!(" {mark}{}", safe(&m.text)), area.width as usize);
    f.render_widget(
        Paragraph::new(Span::styled(text, s.theme.style(role))),
        area,
    );
}

/// The first configured key of a command, preferring one that is not plain
/// text when the operator is typing in the query box.
pub fn key_of(s: &State, cmd: Command, typing: bool) -> String {
    let keys = s.keymap.keys_for(cmd);
    let pick = if typing {
        keys.iter().find(|k| k.chars().count() > 1).or(keys.first())
    } else {
        keys.first()
    };
    pick.cloned().unwrap_or_else(|| "-".into())
}

fn hints(s: &State) -> Vec<(String, &'static str)> {
    let typing = s.screen == Screen::Search && s.focus == Focus::Query && s.overlay.is_none();
    let k = |c| key_of(s, c, typing);
    match (s.screen, s.focus) {
        _ if s.locked => vec![("any key".into(), "unlock")],
        (Screen::Search, Focus::Query) => vec![
            ("enter".into(), "search"),
            ("↓".into(), "list"),
            (k(Command::Help), "help"),
            (k(Command::Quit), "quit"),
            (k(Command::Palette), "cmds"),
        ],
        (Screen::Search, Focus::Results) => vec![
            (k(Command::Open), "open"),
            (k(Command::FocusQuery), "search"),
            (k(Command::Help), "help"),
            (k(Command::Quit), "quit"),
            (k(Command::Palette), "cmds"),
        ],
        (Screen::Person, _) => vec![
            (k(Command::Reveal), "reveal"),
            (k(Command::Refresh), "refresh"),
            (k(Command::Back), "back"),
            (k(Command::Help), "help"),
            (k(Command::Quit), "quit"),
        ],
    }
}

/// Who is working, the time, how the systems answered, and the keys that matter now.
pub fn status_bar(s: &State, f: &mut Frame, area: Rect) {
    let bar = s.theme.style(Ui::StatusBar);
    let who = fit(&safe(&s.operator.display_name), 18);
    let mut left = format!(" {who} [{}] {} │", s.operator.role, s.clock);
    match &s.search {
        Some(snap) => {
            let ok = snap
                .systems
                .iter()
                .filter(|x| matches!(x.status, crate::domain::SystemStatus::Ok { .. }))
                .count();
            let failing = snap.failed_systems().len();
            left.push_str(&format!(" {ok} ok"));
            if failing > 0 {
                left.push_str(&format!(" {failing} failing"));
            }
            // Systems already answered may be asked again by the emails and
            // phones found: show that the search is not finished yet.
            if !snap.done {
                left.push_str(&format!(" {}", SPINNER[s.spinner % SPINNER.len()]));
            }
            left.push_str(" │");
        }
        None => left.push_str(&format!(" {} systems │", s.systems.len())),
    }
    let total = area.width as usize;
    let left = fit(&left, total);
    let mut spans = vec![Span::styled(left.clone(), bar)];
    let mut used = width(&left);
    for (key, label) in hints(s) {
        let key = key.replace("ctrl-", "^");
        let piece_w = width(&key) + width(label) + 2;
        if used + piece_w > total {
            break;
        }
        spans.push(Span::styled(format!(" {key}"), s.theme.style(Ui::KeyHint)));
        spans.push(Span::styled(format!(" {label}"), bar));
        used += piece_w;
    }
    if used < total {
        spans.push(Span::styled(" ".repeat(total - used), bar));
    }
    f.render_widget(Paragraph::new(Line::from(spans)), area);
}

pub fn lock(s: &State, f: &mut Frame, area: Rect) {
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Border));
    let lines = vec![
        Line::from(""),
        Line::from(Span::styled("privdesk is locked", s.theme.style(Ui::Title))),
        Line::from(""),
        Line::from(Span::styled(
            "Personal data is hidden after a period without input.",
            s.theme.style(Ui::Muted),
        )),
        Line::from(Span::styled(
            "Revealed values are masked again.",
            s.theme.style(Ui::Muted),
        )),
        Line::from(""),
        Line::from(Span::styled(
            "Press any key to continue.",
            s.theme.style(Ui::Accent),
        )),
    ];
    f.render_widget(
        Paragraph::new(lines)
            .alignment(Alignment::Center)
            .block(block),
        area,
    );
}
