//! Reading and checking the audit trail: supervisors and auditors only.

use super::{Desk, DeskError};
use crate::domain::AuditKind;
use crate::domain::Role;
use crate::store::{AuditEntry, AuditFilter, AuditVerification, StoreError};
use serde_json::json;

impl Desk {
    pub(crate) fn require_audit_reader(&self, operation: &str) -> Result<(), DeskError> {
        self.gate(operation)?;
        match self.operator().role {
            Role::Supervisor | Role::Auditor => Ok(()),
            Role::Agent => Err(self.deny(
                operation,
                "only supervisors and auditors read the audit trail",
            )),
        }
    }

    /// Entries matching the filter; the reading itself is audited.
    pub fn audit_log(&self, filter: &AuditFilter) -> Result<Vec<AuditEntry>, DeskError> {
        self.require_audit_reader("audit log")?;
        let mut filter = filter.clone();
        filter.subject_tokens = filter
            .subject
            .as_deref()
            .map(|s| self.person_tokens(s))
            .unwrap_or_default();
        let entries = self.store().audit_entries(&filter).map_err(|e| match e {
            // The operator typed the filter: a usage error, not a store failure.
            StoreError::InvalidFilter(why) => {
                DeskError::Invalid(format!("invalid audit filter: {why}"))
            }
            other => DeskError::Store(other),
        })?;
        self.audit(
            AuditKind::AuditRead,
            "audit",
            json!({
                "operator": filter.operator, "kind": filter.kind,
                "subject": match (filter.subject.as_deref(), filter.subject_tokens.first()) {
                    (Some(s), Some(t)) => crate::store::personal(t, s),
                    (s, _) => json!(s),
                },
                "since": filter.since, "until": filter.until, "returned": entries.len(),
            }),
        )?;
        Ok(entries)
    }

    /// The data subjects a subject filter or a person names: the record
    /// of a configured system (`crm:C-1001`), or what a search would take
    /// (a name, an e-mail, a phone). A case number or one of the log's own
    /// subjects (`query`, `records`, `audit`...) names nobody.
    pub(crate) fn person_tokens(&self, s: &str) -> Vec<String> {
        let s = s.trim();
        const PLAIN: &[&str] = &[
            "query", "records", "record", "audit", "cases", "tasks", "session", "package",
        ];
        if s.is_empty() || PLAIN.contains(&s) || crate::domain::CaseId::parse(s).is_ok() {
            return Vec::new();
        }
        if let Some((sys, id)) = s.split_once(':') {
            if self.config().systems.contains_key(sys) && !id.is_empty() {
                return vec![super::subjects::record(s)];
            }
        }
        super::subjects::query(s, self.config().search.max_query_chars)
            .into_iter()
            .collect()
    }

    /// Walk the hash chain; reports the first broken link.
    pub fn audit_verify(&self) -> Result<AuditVerification, DeskError> {
        self.require_audit_reader("audit verify")?;
        Ok(self.store().verify_audit()?)
    }
}
