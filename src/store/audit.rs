//! Writing and reading audit entries.

use chrono::{DateTime, NaiveDate, SecondsFormat, Utc};
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, TransactionBehavior};

use super::chain::{entry_mac, ZERO_HASH};
use super::{now_rfc3339, Store, StoreError};
use crate::domain::{AuditEntry, AuditFilter, AuditKind};

/// An audit entry to append. `details` is free JSON; keep personal data out of it
/// where an identifier or a count says enough.
#[derive(Debug, Clone, PartialEq)]
pub struct NewAuditEntry {
    /// Who did it (the operator's configured name).
    pub operator: String,
    /// What was done: stored as [`AuditKind::as_str`] (`search`,
    /// `case_view`...). Readers get it back as text ([`AuditEntry::kind`]).
    pub kind: AuditKind,
    /// What it was done to, e.g. `query`, a case number.
    pub subject: String,
    /// Anything else worth keeping.
    pub details: serde_json::Value,
}

/// Audit entries waiting for the connection, and the results of those a
/// batch wrote for others.
#[derive(Debug, Default)]
pub(crate) struct Batch {
    next: std::sync::atomic::AtomicU64,
    pending: std::sync::Mutex<Vec<(u64, NewAuditEntry)>>,
    done: std::sync::Mutex<std::collections::HashMap<u64, Result<AuditEntry, StoreError>>>,
}

impl Batch {
    fn enqueue(&self, e: NewAuditEntry) -> u64 {
        let t = self.next.fetch_add(1, std::sync::atomic::Ordering::Relaxed);
        self.pending
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .push((t, e));
        t
    }

    fn take_pending(&self) -> Vec<(u64, NewAuditEntry)> {
        std::mem::take(&mut *self.pending.lock().unwrap_or_else(|p| p.into_inner()))
    }

    fn take_done(&self, t: u64) -> Option<Result<AuditEntry, StoreError>> {
        self.done
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .remove(&t)
    }

    fn finish(&self, t: u64, r: Result<AuditEntry, StoreError>) {
        self.done
            .lock()
            .unwrap_or_else(|p| p.into_inner())
            .insert(t, r);
    }
}

impl Store {
    /// Appends one entry to the audit chain, in one `BEGIN IMMEDIATE`
    /// transaction together with the head record.
    ///
    /// Refuses to write (and writes nothing) when the chain's last entry does not
    /// match the head record, since appending would hide that the log was cut.
    ///
    /// Group commit: entries appended by several threads at the same moment
    /// are written in one transaction (one sync to disk for all), in the
    /// order they came; each caller returns once its own entry is on disk.
    pub fn append_audit(&self, e: &NewAuditEntry) -> Result<AuditEntry, StoreError> {
        let ticket = self.audit_batch.enqueue(e.clone());
        let mut conn = self.lock();
        // Whoever held the connection may have written this entry too.
        if let Some(done) = self.audit_batch.take_done(ticket) {
            return done;
        }
        let batch = self.audit_batch.take_pending();
        let written = (|| {
            let tx = conn
                .transaction_with_behavior(TransactionBehavior::Immediate)
                .map_err(|err| self.sql_err(err))?;
            let mut out = Vec::with_capacity(batch.len());
            for (t, entry) in &batch {
                // An entry that cannot be written fails alone; the SQL
                // errors that would fail the others end the batch.
                match self.append_audit_in(&tx, entry) {
                    Ok(a) => out.push((*t, Ok(a))),
                    Err(err @ StoreError::BadData { .. }) => out.push((*t, Err(err))),
                    Err(err) => return Err(err),
                }
            }
            tx.commit().map_err(|err| self.sql_err(err))?;
            Ok(out)
        })();
        match written {
            Ok(out) => {
                let mut mine = None;
                for (t, r) in out {
                    if t == ticket {
                        mine = Some(r);
                    } else {
                        self.audit_batch.finish(t, r);
                    }
                }
                let mine = mine.unwrap_or_else(|| {
                    Err(StoreError::Stale(
                        "the audit entry was lost from its batch".into(),
                    ))
                });
                if let Ok(a) = &mine {
                    tracing::debug!(
                        audit_id = a.id,
                        batch = batch.len(),
                        "audit entries appended"
                    );
                }
                mine
            }
            Err(err) => {
                for (t, _) in &batch {
                    if *t != ticket {
                        self.audit_batch.finish(*t, Err(err.duplicate()));
                    }
                }
                Err(err)
            }
        }
    }

    /// Appends one entry inside a transaction the caller holds (and commits),
    /// so a change and its audit entry are written together or not at all.
    pub(crate) fn append_audit_in(
        &self,
        tx: &Connection,
        e: &NewAuditEntry,
    ) -> Result<AuditEntry, StoreError> {
        // Personal values are sealed with their subjects' keys before the
        // entry is hashed: the chain covers the ciphertext.
        let mut sealed = e.details.clone();
        let tokens =
            super::seal::seal(tx, &mut super::seal::KeyCache::new(&self.keys), &mut sealed)
                .map_err(|err| self.sql_err(err))?;
        let details = serde_json::to_string(&sealed).map_err(|err| StoreError::BadData {
            path: self.path.clone(),
            detail: format!("the audit details cannot be encoded as JSON: {err}"),
        })?;
        let last: Option<(i64, String)> = tx
            .query_row(
                "SELECT id, hash FROM audit ORDER BY id DESC LIMIT 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|err| self.sql_err(err))?;
        let head: Option<(i64, String)> = tx
            .query_row(
                "SELECT entries, last_hash FROM audit_head WHERE singleton = 1",
                [],
                |r| Ok((r.get(0)?, r.get(1)?)),
            )
            .optional()
            .map_err(|err| self.sql_err(err))?;
        let (last_id, prev_hash) = last.unwrap_or_else(|| (0, ZERO_HASH.to_string()));
        match &head {
            Some((n, h)) if *n == last_id && *h == prev_hash => {}
            Some((n, _)) => {
                return Err(StoreError::AuditHeadMismatch {
                    path: self.path.clone(),
                    detail: format!(
                        "the head records {n} entries, the log ends at entry {last_id}"
                    ),
                })
            }
            None => {
                return Err(StoreError::AuditHeadMismatch {
                    path: self.path.clone(),
                    detail: "the head record is missing".to_string(),
                })
            }
        }

        let id = last_id + 1;
        let at = now_rfc3339();
        let key = self.keys.current_mac();
        let hash = entry_mac(
            key,
            &prev_hash,
            id,
            at.as_bytes(),
            e.operator.as_bytes(),
            e.kind.as_str().as_bytes(),
            e.subject.as_bytes(),
            details.as_bytes(),
        );
        tx.execute(
            "INSERT INTO audit (id, at, operator, kind, subject, details, prev_hash, hash, key_id)
             VALUES (?1, ?2, ?3, ?4, ?5, ?6, ?7, ?8, ?9)",
            params![
                id,
                at,
                e.operator,
                e.kind.as_str(),
                e.subject,
                details,
                prev_hash,
                hash,
                key.id
            ],
        )
        .map_err(|err| self.sql_err(err))?;
        tx.execute(
            "UPDATE audit_head SET entries = ?1, last_hash = ?2 WHERE singleton = 1",
            params![id, hash],
        )
        .map_err(|err| self.sql_err(err))?;
        super::seal::index(tx, &self.keys, id, &tokens).map_err(|err| self.sql_err(err))?;
        Ok(AuditEntry {
            id,
            at,
            operator: e.operator.clone(),
            kind: e.kind.as_str().to_string(),
            subject: e.subject.clone(),
            details: super::seal::unmarked(&e.details),
            prev_hash,
            hash,
        })
    }

    /// Lists audit entries matching `f`, oldest first. With a limit, the newest
    /// `limit` matches are returned (still oldest first).
    pub fn audit_entries(&self, f: &AuditFilter) -> Result<Vec<AuditEntry>, StoreError> {
        let mut clauses: Vec<&str> = Vec::new();
        let mut args: Vec<String> = Vec::new();
        if let Some(v) = &f.operator {
            clauses.push("operator = ?");
            args.push(v.clone());
        }
        if let Some(v) = &f.kind {
            clauses.push("kind = ?");
            args.push(v.clone());
        }
        let by_blind;
        if let Some(v) = &f.subject {
            if f.subject_tokens.is_empty() {
                clauses.push("subject = ?");
            } else {
                by_blind = format!(
                    "(subject = ? OR id IN (SELECT audit_id FROM audit_subjects WHERE blind IN ({})))",
                    vec!["?"; f.subject_tokens.len()].join(", ")
                );
                clauses.push(&by_blind);
            }
            args.push(v.clone());
            args.extend(f.subject_tokens.iter().map(|t| self.keys.blind(t)));
        }
        if let Some(v) = &f.since {
            clauses.push("at >= ?");
            args.push(normalize_since(v)?);
        }
        if let Some(v) = &f.until {
            let (op, at) = normalize_until(v)?;
            clauses.push(op);
            args.push(at);
        }
        let mut sql = String::from(
            "SELECT id, at, operator, kind, subject, details, prev_hash, hash FROM audit",
        );
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(" ORDER BY id DESC");
        if let Some(limit) = f.limit {
            sql.push_str(&format!(" LIMIT {}", limit.min(i64::MAX as usize)));
        }

        let mut out = self.read_entries(&sql, &args)?;
        out.reverse();
        Ok(out)
    }

    /// The entries of `kinds` an operator wrote since `since` (RFC 3339
    /// UTC, as entries are stamped): kind, time and details, for the
    /// server's limits. Reads only that operator's newest entries.
    pub fn audit_since(
        &self,
        operator: &str,
        kinds: &[&str],
        since: &str,
    ) -> Result<Vec<(String, String, serde_json::Value)>, StoreError> {
        let conn = self.lock();
        let first: Option<i64> = conn
            .query_row("SELECT min(id) FROM audit WHERE at >= ?1", [since], |r| {
                r.get(0)
            })
            .map_err(|e| self.sql_err(e))?;
        let Some(first) = first else {
            return Ok(Vec::new());
        };
        let mut stmt = conn
            .prepare_cached(
                "SELECT kind, at, details FROM audit WHERE operator = ?1 AND id >= ?2 ORDER BY id",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(rusqlite::params![operator, first], |r| {
                Ok((
                    r.get::<_, String>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        for row in rows {
            let (kind, at, details) = row.map_err(|e| self.sql_err(e))?;
            if kinds.contains(&kind.as_str()) {
                out.push((kind, at, serde_json::from_str(&details).unwrap_or_default()));
            }
        }
        Ok(out)
    }

    /// Up to `limit` entries after entry `after`, oldest first: for walking
    /// the whole log a page at a time.
    pub fn audit_entries_after(
        &self,
        after: i64,
        limit: usize,
    ) -> Result<Vec<AuditEntry>, StoreError> {
        let sql = format!(
            "SELECT id, at, operator, kind, subject, details, prev_hash, hash FROM audit
             WHERE id > {after} ORDER BY id LIMIT {}",
            limit.min(i64::MAX as usize)
        );
        self.read_entries(&sql, &[])
    }

    /// The entries with these ids, oldest first (ids not in the log are
    /// left out).
    pub fn audit_entries_by_ids(&self, ids: &[i64]) -> Result<Vec<AuditEntry>, StoreError> {
        let mut ids = ids.to_vec();
        ids.sort_unstable();
        ids.dedup();
        let mut out = Vec::with_capacity(ids.len());
        for chunk in ids.chunks(500) {
            let list: Vec<String> = chunk.iter().map(i64::to_string).collect();
            let sql = format!(
                "SELECT id, at, operator, kind, subject, details, prev_hash, hash FROM audit
                 WHERE id IN ({}) ORDER BY id",
                list.join(",")
            );
            out.extend(self.read_entries(&sql, &[])?);
        }
        Ok(out)
    }

    /// Runs a query of the audit columns in order and decodes the rows.
    fn read_entries(&self, sql: &str, args: &[String]) -> Result<Vec<AuditEntry>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn.prepare(sql).map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                Ok((
                    r.get::<_, i64>(0)?,
                    r.get::<_, String>(1)?,
                    r.get::<_, String>(2)?,
                    r.get::<_, String>(3)?,
                    r.get::<_, String>(4)?,
                    r.get::<_, String>(5)?,
                    r.get::<_, String>(6)?,
                    r.get::<_, String>(7)?,
                ))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::new();
        let mut keys = super::seal::KeyCache::new(&self.keys);
        for row in rows {
            let (id, at, operator, kind, subject, details, prev_hash, hash) = row.map_err(|e| {
                if matches!(e, rusqlite::Error::InvalidColumnType(..)) {
                    StoreError::BadData {
                        path: self.path.clone(),
                        detail: format!("an audit entry has a field of the wrong type ({e})"),
                    }
                } else {
                    self.sql_err(e)
                }
            })?;
            let mut details =
                serde_json::from_str(&details).map_err(|err| StoreError::BadData {
                    path: self.path.clone(),
                    detail: format!("audit entry {id} has details that are not JSON ({err})"),
                })?;
            super::seal::open(&conn, &mut keys, &mut details).map_err(|e| self.sql_err(e))?;
            out.push(AuditEntry {
                id,
                at,
                operator,
                kind,
                subject,
                details,
                prev_hash,
                hash,
            });
        }
        Ok(out)
    }
}

/// The clause and bound for an `until` value: an instant includes itself,
/// a date its whole day.
fn normalize_until(v: &str) -> Result<(&'static str, String), StoreError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        let t = t
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Millis, true);
        return Ok(("at <= ?", t));
    }
    if let Some(t) = NaiveDate::parse_from_str(v, "%Y-%m-%d")
        .ok()
        .and_then(|d| d.succ_opt())
        .and_then(|d| d.and_hms_opt(0, 0, 0))
    {
        return Ok((
            "at < ?",
            t.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true),
        ));
    }
    Err(StoreError::InvalidFilter(format!(
        "`until` must be an RFC 3339 time (2025-01-31T17:00:00Z) or a date (2025-01-31), not `{}`",
        crate::domain::text::escape_controls(v)
    )))
}

/// Brings a `since` value to the stored timestamp format so text comparison
/// orders correctly.
fn normalize_since(v: &str) -> Result<String, StoreError> {
    if let Ok(t) = DateTime::parse_from_rfc3339(v) {
        return Ok(t
            .with_timezone(&Utc)
            .to_rfc3339_opts(SecondsFormat::Millis, true));
    }
    if let Ok(d) = NaiveDate::parse_from_str(v, "%Y-%m-%d") {
        if let Some(t) = d.and_hms_opt(0, 0, 0) {
            return Ok(t.and_utc().to_rfc3339_opts(SecondsFormat::Millis, true));
        }
    }
    Err(StoreError::InvalidFilter(format!(
        "`since` must be an RFC 3339 time (2025-01-31T09:00:00Z) or a date (2025-01-31), not `{}`",
        crate::domain::text::escape_controls(v)
    )))
}
