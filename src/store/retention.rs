//! Retention: purging the personal data of a closed case while keeping
//! what the reports count (category, kind, law, status, outcome, dates,
//! due dates, refusal grounds, the extension) and every audit entry.
//!
//! Per case, in one transaction: requester name, contacts, representative
//! and linked record ids are replaced by a salted SHA-256 (`sha256:<hex>`),
//! so one person's purged cases still group together without naming them;
//! free text (description, notes, replies and letters, hold reasons,
//! resolutions, pause reasons, identity-check details, action notes and
//! changes, job requests and exported data, task instructions and
//! results, drafts) is removed; the timeline keeps who changed what and
//! when, with only the fields that hold no personal data. A `case_purges`
//! row marks the case, a `retention_purge` timeline event and audit entry
//! record it. The salt is made once per store (`retention_salt`).

use super::case_rows::ts;
use super::cases::insert_event;
use super::{NewAuditEntry, Store, StoreError};
use crate::domain::{CaseId, CasePause, Category, Law, Representative, Verification};
use chrono::{DateTime, Utc};
use rusqlite::{params, Connection, OptionalExtension, TransactionBehavior};
use serde_json::{json, Map, Value};
use sha2::{Digest, Sha256};
use std::collections::BTreeMap;

/// Rows holding personal data, per table.
pub type PurgeCounts = BTreeMap<String, usize>;

/// A closed case not purged yet.
#[derive(Debug, Clone, PartialEq)]
pub struct ClosedCase {
    pub id: CaseId,
    pub category: Category,
    pub law: Law,
    pub closed_at: DateTime<Utc>,
}

/// Timeline fields kept by a purge: none of them holds personal data.
const EVENT_KEYS: &[&str] = &[
    "status",
    "held_from",
    "category",
    "kind",
    "law",
    "priority",
    "assignee",
    "channel",
    "received_at",
    "refusal_grounds",
    "outcome",
    "delivery_format",
    "fee",
    "closed_at",
    "response",
    "approval_requested_by",
    "note_id",
    "internal",
    "is_response",
    "links",
    "imported",
    "action",
    "systems",
    "job",
    "state",
    "task",
    "done_by",
    "purged",
];

/// The `(sql, what it counts)` pairs of [`Store::purge_counts`]; `?1` is
/// the case number, `?2` the draft key pattern.
const COUNT_SQL: &[(&str, &str)] = &[
    ("cases", "SELECT COUNT(*) FROM cases WHERE id = ?1"),
    (
        "case_links",
        "SELECT COUNT(*) FROM case_links WHERE case_id = ?1",
    ),
    (
        "case_notes",
        "SELECT COUNT(*) FROM case_notes WHERE case_id = ?1 AND text != ''",
    ),
    (
        "case_events",
        "SELECT COUNT(*) FROM case_events WHERE case_id = ?1",
    ),
    ("actions", "SELECT COUNT(*) FROM actions WHERE case_id = ?1"),
    (
        "action_jobs",
        "SELECT COUNT(*) FROM action_jobs WHERE case_id = ?1",
    ),
    (
        "action_attempts",
        "SELECT COUNT(*) FROM action_attempts WHERE message IS NOT NULL
           AND job_id IN (SELECT id FROM action_jobs WHERE case_id = ?1)",
    ),
    (
        "manual_tasks",
        "SELECT COUNT(*) FROM manual_tasks WHERE case_id = ?1",
    ),
    (
        "drafts",
        "SELECT COUNT(*) FROM drafts WHERE key LIKE ?2 ESCAPE '\\'",
    ),
];

/// `case.<id>.%`: the drafts of a case's dialogs.
fn draft_pattern(id: CaseId) -> String {
    format!("case.{id}.%")
}

fn hash(salt: &str, value: &str) -> String {
    let mut h = Sha256::new();
    h.update(salt.as_bytes());
    h.update([0u8]);
    h.update(value.as_bytes());
    format!("sha256:{}", hex::encode(h.finalize()))
}

/// The timeline fields that may stay, of one `before` or `after` object.
fn redact_event(v: &Value) -> Value {
    match v {
        Value::Object(m) => Value::Object(
            m.iter()
                .filter(|(k, _)| EVENT_KEYS.contains(&k.as_str()))
                .map(|(k, v)| (k.clone(), v.clone()))
                .collect::<Map<_, _>>(),
        ),
        _ => json!({}),
    }
}

impl Store {
    /// Closed cases not purged yet, oldest closure first.
    pub fn closed_unpurged_cases(&self) -> Result<Vec<ClosedCase>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, category, law, closed_at FROM cases
                 WHERE status = 'closed' AND closed_at IS NOT NULL
                   AND id NOT IN (SELECT case_id FROM case_purges)
                 ORDER BY closed_at, year, seq",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                Ok(ClosedCase {
                    id: super::case_rows::case_id(r, "id")?,
                    category: super::case_rows::category(r)?,
                    law: super::case_rows::law(r)?,
                    closed_at: super::case_rows::utc(r, "closed_at")?,
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }

    /// Whether retention purged this case.
    pub fn is_purged(&self, id: CaseId) -> Result<bool, StoreError> {
        let conn = self.lock();
        conn.query_row(
            "SELECT 1 FROM case_purges WHERE case_id = ?1",
            [id.to_string()],
            |_| Ok(()),
        )
        .optional()
        .map(|o| o.is_some())
        .map_err(|e| self.sql_err(e))
    }

    /// The rows a purge of `id` would change, per table (nothing is written).
    pub fn purge_counts(&self, id: CaseId) -> Result<PurgeCounts, StoreError> {
        let conn = self.lock();
        counts_in(&conn, id).map_err(|e| self.sql_err(e))
    }

    /// Purges the personal data of closed case `id` in one transaction with
    /// its timeline event and `audit` (whose subject becomes the case
    /// number; the counts are added to its details). `None` when there was
    /// nothing to do: the case is not closed, or already purged.
    pub fn purge_case(
        &self,
        id: CaseId,
        operator: &str,
        at: DateTime<Utc>,
        audit: &NewAuditEntry,
        subjects: &[String],
    ) -> Result<Option<PurgeCounts>, StoreError> {
        let mut conn = self.lock();
        let tx = conn
            .transaction_with_behavior(TransactionBehavior::Immediate)
            .map_err(|e| self.sql_err(e))?;
        let state: Option<(String, i64, bool)> = tx
            .query_row(
                "SELECT status, version, EXISTS (SELECT 1 FROM case_purges WHERE case_id = ?1)
                 FROM cases WHERE id = ?1",
                [id.to_string()],
                |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
            )
            .optional()
            .map_err(|e| self.sql_err(e))?;
        let Some((status, version, purged)) = state else {
            return Err(StoreError::CaseNotFound(id));
        };
        if status != "closed" || purged {
            return Ok(None);
        }
        let counts = counts_in(&tx, id).map_err(|e| self.sql_err(e))?;
        tx.execute(
            "INSERT INTO case_purges (case_id, purged_at, purged_by, counts) VALUES (?1, ?2, ?3, ?4)",
            params![id.to_string(), ts(&at), operator, json!(counts).to_string()],
        )
        .map_err(|e| self.sql_err(e))?;
        let salt = salt_in(&tx).map_err(|e| self.sql_err(e))?;
        purge_in(&tx, id, &salt).map_err(|e| self.purge_err(id, e))?;
        tx.execute(
            "UPDATE cases SET version = ?2, updated_at = ?3 WHERE id = ?1",
            params![id.to_string(), version + 1, ts(&at)],
        )
        .map_err(|e| self.sql_err(e))?;
        insert_event(
            &tx,
            id,
            version + 1,
            &at,
            operator,
            "retention_purge",
            &json!({}),
            &json!({ "purged": true }),
        )
        .map_err(|e| self.sql_err(e))?;
        let mut audit = audit.clone();
        audit.subject = id.to_string();
        match &mut audit.details {
            Value::Object(m) => {
                m.insert("counts".into(), json!(counts));
            }
            other => *other = json!({ "counts": counts }),
        }
        self.append_audit_in(&tx, &audit)?;
        // The personal values the audit log holds about the case's data
        // subjects become unreadable with their keys.
        super::seal::shred_in(
            &tx,
            &self.keys,
            subjects,
            &ts(&at),
            &format!("retention {id}"),
        )
        .map_err(|e| self.sql_err(e))?;
        tx.commit().map_err(|e| self.sql_err(e))?;
        drop(conn);
        self.truncate_wal();
        Ok(Some(counts))
    }

    fn purge_err(&self, id: CaseId, e: PurgeError) -> StoreError {
        match e {
            PurgeError::Sql(e) => self.sql_err(e),
            PurgeError::Json(what) => StoreError::BadData {
                path: self.path.clone(),
                detail: format!("case {id}: {what} cannot be read for the purge"),
            },
        }
    }
}

fn counts_in(conn: &Connection, id: CaseId) -> rusqlite::Result<PurgeCounts> {
    let mut out = PurgeCounts::new();
    for (table, sql) in COUNT_SQL {
        let n: i64 = if sql.contains("?2") {
            conn.query_row(sql, params![id.to_string(), draft_pattern(id)], |r| {
                r.get(0)
            })?
        } else {
            conn.query_row(sql, params![id.to_string()], |r| r.get(0))?
        };
        out.insert(table.to_string(), usize::try_from(n).unwrap_or(0));
    }
    Ok(out)
}

/// The store's salt, made on first use.
fn salt_in(tx: &Connection) -> rusqlite::Result<String> {
    let fresh = hex::encode(rand::random::<[u8; 32]>());
    tx.execute(
        "INSERT INTO retention_salt (singleton, salt) VALUES (1, ?1) ON CONFLICT DO NOTHING",
        [fresh],
    )?;
    tx.query_row(
        "SELECT salt FROM retention_salt WHERE singleton = 1",
        [],
        |r| r.get(0),
    )
}

enum PurgeError {
    Sql(rusqlite::Error),
    Json(&'static str),
}

impl From<rusqlite::Error> for PurgeError {
    fn from(e: rusqlite::Error) -> Self {
        PurgeError::Sql(e)
    }
}

fn parse<T: serde::de::DeserializeOwned>(
    s: Option<String>,
    what: &'static str,
) -> Result<Option<T>, PurgeError> {
    match s {
        Some(s) => serde_json::from_str(&s)
            .map(Some)
            .map_err(|_| PurgeError::Json(what)),
        None => Ok(None),
    }
}

fn purge_in(tx: &Connection, id: CaseId, salt: &str) -> Result<(), PurgeError> {
    let key = id.to_string();
    let h = |v: Option<String>| v.map(|v| hash(salt, &v));
    type Row = (
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        Option<String>,
        String,
    );
    let row: Row = tx.query_row(
        "SELECT requester_name, requester_email, requester_phone, requester_address,
                email_key, phone_key, representative, verification, pauses
         FROM cases WHERE id = ?1",
        [&key],
        |r| {
            Ok((
                r.get(0)?,
                r.get(1)?,
                r.get(2)?,
                r.get(3)?,
                r.get(4)?,
                r.get(5)?,
                r.get(6)?,
                r.get(7)?,
                r.get(8)?,
            ))
        },
    )?;
    let (name, email, phone, address, email_key, phone_key, rep, verification, pauses) = row;
    let rep = parse::<Representative>(rep, "the representative")?.map(|r| {
        json!(Representative {
            name: hash(salt, &r.name),
            relation: String::new(),
            proof: None,
        })
        .to_string()
    });
    let verification = parse::<Verification>(verification, "the identity check")?.map(|mut v| {
        v.method.clear();
        v.evidence.clear();
        json!(v).to_string()
    });
    let mut pauses = parse::<Vec<CasePause>>(Some(pauses), "the pauses")?.unwrap_or_default();
    for p in &mut pauses {
        p.reason.clear();
    }
    tx.execute(
        "UPDATE cases SET requester_name = ?2, requester_email = ?3, requester_phone = ?4,
                requester_address = ?5, email_key = ?6, phone_key = ?7, representative = ?8,
                verification = ?9, pauses = ?10, description = '', hold_reason = NULL,
                resolution = NULL, deadline_steps = '[]'
         WHERE id = ?1",
        params![
            key,
            h(name),
            h(email),
            h(phone),
            h(address),
            h(email_key),
            h(phone_key),
            rep,
            verification,
            json!(pauses).to_string()
        ],
    )?;

    let links: Vec<(String, String)> = tx
        .prepare("SELECT system, record_id FROM case_links WHERE case_id = ?1")?
        .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (system, record) in links {
        tx.execute(
            "UPDATE case_links SET record_id = ?4, display_name = NULL
             WHERE case_id = ?1 AND system = ?2 AND record_id = ?3",
            params![key, system, record, hash(salt, &record)],
        )?;
    }
    tx.execute(
        "UPDATE case_notes SET text = '' WHERE case_id = ?1 AND text != ''",
        [&key],
    )?;

    let events: Vec<(i64, String, String)> = tx
        .prepare("SELECT id, before, after FROM case_events WHERE case_id = ?1")?
        .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)))?
        .collect::<Result<_, _>>()?;
    for (event, before, after) in events {
        let b = parse::<Value>(Some(before.clone()), "a timeline event")?.unwrap_or_default();
        let a = parse::<Value>(Some(after.clone()), "a timeline event")?.unwrap_or_default();
        let (b2, a2) = (redact_event(&b).to_string(), redact_event(&a).to_string());
        if b2 != before || a2 != after {
            tx.execute(
                "UPDATE case_events SET before = ?2, after = ?3 WHERE id = ?1",
                params![event, b2, a2],
            )?;
        }
    }

    tx.execute(
        "UPDATE actions SET note = NULL, changes = '[]', decision_reason = NULL WHERE case_id = ?1",
        [&key],
    )?;
    let jobs: Vec<(i64, Option<String>)> = tx
        .prepare("SELECT id, record_id FROM action_jobs WHERE case_id = ?1")?
        .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (job, record) in jobs {
        tx.execute(
            "UPDATE action_jobs SET record_id = ?2, request = NULL, preview = NULL, diff = '[]',
                    manual_reason = NULL, message = NULL, result = NULL, skip_reason = NULL
             WHERE id = ?1",
            params![job, h(record)],
        )?;
        tx.execute(
            "UPDATE action_attempts SET message = NULL WHERE job_id = ?1",
            [job],
        )?;
    }
    let tasks: Vec<(i64, Option<String>)> = tx
        .prepare("SELECT id, record_id FROM manual_tasks WHERE case_id = ?1")?
        .query_map([&key], |r| Ok((r.get(0)?, r.get(1)?)))?
        .collect::<Result<_, _>>()?;
    for (task, record) in tasks {
        tx.execute(
            "UPDATE manual_tasks SET record_id = ?2, instructions = '', result = NULL, note = NULL
             WHERE id = ?1",
            params![task, h(record)],
        )?;
    }
    tx.execute(
        "DELETE FROM drafts WHERE key LIKE ?1 ESCAPE '\\'",
        [draft_pattern(id)],
    )?;
    Ok(())
}
