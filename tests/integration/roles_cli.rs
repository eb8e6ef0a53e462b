//! Roles through the command line (the real binary): every operation tried
//! by an agent, a supervisor and an auditor. A refusal exits 5 with a
//! "not allowed: ..." message and leaves a `denied` audit entry; an allowed
//! operation exits 0. And an operator removed from the configuration: a
//! new session is refused, and a running terminal session is cut off.

use crate::common;
use crate::pty;

use common::actions::{action_env, AGENT, SAM};
use common::*;
use std::time::Duration;

const AUDITOR: &str = "demo-auditor";

#[derive(Debug, Clone, Copy)]
enum Op {
    Search,
    SearchReveal,
    ShowOwnCase,
    ShowOthersCase,
    ShowUnassignedCase,
    RevealCase,
    NoteOwnCase,
    NoteOthersCase,
    AssignToOther,
    ApproveAction,
    DenyAction,
    RefuseRequest,
    CloseComplaint,
    AuditLog,
    AuditVerify,
    AuditExport,
    BuildPackage,
    Letter,
    Fetch,
}

/// Exit codes for [agent, supervisor, auditor].
const MATRIX: &[(Op, [i32; 3])] = &[
    (Op::Search, [0, 0, 5]),
    (Op::SearchReveal, [0, 0, 5]),
    (Op::ShowOwnCase, [0, 0, 0]),
    (Op::ShowOthersCase, [5, 0, 0]),
    (Op::ShowUnassignedCase, [0, 0, 0]),
    (Op::RevealCase, [0, 0, 5]),
    (Op::NoteOwnCase, [0, 0, 5]),
    (Op::NoteOthersCase, [5, 0, 5]),
    (Op::AssignToOther, [5, 0, 5]),
    (Op::ApproveAction, [5, 0, 5]),
    (Op::DenyAction, [5, 0, 5]),
    (Op::RefuseRequest, [5, 0, 5]),
    (Op::CloseComplaint, [5, 0, 5]),
    (Op::AuditLog, [5, 0, 0]),
    (Op::AuditVerify, [5, 0, 0]),
    (Op::AuditExport, [5, 0, 0]),
    (Op::BuildPackage, [0, 0, 5]),
    (Op::Letter, [0, 0, 5]),
    (Op::Fetch, [0, 0, 5]),
];

/// Run as the config's own supervisor (`None`) or `--as` someone.
fn run(env: &Env, user: Option<&str>, args: &[&str]) -> std::process::Output {
    match user {
        Some(u) => env.run_as(u, args),
        None => env.run(args),
    }
}

fn okay(o: &std::process::Output) {
    assert_exit(o, 0);
}

/// A verified rights request of `kind` assigned to `to` (None: nobody).
fn case_for(env: &Env, kind: &str, to: Option<&str>) -> String {
    let id = env.taro_case(kind, &["crm:C-1001"]);
    if let Some(to) = to {
        okay(&env.run(&["case", "assign", &id, to]));
    }
    id
}

fn attempt(env: &Env, user: Option<&str>, op: Op, n: usize) -> std::process::Output {
    let me = user.unwrap_or("supervisor");
    match op {
        Op::Search => run(env, user, &["search", "yamada", "--json"]),
        Op::SearchReveal => run(
            env,
            user,
            &[
                "search",
                "yamada",
                "--reveal",
                "--purpose",
                "Identity check during a call",
                "--json",
            ],
        ),
        Op::ShowOwnCase => {
            let id = case_for(env, "disclosure", Some(AGENT));
            run(env, user, &["case", "show", &id, "--json"])
        }
        Op::ShowOthersCase => {
            let id = case_for(env, "disclosure", Some(SAM));
            run(env, user, &["case", "show", &id, "--json"])
        }
        Op::ShowUnassignedCase => {
            let id = case_for(env, "disclosure", None);
            run(env, user, &["case", "show", &id, "--json"])
        }
        Op::RevealCase => {
            let id = case_for(env, "disclosure", Some(AGENT));
            run(
                env,
                user,
                &["case", "show", &id, "--reveal", "--purpose", "Audit check"],
            )
        }
        Op::NoteOwnCase | Op::NoteOthersCase => {
            let to = if matches!(op, Op::NoteOwnCase) {
                AGENT
            } else {
                SAM
            };
            let id = case_for(env, "disclosure", Some(to));
            run(env, user, &["case", "note", &id, "--text", "called back"])
        }
        Op::AssignToOther => {
            let id = case_for(env, "disclosure", None);
            run(env, user, &["case", "assign", &id, SAM])
        }
        Op::ApproveAction | Op::DenyAction => {
            let id = case_for(env, "erasure", Some(AGENT));
            let planned = env.plan(AGENT, &id, &[]);
            let action = planned["action"]["id"].as_str().unwrap().to_string();
            let verb = if matches!(op, Op::ApproveAction) {
                "approve"
            } else {
                "deny"
            };
            run(env, user, &["action", verb, &action, "--reason", "checked"])
        }
        Op::RefuseRequest => {
            let id = case_for(env, "disclosure", Some(AGENT));
            okay(&env.run(&["case", "status", &id, "in_progress"]));
            run(
                env,
                user,
                &[
                    "case",
                    "status",
                    &id,
                    "refused",
                    "--ground",
                    "not_covered_by_law",
                ],
            )
        }
        Op::CloseComplaint => {
            let o = env.run(&[
                "case",
                "new",
                "--category",
                "complaint",
                "--channel",
                "phone",
                "--description",
                "unwanted mail",
                "--assignee",
                AGENT,
                "--json",
            ]);
            okay(&o);
            let id = json(&o)["id"].as_str().unwrap().to_string();
            okay(&env.run(&["case", "status", &id, "withdrawn"]));
            run(env, user, &["case", "status", &id, "closed"])
        }
        Op::AuditLog => run(env, user, &["audit", "log", "--json"]),
        Op::AuditVerify => run(env, user, &["audit", "verify"]),
        Op::AuditExport => {
            let out = env.dir.path().join(format!("export-{me}-{n}.json"));
            run(
                env,
                user,
                &[
                    "audit",
                    "export",
                    "--person",
                    "crm:C-1001",
                    "--out",
                    &out.display().to_string(),
                ],
            )
        }
        Op::BuildPackage => {
            // Every record of Taro's linked, so the package is complete.
            let id = env.taro_case(
                "disclosure",
                &[
                    "crm:C-1001",
                    "billing:B-77",
                    "support:9001",
                    "loyalty:L-00042",
                    "mailing:S-5",
                ],
            );
            okay(&env.run(&["case", "assign", &id, AGENT]));
            // Building is the disclosure: an approved export, run.
            env.export_approved(&id, &["analytics"], true);
            let out = env.dir.path().join(format!("package-{me}-{n}"));
            run(
                env,
                user,
                &["package", "build", &id, "--out", &out.display().to_string()],
            )
        }
        Op::Letter => {
            let id = case_for(env, "disclosure", Some(AGENT));
            run(env, user, &["letter", &id, "--template", "receipt"])
        }
        Op::Fetch => run(env, user, &["fetch", "crm", "C-1001", "--json"]),
    }
}

fn denials(env: &Env, user: &str) -> usize {
    env.audit("denied")
        .iter()
        .filter(|e| e.operator == user)
        .count()
}

#[test]
fn every_command_for_every_role() {
    let env = action_env(|_| {});
    let me = privdesk::config::current_username();
    let users: [(Option<&str>, &str); 3] = [
        (Some(AGENT), AGENT),
        (None, me.as_str()),
        (Some(AUDITOR), AUDITOR),
    ];
    let mut failures = Vec::new();
    for (n, (op, codes)) in MATRIX.iter().enumerate() {
        for ((user, name), code) in users.iter().zip(codes) {
            let before = denials(&env, name);
            let o = attempt(&env, *user, *op, n);
            let after = denials(&env, name);
            let cell = format!("{op:?} by {name}");
            if o.status.code() != Some(*code) {
                failures.push(format!(
                    "{cell}: exit {:?}, expected {code}\n{}",
                    o.status.code(),
                    show(&o)
                ));
                continue;
            }
            if *code == 5 {
                let err = stderr(&o);
                if !err.starts_with("privdesk: not allowed: ") {
                    failures.push(format!("{cell}: unclear refusal {err:?}"));
                }
                if after != before + 1 {
                    failures.push(format!("{cell}: {} denied entries, not 1", after - before));
                }
                if !stdout(&o).is_empty() {
                    failures.push(format!("{cell}: printed {:?}", stdout(&o)));
                }
            } else if after != before {
                failures.push(format!("{cell}: allowed but a denial was written"));
            }
        }
    }
    assert!(failures.is_empty(), "\n{}", failures.join("\n"));
}

/// The config file without `[operators.<user>]`.
fn remove_operator(env: &Env, user: &str) {
    let mut doc: toml_edit::DocumentMut = env.config_text().parse().unwrap();
    let removed = doc["operators"]
        .as_table_mut()
        .expect("an operators table")
        .remove(user);
    assert!(removed.is_some(), "{user} was configured");
    std::fs::write(&env.config, doc.to_string()).unwrap();
}

#[test]
fn a_removed_operator_cannot_start_a_session() {
    let env = Env::offline();
    okay(&env.run_as(AGENT, &["case", "list", "--json"]));
    remove_operator(&env, AGENT);
    let o = env.run_as(AGENT, &["case", "list", "--json"]);
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("user \"demo-agent\" is not an operator"),
        "{}",
        show(&o)
    );
    // Others carry on.
    okay(&env.run(&["case", "list", "--json"]));
}

#[test]
fn a_running_terminal_session_is_cut_off_when_its_operator_is_removed() {
    let env = Env::start();
    let mut cmd = env.command(&["--as", AGENT]);
    cmd.env("TERM", "xterm-256color");
    let mut t = pty::Term::spawn(cmd, 80, 24, &env.dir.path().join("tui.stderr"));
    t.wait_text("Find a customer");
    t.send(b"yamada\r");
    t.wait_text("5 ok │");
    assert!(t.screen().contains("山田"), "{}", t.screen());

    remove_operator(&env, AGENT);
    // Within a few seconds, with no key pressed, the screen gives way.
    t.wait_text("Access refused");
    let screen = t.screen();
    assert!(
        screen.contains("was removed from the operators"),
        "{screen}"
    );
    assert!(
        !screen.contains("山田"),
        "personal data stays on screen:\n{screen}"
    );
    // Keys other than quit do nothing; the session ends with q.
    t.send(b"c");
    std::thread::sleep(Duration::from_millis(300));
    t.pump();
    assert!(t.screen().contains("Access refused"));
    t.send(b"q");
    let status = t.expect_exit("q on the refusal screen");
    assert!(status.success(), "{status}");
    // The cut-off is on record in the operator's name.
    let cut = env.audit("session_refused");
    assert_eq!(cut.len(), 1, "{cut:?}");
    assert_eq!(cut[0].operator, AGENT);
}
