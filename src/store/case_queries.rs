//! Reading cases: one case with its links, notes and timeline; the queue
//! with filters; open cases that may be duplicates of a new contact.

use super::case_rows::{self, case_from_row, select_list};
use super::{Store, StoreError};
use crate::domain::{
    AssigneeFilter, Case, CaseEvent, CaseFilter, CaseId, CaseNote, CaseSummary, LinkedRecord,
};
use chrono::NaiveDate;
use rusqlite::types::Value;
use rusqlite::{params, params_from_iter, Connection, OptionalExtension, Row};

/// Columns of a queue row.
pub(super) const SUMMARY_COLUMNS: &str =
    "id, version, status, category, kind, law, priority, assignee, \
     channel, received_at, requester_name, queue_due, is_open, clock_stopped";

/// Where to look for possible duplicates of a contact.
#[derive(Debug, Clone, Default, PartialEq, Eq)]
pub struct DuplicateProbe {
    /// `(system, record id)` pairs from a search.
    pub records: Vec<(String, String)>,
    /// Normalised email (as the desk stores it in `email_key`).
    pub email_key: Option<String>,
    /// Normalised phone (E.164, as stored in `phone_key`).
    pub phone_key: Option<String>,
    /// Leave this case out (the case being looked at).
    pub exclude: Option<CaseId>,
}

pub(super) fn summary_from_row(row: &Row, today: NaiveDate) -> rusqlite::Result<CaseSummary> {
    let due = case_rows::opt_date(row, "queue_due")?;
    let open: i64 = row.get("is_open")?;
    let stopped = row.get::<_, i64>("clock_stopped")? != 0;
    Ok(CaseSummary {
        id: case_rows::case_id(row, "id")?,
        version: row.get("version")?,
        status: case_rows::status(row, "status")?,
        category: case_rows::category(row)?,
        kind: case_rows::kind(row)?,
        law: case_rows::law(row)?,
        priority: case_rows::priority(row)?,
        assignee: row.get("assignee")?,
        channel: row.get("channel")?,
        received_at: case_rows::fixed(row, "received_at")?,
        requester_name: row.get("requester_name")?,
        due,
        days_left: None,
        clock_stopped: stopped,
        overdue: open != 0 && !stopped && due.is_some_and(|d| d < today),
    })
}

/// `%text%` for LIKE, with `\` escaping the wildcards.
fn like_pattern(text: &str) -> String {
    let mut p = String::from("%");
    for c in text.chars() {
        if matches!(c, '%' | '_' | '\\') {
            p.push('\\');
        }
        p.push(c);
    }
    p.push('%');
    p
}

impl Store {
    /// Turns a row-reading error into a message that says what is unreadable.
    pub(super) fn read_err(&self, e: rusqlite::Error) -> StoreError {
        match e {
            rusqlite::Error::FromSqlConversionFailure(_, _, detail) => StoreError::BadData {
                path: self.path.clone(),
                detail: format!("a case row cannot be read ({detail})"),
            },
            rusqlite::Error::InvalidColumnType(_, name, _) => StoreError::BadData {
                path: self.path.clone(),
                detail: format!("a case row has a value of the wrong type in column {name}"),
            },
            other => self.sql_err(other),
        }
    }

    /// One case, or `None` when there is no case with that number.
    pub fn get_case(&self, id: CaseId) -> Result<Option<Case>, StoreError> {
        let conn = self.lock();
        conn.query_row(
            &format!("SELECT {} FROM cases WHERE id = ?1", select_list()),
            [id.to_string()],
            case_from_row,
        )
        .optional()
        .map_err(|e| self.read_err(e))
    }

    /// The records linked to a case, in the order they were linked.
    pub fn case_links(&self, id: CaseId) -> Result<Vec<LinkedRecord>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT system, record_id, display_name FROM case_links
                 WHERE case_id = ?1 ORDER BY rowid",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([id.to_string()], |r| {
                Ok(LinkedRecord {
                    system: r.get(0)?,
                    record_id: r.get(1)?,
                    display_name: r.get(2)?,
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }

    /// Notes and replies of a case, oldest first. `response_note_id` marks
    /// the reply that is the response.
    pub fn case_notes(
        &self,
        id: CaseId,
        response_note_id: Option<i64>,
    ) -> Result<Vec<CaseNote>, StoreError> {
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, at, author, internal, text FROM case_notes
                 WHERE case_id = ?1 ORDER BY id",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map([id.to_string()], |r| {
                let note_id: i64 = r.get("id")?;
                Ok(CaseNote {
                    id: note_id,
                    case_id: id,
                    at: case_rows::utc(r, "at")?,
                    author: r.get("author")?,
                    internal: r.get::<_, i64>("internal")? != 0,
                    is_response: Some(note_id) == response_note_id,
                    text: r.get("text")?,
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }

    /// The timeline of a case after `after_version` (0 for all), oldest first.
    pub fn case_events(
        &self,
        id: CaseId,
        after_version: i64,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        let conn = self.lock();
        self.events_in(&conn, id, after_version)
    }

    pub(crate) fn events_in(
        &self,
        conn: &Connection,
        id: CaseId,
        after_version: i64,
    ) -> Result<Vec<CaseEvent>, StoreError> {
        let mut stmt = conn
            .prepare_cached(
                "SELECT id, version, at, operator, kind, before, after FROM case_events
                 WHERE case_id = ?1 AND version > ?2 ORDER BY version, id",
            )
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params![id.to_string(), after_version], |r| {
                let json = |col: &str| -> rusqlite::Result<serde_json::Value> {
                    let s: String = r.get(col)?;
                    serde_json::from_str(&s).map_err(|e| {
                        rusqlite::Error::FromSqlConversionFailure(
                            0,
                            rusqlite::types::Type::Text,
                            format!("event column {col}: not JSON ({e})").into(),
                        )
                    })
                };
                Ok(CaseEvent {
                    id: r.get("id")?,
                    case_id: id,
                    version: r.get("version")?,
                    at: case_rows::utc(r, "at")?,
                    operator: r.get("operator")?,
                    kind: r.get("kind")?,
                    before: json("before")?,
                    after: json("after")?,
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }

    /// The queue: cases matching `filter`, soonest due first (cases without
    /// a due date first of all, as they need looking at). `today` (in the
    /// desk's time zone) decides what is overdue.
    pub fn list_cases(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        self.list_cases_visible(filter, today, None)
    }

    /// [`Store::list_cases`], keeping only the cases assigned to
    /// `visible_to` or to nobody when it is given (an agent's queue).
    pub fn list_cases_visible(
        &self,
        filter: &CaseFilter,
        today: NaiveDate,
        visible_to: Option<&str>,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let mut clauses: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let arg = |args: &mut Vec<Value>, v: String| {
            args.push(Value::Text(v));
            format!("?{}", args.len())
        };
        if let Some(me) = visible_to {
            let p = arg(&mut args, me.to_string());
            clauses.push(format!("(assignee IS NULL OR assignee = {p})"));
        }
        match filter.status {
            Some(s) => {
                let p = arg(&mut args, s.as_str().into());
                clauses.push(format!("status = {p}"));
            }
            // Written exactly as in the partial index `cases_active_due`.
            None if !filter.include_closed => clauses.push("status != 'closed'".into()),
            None => {}
        }
        match &filter.assignee {
            AssigneeFilter::Anyone => {}
            AssigneeFilter::Unassigned => clauses.push("assignee IS NULL".into()),
            AssigneeFilter::User(u) => {
                let p = arg(&mut args, u.clone());
                clauses.push(format!("assignee = {p}"));
            }
        }
        if filter.overdue {
            let p = arg(&mut args, today.format("%Y-%m-%d").to_string());
            clauses.push(format!(
                "is_open = 1 AND clock_stopped = 0 AND queue_due < {p}"
            ));
        }
        if let Some(c) = filter.category {
            let p = arg(&mut args, c.as_str().into());
            clauses.push(format!("category = {p}"));
        }
        if let Some(l) = filter.law {
            let p = arg(&mut args, l.as_str().into());
            clauses.push(format!("law = {p}"));
        }
        if let Some(t) = filter
            .text
            .as_deref()
            .map(str::trim)
            .filter(|t| !t.is_empty())
        {
            let p = arg(&mut args, like_pattern(t));
            clauses.push(format!(
                "(id LIKE {p} ESCAPE '\\' OR requester_name LIKE {p} ESCAPE '\\' \
                 OR requester_email LIKE {p} ESCAPE '\\' OR description LIKE {p} ESCAPE '\\')"
            ));
        }
        let mut sql = format!("SELECT {SUMMARY_COLUMNS} FROM cases");
        if !clauses.is_empty() {
            sql.push_str(" WHERE ");
            sql.push_str(&clauses.join(" AND "));
        }
        sql.push_str(" ORDER BY queue_due, year, seq");
        if let Some(limit) = filter.limit {
            sql.push_str(&format!(" LIMIT {}", limit.min(i64::MAX as usize)));
        }
        let conn = self.lock();
        let mut stmt = conn.prepare_cached(&sql).map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                summary_from_row(r, today)
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }

    /// Cases not yet closed that share a linked record, the email or the
    /// phone of `probe`: possible duplicates of a new contact.
    pub fn find_open_cases(
        &self,
        probe: &DuplicateProbe,
        today: NaiveDate,
    ) -> Result<Vec<CaseSummary>, StoreError> {
        let mut ors: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let next = |args: &mut Vec<Value>, v: String| {
            args.push(Value::Text(v));
            format!("?{}", args.len())
        };
        if !probe.records.is_empty() {
            let pairs: Vec<String> = probe
                .records
                .iter()
                .map(|(s, r)| {
                    let a = next(&mut args, s.clone());
                    let b = next(&mut args, r.clone());
                    format!("(system = {a} AND record_id = {b})")
                })
                .collect();
            ors.push(format!(
                "id IN (SELECT case_id FROM case_links WHERE {})",
                pairs.join(" OR ")
            ));
        }
        if let Some(e) = &probe.email_key {
            let p = next(&mut args, e.clone());
            ors.push(format!("email_key = {p}"));
        }
        if let Some(p) = &probe.phone_key {
            let p = next(&mut args, p.clone());
            ors.push(format!("phone_key = {p}"));
        }
        if ors.is_empty() {
            return Ok(Vec::new());
        }
        let mut sql = format!(
            "SELECT {SUMMARY_COLUMNS} FROM cases WHERE status != 'closed' AND ({})",
            ors.join(" OR ")
        );
        if let Some(x) = probe.exclude {
            let p = next(&mut args, x.to_string());
            sql.push_str(&format!(" AND id != {p}"));
        }
        sql.push_str(" ORDER BY queue_due, year, seq");
        let conn = self.lock();
        let mut stmt = conn.prepare(&sql).map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                summary_from_row(r, today)
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }
}
