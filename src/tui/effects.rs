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
