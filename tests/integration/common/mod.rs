//! Shared harness for the integration tests: the real sample systems on
//! loopback, a config file pointing at them in a temp dir, the real binary.

// wait4 (peak memory of a child) is a libc call.
#![allow(unsafe_code)]

pub mod actions;
pub mod fake;
pub mod served;

use privdesk::sample::{self, SampleOptions, SampleSystems};
use privdesk::store::{AuditEntry, AuditFilter, Store};
use serde_json::Value;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};
use tempfile::TempDir;

pub const BIN: &str = env!("CARGO_BIN_EXE_privdesk");

pub fn repo() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR"))
}

/// A temp home with a config pointing at sample systems served by this process.
pub struct Env {
    pub dir: TempDir,
    pub config: PathBuf,
    pub samples: Option<SampleSystems>,
    pub rt: tokio::runtime::Runtime,
}

impl Env {
    /// Sample systems on free ports and the sample config pointed at them.
    pub fn start() -> Env {
        Env::start_with(|_| {})
    }

    /// As `start`, with a chance to edit the config document first.
    pub fn start_with(edit: impl FnOnce(&mut toml_edit::DocumentMut)) -> Env {
        let rt = runtime();
        let samples = rt
            .block_on(sample::start(SampleOptions {
                port_base: None,
                latency_ms: None,
            }))
            .expect("sample systems start");
        let urls: Vec<(String, String)> = samples
            .systems
            .iter()
            .map(|s| (s.name.clone(), s.base_url.clone()))
            .collect();
        let mut env = Env::against(rt, &urls, edit);
        env.samples = Some(samples);
        env
    }

    /// The sample config pointed at systems served elsewhere (`name`, `base_url`).
    pub fn against(
        rt: tokio::runtime::Runtime,
        urls: &[(String, String)],
        edit: impl FnOnce(&mut toml_edit::DocumentMut),
    ) -> Env {
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &repo().join("data/sample-secrets"),
            &dir.path().join("sample-secrets"),
        );
        let text = std::fs::read_to_string(repo().join("data/sample-config.toml")).unwrap();
        let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
        for (name, url) in urls {
            doc["systems"][name.as_str()]["base_url"] = toml_edit::value(url.clone());
        }
        doc["store"]["path"] = toml_edit::value(dir.path().join("store.db").display().to_string());
        edit(&mut doc);
        let config = dir.path().join("config.toml");
        std::fs::write(&config, doc.to_string()).unwrap();
        Env {
            dir,
            config,
            samples: None,
            rt,
        }
    }

    /// The sample config with its store in a temp dir, but no sample
    /// systems started (for commands that never reach them, like `case`).
    pub fn offline() -> Env {
        let rt = tokio::runtime::Builder::new_current_thread()
            .enable_all()
            .build()
            .unwrap();
        Env::against(rt, &[], |_| {})
    }

    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    /// The store the binary wrote to.
    pub fn store(&self) -> Store {
        Store::open(&self.store_path(), 5000).expect("open the store")
    }

    /// Audit entries of one kind, oldest first (none when no store was written).
    pub fn audit(&self, kind: &str) -> Vec<AuditEntry> {
        if !self.store_path().exists() {
            return Vec::new();
        }
        self.store()
            .audit_entries(&AuditFilter {
                kind: Some(kind.to_string()),
                ..AuditFilter::default()
            })
            .expect("read the audit log")
    }

    /// Requests the in-process sample systems have received, all together.
    pub fn sample_requests(&self) -> u64 {
        let s = self.samples.as_ref().expect("in-process sample systems");
        s.systems.iter().map(|x| s.request_count(&x.name)).sum()
    }

    /// Run the real binary with this config, HOME and XDG dirs inside the temp dir.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run privdesk")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        self.command_with(&self.config, args)
    }

    /// Run the real binary with another config file, in this temp home.
    pub fn run_with(&self, config: &Path, args: &[&str]) -> Output {
        self.command_with(config, args)
            .output()
            .expect("run privdesk")
    }

    pub fn command_with(&self, config: &Path, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config").arg(config).args(args);
        isolate(&mut c, self.dir.path());
        c
    }

    /// The text of this environment's config file.
    pub fn config_text(&self) -> String {
        std::fs::read_to_string(&self.config).unwrap()
    }

    /// Write another config file into the temp dir and return its path.
    pub fn write_config(&self, name: &str, text: &str) -> PathBuf {
        let p = self.dir.path().join(name);
        std::fs::write(&p, text).unwrap();
        p
    }
}

/// A small runtime for servers run by the test itself.
pub fn runtime() -> tokio::runtime::Runtime {
    tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
        .unwrap()
}

/// Keep a child away from the real home: logs, data and config in `home`.
pub fn isolate(c: &mut Command, home: &Path) {
    let run = home.join("run");
    let _ = std::fs::create_dir_all(&run);
    c.env("HOME", home)
        .env("XDG_RUNTIME_DIR", run)
        .env_remove("PRIVDESK_SERVER")
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("PRIVDESK_CONFIG")
        .env_remove("PRIVDESK_HOME")
        .env_remove("NO_COLOR");
}

/// Makes the child obey file permissions even when the tests run as root (as
/// CI does): root writes a mode-0400 file through `CAP_DAC_OVERRIDE`, and a
/// child whose bounding set lacks it (and `CAP_DAC_READ_SEARCH`) gets
/// neither at `exec`, so the owner's bits apply to it as to anyone. No extra
/// user, mount namespace or file-system support is needed.
pub fn obeying_file_permissions(c: &mut Command) {
    use std::os::unix::process::CommandExt;
    const CAP_DAC_OVERRIDE: libc::c_ulong = 1;
    const CAP_DAC_READ_SEARCH: libc::c_ulong = 2;
    // SAFETY: prctl is async-signal-safe and touches only the child.
    unsafe {
        c.pre_exec(|| {
            for cap in [CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH] {
                if libc::prctl(libc::PR_CAPBSET_DROP, cap, 0, 0, 0) != 0 {
                    return Err(std::io::Error::last_os_error());
                }
            }
            Ok(())
        });
    }
}

/// Makes `file` read-only (mode 0400) for children run through
/// [`obeying_file_permissions`], and checks that one really cannot write
/// it: the test fails here, loudly, rather than passing without having seen
/// a read-only file.
pub fn read_only_for_children(file: &Path) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(file, std::fs::Permissions::from_mode(0o400))
        .unwrap_or_else(|e| panic!("chmod 0400 {}: {e}", file.display()));
    let mut probe = Command::new("sh");
    probe.args(["-c", ": >> \"$1\"", "sh"]).arg(file);
    obeying_file_permissions(&mut probe);
    let o = probe
        .output()
        .unwrap_or_else(|e| panic!("cannot run a child without CAP_DAC_OVERRIDE: {e}"));
    assert!(
        !o.status.success(),
        "a child still writes {} after chmod 0400 and dropping CAP_DAC_OVERRIDE: \
         this test cannot make a read-only store here",
        file.display()
    );
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

/// A child not yet reaped: if the test panics before `wait4` reaps it, it
/// is killed and waited for, so no zombie is left behind.
struct Unreaped(Option<std::process::Child>);

impl Drop for Unreaped {
    fn drop(&mut self) {
        if let Some(mut child) = self.0.take() {
            let _ = child.kill();
            let _ = child.wait();
        }
    }
}

/// Run `c` to its end and return what it printed and its peak resident
/// memory in KiB, as the kernel counted it for that one process.
pub fn run_measured(mut c: Command) -> (Output, u64) {
    use std::io::Read;
    use std::os::unix::process::ExitStatusExt;
    use std::process::{ExitStatus, Stdio};
    c.stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped());
    let mut guard = Unreaped(Some(c.spawn().expect("spawn")));
    let child = guard.0.as_mut().expect("just spawned");
    let drain = |mut r: Box<dyn Read + Send>| {
        std::thread::spawn(move || {
            let mut b = Vec::new();
            r.read_to_end(&mut b).expect("read the child's output");
            b
        })
    };
    let out = drain(Box::new(child.stdout.take().expect("stdout")));
    let err = drain(Box::new(child.stderr.take().expect("stderr")));
    let pid = child.id() as libc::pid_t;
    let mut status = 0;
    // SAFETY: wait4 writes only into the two locals it is given.
    let mut usage: libc::rusage = unsafe { std::mem::zeroed() };
    let waited = unsafe { libc::wait4(pid, &mut status, 0, &mut usage) };
    assert_eq!(waited, pid, "wait4: {}", std::io::Error::last_os_error());
    // Reaped by wait4: the guard must neither kill nor wait now (the pid
    // may already be another process's).
    guard.0 = None;
    let o = Output {
        status: ExitStatus::from_raw(status),
        stdout: out.join().expect("stdout reader"),
        stderr: err.join().expect("stderr reader"),
    };
    (o, usage.ru_maxrss as u64)
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

/// Both streams, for failure messages.
pub fn show(o: &Output) -> String {
    format!(
        "exit {:?}\n--- stdout\n{}\n--- stderr\n{}",
        o.status.code(),
        stdout(o),
        stderr(o)
    )
}

/// Assert the exit code, showing both streams when it differs.
pub fn assert_exit(o: &Output, code: i32) {
    assert_eq!(o.status.code(), Some(code), "{}", show(o));
}

pub fn json(o: &Output) -> Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}

/// The status entry of one system in a search result.
pub fn system<'a>(v: &'a Value, name: &str) -> &'a Value {
    v["systems"]
        .as_array()
        .expect("systems is an array")
        .iter()
        .find(|s| s["system"] == name)
        .unwrap_or_else(|| panic!("no status for system {name} in {}", v["systems"]))
}

/// The persons of a search result holding the record `system`:`id`.
pub fn persons_with<'a>(v: &'a Value, sys: &str, id: &str) -> Vec<&'a Value> {
    v["persons"]
        .as_array()
        .expect("persons is an array")
        .iter()
        .filter(|p| {
            p["records"]
                .as_array()
                .is_some_and(|rs| rs.iter().any(|r| r["system"] == sys && r["id"] == id))
        })
        .collect()
}

/// The one person holding `system`:`id`; fails when none or several do.
pub fn person_with<'a>(v: &'a Value, sys: &str, id: &str) -> &'a Value {
    let found = persons_with(v, sys, id);
    assert_eq!(
        found.len(),
        1,
        "expected exactly one person holding {sys}:{id}, found {}:\n{}",
        found.len(),
        serde_json::to_string_pretty(&v["persons"]).unwrap()
    );
    found[0]
}

/// `system:id` of every record of a person, sorted.
pub fn record_keys(person: &Value) -> Vec<String> {
    let mut keys: Vec<String> = person["records"]
        .as_array()
        .expect("records is an array")
        .iter()
        .map(|r| format!("{}:{}", str_of(&r["system"]), str_of(&r["id"])))
        .collect();
    keys.sort();
    keys
}

/// The strings of a JSON array.
pub fn strings(v: &Value) -> Vec<String> {
    v.as_array()
        .unwrap_or_else(|| panic!("expected an array, got {v}"))
        .iter()
        .map(|x| str_of(x).to_string())
        .collect()
}

pub fn str_of(v: &Value) -> &str {
    v.as_str()
        .unwrap_or_else(|| panic!("expected a string, got {v}"))
}

/// The record of a person from one system.
pub fn record<'a>(person: &'a Value, sys: &str) -> &'a Value {
    person["records"]
        .as_array()
        .unwrap()
        .iter()
        .find(|r| r["system"] == sys)
        .unwrap_or_else(|| panic!("no {sys} record in {person}"))
}

/// `t***@example.jp`: one character, three stars, the domain.
pub fn is_masked_email(s: &str) -> bool {
    let Some((local, domain)) = s.split_once('@') else {
        return false;
    };
    local.chars().count() == 4
        && local.ends_with("***")
        && !local.starts_with('*')
        && !domain.is_empty()
        && !domain.contains('*')
}

/// `***-****-5678`: stars and the last four digits.
pub fn is_masked_phone(s: &str) -> bool {
    s.strip_prefix("***-****-")
        .is_some_and(|tail| tail.len() == 4 && tail.chars().all(|c| c.is_ascii_digit()))
}

/// The five sample systems, in configuration order.
pub const SAMPLE_SYSTEMS: [&str; 5] = ["crm", "billing", "support", "loyalty", "mailing"];

/// Story customer 1 (Taro Yamada) in every sample system.
pub const TARO: [&str; 5] = [
    "billing:B-77",
    "crm:C-1001",
    "loyalty:L-00042",
    "mailing:S-5",
    "support:9001",
];
