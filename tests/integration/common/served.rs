//! A `privdesk server` process over an `Env`'s configuration, on a socket
//! of its own, and the CLI as its client.

use super::{isolate, Env, BIN};
use nix::sys::signal::{kill, Signal};
use nix::unistd::Pid;
use std::path::PathBuf;
use std::process::{Child, Command, Output, Stdio};
use std::time::{Duration, Instant};

/// A server process over an `Env`'s configuration, on a socket of its own.
pub struct Served {
    pub socket: PathBuf,
    pub log: PathBuf,
    child: Option<Child>,
}

impl Served {
    pub fn start(env: &Env) -> Served {
        let mut s = Served {
            socket: env.dir.path().join("run/privdesk.sock"),
            log: env.dir.path().join("server.log"),
            child: None,
        };
        s.restart(env);
        s
    }

    pub fn restart(&mut self, env: &Env) {
        let log = std::fs::OpenOptions::new()
            .create(true)
            .append(true)
            .open(&self.log)
            .unwrap();
        let mut c = env.command(&["server", "--socket"]);
        c.arg(&self.socket).stdout(Stdio::null()).stderr(log);
        self.child = Some(c.spawn().expect("the server starts"));
        let deadline = Instant::now() + Duration::from_secs(20);
        while std::os::unix::net::UnixStream::connect(&self.socket).is_err() {
            assert!(
                Instant::now() < deadline,
                "the server does not listen:\n{}",
                std::fs::read_to_string(&self.log).unwrap_or_default()
            );
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    pub fn pid(&self) -> Pid {
        Pid::from_raw(self.child.as_ref().expect("running").id() as i32)
    }

    pub fn signal(&mut self, sig: Signal) {
        kill(self.pid(), sig).expect("signal the server");
        let status = self.child.take().unwrap().wait().unwrap();
        if sig == Signal::SIGKILL {
            assert_eq!(
                std::os::unix::process::ExitStatusExt::signal(&status),
                Some(9)
            );
        }
    }

    /// The CLI as a client of this server.
    pub fn client(&self, env: &Env, user: &str, args: &[&str]) -> Command {
        let mut c = Command::new(BIN);
        c.arg("--server")
            .arg(&self.socket)
            .args(["--as", user])
            .args(args);
        isolate(&mut c, env.dir.path());
        c
    }

    pub fn run(&self, env: &Env, user: &str, args: &[&str]) -> Output {
        self.client(env, user, args).output().expect("run privdesk")
    }
}

impl Drop for Served {
    fn drop(&mut self) {
        if let Some(mut c) = self.child.take() {
            let _ = c.kill();
            let _ = c.wait();
        }
    }
}
