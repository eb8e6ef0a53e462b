//! The actions story end to end, as the demo tells it: two `privdesk demo`
//! sessions in two pseudo-terminals (80x24) sharing the demo store, the
//! second using the sample systems the first serves. The agent prepares a
//! correction of Taro Yamada's phone number and a disclosure; the
//! supervisor approves the disclosure from the approval inbox; the agent
//! runs both and every job ends done, the correction verified.

use crate::common;
use crate::pty;

use common::{isolate, repo, show, BIN};
use privdesk::domain::{ActionStatus, CaseId, JobState};
use privdesk::store::Store;
use pty::Term;
use std::path::Path;
use std::process::Command;

const ENTER: &[u8] = b"\r";
const TAB: &[u8] = b"\t";
const RIGHT: &[u8] = b"\x1b[C";
const CTRL_S: &[u8] = b"\x13";
const CTRL_P: &[u8] = b"\x10";

/// Six consecutive free ports on loopback (checked by binding them).
fn free_range() -> u16 {
    let start = 30_000 + (std::process::id() % 5_000) as u16 * 6;
    for i in 0..200u16 {
        let base = 30_000 + (start - 30_000 + i * 6) % 30_000;
        let held: Vec<_> = (0..6)
            .map_while(|k| std::net::TcpListener::bind(("127.0.0.1", base + k)).ok())
            .collect();
        if held.len() == 6 {
            return base;
        }
    }
    panic!("no six free consecutive ports");
}

/// `privdesk demo` (as `user` when given) on the shared store and ports.
fn demo(home: &Path, base: u16, user: Option<&str>, log: &str) -> Term {
    let mut c = Command::new(BIN);
    if let Some(u) = user {
        c.args(["--as", u]);
    }
    c.args([
        "demo",
        "--no-latency",
        "--no-seed",
        "--port-base",
        &base.to_string(),
    ]);
    isolate(&mut c, home);
    let mut t = Term::spawn(c, 80, 24, &home.join(log));
    t.wait_text("Find a customer");
    t
}

/// The CLI on the demo configuration and store, as the agent.
fn cli(home: &Path, args: &[&str]) -> String {
    let mut c = Command::new(BIN);
    c.arg("--config")
        .arg(repo().join("data/sample-config.toml"))
        .args(["--as", "demo-agent"])
        .args(args);
    isolate(&mut c, home);
    let o = c.output().expect("run privdesk");
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    String::from_utf8_lossy(&o.stdout).into_owned()
}

/// Palette: type `what` and run the first command that matches.
fn palette(t: &mut Term, what: &str) {
    t.send(CTRL_P);
    t.wait_text("Commands");
    t.send(what.as_bytes());
    t.send(ENTER);
}

#[test]
fn agent_prepares_supervisor_approves_agent_runs() {
    let home = tempfile::tempdir().unwrap();
    let base = free_range();
    let mut agent = demo(home.path(), base, Some("demo-agent"), "agent.stderr");
    let mut sup = demo(home.path(), base, None, "sup.stderr");
    assert!(
        std::fs::read_to_string(home.path().join("sup.stderr"))
            .unwrap()
            .contains("joining the demo another terminal started"),
        "the second demo joins the first one's server"
    );

    // A correction request from Taro Yamada, identity checked, held by the agent.
    let out = cli(
        home.path(),
        &[
            "case",
            "new",
            "--category",
            "rights_request",
            "--kind",
            "correction",
            "--channel",
            "email",
            "--requester-name",
            "Taro Yamada",
            "--requester-email",
            "taro.yamada@example.jp",
            "--assignee",
            "demo-agent",
            "--link",
            "crm:C-1001",
            "--link",
            "billing:B-77",
            "--link",
            "support:9001",
            "--link",
            "loyalty:L-00042",
            "--json",
        ],
    );
    let v: serde_json::Value = serde_json::from_str(&out).expect("JSON");
    let id = v["id"].as_str().expect("an id").to_string();
    cli(
        home.path(),
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

    // The agent opens the case and its actions.
    palette(&mut agent, "my cases");
    agent.wait_text(&id);
    agent.send(ENTER);
    agent.wait_text("Identity");
    agent.send(b"x");
    agent.wait_text("No action yet");

    // A correction of the phone number: the dry run, masked.
    agent.send(b"p");
    agent.wait_text("Prepare an action");
    for _ in 0..4 {
        agent.send(TAB); // records, name, email, phone
    }
    agent.send(b"080-9999-1234");
    agent.send(CTRL_S);
    agent.wait_text("not created yet");
    let screen = agent.screen();
    assert!(screen.contains("PATCH"), "{screen}");
    assert!(!screen.contains("080-9999-1234"), "masked:\n{screen}");
    agent.send(ENTER);
    agent.wait_text("Dry run · A-1");
    agent.wait_text("ready to run");
    let screen = agent.screen();
    assert!(screen.contains("PATCH"), "{screen}");
    assert!(screen.contains("***-****-1234"), "{screen}");
    assert!(!screen.contains("080-9999-1234"), "masked:\n{screen}");
    agent.send(b"\x1b");
    agent.wait_text("── A-1");

    // A disclosure: it waits for a supervisor.
    agent.send(b"p");
    agent.wait_text("Prepare an action");
    agent.send(RIGHT); // update -> delete
    agent.send(RIGHT); // -> suspend
    agent.send(RIGHT); // -> stop third party
    agent.send(RIGHT); // -> export
    agent.wait_text("Export (disclosure)");
    agent.send(CTRL_S);
    agent.wait_text("will wait for approval");
    agent.send(ENTER);
    agent.wait_text("Dry run · A-2");
    agent.wait_text("waits for a supervisor's approval");

    // The supervisor approves it from the inbox, in the other terminal.
    palette(&mut sup, "approval inbox");
    sup.wait_text("A-2");
    sup.wait_text("What would be sent");
    sup.send(b"y");
    sup.wait_text("Approve · A-2");
    sup.send(b"asked in writing, ID checked");
    sup.send(CTRL_S);
    sup.wait_text("A-2 approved");
    sup.wait_text("Nothing waits for approval");

    // The agent's dry run shows the approval without a key.
    agent.wait_for("the approval on the agent's dry run, live", |s| {
        s.contains("Dry run · A-2") && !s.contains("waits for a supervisor's approval")
    });

    // The agent runs the correction, then the disclosure.
    agent.send(b"\x1b");
    agent.wait_text("── A-2");
    agent.send(b"g"); // A-1
    agent.send(b"e");
    agent.wait_text("A-1 ran:");
    agent.wait_for("the approval on the panel, live", |s| {
        s.contains("── A-2") && !s.contains("awaiting approval")
    });
    agent.send(b"G"); // the disclosure's last job
    agent.send(b"e");
    agent.wait_text("A-2 ran:");
    // The case's blockers follow the jobs without a key.
    agent.wait_for("no job listed as not run once all are done", |s| {
        !s.contains("not run yet")
    });
    agent.send(b"q");
    assert!(agent.expect_exit("q").success());
    sup.send(b"q");
    assert!(sup.expect_exit("q").success());

    let store = Store::open(&home.path().join(".local/share/privdesk/demo.db"), 5000)
        .expect("the demo store");
    let case = CaseId::parse(&id).unwrap();
    let actions = store.case_actions(case).unwrap();
    assert_eq!(actions.len(), 2);
    assert!(actions.iter().all(|a| a.status == ActionStatus::Approved));
    let approver = actions[1]
        .decided_by
        .as_deref()
        .expect("approved by someone");
    assert_ne!(approver, "demo-agent", "four-eyes");
    let jobs = store.case_jobs(case).unwrap();
    assert!(!jobs.is_empty());
    for j in &jobs {
        assert_eq!(j.state, JobState::Done, "{} {:?}", j.target(), j.message);
    }
    let correction: Vec<_> = jobs
        .iter()
        .filter(|j| j.action_id == actions[0].id)
        .collect();
    assert!(!correction.is_empty());
    for j in correction {
        assert_eq!(
            j.verified,
            Some(true),
            "{} was checked after the change",
            j.target()
        );
    }
}
