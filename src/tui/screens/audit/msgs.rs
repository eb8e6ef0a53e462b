//! The messages the audit trail receives and the work it asks for.

/// What comes back to the audit trail.
#[derive(Debug, Clone)]
pub enum AuditMsg {
    Loaded {
        gen: u64,
        result: Result<Vec<crate::domain::AuditEntry>, String>,
    },
    Verified(Result<crate::domain::AuditVerification, String>),
    /// The export of one person's trail: where it was written, or why not.
    Exported(Result<String, String>),
}

/// Work the audit trail asks the runtime to do.
#[derive(Debug, Clone, PartialEq)]
pub enum AuditEffect {
    Load {
        gen: u64,
        filter: crate::domain::AuditFilter,
    },
    Verify,
    /// Export the trail of `person` to a new file in the data folder.
    Export {
        person: String,
        csv: bool,
    },
}
