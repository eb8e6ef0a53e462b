//! `privdesk server [--config FILE] [--socket PATH] [--check]`: the desk as
//! a server. It alone reads the configuration, the secrets and the store,
//! and alone talks to the company systems; operators connect over its Unix
//! socket and the kernel tells it who they are.
//!
//! The configuration is `--config`, else `$PRIVDESK_CONFIG`, else
//! `/etc/privdesk/config.toml` when it exists, else the built-in defaults
//! (the embedded SQLite store, no operators, no systems).

use super::{load_config_from, Cli, EXIT_FAILURE, EXIT_OK, EXIT_USAGE};
use crate::server::{bind, ListenOptions, Server};
use clap::Args;
use std::path::{Path, PathBuf};
use std::time::Duration;

/// Where a server installed on the host reads its configuration.
pub const SYSTEM_CONFIG: &str = "/etc/privdesk/config.toml";

#[derive(Debug, Args)]
pub struct ServerArgs {
    /// The socket to listen on (default: [server] socket).
    #[arg(long, value_name = "PATH")]
    pub socket: Option<PathBuf>,
    /// Check the configuration (every problem with file, line and column)
    /// and exit: 0 when it loads, 2 when it does not.
    #[arg(long)]
    pub check: bool,
    /// Stop once no session has been connected for this many seconds
    /// (after the first one); used by `privdesk demo`.
    #[arg(long, value_name = "SECS", hide = true)]
    pub exit_when_idle: Option<u64>,
}

/// The configuration file a server uses, if any.
pub(crate) fn server_config_path(cli: &Cli) -> Option<PathBuf> {
    super::embedded_config_path(cli).or_else(|| {
        let p = Path::new(SYSTEM_CONFIG);
        p.is_file().then(|| p.to_path_buf())
    })
}

pub async fn run(cli: &Cli, a: &ServerArgs) -> u8 {
    let path = server_config_path(cli);
    let config = match load_config_from(cli, path.as_deref(), "configuration") {
        Ok(c) => c,
        Err(code) => return code,
    };
    let socket = a
        .socket
        .clone()
        .unwrap_or_else(|| PathBuf::from(&config.server.socket));
    let source = path
        .as_deref()
        .map(|p| p.display().to_string())
        .unwrap_or_else(|| "the built-in defaults (no configuration file)".into());
    if a.check {
        println!(
            "configuration OK: {source}\n  store   {}\n  socket  {}{}\n  {} operators, {} systems",
            config.store_path().display(),
            socket.display(),
            config
                .server
                .socket_group
                .as_deref()
                .map(|g| format!(" (group {g})"))
                .unwrap_or_default(),
            config.operators.len(),
            config.systems.len()
        );
        return EXIT_OK;
    }
    // Everything the server writes (the store, packages, exports) is its
    // own unless it says otherwise.
    nix::sys::stat::umask(nix::sys::stat::Mode::from_bits_truncate(0o077));
    serve(
        config,
        &socket,
        a.exit_when_idle.map(Duration::from_secs),
        &source,
    )
    .await
}

/// Start a server over `config` on `socket` and serve until told to stop
/// (SIGTERM, SIGINT), or until idle that long.
pub(crate) async fn serve(
    config: crate::config::Config,
    socket: &Path,
    exit_when_idle: Option<Duration>,
    source: &str,
) -> u8 {
    let opts = ListenOptions {
        socket: socket.to_path_buf(),
        group: config.server.socket_group.clone(),
    };
    let operators = config.operators.len();
    let store = config.store_path();
    let server = match Server::start(config) {
        Ok(s) => s,
        Err(e) => {
            eprintln!("privdesk: the server cannot start: {e}");
            return match e {
                crate::desk::DeskError::Config(_) => EXIT_USAGE,
                _ => EXIT_FAILURE,
            };
        }
    };
    let listener = match bind(&opts) {
        Ok(l) => l,
        Err(e) => {
            eprintln!("privdesk: {e}");
            return EXIT_FAILURE;
        }
    };
    server.preload_queue();
    if operators == 0 {
        eprintln!(
            "privdesk: warning: no operators are configured in {source}: every connection will be refused; add [operators.<user>] entries"
        );
    }
    eprintln!(
        "privdesk server {} listening on {} (store {}, {operators} operators)",
        crate::protocol::VERSION,
        listener.path().display(),
        store.display()
    );
    tracing::info!(operators, "server started");
    let idle = {
        let server = server.clone();
        async move {
            match exit_when_idle {
                Some(grace) => idle_for(&server, grace).await,
                None => std::future::pending::<()>().await,
            }
        }
    };
    let stop = async {
        tokio::select! {
            _ = terminated() => {}
            _ = idle => {}
        }
    };
    server.serve(listener, stop).await;
    tracing::info!("server stopped");
    EXIT_OK
}

/// SIGTERM or SIGINT.
async fn terminated() {
    use tokio::signal::unix::{signal, SignalKind};
    let (Ok(mut term), Ok(mut int)) = (
        signal(SignalKind::terminate()),
        signal(SignalKind::interrupt()),
    ) else {
        return std::future::pending().await;
    };
    tokio::select! {
        _ = term.recv() => {}
        _ = int.recv() => {}
    }
}

/// Resolves once no session has been open for `grace` (counting from the
/// start until the first session came, with a longer wait).
async fn idle_for(server: &std::sync::Arc<Server>, grace: Duration) {
    let first = grace.max(Duration::from_secs(30));
    let mut idle_since = tokio::time::Instant::now();
    loop {
        tokio::time::sleep(Duration::from_millis(200)).await;
        if server.session_count() > 0 {
            idle_since = tokio::time::Instant::now();
            continue;
        }
        let wait = if server.sessions_opened() == 0 {
            first
        } else {
            grace
        };
        if idle_since.elapsed() >= wait {
            return;
        }
    }
}
