//! `privdesk action ...` and `privdesk task ...` with the real binary against
//! the sample systems served by this test: the dry run, four-eyes approval,
//! faults (500, a reset after the change, a timeout, a rejected body, a
//! processor that never completes), and what keeps a case from being
//! fulfilled. Requests are counted per idempotency key on the servers.

use crate::common;

use common::actions::*;
use common::*;
use privdesk::sample::idempotency::Fault;
use std::sync::atomic::Ordering;

const TARO_LINKS: [&str; 5] = [
    "crm:C-1001",
    "billing:B-77",
    "support:9001",
    "loyalty:L-00042",
    "mailing:S-5",
];

fn writes(env: &Env) -> u64 {
    [
        "crm",
        "billing",
        "support",
        "loyalty",
        "mailing",
        "analytics",
    ]
    .iter()
    .map(|s| env.sample(s).writes_applied())
    .sum()
}

fn key(job: &serde_json::Value) -> String {
    job["idempotency_key"].as_str().unwrap().to_string()
}

#[test]
fn the_dry_run_shows_every_request_masked_and_sends_nothing() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &TARO_LINKS);
    let planned = env.plan(AGENT, &case, &[]);
    let a = &planned["action"];
    assert_eq!(a["kind"], "delete");
    assert_eq!(a["status"], "awaiting_approval");
    let crm = job(a, "crm:C-1001");
    assert_eq!(crm["mode"], "api");
    assert_eq!(crm["request"]["method"], "DELETE");
    let base = &env.sample("crm").base_url;
    assert_eq!(
        crm["request"]["url"],
        format!("{base}/api/v1/customers/C-1001")
    );
    let billing = job(a, "billing:B-77");
    assert_eq!(billing["mode"], "manual");
    assert!(billing["manual_reason"]
        .as_str()
        .unwrap()
        .contains("no API to delete"));
    let ana = job(a, "analytics");
    let body = &ana["request"]["body"];
    assert_eq!(body["subject_request_type"], "erasure");
    assert_eq!(body["subject_request_id"], ana["idempotency_key"]);
    let shown = body["subject_identities"][0]["identity_value"]
        .as_str()
        .unwrap();
    assert!(is_masked_email(shown), "{shown}");
    assert!(!stdout_has_email(&planned), "personal data in the dry run");
    assert_eq!(writes(&env), 0);
    assert_eq!(env.audit("action_plan").len(), 1);

    // A correction in text form: before -> after, masked.
    let case = env.taro_case("rectification", &["crm:C-1001"]);
    let o = env.run_as(
        AGENT,
        &[
            "action",
            "plan",
            &case,
            "--set",
            "email=hanako.yamada@example.jp",
        ],
    );
    assert_exit(&o, 0);
    let text = stdout(&o);
    assert!(
        text.contains("email: t***@example.jp -> h***@example.jp"),
        "{text}"
    );
    assert!(text.contains("PATCH "), "{text}");
    assert!(text.contains("ready (needs no approval)"), "{text}");
    assert!(!text.contains("hanako.yamada@"), "{text}");
    assert_eq!(writes(&env), 0);
}

fn stdout_has_email(v: &serde_json::Value) -> bool {
    v.to_string().contains("taro.yamada@example.jp")
}

#[test]
fn the_preparer_never_approves_their_own_action() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &["crm:C-1001"]);
    // The supervisor running the tests prepares it...
    let planned = env.plan(&config_user(&env), &case, &[]);
    let id = planned["action"]["id"].as_str().unwrap().to_string();
    // ...and may not approve it.
    let o = env.run(&["action", "approve", &id, "--reason", "fine"]);
    assert_exit(&o, 5);
    assert!(stderr(&o).contains("four-eyes"), "{}", show(&o));
    let denied = env.audit("denied");
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].subject, case);
    // An agent may not either; a reason is required.
    let o = env.run_as(AGENT, &["action", "approve", &id, "--reason", "fine"]);
    assert_exit(&o, 5);
    let o = env.run_as(SAM, &["action", "approve", &id]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("--reason"), "{}", show(&o));
    let o = env.run_as(
        SAM,
        &["action", "approve", &id, "--reason", "verified", "--json"],
    );
    assert_exit(&o, 0);
    assert_eq!(json(&o)["decided_by"], SAM);
    assert_eq!(env.audit("action_approve").len(), 1);
    assert_eq!(writes(&env), 0);
}

/// The operator the tests run as (the config's "$USER" supervisor).
fn config_user(_env: &Env) -> String {
    privdesk::config::current_username()
}

#[test]
fn a_body_the_system_rejects_shows_its_message_and_blocks_fulfilment_until_skipped() {
    let env = action_env(|_| {});
    let case = env.taro_case("rectification", &["crm:C-1001"]);
    let a = env.approved(&case, &["--set", "postal_code=1000002"]);
    let id = a["id"].as_str().unwrap();
    let (o, updates, report) = env.run_action(id);
    assert_exit(&o, 3);
    let crm = job(&report["action"], "crm:C-1001");
    assert_eq!(crm["state"], "failed");
    assert_eq!(crm["http_status"], 422);
    let msg = crm["message"].as_str().unwrap();
    assert!(
        msg.contains("HTTP 422: address.postal_code: `1000002` must be written NNN-NNNN"),
        "{msg}"
    );
    assert!(
        updates.iter().any(|u| u["state"] == "failed"),
        "{updates:?}"
    );
    assert_eq!(env.sample("crm").writes_applied(), 0);

    let o = env.close_fulfilled(&case);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("cannot be closed as fulfilled"),
        "{}",
        show(&o)
    );
    assert!(stderr(&o).contains("failed: HTTP 422"), "{}", show(&o));

    let job_id = crm["id"].as_str().unwrap();
    let o = env.run_as(
        AGENT,
        &[
            "action",
            "skip",
            job_id,
            "--reason",
            "the customer withdrew the correction",
        ],
    );
    assert_exit(&o, 0);
    let status = env.action_status(&case);
    assert_eq!(status["blockers"].as_array().unwrap().len(), 0, "{status}");
    assert_exit(&env.close_fulfilled(&case), 0);
}

#[test]
fn a_system_failing_mid_action_blocks_fulfilment_until_retried_with_the_same_key() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &["crm:C-1001", "support:9001", "mailing:S-5"]);
    let a = env.approved(
        &case,
        &[
            "--system", "crm", "--system", "support", "--system", "mailing",
        ],
    );
    let id = a["id"].as_str().unwrap();
    env.sample("crm").knobs.push_fault(Fault::Status(500));
    let (o, _, report) = env.run_action(id);
    assert_exit(&o, 3);
    let crm = job(&report["action"], "crm:C-1001");
    assert_eq!(crm["state"], "failed");
    assert!(
        crm["message"].as_str().unwrap().starts_with("HTTP 500"),
        "{crm}"
    );
    for t in ["support:9001", "mailing:S-5"] {
        assert_eq!(job(&report["action"], t)["state"], "done", "{t}");
    }
    assert!(env.sample("crm").find("id", "C-1001").is_some());
    assert_exit(&env.close_fulfilled(&case), 2);

    // A run does not resend a failed job by itself.
    let (o, _, _) = env.run_action(id);
    assert_exit(&o, 3);
    assert_eq!(env.sample("crm").key_requests(&key(crm)), 1);

    let o = env.run_as(AGENT, &["action", "retry", crm["id"].as_str().unwrap()]);
    assert_exit(&o, 0);
    let (o, _, report) = env.run_action(id);
    assert_exit(&o, 0);
    let crm = job(&report["action"], "crm:C-1001");
    assert_eq!(crm["state"], "done");
    assert_eq!(crm["verified"], true);
    let s = env.sample("crm");
    assert_eq!(
        (s.key_requests(&key(crm)), s.key_applied(&key(crm))),
        (2, 1)
    );
    assert!(s.find("id", "C-1001").is_none());
    assert_exit(&env.close_fulfilled(&case), 0);
}

#[test]
fn a_connection_reset_after_the_change_is_checked_not_resent() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &["mailing:S-5"]);
    let a = env.approved(&case, &["--system", "mailing"]);
    env.sample("mailing")
        .knobs
        .push_fault(Fault::ResetAfterApply);
    let (o, updates, report) = env.run_action(a["id"].as_str().unwrap());
    assert_exit(&o, 0);
    let m = job(&report["action"], "mailing:S-5");
    assert_eq!(m["state"], "done");
    assert!(
        m["message"]
            .as_str()
            .unwrap()
            .contains("took effect (checked)"),
        "{m}"
    );
    assert!(
        updates.iter().any(|u| u["state"] == "unknown"),
        "{updates:?}"
    );
    let s = env.sample("mailing");
    assert_eq!((s.key_requests(&key(m)), s.key_applied(&key(m))), (1, 1));
}

#[test]
fn a_delete_answered_404_because_the_record_is_gone_is_done_once_checked() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &["crm:C-1001"]);
    let a = env.approved(&case, &["--system", "crm"]);
    // An earlier attempt (or someone at the CRM) removed it already.
    assert!(env.sample("crm").remove("id", "C-1001").is_some());
    let (o, _, report) = env.run_action(a["id"].as_str().unwrap());
    assert_exit(&o, 0);
    let crm = job(&report["action"], "crm:C-1001");
    assert_eq!(crm["state"], "done", "{crm}");
    assert!(
        crm["message"]
            .as_str()
            .unwrap()
            .contains("already in effect (HTTP 404"),
        "{crm}"
    );
    assert_eq!(crm["verified"], true, "{crm}");
}

#[test]
fn a_system_that_ignores_idempotency_keys_is_sent_none() {
    let env = action_env(|doc| {
        doc["systems"]["crm"]["actions"]["idempotency_keys"] = toml_edit::value(false);
    });
    let case = env.taro_case("rectification", &["crm:C-1001"]);
    let a = env.approved(&case, &["--set", "phone=03-5555-0102"]);
    let (o, _, report) = env.run_action(a["id"].as_str().unwrap());
    assert_exit(&o, 0);
    let crm = job(&report["action"], "crm:C-1001");
    assert_eq!(crm["state"], "done", "{crm}");
    let s = env.sample("crm");
    assert_eq!(s.writes_applied(), 1);
    assert_eq!(s.key_requests(&key(crm)), 0, "the key was sent anyway");
}

#[test]
fn without_idempotency_keys_a_late_write_is_waited_for_not_sent_twice() {
    let env = action_env(|doc| {
        doc["systems"]["crm"]["timeout_secs"] = toml_edit::value(0.5);
        doc["systems"]["crm"]["actions"]["idempotency_keys"] = toml_edit::value(false);
    });
    let case = env.taro_case("rectification", &["crm:C-1001"]);
    let a = env.approved(&case, &["--set", "phone=03-5555-0103"]);
    let crm_state = env.sample("crm");
    // The write lands 0.9 s after it was sent: after privdesk gave up on
    // the answer (0.5 s), within the time it may still arrive (1.5 s).
    crm_state
        .knobs
        .sleep_before_ms
        .store(900, Ordering::Relaxed);
    let (o, updates, report) = env.run_action(a["id"].as_str().unwrap());
    assert_exit(&o, 0);
    let crm = job(&report["action"], "crm:C-1001");
    assert_eq!(crm["state"], "done", "{crm}");
    assert!(
        updates.iter().any(|u| u["message"]
            .as_str()
            .is_some_and(|m| m.contains("may still reach crm"))),
        "{updates:?}"
    );
    assert!(
        crm["message"]
            .as_str()
            .unwrap()
            .contains("took effect (checked)"),
        "{crm}"
    );
    assert_eq!(
        crm_state.writes_applied(),
        1,
        "the change reached crm more than once"
    );
    assert_eq!(
        crm_state.find("id", "C-1001").unwrap()["phone"],
        "03-5555-0103"
    );
    // The journal says what became of the attempt whose answer was lost.
    let store = env.store();
    let stored = store
        .case_jobs(privdesk::domain::CaseId::parse(&case).unwrap())
        .unwrap()
        .into_iter()
        .find(|j| j.idempotency_key == key(crm))
        .expect("the job in the store");
    let attempts = store.job_attempts(stored.id).unwrap();
    assert_eq!(attempts.len(), 1, "{attempts:?}");
    assert_eq!(
        attempts[0].outcome.as_deref(),
        Some("applied"),
        "{attempts:?}"
    );
    assert!(
        attempts[0]
            .message
            .as_deref()
            .unwrap_or("")
            .contains("checked afterwards"),
        "{attempts:?}"
    );
}

#[test]
fn a_timeout_leaves_the_outcome_unknown_until_a_later_run_reconciles_it() {
    let env = action_env(|doc| {
        doc["systems"]["crm"]["timeout_secs"] = toml_edit::value(0.3);
    });
    let case = env.taro_case("rectification", &["crm:C-1001"]);
    let a = env.approved(&case, &["--set", "phone=03-5555-0101"]);
    let id = a["id"].as_str().unwrap();
    let crm_state = env.sample("crm");
    crm_state
        .knobs
        .sleep_before_ms
        .store(1500, Ordering::Relaxed);
    let (o, updates, report) = env.run_action(id);
    let crm = job(&report["action"], "crm:C-1001");
    assert!(
        updates.iter().any(|u| u["state"] == "unknown"),
        "{updates:?}"
    );
    if crm["state"] != "done" {
        assert_exit(&o, 3);
        assert_eq!(crm["state"], "unknown", "{crm}");
        // Once the system has finished, the next run finds the change made.
        wait_for("crm to finish the slow write", || {
            crm_state.writes_in_flight() == 0
        });
        crm_state.knobs.sleep_before_ms.store(0, Ordering::Relaxed);
        let (o, _, report) = env.run_action(id);
        assert_exit(&o, 0);
        assert_eq!(job(&report["action"], "crm:C-1001")["state"], "done");
    }
    assert_eq!(crm_state.key_applied(&key(crm)), 1);
    assert_eq!(crm_state.writes_applied(), 1);
    assert_eq!(
        crm_state.find("id", "C-1001").unwrap()["phone"],
        "03-5555-0101"
    );
}

#[test]
fn an_opendsr_processor_that_never_completes_is_shown_overdue_not_waited_for() {
    let env = action_env(|doc| {
        doc["systems"]["analytics"]["opendsr"]["complete_within_secs"] = toml_edit::value(0.4);
        doc["systems"]["analytics"]["opendsr"]["poll_secs"] = toml_edit::value(0.1);
    });
    let case = env.taro_case("erasure", &[]);
    let a = env.approved(&case, &["--system", "analytics"]);
    let id = a["id"].as_str().unwrap();
    let ana = env.sample("analytics");
    ana.knobs.never_complete.store(true, Ordering::Relaxed);
    let (o, _, report) = env.run_action(id);
    assert_exit(&o, 3);
    let j = job(&report["action"], "analytics");
    assert_eq!(j["state"], "polling");
    assert_eq!(j["overdue"], true);
    assert!(j["message"].as_str().unwrap().starts_with("overdue"), "{j}");
    let status = env.action_status(&case);
    let blockers = status["blockers"].to_string();
    assert!(
        blockers.contains("still waiting for the processor"),
        "{blockers}"
    );
    let text = stdout(&env.run_as(AGENT, &["action", "status", &case]));
    assert!(text.contains("polling (overdue)"), "{text}");

    // When the processor catches up, the next run sees it complete.
    ana.knobs.never_complete.store(false, Ordering::Relaxed);
    let (o, _, report) = env.run_action(id);
    assert_exit(&o, 0);
    let j = job(&report["action"], "analytics");
    assert_eq!(j["state"], "done");
    assert_eq!(ana.key_applied(&key(j)), 1);
    assert!(ana
        .read()
        .iter()
        .all(|p| p["email"] != "taro.yamada@example.jp"));
}

#[test]
fn a_manual_task_records_who_did_it_and_what_they_found() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &["billing:B-77"]);
    let a = env.approved(&case, &["--system", "billing"]);
    let (o, _, report) = env.run_action(a["id"].as_str().unwrap());
    assert_exit(&o, 0);
    let j = job(&report["action"], "billing:B-77");
    assert_eq!(j["state"], "manual");
    let task = j["task"].as_str().unwrap().to_string();
    assert_exit(&env.close_fulfilled(&case), 2);

    let o = env.run_as(AGENT, &["task", "list", "--mine", "--json"]);
    assert_exit(&o, 0);
    let tasks = json(&o);
    assert_eq!(tasks.as_array().unwrap().len(), 1);
    assert_eq!(tasks[0]["id"], task);
    assert!(tasks[0]["instructions"]
        .as_str()
        .unwrap()
        .contains("Delete record B-77 in billing"));

    let o = env.run_as(
        AGENT,
        &[
            "task",
            "done",
            &task,
            "--result",
            "no data held beyond invoices",
            "--json",
        ],
    );
    assert_exit(&o, 0);
    let done = json(&o);
    assert_eq!(done["done_by"], AGENT);
    assert_eq!(done["result"], "no data held beyond invoices");
    let o = env.run_as(AGENT, &["task", "done", &task, "--result", "deleted"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("already completed by demo-agent"),
        "{}",
        show(&o)
    );
    let shown = stdout(&env.run(&["case", "show", &case]));
    assert!(
        shown.contains(&format!(
            "task {task} done by {AGENT}: no data held beyond invoices"
        )),
        "{shown}"
    );
    assert_eq!(env.audit("task_done").len(), 1);
    assert_exit(&env.close_fulfilled(&case), 0);
}

#[test]
fn a_failed_job_can_be_handed_to_a_manual_task() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &["support:9001"]);
    let a = env.approved(&case, &["--system", "support"]);
    env.sample("support").knobs.push_fault(Fault::Status(403));
    let (o, _, report) = env.run_action(a["id"].as_str().unwrap());
    assert_exit(&o, 3);
    let j = job(&report["action"], "support:9001");
    assert_eq!(j["state"], "failed");
    let o = env.run_as(
        AGENT,
        &[
            "action",
            "manual",
            j["id"].as_str().unwrap(),
            "--assignee",
            AGENT,
            "--due",
            "2030-01-31",
            "--json",
        ],
    );
    assert_exit(&o, 0);
    let t = json(&o);
    assert_eq!(t["due"], "2030-01-31");
    assert_eq!(t["assignee"], AGENT);
    let status = env.action_status(&case);
    assert_eq!(
        job(&status["actions"][0], "support:9001")["state"],
        "manual"
    );
    let o = env.run_as(AGENT, &["action", "manual", j["id"].as_str().unwrap()]);
    assert_exit(&o, 2);
}

#[test]
fn bad_references_and_roles_are_refused_with_exit_2() {
    let env = action_env(|_| {});
    let o = env.run_as(AGENT, &["action", "run", "A-x"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("write it as A-12"), "{}", show(&o));
    let o = env.run_as(AGENT, &["action", "run", "A-99"]);
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("there is no action A-99"),
        "{}",
        show(&o)
    );
    let o = env.run_as(
        AGENT,
        &["action", "plan", "PD-2026-000001", "--kind", "erase"],
    );
    assert_exit(&o, 2);
    assert!(
        stderr(&o).contains("accepted: export, update, delete"),
        "{}",
        show(&o)
    );
    let case = env.taro_case("erasure", &["crm:C-1001"]);
    let o = env.run_as("demo-auditor", &["action", "plan", &case]);
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("auditors are read-only"),
        "{}",
        show(&o)
    );
    let o = env.run_as(AGENT, &["action", "plan", &case, "--set", "email"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("FIELD=VALUE"), "{}", show(&o));
    assert_eq!(writes(&env), 0);
}

/// crm without idempotency keys, its correction a conditional write
/// (`If-Match` with the ETag of the record's fetch).
fn conditional_crm(doc: &mut toml_edit::DocumentMut) {
    doc["systems"]["crm"]["actions"]["idempotency_keys"] = toml_edit::value(false);
    let mut pre = toml_edit::InlineTable::new();
    pre.insert("from", "etag".into());
    doc["systems"]["crm"]["actions"]["update"]["precondition"] = toml_edit::value(pre);
}

/// The `PATCH` changes crm applied, with how often each was applied.
fn patches(s: &privdesk::sample::state::SystemState) -> Vec<(String, u64)> {
    s.changes_applied()
        .into_iter()
        .filter(|(c, _)| c.starts_with("PATCH "))
        .collect()
}

#[test]
fn a_conditional_write_meeting_a_changed_record_reads_the_version_again() {
    let env = action_env(conditional_crm);
    let case = env.taro_case("rectification", &["crm:C-1001"]);
    let a = env.approved(&case, &["--set", "phone=03-5555-0104"]);
    let crm = env.sample("crm");
    crm.knobs.sleep_before_ms.store(800, Ordering::Relaxed);
    let id = a["id"].as_str().unwrap().to_string();
    let run = {
        let mut c = env.command(&["--as", AGENT, "action", "run", &id, "--json"]);
        c.stdout(std::process::Stdio::piped());
        c.spawn().unwrap()
    };
    // While the correction is on its way, someone else changes the record:
    // the version privdesk read is no longer current when it lands.
    wait_for("the correction to reach crm", || {
        crm.writes_in_flight() == 1
    });
    crm.update("id", "C-1001", |r| r["notes"] = "changed meanwhile".into());
    crm.knobs.sleep_before_ms.store(0, Ordering::Relaxed);
    let o = run.wait_with_output().unwrap();
    assert_exit(&o, 0);
    let report = stdout(&o)
        .lines()
        .filter_map(|l| serde_json::from_str::<serde_json::Value>(l).ok())
        .find_map(|v| v.get("report").cloned())
        .expect("a report");
    let job = job(&report["action"], "crm:C-1001");
    assert_eq!(job["state"], "done", "{job}");
    assert_eq!(job["attempts"], 2, "{job}");
    let rec = crm.find("id", "C-1001").unwrap();
    assert_eq!(
        (rec["phone"].as_str(), rec["notes"].as_str()),
        (Some("03-5555-0104"), Some("changed meanwhile"))
    );
    assert_eq!(
        patches(crm).iter().map(|(_, n)| n).sum::<u64>(),
        1,
        "{:?}",
        patches(crm)
    );
    let out = stdout(&o);
    assert!(
        out.contains("changed the record since its version was read (HTTP 412)"),
        "{out}"
    );
}
