//! Effects run off the drawing path as tokio tasks, each a call to the
//! server through the session's client; each result comes back to the
//! loop as an `Action`. The server's pushes (changes, the queue's rows,
//! access) come back the same way (see [`Effects::listen`]).

use super::app::{Action, CaseChange, ChangeError, CreateError, Effect};
use super::app::{BulkOp, BulkResult};
use crate::client::Client;
use crate::desk::{DeskError, DuplicateQuery};
use crate::domain::{Case, CaseId, NewCase};
use crate::protocol::stream::SearchRequest;
use crate::protocol::Event;
use indexmap::IndexMap;
use std::time::Duration;
use tokio::sync::mpsc::{UnboundedReceiver, UnboundedSender};
use tokio::task::JoinHandle;

/// The draft key of the query box.
pub const QUERY_DRAFT: &str = super::drafts::QUERY;

pub struct Effects {
    client: Client,
    tx: UnboundedSender<Action>,
    /// Drafts are written one after the other, in the order typed, by one task.
    drafts: UnboundedSender<(String, String)>,
    draft_writer: JoinHandle<()>,
    /// Actions being run by this session: a second run of one waits.
    running: std::sync::Arc<std::sync::Mutex<std::collections::HashSet<i64>>>,
}

/// Write drafts as they come; when several wait, only the newest text of
/// each key is written. A draft the server could not take (the connection
/// is gone) is kept and written once it is back: nothing typed is lost.
async fn write_drafts(client: Client, mut rx: UnboundedReceiver<(String, String)>) {
    let mut pending: IndexMap<String, String> = IndexMap::new();
    loop {
        if pending.is_empty() {
            match rx.recv().await {
                Some((key, text)) => {
                    pending.insert(key, text);
                }
                None => return,
            }
        }
        while let Ok((key, text)) = rx.try_recv() {
            pending.shift_remove(&key);
            pending.insert(key, text);
        }
        let batch: Vec<(String, String)> = pending
            .iter()
            .map(|(k, v)| (k.clone(), v.clone()))
            .collect();
        let mut failed = false;
        for (key, text) in batch {
            match client.save_draft(key.clone(), text.clone()).await {
                Ok(()) => {
                    if pending.get(&key) == Some(&text) {
                        pending.shift_remove(&key);
                    }
                }
                Err(e) => {
                    tracing::warn!(error = %e, "draft not saved yet; kept to save again");
                    failed = true;
                    break;
                }
            }
        }
        if failed {
            // Wait for the server (or for more typing) before trying again.
            tokio::select! {
                _ = tokio::time::sleep(Duration::from_secs(1)) => {}
                more = rx.recv() => match more {
                    Some((key, text)) => {
                        pending.shift_remove(&key);
                        pending.insert(key, text);
                    }
                    None => {
                        // Leaving: one last try for what is left.
                        for (key, text) in pending.drain(..) {
                            let _ = client.save_draft(key, text).await;
                        }
                        return;
                    }
                },
            }
        }
    }
}

impl Effects {
    pub fn new(client: Client, tx: UnboundedSender<Action>) -> Self {
        let (drafts, rx) = tokio::sync::mpsc::unbounded_channel();
        let draft_writer = tokio::spawn(write_drafts(client.clone(), rx));
        Effects {
            client,
            tx,
            drafts,
            draft_writer,
            running: Default::default(),
        }
    }

    pub fn client(&self) -> &Client {
        &self.client
    }

    /// Listen to the server's pushes until the session ends; when the
    /// connection is lost, say so and connect again (once a second) until
    /// the server is back, then listen again.
    pub fn listen(&self) -> JoinHandle<()> {
        let client = self.client.clone();
        let tx = self.tx.clone();
        tokio::spawn(async move {
            let mut lost = false;
            loop {
                match client.events().await {
                    Ok(mut events) => {
                        if lost {
                            lost = false;
                            if tx.send(Action::ServerBack).is_err() {
                                return;
                            }
                        }
                        while let Some(e) = events.next().await {
                            let action = match e {
                                Event::Ready => continue,
                                Event::Changed { .. } => Action::StoreChanged,
                                Event::Queue { page } => Action::QueuePage(Ok(Box::new(page))),
                                Event::Refused { reason } => Action::AccessChecked(Err(reason)),
                                Event::Restored => Action::AccessChecked(Ok(())),
                                Event::Closing { reason } => Action::ServerLost(reason),
                            };
                            if tx.send(action).is_err() {
                                return;
                            }
                        }
                    }
                    Err(DeskError::Refused(why)) => {
                        if tx.send(Action::AccessChecked(Err(why))).is_err() {
                            return;
                        }
                    }
                    Err(_) => {}
                }
                if !lost {
                    lost = true;
                    let why = "the connection to the server is lost; connecting again (what you type is kept)";
                    if tx.send(Action::ServerLost(why.into())).is_err() {
                        return;
                    }
                }
                tokio::time::sleep(Duration::from_secs(1)).await;
                if tx.is_closed() {
                    return;
                }
                let _ = client.reconnect().await;
            }
        })
    }

    /// Wait until every draft handed over so far is written.
    pub async fn finish(self) {
        drop(self.drafts);
        let _ = tokio::time::timeout(Duration::from_secs(5), self.draft_writer).await;
    }

    /// Start an effect. Terminal effects (suspend, redraw) are the loop's and
    /// are ignored here. Returns the task, for callers that must wait for it.
    pub fn run(&self, effect: Effect) -> Option<JoinHandle<()>> {
        let c = self.client.clone();
        let tx = self.tx.clone();
        fn spawn(
            f: impl std::future::Future<Output = ()> + Send + 'static,
        ) -> Option<JoinHandle<()>> {
            Some(tokio::spawn(f))
        }
        match effect {
            Effect::StartSearch { gen, query } => spawn(async move {
                let req = SearchRequest {
                    query,
                    ..Default::default()
                };
                match c.search(&req).await {
                    Err(e) => {
                        let _ = tx.send(Action::SearchFailed {
                            gen,
                            error: e.to_string(),
                        });
                    }
                    Ok(mut run) => {
                        while let Some(snapshot) = run.next().await {
                            let action = match snapshot {
                                Ok(snapshot) => {
                                    let done = snapshot.done;
                                    let a = Action::SearchUpdate {
                                        gen,
                                        snapshot: Box::new(snapshot),
                                    };
                                    if tx.send(a).is_err() || done {
                                        break;
                                    }
                                    continue;
                                }
                                Err(e) => Action::SearchFailed {
                                    gen,
                                    error: e.to_string(),
                                },
                            };
                            let _ = tx.send(action);
                            break;
                        }
                    }
                }
            }),
            Effect::Reveal {
                key,
                records,
                purpose,
            } => spawn(async move {
                let keys = records.iter().map(|r| r.key()).collect();
                let result = c.reveal(keys, purpose).await.map_err(|e| e.to_string());
                let _ = tx.send(Action::RevealDone { key, result });
            }),
            Effect::RevealField {
                key,
                record,
                field,
                purpose,
            } => spawn(async move {
                let result = c
                    .reveal_field(record, field.clone(), purpose)
                    .await
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::FieldRevealDone { key, field, result });
            }),
            Effect::Fetch { key } => spawn(async move {
                let result = c
                    .fetch(key.0.clone(), key.1.clone())
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::FetchDone { key, result });
            }),
            Effect::SaveDraft { key, text } => {
                let _ = self.drafts.send((key, text));
                None
            }
            Effect::LoadCases { gen, filter } => spawn(async move {
                let result = c.list_cases(filter).await.map_err(|e| e.to_string());
                let _ = tx.send(Action::CasesLoaded { gen, result });
            }),
            Effect::LoadReport { gen } => spawn(async move {
                let result = c
                    .report(None, None)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ReportLoaded { gen, result });
            }),
            Effect::LoadCase { id, revealed } => spawn(async move {
                let result = c
                    .get_case(id, revealed)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::CaseLoaded { id, result });
            }),
            Effect::FindDuplicates { key, query } => spawn(async move {
                let result = c
                    .find_open_cases_for(query)
                    .await
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::DuplicatesFound { key, result });
            }),
            Effect::CreateCase {
                key,
                new,
                fee,
                seen,
                fill,
            } => spawn(async move {
                let (result, warning) = create(&c, &new, fee, &seen, fill).await;
                let _ = tx.send(Action::CaseCreated {
                    key,
                    result,
                    warning,
                });
            }),
            Effect::ChangeCase {
                id,
                version,
                change,
                key,
            } => spawn(async move {
                let result =
                    apply(&c, id, version, &change)
                        .await
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
            }),
            Effect::RevealCase { id, purpose } => spawn(async move {
                let result = c
                    .reveal_case(id, purpose)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::CaseRevealDone { id, result });
            }),
            Effect::LoadActions { case } => spawn(async move {
                let result = c
                    .case_actions(case, None)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionsLoaded { case, result });
            }),
            Effect::PreviewAction { case, request } => spawn(async move {
                let result = c
                    .preview_action(case, request)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionPreviewed { case, result });
            }),
            Effect::PlanAction { case, request } => spawn(async move {
                let result = c
                    .plan_action(case, request)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionPlanned { case, result });
            }),
            Effect::DecideAction {
                id,
                reference,
                approve,
                reason,
            } => spawn(async move {
                let result = c
                    .decide_action(id, approve, reason)
                    .await
                    .map(Box::new)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::ActionDecided {
                    action: reference,
                    approve,
                    result,
                });
            }),
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
                spawn(async move {
                    run_action(c, tx, id, reference).await;
                    if let Ok(mut r) = running.lock() {
                        r.remove(&id);
                    }
                })
            }
            Effect::ChangeJob(op) => spawn(async move {
                let result = super::screens::actions::effects::change_job(&c, &op).await;
                let _ = tx.send(Action::JobChanged { op, result });
            }),
            Effect::LoadInbox => spawn(async move {
                let result = c
                    .actions_awaiting_approval()
                    .await
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::InboxLoaded { result });
            }),
            Effect::BuildPackage { case } => spawn(async move {
                let result = super::screens::actions::effects::build(&c, case).await;
                let _ = tx.send(Action::PackageDone {
                    case,
                    verify: false,
                    result,
                });
            }),
            Effect::VerifyPackage { case } => spawn(async move {
                let result = super::screens::actions::effects::verify(&c, case).await;
                let _ = tx.send(Action::PackageDone {
                    case,
                    verify: true,
                    result,
                });
            }),
            Effect::RenderLetter { case, template } => spawn(async move {
                let result = c
                    .preview_letter(case, template.clone(), None)
                    .await
                    .map(|l| l.text)
                    .map_err(|e| e.to_string());
                let _ = tx.send(Action::LetterRendered {
                    case,
                    template,
                    result,
                });
            }),
            Effect::LoadAudit { gen, filter } => spawn(async move {
                let result = c.audit_log(filter).await.map_err(|e| e.to_string());
                let _ = tx.send(Action::AuditLoaded { gen, result });
            }),
            Effect::VerifyAudit => spawn(async move {
                let result = c.audit_verify().await.map_err(|e| e.to_string());
                let _ = tx.send(Action::AuditVerified(result));
            }),
            Effect::ExportAudit { person, csv } => spawn(async move {
                let result = export(&c, person, csv).await;
                let _ = tx.send(Action::AuditExported(result));
            }),
            Effect::CheckAccess => spawn(async move {
                let result = c.check_access().await.map_err(|e| e.to_string());
                let _ = tx.send(Action::AccessChecked(result));
            }),
            Effect::QueueQuery { open, query } => spawn(async move {
                let result = if open {
                    c.queue_open(query).await
                } else {
                    c.queue_view(query).await
                };
                let _ = tx.send(Action::QueuePage(
                    result.map(Box::new).map_err(|e| e.to_string()),
                ));
            }),
            Effect::QueueIds(query) => spawn(async move {
                let result = c.queue_ids(query).await.map_err(|e| e.to_string());
                let _ = tx.send(Action::QueueIds(result));
            }),
            Effect::QueueBulk { op, items } => spawn(async move {
                let results = bulk(&c, &op, items).await;
                let _ = tx.send(Action::QueueBulkDone { op, results });
            }),
            Effect::RefreshCase {
                id,
                version,
                revealed,
            } => spawn(async move {
                match c.case_version(id).await {
                    Ok(v) if v == version => {}
                    Ok(_) => {
                        let result = c
                            .get_case(id, revealed)
                            .await
                            .map(Box::new)
                            .map_err(|e| e.to_string());
                        let _ = tx.send(Action::CaseLoaded { id, result });
                    }
                    Err(e) => tracing::warn!(error = %e, "case not reloaded after a change"),
                }
            }),
            Effect::Suspend | Effect::Redraw => None,
        }
    }
}

/// A bulk change through the server; a failure of the whole call is a
/// failure of each case.
async fn bulk(c: &Client, op: &BulkOp, items: Vec<(CaseId, i64)>) -> Vec<BulkResult> {
    match c.bulk(op.clone(), items.clone()).await {
        Ok(r) => r,
        Err(e) => items
            .into_iter()
            .map(|(id, _)| BulkResult {
                id,
                outcome: crate::domain::queue::BulkOutcome::Failed(e.to_string()),
            })
            .collect(),
    }
}

/// Run an action, sending each job's change back as it happens, then the
/// report.
async fn run_action(c: Client, tx: UnboundedSender<Action>, id: i64, reference: String) {
    use crate::client::streams::RunItem;
    let result = match c.run_action(id).await {
        Err(e) => Err(e.to_string()),
        Ok(mut run) => {
            let mut last = Err("the run's answer was cut off; the run goes on in the server: f loads the panel again".to_string());
            while let Some(item) = run.next().await {
                match item {
                    RunItem::Job(update) => {
                        let _ = tx.send(Action::JobProgress {
                            action: reference.clone(),
                            update: Box::new(update),
                        });
                    }
                    RunItem::Done(r) => {
                        last = r.map(Box::new).map_err(|e| e.to_string());
                        break;
                    }
                }
            }
            last
        }
    };
    let _ = tx.send(Action::ActionRan {
        action: reference,
        result,
    });
}

/// Look for open cases of the same person or contact the operator has not
/// been shown (`seen`); if there are none, create the case, then set its fee.
pub async fn create(
    c: &Client,
    new: &NewCase,
    fee: Option<u32>,
    seen: &[CaseId],
    fill: Vec<String>,
) -> (Result<Box<Case>, CreateError>, Option<String>) {
    // A value the form had only masked is not searched for: the records
    // it came from are.
    let typed =
        |field: &str, v: &Option<String>| v.clone().filter(|_| !fill.iter().any(|f| f == field));
    let query = DuplicateQuery {
        records: new
            .links
            .iter()
            .map(|l| (l.system.clone(), l.record_id.clone()))
            .collect(),
        email: typed("email", &new.requester.contact.email),
        phone: typed("phone", &new.requester.contact.phone),
        exclude: None,
    };
    match c.find_open_cases_for(query).await {
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
    let case = match c.create_case(new.clone(), fill).await {
        Ok(c) => c,
        Err(e) => return (Err(CreateError::Failed(e.to_string())), None),
    };
    match fee {
        Some(amount) => match c.set_fee(case.id, case.version, Some(amount)).await {
            Ok(with_fee) => (Ok(Box::new(with_fee)), None),
            Err(e) => (
                Ok(Box::new(case)),
                Some(format!("the fee was not set: {e}")),
            ),
        },
        None => (Ok(Box::new(case)), None),
    }
}

/// Export one person's audit trail into a new file of the operator's;
/// what to tell them.
async fn export(c: &Client, person: String, csv: bool) -> Result<String, String> {
    let export = c
        .audit_export(person, csv)
        .await
        .map_err(|e| e.to_string())?;
    let dir = crate::paths::user_data_dir()
        .map(|d| d.join("exports"))
        .unwrap_or_else(|| std::path::PathBuf::from("."));
    let path = dir.join(&export.download.name);
    let path = crate::client::download_file(c, &export.download, &path)
        .await
        .map_err(|e| e.to_string())?;
    let n = export.entries;
    Ok(format!(
        "{n} {} about this person written to {}",
        if n == 1 { "entry" } else { "entries" },
        path.display()
    ))
}

/// Make one change through the desk, based on `version`.
pub async fn apply(
    c: &Client,
    id: CaseId,
    version: i64,
    change: &CaseChange,
) -> Result<Case, DeskError> {
    match change.clone() {
        CaseChange::Note {
            text,
            internal,
            is_response,
        } => c.add_note(id, version, text, internal, is_response).await,
        CaseChange::Status(sc) => c.change_status(id, version, sc).await,
        CaseChange::Assign(who) => c.assign(id, version, who).await,
        CaseChange::Verify(v) => c.verify_identity(id, version, v).await,
        CaseChange::Letter { text, is_response } => {
            c.record_letter(id, version, text, is_response).await
        }
        CaseChange::Link(records) => c.link_records(id, version, records).await,
    }
}
