//! How many requests may be in flight to a system. All operators share one
//! server and so one set of connections: each system has a server-wide
//! cap (`max_in_flight`, first come first served), and each session a
//! share of its own (`concurrency`), so one operator's burst of searches
//! waits for itself, not for everybody. A system's own rate limit (429 or
//! 503 with `Retry-After`) holds every session's requests to it until the
//! time it named.
//!
//! The session's share travels with its work as a task-local value
//! ([`SESSION`]); fan-outs carry it into the tasks they spawn. Work with no
//! session (a run the server finishes alone) has only the server-wide cap.

use std::collections::HashMap;
use std::sync::{Arc, Mutex};
use tokio::sync::{OwnedSemaphorePermit, Semaphore};

tokio::task_local! {
    /// The request slots of the session whose work this is.
    pub static SESSION: Arc<SessionSlots>;
}

/// One session's request slots, per system.
#[derive(Debug, Default)]
pub struct SessionSlots {
    per_system: Mutex<HashMap<String, Arc<Semaphore>>>,
}

impl SessionSlots {
    pub fn new() -> Arc<SessionSlots> {
        Arc::new(SessionSlots::default())
    }

    fn semaphore(&self, system: &str, share: usize) -> Arc<Semaphore> {
        let mut m = self.per_system.lock().unwrap_or_else(|p| p.into_inner());
        m.entry(system.to_string())
            .or_insert_with(|| Arc::new(Semaphore::new(share.max(1))))
            .clone()
    }
}

/// A slot of the session (if the work has one) for `system`.
pub(crate) async fn session_slot(system: &str, share: usize) -> Option<OwnedSemaphorePermit> {
    let sem = SESSION.try_with(|s| s.semaphore(system, share)).ok()?;
    sem.acquire_owned().await.ok()
}

/// The session of the current task, to carry into tasks it spawns.
pub fn current() -> Option<Arc<SessionSlots>> {
    SESSION.try_with(Arc::clone).ok()
}

/// Run `fut` as work of `session` (or of none).
pub async fn within<F: std::future::Future>(
    session: Option<Arc<SessionSlots>>,
    fut: F,
) -> F::Output {
    match session {
        Some(s) => SESSION.scope(s, fut).await,
        None => fut.await,
    }
}
