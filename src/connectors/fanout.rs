//! Asking every system at once and reporting each answer as it arrives.

use super::connector::Connector;
use crate::domain::{Record, SearchQuery, SystemStatus};
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;
use tokio::time::Instant;

/// How one system answered one search.
#[derive(Debug, Clone, PartialEq)]
pub struct SystemEvent {
    /// The system's key.
    pub system: String,
    pub status: SystemStatus,
    pub records: Vec<Record>,
    /// More results existed than `max_pages` allowed to fetch.
    pub truncated: bool,
}

/// Search every connector at once. Systems that cannot search the query's
/// kind report `NotAsked` straight away; every other system reports exactly
/// once when it is done, in order of completion, each within
/// `min(its timeout_secs, overall)`. The receiver closes after the last
/// report. Must be called inside a tokio runtime.
pub fn fan_out(
    connectors: &[Arc<Connector>],
    query: &SearchQuery,
    overall: Duration,
) -> mpsc::UnboundedReceiver<SystemEvent> {
    let (tx, rx) = mpsc::unbounded_channel();
    for c in connectors {
        if !c.supports(query.kind) {
            let _ = tx.send(SystemEvent {
                system: c.name().to_string(),
                status: SystemStatus::NotAsked {
                    reason: c.not_asked_reason(query.kind),
                },
                records: Vec::new(),
                truncated: false,
            });
            continue;
        }
        let tx = tx.clone();
        let c = Arc::clone(c);
        let q = query.clone();
        let session = super::limits::current();
        tokio::spawn(async move {
            let started = Instant::now();
            let name = c.name().to_string();
            // The search runs in its own task so that even a panic in it
            // still produces this system's one report.
            let mut search = tokio::spawn(super::limits::within(session, async move {
                c.search_within(&q, overall).await
            }));
            let joined = tokio::select! {
                r = &mut search => r,
                // Nobody listens any more: stop asking.
                _ = tx.closed() => {
                    search.abort();
                    return;
                }
            };
            let event = match joined {
                Ok(Ok(out)) => SystemEvent {
                    system: name,
                    status: SystemStatus::Ok {
                        count: out.records.len(),
                        elapsed_ms: started.elapsed().as_millis() as u64,
                    },
                    records: out.records,
                    truncated: out.truncated,
                },
                Ok(Err(e)) => SystemEvent {
                    system: name,
                    status: e.to_status(),
                    records: Vec::new(),
                    truncated: false,
                },
                Err(_) => {
                    tracing::error!(system = %name, "search task failed");
                    SystemEvent {
                        system: name,
                        status: SystemStatus::BadResponse {
                            error: "internal error while handling the answer".into(),
                        },
                        records: Vec::new(),
                        truncated: false,
                    }
                }
            };
            let _ = tx.send(event);
        });
    }
    rx
}
