//! The service layer the TUI and the CLI both call: who the operator is, what
//! they may do, searches across systems, reveals and fetches, cases (open,
//! view, list, change; see `cases.rs` and `case_changes.rs`), disclosure
//! packages (`package.rs`) and letters to requesters (`letters.rs`), actions
//! on cases (`actions.rs`, `action_run.rs`) and manual tasks (`tasks.rs`),
//! and the audit entries every one of them writes.

pub(crate) mod access;
mod action_run;
mod action_view;
mod actions;
mod audit;
mod audit_export;
mod case_access;
mod case_changes;
mod case_time;
mod cases;
mod drafts;
mod error;
mod intake;
mod letters;
mod package;
mod package_check;
mod package_processors;
mod package_source;
mod queue;
pub mod queue_index;
mod report;
mod retention;
mod search;
pub mod subjects;
mod tasks;

#[cfg(test)]
mod tests;

pub use crate::domain::{SearchSnapshot, SystemState};
pub use action_run::{JobUpdate, RunReport};
pub use action_view::{ActionView, CaseActions, JobView, TaskView};
pub use actions::{ActionRequest, ManualInput, PlannedAction};
pub use audit_export::{export_file, trail_csv, trail_text, write_trail, PersonTrail, TrailEntry};
pub use cases::{CaseView, DuplicateQuery};
pub use error::DeskError;
pub use letters::Letter;
pub use package::{PackageCheck, PackageOptions, PackageRecord, PackageReport};
pub use package_source::{FetchSource, RecordSource};
pub use queue::WATCH_EVERY;
pub use retention::{RetentionCase, RetentionRun};
pub use search::{SearchOptions, SearchRun};

use crate::calendar::Calendar;
use crate::config::Config;
use crate::connectors::{Connector, SystemActions};
use crate::domain::AuditKind;
use crate::domain::{Operator, Person, Record, Role};
use crate::store::{NewAuditEntry, Store};
use serde_json::json;
use std::sync::Arc;

/// What every operator's desk shares: the configuration, the calendar, the
/// store and the connected systems (one set of connections and limits per
/// process, whoever asks). A server holds one and opens a [`Desk`] per
/// connected operator with [`DeskCore::desk_for`].
pub struct DeskCore {
    config: Config,
    calendar: Calendar,
    store: Arc<Store>,
    connectors: Vec<Arc<Connector>>,
    /// The action side of every system, built when first needed.
    actions: std::sync::OnceLock<Result<Vec<Arc<SystemActions>>, String>>,
    /// Actions being run by this process, whichever session started them:
    /// the store's claim names the process, so two sessions of one server
    /// are kept apart here.
    pub(crate) running: std::sync::Mutex<std::collections::HashSet<i64>>,
}

impl DeskCore {
    /// Open the store and build the connectors of `config`.
    pub fn open(config: Config) -> Result<Arc<DeskCore>, DeskError> {
        let calendar = Calendar::from_config(&config.calendar).map_err(DeskError::Config)?;
        let store = Store::open_keyed(
            &config.store_path(),
            config.store.busy_timeout_ms,
            &config.audit_key_path(),
        )?;
        let connectors = Connector::from_config(&config).map_err(DeskError::Config)?;
        Ok(Arc::new(DeskCore {
            config,
            calendar,
            store: Arc::new(store),
            connectors,
            actions: Default::default(),
            running: Default::default(),
        }))
    }

    pub fn config(&self) -> &Config {
        &self.config
    }

    pub fn calendar(&self) -> &Calendar {
        &self.calendar
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.store
    }

    pub fn connectors(&self) -> &[Arc<Connector>] {
        &self.connectors
    }

    /// The desk of one operator, checked against the configuration: an
    /// unknown operator is refused before anything else.
    pub fn desk_for(self: &Arc<Self>, username: &str) -> Result<Desk, DeskError> {
        let operator = self.config.operator(username).map_err(DeskError::Refused)?;
        Ok(self.desk_as(operator))
    }

    /// The desk of an operator already checked (by the server, against the
    /// configuration it re-reads).
    pub fn desk_as(self: &Arc<Self>, operator: Operator) -> Desk {
        let watch = access::Watch::new(self.config.source.as_deref(), &operator);
        Desk {
            inner: Arc::new(Inner {
                core: self.clone(),
                operator,
                searches: Default::default(),
                slots: crate::connectors::limits::SessionSlots::new(),
                watch,
            }),
        }
    }
}

/// Records shown unmasked by a reveal, and the reveal's audit entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct Revealed {
    pub audit_id: i64,
    pub records: Vec<Record>,
}

/// A case shown with its contact details unmasked, and the reveal's audit entry.
#[derive(Debug, Clone, PartialEq, serde::Serialize, serde::Deserialize)]
pub struct RevealedCase {
    pub audit_id: i64,
    pub view: CaseView,
}

/// One operator's handle on the desk.
#[derive(Clone)]
pub struct Desk {
    inner: Arc<Inner>,
}

struct Inner {
    core: Arc<DeskCore>,
    operator: Operator,
    /// Searches still running, so leaving can wait for them (see `settle`).
    searches: std::sync::Mutex<Vec<tokio::task::JoinHandle<()>>>,
    /// This operator session's share of each system's request slots.
    slots: Arc<crate::connectors::limits::SessionSlots>,
    /// The configuration file, watched for the operator's removal.
    watch: access::Watch,
}

impl Desk {
    /// Check the operator against the configuration, open the store and build
    /// the connectors. An unknown operator is refused before anything else.
    pub fn open(config: Config, username: &str) -> Result<Desk, DeskError> {
        config.operator(username).map_err(DeskError::Refused)?;
        DeskCore::open(config)?.desk_for(username)
    }

    /// What this desk shares with the other operators' desks.
    pub fn core(&self) -> &Arc<DeskCore> {
        &self.inner.core
    }

    pub fn config(&self) -> &Config {
        &self.inner.core.config
    }

    /// The business calendar deadlines are counted on.
    pub fn calendar(&self) -> &Calendar {
        &self.inner.core.calendar
    }

    pub fn operator(&self) -> &Operator {
        &self.inner.operator
    }

    pub fn store(&self) -> &Arc<Store> {
        &self.inner.core.store
    }

    pub fn connectors(&self) -> &[Arc<Connector>] {
        &self.inner.core.connectors
    }

    pub fn connector(&self, system: &str) -> Option<&Arc<Connector>> {
        self.inner
            .core
            .connectors
            .iter()
            .find(|c| c.name() == system)
    }

    /// Write an audit entry in the operator's name.
    pub fn audit(
        &self,
        kind: AuditKind,
        subject: &str,
        details: serde_json::Value,
    ) -> Result<i64, DeskError> {
        let entry = self.inner.core.store.append_audit(&NewAuditEntry {
            operator: self.inner.operator.username.clone(),
            kind,
            subject: subject.to_string(),
            details,
        })?;
        Ok(entry.id)
    }

    /// `audit` from async code: the SQLite write runs on the blocking pool.
    pub async fn audit_async(
        &self,
        kind: AuditKind,
        subject: &str,
        details: serde_json::Value,
    ) -> Result<i64, DeskError> {
        let desk = self.clone();
        let subject = subject.to_string();
        tokio::task::spawn_blocking(move || desk.audit(kind, &subject, details))
            .await
            .map_err(|e| DeskError::Invalid(format!("audit write interrupted: {e}")))?
    }

    /// Refuse an operation, leaving a trace of the attempt in the audit log.
    fn deny(&self, operation: &str, why: &str) -> DeskError {
        let _ = self.audit(AuditKind::Denied, operation, json!({ "reason": why }));
        DeskError::Denied(why.to_string())
    }

    /// Whether this operator may reveal with this purpose; the trimmed
    /// purpose if so. Callers check before asking any system, so a refused
    /// reveal costs no search. Auditors read the trail, not personal data:
    /// their attempt is refused and audited.
    pub fn check_reveal(&self, purpose: &str) -> Result<String, DeskError> {
        self.gate("reveal")?;
        if self.inner.operator.role == Role::Auditor && !self.config().reveal.auditors_may_reveal {
            return Err(self.deny(
                "reveal",
                "auditors cannot reveal personal data ([reveal] auditors_may_reveal is off)",
            ));
        }
        let purpose = purpose.trim();
        if purpose.is_empty() {
            return Err(DeskError::Invalid(
                "a purpose is required to reveal personal data".into(),
            ));
        }
        Ok(purpose.to_string())
    }

    /// Record that masked values of these records are shown, and why
    /// (refused as [`Desk::check_reveal`] refuses).
    pub fn reveal(&self, records: &[Record], purpose: &str) -> Result<i64, DeskError> {
        let purpose = self.check_reveal(purpose)?;
        let ids: Vec<String> = records
            .iter()
            .map(|r| format!("{}:{}", r.system, r.id))
            .collect();
        self.audit(
            AuditKind::Reveal,
            "records",
            json!({
                "purpose": typed_about(ids.first(), purpose),
                "records": ids.iter().map(|k| subjects::sealed_record(k)).collect::<Vec<_>>(),
            }),
        )
    }

    /// Reveal every record of a person.
    /// Show one masked value of one record with a purpose: audited like a
    /// reveal, with the field named.
    pub fn reveal_field(
        &self,
        record: &Record,
        field: &str,
        purpose: &str,
    ) -> Result<i64, DeskError> {
        let purpose = self.check_reveal(purpose)?;
        if !crate::domain::mask::is_masked_field(field) {
            return Err(DeskError::Invalid(format!(
                "`{field}` is not a masked field (masked: email, phone, postal_code, address, birth_date)"
            )));
        }
        if record.canonical(field).is_none() {
            return Err(DeskError::Invalid(format!(
                "record {}:{} has no {field}",
                record.system, record.id
            )));
        }
        self.audit(AuditKind::Reveal, "records", {
            let key = format!("{}:{}", record.system, record.id);
            json!({
                "purpose": typed_about(Some(&key), purpose),
                "records": [subjects::sealed_record(&key)],
                "field": field,
            })
        })
    }

    pub fn reveal_person(&self, person: &Person, purpose: &str) -> Result<i64, DeskError> {
        self.reveal(&person.records, purpose)
    }

    /// Get one full record from its system (the `fetch` request), audited.
    /// Auditors do not read customer records, as they do not search them.
    pub async fn fetch(&self, system: &str, id: &str) -> Result<Record, DeskError> {
        self.gate("fetch")?;
        if self.inner.operator.role == Role::Auditor {
            return Err(self.deny("fetch", "auditors do not read customer records"));
        }
        let conn = self
            .connector(system)
            .ok_or_else(|| DeskError::Invalid(format!("no system named `{system}` is configured")))?
            .clone();
        let result =
            crate::connectors::limits::within(Some(self.inner.slots.clone()), conn.fetch(id)).await;
        let outcome = match &result {
            Ok(_) => "ok".to_string(),
            Err(e) => e.to_status().code().to_string(),
        };
        self.audit_async(
            AuditKind::Fetch,
            "record",
            json!({ "record": subjects::sealed_record(&format!("{system}:{id}")), "outcome": outcome }),
        )
        .await?;
        result.map_err(|e| DeskError::System {
            system: system.to_string(),
            message: e.to_status().message().unwrap_or_default(),
        })
    }
}

/// Text typed about a record (a purpose), sealed with the record's key.
fn typed_about(record: Option<&String>, text: String) -> serde_json::Value {
    match record {
        Some(key) => crate::store::personal(&subjects::record(key), text),
        None => serde_json::Value::String(text),
    }
}

/// Text typed on a case (a reason, a purpose, a result), sealed with the
/// case's key.
pub(crate) fn typed_on(case: crate::domain::CaseId, text: &str) -> serde_json::Value {
    crate::store::personal(&subjects::case(case), text)
}
