//! Effects run off the drawing path as tokio tasks; each result comes back to
//! the loop as an `Action`. Store work (cases, audit, drafts) runs on the
//! blocking pool.

use super::app::{Action, CaseChange, ChangeError, CreateError, Effect};
use super::app::{BulkOp, BulkOutcome, BulkResult, QueueData};
use super::queue_filter::FilterWorker;
use crate::desk::{Desk, DeskError, DuplicateQuery, SearchOptions};
use crate::domain::{Case, CaseId, NewCase};
use indexmap::IndexMap;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

/// The draft key of the query box.
pub const QUERY_DRAFT: &str = super::drafts::QUERY;

pub struct Effects {
    desk: Desk,
    tx: UnboundedSender<Action>,
    /// Drafts are written one after the other, in the order typed, by one task.
    drafts: UnboundedSender<(String, String)>,
    draft_writer: JoinHandle<()>,
    /// Actions being run by this session: a second run of one waits.
    running: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
    /// Matches the queue's filter off the drawing path.
    filter: FilterWorker,
}

/// Write drafts as they come; when several wait, only the newest text of
/// each key is written.
async fn write_drafts(desk: Desk, mut rx: UnboundedReceiver<(String, String)>) {
    while let Some((key, text)) = rx.recv().await {
        let mut batch: IndexMap<String, String> = IndexMap::new();
        batch.insert(key, text);
        while let Ok((key, text)) = rx.try_recv() {
            batch.shift_remove(&key);
            batch.insert(key, text);
        }
        let desk = desk.clone();
        let saved = tokio::task::spawn_blocking(move || {
            for (key, text) in batch {
                if let Err(e) = desk.save_draft(&key, &text) {
                    tracing::warn!(error = %e, "draft not saved");
                }
            }
        })
        .await;
        if let Err(e) = saved {
            tracing::warn!(error = %e, "draft writer interrupted");
        }
    }
}

impl Effects {
    pub fn new(desk: Desk, tx: UnboundedSender<Action>) -> Self {
        let (drafts, rx) = tokio::sync::mpsc::unbounded_channel();
        let draft_writer = tokio::spawn(write_drafts(desk.clone(), rx));
        let answers = tx.clone();
        let filter = FilterWorker::spawn(move |r| answers.send(Action::QueueFiltered(r)).is_ok());
        Effects {
            desk,
            tx,
            drafts,
            draft_writer,
            running: Default::default(),
            filter,
        }
    }

    /// Watch the store for changes made by any session and report each as
    /// `Action::StoreChanged` (see `Desk::watch_changes`).
    pub fn watch_store(&self) -> Option<JoinHandle<()>> {
        let mut changes = match self.desk.watch_changes() {
            Ok(rx) => rx,
            Err(e) => {
                tracing::warn!(error = %e, "changes made in other sessions will show on reload only");
                return None;
            }
        };
        let tx = self.tx.clone();
        Some(tokio::spawn(async move {
            while changes.recv().await.is_some() {
                if tx.send(Action::StoreChanged).is_err() {
                    break;
                }
            }
        }))
    }

    /// Wait until every draft handed over so far is written.
    pub async fn finish(self) {
        drop(self.drafts);
        let _ = self.draft_writer.await;
    }

    /// Start an effect. Terminal effects (suspend, redraw) are the loop's and
    /// are ignored here. Returns the task, for callers that must wait for it.
    pub fn run(&self, effect: Effect) -> Option<JoinHandle<()>> {
        let desk = self.desk.clone();
        let tx = self.tx.clone();
        match effect {
            Effect::StartSearch { gen, query } => Some(tokio::spawn(async move {
                match desk.start_search(&query, SearchOptions::default()) {
                    Err(e) => {
                        let _ = tx.send(Action::SearchFailed {
                            gen,
                            error: e.to_string(),
                        });
                    }
                    Ok(mut run) => {
                        while let Some(snapshot) = run.updates.recv().await {
                            let done = snapshot.done;
                            if tx
                                .send(Action::SearchUpdate {
                                    gen,
                                    snapshot: Box::new(snapshot),
                                })
                                .is_err()
                                || done
                            {
                                break;
                            }
                        }
                    }
                }
            })),
            Effect::Reveal {
                key,
                records,
                purpose,
            } => Some(tokio::task::spawn_blocking(move || {
                let result = desk.reveal(&records, &purpose).map_err(|e| e.to_string());
                let _ = tx.send(Action::RevealDone { key, result });
            })),
            Effect::Fetch { key } => Some(tokio::spawn(async move {
                let result = desk
                    .fetch(&key.0, &key.1)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::FetchDone { key, result });
            })),
            Effect::SaveDraft { key, text } => {
                let _ = self.drafts.send((key, text));
                None
            }
            Effect::LoadCases { gen, filter } => Some(tokio::task::spawn_blocking(move || {
                let result = desk.list_cases(&filter).map_err(|e| e.to_string());
                let _ = tx.send(Action::CasesLoaded { gen, result });
            })),
            Effect::LoadReport { gen } => Some(tokio::task::spawn_blocking(move || {
                let result = desk
                    .report(None, None)
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ReportLoaded { gen, result });
            })),
            Effect::LoadCase { id } => Some(tokio::task::spawn_blocking(move || {
                let result = desk.get_case(id).map(Box::new).map_err(|e| e.to_string());
                let _ = tx.send(Action::CaseLoaded { id, result });
            })),
            Effect::FindDuplicates { key, query } => Some(tokio::task::spawn_blocking(move || {
                let result = desk.find_open_cases_for(&query).map_err(|e| e.to_string());
                let _ = tx.send(Action::DuplicatesFound { key, result });
            })),
            Effect::CreateCase {
                key,
                new,
                fee,
                seen,
            } => Some(tokio::task::spawn_blocking(move || {
                let (result, warning) = create(&desk, &new, fee, &seen);
                let _ = tx.send(Action::CaseCreated {
                    key,
                    result,
                    warning,
                });
            })),
            Effect::ChangeCase {
                id,
                version,
                change,
                key,
            } => Some(tokio::task::spawn_blocking(move || {
                let result =
                    apply(&desk, id, version, &change)
                        .map(Box::new)
                        .map_err(|e| match e {
                            DeskError::Conflict(c) => ChangeError::Conflict(c),
                            other => ChangeError::Failed(other.to_string()),
                        });
                let _ = tx.send(Action::CaseChanged {
                    id,
                    key,
                    change,
                    result,
                });
            })),
            Effect::RevealCase { id, purpose } => Some(tokio::task::spawn_blocking(move || {
                let result = desk.reveal_case(id, &purpose).map_err(|e| e.to_string());
                let _ = tx.send(Action::CaseRevealDone { id, result });
            })),
            Effect::LoadActions { case } => Some(tokio::task::spawn_blocking(move || {
                let result = desk
                    .case_actions(case, None)
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionsLoaded { case, result });
            })),
            Effect::PreviewAction { case, request } => Some(tokio::spawn(async move {
                let result = desk
                    .preview_action(case, &request)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionPreviewed { case, result });
            })),
            Effect::PlanAction { case, request } => Some(tokio::spawn(async move {
                let result = desk
                    .plan_action(case, &request)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionPlanned { case, result });
            })),
            Effect::DecideAction {
                id,
                reference,
                approve,
                reason,
            } => Some(tokio::task::spawn_blocking(move || {
                let result = desk
                    .decide_action(id, approve, &reason)
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionDecided {
                    action: reference,
                    approve,
                    result,
                });
            })),
            Effect::RunAction { id, reference } => {
                let running = self.running.clone();
                let fresh = running.lock().map(|mut r| r.insert(id)).unwrap_or(false);
                if !fresh {
                    let _ = tx.send(Action::ActionRan {
                        action: reference.clone(),
                        result: Err(format!(
                            "{reference} is running already; wait for it to end"
                        )),
                    });
                    return None;
                }
                Some(tokio::spawn(async move {
                    run_action(desk, tx, id, reference).await;
                    if let Ok(mut r) = running.lock() {
                        r.remove(&id);
                    }
                }))
            }
            Effect::ChangeJob(op) => Some(tokio::task::spawn_blocking(move || {
                let result = super::action_effects::change_job(&desk, &op);
                let _ = tx.send(Action::JobChanged { op, result });
            })),
            Effect::LoadInbox => Some(tokio::task::spawn_blocking(move || {
                let result = desk.actions_awaiting_approval().map_err(|e| e.to_string());
                let _ = tx.send(Action::InboxLoaded { result });
            })),
            Effect::BuildPackage { case } => Some(tokio::spawn(async move {
                let result = desk
                    .build_package(case, &Default::default())
                    .await
                    .map(|r| super::action_effects::built(&r))
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::PackageDone {
                    case,
                    verify: false,
                    result,
                });
            })),
            Effect::VerifyPackage { case } => Some(tokio::task::spawn_blocking(move || {
                let result = super::action_effects::verify(&desk, case);
                let _ = tx.send(Action::PackageDone {
                    case,
                    verify: true,
                    result,
                });
            })),
            Effect::RenderLetter { case, template } => {
                Some(tokio::task::spawn_blocking(move || {
                    let result = desk
                        .render_letter(case, &template, None)
                        .map(|l| l.text)
                        .map_err(|e| e.to_string());
                    let _ = tx.send(Action::LetterRendered {
                        case,
                        template,
                        result,
                    });
                }))
            }
            Effect::LoadAudit { gen, filter } => Some(tokio::task::spawn_blocking(move || {
                let result = desk.audit_log(&filter).map_err(|e| e.to_string());
                let _ = tx.send(Action::AuditLoaded { gen, result });
            })),
            Effect::VerifyAudit => Some(tokio::task::spawn_blocking(move || {
                let result = desk.audit_verify().map_err(|e| e.to_string());
                let _ = tx.send(Action::AuditVerified(result));
            })),
            Effect::ExportAudit { person, csv } => Some(tokio::task::spawn_blocking(move || {
                let result = export(&desk, &person, csv);
                let _ = tx.send(Action::AuditExported(result));
            })),
            Effect::CheckAccess => Some(tokio::task::spawn_blocking(move || {
                let result = desk.check_access().map_err(|e| e.to_string());
                let _ = tx.send(Action::AccessChecked(result));
            })),
            Effect::LoadQueue {
                gen,
                live,
                sections,
                me,
            } => Some(tokio::task::spawn_blocking(move || {
                let result = desk
                    .load_queue(live)
                    .map(|load| Box::new(QueueData::build(load, &sections, &me)))
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::QueueLoaded { gen, result });
            })),
            Effect::FilterQueue(job) => {
                self.filter.submit(job);
                None
            }
            Effect::QueueBulk { op, items } => Some(tokio::task::spawn_blocking(move || {
                let results = items
                    .into_iter()
                    .map(|(id, version)| BulkResult {
                        id,
                        outcome: bulk_one(&desk, id, version, &op),
                    })
                    .collect();
                let _ = tx.send(Action::QueueBulkDone { op, results });
            })),
            Effect::RefreshCase { id, version } => Some(tokio::task::spawn_blocking(move || {
                match desk.case_version(id) {
                    Ok(v) if v == version => {}
                    Ok(_) => {
                        let result = desk.get_case(id).map(Box::new).map_err(|e| e.to_string());
                        let _ = tx.send(Action::CaseLoaded { id, result });
                    }
                    Err(e) => tracing::warn!(error = %e, "case not reloaded after a change"),
                }
            })),
            Effect::Suspend | Effect::Redraw => None,
        }
    }
}

/// Run an action, sending each job's change back as it happens, then the
/// report.
async fn run_action(desk: Desk, tx: UnboundedSender<Action>, id: i64, reference: String) {
    let (progress, mut updates) = tokio::sync::mpsc::unbounded_channel();
    let forward_tx = tx.clone();
    let forward_ref = reference.clone();
    let forward = tokio::spawn(async move {
        while let Some(update) = updates.recv().await {
            let _ = forward_tx.send(Action::JobProgress {
                action: forward_ref.clone(),
                update: Box::new(update),
            });
        }
    });
    let result = desk
        .run_action(id, Some(progress))
        .await
        .map(Box::new)
        .map_err(|e| e.to_string());
    // Every update first, then the report (the sender is gone with the run).
    let _ = tokio::time::timeout(std::time::Duration::from_secs(2), forward).await;
    let _ = tx.send(Action::ActionRan {
        action: reference,
        result,
    });
}

/// Look for open cases of the same person or contact the operator has not
/// been shown (`seen`); if there are none, create the case, then set its fee.
pub fn create(
    desk: &Desk,
    new: &NewCase,
    fee: Option<u32>,
    seen: &[CaseId],
) -> (Result<Box<Case>, CreateError>, Option<String>) {
    let query = DuplicateQuery {
        records: new
            .links
            .iter()
            .map(|l| (l.system.clone(), l.record_id.clone()))
            .collect(),
        email: new.requester.contact.email.clone(),
        phone: new.requester.contact.phone.clone(),
        exclude: None,
    };
    match desk.find_open_cases_for(&query) {
        Ok(found) => {
            let unseen: Vec<_> = found
                .into_iter()
                .filter(|c| !seen.contains(&c.id))
                .collect();
            if !unseen.is_empty() {
                return (Err(CreateError::Duplicates(unseen)), None);
            }
        }
        Err(e) => return (Err(CreateError::Failed(e.to_string())), None),
    }
    let case = match desk.create_case(new) {
        Ok(c) => c,
        Err(e) => return (Err(CreateError::Failed(e.to_string())), None),
    };
    match fee {
        Some(amount) => match desk.set_fee(case.id, case.version, Some(amount)) {
            Ok(with_fee) => (Ok(Box::new(with_fee)), None),
            Err(e) => (
                Ok(Box::new(case)),
                Some(format!("the fee was not set: {e}")),
            ),
        },
        None => (Ok(Box::new(case)), None),
    }
}

/// Export one person's audit trail to a new file; what to tell the operator.
fn export(desk: &Desk, person: &str, csv: bool) -> Result<String, String> {
    let trail = desk.audit_export(person).map_err(|e| e.to_string())?;
    let path = crate::desk::export_file(&trail, csv);
    crate::desk::write_trail(&trail, &path, csv)
        .map_err(|e| format!("cannot write {}: {e}", path.display()))?;
    let n = trail.entries.len();
    Ok(format!(
        "{n} {} about this person written to {}",
        if n == 1 { "entry" } else { "entries" },
        path.display()
    ))
}

/// Make one change through the desk, based on `version`.
pub fn apply(
    desk: &Desk,
    id: CaseId,
    version: i64,
    change: &CaseChange,
) -> Result<Case, DeskError> {
    match change {
        CaseChange::Note {
            text,
            internal,
            is_response,
        } => desk.add_note(id, version, text, *internal, *is_response),
        CaseChange::Status(c) => desk.change_status(id, version, c),
        CaseChange::Assign(who) => desk.assign(id, version, who.as_deref()),
        CaseChange::Verify(v) => desk.verify_identity(id, version, v),
        CaseChange::Letter { text, is_response } => {
            desk.record_letter(id, version, text, *is_response)
        }
    }
}

/// One case of a bulk change, through the desk (role checks, version, audit).
pub fn bulk_one(desk: &Desk, id: CaseId, version: i64, op: &BulkOp) -> BulkOutcome {
    let result = match op {
        BulkOp::Assign(who) => desk.assign(id, version, who.as_deref()),
        BulkOp::Escalate => desk.escalate(id, version),
    };
    match result {
        Ok(c) if c.version == version => BulkOutcome::Unchanged,
        Ok(c) => BulkOutcome::Done(c.version),
        Err(DeskError::Conflict(c)) => BulkOutcome::Conflict(format!(
            "changed since the queue was loaded (version {}, now {})",
            c.seen_version, c.current_version
        )),
        Err(DeskError::Denied(why)) => BulkOutcome::Refused(why),
        Err(DeskError::Invalid(why)) | Err(DeskError::Refused(why)) => BulkOutcome::Refused(why),
        Err(e) => BulkOutcome::Failed(e.to_string()),
    }
}
