//! Boxes drawn over a screen: help, command palette, reveal purpose.

use super::chrome::key_of;
use super::widgets::{cell, centered, clear, fit, safe, width, wrap};
use crate::tui::app::PersonView;
use crate::tui::app::{Overlay, RevealTarget, State};
use crate::tui::drafts::{label, unsent};
use crate::tui::keymap::Command;
use crate::tui::palette::entries;
use crate::tui::screens;
use crate::tui::theme::Role as Ui;
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    match &s.overlay {
        None => {}
        Some(Overlay::Help(top)) => help(s, f, area, *top),
        Some(Overlay::Palette(p)) => palette(s, f, area, p.input.display(), p.selected),
        Some(Overlay::Reveal(d)) => reveal(s, f, area, d),
        Some(Overlay::Conflict(text)) => conflict(s, f, area, text),
        Some(Overlay::Drafts(p)) => drafts(s, f, area, p.selected),
        Some(Overlay::Link(d)) => link(s, f, area, d),
        Some(Overlay::Messages(top)) => messages(s, f, area, *top),
    }
}

/// The recent messages in full, newest first.
fn messages(s: &State, f: &mut Frame, area: Rect, top: u16) {
    use crate::tui::app::Level;
    let boxed = centered(
        area,
        area.width.saturating_sub(2),
        area.height.saturating_sub(2),
    );
    let inner_w = boxed.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for m in s.recent.iter().rev() {
        let (role, mark) = match m.level {
            Level::Info => (Ui::Muted, "  "),
            Level::Warning => (Ui::Warning, "! "),
            Level::Error => (Ui::Error, "✗ "),
        };
        for (i, l) in wrap(&m.text, inner_w.saturating_sub(2))
            .into_iter()
            .enumerate()
        {
            let lead = if i == 0 { mark } else { "  " };
            lines.push(Line::from(Span::styled(
                format!("{lead}{l}"),
                s.theme.style(role),
            )));
        }
    }
    let rows = boxed.height.saturating_sub(3) as usize;
    let top = usize::from(top).min(lines.len().saturating_sub(rows));
    let mut shown: Vec<Line> = lines.into_iter().skip(top).take(rows).collect();
    shown.push(Line::from(Span::styled(
        fit("↑/↓ pgup/pgdn scroll · any other key closes", inner_w),
        s.theme.style(Ui::Muted),
    )));
    clear(f, boxed);
    f.render_widget(
        Paragraph::new(shown).block(framed(s, " Recent messages, newest first ")),
        boxed,
    );
}

/// Which of the person's records to link to the case.
fn link(s: &State, f: &mut Frame, area: Rect, d: &crate::tui::app::LinkDialog) {
    let w = area.width.saturating_sub(4).min(72);
    let inner_w = w.saturating_sub(2) as usize;
    let mut lines = vec![Line::from(Span::styled(
        fit(
            &format!("Link to {} (only records of the requester):", d.case),
            inner_w,
        ),
        s.theme.style(Ui::Muted),
    ))];
    for (i, (r, ticked)) in d.records.iter().enumerate() {
        let here = i == d.cursor;
        let style = if here {
            s.theme.style(Ui::Selection)
        } else {
            Default::default()
        };
        let name = r.display_name.as_deref().map(safe).unwrap_or_default();
        let text = format!(
            "{} {} {}",
            if *ticked { "[x]" } else { "[ ]" },
            safe(&r.to_string()),
            name
        );
        lines.push(Line::from(Span::styled(cell(&text, inner_w), style)));
    }
    lines.push(Line::from(""));
    for l in wrap(
        "space ticks · a all/none · enter links the ticked · esc closes",
        inner_w,
    ) {
        lines.push(Line::from(Span::styled(l, s.theme.style(Ui::Muted))));
    }
    let boxed = centered(area, w, (lines.len() as u16 + 2).min(area.height));
    clear(f, boxed);
    f.render_widget(
        Paragraph::new(lines).block(framed(s, " Link records ")),
        boxed,
    );
}

/// What another operator changed while this one was typing.
fn conflict(s: &State, f: &mut Frame, area: Rect, text: &str) {
    let boxed = centered(area, 76, area.height.saturating_sub(2));
    let inner_w = boxed.width.saturating_sub(2) as usize;
    let mut lines: Vec<Line> = Vec::new();
    for l in wrap(text, inner_w) {
        lines.push(Line::from(l));
    }
    lines.push(Line::from(""));
    for l in wrap(
        "The case has been loaded again. What you typed is still in the dialog: check it, then ctrl-s to send it on the new version.",
        inner_w,
    ) {
        lines.push(Line::from(Span::styled(l, s.theme.style(Ui::Accent))));
    }
    lines.push(Line::from(Span::styled(
        "Any key closes this.",
        s.theme.style(Ui::Muted),
    )));
    let h = (lines.len() as u16 + 2).min(boxed.height);
    let boxed = centered(area, boxed.width, h);
    clear(f, boxed);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Warning))
        .title(Span::styled(
            " Changed by someone else ",
            s.theme.style(Ui::Warning),
        ));
    f.render_widget(Paragraph::new(lines).block(block), boxed);
}

/// The unsent drafts, to continue one.
fn drafts(s: &State, f: &mut Frame, area: Rect, selected: usize) {
    let list = unsent(s);
    let boxed = centered(area, 64, (list.len() as u16 + 5).min(area.height));
    let inner_w = boxed.width.saturating_sub(2) as usize;
    let mut lines = vec![Line::from(Span::styled(
        fit("Typed but not sent when a session ended:", inner_w),
        s.theme.style(Ui::Muted),
    ))];
    for (i, (key, text)) in list.iter().enumerate() {
        let sel = i == selected;
        let style = if sel {
            s.theme.style(Ui::Selection)
        } else {
            Default::default()
        };
        let marker = if sel { "▶ " } else { "  " };
        lines.push(Line::from(Span::styled(
            cell(&format!("{marker}{}", label(key, text)), inner_w),
            style,
        )));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        fit("enter continue · d discard · esc close", inner_w),
        s.theme.style(Ui::Muted),
    )));
    clear(f, boxed);
    f.render_widget(Paragraph::new(lines).block(framed(s, " Unsent ")), boxed);
}

fn framed<'a>(s: &State, title: &'a str) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Accent))
        .title(Span::styled(title, s.theme.style(Ui::Title)))
}

/// The help's rows: the keys and what they do, for the screen's contexts.
pub fn help_entries(s: &State) -> Vec<(String, &'static str)> {
    let mut entries = Vec::new();
    for ctx in screens::contexts(screens::current(s)) {
        for cmd in Command::ALL.iter().filter(|c| c.context() == ctx) {
            let keys = s.keymap.keys_for(*cmd);
            if !keys.is_empty() {
                entries.push((keys.join(" "), cmd.description()));
            }
        }
    }
    entries
}

fn help(s: &State, f: &mut Frame, area: Rect, top: usize) {
    let inner_h = area.height.saturating_sub(4) as usize;
    let entries = help_entries(s);
    let in_form = screens::current(s).form_open(s);
    let footer = if in_form {
        "In forms: tab or ↓ next field, ←/→ or space change a choice, ctrl-s saves, esc closes (what you typed is kept as a draft). Letter keys are typed here; function and ctrl keys still work."
    } else {
        "In the query box: enter searches, ctrl-u clears, ctrl-w deletes a word; letters are typed there, ? and : still open help and the palette. Function and ctrl keys work on every screen."
    };
    // Two columns, in a wider box, when one does not fit and the screen is
    // wide enough for whole descriptions; else one column that scrolls.
    let room = inner_h.saturating_sub(4).max(1);
    let columns = if entries.len() > room && area.width >= 100 {
        2
    } else {
        1
    };
    let box_w = if columns == 1 {
        74
    } else {
        area.width.saturating_sub(2).min(110)
    };
    let boxed = centered(area, box_w, area.height.saturating_sub(2));
    let inner_w = boxed.width.saturating_sub(2) as usize;
    let footer_lines = wrap(footer, inner_w);
    let col_w = ((inner_w + 1) / columns).saturating_sub(1);
    let key_w = if columns == 1 {
        16.min(inner_w / 3)
    } else {
        let widest = entries.iter().map(|e| width(&e.0)).max().unwrap_or(0);
        widest.min(12).min(col_w / 3)
    };
    // One column longer than the room: a window of it, and where it is.
    let room = room.saturating_sub(footer_lines.len().saturating_sub(1));
    let (shown, more) = if columns == 1 && entries.len() > room.max(1) {
        let rows = room.saturating_sub(1).max(1);
        let top = top.min(entries.len() - rows);
        let more = format!(
            "keys {}–{} of {} · ↑/↓ pgup/pgdn scroll",
            top + 1,
            top + rows,
            entries.len()
        );
        (&entries[top..top + rows], Some(more))
    } else {
        (&entries[..], None)
    };
    let per_col = shown.len().div_ceil(columns);
    let entry = |e: &(String, &str)| -> Vec<Span<'static>> {
        vec![
            Span::styled(cell(&e.0, key_w), s.theme.style(Ui::KeyHint)),
            Span::raw(" "),
            Span::raw(cell(e.1, col_w.saturating_sub(key_w + 1))),
        ]
    };
    let mut lines = Vec::new();
    for row in 0..per_col {
        let mut spans = Vec::new();
        for c in 0..columns {
            if let Some(e) = shown.get(c * per_col + row) {
                if c > 0 {
                    spans.push(Span::raw(" "));
                }
                spans.extend(entry(e));
            }
        }
        lines.push(Line::from(spans));
    }
    if let Some(more) = more {
        lines.push(Line::from(Span::styled(
            fit(&more, inner_w),
            s.theme.style(Ui::Accent),
        )));
    }
    lines.push(Line::from(""));
    for l in footer_lines {
        lines.push(Line::from(Span::styled(l, s.theme.style(Ui::Muted))));
    }
    lines.push(Line::from(Span::styled(
        "Any other key closes this help.",
        s.theme.style(Ui::Muted),
    )));
    let boxed = centered(
        area,
        boxed.width,
        (lines.len() as u16 + 2).min(boxed.height),
    );
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
    let question = match d.target {
        RevealTarget::Person => {
            let name = s
                .screens
                .get::<PersonView>()
                .and_then(|p| p.person.first("name"))
                .map(safe)
                .unwrap_or_default();
            format!("Show the personal data of {name}?")
        }
        RevealTarget::Case(id) => format!("Show the contact details of case {id}?"),
        RevealTarget::Field { record, field } => {
            let (key, name) = s
                .screens
                .get::<PersonView>()
                .map(|p| {
                    let key = p
                        .person
                        .records
                        .get(record)
                        .map(|r| format!("{}:{}", r.system, r.id))
                        .unwrap_or_default();
                    let name = p.masked_fields(record).get(field).copied().unwrap_or("");
                    (key, name)
                })
                .unwrap_or_default();
            format!(
                "Show the ‹{}› of {} (←/→ another value)? The rest stays masked.",
                crate::tui::views::field_label(name),
                safe(&key)
            )
        }
    };
    let asked = wrap(&question, inner_w);
    let boxed = centered(area, 64, (h + asked.len() as u16 - 1).min(area.height));
    let mut lines: Vec<Line> = asked.into_iter().map(Line::from).collect();
    lines.extend([
        Line::from(Span::styled(
            fit(
                "Choose why. The purpose is written to the audit log.",
                inner_w,
            ),
            s.theme.style(Ui::Muted),
        )),
        Line::from(""),
    ]);
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
