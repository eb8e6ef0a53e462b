//! Manual tasks: listing them and recording that one was done. Completing
//! a task records who confirmed it, when and what they found ("deleted",
//! "no data held"); it is permanent in the case's timeline and audited
//! (`task_done`). Listing is audited (`task_list`).

use super::action_view::TaskView;
use super::case_time::now_utc;
use super::{Desk, DeskError};
use crate::domain::action::task_ref;
use crate::domain::case_rules::{clean_text, required_text, MAX_FIELD_CHARS, MAX_TEXT_CHARS};
use crate::domain::AuditKind;
use crate::domain::Role;
use crate::store::{NewAuditEntry, TaskFilter, TimelineEntry};
use serde_json::json;

impl Desk {
    /// Tasks matching the filter (open ones unless `include_done`), soonest
    /// due first. Agents get the tasks given to them and those of the cases
    /// they see.
    pub fn list_tasks(&self, filter: &TaskFilter) -> Result<Vec<TaskView>, DeskError> {
        self.gate("task list")?;
        let mut tasks = self.store().tasks(filter)?;
        // Agents: tasks given to them, and tasks of cases they see.
        if self.operator().role == Role::Agent {
            let me = self.operator().username.clone();
            let mut kept = Vec::with_capacity(tasks.len());
            for t in tasks {
                if t.assignee.as_deref() == Some(me.as_str()) || self.sees_case_id(t.case_id)? {
                    kept.push(t);
                }
            }
            tasks = kept;
        }
        self.audit(
            AuditKind::TaskList,
            "tasks",
            json!({
                "assignee": filter.assignee, "include_done": filter.include_done,
                "case": filter.case_id.map(|c| c.to_string()), "returned": tasks.len(),
            }),
        )?;
        Ok(tasks.iter().map(TaskView::from).collect())
    }

    /// Records that a task was done, what was found (`result`, e.g.
    /// "deleted", "no data held") and an optional note. The task's assignee
    /// may complete it; otherwise the usual rules for working on the case
    /// apply. A completed task never changes again.
    pub fn complete_task(
        &self,
        id: i64,
        result: &str,
        note: Option<&str>,
    ) -> Result<TaskView, DeskError> {
        let task = self
            .store()
            .get_task(id)?
            .ok_or_else(|| DeskError::Invalid(format!("there is no task {}", task_ref(id))))?;
        let case = self.load_case(task.case_id)?;
        self.gate_on(&case.id.to_string(), "task done")?;
        let me = self.operator().username.clone();
        if self.operator().role == Role::Auditor {
            return Err(self.deny_case(
                &case.id.to_string(),
                "task done",
                "auditors are read-only: they cannot complete tasks",
            ));
        }
        if task.assignee.as_deref() != Some(me.as_str()) {
            self.check_action_work(&case, "task done")?;
        }
        let result = required_text("the result (what you found)", result, MAX_FIELD_CHARS)?;
        let note = match note {
            Some(n) => clean_text("the note", n, MAX_TEXT_CHARS)?,
            None => None,
        };
        let event = TimelineEntry {
            kind: "task_done".into(),
            after: json!({
                "task": task.reference(), "done_by": me, "result": result,
                "job": task.job_id.map(crate::domain::action::job_ref),
            }),
        };
        let audit = NewAuditEntry {
            operator: me.clone(),
            kind: AuditKind::TaskDone,
            subject: case.id.to_string(),
            details: json!({ "task": task.reference(), "result": super::typed_on(case.id, &result), "system": task.system }),
        };
        let done = self.store().complete_task(
            id,
            &me,
            now_utc(),
            &result,
            note.as_deref(),
            &event,
            &audit,
        )?;
        tracing::info!(task = id, "task completed");
        Ok(TaskView::from(&done))
    }
}
