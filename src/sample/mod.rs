//! Sample systems served on loopback for `privdesk demo` and the tests: five
//! fake company backends (crm, billing, support, loyalty, mailing), each with
//! its own API shape, auth and matching, over the fictional customers in
//! data/sample/, plus `analytics`, an OpenDSR processor. Their write
//! endpoints honour `Idempotency-Key` and count requests per key; tests can
//! slow them down or inject faults (`idempotency::Knobs`).
//! `data/sample-config.toml` describes them in the connector format.

pub mod analytics;
pub mod auth;
pub mod billing;
pub mod conditional;
pub mod crm;
pub mod generate;
pub mod idempotency;
pub mod loyalty;
pub mod mailing;
pub mod matching;
pub mod names;
pub mod people;
pub mod shared;
pub mod state;
pub mod support;

#[cfg(test)]
mod action_tests;
#[cfg(test)]
mod config_tests;
#[cfg(test)]
mod tests;

use crate::config::SystemDef;
use indexmap::IndexMap;
use people::Sys;
use serde_json::Value;
use state::SystemState;
use std::io;
use std::net::{Ipv4Addr, SocketAddr};
use std::sync::atomic::Ordering;
use std::sync::{Arc, RwLock};
use tokio::net::TcpListener;
use tokio::sync::watch;

/// The sample config, describing the six systems on ports 8701-8706.
pub const SAMPLE_CONFIG: &str = include_str!("../../data/sample-config.toml");

/// Default first port (`--port-base`): crm 8701 ... mailing 8705, analytics 8706.
pub const DEFAULT_PORT_BASE: u16 = 8701;

/// The committed sample data, one JSON array per system.
fn embedded(s: Sys) -> &'static str {
    match s {
        Sys::Crm => include_str!("../../data/sample/crm.json"),
        Sys::Billing => include_str!("../../data/sample/billing.json"),
        Sys::Support => include_str!("../../data/sample/support.json"),
        Sys::Loyalty => include_str!("../../data/sample/loyalty.json"),
        Sys::Mailing => include_str!("../../data/sample/mailing.json"),
    }
}

/// The OpenDSR processor served after the five data systems.
pub const ANALYTICS: &str = "analytics";

/// The records a sample system starts with.
pub fn records(system: &str) -> io::Result<Vec<Value>> {
    if system == ANALYTICS {
        return Ok(analytics::profiles(&records("crm")?));
    }
    let s = Sys::ALL
        .into_iter()
        .find(|s| s.name() == system)
        .ok_or_else(|| {
            io::Error::new(
                io::ErrorKind::NotFound,
                format!("no sample system named `{system}`"),
            )
        })?;
    serde_json::from_str(embedded(s)).map_err(|e| {
        io::Error::new(
            io::ErrorKind::InvalidData,
            format!("data/sample/{}.json: {e}", s.name()),
        )
    })
}

/// How to start the sample systems.
#[derive(Debug, Clone, Default)]
pub struct SampleOptions {
    /// System i (crm = 0 ... mailing = 4, analytics = 5) listens on `port_base + i`;
    /// None = free ports chosen by the OS.
    pub port_base: Option<u16>,
    /// Random delay per request in milliseconds (min, max), for demo realism;
    /// None in tests.
    pub latency_ms: Option<(u64, u64)>,
}

/// One running sample system.
#[derive(Debug, Clone)]
pub struct SampleSystem {
    pub name: String,
    /// `http://127.0.0.1:PORT`
    pub base_url: String,
    pub addr: SocketAddr,
    state: Arc<SystemState>,
}

impl SampleSystem {
    /// The system's shared state (records and counters).
    pub fn state(&self) -> &Arc<SystemState> {
        &self.state
    }
}

/// The running sample systems; they stop when this is dropped.
#[derive(Debug)]
pub struct SampleSystems {
    pub systems: Vec<SampleSystem>,
    stop: watch::Sender<bool>,
}

/// The names of the sample systems, in port order.
pub fn system_names() -> Vec<&'static str> {
    let mut names: Vec<&'static str> = Sys::ALL.iter().map(|s| s.name()).collect();
    names.push(ANALYTICS);
    names
}

/// Bind and serve the six sample systems on 127.0.0.1.
pub async fn start(opts: SampleOptions) -> io::Result<SampleSystems> {
    // Bind everything first so a busy port fails before anything is served.
    let mut bound = Vec::new();
    let names = system_names();
    for (i, name) in names.iter().copied().enumerate() {
        let port = match opts.port_base {
            Some(base) => base.checked_add(i as u16).ok_or_else(|| {
                io::Error::new(
                    io::ErrorKind::InvalidInput,
                    format!(
                        "port base {base} leaves no room for {} systems",
                        names.len()
                    ),
                )
            })?,
            None => 0,
        };
        let listener = TcpListener::bind((Ipv4Addr::LOCALHOST, port))
            .await
            .map_err(|e| {
                io::Error::new(
                    e.kind(),
                    format!("sample system {name}: cannot listen on 127.0.0.1:{port}: {e}"),
                )
            })?;
        bound.push((name, listener));
    }
    let (stop, _) = watch::channel(false);
    let mut systems = Vec::new();
    for (name, listener) in bound {
        let addr = listener.local_addr()?;
        let base_url = format!("http://{addr}");
        let auth = auth::Auth::for_system(name)
            .ok_or_else(|| io::Error::other(format!("no credentials for sample system {name}")))?;
        let state = Arc::new(SystemState {
            name,
            base_url: base_url.clone(),
            records: RwLock::new(records(name)?),
            requests: Default::default(),
            auth,
            latency_ms: opts.latency_ms,
            knobs: Default::default(),
            keys: Default::default(),
        });
        let app = match name {
            "crm" => crm::router(state.clone()),
            "billing" => billing::router(state.clone()),
            "support" => support::router(state.clone()),
            "loyalty" => loyalty::router(state.clone()),
            "mailing" => mailing::router(state.clone()),
            _ => analytics::router(state.clone()),
        }
        .route(
            shared::PROBE_PATH,
            axum::routing::get(
                move || async move { axum::Json(serde_json::json!({ "system": name })) },
            ),
        );
        let mut rx = stop.subscribe();
        tokio::spawn(async move {
            let shutdown = async move {
                while !*rx.borrow_and_update() {
                    if rx.changed().await.is_err() {
                        break;
                    }
                }
            };
            if let Err(e) = axum::serve(listener, app)
                .with_graceful_shutdown(shutdown)
                .await
            {
                tracing::warn!(system = name, error = %e, "sample system stopped with an error");
            }
        });
        systems.push(SampleSystem {
            name: name.to_string(),
            base_url,
            addr,
            state,
        });
    }
    Ok(SampleSystems { systems, stop })
}

impl SampleSystems {
    /// The running system of that name.
    pub fn get(&self, name: &str) -> Option<&SampleSystem> {
        self.systems.iter().find(|s| s.name == name)
    }

    /// Point the configured systems whose names match at the running servers.
    pub fn apply_to(&self, systems: &mut IndexMap<String, SystemDef>) {
        for s in &self.systems {
            if let Some(def) = systems.get_mut(&s.name) {
                def.base_url = s.base_url.clone();
            }
        }
    }

    /// Requests a system has received so far (0 for an unknown name).
    pub fn request_count(&self, system: &str) -> u64 {
        self.get(system)
            .map_or(0, |s| s.state.requests.load(Ordering::Relaxed))
    }

    /// Stop serving (open requests finish first).
    pub fn shutdown(self) {
        drop(self);
    }
}

impl Drop for SampleSystems {
    fn drop(&mut self) {
        self.stop.send_replace(true);
    }
}

/// `privdesk sample-systems`: serve until Ctrl-C, printing one line per system.
pub async fn serve_forever(opts: SampleOptions) -> io::Result<()> {
    let running = start(opts).await?;
    for s in &running.systems {
        println!("{:<8} {}", s.name, s.base_url);
    }
    println!("Serving the sample systems; press Ctrl-C to stop.");
    tokio::signal::ctrl_c().await?;
    running.shutdown();
    Ok(())
}
