//! `privdesk case ...` with the real binary on a temp store: output, exit
//! codes (0 ok, 2 bad input, 5 not allowed, 4 conflict, 1 store failure),
//! masking, roles, and several processes writing one store at once.

use crate::common;

use common::{json, stderr, stdout, Env};
use serde_json::Value;
use std::collections::HashSet;
use std::process::Output;

fn ok(o: &Output) {
    assert!(
        o.status.success(),
        "exit {:?}\nstdout:\n{}\nstderr:\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    );
}

fn code(o: &Output) -> i32 {
    o.status.code().expect("exit code")
}

/// Opens a GDPR access request received on 2 June 2025 and returns its number.
fn open_access(env: &Env) -> String {
    let o = env.run(&[
        "case",
        "new",
        "--category",
        "rights_request",
        "--kind",
        "access",
        "--channel",
        "email",
        "--received",
        "2025-06-02 10:00",
        "--requester-name",
        "Taro Yamada",
        "--requester-email",
        "taro.yamada@example.jp",
        "--requester-phone",
        "090-1234-5678",
        "--description",
        "wants a copy of everything",
        "--link",
        "crm:C-1001",
        "--json",
    ]);
    ok(&o);
    json(&o)["id"].as_str().unwrap().to_string()
}

fn show(env: &Env, id: &str) -> Value {
    let o = env.run(&["case", "show", id, "--json"]);
    ok(&o);
    json(&o)
}

#[test]
fn new_show_and_list_with_masked_contact_details() {
    let env = Env::offline();
    let id = open_access(&env);
    assert!(id.starts_with("PD-") && id.ends_with("-000001"), "{id}");

    let v = show(&env, &id);
    let case = &v["case"];
    assert_eq!(case["law"], "gdpr");
    assert_eq!(case["kind"], "access");
    assert_eq!(case["status"], "new");
    assert_eq!(case["received_at"], "2025-06-02T10:00:00+09:00");
    assert_eq!(case["deadlines"]["due"], "2025-07-02");
    assert_eq!(case["requester"]["contact"]["email"], "t***@example.jp");
    assert_eq!(case["requester"]["contact"]["phone"], "***-****-5678");
    assert_eq!(v["links"][0]["system"], "crm");
    assert_eq!(v["events"][0]["kind"], "created");
    assert!(v["overdue"].as_bool().unwrap());

    let o = env.run(&["case", "show", &id]);
    ok(&o);
    let text = stdout(&o);
    assert!(
        text.contains("t***@example.jp") && !text.contains("taro.yamada@"),
        "{text}"
    );
    assert!(
        text.contains("one month from receipt"),
        "the deadline steps are shown:\n{text}"
    );

    let o = env.run(&[
        "case",
        "show",
        &id,
        "--json",
        "--reveal",
        "--purpose",
        "Identity check during a call",
    ]);
    ok(&o);
    assert_eq!(
        json(&o)["case"]["requester"]["contact"]["email"],
        "taro.yamada@example.jp"
    );
    let o = env.run(&[
        "audit",
        "log",
        "--kind",
        "reveal",
        "--subject",
        &id,
        "--json",
    ]);
    ok(&o);
    assert_eq!(json(&o).as_array().unwrap().len(), 1);

    let o = env.run(&["case", "list", "--json"]);
    ok(&o);
    let rows = json(&o);
    assert_eq!(rows.as_array().unwrap().len(), 1);
    assert_eq!(rows[0]["id"], id.as_str());
    assert_eq!(rows[0]["due"], "2025-07-02");
    let o = env.run(&["case", "list", "--overdue"]);
    ok(&o);
    assert!(stdout(&o).contains(&id));
    let o = env.run(&["case", "list", "--unassigned", "--law", "ccpa"]);
    ok(&o);
    assert_eq!(stdout(&o), "no cases\n");
}

#[test]
fn bad_input_exits_2_naming_what_is_accepted_and_writes_nothing() {
    let env = Env::offline();
    let new = |extra: &[&str]| {
        let mut args = vec![
            "case",
            "new",
            "--category",
            "rights_request",
            "--channel",
            "email",
        ];
        args.extend_from_slice(extra);
        env.run(&args)
    };
    let cases: Vec<(Output, &str)> = vec![
        (
            new(&["--kind", "disclosur"]),
            "accepted: purpose_notification, disclosure",
        ),
        (
            new(&["--kind", "access", "--law", "appi"]),
            "belongs to GDPR, not APPI",
        ),
        (
            new(&["--kind", "access", "--law", "eu"]),
            "unknown law `eu`; accepted: appi, gdpr, ccpa",
        ),
        (
            env.run(&[
                "case",
                "new",
                "--category",
                "question",
                "--channel",
                "phone",
            ]),
            "accepted: inquiry, complaint, rights_request",
        ),
        (
            env.run(&[
                "case",
                "new",
                "--category",
                "inquiry",
                "--channel",
                "in_person",
            ]),
            "accepted: phone, email, postal_mail, web_form",
        ),
        (
            env.run(&[
                "case",
                "new",
                "--category",
                "inquiry",
                "--channel",
                "phone",
                "--received",
                "02/06/2025",
            ]),
            "use RFC 3339 (e.g. 2026-01-09T18:30:00+09:00) or \"YYYY-MM-DD HH:MM\"",
        ),
        (
            new(&["--kind", "access"]),
            "needs the requester's name or a way to contact them",
        ),
        (
            env.run(&["case", "show", "PD-2026-12x"]),
            "case numbers look like PD-2026-000123",
        ),
        (
            env.run(&["case", "show", "PD-2020-000009"]),
            "there is no case PD-2020-000009",
        ),
        (
            env.run(&["case", "list", "--status", "done"]),
            "accepted: new, awaiting_identity, in_progress",
        ),
        (
            env.run(&[
                "case",
                "extend",
                "PD-2020-000009",
                "--reason",
                "x",
                "--notice-date",
                "1/2/2026",
            ]),
            "write YYYY-MM-DD",
        ),
    ];
    for (o, needle) in &cases {
        assert_eq!(code(o), 2, "{needle}: stderr:\n{}", stderr(o));
        assert!(
            stderr(o).contains(needle),
            "expected {needle:?} in:\n{}",
            stderr(o)
        );
    }
    let o = env.run(&["case", "list", "--all", "--json"]);
    ok(&o);
    assert_eq!(json(&o), serde_json::json!([]));
}

#[test]
fn the_lifecycle_through_the_command_line() {
    let env = Env::offline();
    let id = open_access(&env);
    let run = |args: &[&str]| {
        let mut all = vec!["case"];
        all.extend_from_slice(args);
        let o = env.run(&all);
        ok(&o);
        stdout(&o)
    };
    run(&["status", &id, "awaiting_identity"]);
    let o = env.run(&[
        "case",
        "verify",
        &id,
        "--method",
        "photo ID by post",
        "--result",
        "verified",
    ]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("evidence seen is required"),
        "{}",
        stderr(&o)
    );
    run(&[
        "verify",
        &id,
        "--method",
        "photo ID by post",
        "--evidence",
        "driving licence copy",
        "--result",
        "verified",
    ]);
    run(&["status", &id, "in_progress"]);
    run(&["link", &id, "billing:B-77", "crm:C-1001"]);
    run(&["note", &id, "--text", "searched all systems"]);
    let o = env.run(&["case", "fee", &id, "--amount", "500"]);
    assert_eq!(code(&o), 2, "no fee for a GDPR access request");
    let o = env.run(&["case", "status", &id, "on_hold"]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("needs a reason"), "{}", stderr(&o));
    run(&[
        "extend",
        &id,
        "--reason",
        "many systems",
        "--notice-date",
        "2025-06-20",
    ]);
    run(&["note", &id, "--text", "Here is your data.", "--response"]);
    let line = run(&["status", &id, "responded"]);
    assert!(line.contains(" responded"), "{line}");
    let o = env.run(&["case", "status", &id, "closed"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("closing needs an outcome"),
        "{}",
        stderr(&o)
    );
    run(&[
        "status",
        &id,
        "closed",
        "--outcome",
        "fulfilled",
        "--reason",
        "sent by email",
    ]);

    let v = show(&env, &id);
    assert_eq!(v["case"]["status"], "closed");
    assert_eq!(v["case"]["outcome"], "fulfilled");
    assert_eq!(v["case"]["deadlines"]["extended_due"], "2025-09-02");
    assert_eq!(v["case"]["verification"]["result"], "verified");
    assert_eq!(v["links"].as_array().unwrap().len(), 2);
    assert_eq!(v["notes"].as_array().unwrap().len(), 1);
    assert_eq!(v["replies"][0]["is_response"], true);
    let kinds: Vec<&str> = v["events"]
        .as_array()
        .unwrap()
        .iter()
        .map(|e| e["kind"].as_str().unwrap())
        .collect();
    assert_eq!(
        kinds,
        [
            "created",
            "status",
            "verification",
            "status",
            "links",
            "note",
            "extension",
            "reply",
            "status",
            "status"
        ]
    );

    let o = env.run(&["case", "note", &id, "--text", "late remark"]);
    assert_eq!(code(&o), 2);
    assert!(
        stderr(&o).contains("is closed; a closed case cannot be changed"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn a_stale_version_exits_4_and_shows_the_other_change() {
    let env = Env::offline();
    let id = open_access(&env);
    ok(&env.run(&["case", "assign", &id, "demo-agent"]));
    let o = env.run(&["case", "status", &id, "in_progress", "--version", "1"]);
    assert_eq!(code(&o), 4, "{}", stderr(&o));
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "case {id} changed since you saw it (version 1, now 2); nothing was written"
        )),
        "{err}"
    );
    assert!(err.contains("assignee: none -> demo-agent"), "{err}");
    assert_eq!(show(&env, &id)["case"]["status"], "new");
    ok(&env.run(&["case", "status", &id, "in_progress", "--version", "2"]));
}

#[test]
fn roles_are_enforced_and_refusals_audited() {
    let env = Env::offline();
    let id = open_access(&env);
    let o = env.run(&["--as", "demo-auditor", "case", "note", &id, "--text", "x"]);
    assert_eq!(code(&o), 5);
    assert!(
        stderr(&o).contains("not allowed: auditors are read-only"),
        "{}",
        stderr(&o)
    );
    let o = env.run(&["--as", "demo-auditor", "case", "show", &id]);
    ok(&o);
    let o = env.run(&["--as", "demo-agent", "case", "assign", &id, "demo-auditor"]);
    assert_eq!(code(&o), 2);
    let o = env.run(&["--as", "demo-agent", "case", "status", &id, "withdrawn"]);
    ok(&o);
    let o = env.run(&["--as", "demo-agent", "case", "status", &id, "closed"]);
    assert_eq!(code(&o), 5);
    assert!(
        stderr(&o).contains("only supervisors close cases"),
        "{}",
        stderr(&o)
    );
    let o = env.run(&[
        "audit",
        "log",
        "--kind",
        "denied",
        "--subject",
        &id,
        "--json",
    ]);
    ok(&o);
    assert_eq!(json(&o).as_array().unwrap().len(), 2);
}

#[test]
fn pauses_and_duplicates_from_the_command_line() {
    let env = Env::offline();
    let o = env.run(&[
        "case",
        "new",
        "--category",
        "rights_request",
        "--kind",
        "disclosure",
        "--channel",
        "postal_mail",
        "--received",
        "2025-06-02T10:00:00+09:00",
        "--requester-name",
        "Hanako Sato",
        "--requester-phone",
        "03-1234-5678",
        "--representative",
        "Ichiro Sato",
        "--relation",
        "legal guardian",
        "--proof",
        "family register copy",
        "--delivery",
        "paper",
        "--json",
    ]);
    ok(&o);
    let c = json(&o);
    let id = c["id"].as_str().unwrap().to_string();
    assert_eq!(c["delivery_format"], "paper");
    assert_eq!(
        c["requester"]["representative"]["relation"],
        "legal guardian"
    );
    ok(&env.run(&[
        "case",
        "pause",
        &id,
        "--reason",
        "waiting for the fee",
        "--from",
        "2025-06-04 10:00",
        "--to",
        "2025-06-06 18:00",
    ]));
    let v = show(&env, &id);
    assert_eq!(v["case"]["deadlines"]["due"], "2025-06-18");
    assert_eq!(v["case"]["deadlines"]["paused_days"], 2);
    ok(&env.run(&["case", "fee", &id, "--amount", "800", "--paid"]));
    assert_eq!(
        show(&env, &id)["case"]["fee"],
        serde_json::json!({"amount_jpy": 800, "paid": true})
    );
    let o = env.run(&["case", "resume", &id]);
    assert_eq!(code(&o), 2);
    assert!(stderr(&o).contains("no pause is running"), "{}", stderr(&o));

    // A second contact from the same number is flagged.
    let o = env.run(&[
        "case",
        "new",
        "--category",
        "complaint",
        "--channel",
        "phone",
        "--requester-phone",
        "+81 3 1234 5678",
    ]);
    ok(&o);
    assert!(
        stderr(&o).contains(&format!("open cases for the same records or contact: {id}")),
        "{}",
        stderr(&o)
    );
    let o = env.run(&["case", "duplicates", "--phone", "0312345678", "--json"]);
    ok(&o);
    assert_eq!(json(&o).as_array().unwrap().len(), 2);
}

#[test]
fn six_processes_create_and_note_on_one_store_without_losing_anything() {
    let env = Env::offline();
    let shared = open_access(&env);
    let per = 4;
    let procs = 6;
    type Outcome = (Vec<String>, usize, Vec<String>, usize);
    let results: Vec<Outcome> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..procs)
            .map(|p| {
                let env = &env;
                let shared = shared.clone();
                s.spawn(move || {
                    let mut ids = Vec::new();
                    let mut shared_notes = 0;
                    let mut conflicts = 0;
                    let mut errors = Vec::new();
                    for i in 0..per {
                        let o = env.run(&[
                            "case",
                            "new",
                            "--category",
                            "inquiry",
                            "--channel",
                            "phone",
                            "--description",
                            &format!("p{p} #{i}"),
                            "--json",
                        ]);
                        errors.push(stderr(&o));
                        if !o.status.success() {
                            panic!("create failed: {}", stderr(&o));
                        }
                        let id = json(&o)["id"].as_str().unwrap().to_string();
                        let o = env.run(&[
                            "case",
                            "note",
                            &id,
                            "--text",
                            &format!("own note p{p} #{i}"),
                        ]);
                        errors.push(stderr(&o));
                        assert!(o.status.success(), "own note failed: {}", stderr(&o));
                        ids.push(id);
                        // The shared case: a conflict (exit 4) is reported, then retried.
                        for _attempt in 0..50 {
                            let o = env.run(&[
                                "case",
                                "note",
                                &shared,
                                "--text",
                                &format!("shared p{p} #{i}"),
                            ]);
                            errors.push(stderr(&o));
                            match o.status.code() {
                                Some(0) => {
                                    shared_notes += 1;
                                    break;
                                }
                                Some(4) => conflicts += 1,
                                other => panic!("shared note failed ({other:?}): {}", stderr(&o)),
                            }
                        }
                    }
                    (ids, shared_notes, errors, conflicts)
                })
            })
            .collect();
        handles.into_iter().map(|h| h.join().unwrap()).collect()
    });
    let conflicts: usize = results.iter().map(|r| r.3).sum();
    eprintln!("shared case: {conflicts} conflicts reported (exit 4) and retried");
    let mut all = HashSet::new();
    for (ids, shared_notes, errors, _) in &results {
        assert_eq!(
            *shared_notes, per,
            "a shared note gave up after 50 conflicts"
        );
        for id in ids {
            assert!(all.insert(id.clone()), "{id} handed out twice");
        }
        for e in errors {
            assert!(!e.contains("database is locked"), "{e}");
            assert!(!e.contains("is busy"), "{e}");
        }
    }
    assert_eq!(all.len(), procs * per);
    for id in &all {
        let v = show(&env, id);
        assert_eq!(
            v["notes"].as_array().unwrap().len(),
            1,
            "{id} lost its note"
        );
    }
    let v = show(&env, &shared);
    let notes = v["notes"].as_array().unwrap();
    assert_eq!(notes.len(), procs * per, "a shared note was lost");
    assert_eq!(v["case"]["version"], (1 + procs * per) as i64);
    let o = env.run(&["audit", "verify"]);
    ok(&o);
}

#[test]
fn a_read_only_store_exits_1_with_a_clear_message() {
    use std::os::unix::fs::PermissionsExt;
    let env = Env::offline();
    let id = open_access(&env);
    common::read_only_for_children(&env.store_path());
    let mut c = env.command(&["case", "note", &id, "--text", "x"]);
    common::obeying_file_permissions(&mut c);
    let o = c.output().expect("run privdesk");
    assert_eq!(code(&o), 1, "{}", stderr(&o));
    assert!(stderr(&o).contains("is read-only"), "{}", stderr(&o));
    // Refused when the store is opened, in words for staff (not SQLite's
    // "attempt to write a readonly database" from a write half-way through).
    assert!(
        stderr(&o).contains("the file cannot be written by this user"),
        "{}",
        stderr(&o)
    );
    std::fs::set_permissions(env.store_path(), std::fs::Permissions::from_mode(0o600)).unwrap();
    assert_eq!(show(&env, &id)["notes"].as_array().unwrap().len(), 0);
}

#[test]
fn escalate_makes_the_case_urgent_once() {
    let env = Env::offline();
    let id = open_access(&env);
    ok(&env.run(&["case", "escalate", &id]));
    let shown = show(&env, &id);
    assert_eq!(shown["case"]["priority"], "urgent");
    assert_eq!(shown["case"]["version"], 2);
    // Already urgent: nothing written.
    ok(&env.run(&["case", "escalate", &id]));
    assert_eq!(show(&env, &id)["case"]["version"], 2);
    // Escalating overwrites nothing: an old version is no conflict.
    let o = env.run(&["case", "escalate", &id, "--version", "1", "--json"]);
    assert_eq!(code(&o), 0, "{}", stderr(&o));
    assert_eq!(show(&env, &id)["case"]["version"], 2);
    let o = env.run(&["--as", "demo-auditor", "case", "escalate", &id]);
    assert_eq!(code(&o), 5);
    assert!(
        stderr(&o).contains("auditors are read-only"),
        "{}",
        stderr(&o)
    );
}

#[test]
fn twenty_writers_add_500_notes_to_one_case_and_none_is_refused() {
    let env = Env::offline();
    let id = open_access(&env);
    let (writers, each) = (20, 25);
    let refused: Vec<String> = std::thread::scope(|s| {
        let handles: Vec<_> = (0..writers)
            .map(|w| {
                let (env, id) = (&env, id.clone());
                s.spawn(move || {
                    let mut refused = Vec::new();
                    for i in 0..each {
                        let o = env.run(&["case", "note", &id, "--text", &format!("w{w} n{i}")]);
                        if !o.status.success() {
                            refused.push(format!("exit {:?}: {}", o.status.code(), stderr(&o)));
                        }
                    }
                    refused
                })
            })
            .collect();
        handles
            .into_iter()
            .flat_map(|h| h.join().unwrap())
            .collect()
    });
    assert!(
        refused.is_empty(),
        "{} refused, first: {:?}",
        refused.len(),
        refused.first()
    );
    let notes = env
        .store()
        .case_notes(privdesk::domain::CaseId::parse(&id).unwrap(), None)
        .unwrap();
    let texts: HashSet<&str> = notes.iter().map(|n| n.text.as_str()).collect();
    assert_eq!(notes.len(), writers * each, "notes stored");
    assert_eq!(texts.len(), writers * each, "a note stored twice");
}

#[test]
fn a_new_request_is_refused_in_one_step_with_its_article_shown() {
    let env = Env::offline();
    // GDPR: the refusal letter is in English.
    let id = open_access(&env);
    assert_eq!(show(&env, &id)["case"]["status"], "new");
    let o = env.run(&[
        "case",
        "status",
        &id,
        "refused",
        "--ground",
        "identity_not_verified",
        "--reason",
        "ご本人確認ができませんでした",
    ]);
    ok(&o);
    assert!(
        stderr(&o)
            .contains("warning: the letter is in English, but this text is written in Japanese"),
        "{}",
        stderr(&o)
    );
    assert_eq!(show(&env, &id)["case"]["status"], "refused");
    let o = env.run(&["case", "show", &id]);
    ok(&o);
    let text = stdout(&o);
    assert!(
        text.contains("The requester's identity could not be verified (identity check, APPI Art. 37(1); GDPR Art. 12(6))"),
        "{text}"
    );
    assert!(!text.contains("identity_not_verified"), "{text}");

    // Written in the letter's language: no warning.
    let id = open_access(&env);
    let o = env.run(&[
        "case",
        "status",
        &id,
        "refused",
        "--ground",
        "repeated_or_excessive",
        "--reason",
        "This is the fourth identical request this month.",
    ]);
    ok(&o);
    assert!(!stderr(&o).contains("warning"), "{}", stderr(&o));
}
