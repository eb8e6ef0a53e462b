//! Retention: closed cases older than their period (`[retention]`) lose
//! their personal data; their statistics and the audit log stay. See
//! `store::retention` for what a purge changes, and docs/retention.md.
//!
//! Supervisors only; anyone else is refused and the attempt audited. A dry
//! run lists what would go and writes nothing (not even an audit entry: it
//! shows case numbers and counts, no personal data). A real run purges
//! each case in its own transaction with a `retention_purge` audit entry,
//! then removes the case's disclosure package folders that the audit log
//! names.

use super::case_time::now_utc;
use super::{Desk, DeskError};
use crate::domain::AuditKind;
use crate::domain::{CaseId, Category, Law, Role};
use crate::store::{AuditFilter, NewAuditEntry, PurgeCounts};
use chrono::{DateTime, Duration, Utc};
use serde::{Deserialize, Serialize};
use serde_json::json;
use std::path::PathBuf;

/// One case a retention run purges (or would purge).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionCase {
    pub case_id: CaseId,
    pub category: Category,
    pub law: Law,
    pub closed_at: DateTime<Utc>,
    /// The retention period that applies, in days.
    pub period_days: i64,
    /// Rows holding personal data, per table.
    pub counts: PurgeCounts,
    /// Disclosure package folders of the case still on disk.
    pub packages: Vec<PathBuf>,
}

/// What a retention run did (or, dry, would do).
#[derive(Debug, Clone, PartialEq, Serialize, Deserialize)]
pub struct RetentionRun {
    pub dry_run: bool,
    /// Cases closed before `as_of` minus their period are due.
    pub as_of: DateTime<Utc>,
    pub cases: Vec<RetentionCase>,
    /// The counts of every case, added up.
    pub totals: PurgeCounts,
    /// Package folders removed (none in a dry run).
    pub packages_removed: Vec<PathBuf>,
    /// What could not be done, one line each (e.g. a folder not removed).
    pub problems: Vec<String>,
}

impl Desk {
    /// Purge (or with `dry_run`, list) every closed case past its period.
    pub fn retention_run(&self, dry_run: bool) -> Result<RetentionRun, DeskError> {
        self.retention_run_at(now_utc(), dry_run)
    }

    /// [`Desk::retention_run`] as of `as_of` (tests look ahead in time).
    pub fn retention_run_at(
        &self,
        as_of: DateTime<Utc>,
        dry_run: bool,
    ) -> Result<RetentionRun, DeskError> {
        self.gate("retention")?;
        if self.operator().role != Role::Supervisor {
            return Err(self.deny(
                "retention",
                "only supervisors run retention (it removes personal data for good)",
            ));
        }
        let rules = &self.config().retention;
        let mut due = Vec::new();
        for c in self.store().closed_unpurged_cases()? {
            let days = rules.days_for(c.category, c.law);
            if c.closed_at > as_of - Duration::days(days) {
                continue;
            }
            due.push(RetentionCase {
                counts: self.store().purge_counts(c.id)?,
                packages: self.package_dirs(c.id)?,
                case_id: c.id,
                category: c.category,
                law: c.law,
                closed_at: c.closed_at,
                period_days: days,
            });
        }
        let mut run = RetentionRun {
            dry_run,
            as_of,
            cases: Vec::new(),
            totals: PurgeCounts::new(),
            packages_removed: Vec::new(),
            problems: Vec::new(),
        };
        if dry_run {
            run.cases = due;
        } else {
            let me = self.operator().username.clone();
            for mut c in due {
                let audit = NewAuditEntry {
                    operator: me.clone(),
                    kind: AuditKind::RetentionPurge,
                    subject: String::new(),
                    details: json!({
                        "period_days": c.period_days,
                        "packages": c.packages.iter().map(|p| p.display().to_string()).collect::<Vec<_>>(),
                    }),
                };
                let subjects = self.case_subjects(c.case_id)?;
                // Closed meanwhile by nobody else, or purged by another run: skip.
                let Some(counts) =
                    self.store()
                        .purge_case(c.case_id, &me, now_utc(), &audit, &subjects)?
                else {
                    continue;
                };
                c.counts = counts;
                for dir in &c.packages {
                    match std::fs::remove_dir_all(dir) {
                        Ok(()) => run.packages_removed.push(dir.clone()),
                        Err(e) => run.problems.push(format!(
                            "{}: package folder {} not removed: {e}",
                            c.case_id,
                            dir.display()
                        )),
                    }
                }
                tracing::info!(case = %c.case_id, "personal data purged by retention");
                run.cases.push(c);
            }
        }
        for c in &run.cases {
            for (table, n) in &c.counts {
                *run.totals.entry(table.clone()).or_default() += n;
            }
        }
        Ok(run)
    }

    /// The data subjects of a case (see `subjects::of_case`).
    pub(crate) fn case_subjects(&self, id: CaseId) -> Result<Vec<String>, DeskError> {
        let case = self.store().get_case(id)?.ok_or(DeskError::NotFound(id))?;
        let links: Vec<String> = self
            .store()
            .case_links(id)?
            .iter()
            .map(|l| l.to_string())
            .collect();
        Ok(super::subjects::of_case(
            &case,
            &links,
            self.config().search.max_query_chars,
        ))
    }

    /// Package folders of a case named by the audit log that are still on
    /// disk and hold a package manifest.
    fn package_dirs(&self, id: CaseId) -> Result<Vec<PathBuf>, DeskError> {
        let entries = self.store().audit_entries(&AuditFilter {
            kind: Some("package".into()),
            subject: Some(id.to_string()),
            ..AuditFilter::default()
        })?;
        let mut dirs: Vec<PathBuf> = Vec::new();
        for e in entries {
            let Some(dir) = e.details["dir"].as_str().map(PathBuf::from) else {
                continue;
            };
            if dir.join(crate::package::MANIFEST_FILE).is_file() && !dirs.contains(&dir) {
                dirs.push(dir);
            }
        }
        Ok(dirs)
    }
}
