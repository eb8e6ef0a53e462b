//! The audit screen: the chain's status and the filters in force, the
//! trail newest first (time, operator, kind, subject, purpose or details),
//! the selected entry in full below, and the filter and export prompts.
//! It shows only what the audit entries hold.

use crate::domain::AuditEntry;
use crate::tui::app::{AuditField, AuditPrompt, AuditScreen, ChainStatus, State};
use crate::tui::input::TextInput;
use crate::tui::theme::Role as Ui;
use crate::tui::views::widgets::{cell, centered, clear, fit, safe, width, wrap};
use chrono::DateTime;
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::Modifier;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// Column widths: time, operator, kind, subject (what is left: details).
const WIDTHS: [usize; 4] = [11, 12, 14, 16];
const TITLES: [&str; 4] = ["Time", "Operator", "Kind", "Subject"];

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(a) = s.screens.get::<AuditScreen>() else {
        return;
    };
    let [top, table, detail] = Layout::vertical([
        Constraint::Length(2),
        Constraint::Min(3),
        Constraint::Length(4),
    ])
    .areas(area);
    header(s, a, f, top);
    if let Some(e) = &a.entries.error {
        let lines: Vec<Line> = wrap(&format!("could not read the trail: {}", safe(e)), 78)
            .into_iter()
            .map(|l| Line::from(Span::styled(format!(" {l}"), s.theme.style(Ui::Error))))
            .collect();
        f.render_widget(Paragraph::new(lines), table);
    } else {
        entries(s, a, f, table);
        if let Some(e) = a.entries.data.get(a.selected) {
            details(s, e, f, detail);
        }
    }
    match &a.prompt {
        Some(AuditPrompt::Filters { focus }) => filters(s, a, *focus, f, area),
        Some(AuditPrompt::Export { csv }) => export(s, a, *csv, f, area),
        None => {}
    }
}

fn header(s: &State, a: &AuditScreen, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let (role, chain) = match &a.chain {
        None => (Ui::Muted, "chain not checked".to_string()),
        Some(ChainStatus::Checking) => (Ui::Muted, "checking the chain…".to_string()),
        Some(ChainStatus::Intact { entries }) => (
            Ui::Ok,
            format!("✓ chain intact: {entries} of {entries} checked"),
        ),
        Some(ChainStatus::Broken { id, .. }) => {
            (Ui::Error, format!("✗ chain BROKEN at entry {id}"))
        }
        Some(ChainStatus::Failed(e)) => (Ui::Error, format!("✗ cannot check: {}", safe(e))),
    };
    let checked = match &a.chain {
        Some(ChainStatus::Intact { entries } | ChainStatus::Broken { entries, .. }) => {
            Some(*entries)
        }
        _ => None,
    };
    let newest = a.entries.data.iter().map(|e| e.id).max().unwrap_or(0);
    let count = if a.entries.loading {
        "loading…".to_string()
    } else {
        let shown = match a.entries.data.len() {
            1 => "1 shown".to_string(),
            n => format!("{n} shown"),
        };
        // Entries written after the check (the check is one) are not covered by it.
        match checked {
            Some(c) if newest > 0 && (newest as u64) > c => {
                format!("{shown}; {} newer than the check", newest as u64 - c)
            }
            _ => shown,
        }
    };
    let zone = s.case_settings.calendar.time_zone().name().to_string();
    let first = Line::from(vec![
        Span::styled(format!(" {chain}"), s.theme.style(role)),
        Span::styled(
            fit(
                &format!("  · {count} · times {zone}"),
                w.saturating_sub(width(&chain) + 1),
            ),
            s.theme.style(Ui::Muted),
        ),
    ]);
    let filters = a.filter_summary();
    let second = match (&a.chain, filters.is_empty()) {
        (Some(ChainStatus::Broken { reason, .. }), _) => Span::styled(
            fit(&format!(" {}", safe(reason)), w),
            s.theme.style(Ui::Error),
        ),
        (_, true) => Span::styled(" no filter", s.theme.style(Ui::Muted)),
        (_, false) => Span::styled(
            fit(&format!(" filter: {}", safe(&filters)), w),
            s.theme.style(Ui::Accent),
        ),
    };
    f.render_widget(Paragraph::new(vec![first, Line::from(second)]), area);
}

/// `11-24 10:31` in the desk's time zone.
fn when(s: &State, at: &str) -> String {
    let tz = s.case_settings.calendar.time_zone();
    DateTime::parse_from_rfc3339(at)
        .map(|t| t.with_timezone(&tz).format("%m-%d %H:%M").to_string())
        .unwrap_or_else(|_| safe(at))
}

/// `2026-11-24 10:31:05 JST`: the same zone as the list, named.
fn when_full(s: &State, at: &str) -> String {
    let tz = s.case_settings.calendar.time_zone();
    DateTime::parse_from_rfc3339(at)
        .map(|t| {
            t.with_timezone(&tz)
                .format("%Y-%m-%d %H:%M:%S %Z")
                .to_string()
        })
        .unwrap_or_else(|_| safe(at))
}

/// The purpose if there is one, else the details as compact JSON.
fn summary(e: &AuditEntry) -> String {
    match e.details.get("purpose").and_then(|p| p.as_str()) {
        Some(p) => format!("purpose: {p}"),
        None => match e.details.get("reason").and_then(|p| p.as_str()) {
            Some(r) => r.to_string(),
            None => e.details.to_string(),
        },
    }
}

fn entries(s: &State, a: &AuditScreen, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let used: usize = WIDTHS.iter().sum::<usize>() + WIDTHS.len() + 2;
    let rest = w.saturating_sub(used).max(4);
    let mut head = vec![Span::raw("  ")];
    for (t, cw) in TITLES.iter().zip(WIDTHS) {
        head.push(Span::styled(cell(t, cw) + " ", s.theme.style(Ui::Muted)));
    }
    head.push(Span::styled(
        cell("Purpose / details", rest),
        s.theme.style(Ui::Muted),
    ));
    let mut lines = vec![Line::from(head)];
    if a.entries.data.is_empty() && !a.entries.loading {
        lines.push(Line::from(Span::styled(
            "  No entry matches.",
            s.theme.style(Ui::Muted),
        )));
    }
    let rows = area.height.saturating_sub(1) as usize;
    let first = (a.selected + 1).saturating_sub(rows);
    for (i, e) in a.entries.data.iter().enumerate().skip(first).take(rows) {
        let selected = i == a.selected;
        let base = if selected {
            s.theme.style(Ui::Selection)
        } else {
            ratatui::style::Style::default()
        };
        let marker = if selected { "▶ " } else { "  " };
        let kind_style = if e.kind == "denied" {
            base.patch(s.theme.style(Ui::Warning))
        } else {
            base
        };
        let values = [
            when(s, &e.at),
            safe(&e.operator),
            safe(&e.kind),
            safe(&e.subject),
        ];
        let mut spans = vec![Span::styled(
            marker,
            if selected {
                base.add_modifier(Modifier::BOLD)
            } else {
                s.theme.style(Ui::Accent)
            },
        )];
        for (j, (v, cw)) in values.iter().zip(WIDTHS).enumerate() {
            let style = if j == 2 { kind_style } else { base };
            spans.push(Span::styled(cell(v, cw) + " ", style));
        }
        spans.push(Span::styled(cell(&safe(&summary(e)), rest), base));
        lines.push(Line::from(spans));
    }
    f.render_widget(Paragraph::new(lines), area);
}

fn details(s: &State, e: &AuditEntry, f: &mut Frame, area: Rect) {
    let w = area.width.saturating_sub(2) as usize;
    let block = Block::default()
        .borders(Borders::TOP)
        .border_style(s.theme.style(Ui::Border))
        .title(Span::styled(
            format!(" entry {} · {} ", e.id, when_full(s, &e.at)),
            s.theme.style(Ui::Muted),
        ));
    let head = format!(
        " {} · {} · {}",
        safe(&e.operator),
        safe(&e.kind),
        safe(&e.subject)
    );
    let mut lines = vec![Line::from(Span::styled(
        fit(&head, w + 1),
        s.theme.style(Ui::Accent),
    ))];
    lines.extend(
        wrap(&safe(&e.details.to_string()), w)
            .into_iter()
            .take(area.height.saturating_sub(2) as usize)
            .map(|l| Line::from(format!(" {l}"))),
    );
    f.render_widget(Paragraph::new(lines).block(block), area);
}

fn filters(s: &State, a: &AuditScreen, focus: usize, f: &mut Frame, area: Rect) {
    let rect = centered(area, 64.min(area.width), 11.min(area.height));
    clear(f, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Border))
        .title(Span::styled(" Filter the trail ", s.theme.style(Ui::Title)));
    let inner_w = rect.width.saturating_sub(2) as usize;
    let mut lines = Vec::new();
    if let Some(input) = a.filters.get(focus) {
        put_cursor(f, input, rect.x + 11, rect.y + 1 + focus as u16, rect);
    }
    for (i, field) in AuditField::ALL.iter().enumerate() {
        let input = a.field(*field);
        let focused = i == focus;
        let label = format!(" {:<9}", field.label());
        let value = if input.is_empty() && !focused {
            Span::styled(field.hint().to_string(), s.theme.style(Ui::Muted))
        } else if focused {
            Span::styled(safe(&input.display()), s.theme.style(Ui::Selection))
        } else {
            Span::raw(safe(input.text()))
        };
        lines.push(Line::from(vec![
            Span::styled(
                label,
                if focused {
                    s.theme.style(Ui::Accent)
                } else {
                    s.theme.style(Ui::Muted)
                },
            ),
            value,
        ]));
    }
    lines.push(Line::from(""));
    lines.push(Line::from(Span::styled(
        fit(" enter apply · tab next field · esc cancel", inner_w),
        s.theme.style(Ui::Muted),
    )));
    lines.push(Line::from(Span::styled(
        fit(
            " empty fields do not filter; kind and subject match exactly",
            inner_w,
        ),
        s.theme.style(Ui::Muted),
    )));
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

fn export(s: &State, a: &AuditScreen, csv: bool, f: &mut Frame, area: Rect) {
    let rect = centered(area, 64.min(area.width), 9.min(area.height));
    clear(f, rect);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Border))
        .title(Span::styled(
            " Export one person's trail ",
            s.theme.style(Ui::Title),
        ));
    let inner_w = rect.width.saturating_sub(2) as usize;
    put_cursor(f, &a.person, rect.x + 10, rect.y + 3, rect);
    let format = |on: bool, name: &str| {
        let role = if on { Ui::Selection } else { Ui::Muted };
        Span::styled(format!(" {name} "), s.theme.style(role))
    };
    let lines = vec![
        Line::from(Span::styled(
            fit(
                " Who searched, revealed, viewed or changed this person's data",
                inner_w,
            ),
            s.theme.style(Ui::Muted),
        )),
        Line::from(""),
        Line::from(vec![
            Span::styled(" Person  ", s.theme.style(Ui::Accent)),
            Span::styled(safe(&a.person.display()), s.theme.style(Ui::Selection)),
        ]),
        Line::from(Span::styled(
            "         crm:C-1001, an email, a phone number or a name",
            s.theme.style(Ui::Muted),
        )),
        Line::from(vec![
            Span::styled(" Format  ", s.theme.style(Ui::Accent)),
            format(!csv, "JSON"),
            Span::raw(" "),
            format(csv, "CSV"),
        ]),
        Line::from(""),
        Line::from(Span::styled(
            fit(" enter export (audited) · tab format · esc cancel", inner_w),
            s.theme.style(Ui::Muted),
        )),
    ];
    f.render_widget(Paragraph::new(lines).block(block), rect);
}

/// The terminal cursor at the input's cursor, when that is inside `within`.
fn put_cursor(f: &mut Frame, input: &TextInput, x: u16, y: u16, within: Rect) {
    let before: String = input.text().chars().take(input.cursor()).collect();
    let x = x.saturating_add(width(&safe(&before)) as u16);
    if x < within.right().saturating_sub(1) && y < within.bottom() {
        f.set_cursor_position(Position::new(x, y));
    }
}
