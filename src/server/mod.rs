//! `privdesk server`: the one process that reads the configuration, the
//! secrets and the store, and the only one that talks to the company
//! systems. Operators connect over a Unix domain socket; who they are is
//! the peer's uid as the kernel reports it (`SO_PEERCRED`), looked up in the
//! user database and then in `[operators]` (see `peer.rs`, `operators.rs`).
//! Nothing a client sends names the operator, but a demo server's `--as`.
//!
//! Each connection is one session (`session.rs`): an HTTP/2 connection
//! carrying the desk's calls (`dispatch.rs`), the search and run streams
//! and the session's pushes (`routes.rs`). Values leave masked (`mask.rs`)
//! unless the session revealed them with a purpose. When the connection
//! ends, the session's searches stop (each still audited).
//!
//! Changes are published here: after each call that changed cases or
//! actions, the server reads the changed cases once, updates its queue
//! index in memory, and pushes to every session what it shows (`changes.rs`).
//! A change made to the store by another process (an embedded desk over the
//! same file) is noticed by a watch on the store and handled the same way.

mod changes;
pub mod checkpoint;
mod dispatch;
mod files;
mod hello;
pub mod limits;
mod listen;
mod mask;
mod operators;
mod page_line;
mod peer;
mod routes;
mod session;

pub use changes::Change;
pub use listen::{bind, ListenOptions, Listener};
pub use peer::Peer;

use crate::config::Config;
use crate::desk::queue_index::QueueIndex;
use crate::desk::{DeskCore, DeskError};
use session::Session;
use std::collections::HashMap;
use std::sync::atomic::{AtomicU64, Ordering};
use std::sync::{Arc, Mutex, RwLock};
use tokio::net::UnixStream;
use tokio::sync::mpsc;

/// The desk as a server: one per process.
pub struct Server {
    core: Arc<DeskCore>,
    /// The open cases, loaded when a queue is first opened.
    queue: RwLock<Option<QueueIndex>>,
    sessions: Mutex<HashMap<u64, Arc<Session>>>,
    next_session: AtomicU64,
    operators: operators::Operators,
    changes: mpsc::UnboundedSender<Change>,
    limits: limits::Limits,
    /// Sessions ever opened (a demo server stops once the last one ends).
    opened: AtomicU64,
}

impl Server {
    /// Open the store and the systems of `config` and start the server's
    /// background work (publishing changes, watching the store and the
    /// configuration). Must be called within a tokio runtime.
    pub fn start(config: Config) -> Result<Arc<Server>, DeskError> {
        let operators = operators::Operators::new(&config);
        let limits = limits::Limits::new(&config.limits);
        let core = DeskCore::open(config)?;
        let (changes, rx) = mpsc::unbounded_channel();
        let server = Arc::new(Server {
            core,
            queue: RwLock::new(None),
            sessions: Mutex::new(HashMap::new()),
            next_session: AtomicU64::new(1),
            operators,
            changes,
            limits,
            opened: AtomicU64::new(0),
        });
        changes::spawn_publisher(&server, rx);
        changes::spawn_watches(&server);
        checkpoint::spawn_schedule(&server);
        Ok(server)
    }

    pub fn core(&self) -> &Arc<DeskCore> {
        &self.core
    }

    pub fn config(&self) -> &Config {
        self.core.config()
    }

    /// Serve one connected socket as a session until it closes.
    pub async fn serve_connection(self: &Arc<Self>, stream: UnixStream) {
        let peer = match Peer::of(&stream) {
            Ok(p) => p,
            Err(e) => {
                tracing::warn!(error = %e, "a connection's peer could not be read; closed");
                return;
            }
        };
        let id = self.next_session.fetch_add(1, Ordering::Relaxed);
        let session = Arc::new(Session::new(id, peer, self.clone()));
        self.opened.fetch_add(1, Ordering::Relaxed);
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(id, session.clone());
        routes::serve(session.clone(), stream).await;
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&id);
        session.close().await;
    }

    /// A connection to this server from inside the process (the embedded
    /// desk of `--config`): one end of a socket pair is served as a
    /// session, the other returned. The peer is this process's own user.
    pub fn connect_in_process(self: &Arc<Self>) -> std::io::Result<UnixStream> {
        let (ours, theirs) = UnixStream::pair()?;
        let server = self.clone();
        tokio::spawn(async move { server.serve_connection(ours).await });
        Ok(theirs)
    }

    /// Accept connections until the listener fails or `stop` resolves.
    pub async fn serve(
        self: &Arc<Self>,
        listener: Listener,
        stop: impl std::future::Future<Output = ()>,
    ) {
        tokio::pin!(stop);
        loop {
            tokio::select! {
                accepted = listener.accept() => match accepted {
                    Ok(stream) => {
                        let server = self.clone();
                        tokio::spawn(async move { server.serve_connection(stream).await });
                    }
                    Err(e) => {
                        tracing::warn!(error = %e, "accepting a connection failed");
                        tokio::time::sleep(std::time::Duration::from_millis(50)).await;
                    }
                },
                _ = &mut stop => break,
            }
        }
        self.closing("the server is stopping");
    }

    /// Tell every session the server is going away.
    pub fn closing(&self, reason: &str) {
        for s in self.sessions() {
            s.push(crate::protocol::Event::Closing {
                reason: reason.to_string(),
            });
        }
    }

    /// Sessions connected now.
    pub fn session_count(&self) -> usize {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .len()
    }

    /// Sessions opened since the start.
    pub fn sessions_opened(&self) -> u64 {
        self.opened.load(Ordering::Relaxed)
    }

    fn sessions(&self) -> Vec<Arc<Session>> {
        self.sessions
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .values()
            .cloned()
            .collect()
    }

    /// Refuse `act` when the operator used up an allowance ([`limits`]),
    /// counting it when let through; supervisors' queues are told of a
    /// refusal.
    pub(crate) fn check_limit(
        &self,
        desk: &crate::desk::Desk,
        act: limits::Act,
    ) -> Result<(), DeskError> {
        self.limit(desk, act, true)
    }

    /// As [`Server::check_limit`], counting nothing: asked before the act.
    pub(crate) fn peek_limit(
        &self,
        desk: &crate::desk::Desk,
        act: limits::Act,
    ) -> Result<(), DeskError> {
        self.limit(desk, act, false)
    }

    fn limit(
        &self,
        desk: &crate::desk::Desk,
        act: limits::Act,
        count: bool,
    ) -> Result<(), DeskError> {
        let r = self.limits.check(desk, act, count);
        if r.is_err() {
            self.publish(Change::notices());
        }
        r
    }

    /// Have `change` published to every session it concerns.
    pub fn publish(&self, change: Change) {
        if !change.is_empty() {
            let _ = self.changes.send(change);
        }
    }
}

#[cfg(test)]
mod tests;
