//! The real `privdesk` binary in a pseudo-terminal (80x24) against the real
//! sample systems: find a story customer, open a disclosure case under APPI
//! made by a representative, see its due date, start a note, lose the
//! terminal to SIGHUP mid-note, start again and get the note back.

use crate::common;
use crate::pty;

use common::Env;
use nix::sys::signal::{kill, Signal};
use privdesk::domain::{CaseId, CaseStatus, Law, RequestKind};
use pty::Term;
use std::time::Duration;

const DOWN: &[u8] = b"\x1b[B";
const RIGHT: &[u8] = b"\x1b[C";
const ENTER: &[u8] = b"\r";
const TAB: &[u8] = b"\t";
const CTRL_S: &[u8] = b"\x13";
const F3: &[u8] = b"\x1bOR";

fn start(env: &Env, log: &str) -> Term {
    let mut t = Term::spawn(env.command(&[]), 80, 24, &env.dir.path().join(log));
    t.wait_text("Find a customer");
    t
}

/// An idle desk writes nothing to the terminal: no byte for two seconds.
/// (The status bar may change when a minute begins, so the window never
/// spans one.)
fn assert_idle_writes_nothing(t: &mut Term) {
    use chrono::Timelike;
    let second = chrono::Utc::now().second();
    if second >= 56 {
        std::thread::sleep(Duration::from_secs(u64::from(61 - second)));
    }
    std::thread::sleep(Duration::from_millis(300));
    t.pump();
    let before = t.raw.len();
    std::thread::sleep(Duration::from_secs(2));
    t.pump();
    let extra = String::from_utf8_lossy(&t.raw[before..]).into_owned();
    assert!(extra.is_empty(), "an idle screen wrote {extra:?}");
}

/// The case number in the header (`Case PD-2026-000001`).
fn case_on_screen(screen: &str) -> CaseId {
    let at = screen.find("Case PD-").expect("a case header") + "Case ".len();
    CaseId::parse(&screen[at..at + "PD-2026-000001".len()]).expect("a case number")
}

#[test]
fn open_a_case_for_a_customer_and_get_an_interrupted_note_back() {
    let env = Env::start();
    let mut t = start(&env, "a.stderr");
    t.send(b"yamada");
    t.send(ENTER);
    t.wait_text("5 ok │");
    t.send(DOWN);
    t.send(ENTER);
    t.wait_text("CRM · C-1001");

    // The form, linked to the person's records.
    t.send(b"n");
    t.wait_text("New case · linked: crm:C-1001");
    assert!(
        !t.screen().contains("taro.yamada@example.jp"),
        "contact masked"
    );
    t.send(RIGHT);
    t.send(RIGHT);
    t.wait_text("Rights request");
    t.send(DOWN); // law: APPI
    t.send(DOWN); // kind
    t.send(RIGHT);
    t.wait_text("Disclosure of held");
    // channel, received, priority, fee, name, email, phone, reply via, representative
    for _ in 0..9 {
        t.send(TAB);
    }
    t.send(b" ");
    t.wait_text("[x] yes");
    t.send(TAB);
    t.send("山田 花子".as_bytes());
    t.send(TAB);
    t.send(b"mother");
    t.send(TAB);
    t.send(b"family register copy");
    t.send(TAB);
    t.send(b"Wants a copy of all data.");
    t.wait_text("Wants a copy of all data.");
    t.send(CTRL_S);
    t.wait_text("opened; due");
    t.wait_text("Due ");
    assert_idle_writes_nothing(&mut t);
    let screen = t.screen();
    let id = case_on_screen(&screen);

    let store = env.store();
    let case = store.get_case(id).unwrap().expect("the case is stored");
    assert_eq!(case.kind, Some(RequestKind::Disclosure));
    assert_eq!(case.law, Law::Appi);
    assert_eq!(case.status, CaseStatus::New);
    let rep = case
        .requester
        .representative
        .as_ref()
        .expect("a representative");
    assert_eq!(
        (rep.name.as_str(), rep.relation.as_str()),
        ("山田 花子", "mother")
    );
    assert_eq!(rep.proof.as_deref(), Some("family register copy"));
    let due = case.queue_due().expect("a due date");
    assert!(
        screen.contains(&due.format("%Y-%m-%d").to_string()),
        "the due date {due} is on the screen:\n{screen}"
    );
    let links = store.case_links(id).unwrap();
    assert!(
        links.iter().any(|l| l.to_string() == "crm:C-1001"),
        "{links:?}"
    );
    let operator = case.created_by.clone();
    assert_eq!(
        store.load_draft(&operator, "case.new.crm:C-1001").unwrap(),
        None,
        "the form's draft is gone once the case exists"
    );

    // A note, interrupted.
    t.send(b"n");
    t.wait_text(&format!("Internal note · {id}"));
    t.send(b"Called back: the ID copy follows by post");
    t.wait_text("the ID copy follows by post");
    kill(t.pid(), Signal::SIGHUP).expect("send SIGHUP");
    t.expect_exit("SIGHUP");
    drop(t);

    let mut again = start(&env, "b.stderr");
    again.wait_text(&format!("unsent: note on {id}"));
    again.wait_text("press f3 to continue");
    again.send(F3);
    again.wait_text(&format!("Internal note · {id}"));
    again.wait_text("Called back: the ID copy follows by post");
    // Send it: the draft goes, the note is on the case.
    again.send(CTRL_S);
    again.wait_text("note added");
    again.wait_text("Internal notes (1)");
    again.send(b"q");
    assert!(again.expect_exit("q").success());
    let key = format!("case.{id}.note");
    assert_eq!(store.load_draft(&operator, &key).unwrap(), None);
    let case = store.get_case(id).unwrap().unwrap();
    assert_eq!(case.version, 2, "one change: the note");
}
