//! The frame around every screen: header, message line, status bar, lock panel.

use super::widgets::{fit, safe, width, wrap, SPINNER};
use crate::tui::app::{Level, State};
use crate::tui::keymap::Command;
use crate::tui::screens::{self, HintKey};
use crate::tui::theme::Role as Ui;
use ratatui::layout::{Alignment, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn header(s: &State, f: &mut Frame, area: Rect) {
    let title = screens::current(s).title(s);
    let line = Line::from(vec![
        Span::styled(" privdesk ", s.theme.style(Ui::Title)),
        Span::styled(format!(" {title}"), s.theme.style(Ui::Accent)),
    ]);
    f.render_widget(Paragraph::new(line), area);
}

/// The message line(s): the server's loss above all else, else the last
/// message, wrapped to `w` in at most `max` rows (at least one); a message
/// longer than that ends with where to read it whole.
pub fn message_lines(s: &State, w: usize, max: u16) -> Vec<Line<'static>> {
    let (role, mark, text) = match (&s.server_lost, &s.message) {
        (Some(why), _) => (Ui::Warning, "! ", why.as_str()),
        (None, Some(m)) => match m.level {
            Level::Info => (Ui::Muted, "", m.text.as_str()),
            Level::Warning => (Ui::Warning, "! ", m.text.as_str()),
            Level::Error => (Ui::Error, "✗ ", m.text.as_str()),
        },
        (None, None) => return Vec::new(),
    };
    let indent = 1 + mark.chars().count();
    let rows = wrap(text, w.saturating_sub(indent + 1).max(8));
    let max = usize::from(max.max(1));
    let mut out: Vec<Line<'static>> = Vec::new();
    for (i, r) in rows.iter().enumerate() {
        if i + 1 == max && rows.len() > max {
            let more = format!(" ({} shows it all)", key_of(s, Command::Messages, false));
            let room = w.saturating_sub(indent + width(&more) + 1);
            let lead = if i == 0 {
                format!(" {mark}")
            } else {
                " ".repeat(indent)
            };
            out.push(Line::from(Span::styled(
                format!("{lead}{}{more}", fit(r, room)),
                s.theme.style(role),
            )));
            break;
        }
        let lead = if i == 0 {
            format!(" {mark}")
        } else {
            " ".repeat(indent)
        };
        out.push(Line::from(Span::styled(
            format!("{lead}{r}"),
            s.theme.style(role),
        )));
    }
    out
}

pub fn message(f: &mut Frame, area: Rect, lines: Vec<Line<'static>>) {
    f.render_widget(Paragraph::new(lines), area);
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
    let screen = screens::current(s);
    let in_form = screen.form_open(s);
    let typing = screen.typing(s) && s.overlay.is_none();
    let k = |c| key_of(s, c, typing);
    if s.refused.is_some() {
        return vec![("r".into(), "check again"), (k(Command::Quit), "quit")];
    }
    if s.locked {
        return vec![("any key".into(), "unlock")];
    }
    if in_form {
        return vec![
            ("ctrl-s".into(), "save"),
            ("tab".into(), "next"),
            ("esc".into(), "close"),
            (k(Command::Help), "help"),
        ];
    }
    screen
        .hints(s)
        .into_iter()
        .map(|(key, label)| match key {
            HintKey::Cmd(c) => (k(c), label),
            HintKey::Text(t) => (t.to_string(), label),
        })
        .collect()
}

/// Who is working, the time, how the systems answered, and the keys that matter now.
pub fn status_bar(s: &State, f: &mut Frame, area: Rect) {
    let bar = s.theme.style(Ui::StatusBar);
    let total = area.width as usize;
    let hints: Vec<(String, &str)> = hints(s)
        .into_iter()
        .map(|(key, label)| (key.replace("ctrl-", "^"), label))
        .collect();
    let hint_w = |n: usize| -> usize {
        hints
            .iter()
            .take(n)
            .map(|(k, l)| width(k) + width(l) + 2)
            .sum()
    };
    // The first three hints matter most: shorten the rest of the bar until
    // they fit (shorter hours, shorter name, no role, no systems count).
    let essential = hint_w(3);
    let mut left = String::new();
    for level in 0..5 {
        left = status_left(s, level);
        if width(&left) + essential <= total {
            break;
        }
    }
    let left = fit(&left, total);
    let mut spans = vec![Span::styled(left.clone(), bar)];
    let mut used = width(&left);
    for (key, label) in &hints {
        let piece_w = width(key) + width(label) + 2;
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

/// The left part of the status bar; a higher `level` is shorter.
fn status_left(s: &State, level: u8) -> String {
    let name_w = if level >= 2 { 12 } else { 18 };
    let who = fit(&safe(&s.operator.display_name), name_w);
    let hours = if level >= 1 {
        super::hours::hours_label_short(&s.case_settings.calendar, s.wall)
    } else {
        super::hours::hours_label(&s.case_settings.calendar, s.wall)
    };
    let mut left = if level >= 3 {
        format!(" {who} │ {hours} │")
    } else {
        format!(" {who} [{}] {hours} │", s.operator.role)
    };
    // How the systems answered matters on the search and person screens.
    let searching = screens::current(s).shows_systems();
    match &s.search {
        _ if !searching || level >= 4 => {}
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
    left
}

/// `5 minutes`, `90 seconds`.
fn idle_words(d: std::time::Duration) -> String {
    let secs = d.as_secs();
    match secs {
        60 => "1 minute".into(),
        s if s % 60 == 0 => format!("{} minutes", s / 60),
        1 => "1 second".into(),
        s => format!("{s} seconds"),
    }
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
            if s.locked_by_hand {
                format!(
                    "You locked it ({}). Personal data is hidden.",
                    key_of(s, Command::Lock, false)
                )
            } else {
                format!(
                    "Locked after {} without input. Personal data is hidden.",
                    idle_words(s.idle_lock)
                )
            },
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
