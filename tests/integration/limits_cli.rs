//! `[limits]` in the real binary: an agent who goes over a limit is
//! refused (exit 5) before any system is asked, the refusal is an audit
//! entry of its own, and supervisors see it in the header of their queue.

use crate::common;
use crate::pty;

use common::actions::AGENT;
use common::served::Served;
use common::*;
use std::process::Stdio;

const F2: &[u8] = b"\x1bOQ";

fn limited(key: &str, n: i64) -> Env {
    Env::start_with(|doc| {
        doc["limits"]["agent"][key] = toml_edit::value(n);
    })
}

#[test]
fn searches_over_the_limit_are_refused_audited_and_ask_no_system() {
    let env = limited("searches_per_minute", 2);
    for _ in 0..2 {
        assert_exit(&env.run_as(AGENT, &["search", "yamada", "--json"]), 0);
    }
    let asked = env.sample_requests();
    let o = env.run_as(AGENT, &["search", "suzuki"]);
    assert_exit(&o, 5);
    let err = String::from_utf8_lossy(&o.stderr);
    assert!(
        err.contains("limit reached: 2 searches in the last minute for demo-agent"),
        "{err}"
    );
    assert!(err.contains("[limits.agent] searches_per_minute"), "{err}");
    assert_eq!(env.sample_requests(), asked, "no system was asked");
    // The refused search is not a search entry; the refusal is a limit one.
    assert_eq!(env.audit("search").len(), 2);
    let limits = env.audit("limit");
    assert_eq!(limits.len(), 1, "{limits:?}");
    assert_eq!(limits[0].operator, AGENT);
    assert_eq!(limits[0].subject, "searches_per_minute");
    assert_eq!(limits[0].details["used"], 2);
    assert_eq!(limits[0].details["allowed"], 2);
    // Another role's allowance is its own.
    assert_exit(&env.run(&["search", "suzuki", "--json"]), 0);
}

#[test]
fn reveals_over_the_limit_are_refused_before_any_system_is_asked() {
    let env = limited("reveals_per_hour", 1);
    let reveal = [
        "search",
        "yamada",
        "--reveal",
        "--purpose",
        "caller verified by phone",
        "--json",
    ];
    let o = env.run_as(AGENT, &reveal);
    assert_exit(&o, 0);
    assert_eq!(json(&o)["revealed"], true);
    let asked = env.sample_requests();
    let o = env.run_as(AGENT, &reveal);
    assert_exit(&o, 5);
    assert!(
        String::from_utf8_lossy(&o.stderr).contains("1 reveals in the last hour"),
        "{}",
        show(&o)
    );
    assert_eq!(env.sample_requests(), asked);
    assert_eq!(env.audit("reveal").len(), 1);
    assert_eq!(env.audit("limit")[0].subject, "reveals_per_hour");
    // The same search without a reveal is still allowed: masked data only.
    let o = env.run_as(AGENT, &["search", "yamada", "--json"]);
    assert_exit(&o, 0);
    assert_eq!(json(&o)["revealed"], false);
}

#[test]
fn a_supervisors_queue_says_who_reached_a_limit_today() {
    let env = limited("searches_per_minute", 1);
    assert_exit(&env.run_as(AGENT, &["search", "yamada", "--json"]), 0);
    assert_exit(&env.run_as(AGENT, &["search", "yamada", "--json"]), 5);
    let c = env.command(&[]);
    let mut t = pty::Term::spawn(c, 80, 24, &env.dir.path().join("tui.stderr"));
    t.wait_text("Find a customer");
    t.send(F2);
    t.wait_text("reached a limit today: demo-agent (searches per minute)");
    t.send(b"\x03");
    t.expect_exit("ctrl-c quits");
}

#[test]
fn a_burst_of_searches_at_once_gets_no_more_than_the_limit() {
    let env = limited("searches_per_minute", 3);
    let server = Served::start(&env);
    // Ten searches started together: every check comes before any of the
    // searches has ended (and been audited).
    let children: Vec<_> = (0..10)
        .map(|_| {
            server
                .client(&env, AGENT, &["search", "yamada", "--json"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    let codes: Vec<Option<i32>> = children
        .into_iter()
        .map(|c| c.wait_with_output().unwrap().status.code())
        .collect();
    assert_eq!(
        codes.iter().filter(|c| **c == Some(0)).count(),
        3,
        "{codes:?}"
    );
    assert_eq!(
        codes.iter().filter(|c| **c == Some(5)).count(),
        7,
        "{codes:?}"
    );
    assert_eq!(env.audit("search").len(), 3);
    assert_eq!(env.audit("limit").len(), 7);
    // A restarted server remembers them: the count comes from the log.
    drop(server);
    let server = Served::start(&env);
    assert_exit(&server.run(&env, AGENT, &["search", "yamada", "--json"]), 5);
}
