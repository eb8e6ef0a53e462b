//! How actions, jobs, journal attempts and manual tasks map to rows and back.

use super::case_rows::{bad, case_id, from_json, opt_date, opt_parsed, opt_utc, parsed, utc};
use crate::domain::{
    Action, ActionJob, ActionKind, ActionStatus, FieldChange, JobMode, JobState, ManualTask,
    PlannedRequest,
};
use chrono::{DateTime, Utc};
use rusqlite::Row;
use serde::Serialize;

pub(crate) const ACTION_SELECT: &str = "SELECT id, case_id, kind, status, needs_approval,
    prepared_by, prepared_at, note, changes, decided_by, decided_at, decision_reason FROM actions";

pub(crate) const JOB_SELECT: &str = "SELECT id, action_id, case_id, kind, system, record_id,
    mode, idempotency_key, request, preview, diff, manual_reason, state, attempts, last_sent_at,
    submitted_at, overdue_at, polls, http_status, message, verified, result IS NOT NULL AS has_result,
    skip_reason, updated_at, finished_at FROM action_jobs";

pub(crate) const TASK_SELECT: &str = "SELECT id, case_id, action_id, job_id, system, record_id,
    instructions, assignee, due, created_by, created_at, done_by, done_at, result, note
    FROM manual_tasks";

/// One journal row: an attempt at sending a job's request.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
pub struct Attempt {
    pub job_id: i64,
    pub n: u32,
    pub sent_at: DateTime<Utc>,
    pub operator: String,
    pub pid: i64,
    /// None while in flight, or when privdesk stopped before the answer.
    pub outcome: Option<String>,
    pub http_status: Option<u16>,
    pub message: Option<String>,
    pub ended_at: Option<DateTime<Utc>>,
}

pub(crate) fn to_json<T: Serialize>(v: &T) -> String {
    // Plain data types: serialising them cannot fail.
    serde_json::to_string(v).unwrap_or_else(|_| "null".into())
}

pub(crate) fn action_from_row(row: &Row) -> rusqlite::Result<Action> {
    let changes: Vec<(String, String)> = from_json(row, "changes")?.unwrap_or_default();
    Ok(Action {
        id: row.get("id")?,
        case_id: case_id(row, "case_id")?,
        kind: parsed(row, "kind", ActionKind::parse_stored)?,
        status: parsed(row, "status", ActionStatus::parse)?,
        needs_approval: row.get("needs_approval")?,
        prepared_by: row.get("prepared_by")?,
        prepared_at: utc(row, "prepared_at")?,
        note: row.get("note")?,
        changes,
        decided_by: row.get("decided_by")?,
        decided_at: opt_utc(row, "decided_at")?,
        decision_reason: row.get("decision_reason")?,
    })
}

pub(crate) fn job_from_row(row: &Row) -> rusqlite::Result<ActionJob> {
    let attempts: i64 = row.get("attempts")?;
    let polls: i64 = row.get("polls")?;
    let http_status: Option<i64> = row.get("http_status")?;
    let verified: Option<i64> = row.get("verified")?;
    let diff: Vec<FieldChange> = from_json(row, "diff")?.unwrap_or_default();
    Ok(ActionJob {
        id: row.get("id")?,
        action_id: row.get("action_id")?,
        case_id: case_id(row, "case_id")?,
        kind: parsed(row, "kind", ActionKind::parse_stored)?,
        system: row.get("system")?,
        record_id: row.get("record_id")?,
        mode: parsed(row, "mode", JobMode::parse)?,
        idempotency_key: row.get("idempotency_key")?,
        request: from_json::<PlannedRequest>(row, "request")?,
        preview: from_json::<PlannedRequest>(row, "preview")?,
        diff,
        manual_reason: row.get("manual_reason")?,
        state: parsed(row, "state", JobState::parse)?,
        attempts: u32::try_from(attempts).map_err(|_| bad("attempts", "out of range"))?,
        last_sent_at: opt_utc(row, "last_sent_at")?,
        submitted_at: opt_utc(row, "submitted_at")?,
        overdue_at: opt_utc(row, "overdue_at")?,
        polls: u32::try_from(polls).map_err(|_| bad("polls", "out of range"))?,
        http_status: http_status.and_then(|s| u16::try_from(s).ok()),
        message: row.get("message")?,
        verified: verified.map(|v| v != 0),
        has_result: row.get("has_result")?,
        skip_reason: row.get("skip_reason")?,
        updated_at: utc(row, "updated_at")?,
        finished_at: opt_utc(row, "finished_at")?,
    })
}

pub(crate) fn task_from_row(row: &Row) -> rusqlite::Result<ManualTask> {
    Ok(ManualTask {
        id: row.get("id")?,
        case_id: case_id(row, "case_id")?,
        action_id: row.get("action_id")?,
        job_id: row.get("job_id")?,
        system: row.get("system")?,
        record_id: row.get("record_id")?,
        instructions: row.get("instructions")?,
        assignee: row.get("assignee")?,
        due: opt_date(row, "due")?,
        created_by: row.get("created_by")?,
        created_at: utc(row, "created_at")?,
        done_by: row.get("done_by")?,
        done_at: opt_utc(row, "done_at")?,
        result: row.get("result")?,
        note: row.get("note")?,
    })
}

pub(crate) fn attempt_from_row(row: &Row) -> rusqlite::Result<Attempt> {
    let n: i64 = row.get("n")?;
    let http_status: Option<i64> = row.get("http_status")?;
    Ok(Attempt {
        job_id: row.get("job_id")?,
        n: u32::try_from(n).map_err(|_| bad("n", "out of range"))?,
        sent_at: utc(row, "sent_at")?,
        operator: row.get("operator")?,
        pid: row.get("pid")?,
        outcome: opt_parsed(row, "outcome", |s| Some(s.to_string()))?,
        http_status: http_status.and_then(|s| u16::try_from(s).ok()),
        message: row.get("message")?,
        ended_at: opt_utc(row, "ended_at")?,
    })
}
