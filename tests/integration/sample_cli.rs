//! `privdesk sample-systems` as its own process, and `privdesk demo --search`.

use crate::common;
use crate::pty;

use common::*;
use std::io::{BufRead, BufReader, Read};
use std::process::{Child, Command, Stdio};

/// A `privdesk sample-systems` child, killed when dropped.
struct Serving {
    child: Child,
    urls: Vec<(String, String)>,
}

impl Drop for Serving {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// Start `sample-systems --port-base BASE`; None when a port was busy (the
/// child then exits at once, saying so).
fn serve(home: &std::path::Path, base: u16) -> Option<Serving> {
    let mut c = Command::new(BIN);
    c.args(["sample-systems", "--port-base", &base.to_string()])
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    isolate(&mut c, home);
    let mut child = c.spawn().expect("start sample-systems");
    let stdout = child.stdout.take().unwrap();
    let mut serving = Serving {
        child,
        urls: Vec::new(),
    };
    for line in BufReader::new(stdout).lines() {
        let line = line.unwrap();
        if line.starts_with("Serving the sample systems") {
            return Some(serving);
        }
        let mut parts = line.split_whitespace();
        let (Some(name), Some(url), None) = (parts.next(), parts.next(), parts.next()) else {
            panic!("unexpected line from sample-systems: {line:?}");
        };
        serving.urls.push((name.to_string(), url.to_string()));
    }
    // Ended before serving: a port in the range was taken.
    let status = serving.child.wait().unwrap();
    let mut err = String::new();
    serving
        .child
        .stderr
        .take()
        .unwrap()
        .read_to_string(&mut err)
        .unwrap();
    assert_eq!(status.code(), Some(1), "{err}");
    assert!(err.contains("cannot listen on 127.0.0.1:"), "{err}");
    None
}

#[test]
fn sample_systems_serve_a_real_search() {
    let home = tempfile::tempdir().unwrap();
    let mut base = 20_000 + (std::process::id() % 10_000) as u16;
    let mut serving = None;
    for _ in 0..20 {
        serving = serve(home.path(), base);
        if serving.is_some() {
            break;
        }
        base = 20_000 + (base - 20_000 + 97) % 10_000;
    }
    let serving = serving.expect("a free range of six ports");

    // The five searchable systems, then the OpenDSR processor.
    let names: Vec<&str> = serving.urls.iter().map(|(n, _)| n.as_str()).collect();
    assert_eq!(&names[..5], SAMPLE_SYSTEMS);
    assert_eq!(names[5..], ["analytics"]);
    for (i, (_, url)) in serving.urls.iter().enumerate() {
        assert_eq!(url, &format!("http://127.0.0.1:{}", base + i as u16));
    }

    let env = Env::against(runtime(), &serving.urls, |_| {});
    let o = env.run(&["search", "taro.yamada@example.jp", "--json"]);
    assert_exit(&o, 0);
    let v = json(&o);
    for s in SAMPLE_SYSTEMS {
        assert_eq!(system(&v, s)["status"], "ok");
    }
    assert_eq!(record_keys(person_with(&v, "crm", "C-1001")), TARO);
    drop(serving);

    // Once stopped, the same search reports every system asked unreachable
    // (loyalty does not search by email, and no second round is possible).
    let o = env.run(&["search", "taro.yamada@example.jp", "--json"]);
    assert_exit(&o, 3);
    let v = json(&o);
    for s in SAMPLE_SYSTEMS {
        let want = if s == "loyalty" {
            "not_asked"
        } else {
            "unreachable"
        };
        assert_eq!(system(&v, s)["status"], want, "{s}");
    }
    assert_eq!(v["persons"].as_array().unwrap().len(), 0);
}

#[test]
fn demo_search_runs_against_in_process_systems() {
    let home = tempfile::tempdir().unwrap();
    let mut c = Command::new(BIN);
    c.args(["demo", "--search", "yamada", "--json", "--port-base", "0"]);
    isolate(&mut c, home.path());
    let o = c.output().unwrap();
    assert_exit(&o, 0);
    let v = json(&o);
    assert_eq!(v["kind"], "name");
    assert_eq!(record_keys(person_with(&v, "crm", "C-1001")), TARO);
    assert_ne!(
        person_with(&v, "crm", "C-1001"),
        person_with(&v, "crm", "C-1002")
    );

    // The demo store is in the home folder, with the search audited.
    let db = home.path().join(".local/share/privdesk/demo.db");
    assert!(db.exists(), "no demo store at {}", db.display());
    let store = privdesk::store::Store::open(&db, 5000).unwrap();
    let entries = store.audit_entries(&Default::default()).unwrap();
    assert_eq!(entries.len(), 1);
    assert_eq!(entries[0].kind, "search");
    assert_eq!(entries[0].details["query"], "yamada");
}

/// A free range of six ports served by `sample-systems` (another demo's
/// systems, as far as a second demo can tell).
fn serving_somewhere(home: &std::path::Path) -> (u16, Serving) {
    let mut base = 20_000 + (std::process::id() % 10_000) as u16;
    for _ in 0..20 {
        if let Some(s) = serve(home, base) {
            return (base, s);
        }
        base = 20_000 + (base - 20_000 + 89) % 10_000;
    }
    panic!("no free range of six ports");
}

#[test]
fn a_second_demo_uses_the_sample_systems_already_served() {
    let home = tempfile::tempdir().unwrap();
    let (base, serving) = serving_somewhere(home.path());
    let mut c = Command::new(BIN);
    c.args([
        "demo",
        "--search",
        "yamada",
        "--json",
        "--port-base",
        &base.to_string(),
    ]);
    isolate(&mut c, home.path());
    let o = c.output().unwrap();
    assert_exit(&o, 0);
    let err = stderr(&o);
    assert!(
        err.contains(&format!(
            "using the sample systems another demo serves on 127.0.0.1 ports {base}-{}",
            base + 5
        )),
        "{err}"
    );
    let v = json(&o);
    assert_eq!(record_keys(person_with(&v, "crm", "C-1001")), TARO);
    // Once they are gone, the same demo starts its own on those ports.
    drop(serving);
    let o = c.output().unwrap();
    assert_exit(&o, 0);
    assert!(!stderr(&o).contains("another demo"), "{}", stderr(&o));
}

#[test]
fn a_demo_refuses_ports_held_by_something_else() {
    let home = tempfile::tempdir().unwrap();
    // One port of a free range held by a listener that never answers.
    let (base, serving) = serving_somewhere(home.path());
    drop(serving);
    let _held = std::net::TcpListener::bind(("127.0.0.1", base + 2)).expect("bind");
    let mut c = Command::new(BIN);
    c.args([
        "demo",
        "--search",
        "yamada",
        "--port-base",
        &base.to_string(),
    ]);
    isolate(&mut c, home.path());
    let o = c.output().unwrap();
    assert_exit(&o, 1);
    let err = stderr(&o);
    assert!(
        err.contains("not all served by privdesk's sample systems"),
        "{err}"
    );
    assert!(err.contains(&format!("ports {base}-{}", base + 5)), "{err}");
    assert!(err.contains("--port-base"), "{err}");
}

/// The open cases in a demo home's store.
fn demo_cases(home: &std::path::Path) -> Vec<privdesk::domain::CaseSummary> {
    let db = home.join(".local/share/privdesk/demo.db");
    let store = privdesk::store::Store::open(&db, 5000).unwrap();
    let today = chrono::Utc::now().date_naive();
    let all = privdesk::domain::CaseFilter {
        include_closed: true,
        ..Default::default()
    };
    store.list_cases(&all, today).unwrap()
}

/// The interactive demo, started and quit at once.
fn demo_once(home: &std::path::Path, extra: &[&str]) {
    let mut c = Command::new(BIN);
    c.args(["demo", "--no-latency", "--port-base", "0"])
        .args(extra);
    isolate(&mut c, home);
    let mut t = pty::Term::spawn(c, 80, 24, &home.join("demo.stderr"));
    t.wait_text("Find a customer");
    t.send(b"\x03");
    t.expect_exit("ctrl-c in the query box quits the demo");
}

#[test]
fn a_fresh_demo_store_gets_example_cases_once() {
    use privdesk::domain::{CaseStatus, Category};
    let home = tempfile::tempdir().unwrap();
    demo_once(home.path(), &[]);
    let cases = demo_cases(home.path());
    // Enough to fill the supervisor's queue sections.
    assert!(cases.iter().any(|c| c.overdue), "no overdue case");
    assert!(cases.iter().any(|c| !c.overdue), "every case overdue");
    assert!(cases.iter().any(|c| c.assignee.is_none()));
    assert!(cases
        .iter()
        .any(|c| c.assignee.as_deref() == Some("demo-agent")));
    for cat in [Category::Complaint, Category::RightsRequest] {
        assert!(cases.iter().any(|c| c.category == cat), "no {cat:?}");
    }
    // A few already dealt with, so the report has answers to count.
    for status in [CaseStatus::Closed, CaseStatus::Refused] {
        assert!(cases.iter().any(|c| c.status == status), "none {status:?}");
    }
    assert!(cases.iter().any(|c| c.status.is_open()));
    // A second start adds nothing.
    let first: Vec<_> = cases.iter().map(|c| c.id).collect();
    demo_once(home.path(), &[]);
    let again: Vec<_> = demo_cases(home.path()).iter().map(|c| c.id).collect();
    assert_eq!(first, again);

    // --no-seed leaves a fresh store empty.
    let empty = tempfile::tempdir().unwrap();
    demo_once(empty.path(), &["--no-seed"]);
    assert!(demo_cases(empty.path()).is_empty());
}
