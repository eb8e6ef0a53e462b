//! The approval inbox: actions waiting for a supervisor (oldest first, as
//! the desk lists them), and below the list the selected one's dry run, so
//! the supervisor sees exactly what would be sent before deciding.

use crate::desk::PlannedAction;
use crate::tui::app::InboxScreen;
use crate::tui::app::State;
use crate::tui::keymap::Command;
use crate::tui::screens::actions::view::{dry_run_lines, form_box, section};
use crate::tui::theme::Role as Ui;
use crate::tui::views::widgets::{cell, fit, safe};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Rows of the list at most; the dry run takes the rest.
const LIST_ROWS: usize = 6;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(inbox) = s.screens.get::<InboxScreen>() else {
        return;
    };
    let w = area.width as usize;
    let mut lines = Vec::new();
    let state = if inbox.rows.loading {
        "loading…".to_string()
    } else {
        match inbox.rows.data.len() {
            1 => "1 action waits".to_string(),
            n => format!("{n} actions wait"),
        }
    };
    lines.push(Line::from(vec![
        Span::styled(" Awaiting approval ", s.theme.style(Ui::Title)),
        Span::styled(state, s.theme.style(Ui::Muted)),
    ]));
    if let Some(e) = &inbox.rows.error {
        lines.push(Line::from(Span::styled(
            fit(&format!(" could not load the inbox: {}", safe(e)), w),
            s.theme.style(Ui::Error),
        )));
    } else if inbox.rows.data.is_empty() && !inbox.rows.loading {
        lines.push(Line::from(Span::styled(
            " Nothing waits for approval.",
            s.theme.style(Ui::Muted),
        )));
    }
    let first = inbox
        .selected
        .saturating_sub(LIST_ROWS.saturating_sub(1))
        .min(inbox.rows.data.len().saturating_sub(LIST_ROWS));
    for (i, v) in inbox
        .rows
        .data
        .iter()
        .enumerate()
        .skip(first)
        .take(LIST_ROWS)
    {
        let sel = i == inbox.selected;
        let text = format!(
            " {} {} {} {} · by {} · {} job(s)",
            if sel { "▶" } else { " " },
            cell(&v.id, 5),
            v.case,
            v.kind,
            safe(&v.prepared_by),
            v.jobs.len()
        );
        let style = if sel {
            s.theme.style(Ui::Selection)
        } else {
            Default::default()
        };
        lines.push(Line::from(Span::styled(fit(&text, w), style)));
    }
    if let Some(v) = inbox.rows.data.get(inbox.selected) {
        let keys = |c| s.keymap.keys_for(c).first().cloned().unwrap_or_default();
        lines.push(Line::from(Span::styled(
            fit(
                &format!(
                    " {} approve · {} deny · {} open the case · {}/{} scroll",
                    keys(Command::InboxApprove),
                    keys(Command::InboxDeny),
                    keys(Command::Open),
                    keys(Command::PageDown),
                    keys(Command::PageUp)
                ),
                w,
            ),
            s.theme.style(Ui::Muted),
        )));
        lines.push(section(s, "What would be sent", w));
        let dr = PlannedAction {
            action: v.clone(),
            left_out: Vec::new(),
        };
        let detail = dry_run_lines(s, &dr, w);
        let room = (area.height as usize).saturating_sub(lines.len());
        let max = detail.len().saturating_sub(room);
        let skip = (inbox.scroll as usize).min(max);
        lines.extend(detail.into_iter().skip(skip));
    }
    f.render_widget(Paragraph::new(lines), area);
    if let Some(d) = &inbox.dialog {
        let title = format!(" {} · {} ", d.kind.title(), d.target);
        form_box(s, f, area, &title, &d.form);
    }
}
