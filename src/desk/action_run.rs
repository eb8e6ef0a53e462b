//! Running an approved action: one task per job, all at once.
//!
//! Exactly once: before a request that may change data leaves, the attempt
//! is written to the journal and committed (`Store::journal_send`); the
//! same idempotency key goes with every attempt of a job. A job found
//! `running` when a run starts was left by a process that died between
//! sending and recording: it becomes `unknown` and is reconciled (the
//! system's verification request, a read-back of a correction, or the
//! OpenDSR status) before anything is sent again. Requests are sent again
//! automatically only when that is known to be safe: nothing reached the
//! system, the system said it is busy (429, 503, 409), or a check showed
//! the change is not in effect and the key makes a repeat harmless.
//!
//! Runs are resumable: jobs still queued, unknown or polling are picked up
//! by the next run. One process runs an action at a time; a claim held by a
//! process that is gone is taken over.

use super::actions::{outcome_event, ManualInput};
use super::case_time::now_utc;
use super::{Desk, DeskError};
use crate::connectors::{Check, RemoteStatus, SendOutcome, SystemActions};
use crate::domain::action_rules::erasure_waits_for_access;
use crate::domain::AuditKind;
use crate::domain::{
    Action, ActionJob, ActionKind, ActionStatus, Case, JobMode, JobState, PlannedRequest,
    VerificationResult,
};
use crate::store::{JobChange, NewAuditEntry, Store, StoreError};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// A claim not renewed for this long is taken over even if its process
/// seems alive (its id may have been reused).
const STALE_CLAIM: Duration = Duration::from_secs(600);
/// How often a run renews its claim.
const HEARTBEAT: Duration = Duration::from_secs(5);
/// Longest wait before sending again that a run accepts from `Retry-After`.
const MAX_RETRY_AFTER: Duration = Duration::from_secs(30);
/// After a system's time limit, how much longer an attempt sent without an
/// idempotency key is given to arrive before it is checked.
pub const IN_FLIGHT_MARGIN: Duration = Duration::from_secs(1);

/// One change of a job's state during a run, for live progress lines.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct JobUpdate {
    /// `J-7`.
    pub job: String,
    /// `crm:C-1001`.
    pub target: String,
    pub kind: ActionKind,
    pub state: JobState,
    pub message: Option<String>,
    pub overdue: bool,
}

/// What a run left behind.
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RunReport {
    pub action: super::ActionView,
    /// Jobs still to finish (unknown, polling, queued after a wait).
    pub unfinished: usize,
    /// Jobs that failed.
    pub failed: usize,
}

/// Whether a process with this id exists (ours or another user's).
pub(crate) fn process_alive(pid: i64) -> bool {
    use nix::errno::Errno;
    use nix::sys::signal::kill;
    use nix::unistd::Pid;
    let Ok(raw) = i32::try_from(pid) else {
        return false;
    };
    if raw <= 0 {
        return false;
    }
    match kill(Pid::from_raw(raw), None) {
        Ok(()) => true,
        Err(Errno::EPERM) => true,
        Err(_) => false,
    }
}

/// This process runs an action until dropped.
struct RunningGuard {
    desk: Desk,
    id: i64,
}

impl RunningGuard {
    fn take(desk: &Desk, id: i64) -> Option<RunningGuard> {
        let mut running = desk
            .core()
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        running.insert(id).then(|| RunningGuard {
            desk: desk.clone(),
            id,
        })
    }
}

impl Drop for RunningGuard {
    fn drop(&mut self) {
        let mut running = self
            .desk
            .core()
            .running
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        running.remove(&self.id);
    }
}

/// Shared by the jobs of one run.
struct RunCtx {
    action: Action,
    case: Case,
    pid: i64,
    /// Polling jobs are left for the next run after this.
    wait_until: Instant,
    progress: Option<mpsc::UnboundedSender<JobUpdate>>,
}

impl RunCtx {
    fn tell(&self, job: &ActionJob) {
        if let Some(tx) = &self.progress {
            let _ = tx.send(JobUpdate {
                job: job.reference(),
                target: job.target(),
                kind: job.kind,
                state: job.state,
                message: job.message.clone(),
                overdue: job.is_overdue(now_utc()),
            });
        }
    }
}

/// Runs a store call on the blocking pool.
async fn db<T: Send + 'static>(
    store: &Arc<Store>,
    f: impl FnOnce(&Store) -> Result<T, StoreError> + Send + 'static,
) -> Result<T, DeskError> {
    let store = store.clone();
    tokio::task::spawn_blocking(move || f(&store))
        .await
        .map_err(|e| DeskError::Invalid(format!("a store write was interrupted: {e}")))?
        .map_err(DeskError::from)
}

fn backoff(base: Duration, n: u32) -> Duration {
    base.saturating_mul(1u32 << n.min(10))
}

/// The words for an outcome in the journal.
fn outcome_word(o: &SendOutcome) -> (&'static str, Option<u16>, String) {
    match o {
        SendOutcome::Applied { status, .. } => ("applied", Some(*status), format!("HTTP {status}")),
        SendOutcome::NotSent(m) => ("not_sent", None, m.clone()),
        SendOutcome::Busy {
            status, message, ..
        } => ("busy", Some(*status), format!("HTTP {status}: {message}")),
        SendOutcome::Rejected { status, message } => (
            "rejected",
            Some(*status),
            format!("HTTP {status}: {message}"),
        ),
        SendOutcome::ServerError { status, message } => {
            ("error", Some(*status), format!("HTTP {status}: {message}"))
        }
        SendOutcome::Lost(m) => ("lost", None, m.clone()),
    }
}

impl Desk {
    /// Runs an approved action: every job not yet ended, at once, each
    /// sending its request exactly once (see the module notes). `progress`
    /// receives each change of a job's state. Returns when every job has
    /// ended or waits for a later run (an OpenDSR processor still working
    /// after `[actions] max_wait_secs`, or past its completion time).
    pub async fn run_action(
        &self,
        id: i64,
        progress: Option<mpsc::UnboundedSender<JobUpdate>>,
    ) -> Result<RunReport, DeskError> {
        let action = self.load_action(id)?;
        let case = self.load_case(action.case_id)?;
        self.check_action_work(&case, "action run")?;
        crate::domain::case_rules::ensure_editable(&case)?;
        match action.status {
            ActionStatus::Approved => {}
            ActionStatus::AwaitingApproval => {
                return Err(DeskError::Invalid(format!(
                    "action {} waits for a supervisor's approval",
                    action.reference()
                )))
            }
            ActionStatus::Denied => {
                return Err(DeskError::Invalid(format!(
                    "action {} was denied{}; nothing is sent",
                    action.reference(),
                    action
                        .decision_reason
                        .as_deref()
                        .map(|r| format!(": {r}"))
                        .unwrap_or_default()
                )))
            }
        }
        if case.verification.as_ref().map(|v| v.result) != Some(VerificationResult::Verified) {
            return Err(DeskError::Invalid(format!(
                "the requester's identity is not verified on case {}; record the check (case verify) before acting on the request",
                case.id
            )));
        }
        let all_actions = self.store().case_actions(case.id)?;
        let all_jobs = self.store().case_jobs(case.id)?;
        if let Some(why) = erasure_waits_for_access(&action, &all_actions, &all_jobs) {
            return Err(DeskError::Invalid(why));
        }
        // Another session of this process may be running it: the store's
        // claim names the process, not the session.
        let Some(_running) = RunningGuard::take(self, id) else {
            return Err(DeskError::Invalid(format!(
                "action {} is being run in another session; wait for it to finish",
                action.reference()
            )));
        };
        let pid = i64::from(std::process::id());
        let take_over = match self.store().action_runner(id)? {
            Some((other, seen)) if other != pid => {
                let fresh =
                    now_utc() - seen < chrono::Duration::from_std(STALE_CLAIM).unwrap_or_default();
                if fresh && process_alive(other) {
                    return Err(DeskError::Invalid(format!(
                        "action {} is being run by another session (process {other}); wait for it to finish",
                        action.reference()
                    )));
                }
                Some(other)
            }
            _ => None,
        };
        if let Some(holder) = self.store().claim_action(id, pid, now_utc(), take_over)? {
            return Err(DeskError::Invalid(format!(
                "action {} is being run by another session (process {holder})",
                action.reference()
            )));
        }
        let store = self.store().clone();
        let beat = tokio::spawn(async move {
            let mut t = tokio::time::interval(HEARTBEAT);
            t.tick().await;
            loop {
                t.tick().await;
                let s = store.clone();
                let _ = tokio::task::spawn_blocking(move || s.action_heartbeat(id, pid, now_utc()))
                    .await;
            }
        });
        let result = self
            .run_claimed(action, case, pid, take_over, progress)
            .await;
        beat.abort();
        if let Err(e) = self.store().release_action(id, pid) {
            tracing::warn!(action = id, "the run's claim could not be released: {e}");
        }
        result
    }

    /// The part of a run done while holding the action's claim.
    async fn run_claimed(
        &self,
        action: Action,
        case: Case,
        pid: i64,
        take_over: Option<i64>,
        progress: Option<mpsc::UnboundedSender<JobUpdate>>,
    ) -> Result<RunReport, DeskError> {
        let id = action.id;
        self.audit(
            AuditKind::ActionRun,
            &case.id.to_string(),
            json!({ "action": action.reference(), "pid": pid, "took_over_from": take_over }),
        )?;
        let wait = Duration::try_from_secs_f64(self.config().actions.max_wait_secs)
            .unwrap_or(Duration::ZERO);
        let ctx = Arc::new(RunCtx {
            action,
            case,
            pid,
            wait_until: Instant::now() + wait,
            progress,
        });
        let jobs: Vec<ActionJob> = self
            .store()
            .action_jobs(id)?
            .into_iter()
            .filter(|j| j.state.is_runnable())
            .collect();
        let mut set = tokio::task::JoinSet::new();
        for job in jobs {
            let desk = self.clone();
            let ctx = ctx.clone();
            set.spawn(async move {
                let job_id = job.id;
                let out = desk.drive_job(job, &ctx).await;
                (job_id, out)
            });
        }
        let mut first_error = None;
        while let Some(joined) = set.join_next().await {
            match joined {
                Ok((_, Ok(()))) => {}
                Ok((job, Err(e))) => {
                    tracing::warn!(job, "a job stopped on a store error");
                    first_error.get_or_insert(e);
                }
                Err(e) => {
                    tracing::error!("a job task failed: {e}");
                }
            }
        }
        if let Some(e) = first_error {
            return Err(e);
        }
        let view = self.action(id)?;
        let unfinished = view.jobs.iter().filter(|j| j.state.is_runnable()).count();
        let failed = view
            .jobs
            .iter()
            .filter(|j| j.state == JobState::Failed)
            .count();
        Ok(RunReport {
            action: view,
            unfinished,
            failed,
        })
    }

    /// Writes a change to a job (with a timeline and audit entry when it
    /// ends), tells the progress channel, and returns the job as stored.
    async fn set_job(
        &self,
        ctx: &RunCtx,
        job: &ActionJob,
        change: JobChange,
    ) -> Result<ActionJob, DeskError> {
        let ends = change.state.is_some_and(|s| {
            s != job.state && (s.is_final() || matches!(s, JobState::Failed | JobState::Unknown))
        });
        let me = self.operator().username.clone();
        let (event, audit) = if ends {
            let state = change.state.unwrap_or(job.state);
            let msg = change.message.clone().flatten();
            (
                Some(outcome_event(job, state, msg.as_deref())),
                Some(NewAuditEntry {
                    operator: me.clone(),
                    kind: AuditKind::ActionJob,
                    subject: job.case_id.to_string(),
                    details: json!({
                        "action": ctx.action.reference(), "job": job.reference(),
                        "system": job.system, "kind": job.kind, "state": state,
                        "attempts": job.attempts,
                        "http_status": change.http_status.flatten().or(job.http_status),
                    }),
                }),
            )
        } else {
            (None, None)
        };
        let id = job.id;
        let stored = db(self.store(), move |s| {
            s.update_job(id, &change, now_utc(), &me, event.as_ref(), audit.as_ref())
        })
        .await?;
        ctx.tell(&stored);
        Ok(stored)
    }

    /// Takes one job as far as it can go in this run.
    async fn drive_job(&self, mut job: ActionJob, ctx: &RunCtx) -> Result<(), DeskError> {
        let sys = match self.system_action(&job.system)? {
            Some(s) => s,
            None if job.mode == JobMode::Manual => {
                // A manual job needs no system.
                let case = ctx.case.clone();
                let from = job.state;
                let t = self.make_task(&job, &ctx.action, &case, &ManualInput::default(), from)?;
                tracing::info!(task = t.id, "manual task created");
                if let Some(j) = self.store().get_job(job.id)? {
                    ctx.tell(&j);
                }
                return Ok(());
            }
            None => {
                let change = JobChange {
                    state: Some(JobState::Failed),
                    message: Some(Some(format!(
                        "{} is not enabled in the configuration any more",
                        job.system
                    ))),
                    finished: Some(true),
                    ..Default::default()
                };
                self.set_job(ctx, &job, change).await?;
                return Ok(());
            }
        };
        let mut resends: u32 = 0;
        let mut had_unknown = false;
        loop {
            match (job.state, job.mode) {
                (JobState::Queued, JobMode::Manual) => {
                    let t = self.make_task(
                        &job,
                        &ctx.action,
                        &ctx.case,
                        &ManualInput::default(),
                        JobState::Queued,
                    )?;
                    tracing::info!(task = t.id, "manual task created");
                    if let Some(j) = self.store().get_job(job.id)? {
                        ctx.tell(&j);
                    }
                    return Ok(());
                }
                (JobState::Queued, _) => {
                    if job.mode == JobMode::Opendsr {
                        if let Some(stop) = self.check_discovery(&sys, &job).await {
                            self.set_job(ctx, &job, stop).await?;
                            return Ok(());
                        }
                    }
                    let (next, outcome) = self.send_once(&sys, job, ctx).await?;
                    job = next;
                    match self
                        .after_send(&sys, job.clone(), ctx, outcome, &mut resends, had_unknown)
                        .await?
                    {
                        Some(j) => {
                            if j.state == JobState::Unknown {
                                had_unknown = true;
                            }
                            job = j;
                        }
                        None => return Ok(()),
                    }
                }
                (JobState::Running | JobState::Unknown, _) => {
                    had_unknown = true;
                    match self.reconcile(&sys, job, ctx, &mut resends).await? {
                        Some(j) => job = j,
                        None => return Ok(()),
                    }
                }
                (JobState::Polling, _) => {
                    self.poll(&sys, job, ctx).await?;
                    return Ok(());
                }
                _ => return Ok(()),
            }
        }
    }

    /// Asks an OpenDSR processor what it supports; Some(change) ends the
    /// job when it cannot take the request.
    async fn check_discovery(&self, sys: &SystemActions, job: &ActionJob) -> Option<JobChange> {
        let wanted = job
            .request
            .as_ref()
            .and_then(|r| r.body.as_ref())
            .and_then(|b| b["subject_request_type"].as_str())
            .unwrap_or("")
            .to_string();
        match sys.discover().await {
            Ok(d) if d.request_types.contains(&wanted) => None,
            Ok(d) => Some(JobChange {
                state: Some(JobState::Failed),
                message: Some(Some(format!(
                    "{} does not take {wanted} requests (it takes: {})",
                    job.system,
                    d.request_types.join(", ")
                ))),
                finished: Some(true),
                ..Default::default()
            }),
            // Discovery is advisory: the submission itself will say.
            Err(e) => {
                tracing::info!(system = %job.system, "discovery failed: {}", e.to_status().code());
                None
            }
        }
    }

    /// Journals and sends one attempt of a job's request.
    async fn send_once(
        &self,
        sys: &SystemActions,
        job: ActionJob,
        ctx: &RunCtx,
    ) -> Result<(ActionJob, SendOutcome), DeskError> {
        let Some(request) = job.request.clone() else {
            let change = JobChange {
                state: Some(JobState::Failed),
                message: Some(Some("the job holds no request to send".into())),
                finished: Some(true),
                ..Default::default()
            };
            let j = self.set_job(ctx, &job, change).await?;
            return Ok((j, SendOutcome::NotSent("no request".into())));
        };
        let (job, request) = match self.fix_version(sys, job, request, ctx).await? {
            Ok(fixed) => fixed,
            Err(unsent) => return Ok(unsent),
        };
        let n = job.attempts + 1;
        let (id, me, pid) = (job.id, self.operator().username.clone(), ctx.pid);
        db(self.store(), move |s| {
            s.journal_send(id, n, &me, pid, now_utc())
        })
        .await?;
        let mut sent = job.clone();
        sent.state = JobState::Running;
        sent.attempts = n;
        ctx.tell(&sent);
        tracing::info!(job = job.id, attempt = n, system = %job.system, "sending");
        let outcome = match job.mode {
            JobMode::Opendsr => sys.submit(&request, &job.idempotency_key).await,
            _ => sys.send(job.kind, &request, &job.idempotency_key).await,
        };
        let (word, status, message) = outcome_word(&outcome);
        db(self.store(), move |s| {
            s.journal_answer(id, n, word, status, Some(&message), now_utc())
        })
        .await?;
        Ok((sent, outcome))
    }

    /// A conditional write's first attempt: read the record's current
    /// version and keep it with the job's request, committed before
    /// anything is sent, so that every later attempt carries the same one.
    /// Err: the version could not be read and nothing was sent.
    async fn fix_version(
        &self,
        sys: &SystemActions,
        job: ActionJob,
        mut request: PlannedRequest,
        ctx: &RunCtx,
    ) -> Result<Result<(ActionJob, PlannedRequest), (ActionJob, SendOutcome)>, DeskError> {
        if job.mode != JobMode::Api
            || !sys.has_precondition(job.kind)
            || request.precondition.is_some()
        {
            return Ok(Ok((job, request)));
        }
        let id = job.record_id.clone().unwrap_or_default();
        match sys.read_version(job.kind, &id).await {
            Ok(v) => {
                request.precondition = Some(v);
                let change = JobChange {
                    request: Some(request.clone()),
                    ..Default::default()
                };
                let job = self.set_job(ctx, &job, change).await?;
                Ok(Ok((job, request)))
            }
            Err(e) => Ok(Err((
                job,
                SendOutcome::NotSent(format!(
                    "the record's current version could not be read: {e}"
                )),
            ))),
        }
    }

    /// What to do after an answer (or none). Returns the job to continue
    /// with, or None when this run is done with it.
    async fn after_send(
        &self,
        sys: &SystemActions,
        job: ActionJob,
        ctx: &RunCtx,
        outcome: SendOutcome,
        resends: &mut u32,
        had_unknown: bool,
    ) -> Result<Option<ActionJob>, DeskError> {
        let fail = |msg: String, status: Option<u16>| JobChange {
            state: Some(JobState::Failed),
            message: Some(Some(msg)),
            http_status: Some(status),
            finished: Some(true),
            ..Default::default()
        };
        match outcome {
            SendOutcome::Applied { status, body } => {
                if job.mode == JobMode::Opendsr {
                    let now = now_utc();
                    let within = chrono::Duration::from_std(sys.complete_within())
                        .unwrap_or(chrono::Duration::days(30));
                    let change = JobChange {
                        state: Some(JobState::Polling),
                        message: Some(Some(format!("accepted by the processor (HTTP {status})"))),
                        http_status: Some(Some(status)),
                        submitted_at: Some(now),
                        overdue_at: Some(now + within),
                        ..Default::default()
                    };
                    return Ok(Some(self.set_job(ctx, &job, change).await?));
                }
                let change = self.finish_applied(sys, &job, ctx, status, body).await;
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            SendOutcome::NotSent(msg) | SendOutcome::Busy { message: msg, .. }
                if *resends < sys.retries() =>
            {
                // Nothing was applied by this attempt: safe to send again.
                let wait = backoff(sys.backoff(), *resends);
                *resends += 1;
                let change = JobChange {
                    state: Some(JobState::Queued),
                    message: Some(Some(format!("{msg}; sending again"))),
                    ..Default::default()
                };
                let j = self.set_job(ctx, &job, change).await?;
                tokio::time::sleep(wait.min(MAX_RETRY_AFTER)).await;
                Ok(Some(j))
            }
            SendOutcome::NotSent(msg) => {
                let change = fail(
                    format!(
                        "not sent: {msg} (nothing reached {}; safe to retry)",
                        job.system
                    ),
                    None,
                );
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            SendOutcome::Busy {
                status, message, ..
            } => {
                let change = if had_unknown {
                    JobChange {
                        state: Some(JobState::Unknown),
                        message: Some(Some(format!(
                            "outcome unknown: {} is still busy with an earlier attempt (HTTP {status}: {message}); the next run checks again",
                            job.system
                        ))),
                        http_status: Some(Some(status)),
                        ..Default::default()
                    }
                } else {
                    fail(format!("HTTP {status}: {message}"), Some(status))
                };
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            SendOutcome::Rejected {
                status: 412,
                message,
            } if sys.has_precondition(job.kind) => {
                // The version sent is no longer current: an earlier attempt
                // applied the change, or someone else changed the record.
                let change = match self.check_job(sys, &job, ctx).await {
                    Check::Applied => JobChange {
                        state: Some(JobState::Done),
                        message: Some(Some(
                            "already in effect (HTTP 412: the version sent is no longer current), checked"
                                .into(),
                        )),
                        http_status: Some(Some(412)),
                        verified: Some(Some(true)),
                        finished: Some(true),
                        ..Default::default()
                    },
                    Check::NotApplied(why) if *resends < sys.retries() => {
                        // Every earlier attempt carries the old version, so
                        // none of them can apply any more: a fresh version
                        // is safe.
                        *resends += 1;
                        let mut fresh = job.request.clone();
                        if let Some(r) = fresh.as_mut() {
                            r.precondition = None;
                        }
                        let change = JobChange {
                            state: Some(JobState::Queued),
                            message: Some(Some(format!(
                                "{} changed the record since its version was read (HTTP 412) and the change is not in effect ({why}); reading the version again",
                                job.system
                            ))),
                            http_status: Some(Some(412)),
                            request: fresh,
                            ..Default::default()
                        };
                        return Ok(Some(self.set_job(ctx, &job, change).await?));
                    }
                    _ => fail(
                        format!("HTTP 412: the record changed since its version was read ({message})"),
                        Some(412),
                    ),
                };
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            SendOutcome::Rejected { status, message }
                if matches!(status, 404 | 409 | 410) && sys.can_check(job.kind) =>
            {
                // "Not there" or "already so" may mean the change is in
                // effect (an earlier attempt removed the record): the
                // check decides, not the status.
                let change = match self.check_job(sys, &job, ctx).await {
                    Check::Applied => JobChange {
                        state: Some(JobState::Done),
                        message: Some(Some(format!(
                            "already in effect (HTTP {status}: {message}), checked"
                        ))),
                        http_status: Some(Some(status)),
                        verified: Some(Some(true)),
                        finished: Some(true),
                        ..Default::default()
                    },
                    _ => fail(format!("HTTP {status}: {message}"), Some(status)),
                };
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            SendOutcome::Rejected { status, message }
            | SendOutcome::ServerError { status, message } => {
                let change = fail(format!("HTTP {status}: {message}"), Some(status));
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            SendOutcome::Lost(msg) => {
                let change = JobChange {
                    state: Some(JobState::Unknown),
                    message: Some(Some(format!("outcome unknown: {msg}"))),
                    ..Default::default()
                };
                Ok(Some(self.set_job(ctx, &job, change).await?))
            }
        }
    }

    /// The end of a job the system answered with success: the export's data
    /// stored, or the change checked.
    async fn finish_applied(
        &self,
        sys: &SystemActions,
        job: &ActionJob,
        ctx: &RunCtx,
        status: u16,
        body: Option<serde_json::Value>,
    ) -> JobChange {
        let done = |message: String, verified: Option<bool>| JobChange {
            state: Some(JobState::Done),
            message: Some(Some(message)),
            http_status: Some(Some(status)),
            verified: Some(verified),
            finished: Some(true),
            ..Default::default()
        };
        if job.kind == ActionKind::Export {
            return match sys.export_data(body.as_ref()) {
                Ok(data) => JobChange {
                    result: Some(data),
                    ..done(format!("exported (HTTP {status})"), None)
                },
                Err(e) => JobChange {
                    state: Some(JobState::Failed),
                    message: Some(Some(format!("HTTP {status}, but {e}"))),
                    http_status: Some(Some(status)),
                    finished: Some(true),
                    ..Default::default()
                },
            };
        }
        match self.check_job(sys, job, ctx).await {
            Check::Applied => done(format!("done (HTTP {status}), checked"), Some(true)),
            Check::NotApplied(why) => JobChange {
                state: Some(JobState::Failed),
                message: Some(Some(format!(
                    "HTTP {status}, but the check shows it did not take effect: {why}"
                ))),
                http_status: Some(Some(status)),
                verified: Some(Some(false)),
                finished: Some(true),
                ..Default::default()
            },
            Check::CannotCheck(_) => done(format!("done (HTTP {status})"), None),
            Check::Failed(e) => done(
                format!("done (HTTP {status}); the check could not run: {e}"),
                None,
            ),
        }
    }

    async fn check_job(&self, sys: &SystemActions, job: &ActionJob, ctx: &RunCtx) -> Check {
        let id = job.record_id.as_deref().unwrap_or("");
        sys.check(job.kind, id, &ctx.case.id.to_string(), &ctx.action.changes)
            .await
    }

    /// A job whose answer was lost: find out whether it took effect before
    /// sending anything again.
    async fn reconcile(
        &self,
        sys: &SystemActions,
        job: ActionJob,
        ctx: &RunCtx,
        resends: &mut u32,
    ) -> Result<Option<ActionJob>, DeskError> {
        let mut job = job;
        if job.state == JobState::Running {
            let change = JobChange {
                state: Some(JobState::Unknown),
                message: Some(Some(format!(
                    "outcome unknown: privdesk stopped after sending attempt {} and before recording the answer",
                    job.attempts
                ))),
                ..Default::default()
            };
            job = self.set_job(ctx, &job, change).await?;
        }
        let resend = |why: String| JobChange {
            state: Some(JobState::Queued),
            message: Some(Some(why)),
            ..Default::default()
        };
        let stay = |why: String| JobChange {
            state: Some(JobState::Unknown),
            message: Some(Some(why)),
            ..Default::default()
        };
        let can_resend = *resends < sys.retries();
        if job.mode == JobMode::Opendsr {
            return match sys.request_status(&job.idempotency_key).await {
                Ok(Some(_)) => {
                    let sent = job.last_sent_at.unwrap_or_else(now_utc);
                    let within = chrono::Duration::from_std(sys.complete_within())
                        .unwrap_or(chrono::Duration::days(30));
                    let change = JobChange {
                        state: Some(JobState::Polling),
                        message: Some(Some("the processor has the request".into())),
                        submitted_at: Some(sent),
                        overdue_at: Some(sent + within),
                        ..Default::default()
                    };
                    Ok(Some(self.set_job(ctx, &job, change).await?))
                }
                Ok(None) if can_resend => {
                    *resends += 1;
                    let change = resend(format!(
                        "{} never received the request; sending it again with the same id",
                        job.system
                    ));
                    Ok(Some(self.set_job(ctx, &job, change).await?))
                }
                Ok(None) => {
                    let change = stay(format!(
                        "outcome unknown: {} does not have the request yet",
                        job.system
                    ));
                    self.set_job(ctx, &job, change).await?;
                    Ok(None)
                }
                Err(e) => {
                    let change = stay(format!("outcome unknown: the status check failed: {e}"));
                    self.set_job(ctx, &job, change).await?;
                    Ok(None)
                }
            };
        }
        // A conditional write whose version is fixed cannot apply twice:
        // a resend needs no wait for the last attempt to be over.
        let conditional = sys.has_precondition(job.kind)
            && job
                .request
                .as_ref()
                .is_some_and(|r| r.precondition.is_some());
        if job.kind != ActionKind::Export && !sys.honours_idempotency_keys() && !conditional {
            job = self.wait_out_last_attempt(sys, job, ctx).await?;
        }
        if job.kind == ActionKind::Export {
            // Reading changes nothing: ask again.
            if can_resend {
                *resends += 1;
                let change = resend("the export's answer was lost; asking again".into());
                return Ok(Some(self.set_job(ctx, &job, change).await?));
            }
            let change = stay("outcome unknown: the export's answer was lost".into());
            self.set_job(ctx, &job, change).await?;
            return Ok(None);
        }
        let check = if sys.can_check(job.kind) {
            self.check_job(sys, &job, ctx).await
        } else {
            Check::CannotCheck(format!("{} offers no check for {}", job.system, job.kind))
        };
        // What the check found is the outcome of the attempt whose answer
        // never came.
        let found = match &check {
            Check::Applied => Some(("applied", "checked afterwards: in effect".to_string())),
            Check::NotApplied(why) => Some((
                "not_applied",
                format!("checked afterwards: not in effect ({why})"),
            )),
            _ => None,
        };
        if let Some((word, msg)) = found {
            let (id, n) = (job.id, job.attempts);
            db(self.store(), move |s| {
                s.journal_checked(id, n, word, &msg, now_utc())
            })
            .await?;
        }
        match check {
            Check::Applied => {
                let change = JobChange {
                    state: Some(JobState::Done),
                    message: Some(Some(
                        "the earlier attempt took effect (checked); nothing sent again".into(),
                    )),
                    verified: Some(Some(true)),
                    finished: Some(true),
                    ..Default::default()
                };
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            Check::NotApplied(why) if can_resend => {
                *resends += 1;
                let change = resend(if conditional {
                    format!("not in effect ({why}); sending again with the same version (a repeat cannot apply twice)")
                } else if sys.honours_idempotency_keys() {
                    format!("not in effect ({why}); sending again with the same idempotency key")
                } else {
                    format!("not in effect ({why}); sending again")
                });
                Ok(Some(self.set_job(ctx, &job, change).await?))
            }
            Check::NotApplied(why) => {
                let change = stay(format!("outcome unknown: not in effect yet ({why})"));
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            Check::CannotCheck(why) if conditional && can_resend => {
                *resends += 1;
                let change = resend(format!(
                    "{why}; sending again with the same version (the system refuses a repeat with 412)"
                ));
                Ok(Some(self.set_job(ctx, &job, change).await?))
            }
            Check::CannotCheck(why) if sys.honours_idempotency_keys() && can_resend => {
                *resends += 1;
                let change = resend(format!(
                    "{why}; sending again with the same idempotency key (the system answers a repeat with the first result)"
                ));
                Ok(Some(self.set_job(ctx, &job, change).await?))
            }
            Check::CannotCheck(why) => {
                let change = stay(format!(
                    "outcome unknown and it cannot be checked ({why}): look in {}, then skip the job or hand it to a manual task",
                    job.system
                ));
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
            Check::Failed(e) => {
                let change = stay(format!("outcome unknown: the check failed: {e}"));
                self.set_job(ctx, &job, change).await?;
                Ok(None)
            }
        }
    }

    /// For a system without idempotency keys: wait until the last attempt
    /// can no longer arrive (sent at, plus the system's time limit, plus
    /// [`IN_FLIGHT_MARGIN`]) before anything checks it, so that a check
    /// never sees "not yet" for a request still on its way and sends it a
    /// second time.
    async fn wait_out_last_attempt(
        &self,
        sys: &SystemActions,
        job: ActionJob,
        ctx: &RunCtx,
    ) -> Result<ActionJob, DeskError> {
        let window = sys.timeout() + IN_FLIGHT_MARGIN;
        let sent = job.last_sent_at.unwrap_or_else(now_utc);
        let until =
            sent + chrono::Duration::from_std(window).unwrap_or(chrono::Duration::seconds(5));
        let left = (until - now_utc()).to_std().unwrap_or(Duration::ZERO);
        if left.is_zero() {
            return Ok(job);
        }
        let local = until.with_timezone(&self.calendar().time_zone());
        let change = JobChange {
            message: Some(Some(format!(
                "outcome unknown: attempt {} may still reach {} (it sends no idempotency key); checking at {} before anything is sent again",
                job.attempts,
                job.system,
                local.format("%H:%M:%S")
            ))),
            ..Default::default()
        };
        let job = self.set_job(ctx, &job, change).await?;
        tokio::time::sleep(left).await;
        Ok(job)
    }

    /// Polls an OpenDSR processor until the request completes, is
    /// cancelled, falls overdue, or this run stops waiting.
    async fn poll(
        &self,
        sys: &SystemActions,
        job: ActionJob,
        ctx: &RunCtx,
    ) -> Result<(), DeskError> {
        let mut job = job;
        let mut errors = 0;
        loop {
            let status = sys.request_status(&job.idempotency_key).await;
            let polls = job.polls + 1;
            match status {
                Ok(Some(RemoteStatus::Completed { results_url })) => {
                    let mut change = JobChange {
                        state: Some(JobState::Done),
                        polls: Some(polls),
                        verified: Some(Some(true)),
                        finished: Some(true),
                        ..Default::default()
                    };
                    if job.kind == ActionKind::Export {
                        match results_url {
                            Some(url) => match sys.fetch_results(&url).await {
                                Ok(data) => {
                                    change.result = Some(data);
                                    change.message =
                                        Some(Some("completed; results received".into()));
                                }
                                Err(e) => {
                                    change.state = Some(JobState::Failed);
                                    change.verified = Some(None);
                                    change.message = Some(Some(format!(
                                        "completed, but the results could not be read: {e}"
                                    )));
                                }
                            },
                            None => {
                                change.state = Some(JobState::Failed);
                                change.verified = Some(None);
                                change.message =
                                    Some(Some("completed without a results_url".into()));
                            }
                        }
                    } else {
                        change.message = Some(Some("completed by the processor".into()));
                    }
                    self.set_job(ctx, &job, change).await?;
                    return Ok(());
                }
                Ok(Some(RemoteStatus::Cancelled)) => {
                    let change = JobChange {
                        state: Some(JobState::Failed),
                        polls: Some(polls),
                        message: Some(Some("cancelled by the processor".into())),
                        finished: Some(true),
                        ..Default::default()
                    };
                    self.set_job(ctx, &job, change).await?;
                    return Ok(());
                }
                Ok(None) => {
                    let change = JobChange {
                        state: Some(JobState::Failed),
                        polls: Some(polls),
                        message: Some(Some(format!(
                            "{} no longer knows the request {}",
                            job.system, job.idempotency_key
                        ))),
                        finished: Some(true),
                        ..Default::default()
                    };
                    self.set_job(ctx, &job, change).await?;
                    return Ok(());
                }
                Ok(Some(_)) => {
                    errors = 0;
                    let now = now_utc();
                    let overdue = job.overdue_at.is_some_and(|t| t <= now);
                    let asked = format!("{polls} poll{}", if polls == 1 { "" } else { "s" });
                    let message = if overdue {
                        format!(
                            "overdue: not completed by {} ({asked})",
                            job.overdue_at
                                .map(|t| t.to_rfc3339_opts(chrono::SecondsFormat::Secs, true))
                                .unwrap_or_default(),
                        )
                    } else {
                        format!("waiting for the processor ({asked})")
                    };
                    let change = JobChange {
                        polls: Some(polls),
                        message: Some(Some(message)),
                        ..Default::default()
                    };
                    job = self.set_job(ctx, &job, change).await?;
                    let next = Instant::now() + sys.poll_interval();
                    if overdue || next > ctx.wait_until {
                        return Ok(());
                    }
                    tokio::time::sleep_until(next).await;
                }
                Err(e) => {
                    errors += 1;
                    let change = JobChange {
                        message: Some(Some(format!("status poll failed: {e}"))),
                        ..Default::default()
                    };
                    job = self.set_job(ctx, &job, change).await?;
                    let next = Instant::now() + sys.poll_interval();
                    if errors >= 3 || next > ctx.wait_until {
                        return Ok(());
                    }
                    tokio::time::sleep_until(next).await;
                }
            }
        }
    }
}
