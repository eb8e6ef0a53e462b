//! The new-case form: who it is for (the linked records), a warning when
//! the person already has an open case, the fields in two columns (what
//! was asked, who asked), the description, and the button.

use crate::tui::app::NewCaseScreen;
use crate::tui::app::State;
use crate::tui::theme::Role as Ui;
use crate::tui::views::form::{by_ids, draw_lines, field_lines, FieldLines};
use crate::tui::views::widgets::{fit, safe};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

const LEFT: [&str; 7] = [
    "category", "law", "kind", "channel", "received", "priority", "fee",
];
const RIGHT: [&str; 8] = [
    "name",
    "email",
    "phone",
    "reply_channel",
    "representative",
    "rep_name",
    "rep_relation",
    "rep_proof",
];

/// Below this width the fields are drawn in one column.
const TWO_COLUMNS: u16 = 72;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(nc) = s.screens.get::<NewCaseScreen>() else {
        return;
    };
    let w = area.width as usize;
    let mut top = Vec::new();
    let title = if nc.links.is_empty() {
        " New case · no records linked (open it from a person to link them)".to_string()
    } else {
        let ids: Vec<String> = nc.links.iter().map(|l| safe(&l.to_string())).collect();
        format!(" New case · linked: {}", ids.join(" "))
    };
    top.push(Line::from(Span::styled(
        fit(&title, w),
        s.theme.style(Ui::Title),
    )));
    if !nc.duplicates.is_empty() {
        let ids: Vec<String> = nc.duplicates.iter().map(|d| d.id.to_string()).collect();
        let which = if ids.len() == 1 {
            "another open case exists"
        } else {
            "other open cases exist"
        };
        top.push(Line::from(Span::styled(
            fit(
                &format!(" ! {which} for this person: {}", ids.join(", ")),
                w,
            ),
            s.theme.style(Ui::Warning),
        )));
    }
    let top_h = top.len() as u16;
    f.render_widget(
        Paragraph::new(top),
        Rect {
            height: top_h.min(area.height),
            ..area
        },
    );
    let body = Rect {
        y: area.y + top_h.min(area.height),
        height: area.height.saturating_sub(top_h),
        ..area
    };
    let cursor = s.overlay.is_none() && !s.locked;
    let form = &nc.form;
    if area.width < TWO_COLUMNS {
        let fl = field_lines(s, form, &crate::tui::views::form::all(form), w, 12, 5);
        draw_lines(f, body, fl, cursor);
        return;
    }

    let col_w = w / 2;
    let left = field_lines(s, form, &by_ids(form, &LEFT), col_w, 10, 1);
    let right = field_lines(s, form, &by_ids(form, &RIGHT), w - col_w, 10, 1);
    let cols_h = (left.lines.len().max(right.lines.len()) as u16).min(body.height);
    let place = |fl: FieldLines, x: u16, width: usize, f: &mut Frame| {
        let r = Rect {
            x,
            y: body.y,
            width: width as u16,
            height: cols_h,
        };
        draw_lines(f, r, fl, cursor);
    };
    place(left, body.x, col_w, f);
    place(right, body.x + col_w as u16, w - col_w, f);

    // The description takes the rows left, with one blank line above and
    // the button below.
    let rest_y = body.y + cols_h + 1;
    let rest_h = (body.y + body.height).saturating_sub(rest_y);
    if rest_h < 2 {
        return;
    }
    let desc_rows = rest_h.saturating_sub(3).max(1) as usize;
    let desc = field_lines(s, form, &by_ids(form, &["description"]), w, 11, desc_rows);
    let desc_h = (desc.lines.len() as u16).min(rest_h - 1);
    draw_lines(
        f,
        Rect {
            y: rest_y,
            height: desc_h,
            ..body
        },
        desc,
        cursor,
    );
    let button = field_lines(s, form, &by_ids(form, &["create"]), w, 10, 1);
    draw_lines(
        f,
        Rect {
            y: rest_y + desc_h,
            height: 1,
            ..body
        },
        button,
        cursor,
    );
}
