//! Publishing changes. Calls that changed cases or actions hand a
//! [`Change`] to one publisher task, which folds a burst into one, reads
//! each changed case once, updates the queue index, brings every open
//! queue view up to date from that one row, and pushes to each session
//! what differs on its screen (the queue page), plus a notice of which
//! cases changed (for the case, actions and inbox screens).
//!
//! Watches, once a second: the store's `data_version` on the server's own
//! connection (it moves only when another process committed: an embedded
//! desk writing the same file), the configuration (an operator removed is
//! told at once), and the date (days left and overdue move at midnight).

use super::Server;
use crate::desk::queue_index::QueueIndex;
use crate::desk::{Desk, DeskError};
use crate::domain::{CaseId, Role};
use crate::protocol::Event;
use std::collections::BTreeSet;
use std::sync::Arc;
use std::time::Duration;
use tokio::sync::mpsc;

/// What a call changed.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct Change {
    cases: BTreeSet<CaseId>,
    /// Actions, jobs or approvals changed.
    actions: bool,
    /// Anything may have changed (another process wrote the store).
    all: bool,
    /// What supervisors are told in the queue's header changed.
    notices: bool,
}

impl Change {
    pub fn case(id: CaseId) -> Change {
        let mut c = Change::default();
        c.cases.insert(id);
        c
    }

    /// The actions of a case changed (and so may its queue row).
    pub fn actions(id: CaseId) -> Change {
        let mut c = Change::case(id);
        c.actions = true;
        c
    }

    pub fn everything() -> Change {
        Change {
            all: true,
            actions: true,
            notices: true,
            ..Change::default()
        }
    }

    /// Someone reached a limit: supervisors' queues say so.
    pub fn notices() -> Change {
        Change {
            notices: true,
            ..Change::default()
        }
    }

    pub fn add_case(&mut self, id: CaseId) {
        self.cases.insert(id);
    }

    pub fn is_empty(&self) -> bool {
        self.cases.is_empty() && !self.actions && !self.all && !self.notices
    }

    fn merge(&mut self, other: Change) {
        self.cases.extend(other.cases);
        self.actions |= other.actions;
        self.all |= other.all;
        self.notices |= other.notices;
    }
}

pub(crate) fn spawn_publisher(server: &Arc<Server>, mut rx: mpsc::UnboundedReceiver<Change>) {
    let weak = Arc::downgrade(server);
    tokio::spawn(async move {
        while let Some(mut change) = rx.recv().await {
            while let Ok(more) = rx.try_recv() {
                change.merge(more);
            }
            let Some(server) = weak.upgrade() else { break };
            let done = tokio::task::spawn_blocking(move || server.apply(&change)).await;
            if let Err(e) = done {
                tracing::warn!(error = %e, "a change could not be published");
            }
        }
    });
}

pub(crate) fn spawn_watches(server: &Arc<Server>) {
    let weak = Arc::downgrade(server);
    // What the store holds at the start: later commits of others are
    // changes, whenever the first look comes.
    let mut store_seen = None;
    if let Err(e) = server.core.store().foreign_change(&mut store_seen) {
        tracing::warn!(error = %e, "the store's state could not be read for the watch");
    }
    std::thread::Builder::new()
        .name("privdesk-watch".into())
        .spawn(move || {
            let mut failing = false;
            loop {
                std::thread::sleep(Duration::from_secs(1));
                let Some(server) = weak.upgrade() else { break };
                match server.core.store().foreign_change(&mut store_seen) {
                    Ok(true) => server.publish(Change::everything()),
                    Ok(false) => failing = false,
                    Err(e) => {
                        if !failing {
                            tracing::warn!(error = %e, "watching the store for other writers failed; retrying");
                        }
                        failing = true;
                    }
                }
                server.check_sessions();
                server.check_day();
            }
        })
        .map(|_| ())
        .unwrap_or_else(|e| tracing::warn!(error = %e, "the server's watch did not start"));
}

impl Server {
    /// Today in the desk's time zone.
    fn today(&self) -> chrono::NaiveDate {
        chrono::Utc::now()
            .with_timezone(&self.core.calendar().time_zone())
            .date_naive()
    }

    /// Read the queue into memory now (a standalone server does at start,
    /// so that the first operator to open it does not wait).
    pub fn preload_queue(self: &Arc<Self>) {
        let server = self.clone();
        tokio::task::spawn_blocking(move || {
            let cfg = server.core.config();
            let operators: Vec<&str> = cfg.operators.keys().map(String::as_str).collect();
            let sections = cfg.queue.sections(&operators);
            let mut q = server.queue.write().unwrap_or_else(|p| p.into_inner());
            if q.is_none() {
                match server.load_queue(sections) {
                    Ok(idx) => *q = Some(idx),
                    Err(e) => tracing::warn!(error = %e, "the queue could not be read at start"),
                }
            }
        });
    }

    /// Load the queue index if no queue was opened yet.
    pub(crate) fn ensure_queue(&self, desk: &Desk) -> Result<(), DeskError> {
        if self
            .queue
            .read()
            .unwrap_or_else(|p| p.into_inner())
            .is_some()
        {
            return Ok(());
        }
        let mut q = self.queue.write().unwrap_or_else(|p| p.into_inner());
        if q.is_none() {
            *q = Some(self.load_queue(desk.queue_sections())?);
        }
        Ok(())
    }

    fn load_queue(
        &self,
        sections: Vec<crate::domain::QueueSection>,
    ) -> Result<QueueIndex, DeskError> {
        let today = self.today();
        let load = self.core.store().queue(None, today)?;
        Ok(QueueIndex::build(
            load,
            sections,
            today,
            self.core.calendar(),
        ))
    }

    /// Apply a change: the queue index and views, then the pushes.
    fn apply(&self, change: &Change) {
        let sessions = self.sessions();
        let mut queue_touched = false;
        {
            let mut guard = self.queue.write().unwrap_or_else(|p| p.into_inner());
            if let Some(idx) = guard.as_mut() {
                if change.all {
                    match self.load_queue(idx.sections().to_vec()) {
                        Ok(fresh) => {
                            let generation = idx.generation() + 1;
                            *idx = fresh;
                            idx.set_generation(generation);
                            queue_touched = true;
                        }
                        Err(e) => tracing::warn!(error = %e, "the queue could not be read again"),
                    }
                } else if !change.cases.is_empty() {
                    let ids: Vec<CaseId> = change.cases.iter().copied().collect();
                    match self.core.store().queue_cases(&ids, idx.today()) {
                        Ok(rows) => {
                            let mut found = BTreeSet::new();
                            let mut applied = Vec::new();
                            for (row, descr) in rows {
                                found.insert(row.case.id);
                                applied.extend(idx.upsert(row, &descr, self.core.calendar()));
                            }
                            for id in ids.iter().filter(|id| !found.contains(id)) {
                                applied.extend(idx.remove(*id));
                            }
                            for a in &applied {
                                for s in &sessions {
                                    if let Some(q) =
                                        s.queue.lock().unwrap_or_else(|p| p.into_inner()).as_mut()
                                    {
                                        q.view.apply(idx, a);
                                    }
                                }
                            }
                            queue_touched = !applied.is_empty();
                        }
                        Err(e) => {
                            tracing::warn!(error = %e, "changed cases could not be read for the queue")
                        }
                    }
                }
            }
        }
        if queue_touched || change.notices {
            self.push_pages(&sessions, change.all, change.notices);
        }
        if change.cases.is_empty() && !change.actions && !change.all {
            return;
        }
        let cases: Vec<CaseId> = if change.all {
            Vec::new()
        } else {
            change.cases.iter().copied().collect()
        };
        for s in &sessions {
            s.push(Event::Changed {
                cases: cases.clone(),
                actions: change.actions,
            });
        }
    }

    /// Send each open queue its page, where it differs from the last sent.
    fn push_pages(&self, sessions: &[Arc<super::session::Session>], catch_up: bool, notices: bool) {
        let guard = self.queue.read().unwrap_or_else(|p| p.into_inner());
        let Some(idx) = guard.as_ref() else { return };
        // Read once for every supervisor, when they changed.
        let fresh = notices.then(|| {
            let mut p = crate::domain::queue::QueuePage::default();
            self.notices_into(&mut p);
            p.notices
        });
        // Rows shown to several sessions are written once.
        let mut written = super::page_line::Written::default();
        for s in sessions {
            let mut open = s.queue.lock().unwrap_or_else(|p| p.into_inner());
            let Some(q) = open.as_mut() else { continue };
            let mut page = if catch_up {
                let query = q.view.query().clone();
                q.view.set_query(idx, query)
            } else {
                q.view.page(idx)
            };
            // What supervisors are told stays as it was when the queue was
            // opened (read again when it is opened or moved).
            let supervisor = s
                .desk()
                .is_some_and(|d| d.operator().role == Role::Supervisor);
            match (&fresh, q.last.as_ref()) {
                (Some(n), _) if supervisor => page.notices = n.clone(),
                (_, Some(last)) => page.notices = last.notices.clone(),
                _ => {}
            }
            let differs = q.last.as_ref().is_none_or(|l| {
                l.rows != page.rows
                    || l.counts != page.counts
                    || l.total != page.total
                    || l.offset != page.offset
                    || l.notices != page.notices
            });
            if differs {
                s.push_line(written.line(&page));
                q.last = Some(page);
            }
        }
    }

    /// Supervisors see in the queue's header who reached a limit today.
    pub(crate) fn queue_notices(&self, desk: &Desk, page: &mut crate::domain::queue::QueuePage) {
        if desk.operator().role != Role::Supervisor {
            return;
        }
        self.notices_into(page);
    }

    /// The header line of who reached a limit today.
    fn notices_into(&self, page: &mut crate::domain::queue::QueuePage) {
        let midnight = chrono::Utc::now()
            .with_timezone(&self.core.calendar().time_zone())
            .date_naive()
            .and_hms_opt(0, 0, 0)
            .and_then(|t| {
                t.and_local_timezone(self.core.calendar().time_zone())
                    .single()
            })
            .map(|t| t.with_timezone(&chrono::Utc));
        let Some(since) = midnight else { return };
        let filter = crate::store::AuditFilter {
            kind: Some("limit".into()),
            since: Some(since.to_rfc3339_opts(chrono::SecondsFormat::Millis, true)),
            ..Default::default()
        };
        let Ok(entries) = self.core.store().audit_entries(&filter) else {
            return;
        };
        let mut seen = BTreeSet::new();
        for e in entries {
            seen.insert((e.operator, e.subject));
        }
        if seen.is_empty() {
            return;
        }
        let list: Vec<String> = seen
            .into_iter()
            .map(|(op, what)| format!("{op} ({})", what.replace('_', " ")))
            .collect();
        page.notices = vec![format!("reached a limit today: {}", list.join(", "))];
    }

    /// Tell sessions whose operator was removed (or let back in).
    fn check_sessions(&self) {
        for s in self.sessions() {
            let Some(desk) = s.desk() else { continue };
            let verdict = desk.check_access().err().map(|e| e.to_string());
            let mut last = s.refused.lock().unwrap_or_else(|p| p.into_inner());
            if *last != verdict {
                match &verdict {
                    Some(reason) => s.push(Event::Refused {
                        reason: reason.clone(),
                    }),
                    None => s.push(Event::Restored),
                }
                *last = verdict;
            }
        }
    }

    /// At midnight: days left and overdue move for every row.
    fn check_day(&self) {
        let today = self.today();
        let moved = {
            let mut guard = self.queue.write().unwrap_or_else(|p| p.into_inner());
            match guard.as_mut() {
                Some(idx) => idx.set_today(today, self.core.calendar()),
                None => false,
            }
        };
        if moved {
            self.push_pages(&self.sessions(), true, false);
        }
    }
}
