//! Twenty `privdesk` processes writing to one store at the same moment:
//! every command succeeds (no "database is locked" reaches anyone), nothing
//! is lost, and the audit chain verifies afterwards.

use crate::common;

use common::*;
use std::process::{Output, Stdio};

const SESSIONS: usize = 20;
const USERS: [Option<&str>; 2] = [None, Some("demo-agent")];

/// Start one command per session at once and wait for all of them.
fn wave(env: &Env, args: impl Fn(usize) -> Vec<String>) -> Vec<Output> {
    let children: Vec<_> = (0..SESSIONS)
        .map(|n| {
            let mut all: Vec<String> = Vec::new();
            if let Some(u) = USERS[n % USERS.len()] {
                all.extend(["--as".to_string(), u.to_string()]);
            }
            all.extend(args(n));
            let refs: Vec<&str> = all.iter().map(String::as_str).collect();
            let mut c = env.command(&refs);
            c.stdout(Stdio::piped()).stderr(Stdio::piped());
            c.spawn().expect("start privdesk")
        })
        .collect();
    children
        .into_iter()
        .map(|c| c.wait_with_output().expect("privdesk ends"))
        .collect()
}

fn all_ok(outputs: &[Output], what: &str) {
    for (n, o) in outputs.iter().enumerate() {
        assert_eq!(
            o.status.code(),
            Some(0),
            "{what} in session {n}:\n{}",
            show(o)
        );
        let err = stderr(o).to_lowercase();
        assert!(
            !err.contains("locked") && !err.contains("busy"),
            "{what} {n}: {err}"
        );
    }
}

#[test]
fn twenty_processes_writing_at_once() {
    let env = Env::offline();
    // The store exists before the rush (as on a desk in use).
    assert_exit(&env.run(&["audit", "verify"]), 0);

    let created = wave(&env, |n| {
        [
            "case",
            "new",
            "--category",
            "inquiry",
            "--channel",
            "phone",
            "--description",
            &format!("question from session {n}"),
            "--json",
        ]
        .map(String::from)
        .to_vec()
    });
    all_ok(&created, "case new");
    let ids: Vec<String> = created
        .iter()
        .map(|o| json(o)["id"].as_str().unwrap().to_string())
        .collect();
    let mut unique = ids.clone();
    unique.sort();
    unique.dedup();
    assert_eq!(unique.len(), SESSIONS, "every case has its own number");

    all_ok(
        &wave(&env, |n| {
            ["case", "note", &ids[n], "--text", &format!("note {n}")]
                .map(String::from)
                .to_vec()
        }),
        "case note",
    );
    all_ok(
        &wave(&env, |n| {
            [
                "case",
                "show",
                &ids[n],
                "--reveal",
                "--purpose",
                "Handling the customer's request",
            ]
            .map(String::from)
            .to_vec()
        }),
        "case show --reveal",
    );

    for (kind, n) in [
        ("case_create", SESSIONS),
        ("case_change", SESSIONS),
        ("reveal", SESSIONS),
    ] {
        assert_eq!(env.audit(kind).len(), n, "{kind}");
    }
    for id in &ids {
        let o = env.run(&["case", "show", id, "--json"]);
        assert_exit(&o, 0);
        assert_eq!(json(&o)["notes"].as_array().unwrap().len(), 1, "{id}");
    }
    let o = env.run(&["audit", "verify", "--json"]);
    assert_exit(&o, 0);
    assert_eq!(json(&o)["ok"], true);
}
