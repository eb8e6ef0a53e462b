//! Text output of `privdesk action ...` and `privdesk task ...`. Text that
//! came from a system (error messages) has its control characters escaped.

use crate::desk::{ActionView, CaseActions, JobUpdate, JobView, TaskView};
use crate::domain::text::escape_controls;
use crate::domain::ActionStatus;

fn clean(s: &str) -> String {
    escape_controls(s)
}

/// `J-3 crm:C-1001 delete: done - done (HTTP 204), checked`.
pub fn update_line(u: &JobUpdate) -> String {
    let mut line = format!("{} {} {}: {}", u.job, u.target, u.kind, u.state);
    if u.overdue {
        line.push_str(" (overdue)");
    }
    if let Some(m) = &u.message {
        line.push_str(&format!(" - {}", clean(m)));
    }
    line
}

fn job_text(j: &JobView, out: &mut String) {
    let mut head = format!(
        "  {} {:<22} {:<8} {}",
        j.id,
        j.target,
        j.mode.as_str(),
        j.state
    );
    if j.overdue {
        head.push_str(" (overdue)");
    }
    if j.attempts > 0 {
        head.push_str(&format!(", {} attempt(s)", j.attempts));
    }
    if let Some(t) = &j.task {
        head.push_str(&format!(", task {t}"));
    }
    out.push_str(&head);
    out.push('\n');
    if let Some(r) = &j.request {
        out.push_str(&format!("      {} {}\n", r.method, clean(&r.url)));
        if let Some(b) = &r.body {
            out.push_str(&format!("      body: {}\n", clean(&b.to_string())));
        }
    }
    for d in &j.diff {
        out.push_str(&format!(
            "      {}: {} -> {}\n",
            d.field,
            d.before
                .as_deref()
                .map(clean)
                .unwrap_or_else(|| "(not shown)".into()),
            clean(&d.after)
        ));
    }
    if let Some(r) = &j.manual_reason {
        out.push_str(&format!("      by hand: {}\n", clean(r)));
    }
    if let Some(m) = &j.message {
        out.push_str(&format!("      {}\n", clean(m)));
    }
    if let Some(r) = &j.skip_reason {
        out.push_str(&format!("      skipped: {}\n", clean(r)));
    }
}

/// An action with its jobs.
pub fn action_text(v: &ActionView) -> String {
    let status = match v.status {
        ActionStatus::AwaitingApproval => "awaiting a supervisor's approval".to_string(),
        ActionStatus::Approved if v.needs_approval => {
            format!("approved by {}", v.decided_by.as_deref().unwrap_or("?"))
        }
        ActionStatus::Approved => "ready (needs no approval)".to_string(),
        ActionStatus::Denied => format!("denied by {}", v.decided_by.as_deref().unwrap_or("?")),
    };
    let mut out = format!(
        "{} {} on {}: {}; prepared by {}; {}\n",
        v.id, v.kind, v.case, status, v.prepared_by, v.progress
    );
    if let Some(r) = &v.decision_reason {
        out.push_str(&format!("  reason: {}\n", clean(r)));
    }
    if let Some(w) = &v.waits_for {
        out.push_str(&format!("  waits: {}\n", clean(w)));
    }
    for j in &v.jobs {
        job_text(j, &mut out);
    }
    out
}

/// `T-2 open crm:C-1001 due 2026-04-15 (hsato): Delete record ...`.
pub fn task_line(t: &TaskView) -> String {
    let target = match (&t.system, &t.record) {
        (Some(s), Some(r)) => format!("{s}:{r}"),
        (Some(s), None) => s.clone(),
        _ => "-".into(),
    };
    let mut line = format!(
        "{} {} {} {} {}{}: {}",
        t.id,
        t.case,
        if t.done { "done" } else { "open" },
        target,
        t.due
            .map(|d| format!("due {d}"))
            .unwrap_or_else(|| "no due date".into()),
        t.assignee
            .as_deref()
            .map(|a| format!(" ({a})"))
            .unwrap_or_default(),
        clean(&t.instructions)
    );
    if let (Some(by), Some(r)) = (&t.done_by, &t.result) {
        line.push_str(&format!(" => {} by {by}", clean(r)));
    }
    line
}

/// The actions of a case, its tasks, and what blocks fulfilment.
pub fn case_actions_text(v: &CaseActions) -> String {
    let mut out = String::new();
    if v.actions.is_empty() {
        out.push_str(&format!("No actions on {}.\n", v.case));
    }
    for a in &v.actions {
        out.push_str(&action_text(a));
    }
    if !v.tasks.is_empty() {
        out.push_str("Tasks:\n");
        for t in &v.tasks {
            out.push_str(&format!("  {}\n", task_line(t)));
        }
    }
    if v.blockers.is_empty() {
        out.push_str("Nothing keeps the case from being closed as fulfilled.\n");
    } else {
        out.push_str("Before the case can be closed as fulfilled:\n");
        for b in &v.blockers {
            out.push_str(&format!("  - {}\n", clean(b)));
        }
    }
    out
}
