//! `privdesk audit verify` and `privdesk audit log`: who may read the trail,
//! and that tampering with the SQLite file is found.

use crate::common;

use common::*;
use rusqlite::Connection;

fn searches(env: &Env, queries: &[&str]) {
    for q in queries {
        let o = env.run(&["search", q, "--json"]);
        assert_exit(&o, 0);
    }
}

#[test]
fn verify_passes_after_searches_and_reports_an_edited_entry() {
    let env = Env::start();
    searches(&env, &["yamada", "taro.yamada@example.jp", "090-1234-5678"]);
    let entries = env
        .store()
        .audit_entries(&Default::default())
        .unwrap()
        .len();
    assert!(entries >= 3, "{entries} entries");

    let o = env.run(&["audit", "verify", "--json"]);
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["ok"], true);
    assert_eq!(v["entries"], entries);
    assert!(v["first_broken"].is_null());
    // The head: what a copy kept elsewhere can be compared with.
    let last = env.store().audit_entries(&Default::default()).unwrap();
    let last = last.last().unwrap();
    assert_eq!(v["head"]["entries"], last.id);
    assert_eq!(v["head"]["mac"], last.hash.as_str());
    assert_eq!(v["head"]["key_id"], "mac-1");
    let o = env.run(&["audit", "verify"]);
    assert_exit(&o, 0);
    assert_eq!(
        stdout(&o),
        format!(
            "audit chain intact: {entries} entries\nhead: entry {}, MAC {} (key mac-1)\n",
            last.id, last.hash
        )
    );

    // Someone with write access to the file hides what was searched.
    let second = env.audit("search")[1].id;
    {
        let c = Connection::open(env.store_path()).unwrap();
        c.execute_batch("DROP TRIGGER audit_no_update;").unwrap();
        let n = c
            .execute(
                "UPDATE audit SET details = json_set(details, '$.query', 'nobody') WHERE id = ?1",
                [second],
            )
            .unwrap();
        assert_eq!(n, 1);
    }
    let o = env.run(&["audit", "verify"]);
    assert_exit(&o, 1);
    let out = stdout(&o);
    assert!(
        out.starts_with(&format!("audit chain BROKEN at entry {second}: ")),
        "{}",
        show(&o)
    );
    let o = env.run(&["audit", "verify", "--json"]);
    assert_exit(&o, 1);
    let v = json(&o);
    assert_eq!(v["ok"], false);
    assert_eq!(v["first_broken"]["id"], second);
    assert!(
        !v["first_broken"]["reason"].as_str().unwrap().is_empty(),
        "{v}"
    );
}

#[test]
fn verify_reports_a_deleted_entry() {
    let env = Env::start();
    searches(&env, &["yamada", "takahasi", "0332109876"]);
    let ids: Vec<i64> = env.audit("search").iter().map(|e| e.id).collect();
    {
        let c = Connection::open(env.store_path()).unwrap();
        c.execute_batch("DROP TRIGGER audit_no_delete;").unwrap();
        c.execute("DELETE FROM audit WHERE id = ?1", [ids[1]])
            .unwrap();
    }
    let o = env.run(&["audit", "verify", "--json"]);
    assert_exit(&o, 1);
    let v = json(&o);
    assert_eq!(v["ok"], false);
    let at = v["first_broken"]["id"].as_i64().unwrap();
    assert!(
        at == ids[1] || at == ids[1] + 1,
        "the break is reported at {at}, the deleted entry was {}",
        ids[1]
    );
}

#[test]
fn agents_cannot_read_the_trail_and_the_attempt_is_audited() {
    let env = Env::start();
    searches(&env, &["yamada"]);
    for args in [&["audit", "log"][..], &["audit", "verify"][..]] {
        let mut all = vec!["--as", "demo-agent"];
        all.extend_from_slice(args);
        let o = env.run(&all);
        assert_exit(&o, 5);
        assert!(
            stderr(&o).contains("not allowed: only supervisors and auditors read the audit trail"),
            "{}",
            show(&o)
        );
        assert!(stdout(&o).is_empty(), "{}", show(&o));
    }
    let denied = env.audit("denied");
    let what: Vec<(&str, &str)> = denied
        .iter()
        .map(|e| (e.operator.as_str(), e.subject.as_str()))
        .collect();
    assert_eq!(
        what,
        [("demo-agent", "audit log"), ("demo-agent", "audit verify")]
    );
    assert!(env.audit("audit_read").is_empty());
}

#[test]
fn auditors_read_the_trail_and_the_reading_is_audited() {
    let env = Env::start();
    searches(&env, &["yamada", "takahasi"]);
    let o = env.run(&[
        "--as",
        "demo-auditor",
        "audit",
        "log",
        "--kind",
        "search",
        "--json",
    ]);
    assert_exit(&o, 0);
    let v = json(&o);
    let listed = v.as_array().unwrap();
    assert_eq!(listed.len(), 2);
    assert_eq!(listed[0]["details"]["query"], "yamada");
    assert_eq!(listed[1]["details"]["query"], "takahasi");
    assert_eq!(listed[0]["operator"], privdesk::config::current_username());

    let reads = env.audit("audit_read");
    assert_eq!(reads.len(), 1);
    assert_eq!(reads[0].operator, "demo-auditor");
    assert_eq!(reads[0].details["returned"], 2);

    // Text output: one line per entry, control characters escaped.
    let o = env.run(&["--as", "demo-auditor", "audit", "log", "--kind", "search"]);
    assert_exit(&o, 0);
    let out = stdout(&o);
    assert_eq!(out.lines().count(), 2, "{out}");
    assert!(out.contains("\"query\":\"takahasi\""), "{out}");

    let o = env.run(&["--as", "demo-auditor", "audit", "verify"]);
    assert_exit(&o, 0);
}

#[test]
fn a_reader_that_stops_early_is_no_error() {
    let env = Env::start();
    searches(&env, &["yamada", "takahasi"]);
    // `privdesk audit log | head -0`: the pipe is closed before anything is written.
    for args in [&["audit", "log"][..], &["search", "yamada"][..]] {
        let mut c = env.command(args);
        c.stdout(std::process::Stdio::piped())
            .stderr(std::process::Stdio::piped());
        let mut child = c.spawn().unwrap();
        drop(child.stdout.take());
        let o = child.wait_with_output().unwrap();
        assert_exit(&o, 0);
        assert!(!stderr(&o).contains("panicked"), "{}", show(&o));
    }
}

#[test]
fn a_bad_filter_is_a_usage_error() {
    let env = Env::start();
    searches(&env, &["yamada"]);
    let o = env.run(&["audit", "log", "--since", "yesterday"]);
    assert_exit(&o, 2);
    let err = stderr(&o);
    assert!(
        err.contains("invalid audit filter") && err.contains("yesterday"),
        "{err}"
    );
    assert!(stdout(&o).is_empty(), "{}", show(&o));
    // A valid date works and an unknown kind simply matches nothing.
    let o = env.run(&["audit", "log", "--since", "2000-01-01", "--json"]);
    assert_exit(&o, 0);
    assert_eq!(json(&o).as_array().unwrap().len(), 1);
    let o = env.run(&["audit", "log", "--kind", "no-such-kind", "--json"]);
    assert_exit(&o, 0);
    assert_eq!(json(&o).as_array().unwrap().len(), 0);
}
