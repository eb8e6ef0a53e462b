//! Actions, their jobs and the journal. Every write is one `BEGIN
//! IMMEDIATE` transaction; a change a person should see later (an action
//! prepared or decided, a job ending, a task) is written with its timeline
//! entry on the case and its audit entry, all or nothing.
//!
//! The journal: [`Store::journal_send`] commits the attempt (and the job's
//! `running` state) before the request leaves; [`Store::journal_answer`]
//! records what came back. A job left `running` by a process that died is
//! therefore known to have been sent, maybe.

use super::action_rows::{
    action_from_row, attempt_from_row, job_from_row, to_json, Attempt, ACTION_SELECT, JOB_SELECT,
};
use super::case_rows::ts;
use super::cases::insert_event;
use super::{NewAuditEntry, Store, StoreError};
use crate::domain::{
    Action, ActionJob, ActionStatus, CaseId, FieldChange, JobMode, JobState, PlannedRequest,
};
use chrono::{DateTime, Utc};
use rusqlite::types::Value as SqlValue;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;

/// A job to create with its action.
#[derive(Debug, Clone, PartialEq)]
pub struct NewJob {
    pub system: String,
    pub record_id: Option<String>,
    pub mode: JobMode,
    pub idempotency_key: String,
    pub request: Option<PlannedRequest>,
    pub preview: Option<PlannedRequest>,
    pub diff: Vec<FieldChange>,
    pub manual_reason: Option<String>,
}

/// An entry for the case's timeline, written without changing the case
/// (so running an action never conflicts with someone editing the case).
#[derive(Debug, Clone, PartialEq)]
pub struct TimelineEntry {
    pub kind: String,
    pub after: Value,
}

/// A change to a job; `None` leaves a column as it is.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct JobChange {
    pub state: Option<JobState>,
    pub message: Option<Option<String>>,
    pub http_status: Option<Option<u16>>,
    pub verified: Option<Option<bool>>,
    pub result: Option<Value>,
    pub submitted_at: Option<DateTime<Utc>>,
    pub overdue_at: Option<DateTime<Utc>>,
    pub polls: Option<u32>,
    pub skip_reason: Option<String>,
    /// The request to send from now on (the version a precondition fixed
    /// before the first attempt, or cleared after a 412).
    pub request: Option<PlannedRequest>,
    /// Set `finished_at` to the change's time (or clear it when false and
    /// the job goes back to the queue).
    pub finished: Option<bool>,
    /// Write only while the job is in one of these states (empty: any);
    /// otherwise nothing is written and the error says where it stands.
    pub only_from: Vec<JobState>,
}

/// Writes a timeline entry at the case's current version.
pub(crate) fn append_timeline(
    tx: &Connection,
    case: CaseId,
    at: &DateTime<Utc>,
    operator: &str,
    entry: &TimelineEntry,
) -> Result<bool, rusqlite::Error> {
    let version: Option<i64> = tx
        .query_row(
            "SELECT version FROM cases WHERE id = ?1",
            [case.to_string()],
            |r| r.get(0),
        )
        .optional()?;
    let Some(version) = version else {
        return Ok(false);
    };
    insert_event(
        tx,
        case,
        version,
        at,
        operator,
        &entry.kind,
        &serde_json::json!({}),
        &entry.after,
    )?;
    Ok(true)
}

fn with_key(mut v: Value, key: &str, value: &str) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.insert(key.to_string(), Value::String(value.to_string()));
    }
    v
}

impl Store {
    /// Stores a prepared action with its jobs (queued), a timeline entry
    /// and the audit entry; both get `"action": "A-<id>"`. Returns them as
    /// stored.
    pub fn create_action(
        &self,
        action: &Action,
        jobs: &[NewJob],
        event: &TimelineEntry,
        audit: &NewAuditEntry,
    ) -> Result<(Action, Vec<ActionJob>), StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let at = ts(&action.prepared_at);
        let id: i64 = tx
            .query_row(
                "INSERT INTO actions (case_id, kind, status, needs_approval, prepared_by,
                    prepared_at, note, changes, decided_by, decided_at, decision_reason)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, NULL, NULL, NULL) RETURNING id",
                params![
                    action.case_id.to_string(),
                    action.kind.as_str(),
                    action.status.as_str(),
                    action.needs_approval,
                    action.prepared_by,
                    at,
                    action.note,
                    to_json(&action.changes),
                ],
                |r| r.get(0),
            )
            .map_err(|e| self.sql_err(e))?;
        {
            let mut stmt = tx
                .prepare_cached(
                    "INSERT INTO action_jobs (action_id, case_id, kind, system, record_id, mode,
                        idempotency_key, request, preview, diff, manual_reason, state, updated_at)
                     VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10, ?11, 'queued', ?12)",
                )
                .map_err(|e| self.sql_err(e))?;
            for j in jobs {
                stmt.execute(params![
                    id,
                    action.case_id.to_string(),
                    action.kind.as_str(),
                    j.system,
                    j.record_id,
                    j.mode.as_str(),
                    j.idempotency_key,
                    j.request.as_ref().map(to_json),
                    j.preview.as_ref().map(to_json),
                    to_json(&j.diff),
                    j.manual_reason,
                    at,
                ])
                .map_err(|e| self.sql_err(e))?;
            }
        }
        let reference = crate::domain::action::action_ref(id);
        let entry = TimelineEntry {
            kind: event.kind.clone(),
            after: with_key(event.after.clone(), "action", &reference),
        };
        if !append_timeline(
            &tx,
            action.case_id,
            &action.prepared_at,
            &action.prepared_by,
            &entry,
        )
        .map_err(|e| self.sql_err(e))?
        {
            return Err(StoreError::CaseNotFound(action.case_id));
        }
        let mut audit = audit.clone();
        audit.details = with_key(audit.details, "action", &reference);
        self.append_audit_in(&tx, &audit)?;
        let stored = self
            .action_in(&tx, id)?
            .ok_or_else(|| self.gone("action", id))?;
        let jobs = self.jobs_in(&tx, "action_id = ?1", &[SqlValue::Integer(id)])?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok((stored, jobs))
    }

    fn gone(&self, what: &str, id: i64) -> StoreError {
        StoreError::BadData {
            path: self.path.clone(),
            detail: format!("{what} {id} vanished while it was being written"),
        }
    }

    fn action_in(&self, conn: &Connection, id: i64) -> Result<Option<Action>, StoreError> {
        conn.prepare_cached(&format!("{ACTION_SELECT} WHERE id = ?1"))
            .and_then(|mut s| s.query_row([id], action_from_row).optional())
            .map_err(|e| self.sql_err(e))
    }

    fn jobs_in(
        &self,
        conn: &Connection,
        filter: &str,
        args: &[SqlValue],
    ) -> Result<Vec<ActionJob>, StoreError> {
        let mut stmt = conn
            .prepare_cached(&format!("{JOB_SELECT} WHERE {filter} ORDER BY id"))
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), job_from_row)
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))
    }

    /// One action.
    pub fn get_action(&self, id: i64) -> Result<Option<Action>, StoreError> {
        let conn = self.lock();
        self.action_in(&conn, id)
    }

    /// The actions of a case, oldest first.
    pub fn case_actions(&self, case: CaseId) -> Result<Vec<Action>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!("{ACTION_SELECT} WHERE case_id = ?1 ORDER BY id"))
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([case.to_string()], action_from_row)
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))
    }

    /// Actions waiting for a supervisor's approval, oldest first.
    pub fn actions_awaiting_approval(&self) -> Result<Vec<Action>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "{ACTION_SELECT} WHERE status = 'awaiting_approval' ORDER BY id"
            ))
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], action_from_row)
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))
    }

    /// The jobs of an action, in order.
    pub fn action_jobs(&self, action: i64) -> Result<Vec<ActionJob>, StoreError> {
        let conn = self.lock();
        self.jobs_in(&conn, "action_id = ?1", &[SqlValue::Integer(action)])
    }

    /// Every job on a case, in order.
    pub fn case_jobs(&self, case: CaseId) -> Result<Vec<ActionJob>, StoreError> {
        let conn = self.lock();
        self.jobs_in(&conn, "case_id = ?1", &[SqlValue::Text(case.to_string())])
    }

    /// One job.
    pub fn get_job(&self, id: i64) -> Result<Option<ActionJob>, StoreError> {
        let conn = self.lock();
        Ok(self
            .jobs_in(&conn, "id = ?1", &[SqlValue::Integer(id)])?
            .into_iter()
            .next())
    }

    /// The data an export job received (personal data).
    pub fn job_result(&self, id: i64) -> Result<Option<Value>, StoreError> {
        let conn = self.lock();
        let text: Option<Option<String>> = conn
            .query_row("SELECT result FROM action_jobs WHERE id = ?1", [id], |r| {
                r.get(0)
            })
            .optional()
            .map_err(|e| self.sql_err(e))?;
        match text.flatten() {
            None => Ok(None),
            Some(t) => serde_json::from_str(&t)
                .map(Some)
                .map_err(|e| StoreError::BadData {
                    path: self.path.clone(),
                    detail: format!("the result of job {id} is not JSON ({e})"),
                }),
        }
    }

    /// The journal of a job, first attempt first.
    pub fn job_attempts(&self, job: i64) -> Result<Vec<Attempt>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT job_id, n, sent_at, operator, pid, outcome, http_status, message, ended_at
                 FROM action_attempts WHERE job_id = ?1 ORDER BY n",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([job], attempt_from_row)
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))
    }

    /// Approves or denies an action still awaiting approval, with a
    /// timeline entry and the audit entry. Denying cancels its queued jobs.
    /// If someone decided first, nothing is written ([`StoreError::Stale`]).
    #[allow(clippy::too_many_arguments)]
    pub fn decide_action(
        &self,
        id: i64,
        approve: bool,
        by: &str,
        reason: &str,
        at: DateTime<Utc>,
        event: &TimelineEntry,
        audit: &NewAuditEntry,
    ) -> Result<Action, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let status = if approve {
            ActionStatus::Approved
        } else {
            ActionStatus::Denied
        };
        let n = tx
            .execute(
                "UPDATE actions SET status = ?1, decided_by = ?2, decided_at = ?3, decision_reason = ?4
                 WHERE id = ?5 AND status = 'awaiting_approval'",
                params![status.as_str(), by, ts(&at), reason, id],
            )
            .map_err(|e| self.sql_err(e))?;
        if n == 0 {
            let now = self.action_in(&tx, id)?;
            return Err(StoreError::Stale(match now {
                None => format!(
                    "there is no action {}",
                    crate::domain::action::action_ref(id)
                ),
                Some(a) => format!(
                    "action {} is no longer awaiting approval: {}{}",
                    a.reference(),
                    a.status,
                    a.decided_by.map(|d| format!(" by {d}")).unwrap_or_default()
                ),
            }));
        }
        if !approve {
            tx.execute(
                "UPDATE action_jobs SET state = 'cancelled', updated_at = ?1, finished_at = ?1
                 WHERE action_id = ?2 AND state = 'queued'",
                params![ts(&at), id],
            )
            .map_err(|e| self.sql_err(e))?;
        }
        let action = self
            .action_in(&tx, id)?
            .ok_or_else(|| self.gone("action", id))?;
        append_timeline(&tx, action.case_id, &at, by, event).map_err(|e| self.sql_err(e))?;
        self.append_audit_in(&tx, audit)?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(action)
    }

    /// The process running an action, and when it was last seen.
    pub fn action_runner(&self, id: i64) -> Result<Option<(i64, DateTime<Utc>)>, StoreError> {
        let conn = self.lock();
        let row: Option<(Option<i64>, Option<String>)> = conn
            .query_row(
                "SELECT runner_pid, runner_seen_at FROM actions WHERE id = ?1",
                [id],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        Ok(match row {
            Some((Some(pid), Some(seen))) => DateTime::parse_from_rfc3339(&seen)
                .ok()
                .map(|t| (pid, t.with_timezone(&Utc))),
            _ => None,
        })
    }

    /// Claims an action for process `pid`: granted when nobody holds it, it
    /// holds it already, or it is held by `take_over` (a process known to be
    /// gone). Returns the holder when refused.
    pub fn claim_action(
        &self,
        id: i64,
        pid: i64,
        at: DateTime<Utc>,
        take_over: Option<i64>,
    ) -> Result<Option<i64>, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let n = tx
            .execute(
                "UPDATE actions SET runner_pid = ?1, runner_seen_at = ?2
                 WHERE id = ?3 AND (runner_pid IS NULL OR runner_pid = ?1 OR runner_pid = ?4)",
                params![pid, ts(&at), id, take_over],
            )
            .map_err(|e| self.sql_err(e))?;
        let holder = if n == 1 {
            None
        } else {
            tx.query_row("SELECT runner_pid FROM actions WHERE id = ?1", [id], |r| {
                r.get::<_, Option<i64>>(0)
            })
            .optional()
            .map_err(|e| self.sql_err(e))?
            .flatten()
        };
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(holder)
    }

    /// The runner is still alive.
    pub fn action_heartbeat(&self, id: i64, pid: i64, at: DateTime<Utc>) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute(
            "UPDATE actions SET runner_seen_at = ?1 WHERE id = ?2 AND runner_pid = ?3",
            params![ts(&at), id, pid],
        )
        .map_err(|e| self.sql_err(e))?;
        Ok(())
    }

    /// The runner is done with the action.
    pub fn release_action(&self, id: i64, pid: i64) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute(
            "UPDATE actions SET runner_pid = NULL, runner_seen_at = NULL
             WHERE id = ?1 AND runner_pid = ?2",
            params![id, pid],
        )
        .map_err(|e| self.sql_err(e))?;
        Ok(())
    }

    /// The journal, before sending: attempt `n` of `job` goes out now. The
    /// job becomes `running`. Committed before the request leaves.
    pub fn journal_send(
        &self,
        job: i64,
        n: u32,
        operator: &str,
        pid: i64,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        tx.execute(
            "INSERT INTO action_attempts (job_id, n, sent_at, operator, pid) VALUES (?1, ?2, ?3, ?4, ?5)",
            params![job, n, ts(&at), operator, pid],
        )
        .map_err(|e| self.sql_err(e))?;
        tx.execute(
            "UPDATE action_jobs SET state = 'running', attempts = ?1, last_sent_at = ?2,
                updated_at = ?2, finished_at = NULL WHERE id = ?3",
            params![n, ts(&at), job],
        )
        .map_err(|e| self.sql_err(e))?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(())
    }

    /// The journal, after the answer: what came of attempt `n`.
    pub fn journal_answer(
        &self,
        job: i64,
        n: u32,
        outcome: &str,
        http_status: Option<u16>,
        message: Option<&str>,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute(
            "UPDATE action_attempts SET outcome = ?1, http_status = ?2, message = ?3, ended_at = ?4
             WHERE job_id = ?5 AND n = ?6",
            params![outcome, http_status, message, ts(&at), job, n],
        )
        .map_err(|e| self.sql_err(e))?;
        Ok(())
    }

    /// What a later check found of attempt `n`, whose answer never came
    /// (outcome unrecorded or `lost`): `applied` or `not_applied`, with the
    /// check's words. An attempt whose answer was recorded keeps it.
    pub fn journal_checked(
        &self,
        job: i64,
        n: u32,
        outcome: &str,
        message: &str,
        at: DateTime<Utc>,
    ) -> Result<(), StoreError> {
        let conn = self.lock();
        conn.execute(
            "UPDATE action_attempts SET outcome = ?1,
                 message = CASE WHEN message IS NULL THEN ?2 ELSE message || '; ' || ?2 END,
                 ended_at = COALESCE(ended_at, ?3)
             WHERE job_id = ?4 AND n = ?5 AND (outcome IS NULL OR outcome = 'lost')",
            params![outcome, message, ts(&at), job, n],
        )
        .map_err(|e| self.sql_err(e))?;
        Ok(())
    }

    /// Changes a job (see [`JobChange`]), with an optional timeline entry
    /// and audit entry in the same transaction. Returns the job as stored.
    pub fn update_job(
        &self,
        id: i64,
        change: &JobChange,
        at: DateTime<Utc>,
        operator: &str,
        event: Option<&TimelineEntry>,
        audit: Option<&NewAuditEntry>,
    ) -> Result<ActionJob, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let job = self.update_job_in(&tx, id, change, at)?;
        if let Some(e) = event {
            append_timeline(&tx, job.case_id, &at, operator, e).map_err(|e| self.sql_err(e))?;
        }
        if let Some(a) = audit {
            self.append_audit_in(&tx, a)?;
        }
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(job)
    }

    pub(crate) fn update_job_in(
        &self,
        tx: &Connection,
        id: i64,
        change: &JobChange,
        at: DateTime<Utc>,
    ) -> Result<ActionJob, StoreError> {
        let before = self
            .jobs_in(tx, "id = ?1", &[SqlValue::Integer(id)])?
            .into_iter()
            .next()
            .ok_or_else(|| {
                StoreError::Stale(format!(
                    "there is no job {}",
                    crate::domain::action::job_ref(id)
                ))
            })?;
        if !change.only_from.is_empty() && !change.only_from.contains(&before.state) {
            return Err(StoreError::Stale(format!(
                "job {} is {} now",
                before.reference(),
                before.state
            )));
        }
        let mut sets: Vec<String> = vec!["updated_at = ?".into()];
        let mut args: Vec<SqlValue> = vec![SqlValue::Text(ts(&at))];
        let mut set = |col: &str, v: SqlValue| {
            sets.push(format!("{col} = ?"));
            args.push(v);
        };
        let text = |s: &Option<String>| s.clone().map_or(SqlValue::Null, SqlValue::Text);
        if let Some(s) = change.state {
            set("state", SqlValue::Text(s.as_str().into()));
        }
        if let Some(m) = &change.message {
            set("message", text(m));
        }
        if let Some(h) = change.http_status {
            set(
                "http_status",
                h.map_or(SqlValue::Null, |c| SqlValue::Integer(c.into())),
            );
        }
        if let Some(v) = change.verified {
            set(
                "verified",
                v.map_or(SqlValue::Null, |b| SqlValue::Integer(b.into())),
            );
        }
        if let Some(r) = &change.result {
            set("result", SqlValue::Text(to_json(r)));
        }
        if let Some(t) = change.submitted_at {
            set("submitted_at", SqlValue::Text(ts(&t)));
        }
        if let Some(t) = change.overdue_at {
            set("overdue_at", SqlValue::Text(ts(&t)));
        }
        if let Some(p) = change.polls {
            set("polls", SqlValue::Integer(p.into()));
        }
        if let Some(r) = &change.skip_reason {
            set("skip_reason", SqlValue::Text(r.clone()));
        }
        if let Some(r) = &change.request {
            set("request", SqlValue::Text(to_json(r)));
        }
        match change.finished {
            Some(true) => set("finished_at", SqlValue::Text(ts(&at))),
            Some(false) => set("finished_at", SqlValue::Null),
            None => {}
        }
        args.push(SqlValue::Integer(id));
        tx.execute(
            &format!("UPDATE action_jobs SET {} WHERE id = ?", sets.join(", ")),
            params_from_iter(args.iter()),
        )
        .map_err(|e| self.sql_err(e))?;
        self.jobs_in(tx, "id = ?1", &[SqlValue::Integer(id)])?
            .into_iter()
            .next()
            .ok_or_else(|| self.gone("job", id))
    }
}
