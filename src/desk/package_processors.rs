//! What a package needs from the case's actions: the approved export that
//! makes building it allowed, and the part of every OpenDSR processor (read
//! from the results its export job received, since a processor is not
//! searched and has no record to fetch).

use super::{Desk, DeskError};
use crate::config::SystemKind;
use crate::domain::{ActionKind, ActionStatus, CaseId, JobState};
use crate::package::{records_from_results, PartStatus, SystemPart};
use chrono::{DateTime, Utc};
use serde_json::{json, Value};

impl Desk {
    /// When `[actions] require_approval` lists `export`, building the
    /// package is the disclosure: the case needs an export a supervisor
    /// approved (four-eyes) first.
    pub(super) fn check_export_approved(&self, id: CaseId) -> Result<(), DeskError> {
        if !self
            .config()
            .actions
            .require_approval
            .contains(&ActionKind::Export)
        {
            return Ok(());
        }
        let actions = self.store().case_actions(id)?;
        let exports: Vec<_> = actions
            .iter()
            .filter(|a| a.kind == ActionKind::Export)
            .collect();
        if exports.iter().any(|a| {
            a.status == ActionStatus::Approved && a.needs_approval && a.decided_by.is_some()
        }) {
            return Ok(());
        }
        let state = match exports.last() {
            Some(a) if a.status == ActionStatus::AwaitingApproval => format!(
                "export {} awaits a supervisor's approval (privdesk action approve {} --reason ...)",
                a.reference(),
                a.reference()
            ),
            Some(a) => format!(
                "export {} was {}; prepare another (privdesk action plan {id} --kind export)",
                a.reference(),
                a.status.as_str().replace('_', " ")
            ),
            None => format!(
                "prepare one (privdesk action plan {id} --kind export); a supervisor other than the preparer approves it"
            ),
        };
        Err(DeskError::Invalid(format!(
            "building the package is the disclosure, and exports need approval: case {id} has no approved export; {state}"
        )))
    }

    /// One part per enabled OpenDSR processor, from the latest export job of
    /// the case for it that is done. A processor not asked yet, or still
    /// working, makes its part (and so the package) incomplete. Also what was
    /// read, for the audit entry.
    pub(super) fn processor_parts(
        &self,
        id: CaseId,
        at: DateTime<Utc>,
    ) -> Result<(Vec<SystemPart>, Vec<Value>), DeskError> {
        let processors: Vec<_> = self
            .system_actions()?
            .iter()
            .filter(|s| s.kind() == SystemKind::Opendsr)
            .cloned()
            .collect();
        if processors.is_empty() {
            return Ok((Vec::new(), Vec::new()));
        }
        let jobs = self.store().case_jobs(id)?;
        let run_hint = match self
            .store()
            .case_actions(id)?
            .iter()
            .rev()
            .find(|a| a.kind == ActionKind::Export && a.status == ActionStatus::Approved)
        {
            Some(a) => format!(
                "run the approved export (privdesk action run {})",
                a.reference()
            ),
            None => format!("prepare and run an export (privdesk action plan {id} --kind export)"),
        };
        let mut parts = Vec::new();
        let mut log = Vec::new();
        for sys in processors {
            let name = sys.name();
            let mut part = SystemPart::new(name, sys.display_name(), PartStatus::Failed);
            part.searched_by = self
                .config()
                .systems
                .get(name)
                .and_then(|d| d.opendsr.as_ref())
                .map(|o| {
                    o.identities
                        .iter()
                        .map(|i| i.identity_type.clone())
                        .collect()
                })
                .unwrap_or_default();
            let exports: Vec<_> = jobs
                .iter()
                .filter(|j| j.system == name && j.kind == ActionKind::Export)
                .collect();
            let done = exports.iter().rev().find(|j| j.state == JobState::Done);
            match done {
                Some(job) => match self.store().job_result(job.id)? {
                    Some(results) => {
                        part.records = records_from_results(name, &results);
                        part.status = if part.records.is_empty() {
                            PartStatus::NoneHeld
                        } else {
                            PartStatus::Disclosed
                        };
                        part.fetched_at = Some(at);
                        part.checked_at = Some(at);
                        log.push(json!({
                            "system": name, "job": job.id, "outcome": "ok",
                            "records": part.records.len(),
                        }));
                    }
                    None => {
                        part.message = Some(format!(
                            "export job J-{} is done but holds no results; retry the export",
                            job.id
                        ));
                        log.push(json!({"system": name, "job": job.id, "outcome": "no_results"}));
                    }
                },
                None => {
                    part.message = Some(match exports.last() {
                        None => format!("the processor has not been asked yet; {run_hint}"),
                        Some(j) => match j.state {
                            JobState::Queued => format!(
                                "the processor has not been asked yet (export job J-{} is queued); {run_hint}",
                                j.id
                            ),
                            JobState::Polling | JobState::Running | JobState::Unknown => format!(
                                "the processor is still working on export job J-{} ({}); build the package again once it is done",
                                j.id,
                                j.state.as_str()
                            ),
                            JobState::Manual => format!(
                                "export job J-{} is a manual task: what the processor sends is not in this package; send it with the package",
                                j.id
                            ),
                            JobState::Skipped | JobState::Cancelled => format!(
                                "export job J-{} was {}; prepare another export (privdesk action plan {id} --kind export --system {name})",
                                j.id,
                                j.state.as_str()
                            ),
                            JobState::Failed | JobState::Done => format!(
                                "export job J-{} failed{}; retry it (privdesk action retry J-{})",
                                j.id,
                                j.message.as_deref().map_or(String::new(), |m| format!(": {m}")),
                                j.id
                            ),
                        },
                    });
                    log.push(json!({
                        "system": name,
                        "outcome": exports.last().map_or("not_asked", |j| j.state.as_str()),
                    }));
                }
            }
            parts.push(part);
        }
        Ok((parts, log))
    }
}
