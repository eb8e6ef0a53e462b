//! The desk's operations as the server answers them: one arm per row of
//! the protocol's table (`protocol::calls`). Each arm calls the session's
//! desk (the store's work on the blocking pool), masks what leaves, checks
//! the limits where an insider could pull data out, and says what changed
//! so the change is pushed to the other sessions.

use super::changes::Change;
use super::limits::Act;
use super::mask;
use super::session::{OpenQueue, Session};
use crate::desk::queue_index::QueueView;
use crate::desk::{Desk, DeskError, PackageOptions};
use crate::domain::queue::{BulkOp, BulkOutcome, BulkResult, QueuePage, QueueQuery};
use crate::domain::{CaseId, NewCase, Role};
use crate::protocol::files::{ExportDownload, PackageDownload};
use crate::protocol::Call;
use serde::Serialize;
use serde_json::Value;
use std::sync::Arc;

/// What a call answered, and what it changed.
pub(crate) struct Outcome {
    pub value: Value,
    pub change: Change,
}

fn reply<T: Serialize>(v: T, change: Change) -> Result<Outcome, DeskError> {
    serde_json::to_value(v)
        .map(|value| Outcome { value, change })
        .map_err(|e| DeskError::Server(format!("the answer could not be written: {e}")))
}

/// Run `f` with the desk on the blocking pool (the store is SQLite).
async fn blocking<T: Send + 'static>(
    desk: &Desk,
    f: impl FnOnce(&Desk) -> Result<T, DeskError> + Send + 'static,
) -> Result<T, DeskError> {
    let d = desk.clone();
    tokio::task::spawn_blocking(move || f(&d))
        .await
        .map_err(|e| DeskError::Server(format!("the operation stopped: {e}")))?
}

/// A change to one case: the masked case, and the case to publish.
fn case_changed(mut c: crate::domain::Case) -> Result<Outcome, DeskError> {
    let change = Change::case(c.id);
    mask::case(&mut c);
    reply(c, change)
}

macro_rules! case_call {
    ($desk:ident, |$d:ident| $body:expr) => {
        case_changed(blocking($desk, move |$d| $body).await?)
    };
}

pub(crate) async fn call(
    session: &Arc<Session>,
    desk: &Desk,
    call: Call,
) -> Result<Outcome, DeskError> {
    let server = &session.server;
    let none = Change::default;
    match call {
        Call::CheckAccess {} => reply(blocking(desk, |d| d.check_access()).await?, none()),
        Call::SaveDraft { key, text } => reply(
            blocking(desk, move |d| d.save_draft(&key, &text)).await?,
            none(),
        ),
        Call::ListDrafts {} => reply(blocking(desk, |d| d.list_drafts()).await?, none()),
        Call::LoadDraft { key } => {
            reply(blocking(desk, move |d| d.load_draft(&key)).await?, none())
        }

        // Asked before a search with a reveal: a reveal over the limit is
        // refused here, before any system is asked.
        Call::CheckReveal { purpose } => {
            let limits = server.clone();
            let checked = blocking(desk, move |d| {
                let purpose = d.check_reveal(&purpose)?;
                limits.peek_limit(d, Act::Reveal)?;
                Ok(purpose)
            })
            .await?;
            reply(checked, none())
        }
        Call::Reveal { records, purpose } => {
            let s = session.clone();
            let limits = server.clone();
            let shown = blocking(desk, move |d| {
                let purpose = d.check_reveal(&purpose)?;
                let (found, missing) = s.kept_records(&records);
                if let Some((system, id)) = missing.first() {
                    return Err(DeskError::Invalid(format!(
                        "record {system}:{id} was not found by a search or fetch of this session; search for it again"
                    )));
                }
                limits.check_limit(d, Act::Reveal)?;
                let audit_id = d.reveal(&found, &purpose)?;
                Ok(crate::desk::Revealed {
                    audit_id,
                    records: found,
                })
            })
            .await?;
            reply(shown, none())
        }
        Call::RevealField {
            record,
            field,
            purpose,
        } => {
            let s = session.clone();
            let limits = server.clone();
            let shown = blocking(desk, move |d| {
                let purpose = d.check_reveal(&purpose)?;
                let (mut found, _) = s.kept_records(std::slice::from_ref(&record));
                let Some(mut r) = found.pop() else {
                    return Err(DeskError::Invalid(format!(
                        "record {}:{} was not found by a search or fetch of this session; search for it again",
                        record.0, record.1
                    )));
                };
                limits.check_limit(d, Act::Reveal)?;
                let audit_id = d.reveal_field(&r, &field, &purpose)?;
                mask::record_but(&mut r, Some(&field));
                Ok(crate::desk::Revealed {
                    audit_id,
                    records: vec![r],
                })
            })
            .await?;
            reply(shown, none())
        }
        Call::Fetch { system, id } => {
            let mut r = desk.fetch(&system, &id).await?;
            session.keep_records([&r]);
            mask::record(&mut r);
            reply(r, none())
        }

        Call::CreateCase { mut new, fill } => {
            fill_from_records(session, &mut new, &fill)?;
            case_call!(desk, |d| d.create_case(&new))
        }
        Call::CaseVersion { id } => {
            reply(blocking(desk, move |d| d.case_version(id)).await?, none())
        }
        Call::RevealCase { id, purpose } => {
            let s = session.clone();
            let limits = server.clone();
            let view = blocking(desk, move |d| {
                d.check_reveal(&purpose)?;
                limits.check_limit(d, Act::Reveal)?;
                let audit_id = d.reveal_case(id, &purpose)?;
                let view = d.get_case(id)?;
                s.mark_revealed(id);
                Ok(crate::desk::RevealedCase { audit_id, view })
            })
            .await?;
            reply(view, none())
        }
        Call::GetCase { id, revealed } => {
            let mut v = blocking(desk, move |d| d.get_case(id)).await?;
            if !(revealed && session.is_revealed(id)) {
                mask::case_view(&mut v);
            }
            reply(v, none())
        }
        Call::ListCases { filter } => reply(
            blocking(desk, move |d| d.list_cases(&filter)).await?,
            none(),
        ),
        Call::FindOpenCasesFor { query } => reply(
            blocking(desk, move |d| d.find_open_cases_for(&query)).await?,
            none(),
        ),
        Call::AddNote {
            id,
            version,
            text,
            internal,
            is_response,
        } => {
            case_call!(desk, |d| d.add_note(
                id,
                version,
                &text,
                internal,
                is_response
            ))
        }
        Call::ChangeStatus {
            id,
            version,
            change,
        } => {
            case_call!(desk, |d| d.change_status(id, version, &change))
        }
        Call::Assign {
            id,
            version,
            assignee,
        } => {
            case_call!(desk, |d| d.assign(id, version, assignee.as_deref()))
        }
        Call::VerifyIdentity { id, version, input } => {
            case_call!(desk, |d| d.verify_identity(id, version, &input))
        }
        Call::SetRequester {
            id,
            version,
            requester,
        } => {
            case_call!(desk, |d| d.set_requester(id, version, &requester))
        }
        Call::SetRepresentative {
            id,
            version,
            representative,
        } => {
            case_call!(desk, |d| d.set_representative(
                id,
                version,
                representative.as_ref()
            ))
        }
        Call::AddPause {
            id,
            version,
            from,
            to,
            reason,
        } => {
            case_call!(desk, |d| d.add_pause(id, version, from, to, &reason))
        }
        Call::EndPause { id, version, to } => case_call!(desk, |d| d.end_pause(id, version, to)),
        Call::Extend {
            id,
            version,
            reason,
            notice_date,
        } => {
            case_call!(desk, |d| d.extend(id, version, &reason, notice_date))
        }
        Call::SetFee {
            id,
            version,
            amount_jpy,
        } => {
            case_call!(desk, |d| d.set_fee(id, version, amount_jpy))
        }
        Call::SetFeePaid { id, version, paid } => {
            case_call!(desk, |d| d.set_fee_paid(id, version, paid))
        }
        Call::SetDeliveryFormat {
            id,
            version,
            format,
        } => {
            case_call!(desk, |d| d.set_delivery_format(id, version, format))
        }
        Call::SetPriority {
            id,
            version,
            priority,
        } => {
            case_call!(desk, |d| d.set_priority(id, version, priority))
        }
        Call::SetDescription { id, version, text } => {
            case_call!(desk, |d| d.set_description(id, version, &text))
        }
        Call::SetReceivedAt {
            id,
            version,
            received,
        } => {
            case_call!(desk, |d| d.set_received_at(id, version, received))
        }
        Call::LinkRecords {
            id,
            version,
            records,
        } => {
            case_call!(desk, |d| d.link_records(id, version, &records))
        }
        Call::Escalate { id, version } => case_call!(desk, |d| d.escalate(id, version)),
        Call::Bulk { op, items } => {
            let results = blocking(desk, move |d| Ok(bulk(d, &op, &items))).await?;
            let mut change = Change::default();
            for r in &results {
                if matches!(r.outcome, BulkOutcome::Done(_)) {
                    change.add_case(r.id);
                }
            }
            reply(results, change)
        }

        Call::QueueOpen { query } => {
            let page = open_queue(session, desk, query, true).await?;
            reply(page, none())
        }
        Call::QueueView { query } => {
            let page = open_queue(session, desk, query, false).await?;
            reply(page, none())
        }
        Call::QueueIds { query } => {
            let s = session.clone();
            let me = desk.operator().clone();
            let ids = blocking(desk, move |d| {
                d.check_access()?;
                let srv = &s.server;
                srv.ensure_queue(d)?;
                let idx = srv.queue.read().unwrap_or_else(|p| p.into_inner());
                let idx = idx
                    .as_ref()
                    .ok_or_else(|| DeskError::Server("the queue is not loaded".into()))?;
                let v = QueueView::new(idx, &me.username, me.role == Role::Agent, query);
                Ok(v.ids(idx))
            })
            .await?;
            reply(ids, none())
        }
        Call::QueueClose {} => {
            *session.queue.lock().unwrap_or_else(|p| p.into_inner()) = None;
            reply((), none())
        }

        Call::PlanAction { case, request } => {
            let planned = desk.plan_action(case, &request).await?;
            reply(planned, Change::actions(case))
        }
        Call::PreviewAction { case, request } => {
            reply(desk.preview_action(case, &request).await?, none())
        }
        Call::DecideAction {
            id,
            approve,
            reason,
        } => {
            let v = blocking(desk, move |d| d.decide_action(id, approve, &reason)).await?;
            let change = Change::actions(v.case);
            reply(v, change)
        }
        Call::CaseActions { case, reveal } => reply(
            blocking(desk, move |d| d.case_actions(case, reveal.as_deref())).await?,
            none(),
        ),
        Call::Action { id } => reply(blocking(desk, move |d| d.action(id)).await?, none()),
        Call::ActionsAwaitingApproval {} => reply(
            blocking(desk, |d| d.actions_awaiting_approval()).await?,
            none(),
        ),
        Call::FulfilmentBlockers { case } => reply(
            blocking(desk, move |d| d.fulfilment_blockers(case)).await?,
            none(),
        ),
        Call::RetryJob { job } => {
            let v = blocking(desk, move |d| d.retry_job(job)).await?;
            let change = Change::actions(v.case);
            reply(v, change)
        }
        Call::SkipJob { job, reason } => {
            let v = blocking(desk, move |d| d.skip_job(job, &reason)).await?;
            let change = Change::actions(v.case);
            reply(v, change)
        }
        Call::JobToManual { job, input } => {
            let t = blocking(desk, move |d| d.job_to_manual(job, &input)).await?;
            let change = Change::actions(t.case);
            reply(t, change)
        }
        Call::ExportData { job, purpose } => {
            let limits = server.clone();
            let data = blocking(desk, move |d| {
                d.check_reveal(&purpose)?;
                limits.check_limit(d, Act::Export)?;
                d.export_data(job, &purpose)
            })
            .await?;
            reply(data, none())
        }
        Call::ListTasks { filter } => reply(
            blocking(desk, move |d| d.list_tasks(&filter)).await?,
            none(),
        ),
        Call::CompleteTask { id, result, note } => {
            let t = blocking(desk, move |d| d.complete_task(id, &result, note.as_deref())).await?;
            let change = Change::actions(t.case);
            reply(t, change)
        }

        Call::BuildPackage {
            case,
            lang,
            not_theirs,
        } => {
            let limits = server.clone();
            blocking(desk, move |d| limits.check_limit(d, Act::Export)).await?;
            let opts = PackageOptions {
                out: None,
                lang,
                not_theirs,
            };
            let report = desk.build_package(case, &opts).await?;
            let download = super::files::offer_dir(session, &report.dir).map_err(|e| {
                DeskError::Server(format!(
                    "the package was built but cannot be handed over: {e}"
                ))
            })?;
            reply(PackageDownload { report, download }, Change::case(case))
        }
        Call::VerifyLatestPackage { case } => {
            let check = blocking(desk, move |d| {
                let latest = d.latest_package(case)?.ok_or_else(|| {
                    DeskError::Invalid(format!(
                        "no package has been built for {case} yet; p builds one"
                    ))
                })?;
                d.verify_package(&latest.dir)
            })
            .await?;
            reply(check, none())
        }
        Call::CheckPackage { dir, verification } => reply(
            blocking(desk, move |d| d.check_verified_package(&dir, verification)).await?,
            none(),
        ),
        Call::LatestPackage { case } => reply(
            blocking(desk, move |d| d.latest_package(case)).await?,
            none(),
        ),
        Call::RenderLetter {
            case,
            template,
            lang,
        } => reply(
            blocking(desk, move |d| d.render_letter(case, &template, lang)).await?,
            none(),
        ),
        Call::PreviewLetter {
            case,
            template,
            lang,
        } => reply(
            blocking(desk, move |d| d.preview_letter(case, &template, lang)).await?,
            none(),
        ),
        Call::RecordLetter {
            case,
            version,
            text,
            is_response,
        } => {
            case_call!(desk, |d| d.record_letter(case, version, &text, is_response))
        }

        Call::AuditLog { filter } => {
            reply(blocking(desk, move |d| d.audit_log(&filter)).await?, none())
        }
        Call::AuditVerify {} => reply(blocking(desk, |d| d.audit_verify()).await?, none()),
        Call::AuditCheckpoint {} => {
            let config = server.config().clone();
            let cp = blocking(desk, move |d| super::checkpoint::make(d, &config)).await?;
            reply(cp, none())
        }
        Call::AuditVerifyCheckpoints { files } => {
            let config = server.config().clone();
            let r = blocking(desk, move |d| super::checkpoint::verify(d, &config, files)).await?;
            reply(r, none())
        }
        Call::AuditExport { person, csv } => {
            let s = session.clone();
            let base = server.config().files_dir();
            let out = blocking(desk, move |d| {
                let trail = d.audit_export(&person)?;
                let download = super::files::export_trail(&s, &base, &trail, csv).map_err(|e| {
                    DeskError::Server(format!("the export could not be written: {e}"))
                })?;
                Ok(ExportDownload {
                    person: trail.person.clone(),
                    entries: trail.entries.len(),
                    records: trail.records.len(),
                    cases: trail.cases.len(),
                    shredded: trail.shredded.clone(),
                    audit_id: trail.audit_id,
                    download,
                })
            })
            .await?;
            reply(out, none())
        }
        Call::Report { from, to } => {
            reply(blocking(desk, move |d| d.report(from, to)).await?, none())
        }
        Call::RetentionRun { dry_run } => {
            let run = blocking(desk, move |d| d.retention_run(dry_run)).await?;
            let change = if dry_run {
                Change::default()
            } else {
                Change::everything()
            };
            reply(run, change)
        }
    }
}

/// Requester fields the form had only masked, from the records this
/// session was shown.
fn fill_from_records(
    session: &Session,
    new: &mut NewCase,
    fill: &[String],
) -> Result<(), DeskError> {
    if fill.is_empty() {
        return Ok(());
    }
    let keys: Vec<_> = new
        .links
        .iter()
        .map(|l| (l.system.clone(), l.record_id.clone()))
        .collect();
    let (records, _) = session.kept_records(&keys);
    let first = |field: &str| {
        records
            .iter()
            .filter_map(|r| r.canonical(field))
            .find(|v| !v.trim().is_empty())
            .map(str::to_string)
    };
    for field in fill {
        let value = first(field).ok_or_else(|| {
            DeskError::Invalid(format!(
                "the requester's {field} was taken from records no longer on hand; search for the person again, or type it"
            ))
        })?;
        let c = &mut new.requester;
        match field.as_str() {
            "name" => c.name = Some(value),
            "email" => c.contact.email = Some(value),
            "phone" => c.contact.phone = Some(value),
            other => {
                return Err(DeskError::Invalid(format!(
                    "`{other}` cannot be filled in from records (name, email or phone)"
                )))
            }
        }
    }
    Ok(())
}

/// One case of a bulk change, through the desk (role checks, version, audit).
pub(crate) fn bulk(desk: &Desk, op: &BulkOp, items: &[(CaseId, i64)]) -> Vec<BulkResult> {
    items
        .iter()
        .map(|&(id, version)| {
            let result = match op {
                BulkOp::Assign(who) => desk.assign(id, version, who.as_deref()),
                BulkOp::Escalate => desk.escalate(id, version),
            };
            let outcome = match result {
                Ok(c) if c.version == version => BulkOutcome::Unchanged,
                Ok(c) => BulkOutcome::Done(c.version),
                Err(DeskError::Conflict(c)) => BulkOutcome::Conflict(format!(
                    "changed since the queue was loaded (version {}, now {})",
                    c.seen_version, c.current_version
                )),
                Err(DeskError::Denied(why))
                | Err(DeskError::Invalid(why))
                | Err(DeskError::Refused(why)) => BulkOutcome::Refused(why),
                Err(e) => BulkOutcome::Failed(e.to_string()),
            };
            BulkResult { id, outcome }
        })
        .collect()
}

/// Open (or move) the session's queue view; the page to show.
async fn open_queue(
    session: &Arc<Session>,
    desk: &Desk,
    query: QueueQuery,
    audited: bool,
) -> Result<QueuePage, DeskError> {
    let s = session.clone();
    blocking(desk, move |d| {
        d.check_access()?;
        let srv = &s.server;
        srv.ensure_queue(d)?;
        let idx = srv.queue.read().unwrap_or_else(|p| p.into_inner());
        let idx = idx
            .as_ref()
            .ok_or_else(|| DeskError::Server("the queue is not loaded".into()))?;
        let me = d.operator();
        let mut open = s.queue.lock().unwrap_or_else(|p| p.into_inner());
        let page = match open.as_mut() {
            Some(q) if !audited => q.view.set_query(idx, query),
            _ => {
                let view = QueueView::new(idx, &me.username, me.role == Role::Agent, query);
                let page = view.page(idx);
                *open = Some(OpenQueue { view, last: None });
                page
            }
        };
        let mut page = page;
        if audited {
            d.queue_opened(page.counts.first().copied().unwrap_or(0))?;
        }
        srv.queue_notices(d, &mut page);
        if let Some(q) = open.as_mut() {
            q.last = Some(page.clone());
        }
        Ok(page)
    })
    .await
}
