//! Reading what reports need: a few columns of every case received or
//! closed in a period, with the time a refused request was refused (from
//! the timeline). No personal data is read.

use super::case_rows::{self, from_json, opt_date, opt_parsed, opt_utc};
use super::{Store, StoreError};
use crate::domain::report::ReportCase;
use crate::domain::{CaseExtension, Outcome};
use chrono::{Days, NaiveDate};
use rusqlite::params;

const REPORT_SQL: &str = "
SELECT category, kind, law, status, outcome, received_at, responded_at, closed_at,
       queue_due, clock_stopped, refusal_grounds, extension,
       CASE WHEN status = 'refused' OR outcome = 'refused' THEN
           (SELECT MIN(e.at) FROM case_events e
             WHERE e.case_id = cases.id AND e.kind = 'status'
               AND json_extract(e.after, '$.status') = 'refused')
       END AS refused_at
FROM cases
WHERE substr(received_at, 1, 10) BETWEEN ?1 AND ?2
   OR substr(closed_at, 1, 10) BETWEEN ?1 AND ?2";

impl Store {
    /// Cases received or closed from `from` to `to` (local dates; a day is
    /// added on each side for time zones, the report filters exactly).
    pub fn report_cases(
        &self,
        from: NaiveDate,
        to: NaiveDate,
    ) -> Result<Vec<ReportCase>, StoreError> {
        let wide = |d: NaiveDate, back: bool| {
            let d = if back {
                d.checked_sub_days(Days::new(1))
            } else {
                d.checked_add_days(Days::new(1))
            }
            .unwrap_or(d);
            d.format("%Y-%m-%d").to_string()
        };
        let conn = self.lock();
        let mut stmt = conn
            .prepare_cached(REPORT_SQL)
            .map_err(|e| self.sql_err(e))?;
        let rows = stmt
            .query_map(params![wide(from, true), wide(to, false)], |r| {
                let extension: Option<CaseExtension> = from_json(r, "extension")?;
                let refused_at = opt_utc(r, "refused_at")?;
                Ok(ReportCase {
                    category: case_rows::category(r)?,
                    kind: case_rows::kind(r)?,
                    law: case_rows::law(r)?,
                    status: case_rows::status(r, "status")?,
                    outcome: opt_parsed(r, "outcome", Outcome::parse)?,
                    received_at: case_rows::fixed(r, "received_at")?,
                    answered_at: refused_at.or(opt_utc(r, "responded_at")?),
                    closed_at: opt_utc(r, "closed_at")?,
                    due: opt_date(r, "queue_due")?,
                    clock_stopped: r.get::<_, i64>("clock_stopped")? != 0,
                    refusal_grounds: from_json(r, "refusal_grounds")?.unwrap_or_default(),
                    extension_reason: extension.map(|e| e.reason),
                })
            })
            .map_err(|e| self.sql_err(e))?;
        rows.collect::<Result<_, _>>().map_err(|e| self.read_err(e))
    }
}
