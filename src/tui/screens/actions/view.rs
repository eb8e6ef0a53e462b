//! The actions panel of a case: what keeps it from being fulfilled, each
//! action (kind, state, who prepared it, who decided and why) with its
//! jobs one per system (state, the system's error), and the manual tasks.
//! Also the form that prepares an action, the dry run (per system the
//! method, URL and body, personal data masked; a correction's before →
//! after), and the dialogs drawn over the lower part.

use crate::desk::{ActionView, JobView, PlannedAction, TaskView};
use crate::domain::message_mask::mask_message;
use crate::domain::{ActionStatus, JobMode, JobState};
use crate::tui::app::{ActionItem, ActionsScreen, State};
use crate::tui::form::Form;
use crate::tui::keymap::Command;
use crate::tui::theme::Role as Ui;
use crate::tui::views::form::{all, draw_lines, field_lines};
use crate::tui::views::widgets::{cell, centered, clear, fit, safe, width, wrap};
use ratatui::layout::Rect;
use ratatui::text::{Line, Span};
use ratatui::widgets::{Block, Borders, Paragraph};
use ratatui::Frame;

/// Blockers listed at most; the rest are counted.
const MAX_BLOCKERS: usize = 3;

pub fn draw(s: &State, f: &mut Frame, area: Rect) {
    let Some(a) = s.screens.get::<ActionsScreen>() else {
        return;
    };
    let w = area.width as usize;
    if let (Some(form), None) = (&a.prepare, &a.dry_run) {
        prepare(s, f, area, a, form);
    } else if let Some(dr) = &a.dry_run {
        let lines = dry_run_lines(s, dr, w);
        let h = area.height.saturating_sub(1) as usize;
        let max = lines.len().saturating_sub(h);
        let offset = (a.dry_scroll as usize).min(max);
        let mut hint = if a.previewing() {
            let sending = a.prepare.as_ref().is_some_and(|f| f.pending);
            if sending {
                " creating the action…".to_string()
            } else {
                format!(
                    " not created yet: {} creates it · {} back to the form",
                    key(s, Command::Open),
                    key(s, Command::Back)
                )
            }
        } else {
            dry_run_hint(s, &dr.action)
        };
        if max > 0 {
            hint.push_str(&format!(" · j/k scroll ({}/{})", offset, max));
        }
        f.render_widget(
            Paragraph::new(lines).scroll((offset as u16, 0)),
            Rect {
                height: h as u16,
                ..area
            },
        );
        f.render_widget(
            Paragraph::new(hint_line(s, &hint, w)),
            Rect {
                y: area.y + h as u16,
                height: 1,
                ..area
            },
        );
    } else {
        let (lines, at) = panel_lines(s, a, w);
        let h = area.height as usize;
        let offset = at.map_or(0, |i| (i + 2).saturating_sub(h));
        f.render_widget(Paragraph::new(lines).scroll((offset as u16, 0)), area);
    }
    if let Some(d) = &a.dialog {
        let title = format!(" {} · {} ", d.kind.title(), d.target);
        form_box(s, f, area, &title, &d.form);
    }
}

fn hint_line(s: &State, text: &str, w: usize) -> Line<'static> {
    Line::from(Span::styled(fit(text, w), s.theme.style(Ui::Muted)))
}

fn key(s: &State, c: Command) -> String {
    s.keymap
        .keys_for(c)
        .first()
        .cloned()
        .unwrap_or_else(|| "-".into())
}

fn dry_run_hint(s: &State, v: &ActionView) -> String {
    let back = key(s, Command::Back);
    match v.status {
        ActionStatus::AwaitingApproval => format!(
            " waits for a supervisor: {} approve · {} deny · {back} back",
            key(s, Command::ApproveAction),
            key(s, Command::DenyAction)
        ),
        ActionStatus::Approved => format!(" {} runs it · {back} back", key(s, Command::RunAction)),
        ActionStatus::Denied => format!(" denied: nothing is sent · {back} back"),
    }
}

/// A rule with a title: `── Manual tasks ───`.
pub(crate) fn section(s: &State, title: &str, w: usize) -> Line<'static> {
    let head = format!(" ── {title} ");
    let rule = "─".repeat(w.saturating_sub(width(&head) + 1));
    Line::from(Span::styled(
        fit(&format!("{head}{rule}"), w),
        s.theme.style(Ui::Border),
    ))
}

/// A job's state in words (`outcome unknown` for unknown).
pub(crate) fn state_word(state: JobState) -> &'static str {
    match state {
        JobState::Unknown => "outcome unknown",
        other => other.as_str(),
    }
}

fn state_role(state: JobState) -> Ui {
    match state {
        JobState::Done => Ui::Ok,
        JobState::Failed => Ui::Error,
        JobState::Unknown => Ui::Warning,
        JobState::Running | JobState::Polling => Ui::Accent,
        JobState::Queued | JobState::Skipped | JobState::Manual | JobState::Cancelled => Ui::Muted,
    }
}

fn status_role(status: ActionStatus) -> Ui {
    match status {
        ActionStatus::AwaitingApproval => Ui::Warning,
        ActionStatus::Approved => Ui::Ok,
        ActionStatus::Denied => Ui::Error,
    }
}

/// An action of a kind that needs no approval is ready, never "approved":
/// nobody approved it.
fn status_word(status: ActionStatus, needs_approval: bool) -> &'static str {
    match status {
        ActionStatus::AwaitingApproval => "awaiting approval",
        ActionStatus::Approved if needs_approval => "approved",
        ActionStatus::Approved => "no approval needed",
        ActionStatus::Denied => "denied",
    }
}

fn when(s: &State, at: chrono::DateTime<chrono::Utc>) -> String {
    at.with_timezone(&s.case_settings.calendar.time_zone())
        .format("%m-%d %H:%M")
        .to_string()
}

/// The panel's lines and the line of the selected item.
fn panel_lines(s: &State, a: &ActionsScreen, w: usize) -> (Vec<Line<'static>>, Option<usize>) {
    let mut out = Vec::new();
    let state = if a.loaded.loading {
        " · loading…"
    } else {
        ""
    };
    let running = a
        .running
        .as_deref()
        .map(|r| format!(" · running {r}"))
        .unwrap_or_default();
    out.push(Line::from(Span::styled(
        fit(&format!(" Actions on {}{state}{running}", a.case), w),
        s.theme.style(Ui::Title),
    )));
    let Some(d) = &a.loaded.data else {
        if let Some(e) = &a.loaded.error {
            out.push(Line::from(Span::styled(
                fit(&format!(" could not load the actions: {}", safe(e)), w),
                s.theme.style(Ui::Error),
            )));
        }
        return (out, None);
    };
    if d.blockers.is_empty() {
        out.push(hint_line(
            s,
            " Nothing keeps the case from being closed as fulfilled.",
            w,
        ));
    } else {
        out.push(Line::from(Span::styled(
            fit(" ! Keeps the case from being fulfilled:", w),
            s.theme.style(Ui::Warning),
        )));
        for b in d.blockers.iter().take(MAX_BLOCKERS) {
            out.push(Line::from(Span::styled(
                fit(&format!("   - {}", safe(&mask_message(b))), w),
                s.theme.style(Ui::Warning),
            )));
        }
        if d.blockers.len() > MAX_BLOCKERS {
            out.push(Line::from(Span::styled(
                fit(
                    &format!("   … and {} more", d.blockers.len() - MAX_BLOCKERS),
                    w,
                ),
                s.theme.style(Ui::Warning),
            )));
        }
    }
    if d.actions.is_empty() {
        out.push(hint_line(
            s,
            &format!(
                " No action yet: {} prepares one (you see the dry run first).",
                key(s, Command::PrepareAction)
            ),
            w,
        ));
    }
    let selected = a.item();
    let mut at = None;
    for (i, v) in d.actions.iter().enumerate() {
        out.push(section(s, &format!("{} {}", v.id, v.label), w));
        if selected == Some(ActionItem::Action(i)) {
            at = Some(out.len());
        }
        out.push(action_line(
            s,
            v,
            selected == Some(ActionItem::Action(i)),
            w,
        ));
        if let Some(why) = &v.waits_for {
            out.push(hint_line(s, &format!("   waits: {}", safe(why)), w));
        }
        for (j, job) in v.jobs.iter().enumerate() {
            let sel = selected == Some(ActionItem::Job(i, j));
            if sel {
                at = Some(out.len());
            }
            out.extend(job_lines(s, job, sel, w));
        }
    }
    if !d.tasks.is_empty() {
        out.push(section(s, &format!("Manual tasks ({})", d.tasks.len()), w));
        for (t, task) in d.tasks.iter().enumerate() {
            let sel = selected == Some(ActionItem::Task(t));
            if sel {
                at = Some(out.len());
            }
            out.extend(task_lines(s, task, sel, w));
        }
    }
    (out, at)
}

fn marker(sel: bool) -> &'static str {
    if sel {
        "▶"
    } else {
        " "
    }
}

fn action_line(s: &State, v: &ActionView, sel: bool, w: usize) -> Line<'static> {
    let mut text = format!(
        " · prepared by {} {} · {}",
        safe(&v.prepared_by),
        when(s, v.prepared_at),
        v.progress
    );
    if let Some(by) = &v.decided_by {
        let word = if v.status == ActionStatus::Denied {
            "denied"
        } else {
            "approved"
        };
        text.push_str(&format!(" · {word} by {}", safe(by)));
        if let Some(r) = &v.decision_reason {
            text.push_str(&format!(": {}", safe(r)));
        }
    }
    let status = status_word(v.status, v.needs_approval);
    let mut spans = vec![
        Span::styled(format!(" {} ", marker(sel)), s.theme.style(Ui::Accent)),
        Span::styled(status.to_string(), s.theme.style(status_role(v.status))),
    ];
    let rest = w.saturating_sub(3 + width(status));
    let style = if sel {
        s.theme.style(Ui::Selection)
    } else {
        Default::default()
    };
    spans.push(Span::styled(fit(&text, rest), style));
    Line::from(spans)
}

fn job_lines(s: &State, j: &JobView, sel: bool, w: usize) -> Vec<Line<'static>> {
    let target = cell(&safe(&j.target), 20);
    let state = state_word(j.state);
    let mut extra = Vec::new();
    if j.mode == JobMode::Manual && j.state == JobState::Queued {
        extra.push("by hand".to_string());
    }
    if j.verified == Some(true) {
        extra.push("verified".into());
    }
    if j.overdue {
        extra.push("overdue".into());
    }
    if let Some(t) = &j.task {
        extra.push(t.clone());
    }
    let head = format!(" {}   {} {target} ", marker(sel), cell(&j.id, 5));
    let head_w = width(&head);
    let style = if sel {
        s.theme.style(Ui::Selection)
    } else {
        Default::default()
    };
    let mut spans = vec![
        Span::styled(head, style),
        Span::styled(state.to_string(), s.theme.style(state_role(j.state))),
    ];
    if !extra.is_empty() {
        spans.push(Span::styled(
            fit(
                &format!(" · {}", extra.join(" · ")),
                w.saturating_sub(head_w + width(state)),
            ),
            s.theme.style(Ui::Muted),
        ));
    }
    let mut out = vec![Line::from(spans)];
    // The system's own words when a job did not end well.
    let why = match j.state {
        JobState::Failed | JobState::Unknown => j.message.as_deref().map(mask_message),
        JobState::Skipped => j.skip_reason.clone().map(|r| format!("skipped: {r}")),
        _ => None,
    };
    if let Some(m) = why {
        for l in wrap(&safe(&m), w.saturating_sub(9)).into_iter().take(2) {
            out.push(Line::from(Span::styled(
                format!("         {l}"),
                s.theme.style(state_role(j.state)),
            )));
        }
    }
    out
}

fn task_lines(s: &State, t: &TaskView, sel: bool, w: usize) -> Vec<Line<'static>> {
    let state = if t.done { "done" } else { "open" };
    let mut text = format!(" {} {} ", marker(sel), t.id);
    if let Some(sys) = &t.system {
        text.push_str(&safe(sys));
        if let Some(r) = &t.record {
            text.push_str(&format!(":{}", safe(r)));
        }
        text.push(' ');
    }
    let mut rest = Vec::new();
    if t.done {
        if let Some(r) = &t.result {
            rest.push(format!("result: {}", safe(r)));
        }
        if let Some(by) = &t.done_by {
            rest.push(format!("by {}", safe(by)));
        }
    } else {
        if let Some(a) = &t.assignee {
            rest.push(format!("for {}", safe(a)));
        }
        if let Some(d) = t.due {
            rest.push(format!("due {}", d.format("%Y-%m-%d")));
        }
    }
    let style = if sel {
        s.theme.style(Ui::Selection)
    } else {
        Default::default()
    };
    let role = if t.done { Ui::Ok } else { Ui::Warning };
    let used = width(&text) + width(state);
    let mut out = vec![Line::from(vec![
        Span::styled(text, style),
        Span::styled(state.to_string(), s.theme.style(role)),
        Span::styled(
            fit(&format!(" · {}", rest.join(" · ")), w.saturating_sub(used)),
            s.theme.style(Ui::Muted),
        ),
    ])];
    if sel || !t.done {
        if let Some(l) = wrap(&safe(&t.instructions), w.saturating_sub(7)).first() {
            out.push(hint_line(s, &format!("       {l}"), w));
        }
    }
    out
}

/// The dry run of an action: per system the exact request with personal
/// data masked, a correction's before → after, systems done by hand.
/// Bodies are shown whole (the view scrolls) up to a generous cap.
const BODY_MAX_LINES: usize = 40;

pub(crate) fn dry_run_lines(s: &State, p: &PlannedAction, w: usize) -> Vec<Line<'static>> {
    let v = &p.action;
    let (head, status, role) = if v.id == "new" {
        let then = if v.needs_approval {
            "not created yet; will wait for approval"
        } else {
            "not created yet; will be ready to run"
        };
        (format!(" Dry run · {} · ", v.label), then, Ui::Warning)
    } else {
        (
            format!(" Dry run · {} {} · ", v.id, v.label),
            status_word(v.status, v.needs_approval),
            status_role(v.status),
        )
    };
    let mut out = vec![Line::from(vec![
        Span::styled(head, s.theme.style(Ui::Title)),
        Span::styled(status.to_string(), s.theme.style(role)),
    ])];
    let mut about = format!(" {} · prepared by {}", v.case, safe(&v.prepared_by));
    if let Some(n) = &v.note {
        about.push_str(&format!(" · note: {}", safe(n)));
    }
    out.push(hint_line(s, &about, w));
    out.push(hint_line(
        s,
        " What each system is sent (personal data masked):",
        w,
    ));
    for j in &v.jobs {
        let how = match j.mode {
            JobMode::Api => "api",
            JobMode::Opendsr => "OpenDSR",
            JobMode::Manual => "by hand",
        };
        let title = if j.id.is_empty() {
            format!("{} · {how}", safe(&j.target))
        } else {
            format!(
                "{} {} · {how} · {}",
                j.id,
                safe(&j.target),
                state_word(j.state)
            )
        };
        out.push(section(s, &title, w));
        match &j.request {
            Some(r) => {
                let line = format!("   {} {}", safe(&r.method), safe(&r.url));
                out.push(Line::from(Span::styled(
                    fit(&line, w),
                    s.theme.style(Ui::Accent),
                )));
                if let Some(body) = &r.body {
                    let text = serde_json::to_string(body).unwrap_or_default();
                    for l in wrap(&safe(&text), w.saturating_sub(4))
                        .into_iter()
                        .take(BODY_MAX_LINES)
                    {
                        out.push(Line::from(Span::styled(
                            format!("   {l}"),
                            s.theme.style(Ui::Masked),
                        )));
                    }
                }
            }
            None => {
                let why = j
                    .manual_reason
                    .as_deref()
                    .map(safe)
                    .unwrap_or_else(|| "done by hand".into());
                out.push(Line::from(Span::styled(
                    fit(&format!("   manual task: {why}"), w),
                    s.theme.style(Ui::Warning),
                )));
            }
        }
        for c in &j.diff {
            let before = c
                .before
                .as_deref()
                .map(safe)
                .unwrap_or_else(|| "(not shown)".into());
            out.push(Line::from(vec![
                Span::styled(format!("   {}: ", safe(&c.field)), s.theme.style(Ui::Muted)),
                Span::styled(
                    fit(
                        &format!("{before} → {}", safe(&c.after)),
                        w.saturating_sub(6 + width(&c.field)),
                    ),
                    s.theme.style(Ui::Masked),
                ),
            ]));
        }
        if matches!(j.state, JobState::Failed | JobState::Unknown) {
            if let Some(m) = &j.message {
                out.push(Line::from(Span::styled(
                    fit(&format!("   {}", safe(&mask_message(m))), w),
                    s.theme.style(Ui::Error),
                )));
            }
        }
    }
    for l in &p.left_out {
        out.push(hint_line(s, &format!(" left out: {}", safe(l)), w));
    }
    out
}

fn prepare(s: &State, f: &mut Frame, area: Rect, a: &ActionsScreen, form: &Form) {
    let w = area.width as usize;
    let title = Line::from(Span::styled(
        fit(
            &format!(" Prepare an action on {} · nothing is sent yet", a.case),
            w,
        ),
        s.theme.style(Ui::Title),
    ));
    f.render_widget(Paragraph::new(title), Rect { height: 1, ..area });
    let hint = if form.pending {
        " preparing: reading the records…"
    } else {
        " space ticks · ←/→ change · tab next · ctrl-s dry run · esc close"
    };
    let body = Rect {
        y: area.y + 1,
        height: area.height.saturating_sub(2),
        ..area
    };
    let fl = field_lines(s, form, &all(form), w, 13, 3);
    draw_lines(f, body, fl, s.overlay.is_none() && !s.locked);
    f.render_widget(
        Paragraph::new(hint_line(s, hint, w)),
        Rect {
            y: area.y + area.height.saturating_sub(1),
            height: 1,
            ..area
        },
    );
}

/// A small form in a box over the lower part of `area`.
pub(crate) fn form_box(s: &State, f: &mut Frame, area: Rect, title: &str, form: &Form) {
    let inner_w = area.width.saturating_sub(4).min(76) as usize;
    let fl = field_lines(s, form, &all(form), inner_w, 12, 3);
    let h = (fl.lines.len() as u16 + 3).min(area.height);
    let boxed = centered(area, inner_w as u16 + 2, h);
    let boxed = Rect {
        y: area.y + area.height - boxed.height,
        ..boxed
    };
    clear(f, boxed);
    let block = Block::default()
        .borders(Borders::ALL)
        .border_style(s.theme.style(Ui::Accent))
        .title(Span::styled(title.to_string(), s.theme.style(Ui::Title)));
    let inner = block.inner(boxed);
    f.render_widget(block, boxed);
    if inner.height == 0 {
        return;
    }
    draw_lines(
        f,
        Rect {
            height: inner.height - 1,
            ..inner
        },
        fl,
        s.overlay.is_none(),
    );
    let hint = if form.pending {
        "sending…"
    } else {
        "ctrl-s save · tab next · esc close"
    };
    f.render_widget(
        Paragraph::new(hint_line(s, hint, inner.width as usize)),
        Rect {
            y: inner.y + inner.height - 1,
            height: 1,
            ..inner
        },
    );
}
