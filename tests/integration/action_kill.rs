//! Exactly once across SIGKILL: the real binary runs an action against the
//! sample systems served by this test; a system is made slow so the child
//! can be killed while a request is in flight or right after the system
//! applied it; then `privdesk action run` is started again. Every change
//! must be applied exactly once, counted per idempotency key.

use crate::common;

use common::actions::*;
use common::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;
use std::process::{Child, Stdio};
use std::sync::atomic::Ordering;

/// `action run ID` as a child process.
fn start_run(env: &Env, id: &str) -> Child {
    env.command(&["--as", AGENT, "action", "run", id])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .expect("start privdesk action run")
}

fn sigkill(mut child: Child) {
    kill(Pid::from_raw(child.id() as i32), Signal::SIGKILL).expect("SIGKILL the run");
    let status = child.wait().unwrap();
    assert_eq!(
        std::os::unix::process::ExitStatusExt::signal(&status),
        Some(9),
        "the run ended before it was killed"
    );
}

/// Run again until nothing is left to do (a run may end while a system is
/// still busy with the killed run's request).
fn finish(env: &Env, id: &str) -> Value {
    for _ in 0..5 {
        let (o, _, report) = env.run_action(id);
        if o.status.code() == Some(0) {
            return report;
        }
        assert_eq!(o.status.code(), Some(3), "{}", show(&o));
        wait_for("the systems to finish", || {
            ["crm", "support", "mailing", "analytics"]
                .iter()
                .all(|s| env.sample(s).writes_in_flight() == 0)
        });
    }
    panic!("the action did not finish in five runs");
}

/// Each job done and its change applied exactly once.
fn assert_once(env: &Env, report: &Value) {
    for j in report["action"]["jobs"].as_array().unwrap() {
        let system = j["system"].as_str().unwrap();
        let key = j["idempotency_key"].as_str().unwrap();
        assert_eq!(j["state"], "done", "{j}");
        assert_eq!(
            env.sample(system).key_applied(key),
            1,
            "{system}: applied {} times",
            env.sample(system).key_applied(key)
        );
    }
}

fn erasure(env: &Env) -> (String, Value) {
    let case = env.taro_case("erasure", &["crm:C-1001", "support:9001", "mailing:S-5"]);
    let a = env.approved(
        &case,
        &[
            "--system", "crm", "--system", "support", "--system", "mailing",
        ],
    );
    (case, a)
}

#[test]
fn killed_while_the_request_is_in_flight() {
    let env = action_env(|_| {});
    let (_, a) = erasure(&env);
    let id = a["id"].as_str().unwrap();
    let crm = env.sample("crm");
    crm.knobs.sleep_before_ms.store(1500, Ordering::Relaxed);
    let child = start_run(&env, id);
    wait_for("the delete to reach crm", || crm.writes_in_flight() == 1);
    sigkill(child);
    // Restart at once, while crm is still working on the first request.
    let report = finish(&env, id);
    assert_once(&env, &report);
    assert!(crm.find("id", "C-1001").is_none());
    assert_eq!(crm.writes_applied(), 1);
}

#[test]
fn killed_right_after_the_system_applied_the_change() {
    let env = action_env(|_| {});
    let (case, a) = erasure(&env);
    let id = a["id"].as_str().unwrap();
    let crm = env.sample("crm");
    let key = job(&a, "crm:C-1001")["idempotency_key"]
        .as_str()
        .unwrap()
        .to_string();
    crm.knobs.sleep_after_ms.store(3000, Ordering::Relaxed);
    let child = start_run(&env, id);
    wait_for("crm to apply the delete", || crm.key_applied(&key) == 1);
    sigkill(child);
    let report = finish(&env, id);
    assert_once(&env, &report);
    // Reconciled by the check, not sent again.
    assert_eq!(crm.key_requests(&key), 1);
    let crm_job = job(&report["action"], "crm:C-1001");
    assert!(
        crm_job["message"]
            .as_str()
            .unwrap()
            .contains("took effect (checked)"),
        "{crm_job}"
    );
    // The interrupted attempt is in the timeline.
    let shown = stdout(&env.run(&["case", "show", &case]));
    assert!(shown.contains("privdesk stopped after sending"), "{shown}");
}

#[test]
fn killed_mid_correction_and_mid_processor_submission() {
    let env = action_env(|_| {});
    let case = env.taro_case("rectification", &["crm:C-1001", "mailing:S-5"]);
    let a = env.approved(&case, &["--set", "email=hanako.yamada@example.jp"]);
    let id = a["id"].as_str().unwrap();
    let mailing = env.sample("mailing");
    mailing.knobs.sleep_after_ms.store(3000, Ordering::Relaxed);
    let child = start_run(&env, id);
    wait_for("mailing to apply the correction", || {
        mailing.writes_applied() == 1
    });
    sigkill(child);
    let report = finish(&env, id);
    assert_once(&env, &report);
    assert_eq!(
        mailing.find("sid", "S-5").unwrap()["email"],
        "hanako.yamada@example.jp"
    );

    // An OpenDSR erasure killed while the processor holds the submission.
    let case = env.taro_case("erasure", &[]);
    let a = env.approved(&case, &["--system", "analytics"]);
    let id = a["id"].as_str().unwrap();
    let ana = env.sample("analytics");
    ana.knobs.sleep_before_ms.store(1500, Ordering::Relaxed);
    let child = start_run(&env, id);
    wait_for("the submission to reach analytics", || {
        ana.writes_in_flight() == 1
    });
    sigkill(child);
    let report = finish(&env, id);
    assert_once(&env, &report);
    assert!(ana
        .read()
        .iter()
        .all(|p| p["email"] != "taro.yamada@example.jp"));
}

/// crm without idempotency keys, slow and uneven to apply a write
/// (0.3-1.2 s), with a time limit of 1.5 s; optionally its correction and
/// suspension are conditional writes (`If-Match` with the fetched ETag).
fn keyless_env(conditional: bool) -> Env {
    let env = action_env(|doc| {
        let crm = &mut doc["systems"]["crm"];
        crm["timeout_secs"] = toml_edit::value(1.5);
        crm["actions"]["idempotency_keys"] = toml_edit::value(false);
        if conditional {
            for kind in ["update", "suspend"] {
                let mut pre = toml_edit::InlineTable::new();
                pre.insert("from", "etag".into());
                crm["actions"][kind]["precondition"] = toml_edit::value(pre);
            }
        }
    });
    let crm = env.sample("crm");
    crm.knobs.sleep_before_ms.store(300, Ordering::Relaxed);
    crm.knobs.sleep_jitter_ms.store(900, Ordering::Relaxed);
    env
}

/// `action run` killed at a random moment of its first second and a half
/// (or not at all, when it ended first); true if it was killed.
fn run_and_kill_at_random(env: &Env, id: &str) -> bool {
    let mut child = start_run(env, id);
    let at =
        std::time::Instant::now() + std::time::Duration::from_millis(rand::random_range(0..1500));
    while std::time::Instant::now() < at {
        if child.try_wait().unwrap().is_some() {
            return false;
        }
        std::thread::sleep(std::time::Duration::from_millis(5));
    }
    // It may end between the look and the kill: only a death by the
    // signal counts as killed.
    let _ = kill(Pid::from_raw(child.id() as i32), Signal::SIGKILL);
    let status = child.wait().unwrap();
    std::os::unix::process::ExitStatusExt::signal(&status) == Some(9)
}

/// 50 corrections and suspensions of one crm customer, each run killed at
/// a random moment and run again until settled. Counted at crm: no
/// change was applied twice, and every correction exactly once.
fn fifty_changes_under_kill(conditional: bool) {
    let env = keyless_env(conditional);
    let crm = env.sample("crm");
    let mut expected = Vec::new();
    let mut killed = 0;
    for i in 0..50 {
        let (case, a) = if i % 5 == 4 {
            let case = env.taro_case("restriction", &["crm:C-1001"]);
            let a = env.approved(&case, &["--system", "crm"]);
            expected.push(format!("/api/v1/customers/C-1001/restriction {case}"));
            (case, a)
        } else {
            let case = env.taro_case("rectification", &["crm:C-1001"]);
            let phone = format!("03-5555-{:04}", 2000 + i);
            let a = env.approved(&case, &["--set", &format!("phone={phone}")]);
            expected.push(format!(
                "PATCH /api/v1/customers/C-1001 {{\"phone\":\"{phone}\"}}"
            ));
            (case, a)
        };
        let id = a["id"].as_str().unwrap();
        if run_and_kill_at_random(&env, id) {
            killed += 1;
        }
        let report = finish(&env, id);
        let j = job(&report["action"], "crm:C-1001");
        assert_eq!(j["state"], "done", "{case}: {j}");
    }
    wait_for("crm to finish", || crm.writes_in_flight() == 0);
    let applied = crm.changes_applied();
    let mut total = 0;
    for want in &expected {
        let (path, rest) = want.split_once(' ').unwrap();
        let times: u64 = applied
            .iter()
            .filter(|(c, _)| c.contains(path) && c.contains(rest))
            .map(|(_, n)| n)
            .sum();
        total += times;
        if path == "PATCH" {
            // The read-back compares the new phone: done means it landed.
            assert_eq!(times, 1, "{want} reached crm {times} times");
        } else {
            // A later suspension's check finds the customer restricted by
            // an earlier one: done even if its own request never left.
            assert!(times <= 1, "{want} reached crm {times} times");
        }
    }
    assert_eq!(crm.writes_applied(), total, "{applied:?}");
    eprintln!("50 changes, {killed} runs killed: each applied once (counted at crm)");
    assert!(
        killed >= 10,
        "too few runs were killed ({killed}) for the test to mean much"
    );
}

#[test]
fn without_idempotency_keys_fifty_changes_under_kill_apply_once() {
    fifty_changes_under_kill(false);
}

#[test]
fn with_conditional_writes_fifty_changes_under_kill_apply_once() {
    fifty_changes_under_kill(true);
}

#[test]
fn a_conditional_write_killed_in_flight_is_resent_at_once_and_refused_once_applied() {
    let env = keyless_env(true);
    let crm = env.sample("crm");
    crm.knobs.sleep_jitter_ms.store(0, Ordering::Relaxed);
    // Each write lands 1.2 s after it came, within the 1.5 s time limit.
    crm.knobs.sleep_before_ms.store(1200, Ordering::Relaxed);
    let case = env.taro_case("rectification", &["crm:C-1001"]);
    let a = env.approved(&case, &["--set", "phone=03-5555-0199"]);
    let id = a["id"].as_str().unwrap();
    let child = start_run(&env, id);
    wait_for("the correction to reach crm", || {
        crm.writes_in_flight() == 1
    });
    sigkill(child);
    // At once, while the first attempt is still on its way: the check finds
    // the change not in effect yet and the same version goes again without
    // waiting; the first attempt lands, the second meets 412.
    let (o, updates, report) = env.run_action(id);
    assert_exit(&o, 0);
    let said: Vec<&str> = updates
        .iter()
        .filter_map(|u| u["message"].as_str())
        .collect();
    assert!(
        !said.iter().any(|m| m.contains("may still reach")),
        "{said:?}"
    );
    assert!(
        said.iter()
            .any(|m| m.contains("sending again with the same version")),
        "{said:?}"
    );
    let j = job(&report["action"], "crm:C-1001");
    assert_eq!(j["state"], "done", "{j}");
    assert!(
        j["message"]
            .as_str()
            .unwrap()
            .contains("already in effect (HTTP 412"),
        "{j}"
    );
    let patches: Vec<(String, u64)> = crm
        .changes_applied()
        .into_iter()
        .filter(|(c, _)| c.starts_with("PATCH "))
        .collect();
    assert_eq!(patches.len(), 1, "{patches:?}");
    assert_eq!(patches[0].1, 1, "{patches:?}");
    assert_eq!(crm.find("id", "C-1001").unwrap()["phone"], "03-5555-0199");
}
