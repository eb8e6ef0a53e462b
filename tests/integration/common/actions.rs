//! Helpers for the action tests: cases ready for actions, plans, runs, and
//! the sample systems' counters.

use super::{json, show, stdout, Env};
use privdesk::sample::state::SystemState;
use serde_json::Value;
use std::process::Output;
use std::sync::Arc;
use std::time::{Duration, Instant};

/// The agent every case is opened by.
pub const AGENT: &str = "demo-agent";
/// A second supervisor (the first is whoever runs the tests).
pub const SAM: &str = "sam";

/// Sample systems in-process, the sample config with a second supervisor,
/// plus `edit`.
pub fn action_env(edit: impl FnOnce(&mut toml_edit::DocumentMut)) -> Env {
    Env::start_with(|doc| {
        let mut sam = toml_edit::Table::new();
        sam["display_name"] = toml_edit::value("Sam Supervisor");
        sam["role"] = toml_edit::value("supervisor");
        doc["operators"][SAM] = toml_edit::Item::Table(sam);
        edit(doc);
    })
}

impl Env {
    /// Run as another operator.
    pub fn run_as(&self, user: &str, args: &[&str]) -> Output {
        let mut all = vec!["--as", user];
        all.extend_from_slice(args);
        self.run(&all)
    }

    /// The state of one in-process sample system.
    pub fn sample(&self, system: &str) -> &Arc<SystemState> {
        self.samples
            .as_ref()
            .expect("in-process sample systems")
            .get(system)
            .expect("sample system")
            .state()
    }

    /// Open a rights request of `kind` from Taro Yamada as the agent,
    /// linked to `links`, with his identity verified; returns its number.
    pub fn taro_case(&self, kind: &str, links: &[&str]) -> String {
        let mut args = vec![
            "case",
            "new",
            "--category",
            "rights_request",
            "--kind",
            kind,
            "--channel",
            "email",
            "--requester-name",
            "Taro Yamada",
            "--requester-email",
            "taro.yamada@example.jp",
            "--json",
        ];
        for l in links {
            args.push("--link");
            args.push(l);
        }
        let o = self.run_as(AGENT, &args);
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        let id = json(&o)["id"].as_str().unwrap().to_string();
        let o = self.run_as(
            AGENT,
            &[
                "case",
                "verify",
                &id,
                "--method",
                "photo ID by post",
                "--evidence",
                "licence copy",
                "--result",
                "verified",
            ],
        );
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        id
    }

    /// `action plan ... --json` as `user`; returns the planned action.
    pub fn plan(&self, user: &str, case: &str, extra: &[&str]) -> Value {
        let mut args = vec!["action", "plan", case, "--json"];
        args.extend_from_slice(extra);
        let o = self.run_as(user, &args);
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        json(&o)
    }

    /// Plan as the agent and approve as the second supervisor.
    pub fn approved(&self, case: &str, extra: &[&str]) -> Value {
        let planned = self.plan(AGENT, case, extra);
        let id = planned["action"]["id"].as_str().unwrap().to_string();
        if planned["action"]["status"] == "awaiting_approval" {
            let o = self.run_as(SAM, &["action", "approve", &id, "--reason", "checked"]);
            assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        }
        planned["action"].clone()
    }

    /// `action run ID --json` as the agent: the updates and the report.
    pub fn run_action(&self, id: &str) -> (Output, Vec<Value>, Value) {
        let o = self.run_as(AGENT, &["action", "run", id, "--json"]);
        let mut updates = Vec::new();
        let mut report = Value::Null;
        for line in stdout(&o).lines().filter(|l| !l.trim().is_empty()) {
            let v: Value = serde_json::from_str(line)
                .unwrap_or_else(|e| panic!("not a JSON line ({e}): {line}\n{}", show(&o)));
            if let Some(u) = v.get("update") {
                updates.push(u.clone());
            } else if let Some(r) = v.get("report") {
                report = r.clone();
            }
        }
        (o, updates, report)
    }

    /// `action status CASE --json`.
    pub fn action_status(&self, case: &str) -> Value {
        let o = self.run_as(AGENT, &["action", "status", case, "--json"]);
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        json(&o)
    }

    /// The export that lets a package be built: planned for `systems` (all
    /// the case's when empty) by whoever runs the tests, approved by the
    /// second supervisor, and run when `run`. Returns the action's number.
    pub fn export_approved(&self, case: &str, systems: &[&str], run: bool) -> String {
        let mut args = vec!["action", "plan", case, "--kind", "export", "--json"];
        for s in systems {
            args.extend(["--system", s]);
        }
        let o = self.run(&args);
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        let id = json(&o)["action"]["id"].as_str().unwrap().to_string();
        let o = self.run_as(
            SAM,
            &["action", "approve", &id, "--reason", "identity checked"],
        );
        assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        if run {
            let o = self.run(&["action", "run", &id]);
            assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        }
        id
    }

    /// Take the case to responded and try to close it as fulfilled (as
    /// the supervisor running the tests).
    pub fn close_fulfilled(&self, case: &str) -> Output {
        let current = self.run(&["case", "show", case, "--json"]);
        let status = json(&current)["case"]["status"]
            .as_str()
            .unwrap_or("")
            .to_string();
        if status != "responded" {
            if status != "in_progress" {
                let o = self.run_as(AGENT, &["case", "status", case, "in_progress"]);
                assert_eq!(o.status.code(), Some(0), "{}", show(&o));
            }
            let o = self.run_as(
                AGENT,
                &[
                    "case",
                    "note",
                    case,
                    "--response",
                    "--text",
                    "Done as asked.",
                ],
            );
            assert_eq!(o.status.code(), Some(0), "{}", show(&o));
            let o = self.run_as(AGENT, &["case", "status", case, "responded"]);
            assert_eq!(o.status.code(), Some(0), "{}", show(&o));
        }
        self.run(&["case", "status", case, "closed", "--outcome", "fulfilled"])
    }
}

/// The job of an action (JSON) for `target`.
pub fn job<'a>(action: &'a Value, target: &str) -> &'a Value {
    action["jobs"]
        .as_array()
        .expect("jobs")
        .iter()
        .find(|j| j["target"] == target)
        .unwrap_or_else(|| panic!("no job for {target} in {action}"))
}

/// Wait until `cond` holds (a guard against hanging, not a timing claim).
pub fn wait_for(what: &str, mut cond: impl FnMut() -> bool) {
    let start = Instant::now();
    while !cond() {
        assert!(
            start.elapsed() < Duration::from_secs(30),
            "gave up waiting for {what}"
        );
        std::thread::sleep(Duration::from_millis(10));
    }
}
