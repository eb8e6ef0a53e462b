//! The fan-out search as the operator sees it: every system asked at once,
//! results linked into persons and ranked, snapshots streamed as systems
//! answer, a second round by the emails and phones found, one audit entry.

use super::{Desk, DeskError};
use crate::connectors::{fan_out, Connector, SystemEvent};
use crate::domain::AuditKind;
use crate::domain::{Person, Record, Role, SearchQuery, SearchSnapshot, SystemState, SystemStatus};
use crate::identity;
use indexmap::IndexMap;
use serde_json::json;
use std::sync::Arc;
use std::time::{Duration, Instant};
use tokio::sync::mpsc;

/// Per-search overrides of the configuration.
#[derive(Debug, Clone, Default)]
pub struct SearchOptions {
    /// Upper bound of the whole search; default `search.timeout_secs`.
    pub timeout: Option<Duration>,
    /// Ask again by the identifiers found; default `search.expand`.
    pub expand: Option<bool>,
}

/// A running search: snapshots arrive on `updates`, the last one with `done`.
pub struct SearchRun {
    pub query: SearchQuery,
    pub updates: mpsc::UnboundedReceiver<SearchSnapshot>,
}

impl SearchRun {
    /// Wait for the end and return the final snapshot.
    pub async fn finish(mut self) -> Option<SearchSnapshot> {
        let mut last = None;
        while let Some(s) = self.updates.recv().await {
            let done = s.done;
            last = Some(s);
            if done {
                break;
            }
        }
        last
    }
}

#[derive(Default)]
struct Progress {
    outstanding: u32,
    asked: bool,
    answered: bool,
    failure: Option<SystemStatus>,
    not_asked: Option<String>,
    elapsed_ms: u64,
    truncated: bool,
    /// Records kept from this system, and the most that may be
    /// (`max_records`, over every round of the search).
    kept: usize,
    max: usize,
}

/// At most this many record ids are kept in a search's audit entry.
const MAX_MATCHED_IN_AUDIT: usize = 500;

struct Collector {
    query: SearchQuery,
    started: Instant,
    order: Vec<Arc<Connector>>,
    progress: IndexMap<String, Progress>,
    records: IndexMap<(String, String), Record>,
}

impl Collector {
    fn new(query: SearchQuery, connectors: &[Arc<Connector>]) -> Self {
        let progress = connectors
            .iter()
            .map(|c| {
                let p = Progress {
                    max: c.max_records(),
                    ..Progress::default()
                };
                (c.name().to_string(), p)
            })
            .collect();
        Collector {
            query,
            started: Instant::now(),
            order: connectors.to_vec(),
            progress,
            records: IndexMap::new(),
        }
    }

    /// Note that every system is about to be asked once more.
    fn expect_round(&mut self) {
        for p in self.progress.values_mut() {
            p.outstanding += 1;
        }
    }

    /// The systems a further round asks, each noted as asked once more:
    /// those that already gave `max_records` are left out, as nothing
    /// they answered could be kept.
    fn expect_round_of_open(&mut self, connectors: &[Arc<Connector>]) -> Vec<Arc<Connector>> {
        let mut open = Vec::new();
        for c in connectors {
            if let Some(p) = self.progress.get_mut(c.name()) {
                if p.kept < p.max {
                    p.outstanding += 1;
                    open.push(Arc::clone(c));
                }
            }
        }
        open
    }

    fn absorb(&mut self, ev: SystemEvent) {
        let Some(p) = self.progress.get_mut(&ev.system) else {
            return;
        };
        p.outstanding = p.outstanding.saturating_sub(1);
        p.truncated |= ev.truncated;
        match ev.status {
            SystemStatus::NotAsked { reason } => {
                if p.not_asked.is_none() {
                    p.not_asked = Some(reason);
                }
            }
            SystemStatus::Ok { elapsed_ms, .. } => {
                p.asked = true;
                p.answered = true;
                p.elapsed_ms = p.elapsed_ms.max(elapsed_ms);
            }
            SystemStatus::Pending => {}
            failure => {
                p.asked = true;
                // Rounds overlap: a system that timed out in both is reported
                // with the longest wait, whichever round gave up first.
                let longer = match (&p.failure, &failure) {
                    (None, _) => true,
                    (
                        Some(SystemStatus::Timeout { after_ms: old }),
                        SystemStatus::Timeout { after_ms: new },
                    ) => new > old,
                    _ => false,
                };
                if longer {
                    p.failure = Some(failure);
                }
            }
        }
        for r in ev.records {
            let key = r.key();
            if self.records.contains_key(&key) {
                continue;
            }
            if p.kept >= p.max {
                p.truncated = true;
                break;
            }
            p.kept += 1;
            self.records.insert(key, r);
        }
    }

    fn status_of(&self, system: &str, p: &Progress) -> SystemStatus {
        if let Some(f) = &p.failure {
            return f.clone();
        }
        if p.answered {
            let count = self.records.keys().filter(|(s, _)| s == system).count();
            return SystemStatus::Ok {
                count,
                elapsed_ms: p.elapsed_ms,
            };
        }
        if p.outstanding > 0 {
            return SystemStatus::Pending;
        }
        match &p.not_asked {
            Some(reason) => SystemStatus::NotAsked {
                reason: reason.clone(),
            },
            None => SystemStatus::Pending,
        }
    }

    fn snapshot(&self) -> SearchSnapshot {
        let systems = self
            .order
            .iter()
            .map(|c| {
                let p = &self.progress[c.name()];
                SystemState {
                    system: c.name().to_string(),
                    display_name: c.display_name().to_string(),
                    badge: c.badge(),
                    status: self.status_of(c.name(), p),
                    truncated: p.truncated,
                }
            })
            .collect();
        // Records in the configured order of systems, so every person reads the same way.
        let mut records: Vec<Record> = self.records.values().cloned().collect();
        let rank_of = |sys: &str| {
            self.order
                .iter()
                .position(|c| c.name() == sys)
                .unwrap_or(usize::MAX)
        };
        records.sort_by_key(|r| rank_of(&r.system));
        let persons = identity::resolve(records, &self.query);
        SearchSnapshot {
            query: self.query.clone(),
            systems,
            persons,
            done: false,
            elapsed_ms: self.started.elapsed().as_millis() as u64,
            audit_id: None,
            audit_error: None,
        }
    }

    /// What the audit entry of this search says (no record contents).
    fn audit_details(&self, snapshot: &SearchSnapshot, expanded: usize) -> serde_json::Value {
        let asked: Vec<&str> = self
            .progress
            .iter()
            .filter(|(_, p)| p.asked || p.outstanding > 0 && p.not_asked.is_none())
            .map(|(n, _)| n.as_str())
            .collect();
        let failed: Vec<&str> = snapshot
            .failed_systems()
            .iter()
            .map(|s| s.system.as_str())
            .collect();
        json!({
            "query": crate::store::personal(
                &super::subjects::query_normalized(&self.query.normalized),
                self.query.raw.as_str(),
            ),
            "kind": self.query.kind.as_str(),
            "systems_asked": asked,
            "systems_failed": failed,
            "records": self.records.len(),
            "persons": snapshot.persons.len(),
            "expanded_by": expanded,
            // Which records the search found (ids only), so the audit can
            // answer "who looked at this person's data" later.
            "matched": self
                .records
                .keys()
                .take(MAX_MATCHED_IN_AUDIT)
                .map(|(s, id)| super::subjects::sealed_record(&format!("{s}:{id}")))
                .collect::<Vec<_>>(),
        })
    }

    /// Emails and phone numbers of the best-ranked persons, not yet searched.
    fn expansion_ids(&self, persons: &[Person], max: usize) -> Vec<String> {
        let mut ids: Vec<String> = Vec::new();
        let mut seen_norm: Vec<String> = vec![self.query.normalized.clone()];
        for person in persons {
            for r in &person.records {
                let candidates = [
                    r.email.as_deref().and_then(identity::normalize::email),
                    r.phone.as_deref().and_then(identity::normalize::phone),
                ];
                for norm in candidates.into_iter().flatten() {
                    if ids.len() >= max {
                        return ids;
                    }
                    if !seen_norm.contains(&norm) {
                        seen_norm.push(norm.clone());
                        ids.push(norm);
                    }
                }
            }
        }
        ids
    }
}

/// Writes a search's audit entry if the search ends early (the operator
/// quit, the connection dropped, the program is shutting down): the systems
/// were asked, so the access happened and must be on record.
struct InterruptedAudit {
    desk: Desk,
    details: Option<serde_json::Value>,
}

impl InterruptedAudit {
    fn new(desk: Desk, details: serde_json::Value) -> Self {
        InterruptedAudit {
            desk,
            details: Some(details),
        }
    }

    fn update(&mut self, details: serde_json::Value) {
        if self.details.is_some() {
            self.details = Some(details);
        }
    }

    /// The search reached its end and writes its own entry.
    fn disarm(&mut self) {
        self.details = None;
    }
}

impl Drop for InterruptedAudit {
    fn drop(&mut self) {
        if let Some(mut details) = self.details.take() {
            details["interrupted"] = json!(true);
            if let Err(e) = self.desk.audit(AuditKind::Search, "query", details) {
                tracing::error!(error = %e, "an interrupted search could not be audited");
            }
        }
    }
}

/// Pass a round's events on, then `None` when the round is over.
fn forward(
    mut rx: mpsc::UnboundedReceiver<SystemEvent>,
    to: mpsc::UnboundedSender<Option<SystemEvent>>,
) {
    tokio::spawn(async move {
        loop {
            let ev = tokio::select! {
                ev = rx.recv() => ev,
                // The search was dropped: let go of the fan-out too, so
                // that it stops asking the systems.
                _ = to.closed() => return,
            };
            let Some(ev) = ev else { break };
            if to.send(Some(ev)).is_err() {
                return;
            }
        }
        let _ = to.send(None);
    });
}

impl Desk {
    /// Start a search. Bad queries (empty, too long) are refused before any
    /// system is asked; auditors do not search customers.
    pub fn start_search(&self, raw: &str, opts: SearchOptions) -> Result<SearchRun, DeskError> {
        self.gate("search")?;
        if self.operator().role == Role::Auditor {
            return Err(self.deny("search", "auditors do not search customer data"));
        }
        let cfg = &self.config().search;
        let query = identity::prepare_query(raw, cfg.max_query_chars)
            .map_err(|e| DeskError::Invalid(e.to_string()))?;
        let overall = opts
            .timeout
            .unwrap_or_else(|| Duration::from_secs_f64(cfg.timeout_secs.max(0.1)));
        let expand = opts.expand.unwrap_or(cfg.expand);
        let max_ids = cfg.expand_max_ids;
        let (tx, rx) = mpsc::unbounded_channel();
        let desk = self.clone();
        let q = query.clone();
        let slots = Some(self.inner.slots.clone());
        let task = tokio::spawn(crate::connectors::limits::within(slots, async move {
            desk.run_search(q, overall, expand, max_ids, tx).await;
        }));
        let mut running = self
            .inner
            .searches
            .lock()
            .unwrap_or_else(|p| p.into_inner());
        running.retain(|t| !t.is_finished());
        running.push(task);
        Ok(SearchRun { query, updates: rx })
    }

    /// Before leaving: give running searches up to `grace` to finish, then
    /// stop the rest. Every one of them ends with its audit entry written.
    pub async fn settle(&self, grace: std::time::Duration) {
        let tasks: Vec<_> = std::mem::take(
            &mut *self
                .inner
                .searches
                .lock()
                .unwrap_or_else(|p| p.into_inner()),
        );
        let deadline = tokio::time::Instant::now() + grace;
        for mut task in tasks {
            if tokio::time::timeout_at(deadline, &mut task).await.is_err() {
                task.abort();
                let _ = task.await;
            }
        }
    }

    async fn run_search(
        &self,
        query: SearchQuery,
        overall: Duration,
        expand: bool,
        max_ids: usize,
        tx: mpsc::UnboundedSender<SearchSnapshot>,
    ) {
        let connectors = self.connectors().to_vec();
        let mut col = Collector::new(query.clone(), &connectors);
        col.expect_round();
        let first_snapshot = col.snapshot();
        // From here on the systems are being asked: should this task be
        // dropped before the end, the guard still writes the audit entry.
        let mut guard = InterruptedAudit::new(self.clone(), col.audit_details(&first_snapshot, 0));
        let _ = tx.send(first_snapshot);
        // Every answer of every round arrives here; `None` marks a round's end.
        let (etx, mut erx) = mpsc::unbounded_channel::<Option<SystemEvent>>();
        forward(fan_out(&connectors, &query, overall), etx.clone());
        let mut open_rounds = 1usize;
        let mut expanded: Option<usize> = None;
        // The second round starts when the first is over, or halfway through
        // the budget if a slow system is still holding the first one up.
        let grace = tokio::time::sleep(overall / 2);
        tokio::pin!(grace);
        loop {
            let expand_now = tokio::select! {
                msg = erx.recv() => match msg {
                    Some(Some(ev)) => {
                        col.absorb(ev);
                        // Answers that arrived meanwhile go into the same
                        // snapshot: under load, one linking for several.
                        let mut ended = 0;
                        while let Ok(more) = erx.try_recv() {
                            match more {
                                Some(ev) => col.absorb(ev),
                                None => ended += 1,
                            }
                        }
                        open_rounds -= ended;
                        // The last answer of all: the final snapshot follows.
                        if open_rounds > 0 || expanded.is_none() {
                            let snapshot = col.snapshot();
                            guard.update(col.audit_details(&snapshot, expanded.unwrap_or(0)));
                            let _ = tx.send(snapshot);
                        }
                        ended > 0 && expanded.is_none()
                    }
                    Some(None) => {
                        open_rounds -= 1;
                        expanded.is_none()
                    }
                    None => break,
                },
                _ = &mut grace, if expanded.is_none() => true,
            };
            if expand_now {
                let left = overall.saturating_sub(col.started.elapsed());
                let ids = if expand && !left.is_zero() {
                    let persons = col.snapshot().persons;
                    col.expansion_ids(&persons, max_ids)
                } else {
                    Vec::new()
                };
                expanded = Some(ids.len());
                for id in ids {
                    let Ok(q2) = identity::prepare_query(&id, usize::MAX) else {
                        continue;
                    };
                    let open = col.expect_round_of_open(&connectors);
                    if open.is_empty() {
                        break;
                    }
                    open_rounds += 1;
                    forward(fan_out(&open, &q2, left), etx.clone());
                }
            }
            if open_rounds == 0 && expanded.is_some() {
                break;
            }
        }
        let expanded = expanded.unwrap_or(0);

        let mut last = col.snapshot();
        last.done = true;
        let details = col.audit_details(&last, expanded);
        let failed = last.failed_systems().len();
        guard.disarm();
        match self.audit_async(AuditKind::Search, "query", details).await {
            Ok(id) => last.audit_id = Some(id),
            Err(e) => last.audit_error = Some(e.to_string()),
        }
        tracing::info!(
            kind = query.kind.as_str(),
            systems = col.progress.len(),
            failed,
            records = col.records.len(),
            elapsed_ms = last.elapsed_ms,
            "search finished"
        );
        let _ = tx.send(last);
    }
}
