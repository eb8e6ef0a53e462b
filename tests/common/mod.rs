//! Shared harness for the integration tests: the real sample systems on
//! loopback, a config file pointing at them in a temp dir, the real binary.

#![allow(dead_code)]

use privdesk::sample::{self, SampleOptions, SampleSystems};
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
        let rt = tokio::runtime::Builder::new_multi_thread()
            .worker_threads(2)
            .enable_all()
            .build()
            .unwrap();
        let samples = rt
            .block_on(sample::start(SampleOptions {
                port_base: None,
                latency_ms: None,
            }))
            .expect("sample systems start");
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &repo().join("data/sample-secrets"),
            &dir.path().join("sample-secrets"),
        );
        let text = std::fs::read_to_string(repo().join("data/sample-config.toml")).unwrap();
        let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
        for s in &samples.systems {
            doc["systems"][s.name.as_str()]["base_url"] = toml_edit::value(s.base_url.clone());
        }
        doc["store"]["path"] = toml_edit::value(dir.path().join("store.db").display().to_string());
        edit(&mut doc);
        let config = dir.path().join("config.toml");
        std::fs::write(&config, doc.to_string()).unwrap();
        Env {
            dir,
            config,
            samples: Some(samples),
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
        let dir = tempfile::tempdir().unwrap();
        copy_dir(
            &repo().join("data/sample-secrets"),
            &dir.path().join("sample-secrets"),
        );
        let text = std::fs::read_to_string(repo().join("data/sample-config.toml")).unwrap();
        let mut doc: toml_edit::DocumentMut = text.parse().unwrap();
        doc["store"]["path"] = toml_edit::value(dir.path().join("store.db").display().to_string());
        let config = dir.path().join("config.toml");
        std::fs::write(&config, doc.to_string()).unwrap();
        Env {
            dir,
            config,
            samples: None,
            rt,
        }
    }

    pub fn store_path(&self) -> PathBuf {
        self.dir.path().join("store.db")
    }

    /// Run the real binary with this config, HOME and XDG dirs inside the temp dir.
    pub fn run(&self, args: &[&str]) -> Output {
        self.command(args).output().expect("run privdesk")
    }

    pub fn command(&self, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--config").arg(&self.config).args(args);
        isolate(&mut c, self.dir.path());
        c
    }
}

/// Keep a child away from the real home: logs, data and config in `home`.
pub fn isolate(c: &mut Command, home: &Path) {
    c.env("HOME", home)
        .env("XDG_STATE_HOME", home.join("state"))
        .env("XDG_DATA_HOME", home.join("share"))
        .env("XDG_CONFIG_HOME", home.join("config"))
        .env_remove("PRIVDESK_CONFIG")
        .env_remove("NO_COLOR");
}

pub fn copy_dir(from: &Path, to: &Path) {
    std::fs::create_dir_all(to).unwrap();
    for e in std::fs::read_dir(from).unwrap() {
        let e = e.unwrap();
        std::fs::copy(e.path(), to.join(e.file_name())).unwrap();
    }
}

pub fn stdout(o: &Output) -> String {
    String::from_utf8_lossy(&o.stdout).into_owned()
}

pub fn stderr(o: &Output) -> String {
    String::from_utf8_lossy(&o.stderr).into_owned()
}

pub fn json(o: &Output) -> serde_json::Value {
    serde_json::from_slice(&o.stdout).unwrap_or_else(|e| {
        panic!(
            "stdout is not JSON ({e}):\n{}\nstderr:\n{}",
            stdout(o),
            stderr(o)
        )
    })
}
