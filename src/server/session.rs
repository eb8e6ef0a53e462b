//! One connected client: who it is (the peer), the desk it opened at
//! hello, and what it was shown unmasked. Records found by its searches
//! and fetches are kept here as the systems sent them, so a reveal (with a
//! purpose) can hand them over without asking the systems again; cases it
//! revealed stay revealed for it until it says otherwise or goes.

use super::peer::Peer;
use super::Server;
use crate::desk::queue_index::QueueView;
use crate::desk::Desk;
use crate::domain::queue::QueuePage;
use crate::domain::{CaseId, Record};
use crate::protocol::calls::RecordKey;
use crate::protocol::Event;
use bytes::Bytes;
use indexmap::IndexMap;
use std::collections::{HashMap, HashSet};
use std::path::PathBuf;
use std::sync::{Arc, Mutex, MutexGuard, OnceLock};
use tokio::sync::mpsc;

/// Most records a session keeps for reveals (the oldest go first).
const MAX_RECORDS: usize = 5_000;

/// The queue a session has open.
pub(crate) struct OpenQueue {
    pub view: QueueView,
    /// The page last sent (a push is sent only when it would differ).
    pub last: Option<QueuePage>,
}

/// Files the session may fetch under a token: name -> path.
pub(crate) type Files = HashMap<String, PathBuf>;

pub(crate) struct Session {
    pub id: u64,
    pub peer: Peer,
    pub server: Arc<Server>,
    desk: OnceLock<Desk>,
    /// The events stream, as lines of JSON.
    events: Mutex<Option<mpsc::UnboundedSender<Bytes>>>,
    records: Mutex<IndexMap<RecordKey, Record>>,
    revealed: Mutex<HashSet<CaseId>>,
    pub queue: Mutex<Option<OpenQueue>>,
    downloads: Mutex<HashMap<String, Files>>,
    /// Whether the operator was last told they are refused.
    pub refused: Mutex<Option<String>>,
}

fn lock<T>(m: &Mutex<T>) -> MutexGuard<'_, T> {
    m.lock().unwrap_or_else(|p| p.into_inner())
}

impl Session {
    pub(crate) fn new(id: u64, peer: Peer, server: Arc<Server>) -> Session {
        Session {
            id,
            peer,
            server,
            desk: OnceLock::new(),
            events: Mutex::new(None),
            records: Mutex::new(IndexMap::new()),
            revealed: Mutex::new(HashSet::new()),
            queue: Mutex::new(None),
            downloads: Mutex::new(HashMap::new()),
            refused: Mutex::new(None),
        }
    }

    /// The desk opened at hello.
    pub(crate) fn desk(&self) -> Option<&Desk> {
        self.desk.get()
    }

    /// Set the desk; false when hello was said already.
    pub(crate) fn set_desk(&self, desk: Desk) -> bool {
        self.desk.set(desk).is_ok()
    }

    /// Start the events stream: what is pushed from now on goes to `tx`.
    pub(crate) fn open_events(&self, tx: mpsc::UnboundedSender<Bytes>) {
        *lock(&self.events) = Some(tx);
    }

    /// Push an event if the session listens.
    pub(crate) fn push(&self, e: Event) {
        self.push_line(crate::protocol::stream::line(&e));
    }

    /// Push an event already written as a line.
    pub(crate) fn push_line(&self, line: Bytes) {
        if let Some(tx) = lock(&self.events).as_ref() {
            let _ = tx.send(line);
        }
    }

    /// Keep records as the systems sent them, for a reveal.
    pub(crate) fn keep_records<'a>(&self, records: impl IntoIterator<Item = &'a Record>) {
        let mut kept = lock(&self.records);
        for r in records {
            kept.shift_remove(&r.key());
            kept.insert(r.key(), r.clone());
        }
        while kept.len() > MAX_RECORDS {
            kept.shift_remove_index(0);
        }
    }

    /// The records kept under these keys; the keys of those not kept.
    pub(crate) fn kept_records(&self, keys: &[RecordKey]) -> (Vec<Record>, Vec<RecordKey>) {
        let kept = lock(&self.records);
        let mut found = Vec::new();
        let mut missing = Vec::new();
        for k in keys {
            match kept.get(k) {
                Some(r) => found.push(r.clone()),
                None => missing.push(k.clone()),
            }
        }
        (found, missing)
    }

    pub(crate) fn mark_revealed(&self, id: CaseId) {
        lock(&self.revealed).insert(id);
    }

    pub(crate) fn is_revealed(&self, id: CaseId) -> bool {
        lock(&self.revealed).contains(&id)
    }

    /// Register files the session may fetch; the token.
    pub(crate) fn offer(&self, files: Files) -> String {
        let token = uuid::Uuid::new_v4().simple().to_string();
        lock(&self.downloads).insert(token.clone(), files);
        token
    }

    /// The path of a file offered under `token`.
    pub(crate) fn offered(&self, token: &str, name: &str) -> Option<PathBuf> {
        lock(&self.downloads).get(token)?.get(name).cloned()
    }

    /// The connection ended: stop the session's searches (each still
    /// audited) and forget what it was shown.
    pub(crate) async fn close(&self) {
        *lock(&self.events) = None;
        lock(&self.records).clear();
        lock(&self.revealed).clear();
        *lock(&self.queue) = None;
        if let Some(desk) = self.desk() {
            desk.settle(std::time::Duration::ZERO).await;
        }
        tracing::debug!(session = self.id, "session closed");
    }
}
