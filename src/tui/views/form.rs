//! Drawing forms: one row per field (a label, the value), a multi-select's
//! options and a text area's lines below their label, the field with an
//! error marked `✗` with the message under it. The focused field is marked
//! and, when it takes text, the terminal cursor is placed in it.

use super::widgets::{cell, fit, safe, width};
use crate::domain::mask::mask_field;
use crate::tui::app::State;
use crate::tui::form::{Field, Form, Widget};
use crate::tui::theme::Role as Ui;
use ratatui::layout::{Position, Rect};
use ratatui::text::{Line, Span};
use ratatui::widgets::Paragraph;
use ratatui::Frame;

/// Lines of some fields of a form, and where the focus and cursor are.
pub struct FieldLines {
    pub lines: Vec<Line<'static>>,
    /// The line to keep in view (the focused field, or the cursor's line).
    pub focus_line: Option<usize>,
    /// The text cursor: (line, column in cells).
    pub cursor: Option<(usize, u16)>,
}

/// The lines of `fields` (indices into `form.fields`; hidden ones are
/// skipped), `w` cells wide, labels `label_w` wide, text areas `area_rows`
/// rows high.
pub fn field_lines(
    s: &State,
    form: &Form,
    fields: &[usize],
    w: usize,
    label_w: usize,
    area_rows: usize,
) -> FieldLines {
    let mut out = FieldLines {
        lines: Vec::new(),
        focus_line: None,
        cursor: None,
    };
    let value_x = 2 + label_w + 1;
    let value_w = w.saturating_sub(value_x);
    for &i in fields {
        let Some(field) = form.fields.get(i).filter(|f| !f.hidden) else {
            continue;
        };
        let focused = i == form.focus && !form.pending;
        let error = form
            .error
            .as_ref()
            .filter(|(id, _)| id == field.id)
            .map(|(_, m)| m.clone());
        if focused {
            out.focus_line = Some(out.lines.len());
        }
        let (mark, label_role) = match (&error, focused) {
            (Some(_), _) => ("✗ ", Ui::Error),
            (None, true) => ("▶ ", Ui::Accent),
            (None, false) => ("  ", Ui::Muted),
        };
        let head = vec![
            Span::styled(mark, s.theme.style(label_role)),
            Span::styled(
                format!("{} ", cell(&field.label, label_w)),
                s.theme.style(label_role),
            ),
        ];
        match &field.widget {
            Widget::Button => {
                let text = format!("[ {} ]", field.label);
                let role = if focused { Ui::Selection } else { Ui::Accent };
                let pad = w.saturating_sub(width(&text)) / 2;
                out.lines.push(Line::from(vec![
                    Span::raw(" ".repeat(pad)),
                    Span::styled(text, s.theme.style(role)),
                ]));
            }
            Widget::Choice { options, selected } => {
                let label = options
                    .get(*selected)
                    .map(|o| safe(&o.label))
                    .unwrap_or_else(|| "(none)".into());
                let text = if focused {
                    format!("‹ {} ›", fit(&label, value_w.saturating_sub(4)))
                } else {
                    fit(&label, value_w)
                };
                let mut spans = head;
                spans.push(Span::styled(text, s.theme.style(Ui::Input)));
                out.lines.push(Line::from(spans));
            }
            Widget::Toggle(on) => {
                let text = if *on { "[x] yes" } else { "[ ] no" };
                let mut spans = head;
                spans.push(Span::styled(text, s.theme.style(Ui::Input)));
                out.lines.push(Line::from(spans));
            }
            Widget::Text(t) => {
                let mut spans = head;
                if let Some(kind) = field.masked_as {
                    spans.push(Span::styled(
                        fit(&mask_field(kind, t.text()), value_w),
                        s.theme.style(Ui::Masked),
                    ));
                    if focused {
                        out.cursor = Some((out.lines.len(), value_x as u16));
                    }
                } else if t.is_empty() {
                    spans.push(Span::styled(
                        fit(&field.placeholder, value_w),
                        s.theme.style(Ui::Muted),
                    ));
                    if focused {
                        out.cursor = Some((out.lines.len(), value_x as u16));
                    }
                } else {
                    let (shown, at) = tail(&t.display(), t.cursor(), value_w);
                    spans.push(Span::styled(shown, s.theme.style(Ui::Input)));
                    if focused {
                        out.cursor = Some((out.lines.len(), (value_x + at) as u16));
                    }
                }
                out.lines.push(Line::from(spans));
            }
            Widget::Multi {
                options,
                chosen,
                cursor,
            } => {
                let mut spans = head;
                let n = chosen.iter().filter(|c| **c).count();
                spans.push(Span::styled(
                    fit(&format!("{n} ticked · space ticks"), value_w),
                    s.theme.style(Ui::Muted),
                ));
                out.lines.push(Line::from(spans));
                for (j, (o, c)) in options.iter().zip(chosen).enumerate() {
                    let here = focused && j == *cursor;
                    if here {
                        out.focus_line = Some(out.lines.len());
                    }
                    let role = if here { Ui::Selection } else { Ui::Input };
                    let text = format!("{} {}", if *c { "[x]" } else { "[ ]" }, safe(&o.label));
                    out.lines.push(Line::from(vec![
                        Span::raw("    "),
                        Span::styled(fit(&text, w.saturating_sub(4)), s.theme.style(role)),
                    ]));
                }
            }
            Widget::Area(t) => {
                let text_w = w.saturating_sub(4).max(4);
                let wrapped = t.wrapped(text_w);
                let rows = area_rows.max(1);
                let first = t.window(&wrapped, rows);
                let mut head = head;
                // Where the window is, when the text is longer than it.
                if wrapped.rows.len() > rows {
                    let last = (first + rows).min(wrapped.rows.len());
                    let mut at = format!("rows {}–{last} of {}", first + 1, wrapped.rows.len());
                    if focused {
                        at.push_str(" · pgup/pgdn");
                    }
                    head.push(Span::styled(at, s.theme.style(Ui::Muted)));
                }
                out.lines.push(Line::from(head));
                let start = out.lines.len();
                if t.is_empty() && !focused {
                    out.lines.push(Line::from(Span::styled(
                        "    (empty)",
                        s.theme.style(Ui::Muted),
                    )));
                } else {
                    for row in wrapped.rows.iter().skip(first).take(rows) {
                        out.lines.push(Line::from(vec![
                            Span::raw("    "),
                            Span::styled(row.clone(), s.theme.style(Ui::Input)),
                        ]));
                    }
                }
                let used = out.lines.len() - start;
                for _ in used..rows {
                    out.lines.push(Line::from(""));
                }
                if focused {
                    let line = start + wrapped.cursor.0 - first;
                    out.cursor = Some((line, (4 + wrapped.cursor.1) as u16));
                    out.focus_line = Some(line);
                }
            }
        }
        if let Some(m) = error {
            out.lines.push(Line::from(Span::styled(
                fit(&format!("    {}", safe(&m)), w),
                s.theme.style(Ui::Error),
            )));
        }
    }
    out
}

/// The end of `text` that fits `w` cells with the cursor (a character
/// index) in view, and the cursor's column in it.
fn tail(text: &str, cursor: usize, w: usize) -> (String, usize) {
    let chars: Vec<char> = text.chars().collect();
    let cursor = cursor.min(chars.len());
    let mut start = 0;
    let cells = |a: usize, b: usize| width(&chars[a..b].iter().collect::<String>());
    while start < cursor && cells(start, cursor) >= w {
        start += 1;
    }
    let shown: String = chars[start..].iter().collect();
    (fit(&shown, w), cells(start, cursor))
}

/// Draw lines in `area`, scrolled so the focus line is visible; place the
/// cursor when `with_cursor`.
pub fn draw_lines(f: &mut Frame, area: Rect, fl: FieldLines, with_cursor: bool) {
    let h = area.height as usize;
    let focus = fl.focus_line.or(fl.cursor.map(|c| c.0)).unwrap_or(0);
    let offset = if focus >= h { focus + 1 - h } else { 0 };
    if let Some((line, col)) = fl.cursor.filter(|_| with_cursor) {
        if line >= offset && line < offset + h {
            let x = area.x + col.min(area.width.saturating_sub(1));
            f.set_cursor_position(Position::new(x, area.y + (line - offset) as u16));
        }
    }
    f.render_widget(Paragraph::new(fl.lines).scroll((offset as u16, 0)), area);
}

/// Indices of every field, for forms drawn in one column.
pub fn all(form: &Form) -> Vec<usize> {
    (0..form.fields.len()).collect()
}

/// Indices of the fields with these ids, in this order.
pub fn by_ids(form: &Form, ids: &[&str]) -> Vec<usize> {
    ids.iter()
        .filter_map(|id| form.fields.iter().position(|f: &Field| f.id == *id))
        .collect()
}
