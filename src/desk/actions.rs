//! Actions on a case: prepare one (the dry run: the exact request per
//! system, personal data masked, and a correction's before -> after),
//! approve or deny it (four-eyes), look at them, and deal with jobs that
//! did not end well (retry, skip with a reason, hand to a manual task).
//! Running them is in `action_run.rs`, manual tasks in `tasks.rs`.
//!
//! Roles: auditors change nothing; agents prepare, run and handle jobs on
//! their own and unassigned cases; only supervisors approve or deny, and
//! never an action they prepared. Every step is audited (`action_plan`,
//! `action_approve`, `action_deny`, `action_view`, `action_retry`,
//! `action_skip`, `task_create`, `export_read`) and refusals are audited
//! as `denied`.

use super::action_view::{action_view, ActionView, CaseActions, TaskView};
use super::case_access::CaseAccess;
use super::case_time::now_utc;
use super::{Desk, DeskError};
use crate::config::SystemKind;
use crate::connectors::{opendsr_request_type, record_value, ActionInput, SystemActions};
use crate::domain::action_rules::{self, erasure_waits_for_access, fulfilment_blockers};
use crate::domain::AuditKind;
use crate::domain::{
    Action, ActionJob, ActionKind, ActionStatus, Case, CaseId, FieldChange, JobMode, JobState,
    LinkedRecord, RequestKind, Role,
};
use crate::store::{JobChange, NewAuditEntry, NewJob, NewTask, TimelineEntry};
use chrono::NaiveDate;
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;

/// What an operator asks for when preparing an action.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ActionRequest {
    /// None: the action the case's request kind maps to.
    pub kind: Option<ActionKind>,
    /// Only these systems (empty: every system holding a linked record,
    /// and every OpenDSR processor that can do the kind).
    pub systems: Vec<String>,
    /// Only these linked records (empty: all of the chosen systems').
    pub records: Vec<LinkedRecord>,
    /// Update: field -> new value.
    pub changes: Vec<(String, String)>,
    /// Systems to handle by hand even though they have an API.
    pub manual: Vec<String>,
    /// Sent where a system asks for a reason; kept with the action.
    pub note: Option<String>,
}

/// A prepared action (the dry run), and the targets left out.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct PlannedAction {
    pub action: ActionView,
    /// Records the action does not apply to, with why (e.g. the system
    /// holds none of the fields to correct).
    pub left_out: Vec<String>,
}

/// What to put in a manual task.
#[derive(Debug, Clone, Default, PartialEq, Eq, Serialize, Deserialize)]
pub struct ManualInput {
    /// Default: the case's assignee, else whoever makes the task.
    pub assignee: Option<String>,
    /// Default: the case's due date.
    pub due: Option<NaiveDate>,
    /// Default: generated from the job.
    pub instructions: Option<String>,
}

/// An action worked out and not stored yet.
struct Prepared {
    action: Action,
    jobs: Vec<NewJob>,
    left_out: Vec<String>,
}

/// A job as it would be once stored (for a preview).
fn unsaved_job(action: &Action, j: &NewJob) -> ActionJob {
    ActionJob {
        id: 0,
        action_id: action.id,
        case_id: action.case_id,
        kind: action.kind,
        system: j.system.clone(),
        record_id: j.record_id.clone(),
        mode: j.mode,
        idempotency_key: j.idempotency_key.clone(),
        request: j.request.clone(),
        preview: j.preview.clone(),
        diff: j.diff.clone(),
        manual_reason: j.manual_reason.clone(),
        state: JobState::Queued,
        attempts: 0,
        last_sent_at: None,
        submitted_at: None,
        overdue_at: None,
        polls: 0,
        http_status: None,
        message: None,
        verified: None,
        has_result: false,
        skip_reason: None,
        updated_at: action.prepared_at,
        finished_at: None,
    }
}

/// One target before it becomes a job.
struct Target {
    system: String,
    record: Option<String>,
}

pub(crate) fn reason_text(a: &Action) -> String {
    a.note
        .clone()
        .unwrap_or_else(|| format!("privacy request {} ({})", a.case_id, a.kind))
}

impl Desk {
    /// The action side of every enabled system (built once per desk).
    pub fn system_actions(&self) -> Result<&[Arc<SystemActions>], DeskError> {
        self.inner
            .core
            .actions
            .get_or_init(|| SystemActions::from_config(self.config(), self.connectors()))
            .as_deref()
            .map_err(|e| DeskError::Config(e.clone()))
    }

    pub(crate) fn system_action(
        &self,
        name: &str,
    ) -> Result<Option<Arc<SystemActions>>, DeskError> {
        Ok(self
            .system_actions()?
            .iter()
            .find(|s| s.name() == name)
            .cloned())
    }

    /// Loads an action or says there is none.
    pub(crate) fn load_action(&self, id: i64) -> Result<Action, DeskError> {
        self.store().get_action(id)?.ok_or_else(|| {
            DeskError::Invalid(format!(
                "there is no action {}",
                crate::domain::action::action_ref(id)
            ))
        })
    }

    pub(crate) fn load_job(&self, id: i64) -> Result<ActionJob, DeskError> {
        self.store().get_job(id)?.ok_or_else(|| {
            DeskError::Invalid(format!(
                "there is no job {}",
                crate::domain::action::job_ref(id)
            ))
        })
    }

    /// Refuses auditors, and agents on cases of others.
    pub(crate) fn check_action_work(&self, case: &Case, operation: &str) -> Result<(), DeskError> {
        if self.operator().role == Role::Auditor {
            return Err(self.deny_case(
                &case.id.to_string(),
                operation,
                "auditors are read-only: they cannot prepare or run actions",
            ));
        }
        self.check_case_access(Some(case), CaseAccess::Work)
    }

    /// Prepares an action on a case: picks the records (by default every
    /// record linked to the case, plus OpenDSR processors for export and
    /// delete), renders the exact request for each, reads the values a
    /// correction replaces, and stores the action with one queued job per
    /// record. Nothing is sent to any system but reads. Kinds listed in
    /// `[actions] require_approval` wait for a supervisor's approval.
    pub async fn plan_action(
        &self,
        case_id: CaseId,
        req: &ActionRequest,
    ) -> Result<PlannedAction, DeskError> {
        let Prepared {
            action,
            jobs,
            left_out,
        } = self.prepare_action(case_id, req).await?;
        let (kind, needs_approval) = (action.kind, action.needs_approval);
        let systems_named: Vec<String> = jobs.iter().map(|j| j.system.clone()).collect();
        let manual_count = jobs.iter().filter(|j| j.mode == JobMode::Manual).count();
        let event = TimelineEntry {
            kind: "action_planned".into(),
            after: json!({
                "kind": kind, "systems": systems_named, "jobs": jobs.len(),
                "needs_approval": needs_approval,
            }),
        };
        let audit = NewAuditEntry {
            operator: self.operator().username.clone(),
            kind: AuditKind::ActionPlan,
            subject: case_id.to_string(),
            details: json!({
                "kind": kind, "jobs": jobs.len(), "manual": manual_count,
                "systems": systems_named, "needs_approval": needs_approval,
                "fields": req.changes.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
            }),
        };
        let store = self.store().clone();
        let (stored, stored_jobs) = tokio::task::spawn_blocking(move || {
            store.create_action(&action, &jobs, &event, &audit)
        })
        .await
        .map_err(|e| DeskError::Invalid(format!("the store write was interrupted: {e}")))??;
        tracing::info!(case = %case_id, action = stored.id, kind = %kind, "action prepared");
        Ok(PlannedAction {
            action: action_view(&stored, &stored_jobs, &[], None, false, now_utc()),
            left_out,
        })
    }

    /// The dry run of an action without storing it: what [`Desk::plan_action`]
    /// would prepare, with the same checks and the same reads, for the
    /// operator to confirm. Its reference is `new` and its jobs have none
    /// yet. Audited (`action_preview`), as the reads touch personal data.
    pub async fn preview_action(
        &self,
        case_id: CaseId,
        req: &ActionRequest,
    ) -> Result<PlannedAction, DeskError> {
        let Prepared {
            action,
            jobs,
            left_out,
        } = self.prepare_action(case_id, req).await?;
        let systems_named: Vec<String> = jobs.iter().map(|j| j.system.clone()).collect();
        self.audit_async(
            AuditKind::ActionPreview,
            &case_id.to_string(),
            json!({
                "kind": action.kind, "jobs": jobs.len(), "systems": systems_named,
                "fields": req.changes.iter().map(|(f, _)| f.as_str()).collect::<Vec<_>>(),
            }),
        )
        .await?;
        let now = now_utc();
        let unsaved: Vec<ActionJob> = jobs.iter().map(|j| unsaved_job(&action, j)).collect();
        let mut view = action_view(&action, &unsaved, &[], None, false, now);
        view.id = "new".into();
        for j in &mut view.jobs {
            j.id = String::new();
        }
        Ok(PlannedAction {
            action: view,
            left_out,
        })
    }

    /// Everything preparing an action works out before it is stored.
    async fn prepare_action(
        &self,
        case_id: CaseId,
        req: &ActionRequest,
    ) -> Result<Prepared, DeskError> {
        let case = self.load_case(case_id)?;
        self.check_action_work(&case, "action plan")?;
        if !case.status.is_open() {
            return Err(DeskError::Invalid(format!(
                "case {} is {}; actions are prepared while a case is open",
                case.id, case.status
            )));
        }
        let kind = match req.kind.or_else(|| case.kind.and_then(ActionKind::for_request)) {
            Some(k) => k,
            None => {
                return Err(DeskError::Invalid(format!(
                    "say which action to prepare (--kind: {}); case {} has no request kind that maps to one",
                    ActionKind::ALL.map(|k| k.as_str()).join(", "),
                    case.id
                )))
            }
        };
        if kind == ActionKind::Update && req.changes.is_empty() {
            return Err(DeskError::Invalid(
                "a correction needs the new values: --set FIELD=VALUE".into(),
            ));
        }
        if kind != ActionKind::Update && !req.changes.is_empty() {
            return Err(DeskError::Invalid(format!(
                "new values (--set) belong to an update, not to {kind}"
            )));
        }
        let note = action_rules::note(req.note.as_deref())?;
        let systems = self.system_actions()?.to_vec();
        for s in req.systems.iter().chain(&req.manual) {
            if !self.config().systems.contains_key(s) {
                let names: Vec<&str> = self.config().systems.keys().map(String::as_str).collect();
                return Err(DeskError::Invalid(format!(
                    "no system named `{}` is configured; systems: {}",
                    crate::domain::text::escape_controls(s),
                    names.join(", ")
                )));
            }
        }
        let links = self.store().case_links(case_id)?;
        for r in &req.records {
            if !links
                .iter()
                .any(|l| l.system == r.system && l.record_id == r.record_id)
            {
                return Err(DeskError::Invalid(format!(
                    "{r} is not linked to case {case_id}; link it first (case link)"
                )));
            }
        }
        let mut targets: Vec<Target> = links
            .iter()
            .filter(|l| req.systems.is_empty() || req.systems.contains(&l.system))
            .filter(|l| {
                req.records.is_empty()
                    || req
                        .records
                        .iter()
                        .any(|r| r.system == l.system && r.record_id == l.record_id)
            })
            .map(|l| Target {
                system: l.system.clone(),
                record: Some(l.record_id.clone()),
            })
            .collect();
        if req.records.is_empty() && matches!(kind, ActionKind::Export | ActionKind::Delete) {
            for s in systems.iter().filter(|s| s.kind() == SystemKind::Opendsr) {
                if req.systems.is_empty() || req.systems.iter().any(|n| n == s.name()) {
                    targets.push(Target {
                        system: s.name().to_string(),
                        record: None,
                    });
                }
            }
        }
        if targets.is_empty() {
            return Err(DeskError::Invalid(format!(
                "nothing to act on: case {case_id} has no linked records{} (link them with `case link`)",
                if req.systems.is_empty() {
                    String::new()
                } else {
                    format!(" in {}", req.systems.join(", "))
                }
            )));
        }
        let draft = Action {
            id: 0,
            case_id,
            kind,
            status: ActionStatus::Approved,
            needs_approval: false,
            prepared_by: self.operator().username.clone(),
            prepared_at: now_utc(),
            note,
            changes: req.changes.clone(),
            decided_by: None,
            decided_at: None,
            decision_reason: None,
        };
        let reason = reason_text(&draft);
        let mut jobs = Vec::new();
        let mut left_out = Vec::new();
        for t in &targets {
            let key = uuid::Uuid::new_v4().to_string();
            let sys = systems.iter().find(|s| s.name() == t.system);
            let manual = |why: String, diff: Vec<FieldChange>| NewJob {
                system: t.system.clone(),
                record_id: t.record.clone(),
                mode: JobMode::Manual,
                idempotency_key: key.clone(),
                request: None,
                preview: None,
                diff,
                manual_reason: Some(why),
            };
            let Some(sys) = sys else {
                jobs.push(manual(
                    format!("{} is not enabled in the configuration", t.system),
                    Vec::new(),
                ));
                continue;
            };
            if req.manual.contains(&t.system) {
                let diff = match (&t.record, kind) {
                    (Some(id), ActionKind::Update) => {
                        self.correction(sys, id, &req.changes).await?.1
                    }
                    _ => Vec::new(),
                };
                jobs.push(manual(
                    format!("{} chose to do this by hand", self.operator().username),
                    diff,
                ));
                continue;
            }
            match (sys.kind(), &t.record) {
                (SystemKind::Opendsr, _) => {
                    let portability = case.kind == Some(RequestKind::Portability);
                    let Some(ty) = opendsr_request_type(kind, portability) else {
                        continue;
                    };
                    let received = case.received_at.with_timezone(&chrono::Utc);
                    match sys.render_opendsr(
                        ty,
                        case.requester.contact.email.as_deref(),
                        case.requester.contact.phone.as_deref(),
                        &key,
                        received,
                    ) {
                        Ok(r) => jobs.push(NewJob {
                            system: t.system.clone(),
                            record_id: None,
                            mode: JobMode::Opendsr,
                            idempotency_key: key.clone(),
                            request: Some(r.request),
                            preview: Some(r.preview),
                            diff: Vec::new(),
                            manual_reason: None,
                        }),
                        Err(e) => jobs.push(manual(e, Vec::new())),
                    }
                }
                (SystemKind::Api, None) => {}
                (SystemKind::Api, Some(id)) => {
                    let input = ActionInput {
                        id,
                        case: &case_id.to_string(),
                        idempotency_key: &key,
                        reason: &reason,
                        changes: &[],
                    };
                    if kind == ActionKind::Update {
                        let (changes, diff) = self.correction(sys, id, &req.changes).await?;
                        if diff.is_empty() {
                            left_out.push(format!(
                                "{}:{id}: holds none of the fields to correct, or already has the new values",
                                t.system
                            ));
                            continue;
                        }
                        let fields = sys.update_fields();
                        let by_hand: Vec<&str> = diff
                            .iter()
                            .map(|d| d.field.as_str())
                            .filter(|f| !fields.contains(f))
                            .collect();
                        if !by_hand.is_empty() || !sys.supports(kind) {
                            let why = if sys.supports(kind) {
                                format!(
                                    "{} cannot change {} through its API",
                                    t.system,
                                    by_hand.join(", ")
                                )
                            } else {
                                format!("{} has no API to update records", t.system)
                            };
                            jobs.push(manual(why, diff));
                            continue;
                        }
                        let input = ActionInput {
                            changes: &changes,
                            ..input
                        };
                        let r = sys.render(kind, &input).map_err(DeskError::Invalid)?;
                        jobs.push(NewJob {
                            system: t.system.clone(),
                            record_id: Some(id.clone()),
                            mode: JobMode::Api,
                            idempotency_key: key.clone(),
                            request: Some(r.request),
                            preview: Some(r.preview),
                            diff,
                            manual_reason: None,
                        });
                    } else if sys.supports(kind) {
                        let r = sys.render(kind, &input).map_err(DeskError::Invalid)?;
                        jobs.push(NewJob {
                            system: t.system.clone(),
                            record_id: Some(id.clone()),
                            mode: JobMode::Api,
                            idempotency_key: key.clone(),
                            request: Some(r.request),
                            preview: Some(r.preview),
                            diff: Vec::new(),
                            manual_reason: None,
                        });
                    } else {
                        jobs.push(manual(
                            format!("{} has no API to {}", t.system, kind_verb(kind)),
                            Vec::new(),
                        ));
                    }
                }
            }
        }
        if jobs.is_empty() {
            return Err(DeskError::Invalid(format!(
                "nothing to do: {}",
                if left_out.is_empty() {
                    "no system can take this action".to_string()
                } else {
                    left_out.join("; ")
                }
            )));
        }
        let needs_approval = self.config().actions.require_approval.contains(&kind);
        let action = Action {
            needs_approval,
            status: if needs_approval {
                ActionStatus::AwaitingApproval
            } else {
                ActionStatus::Approved
            },
            ..draft
        };
        Ok(Prepared {
            action,
            jobs,
            left_out,
        })
    }

    /// The changes that apply to one record and its before -> after, read
    /// from the system (fields it does not show count as held when its API
    /// can change them). Values it already holds are left out.
    async fn correction(
        &self,
        sys: &SystemActions,
        id: &str,
        changes: &[(String, String)],
    ) -> Result<(Vec<(String, String)>, Vec<FieldChange>), DeskError> {
        let record = if sys.can_read() {
            Some(sys.read(id).await.map_err(|e| DeskError::System {
                system: sys.name().to_string(),
                message: format!(
                    "cannot read {id} to show what the correction replaces: {}",
                    e.to_status().message().unwrap_or_default()
                ),
            })?)
        } else {
            None
        };
        let fields = sys.update_fields();
        let mut out = Vec::new();
        let mut diff = Vec::new();
        for (f, v) in changes {
            let before = record.as_ref().and_then(|r| record_value(r, f));
            let held = before.is_some() || fields.contains(&f.as_str());
            if !held || before.as_deref() == Some(v.as_str()) {
                continue;
            }
            out.push((f.clone(), v.clone()));
            diff.push(FieldChange {
                field: f.clone(),
                before,
                after: v.clone(),
            });
        }
        Ok((out, diff))
    }

    /// Approves (`approve`) or denies an action awaiting approval, with a
    /// reason. Supervisors only; the preparer never approves their own.
    pub fn decide_action(
        &self,
        id: i64,
        approve: bool,
        reason: &str,
    ) -> Result<ActionView, DeskError> {
        let action = self.load_action(id)?;
        let op = if approve {
            "action approve"
        } else {
            "action deny"
        };
        let subject = action.case_id.to_string();
        self.gate_on(&subject, op)?;
        if self.operator().role != Role::Supervisor {
            return Err(self.deny_case(&subject, op, "only supervisors approve or deny actions"));
        }
        let me = self.operator().username.clone();
        if approve && action.prepared_by == me && action.status == ActionStatus::AwaitingApproval {
            return Err(self.deny_case(
                &subject,
                op,
                &format!(
                    "you prepared action {}; another supervisor must approve it (four-eyes)",
                    action.reference()
                ),
            ));
        }
        action_rules::check_decision(&action, &me, approve)?;
        let reason = action_rules::decision_reason(reason)?;
        let (event_kind, audit_kind) = if approve {
            ("action_approved", AuditKind::ActionApprove)
        } else {
            ("action_denied", AuditKind::ActionDeny)
        };
        let event = TimelineEntry {
            kind: event_kind.into(),
            after: json!({ "action": action.reference(), "reason": reason }),
        };
        let audit = NewAuditEntry {
            operator: me.clone(),
            kind: audit_kind,
            subject,
            details: json!({ "action": action.reference(), "kind": action.kind, "reason": super::typed_on(action.case_id, &reason) }),
        };
        let stored =
            self.store()
                .decide_action(id, approve, &me, &reason, now_utc(), &event, &audit)?;
        tracing::info!(action = id, approve, "action decided");
        let jobs = self.store().action_jobs(id)?;
        Ok(action_view(&stored, &jobs, &[], None, false, now_utc()))
    }

    /// Everything about the actions of a case: each with its jobs, the
    /// manual tasks, and what keeps the case from being fulfilled. With a
    /// purpose (`reveal`), requests and corrections are shown unmasked
    /// (audited as a reveal). Viewing is audited (`action_view`).
    pub fn case_actions(
        &self,
        case_id: CaseId,
        reveal: Option<&str>,
    ) -> Result<CaseActions, DeskError> {
        let case = self.load_case(case_id)?;
        self.check_case_access(Some(&case), CaseAccess::View)?;
        if let Some(purpose) = reveal {
            self.reveal_case(case_id, purpose)?;
        }
        let actions = self.store().case_actions(case_id)?;
        let jobs = self.store().case_jobs(case_id)?;
        let tasks = self.store().tasks(&crate::store::TaskFilter {
            case_id: Some(case_id),
            include_done: true,
            ..Default::default()
        })?;
        let now = now_utc();
        let views = actions
            .iter()
            .map(|a| {
                let waits = (a.status == ActionStatus::Approved)
                    .then(|| erasure_waits_for_access(a, &actions, &jobs))
                    .flatten();
                action_view(a, &jobs, &tasks, waits, reveal.is_some(), now)
            })
            .collect();
        self.audit(
            AuditKind::ActionView,
            &case_id.to_string(),
            json!({ "actions": actions.len(), "revealed": reveal.is_some() }),
        )?;
        Ok(CaseActions {
            case: case_id,
            actions: views,
            tasks: tasks.iter().map(TaskView::from).collect(),
            blockers: fulfilment_blockers(&actions, &jobs, &tasks),
        })
    }

    /// One action as shown (not audited: the caller already showed its case).
    pub fn action(&self, id: i64) -> Result<ActionView, DeskError> {
        let a = self.load_action(id)?;
        let case = self.load_case(a.case_id)?;
        self.check_case_access(Some(&case), CaseAccess::View)?;
        let actions = self.store().case_actions(a.case_id)?;
        let jobs = self.store().case_jobs(a.case_id)?;
        let tasks = self.store().tasks(&crate::store::TaskFilter {
            case_id: Some(a.case_id),
            include_done: true,
            ..Default::default()
        })?;
        let waits = erasure_waits_for_access(&a, &actions, &jobs);
        Ok(action_view(&a, &jobs, &tasks, waits, false, now_utc()))
    }

    /// Actions waiting for a supervisor's approval (the approval queue);
    /// agents get those of the cases they see.
    pub fn actions_awaiting_approval(&self) -> Result<Vec<ActionView>, DeskError> {
        self.gate("action list")?;
        let now = now_utc();
        let mut out = Vec::new();
        for a in self.store().actions_awaiting_approval()? {
            if !self.sees_case_id(a.case_id)? {
                continue;
            }
            let jobs = self.store().action_jobs(a.id)?;
            out.push(action_view(&a, &jobs, &[], None, false, now));
        }
        Ok(out)
    }

    /// Why a case cannot be closed as fulfilled: jobs not ended well and
    /// open tasks (empty when nothing blocks it).
    pub fn fulfilment_blockers(&self, case_id: CaseId) -> Result<Vec<String>, DeskError> {
        self.gate_on(&case_id.to_string(), "case view")?;
        let actions = self.store().case_actions(case_id)?;
        let jobs = self.store().case_jobs(case_id)?;
        let tasks = self.store().tasks(&crate::store::TaskFilter {
            case_id: Some(case_id),
            ..Default::default()
        })?;
        let mut blockers = fulfilment_blockers(&actions, &jobs, &tasks);
        // A disclosure package that missed a system is not a fulfilled disclosure.
        if let Some(p) = self.latest_package(case_id)? {
            if !p.complete {
                blockers.push(format!(
                    "the latest disclosure package ({}) is INCOMPLETE; build it again once every system answers",
                    p.dir.display()
                ));
            }
        }
        // Blockers quote systems' messages and typed task titles.
        Ok(blockers
            .iter()
            .map(|b| crate::domain::message_mask::mask_message(b))
            .collect())
    }

    /// Checks the job can be handled by hand now: its case is workable by
    /// this operator and no live session is running its action.
    fn job_for_change(
        &self,
        job_id: i64,
        operation: &str,
    ) -> Result<(ActionJob, Action, Case), DeskError> {
        let job = self.load_job(job_id)?;
        let action = self.load_action(job.action_id)?;
        let case = self.load_case(job.case_id)?;
        self.check_action_work(&case, operation)?;
        crate::domain::case_rules::ensure_editable(&case)?;
        if let Some((pid, _)) = self.store().action_runner(action.id)? {
            if pid != i64::from(std::process::id()) && super::action_run::process_alive(pid) {
                return Err(DeskError::Invalid(format!(
                    "action {} is being run by another session (process {pid}); wait for it to finish",
                    action.reference()
                )));
            }
        }
        Ok((job, action, case))
    }

    /// Puts a failed job back in the queue; the next run sends it again
    /// with the same idempotency key. A job whose outcome is unknown needs
    /// no retry: every run reconciles it first.
    pub fn retry_job(&self, job_id: i64) -> Result<ActionView, DeskError> {
        let (job, action, _) = self.job_for_change(job_id, "action retry")?;
        if job.state != JobState::Failed {
            return Err(DeskError::Invalid(match job.state {
                JobState::Unknown => format!(
                    "job {}'s outcome is unknown; `privdesk action run {}` checks it and resends only if it did not take effect",
                    job.reference(),
                    action.reference()
                ),
                s => format!("job {} is {s}; only failed jobs are retried", job.reference()),
            }));
        }
        let me = self.operator().username.clone();
        let change = JobChange {
            state: Some(JobState::Queued),
            message: Some(Some(format!("retry asked for by {me}"))),
            finished: Some(false),
            only_from: vec![JobState::Failed],
            ..Default::default()
        };
        let audit = NewAuditEntry {
            operator: me.clone(),
            kind: AuditKind::ActionRetry,
            subject: job.case_id.to_string(),
            details: json!({ "action": action.reference(), "job": job.reference(), "system": job.system }),
        };
        self.store()
            .update_job(job_id, &change, now_utc(), &me, None, Some(&audit))?;
        self.action(action.id)
    }

    /// Leaves a job out on purpose, with a reason (permanent in the timeline).
    pub fn skip_job(&self, job_id: i64, reason: &str) -> Result<ActionView, DeskError> {
        let (job, action, _) = self.job_for_change(job_id, "action skip")?;
        if job.state.is_final() {
            return Err(DeskError::Invalid(format!(
                "job {} is {} already",
                job.reference(),
                job.state
            )));
        }
        let reason = action_rules::decision_reason(reason)?;
        let me = self.operator().username.clone();
        let change = JobChange {
            state: Some(JobState::Skipped),
            skip_reason: Some(reason.clone()),
            message: Some(Some(format!("skipped by {me}: {reason}"))),
            finished: Some(true),
            only_from: vec![job.state],
            ..Default::default()
        };
        let event = outcome_event(&job, JobState::Skipped, Some(&reason));
        let audit = NewAuditEntry {
            operator: me.clone(),
            kind: AuditKind::ActionSkip,
            subject: job.case_id.to_string(),
            details: json!({ "action": action.reference(), "job": job.reference(), "system": job.system, "reason": super::typed_on(job.case_id, &reason) }),
        };
        self.store()
            .update_job(job_id, &change, now_utc(), &me, Some(&event), Some(&audit))?;
        self.action(action.id)
    }

    /// Hands a job that has not ended (or failed) to a manual task.
    pub fn job_to_manual(&self, job_id: i64, input: &ManualInput) -> Result<TaskView, DeskError> {
        let (job, action, case) = self.job_for_change(job_id, "action manual")?;
        if job.state.is_final() {
            return Err(DeskError::Invalid(format!(
                "job {} is {} already",
                job.reference(),
                job.state
            )));
        }
        if action.status != ActionStatus::Approved {
            return Err(DeskError::Invalid(format!(
                "action {} is {}; a job becomes a task once the action is approved",
                action.reference(),
                action.status
            )));
        }
        let task = self.make_task(&job, &action, &case, input, job.state)?;
        Ok(TaskView::from(&task))
    }

    /// Creates the manual task of a job and turns the job `manual`.
    pub(crate) fn make_task(
        &self,
        job: &ActionJob,
        action: &Action,
        case: &Case,
        input: &ManualInput,
        from: JobState,
    ) -> Result<crate::domain::ManualTask, DeskError> {
        let me = self.operator().username.clone();
        if let Some(a) = &input.assignee {
            self.check_assignable(a)?;
        }
        let instructions = match &input.instructions {
            Some(t) => crate::domain::case_rules::required_text(
                "the instructions",
                t,
                crate::domain::case_rules::MAX_TEXT_CHARS,
            )?,
            None => manual_instructions(job, action),
        };
        let assignee = input
            .assignee
            .clone()
            .or_else(|| case.assignee.clone())
            .or_else(|| Some(action.prepared_by.clone()));
        let due = input.due.or_else(|| case.queue_due());
        let task = NewTask {
            case_id: case.id,
            action_id: Some(action.id),
            job_id: Some(job.id),
            system: Some(job.system.clone()),
            record_id: job.record_id.clone(),
            instructions: instructions.clone(),
            assignee: assignee.clone(),
            due,
            created_by: me.clone(),
            created_at: now_utc(),
        };
        let change = JobChange {
            state: Some(JobState::Manual),
            finished: Some(true),
            only_from: vec![from],
            ..Default::default()
        };
        let event = TimelineEntry {
            kind: "task_created".into(),
            after: json!({
                "job": job.reference(), "target": job.target(), "instructions": instructions,
                "assignee": assignee, "due": due,
            }),
        };
        let audit = NewAuditEntry {
            operator: me,
            kind: AuditKind::TaskCreate,
            subject: case.id.to_string(),
            details: json!({ "action": action.reference(), "job": job.reference(), "system": job.system, "assignee": assignee }),
        };
        Ok(self
            .store()
            .create_task(&task, Some((job.id, &change)), &event, &audit)?)
    }

    /// The data an export job received (personal data): a purpose is
    /// required and the read is audited (`export_read`).
    pub fn export_data(&self, job_id: i64, purpose: &str) -> Result<serde_json::Value, DeskError> {
        let job = self.load_job(job_id)?;
        let purpose = self.check_reveal(purpose)?;
        let case = self.load_case(job.case_id)?;
        self.check_case_access(Some(&case), CaseAccess::View)?;
        if job.kind != ActionKind::Export || !job.has_result {
            return Err(DeskError::Invalid(format!(
                "job {} holds no exported data ({} {})",
                job.reference(),
                job.kind,
                job.state
            )));
        }
        let data = self.store().job_result(job_id)?.unwrap_or_default();
        self.audit(
            AuditKind::ExportRead,
            &job.case_id.to_string(),
            json!({ "job": job.reference(), "system": job.system, "purpose": super::typed_on(job.case_id, &purpose) }),
        )?;
        Ok(data)
    }
}

/// `delete records`, `export records` ...
fn kind_verb(kind: ActionKind) -> &'static str {
    match kind {
        ActionKind::Export => "export records",
        ActionKind::Update => "update records",
        ActionKind::Delete => "delete records",
        ActionKind::Suspend => "suspend the use of records",
        ActionKind::StopThirdParty => "stop providing records to third parties",
    }
}

/// What a manual task asks for, from its job (no personal values: the
/// new values of a correction are in the job, shown masked or revealed).
pub(crate) fn manual_instructions(job: &ActionJob, action: &Action) -> String {
    let what = match job.kind {
        ActionKind::Export => "Export everything held about".to_string(),
        ActionKind::Update => format!(
            "Correct {} of",
            job.diff
                .iter()
                .map(|d| d.field.as_str())
                .collect::<Vec<_>>()
                .join(", ")
        ),
        ActionKind::Delete => "Delete".to_string(),
        ActionKind::Suspend => "Stop using (restrict processing of)".to_string(),
        ActionKind::StopThirdParty => "Stop providing to third parties".to_string(),
    };
    let why = job
        .manual_reason
        .as_deref()
        .map(|r| format!(" ({r})"))
        .unwrap_or_default();
    format!(
        "{what} {} in {} by hand{why}, for case {} (action {}, job {}); then record what you found, e.g. \"deleted\" or \"no data held\".",
        job.record_id.as_deref().map_or("the person's data".to_string(), |r| format!("record {r}")),
        job.system,
        action.case_id,
        action.reference(),
        job.reference()
    )
}

/// The timeline entry of a job reaching `state`.
pub(crate) fn outcome_event(
    job: &ActionJob,
    state: JobState,
    message: Option<&str>,
) -> TimelineEntry {
    TimelineEntry {
        kind: "job_outcome".into(),
        after: json!({
            "job": job.reference(), "target": job.target(), "kind": job.kind,
            "state": state, "message": message,
        }),
    }
}
