//! The person screen: every record of one person, grouped by system, masked
//! until revealed with a purpose.

use crate::domain::record::CANONICAL_FIELDS;
use crate::tui::app::PersonView;
use crate::tui::app::{FetchState, State};
use crate::tui::theme::Role as Ui;
use crate::tui::views::widgets::{cell, fit, safe, shown};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const LABELS: [(&str, &str); 8] = [
    ("id", "id"),
    ("name", "name"),
    ("name_kana", "reading"),
    ("email", "email"),
    ("phone", "phone"),
    ("postal_code", "postal code"),
    ("address", "address"),
    ("birth_date", "birth date"),
];

/// How a canonical field is named on screen.
pub fn field_label(field: &str) -> &str {
    LABELS
        .iter()
        .find(|(f, _)| *f == field)
        .map(|(_, l)| *l)
        .unwrap_or(field)
}

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(pv) = s.screens.get::<PersonView>() else {
        return;
    };
    let p = &pv.person;
    let [top, body] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    let w = area.width as usize;

    let name = safe(p.first("name").unwrap_or("(no name)"));
    let kana = p
        .first("name_kana")
        .map(|k| format!("  {}", safe(k)))
        .unwrap_or_default();
    let state = if pv.revealed {
        Span::styled(" REVEALED ", s.theme.style(Ui::Revealed))
    } else {
        Span::styled(" masked ", s.theme.style(Ui::Masked))
    };
    let systems: Vec<String> = s
        .systems
        .iter()
        .filter(|(n, _)| p.systems().contains(&n.as_str()))
        .map(|(_, b)| safe(b))
        .collect();
    let linked = if p.linked_by.is_empty() {
        "a single record".to_string()
    } else {
        format!(
            "linked by {}",
            p.linked_by
                .iter()
                .map(|k| k.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        )
    };
    let head = vec![
        Line::from(vec![
            Span::styled(
                fit(&format!(" {name}{kana} "), w.saturating_sub(12)),
                s.theme.style(Ui::Title),
            ),
            state,
        ]),
        Line::from(Span::styled(
            fit(
                &format!(
                    " {} records in {} · {linked}",
                    p.records.len(),
                    systems.join(" ")
                ),
                w,
            ),
            s.theme.style(Ui::Muted),
        )),
    ];
    f.render_widget(Paragraph::new(head), top);

    let label_w = 14;
    let value_w = w.saturating_sub(label_w + 5);
    let mut lines: Vec<Line> = Vec::new();
    let mut selected_line = 0;
    for (i, r) in p.records.iter().enumerate() {
        let selected = i == pv.selected;
        if selected {
            selected_line = lines.len();
        }
        let badge = s
            .systems
            .iter()
            .find(|(n, _)| *n == r.system)
            .map(|(_, b)| b.clone())
            .unwrap_or_else(|| r.system.clone());
        let fetch = match pv.fetch.get(&r.key()) {
            Some(FetchState::Loading) => " refreshing…".to_string(),
            Some(FetchState::Done) => " refreshed from the system".to_string(),
            Some(FetchState::Failed(e)) => format!(" refresh failed: {}", safe(e)),
            None => String::new(),
        };
        let marker = if selected { "▶" } else { " " };
        let title_style = if selected {
            s.theme.style(Ui::Selection)
        } else {
            s.theme.style(Ui::Accent)
        };
        lines.push(Line::from(vec![
            Span::styled(
                format!("{marker} {} · {} ", safe(&badge), safe(&r.id)),
                title_style,
            ),
            Span::styled(fit(&fetch, w.saturating_sub(20)), s.theme.style(Ui::Muted)),
        ]));
        for field in CANONICAL_FIELDS.iter().skip(1) {
            let Some(v) = r.canonical(field) else {
                continue;
            };
            let masked = crate::domain::mask::is_masked_field(field);
            let revealed = pv.is_revealed(&r.key(), field);
            let role = match (masked, revealed) {
                (true, false) => Ui::Masked,
                (true, true) => Ui::Revealed,
                _ => Ui::Input,
            };
            lines.push(Line::from(vec![
                Span::styled(
                    format!("   {} ", cell(field_label(field), label_w)),
                    s.theme.style(Ui::Muted),
                ),
                Span::styled(
                    fit(&shown(field, v, revealed), value_w),
                    s.theme.style(role),
                ),
            ]));
        }
        for x in &r.extra {
            lines.push(Line::from(vec![
                Span::styled(
                    format!("   {} ", cell(&safe(&x.label), label_w)),
                    s.theme.style(Ui::Muted),
                ),
                Span::raw(fit(&safe(&x.value), value_w)),
            ]));
        }
    }
    // Keep the selected record's title in view, a third of the way down.
    let h = body.height as usize;
    let offset = selected_line
        .saturating_sub(h / 3)
        .min(lines.len().saturating_sub(h));
    f.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), body);
}
