//! The queue as one read: every case not closed (or only those an agent may
//! see), soonest due first, with the start of each description and the
//! number of actions waiting for approval.

use super::case_queries::{summary_from_row, SUMMARY_COLUMNS};
use super::{Store, StoreError};
use crate::domain::queue::{QueueLoad, QueueRow, QUEUE_DESCRIPTION_CHARS};
use crate::domain::CaseId;
use chrono::NaiveDate;
use rusqlite::OptionalExtension;
use std::collections::HashMap;

impl Store {
    /// Cases not closed, soonest due first; with `holder`, only the cases
    /// that operator holds and the unassigned ones.
    pub fn queue(&self, holder: Option<&str>, today: NaiveDate) -> Result<QueueLoad, StoreError> {
        let pending = self.pending_approvals()?;
        let mut sql = format!(
            "SELECT {SUMMARY_COLUMNS}, substr(description, 1, {QUEUE_DESCRIPTION_CHARS}) AS descr \
             FROM cases WHERE status != 'closed'"
        );
        if holder.is_some() {
            sql.push_str(" AND (assignee IS NULL OR assignee = ?1)");
        }
        sql.push_str(" ORDER BY queue_due, year, seq");
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.sql_err(e))?;
        let read = |r: &rusqlite::Row| -> rusqlite::Result<(QueueRow, String)> {
            let case = summary_from_row(r, today)?;
            let descr: String = r.get("descr")?;
            let pending_approvals = pending.get(&case.id).copied().unwrap_or(0);
            Ok((
                QueueRow {
                    case,
                    pending_approvals,
                },
                descr,
            ))
        };
        let rows = match holder {
            Some(h) => stmt.query_map([h], read),
            None => stmt.query_map([], read),
        }
        .map_err(|e| self.sql_err(e))?;
        let mut load = QueueLoad::default();
        for r in rows {
            let (row, descr) = r.map_err(|e| self.read_err(e))?;
            load.rows.push(row);
            load.descriptions.push(descr);
        }
        Ok(load)
    }

    /// These cases as queue rows (closed ones included: the caller drops
    /// them), each with the start of its description. Cases not found are
    /// left out.
    pub fn queue_cases(
        &self,
        ids: &[CaseId],
        today: NaiveDate,
    ) -> Result<Vec<(QueueRow, String)>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(&format!(
                "SELECT {SUMMARY_COLUMNS}, substr(description, 1, {QUEUE_DESCRIPTION_CHARS}) AS descr, \
                 (SELECT count(*) FROM actions a WHERE a.case_id = cases.id \
                  AND a.status = 'awaiting_approval') AS pending \
                 FROM cases WHERE id = ?1"
            ))
            .map_err(|e| self.sql_err(e))?;
        let mut out = Vec::with_capacity(ids.len());
        for id in ids {
            let found = stmt
                .query_row([id.to_string()], |r| {
                    let case = summary_from_row(r, today)?;
                    let descr: String = r.get("descr")?;
                    let pending: i64 = r.get("pending")?;
                    Ok((
                        QueueRow {
                            case,
                            pending_approvals: u32::try_from(pending).unwrap_or(u32::MAX),
                        },
                        descr,
                    ))
                })
                .optional()
                .map_err(|e| self.read_err(e))?;
            out.extend(found);
        }
        Ok(out)
    }

    /// Actions waiting for approval, counted per case.
    pub fn pending_approvals(&self) -> Result<HashMap<CaseId, u32>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT case_id, count(*) FROM actions WHERE status = 'awaiting_approval' \
                 GROUP BY case_id",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([], |r| {
                let id: String = r.get(0)?;
                let n: i64 = r.get(1)?;
                Ok((id, n))
            })
            .map_err(|e| self.sql_err(e))?;
        let mut out = HashMap::new();
        for r in rows {
            let (id, n) = r.map_err(|e| self.read_err(e))?;
            // A malformed id cannot be in the queue; skip it.
            if let Ok(id) = CaseId::parse(&id) {
                out.insert(id, u32::try_from(n).unwrap_or(u32::MAX));
            }
        }
        Ok(out)
    }
}
