//! The real binary in a pseudo-terminal: a child in its own session with the
//! pty as its controlling terminal, the output fed to a vt100 parser so tests
//! read the screen as the operator would see it, and every byte kept for
//! checks on the raw stream.

// The pty's controlling-terminal setup and window size are libc calls.
#![allow(unsafe_code)]

use nix::libc;
use nix::pty::{openpty, Winsize};
use std::fs::File;
use std::io::{self, Read, Write};
use std::os::fd::AsRawFd;
use std::os::unix::process::CommandExt;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, ExitStatus, Stdio};
use std::sync::Mutex;
use std::time::{Duration, Instant};

/// How long a test waits for something to appear on the screen.
pub const WAIT: Duration = Duration::from_secs(10);

pub struct Term {
    /// The pty's master side; `None` once closed.
    master: Option<File>,
    pub child: Child,
    parser: vt100::Parser,
    /// Everything the child wrote to the terminal.
    pub raw: Vec<u8>,
    stderr: PathBuf,
}

impl Term {
    /// Start `cmd` on a new `cols` x `rows` terminal; its stderr goes to
    /// `stderr_file` (shown when a test fails).
    pub fn spawn(mut cmd: Command, cols: u16, rows: u16, stderr_file: &Path) -> Term {
        let size = Winsize {
            ws_row: rows,
            ws_col: cols,
            ws_xpixel: 0,
            ws_ypixel: 0,
        };
        // Tests run in parallel threads and every spawn forks the test process:
        // the pty's descriptors must not leak into another test's child, or
        // closing the master here would not end this terminal.
        static SPAWN: Mutex<()> = Mutex::new(());
        let _one_at_a_time = SPAWN.lock().unwrap_or_else(|e| e.into_inner());
        let pty = openpty(Some(&size), None).expect("openpty");
        for fd in [pty.master.as_raw_fd(), pty.slave.as_raw_fd()] {
            unsafe {
                assert!(libc::fcntl(fd, libc::F_SETFD, libc::FD_CLOEXEC) >= 0);
            }
        }
        let err = File::create(stderr_file).expect("stderr file");
        cmd.stdin(Stdio::from(pty.slave.try_clone().expect("dup")))
            .stdout(Stdio::from(pty.slave.try_clone().expect("dup")))
            .stderr(Stdio::from(err))
            .env("TERM", "xterm-256color");
        // A session of its own with the pty as controlling terminal, as a
        // login over SSH would give it: closing the master hangs it up.
        unsafe {
            cmd.pre_exec(|| {
                if libc::setsid() == -1 {
                    return Err(io::Error::last_os_error());
                }
                if libc::ioctl(0, libc::TIOCSCTTY as _, 0) == -1 {
                    return Err(io::Error::last_os_error());
                }
                Ok(())
            });
        }
        let child = cmd.spawn().expect("spawn privdesk");
        // The parent keeps no slave descriptor, or the terminal never ends.
        drop(cmd);
        drop(pty.slave);
        let master = File::from(pty.master);
        let fd = master.as_raw_fd();
        unsafe {
            let flags = libc::fcntl(fd, libc::F_GETFL);
            assert!(flags >= 0 && libc::fcntl(fd, libc::F_SETFL, flags | libc::O_NONBLOCK) >= 0);
        }
        Term {
            master: Some(master),
            child,
            parser: vt100::Parser::new(rows, cols, 0),
            raw: Vec::new(),
            stderr: stderr_file.to_path_buf(),
        }
    }

    /// Read whatever the child has written so far.
    pub fn pump(&mut self) {
        let Some(m) = self.master.as_mut() else {
            return;
        };
        let mut buf = [0u8; 16 * 1024];
        loop {
            match m.read(&mut buf) {
                Ok(0) => return,
                Ok(n) => {
                    self.parser.process(&buf[..n]);
                    self.raw.extend_from_slice(&buf[..n]);
                }
                // WouldBlock: nothing more now; EIO: the child's side is closed.
                Err(_) => return,
            }
        }
    }

    /// The screen as text, rows separated by newlines.
    pub fn screen(&self) -> String {
        self.parser.screen().contents()
    }

    pub fn send(&mut self, bytes: &[u8]) {
        let m = self.master.as_mut().expect("terminal open");
        m.write_all(bytes).expect("write to the terminal");
    }

    fn stderr_text(&self) -> String {
        std::fs::read_to_string(&self.stderr).unwrap_or_default()
    }

    /// Poll until the screen satisfies `pred`; fail with the screen after [`WAIT`].
    pub fn wait_for(&mut self, what: &str, pred: impl Fn(&str) -> bool) {
        let deadline = Instant::now() + WAIT;
        loop {
            self.pump();
            let screen = self.screen();
            if pred(&screen) {
                return;
            }
            if let Ok(Some(status)) = self.child.try_wait() {
                self.pump();
                panic!(
                    "privdesk exited ({status}) while waiting for {what}; screen:\n{}\nstderr:\n{}",
                    self.screen(),
                    self.stderr_text()
                );
            }
            if Instant::now() > deadline {
                panic!(
                    "no {what} on the screen after {WAIT:?}; screen:\n{screen}\nstderr:\n{}",
                    self.stderr_text()
                );
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Wait until `text` is on the screen.
    pub fn wait_text(&mut self, text: &str) {
        self.wait_for(&format!("`{text}`"), |s| s.contains(text));
    }

    /// Poll for the child's exit, reading its output meanwhile; `None` if
    /// it still runs after `limit`.
    pub fn wait_exit(&mut self, limit: Duration) -> Option<ExitStatus> {
        let deadline = Instant::now() + limit;
        loop {
            self.pump();
            if let Some(status) = self.child.try_wait().expect("try_wait") {
                self.pump();
                return Some(status);
            }
            if Instant::now() > deadline {
                return None;
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }

    /// Like [`Term::wait_exit`], failing the test (with the screen and
    /// stderr) when the child is still running after [`WAIT`].
    pub fn expect_exit(&mut self, why: &str) -> ExitStatus {
        match self.wait_exit(WAIT) {
            Some(status) => status,
            None => panic!(
                "privdesk still runs {WAIT:?} after {why}; screen:\n{}\nstderr:\n{}",
                self.screen(),
                self.stderr_text()
            ),
        }
    }

    /// Close the master side: the terminal is gone, as when an SSH link drops.
    pub fn close(&mut self) {
        self.master = None;
    }

    pub fn pid(&self) -> nix::unistd::Pid {
        nix::unistd::Pid::from_raw(self.child.id() as i32)
    }
}

impl Drop for Term {
    fn drop(&mut self) {
        if let Ok(None) = self.child.try_wait() {
            let _ = self.child.kill();
            let _ = self.child.wait();
        }
    }
}
