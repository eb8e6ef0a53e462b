//! The case screen: what the case is, where it stands and by when it must be
//! answered (coloured by how close that is), who asked (contact details
//! masked until revealed), the linked records, the timeline, and the
//! internal notes kept apart from the replies sent to the requester. An
//! open dialog (note, reply, status...) is drawn over the lower part.

use crate::desk::CaseView;
use crate::domain::mask::mask_field;
use crate::domain::{CaseNote, Role, VerificationResult};
use crate::tui::app::CaseScreen;
use crate::tui::app::{CaseDialog, State};
use crate::tui::theme::Role as Ui;
use crate::tui::views::due::{days_text, Due};
use crate::tui::views::form::{all, draw_lines, field_lines};
use crate::tui::views::widgets::{cell, centered, clear, fit, safe, width, wrap};
use chrono::{DateTime, NaiveDate, TimeZone};
use ratatui::layout::Rect;
use ratatui::style::Style;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

const LABEL_W: usize = 11;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(c) = s.screens.get::<CaseScreen>() else {
        return;
    };
    let lines = lines(s, area.width as usize);
    let offset = (c.scroll as usize).min(lines.len().saturating_sub(area.height as usize));
    f.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), area);
    if let Some(d) = &c.dialog {
        dialog(s, f, area, d);
    }
}

/// How many lines the case takes at width `w` (for scrolling).
pub fn line_count(s: &State, w: u16) -> usize {
    lines(s, w as usize).len()
}

fn date(d: NaiveDate) -> String {
    d.format("%Y-%m-%d (%a)").to_string()
}

fn labelled(s: &State, label: &str, spans: Vec<Span<'static>>) -> Line<'static> {
    let mut all = vec![Span::styled(
        format!(" {} ", cell(label, LABEL_W)),
        s.theme.style(Ui::Muted),
    )];
    all.extend(spans);
    Line::from(all)
}

fn section(s: &State, title: &str, w: usize) -> Line<'static> {
    let head = format!(" ── {title} ");
    let rule = "─".repeat(w.saturating_sub(width(&head) + 1));
    Line::from(Span::styled(
        fit(&format!("{head}{rule}"), w),
        s.theme.style(Ui::Border),
    ))
}

fn lines(s: &State, w: usize) -> Vec<Line<'static>> {
    let Some(c) = s.screens.get::<CaseScreen>() else {
        return vec![];
    };
    let Some(v) = c.view.data.as_deref() else {
        let text = match &c.view.error {
            Some(e) => format!(" could not load {}: {}", c.id, safe(e)),
            None => format!(" loading {}…", c.id),
        };
        return vec![Line::from(Span::styled(
            fit(&text, w),
            s.theme.style(Ui::Muted),
        ))];
    };
    let mut out = Vec::new();
    head(s, v, c.revealed, w, &mut out);
    if let Some(p) = s.package.as_ref().filter(|p| p.case == c.id) {
        let role = match (p.busy, p.bad) {
            (true, _) => Ui::Accent,
            (false, true) => Ui::Warning,
            (false, false) => Ui::Ok,
        };
        // Wrapped, never cut: the folder and what to do are at the end.
        let text_w = w.saturating_sub(LABEL_W + 2).max(10);
        let mut first = true;
        let mut push = |out: &mut Vec<Line<'static>>, text: &str, role: Ui| {
            for l in wrap(&safe(text), text_w) {
                let label = if first { "Package" } else { "" };
                first = false;
                out.push(labelled(
                    s,
                    label,
                    vec![Span::styled(l, s.theme.style(role))],
                ));
            }
        };
        push(&mut out, &p.summary, role);
        for problem in &p.problems {
            push(&mut out, problem, Ui::Warning);
        }
        if p.problems
            .iter()
            .any(|x| x.contains("no record is linked to the case, but"))
        {
            let hint = format!(
                "{} links them from here: search, pick, link",
                s.keymap
                    .keys_for(crate::tui::keymap::Command::LinkRecords)
                    .first()
                    .cloned()
                    .unwrap_or_else(|| "L".into())
            );
            push(&mut out, &hint, Ui::Accent);
        }
    }
    out.push(Line::from(""));
    out.push(section(s, "Timeline", w));
    timeline(s, v, w, &mut out);
    out.push(section(
        s,
        &format!("Internal notes ({})", v.notes.len()),
        w,
    ));
    notes(s, &v.notes, w, &mut out);
    out.push(section(
        s,
        &format!("Replies to the requester ({})", v.replies.len()),
        w,
    ));
    notes(s, &v.replies, w, &mut out);
    out
}

fn head(s: &State, v: &CaseView, revealed: bool, w: usize, out: &mut Vec<Line<'static>>) {
    let case = &v.case;
    let tz = s.case_settings.calendar.time_zone();
    let what = match case.kind {
        Some(k) => format!("{} · {}", case.category.label(), k.label()),
        None => case.category.label().to_string(),
    };
    out.push(Line::from(vec![
        Span::styled(format!(" {} ", case.id), s.theme.style(Ui::Title)),
        Span::styled(fit(&what, w.saturating_sub(17)), s.theme.style(Ui::Accent)),
    ]));
    let assignee = match &case.assignee {
        Some(a) => s
            .case_settings
            .assignees
            .iter()
            .find(|(u, _)| u == a)
            .map(|(_, n)| safe(n))
            .unwrap_or_else(|| safe(a)),
        None => "nobody".into(),
    };
    out.push(labelled(
        s,
        "Status",
        vec![
            Span::styled(
                format!(" {} ", case.status.label()),
                s.theme.style(Ui::Badge),
            ),
            Span::raw(fit(
                &format!(
                    " {} · priority {} · assignee {assignee}",
                    case.law.label(),
                    case.priority
                ),
                w.saturating_sub(LABEL_W + 22),
            )),
        ],
    ));
    if let Some(r) = &case.hold_reason {
        out.push(labelled(
            s,
            "On hold",
            vec![Span::raw(fit(&safe(r), w.saturating_sub(LABEL_W + 2)))],
        ));
    }
    out.push(labelled(
        s,
        "Received",
        vec![Span::raw(fit(
            &format!(
                "{} by {} · version {}",
                case.received_at
                    .with_timezone(&tz)
                    .format("%Y-%m-%d %H:%M (%a)"),
                case.channel.replace('_', " "),
                case.version
            ),
            w.saturating_sub(LABEL_W + 2),
        ))],
    ));
    out.push(labelled(s, "Due", due_spans(s, v, w)));
    if let Some(d) = &case.deadlines {
        let mut extra = Vec::new();
        if let Some(r) = d.receipt_due {
            extra.push(format!("confirm receipt by {}", date(r)));
        }
        if let Some(e) = d.practical_extended_due.or(d.extended_due) {
            extra.push(format!("extended to {}", date(e)));
        }
        if !extra.is_empty() {
            out.push(labelled(
                s,
                "",
                vec![Span::raw(fit(
                    &extra.join(" · "),
                    w.saturating_sub(LABEL_W + 2),
                ))],
            ));
        }
    }

    // Who asked: contact details are personal data, masked until revealed.
    let r = &case.requester;
    let shown = |field: &str, value: &str| -> String {
        if revealed {
            safe(value)
        } else {
            safe(&mask_field(field, value))
        }
    };
    let contact_role = if revealed { Ui::Revealed } else { Ui::Masked };
    let mut spans = vec![
        if revealed {
            Span::styled("REVEALED", s.theme.style(Ui::Revealed))
        } else {
            Span::styled("masked", s.theme.style(Ui::Masked))
        },
        Span::raw(" "),
        Span::raw(
            r.name
                .as_deref()
                .map(safe)
                .unwrap_or_else(|| "(no name)".into()),
        ),
    ];
    for (field, value) in [
        ("email", r.contact.email.as_deref()),
        ("phone", r.contact.phone.as_deref()),
        ("address", r.contact.postal_address.as_deref()),
    ] {
        if let Some(v) = value {
            spans.push(Span::raw(" · "));
            spans.push(Span::styled(shown(field, v), s.theme.style(contact_role)));
        }
    }
    if let Some(rc) = &r.reply_channel {
        spans.push(Span::raw(format!(" · reply by {}", rc.replace('_', " "))));
    }
    out.push(labelled(
        s,
        "Requester",
        fit_spans(spans, w.saturating_sub(LABEL_W + 2)),
    ));
    if let Some(rep) = &r.representative {
        let proof = rep
            .proof
            .as_deref()
            .map(|p| format!(" · proof: {}", safe(p)))
            .unwrap_or_else(|| " · no proof recorded".into());
        let name = safe(&rep.name);
        out.push(labelled(
            s,
            "Represented",
            vec![Span::raw(fit(
                &format!("by {name} ({}){proof}", safe(&rep.relation)),
                w.saturating_sub(LABEL_W + 2),
            ))],
        ));
    }
    let identity = match &case.verification {
        None => Span::styled("not checked yet", s.theme.style(Ui::Warning)),
        Some(ver) => {
            let role = match ver.result {
                VerificationResult::Verified => Ui::Ok,
                VerificationResult::Failed => Ui::Error,
                VerificationResult::Pending => Ui::Warning,
            };
            Span::styled(
                fit(
                    &format!(
                        "{} · {} · by {} {}",
                        ver.result,
                        safe(&ver.method),
                        safe(&ver.verified_by),
                        ver.verified_at.with_timezone(&tz).format("%m-%d %H:%M")
                    ),
                    w.saturating_sub(LABEL_W + 2),
                ),
                s.theme.style(role),
            )
        }
    };
    out.push(labelled(s, "Identity", vec![identity]));
    let links = if v.links.is_empty() {
        "none".to_string()
    } else {
        v.links
            .iter()
            .map(|l| {
                let badge = s
                    .systems
                    .iter()
                    .find(|(n, _)| *n == l.system)
                    .map(|(_, b)| b.clone())
                    .unwrap_or_else(|| l.system.clone());
                format!("{} {}", safe(&badge), safe(&l.record_id))
            })
            .collect::<Vec<_>>()
            .join(", ")
    };
    out.push(labelled(
        s,
        "Records",
        vec![Span::raw(fit(&links, w.saturating_sub(LABEL_W + 2)))],
    ));
    if !case.description.trim().is_empty() {
        out.push(labelled(s, "Description", vec![]));
        for l in wrap(&case.description, w.saturating_sub(4)) {
            out.push(Line::from(format!("   {l}")));
        }
    }
    if !case.refusal_grounds.is_empty() {
        // Each ground in full, with its article, wrapped rather than cut.
        out.push(labelled(s, "Grounds", vec![]));
        for g in &case.refusal_grounds {
            for (i, l) in wrap(&g.described(), w.saturating_sub(6)).iter().enumerate() {
                let bullet = if i == 0 { "   • " } else { "     " };
                out.push(Line::from(format!("{bullet}{l}")));
            }
        }
    }
    if let Some(o) = case.outcome {
        out.push(labelled(
            s,
            "Outcome",
            vec![Span::raw(o.as_str().to_string())],
        ));
    }
}

fn due_spans(s: &State, v: &CaseView, w: usize) -> Vec<Span<'static>> {
    let case = &v.case;
    let Some(d) = &case.deadlines else {
        return vec![Span::styled("no due date", s.theme.style(Ui::Muted))];
    };
    let due = Due::of(
        v.days_left,
        v.overdue,
        case.status.is_open(),
        d.clock_stopped,
    );
    let when = date(d.queue_due());
    let state = match (due, v.days_left) {
        (Due::Stopped, _) => "clock stopped by a pause".to_string(),
        (Due::Done, _) => format!("answered ({})", case.status),
        (_, Some(n)) => days_text(n),
        (_, None) => String::new(),
    };
    let marker = due.marker(&s.theme);
    let text = if marker.is_empty() {
        format!("{when} · {state}")
    } else {
        format!("{marker} {when} · {state}")
    };
    let mut spans = vec![Span::styled(
        fit(&text, w.saturating_sub(LABEL_W + 2)),
        s.theme.style(due.role()),
    )];
    if d.due != d.practical_due {
        spans.push(Span::styled(
            format!(" (legal {})", d.due.format("%m-%d")),
            s.theme.style(Ui::Muted),
        ));
    }
    spans
}

/// Keep spans within `w` cells, cutting the last one that does not fit.
fn fit_spans(spans: Vec<Span<'static>>, w: usize) -> Vec<Span<'static>> {
    let mut out = Vec::new();
    let mut used = 0;
    for sp in spans {
        let sw = width(&sp.content);
        if used + sw <= w {
            used += sw;
            out.push(sp);
        } else {
            let rest = w.saturating_sub(used);
            if rest > 0 {
                out.push(Span::styled(fit(&sp.content, rest), sp.style));
            }
            break;
        }
    }
    out
}

fn when<Tz: TimeZone>(s: &State, at: DateTime<Tz>) -> String {
    at.with_timezone(&s.case_settings.calendar.time_zone())
        .format("%m-%d %H:%M")
        .to_string()
}

fn timeline(s: &State, v: &CaseView, w: usize, out: &mut Vec<Line<'static>>) {
    for e in &v.events {
        let who = cell(&safe(&e.operator), 10);
        let head = format!(" {} {who} ", when(s, e.at));
        let rest = w.saturating_sub(width(&head));
        out.push(Line::from(vec![
            Span::styled(head, s.theme.style(Ui::Muted)),
            Span::raw(fit(&safe(&e.summary()), rest)),
        ]));
    }
}

fn notes(s: &State, list: &[CaseNote], w: usize, out: &mut Vec<Line<'static>>) {
    if list.is_empty() {
        out.push(Line::from(Span::styled(
            "   none",
            s.theme.style(Ui::Muted),
        )));
    }
    for n in list {
        let mut head = vec![Span::styled(
            format!(" {} {}", when(s, n.at), safe(&n.author)),
            s.theme.style(Ui::Muted),
        )];
        if n.is_response {
            head.push(Span::styled(
                "  ★ the response",
                s.theme.style(Ui::Ok).patch(Style::default()),
            ));
        }
        out.push(Line::from(head));
        for l in wrap(&n.text, w.saturating_sub(4)) {
            out.push(Line::from(format!("   {l}")));
        }
    }
}

/// The open dialog, in a box over the lower part of the screen.
fn dialog(s: &State, f: &mut Frame, area: Rect, d: &CaseDialog) {
    let id = s
        .screens
        .get::<CaseScreen>()
        .map(|c| c.id.to_string())
        .unwrap_or_default();
    let inner_w = area.width.saturating_sub(4).min(76) as usize;
    // A letter gets the rows the screen has; other dialogs stay small.
    let area_rows = if d.kind == crate::tui::app::DialogKind::Letter {
        (area.height as usize).saturating_sub(9).max(6)
    } else {
        6
    };
    let fl = field_lines(s, &d.form, &all(&d.form), inner_w, 14, area_rows);
    let want = fl.lines.len() as u16 + 3;
    let h = want.min(area.height);
    let boxed = centered(area, inner_w as u16 + 2, h);
    let boxed = Rect {
        y: area.y + area.height - boxed.height,
        ..boxed
    };
    clear(f, boxed);
    let title = format!(" {} · {id} ", d.kind.title());
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Accent))
        .title(Span::styled(title, s.theme.style(Ui::Title)));
    let inner = block.inner(boxed);
    f.render_widget(block, boxed);
    if inner.height == 0 {
        return;
    }
    let hint_area = Rect {
        y: inner.y + inner.height - 1,
        height: 1,
        ..inner
    };
    let fields_area = Rect {
        height: inner.height - 1,
        ..inner
    };
    draw_lines(f, fields_area, fl, s.overlay.is_none());
    let hint = if d.form.pending {
        "sending…".to_string()
    } else if s.operator.role == Role::Agent && d.kind == crate::tui::app::DialogKind::Status {
        "ctrl-s save · tab next · esc close (kept as a draft) · refusing and closing are for supervisors".into()
    } else if d.draft.key.is_empty() {
        "ctrl-s save · ←/→ choose · esc close".into()
    } else {
        "ctrl-s save · tab next · esc close (kept as a draft)".into()
    };
    f.render_widget(
        Paragraph::new(Span::styled(
            fit(&hint, inner.width as usize),
            s.theme.style(Ui::Muted),
        )),
        hint_area,
    );
}
