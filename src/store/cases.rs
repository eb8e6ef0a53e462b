//! Writing cases. Every write is one `BEGIN IMMEDIATE` transaction holding
//! the change, its timeline event and its audit entry: all three are
//! written, or none. Updates carry the version the operator saw and fail
//! with [`StoreError::Conflict`] when the case changed since.

use super::case_rows::{case_params, insert_sql, ts, update_sql, ContactKeys};
use super::{Store, StoreError};
use crate::domain::{Case, CaseConflict, CaseId, LinkedRecord};
use crate::store::NewAuditEntry;
use chrono::{DateTime, Utc};
use rusqlite::types::{ToSql, Value};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::json;

/// A note or reply written together with a change.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct NewNote {
    pub text: String,
    /// Internal note (true) or reply sent to the requester (false).
    pub internal: bool,
    /// This reply becomes THE response that counts for the deadline.
    pub is_response: bool,
}

/// One change to a case, as the desk hands it to the store.
#[derive(Debug, Clone)]
pub struct CaseWrite<'a> {
    /// The case as it is after the change. Its `version` is ignored: the
    /// store writes `expected_version + 1`.
    pub case: &'a Case,
    pub keys: &'a ContactKeys,
    /// The version the operator saw.
    pub expected_version: i64,
    /// Who makes the change.
    pub operator: &'a str,
    pub at: DateTime<Utc>,
    /// The timeline event: its kind and the changed fields before and after.
    pub event_kind: &'a str,
    pub before: serde_json::Value,
    pub after: serde_json::Value,
    /// A note or reply to add with this change.
    pub note: Option<NewNote>,
    /// Records to link with this change (already linked ones are skipped).
    pub links: &'a [LinkedRecord],
    /// The audit entry (its subject is the case number).
    pub audit: NewAuditEntry,
}

fn bind(params: &[(String, Value)]) -> Vec<(&str, &dyn ToSql)> {
    params
        .iter()
        .map(|(k, v)| (k.as_str(), v as &dyn ToSql))
        .collect()
}

impl Store {
    /// Stores a new case, numbering it `PD-<year>-<next>` inside the same
    /// transaction, with its links, a `created` event (version 1) and the
    /// audit entry (whose subject becomes the case number). Returns the case
    /// as stored.
    pub fn create_case(
        &self,
        case: &Case,
        keys: &ContactKeys,
        year: i32,
        links: &[LinkedRecord],
        created_event: serde_json::Value,
        audit: &NewAuditEntry,
    ) -> Result<Case, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let seq = next_numbers(&tx, year, 1).map_err(|e| self.sql_err(e))?;
        let mut stored = case.clone();
        stored.id = CaseId::new(year, seq);
        stored.version = 1;
        self.insert_case(&tx, &stored, keys, links, &created_event)?;
        let mut audit = audit.clone();
        audit.subject = stored.id.to_string();
        self.append_audit_in(&tx, &audit)?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(stored)
    }

    /// Stores many new cases in one transaction (an import from an earlier
    /// system), numbered consecutively in `year`, each with its `created`
    /// event, and one audit entry for the whole import. All or nothing.
    pub fn import_cases(
        &self,
        cases: &[(Case, ContactKeys)],
        year: i32,
        audit: &NewAuditEntry,
    ) -> Result<Vec<CaseId>, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let count = u32::try_from(cases.len()).unwrap_or(u32::MAX);
        let last = next_numbers(&tx, year, count).map_err(|e| self.sql_err(e))?;
        let first = last + 1 - count;
        let mut ids = Vec::with_capacity(cases.len());
        for (i, (case, keys)) in cases.iter().enumerate() {
            let mut stored = case.clone();
            stored.id = CaseId::new(year, first + i as u32);
            stored.version = 1;
            self.insert_case(&tx, &stored, keys, &[], &json!({"imported": true}))?;
            ids.push(stored.id);
        }
        let mut audit = audit.clone();
        audit.details = json!({
            "count": ids.len(),
            "first": ids.first().map(|i| i.to_string()),
            "last": ids.last().map(|i| i.to_string()),
        });
        self.append_audit_in(&tx, &audit)?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(ids)
    }

    fn insert_case(
        &self,
        tx: &Connection,
        case: &Case,
        keys: &ContactKeys,
        links: &[LinkedRecord],
        created_event: &serde_json::Value,
    ) -> Result<(), StoreError> {
        let params = case_params(case, keys);
        tx.prepare_cached(&insert_sql())
            .and_then(|mut s| s.execute(bind(&params).as_slice()))
            .map_err(|e| self.sql_err(e))?;
        insert_links(tx, case.id, links, &case.created_by, &case.created_at)
            .map_err(|e| self.sql_err(e))?;
        insert_event(
            tx,
            case.id,
            1,
            &case.created_at,
            &case.created_by,
            "created",
            &json!({}),
            created_event,
        )
        .map_err(|e| self.sql_err(e))?;
        Ok(())
    }

    /// Writes one change: the case row (only if its version is still
    /// `expected_version`), the note and links if any, the timeline event
    /// and the audit entry, in one transaction. On a version mismatch
    /// nothing is written and [`StoreError::Conflict`] lists the changes
    /// made since that version. Returns the case as stored.
    pub fn update_case(&self, w: &CaseWrite<'_>) -> Result<Case, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let mut stored = w.case.clone();
        stored.version = w.expected_version + 1;
        stored.updated_at = w.at;
        let mut after = w.after.clone();

        if let Some(note) = &w.note {
            tx.execute(
                "INSERT INTO case_notes (case_id, at, author, internal, text) VALUES (?1, ?2, ?3, ?4, ?5)",
                params![stored.id.to_string(), ts(&w.at), w.operator, note.internal, note.text],
            )
            .map_err(|e| self.sql_err(e))?;
            let note_id = tx.last_insert_rowid();
            if let Some(obj) = after.as_object_mut() {
                obj.insert("note_id".into(), json!(note_id));
            }
            if note.is_response {
                stored.response = Some(crate::domain::ResponseRef { note_id, at: w.at });
            }
        }

        let params: Vec<(String, Value)> = case_params(&stored, w.keys)
            .into_iter()
            .filter(|(k, _)| {
                !matches!(k.as_str(), ":year" | ":seq" | ":created_by" | ":created_at")
            })
            .chain([(
                ":expected_version".to_string(),
                Value::Integer(w.expected_version),
            )])
            .collect();
        let changed = tx
            .prepare_cached(&update_sql())
            .and_then(|mut s| s.execute(bind(&params).as_slice()))
            .map_err(|e| self.sql_err(e))?;
        if changed == 0 {
            let err = self.conflict_in(&tx, stored.id, w.expected_version)?;
            return Err(err);
        }

        insert_links(&tx, stored.id, w.links, w.operator, &w.at).map_err(|e| self.sql_err(e))?;
        insert_event(
            &tx,
            stored.id,
            stored.version,
            &w.at,
            w.operator,
            w.event_kind,
            &w.before,
            &after,
        )
        .map_err(|e| self.sql_err(e))?;
        let mut audit = w.audit.clone();
        audit.subject = stored.id.to_string();
        self.append_audit_in(&tx, &audit)?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        Ok(stored)
    }

    /// Why an update matched no row: the case is unknown, or it changed.
    fn conflict_in(
        &self,
        tx: &Connection,
        id: CaseId,
        seen: i64,
    ) -> Result<StoreError, StoreError> {
        let current: Option<i64> = tx
            .query_row(
                "SELECT version FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| r.get(0),
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        let Some(current) = current else {
            return Ok(StoreError::CaseNotFound(id));
        };
        let changes = self.events_in(tx, id, seen)?;
        Ok(StoreError::Conflict(Box::new(CaseConflict {
            case_id: id,
            seen_version: seen,
            current_version: current,
            changes,
        })))
    }

    /// The conflict for a version the caller already knows is stale.
    pub fn case_conflict(&self, id: CaseId, seen: i64) -> Result<StoreError, StoreError> {
        let conn = self.lock();
        self.conflict_in(&conn, id, seen)
    }
}

/// Hands out `count` numbers of `year`; returns the last one.
fn next_numbers(tx: &Connection, year: i32, count: u32) -> rusqlite::Result<u32> {
    let last: i64 = tx.query_row(
        "INSERT INTO case_sequences (year, last) VALUES (?1, ?2)
         ON CONFLICT (year) DO UPDATE SET last = last + ?2
         RETURNING last",
        params![year, count],
        |r| r.get(0),
    )?;
    u32::try_from(last).map_err(|_| rusqlite::Error::IntegralValueOutOfRange(0, last))
}

fn insert_links(
    tx: &Connection,
    id: CaseId,
    links: &[LinkedRecord],
    by: &str,
    at: &DateTime<Utc>,
) -> rusqlite::Result<()> {
    if links.is_empty() {
        return Ok(());
    }
    let mut stmt = tx.prepare_cached(
        "INSERT INTO case_links (case_id, system, record_id, display_name, linked_at, linked_by)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6)
         ON CONFLICT (case_id, system, record_id) DO NOTHING",
    )?;
    for l in links {
        stmt.execute(params![
            id.to_string(),
            l.system,
            l.record_id,
            l.display_name,
            ts(at),
            by
        ])?;
    }
    Ok(())
}

#[allow(clippy::too_many_arguments)]
pub(crate) fn insert_event(
    tx: &Connection,
    id: CaseId,
    version: i64,
    at: &DateTime<Utc>,
    operator: &str,
    kind: &str,
    before: &serde_json::Value,
    after: &serde_json::Value,
) -> rusqlite::Result<()> {
    tx.prepare_cached(
        "INSERT INTO case_events (case_id, version, at, operator, kind, before, after)
         VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7)",
    )?
    .execute(params![
        id.to_string(),
        version,
        ts(at),
        operator,
        kind,
        before.to_string(),
        after.to_string()
    ])?;
    Ok(())
}
