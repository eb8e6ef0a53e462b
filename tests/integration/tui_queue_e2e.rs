//! The supervisor's queue in the real binary (80x24 pseudo-terminal): the
//! demo opens on its example cases, `f2` shows the queue, and a case an
//! agent opens from another process appears on the supervisor's screen
//! without a key being pressed.

use crate::common;
use crate::pty;

use common::{isolate, repo, show, BIN};
use pty::Term;
use std::process::Command;

const F2: &[u8] = b"\x1bOQ";

#[test]
fn a_case_opened_elsewhere_appears_in_the_supervisors_queue() {
    let home = tempfile::tempdir().unwrap();
    let mut c = Command::new(BIN);
    c.args(["demo", "--no-latency", "--port-base", "0"]);
    isolate(&mut c, home.path());
    let mut sup = Term::spawn(c, 80, 24, &home.path().join("sup.stderr"));
    sup.wait_text("Find a customer");
    sup.send(F2);
    sup.wait_text("Overdue");
    // The example cases are there, overdue ones among them (marked `!`).
    sup.wait_for("an overdue row", |s| {
        s.lines().any(|l| l.contains("PD-") && l.contains("!-"))
    });

    // The agent opens a complaint through the command line, same store.
    let mut agent = Command::new(BIN);
    agent
        .arg("--config")
        .arg(repo().join("data/sample-config.toml"))
        .args(["--as", "demo-agent", "case", "new", "--json"])
        .args(["--category", "complaint", "--channel", "phone"])
        .args(["--requester-name", "Mori Kenji"])
        .args([
            "--description",
            "Loyalty page shows another member's address.",
        ]);
    isolate(&mut agent, home.path());
    let o = agent.output().unwrap();
    assert_eq!(o.status.code(), Some(0), "{}", show(&o));
    let v: serde_json::Value = serde_json::from_slice(&o.stdout).unwrap();
    let id = v["case"]["id"]
        .as_str()
        .or_else(|| v["id"].as_str())
        .expect("the new case's number")
        .to_string();

    // No key pressed: the watch reloads the queue.
    sup.wait_text(&id);
    sup.close();
}
