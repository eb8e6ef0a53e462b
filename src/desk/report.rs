//! Reports: supervisors and auditors read them (they hold counts, no
//! personal data); agents are refused and the attempt audited. Every report
//! is audited (`report`, with the period).

use super::{Desk, DeskError};
use crate::domain::report::{self, Period, Report, ReportCalendar};
use crate::domain::AuditKind;
use crate::domain::Role;
use chrono::{DateTime, NaiveDate, Utc};
use serde_json::json;

impl Desk {
    /// The report over cases received from `from` to `to` (both included;
    /// default: the 365 days up to today).
    pub fn report(
        &self,
        from: Option<NaiveDate>,
        to: Option<NaiveDate>,
    ) -> Result<Report, DeskError> {
        self.gate("report")?;
        if self.operator().role == Role::Agent {
            return Err(self.deny("report", "only supervisors and auditors read reports"));
        }
        let today = self.today();
        let period = Period::new(from, to, today).map_err(DeskError::Invalid)?;
        let rows = self.store().report_cases(period.from, period.to)?;
        let tz = self.calendar().time_zone();
        let local = move |t: DateTime<Utc>| t.with_timezone(&tz).date_naive();
        let cal = self.calendar().clone();
        let open = move |d: NaiveDate| cal.is_open_day(d);
        let r = report::compute(
            &rows,
            period,
            &ReportCalendar {
                local_date: &local,
                is_open_day: &open,
                today,
            },
        );
        self.audit(
            AuditKind::Report,
            "cases",
            json!({ "from": period.from, "to": period.to, "received": r.received }),
        )?;
        Ok(r)
    }
}
