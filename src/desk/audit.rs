//! Reading and checking the audit trail: supervisors and auditors only.

use super::{Desk, DeskError};
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
        let entries = self.store().audit_entries(filter).map_err(|e| match e {
            // The operator typed the filter: a usage error, not a store failure.
            StoreError::InvalidFilter(why) => {
                DeskError::Invalid(format!("invalid audit filter: {why}"))
            }
            other => DeskError::Store(other),
        })?;
        self.audit(
            "audit_read",
            "audit",
            json!({
                "operator": filter.operator, "kind": filter.kind, "subject": filter.subject,
                "since": filter.since, "until": filter.until, "returned": entries.len(),
            }),
        )?;
        Ok(entries)
    }

    /// Walk the hash chain; reports the first broken link.
    pub fn audit_verify(&self) -> Result<AuditVerification, DeskError> {
        self.require_audit_reader("audit verify")?;
        Ok(self.store().verify_audit()?)
    }
}
