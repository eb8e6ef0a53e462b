//! The case list: the operator's (or the unassigned, or all) open cases,
//! soonest due first, with the days left coloured by how close they are.

use crate::domain::{CaseStatus, CaseSummary};
use crate::tui::app::CasesView;
use crate::tui::app::{CasesTab, State};
use crate::tui::theme::Role as Ui;
use crate::tui::views::due::Due;
use crate::tui::views::widgets::{cell, fit, row_marker, safe};
use ratatui::layout::{Constraint, Layout, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// A status in a few letters for narrow columns.
pub fn status_short(s: CaseStatus) -> &'static str {
    match s {
        CaseStatus::New => "new",
        CaseStatus::AwaitingIdentity => "await ID",
        CaseStatus::InProgress => "in progress",
        CaseStatus::AwaitingApproval => "await appr.",
        CaseStatus::OnHold => "on hold",
        CaseStatus::Responded => "responded",
        CaseStatus::Refused => "refused",
        CaseStatus::Withdrawn => "withdrawn",
        CaseStatus::Closed => "closed",
    }
}

/// `disclosure`, `inquiry`, `complaint`.
pub fn kind_short(r: &CaseSummary) -> String {
    match r.kind {
        Some(k) => k.as_str().replace('_', " "),
        None => r.category.as_str().replace('_', " "),
    }
}

/// Column widths: id, kind, law, status, assignee, received, due, left.
const WIDTHS: [usize; 8] = [14, 12, 4, 11, 10, 5, 5, 6];
const TITLES: [&str; 8] = [
    "Case", "Kind", "Law", "Status", "Assignee", "Recv", "Due", "Left",
];

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(cv) = s.screens.get::<CasesView>() else {
        return;
    };
    let [tabs, table] = Layout::vertical([Constraint::Length(2), Constraint::Min(1)]).areas(area);
    let w = area.width as usize;

    let mut spans = vec![Span::styled(" ", Style::default())];
    for t in CasesTab::ALL {
        let role = if t == cv.tab {
            Ui::Selection
        } else {
            Ui::Muted
        };
        spans.push(Span::styled(
            format!(" {} ", t.label()),
            s.theme.style(role),
        ));
        spans.push(Span::raw(" "));
    }
    let state = if cv.rows.loading {
        "loading…".to_string()
    } else {
        match cv.rows.data.len() {
            1 => "1 case".to_string(),
            n => format!("{n} cases"),
        }
    };
    spans.push(Span::styled(state, s.theme.style(Ui::Muted)));
    f.render_widget(Paragraph::new(Line::from(spans)), tabs);

    if cv.rows.data.is_empty() {
        let text = match (&cv.rows.error, cv.rows.loading, cv.tab) {
            (Some(e), _, _) => format!(" could not load the cases: {}", safe(e)),
            (None, true, _) => String::new(),
            (None, false, CasesTab::Mine) => " No open case is assigned to you.".into(),
            (None, false, CasesTab::Unassigned) => " Every open case has an assignee.".into(),
            (None, false, CasesTab::AllOpen) => " No open case.".into(),
        };
        f.render_widget(
            Paragraph::new(Span::styled(fit(&text, w), s.theme.style(Ui::Muted))),
            table,
        );
        return;
    }

    // The kind column takes what the others leave.
    let mut widths = WIDTHS;
    let fixed: usize = widths.iter().sum::<usize>() - widths[1] + widths.len() + 2;
    widths[1] = w.saturating_sub(fixed).clamp(6, 24);
    let mut header = vec![Span::raw("  ")];
    for (t, cw) in TITLES.iter().zip(widths) {
        header.push(Span::styled(cell(t, cw) + " ", s.theme.style(Ui::Muted)));
    }
    let mut lines = vec![Line::from(header)];
    let rows = table.height.saturating_sub(1) as usize;
    let first = (cv.selected + 1).saturating_sub(rows);
    for (i, r) in cv.rows.data.iter().enumerate().skip(first).take(rows) {
        lines.push(row(s, r, &widths, i == cv.selected));
    }
    f.render_widget(Paragraph::new(lines), table);
}

fn row(s: &State, r: &CaseSummary, widths: &[usize; 8], selected: bool) -> Line<'static> {
    let tz = s.case_settings.calendar.time_zone();
    let base = if selected {
        s.theme.style(Ui::Selection)
    } else {
        Style::default()
    };
    let marker = row_marker(&s.theme, selected);
    let marker_style = if selected {
        base.add_modifier(Modifier::BOLD)
    } else {
        s.theme.style(Ui::Accent)
    };
    let due = Due::of(r.days_left, r.overdue, r.status.is_open(), r.clock_stopped);
    let left = match (due, r.days_left) {
        (Due::Stopped, _) => "paused".to_string(),
        (Due::Done, _) | (_, None) => "–".to_string(),
        (_, Some(d)) => format!("{}{d}d", due.marker(&s.theme)),
    };
    let values = [
        r.id.to_string(),
        kind_short(r),
        r.law.label().to_string(),
        status_short(r.status).to_string(),
        r.assignee
            .as_deref()
            .map(safe)
            .unwrap_or_else(|| "–".into()),
        r.received_at.with_timezone(&tz).format("%m-%d").to_string(),
        r.due
            .map(|d| d.format("%m-%d").to_string())
            .unwrap_or_else(|| "–".into()),
        left,
    ];
    let mut spans = vec![Span::styled(marker, marker_style)];
    for (i, (v, w)) in values.iter().zip(widths).enumerate() {
        let style = match i {
            // The days left carry the due colour even on the selected row.
            7 | 6 => base.patch(s.theme.style(due.role())),
            _ => base,
        };
        spans.push(Span::styled(cell(v, *w) + " ", style));
    }
    Line::from(spans)
}
