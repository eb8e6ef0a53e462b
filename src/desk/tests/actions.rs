//! Actions through the desk against the sample systems: the dry run, the
//! four-eyes rule, running, exactly-once after an interrupted run, access
//! before erasure, and exported data.

use super::action_env::{action_id, job, job_id, taro_case, ActionEnv, TARO};
use crate::desk::{ActionRequest, DeskError};
use crate::domain::{ActionKind, ActionStatus, FieldChange, JobState, LinkedRecord, RequestKind};
use crate::store::AuditFilter;
use serde_json::json;

fn changes(pairs: &[(&str, &str)]) -> Vec<(String, String)> {
    pairs
        .iter()
        .map(|(f, v)| (f.to_string(), v.to_string()))
        .collect()
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_correction_shows_before_and_after_masked_then_runs_checked_once() {
    let env = ActionEnv::start().await;
    let alice = env.desk("alice");
    let case = taro_case(&alice, RequestKind::Rectification, &TARO, true);
    let planned = alice
        .plan_action(
            case,
            &ActionRequest {
                changes: changes(&[("email", "hanako.yamada@example.jp")]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let a = &planned.action;
    assert_eq!(a.kind, ActionKind::Update);
    // Corrections need no approval by default.
    assert_eq!(a.status, ActionStatus::Approved);
    let crm = job(a, "crm:C-1001");
    assert_eq!(
        crm.diff,
        vec![FieldChange {
            field: "email".into(),
            before: Some("t***@example.jp".into()),
            after: "h***@example.jp".into(),
        }]
    );
    let req = crm.request.as_ref().unwrap();
    assert_eq!(req.method, "PATCH");
    assert!(req.url.ends_with("/api/v1/customers/C-1001"), "{}", req.url);
    assert_eq!(req.body, Some(json!({"email": "h***@example.jp"})));
    // Support wants the changes inside a "requester" object.
    let support = job(a, "support:9001");
    assert_eq!(
        support.request.as_ref().unwrap().body,
        Some(json!({"requester": {"email": "h***@example.jp"}}))
    );
    // The loyalty programme holds no e-mail address.
    assert!(
        planned
            .left_out
            .iter()
            .any(|l| l.starts_with("loyalty:L-00042")),
        "{:?}",
        planned.left_out
    );
    assert_eq!(a.jobs.len(), 4);
    assert_eq!(env.writes(), 0, "the dry run wrote to a system");

    let report = alice.run_action(action_id(a), None).await.unwrap();
    for j in &report.action.jobs {
        assert_eq!(j.state, JobState::Done, "{}: {:?}", j.target, j.message);
        assert_eq!(j.verified, Some(true), "{}", j.target);
        assert_eq!(
            env.key_counts(&j.system, &j.idempotency_key),
            (1, 1),
            "{}",
            j.target
        );
    }
    assert_eq!((report.failed, report.unfinished), (0, 0));
    let crm_now = env.record("crm", "id", "C-1001").unwrap();
    assert_eq!(crm_now["email"], "hanako.yamada@example.jp");
    let bill = env.record("billing", "account_id", "B-77").unwrap();
    assert_eq!(
        bill["contact"]["emails"][0]["address"],
        "hanako.yamada@example.jp"
    );
    let sup = env.record("support", "requester_id", "9001").unwrap();
    assert_eq!(sup["email"], "hanako.yamada@example.jp");
    let mail = env.record("mailing", "sid", "S-5").unwrap();
    assert_eq!(mail["email"], "hanako.yamada@example.jp");
    assert_eq!(env.writes(), 4);

    // The timeline and the audit trail hold every step.
    let view = alice.get_case(case).unwrap();
    let kinds: Vec<&str> = view.events.iter().map(|e| e.kind.as_str()).collect();
    assert!(kinds.contains(&"action_planned"), "{kinds:?}");
    assert_eq!(kinds.iter().filter(|k| **k == "job_outcome").count(), 4);
    let audits = alice
        .store()
        .audit_entries(&AuditFilter {
            kind: Some("action_job".into()),
            subject: Some(case.to_string()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audits.len(), 4);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn approval_needs_another_supervisor_and_a_reason() {
    let env = ActionEnv::start().await;
    let (sue, sam, alice, audrey) = (
        env.desk("sue"),
        env.desk("sam"),
        env.desk("alice"),
        env.desk("audrey"),
    );
    let case = taro_case(&sue, RequestKind::Erasure, &TARO, true);
    let err = audrey
        .plan_action(case, &ActionRequest::default())
        .await
        .unwrap_err();
    assert!(matches!(err, DeskError::Denied(_)), "{err}");

    let planned = sue
        .plan_action(case, &ActionRequest::default())
        .await
        .unwrap();
    let id = action_id(&planned.action);
    assert_eq!(planned.action.status, ActionStatus::AwaitingApproval);
    // Billing keeps invoices: its part is done by hand.
    assert_eq!(job(&planned.action, "billing:B-77").mode.as_str(), "manual");
    assert_eq!(job(&planned.action, "analytics").mode.as_str(), "opendsr");

    let err = sue.decide_action(id, true, "looks right").unwrap_err();
    assert!(
        matches!(&err, DeskError::Denied(m) if m.contains("four-eyes")),
        "{err}"
    );
    let err = alice.decide_action(id, true, "ok").unwrap_err();
    assert!(matches!(err, DeskError::Denied(_)), "{err}");
    let err = sam.decide_action(id, true, "  ").unwrap_err();
    assert!(err.to_string().contains("reason is required"), "{err}");
    let err = sue.run_action(id, None).await.unwrap_err();
    assert!(err.to_string().contains("waits for a supervisor"), "{err}");

    let approved = sam
        .decide_action(id, true, "identity checked, no retention duty")
        .unwrap();
    assert_eq!(approved.status, ActionStatus::Approved);
    assert_eq!(approved.decided_by.as_deref(), Some("sam"));
    let err = sam.decide_action(id, false, "changed my mind").unwrap_err();
    assert!(err.to_string().contains("already decided"), "{err}");
    // Every refusal left a trace.
    let denied = sue
        .store()
        .audit_entries(&AuditFilter {
            kind: Some("denied".into()),
            subject: Some(case.to_string()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(denied.len(), 3, "{denied:?}");
    assert_eq!(env.writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_denied_action_sends_nothing() {
    let env = ActionEnv::start().await;
    let (alice, sam) = (env.desk("alice"), env.desk("sam"));
    let case = taro_case(&alice, RequestKind::Restriction, &TARO[..1], true);
    let planned = alice
        .plan_action(case, &ActionRequest::default())
        .await
        .unwrap();
    assert_eq!(planned.action.kind, ActionKind::Suspend);
    let id = action_id(&planned.action);
    let denied = sam
        .decide_action(id, false, "the restriction was already in place")
        .unwrap();
    assert_eq!(denied.status, ActionStatus::Denied);
    assert!(denied.jobs.iter().all(|j| j.state == JobState::Cancelled));
    let err = alice.run_action(id, None).await.unwrap_err();
    assert!(
        err.to_string().contains("was denied: the restriction"),
        "{err}"
    );
    assert_eq!(env.writes(), 0);
    // Denied actions do not keep the case from being fulfilled.
    assert!(alice.fulfilment_blockers(case).unwrap().is_empty());
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn plans_that_make_no_sense_are_refused_with_the_reason() {
    let env = ActionEnv::start().await;
    let alice = env.desk("alice");
    let case = taro_case(&alice, RequestKind::Rectification, &TARO[..2], true);
    let plan = |r: ActionRequest| {
        let alice = alice.clone();
        async move { alice.plan_action(case, &r).await.unwrap_err().to_string() }
    };
    let e = plan(ActionRequest::default()).await;
    assert!(e.contains("needs the new values"), "{e}");
    let e = plan(ActionRequest {
        kind: Some(ActionKind::Delete),
        changes: changes(&[("email", "x@example.jp")]),
        ..Default::default()
    })
    .await;
    assert!(e.contains("belong to an update"), "{e}");
    let e = plan(ActionRequest {
        kind: Some(ActionKind::Delete),
        systems: vec!["nosuch".into()],
        ..Default::default()
    })
    .await;
    assert!(e.contains("no system named `nosuch`"), "{e}");
    let e = plan(ActionRequest {
        kind: Some(ActionKind::Delete),
        records: vec![LinkedRecord::parse("mailing:S-5").unwrap()],
        ..Default::default()
    })
    .await;
    assert!(e.contains("is not linked to case"), "{e}");
    let e = plan(ActionRequest {
        changes: changes(&[("nickname", "Taro")]),
        ..Default::default()
    })
    .await;
    assert!(e.contains("nothing to do"), "{e}");
    let none = taro_case(&alice, RequestKind::PurposeNotification, &[], true);
    let e = alice
        .plan_action(none, &ActionRequest::default())
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("say which action"), "{e}");
    let e = alice
        .plan_action(
            none,
            &ActionRequest {
                kind: Some(ActionKind::Suspend),
                ..Default::default()
            },
        )
        .await
        .unwrap_err()
        .to_string();
    assert!(e.contains("no linked records"), "{e}");
    assert_eq!(env.writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_unverified_requester_gets_nothing_done() {
    let env = ActionEnv::start().await;
    let alice = env.desk("alice");
    let case = taro_case(&alice, RequestKind::Correction, &TARO[..1], false);
    let planned = alice
        .plan_action(
            case,
            &ActionRequest {
                changes: changes(&[("phone", "03-1111-2222")]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let err = alice
        .run_action(action_id(&planned.action), None)
        .await
        .unwrap_err();
    assert!(
        err.to_string().contains("identity is not verified"),
        "{err}"
    );
    assert_eq!(env.writes(), 0);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn access_runs_before_erasure_and_its_data_is_kept() {
    let env = ActionEnv::start().await;
    let (alice, sam) = (env.desk("alice"), env.desk("sam"));
    let case = taro_case(&alice, RequestKind::Access, &TARO[..2], true);
    let export = alice
        .plan_action(case, &ActionRequest::default())
        .await
        .unwrap();
    assert_eq!(export.action.kind, ActionKind::Export);
    let delete = alice
        .plan_action(
            case,
            &ActionRequest {
                kind: Some(ActionKind::Delete),
                systems: vec!["crm".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let (eid, did) = (action_id(&export.action), action_id(&delete.action));
    sam.decide_action(eid, true, "ok").unwrap();
    sam.decide_action(did, true, "ok").unwrap();
    let err = alice.run_action(did, None).await.unwrap_err();
    assert!(
        err.to_string().contains("access runs before erasure"),
        "{err}"
    );
    assert!(env.record("crm", "id", "C-1001").is_some());

    let report = alice.run_action(eid, None).await.unwrap();
    let crm = job(&report.action, "crm:C-1001");
    assert_eq!(crm.state, JobState::Done, "{:?}", crm.message);
    assert!(crm.has_result);
    let ana = job(&report.action, "analytics");
    assert_eq!(ana.state, JobState::Done, "{:?}", ana.message);
    assert!(ana.has_result);
    assert!(ana.polls >= 1);

    let err = alice.export_data(job_id(crm), " ").unwrap_err();
    assert!(err.to_string().contains("purpose is required"), "{err}");
    let data = alice
        .export_data(job_id(crm), "Preparing the disclosure")
        .unwrap();
    assert_eq!(data["customer"]["id"], "C-1001");
    let profiles = alice
        .export_data(job_id(ana), "Preparing the disclosure")
        .unwrap();
    assert_eq!(profiles["profiles"][0]["email"], "taro.yamada@example.jp");

    // Now the erasure may run.
    let report = alice.run_action(did, None).await.unwrap();
    assert_eq!(job(&report.action, "crm:C-1001").state, JobState::Done);
    assert!(env.record("crm", "id", "C-1001").is_none());
}

/// The id of a process that has ended.
fn dead_pid() -> i64 {
    let mut c = std::process::Command::new("true").spawn().unwrap();
    let pid = i64::from(c.id());
    c.wait().unwrap();
    pid
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_send_journaled_by_a_process_that_died_is_checked_then_sent_once() {
    let env = ActionEnv::start().await;
    let (alice, sam) = (env.desk("alice"), env.desk("sam"));
    let case = taro_case(&alice, RequestKind::Erasure, &TARO, true);
    let planned = alice
        .plan_action(
            case,
            &ActionRequest {
                systems: vec!["mailing".into()],
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let id = action_id(&planned.action);
    sam.decide_action(id, true, "ok").unwrap();
    let j = job(&planned.action, "mailing:S-5");
    // A run wrote its journal entry, then died before the request left.
    let gone = dead_pid();
    let store = alice.store();
    assert_eq!(
        store
            .claim_action(id, gone, chrono::Utc::now(), None)
            .unwrap(),
        None
    );
    store
        .journal_send(job_id(j), 1, "alice", gone, chrono::Utc::now())
        .unwrap();

    let report = alice.run_action(id, None).await.unwrap();
    let done = job(&report.action, "mailing:S-5");
    assert_eq!(done.state, JobState::Done, "{:?}", done.message);
    assert_eq!(done.attempts, 2);
    assert_eq!(env.key_counts("mailing", &j.idempotency_key), (1, 1));
    let journal = store.job_attempts(job_id(j)).unwrap();
    assert_eq!(journal.len(), 2);
    // The check that settled the first attempt is its outcome.
    assert_eq!(journal[0].outcome.as_deref(), Some("not_applied"));
    assert!(
        journal[0]
            .message
            .as_deref()
            .unwrap_or("")
            .contains("checked afterwards"),
        "{journal:?}"
    );
    assert_eq!(journal[1].outcome.as_deref(), Some("applied"));
    let timeline = alice.get_case(case).unwrap().events;
    assert!(
        timeline
            .iter()
            .any(|e| e.kind == "job_outcome" && e.after["state"] == "unknown"),
        "the interrupted attempt is not in the timeline"
    );
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn an_action_is_run_by_one_live_process_at_a_time() {
    let env = ActionEnv::start().await;
    let alice = env.desk("alice");
    let case = taro_case(&alice, RequestKind::Rectification, &TARO[..1], true);
    let planned = alice
        .plan_action(
            case,
            &ActionRequest {
                changes: changes(&[("phone", "03-5555-0101")]),
                ..Default::default()
            },
        )
        .await
        .unwrap();
    let id = action_id(&planned.action);
    let mut other = std::process::Command::new("sleep")
        .arg("30")
        .spawn()
        .unwrap();
    let other_pid = i64::from(other.id());
    alice
        .store()
        .claim_action(id, other_pid, chrono::Utc::now(), None)
        .unwrap();
    let err = alice.run_action(id, None).await.unwrap_err();
    assert!(
        err.to_string().contains(&format!("process {other_pid}")),
        "{err}"
    );
    assert_eq!(env.writes(), 0);
    other.kill().unwrap();
    other.wait().unwrap();
    let report = alice.run_action(id, None).await.unwrap();
    assert_eq!(report.action.jobs[0].state, JobState::Done);
    assert_eq!(alice.store().action_runner(id).unwrap(), None);
}

#[tokio::test(flavor = "multi_thread", worker_threads = 2)]
async fn a_preview_shows_the_plan_without_storing_it() {
    let env = ActionEnv::start().await;
    let alice = env.desk("alice");
    let case = taro_case(&alice, RequestKind::Rectification, &TARO, true);
    let req = ActionRequest {
        changes: changes(&[("email", "hanako.yamada@example.jp")]),
        ..Default::default()
    };
    let preview = alice.preview_action(case, &req).await.unwrap();
    assert_eq!(preview.action.id, "new");
    assert!(preview.action.jobs.iter().all(|j| j.id.is_empty()));
    assert!(alice.store().case_actions(case).unwrap().is_empty());
    assert_eq!(env.writes(), 0, "nothing is sent");
    let audits = alice
        .store()
        .audit_entries(&AuditFilter {
            kind: Some("action_preview".into()),
            subject: Some(case.to_string()),
            ..Default::default()
        })
        .unwrap();
    assert_eq!(audits.len(), 1);
    // Confirming stores the same requests.
    let planned = alice.plan_action(case, &req).await.unwrap();
    let shown = |p: &crate::desk::PlannedAction| {
        p.action
            .jobs
            .iter()
            .map(|j| (j.target.clone(), j.request.clone(), j.diff.clone()))
            .collect::<Vec<_>>()
    };
    assert_eq!(shown(&preview), shown(&planned));
    assert_eq!(preview.left_out, planned.left_out);
    assert_eq!(preview.action.status, planned.action.status);
    assert_eq!(alice.store().case_actions(case).unwrap().len(), 1);
}
