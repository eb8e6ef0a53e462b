//! Logs go to a file in the XDG state dir (`~/.local/state/privdesk/privdesk.log`),
//! never to the screen; the server's go to its standard error (the journal,
//! under systemd). Log lines carry counts, system names and error kinds,
//! never personal data: queries, names, emails and record contents stay out.

use tracing_subscriber::EnvFilter;

/// Start logging to the state dir; if it cannot be created, log nowhere.
/// The level comes from `PRIVDESK_LOG` (default `info`).
pub fn init() {
    let Some(dir) = crate::paths::state_dir() else {
        return;
    };
    if std::fs::create_dir_all(&dir).is_err() {
        return;
    }
    let file = match std::fs::OpenOptions::new()
        .create(true)
        .append(true)
        .open(dir.join("privdesk.log"))
    {
        Ok(f) => f,
        Err(_) => return,
    };
    let filter = EnvFilter::try_from_env("PRIVDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::sync::Mutex::new(file))
        .try_init();
}

/// The server's logging: to standard error. The level comes from
/// `PRIVDESK_LOG` (default `info`).
pub fn init_stderr() {
    let filter = EnvFilter::try_from_env("PRIVDESK_LOG").unwrap_or_else(|_| EnvFilter::new("info"));
    let _ = tracing_subscriber::fmt()
        .with_env_filter(filter)
        .with_ansi(false)
        .with_writer(std::io::stderr)
        .try_init();
}
