//! Manual tasks: work done by hand for a system without an API. Creating one
//! (and turning its job `manual`) and completing one are each written with
//! a timeline entry and an audit entry in one transaction. A completed task
//! is never changed (a trigger refuses it).

use super::action_rows::{task_from_row, TASK_SELECT};
use super::actions::{append_timeline, JobChange, TimelineEntry};
use super::case_rows::ts;
use super::{NewAuditEntry, Store, StoreError};
use crate::domain::{CaseId, ManualTask, TaskFilter};
use chrono::{DateTime, NaiveDate, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::Value;

/// A task to create.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewTask {
    pub case_id: CaseId,
    pub action_id: Option<i64>,
    pub job_id: Option<i64>,
    pub system: Option<String>,
    pub record_id: Option<String>,
    pub instructions: String,
    pub assignee: Option<String>,
    pub due: Option<NaiveDate>,
    pub created_by: String,
    pub created_at: DateTime<Utc>,
}

fn with_task(mut v: Value, id: i64) -> Value {
    if let Some(o) = v.as_object_mut() {
        o.insert(
            "task".into(),
            Value::String(crate::domain::action::task_ref(id)),
        );
    }
    v
}

impl Store {
    fn task_in(&self, conn: &Connection, id: i64) -> Result<Option<ManualTask>, StoreError> {
        conn.prepare_cached(&format!("{TASK_SELECT} WHERE id = ?1"))
            .and_then(|mut s| s.query_row([id], task_from_row).optional())
            .map_err(|e| self.sql_err(e))
    }

    /// Stores a task (and applies `job` to its job, e.g. turning it
    /// `manual`), with a timeline entry and the audit entry; both get
    /// `"task": "T-<id>"`.
    pub fn create_task(
        &self,
        t: &NewTask,
        job: Option<(i64, &JobChange)>,
        event: &TimelineEntry,
        audit: &NewAuditEntry,
    ) -> Result<ManualTask, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        if let Some((job_id, change)) = job {
            self.update_job_in(&tx, job_id, change, t.created_at)?;
        }
        let id: i64 = tx
            .query_row(
                "INSERT INTO manual_tasks (case_id, action_id, job_id, system, record_id,
                    instructions, assignee, due, created_by, created_at)
                 VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9, ?10) RETURNING id",
                params![
                    t.case_id.to_string(),
                    t.action_id,
                    t.job_id,
                    t.system,
                    t.record_id,
                    t.instructions,
                    t.assignee,
                    t.due.map(|d| d.format("%Y-%m-%d").to_string()),
                    t.created_by,
                    ts(&t.created_at),
                ],
                |r| r.get(0),
            )
            .map_err(|e| self.sql_err(e))?;
        let entry = TimelineEntry {
            kind: event.kind.clone(),
            after: with_task(event.after.clone(), id),
        };
        if !append_timeline(&tx, t.case_id, &t.created_at, &t.created_by, &entry)
            .map_err(|e| self.sql_err(e))?
        {
            return Err(StoreError::CaseNotFound(t.case_id));
        }
        let mut audit = audit.clone();
        audit.details = with_task(audit.details, id);
        self.append_audit_in(&tx, &audit)?;
        let task = self
            .task_in(&tx, id)?
            .ok_or_else(|| StoreError::Stale(format!("task {id} vanished")))?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(task)
    }

    /// Records that a task was done: who, when and what they found. Refused
    /// ([`StoreError::Stale`]) when it was already completed.
    #[allow(clippy::too_many_arguments)]
    pub fn complete_task(
        &self,
        id: i64,
        by: &str,
        at: DateTime<Utc>,
        result: &str,
        note: Option<&str>,
        event: &TimelineEntry,
        audit: &NewAuditEntry,
    ) -> Result<ManualTask, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let before = self.task_in(&tx, id)?.ok_or_else(|| {
            StoreError::Stale(format!(
                "there is no task {}",
                crate::domain::action::task_ref(id)
            ))
        })?;
        if let (Some(who), Some(when)) = (&before.done_by, &before.done_at) {
            return Err(StoreError::Stale(format!(
                "task {} was already completed by {who} at {}",
                before.reference(),
                ts(when)
            )));
        }
        tx.execute(
            "UPDATE manual_tasks SET done_by = ?1, done_at = ?2, result = ?3, note = ?4
             WHERE id = ?5 AND done_at IS NULL",
            params![by, ts(&at), result, note, id],
        )
        .map_err(|e| self.sql_err(e))?;
        append_timeline(&tx, before.case_id, &at, by, event).map_err(|e| self.sql_err(e))?;
        self.append_audit_in(&tx, audit)?;
        let task = self
            .task_in(&tx, id)?
            .ok_or_else(|| StoreError::Stale(format!("task {id} vanished")))?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(task)
    }

    /// One task.
    pub fn get_task(&self, id: i64) -> Result<Option<ManualTask>, StoreError> {
        let conn = self.lock();
        self.task_in(&conn, id)
    }

    /// The task created for a job, if any.
    pub fn job_task(&self, job: i64) -> Result<Option<ManualTask>, StoreError> {
        let conn = self.lock();
        conn.prepare_cached(&format!("{TASK_SELECT} WHERE job_id = ?1"))
            .and_then(|mut s| s.query_row([job], task_from_row).optional())
            .map_err(|e| self.sql_err(e))
    }

    /// Tasks matching the filter, soonest due first (no due date last).
    pub fn tasks(&self, f: &TaskFilter) -> Result<Vec<ManualTask>, StoreError> {
        let conn = self.lock();
        let mut sql = format!("{TASK_SELECT} WHERE 1 = 1");
        let mut args: Vec<String> = Vec::new();
        if let Some(a) = &f.assignee {
            args.push(a.clone());
            sql.push_str(&format!(" AND assignee = ?{}", args.len()));
        }
        if let Some(c) = f.case_id {
            args.push(c.to_string());
            sql.push_str(&format!(" AND case_id = ?{}", args.len()));
        }
        if !f.include_done {
            sql.push_str(" AND done_at IS NULL");
        }
        sql.push_str(" ORDER BY due IS NULL, due, id");
        let mut stmt = conn.prepare(&sql).map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(rusqlite::params_from_iter(args.iter()), task_from_row)
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<Vec<_>, _>>()
            .map_err(|e| self.sql_err(e))
    }
}
