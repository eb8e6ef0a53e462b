//! Boxes drawn over a screen: help, command palette, reveal purpose.

use super::chrome::key_of;
use super::widgets::{cell, centered, clear, fit, safe};
use crate::tui::app::{Overlay, State};
use crate::tui::keymap::Command;
use crate::tui::palette::{active_contexts, entries};
use crate::tui::theme::Role as Ui;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    match &s.overlay {
        None => {}
        Some(Overlay::Help) => help(s, f, area),
        Some(Overlay::Palette(p)) => palette(s, f, area, p.input.display(), p.selected),
        Some(Overlay::Reveal(d)) => reveal(s, f, area, d),
    }
}

fn framed<'a>(s: &State, title: &'a str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Accent))
        .title(Span::styled(title, s.theme.style(Ui::Title)))
}

fn help(s: &State, f: &mut Frame, area: Rect) {
    let boxed = centered(area, 74, area.height.saturating_sub(2));
    let inner_w = boxed.width.saturating_sub(2) as usize;
    let key_w = 16.min(inner_w / 3);
    let mut lines = Vec::new();
    for ctx in active_contexts(s.screen) {
        for cmd in Command::ALL.iter().filter(|c| c.context() == *ctx) {
            let keys = s.keymap.keys_for(*cmd);
            if keys.is_empty() {
                continue;
            }
            lines.push(Line::from(vec![
                Span::styled(cell(&keys.join(" "), key_w), s.theme.style(Ui::KeyHint)),
                Span::raw(" "),
                Span::raw(fit(cmd.description(), inner_w.saturating_sub(key_w + 1))),
            ]));
        }
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        fit(
            "In the query box: enter searches, ctrl-u clears, ctrl-w deletes a word.",
            inner_w,
        ),
        s.theme.style(Ui::Muted),
    )));
    lines.push(Line::from(Span::styled(
        "Any key closes this help.",
        s.theme.style(Ui::Muted),
    )));
    clear(f, boxed);
    f.render_widget(Paragraph::new(lines).block(framed(s, " Keys ")), boxed);
}

fn palette(s: &State, f: &mut Frame, area: Rect, filter: String, selected: usize) {
    let boxed = centered(area, 60, 14);
    let inner_w = boxed.width.saturating_sub(2) as usize;
    let list = entries(s, &filter);
    let mut lines = vec![Line::from(vec![
        Span::styled(": ", s.theme.style(Ui::Accent)),
        Span::styled(
            fit(&filter, inner_w.saturating_sub(3)),
            s.theme.style(Ui::Input),
        ),
    ])];
    let rows = boxed.height.saturating_sub(3) as usize;
    let first = selected.saturating_sub(rows.saturating_sub(1));
    if list.is_empty() {
        lines.push(Line::from(Span::styled(
            "no matching command",
            s.theme.style(Ui::Muted),
        )));
    }
    for (i, e) in list.iter().enumerate().skip(first).take(rows) {
        let key = key_of(s, e.command, false);
        let text = cell(e.command.description(), inner_w.saturating_sub(12));
        let sel = i == selected;
        let style = if sel {
            s.theme.style(Ui::Selection)
        } else {
            Default::default()
        };
        let marker = if sel { "▶ " } else { "  " };
        lines.push(Line::from(vec![
            Span::styled(format!("{marker}{text}"), style),
            Span::styled(format!(" {}", cell(&key, 9)), s.theme.style(Ui::KeyHint)),
        ]));
    }
    clear(f, boxed);
    f.render_widget(Paragraph::new(lines).block(framed(s, " Commands ")), boxed);
}

fn reveal(s: &State, f: &mut Frame, area: Rect, d: &crate::tui::app::RevealDialog) {
    let h = (s.purposes.len() as u16 + 8).min(area.height);
    let boxed = centered(area, 64, h);
    let inner_w = boxed.width.saturating_sub(2) as usize;
    let name = s
        .person
        .as_ref()
        .and_then(|p| p.person.first("name"))
        .map(safe)
        .unwrap_or_default();
    let mut lines = vec![
        Line::from(fit(&format!("Show the personal data of {name}?"), inner_w)),
        Line::from(Span::styled(
            fit(
                "Choose why. The purpose is written to the audit log.",
                inner_w,
            ),
            s.theme.style(Ui::Muted),
        )),
        Line::from(""),
    ];
    for (i, p) in s.purposes.iter().enumerate() {
        let sel = i == d.selected;
        let style = if sel {
            s.theme.style(Ui::Selection)
        } else {
            Default::default()
        };
        let marker = if sel { "▶" } else { " " };
        lines.push(Line::from(Span::styled(
            fit(&format!("{marker} {}. {}", i + 1, p), inner_w),
            style,
        )));
    }
    let other_sel = d.selected == s.purposes.len();
    let style = if other_sel {
        s.theme.style(Ui::Selection)
    } else {
        Default::default()
    };
    let marker = if other_sel { "▶" } else { " " };
    let typed = if d.typing || !d.other.is_empty() {
        format!("{}▏", d.other.display())
    } else {
        "…".into()
    };
    lines.push(Line::from(Span::styled(
        fit(
            &format!("{marker} {}. Other: {typed}", s.purposes.len() + 1),
            inner_w,
        ),
        style,
    )));
    lines.push(Line::from(""));
    let hint = if d.pending {
        "writing the audit entry…"
    } else if d.typing {
        "type the purpose · enter confirm · esc back"
    } else {
        "↑↓ or number choose · enter confirm · esc cancel"
    };
    lines.push(Line::from(Span::styled(
        fit(hint, inner_w),
        s.theme.style(Ui::Muted),
    )));
    clear(f, boxed);
    f.render_widget(Paragraph::new(lines).block(framed(s, " Reveal ")), boxed);
}
