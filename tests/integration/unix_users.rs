//! A shared host as the deployment sets it up, with real Unix users: the
//! server runs as a system user of its own, its configuration, secrets and
//! store readable by it alone; operators are other users who reach it only
//! through its socket. As root (CI), these tests create throwaway users and
//! a group and remove them afterwards; as anyone else they cannot, and say
//! so.

use crate::common;
use crate::pty;

use common::{assert_exit, copy_dir, repo, show, stderr, stdout, BIN};
use privdesk::sample::{self, SampleOptions};
use privdesk::store::{AuditFilter, Store};
use std::os::unix::fs::PermissionsExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

fn is_root() -> bool {
    nix::unistd::geteuid().is_root()
}

fn run(cmd: &str, args: &[&str]) {
    let o = Command::new(cmd).args(args).output().expect(cmd);
    assert!(o.status.success(), "{cmd} {args:?}: {}", show(&o));
}

/// Throwaway users and a group, removed on drop.
struct Users {
    prefix: String,
    users: Vec<String>,
    groups: Vec<String>,
}

impl Users {
    fn new() -> Users {
        static N: std::sync::atomic::AtomicU32 = std::sync::atomic::AtomicU32::new(0);
        let n = N.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        let prefix = format!("pd{}x{n}", std::process::id() % 100_000);
        Users {
            prefix,
            users: Vec::new(),
            groups: Vec::new(),
        }
    }

    fn name(&self, what: &str) -> String {
        format!("{}{what}", self.prefix)
    }

    fn group(&mut self, what: &str) -> String {
        let g = self.name(what);
        run("groupadd", &["--system", &g]);
        self.groups.push(g.clone());
        g
    }

    /// A user (with a group of its own) in `groups`.
    fn user(&mut self, what: &str, groups: &[&str]) -> String {
        let u = self.name(what);
        let mut args = vec![
            "--system",
            "--user-group",
            "--no-create-home",
            "--shell",
            "/usr/sbin/nologin",
        ];
        let list = groups.join(",");
        if !groups.is_empty() {
            args.extend(["--groups", &list]);
        }
        args.push(&u);
        run("useradd", &args);
        self.users.push(u.clone());
        u
    }
}

impl Drop for Users {
    fn drop(&mut self) {
        for u in &self.users {
            let _ = Command::new("userdel").arg(u).output();
        }
        for g in &self.groups {
            let _ = Command::new("groupdel").arg(g).output();
        }
    }
}

fn uid_gid(user: &str) -> (u32, u32) {
    let u = nix::unistd::User::from_name(user)
        .unwrap()
        .expect("user exists");
    (u.uid.as_raw(), u.gid.as_raw())
}

fn chown(path: &Path, user: &str, mode: u32) {
    let (uid, gid) = uid_gid(user);
    std::os::unix::fs::chown(path, Some(uid), Some(gid)).expect("chown");
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).expect("chmod");
}

/// `privdesk ...` (or any program) as `user`, with a home of its own.
fn as_user(user: &str, home: &Path, program: &str) -> Command {
    let mut c = Command::new("setpriv");
    c.args(["--reuid", user, "--regid", user, "--init-groups", "--"])
        .arg(program)
        .env_clear()
        .env("HOME", home)
        .env("USER", user)
        .env("PATH", "/usr/bin:/bin")
        .env("XDG_RUNTIME_DIR", home.join("run"));
    c
}

/// One host at a time: the user database is the machine's.
static ONE_HOST: std::sync::Mutex<()> = std::sync::Mutex::new(());

/// The host: users, the server's files, the server process, the sample
/// systems it talks to.
struct Host {
    server: Option<Child>,
    _users: Users,
    _one: std::sync::MutexGuard<'static, ()>,
    root: tempfile::TempDir,
    server_dir: PathBuf,
    config: PathBuf,
    socket: PathBuf,
    agent: String,
    supervisor: String,
    stranger: String,
    outsider: String,
    _samples: sample::SampleSystems,
    _rt: tokio::runtime::Runtime,
}

impl Host {
    fn start() -> Host {
        let one = ONE_HOST.lock().unwrap_or_else(|p| p.into_inner());
        let rt = common::runtime();
        let samples = rt
            .block_on(sample::start(SampleOptions {
                port_base: None,
                latency_ms: None,
            }))
            .expect("sample systems");
        let mut users = Users::new();
        let ops = users.group("ops");
        let srv = users.user("srv", &[&ops]);
        let agent = users.user("agent", &[&ops]);
        let supervisor = users.user("sup", &[&ops]);
        let stranger = users.user("stranger", &[&ops]);
        let outsider = users.user("outsider", &[]);

        let root = tempfile::tempdir().unwrap();
        std::fs::set_permissions(root.path(), std::fs::Permissions::from_mode(0o755)).unwrap();
        // The server's own folder: configuration, secrets, store; nobody else's.
        let server_dir = root.path().join("server");
        std::fs::create_dir(&server_dir).unwrap();
        copy_dir(
            &repo().join("data/sample-secrets"),
            &server_dir.join("sample-secrets"),
        );
        let text = std::fs::read_to_string(repo().join("data/sample-config.toml")).unwrap();
        let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
        doc["demo"] = toml_edit::value(false);
        for s in &samples.systems {
            doc["systems"][s.name.as_str()]["base_url"] = toml_edit::value(s.base_url.clone());
        }
        doc["store"]["path"] = toml_edit::value(server_dir.join("store.db").display().to_string());
        let socket_dir = root.path().join("run");
        std::fs::create_dir(&socket_dir).unwrap();
        let socket = socket_dir.join("privdesk.sock");
        doc["server"]["socket"] = toml_edit::value(socket.display().to_string());
        doc["server"]["socket_group"] = toml_edit::value(ops.clone());
        let ops_table = doc["operators"].as_table_mut().unwrap();
        ops_table.clear();
        for (u, name, role) in [
            (&agent, "Ann Agent", "agent"),
            (&supervisor, "Sam Supervisor", "supervisor"),
        ] {
            let mut t = toml_edit::Table::new();
            t["display_name"] = toml_edit::value(name);
            t["role"] = toml_edit::value(role);
            ops_table.insert(u, toml_edit::Item::Table(t));
        }
        let config = server_dir.join("config.toml");
        std::fs::write(&config, doc.to_string()).unwrap();
        for e in std::fs::read_dir(server_dir.join("sample-secrets")).unwrap() {
            chown(&e.unwrap().path(), &srv, 0o600);
        }
        chown(&server_dir.join("sample-secrets"), &srv, 0o700);
        chown(&config, &srv, 0o600);
        chown(&server_dir, &srv, 0o700);
        chown(&socket_dir, &srv, 0o755);
        for u in [&agent, &supervisor, &stranger, &outsider] {
            let home = root.path().join(u);
            std::fs::create_dir_all(home.join("run")).unwrap();
            chown(&home.join("run"), u, 0o700);
            chown(&home, u, 0o700);
        }
        let mut host = Host {
            server: None,
            _users: users,
            _one: one,
            root,
            server_dir,
            config,
            socket,
            agent,
            supervisor,
            stranger,
            outsider,
            _samples: samples,
            _rt: rt,
        };
        host.start_server(&srv);
        host
    }

    fn start_server(&mut self, srv: &str) {
        let log = std::fs::File::create(self.root.path().join("server.log")).unwrap();
        let mut c = as_user(srv, &self.server_dir, BIN);
        c.args(["server", "--config"]).arg(&self.config);
        c.stdout(Stdio::null()).stderr(log);
        self.server = Some(c.spawn().expect("the server starts"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::os::unix::net::UnixStream::connect(&self.socket).is_err() {
            if let Some(Ok(Some(status))) = self.server.as_mut().map(|s| s.try_wait()) {
                panic!("the server stopped ({status}): {}", self.server_log());
            }
            assert!(
                Instant::now() < deadline,
                "the server did not listen: {}",
                self.server_log()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    fn server_log(&self) -> String {
        std::fs::read_to_string(self.root.path().join("server.log")).unwrap_or_default()
    }

    fn home(&self, user: &str) -> PathBuf {
        self.root.path().join(user)
    }

    /// `privdesk --server SOCKET args` as `user`.
    fn privdesk(&self, user: &str, args: &[&str]) -> Output {
        let mut c = as_user(user, &self.home(user), BIN);
        c.arg("--server").arg(&self.socket).args(args);
        c.output().expect("run privdesk")
    }

    /// Any program as `user`.
    fn sh(&self, user: &str, program: &str, args: &[&str]) -> Output {
        let mut c = as_user(user, &self.home(user), program);
        c.args(args);
        c.output().expect("run")
    }

    fn store(&self) -> Store {
        Store::open(&self.server_dir.join("store.db"), 5000).expect("the store")
    }

    fn audit(&self, kind: &str) -> Vec<privdesk::store::AuditEntry> {
        self.store()
            .audit_entries(&AuditFilter {
                kind: Some(kind.into()),
                ..Default::default()
            })
            .unwrap()
    }
}

impl Drop for Host {
    fn drop(&mut self) {
        if let Some(mut s) = self.server.take() {
            let _ = s.kill();
            let _ = s.wait();
        }
    }
}

fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| panic!("not JSON ({e}): {}", show(o)))
}

#[test]
fn two_operators_work_a_request_and_neither_can_reach_around_the_server() {
    if !is_root() {
        eprintln!("skipped: creating Unix users needs root (CI runs as root)");
        return;
    }
    let host = Host::start();
    let (agent, sup) = (host.agent.as_str(), host.supervisor.as_str());
    let store = host.server_dir.join("store.db");
    let secret = host.server_dir.join("sample-secrets/crm.token");

    // Operators cannot read the store, the secrets or the configuration.
    for user in [agent, sup] {
        for file in [&store, &secret, &host.config] {
            let o = host.sh(user, "/bin/cat", &[file.to_str().unwrap()]);
            assert!(!o.status.success(), "{user} read {}", file.display());
            assert!(stderr(&o).contains("Permission denied"), "{}", show(&o));
        }
    }

    // The agent opens a disclosure request and checks the identity.
    let o = host.privdesk(
        agent,
        &[
            "case",
            "new",
            "--category",
            "rights_request",
            "--kind",
            "disclosure",
            "--channel",
            "email",
            "--requester-name",
            "Taro Yamada",
            "--requester-email",
            "taro.yamada@example.jp",
            "--assignee",
            agent,
            "--link",
            "crm:C-1001",
            "--link",
            "billing:B-77",
            "--json",
        ],
    );
    assert_exit(&o, 0);
    let v = json(&o);
    let case = v["id"]
        .as_str()
        .or_else(|| v["case"]["id"].as_str())
        .expect("case number")
        .to_string();
    let o = host.privdesk(
        agent,
        &[
            "case",
            "verify",
            &case,
            "--method",
            "callback to the registered number",
            "--evidence",
            "answered the security questions",
            "--result",
            "verified",
        ],
    );
    assert_exit(&o, 0);
    let o = host.privdesk(
        agent,
        &["action", "plan", &case, "--kind", "export", "--json"],
    );
    assert_exit(&o, 0);
    let action = json(&o)["action"]["id"]
        .as_str()
        .expect("action")
        .to_string();

    // The agent may not approve it, whatever they pass or set.
    let o = host.privdesk(agent, &["action", "approve", &action, "--reason", "mine"]);
    assert_exit(&o, 5);
    let o = host.privdesk(
        agent,
        &["--as", sup, "action", "approve", &action, "--reason", "x"],
    );
    assert_exit(&o, 5);
    assert!(
        stderr(&o).contains("accepted only by a demo server"),
        "{}",
        show(&o)
    );
    let o = host.privdesk(agent, &["audit", "log", "--limit", "3"]);
    assert_exit(&o, 5);
    let o = host.privdesk(
        agent,
        &["case", "status", &case, "refused", "--reason", "x"],
    );
    assert!(
        o.status.code() == Some(5) || o.status.code() == Some(2),
        "{}",
        show(&o)
    );
    // A configuration of their own naming themselves supervisor, pointed at
    // the shared store: the store cannot be opened, nothing is changed.
    let own = host.home(agent).join("own.toml");
    std::fs::write(
        &own,
        format!(
            "[store]\npath = \"{}\"\n[operators.{agent}]\ndisplay_name = \"Me\"\nrole = \"supervisor\"\n",
            store.display()
        ),
    )
    .unwrap();
    chown(&own, agent, 0o600);
    let o = host.privdesk(
        agent,
        &[
            "--config",
            own.to_str().unwrap(),
            "action",
            "approve",
            &action,
            "--reason",
            "x",
        ],
    );
    assert!(!o.status.success(), "{}", show(&o));
    assert!(
        stderr(&o).to_lowercase().contains("permission denied"),
        "{}",
        show(&o)
    );
    let mut c = as_user(agent, &host.home(agent), BIN);
    c.env("PRIVDESK_CONFIG", &own).args(["audit", "log"]);
    let o = c.output().unwrap();
    assert!(!o.status.success(), "{}", show(&o));

    // The supervisor approves; the agent runs it.
    let o = host.privdesk(
        sup,
        &["action", "approve", &action, "--reason", "identity checked"],
    );
    assert_exit(&o, 0);
    let o = host.privdesk(agent, &["action", "run", &action, "--json"]);
    assert_exit(&o, 0);
    let o = host.privdesk(agent, &["action", "status", &case, "--json"]);
    assert_exit(&o, 0);
    let v = json(&o);
    let jobs = v["actions"][0]["jobs"].as_array().expect("jobs");
    assert!(!jobs.is_empty());
    assert!(jobs.iter().all(|j| j["state"] == "done"), "{v}");

    // Who did what is the kernel's word: the approval names the supervisor.
    let approvals = host.audit("action_approve");
    assert_eq!(approvals.len(), 1);
    assert_eq!(approvals[0].operator, sup);
    let denied = host.audit("denied");
    assert!(denied.iter().any(|e| e.operator == agent), "{denied:?}");
}

#[test]
fn strangers_are_refused_and_the_refusal_is_audited() {
    if !is_root() {
        eprintln!("skipped: creating Unix users needs root (CI runs as root)");
        return;
    }
    let host = Host::start();
    // In the group, but no operator: the server refuses, and says why.
    let o = host.privdesk(&host.stranger, &["case", "list"]);
    assert_exit(&o, 5);
    assert!(stderr(&o).contains("is not an operator"), "{}", show(&o));
    let denied = host.audit("denied");
    let mine: Vec<_> = denied
        .iter()
        .filter(|e| e.operator == host.stranger)
        .collect();
    assert_eq!(mine.len(), 1, "{denied:?}");
    let (uid, _) = uid_gid(&host.stranger);
    assert_eq!(mine[0].details["uid"], uid);
    // Not in the group: the kernel refuses the connection itself.
    let o = host.privdesk(&host.outsider, &["case", "list"]);
    assert_exit(&o, 5);
    assert!(stderr(&o).contains("permission denied"), "{}", show(&o));
    assert!(stdout(&o).is_empty());
}

#[test]
fn a_removed_operators_open_screen_is_cut_off() {
    if !is_root() {
        eprintln!("skipped: creating Unix users needs root (CI runs as root)");
        return;
    }
    let host = Host::start();
    let mut c = as_user(&host.agent, &host.home(&host.agent), BIN);
    c.arg("--server").arg(&host.socket);
    let mut t = pty::Term::spawn(c, 80, 24, &host.root.path().join("tui.stderr"));
    t.wait_text("Find a customer");
    // The administrator removes the agent.
    let text = std::fs::read_to_string(&host.config).unwrap();
    let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
    doc["operators"].as_table_mut().unwrap().remove(&host.agent);
    std::fs::write(&host.config, doc.to_string()).unwrap();
    t.wait_text("Access refused");
    let refusals = host.audit("session_refused");
    assert!(
        refusals.iter().any(|e| e.operator == host.agent),
        "{refusals:?}"
    );
    // A new session of theirs is refused too.
    let o = host.privdesk(&host.agent, &["case", "list"]);
    assert_exit(&o, 5);
}
