//! Faults around a real server process: the server killed with SIGKILL in
//! the middle of an action (a new server reconciles it, each change applied
//! once), clients killed in the middle of a search (the server stops their
//! work, still audits it, and goes on serving), and a server restarted
//! under an open TUI (it says so, keeps what was typed, and comes back).

use crate::common;
use crate::pty;

use axum::routing::get;
use axum::Router;
use common::actions::*;
use common::served::Served;
use common::*;
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use serde_json::Value;
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicUsize, Ordering};
use std::sync::Arc;
use std::time::{Duration, Instant};

#[test]
fn a_server_killed_mid_action_is_reconciled_by_the_next_one_exactly_once() {
    let env = action_env(|_| {});
    let case = env.taro_case("erasure", &["crm:C-1001", "support:9001", "mailing:S-5"]);
    let a = env.approved(
        &case,
        &[
            "--system", "crm", "--system", "support", "--system", "mailing",
        ],
    );
    let id = a["id"].as_str().unwrap().to_string();
    let mut server = Served::start(&env);
    let crm = env.sample("crm");
    crm.knobs.sleep_before_ms.store(1500, Ordering::Relaxed);
    let mut run = server
        .client(&env, AGENT, &["action", "run", &id, "--json"])
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    wait_for("the delete to reach crm", || crm.writes_in_flight() == 1);
    server.signal(Signal::SIGKILL);
    // The client says the run's answer was cut off, and stops.
    let out = run.wait_with_output_timeout();
    assert!(!out.0.success(), "the run's client ends with an error");
    assert!(
        out.1.contains("cut off") || out.1.contains("broke"),
        "{}",
        out.1
    );
    server.restart(&env);
    let mut report = Value::Null;
    for _ in 0..5 {
        let o = server.run(&env, AGENT, &["action", "run", &id, "--json"]);
        for line in stdout(&o).lines() {
            if let Ok(v) = serde_json::from_str::<Value>(line) {
                if let Some(r) = v.get("report") {
                    report = r.clone();
                }
            }
        }
        if o.status.code() == Some(0) {
            break;
        }
        assert_eq!(o.status.code(), Some(3), "{}", show(&o));
        wait_for("the systems to finish", || crm.writes_in_flight() == 0);
    }
    for j in report["action"]["jobs"].as_array().expect("jobs") {
        let system = j["system"].as_str().unwrap();
        let key = j["idempotency_key"].as_str().unwrap();
        assert_eq!(j["state"], "done", "{j}");
        assert_eq!(env.sample(system).key_applied(key), 1, "{system}");
    }
    assert!(crm.find("id", "C-1001").is_none());
    assert_eq!(crm.writes_applied(), 1);
}

trait WaitOutput {
    fn wait_with_output_timeout(&mut self) -> (std::process::ExitStatus, String);
}

impl WaitOutput for Child {
    fn wait_with_output_timeout(&mut self) -> (std::process::ExitStatus, String) {
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Some(status) = self.try_wait().unwrap() {
                let mut err = String::new();
                if let Some(mut e) = self.stderr.take() {
                    use std::io::Read;
                    let _ = e.read_to_string(&mut err);
                }
                return (status, err);
            }
            assert!(Instant::now() < deadline, "the client did not end");
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A system that takes 30 s to answer a search, counting the requests
/// that arrive and those given up before their answer.
fn hanging_system(rt: &tokio::runtime::Runtime) -> (String, Arc<AtomicUsize>, Arc<AtomicUsize>) {
    let arrived = Arc::new(AtomicUsize::new(0));
    let dropped = Arc::new(AtomicUsize::new(0));
    struct OnDrop(Arc<AtomicUsize>, bool);
    impl Drop for OnDrop {
        fn drop(&mut self) {
            if !self.1 {
                self.0.fetch_add(1, Ordering::SeqCst);
            }
        }
    }
    let (a, d) = (arrived.clone(), dropped.clone());
    let app = Router::new().route(
        "/people",
        get(move || {
            let (a, d) = (a.clone(), d.clone());
            async move {
                a.fetch_add(1, Ordering::SeqCst);
                let mut guard = OnDrop(d, false);
                tokio::time::sleep(Duration::from_secs(30)).await;
                guard.1 = true;
                axum::Json(serde_json::json!([]))
            }
        }),
    );
    let listener = rt
        .block_on(tokio::net::TcpListener::bind("127.0.0.1:0"))
        .unwrap();
    let url = format!("http://{}", listener.local_addr().unwrap());
    rt.spawn(async move { axum::serve(listener, app).await });
    (url, arrived, dropped)
}

#[test]
fn clients_killed_mid_search_stop_their_work_in_the_server() {
    let rt = runtime();
    let (url, arrived, dropped) = hanging_system(&rt);
    let env = Env::start_with(|doc| {
        let mut t = toml_edit::Table::new();
        t["base_url"] = toml_edit::value(url.clone());
        t["timeout_secs"] = toml_edit::value(60.0);
        let mut search = toml_edit::Table::new();
        search["kinds"] = toml_edit::value(toml_edit::Array::from_iter(["name"]));
        search["path"] = toml_edit::value("/people");
        t["search"] = toml_edit::Item::Table(search);
        let mut fields = toml_edit::Table::new();
        fields["id"] = toml_edit::value("id");
        t["fields"] = toml_edit::Item::Table(fields);
        doc["systems"]["slow"] = toml_edit::Item::Table(t);
        doc["search"]["timeout_secs"] = toml_edit::value(60.0);
    });
    let server = Served::start(&env);
    let clients: Vec<Child> = (0..5)
        .map(|_| {
            server
                .client(&env, AGENT, &["search", "yamada"])
                .stdout(Stdio::null())
                .stderr(Stdio::null())
                .spawn()
                .unwrap()
        })
        .collect();
    wait_for("every search to reach the slow system", || {
        arrived.load(Ordering::SeqCst) == 5
    });
    for mut c in clients {
        kill(Pid::from_raw(c.id() as i32), Signal::SIGKILL).unwrap();
        let _ = c.wait();
    }
    // The server gave the requests up (no answer waited for) ...
    wait_for("the server to stop asking", || {
        dropped.load(Ordering::SeqCst) == 5
    });
    // ... and every search is in the audit log, marked interrupted.
    wait_for("the interrupted searches to be audited", || {
        env.audit("search")
            .iter()
            .filter(|e| e.details["interrupted"] == true)
            .count()
            == 5
    });
    // It goes on serving.
    let o = server.run(&env, AGENT, &["case", "list", "--json"]);
    assert_exit(&o, 0);
}

#[test]
fn an_open_tui_outlives_a_server_restart_and_keeps_what_was_typed() {
    let env = Env::start();
    let mut server = Served::start(&env);
    let mut c = Command::new(BIN);
    c.arg("--server").arg(&server.socket).args(["--as", AGENT]);
    isolate(&mut c, env.dir.path());
    let mut t = pty::Term::spawn(c, 80, 24, &env.dir.path().join("tui.stderr"));
    t.wait_text("Find a customer");
    t.send(b"yama");
    t.wait_text("yama");
    server.signal(Signal::SIGTERM);
    t.wait_text("lost");
    assert!(t.screen().contains("yama"), "{}", t.screen());
    server.restart(&env);
    t.wait_text("connected to the server again");
    t.send(b"da taro\r");
    t.wait_text("山田 太郎");
    t.send(b"\x03");
    t.expect_exit("ctrl-c quits");
}

/// One request to the server as a client of its own making would send it,
/// over HTTP/2 on the socket: the status and the body.
fn raw_request(
    socket: &std::path::Path,
    path: &str,
    protocol: &str,
    body: Vec<u8>,
) -> (u16, String) {
    use http_body_util::{BodyExt, Full};
    runtime().block_on(async {
        let stream = tokio::net::UnixStream::connect(socket).await.unwrap();
        let (mut send, conn) = hyper::client::conn::http2::handshake(
            hyper_util::rt::TokioExecutor::new(),
            hyper_util::rt::TokioIo::new(stream),
        )
        .await
        .expect("an HTTP/2 connection");
        tokio::spawn(conn);
        let req = hyper::Request::post(format!("http://privdesk{path}"))
            .header("privdesk-protocol", protocol)
            .header("user-agent", "privdesk/9.0.0")
            .header("content-type", "application/json")
            .body(Full::new(bytes::Bytes::from(body)))
            .unwrap();
        let res = send.send_request(req).await.expect("an answer");
        let status = res.status().as_u16();
        let body = res.into_body().collect().await.unwrap().to_bytes();
        (status, String::from_utf8_lossy(&body).into_owned())
    })
}

#[test]
fn clients_of_another_version_are_told_so_and_change_nothing() {
    let env = Env::start();
    let server = Served::start(&env);
    let entries = || {
        env.store()
            .audit_entries(&privdesk::store::AuditFilter::default())
            .unwrap()
            .len()
    };
    let before = entries();
    // A client of a later protocol says hello.
    let hello = serde_json::json!({
        "client": "privdesk 9.0", "version": "9.0.0", "protocol": 99, "act_as": null
    });
    let (status, body) = raw_request(
        &server.socket,
        "/v1/hello",
        "99",
        serde_json::to_vec(&hello).unwrap(),
    );
    assert!((400..500).contains(&status), "{status} {body}");
    let v: Value = serde_json::from_str(&body).expect("a JSON error");
    let msg = v["message"].as_str().unwrap_or_default();
    assert!(
        msg.contains("the client is privdesk 9.0.0 (protocol 99)"),
        "{body}"
    );
    assert!(
        msg.contains("use the privdesk installed with the server"),
        "{body}"
    );
    // A call of an unknown shape from a client of this protocol is refused
    // with where it went wrong.
    let (status, body) = raw_request(
        &server.socket,
        "/v1/call",
        "1",
        br#"{"op":"close_everything","args":{}}"#.to_vec(),
    );
    assert!((400..500).contains(&status), "{status} {body}");
    // A request over the size limit is refused before it is read whole.
    let (status, body) = raw_request(&server.socket, "/v1/hello", "1", vec![b' '; 5 << 20]);
    assert!((400..500).contains(&status), "{status} {body}");
    assert!(body.contains("MiB"), "{body}");
    // A client that does not speak HTTP/2 at all gets the connection closed.
    {
        use std::io::{Read, Write};
        let mut s = std::os::unix::net::UnixStream::connect(&server.socket).unwrap();
        s.set_read_timeout(Some(Duration::from_secs(10))).unwrap();
        let _ = s.write_all(b"GET /v1/hello HTTP/1.1\r\nHost: x\r\n\r\n");
        let mut buf = Vec::new();
        let _ = s.read_to_end(&mut buf);
    }
    // Nothing changed, and the server goes on serving this version.
    assert_eq!(entries(), before, "a refused hello writes nothing");
    let o = server.run(&env, AGENT, &["case", "list", "--json"]);
    assert_exit(&o, 0);
}
