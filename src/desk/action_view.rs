//! Actions as the operator sees them: personal data masked (unless
//! revealed with a purpose), references (`A-3`, `J-7`, `T-2`) instead of
//! row numbers, and what still keeps a case from being fulfilled.

use crate::domain::action::{action_ref, job_ref, task_ref};
use crate::domain::mask::mask_field;
use crate::domain::message_mask::mask_message;
use crate::domain::{
    Action, ActionJob, ActionKind, ActionStatus, CaseId, FieldChange, JobMode, JobState,
    ManualTask, PlannedRequest,
};
use chrono::{DateTime, Utc};
use serde::{Deserialize, Serialize};

/// One job, for the screens and `action status`.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobView {
    /// `J-7`.
    pub id: String,
    pub system: String,
    pub record: Option<String>,
    /// `crm:C-1001`.
    pub target: String,
    pub kind: ActionKind,
    pub mode: JobMode,
    pub state: JobState,
    /// Polling past the time the processor should have completed by.
    pub overdue: bool,
    /// The request, personal data masked (unless revealed).
    pub request: Option<PlannedRequest>,
    /// Correction: before -> after, masked (unless revealed).
    pub diff: Vec<FieldChange>,
    pub manual_reason: Option<String>,
    pub idempotency_key: String,
    pub attempts: u32,
    pub polls: u32,
    pub http_status: Option<u16>,
    pub message: Option<String>,
    pub verified: Option<bool>,
    /// Export: the data was received (read it with `Desk::export_data`).
    pub has_result: bool,
    pub skip_reason: Option<String>,
    /// The manual task made for this job.
    pub task: Option<String>,
    pub last_sent_at: Option<DateTime<Utc>>,
    pub finished_at: Option<DateTime<Utc>>,
}

/// One action with its jobs.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct ActionView {
    /// `A-3`.
    pub id: String,
    pub case: CaseId,
    pub kind: ActionKind,
    pub label: String,
    pub status: ActionStatus,
    pub needs_approval: bool,
    pub prepared_by: String,
    pub prepared_at: DateTime<Utc>,
    pub note: Option<String>,
    /// Correction: field -> new value (masked unless revealed).
    pub changes: Vec<(String, String)>,
    pub decided_by: Option<String>,
    pub decided_at: Option<DateTime<Utc>>,
    pub decision_reason: Option<String>,
    pub jobs: Vec<JobView>,
    /// `2 done, 1 failed`.
    pub progress: String,
    /// Why it cannot run now (e.g. an access action must finish first).
    pub waits_for: Option<String>,
}

/// Everything about the actions of one case.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct CaseActions {
    pub case: CaseId,
    pub actions: Vec<ActionView>,
    pub tasks: Vec<TaskView>,
    /// What keeps the case from being closed as fulfilled (empty: nothing).
    pub blockers: Vec<String>,
}

/// A manual task.
#[derive(Debug, Clone, PartialEq, Eq, Serialize, Deserialize)]
pub struct TaskView {
    /// `T-2`.
    pub id: String,
    pub case: CaseId,
    pub action: Option<String>,
    pub job: Option<String>,
    pub system: Option<String>,
    pub record: Option<String>,
    pub instructions: String,
    pub assignee: Option<String>,
    pub due: Option<chrono::NaiveDate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
    pub done: bool,
    pub done_by: Option<String>,
    pub done_at: Option<DateTime<Utc>>,
    pub result: Option<String>,
    pub note: Option<String>,
}

impl From<&ManualTask> for TaskView {
    fn from(t: &ManualTask) -> Self {
        TaskView {
            id: task_ref(t.id),
            case: t.case_id,
            action: t.action_id.map(action_ref),
            job: t.job_id.map(job_ref),
            system: t.system.clone(),
            record: t.record_id.clone(),
            instructions: t.instructions.clone(),
            assignee: t.assignee.clone(),
            due: t.due,
            created_by: t.created_by.clone(),
            created_at: t.created_at,
            done: t.done_at.is_some(),
            done_by: t.done_by.clone(),
            done_at: t.done_at,
            result: t.result.clone(),
            note: t.note.clone(),
        }
    }
}

fn masked_diff(diff: &[FieldChange], reveal: bool) -> Vec<FieldChange> {
    diff.iter()
        .map(|c| {
            if reveal {
                c.clone()
            } else {
                FieldChange {
                    field: c.field.clone(),
                    before: c.before.as_deref().map(|b| mask_field(&c.field, b)),
                    after: mask_field(&c.field, &c.after),
                }
            }
        })
        .collect()
}

/// A job as shown; `reveal` shows the request as sent and the diff unmasked.
pub fn job_view(
    j: &ActionJob,
    task: Option<&ManualTask>,
    reveal: bool,
    now: DateTime<Utc>,
) -> JobView {
    JobView {
        id: j.reference(),
        system: j.system.clone(),
        record: j.record_id.clone(),
        target: j.target(),
        kind: j.kind,
        mode: j.mode,
        state: j.state,
        overdue: j.is_overdue(now),
        request: if reveal {
            j.request.clone()
        } else {
            j.preview.clone()
        },
        diff: masked_diff(&j.diff, reveal),
        manual_reason: j.manual_reason.clone(),
        idempotency_key: j.idempotency_key.clone(),
        attempts: j.attempts,
        polls: j.polls,
        http_status: j.http_status,
        // Systems echo the values they refused; masked like the rest
        // unless revealed.
        message: if reveal {
            j.message.clone()
        } else {
            j.message.as_deref().map(mask_message)
        },
        verified: j.verified,
        has_result: j.has_result,
        skip_reason: j.skip_reason.clone(),
        task: task.map(|t| task_ref(t.id)),
        last_sent_at: j.last_sent_at,
        finished_at: j.finished_at,
    }
}

/// `2 done, 1 failed` (states in a fixed order), or `no jobs`.
pub fn progress(jobs: &[ActionJob]) -> String {
    let parts: Vec<String> = JobState::ALL
        .iter()
        .filter_map(|s| {
            let n = jobs.iter().filter(|j| j.state == *s).count();
            (n > 0).then(|| format!("{n} {s}"))
        })
        .collect();
    if parts.is_empty() {
        "no jobs".into()
    } else {
        parts.join(", ")
    }
}

/// An action with its jobs as shown.
pub fn action_view(
    a: &Action,
    jobs: &[ActionJob],
    tasks: &[ManualTask],
    waits_for: Option<String>,
    reveal: bool,
    now: DateTime<Utc>,
) -> ActionView {
    let mine: Vec<ActionJob> = jobs
        .iter()
        .filter(|j| j.action_id == a.id)
        .cloned()
        .collect();
    ActionView {
        id: a.reference(),
        case: a.case_id,
        kind: a.kind,
        label: a.kind.label().to_string(),
        status: a.status,
        needs_approval: a.needs_approval,
        prepared_by: a.prepared_by.clone(),
        prepared_at: a.prepared_at,
        note: a.note.clone(),
        changes: a
            .changes
            .iter()
            .map(|(f, v)| (f.clone(), if reveal { v.clone() } else { mask_field(f, v) }))
            .collect(),
        decided_by: a.decided_by.clone(),
        decided_at: a.decided_at,
        decision_reason: a.decision_reason.clone(),
        jobs: mine
            .iter()
            .map(|j| {
                let task = tasks.iter().find(|t| t.job_id == Some(j.id));
                job_view(j, task, reveal, now)
            })
            .collect(),
        progress: progress(&mine),
        waits_for,
    }
}
