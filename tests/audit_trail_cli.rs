//! What the audit trail holds after a day's work through the real binary
//! (every search, reveal with its purpose, case view, change, approval,
//! action and letter), `audit log` with its filters, and `audit export`
//! answering "who accessed this person's data".

mod common;

use common::actions::{action_env, AGENT, SAM};
use common::*;
use serde_json::Value;

fn ok(o: &std::process::Output) {
    assert_exit(o, 0);
}

/// A day's work: returns (the case number, the action reference).
fn workday(env: &Env) -> (String, String) {
    ok(&env.run_as(AGENT, &["search", "taro.yamada@example.jp", "--json"]));
    ok(&env.run_as(
        AGENT,
        &[
            "search",
            "090-1234-5678",
            "--reveal",
            "--purpose",
            "Identity check during a call",
            "--json",
        ],
    ));
    let case = env.taro_case("erasure", &["crm:C-1001", "billing:B-77"]);
    ok(&env.run_as(AGENT, &["case", "show", &case, "--json"]));
    ok(&env.run_as(
        AGENT,
        &[
            "case",
            "show",
            &case,
            "--reveal",
            "--purpose",
            "Handling the customer's request",
        ],
    ));
    ok(&env.run_as(AGENT, &["case", "note", &case, "--text", "called back"]));
    let planned = env.plan(AGENT, &case, &[]);
    let action = planned["action"]["id"].as_str().unwrap().to_string();
    ok(&env.run_as(SAM, &["action", "approve", &action, "--reason", "checked"]));
    let (o, _, _) = env.run_action(&action);
    ok(&o);
    ok(&env.run_as(AGENT, &["letter", &case, "--template", "receipt"]));
    (case, action)
}

fn log(env: &Env, args: &[&str]) -> Vec<Value> {
    let mut all = vec!["--as", "demo-auditor", "audit", "log", "--json"];
    all.extend_from_slice(args);
    let o = env.run(&all);
    ok(&o);
    json(&o).as_array().unwrap().clone()
}

fn kinds(entries: &[Value]) -> Vec<String> {
    entries
        .iter()
        .map(|e| e["kind"].as_str().unwrap().to_string())
        .collect()
}

#[test]
fn every_access_and_change_is_in_the_trail() {
    let env = action_env(|_| {});
    let (case, action) = workday(&env);
    let all = log(&env, &[]);
    let agent: Vec<&Value> = all.iter().filter(|e| e["operator"] == AGENT).collect();
    let has = |kind: &str, subject: &str| {
        all.iter()
            .any(|e| e["kind"] == kind && (subject.is_empty() || e["subject"] == subject))
    };
    // Searches, with what they found.
    let searches: Vec<&&Value> = agent.iter().filter(|e| e["kind"] == "search").collect();
    assert_eq!(searches.len(), 2);
    assert!(searches[0]["details"]["matched"]
        .as_array()
        .unwrap()
        .iter()
        .any(|k| k == "crm:C-1001"));
    // Reveals, each with its purpose.
    let reveals: Vec<&&Value> = agent.iter().filter(|e| e["kind"] == "reveal").collect();
    assert_eq!(reveals.len(), 2, "{reveals:?}");
    assert_eq!(
        reveals[0]["details"]["purpose"],
        "Identity check during a call"
    );
    assert_eq!(reveals[1]["subject"], case.as_str());
    assert_eq!(
        reveals[1]["details"]["purpose"],
        "Handling the customer's request"
    );
    // The case: opened, viewed, changed.
    for kind in ["case_create", "case_view", "case_change"] {
        assert!(has(kind, &case), "no {kind} about {case}");
    }
    // The action: planned, approved by the second supervisor, run, each job.
    for kind in ["action_plan", "action_approve", "action_run", "action_job"] {
        assert!(has(kind, &case), "no {kind} about {case}");
    }
    let approve = all.iter().find(|e| e["kind"] == "action_approve").unwrap();
    assert_eq!(approve["operator"], SAM);
    assert_eq!(approve["details"]["action"], action.as_str());
    // The letter.
    assert!(has("letter", &case));
    // And the chain holds it all.
    let o = env.run(&["--as", "demo-auditor", "audit", "verify"]);
    ok(&o);
}

#[test]
fn the_log_filters_by_operator_subject_kind_and_time() {
    let env = action_env(|_| {});
    let (case, _) = workday(&env);
    let all = log(&env, &[]);
    let by_sam = log(&env, &["--operator", SAM]);
    assert!(!by_sam.is_empty());
    assert!(by_sam.iter().all(|e| e["operator"] == SAM));
    let about = log(&env, &["--subject", &case]);
    assert!(about.iter().all(|e| e["subject"] == case.as_str()));
    assert_eq!(
        about.len(),
        all.iter().filter(|e| e["subject"] == case.as_str()).count()
    );
    let reveals = log(&env, &["--kind", "reveal", "--operator", AGENT]);
    assert_eq!(kinds(&reveals), ["reveal", "reveal"]);
    // Since and until, by the entries' own times.
    let third = all[2]["at"].as_str().unwrap().to_string();
    let fifth = all[4]["at"].as_str().unwrap().to_string();
    let window = log(&env, &["--since", &third, "--until", &fifth]);
    let ids: Vec<i64> = window.iter().map(|e| e["id"].as_i64().unwrap()).collect();
    let expected: Vec<i64> = all
        .iter()
        .filter(|e| {
            let at = e["at"].as_str().unwrap();
            at >= third.as_str() && at <= fifth.as_str()
        })
        .map(|e| e["id"].as_i64().unwrap())
        .collect();
    assert_eq!(ids, expected);
    assert!(ids.len() >= 3, "{ids:?}");
    // A date as `until` takes the whole day; a day before anything, nothing.
    let today = &fifth[..10];
    assert!(log(&env, &["--until", today]).len() >= all.len());
    assert!(log(&env, &["--until", "2000-01-01"]).is_empty());
    let o = env.run(&["audit", "log", "--until", "tomorrow"]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("`until` must be"), "{}", show(&o));
    // Text output, newest entries limited.
    let o = env.run(&["audit", "log", "--limit", "2"]);
    ok(&o);
    assert_eq!(stdout(&o).lines().count(), 2);
}

#[test]
fn export_lists_who_accessed_one_persons_data() {
    let env = action_env(|_| {});
    let (case, _) = workday(&env);
    // Someone else's record, searched for separately, stays out.
    ok(&env.run_as(AGENT, &["search", "takahasi", "--json"]));
    let out = env.dir.path().join("taro.json");
    let out_s = out.display().to_string();
    let o = env.run_as(
        "demo-auditor",
        &["audit", "export", "--person", "crm:C-1001", "--out", &out_s],
    );
    ok(&o);
    assert!(stdout(&o).contains("written to"), "{}", show(&o));
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    assert_eq!(t["person"], "crm:C-1001");
    assert_eq!(t["cases"], serde_json::json!([case]));
    let records: Vec<&str> = t["records"]
        .as_array()
        .unwrap()
        .iter()
        .map(|v| v.as_str().unwrap())
        .collect();
    assert!(records.contains(&"billing:B-77"), "{records:?}");
    let entries = t["entries"].as_array().unwrap();
    let k = kinds(entries);
    for kind in [
        "search",
        "reveal",
        "case_create",
        "case_view",
        "case_change",
        "action_plan",
        "action_approve",
        "action_job",
        "letter",
    ] {
        assert!(k.contains(&kind.to_string()), "{kind} missing from {k:?}");
    }
    // The search for someone else is not about Taro.
    assert!(!entries.iter().any(|e| e["details"]["query"] == "takahasi"));
    let reveal = entries
        .iter()
        .find(|e| e["kind"] == "reveal" && e["subject"] == "records")
        .unwrap();
    assert_eq!(reveal["purpose"], "Identity check during a call");
    assert!(reveal["matched_by"]
        .as_str()
        .unwrap()
        .starts_with("record "));

    // The export is itself on record, under the auditor's name.
    let exports = env.audit("audit_export");
    assert_eq!(exports.len(), 1);
    assert_eq!(exports[0].operator, "demo-auditor");
    assert_eq!(exports[0].details["returned"], entries.len());

    // By email: the same cases, through the requester's address.
    let csv = env.dir.path().join("taro.csv");
    let o = env.run(&[
        "audit",
        "export",
        "--person",
        "Taro.Yamada@example.jp",
        "--format",
        "csv",
        "--out",
        &csv.display().to_string(),
    ]);
    ok(&o);
    let text = std::fs::read_to_string(&csv).unwrap();
    let mut lines = text.lines();
    assert_eq!(
        lines.next(),
        Some("id,at,operator,kind,subject,purpose,matched_by,provision,details")
    );
    assert!(text.contains(&format!("case {case}")), "{text}");
    assert!(
        text.contains(",search,query,,record "),
        "the search that found the person is there: {text}"
    );
    use std::os::unix::fs::PermissionsExt;
    assert_eq!(
        std::fs::metadata(&csv).unwrap().permissions().mode() & 0o777,
        0o600
    );
}

#[test]
fn export_refuses_agents_an_existing_file_and_an_empty_person() {
    let env = Env::offline();
    let out = env.dir.path().join("x.json");
    let out_s = out.display().to_string();
    let o = env.run(&[
        "--as",
        "demo-agent",
        "audit",
        "export",
        "--person",
        "crm:C-1001",
        "--out",
        &out_s,
    ]);
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("only supervisors and auditors read the audit trail"),
        "{}",
        show(&o)
    );
    assert!(!out.exists());
    let denied = env.audit("denied");
    assert_eq!(denied.len(), 1);
    assert_eq!(denied[0].subject, "audit export");

    std::fs::write(&out, "keep me").unwrap();
    let o = env.run(&["audit", "export", "--person", "crm:C-1001", "--out", &out_s]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("already exists"), "{}", show(&o));
    assert_eq!(std::fs::read_to_string(&out).unwrap(), "keep me");

    let o = env.run(&[
        "audit",
        "export",
        "--person",
        "  ",
        "--out",
        &env.dir.path().join("y.json").display().to_string(),
    ]);
    assert_exit(&o, 2);
    assert!(stderr(&o).contains("name the person"), "{}", show(&o));
}
