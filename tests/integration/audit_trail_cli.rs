//! What the audit trail holds after a day's work through the real binary
//! (every search, reveal with its purpose, case view, change, approval,
//! action and letter), `audit log` with its filters, and `audit export`
//! answering "who accessed this person's data".

use crate::common;

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

/// Every place `needle` occurs in `hay`, ASCII case ignored when `fold`.
fn occurs(hay: &[u8], needle: &str, fold: bool) -> bool {
    let n = needle.as_bytes();
    hay.windows(n.len()).any(|w| {
        if fold {
            w.eq_ignore_ascii_case(n)
        } else {
            w == n
        }
    })
}

/// Every file under `dir` (the store, its -wal and -shm, the log files).
fn files_under(dir: &std::path::Path, out: &mut Vec<std::path::PathBuf>) {
    for e in std::fs::read_dir(dir).unwrap().flatten() {
        let p = e.path();
        if p.is_dir() {
            files_under(&p, out);
        } else {
            out.push(p);
        }
    }
}

#[test]
fn a_purge_leaves_none_of_the_persons_identifiers_in_the_store_files_or_the_log() {
    let env = action_env(|doc| {
        doc["retention"]["closed_case_days"] = toml_edit::value(30);
    });
    // A day's work about Taro: searches by every written form of his
    // e-mail and phone and by name, a reveal and a fetch with typed
    // purposes naming him, a filter and an export by his e-mail.
    for q in [
        "taro.yamada@example.jp",
        "Taro.Yamada@Example.jp",
        "090-1234-5678",
        "09012345678",
        "+81 90 1234 5678",
        "Taro Yamada",
    ] {
        ok(&env.run_as(AGENT, &["search", q, "--json"]));
    }
    ok(&env.run_as(
        AGENT,
        &[
            "search",
            "090-1234-5678",
            "--reveal",
            "--purpose",
            "Taro Yamada on the phone",
            "--json",
        ],
    ));
    ok(&env.run_as(
        AGENT,
        &[
            "fetch",
            "crm",
            "C-1001",
            "--reveal",
            "--purpose",
            "call from Taro Yamada",
        ],
    ));
    let o = env.run_as(
        AGENT,
        &[
            "case",
            "new",
            "--category",
            "inquiry",
            "--channel",
            "email",
            "--requester-name",
            "Taro Yamada",
            "--requester-email",
            "taro.yamada@example.jp",
            "--requester-phone",
            "090-1234-5678",
            "--description",
            "Taro Yamada asks what we hold",
            "--link",
            "crm:C-1001",
            "--link",
            "billing:B-77",
            "--json",
        ],
    );
    ok(&o);
    let case = json(&o)["id"].as_str().unwrap().to_string();
    ok(&env.run_as(
        AGENT,
        &["case", "note", &case, "--text", "Taro Yamada called back"],
    ));
    ok(&env.run(&[
        "audit",
        "log",
        "--subject",
        "taro.yamada@example.jp",
        "--json",
    ]));
    let early = env.dir.path().join("before.json");
    ok(&env.run(&[
        "audit",
        "export",
        "--person",
        "taro.yamada@example.jp",
        "--out",
        &early.display().to_string(),
    ]));
    std::fs::remove_file(&early).unwrap();
    // While the keys exist, the log reads back in full.
    let readable = env.run(&["audit", "log", "--json"]);
    ok(&readable);
    assert!(
        stdout(&readable).contains("call from Taro Yamada"),
        "{}",
        show(&readable)
    );
    assert!(stdout(&readable).contains("crm:C-1001"));

    ok(&env.run(&["case", "status", &case, "withdrawn"]));
    ok(&env.run(&["case", "status", &case, "closed"]));
    let long_ago = (chrono::Utc::now() - chrono::Duration::days(400))
        .to_rfc3339_opts(chrono::SecondsFormat::Millis, true);
    rusqlite::Connection::open(env.store_path())
        .unwrap()
        .execute(
            "UPDATE cases SET closed_at = ?2 WHERE id = ?1",
            [case.as_str(), long_ago.as_str()],
        )
        .unwrap();
    let o = env.run(&["retention", "run"]);
    ok(&o);
    assert!(
        stdout(&o).starts_with("retention: purged 1 case(s)"),
        "{}",
        show(&o)
    );

    // (identifier, ASCII case ignored): the name, the e-mail, the phone in
    // every written form, the linked record ids.
    let ids: [(&str, bool); 10] = [
        ("Taro Yamada", true),
        ("taro.yamada@example.jp", true),
        ("090-1234-5678", false),
        ("09012345678", false),
        ("+819012345678", false),
        ("+81 90 1234 5678", false),
        ("9012345678", false),
        ("C-1001", false),
        ("B-77", false),
        ("crm:C-1001", false),
    ];
    let mut files = Vec::new();
    files_under(env.dir.path(), &mut files);
    let store_files: Vec<_> = files
        .iter()
        .filter(|p| {
            let n = p.file_name().unwrap().to_string_lossy().to_string();
            n.starts_with("store.db") || n.ends_with(".log")
        })
        .collect();
    assert!(
        store_files.iter().any(|p| p.ends_with("store.db")),
        "the store is there: {files:?}"
    );
    for f in &store_files {
        let bytes = std::fs::read(f).unwrap();
        for (id, fold) in ids {
            assert!(
                !occurs(&bytes, id, fold),
                "{id} is still in {}",
                f.display()
            );
        }
    }
    // The log still verifies, and reading it shows what was shredded.
    assert_exit(&env.run(&["audit", "verify"]), 0);
    let after = env.run(&["--as", "demo-auditor", "audit", "log", "--json"]);
    ok(&after);
    let text = stdout(&after);
    for (id, fold) in ids {
        assert!(
            !occurs(text.as_bytes(), id, fold),
            "{id} still readable in the log"
        );
    }
    assert!(text.contains("\"shredded\""), "{text}");
    let searches = log(&env, &["--kind", "search"]);
    assert_eq!(searches.len(), 7, "every search is still on record");
    assert!(searches.iter().all(|e| e["operator"] == AGENT));
    // The export by record says what was shredded and when.
    let out = env.dir.path().join("after.json");
    let o = env.run(&[
        "audit",
        "export",
        "--person",
        "crm:C-1001",
        "--out",
        &out.display().to_string(),
    ]);
    ok(&o);
    assert!(stdout(&o).contains("shredded "), "{}", show(&o));
    let t: Value = serde_json::from_str(&std::fs::read_to_string(&out).unwrap()).unwrap();
    let shredded = t["shredded"].as_array().unwrap();
    assert!(
        shredded
            .iter()
            .any(|s| s["token"] == "record:crm:C-1001" && s["by"] == format!("retention {case}")),
        "{t}"
    );
    assert!(
        t["entries"]
            .as_array()
            .unwrap()
            .iter()
            .any(|e| e["kind"] == "fetch"),
        "the fetch is still in the trail: {t}"
    );
}

#[test]
fn an_erasure_closed_as_done_shreds_its_subjects_when_configured() {
    let env = action_env(|doc| {
        doc["retention"]["shred_on_erasure"] = toml_edit::value(true);
    });
    ok(&env.run_as(
        AGENT,
        &[
            "fetch",
            "crm",
            "C-1001",
            "--reveal",
            "--purpose",
            "Taro Yamada wants it gone",
        ],
    ));
    let erasure = env.taro_case("erasure", &["crm:C-1001"]);
    // Someone else's case, closed too, keeps its values.
    let other = env.taro_case("access", &["billing:B-77"]);
    ok(&env.run_as(
        AGENT,
        &[
            "fetch",
            "billing",
            "B-77",
            "--reveal",
            "--purpose",
            "for the access request",
        ],
    ));
    for (case, outcome) in [(&erasure, "fulfilled"), (&other, "fulfilled")] {
        ok(&env.run(&["case", "status", case, "in_progress"]));
        ok(&env.run(&[
            "case",
            "note",
            case,
            "--text",
            "done as asked",
            "--response",
        ]));
        ok(&env.run(&["case", "status", case, "responded"]));
        ok(&env.run(&["case", "status", case, "closed", "--outcome", outcome]));
    }
    let fetches = log(&env, &["--kind", "fetch"]);
    assert_eq!(fetches.len(), 2, "{fetches:?}");
    assert!(
        fetches[0]["details"]["record"]["shredded"].is_string(),
        "{:?}",
        fetches[0]
    );
    assert_eq!(fetches[1]["details"]["record"], "billing:B-77");
    let reveals = log(&env, &["--kind", "reveal", "--subject", "records"]);
    assert!(
        reveals[0]["details"]["purpose"]["shredded"].is_string(),
        "{reveals:?}"
    );
    assert_eq!(reveals[1]["details"]["purpose"], "for the access request");
    assert_exit(&env.run(&["audit", "verify"]), 0);
}
