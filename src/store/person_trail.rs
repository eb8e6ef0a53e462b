//! Which cases are about one person, closed ones included: for the audit
//! export that answers "who accessed my data".

use rusqlite::params_from_iter;
use rusqlite::types::Value;

use super::case_queries::DuplicateProbe;
use super::case_rows;
use super::{Store, StoreError};
use crate::domain::CaseId;

impl Store {
    /// Every case (open or closed) linked to one of `probe.records`, or
    /// whose requester has `probe.email_key` or `probe.phone_key`, oldest
    /// first. `probe.exclude` is ignored.
    pub fn case_ids_about(&self, probe: &DuplicateProbe) -> Result<Vec<CaseId>, StoreError> {
        let mut ors: Vec<String> = Vec::new();
        let mut args: Vec<Value> = Vec::new();
        let mut next = |v: &str| {
            args.push(Value::Text(v.to_string()));
            format!("?{}", args.len())
        };
        for (s, r) in &probe.records {
            let (a, b) = (next(s), next(r));
            ors.push(format!(
                "id IN (SELECT case_id FROM case_links WHERE system = {a} AND record_id = {b})"
            ));
        }
        if let Some(e) = &probe.email_key {
            ors.push(format!("email_key = {}", next(e)));
        }
        if let Some(p) = &probe.phone_key {
            ors.push(format!("phone_key = {}", next(p)));
        }
        if ors.is_empty() {
            return Ok(Vec::new());
        }
        let sql = format!(
            "SELECT id FROM cases WHERE {} ORDER BY year, seq",
            ors.join(" OR ")
        );
        let conn = self.lock();
        let mut stmt = conn.prepare(&sql).map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params_from_iter(args.iter()), |r| {
                case_rows::case_id(r, "id")
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }
}
