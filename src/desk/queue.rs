//! The supervisors' queue: every case the operator may see (agents: their
//! own and the unassigned ones; supervisors and auditors: all) not yet
//! closed, with the days left; escalation; and a watch that tells when
//! another session changed cases or actions.

use super::case_access::CaseAccess;
use super::{Desk, DeskError};
use crate::domain::queue::{QueueLoad, QueueSection};
use crate::domain::AuditKind;
use crate::domain::{Case, CaseId, Priority, Role};
use chrono::NaiveDate;
use serde_json::json;
use std::collections::HashMap;
use std::time::Duration;
use tokio::sync::mpsc;

/// How often the change watch asks the store.
pub const WATCH_EVERY: Duration = Duration::from_secs(1);

impl Desk {
    /// The configured sections of the queue, in tab order.
    pub fn queue_sections(&self) -> Vec<QueueSection> {
        let operators: Vec<&str> = self.config().operators.keys().map(String::as_str).collect();
        self.config().queue.sections(&operators)
    }

    /// The queue, soonest due first. Opening it is audited (`queue_view`,
    /// with the number of rows); `live` reloads after a change elsewhere
    /// are not, as they only bring the same screen up to date.
    pub fn load_queue(&self, live: bool) -> Result<QueueLoad, DeskError> {
        self.gate_on("cases", "queue view")?;
        let me = self.operator();
        let holder = (me.role == Role::Agent).then_some(me.username.as_str());
        let today = self.today();
        let mut load = self.store().queue(holder, today)?;
        // Few distinct due dates: each is worked out once.
        let mut left: HashMap<NaiveDate, i64> = HashMap::new();
        for r in &mut load.rows {
            r.case.days_left = r.case.due.map(|d| {
                *left.entry(d).or_insert_with(|| {
                    crate::calendar::deadlines::days_left(today, d, self.calendar())
                })
            });
        }
        if !live {
            self.audit(
                AuditKind::QueueView,
                "cases",
                json!({ "returned": load.rows.len(), "scope": if holder.is_some() { "own_and_unassigned" } else { "all" } }),
            )?;
        }
        Ok(load)
    }

    /// Record that the operator opened the queue (`queue_view`), seeing
    /// `returned` cases; refused (and audited) for a removed operator.
    pub fn queue_opened(&self, returned: usize) -> Result<(), DeskError> {
        self.gate_on("cases", "queue view")?;
        let agent = self.operator().role == Role::Agent;
        self.audit(
            AuditKind::QueueView,
            "cases",
            json!({ "returned": returned, "scope": if agent { "own_and_unassigned" } else { "all" } }),
        )?;
        Ok(())
    }

    /// Escalates a case: priority urgent, with an `escalated` timeline
    /// event. A case already urgent is left as it is (nothing written: the
    /// version stays). Agents escalate their own and unassigned cases.
    /// It overwrites nothing anyone chose, so the version the caller saw
    /// is not checked.
    pub fn escalate(&self, id: CaseId, _seen_version: i64) -> Result<Case, DeskError> {
        self.add_to_case(id, CaseAccess::Work, "escalated", |c, x| {
            if c.priority == Priority::Urgent {
                return Ok(());
            }
            crate::domain::case_rules::set_priority(c, Priority::Urgent)?;
            x.event_after.insert("escalated".into(), json!(true));
            Ok(())
        })
    }

    /// Watches the store for changes to cases and actions made by any
    /// session (this one included), checking every `every`. Each change
    /// sends one `()`; changes while one is waiting to be read are folded
    /// into it. The watch stops when the receiver is dropped.
    pub fn watch_changes_every(&self, every: Duration) -> Result<mpsc::Receiver<()>, DeskError> {
        let mut watch = self.store().watch()?;
        let (tx, rx) = mpsc::channel(1);
        std::thread::Builder::new()
            .name("privdesk-watch".into())
            .spawn(move || {
                let mut failing = false;
                while !tx.is_closed() {
                    std::thread::sleep(every);
                    match watch.changed() {
                        Ok(true) => {
                            failing = false;
                            // Full means a notice is already waiting.
                            if let Err(mpsc::error::TrySendError::Closed(_)) = tx.try_send(()) {
                                break;
                            }
                        }
                        Ok(false) => failing = false,
                        Err(e) => {
                            if !failing {
                                tracing::warn!(error = %e, "watching the store for changes failed; retrying");
                            }
                            failing = true;
                        }
                    }
                }
            })
            .map_err(|e| DeskError::Invalid(format!("cannot start the change watch: {e}")))?;
        Ok(rx)
    }

    /// [`Desk::watch_changes_every`] once a second.
    pub fn watch_changes(&self) -> Result<mpsc::Receiver<()>, DeskError> {
        self.watch_changes_every(WATCH_EVERY)
    }
}
