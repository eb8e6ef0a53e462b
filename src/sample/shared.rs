//! Sharing the sample systems between demo sessions: `privdesk demo`
//! serves them on a fixed port range, and a second demo (another operator
//! in another terminal, same demo store) finds them already served there
//! and uses them, so both sessions act on the same backends.
//!
//! Every sample system answers `GET /.well-known/privdesk-sample` with its
//! name, without credentials; that is how a busy port is told apart from
//! a port some other program holds.

use super::{start, system_names, SampleOptions, SampleSystems};
use indexmap::IndexMap;
use std::io;
use std::time::Duration;

/// Where every sample system says which one it is.
pub const PROBE_PATH: &str = "/.well-known/privdesk-sample";

/// How long a probe waits for each port.
const PROBE_TIMEOUT: Duration = Duration::from_secs(2);

/// The sample systems a demo works against.
#[derive(Debug)]
pub enum DemoSystems {
    /// Started by this process; they stop when it ends.
    Started(SampleSystems),
    /// Already served by another process on these URLs (name, base URL).
    Joined(Vec<(String, String)>),
}

impl DemoSystems {
    /// (name, base URL) of every system.
    pub fn urls(&self) -> Vec<(String, String)> {
        match self {
            DemoSystems::Started(s) => s
                .systems
                .iter()
                .map(|x| (x.name.clone(), x.base_url.clone()))
                .collect(),
            DemoSystems::Joined(urls) => urls.clone(),
        }
    }

    /// Point the configured systems whose names match at these servers.
    pub fn apply_to(&self, systems: &mut IndexMap<String, crate::config::SystemDef>) {
        for (name, url) in self.urls() {
            if let Some(def) = systems.get_mut(&name) {
                def.base_url = url;
            }
        }
    }
}

/// Serve the sample systems on `port_base` (0: free ports, never shared);
/// when those ports are taken by another demo's sample systems, use them.
pub async fn start_or_join(
    port_base: u16,
    latency_ms: Option<(u64, u64)>,
) -> io::Result<DemoSystems> {
    let opts = SampleOptions {
        port_base: (port_base != 0).then_some(port_base),
        latency_ms,
    };
    let err = match start(opts).await {
        Ok(s) => return Ok(DemoSystems::Started(s)),
        Err(e) if port_base != 0 && e.kind() == io::ErrorKind::AddrInUse => e,
        Err(e) => return Err(e),
    };
    match probe(port_base).await {
        Ok(urls) => Ok(DemoSystems::Joined(urls)),
        Err(why) => {
            let last = port_base.saturating_add(system_names().len() as u16 - 1);
            Err(io::Error::new(
                io::ErrorKind::AddrInUse,
                format!(
                    "{err}; ports {port_base}-{last} are not all served by privdesk's sample systems ({why}); choose other ports with --port-base, or --port-base 0 for free ones"
                ),
            ))
        }
    }
}

/// Ask every port of the range which sample system it serves; the URLs
/// when each answers with the expected name.
pub async fn probe(port_base: u16) -> Result<Vec<(String, String)>, String> {
    let client = reqwest::Client::builder()
        .timeout(PROBE_TIMEOUT)
        .no_proxy()
        .build()
        .map_err(|e| format!("cannot build an HTTP client: {e}"))?;
    let mut urls = Vec::new();
    for (i, name) in system_names().into_iter().enumerate() {
        let port = port_base
            .checked_add(i as u16)
            .ok_or_else(|| format!("port base {port_base} leaves no room for {name}"))?;
        let base = format!("http://127.0.0.1:{port}");
        let answer = client
            .get(format!("{base}{PROBE_PATH}"))
            .send()
            .await
            .map_err(|e| {
                if e.is_timeout() {
                    format!("port {port} did not answer")
                } else {
                    format!("port {port} did not answer over HTTP")
                }
            })?;
        if !answer.status().is_success() {
            return Err(format!(
                "port {port} answered HTTP {}",
                answer.status().as_u16()
            ));
        }
        let body: serde_json::Value = answer
            .json()
            .await
            .map_err(|_| format!("port {port} did not answer as a sample system"))?;
        if body["system"] != name {
            return Err(format!(
                "port {port} serves {} where {name} was expected",
                body["system"]
            ));
        }
        urls.push((name.to_string(), base));
    }
    Ok(urls)
}
