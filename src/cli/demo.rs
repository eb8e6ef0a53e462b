//! `privdesk demo`: the sample systems, a server over the demo
//! configuration, and the TUI against it, in one command.
//!
//! The server runs in the background as a process of its own (started by
//! the first demo, `privdesk demo --serve SOCKET`) on a private socket in
//! the user's runtime folder, so that a second terminal
//! (`privdesk --as demo-agent demo`) joins the same server, and either can
//! quit first. The server stops a moment after the last session left.
//! `--port-base 0` gives a demo of its own (free ports, a socket of its
//! own). `--search QUERY` runs one search on a desk in this process.

use super::sample::{demo_config, DemoArgs};
use super::search::{search_with, SearchArgs};
use super::{Cli, EXIT_FAILURE};
use crate::client::{Client, Target};
use crate::config::Config;
use crate::desk::DeskError;
use crate::protocol::Hello;
use crate::sample;
use crate::sample::shared::DemoSystems;
use std::os::unix::fs::DirBuilderExt;
use std::path::{Path, PathBuf};
use std::time::{Duration, Instant};

/// How long a demo server lingers after its last session left.
const IDLE_EXIT: Duration = Duration::from_secs(2);
/// How long a demo waits for the server it started.
const START_WAIT: Duration = Duration::from_secs(30);

/// The folder of the demo's socket: `$XDG_RUNTIME_DIR/privdesk`, else the
/// state folder; made private to the user.
fn socket_dir() -> Option<PathBuf> {
    let runtime = std::env::var_os("XDG_RUNTIME_DIR")
        .map(PathBuf::from)
        .filter(|d| d.is_absolute() && d.is_dir())
        .map(|d| d.join("privdesk"));
    let dir = runtime.or_else(crate::paths::state_dir)?;
    std::fs::DirBuilder::new()
        .recursive(true)
        .mode(0o700)
        .create(&dir)
        .ok()?;
    Some(dir)
}

/// The socket of the demo on `port_base` (one of its own for 0).
fn demo_socket(port_base: u16) -> Option<PathBuf> {
    let name = if port_base == 0 {
        format!("demo-own-{}.sock", std::process::id())
    } else {
        format!("demo-{port_base}.sock")
    };
    socket_dir().map(|d| d.join(name))
}

pub async fn demo(cli: &Cli, a: &DemoArgs) -> u8 {
    if let Some(socket) = &a.serve {
        return serve(cli, a, socket).await;
    }
    if let Some(q) = &a.search {
        return search_once(cli, a, q).await;
    }
    let Some(socket) = demo_socket(a.port_base) else {
        eprintln!("privdesk: no folder for the demo's socket: set HOME or XDG_RUNTIME_DIR");
        return EXIT_FAILURE;
    };
    let hello = || Hello::new("tui (demo)", cli.as_user.clone());
    let target = Target::Socket(socket.clone());
    let client = match Client::connect(target.clone(), hello()).await {
        Ok(c) => {
            eprintln!(
                "privdesk: joining the demo another terminal started (its server is at {}); it stops when the last demo leaves",
                socket.display()
            );
            c
        }
        Err(DeskError::Unavailable(_)) => {
            if let Err(code) = start_server(cli, a, &socket).await {
                return code;
            }
            match Client::connect(target, hello()).await {
                Ok(c) => c,
                Err(e) => {
                    eprintln!("privdesk: {e}");
                    return super::connect_exit(&e);
                }
            }
        }
        Err(e) => {
            eprintln!("privdesk: {e}");
            return super::connect_exit(&e);
        }
    };
    super::sample::run_tui(cli, client).await
}

/// Start the demo's server in the background and wait until it answers.
async fn start_server(cli: &Cli, a: &DemoArgs, socket: &Path) -> Result<(), u8> {
    let log = socket.with_extension("log");
    let err = std::fs::File::create(&log).map_err(|e| {
        eprintln!("privdesk: cannot write {}: {e}", log.display());
        EXIT_FAILURE
    })?;
    let exe = std::env::current_exe().map_err(|e| {
        eprintln!("privdesk: cannot find the privdesk program: {e}");
        EXIT_FAILURE
    })?;
    let mut c = std::process::Command::new(exe);
    if let Some(cfg) = &cli.config {
        c.arg("--config").arg(cfg);
    }
    if let Some(u) = &cli.as_user {
        c.args(["--as", u]);
    }
    c.arg("demo")
        .arg("--serve")
        .arg(socket)
        .args(["--port-base", &a.port_base.to_string()]);
    if a.no_latency {
        c.arg("--no-latency");
    }
    if a.no_seed {
        c.arg("--no-seed");
    }
    c.stdin(std::process::Stdio::null())
        .stdout(std::process::Stdio::null())
        .stderr(err);
    // Its own session: a ctrl-c or a hang-up of this terminal does not
    // stop the server another terminal may be using. pre_exec is unsafe
    // because the closure runs between fork and exec; setsid is safe there
    // (async-signal-safe, no allocation).
    #[allow(unsafe_code)]
    unsafe {
        use std::os::unix::process::CommandExt;
        c.pre_exec(|| {
            nix::unistd::setsid().map_err(std::io::Error::from)?;
            Ok(())
        });
    }
    let mut child = c.spawn().map_err(|e| {
        eprintln!("privdesk: cannot start the demo's server: {e}");
        EXIT_FAILURE
    })?;
    let deadline = Instant::now() + START_WAIT;
    loop {
        if std::os::unix::net::UnixStream::connect(socket).is_ok() {
            // Reaped by whoever outlives it: detach.
            std::thread::spawn(move || {
                let _ = child.wait();
            });
            return Ok(());
        }
        if let Ok(Some(status)) = child.try_wait() {
            let text = std::fs::read_to_string(&log).unwrap_or_default();
            eprint!("{text}");
            if !text.ends_with('\n') && !text.is_empty() {
                eprintln!();
            }
            eprintln!("privdesk: the demo's server stopped ({status})");
            return Err(status
                .code()
                .map_or(EXIT_FAILURE, |c| c.clamp(1, 255) as u8));
        }
        if Instant::now() > deadline {
            let _ = child.kill();
            eprintln!(
                "privdesk: the demo's server did not answer within {} s (see {})",
                START_WAIT.as_secs(),
                log.display()
            );
            return Err(EXIT_FAILURE);
        }
        tokio::time::sleep(Duration::from_millis(25)).await;
    }
}

/// The demo configuration pointed at the sample systems (started here, or
/// joined where another demo serves them); the systems live as long as
/// the returned handle.
async fn with_systems(
    cli: &Cli,
    a: &DemoArgs,
    latency: Option<(u64, u64)>,
) -> Result<(Config, DemoSystems), u8> {
    let mut cfg = demo_config(cli)?;
    let systems = match sample::shared::start_or_join(a.port_base, latency).await {
        Ok(s) => s,
        Err(e) => {
            eprintln!("privdesk: cannot start the sample systems: {e}");
            return Err(EXIT_FAILURE);
        }
    };
    if let DemoSystems::Joined(urls) = &systems {
        eprintln!(
            "privdesk: using the sample systems another demo serves on 127.0.0.1 ports {}-{}; they stop when that demo ends",
            a.port_base,
            a.port_base as usize + urls.len().saturating_sub(1)
        );
    }
    systems.apply_to(&mut cfg.systems);
    Ok((cfg, systems))
}

async fn search_once(cli: &Cli, a: &DemoArgs, q: &str) -> u8 {
    let (cfg, systems) = match with_systems(cli, a, None).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    let desk = match super::connect_with(cli, cfg, "demo search").await {
        Ok(d) => d,
        Err(code) => return code,
    };
    let args = SearchArgs {
        query: q.to_string(),
        json: a.json,
        timeout: None,
        reveal: false,
        purpose: None,
        no_expand: false,
    };
    let code = search_with(&desk, &args).await;
    drop(systems);
    code
}

/// The demo's server: the sample systems, the example cases of a fresh
/// store, and the server on `socket` until the last session left.
async fn serve(cli: &Cli, a: &DemoArgs, socket: &Path) -> u8 {
    let latency = if a.no_latency { None } else { Some((50, 400)) };
    let (cfg, systems) = match with_systems(cli, a, latency).await {
        Ok(x) => x,
        Err(code) => return code,
    };
    if !a.no_seed {
        seed(cli, &cfg);
    }
    let code = super::server::serve(cfg, socket, Some(IDLE_EXIT), "the demo configuration").await;
    drop(systems);
    code
}

/// Gives a fresh demo store its example cases, as the operator who
/// started the demo. A failure is reported and the demo goes on.
fn seed(cli: &Cli, cfg: &Config) {
    let user = match &cli.as_user {
        Some(u) => u.clone(),
        None => crate::config::current_username(),
    };
    let Ok(desk) = crate::desk::Desk::open(cfg.clone(), &user) else {
        return;
    };
    if let Err(e) = super::demo_seed::seed_if_empty(&desk) {
        eprintln!("privdesk: could not open the demo's example cases: {e}");
    }
}
