//! Exactly once across SIGKILL: the real binary runs an action against the
//! sample systems served by this test; a system is made slow so the child
//! can be killed while a request is in flight or right after the system
//! applied it; then `privdesk action run` is started again. Every change
//! must be applied exactly once, counted per idempotency key.

mod common;

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
