//! The queue: section tabs with counts, the `/` filter line, the table
//! (marks, id, kind, law, status, assignee, received, due, days left in
//! the due colours, overdue marked, ⚑ when an action awaits approval), a line about the case under the
//! cursor (requester masked), and the popups of bulk changes.

use crate::domain::mask::mask_name;
use crate::domain::QueueRow;
use crate::tui::app::{BulkOutcome, QueuePopup, QueueView, State};
use crate::tui::keymap::Command;
use crate::tui::screens::cases::view::{kind_short, status_short};
use crate::tui::theme::Role as Ui;
use crate::tui::views::due::Due;
use crate::tui::views::widgets::{cell, centered, clear, fit, safe, width, wrap};
use ratatui::layout::{Constraint, Layout, Position, Rect};
use ratatui::style::{Modifier, Style};
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// Column widths: id, kind, law, status, assignee, received, due, left.
const WIDTHS: [usize; 8] = [14, 12, 4, 11, 9, 5, 5, 6];
const TITLES: [&str; 8] = [
    "Case", "Kind", "Law", "Status", "Assignee", "Recv", "Due", "Left",
];

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(q) = s.screens.get::<QueueView>() else {
        return;
    };
    let w = area.width as usize;
    let tabs = tab_lines(s, q, w);
    let notices = notice_lines(s, q, w);
    let [tab_area, notice_area, filter_area, table, detail] = Layout::vertical([
        Constraint::Length(tabs.len() as u16),
        Constraint::Length(notices.len() as u16),
        Constraint::Length(1),
        Constraint::Min(1),
        Constraint::Length(1),
    ])
    .areas(area);
    f.render_widget(Paragraph::new(tabs), tab_area);
    f.render_widget(Paragraph::new(notices), notice_area);
    filter_line(s, q, f, filter_area);
    rows(s, q, f, table);
    detail_line(s, q, f, detail);
    if let Some(p) = &q.popup {
        popup(s, q, p, f, area);
    }
}

/// The tabs with their counts, wrapped onto as many lines as needed (two at 80 columns).
fn tab_lines(s: &State, q: &QueueView, w: usize) -> Vec<Line<'static>> {
    let mut lines = Vec::new();
    let mut spans = vec![Span::raw(" ")];
    let mut used = 1;
    for i in 0..q.tabs() {
        let label = format!(" {} {} ", safe(q.tab_name(i)), q.count(i));
        let lw = width(&label) + 1;
        if used + lw > w && used > 1 {
            lines.push(Line::from(std::mem::take(&mut spans)));
            spans.push(Span::raw(" "));
            used = 1;
        }
        let role = if i == q.tab { Ui::Selection } else { Ui::Muted };
        let mut style = s.theme.style(role);
        if i == q.tab {
            style = style.add_modifier(Modifier::BOLD);
        }
        spans.push(Span::styled(label, style));
        spans.push(Span::raw(" "));
        used += lw;
    }
    lines.push(Line::from(spans));
    lines
}

/// What the server tells supervisors above their queue (who reached a
/// limit today), wrapped, at most three lines.
fn notice_lines(s: &State, q: &QueueView, w: usize) -> Vec<Line<'static>> {
    let Some(page) = &q.rows.data else {
        return Vec::new();
    };
    let style = s.theme.style(Ui::Warning);
    page.notices
        .iter()
        .flat_map(|n| wrap(&format!("! {n}"), w.saturating_sub(2).max(10)))
        .take(3)
        .map(|l| Line::from(Span::styled(format!(" {l}"), style)))
        .collect()
}

fn filter_line(s: &State, q: &QueueView, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let shown = q.total();
    let total = q.rows.data.as_ref().map_or(0, |p| p.all);
    let mut right = if q.rows.loading && q.rows.data.is_none() {
        "loading…".to_string()
    } else if q.filtering() {
        "matching…".to_string()
    } else {
        format!("{shown} of {total}")
    };
    if !q.marked.is_empty() {
        right = format!("{} marked · {right}", q.marked.len());
    }
    let right_w = width(&right) + 1;
    let room = w.saturating_sub(right_w + 4);
    let text = q.filter.display();
    let (body, style) = if text.is_empty() && !q.typing {
        (
            format!(
                "{} filters by number, requester, kind, assignee, description",
                s.keymap.hint(Command::FocusQuery)
            ),
            s.theme.style(Ui::Muted),
        )
    } else {
        // The tail of a long filter, so the cursor stays in view.
        let chars: Vec<char> = text.chars().collect();
        let start = chars.len().saturating_sub(room);
        (chars[start..].iter().collect(), Style::default())
    };
    let prompt_style = if q.typing {
        s.theme.style(Ui::Accent)
    } else {
        s.theme.style(Ui::Muted)
    };
    let prompt = if text.is_empty() && !q.typing {
        "   "
    } else {
        " › "
    };
    let left = format!("{prompt}{}", fit(&body, room));
    let pad = w.saturating_sub(width(&left) + right_w);
    let line = Line::from(vec![
        Span::styled(prompt, prompt_style),
        Span::styled(fit(&body, room), style),
        Span::raw(" ".repeat(pad)),
        Span::styled(right + " ", s.theme.style(Ui::Muted)),
    ]);
    f.render_widget(Paragraph::new(line), area);
    if q.typing && q.popup.is_none() && s.overlay.is_none() {
        let before = q.filter.text()[..q.filter.cursor().min(q.filter.text().len())]
            .chars()
            .count()
            .min(room);
        f.set_cursor_position(Position::new(area.x + 3 + before as u16, area.y));
    }
}

fn rows(s: &State, q: &QueueView, f: &mut Frame, area: Rect) {
    let w = area.width as usize;
    let Some(_) = &q.rows.data else {
        let text = match (&q.rows.error, q.rows.loading) {
            (Some(e), _) => format!(" could not load the queue: {}", safe(e)),
            (None, true) => String::new(),
            (None, false) => " The queue is empty.".into(),
        };
        f.render_widget(
            Paragraph::new(Span::styled(fit(&text, w), s.theme.style(Ui::Muted))),
            area,
        );
        return;
    };
    if q.total() == 0 {
        let text = if q.filter.text().trim().is_empty() {
            format!(" No case in {}.", q.tab_name(q.tab))
        } else {
            format!(" No case in {} matches the filter.", q.tab_name(q.tab))
        };
        f.render_widget(
            Paragraph::new(Span::styled(fit(&text, w), s.theme.style(Ui::Muted))),
            area,
        );
        return;
    }
    let widths = columns(w);
    let mut header = vec![Span::raw("   ")];
    for &(i, cw) in &widths {
        header.push(Span::styled(
            cell(TITLES[i], cw) + " ",
            s.theme.style(Ui::Muted),
        ));
    }
    let mut lines = vec![Line::from(header)];
    let n = area.height.saturating_sub(1) as usize;
    let first = (q.cursor + 1).saturating_sub(n);
    for pos in first..(first + n).min(q.total()) {
        if let Some(r) = q.row(pos) {
            lines.push(row(s, q, r, &widths, pos == q.cursor));
        }
    }
    f.render_widget(Paragraph::new(lines), area);
}

/// The columns shown at width `w`, as (column, width): the kind column takes
/// the room left (6 to 24 cells); on a narrow terminal the received date,
/// the law, the assignee, the kind and the status give way, in that order,
/// so that the case, its due date and the days left always show.
fn columns(w: usize) -> Vec<(usize, usize)> {
    const KIND: usize = 1;
    const GIVE_WAY: [usize; 5] = [5, 2, 4, KIND, 3];
    let mut kept: Vec<usize> = (0..WIDTHS.len()).collect();
    let mut dropped = GIVE_WAY.iter();
    loop {
        let others: usize = kept
            .iter()
            .filter(|i| **i != KIND)
            .map(|i| WIDTHS[*i])
            .sum();
        let kind_min = if kept.contains(&KIND) { 6 } else { 0 };
        let fixed = others + kept.len() + 3;
        if fixed + kind_min <= w {
            return kept
                .iter()
                .map(|&i| {
                    let cw = if i == KIND {
                        w.saturating_sub(fixed).clamp(6, 24)
                    } else {
                        WIDTHS[i]
                    };
                    (i, cw)
                })
                .collect();
        }
        match dropped.next() {
            Some(d) => kept.retain(|i| i != d),
            None => return kept.iter().map(|&i| (i, WIDTHS[i])).collect(),
        }
    }
}

fn row(
    s: &State,
    q: &QueueView,
    r: &QueueRow,
    widths: &[(usize, usize)],
    selected: bool,
) -> Line<'static> {
    let c = &r.case;
    let tz = s.case_settings.calendar.time_zone();
    let base = if selected {
        s.theme.style(Ui::Selection)
    } else {
        Style::default()
    };
    let cursor = if selected { "▶" } else { " " };
    let mark = if q.marked.contains_key(&c.id) {
        "●"
    } else {
        " "
    };
    let due = Due::of(c.days_left, c.overdue, c.status.is_open(), c.clock_stopped);
    let left = match (due, c.days_left) {
        (Due::Stopped, _) => "paused".to_string(),
        (Due::Done, _) | (_, None) => "–".to_string(),
        (_, Some(d)) => format!("{}{d}d", due.marker(&s.theme)),
    };
    let status = status_short(c.status).to_string();
    // An action waiting for a supervisor's approval.
    let flag = if r.pending_approvals > 0 { "⚑" } else { " " };
    let values = [
        c.id.to_string(),
        kind_short(c),
        c.law.label().to_string(),
        status,
        c.assignee
            .as_deref()
            .map(safe)
            .unwrap_or_else(|| "–".into()),
        c.received_at.with_timezone(&tz).format("%m-%d").to_string(),
        c.due
            .map(|d| d.format("%m-%d").to_string())
            .unwrap_or_else(|| "–".into()),
        left,
    ];
    let mut spans = vec![
        Span::styled(cursor.to_string(), base.add_modifier(Modifier::BOLD)),
        Span::styled(mark.to_string(), base.patch(s.theme.style(Ui::Accent))),
        Span::styled(flag.to_string(), base.patch(s.theme.style(Ui::Warning))),
    ];
    for &(i, w) in widths {
        let v = &values[i];
        let style = match i {
            // Overdue cases carry the late colour on their number too.
            0 if due == Due::Late => base.patch(s.theme.style(Ui::DueLate)),
            6 | 7 => base.patch(s.theme.style(due.role())),
            _ => base,
        };
        spans.push(Span::styled(cell(v, w) + " ", style));
    }
    Line::from(spans)
}

/// About the case under the cursor: requester (masked), priority, approvals.
fn detail_line(s: &State, q: &QueueView, f: &mut Frame, area: Rect) {
    let Some(r) = q.current() else { return };
    let c = &r.case;
    let mut parts = vec![format!(
        "requester {}",
        c.requester_name
            .as_deref()
            .map(|n| mask_name(&safe(n)))
            .unwrap_or_else(|| "(no name)".into())
    )];
    parts.push(format!("priority {}", c.priority.as_str()));
    parts.push(format!("via {}", safe(&c.channel).replace('_', " ")));
    if r.pending_approvals > 0 {
        parts.push(format!("{} action(s) await approval", r.pending_approvals));
    }
    let text = fit(&format!(" {}", parts.join(" · ")), area.width as usize);
    f.render_widget(
        Paragraph::new(Span::styled(text, s.theme.style(Ui::Muted))),
        area,
    );
}

fn framed<'a>(s: &State, title: String) -> Block<'a> {
    Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Accent))
        .title(Span::styled(title, s.theme.style(Ui::Title)))
}

fn popup(s: &State, q: &QueueView, p: &QueuePopup, f: &mut Frame, area: Rect) {
    let n = q.targets().len();
    let cases = if n == 1 {
        "1 case".to_string()
    } else {
        format!("{n} cases")
    };
    match p {
        QueuePopup::Assign { selected } => {
            let mut names = vec![("".to_string(), "nobody (unassign)".to_string())];
            names.extend(s.case_settings.assignees.iter().cloned());
            let h = (names.len() as u16 + 4).min(area.height);
            let boxed = centered(area, 50, h);
            let inner_w = boxed.width.saturating_sub(2) as usize;
            let mut lines = vec![Line::from(Span::styled(
                fit(&format!("Assign {cases} to:"), inner_w),
                s.theme.style(Ui::Muted),
            ))];
            let room = boxed.height.saturating_sub(4) as usize;
            let first = (*selected + 1).saturating_sub(room);
            for (i, (user, name)) in names.iter().enumerate().skip(first).take(room) {
                let sel = i == *selected;
                let text = if user.is_empty() {
                    name.clone()
                } else {
                    format!("{} ({})", safe(name), safe(user))
                };
                let style = if sel {
                    s.theme.style(Ui::Selection)
                } else {
                    Style::default()
                };
                lines.push(Line::from(Span::styled(
                    cell(&format!("{} {text}", if sel { "▶" } else { " " }), inner_w),
                    style,
                )));
            }
            lines.push(Line::from(Span::styled(
                fit("enter assign · esc cancel", inner_w),
                s.theme.style(Ui::Muted),
            )));
            clear(f, boxed);
            f.render_widget(
                Paragraph::new(lines).block(framed(s, " Assign ".into())),
                boxed,
            );
        }
        QueuePopup::ConfirmEscalate => {
            let boxed = centered(area, 50, 5);
            let inner_w = boxed.width.saturating_sub(2) as usize;
            let lines = vec![
                Line::from(fit(
                    &format!("Escalate {cases}: priority urgent, noted on each timeline?"),
                    inner_w,
                )),
                Line::from(""),
                Line::from(Span::styled(
                    fit("y escalate · n cancel", inner_w),
                    s.theme.style(Ui::Muted),
                )),
            ];
            clear(f, boxed);
            f.render_widget(
                Paragraph::new(lines).block(framed(s, " Escalate ".into())),
                boxed,
            );
        }
        QueuePopup::Working(op) => {
            let boxed = centered(area, 40, 3);
            clear(f, boxed);
            f.render_widget(
                Paragraph::new(fit(&format!("{}: {cases}…", op.title()), 38))
                    .block(framed(s, " Working ".into())),
                boxed,
            );
        }
        QueuePopup::Report(r) => {
            let boxed = centered(area, 76, area.height.saturating_sub(2));
            let inner_w = boxed.width.saturating_sub(2) as usize;
            let mut lines: Vec<Line> = vec![Line::from(Span::styled(
                fit(&r.summary(), inner_w),
                s.theme.style(Ui::Accent),
            ))];
            let room = boxed.height.saturating_sub(4) as usize;
            let mut body: Vec<Line> = Vec::new();
            for res in &r.results {
                let (word, role, why) = match &res.outcome {
                    BulkOutcome::Done(v) => ("done", Ui::Ok, format!("now version {v}")),
                    BulkOutcome::Unchanged => ("unchanged", Ui::Muted, "already so".into()),
                    BulkOutcome::Refused(w) => ("refused", Ui::Error, safe(w)),
                    BulkOutcome::Conflict(w) => ("changed", Ui::Warning, safe(w)),
                    BulkOutcome::Failed(w) => ("failed", Ui::Error, safe(w)),
                };
                let head = format!("{} {:<9} ", res.id, word);
                let rest = inner_w.saturating_sub(width(&head));
                for (j, part) in wrap(&why, rest.max(10)).into_iter().enumerate() {
                    let lead = if j == 0 {
                        head.clone()
                    } else {
                        " ".repeat(width(&head))
                    };
                    body.push(Line::from(vec![
                        Span::styled(lead, s.theme.style(role)),
                        Span::raw(part),
                    ]));
                }
            }
            lines.extend(body.into_iter().skip(r.scroll).take(room));
            lines.push(Line::from(Span::styled(
                fit("j/k scroll · any other key closes", inner_w),
                s.theme.style(Ui::Muted),
            )));
            let h = (lines.len() as u16 + 2).min(boxed.height);
            let boxed = centered(area, boxed.width, h);
            clear(f, boxed);
            f.render_widget(
                Paragraph::new(lines).block(framed(s, format!(" {} ", r.op.title()))),
                boxed,
            );
        }
    }
}
