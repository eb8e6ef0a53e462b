//! The real `privdesk` binary in a pseudo-terminal (80x24, xterm-256color)
//! against the real sample systems, with HOME and the XDG folders in a temp
//! dir: a search-open-reveal session, a hang-up by signal and by a closed
//! terminal (the typed query survives), and NO_COLOR output.

use crate::common;
use crate::pty;

use common::Env;
use nix::sys::signal::{kill, Signal};
use privdesk::store::{AuditFilter, Store};
use pty::Term;

const DOWN: &[u8] = b"\x1b[B";
const ENTER: &[u8] = b"\r";
const ESC: &[u8] = b"\x1b";

fn start(env: &Env, extra_env: &[(&str, &str)], log: &str) -> Term {
    let mut cmd = env.command(&[]);
    for (k, v) in extra_env {
        cmd.env(k, v);
    }
    let mut t = Term::spawn(cmd, 80, 24, &env.dir.path().join(log));
    t.wait_text("Find a customer");
    t
}

#[test]
fn search_open_reveal_and_quit() {
    let env = Env::start();
    let mut t = start(&env, &[], "a.stderr");
    t.send(b"yamada");
    t.wait_text("› yamada");
    t.send(ENTER);
    // Done: every system answered and no spinner after the count.
    t.wait_text("5 ok │");
    t.wait_text("CRM BIL SUP LOY MAIL");
    t.send(DOWN);
    t.send(ENTER);
    t.wait_for("records of several systems", |s| {
        s.contains("CRM · C-1001") && s.contains("BIL · B-77")
    });
    assert!(t.screen().contains("masked"));
    assert!(!t.screen().contains("taro.yamada@example.jp"));

    t.send(b"r");
    t.wait_text("Choose why");
    t.send(ENTER);
    t.wait_text("REVEALED");
    t.wait_text("taro.yamada@example.jp");

    t.send(b"q");
    let status = t.expect_exit("q");
    assert!(status.success(), "exit status {status}");

    let store = Store::open(&env.store_path(), 5000).expect("open the store");
    let entries = store.audit_entries(&AuditFilter::default()).unwrap();
    let search = entries
        .iter()
        .find(|e| e.kind == "search")
        .unwrap_or_else(|| panic!("no search entry in {entries:#?}"));
    assert_eq!(search.details["query"], "yamada");
    let reveal = entries
        .iter()
        .find(|e| e.kind == "reveal")
        .unwrap_or_else(|| panic!("no reveal entry in {entries:#?}"));
    let cfg = privdesk::config::load_file(&env.config).unwrap();
    assert_eq!(reveal.details["purpose"], cfg.reveal.purposes[0].as_str());
    let records = reveal.details["records"].as_array().unwrap();
    assert!(records.iter().any(|r| r == "crm:C-1001"), "{records:?}");
    assert!(records.iter().any(|r| r == "billing:B-77"), "{records:?}");
}

#[test]
fn one_value_is_revealed_with_a_purpose_and_masked_again_on_leaving() {
    let env = Env::start();
    let mut t = start(&env, &[], "v.stderr");
    t.send(b"yamada");
    t.send(ENTER);
    t.wait_text("5 ok │");
    t.send(DOWN);
    t.send(ENTER);
    t.wait_text("CRM · C-1001");

    t.send(b"v");
    t.wait_text("Choose why");
    t.wait_text("‹email› of crm:C-1001");
    t.send(ENTER);
    t.wait_text("the other values stay masked");
    let shown = t.screen();
    assert!(shown.contains("taro.yamada@example.jp"), "{shown}");
    assert!(
        !shown.contains("REVEALED"),
        "only one value is shown: {shown}"
    );
    assert!(
        shown.contains("***-****-"),
        "the phone stays masked: {shown}"
    );

    // Another screen and back: masked again.
    t.send(b"c");
    t.wait_text("My cases");
    t.send(ESC);
    t.wait_text("CRM · C-1001");
    t.wait_for("the value masked again", |s| {
        !s.contains("taro.yamada@example.jp") && s.contains("t***@example.jp")
    });
    t.send(b"q");
    assert!(t.expect_exit("q").success());

    let store = Store::open(&env.store_path(), 5000).expect("open the store");
    let entries = store.audit_entries(&AuditFilter::default()).unwrap();
    let reveal = entries
        .iter()
        .find(|e| e.kind == "reveal")
        .unwrap_or_else(|| panic!("no reveal entry in {entries:#?}"));
    assert_eq!(reveal.details["field"], "email");
    assert_eq!(reveal.details["records"], serde_json::json!(["crm:C-1001"]));
}

/// Type a draft, lose the terminal with `hang_up`, check the process ends,
/// then start again and find the draft in the query box.
fn draft_survives(log: &str, hang_up: impl FnOnce(&mut Term)) {
    let env = Env::start();
    let mut t = start(&env, &[], log);
    t.send("taro 山".as_bytes());
    t.wait_text("› taro 山");
    hang_up(&mut t);
    // A process that hangs or spins on a dead terminal fails here.
    t.expect_exit("the hang-up");
    drop(t);

    let mut again = start(&env, &[], &format!("again-{log}"));
    again.wait_text("› taro 山");
    again.wait_text("restored what you were typing");
    again.send(b"\x03");
    assert!(again.expect_exit("ctrl-c").success());
}

#[test]
fn sighup_saves_the_draft_and_exits() {
    draft_survives("b.stderr", |t| {
        kill(t.pid(), Signal::SIGHUP).expect("send SIGHUP");
    });
}

#[test]
fn a_draft_typed_300_ms_before_sigkill_is_offered_back() {
    let env = Env::start();
    let mut t = start(&env, &[], "k.stderr");
    t.send("suzuki 花".as_bytes());
    t.wait_text("› suzuki 花");
    std::thread::sleep(std::time::Duration::from_millis(300));
    // No chance to save anything on the way out.
    kill(t.pid(), Signal::SIGKILL).expect("send SIGKILL");
    t.expect_exit("SIGKILL");
    drop(t);

    let mut again = start(&env, &[], "k-again.stderr");
    again.wait_text("› suzuki 花");
    again.wait_text("restored what you were typing");
    again.send(b"\x03");
    assert!(again.expect_exit("ctrl-c").success());
}

#[test]
fn closing_the_terminal_saves_the_draft_and_exits() {
    draft_survives("c.stderr", |t| t.close());
}

/// SGR parameters that select a colour (not the terminal's default).
fn colour_codes(raw: &[u8]) -> Vec<String> {
    let text = String::from_utf8_lossy(raw);
    let mut found = Vec::new();
    let mut rest = &text[..];
    while let Some(i) = rest.find("\x1b[") {
        rest = &rest[i + 2..];
        let end = rest
            .find(|c: char| ('\x40'..='\x7e').contains(&c))
            .unwrap_or(rest.len());
        let (params, tail) = rest.split_at(end);
        if tail.starts_with('m') {
            for p in params
                .split([';', ':'])
                .map(|p| p.parse::<u16>().unwrap_or(0))
            {
                match p {
                    30..=37 | 40..=47 | 90..=97 | 100..=107 => found.push(format!("{params}m")),
                    38 | 48 | 58 => {
                        found.push(format!("{params}m"));
                        break;
                    }
                    _ => {}
                }
            }
        }
        rest = tail;
    }
    found
}

#[test]
fn no_color_output_has_no_colour_codes() {
    assert_eq!(
        colour_codes(b"\x1b[1;31mx\x1b[0m\x1b[38;5;1m"),
        ["1;31m", "38;5;1m"]
    );
    assert!(colour_codes(b"\x1b[1m\x1b[7m\x1b[0m\x1b[39m\x1b[?2026h").is_empty());

    let env = Env::start();
    let mut t = start(&env, &[("NO_COLOR", "1")], "d.stderr");
    t.send(b"yamada\r");
    t.wait_text("5 ok │");
    t.send(DOWN);
    t.send(ENTER);
    t.wait_text("CRM · C-1001");
    t.send(b"r");
    t.wait_text("Choose why");
    t.send(b"\x1b");
    t.wait_text("nothing revealed");
    t.send(b"q");
    assert!(t.expect_exit("q").success());
    assert!(t.raw.len() > 1000, "the session drew something");
    assert!(
        t.raw.windows(2).any(|w| w == b"\x1b["),
        "attributes are still sent"
    );
    let colours = colour_codes(&t.raw);
    assert!(
        colours.is_empty(),
        "colour codes with NO_COLOR: {colours:?}"
    );

    // The same session in colour does use colours, so the check can fail.
    let mut t = start(&env, &[], "d2.stderr");
    t.send(b"\x03");
    assert!(t.expect_exit("ctrl-c").success());
    assert!(!colour_codes(&t.raw).is_empty());
}
