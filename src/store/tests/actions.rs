//! The action tables: an action and its jobs written with their timeline
//! and audit entries, the journal, decisions and claims that another
//! session got to first, and what the triggers never allow.

use super::temp_store_path;
use crate::domain::{
    case_rules, Action, ActionKind, ActionStatus, Category, JobMode, JobState, NewCase,
    PlannedRequest,
};
use crate::store::{
    ContactKeys, JobChange, NewAuditEntry, NewJob, NewTask, Store, StoreError, TimelineEntry,
};
use chrono::{DateTime, Utc};
use serde_json::json;

fn audit(kind: &str) -> NewAuditEntry {
    NewAuditEntry {
        operator: "alice".into(),
        kind: kind.parse().expect("a known audit kind"),
        subject: "PD-2026-000001".into(),
        details: json!({}),
    }
}

fn event(kind: &str) -> TimelineEntry {
    TimelineEntry {
        kind: kind.parse().expect("a known audit kind"),
        after: json!({}),
    }
}

/// A store with one case and one delete action (two jobs) awaiting approval.
fn setup() -> (
    tempfile::TempDir,
    Store,
    Action,
    Vec<crate::domain::ActionJob>,
) {
    let (dir, path) = temp_store_path();
    let store = Store::open(&path, 5000).unwrap();
    let mut n = NewCase::new(Category::RightsRequest, "email");
    n.kind = Some(crate::domain::RequestKind::Erasure);
    n.requester.name = Some("Taro Yamada".into());
    let channels = vec!["email".to_string()];
    let received = DateTime::parse_from_rfc3339("2026-01-05T10:00:00+09:00").unwrap();
    let case = case_rules::new_case(&n, &channels, received, "alice", Utc::now()).unwrap();
    let case = store
        .create_case(
            &case,
            &ContactKeys::default(),
            2026,
            &[],
            json!({}),
            &audit("case_create"),
        )
        .unwrap();
    let action = Action {
        id: 0,
        case_id: case.id,
        kind: ActionKind::Delete,
        status: ActionStatus::AwaitingApproval,
        needs_approval: true,
        prepared_by: "alice".into(),
        prepared_at: Utc::now(),
        note: None,
        changes: vec![],
        decided_by: None,
        decided_at: None,
        decision_reason: None,
    };
    let req = PlannedRequest {
        method: "DELETE".into(),
        url: "http://127.0.0.1:9/c/1".into(),
        body: None,
        precondition: None,
    };
    let jobs = vec![
        NewJob {
            system: "crm".into(),
            record_id: Some("C-1".into()),
            mode: JobMode::Api,
            idempotency_key: "k-1".into(),
            request: Some(req.clone()),
            preview: Some(req),
            diff: vec![],
            manual_reason: None,
        },
        NewJob {
            system: "billing".into(),
            record_id: Some("B-1".into()),
            mode: JobMode::Manual,
            idempotency_key: "k-2".into(),
            request: None,
            preview: None,
            diff: vec![],
            manual_reason: Some("no API".into()),
        },
    ];
    let (a, j) = store
        .create_action(
            &action,
            &jobs,
            &event("action_planned"),
            &audit("action_plan"),
        )
        .unwrap();
    (dir, store, a, j)
}

#[test]
fn an_action_is_stored_with_its_jobs_timeline_and_audit_entry() {
    let (_d, store, a, jobs) = setup();
    assert_eq!(a.id, 1);
    assert_eq!(jobs.len(), 2);
    assert!(jobs.iter().all(|j| j.state == JobState::Queued));
    assert_eq!(jobs[0].request.as_ref().unwrap().method, "DELETE");
    let events = store.case_events(a.case_id, 0).unwrap();
    let planned = events.iter().find(|e| e.kind == "action_planned").unwrap();
    assert_eq!(planned.after["action"], "A-1");
    // The case itself did not change version.
    assert_eq!(store.get_case(a.case_id).unwrap().unwrap().version, 1);
    let plans = store
        .audit_entries(&crate::store::AuditFilter {
            kind: Some("action_plan".into()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(plans[0].details["action"], "A-1");
    // Keys are unique across all jobs.
    let dup = store.create_action(
        &a,
        &[NewJob {
            system: "x".into(),
            record_id: None,
            mode: JobMode::Manual,
            idempotency_key: "k-1".into(),
            request: None,
            preview: None,
            diff: vec![],
            manual_reason: None,
        }],
        &event("action_planned"),
        &audit("action_plan"),
    );
    assert!(dup.is_err());
    assert_eq!(store.case_actions(a.case_id).unwrap().len(), 1);
}

#[test]
fn a_decision_or_claim_made_first_elsewhere_wins() {
    let (_d, store, a, _) = setup();
    let now = Utc::now();
    store
        .decide_action(
            a.id,
            true,
            "sam",
            "ok",
            now,
            &event("action_approved"),
            &audit("action_approve"),
        )
        .unwrap();
    let err = store
        .decide_action(
            a.id,
            false,
            "sue",
            "no",
            now,
            &event("action_denied"),
            &audit("action_deny"),
        )
        .unwrap_err();
    assert!(
        matches!(&err, StoreError::Stale(m) if m.contains("approved by sam")),
        "{err}"
    );
    assert_eq!(store.claim_action(a.id, 100, now, None).unwrap(), None);
    assert_eq!(store.claim_action(a.id, 200, now, None).unwrap(), Some(100));
    assert_eq!(store.claim_action(a.id, 200, now, Some(100)).unwrap(), None);
    assert_eq!(store.action_runner(a.id).unwrap().map(|r| r.0), Some(200));
    store.release_action(a.id, 100).unwrap();
    assert!(
        store.action_runner(a.id).unwrap().is_some(),
        "released by a non-holder"
    );
    store.release_action(a.id, 200).unwrap();
    assert_eq!(store.action_runner(a.id).unwrap(), None);
}

#[test]
fn the_journal_keeps_every_attempt_and_jobs_change_only_from_the_expected_state() {
    let (_d, store, _a, jobs) = setup();
    let j = &jobs[0];
    let now = Utc::now();
    store.journal_send(j.id, 1, "alice", 4242, now).unwrap();
    assert_eq!(
        store.get_job(j.id).unwrap().unwrap().state,
        JobState::Running
    );
    store
        .journal_answer(j.id, 1, "lost", None, Some("timed out after 5 s"), now)
        .unwrap();
    let attempts = store.job_attempts(j.id).unwrap();
    assert_eq!(attempts.len(), 1);
    assert_eq!(
        (attempts[0].pid, attempts[0].outcome.as_deref()),
        (4242, Some("lost"))
    );
    let stale = store.update_job(
        j.id,
        &JobChange {
            state: Some(JobState::Queued),
            only_from: vec![JobState::Failed],
            ..Default::default()
        },
        now,
        "alice",
        None,
        None,
    );
    assert!(
        matches!(&stale, Err(StoreError::Stale(m)) if m.contains("is running now")),
        "{stale:?}"
    );
    let done = store
        .update_job(
            j.id,
            &JobChange {
                state: Some(JobState::Done),
                result: Some(json!({"k": 1})),
                verified: Some(Some(true)),
                finished: Some(true),
                only_from: vec![JobState::Running],
                ..Default::default()
            },
            now,
            "alice",
            Some(&event("job_outcome")),
            Some(&audit("action_job")),
        )
        .unwrap();
    assert_eq!(
        (done.state, done.verified, done.has_result),
        (JobState::Done, Some(true), true)
    );
    assert_eq!(store.job_result(j.id).unwrap(), Some(json!({"k": 1})));
    // The journal and the jobs are never deleted.
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    assert!(raw.execute("DELETE FROM action_attempts", []).is_err());
    assert!(raw.execute("DELETE FROM action_jobs", []).is_err());
}

#[test]
fn a_completed_task_never_changes() {
    let (_d, store, a, jobs) = setup();
    let now = Utc::now();
    let t = store
        .create_task(
            &NewTask {
                case_id: a.case_id,
                action_id: Some(a.id),
                job_id: Some(jobs[1].id),
                system: Some("billing".into()),
                record_id: Some("B-1".into()),
                instructions: "Delete B-1 by hand".into(),
                assignee: Some("alice".into()),
                due: None,
                created_by: "alice".into(),
                created_at: now,
            },
            Some((
                jobs[1].id,
                &JobChange {
                    state: Some(JobState::Manual),
                    only_from: vec![JobState::Queued],
                    ..Default::default()
                },
            )),
            &event("task_created"),
            &audit("task_create"),
        )
        .unwrap();
    assert_eq!(
        store.get_job(jobs[1].id).unwrap().unwrap().state,
        JobState::Manual
    );
    assert_eq!(store.job_task(jobs[1].id).unwrap().unwrap().id, t.id);
    let done = store
        .complete_task(
            t.id,
            "bob",
            now,
            "deleted",
            None,
            &event("task_done"),
            &audit("task_done"),
        )
        .unwrap();
    assert_eq!(
        (done.done_by.as_deref(), done.result.as_deref()),
        (Some("bob"), Some("deleted"))
    );
    let again = store.complete_task(
        t.id,
        "alice",
        now,
        "no data held",
        None,
        &event("task_done"),
        &audit("task_done"),
    );
    assert!(
        matches!(&again, Err(StoreError::Stale(m)) if m.contains("already completed by bob")),
        "{again:?}"
    );
    let raw = rusqlite::Connection::open(store.path()).unwrap();
    let err = raw
        .execute(
            "UPDATE manual_tasks SET result = 'changed' WHERE id = ?1",
            [t.id],
        )
        .unwrap_err();
    assert!(err.to_string().contains("never changed"), "{err}");
    assert!(raw.execute("DELETE FROM manual_tasks", []).is_err());
}
